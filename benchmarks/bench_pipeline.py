"""Benchmark: the whole pipeline on the issue-21 synthetic tenders, stage by stage.

Builds :data:`synthetic.TYPICAL` (10 v × 500 r × 5 e) and :data:`synthetic.UPPER`
(50 v × 5,000 r × 50 e) through the public API and times every stage of issue 21's table:

=========  ==============================================================================
build      ``Evaluation(...)`` from the tender's inputs (``attrs.evolve``: every check runs)
score      ``crmselect.score(evaluation)``
analyse    ``crmselect.analyse(evaluation, n_samples=10_000)``: SMAA, panel, stability, flips
bootstrap  ``consensus.panel_bootstrap(panel_scores(evaluation), 1_000)`` (the panel given)
load       ``crmselect.load_tender(folder)`` of the folder ``save_evaluation`` wrote
export     ``crmselect.export_workbook`` with the analysis (SMAA, stability, flips)
template   ``rfp.write_template`` for one vendor
import     ``rfp.read_response`` of that template filled in (every answer, comments)
startup    ``python -c "import crmselect"`` in a fresh interpreter (wall time)
demo       ``crmselect demo`` in a fresh interpreter and an empty folder (wall time)
=========  ==============================================================================

Every in-process stage runs on a fresh copy of its inputs (``attrs.evolve`` of the
evaluation, untimed), so that a result cached on the frozen object by an earlier repeat is
never reused. Times are the min and median of ``--repeat`` runs (a stage whose first run
takes over 20 s runs once), wall time and CPU time (every thread of the process, or the
child's: what a shared machine's load distorts least). **Peak memory** of an in-process
stage is the growth of the process's peak resident set during its first run: ``VmHWM`` after
the stage minus ``VmRSS`` before it, with the peak reset through ``/proc/self/clear_refs``
(Linux; numpy's and C libraries' memory included, nothing slowed down — memory the allocator
kept from an earlier stage is reused, so it is a lower bound); of a fresh interpreter, its
own ``VmHWM``.

In the same run the script reports ``score`` against a **bare numpy baseline** that computes
the same totals from the same integer-coded arrays (the answer and demo-score codes are
extracted once, untimed): requirement scores by fancy indexing, MoSCoW-weighted means per
leaf with ``np.add.reduceat``, panel means with ``np.bincount``, the demo blend, ``P @ w``;
the baseline's totals must equal ``score``'s within 1e-9 or the ratio is not reported.
Target: ``score`` ≤ 3 × the baseline, judged like for like: ``score`` on an evaluation it
has scored before, which starts, as the baseline does, from its arrays (the coded answers and
demo scores, the panel and the requirement layout, kept on the frozen evaluation). The ratio
of ``score`` on a fresh evaluation, whose arrays are built from the answer and score objects
inside the timing, is printed beside it with the baseline's own (untimed) extraction.

The **scaling exponent** of every size-dependent stage in vendors, requirements and
evaluators is the slope of log t against log n over the base size and the base size with
that dimension multiplied by each ``--factors``, fitted to the min CPU time of
``--scaling-repeat`` runs per size (target ≤ 1.1).

    cd benchmarks
    python bench_pipeline.py --quick                 # a few minutes: UPPER at 20 v × 2,000 r × 20 e
    python bench_pipeline.py --size upper --json after.json --compare before.json
    python bench_pipeline.py --stages score,analyse --repeat 5 --scaling-base none

The targets are issue 21's, for the upper end (and for start-up): with ``--quick`` or
``--size typical`` the verdicts are indicative only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import attrs
import numpy as np
import numpy.typing as npt
import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import TYPICAL, UPPER, Size, tender

import crmselect
from crmselect import Evaluation, MissingPolicy, consensus, rfp
from crmselect.scoring import demo_shares, effective_priorities, panel_scores

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

QUICK_UPPER = UPPER.scaled(vendors=0.4, requirements=0.4, evaluators=0.4)
"""``--quick``'s upper size: 20 v × 2,000 r × 20 e (80 leaves, 10 scripts)."""
SIZES = {"typical": TYPICAL, "upper": UPPER}
SAMPLES, PANEL_DRAWS, SEED = 10_000, 1_000, 1
ONCE_ABOVE = 20.0
"""A stage whose first run takes longer than this many seconds is not repeated."""
TOLERANCE = 1e-9
BASELINE_TARGET, EXPONENT_TARGET = 3.0, 1.1
DIMENSIONS = ("vendors", "requirements", "evaluators")
COMMENT = "Standard feature; see the administration guide."


