"""RFP workbooks: importing what a vendor returns (the template itself: test_rfp_template.py).

Returned workbooks are filled here the way a vendor would, with openpyxl; tampering is
simulated cell by cell, and every finding must name the file, sheet and cell.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import attrs
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import crmselect
from crmselect import Requirement, rfp
from crmselect.errors import VALUE_LIMIT
from crmselect.io.excel.xlsx import put_text
from crmselect.io.forms.meta import META_SHEET
from crmselect.io.forms.reading import PROBLEM_COLUMNS
from crmselect.io.forms.rfp_template import reference_start_row
from crmselect.rfp import UntrustedInputError, read_response, write_template
from tests.helpers import KEY, minimal_evaluation, questions, resigned

LABELS = {level.key: level.label for level in crmselect.ComplianceScale().levels}


def fill(path: Path, answers: dict[str, tuple[str | None, str, str]]) -> None:
    """Fill a template as a vendor would: requirement id → (level key, comment, evidence)."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Requirements"]
    for row in range(2, ws.max_row + 1):
        rid = ws.cell(row=row, column=1).value
        if rid in answers:
            level, comment, evidence = answers[rid]
            if level:
                ws.cell(row=row, column=6).value = LABELS[level]
            put_text(ws.cell(row=row, column=7), comment)
            put_text(ws.cell(row=row, column=8), evidence)
    wb.save(path)


def edit(path: Path, change: Callable[[openpyxl.Workbook], None]) -> None:
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)


@pytest.fixture
def returned(tmp_path: Path) -> Path:
    """x's template, filled with the answers of the minimal evaluation."""
    path = write_template(questions(), "x", tmp_path / "x.xlsx", key=KEY)
    fill(
        path,
        {
            "R1": ("out_of_box", "standard", "doc p. 4"),
            "R2": ("not_supported", "", ""),
            "R3": ("configuration", "", ""),
            "R4": ("roadmap", "next year", ""),
        },
    )
    return path


def where(result: rfp.RfpResponse) -> list[tuple[str, str, str]]:
    return [(p.sheet, p.cell, p.severity) for p in result.problems]


# -- import ------------------------------------------------------------------------------------


def test_clean_workbook_reads_back_exactly(returned: Path) -> None:
    result = read_response(returned, questions(), key=KEY)
    assert result.vendor == "x"
    assert result.problems == ()
    got = {(r.requirement, r.compliance, r.comment, r.evidence) for r in result.responses}
    assert got == {
        ("R1", "out_of_box", "standard", "doc p. 4"),
        ("R2", "not_supported", "", ""),
        ("R3", "configuration", "", ""),
        ("R4", "roadmap", "next year", ""),
    }
    assert result.responses[0].origin == "x.xlsx!Requirements!F2"


def test_imported_answers_score_exactly_like_the_csv_path(returned: Path) -> None:
    result = read_response(returned, questions(), key=KEY)
    others = [r for r in minimal_evaluation().responses if r.vendor != "x"]
    from_workbook = crmselect.score(
        attrs.evolve(questions(), responses=[*result.responses, *others])
    )
    from_csv = crmselect.score(minimal_evaluation())
    assert from_workbook.totals.equals(from_csv.totals)


def test_reading_never_modifies_the_file(returned: Path) -> None:
    before = hashlib.sha256(returned.read_bytes()).hexdigest()
    read_response(returned, questions(), key=KEY)
    assert hashlib.sha256(returned.read_bytes()).hexdigest() == before


