"""The parts of an untrusted workbook, streamed through expat before openpyxl parses any.

:func:`scan_part` reads one zip member in chunks and, when it is XML (by its name in any
letter case — ``.xml``, ``.rels``, ``.vml`` — or by its first bytes, whatever it is
called), feeds it to expat, the parser openpyxl itself reads with. Expat decodes the
encoding the part declares (a UTF-16 byte-order mark, ``encoding=`` in the XML
declaration), so nothing hides a declaration from the scan by encoding it, and a part
expat cannot decode is refused rather than skipped. Each part is refused (:class:`PartRefused`,
the caller names the file) when it

* declares a DTD or an entity (``<!DOCTYPE``, ``<!ENTITY``): workbooks never need them, and
  they carry entity-expansion and external-entity attacks;
* declares macros, ActiveX controls, OLE objects or external links in ``[Content_Types].xml``
  (content types compared in any letter case);
* relates to something outside the file (a relationship with ``TargetMode="External"``
  other than a web or mail hyperlink, or a UNC ``\\\\host\\share`` or ``file:`` target);
* passes what is left of the file's :class:`Budget`: uncompressed bytes, elements of the
  parts openpyxl builds objects for in full (styles, the workbook part, relationships …),
  style records and shared strings. Worksheets are parsed without element callbacks here —
  :mod:`crmselect.io.excel.sheetxml` counts their cells once their sheet names are known.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, NoReturn
from xml.parsers import expat

import attrs

CHUNK = 1 << 20
_XML_ENDINGS = (".xml", ".rels", ".vml")
_XML_STARTS = (b"<", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00<", b"\x00\x00")
STYLE_RECORDS = frozenset({"xf", "font", "fill", "border", "numFmt", "dxf", "cellStyle"})
"""The records of ``styles.xml`` that openpyxl turns into objects one by one."""
_FREE_IN_STRINGS = frozenset({"si", "t"})
_CONTENT_TYPES = (
    ("macroenabled", "macros"),
    ("vbaproject", "macros"),
    ("macrosheet", "macros (an Excel 4 macro sheet)"),
    ("activex", "ActiveX controls"),
    ("oleobject", "embedded OLE objects"),
    ("externallink", "links to other workbooks"),
)
"""Markers of a content type (lower case) that is refused, and what it is."""
_PART_NAMES = (
    ("vbaproject", "macros"),
    ("macrosheets/", "macros (an Excel 4 macro sheet)"),
    ("activex", "ActiveX controls"),
    ("/embeddings/", "embedded OLE objects or documents"),
    ("oleobject", "embedded OLE objects"),
    ("externallink", "links to other workbooks"),
)
"""Markers of a part's name (lower case) that is refused, and what it is."""
_WEB_LINKS = ("http://", "https://", "mailto:")
_FILE_TARGETS = ("\\\\", "//", "file:")


class PartRefused(Exception):
    """A part of the container is refused; ``str()`` says which and why."""


@attrs.define
class Budget:
    """What one file may still hold while its parts are scanned (from its ReadLimits)."""

    bytes_left: int
    elements_left: int
    styles_left: int
    strings_left: int


def forbidden_name(name: str) -> str | None:
    """What the part named ``name`` is when crmselect refuses it (macros, ActiveX, OLE
    objects, external links), compared in any letter case; ``None`` otherwise."""
    lowered = name.lower()
    return next((what for marker, what in _PART_NAMES if marker in lowered), None)


def scan_part(name: str, stream: IO[bytes], budget: Budget) -> None:
    """Stream the part ``name`` from ``stream``, checking it as the module says."""
    head = stream.read(CHUNK)
    if not _is_xml(name, head):
        while head:
            _spend(name, head, budget)
            head = stream.read(CHUNK)
        return
    parser = _parser(name, budget)
    chunk = head
    try:
        while chunk:
            _spend(name, chunk, budget)
            parser.Parse(chunk, False)
            chunk = stream.read(CHUNK)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise PartRefused(f"part {name!r} is not well-formed XML ({exc})") from None


