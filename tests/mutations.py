"""Seeds and mutations for the fuzz tests: real inputs, changed the way an attacker or a
careless user changes them.

A seed is a real input (the embedded example, examples/, the test fixtures, a few public files
in ../shared/realworld when they are there). ``mutated`` draws a seed and changes it in three
layers, each optional, so Hypothesis can shrink a failure back to the one change that matters:

1. the tree: the seed is parsed and edited as data (keys deleted, renamed, duplicated,
   values swapped or replaced by other types, 400- and 5,000-digit integers, 1e400, .inf,
   .nan, huge strings, deep nesting, control characters, tags, anchors), then written back
   as YAML (block or flow) or JSON;
2. the text: lines duplicated (duplicate keys), deleted, swapped, re-indented; anchors,
   aliases, merge keys, tags, directives and document markers spliced in; a value replaced by
   a raw token;
3. the bytes: truncated, NUL bytes, invalid UTF-8, byte-order marks, UTF-16, CRLF or CR line
   ends.

Values that the writers cannot produce (a 5,000-digit integer, an unquoted ``.nan``, ``[[[``
nested 50,000 deep, a tag) travel through the tree as placeholders and are put in verbatim
after writing.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from realworld import REALWORLD

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
IMPORT_FORMATS = ("kubernetes", "compose", "terraform", "cloudformation", "backstage", "traces")
"""Importers fuzzed in process (``aws`` needs an account or a moto server)."""
MAX_SEED_BYTES = 64 * 1024
MAX_MUTANT_CHARS = 512 * 1024
"""Text is repeated up to this size (bigger inputs test the file-size limit, not parsing)."""
"""Bigger real inputs are cut to their first lines: every example parses its seed again."""

# ---- seeds ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seed:
    """One real input: ``name`` is the file name it is written under (importers look at the
    suffix), ``syntax`` how to parse it for tree mutations (yaml, json, csv or text)."""

    name: str
    text: str
    syntax: str
    bad: bool = False
    """A named bad input from fixtures/bad*: refused before any mutation."""


def _syntax(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".json", ".tfstate"):
        return "json"
    if suffix in (".yaml", ".yml"):
        return "yaml"
    if suffix in (".csv", ".tsv"):
        return "csv"
    return "text"


def _seed(path: Path) -> Seed | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None  # a deliberately broken fixture: byte mutations cover those
    if len(text) > MAX_SEED_BYTES:
        text = "".join(text.splitlines(keepends=True)[:200])
    return Seed(path.name, text, _syntax(path))


def _seeds(paths: Iterator[Path] | list[Path], *, bad: bool = False) -> list[Seed]:
    found = [s for s in (_seed(p) for p in sorted(paths) if p.is_file()) if s is not None]
    return [Seed(s.name, s.text, s.syntax, bad) for s in found]


def _realworld(*patterns: str) -> list[Path]:
    """Return the real inputs matching ``patterns`` below ../shared/realworld (none when it is
    absent: the fixtures are seeds enough)."""
    if not REALWORLD.is_dir():
        return []
    return [p for pattern in patterns for p in sorted(REALWORLD.glob(pattern))]


@cache
def model_seeds() -> tuple[Seed, ...]:
    """Return the embedded example, examples/*.yaml and the named bad models."""
    import aftershock

    seeds = [Seed("example.yaml", aftershock.example_text(), "yaml")]
    seeds += _seeds(list((ROOT / "examples").glob("*.y*ml")))
    seeds += _seeds(list((FIXTURES / "bad").glob("*.yaml")), bad=True)
    return tuple(seeds)


def generated_models() -> st.SearchStrategy[Seed]:
    """Return valid random models (tests/strategies.py) as seeds: cycles, failovers, replicas
    and vendors in shapes no fixture has."""
    from strategies import models

    return models().map(
        lambda doc: Seed("generated.yaml", yaml.safe_dump(doc, sort_keys=False), "yaml")
    )


@cache
def scenario_seeds() -> tuple[Seed, ...]:
    """Return examples/scenarios/*, the scenario examples of the schema and the bad ones."""
    from aftershock.sim.scenario import EXAMPLES

    seeds = _seeds(list((ROOT / "examples" / "scenarios").glob("*.y*ml")))
    seeds += [
        Seed(f"schema-example-{i}.yaml", yaml.safe_dump(doc, sort_keys=False), "yaml")
        for i, doc in enumerate(EXAMPLES)
    ]
    seeds += _seeds(list((FIXTURES / "bad-scenarios").glob("*.y*ml")), bad=True)
    return tuple(seeds)


_REALWORLD_INPUTS = {
    "kubernetes": ("kubernetes/*/*.yaml",),
    "compose": ("compose/*/*.y*ml",),
    "terraform": ("terraform/*/*.json",),
    "cloudformation": ("cloudformation/*/*.yaml", "cloudformation/*/*/*.yaml"),
    "backstage": (),
    "traces": ("traces/*/*.json", "traces/*/*.csv"),
}