TAMPERING: list[tuple[str, Callable[[openpyxl.Workbook], None], tuple[str, str, str]]] = [
    (
        "off-list",
        lambda wb: wb["Requirements"].__setitem__("F3", "Partially"),
        ("Requirements", "F3", "error"),
    ),
    (
        "formula",
        lambda wb: wb["Requirements"].__setitem__("F3", "=F2"),
        ("Requirements", "F3", "error"),
    ),
    ("number", lambda wb: wb["Requirements"].__setitem__("F3", 1), ("Requirements", "F3", "error")),
    (
        "text-changed",
        lambda wb: wb["Requirements"].__setitem__("C2", "Accounts only"),
        ("Requirements", "C2", "error"),
    ),
    (
        "priority-changed",
        lambda wb: wb["Requirements"].__setitem__("D2", "could"),
        ("Requirements", "D2", "warning"),
    ),
    (
        "blank-mandatory",
        lambda wb: wb["Requirements"].__setitem__("F4", None),
        ("Requirements", "F4", "warning"),
    ),
    (
        "inserted-row",
        lambda wb: (
            wb["Requirements"].insert_rows(3),
            wb["Requirements"].__setitem__("C3", "Bonus feature"),
        ),
        ("Requirements", "A3:H3", "error"),
    ),
    ("deleted-row", lambda wb: wb["Requirements"].delete_rows(5), ("Requirements", "", "warning")),
    (
        "deleted-mandatory-row",
        lambda wb: wb["Requirements"].delete_rows(4),
        ("Requirements", "", "error"),
    ),
    (
        "duplicated-row",
        lambda wb: [
            wb["Requirements"].cell(row=6, column=c, value=v)
            for c, v in enumerate((c.value for c in wb["Requirements"][2]), start=1)
        ],
        ("Requirements", "A6", "error"),
    ),
    (
        "stray-value",
        lambda wb: wb["Requirements"].__setitem__("K2", "see attachment"),
        ("Requirements", "K2", "warning"),
    ),
    ("added-sheet", lambda wb: wb.create_sheet("Our notes"), ("Our notes", "", "info")),
    (
        "pricing-text",
        lambda wb: wb["Pricing"].__setitem__("C7", "EUR 40"),
        ("Pricing", "C7", "error"),
    ),
    (
        "company-maybe",
        lambda wb: wb["Company"].__setitem__("C3", "maybe"),
        ("Company", "C3", "error"),
    ),
]


@pytest.mark.parametrize(
    ("change", "expected"), [pytest.param(c, e, id=i) for i, c, e in TAMPERING]
)
def test_tampering_is_reported_at_the_cell(returned: Path, change, expected) -> None:  # type: ignore[no-untyped-def]
    edit(returned, change)
    result = read_response(returned, questions(), key=KEY)
    assert expected in where(result), [str(p) for p in result.problems]
    assert all(str(p).startswith("x.xlsx!") for p in result.problems)


ROW_FINDINGS = {
    "inserted-row": (
        "row without a requirement id (inserted by the vendor?); its content is not used"
    ),
    "deleted-row": "the row of requirement R4 was deleted; it counts as unanswered",
    "duplicated-row": "requirement R1 appears again (first in row 2); this row is not used",
    "stray-value": "value outside the template's columns; it is not used",
}
"""What the finding of each row change in :data:`TAMPERING` says, word for word."""


@pytest.mark.parametrize("change", sorted(ROW_FINDINGS))
def test_row_changes_are_reported_in_words_that_say_what_happened(
    returned: Path, change: str
) -> None:
    edit(returned, next(c for i, c, _ in TAMPERING if i == change))
    sheet, cell, _ = next(e for i, _, e in TAMPERING if i == change)
    result = read_response(returned, questions(), key=KEY)
    assert [p.what for p in result.problems if (p.sheet, p.cell) == (sheet, cell)] == [
        ROW_FINDINGS[change]
    ]


def test_reordered_rows_are_matched_by_id(returned: Path) -> None:
    def swap(wb: openpyxl.Workbook) -> None:
        ws = wb["Requirements"]
        first = [c.value for c in ws[2]]
        last = [c.value for c in ws[5]]
        for column, (a, b) in enumerate(zip(first, last, strict=True), start=1):
            ws.cell(row=2, column=column).value = b
            ws.cell(row=5, column=column).value = a

    edit(returned, swap)
    result = read_response(returned, questions(), key=KEY)
    assert ("Requirements", "", "info") in where(result)
    r1 = next(r for r in result.responses if r.requirement == "R1")
    assert r1.compliance == "out_of_box"
    assert r1.origin == "x.xlsx!Requirements!F5"


