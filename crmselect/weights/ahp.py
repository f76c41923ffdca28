"""Analytic Hierarchy Process: weights from pairwise comparisons (Saaty 1980).

A facilitator asks, for each pair of criteria ``i``, ``j``: *how many times more important
is i than j?* — on Saaty's scale 1 (equal), 3 (moderately), 5 (strongly), 7 (very
strongly), 9 (extremely more important), with 2, 4, 6, 8 in between and reciprocals for the
other direction. The answers form a reciprocal matrix ``A`` (``a_ij = 1/a_ji``,
``a_ii = 1``). Then:

- **weights** ``w``: the principal right eigenvector, ``A w = λ_max w``, normalised to
  ``Σ w_i = 1``. A *consistent* matrix (``a_ij = w_i / w_j`` for some ``w``) gives back
  exactly that ``w`` with ``λ_max = n``;
- **consistency index** ``CI = (λ_max − n) / (n − 1)`` (0 for ``n = 1``);
- **consistency ratio** ``CR = CI / RI(n)``, with Saaty's random index ``RI(n)`` for
  ``n = 1…10``: 0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49 (:data:`RANDOM_INDEX`).
  ``CR`` is 0 for ``n ≤ 2`` (a 2×2 reciprocal matrix is always consistent). For
  ``n > 10`` this table has no value: ``CR`` is NaN unless you pass ``random_index=``
  (Saaty advises at most about 9 elements per comparison; split a larger node into
  sub-criteria instead). ``CR ≤ 0.10`` is acceptable; above it the result is still
  returned — the consistency is a warning for the facilitator, not an error — and
  :meth:`AhpResult.inconsistent_judgements` says which judgements to revisit.

**Incomplete matrices** (Harker 1987). A skipped comparison is NaN in both ``a_ij`` and
``a_ji``. Harker's method builds ``C`` from ``A`` with every missing entry set to 0 and
``c_ii = 1 + m_i``, ``m_i`` the number of comparisons missing in row ``i``, and takes its
principal eigenvector as the weights. This is the same as filling every gap with the ratio
``w_i / w_j`` of the weights it yields — the filled matrix has ``w`` as its principal
eigenvector with the same ``λ_max`` — so the completed matrix (:attr:`AhpResult.completed`)
is where ``λ_max``, CI and CR are read. Because the filled entries agree with ``w``, CR of
an incomplete matrix tends to understate the inconsistency of the full set of judgements.
The weights are unique only when the comparisons connect all criteria (every criterion is
linked to every other through a chain of comparisons, Harker 1987); a disconnected set is
an error that names the separate groups.

**Group AHP** (:func:`group_ahp`): members' judgements are aggregated cell by cell by the
(weighted) geometric mean, the only aggregation that keeps the group matrix reciprocal
(Aczél & Saaty 1983) — Forman & Peniwati's "aggregation of individual judgements".

References: T. L. Saaty, *The Analytic Hierarchy Process*, McGraw-Hill, 1980. T. L. Saaty,
"How to make a decision: the analytic hierarchy process", *European Journal of Operational
Research* 48 (1990) 9–26. T. L. Saaty, "Decision-making with the AHP: why is the principal
eigenvector necessary", *EJOR* 145 (2003) 85–91. T. L. Saaty, "Decision making with the
analytic hierarchy process", *International Journal of Services Sciences* 1(1) (2008)
83–98. P. T. Harker, "Incomplete pairwise comparisons in the analytic hierarchy process",
*Mathematical Modelling* 9(11) (1987) 837–848. J. Aczél and T. L. Saaty, "Procedures for
synthesizing ratio judgements", *Journal of Mathematical Psychology* 27 (1983) 93–102.
E. Forman and K. Peniwati, "Aggregating individual judgments and priorities with the
analytic hierarchy process", *EJOR* 108 (1998) 165–169.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, Final, cast

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from crmselect.display import html_table
from crmselect.errors import Problem, ValidationError

Matrix = pd.DataFrame | npt.ArrayLike
"""A pairwise comparison matrix: a DataFrame labelled by criterion, or any 2-D array."""

RANDOM_INDEX: Final[Mapping[int, float]] = MappingProxyType(
    {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49}
)
"""Saaty's random consistency index RI(n), the mean CI of random reciprocal matrices."""

