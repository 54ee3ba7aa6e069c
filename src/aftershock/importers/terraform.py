"""Terraform plans and states (``terraform show -json``, raw ``terraform.tfstate``) to a Draft.

What it infers, per resource block (all instances of a ``count``/``for_each`` are one
component):

- components from AWS resource types (aws_roles.TERRAFORM), other providers' compute, data
  and storage types by name, without placement;
- regions from the resource's own ``region`` attribute, its ARN or zone names, else its
  provider configuration (aliases such as ``aws.west``, a ``region`` constant or variable);
- zones from zone names and ids, subnets (``vpc_zone_identifier``, ``subnets``, subnet groups),
  ``multi_az`` (2), ElastiCache node counts and failover, Aurora members;
- replicas from DynamoDB ``replica`` blocks, S3 replication, read replicas, global clusters;
- dependencies from the configuration's ``references`` (through variables and module
  outputs), from ``depends_on``/``dependencies``, and in states from attribute values equal to
  another resource's id, ARN or name; infra_graph turns them into component dependencies.

Sensitive values (``sensitive_values``, ``*_sensitive``, ``sensitive_attributes``, sensitive
variables and outputs) and anything that looks like a credential are recorded as secrets and
never written.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

from aftershock.errors import ImportInputError, Problem
from aftershock.importers import ImportOptions
from aftershock.importers.aws_placement import is_region, region_of_arn, region_of_zone
from aftershock.importers.aws_roles import TERRAFORM, TERRAFORM_REFS, generic_kind, ref_kind
from aftershock.importers.draft import Draft
from aftershock.importers.infra_graph import Ref, Resource, Role, build
from aftershock.importers.infra_inputs import record_secrets
from aftershock.importers.terraform_docs import (
    HINT,
    TfDocument,
    TfResource,
    read_document,
    values_at,
)
from aftershock.importers.terraform_facts import add_facts
from aftershock.importers.yamldocs import as_list, as_map

_LOCAL_HEADS = {"local", "each", "count", "path", "self", "terraform"}
_RESOURCE_REF = re.compile(r"^(data\.)?([\w-]+)\.([\w-]+)(?:\[(\d+|\"[^\"]*\")\])?")
_NAME_ATTRS = re.compile(r"(^|[._])(name|identifier|cluster|bucket|function)$", re.IGNORECASE)
_SKIP_ATTRS = {"id", "arn", "tags", "tags_all", "name", "owner_id", "arn_suffix", "name_prefix"}
_STRUCTURAL = frozenset(
    {
        "address", "type", "name", "mode", "provider_name", "provider_config_key", "provider",
        "module_address", "references", "depends_on", "dependencies", "lineage", "source",
        "terraform_version", "format_version", "version_constraint", "full_name", "index",
        "index_key", "previous_address", "action_reason",
    }
)  # fmt: skip
_CONVENTIONAL = {"this", "self", "default", "main", "module"}
_GENERIC_STEMS = {"plan", "state", "terraform", "tfplan", "tfstate", "main", "show"}


def read(inputs: Sequence[Path], options: ImportOptions) -> Draft:
    """Return a Draft of the Terraform plans and states in ``inputs``.

    Raises ImportInputError for a missing or malformed file, JSON that is neither a plan nor a
    state, or inputs with no resource aftershock models.
    """
    if not inputs:
        raise ImportInputError(Problem("no Terraform plan or state given", hint=HINT))
    docs = [read_document(Path(p)) for p in inputs]
    stem = Path(inputs[0]).stem.split(".")[0]
    name = Path(inputs[0]).resolve().parent.name if stem.lower() in _GENERIC_STEMS else stem
    draft = Draft(name=name or "terraform")
    resources: list[Resource] = []
    for i, doc in enumerate(docs):
        _record_secrets(draft, doc)
        prefix = f"{i}:" if len(docs) > 1 else ""
        found = _Reader(doc, options, prefix).resources()
        resources += found
        draft.sources.append(f"terraform {doc.kind}: {doc.path} ({len(doc.resources)} resources)")
    if not any(r.role.kind is not None or r.role.link == "launch" for r in resources):
        types = sorted({r.type for r in resources})
        raise ImportInputError(
            Problem(
                "no resource aftershock models as a component in "
                + ", ".join(str(p) for p in inputs)
                + f" (found {', '.join(types[:8]) or 'no resources'})",
                file=str(inputs[0]),
                value=", ".join(types[:8]) or "(no resources)",
                hint="aftershock reads AWS compute, databases, caches, queues, storage, load "
                "balancers, DNS and CDN resources; networking and IAM alone make no model",
            )
        )
    build(draft, resources)
    return draft


def _record_secrets(draft: Draft, doc: TfDocument) -> None:
    """Record sensitive and credential-like values anywhere in the document."""
    record_secrets(draft, "", doc.data, structural=_STRUCTURAL)
    for res in doc.resources.values():
        for index, path in res.sensitive:
            value = values_at(res.instances.get(index, {}), path)
            record_secrets(draft, str(path[-1]) if path else "", value, sensitive=True)
    config = as_map(doc.data.get("configuration"))
    declared = as_map(as_map(config.get("root_module")).get("variables"))
    for name, var in as_map(doc.data.get("variables")).items():
        if as_map(declared.get(name)).get("sensitive"):
            record_secrets(draft, name, as_map(var).get("value"), sensitive=True)
    for section in ("planned_values", "values"):
        outputs = as_map(as_map(doc.data.get(section)).get("outputs"))
        for name, out in outputs.items():
            if isinstance(out, dict) and out.get("sensitive"):
                record_secrets(draft, name, out.get("value"), sensitive=True)
    for name, out in as_map(doc.data.get("outputs")).items():
        if isinstance(out, dict) and out.get("sensitive"):
            record_secrets(draft, name, out.get("value"), sensitive=True)


class _Reader:
    """Turns one document's resources into infra_graph Resources."""

    def __init__(self, doc: TfDocument, options: ImportOptions, prefix: str) -> None:
        self.doc = doc
        self.options = options
        self.prefix = prefix
        self.by_value: dict[str, tuple[str, str | int | None]] = {}
        self.by_name: dict[str, set[str]] = {}
        for res in doc.resources.values():
            for index, values in res.instances.items():
                for key in ("id", "arn", "dns_name"):
                    value = values.get(key)
                    if isinstance(value, str) and len(value) >= 4:
                        self.by_value[value] = (res.address, index)
                for key in ("name", "bucket", "function_name", "cluster_identifier"):
                    value = values.get(key)
                    if isinstance(value, str) and len(value) >= 3:
                        self.by_name.setdefault(value, set()).add(res.address)
        self.default_region = self._data_region()

    def key(self, address: str) -> str:
        return self.prefix + address

    def resources(self) -> list[Resource]:
        out = [self.resource(res) for res in self.doc.resources.values()]
        self._guess_regions(out)
        return out

    def _guess_regions(self, resources: list[Resource]) -> None:
        """Place AWS resources whose values name no region (a state has no provider
        configuration) where most resources of the same provider are."""
        seen: dict[str, Counter[str]] = {}
        providers = {self.key(r.address): r.provider for r in self.doc.resources.values()}
        for res in resources:
            if res.region:
                seen.setdefault(providers[res.key], Counter())[res.region] += 1
        for res in resources:
            counts = seen.get(providers[res.key])
            if res.region or not counts or not res.type.startswith("aws_"):
                continue
            ranked = counts.most_common(2)
            if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
                res.region = ranked[0][0]
                res.note(
                    f"region {res.region}: where {ranked[0][1]} other resource(s) of provider "
                    f"{providers[res.key]} are (its own values do not say)"
                )

    def resource(self, res: TfResource) -> Resource:
        role = _role(res)
        short = res.type.removeprefix("aws_")
        module = res.module.replace("module.", "").replace(".", "-")
        names = [res.name, f"{short}-{res.name}"]
        if module and res.name in _CONVENTIONAL:  # terraform-aws-modules name theirs "this"
            last = res.module.rsplit(".", 1)[-1]
            names = [last, f"{last}-{short}"]
        if module:
            names.append(f"{module}-{short}-{res.name}")
        if self.prefix:  # several inputs: the file tells same-named resources apart
            names.append(f"{self.doc.path.stem}-{names[-1]}")
        where = f"{self.doc.path.name}:{res.line}" if res.line else self.doc.path.name
        out = Resource(
            key=self.key(res.address),
            type=res.type,
            role=role,
            label=res.address,
            names=names,
            why=f"{where}: {res.address}",
        )
        out.region, region_note = self.region(res)
        if region_note:
            out.note(region_note)
        out.refs = self.refs(res)
        if len(res.instances) > 1:
            out.note(f"{len(res.instances)} instances (count/for_each)")
        if not res.type.startswith("aws_") and role.kind is not None:
            provider = res.type.split("_", 1)[0]
            out.note(f"provider {provider} is not mapped to the catalog; placement unknown")
        add_facts(res, out)
        return out

    def region(self, res: TfResource) -> tuple[str | None, str | None]:
        """Return the region of ``res`` and a note when it was guessed."""
        if not res.type.startswith("aws_"):
            return None, None
        for values in res.instances.values():
            if is_region(values.get("region")):
                return str(values["region"]), None
            found = region_of_arn(values.get("arn")) or region_of_arn(values.get("id"))
            if found:
                return found, None
            zone = values.get("availability_zone")
            if isinstance(zone, str) and region_of_zone(zone):
                return region_of_zone(zone), None
        found = self.provider_region(res.provider)
        if found:
            return found, None
        if self.default_region:
            return self.default_region, None
        provider, _, region = (self.options.region or "").partition("/")
        if provider == "aws" and region:
            return region, f"region {region} from the import options (--region)"
        return None, None

    def provider_region(self, key: str) -> str | None:
        for candidate in (key, key.rpartition(":")[2], key.split(".")[0]):
            conf = self.doc.providers.get(candidate)
            if conf is None:
                continue
            expr = as_map(as_map(conf.get("expressions")).get("region"))
            if is_region(expr.get("constant_value")):
                return str(expr["constant_value"])
            for ref in as_list(expr.get("references")):
                value = self.doc.variables.get(ref.removeprefix("var.").split(".")[0])
                if is_region(value):
                    return str(value)
            return None
        return None

    def _data_region(self) -> str | None:
        for res in self.doc.resources.values():
            if res.type == "aws_region" and res.mode == "data":
                for values in res.instances.values():
                    if is_region(values.get("name")):
                        return str(values["name"])
        return None

    def refs(self, res: TfResource) -> list[Ref]:
        found: dict[tuple[str, str, int | None], Ref] = {}

        def add(target: str, attr: str, index: int | None) -> None:
            if target == res.address or target not in self.doc.resources:
                return
            kind = ref_kind(TERRAFORM_REFS, res.type, attr)
            if res.type == "aws_security_group_rule" and _egress(res):
                kind = "ignore" if kind == "ingress" else kind
            found.setdefault((target, kind, index), Ref(self.key(target), attr, kind, index))

        config = res.config or {}
        for attr, text in _expressions(as_map(config.get("expressions")), ""):
            for target, index in self.resolve(text, res.module, set()):
                add(target, attr, index)
        for text in as_list(config.get("depends_on")):
            for target, index in self.resolve(str(text), res.module, set()):
                add(target, "depends_on", index)
        matched = [] if self.doc.kind == "plan" else list(res.instances.values())
        for values in matched:  # a plan's configuration says it better than equal values
            for attr, value in _leaves(values, ""):
                if attr in _SKIP_ATTRS:
                    continue
                hit = self.by_value.get(value)
                if hit is not None:
                    add(hit[0], attr, hit[1] if isinstance(hit[1], int) else None)
                elif _NAME_ATTRS.search(attr) and len(self.by_name.get(value, ())) == 1:
                    add(next(iter(self.by_name[value])), attr, None)
        known = {ref.target for ref in found.values()}
        for dep in res.depends:
            target = re.sub(r"\[[^\]]*\]", "", dep)
            if self.key(target) not in known:
                add(target, "depends_on", None)
        return list(found.values())

    def resolve(
        self, text: str, module: str, seen: set[tuple[str, str]]
    ) -> list[tuple[str, int | None]]:
        """Return the resources (address, instance index) a configuration reference names,
        through module variables and outputs."""
        if (text, module) in seen:
            return []
        seen.add((text, module))
        head = text.split(".", 1)[0].split("[", 1)[0]
        if head == "var":
            return self._variable(text, module, seen)
        if head == "module":
            return self._module_output(text, module, seen)
        if head in _LOCAL_HEADS:
            return []
        match = _RESOURCE_REF.match(text)
        if match is None:
            return []
        data, rtype, name, index = match.groups()
        local = f"{'data.' if data else ''}{rtype}.{name}"
        address = f"{module}.{local}" if module else local
        number = int(index) if index and index.isdigit() else None
        return [(address, number)] if address in self.doc.resources else []

    def _variable(
        self, text: str, module: str, seen: set[tuple[str, str]]
    ) -> list[tuple[str, int | None]]:
        if not module:
            return []
        name = text.split(".")[1].split("[")[0] if "." in text else ""
        parent, _, call = module.rpartition(".module.")
        if not _:
            parent, call = "", module.removeprefix("module.")
        conf = self.doc.modules.get(parent)
        call_conf = conf.calls.get(call) if conf else None
        expr = as_map(as_map(call_conf).get("expressions")).get(name)
        return [hit for _, ref in _expressions(expr, "") for hit in self.resolve(ref, parent, seen)]

    def _module_output(
        self, text: str, module: str, seen: set[tuple[str, str]]
    ) -> list[tuple[str, int | None]]:
        match = re.match(r"module\.([\w-]+)(?:\[[^\]]*\])?(?:\.([\w-]+))?", text)
        if match is None:
            return []
        child = f"{module}.module.{match.group(1)}" if module else f"module.{match.group(1)}"
        conf = self.doc.modules.get(child)
        if conf is None:
            return []
        wanted = [match.group(2)] if match.group(2) else list(conf.outputs)
        out: list[tuple[str, int | None]] = []
        for name in wanted:
            expr = as_map(conf.outputs.get(name)).get("expression")
            refs = [ref for _, ref in _expressions(expr, "")]
            out += [hit for ref in refs for hit in self.resolve(ref, child, seen)]
        return out


