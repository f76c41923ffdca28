"""The bundled example tender (Larkspur Instruments, fictional), used by ``crmselect demo``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from crmselect._resources import data_path

if TYPE_CHECKING:
    from crmselect.model import Evaluation

EXAMPLE = "examples/larkspur"


def example_path() -> Path:
    """The folder of the bundled example evaluation (copy it to start your own)."""
    return data_path(EXAMPLE)


def example() -> Evaluation:
    """The bundled example as an :class:`~crmselect.model.Evaluation`.

    Six fictional vendors (suites and point applications; SaaS, on-premise and hosted;
    subscription and perpetual licences), 172 requirements, four demo scripts scored by
    five evaluators; one vendor is knocked out and some answers are missing.

    >>> len(example().vendors)
    6
    """
    from crmselect.io.folder.evaluation import load_evaluation

    return load_evaluation(example_path())
