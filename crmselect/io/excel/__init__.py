"""Spreadsheet files at the lowest level: safe writing and untrusted reading.

:mod:`~crmselect.io.excel.xlsx`
    literal text (:func:`put_text`), legal sheet names, atomic replacement, CSV writing;
:mod:`~crmselect.io.excel.untrusted`
    the checks a returned workbook's container goes through, and the grid and cell readers;
:mod:`~crmselect.io.excel.cells`
    cell writing, styles, tables and print setup of the comparison workbook's sheets.
"""
