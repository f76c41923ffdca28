"""Helpers the model's classes share to report what is wrong with them: where an object is
(its ``origin``, else its kind and id), the id rule (a short word of letters, digits, ``_``,
``-`` or ``.``), repeated ids, and raising every problem found at once as one
:class:`~crmselect.errors.ValidationError`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from crmselect.errors import Problem, ValidationError

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


def where_of(obj: Any, kind: str) -> str:
    """Where ``obj`` is, for a message: its ``origin``, else ``"<kind> '<id>'"``."""
    origin: str = getattr(obj, "origin", "")
    identifier = getattr(obj, "id", "")
    return origin or (f"{kind} {identifier!r}" if identifier else kind)


def raise_if(problems: list[Problem], headline: str) -> None:
    """Raise one :class:`~crmselect.errors.ValidationError` listing ``problems``, if any."""
    if problems:
        raise ValidationError(headline, problems)


def id_problem(where: str, value: str, field: str = "id") -> list[Problem]:
    """A problem at ``where`` unless ``value`` is a valid id."""
    if isinstance(value, str) and _ID.fullmatch(value):  # match would allow a final "\n"
        return []
    return [
        Problem(
            where,
            f"{field} {value!r} must be a short word of letters, digits, '_', "
            "'-' or '.' (no spaces)",
        )
    ]


def duplicate_problems(kind: str, objects: Iterable[Any]) -> list[Problem]:
    """A problem at every repeated occurrence of an id, naming where the first one is."""
    first: dict[str, Any] = {}
    found = []
    for obj in objects:
        if obj.id in first:
            earlier = first[obj.id].origin or "earlier"
            found.append(
                Problem(
                    where_of(obj, kind),
                    f"the {kind} id {obj.id!r} is used more than once "
                    f"(first: {earlier}); ids must be unique",
                )
            )
        else:
            first[obj.id] = obj
    return found
