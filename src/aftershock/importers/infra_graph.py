"""Resources of infrastructure code (Terraform, CloudFormation) to a Draft: which resources are
components, what each depends on, and where each runs.

Both importers describe what they read as ``Resource``s with typed references (``Ref``);
``build`` does the rest the same way for both:

- a component depends on the components its references reach, directly or through resources
  that are not components (a launch template, a target group and its listener, an IAM role
  whose policy names a table). The walk stops at components and security groups and never
  visits a resource twice, so cyclic references finish;
- security groups add calls: the members of group T call the members of group S when S admits
  T (unless the reverse dependency is already known);
- a resource that feeds another (an event source mapping, a subscription, a target group
  attachment, a DNS alias) makes the fed component depend on the feeder;
- a host group (auto scaling group, node group) that names a cluster is the cluster's
  capacity: the cluster depends on it, not the other way round;
- cluster members, read replicas, replica buckets and global-cluster secondaries fold into the
  component they copy, as its ``replicas``;
- zones come from the resource, its subnets, its members, or its cluster's capacity
  (infra_parts writes the components).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any, Literal

from aftershock.importers.aws_placement import Zones
from aftershock.importers.draft import Draft
from aftershock.importers.infra_parts import write_parts

RefKind = Literal[
    "ref", "place", "ingress", "fed", "replica", "replica-of", "member", "global", "primary",
    "ignore",
]  # fmt: skip
"""ref: an ordinary reference (followed); place: subnets that place the resource; ingress: a
security group admitted by this group or rule; fed: the target is fed by this resource;
replica / replica-of: the target is a copy of this resource / this is a copy of the target;
member: this is part of the target cluster; global / primary: global database membership;
ignore: not a dependency (a VPC id)."""


@dataclass(frozen=True)
class Role:
    """What a resource type is to the model."""

    kind: str | None = None
    """The component kind; None when the type is not a component."""
    uses: str | None = None
    """The catalog service (under aws/) a component uses; None for self-run ones."""
    link: str = ""
    """How it links others: host, launch, cluster, lb, listener, target-group, subnet,
    subnet-group, sg, sg-rule, dns-record, global."""
    on_global: bool = False
    """Deployed on the provider's global service (Route 53, CloudFront)."""
    inherits: bool = False
    """Runs on a cluster and takes its zones (an ECS service on EC2 capacity)."""
    zoned: bool = True
    """Zones matter for it (False for regional services that span the region by themselves)."""


@dataclass(frozen=True)
class Ref:
    """A reference from one resource to another, from attribute ``attr``."""

    target: str
    attr: str
    kind: RefKind = "ref"
    index: int | None = None
    """The instance of a counted target (one subnet of several)."""


@dataclass
class Resource:
    """One resource as an importer read it."""

    key: str
    type: str
    role: Role
    label: str
    """How comments name it: an address or a logical id."""
    names: list[str]
    """Component name candidates, shortest first; a later one is used on a collision."""
    why: str
    region: str | None = None
    refs: list[Ref] = field(default_factory=list)
    zones: Zones = field(default_factory=Zones)
    zones_at: dict[int, Zones] = field(default_factory=dict)
    """Zones of each instance of a counted subnet."""
    replicas: dict[str, str] = field(default_factory=dict)
    """Replica region -> why."""
    replication: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    externals: dict[str, str] = field(default_factory=dict)
    """Placeholder dependencies on things outside the input: name -> why."""

    def note(self, text: str) -> None:
        """Add a note (once)."""
        if text not in self.notes:
            self.notes.append(text)


