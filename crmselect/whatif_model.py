"""The committee's cockpit, without a screen: weights and scores moved by hand, and what that
does to the ranking (pure; the widget of :mod:`crmselect.whatif_widget` is a view over it).

A :class:`WhatIf` is an immutable state; every move returns a new one:

* **Weights** are held as normalised *local* weights ``x_j`` (each sibling group sums to 1,
  top level first); a leaf's global weight is the product of the local weights on its path,
  ``w_l = Π_{j ∋ l} x_j`` (:func:`crmselect.weights.global_weights`).
* **Moving a weight** (:meth:`WhatIf.set_weight`): node ``k`` gets ``t``; its locked siblings
  ``L`` keep theirs; the free siblings ``F`` share the rest in their current proportions,
  ``x_j(t) = x_j · (1 − Σ_L x − t) / Σ_F x`` (equally when ``Σ_F x = 0``), with ``t`` clipped
  to ``[0, 1 − Σ_L x]`` (so nothing moves when no sibling is free).
* **Score overrides** (:meth:`WhatIf.override`): vendor ``v``'s criterion score ``P_vc`` is
  replaced by a value in [0, 1] — the scoring result's matrix is reused, never re-scored.
* **Totals and ranks**: ``T = P w`` (formula 6 of :mod:`crmselect.scoring`), competition
  ranks among the vendors not knocked out (:func:`crmselect.ranking.rank`).
* **Rank-1 acceptability around the current weights** (:attr:`WhatIf.acceptability`): SMAA-2
  (:func:`crmselect.robustness.smaa`) with Dirichlet weights centred on ``w``
  (concentration ``α₀``, as in :func:`crmselect.analyse`), seeded; computed when first asked —
  the widget asks once the sliders settle.
* **Stability interval of a weight** (:meth:`WhatIf.interval`): moving ``x_k`` as above moves
  the global weights linearly, ``w(t) = w + (t − x_k) d`` with
  ``d = s_p (u_k − Σ_F c_j u_j)`` (``s_p``: the parent's global share, ``u_j``: the leaf
  weights of ``j``'s subtree relative to ``j``, ``c_j = x_j / Σ_F x``), so every total is a
  line ``T_i(t) = T_i + (t − x_k) (P d)_i``; the winner ``a`` holds until a challenger ``i``
  draws level at ``t* = x_k + (T_a − T_i) / ((P d)_i − (P d)_a)`` — the flip point (closed
  form, as in :func:`crmselect.robustness.stability_intervals`, Wolters & Mareschal 1995).

A what-if is **never the award basis**: :meth:`WhatIf.scenario` puts a named scenario on the
tender's record as a ``what-if`` entry (who, when, why), marked ``award_basis: false``; the
CLI's ``evaluate --weight`` prints a WHAT-IF header (:func:`what_if_header`).

**Leave one evaluator out** (:func:`winners_without_each`): the panel's demo scores
aggregated again without each evaluator in turn (the aggregate's own method, weights,
normalisation and moderated items, :func:`crmselect.consensus.aggregate.combine_draws` with
one panel per evaluator left out), blended with the RFP part and the references as scoring
does, and the winner among the vendors still in the running — the same as scoring the
evaluation :func:`without_evaluator`.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Iterable, Mapping

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from crmselect.analysis import DEFAULT_CONCENTRATION, DEFAULT_SEED, Analysis
from crmselect.consensus.aggregate import PanelAggregate, combine_draws, criterion_means
from crmselect.consensus.moderation import ConsensusScores
from crmselect.display import html_table
from crmselect.errors import CrmselectError, Problem, ValidationError
from crmselect.hashing import canonical_float
from crmselect.model import Criterion, Evaluation
from crmselect.ranking import rank
from crmselect.record import Entry, Event, TenderRecord, eliminated, frozen_basis
from crmselect.robustness import DirichletWeights, SmaaResult, smaa
from crmselect.scoring import ScoreResult, blended, panel_scores, score
from crmselect.tender import Tender, derive

__all__ = [
    "WHAT_IF_SAMPLES",
    "WeightInterval",
    "WhatIf",
    "parse_weights",
    "what_if",
    "what_if_header",
    "what_if_tender",
    "winners_without_each",
    "without_evaluator",
]

WHAT_IF_SAMPLES = 5_000
"""SMAA samples of the live acceptability (± 1.4 points at 95 % for a share near 50 %)."""
TIE = 1e-12
"""Totals (and slopes) closer than this are equal."""

FloatArray = npt.NDArray[np.float64]


@attrs.frozen
class WeightInterval:
    """How far criterion ``node``'s local weight may move (others as :meth:`WhatIf.set_weight`
    moves them) before the winner changes.

    ``weight``: its local weight now; ``low``–``high``: the range the slider can reach (``high
    = 1 − Σ`` locked siblings); ``lower``–``upper``: the part of it in which ``winner`` stays
    first; ``lower_by`` / ``upper_by``: who draws level at that end (``None``: nobody, the
    interval runs to the end of the range). ``margin``: distance to the nearer flip point
    (inf when there is none).
    """

    node: str
    weight: float
    low: float
    high: float
    lower: float
    upper: float
    lower_by: str | None
    upper_by: str | None
    winner: str

    @property
    def margin(self) -> float:
        ends = [self.weight - self.lower] if self.lower_by is not None else []
        ends += [self.upper - self.weight] if self.upper_by is not None else []
        return min(ends, default=math.inf)

    @property
    def flips(self) -> tuple[tuple[float, str], ...]:
        """The flip points: ``(weight, vendor drawing level there)`` at each end that has one."""
        ends = ((self.lower, self.lower_by), (self.upper, self.upper_by))
        return tuple((at, by) for at, by in ends if by is not None)

    def __str__(self) -> str:
        held = f"{self.winner} stays first for {self.node} at {self.lower:.1%}–{self.upper:.1%}"
        flips = "; ".join(f"{by} draws level at {at:.1%}" for at, by in self.flips)
        return f"{held} (now {self.weight:.1%}" + (f"; {flips})" if flips else ")")


def _groups(roots: tuple[Criterion, ...]) -> dict[str | None, tuple[Criterion, ...]]:
    """Parent id (``None``: the top level) → its children, every inner node of the tree."""
    groups: dict[str | None, tuple[Criterion, ...]] = {None: roots}
    for root in roots:
        for _, node in root.walk():
            if not node.is_leaf:
                groups[node.id] = node.children
    return groups


def _normalised(children: Iterable[Criterion]) -> dict[str, float]:
    """The children's weights as shares of their sum (equal shares when all are 0)."""
    group = tuple(children)
    total = sum(c.weight for c in group)
    return {c.id: c.weight / total if total > 0 else 1.0 / len(group) for c in group}


