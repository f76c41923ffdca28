"""Clarifications: a vendor corrects an answer or a price, on the record, and scoring uses it.

A committee may not silently change what a vendor returned, nor ignore a plainly mistaken
cell; it asks the vendor, who answers in writing (EU Directive 2014/24 art. 56(3): the
buyer "may request the economic operators concerned to submit, supplement, clarify or
complete the relevant information"). A :class:`Clarification` records one such correction:
the vendor, the item (a requirement id, or ``pricing.<field>`` for a Pricing-sheet value),
the value as first read (kept), the clarified value (which counts from then on), the
vendor's words or the document they came in, who recorded it and when.

:func:`apply_clarifications` returns the evaluation with the clarified values and one
:class:`Applied` per clarification saying what it changed — and whether it changed a
knock-out. A clarification whose ``original`` is not what was read is refused: it would
otherwise overwrite a value no one saw. Where nothing usable was read (a blank cell, or one
the importer refused with a finding), the original is kept as the vendor's text.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import attrs

from crmselect.errors import ImportProblem, Problem, ValidationError
from crmselect.model import Evaluation, Response

PRICING = "pricing."
"""The prefix of an item that names a Pricing-sheet field (``pricing.day_rate``)."""


@attrs.frozen(kw_only=True)
class Clarification:
    """One recorded correction of a vendor's answer or price (see the module docstring)."""

    vendor: str
    item: str
    original: str
    clarified: str
    source: str
    recorded_by: str
    recorded_at: str
    origin: str = attrs.field(default="", eq=False)

    @property
    def pricing_field(self) -> str | None:
        """The Pricing-sheet field the clarification is about, or ``None`` (a requirement)."""
        return self.item[len(PRICING) :] if self.item.startswith(PRICING) else None


@attrs.frozen
class Applied:
    """What one clarification changed: the value ``before`` (as read) and ``after`` (as it
    counts now) — compliance keys for an answer, the values for a price — and whether the
    requirement is a knock-out whose outcome the clarification changed."""

    clarification: Clarification
    before: object
    after: object
    knockout: bool = False

    def __str__(self) -> str:
        c = self.clarification
        changed = " (changed a knock-out)" if self.knockout else ""
        return (
            f"{c.vendor} {c.item}: {self.before!r} → {self.after!r}{changed}, "
            f"recorded by {c.recorded_by} on {c.recorded_at} ({c.source})"
        )


def apply_clarifications(
    evaluation: Evaluation, clarifications: Sequence[Clarification]
) -> tuple[Evaluation, tuple[Applied, ...]]:
    """``evaluation`` with every clarification applied, in order, and what each changed.

    Raises :class:`~crmselect.errors.ValidationError` listing every clarification that
    cannot be applied: an unknown vendor or requirement, a second one of the same item, an
    ``original`` that is not the value read, a clarified answer that is not on the scale.
    """
    problems = _problems(evaluation, clarifications)
    if problems:
        raise ValidationError("Cannot apply the clarifications", problems)
    responses = {(r.vendor, r.requirement): r for r in evaluation.responses}
    pricing = {v: dict(fields) for v, fields in evaluation.pricing.items()}
    applied = []
    for c in clarifications:
        field = c.pricing_field
        if field is None:
            applied.append(_answer(evaluation, responses, c))
        else:
            applied.append(_price(pricing, c, field))
    changed = attrs.evolve(evaluation, responses=tuple(responses.values()), pricing=pricing)
    return changed, tuple(applied)


def _answer(
    evaluation: Evaluation, responses: dict[tuple[str, str], Response], c: Clarification
) -> Applied:
    scale = evaluation.scale
    read = responses.get((c.vendor, c.item))
    before = read.compliance if read else None
    after = scale.parse(c.clarified) if c.clarified.strip() else None
    responses[(c.vendor, c.item)] = Response(
        c.vendor,
        c.item,
        after,
        read.comment if read else "",
        read.evidence if read else "",
        origin=f"{c.origin} (clarified; read from {read.origin if read else 'no answer'})",
    )
    requirement = next(r for r in evaluation.requirements if r.id == c.item)
    satisfied = [
        key is not None and scale.level(key).satisfies_mandatory for key in (before, after)
    ]
    return Applied(c, before, after, requirement.mandatory and satisfied[0] != satisfied[1])


