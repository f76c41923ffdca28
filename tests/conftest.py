"""Shared fixtures: a small, hand-checkable evaluation, in code and as a folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from crmselect import (
    Criterion,
    DemoScore,
    DemoScript,
    Evaluation,
    Evaluator,
    Requirement,
    Response,
    Vendor,
)

# CI runs the property tests derandomized (HYPOTHESIS_PROFILE=ci in .ci/run), so that main
# stays green on a fixed set of examples; locally they explore new examples on every run.
# No deadline in CI: a slow example on a loaded machine is not a failure (speed is measured
# in benchmarks/, never by a unit test).
settings.register_profile("ci", derandomize=True, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

MINIMAL_YAML = """\
schema: crmselect.evaluation/1
name: Minimal tender
criteria:
  - id: A
    weight: 3
    children:
      - {id: a1, weight: 1}
      - {id: a2, weight: 2}
  - {id: b, weight: 1}
requirements:
  - {id: R1, criterion: a1, priority: must, text: Accounts and contacts}
  - {id: R2, criterion: a1, priority: could, text: Territory management}
  - {id: R3, criterion: a2, priority: should, mandatory: true, text: EU data residency}
  - {id: R4, criterion: b, priority: should, text: Offline mobile use}
vendors:
  - {id: x, name: Xylo CRM, offering: suite, deployment: [saas], access: [browser]}
  - {id: y, name: Yarrow Sales, offering: point, deployment: [on-premise], licensing: [perpetual]}
  - {id: z, name: Zephyr, deployment: [hosted]}
evaluators:
  - {id: e1, name: Evaluator One}
  - {id: e2, name: Evaluator Two}
demo_scripts:
  - {id: D, title: Offline scenario, criteria: [b]}
scoring:
  demo_share: 0.5
responses: responses.csv
demo_scores: demo_scores.csv
"""

MINIMAL_RESPONSES = """\
vendor,requirement,compliance,comment
x,R1,out_of_box,
x,R2,not_supported,
x,R3,configuration,
x,R4,roadmap,next year
y,R1,customisation,
y,R2,,
y,R3,Fully supported out of the box,
y,R4,third party,via add-on
z,R1,oob,
z,R2,out_of_box,
z,R3,not_supported,no EU region
z,R4,out_of_box,
"""

MINIMAL_DEMO_SCORES = """\
evaluator,vendor,script,criterion,score,note
e1,x,D,b,4,
e2,x,D,b,5,
e1,y,D,b,2,
e2,y,D,b,,left early
"""


def write_minimal(
    folder: Path,
    yaml_text: str = MINIMAL_YAML,
    responses: str = MINIMAL_RESPONSES,
    demo_scores: str = MINIMAL_DEMO_SCORES,
) -> Path:
    """Write the minimal evaluation folder and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "evaluation.yaml").write_text(yaml_text, encoding="utf-8")
    (folder / "responses.csv").write_text(responses, encoding="utf-8")
    (folder / "demo_scores.csv").write_text(demo_scores, encoding="utf-8")
    return folder


@pytest.fixture
def minimal_folder(tmp_path: Path) -> Path:
    return write_minimal(tmp_path / "minimal")


def minimal_evaluation(**changes: object) -> Evaluation:
    """The same minimal evaluation built in code (no files)."""
    parts: dict[str, object] = {
        "name": "Minimal tender",
        "criteria": [
            Criterion(
                "A", weight=3, children=[Criterion("a1", weight=1), Criterion("a2", weight=2)]
            ),
            Criterion("b", weight=1),
        ],
        "requirements": [
            Requirement("R1", "Accounts and contacts", "a1", "must"),
            Requirement("R2", "Territory management", "a1", "could"),
            Requirement("R3", "EU data residency", "a2", "should", mandatory=True),
            Requirement("R4", "Offline mobile use", "b", "should"),
        ],
        "vendors": [
            Vendor("x", "Xylo CRM"),
            Vendor("y", "Yarrow Sales", "point"),
            Vendor("z", "Zephyr"),
        ],
        "responses": [
            Response("x", "R1", "out_of_box"),
            Response("x", "R2", "not_supported"),
            Response("x", "R3", "configuration"),
            Response("x", "R4", "roadmap"),
            Response("y", "R1", "customisation"),
            Response("y", "R2", None),
            Response("y", "R3", "out_of_box"),
            Response("y", "R4", "third_party"),
            Response("z", "R1", "out_of_box"),
            Response("z", "R2", "out_of_box"),
            Response("z", "R3", "not_supported"),
            Response("z", "R4", "out_of_box"),
        ],
    }
    parts.update(changes)
    return Evaluation(**parts)  # type: ignore[arg-type]


def with_demo(**changes: object) -> Evaluation:
    """The minimal evaluation plus one demo script on ``b`` scored by two evaluators."""
    from crmselect import ScoringPolicy

    return minimal_evaluation(
        evaluators=[Evaluator("e1"), Evaluator("e2")],
        demo_scripts=[DemoScript("D", "Offline scenario", ["b"])],
        demo_scores=[
            DemoScore("e1", "x", "D", "b", 4),
            DemoScore("e2", "x", "D", "b", 5),
            DemoScore("e1", "y", "D", "b", 2),
            DemoScore("e2", "y", "D", "b", None),
        ],
        policy=ScoringPolicy(demo_share=0.5),
        **changes,
    )


@pytest.fixture(autouse=True)
def _work_in_a_temporary_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every test from an empty folder, so that commands writing to the current folder
    (``crmselect demo`` leaves its workbook there) never touch the repository."""
    monkeypatch.chdir(tmp_path)