@cache
def importer_seeds(fmt: str) -> tuple[Seed, ...]:
    """Return small inputs of import format ``fmt``: the fixtures, the named bad ones and
    (when present) the public real-world inputs."""
    good = [p for p in (FIXTURES / "import" / fmt).rglob("*") if not p.name.startswith(".")]
    bad = list((FIXTURES / "bad-imports").glob(f"{fmt}-*"))
    return tuple(_seeds(good + _realworld(*_REALWORLD_INPUTS[fmt])) + _seeds(bad, bad=True))


# ---- values a careless user or an attacker writes -------------------------------------------


@dataclass(frozen=True)
class Raw:
    """Text put verbatim where a value stands, after the tree is written: ``yaml`` for YAML
    documents, ``json`` for JSON ones (None: the JSON writer uses a string instead)."""

    yaml: str
    json: str | None = None


def _digits(n: int, first: str = "9") -> str:
    return first + "9" * (n - 1)


RAW_NUMBERS = [
    Raw("1" + "0" * 400, "1" + "0" * 400),  # 10**400: fine as an int, not as a float
    Raw(_digits(5000), _digits(5000)),  # past Python's 4,300-digit int/str limit
    Raw("-" + _digits(400), "-" + _digits(400)),
    Raw("0x" + "f" * 400),
    Raw("1e400", "1e400"),
    Raw("-1e400", "-1e400"),
    Raw("1e-400", "1e-400"),
    Raw(".inf", "Infinity"),
    Raw("-.inf", "-Infinity"),
    Raw(".nan", "NaN"),
    Raw("1.7976931348623157e308", "1.7976931348623157e308"),
    Raw("-0.0", "-0.0"),
    Raw("0o777"),
    Raw("9223372036854775808", "9223372036854775808"),  # 2**63
    Raw("-9223372036854775809", "-9223372036854775809"),
]
RAW_STRUCTURES = [
    Raw("[" * 100 + "]" * 100, "[" * 100 + "]" * 100),
    Raw("[" * 1001 + "]" * 1001, "[" * 1001 + "]" * 1001),
    Raw("[" * 50_000 + "]" * 50_000, "[" * 50_000 + "]" * 50_000),
    Raw("{a: " * 999 + "1" + "}" * 999, '{"a": ' * 999 + "1" + "}" * 999),
    Raw("{a: " * 5000 + "1" + "}" * 5000, '{"a": ' * 5000 + "1" + "}" * 5000),
    Raw("[" * 300 + "]" * 299),  # unclosed
    Raw("{? [a, b] : c}"),  # a complex key
    Raw("*nowhere"),  # an undefined alias
    Raw("&self [*self]"),  # a recursive alias
    Raw("!!binary aGVsbG8="),
    Raw("!!python/object/apply:os.system ['true']"),
    Raw("!!python/name:os.system"),
    Raw("!!set {a, b}"),
    Raw("!!omap [a: 1, b: 2]"),
    Raw("!!timestamp 2001-12-14t21:59:43.10-05:00"),
    Raw("!!float 1"),
    Raw("!!int 1.5"),
    Raw("!!str 5m"),
    Raw("!!null x"),
    Raw("!Ref Foo"),
    Raw("!Sub ['${A}', {A: !GetAtt B.Arn}]"),
    Raw("!reset null"),
    Raw("!override [a]"),
    Raw("!<tag:example.com,2000:x> 1"),
    Raw("!local 1"),
    Raw("2001-12-14 21:59:43.10 -5"),
    Raw("1_000"),
    Raw("0b101"),
    Raw("1:30"),
    Raw("~"),
    Raw("|\n  two\n  lines"),
]

