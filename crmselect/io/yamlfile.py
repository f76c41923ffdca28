"""Read YAML safely and remember where every value came from.

:func:`parse_yaml` composes the document with PyYAML's *safe* loader (no Python objects,
no code) and keeps, for each value, its key path and line, so errors can say
``evaluation.yaml: vendors[2].deployment (line 31)``. Duplicate keys and anchors/aliases are
refused — PyYAML would silently keep the last duplicate, and aliases let a small hostile
file expand to gigabytes.

:class:`Reader` pulls typed values out of the parsed tree and *collects* problems (unknown
keys, missing keys, wrong types) instead of stopping at the first.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, overload

import attrs
import yaml

from crmselect.errors import CrmselectError, InputFileError, Problem

T = TypeVar("T")


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


def parse_yaml(text: str, file: str) -> YNode:
    """Parse one YAML document into :class:`YNode` objects; raise :class:`InputFileError`."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            raise InputFileError(f"{file} is empty", [Problem(file, "the file is empty")])
        return _convert(root, loader, file, "", set())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{file} (line {mark.line + 1}, column {mark.column + 1})" if mark else file
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputFileError(f"{file} is not valid YAML", [Problem(where, str(problem))]) from None
    finally:
        loader.dispose()


def _convert(
    node: yaml.Node, loader: yaml.SafeLoader, file: str, path: str, seen: set[int]
) -> YNode:
    line = node.start_mark.line + 1
    if id(node) in seen:
        raise InputFileError(
            f"{file} uses YAML aliases",
            [
                Problem(
                    f"{file}: {path} (line {line})", "anchors and aliases (&, *) are not allowed"
                )
            ],
        )
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        items: dict[str, YNode] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            child = f"{path}.{key}" if path else key
            if key in items:
                raise InputFileError(
                    f"{file} repeats a key",
                    [
                        Problem(
                            f"{file}: {child} (line {key_node.start_mark.line + 1})",
                            f"key {key!r} appears twice in the same mapping; keep one",
                        )
                    ],
                )
            items[key] = _convert(value_node, loader, file, child, seen)
        return YNode(items, file, path, line)
    if isinstance(node, yaml.SequenceNode):
        return YNode(
            [_convert(n, loader, file, f"{path}[{i}]", seen) for i, n in enumerate(node.value)],
            file,
            path,
            line,
        )
    return YNode(loader.construct_object(node), file, path, line, raw=str(node.value))


def read_yaml(path: Path) -> YNode:
    """Read and parse a UTF-8 YAML file; errors name the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputFileError(f"{path} not found", [Problem(str(path), "file not found")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"{path} cannot be read", [Problem(str(path), str(exc))]) from None
    return _parse_once(text, str(path))


@functools.lru_cache(maxsize=8)
def _parse_once(text: str, file: str) -> YNode:
    """:func:`parse_yaml`, remembered by text and file: the loaders of an evaluation folder's
    sections (:mod:`crmselect.io.folder`, ``costs``, ``partners``) each read the same
    ``evaluation.yaml``, and parsing it is the slow part. The tree is never modified."""
    return parse_yaml(text, file)


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
        value = node.value
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            self.fail(node, f"expected a number, got {node.raw!r}")
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
            self.fail(node, f"expected true or false, got {node.raw!r}")
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


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{value!r}"
