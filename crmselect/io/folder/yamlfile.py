"""Read YAML safely and remember where every value came from.

:func:`parse_yaml` reads the document with PyYAML's *safe* loader (no Python objects, no
code) and keeps, for each value, its key path and line, so errors can say
``evaluation.yaml: vendors[2].deployment (line 31)``. The tree is composed here, from the
parser's events and without recursion, so that hostile input is refused with its place
instead of a traceback. Every problem in the file is reported at once:

* duplicate keys (PyYAML would silently keep the last one), and anchors/aliases (they let a
  small hostile file expand to gigabytes);
* a value its tag cannot make: an impossible date (``2026-02-30``), ``!!float abc``, a number
  of more digits than Python converts (4,300), an unknown tag (``!foo``), a collection tag
  on a plain value (``!!map x``);
* a mapping or a list used as a key.

Some problems stop the reading at once, each still naming the line: a syntax error,
characters YAML does not allow (a NUL byte, other control characters), text that is not
UTF-8, nesting deeper than :data:`MAX_DEPTH` levels, a second document in the stream, and a
file larger than :data:`MAX_BYTES`.

The parser is libyaml's (``yaml.CSafeLoader``) when PyYAML was built with it — some twenty
times faster — and PyYAML's own otherwise; both give the same tree, the same lines and the
same messages: a file libyaml cannot parse is parsed again with PyYAML, whose message is
the one reported.

:class:`Reader` pulls typed values out of the parsed tree and *collects* problems (unknown
keys, missing keys, wrong types) instead of stopping at the first.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, overload

import attrs
import yaml

from crmselect.errors import CrmselectError, InputFileError, Problem

T = TypeVar("T")

MiB = 1 << 20
MAX_BYTES = 2 * MiB
"""The largest YAML file read: 2 MiB, some 190 times the bundled example's evaluation.yaml
and room for about 8,000 requirements written out (the bundled 224-requirement catalogue
takes 51 KiB). Parsing is linear in the size; the pure-Python parser that words a syntax
error's message is the slow part, so the bound is also the bound on the time a hostile file
takes: a 2 MiB list of requirements parses in 0.8 s here, with a syntax error at its end in
6.6 s (a denser 8 MiB file took four minutes)."""
MAX_DEPTH = 64
"""The deepest nesting of mappings and lists read; an evaluation file needs about eight."""

Loader = type[yaml.SafeLoader] | type[yaml.CSafeLoader]
FAST_LOADER: Loader | None = yaml.CSafeLoader if yaml.__with_libyaml__ else None
"""libyaml's safe loader when PyYAML has it (``None`` otherwise): used first."""

_SCALARS = (str, int, float, bool, type(None), datetime.date, bytes)
_STR = "tag:yaml.org,2002:str"
_CONSTRUCT_STR = yaml.constructor.SafeConstructor.construct_yaml_str
_SHOWN = 40


@attrs.frozen
class YNode:
    """A parsed YAML value with its place: ``path`` (``vendors[2].id``) and 1-based ``line``.

    ``value`` is a ``dict[str, YNode]``, a ``list[YNode]``, or a scalar; ``raw`` is the
    scalar exactly as written (so ``001`` or ``no`` stay text when text is wanted).
    """

    value: Any
    file: str
    path: str
    line: int
    raw: str | None = None

    @property
    def where(self) -> str:
        place = self.path or "(top level)"
        return f"{self.file}: {place} (line {self.line})"


def parse_yaml(text: str, file: str, loader: Loader | None = None) -> YNode:
    """Parse one YAML document into :class:`YNode` objects; raise :class:`InputFileError`
    listing every problem (see the module docstring).

    ``loader`` is the parser to use; by default :data:`FAST_LOADER`, falling back to PyYAML's
    ``SafeLoader`` for a syntax error's message, and when libyaml is missing.
    """
    if len(text) > MAX_BYTES:
        raise _too_large(file, text[:MAX_BYTES].count("\n") + 1)
    if loader is None and FAST_LOADER is not None:
        try:
            return _Composer(text, file, FAST_LOADER).compose()
        except yaml.YAMLError:
            pass  # read again below, for PyYAML's message (libyaml's differs)
    try:
        return _Composer(text, file, loader or yaml.SafeLoader).compose()
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, text, file) from None


class _Syntax(yaml.YAMLError):
    """A parser error, with the key path of the collection it happened in."""

    def __init__(self, error: yaml.YAMLError, path: str) -> None:
        super().__init__(str(error))
        self.error = error
        self.path = path


