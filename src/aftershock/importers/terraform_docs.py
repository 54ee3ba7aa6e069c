"""Read Terraform's JSON into resources: ``terraform show -json`` of a plan or of a state, and
raw state files (version 4). Child modules are read recursively; every resource keeps its
instances' values, its sensitive attribute paths, its configuration and its dependencies."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aftershock.errors import ImportInputError, Problem
from aftershock.importers.infra_inputs import read_input
from aftershock.importers.input_files import parse_json

HINT = (
    "pass the output of `terraform show -json PLANFILE` (a plan), `terraform show -json` "
    "(the state) or a terraform.tfstate file"
)
Path_ = tuple[str | int, ...]


@dataclass
class TfResource:
    """One resource block (all its instances) of a plan or state."""

    address: str
    """The address without an instance key: module.a.aws_lb.web or data.aws_subnet.x."""
    module: str
    """The module path, "" for the root: module.a.module.b."""
    mode: str
    type: str
    name: str
    provider: str
    """The provider configuration key: aws, aws.west."""
    instances: dict[str | int | None, dict[str, Any]] = field(default_factory=dict)
    sensitive: list[tuple[str | int | None, Path_]] = field(default_factory=list)
    config: dict[str, Any] | None = None
    depends: list[str] = field(default_factory=list)
    line: int | None = None


@dataclass
class ModuleConfig:
    """One module of a plan's configuration."""

    resources: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: dict[str, dict[str, Any]] = field(default_factory=dict)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    variables: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class TfDocument:
    """A plan or state, read."""

    path: Path
    kind: str
    """plan, state, or raw state."""
    data: dict[str, Any]
    resources: dict[str, TfResource] = field(default_factory=dict)
    providers: dict[str, dict[str, Any]] = field(default_factory=dict)
    modules: dict[str, ModuleConfig] = field(default_factory=dict)
    variables: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)


def read_document(path: Path) -> TfDocument:
    """Return the plan or state in ``path``. Raises ImportInputError for a file that is not
    JSON, or JSON that is neither a plan nor a state."""
    text = read_input(path, HINT)
    data = parse_json(text, path, HINT)
    if not isinstance(data, dict):
        raise _unsupported(path, f"a JSON {type(data).__name__}, not an object")
    if "planned_values" in data or "resource_changes" in data:
        doc = TfDocument(path, "plan", data)
        _read_plan(doc)
    elif "values" in data and "format_version" in data:
        doc = TfDocument(path, "state", data)
        shape = _Shape(path)
        values = shape.map(data.get("values"), "values")
        root = shape.map(values.get("root_module"), "values.root_module")
        _read_values(doc, shape, root, "values.root_module")
    elif isinstance(data.get("resources"), list) and "version" in data:
        if data.get("version") != 4:
            raise _unsupported(
                path, f"a version {data.get('version')} state file (only version 4 is read)"
            )
        doc = TfDocument(path, "raw state", data)
        _read_raw(doc)
    elif "modules" in data and "version" in data:
        raise _unsupported(path, f"a version {data.get('version')} state file (pre-0.12)")
    elif "format_version" in data and "terraform_version" in data:
        doc = TfDocument(path, "state", data)  # `terraform show -json` of an empty state
    else:
        # what the file holds is not repeated: it may be any file, secrets and all
        raise _unsupported(path, f"a JSON object of {len(data)} keys, none of a plan's or state's")
    _locate(doc, text)
    return doc


def _unsupported(path: Path, what: str) -> ImportInputError:
    return ImportInputError(
        Problem(
            f"not a Terraform plan or state: {what}",
            file=str(path),
            line=1,
            hint=HINT,
        )
    )


class _Shape:
    """Typed reads of a plan's or state's JSON: a value of the wrong type is the input's
    fault, named by its path (``resource_changes[3].change``), never a crash."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def map(self, value: object, where: str) -> dict[str, Any]:
        """Return ``value`` as an object (empty when absent)."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self._wrong(where, "an object", value)
        return value

    def items(self, value: object, where: str) -> list[dict[str, Any]]:
        """Return ``value`` as a list of objects (empty when absent)."""
        if value is None:
            return []
        if not isinstance(value, list):
            raise self._wrong(where, "a list", value)
        return [self.map(item, f"{where}[{i}]") for i, item in enumerate(value)]

    def _wrong(self, where: str, expected: str, value: object) -> ImportInputError:
        found = {dict: "an object", list: "a list", str: "text", bool: "true or false"}.get(
            type(value), "a number"
        )
        return ImportInputError(
            Problem(
                f"not a Terraform plan or state: {where} is {found}, not {expected}",
                file=str(self.path),
                hint=HINT,
            )
        )


