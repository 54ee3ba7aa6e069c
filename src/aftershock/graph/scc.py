"""Strongly connected components of a Graph, in dependency order (inputs before dependents)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable

from aftershock.graph.core import Graph, NodeKind


@functools.lru_cache(maxsize=4)
def strongly_connected(graph: Graph) -> list[list[int]]:
    """Return the graph's strongly connected components, every SCC after the SCCs it depends on.

    Tarjan's algorithm (Tarjan 1972, "Depth-first search and linear graph algorithms"), written
    iteratively so that a 100,000-node dependency chain does not overflow Python's stack. Tarjan
    emits an SCC once everything reachable from it has been emitted, which, following edges
    from a node to its inputs, is exactly inputs-first order. Cached per graph (graphs are
    immutable); callers must not modify the returned lists.
    """
    indptr = graph.indptr.tolist()
    inputs = graph.inputs.tolist()
    return condense(range(graph.size), lambda v: inputs[indptr[v] : indptr[v + 1]])


def condense(nodes: Iterable[int], successors: Callable[[int], list[int]]) -> list[list[int]]:
    """Return the strongly connected components of the subgraph on ``nodes`` whose edges are
    ``successors(v)`` (all within ``nodes``), every component after those it points to.

    Tarjan's algorithm, iterative (see ``strongly_connected``, which runs it on the whole
    graph), over any subgraph: a cycle's own dependencies, the components of a drawing.
    """
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[int] = []
    out: list[list[int]] = []
    for root in nodes:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, successors(root), 0)]
        while work:
            node, succ, pos = work[-1]
            if pos < len(succ):
                work[-1] = (node, succ, pos + 1)
                nxt = succ[pos]
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, successors(nxt), 0))
                elif nxt in on_stack and index[nxt] < low[node]:
                    low[node] = index[nxt]
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                if low[node] < low[parent]:
                    low[parent] = low[node]
            if low[node] == index[node]:
                scc = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    scc.append(member)
                    if member == node:
                        break
                out.append(scc)
    return out


def component_cycles(graph: Graph) -> list[list[str]]:
    """Return cycles among components: each SCC of two or more components, or a self-loop."""
    kinds = graph.kind.tolist()
    component = int(NodeKind.COMPONENT)
    cycles = []
    for scc in strongly_connected(graph):
        if len(scc) == 1 and kinds[scc[0]] != component:
            continue
        members = [v for v in scc if kinds[v] == component]
        if len(scc) > 1 and len(members) > 1:
            cycles.append(sorted(graph.names[v] for v in members))
        elif len(scc) == 1 and scc[0] in graph.input_ids(scc[0]):
            cycles.append([graph.names[scc[0]]])
    return sorted(cycles)
