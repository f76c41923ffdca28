"""The vectorised SMAA ranking kernel (private): ranks with shared ties, accumulated.

Input per chunk: totals ``T`` (samples × vendors) and a per-sample factor ``inv_scale``
bringing each row onto the [0, 1] scale of the totals (the kernel accepts unnormalised
Dirichlet draws, ``T = E @ Pᵀ`` with ``w = E / s``, so ``inv_scale = 1/s``).

**Ties.** Each total is put on a grid of 2⁻⁴⁰ (≈ 9·10⁻¹³): ``q = rint(T · 2⁴⁰ / s)``. Sorted
per sample, neighbours whose ``q`` differ by at most 1 belong to one *tie group* (groups
chain). A group of ``e`` vendors at ranks ``r … r+e−1`` gives each member ``1/e`` of each of
those ranks, counts ``1/2`` per pair inside it for the pairwise index, and shares first place
``1/e`` each. Float noise (ulps) can therefore never split a true tie, whatever the order of
the floating-point sums, and a tie is never broken by position.

**Fast path.** Packing ``q`` and the vendor index into one int64 key, one ``np.sort`` per
chunk yields the order; a sample without any tie (almost all, with continuous weights) is
counted with ``np.bincount`` and the pairwise index from the inverse permutation; only
samples with a tie go through the general (``vendors²`` per sample) path.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse  # type: ignore[import-untyped, unused-ignore]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

GRID_BITS = 40
_GRID = float(2**GRID_BITS)
#: Rows of the general tie path handled at once (bounds its vendors² memory).
_TIE_BATCH = 2048


def _index_bits(m: int) -> int:
    return max(1, (m - 1).bit_length())


def sorted_keys(totals: FloatArray, inv_scale: FloatArray | None) -> tuple[IntArray, int]:
    """Per sample, ``q << bits | vendor`` sorted ascending, and ``bits``."""
    m = totals.shape[1]
    bits = _index_bits(m)
    q = totals * (_GRID if inv_scale is None else (_GRID * inv_scale)[:, None])
    np.rint(q, out=q)
    keys = q.astype(np.int64)
    keys <<= bits
    keys |= np.arange(m, dtype=np.int64)
    keys.sort(axis=1)
    return keys, bits


def tie_rows(keys: IntArray, bits: int) -> npt.NDArray[np.bool_]:
    """Samples in which some two vendors are tied (grid values at most one step apart)."""
    q = keys >> bits
    return np.asarray((np.diff(q, axis=1) <= 1).any(axis=1))


def tie_groups(keys: IntArray, bits: int) -> tuple[IntArray, IntArray, IntArray]:
    """For each sorted position: the vendor, the number ``G`` of vendors strictly ahead of
    its tie group, and the group's size ``e`` (the group holds ranks ``G … G+e−1``, 0-based
    from the best)."""
    n, m = keys.shape
    vendor = keys & ((1 << bits) - 1)
    q = keys >> bits
    positions = np.arange(m, dtype=np.int64)
    starts = np.ones((n, m), dtype=bool)
    starts[:, 1:] = np.diff(q, axis=1) > 1
    ends = np.ones((n, m), dtype=bool)
    ends[:, :-1] = starts[:, 1:]
    low = np.maximum.accumulate(np.where(starts, positions, 0), axis=1)
    high = np.minimum.accumulate(np.where(ends, positions, m)[:, ::-1], axis=1)[:, ::-1]
    return vendor, (m - 1) - high, high - low + 1


def first_place_shares(totals: FloatArray, inv_scale: FloatArray | None = None) -> FloatArray:
    """Samples × vendors: ``1/e`` for the ``e`` vendors tied for first, 0 otherwise."""
    n, m = totals.shape
    keys, bits = sorted_keys(totals, inv_scale)
    vendor, ahead, size = tie_groups(keys, bits)
    shares = np.zeros((n, m))
    np.put_along_axis(shares, vendor, np.where(ahead == 0, 1.0 / size, 0.0), axis=1)
    return shares


class Accumulator:
    """Running sums of one SMAA run: rank counts, pairwise wins, weights when first."""

    def __init__(self, m: int, k: int) -> None:
        self.m, self.k = m, k
        self.rank_counts = np.zeros((m, m))
        self.pairwise = np.zeros((m, m))
        self.central = np.zeros((m, k))
        self.n = 0

    def add(
        self,
        totals: FloatArray,
        inv_scale: FloatArray | None,
        blocks: list[tuple[int, FloatArray]],
    ) -> None:
        """Count one chunk. ``blocks`` are ``(first row, weight draws)`` covering the rows
        of ``totals``; the weights are ``draws * inv_scale`` (row-wise)."""
        n, m = totals.shape
        self.n += n
        if m == 1:
            self.rank_counts[0, 0] += n
            for start, draws in blocks:
                scale = self._scale(inv_scale, start, len(draws))
                self.central[0] += scale @ draws
            return
        keys, bits = sorted_keys(totals, inv_scale)
        ties = tie_rows(keys, bits)
        any_ties = bool(ties.any())
        fast_keys = keys[~ties] if any_ties else keys
        winners_all = np.empty(n, dtype=np.int64)
        if len(fast_keys):
            vendor = fast_keys & ((1 << bits) - 1)
            self._fast_counts(vendor)
            winners_all[~ties if any_ties else slice(None)] = vendor[:, -1]
        for start, draws in blocks:
            rows = slice(start, start + len(draws))
            scale = self._scale(inv_scale, start, len(draws))
            if any_ties:
                scale = np.where(ties[rows], 0.0, scale)
            winners = np.where(ties[rows], 0, winners_all[rows]) if any_ties else winners_all[rows]
            first = sparse.csc_array(
                (scale, winners, np.arange(len(draws) + 1)), shape=(m, len(draws))
            )
            self.central += first @ draws
        if any_ties:
            tied = np.flatnonzero(ties)
            for lo in range(0, len(tied), _TIE_BATCH):
                rows_idx = tied[lo : lo + _TIE_BATCH]
                shares = self._tie_counts(keys[rows_idx], bits)
                weights = _take_rows(blocks, rows_idx)
                if inv_scale is not None:
                    weights = weights * inv_scale[rows_idx, None]
                self.central += shares.T @ weights

    @staticmethod
    def _scale(inv_scale: FloatArray | None, start: int, size: int) -> FloatArray:
        if inv_scale is None:
            return np.ones(size)
        return np.asarray(inv_scale[start : start + size], dtype=float)

    def _fast_counts(self, vendor: IntArray) -> None:
        """Samples without ties: ``vendor[s, p]`` is the vendor at ascending position ``p``."""
        n, m = vendor.shape
        rank = np.arange(m - 1, -1, -1, dtype=np.int64)
        flat = vendor * m + rank
        self.rank_counts += np.bincount(flat.ravel(), minlength=m * m).reshape(m, m)
        # inverse permutation: the ascending position of each vendor, by a second sort
        bits = _index_bits(m)
        small = 2 * bits <= 16
        packed: npt.NDArray[np.integer[Any]] = (vendor << bits | np.arange(m)).astype(
            np.uint16 if small else np.int64
        )
        packed.sort(axis=1)
        packed &= (1 << bits) - 1
        position = np.ascontiguousarray(packed.astype(np.uint8 if small else np.int64).T)
        for i in range(m - 1):
            above = position[i]
            for j in range(i + 1, m):
                wins = np.count_nonzero(above > position[j])
                self.pairwise[i, j] += wins
                self.pairwise[j, i] += n - wins

    def _tie_counts(self, keys: IntArray, bits: int) -> FloatArray:
        """Samples with ties: fractional ranks; returns their first-place shares."""
        n, m = keys.shape
        vendor, ahead, size = tie_groups(keys, bits)
        share = 1.0 / size
        flat = (vendor * (m + 1) + ahead).ravel()
        diff = np.bincount(flat, weights=share.ravel(), minlength=m * (m + 1))
        diff -= np.bincount(flat + size.ravel(), weights=share.ravel(), minlength=m * (m + 1))
        self.rank_counts += np.cumsum(diff.reshape(m, m + 1), axis=1)[:, :m]
        shares = np.zeros((n, m))
        np.put_along_axis(shares, vendor, np.where(ahead == 0, share, 0.0), axis=1)
        group = np.empty((n, m), dtype=np.int64)
        np.put_along_axis(group, vendor, ahead, axis=1)  # smaller = better
        better = (group[:, :, None] < group[:, None, :]).sum(axis=0)
        level = (group[:, :, None] == group[:, None, :]).sum(axis=0)
        self.pairwise += better + 0.5 * level
        return shares


def _take_rows(blocks: list[tuple[int, FloatArray]], rows: IntArray) -> FloatArray:
    """Rows (chunk positions, ascending) gathered from the weight blocks."""
    parts = []
    for start, draws in blocks:
        inside = rows[(rows >= start) & (rows < start + len(draws))]
        parts.append(draws[inside - start])
    return np.concatenate(parts)
