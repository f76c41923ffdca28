"""Every result a committee looks at renders in Jupyter as valid HTML naming each vendor."""

from __future__ import annotations

from html.parser import HTMLParser

import attrs
import pytest

import crmselect
from crmselect import consensus
from crmselect.analysis import analyse


class _Checker(HTMLParser):
    """Collects text and checks that every opened tag is closed in order."""

    VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "col"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.text: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(html: str) -> str:
    checker = _Checker()
    checker.feed(html)
    checker.close()
    assert checker.errors == []
    assert checker.stack == []
    return " ".join(checker.text)


@pytest.fixture(scope="module")
def objects() -> dict[str, object]:
    tender = crmselect.example_tender()
    evaluation = crmselect.example()
    analysis = analyse(attrs.evolve(tender, partners=None), n_samples=1_000)
    assert analysis.costs is not None
    return {
        "evaluation": evaluation,
        "score": analysis.result,
        "smaa": analysis.smaa,
        "panel": consensus.aggregate_scores(evaluation),
        "tco": analysis.costs.tco,
    }


@pytest.mark.parametrize("name", ["evaluation", "score", "smaa", "panel", "tco"])
def test_html_is_well_formed_and_names_every_vendor(objects: dict[str, object], name: str) -> None:
    text = parsed(objects[name]._repr_html_())  # type: ignore[attr-defined]
    expected = {"orbis", "kestrel", "quillpoint", "helix", "meridian"}
    if name in ("evaluation", "score", "tco"):
        expected.add("tidewater")  # knocked out, but its row is kept
    for vendor in expected:
        assert vendor in text, f"{vendor} missing from {name}"


def test_plain_repr_is_short(objects: dict[str, object]) -> None:
    for name, value in objects.items():
        assert len(repr(value)) < 400, name


@pytest.fixture(scope="module")
def analysis() -> crmselect.Analysis:
    return analyse(crmselect.example_tender(), n_samples=1_000)


def test_the_analysis_is_a_summary_with_its_tables_folded_behind_it(
    analysis: crmselect.Analysis,
) -> None:
    page = analysis._repr_html_()
    text = parsed(page)
    summary, _, folded = page.partition("<details")
    frame = analysis.to_frame()
    for finding in frame.index:  # every finding of the headline, in the summary
        assert f"<th>{finding}</th>" in summary
    assert summary.count('class="crmselect-bar"') == 4  # acceptability, challenger, members, panel
    first = frame["value"].to_dict()["rank-1 acceptability"]
    assert f'style="width:{100 * first:.1f}%"' in summary
    for title in (
        "Totals and ranks",
        "Rank acceptability (SMAA-2)",
        "Stability intervals",
        "Flips",
        "Members&#x27; winners",
        "A different panel (evaluators resampled)",
        "Costs and business case",
        "Software × partner pairs",
    ):
        assert f"<summary>{title}</summary>" in page
    assert page.count("<details") == 8
    assert "tidewater" in folded
    assert "orbis" in text


def test_a_share_bar_and_a_fold_escape_what_they_show() -> None:
    from crmselect.display import details, share_bar, summary_table

    assert share_bar(float("nan")) == "–"
    assert 'style="width:100.0%"' in share_bar(1.4)  # the bar stays in its box
    assert share_bar(1.4).endswith("140.0 %")
    folded = details("<b>x</b>", "<p>body</p>")
    assert "<summary>&lt;b&gt;x&lt;/b&gt;</summary><p>body</p>" in folded
    table = summary_table([("<i>", "<vendor>", "1", "<script>")], caption="<c>")
    assert "<script>" not in table
    assert "&lt;vendor&gt;" in table
