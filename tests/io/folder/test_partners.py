"""crmselect.io.folder.partners: the ``partners:`` section of an evaluation folder — the partners'
own evaluation and their quotes — and the software × partner ranking it feeds."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path
from typing import cast

import pandas as pd
import pytest

import crmselect
from crmselect import Evaluation, derive, load_tender
from crmselect.cost import PartnerOffer, compare_tco, implementers, rank_pairs
from crmselect.errors import InputFileError, ValidationError
from crmselect.io.folder.partners import PartnerSetup, partner_offers_from_frame
from tests.helpers import MINIMAL_YAML, write_minimal

PARTNERS = crmselect.example_path() / "partners"
OFFERS = crmselect.example_path() / "partner_offers.csv"
SECTION = """\
partners:
  evaluation: partners
  offers: partner_offers.csv
  partner_share: 0.25
  price_weight: 0.2
  price_method: budget
  budget: 2000000
  floor: 800000
"""


@pytest.fixture(scope="module")
def larkspur(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Evaluation]:
    """A copy of the bundled example with SECTION as its ``partners:`` (replacing any the
    example has), and its software evaluation."""
    folder = tmp_path_factory.mktemp("example") / "larkspur"
    shutil.copytree(crmselect.example_path(), folder)
    yaml_file = folder / "evaluation.yaml"
    text = yaml_file.read_text(encoding="utf-8")
    text = re.sub(r"^partners:[^\n]*\n(?:(?:[ #][^\n]*)?\n)*", "", text, flags=re.MULTILINE)
    yaml_file.write_text(text.rstrip("\n") + "\n" + SECTION, encoding="utf-8")
    return folder, derive(load_tender(folder)).evaluation


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --- the bundled example -----------------------------------------------------------------


def test_example_partner_evaluation_ranks_four_and_knocks_out_sundara() -> None:
    result = crmselect.score(derive(load_tender(PARTNERS)).evaluation)
    assert set(result.knocked_out) == {"sundara"}
    assert result.knocked_out["sundara"][0].startswith("TEAM-002: mandatory requirement")
    ranked = result.totals[result.to_frame()["rank"].notna()].sort_values(ascending=False)
    assert list(ranked.index) == ["granite", "nordkap", "fernhill", "halyard"]
    assert ranked.between(0.7, 1.0).all()
    missing = {(m.vendor, m.item) for m in result.missing.itertuples()}
    assert missing == {("nordkap", "REF-006"), ("sundara", "IND-005")}


def test_example_offers_cover_every_software_vendor(larkspur: tuple[Path, Evaluation]) -> None:
    _, software = larkspur
    rows = csv_rows(OFFERS)
    table = implementers(
        PartnerOffer(r["partner"], r["product"], float(r["implementation_days"]), 1.0) for r in rows
    )
    assert set(table.columns) == set(software.vendor_ids)
    assert table.sum().min() >= 1  # every product has a partner
    assert table.sum().max() <= 3
    assert set(table.index) == set(derive(load_tender(PARTNERS)).evaluation.vendor_ids)
    for r in rows:
        assert 80 <= float(r["implementation_days"]) <= 400
        assert 700 <= float(r["day_rate"]) <= 1500


def test_example_setup_loads_with_the_csv_rows_exactly(larkspur: tuple[Path, Evaluation]) -> None:
    folder, _software = larkspur
    setup = load_tender(folder).partners
    assert isinstance(setup, PartnerSetup)
    assert setup.evaluation.vendor_ids == ("granite", "fernhill", "nordkap", "sundara", "halyard")
    assert (setup.partner_share, setup.price_weight, setup.price_method) == (0.25, 0.2, "budget")
    assert dict(setup.price_options) == {"budget": 2_000_000.0, "floor": 800_000.0}
    rows = csv_rows(folder / "partner_offers.csv")
    assert [
        (o.partner, o.product, o.implementation_days, o.day_rate, o.data_migration, o.integration)
        for o in setup.offers
    ] == [
        (
            r["partner"],
            r["product"],
            float(r["implementation_days"]),
            float(r["day_rate"]),
            float(r["data_migration"] or 0),
            float(r["integration"] or 0),
        )
        for r in rows
    ]
    source = folder.resolve() / "partner_offers.csv"
    assert [o.origin for o in setup.offers] == [
        f"{source}: row {n}" for n in range(2, len(rows) + 2)
    ]
    assert setup.origin.endswith(f"evaluation.yaml: partners (line {_section_line(folder)})")
    # the same file read through its evaluation.yaml gives the same offers
    again = load_tender(folder / "evaluation.yaml").partners
    assert again is not None
    assert again.offers == setup.offers


def _section_line(folder: Path) -> int:
    lines = (folder / "evaluation.yaml").read_text(encoding="utf-8").splitlines()
    return lines.index("partners:") + 2  # the line of its first key


def test_example_pairs_rank_and_exclude_the_knocked_out_partner(
    larkspur: tuple[Path, Evaluation],
) -> None:
    folder, software = larkspur
    setup = load_tender(folder).partners
    assert setup is not None
    case = load_tender(folder).costs
    assert case is not None
    tco = compare_tco(case.offers, case.assumptions)
    software_result = crmselect.score(software)
    partner_result = crmselect.score(setup.evaluation)
    ranking = rank_pairs(
        software_result,
        partner_result,
        setup.offers,
        tco,
        partner_share=setup.partner_share,
        price_weight=setup.price_weight,
        price_method=setup.price_method,
        price_options=setup.price_options,
    )
    table = ranking.table
    assert len(table) == len(setup.offers)
    for vendor, partner in table.index:
        excluded = table.loc[(vendor, partner), "excluded"]
        if partner == "sundara":
            assert "partner knocked out (TEAM-002" in excluded
        knocked = partner == "sundara" or vendor in software_result.knocked_out
        assert bool(excluded) == knocked
        assert pd.isna(table.loc[(vendor, partner), "rank"]) == knocked
    sundara = [pair for pair in table.index if pair[1] == "sundara"]
    assert len(sundara) == 3
    assert ranking.best is not None
    assert ranking.best[1] != "sundara"
    # quality = 0.75 · software + 0.25 · partner
    vendor, partner = ranking.best
    assert table.loc[ranking.best, "quality"] == pytest.approx(
        0.75 * software_result.totals[vendor] + 0.25 * partner_result.totals[partner]
    )
    # the partner's quote replaces the vendor's own implementation services in year 0
    offer = next(o for o in setup.offers if (o.product, o.partner) == ("orbis", "nordkap"))
    flows = cast(pd.DataFrame, ranking.cash_flows.loc[("orbis", "nordkap")])
    assert flows.loc[0, "implementation"] == pytest.approx(230 * 1050)
    assert flows.loc[0, "data_migration"] == offer.data_migration == 25_000
    assert flows.loc[0, "integration"] == offer.integration == 35_000


# --- sections that are absent or malformed -----------------------------------------------

GOOD_OFFERS = """\
partner,product,implementation_days,day_rate,data_migration,integration
granite,x,200,1400,30000,40000
nordkap,x,180,1050,,
sundara,y,250,720,10000,
"""
BASE_LINE = len(MINIMAL_YAML.splitlines()) + 1  # the line of 'partners:'


def partner_folder(
    tmp_path: Path,
    section: str = "partners:\n  evaluation: partners\n  offers: offers.csv\n",
    offers: str | None = GOOD_OFFERS,
) -> Path:
    """The minimal software evaluation (vendors x, y, z) with ``section`` appended, a copy of
    the example partners' evaluation in ``partners/`` and ``offers`` as ``offers.csv``."""
    folder = write_minimal(tmp_path / "tender", yaml_text=MINIMAL_YAML + section)
    shutil.copytree(PARTNERS, folder / "partners")
    if offers is not None:
        (folder / "offers.csv").write_text(offers, encoding="utf-8")
    return folder