@attrs.frozen
class Stage:
    """One row of the table: how to prepare its inputs (untimed) and what is timed."""

    name: str
    label: str
    target: float | None
    prepare: Callable[[Context], Any]
    run: Callable[[Any], object]
    scales: bool = True
    """Whether the stage depends on the tender's size (start-up and demo do not)."""


@attrs.frozen
class Timing:
    """The runs of one stage: wall and CPU seconds of every run, and the peak memory of the
    first. CPU time (every thread of the process, or of the child) is what a loaded machine
    distorts least; a stage on several threads has more CPU than wall time."""

    times: tuple[float, ...]
    cpu: tuple[float, ...]
    peak_mib: float | None
    memory: str

    @property
    def best(self) -> float:
        return min(self.times)

    @property
    def cpu_best(self) -> float:
        return min(self.cpu)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    def as_dict(self) -> dict[str, Any]:
        return {
            "min": self.best,
            "median": self.median,
            "times": list(self.times),
            "cpu_min": self.cpu_best,
            "cpu": list(self.cpu),
            "peak_mib": self.peak_mib,
            "memory": self.memory,
        }


class Context:
    """What the stages of one size need, built on first use and kept (untimed)."""

    def __init__(self, size: Size, folder: Path) -> None:
        self.size = size
        self.folder = folder
        self.count = 0
        self._evaluation: Evaluation | None = None
        self.outputs: dict[str, object] = {}
        """Stage name → what its last run returned."""
        self._saved: Path | None = None
        self._filled: Path | None = None
        self.key = rfp.TenderKey.generate()

    def path(self, name: str) -> Path:
        """A new file name in the folder (every repeat writes a file of its own)."""
        self.count += 1
        return self.folder / f"{self.count:03d}-{name}"

    @property
    def evaluation(self) -> Evaluation:
        if self._evaluation is None:
            self._evaluation = tender(self.size)
        return self._evaluation

    def fresh(self) -> Evaluation:
        """A new :class:`Evaluation` equal to :attr:`evaluation`, with nothing cached."""
        return attrs.evolve(self.evaluation)

    @property
    def analysis(self) -> crmselect.Analysis:
        """The ``analyse`` stage's last result, else one made now."""
        if "analyse" not in self.outputs:
            self.outputs["analyse"] = crmselect.analyse(self.fresh(), n_samples=SAMPLES, seed=SEED)
        return cast(crmselect.Analysis, self.outputs["analyse"])

    @property
    def result(self) -> crmselect.ScoreResult:
        """The ``score`` stage's last result, else one made now."""
        if "score" not in self.outputs:
            self.outputs["score"] = crmselect.score(self.fresh())
        return cast(crmselect.ScoreResult, self.outputs["score"])

    @property
    def saved(self) -> Path:
        if self._saved is None:
            crmselect.save_evaluation(self.evaluation, self.folder / "tender")
            self._saved = self.folder / "tender"
        return self._saved

    @property
    def filled(self) -> Path:
        """One vendor's template with every answer and every second comment filled in."""
        if self._filled is None:
            evaluation = self.evaluation
            path = rfp.write_template(
                evaluation, evaluation.vendors[0].id, self.path("to-fill.xlsx"), key=self.key
            )
            labels = [level.label for level in evaluation.scale.levels]
            book = openpyxl.load_workbook(path)
            sheet = book["Requirements"]
            for row in range(2, len(evaluation.requirements) + 2):
                sheet.cell(row=row, column=6).value = labels[row % len(labels)]
                if row % 2:
                    sheet.cell(row=row, column=7).value = COMMENT
            book.save(path)
            self._filled = path
        return self._filled


def _child_env() -> dict[str, str]:
    """The environment of a fresh interpreter: the crmselect this script imported first on
    its path (a worktree, not the venv's editable install)."""
    root = str(Path(crmselect.__file__).resolve().parents[1])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([root, *filter(None, [env.get("PYTHONPATH")])])
    return env


