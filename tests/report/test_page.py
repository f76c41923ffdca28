"""Report pages: templates escape every value, the page is one self-contained document,
tables and figures are what the templates are given."""

from __future__ import annotations

import base64
from pathlib import Path

import pandas as pd
import pytest

from crmselect.report.page import Page, Table, figure, frame_table, number, points, render


def test_points_put_a_share_on_the_scale_of_100() -> None:
    assert points(0.80066) == "80.1"
    assert points(1.0) == "100.0"
    assert points(0.0) == "0.0"
    assert points(float("nan")) == "–"
    assert number(pd.Series([2.5]).iloc[0]) == 2.5


def test_a_frame_becomes_text_cells_with_missing_ones_marked() -> None:
    frame = pd.DataFrame({"Vendor": ["a", "b"], "Amount": [1.5, None]})
    table = frame_table(frame)
    assert table.columns == ("Vendor", "Amount")
    assert table.rows == (("a", "1.5"), ("b", "–"))
    assert not table.is_marked(0)
    assert Table(("x",), (("1",), ("2",)), marked=(False, True)).is_marked(1)


def test_every_value_a_template_shows_is_escaped() -> None:
    hostile = '<script>alert(1)</script> =HYPERLINK("x") & more'
    table = Table(("vendor",), ((hostile,),), marked=(True,))
    html = render(
        "award.html.j2",
        **_empty_award(title=hostile, decision=hostile, ranking=table),
    )
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; =HYPERLINK(&#34;x&#34;) &amp; more" in html
    assert 'class="crm-flag"' in html  # the marked row


def _empty_award(**given: object) -> dict[str, object]:
    empty = Table(("a",), ())
    context: dict[str, object] = {
        "title": "t",
        "decision": "d",
        "what_if": False,
        "sealed": "",
        "procedure": None,
        "winner": None,
        "stage": "setup",
        "basis": [],
        "criteria": empty,
        "deviations": None,
        "unrecorded": 0,
        "funnel": empty,
        "ranking": empty,
        "groups": empty,
        "robustness": [],
        "members": None,
        "figures": [],
        "head_to_head": None,
        "value": None,
        "business": None,
        "panel": None,
        "facts": [],
        "tables": {},
        "pending": [],
        "provenance": [],
    }
    context.update(given)
    return context


def test_a_template_refuses_a_missing_value() -> None:
    context = _empty_award()
    del context["ranking"]
    with pytest.raises(Exception, match="ranking"):
        render("award.html.j2", **context)


def test_the_page_inlines_its_style_and_shows_in_a_notebook_without_the_document(
    tmp_path: Path,
) -> None:
    page = Page("t", "d", render("award.html.j2", **_empty_award()))
    assert page.html.startswith("<!DOCTYPE html>")
    assert "@page { size: A4" in page.html
    shown = page._repr_html_()
    assert shown.startswith("<style>")
    assert ".crm-report" in shown
    assert "<html" not in shown
    assert "<body>" not in shown
    assert "<title>" not in shown
    saved = page.save(tmp_path / "page.html")
    assert saved.read_text(encoding="utf-8") == page.html


def test_a_figure_is_a_png_without_metadata() -> None:
    data = base64.b64decode(figure(lambda ax: ax.plot([0, 1], [1, 0]), (2, 1.5)))
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert b"matplotlib" not in data.lower()