def _role(res: TfResource) -> Role:
    role = TERRAFORM.get(res.type)
    if role is None:
        kind = None if res.type.startswith("aws_") else generic_kind(res.type)
        role = Role(kind) if kind else Role()
    if res.mode == "data":
        return Role(link=role.link) if role.link in {"subnet", "sg", "subnet-group"} else Role()
    if res.type == "aws_rds_cluster":
        engines = {str(v.get("engine") or "aurora") for v in res.instances.values()} or {"aurora"}
        if not any(e.startswith("aurora") for e in engines):
            return Role("datastore", "rds")
    return role


def _egress(res: TfResource) -> bool:
    return any(v.get("type") == "egress" for v in res.instances.values())


def _expressions(node: object, path: str) -> Iterator[tuple[str, str]]:
    """Yield (attribute path, reference) for every reference in configuration expressions."""
    if isinstance(node, dict):
        refs = node.get("references")
        if isinstance(refs, list):
            for ref in refs:
                yield path, str(ref)
            return
        if "constant_value" in node:
            return
        for key, value in node.items():
            yield from _expressions(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for item in node:
            yield from _expressions(item, path)


def _leaves(node: object, path: str) -> Iterator[tuple[str, str]]:
    """Yield (attribute path, value) for every string in an instance's values."""
    if isinstance(node, dict):
        for key, value in node.items():
            if path == "" and key in {"tags", "tags_all"}:
                continue
            yield from _leaves(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for item in node:
            yield from _leaves(item, path)
    elif isinstance(node, str):
        yield path, node
