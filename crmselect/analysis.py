"""The committee's two questions in one call: who wins, and does the choice hold?

:func:`analyse` scores an evaluation and runs the robustness analysis a committee reads
first (pure: no files, no printing):

* SMAA-2 rank acceptability (:func:`crmselect.robustness.smaa`) with the weights uncertain
  around the committee's own — a Dirichlet distribution centred on them (concentration
  ``concentration``: a weight ``c`` then varies with standard deviation
  ``sqrt(c (1 − c) / (concentration + 1))``, so at 100 a leaf weight of 0.25 by 17 % of itself
  and one of 0.02 by 70 %; the report quotes the range for the tender's own weights);
* the same question under each committee member's own weights, when members judged the
  weights separately (:func:`crmselect.weights.member_weights`): who would win for each;
* the same question with the weights fixed and the demo scores of a different panel —
  evaluators resampled with replacement (:func:`crmselect.consensus.panel_bootstrap`);
* one-at-a-time weight stability intervals and the most sensitive criterion;
* the smallest weight change that lets each challenger catch the winner (Wolters &
  Mareschal 1995);
* with a cost case, the TCO of every offer and the business case of the vendors still in
  the running (:func:`crmselect.cost.analyse_costs`); with a partner setup as well, the
  software × implementation-partner pairs ranked on quality and combined cost
  (:func:`crmselect.cost.rank_pairs`).

With fewer than two vendors left after knock-outs there is nothing to rank, and only the
score is returned.
"""

from __future__ import annotations

import html
import math
from typing import cast

import attrs
import numpy as np
import pandas as pd

from crmselect.consensus import panel_bootstrap
from crmselect.cost.case import CostAnalysis, analyse_costs
from crmselect.cost.partners import PairRanking, PartnerSetup, rank_pairs
from crmselect.display import details, html_table, share_bar, summary_table
from crmselect.errors import Problem, ValidationError
from crmselect.model import Evaluation
from crmselect.record import BasisStatus, basis_status, eliminated
from crmselect.robustness import (
    DirichletWeights,
    PerformanceDraws,
    SmaaResult,
    WeightChange,
    describe,
    flip_table,
    min_weight_change,
    smaa,
    stability_intervals,
)
from crmselect.scoring import (
    ScoreResult,
    blended,
    panel_scores,
    score,
)
from crmselect.tender import Tender, derive
from crmselect.weights import member_weights

DEFAULT_SEED = 20_261_123
DEFAULT_SAMPLES = 10_000
DEFAULT_CONCENTRATION = 100.0
PANEL_DRAWS = 1_000
"""Bootstrap panels drawn for the panel robustness question."""


