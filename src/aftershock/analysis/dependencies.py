"""What a business service reaches, what of that its model never names, and why a target hurts."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Literal

from aftershock.analysis.results import ExplainedService, ExplainResult
from aftershock.catalog.load import Catalog, load_catalog
from aftershock.errors import Problem, TargetError
from aftershock.graph.core import Graph, NodeKind, State
from aftershock.graph.propagate import arrays, propagate
from aftershock.graph.sharing import Family, NodeSet, solve
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


REACHED = frozenset(
    int(k)
    for k in (
        NodeKind.PROVIDER,
        NodeKind.REGION,
        NodeKind.ZONE,
        NodeKind.SERVICE,
        NodeKind.COMPONENT,
        NodeKind.VENDOR,
    )
)
"""The kinds of node a business service's reach is told in (not planes, gates or services)."""


def reaches(graph: Graph, keep: Iterable[int]) -> tuple[dict[int, NodeSet], dict[int, NodeSet]]:
    """Return, per node of ``keep``, the components, vendors and catalog targets it depends on:
    over every edge, and over the edges the model states (not the hidden ones).

    Solved for all nodes at once, each set sharing the large sets of its inputs (a cycle's
    members share one), so n business services entering one ring cost one set, not n.
    """
    wanted = set(keep)
    view = arrays(graph)
    n, m = graph.size, len(view.inputs)
    own = [k in REACHED for k in view.kind]
    union = [True] * n
    full: list[NodeSet | None] = [None] * n
    stated: list[NodeSet | None] = [None] * n

    def unused(node: int) -> NodeSet:
        raise AssertionError("reach is a union at every node")

    indptr, hidden = view.indptr, view.edge_hidden
    no_hidden = [not any(hidden[indptr[v] : indptr[v + 1]]) for v in range(n)]
    solve(
        graph,
        [
            Family(full, own, [True] * m, union, unused),
            Family(stated, own, [not h for h in hidden], union, unused, full, no_hidden),
        ],
        wanted,
    )
    return (
        {v: full[v] or NodeSet(frozenset()) for v in wanted},
        {v: stated[v] or NodeSet(frozenset()) for v in wanted},
    )


_GATE = int(NodeKind.GATE)


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
