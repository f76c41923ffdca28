"""The closed sets of values the model uses — MoSCoW priority, offering, deployment, access,
licensing, missing-answer policy, price method and basis, process rating — and the
converters that parse the ways people write them (case, ``-``, spaces, common aliases such
as ``saas`` / ``cloud`` or ``m`` / ``must_have``)."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import TypeVar, cast

from crmselect.scales import normalise_token


class _Choice(enum.StrEnum):
    """A closed set of values that parses the ways people write them (case, '-', ' ')."""

    @classmethod
    def parse(cls, text: str) -> _Choice:
        token = normalise_token(str(text))
        for member in cls:
            if token in (member.value, *_ALIASES.get(member, ())):
                return member
        allowed = ", ".join(m.value for m in cls)
        raise ValueError(f"{text!r} is not one of: {allowed}")


class Priority(_Choice):
    """MoSCoW priority of a requirement."""

    MUST = "must"
    SHOULD = "should"
    COULD = "could"
    WONT = "wont"


class Offering(_Choice):
    """What a vendor sells: a full CRM suite or a point application for one area."""

    SUITE = "suite"
    POINT = "point"


class Deployment(_Choice):
    """How the software is run."""

    ON_PREMISE = "on_premise"
    PARTNER_HOSTED = "partner_hosted"
    SAAS = "saas"
    HYBRID = "hybrid"


class Access(_Choice):
    """How users reach the application."""

    BROWSER = "browser"
    DESKTOP = "desktop"
    EMAIL_CLIENT = "email_client"
    MOBILE = "mobile"
    OFFLINE = "offline"


class Licensing(_Choice):
    """Licensing models a vendor offers."""

    PERPETUAL = "perpetual"
    SUBSCRIPTION = "subscription"
    NAMED = "named"
    CONCURRENT = "concurrent"


class MissingPolicy(_Choice):
    """What a missing RFP answer counts as.

    ``zero``: scores 0 (the default: a vendor gains nothing by leaving a line blank).
    ``ignore``: left out of that vendor's criterion mean, which is taken over the answered
    requirements only. Either way every missing answer is listed in the results.
    """

    ZERO = "zero"
    IGNORE = "ignore"


class PriceMethod(_Choice):
    """How prices become a criterion score in [0, 1] (formulas and their rank-reversal
    behaviour: :mod:`crmselect.price`): ``lowest_ratio`` and ``linear`` score a bid
    against the other bids, ``budget`` against a ceiling fixed before the bids are opened."""

    LOWEST_RATIO = "lowest_ratio"
    LINEAR = "linear"
    BUDGET = "budget"


class PriceBasis(_Choice):
    """What the scored price of an offer is: ``npv`` (present value of its costs over the
    horizon, the life-cycle cost of Directive 2014/24/EU art. 68), ``total`` (their plain
    sum) — both from the cost model (:mod:`crmselect.cost`) — or ``bid`` (a price given
    directly)."""

    NPV = "npv"
    TOTAL = "total"
    BID = "bid"


class ProcessRating(_Choice):
    """How well a current business process works, best to worst (seed 003, "Evaluating
    processes"): ``best_practice`` (superior to competitors and benchmarks), ``parity`` (good,
    contributes to CRM performance), ``stability`` (average, no major problems, room to
    improve), ``recoverability`` (known weaknesses being addressed), ``criticality``
    (ineffective or inefficient: needs remedy now)."""

    BEST_PRACTICE = "best_practice"
    PARITY = "parity"
    STABILITY = "stability"
    RECOVERABILITY = "recoverability"
    CRITICALITY = "criticality"


_ALIASES: dict[enum.Enum, tuple[str, ...]] = {
    ProcessRating.BEST_PRACTICE: ("superiority", "best"),
    ProcessRating.CRITICALITY: ("critical",),
    Priority.MUST: ("m", "must_have"),
    Priority.SHOULD: ("s", "should_have"),
    Priority.COULD: ("c", "could_have", "nice_to_have"),
    Priority.WONT: ("w", "won't", "won't_have", "wont_have"),
    Offering.SUITE: ("full_suite", "crm_suite"),
    Offering.POINT: ("point_application", "point_solution"),
    Deployment.ON_PREMISE: ("on_premises", "onpremise", "on_prem"),
    Deployment.PARTNER_HOSTED: ("hosted", "private_cloud"),
    Deployment.SAAS: ("cloud", "multi_tenant", "saas_multi_tenant"),
    Access.BROWSER: ("web", "web_browser"),
    Access.DESKTOP: ("desktop_client",),
    Access.EMAIL_CLIENT: ("email", "e_mail", "e_mail_client", "outlook"),
    Access.MOBILE: ("mobile_app", "app"),
    Licensing.NAMED: ("named_user", "named_users"),
    Licensing.CONCURRENT: ("concurrent_user", "concurrent_users"),
    PriceMethod.LOWEST_RATIO: ("lowest_price_ratio", "ratio", "lowest"),
    PriceMethod.BUDGET: ("fixed_budget", "budget_ceiling"),
    PriceBasis.TOTAL: ("tco",),
    PriceBasis.BID: ("price", "bid_price"),
}

C = TypeVar("C", bound=_Choice)


def aliases(member: enum.Enum) -> tuple[str, ...]:
    """The other spellings :meth:`_Choice.parse` reads as ``member`` (besides its value in
    any letter case, with ``-`` or spaces for ``_``): ``aliases(Deployment.SAAS)`` is
    ``("cloud", "multi_tenant", "saas_multi_tenant")``."""
    return _ALIASES.get(member, ())


def _parse_all(kind: type[C], values: Iterable[str | C]) -> frozenset[C]:
    if isinstance(values, str):
        values = [values]
    return frozenset(v if isinstance(v, kind) else cast(C, kind.parse(v)) for v in values)


def _deployments(values: Iterable[str | Deployment]) -> frozenset[Deployment]:
    return _parse_all(Deployment, values)


def _accesses(values: Iterable[str | Access]) -> frozenset[Access]:
    return _parse_all(Access, values)


def _licensings(values: Iterable[str | Licensing]) -> frozenset[Licensing]:
    return _parse_all(Licensing, values)


def _priority(value: str | Priority) -> Priority:
    return value if isinstance(value, Priority) else cast(Priority, Priority.parse(value))


def _offering(value: str | Offering) -> Offering:
    return value if isinstance(value, Offering) else cast(Offering, Offering.parse(value))


def _missing(value: str | MissingPolicy) -> MissingPolicy:
    if isinstance(value, MissingPolicy):
        return value
    return cast(MissingPolicy, MissingPolicy.parse(value))


def _price_method(value: str | PriceMethod) -> PriceMethod:
    if isinstance(value, PriceMethod):
        return value
    return cast(PriceMethod, PriceMethod.parse(value))


def _price_basis(value: str | PriceBasis) -> PriceBasis:
    return value if isinstance(value, PriceBasis) else cast(PriceBasis, PriceBasis.parse(value))


def _rating(value: str | ProcessRating) -> ProcessRating:
    if isinstance(value, ProcessRating):
        return value
    return cast(ProcessRating, ProcessRating.parse(value))
