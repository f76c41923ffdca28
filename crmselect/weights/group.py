"""Several committee members' weights: consensus, spread, and samples for robustness.

Each member weights the same criteria by any method (direct, swing, points, ranking, their
own AHP); :class:`GroupWeights` holds the table (members × criteria, each row normalised to
sum 1) and answers the committee's questions:

- **consensus** — arithmetic mean ``w̄_c = (1/m) Σ_k w_kc``, or the normalised geometric
  mean ``w_c ∝ (Π_k w_kc)^(1/m)`` (Forman & Peniwati 1998: the geometric mean is the
  aggregation of individual priorities that keeps AHP's ratio meaning; a single member's
  zero weight makes it zero);
- **spread** — per criterion ``min``, ``max``, ``range = max − min``, population standard
  deviation ``std`` (the committee is the whole population, not a sample, so ``ddof = 0``)
  and coefficient of variation ``cv = std / mean``: where the members disagree, and how
  much;
- **samples** — the members' weight vectors as an array, for the robustness analysis to
  ask "would the winner change under any one member's weights?".

Reference: E. Forman and K. Peniwati, "Aggregating individual judgments and priorities with
the analytic hierarchy process", *European Journal of Operational Research* 108 (1998)
165–169.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from typing import TYPE_CHECKING, Literal, NamedTuple

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from crmselect.display import html_table
from crmselect.errors import Problem, ValidationError
from crmselect.weights.direct import checked_values

if TYPE_CHECKING:
    from matplotlib.axes import Axes

ConsensusMethod = Literal["arithmetic", "geometric"]


class WeightSamples(NamedTuple):
    """Members' weight vectors: ``weights[k]`` is member ``members[k]``'s vector over
    ``criteria``; each row sums to 1."""

    weights: npt.NDArray[np.float64]
    criteria: tuple[Hashable, ...]
    members: tuple[Hashable, ...]


def _member_table(table: pd.DataFrame) -> pd.DataFrame:
    """Validate members × criteria weights and normalise each row to sum 1."""
    if not isinstance(table, pd.DataFrame):
        raise ValidationError(
            "Invalid group weights",
            [Problem("group weights", "must be a DataFrame of members × criteria")],
        )
    found: list[Problem] = []
    if table.empty:
        found.append(Problem("group weights", "there are no members or no criteria"))
    for axis, index in (("member", table.index), ("criterion", table.columns)):
        found += [
            Problem(f"{axis} {label!r}", "appears more than once")
            for label in index[index.duplicated()].unique()
        ]
    if found:
        raise ValidationError("Invalid group weights", found)
    rows = []
    for member, row in table.iterrows():
        numbers, problems = checked_values(row, f"member {member!r}")
        found += [Problem(f"member {member!r}, {p.where}", p.what) for p in problems]
        if not problems and numbers.sum() <= 0:
            found.append(Problem(f"member {member!r}", "all weights are zero"))
        rows.append(numbers / numbers.sum())
    if found:
        raise ValidationError("Invalid group weights", found)
    normalised = pd.DataFrame(rows, index=table.index, columns=table.columns)
    return normalised.rename_axis(index="member", columns="criterion")


@attrs.frozen(eq=False, repr=False)
class GroupWeights:
    """Members × criteria weights (each row normalised to sum 1) and what the committee
    reads from them. Build it from a DataFrame (one row per member), or from each
    member's weights with :meth:`from_weights`.

    >>> import pandas as pd
    >>> group = GroupWeights(pd.DataFrame({"price": [6, 4], "fit": [4, 6]}, index=["ann", "bob"]))
    >>> group.consensus().to_dict()
    {'price': 0.5, 'fit': 0.5}
    >>> round(float(group.spread.loc["price", "range"]), 2)
    0.2
    """

    members: pd.DataFrame = attrs.field(converter=_member_table)

    @classmethod
    def from_weights(cls, weights: Mapping[str, pd.Series | Mapping[str, float]]) -> GroupWeights:
        """From each member's weights, e.g. ``{m: ahp(matrix_of[m]).weights for m in panel}``;
        every member must weight every criterion."""
        rows = {member: pd.Series(w, dtype=object) for member, w in weights.items()}
        return cls(pd.DataFrame.from_dict(rows, orient="index"))

    @property
    def criteria(self) -> tuple[Hashable, ...]:
        return tuple(self.members.columns)

    def consensus(self, method: ConsensusMethod = "arithmetic") -> pd.Series:
        """The group's weights: arithmetic mean of the members' weights, or their geometric
        mean renormalised to sum 1 (see the module docstring)."""
        if method == "arithmetic":
            values = self.members.to_numpy().mean(axis=0)
        elif method == "geometric":
            values = self._geometric()
            if values is None:
                raise ValidationError(
                    "No geometric consensus",
                    [
                        Problem(
                            "group weights",
                            "every criterion has a zero weight from some member, so every "
                            "geometric mean is zero; use the arithmetic consensus",
                        )
                    ],
                )
        else:
            raise ValidationError(
                "Unknown consensus method",
                [Problem("method", f"{method!r} is not 'arithmetic' or 'geometric'")],
            )
        index = pd.Index(self.criteria, name="criterion")
        return pd.Series(values, index=index, name="weight")

    def _geometric(self) -> npt.NDArray[np.float64] | None:
        """Normalised geometric mean per criterion; None if every one is zero."""
        with np.errstate(divide="ignore"):
            values = np.exp(np.log(self.members.to_numpy(dtype=float)).mean(axis=0))
        total = values.sum()
        return values / total if total > 0 else None

    @property
    def spread(self) -> pd.DataFrame:
        """Per criterion: ``mean``, ``min``, ``max``, ``range``, ``std`` (population) and
        ``cv`` (``std / mean``; NaN where the mean is 0)."""
        w = self.members
        mean, std = w.mean(), w.std(ddof=0)
        frame = pd.DataFrame(
            {
                "mean": mean,
                "min": w.min(),
                "max": w.max(),
                "range": w.max() - w.min(),
                "std": std,
                "cv": std / mean.where(mean > 0),
            }
        )
        return frame.rename_axis("criterion")

    def as_samples(self) -> WeightSamples:
        """The members' weight vectors (members × criteria array) with their labels."""
        return WeightSamples(
            weights=self.members.to_numpy(dtype=float, copy=True),
            criteria=self.criteria,
            members=tuple(self.members.index),
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per criterion: ``arithmetic`` and ``geometric`` consensus, then ``min``,
        ``max``, ``range``, ``std``, ``cv`` of the members' weights. The members' own
        weights are :attr:`members`."""
        spread = self.spread
        geometric = self._geometric()
        frame = pd.DataFrame(
            {
                "arithmetic": spread["mean"],
                "geometric": math.nan if geometric is None else geometric,
            }
        )
        return frame.join(spread.drop(columns="mean"))

    def plot(self, ax: Axes | None = None) -> Axes:
        """Bars of the arithmetic consensus per criterion, a line from the lowest to the
        highest member weight, and one marker per member. Needs matplotlib (the ``plots``
        extra). Returns the Axes."""
        from crmselect.plots import axes, legend_outside

        ax = axes(ax)
        x = np.arange(len(self.criteria))
        spread = self.spread
        ax.bar(x, spread["mean"], color="#c6dbef", label="consensus (mean)")
        ax.vlines(x, spread["min"], spread["max"], color="#555555", linewidth=1)
        offsets = np.linspace(-0.2, 0.2, len(self.members)) if len(self.members) > 1 else [0.0]
        for offset, (member, row) in zip(offsets, self.members.iterrows(), strict=True):
            ax.plot(x + offset, row.to_numpy(), "o", markersize=4, label=str(member))
        ax.set_xticks(x, [str(c) for c in self.criteria])
        ax.set_ylabel("weight")
        ax.set_title("Weights by member")
        legend_outside(ax)
        return ax

    def __repr__(self) -> str:
        spread = self.spread["range"]
        return (
            f"<GroupWeights {len(self.members)} members × {len(self.criteria)} criteria, "
            f"widest spread {spread.idxmax()!r} (range {spread.max():.3f})>"
        )

    def _repr_html_(self) -> str:
        frame = self.to_frame().map(lambda v: v if math.isnan(v) else f"{v:.3f}")
        caption = (
            f"Group weights — {len(self.members)} members, {len(self.criteria)} criteria "
            "(consensus and spread)"
        )
        return html_table(frame, caption=caption)
