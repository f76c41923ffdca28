"""The shape check of a CSV file (crmselect/io/folder/tables.py _check_shape) reads the rows
once in C and names the long ones only when there are some: the same refusals, with the same
rows, as reading them one by one — checked against that reading on random files."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmselect.errors import InputFileError, Problem
from crmselect.io.folder import tables

PATH = Path("t.csv")


def _one_by_one(path: Path, text: str, most: int, shown: int) -> None:
    """The check as it read the rows one by one (at most ``most`` rows, ``shown`` named)."""
    records = csv.reader(io.StringIO(text, newline=""))
    names = [name.strip() for name in next(records, [])]
    twice = sorted({name for name in names if name and names.count(name) > 1})
    found = [Problem(f"{path}: row 1", f"column {name!r} appears twice") for name in twice]
    long_rows = 0
    for number, cells in enumerate(records, start=2):
        if number > most + 1:
            raise InputFileError(
                f"{path} is too large",
                [Problem(str(path), f"more than {most:,} rows; split the table")],
            )
        if len(cells) > len(names):
            long_rows += 1
            if long_rows <= shown:
                found.append(
                    Problem(
                        f"{path}: row {number}",
                        f"{len(cells)} cells, but the header has {len(names)} columns; a value "
                        "would be shifted or lost — remove the extra cells or quote a value "
                        "holding a comma",
                    )
                )
    if long_rows > shown:
        found.append(
            Problem(str(path), f"… and {long_rows - shown:,} more rows longer than the header")
        )
    if found:
        headline = "names a column twice" if twice else "has rows longer than its header"
        raise InputFileError(f"{path} {headline}", found)


def _outcome(check: object, text: str) -> tuple[str, list[str]]:
    try:
        check(text)  # type: ignore[operator]
    except InputFileError as exc:
        return exc.headline, [str(p) for p in exc.problems]
    except csv.Error as exc:
        return f"csv.Error: {exc}", []
    return "", []


files = st.text(st.sampled_from(["a", "b", ",", '"', "\n", "\r", " ", "\x00"]), max_size=40)


@given(files, st.integers(0, 4), st.integers(0, 3))
def test_the_refusals_are_those_of_reading_row_by_row(text: str, most: int, shown: int) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tables, "MAX_CSV_ROWS", most)
        patch.setattr(tables, "SHOWN_ROWS", shown)
        checked = _outcome(lambda t: tables._check_shape(PATH, t), text)
    assert checked == _outcome(lambda t: _one_by_one(PATH, t, most, shown), text)


def test_too_many_rows_come_before_the_long_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tables, "MAX_CSV_ROWS", 3)
    text = "a,a\n1,2,3\n4\n5\n6\n"
    assert _outcome(lambda t: tables._check_shape(PATH, t), text) == (
        f"{PATH} is too large",
        [f"{PATH}: more than 3 rows; split the table"],
    )
    assert _outcome(lambda t: tables._check_shape(PATH, t), text[:-2]) == (
        f"{PATH} names a column twice",
        [
            f"{PATH}: row 1: column 'a' appears twice",
            f"{PATH}: row 2: 3 cells, but the header has 2 columns; a value would be shifted or "
            "lost — remove the extra cells or quote a value holding a comma",
        ],
    )