def _syntax_error(exc: yaml.YAMLError, text: str, file: str) -> InputFileError:
    """The parser's error as an :class:`InputFileError` naming the line (and the key path
    of the mapping or list it happened in)."""
    error, path = (exc.error, exc.path) if isinstance(exc, _Syntax) else (exc, "")
    place = f"{file}: {path}" if path else file
    if isinstance(error, yaml.reader.ReaderError):
        line, column = _line_column(text, error.position)
        code = error.character if isinstance(error.character, int) else ord(str(error.character))
        what = (
            f"character U+{code:04X} is not allowed in YAML (no NUL bytes or other control "
            "characters); remove it — or the file is not text at all"
        )
        return InputFileError(
            f"{file} is not valid YAML", [Problem(f"{place} (line {line}, column {column})", what)]
        )
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    where = f"{place} (line {mark.line + 1}, column {mark.column + 1})" if mark else place
    problem = getattr(error, "problem", None) or str(error)
    return InputFileError(f"{file} is not valid YAML", [Problem(where, str(problem))])


def _line_column(text: str, position: int) -> tuple[int, int]:
    """1-based line and column of ``text[position]``."""
    return text.count("\n", 0, position) + 1, position - (text.rfind("\n", 0, position) + 1) + 1


def _too_large(file: str, line: int) -> InputFileError:
    return InputFileError(
        f"{file} is too large",
        [
            Problem(
                f"{file} (line {line})",
                f"the file passes the limit of {MAX_BYTES // MiB} MiB here; an evaluation file "
                "is a few dozen KiB — keep tables in CSV files beside it",
            )
        ],
    )


def _line(event: yaml.Event) -> int:
    """The 1-based line an event starts on."""
    return event.start_mark.line + 1 if event.start_mark is not None else 1


def _where(file: str, path: str, line: int) -> str:
    return f"{file}: {path or '(top level)'} (line {line})"


@attrs.define
class _Open:
    """A mapping or list being composed; ``key`` is the mapping's key awaiting its value,
    ``drop`` says that value is not kept (a repeated or refused key)."""

    path: str
    line: int
    items: dict[str, YNode] | list[YNode]
    key: str | None = None
    drop: bool = False
    is_key: bool = False


class _Composer:
    """Builds the :class:`YNode` tree from the parser's events, with an explicit stack (no
    recursion, whatever the nesting), collecting the problems of the content."""

    def __init__(self, text: str, file: str, loader: Loader) -> None:
        self.file = file
        self.stack: list[_Open] = []
        self.root: YNode | None = None
        self.problems: list[Problem] = []
        self.loader: Any = loader(text)  # the stubs do not type resolve()
        self.text_as_written = loader.yaml_constructors.get(_STR) is _CONSTRUCT_STR
        """Whether a ``!!str`` scalar is its text as written, as the safe loaders make it
        (:meth:`_construct` then skips the constructor's bookkeeping per scalar)."""

    def compose(self) -> YNode:
        try:
            self._events()
        finally:
            self.loader.dispose()
        if self.problems:
            raise InputFileError(f"Cannot read {self.file}", self.problems)
        if self.root is None:
            raise InputFileError(
                f"{self.file} is empty",
                [Problem(f"{self.file} (line 1)", "the file is empty (or holds only comments)")],
            )
        return self.root

    def _events(self) -> None:
        documents = 0
        while True:
            try:
                event = self.loader.get_event()
            except yaml.YAMLError as exc:
                raise _Syntax(exc, self.stack[-1].path if self.stack else "") from None
            if event is None or isinstance(event, yaml.StreamEndEvent):
                return
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    self.problems.append(
                        Problem(
                            f"{self.file} (line {_line(event)})",
                            "a second YAML document ('---') begins here; keep one document "
                            "per file",
                        )
                    )
                    return
            elif isinstance(event, yaml.CollectionStartEvent):
                self._open(event)
            elif isinstance(event, yaml.CollectionEndEvent):
                self._close()
            elif isinstance(event, yaml.ScalarEvent):
                self._scalar(event)
            elif isinstance(event, yaml.AliasEvent):
                line = _line(event)
                self.problems.append(
                    Problem(
                        _where(self.file, self._child_path(), line),
                        "anchors and aliases (&, *) are not allowed",
                    )
                )
                self._attach(YNode(None, self.file, self._child_path(), line))

    def _expects_key(self) -> bool:
        top = self.stack[-1] if self.stack else None
        return top is not None and isinstance(top.items, dict) and top.key is None and not top.drop

    def _child_path(self) -> str:
        if not self.stack:
            return ""
        top = self.stack[-1]
        if isinstance(top.items, list):
            return f"{top.path}[{len(top.items)}]"
        if top.key is None:
            return top.path
        return f"{top.path}.{top.key}" if top.path else top.key

    def _open(self, event: yaml.CollectionStartEvent) -> None:
        line = _line(event)
        path = self._child_path()
        if len(self.stack) >= MAX_DEPTH:
            raise InputFileError(
                f"{self.file} is nested too deeply",
                [
                    Problem(
                        _where(self.file, shorten(path), line),
                        f"mappings and lists are nested more than {MAX_DEPTH} levels deep here; "
                        "an evaluation file needs fewer than ten",
                    )
                ],
            )
        is_key = self._expects_key()
        if is_key:
            self.problems.append(
                Problem(_where(self.file, path, line), "a key must be plain text, not a collection")
            )
        items: dict[str, YNode] | list[YNode] = (
            {} if isinstance(event, yaml.MappingStartEvent) else []
        )
        self.stack.append(_Open(path, line, items, is_key=is_key))

    def _close(self) -> None:
        done = self.stack.pop()
        if done.is_key:  # refused above: its value is read and dropped
            self.stack[-1].drop = True
            return
        self._attach(YNode(done.items, self.file, done.path, done.line))

    def _attach(self, node: YNode) -> None:
        if not self.stack:
            self.root = node
            return
        top = self.stack[-1]
        if isinstance(top.items, list):
            top.items.append(node)
            return
        if not top.drop and top.key is not None:
            top.items[top.key] = node
        top.key, top.drop = None, False

    def _scalar(self, event: yaml.ScalarEvent) -> None:
        line = _line(event)
        if self._expects_key():
            top = self.stack[-1]
            key = str(event.value)
            if key in top.items:
                child = f"{top.path}.{key}" if top.path else key
                self.problems.append(
                    Problem(
                        _where(self.file, child, line),
                        f"key {shorten(key)!r} appears twice in the same mapping; keep one",
                    )
                )
                top.drop = True
            top.key = key
            return
        path = self._child_path()
        value, problem = self._construct(event)
        if problem:
            self.problems.append(Problem(_where(self.file, path, line), problem))
        self._attach(YNode(value, self.file, path, line, raw=str(event.value)))

    def _construct(self, event: yaml.ScalarEvent) -> tuple[Any, str]:
        """The scalar's value as the safe loader makes it, or why it cannot be made."""
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag == _STR and self.text_as_written:
            return event.value, ""
        mark: Any = event.start_mark
        node = yaml.ScalarNode(tag, event.value, mark, mark, event.style)
        try:
            value = self.loader.construct_object(node)
        except yaml.YAMLError as exc:
            return None, f"{getattr(exc, 'problem', None) or exc}; remove the tag"
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as exc:
            return None, _unmade(tag, str(event.value), exc)
        if not isinstance(value, _SCALARS):
            short = tag.replace("tag:yaml.org,2002:", "!!")
            return None, f"the tag {short} needs a mapping or a list, not a plain value; remove it"
        return value, ""