@pytest.mark.parametrize("written", ["Lowest ratio", "lowest-price ratio", "LINEAR"])
def test_price_methods_parse_the_ways_people_write_them(tmp_path: Path, written: str) -> None:
    section = (
        f"partners:\n  evaluation: partners\n  offers: offers.csv\n  price_method: {written}\n"
    )
    folder = partner_folder(tmp_path, section)
    setup = load_tender(folder).partners
    assert setup is not None
    assert setup.price_method == ("linear" if written == "LINEAR" else "lowest_ratio")


def test_no_partners_section_gives_none(tmp_path: Path) -> None:
    folder = write_minimal(tmp_path / "plain")
    assert load_tender(folder).partners is None


def test_minimal_folder_defaults(tmp_path: Path) -> None:
    folder = partner_folder(tmp_path)
    setup = load_tender(folder).partners
    assert setup is not None
    assert (setup.partner_share, setup.price_weight, setup.price_method) == (
        0.3,
        0.0,
        "lowest_ratio",
    )
    assert dict(setup.price_options) == {}
    assert [(o.partner, o.product, o.cost) for o in setup.offers] == [
        ("granite", "x", 200 * 1400 + 30_000 + 40_000),
        ("nordkap", "x", 180 * 1050),
        ("sundara", "y", 250 * 720 + 10_000),
    ]


