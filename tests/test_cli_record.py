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


# -- declarations and abnormally low bids (issue 18 items 2 and 5) ---------------------------


def test_declare_records_none_or_a_conflict_with_its_measure(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["declare", str(folder), "--member", "sales", "--none", "--by", "Mei"]) == 0
    assert "recorded sales's declaration: no conflict of interest" in capsys.readouterr().out
    argv = ["declare", str(folder), "--member", "it", "--conflict", "ex-Helix", "--by", "Mei"]
    assert main(argv) == 2
    assert "needs the measure taken for it (--measure)" in capsys.readouterr().err
    assert main([*argv, "--measure", "does not score Helix"]) == 0
    assert "measure: does not score Helix" in capsys.readouterr().out
    assert main(["declare", str(folder), "--member", "cfo", "--none", "--by", "Mei"]) == 0
    assert "(not on the evaluation panel)" in capsys.readouterr().out
    entries = read_record(folder).entries
    assert [e.event for e in entries] == [Event.DECLARE] * 3
    assert entries[1].data == {
        "member": "it",
        "conflict": "ex-Helix",
        "measure": "does not score Helix",
    }


@pytest.mark.parametrize(
    "argv",
    [
        ["declare", "{f}", "--member", "it", "--none"],
        ["declare", "{f}", "--none", "--by", "Mei"],
        ["declare", "{f}", "--member", "it", "--by", "Mei"],
        ["declare", "{f}", "--member", "it", "--none", "--conflict", "x", "--by", "Mei"],
        ["low-bid", "{f}", "helix", "--ask", "why?"],
        ["low-bid", "{f}", "helix", "--by", "Mei"],
        ["low-bid", "{f}", "helix", "--ask", "a", "--reject", "b", "--by", "Mei"],
    ],
    ids=["no-by", "no-member", "no-choice", "none-and-conflict", "low-no-by", "no-step", "two"],
)
def test_the_new_commands_refuse_incomplete_arguments(
    folder: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([a.replace("{f}", str(folder)) for a in argv])
    assert exit_.value.code == 2
    assert "usage: crmselect" in capsys.readouterr().err
    assert not (folder / FILE_NAME).exists()


def test_scoring_sheets_and_workshops_go_only_to_declared_members(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["scoring-sheets", str(folder), "--out", str(out)]) == 0  # no record yet
    assert "no tender record yet: declarations of interest are not checked" in (
        capsys.readouterr().out
    )
    main(["issue", str(folder), "--by", "Mei"])
    main(["declare", str(folder), "--member", "sales", "--none", "--by", "Mei"])
    capsys.readouterr()
    again = tmp_path / "again"
    assert main(["scoring-sheets", str(folder), "--out", str(again)]) == 2
    err = capsys.readouterr().err
    assert "no declaration of interest on the record for marketing, service, it, finance" in err
    assert "Traceback" not in err
    assert not again.exists()
    assert main(["workshop", str(folder), "--member", "it", "--out", str(again)]) == 2
    assert "for it: a weights workshop is issued only" in capsys.readouterr().err
    assert main(["workshop", str(folder), "--member", "sales", "--out", str(again)]) == 0
    assert sorted(p.name for p in again.iterdir()) == ["sales.xlsx"]


def test_a_low_bid_case_from_the_request_to_the_rejection(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def low_bid(*args: str) -> int:
        return main(["low-bid", str(folder), "quillpoint", *args, "--by", "Mei"])

    assert low_bid("--ask", "explain the licence price") == 2
    assert "issue the RFP first" in capsys.readouterr().err
    main(["issue", str(folder), "--by", "Mei"])
    assert low_bid("--accept", "fine") == 2
    assert "ask the vendor to explain its price first (--ask)" in capsys.readouterr().err
    assert low_bid("--ask", "explain the licence price") == 0
    assert "quillpoint's low-bid case: asked, not yet explained" in capsys.readouterr().out
    assert low_bid("--accept", "fine") == 2
    assert "a bid is accepted on its explanation" in capsys.readouterr().err
    assert low_bid("--reject", "no explanation by the deadline of 2026-10-20") == 0
    out = capsys.readouterr().out
    assert "eliminated quillpoint: no explanation by the deadline of 2026-10-20" in out
    assert low_bid("--explanation", "late letter") == 2
    assert "decided already (rejected)" in capsys.readouterr().err
    steps = [e.data["step"] for e in read_record(folder).of(Event.LOW_BID)]
    assert steps == ["ask", "reject"]
    _declare_all(folder)
    assert main(["scoring-sheets", str(folder), "--out", str(tmp_path / "s")]) == 0
    packs = sorted(p.stem for p in (tmp_path / "s" / "scripts").iterdir())
    assert "quillpoint" not in packs
    assert len(packs) == 5
