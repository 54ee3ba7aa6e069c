"""The context every inference step shares: component names, zones, and an index of addresses.

Each AWS resource that holds or serves something becomes one component (instances of an Auto
Scaling group or of one app tag are one component; replicas and cluster members fold into
the resource they copy). Every address a client could be configured with (table names, queue
URLs, endpoint hostnames, ARNs, IPs) is indexed, so Lambda environment variables and load
balancer targets can be resolved to the components they name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from aftershock.catalog.load import Catalog, load_catalog
from aftershock.importers.aws.collect import Inventory
from aftershock.importers.draft import Draft, Part, clean_name

_HINTS = {
    "TABLE": "dynamodb",
    "DYNAMO": "dynamodb",
    "QUEUE": "sqs",
    "SQS": "sqs",
    "BUCKET": "s3",
    "S3": "s3",
    "FUNCTION": "lambda",
    "LAMBDA": "lambda",
}
"""Words in an env variable's name that say which kind of resource its value names."""
_PIECES = re.compile(r"[\s,;]+")


@dataclass
class Build:
    """The context every inference step shares; see the module docstring."""

    inventory: Inventory
    draft: Draft
    catalog: Catalog = field(default_factory=load_catalog)
    owners: dict[str, str] = field(default_factory=dict)
    """Identity (ARN, instance id) -> component name."""
    refs: dict[str, dict[str, str]] = field(default_factory=dict)
    """Address text -> {component name: the service it belongs to}."""
    routes: dict[str, set[str]] = field(default_factory=dict)
    """Target group ARN -> components registered in it by their Auto Scaling group."""
    zones_used: dict[str, dict[str, str]] = field(default_factory=dict)
    """Region -> {AZ name: AZ id} for every zone named in the model."""

    def add(self, key: str, raw: str, service: str, region: str, why: str, **fields: Any) -> Part:
        """Return a new component for the resource ``key`` named after ``raw`` (made unique
        with the service, then the region, when another resource has the name)."""
        for candidate in (raw, f"{raw}-{service}", f"{raw}-{service}-{region}"):
            name = clean_name(candidate)
            if name not in self.draft.parts:
                break
        else:
            number = 2
            while f"{name}-{number}" in self.draft.parts:
                number += 1
            name = f"{name}-{number}"
        part = self.draft.part(name, why, **fields)
        part.sources.append(key)
        self.owners[key] = part.name
        return part

    def refer(self, name: str, service: str, *texts: object) -> None:
        """Index the addresses ``texts`` (hostnames, URLs, names, ARNs) of component ``name``."""
        for text in texts:
            if isinstance(text, str) and len(text.strip()) >= 3:
                key = text.strip()
                self.refs.setdefault(key, {})[name] = service
                if "." in key and not any(c in key for c in "/:"):  # a hostname
                    self.refs.setdefault(key.lower(), {})[name] = service

    def resolve(self, value: str, variable: str = "") -> set[str]:
        """Return the components the value ``value`` of env variable ``variable`` names."""
        found: dict[str, str] = {}
        for candidate in _candidates(value):
            found.update(self.refs.get(candidate, {}))
        wanted = {svc for word, svc in _HINTS.items() if word in variable.upper()}
        narrowed = {name for name, svc in found.items() if svc in wanted}
        return narrowed or set(found)

    def zone(self, region: str, az_name: str) -> str:
        """Return how a note names a zone: ``use1-az6 (us-east-1a)``, or the name alone."""
        mapping = next((r.zone_ids for r in self.inventory.regions if r.region == region), {})
        return f"{mapping[az_name]} ({az_name})" if az_name in mapping else az_name

    def placement(self, part: Part, region: str, az_names: Iterable[str]) -> dict[str, Any]:
        """Return the deploy entry of ``part`` in the zones ``az_names`` (AZ names), as zone ids
        where this account's AZ ids are in the catalog, else as a count with a note."""
        on = f"aws/{region}"
        names = sorted({n for n in az_names if n})
        if not names:
            return {"on": on}
        mapping = next((r.zone_ids for r in self.inventory.regions if r.region == region), {})
        known = self.catalog.zones("aws", region)  # in the catalog's order
        ids = [mapping.get(n, "") for n in names]
        if known and all(i in known for i in ids):
            self.zones_used.setdefault(region, {}).update(zip(names, ids, strict=True))
            return {"on": on, "zones": sorted(set(ids), key=known.index)}
        shown = ", ".join(names)
        if not known:
            part.note(
                f"runs in {len(names)} zone(s) ({shown}); the catalog lists no zone ids for "
                f"{region}, so the zones are left out"
            )
            return {"on": on}
        count = min(len(set(ids)) if all(ids) else len(names), len(known))
        why = "are not in the catalog" if all(ids) else "could not be read"
        part.note(
            f"runs in {shown}, whose AZ ids {why}: zones: {count} stands for the region's first "
            f"{count} zones in the catalog, not these; replace it with their AZ ids"
        )
        return {"on": on, "zones": count}

    def replica(self, part: Part, region: str, what: str) -> None:
        """Add ``region`` as a replica region of ``part`` (once), or note why it cannot be."""
        if region in self.catalog.providers["aws"].regions:
            target = f"aws/{region}"
            if target not in part.replicas and not any(d["on"] == target for d in part.deploy):
                part.replicas.append(target)
        else:
            part.note(f"{what} in {region}, a region the catalog does not know: not modelled")


def _candidates(value: str) -> set[str]:
    """Return the forms under which ``value`` may name a resource: itself, and for each of its
    comma- or space-separated pieces an ARN without its qualifier, a URL's host and address,
    an S3 bucket."""
    text = value.strip()
    if len(text) < 3:
        return set()
    out = {text}
    for piece in _PIECES.split(text):
        if len(piece) >= 3:
            out |= _forms(piece)
    return out


def _forms(text: str) -> set[str]:
    out = {text}
    if text.startswith("arn:"):
        out.add(text.split("/stream/")[0])  # a DynamoDB stream names its table
        out.add(":".join(text.split(":")[:7]))  # a Lambda ARN with a version or alias
        if text.startswith("arn:aws:s3:::"):
            out.add(text.split("/")[0])  # an object or prefix names its bucket
        return out
    try:
        parts = urlsplit(text if "://" in text else f"//{text}")
        host = (parts.hostname or "").lower()
    except ValueError:
        return out
    netloc = parts.netloc.rsplit("@", 1)[-1]  # never a user or password
    if parts.scheme == "s3" and host:
        out.add(netloc)
    elif host:
        out.add(host)
        if ".s3." in host:  # a virtual-hosted bucket address
            out.add(host.split(".s3.")[0])
        if parts.scheme:
            out.add(f"{parts.scheme}://{netloc}{parts.path}".rstrip("/"))
        if "sqs" in host or "queue" in host:  # the same queue under another endpoint name
            out.add(f"sqs-path:{parts.path.rstrip('/')}")
    return out
