"""Read an AWS account's resources, region by region, into an Inventory of plain API records.

Every listing is paginated. A call the caller may not make (AccessDenied) or that fails for
another reason becomes a note saying what was not discovered and which permission it needs;
discovery goes on. Credentials that AWS refuses stop the import with a hint.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aftershock.errors import ImportInputError, Problem
from aftershock.importers.aws.api import CREDENTIALS_HINT, AwsApi, CallFailed, Record

READ_ONLY_HINT = (
    "grant it (the AWS managed policy ReadOnlyAccess covers discovery) "
    "or set AWS_PROFILE to a role that has it"
)
_ABSENT = {
    "ReplicationConfigurationNotFoundError",
    "ResourceNotFoundException",
    "NoSuchBucket",
    "TableNotFoundException",
}
"""Codes that only mean 'there is none' (a bucket without replication, a table just deleted)."""


@dataclass
class RegionInventory:
    """What one region holds, as the AWS APIs describe it."""

    region: str
    zone_ids: dict[str, str] = field(default_factory=dict)
    """AZ name (us-east-1a) -> AZ id (use1-az6), as this account maps them."""
    subnets: dict[str, str] = field(default_factory=dict)
    """Subnet id -> AZ name."""
    instances: list[Record] = field(default_factory=list)
    groups: list[Record] = field(default_factory=list)
    """Auto Scaling groups."""
    balancers: list[Record] = field(default_factory=list)
    target_groups: list[Record] = field(default_factory=list)
    """Each with ``Targets``: the registered targets."""
    databases: list[Record] = field(default_factory=list)
    clusters: list[Record] = field(default_factory=list)
    tables: list[Record] = field(default_factory=list)
    """describe_table's Table, with ``PointInTimeRecovery``: ENABLED, DISABLED or unknown."""
    replication_groups: list[Record] = field(default_factory=list)
    cache_clusters: list[Record] = field(default_factory=list)
    functions: list[Record] = field(default_factory=list)
    event_mappings: list[Record] = field(default_factory=list)
    queues: list[Record] = field(default_factory=list)
    """``QueueUrl`` and ``Attributes``."""


@dataclass
class Inventory:
    """An account's resources in the scanned regions, and what could not be read."""

    account: str | None
    regions: list[RegionInventory]
    global_clusters: list[Record] = field(default_factory=list)
    buckets: list[Record] = field(default_factory=list)
    """``Name``, ``Region``, and ``ReplicaRegions`` (region or None per replication rule)."""
    skipped_buckets: dict[str, int] = field(default_factory=dict)
    """Buckets in regions that were not scanned, counted by region."""
    notes: list[str] = field(default_factory=list)


@dataclass
class Scan:
    """Calls the API and turns each failed call into a note (see the module docstring)."""

    api: AwsApi
    notes: list[str] = field(default_factory=list)
    listings: int = 0
    refused: list[str] = field(default_factory=list)
    """IAM actions of the listings that were denied."""

    def items(
        self, service: str, region: str, operation: str, key: str, what: str, **params: Any
    ) -> list[Record]:
        """Return ``key`` of every page of one listing; [] (and a note) if it fails."""
        self.listings += 1
        try:
            return [
                item
                for page in self.api.pages(service, region, operation, **params)
                for item in page.get(key) or []
            ]
        except CallFailed as failed:
            if failed.denied:
                self.refused.append(failed.action)
            self._failed(failed, region, what)
            return []

    def answer(self, service: str, region: str, operation: str, what: str, **params: Any) -> Record:
        """Return the one response of a call; {} (and a note, unless it means 'none') if it
        fails."""
        try:
            return next(iter(self.api.pages(service, region, operation, **params)), {})
        except CallFailed as failed:
            if failed.code not in _ABSENT:
                self._failed(failed, region, what)
            return {}

    def _failed(self, failed: CallFailed, region: str, what: str) -> None:
        if failed.bad_credentials:
            raise ImportInputError(
                Problem(
                    f"AWS refused the credentials ({failed.code}: {failed.message})",
                    hint=CREDENTIALS_HINT,
                )
            ) from failed
        if failed.denied:
            text = f"{failed.action} was denied in {region}: {what} not discovered; "
            text += READ_ONLY_HINT
        else:
            text = f"{failed.action} failed in {region} ({failed.code}: {failed.message}): "
            text += f"{what} not discovered"
        if text not in self.notes:
            self.notes.append(text)


def collect(api: AwsApi, regions: list[str]) -> Inventory:
    """Return the inventory of ``regions`` (at least one). Raises ImportInputError when the
    credentials are refused or every listing was denied."""
    scan = Scan(api)
    inventory = Inventory(account=_account(api, regions[0]), regions=[])
    for region in regions:
        inventory.regions.append(_region(scan, region))
    inventory.global_clusters = scan.items(
        "rds", regions[0], "describe_global_clusters", "GlobalClusters", "Aurora global databases"
    )
    _buckets(scan, inventory, regions)
    inventory.notes = scan.notes
    if scan.listings and len(scan.refused) >= scan.listings:
        needed = ", ".join(sorted(set(scan.refused)))
        raise ImportInputError(
            Problem(
                "every AWS listing was denied, so nothing could be discovered",
                value=needed,
                hint=f"the import needs {needed}; " + READ_ONLY_HINT,
            )
        )
    return inventory


