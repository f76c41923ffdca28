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
        levels: list[list[int]] = [[0]]
        available: dict[int, list[int]] = {}
        n_states = 1
        for _ in range(c):
            nxt: set[int] = set()
            for placed in levels[-1]:
                free = [
                    x for x in range(c) if not placed >> x & 1 and above[x] & placed == above[x]
                ]
                available[placed] = free
                nxt.update(placed | 1 << x for x in free)
            n_states += len(nxt)
            if n_states > MAX_STATES:
                raise TooManyStates(n_states)
            levels.append(sorted(nxt))
        full = (1 << c) - 1
        count: dict[int, int] = {full: 1}
        available[full] = []
        for level in reversed(levels[:-1]):
            for placed in level:
                count[placed] = sum(count[placed | 1 << x] for x in available[placed])
        self.count: int = count[0]

        states = [s for level in levels for s in level]
        index = {s: i for i, s in enumerate(states)}
        width = max(1, max(len(v) for v in available.values()))
        self._next_elem = np.zeros((len(states), width), dtype=np.intp)
        self._next_state = np.zeros((len(states), width), dtype=np.intp)
        self._cum = np.full((len(states), width), np.inf)
        for s in states:
            free = available[s]
            if not free:
                continue
            total = count[s]
            running = 0
            for slot, x in enumerate(free):
                running += count[s | 1 << x]
                self._next_elem[index[s], slot] = x
                self._next_state[index[s], slot] = index[s | 1 << x]
                self._cum[index[s], slot] = running / total
            self._cum[index[s], len(free) - 1] = np.inf
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