@attrs.frozen(eq=False, kw_only=True)
class WhatIf:
    """One what-if state over an award basis (module docstring): the local weights, the
    locked ones, the score overrides; ``totals``, ``ranking``, ``acceptability`` and
    :meth:`interval` follow from them. Build one with :func:`what_if`.

    >>> import crmselect
    >>> model = what_if(crmselect.example_tender())
    >>> moved = model.set_weight("commercial", 0.5)
    >>> round(sum(moved.local[c.id] for c in model.basis.evaluation.criteria), 12)
    1.0
    >>> moved.winners, moved.is_basis, moved.reset().is_basis
    (('kestrel',), False, True)
    """

    basis: ScoreResult
    """The award basis as scored (eliminated vendors out, like knocked-out ones)."""
    local: Mapping[str, float]
    """Every criterion id → its normalised local weight."""
    locked: frozenset[str] = frozenset()
    overrides: Mapping[tuple[str, str], float] = attrs.field(factory=dict)
    """(vendor, leaf criterion) → the score ``P_vc`` used instead of the basis's."""
    moved: str | None = None
    """The criterion moved last (its interval is the one the widget draws)."""
    record: TenderRecord | None = None
    """The tender's record (``None``: a plain evaluation, with no record to save to)."""
    seed: int = DEFAULT_SEED
    n_samples: int = WHAT_IF_SAMPLES
    concentration: float = DEFAULT_CONCENTRATION

    # -- the tree --------------------------------------------------------------------------

    @functools.cached_property
    def groups(self) -> dict[str | None, tuple[str, ...]]:
        """Parent id (``None``: the top level) → the ids of its children, in tree order."""
        return {
            parent: tuple(c.id for c in children)
            for parent, children in _groups(self.basis.evaluation.criteria).items()
        }

    @functools.cached_property
    def parent(self) -> dict[str, str | None]:
        """Criterion id → its parent's id (``None`` at the top level)."""
        return {child: p for p, children in self.groups.items() for child in children}

    @functools.cached_property
    def labels(self) -> dict[str, str]:
        """Criterion id → its label."""
        return {c.id: c.label for c in self.basis.evaluation.criteria_by_id().values()}

    @functools.cached_property
    def vendors(self) -> tuple[str, ...]:
        return tuple(str(v) for v in self.basis.matrix.index)

    @functools.cached_property
    def leaves(self) -> tuple[str, ...]:
        return tuple(str(c) for c in self.basis.weights.index)

    @functools.cached_property
    def _position(self) -> dict[str, int]:
        """Leaf id → its column in :attr:`matrix`."""
        return {leaf: i for i, leaf in enumerate(self.leaves)}

    @functools.cached_property
    def _in_running(self) -> npt.NDArray[np.bool_]:
        """Per vendor (evaluation order): in the running."""
        return np.array([v not in self.basis.knocked_out for v in self.vendors])

    @functools.cached_property
    def eligible(self) -> pd.Series:
        """Vendor → not knocked out (nor eliminated)."""
        return pd.Series({v: v not in self.basis.knocked_out for v in self.vendors})

    def _subtree(self, node: str | None, local: Mapping[str, float]) -> FloatArray:
        """``u``: the leaves' weights within ``node``'s subtree relative to ``node`` (the
        global weights for ``None``), zero outside it."""
        out = np.zeros(len(self.leaves))
        position = self._position

        def descend(at: str | None, share: float) -> None:
            if at is not None and at in position:
                out[position[at]] = share
                return
            for child in self.groups[at]:
                descend(child, share * local[child])

        descend(node, 1.0)
        return out

    # -- the moves -------------------------------------------------------------------------

    def set_weight(self, node: str, value: float) -> WhatIf:
        """Criterion ``node``'s local weight set to ``value`` (clipped to what the locks
        leave), its free siblings rescaled in proportion (module docstring)."""
        node = self._known(node)
        siblings = self.groups[self.parent[node]]
        free = [j for j in siblings if j != node and j not in self.locked]
        if not free:
            return attrs.evolve(self, moved=node)
        room = 1.0 - sum(self.local[j] for j in siblings if j != node and j in self.locked)
        t = min(max(float(value), 0.0), max(room, 0.0))
        local = dict(self.local)
        local[node] = t
        local.update(_shared(free, self.local, room - t))
        return attrs.evolve(self, local=local, moved=node)

    def set_weights(self, values: Mapping[str, float]) -> WhatIf:
        """Several local weights at once (the CLI's ``--weight``): in each sibling group the
        criteria named get their value and the others share the rest in proportion; refused
        (naming each group) when a group's values add up to more than 1, or to less than 1
        with no other criterion to take the rest."""
        for node in values:
            self._known(node)
        local = dict(self.local)
        problems = []
        for parent, siblings in self.groups.items():
            given = {j: float(values[j]) for j in siblings if j in values}
            if not given:
                continue
            rest = [j for j in siblings if j not in given]
            left = 1.0 - sum(given.values())
            where = f"--weight ({parent or 'top level'}: {', '.join(given)})"
            if left < -1e-9 or (not rest and abs(left) > 1e-9):
                problems.append(
                    Problem(
                        where,
                        f"the weights given add up to {1 - left:.1%}; they must leave room "
                        f"for {', '.join(rest)}"
                        if rest
                        else f"add up to {1 - left:.1%}, not 100%",
                    )
                )
                continue
            local.update(given)
            local.update(_shared(rest, self.local, max(left, 0.0)))
        if problems:
            raise ValidationError("Cannot set these what-if weights", problems)
        return attrs.evolve(self, local=local, moved=next(iter(values), self.moved))

    def lock(self, node: str, locked: bool = True) -> WhatIf:
        """``node``'s weight locked (kept when a sibling moves) or unlocked."""
        node = self._known(node)
        held = self.locked | {node} if locked else self.locked - {node}
        return attrs.evolve(self, locked=frozenset(held))

    def override(self, vendor: str, criterion: str, value: float | None) -> WhatIf:
        """Vendor ``vendor``'s score on leaf ``criterion`` set to ``value`` in [0, 1]
        (``None``: back to the basis's score)."""
        if vendor not in self.vendors or criterion not in self.leaves:
            raise ValidationError(
                "Cannot override a score",
                [
                    Problem(
                        f"{vendor}/{criterion}",
                        f"name a vendor ({', '.join(self.vendors)}) and a leaf criterion",
                    )
                ],
            )
        overrides = dict(self.overrides)
        if value is None:
            overrides.pop((vendor, criterion), None)
        elif not (math.isfinite(value) and 0.0 <= value <= 1.0):
            raise ValidationError(
                "Cannot override a score",
                [Problem(f"{vendor}/{criterion}", f"{value!r} is not a score in [0, 1]")],
            )
        else:
            overrides[vendor, criterion] = float(value)
        return attrs.evolve(self, overrides=overrides)

    def reset(self) -> WhatIf:
        """Back to the award basis: its weights, no override, nothing locked."""
        return what_if(
            self.basis,
            record=self.record,
            seed=self.seed,
            n_samples=self.n_samples,
            concentration=self.concentration,
        )

    def _known(self, node: str) -> str:
        if node not in self.parent:
            raise ValidationError(
                "Unknown criterion",
                [Problem(str(node), f"not a criterion; criteria: {', '.join(self.parent)}")],
            )
        return node

    # -- what follows from the state ---------------------------------------------------------

    @functools.cached_property
    def weights(self) -> pd.Series:
        """The global leaf weights ``w`` (sum 1), in the basis's leaf order."""
        values = self._subtree(None, self.local)
        return pd.Series(values, index=self.basis.weights.index, name="weight")

    @functools.cached_property
    def matrix(self) -> FloatArray:
        """The performance matrix ``P`` (vendors × leaves) with the overrides applied."""
        values = self.basis.matrix[list(self.leaves)].to_numpy(dtype=float, copy=True)
        for (vendor, criterion), value in self.overrides.items():
            values[self.vendors.index(vendor), self.leaves.index(criterion)] = value
        return values

    @functools.cached_property
    def totals(self) -> pd.Series:
        """``T = P w`` for every vendor (knocked-out ones too)."""
        values = self.matrix @ self.weights.to_numpy()
        return pd.Series(values, index=pd.Index(self.vendors, name="vendor"), name="total")

    @functools.cached_property
    def ranking(self) -> pd.Series:
        """Competition ranks among the vendors in the running (``<NA>`` for the others)."""
        return rank(self.totals, self.eligible)

    @functools.cached_property
    def winners(self) -> tuple[str, ...]:
        """The vendors ranked first (more than one only on an exact tie)."""
        return tuple(str(v) for v in self.ranking[self.ranking == 1].index)

    @functools.cached_property
    def running(self) -> list[str]:
        """The vendors in the running (not knocked out nor eliminated), in evaluation order."""
        return [v for v in self.vendors if v not in self.basis.knocked_out]

    @functools.cached_property
    def acceptability(self) -> SmaaResult | None:
        """SMAA-2 around the current weights (module docstring); ``None`` with fewer than
        two vendors in the running. Computed on first use (when the sliders settle)."""
        running = self.running
        if len(running) < 2:
            return None
        rows = [self.vendors.index(v) for v in running]
        performance = pd.DataFrame(
            self.matrix[rows],
            index=pd.Index(running, name="vendor"),
            columns=pd.Index(self.leaves, name="criterion"),
        )
        around = DirichletWeights(self.weights, concentration=self.concentration)
        return smaa(performance, around, n_samples=self.n_samples, seed=self.seed, progress=False)

    def interval(self, node: str | None = None) -> WeightInterval | None:
        """The stability interval and flip points of ``node``'s local weight (default: the
        criterion moved last); ``None`` without a node, or with no winner."""
        node = node if node is not None else self.moved
        if node is None or not self.winners:
            return None
        node = self._known(node)
        siblings = self.groups[self.parent[node]]
        free = [j for j in siblings if j != node and j not in self.locked]
        t = self.local[node]
        high = 1.0 - sum(self.local[j] for j in siblings if j != node and j in self.locked)
        winner = self.winners[0]
        if not free:
            return WeightInterval(node, t, t, t, t, t, None, None, winner)
        parent = self.parent[node]
        share = self._share(parent)
        shares = _shared(free, self.local, 1.0)
        d = self._subtree(node, self.local) - sum(
            c * self._subtree(j, self.local) for j, c in shares.items()
        )
        slope = self.matrix @ (share * d)
        return _flip_points(self, node, t, high, slope, winner)

    def _share(self, node: str | None) -> float:
        """The global share of ``node``'s subtree (1 for the top level)."""
        share = 1.0
        while node is not None:
            share *= self.local[node]
            node = self.parent[node]
        return share

    # -- what the committee reads and keeps --------------------------------------------------

    @property
    def changes(self) -> tuple[str, ...]:
        """What differs from the award basis, one line each (empty: this is the basis)."""
        start = _local_weights(self.basis.evaluation.criteria)
        lines = [
            f"weight of {node}: {start[node]:.1%} → {value:.1%} of {parent or 'the total'}"
            for node, value in self.local.items()
            for parent in (self.parent[node],)
            if abs(value - start[node]) > 1e-9
        ]
        basis = self.basis.matrix[list(self.leaves)].to_numpy(dtype=float)
        lines += [
            f"score of {v} on {c}: {was:.3f} → {value:.3f}"
            for (v, c), value in self.overrides.items()
            for was in (float(basis[self.vendors.index(v), self.leaves.index(c)]),)
        ]
        return tuple(lines)

    @property
    def is_basis(self) -> bool:
        return not self.changes

    @property
    def evaluation(self) -> Evaluation:
        """The basis's evaluation with the what-if weights (the score overrides are not part
        of an evaluation: they live in the model and in a saved scenario)."""
        return attrs.evolve(
            self.basis.evaluation, criteria=_with_local(self.basis.evaluation.criteria, self.local)
        )

    def to_frame(self, *, acceptability: bool = True) -> pd.DataFrame:
        """One row per vendor, best first, knocked-out vendors last: ``total``, ``rank``,
        ``basis_total``, ``basis_rank``, ``change`` (total minus the basis's), ``rank_1``
        (rank-1 acceptability around these weights; NaN for a vendor out, or everywhere with
        ``acceptability=False``, which runs no SMAA — the live table while a slider moves)."""
        smaa_run = self.acceptability if acceptability else None
        first = smaa_run.acceptability[1] if smaa_run is not None else pd.Series(dtype=float)
        frame = pd.DataFrame(
            {
                "total": self.totals,
                "rank": self.ranking,
                "basis_total": self.basis.totals,
                "basis_rank": self.basis.ranking,
                "change": self.totals - self.basis.totals,
                "rank_1": first.reindex(self.vendors),
                "knocked_out": ~self.eligible,
            }
        ).rename_axis("vendor")
        return frame.sort_values(["knocked_out", "total"], ascending=[True, False], kind="stable")

    def __repr__(self) -> str:
        leader = ", ".join(self.winners) or "none"
        state = "the award basis" if self.is_basis else f"WHAT-IF, {len(self.changes)} change(s)"
        return f"<WhatIf {self.basis.evaluation.name!r} ({state}): winner {leader}>"

    @property
    def caption(self) -> str:
        """What the state is: the award basis, or a what-if and how many weights and scores
        it changed (:attr:`changes` lists them)."""
        name = self.basis.evaluation.name
        if self.is_basis:
            return f"{name} — the award basis"
        weights = sum(line.startswith("weight of") for line in self.changes)
        scores = len(self.changes) - weights
        return (
            f"WHAT-IF, not the award basis: {name} with {weights} weight(s) and {scores} "
            "score(s) changed"
        )

    def _repr_html_(self) -> str:
        return self.ranks_html()

    def ranks_html(self, *, acceptability: bool = True) -> str:
        """:meth:`to_frame` as an HTML table, knocked-out vendors flagged."""
        frame = self.to_frame(acceptability=acceptability).drop(columns="knocked_out")
        shown = frame.astype(object)
        for column in ("total", "basis_total"):
            shown[column] = frame[column].map("{:.3f}".format)
        shown["change"] = frame["change"].map("{:+.3f}".format)
        shown["rank_1"] = frame["rank_1"].map(lambda v: "–" if v != v else f"{v:.1%}")
        out = [v for v in frame.index if v in self.basis.knocked_out]
        return html_table(shown, caption=self.caption, highlight=out)

    def scenario(self, name: str, *, by: str, reason: str, at: dt.datetime) -> Entry:
        """The record entry of this what-if as the named scenario ``name`` (event
        ``what-if``, marked ``award_basis: false``): the local weights and overrides (12
        significant digits), the changes from the basis, the winner and the award basis's
        fingerprint it departs from; refused without a name, a reason, or a change."""
        if not name.strip() or not reason.strip():
            raise CrmselectError("a what-if scenario needs a name and the reason it was tried")
        if self.is_basis:
            raise CrmselectError("this is the award basis: move a weight or a score first")
        frozen = frozen_basis(self.record) if self.record is not None else None
        data = {
            "name": name,
            "award_basis": False,
            "weights": {node: canonical_float(v) for node, v in self.local.items()},
            "overrides": [
                {"vendor": v, "criterion": c, "score": canonical_float(s)}
                for (v, c), s in self.overrides.items()
            ],
            "changes": list(self.changes),
            "winner": ", ".join(self.winners),
            "basis": frozen.fingerprint if frozen is not None else "",
        }
        return Entry(event=Event.WHAT_IF, at=at, by=by, reason=reason, data=data)


