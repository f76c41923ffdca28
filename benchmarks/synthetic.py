"""Synthetic tenders for the benchmarks, built through the public API only.

``tender(size)`` returns a fictional but realistic-looking :class:`crmselect.Evaluation`:

* leaf criteria in groups of eight under top-level groups (weights drawn once per seed);
* requirements spread round-robin over the leaves, MoSCoW priorities in turn, one
  mandatory requirement in 250 (two vendors fail the first one: knock-outs);
* every vendor answers every requirement (a gap in 200 non-mandatory answers, a comment
  on every fifth answer), with a vendor-specific quality driving its compliance levels;
* ``scripts`` demo scripts that together cover every leaf criterion once, and
  ``evaluators`` evaluators who score every vendor × script × criterion on the 0–5 scale in
  half points (a note on one score in ten).

The issue-21 sizes are :data:`TYPICAL` (10 vendors × 500 requirements × 5 evaluators) and
:data:`UPPER` (50 vendors × 5,000 requirements under 80 leaves, 10 scripts, 50 evaluators:
250,000 responses and 200,000 demo scores).

    from synthetic import UPPER, tender   # benchmarks/ is on sys.path when a script there runs
    evaluation = tender(UPPER)
"""

from __future__ import annotations

import attrs
import numpy as np

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

LEVELS = ("out_of_box", "configuration", "customisation", "third_party", "roadmap", "not_supported")
LEAVES_PER_GROUP = 8


@attrs.frozen
class Size:
    """How large a synthetic tender is."""

    vendors: int
    requirements: int
    evaluators: int
    leaves: int = 80
    scripts: int = 10

    def label(self) -> str:
        """``"50 v × 5,000 r × 50 e"``."""
        return f"{self.vendors} v × {self.requirements:,} r × {self.evaluators} e"

    def scaled(self, **factors: float) -> Size:
        """This size with some dimensions multiplied, e.g. ``scaled(vendors=2)``."""
        return attrs.evolve(self, **{k: round(getattr(self, k) * f) for k, f in factors.items()})


TYPICAL = Size(vendors=10, requirements=500, evaluators=5, leaves=40, scripts=5)
UPPER = Size(vendors=50, requirements=5_000, evaluators=50)


def _criteria(size: Size, rng: np.random.Generator) -> list[Criterion]:
    groups = max(1, size.leaves // LEAVES_PER_GROUP)
    per_group = [size.leaves // groups + (g < size.leaves % groups) for g in range(groups)]
    return [
        Criterion(
            f"g{g}",
            f"Group {g}",
            weight=float(rng.integers(5, 30)),
            children=[
                Criterion(f"g{g}.c{c}", f"Criterion {g}.{c}", weight=float(rng.integers(1, 10)))
                for c in range(count)
            ],
        )
        for g, count in enumerate(per_group)
    ]


def _responses(
    size: Size,
    requirements: list[Requirement],
    vendors: list[Vendor],
    quality: np.ndarray,
    rng: np.random.Generator,
) -> list[Response]:
    responses = []
    for j, vendor in enumerate(vendors):
        draws = rng.random(len(requirements))
        for i, requirement in enumerate(requirements):
            level = min(int((1 - quality[j]) * 10 * draws[i]), 5)
            if requirement.mandatory:
                level = 5 if j in (3, 17) and i == 0 else min(level, 3)
            gap = not requirement.mandatory and draws[i] > 0.995
            comment = "See the attached configuration guide, chapter 4." if i % 5 == 0 else ""
            responses.append(
                Response(vendor.id, requirement.id, None if gap else LEVELS[level], comment)
            )
    return responses


def _demo_scores(
    scripts: list[DemoScript],
    evaluators: list[Evaluator],
    vendors: list[Vendor],
    quality: np.ndarray,
    rng: np.random.Generator,
) -> list[DemoScore]:
    cells = [(j, s, c) for j in range(len(vendors)) for s in scripts for c in s.criteria]
    values = np.clip(
        np.round(
            rng.normal(5 * quality[[j for j, _, _ in cells]], 0.8, (len(evaluators), len(cells)))
            * 2
        )
        / 2,
        0,
        5,
    )
    notes = rng.random(values.shape) < 0.1
    return [
        DemoScore(
            e.id,
            vendors[j].id,
            s.id,
            c,
            float(values[k, n]),
            "Smooth, as scripted." if notes[k, n] else "",
        )
        for k, e in enumerate(evaluators)
        for n, (j, s, c) in enumerate(cells)
    ]


def tender(size: Size, seed: int = 1) -> Evaluation:
    """A synthetic tender of ``size`` (fictional; the same for the same seed)."""
    rng = np.random.default_rng(seed)
    criteria = _criteria(size, rng)
    leaves = [c.id for g in criteria for c in g.children]
    requirements = [
        Requirement(
            f"R{i:05d}",
            f"The system supports business capability number {i}, including its reports, "
            "its permissions and its audit trail.",
            leaves[i % len(leaves)],
            ("must", "should", "could")[i % 3],
            mandatory=i % 250 == 0,
        )
        for i in range(size.requirements)
    ]
    vendors = [Vendor(f"v{j:03d}", f"Vendor {j:03d} CRM") for j in range(size.vendors)]
    quality = rng.uniform(0.2, 0.9, size.vendors)
    per_script = -(-len(leaves) // size.scripts)
    scripts = [
        DemoScript(
            f"D{s:02d}", f"Scripted scenario {s}", leaves[per_script * s : per_script * (s + 1)]
        )
        for s in range(size.scripts)
        if leaves[per_script * s : per_script * (s + 1)]
    ]
    evaluators = [Evaluator(f"e{k:03d}", f"Evaluator {k}") for k in range(size.evaluators)]
    return Evaluation(
        name=f"Synthetic tender ({size.label()})",
        criteria=criteria,
        requirements=requirements,
        vendors=vendors,
        responses=_responses(size, requirements, vendors, quality, rng),
        evaluators=evaluators,
        demo_scripts=scripts,
        demo_scores=_demo_scores(scripts, evaluators, vendors, quality, rng),
    )
