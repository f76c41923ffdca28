"""The shape check of a CSV file (crmselect/io/folder/tables.py _check_shape) reads the rows
once in C and names the long ones only when there are some: the same refusals, with the same
rows, as reading them one by one — checked against that reading on random files."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
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


TOKENS = ["a", ",", '"', "\n", "\r", "\r\n", "é", '""', ',"', '",', " ", "\x00", "\u2028"]
"""Pieces of CSV text: quotes where a cell starts and ends and elsewhere, every line break."""
files = st.lists(st.sampled_from(TOKENS), max_size=30).map("".join)


@settings(max_examples=1000)
@given(files, st.integers(0, 4), st.integers(0, 3), st.sampled_from([131_072, 3, 1]))
def test_the_refusals_are_those_of_reading_row_by_row(
    text: str, most: int, shown: int, longest_cell: int
) -> None:
    """Also where a cell is longer than the csv module reads (a limit of 3 or 1 characters)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tables, "MAX_CSV_ROWS", most)
        patch.setattr(tables, "SHOWN_ROWS", shown)
        limit = csv.field_size_limit(longest_cell)
        try:
            checked = _outcome(lambda t: tables._check_shape(PATH, t, t.encode()), text)
            expected = _outcome(lambda t: _one_by_one(PATH, t, most, shown), text)
        finally:
            csv.field_size_limit(limit)
    assert checked == expected


@pytest.mark.parametrize(
    "text",
    [
        'a,b\n"x,y",1\n"p""q",2,3\n',  # quoted commas and quotes: read in numpy
        "a,b\r\n1,2\r\n\r\n3,4,5\r",  # \r\n and \r line breaks, a blank line
        'a,b\n"x\n,y",1,2\n',  # a line break in a quoted cell
    ],
)
def test_quoted_cells_and_line_breaks_are_read_in_numpy(text: str) -> None:
    assert tables._row_lengths(text.encode()) is not None
    checked = _outcome(lambda t: tables._check_shape(PATH, t, t.encode()), text)
    assert checked == _outcome(lambda t: _one_by_one(PATH, t, 10, 10), text)
    assert checked[0] == f"{PATH} has rows longer than its header"


def test_a_cell_one_longer_than_the_csv_module_reads_is_left_to_it() -> None:
    limit = csv.field_size_limit(1)
    try:
        assert _outcome(lambda t: tables._check_shape(PATH, t, t.encode()), "a\naa\n") == (
            "csv.Error: field larger than field limit (1)",
            [],
        )
        assert tables._row_lengths(b"a\na\n") == (1, 1, 2)
    finally:
        csv.field_size_limit(limit)


@pytest.mark.parametrize(
    "text",
    ['a\na",,"', 'a,b\nx"y,1\n', 'a,b\n"x"y,1\n', 'a,b\n"open,1\n', "a,b\n1,\x00\n"],
)
def test_other_quotes_and_nul_bytes_are_left_to_the_csv_module(text: str) -> None:
    assert tables._row_lengths(text.encode()) is None


def test_too_many_rows_come_before_the_long_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tables, "MAX_CSV_ROWS", 3)
    text = "a,a\n1,2,3\n4\n5\n6\n"
    assert _outcome(lambda t: tables._check_shape(PATH, t, t.encode()), text) == (
        f"{PATH} is too large",
        [f"{PATH}: more than 3 rows; split the table"],
    )
    assert _outcome(lambda t: tables._check_shape(PATH, t, t.encode()), text[:-2]) == (
        f"{PATH} names a column twice",
        [
            f"{PATH}: row 1: column 'a' appears twice",
            f"{PATH}: row 2: 3 cells, but the header has 2 columns; a value would be shifted or "
            "lost — remove the extra cells or quote a value holding a comma",
        ],
    )