@attrs.frozen(eq=False, kw_only=True)
class Analysis:
    """The score and the robustness results computed from it (``None`` when not run: with
    fewer than two vendors left after knock-outs only ``result``, ``costs`` and ``pairs``).

    Shown as its headline (:meth:`to_frame`): the winner, how often it ranks first when the
    weights are uncertain, the closest challenger, the most sensitive weight, the closest
    flip, and the panel, cost and partner lines when they were run.
    """

    result: ScoreResult
    smaa: SmaaResult | None = None
    member_winners: pd.Series | None = None
    stability: pd.DataFrame | None = None
    flips: pd.DataFrame | None = None
    closest_flip: WeightChange | None = None
    concentration: float = DEFAULT_CONCENTRATION
    costs: CostAnalysis | None = None
    panel: SmaaResult | None = None
    """Rank acceptability with the committee's weights fixed and the demo scores drawn from a
    bootstrap over evaluators: would a different panel choose differently?"""
    pairs: PairRanking | None = None
    """Software × implementation-partner pairs, when a partner setup was given."""
    basis: BasisStatus | None = None
    """How the analysed evaluation stands to the tender's frozen award basis (``None``: a
    plain evaluation, checked against no record). With changes not on the record, the
    analysis is a *what-if*, and says so wherever it is shown."""

    @property
    def what_if(self) -> bool:
        """Whether the analysed evaluation differs from the award basis as recorded."""
        return self.basis is not None and bool(self.basis.unrecorded)

    @property
    def most_sensitive(self) -> str | None:
        """The criterion whose weight needs the smallest change to change the winner."""
        if self.stability is None or self.stability.empty:
            return None
        margins = self.stability["margin"].astype(float)
        if not margins.map(math.isfinite).any():
            return None
        return str(margins.idxmin())

    @property
    def challenger(self) -> str | None:
        """The vendor with the highest rank-1 acceptability after the winner."""
        if self.smaa is None:
            return None
        first = self.smaa.acceptability[1].sort_values(ascending=False, kind="stable")
        return str(first.index[1]) if len(first) > 1 else None

    def to_frame(self) -> pd.DataFrame:
        """The headline, one row per finding (index ``finding``; the rows of what was run):
        ``winner`` (its total), ``rank-1 acceptability`` (the winner's), ``challenger`` (its
        rank-1 acceptability), ``most sensitive weight`` (the weight change that changes the
        winner), ``closest flip`` (the Σ|Δw| the closest challenger needs), ``members`` and
        ``panel`` (how often the winner stays first), ``lowest TCO``, ``business case`` (NPV),
        ``best pair`` (total); with fewer than two vendors ranked, ``robustness`` says so.
        A tender's analysis has ``award basis`` second: "as frozen", or a *what-if* with the
        number of changes from the basis that are not on the record.
        Columns: ``subject`` (the vendor, criterion or pair), ``value`` (its number, NaN
        when none) and ``detail`` (what the number is)."""
        rows: list[Row] = [_winner_row(self.result)]
        if self.basis is not None:
            rows.append(_basis_row(self.basis))
        if self.smaa is None:
            rows.append(
                ("robustness", None, math.nan, "not run: fewer than two vendors are ranked")
            )
        else:
            rows += _robustness_rows(self, self.smaa)
        rows += _money_rows(self.costs, self.pairs)
        frame = pd.DataFrame(
            [row[1:] for row in rows],
            index=pd.Index([row[0] for row in rows], name="finding"),
            columns=["subject", "value", "detail"],
        )
        return frame.astype({"value": float})

    def __repr__(self) -> str:
        frame = self.to_frame()
        parts = [f"winner {', '.join(self.result.winners) or 'none'}"]
        for finding, shown in _IN_REPR.items():
            if finding in frame.index:
                subject, value = frame.loc[finding, "subject"], _number(frame.loc[finding, "value"])
                parts.append(shown.format(subject=subject, value=value))
        marker = " WHAT-IF (not the award basis)" if self.what_if else ""
        return f"<Analysis {self.result.evaluation.name!r}{marker}: {', '.join(parts)}>"

    def _repr_html_(self) -> str:
        """The headline as a summary (:meth:`to_frame`'s rows, shares as bars), then each
        part's own table folded behind it: rank acceptability, stability intervals, flips,
        the members' winners, the panel, costs and pairs — those that were run."""
        frame = self.to_frame()
        rows = [
            (
                str(finding),
                "" if row["subject"] is None else str(row["subject"]),
                _shown(str(finding), _number(row["value"])),
                str(row["detail"]),
            )
            for finding, row in frame.iterrows()
        ]
        caption = f"{self.result.evaluation.name} — who wins, and does the choice hold?"
        if self.what_if:
            caption = f"WHAT-IF, not the award basis: {caption}"
        if self.smaa is not None:
            caption += f" (SMAA-2 seed {self.smaa.seed})"
        folded = "".join(details(title, body) for title, body in self._parts())
        return summary_table(rows, caption) + folded

    def _parts(self) -> list[tuple[str, str]]:
        """The detailed tables behind the summary, each with its summary line."""
        parts = [("Totals and ranks", self.result._repr_html_())]
        if self.smaa is not None:
            parts.append(("Rank acceptability (SMAA-2)", self.smaa._repr_html_()))
        if self.stability is not None:
            caption = "Weight range in which the winner stays first (others scaled)"
            parts.append(("Stability intervals", html_table(self.stability, caption=caption)))
        if self.flips is not None:
            caption = "Smallest weight change that lets each challenger draw level"
            parts.append(("Flips", html_table(self.flips, caption=caption)))
        if self.member_winners is not None:
            members = self.member_winners.to_frame()
            caption = "Who wins under each member's own weights"
            parts.append(("Members' winners", html_table(members, caption=caption)))
        if self.panel is not None:
            parts.append(("A different panel (evaluators resampled)", self.panel._repr_html_()))
        if self.costs is not None:
            parts.append(("Costs and business case", self.costs._repr_html_()))
        if self.pairs is not None:
            parts.append(("Software × partner pairs", self.pairs._repr_html_()))
        return parts