HEADER = "partner,product,implementation_days,day_rate,data_migration,integration\n"
L = BASE_LINE


def section(*lines: str, offers: str = "offers.csv", evaluation: str = "partners") -> str:
    return "\n".join(
        ["partners:", f"  evaluation: {evaluation}", f"  offers: {offers}", *lines, ""]
    )


MALFORMED: list[tuple[str, str, str | None, str]] = [
    (
        "unknown key",
        section("  colour: red"),
        GOOD_OFFERS,
        f"evaluation.yaml: partners.colour (line {L + 3}): unknown key 'colour'",
    ),
    (
        "missing key",
        "partners:\n  evaluation: partners\n",
        GOOD_OFFERS,
        f"evaluation.yaml: partners (line {L + 1}): missing required key 'offers'",
    ),
    (
        "not a mapping",
        "partners: partners\n",
        GOOD_OFFERS,
        f"evaluation.yaml: partners (line {L}): expected a mapping",
    ),
    (
        "missing partner evaluation",
        section(evaluation="nowhere"),
        GOOD_OFFERS,
        f"evaluation.yaml: partners.evaluation (line {L + 1}): 'nowhere' not found next to "
        "the evaluation file",
    ),
    (
        "partner evaluation is this file",
        section(evaluation="evaluation.yaml"),
        GOOD_OFFERS,
        f"evaluation.yaml: partners.evaluation (line {L + 1}): names this evaluation file itself",
    ),
    (
        "missing offers file",
        section(offers="quotes.csv"),
        None,
        f"evaluation.yaml: partners.offers (line {L + 2}): file 'quotes.csv' not found",
    ),
    (
        "missing column",
        section(),
        "partner,product,implementation_days\ngranite,x,200\n",
        "offers.csv: missing column 'day_rate'; expected partner, product, implementation_days, "
        "day_rate[, data_migration, integration]",
    ),
    (
        "extra column",
        section(),
        "partner,product,implementation_days,day_rate,currency\ngranite,x,200,1400,EUR\n",
        "offers.csv: unknown column 'currency'",
    ),
    (
        "text for a number",
        section(),
        HEADER + 'granite,x,200,1400,,\nnordkap,x,180,"1,050",,\n',
        "offers.csv: row 3, column day_rate: '1,050' is not a number",
    ),
    (
        "currency sign",
        section(),
        HEADER + "granite,x,200,1400,EUR 30000,\n",
        "offers.csv: row 2, column data_migration: 'EUR 30000' is not a number",
    ),
    (
        "negative number",
        section(),
        HEADER + "granite,x,-200,1400,,\n",
        "offers.csv: row 2, column implementation_days: '-200' is negative",
    ),
    (
        "infinite number",
        section(),
        HEADER + "granite,x,200,1400,,inf\n",
        "offers.csv: row 2, column integration: 'inf' is not a finite number",
    ),
    (
        "empty required number",
        section(),
        HEADER + "granite,x,200,,,\n",
        "offers.csv: row 2, column day_rate: empty; give a number",
    ),
    (
        "empty partner",
        section(),
        HEADER + ",x,200,1400,,\n",
        "offers.csv: row 2, column partner: empty; name the partner",
    ),
    (
        "unknown partner",
        section(),
        HEADER + "granite,x,200,1400,,\nghost,y,100,900,,\n",
        "offers.csv: row 3, column partner: partner 'ghost' is not a vendor of the partners' "
        "evaluation; known: fernhill, granite, halyard, nordkap, sundara",
    ),
    (
        "unknown product",
        section(),
        HEADER + "granite,orbis,200,1400,,\n",
        "offers.csv: row 2, column product: product 'orbis' is not a vendor of the software "
        "evaluation; known: x, y, z",
    ),
    (
        "same pair twice",
        section(),
        HEADER + "granite,x,200,1400,,\nnordkap,y,100,900,,\ngranite,x,210,1300,,\n",
        "offers.csv: row 4: partner 'granite' already quoted for product 'x' in row 2",
    ),
    (
        "header only",
        section(),
        HEADER,
        "offers.csv: no offers: the table has no rows",
    ),
    (
        "empty file",
        section(),
        "\n",
        "offers.csv: the file is empty",
    ),
    (
        "a row with too many cells",
        section(),
        HEADER + "granite,x,200,1400,,\nnordkap,x,180,1050,,,99\n",
        "offers.csv: row 3: 7 cells, but the header has 6 columns",
    ),
    (
        "share above 1",
        section("  partner_share: 1.5"),
        GOOD_OFFERS,
        f"evaluation.yaml: partners.partner_share (line {L + 3}): 1.5 is above the maximum 1",
    ),
    (
        "negative price weight",
        section("  price_weight: -0.1"),
        GOOD_OFFERS,
        f"evaluation.yaml: partners.price_weight (line {L + 3}): -0.1 is below the minimum 0",
    ),
    (
        "share as text",
        section("  partner_share: a third"),
        GOOD_OFFERS,
        f"evaluation.yaml: partners.partner_share (line {L + 3}): expected a number, got 'a third'",
    ),
    (
        "unknown price method",
        section("  price_method: cheapest"),
        GOOD_OFFERS,
        f"evaluation.yaml: partners.price_method (line {L + 3}): unknown price_method "
        "'cheapest'; use one of lowest_ratio, linear, budget",
    ),
    (
        "budget method without budget",
        section("  price_method: budget", "  floor: 100000"),
        GOOD_OFFERS,
        f"evaluation.yaml: partners (line {L + 1}): price_method budget scores "
        "each pair's cost against a budget",
    ),
    (
        "budget below floor",
        section("  price_method: budget", "  budget: 500000", "  floor: 800000"),
        GOOD_OFFERS,
        f"evaluation.yaml: partners (line {L + 1}): budget 500000 must be above the floor 800000",
    ),
    (
        "budget with another method",
        section("  price_method: linear", "  budget: 500000"),
        GOOD_OFFERS,
        f"evaluation.yaml: partners (line {L + 1}): 'budget' is used only with "
        "price_method budget, not linear",
    ),
    (
        "ceiling without linear",
        section("  ceiling: 2000000"),
        GOOD_OFFERS,
        f"evaluation.yaml: partners (line {L + 1}): 'ceiling' is used only with "
        "price_method linear, not lowest_ratio",
    ),
]


