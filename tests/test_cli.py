"""The crmselect command: output, exit status, and no tracebacks on bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from crmselect.cli import main
from tests.helpers import write_minimal


@pytest.mark.slow
def test_demo_prints_tree_ranking_knock_outs_and_missing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["demo"]) == 0
    assert Path("crmselect-demo.xlsx").is_file()  # the workbook is left in the current folder
    out = capsys.readouterr().out
    assert "Larkspur Instruments" in out
    assert "Sales force automation" in out
    assert "global %" in out
    assert "KNOCKED OUT" in out
    assert "CMP-002" in out
    assert "meridian: 9 RFP answer(s)" in out  # ANA-002 clarified (clarifications.csv)
    assert "Weights of the top level from AHP (6 criteria, 75 judgements, 5 members" in out
    assert "marketing: CR = 0.222 INCONSISTENT" in out
    assert "Does the winner hold?" in out
    assert out.rstrip().endswith("Winner: orbis\n\nWrote crmselect-demo.xlsx")


@pytest.mark.slow
def test_demo_out_copies_example_and_writes_tables(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "evaluation" / "evaluation.yaml").is_file()
    assert (tmp_path / "report.xlsx").is_file()
    ranking = (tmp_path / "ranking.csv").read_text(encoding="utf-8").splitlines()
    assert ranking[0].startswith("vendor,name,total,rank")
    assert ranking[1].startswith("orbis,")
    assert main(["evaluate", str(tmp_path / "evaluation")]) == 0


def test_bad_input_is_one_message_and_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_minimal(tmp_path / "bad")
    (folder / "responses.csv").write_text(
        "vendor,requirement,compliance\nx,R1,maybe\n", encoding="utf-8"
    )
    assert main(["evaluate", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "responses.csv: row 2: compliance 'maybe' is not on the scale" in err
    assert "Traceback" not in err


def test_missing_path_is_status_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(tmp_path / "nope")]) == 2
    assert "not found" in capsys.readouterr().err


def test_debug_shows_the_exception(tmp_path: Path) -> None:
    from crmselect import CrmselectError

    with pytest.raises(CrmselectError):
        main(["--debug", "evaluate", str(tmp_path / "nope")])


def test_catalogs_lists_and_shows(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalogs"]) == 0
    listing = capsys.readouterr().out
    assert "<Catalog 'crm-core'" in listing
    assert "<Catalog 'partner'" in listing
    assert main(["catalogs", "partner"]) == 0
    assert "Industry experience" in capsys.readouterr().out


@pytest.mark.slow
def test_console_script_version_and_help() -> None:
    version = subprocess.run(
        [sys.executable, "-m", "crmselect.cli", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert version.stdout.startswith("crmselect ")
    for command in ("demo", "evaluate", "catalogs"):
        helped = subprocess.run(
            [sys.executable, "-m", "crmselect.cli", command, "--help"],
            capture_output=True,
            text=True,
            check=True,
        )
        assert "usage: crmselect" in helped.stdout


@pytest.mark.slow
def test_template_for_every_vendor_and_for_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from crmselect import example_path

    assert main(["template", str(example_path()), "--out", str(tmp_path / "all")]) == 0
    assert sorted(p.name for p in (tmp_path / "all").iterdir()) == [
        "helix.xlsx",
        "kestrel.xlsx",
        "meridian.xlsx",
        "orbis.xlsx",
        "quillpoint.xlsx",
        "tidewater.xlsx",
    ]
    assert (
        main(
            [
                "template",
                str(example_path()),
                "--vendor",
                "helix",
                "--deadline",
                "2026-12-18",
                "--out",
                str(tmp_path / "helix.xlsx"),
            ]
        )
        == 0
    )
    assert (tmp_path / "helix.xlsx").is_file()
    assert (
        main(
            [
                "template",
                str(example_path()),
                "--vendor",
                "nobody",
                "--out",
                str(tmp_path / "n.xlsx"),
            ]
        )
        == 2
    )
    assert "No vendor 'nobody'" in capsys.readouterr().err


@pytest.mark.slow
def test_import_reports_findings_strict_and_refusals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from crmselect import example_path

    returned = example_path() / "returned"
    files = [str(returned / "quillpoint.xlsx"), str(returned / "helix.xlsx")]
    assert main(["import", str(example_path()), *files, "--csv", str(tmp_path / "r.csv")]) == 0
    out = capsys.readouterr().out
    assert "quillpoint.xlsx!Requirements!F5: a formula was typed" in out
    assert "helix.xlsx: vendor helix, 172 of 172 answered, 0 finding(s)" in out
    assert (tmp_path / "r.csv").read_text(encoding="utf-8").count("\n") == 2 * 172 + 1
    assert main(["import", str(example_path()), *files, "--strict"]) == 2
    assert "--strict: " in capsys.readouterr().err
    bogus = tmp_path / "bogus.xlsx"
    bogus.write_text("not a workbook", encoding="utf-8")
    assert main(["import", str(example_path()), str(bogus)]) == 2
    err = capsys.readouterr().err
    assert "bogus.xlsx" in err
    assert "not an .xlsx workbook" in err
    assert "Traceback" not in err


@pytest.mark.slow
def test_demo_strict_fails_on_the_example_findings(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--strict"]) == 2
    err = capsys.readouterr().err
    assert "quillpoint.xlsx!Requirements!F5" in err
    assert "meridian.xlsx!Requirements!F49" not in err  # answered in clarifications.csv