PEAK = (
    "from pathlib import Path\n"
    "import os\n"
    "Path(os.environ['BENCH_PEAK']).write_text(\n"
    "    next(line for line in open('/proc/self/status') if line.startswith('VmHWM'))\n"
    ")\n"
)
"""The child's last lines: its own ``VmHWM`` into the file ``$BENCH_PEAK`` (the rusage of a
child started by ``fork`` counts the parent's pages it held before ``exec``)."""
STARTUP = f"import crmselect\n{PEAK}"
DEMO = f"import sys\nfrom crmselect.cli import main\nstatus = main(['demo'])\n{PEAK}"
DEMO += "sys.exit(status)"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run_child(code: str, cwd: Path) -> tuple[float, float, float]:
    """Seconds (wall, start-up included), CPU seconds and peak resident MiB of a fresh
    interpreter running ``code`` in ``cwd``."""
    peak = cwd / "peak.txt"
    env = {**_child_env(), "BENCH_PEAK": str(peak)}
    cpu, start = _children_cpu(), time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True
    )
    elapsed, cpu = time.perf_counter() - start, _children_cpu() - cpu
    if done.returncode != 0:
        raise RuntimeError(f"{code!r} failed:\n{done.stderr}")
    return elapsed, cpu, int(peak.read_text().split()[1]) / 1024


def _child_folder(ctx: Context) -> Path:
    """An empty folder for a fresh interpreter to run in (``crmselect demo`` writes its
    workbook there)."""
    folder = ctx.path("child")
    folder.mkdir()
    return folder


STAGES = (
    Stage("build", "build Evaluation", 0.3, lambda c: c.evaluation, attrs.evolve),
    Stage("score", "score", 0.5, lambda c: c.fresh(), crmselect.score),
    Stage(
        "analyse",
        "analyse (10k SMAA, panel, flips)",
        3.0,
        lambda c: c.fresh(),
        lambda e: crmselect.analyse(e, n_samples=SAMPLES, seed=SEED),
    ),
    Stage(
        "bootstrap",
        "panel bootstrap (1,000 draws)",
        1.5,
        lambda c: panel_scores(c.fresh()),
        lambda panel: consensus.panel_bootstrap(panel, PANEL_DRAWS, seed=SEED),
    ),
    Stage("load", "load the folder", 2.0, lambda c: c.saved, crmselect.load_tender),
    Stage(
        "export",
        "export_workbook",
        8.0,
        lambda c: (c.analysis, c.path("report.xlsx")),
        lambda a: crmselect.export_workbook(
            a[0].result, a[1], smaa=a[0].smaa, stability=a[0].stability, flips=a[0].flips
        ),
    ),
    Stage(
        "template",
        "one RFP template",
        1.5,
        lambda c: (c.fresh(), c.path("template.xlsx"), c.key),
        lambda a: rfp.write_template(a[0], a[0].vendors[0].id, a[1], key=a[2]),
    ),
    Stage(
        "import",
        "one RFP import",
        1.5,
        lambda c: (c.filled, c.fresh(), c.key),
        lambda a: rfp.read_response(a[0], a[1], key=a[2], vendor=a[1].vendors[0].id),
    ),
    Stage(
        "startup",
        "import crmselect (subprocess, wall)",
        0.4,
        _child_folder,
        lambda folder: _run_child(STARTUP, folder),
        scales=False,
    ),
    Stage(
        "demo",
        "crmselect demo (cold subprocess, wall)",
        2.0,
        _child_folder,
        lambda folder: _run_child(DEMO, folder),
        scales=False,
    ),
)
STAGE_NAMES = tuple(s.name for s in STAGES)


def _status() -> dict[str, int]:
    """``VmRSS`` and ``VmHWM`` of this process, in KiB."""
    found = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0])
    return found


def _can_reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


@contextmanager
def _peak() -> Iterator[list[float]]:
    """Yields a list that holds, afterwards, the growth of the peak resident set (MiB).

    Linux keeps each thread's resident-page count apart and folds it into the process's
    (``VmRSS``, ``VmHWM``) now and then, so a stage that allocates nothing can read a few
    pages below ``before``: the growth is at least zero."""
    box: list[float] = []
    if not _can_reset_peak():
        yield box
        return
    before = _status()["VmRSS"]
    yield box
    box.append(max(0, _status()["VmHWM"] - before) / 1024)


