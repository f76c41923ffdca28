"""The ``partners:`` section of ``evaluation.yaml`` → a :class:`PartnerSetup`: the
implementation partners' own evaluation and their quotes, ready for
:func:`crmselect.cost.rank_pairs`.

The partners are evaluated like vendors, in a folder of their own beside the software
evaluation — its "vendors" are the consultancies, scored on the bundled ``partner``
catalogue (``crmselect catalogs partner``) — and one table says which partner quotes to
implement which product::

    my-tender/
      evaluation.yaml        the software evaluation, with the partners: section below
      responses.csv          the software vendors' answers
      partner_offers.csv     partner, product, implementation_days, day_rate[,
                             data_migration, integration] — one row per quote
      partners/
        evaluation.yaml      catalog: partner; vendors: the partners
        responses.csv        the partners' answers to the partner questionnaire

The section in the software evaluation's ``evaluation.yaml``::

    partners:
      evaluation: partners          # folder (or its evaluation.yaml), relative to this file
      offers: partner_offers.csv    # relative to this file
      partner_share: 0.3            # optional: the partner's share of a pair's quality, [0, 1]
      price_weight: 0.0             # optional: the price score's share of a pair's total, [0, 1]
      price_method: lowest_ratio    # optional: lowest_ratio | linear | budget
      budget: 900000                # for price_method budget (with an optional floor:)
      # ceiling: 1200000            # for price_method linear (default: the dearest pair)

In ``partner_offers.csv`` each ``product`` is a software vendor's id and each ``partner`` a
vendor id of the partners' evaluation; ``implementation_days`` and ``day_rate`` are
required, ``data_migration`` and ``integration`` are fixed prices (an empty cell is 0: not
quoted separately). Numbers are written plainly (``1150`` or ``1150.50``, no thousands
separator or currency sign). A partner quotes at most once for each product.

How a pair is scored — quality ``(1 − partner_share)·software + partner_share·partner``,
the software's TCO with the partner's quote in place of the vendor's own services, and the
price score — is :mod:`crmselect.cost.partners`. Every error names the file and the place
(``evaluation.yaml: partners.price_weight (line 52)``, ``partner_offers.csv: row 4, column
day_rate``), and every problem is listed at once; no row is ever dropped.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection
from pathlib import Path

import pandas as pd

from crmselect.cost.partners import PRICE_OPTIONS, PartnerOffer, PartnerSetup, unknown_vendor
from crmselect.errors import CrmselectError, InputFileError, Problem
from crmselect.io.folder.evaluation import FILE_NAME
from crmselect.io.folder.tables import EmptyCsvError, read_csv
from crmselect.io.folder.yamlfile import Reader, YNode, is_dir, is_file
from crmselect.model import Evaluation, PriceMethod

__all__ = [
    "OFFER_COLUMNS",
    "PartnerSetup",
    "partner_offers_from_frame",
    "read_partners",
]

OFFER_COLUMNS = (
    "partner",
    "product",
    "implementation_days",
    "day_rate",
    "data_migration",
    "integration",
)
_REQUIRED_COLUMNS = OFFER_COLUMNS[:4]
_NUMBERS = OFFER_COLUMNS[2:]
_COLUMNS_TEXT = "partner, product, implementation_days, day_rate[, data_migration, integration]"
_OPTIONAL = ("partner_share", "price_weight", "price_method", *PRICE_OPTIONS)
_METHODS = tuple(m.value for m in PriceMethod)


def _text(value: object) -> str:
    """A cell as stripped text; empty for None/NaN."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _number(text: str) -> tuple[float, str]:
    """A cell's number, or a description of why it is not one."""
    plain = "write digits with a decimal point, no thousands separator or currency (1150.50)"
    try:
        value = float(text)
    except ValueError:
        return math.nan, f"{text!r} is not a number; {plain}"
    if not math.isfinite(value):
        return math.nan, f"{text!r} is not a finite number"
    if value < 0:
        return math.nan, f"{text!r} is negative; give a number of at least 0"
    return value, ""


def _column_problems(columns: list[str], label: str) -> tuple[list[Problem], bool]:
    """The problems of the header, and whether they stop the reading of the rows (a missing
    or repeated column does; an unknown one is reported with the rows' problems)."""
    missing = [
        Problem(label, f"missing column {c!r}; expected {_COLUMNS_TEXT}")
        for c in _REQUIRED_COLUMNS
        if c not in columns
    ]
    unknown = [
        Problem(label, f"unknown column {c!r}; expected {_COLUMNS_TEXT}")
        for c in columns
        if c not in OFFER_COLUMNS
    ]
    twice = (
        [Problem(label, "a column name appears twice; keep one")]
        if len(set(columns)) < len(columns)
        else []
    )
    return missing + unknown + twice, bool(missing or twice)


