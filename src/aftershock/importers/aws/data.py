"""Datastores, caches, queues and buckets as components: RDS, Aurora, DynamoDB, ElastiCache,
SQS, S3.

A copy in another region (an RDS read replica, an Aurora Global Database secondary, a DynamoDB
global table replica, an S3 replication target) is a replica region of the component it copies,
not a component of its own; its addresses resolve to that component.
"""

from __future__ import annotations

import json

from aftershock.importers.aws.api import Record
from aftershock.importers.aws.build import Build
from aftershock.importers.aws.collect import RegionInventory
from aftershock.importers.draft import Part

LAG_NOTE = (
    "replication to {what} is asynchronous and its lag was not measured (lag: 0 is assumed); "
    "set replication: {{mode: async, lag: ...}} from CloudWatch ({metric})"
)


def _region_of(arn: str) -> str:
    parts = arn.split(":")
    return parts[3] if len(parts) > 5 and arn.startswith("arn:") else ""


def databases(build: Build) -> None:
    """Add RDS instances and Aurora (and other RDS) clusters of every region, folding read
    replicas and global database secondaries into their source."""
    instances = {
        db["DBInstanceArn"]: (inv.region, db)
        for inv in build.inventory.regions
        for db in inv.databases
    }
    by_id = {(region, db["DBInstanceIdentifier"]): arn for arn, (region, db) in instances.items()}
    clusters = {
        c["DBClusterArn"]: (inv.region, c) for inv in build.inventory.regions for c in inv.clusters
    }
    source: dict[str, str] = {}
    """Replica ARN -> the ARN of what it copies."""
    for arn, (region, db) in instances.items():
        origin = str(db.get("ReadReplicaSourceDBInstanceIdentifier") or "")
        if origin:
            source[arn] = origin if origin.startswith("arn:") else by_id.get((region, origin), "")
    for arn, (_, cluster) in clusters.items():
        if cluster.get("ReplicationSourceIdentifier"):
            source[arn] = str(cluster["ReplicationSourceIdentifier"])
    for glob in build.inventory.global_clusters:
        members = glob.get("GlobalClusterMembers") or []
        writer = next((m["DBClusterArn"] for m in members if m.get("IsWriter")), None)
        for member in members:
            if writer and member["DBClusterArn"] != writer:
                source[member["DBClusterArn"]] = writer
    for arn, (region, cluster) in sorted(clusters.items()):
        if source.get(arn) not in clusters:
            _cluster(build, region, cluster, instances)
    for arn, (region, db) in sorted(instances.items()):
        if not db.get("DBClusterIdentifier") and source.get(arn) not in instances:
            _instance(build, region, db)
    for arn, origin in sorted(source.items()):
        owner = build.owners.get(origin)
        if owner is not None and arn not in build.owners:
            _fold(build, owner, arn, instances, clusters)
    for glob in build.inventory.global_clusters:
        writer = next(
            (
                m["DBClusterArn"]
                for m in glob.get("GlobalClusterMembers") or []
                if m.get("IsWriter")
            ),
            "",
        )
        if writer in build.owners:
            part = build.draft.parts[build.owners[writer]]
            part.note(f"Aurora Global Database {glob.get('GlobalClusterIdentifier')}")
            for member in glob.get("GlobalClusterMembers") or []:
                if member["DBClusterArn"] != writer:
                    build.replica(part, _region_of(member["DBClusterArn"]), "secondary cluster")


