"""Compile a validated Model and the catalog into a Graph (see graph/core.py for semantics)."""

from __future__ import annotations

from dataclasses import replace
from typing import cast

import numpy as np

from aftershock.allocation import bulk_allocation
from aftershock.catalog.load import Catalog, load_catalog
from aftershock.catalog.spec import PlaneName, Service
from aftershock.graph.core import (
    Couplings,
    EdgeKind,
    Evidence,
    Graph,
    NodeKind,
    Placement,
    freeze,
)
from aftershock.graph.failover import LoopFinder, failover_requirements, failover_settings
from aftershock.model.spec import Component, Dependency, Deploy, Model
from aftershock.model.targets import GLOBAL

DEFAULT_PLANES = ("data", "dns")
NOT_CLIENT = -1.0
USERS_DNS_TTL = Dependency.model_fields["dns_ttl"].default
"""Users reach a business service's entry components by name with the default TTL."""


class _Builder:
    """Accumulates nodes and edges; catalog targets are created on first use."""

    def __init__(self, model: Model, catalog: Catalog, couplings: Couplings) -> None:
        self.model = model
        self.catalog = catalog
        self.couplings = couplings
        self.names: list[str] = []
        self.kinds: list[int] = []
        self.ks: list[int | None] = []  # None: ALL (k = number of inputs)
        self.edges: list[list[tuple[int, int, float, bool, float, int]]] = []
        self.seen_in: dict[tuple[int, int], tuple[str, ...]] = {}
        self.index: dict[str, int] = {}
        self.placements: list[Placement] = []

    # -- nodes and edges ---------------------------------------------------------------
    def node(self, name: str, kind: NodeKind, k: int | None = None) -> int:
        nid = len(self.names)
        self.names.append(name)
        self.kinds.append(int(kind))
        self.ks.append(k)
        self.edges.append([])
        if kind is not NodeKind.GATE:
            self.index[name] = nid
        return nid

    def edge(
        self,
        node: int,
        source: int,
        kind: EdgeKind = EdgeKind.HARD,
        delay: float = 0.0,
        hidden: bool = False,
        ttl: float = NOT_CLIENT,
        evidence: Evidence = Evidence.MODEL,
    ) -> None:
        """Add ``node``'s input ``source``; ``ttl`` >= 0 marks a client edge keeping addresses."""
        self.edges[node].append((source, int(kind), delay, hidden, ttl, int(evidence)))

    def gate(self, name: str, parts: list[int], k: int | None = None) -> int:
        """Return one node standing for ``parts``: the part itself when there is one."""
        if len(parts) == 1 and (k is None or k == 1):
            return parts[0]
        gid = self.node(name, NodeKind.GATE, k)
        for part in parts:
            self.edge(gid, part)
        return gid

    # -- catalog targets ---------------------------------------------------------------
    def provider(self, p: str) -> int:
        if p in self.index:
            return self.index[p]
        return self.node(p, NodeKind.PROVIDER)

    def region(self, p: str, r: str) -> int:
        name = f"{p}/{r}"
        if name in self.index:
            return self.index[name]
        nid = self.node(name, NodeKind.REGION)
        self.edge(nid, self.provider(p), evidence=Evidence.DESIGN)
        return nid

    def zone(self, p: str, r: str, z: str) -> int:
        name = f"{p}/{r}/{z}"
        if name in self.index:
            return self.index[name]
        nid = self.node(name, NodeKind.ZONE)
        self.edge(nid, self.region(p, r), evidence=Evidence.DESIGN)
        return nid

    def service(self, p: str, r: str, s: str) -> int:
        name = f"{p}/{r}/{s}"
        if name in self.index:
            return self.index[name]
        nid = self.node(name, NodeKind.SERVICE)
        self.edge(nid, self.region(p, r), evidence=Evidence.DESIGN)
        return nid

    def _spec(self, p: str, s: str) -> Service:
        spec = self.catalog.service(p, s)
        assert spec is not None, f"{p}/{s} validated against the catalog"
        return spec

    def plane(self, p: str, r: str, s: str, plane: str) -> int:
        name = f"{p}/{r}/{s}/{plane}"
        if name in self.index:
            return self.index[name]
        spec = self._spec(p, s)
        nid = self.node(name, NodeKind.PLANE)  # registered first: catalog cycles terminate
        self.edge(nid, self.service(p, r, s), evidence=Evidence.DESIGN)
        info = spec.planes.get(cast(PlaneName, plane))
        if r == GLOBAL and spec.scope != GLOBAL and spec.global_endpoint is not None:
            info = spec.global_endpoint
        home = info.home if info is not None else None
        if home is not None and home != r:
            self.edge(nid, self.region(p, home), hidden=True, evidence=Evidence.DESIGN)
        for dep in spec.depends_on:
            evidence = Evidence[getattr(dep, "evidence", "design").upper()]
            seen_in = tuple(getattr(dep, "incidents", ()))
            if dep.plane != plane or not self.couplings.admits(evidence, seen_in):
                continue
            dp, _, ds = dep.on.rpartition("/")
            dp = dp or p
            dspec = self._spec(dp, ds)
            where = dep.region
            if where == "same":
                where = home if r == GLOBAL and home else r
                if dp != p or (where == GLOBAL and dspec.scope != GLOBAL):
                    where = GLOBAL if dspec.scope == GLOBAL or dspec.global_endpoint else where
            if where == GLOBAL and dspec.scope != GLOBAL and dspec.global_endpoint is None:
                continue  # no global instance to depend on; the catalog check forbids this
            for dplane in dep.planes:
                source = self.plane(dp, where, ds, dplane)
                self.edge(nid, source, hidden=True, evidence=evidence)
                if seen_in:
                    self.seen_in[nid, source] = seen_in
        return nid

    def target(self, path: str) -> int:
        """Return the node of a validated failure-target path, creating it if needed."""
        if path in self.index:
            return self.index[path]
        parts = path.split("/")
        if len(parts) == 1:
            return self.provider(path)
        p, r = parts[0], parts[1]
        if len(parts) == 2:
            return self.region(p, r)
        if len(parts) == 3:
            if r != GLOBAL and parts[2] in self.catalog.zones(p, r):
                return self.zone(p, r, parts[2])
            return self.service(p, r, parts[2])
        return self.plane(p, r, parts[2], parts[3])

    # -- components ----------------------------------------------------------------------
    def site(self, cname: str, comp: Component, deploy: Deploy) -> int:
        """Return the node that is up while this deployment of the component is up."""
        p, _, r = deploy.on.partition("/")
        spec = self._used(comp)
        parts: list[int] = []
        if r == GLOBAL:
            assert spec is not None
            parts = [self.plane(p, GLOBAL, spec[1], pl) for pl in self._planes(comp, spec[0])]
            return self.gate(f"{cname}@{deploy.on}", parts)
        known = self.catalog.zones(p, r)
        zones: list[str] = []
        if isinstance(deploy.zones, list):
            zones = deploy.zones
        elif isinstance(deploy.zones, int):
            zones = known[: deploy.zones]
        elif spec is not None and spec[0].scope != "zonal":
            zones = known
        if zones:
            zone_nodes = [self.zone(p, r, z) for z in zones]
            parts.append(self.gate(f"{cname}@{deploy.on}#zones", zone_nodes, deploy.min_healthy))
        else:
            parts.append(self.region(p, r))
        if spec is not None:
            parts += [self.plane(p, r, spec[1], pl) for pl in self._planes(comp, spec[0])]
        else:
            compute = self.catalog.providers[p].compute
            if compute is not None and comp.kind != "external":
                parts.append(self.plane(p, r, compute, "data"))
        return self.gate(f"{cname}@{deploy.on}", parts)

    def _used(self, comp: Component) -> tuple[Service, str] | None:
        if comp.uses is None:
            return None
        p, _, s = comp.uses.partition("/")
        return self._spec(p, s), s

    @staticmethod
    def _planes(comp: Component, spec: Service) -> list[str]:
        wanted = comp.planes or DEFAULT_PLANES
        return [pl for pl in wanted if pl in spec.planes]

    def placement(self, cname: str, comp: Component) -> int | None:
        """Return the node that is up while some deployment (or replica) serves."""
        raw = [self.site(cname, comp, d) for d in comp.deploy]
        sites = list(raw)
        needs: list[tuple[int, ...]] = []
        failover = failover_settings(comp)
        if failover is not None:
            wanted = failover_requirements(comp, self.catalog)
            for i, deploy in enumerate(comp.deploy):
                reqs = [self.target(t) for t in wanted[i]]
                needs.append(tuple(reqs))
                if i and reqs:
                    sites[i] = self.gate(f"{cname}@{deploy.on}+failover", [raw[i], *reqs])
        replicas = [self.site(cname, comp, Deploy(on=place)) for place in comp.replicas]
        sites += replicas
        if not sites:
            return None
        node = self.gate(f"{cname}#placement", sites, 1)
        if len(sites) > 1:
            mode = comp.replication.mode if comp.replication else "async"
            lag = comp.replication.lag if comp.replication else 0.0
            self.placements.append(
                Placement(
                    component=self.index[cname],
                    node=node,
                    sites=tuple(raw),
                    places=tuple(d.on for d in comp.deploy),
                    needs=tuple(needs),
                    replicas=tuple(replicas),
                    replica_places=tuple(comp.replicas),
                    failover=failover,
                    lag=lag if mode == "async" else None,
                    moves=tuple(sites[: len(raw)]),
                )
            )
        return node

    def judge_failovers(self) -> None:
        """Drop every failover whose requirement is DOWN whenever its component is (see
        graph/failover.py); judged on the graph with every failover possible, then applied."""
        finder = LoopFinder(self.edges, self.ks)
        component = int(NodeKind.COMPONENT)
        found: dict[int, list[tuple[str, ...]]] = {}
        for p, plan in enumerate(self.placements):
            loops: list[tuple[str, ...]] = [() for _ in plan.needs]
            for i, reqs in enumerate(plan.needs[1:], start=1):
                for req in reqs:
                    if self.kinds[req] != component:
                        continue  # catalog targets and vendors never need a component
                    loop = finder.loop(req, plan.component)
                    if loop:
                        loops[i] = tuple(self.names[n] for n in loop)
                        break
            if any(loops):
                found[p] = loops
        for p, loops in found.items():
            plan = self.placements[p]
            dropped = {plan.moves[i] for i, loop in enumerate(loops) if loop}
            self.edges[plan.node] = [e for e in self.edges[plan.node] if e[0] not in dropped]
            self.placements[p] = replace(plan, loops=tuple(loops))

    def component(self, cname: str, comp: Component) -> None:
        nid = self.index[cname]
        placed = self.placement(cname, comp)
        if placed is not None:
            self.edge(nid, placed)
        if comp.vendor is not None:
            vendor = self.index.get(comp.vendor)
            if vendor is None:
                vendor = self.node(comp.vendor, NodeKind.VENDOR)
            self.edge(nid, vendor)
            known = self.catalog.vendors.get(comp.vendor)
            places, hidden = comp.runs_on, False
            if not places and known is not None:
                places, hidden = known.runs_on, True
            if places:
                where = self.gate(f"{cname}#runs_on", [self.target(pl) for pl in places], 1)
                self.edge(
                    nid,
                    where,
                    hidden=hidden,
                    evidence=Evidence.DESIGN if hidden else Evidence.MODEL,
                )
        elif comp.runs_on:
            self.edge(
                nid, self.gate(f"{cname}#runs_on", [self.target(pl) for pl in comp.runs_on], 1)
            )
        for dep in comp.depends_on:
            source = self.index[dep.on]
            holds = dep.fallback.holds if dep.fallback is not None else None
            if dep.soft or (dep.fallback is not None and holds is None):
                self.edge(nid, source, EdgeKind.SOFT, ttl=dep.dns_ttl)
            elif holds is not None:
                self.edge(nid, source, EdgeKind.FALLBACK, holds, ttl=dep.dns_ttl)
            else:
                self.edge(nid, source, EdgeKind.HARD, ttl=dep.dns_ttl)

    def build(self) -> Graph:
        for cname in self.model.components:
            self.node(cname, NodeKind.COMPONENT)
        for cname, comp in self.model.components.items():
            self.component(cname, comp)
        self.judge_failovers()
        for sname, svc in self.model.business_services.items():
            bid = self.node("bs:" + sname, NodeKind.BUSINESS)
            for entry in svc.entry:
                self.edge(bid, self.index[entry], ttl=USERS_DNS_TTL)
        return self._arrays()

    def _arrays(self) -> Graph:
        n = len(self.names)
        counts = np.fromiter((len(e) for e in self.edges), dtype=np.int32, count=n)
        indptr = np.zeros(n + 1, dtype=np.int32)
        np.cumsum(counts, out=indptr[1:])
        flat = [e for edges in self.edges for e in edges]
        inputs = np.fromiter((e[0] for e in flat), dtype=np.int32, count=len(flat))
        ekind = np.fromiter((e[1] for e in flat), dtype=np.int8, count=len(flat))
        delay = np.fromiter((e[2] for e in flat), dtype=np.float64, count=len(flat))
        hidden = np.fromiter((e[3] for e in flat), dtype=np.bool_, count=len(flat))
        ttl = np.fromiter((e[4] for e in flat), dtype=np.float64, count=len(flat))
        evidence = np.fromiter((e[5] for e in flat), dtype=np.int8, count=len(flat))
        incidents: dict[int, tuple[str, ...]] = {}
        if self.seen_in:
            pos = 0
            for node, edges in enumerate(self.edges):
                for e in edges:
                    seen = self.seen_in.get((node, e[0]))
                    if seen is not None:
                        incidents[pos] = seen
                    pos += 1
        client = ttl >= 0
        np.maximum(ttl, 0.0, out=ttl)
        kind = np.array(self.kinds, dtype=np.int8)
        dns_plane = np.fromiter(
            (
                k == NodeKind.PLANE and name.endswith("/dns")
                for name, k in zip(self.names, self.kinds, strict=True)
            ),
            dtype=np.bool_,
            count=n,
        )
        k = np.fromiter(
            (c if kk is None else kk for c, kk in zip(counts.tolist(), self.ks, strict=True)),
            dtype=np.int32,
            count=n,
        )
        owner = np.repeat(np.arange(n, dtype=np.int32), counts)
        order = np.argsort(inputs, kind="stable")
        out_counts = np.bincount(inputs, minlength=n).astype(np.int32)
        out_indptr = np.zeros(n + 1, dtype=np.int32)
        np.cumsum(out_counts, out=out_indptr[1:])
        outputs = owner[order].astype(np.int32)
        out_edges = order.astype(np.int32)
        # a DNS plane inside a component's placement breaks look-ups of it, not the component
        resolution = dns_plane[inputs] & (kind[owner] >= NodeKind.COMPONENT)
        freeze(kind, k, indptr, inputs, ekind, delay, hidden, ttl, client, resolution, evidence)
        freeze(out_indptr, outputs, out_edges)
        return Graph(
            model=self.model,
            names=tuple(self.names),
            kind=kind,
            k=k,
            indptr=indptr,
            inputs=inputs,
            edge_kind=ekind,
            edge_delay=delay,
            edge_hidden=hidden,
            edge_ttl=ttl,
            edge_client=client,
            edge_resolution=resolution,
            edge_evidence=evidence,
            out_indptr=out_indptr,
            outputs=outputs,
            out_edges=out_edges,
            index=self.index,
            business=tuple(self.model.business_services),
            placements=tuple(self.placements),
            edge_incidents=incidents,
            couplings=self.couplings,
        )


def compile_model(
    model: Model, catalog: Catalog | None = None, *, couplings: Couplings | None = None
) -> Graph:
    """Return the Graph of a validated model (catalog targets are created as they are used).

    ``couplings`` chooses which catalog couplings that are not documented by design become
    edges (default: all of them, each edge carrying its evidence).
    """
    with bulk_allocation():
        return _Builder(model, catalog or load_catalog(), couplings or Couplings()).build()
