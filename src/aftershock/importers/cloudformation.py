"""CloudFormation templates (YAML with short-form tags, or JSON) to a Draft.

What it infers:

- components from resource types (aws_roles.CLOUDFORMATION; SAM types too); networking, IAM
  and security groups are not components, but link them and place them;
- nested stacks (``AWS::CloudFormation::Stack``) from local files: the ``TemplateURL``'s path
  (an S3 URL, usually) is tried, suffix by suffix, next to the parent template and the input,
  inside the input's folder (or ``--root``): never through ``..``, an absolute path or a
  symbolic link out of it, and nothing is fetched. Parameters passed to a nested stack and its
  outputs are followed both ways. A template that is not there, or not followed, is a header
  note. Each file is read once; stacks and nesting are bounded (``aftershock.source.LIMITS``);
- dependencies from ``Ref``, ``!GetAtt``, ``!Sub`` and ``DependsOn`` (also in ``Metadata``,
  where ``cfn-init`` configures hosts), and ``!ImportValue`` of exports of the other input
  templates (else a placeholder component); infra_graph turns them into component
  dependencies;
- zones from subnets' ``AvailabilityZone`` (``!Select [n, !GetAZs '']`` counts distinct
  positions), ``MultiAZ``, ElastiCache node counts; replicas from global tables;
- the region from the import options (``--region aws/REGION``): a template does not say it.

Parameter defaults are used; ``NoEcho`` parameters (their defaults and the values passed to
them) and anything that looks like a credential are recorded as secrets and never written.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aftershock.errors import ImportInputError, Problem
from aftershock.importers import ImportOptions
from aftershock.importers.aws_roles import CLOUDFORMATION, CLOUDFORMATION_REFS, ref_kind
from aftershock.importers.cfn_eval import UNKNOWN, WILD, Evaluator, Stack
from aftershock.importers.cfn_facts import Facts
from aftershock.importers.cfn_template import HINT, Template, load_template
from aftershock.importers.draft import Draft, clean_name
from aftershock.importers.infra_graph import Ref, Resource, Role, build
from aftershock.importers.infra_inputs import record_secrets
from aftershock.source import LIMITS, Root

NESTED = "AWS::CloudFormation::Stack"
_GENERIC_STEMS = {"master", "main", "template", "stack", "root", "cloudformation", "cfn"}
_NETWORKING = re.compile(
    r"(vpc|subnet|security-?group|(^|[^a-z])sg($|[^a-z])|cidr|route|role|policy|profile|"
    r"kms|key|certificate|cert)",
    re.IGNORECASE,
)
_STRUCTURAL = frozenset({"Type", "Ref", "Fn::GetAtt", "DependsOn", "Condition", "Description"})


def read(inputs: Sequence[Path], options: ImportOptions) -> Draft:
    """Return a Draft of the CloudFormation templates in ``inputs`` (and their nested stacks).

    Raises ImportInputError for a missing or malformed template (file and line), a document
    that is not a template, or templates with no resource aftershock models.
    """
    if not inputs:
        raise ImportInputError(Problem("no CloudFormation template given", hint=HINT))
    paths = [Path(p) for p in inputs]
    stem = paths[0].stem
    name = paths[0].resolve().parent.name if stem.lower() in _GENERIC_STEMS else stem
    draft = Draft(name=name or "cloudformation")
    region = _region(options, draft)
    stacks: list[Stack] = []
    nesting = _Nesting(options.root)
    for path in paths:
        prefix = f"{path.stem}:" if len(paths) > 1 else ""
        root = Stack(nesting.template(path), "", path.stem, region, prefix=prefix)
        stacks.append(root)
        nesting.expand(root, path, stacks, draft)
        count = sum(1 for s in stacks if s.prefix == prefix) - 1
        nested = f", {count} nested stack(s)" if count else ""
        draft.sources.append(f"cloudformation: {path}{nested}")
    evaluator = Evaluator(stacks)
    _record_secrets(draft, stacks, evaluator)
    base = paths[0].resolve().parent
    resources = [r for stack in stacks for r in _resources(stack, evaluator, base, draft)]
    if not any(r.role.kind is not None or r.role.link == "launch" for r in resources):
        raise ImportInputError(
            Problem(
                "no resource aftershock models as a component in "
                + ", ".join(str(p) for p in paths)
                + f" (found {', '.join(sorted({r.type for r in resources})[:8])})",
                file=str(paths[0]),
                value=", ".join(sorted({r.type for r in resources})[:8]),
                hint="aftershock reads compute, databases, caches, queues, storage, load "
                "balancers, DNS and CDN resources; networking and IAM alone make no model",
            )
        )
    build(draft, resources)
    return draft


def _region(options: ImportOptions, draft: Draft) -> str | None:
    provider, _, region = (options.region or "").partition("/")
    if provider == "aws" and region:
        return region
    if options.region:
        draft.note(f"--region {options.region} is not an AWS region; CloudFormation is AWS only")
    draft.note(
        "region unknown: a CloudFormation template does not name its region; import with "
        "region aws/REGION (--region) to place the components"
    )
    return None


class _Nesting:
    """Nested stacks read from local files inside the input's folder (or ``--root``): each
    file read once, the number of stacks and their depth bounded."""

    def __init__(self, root: Path | None) -> None:
        self.override = root
        self.templates: dict[Path, Template] = {}
        self.count = 0

    def template(self, path: Path) -> Template:
        """Return the template in ``path``, read once however often it is nested."""
        key = Path(os.path.realpath(path))
        if key not in self.templates:
            self.templates[key] = load_template(path)
        return self.templates[key]

    def expand(self, top: Stack, path: Path, stacks: list[Stack], draft: Draft) -> None:
        """Add the nested stacks under ``top`` (read from ``path``) to ``stacks``, depth first.
        Raises ImportInputError past the limits on stacks and nesting."""
        root = Root.of(path, self.override)
        self._expand(top, path, root, frozenset({Path(os.path.realpath(path))}), stacks, draft)

    def _expand(
        self,
        stack: Stack,
        path: Path,
        root: Root,
        ancestors: frozenset[Path],
        stacks: list[Stack],
        draft: Draft,
    ) -> None:
        for child, found in self._children(stack, root, path.parent, stacks, draft):
            real = Path(os.path.realpath(found))
            if real in ancestors:
                draft.note(f"nested stack {child} includes its own ancestor {found.name}")
                continue
            self.count += 1
            if self.count > LIMITS.nested_stacks or len(ancestors) > LIMITS.nested_depth:
                raise ImportInputError(
                    Problem(
                        f"more than {LIMITS.nested_stacks} nested stacks, or nesting deeper "
                        f"than {LIMITS.nested_depth} levels",
                        file=str(path),
                        value=child,
                        hint="do the templates nest each other over and over? import the "
                        "nested templates one by one instead",
                    )
                )
            nested = self._stack(stack, child, found)
            stacks.append(nested)
            self._expand(nested, path, root, ancestors | {real}, stacks, draft)

    def _children(
        self, stack: Stack, root: Root, base: Path, stacks: list[Stack], draft: Draft
    ) -> list[tuple[str, Path]]:
        """Return (logical id, file) of the nested stacks of ``stack`` found inside ``root``;
        a note for each one that is not."""
        evaluator = Evaluator(stacks)
        here = stack.template.path
        out = []
        for logical, body in stack.resources.items():
            if body.get("Type") != NESTED:
                continue
            props = body.get("Properties") if isinstance(body.get("Properties"), dict) else {}
            url = evaluator.value(props.get("TemplateURL"), stack)
            where = f"{here.name}:{stack.template.line('Resources', logical)}"
            if not isinstance(url, str) or not url.replace(WILD, ""):
                draft.note(
                    f"nested stack {logical} ({where}): its TemplateURL is not known statically"
                )
                continue
            found, tried = _locate(url, here.parent, base, root)
            shown = url.replace(WILD, "*")
            if isinstance(found, str):
                draft.note(
                    f"nested stack {logical} ({where}): template {shown} is not read: {found}; "
                    "its resources are left out"
                )
            elif found is None:
                draft.note(
                    f"nested stack {logical} ({where}): template {shown} is not in the input "
                    f"(tried {', '.join(tried)}); its resources are left out"
                )
            else:
                out.append((logical, found))
        return out

    def _stack(self, parent: Stack, logical: str, found: Path) -> Stack:
        body = parent.resources[logical]
        props = body.get("Properties") if isinstance(body.get("Properties"), dict) else {}
        params = props.get("Parameters")
        child = Stack(
            self.template(found),
            f"{parent.path}/{logical}" if parent.path else logical,
            logical,
            parent.region,
            parent=parent,
            params=dict(params) if isinstance(params, dict) else {},
            prefix=parent.prefix,
        )
        parent.children[logical] = child
        return child


def _locate(url: str, folder: Path, base: Path, root: Root) -> tuple[Path | str | None, list[str]]:
    """Return the local file a TemplateURL names: its path's suffixes, longest first, next to
    the parent template, then next to the input template, inside ``root``. A reason (text)
    instead of a file when the URL leads out of the root; None when no file is there."""
    text = url.rsplit(WILD, 1)[-1]
    parts = urlsplit(text)
    path = parts.path if parts.scheme else text
    segments = [s for s in path.replace("\\", "/").split("/") if s and s != "."]
    if not parts.scheme and (os.path.isabs(path) or ".." in segments):
        found = root.resolve(path, folder)  # a path, not a URL: taken as written
        return found, [path]
    if ".." in segments:
        return "its path goes up with '..', which no bucket key resolves to here", []
    tried: list[str] = []
    refused: str | None = None
    for i in range(len(segments)):
        suffix = "/".join(segments[i:])
        for place in dict.fromkeys((folder, base)):
            tried.append(suffix)
            found = root.resolve(suffix, place)
            if isinstance(found, Path):
                return found, tried
            if found != "not there":
                refused = refused or found
    if refused is not None:
        return refused, []
    return None, list(dict.fromkeys(tried))


def _record_secrets(draft: Draft, stacks: list[Stack], evaluator: Evaluator) -> None:
    for stack in stacks:
        record_secrets(draft, "", stack.template.data, structural=_STRUCTURAL)
        for name, decl in stack.template.section("Parameters").items():
            if not isinstance(decl, dict) or str(decl.get("NoEcho")).lower() != "true":
                continue
            record_secrets(draft, name, decl.get("Default"), sensitive=True)
            if name in stack.params and stack.parent is not None:
                passed = evaluator.value(stack.params[name], stack.parent)
                if passed is not UNKNOWN and not (isinstance(passed, str) and WILD in passed):
                    record_secrets(draft, name, passed, sensitive=True)


def _role(rtype: str, props: dict[str, Any], evaluator: Evaluator, stack: Stack) -> Role:
    role = CLOUDFORMATION.get(rtype, Role())
    if rtype == "AWS::RDS::DBCluster":
        engine = evaluator.value(props.get("Engine"), stack)
        if isinstance(engine, str) and not engine.startswith("aurora"):
            return Role("datastore", "rds")
    return role


def _resources(stack: Stack, evaluator: Evaluator, base: Path, draft: Draft) -> list[Resource]:
    out: list[Resource] = []
    template = stack.template
    where = os.path.relpath(template.path.resolve(), base)
    for logical, body in stack.resources.items():
        rtype = body["Type"]
        if rtype == NESTED:
            continue
        line = template.line("Resources", logical)
        condition = body.get("Condition")
        holds = evaluator.condition(condition, stack) if condition else True
        if holds is False:
            draft.note(f"{where}:{line}: {logical} skipped: condition {condition} is false")
            continue
        props = body.get("Properties") if isinstance(body.get("Properties"), dict) else {}
        label = f"{stack.path}/{logical}" if stack.path else logical
        names = [logical, f"{stack.name}-{logical}"]
        if stack.path:
            names.append(f"{stack.prefix}{stack.path}-{logical}".replace("/", "-"))
        res = Resource(
            key=stack.key(logical),
            type=rtype,
            role=_role(rtype, props, evaluator, stack),
            label=stack.prefix + label,
            names=names,
            why=f"{where}:{line}: {logical} ({rtype})"
            + (f", nested stack {stack.path}" if stack.path else ""),
            region=stack.region,
        )
        if holds is None:
            res.note(f"created only when condition {condition} holds")
        res.refs = _refs(stack, evaluator, body, props, res)
        Facts(evaluator, stack, props, res).read()
        out.append(res)
    return out


def _refs(
    stack: Stack, evaluator: Evaluator, body: dict[str, Any], props: dict[str, Any], res: Resource
) -> list[Ref]:
    found: dict[tuple[str, str], Ref] = {}
    sections = [("", props)]
    if isinstance(body.get("Metadata"), dict):
        sections.append(("Metadata", body["Metadata"]))
    for prefix, section in sections:
        for attr, expr in _intrinsics(section, prefix):
            refs = evaluator.refs(expr, stack)
            kind = ref_kind(CLOUDFORMATION_REFS, res.type, attr)
            for key in sorted(refs.keys):
                if key != res.key:
                    found.setdefault((key, kind), Ref(key, attr, kind))
            for name in sorted(refs.imports):
                _imported(res, name, attr)
    depends = body.get("DependsOn")
    for name in [depends] if isinstance(depends, str) else depends or []:
        target = stack.resources.get(name) if isinstance(name, str) else None
        if isinstance(target, dict) and target.get("Type") != NESTED:
            key = stack.key(name)
            found.setdefault((key, "ref"), Ref(key, "DependsOn"))
    return list(found.values())


def _imported(res: Resource, name: str, attr: str) -> None:
    shown = name.replace(WILD, "*")
    readable = clean_name(name.replace(WILD, "-"))
    if _NETWORKING.search(name.replace(WILD, "-")) or readable == "unnamed":
        res.note(f"imports {shown} ({attr}); no input template exports it")
        return
    res.externals[readable] = f"!ImportValue {shown} ({attr}): no input template exports it"


def _intrinsics(node: Any, path: str) -> Iterator[tuple[str, Any]]:
    """Yield (property path, expression) for each intrinsic function in ``node``."""
    if isinstance(node, list):
        for item in node:
            yield from _intrinsics(item, path)
    elif isinstance(node, dict):
        if len(node) == 1:
            (key,) = node
            if key in ("Ref", "Condition") or key.startswith("Fn::"):
                yield path, node
                return
        for key, value in node.items():
            yield from _intrinsics(value, f"{path}.{key}" if path else key)
