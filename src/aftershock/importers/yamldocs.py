"""Read an importer's YAML (or JSON) input: every document, with the line of every value.

Mappings become ``Mapping`` (a dict that knows where each key stands) and sequences
``Sequence``, so an importer can name ``file:line`` for any fact it reads. Scalars resolve by
the YAML 1.2 core schema, as Kubernetes and compose read them: ``on`` is text and
``10002:9090`` is not a base-60 number. An alias is converted once and shared, so an alias
bomb costs no more memory than its text; an alias to itself is an error.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import Node, ScalarNode, SequenceNode

from aftershock.errors import ImportInputError, Problem
from aftershock.importers import input_files
from aftershock.model.yamlsource import CoreLoader, core_scalar

MAX_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 500
"""Deepest nesting read; PyYAML's C composer crashes far deeper, manifests are a few levels."""
_MERGE = "tag:yaml.org,2002:merge"
_CORE = "tag:yaml.org,2002:"


class Mapping(dict[str, Any]):
    """A YAML mapping: ``line`` is where it starts, ``lines[key]`` where each key stands."""

    def __init__(self, line: int, lines: dict[str, int] | None = None) -> None:
        super().__init__()
        self.line = line
        self.lines: dict[str, int] = lines if lines is not None else {}

    def at(self, key: str) -> int:
        """Return the line of ``key`` (the mapping's own line when it is absent)."""
        return self.lines.get(key, self.line)


