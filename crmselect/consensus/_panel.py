"""The evaluation panel's demo scores as one validated table: :class:`Panel`.

Every analysis in :mod:`crmselect.consensus` starts from a :class:`Panel`: the scores of
*m* evaluators on *n* **items**, an item being one ``(vendor, script, criterion)`` triple —
vendor *v* demonstrating script *s*, scored on criterion *c*. A panel is built from an
:class:`~crmselect.model.Evaluation` (its ``demo_scores``), from a long DataFrame with columns
``evaluator, vendor, script, criterion, score``, or from :class:`~crmselect.model.DemoScore`
objects; the functions of this package accept any of them (:data:`PanelLike`).

The panel is the full grid *evaluators × items*: a score nobody gave is ``NaN`` (missing),
never dropped. Evaluators who gave no score at all and vendors nobody scored (e.g. not
invited to demo) are left out of the grid and listed in :attr:`Panel.absent`.
"""

from __future__ import annotations

import functools
import hashlib
import math
import os
import weakref
from collections.abc import Hashable, Iterable, Sequence
from typing import Any, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from crmselect.errors import Problem, ValidationError
from crmselect.model import DemoScore, Evaluation
from crmselect.scales import DemoScale

FloatArray: TypeAlias = npt.NDArray[np.float64]

PANEL_COLUMNS = ("evaluator", "vendor", "script", "criterion", "score")
"""Columns of the long panel table."""
ITEM_LEVELS = ("vendor", "script", "criterion")
"""The levels of an item's key."""


def _ids(values: Iterable[Hashable]) -> tuple[str, ...]:
    return tuple(str(v) for v in values)


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