CONTROLS = [
    "\x00",
    "\x07",
    "\x08",
    "\r",
    "\x0b",
    "\x0c",
    "\x1b[2J\x1b[H",  # clear the screen
    "\x1b]52;c;aGVsbG8=\x07",  # write the clipboard
    "\x1b]8;;https://evil.example\x07link\x1b]8;;\x07",
    "\x7f",
    "\x85",  # NEL
    "\x9b31m",  # C1 CSI
    "\x9d0;title\x9c",  # C1 OSC
    "\u2028",
    "\u2029",
    "\u202e",  # right-to-left override
    "\u200b",
    "\ufeff",
    "\ufffe",
]
UNICODE = [
    "\u00fcn\u00efc\u00f8d\u00e9",
    "\u540d\u524d",
    "\U0001f642",
    "\u0663h",  # an Arabic-Indic digit and a unit
    "\uff11h",  # a full-width digit and a unit
    "\u0661\u0662m",
    "e\u0301",
    "\u0130",
    "\ud7ff",
]
DURATIONS = [
    "0",
    "0s",
    "-5m",
    "5",
    "5.5",
    "5 minutes",
    "1h30",
    "1.5.5h",
    "00000000000000000001h",
    "0.0000000000000000000000001ms",
    "999999999999999999999w",
    _digits(400) + "h",
    _digits(400) + "." + _digits(400) + "s",
    "1" + "0" * 5000 + "d",
    "1e400h",
    "inf",
    "nan",
    "infh",
    "1h" * 2000,
    " 5m ",
    "5M",
    "5\u00a0m",
    "\u0665m",
]
TARGET_LIKE = [
    "aws",
    "aws/",
    "/",
    "//",
    "aws//us-east-1",
    "aws/us-east-1",
    "aws/us-east-1/",
    "aws/us-east-1/use1-az1",
    "aws/us-east-1/use1-az1/x",
    "aws/us-east-1/dynamodb/dns",
    "aws/us-east-1/dynamodb/dns/extra/parts",
    "aws/global",
    "aws/global/iam/control",
    "aws/global/sts",
    "gcp/us-central1",
    "azure/eastus",
    "cloudflare",
    "stripe",
    "AWS/US-EAST-1",
    "../../etc/passwd",
    "*",
    "@",
    "+",
    ":",
    "a@b+c:d",
]
TEMPLATING = ["${VAR}", "${VAR:?boom}", "${VAR:-x}", "$${x}", "${", "{{ .Values.x }}", "%s%n"]


def _huge(n: int) -> str:
    return "x" * n


strings = st.one_of(
    st.sampled_from(["", " ", "-", "~", "null", "true", "no", "on", "yes", "0", "1.0"]),
    st.sampled_from(CONTROLS),
    st.sampled_from(UNICODE),
    st.sampled_from(DURATIONS),
    st.sampled_from(TARGET_LIKE),
    st.sampled_from(TEMPLATING),
    st.sampled_from([1024, 1025, 65_537, 1_000_000]).map(_huge),
    st.tuples(st.sampled_from(CONTROLS + UNICODE), st.text(max_size=8)).map("".join),
    st.text(max_size=30),
)
"""Strings of every kind: controls, unicode, durations, targets, templating, huge ones."""

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from([0, -1, 1, 2, 7, 10**9, 2**31, 2**63, -(2**63), 10**400]),
    st.sampled_from([0.5, -0.0, 1e-300, 1e308, 1.0, 100.0, 1e16]),
    st.integers(),
    strings,
)
"""Plain values the writers can write (Raw ones come from ``values``)."""


def _nest(depth: int, inner: Any, kind: str) -> Any:
    for _ in range(depth):
        inner = [inner] if kind == "list" else {"a": inner}
    return inner


