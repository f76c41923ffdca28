"""printable() escapes every character that could move the cursor, start a line, recolour
or reorder the terminal, and nothing else; text tables and problems print one line each
(crmselect/text.py, crmselect/errors.py; issue 16 item 6)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmselect.errors import ImportProblem, InputFileError, Problem, escape_controls
from crmselect.text import printable, printable_lines, text_table

BIDI = [
    *map(chr, range(0x202A, 0x202F)),  # embeddings and overrides
    *map(chr, range(0x2066, 0x206A)),  # isolates
    "\u200e",
    "\u200f",
    "\u061c",
]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a\nb", "a\\nb"),
        ("a\rb", "a\\rb"),
        ("a\tb", "a\\tb"),
        ("\x1b[2K\x1b[1A", "\\x1b[2K\\x1b[1A"),
        ("bell\x07 back\x08", "bell\\x07 back\\x08"),
        ("\x00\x7f", "\\x00\\x7f"),
        ("next\x85line", "next\\x85line"),  # C1
        ("csi\x9b", "csi\\x9b"),
        ("\u2028\u2029", "\\u2028\\u2029"),
        ("no\xa0break", "no\\xa0break"),
        ("zero\u200bwidth\u200d", "zero\\u200bwidth\\u200d"),
        ("soft\xadhyphen\ufeff", "soft\\xadhyphen\\ufeff"),
        ("tag\U000e0041", "tag\\U000e0041"),
        ("private\ue000", "private\\ue000"),
    ],
)
def test_characters_that_do_not_print_are_escaped(text: str, shown: str) -> None:
    assert printable(text) == shown


@pytest.mark.parametrize("character", BIDI)
def test_every_bidirectional_control_is_escaped(character: str) -> None:
    assert printable(f"Orbis{character}duolC") == f"Orbis\\u{ord(character):04x}duolC"


def test_printable_text_of_any_script_is_kept() -> None:
    text = "Café Müller — 東京 Ελλάδα العربية हिन्दी ✓ € ½ \\n stays a backslash and an n"
    assert printable(text) == text
    assert printable(42) == "42"


@given(st.text())
def test_the_result_is_one_printable_line_and_escaping_twice_changes_nothing(text: str) -> None:
    shown = printable(text)
    assert shown.isprintable()
    assert len(shown.splitlines()) <= 1
    assert printable(shown) == shown
    assert all(unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp") for c in shown)


def test_printable_lines_keeps_the_line_feeds_and_escapes_the_rest() -> None:
    assert printable_lines("one\ntwo\r\x1b[31m\u202e\n") == "one\ntwo\\r\\x1b[31m\\u202e\n"


def test_a_table_row_is_one_line_whatever_a_cell_holds() -> None:
    rows = [["orbis", "Orbis\nWinner: quillpoint"], ["helix", "He\u202elix\r"]]
    table = text_table(rows, ["vendor", "name\n"])
    lines = table.split("\n")
    assert len(lines) == 4
    assert lines[0] == "vendor  name\\n"
    assert lines[2] == "orbis   Orbis\\nWinner: quillpoint"
    assert lines[3] == "helix   He\\u202elix\\r"


def test_a_problem_and_an_error_print_one_line_per_problem() -> None:
    problem = Problem("bad\nname.csv", "row 2: vendor 'x\x1b[31m' unknown\n0 finding(s)")
    assert str(problem) == "bad\\nname.csv: row 2: vendor 'x\\x1b[31m' unknown\\n0 finding(s)"
    assert problem.where == "bad\nname.csv"  # the data is unchanged
    error = InputFileError("Cannot read bad\nname.csv", [problem, Problem("", "a\u202eb")])
    assert str(error).split("\n") == [
        "Cannot read bad\\nname.csv (2 problem(s)):",
        f"  - {problem}",
        "  - a\\u202eb",
    ]


def test_a_finding_escapes_the_file_and_sheet_names() -> None:
    finding = ImportProblem(
        "or\nbis.xlsx",
        "Notes\nhelix.xlsx: vendor helix, 172 of 172 answered, 0 finding(s)",
        "",
        "info",
        "sheet added by the vendor; it is not read",
        "ask the vendor",
        value="typed\nvalue",
    )
    assert "\n" not in str(finding)
    assert str(finding).startswith("or\\nbis.xlsx!Notes\\nhelix.xlsx: vendor helix")
    assert "(typed: 'typed\\nvalue')" in str(finding)


def test_the_old_name_is_the_same_function() -> None:
    assert escape_controls is printable