def _account(api: AwsApi, region: str) -> str | None:
    """Return the account id; the call needs no permission, so it also checks credentials."""
    try:
        identity = next(iter(api.pages("sts", region, "get_caller_identity")), {})
    except CallFailed as failed:
        if failed.denied:
            return None
        raise ImportInputError(
            Problem(
                f"AWS refused the credentials ({failed.code}: {failed.message})",
                hint=CREDENTIALS_HINT,
            )
        ) from failed
    account = identity.get("Account")
    return str(account) if account else None


def _region(scan: Scan, region: str) -> RegionInventory:
    inv = RegionInventory(region)
    zones = scan.answer("ec2", region, "describe_availability_zones", "AZ ids")
    inv.zone_ids = {
        z["ZoneName"]: z["ZoneId"]
        for z in zones.get("AvailabilityZones") or []
        if z.get("ZoneName") and z.get("ZoneId")
    }
    for subnet in scan.items("ec2", region, "describe_subnets", "Subnets", "subnets"):
        inv.subnets[subnet["SubnetId"]] = subnet.get("AvailabilityZone", "")
    inv.instances = [
        instance
        for reservation in scan.items(
            "ec2", region, "describe_instances", "Reservations", "EC2 instances"
        )
        for instance in reservation.get("Instances") or []
    ]
    inv.groups = scan.items(
        "autoscaling",
        region,
        "describe_auto_scaling_groups",
        "AutoScalingGroups",
        "Auto Scaling groups",
    )
    inv.balancers = scan.items(
        "elbv2", region, "describe_load_balancers", "LoadBalancers", "load balancers"
    )
    inv.target_groups = scan.items(
        "elbv2", region, "describe_target_groups", "TargetGroups", "target groups"
    )
    for group in inv.target_groups:
        health = scan.answer(
            "elbv2",
            region,
            "describe_target_health",
            "load balancer targets",
            TargetGroupArn=group["TargetGroupArn"],
        )
        group["Targets"] = [d["Target"] for d in health.get("TargetHealthDescriptions") or []]
    inv.databases = scan.items(
        "rds", region, "describe_db_instances", "DBInstances", "RDS instances"
    )
    inv.clusters = scan.items(
        "rds", region, "describe_db_clusters", "DBClusters", "Aurora clusters"
    )
    _tables(scan, inv)
    inv.replication_groups = scan.items(
        "elasticache",
        region,
        "describe_replication_groups",
        "ReplicationGroups",
        "ElastiCache replication groups",
    )
    inv.cache_clusters = scan.items(
        "elasticache",
        region,
        "describe_cache_clusters",
        "CacheClusters",
        "ElastiCache clusters",
        ShowCacheNodeInfo=True,
    )
    inv.functions = scan.items("lambda", region, "list_functions", "Functions", "Lambda functions")
    inv.event_mappings = scan.items(
        "lambda",
        region,
        "list_event_source_mappings",
        "EventSourceMappings",
        "Lambda event sources",
    )
    for url in scan.items("sqs", region, "list_queues", "QueueUrls", "SQS queues"):
        attributes = scan.answer(
            "sqs",
            region,
            "get_queue_attributes",
            "SQS queue attributes",
            QueueUrl=url,
            AttributeNames=["QueueArn", "RedrivePolicy"],
        ).get("Attributes", {})
        inv.queues.append({"QueueUrl": url, "Attributes": attributes})
    return inv


def _tables(scan: Scan, inv: RegionInventory) -> None:
    region = inv.region
    for name in scan.items("dynamodb", region, "list_tables", "TableNames", "DynamoDB tables"):
        table = scan.answer(
            "dynamodb", region, "describe_table", "DynamoDB tables", TableName=name
        ).get("Table")
        if not table:
            continue
        backups = scan.answer(
            "dynamodb",
            region,
            "describe_continuous_backups",
            "point-in-time recovery settings",
            TableName=name,
        ).get("ContinuousBackupsDescription", {})
        pitr = backups.get("PointInTimeRecoveryDescription", {}).get("PointInTimeRecoveryStatus")
        table["PointInTimeRecovery"] = pitr or "unknown"
        inv.tables.append(table)


def _bucket_region(scan: Scan, region: str, name: str) -> str | None:
    location = scan.answer("s3", region, "get_bucket_location", "bucket regions", Bucket=name).get(
        "LocationConstraint", "absent"
    )
    if location == "absent":
        return None
    # GetBucketLocation answers null for us-east-1 and the legacy "EU" for eu-west-1.
    return {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(location, location)


def _buckets(scan: Scan, inventory: Inventory, regions: list[str]) -> None:
    """S3 lists buckets account-wide: keep those in the scanned regions, with the regions
    their replication rules copy to."""
    home = regions[0]
    listed = scan.items("s3", home, "list_buckets", "Buckets", "S3 buckets")
    where = {
        b["Name"]: b.get("BucketRegion") or _bucket_region(scan, home, b["Name"]) for b in listed
    }
    for name, region in sorted(where.items()):
        if region not in regions:
            key = region or "unknown region"
            inventory.skipped_buckets[key] = inventory.skipped_buckets.get(key, 0) + 1
            continue
        config = scan.answer(
            "s3", region, "get_bucket_replication", "S3 replication rules", Bucket=name
        ).get("ReplicationConfiguration", {})
        replicas: list[str | None] = []
        for rule in config.get("Rules") or []:
            if rule.get("Status") != "Enabled":
                continue
            target = str(rule.get("Destination", {}).get("Bucket", "")).rpartition(":")[2]
            replicas.append(where.get(target) or _bucket_region(scan, region, target))
        inventory.buckets.append({"Name": name, "Region": region, "ReplicaRegions": replicas})