def test_excluded_answer_is_kept_in_the_report_and_counts_as_missing(returned: Path) -> None:
    edit(returned, lambda wb: wb["Requirements"].__setitem__("F4", "Mostly"))
    result = read_response(returned, questions(), key=KEY)
    problem = next(p for p in result.problems if p.cell == "F4")
    assert problem.value == "Mostly"
    assert problem.requirement == "R3"
    answer = next(r for r in result.responses if r.requirement == "R3")
    assert answer.compliance is None
    others = [r for r in minimal_evaluation().responses if r.vendor != "x"]
    scored = crmselect.score(attrs.evolve(questions(), responses=[*result.responses, *others]))
    assert "x" in scored.knocked_out  # R3 is mandatory: excluded → unanswered → knocked out


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda wb: wb[META_SHEET].__setitem__("B1", "crmselect.rfp/0"), "template version"),
        (resigned(lambda wb: wb[META_SHEET].__setitem__("B5", "q")), "made for vendor 'q'"),
        (lambda wb: wb.remove(wb["Requirements"]), "sheet 'Requirements' is missing"),
        (lambda wb: wb.remove(wb[META_SHEET]), "sheet 'crmselect' is missing"),
        (lambda wb: wb["Requirements"].__setitem__("A1", "Ref"), "has no 'ID' column"),
    ],
)
def test_unusable_workbooks_are_refused_with_the_reason(returned: Path, change, message) -> None:  # type: ignore[no-untyped-def]
    edit(returned, change)
    with pytest.raises(UntrustedInputError) as caught:
        read_response(returned, questions(), key=KEY)
    assert message in str(caught.value)
    assert "x.xlsx" in str(caught.value)


def test_workbook_for_another_vendor_or_evaluation_is_refused(returned: Path) -> None:
    with pytest.raises(UntrustedInputError, match="made for vendor 'x', not 'y'"):
        read_response(returned, questions(), vendor="y", key=KEY)
    other = attrs.evolve(
        questions(),
        requirements=[
            Requirement(f"Q{i}", f"question {i}", "a1" if i < 3 else ("a2" if i < 5 else "b"))
            for i in range(1, 7)
        ],
    )
    with pytest.raises(UntrustedInputError, match="made for another evaluation"):
        read_response(returned, other, key=KEY)


def test_requirement_changed_after_sending_excludes_its_answer(returned: Path) -> None:
    base = questions()
    changed = attrs.evolve(
        base,
        requirements=[
            attrs.evolve(r, text="Accounts, contacts and households") if r.id == "R1" else r
            for r in base.requirements
        ],
    )
    result = read_response(returned, changed, key=KEY)
    assert ("crmselect", "", "error") in where(result)
    assert ("Requirements", "C2", "error") in where(result)
    assert next(r for r in result.responses if r.requirement == "R1").compliance is None


def test_example_ships_returned_workbooks_read_through_this_path() -> None:
    evaluation = crmselect.example()
    clarified = [r for r in evaluation.responses if "(clarified; read from " in r.origin]
    origins = {r.origin.split("!")[0] for r in evaluation.responses if r not in clarified}
    assert origins == {f"{v.id}.xlsx" for v in evaluation.vendors}
    assert [r.origin.split("read from ")[1] for r in clarified] == [
        "meridian.xlsx!Requirements!F49)"
    ]
    cells = {(p.file, p.cell) for p in evaluation.import_problems}
    assert ("quillpoint.xlsx", "F5") in cells
    assert ("meridian.xlsx", "F49") in cells


# -- round trip property -----------------------------------------------------------------------

answer = st.tuples(
    st.one_of(st.none(), st.sampled_from(sorted(LABELS))),
    st.one_of(
        st.text(max_size=300),
        st.sampled_from(
            ["=1+1", "+44 20 7946 0000", "@home", "－1", "x" * 5000, "日本語のコメント"]
        ),
    ),
    st.text(max_size=60),
)


@pytest.mark.slow
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.fixed_dictionaries({rid: answer for rid in ("R1", "R2", "R3", "R4")}))
def test_property_round_trip_of_random_answers(tmp_path: Path, answers) -> None:  # type: ignore[no-untyped-def]
    path = write_template(questions(), "y", tmp_path / "y.xlsx", key=KEY)
    fill(path, answers)
    result = read_response(path, questions(), key=KEY)

    def as_read(text: str) -> str:
        return put_text_roundtrip(text)

    got = {r.requirement: (r.compliance, r.comment, r.evidence) for r in result.responses}
    assert got == {rid: (level, as_read(c), as_read(e)) for rid, (level, c, e) in answers.items()}
    blank_mandatory = answers["R3"][0] is None
    assert all(p.severity != "error" for p in result.problems)
    assert len(result.problems) == (1 if blank_mandatory else 0)