def _shown(finding: str, value: float) -> str:
    """A finding's value as summary HTML: a share as a bar, another number as written by
    :data:`_VALUE_FORMATS`, NaN as ``–``."""
    if math.isnan(value):
        return "–"
    if finding in _SHARES:
        return share_bar(value)
    return html.escape(_VALUE_FORMATS.get(finding, "{:.3f}").format(value))


_SHARES = frozenset({"rank-1 acceptability", "challenger", "members", "panel"})
"""The findings whose value is a share, drawn as a bar in the summary."""


Row = tuple[str, str | None, float, str]
"""One finding of :meth:`Analysis.to_frame`: name, subject, value, detail."""


def _basis_row(basis: BasisStatus) -> Row:
    """``award basis``: whether the evaluation analysed is the tender's frozen basis; the
    value is the number of changes from it not on the record."""
    if basis.frozen is None:
        return ("award basis", None, math.nan, "not frozen yet (crmselect issue)")
    if basis.unrecorded:
        count = len(basis.unrecorded)
        detail = f"WHAT-IF: {count} change(s) from the award basis, not on the record"
        return ("award basis", basis.frozen[:12], float(count), detail)
    recorded = f", {len(basis.recorded)} deviation(s) on the record" if basis.recorded else ""
    return ("award basis", basis.frozen[:12], 0.0, f"as frozen{recorded}")


_VALUE_FORMATS = {
    "closest flip": "{:.4f}",
    "lowest TCO": "{:,.0f}",
    "business case": "{:,.0f}",
}
"""How :meth:`Analysis._repr_html_` writes a finding's value that is not a share (others: 3
decimals)."""

_IN_REPR = {
    "rank-1 acceptability": "first in {value:.1%} of SMAA samples",
    "most sensitive weight": "most sensitive weight {subject} (±{value:.3f})",
    "closest flip": "closest flip {subject} (Σ|Δw| = {value:.3f})",
    "robustness": "robustness not run (fewer than two vendors ranked)",
}
"""The findings :meth:`Analysis.__repr__` names, and how."""


def _number(value: object) -> float:
    """A table cell known to hold a number (pandas types cells as a wide union)."""
    return float(cast(float, value))


def _winner_row(result: ScoreResult) -> Row:
    winners = result.winners
    out = len(result.knocked_out)
    detail = "weighted total (0–1)" + (
        f"; {out} of {len(result.totals)} vendors knocked out" if out else ""
    )
    total = float(result.totals[winners[0]]) if winners else math.nan
    return ("winner", ", ".join(winners) or None, total, detail)


