"""Debriefs: one page for each unsuccessful vendor, telling it why it did not win and
nothing about any other unsuccessful vendor.

A debrief (FAR 15.506, UK Procurement Act 2023 assessment summaries, EU 2014/24 art. 55)
holds: the decision (the winner's name); the vendor's rank among the vendors in the running
(or why it is not ranked) and its total out of 100 against the winner's; the winner's
evaluated price and the vendor's own; its score on every criterion against the winner's,
with the points each difference is worth (``100 · w_j (x_vendor,j − x_winner,j)``); the
reasons it did not win — its knock-outs and elimination as recorded (below the quality
threshold: its frozen quality score against the minimum, and no price, since its price
envelope was never opened), its abnormally-low-bid case, and the criteria where the winner
gained most; and the published award basis it was scored under. After best and final
offers the prices are the final ones, and say so. A debrief comes after the award: none
is written while the price envelope is sealed (:mod:`crmselect.envelope`). No other
vendor's name, score or price is rendered (``tests/report/test_debrief.py`` searches every
file for them).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import attrs
import pandas as pd

from crmselect.analysis import DEFAULT_SAMPLES, DEFAULT_SEED, Analysis
from crmselect.bafo import rounds
from crmselect.cost.tco import money
from crmselect.envelope import is_sealed
from crmselect.errors import CrmselectError, Problem, ValidationError
from crmselect.low_bids import cases
from crmselect.model import Evaluation
from crmselect.record import Event, basis_status, eliminated
from crmselect.report.award import (
    Standing,
    basis_facts,
    criteria_table,
    head_to_head,
    standing,
    threshold_eliminated,
)
from crmselect.report.page import Page, number, points, render
from crmselect.tender import Tender


@attrs.frozen(eq=False)
class Debriefs:
    """The debrief of every unsuccessful vendor, by vendor id (in rank order, then the
    vendors out of the running). ``debriefs["kestrel"]`` is one
    :class:`~crmselect.report.page.Page`; :meth:`save` and :meth:`save_pdf` write every
    one to a folder as ``<vendor>.html`` / ``<vendor>.pdf``."""

    pages: tuple[tuple[str, Page], ...]

    @property
    def vendors(self) -> tuple[str, ...]:
        """The vendors debriefed."""
        return tuple(v for v, _ in self.pages)

    def __getitem__(self, vendor: str) -> Page:
        for v, page in self.pages:
            if v == vendor:
                return page
        raise KeyError(vendor)

    def __iter__(self) -> Iterator[Page]:
        return (page for _, page in self.pages)

    def __len__(self) -> int:
        return len(self.pages)

    def __repr__(self) -> str:
        return f"<Debriefs: {len(self.pages)} vendor(s): {', '.join(self.vendors)}>"

    def to_frame(self) -> pd.DataFrame:
        """One row per debrief: the vendor (index) and the sentence its page opens with."""
        return pd.DataFrame(
            {"decision": [page.decision for _, page in self.pages]},
            index=pd.Index(self.vendors, name="vendor"),
        )

    def _repr_html_(self) -> str:
        """The debriefs listed, one line each (show one with ``debriefs[vendor]``)."""
        from crmselect.display import html_table

        caption = "Debriefs, one per unsuccessful vendor (debriefs['<vendor>'] shows one)"
        return html_table(self.to_frame(), caption=caption)

    def save(self, folder: str | Path) -> list[Path]:
        """Write ``folder/<vendor>.html`` for every debrief (the folder is created)."""
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        return [page.save(out / f"{vendor}.html") for vendor, page in self.pages]

    def save_pdf(self, folder: str | Path) -> list[Path]:
        """Write ``folder/<vendor>.pdf`` for every debrief (headless Chromium)."""
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        return [page.save_pdf(out / f"{vendor}.pdf") for vendor, page in self.pages]


def debriefs(
    tender: Tender | Evaluation,
    *,
    analysis: Analysis | None = None,
    seed: int = DEFAULT_SEED,
    n_samples: int = DEFAULT_SAMPLES,
) -> Debriefs:
    """A debrief for every vendor but the winner (module docstring). ``analysis``: one
    already run on the tender (else :func:`crmselect.analyse` with ``seed`` and
    ``n_samples``). Refused when there is no single winner (a tie, or every vendor out).

    >>> import crmselect
    >>> letters = debriefs(crmselect.example_tender(), n_samples=500)
    >>> letters.vendors
    ('kestrel', 'meridian', 'quillpoint', 'helix', 'tidewater')
    """
    if isinstance(tender, Tender) and is_sealed(tender):
        raise CrmselectError(_SEALED)
    state = standing(tender, analysis=analysis, seed=seed, n_samples=n_samples)
    winners = state.result.winners
    if len(winners) != 1:
        found = "a tie for first place" if winners else "no vendor in the running"
        raise ValidationError(
            "No debriefs to write",
            [
                Problem(
                    "winner", f"a debrief compares a vendor with the winner, and there is {found}"
                )
            ],
        )
    ranked = [v for v in state.ranked if v not in winners]
    out = [v for v in state.result.evaluation.vendor_ids if v not in state.ranked]
    return Debriefs(tuple((v, debrief(state, v)) for v in (*ranked, *out)))


def debrief(state: Standing, vendor: str) -> Page:
    """The debrief of ``vendor`` (not the winner) from a :class:`Standing` with one
    winner."""
    winner = state.winner
    if state.sealed:
        raise CrmselectError(_SEALED)
    if winner is None or vendor == winner:
        raise ValidationError(
            "No debrief", [Problem(vendor, "the winner (or no winner) gets no debrief")]
        )
    sentence = _decision(state, vendor, winner)
    title = f"Debrief for {state.names.get(vendor, vendor)} — {state.result.evaluation.name}"
    html = render(
        "debrief.html.j2",
        title=title,
        decision=sentence,
        vendor=state.name(vendor),
        winner=state.name(winner),
        standing=_standing_facts(state, vendor, winner),
        reasons=reasons(state, vendor, winner),
        scores=head_to_head(state, vendor, winner),
        basis=basis_facts(state),
        criteria=criteria_table(state),
        provenance=_provenance(state),
    )
    return Page(title=title, decision=sentence, html=html)


_SEALED = (
    "no debriefs while the price envelope is sealed: a debrief is written after the award, "
    "and the award is made on the prices too (crmselect open-prices opens them)"
)


def _decision(state: Standing, vendor: str, winner: str) -> str:
    """The debrief's opening sentence: who is awarded the contract and where ``vendor``
    stands."""
    totals = state.result.totals
    if vendor in state.ranked:
        rank = state.ranked.index(vendor) + 1
        where = (
            f"{state.name(vendor)} ranks {rank} of {len(state.ranked)} with "
            f"{points(number(totals[vendor]))} of 100 points against the winner's "
            f"{points(number(totals[winner]))}"
        )
    else:
        where = f"{state.name(vendor)} is not ranked: it is out of the running"
    return f"The contract is to be awarded to {state.name(winner)}; {where}."


def _standing_facts(state: Standing, vendor: str, winner: str) -> list[tuple[str, str]]:
    """Rank, totals and prices of ``vendor`` and the winner."""
    totals = state.result.totals
    rank = (
        f"{state.ranked.index(vendor) + 1} of {len(state.ranked)} vendors ranked"
        if vendor in state.ranked
        else "not ranked (out of the running)"
    )
    facts = [
        ("Your rank", rank),
        ("Your total", f"{points(number(totals[vendor]))} of 100"),
        ("The winner's total", f"{points(number(totals[winner]))} of 100"),
    ]
    unopened = threshold_eliminated(state.tender)
    for who, whose in ((winner, "The winner's"), (vendor, "Your")):
        price = state.price(who)
        if price is not None and who not in unopened:  # a price never opened is not shown
            final, what = _final_offer(state, who)
            label = f"{whose} {final}price"
            facts.append((label, f"{state.currency}{money(price[1])} ({price[0]}{what})"))
    return facts


def _final_offer(state: Standing, vendor: str) -> tuple[str, str]:
    """How the debrief names ``vendor``'s price after best and final offers
    (:mod:`crmselect.bafo`): ``"final "`` before "price", and after the amount the round
    its final offer came from, or that it sent none (its round-1 offer stands); ``("",
    "")`` without a round."""
    held = rounds(state.tender.record)
    if not held:
        return "", ""
    if vendor in state.tender.rebid:
        return "final ", f"; best and final offer, round {held[-1].data['round']}"
    return "final ", "; its round-1 offer: no best and final offer from it"


def reasons(state: Standing, vendor: str, winner: str, top: int = 3) -> list[str]:
    """Why ``vendor`` did not win, in plain sentences: its knock-outs and elimination as
    recorded, its abnormally-low-bid case, and (when ranked) the points it is behind and
    the ``top`` criteria where the winner gained most over it."""
    knocked = state.result.knocked_out.get(vendor, ())
    lines = [f"Knocked out: {r}" for r in knocked if not r.startswith("eliminated at ")]
    gone = eliminated(state.tender.record).get(vendor)
    below = threshold_eliminated(state.tender).get(vendor)
    if below is not None:
        lines.append(
            f"Below the minimum quality: your quality score {below[0]:.1f} of 100 is under "
            f"the minimum quality {below[1]:g} announced with the award basis, so your price "
            "envelope was not opened (World Bank Procurement Regulations § 6.61)"
        )
    elif gone is not None:
        lines.append(
            f"Left the tender at {gone.data['stage']} on {gone.at:%Y-%m-%d}: {gone.reason}"
        )
    case = cases(state.tender.record).get(vendor)
    if case is not None:
        lines.append(f"Abnormally low bid (EU 2014/24 art. 69): {case.status}")
    if vendor in state.ranked:
        points_of = state.result.contributions
        gap = pd.Series(
            points_of.loc[winner].to_numpy(float) - points_of.loc[vendor].to_numpy(float),
            index=points_of.columns,
        )
        behind = gap[gap > 0].sort_values(ascending=False, kind="stable").head(top)
        detail = ", ".join(
            f"{state.criteria.get(str(c), str(c))} ({100 * number(d):.1f} points)"
            for c, d in behind.items()
        )
        total = 100 * number(gap.sum())
        lines.append(
            f"Your total is {total:.1f} points below the winner's; the winner gained most on "
            f"{detail}."
        )
    return lines


def _provenance(state: Standing) -> list[tuple[str, str]]:
    """crmselect's version and the frozen award basis's hash (the basis the vendor was
    scored under)."""
    status = basis_status(state.tender.record, state.tender.evaluation)
    issued = state.tender.record.of(Event.ISSUE)
    frozen = status.frozen or "not frozen yet"
    if issued:
        frozen += f" (frozen {issued[0].at:%Y-%m-%d})"
    return [("crmselect", state.result.version), ("Award basis hash", frozen)]