def _unmade(tag: str, raw: str, exc: Exception) -> str:
    """What to fix in a scalar whose tag cannot make a value of it."""
    short = tag.replace("tag:yaml.org,2002:", "!!")
    if tag.endswith(":int") and "digits" in str(exc):
        return (
            f"a number of {len(raw):,} characters is longer than can be read (4,300 digits); "
            "shorten it, or quote it to keep it as text"
        )
    if tag.endswith(":timestamp"):
        reason = f" ({exc})" if isinstance(exc, ValueError) else ""
        return (
            f"{shorten(raw)!r} is not a valid date{reason}; write an existing date as "
            "YYYY-MM-DD, or quote it to keep it as text"
        )
    return f"{shorten(raw)!r} is not a valid {short} value; correct it, or remove the tag {short}"


def shorten(text: str) -> str:
    """``text`` cut to a length fit for a message (a file name read from YAML may be huge)."""
    return text if len(text) <= _SHOWN else f"{text[:_SHOWN]}… ({len(text):,} characters)"


def is_file(path: Path) -> bool:
    """``path.is_file()``, but ``False`` instead of an error for a name the system refuses
    (longer than it allows, say): a file name read from YAML is untrusted text."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def is_dir(path: Path) -> bool:
    """``path.is_dir()``, but ``False`` instead of an error (see :func:`is_file`)."""
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False


def read_yaml(path: Path) -> YNode:
    """Read and parse a UTF-8 YAML file of at most :data:`MAX_BYTES`; errors name the file
    and the line."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise InputFileError(f"{path} not found", [Problem(str(path), "file not found")]) from None
    except OSError as exc:
        raise InputFileError(
            f"{path} cannot be read", [Problem(str(path), str(exc.strerror or exc))]
        ) from None
    if len(data) > MAX_BYTES:
        raise _too_large(str(path), data[:MAX_BYTES].count(b"\n") + 1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputFileError(
            f"{path} cannot be read",
            [
                Problem(
                    f"{path} (line {line}, column {column})",
                    f"byte 0x{data[exc.start]:02x} is not UTF-8 text ({exc.reason}); save the "
                    "file as UTF-8",
                )
            ],
        ) from None
    return parse_yaml(text, str(path))


class Reader:
    """Typed access to a :class:`YNode` tree that collects problems rather than raising."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, node: YNode, what: str) -> None:
        self.problems.append(Problem(node.where, what))

    def mapping(
        self, node: YNode, required: tuple[str, ...] = (), optional: tuple[str, ...] = ()
    ) -> dict[str, YNode] | None:
        """The keys of a mapping node; reports missing required keys and unknown keys."""
        if not isinstance(node.value, dict):
            self.fail(node, f"expected a mapping (key: value lines), got {_kind(node.value)}")
            return None
        for key in required:
            if key not in node.value:
                self.fail(node, f"missing required key {key!r}")
        allowed = set(required) | set(optional)
        for key, child in node.value.items():
            if key not in allowed:
                self.fail(child, f"unknown key {key!r}; allowed here: {', '.join(sorted(allowed))}")
        return {k: v for k, v in node.value.items() if k in allowed}

    def top(
        self,
        node: YNode,
        headline: str,
        required: tuple[str, ...] = (),
        optional: tuple[str, ...] = (),
    ) -> dict[str, YNode]:
        """The top-level mapping of a file; raises at once when the file is not a mapping."""
        fields = self.mapping(node, required, optional)
        if fields is None:
            raise InputFileError(headline, self.problems)
        return fields

    def sequence(self, node: YNode | None) -> list[YNode]:
        """A list node's items (``[]`` when absent or null)."""
        if node is None or node.value is None:
            return []
        if not isinstance(node.value, list):
            self.fail(node, f"expected a list, got {_kind(node.value)}")
            return []
        return list(node.value)

    def text(self, node: YNode | None, default: str = "") -> str:
        """A scalar as the text that was written (numbers and booleans keep their spelling)."""
        if node is None or node.value is None:
            return default
        if isinstance(node.value, dict | list):
            self.fail(node, f"expected text, got {_kind(node.value)}")
            return default
        return str(node.value) if isinstance(node.value, str) else str(node.raw)

    def texts(self, node: YNode | None) -> list[str]:
        """A list of text values; a single scalar counts as a one-item list."""
        if node is None or node.value is None:
            return []
        if isinstance(node.value, list):
            return [self.text(item) for item in node.value]
        return [self.text(node)]

    @overload
    def number(
        self,
        node: YNode | None,
        default: float,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
    ) -> float: ...

    @overload
    def number(
        self,
        node: YNode | None,
        default: None = None,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
    ) -> float | None: ...

    def number(
        self,
        node: YNode | None,
        default: float | None = None,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
    ) -> float | None:
        """A finite number, optionally bounded; reports text, booleans and NaN."""
        if node is None or node.value is None:
            return default
        value = _finite(node.value)
        if value is None:
            self.fail(node, _not_a_number(node))
            return default
        if minimum is not None and value < minimum:
            self.fail(node, f"{value:g} is below the minimum {minimum:g}")
        if maximum is not None and value > maximum:
            self.fail(node, f"{value:g} is above the maximum {maximum:g}")
        return float(value)

    def flag(self, node: YNode | None, default: bool = False) -> bool:
        """A yes/no value written as ``true``/``false``."""
        if node is None or node.value is None:
            return default
        if not isinstance(node.value, bool):
            self.fail(node, f"expected true or false, got {shorten(str(node.raw))!r}")
            return default
        return node.value

    def build(self, node: YNode, make: Callable[[], T]) -> T | None:
        """Construct a model object; its validation errors become problems at ``node``."""
        try:
            return make()
        except CrmselectError as exc:
            self.problems += [
                Problem(
                    f"{node.where} — {p.where}"
                    if p.where and p.where not in node.where
                    else node.where,
                    p.what,
                )
                for p in getattr(exc, "problems", ())
            ]
            return None
        except (ValueError, TypeError) as exc:
            self.fail(node, str(exc))
            return None

    def raise_if_problems(self, headline: str) -> None:
        if self.problems:
            raise InputFileError(headline, self.problems)


def _finite(value: Any) -> float | None:
    """``value`` as a finite float; ``None`` for text, booleans, NaN, infinities and integers
    beyond the range of a float (a 401-digit number)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


_EXPONENT_TEXT = re.compile(r"[-+]?[0-9]+[eE][-+]?[0-9]+")


def _not_a_number(node: YNode) -> str:
    """What to fix about a value :meth:`Reader.number` cannot use."""
    value = node.value
    said = f"expected a number, got {shorten(str(node.raw))!r}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{said}, too large to compute with; give a realistic amount"
    if isinstance(value, str) and _EXPONENT_TEXT.fullmatch(value.strip()):
        mantissa, exponent = value.strip().lower().split("e")
        return (
            f"{said}, which YAML reads as text; write it with a decimal point "
            f"({mantissa}.0e{exponent}) or in full"
        )
    return said


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{value!r}"
