"""Describe the catalog as plain text: what providers, regions, services and vendors it knows."""

from __future__ import annotations

from aftershock.catalog.load import Catalog, load_catalog
from aftershock.errors import InputError, Problem


def describe_catalog(provider: str | None = None, catalog: Catalog | None = None) -> str:
    """Return a listing: all providers (None), one provider's regions and services, or vendors.

    Raises InputError for an unknown provider.
    """
    cat = catalog or load_catalog()
    lines: list[str] = []
    if provider is None:
        for pid, prov in sorted(cat.providers.items()):
            lines.append(
                f"{pid:12} {prov.name}: {len(prov.regions)} regions, {len(prov.services)} services"
            )
        lines.append(f"{'vendors':12} {len(cat.vendors)} well-known third parties")
        lines.append("\n`aftershock catalog PROVIDER` lists regions, zones and services.")
    elif provider == "vendors":
        for vid, vendor in sorted(cat.vendors.items()):
            where = ", ".join(vendor.runs_on) or "unknown"
            lines.append(f"{vid:16} {vendor.category:18} {vendor.placement:8} runs on: {where}")
    elif provider in cat.providers:
        prov = cat.providers[provider]
        lines.append(f"{prov.name} ({provider}); source: {prov.source}")
        lines.append("\nregions:")
        for rid, region in sorted(prov.regions.items()):
            zones = ", ".join(region.zones) if region.zones else "zone ids unknown"
            lines.append(f"  {rid:22} {region.name}: {zones}")
        lines.append("\nservices (scope; planes, homes; internal dependencies):")
        for sid, svc in sorted(prov.services.items()):
            planes = ", ".join(
                p + (f"@{info.home}" if info.home else "") for p, info in svc.planes.items()
            )
            deps = "; ".join(f"{d.plane} -> {d.on}[{','.join(d.planes)}]" for d in svc.depends_on)
            lines.append(f"  {sid:20} {svc.scope:8} {planes}" + (f"; {deps}" if deps else ""))
    else:
        raise InputError(
            Problem(
                f"unknown provider {provider!r}",
                value=provider,
                hint="known: " + ", ".join([*sorted(cat.providers), "vendors"]),
            )
        )
    return "\n".join(lines) + "\n"


def describe_incidents(incident: str | None = None) -> str:
    """Return the incident library as text: one line per incident, or one incident in full.

    Raises InputError for an unknown incident id.
    """
    from aftershock.catalog.incidents import load_incidents
    from aftershock.model.duration import format_duration
    from aftershock.model.suggest import did_you_mean

    library = load_incidents()
    if incident is None:
        lines = [
            f"{i.id:30} {i.start:%Y-%m-%d %H:%MZ}  {format_duration(i.duration_s):>10}  {i.title}"
            for i in library.values()
        ]
        lines.append("\n`aftershock incidents ID` shows one: its events, sources and lessons.")
        return "\n".join(lines) + "\n"
    if incident not in library:
        raise InputError(
            Problem(
                f"unknown incident {incident!r}",
                file="incidents",
                value=incident,
                hint=did_you_mean(incident, library) or "`aftershock incidents` lists the library",
            )
        )
    i = library[incident]
    lines = [
        i.title,
        "",
        i.summary,
        "",
        f"{i.start:%Y-%m-%d %H:%M}Z to {i.end:%Y-%m-%d %H:%M}Z",
        "",
    ]
    lines.append("events (UTC):")
    for e in sorted(i.events, key=lambda e: (e.start, e.target)):
        lines.append(
            f"  {e.start:%m-%d %H:%M} - {e.end:%m-%d %H:%M}  {e.effect:8}  {e.target}  [{e.source}]"
        )
        if e.disputed:
            lines.append(f"      sources disagree: {' '.join(e.disputed.split())}")
    if i.lessons:
        lines += ["", "lessons:", *(f"  - {lesson}" for lesson in i.lessons)]
    if i.disputed:
        lines += ["", f"sources disagree: {' '.join(i.disputed.split())}"]
    lines += ["", "sources:", *(f"  {s}" for s in i.sources)]
    return "\n".join(lines) + "\n"
