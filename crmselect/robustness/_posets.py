"""Uniform random linear extensions of a partial order (private).

A linear extension of a partial order on ``c`` elements is a total order compatible with
it. We count, for every *placed set* ``S`` reachable from the empty set (elements are placed
from the largest down, an element only once every element required above it is placed),
the number ``N(S)`` of ways to finish; then ``N(∅)`` is the number of extensions, and
placing next the available element ``x`` with probability ``N(S ∪ {x}) / N(S)`` yields each
extension with probability exactly ``1 / N(∅)``. The tables are built once; sampling is
vectorised over samples (``c`` steps of table look-ups).

The number of placed sets can grow like ``2^c`` for wide orders, so it is capped
(:data:`MAX_STATES`); beyond that the caller falls back to hit-and-run.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.intp]

#: Most placed sets the exact sampler tabulates.
MAX_STATES = 200_000


class TooManyStates(Exception):
    """The partial order has more placed sets than :data:`MAX_STATES`."""


class LinearExtensions:
    """Tables to draw uniform linear extensions of ``c`` elements; ``above[x]`` is the
    bitmask of elements that must come before (be at least as large as) ``x``."""

    def __init__(self, above: list[int]) -> None:
        c = len(above)
        self.size = c
        levels, available = _placed_sets(above)
        count = _completions(levels, available, c)
        self.count: int = count[0]
        states = [s for level in levels for s in level]
        index = {s: i for i, s in enumerate(states)}
        self._next_elem, self._next_state, self._cum = _transitions(index, available, count)
        self._start = index[0]

    def sample(self, rng: np.random.Generator, n: int) -> IntArray:
        """``n × c`` element indices, each row a uniform linear extension, largest first."""
        state = np.full(n, self._start, dtype=np.intp)
        out = np.empty((n, self.size), dtype=np.intp)
        for step in range(self.size):
            u = rng.random(n)
            slot = (u[:, None] >= self._cum[state]).sum(axis=1)
            out[:, step] = self._next_elem[state, slot]
            state = self._next_state[state, slot]
        return out


def _placed_sets(above: list[int]) -> tuple[list[list[int]], dict[int, list[int]]]:
    """The placed sets reachable from the empty set, level by level (level ``k``: ``k``
    elements placed), and the elements available next in each of them (every element
    required above them placed, themselves not; none in the full set).

    Raises :class:`TooManyStates` once there are more than :data:`MAX_STATES` sets.
    """
    c = len(above)
    levels: list[list[int]] = [[0]]
    available: dict[int, list[int]] = {}
    n_states = 1
    for _ in range(c):
        nxt: set[int] = set()
        for placed in levels[-1]:
            free = [x for x in range(c) if not placed >> x & 1 and above[x] & placed == above[x]]
            available[placed] = free
            nxt.update(placed | 1 << x for x in free)
        n_states += len(nxt)
        if n_states > MAX_STATES:
            raise TooManyStates(n_states)
        levels.append(sorted(nxt))
    available[(1 << c) - 1] = []
    return levels, available


def _completions(
    levels: list[list[int]], available: dict[int, list[int]], c: int
) -> dict[int, int]:
    """``N(S)`` for every placed set ``S``: the number of ways to finish, from the full set
    (1 way) down to the empty set."""
    count: dict[int, int] = {(1 << c) - 1: 1}
    for level in reversed(levels[:-1]):
        for placed in level:
            count[placed] = sum(count[placed | 1 << x] for x in available[placed])
    return count


def _transitions(
    index: dict[int, int], available: dict[int, list[int]], count: dict[int, int]
) -> tuple[IntArray, IntArray, npt.NDArray[np.float64]]:
    """The sampling tables, one row per placed set (numbered by ``index``), one slot per
    available element: the element, the set it leads to, and the cumulative probability
    ``Σ N(S ∪ {x}) / N(S)`` up to that slot (the last slot and unused ones ``inf``)."""
    width = max(1, max(len(v) for v in available.values()))
    next_elem = np.zeros((len(index), width), dtype=np.intp)
    next_state = np.zeros((len(index), width), dtype=np.intp)
    cum = np.full((len(index), width), np.inf)
    for s, row in index.items():
        free = available[s]
        if not free:
            continue
        running = 0
        for slot, x in enumerate(free):
            running += count[s | 1 << x]
            next_elem[row, slot] = x
            next_state[row, slot] = index[s | 1 << x]
            cum[row, slot] = running / count[s]
        cum[row, len(free) - 1] = np.inf
    return next_elem, next_state, cum