def _shared(free: Iterable[str], local: Mapping[str, float], rest: float) -> dict[str, float]:
    """``rest`` shared among ``free`` in proportion to their ``local`` weights (equally when
    they are all 0)."""
    names = list(free)
    total = sum(local[j] for j in names)
    if total > 0:
        return {j: local[j] * rest / total for j in names}
    return {j: rest / len(names) for j in names}


def _local_weights(roots: tuple[Criterion, ...]) -> dict[str, float]:
    """Every criterion id → its normalised local weight."""
    return {
        c: share
        for children in _groups(roots).values()
        for c, share in _normalised(children).items()
    }


def _with_local(roots: tuple[Criterion, ...], local: Mapping[str, float]) -> tuple[Criterion, ...]:
    """The tree with every node's weight set to ``local``."""
    return tuple(
        attrs.evolve(c, weight=local[c.id], children=_with_local(c.children, local)) for c in roots
    )


def _flip_points(
    model: WhatIf, node: str, t: float, high: float, slope: FloatArray, winner: str
) -> WeightInterval:
    """The interval of the winner along the lines ``T_i + (s − t) slope_i``, ``s ∈ [0, high]``
    (module docstring), over the vendors in the running: challenger ``i`` draws level at
    ``t* = t + (T_a − T_i) / (slope_i − slope_a)``, above ``t`` when it gains faster."""
    vendors = np.array(model.vendors, dtype=object)
    totals = model.totals.to_numpy()
    a = model.vendors.index(winner)
    steep = slope - slope[a]
    rivals = model._in_running & (np.abs(steep) > TIE)
    rivals[a] = False
    with np.errstate(divide="ignore", invalid="ignore"):
        at = t + (totals[a] - totals) / steep
    up = rivals & (steep > 0) & (at <= high + TIE)
    down = rivals & (steep < 0) & (at >= -TIE)
    upper = max(float(at[up].min()), t) if up.any() else high
    lower = min(float(at[down].max()), t) if down.any() else 0.0
    upper_by = vendors[up & (np.abs(at - upper) <= TIE)] if up.any() else []
    lower_by = vendors[down & (np.abs(at - lower) <= TIE)] if down.any() else []
    return WeightInterval(
        node,
        t,
        0.0,
        high,
        lower,
        min(upper, high),
        ", ".join(sorted(map(str, lower_by))) or None,
        ", ".join(sorted(map(str, upper_by))) or None,
        winner,
    )


