"""Load the catalog's data files once and answer look-ups on them."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from aftershock.catalog.spec import Provider, Service, Vendor, VendorFile
from aftershock.errors import CatalogError

DATA = Path(__file__).parent / "data"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Catalog:
    """Providers (regions, zones, services) and vendors, with indexes for look-ups."""

    providers: dict[str, Provider]
    vendors: dict[str, Vendor]
    zone_region: dict[str, tuple[str, str]] = field(default_factory=dict)
    """zone id -> (provider, region): to say where a misplaced zone really is."""

    def service(self, provider: str, service: str) -> Service | None:
        """Return the catalog service, or None."""
        prov = self.providers.get(provider)
        return prov.services.get(service) if prov else None

    def zones(self, provider: str, region: str) -> list[str]:
        """Return the region's zone ids (empty when unknown)."""
        return list(self.providers[provider].regions[region].zones)


def _read(path: Path) -> object:
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_Loader)


def _check(providers: dict[str, Provider]) -> None:
    """Raise CatalogError if a dependency or home names something the catalog lacks."""
    for pid, prov in providers.items():
        for sid, svc in prov.services.items():
            planes = list(svc.planes.items())
            if svc.global_endpoint is not None:
                planes.append(("data", svc.global_endpoint))
            for pname, plane in planes:
                if plane.home is not None and plane.home not in prov.regions:
                    raise CatalogError(f"{pid}/{sid} plane {pname}: unknown home {plane.home!r}")
            for dep in svc.depends_on:
                dprov, _, dsvc = dep.on.rpartition("/")
                dprov = dprov or pid
                other = providers.get(dprov)
                if other is None or dsvc not in other.services:
                    raise CatalogError(f"{pid}/{sid}: dependency on unknown service {dep.on!r}")
                if dep.plane not in svc.planes:
                    raise CatalogError(f"{pid}/{sid}: dependency from missing plane {dep.plane}")
                target = other.services[dsvc]
                missing = [p for p in dep.planes if p not in target.planes]
                if missing:
                    raise CatalogError(f"{pid}/{sid}: {dep.on} has no plane {missing}")
                if dep.region not in ("same", "global") and dep.region not in other.regions:
                    raise CatalogError(f"{pid}/{sid}: dependency region {dep.region!r} unknown")
        if prov.compute is not None and prov.compute not in prov.services:
            raise CatalogError(f"{pid}: compute service {prov.compute!r} not in catalog")


@functools.cache
def load_catalog(directory: Path | None = None) -> Catalog:
    """Return the catalog read from ``directory`` (default: the shipped data).

    Raises CatalogError when a data file is invalid or inconsistent.
    """
    root = directory or DATA
    providers: dict[str, Provider] = {}
    for path in sorted((root / "providers").glob("*.yaml")):
        try:
            prov = Provider.model_validate(_read(path))
        except (ValidationError, yaml.YAMLError) as exc:
            raise CatalogError(f"catalog file {path.name} is invalid: {exc}") from exc
        providers[prov.provider] = prov
    vendors: dict[str, Vendor] = {}
    vendor_file = root / "vendors.yaml"
    if vendor_file.exists():
        try:
            vendors = dict(VendorFile.model_validate(_read(vendor_file)).vendors)
        except (ValidationError, yaml.YAMLError) as exc:
            raise CatalogError(f"catalog file vendors.yaml is invalid: {exc}") from exc
    _check(providers)
    zone_region = {
        zone: (pid, rid)
        for pid, prov in providers.items()
        for rid, region in prov.regions.items()
        for zone in region.zones
    }
    return Catalog(providers=providers, vendors=vendors, zone_region=zone_region)
