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