def _robustness_rows(analysis: Analysis, smaa: SmaaResult) -> list[Row]:
    """The SMAA, stability, flip, member and panel findings (the winner is ranked)."""
    winner = analysis.result.winners[0]
    first = smaa.acceptability[1]
    error = 1.96 * _number(smaa.standard_errors.loc[winner, 1])
    rows: list[Row] = [
        (
            "rank-1 acceptability",
            winner,
            float(first[winner]),
            f"ranks first in this share of {smaa.n_samples:,} SMAA-2 samples (± {error:.1%}); "
            f"weights: {describe(smaa.weights)}",
        )
    ]
    challenger = analysis.challenger
    if challenger is not None:
        rows.append(("challenger", challenger, float(first[challenger]), "rank-1 acceptability"))
    sensitive = analysis.most_sensitive
    if sensitive is not None and analysis.stability is not None:
        row = analysis.stability.loc[sensitive]
        rows.append(
            (
                "most sensitive weight",
                sensitive,
                _number(row["margin"]),
                f"weight change that changes the winner: {winner} stays first for weights "
                f"{_number(row['lower']):.3f}–{_number(row['upper']):.3f} (now "
                f"{_number(row['weight']):.3f})",
            )
        )
    flip = analysis.closest_flip
    if flip is not None:
        rows.append(("closest flip", flip.challenger, flip.distance, flip.message))
    elif analysis.flips is not None:
        rows.append(
            ("closest flip", None, math.nan, "no challenger can draw level under any weights")
        )
    return rows + _panel_rows(analysis, winner)


def _panel_rows(analysis: Analysis, winner: str) -> list[Row]:
    """Who wins under each member's weights, and with a resampled panel."""
    rows: list[Row] = []
    members = analysis.member_winners
    if members is not None:
        same = int((members == winner).sum())
        rows.append(
            (
                "members",
                winner,
                same / len(members),
                f"wins under the own weights of {same} of {len(members)} members",
            )
        )
    panel = analysis.panel
    if panel is not None and winner in panel.acceptability.index:
        rows.append(
            (
                "panel",
                winner,
                _number(panel.acceptability.loc[winner, 1]),
                f"ranks first in this share of {panel.n_samples:,} samples with the "
                "evaluators resampled and the weights fixed",
            )
        )
    return rows


def _money_rows(costs: CostAnalysis | None, pairs: PairRanking | None) -> list[Row]:
    """The cheapest offer, the best business case and the best software × partner pair."""
    rows: list[Row] = []
    if costs is not None and len(costs.tco):
        npv = costs.tco.summary["npv"]
        a = costs.tco.assumptions
        rows.append(
            (
                "lowest TCO",
                str(npv.idxmin()),
                float(npv.min()),
                f"present value of {a.years}-year costs at {a.discount_rate:.1%}, lowest of "
                f"{len(npv)} offers",
            )
        )
    if costs is not None and costs.case is not None:
        gain = costs.case.summary["npv"]
        best = str(gain.idxmax())
        detail = "highest NPV of the business case at likely values"
        if costs.simulation is not None:
            detail += f"; P(NPV > 0) {float(costs.simulation.p_positive[best]):.0%}"
        rows.append(("business case", best, float(gain.max()), detail))
    if pairs is not None and pairs.best is not None:
        vendor, partner = pairs.best
        rows.append(
            (
                "best pair",
                f"{vendor} + {partner}",
                _number(pairs.table.loc[pairs.best, "total"]),
                "best software × implementation-partner pair (total, 0–1)",
            )
        )
    return rows