def measure(stage: Stage, ctx: Context, repeat: int) -> Timing:
    """Run ``stage`` ``repeat`` times on fresh inputs (once if the first run is slow)."""
    times: list[float] = []
    cpu: list[float] = []
    peak: float | None = None
    memory = "VmHWM growth" if stage.scales else "child VmHWM"
    for n in range(repeat):
        inputs = stage.prepare(ctx)
        with _peak() as box:
            used, start = time.process_time(), time.perf_counter()
            out = stage.run(inputs)
            elapsed, used = time.perf_counter() - start, time.process_time() - used
        ctx.outputs[stage.name] = out
        if not stage.scales:  # a fresh interpreter: its own times and peak
            elapsed, used, child_peak = cast(tuple[float, float, float], out)
            box = [child_peak]
        times.append(elapsed)
        cpu.append(used)
        if n == 0:
            peak = box[0] if box else None
            if elapsed > ONCE_ABOVE:
                break
    return Timing(tuple(times), tuple(cpu), peak, memory if peak is not None else "n/a")


# --- the bare numpy baseline of `score` ------------------------------------------------


@attrs.frozen
class Arrays:
    """The evaluation as integer codes and numbers (extracted once, untimed)."""

    shape: tuple[int, int, int, int]
    """vendors, requirements, scripts, leaves"""
    answer_cell: IntArray
    """flat vendor × requirement index of every answer with a compliance level"""
    answer_score: FloatArray
    order: IntArray
    """the requirements sorted by leaf (stable)"""
    starts: IntArray
    """where each leaf that has requirements starts in :attr:`order`"""
    with_requirements: IntArray
    """the leaves that have requirements (the columns :attr:`starts` fills)"""
    priority: FloatArray
    """the MoSCoW weight of every requirement (after the process uplift)"""
    demo_item: IntArray
    """flat vendor × script × leaf index of every demo score given"""
    demo_value: FloatArray
    share: FloatArray
    weights: FloatArray
    zero: bool


def extract(evaluation: Evaluation) -> Arrays:
    """:class:`Arrays` of ``evaluation`` (default demo aggregation: the panel's mean)."""
    vendors = {v: j for j, v in enumerate(evaluation.vendor_ids)}
    requirements = {r.id: i for i, r in enumerate(evaluation.requirements)}
    leaves = [c.id for c in evaluation.leaves()]
    leaf = {c: k for k, c in enumerate(leaves)}
    scripts = {s.id: n for n, s in enumerate(evaluation.demo_scripts)}
    answered = [a for a in evaluation.responses if a.compliance is not None]
    req_leaf = np.array([leaf[r.criterion] for r in evaluation.requirements], dtype=np.int64)
    order = np.argsort(req_leaf, kind="stable")
    present, starts = np.unique(req_leaf[order], return_index=True)
    weights_of = evaluation.policy.priority_weights
    effective = effective_priorities(evaluation)
    given = [d for d in evaluation.demo_scores if d.score is not None]
    shape = (len(vendors), len(requirements), len(scripts), len(leaves))
    return Arrays(
        shape=shape,
        answer_cell=np.array(
            [vendors[a.vendor] * shape[1] + requirements[a.requirement] for a in answered],
            dtype=np.int64,
        ),
        answer_score=np.array([evaluation.scale.score(a.compliance) for a in answered]),  # type: ignore[arg-type]
        order=order,
        starts=starts.astype(np.int64),
        with_requirements=present,
        priority=np.array([weights_of[effective[r.id]] for r in evaluation.requirements]),
        demo_item=np.array(
            [
                (vendors[d.vendor] * shape[2] + scripts[d.script]) * shape[3] + leaf[d.criterion]
                for d in given
            ],
            dtype=np.int64,
        ),
        demo_value=np.array([evaluation.demo_scale.normalise(d.score) for d in given]),  # type: ignore[arg-type]
        share=demo_shares(evaluation).reindex(leaves).to_numpy(dtype=float),
        weights=crmselect.global_weights(evaluation.criteria).reindex(leaves).to_numpy(),
        zero=evaluation.policy.missing is MissingPolicy.ZERO,
    )