@attrs.frozen(eq=False)
class Panel:
    """Evaluators × items demo scores on a :class:`~crmselect.scales.DemoScale`.

    ``scores`` is the long table (columns :data:`PANEL_COLUMNS`, one row per evaluator and
    item of the full grid, ``score`` NaN where not given), sorted in the panel's order:
    items by vendor, script, then criterion. Build it with :meth:`from_evaluation`,
    :meth:`from_frame` or :meth:`from_scores` (or :func:`as_panel`).

    >>> panel = Panel.from_frame(pd.DataFrame({
    ...     "evaluator": ["ann", "bob", "ann", "bob"], "vendor": ["x", "x", "y", "y"],
    ...     "script": "D1", "criterion": "sfa", "score": [4, 5, 2, None]}))
    >>> panel.wide().to_numpy().tolist()
    [[4.0, 2.0], [5.0, nan]]
    """

    scores: pd.DataFrame
    scale: DemoScale
    evaluators: tuple[str, ...]
    items: pd.MultiIndex
    absent: tuple[str, ...] = ()
    """Evaluators and vendors left out of the grid because they have no score at all
    (``"evaluator sales"``, ``"vendor helio"``)."""

    # -- construction -----------------------------------------------------------------------

    @classmethod
    def from_evaluation(cls, evaluation: Evaluation) -> Panel:
        """The evaluation's demo scores on the grid its scripts define.

        Items are every ``(vendor, script, criterion)`` with the criterion exercised by the
        script, for vendors scored by anyone, in the evaluation's order; evaluators are
        those who gave at least one score. The evaluation validated the scores already.

        An evaluation is frozen, so its panel is built once and kept while the evaluation
        lives (:func:`as_panel`, scoring and the analysis share it).
        """
        kept = _FROM_EVALUATION.get(evaluation)
        if kept is None:
            kept = _FROM_EVALUATION[evaluation] = cls._of_evaluation(evaluation)
        return kept

    @classmethod
    def _of_evaluation(cls, evaluation: Evaluation) -> Panel:
        """The panel of the evaluation's coded demo scores
        (:attr:`~crmselect.model.Evaluation.coded_demo_scores`): the vendors and evaluators
        with a score given keep their order and are renumbered, and each score is placed at
        item ``vendor · slots + slot`` (the order of :func:`_script_items`)."""
        coded = evaluation.coded_demo_scores
        given = coded.given
        vendor_at = _renumber(coded.vendor[given], len(evaluation.vendors))
        evaluator_at = _renumber(coded.evaluator[given], len(evaluation.evaluators))
        vendors = [v for v, at in zip(evaluation.vendor_ids, vendor_at, strict=True) if at >= 0]
        evaluators = tuple(
            e.id for e, at in zip(evaluation.evaluators, evaluator_at, strict=True) if at >= 0
        )
        keys = _script_items(evaluation, vendors)
        absent = _unscored(evaluation, set(evaluators), set(vendors))
        grid = _placed(
            evaluator_at[coded.evaluator[given]],
            vendor_at[coded.vendor[given]] * coded.slots + coded.slot[given],
            coded.score[given],
            (len(evaluators), len(keys)),
        )
        return cls._build(grid, evaluators, keys, evaluation.demo_scale, absent)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, scale: DemoScale | None = None) -> Panel:
        """A panel from a long table with columns ``evaluator, vendor, script, criterion,
        score`` (other columns, e.g. ``note``, are ignored).

        Ids are read as text; ``score`` must be a number on ``scale`` (default
        :class:`~crmselect.scales.DemoScale`, 0–5) or empty/NaN (not scored). The grid is
        the evaluators who gave at least one score × the ``(vendor, script, criterion)``
        triples that occur, in order of first appearance. Raises
        :class:`~crmselect.errors.ValidationError` listing every bad row.
        """
        scale = scale or DemoScale()
        _check_columns(frame)
        values = _read_scores(frame, scale)
        everyone = _unique(k[0] for k in values)
        scorers = {k[0] for k, v in values.items() if v is not None}
        evaluators = tuple(e for e in everyone if e in scorers)
        absent = tuple(f"evaluator {e}" for e in everyone if e not in scorers)
        items = list(dict.fromkeys((k[1], k[2], k[3]) for k in values))
        grid = _grid(((*k, v) for k, v in values.items() if v is not None), evaluators, items)
        return cls._build(grid, evaluators, items, scale, absent)

    @classmethod
    def from_scores(cls, scores: Iterable[DemoScore], scale: DemoScale | None = None) -> Panel:
        """A panel from :class:`~crmselect.model.DemoScore` objects (see :meth:`from_frame`)."""
        rows = [(d.evaluator, d.vendor, d.script, d.criterion, d.score) for d in scores]
        return cls.from_frame(pd.DataFrame(rows, columns=list(PANEL_COLUMNS)), scale)

    @classmethod
    def _build(
        cls,
        grid: FloatArray,
        evaluators: Sequence[str],
        keys: Sequence[tuple[str, str, str]],
        scale: DemoScale,
        absent: tuple[str, ...],
    ) -> Panel:
        """The panel of the evaluators × items ``grid`` (NaN = not scored); the long table
        is built column by column, item by item with the evaluators inside."""
        if not evaluators or not keys:
            raise ValidationError(
                "No demo scores",
                [Problem("demo scores", "no evaluator gave any score; there is no panel")],
            )
        m = len(evaluators)
        columns: dict[str, object] = {"evaluator": np.tile(object_array(evaluators), len(keys))}
        for level, ids in zip(ITEM_LEVELS, zip(*keys, strict=True), strict=True):
            columns[level] = np.repeat(object_array(ids), m)
        columns["score"] = grid.T.ravel()
        frame = pd.DataFrame(columns, columns=list(PANEL_COLUMNS))
        items = pd.MultiIndex.from_tuples(list(keys), names=list(ITEM_LEVELS))
        return cls(frame, scale, tuple(evaluators), items, absent)

    # -- views ------------------------------------------------------------------------------

    @functools.cached_property
    def vendors(self) -> tuple[str, ...]:
        return _unique(_ids(self.items.get_level_values("vendor")))

    @functools.cached_property
    def scripts(self) -> tuple[str, ...]:
        return _unique(_ids(self.items.get_level_values("script")))

    @functools.cached_property
    def criteria(self) -> tuple[str, ...]:
        return _unique(_ids(self.items.get_level_values("criterion")))

    @functools.cached_property
    def item_criteria(self) -> npt.NDArray[np.int64]:
        """The position in :attr:`criteria` of every item's criterion (read-only)."""
        codes = _codes(self.items.get_level_values("criterion"), self.criteria)
        codes.flags.writeable = False
        return codes

    @functools.cached_property
    def cells(self) -> Any:
        """The items × (vendor, criterion) membership matrix ``M`` (a ``scipy.sparse`` CSC
        array; ``M[k, v·C + c] = 1`` when item *k* is vendor *v* on criterion *c*, with *C*
        criteria): ``x @ M`` sums item scores per vendor × criterion over the scripts.
        Built once per panel, one entry per item; its arrays are read-only, so that no
        caller can change what every later analysis of the panel uses."""
        from scipy import sparse  # type: ignore[import-untyped, unused-ignore]

        vendor = _codes(self.items.get_level_values("vendor"), self.vendors)
        criterion = self.item_criteria
        n, width = len(self.items), len(self.vendors) * len(self.criteria)
        cell = vendor * len(self.criteria) + criterion
        member = sparse.csc_array((np.ones(n), (np.arange(n), cell)), shape=(n, width), dtype=float)
        for array in (member.data, member.indices, member.indptr):
            array.flags.writeable = False
        return member

    @functools.cached_property
    def cells_by_item(self) -> Any:
        """:attr:`cells` transposed, ``Mᵀ`` ((vendor, criterion) × items, a CSR array),
        built once: ``Mᵀ @ xᵀ`` is ``(x @ M)ᵀ`` without transposing ``M`` at every call."""
        transposed = self.cells.T.tocsr()
        for array in (transposed.data, transposed.indices, transposed.indptr):
            array.flags.writeable = False
        return transposed

    @property
    def width(self) -> float:
        """``maximum − minimum`` of the scale: thresholds are shares of it."""
        return self.scale.maximum - self.scale.minimum

    def values(self) -> FloatArray:
        """The evaluators × items array of scores (NaN = missing); a copy of :attr:`grid`
        the caller may change."""
        return self.grid.copy()

    @functools.cached_property
    def grid(self) -> FloatArray:
        """The evaluators × items array of scores (NaN = missing), built once and read-only
        (:meth:`values` is a copy to change)."""
        grid = (
            self.scores["score"]
            .to_numpy(dtype=float)
            .reshape(len(self.items), len(self.evaluators))
            .T.copy()
        )
        grid.flags.writeable = False
        return grid

    def wide(self) -> pd.DataFrame:
        """Evaluators × items (columns a ``vendor, script, criterion`` MultiIndex)."""
        return pd.DataFrame(
            self.values(), index=pd.Index(self.evaluators, name="evaluator"), columns=self.items
        )

    def item_labels(self) -> list[str]:
        """``"vendor/script/criterion"`` for every item, in order."""
        return ["/".join(map(str, k)) for k in self.items]

    @functools.cached_property
    def fingerprint(self) -> str:
        """SHA-256 hex of the scores and the scale: provenance for results. An attribute,
        computed on first use and kept."""
        digest = hashlib.sha256()
        digest.update(f"{self.scale.minimum!r}:{self.scale.maximum!r}\n".encode())
        digest.update(self.csv().encode())
        return digest.hexdigest()

    def csv(self) -> str:
        """The long table as ``self.scores.to_csv(index=False)`` writes it (what
        :attr:`fingerprint` hashes), built from its parts: each id and each distinct score
        is written once — with pandas' rules: ``csv.QUOTE_MINIMAL``, a float as numpy's
        ``str``, NaN empty, ``os.linesep`` (:func:`_csv_fields`) — and the rows are joined
        from them, item by item
        with the evaluators inside."""
        m, n = len(self.evaluators), len(self.items)
        evaluator = [field + "," for field in _csv_fields(self.evaluators)]
        levels = [_csv_fields(self.items.get_level_values(name)) for name in ITEM_LEVELS]
        item = [f"{v},{s},{c}," for v, s, c in zip(*levels, strict=True)]
        values = self.scores["score"].to_numpy(dtype=np.float64)
        # distinct by bit pattern, so that -0.0 keeps its sign as numpy writes it
        bits, inverse = np.unique(values.view(np.int64), return_inverse=True)
        distinct = bits.view(np.float64)
        text = np.where(np.isnan(distinct), "", distinct.astype(str)).astype(object) + os.linesep
        rows = zip(evaluator * n, np.repeat(object_array(item), m), text[inverse], strict=True)
        header = ",".join(_csv_fields(PANEL_COLUMNS)) + os.linesep
        return header + "".join(map("".join, rows))

    def __repr__(self) -> str:
        given = int(self.scores["score"].notna().sum())
        return (
            f"<Panel {len(self.evaluators)} evaluators × {len(self.items)} items "
            f"({len(self.vendors)} vendors), {given} of {len(self.scores)} scores given, "
            f"scale {self.scale.minimum:g}..{self.scale.maximum:g}>"
        )


