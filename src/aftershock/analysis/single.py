"""Every single failure target that alone takes a node DOWN, or at least DEGRADED.

For each node the set S of targets whose failure alone takes it DOWN follows from its inputs:
a k-of-n gate is down when at least m = n - k + 1 inputs are down, so S(node) holds the targets
found in at least m of the inputs' sets (m = 1: the union, an ALL gate; m = n: the
intersection, an ANY gate), plus the node itself when it is a failure target. D, the targets
that take it at least DEGRADED, is the same over the inputs' D sets, soft edges included.
Solving all targets at once is the product of the per-target propagations, so iterating each
strongly connected component from empty sets up to its fixpoint gives the same least fixpoint
as propagating each failure alone (a cycle is down only if something outside brings it down).
Sets of nodes no longer needed are dropped as soon as their last dependent has been computed,
which keeps memory near the width of the graph instead of its size.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from aftershock.graph.core import EdgeKind, Graph, NodeKind
from aftershock.graph.scc import strongly_connected

EMPTY: frozenset[int] = frozenset()


@dataclass(frozen=True)
class SingleFailures:
    """Per kept node: targets that alone take it DOWN, and those that take it DEGRADED or worse."""

    down: dict[int, frozenset[int]]
    degraded: dict[int, frozenset[int]]


def at_least(m: int, sets: list[frozenset[int]]) -> frozenset[int]:
    """Return the elements found in at least ``m`` of ``sets``."""
    if m <= 1:
        return frozenset().union(*sets) if sets else EMPTY
    nonempty = [s for s in sets if s]
    if len(nonempty) < m:
        return EMPTY
    if m == len(sets):
        ordered = sorted(nonempty, key=len)
        return ordered[0].intersection(*ordered[1:])
    counts = Counter(x for s in nonempty for x in s)
    return frozenset(x for x, c in counts.items() if c >= m)


def single_failures(
    graph: Graph, keep: Iterable[int] | None = None, *, ignore_hidden: bool = False
) -> SingleFailures:
    """Return S and D for the nodes ``keep`` (default: every business service).

    With ``ignore_hidden`` the edges the model never states are left out: the difference to a
    normal run is what the model's author cannot see from their own file.
    """
    wanted = set(keep) if keep is not None else {graph.business_node(b) for b in graph.business}
    indptr = graph.indptr.tolist()
    inputs = graph.inputs.tolist()
    ekind = graph.edge_kind.tolist()
    ks = graph.k.tolist()
    is_target = [k < NodeKind.GATE for k in graph.kind.tolist()]
    remaining = (graph.out_indptr[1:] - graph.out_indptr[:-1]).tolist()
    n = graph.size
    down: list[frozenset[int] | None] = [None] * n
    degr: list[frozenset[int] | None] = [None] * n
    soft = int(EdgeKind.SOFT)
    skip = graph.edge_hidden.tolist() if ignore_hidden else [False] * len(inputs)

    def compute(v: int) -> tuple[frozenset[int], frozenset[int]]:
        lo, hi = indptr[v], indptr[v + 1]
        own = frozenset((v,)) if is_target[v] else EMPTY
        if lo == hi:
            return own, own
        m = hi - lo - ks[v] + 1
        # Hidden edges only ever sit on ALL gates (m = 1), so an empty set drops them cleanly.
        d_sets = [
            EMPTY if ekind[e] == soft or skip[e] else down[inputs[e]] or EMPTY
            for e in range(lo, hi)
        ]
        g_sets = [EMPTY if skip[e] else degr[inputs[e]] or EMPTY for e in range(lo, hi)]
        s = own | at_least(m, d_sets)
        return s, s | at_least(m, g_sets)

    for scc in strongly_connected(graph):
        if len(scc) == 1 and scc[0] not in inputs[indptr[scc[0]] : indptr[scc[0] + 1]]:
            v = scc[0]
            down[v], degr[v] = compute(v)
        else:
            _fixpoint(scc, compute, down, degr)
        _release(scc, indptr, inputs, remaining, wanted, down, degr)
    return SingleFailures(
        down={v: down[v] or EMPTY for v in wanted},
        degraded={v: degr[v] or EMPTY for v in wanted},
    )


def _fixpoint(
    scc: list[int],
    compute: object,
    down: list[frozenset[int] | None],
    degr: list[frozenset[int] | None],
) -> None:
    """Raise the sets of a cycle's members until none changes (monotone, so it ends)."""
    assert callable(compute)
    for v in scc:
        down[v], degr[v] = EMPTY, EMPTY
    changed = True
    while changed:
        changed = False
        for v in scc:
            s, d = compute(v)
            if s != down[v] or d != degr[v]:
                down[v], degr[v] = s, d
                changed = True


def _release(
    scc: Collection[int],
    indptr: list[int],
    inputs: list[int],
    remaining: list[int],
    wanted: set[int],
    down: list[frozenset[int] | None],
    degr: list[frozenset[int] | None],
) -> None:
    """Drop the sets of inputs whose every dependent is now computed."""
    for v in scc:
        for e in range(indptr[v], indptr[v + 1]):
            u = inputs[e]
            remaining[u] -= 1
            if remaining[u] == 0 and u not in wanted:
                down[u] = degr[u] = None