class ResourceGraph:
    """The resources, their fold owners and the dependencies found between components."""

    def __init__(self, resources: list[Resource]) -> None:
        self.res = {r.key: r for r in resources}
        self.components = {r.key for r in resources if r.role.kind is not None}
        self.fold: dict[str, str] = {}
        self.member_zones: dict[str, Zones] = {}
        self.deps: dict[str, dict[str, str]] = {k: {} for k in self.res}
        self.sgs: dict[str, set[str]] = {}
        self.extra: dict[str, list[Ref]] = {}
        """Synthetic edges: a target group reaches the listeners that forward to it."""
        for r in resources:
            if r.role.link == "listener":
                for ref in self.refs(r, "ref"):
                    if self.link(ref.target) == "target-group":
                        self.extra.setdefault(ref.target, []).append(Ref(r.key, "listener"))

    def link(self, key: str) -> str:
        """Return the link role of resource ``key`` ("" when unknown)."""
        found = self.res.get(key)
        return found.role.link if found else ""

    @staticmethod
    def refs(res: Resource, *kinds: str) -> list[Ref]:
        """Return the references of ``res`` of the given kinds."""
        return [ref for ref in res.refs if ref.kind in kinds]

    def owner(self, key: str) -> str | None:
        """Return the component standing for ``key``: itself, or what it folded into."""
        seen = set()
        while key in self.fold and key not in seen:
            seen.add(key)
            key = self.fold[key]
        return key if key in self.components else None

    def reach(self, start: str) -> tuple[dict[str, str], set[str], dict[str, str]]:
        """Return the components ``start`` reaches (key -> why), the security groups it is a
        member of, and the placeholders its non-component references name."""
        found: dict[str, str] = {}
        groups: set[str] = set()
        externals: dict[str, str] = {}
        origin = self.res[start]
        queue = deque((ref, ref.attr, "") for ref in self.refs(origin, "ref"))
        seen = {start}
        while queue:
            ref, attr, via = queue.popleft()
            key = ref.target
            if key in seen or key not in self.res:
                continue
            seen.add(key)
            owner = self.owner(key)
            if owner is not None:
                if owner != self.owner(start) and owner not in found:
                    label = self.res[key].label
                    found[owner] = f"{attr} -> {via}{label}"
                continue
            target = self.res[key]
            if target.role.link == "sg":
                groups.add(key)
                continue
            externals.update(target.externals)
            for nxt in [*self.refs(target, "ref"), *self.extra.get(key, [])]:
                queue.append((nxt, attr, f"{via}{target.label}.{nxt.attr} -> "))
        return found, groups, externals

    def depend(self, src: str, dst: str, why: str) -> None:
        """Record that component ``src`` depends on ``dst`` (the first reason found wins)."""
        if src != dst and dst not in self.deps[src]:
            self.deps[src][dst] = why


def build(draft: Draft, resources: list[Resource]) -> None:
    """Add the components of ``resources`` and their dependencies to ``draft``."""
    graph = ResourceGraph(resources)
    _promote(graph)
    _fold(graph)
    _globals(graph)
    for key in sorted(graph.res):
        owner = graph.owner(key)
        if owner is None:
            continue
        found, groups, externals = graph.reach(key)
        for dst, why in found.items():
            graph.depend(owner, dst, why)
        graph.sgs.setdefault(owner, set()).update(groups)
        graph.res[owner].externals.update({**graph.res[key].externals, **externals})
    _flip_capacity(graph)
    _feeds(graph)
    _security_groups(graph)
    write_parts(draft, graph)


def _promote(graph: ResourceGraph) -> None:
    """Launch templates no host uses stand for their instances; DNS records whose zone is not
    in the input are DNS components themselves."""
    used = {
        ref.target
        for r in graph.res.values()
        if r.role.link == "host"
        for ref in graph.refs(r, "ref")
    }
    for r in graph.res.values():
        if r.role.link == "launch" and r.key not in used:
            graph.components.add(r.key)
            r.note("no auto scaling group or instance in the input uses it: it stands for them")
        elif r.role.link == "dns-record" and not any(
            ref.target in graph.components for ref in graph.refs(r, "ref")
        ):
            graph.components.add(r.key)


def _fold(graph: ResourceGraph) -> None:
    """Fold members and replicas into the components they belong to."""
    for r in graph.res.values():
        for ref in r.refs:
            target = graph.res.get(ref.target)
            if target is None or ref.target == r.key:
                continue
            if ref.kind == "member" and ref.target in graph.components:
                graph.fold[r.key] = ref.target
                graph.components.discard(r.key)
                zones = graph.member_zones.setdefault(ref.target, Zones())
                zones.merge(r.zones)
                zones.count = (zones.count or 0) + 1
            elif ref.kind == "replica-of":
                _replica(graph, copy=r, of=target, why=ref.attr)
            elif ref.kind == "replica":
                _replica(graph, copy=target, of=r, why=f"{ref.attr} of {r.label}")


