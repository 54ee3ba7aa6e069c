"""The dependency graph as people draw it, with every failure target's blast radius.

Gates are contracted away: each node a reader knows (business service, component, vendor,
provider, region, zone, managed service, plane) is linked to the known nodes it depends on.
Every node gets a column (business services first, then components by depth, then vendors and
the catalog from planes down to providers) and a group (its region, ``global``, ``vendors`` or
``business``) so that a page can lay thousands of them out in bands and let people find, focus
and follow them. The blast radius of a target is what its failure alone takes DOWN or
DEGRADED, from the same single-failure pass the check uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aftershock.analysis.single import single_failures
from aftershock.graph.core import EdgeKind, Graph, NodeKind

KIND_NAMES = {
    NodeKind.PROVIDER: "provider",
    NodeKind.REGION: "region",
    NodeKind.ZONE: "zone",
    NodeKind.SERVICE: "service",
    NodeKind.PLANE: "plane",
    NodeKind.COMPONENT: "component",
    NodeKind.VENDOR: "vendor",
    NodeKind.BUSINESS: "business",
}
_CATALOG_ORDER = (NodeKind.VENDOR, NodeKind.PLANE, NodeKind.SERVICE, NodeKind.ZONE)
_EDGE_NAMES = {EdgeKind.HARD: "hard", EdgeKind.SOFT: "soft", EdgeKind.FALLBACK: "fallback"}


@dataclass(frozen=True)
class ViewNode:
    """One node of the drawn graph."""

    name: str
    kind: str
    group: str
    column: int
    row: int


@dataclass(frozen=True)
class ViewEdge:
    """``source`` depends on ``target`` (indices into the view's nodes)."""

    source: int
    target: int
    kind: str
    hidden: bool


@dataclass(frozen=True)
class GraphView:
    """The drawn graph and, per failure target, the nodes its failure alone brings down or
    degrades (indices into ``nodes``)."""

    nodes: tuple[ViewNode, ...]
    edges: tuple[ViewEdge, ...]
    blast: dict[int, tuple[tuple[int, ...], tuple[int, ...]]]

    def to_dict(self) -> dict[str, Any]:
        """Return the view as compact JSON-ready lists."""
        return {
            "nodes": [[n.name, n.kind, n.group, n.column, n.row] for n in self.nodes],
            "edges": [[e.source, e.target, e.kind, int(e.hidden)] for e in self.edges],
            "blast": {str(t): [list(d), list(g)] for t, (d, g) in sorted(self.blast.items())},
        }


def graph_view(graph: Graph) -> GraphView:
    """Return the drawn graph of ``graph`` with every target's blast radius."""
    kinds = graph.kind.tolist()
    shown = [v for v in range(graph.size) if kinds[v] != NodeKind.GATE]
    position = {v: i for i, v in enumerate(shown)}
    edges = _contract(graph, shown, position)
    columns = _columns(graph, shown, position, edges)
    groups = [_group(graph, v) for v in shown]
    rows = _rows(graph, shown, columns, groups)
    nodes = tuple(
        ViewNode(
            graph.names[v][3:] if kinds[v] == NodeKind.BUSINESS else graph.names[v],
            KIND_NAMES[NodeKind(kinds[v])],
            groups[i],
            columns[i],
            rows[i],
        )
        for i, v in enumerate(shown)
    )
    singles = single_failures(graph, shown)
    down: dict[int, list[int]] = {}
    degraded: dict[int, list[int]] = {}
    for v in shown:
        hit = singles.down[v]
        for t in hit:
            down.setdefault(position[t], []).append(position[v])
        for t in singles.degraded[v] - hit:
            degraded.setdefault(position[t], []).append(position[v])
    targets = [position[t] for t in shown if NodeKind(kinds[t]).is_target]
    blast = {
        t: (tuple(sorted(down.get(t, ()))), tuple(sorted(degraded.get(t, ())))) for t in targets
    }
    return GraphView(nodes=nodes, edges=tuple(edges), blast=blast)


def _contract(graph: Graph, shown: list[int], position: dict[int, int]) -> list[ViewEdge]:
    """Link each shown node to the shown nodes it reaches through gates only."""
    indptr, inputs = graph.indptr.tolist(), graph.inputs.tolist()
    ekind, hidden = graph.edge_kind.tolist(), graph.edge_hidden.tolist()
    kinds = graph.kind.tolist()
    out: list[ViewEdge] = []
    for v in shown:
        found: dict[int, tuple[int, bool]] = {}
        stack = [(e, False) for e in range(indptr[v], indptr[v + 1])]
        seen: set[int] = set()
        while stack:
            e, was_hidden = stack.pop()
            u = inputs[e]
            is_hidden = was_hidden or hidden[e]
            if kinds[u] == NodeKind.GATE:
                if u not in seen:
                    seen.add(u)
                    stack.extend((f, is_hidden) for f in range(indptr[u], indptr[u + 1]))
                continue
            if u != v and (u not in found or (found[u][1] and not is_hidden)):
                found[u] = (ekind[e], is_hidden)
        for u in sorted(found, key=lambda x: position[x]):
            kind, is_hidden = found[u]
            out.append(ViewEdge(position[v], position[u], _EDGE_NAMES[EdgeKind(kind)], is_hidden))
    return out


def _columns(
    graph: Graph, shown: list[int], position: dict[int, int], edges: list[ViewEdge]
) -> list[int]:
    """Business services in column 0, components by their depth below a business service,
    then vendors, planes, services, zones, regions and providers."""
    kinds = graph.kind.tolist()
    component = [NodeKind(kinds[v]) in (NodeKind.COMPONENT, NodeKind.BUSINESS) for v in shown]
    deps: dict[int, list[int]] = {}
    for e in edges:
        if component[e.source] and component[e.target]:
            deps.setdefault(e.source, []).append(e.target)
    depth = [0] * len(shown)
    # components of a cycle share a depth: walk the condensation, callers before callees
    for members in _sccs(len(shown), deps)[::-1]:
        level = max((depth[m] for m in members), default=0)
        for m in members:
            depth[m] = level
        for m in members:
            for d in deps.get(m, ()):
                if d not in members:
                    depth[d] = max(depth[d], level + 1)
    last = max((depth[i] for i in range(len(shown)) if component[i]), default=0)
    columns = []
    for i, v in enumerate(shown):
        kind = NodeKind(kinds[v])
        if kind is NodeKind.BUSINESS:
            columns.append(0)
        elif kind is NodeKind.COMPONENT:
            columns.append(max(1, depth[i]))
        elif kind in _CATALOG_ORDER:
            columns.append(last + 1 + _CATALOG_ORDER.index(kind))
        elif kind is NodeKind.REGION:
            columns.append(last + 1 + len(_CATALOG_ORDER))
        else:
            columns.append(last + 2 + len(_CATALOG_ORDER))
    return columns


def _sccs(n: int, deps: dict[int, list[int]]) -> list[list[int]]:
    """Return strongly connected components, callees first (iterative Tarjan)."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[int] = []
    out: list[list[int]] = []
    counter = 0
    for root in range(n):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on_stack.add(v)
            children = deps.get(v, [])
            if i < len(children):
                work.append((v, i + 1))
                w = children[i]
                if w not in index:
                    work.append((w, 0))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            for w in children:
                if w in on_stack:
                    low[v] = min(low[v], low[w])
            if low[v] == index[v]:
                members = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    members.append(w)
                    if w == v:
                        break
                out.append(sorted(members))
    return out


def _group(graph: Graph, v: int) -> str:
    """Return the band a node is drawn in: its provider/region, or business/vendors/global."""
    kind = graph.node_kind(v)
    name = graph.names[v]
    if kind is NodeKind.BUSINESS:
        return "business"
    if kind is NodeKind.VENDOR:
        return "vendors"
    if kind is NodeKind.COMPONENT:
        deploy = graph.model.components[name].deploy
        return deploy[0].on if deploy else "elsewhere"
    if kind is NodeKind.PROVIDER:
        return name
    return "/".join(name.split("/")[:2])


def _rows(graph: Graph, shown: list[int], columns: list[int], groups: list[str]) -> list[int]:
    """Number nodes within each column, grouped by band, then by name."""
    order = sorted(range(len(shown)), key=lambda i: (columns[i], groups[i], graph.names[shown[i]]))
    rows = [0] * len(shown)
    counts: dict[int, int] = {}
    for i in order:
        rows[i] = counts.get(columns[i], 0)
        counts[columns[i]] = rows[i] + 1
    return rows
