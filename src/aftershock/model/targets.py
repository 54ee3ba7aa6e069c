"""Failure-target paths: ``aws``, ``aws/us-east-1``, ``aws/us-east-1/use1-az1``,
``aws/us-east-1/dynamodb``, ``aws/us-east-1/dynamodb/dns``, ``aws/global/iam/control``, a
component name or a vendor name. This module checks a path against the catalog."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from aftershock.catalog.load import Catalog
from aftershock.errors import quoted
from aftershock.model.suggest import closest, did_you_mean

GLOBAL = "global"


def _guess(word: str, choices: Iterable[str]) -> str:
    text = did_you_mean(word, choices)
    return f"; {text}" if text else ""


def region_error(provider: str, region: str, catalog: Catalog, *, allow_global: bool) -> str | None:
    """Return why ``provider/region`` is not a place to deploy, or None when it is."""
    prov = catalog.providers.get(provider)
    if prov is None:
        return f"unknown provider {quoted(provider)}{_guess(provider, catalog.providers)}" + (
            f" (known: {', '.join(sorted(catalog.providers))})"
        )
    if region == GLOBAL:
        return None if allow_global else f"{provider}/global is not a region"
    if region in prov.regions:
        return None
    elsewhere = [p for p, other in catalog.providers.items() if region in other.regions]
    if elsewhere:
        return f"{quoted(region)} is a region of {elsewhere[0]}, not {provider}"
    return f"unknown {provider} region {quoted(region)}{_guess(region, prov.regions)}"


def zone_error(provider: str, region: str, zone: str, catalog: Catalog) -> str | None:
    """Return why ``zone`` is not a zone of the region, or None when it is."""
    zones = catalog.zones(provider, region)
    if zone in zones:
        return None
    where = catalog.zone_region.get(zone)
    if where is not None:
        return f"zone {quoted(zone)} is in {where[0]}/{where[1]}, not {provider}/{region}"
    known = ", ".join(zones) if zones else "none listed in the catalog"
    return (
        f"unknown zone {quoted(zone)} in {provider}/{region}{_guess(zone, zones)} (zones: {known})"
    )


def target_error(path: str, catalog: Catalog, names: Collection[str] = ()) -> str | None:
    """Return why ``path`` is not a failure target, or None when it is.

    ``names`` are the model's own targets: component and vendor names (a set or a dict keeps
    the look-up constant-time; they are listed only to suggest a correction).
    """
    if "/" not in path:
        if path in catalog.providers or path in names or path in catalog.vendors:
            return None
        return f"unknown failure target {quoted(path)}" + _guess(
            path, [*catalog.providers, *names, *catalog.vendors]
        )
    parts = path.split("/")
    provider, region = parts[0], parts[1]
    problem = region_error(provider, region, catalog, allow_global=True)
    if problem or len(parts) == 2:
        return problem
    prov = catalog.providers[provider]
    if len(parts) > 4:
        return (
            f"failure target {quoted(path)} has too many parts "
            "(at most PROVIDER/REGION/SERVICE/PLANE)"
        )
    third = parts[2]
    if region != GLOBAL and third in catalog.zones(provider, region):
        if len(parts) == 3:
            return None
        zone = f"{provider}/{region}/{third}"
        service = f"{provider}/{region}/{parts[3]}"
        instead = f"{zone} or {service}" if parts[3] in prov.services else zone
        return (
            f"{zone} is a zone, which fails as a whole: nothing is named under it; name {instead}"
        )
    svc = prov.services.get(third)
    if svc is None:
        zones = catalog.zones(provider, region) if region != GLOBAL else []
        return f"unknown zone or service {quoted(third)} in {provider}/{region}" + _guess(
            third, [*zones, *prov.services]
        )
    if region == GLOBAL and svc.scope != GLOBAL and svc.global_endpoint is None:
        return (
            f"{provider}/{third} has no global endpoint; name a region: {provider}/REGION/{third}"
        )
    if len(parts) == 4 and parts[3] not in svc.planes:
        return (
            f"{provider}/{third} has no plane {quoted(parts[3])} (planes: {', '.join(svc.planes)})"
        )
    return None


def suggest_target(path: str, catalog: Catalog, names: Collection[str] = ()) -> str | None:
    """Return "did you mean 'PATH'?" with the one misspelt part of ``path`` corrected."""
    parts = path.split("/")
    for i, part in enumerate(parts):
        prefix = parts[:i]
        if i == 0:
            choices: list[str] = [*catalog.providers, *names]
        elif i == 1:
            prov = catalog.providers.get(parts[0])
            choices = [*prov.regions, GLOBAL] if prov else []
        elif i == 2:
            prov = catalog.providers.get(parts[0])
            zones = catalog.zones(parts[0], parts[1]) if prov and parts[1] in prov.regions else []
            choices = [*zones, *(prov.services if prov else [])]
        else:
            svc = catalog.service(parts[0], parts[2])
            choices = list(svc.planes) if svc else []
        if part in choices:
            continue
        guess = closest(part, choices)
        if guess is None:
            return None
        fixed = "/".join([*prefix, guess, *parts[i + 1 :]])
        return None if target_error(fixed, catalog, names) else f"did you mean {quoted(fixed)}?"
    return None
