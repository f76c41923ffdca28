"""A report page: HTML from a Jinja2 template, self-contained, shown in a notebook, saved as a
file, printed to an A4 PDF.

The templates (``crmselect/report/templates/*.html.j2``) render with **autoescape on** and
strict undefined names: every value a template shows — a vendor's name, a member's
declaration, a clarification's source — is escaped, so no text from a vendor or a file can
add markup or a script to the page. The page is self-contained: its stylesheet
(``report.css``, with the print rules that lay it out on A4) is inlined, and its figures are
PNG images inlined as ``data:`` URIs (:func:`figure`), so the file opens and prints with no
network and nothing beside it.
"""

from __future__ import annotations

import base64
import io
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, cast

import attrs
import jinja2
import pandas as pd

from crmselect.errors import CrmselectError
from crmselect.io.excel.xlsx import replace_atomically
from crmselect.report import browser

if TYPE_CHECKING:
    from matplotlib.axes import Axes

TEMPLATES = Path(__file__).resolve().parent / "templates"

_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(template: str, **context: object) -> str:
    """The page ``template`` renders with ``context`` (values escaped), the stylesheet
    inlined."""
    style = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    return _ENVIRONMENT.get_template(template).render(style=style, **context)


def figure(draw: Callable[[Axes], object], size: tuple[float, float]) -> str:
    """A figure drawn by ``draw`` on the Axes of a new ``size``-inch figure, as the base64
    text of a PNG (150 dpi, no metadata) for a ``data:image/png`` URI. Uses matplotlib's
    object API (no pyplot state), so figures never pile up in a long session."""
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise CrmselectError(
            "the award report draws its figures with matplotlib: pip install 'crmselect[plots]'"
        ) from exc
    canvas = Figure(figsize=size)
    draw(canvas.subplots())
    buffer = io.BytesIO()
    canvas.savefig(buffer, format="png", dpi=150, bbox_inches="tight", metadata={"Software": None})
    return base64.b64encode(buffer.getvalue()).decode("ascii")


@attrs.frozen
class Table:
    """A table as a template shows it: ``columns``, ``rows`` of text cells, the indexes of
    the ``right``-aligned (number) columns, and per row whether it is ``marked`` (a
    finding the reader must see: a knock-out, a deviation not on the record)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    right: frozenset[int] = frozenset()
    marked: tuple[bool, ...] = ()

    def is_marked(self, row: int) -> bool:
        """Whether row ``row`` is marked."""
        return row < len(self.marked) and self.marked[row]


def frame_table(frame: pd.DataFrame) -> Table:
    """A DataFrame's columns and cells (its index left out) as a :class:`Table`: every
    cell as text, a missing one as "–"."""
    return Table(
        columns=tuple(str(c) for c in frame.columns),
        rows=tuple(
            tuple("–" if pd.isna(cell) else str(cell) for cell in row)
            for row in frame.itertuples(index=False)
        ),
    )


def number(value: object) -> float:
    """A table cell known to hold a number, as a float (pandas types cells as a wide
    union)."""
    return float(cast(float, value))


def points(share: float) -> str:
    """A share of the total (0–1) on the report's one scale, points out of 100, one
    decimal; "–" for NaN.

    >>> points(0.80066), points(float("nan"))
    ('80.1', '–')
    """
    return "–" if share != share else f"{100 * share:.1f}"


@attrs.frozen(eq=False)
class Page:
    """One rendered report: ``title``, the one-sentence ``decision`` it opens with, and
    ``html`` (a whole document). In a notebook it shows as itself (:meth:`_repr_html_`);
    :meth:`save` writes the HTML file, :meth:`save_pdf` the A4 PDF (headless Chromium,
    :mod:`crmselect.report.browser`)."""

    title: str
    decision: str
    html: str = attrs.field(repr=False)

    def _repr_html_(self) -> str:
        """The page's body with its stylesheet (every rule is scoped to the page's own
        ``.crm-report`` element, so the notebook around it keeps its look)."""
        head, _, rest = self.html.partition("<body>")
        style = head[head.find("<style>") : head.find("</style>") + len("</style>")]
        return style + rest.rpartition("</body>")[0]

    def save(self, path: str | Path) -> Path:
        """Write the page to ``path`` (UTF-8; an existing file is replaced whole or not at
        all)."""

        def write(temporary: str) -> None:
            Path(temporary).write_text(self.html, encoding="utf-8")

        return replace_atomically(path, write)

    def save_pdf(self, path: str | Path) -> Path:
        """Print the page to the A4 PDF ``path`` with headless Chromium."""
        target = Path(path)
        with tempfile.TemporaryDirectory(prefix="crmselect-page-") as folder:
            page = self.save(Path(folder) / "page.html")
            printed = browser.print_pdf(page, Path(folder) / "page.pdf")

            def write(temporary: str) -> None:
                Path(temporary).write_bytes(printed.read_bytes())

            return replace_atomically(target, write)
