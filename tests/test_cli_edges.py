"""The command line on the edges a new user hits: re-running demo --out, --debug's place,
the help naming what each option takes."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import crmselect.cli
from crmselect import example_path
from crmselect.cli import build_parser, main
from crmselect.errors import CrmselectError


@pytest.mark.slow
def test_demo_out_refuses_to_overwrite_an_edited_copy_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--out", str(tmp_path), "--samples", "200"]) == 0
    edited = tmp_path / "evaluation" / "evaluation.yaml"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n# my edit\n", encoding="utf-8")
    capsys.readouterr()

    assert main(["demo", "--out", str(tmp_path), "--samples", "200"]) == 2
    err = capsys.readouterr().err
    assert "evaluation exists" in err
    assert "--force" in err
    assert edited.read_text(encoding="utf-8").endswith("# my edit\n")

    stray = tmp_path / "evaluation" / "stray.txt"
    stray.write_text("left over", encoding="utf-8")
    assert main(["demo", "--out", str(tmp_path), "--force", "--samples", "200"]) == 0
    assert "# my edit" not in edited.read_text(encoding="utf-8")
    assert not stray.exists()  # --force gives a fresh copy, not a merge


@pytest.mark.parametrize(
    "argv",
    [
        ["--debug", "evaluate", "no-such-folder"],
        ["evaluate", "no-such-folder", "--debug"],
    ],
)
def test_debug_shows_the_traceback_before_or_after_the_command(argv: list[str]) -> None:
    with pytest.raises(CrmselectError, match="no-such-folder"):
        main(argv)


def test_without_debug_bad_input_is_one_message_and_status_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["evaluate", "no-such-folder"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("crmselect: ")
    assert "Traceback" not in err


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_module_docstring_lists_every_command() -> None:
    doc = crmselect.cli.__doc__ or ""
    missing = [name for name in _subcommands() if f"crmselect {name} " not in doc]
    assert missing == []


def test_evaluate_out_help_names_both_forms(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        _subcommands()["evaluate"].parse_args(["--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "--out DIR_OR_XLSX" in help_text
    assert "an .xlsx file: the comparison workbook" in help_text


@pytest.mark.slow
def test_result_csv_files_hold_vendor_text_as_literal_text(tmp_path: Path) -> None:
    """A vendor name a spreadsheet would run as a formula is written with a leading
    apostrophe in every CSV output (OWASP CSV injection)."""
    folder = tmp_path / "tender"
    shutil.copytree(example_path(), folder)
    yaml_file = folder / "evaluation.yaml"
    text = yaml_file.read_text(encoding="utf-8")
    assert "  name: Orbis CRM Cloud\n" in text
    hostile = '=HYPERLINK("http://evil.example","Orbis")'
    yaml_file.write_text(
        text.replace("  name: Orbis CRM Cloud\n", f"  name: '{hostile}'\n"), encoding="utf-8"
    )
    out = tmp_path / "out"
    assert main(["evaluate", str(folder), "--out", str(out), "--samples", "200"]) == 0
    ranking = pd.read_csv(out / "ranking.csv", dtype=str, keep_default_na=False)
    assert ranking["name"].tolist().count("'" + hostile) == 1
    for csv in out.glob("*.csv"):
        cells = pd.read_csv(csv, dtype=str, keep_default_na=False, header=None).to_numpy()
        assert not [c for c in cells.ravel() if c.startswith(("=", "@"))], csv.name


@pytest.mark.slow
def test_import_refuses_a_second_workbook_from_the_same_vendor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    helix = example_path() / "returned" / "helix.xlsx"
    copy = tmp_path / "helix-again.xlsx"
    shutil.copyfile(helix, copy)
    csv = tmp_path / "answers.csv"
    argv = ["import", str(example_path()), str(helix), str(copy), "--csv", str(csv)]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert "REFUSED" in captured.out
    assert "a second RFP workbook from 'helix' (first: helix.xlsx); keep one" in captured.out
    assert "1 workbook(s) refused" in captured.err
    assert f"{csv} not written: 1 file(s) refused" in captured.out
    assert not csv.exists()  # a partial table never passes for the whole return


@pytest.mark.slow
def test_a_currency_the_import_excluded_is_never_assumed_to_be_the_committees(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """orbis types '£' for its currency: the finding names the cell, and its offer is not
    costed as if in EUR (which would put a pound price into a euro comparison)."""
    folder = tmp_path / "tender"
    shutil.copytree(example_path(), folder)
    workbook_path = folder / "returned" / "orbis.xlsx"
    workbook = openpyxl.load_workbook(workbook_path)
    assert workbook["Pricing"]["C4"].value == "EUR"
    workbook["Pricing"]["C4"].value = "£"
    workbook.save(workbook_path)

    for command in (["import", str(folder), str(workbook_path)], ["evaluate", str(folder)]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert "orbis: Pricing currency: missing" in err  # the cost model cannot price it
        assert "orbis.xlsx!Pricing!C4: Currency of every price" in err  # ... because of this
        assert "(typed: '£')" in err
        assert "Traceback" not in err


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["file", "link"])
def test_demo_out_force_replaces_a_file_or_a_link_but_not_what_it_points_to(
    tmp_path: Path, kind: str
) -> None:
    kept = tmp_path / "elsewhere"
    kept.mkdir()
    (kept / "mine.txt").write_text("keep", encoding="utf-8")
    copy = tmp_path / "out" / "evaluation"
    copy.parent.mkdir()
    if kind == "file":
        copy.write_text("a file in the way", encoding="utf-8")
    else:
        copy.symlink_to(kept, target_is_directory=True)
    assert main(["demo", "--out", str(copy.parent), "--samples", "200"]) == 2
    assert main(["demo", "--out", str(copy.parent), "--force", "--samples", "200"]) == 0
    assert (copy / "evaluation.yaml").is_file()
    assert not copy.is_symlink()
    assert (kept / "mine.txt").read_text(encoding="utf-8") == "keep"
    assert sorted(p.name for p in kept.iterdir()) == ["mine.txt"]