def put_text_roundtrip(text: str) -> str:
    """What put_text stores for ``text`` (CR → LF, control characters escaped)."""
    wb = openpyxl.Workbook()
    put_text(wb.active["A1"], text)
    return str(wb.active["A1"].value or "")


def test_company_answers_are_read_and_checked_against_the_profile(returned: Path) -> None:
    def answer(wb: openpyxl.Workbook) -> None:
        ws = wb["Company"]
        for row in range(3, ws.max_row + 1):
            key = ws.cell(row=row, column=1).value
            if key in ("deployment:saas", "access:browser"):
                ws.cell(row=row, column=3).value = "yes"
            elif key == "deployment:on_premise":
                ws.cell(row=row, column=3).value = "yes"  # the profile of x says SaaS only

    edit(returned, answer)
    base = questions()
    profile = attrs.evolve(base.vendors[0], deployment=["saas"], access=["browser"])
    result = read_response(
        returned, attrs.evolve(base, vendors=[profile, *base.vendors[1:]]), key=KEY
    )
    assert {d.value for d in result.deployment} == {"saas", "on_premise"}
    assert {a.value for a in result.access} == {"browser"}
    warnings = [p for p in result.problems if p.sheet == "Company"]
    assert len(warnings) == 1
    assert "deployment on_premise: the vendor says yes" in warnings[0].what


def test_a_no_answer_is_read_as_no_and_checked_against_the_profile(returned: Path) -> None:
    def answer(wb: openpyxl.Workbook) -> None:
        ws = wb["Company"]
        for row in range(3, ws.max_row + 1):
            key = ws.cell(row=row, column=1).value
            if key == "deployment:saas":
                ws.cell(row=row, column=3).value = " No "  # the profile below says SaaS
            elif key == "access:browser":
                ws.cell(row=row, column=3).value = "yes"

    edit(returned, answer)
    base = questions()
    profile = attrs.evolve(base.vendors[0], deployment=["saas"], access=["browser"])
    result = read_response(
        returned, attrs.evolve(base, vendors=[profile, *base.vendors[1:]]), key=KEY
    )
    assert result.deployment == frozenset()
    assert {a.value for a in result.access} == {"browser"}
    warnings = [p for p in result.problems if p.sheet == "Company"]
    assert [w.severity for w in warnings] == ["warning"]
    assert "deployment saas: the vendor says no" in warnings[0].what


def test_references_are_the_rows_of_the_reference_table_that_are_not_empty(
    returned: Path,
) -> None:
    start = reference_start_row()

    def refer(wb: openpyxl.Workbook) -> None:
        ws = wb["Company"]
        ws.cell(row=start + 1, column=1).value = " Acme "
        ws.cell(row=start + 1, column=3).value = 250

    edit(returned, refer)
    references = read_response(returned, questions(), key=KEY).references
    assert references == (
        {
            "Customer": "Acme",
            "Industry": "",
            "Users": "250",
            "Live since": "",
            "Contact (name, e-mail)": "",
        },
    )


def test_two_workbooks_from_one_vendor_are_refused(tmp_path: Path, returned: Path) -> None:
    from tests.helpers import MINIMAL_YAML, give_key, write_minimal

    folder = write_minimal(
        tmp_path / "f",
        yaml_text=MINIMAL_YAML.replace(
            "responses: responses.csv", "response_workbooks: [returned/*.xlsx]"
        ),
    )
    give_key(folder)
    (folder / "returned").mkdir()
    for name in ("x.xlsx", "x-final.xlsx"):
        (folder / "returned" / name).write_bytes(returned.read_bytes())
    with pytest.raises(crmselect.CrmselectError, match="a second RFP workbook from 'x'"):
        crmselect.derive(crmselect.load_tender(folder))


# -- excluded mandatory answers, aliases, offending values, pricing (issue 14) -----------------


def scored_with(result: rfp.RfpResponse) -> crmselect.ScoreResult:
    """The minimal evaluation scored with x's answers and findings from ``result``."""
    others = [r for r in minimal_evaluation().responses if r.vendor != "x"]
    return crmselect.score(
        attrs.evolve(
            questions(),
            responses=[*result.responses, *others],
            import_problems=result.problems,
        )
    )