CONSISTENCY_LIMIT: Final = 0.10
"""The consistency ratio up to which judgements are considered acceptably consistent."""

SAATY_SCALE: Final[tuple[float, ...]] = tuple(
    sorted({float(k) for k in range(1, 10)} | {1 / k for k in range(2, 10)})
)
"""The values of Saaty's fundamental scale: 1/9 … 1/2, 1, 2 … 9."""

RECIPROCAL_TOLERANCE: Final = 0.05
"""Default relative tolerance of ``a_ij · a_ji = 1``: it accepts reciprocals typed with two
decimals (``7 × 0.14 = 0.98``) and rejects every mix-up of two scale values (the closest,
``9 × 1/8``, is 12.5 % off)."""

_Labels = list[Hashable]


def random_index(n: int) -> float:
    """Saaty's random index RI(n) for ``n = 1…10``; NaN beyond (no published value here).

    >>> random_index(4)
    0.9
    """
    return RANDOM_INDEX.get(n, math.nan)


def _cell(labels: _Labels, i: int, j: int) -> str:
    return f"row {labels[i]}, column {labels[j]}"


def _as_frame(matrix: Matrix, where: str) -> tuple[pd.DataFrame, list[Problem]]:
    """The matrix as a labelled DataFrame of objects, or the problems that prevent that."""
    if isinstance(matrix, pd.DataFrame):
        frame = matrix
        found = [
            Problem(where, f"the {axis} label {label!r} is used more than once")
            for axis, index in (("row", frame.index), ("column", frame.columns))
            for label in index[index.duplicated()].unique()
        ]
        rows, columns = set(frame.index), set(frame.columns)
        if rows != columns:
            only_rows = [r for r in frame.index if r not in columns]
            only_columns = [c for c in frame.columns if c not in rows]
            found.append(
                Problem(
                    where,
                    "rows and columns must list the same criteria; "
                    f"only in rows: {only_rows}, only in columns: {only_columns}",
                )
            )
        if found:
            return frame, found
        return frame.loc[:, list(frame.index)], []
    array = np.asarray(matrix, dtype=object)
    if array.ndim != 2 or array.shape[0] != array.shape[1]:
        return pd.DataFrame(), [Problem(where, f"must be square; it has shape {array.shape}")]
    labels = range(array.shape[0])
    return pd.DataFrame(array, index=labels, columns=labels), []


def _judgements(
    matrix: Matrix, *, saaty_scale: bool, tolerance: float, where: str = "comparison matrix"
) -> tuple[pd.DataFrame, list[Problem]]:
    """Validate a comparison matrix; return it as floats (NaN = skipped) and its problems.

    Every bad cell is reported, named ``row a, column b`` (prefixed by ``where`` for a group
    member), so a facilitator fixes them all in one pass.
    """
    frame, found = _as_frame(matrix, where)
    if found:
        return frame, found
    if frame.shape[0] == 0:
        return frame, [Problem(where, "is empty; compare at least one criterion")]
    cells = _Cells(list(frame.index), "" if where == "comparison matrix" else f"{where}: ")
    values, bad = _numbers(frame.to_numpy(dtype=object), cells, found)
    found += _diagonal_problems(values, bad, cells)
    found += _reciprocal_problems(values, bad, cells, tolerance)
    if saaty_scale:
        found += _scale_problems(values, cells, tolerance)
    labels = pd.Index(cells.labels)
    result = pd.DataFrame(values, index=labels, columns=labels)
    return result.rename_axis(index="criterion", columns=None), found


@attrs.frozen
class _Cells:
    """The names of a comparison matrix's cells in problems: ``row a, column b`` after the
    ``prefix`` that says which group member's matrix it is (``""`` for a single matrix)."""

    labels: _Labels
    prefix: str

    def name(self, i: int, j: int) -> str:
        """The name of cell (i, j) in a problem's ``where``."""
        return self.prefix + _cell(self.labels, i, j)