def _is_xml(name: str, head: bytes) -> bool:
    return name.lower().endswith(_XML_ENDINGS) or head.lstrip().startswith(_XML_STARTS)


def _spend(name: str, chunk: bytes, budget: Budget) -> None:
    budget.bytes_left -= len(chunk)
    if budget.bytes_left < 0:
        raise PartRefused(
            f"part {name!r} takes the parts beyond the size limit (the zip directory "
            "understates them)"
        )


def _parser(name: str, budget: Budget) -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = _no_dtd(name)
    parser.EntityDeclHandler = _no_dtd(name)
    parser.ExternalEntityRefHandler = _no_dtd(name)
    lowered = name.lower()
    if lowered.startswith("xl/worksheets/") and lowered.endswith(".xml"):
        return parser  # counted by sheetxml, once the sheet names are known
    count = _counter(name, budget, strings=lowered == "xl/sharedstrings.xml")
    check: Callable[[str, dict[str, str]], None] | None = None
    if lowered == "[content_types].xml":
        check = _content_type(name)
    elif lowered.endswith(".rels"):
        check = _relationship(name)

    def start(element: str, attributes: dict[str, str]) -> None:
        count(element)
        if check is not None:
            check(element, attributes)

    parser.StartElementHandler = start
    return parser


def _no_dtd(name: str) -> Callable[..., NoReturn]:
    def refuse(*_: object) -> NoReturn:
        raise PartRefused(
            f"part {name!r} declares a DTD or entities; workbooks never need them and they "
            "are a known attack"
        )

    return refuse


def _counter(name: str, budget: Budget, *, strings: bool) -> Callable[[str], None]:
    def count(element: str) -> None:
        local = element.rpartition(" ")[2]
        if strings and local in _FREE_IN_STRINGS:
            if local == "si":
                budget.strings_left -= 1
                if budget.strings_left < 0:
                    raise PartRefused(f"part {name!r} holds more shared strings than the limit")
            return
        budget.elements_left -= 1
        if budget.elements_left < 0:
            raise PartRefused(
                f"part {name!r} takes the XML elements beyond the limit (styles, names, "
                "relationships … that are read in full)"
            )
        if local in STYLE_RECORDS:
            budget.styles_left -= 1
            if budget.styles_left < 0:
                raise PartRefused(
                    f"part {name!r} takes the style records (cell formats, fonts, fills, "
                    "borders, number formats) beyond the limit"
                )

    return count


def _content_type(name: str) -> Callable[[str, dict[str, str]], None]:
    def check(element: str, attributes: dict[str, str]) -> None:
        declared = attributes.get("ContentType", "").lower()
        for marker, what in _CONTENT_TYPES:
            if marker in declared:
                raise PartRefused(
                    f"the workbook contains {what} ({name} declares "
                    f"{attributes.get('ContentType')!r}); save it as a plain Excel Workbook "
                    "(.xlsx) without them"
                )

    return check


def _relationship(name: str) -> Callable[[str, dict[str, str]], None]:
    def check(element: str, attributes: dict[str, str]) -> None:
        if element.rpartition(" ")[2] != "Relationship":
            return
        target = attributes.get("Target", "")
        kind = attributes.get("Type", "").rpartition("/")[2]
        lowered = target.strip().lower()
        external = attributes.get("TargetMode", "").strip().lower() == "external"
        web = kind.lower() == "hyperlink" and lowered.startswith(_WEB_LINKS)
        if lowered.startswith(_FILE_TARGETS) or (external and not web):
            raise PartRefused(
                f"part {name!r} links to {target[:200]!r} outside the workbook ({kind or 'a'} "
                "relationship); remove the link (Data ▸ Edit Links ▸ Break Link) and send "
                "it again"
            )
        for marker, what in _CONTENT_TYPES:
            if marker in kind.lower():
                raise PartRefused(f"the workbook contains {what} ({name} relates to {target!r})")

    return check
