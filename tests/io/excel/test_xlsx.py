"""Safe workbook writing: literal text, escapes, sheet titles, atomic saves, safe CSV."""

from __future__ import annotations

import csv
import os
import re
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crmselect
from crmselect import CrmselectError, ValidationError
from crmselect.io.excel.xlsx import (
    FORMULA_TRIGGERS,
    HOST,
    MAX_CELL_TEXT,
    STALE_AFTER,
    csv_text,
    excel_length,
    put_text,
    replace_atomically,
    save_atomic,
    sheet_title,
    write_csv,
)
from crmselect.io.forms.demo_sheets import write_script_pack

posix = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions and processes")

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


@pytest.mark.slow
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


def test_cell_length_is_counted_in_utf16_code_units_as_excel_does() -> None:
    emoji = "\U0001f600"  # 😀: one Python character, two UTF-16 code units
    assert excel_length(emoji * 20_000) == 40_000
    assert excel_length("é" * 10) == 10  # within the Basic Multilingual Plane: one unit each
    wb = openpyxl.Workbook()
    with pytest.raises(ValidationError, match="Notes!B2: 40,000 characters as Excel counts"):
        put_text(wb.active["A1"], emoji * 20_000, where="Notes!B2")  # only 20,000 code points
    with pytest.raises(ValidationError, match="32,768 characters"):
        put_text(wb.active["A1"], emoji * 16_384)
    put_text(wb.active["A1"], emoji * 16_383 + "x")  # exactly 32,767 units: fits
    assert wb.active["A1"].value == emoji * 16_383 + "x"


# -- atomic replacement: permissions and left-over temporary files ----------------------------


@pytest.fixture
def umask() -> Iterator[None]:
    """Run the test under umask 027 and restore the process's umask afterwards."""
    previous = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@posix
@pytest.mark.usefixtures("umask")
def test_new_files_get_the_mode_an_ordinary_write_gives(tmp_path: Path) -> None:
    ordinary = tmp_path / "ordinary.txt"
    ordinary.write_text("x")
    assert mode(ordinary) == 0o640  # 0o666 & ~0o027
    save_atomic(openpyxl.Workbook(), tmp_path / "report.xlsx")
    assert mode(tmp_path / "report.xlsx") == mode(ordinary)
    write_script_pack(crmselect.example(), "kestrel", tmp_path / "kestrel.md")
    assert mode(tmp_path / "kestrel.md") == 0o640
    write_csv(pd.DataFrame({"a": [1]}), tmp_path / "a.csv")
    assert mode(tmp_path / "a.csv") == 0o640


@posix
@pytest.mark.usefixtures("umask")
def test_a_replaced_file_keeps_its_permissions(tmp_path: Path) -> None:
    shared = tmp_path / "shared.xlsx"
    shared.write_bytes(b"old")
    shared.chmod(0o664)  # wider than the umask allows a new file: kept all the same
    save_atomic(openpyxl.Workbook(), shared)
    assert mode(shared) == 0o664
    private = tmp_path / "private.csv"
    private.write_text("old")
    private.chmod(0o600)
    write_csv(pd.DataFrame({"a": [1]}), private)
    assert mode(private) == 0o600
    assert private.read_text().startswith(",a")  # replaced


def dead_pid() -> int:
    """The id of a process that has ended."""
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(child.stdout)


@posix
def test_a_killed_writers_temporary_file_is_removed_by_the_next_write(tmp_path: Path) -> None:
    target = tmp_path / "report.xlsx"
    script = (
        "import os, signal, sys\n"
        "from crmselect.io.excel.xlsx import replace_atomically\n"
        "def write(temporary):\n"
        "    open(temporary, 'wb').write(b'half')\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "replace_atomically(sys.argv[1], write)\n"
    )
    killed = subprocess.run([sys.executable, "-c", script, str(target)], check=False)
    assert killed.returncode == -9
    left = [p.name for p in tmp_path.iterdir()]
    assert len(left) == 1
    assert left[0].startswith(".report~crmselect-")
    save_atomic(openpyxl.Workbook(), target)
    assert [p.name for p in tmp_path.iterdir()] == ["report.xlsx"]


@posix
def test_only_our_own_left_over_temporary_files_are_removed(tmp_path: Path) -> None:
    dead, alive = dead_pid(), os.getppid()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    here, there = HOST, HOST + "x"  # this machine, and another on a shared drive
    names = {
        "left over": f".report~crmselect-{here}-{dead}-0123abcd.xlsx",
        "our pid, not in progress": f".report~crmselect-{here}-{os.getpid()}-0123abcd.xlsx",
        "old": f".report~crmselect-{here}-{alive}-89abcdef.xlsx",
        "old, other machine": f".report~crmselect-{there}-{dead}-89abcdef.xlsx",
        "live writer": f".report~crmselect-{here}-{alive}-0123abcd.xlsx",
        "other machine's writer": f".report~crmselect-{there}-{dead}-0123abcd.xlsx",
        "other machine, our pid": f".report~crmselect-{there}-{os.getpid()}-0123abcd.xlsx",
        "other target": f".reports~crmselect-{here}-{dead}-0123abcd.xlsx",
        "other extension": f".report~crmselect-{here}-{dead}-0123abcd.csv",
        "not our pattern": ".report-draft001.xlsx",
        "not hex": f".report~crmselect-{here}-{dead}-0123abcZ.xlsx",
    }
    for name in names.values():
        (tmp_path / name).write_text("x")
    old = time.time() - STALE_AFTER - 60
    os.utime(tmp_path / names["old"], (old, old))
    os.utime(tmp_path / names["old, other machine"], (old, old))
    link = tmp_path / f".report~crmselect-{here}-{dead}-feedbeef.xlsx"
    link.symlink_to(victim)
    folder = tmp_path / f".report~crmselect-{here}-{dead}-deadbeef.xlsx"
    folder.mkdir()
    save_atomic(openpyxl.Workbook(), tmp_path / "report.xlsx")
    gone = {"left over", "our pid, not in progress", "old", "old, other machine"}
    for what, name in names.items():
        assert (tmp_path / name).exists() == (what not in gone), what
    assert link.is_symlink()  # a link is never followed nor removed …
    assert victim.read_text() == "keep me"  # … and what it points to is untouched
    assert folder.is_dir()


