"""RFP response workbooks: generate one per vendor, import what they return.

The public entry points; the work is done in :mod:`crmselect.io.forms.rfp_template` (the writer),
:mod:`crmselect.io.forms.rfp_response` (the importer) and :mod:`crmselect.io.excel.untrusted` (the
defences every returned file goes through)::

    import crmselect
    from crmselect import rfp

    evaluation = crmselect.derive(crmselect.load_tender("my-tender/")).evaluation
    key = rfp.tender_key("my-tender/", create=True)   # my-tender/.crmselect/key
    rfp.write_template(evaluation, "acme", "to-send/acme.xlsx", key=key)
    returned = rfp.read_response("returned/acme.xlsx", evaluation, key=key)
    returned.problems_frame()        # file, sheet, cell, severity, what, action

Every workbook is signed with the tender's key and read back only when its signature
verifies (:mod:`crmselect.io.forms.meta`); without a tender folder, make a key with
``rfp.TenderKey.generate()`` and keep it (``key.hex()``, ``TenderKey.from_hex``).
"""

from crmselect.io.excel.untrusted import ReadLimits, UntrustedInputError
from crmselect.io.folder.key import TenderKey, tender_key
from crmselect.io.forms.reading import problems_frame
from crmselect.io.forms.rfp_response import RfpResponse, read_response
from crmselect.io.forms.rfp_template import TEMPLATE_VERSION, write_template

__all__ = [
    "TEMPLATE_VERSION",
    "ReadLimits",
    "RfpResponse",
    "TenderKey",
    "UntrustedInputError",
    "problems_frame",
    "read_response",
    "tender_key",
    "write_template",
]
