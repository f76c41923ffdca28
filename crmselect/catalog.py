"""Criteria catalogues: reusable criteria trees with requirement lines.

Two catalogues ship with crmselect (``crmselect.catalogs()`` lists them):

``crm-core``
    CRM software: functional scope (sales, marketing, service, field service, partner
    management, analytics, platform), integration and data, security and compliance,
    deployment and access, licensing and contract, vendor viability and support.
``partner``
    The implementation partner: industry and product experience, methodology, team,
    references, rates, support after go-live.

A catalogue is a YAML file (schema ``crmselect.catalog/1``) — see ``criteria/`` in the
repository. An evaluation picks requirements from a catalogue and adds its own. This module
holds the :class:`Catalog` type and pure helpers; listing and reading catalogue files is
:mod:`crmselect.io.folder.catalog` (``crmselect.catalogs()``, ``crmselect.load_catalog()``).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import attrs
import pandas as pd

from crmselect.converters import as_tuple
from crmselect.errors import Problem, ValidationError
from crmselect.model import Criterion, Requirement, tree_problems, walk_tree


@attrs.frozen(eq=False)
class Catalog:
    """A validated criteria tree with its requirements.

    Construction checks ids, references and that every leaf criterion has requirements.
    """

    name: str
    title: str
    version: str
    criteria: tuple[Criterion, ...] = attrs.field(converter=as_tuple)
    requirements: tuple[Requirement, ...] = attrs.field(converter=as_tuple)
    description: str = ""
    origin: str = attrs.field(default="", repr=False)

    def __attrs_post_init__(self) -> None:
        found = tree_problems(self.criteria, self.requirements)
        used = {r.criterion for r in self.requirements}
        found += [
            Problem(c.origin or f"criterion {c.id!r}", "leaf criterion has no requirements")
            for _, c in walk_tree(self.criteria)
            if c.is_leaf and c.id not in used
        ]
        if found:
            raise ValidationError(f"Invalid catalogue {self.name!r}", found)

    def criteria_by_id(self) -> dict[str, Criterion]:
        return {c.id: c for _, c in walk_tree(self.criteria)}

    def select(self, ids: Iterable[str] | None = None) -> tuple[Requirement, ...]:
        """Requirements by id, or every requirement of a criterion (leaf or branch) by its id.

        ``None`` selects everything. Unknown ids raise :class:`ValidationError` naming them.

        >>> from crmselect.io.folder.catalog import load_catalog
        >>> core = load_catalog("crm-core")
        >>> [r.id for r in core.select(["SFA-001", "SFA-002"])]
        ['SFA-001', 'SFA-002']
        """
        if ids is None:
            return self.requirements
        wanted_ids = list(ids)
        unknown = [i for i in wanted_ids if not self.knows(i)]
        if unknown:
            raise ValidationError(
                f"Unknown ids in catalogue {self.name!r}",
                [Problem(f"catalogue {self.name!r}", self.unknown_id(i)) for i in unknown],
            )
        by_criterion = self._leaves_below()
        leaves: set[str] = set()
        for i in wanted_ids:
            leaves |= by_criterion.get(i, set())
        chosen = set(wanted_ids) & {r.id for r in self.requirements}
        return tuple(r for r in self.requirements if r.id in chosen or r.criterion in leaves)

    def knows(self, ident: str) -> bool:
        """Whether ``ident`` is one of the catalogue's requirements or criteria."""
        return ident in self._leaves_below() or any(r.id == ident for r in self.requirements)

    def unknown_id(self, ident: str) -> str:
        """What to say of ``ident``, an id the catalogue lacks, with the closest ones it holds.

        >>> from crmselect.io.folder.catalog import load_catalog
        >>> load_catalog("crm-core").unknown_id("markting")
        "no requirement or criterion 'markting' in catalogue 'crm-core'; did you mean 'marketing'?"
        """
        return f"no requirement or criterion {ident!r} in catalogue {self.name!r}" + did_you_mean(
            ident, [*self._leaves_below(), *(r.id for r in self.requirements)]
        )

    def _leaves_below(self) -> dict[str, set[str]]:
        """Criterion id → the ids of the leaf criteria at or below it."""
        below: dict[str, set[str]] = {}
        for path, c in walk_tree(self.criteria):
            for ancestor in path:
                below.setdefault(ancestor, set()).add(c.id)
        return below

    def to_frame(self) -> pd.DataFrame:
        """Requirements as a table indexed by id: criterion, priority, mandatory, text."""
        return pd.DataFrame(
            [
                {
                    "id": r.id,
                    "criterion": r.criterion,
                    "priority": r.priority.value,
                    "mandatory": r.mandatory,
                    "text": r.text,
                }
                for r in self.requirements
            ]
        ).set_index("id")

    def __repr__(self) -> str:
        leaves = sum(1 for _, c in walk_tree(self.criteria) if c.is_leaf)
        return (
            f"<Catalog {self.name!r} v{self.version}: {leaves} criteria, "
            f"{len(self.requirements)} requirements>"
        )


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` naming the closest of ``known`` (up to three), or ``""``.

    >>> did_you_mean("crm-cor", ["crm-core", "partner"])
    "; did you mean 'crm-core'?"
    """
    close = difflib.get_close_matches(word, list(known), n=3, cutoff=0.75)
    return f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
