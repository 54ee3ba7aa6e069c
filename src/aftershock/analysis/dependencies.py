"""What a business service reaches, what of that its model never names, and why a target hurts."""

from __future__ import annotations

from collections import deque
from typing import Literal

from aftershock.analysis.results import DependsOn, ExplainedService, ExplainResult, HiddenDependency
from aftershock.catalog.load import Catalog, load_catalog
from aftershock.errors import Problem, TargetError
from aftershock.graph.core import Graph, NodeKind, State
from aftershock.graph.propagate import arrays, propagate
from aftershock.model.targets import target_error

StateName = Literal["up", "degraded", "down"]
STATE_NAMES: dict[State, StateName] = {
    State.UP: "up",
    State.DEGRADED: "degraded",
    State.DOWN: "down",
}


def reach(graph: Graph, start: int, *, explicit_only: bool = False) -> dict[int, int]:
    """Return every node ``start`` depends on, mapped to the node it was reached from (BFS).

    With ``explicit_only``, edges the model never states (catalog-internal dependencies, global
    planes' homes, vendor placement from the catalog) are not followed.
    """
    view = arrays(graph)
    indptr, inputs, hidden = view.indptr, view.inputs, view.edge_hidden
    parent = {start: -1}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for e in range(indptr[node], indptr[node + 1]):
            if explicit_only and hidden[e]:
                continue
            nxt = inputs[e]
            if nxt not in parent:
                parent[nxt] = node
                queue.append(nxt)
    return parent


def display_name(graph: Graph, node: int) -> str:
    """Return the name a user knows a node by."""
    return graph.names[node].removeprefix("bs:")


def named(graph: Graph, path: list[int]) -> list[str]:
    """Return the path's node names, leaving out internal gates."""
    kinds = arrays(graph).kind
    return [display_name(graph, v) for v in path if kinds[v] != _GATE]


def path_from(parent: dict[int, int], node: int) -> list[int]:
    """Return the BFS path from the start to ``node``."""
    path = [node]
    while parent[path[-1]] >= 0:
        path.append(parent[path[-1]])
    return path[::-1]


def depends_on(graph: Graph, reached: dict[int, int]) -> DependsOn:
    """Return the providers, regions, zones, vendors and catalog services in ``reached``."""
    kinds = arrays(graph).kind
    by_kind: dict[int, list[str]] = {int(k): [] for k in NodeKind}
    for node in reached:
        by_kind[kinds[node]].append(graph.names[node])
    return DependsOn(
        providers=sorted(by_kind[NodeKind.PROVIDER]),
        regions=sorted(by_kind[NodeKind.REGION]),
        zones=sorted(by_kind[NodeKind.ZONE]),
        vendors=sorted(by_kind[NodeKind.VENDOR]),
        services=sorted(by_kind[NodeKind.SERVICE]),
    )


_HIDDEN_KINDS = frozenset(
    int(k) for k in (NodeKind.PROVIDER, NodeKind.REGION, NodeKind.ZONE, NodeKind.SERVICE)
)
_GATE = int(NodeKind.GATE)


def hidden(graph: Graph, full: dict[int, int], explicit: dict[int, int]) -> list[HiddenDependency]:
    """Return the providers, regions, zones and catalog services reached only through edges the
    model never states, each with the shortest path that explains it."""
    kinds = arrays(graph).kind
    out = []
    for node in full:
        if node in explicit or kinds[node] not in _HIDDEN_KINDS:
            continue
        out.append(HiddenDependency(graph.names[node], named(graph, path_from(full, node))))
    return sorted(out, key=lambda h: h.target)


def explain(graph: Graph, target: str, *, catalog: Catalog | None = None) -> ExplainResult:
    """Return what failing ``target`` alone does to each business service, with causal chains.

    Raises TargetError when ``target`` is not a failure target of this model or the catalog.
    """
    model = graph.model
    names = {*model.components, *(c.vendor for c in model.components.values() if c.vendor)}
    problem = target_error(target, catalog or load_catalog(), names)
    if problem:
        raise TargetError(
            Problem(
                problem,
                file="--explain",
                value=target,
                hint="name a provider, region, zone, service, plane, component or vendor, "
                "e.g. aws/us-east-1 or aws/us-east-1/dynamodb/dns",
            )
        )
    node = graph.index.get(target)
    if node is None:
        services = [ExplainedService(b, "up", [], False) for b in graph.business]
        return ExplainResult(model.name, target, False, services, {})
    result = propagate(graph, [node])
    services = []
    for b in graph.business:
        bnode = graph.business_node(b)
        state = STATE_NAMES[result.state(bnode)]
        if state != "up":
            chain = named(graph, result.chain(bnode))
            services.append(ExplainedService(b, state, chain, True))
        else:
            parents = reach(graph, bnode)
            seen = node in parents
            path = named(graph, path_from(parents, node)) if seen else []
            services.append(ExplainedService(b, "up", path, seen))
    components: dict[str, str] = {
        c: STATE_NAMES[result.state(graph.index[c])]
        for c in model.components
        if result.states[graph.index[c]]
    }
    return ExplainResult(model.name, target, True, services, components)
