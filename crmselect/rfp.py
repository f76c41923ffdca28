"""RFP response workbooks: generate one per vendor, import what they return.

The public entry points; the work is done in :mod:`crmselect.io.forms.rfp_template` (the writer),
:mod:`crmselect.io.forms.rfp_response` (the importer) and :mod:`crmselect.io.excel.untrusted` (the
defences every returned file goes through)::

    import crmselect
    from crmselect import rfp

    evaluation = crmselect.derive(crmselect.load_tender("my-tender/")).evaluation
    rfp.write_template(evaluation, "acme", "to-send/acme.xlsx")
    returned = rfp.read_response("returned/acme.xlsx", evaluation)
    returned.problems_frame()        # file, sheet, cell, severity, what, action
"""

from crmselect.io.excel.untrusted import ReadLimits, UntrustedInputError
from crmselect.io.forms.reading import problems_frame
from crmselect.io.forms.rfp_response import RfpResponse, read_response
from crmselect.io.forms.rfp_template import TEMPLATE_VERSION, write_template

__all__ = [
    "TEMPLATE_VERSION",
    "ReadLimits",
    "RfpResponse",
    "UntrustedInputError",
    "problems_frame",
    "read_response",
    "write_template",
]
