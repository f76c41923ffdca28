"""Reading a returned form: the findings collector, the read-each-returned-file loop.

Every form crmselect hands out and reads back (the RFP workbook, the demo scoring sheet, the
weights workshop) is read the same way: :func:`read_each` tries every returned file (several
at once in worker processes, :func:`attempts`) and refuses a second file from the same
recipient; while one file is read, :class:`Findings`
collects every :class:`~crmselect.errors.ImportProblem` (``file!sheet!cell: what — what to
do``), :func:`problems_frame` shows them as a table (and :class:`ReturnedForm` on every
form's result), :func:`header_columns` finds a sheet's
columns by their headers and :func:`free_text` reads a free-text answer cell.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import attrs
import pandas as pd
from tqdm._monitor import TMonitor

from crmselect.display import html_table
from crmselect.errors import ImportProblem, Problem
from crmselect.io.excel.untrusted import (
    DEFAULT_LIMITS,
    Grid,
    ReadLimits,
    UntrustedInputError,
    as_text,
    cell_at,
    cell_ref,
    is_blank,
    shorten,
)
from crmselect.progress import progress

T = TypeVar("T")

PROBLEM_COLUMNS = ["file", "sheet", "cell", "severity", "requirement", "value", "what", "action"]


def problems_frame(problems: tuple[ImportProblem, ...] | list[ImportProblem]) -> pd.DataFrame:
    """Import problems as a DataFrame with columns :data:`PROBLEM_COLUMNS`."""
    return pd.DataFrame(
        [[getattr(p, c) for c in PROBLEM_COLUMNS] for p in problems], columns=PROBLEM_COLUMNS
    )


class ReturnedForm:
    """What the result of reading a returned form shows of its findings (a base of
    :class:`~crmselect.io.forms.rfp_response.RfpResponse` and
    :class:`~crmselect.io.forms.demo_sheets.ScoringSheet`): the errors, the findings as a
    table, and in a notebook that table with the errors highlighted."""

    __slots__ = ()
    problems: tuple[ImportProblem, ...]

    @property
    def errors(self) -> tuple[ImportProblem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    def problems_frame(self) -> pd.DataFrame:
        """The problems as a table (columns :data:`PROBLEM_COLUMNS`)."""
        return problems_frame(self.problems)

    def _repr_html_(self) -> str:
        frame = self.problems_frame()
        frame.index = pd.RangeIndex(1, len(frame) + 1, name="#")
        return html_table(
            frame.drop(columns=["file"]),
            caption=repr(self).strip("<>"),
            highlight=[
                i for i, s in zip(frame.index, frame["severity"], strict=True) if s == "error"
            ],
        )


def header_columns(grid: Grid, headers: Collection[str]) -> dict[str, int]:
    """Header → 1-based column of the first cell of ``grid``'s first row holding it
    (stripped); headers not found are left out."""
    columns: dict[str, int] = {}
    for index, (value, _) in enumerate(grid[0] if grid else [], start=1):
        if isinstance(value, str) and value.strip() in headers:
            columns.setdefault(value.strip(), index)
    return columns


MAX_WORKERS = 4
"""The most processes that read returned files at once. Each holds one file within its
:class:`~crmselect.io.excel.untrusted.ReadLimits` (time and memory per file), so reading
with ``n`` workers takes at most ``n`` times one file's memory."""


def read_each(
    paths: Iterable[str | Path],
    read: Callable[[Path], T],
    owner: Callable[[T], str],
    *,
    second: str,
    desc: str,
    workers: int | None = None,
) -> tuple[list[T], list[Problem]]:
    """Read every returned file with ``read``: the files read, and the refusals — a file
    ``read`` refused (:class:`UntrustedInputError`), or a second file from the same
    ``owner`` (vendor, member, evaluator): "a second ``second`` 'x' (first: f.xlsx); keep
    one". Every file is tried, so one run lists every refusal. ``desc`` labels the progress
    bar.

    Several files are read in parallel by up to ``workers`` processes (by default one per
    core available, at most :data:`MAX_WORKERS`, and none for fewer than
    :data:`POOL_MIN_BYTES` of files; see :func:`attempts`); the files read, the refusals
    and their order are those of reading the files one after the other.
    """
    refused: list[Problem] = []
    first: dict[str, Path] = {}
    read_ok: list[T] = []
    files = [Path(p) for p in paths]
    outcomes = attempts(files, read, workers)
    for path, outcome in progress(
        zip(files, outcomes, strict=True), total=len(files), desc=desc, unit="file"
    ):
        if isinstance(outcome, Refusal):
            refused += outcome.problems
            continue
        who = owner(outcome)
        if who in first:
            refused.append(
                Problem(
                    str(path), f"a second {second} {who!r} (first: {first[who].name}); keep one"
                )
            )
            continue
        first[who] = path
        read_ok.append(outcome)
    return read_ok, refused