def _rfp_part(x: Arrays) -> FloatArray:
    """Formula 3: ``Σ p_r a_vr / Σ p_r`` per leaf, by ``np.add.reduceat`` over the
    requirements sorted by leaf (NaN where a leaf has no weighted requirement)."""
    v, r, _, c = x.shape
    a = np.full(v * r, np.nan)
    a[x.answer_cell] = x.answer_score
    a = a.reshape(v, r)[:, x.order]
    known = ~np.isnan(a)
    p = x.priority[x.order]
    numerator = np.add.reduceat(np.where(known, a, 0.0) * p, x.starts, axis=1)
    if x.zero:
        denominator = np.broadcast_to(np.add.reduceat(p, x.starts), numerator.shape)
    else:
        denominator = np.add.reduceat(known * p, x.starts, axis=1)
    has_weight = np.add.reduceat(p, x.starts) > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        part = np.where(denominator > 0, numerator / denominator, 0.0)
    part[:, ~has_weight] = np.nan
    rfp_scores = np.full((v, c), np.nan)
    rfp_scores[:, x.with_requirements] = part
    return rfp_scores


def _demo_part(x: Arrays) -> FloatArray:
    """Formula 4 with the default aggregation: the panel's mean per (vendor, script, leaf)
    by ``np.bincount``, then the mean over the scripts that have one."""
    v, _, s, c = x.shape
    cells = v * s * c
    sums = np.bincount(x.demo_item, x.demo_value, minlength=cells)
    counts = np.bincount(x.demo_item, minlength=cells)
    with np.errstate(invalid="ignore", divide="ignore"):
        items = (sums / counts).reshape(v, s, c)
    known = ~np.isnan(items)
    scripts = known.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(scripts > 0, np.where(known, items, 0.0).sum(axis=1) / scripts, np.nan)


def baseline_totals(x: Arrays) -> FloatArray:
    """The totals ``T = P @ w`` of formulas 3–6 from :class:`Arrays`."""
    rfp_scores, demo = _rfp_part(x), _demo_part(x)
    rfp_known, demo_known = ~np.isnan(rfp_scores), ~np.isnan(demo)
    rfp0, demo0 = np.where(rfp_known, rfp_scores, 0.0), np.where(demo_known, demo, 0.0)
    if x.zero:
        blended = (1 - x.share) * rfp0 + x.share * demo0
    else:
        rfp_w, demo_w = (1 - x.share) * rfp_known, x.share * demo_known
        total = rfp_w + demo_w
        with np.errstate(invalid="ignore", divide="ignore"):
            blended = np.where(total > 0, (rfp_w * rfp0 + demo_w * demo0) / total, 0.0)
    performance: FloatArray = np.clip(blended, 0.0, 1.0)
    totals: FloatArray = performance @ x.weights
    return totals


def baseline(ctx: Context, score_timing: Timing, repeat: int) -> dict[str, Any]:
    """``score`` against :func:`baseline_totals` on the same tender, checked equal."""
    evaluation = ctx.evaluation
    if evaluation.price is not None or evaluation.policy.demo_aggregation.method != "mean":
        return {"skipped": "the baseline covers the default aggregation and no price"}
    start = time.perf_counter()
    arrays = extract(evaluation)
    extraction = time.perf_counter() - start
    times, cpu = [], []
    for _ in range(max(repeat, 5)):
        used, start = time.process_time(), time.perf_counter()
        totals = baseline_totals(arrays)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - used)
    expected = ctx.result.totals.reindex(evaluation.vendor_ids).to_numpy()
    difference = float(np.max(np.abs(totals - expected)))
    equal = difference <= TOLERANCE
    warm, warm_cpu = _warm_score(evaluation, score_timing, repeat)
    return {
        "score_warm_min": warm,
        "score_warm_cpu_min": warm_cpu,
        "ratio_warm": warm / min(times) if equal and warm is not None else None,
        "ratio_warm_cpu": (
            warm_cpu / max(min(cpu), 1e-9) if equal and warm_cpu is not None else None
        ),
        "baseline_min": min(times),
        "baseline_cpu_min": min(cpu),
        "extraction": extraction,
        "max_difference": difference,
        "equal": equal,
        "ratio": score_timing.best / min(times) if equal else None,
        "ratio_cpu": score_timing.cpu_best / max(min(cpu), 1e-9) if equal else None,
    }


