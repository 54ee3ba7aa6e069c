"""Findings a resilience review acts on, each with its severity, cost at risk and a fix."""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from typing import Any

from aftershock.analysis.compact import Names
from aftershock.analysis.grouping import total
from aftershock.analysis.results import (
    SEVERITIES,
    Finding,
    HiddenDependency,
    Severity,
    fold_path,
)
from aftershock.catalog.load import Catalog
from aftershock.graph.core import Graph, NodeKind
from aftershock.graph.failover import all_requirements, failover_settings
from aftershock.model.duration import format_duration as fmt
from aftershock.model.spec import Component, Deploy, Model

RANK = {
    NodeKind.COMPONENT: 0,
    NodeKind.VENDOR: 1,
    NodeKind.ZONE: 2,
    NodeKind.PLANE: 3,
    NodeKind.SERVICE: 4,
    NodeKind.REGION: 5,
    NodeKind.PROVIDER: 6,
}


def by_rank(graph: Graph, targets: list[str]) -> list[str]:
    """Return targets ordered for reading: components first, providers last."""
    return sorted(targets, key=lambda t: (RANK.get(graph.node_kind(graph.index[t]), 9), t))


def _listing(names: Sequence[str], limit: int = 4) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def top_targets(targets: list[str]) -> list[str]:
    """Return the targets not inside another listed one (aws/us-east-1 covers its services),
    broadest first."""
    listed = set(targets)
    tops = [
        t for t in targets if not any(t.startswith(other + "/") for other in listed if other != t)
    ]
    return sorted(tops, key=lambda t: (t.count("/"), t))


def _loop_names(graph: Graph, loop: Sequence[str]) -> list[str]:
    """Return the components of a failover loop's chain (gates and placements left out)."""
    kept = [n for n in loop if n in graph.model.components]
    return kept or list(loop)


_NOBODY = Names()


