"""Every handed-out workbook is bound to its recipient and to this tender (issue 16 item 1).

Each attack of the security test is reproduced on the bundled example's files and asserted
refused with the exact message: the recipient cell edited (vendor, evaluator, member), a
copy relabelled, ghost members, a file of another tender, the tag removed or altered, a row
id or checksum edited, a file of an earlier crmselect, a missing key, a second file of one
recipient, a member off the panel. The key is never written into a workbook.
"""

from __future__ import annotations

import functools
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import attrs
import openpyxl
import pytest

import crmselect
from crmselect.cli import main
from crmselect.errors import CrmselectError, InputFileError
from crmselect.io.excel.untrusted import DEFAULT_LIMITS, UntrustedInputError
from crmselect.io.folder.key import TenderKey, key_path, tender_key
from crmselect.io.folder.tender import load_tender, resign_returns
from crmselect.io.forms.demo_sheets import DEMO_META, read_scoring_sheet, write_scoring_sheet
from crmselect.io.forms.meta import (
    META_SHEET,
    NOT_ISSUED,
    TAG_COLUMN,
    TAG_ROW,
    FormMeta,
    open_form,
    resign,
    signed_text,
)
from crmselect.io.forms.rfp_response import read_response
from crmselect.io.forms.rfp_template import RFP_META, write_template
from crmselect.io.forms.workshop import WORKSHOP_META, read_workshop, write_workshop
from crmselect.model import Evaluation
from tests.helpers import KEY, give_key, questions, sign_meta

EXAMPLE = crmselect.example_path()
OTHER = TenderKey.generate()
"""The key of another tender."""


@functools.cache
def basis() -> Evaluation:
    """The example's award basis, as ``crmselect import`` reads the RFP workbooks against."""
    evaluation = crmselect.derive(load_tender(EXAMPLE)).evaluation
    return attrs.evolve(evaluation, responses=(), import_problems=())


def edited(source: Path, target: Path, change: Callable[[openpyxl.Workbook], object]) -> Path:
    """A copy of ``source`` at ``target`` with ``change`` made to it (as a recipient could)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook = openpyxl.load_workbook(source)
    change(workbook)
    workbook.save(target)
    return target


def set_meta(cell: str, value: object) -> Callable[[openpyxl.Workbook], None]:
    def change(workbook: openpyxl.Workbook) -> None:
        workbook[META_SHEET][cell] = value

    return change


def refusal(read: Callable[[], object]) -> str:
    """The one problem ``read`` was refused with, as printed."""
    with pytest.raises(UntrustedInputError) as caught:
        read()
    (problem,) = caught.value.problems
    return str(problem)


def test_the_refusal_is_worded_as_the_issue_asks() -> None:
    assert (
        NOT_ISSUED == "not issued by this tender, or its hidden sheet was edited — send a new one"
    )


def test_the_example_files_verify_with_the_example_key() -> None:
    for path in sorted((EXAMPLE / "returned").glob("*.xlsx")):
        assert read_response(path, basis(), key=KEY).vendor == path.stem
    for path in sorted((EXAMPLE / "workshop").glob("*.xlsx")):
        assert read_workshop(path, basis(), key=KEY).member == path.stem


# -- the attacks --------------------------------------------------------------------------------


def test_a_vendor_cannot_relabel_its_answers_as_another_vendors(tmp_path: Path) -> None:
    orbis = EXAMPLE / "returned" / "orbis.xlsx"
    with zipfile.ZipFile(orbis) as source:
        assert any(b"<t>orbis</t>" in source.read(n) for n in source.namelist())
    forged = edited(orbis, tmp_path / "helix.xlsx", set_meta("B5", "helix"))
    assert refusal(lambda: read_response(forged, basis(), key=KEY)) == f"{forged}: {NOT_ISSUED}"


def test_an_evaluator_cannot_relabel_a_scoring_sheet(tmp_path: Path) -> None:
    sheet = write_scoring_sheet(basis(), "sales", tmp_path / "sales.xlsx", key=KEY)
    assert openpyxl.load_workbook(sheet)[META_SHEET]["A4"].value == "evaluator_id"
    forged = edited(sheet, tmp_path / "it.xlsx", set_meta("B4", "it"))
    assert read_scoring_sheet(sheet, basis(), key=KEY).evaluator == "sales"
    assert refusal(lambda: read_scoring_sheet(forged, basis(), key=KEY)) == (
        f"{forged}: {NOT_ISSUED}"
    )


def test_a_member_cannot_relabel_a_workshop_as_another_members(tmp_path: Path) -> None:
    """A copy of the it member's file relabelled finance."""
    forged = edited(
        EXAMPLE / "workshop" / "it.xlsx", tmp_path / "finance.xlsx", set_meta("B2", "finance")
    )
    assert refusal(lambda: read_workshop(forged, basis(), key=KEY)) == f"{forged}: {NOT_ISSUED}"


