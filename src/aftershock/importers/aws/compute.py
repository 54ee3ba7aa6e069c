"""EC2 instances, Auto Scaling groups and load balancers (ELBv2) as components.

Instances are grouped: by their ``aws:autoscaling:groupName`` tag into their Auto Scaling
group, else by an ``app``, ``service`` or ``Name`` tag (instances without one stay alone). A
load balancer depends on what its target groups route to: the groups and instances registered
in them, Lambda functions, or another load balancer.
"""

from __future__ import annotations

from aftershock.importers.aws.api import Record
from aftershock.importers.aws.build import Build
from aftershock.importers.aws.collect import RegionInventory
from aftershock.importers.draft import Part

GROUP_TAG = "aws:autoscaling:groupName"
APP_TAGS = ("app", "service", "Name")
_GONE = {"terminated", "shutting-down"}


def _tags(resource: Record) -> dict[str, str]:
    return {t.get("Key", ""): t.get("Value", "") for t in resource.get("Tags") or []}


def fleets(build: Build, inv: RegionInventory) -> None:
    """Add the region's Auto Scaling groups and the other instances, grouped by tag."""
    region = inv.region
    for group in sorted(inv.groups, key=lambda g: str(g.get("AutoScalingGroupName"))):
        _group(build, inv, group)
    loose: dict[str, tuple[str, list[Record]]] = {}
    for instance in inv.instances:
        if instance.get("State", {}).get("Name") in _GONE:
            continue
        tags = _tags(instance)
        owner = build.owners.get(instance["InstanceId"])
        if owner is None and tags.get(GROUP_TAG):
            owner = build.owners.get(f"asg:{region}:{tags[GROUP_TAG]}")
        if owner is not None:
            _refer_instance(build, owner, instance)
            continue
        key = next((k for k in (GROUP_TAG, *APP_TAGS) if tags.get(k)), None)
        label = f"{key}={tags[key]}" if key else instance["InstanceId"]
        loose.setdefault(label, (tags[key] if key else instance["InstanceId"], []))[1].append(
            instance
        )
    for label, (raw, members) in sorted(loose.items()):
        ids = sorted(m["InstanceId"] for m in members)
        why = (
            f"EC2 instance {ids[0]} in {region} (no {'/'.join(APP_TAGS)} tag)"
            if raw == ids[0]
            else f"{len(ids)} EC2 instance(s) tagged {label} in {region}"
        )
        part = build.add(f"ec2:{region}:{label}", raw, "ec2", region, why, uses="aws/ec2")
        part.deploy = [
            build.placement(
                part, region, (m.get("Placement", {}).get("AvailabilityZone") for m in members)
            )
        ]
        shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
        part.note(f"instances: {shown}")
        stopped = [m["InstanceId"] for m in members if m.get("State", {}).get("Name") == "stopped"]
        if stopped:
            part.note(f"stopped: {', '.join(sorted(stopped))}")
        for instance in members:
            build.owners[instance["InstanceId"]] = part.name
            _refer_instance(build, part.name, instance)


def _group(build: Build, inv: RegionInventory, group: Record) -> None:
    region = inv.region
    name = str(group["AutoScalingGroupName"])
    part = build.add(
        str(group.get("AutoScalingGroupARN") or f"asg:{region}:{name}"),
        name,
        "asg",
        region,
        f"Auto Scaling group {name} in {region}",
        uses="aws/ec2",
    )
    build.owners[f"asg:{region}:{name}"] = part.name
    zones = list(group.get("AvailabilityZones") or [])
    if not zones:
        subnets = str(group.get("VPCZoneIdentifier") or "").split(",")
        zones = [inv.subnets.get(s.strip(), "") for s in subnets]
    part.deploy = [build.placement(part, region, zones)]
    members = [i for i in group.get("Instances") or [] if i.get("LifecycleState") != "Terminated"]
    part.note(
        f"MinSize {group.get('MinSize')}, DesiredCapacity {group.get('DesiredCapacity')}, "
        f"MaxSize {group.get('MaxSize')}; {len(members)} instance(s) now"
    )
    now = sorted({i.get("AvailabilityZone", "") for i in members} - {""})
    if members and set(now) < set(zones):
        shown = ", ".join(build.zone(region, z) for z in now)
        part.note(
            f"its instances now run only in {shown}: losing that zone means waiting for new "
            "launches (the EC2 control plane) in the others"
        )
    elif members:
        part.note("a lost zone's instances are replaced by new launches (EC2 control plane)")
    for instance in members:
        build.owners[instance["InstanceId"]] = part.name
    for arn in group.get("TargetGroupARNs") or []:
        build.routes.setdefault(arn, set()).add(part.name)
    classic = group.get("LoadBalancerNames") or []
    if classic:
        part.note(f"behind classic load balancer(s) {', '.join(classic)} (not discovered)")


def _refer_instance(build: Build, name: str, instance: Record) -> None:
    build.refer(
        name,
        "ec2",
        instance.get("PrivateDnsName"),
        instance.get("PublicDnsName"),
        instance.get("PrivateIpAddress"),
        instance.get("PublicIpAddress"),
    )


def balancers(build: Build, inv: RegionInventory) -> None:
    """Add the region's load balancers and what their target groups route to."""
    region = inv.region
    for lb in sorted(inv.balancers, key=lambda b: str(b.get("LoadBalancerName"))):
        name = str(lb["LoadBalancerName"])
        kind = {"application": "Application", "network": "Network", "gateway": "Gateway"}.get(
            str(lb.get("Type")), "Elastic"
        )
        part = build.add(
            lb["LoadBalancerArn"],
            name,
            "elb",
            region,
            f"{kind} Load Balancer {name} in {region}",
            uses="aws/elb",
        )
        zones = [z.get("ZoneName", "") for z in lb.get("AvailabilityZones") or []]
        part.deploy = [build.placement(part, region, zones)]
        if lb.get("Scheme"):
            part.note(f"scheme: {lb['Scheme']}")
        build.refer(part.name, "elb", lb.get("DNSName"), lb["LoadBalancerArn"])
    for group in sorted(inv.target_groups, key=lambda g: str(g.get("TargetGroupName"))):
        _routes(build, group)


def _routes(build: Build, group: Record) -> None:
    name = str(group.get("TargetGroupName"))
    targets = set(build.routes.get(group["TargetGroupArn"], set()))
    unknown: list[str] = []
    for target in group.get("Targets") or []:
        ident = str(target.get("Id", ""))
        owner = build.owners.get(ident) or next(iter(build.resolve(ident)), None)
        if owner is None:
            unknown.append(ident)
        else:
            targets.add(owner)
    for lb_arn in group.get("LoadBalancerArns") or []:
        lb = build.owners.get(lb_arn)
        if lb is None:
            continue
        part: Part = build.draft.parts[lb]
        for target in sorted(targets):
            build.draft.depend(lb, target, f"target group {name} routes to it")
        if unknown:
            part.note(f"target group {name} also routes to {', '.join(sorted(unknown))}")
        elif not targets:
            part.note(f"target group {name} has no registered targets")
