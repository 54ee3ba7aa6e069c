"""Every single failure target that alone takes a node DOWN, or at least DEGRADED.

For each node the set S of targets whose failure alone takes it DOWN follows from its inputs:
a k-of-n gate is down when at least m = n - k + 1 inputs are down, so S(node) holds the targets
found in at least m of the inputs' sets (m = 1: the union, an ALL gate; m = n: the
intersection, an ANY gate), plus the node itself when it is a failure target. D, the targets
that take it at least DEGRADED, is the same over the inputs' D sets, soft edges included.
Solving all targets at once is the product of the per-target propagations, so iterating each
strongly connected component from empty sets up to its fixpoint (graph/bottomup.py) gives the
same least fixpoint as propagating each failure alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from aftershock.graph.bottomup import bottom_up
from aftershock.graph.core import EdgeKind, Graph, NodeKind

EMPTY: frozenset[int] = frozenset()


@dataclass(frozen=True)
class SingleFailures:
    """Per kept node: targets that alone take it DOWN, and those that take it DEGRADED or worse.

    ``explicit_down`` (when asked for) is ``down`` computed without the edges the model never
    states: the difference is what the model's author cannot see from their own file.
    """

    down: dict[int, frozenset[int]]
    degraded: dict[int, frozenset[int]]
    explicit_down: dict[int, frozenset[int]] | None = None


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
    graph: Graph, keep: Iterable[int] | None = None, *, explicit: bool = False
) -> SingleFailures:
    """Return S and D for the nodes ``keep`` (default: every business service); with
    ``explicit``, also S without hidden edges, computed in the same pass."""
    wanted = set(keep) if keep is not None else {graph.business_node(b) for b in graph.business}
    indptr = graph.indptr.tolist()
    inputs = graph.inputs.tolist()
    ekind = graph.edge_kind.tolist()
    hidden = graph.edge_hidden.tolist()
    ks = graph.k.tolist()
    is_target = [k < NodeKind.GATE for k in graph.kind.tolist()]
    n = graph.size
    down: list[frozenset[int] | None] = [None] * n
    degr: list[frozenset[int] | None] = [None] * n
    seen: list[frozenset[int] | None] = [None] * n  # explicit-only S
    soft = int(EdgeKind.SOFT)

    def compute(v: int) -> None:
        lo, hi = indptr[v], indptr[v + 1]
        own = frozenset((v,)) if is_target[v] else EMPTY
        if lo == hi:
            down[v] = degr[v] = seen[v] = own
            return
        m = hi - lo - ks[v] + 1
        d_sets = [EMPTY if ekind[e] == soft else down[inputs[e]] or EMPTY for e in range(lo, hi)]
        s = own | at_least(m, d_sets)
        down[v] = s
        degr[v] = s | at_least(m, [degr[inputs[e]] or EMPTY for e in range(lo, hi)])
        if not explicit:
            return
        # Hidden edges only ever sit on ALL gates (m = 1), so an empty set drops them cleanly.
        x_sets = [
            EMPTY if ekind[e] == soft or hidden[e] else seen[inputs[e]] or EMPTY
            for e in range(lo, hi)
        ]
        same = all(x is d for x, d in zip(x_sets, d_sets, strict=True))
        seen[v] = s if same else own | at_least(m, x_sets)

    bottom_up(graph, compute, (down, degr, seen), wanted, EMPTY)
    return SingleFailures(
        down={v: down[v] or EMPTY for v in wanted},
        degraded={v: degr[v] or EMPTY for v in wanted},
        explicit_down={v: seen[v] or EMPTY for v in wanted} if explicit else None,
    )
