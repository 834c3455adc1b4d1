"""The sync state blob: compressed JSON in cells, read back exactly, damage and bombs refused."""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from datetime import date, datetime
from pathlib import Path

import openpyxl

from sync.read.open import open_book
from sync.state import CHUNK, MARKER, blob_rows, blob_rows_soon, read_blob, typed_records

PAYLOAD = {
    "partners": {
        "chorley": {
            f"chorley\x1f{n},a": {
                "status": "In progress",
                "target_date": date(2007, 3, 31),
                "updated": datetime(2007, 3, 1, 9, 30),
                "progress": f"1 March 2007\nThe £ figure is agreed; item {n} — “closed”",
                "score": n * 1.5,
                "owner": None,
            }
            for n in range(3_000)
        }
    }
}


def test_state_round_trips_through_a_saved_workbook(tmp_path: Path) -> None:
    rows = blob_rows({"saved": "2007-03-01T09:30:00"}, PAYLOAD)
    assert rows[0] == [MARKER, 2]
    assert all(len(r[0]) <= CHUNK for r in rows[3:])
    assert len("".join(r[0] for r in rows[3:])) < len(json.dumps(PAYLOAD, default=str)) / 5
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "_xlsync_state"
    for r in rows:
        ws.append(r)
    wb.save(tmp_path / "state.xlsx")
    blob = read_blob(open_book(tmp_path / "state.xlsx").sheet("_xlsync_state").rows)
    assert blob is not None and blob.intact
    assert blob.meta == {"saved": "2007-03-01T09:30:00"}
    stored = blob.payload["partners"]["chorley"]["chorley\x1f7,a"]
    assert stored["target_date"] == "2007-03-31"  # dates travel as ISO text ...
    typed_records(blob.payload["partners"]["chorley"], ["target_date", "updated", "owner"])
    assert blob.payload == PAYLOAD  # ... and are dates again by the fields that hold them
    stored = blob.payload["partners"]["chorley"]["chorley\x1f7,a"]
    assert type(stored["target_date"]) is date and type(stored["updated"]) is datetime


def test_no_stored_chunk_starts_like_a_formula() -> None:
    for size in range(40):  # every length of padding base64 could have needed
        rows = blob_rows({}, {"records": {"k": {"note": "x" * size}}})
        assert all(not str(r[0]).startswith("=") for r in rows[3:])
        blob = read_blob(rows)
        assert blob is not None and blob.intact
        assert blob.payload == {"records": {"k": {"note": "x" * size}}}


def test_text_in_a_date_field_stays_text() -> None:
    records = {"k": {"due": "TBC", "done": "2007-03-31", "seen": "2007-03-01T09:30:00"}}
    typed_records(records, ["due", "done", "seen"])
    assert records == {
        "k": {"due": "TBC", "done": date(2007, 3, 31), "seen": datetime(2007, 3, 1, 9, 30)}
    }


def test_a_plain_json_state_from_version_1_still_reads() -> None:
    text = '{"partners": {"fylde": {"fylde\\u001f4": {"due": {"$d": "2007-03-31"}}}}}'
    rows = [[MARKER, 1], ["{}"], [hashlib.sha256(text.encode()).hexdigest()], [text]]
    blob = read_blob(rows)
    assert blob is not None and blob.intact
    assert blob.payload == {"partners": {"fylde": {"fylde\x1f4": {"due": date(2007, 3, 31)}}}}


def test_a_changed_character_breaks_the_state() -> None:
    rows = blob_rows({}, PAYLOAD)
    chunk = rows[3][0]
    rows[3] = [chunk[:100] + ("A" if chunk[100] != "A" else "B") + chunk[101:]]
    blob = read_blob(rows)
    assert blob is not None and not blob.intact


def test_a_state_built_to_inflate_without_end_is_not_read() -> None:
    filler = b'{"partners": {"x": "' + b"A" * 200_000_000 + b'"}}'
    packed = base64.b64encode(zlib.compress(filler, 9)).decode().rstrip("=")
    rows = [[MARKER, 2], ["{}"], [hashlib.sha256(packed.encode()).hexdigest()]]  # intact
    rows += [[packed[i : i + CHUNK]] for i in range(0, len(packed), CHUNK)]
    blob = read_blob(rows)
    assert blob is not None and not blob.intact and blob.payload is None


def test_a_blob_packed_on_a_background_thread_is_the_same_blob() -> None:
    payload = {
        "partners": {"Chorley": {f"{n},a": {"status": "Complete", "n": n} for n in range(500)}}
    }
    meta = {"saved": "2007-03-20T10:00:00"}
    rows = blob_rows_soon(meta, payload).result()
    assert rows == blob_rows(meta, payload)
    blob = read_blob(rows)
    assert blob is not None and blob.intact and blob.payload == payload
