"""An analysis of a tender says whether it is the award basis as frozen or a what-if, so
that changed weights in a notebook are never mistaken for the award basis (issue 17
item 3)."""

from __future__ import annotations

import attrs

import crmselect


def test_the_example_is_analysed_as_frozen() -> None:
    analysis = crmselect.analyse(crmselect.example_tender(), n_samples=500)
    assert not analysis.what_if
    frame = analysis.to_frame()
    assert list(frame.index[:2]) == ["winner", "award basis"]
    assert frame.loc["award basis", "detail"] == "as frozen"
    assert frame.loc["award basis", "value"] == 0
    assert "WHAT-IF" not in repr(analysis)


def test_changed_weights_are_a_what_if_wherever_shown() -> None:
    tender = crmselect.example_tender()
    first = tender.evaluation.criteria[0].children[0]
    changed = attrs.evolve(
        tender.evaluation.criteria[0],
        children=(
            attrs.evolve(first, weight=first.weight + 10),
            *tender.evaluation.criteria[0].children[1:],
        ),
    )
    what_if = attrs.evolve(
        tender,
        evaluation=attrs.evolve(
            tender.evaluation, criteria=(changed, *tender.evaluation.criteria[1:])
        ),
    )
    analysis = crmselect.analyse(what_if, n_samples=500)
    assert analysis.what_if
    frame = analysis.to_frame()
    assert frame.loc["award basis", "detail"] == (
        "WHAT-IF: 1 change(s) from the award basis, not on the record"
    )
    assert "WHAT-IF (not the award basis)" in repr(analysis)
    assert analysis._repr_html_().count("WHAT-IF") >= 1


def test_a_plain_evaluation_is_checked_against_no_basis() -> None:
    analysis = crmselect.analyse(crmselect.example(), n_samples=500)
    assert analysis.basis is None
    assert "award basis" not in analysis.to_frame().index