def _instance(build: Build, region: str, db: Record) -> None:
    name = str(db["DBInstanceIdentifier"])
    engine = db.get("Engine", "")
    part = build.add(
        db["DBInstanceArn"],
        name,
        "rds",
        region,
        f"RDS {engine} instance {name} in {region}",
        kind="datastore",
        uses="aws/rds",
    )
    primary = str(db.get("AvailabilityZone") or "")
    standby = str(db.get("SecondaryAvailabilityZone") or "")
    known = build.catalog.zones("aws", region)
    if db.get("MultiAZ") and not standby and len(known) >= 2:
        part.deploy = [{"on": f"aws/{region}", "zones": 2}]
        where = build.zone(region, primary) if primary else "an unreported zone"
        part.note(
            f"Multi-AZ: primary in {where}, standby zone not reported; "
            "zones: 2 counts the region's first two catalog zones, not these"
        )
    else:
        part.deploy = [build.placement(part, region, [primary, standby])]
        part.note("Multi-AZ" if db.get("MultiAZ") else "Single-AZ: no standby")
    _refer_db(build, part.name, db)
    if db.get("ReadReplicaSourceDBInstanceIdentifier"):
        part.note(f"read replica of {db['ReadReplicaSourceDBInstanceIdentifier']} (not discovered)")
    for replica in db.get("ReadReplicaDBInstanceIdentifiers") or []:
        if str(replica).startswith("arn:") and _region_of(replica) != region:
            build.replica(part, _region_of(replica), "read replica")
            part.note(LAG_NOTE.format(what=replica, metric="ReplicaLag"))


def _cluster(
    build: Build, region: str, cluster: Record, instances: dict[str, tuple[str, Record]]
) -> None:
    name = str(cluster["DBClusterIdentifier"])
    engine = str(cluster.get("Engine", ""))
    uses = "aws/aurora" if engine.startswith("aurora") else None
    if uses is None and engine in {"mysql", "postgres"}:
        uses = "aws/rds"  # a Multi-AZ DB cluster
    part = build.add(
        cluster["DBClusterArn"],
        name,
        "rds",
        region,
        f"RDS {engine} cluster {name} in {region}",
        kind="datastore",
        uses=uses,
    )
    if uses is None:
        part.note(f"engine {engine} is not in the catalog: its service planes are not modelled")
    member_ids = {m.get("DBInstanceIdentifier") for m in cluster.get("DBClusterMembers") or []}
    members = [
        db
        for r, db in instances.values()
        if r == region and db.get("DBInstanceIdentifier") in member_ids
    ]
    if members:
        zones = [str(db.get("AvailabilityZone") or "") for db in members]
        part.note(f"{len(members)} instance(s): {', '.join(sorted(member_ids - {None}))}")
    else:
        zones = list(cluster.get("AvailabilityZones") or [])
        part.note("no instances reported: zones are the cluster's storage AZs")
    part.deploy = [build.placement(part, region, zones)]
    build.refer(
        part.name,
        "rds",
        cluster["DBClusterArn"],
        cluster.get("Endpoint"),
        cluster.get("ReaderEndpoint"),
        *(cluster.get("CustomEndpoints") or []),
    )
    for db in members:
        build.owners[db["DBInstanceArn"]] = part.name
        _refer_db(build, part.name, db)
    for replica in cluster.get("ReadReplicaIdentifiers") or []:
        if _region_of(replica) and _region_of(replica) != region:
            build.replica(part, _region_of(replica), "replica cluster")


def _refer_db(build: Build, name: str, db: Record) -> None:
    endpoint = db.get("Endpoint") or {}
    build.refer(name, "rds", db["DBInstanceArn"], endpoint.get("Address"))


def _fold(
    build: Build,
    owner: str,
    arn: str,
    instances: dict[str, tuple[str, Record]],
    clusters: dict[str, tuple[str, Record]],
) -> None:
    """Make the replica ``arn`` part of the component ``owner``."""
    part = build.draft.parts[owner]
    build.owners[arn] = owner
    region, record = instances.get(arn) or clusters[arn]
    ident = record.get("DBInstanceIdentifier") or record.get("DBClusterIdentifier")
    if arn in instances:
        _refer_db(build, owner, record)
    else:
        build.refer(owner, "rds", arn, record.get("Endpoint"), record.get("ReaderEndpoint"))
    if any(d["on"] == f"aws/{region}" for d in part.deploy):
        zone = str(record.get("AvailabilityZone") or "")
        part.note(f"read replica {ident} in {build.zone(region, zone) if zone else region}")
    else:
        build.replica(part, region, f"replica {ident}")
        part.note(
            LAG_NOTE.format(
                what=f"{ident} in {region}", metric="ReplicaLag / AuroraGlobalDBReplicationLag"
            )
        )


