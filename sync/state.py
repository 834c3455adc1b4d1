"""xlsync's own sheets in a workbook: sync state and issued bases (very hidden), log, history.

The state and bases are JSON, compressed and stored as base64 text in cells of 30,000
characters. The state of a 100,000-record master is ~50 MB of JSON but ~3 MB compressed: a
smaller sheet to write, deflate, read back and join on every merge. Version 1 blobs (plain
JSON) still read.

Both hold records by key (sync.keys). Their metadata says which fields the keys were made
of; blobs written before it did were keyed on the partner and one field only.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import zlib
from collections.abc import Collection, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import orjson

from sync.findings import Finding
from sync.keys import key_of
from sync.limits import BLOB_RATIO_EXEMPT_BYTES as RATIO_EXEMPT_BYTES
from sync.limits import MAX_INFLATE_RATIO
from sync.merge.three_way import same

if TYPE_CHECKING:
    from sync.kinds import Kind
    from sync.read.open import Book

Records = dict[str, dict[str, Any]]

STATE_SHEET = "_xlsync_state"  # in the master: per partner, the values last agreed
BASE_SHEET = "_xlsync_base"  # in an issued return: what was sent
LOG_SHEET = "Sync log"
HISTORY_SHEET = "Progress history"
MARKER = "xlsync"
IDENTITY = "id"  # in a master's state metadata: the identity its issued returns carry
ISSUED_FROM = "master_id"  # in an issued return's metadata: the identity of its master
VERSION = 2  # 1: JSON text, dates tagged; 2: JSON with ISO dates, zlib-compressed, as base64
CHUNK = 30_000  # under Excel's 32,767 characters a cell


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    raise TypeError(f"cannot store {type(value).__name__}")


def _decode(obj: dict[str, Any]) -> Any:
    if set(obj) == {"$d"}:
        return date.fromisoformat(obj["$d"])
    if set(obj) == {"$dt"}:
        return datetime.fromisoformat(obj["$dt"])
    return obj


@dataclass(frozen=True, slots=True)
class Blob:
    """A JSON payload stored in a sheet, with its metadata and whether its checksum held."""

    meta: dict[str, Any]
    payload: Any
    intact: bool


def blob_rows(meta: dict[str, Any], payload: Any) -> list[list[Any]]:
    """The rows of a very hidden sheet holding `payload`: marker, metadata, checksum, chunks."""
    return _packed(meta, _dumped(payload))


def blob_rows_soon(meta: dict[str, Any], payload: Any) -> Future[list[list[Any]]]:
    """blob_rows, with `payload` turned into JSON now and compressed on a background thread:
    zlib lets go of the interpreter lock, so the caller's work goes on beside it (for the
    state of 300,000 records, half a second of compressing 150 MB of JSON)."""
    from sync.parallel import in_background

    return in_background(_packed, meta, _dumped(payload))


def _dumped(payload: Any) -> bytes:
    # dates go in as ISO text, without a Python call for each of a large state's million
    # dates; typed_records turns them back by the fields that hold dates
    return orjson.dumps(payload, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)


def _packed(meta: dict[str, Any], data: bytes) -> list[list[Any]]:
    # without base64's "=" padding: a last chunk of only "=" would be taken for a formula
    # by a writer such as openpyxl (issued returns are built with it)
    text = base64.b64encode(zlib.compress(data, 1)).decode("ascii").rstrip("=")
    rows: list[list[Any]] = [
        [MARKER, VERSION],
        [json.dumps(meta, default=_encode, sort_keys=True)],
        [hashlib.sha256(text.encode("ascii")).hexdigest()],  # of the text as stored
    ]
    rows += [[text[i : i + CHUNK]] for i in range(0, len(text), CHUNK)] or [[""]]
    return rows


def read_blob(rows: list[list[Any]]) -> Blob | None:
    """The blob stored in `rows` (a sheet's values), or None if they are not one of ours."""
    if len(rows) < 4 or not rows[0] or rows[0][0] != MARKER:
        return None
    version = rows[0][1] if len(rows[0]) > 1 else VERSION
    try:
        meta = json.loads(str(rows[1][0]), object_hook=_decode)
        expected = str(rows[2][0])
        text = "".join(str(r[0]) if r and r[0] is not None else "" for r in rows[3:])
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != expected:
            return Blob(meta=meta, payload=None, intact=False)  # changed by hand: not inflated
        if version == 1:
            payload = json.loads(text, object_hook=_decode)
        else:
            padded = text + "=" * (-len(text) % 4)
            payload = orjson.loads(_inflate(base64.b64decode(padded, validate=True)))
    except (ValueError, IndexError, TypeError, binascii.Error, zlib.error, orjson.JSONDecodeError):
        return Blob(meta={}, payload=None, intact=False)
    return Blob(meta=meta, payload=payload, intact=True)


def typed_records(records: Any, date_fields: Collection[str]) -> Any:
    """Records read from a blob, {key: {field: value}}, with the ISO text in `date_fields` made
    dates again (datetimes where a time was stored). Only date fields ever hold dates: the
    reader types every other field as text or a number. Anything else is returned as it is."""
    if not isinstance(records, dict) or not date_fields:
        return records
    fields = set(date_fields)
    for values in records.values():
        if not isinstance(values, dict):
            continue
        for name in fields.intersection(values):
            text = values[name]
            if type(text) is str:
                values[name] = _iso(text)
    return records


def _iso(text: str) -> Any:
    try:
        return datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)
    except ValueError:
        return text  # text an officer typed in a date column, kept as typed


def sheet_blob(book: Any, name: str) -> Blob | None:
    """The blob in sheet `name` of an open workbook (sync.read.open.Book), or None when the
    workbook has no such sheet or the sheet is not one of ours."""
    if name not in book.sheet_names:
        return None
    grid = book.sheet(name)
    return read_blob(grid.rows if grid.first_row == 1 else [])


