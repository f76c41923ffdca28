"""No CSV file crmselect writes can become a formula or a forged row, and crmselect reads each
back as it was (crmselect/io/excel/xlsx.py write_csv, csv_text; crmselect/io/folder/tables.py
read_csv; issue 16 item 5).

The hostile texts arrive the way a vendor delivers them: typed into the Comment and Evidence
cells of a returned RFP workbook (a bare carriage return as the XML character reference
``&#13;``, which an XML parser keeps), then written by ``crmselect import --csv``. The
LibreOffice tests open that CSV file as a user would — with the default import options and
with "Trim spaces" on, which turns ``" =1+1"`` into a formula when nothing protects it — and
check that no cell became a formula.
"""

from __future__ import annotations

import ast
import csv
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import attrs
import openpyxl
import pandas as pd
import pytest

import crmselect
from crmselect import derive, load_tender, score
from crmselect.cli import main
from crmselect.example import example_path
from crmselect.io.excel.xlsx import csv_text, looks_like_formula, put_text, write_csv
from crmselect.io.folder.evaluation import save_evaluation
from crmselect.io.folder.tables import read_csv, responses_from_frame
from crmselect.io.forms.demo_sheets import SCORE_HEADERS, SCORES_SHEET, write_scoring_sheet
from tests.helpers import KEY, needs_libreoffice, soffice

SOFFICE = soffice()

HOSTILE = [
    '=HYPERLINK("http://evil.example","click")',
    "=1+1",
    " =1+1",
    "  +SUM(1,2)",
    "\n=1+1",
    "@SUM(1,2)",
    "-2+3",
    "+1",
    "\t=1+1",
    "\uff1d1+1",
    "'=already quoted",
    "' =1+1",
    "it's fine",
    "a=b",
]
"""Texts a spreadsheet program could run as formulas (or that look close to them)."""
BARE_CR = "ok\rtidewater,CMP-002,,\r"
"""A comment that ends the row early in a CSV file whose lines end with LF only (a lone CR is
then left unquoted): the next "row" would be a blank answer of tidewater to the mandatory
CMP-002, and a blank answer to a mandatory requirement knocks a vendor out."""
LARKSPUR = example_path()
COMMENT, EVIDENCE = 7, 8


def exposed(cell: str) -> bool:
    """Whether a spreadsheet program could run ``cell`` of a CSV file as a formula: it looks
    like one and does not start with the apostrophe that makes it text."""
    return looks_like_formula(cell) and not cell.startswith("'")


def hostile_workbook(folder: Path) -> Path:
    """tidewater's returned workbook with :data:`HOSTILE` typed into its Comment and
    Evidence cells as text, and :data:`BARE_CR` into the comment of the first row."""
    workbook = openpyxl.load_workbook(LARKSPUR / "returned" / "tidewater.xlsx")
    sheet = workbook["Requirements"]
    for row, text in enumerate(HOSTILE, start=3):
        for column in (COMMENT, EVIDENCE):
            cell = sheet.cell(row=row, column=column)
            cell.value, cell.data_type = text, "s"
    sheet.cell(row=2, column=COMMENT).value = "BARE-CR-MARKER"
    plain = folder / "plain.xlsx"
    workbook.save(plain)
    target = folder / "tidewater.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(target, "w") as copy:
        for item in source.infolist():
            data = source.read(item.filename)
            marker = BARE_CR.replace("\r", "&#13;").encode()
            copy.writestr(item, data.replace(b"BARE-CR-MARKER", marker))
    return target


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """``crmselect import --csv`` of the hostile workbook: the CSV file and the comments the
    import read (requirement id → comment), which the file must hold exactly."""
    folder = tmp_path_factory.mktemp("import")
    workbook = hostile_workbook(folder)
    out = folder / "answers.csv"
    assert main(["import", str(LARKSPUR), str(workbook), "--csv", str(out)]) == 0
    evaluation = derive(load_tender(LARKSPUR)).evaluation
    requirements = [r.id for r in evaluation.requirements]
    comments = {requirements[0]: BARE_CR}
    comments.update({requirements[i]: t for i, t in enumerate(HOSTILE, start=1)})
    return out, comments