def _warm_score(evaluation: Evaluation, cold: Timing, repeat: int) -> tuple[float | None, ...]:
    """Min wall and CPU time of ``score`` on an :class:`Evaluation` it has scored before
    (what it keeps on the frozen object reused: the coded arrays, the panel, the requirement
    layout); ``None`` when a cold score takes over :data:`ONCE_ABOVE` seconds (then warm is
    cold, or not worth minutes)."""
    if cold.best > ONCE_ABOVE:
        return None, None
    crmselect.score(evaluation)
    times, cpu = [], []
    for _ in range(max(repeat, 5)):
        used, start = time.process_time(), time.perf_counter()
        crmselect.score(evaluation)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - used)
    return min(times), min(cpu)


# --- scaling -------------------------------------------------------------------------


def exponent(sizes: Sequence[int], seconds: Sequence[float]) -> float:
    """The slope of log t against log n (least squares over the sizes)."""
    slope, _ = np.polyfit(np.log(sizes), np.log(seconds), 1)
    return float(slope)


def scaling(
    base: Size, factors: Sequence[float], stages: Sequence[Stage], folder: Path, repeat: int
) -> dict[str, dict[str, dict[str, float]]]:
    """Stage → ``cpu``/``wall`` → dimension → exponent, fitted to the min of ``repeat`` runs
    per size (the base size measured once for every dimension)."""
    timed = [s for s in stages if s.scales]
    base_times = _times_at(base, timed, folder / "base", repeat)
    found: dict[str, dict[str, dict[str, float]]] = {s.name: {"cpu": {}, "wall": {}} for s in timed}
    for dimension in DIMENSIONS:
        sizes = [getattr(base, dimension)]
        runs = {s.name: [base_times[s.name]] for s in timed}
        for factor in factors:
            size = base.scaled(**{dimension: factor})
            sizes.append(getattr(size, dimension))
            at = _times_at(size, timed, folder / f"{dimension}-{factor:g}", repeat)
            for name, timing in at.items():
                runs[name].append(timing)
        for name, timings in runs.items():
            found[name]["cpu"][dimension] = exponent(sizes, [t.cpu_best for t in timings])
            found[name]["wall"][dimension] = exponent(sizes, [t.best for t in timings])
    return found


def _times_at(size: Size, stages: Sequence[Stage], folder: Path, repeat: int) -> dict[str, Timing]:
    folder.mkdir(parents=True)
    ctx = Context(size, folder)
    out = {}
    for stage in stages:
        t = out[stage.name] = measure(stage, ctx, repeat)
        print(
            f"  scaling {size.label():28s} {stage.name:10s} {_seconds(t.best):>9s} "
            f"(CPU {_seconds(t.cpu_best)})",
            flush=True,
        )
    return out


# --- the table -----------------------------------------------------------------------


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def _verdict(stage: Stage, seconds: float, judged: bool) -> str:
    if stage.target is None or not judged:
        return ""
    return "met" if seconds <= stage.target else "MISSED"


def _seconds(value: float) -> str:
    return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"


def table(
    label: str,
    timings: dict[str, Timing],
    judged: bool,
    before: dict[str, Any] | None,
) -> str:
    """The stages of one size as a Markdown table (with the ``--compare`` run's min)."""
    head = "| stage | min | median | CPU (min) | runs | peak MiB | target | verdict |"
    rule = "|---|---:|---:|---:|---:|---:|---:|---|"
    if before is not None:
        head += " before: min | CPU | speed-up (min, CPU) |"
        rule += "---:|---:|---:|"
    lines = [f"### {label}", "", head, rule]
    for stage in STAGES:
        if stage.name not in timings:
            continue
        t = timings[stage.name]
        peak = f"{t.peak_mib:.0f}" if t.peak_mib is not None else "n/a"
        target = f"≤ {stage.target:g} s" if stage.target is not None else ""
        row = (
            f"| {stage.label} | {_seconds(t.best)} | {_seconds(t.median)} "
            f"| {_seconds(t.cpu_best)} | {len(t.times)} "
            f"| {peak} | {target} | {_verdict(stage, t.best, judged or not stage.scales)} |"
        )
        if before is not None:
            old = before.get(stage.name)
            row += _before_cells(old, t)
        lines.append(row)
    return "\n".join(lines)


def _before_cells(old: dict[str, Any] | None, now: Timing) -> str:
    """The ``--compare`` run's min and CPU (``cpu_min`` absent in older files), and how
    many times faster this run is."""
    if old is None:
        return " – | – | – |"
    cpu = old.get("cpu_min")
    faster = f"{old['min'] / now.best:.2f}×" + (
        f", {cpu / now.cpu_best:.2f}×" if cpu is not None else ""
    )
    shown = _seconds(cpu) if cpu is not None else "–"
    return f" {_seconds(old['min'])} | {shown} | {faster} |"


