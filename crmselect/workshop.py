"""The weights workshop: a pairwise-comparison workbook per committee member, read back.

The public entry points; the work is done in :mod:`crmselect.io.forms.workshop` on the
forms machinery of :mod:`crmselect.io.forms`::

    import crmselect
    from crmselect import workshop

    evaluation = crmselect.derive(crmselect.load_tender("my-tender/")).evaluation
    workshop.write_workshop(evaluation, "cfo", "to-committee/cfo.xlsx")
    returned = workshop.read_workshop("returned/cfo.xlsx", evaluation)
    returned.judgements       # the member's pairwise judgements, one per criteria node
"""

from crmselect.io.forms.workshop import (
    WORKSHOP_VERSION,
    WorkshopResponse,
    read_workshop,
    write_workshop,
)

__all__ = ["WORKSHOP_VERSION", "WorkshopResponse", "read_workshop", "write_workshop"]
