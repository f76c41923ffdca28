"""Safe workbook writing: literal text, escapes, sheet titles, atomic saves."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmselect import CrmselectError, ValidationError
from crmselect.io.xlsx import FORMULA_TRIGGERS, MAX_CELL_TEXT, put_text, save_atomic, sheet_title

HOSTILE = [
    "=1+1",
    '=HYPERLINK("http://evil","x")',
    "+SUM(A1)",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "\uff1d1+1",
    "\uff0bA1",
    "=",
    "==",
    "cmd|' /C calc'!A0",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path, text: str) -> None:
    wb = openpyxl.Workbook()
    put_text(wb.active["A1"], text)
    save_atomic(wb, tmp_path / "t.xlsx")
    cell = openpyxl.load_workbook(tmp_path / "t.xlsx").active["A1"]
    assert cell.value == text.replace("\r", "\n")
    assert cell.data_type == "s"
    assert cell.quotePrefix == text.startswith(FORMULA_TRIGGERS)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200))
def test_any_text_round_trips_as_text(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    path = tmp_path_factory.mktemp("x") / "t.xlsx"
    wb = openpyxl.Workbook()
    put_text(wb.active["A1"], text)
    save_atomic(wb, path)
    cell = openpyxl.load_workbook(path).active["A1"]
    lines = text.replace("\r\n", "\n").replace("\r", "\n")
    expected = "".join(f"\\x{ord(c):02x}" if ord(c) < 32 and c not in "\t\n" else c for c in lines)
    assert (cell.value or "") == expected  # an empty text reads back as an empty cell


def test_control_characters_become_visible_escapes() -> None:
    wb = openpyxl.Workbook()
    put_text(wb.active["A1"], "a\x07b\x00")
    assert wb.active["A1"].value == "a\\x07b\\x00"


def test_text_too_long_for_excel_is_refused_not_truncated() -> None:
    wb = openpyxl.Workbook()
    with pytest.raises(ValidationError, match="Requirements!C7: 32,768 characters"):
        put_text(wb.active["A1"], "x" * (MAX_CELL_TEXT + 1), where="Requirements!C7")


def test_sheet_titles_are_legal_and_unique() -> None:
    assert sheet_title("a" * 40) == "a" * 31
    assert sheet_title("x[1]:*?/\\") == "x_1______"
    assert sheet_title("Scores", taken=["scores", "Scores (2)"]) == "Scores (3)"
    assert len(sheet_title("b" * 40, taken=["b" * 31])) == 31


def test_failed_save_keeps_the_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "report.xlsx"
    target.write_bytes(b"previous report")

    class Broken(openpyxl.Workbook):  # type: ignore[misc]
        def save(self, filename: str) -> None:
            Path(filename).write_bytes(b"half")
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        save_atomic(Broken(), target)
    assert target.read_bytes() == b"previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.xlsx"]
    with pytest.raises(CrmselectError, match="use that extension"):
        save_atomic(openpyxl.Workbook(), tmp_path / "report.xls")
