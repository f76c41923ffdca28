"""Everything that touches files, by concern.

:mod:`crmselect.io.folder`
    evaluation folders: ``evaluation.yaml`` and its CSV tables, costs, partners, catalogues;
:mod:`crmselect.io.excel`
    writing spreadsheet files safely, and opening returned workbooks without trusting them;
:mod:`crmselect.io.forms`
    the workbooks handed out and read back (RFP workbook, demo scoring sheet, weights
    workshop), on one machinery: the hidden sheet, the findings, the read-each loop;
:mod:`crmselect.io.report`
    the comparison workbook, a module per sheet.

Analysis modules never import from here; data flows files → ``io`` → model → analysis.
"""
