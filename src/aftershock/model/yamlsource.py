"""Read a YAML file into plain Python data, keeping the node tree to locate later errors.

PyYAML's C composer builds the node tree; an alias there is a reference to the anchored node,
so even an alias bomb composes in bounded memory. Before converting the tree to Python values
we count how many nodes the aliases would expand to (memoized per node, linear in the document)
and refuse a document that would blow up.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from aftershock.errors import ModelFileError, ModelSyntaxError, Problem

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MERGE_TAG = "tag:yaml.org,2002:merge"
MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_ALIAS_EXPANSION = 1_000_000
"""How many nodes aliases may add beyond the document's own nodes."""

_CONSTRUCTOR = yaml.constructor.SafeConstructor()


@dataclass
class YamlSource:
    """A parsed document: its Python value and the node tree to find lines in."""

    file: str
    data: Any
    root: Node | None

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


def parse(text: str, name: str) -> YamlSource:
    """Compose and convert YAML text; raise ModelSyntaxError with the line of the problem."""
    try:
        nodes = list(yaml.compose_all(text, Loader=_Loader))
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
    return YamlSource(file=name, data=_convert(root, name), root=root)


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
            make = _CONSTRUCTOR.yaml_constructors.get(node.tag)
            if make is None:
                raise ModelSyntaxError(
                    Problem(
                        f"unsupported YAML tag {node.tag!r}",
                        file=name,
                        line=node.start_mark.line + 1,
                        hint="remove the tag; a model uses plain YAML values",
                    )
                )
            return make(_CONSTRUCTOR, node)
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