def baseline_line(found: dict[str, Any], judged: bool = True) -> str:
    """The line that compares ``score`` with the bare baseline; ``judged``: the target
    applies to this size (the upper end, as for the stages), else the ratio is indicative
    (at the typical size a few milliseconds of DataFrames outweigh 0.1 ms of arithmetic)."""
    if "skipped" in found:
        return f"score / bare numpy baseline: skipped ({found['skipped']})"
    if not found["equal"]:
        return (
            "score / bare numpy baseline: NOT COMPARED — the baseline's totals differ from "
            f"score's by {found['max_difference']:.3g} (> {TOLERANCE:g})"
        )
    baseline = (
        f"baseline {found['baseline_min'] * 1000:.2f} ms from its arrays (extracting them "
        f"{found['extraction']:.2f} s, untimed); totals equal within "
        f"{found['max_difference']:.1e}"
    )
    fresh = (
        f"{found['ratio']:.1f}× (CPU {found['ratio_cpu']:.1f}×) on a fresh Evaluation, its "
        "arrays built inside the timing"
    )
    warm = found.get("ratio_warm")
    if warm is None:  # a cold score too slow to repeat: judged on it
        verdict = _ratio_verdict(found["ratio"], judged)
        return (
            f"score / bare numpy baseline = {fresh} (target ≤ {BASELINE_TARGET:g}×: {verdict}); "
            + baseline
        )
    verdict = _ratio_verdict(warm, judged)
    return (
        f"score / bare numpy baseline = {warm:.1f}× from its arrays, as the baseline "
        f"(CPU {found['ratio_warm_cpu']:.1f}×; target ≤ {BASELINE_TARGET:g}×: {verdict}); "
        f"{fresh}; {baseline}"
    )


def _ratio_verdict(ratio: float, judged: bool) -> str:
    if not judged:
        return "indicative, judged at the upper end"
    return "met" if ratio <= BASELINE_TARGET else "MISSED"


def scaling_table(
    found: dict[str, dict[str, dict[str, float]]], base: Size, factors: Sequence[float]
) -> str:
    """Exponents fitted to CPU time (what load distorts least), wall time's in brackets."""
    sizes = ", ".join(f"×{f:g}" for f in factors)
    lines = [
        f"### scaling exponents around {base.label()} ({sizes}; target ≤ {EXPONENT_TARGET:g})",
        "",
        "CPU time's exponent, wall time's in brackets; ✘ where the CPU exponent misses.",
        "",
        "| stage | vendors | requirements | evaluators |",
        "|---|---:|---:|---:|",
    ]
    for stage in STAGES:
        if stage.name in found:
            cpu, wall = found[stage.name]["cpu"], found[stage.name]["wall"]
            cells = " | ".join(
                f"{cpu[d]:.2f} ({wall[d]:.2f})" + ("" if cpu[d] <= EXPONENT_TARGET else " ✘")
                for d in DIMENSIONS
            )
            lines.append(f"| {stage.label} | {cells} |")
    return "\n".join(lines)


# --- the run -------------------------------------------------------------------------


def run_size(
    label: str, size: Size, stages: Sequence[Stage], repeat: int, folder: Path
) -> tuple[dict[str, Timing], Context]:
    folder.mkdir()
    ctx = Context(size, folder)
    start = time.perf_counter()
    ctx.evaluation  # noqa: B018 (built once, untimed: the tender's inputs)
    print(f"{label}: {size.label()} built in {time.perf_counter() - start:.1f} s", flush=True)
    timings = {}
    for stage in stages:
        timings[stage.name] = measure(stage, ctx, repeat)
        t = timings[stage.name]
        print(f"  {stage.name:10s} min {_seconds(t.best):>9s}  ({len(t.times)} runs)", flush=True)
    return timings, ctx


