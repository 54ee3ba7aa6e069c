"""YAML as every reader of aftershock reads it: composed with locations, bounded, by one schema.

PyYAML's C composer builds a node tree that knows the line and column of every value. Before it
runs, the text is checked for characters YAML forbids (a raw ESC among them) and for nesting
deep enough to crash it; after it, one pass without recursion measures the tree: its depth, its
size once aliases are expanded (memoized per node, so an alias bomb is measured, not built),
alias cycles and over-long scalars. Only then is it converted, each aliased node once and
shared, so converting costs no more than the text.

Plain scalars resolve by the YAML 1.2 core schema, as Kubernetes, compose and our models mean
them: ``on``, ``no`` and ``yes`` are text, ``10002:9090`` is not a base-60 number, ``017`` is
seventeen. Merge keys (``<<: *base``) merge. Mappings become ``Mapping`` and lists ``Sequence``
(a dict and a list that know where each entry stands) when the reader asks for locations.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from aftershock.errors import InputError, Problem, quoted
from aftershock.source.limits import LIMITS


class CoreLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML's C loader resolving plain scalars by the YAML 1.2 core schema, with merge keys."""


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
    ("merge", r"^(?:<<)$", ["<"]),
):
    CoreLoader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(_pattern), _first)

CORE = "tag:yaml.org,2002:"
MERGE = CORE + "merge"
_EXPLICIT = {CORE + t for t in ("str", "int", "float", "bool", "null", "map", "seq")}
"""Core tags a document may write out (``!!str 10``); ``!!python/...``, ``!!binary`` and the
rest are refused."""
_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
"""Characters YAML does not allow in a stream (its c-printable set, as PyYAML's reader)."""


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
    """A value under a custom tag the reader allows (compose's ``!reset`` and ``!override``)."""

    tag: str
    value: Any
    line: int


TagHandler = Callable[[str, Any, int], Any]
"""(tag, converted value, line) -> what the tagged value stands for; raise to refuse it."""


@dataclass(frozen=True)
class Reading:
    """How one reader reads YAML: where errors go and what it accepts beyond the core schema."""

    file: str
    error: type[InputError]
    located: bool = True
    """Mappings and lists as ``Mapping`` and ``Sequence`` (with lines), or plain."""
    tags: TagHandler | None = None
    """Custom tags (``!Ref``); None refuses them."""
    tag_hint: str = "remove the tag; plain YAML values are read"
    syntax_hint: str = "fix the YAML at that line (indentation, a missing ':' or an unclosed quote)"

    def fail(self, message: str, line: int | None = None, **more: Any) -> InputError:
        """Return the error for one problem of this file (raise it)."""
        return self.error(Problem(message, file=self.file, line=line, **more))


def check_text(text: str, reading: Reading) -> None:
    """Refuse characters YAML forbids (a raw ESC, say) and nesting deep enough to crash the
    composer, naming the line; cheap enough to run on every document."""
    bad = _NON_PRINTABLE.search(text)
    if bad is not None:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - text.rfind("\n", 0, bad.start())
        raise reading.fail(
            f"a control character (U+{ord(bad.group()):04X}) that YAML does not allow",
            line,
            column=column,
            hint="remove it; write it as an escape inside a double-quoted string (\\e, \\x1b) "
            "if it is meant",
        )
    deep = _too_deep(text)
    if deep is not None:
        raise reading.fail(
            f"the document nests deeper than {LIMITS.depth} levels",
            deep,
            hint="real inputs are a few levels deep; is this file generated by mistake?",
        )


def _too_deep(text: str) -> int | None:
    """Return the line where flow brackets or indentation nest past the limit, or None. Each
    check runs only when a cheap count says it can fail (C-speed scans of the text)."""
    if text.count("[") + text.count("{") > LIMITS.depth:
        codes = np.frombuffer(text.encode("utf-8", "surrogatepass"), dtype=np.uint8)
        step = (codes == ord("[")).astype(np.int16) + (codes == ord("{"))
        step -= (codes == ord("]")).astype(np.int16) + (codes == ord("}"))
        depth = np.cumsum(step, dtype=np.int32)
        if int(depth.max()) > LIMITS.depth:
            return int(np.count_nonzero(codes[: int(np.argmax(depth > LIMITS.depth))] == 10)) + 1
    if " " * LIMITS.indent in text:
        indent = re.search(rf"(?:^|\n)( {{{LIMITS.indent},}})\S", text)
        if indent is not None:
            return text.count("\n", 0, indent.start(1)) + 1
    return None


def compose(text: str, reading: Reading) -> list[Node]:
    """Return the node trees of the non-empty documents of ``text``, each measured (depth,
    size with aliases expanded, alias cycles, scalar length). Raises ``reading.error`` at the
    line and column of a syntax error or of the value over a limit."""
    check_text(text, reading)
    try:
        nodes = [n for n in yaml.compose_all(text, Loader=CoreLoader) if n is not None]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = exc.problem or exc.context or "invalid YAML"
        start = exc.context_mark
        if exc.problem and exc.context and start and mark and start.line != mark.line:
            detail += f" ({exc.context} at line {start.line + 1})"
        raise reading.fail(
            f"YAML syntax error: {detail}",
            mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
            hint=reading.syntax_hint,
        ) from exc
    except yaml.YAMLError as exc:
        raise reading.fail(f"YAML error: {exc}", hint=reading.syntax_hint) from exc
    budget = _Budget()
    for node in nodes:
        _measure(node, reading, budget)
    return nodes


