"""A tender: one selection's evaluation, cost case and implementation partners, and the
explicit step that derives what the folder leaves to be computed.

:func:`crmselect.load_tender` reads a tender folder and returns it **as written**: the
criteria weights as typed in ``evaluation.yaml``, the committee's pairwise judgements
beside them, the cost case, and a price criterion whose prices the cost case is to give.
Nothing is computed from anything else while loading. :func:`derive` is that computation,
named and in one place:

1. **weights from judgements** — every node with :class:`~crmselect.model.Judgements` gets
   its children's local weights from their AHP priorities
   (:func:`crmselect.weights.apply_judgements`; Saaty 1980, group judgements by the
   geometric mean, Aczél & Saaty 1983) — in the software evaluation and in the partners'
   own;
2. **prices from the cost model** — when the price criterion's basis is ``npv`` or
   ``total`` and the folder gives no prices, each offer's price is its NPV or its plain
   total of costs over the horizon (:func:`crmselect.cost.case.with_tco_prices`).

:func:`crmselect.analyse` derives a tender that has not been derived; a derived tender is
left as it is, so weights set by hand after deriving (a what-if) are what is analysed.
"""

from __future__ import annotations

import html
import weakref

import attrs

from crmselect.clarifications import Applied
from crmselect.cost.case import CostCase, with_tco_prices
from crmselect.cost.partners import PartnerSetup
from crmselect.envelope import Envelope
from crmselect.model import Evaluation
from crmselect.record import Stage, TenderRecord, stage_of
from crmselect.weights.judgements import apply_judgements

__all__ = ["Tender", "derive", "derive_weights"]


@attrs.frozen(kw_only=True, eq=False)
class Tender:
    """One tender: the evaluation, and the cost case and partner setup when the folder has
    them (``costs:`` and ``partners:`` sections).

    ``prices_from_costs``: the price criterion's prices are to come from ``costs``
    (:func:`derive`, step 2). ``derived``: :func:`derive` has run, and the evaluation's
    weights and prices are those to analyse. ``record``: the tender's record — its stage,
    the frozen award basis and every deviation, the eliminations
    (:mod:`crmselect.record`). ``clarified``: what each recorded clarification changed (the
    evaluation holds the clarified values, :mod:`crmselect.clarifications`). ``envelope``:
    whether the prices are sealed until the quality is scored, as the folder says
    (:mod:`crmselect.envelope`; once the RFP is issued, the record's governs).
    ``earlier``: the tender as it stood before its best and final offers, with each
    vendor's earlier Pricing sheet; ``rebid``: the vendors whose final offer replaced it
    (:mod:`crmselect.bafo`). ``origin``: the ``evaluation.yaml`` read.

    >>> import crmselect
    >>> tender = crmselect.example_tender()      # the weights as typed, and the judgements
    >>> [c.weight for c in tender.evaluation.criteria][:2]
    [40.0, 15.0]
    >>> [round(c.weight, 3) for c in derive(tender).evaluation.criteria][:2]   # AHP
    [0.393, 0.147]
    """

    evaluation: Evaluation
    costs: CostCase | None = None
    partners: PartnerSetup | None = None
    prices_from_costs: bool = False
    derived: bool = False
    record: TenderRecord = attrs.field(factory=TenderRecord)
    clarified: tuple[Applied, ...] = ()
    envelope: Envelope = attrs.field(factory=Envelope)
    earlier: Tender | None = None
    rebid: tuple[str, ...] = ()
    origin: str = ""

    @property
    def stage(self) -> Stage:
        """Where the tender stands (:func:`crmselect.record.stage_of`)."""
        return stage_of(self.record)

    def __repr__(self) -> str:
        parts = [repr(self.evaluation).strip("<>"), f"stage {self.stage.value}"]
        parts += ["a cost case"] if self.costs is not None else []
        parts += ["implementation partners"] if self.partners is not None else []
        state = "derived" if self.derived else "as written"
        return f"<Tender ({state}): {'; '.join(parts)}>"

    def _repr_html_(self) -> str:
        """The state and sections in a line, then the evaluation's vendor table."""
        return f"<p>{html.escape(repr(self))}</p>{self.evaluation._repr_html_()}"


def derive_weights(evaluation: Evaluation) -> Evaluation:
    """``evaluation`` with every judged node's local weights set to its AHP priorities
    (:func:`derive`, step 1); an evaluation without judgements is returned as it is."""
    if not evaluation.judgements:
        return evaluation
    return attrs.evolve(
        evaluation, criteria=apply_judgements(evaluation.criteria, evaluation.judgements)
    )


def derive(tender: Tender) -> Tender:
    """``tender`` with the weights its judgements give and the prices its cost case gives
    (the module docstring's steps 1 and 2), marked ``derived``.

    Found once per tender object and kept while it lives (a tender is frozen): the report,
    the workbook and the BAFO table each ask for the derived tender and its earlier round.
    """
    found = _DERIVED.get(tender)
    if found is None:
        found = _DERIVED[tender] = _derived(tender)
    return found


_DERIVED: weakref.WeakKeyDictionary[Tender, Tender] = weakref.WeakKeyDictionary()
"""The derived copy of each tender alive (:func:`derive`; hashed by identity)."""


def _derived(tender: Tender) -> Tender:
    """:func:`derive`, computed."""
    evaluation = derive_weights(tender.evaluation)
    if tender.prices_from_costs and tender.costs is not None:
        evaluation = with_tco_prices(evaluation, tender.costs)
    partners = tender.partners
    if partners is not None:
        partners = attrs.evolve(partners, evaluation=derive_weights(partners.evaluation))
    return attrs.evolve(tender, evaluation=evaluation, partners=partners, derived=True)
