"""Where an AWS resource runs, from what infrastructure code says: regions from ARNs and zone
names, zones from zone ids, names, positions and counts, written as a model ``deploy``.

AZ *names* (us-east-1a) map to physical zones differently in each account, and the catalog
lists only zone *ids* (use1-az1); so names and ``!GetAZs`` positions give a zone count, with a
note, and only ids the catalog knows are written as a zone list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from aftershock.catalog.load import Catalog, load_catalog

PROVIDER = "aws"
_ZONE_NAME = re.compile(r"^((?:[a-z]{2})(?:-gov|-iso[a-z]?)?-[a-z]+-\d+)[a-z]$")
_ZONE_ID = re.compile(r"^[a-z]{2,6}\d+-az\d+$")
_REGION = re.compile(r"^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+$")


def is_region(text: object) -> bool:
    """Return whether ``text`` is written like an AWS region code (us-east-1)."""
    return isinstance(text, str) and bool(_REGION.match(text))


def region_of_zone(zone: str, catalog: Catalog | None = None) -> str | None:
    """Return the region of an AZ name (us-east-1a) or of a zone id the catalog knows."""
    match = _ZONE_NAME.match(zone)
    if match:
        return match.group(1)
    where = (catalog or load_catalog()).zone_region.get(zone)
    return where[1] if where and where[0] == PROVIDER else None


def is_zone_id(text: object) -> bool:
    """Return whether ``text`` is written like an AZ id (use1-az1)."""
    return isinstance(text, str) and bool(_ZONE_ID.match(text))


def is_zone_name(text: object) -> bool:
    """Return whether ``text`` is written like an AZ name (us-east-1a)."""
    return isinstance(text, str) and bool(_ZONE_NAME.match(text))


def region_of_arn(arn: object) -> str | None:
    """Return the region field of an ARN (``arn:aws:rds:us-east-1:...``), None when empty."""
    if not isinstance(arn, str) or not arn.startswith("arn:"):
        return None
    parts = arn.split(":")
    return parts[3] if len(parts) > 4 and is_region(parts[3]) else None


@dataclass
class Zones:
    """What the input says about a resource's zones; any of the ways may be empty."""

    names: set[str] = field(default_factory=set)
    """AZ names, e.g. us-east-1a."""
    ids: set[str] = field(default_factory=set)
    """AZ ids, e.g. use1-az1."""
    positions: set[int] = field(default_factory=set)
    """Positions in the region's zone list (CloudFormation ``!Select [n, !GetAZs '']``)."""
    count: int | None = None
    """A count the resource states itself (Multi-AZ: 2), which wins over the sets."""
    why: list[str] = field(default_factory=list)

    def add(self, value: object, why: str) -> None:
        """Add one zone written as a name, an id or a position."""
        if isinstance(value, bool):
            return
        if isinstance(value, int):
            self.positions.add(value)
        elif is_zone_id(value):
            self.ids.add(str(value))
        elif is_zone_name(value):
            self.names.add(str(value))
        else:
            return
        if why not in self.why:
            self.why.append(why)

    def merge(self, other: Zones) -> None:
        """Add everything ``other`` knows (its count only where this one has none)."""
        self.names |= other.names
        self.ids |= other.ids
        self.positions |= other.positions
        if self.count is None:
            self.count = other.count
        self.why += [w for w in other.why if w not in self.why]

    def state(self, count: int, why: str) -> None:
        """Set the zone count the resource itself states."""
        self.count = count
        if why not in self.why:
            self.why.append(why)

    def size(self) -> int:
        """Return how many zones: the stated count, else the largest set."""
        if self.count is not None:
            return self.count
        return max(len(self.names), len(self.ids), len(self.positions))

    def describe(self) -> str:
        """Return the facts as text for a comment."""
        parts = []
        if self.names:
            parts.append("AZ names " + ", ".join(sorted(self.names)))
        if self.ids:
            parts.append("AZ ids " + ", ".join(sorted(self.ids)))
        if self.positions:
            parts.append("AZ positions " + ", ".join(f"#{p}" for p in sorted(self.positions)))
        facts = "; ".join(parts + self.why)
        size = self.size()
        count = f"{size} zone" if size == 1 else f"{size} zones"
        return f"{count} ({facts})" if facts else count


@dataclass
class Placement:
    """A component's deploy entries and the notes that explain or qualify them."""

    deploy: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def place(
    region: str | None,
    zones: Zones,
    *,
    on_global: bool = False,
    zoned: bool = True,
    catalog: Catalog | None = None,
) -> Placement:
    """Return where a resource runs. ``on_global``: a global service (Route 53, CloudFront);
    ``zoned``: zones matter for it (False for regional managed services such as SQS, which span
    the region's zones by themselves)."""
    out = Placement()
    catalog = catalog or load_catalog()
    if on_global:
        out.deploy.append({"on": f"{PROVIDER}/global"})
        return out
    size = zones.size()
    if region is None:
        where = f"; the input shows {zones.describe()}" if size else ""
        out.notes.append(f"region unknown: the input does not say it{where}")
        return out
    regions = catalog.providers[PROVIDER].regions
    if region not in regions:
        out.notes.append(f"region {region!r} is not in the catalog; add deploy by hand")
        return out
    target: dict[str, Any] = {"on": f"{PROVIDER}/{region}"}
    out.deploy.append(target)
    known = catalog.zones(PROVIDER, region)
    if not size:
        if zoned:
            out.notes.append("zones unknown: the input does not say which zones it runs in")
        return out
    if not known:
        out.notes.append(f"{zones.describe()}; the catalog lists no zone ids for {region}")
        return out
    if zones.ids and zones.ids <= set(known) and zones.count in (None, len(zones.ids)):
        target["zones"] = [z for z in known if z in zones.ids]
        out.notes.append(f"zones: {zones.describe()}")
        return out
    if size > len(known):
        out.notes.append(f"{zones.describe()}, but {region} has {len(known)}: capped")
        size = len(known)
    target["zones"] = size
    text = f"zones: {zones.describe()}"
    if zones.names or zones.positions:
        text += "; AZ names map to zone ids per account, so only the count is written"
    out.notes.append(text)
    return out
