"""The comparison workbook, a module per sheet.

:mod:`~crmselect.io.report.workbook`
    :func:`export_workbook`: the Summary sheet, and the assembly of the others;
:mod:`~crmselect.io.report.scores`
    the live Weights and Matrix sheets;
:mod:`~crmselect.io.report.robustness`
    the Robustness sheet and the headline the Summary quotes;
:mod:`~crmselect.io.report.costs`
    the Costs sheet (TCO, business case, partner pairs);
:mod:`~crmselect.io.report.price`
    the live price criterion block on the Costs sheet;
:mod:`~crmselect.io.report.evidence`
    the Requirements and Demos evidence sheets;
:mod:`~crmselect.io.report.stream`
    writing in constant memory: the streamed sheets, and the replay of the small ones;
:mod:`~crmselect.io.report.audit`
    the Audit sheet (every setting the scoring used), and the label–value rows it shares.
"""