def test_excluded_mandatory_answer_is_a_knock_out_risk_not_silence(returned: Path) -> None:
    edit(returned, lambda wb: wb["Requirements"].__setitem__("F4", "Yes, via partner"))
    result = read_response(returned, questions(), key=KEY)
    (problem,) = result.problems
    assert (problem.cell, problem.severity, problem.value) == ("F4", "error", "Yes, via partner")
    assert "KNOCK-OUT RISK" in problem.what
    assert problem.action.startswith("clarify with the vendor before deciding")
    assert scored_with(result).knocked_out["x"] == (
        "R3: answer excluded (x.xlsx!Requirements!F4: 'Yes, via partner') — clarify before "
        "deciding",
    )


def test_excluded_optional_answer_is_no_knock_out_risk(returned: Path) -> None:
    edit(returned, lambda wb: wb["Requirements"].__setitem__("F5", "Mostly"))
    (problem,) = read_response(returned, questions(), key=KEY).problems
    assert problem.cell == "F5"
    assert "KNOCK-OUT RISK" not in problem.what


def test_mandatory_answer_next_to_changed_text_names_the_changed_cell(returned: Path) -> None:
    edit(returned, lambda wb: wb["Requirements"].__setitem__("C4", "EU or UK data residency"))
    result = read_response(returned, questions(), key=KEY)
    (problem,) = result.problems
    assert problem.cell == "C4"
    assert "KNOCK-OUT RISK" in problem.what
    assert scored_with(result).knocked_out["x"] == (
        "R3: answer excluded (x.xlsx!Requirements!C4: 'EU or UK data residency') — clarify "
        "before deciding",
    )


def test_blank_mandatory_answer_is_still_not_answered(returned: Path) -> None:
    edit(returned, lambda wb: wb["Requirements"].__setitem__("F4", None))
    result = read_response(returned, questions(), key=KEY)
    assert scored_with(result).knocked_out["x"] == ("R3: mandatory requirement not answered",)


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("yes", "out_of_box"),
        ("no", "not_supported"),
        ("tp", "third_party"),
        ("standard", "out_of_box"),
        ("Supported\xa0by configuration (no code)", "configuration"),
        ("supported by configuration (no code)", "configuration"),
        ("roadmap", "roadmap"),
    ],
)
def test_an_answer_read_through_an_alias_is_used_with_a_warning(
    returned: Path, typed: str, key: str
) -> None:
    edit(returned, lambda wb: wb["Requirements"].__setitem__("F3", typed))
    result = read_response(returned, questions(), key=KEY)
    (problem,) = result.problems
    assert (problem.cell, problem.severity, problem.requirement) == ("F3", "warning", "R2")
    assert problem.value == typed.replace("\xa0", "\\xa0")
    assert f"read as {LABELS[key]!r} ({key})" in problem.what
    assert next(r for r in result.responses if r.requirement == "R2").compliance == key


def test_every_finding_shows_the_typed_value_in_str_and_frame(returned: Path) -> None:
    edit(returned, lambda wb: wb["Requirements"].__setitem__("F3", "Partially"))
    result = read_response(returned, questions(), key=KEY)
    (problem,) = result.problems
    assert str(problem) == (
        "x.xlsx!Requirements!F3: not one of the drop-down values; the answer is excluded "
        f"(typed: 'Partially') — {problem.action}"
    )
    frame = result.problems_frame()
    assert frame.loc[0, "value"] == "Partially"
    assert list(frame.columns) == PROBLEM_COLUMNS


def test_hostile_values_are_escaped_and_shortened_in_findings(returned: Path) -> None:
    hostile = "\x1b[2J\u202eevil\u2028" + "x" * 5000
    edit(returned, lambda wb: put_text(wb["Requirements"]["F3"], hostile))
    (problem,) = read_response(returned, questions(), key=KEY).problems
    assert problem.value.startswith("\\x1b[2J\\u202eevil\\u2028xxx")
    assert "…" in problem.value
    assert len(problem.value) <= VALUE_LIMIT
    line = str(problem)
    assert line.isprintable()
    assert "…') — ask the vendor" in line
    assert len(line) < 500


def test_duplicated_row_shows_its_answer(returned: Path) -> None:
    def duplicate(wb: openpyxl.Workbook) -> None:
        ws = wb["Requirements"]
        for column, cell in enumerate(ws[2], start=1):
            ws.cell(row=6, column=column, value=cell.value)
        ws["F6"] = LABELS["roadmap"]

    edit(returned, duplicate)
    problem = next(
        p for p in read_response(returned, questions(), key=KEY).problems if p.cell == "A6"
    )
    assert problem.value.startswith(LABELS["roadmap"])