def _read_plan(doc: TfDocument) -> None:
    shape = _Shape(doc.path)
    data = doc.data
    config = shape.map(data.get("configuration"), "configuration")
    doc.providers = dict(shape.map(config.get("provider_config"), "configuration.provider_config"))
    variables = shape.map(data.get("variables"), "variables")
    doc.variables = {
        name: shape.map(var, f"variables.{name}").get("value") for name, var in variables.items()
    }
    _read_config(doc, shape, "", shape.map(config.get("root_module"), "configuration.root_module"))
    prior = shape.map(data.get("prior_state"), "prior_state")
    prior_values = shape.map(prior.get("values"), "prior_state.values")
    root = "prior_state.values.root_module"
    _read_values(doc, shape, shape.map(prior_values.get("root_module"), root), root)
    planned = shape.map(data.get("planned_values"), "planned_values")
    root = "planned_values.root_module"
    _read_values(doc, shape, shape.map(planned.get("root_module"), root), root)
    for i, change in enumerate(shape.items(data.get("resource_changes"), "resource_changes")):
        body = shape.map(change.get("change"), f"resource_changes[{i}].change")
        actions = body.get("actions") or []
        address, index = _instance(change)
        if actions == ["delete"]:
            doc.resources.pop(address, None)
            continue
        res = doc.resources.get(address) or _add(doc, change)
        if index not in res.instances and isinstance(body.get("after"), dict):
            res.instances[index] = body["after"]
        for key in ("after_sensitive", "before_sensitive"):
            res.sensitive += [(index, p) for p in _true_paths(body.get(key))]
    for res in doc.resources.values():
        module = doc.modules.get(res.module)
        relative = res.address[len(res.module) + 1 :] if res.module else res.address
        if module is not None:
            res.config = module.resources.get(relative)
        if res.config and res.config.get("provider_config_key"):
            res.provider = str(res.config["provider_config_key"])


def _read_config(doc: TfDocument, shape: _Shape, path: str, module: dict[str, Any]) -> None:
    conf = doc.modules.setdefault(path, ModuleConfig())
    where = f"configuration.{path or 'root_module'}"
    for res in shape.items(module.get("resources"), f"{where}.resources"):
        conf.resources[str(res.get("address", ""))] = res
    conf.outputs = dict(shape.map(module.get("outputs"), f"{where}.outputs"))
    conf.variables = dict(shape.map(module.get("variables"), f"{where}.variables"))
    for name, call in shape.map(module.get("module_calls"), f"{where}.module_calls").items():
        call = shape.map(call, f"{where}.module_calls.{name}")
        conf.calls[name] = call
        child = f"{path}.module.{name}" if path else f"module.{name}"
        _read_config(doc, shape, child, shape.map(call.get("module"), f"{where}.{name}.module"))


def _read_values(doc: TfDocument, shape: _Shape, module: dict[str, Any], where: str) -> None:
    for item in shape.items(module.get("resources"), f"{where}.resources"):
        address, index = _instance(item)
        res = doc.resources.get(address) or _add(doc, item)
        if isinstance(item.get("values"), dict):
            res.instances[index] = item["values"]
        res.sensitive += [(index, p) for p in _true_paths(item.get("sensitive_values"))]
        res.depends += [str(d) for d in _strings(item.get("depends_on"))]
    for i, child in enumerate(shape.items(module.get("child_modules"), f"{where}.child_modules")):
        _read_values(doc, shape, child, f"{where}.child_modules[{i}]")


def _strings(value: object) -> list[object]:
    """Return a list's items (nothing for anything that is not a list)."""
    return value if isinstance(value, list) else []


def _add(doc: TfDocument, item: dict[str, Any]) -> TfResource:
    address = _instance(item)[0]
    module = _module_of(address)
    res = TfResource(
        address=address,
        module=module,
        mode=str(item.get("mode", "managed")),
        type=str(item.get("type", "")),
        name=str(item.get("name", "")),
        provider=_provider_key(str(item.get("provider_name", "aws"))),
    )
    doc.resources[address] = res
    return res


