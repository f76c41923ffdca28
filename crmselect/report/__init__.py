"""Reports of a tender's result: plain text for the terminal (:mod:`crmselect.report.text`).

The names below are the text reports the CLI prints; each is a pure function returning a
string (or, for :func:`record_tables`, the record's tables).
"""

from crmselect.report.text import (
    catalog_report,
    criteria_report,
    full_report,
    import_report,
    judgements_report,
    knockout_report,
    missing_report,
    panel_report,
    price_report,
    price_rule,
    process_report,
    ranking_report,
    record_facts,
    record_report,
    record_tables,
    requirements_report,
    robustness_report,
    tender_summary,
)

__all__ = [
    "catalog_report",
    "criteria_report",
    "full_report",
    "import_report",
    "judgements_report",
    "knockout_report",
    "missing_report",
    "panel_report",
    "price_report",
    "price_rule",
    "process_report",
    "ranking_report",
    "record_facts",
    "record_report",
    "record_tables",
    "requirements_report",
    "robustness_report",
    "tender_summary",
]
