"""``crmselect evaluate --weight`` and ``--drop-evaluator``: a what-if, said so at the top
and the bottom of the report, never written as the award's files; and the leave-one-out
winners in every report (issue 20 item 3)."""

from __future__ import annotations

import attrs
import pytest

import crmselect
from crmselect.cli import main
from crmselect.record import eliminated
from crmselect.whatif_model import without_evaluator

pytestmark = pytest.mark.slow  # each runs the example end to end


def test_weights_given_are_a_what_if_with_the_others_rescaled(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = str(crmselect.example_path())
    assert (
        main(
            [
                "evaluate",
                path,
                "--weight",
                "commercial=30",
                "--weight",
                "functional=0.4",
                "--samples",
                "500",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("WHAT-IF — NOT THE AWARD BASIS")
    assert "weight of commercial: 11.8% → 30.0% of the total" in out
    assert "weight of vendor: 10.2% → 6.2% of the total" in out  # 30 % left, in proportion
    assert out.rstrip().endswith("(a WHAT-IF: this winner is not the award basis's)")
    assert "Winner: orbis" in out


def test_dropping_an_evaluator_scores_without_their_demo_scores(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = str(crmselect.example_path())
    assert main(["evaluate", path, "--drop-evaluator", "it", "--samples", "500"]) == 0
    out = capsys.readouterr().out
    assert "evaluator it left out (their demo scores not counted)" in out
    assert "4 evaluators" in out
    tender = crmselect.derive(crmselect.example_tender())
    gone = {v: e.reason for v, e in eliminated(tender.record).items()}
    fresh = crmselect.score(without_evaluator(tender.evaluation, "it"), eliminated=gone)
    assert f"Winner: {', '.join(fresh.winners)}" in out


def test_the_report_gives_the_winner_without_each_evaluator(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["evaluate", str(crmselect.example_path()), "--samples", "500"]) == 0
    out = capsys.readouterr().out
    section = out.split("== Without each evaluator (leave one out) ==\n")[1].split("\n\n")[0]
    assert section.startswith("orbis wins without any one evaluator.")
    for evaluator in ("sales", "marketing", "service", "it", "finance"):
        assert f"\n{evaluator} " in section
    assert "WHAT-IF" not in out


def test_a_what_if_refuses_bad_weights_and_output_files(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = str(crmselect.example_path())
    assert main(["evaluate", path, "--weight", "commercial=70", "--weight", "functional=50"]) == 2
    assert "add up to 120.0%" in capsys.readouterr().err
    assert main(["evaluate", path, "--weight", "comercial=30"]) == 2
    assert "not a criterion" in capsys.readouterr().err
    assert main(["evaluate", path, "--drop-evaluator", "nobody"]) == 2
    assert "no evaluator 'nobody'" in capsys.readouterr().err
    assert main(["evaluate", path, "--weight", "commercial=30", "--out", "x.xlsx"]) == 2
    assert "is printed only" in capsys.readouterr().err


def test_the_leave_one_out_section_is_left_out_for_a_single_evaluator() -> None:
    from crmselect.report.text import full_report, leave_one_out_report

    evaluation = crmselect.example()
    alone = attrs.evolve(
        evaluation, demo_scores=[d for d in evaluation.demo_scores if d.evaluator == "it"]
    )
    result = crmselect.score(alone)
    assert leave_one_out_report(result) == ""
    assert "leave one out" not in full_report(result)
