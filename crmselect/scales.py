"""Answer scales: how an RFP compliance level or a demo score becomes a number in [0, 1].

RFP compliance (common tender practice; scores are this library's documented defaults and
can be overridden per evaluation)::

    key            label                                       score  satisfies a mandatory
    out_of_box     Fully supported out of the box               1.00   yes
    configuration  Supported by configuration (no code)          0.80   yes
    customisation  Supported by customisation (code)             0.50   yes
    third_party    Supported via a third-party product          0.40   yes
    roadmap        On the roadmap (not yet available)           0.20   no
    not_supported  Not supported                                0.00   no

A mandatory requirement answered with a level that does not satisfy it — or left blank, or
answered with a value the importer excluded — knocks the vendor out. A roadmap promise is
not a product: by default it does not meet a must-have (otherwise a vendor without single
sign-on could win a tender that requires it). A committee that accepts roadmap promises
for must-haves sets ``satisfies_mandatory: true`` on ``roadmap`` (and may do so, or the
opposite, for any level).

Demo scores are given on a numeric scale (default 0–5) and normalised linearly:
``(x − minimum) / (maximum − minimum)``.
"""

from __future__ import annotations

import functools
import math
import re

import attrs

from crmselect.converters import as_tuple
from crmselect.errors import Problem, ValidationError

_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_SEPARATORS = re.compile(r"[\s\-/]+")
MEMO_LENGTH = 100
"""Answers of at most this many characters have their token remembered (the last
:data:`MEMO_ENTRIES` of them): a returned file repeats a handful of answers thousands of
times, and no label of a scale comes near this length, so a long untrusted text is folded
afresh each time rather than kept."""
MEMO_ENTRIES = 1024


def normalise_token(text: str) -> str:
    """Fold a free-text answer to a comparable token: ``"Out-of-the box "`` → ``"out_of_the_box"``.

    >>> normalise_token("  Third-Party ")
    'third_party'
    """
    return _SEPARATORS.sub("_", text.strip().lower()).strip("_")


_remembered_token = functools.lru_cache(maxsize=MEMO_ENTRIES)(normalise_token)


def _token(text: str) -> str:
    """:func:`normalise_token`, remembered for short texts (see :data:`MEMO_LENGTH`)."""
    return _remembered_token(text) if len(text) <= MEMO_LENGTH else normalise_token(text)


@attrs.frozen
class ComplianceLevel:
    """One answer a vendor may give to a requirement, and what it is worth."""

    key: str
    label: str
    score: float = attrs.field(converter=float)
    satisfies_mandatory: bool = True
    aliases: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)

    def problems(self) -> list[Problem]:
        where = f"compliance level {self.key!r}"
        found = []
        if not _KEY.match(self.key):
            found.append(Problem(where, "key must be lower-case letters, digits and '_'"))
        if not (math.isfinite(self.score) and 0.0 <= self.score <= 1.0):
            found.append(Problem(where, f"score {self.score} must lie in [0, 1]"))
        return found


def _default_levels() -> tuple[ComplianceLevel, ...]:
    return (
        ComplianceLevel(
            "out_of_box",
            "Fully supported out of the box",
            1.0,
            True,
            ("oob", "standard", "out_of_the_box", "fully_supported", "yes"),
        ),
        ComplianceLevel(
            "configuration",
            "Supported by configuration (no code)",
            0.8,
            True,
            ("config", "configurable", "cfg"),
        ),
        ComplianceLevel(
            "customisation",
            "Supported by customisation (code)",
            0.5,
            True,
            ("customization", "custom", "custom_development", "cust"),
        ),
        ComplianceLevel(
            "third_party",
            "Supported via a third-party product",
            0.4,
            True,
            ("3rd_party", "partner_product", "add_on", "tp"),
        ),
        ComplianceLevel(
            "roadmap",
            "On the roadmap (not yet available)",
            0.2,
            False,
            ("planned", "future_release", "rm"),
        ),
        ComplianceLevel(
            "not_supported",
            "Not supported",
            0.0,
            False,
            ("no", "none", "not_available", "unsupported", "ns"),
        ),
    )