PanelLike: TypeAlias = Panel | Evaluation | pd.DataFrame | Sequence[DemoScore]
"""Anything a panel can be built from."""


def as_panel(source: PanelLike, scale: DemoScale | None = None) -> Panel:
    """``source`` as a :class:`Panel` (``scale`` applies to DataFrames and DemoScores; an
    Evaluation brings its own)."""
    if isinstance(source, Panel):
        return source
    if isinstance(source, Evaluation):
        return Panel.from_evaluation(source)
    if isinstance(source, pd.DataFrame):
        return Panel.from_frame(source, scale)
    return Panel.from_scores(source, scale)


_FROM_EVALUATION: weakref.WeakKeyDictionary[Evaluation, Panel] = weakref.WeakKeyDictionary()
"""The panel of each living evaluation (an Evaluation is frozen and hashed by identity)."""


def object_array(values: Iterable[str]) -> npt.NDArray[np.object_]:
    """``values`` as a 1-D object array (text ids stay Python strings, as pandas keeps them)."""
    items = list(values)
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


_CSV_SPECIAL = frozenset(',"' + os.linesep)
"""The characters that make ``csv.QUOTE_MINIMAL`` (pandas' ``to_csv``, whose line end is
``os.linesep``) quote a field."""


def _csv_fields(values: Iterable[object]) -> list[str]:
    """Each value as text in a CSV field of several, as pandas' ``to_csv`` writes it
    (``csv.QUOTE_MINIMAL``): quoted, with its quotes doubled, when it holds a comma, a
    quote or a character of the line end; else as it is."""
    fields = []
    for value in values:
        text = str(value)
        if _CSV_SPECIAL.isdisjoint(text):
            fields.append(text)
        else:
            fields.append('"' + text.replace('"', '""') + '"')
    return fields


