"""Read a model (or scenario) file into plain Python data, and locate errors in it by line.

Two paths, one result. The fast path parses plain documents with yaml-rs (a Rust parser, about
15 times faster than PyYAML on large models). Anything it does not take (anchors, aliases, tags,
merge keys, document markers, very long numbers), or that fails validation, goes through the
shared reader (``aftershock.source``): PyYAML's C composer, whose node tree carries the line of
every value, measured for depth and alias expansion before it is converted. Both paths take the
same text checks first (size, characters YAML forbids, nesting) and resolve plain scalars by the
YAML 1.2 core schema: `on`, `no` and `yes` are text, not booleans, and `1:30` is not a number.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from aftershock.errors import ModelFileError, ModelSyntaxError, Problem
from aftershock.source import (
    LIMITS,
    Converter,
    Reading,
    check_text,
    compose,
    is_blank,
    mapping_pairs,
)
from aftershock.source import decode as decode_bytes
from aftershock.source import read_bytes as read_file_bytes

try:  # an accelerator only: without it every document takes the PyYAML path
    import yaml_rs
except ImportError:  # pragma: no cover - a platform without a yaml-rs wheel
    yaml_rs = None  # type: ignore[assignment]

_SLOW_ONLY = re.compile(rf"[&*!]|<<|(?:^|\n)(?:---|\.\.\.)|\d{{{LIMITS.digits + 1}}}")
"""Anchors, aliases, tags, merge keys, document markers and over-long numbers: only the careful
path takes them."""
MISSING_HINT = "check the path; `aftershock example > model.yaml` writes a model to start from"


@dataclass
class YamlSource:
    """A parsed document: its Python value, and the node tree to find lines in (composed on
    first use when the fast path read the document)."""

    file: str
    data: Any
    text: str = field(repr=False)
    fast: bool = False
    _root: Node | None = field(default=None, repr=False)
    _index: dict[int, dict[str, tuple[Node, Node]]] = field(default_factory=dict, repr=False)

    @property
    def root(self) -> Node | None:
        """Return the document's node tree."""
        if self._root is None:
            self._root = _compose(self.text, self.file)
        return self._root

    def _keys(self, node: MappingNode) -> dict[str, tuple[Node, Node]]:
        """Return the (key, value) nodes of a mapping by key text, merge keys included;
        indexed once per mapping, so locating many problems stays linear."""
        found = self._index.get(id(node))
        if found is None:
            found = {}
            for key, value in mapping_pairs(node):
                if isinstance(key, ScalarNode):
                    found.setdefault(key.value, (key, value))
            self._index[id(node)] = found
        return found

    def line_of(self, path: tuple[str | int, ...]) -> tuple[int | None, int | None]:
        """Return the 1-based (line, column) of the deepest node found along ``path``."""
        node = self.root
        mark = node.start_mark if node is not None else None
        for step in path:
            if isinstance(node, MappingNode | ScalarNode) and step == 0:
                continue  # one item written where the contract takes a list of them
            if isinstance(node, MappingNode):
                found = self._keys(node).get(str(step))
                if found is None:
                    break
                key, node = found
                # A scalar is reported where it stands; a mapping or list at its key.
                mark = node.start_mark if isinstance(node, ScalarNode) else key.start_mark
            elif isinstance(node, SequenceNode) and isinstance(step, int):
                if step >= len(node.value):
                    break
                node = node.value[step]
                mark = node.start_mark
            else:
                break
        if mark is None:
            return None, None
        return mark.line + 1, mark.column + 1


def read_text(path: str | os.PathLike[str]) -> str:
    """Return the model file's text; raise ModelFileError when it is missing, not a regular
    file, over the size limit, binary, not UTF-8 or empty."""
    name = os.fspath(path)
    raw = read_file_bytes(
        path, ModelFileError, label=name, what="model file", missing_hint=MISSING_HINT
    )
    return decode(raw, name)


def decode(raw: bytes, name: str) -> str:
    """Decode UTF-8 text; raise ModelFileError for binary content or an empty document."""
    text = decode_bytes(
        raw,
        name,
        ModelFileError,
        binary_hint="a model is a UTF-8 YAML text file; did you pass a binary or archive?",
    )
    if is_blank(text):
        raise ModelFileError(
            Problem(
                "the file is empty"
                if not text.strip()
                else "the file holds only comments, no model",
                file=name,
                hint="a model starts with `aftershock: 1`; `aftershock example` prints a full one",
            )
        )
    return text


def _reading(name: str) -> Reading:
    return Reading(
        name,
        ModelSyntaxError,
        located=False,
        tag_hint="remove the tag; a model uses plain YAML values",
    )


def parse(text: str, name: str, *, fast: bool = True) -> YamlSource:
    """Return the parsed document; raise ModelSyntaxError with the line of the problem.

    With ``fast``, a plain document is read by yaml-rs; the caller re-parses with
    ``fast=False`` before reporting a validation error, so every error comes from one path.
    """
    if fast:
        check_text(text, _reading(name))
        data = _fast(text)
        if data is not None:
            return YamlSource(file=name, data=data, text=text, fast=True)
    root = _compose(text, name)
    return YamlSource(
        file=name, data=Converter(_reading(name)).convert(root), text=text, _root=root
    )


def _fast(text: str) -> dict[str, Any] | None:
    """Return the document read by yaml-rs, or None when the careful path must read it."""
    if yaml_rs is None or _SLOW_ONLY.search(text):
        return None
    try:
        data = yaml_rs.loads(text, parse_datetime=False)
    except (yaml_rs.YAMLDecodeError, ValueError, OverflowError):
        return None
    return data if isinstance(data, dict) else None


def _compose(text: str, name: str) -> Node:
    """Return the node tree of ``text``: exactly one document, measured."""
    nodes = compose(text, _reading(name))
    if not nodes:
        raise ModelFileError(Problem("the file holds no YAML document", file=name))
    if len(nodes) > 1:
        raise ModelSyntaxError(
            Problem(
                f"the file holds {len(nodes)} YAML documents; a model is exactly one",
                file=name,
                line=nodes[1].start_mark.line + 1,
                hint="remove the extra '---' document or split it into its own file",
            )
        )
    return nodes[0]