@attrs.frozen
class ComplianceScale:
    """The ordered list of compliance levels an RFP answer may take.

    >>> scale = ComplianceScale()
    >>> scale.parse("Supported by configuration (no code)"), scale.score("configuration")
    ('configuration', 0.8)
    """

    levels: tuple[ComplianceLevel, ...] = attrs.field(factory=_default_levels, converter=as_tuple)

    def __attrs_post_init__(self) -> None:
        found = [p for level in self.levels for p in level.problems()]
        if not self.levels:
            found.append(Problem("compliance scale", "needs at least one level"))
        seen: dict[str, str] = {}
        for level in self.levels:
            for token in (
                level.key,
                normalise_token(level.label),
                *map(normalise_token, level.aliases),
            ):
                if seen.get(token, level.key) != level.key:
                    found.append(
                        Problem(
                            "compliance scale",
                            f"{token!r} names both {seen[token]!r} and {level.key!r}",
                        )
                    )
                seen[token] = level.key
        if found:
            raise ValidationError("Invalid compliance scale", found)

    @functools.cached_property
    def keys(self) -> tuple[str, ...]:
        """The levels' keys in order (made once: validation asks it for every answer)."""
        return tuple(level.key for level in self.levels)

    def level(self, key: str) -> ComplianceLevel:
        """The level with this key (``KeyError`` if there is none)."""
        for level in self.levels:
            if level.key == key:
                return level
        raise KeyError(key)

    @functools.cached_property
    def _names(self) -> dict[str, str]:
        """Every name of every level — its key, its label's and its aliases' tokens — mapped
        to the level's key (made on first use; a name belongs to one level only, see
        :meth:`__attrs_post_init__`)."""
        return {
            name: level.key
            for level in self.levels
            for name in (
                level.key,
                normalise_token(level.label),
                *map(normalise_token, level.aliases),
            )
        }

    def parse(self, text: str) -> str | None:
        """Map an answer as a vendor wrote it (key, label or alias, any case) to a level key:
        the level one of whose names (:attr:`_names`) is the answer's token
        (:func:`normalise_token`).

        Returns ``None`` when nothing matches, so that the caller can report where.
        """
        return self._names.get(_token(text))

    def score(self, key: str) -> float:
        """The score in [0, 1] of the level ``key``."""
        return self.level(key).score

    def failing_mandatory(self) -> str:
        """The labels of the levels that do not meet a mandatory requirement, quoted and
        joined (``""`` when every level meets one).

        >>> ComplianceScale().failing_mandatory()
        "'On the roadmap (not yet available)' or 'Not supported'"
        """
        failing = [f"'{level.label}'" for level in self.levels if not level.satisfies_mandatory]
        if len(failing) <= 1:
            return "".join(failing)
        return f"{', '.join(failing[:-1])} or {failing[-1]}"

    def mandatory_rule(self) -> str:
        """The knock-out rule of this scale in one sentence, for reports.

        >>> print(ComplianceScale().mandatory_rule())  # doctest: +NORMALIZE_WHITESPACE
        A mandatory requirement is not met by an answer 'On the roadmap (not yet
        available)' or 'Not supported', nor by a blank or excluded one: each knocks the
        vendor out.
        """
        failing = self.failing_mandatory()
        if not failing:
            return (
                "A mandatory requirement is met by any answer on the scale, but not by a "
                "blank or excluded one: that knocks the vendor out."
            )
        return (
            f"A mandatory requirement is not met by an answer {failing}, nor by a blank or "
            "excluded one: each knocks the vendor out."
        )

    def describe(self) -> str:
        """The accepted answers, for error messages: ``"out_of_box, configuration, …"``."""
        return ", ".join(self.keys)


@attrs.frozen
class DemoScale:
    """The numeric range evaluators score demos on; normalised linearly to [0, 1].

    >>> DemoScale(0, 5).normalise(4)
    0.8
    """

    minimum: float = attrs.field(default=0.0, converter=float)
    maximum: float = attrs.field(default=5.0, converter=float)

    def __attrs_post_init__(self) -> None:
        if not (math.isfinite(self.minimum) and math.isfinite(self.maximum)) or (
            self.maximum <= self.minimum
        ):
            raise ValidationError(
                "Invalid demo scale",
                [
                    Problem(
                        "demo scale",
                        f"needs finite minimum < maximum, got {self.minimum}..{self.maximum}",
                    )
                ],
            )

    def contains(self, value: float) -> bool:
        return math.isfinite(value) and self.minimum <= value <= self.maximum

    def normalise(self, value: float) -> float:
        """``(value − minimum) / (maximum − minimum)``."""
        return (value - self.minimum) / (self.maximum - self.minimum)
