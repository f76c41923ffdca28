"""Hashes that come out the same on every machine: SHA-256 over a canonical rendering.

A hash in crmselect identifies *inputs* — what a committee wrote or a vendor returned — so
that a workbook made on one computer is recognised on another, and a result's provenance
can be checked months later. Two rules make that hold across CPUs and BLAS kernels:

1. Hash what was given, not what was derived. A number computed by an eigen-solver or a
   vectorised ``exp``/``power`` (AHP priorities, present values) may differ in its last
   bits between OpenBLAS core types or SIMD paths; callers leave such numbers out and hash
   the inputs they came from (e.g. :attr:`crmselect.model.Evaluation.fingerprint` hashes
   the pairwise judgements, not the weights derived from them).
2. Where a float must be hashed, it is first written with :data:`SIGNIFICANT_DIGITS`
   significant digits (:func:`canonical_float`). Inputs typed as decimals (``0.25``,
   ``1e6``, ``850.5``) round-trip exactly; a derived float whose machines disagree only
   beyond the 12th digit gives the same text unless it lies within a few units in the
   last place of a rounding boundary (a chance of about 1e-4 per value), which is why
   rule 1 comes first.

Canonical form (:func:`canonical`): attrs instances become mappings of their fields
(fields named in ``exclude`` left out), enums their values, sets sorted lists, mappings
dicts with string keys, tuples and lists lists, numpy scalars Python scalars, numpy arrays
nested lists, numbers (int or float alike: ``3`` and ``3.0`` are one input) the float of
:func:`canonical_float`'s text (so JSON writes it as a number, never as the text ``"3"``),
anything else its ``str``.
:func:`sha256_hex` hashes the JSON of that form with sorted keys.
"""

from __future__ import annotations

import enum
import hashlib
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import repeat
from operator import attrgetter
from typing import Any

import attrs
import numpy as np
import pandas as pd

SIGNIFICANT_DIGITS = 12
"""Significant digits a float keeps in every hash (see the module docstring)."""


def canonical_float(value: float) -> str:
    """``value`` with :data:`SIGNIFICANT_DIGITS` significant digits; ``-0`` is ``0``.

    >>> canonical_float(0.1 + 0.2), canonical_float(-0.0), canonical_float(1e308 * 10)
    ('0.3', '0', 'inf')
    >>> canonical_float(0.4000000000000001) == canonical_float(0.4)
    True
    """
    number = float(value)
    if number == 0:
        return "0"
    if math.isnan(number):
        return "nan"
    return format(number, _FORMAT)


_FORMAT = f".{SIGNIFICANT_DIGITS}g"


def canonical(value: Any, exclude: Iterable[str] = ()) -> Any:
    """A JSON-ready, order-stable rendering of ``value`` in which every number is rounded
    as :func:`canonical_float` writes it; attrs fields named in ``exclude`` are left out (at any
    depth).

    The plain types an evaluation is made of (``str``, ``None``, ``bool``, ``int``,
    ``float``, ``tuple``, ``list``, ``dict``, attrs classes, whose field names are looked up
    once per class) are recognised by their exact type first; everything else takes the
    general path, in the order of the module docstring — the same rendering either way, for
    hundreds of thousands of answers and scores in a fraction of the time. A list or tuple
    of instances of one attrs class (an evaluation's answers, demo scores, requirements) is
    rendered field by field across all of them (:func:`_records`).

    >>> canonical({"b": (1, 2.50), "a": {3.0, 1.0}, "c": 0.1 + 0.2})
    {'b': [1.0, 2.5], 'a': [1.0, 3.0], 'c': 0.3}
    """
    skip = frozenset(exclude)
    names: dict[type, tuple[str, ...]] = {}

    def fields_of(kind: type) -> tuple[str, ...]:
        found = names.get(kind)
        if found is None:
            found = names[kind] = tuple(a.name for a in attrs.fields(kind) if a.name not in skip)
        return found

    def walk(item: Any) -> Any:
        kind = type(item)
        if kind is str or item is None or kind is bool:
            return item
        if kind is float or kind is int:
            return 0.0 if item == 0 else float(format(item, _FORMAT))  # canonical_float's text
        if kind is tuple or kind is list:
            return _sequence(item, names, fields_of, walk)
        if kind in names or attrs.has(kind):
            return {name: walk(getattr(item, name)) for name in fields_of(kind)}
        if kind is dict:
            return {str(walk(k)): walk(v) for k, v in item.items()}
        return _canonical_other(item, walk)

    return walk(value)


_AS_IS = frozenset({str, bool, type(None)})
"""The exact types :func:`canonical` keeps as they are."""
_NUMBERS = frozenset({int, float, type(None)})
"""The exact types of a column :func:`_column` renders through a table (``bool`` is not one:
``True == 1``, but its canonical form is ``True``)."""


def _sequence(
    items: Sequence[Any],
    known: Mapping[type, object],
    fields_of: Callable[[type], tuple[str, ...]],
    walk: Callable[[Any], Any],
) -> list[Any]:
    """A tuple or list as the list of its elements' canonical forms; a run of one attrs
    class (``known``: the classes met so far) field by field (:func:`_records`)."""
    if items and _one_attrs_class(items, known):
        return _records(items, fields_of(type(items[0])), walk)
    return [walk(v) for v in items]