def tables(build: Build) -> None:
    """Add DynamoDB tables; a global table seen in several regions is one component."""
    seen: dict[str, tuple[str, set[str]]] = {}
    """Table name -> (component, its regions)."""
    for inv in build.inventory.regions:
        for table in sorted(inv.tables, key=lambda t: str(t.get("TableName"))):
            name = str(table["TableName"])
            regions = {
                str(r.get("RegionName")) for r in table.get("Replicas") or [] if r.get("RegionName")
            }
            known = seen.get(name)
            if known is not None and inv.region in known[1]:
                build.owners[table["TableArn"]] = known[0]
                build.refer(known[0], "dynamodb", table["TableArn"], table.get("LatestStreamArn"))
                continue
            part = _table(build, inv.region, table, regions - {inv.region})
            seen[name] = (part.name, regions | {inv.region})


def _table(build: Build, region: str, table: Record, replicas: set[str]) -> Part:
    name = str(table["TableName"])
    part = build.add(
        table["TableArn"],
        name,
        "dynamodb",
        region,
        f"DynamoDB table {name} in {region}",
        kind="datastore",
        uses="aws/dynamodb",
        deploy=[{"on": f"aws/{region}"}],
    )
    build.refer(part.name, "dynamodb", name, table["TableArn"], table.get("LatestStreamArn"))
    for other in sorted(replicas):
        build.replica(part, other, "global table replica")
    if part.replicas:
        if table.get("MultiRegionConsistency") == "STRONG":
            part.replication = {"mode": "sync"}
        else:
            part.note(LAG_NOTE.format(what="the replicas", metric="ReplicationLatency"))
    if str(table.get("GlobalTableVersion", "")).startswith("2017"):
        part.note("a global table of version 2017.11.29: its replicas were not read")
    stream = table.get("StreamSpecification") or {}
    if stream.get("StreamEnabled"):
        part.note(f"stream enabled ({stream.get('StreamViewType', 'view type unknown')})")
    part.note(f"point-in-time recovery: {str(table.get('PointInTimeRecovery')).lower()}")
    return part


def caches(build: Build, inv: RegionInventory) -> None:
    """Add ElastiCache replication groups and the clusters outside any group."""
    region = inv.region
    for group in sorted(inv.replication_groups, key=lambda g: str(g.get("ReplicationGroupId"))):
        name = str(group["ReplicationGroupId"])
        part = build.add(
            group.get("ARN") or f"elasticache:{region}:{name}",
            name,
            "elasticache",
            region,
            f"ElastiCache {group.get('Engine', 'redis')} replication group {name} in {region}",
            kind="cache",
            uses="aws/elasticache",
        )
        members = [
            m for ng in group.get("NodeGroups") or [] for m in ng.get("NodeGroupMembers") or []
        ]
        zones = [m.get("PreferredAvailabilityZone", "") for m in members]
        clusters = [c for c in inv.cache_clusters if c.get("ReplicationGroupId") == name]
        zones += [c.get("PreferredAvailabilityZone", "") for c in clusters]
        part.deploy = [build.placement(part, region, zones)]
        multi = str(group.get("MultiAZ", "disabled"))
        part.note(
            f"Multi-AZ {multi}, automatic failover {group.get('AutomaticFailover', 'unknown')}; "
            f"{len(group.get('NodeGroups') or [])} shard(s), "
            f"{len(group.get('MemberClusters') or [])} node(s)"
        )
        if multi == "enabled" and len({z for z in zones if z}) < 2:
            part.note("Multi-AZ is enabled but its nodes were reported in one zone")
        if (group.get("GlobalReplicationGroupInfo") or {}).get("GlobalReplicationGroupId"):
            part.note("member of a Global Datastore: its other regions were not read")
        addresses = [
            (ng.get("PrimaryEndpoint") or {}).get("Address") for ng in group.get("NodeGroups") or []
        ]
        addresses += [
            (ng.get("ReaderEndpoint") or {}).get("Address") for ng in group.get("NodeGroups") or []
        ]
        addresses += [(m.get("ReadEndpoint") or {}).get("Address") for m in members]
        addresses.append((group.get("ConfigurationEndpoint") or {}).get("Address"))
        build.refer(part.name, "elasticache", *addresses)
        for cluster in clusters:
            _refer_cache(build, part.name, cluster)
    for cluster in sorted(inv.cache_clusters, key=lambda c: str(c.get("CacheClusterId"))):
        if not cluster.get("ReplicationGroupId"):
            _cache_cluster(build, region, cluster)