def _amounts(row: dict[str, str], where: str) -> tuple[dict[str, float], list[Problem]]:
    """A row's numbers (an empty optional cell is 0) and the problems of its number cells."""
    amounts: dict[str, float] = {}
    problems: list[Problem] = []
    for column in _NUMBERS:
        if not row[column]:
            if column in _REQUIRED_COLUMNS:
                problems.append(
                    Problem(f"{where}, column {column}", "empty; give a number of at least 0")
                )
            amounts[column] = 0.0
            continue
        amounts[column], what = _number(row[column])
        if what:
            problems.append(Problem(f"{where}, column {column}", what))
    return amounts, problems


def _name_problems(
    row: dict[str, str],
    where: str,
    partners: Collection[str] | None,
    products: Collection[str] | None,
) -> list[Problem]:
    """A row's empty or unknown partner and product."""
    problems: list[Problem] = []
    for key, what, known in (
        ("partner", "name the partner (a vendor id of the partners' evaluation)", partners),
        ("product", "name the product (a vendor id of the software evaluation)", products),
    ):
        if not row[key]:
            problems.append(Problem(f"{where}, column {key}", f"empty; {what}"))
        elif known is not None and row[key] not in known:
            problems.append(Problem(f"{where}, column {key}", unknown_vendor(key, row[key], known)))
    return problems


def _offers_from_frame(
    frame: pd.DataFrame,
    source: str,
    partners: Collection[str] | None,
    products: Collection[str] | None,
) -> tuple[list[PartnerOffer], list[Problem]]:
    """Every row's offer and every problem (a row with a problem yields no offer, but its
    partner, product and pair are still checked)."""
    label = source or "table"
    columns = [str(c).strip() for c in frame.columns]
    found, stop = _column_problems(columns, label)
    if stop:
        return [], found
    if frame.empty:
        return [], [
            *found,
            Problem(label, f"no offers: the table has no rows; give {_COLUMNS_TEXT}"),
        ]
    frame = frame.set_axis(columns, axis=1)
    offers: list[PartnerOffer] = []
    first: dict[tuple[str, str], int] = {}
    for number, values in enumerate(frame.to_dict("records"), start=2):
        where = f"{source}: row {number}" if source else f"row {number}"
        row = {c: _text(values.get(c)) for c in OFFER_COLUMNS}
        amounts, problems = _amounts(row, where)
        problems = _name_problems(row, where, partners, products) + problems
        problems += _repeated_quote(row, number, where, first)
        if problems:
            found += problems
            continue
        offer, problems = _built_offer(row, amounts, where)
        offers += offer
        found += problems
    return offers, found


def _repeated_quote(
    row: dict[str, str], number: int, where: str, first: dict[tuple[str, str], int]
) -> list[Problem]:
    """A second quote of the row's partner for its product; ``first`` records the row
    ``number`` of each pair's first quote (rows without both names are not checked)."""
    partner, product = row["partner"], row["product"]
    if not (partner and product):
        return []
    if (partner, product) in first:
        return [
            Problem(
                where,
                f"partner {partner!r} already quoted for product {product!r} in row "
                f"{first[(partner, product)]}; keep one quote per partner and product",
            )
        ]
    first[(partner, product)] = number
    return []


def _built_offer(
    row: dict[str, str], amounts: dict[str, float], where: str
) -> tuple[list[PartnerOffer], list[Problem]]:
    """The row's offer, or the problems its construction reports at ``where``."""
    try:
        offer = PartnerOffer(
            row["partner"],
            row["product"],
            amounts["implementation_days"],
            amounts["day_rate"],
            amounts["data_migration"],
            amounts["integration"],
            origin=where,
        )
    except CrmselectError as exc:  # pragma: no cover - the checks above come first
        return [], [Problem(where, p.what) for p in getattr(exc, "problems", ())] or [
            Problem(where, str(exc))
        ]
    return [offer], []


def partner_offers_from_frame(
    frame: pd.DataFrame,
    source: str = "",
    *,
    partners: Collection[str] | None = None,
    products: Collection[str] | None = None,
) -> list[PartnerOffer]:
    """Partner offers from a table with columns partner, product, implementation_days,
    day_rate[, data_migration, integration] — one row per quote, read as in
    ``partner_offers.csv`` (module docstring).

    ``source`` names the table in errors and origins (``partner_offers.csv: row 3``; the
    header is row 1). ``partners`` and ``products``, when given, are the ids a row may
    name (the partners' and the software evaluation's ``vendor_ids``). Raises
    :class:`~crmselect.errors.InputFileError` listing every problem with its row and column.
    """
    offers, found = _offers_from_frame(frame, source, partners, products)
    if found:
        raise InputFileError(f"Cannot read {source or 'the partner offers'}", found)
    return offers


