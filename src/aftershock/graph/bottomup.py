"""Solve a per-node quantity bottom-up over a Graph: inputs first, cycles to their fixpoint.

Used by the single-failure sets and the cut sets: each node's value follows from its inputs'
values. Strongly connected components come in dependency order; a cycle's members start from
``empty`` and a member is recomputed whenever one of its inputs in the cycle changes, until none
does (a worklist: the analyses are monotone, so this ends at the least fixpoint, and a cycle is
down only if something outside it brings it down). A node's value is
dropped once every dependent has been computed, unless it is wanted, so memory follows the
width of the graph rather than its size.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Collection, Iterator
from typing import Any

from aftershock.graph.core import Graph
from aftershock.graph.scc import strongly_connected

Table = list[Any]


def bottom_up(
    graph: Graph,
    compute: Callable[[int], None],
    tables: tuple[Table, ...],
    wanted: Collection[int],
    empty: object,
) -> None:
    """Fill ``tables`` (one slot per node) by calling ``compute(node)`` in dependency order.

    ``compute`` reads its inputs' slots and writes the node's own; on a cycle it is called
    repeatedly, its members starting from ``empty``, until no slot changes. Slots of nodes not
    in ``wanted`` are reset to None once nothing needs them.
    """
    indptr = graph.indptr.tolist()
    inputs = graph.inputs.tolist()

    def drop(u: int) -> None:
        for table in tables:
            table[u] = None

    for scc in in_dependency_order(graph, wanted, drop):
        first = scc[0]
        if len(scc) == 1 and first not in inputs[indptr[first] : indptr[first + 1]]:
            compute(first)
        else:
            _fixpoint(scc, compute, tables, empty, indptr, inputs)


def in_dependency_order(
    graph: Graph, wanted: Collection[int], drop: Callable[[int], None]
) -> Iterator[list[int]]:
    """Yield the graph's strongly connected components, inputs first; once a component has
    been solved (the caller's loop body ran), call ``drop(u)`` for each node whose dependents
    have all been solved and that is not ``wanted``, so memory follows the graph's width."""
    indptr = graph.indptr.tolist()
    inputs = graph.inputs.tolist()
    remaining = (graph.out_indptr[1:] - graph.out_indptr[:-1]).tolist()
    for scc in strongly_connected(graph):
        yield scc
        for v in scc:
            for e in range(indptr[v], indptr[v + 1]):
                u = inputs[e]
                remaining[u] -= 1
                if remaining[u] == 0 and u not in wanted:
                    drop(u)


def _fixpoint(
    scc: list[int],
    compute: Callable[[int], None],
    tables: tuple[Table, ...],
    empty: object,
    indptr: list[int],
    inputs: list[int],
) -> None:
    def reset(v: int) -> None:
        for table in tables:
            table[v] = empty

    def step(v: int) -> bool:
        before = [table[v] for table in tables]
        compute(v)
        return any(table[v] != old for table, old in zip(tables, before, strict=True))

    solve_cycle(scc, indptr, inputs, reset, step)


def solve_cycle(
    scc: list[int],
    indptr: list[int],
    inputs: list[int],
    reset: Callable[[int], None],
    step: Callable[[int], bool],
) -> None:
    """Solve one cycle to its least fixpoint: ``reset`` every member to the empty value, then
    ``step`` members (recompute; return whether the value changed) from a worklist, a member
    queued again whenever one of its inputs in the cycle changes."""
    members = set(scc)
    users: dict[int, list[int]] = {}
    for v in scc:
        reset(v)
        for e in range(indptr[v], indptr[v + 1]):
            if inputs[e] in members:
                users.setdefault(inputs[e], []).append(v)
    queue = deque(scc)
    queued = set(scc)
    while queue:
        v = queue.popleft()
        queued.discard(v)
        if step(v):
            for user in users.get(v, ()):
                if user not in queued:
                    queued.add(user)
                    queue.append(user)
