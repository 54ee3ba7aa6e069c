"""From an Inventory to a Draft: each kind of resource in turn, in the order their references
need (addresses are indexed before the load balancers and functions that name them)."""

from __future__ import annotations

from aftershock.importers.aws import compute, data, functions
from aftershock.importers.aws.build import Build
from aftershock.importers.aws.collect import Inventory
from aftershock.importers.draft import Draft
from aftershock.importers.secrets import redact

NOT_DISCOVERED = (
    "not discovered: ECS and EKS workloads, API Gateway, CloudFront, Route 53, SNS, Kinesis, "
    "Step Functions, classic load balancers, anything outside the scanned regions, and calls "
    "that no configuration names (add them by hand)"
)


def draft_of(inventory: Inventory, name: str | None, endpoint_url: str | None) -> Draft:
    """Return the draft of everything in ``inventory``."""
    regions = [r.region for r in inventory.regions]
    account = inventory.account or "unknown-account"
    draft = Draft(name=name or f"aws-{account}")
    where = f" through {redact(endpoint_url)}" if endpoint_url else ""
    draft.sources.append(f"live discovery of AWS account {account} in {', '.join(regions)}{where}")
    build = Build(inventory, draft)
    for inv in inventory.regions:
        compute.fleets(build, inv)
    data.databases(build)
    data.tables(build)
    for inv in inventory.regions:
        data.caches(build, inv)
        data.queues(build, inv)
    data.buckets(build)
    for inv in inventory.regions:
        functions.register(build, inv)
    for inv in inventory.regions:
        compute.balancers(build, inv)
    for inv in inventory.regions:
        functions.references(build, inv)
    for text in inventory.notes:
        draft.note(text)
    for region, used in sorted(build.zones_used.items()):
        pairs = ", ".join(f"{n}={i}" for n, i in sorted(used.items()))
        draft.note(f"{region} AZ names are this account's, mapped to AZ ids: {pairs}")
    if inventory.skipped_buckets:
        counts = ", ".join(f"{r}: {n}" for r, n in sorted(inventory.skipped_buckets.items()))
        draft.note(f"S3 buckets in regions not scanned were left out ({counts})")
    draft.note(NOT_DISCOVERED)
    return draft
