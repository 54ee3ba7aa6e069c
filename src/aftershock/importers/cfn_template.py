"""Read a CloudFormation template (YAML with short-form tags such as ``!Ref``, or JSON) into
plain data in the long form (``{"Ref": ...}``, ``{"Fn::GetAtt": [...]}``), remembering the line
of each resource, parameter and output."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode, ScalarNode

from aftershock.errors import ImportInputError, Problem
from aftershock.importers.infra_inputs import read_input
from aftershock.importers.input_files import parse_json
from aftershock.source import LIMITS, Converter, Reading, compose

HINT = "pass a CloudFormation template (YAML or JSON) with a Resources section"
_SECTIONS = ("Resources", "Parameters", "Outputs", "Conditions")


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
    text = read_input(path, HINT, limit=LIMITS.yaml_bytes)
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
    reading = Reading(
        str(path),
        ImportInputError,
        located=False,
        tags=_long_form,
        syntax_hint=HINT,
        tag_hint="CloudFormation takes plain YAML and its short-form tags (!Ref, !Sub, ...)",
    )
    roots = compose(text, reading)
    if len(roots) > 1:
        raise ImportInputError(
            Problem(
                "more than one YAML document; a template is exactly one",
                file=str(path),
                line=roots[1].start_mark.line + 1,
                hint=HINT,
            )
        )
    root = roots[0] if roots else None
    data = Converter(reading).convert(root) if root is not None else None
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


def _long_form(tag: str, value: Any, line: int) -> dict[str, Any]:
    """Return a short-form intrinsic (``!Ref x``) in its long form (``{"Ref": "x"}``)."""
    del line
    name = tag.removeprefix("!")
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
        # The file may be anything (a nested stack's URL can name any file): its content is
        # not quoted back.
        raise ImportInputError(
            Problem(
                "not a CloudFormation template: no Resources section",
                file=where,
                line=1,
                hint=HINT,
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