@pytest.mark.parametrize(
    ("text", "offers", "message"),
    [pytest.param(text, offers, message, id=name) for name, text, offers, message in MALFORMED],
)
def test_malformed_partner_input_names_file_place_and_problem(
    tmp_path: Path, text: str, offers: str | None, message: str
) -> None:
    folder = partner_folder(tmp_path, text, offers)
    with pytest.raises(InputFileError) as caught:
        load_tender(folder)
    assert caught.value.headline == f"Cannot read the partners of {folder / 'evaluation.yaml'}"
    problems = [str(p) for p in caught.value.problems]
    assert any(message in p for p in problems), "\n".join(problems)
    where = f"{folder.resolve()}/offers.csv" if message.startswith("offers.csv") else None
    if where is not None:  # CSV problems name the file by its full path
        assert any(p.startswith(where) for p in problems)
    else:
        assert any(p.startswith(f"{folder / 'evaluation.yaml'}: partners") for p in problems)


def test_a_broken_partner_evaluation_is_reported_with_its_file(tmp_path: Path) -> None:
    folder = partner_folder(tmp_path)
    responses = folder / "partners" / "responses.csv"
    lines = responses.read_text(encoding="utf-8").splitlines()
    lines[4] = lines[4].replace(",out_of_box,", ",brilliant,", 1)
    assert "brilliant" in lines[4]
    responses.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        load_tender(folder)
    text = str(caught.value)
    assert f"partners.evaluation (line {L + 1}): the partners' evaluation " in text
    assert f"{responses.resolve()}: row 5: compliance 'brilliant' is not on the scale" in text


