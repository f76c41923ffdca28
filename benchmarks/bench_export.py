"""How long the comparison workbook takes for a large tender: 30 vendors × 1,500 requirements.

Synthesises an evaluation in code (30 leaf criteria under 6 groups, 1,500 requirements,
30 vendors answering all of them with a comment on every fifth answer and some gaps, two
knock-outs, 5 evaluators scoring 10 demo scripts), scores it, runs the robustness analyses
once, and then times :func:`crmselect.io.report.workbook.export_workbook` with every sheet.
Target: at most 5 s on a 2-core machine.

    python benchmarks/bench_export.py              # best and median of 3 exports
    python benchmarks/bench_export.py --breakdown  # time per sheet and for the save
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from openpyxl.workbook.workbook import Workbook

from crmselect import (
    Criterion,
    DemoScore,
    DemoScript,
    Evaluation,
    Evaluator,
    Requirement,
    Response,
    Vendor,
    robustness,
    score,
)
from crmselect.io.excel.xlsx import save_atomic
from crmselect.io.report.audit import write_audit
from crmselect.io.report.evidence import write_demos, write_requirements
from crmselect.io.report.robustness import write_robustness
from crmselect.io.report.scores import write_matrix, write_weights
from crmselect.io.report.workbook import export_workbook

N_VENDORS, N_REQUIREMENTS, N_GROUPS, LEAVES_PER_GROUP = 30, 1_500, 6, 5
N_EVALUATORS, N_SCRIPTS, TARGET_SECONDS = 5, 10, 5.0
LEVELS = ("out_of_box", "configuration", "customisation", "third_party", "roadmap", "not_supported")


def synthesise(seed: int = 1) -> Evaluation:
    """A large, realistic-looking tender (fictional)."""
    rng = np.random.default_rng(seed)
    criteria = [
        Criterion(
            f"g{g}",
            f"Group {g}",
            weight=float(rng.integers(5, 30)),
            children=[
                Criterion(f"g{g}.c{c}", f"Criterion {g}.{c}", weight=float(rng.integers(1, 10)))
                for c in range(LEAVES_PER_GROUP)
            ],
        )
        for g in range(N_GROUPS)
    ]
    leaves = [c.id for g in criteria for c in g.children]
    requirements = [
        Requirement(
            f"R{i:04d}",
            f"The system supports business capability number {i}, including its reports, "
            "its permissions and its audit trail.",
            leaves[i % len(leaves)],
            ("must", "should", "could")[i % 3],
            mandatory=i % 250 == 0,
        )
        for i in range(N_REQUIREMENTS)
    ]
    vendors = [Vendor(f"v{j:02d}", f"Vendor {j:02d} CRM") for j in range(N_VENDORS)]
    quality = rng.uniform(0.2, 0.9, N_VENDORS)
    responses = []
    for j, v in enumerate(vendors):
        draws = rng.random(N_REQUIREMENTS)
        for i, r in enumerate(requirements):
            level = min(int((1 - quality[j]) * 5 * draws[i] * 2), 5)
            if r.mandatory:
                level = 5 if j in (3, 17) and i == 0 else min(level, 4)
            answer = None if (not r.mandatory and draws[i] > 0.995) else LEVELS[level]
            comment = "See the attached configuration guide, chapter 4." if i % 5 == 0 else ""
            responses.append(Response(v.id, r.id, answer, comment))
    scripts = [
        DemoScript(f"D{s}", f"Scripted scenario {s}", leaves[3 * s : 3 * s + 3])
        for s in range(N_SCRIPTS)
    ]
    evaluators = [Evaluator(f"e{k}", f"Evaluator {k}") for k in range(N_EVALUATORS)]
    demo_scores = [
        DemoScore(
            e.id,
            v.id,
            s.id,
            c,
            float(np.clip(np.round(rng.normal(5 * quality[j], 0.8) * 2) / 2, 0, 5)),
            "Smooth, as scripted." if rng.random() < 0.1 else "",
        )
        for j, v in enumerate(vendors)
        for s in scripts
        for c in s.criteria
        for e in evaluators
    ]
    return Evaluation(
        name="Synthetic tender (benchmark)",
        criteria=criteria,
        requirements=requirements,
        vendors=vendors,
        responses=responses,
        evaluators=evaluators,
        demo_scripts=scripts,
        demo_scores=demo_scores,
    )


def breakdown(result: object, analyses: dict[str, object], folder: Path) -> None:
    """Time each sheet writer and the save, on one workbook."""
    from crmselect.io.report.robustness import headline
    from crmselect.io.report.workbook import _provenance, _write_summary

    wb = Workbook()
    sheets = {name: wb.create_sheet(name) for name in ("Summary", "Matrix", "Weights")}
    steps: list[tuple[str, float]] = []

    def timed(label: str, action: object) -> object:
        start = time.perf_counter()
        value = action()  # type: ignore[operator]
        steps.append((label, time.perf_counter() - start))
        return value

    weights = timed("Weights", lambda: write_weights(sheets["Weights"], result))  # type: ignore[arg-type]
    cells = timed("Matrix", lambda: write_matrix(sheets["Matrix"], result, weights))  # type: ignore[arg-type]
    timed("Requirements", lambda: write_requirements(wb.create_sheet("Requirements"), result))  # type: ignore[arg-type]
    timed("Demos", lambda: write_demos(wb.create_sheet("Demos"), result))  # type: ignore[arg-type]
    timed(
        "Robustness",
        lambda: write_robustness(wb.create_sheet("Robustness"), result, **analyses),  # type: ignore[arg-type]
    )
    provenance = _provenance(result, analyses["smaa"])  # type: ignore[arg-type]
    timed("Audit", lambda: write_audit(wb.create_sheet("Audit"), result, provenance, None))  # type: ignore[arg-type]
    timed(
        "Summary",
        lambda: _write_summary(
            sheets["Summary"],
            result,  # type: ignore[arg-type]
            cells,  # type: ignore[arg-type]
            headline(result, **analyses),  # type: ignore[arg-type]
            provenance,
        ),
    )
    timed("save", lambda: save_atomic(wb, folder / "breakdown.xlsx"))
    for label, seconds in steps:
        print(f"  {label:<13} {seconds:6.2f} s")
    print(f"  {'total':<13} {sum(s for _, s in steps):6.2f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--breakdown", action="store_true", help="time each sheet and the save")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    evaluation = synthesise()
    built = time.perf_counter() - start
    start = time.perf_counter()
    result = score(evaluation)
    scored = time.perf_counter() - start
    start = time.perf_counter()
    analyses: dict[str, object] = {
        "smaa": robustness.smaa(result, seed=1, progress=False),
        "stability": robustness.stability_intervals(result),
        "flips": robustness.flip_table(result),
    }
    analysed = time.perf_counter() - start
    print(
        f"{len(evaluation.vendors)} vendors × {len(evaluation.requirements):,} requirements, "
        f"{len(evaluation.leaves())} leaf criteria, {len(evaluation.demo_scores):,} demo scores, "
        f"{len(result.knocked_out)} knocked out"
    )
    print(
        f"build {built:.2f} s, score {scored:.2f} s, robustness {analysed:.2f} s (not timed below)"
    )
    times = []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(args.repeat):
            start = time.perf_counter()
            path = export_workbook(result, Path(folder) / "bench.xlsx", **analyses)  # type: ignore[arg-type]
            times.append(time.perf_counter() - start)
        size = path.stat().st_size
        verdict = "met" if min(times) <= TARGET_SECONDS else "MISSED"
        print(
            f"export_workbook: best {min(times):.2f} s, median {statistics.median(times):.2f} s "
            f"over {args.repeat} runs; {size / 1e6:.1f} MB "
            f"(target ≤ {TARGET_SECONDS:.0f} s: {verdict})"
        )
        if args.breakdown:
            breakdown(result, analyses, Path(folder))
    return 0


if __name__ == "__main__":
    sys.exit(main())
