"""What a CloudFormation resource's properties say about its zones and replicas, type by type,
read with the parameter defaults and values passed to nested stacks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aftershock.catalog.load import load_catalog
from aftershock.importers.aws_placement import is_region
from aftershock.importers.cfn_eval import UNKNOWN, AllAzs, Az, Evaluator, Stack
from aftershock.importers.infra_graph import Resource

_ZONE_PROPS = (
    "AvailabilityZone",
    "AvailabilityZoneId",
    "AvailabilityZones",
    "PreferredAvailabilityZone",
    "PreferredAvailabilityZones",
    "PreferredCacheClusterAZs",
)


class Facts:
    """Reads one resource's properties into its Resource."""

    def __init__(self, evaluator: Evaluator, stack: Stack, props: dict[str, Any], out: Resource):
        self.evaluator = evaluator
        self.stack = stack
        self.props = props
        self.out = out

    def get(self, name: str) -> Any:
        return self.evaluator.value(self.props.get(name), self.stack)

    def number(self, name: str) -> int | None:
        value = self.get(name)
        if isinstance(value, str) and value.isdigit():
            return int(value)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def flag(self, name: str) -> bool | None:
        value = self.get(name)
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        return value if isinstance(value, bool) else None

    def read(self) -> None:
        for prop in _ZONE_PROPS:
            value = self.get(prop)
            for item in value if isinstance(value, list) else [value]:
                self.zone(item, prop)
        handler = _HANDLERS.get(self.out.type)
        if handler is not None:
            handler(self)

    def zone(self, value: Any, prop: str) -> None:
        if isinstance(value, Az):
            self.out.zones.add(value.position, f"{prop} !Select [{value.position}, !GetAZs]")
        elif isinstance(value, AllAzs):
            region = self.stack.region
            known = load_catalog().zones("aws", region) if region else []
            if known:
                self.out.zones.state(len(known), f"{prop}: every zone of {region} (!GetAZs)")
            else:
                self.out.note(f"{prop}: every zone of the region (!GetAZs)")
        elif isinstance(value, str):
            self.out.zones.add(value, prop)


def _db_instance(facts: Facts) -> None:
    if "DBClusterIdentifier" in facts.props:
        return
    if facts.flag("MultiAZ"):
        facts.out.zones.state(2, "MultiAZ: true, a standby in a second zone")
    elif facts.get("MultiAZ") is UNKNOWN:
        facts.out.note("MultiAZ depends on the deployment; assumed one zone")
        facts.out.zones.state(1, "MultiAZ unknown")
    else:
        facts.out.zones.state(1, "MultiAZ is not set: one zone")


def _replication_group(facts: Facts) -> None:
    nodes = facts.number("NumCacheClusters")
    replicas = facts.number("ReplicasPerNodeGroup")
    if nodes is None and replicas is not None:
        nodes = replicas + 1
    failover = facts.flag("AutomaticFailoverEnabled") or facts.flag("MultiAZEnabled")
    if nodes and nodes > 1 and failover:
        facts.out.zones.state(nodes, f"{nodes} cache nodes with automatic failover")
    elif nodes:
        facts.out.zones.state(1, "automatic failover is off" if nodes > 1 else "one cache node")


def _cache_cluster(facts: Facts) -> None:
    nodes = facts.number("NumCacheNodes") or 1
    if facts.get("AZMode") == "cross-az" and nodes > 1:
        facts.out.zones.state(nodes, f"{nodes} nodes, AZMode cross-az")
    elif not facts.out.zones.size():
        facts.out.zones.state(1, "AZMode single-az" if nodes > 1 else "one cache node")


def _global_table(facts: Facts) -> None:
    replicas = facts.get("Replicas")
    regions = [
        r.get("Region") for r in replicas if isinstance(r, dict) and is_region(r.get("Region"))
    ] if isinstance(replicas, list) else []  # fmt: skip
    for region in regions:
        if region != facts.stack.region:
            facts.out.replicas[str(region)] = "Replicas of the global table"
    if facts.stack.region is None and regions:
        facts.out.note("global table replicas in " + ", ".join(map(str, regions)))
    if str(facts.get("MultiRegionConsistency")).upper() == "STRONG":
        facts.out.replication = {"mode": "sync"}


def _db_cluster(facts: Facts) -> None:
    engine = facts.get("Engine")
    if isinstance(engine, str) and not engine.startswith("aurora"):
        facts.out.note(f"engine {engine}: a Multi-AZ DB cluster")


def _ecs_service(facts: Facts) -> None:
    launch = facts.get("LaunchType")
    if isinstance(launch, str):
        facts.out.note(f"launch type {launch}")
    count = facts.number("DesiredCount")
    if count is not None:
        facts.out.note(f"desired count {count}")


def _bucket(facts: Facts) -> None:
    conf = facts.get("ReplicationConfiguration")
    rules = conf.get("Rules") if isinstance(conf, dict) else None
    for rule in rules if isinstance(rules, list) else []:
        dest = rule.get("Destination") if isinstance(rule, dict) else None
        bucket = dest.get("Bucket") if isinstance(dest, dict) else None
        if isinstance(bucket, str) and bucket.startswith("arn:"):
            facts.out.note(f"replicates to {bucket}, not in the input: its region is unknown")


def _asg(facts: Facts) -> None:
    size = facts.number("DesiredCapacity") or facts.number("MinSize")
    if size is not None:
        facts.out.note(f"{size} instance(s) wanted")


_HANDLERS: dict[str, Callable[[Facts], None]] = {
    "AWS::RDS::DBInstance": _db_instance,
    "AWS::ElastiCache::ReplicationGroup": _replication_group,
    "AWS::ElastiCache::CacheCluster": _cache_cluster,
    "AWS::DynamoDB::GlobalTable": _global_table,
    "AWS::RDS::DBCluster": _db_cluster,
    "AWS::ECS::Service": _ecs_service,
    "AWS::AutoScaling::AutoScalingGroup": _asg,
    "AWS::S3::Bucket": _bucket,
}
