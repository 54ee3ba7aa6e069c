"""What a Terraform resource's values say about its zones and replicas, type by type."""

from __future__ import annotations

from typing import Any

from aftershock.importers.aws_placement import Zones, is_region
from aftershock.importers.infra_graph import Resource
from aftershock.importers.terraform_docs import TfResource
from aftershock.importers.yamldocs import as_list, as_map

_ZONE_ATTRS = (
    "availability_zone",
    "availability_zone_id",
    "availability_zones",
    "preferred_cache_cluster_azs",
    "preferred_availability_zones",
)


def add_facts(res: TfResource, out: Resource) -> None:
    """Add to ``out`` the zones, replicas and notes the values of ``res`` state."""
    for index, values in res.instances.items():
        zones = out.zones
        if out.role.link == "subnet" and isinstance(index, int):
            zones = out.zones_at.setdefault(index, Zones())
        for attr in _ZONE_ATTRS:
            for zone in _strings(values.get(attr)):
                zones.add(zone, attr)
                if zones is not out.zones:
                    out.zones.add(zone, attr)
    first: dict[str, Any] = next(iter(res.instances.values()), {})
    handler = _HANDLERS.get(res.type)
    if handler is not None:
        handler(first, out)


def _strings(value: object) -> list[str]:
    if isinstance(value, str) and value:
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str) and v]
    return []


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _db_instance(values: dict[str, Any], out: Resource) -> None:
    if values.get("multi_az") is True:
        out.zones.state(2, "multi_az = true: a standby in a second zone")
    elif values.get("multi_az") is False:
        out.zones.state(1, "multi_az = false: one zone")
    else:
        out.zones.state(1, "multi_az is not set: one zone")
    engine = values.get("engine")
    if isinstance(engine, str) and engine.startswith("aurora"):
        out.note(f"engine {engine}: an Aurora instance outside a cluster in the input")


def _replication_group(values: dict[str, Any], out: Resource) -> None:
    nodes = _int(values.get("num_cache_clusters")) or _int(values.get("number_cache_clusters"))
    groups = _int(values.get("num_node_groups"))
    replicas = _int(values.get("replicas_per_node_group"))
    if nodes is None and replicas is not None:
        nodes = replicas + 1
    failover = values.get("automatic_failover_enabled") is True
    if nodes and nodes > 1 and failover:
        out.zones.state(nodes, f"{nodes} cache nodes with automatic failover")
    elif nodes:
        why = "automatic failover is off" if nodes > 1 else "one cache node"
        out.zones.state(1, why)
        if nodes > 1:
            out.note(f"{nodes} cache nodes, but without automatic failover the primary is one")
    if groups and groups > 1:
        out.note(f"cluster mode: {groups} shards")


def _cache_cluster(values: dict[str, Any], out: Resource) -> None:
    nodes = _int(values.get("num_cache_nodes")) or 1
    if values.get("az_mode") == "cross-az" and nodes > 1:
        out.zones.state(nodes, f"{nodes} nodes, az_mode cross-az")
    elif not out.zones.size():
        out.zones.state(1, "az_mode single-az" if nodes > 1 else "one cache node")


def _dynamodb(values: dict[str, Any], out: Resource) -> None:
    for replica in as_list(values.get("replica")):
        if not isinstance(replica, dict):
            continue
        region = replica.get("region_name")
        if is_region(region):
            out.replicas[str(region)] = "replica block (global table)"
        if str(replica.get("consistency_mode", "")).upper() == "STRONG":
            out.replication = {"mode": "sync"}


def _s3_bucket(values: dict[str, Any], out: Resource) -> None:
    for conf in as_list(values.get("replication_configuration")):
        for rule in as_list(as_map(conf).get("rules")):
            for dest in as_list(as_map(rule).get("destination")):
                bucket = as_map(dest).get("bucket")
                if isinstance(bucket, str) and bucket:
                    out.note(f"replication rule to {bucket}")


def _ecs_service(values: dict[str, Any], out: Resource) -> None:
    launch = values.get("launch_type")
    if isinstance(launch, str) and launch:
        out.note(f"launch type {launch}")


_HANDLERS = {
    "aws_db_instance": _db_instance,
    "aws_elasticache_replication_group": _replication_group,
    "aws_elasticache_cluster": _cache_cluster,
    "aws_dynamodb_table": _dynamodb,
    "aws_dynamodb_global_table": _dynamodb,
    "aws_s3_bucket": _s3_bucket,
    "aws_ecs_service": _ecs_service,
}