def _cache_cluster(build: Build, region: str, cluster: Record) -> None:
    name = str(cluster["CacheClusterId"])
    part = build.add(
        cluster.get("ARN") or f"elasticache:{region}:{name}",
        name,
        "elasticache",
        region,
        f"ElastiCache {cluster.get('Engine', '')} cluster {name} in {region}",
        kind="cache",
        uses="aws/elasticache",
    )
    nodes = cluster.get("CacheNodes") or []
    zones = [n.get("CustomerAvailabilityZone", "") for n in nodes]
    if not zones and cluster.get("PreferredAvailabilityZone") != "Multiple":
        zones = [cluster.get("PreferredAvailabilityZone", "")]
    part.deploy = [build.placement(part, region, zones)]
    part.note(f"{cluster.get('NumCacheNodes', len(nodes))} node(s)")
    _refer_cache(build, part.name, cluster)


def _refer_cache(build: Build, name: str, cluster: Record) -> None:
    addresses = [(n.get("Endpoint") or {}).get("Address") for n in cluster.get("CacheNodes") or []]
    addresses.append((cluster.get("ConfigurationEndpoint") or {}).get("Address"))
    build.refer(name, "elasticache", cluster.get("ARN"), *addresses)


def queues(build: Build, inv: RegionInventory) -> None:
    """Add SQS queues."""
    region = inv.region
    for queue in sorted(inv.queues, key=lambda q: str(q["QueueUrl"])):
        url = str(queue["QueueUrl"])
        name = url.rstrip("/").rpartition("/")[2]
        attributes = queue.get("Attributes") or {}
        arn = attributes.get("QueueArn") or f"sqs:{url}"
        part = build.add(
            arn,
            name,
            "sqs",
            region,
            f"SQS queue {name} in {region}",
            kind="queue",
            uses="aws/sqs",
            deploy=[{"on": f"aws/{region}"}],
        )
        path = "/" + "/".join(url.rstrip("/").split("/")[-2:])
        build.refer(part.name, "sqs", url, arn, name, f"sqs-path:{path}")
        try:
            redrive = json.loads(attributes.get("RedrivePolicy") or "{}")
        except ValueError:
            redrive = {}
        target = str(redrive.get("deadLetterTargetArn", "")) if isinstance(redrive, dict) else ""
        if target:
            part.note(f"dead-letter queue: {target.rpartition(':')[2]}")


def buckets(build: Build) -> None:
    """Add S3 buckets of the scanned regions; cross-region replication makes replica regions."""
    for bucket in sorted(build.inventory.buckets, key=lambda b: str(b["Name"])):
        name, region = str(bucket["Name"]), str(bucket["Region"])
        part = build.add(
            f"arn:aws:s3:::{name}",
            name,
            "s3",
            region,
            f"S3 bucket {name} in {region}",
            kind="storage",
            uses="aws/s3",
            deploy=[{"on": f"aws/{region}"}],
        )
        build.refer(
            part.name,
            "s3",
            name,
            f"arn:aws:s3:::{name}",
            f"{name}.s3.amazonaws.com",
            f"{name}.s3.{region}.amazonaws.com",
        )
        for target in bucket.get("ReplicaRegions") or []:
            if target is None:
                part.note("replicates to a bucket whose region could not be read")
            elif target == region:
                part.note(f"same-region replication within {region}: not a regional copy")
            else:
                build.replica(part, target, "replication target")
        if part.replicas:
            part.note(LAG_NOTE.format(what="the replica buckets", metric="ReplicationLatency"))