values = st.one_of(
    scalars,
    st.sampled_from(RAW_NUMBERS),
    st.sampled_from(RAW_STRUCTURES),
    st.sampled_from([[], {}, [None], {"": None}, {"a": []}]).map(copy.deepcopy),  # fresh
    st.lists(scalars, max_size=4),
    st.dictionaries(strings, scalars, max_size=3),
    st.tuples(st.integers(2, 60), scalars, st.sampled_from(["list", "dict"])).map(
        lambda t: _nest(*t)
    ),
)
"""Any value to put where the seed has one."""

# ---- command-line arguments ----------------------------------------------------------------

EFFECTS = ["", ":degraded", ":down", ":", ":up", ":DEGRADED", "::", ":degraded:down"]
GOOD_TARGETS = [
    "aws/us-east-1",
    "aws/us-west-2",
    "aws/us-east-1/use1-az1",
    "aws/global/sts/dns",
    "aws/us-east-1/dynamodb/dns",
    "aws/us-east-1/ec2/control",
    "aws",
    "web",
    "api",
]
GOOD_DURATIONS = ["0", "30m", "2h", "1d", "90s", "1ms", "1h30m", "3d"]
durations = st.one_of(st.sampled_from(GOOD_DURATIONS), st.sampled_from(DURATIONS), strings)
targets = st.one_of(st.sampled_from(GOOD_TARGETS), st.sampled_from(TARGET_LIKE), strings)


def _spec(target: str, start: str, length: str, effect: str) -> str:
    return target + start + length + effect


odd_fail_specs = st.builds(
    _spec,
    targets,
    st.one_of(st.just(""), durations.map("@".__add__)),
    st.one_of(st.just(""), durations.map("+".__add__)),
    st.sampled_from(EFFECTS),
)
good_fail_specs = st.builds(
    _spec,
    st.sampled_from(GOOD_TARGETS),
    st.sampled_from(["", "@0", "@30m", "@1h"]),
    st.sampled_from(["", "+1ms", "+2h", "+1d", "+" + "9" * 30 + "h"]),
    st.sampled_from(["", ":degraded"]),
)
fail_specs = st.one_of(good_fail_specs, odd_fail_specs)

# ---- layer 1: the tree ----------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """Reads seeds: YAML 1.2 core scalars, every unknown tag kept as a Tagged value."""


