"""The dependency graph as people draw it, with every failure target's blast radius.

Gates are contracted away: each node a reader knows (business service, component, vendor,
provider, region, zone, managed service, plane) is linked to the known nodes it depends on.
Every node gets a column (business services first, then components by depth, then vendors and
the catalog from planes down to providers) and a group (its region, ``global``, ``vendors`` or
``business``) so that a page can lay thousands of them out in bands and let people find, focus
and follow them. The blast radius of a target is what its failure alone takes DOWN or
DEGRADED, from the same single-failure equations the check uses (analysis/single.py).

Written out per target, blast radii grow with the square of the model (every component of a
chain of n takes down all those above it: n²/2 entries). The view keeps them as the equations
themselves: an edge *explains* its source's failures when the source fails with everything
that fails its target (through all-of gates only: the source's single-failure set contains the
target's), and a node whose equation passes through a k-of-n gate lists that gate's set
(``also``). The blast radius of t is then t and everything that reaches t backwards over
explaining edges, or holds t in its ``also`` list (``GraphView.blast``): linear to store and to
compute, and equal to the single-failure sets (tests/test_shapes.py checks it on every shape).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aftershock.analysis.single import single_failures
from aftershock.graph.core import EdgeKind, Graph, NodeKind
from aftershock.graph.scc import condense

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


DOWN_LINK, DEGRADED_LINK = 1, 2
"""Bits of ``ViewEdge.explains``."""


@dataclass(frozen=True)
class ViewEdge:
    """``source`` depends on ``target`` (indices into the view's nodes). ``explains``: bit 1
    when whatever takes ``target`` down alone takes ``source`` down too, bit 2 when whatever
    takes ``target`` down or degrades it degrades ``source`` at least."""

    source: int
    target: int
    kind: str
    hidden: bool
    explains: int = 0


@dataclass(frozen=True)
class GraphView:
    """The drawn graph, with what each target's failure alone brings down or degrades.

    ``also[i]``: for a node whose equation passes through a k-of-n gate, the targets (indices
    into ``nodes``) that take it down, and those that take it down or degrade it, through such
    gates. ``targets``: the nodes that can fail on their own.
    """

    nodes: tuple[ViewNode, ...]
    edges: tuple[ViewEdge, ...]
    also: dict[int, tuple[tuple[int, ...], tuple[int, ...]]]
    targets: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the view as compact JSON-ready lists (README, "Speed", tells the format)."""
        return {
            "nodes": [[n.name, n.kind, n.group, n.column, n.row] for n in self.nodes],
            "edges": [[e.source, e.target, e.kind, int(e.hidden), e.explains] for e in self.edges],
            "also": {str(v): [list(d), list(g)] for v, (d, g) in sorted(self.also.items())},
            "targets": list(self.targets),
        }

    def blast(self, target: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Return the nodes ``target``'s failure alone takes DOWN (itself included) and those
        it only DEGRADES, sorted (the page computes the same in script)."""
        down = self._closure(target, DOWN_LINK, 0)
        worse = self._closure(target, DEGRADED_LINK, 1)
        return tuple(sorted(down)), tuple(sorted(worse - down))

    def _closure(self, target: int, bit: int, which: int) -> set[int]:
        users: dict[int, list[int]] = {}
        for e in self.edges:
            if e.explains & bit:
                users.setdefault(e.target, []).append(e.source)
        found = {target} | {v for v, sets in self.also.items() if target in sets[which]}
        queue = list(found)
        while queue:
            node = queue.pop()
            for user in users.get(node, ()):
                if user not in found:
                    found.add(user)
                    queue.append(user)
        return found


def graph_view(graph: Graph) -> GraphView:
    """Return the drawn graph of ``graph`` with what explains every target's blast radius."""
    kinds = graph.kind.tolist()
    shown = [v for v in range(graph.size) if kinds[v] != NodeKind.GATE]
    position = {v: i for i, v in enumerate(shown)}
    edges, also = _contract(graph, shown, position)
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
    targets = tuple(position[t] for t in shown if NodeKind(kinds[t]).is_target)
    return GraphView(nodes=nodes, edges=tuple(edges), also=also, targets=targets)


def _contract(
    graph: Graph, shown: list[int], position: dict[int, int]
) -> tuple[list[ViewEdge], dict[int, tuple[tuple[int, ...], tuple[int, ...]]]]:
    """Link each shown node to the shown nodes it reaches through gates only, marking the links
    that explain its failures; list the sets of the k-of-n gates on the way (``also``)."""
    indptr, inputs = graph.indptr.tolist(), graph.inputs.tolist()
    ekind, hidden = graph.edge_kind.tolist(), graph.edge_hidden.tolist()
    kinds = graph.kind.tolist()
    explaining = _Explaining(graph, position)
    out: list[ViewEdge] = []
    also: dict[int, tuple[tuple[int, ...], tuple[int, ...]]] = {}
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
        explains, down, degraded = explaining.links(v)
        for u in sorted(found, key=lambda x: position[x]):
            kind, is_hidden = found[u]
            name = _EDGE_NAMES[EdgeKind(kind)]
            out.append(ViewEdge(position[v], position[u], name, is_hidden, explains.get(u, 0)))
        if down or degraded:
            also[position[v]] = (tuple(sorted(down)), tuple(sorted(degraded)))
    return out, also


class _Explaining:
    """Which of a node's links explain its failures, from the single-failure equations."""

    def __init__(self, graph: Graph, position: dict[int, int]) -> None:
        self.indptr, self.inputs = graph.indptr.tolist(), graph.inputs.tolist()
        self.ekind, self.kinds = graph.edge_kind.tolist(), graph.kind.tolist()
        ks = graph.k.tolist()
        indptr = self.indptr
        self.union = [indptr[v + 1] - indptr[v] - ks[v] + 1 <= 1 for v in range(graph.size)]
        gate = int(NodeKind.GATE)
        chosen = [u for u in range(graph.size) if self.kinds[u] == gate and not self.union[u]]
        self.singles = single_failures(graph, chosen)
        self.position = position

    def links(self, v: int) -> tuple[dict[int, int], set[int], set[int]]:
        """Return, for node ``v``: the explaining bits of each shown input it reaches through
        all-of gates, and the targets (positions) that take it down, and down or degraded,
        through the k-of-n gates it reaches that way."""
        indptr, inputs, ekind, kinds = self.indptr, self.inputs, self.ekind, self.kinds
        soft, gate = int(EdgeKind.SOFT), int(NodeKind.GATE)
        position, singles = self.position, self.singles
        explains: dict[int, int] = {}
        down: set[int] = set()
        degraded: set[int] = set()
        stack = [(e, True) for e in range(indptr[v], indptr[v + 1])]  # (edge, no soft edge yet)
        seen: set[tuple[int, bool]] = set()
        while stack:
            e, was_firm = stack.pop()
            u = inputs[e]
            firm = was_firm and ekind[e] != soft
            if kinds[u] != gate:
                if u != v:
                    bits = DEGRADED_LINK | (DOWN_LINK if firm else 0)
                    explains[u] = explains.get(u, 0) | bits
                continue
            if (u, firm) in seen:
                continue
            seen.add((u, firm))
            if self.union[u]:
                stack.extend((f, firm) for f in range(indptr[u], indptr[u + 1]))
                continue
            if firm:  # a k-of-n gate: its own sets explain, not its inputs'
                down.update(position[t] for t in singles.down[u])
            degraded.update(position[t] for t in singles.degraded[u])
        return explains, down, degraded


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
    for scc in condense(range(len(shown)), lambda m: deps.get(m, []))[::-1]:
        members = set(scc)
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