def test_an_edited_id_is_an_unknown_row_and_its_requirement_counts_as_deleted(
    returned: Path,
) -> None:
    edit(returned, lambda wb: wb["Requirements"].__setitem__("A3", "R99"))
    result = read_response(returned, questions(), key=KEY)
    unknown = next(p for p in result.problems if p.cell == "A3")
    assert unknown.severity == "error"
    assert unknown.what.startswith("unknown requirement id 'R99'")
    assert "R2" not in {r.requirement for r in result.responses}
    assert any(p.requirement == "R2" and "was deleted" in p.what for p in result.problems)


def set_pricing(cells: dict[str, object]) -> Callable[[openpyxl.Workbook], None]:
    def change(wb: openpyxl.Workbook) -> None:
        for cell, value in cells.items():
            wb["Pricing"][cell] = value

    return change


@pytest.mark.parametrize("typed", ["£", "Euro", "EURO", "XAU", "€"])
def test_a_currency_that_is_no_iso_code_is_reported_at_its_cell(returned: Path, typed: str) -> None:
    edit(returned, set_pricing({"C4": typed}))
    result = read_response(returned, questions(), key=KEY)
    (problem,) = result.problems
    assert str(problem).startswith(
        f"x.xlsx!Pricing!C4: Currency of every price (ISO code, e.g. EUR): not an ISO 4217 "
        f"currency code; not used (typed: '{typed}')"
    )
    assert problem.severity == "error"
    assert result.pricing["currency"] is None


def test_a_currency_in_another_case_is_read_with_a_warning(returned: Path) -> None:
    edit(returned, set_pricing({"C4": " gbp"}))
    result = read_response(returned, questions(), key=KEY)
    (problem,) = result.problems
    assert (problem.cell, problem.severity, problem.value) == ("C4", "warning", " gbp")
    assert result.pricing["currency"] == "GBP"


def test_an_iso_currency_is_read_without_a_finding(returned: Path) -> None:
    edit(returned, set_pricing({"C4": "CHF"}))
    result = read_response(returned, questions(), key=KEY)
    assert result.problems == ()
    assert result.pricing["currency"] == "CHF"


@pytest.mark.parametrize("typed", [1e308, "inf", -5, 2e12, "1e308", "-40"])
def test_an_absurd_price_is_reported_at_its_cell(returned: Path, typed: object) -> None:
    edit(returned, set_pricing({"C7": typed}))
    result = read_response(returned, questions(), key=KEY)
    (problem,) = result.problems
    assert (problem.cell, problem.severity, problem.requirement) == (
        "C7",
        "error",
        "price_per_named_user",
    )
    assert "Price per named user: not a number from 0 to 1,000,000,000,000" in problem.what
    assert result.pricing["price_per_named_user"] is None


def test_maintenance_above_100_percent_is_reported(returned: Path) -> None:
    edit(returned, set_pricing({"C10": 150}))
    (problem,) = read_response(returned, questions(), key=KEY).problems
    assert (problem.cell, problem.value) == ("C10", "150")
    assert "from 0 to 100;" in problem.what


@pytest.mark.parametrize(("typed", "number"), [("850", 850.0), (" 12.5 ", 12.5)])
def test_a_number_stored_as_text_is_read_with_a_warning(
    returned: Path, typed: str, number: float
) -> None:
    edit(returned, set_pricing({"C4": "EUR", "C7": typed}))  # a priced sheet needs a currency
    result = read_response(returned, questions(), key=KEY)
    (problem,) = result.problems
    assert (problem.cell, problem.severity, problem.value) == ("C7", "warning", typed)
    assert f"a number stored as text; read as {number:g}" in problem.what
    assert result.pricing["price_per_named_user"] == number


def test_a_priced_sheet_without_a_currency_is_an_error_at_the_currency_cell(
    returned: Path,
) -> None:
    edit(returned, set_pricing({"C4": None, "C7": 850}))
    result = read_response(returned, questions(), key=KEY)
    (problem,) = result.problems
    assert (problem.sheet, problem.cell, problem.severity) == ("Pricing", "C4", "error")
    assert "no currency given for the prices" in problem.what
    assert result.pricing["currency"] is None
