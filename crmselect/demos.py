"""Scripted demos: the script pack a vendor follows, the scoring sheet an evaluator fills.

The public entry points; the work is done in :mod:`crmselect.io.forms.demo_sheets` (the
writers and the reader) on the forms machinery of :mod:`crmselect.io.forms`::

    import crmselect
    from crmselect import demos

    evaluation = crmselect.derive(crmselect.load_tender("my-tender/")).evaluation
    demos.write_script_pack(evaluation, "acme", "to-send/acme-demo.md")
    demos.write_scoring_sheets(evaluation, "to-panel/")      # one .xlsx per evaluator
    returned = demos.read_scoring_sheets(["returned/sales.xlsx"], evaluation)
    evaluation = returned.apply_to(evaluation)               # the panel's scores, in
"""

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
    "read_scoring_sheet",
    "read_scoring_sheets",
    "script_pack",
    "write_scoring_sheet",
    "write_scoring_sheets",
    "write_script_pack",
]
