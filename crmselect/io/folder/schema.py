"""YAML → model objects for the parts that catalogues and evaluation files share.

Every function takes a :class:`~crmselect.io.folder.yamlfile.Reader`, records problems on it with
the key path and line, and returns what it could build.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

from crmselect.io.folder.yamlfile import Reader, YNode
from crmselect.model import Criterion, Requirement

CRITERION_KEYS = ("name", "description", "weight", "children")
REQUIREMENT_KEYS = ("criterion", "priority", "mandatory", "text")


def parse_criteria(
    reader: Reader,
    node: YNode | None,
    *,
    allow_demo_share: bool = False,
    defaults: Mapping[str, Criterion] | None = None,
    defaults_missing: bool = False,
) -> list[Criterion]:
    """A list of criterion mappings (with nested ``children``) → :class:`Criterion` trees.

    ``defaults`` supplies name, description and weight for ids that a catalogue defines,
    so an evaluation only writes what it changes. ``defaults_missing`` says the catalogue
    could not be read (a problem reported already): a weight left to it is not reported.
    """
    defaults = defaults or {}
    built: list[Criterion] = []
    optional = CRITERION_KEYS + (("demo_share",) if allow_demo_share else ())
    for item in reader.sequence(node):
        fields = reader.mapping(item, required=("id",), optional=optional)
        if fields is None:
            continue
        cid = reader.text(fields.get("id"))
        base = defaults.get(cid)
        children = parse_criteria(
            reader,
            fields.get("children"),
            allow_demo_share=allow_demo_share,
            defaults=defaults,
            defaults_missing=defaults_missing,
        )
        if "children" in fields and not children:
            reader.fail(fields["children"], "children is empty; remove the key for a leaf")
        weight = reader.number(fields.get("weight"), base.weight if base else None, minimum=0)
        if weight is None:
            if "weight" not in fields and not defaults_missing:
                reader.fail(item, f"criterion {cid!r} needs a weight")
            weight = 0.0
        share = reader.number(fields.get("demo_share"), minimum=0, maximum=1)
        name = reader.text(fields.get("name"), base.name if base else "")
        description = reader.text(fields.get("description"), base.description if base else "")
        criterion = reader.build(
            item,
            partial(
                Criterion,
                id=cid,
                name=name,
                description=description,
                weight=weight,
                children=children,
                demo_share=share,
                origin=item.where,
            ),
        )
        if criterion is not None:
            built.append(criterion)
    return built


def parse_requirement(
    reader: Reader, item: YNode, base: Requirement | None = None
) -> Requirement | None:
    """One requirement mapping → :class:`Requirement`.

    With ``base`` (a catalogue requirement being overridden) the mapping holds only the keys
    it changes, and the id is the base's.
    """
    if base is None:
        fields = reader.mapping(
            item, required=("id", "criterion", "text"), optional=REQUIREMENT_KEYS
        )
    else:
        fields = reader.mapping(item, optional=REQUIREMENT_KEYS)
    if fields is None:
        return None
    rid = base.id if base else reader.text(fields.get("id"))
    return reader.build(
        item,
        lambda: Requirement(
            id=rid,
            text=reader.text(fields.get("text"), base.text if base else ""),
            criterion=reader.text(fields.get("criterion"), base.criterion if base else ""),
            priority=reader.text(fields.get("priority"), base.priority.value if base else "should"),
            mandatory=reader.flag(fields.get("mandatory"), base.mandatory if base else False),
            origin=item.where,
        ),
    )
