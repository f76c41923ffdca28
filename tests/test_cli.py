"""The crmselect command: output, exit status, and no tracebacks on bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import write_minimal

from crmselect.cli import main


def test_demo_prints_tree_ranking_knock_outs_and_missing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "Larkspur Instruments" in out
    assert "Sales force automation" in out
    assert "global %" in out
    assert "KNOCKED OUT" in out
    assert "CMP-002" in out
    assert "meridian: 9 RFP answer(s)" in out
    assert out.rstrip().endswith("Winner: orbis")


def test_demo_out_copies_example_and_writes_tables(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "evaluation" / "evaluation.yaml").is_file()
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
