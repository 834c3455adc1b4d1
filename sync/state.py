"""Sync state and issued bases, kept inside workbooks as rows of a very hidden sheet."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

STATE_SHEET = "_xlsync_state"  # in the master: per partner, the values last agreed
BASE_SHEET = "_xlsync_base"  # in an issued return: what was sent
LOG_SHEET = "Sync log"
HISTORY_SHEET = "Progress history"
MARKER = "xlsync"
VERSION = 1
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


def checksum(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Blob:
    """A JSON payload stored in a sheet, with its metadata and whether its checksum held."""

    meta: dict[str, Any]
    payload: Any
    intact: bool


def blob_rows(meta: dict[str, Any], payload: Any) -> list[list[Any]]:
    """The rows of a very hidden sheet holding `payload`: marker, metadata, checksum, chunks."""
    text = json.dumps(payload, default=_encode, sort_keys=True, ensure_ascii=False)
    rows: list[list[Any]] = [
        [MARKER, VERSION],
        [json.dumps(meta, default=_encode, sort_keys=True)],
        [checksum(text)],
    ]
    rows += [[text[i : i + CHUNK]] for i in range(0, len(text), CHUNK)] or [[""]]
    return rows


def read_blob(rows: list[list[Any]]) -> Blob | None:
    """The blob stored in `rows` (a sheet's values), or None if they are not one of ours."""
    if len(rows) < 4 or not rows[0] or rows[0][0] != MARKER:
        return None
    try:
        meta = json.loads(str(rows[1][0]), object_hook=_decode)
        expected = str(rows[2][0])
        text = "".join(str(r[0]) if r and r[0] is not None else "" for r in rows[3:])
        payload = json.loads(text, object_hook=_decode)
    except (ValueError, IndexError, TypeError):
        return Blob(meta={}, payload=None, intact=False)
    return Blob(meta=meta, payload=payload, intact=checksum(text) == expected)
