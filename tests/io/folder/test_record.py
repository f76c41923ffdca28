"""The record file: entries round-trip, the chain finds an edited, removed or moved line,
and a record that is not one is refused naming the line."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

import crmselect
from crmselect.basis import award_basis
from crmselect.errors import InputFileError
from crmselect.io.folder.record import (
    FILE_NAME,
    MAX_BYTES,
    append_entry,
    line_hash,
    read_record,
)
from crmselect.record import Entry, Event, Stage, advance, eliminate, frozen_basis, issue

AT = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)


def _three_entries(folder: Path) -> None:
    evaluation = crmselect.load_tender(crmselect.example_path()).evaluation
    record = append_entry(folder, issue(read_record(folder), evaluation, by="Mei", at=AT))
    record = append_entry(
        folder, eliminate(record, evaluation, "tidewater", by="Ben", at=AT, reason="no mobile")
    )
    append_entry(folder, advance(record, Stage.DEMOS, by="Mei", at=AT))


def test_no_file_is_an_empty_record(tmp_path: Path) -> None:
    assert read_record(tmp_path).entries == ()


def test_entries_round_trip_and_the_frozen_basis_keeps_its_fingerprint(tmp_path: Path) -> None:
    _three_entries(tmp_path)
    record = read_record(tmp_path)
    assert [e.event for e in record.entries] == [Event.ISSUE, Event.ELIMINATE, Event.STAGE]
    assert record.entries[1].reason == "no mobile"
    assert record.entries[1].at == AT
    evaluation = crmselect.load_tender(crmselect.example_path()).evaluation
    basis = frozen_basis(record)
    assert basis is not None
    assert basis.fingerprint == award_basis(evaluation).fingerprint
    assert basis.fingerprint == record.entries[0].data["fingerprint"]


def test_each_line_names_the_hash_of_the_one_before(tmp_path: Path) -> None:
    _three_entries(tmp_path)
    lines = (tmp_path / FILE_NAME).read_text("utf-8").splitlines()
    previous = [json.loads(line)["previous"] for line in lines]
    assert previous == ["", line_hash(lines[0]), line_hash(lines[1])]


@pytest.mark.parametrize(
    ("change", "line"),
    [
        (lambda lines: [lines[0], lines[1].replace("no mobile", "no budget"), lines[2]], 3),
        (lambda lines: [lines[0], lines[2]], 2),
        (lambda lines: [lines[1], lines[0], lines[2]], 1),
    ],
    ids=["edited", "removed", "moved"],
)
def test_an_edited_removed_or_moved_line_is_found(
    tmp_path: Path, change: object, line: int
) -> None:
    _three_entries(tmp_path)
    path = tmp_path / FILE_NAME
    lines = path.read_text("utf-8").splitlines()
    path.write_text("\n".join(change(lines)) + "\n", "utf-8")  # type: ignore[operator]
    with pytest.raises(InputFileError) as caught:
        read_record(tmp_path)
    (problem,) = caught.value.problems
    assert problem.where == f"{path}: line {line}"
    assert "does not follow the line before it" in problem.what


def test_appending_to_an_edited_record_is_refused_and_adds_nothing(tmp_path: Path) -> None:
    _three_entries(tmp_path)
    path = tmp_path / FILE_NAME
    edited = path.read_text("utf-8").replace("no mobile", "no budget")
    path.write_text(edited, "utf-8")
    entry = Entry(event=Event.STAGE, at=AT, by="M", data={"stage": "award"})
    with pytest.raises(InputFileError):
        append_entry(tmp_path, entry)
    assert path.read_text("utf-8") == edited


def _line(**changes: object) -> str:
    """One record line: a valid stage entry with ``changes``."""
    fields = {"at": AT.isoformat(), "by": "M", "data": {}, "event": "stage", "previous": ""}
    return json.dumps({**fields, "reason": "", **changes}) + "\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json\n", "not a JSON object"),
        ("[1, 2]\n", "exactly the keys"),
        ('{"at": 1}\n', "exactly the keys"),
        (_line(at="yesterday"), "not a valid entry"),
        (_line(event="vote"), "not a valid entry"),
        (_line(data=[]), "data is not a mapping"),
    ],
    ids=["text", "list", "keys", "time", "event", "data"],
)
def test_a_line_that_is_not_an_entry_is_refused_naming_it(
    tmp_path: Path, text: str, message: str
) -> None:
    (tmp_path / FILE_NAME).write_text(text, "utf-8")
    with pytest.raises(InputFileError) as caught:
        read_record(tmp_path)
    assert caught.value.problems[0].where.endswith(": line 1")
    assert message in caught.value.problems[0].what


def test_a_record_that_is_not_text_or_too_large_is_refused(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    path.write_bytes(b"\xff\xfe")
    with pytest.raises(InputFileError, match="tender record"):
        read_record(tmp_path)
    with path.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)
    with pytest.raises(InputFileError):
        read_record(tmp_path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_named_as_the_record_is_refused_without_waiting(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / FILE_NAME)
    with pytest.raises(InputFileError, match="not a regular file"):
        read_record(tmp_path)


def test_a_line_nested_too_deeply_is_refused_without_a_traceback(tmp_path: Path) -> None:
    (tmp_path / FILE_NAME).write_text("[" * 100_000 + "]" * 100_000 + "\n", "utf-8")
    with pytest.raises(InputFileError) as caught:
        read_record(tmp_path)
    assert "line 1" in caught.value.problems[0].where