_Loader.yaml_implicit_resolvers = {
    k: [r for r in v if r[0] not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass(frozen=True)
class Tagged:
    """A value under a local tag (CloudFormation's ``!Ref``, compose's ``!reset``)."""

    tag: str
    value: Any


def _tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Tagged:
    if isinstance(node, yaml.ScalarNode):
        return Tagged("!" + suffix, loader.construct_scalar(node))
    if isinstance(node, yaml.SequenceNode):
        return Tagged("!" + suffix, loader.construct_sequence(node, deep=True))
    return Tagged("!" + suffix, loader.construct_mapping(node, deep=True))  # type: ignore[arg-type]


_Loader.add_multi_constructor("!", _tagged)


def parse_seed(seed: Seed) -> list[Any] | None:
    """Return a copy of the seed's documents as data, or None when it is not parseable or
    holds aliases (an alias bomb would expand here; only the text and byte layers change
    those seeds)."""
    docs = _parsed(seed)
    return None if docs is None else copy.deepcopy(docs)


@lru_cache(maxsize=256)
def _parsed(seed: Seed) -> list[Any] | None:
    try:
        if seed.syntax == "json":
            return [json.loads(seed.text)]
        if seed.syntax == "yaml" and not re.search(r"[&*]\w", seed.text):
            return list(yaml.load_all(seed.text, Loader=_Loader))
        if seed.syntax == "csv":
            return [list(csv.reader(io.StringIO(seed.text)))]
    except (ValueError, yaml.YAMLError, csv.Error, RecursionError):
        return None
    return None


def _slots(tree: Any) -> list[tuple[Any, Any]]:
    """Return every (container, key or index) in ``tree``, outermost first."""
    out: list[tuple[Any, Any]] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        items: list[tuple[Any, Any]] = []
        if isinstance(node, dict):
            items = list(node.items())
        elif isinstance(node, list):
            items = list(enumerate(node))
        elif isinstance(node, Tagged) and isinstance(node.value, dict | list):
            stack.append(node.value)
            continue
        for key, child in items:
            out.append((node, key))
            stack.append(child)
    return out


def _keys(tree: Any) -> list[Any]:
    return sorted({str(k) for c, k in _slots(tree) if isinstance(c, dict)})


def _scalars_in(tree: Any) -> list[str]:
    return sorted({v for c, k in _slots(tree) if isinstance(v := c[k], str)})


_DURATION_LIKE = re.compile(r"^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+$")
numbers = st.one_of(
    st.sampled_from(RAW_NUMBERS),
    st.sampled_from([0, -1, 1, 2, 3, 6, 7, 100, 2**31, 2**63, 10**400, 0.5, 1.0, 1e-300, 1e308]),
    st.integers(-10, 10),
    st.floats(),
)
"""Numbers of every size (and not-a-number): what a number in a seed becomes."""


def _like(value: Any, docs: list[Any]) -> st.SearchStrategy[Any]:
    """Return values of the kind ``value`` is (a number, a duration, a name, a list of them),
    so the document mostly stays valid and the change reaches the code behind the parser:
    huge and odd numbers, odd durations, other names of the same document, hostile text."""
    if isinstance(value, bool):
        return st.one_of(st.booleans(), st.sampled_from(["true", "yes", 1, 0]))
    if isinstance(value, int | float):
        return numbers
    if isinstance(value, str) and _DURATION_LIKE.match(value):
        return st.sampled_from(DURATIONS)
    if isinstance(value, str):
        names = _scalars_in(docs)
        return st.one_of(
            st.sampled_from(names) if names else st.nothing(),
            st.sampled_from(TARGET_LIKE),
            strings,
            st.tuples(st.just(value), st.sampled_from(CONTROLS + UNICODE)).map("".join),
        )
    if isinstance(value, list) and value:
        return st.one_of(
            st.just([*value, *value]),  # every item twice
            st.lists(_like(value[0], docs), min_size=1, max_size=3),
            st.just(value[::-1]),
            st.just([]),
        )
    return values


def _typo(word: str, where: int) -> str:
    if not word:
        return "x"
    i = where % len(word)
    return word[:i] + word[i + 1 :] if len(word) > 1 else word + word


TREE_OPS = (
    *["adjust"] * 4,
    *["replace"] * 2,
    "delete",
    "rename",
    "insert",
    "copy-from",
    "swap",
    "wrap",
    "unwrap",
    "typo",
    "duplicate-item",
)
GENTLE_OPS = ("adjust", "adjust", "adjust", "duplicate-item")
"""Edits that mostly keep a model valid: values of the same kind, list items twice."""


@st.composite
def _edit_tree(draw: st.DrawFn, docs: list[Any], ops: tuple[str, ...] = TREE_OPS) -> str:
    """Change one place in ``docs`` (a list of documents); return what was done."""
    slots = [(c, k) for c, k in _slots(docs) if c is not docs]  # not a whole document
    if not slots:
        docs.append(draw(values))
        return "append a document"
    container, key = slots[draw(st.integers(0, len(slots) - 1))]
    op = draw(st.sampled_from(ops))
    if op == "adjust":
        container[key] = draw(_like(container[key], docs))
    elif op == "replace":
        container[key] = draw(values)
    elif op == "delete":
        del container[key]
    elif op == "rename" and isinstance(container, dict):
        known = _keys(docs)
        new = draw(st.one_of(st.sampled_from(known), strings, st.sampled_from(["<<", "? a"])))
        if new not in container:
            container[new] = container.pop(key)
    elif op == "insert" and isinstance(container, dict):
        known = _keys(docs)
        container[draw(st.one_of(st.sampled_from(known), strings))] = draw(values)
    elif op == "insert":
        container.insert(key, draw(values))
    elif op == "copy-from":
        other_container, other_key = slots[draw(st.integers(0, len(slots) - 1))]
        container[key] = copy.deepcopy(other_container[other_key])
    elif op == "swap":
        other_container, other_key = slots[draw(st.integers(0, len(slots) - 1))]
        mine, theirs = container[key], other_container[other_key]
        container[key], other_container[other_key] = copy.deepcopy(theirs), copy.deepcopy(mine)
    elif op == "wrap":
        container[key] = [container[key]] if draw(st.booleans()) else {"x": container[key]}
    elif op == "unwrap" and isinstance(container[key], list | dict) and container[key]:
        inner = container[key]
        container[key] = inner[0] if isinstance(inner, list) else next(iter(inner.values()))
    elif op == "typo" and isinstance(container[key], str):
        container[key] = _typo(container[key], draw(st.integers(0, 100)))
    elif op == "typo" and isinstance(container, dict) and isinstance(key, str):
        container[_typo(key, draw(st.integers(0, 100)))] = container.pop(key)
    elif op == "duplicate-item" and isinstance(container, list):
        container.append(copy.deepcopy(container[key]))
    elif op == "duplicate-item":
        others = _scalars_in(docs)
        if others:
            container[key] = draw(st.sampled_from(others))
    return op


# ---- writing the tree back ------------------------------------------------------------------


@dataclass
class _Verbatim:
    """Placeholders for Raw values while a tree is written."""

    raws: dict[str, Raw] = field(default_factory=dict)

    def hold(self, raw: Raw) -> str:
        token = f"RAWTOKEN{len(self.raws):04d}X"
        self.raws[token] = raw
        return token

    def restore(self, text: str, syntax: str) -> str:
        for token, raw in self.raws.items():
            if syntax == "json":
                text = text.replace(f'"{token}"', raw.json or json.dumps(raw.yaml))
            else:
                text = text.replace(f"'{token}'", raw.yaml).replace(token, raw.yaml)
        return text


def _prepare(node: Any, verbatim: _Verbatim, syntax: str) -> Any:
    """Return ``node`` with Raw values as placeholders (and, for JSON, tags and odd keys
    flattened to what JSON can hold)."""
    if isinstance(node, Raw):
        return verbatim.hold(node)
    if isinstance(node, Tagged):
        if syntax == "json":
            return {node.tag: _prepare(node.value, verbatim, syntax)}
        return Tagged(node.tag, _prepare(node.value, verbatim, syntax))
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            key = k if isinstance(k, str) or syntax != "json" else str(k)
            out[key] = _prepare(v, verbatim, syntax)
        return out
    if isinstance(node, list):
        return [_prepare(v, verbatim, syntax) for v in node]
    return node


class _Dumper(yaml.SafeDumper):
    """Writes trees: Tagged values with their tag; long ints and datetimes as PyYAML does."""


def _represent_tagged(dumper: yaml.SafeDumper, value: Tagged) -> yaml.Node:
    if isinstance(value.value, dict):
        return dumper.represent_mapping(value.tag, value.value)
    if isinstance(value.value, list):
        return dumper.represent_sequence(value.tag, value.value)
    return dumper.represent_scalar(value.tag, "" if value.value is None else str(value.value))


_Dumper.add_representer(Tagged, _represent_tagged)
_Dumper.add_representer(tuple, lambda d, v: d.represent_list(list(v)))
_Dumper.ignore_aliases = lambda self, data: True  # type: ignore[method-assign]


def _csv_text(rows: Any) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows if isinstance(rows, list) else [[rows]]:
        if isinstance(row, list):
            writer.writerow(["" if c is None else str(c) for c in row])
        else:
            writer.writerow([str(row)])
    return out.getvalue()


@st.composite
def write_tree(draw: st.DrawFn, docs: list[Any], syntax: str) -> str:
    """Return ``docs`` written as text of ``syntax``, in a drawn style."""
    verbatim = _Verbatim()
    prepared = _prepare(docs, verbatim, syntax)
    if syntax == "csv":
        return _csv_text(prepared[0] if prepared else [])
    if syntax == "json" or (syntax == "yaml" and draw(st.integers(0, 9)) == 0):
        body = prepared[0] if len(prepared) == 1 else prepared
        text = json.dumps(
            body,
            indent=draw(st.sampled_from([None, 2])),
            ensure_ascii=draw(st.booleans()),
            default=str,
        )
        return verbatim.restore(text, "json")
    style = draw(st.sampled_from([False, False, None, True]))
    text = yaml.dump_all(
        prepared,
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=style,
        allow_unicode=draw(st.booleans()),
        width=draw(st.sampled_from([80, 10**6])),
        explicit_start=len(prepared) > 1,
        canonical=draw(st.integers(0, 19)) == 0,
    )
    return verbatim.restore(text, "yaml")


# ---- layer 2: the text ----------------------------------------------------------------------

SNIPPETS = [
    *CONTROLS,
    *UNICODE,
    *TEMPLATING,
    "\t",
    ": ",
    ":",
    "- ",
    "# ",
    "'",
    '"',
    "{",
    "}",
    "[",
    "]",
    ",",
    "&a ",
    "*a",
    "<<: *a\n",
    "<<: [*a, *b]\n",
    "!!str ",
    "!!python/object:os.system ",
    "!Ref ",
    "? ",
    "|\n",
    ">-\n",
    "\n---\n",
    "\n...\n",
    "%YAML 1.1\n---\n",
    "%TAG ! tag:example.com,2000:\n---\n",
    "\\",
    "\\u0000",
    "\\x1b",
    "\\e",
]
_VALUE = re.compile(r"(?m)(:[ \t]+|^[ \t]*-[ \t]+)([^\s#][^\n#]*)$")


@st.composite
def _edit_text(draw: st.DrawFn, text: str) -> str:
    lines = text.splitlines(keepends=True) or [""]
    i = draw(st.integers(0, len(lines) - 1))
    op = draw(
        st.sampled_from(
            [
                "dup-line",
                "del-line",
                "swap-lines",
                "indent",
                "dedent",
                "splice",
                "splice",
                "raw-value",
                "raw-value",
                "anchor-alias",
                "merge-key",
                "second-document",
                "alias-bomb",
                "truncate",
                "repeat",
            ]
        )
    )
    if op == "dup-line":
        lines.insert(i, lines[i])
    elif op == "del-line":
        del lines[i]
    elif op == "swap-lines":
        j = draw(st.integers(0, len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
    elif op == "indent":
        lines[i] = draw(st.sampled_from([" ", "  ", "\t", " " * 1001])) + lines[i]
    elif op == "dedent":
        lines[i] = lines[i].lstrip(" ")
    elif op == "splice":
        at = draw(st.integers(0, len(lines[i])))
        snippet = draw(st.one_of(st.sampled_from(SNIPPETS), strings))
        lines[i] = lines[i][:at] + snippet + lines[i][at:]
    elif op == "raw-value":
        found = list(_VALUE.finditer(text))
        if found:
            m = found[draw(st.integers(0, len(found) - 1))]
            raw = draw(st.one_of(st.sampled_from(RAW_NUMBERS), st.sampled_from(RAW_STRUCTURES)))
            return text[: m.start(2)] + raw.yaml + text[m.end(2) :]
    elif op == "anchor-alias":
        found = list(_VALUE.finditer(text))
        if len(found) >= 2:
            a, b = sorted(draw(st.lists(st.sampled_from(found), min_size=2, max_size=2)), key=_at)
            return (
                text[: a.start(2)] + "&a " + text[a.start(2) : b.start(2)] + "*a" + text[b.end(2) :]
            )
    elif op == "merge-key":
        indent = re.match(r"[ \t]*", lines[i])
        lines.insert(i, (indent.group() if indent else "") + "<<: *a\n")
    elif op == "second-document":
        return text + draw(st.sampled_from(["\n---\n", "\n--- \n", "\n...\n---\n"])) + text
    elif op == "alias-bomb":
        bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + "".join(
            f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        )
        return bomb + text
    elif op == "truncate":
        return text[: draw(st.integers(0, len(text)))]
    elif op == "repeat":
        times = draw(st.sampled_from([2, 10, 200]))
        return text * max(1, min(times, MAX_MUTANT_CHARS // max(1, len(text))))
    return "".join(lines)


def _at(match: re.Match[str]) -> int:
    return match.start()


# ---- layer 3: the bytes ---------------------------------------------------------------------

BOMS = [b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00", b"\xef\xbb\xbf" * 2]
BAD_BYTES = [b"\x00", b"\xff", b"\xc3", b"\xe9", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\x80"]


@st.composite
def _edit_bytes(draw: st.DrawFn, data: bytes) -> bytes:
    op = draw(
        st.sampled_from(
            ["truncate", "insert", "bom", "utf16", "latin1", "crlf", "cr", "flip", "nul-late"]
        )
    )
    at = draw(st.integers(0, len(data)))
    if op == "truncate":
        return data[:at]
    if op == "insert":
        return data[:at] + draw(st.sampled_from(BAD_BYTES)) + data[at:]
    if op == "bom":
        return draw(st.sampled_from(BOMS)) + data
    if op == "utf16":
        return data.decode("utf-8", "replace").encode(draw(st.sampled_from(["utf-16", "utf-32"])))
    if op == "latin1":
        return data.decode("utf-8", "replace").encode("latin-1", "replace")
    if op == "crlf":
        return data.replace(b"\n", b"\r\n")
    if op == "cr":
        return data.replace(b"\n", b"\r")
    if op == "nul-late":
        return data + b"\n" + b"#" * 70_000 + b"\x00"  # past the first 64 KiB
    if not data:
        return data
    at = min(at, len(data) - 1)
    return data[:at] + bytes([data[at] ^ (1 << draw(st.integers(0, 7)))]) + data[at + 1 :]


# ---- all three ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mutant:
    """A mutated input: its text when it still is text, else only bytes; ``steps`` says what
    was done to which seed (shown when an example fails)."""

    seed: str
    name: str
    data: bytes
    text: str | None
    steps: tuple[str, ...]

    def __repr__(self) -> str:
        shown = self.data if len(self.data) <= 400 else self.data[:400] + b"..."
        return f"Mutant(seed={self.seed!r}, steps={self.steps!r}, data={shown!r})"


@st.composite
def mutated(
    draw: st.DrawFn,
    seeds: tuple[Seed, ...],
    *,
    generated: st.SearchStrategy[Seed] | None = None,
    bytes_level: bool = True,
    max_edits: int = 3,
    gentle: bool = False,
) -> Mutant:
    """Return a seed of ``seeds`` (or of ``generated``) changed in up to three layers (tree,
    text, bytes).

    Most examples change a good seed (one that loads) in one or two places, so they get past
    the parser to the code behind it; the rest pile up edits or start from a bad fixture.
    ``gentle`` mutants only change values into others of the same kind, in good seeds, so
    most still load and reach the analyses and renderers."""
    good = tuple(s for s in seeds if not s.bad) or seeds
    choices = [st.sampled_from(good)] if gentle else [st.sampled_from(good), st.sampled_from(seeds)]
    seed = draw(st.one_of(*choices, *([generated] if generated is not None else [])))
    steps: list[str] = []
    text = seed.text
    tree_edits = draw(st.sampled_from([1, 1, 1, 2, 0, max_edits]))
    if tree_edits:
        docs = parse_seed(seed)
        if docs is not None:
            for _ in range(tree_edits):
                steps.append("tree:" + draw(_edit_tree(docs, GENTLE_OPS if gentle else TREE_OPS)))
            text = draw(write_tree(docs, seed.syntax))
    if gentle:
        return Mutant(
            seed.name, seed.name, text.encode("utf-8", "surrogatepass"), text, tuple(steps)
        )
    for _ in range(draw(st.sampled_from([0, 0, 1, 2] if steps else [1, 1, 2, max_edits]))):
        before = text
        text = draw(_edit_text(text))
        steps.append("text" if text != before else "text:no-op")
    data = text.encode("utf-8", "surrogatepass")
    decoded: str | None = text
    if bytes_level and draw(st.integers(0, 5)) == 0:
        for _ in range(draw(st.integers(1, 2))):
            data = draw(_edit_bytes(data))
            steps.append("bytes")
        try:
            decoded = data.decode("utf-8")
        except UnicodeDecodeError:
            decoded = None
    return Mutant(seed.name, seed.name, data, decoded, tuple(steps))


def mutant_of(text: str, name: str = "pinned.yaml") -> Mutant:
    """Return a pinned input (an @example) as a Mutant."""
    return Mutant(name, name, text.encode("utf-8", "surrogatepass"), text, ("pinned",))


def bytes_mutant(data: bytes, name: str = "pinned.yaml") -> Mutant:
    """Return a pinned byte input (an @example) as a Mutant."""
    try:
        text: str | None = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    return Mutant(name, name, data, text, ("pinned",))


Check = Callable[[Mutant], None]