def _options(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", choices=("typical", "upper", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=3, help="runs per stage (default 3)")
    parser.add_argument(
        "--stages", default=",".join(STAGE_NAMES), help=f"comma-separated, of {STAGE_NAMES}"
    )
    parser.add_argument(
        "--quick", action="store_true", help=f"upper size {QUICK_UPPER.label()} instead"
    )
    parser.add_argument(
        "--scaling-base",
        choices=("typical", "quick", "upper", "none"),
        default=None,
        help="the size scaling is measured around (default: quick; typical with --quick)",
    )
    parser.add_argument(
        "--factors", default="2", help="multipliers of each dimension for scaling (default 2)"
    )
    parser.add_argument(
        "--scaling-repeat", type=int, default=2, help="runs per stage and size (default 2)"
    )
    parser.add_argument("--json", type=Path, help="save the tables here")
    parser.add_argument("--compare", type=Path, help="a --json file of an earlier run")
    args = parser.parse_args(argv)
    unknown = set(args.stages.split(",")) - set(STAGE_NAMES)
    if unknown:
        parser.error(f"unknown stage(s) {sorted(unknown)}; choose from {STAGE_NAMES}")
    return args


def _sizes(args: argparse.Namespace) -> dict[str, Size]:
    upper = QUICK_UPPER if args.quick else UPPER
    chosen = {"typical": TYPICAL, "upper": upper}
    return {k: v for k, v in chosen.items() if args.size in (k, "both")}


def _scaling_base(args: argparse.Namespace) -> Size | None:
    name = args.scaling_base or ("typical" if args.quick else "quick")
    return {"typical": TYPICAL, "quick": QUICK_UPPER, "upper": UPPER}.get(name)


def _meta(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "argv": sys.argv[1:],
        "crmselect": str(Path(crmselect.__file__).resolve().parent),
        "version": crmselect.__version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "cpus": os.cpu_count(),
        "quick": args.quick,
    }


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Run the benchmark; returns what ``--json`` saves."""
    args = _options(argv)
    chosen = set(args.stages.split(","))
    stages = [s for s in STAGES if s.name in chosen]
    before = json.loads(args.compare.read_text()) if args.compare else None
    report: dict[str, Any] = {"meta": _meta(args), "sizes": {}}
    print(f"load average {_loadavg()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as tmp:
        for name, size in _sizes(args).items():
            timings, ctx = run_size(name, size, stages, args.repeat, Path(tmp) / name)
            entry: dict[str, Any] = {
                "size": attrs.asdict(size),
                "label": size.label(),
                "load": _loadavg(),
                "stages": {k: t.as_dict() for k, t in timings.items()},
            }
            if "score" in timings:
                entry["baseline"] = baseline(ctx, timings["score"], args.repeat)
            report["sizes"][name] = entry
        base = _scaling_base(args)
        factors = [float(f) for f in args.factors.split(",")]
        if base is not None and any(s.scales for s in stages):
            print(f"scaling around {base.label()}", flush=True)
            report["scaling"] = {
                "base": attrs.asdict(base),
                "factors": factors,
                "repeat": args.scaling_repeat,
                "exponents": scaling(
                    base, factors, stages, Path(tmp) / "scaling", args.scaling_repeat
                ),
            }
    report["meta"]["load_after"] = _loadavg()
    _print(report, before, base, factors)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return report


def _earlier(before: dict[str, Any] | None, name: str, label: str) -> dict[str, Any] | None:
    """The ``--compare`` run's stages of the size ``name``, if it was the same size."""
    if before is None or name not in before["sizes"]:
        return None
    if before["sizes"][name]["label"] != label:
        print(f"\n(--compare: the earlier run's {name} was {before['sizes'][name]['label']})")
        return None
    return cast(dict[str, Any], before["sizes"][name]["stages"])


def _print(
    report: dict[str, Any], before: dict[str, Any] | None, base: Size | None, factors: list[float]
) -> None:
    meta = report["meta"]
    print(f"\n## bench_pipeline — {meta['date']}, load after {meta['load_after']}")
    for name, entry in report["sizes"].items():
        timings = {
            k: Timing(tuple(v["times"]), tuple(v["cpu"]), v["peak_mib"], v["memory"])
            for k, v in entry["stages"].items()
        }
        old = _earlier(before, name, entry["label"])
        judged = name == "upper" and not report["meta"]["quick"]
        print()
        print(table(f"{name}: {entry['label']} (load {entry['load']})", timings, judged, old))
        if "baseline" in entry:
            print()
            print(baseline_line(entry["baseline"], judged))
    if "scaling" in report and base is not None:
        print()
        print(scaling_table(report["scaling"]["exponents"], base, factors))


if __name__ == "__main__":
    main()