def _replica(graph: ResourceGraph, *, copy: Resource, of: Resource, why: str) -> None:
    source = of.key
    if of.key not in graph.components:  # a replication configuration: its bucket is the source
        sources = [ref.target for ref in graph.refs(of, "ref") if ref.target in graph.components]
        if not sources:
            return
        source = sources[0]
    graph.fold[copy.key] = source
    graph.components.discard(copy.key)
    owner = graph.res[source]
    if copy.region is None:
        owner.note(f"replicated to {copy.label} ({why}), in a region the input does not say")
    elif copy.region != owner.region:
        owner.replicas.setdefault(copy.region, f"replica {copy.label}: {why}")
    else:
        owner.note(f"copy {copy.label} is in the same region ({why})")


def _globals(graph: ResourceGraph) -> None:
    """A global database: the primary cluster is the component, the others its replicas."""
    groups: dict[str, list[Resource]] = {}
    for r in graph.res.values():
        for ref in graph.refs(r, "global"):
            if ref.target in graph.res and r.key in graph.components:
                groups.setdefault(ref.target, []).append(r)
    for gkey, members in groups.items():
        glob = graph.res[gkey]
        named = {ref.target for ref in graph.refs(glob, "primary")}
        members.sort(key=lambda m: (m.key not in named, m.region != glob.region, m.key))
        primary = members[0]
        primary.note(f"primary of global database {glob.label}")
        for other in members[1:]:
            _replica(graph, copy=other, of=primary, why=f"secondary of {glob.label}")


def _flip_capacity(graph: ResourceGraph) -> None:
    for host in list(graph.components):
        if graph.link(host) != "host":
            continue
        for dst in list(graph.deps[host]):
            if graph.link(dst) == "cluster":
                why = graph.deps[host].pop(dst)
                graph.depend(dst, host, f"its capacity: {graph.res[host].label} ({why})")


def _feeds(graph: ResourceGraph) -> None:
    for r in graph.res.values():
        fed = graph.refs(r, "fed")
        if not fed:
            continue
        own = graph.owner(r.key)
        sources = {own} if own else set(graph.reach(r.key)[0])
        for ref in fed:
            target = graph.owner(ref.target)
            consumers = {target} if target else set()
            if not consumers and ref.target in graph.res:
                consumers = set(graph.reach(ref.target)[0])
            for consumer in consumers:
                for source in sources:
                    if source is not None:
                        graph.depend(consumer, source, f"fed by {r.label} ({ref.attr})")


def _security_groups(graph: ResourceGraph) -> None:
    members: dict[str, set[str]] = {}
    for comp, groups in graph.sgs.items():
        for group in groups:
            members.setdefault(group, set()).add(comp)
    admits: dict[str, dict[str, str]] = {}
    for r in graph.res.values():
        if r.role.link == "sg":
            for ref in graph.refs(r, "ingress"):
                admits.setdefault(r.key, {})[ref.target] = f"{r.label} {ref.attr}"
        elif r.role.link == "sg-rule":
            for rule_of in graph.refs(r, "ref"):
                for ref in graph.refs(r, "ingress"):
                    admits.setdefault(rule_of.target, {})[ref.target] = f"rule {r.label}"
    for group, sources in sorted(admits.items()):
        for source, rule in sorted(sources.items()):
            if source == group or source not in graph.res or group not in graph.res:
                continue
            for caller in sorted(members.get(source, ())):
                for callee in sorted(members.get(group, ())):
                    if caller != callee and caller not in graph.deps[callee]:
                        why = (
                            f"security group {graph.res[group].label} admits "
                            f"{graph.res[source].label} ({rule})"
                        )
                        graph.depend(caller, callee, why)