def read_partners(
    root: YNode, file: Path, software: Evaluation, load: Callable[[Path], Evaluation]
) -> PartnerSetup | None:
    """The partner setup of the evaluation file ``file`` (parsed as ``root``), or ``None``
    when it has no ``partners:`` section.

    ``software`` is the folder's own (software) evaluation: each offer's ``product`` must be
    one of its vendors; ``load`` reads the partners' own evaluation from its file. Raises
    :class:`~crmselect.errors.InputFileError` listing every problem in the section, the
    partners' evaluation and the offers table.
    """
    node = root.value.get("partners") if isinstance(root.value, dict) else None
    if node is None:
        return None
    reader = Reader()
    setup = _setup(reader, node, file, software, load)
    reader.raise_if_problems(f"Cannot read the partners of {file}")
    if setup is None:  # pragma: no cover - a None setup always comes with problems
        raise CrmselectError(f"Cannot read the partners of {file}")
    return setup


def _setup(
    reader: Reader,
    node: YNode,
    file: Path,
    software: Evaluation,
    load: Callable[[Path], Evaluation],
) -> PartnerSetup | None:
    f = reader.mapping(node, required=("evaluation", "offers"), optional=_OPTIONAL)
    if f is None:
        return None
    partners = _partner_evaluation(reader, f.get("evaluation"), file, load)
    offers = _offers(reader, f.get("offers"), file, partners, software)
    partner_share = reader.number(f.get("partner_share"), 0.3, minimum=0, maximum=1)
    price_weight = reader.number(f.get("price_weight"), 0.0, minimum=0, maximum=1)
    method = _price_method(reader, f)
    options = {
        key: value
        for key in PRICE_OPTIONS
        if (value := reader.number(f.get(key), minimum=0)) is not None
    }
    if partners is None or offers is None or reader.problems:
        return None
    return reader.build(
        node,
        lambda: PartnerSetup(
            partners,
            offers,
            partner_share,
            price_weight,
            method,
            options,
            origin=node.where,
        ),
    )


def _price_method(reader: Reader, f: dict[str, YNode]) -> str:
    """The price method's canonical name (``Lowest ratio`` → ``lowest_ratio``)."""
    node = f.get("price_method")
    if node is None:
        return PriceMethod.LOWEST_RATIO.value
    method = reader.text(node)
    try:
        return PriceMethod.parse(method).value
    except ValueError:
        reader.fail(node, f"unknown price_method {method!r}; use one of {', '.join(_METHODS)}")
        return method


def _partner_evaluation(
    reader: Reader, node: YNode | None, file: Path, load: Callable[[Path], Evaluation]
) -> Evaluation | None:
    """The partners' evaluation named at ``node``; its problems join the reader's, each
    naming the partners' file."""
    if node is None:
        return None
    name = reader.text(node)
    if not name:
        reader.fail(node, "expected the folder (or evaluation.yaml) of the partners' evaluation")
        return None
    target = (file.parent / name).resolve()
    partner_file = target / FILE_NAME if is_dir(target) else target
    if not is_file(partner_file):
        missing = f"{name!r} has no {FILE_NAME}" if is_dir(target) else f"{name!r} not found"
        reader.fail(
            node,
            f"{missing} next to the evaluation file; give the folder of the partners' "
            f"evaluation (or its {FILE_NAME})",
        )
        return None
    if partner_file == file.resolve():
        reader.fail(
            node,
            "names this evaluation file itself; the partners need an evaluation of their own "
            "(catalog: partner, the partners as vendors)",
        )
        return None
    try:
        return load(partner_file)
    except CrmselectError as exc:
        reader.fail(node, f"the partners' evaluation {partner_file} has problems (listed here)")
        inside = str(partner_file.parent)
        found: tuple[Problem, ...] = getattr(exc, "problems", ())
        reader.problems += [
            p if inside in p.where else Problem(_joined(str(partner_file), p.where), p.what)
            for p in found
        ] or [Problem(str(partner_file), str(exc))]
        return None


def _joined(file: str, where: str) -> str:
    return f"{file}: {where}" if where else file


def _offers(
    reader: Reader,
    node: YNode | None,
    file: Path,
    partners: Evaluation | None,
    software: Evaluation,
) -> list[PartnerOffer] | None:
    """The offers table named at ``node``; every problem joins the reader's."""
    if node is None:
        return None
    name = reader.text(node)
    if not name:
        reader.fail(node, f"expected a file name (a CSV table: {_COLUMNS_TEXT})")
        return None
    csv = (file.parent / name).resolve()
    if not is_file(csv):
        reader.fail(node, f"file {name!r} not found next to the evaluation file")
        return None
    try:
        frame = read_csv(csv)
    except EmptyCsvError:
        reader.problems.append(
            Problem(
                str(csv),
                f"the file is empty; give the header {_COLUMNS_TEXT} and one row per quote",
            )
        )
        return None
    except InputFileError as exc:
        reader.problems += exc.problems
        return None
    offers, found = _offers_from_frame(
        frame,
        str(csv),
        set(partners.vendor_ids) if partners is not None else None,
        set(software.vendor_ids),
    )
    reader.problems += found
    return offers if not found else None
