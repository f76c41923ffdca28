"""The tender record file: ``tender-record.jsonl`` in the tender folder, one entry per line.

Each line is one :class:`~crmselect.record.Entry` as a JSON object (keys sorted)::

    {"at": "2026-12-02T10:15:00+00:00", "by": "Mei Tanaka", "data": {...},
     "event": "issue", "previous": "", "reason": ""}

``previous`` is the SHA-256 of the line before it (empty on the first line), so that an
edited, removed or reordered line is found when the record is read: the record is
append-only, and :func:`append_entry` is the only writer. This makes the record
tamper-*evident* for anyone who keeps a copy of its last line's hash (the award report cites
it); it is not a secret — whoever can write the folder can rewrite the whole chain, which
the threat model in the README says.

Reads are bounded (:data:`MAX_BYTES`, regular files only) and every problem names the file
and the line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from crmselect.errors import CrmselectError, InputFileError, Problem
from crmselect.io.files import read_regular_file
from crmselect.record import Entry, TenderRecord

FILE_NAME = "tender-record.jsonl"
MAX_BYTES = 20 * 1024 * 1024
"""The largest record read: thousands of entries, each with a full award basis."""
_KEYS = {"at", "by", "data", "event", "previous", "reason"}


def record_path(folder: Path) -> Path:
    return folder / FILE_NAME


def line_hash(line: str) -> str:
    """The SHA-256 (hex) the next line's ``previous`` holds for ``line`` (without its
    line break)."""
    return hashlib.sha256(line.encode("utf-8")).hexdigest()


def read_record(folder: Path) -> TenderRecord:
    """The record of the tender in ``folder`` (empty when it has no record file yet).
    Raises :class:`~crmselect.errors.InputFileError` naming each line that is not a
    well-formed entry or does not follow the line before it."""
    path = record_path(folder)
    if not path.exists():
        return TenderRecord()
    data = read_regular_file(path, MAX_BYTES, kind="tender record")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _bad(path, 0, f"not UTF-8 text (byte {exc.start})") from None
    entries: list[Entry] = []
    previous = ""
    for number, line in enumerate(text.splitlines(), start=1):
        entries.append(_entry(path, number, line, previous))
        previous = line_hash(line)
    return TenderRecord(tuple(entries))


def _bad(path: Path, line: int, what: str) -> InputFileError:
    where = f"{path}: line {line}" if line else str(path)
    return InputFileError(f"Cannot read the tender record {path}", [Problem(where, what)])


def _entry(path: Path, number: int, line: str, previous: str) -> Entry:
    try:
        fields = json.loads(line)
    except json.JSONDecodeError as exc:
        raise _bad(path, number, f"not a JSON object ({exc.msg})") from None
    except RecursionError:  # nesting deeper than the interpreter's stack
        raise _bad(path, number, "nested too deeply to be an entry") from None
    if not isinstance(fields, dict) or set(fields) != _KEYS:
        raise _bad(path, number, f"an entry has exactly the keys {', '.join(sorted(_KEYS))}")
    if fields["previous"] != previous:
        raise _bad(
            path,
            number,
            "does not follow the line before it: the record was edited, or a line removed "
            "or moved; restore it from a copy (the record is append-only)",
        )
    try:
        return Entry(
            event=fields["event"],
            at=dt.datetime.fromisoformat(fields["at"]),
            by=str(fields["by"]),
            reason=str(fields["reason"]),
            data=_mapping(fields["data"]),
        )
    except (CrmselectError, ValueError, TypeError) as exc:
        raise _bad(path, number, f"not a valid entry ({exc})") from None


def _mapping(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError("its data is not a mapping")
    return value


def entry_line(entry: Entry, previous: str) -> str:
    """``entry`` as the one line of JSON the record file holds, after a line whose hash is
    ``previous``."""
    fields = {
        "at": entry.at.astimezone(dt.UTC).isoformat(),
        "by": entry.by,
        "data": dict(entry.data),
        "event": entry.event.value,
        "previous": previous,
        "reason": entry.reason,
    }
    return json.dumps(fields, sort_keys=True, ensure_ascii=False)


def append_entry(folder: Path, entry: Entry) -> TenderRecord:
    """Append ``entry`` to the record of the tender in ``folder`` (created on the first
    entry) after checking the record as it stands; the record with the entry."""
    record = read_record(folder)
    path = record_path(folder)
    last = path.read_text(encoding="utf-8").splitlines()[-1] if record.entries else ""
    line = entry_line(entry, line_hash(last) if last else "")
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return TenderRecord((*record.entries, entry))


def now() -> dt.datetime:
    """The time an entry made now carries (UTC, to the second)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)
