"""The components of a resolved ResourceGraph written into a Draft: unique names, zones
(the resource's own, its subnets', its members', its cluster's capacity), placement, replicas
and dependencies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aftershock.catalog.load import load_catalog
from aftershock.importers.aws_placement import Zones, place
from aftershock.importers.draft import Draft, clean_name

if TYPE_CHECKING:
    from aftershock.importers.infra_graph import ResourceGraph

_RESERVED = {"aws", "azure", "gcp", "cloudflare", "fastly", "global"}
"""Provider names (and ``global``): a component named so would make failure targets ambiguous."""


def _zones(graph: ResourceGraph, key: str) -> Zones:
    """Return what is known of the zones of component ``key``: its own, its subnets' (through
    subnet groups, one instance of a counted subnet where the reference names it), and its
    members'."""
    r = graph.res[key]
    zones = Zones()
    zones.merge(r.zones)
    seen: set[tuple[str, int | None]] = set()
    todo = [ref for ref in r.refs if ref.kind == "place"]
    subnets: list[str] = []
    while todo:
        ref = todo.pop()
        target = graph.res.get(ref.target)
        if target is None or (ref.target, ref.index) in seen:
            continue
        seen.add((ref.target, ref.index))
        if target.role.link == "subnet":
            at = target.zones_at.get(ref.index) if ref.index is not None else None
            found = at or target.zones
            zones.names |= found.names
            zones.ids |= found.ids
            zones.positions |= found.positions
            if found.size():
                subnets.append(target.label)
        elif target.role.link == "subnet-group":
            todo += [x for x in target.refs if x.kind == "place"]
    if subnets:
        zones.why.append("subnets " + ", ".join(sorted(set(subnets))))
    members = graph.member_zones.get(key)
    if members is not None and zones.count is None and members.count:
        if members.names or members.ids:  # the members' own zones, not their number
            zones.merge(Zones(set(members.names), set(members.ids), why=list(members.why)))
        else:
            zones.state(
                members.count, f"{members.count} member instances, assumed in different zones"
            )
    return zones


def write_parts(draft: Draft, graph: ResourceGraph) -> None:
    """Add the components of ``graph`` to ``draft``: names, placement, replicas, notes and
    dependencies."""
    catalog = load_catalog()
    keys = sorted(graph.components)
    zones = {k: _zones(graph, k) for k in keys}
    for k in keys:  # clusters take their capacity's zones, services their cluster's
        if graph.link(k) == "cluster" and not zones[k].size():
            for host in graph.deps[k]:
                if graph.link(host) == "host" and graph.res[host].region == graph.res[k].region:
                    zones[k].merge(zones[host])
    for k in keys:
        if graph.res[k].role.inherits and not zones[k].size():
            for dst in graph.deps[k]:
                if graph.link(dst) == "cluster" and zones[dst].size():
                    zones[k].merge(zones[dst])
                    zones[k].why.append(f"from cluster {graph.res[dst].label}")
    names = _names(graph, keys, draft.secrets)
    for k in keys:
        r = graph.res[k]
        kind = r.role.kind or ("dns" if r.role.link == "dns-record" else "service")
        uses = r.role.uses or ("route53" if r.role.link == "dns-record" else None)
        placement = place(
            r.region,
            zones[k],
            on_global=r.role.on_global or r.role.link == "dns-record",
            zoned=r.role.zoned,
            catalog=catalog,
        )
        replicas = [
            f"aws/{region}"
            for region in sorted(r.replicas)
            if region in catalog.providers["aws"].regions and region != r.region
        ]
        part = draft.part(
            names[k],
            r.why,
            kind=kind,
            uses=f"aws/{uses}" if uses else None,
            deploy=placement.deploy,
            replicas=replicas,
        )
        if replicas:
            part.replication = r.replication or {"mode": "async"}
            if r.replication is None:
                part.note("replication lag is not in the input; set replication.lag")
        for region, why in sorted(r.replicas.items()):
            part.note(f"replica in {region}: {why}")
        for text in [*r.notes, *placement.notes]:
            part.note(text)
        for dst, why in sorted(graph.deps[k].items()):
            if dst in names:
                draft.depend(names[k], names[dst], why)
        for name, why in sorted(r.externals.items()):
            draft.depend(names[k], name, why)


def _names(graph: ResourceGraph, keys: list[str], secrets: set[str]) -> dict[str, str]:
    """Return a unique, valid name for each component: its shortest candidate that no other
    component also wants (and that is not a provider name and holds no secret value)."""
    level = dict.fromkeys(keys, 0)

    def options(key: str) -> list[str]:
        return graph.res[key].names or [key]

    def candidate(key: str) -> str:
        return clean_name(options(key)[level[key]])

    def bad(text: str) -> bool:
        return text.lower() in _RESERVED or any(s in text for s in secrets)

    while True:
        chosen: dict[str, list[str]] = {}
        for key in keys:
            chosen.setdefault(candidate(key), []).append(key)
        bump = [
            key
            for text, owners in chosen.items()
            for key in owners
            if (len(owners) > 1 or bad(text)) and level[key] < len(options(key)) - 1
        ]
        if not bump:
            break
        for key in bump:
            level[key] += 1
    out: dict[str, str] = {}
    taken: set[str] = set()
    for key in keys:
        text = candidate(key)
        if bad(text):
            text = clean_name(graph.res[key].type.split(":")[-1].lower())
        base, n = text, 1
        while text in taken or bad(text):
            n += 1
            text = f"{base}-{n}"
        taken.add(text)
        out[key] = text
    return out
