"""The tender's record from the command line: ``issue`` freezes the award basis, a later
change is flagged until ``deviate`` records it with its reason, ``shortlist`` eliminates
vendors who then take part in no later stage, and ``stage`` moves the tender on."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmselect.cli import main
from crmselect.io.folder.record import FILE_NAME, read_record
from crmselect.record import Event, Stage, stage_of
from tests.helpers import example_before_the_record


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return example_before_the_record(tmp_path / "larkspur")


def _edit(folder: Path, old: str, new: str) -> None:
    file = folder / "evaluation.yaml"
    text = file.read_text("utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), "utf-8")


PANEL = ("sales", "marketing", "service", "it", "finance")
"""The example's evaluators."""


def _declare_all(folder: Path) -> None:
    for member in PANEL:
        assert main(["declare", str(folder), "--member", member, "--none", "--by", "Mei"]) == 0


def test_issue_freezes_the_basis_once(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["issue", str(folder), "--by", "Mei Tanaka"]) == 0
    out = capsys.readouterr().out
    assert "award basis frozen by Mei Tanaka" in out
    (entry,) = read_record(folder).entries
    assert entry.event is Event.ISSUE
    assert entry.data["fingerprint"] in out
    assert main(["issue", str(folder), "--by", "Ben"]) == 2
    assert "record a change to the award basis as a deviation" in capsys.readouterr().err


def test_a_change_is_flagged_until_it_is_on_the_record(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["issue", str(folder), "--by", "Mei"])
    _edit(folder, "    demo_share: 0.6\n", "    demo_share: 0.5\n")
    assert main(["deviate", str(folder), "--by", "Mei", "--reason", " "]) == 2
    assert "needs its reason" in capsys.readouterr().err
    assert main(["deviate", str(folder), "--by", "Mei", "--reason", "demo cut to 30 min"]) == 0
    out = capsys.readouterr().out
    assert "  criteria.functional.children.field_service.demo_share: 0.6 → 0.5" in out
    assert main(["deviate", str(folder), "--by", "Mei", "--reason", "again"]) == 2
    assert "nothing to record" in capsys.readouterr().err
    events = [e.event for e in read_record(folder).entries]
    assert events == [Event.ISSUE, Event.DEVIATION]


def test_commands_need_who(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["issue", str(folder)])
    assert "--by" in capsys.readouterr().err
    assert not (folder / FILE_NAME).exists()


def test_an_eliminated_vendor_takes_part_in_no_later_stage(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["issue", str(folder), "--by", "Mei"])
    argv = ["shortlist", str(folder), "--drop", "tidewater", "--drop", "helix"]
    assert main([*argv, "--reason", "no offline client", "--by", "Mei"]) == 0
    out = capsys.readouterr().out
    assert "eliminated tidewater at shortlist: no offline client" in out
    assert stage_of(read_record(folder)) is Stage.SHORTLIST
    out_dir = tmp_path / "sheets"
    _declare_all(folder)  # a tender on the record issues sheets only to declared evaluators
    assert main(["scoring-sheets", str(folder), "--out", str(out_dir)]) == 0
    packs = sorted(p.stem for p in (out_dir / "scripts").iterdir())
    assert packs == ["kestrel", "meridian", "orbis", "quillpoint"]
    capsys.readouterr()
    argv = ["scoring-sheets", str(folder), "--out", str(out_dir), "--vendor", "helix"]
    assert main(argv) == 2
    assert "eliminated, so no later stage: helix at shortlist" in capsys.readouterr().err


def test_stages_move_on_only(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stage", str(folder), "demos", "--by", "Mei"]) == 2
    assert "issue the RFP first" in capsys.readouterr().err
    main(["issue", str(folder), "--by", "Mei"])
    assert main(["stage", str(folder), "demos", "--by", "Mei"]) == 0
    assert main(["stage", str(folder), "shortlist", "--by", "Mei"]) == 2
    assert "stages only move on" in capsys.readouterr().err


@pytest.mark.slow
def test_evaluate_reports_the_record_and_never_lets_an_eliminated_vendor_win(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["issue", str(folder), "--by", "Mei"])
    main(
        ["shortlist", str(folder), "--drop", "orbis", "--reason", "no UK data centre", "--by", "M"]
    )
    _edit(folder, "    demo_share: 0.6\n", "    demo_share: 0.5\n")
    capsys.readouterr()
    assert main(["evaluate", str(folder), "--samples", "500"]) == 0
    out = capsys.readouterr().out
    assert "Winner: orbis" not in out
    assert "  - eliminated at shortlist: no UK data centre" in out
    record = out.split("== The tender's record ==\n")[1].split("\n\nWinner:")[0]
    assert record.startswith("Stage: shortlist")
    assert "NOT ON THE RECORD: 1 change(s)" in record
    assert main(["evaluate", str(folder), "--samples", "500", "--strict"]) == 2
