"""The vectorised SMAA ranking kernel (private): ranks with shared ties, accumulated.

Input per block: totals ``T`` (samples × vendors) and a per-sample factor ``inv_scale``
bringing each row onto the [0, 1] scale of the totals (the kernel accepts unnormalised
Dirichlet draws, ``T = E @ Pᵀ`` with ``w = E / s``, so ``inv_scale = 1/s``).

**Ties.** Each total is put on a grid of 2⁻⁴⁰ (≈ 9·10⁻¹³): ``q = round(T · 2⁴⁰ / s)``. Sorted
per sample, neighbours whose ``q`` differ by at most 1 belong to one *tie group* (groups
chain). A group of ``e`` vendors at ranks ``r … r+e−1`` gives each member ``1/e`` of each of
those ranks, counts ``1/2`` per pair inside it for the pairwise index, and shares first place
``1/e`` each. Float noise (ulps) can therefore never split a true tie, whatever the order of
the floating-point sums, and a tie is never broken by position.

**Keys.** ``key = q << (b + 1) | vendor`` (``b`` bits hold a vendor index; one spare bit).
One ``np.sort`` per block orders every sample, and because of the spare bit the gap between
sorted neighbours tells ties apart without unpacking: with ``Δq = 0`` the key gap is below
``2^b``, with ``Δq = 1`` below ``3·2^b``, with ``Δq ≥ 2`` at least ``3·2^b``.

**Fast path.** Samples without a tie (the rule with continuous weights) are counted from
the inverse permutation (a second, 16-bit sort): acceptability by ``np.bincount`` per vendor,
the pairwise index by comparing positions. Only samples with a tie take the general
(``vendors²`` per sample) path.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

GRID_BITS = 40
_GRID = float(2**GRID_BITS)
#: Rows of the general tie path handled at once (bounds its vendors² memory).
_TIE_BATCH = 2048


def _index_bits(m: int) -> int:
    return max(1, (m - 1).bit_length())


#: Adding 2⁵² to a float in [0, 2⁵²) rounds it to an integer held in the low mantissa bits;
#: all such floats share one exponent, so their bit patterns, read as int64, are that integer
#: plus a constant — ordered, and packable without a float → int conversion pass.
_MAGIC = float(2**52)


def sorted_keys(totals: FloatArray, inv_scale: FloatArray | None) -> tuple[IntArray, int]:
    """Per sample, ``q << (bits + 1) | vendor`` (plus a constant) sorted ascending, and
    ``bits``. ``totals`` is overwritten (callers pass a buffer they no longer need)."""
    m = totals.shape[1]
    bits = _index_bits(m)
    if inv_scale is None:
        totals *= _GRID
    else:
        totals *= (_GRID * inv_scale)[:, None]
    totals += _MAGIC
    keys = totals.view(np.int64)
    keys <<= bits + 1  # the exponent bits shift out; what is left is one common offset
    keys |= np.arange(m, dtype=np.int64)
    keys.sort(axis=1)
    return keys, bits


def _gaps(keys: IntArray) -> IntArray:
    """``keys[:, p+1] − keys[:, p]`` in column ``p``; the last column is the int64 maximum.

    Computed on the flat array (fast, contiguous); the differences across rows land in the
    last column and are overwritten."""
    n, m = keys.shape
    gaps = np.empty((n, m), dtype=np.int64)
    flat = keys.reshape(-1)
    np.subtract(flat[1:], flat[:-1], out=gaps.reshape(-1)[:-1])
    gaps[:, -1] = np.iinfo(np.int64).max
    return gaps


def _tie_gap(bits: int) -> int:
    """Sorted neighbours whose key gap is below this are tied (``Δq ≤ 1``)."""
    return 3 << bits


def tie_rows(keys: IntArray, bits: int) -> npt.NDArray[np.bool_] | None:
    """Samples in which some two vendors are tied; ``None`` when no sample has a tie."""
    gaps = _gaps(keys)
    if gaps.min() >= _tie_gap(bits):
        return None
    return np.asarray((gaps < _tie_gap(bits)).any(axis=1))


def tie_groups(keys: IntArray, bits: int) -> tuple[IntArray, IntArray, IntArray]:
    """For each sorted position: the vendor, the number ``G`` of vendors strictly ahead of
    its tie group, and the group's size ``e`` (the group holds ranks ``G … G+e−1``, 0-based
    from the best)."""
    n, m = keys.shape
    vendor = keys & ((1 << bits) - 1)
    positions = np.arange(m, dtype=np.int64)
    starts = np.ones((n, m), dtype=bool)
    starts[:, 1:] = _gaps(keys)[:, :-1] >= _tie_gap(bits)
    ends = np.ones((n, m), dtype=bool)
    ends[:, :-1] = starts[:, 1:]
    low = np.maximum.accumulate(np.where(starts, positions, 0), axis=1)
    high = np.minimum.accumulate(np.where(ends, positions, m)[:, ::-1], axis=1)[:, ::-1]
    return vendor, (m - 1) - high, high - low + 1


def first_place_shares(totals: FloatArray, inv_scale: FloatArray | None = None) -> FloatArray:
    """Samples × vendors: ``1/e`` for the ``e`` vendors tied for first, 0 otherwise."""
    n, m = totals.shape
    keys, bits = sorted_keys(np.array(totals, dtype=np.float64), inv_scale)
    vendor, ahead, size = tie_groups(keys, bits)
    shares = np.zeros((n, m))
    np.put_along_axis(shares, vendor, np.where(ahead == 0, 1.0 / size, 0.0), axis=1)
    return shares


class Counts:
    """The sums from one block of samples: rank counts, pairwise wins, weights when first.

    Each block is counted on its own (a pure function of its draws), and blocks are merged
    in block order, so the floating-point sums do not depend on how blocks are grouped or
    on which thread counted them.
    """

    def __init__(self, m: int, k: int) -> None:
        self.m, self.k = m, k
        self.rank_counts = np.zeros((m, m))
        self.pairwise = np.zeros((m, m))
        self.central = np.zeros((m, k))
        self.n = 0

    def merge(self, other: Counts) -> None:
        self.rank_counts += other.rank_counts
        self.pairwise += other.pairwise
        self.central += other.central
        self.n += other.n

    @classmethod
    def of_block(
        cls, totals: FloatArray, inv_scale: FloatArray | None, draws: FloatArray
    ) -> Counts:
        """Count one block: ``totals`` (overwritten) of weights ``draws * inv_scale``."""
        n, m = totals.shape
        counts = cls(m, draws.shape[1])
        counts.n = n
        scale = np.ones(n) if inv_scale is None else inv_scale
        if m == 1:
            counts.rank_counts[0, 0] = n
            counts.central[0] = scale @ draws
            return counts
        keys, bits = sorted_keys(totals, inv_scale)
        ties = tie_rows(keys, bits)
        if ties is None:
            counts._fast_counts(keys, bits)
        else:
            if not ties.all():
                counts._fast_counts(keys[~ties], bits)
            scale = np.where(ties, 0.0, scale)
        winners = keys[:, -1] & ((1 << bits) - 1)
        from scipy import sparse  # type: ignore[import-untyped, unused-ignore]

        first = sparse.csc_array((scale, winners, np.arange(n + 1)), shape=(m, n))
        counts.central += first @ draws
        if ties is not None:
            tied = np.flatnonzero(ties)
            for lo in range(0, len(tied), _TIE_BATCH):
                rows = tied[lo : lo + _TIE_BATCH]
                shares = counts._tie_counts(keys[rows], bits)
                weights = draws[rows] if inv_scale is None else draws[rows] * inv_scale[rows, None]
                counts.central += shares.T @ weights
        return counts

    def _fast_counts(self, keys: IntArray, bits: int) -> None:
        """Samples without ties: ``keys`` sorted, so position ``p`` holds rank ``m − 1 − p``."""
        n, m = keys.shape
        mask = (1 << bits) - 1
        # inverse permutation: sort (vendor, position) pairs by vendor
        small = 2 * bits <= 16
        packed: npt.NDArray[np.integer[Any]] = (keys & mask).astype(
            np.uint16 if small else np.int64
        )
        packed <<= bits
        packed |= np.arange(m, dtype=packed.dtype)
        packed.sort(axis=1)
        packed &= mask
        position = packed.T.astype(np.uint8 if small else np.int64, order="C")
        for v in range(m):  # position p ↦ rank m − 1 − p
            self.rank_counts[v] += np.bincount(position[v], minlength=m)[::-1]
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