class _Budget:
    """Counts shared by the documents of one file."""

    def __init__(self) -> None:
        self.distinct = 0
        self.expanded = 0


def _children(node: Node) -> Iterator[Node]:
    if isinstance(node, SequenceNode):
        yield from node.value
    elif isinstance(node, MappingNode):
        for key, value in node.value:
            yield key
            yield value


def _measure(root: Node, reading: Reading, budget: _Budget) -> None:
    """Check one document's tree without recursion: nesting, alias cycles, size once aliases
    are expanded, scalar lengths."""
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            kids = list(_children(node))
            size[key] = 1 + sum(size[id(k)] for k in kids)
            depth[key] = 1 + max((depth[id(k)] for k in kids), default=0)
            if depth[key] > LIMITS.depth:
                raise reading.fail(
                    f"the document nests deeper than {LIMITS.depth} levels",
                    node.start_mark.line + 1,
                    hint="real inputs are a few levels deep; is this file generated by mistake?",
                )
            continue
        if key in size:
            continue
        if key in on_path:
            raise reading.fail(
                "recursive YAML alias: a value contains an alias to itself",
                node.start_mark.line + 1,
                hint="a value cannot contain itself (self-referential data is infinite); "
                "write it out",
            )
        budget.distinct += 1
        if isinstance(node, ScalarNode):
            if len(node.value) > LIMITS.scalar_chars:
                raise reading.fail(
                    f"a value of {len(node.value):,} characters, over the limit of "
                    f"{LIMITS.scalar_chars:,}",
                    node.start_mark.line + 1,
                    hint="real values are far shorter; is this file generated by mistake?",
                )
            size[key], depth[key] = 1, 1
            continue
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in size)
    budget.expanded += size[id(root)]
    if budget.distinct > LIMITS.nodes:
        raise reading.fail(
            f"the file holds more than {LIMITS.nodes:,} values",
            hint="split the input into smaller files",
        )
    if budget.expanded > budget.distinct + LIMITS.alias_nodes:
        raise reading.fail(
            f"YAML aliases expand {budget.distinct:,} values to {budget.expanded:,}, over the "
            f"limit of {LIMITS.alias_nodes:,} more (an alias bomb?)",
            hint="use fewer nested aliases; write repeated parts out",
        )


def core_scalar(node: ScalarNode, reading: Reading | None = None) -> Any:
    """Return a core-schema scalar's value (0o17 and 0x1f as numbers, 017 as seventeen).

    Raises ValueError for a tag that is not a core scalar tag, or ``reading.error`` for a
    number with more digits than any real input has."""
    value, tag = node.value, node.tag.rsplit(":", 1)[-1]
    if tag == "str" or node.tag == "!":
        return value
    if tag == "null":
        return None
    if tag == "bool":
        return value.lower() == "true"
    if tag in ("int", "float") and len(value) > LIMITS.digits:
        if reading is None:
            raise ValueError(f"a number of {len(value)} characters")
        raise reading.fail(
            f"a number of {len(value):,} characters, over the limit of {LIMITS.digits}",
            node.start_mark.line + 1,
            column=node.start_mark.column + 1,
            hint="write a real amount; quote it if it is meant as text",
        )
    if tag == "int":
        return int(value, 0) if value[:2] in ("0o", "0x") else int(value, 10)
    if tag == "float":
        lowered = value.lower().lstrip("+")
        if lowered.endswith(".inf"):
            return -math.inf if lowered.startswith("-") else math.inf
        return math.nan if lowered == ".nan" else float(value)
    raise ValueError(node.tag)


def mapping_pairs(node: MappingNode) -> list[tuple[Node, Node]]:
    """Return a mapping's pairs with merge keys (``<<``) flattened in: its own keys first, then
    merged ones it does not set, earlier sources first."""
    pairs: list[tuple[Node, Node]] = []
    merged: list[tuple[Node, Node]] = []
    for key, value in node.value:
        if key.tag == MERGE:
            sources = value.value if isinstance(value, SequenceNode) else [value]
            for source in sources:
                if isinstance(source, MappingNode):
                    merged.extend(mapping_pairs(source))
        else:
            pairs.append((key, value))
    own = {k.value for k, _ in pairs if isinstance(k, ScalarNode)}
    for key, value in merged:
        if isinstance(key, ScalarNode) and key.value not in own:
            own.add(key.value)
            pairs.append((key, value))
    return pairs


