"""The validated inputs of the cost model: a vendor's priced :class:`Offer` and the
committee's :class:`Assumptions`.

Who supplies what
-----------------
*The vendor* prices the software and its own services on the RFP's Pricing sheet
(:data:`crmselect.io.forms.rfp_template.PRICING_FIELDS`): the licensing model (perpetual licence or
subscription), named or concurrent users, the price per user and its period, the annual
maintenance rate of a perpetual licence, implementation days and day rate, a hosting or
operation fee. :func:`offer_from_pricing` turns that sheet's values into an :class:`Offer`.

*The committee* supplies everything the vendor cannot know: how many people will use the
CRM in each year, the share of them logged on at once (the concurrency ratio), the discount
rate, its own staff, end-user training, and for an on-premise installation the hardware
and its operation. Those are :class:`Assumptions`, shared by every offer so that offers are
compared on the same footing.

Both classes are frozen attrs objects. Construction collects *every* problem (a negative
price, an unknown licensing model, a missing user count, a perpetual licence priced per
month …) and raises one :class:`~crmselect.errors.ValidationError`.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import numpy as np

from crmselect.converters import as_tuple, is_number, is_whole
from crmselect.errors import Problem, ValidationError
from crmselect.model import Deployment
from crmselect.scales import normalise_token

__all__ = [
    "Assumptions",
    "LicenceModel",
    "Offer",
    "PricePeriod",
    "TierMode",
    "Timing",
    "UserType",
    "VolumeTier",
    "offer_from_pricing",
]


class _Token(enum.StrEnum):
    """A closed set of values that parses the ways people write them ("per month", "Month")."""

    @classmethod
    def aliases(cls) -> Mapping[str, tuple[str, ...]]:
        return {}

    @classmethod
    def parse(cls, text: object) -> _Token | None:
        """The member ``text`` names, or ``None``."""
        if isinstance(text, cls):
            return text
        token = normalise_token(str(text))
        for member in cls:
            if token == member.value or token in cls.aliases().get(member.value, ()):
                return member
        return None

    @classmethod
    def describe(cls) -> str:
        return ", ".join(m.value for m in cls)


class LicenceModel(_Token):
    """How the software is paid for: bought once (``perpetual``, plus annual maintenance)
    or rented (``subscription``, per user per month or year)."""

    PERPETUAL = "perpetual"
    SUBSCRIPTION = "subscription"

    @classmethod
    def aliases(cls) -> Mapping[str, tuple[str, ...]]:
        return {
            "perpetual": ("perpetual_licence", "perpetual_license", "licence", "license"),
            "subscription": ("saas_subscription", "rental"),
        }


class UserType(_Token):
    """What a licence covers: one ``named`` person, or one ``concurrent`` session (any
    person, as long as no more than the licensed number are logged on at once)."""

    NAMED = "named"
    CONCURRENT = "concurrent"

    @classmethod
    def aliases(cls) -> Mapping[str, tuple[str, ...]]:
        return {
            "named": ("named_user", "named_users"),
            "concurrent": ("concurrent_user", "concurrent_users"),
        }


class PricePeriod(_Token):
    """What the price per user buys: a ``month``, a ``year``, or a perpetual ``one_off``."""

    MONTH = "month"
    YEAR = "year"
    ONE_OFF = "one_off"

    @classmethod
    def aliases(cls) -> Mapping[str, tuple[str, ...]]:
        return {
            "month": ("per_month", "monthly", "pupm"),
            "year": ("per_year", "yearly", "annual", "annually", "per_annum"),
            "one_off": ("once", "one_time", "perpetual"),
        }

    @property
    def per_year(self) -> int:
        """Periods per year (12, 1; 0 for a one-off price)."""
        return {"month": 12, "year": 1, "one_off": 0}[self.value]


class TierMode(_Token):
    """How volume tiers price a number of licences.

    ``graduated`` (incremental): each licence is priced in the band it falls in — the first
    99 at the list price, the 100th to 249th at the first tier's price, and so on. The cost
    never falls when licences are added.

    ``all_units``: every licence is priced at the band the *total* reaches. The cost can
    drop when a threshold is crossed (199 licences may cost more than 200); a perpetual
    purchase of additional licences is priced at the band the new total reaches.
    """

    GRADUATED = "graduated"
    ALL_UNITS = "all_units"

    @classmethod
    def aliases(cls) -> Mapping[str, tuple[str, ...]]:
        return {"graduated": ("incremental", "banded"), "all_units": ("volume", "all")}


class Timing(_Token):
    """When the cash flows of operating year *t* (t ≥ 1) fall, for discounting.

    ``end`` (default, the ordinary-annuity convention): at the end of year *t*, discount
    factor ``(1 + r)^-t``. ``start``: at the start of year *t* — fees paid annually in
    advance — discount factor ``(1 + r)^-(t-1)``. Year 0 (contract signature to go-live:
    up-front licences, implementation, hardware) is always today, factor 1.
    """

    END = "end"
    START = "start"

    @classmethod
    def aliases(cls) -> Mapping[str, tuple[str, ...]]:
        return {"end": ("end_of_year", "arrears"), "start": ("start_of_year", "advance")}


def _parsed(kind: type[_Token], value: object) -> Any:
    """``value`` parsed as a ``kind`` member, or left as it is, so that
    ``__attrs_post_init__`` can report it with the owner's name (an unparsed value never
    escapes: it always raises there)."""
    parsed = kind.parse(value)
    return value if parsed is None else parsed


def _licence_model(value: object) -> Any:
    return _parsed(LicenceModel, value)


def _price_period(value: object) -> Any:
    return _parsed(PricePeriod, value)


def _user_type(value: object) -> Any:
    return _parsed(UserType, value)


def _tier_mode(value: object) -> Any:
    return _parsed(TierMode, value)


def _timing(value: object) -> Any:
    return _parsed(Timing, value)


def _deployment(value: object) -> object:
    if isinstance(value, Deployment):
        return value
    try:
        return Deployment.parse(str(value))
    except ValueError:
        return value


def plain(value: Any) -> Any:
    """A numpy scalar as the Python number it holds (``np.int64(10)`` → ``10``,
    ``np.float32(0.5)`` → ``0.5``, ``np.bool_`` → bool, so it is still refused as a bool);
    anything else unchanged, for validation to report."""
    if isinstance(value, np.number | np.bool_):
        return value.item()
    return value


def _number(default: Any) -> Any:
    """An attrs field holding a number, numpy scalars converted by :func:`plain`."""
    return attrs.field(default=default, converter=plain)


def number_problems(where: str, values: Mapping[str, object]) -> list[Problem]:
    """A problem at ``where`` for each value that is not a finite number of at least 0
    (missing, negative, NaN, infinite, not a number); shared by the cost package's inputs."""
    found = []
    for name, value in values.items():
        if value is None:
            found.append(Problem(where, f"{name} is missing; give a number of at least 0"))
        elif not is_number(value) or not math.isfinite(value) or value < 0:
            found.append(Problem(where, f"{name} is {value!r}; it must be a number of at least 0"))
    return found


