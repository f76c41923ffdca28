"""Scripted demos: the script pack a vendor follows, the scoring sheet an evaluator fills.

The public entry points; the work is done in :mod:`crmselect.io.forms.demo_sheets` (the
writers and the reader) on the forms machinery of :mod:`crmselect.io.forms`::

    import crmselect
    from crmselect import demos

    tender = crmselect.derive(crmselect.load_tender("my-tender/"))
    evaluation = tender.evaluation
    key = demos.tender_key("my-tender/", create=True)       # my-tender/.crmselect/key
    demos.write_script_pack(evaluation, "acme", "to-send/acme-demo.md")
    demos.write_scoring_sheets(evaluation, "to-panel/", key=key, record=tender.record)
    returned = demos.read_scoring_sheets(["returned/sales.xlsx"], evaluation, key=key)
    evaluation = returned.apply_to(evaluation)               # the panel's scores, in

Scoring sheets are signed with the tender's key (``demos.TenderKey.generate()`` without a
folder) and read back only when the signature verifies. They go only to evaluators who have
declared their interests on the tender's record (:mod:`crmselect.declarations`;
``record=None`` for an evaluation that keeps no record).
"""

from crmselect.io.folder.key import TenderKey, tender_key
from crmselect.io.forms.demo_sheets import (
    SHEET_FORMAT,
    ScoringImport,
    ScoringSheet,
    read_scoring_sheet,
    read_scoring_sheets,
    script_pack,
    write_scoring_sheet,
    write_scoring_sheets,
    write_script_pack,
)

__all__ = [
    "SHEET_FORMAT",
    "ScoringImport",
    "ScoringSheet",
    "TenderKey",
    "read_scoring_sheet",
    "read_scoring_sheets",
    "script_pack",
    "tender_key",
    "write_scoring_sheet",
    "write_scoring_sheets",
    "write_script_pack",
]
