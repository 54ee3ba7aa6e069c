"""Check what the schema cannot: names that must exist, places in the catalog, zone counts."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from aftershock.catalog.load import Catalog
from aftershock.errors import Problem, quoted
from aftershock.model.spec import NAME_PATTERN, Component, Deploy, Model
from aftershock.model.suggest import did_you_mean
from aftershock.model.targets import (
    GLOBAL,
    region_error,
    suggest_target,
    target_error,
    zone_error,
)
from aftershock.model.yamlsource import YamlSource
from aftershock.source import LIMITS

Path = tuple[str | int, ...]
_NAME = re.compile(NAME_PATTERN)


class _Collector:
    """Gathers problems with their lines."""

    def __init__(self, source: YamlSource | None) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def add(
        self,
        path: Path,
        message: str,
        value: object = None,
        hint: str | Callable[[], str | None] | None = None,
    ) -> None:
        """Add a problem; a hint given as a function (a "did you mean", which compares names)
        is worked out only for the problems that will be shown."""
        shown = len(self.problems) < LIMITS.problems
        if callable(hint):
            hint = hint() if shown else None
        line, column = self.source.line_of(path) if self.source and shown else (None, None)
        file = self.source.file if self.source else None
        self.problems.append(
            Problem(message, file=file, line=line, column=column, value=value, hint=hint, path=path)
        )


def _guess(word: str, choices: Iterable[str]) -> str | None:
    return did_you_mean(word, choices)


def _guessing(word: str, choices: Iterable[str], otherwise: str) -> Callable[[], str]:
    """Return the hint for a misspelt ``word``, to work out only if it is shown."""
    return lambda: did_you_mean(word, choices) or otherwise


def check_references(model: Model, catalog: Catalog, source: YamlSource | None) -> list[Problem]:
    """Return every reference problem of ``model``; empty when it is consistent."""
    out = _Collector(source)
    names = model.components
    for section in ("business_services", "components"):
        for name in getattr(model, section):
            if not _NAME.match(name):
                fixed = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-._") or "name"
                out.add(
                    (section, name),
                    f"invalid name {quoted(name)}: use letters, digits, '-', '_' and '.', starting "
                    "with a letter or digit (no '/': it separates the parts of a failure target)",
                    name,
                    f"rename it, e.g. {quoted(fixed)}",
                )
            elif len(name) > LIMITS.name_chars:
                out.add(
                    (section, name),
                    f"name {quoted(name)} is {len(name):,} characters long, over the limit of "
                    f"{LIMITS.name_chars}",
                    name,
                    "use a shorter name",
                )
    if out.problems:
        return out.problems
    for sname, service in model.business_services.items():
        for i, entry in enumerate(service.entry):
            if entry not in names:
                out.add(
                    ("business_services", sname, "entry", i),
                    f"entry {quoted(entry)} of business service {quoted(sname)} is not a component",
                    entry,
                    _guessing(entry, names, "declare it under components:"),
                )
    vendors = {c.vendor for c in model.components.values() if c.vendor}
    own_targets = {*names, *vendors}
    for cname, comp in model.components.items():
        base: Path = ("components", cname)
        if cname in catalog.providers or cname in vendors:
            what = "provider" if cname in catalog.providers else "vendor"
            out.add(
                base,
                f"component name {quoted(cname)} is also a {what} name, so failure target "
                f"{quoted(cname)} would be ambiguous",
                cname,
                f"rename the component, e.g. {cname}-api",
            )
        _check_uses(out, base, comp, catalog)
        seen: set[str] = set()
        for i, deploy in enumerate(comp.deploy):
            if deploy.on in seen:
                out.add((*base, "deploy", i), f"deploy lists {quoted(deploy.on)} twice", deploy.on)
            seen.add(deploy.on)
            _check_deploy(out, (*base, "deploy", i), comp, deploy, catalog)
        for i, dep in enumerate(comp.depends_on):
            if dep.on not in names:
                out.add(
                    (*base, "depends_on", i),
                    f"{quoted(cname)} depends on {quoted(dep.on)}, which is not a component",
                    dep.on,
                    _guessing(dep.on, names, f"declare {quoted(dep.on)} under components:"),
                )
        for field, places in (("replicas", comp.replicas), ("runs_on", comp.runs_on)):
            for i, place in enumerate(places):
                _check_place(out, (*base, field, i), place, catalog, provider_ok=field == "runs_on")
        if comp.failover is not None:
            for i, target in enumerate(comp.failover.uses):
                problem = target_error(target, catalog, own_targets)
                if problem:
                    out.add(
                        (*base, "failover", "uses", i),
                        f"unknown failure target {quoted(target)}: {problem}",
                        target,
                        suggest_target(target, catalog, own_targets)
                        or "name a failure target, e.g. aws/global/route53/control",
                    )
    return out.problems


def _check_uses(out: _Collector, base: Path, comp: Component, catalog: Catalog) -> None:
    if comp.uses is None:
        return
    provider, _, service = comp.uses.partition("/")
    if not service or "/" in service:
        out.add(
            (*base, "uses"),
            f"invalid uses {quoted(comp.uses)}: write PROVIDER/SERVICE",
            comp.uses,
            "e.g. aws/dynamodb",
        )
        return
    prov = catalog.providers.get(provider)
    if prov is None:
        out.add(
            (*base, "uses"),
            f"unknown provider {quoted(provider)} in uses {quoted(comp.uses)}",
            comp.uses,
            _guess(provider, catalog.providers) or f"known: {', '.join(sorted(catalog.providers))}",
        )
        return
    if service not in prov.services:
        out.add(
            (*base, "uses"),
            f"unknown {provider} service {quoted(service)}",
            comp.uses,
            _guess(service, prov.services)
            or f"known {provider} services: {', '.join(sorted(prov.services))}",
        )


def _check_place(
    out: _Collector, path: Path, place: str, catalog: Catalog, *, provider_ok: bool
) -> None:
    provider, _, region = place.partition("/")
    if not region and provider_ok and provider in catalog.providers:
        return
    if not region or "/" in region:
        out.add(
            path,
            f"invalid place {quoted(place)}: write PROVIDER/REGION",
            place,
            "e.g. aws/us-west-2",
        )
        return
    problem = region_error(provider, region, catalog, allow_global=False)
    if problem:
        out.add(path, problem, place, region_hint(provider, region, catalog))


def _check_deploy(
    out: _Collector, path: Path, comp: Component, deploy: Deploy, catalog: Catalog
) -> None:
    provider, _, region = deploy.on.partition("/")
    if not region or "/" in region:
        out.add(
            (*path, "on"),
            f"invalid deploy target {quoted(deploy.on)}: write PROVIDER/REGION or PROVIDER/global",
            deploy.on,
            "e.g. aws/us-east-1",
        )
        return
    problem = region_error(provider, region, catalog, allow_global=True)
    if problem:
        out.add((*path, "on"), problem, deploy.on, region_hint(provider, region, catalog))
        return
    uses_provider = comp.uses.partition("/")[0] if comp.uses else None
    if uses_provider and uses_provider in catalog.providers and uses_provider != provider:
        out.add(
            (*path, "on"),
            f"deploy on {quoted(deploy.on)} but uses {quoted(comp.uses)} is a "
            f"{uses_provider} service",
            deploy.on,
        )
        return
    if region == GLOBAL:
        svc = catalog.service(provider, comp.uses.partition("/")[2]) if comp.uses else None
        if svc is None or (svc.scope != GLOBAL and svc.global_endpoint is None):
            out.add(
                (*path, "on"),
                f"{quoted(deploy.on)} places a component on a global service, but "
                + (
                    f"{quoted(comp.uses)} has no global endpoint"
                    if comp.uses
                    else "it has no `uses`"
                ),
                deploy.on,
                "add `uses:` naming a global catalog service (e.g. aws/sts), or deploy on a region",
            )
        if deploy.zones is not None:
            out.add((*path, "zones"), "a global deployment has no zones", deploy.zones)
        return
    known = catalog.zones(provider, region)
    zones = deploy.zones
    if isinstance(zones, list):
        for i, zone in enumerate(zones):
            problem = zone_error(provider, region, zone, catalog)
            if problem:
                listed = ", ".join(known) if known else "none listed"
                out.add(
                    (*path, "zones", i),
                    problem,
                    zone,
                    f"use zones of {deploy.on} ({listed}), or add a deploy entry for the "
                    "other region",
                )
        count: int | None = len(zones)
    elif isinstance(zones, int):
        count = zones
        if not known:
            out.add(
                (*path, "zones"),
                f"the catalog lists no zone ids for {deploy.on}, so zones: {zones} "
                "cannot be placed",
                zones,
                "omit zones (unknown) or report the region's zone ids to aftershock",
            )
        elif zones > len(known):
            out.add(
                (*path, "zones"),
                f"{deploy.on} has {len(known)} zones, not {zones}",
                zones,
                f"use at most {len(known)} ({', '.join(known)})",
            )
    else:
        svc = catalog.service(provider, comp.uses.partition("/")[2]) if comp.uses else None
        count = len(known) if svc is not None and svc.scope != "zonal" and known else None
    if count is not None and deploy.min_healthy > count:
        out.add(
            (*path, "min_healthy"),
            f"min_healthy {deploy.min_healthy} is impossible with {count} zone(s)",
            deploy.min_healthy,
            f"set min_healthy to at most {count}, or deploy in more zones",
        )


def region_hint(provider: str, region: str, catalog: Catalog) -> str | None:
    """Return what to write instead of a bad ``provider/region``."""
    owners = [p for p, prov in catalog.providers.items() if region in prov.regions]
    if owners:
        return f"write {owners[0]}/{region}, or a region of {provider}"
    if provider in catalog.providers:
        return f"`aftershock catalog {provider}` lists its regions"
    return None