def _numbers(
    raw: npt.NDArray[Any], cells: _Cells, found: list[Problem]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """The cells as floats (NaN = skipped, or bad) and the mask of the bad ones, reported in
    ``found`` row by row: not a number, or not positive."""
    n = raw.shape[0]
    values = np.full((n, n), math.nan)
    bad = np.zeros((n, n), dtype=bool)  # cells already reported
    for i in range(n):
        for j in range(n):
            number, what = _number(raw[i, j])
            if what:
                found.append(Problem(cells.name(i, j), what))
                bad[i, j] = True
            else:
                values[i, j] = number
    return values, bad


def _number(value: Any) -> tuple[float, str]:
    """A cell's value as a positive number or NaN (skipped), with ``""``; else NaN and what
    is wrong with it."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan, f"{value!r} is not a number"
    if not (math.isnan(number) or (math.isfinite(number) and number > 0)):
        return math.nan, f"{number:g} must be a positive number"
    return number, ""


def _diagonal_problems(
    values: npt.NDArray[np.float64], bad: npt.NDArray[np.bool_], cells: _Cells
) -> list[Problem]:
    """A diagonal cell not already reported that is not 1 (``a_ii = 1``)."""
    found = []
    for i in range(values.shape[0]):
        diagonal = values[i, i]
        if not bad[i, i] and not math.isclose(diagonal, 1.0, rel_tol=1e-9):
            what = "is blank" if math.isnan(diagonal) else f"is {diagonal:g}"
            found.append(
                Problem(cells.name(i, i), f"{what}; a criterion compared with itself must be 1")
            )
    return found


def _reciprocal_problems(
    values: npt.NDArray[np.float64],
    bad: npt.NDArray[np.bool_],
    cells: _Cells,
    tolerance: float,
) -> list[Problem]:
    """Each pair of cells, neither already reported, that breaks ``a_ij = 1/a_ji``: one of
    them blank, or their product more than ``tolerance`` away from 1."""
    n = values.shape[0]
    found = []
    for i in range(n):
        for j in range(i + 1, n):
            if bad[i, j] or bad[j, i]:
                continue
            problem = _reciprocal_problem(values, cells, (i, j), tolerance)
            if problem is not None:
                found.append(problem)
    return found


def _reciprocal_problem(
    values: npt.NDArray[np.float64], cells: _Cells, pair: tuple[int, int], tolerance: float
) -> Problem | None:
    """What breaks ``a_ij = 1/a_ji`` for the ``pair`` (i, j) above the diagonal, if anything:
    the blank cell of a half-given pair, else ``a_ji`` when it is not the reciprocal."""
    i, j = pair
    a, b = values[i, j], values[j, i]
    if math.isnan(a) != math.isnan(b):
        blank, given = ((i, j), (j, i)) if math.isnan(a) else ((j, i), (i, j))
        return Problem(
            cells.name(*blank),
            f"is blank but its reciprocal ({_cell(cells.labels, *given)}) is "
            f"{values[given]:g}; give 1/{values[given]:g} here or leave both blank",
        )
    if not math.isnan(a) and abs(a * b - 1) > tolerance:
        return Problem(
            cells.name(j, i),
            f"{b:g} is not the reciprocal of {a:g} ({_cell(cells.labels, i, j)}); "
            f"it should be 1/{a:g} ≈ {1 / a:.4g}",
        )
    return None


def _scale_problems(
    values: npt.NDArray[np.float64], cells: _Cells, tolerance: float
) -> list[Problem]:
    """Each judgement off the diagonal, row by row, that is not on Saaty's scale."""
    n = values.shape[0]
    return [
        Problem(
            cells.name(i, j),
            f"{values[i, j]:g} is not on Saaty's scale (1, 2, …, 9 or 1/2, …, 1/9)",
        )
        for i in range(n)
        for j in range(n)
        if i != j and not math.isnan(values[i, j]) and not _on_scale(values[i, j], tolerance)
    ]


def _on_scale(x: float, tolerance: float) -> bool:
    return any(abs(x / s - 1) <= tolerance for s in SAATY_SCALE)


def _nearest_on_scale(x: float) -> float:
    return min(SAATY_SCALE, key=lambda s: abs(math.log(x / s)))


def _perron(matrix: npt.NDArray[np.float64]) -> tuple[float, npt.NDArray[np.float64]]:
    """Principal eigenvalue and eigenvector (normalised to sum 1) of a non-negative
    irreducible matrix (Perron–Frobenius: real, simple, with a positive eigenvector)."""
    values, vectors = np.linalg.eig(matrix)
    k = int(np.argmax(values.real))
    vector = np.abs(vectors[:, k].real)
    return float(values[k].real), vector / vector.sum()


def _disconnected(given: npt.NDArray[np.bool_], labels: _Labels) -> list[Problem]:
    """A problem naming the groups of criteria if the comparisons made do not connect them
    all (a search of the graph with an edge for every comparison made)."""
    n = len(labels)
    group = np.full(n, -1)
    count = 0
    for start in range(n):
        if group[start] >= 0:
            continue
        group[start], queue = count, [start]
        while queue:
            i = queue.pop()
            for j in np.flatnonzero(given[i] & (group < 0)):
                group[j] = count
                queue.append(int(j))
        count += 1
    if count == 1:
        return []
    groups = [[labels[i] for i in np.flatnonzero(group == g)] for g in range(count)]
    return [
        Problem(
            "comparison matrix",
            f"the comparisons given split the criteria into {count} unconnected groups "
            f"{groups}; compare at least one criterion of each group with one of another "
            "so that the weights of the groups can be related (Harker 1987)",
        )
    ]


def _solve(judgements: pd.DataFrame, ri: float | None) -> AhpResult:
    """Weights of a validated, reciprocal matrix (NaN pairs completed by Harker's method)."""
    a = judgements.to_numpy(dtype=float)
    n = a.shape[0]
    given = ~np.isnan(a)
    problems = _disconnected(given & ~np.eye(n, dtype=bool), list(judgements.index))
    if problems:
        raise ValidationError("Incomplete comparison matrix cannot be solved", problems)
    harker = np.where(given, a, 0.0)
    harker[np.diag_indices(n)] += (~given).sum(axis=1)
    lambda_max, w = _perron(harker)
    completed = np.where(given, a, np.outer(w, 1.0 / w))
    labels = judgements.index
    return AhpResult(
        matrix=judgements,
        completed=pd.DataFrame(completed, index=labels, columns=judgements.columns),
        weights=pd.Series(w, index=labels, name="weight"),
        lambda_max=lambda_max,
        random_index=random_index(n) if ri is None else float(ri),
    )


def _reconciled(judgements: pd.DataFrame) -> pd.DataFrame:
    """Make near-reciprocal judgements exactly reciprocal: ``a'_ij = sqrt(a_ij / a_ji)``,
    the geometric mean of ``a_ij`` and ``1/a_ji`` (NaN pairs stay NaN)."""
    a = judgements.to_numpy(dtype=float)
    exact = np.sqrt(a / a.T)
    return pd.DataFrame(exact, index=judgements.index, columns=judgements.columns)


def ahp(
    matrix: Matrix,
    *,
    saaty_scale: bool = False,
    random_index: float | None = None,
    tolerance: float = RECIPROCAL_TOLERANCE,
) -> AhpResult:
    """AHP weights, λ_max, CI and CR of a reciprocal pairwise comparison matrix (Saaty 1980).

    ``matrix[i][j]`` says how many times more important criterion ``i`` is than ``j``. A
    DataFrame's row and column labels name the criteria (rows and columns must list the same
    criteria; columns are put in row order); a plain array is labelled 0…n−1. NaN in both
    ``a_ij`` and ``a_ji`` marks a skipped comparison, completed by Harker's method (see the
    module docstring).

    Checks, each bad cell reported as ``row a, column b`` in one
    :class:`~crmselect.errors.ValidationError`: square and non-empty; every entry a positive
    finite number or a NaN pair; diagonal 1; ``|a_ij · a_ji − 1| ≤ tolerance`` (pairs within
    it are made exactly reciprocal by ``a_ij ← sqrt(a_ij / a_ji)``); with
    ``saaty_scale=True``, every entry one of 1…9 or 1/2…1/9 (within ``tolerance``).
    ``random_index`` overrides RI(n) — needed for a CR when ``n > 10``.

    >>> import pandas as pd
    >>> names = ["price", "fit", "partner"]
    >>> result = ahp(pd.DataFrame([[1, 3, 5], [1/3, 1, 2], [1/5, 1/2, 1]], names, names))
    >>> result.weights.round(3).to_dict()
    {'price': 0.648, 'fit': 0.23, 'partner': 0.122}
    >>> round(result.consistency_ratio, 4), result.is_consistent
    (0.0032, True)
    """
    judgements, found = _judgements(matrix, saaty_scale=saaty_scale, tolerance=tolerance)
    if found:
        raise ValidationError("Invalid pairwise comparison matrix", found)
    return _solve(_reconciled(judgements), random_index)


def group_ahp(
    matrices: Sequence[Matrix] | Mapping[str, Matrix],
    weights: Sequence[float] | Mapping[str, float] | None = None,
    *,
    saaty_scale: bool = False,
    random_index: float | None = None,
    tolerance: float = RECIPROCAL_TOLERANCE,
) -> AhpResult:
    """AHP of a group: members' judgements aggregated by the weighted geometric mean.

    ``a_ij = Π_k a_ij^(k)^(α_k)`` with member weights ``α_k ≥ 0`` normalised to sum 1
    (equal by default) — the aggregation of individual judgements of Aczél & Saaty (1983),
    which keeps the group matrix reciprocal and, if every member is consistent with weights
    ``w^(k)``, gives the normalised weighted geometric mean of the ``w^(k)``. A comparison
    some members skipped (NaN) is the geometric mean over the members who made it (their
    weights renormalised); one that nobody made stays NaN and is completed by Harker's
    method.

    ``matrices`` is a sequence of matrices, or a mapping from member id to matrix (then
    ``weights``, if given, must be keyed by the same ids). Every member must compare the
    same criteria (DataFrames are aligned by label to the first member's order). All
    members' problems are reported together, each prefixed with the member.

    >>> import numpy as np
    >>> group = group_ahp({"ann": [[1, 4], [1/4, 1]], "bob": [[1, 1], [1, 1]]})
    >>> group.weights.round(4).tolist(), float(group.matrix.iloc[0, 1])
    ([0.6667, 0.3333], 2.0)
    """
    members: list[Hashable]
    if isinstance(matrices, Mapping):
        members, given = list(matrices), list(matrices.values())
    else:
        given = list(matrices)
        members = list(range(len(given)))
    found: list[Problem] = []
    if not given:
        found.append(Problem("group", "there are no members' matrices"))
    alpha = _member_weights(members, weights, found)
    frames: list[pd.DataFrame] = []
    for member, matrix in zip(members, given, strict=True):
        frame, problems = _judgements(
            matrix, saaty_scale=saaty_scale, tolerance=tolerance, where=f"member {member!r}"
        )
        found += problems
        frames.append(frame)
    first: _Labels = list(frames[0].index) if frames and not found else []
    for member, frame in zip(members, frames, strict=True):
        if first and set(frame.index) != set(first):
            found.append(
                Problem(
                    f"member {member!r}",
                    f"compares {list(frame.index)}, not the same criteria as the "
                    f"first member {first}",
                )
            )
    if found:
        raise ValidationError("Invalid group of comparison matrices", found)

    logs = np.stack([np.log(_reconciled(f).loc[first, first].to_numpy()) for f in frames])
    present = ~np.isnan(logs)
    share = np.where(present, alpha[:, None, None], 0.0)
    with np.errstate(invalid="ignore"):  # 0/0 where no member made a comparison: stays NaN
        mean_log = (np.where(present, logs, 0.0) * share).sum(axis=0) / share.sum(axis=0)
    labels = pd.Index(first, name="criterion")
    return _solve(pd.DataFrame(np.exp(mean_log), index=labels, columns=first), random_index)


def _member_weights(
    members: list[Hashable],
    weights: Sequence[float] | Mapping[str, float] | None,
    found: list[Problem],
) -> npt.NDArray[np.float64]:
    """Member weights as an array aligned with ``members``, normalised to sum 1."""
    if weights is None:
        return np.full(len(members), 1.0 / max(len(members), 1))
    if isinstance(weights, Mapping):
        missing = [m for m in members if m not in weights]
        extra = [k for k in weights if k not in members]
        if missing or extra:
            found.append(
                Problem(
                    "member weights",
                    f"must be keyed by the members {members}; missing: {missing}, unknown: {extra}",
                )
            )
            return np.full(len(members), math.nan)
        by_member = cast(Mapping[Hashable, float], weights)
        values = [by_member[m] for m in members]
    else:
        values = list(weights)
        if len(values) != len(members):
            found.append(
                Problem(
                    "member weights",
                    f"there are {len(values)} weights for {len(members)} members",
                )
            )
            return np.full(len(members), math.nan)
    alpha = np.asarray(values, dtype=float)
    if not (np.all(np.isfinite(alpha)) and np.all(alpha >= 0) and alpha.sum() > 0):
        found.append(
            Problem("member weights", f"{values} must be non-negative with a positive sum")
        )
        return alpha
    normalised: npt.NDArray[np.float64] = alpha / alpha.sum()
    return normalised


def pairwise_matrix(
    judgements: Mapping[tuple[str, str], float],
    labels: Sequence[str] | None = None,
) -> pd.DataFrame:
    """A reciprocal comparison matrix from pairwise judgements, the way a facilitator notes
    them: ``{("price", "fit"): 3}`` means *price is 3 times as important as fit*.

    ``labels`` fixes the criteria and their order (default: order of first mention);
    pairs not judged are NaN in both cells, ready for :func:`ahp` (Harker's completion).

    >>> matrix = pairwise_matrix({("a", "b"): 3, ("b", "c"): 2, ("a", "c"): 6})
    >>> round(float(matrix.loc["c", "a"]), 4)
    0.1667
    """
    order = list(labels) if labels is not None else _first_mentions(judgements)
    found = _judgement_problems(judgements, order)
    if found:
        raise ValidationError("Invalid pairwise judgements", found)
    # positions of each label (a label given twice fills all its rows and columns, as
    # ``frame.loc[label, …]`` would); the cells are set in a numpy array, not one ``.loc``
    # set per judgement (540 sets, 0.2 s, for the example's workshops)
    at: dict[str, list[int]] = {}
    for position, label in enumerate(order):
        at.setdefault(label, []).append(position)
    values = np.full((len(order), len(order)), math.nan)
    for positions in at.values():
        values[np.ix_(positions, positions)] = 1.0
    for (first, second), value in judgements.items():
        values[np.ix_(at[first], at[second])] = float(value)
        values[np.ix_(at[second], at[first])] = 1.0 / float(value)
    frame = pd.DataFrame(values, index=pd.Index(order), columns=pd.Index(order))
    return frame.rename_axis(index="criterion")


def _first_mentions(judgements: Mapping[tuple[str, str], float]) -> list[str]:
    """The criteria of the judgements in the order of their first mention."""
    order: list[str] = []
    for pair in judgements:
        order += [label for label in pair if label not in order]
    return order


def _judgement_problems(
    judgements: Mapping[tuple[str, str], float], order: list[str]
) -> list[Problem]:
    """Every problem of the pairwise judgements, judgement by judgement: a criterion
    compared with itself, a pair judged twice (in either direction), a criterion not among
    ``order``, a value that is not a positive number."""
    found: list[Problem] = []
    seen: set[frozenset[str]] = set()
    for first, second in judgements:
        where = f"judgement ({first!r}, {second!r})"
        key = frozenset((first, second))
        if first == second:
            found.append(Problem(where, "compares a criterion with itself; leave it out"))
        elif key in seen:
            found.append(Problem(where, "the pair is judged twice; keep one direction"))
        found += [
            Problem(where, f"{label!r} is not one of the criteria {order}")
            for label in (first, second)
            if label not in order
        ]
        value = judgements[first, second]
        if not (isinstance(value, numbers.Real) and math.isfinite(value) and value > 0):
            found.append(Problem(where, f"{value!r} must be a positive number"))
        seen.add(key)
    return found


@attrs.frozen(eq=False, repr=False)
class AhpResult:
    """What :func:`ahp` computed, with the judgements it came from.

    ``matrix``: the judgements as given (exactly reciprocal, NaN where skipped);
    ``completed``: the same with skipped comparisons filled by ``w_i / w_j`` (Harker);
    ``weights``: principal eigenvector, sum 1, indexed by criterion; ``lambda_max``;
    ``random_index``: the RI used. CI, CR and the consistency verdict derive from them.
    """

    matrix: pd.DataFrame
    completed: pd.DataFrame
    weights: pd.Series
    lambda_max: float
    random_index: float

    @property
    def n(self) -> int:
        """Number of criteria compared."""
        return len(self.weights)

    @property
    def missing(self) -> int:
        """Number of comparisons (pairs) that were skipped and completed by Harker's method."""
        return int(np.isnan(self.matrix.to_numpy(dtype=float)).sum()) // 2

    @property
    def consistency_index(self) -> float:
        """``CI = (λ_max − n) / (n − 1)``; 0 for ``n = 1``."""
        return 0.0 if self.n < 2 else max((self.lambda_max - self.n) / (self.n - 1), 0.0)

    @property
    def consistency_ratio(self) -> float:
        """``CR = CI / RI(n)``; 0 for ``n ≤ 2``; NaN when RI is unknown (``n > 10``)."""
        if self.n <= 2:
            return 0.0
        return self.consistency_index / self.random_index if self.random_index > 0 else math.nan

    @property
    def is_consistent(self) -> bool:
        """``CR ≤ 0.10`` (False when CR is unknown). A warning sign, never an error."""
        return bool(self.consistency_ratio <= CONSISTENCY_LIMIT)

    def inconsistent_judgements(self, top: int | None = None) -> pd.DataFrame:
        """The judgements that contribute most to the inconsistency, worst first.

        For every comparison made (``i`` before ``j`` in criterion order), the error
        ``ε_ij = a_ij · w_j / w_i`` is 1 when the judgement agrees with the weights; the
        table is sorted by ``|ln ε_ij|`` (Saaty 2003). Columns: ``judgement`` (``a_ij``),
        ``consistent`` (``w_i / w_j``, the value that would agree with the weights),
        ``suggestion`` (the nearest value on Saaty's scale), ``error`` (``ε_ij``),
        ``log_error`` (``|ln ε_ij|``); indexed by (``row``, ``column``). Revisit the first
        rows with the committee; ``top`` keeps only that many.
        """
        w = self.weights.to_numpy()
        a = self.matrix.to_numpy(dtype=float)
        labels = list(self.weights.index)
        rows: list[dict[str, Any]] = []
        for i in range(self.n):
            for j in range(i + 1, self.n):
                if math.isnan(a[i, j]):
                    continue
                consistent = w[i] / w[j]
                error = a[i, j] / consistent
                rows.append(
                    {
                        "row": labels[i],
                        "column": labels[j],
                        "judgement": a[i, j],
                        "consistent": consistent,
                        "suggestion": _nearest_on_scale(consistent),
                        "error": error,
                        "log_error": abs(math.log(error)),
                    }
                )
        columns = ["row", "column", "judgement", "consistent", "suggestion", "error", "log_error"]
        table = pd.DataFrame(rows, columns=columns).set_index(["row", "column"])
        table = table.sort_values("log_error", ascending=False, kind="stable")
        return table if top is None else table.head(top)

    def to_frame(self) -> pd.DataFrame:
        """One row per criterion, in the matrix's order: ``weight`` and ``rank`` (1 = most
        important, ties share the best rank)."""
        return pd.DataFrame(
            {
                "weight": self.weights,
                "rank": self.weights.rank(ascending=False, method="min").astype(int),
            }
        )

    def _verdict(self) -> str:
        cr = self.consistency_ratio
        if math.isnan(cr):
            return "CR unknown (no RI for n > 10)"
        state = "consistent" if self.is_consistent else "inconsistent: revisit judgements"
        return f"CR={cr:.3f} ({state})"

    def __repr__(self) -> str:
        return f"<AhpResult n={self.n}, λmax={self.lambda_max:.3f}, {self._verdict()}>"

    def _repr_html_(self) -> str:
        frame = self.to_frame()
        frame["weight"] = frame["weight"].map("{:.3f}".format)
        caption = (
            f"AHP weights — λmax {self.lambda_max:.3f}, CI {self.consistency_index:.3f}, "
            f"{self._verdict()}"
            + (f", {self.missing} comparison(s) completed (Harker)" if self.missing else "")
        )
        return html_table(frame, caption=caption)