@attrs.frozen
class Refusal:
    """A file ``read`` refused: the problems of its :class:`UntrustedInputError` (an
    exception does not cross from a worker process with its problems, this does)."""

    problems: tuple[Problem, ...]


def _attempt(read: Callable[[Path], T], path: Path) -> T | Refusal:
    """``read(path)``, or the :class:`Refusal` of the file."""
    try:
        return read(path)
    except UntrustedInputError as exc:
        return Refusal(exc.problems)


_READ: list[Callable[[Path], Any]] = []
"""The ``read`` of the pool this worker process belongs to (set when it starts)."""


def _start_worker(read: Callable[[Path], Any]) -> None:
    _READ[:] = [read]


def _attempt_in_worker(path: Path) -> Any:
    return _attempt(_READ[0], path)


POOL_MIN_BYTES = 1 << 20
"""The fewest bytes of files (all of them together) worth a pool by default: a forked
worker first imports what reading needs and the parent did not (about 0.25 s of CPU each),
while reading in place takes about 0.6 s of CPU per MiB of returned workbooks — for the
example's 13 files (0.28 MiB, 0.45 s in place) a pool of two cost 0.9–1.0 s of CPU."""


def worker_count(files: int, workers: int | None = None, *, size: int | None = None) -> int:
    """How many processes read ``files`` files: ``workers`` (default: the cores this
    process may use, or 1 for files of ``size`` bytes in all below :data:`POOL_MIN_BYTES`),
    at most :data:`MAX_WORKERS` and one per file; 1 means the files are read here, one
    after the other — also where processes cannot be forked."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if workers is None and size is not None and size < POOL_MIN_BYTES:
        return 1
    if workers is None:
        workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    return max(1, min(workers, MAX_WORKERS, files))


def attempts(
    files: Sequence[Path], read: Callable[[Path], T], workers: int | None = None
) -> Iterator[T | Refusal]:
    """``read`` of each of ``files`` (or its :class:`Refusal`), in the order of ``files``.

    With more than one worker (:func:`worker_count`) the files are shared out to a pool of
    forked processes, each of which reads one file at a time as it would be read here —
    every check of :mod:`crmselect.io.excel.untrusted` and its limits included, and with
    ``read`` as given (a fork copies it; it need not be picklable). The results come, one
    by one as they are ready, in the order of ``files`` whatever order the workers finish
    in; an error other than a refusal is raised here, as it would be reading the files one
    by one.

    A fork copies the memory of every thread but runs only the calling one: a lock another
    thread held at that moment (a Jupyter kernel's output threads, an application's)
    stays held in the child for ever. So the workers are forked only while no other Python
    thread runs (:func:`other_threads`; the pool is started here, before the caller's
    progress bar), and otherwise the files are read here, one after the other. OpenBLAS
    shuts its own threads down across a fork.
    """
    count = worker_count(len(files), workers, size=_total_size(files))
    if count == 1 or other_threads():
        return (_attempt(read, path) for path in files)
    pool = ProcessPoolExecutor(
        max_workers=count,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start_worker,
        initargs=(read,),
    )
    try:  # map submits every file at once: the workers are forked now
        results = pool.map(_attempt_in_worker, files)
    except BaseException:
        pool.shutdown(cancel_futures=True)
        raise
    return _closing(pool, results)


def _total_size(files: Sequence[Path]) -> int:
    """The bytes of ``files`` together; a file that cannot be looked at counts 0 (``read``
    then refuses it as it would anyway)."""
    total = 0
    for path in files:
        try:
            total += path.stat().st_size
        except OSError:
            continue
    return total


def other_threads() -> list[threading.Thread]:
    """The Python threads running besides this one, except tqdm's progress-bar monitor: it
    sleeps, and wakes only to take tqdm's own lock, which a worker never uses (tqdm starts
    it with the first bar and keeps it)."""
    current = threading.current_thread()
    return [t for t in threading.enumerate() if t is not current and not isinstance(t, TMonitor)]


def _closing(pool: ProcessPoolExecutor, results: Iterator[T]) -> Iterator[T]:
    """``results``, then ``pool`` shut down (also when the caller stops early)."""
    with pool:
        yield from results


class Findings:
    """Collects the :class:`~crmselect.errors.ImportProblem` findings of one returned file.

    ``requirement`` holds what the row is about (a requirement id, a demo item key); an
    offending ``value`` is quoted, shortened to
    :data:`~crmselect.io.excel.untrusted.SHOWN_VALUE` characters. At most
    ``limits.max_findings`` findings of each severity are kept; :attr:`problems` ends with
    one more finding of that severity per severity that had more, counting the rest — so a
    file with too many errors still has errors, and a report stays readable.
    """

    def __init__(self, path: Path, limits: ReadLimits = DEFAULT_LIMITS) -> None:
        self.file = path.name
        self.limit = limits.max_findings
        self._kept: list[ImportProblem] = []
        self._count: dict[str, int] = {}

    @property
    def problems(self) -> list[ImportProblem]:
        """The findings kept, then one summary per severity that had more than the limit."""
        summaries = [
            ImportProblem(
                self.file,
                "",
                "",
                severity,
                f"… and {count - self.limit:,} more findings of this kind ({severity}s "
                f"beyond the first {self.limit:,} are not listed)",
                "fix the ones listed and check the file again",
            )
            for severity, count in self._count.items()
            if count > self.limit
        ]
        return [*self._kept, *summaries]

    def add(
        self,
        sheet: str,
        cell: str,
        severity: str,
        what: str,
        action: str,
        requirement: str = "",
        value: object = None,
    ) -> None:
        """Record one finding (counted only, once its severity has reached the limit)."""
        count = self._count.get(severity, 0) + 1
        self._count[severity] = count
        if count > self.limit:
            return
        shown = "" if value is None else shorten(str(value))
        self._kept.append(
            ImportProblem(self.file, sheet, cell, severity, what, action, requirement, shown)
        )


def outside_columns(
    report: Findings,
    sheet: str,
    row: Sequence[tuple[object, str]],
    row_number: int,
    used: Collection[int],
    *,
    what: str,
    action: str,
) -> None:
    """Report, as a warning at its cell, each value of ``row`` (row ``row_number`` of
    ``sheet``) in a column the form does not use: it is not read, and never dropped
    silently. ``what`` and ``action`` are the form's words for it."""
    for column, (value, _) in enumerate(row, start=1):
        if column not in used and not is_blank(value):
            report.add(sheet, cell_ref(row_number, column), "warning", what, action, value=value)


def free_text(
    grid: Grid,
    row: int,
    column: int | None,
    findings: Findings,
    *,
    sheet: str,
    about: str,
    label: str,
    ask: str,
) -> str:
    """A free-text answer cell (comment, evidence, note) as the text that was stored.

    A formula is kept as its text — never evaluated — and an error value (``#N/A``) is
    reported; both are warnings on ``label`` (e.g. "a text cell"), with ``ask`` naming who
    to ask. ``about`` is the row's subject (requirement id, demo item).
    """
    if column is None:
        return ""
    value, dtype = cell_at(grid, row, column)
    where = cell_ref(row, column)
    if dtype == "f":
        findings.add(
            sheet,
            where,
            "warning",
            f"formula in {label}; kept as text, not evaluated",
            "nothing to do",
            requirement=about,
            value=value,
        )
    elif dtype == "e":
        findings.add(
            sheet,
            where,
            "warning",
            f"error value {value!r} in {label}",
            f"ask the {ask} for the intended text",
            requirement=about,
        )
    return as_text(value, dtype)
