"""Read a YAML file into plain Python data, and locate errors in it by line.

Two paths, one result. The fast path parses plain documents with yaml-rs (a Rust parser, about
15 times faster than PyYAML on large models). Anything it does not take, or that fails
validation, goes through PyYAML's C composer, whose node tree carries the line of every value.
There an alias is a reference to the anchored node, so even an alias bomb composes in bounded
memory; before converting the tree we count how many nodes the aliases would expand to
(memoized per node, linear in the document) and refuse a document that would blow up. Both
paths resolve plain scalars by the YAML 1.2 core schema: `on`, `no` and `yes` are text, not
booleans, and `1:30` is not a number.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from aftershock.errors import ModelFileError, ModelSyntaxError, Problem

try:  # an accelerator only: without it every document takes the PyYAML path
    import yaml_rs
except ImportError:  # pragma: no cover - a platform without a yaml-rs wheel
    yaml_rs = None  # type: ignore[assignment]


class CoreLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML's C loader with YAML 1.2 core-schema resolution of plain scalars (``on``, ``no``
    and ``yes`` stay text); importers read their YAML inputs with it too."""


CoreLoader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in (
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    (
        "float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        list("-+0123456789."),
    ),
):
    CoreLoader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(_pattern), _first)

_MERGE_TAG = "tag:yaml.org,2002:merge"
_SLOW_ONLY = re.compile(r"[&*!]|<<|(?:^|\n)(?:---|\.\.\.)")
"""Anchors, aliases, tags, merge keys and document markers: only the careful path takes them."""
MAX_DEPTH = 1000
"""Deepest nesting accepted; PyYAML's C composer crashes somewhere past 20,000 levels."""
MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_ALIAS_EXPANSION = 1_000_000
"""How many nodes aliases may add beyond the document's own nodes."""

_CONSTRUCTOR = yaml.constructor.SafeConstructor()


@dataclass
class YamlSource:
    """A parsed document: its Python value, and the node tree to find lines in (composed on
    first use when the fast path read the document)."""

    file: str
    data: Any
    text: str = field(repr=False)
    fast: bool = False
    _root: Node | None = field(default=None, repr=False)

    @property
    def root(self) -> Node | None:
        """Return the document's node tree."""
        if self._root is None:
            self._root = _compose(self.text, self.file)
        return self._root

    def line_of(self, path: tuple[str | int, ...]) -> tuple[int | None, int | None]:
        """Return the 1-based (line, column) of the deepest node found along ``path``."""
        node = self.root
        mark = node.start_mark if node is not None else None
        for step in path:
            if isinstance(node, MappingNode | ScalarNode) and step == 0:
                continue  # one item written where the contract takes a list of them
            if isinstance(node, MappingNode):
                found = None
                for key, value in _mapping_pairs(node):
                    if isinstance(key, ScalarNode) and key.value == str(step):
                        found = (key, value)
                        break
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


def _mapping_pairs(node: MappingNode) -> list[tuple[Node, Node]]:
    """Return a mapping's pairs with YAML merge keys (``<<``) flattened in."""
    pairs: list[tuple[Node, Node]] = []
    merged: list[tuple[Node, Node]] = []
    for key, value in node.value:
        if key.tag == _MERGE_TAG:
            sources = value.value if isinstance(value, SequenceNode) else [value]
            for source in sources:
                if isinstance(source, MappingNode):
                    merged.extend(_mapping_pairs(source))
        else:
            pairs.append((key, value))
    own = {k.value for k, _ in pairs if isinstance(k, ScalarNode)}
    return pairs + [(k, v) for k, v in merged if not (isinstance(k, ScalarNode) and k.value in own)]


def read_text(path: str | os.PathLike[str]) -> str:
    """Return the file's text; raise ModelFileError when it is missing, binary or empty."""
    name = str(path)
    file = Path(path)
    if not file.exists():
        raise ModelFileError(
            Problem(
                f"file not found: {name!r}",
                file=name,
                hint="check the path; `aftershock example > model.yaml` writes a model to "
                "start from",
            )
        )
    if file.is_dir():
        raise ModelFileError(
            Problem(
                f"{name!r} is a directory, not a model file", file=name, hint="name a .yaml file"
            )
        )
    size = file.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ModelFileError(
            Problem(
                f"file is {size} bytes, over the {MAX_FILE_BYTES} byte limit",
                file=name,
                hint="split the model or remove generated bulk",
            )
        )
    raw = file.read_bytes()
    return decode(raw, name)


