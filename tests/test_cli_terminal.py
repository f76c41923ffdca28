"""The command's output cannot be spoofed: file, sheet, member and vendor names and every
other text it prints show their control characters, line breaks and bidirectional overrides
as escapes, so each line printed is one line of the report (crmselect/cli.py say, complain;
crmselect/text.py printable; issue 16 item 6).

Each test gives the command a hostile name that, printed raw, forges a line — a fake
``… 0 finding(s)`` line, a second ``Winner:`` — and checks the number of lines printed, that
no line holds a character that does not print, and that the name shows escaped.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from crmselect import derive, load_tender
from crmselect.cli import main
from crmselect.example import example_path
from crmselect.io.excel.xlsx import put_text
from crmselect.io.forms.workshop import write_workshop
from tests.helpers import KEY, sign_meta

posix = pytest.mark.skipif(os.name != "posix", reason="file names with line feeds need POSIX")

FAKE_LINE = "helix.xlsx: vendor helix, 172 of 172 answered, 0 finding(s)"
FAKE_WINNER = "Winner: quillpoint"


def printed(capsys: pytest.CaptureFixture[str]) -> tuple[list[str], list[str]]:
    """The lines printed on standard output and standard error, each checked to print."""
    captured = capsys.readouterr()
    out, err = captured.out.splitlines(), captured.err.splitlines()
    assert captured.out.count("\n") == len(out)  # splitlines split at nothing but "\n"
    assert captured.err.count("\n") == len(err)
    for line in out + err:
        assert line.isprintable(), repr(line)
    return out, err


@pytest.fixture
def tender(tmp_path: Path) -> Path:
    folder = tmp_path / "tender"
    shutil.copytree(example_path(), folder)
    return folder


def rename_sheet(source: Path, target: Path, old: str, new: str) -> Path:
    """A copy of the workbook ``source`` whose sheet ``old`` is called ``new`` (``new`` as
    XML text: ``&#10;`` is a line feed), edited in the container as a vendor could."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "xl/workbook.xml":
                assert f'name="{old}"'.encode() in data
                data = data.replace(f'name="{old}"'.encode(), f'name="{new}"'.encode())
            copy.writestr(item, data)
    return target


def test_a_sheet_name_cannot_print_a_fake_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = rename_sheet(
        example_path() / "returned" / "orbis.xlsx",
        tmp_path / "orbis.xlsx",
        "Notes",
        f"Notes&#10;{FAKE_LINE}&#x202E;&#x85;&#x2028;",
    )
    assert main(["import", str(example_path()), str(hostile)]) == 0
    out, _ = printed(capsys)
    assert len(out) == 2  # the workbook's line and its one finding
    assert out[0] == "orbis.xlsx: vendor orbis, 172 of 172 answered, 1 finding(s)"
    assert out[1].startswith(f"  [info] orbis.xlsx!Notes\\n{FAKE_LINE}\\u202e\\x85\\u2028: ")


@posix
def test_a_file_name_cannot_print_a_fake_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = f"hel\n{FAKE_LINE}\x1b[2K\rix.xlsx"
    hostile = tmp_path / name
    shutil.copyfile(example_path() / "returned" / "helix.xlsx", hostile)
    fake = tmp_path / "fake\nREFUSED nothing\x07.xlsx"
    fake.write_text("not a workbook")
    csv = tmp_path / "answers\n.csv"
    argv = ["import", str(example_path()), str(hostile), str(fake), "--csv", str(csv)]
    assert main(argv) == 2
    out, err = printed(capsys)
    shown = "hel\\nhelix.xlsx: vendor helix, 172 of 172 answered, 0 finding(s)\\x1b[2K\\rix.xlsx"
    assert out[0] == f"{shown}: vendor helix, 172 of 172 answered, 0 finding(s)"
    assert out[1].startswith(f"REFUSED {tmp_path}/fake\\nREFUSED nothing\\x07.xlsx: ")
    assert out[2].startswith(f"{tmp_path}/answers\\n.csv not written: 1 file(s) refused")
    assert len(out) == 3
    assert err[0] == "crmselect: 1 workbook(s) refused (1 problem(s)):"
    assert err[1].startswith(f"  - {tmp_path}/fake\\nREFUSED nothing\\x07.xlsx: ")
    assert len(err) == 2


def test_an_error_naming_a_hostile_path_is_one_line_per_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "no\nsuch\x1b[2J\u202efolder"
    assert main(["evaluate", str(missing)]) == 2
    out, err = printed(capsys)
    shown = f"{tmp_path}/no\\nsuch\\x1b[2J\\u202efolder"
    assert out == []
    assert err == [f"crmselect: {shown} not found (1 problem(s)):", f"  - {shown}: file not found"]


def hostile_member_workshop(tender: Path, member: str) -> None:
    """Replace the sales member's returned workshop workbook by one made for ``member`` — a
    name no evaluator can have (ids are short words), so the file is signed by a key holder
    who edited it — with the judgements of the sales member's."""
    evaluation = derive(load_tender(example_path())).evaluation
    target = tender / "workshop" / "sales.xlsx"
    write_workshop(evaluation, "sales", target, key=KEY)
    returned = openpyxl.load_workbook(example_path() / "workshop" / "sales.xlsx")
    workbook = openpyxl.load_workbook(target)
    for sheet in workbook.worksheets:
        if sheet.sheet_state != "visible":
            continue
        for row in sheet.iter_rows():
            for cell in row:
                if cell.protection.locked is False:
                    cell.value = returned[sheet.title][cell.coordinate].value
    put_text(workbook["crmselect"]["B2"], member)
    sign_meta(workbook)
    workbook.save(target)


def without_findings(lines: list[str]) -> list[str]:
    """``lines`` of a report without the lines of its "Returned workbooks" section."""
    start = lines.index("== Returned workbooks ==")
    end = lines.index("", start)
    return lines[:start] + lines[end:]


def test_member_vendor_and_tender_names_cannot_forge_the_winner(
    tender: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pristine = tmp_path / "pristine"
    shutil.copytree(tender, pristine)
    assert main(["evaluate", str(pristine), "--samples", "200"]) == 0
    expected, _ = printed(capsys)

    yaml_file = tender / "evaluation.yaml"
    text = yaml_file.read_text(encoding="utf-8")
    tender_name = "name: Larkspur Instruments — CRM selection 2026\n"
    for old, new in [
        ("  name: Orbis CRM Cloud\n", '  name: "Orbis \\u202eduolC MRC"\n'),
        (tender_name, f'name: "Larkspur\\n{FAKE_WINNER}"\n'),
    ]:
        assert old in text
        text = text.replace(old, new)
    yaml_file.write_text(text, encoding="utf-8")
    assert main(["evaluate", str(tender), "--samples", "200"]) == 0
    out, _ = printed(capsys)

    # the members' names are part of the evaluation the templates were made from, so every
    # returned workbook gets an info finding "the evaluation changed": that section grows
    assert len(without_findings(out)) == len(without_findings(expected))
    assert [line for line in out if line.startswith("== ")] == [
        line for line in expected if line.startswith("== ")
    ]
    assert [line for line in out if line.startswith("Winner")] == ["Winner: orbis"]
    assert out[0] == f"Larkspur\\n{FAKE_WINNER}"
    assert "Orbis \\u202eduolC MRC" in "\n".join(out)


def test_a_member_name_cannot_forge_a_line(
    tender: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A workshop member must be on the panel, whose ids are short words: a member named
    with a line feed is refused, and the refusal quotes the name on one line."""
    hostile_member_workshop(tender, f"sales\n{FAKE_WINNER}\x1b[1A")
    assert main(["evaluate", str(tender), "--samples", "200"]) == 2
    out, err = printed(capsys)
    assert not [line for line in out + err if line.startswith("Winner")]
    assert any(
        f"made for member 'sales\\n{FAKE_WINNER}" in line and "who is not on this panel" in line
        for line in err
    ), err