def test_every_problem_is_listed_at_once_and_no_row_is_dropped(tmp_path: Path) -> None:
    offers = (
        HEADER + "granite,x,200,1400,,\n"  # row 2: fine
        "ghost,x,abc,-5,,\n"  # row 3: unknown partner, text, negative
        "nordkap,orbis,100,900,,\n"  # row 4: unknown product
        "granite,x,200,1400,,\n"  # row 5: the pair of row 2 again
    )
    text = section("  partner_share: 2", "  price_method: cheapest", "  colour: red")
    folder = partner_folder(tmp_path, text, offers)
    with pytest.raises(InputFileError) as caught:
        load_tender(folder)
    places = sorted(p.where.rsplit("/", 1)[-1] for p in caught.value.problems)
    assert places == sorted(
        [
            f"evaluation.yaml: partners.colour (line {L + 5})",
            f"evaluation.yaml: partners.partner_share (line {L + 3})",
            f"evaluation.yaml: partners.price_method (line {L + 4})",
            "offers.csv: row 3, column partner",
            "offers.csv: row 3, column implementation_days",
            "offers.csv: row 3, column day_rate",
            "offers.csv: row 4, column product",
            "offers.csv: row 5",
        ]
    )


# --- in code ------------------------------------------------------------------------------


def test_offers_from_a_data_frame() -> None:
    frame = pd.DataFrame(
        {
            "partner": ["granite", "nordkap"],
            "product": ["orbis", "helix"],
            "implementation_days": [260, 150.5],
            "day_rate": ["1450", "1020"],
            "integration": [None, 30_000],
        }
    )
    offers = partner_offers_from_frame(frame, "quotes")
    assert offers == [
        PartnerOffer("granite", "orbis", 260, 1450),
        PartnerOffer("nordkap", "helix", 150.5, 1020, integration=30_000),
    ]
    assert [o.origin for o in offers] == ["quotes: row 2", "quotes: row 3"]
    with pytest.raises(InputFileError) as caught:
        partner_offers_from_frame(frame, partners={"granite"}, products={"orbis", "kestrel"})
    assert [str(p) for p in caught.value.problems] == [
        "row 3, column partner: partner 'nordkap' is not a vendor of the partners' "
        "evaluation; known: granite",
        "row 3, column product: product 'helix' is not a vendor of the software evaluation; "
        "known: kestrel, orbis",
    ]


def test_partner_setup_built_in_code_is_checked() -> None:
    partners = derive(load_tender(PARTNERS)).evaluation
    offer = PartnerOffer("granite", "orbis", 260, 1450)
    setup = PartnerSetup(partners, [offer], price_method=crmselect.cost.PriceMethod.LINEAR)
    assert setup.offers == (offer,)
    assert setup.price_method == "linear"
    with pytest.raises(ValidationError) as caught:
        PartnerSetup(
            partners,
            [offer, offer, PartnerOffer("ghost", "orbis", 1, 1)],
            partner_share=1.2,
            price_method="budget",
            price_options={"floor": 10.0},
        )
    problems = [str(p) for p in caught.value.problems]
    assert "partner setup: partner_share is 1.2; give a share between 0 and 1" in problems
    assert any("give 'budget'" in p for p in problems)
    assert any("partner 'granite' already quoted for product 'orbis'" in p for p in problems)
    assert any("partner 'ghost' is not a vendor of the partners' evaluation" in p for p in problems)
    with pytest.raises(ValidationError, match="no partner quoted for any product"):
        PartnerSetup(partners, [])
    with pytest.raises(TypeError):
        setup.price_options["budget"] = 1.0  # type: ignore[index]


def test_an_unknown_column_is_reported_with_the_rows_problems() -> None:
    frame = pd.DataFrame(
        {
            "partner": ["granite", ""],
            "product": ["x", "x"],
            "implementation_days": ["200", "many"],
            "day_rate": ["1400", "1200"],
            "currency": ["EUR", "EUR"],
        }
    )
    with pytest.raises(InputFileError) as caught:
        partner_offers_from_frame(frame, "offers.csv")
    assert [str(p) for p in caught.value.problems] == [
        "offers.csv: unknown column 'currency'; expected partner, product, implementation_days, "
        "day_rate[, data_migration, integration]",
        "offers.csv: row 3, column partner: empty; name the partner (a vendor id of the "
        "partners' evaluation)",
        "offers.csv: row 3, column implementation_days: 'many' is not a number; write digits "
        "with a decimal point, no thousands separator or currency (1150.50)",
    ]
