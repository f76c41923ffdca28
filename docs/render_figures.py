"""Render the README's figures from the bundled example: ``python docs/render_figures.py``.

Writes docs/totals.png, docs/contributions.png, docs/acceptability.png and docs/tornado.png
with the same analysis `crmselect demo` runs (default seed).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

import crmselect
from crmselect import plots
from crmselect.analysis import analyse
from crmselect.robustness import tornado

HERE = Path(__file__).resolve().parent


def main() -> None:
    analysis = analyse(crmselect.example(), progress=False)
    assert analysis.smaa is not None
    assert analysis.stability is not None
    figures = {
        "totals.png": lambda ax: plots.totals(analysis.result, ax=ax),
        "contributions.png": lambda ax: plots.contributions(analysis.result, ax=ax),
        "acceptability.png": lambda ax: analysis.smaa.plot(ax=ax),  # type: ignore[union-attr]
        "tornado.png": lambda ax: tornado(analysis.stability, ax=ax),
    }
    for name, draw in figures.items():
        figure, ax = plt.subplots(figsize=(8, 4.2))
        draw(ax)
        figure.tight_layout()
        figure.savefig(HERE / name, dpi=110)
        plt.close(figure)
        print(HERE / name)


if __name__ == "__main__":
    main()