def test_ghost_members_are_refused(tmp_path: Path) -> None:
    """Eight copies of one member's file labelled ghost1 … ghost8, named by the folder."""
    tender = tmp_path / "tender"
    shutil.copytree(EXAMPLE, tender)
    for n in range(1, 9):
        edited(
            tender / "workshop" / "it.xlsx",
            tender / "workshop" / f"ghost{n}.xlsx",
            set_meta("B2", f"ghost{n}"),
        )
    with pytest.raises(InputFileError) as caught:
        load_tender(tender)
    refused = [str(p) for p in caught.value.problems]
    assert refused == [
        f"{tender / 'workshop' / f'ghost{n}.xlsx'}: {NOT_ISSUED}" for n in range(1, 9)
    ]


def test_a_file_of_another_tender_is_refused(tmp_path: Path) -> None:
    forms = {
        "rfp": write_template(basis(), "orbis", tmp_path / "rfp.xlsx", key=OTHER),
        "demo": write_scoring_sheet(basis(), "sales", tmp_path / "demo.xlsx", key=OTHER),
        "workshop": write_workshop(basis(), "it", tmp_path / "workshop.xlsx", key=OTHER),
    }
    reads = {
        "rfp": lambda: read_response(forms["rfp"], basis(), key=KEY),
        "demo": lambda: read_scoring_sheet(forms["demo"], basis(), key=KEY),
        "workshop": lambda: read_workshop(forms["workshop"], basis(), key=KEY),
    }
    for name, read in reads.items():
        assert refusal(read) == f"{forms[name]}: {NOT_ISSUED}"
    assert read_response(forms["rfp"], basis(), key=OTHER).vendor == "orbis"


@pytest.mark.parametrize(
    "change",
    [
        set_meta("C1", None),
        set_meta("C1", "0" * 64),
        set_meta("C1", 12),
        set_meta("A10", "REQ-999"),  # a row id
        set_meta("C10", "0123456789abcdef"),  # a requirement checksum
        set_meta("B3", "another evaluation hash"),
        set_meta("D20", "a cell the reader does not read"),
    ],
    ids=["tag removed", "tag altered", "tag a number", "row id", "checksum", "fact", "extra cell"],
)
def test_any_edit_of_the_hidden_sheet_is_refused(
    tmp_path: Path, change: Callable[[openpyxl.Workbook], None]
) -> None:
    forged = edited(EXAMPLE / "returned" / "orbis.xlsx", tmp_path / "orbis.xlsx", change)
    assert refusal(lambda: read_response(forged, basis(), key=KEY)) == f"{forged}: {NOT_ISSUED}"