def _price(
    pricing: dict[str, dict[str, float | str | None]], c: Clarification, field: str
) -> Applied:
    fields = pricing.setdefault(c.vendor, {})
    before = fields.get(field)
    after = _number_or_text(c.clarified)
    fields[field] = after
    return Applied(c, before, after)


def _number_or_text(text: str) -> float | str | None:
    """A clarified price value: a number when it reads as one, blank as ``None``, else the
    text as written (a currency code, a licensing model)."""
    if not text.strip():
        return None
    try:
        number = float(text.replace(",", "").strip())
    except ValueError:
        return text.strip()
    return number if math.isfinite(number) else text.strip()


def _problems(evaluation: Evaluation, clarifications: Sequence[Clarification]) -> list[Problem]:
    """Every clarification that cannot be applied, with why."""
    found: list[Problem] = []
    seen: dict[tuple[str, str], str] = {}
    for c in clarifications:
        where = c.origin or f"clarification of {c.vendor} {c.item}"
        key = (c.vendor, c.item)
        if key in seen:
            found.append(Problem(where, f"{c.vendor} {c.item} is clarified already ({seen[key]})"))
            continue
        seen[key] = where
        found += [Problem(where, what) for what in _what_is_wrong(evaluation, c)]
    return found


def _what_is_wrong(evaluation: Evaluation, c: Clarification) -> list[str]:
    if c.vendor not in evaluation.vendor_ids:
        return [f"unknown vendor {c.vendor!r}"]
    if not c.source.strip() or not c.recorded_by.strip():
        return [
            "a clarification names its source (the vendor's words or document) and who recorded it"
        ]
    field = c.pricing_field
    if field is not None:
        return _price_mismatch(evaluation.pricing.get(c.vendor, {}), c, field)
    if c.item not in {r.id for r in evaluation.requirements}:
        return [f"unknown requirement {c.item!r} (a price is 'pricing.<field>')"]
    return _answer_mismatch(evaluation, c)


def _answer_mismatch(evaluation: Evaluation, c: Clarification) -> list[str]:
    scale = evaluation.scale
    read = next(
        (r for r in evaluation.responses if (r.vendor, r.requirement) == (c.vendor, c.item)), None
    )
    found = []
    if c.clarified.strip() and scale.parse(c.clarified) is None:
        found.append(
            f"clarified {c.clarified!r} is not on the scale; use one of: {scale.describe()}"
        )
    before = read.compliance if read else None  # None: blank, or refused when read
    if before is not None and scale.parse(c.original) != before:
        found.append(
            f"original {c.original!r} is not the answer read, {scale.level(before).label!r} "
            f"({read.origin if read else ''}); give the value as it was returned"
        )
    return found


def _price_mismatch(
    fields: Mapping[str, float | str | None], c: Clarification, field: str
) -> list[str]:
    before = fields.get(field)
    if before is None or before == _number_or_text(c.original):
        return []  # blank or refused when read: the original says what the vendor wrote
    return [
        f"original {c.original!r} is not the {field} read, {before!r}; give the value as "
        "it was returned"
    ]


def resolved(
    problems: Sequence[ImportProblem],
    applied: Sequence[Applied],
    vendor_of: Mapping[str, str],
    *,
    pricing_sheet: str,
) -> tuple[ImportProblem, ...]:
    """``problems`` (a tender's import findings) with each error that a clarification
    answers kept, as an ``info`` finding that names the clarification — so that a resolved
    finding no longer fails ``--strict``, and the report still shows what was returned.

    ``vendor_of``: returned file name → the vendor it came from; ``pricing_sheet``: the name
    of the workbooks' Pricing sheet. A finding is answered when it is about the clarified
    item (a requirement id, or a field of the Pricing sheet) of that vendor.
    """
    answered = {(a.clarification.vendor, a.clarification.item): a for a in applied}
    out = []
    for p in problems:
        item = f"{PRICING}{p.requirement}" if p.sheet == pricing_sheet else p.requirement
        a = answered.get((vendor_of.get(p.file, ""), item))
        if p.severity != "error" or not p.requirement or a is None:
            out.append(p)
            continue
        where = a.clarification.origin or "clarifications"
        out.append(attrs.evolve(p, severity="info", what=f"{p.what} — clarified ({where})"))
    return tuple(out)