def what_if(
    source: Tender | Evaluation | ScoreResult | Analysis,
    *,
    record: TenderRecord | None = None,
    seed: int = DEFAULT_SEED,
    n_samples: int = WHAT_IF_SAMPLES,
    concentration: float = DEFAULT_CONCENTRATION,
) -> WhatIf:
    """A what-if at the award basis of ``source``: a tender (derived first if it is not;
    its eliminated vendors out, its record kept for saving scenarios), an evaluation, a
    score or an analysis. ``seed``, ``n_samples`` and ``concentration``: of the live SMAA."""
    if isinstance(source, Analysis):
        source = source.result
    if isinstance(source, Tender):
        tender = source if source.derived else derive(source)
        gone = {
            vendor: f"eliminated at {entry.data['stage']}: {entry.reason}"
            for vendor, entry in eliminated(tender.record).items()
        }
        result, record = score(tender.evaluation, eliminated=gone), tender.record
    elif isinstance(source, Evaluation):
        result = score(source)
    else:
        result = source
    return WhatIf(
        basis=result,
        local=_local_weights(result.evaluation.criteria),
        record=record,
        seed=seed,
        n_samples=n_samples,
        concentration=concentration,
    )


def parse_weights(texts: Iterable[str]) -> dict[str, float]:
    """``ID=VALUE`` texts (the CLI's ``--weight``) → criterion id → local weight: ``30%``
    and ``30`` are percent, ``0.3`` a fraction (a value up to 1 is a fraction; write ``1%``
    for one percent). Every text that is not so is named in one error.

    >>> parse_weights(["commercial=30", "functional=0.4", "price=5%"])
    {'commercial': 0.3, 'functional': 0.4, 'price': 0.05}
    """
    found: dict[str, float] = {}
    problems = []
    for text in texts:
        node, sep, raw = text.partition("=")
        number = raw.strip().removesuffix("%")
        try:
            value = float(number)
        except ValueError:
            value = math.nan
        if not sep or not node.strip() or not (math.isfinite(value) and value >= 0):
            problems.append(
                Problem(f"--weight {text}", "write CRITERION=PERCENT, e.g. commercial=30")
            )
            continue
        fraction = value / 100 if raw.strip().endswith("%") or value > 1 else value
        if fraction > 1:
            problems.append(Problem(f"--weight {text}", "a weight is at most 100%"))
            continue
        found[node.strip()] = fraction
    if problems:
        raise ValidationError("Invalid what-if weights", problems)
    return found