@pytest.mark.parametrize(
    ("form", "earlier", "what"),
    [
        (RFP_META, "crmselect.rfp/1", "send the vendor a new template"),
        (DEMO_META, "crmselect.demo-scores/1", "send the evaluator a new sheet"),
        (WORKSHOP_META, "crmselect.workshop/1", "send the member a new workbook"),
    ],
)
def test_a_file_of_an_earlier_crmselect_is_refused_as_such(
    tmp_path: Path, form: FormMeta, earlier: str, what: str
) -> None:
    writers = {
        RFP_META: lambda p: write_template(basis(), "orbis", p, key=KEY),
        DEMO_META: lambda p: write_scoring_sheet(basis(), "sales", p, key=KEY),
        WORKSHOP_META: lambda p: write_workshop(basis(), "it", p, key=KEY),
    }
    path = writers[form](tmp_path / "form.xlsx")
    old = edited(path, tmp_path / "old.xlsx", set_meta("B1", earlier))
    message = refusal(lambda: open_form(old, form, DEFAULT_LIMITS, key=KEY).__enter__())
    assert message == (
        f"{old}: made by an earlier crmselect (format {earlier!r}; this one reads "
        f"{form.version!r}) and not signed for this tender — {what}"
    )


def test_a_folder_naming_returned_files_without_its_key_says_so(tmp_path: Path) -> None:
    tender = tmp_path / "tender"
    shutil.copytree(EXAMPLE, tender, ignore=shutil.ignore_patterns(".crmselect"))
    with pytest.raises(CrmselectError, match="the tender has no key, so the returned files"):
        load_tender(tender)


def test_a_second_file_of_one_recipient_is_refused_naming_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tender = tmp_path / "tender"
    shutil.copytree(EXAMPLE, tender)
    sheets = [
        write_scoring_sheet(basis(), "sales", tender / "sheets" / name, key=KEY)
        for name in ("sales.xlsx", "sales-v2.xlsx")
    ]
    assert main(["import-scores", str(tender), *map(str, sheets)]) == 2
    out = capsys.readouterr().out
    assert f"REFUSED {sheets[1]}: a second sheet of evaluator 'sales' (first: sales.xlsx)" in out
    orbis = tender / "returned" / "orbis.xlsx"
    again = tender / "orbis-again.xlsx"
    shutil.copy(orbis, again)
    assert main(["import", str(tender), str(orbis), str(again)]) == 2
    out = capsys.readouterr().out
    assert f"REFUSED {again}: a second RFP workbook from 'orbis' (first: orbis.xlsx)" in out
    text = (tender / "evaluation.yaml").read_text(encoding="utf-8")
    (tender / "evaluation.yaml").write_text(
        text.replace("demo_scores: demo_scores.csv", "scoring_sheets: [sheets/*.xlsx]"),
        encoding="utf-8",
    )
    with pytest.raises(InputFileError) as caught:
        load_tender(tender)
    assert [str(p) for p in caught.value.problems] == [  # the folder reads them sorted
        f"{sheets[0]}: a second sheet of evaluator 'sales' (first: sales-v2.xlsx); keep one"
    ]


def test_a_member_or_evaluator_off_the_panel_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CrmselectError, match="'cfo' is not on the panel"):
        write_workshop(basis(), "cfo", tmp_path / "cfo.xlsx", key=KEY)
    with pytest.raises(CrmselectError, match="No evaluator 'cfo'"):
        write_scoring_sheet(basis(), "cfo", tmp_path / "cfo.xlsx", key=KEY)

    def relabel(workbook: openpyxl.Workbook) -> None:  # by someone who holds the key
        workbook[META_SHEET]["B2"] = "cfo"
        sign_meta(workbook)

    signed = edited(EXAMPLE / "workshop" / "it.xlsx", tmp_path / "signed-cfo.xlsx", relabel)
    assert refusal(lambda: read_workshop(signed, basis(), key=KEY)) == (
        f"{signed}: made for member 'cfo', who is not on this panel (evaluators: in "
        "evaluation.yaml)"
    )


# -- the key stays in the tender folder ----------------------------------------------------------


