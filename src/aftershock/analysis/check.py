"""The static check: SPOFs, cut sets, dependencies, concentration and findings of one model."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aftershock.allocation import bulk_allocation
from aftershock.analysis.compact import CutSets, Names
from aftershock.analysis.cutsets import cut_sets, gate_inputs
from aftershock.analysis.dependencies import reaches
from aftershock.analysis.findings import RANK, FindingBuilder, top_targets
from aftershock.analysis.grouping import Lister, first, total
from aftershock.analysis.results import (
    GROUP_LIMIT,
    Answer,
    CheckResult,
    ConcentrationRow,
    DependsOn,
    HiddenDependency,
    RegionLoss,
    ServiceReport,
    group_targets,
)
from aftershock.analysis.routes import Routes
from aftershock.analysis.single import single_failures
from aftershock.catalog.load import Catalog, load_catalog
from aftershock.graph.core import Graph, NodeKind
from aftershock.graph.failover import all_requirements
from aftershock.graph.propagate import arrays
from aftershock.graph.scc import component_cycles
from aftershock.graph.sharing import NodeSet
from aftershock.model.duration import format_duration as fmt

US_EAST_1 = "aws/us-east-1"


def check(graph: Graph, *, order: int = 2, catalog: Catalog | None = None) -> CheckResult:
    """Return everything the static check finds in ``graph``.

    ``order`` bounds the size of the minimal cut sets reported (1: SPOFs only).
    Raises ValueError when ``order`` is below 1.
    """
    if order < 1:
        raise ValueError(f"order must be at least 1 (not {order})")
    with bulk_allocation():
        return _check(graph, order, catalog or load_catalog())


def _check(graph: Graph, order: int, catalog: Catalog) -> CheckResult:
    model = graph.model
    names = graph.names
    bnodes = {b: graph.business_node(b) for b in graph.business}
    needs = {
        graph.index[t]
        for comp in model.components.values()
        for t in all_requirements(comp, catalog)
    }
    born = gate_inputs(graph) if order > 1 else set()
    singles = single_failures(graph, [*bnodes.values(), *needs, *born], explicit=True)
    assert singles.explicit_down is not None
    families = cut_sets(graph, order, bnodes.values(), singles=singles) if order > 1 else {}
    full, stated = reaches(graph, bnodes.values())
    kinds = graph.kind.tolist()
    lister = Lister(graph)
    rank = _rank_key(graph)
    routes = Routes(graph)
    tops: dict[tuple[str, ...], list[str]] = {}
    is_catalog = _is_catalog(kinds)
    reports: dict[str, ServiceReport] = {}
    ranked: dict[str, Names] = {}
    for b, node in bnodes.items():
        spec = model.business_services[b]
        down = singles.down[node]
        split = lister.split(down)
        spofs = lister.names(split)
        ranked[b] = lister.names(split, order=rank, key="rank")
        catalog_down = lister.ids(split, is_catalog, "catalog")
        catalog_seen = lister.ids(lister.split(singles.explicit_down[node]), is_catalog, "catalog")
        hidden_down = sorted(names[t] for t in catalog_down - catalog_seen)
        key = tuple(hidden_down)
        if key not in tops:
            tops[key] = top_targets(hidden_down)[:3]
        family = families.get(node)
        larger = sorted(sorted(names[t] for t in s) for s in family.larger) if family else []
        larger.sort(key=lambda s: (len(s), s))
        reports[b] = ServiceReport(
            name=b,
            spofs=spofs,
            degraded_by=lister.names(lister.difference(singles.degraded[node], down)),
            cut_sets=CutSets(spofs, larger),
            depends_on=_depends_on(graph, lister, full[node]),
            hidden=_hidden(graph, lister, routes, node, full[node], stated[node]),
            hidden_spofs=hidden_down,
            hidden_spof_paths=[
                HiddenDependency(t, routes.causal(graph.index[t], node)) for t in tops[key]
            ],
            cost_per_hour=spec.cost_per_hour,
            rto_s=spec.rto,
            rpo_s=spec.rpo,
            impact_tolerance_s=spec.impact_tolerance,
        )
    component = int(NodeKind.COMPONENT)
    users = lister.holders(
        {b: lister.split(full[node]) for b, node in bnodes.items()},
        lambda v: kinds[v] == component,
        "component",
    )
    findings = FindingBuilder(
        graph,
        catalog,
        {names[c]: services for c, services in users.items()},
        {n: singles.down[n] for n in needs},
    )
    for b, rep in reports.items():
        findings.spofs(b, ranked[b], rep.hidden_spofs, rep.hidden_spof_paths)
        findings.objectives(b)
    findings.components()
    cycles = component_cycles(graph)
    findings.cycles(cycles)
    concentration = _concentration(graph, lister, singles.down, singles.degraded, bnodes)
    losses = _region_loss(graph, concentration)
    kinds_named = _kinds(graph, reports, concentration)
    return CheckResult(
        model=model.name,
        order=order,
        business_services=reports,
        concentration=concentration,
        findings=findings.sorted(),
        cycles=cycles,
        region_loss=losses,
        answers=_answers(graph, reports, losses, kinds_named),
        kinds=kinds_named,
        stats={
            "components": len(model.components),
            "business_services": len(bnodes),
            "nodes": graph.size,
            "edges": len(graph.inputs),
            "targets": sum(1 for k in graph.kind.tolist() if k < NodeKind.GATE),
        },
    )


_CATALOG = frozenset(int(k) for k in (NodeKind.PROVIDER, NodeKind.REGION, NodeKind.ZONE))
_CATALOG_TARGETS = _CATALOG | {int(NodeKind.SERVICE), int(NodeKind.PLANE)}
_HIDDEN_KINDS = _CATALOG | {int(NodeKind.SERVICE)}
_DEPENDS_KINDS = _HIDDEN_KINDS | {int(NodeKind.VENDOR)}


def _is_catalog(kinds: list[int]) -> Callable[[int], bool]:
    return lambda v: kinds[v] in _CATALOG_TARGETS


def _rank_key(graph: Graph) -> Callable[[str], tuple[int, str]]:
    """Return the sort key of ``by_rank``: components first, providers last, then by name."""
    kinds = graph.kind.tolist()
    index = graph.index

    def key(name: str) -> tuple[int, str]:
        return (RANK.get(NodeKind(kinds[index[name]]), 9), name)

    return key


def _depends_on(graph: Graph, lister: Lister, reached: NodeSet) -> DependsOn:
    """Return the providers, regions, zones, vendors and catalog services in ``reached``."""
    kinds = arrays(graph).kind
    by_kind: dict[int, list[str]] = {int(k): [] for k in NodeKind}
    for node in lister.ids(lister.split(reached), lambda v: kinds[v] in _DEPENDS_KINDS, "depends"):
        by_kind[kinds[node]].append(graph.names[node])
    return DependsOn(
        providers=sorted(by_kind[NodeKind.PROVIDER]),
        regions=sorted(by_kind[NodeKind.REGION]),
        zones=sorted(by_kind[NodeKind.ZONE]),
        vendors=sorted(by_kind[NodeKind.VENDOR]),
        services=sorted(by_kind[NodeKind.SERVICE]),
    )


def _hidden(
    graph: Graph, lister: Lister, routes: Routes, node: int, full: NodeSet, stated: NodeSet
) -> list[HiddenDependency]:
    """Return the providers, regions, zones and catalog services ``node`` reaches only through
    edges the model never states, each with the first shortest path that explains it."""
    kinds = arrays(graph).kind

    def hideable(v: int) -> bool:
        return kinds[v] in _HIDDEN_KINDS

    found = lister.ids(lister.split(full), hideable, "hideable") - lister.ids(
        lister.split(stated), hideable, "hideable"
    )
    paths = routes.shortest(node, found)
    out = [HiddenDependency(graph.names[t], paths[t]) for t in found]
    return sorted(out, key=lambda h: h.target)


def _concentration(
    graph: Graph,
    lister: Lister,
    down: dict[int, NodeSet],
    degraded: dict[int, NodeSet],
    bnodes: dict[str, int],
) -> list[ConcentrationRow]:
    model = graph.model
    services = model.business_services
    hit_down = lister.holders({b: lister.split(down[node]) for b, node in bnodes.items()})
    hit_degraded = lister.holders(
        {b: lister.difference(degraded[node], down[node]) for b, node in bnodes.items()}
    )
    down_memo: dict[int, Any] = {}
    degraded_memo: dict[int, Any] = {}
    nothing = Names()
    rows = []
    for t in hit_down.keys() | hit_degraded.keys():
        d = hit_down.get(t, nothing)
        g = hit_degraded.get(t, nothing)
        cost = total(d, lambda s: services[s].cost_per_hour, down_memo) + total(
            g, lambda s: services[s].cost_per_hour * services[s].degraded_cost, degraded_memo
        )
        kind = NodeKind(int(graph.kind[t])).name.lower()
        rows.append(ConcentrationRow(graph.names[t], kind, d, g, cost))
    rows.sort(key=lambda r: (-r.cost_per_hour, -len(r.down), -len(r.degraded), r.target))
    return rows


def _region_loss(graph: Graph, rows: list[ConcentrationRow]) -> list[RegionLoss]:
    by_target = {r.target: r for r in rows}
    losses = []
    for node in graph.targets():
        if graph.kind[node] != NodeKind.REGION or graph.names[node].endswith("/global"):
            continue
        name = graph.names[node]
        row = by_target.get(name)
        d, g, cost = (row.down, row.degraded, row.cost_per_hour) if row else (Names(), Names(), 0.0)
        losses.append(RegionLoss(name, d, g, cost * 24, cost * 72))
    losses.sort(key=lambda r: (-r.cost_24h, r.region))
    return losses


def _answers(
    graph: Graph,
    reports: dict[str, ServiceReport],
    losses: list[RegionLoss],
    kinds: dict[str, str],
) -> list[Answer]:
    model = graph.model
    where: dict[str, str] = {}
    spof: dict[str, str] = {}
    east: dict[str, str] = {}
    loss = next((r for r in losses if r.region == US_EAST_1), None)
    for b, rep in reports.items():
        hidden_targets = {h.target for h in rep.hidden}
        own = [r for r in rep.depends_on.regions if r not in hidden_targets]
        parts = []
        for region in own:
            if region.endswith("/global"):
                continue
            zones = [
                z.rsplit("/", 1)[1] for z in rep.depends_on.zones if z.startswith(region + "/")
            ]
            parts.append(f"{region} ({', '.join(zones) if zones else 'zones not stated'})")
        text = "runs in " + ("; ".join(parts) if parts else "no stated region")
        hidden_regions = sorted(r for r in rep.hidden_spofs if kinds.get(r) == "region")
        if hidden_regions:
            text += "; also goes down with " + ", ".join(hidden_regions) + " (hidden dependency)"
        if rep.depends_on.vendors:
            vendors, more = first(rep.depends_on.vendors, GROUP_LIMIT)
            text += "; third parties: " + ", ".join(vendors)
            text += f" and {more:,} more" if more else ""
        where[b] = text
        if rep.spofs:
            groups = group_targets(rep.spofs, kinds)
            spof[b] = "; ".join(f"{g}: {', '.join(v)}" for g, v in groups.items())
        else:
            spof[b] = "none: no single failure takes it down"
        spec = model.business_services[b]
        if loss is None:
            east[b] = f"unaffected: it does not depend on {US_EAST_1}"
        elif b in loss.down:
            hours = f"{spec.cost_per_hour * 24:,.0f} at 24h, {spec.cost_per_hour * 72:,.0f} at 72h"
            limits = [
                f"{label} {fmt(v)}"
                for label, v in (("RTO", spec.rto), ("impact tolerance", spec.impact_tolerance))
                if v is not None and v < 24 * 3600
            ]
            east[b] = f"DOWN for the whole outage; cost {hours}" + (
                f"; breaches {' and '.join(limits)}" if limits else ""
            )
        elif b in loss.degraded:
            per = spec.cost_per_hour * spec.degraded_cost
            east[b] = f"DEGRADED for the whole outage; cost {per * 24:,.0f} at 24h"
        else:
            east[b] = "stays up (after failovers complete)"
    return [
        Answer("Which regions and zones does it run in?", where),
        Answer("What is its single point of failure?", spof),
        Answer(f"What if {US_EAST_1} is gone for 24 to 72 hours?", east),
    ]


def _kinds(
    graph: Graph, reports: dict[str, ServiceReport], rows: list[ConcentrationRow]
) -> dict[str, str]:
    """Return the kind of every target named: the concentration rows hold every target that
    takes a service down or degrades it; cut sets and hidden dependencies add the rest."""
    named = {r.target for r in rows}
    for rep in reports.values():
        named.update(h.target for h in rep.hidden)
        named.update(t for s in rep.cut_sets.larger for t in s)
    return {
        t: NodeKind(int(graph.kind[graph.index[t]])).name.lower()
        for t in sorted(named)
        if t in graph.index
    }