def what_if_header(changes: Iterable[str]) -> str:
    """The first lines of a report on a what-if: that it is one, never the award basis,
    and what was changed."""
    listed = "\n".join(f"  {line}" for line in changes)
    return (
        "WHAT-IF — NOT THE AWARD BASIS: this report uses changed inputs; the award is decided "
        f"on the award basis as recorded.\n{listed}"
    )


def what_if_tender(
    tender: Tender, weights: Iterable[str] = (), drop: Iterable[str] = ()
) -> tuple[Tender, tuple[str, ...]]:
    """The CLI's what-if (``evaluate --weight ID=VALUE --drop-evaluator ID``): ``tender``
    (derived) with the weights :func:`parse_weights` reads set as :meth:`WhatIf.set_weights`
    sets them, and each evaluator of ``drop`` left out (:func:`without_evaluator`); with
    the changes, one line each (none: ``tender`` as it is)."""
    evaluation, changes = tender.evaluation, []
    for evaluator in drop:
        evaluation = without_evaluator(evaluation, evaluator)
        changes.append(f"evaluator {evaluator} left out (their demo scores not counted)")
    given = parse_weights(weights)
    if given:
        model = what_if(attrs.evolve(tender, evaluation=evaluation)).set_weights(given)
        evaluation = model.evaluation
        changes += model.changes
    if not changes:
        return tender, ()
    return attrs.evolve(tender, evaluation=evaluation), tuple(changes)