def analyse(
    tender: Tender | Evaluation,
    *,
    seed: int = DEFAULT_SEED,
    n_samples: int = DEFAULT_SAMPLES,
    concentration: float = DEFAULT_CONCENTRATION,
    progress: bool | None = None,
) -> Analysis:
    """Score ``tender`` and test the result's robustness (see the module docstring); with a
    cost case, also the TCO of every offer and the business case of the vendors still in the
    running; with a partner setup (which needs the cost case for the software's TCO), also
    the ranking of software × partner pairs. A tender not yet derived is derived first
    (:func:`~crmselect.tender.derive`); a plain :class:`~crmselect.model.Evaluation` is
    analysed as it is, without costs or partners.

    >>> import crmselect
    >>> a = analyse(crmselect.example_tender(), n_samples=2_000)
    >>> a.result.winners, a.smaa.acceptability[1].idxmax()
    (('orbis',), 'orbis')
    """
    plain = isinstance(tender, Evaluation)
    if isinstance(tender, Evaluation):
        tender = Tender(evaluation=tender, derived=True)
    elif not tender.derived:
        tender = derive(tender)
    evaluation, costs, partners = tender.evaluation, tender.costs, tender.partners
    basis = None if plain else basis_status(tender.record, evaluation)
    gone = {
        vendor: f"eliminated at {entry.data['stage']}: {entry.reason}"
        for vendor, entry in eliminated(tender.record).items()
    }
    result = score(evaluation, eliminated=gone)
    eligible = [v for v in evaluation.vendor_ids if v not in result.knocked_out]
    money = analyse_costs(costs, eligible) if costs is not None else None
    pairs = _pairs(result, partners, money)
    if len(eligible) < 2:
        return Analysis(
            result=result, concentration=concentration, costs=money, pairs=pairs, basis=basis
        )
    around = DirichletWeights(result.weights, concentration=concentration)
    acceptability = smaa(result, around, n_samples=n_samples, seed=seed, progress=progress)
    winners = None
    group = member_weights(evaluation.criteria, evaluation.judgements)
    if group is not None:
        matrix = result.matrix.loc[eligible]
        winners = pd.Series(
            {
                member: str((matrix @ weights.reindex(matrix.columns)).idxmax())
                for member, weights in group.members.iterrows()
            },
            name="winner",
        ).rename_axis("member")
    panel = _panel_robustness(evaluation, result, eligible, seed=seed, n_samples=n_samples)
    flips = flip_table(result)
    feasible = flips[flips["feasible"]] if "feasible" in flips else flips
    closest = None
    if not feasible.empty:
        closest = min_weight_change(result, challenger=str(feasible.index[0]))
    return Analysis(
        result=result,
        smaa=acceptability,
        member_winners=winners,
        stability=stability_intervals(result),
        flips=flips,
        closest_flip=closest,
        concentration=concentration,
        costs=money,
        panel=panel,
        pairs=pairs,
        basis=basis,
    )


def _pairs(
    result: ScoreResult, partners: PartnerSetup | None, money: CostAnalysis | None
) -> PairRanking | None:
    """The pair ranking of a partner setup; the software's TCO comes from the cost case."""
    if partners is None:
        return None
    if money is None:
        raise ValidationError(
            "Cannot rank software × partner pairs",
            [
                Problem(
                    "partners",
                    "a pair's combined cost starts from the software's TCO: add a 'costs:' "
                    "section (or give the tender a cost case)",
                )
            ],
        )
    return rank_pairs(
        result,
        score(partners.evaluation),
        partners.offers,
        money.tco,
        partner_share=partners.partner_share,
        price_weight=partners.price_weight,
        price_method=partners.price_method,
        price_options=partners.price_options,
    )


def _panel_robustness(
    evaluation: Evaluation, result: ScoreResult, eligible: list[str], *, seed: int, n_samples: int
) -> SmaaResult | None:
    """SMAA with fixed weights over performance matrices whose demo part comes from a
    bootstrap of the panel (evaluators resampled, each keeping all their scores;
    :func:`crmselect.consensus.panel_bootstrap`). ``None`` without two or more evaluators."""
    panel = panel_scores(evaluation)
    scored = {d.evaluator for d in evaluation.demo_scores if d.score is not None}
    if panel is None or len(scored) < 2:
        return None
    boot = panel_bootstrap(panel, PANEL_DRAWS, seed=seed)
    vendors, criteria = list(result.rfp.index), list(result.rfp.columns)
    demo = np.full((PANEL_DRAWS, len(vendors), len(criteria)), np.nan)
    rows = [vendors.index(v) for v in boot.vendors]
    columns = [criteria.index(c) for c in boot.criteria]
    demo[np.ix_(range(PANEL_DRAWS), rows, columns)] = boot.samples
    draws = blended(evaluation, result.rfp, demo)
    if evaluation.price is not None:  # prices are not the panel's: the same in every draw
        j = criteria.index(evaluation.price.criterion)
        draws[:, :, j] = result.matrix[evaluation.price.criterion].to_numpy()
    keep = [vendors.index(v) for v in eligible]
    sampler = PerformanceDraws(draws[:, keep, :], eligible, criteria)
    return smaa(sampler, result.weights, n_samples=n_samples, seed=seed, progress=False)
