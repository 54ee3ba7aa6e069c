"""Propagate failures through a Graph to the least fixpoint of node states.

Starting from every node UP and only ever raising states, a worklist reaches the least fixpoint:
a dependency cycle goes down only if something outside it brings it down. Each node keeps
counts of its inputs that are (after the edge's transform) at least DEGRADED and DOWN, so a
change costs O(1) per edge it crosses and the whole run is linear in what it touches.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from aftershock.graph.core import EdgeKind, Graph, State

UP, DEGRADED, DOWN = int(State.UP), int(State.DEGRADED), int(State.DOWN)


@dataclass(frozen=True)
class Propagation:
    """States after a set of failures, with the input that raised each node (-1: none/failed)."""

    states: list[int]
    cause: list[int]
    failed: frozenset[int]

    def state(self, node: int) -> State:
        """Return the state of ``node``."""
        return State(self.states[node])

    def chain(self, node: int) -> list[int]:
        """Return node ids from ``node`` back along causes to a failed target."""
        path = [node]
        seen = {node}
        while self.cause[path[-1]] >= 0:
            nxt = self.cause[path[-1]]
            if nxt in seen:
                break
            seen.add(nxt)
            path.append(nxt)
        return path


class _Arrays:
    """Plain-list views of a graph's arrays, cheaper to index from Python than numpy."""

    def __init__(self, graph: Graph) -> None:
        self.k = graph.k.tolist()
        self.indptr = graph.indptr.tolist()
        self.edge_kind = graph.edge_kind.tolist()
        self.out_indptr = graph.out_indptr.tolist()
        self.outputs = graph.outputs.tolist()
        self.out_edges = graph.out_edges.tolist()
        self.inputs = graph.inputs.tolist()
        self.edge_hidden = graph.edge_hidden.tolist()
        self.kind = graph.kind.tolist()


_CACHE: dict[int, tuple[Graph, _Arrays]] = {}


def arrays(graph: Graph) -> _Arrays:
    """Return (and remember) the list views of ``graph``."""
    hit = _CACHE.get(id(graph))
    if hit is None or hit[0] is not graph:
        if len(_CACHE) > 8:
            _CACHE.clear()
        hit = (graph, _Arrays(graph))
        _CACHE[id(graph)] = hit
    return hit[1]


def transform(state: int, kind: int) -> int:
    """Return what an input's ``state`` means to its dependent through an edge of ``kind``."""
    if kind == EdgeKind.SOFT and state == DOWN:
        return DEGRADED
    return state


def propagate(graph: Graph, failed: Iterable[int]) -> Propagation:
    """Return the state of every node when the nodes ``failed`` fail (sustained, static view).

    A fallback with a finite ``holds`` counts as DOWN here: a sustained outage outlasts it.
    """
    a = arrays(graph)
    n = graph.size
    states = [UP] * n
    cause = [-1] * n
    bad = [0] * n  # inputs at least DEGRADED after transform
    down = [0] * n  # inputs DOWN after transform
    failed_set = frozenset(failed)
    soft = int(EdgeKind.SOFT)
    sent = [UP] * n  # the state each node's dependents have been told about
    stack = []
    for node in failed_set:
        states[node] = DOWN
        stack.append(node)
    indptr, k, out_indptr, outputs, out_edges, ekind = (
        a.indptr,
        a.k,
        a.out_indptr,
        a.outputs,
        a.out_edges,
        a.edge_kind,
    )
    while stack:
        node = stack.pop()
        old, new = sent[node], states[node]
        if old == new:
            continue
        sent[node] = new
        for pos in range(out_indptr[node], out_indptr[node + 1]):
            target = outputs[pos]
            # transform() inlined: this loop is the hot path of every propagation
            if ekind[out_edges[pos]] == soft:
                t_old = DEGRADED if old == DOWN else old
                t_new = DEGRADED if new == DOWN else new
            else:
                t_old, t_new = old, new
            if t_old == t_new:
                continue
            if t_old == UP:
                bad[target] += 1
            if t_new == DOWN:
                down[target] += 1
            if target in failed_set:
                continue
            slack = indptr[target + 1] - indptr[target] - k[target]
            state = DOWN if down[target] > slack else DEGRADED if bad[target] > slack else UP
            if state > states[target]:
                states[target] = state
                cause[target] = node
                stack.append(target)
    return Propagation(states=states, cause=cause, failed=failed_set)