def _codes(labels: Iterable[Hashable], order: Sequence[str]) -> npt.NDArray[np.int64]:
    """The position in ``order`` of every label (read as text)."""
    at = {v: i for i, v in enumerate(order)}
    return np.array([at[str(v)] for v in labels], dtype=np.int64)


def _grid(
    scores: Iterable[tuple[str, str, str, str, float | None]],
    evaluators: Sequence[str],
    keys: Sequence[tuple[str, str, str]],
) -> FloatArray:
    """The evaluators × items array of ``(evaluator, vendor, script, criterion, score)``
    entries (NaN where none; entries off the grid are left out; a later entry for a key
    replaces an earlier one)."""
    e_at = {e: i for i, e in enumerate(evaluators)}
    k_at = {k: i for i, k in enumerate(keys)}
    rows, columns, values = [], [], []
    for e, v, s, c, x in scores:
        i, k = e_at.get(e), k_at.get((v, s, c))
        if i is not None and k is not None and x is not None:
            rows.append(i)
            columns.append(k)
            values.append(float(x))
    return _placed(
        np.asarray(rows, dtype=np.int64),
        np.asarray(columns, dtype=np.int64),
        np.asarray(values, dtype=float),
        (len(evaluators), len(keys)),
    )


def _placed(
    rows: npt.NDArray[np.integer[Any]],
    columns: npt.NDArray[np.integer[Any]],
    values: FloatArray,
    shape: tuple[int, int],
) -> FloatArray:
    """The ``shape`` array, NaN but for ``values`` at (``rows``, ``columns``); where a
    position comes twice, the later value is kept."""
    grid = np.full(shape, np.nan)
    flat = rows.astype(np.int64) * shape[1] + columns
    # the last entry of a key wins: keep each flat position's last occurrence
    last = len(flat) - 1 - np.unique(flat[::-1], return_index=True)[1]
    grid.ravel()[flat[last]] = values[last]
    return grid


def _renumber(codes: npt.NDArray[np.intp], n: int) -> npt.NDArray[np.intp]:
    """For each of ``n`` codes, its position among the codes that occur in ``codes``
    (in code order), or -1 where it does not occur."""
    used = np.zeros(n, dtype=np.bool_)
    used[codes] = True
    at = np.full(n, -1, dtype=np.intp)
    at[used] = np.arange(int(used.sum()))
    return at


