"""Benchmark: ``crmselect.score`` with and without reference checks (issue 18 item 3).

Run:  cd benchmarks && python bench_references.py [--repeats N]

For the bundled example and the issue-21 TYPICAL synthetic tender, scores the evaluation as
it is (no ``references``: the reference blend is skipped) and with three reference calls per
vendor, each scoring ten leaf criteria, at share 0.2; prints the minimum wall time of
``--repeats`` runs of each. Timings never go into the unit tests.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import attrs
from synthetic import TYPICAL, tender

import crmselect
from crmselect.model import Evaluation
from crmselect.references import ReferenceCall, ReferenceQuestion, References, ReferenceScore


def with_references(evaluation: Evaluation, calls_per_vendor: int = 3) -> Evaluation:
    """``evaluation`` with ``calls_per_vendor`` calls per vendor scoring ten leaf criteria."""
    price = evaluation.price.criterion if evaluation.price is not None else None
    asked = [c.id for c in evaluation.leaves() if c.id != price][:10]
    calls = [
        ReferenceCall(f"{v}-{k}", v, "Head of Sales", "manufacturer", "Org", "Name")
        for v in evaluation.vendor_ids
        for k in range(calls_per_vendor)
    ]
    scores = [
        ReferenceScore(c.id, q, float((i + j) % 6))
        for i, c in enumerate(calls)
        for j, q in enumerate(asked)
    ]
    questions = [ReferenceQuestion(q, "?") for q in asked]
    return attrs.evolve(evaluation, references=References(questions, calls, scores, share=0.2))


def best(run: Callable[[], object], repeats: int) -> float:
    """The minimum wall time of ``repeats`` runs of ``run``."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    repeats = parser.parse_args().repeats
    cases = {"example": crmselect.example(), "TYPICAL": tender(TYPICAL)}
    for name, plain in cases.items():
        referenced = with_references(plain)
        refs = referenced.references
        assert refs is not None
        without = best(lambda e=plain: crmselect.score(e), repeats)
        within = best(lambda e=referenced: crmselect.score(e), repeats)
        print(
            f"{name}: {len(refs.calls)} calls, {len(refs.scores)} scores — score() "
            f"{without:.3f} s without references, {within:.3f} s with (min of {repeats})"
        )


if __name__ == "__main__":
    main()
