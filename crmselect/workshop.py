"""The weights workshop: a pairwise-comparison workbook per committee member, read back.

The public entry points; the work is done in :mod:`crmselect.io.forms.workshop` on the
forms machinery of :mod:`crmselect.io.forms`::

    import crmselect
    from crmselect import workshop

    evaluation = crmselect.derive(crmselect.load_tender("my-tender/")).evaluation
    key = workshop.tender_key("my-tender/", create=True)     # my-tender/.crmselect/key
    workshop.write_workshop(evaluation, "cfo", "to-committee/cfo.xlsx", key=key)
    returned = workshop.read_workshop("returned/cfo.xlsx", evaluation, key=key)
    returned.judgements       # the member's pairwise judgements, one per criteria node

A member is an evaluator of the panel (``evaluators:`` in ``evaluation.yaml``); the
workbook is signed with the tender's key (``workshop.TenderKey.generate()`` without a
folder) and read back only when the signature verifies.
"""

from crmselect.io.folder.key import TenderKey, tender_key
from crmselect.io.forms.workshop import (
    WORKSHOP_VERSION,
    WorkshopResponse,
    read_workshop,
    write_workshop,
)

__all__ = [
    "WORKSHOP_VERSION",
    "TenderKey",
    "WorkshopResponse",
    "read_workshop",
    "tender_key",
    "write_workshop",
]
