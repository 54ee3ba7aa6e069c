"""The static check: SPOFs, cut sets, dependencies, concentration and findings of one model."""

from __future__ import annotations

from aftershock.allocation import bulk_allocation
from aftershock.analysis.cutsets import cut_sets
from aftershock.analysis.dependencies import depends_on, hidden, named, reach
from aftershock.analysis.findings import FindingBuilder, failover_needs, top_targets
from aftershock.analysis.results import (
    Answer,
    CheckResult,
    ConcentrationRow,
    HiddenDependency,
    RegionLoss,
    ServiceReport,
    group_targets,
)
from aftershock.analysis.single import single_failures
from aftershock.catalog.load import Catalog, load_catalog
from aftershock.graph.core import Graph, NodeKind
from aftershock.graph.propagate import Propagation, propagate
from aftershock.graph.scc import component_cycles
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
        if comp.strategy == "active-passive" and comp.failover is not None
        for t in failover_needs(comp, catalog)
    }
    singles = single_failures(graph, [*bnodes.values(), *needs], explicit=True)
    assert singles.explicit_down is not None
    families = cut_sets(graph, order, bnodes.values()) if order > 1 else {}
    reports: dict[str, ServiceReport] = {}
    cones: dict[str, set[str]] = {}
    kinds = graph.kind.tolist()
    component = int(NodeKind.COMPONENT)
    chains = _Chains(graph)
    for b, node in bnodes.items():
        spec = model.business_services[b]
        full = reach(graph, node)
        seen = reach(graph, node, explicit_only=True)
        cones[b] = {names[v] for v in full if kinds[v] == component}
        down = singles.down[node]
        family = families.get(node)
        fam = family.sets() if family is not None else [frozenset((t,)) for t in down]
        reports[b] = ServiceReport(
            name=b,
            spofs=sorted(names[t] for t in down),
            degraded_by=sorted(names[t] for t in singles.degraded[node] - down),
            cut_sets=sorted(sorted(names[t] for t in s) for s in fam),
            depends_on=depends_on(graph, full),
            hidden=hidden(graph, full, seen),
            hidden_spofs=(
                hidden_down := sorted(names[t] for t in down - singles.explicit_down[node])
            ),
            hidden_spof_paths=[
                HiddenDependency(t, chains.path(t, node)) for t in top_targets(hidden_down)[:3]
            ],
            cost_per_hour=spec.cost_per_hour,
            rto_s=spec.rto,
            rpo_s=spec.rpo,
            impact_tolerance_s=spec.impact_tolerance,
        )
    for rep in reports.values():
        rep.cut_sets.sort(key=lambda s: (len(s), s))
    findings = FindingBuilder(graph, catalog, cones, {n: singles.down[n] for n in needs})
    for b, rep in reports.items():
        findings.spofs(b, rep.spofs, rep.hidden_spofs, rep.hidden_spof_paths)
        findings.objectives(b)
    findings.components()
    cycles = component_cycles(graph)
    findings.cycles(cycles)
    concentration = _concentration(graph, singles.down, singles.degraded, bnodes)
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


class _Chains:
    """Causal chains from one failed target up to a business service, one propagation per
    target however many services ask (a region is usually the answer for all of them)."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.done: dict[int, Propagation] = {}

    def path(self, target: str, service: int) -> list[str]:
        node = self.graph.index[target]
        if node not in self.done:
            self.done[node] = propagate(self.graph, [node])
        return named(self.graph, self.done[node].chain(service))


def _concentration(
    graph: Graph,
    down: dict[int, frozenset[int]],
    degraded: dict[int, frozenset[int]],
    bnodes: dict[str, int],
) -> list[ConcentrationRow]:
    model = graph.model
    hit_down: dict[int, list[str]] = {}
    hit_degraded: dict[int, list[str]] = {}
    for b, node in bnodes.items():
        for t in down[node]:
            hit_down.setdefault(t, []).append(b)
        for t in degraded[node] - down[node]:
            hit_degraded.setdefault(t, []).append(b)
    rows = []
    for t in set(hit_down) | set(hit_degraded):
        d = sorted(hit_down.get(t, []))
        g = sorted(hit_degraded.get(t, []))
        cost = sum(model.business_services[s].cost_per_hour for s in d) + sum(
            model.business_services[s].cost_per_hour * model.business_services[s].degraded_cost
            for s in g
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
        d, g, cost = (row.down, row.degraded, row.cost_per_hour) if row else ([], [], 0.0)
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
            text += "; third parties: " + ", ".join(rep.depends_on.vendors)
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
    named = {r.target for r in rows}
    for rep in reports.values():
        named.update(rep.spofs, rep.degraded_by, (h.target for h in rep.hidden))
        named.update(t for s in rep.cut_sets for t in s)
    return {
        t: NodeKind(int(graph.kind[graph.index[t]])).name.lower()
        for t in sorted(named)
        if t in graph.index
    }
