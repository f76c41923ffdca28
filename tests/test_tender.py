"""One loader, one explicit derivation (crmselect/io/folder/tender.py, crmselect/tender.py):
``load_tender`` reads a folder once and as written; ``derive`` computes the judged weights and
the cost-model prices; ``analyse`` derives a tender that has not been."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import attrs
import pytest

import crmselect
from crmselect import Tender, derive, load_tender
from crmselect.cost.tco import compare_tco
from crmselect.io.folder import yamlfile
from crmselect.io.forms.demo_sheets import write_scoring_sheets
from crmselect.model import walk_tree
from crmselect.weights import apply_judgements
from tests.helpers import KEY


def _local_weights(evaluation: crmselect.Evaluation) -> dict[str, float]:
    return {c.id: c.weight for _, c in walk_tree(evaluation.criteria)}


def test_the_example_loads_as_written_with_its_weights_as_typed() -> None:
    """examples/larkspur/evaluation.yaml types functional: 40 and vendor: 10 at the top; its
    five weights-workshop files carry the judgements that replace them when derived."""
    tender = load_tender(crmselect.example_path())
    written = _local_weights(tender.evaluation)
    assert (written["functional"], written["vendor"]) == (40, 10)
    assert sorted({j.member for j in tender.evaluation.judgements}) == [
        "finance",
        "it",
        "marketing",
        "sales",
        "service",
    ]
    assert tender.derived is False
    assert tender.prices_from_costs is True
    assert tender.evaluation.price is not None
    assert dict(tender.evaluation.price.prices) == {}  # the cost model has not priced yet


def test_derive_gives_the_judged_weights_and_the_cost_model_prices() -> None:
    tender = load_tender(crmselect.example_path())
    derived = derive(tender)
    assert derived.derived is True
    expected = apply_judgements(tender.evaluation.criteria, tender.evaluation.judgements)
    assert derived.evaluation.criteria == expected
    assert _local_weights(derived.evaluation)["functional"] != 40
    assert tender.costs is not None
    npv = compare_tco(tender.costs.offers, tender.costs.assumptions).prices("npv")
    assert derived.evaluation.price is not None
    assert dict(derived.evaluation.price.prices) == pytest.approx(npv.to_dict())
    # crmselect.example() is exactly this derived evaluation
    assert derived.evaluation.fingerprint == crmselect.example().fingerprint
    # deriving twice changes nothing
    assert derive(derived).evaluation.fingerprint == derived.evaluation.fingerprint


def test_the_evaluation_file_is_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The evaluation, its costs: and partners: sections come from one parse of
    evaluation.yaml (before, three loaders re-read it, glued by a cache); the partners' own
    evaluation is its own file, parsed once too."""
    parsed: Counter[str] = Counter()
    parse = yamlfile.parse_yaml

    def counting(text: str, file: str, loader: object = None) -> yamlfile.YNode:
        if Path(file).name == "evaluation.yaml":  # the bundled catalogues are parsed too
            parsed[Path(file).parent.name + "/" + Path(file).name] += 1
        return parse(text, file)

    monkeypatch.setattr(yamlfile, "parse_yaml", counting)
    tender = load_tender(crmselect.example_path())
    assert tender.costs is not None
    assert tender.partners is not None
    assert parsed == Counter({"larkspur/evaluation.yaml": 1, "partners/evaluation.yaml": 1})


def test_analyse_derives_a_tender_as_written() -> None:
    tender = load_tender(crmselect.example_path())
    analysis = crmselect.analyse(tender, n_samples=500)
    assert analysis.result.evaluation.fingerprint == crmselect.example().fingerprint
    assert analysis.result.winners == ("orbis",)
    assert analysis.costs is not None
    assert analysis.pairs is not None


def test_weights_set_by_hand_after_deriving_are_what_is_analysed() -> None:
    """A what-if on a derived tender: analyse must not put the judged weights back."""
    derived = derive(load_tender(crmselect.example_path()))
    criteria = tuple(
        attrs.evolve(c, weight=90.0 if c.id == "commercial" else 1.0)
        for c in derived.evaluation.criteria
    )
    what_if = attrs.evolve(derived, evaluation=attrs.evolve(derived.evaluation, criteria=criteria))
    analysis = crmselect.analyse(what_if, n_samples=500)
    top = {c.id: c.weight for c in analysis.result.evaluation.criteria}
    assert top["commercial"] == 90.0
    assert analysis.result.evaluation.fingerprint != derived.evaluation.fingerprint


def test_a_plain_evaluation_is_analysed_as_it_is() -> None:
    evaluation = crmselect.example()
    analysis = crmselect.analyse(evaluation, n_samples=500)
    assert analysis.result.evaluation is evaluation
    assert analysis.costs is None
    assert analysis.pairs is None


def test_scoring_sheets_are_checked_against_the_derived_award_basis(tmp_path: Path) -> None:
    """Sheets written from the derived evaluation (as `crmselect scoring-sheets` writes them)
    match what the folder loads: in a folder whose weights come from judgements, they used to
    be checked against the weights as typed and reported as made for another evaluation."""
    folder = tmp_path / "larkspur"
    shutil.copytree(crmselect.example_path(), folder)
    write_scoring_sheets(crmselect.example(), folder / "scoring", key=KEY, record=None)
    text = (folder / "evaluation.yaml").read_text(encoding="utf-8")
    (folder / "evaluation.yaml").write_text(
        text + "scoring_sheets: scoring/*.xlsx\n", encoding="utf-8"
    )
    tender = load_tender(folder)
    read = {Path(d.origin.split("!")[0]).name for d in tender.evaluation.demo_scores if d.origin}
    assert read == {f"{e.id}.xlsx" for e in tender.evaluation.evaluators}  # every sheet read
    found = [str(p) for p in tender.evaluation.import_problems]
    assert not [p for p in found if "changed since this sheet was made" in p], found


def test_a_tender_shows_its_state() -> None:
    tender = load_tender(crmselect.example_path())
    assert repr(tender).startswith("<Tender (as written): Evaluation 'Larkspur")
    assert "a cost case; implementation partners>" in repr(tender)
    assert "(derived)" in repr(derive(tender))
    html = derive(tender)._repr_html_()
    assert "<table" in html
    assert "Tender (derived)" in html


def test_a_tender_built_in_code_derives_like_a_loaded_one() -> None:
    evaluation = crmselect.example()
    tender = Tender(evaluation=evaluation)
    assert derive(tender).evaluation.fingerprint == evaluation.fingerprint


def test_a_tender_is_derived_once_and_the_copy_kept() -> None:
    """``derive`` of the same tender object gives the same derived object (the report, the
    workbook and the BAFO table each ask for it); another tender object is derived anew."""
    tender = load_tender(crmselect.example_path())
    first = derive(tender)
    assert derive(tender) is first
    assert first.derived
    again = derive(attrs.evolve(tender))
    assert again is not first
    assert again.evaluation.fingerprint == first.evaluation.fingerprint