class Converter:
    """Node trees to values: aliased nodes converted once and shared."""

    def __init__(self, reading: Reading) -> None:
        self.reading = reading
        self.done: dict[int, Any] = {}

    def convert(self, node: Node) -> Any:
        """Return the value of ``node`` (a measured tree: no cycles, bounded depth)."""
        key = id(node)
        if key in self.done:
            return self.done[key]
        tag = node.tag
        if tag.startswith(CORE) and tag not in _EXPLICIT:
            raise self._unsupported(node)
        custom = not tag.startswith(CORE) and tag != "!"
        if custom and self.reading.tags is None:
            raise self._unsupported(node)
        if isinstance(node, ScalarNode):
            value = node.value if custom else self._scalar(node)
        elif isinstance(node, SequenceNode):
            value = self._sequence(node)
        else:
            assert isinstance(node, MappingNode)
            value = self._mapping(node)
        if custom:
            assert self.reading.tags is not None
            value = self.reading.tags(tag, value, node.start_mark.line + 1)
        self.done[key] = value
        return value

    def _unsupported(self, node: Node) -> InputError:
        shown = node.tag.replace(CORE, "!!")
        return self.reading.fail(
            f"unsupported YAML tag {shown!r}",
            node.start_mark.line + 1,
            value=shown,
            hint=self.reading.tag_hint,
        )

    def _scalar(self, node: ScalarNode) -> Any:
        try:
            return core_scalar(node, self.reading)
        except ValueError:
            raise self._unsupported(node) from None

    def _sequence(self, node: SequenceNode) -> list[Any]:
        if not self.reading.located:
            return [self.convert(child) for child in node.value]
        out = Sequence(node.start_mark.line + 1)
        for child in node.value:
            out.append(self.convert(child))
            out.lines.append(child.start_mark.line + 1)
        return out

    def _mapping(self, node: MappingNode) -> dict[str, Any]:
        out: dict[str, Any] = Mapping(node.start_mark.line + 1) if self.reading.located else {}
        first: dict[str, int] = {}
        merging = False
        for key_node, value_node in node.value:
            if key_node.tag == MERGE:
                if not _merges_mappings(value_node):
                    raise self.reading.fail(
                        "a YAML merge key (<<) must name a mapping or a list of mappings",
                        key_node.start_mark.line + 1,
                        hint="write `<<: *anchor` where the anchor is on a mapping",
                    )
                merging = True
                continue
            if not isinstance(key_node, ScalarNode):
                raise self.reading.fail(
                    f"a mapping key must be a plain name, not {quoted(self.convert(key_node))}",
                    key_node.start_mark.line + 1,
                    column=key_node.start_mark.column + 1,
                    hint="write the key as plain text",
                )
            # A key is a name: its text, so `on:` stays "on" and `1:` stays "1".
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in first:
                raise self.reading.fail(
                    f"duplicate key {key!r} (first at line {first[key]})",
                    line,
                    column=key_node.start_mark.column + 1,
                    value=key,
                    hint="each key may appear once in a mapping; remove or merge one",
                )
            first[key] = line
            out[key] = self.convert(value_node)
            if isinstance(out, Mapping):
                out.lines[key] = line
        if merging:
            for key_node, value_node in mapping_pairs(node)[len(first) :]:
                assert isinstance(key_node, ScalarNode)
                out[key_node.value] = self.convert(value_node)
                if isinstance(out, Mapping):
                    out.lines[key_node.value] = key_node.start_mark.line + 1
        return out


def _merges_mappings(node: Node) -> bool:
    if isinstance(node, MappingNode):
        return True
    return isinstance(node, SequenceNode) and all(isinstance(n, MappingNode) for n in node.value)


@dataclass(frozen=True)
class Document:
    """One YAML document of a file, converted; ``line`` is where it starts."""

    file: str
    data: Any
    line: int


def load_documents(text: str, reading: Reading, *, json_fallback: bool = False) -> list[Document]:
    """Return the non-empty documents of ``text``, converted. With ``json_fallback``, JSON
    that is not YAML (it may hold tabs) is read as JSON, each value at line 1."""
    try:
        nodes = compose(text, reading)
    except InputError as error:
        if not json_fallback or "syntax error" not in str(error):
            raise
        from aftershock.source.jsontext import parse_json

        value = parse_json(text, reading.file, reading.error, hint=reading.syntax_hint)
        return [Document(reading.file, _located(value) if reading.located else value, 1)]
    converter = Converter(reading)
    return [Document(reading.file, converter.convert(n), n.start_mark.line + 1) for n in nodes]


def _located(value: Any) -> Any:
    """Return a JSON value as Mapping and Sequence, every entry at line 1."""
    if isinstance(value, dict):
        out = Mapping(1)
        out.update((str(k), _located(v)) for k, v in value.items())
        return out
    if isinstance(value, list):
        seq = Sequence(1)
        seq.extend(_located(v) for v in value)
        seq.lines = [1] * len(seq)
        return seq
    return value


__all__ = [
    "CORE",
    "MERGE",
    "Converter",
    "CoreLoader",
    "Document",
    "Mapping",
    "Reading",
    "Sequence",
    "Tagged",
    "check_text",
    "compose",
    "core_scalar",
    "load_documents",
    "mapping_pairs",
]
