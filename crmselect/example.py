"""The bundled example tender (Larkspur Instruments, fictional), used by ``crmselect demo``.

Its returned files (``returned/``, ``workshop/``) are signed with the example's own tender
key, ``.crmselect/key`` in the example folder — example data, public, so never a key to
sign a real tender's forms with. ``crmselect demo --out DIR`` copies the example without
it, gives the copy a key of its own and signs the copy's returned files for that key
(:func:`crmselect.io.folder.tender.resign_returns`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from crmselect._resources import data_path

if TYPE_CHECKING:
    from crmselect.model import Evaluation
    from crmselect.tender import Tender

EXAMPLE = "examples/larkspur"


def example_path() -> Path:
    """The folder of the bundled example evaluation (copy it to start your own)."""
    return data_path(EXAMPLE)


def example_tender() -> Tender:
    """The bundled example as a :class:`~crmselect.tender.Tender`, as written (its
    evaluation, cost case and implementation partners; :func:`crmselect.derive` gives the
    weights of its weights workshop and the prices of its cost model).

    >>> example_tender().derived
    False
    """
    from crmselect.io.folder.tender import load_tender

    return load_tender(example_path())


def example() -> Evaluation:
    """The bundled example's evaluation, derived (:func:`crmselect.derive`: the weights its
    workshop's judgements give, the prices its cost model gives), ready to score.

    Six fictional vendors (suites and point applications; SaaS, on-premise and hosted;
    subscription and perpetual licences), 172 requirements, four demo scripts scored by
    five evaluators; one vendor is knocked out and some answers are missing.

    >>> len(example().vendors)
    6
    """
    from crmselect.tender import derive

    return derive(example_tender()).evaluation
