"""``crmselect.whatif(tender)``: the committee's cockpit in Jupyter — move a weight or a score
and watch the ranking, the acceptability and the flip points move (issue 20).

A light module: ``import crmselect`` imports it, and it imports the model, the widget and
ipywidgets only when called, so the package stays light (``tests/test_import_light.py``).
The model (:mod:`crmselect.whatif_model`) is pure and needs no widget; the view is
:mod:`crmselect.whatif_widget`.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING

from crmselect.errors import CrmselectError

if TYPE_CHECKING:
    from crmselect.analysis import Analysis
    from crmselect.model import Evaluation
    from crmselect.scoring import ScoreResult
    from crmselect.tender import Tender
    from crmselect.whatif_widget import WhatIfWidget

EXTRA = "pip install 'crmselect[notebooks]'"


def whatif(
    source: Tender | Evaluation | ScoreResult | Analysis,
    *,
    folder: str | Path | None = None,
    seed: int | None = None,
    n_samples: int | None = None,
) -> WhatIfWidget:
    """The cockpit over ``source`` at its award basis (a tender, an evaluation, a score or
    an analysis; :func:`crmselect.whatif_model.what_if`). ``folder``: the tender folder a
    saved scenario is appended to (``None``: kept in the widget). ``seed`` and
    ``n_samples``: of the live SMAA (defaults: the analysis's seed, 5,000 samples).

    Raises :class:`~crmselect.errors.CrmselectError` naming the extra when ipywidgets is not
    installed.
    """
    if importlib.util.find_spec("ipywidgets") is None:
        raise CrmselectError(f"crmselect.whatif needs ipywidgets, which is not installed: {EXTRA}")
    from crmselect.analysis import DEFAULT_SEED
    from crmselect.whatif_model import WHAT_IF_SAMPLES, what_if
    from crmselect.whatif_widget import WhatIfWidget

    model = what_if(
        source,
        seed=DEFAULT_SEED if seed is None else seed,
        n_samples=WHAT_IF_SAMPLES if n_samples is None else n_samples,
    )
    return WhatIfWidget(model, folder=None if folder is None else Path(folder))