def decode(raw: bytes, name: str) -> str:
    """Decode UTF-8 text; raise ModelFileError for binary content or an empty document."""
    nul = raw.find(b"\x00", 0, 65536)
    if nul >= 0:
        raise ModelFileError(
            Problem(
                f"not a text file (NUL byte at offset {nul})",
                file=name,
                hint="a model is a UTF-8 YAML text file; did you pass a binary or archive?",
            )
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ModelFileError(
            Problem(
                f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
                file=name,
                line=line,
                hint="save the model as UTF-8 YAML",
            )
        ) from exc
    if not "".join(ln.split("#", 1)[0] for ln in text.splitlines()).strip():
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


def parse(text: str, name: str, *, fast: bool = True) -> YamlSource:
    """Return the parsed document; raise ModelSyntaxError with the line of the problem.

    With ``fast``, a plain document is read by yaml-rs; the caller re-parses with
    ``fast=False`` before reporting a validation error, so every error comes from one path.
    """
    if fast:
        data = _fast(text)
        if data is not None:
            return YamlSource(file=name, data=data, text=text, fast=True)
    root = _compose(text, name)
    return YamlSource(file=name, data=_convert(root, name), text=text, _root=root)


def _fast(text: str) -> dict[str, Any] | None:
    """Return the document read by yaml-rs, or None when the careful path must read it."""
    if yaml_rs is None or _SLOW_ONLY.search(text):
        return None
    try:
        data = yaml_rs.loads(text, parse_datetime=False)
    except yaml_rs.YAMLDecodeError:
        return None
    return data if isinstance(data, dict) else None


def _check_depth(text: str, name: str) -> None:
    """Refuse nesting deep enough to crash the composer (flow brackets or indentation)."""
    codes = np.frombuffer(text.encode("utf-8", "surrogatepass"), dtype=np.uint8)
    step = np.zeros(len(codes), dtype=np.int32)
    step[(codes == ord("[")) | (codes == ord("{"))] = 1
    step[(codes == ord("]")) | (codes == ord("}"))] = -1
    depth = np.cumsum(step, dtype=np.int32)
    deepest = int(depth.max()) if len(depth) else 0
    indent = re.search(rf"(?:^|\n)( {{{MAX_DEPTH},}})\S", text)
    if deepest > MAX_DEPTH or indent is not None:
        offset = int(np.argmax(depth)) if deepest > MAX_DEPTH else indent.start(1) if indent else 0
        raise ModelSyntaxError(
            Problem(
                f"the document nests deeper than {MAX_DEPTH} levels",
                file=name,
                line=text.count("\n", 0, offset) + 1,
                hint="a model is a few levels deep; is this file generated by mistake?",
            )
        )


def _compose(text: str, name: str) -> Node:
    """Return the node tree of ``text``: one document, no alias bomb, bounded depth."""
    _check_depth(text, name)
    try:
        nodes = list(yaml.compose_all(text, Loader=CoreLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = exc.problem or exc.context or "invalid YAML"
        raise ModelSyntaxError(
            Problem(
                f"YAML syntax error: {detail}",
                file=name,
                line=mark.line + 1 if mark else None,
                column=mark.column + 1 if mark else None,
                hint="fix the YAML at that line (indentation, a missing ':' or an unclosed quote)",
            )
        ) from exc
    except yaml.YAMLError as exc:
        raise ModelSyntaxError(Problem(f"YAML error: {exc}", file=name)) from exc
    nodes = [n for n in nodes if n is not None]
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
    root = nodes[0]
    if "*" in text:
        _check_expansion(root, name)
    return root


def core_scalar(node: ScalarNode) -> Any:
    """Return a core-schema scalar's value (0o17 and 0x1f as numbers, 017 as seventeen)."""
    value, tag = node.value, node.tag.rsplit(":", 1)[-1]
    if tag == "str":
        return value
    if tag == "null":
        return None
    if tag == "bool":
        return value.lower() == "true"
    if tag == "int":
        return int(value, 0) if value[:2] in ("0o", "0x") else int(value, 10)
    if tag == "float":
        lowered = value.lower().lstrip("+")
        if lowered.endswith(".inf"):
            return -math.inf if lowered.startswith("-") else math.inf
        return math.nan if lowered == ".nan" else float(value)
    make = _CONSTRUCTOR.yaml_constructors.get(node.tag)
    if make is None:
        raise ValueError(node.tag)
    return make(_CONSTRUCTOR, node)


def _check_expansion(root: Node, name: str) -> None:
    """Refuse alias cycles and alias bombs before anything expands them."""
    sizes: dict[int, int] = {}
    active: set[int] = set()
    distinct = 0

    def size(node: Node) -> int:
        nonlocal distinct
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise ModelSyntaxError(
                Problem(
                    "recursive YAML alias: a node contains an alias to itself",
                    file=name,
                    line=node.start_mark.line + 1,
                    hint="a model cannot be self-referential; write the value out",
                )
            )
        distinct += 1
        total = 1
        if isinstance(node, MappingNode | SequenceNode):
            active.add(key)
            for child in node.value:
                if isinstance(child, tuple):
                    total += size(child[0]) + size(child[1])
                else:
                    total += size(child)
            active.discard(key)
        sizes[key] = total
        return total

    expanded = size(root)
    if expanded > distinct + MAX_ALIAS_EXPANSION:
        raise ModelSyntaxError(
            Problem(
                f"YAML aliases expand {distinct} nodes to {expanded}, over the limit of "
                f"{MAX_ALIAS_EXPANSION} extra nodes (an alias bomb?)",
                file=name,
                hint="use fewer nested aliases; write repeated parts out",
            )
        )


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _convert(root: Node, name: str) -> Any:
    """Turn a node tree into dicts, lists and scalars; duplicate keys are errors."""

    def convert(node: Node) -> Any:
        if isinstance(node, ScalarNode):
            try:
                return core_scalar(node)
            except ValueError:
                shown = node.tag.replace("tag:yaml.org,2002:", "!!")
                raise ModelSyntaxError(
                    Problem(
                        f"unsupported YAML tag {shown!r}",
                        file=name,
                        line=node.start_mark.line + 1,
                        hint="remove the tag; a model uses plain YAML values",
                    )
                ) from None
        if isinstance(node, SequenceNode):
            return [convert(child) for child in node.value]
        if isinstance(node, MappingNode):
            out: dict[Any, Any] = {}
            own: dict[Any, Node] = {}
            for key_node, value_node in node.value:
                if key_node.tag == _MERGE_TAG:
                    continue
                # A key is a name: keep its text, so YAML 1.1 does not turn `on:` into True.
                key = key_node.value if isinstance(key_node, ScalarNode) else None
                if key is None:
                    raise ModelSyntaxError(
                        Problem(
                            f"a mapping key must be a plain name, not {_short(convert(key_node))}",
                            file=name,
                            line=key_node.start_mark.line + 1,
                            value=key,
                        )
                    )
                if key in own:
                    raise ModelSyntaxError(
                        Problem(
                            f"duplicate key {key!r} (first at line {own[key].start_mark.line + 1})",
                            file=name,
                            line=key_node.start_mark.line + 1,
                            column=key_node.start_mark.column + 1,
                            value=key,
                            hint="each name may appear once in a mapping; rename or merge them",
                        )
                    )
                own[key] = key_node
                out[key] = convert(value_node)
            if any(k.tag == _MERGE_TAG for k, _ in node.value):
                for key_node, value_node in _mapping_pairs(node)[len(own) :]:
                    merged = key_node.value if isinstance(key_node, ScalarNode) else None
                    out.setdefault(merged, convert(value_node))
            return out
        raise ModelSyntaxError(Problem(f"unexpected YAML node {node!r}", file=name))

    return convert(root)