def without_evaluator(evaluation: Evaluation, evaluator: str) -> Evaluation:
    """``evaluation`` without ``evaluator``: its demo scores and its weight in the panel's
    aggregation removed (the scores agreed in moderation stay: the meeting settled them).
    A reference call the evaluator made stays, with its referee's scores, and no caller:
    the call is the referee's evidence, not the evaluator's score."""
    if evaluator not in {e.id for e in evaluation.evaluators}:
        known = ", ".join(e.id for e in evaluation.evaluators) or "none"
        raise CrmselectError(f"no evaluator {evaluator!r} in the tender (evaluators: {known})")
    how = evaluation.policy.demo_aggregation
    weights = {e: w for e, w in how.evaluator_weights.items() if e != evaluator}
    policy = attrs.evolve(
        evaluation.policy, demo_aggregation=attrs.evolve(how, evaluator_weights=weights)
    )
    references = evaluation.references
    if references is not None:
        calls = [
            attrs.evolve(c, caller="") if c.caller == evaluator else c for c in references.calls
        ]
        references = attrs.evolve(references, calls=calls)
    return attrs.evolve(
        evaluation,
        evaluators=[e for e in evaluation.evaluators if e.id != evaluator],
        demo_scores=[d for d in evaluation.demo_scores if d.evaluator != evaluator],
        policy=policy,
        references=references,
    )