def _one_attrs_class(items: Sequence[Any], known: Mapping[type, object]) -> bool:
    """Whether every element of ``items`` (not empty) is an instance of one attrs class
    (its exact type): the answers, demo scores and requirements of an evaluation."""
    kind = type(items[0])
    return (kind in known or attrs.has(kind)) and all(type(v) is kind for v in items)


def _records(items: Sequence[Any], names: tuple[str, ...], walk: Callable[[Any], Any]) -> list[Any]:
    """``[{name: walk(getattr(item, name)) for name in names} for item in items]``, column
    by column: each field is read from every item at once (:func:`operator.attrgetter`)
    and rendered by :func:`_column`. The same mappings, for 200,000 demo scores in half
    the time."""
    if not names:
        return [{} for _ in items]
    columns = [_column(list(map(attrgetter(name), items)), walk) for name in names]
    return list(map(dict, map(zip, repeat(names), zip(*columns, strict=False))))


def _column(values: list[Any], walk: Callable[[Any], Any]) -> list[Any]:
    """``[walk(v) for v in values]``: a column of only texts, booleans and ``None`` —
    which ``walk`` keeps as they are — as it is; one of only ints, floats and ``None``
    through a table of its distinct values (equal numbers have one canonical form: ``1``
    and ``1.0``, ``0.0`` and ``-0.0``; a demo score column holds a dozen)."""
    kinds = set(map(type, values))
    if kinds <= _AS_IS:
        return values
    if kinds <= _NUMBERS:
        table = {v: walk(v) for v in set(values)}
        return list(map(table.__getitem__, values))
    return list(map(walk, values))


def _canonical_other(item: Any, walk: Callable[[Any], Any]) -> Any:
    """The canonical form of a value that is none of :func:`canonical`'s plain types: an
    enum member as its value, a numpy or other number as a number, a container as a list
    or a mapping, anything else its ``str``."""
    if isinstance(item, enum.Enum):
        return walk(item.value)
    if isinstance(item, bool | np.bool_ | int | float | np.integer | np.floating):
        return _canonical_number(item)
    if isinstance(item, np.ndarray | frozenset | set | Mapping | tuple | list):
        return _canonical_container(item, walk)
    if isinstance(item, str):
        return item
    return str(item)


def _canonical_number(item: Any) -> bool | float:
    """A bool (Python's or numpy's) as a bool; any other number as the float of
    :func:`canonical_float`'s text."""
    if isinstance(item, bool | np.bool_):
        return bool(item)
    # 3, 3.0 and np.int64(3) are one input; the text "3" stays another
    return float(canonical_float(float(item)))


def _canonical_container(item: Any, walk: Callable[[Any], Any]) -> Any:
    """An array as its nested lists, a set as a list sorted by its JSON, a mapping as a
    dict with string keys, a tuple or list as a list; every element in canonical form
    (``walk``)."""
    if isinstance(item, np.ndarray):
        return walk(item.tolist())
    if isinstance(item, frozenset | set):
        return sorted((walk(v) for v in item), key=_sort_key)
    if isinstance(item, Mapping):
        return {str(walk(k)): walk(v) for k, v in item.items()}
    return [walk(v) for v in item]


def _sort_key(item: Any) -> str:
    return json.dumps(item, sort_keys=True, ensure_ascii=True)


def sha256_hex(value: Any, exclude: Iterable[str] = ()) -> str:
    """SHA-256 (hex) of the sorted-keys JSON of :func:`canonical` ``(value, exclude)``.

    >>> sha256_hex([0.1 + 0.2]) == sha256_hex([0.3])
    True
    """
    return sha256_of_canonical(canonical(value, exclude))


def sha256_of_canonical(plain: Any) -> str:
    """SHA-256 (hex) of the sorted-keys JSON of a value already in :func:`canonical` form
    (for callers that adjust that form first, as :attr:`Evaluation.fingerprint` does)."""
    text = json.dumps(plain, sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def digest(*parts: Any) -> str:
    """SHA-256 (hex) over arrays, frames, series, attrs objects and plain values, floats
    canonicalised (:func:`canonical_float`): the provenance of a result.

    A frame or series contributes its index and column labels as text and its values;
    ``digest(frame)`` equals ``digest`` of the same frame rebuilt on another machine whose
    arithmetic differed beyond the 12th significant digit.

    >>> a = np.array([[0.1 + 0.2, 1.0]])
    >>> digest(a, "seed", 7) == digest(np.array([[0.3, 1.0]]), "seed", 7)
    True
    >>> digest(a) == digest(a.T)
    False
    """
    h = hashlib.sha256()

    def feed(obj: Any) -> None:
        if isinstance(obj, pd.DataFrame):
            feed(("frame", list(map(str, obj.index)), list(map(str, obj.columns))))
            feed(obj.to_numpy(dtype=float))
        elif isinstance(obj, pd.Series):
            feed(("series", list(map(str, obj.index))))
            feed(obj.to_numpy(dtype=float))
        elif isinstance(obj, np.ndarray):
            h.update(f"array{obj.shape}".encode())
            h.update(_sort_key(canonical(obj)).encode())
        elif attrs.has(type(obj)):
            h.update(type(obj).__name__.encode())
            for field in attrs.fields(type(obj)):
                if field.init:
                    feed(getattr(obj, field.name))
        elif isinstance(obj, tuple | list):
            h.update(b"(")
            for item in obj:
                feed(item)
            h.update(b")")
        else:
            h.update(_sort_key(canonical(obj)).encode())
        h.update(b"|")

    for part in parts:
        feed(part)
    return h.hexdigest()