def _script_items(evaluation: Evaluation, vendors: Sequence[str]) -> list[tuple[str, str, str]]:
    """The items of the evaluation's scripts: ``(vendor, script, criterion)`` for every
    criterion a script exercises, vendor by vendor, in the evaluation's order."""
    return [(v, s.id, c) for v in vendors for s in evaluation.demo_scripts for c in s.criteria]


def _unscored(
    evaluation: Evaluation, scorers: set[str], scored_vendors: set[str]
) -> tuple[str, ...]:
    """The evaluation's evaluators who gave no score, then its vendors nobody scored, as
    :attr:`Panel.absent` lists them."""
    absent = [f"evaluator {e.id}" for e in evaluation.evaluators if e.id not in scorers]
    absent += [f"vendor {v}" for v in evaluation.vendor_ids if v not in scored_vendors]
    return tuple(absent)


def _check_columns(frame: object) -> None:
    """Raise :class:`~crmselect.errors.ValidationError` unless ``frame`` is a DataFrame with
    every column of :data:`PANEL_COLUMNS` (naming each one missing)."""
    if not isinstance(frame, pd.DataFrame):
        raise ValidationError(
            "Invalid demo scores",
            [Problem("demo scores", "expected a DataFrame, an Evaluation or DemoScores")],
        )
    missing = [c for c in PANEL_COLUMNS if c not in frame.columns]
    if missing:
        raise ValidationError(
            "Invalid demo scores",
            [
                Problem("demo scores", f"missing column {c!r}; expected {PANEL_COLUMNS}")
                for c in missing
            ],
        )


_Key: TypeAlias = tuple[str, str, str, str]
"""An (evaluator, vendor, script, criterion) score key."""


def _read_scores(frame: pd.DataFrame, scale: DemoScale) -> dict[_Key, float | None]:
    """The long table's scores by key, in row order (``None`` = not scored).

    Raises :class:`~crmselect.errors.ValidationError` listing every bad row, in order: an
    empty id, a score that is not a number on the scale, a second score for a key.
    """
    found: list[Problem] = []
    values: dict[_Key, float | None] = {}
    first_row: dict[_Key, object] = {}
    rows = frame[list(PANEL_COLUMNS)].itertuples(index=False)
    for label, row in zip(frame.index, rows, strict=True):
        key, score, problem = _read_row(tuple(row), scale)
        if not problem and key in values:
            problem = (
                f"second score of {key[0]!r} for {key[1]}/{key[2]}/{key[3]} "
                f"(first in row {first_row[key]}); keep one"
            )
        if problem:
            found.append(Problem(f"demo scores row {label}", problem))
            continue
        values[key] = score
        first_row[key] = label
    if found:
        raise ValidationError("Invalid demo scores", found)
    return values


def _read_row(row: tuple[object, ...], scale: DemoScale) -> tuple[_Key, float | None, str]:
    """One row's key (ids read as text) and score, with ``""``; else what is wrong with it:
    the first empty id, or the score's problem (:func:`_number`)."""
    ids = tuple("" if _blank(x) else str(x).strip() for x in row[:4])
    empty = [name for name, x in zip(PANEL_COLUMNS, ids, strict=False) if not x]
    key = (ids[0], ids[1], ids[2], ids[3])
    if empty:
        return key, None, f"{empty[0]} is empty"
    score, problem = _number(row[4], scale)
    return key, score, problem


def _blank(value: object) -> bool:
    return (
        value is None
        or value is pd.NA
        or (isinstance(value, float) and math.isnan(value))
        or (isinstance(value, str) and not value.strip())
    )


def _number(value: object, scale: DemoScale) -> tuple[float | None, str]:
    """A score cell as a number on the scale, or ``(None, problem)``; blank → ``(None, "")``."""
    if _blank(value):
        return None, ""
    if isinstance(value, bool | np.bool_):
        return None, f"score {value!r} is not a number"
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None, f"score {value!r} is not a number"
    if not scale.contains(number):
        return None, f"score {number:g} is off the demo scale {scale.minimum:g}..{scale.maximum:g}"
    return number, ""
