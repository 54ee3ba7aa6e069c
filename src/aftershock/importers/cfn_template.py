"""Read a CloudFormation template (YAML with short-form tags such as ``!Ref``, or JSON) into
plain data in the long form (``{"Ref": ...}``, ``{"Fn::GetAtt": [...]}``), remembering the line
of each resource, parameter and output."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from aftershock.errors import ImportInputError, Problem
from aftershock.importers.infra_inputs import read_input
from aftershock.importers.input_files import parse_json

HINT = "pass a CloudFormation template (YAML or JSON) with a Resources section"
_SECTIONS = ("Resources", "Parameters", "Outputs", "Conditions")
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CONSTRUCT = yaml.constructor.SafeConstructor()
MAX_DEPTH = 200
MAX_NODES = 2_000_000
_CORE = "tag:yaml.org,2002:"
_PLAIN = {"str", "int", "float", "bool", "null"}


@dataclass
class Template:
    """One template: its data in long form and where its entries stand."""

    path: Path
    data: dict[str, Any]
    lines: dict[tuple[str, str], int] = field(default_factory=dict)
    """(section, name) -> line, for Resources, Parameters, Outputs and Conditions."""

    def section(self, name: str) -> dict[str, Any]:
        """Return a top-level section as a mapping (empty when absent or malformed)."""
        value = self.data.get(name)
        return value if isinstance(value, dict) else {}

    def line(self, section: str, name: str) -> int | None:
        """Return the line of an entry of a section."""
        return self.lines.get((section, name))


def load_template(path: Path) -> Template:
    """Return the template in ``path``. Raises ImportInputError for malformed YAML or JSON, or
    a document that is not a CloudFormation template."""
    text = read_input(path, HINT)
    if path.suffix.lower() == ".json" or text.lstrip().startswith("{"):
        template = _from_json(path, text)
    else:
        template = _from_yaml(path, text)
    _check(template)
    return template


def _from_json(path: Path, text: str) -> Template:
    data = parse_json(text, path, HINT)
    template = Template(path, data if isinstance(data, dict) else {"": data})
    offsets = {s: text.find(f'"{s}"') for s in _SECTIONS}
    for section, start in offsets.items():
        if start < 0 or not isinstance(data, dict):
            continue
        for name in template.section(section):
            found = text.find(json.dumps(name), start + len(section) + 2)
            if found >= 0:
                template.lines[(section, name)] = text.count("\n", 0, found) + 1
    return template


def _from_yaml(path: Path, text: str) -> Template:
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = f"not valid YAML: {exc.problem or exc.context}"
        if "single document" in str(exc.context):
            what = "more than one YAML document; a template is exactly one"
        raise ImportInputError(
            Problem(
                what,
                file=str(path),
                line=mark.line + 1 if mark else None,
                column=mark.column + 1 if mark else None,
                hint=HINT,
            )
        ) from exc
    except yaml.YAMLError as exc:
        raise ImportInputError(
            Problem(f"not valid YAML: {exc}", file=str(path), hint=HINT)
        ) from exc
    data = _convert(root, path, 0, [MAX_NODES]) if root is not None else None
    template = Template(path, data if isinstance(data, dict) else {"": data})
    if isinstance(root, MappingNode):
        for key, value in root.value:
            if not (isinstance(key, ScalarNode) and isinstance(value, MappingNode)):
                continue
            if key.value in _SECTIONS:
                for name, _ in value.value:
                    if isinstance(name, ScalarNode):
                        template.lines[(key.value, name.value)] = name.start_mark.line + 1
    return template


def _convert(node: Node, path: Path, depth: int, budget: list[int]) -> Any:
    """Return a node as plain data, short-form tags as their long form. ``budget`` counts the
    nodes left to convert, so aliases cannot expand without bound."""
    budget[0] -= 1
    if depth > MAX_DEPTH or budget[0] < 0:
        what = (
            f"nested more than {MAX_DEPTH} levels deep"
            if depth > MAX_DEPTH
            else (f"expands to more than {MAX_NODES} values (YAML aliases)")
        )
        raise ImportInputError(
            Problem(what, file=str(path), line=node.start_mark.line + 1, hint=HINT)
        )
    tag = node.tag if node.tag.startswith("!") else None
    if isinstance(node, MappingNode):
        value: Any = {}
        for key, item in node.value:
            name = (
                key.value
                if isinstance(key, ScalarNode)
                else str(_convert(key, path, depth, budget))
            )
            value[str(name)] = _convert(item, path, depth + 1, budget)
    elif isinstance(node, SequenceNode):
        value = [_convert(item, path, depth + 1, budget) for item in node.value]
    elif tag is not None or node.tag == "tag:yaml.org,2002:timestamp":
        value = node.value
    elif node.tag.removeprefix(_CORE) in _PLAIN:
        value = _CONSTRUCT.construct_object(node)
    else:
        raise ImportInputError(
            Problem(
                f"unsupported YAML tag {node.tag!r}",
                file=str(path),
                line=node.start_mark.line + 1,
                value=node.tag,
                hint="CloudFormation takes plain YAML and its short-form tags (!Ref, !Sub, ...)",
            )
        )
    if tag is None:
        return value
    return _long_form(tag[1:], value)


def _long_form(name: str, value: Any) -> dict[str, Any]:
    if name in ("Ref", "Condition"):
        return {name: value}
    if name == "GetAtt" and isinstance(value, str):
        resource, _, attribute = value.partition(".")
        return {"Fn::GetAtt": [resource, attribute]}
    return {f"Fn::{name}": value}


_TYPE = re.compile(r"^[A-Za-z0-9]+::[A-Za-z0-9]+(::[A-Za-z0-9]+)*$")


def _check(template: Template) -> None:
    """Raise ImportInputError unless the data is a template with typed resources."""
    data, where = template.data, str(template.path)
    if "" in data and len(data) == 1:
        found = type(data[""]).__name__
        kinds = {"list": "a list", "str": "plain text", "NoneType": "an empty document"}
        kind = kinds.get(found, f"a {found}")
        raise ImportInputError(
            Problem(f"not a CloudFormation template: {kind}", file=where, line=1, hint=HINT)
        )
    resources = data.get("Resources")
    if not isinstance(resources, dict) or not resources:
        found = ", ".join(sorted(str(k) for k in data)[:6]) or "none"
        raise ImportInputError(
            Problem(
                "not a CloudFormation template: no Resources section",
                file=where,
                line=1,
                value=found,
                hint=HINT + f" (top-level keys: {found})",
            )
        )
    for name, body in resources.items():
        rtype = body.get("Type") if isinstance(body, dict) else None
        if not isinstance(rtype, str) or not _TYPE.match(rtype):
            raise ImportInputError(
                Problem(
                    f"resource {name!r} has no valid Type"
                    + (f" ({rtype!r})" if rtype is not None else ""),
                    file=where,
                    line=template.line("Resources", name),
                    value=name,
                    hint="every resource needs a Type such as AWS::S3::Bucket",
                )
            )