def test_the_import_csv_quotes_line_breaks_and_marks_formula_text(
    imported: tuple[Path, dict[str, str]],
) -> None:
    path, comments = imported
    raw = path.read_bytes()
    assert b'"ok\rtidewater,CMP-002,,\r"' in raw  # quoted: the carriage return ends no row
    with path.open(newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    assert header == ["vendor", "requirement", "compliance", "comment", "evidence"]
    assert len(rows) == 172  # one per requirement: nothing forged
    assert [r[1] for r in rows].count("CMP-002") == 1
    cells = {r[1]: r for r in rows}
    for requirement, text in comments.items():
        written = cells[requirement][3]
        assert written == ("'" + text if looks_like_formula(text) else text)
    assert [c for row in rows for c in row if exposed(c)] == []


def test_crmselect_reads_the_import_csv_back_exactly(
    imported: tuple[Path, dict[str, str]],
) -> None:
    path, comments = imported
    responses = responses_from_frame(read_csv(path), source=str(path))
    by_id = {r.requirement: r for r in responses}
    assert len(responses) == 172
    for requirement, text in comments.items():
        assert (by_id[requirement].comment, by_id[requirement].vendor) == (text, "tidewater")
    for requirement, text in list(comments.items())[1:]:
        assert by_id[requirement].evidence == text
    original = {r.requirement: r for r in derive(load_tender(LARKSPUR)).evaluation.responses}
    assert by_id["CMP-002"].compliance == original["CMP-002"].compliance is not None


def test_a_saved_evaluation_keeps_every_text_and_no_forged_answer_knocks_a_vendor_out(
    tmp_path: Path,
) -> None:
    """save_evaluation's responses.csv and demo_scores.csv, read back by load_tender: the
    fingerprint is the same, so every text is exactly what was saved (white space too)."""
    evaluation = derive(load_tender(LARKSPUR)).evaluation
    answers = list(evaluation.responses)
    mine = [i for i, a in enumerate(answers) if a.vendor == "tidewater"]
    answers[mine[0]] = attrs.evolve(answers[mine[0]], comment=BARE_CR, evidence="  padded  ")
    for i, text in zip(mine[1:], HOSTILE, strict=False):
        answers[i] = attrs.evolve(answers[i], comment=text, evidence=text)
    notes = list(evaluation.demo_scores)
    for i, text in enumerate(HOSTILE):
        notes[i] = attrs.evolve(notes[i], note=text)
    edited = attrs.evolve(evaluation, responses=answers, demo_scores=notes)
    save_evaluation(edited, tmp_path / "copy")
    again = derive(load_tender(tmp_path / "copy")).evaluation
    assert again.fingerprint == edited.fingerprint
    assert [r.comment for r in again.responses] == [r.comment for r in answers]
    assert [d.note for d in again.demo_scores] == [d.note for d in notes]
    assert score(again).knocked_out == score(evaluation).knocked_out  # the same reasons


def test_import_scores_csv_marks_formula_text_in_notes(tmp_path: Path) -> None:
    evaluation = crmselect.example()
    sheet_path = tmp_path / "sales.xlsx"
    write_scoring_sheet(evaluation, "sales", sheet_path, key=KEY)
    workbook = openpyxl.load_workbook(sheet_path)
    sheet = workbook[SCORES_SHEET]
    score_column, note_column = SCORE_HEADERS.index("Score") + 1, SCORE_HEADERS.index("Note") + 1
    for row, text in enumerate(HOSTILE, start=2):
        sheet.cell(row=row, column=score_column).value = 3
        put_text(sheet.cell(row=row, column=note_column), text)
    workbook.save(sheet_path)
    out = tmp_path / "scores.csv"
    assert main(["import-scores", str(LARKSPUR), str(sheet_path), "--csv", str(out)]) == 0
    with out.open(newline="", encoding="utf-8") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert [c for c in cells if exposed(c)] == []
    notes = read_csv(out)["note"].tolist()
    assert [n for n in notes if n] == HOSTILE


def test_whitespace_before_a_trigger_is_marked_and_undone() -> None:
    assert [looks_like_formula(t) for t in HOSTILE] == [True] * 12 + [False, False]
    for text in HOSTILE:
        written = "'" + text if looks_like_formula(text) else text
        assert csv_text(written) == text
    assert not looks_like_formula("")
    assert not looks_like_formula("   ")
    assert looks_like_formula("\u3000\u00a0=1")  # ideographic and no-break spaces count


def test_every_csv_crmselect_writes_and_reads_goes_through_one_writer_and_one_reader() -> None:
    """No module but xlsx.py writes a CSV file (``to_csv`` with a target, ``csv.writer``),
    and no module but tables.py parses one (``read_csv``, ``csv.reader``)."""
    package = Path(crmselect.__file__).parent
    writers, readers = set(), set()
    for path in package.rglob("*.py"):
        name = path.relative_to(package).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            attribute = node.func.attr
            to_a_file = node.args or any(k.arg == "path_or_buf" for k in node.keywords)
            if attribute == "to_csv" and to_a_file:  # without one, to_csv returns the text
                writers.add(name)
            if attribute == "writer" and ast.unparse(node.func.value) == "csv":
                writers.add(name)
            if attribute in ("read_csv", "reader") and ast.unparse(node.func.value) in (
                "pd",
                "pandas",
                "csv",
            ):
                readers.add(name)
    assert writers == {"io/excel/xlsx.py"}
    assert readers == {"io/folder/tables.py"}


def test_write_csv_keeps_a_frame_of_numbers_and_reads_back(tmp_path: Path) -> None:
    frame = pd.DataFrame({"delta": [-3.5, 2.0], "label": [" -x", "ok"]})
    back = read_csv(write_csv(frame, tmp_path / "n.csv", index=False))
    assert back["delta"].tolist() == ["-3.5", "2.0"]
    assert back["label"].tolist() == [" -x", "ok"]


def open_in_libreoffice(files: list[Path], folder: Path, *, trim: bool) -> list[Path]:
    """The CSV ``files`` opened by LibreOffice and saved as .xlsx (one ``soffice``): comma
    separated, UTF-8, formulas evaluated, and spaces trimmed when ``trim`` (the CSV import
    filter's options 1-4, 7, 8, 11 and 13)."""
    assert SOFFICE is not None, "LibreOffice (soffice) is not installed"
    options = f"44,34,76,1,,0,false,false,false,false,{str(trim).lower()},-1,true"
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        done = subprocess.run(
            [
                SOFFICE,
                "--headless",
                "--norestore",
                "--nolockcheck",
                "--nologo",
                "--nodefault",
                f"-env:UserInstallation={Path(profile).as_uri()}",
                f"--infilter=CSV:{options}",
                "--convert-to",
                "xlsx",
                "--outdir",
                str(folder),
                *map(str, files),
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    outputs = [folder / f"{f.stem}.xlsx" for f in files]
    assert done.returncode == 0, done.stderr
    assert all(p.exists() for p in outputs), done.stdout
    return outputs


def formulas(path: Path) -> list[str]:
    """The formula cells of every sheet of the workbook at ``path``."""
    workbook = openpyxl.load_workbook(path)
    return [
        f"{sheet.title}!{cell.coordinate}: {cell.value!r}"
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


@pytest.mark.slow
@needs_libreoffice
@pytest.mark.parametrize("trim", [False, True], ids=["default", "trim-spaces"])
def test_libreoffice_opens_every_text_as_text(
    tmp_path: Path, imported: tuple[Path, dict[str, str]], trim: bool
) -> None:
    """The import CSV, and — as the control that the check can fail — the same texts
    written without protection: LibreOffice turns those into formulas, never ours."""
    path, comments = imported
    unsafe = tmp_path / "unsafe.csv"
    pd.DataFrame({"comment": list(comments.values())}).to_csv(unsafe, index=False)
    ours = tmp_path / "ours.csv"
    shutil.copyfile(path, ours)
    converted, control = open_in_libreoffice([ours, unsafe], tmp_path / "xlsx", trim=trim)
    assert formulas(converted) == []
    assert formulas(control)  # the unprotected file does hold formulas
    sheet = openpyxl.load_workbook(converted).worksheets[0]
    texts = {str(row[1].value): row[3].value for row in sheet.iter_rows(min_row=2)}
    assert texts["SFA-002"] == "'" + HOSTILE[0]
    assert sheet.max_row == 173  # the bare carriage return forged no row
