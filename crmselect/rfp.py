"""RFP response workbooks: generate one per vendor, import what they return.

The public entry points; the work is done in :mod:`crmselect.io.rfp_template` (the writer),
:mod:`crmselect.io.rfp_response` (the importer) and :mod:`crmselect.io.untrusted` (the
defences every returned file goes through)::

    import crmselect
    from crmselect import rfp

    evaluation = crmselect.load_evaluation("my-tender/")
    rfp.write_template(evaluation, "acme", "to-send/acme.xlsx")
    returned = rfp.read_response("returned/acme.xlsx", evaluation)
    returned.problems_frame()        # file, sheet, cell, severity, what, action
"""

from crmselect.io.rfp_response import RfpResponse, problems_frame, read_response
from crmselect.io.rfp_template import TEMPLATE_VERSION, write_template
from crmselect.io.untrusted import ReadLimits, UntrustedInputError

__all__ = [
    "TEMPLATE_VERSION",
    "ReadLimits",
    "RfpResponse",
    "UntrustedInputError",
    "problems_frame",
    "read_response",
    "write_template",
]