def test_a_temporary_file_being_written_is_not_removed(tmp_path: Path) -> None:
    target = tmp_path / "pack.md"

    def outer(temporary: str) -> None:
        Path(temporary).write_text("outer")
        replace_atomically(target, lambda inner: Path(inner).write_text("inner"))
        assert Path(temporary).read_text() == "outer"  # the inner write left it alone

    replace_atomically(target, outer)
    assert target.read_text() == "outer"
    assert [p.name for p in tmp_path.iterdir()] == ["pack.md"]


# -- CSV --------------------------------------------------------------------------------------


def read_rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_csv_text_that_looks_like_a_formula_is_written_as_literal_text(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "note": ["=1+1", "+SUM(A1)", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "fine", "a=b"],
            "=evil header": [-3.5, -1.0, 0.0, 2.5, -0.25, 1e-9, -7.0, 3.0],
            "count": [-1, 2, 3, 4, 5, 6, 7, 8],
            "mixed": ["-4", -4, None, "=x", 1.5, "ok", -2.5, "\uff1d1"],
        },
        index=pd.Index(["=vendor", "v2", "v3", "v4", "v5", "v6", "v7", "v8"], name="-id"),
    )
    rows = read_rows(write_csv(frame, tmp_path / "out.csv"))
    assert rows[0] == ["'-id", "note", "'=evil header", "count", "mixed"]
    assert [r[1] for r in rows[1:]] == [
        "'=1+1",
        "'+SUM(A1)",
        "'-2+3",
        "'@SUM(A1)",
        "'\t=1",
        "'\r=1",
        "fine",
        "a=b",
    ]
    assert rows[1][0] == "'=vendor"
    assert [float(r[2]) for r in rows[1:]] == frame["=evil header"].tolist()  # numbers stay
    assert rows[1][2] == "-3.5"
    assert [r[3] for r in rows[1:]] == [str(v) for v in frame["count"]]
    assert [r[4] for r in rows[1:]] == ["'-4", "-4", "", "'=x", "1.5", "ok", "-2.5", "'\uff1d1"]
    assert frame.loc["=vendor", "note"] == "=1+1"  # the caller's frame is not changed
    unindexed = read_rows(write_csv(frame, tmp_path / "plain.csv", index=False))
    assert unindexed[0] == ["note", "'=evil header", "count", "mixed"]


def test_csv_with_a_multiindex_and_typed_columns(tmp_path: Path) -> None:
    index = pd.MultiIndex.from_tuples([("=v", "D1"), ("v2", "-D2")], names=["vendor", "@script"])
    frame = pd.DataFrame(
        {
            "text": pd.array(["=a", None], dtype="string"),
            "level": pd.Categorical(["+high", "low"]),
            "flag": [True, False],
        },
        index=index,
    )
    rows = read_rows(write_csv(frame, tmp_path / "m.csv"))
    assert rows == [
        ["vendor", "'@script", "text", "level", "flag"],
        ["'=v", "D1", "'=a", "'+high", "True"],
        ["v2", "'-D2", "", "low", "False"],
    ]


def test_failed_csv_write_keeps_the_existing_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "ranking.csv"
    target.write_text("previous ranking")

    def broken(self: pd.DataFrame, path: str, **_: object) -> None:
        Path(path).write_text("half")
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", broken)
    with pytest.raises(OSError, match="disk full"):
        write_csv(pd.DataFrame({"a": [1]}), target)
    assert target.read_text() == "previous ranking"
    assert [p.name for p in tmp_path.iterdir()] == ["ranking.csv"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=20),
        min_size=1,
        max_size=5,
    )
)
def test_csv_text_reads_back_with_an_apostrophe_only_before_a_trigger(
    tmp_path_factory: pytest.TempPathFactory, texts: list[str]
) -> None:
    path = tmp_path_factory.mktemp("csv") / "t.csv"
    write_csv(pd.DataFrame({"text": texts}), path, index=False)
    # the csv module, not pandas: pandas skips a row that is only blanks (texts=[" "])
    with path.open(newline="", encoding="utf-8-sig") as handle:
        header, *rows = list(csv.reader(handle))
    assert header == ["text"]
    read = [row[0] for row in rows]
    # a trigger after any apostrophes and white space (tab and CR are triggers themselves)
    formula = re.compile(r"(?:'|[^\S\t\r])*[" + re.escape("".join(FORMULA_TRIGGERS)) + "]")
    assert read == ["'" + t if formula.match(t) else t for t in texts]
    assert [csv_text(r) for r in read] == texts  # crmselect reads back what it was given


def test_csv_apostrophes_typed_before_a_trigger_survive_a_round_trip(tmp_path: Path) -> None:
    texts = ["'=x", "''+1", "'plain", "=a", "'", "it's", "-", "'-2"]
    path = write_csv(pd.DataFrame({"text": texts}), tmp_path / "t.csv", index=False)
    read = pd.read_csv(path, dtype=str, keep_default_na=False)["text"].tolist()
    assert read == ["''=x", "'''+1", "'plain", "'=a", "'", "it's", "'-", "''-2"]
    assert [csv_text(r) for r in read] == texts