def winners_without_each(result: ScoreResult) -> pd.DataFrame:
    """Per evaluator who gave a demo score, the winner with the panel aggregated without
    them (module docstring): index ``evaluator``, columns ``winner`` (tied winners joined
    by ", ") and ``total``; empty with fewer than two such evaluators."""
    evaluation = result.evaluation
    source = panel_scores(evaluation)
    columns = ["winner", "total"]
    aggregate = source.aggregate if isinstance(source, ConsensusScores) else source
    if aggregate is None or len(aggregate.panel.evaluators) < 2:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="evaluator"))
    demo = _panels_without_each(aggregate, source)
    vendors, criteria = list(result.rfp.index), list(result.rfp.columns)
    draws = np.full((len(demo), len(vendors), len(criteria)), np.nan)
    rows = [vendors.index(v) for v in aggregate.panel.vendors]
    cols = [criteria.index(c) for c in aggregate.panel.criteria]
    draws[np.ix_(range(len(demo)), rows, cols)] = demo
    matrices = blended(evaluation, result.rfp, draws)
    if evaluation.price is not None:  # the bids are not the panel's
        j = criteria.index(evaluation.price.criterion)
        matrices[:, :, j] = result.matrix[evaluation.price.criterion].to_numpy()
    totals = matrices @ result.weights.reindex(criteria).to_numpy()
    running = np.array([v not in result.knocked_out for v in vendors])
    found = []
    for row in np.where(running, totals, -np.inf):
        best = np.flatnonzero(row >= row.max() - TIE)
        found.append((", ".join(vendors[i] for i in best), float(row.max())))
    frame = pd.DataFrame(found, columns=columns, index=pd.Index(aggregate.panel.evaluators))
    return frame.rename_axis("evaluator")


def _panels_without_each(
    aggregate: PanelAggregate, source: PanelAggregate | ConsensusScores | None
) -> FloatArray:
    """Evaluators × vendors × criteria: the demo part (normalised to [0, 1]) of the panel
    without each evaluator in turn, moderated items fixed."""
    panel = aggregate.panel
    m = len(panel.evaluators)
    criteria = panel.items.get_level_values("criterion")
    weights = aggregate.weights.loc[list(panel.evaluators), list(criteria)].to_numpy(dtype=float)
    items = combine_draws(
        aggregate.adjusted.to_numpy(dtype=float),
        weights,
        1.0 - np.eye(m),
        aggregate.method,
        aggregate.trim,
        aggregate.missing_policy,
        panel.scale.minimum,
        min_evaluators=aggregate.min_evaluators,
    )
    if isinstance(source, ConsensusScores):
        position = {k: i for i, k in enumerate(panel.items)}
        for moderation in source.moderations:
            items[:, position[moderation.item]] = moderation.score
    means, _, _ = criterion_means(items, panel)
    return (means - panel.scale.minimum) / panel.width
