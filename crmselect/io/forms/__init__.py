"""The workbooks crmselect hands out and reads back, on one machinery.

:mod:`~crmselect.io.forms.meta`
    the hidden ``crmselect`` sheet every form carries: written and read in one layout,
    format version and recipient checked in one place;
:mod:`~crmselect.io.forms.reading`
    the findings collector, the header → column map, free-text cells, and the loop that
    reads every returned file (:func:`read_each`);
:mod:`~crmselect.io.forms.rfp_template` / :mod:`~crmselect.io.forms.rfp_response`
    the vendor's RFP workbook: the writer and the importer;
:mod:`~crmselect.io.forms.demo_sheets`
    the demo script pack and the evaluator's scoring sheet;
:mod:`~crmselect.io.forms.workshop`
    the committee member's weights-workshop workbook.

The public entry points are :mod:`crmselect.rfp`, :mod:`crmselect.demos` and
:mod:`crmselect.workshop`.
"""