def _read_raw(doc: TfDocument) -> None:
    shape = _Shape(doc.path)
    for n, item in enumerate(shape.items(doc.data.get("resources"), "resources")):
        module_instance = str(item.get("module") or "")
        module = _ANY_INDEX.sub("", module_instance)
        mode = str(item.get("mode", "managed"))
        rtype, name = str(item.get("type", "")), str(item.get("name", ""))
        local = f"data.{rtype}.{name}" if mode == "data" else f"{rtype}.{name}"
        address = f"{module}.{local}" if module else local
        res = doc.resources.get(address)
        if res is None:
            res = doc.resources[address] = TfResource(
                address, module, mode, rtype, name, _provider_key(str(item.get("provider", "")))
            )
        for inst in shape.items(item.get("instances"), f"resources[{n}].instances"):
            index = inst.get("index_key")
            if module_instance != module:
                index = f"{module_instance}[{index}]"
            attributes = inst.get("attributes") or inst.get("attributes_flat") or {}
            res.instances[index] = shape.map(attributes, f"resources[{n}].instances.attributes")
            res.sensitive += [(index, p) for p in _state_paths(inst.get("sensitive_attributes"))]
            res.depends += [str(d) for d in _strings(inst.get("dependencies"))]
            res.depends += [str(d) for d in _strings(inst.get("depends_on"))]


_ANY_INDEX = re.compile(r"\[(?:\"[^\"]*\"|[^\]]*)\]")


def _base(address: str) -> str:
    """Return an address without instance keys: module.m[0].aws_subnet.a[1] ->
    module.m.aws_subnet.a."""
    return _ANY_INDEX.sub("", address)


def _instance(item: dict[str, Any]) -> tuple[str, str | int | None]:
    """Return the resource address of a plan or state item and its instance key: the index,
    or the whole address when a module instance key makes the index ambiguous."""
    full = str(item.get("address", ""))
    index = item.get("index")
    address = _base(full)
    if _ANY_INDEX.search(full[: full.rfind(".")] if "." in full else ""):
        return address, full
    return address, index if isinstance(index, int | str) else None


def _module_of(address: str) -> str:
    """Return the module path of a resource address (no instance keys): "" for the root."""
    parts = address.split(".")
    out: list[str] = []
    while len(parts) > 2 and parts[0] == "module":
        out += parts[:2]
        parts = parts[2:]
    return ".".join(out)


def _provider_key(text: str) -> str:
    """Return the configuration key of a provider reference: 'provider["registry.terraform.io/
    hashicorp/aws"].west' and 'provider.aws.west' -> aws.west."""
    match = re.search(r'provider\["[^"]*?([\w-]+)"\](?:\.([\w-]+))?', text)
    if match:
        name, alias = match.group(1), match.group(2)
    else:
        match = re.search(r"provider\.([\w-]+)(?:\.([\w-]+))?", text)
        if match:
            name, alias = match.group(1), match.group(2)
        else:
            name, alias = text.rsplit("/", 1)[-1] or "aws", None
    return f"{name}.{alias}" if alias else name


def _true_paths(tree: object, prefix: Path_ = ()) -> list[Path_]:
    """Return the paths where a ``sensitive_values`` tree holds ``true``."""
    if tree is True:
        return [prefix]
    if isinstance(tree, dict):
        return [p for k, v in tree.items() for p in _true_paths(v, (*prefix, str(k)))]
    if isinstance(tree, list):
        return [p for i, v in enumerate(tree) for p in _true_paths(v, (*prefix, i))]
    return []


def _state_paths(items: object) -> list[Path_]:
    """Return the paths of a raw state's ``sensitive_attributes`` (lists of steps)."""
    out: list[Path_] = []
    for steps in items if isinstance(items, list) else []:
        path: list[str | int] = []
        for step in steps if isinstance(steps, list) else []:
            value = step.get("value") if isinstance(step, dict) else step
            if isinstance(value, dict):
                value = value.get("value")
            if isinstance(value, int | str) and not isinstance(value, bool):
                path.append(value)
        if path:
            out.append(tuple(path))
    return out


def values_at(values: object, path: Path_) -> object:
    """Return the value at ``path`` in an instance's values (None when absent)."""
    here = values
    for step in path:
        if isinstance(here, dict) and isinstance(step, str):
            here = here.get(step)
        elif isinstance(here, list) and isinstance(step, int) and 0 <= step < len(here):
            here = here[step]
        else:
            return None
    return here


def _locate(doc: TfDocument, text: str) -> None:
    """Remember the line each resource is first written on, for comments (not in a file of
    a few lines: minified JSON)."""
    if text.count("\n") < 3:
        return
    starts = [0, *(m.end() for m in re.finditer("\n", text))]

    def line_at(offset: int) -> int:
        lo, hi = 0, len(starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1

    for match in re.finditer(r'"address"\s*:\s*"([^"]+)"', text):
        doc.lines.setdefault(_base(match.group(1)), line_at(match.start()))
    for match in re.finditer(r'"type"\s*:\s*"([^"]+)",\s*"name"\s*:\s*"([^"]+)"', text):
        for res in doc.resources.values():
            if (res.type, res.name) == match.groups() and res.line is None:
                res.line = line_at(match.start())
                break
    for res in doc.resources.values():
        res.line = doc.lines.get(res.address, res.line)