class FindingBuilder:
    """Collects findings over one model's check."""

    def __init__(
        self,
        graph: Graph,
        catalog: Catalog,
        users: dict[str, Names],
        down_sets: Mapping[int, Set[int]],
    ) -> None:
        self.graph = graph
        self.model: Model = graph.model
        self.catalog = catalog
        self.users = users  # component -> business services reaching it (sorted)
        self.down_sets = down_sets  # failover requirement node -> targets that take it down
        self.items: list[Finding] = []
        self._costs: dict[int, Any] = {}

    def users_of(self, component: str) -> Names:
        """Return the business services whose dependencies include ``component``."""
        return self.users.get(component, _NOBODY)

    def cost(self, services: Sequence[str]) -> float:
        per_hour = self.model.business_services
        if isinstance(services, Names):
            return total(services, lambda s: per_hour[s].cost_per_hour, self._costs)
        return sum(per_hour[s].cost_per_hour for s in services)

    def add(
        self,
        kind: str,
        severity: Severity,
        message: str,
        targets: Sequence[str],
        services: Sequence[str],
        fix: str,
    ) -> None:
        assert severity in SEVERITIES
        self.items.append(
            Finding(
                kind=kind,
                severity=severity,
                message=message,
                targets=targets,
                services=services if isinstance(services, Names) else sorted(services),
                cost_at_risk=self.cost(services),
                fix=fix,
            )
        )

    def sorted(self) -> list[Finding]:
        """Return the findings, most severe and most costly first."""
        return sorted(
            self.items,
            key=lambda f: (SEVERITIES.index(f.severity), -f.cost_at_risk, f.kind, f.message),
        )

    # -- per business service ----------------------------------------------------------
    def spofs(
        self,
        service: str,
        ordered: Sequence[str],
        hidden: list[str],
        paths: list[HiddenDependency],
    ) -> None:
        """Add the SPOF findings of one service; ``ordered``: its SPOFs as ``by_rank``."""
        if not ordered:
            return
        graph = self.graph
        only_providers = all(graph.node_kind(graph.index[t]) is NodeKind.PROVIDER for t in ordered)
        self.add(
            "spof",
            "medium" if only_providers else "high",
            f"{service} goes DOWN if any one of {len(ordered)} targets fails: {_listing(ordered)}",
            ordered,
            [service],
            "add redundancy at the lowest-ranked target (a second zone, region or replica), "
            "or make the dependency soft with a fallback",
        )
        if hidden:
            roots = top_targets(hidden)
            path = " -> ".join(fold_path(paths[0].path)) if paths else ""
            self.add(
                "hidden-spof",
                "critical",
                f"{service} goes DOWN with {_listing(roots)} through dependencies its model "
                f"never names: {path}",
                sorted(hidden),
                [service],
                "follow the path: use regional endpoints (e.g. regional STS), data-plane "
                "failover instead of control-plane actions, or a replica outside the home region",
            )

    def objectives(self, service: str) -> None:
        spec = self.model.business_services[service]
        missing = [
            name
            for name, value in (
                ("rto", spec.rto),
                ("rpo", spec.rpo),
                ("impact_tolerance", spec.impact_tolerance),
            )
            if value is None
        ]
        if spec.cost_per_hour == 0:
            missing.append("cost_per_hour")
        if missing:
            self.add(
                "objectives-missing",
                "low",
                f"{service} has no {', '.join(missing)}: outages cannot be priced or judged",
                [],
                [service],
                "set them; a regulated firm must state an impact tolerance per important service",
            )

    # -- per component -------------------------------------------------------------------
    def components(self) -> None:
        for name, comp in self.model.components.items():
            users = self.users_of(name)
            for deploy in comp.deploy:
                self._placement(name, comp, deploy, users)
            if comp.strategy == "active-passive":
                self._failover(name, users)
            self._replication(name, users)
            self._vendor(name, users)

    def _placement(self, name: str, comp: Component, deploy: Deploy, users: Sequence[str]) -> None:
        uses, on = comp.uses, deploy.on
        provider, _, region = on.partition("/")
        if region == "global" or comp.kind == "external":
            return
        spec = self.catalog.service(provider, uses.partition("/")[2]) if uses else None
        zonal = spec is None or spec.scope == "zonal"
        zones = deploy.zones
        count = len(zones) if isinstance(zones, list) else zones
        if count is None and zonal:
            what = f"{uses} is zonal" if spec is not None else "it runs on your own instances"
            self.add(
                "zones-unknown",
                "medium",
                f"{name} is deployed in {on} without zones ({what}): the check cannot tell "
                "whether losing one zone takes it down",
                [name, on],
                users,
                "give zones (a count or zone ids such as use1-az1), or min_healthy",
            )
        elif count == 1:
            self.add(
                "single-zone",
                "high",
                f"{name} runs in one zone of {on}: that zone is a single point of failure",
                [name, on],
                users,
                "spread it over at least two zones",
            )
        elif count is not None and deploy.min_healthy >= count:
            self.add(
                "no-spare-zone",
                "medium",
                f"{name} needs all {count} of its zones in {on} (min_healthy "
                f"{deploy.min_healthy}): losing any zone takes it down",
                [name, on],
                users,
                "add a zone or lower min_healthy",
            )

    def _failover(self, name: str, users: Sequence[str]) -> None:
        comp = self.model.components[name]
        failover = failover_settings(comp)
        assert failover is not None
        graph = self.graph
        self._loops(name, users)
        self._mutual(name, users)
        needs = all_requirements(comp, self.catalog)
        window = failover.detect + failover.switch + failover.dns_ttl
        primary = comp.deploy[0].on
        primary_node = graph.index.get(primary)
        if primary_node is not None and needs:
            me = graph.index[name]
            looped = {
                loop[0]
                for plan in graph.placements
                if plan.component == me
                for loop in plan.loops
                if loop
            }
            blocked = [
                t
                for t in needs
                if t not in looped and primary_node in self.down_sets.get(graph.index[t], ())
            ]
            if blocked:
                self.add(
                    "failover-blocked",
                    "critical",
                    f"{name} fails over away from {primary}, but the failover needs "
                    f"{_listing(blocked)}, which fails with {primary} itself",
                    [name, primary, *blocked],
                    users,
                    "fail over through the data plane (health-checked DNS records, Route 53 ARC "
                    "routing controls) and keep standby capacity running",
                )
            planes = [t for t in needs if t.endswith("/control") and t not in blocked]
            if planes:
                self.add(
                    "failover-control-plane",
                    "medium",
                    f"{name}'s failover relies on control planes ({_listing(planes)}): in a "
                    "large event launches and changes are throttled (October 2025)",
                    [name, *planes],
                    users,
                    "pre-provision standby capacity; avoid control-plane actions on the "
                    "recovery path",
                )
        for service in users:
            rto = self.model.business_services[service].rto
            if rto is not None and window > rto:
                self.add(
                    "failover-window",
                    "high",
                    f"{name}'s failover takes {fmt(window)} (detect + switch + DNS TTL), "
                    f"over the RTO of {service} ({fmt(rto)})",
                    [name],
                    [service],
                    "shorten detection or switching, or run active-active",
                )

    def _loops(self, name: str, users: Sequence[str]) -> None:
        node = self.graph.index[name]
        for plan in self.graph.placements:
            if plan.component != node:
                continue
            for place, loop in zip(plan.places, plan.loops, strict=False):
                if not loop:
                    continue
                chain = " -> ".join(_loop_names(self.graph, loop))
                self.add(
                    "failover-loop",
                    "critical",
                    f"{name}'s failover to {place} can never complete: it needs {loop[0]}, "
                    f"which needs {name} itself ({chain}), and {name} is DOWN whenever it "
                    "fails over",
                    [name, place, loop[0]],
                    users,
                    f"take {name} off the failover's path: drop {loop[0]} from failover.uses, "
                    f"or make {loop[0]}'s dependency on {name} soft",
                )

    def _mutual(self, name: str, users: Sequence[str]) -> None:
        """Two failovers that each need the other component: fine while either primary serves,
        stuck once both are lost, which the static view cannot show (graph/failover.py)."""
        model = self.model
        for other in all_requirements(model.components[name], self.catalog):
            partner = model.components.get(other)
            if partner is None or other <= name:
                continue
            if name in all_requirements(partner, self.catalog):
                self.add(
                    "failover-mutual",
                    "high",
                    f"{name}'s failover needs {other}, and {other}'s failover needs {name}: "
                    "once both lose their primaries, neither failover can complete, although "
                    "the check counts them as up",
                    [name, other],
                    sorted({*users, *self.users_of(other)}),
                    f"let one of them fail over without the other (drop {other} from "
                    f"{name}'s failover.uses, or {name} from {other}'s)",
                )

    def _replication(self, name: str, users: Sequence[str]) -> None:
        comp = self.model.components[name]
        if comp.kind not in ("datastore", "storage"):
            return
        with_rpo = [s for s in users if self.model.business_services[s].rpo is not None]
        if comp.replicas:
            lag = comp.replication.lag if comp.replication else 0.0
            mode = comp.replication.mode if comp.replication else "async"
            for service in with_rpo:
                rpo = self.model.business_services[service].rpo
                assert rpo is not None
                if mode == "async" and lag > rpo:
                    self.add(
                        "rpo",
                        "high",
                        f"{name} replicates with {fmt(lag)} lag, over the RPO of {service} "
                        f"({fmt(rpo)}): losing its primary loses more writes than allowed",
                        [name],
                        [service],
                        "replicate synchronously or reduce the lag",
                    )
        elif with_rpo and len({d.on for d in comp.deploy}) == 1 and comp.deploy:
            region = comp.deploy[0].on
            self.add(
                "rpo-single-region",
                "medium",
                f"{name} keeps its only copy in {region}: losing the region loses writes back "
                f"to the last backup, which the model does not state (RPO of "
                f"{', '.join(with_rpo)})",
                [name, region],
                with_rpo,
                "add a replica in another region (replicas:) or cross-region backups",
            )

    def _vendor(self, name: str, users: Sequence[str]) -> None:
        comp = self.model.components[name]
        if comp.vendor is None:
            return
        known = self.catalog.vendors.get(comp.vendor)
        if known is None:
            self.add(
                "vendor-not-in-catalog",
                "low",
                f"vendor {comp.vendor!r} of {name} is not in the catalog"
                + ("" if comp.runs_on else "; nothing is known of where it runs"),
                [comp.vendor],
                users,
                "add runs_on with what the vendor discloses of its placement",
            )
        elif not comp.runs_on and known.placement == "unknown":
            self.add(
                "vendor-placement-unknown",
                "medium",
                f"nothing public says where {known.name} runs; {name} may share its fate with "
                "a region you rely on",
                [comp.vendor],
                users,
                "ask the vendor (regions, zones, SPOF, us-east-1 loss) and record runs_on",
            )

    def cycles(self, cycles: list[list[str]]) -> None:
        for cycle in cycles:
            users = self.users_of(cycle[0])  # every member of a cycle has the same users
            self.add(
                "cycle",
                "medium",
                f"dependency cycle {' -> '.join([*cycle, cycle[0]])}: each needs the other to "
                "start, which can deadlock a cold restart (Facebook, 2021)",
                cycle,
                users,
                "make one edge soft, or document a start order that breaks the cycle",
            )