class Sequence(list[Any]):
    """A YAML sequence: ``line`` is where it starts, ``lines[i]`` where item ``i`` stands."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.lines: list[int] = []

    def at(self, index: int) -> int:
        """Return the line of item ``index``."""
        return self.lines[index] if 0 <= index < len(self.lines) else self.line


@dataclass(frozen=True)
class Tagged:
    """A value under an allowed custom tag (compose's ``!reset`` and ``!override``)."""

    tag: str
    value: Any
    line: int


@dataclass(frozen=True)
class Document:
    """One YAML document of a file; ``file`` labels messages and ``why`` strings."""

    file: str
    data: Any
    line: int


def fail(message: str, file: str | None, line: int | None = None, **extra: Any) -> ImportInputError:
    """Return the ImportInputError for one problem (raise it)."""
    return ImportInputError(Problem(message, file=file, line=line, **extra))


def dig(value: Any, *path: str) -> Any:
    """Return the value at ``path`` of nested mappings; None when a step is missing or is
    no mapping (``metadata: null``, a list where a mapping belongs)."""
    for step in path:
        value = value.get(step) if isinstance(value, dict) else None
    return value


def kind_of(value: object) -> str:
    """Return what a YAML value is, in words: a list, a mapping, text, a number, empty."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "empty"
    return "text" if isinstance(value, str) else f"the value {value!r}"


def read_text(path: Path, label: str) -> str:
    """Return the text of ``path`` (empty allowed); see input_files.read_text."""
    return input_files.read_text(path, "pass a YAML or JSON file", label=label, allow_empty=True)


def read_documents(path: Path, label: str, *, tags: frozenset[str] = frozenset()) -> list[Document]:
    """Return the non-empty documents of the YAML (or JSON) file ``path``.

    ``tags`` are custom tags to keep as ``Tagged`` values; any other tag is an error. Raises
    ImportInputError naming the file and line of a syntax error, a duplicate key or a
    self-referential alias."""
    text = read_text(path, label)
    _check_depth(text, label)
    try:
        nodes = list(yaml.compose_all(text, Loader=CoreLoader))
    except yaml.MarkedYAMLError as exc:
        if path.suffix == ".json":
            return _json(text, label)
        mark = exc.problem_mark or exc.context_mark
        detail = exc.problem or exc.context or "invalid YAML"
        start = exc.context_mark
        if exc.problem and exc.context and start and mark and start.line != mark.line:
            detail += f" ({exc.context} at line {start.line + 1})"
        template = "{{" in text
        raise fail(
            f"YAML syntax error: {detail}",
            label,
            mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
            hint="render templates first (helm template, kustomize build) and pass the output"
            if template
            else "fix the YAML at that line (indentation, a missing ':' or an unclosed quote)",
        ) from exc
    except yaml.YAMLError as exc:
        raise fail(f"YAML error: {exc}", label, hint="fix the YAML") from exc
    converter = _Converter(label, tags)
    return [
        Document(label, converter.convert(node), node.start_mark.line + 1)
        for node in nodes
        if node is not None
    ]


def _check_depth(text: str, label: str) -> None:
    """Refuse nesting deep enough to crash the composer."""
    deep = re.search(rf"(?:^|\n)( {{{MAX_DEPTH},}})\S", text)
    depth = line = 0
    if deep is None and text.count("[") + text.count("{") > MAX_DEPTH:
        for char in text:
            line += char == "\n"
            depth += (char in "[{") - (char in "]}")
            if depth > MAX_DEPTH:
                break
    if deep is not None or depth > MAX_DEPTH:
        where = text.count("\n", 0, deep.start(1)) + 1 if deep is not None else line + 1
        raise fail(
            f"the document nests deeper than {MAX_DEPTH} levels",
            label,
            where,
            hint="is this file generated by mistake?",
        )


def _json(text: str, label: str) -> list[Document]:
    """Read JSON that YAML refuses (tabs): no lines beyond the first, but the same values."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise fail(f"JSON syntax error: {exc.msg}", label, exc.lineno, hint="fix the JSON") from exc

    def located(value: Any) -> Any:
        if isinstance(value, dict):
            out = Mapping(1)
            out.update((str(k), located(v)) for k, v in value.items())
            return out
        if isinstance(value, list):
            seq = Sequence(1)
            seq.extend(located(v) for v in value)
            seq.lines = [1] * len(seq)
            return seq
        return value

    return [Document(label, located(data), 1)]


class _Converter:
    """Node tree to Mapping/Sequence/scalars; aliases shared, recursion refused."""

    def __init__(self, label: str, tags: frozenset[str]) -> None:
        self.label = label
        self.tags = tags
        self.done: dict[int, Any] = {}
        self.active: set[int] = set()

    def convert(self, node: Node) -> Any:
        key = id(node)
        if key in self.done:
            return self.done[key]
        if key in self.active:
            raise fail(
                "recursive YAML alias: a node contains an alias to itself",
                self.label,
                node.start_mark.line + 1,
                hint="write the value out instead of referring to itself",
            )
        self.active.add(key)
        value = self._convert(node)
        self.active.discard(key)
        self.done[key] = value
        return value

    def _convert(self, node: Node) -> Any:
        line = node.start_mark.line + 1
        if node.tag.startswith(_CORE) or node.tag == "!":
            return self._plain(node, line)
        if node.tag not in self.tags:
            raise fail(
                f"unsupported YAML tag {node.tag!r}",
                self.label,
                line,
                value=node.tag,
                hint="remove the tag",
            )
        return Tagged(node.tag, self._plain(node, line), line)

    def _plain(self, node: Node, line: int) -> Any:
        if isinstance(node, ScalarNode):
            # custom tags (CloudFormation's !Ref) keep their text; core tags resolve as in models
            return core_scalar(node) if node.tag.startswith(_CORE) else node.value
        if isinstance(node, SequenceNode):
            seq = Sequence(line)
            for child in node.value:
                seq.append(self.convert(child))
                seq.lines.append(child.start_mark.line + 1)
            return seq
        return self._mapping(node, line)

    def _mapping(self, node: Node, line: int) -> Mapping:
        out = Mapping(line)
        merged: list[Mapping] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                value = self.convert(value_node)
                merged += value if isinstance(value, list) else [value]
                continue
            if not isinstance(key_node, ScalarNode):
                raise fail("a mapping key must be plain text", self.label, line)
            key = key_node.value
            if key in out:
                raise fail(
                    f"duplicate key {key!r} (first at line {out.lines[key]})",
                    self.label,
                    key_node.start_mark.line + 1,
                    value=key,
                    hint="each key may appear once in a mapping; remove or merge one",
                )
            out[key] = self.convert(value_node)
            out.lines[key] = key_node.start_mark.line + 1
        for source in merged:
            if not isinstance(source, Mapping):
                raise fail("a YAML merge key (<<) must name a mapping", self.label, line)
            for key, value in source.items():
                if key not in out:
                    out[key] = value
                    out.lines[key] = source.at(key)
        return out