def _inflate(packed: bytes) -> bytes:
    """Decompress a blob, refusing (as damage) one that inflates beyond honest JSON."""
    limit = max(len(packed) * MAX_INFLATE_RATIO, RATIO_EXEMPT_BYTES)
    inflater = zlib.decompressobj()
    data = inflater.decompress(packed, limit)
    if inflater.unconsumed_tail or not inflater.eof:
        raise ValueError("the stored state is damaged or inflates beyond any honest state")
    return data


def master_identity(book: Book) -> str | None:
    """The identity a master keeps in its sync state's metadata, or None (a master written
    before masters had one, or never issued from)."""
    blob = sheet_blob(book, STATE_SHEET)
    ident = blob.meta.get(IDENTITY) if blob is not None else None
    return ident if isinstance(ident, str) and ident else None


def identity_meta(ident: str | None) -> dict[str, Any]:
    """What a master's state metadata says of its identity: it is kept through every merge."""
    return {IDENTITY: ident} if ident else {}


def issued_meta(book: Book) -> dict[str, Any] | None:
    """The metadata of the base an issued return carries (partner, issue id, date, the
    master's name and identity), or None for a workbook xlsync did not issue."""
    blob = sheet_blob(book, BASE_SHEET)
    return dict(blob.meta) if blob is not None else None


def state_rows_issued(
    book: Book, kind: Kind, ident: str, issued: Mapping[str, Records]
) -> list[list[Any]] | None:
    """The master's state sheet once issuing has agreed with each partner what it was sent
    (`issued`: normalised partner -> key -> values), its metadata holding `ident`; None when
    the state says all that already (a second issue of an unchanged master writes nothing).

    Issuing is when the master and a partner agree: a copy of the return that comes back
    without the copy of what was sent (saved through another tool, or kept by the partner)
    is then merged three-way against it, so it cannot undo the coordinator's edits since.
    """
    blob = sheet_blob(book, STATE_SHEET)
    meta = dict(blob.meta) if blob is not None and blob.intact else {}
    state = read_state(book, kind, keyed=True)
    changed = meta.get(IDENTITY) != ident or meta.get("key") != list(kind.identity)
    for partner, records in issued.items():
        held = state.setdefault(partner, {})
        for key, values in records.items():
            was = held.get(key)
            if was is None or any(not same(was.get(n), v) for n, v in values.items()):
                held[key] = dict(values)
                changed = True
    if not changed:
        return None
    return blob_rows({**meta, **key_meta(kind), IDENTITY: ident}, {"partners": state})


def key_meta(kind: Kind) -> dict[str, Any]:
    """What a blob's metadata says of its keys: the fields besides the partner they join."""
    return {"key": list(kind.identity)}


def read_issued_base(book: Book, kind: Kind) -> tuple[Records | None, Finding | None]:
    """The base an issued return carries, or None; a tampered base is a warning and ignored."""
    blob = sheet_blob(book, BASE_SHEET)
    if blob is None:
        return None, None
    if not blob.intact or not isinstance(blob.payload, dict):
        return None, Finding(
            code="base-tampered",
            severity="warning",
            message="The copy of what was sent, stored in this return, has been changed; merged two-way",
            file=str(book.path),
            sheet=BASE_SHEET,
        )
    records = typed_records(blob.payload.get("records", {}), _date_fields(kind))
    # an issued base holds each record as the master had it, so its key can be made again;
    # issue only ever writes returns from a master with a partner column
    return _current_keys(records, kind, blob.meta, keyed=True, rekey=True), None


def read_state(book: Book, kind: Kind, keyed: bool) -> dict[str, Records]:
    """The master's per-partner sync state (values last agreed), or empty."""
    blob = sheet_blob(book, STATE_SHEET)
    if blob is None or not blob.intact or not isinstance(blob.payload, dict):
        return {}
    partners: dict[str, Records] = blob.payload.get("partners", {})
    dates = _date_fields(kind)
    # A state written before keys carried every key field cannot be rekeyed: where two
    # records shared a key, what was agreed for one was mixed with the other's values. It
    # is dropped, and those returns merge two-way, as a first merge does.
    rekey = blob.meta.get("key") is not None
    return {
        partner: _current_keys(typed_records(records, dates), kind, blob.meta, keyed, rekey)
        for partner, records in partners.items()
        if isinstance(records, dict)
    }


def _current_keys(
    records: Any, kind: Kind, meta: dict[str, Any], keyed: bool, rekey: bool
) -> Records:
    """`records` under the keys the kind makes now. Records of a blob keyed otherwise are
    keyed again from their own values when `rekey`, and dropped when not; two that come to
    share a key are both dropped, as no one can tell which is which."""
    if not isinstance(records, dict):
        return {}
    stored = meta.get("key")
    if stored == list(kind.identity) or (stored is None and len(kind.identity) == 1):
        return records  # keyed as now: blobs from before marked no key, as they had one field
    if not rekey:
        return {}
    out: Records = {}
    clashes: set[str] = set()
    for values in records.values():
        if not isinstance(values, dict):
            continue
        key = key_of(kind, values, values.get(kind.partner_field), keyed)
        if key in out:
            clashes.add(key)
        out[key] = values
    for key in clashes:
        del out[key]
    return out


def _date_fields(kind: Kind) -> list[str]:
    return [f.name for f in kind.fields if f.type == "date"]


def sheet_rows(book: Book, name: str) -> list[list[Any]]:
    """The values of one of xlsync's own sheets, or none if the workbook has no such sheet."""
    if name not in book.sheet_names:
        return []
    grid = book.sheet(name)
    return [list(r) for r in grid.rows]