def _rate_problems(where: str, values: Mapping[str, float]) -> list[Problem]:
    """Rates are fractions: 0.2 for 20 %; anything above 1 is almost surely a percentage."""
    found = number_problems(where, values)
    found += [
        Problem(where, f"{name} is {value}; give it as a fraction (0.2 for 20 %), at most 1")
        for name, value in values.items()
        if is_number(value) and math.isfinite(value) and value > 1
    ]
    return found


@attrs.frozen
class VolumeTier:
    """From the ``from_licences``-th licence on, a licence costs ``price`` (per the offer's
    period). The offer's ``unit_price`` applies below the first tier."""

    from_licences: int = attrs.field(converter=plain)
    price: float = attrs.field(converter=plain)


def _tiers(values: Iterable[VolumeTier | tuple[int, float]]) -> tuple[VolumeTier, ...]:
    return tuple(v if isinstance(v, VolumeTier) else VolumeTier(*v) for v in values)


@attrs.frozen
class Offer:
    """One vendor's priced offer: what the software, its hosting and its implementation cost.

    Prices are in ``currency`` and exclude VAT. Rates are fractions (``0.2`` = 20 %).

    ``licensing`` / ``user_type`` / ``unit_price`` / ``period``
        e.g. subscription, named, 70, month = 70 per named user per month; perpetual,
        named, 1450, one_off = a licence bought once at 1,450 per named user. A perpetual
        licence must be priced ``one_off``; a subscription per ``month`` or ``year``.
    ``tiers`` / ``tier_mode``
        volume discounts (:class:`VolumeTier`, :class:`TierMode`).
    ``maintenance_rate``
        annual maintenance of a perpetual licence as a share of the licence fee paid for
        it, net of the volume-tier discount (typically 0.15–0.22; the rule and a worked
        example: :mod:`crmselect.cost.tco`); must be 0 for a subscription (which includes
        it).
    ``escalation`` / ``price_hold_years``
        vendor prices (subscription, maintenance, hosting, additional licences) rise by
        ``escalation`` a year once the first ``price_hold_years`` operating years are over
        (prices held for the contract term; 1 = rise from year 2).
    ``deployment``
        :class:`~crmselect.model.Deployment` of *this* offer. On premise and hybrid bring
        the committee's hardware and operation costs (:class:`Assumptions`).
    ``hosting_fee``
        the vendor's or its hosting partner's fee per operating year (hosting, operation,
        a SaaS platform fee); 0 when included in the subscription.
    ``implementation_days`` × ``day_rate``, ``data_migration``, ``integration``, ``training``
        one-off services in year 0. (A separate implementation partner's quote replaces the
        first three: see :mod:`crmselect.cost.partners`.)
    ``min_term_years``
        minimum subscription term (information; a horizon shorter than it is noted).
    """

    vendor: str
    licensing: LicenceModel = attrs.field(converter=_licence_model)
    unit_price: float = attrs.field(converter=plain)
    period: PricePeriod = attrs.field(converter=_price_period)
    user_type: UserType = attrs.field(default=UserType.NAMED, converter=_user_type)
    currency: str = "EUR"
    deployment: Deployment = attrs.field(default=Deployment.SAAS, converter=_deployment)
    tiers: tuple[VolumeTier, ...] = attrs.field(default=(), converter=_tiers)
    tier_mode: TierMode = attrs.field(default=TierMode.GRADUATED, converter=_tier_mode)
    maintenance_rate: float = _number(0.0)
    escalation: float = _number(0.0)
    price_hold_years: int = _number(1)
    hosting_fee: float = _number(0.0)
    implementation_days: float = _number(0.0)
    day_rate: float = _number(0.0)
    data_migration: float = _number(0.0)
    integration: float = _number(0.0)
    training: float = _number(0.0)
    min_term_years: int = _number(0)
    origin: str = attrs.field(default="", eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        where = self.origin or f"offer {self.vendor!r}"
        found: list[Problem] = []
        if not str(self.vendor).strip():
            found.append(Problem("offer", "vendor is empty; give the vendor id"))
        for name, kind in (
            ("licensing", LicenceModel),
            ("period", PricePeriod),
            ("user_type", UserType),
            ("tier_mode", TierMode),
        ):
            value = getattr(self, name)
            if not isinstance(value, kind):
                found.append(
                    Problem(where, f"{name} {value!r} is unknown; use one of: {kind.describe()}")
                )
        if not isinstance(self.deployment, Deployment):
            allowed = ", ".join(d.value for d in Deployment)
            found.append(
                Problem(where, f"deployment {self.deployment!r} is unknown; use one of: {allowed}")
            )
        found += number_problems(
            where,
            {
                "unit_price": self.unit_price,
                "hosting_fee": self.hosting_fee,
                "implementation_days": self.implementation_days,
                "day_rate": self.day_rate,
                "data_migration": self.data_migration,
                "integration": self.integration,
                "training": self.training,
                "price_hold_years": self.price_hold_years,
                "min_term_years": self.min_term_years,
            },
        )
        found += _rate_problems(
            where, {"maintenance_rate": self.maintenance_rate, "escalation": self.escalation}
        )
        if self.licensing is LicenceModel.PERPETUAL and self.period is not PricePeriod.ONE_OFF:
            found.append(
                Problem(
                    where,
                    f"a perpetual licence is bought once, but its price is per "
                    f"{getattr(self.period, 'value', self.period)}; use period 'one_off' or "
                    "licensing 'subscription'",
                )
            )
        if self.licensing is LicenceModel.SUBSCRIPTION and self.period is PricePeriod.ONE_OFF:
            found.append(
                Problem(
                    where, "a subscription is priced per month or per year, not as a one-off price"
                )
            )
        if self.licensing is LicenceModel.SUBSCRIPTION and self.maintenance_rate:
            found.append(
                Problem(
                    where,
                    "maintenance_rate applies to perpetual licences; a subscription includes "
                    "maintenance (set it to 0)",
                )
            )
        found += self._tier_problems(where)
        if found:
            raise ValidationError(f"Invalid offer {self.vendor!r}", found)

    def _tier_problems(self, where: str) -> list[Problem]:
        found = []
        previous = 1
        for tier in self.tiers:
            if not is_whole(tier.from_licences) or tier.from_licences <= previous:
                found.append(
                    Problem(
                        where,
                        f"volume tier from {tier.from_licences!r} licences: tiers must start "
                        f"at whole numbers above 1, in increasing order (previous: {previous})",
                    )
                )
            else:
                previous = tier.from_licences
            label = f"price of the tier from {tier.from_licences}"
            found += number_problems(where, {label: tier.price})
        return found

    @property
    def implementation_cost(self) -> float:
        """``implementation_days × day_rate`` (the vendor's own services, year 0)."""
        return float(self.implementation_days) * float(self.day_rate)


def _users(values: Iterable[int]) -> tuple[int, ...]:
    return tuple(plain(v) for v in as_tuple(values))


def _user_problems(where: str, users: tuple[int, ...]) -> list[Problem]:
    """No years of users, or a year whose named users are not a whole number ≥ 0."""
    found = []
    if not users:
        found.append(Problem(where, "users is empty: give the number of named users in each year"))
    found += [
        Problem(
            where,
            f"users in year {year} is {count!r}; it must be a whole number of at least 0",
        )
        for year, count in enumerate(users, start=1)
        if not is_whole(count) or count < 0
    ]
    return found


def _refresh_problems(where: str, refresh: int | None) -> list[Problem]:
    """A hardware refresh cycle that is given but not a whole number of years ≥ 1."""
    if refresh is not None and (not is_whole(refresh) or refresh < 1):
        return [
            Problem(
                where,
                f"hardware_refresh_years is {refresh!r}; give a whole number of years "
                "of at least 1, or leave it out",
            )
        ]
    return []


@attrs.frozen
class Assumptions:
    """The committee's assumptions, shared by every offer.

    ``users``
        named users in operating years 1, 2, … N; its length is the horizon N (year 0 is
        the project from signature to go-live). :meth:`growing` builds it from a start and
        a growth rate.
    ``concurrency_ratio``
        share of named users logged on at the busiest time; concurrent licences needed =
        ``ceil(users × ratio)``. Required when any offer licenses concurrent users.
    ``discount_rate`` / ``timing``
        for the net present value (:class:`Timing`).
    ``training_per_user``
        end-user training per new named user (course and time), year 0 for the first
        cohort and in the year users are added.
    ``project_fte`` / ``support_fte`` / ``fte_cost``
        internal staff: full-time equivalents on the project (year 0) and running the CRM
        (each operating year), at ``fte_cost`` a year each.
    ``hardware`` / ``hardware_refresh_years`` / ``on_premise_operations``
        only for on-premise and hybrid offers: servers bought in year 0 and again every
        ``hardware_refresh_years`` (None: never within the horizon), and the yearly cost of
        running them (data centre, backup, administration).
    ``inflation``
        yearly rise of the committee's own costs (staff, training, operations) after
        year 1; 0 keeps everything in today's money.
    """

    users: tuple[int, ...] = attrs.field(converter=_users)
    discount_rate: float = _number(0.08)
    concurrency_ratio: float | None = _number(None)
    timing: Timing = attrs.field(default=Timing.END, converter=_timing)
    training_per_user: float = _number(0.0)
    project_fte: float = _number(0.0)
    support_fte: float = _number(0.0)
    fte_cost: float = _number(0.0)
    hardware: float = _number(0.0)
    hardware_refresh_years: int | None = _number(None)
    on_premise_operations: float = _number(0.0)
    inflation: float = _number(0.0)
    currency: str = "EUR"
    origin: str = attrs.field(default="", eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        where = self.origin or "cost assumptions"
        found = _user_problems(where, self.users)
        found += [problem for broken, problem in self._setting_rules(where) if broken]
        found += number_problems(
            where,
            {
                "training_per_user": self.training_per_user,
                "project_fte": self.project_fte,
                "support_fte": self.support_fte,
                "fte_cost": self.fte_cost,
                "hardware": self.hardware,
                "on_premise_operations": self.on_premise_operations,
            },
        )
        found += _rate_problems(where, {"inflation": self.inflation})
        found += _refresh_problems(where, self.hardware_refresh_years)
        if found:
            raise ValidationError("Invalid cost assumptions", found)

    def _setting_rules(self, where: str) -> tuple[tuple[bool, Problem], ...]:
        """The rules on the timing, the discount rate and the concurrency ratio, each as
        (broken, the problem it reports)."""
        rate, ratio = self.discount_rate, self.concurrency_ratio
        return (
            (
                not isinstance(self.timing, Timing),
                Problem(
                    where, f"timing {self.timing!r} is unknown; use one of: {Timing.describe()}"
                ),
            ),
            (
                not (is_number(rate) and math.isfinite(rate) and -1 < rate <= 1),
                Problem(where, f"discount_rate is {rate!r}; give a fraction (0.08 for 8 %)"),
            ),
            (
                ratio is not None
                and not (is_number(ratio) and math.isfinite(ratio) and 0 < ratio <= 1),
                Problem(where, f"concurrency_ratio is {ratio!r}; it must lie in (0, 1]"),
            ),
        )

    @property
    def years(self) -> int:
        """The horizon N: operating years after year 0."""
        return len(self.users)

    @classmethod
    def growing(cls, users: int, growth: float, years: int, **fields: Any) -> Assumptions:
        """Assumptions with ``users`` named users in year 1 growing by ``growth`` a year.

        Year *t* has ``round(users × (1 + growth)^(t−1))`` users (halves round up).

        >>> Assumptions.growing(120, 0.10, 5).users
        (120, 132, 145, 160, 176)
        """
        if not (is_whole(years) and years >= 1):
            raise ValidationError(
                "Invalid cost assumptions",
                [Problem("cost assumptions", f"years is {years!r}; it must be at least 1")],
            )
        counts = tuple(math.floor(users * (1 + growth) ** t + 0.5 + 1e-9) for t in range(years))
        return cls(users=counts, **fields)


#: Pricing-sheet keys :func:`offer_from_pricing` reads (see ``PRICING_FIELDS``).
PRICING_KEYS = (
    "currency",
    "licensing_model",
    "user_type",
    "price_per_named_user",
    "price_per_concurrent_user",
    "price_period",
    "maintenance_percent",
    "subscription_term_years",
    "implementation_days",
    "day_rate",
    "hosting_fee_per_year",
    "contract_years",
)

_OFFER_FIELD = {
    "licensing_model": "licensing",
    "price_per_named_user": "unit_price",
    "price_per_concurrent_user": "unit_price",
    "price_period": "period",
    "maintenance_percent": "maintenance_rate",
    "subscription_term_years": "min_term_years",
    "hosting_fee_per_year": "hosting_fee",
    "contract_years": "price_hold_years",
}
"""Pricing-sheet key → the :class:`Offer` field it fills (others keep their name)."""


def offer_from_pricing(
    vendor: str,
    pricing: Mapping[str, float | str | None],
    deployment: Deployment | str | None,
    **extra: Any,
) -> Offer:
    """An :class:`Offer` from the values of a returned RFP's Pricing sheet.

    ``pricing`` is :attr:`crmselect.io.forms.rfp_response.RfpResponse.pricing` (keys of
    ``PRICING_FIELDS``). The mapping:

    ======================================  ==========================================
    Pricing sheet                           Offer
    ======================================  ==========================================
    licensing_model, user_type              ``licensing``, ``user_type``
    price_per_named/concurrent_user         ``unit_price`` (the one matching user_type)
    price_period                            ``period``
    maintenance_percent                     ``maintenance_rate`` = percent / 100
    subscription_term_years                 ``min_term_years``
    contract_years                          ``price_hold_years`` (prices held for the
                                            contract offered)
    implementation_days, day_rate           same names
    hosting_fee_per_year                    ``hosting_fee`` (blank counts 0, except for
                                            a partner-hosted offer)
    ======================================  ==========================================

    ``deployment`` is the one the committee prices (the sheet does not say which of the
    vendor's deployments the prices are for). ``extra`` sets any other :class:`Offer` field
    (``escalation``, ``data_migration``, ``integration``, ``training``, ``tiers`` …) and
    overrides the sheet. Every missing or contradictory value is reported in one
    :class:`~crmselect.errors.ValidationError`, each problem naming ``"<vendor>: Pricing
    <field>"``.

    >>> offer = offer_from_pricing("acme", {"currency": "EUR", "licensing_model":
    ...     "subscription", "user_type": "named", "price_per_named_user": 70.0,
    ...     "price_period": "per month", "implementation_days": 100.0, "day_rate": 1000.0},
    ...     deployment="saas")
    >>> offer.unit_price, offer.period.value, offer.implementation_cost
    (70.0, 'month', 100000.0)
    """
    found: list[Problem] = []

    def where(key: str) -> str:
        return f"{vendor}: Pricing {key}"

    def get(key: str, required: bool = True) -> Any:
        value = pricing.get(key)
        if value is None and required and _OFFER_FIELD.get(key, key) not in extra:
            found.append(Problem(where(key), "missing; ask the vendor for it"))
        return value

    licensing = get("licensing_model")
    user_type = get("user_type")
    users = UserType.parse(user_type) if user_type is not None else None
    price_key = (
        "price_per_concurrent_user" if users is UserType.CONCURRENT else "price_per_named_user"
    )
    fields: dict[str, Any] = {
        "currency": get("currency"),  # never assumed: a £ read as EUR would skew the TCO
        "licensing": licensing,
        "user_type": user_type,
        "unit_price": get(price_key),
        "period": get("price_period"),
        "implementation_days": get("implementation_days"),
        "day_rate": get("day_rate"),
    }
    if LicenceModel.parse(licensing) is LicenceModel.PERPETUAL:
        percent = get("maintenance_percent")
        if is_number(percent):
            fields["maintenance_rate"] = percent / 100
    if deployment is None and "deployment" not in extra:
        found.append(
            Problem(
                f"{vendor}: deployment",
                "not chosen; say which of the vendor's deployments the offer is priced for",
            )
        )
    else:
        fields["deployment"] = deployment
    parsed_deployment = _deployment(extra.get("deployment", deployment))
    hosting = pricing.get("hosting_fee_per_year")
    if hosting is None and parsed_deployment is Deployment.PARTNER_HOSTED:
        get("hosting_fee_per_year")
    fields["hosting_fee"] = hosting if hosting is not None else 0.0
    fields.update(_terms(pricing))
    fields.update(extra)
    if found:
        raise ValidationError(f"Incomplete pricing of vendor {vendor!r}", found)
    try:
        return Offer(vendor=vendor, origin=f"{vendor}: Pricing", **fields)
    except TypeError as error:  # an unknown keyword in ``extra``
        raise ValidationError(
            f"Invalid offer {vendor!r}", [Problem(f"{vendor}: costs", str(error))]
        ) from None


def _terms(pricing: Mapping[str, float | str | None]) -> dict[str, int]:
    """The Pricing sheet's subscription term and contract length as :class:`Offer` fields
    (``min_term_years``, ``price_hold_years``), where given as a whole number of years ≥ 0
    (anything else is left to the offer's defaults)."""
    terms = {}
    for key, name in (
        ("subscription_term_years", "min_term_years"),
        ("contract_years", "price_hold_years"),
    ):
        value = pricing.get(key)
        if is_number(value) and float(value).is_integer() and value >= 0:
            terms[name] = int(value)
    return terms