def every_part(path: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as workbook:
        return [(name, workbook.read(name)) for name in workbook.namelist()]


def test_the_key_is_never_written_into_a_workbook(tmp_path: Path) -> None:
    key = tender_key(tmp_path / "tender", create=True)
    written = [
        write_template(basis(), "orbis", tmp_path / "rfp.xlsx", key=key),
        write_scoring_sheet(basis(), "sales", tmp_path / "demo.xlsx", key=key),
        write_workshop(basis(), "it", tmp_path / "workshop.xlsx", key=key),
    ]
    secrets = [key.hex().encode(), key.hex().upper().encode(), key.secret]
    for path in written:
        parts = every_part(path)
        assert any(name.startswith("xl/worksheets/") for name, _ in parts)
        for name, data in parts:
            assert not any(s in data for s in secrets), f"{path.name}!{name}"


def test_signed_text_is_unambiguous() -> None:
    assert signed_text("v/1", [["a", 3]]) == signed_text("v/1", [["a", 3.0]])
    assert signed_text("v/1", [["a", 3]]) != signed_text("v/1", [["a", "3"]])
    assert signed_text("v/1", [["a,b"]]) != signed_text("v/1", [["a", "b"]])
    assert signed_text("v/1", [["a"], ["b"]]) != signed_text("v/1", [["a", "b"]])
    assert signed_text("v/1", [["a", None, "tag"]]) == signed_text("v/1", [["a", None, "other"]])
    assert signed_text("v/1", [["a"]]) != signed_text("v/2", [["a"]])
    assert (TAG_ROW, TAG_COLUMN) == (1, 3)


def test_resigning_binds_the_example_files_to_another_key(tmp_path: Path) -> None:
    tender = tmp_path / "tender"
    shutil.copytree(EXAMPLE, tender, ignore=shutil.ignore_patterns(".crmselect"))
    key = tender_key(tender, create=True)
    signed = resign_returns(tender, key)
    assert len(signed) == 13  # five workshops, six RFP and two BAFO workbooks
    orbis = tender / "returned" / "orbis.xlsx"
    before = dict(every_part(EXAMPLE / "returned" / "orbis.xlsx"))
    after = dict(every_part(orbis))
    assert [n for n in before if before[n] != after[n]] == ["xl/worksheets/sheet5.xml"]
    assert read_response(orbis, basis(), key=key).vendor == "orbis"
    assert refusal(lambda: read_response(orbis, basis(), key=KEY)) == f"{orbis}: {NOT_ISSUED}"
    assert not resign(tender / "returned" / "orbis.xlsx", WORKSHOP_META, key, DEFAULT_LIMITS)
    give_key(tender, key)  # the same key, written again: the folder loads
    assert len(load_tender(tender).evaluation.judgements) == 5


@pytest.mark.slow
def test_demo_out_gives_the_copy_its_own_key_and_writes_it_nowhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--out", str(tmp_path), "--samples", "200"]) == 0
    capsys.readouterr()
    copy = tmp_path / "evaluation"
    key = tender_key(copy)
    assert key != KEY
    secrets = [key.hex().encode(), key.secret, KEY.hex().encode(), KEY.secret]
    for path in tmp_path.rglob("*"):
        if not path.is_file() or path == key_path(copy):
            continue
        contents = [path.read_bytes()]
        if path.suffix == ".xlsx":
            contents += [data for _, data in every_part(path)]
        assert not any(s in data for s in secrets for data in contents), path
    orbis = copy / "returned" / "orbis.xlsx"
    assert read_response(orbis, basis(), key=key).vendor == "orbis"


@pytest.mark.parametrize(
    "name",
    [
        "X\x01Y",
        "_x0041_ as typed",
        "  spaced  ",
        "=1+1",
        "tab\there",
        "cr\r\nlf",
        "\U0001f600",
        "a\u202eb",
    ],
)
def test_any_text_in_the_signed_facts_round_trips(tmp_path: Path, name: str) -> None:
    """What the tag is computed over when written is what is read back, whatever the text."""
    evaluation = questions()
    vendor = attrs.evolve(evaluation.vendors[0], name=name)
    evaluation = attrs.evolve(evaluation, name=name, vendors=[vendor, *evaluation.vendors[1:]])
    path = write_template(evaluation, "x", tmp_path / "x.xlsx", key=KEY)
    assert read_response(path, evaluation, key=KEY).vendor == "x"
