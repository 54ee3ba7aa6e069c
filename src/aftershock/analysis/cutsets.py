"""Minimal cut sets up to a given order: sets of targets whose joint failure takes a node DOWN.

Bottom-up over the graph, in the manner of MOCUS (Fussell and Vesely, 1972) but truncated to
``order`` at every step: a k-of-n gate is down when m = n - k + 1 inputs are down, so its cut
sets are the minimal unions of one cut set from each of m inputs. Soft edges never take a node
down and contribute nothing. Cycles are iterated to their least fixpoint as in single.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations

from aftershock.graph.core import EdgeKind, Graph, NodeKind
from aftershock.graph.scc import strongly_connected

Family = frozenset[frozenset[int]]
NONE: Family = frozenset()


def minimize(sets: Iterable[frozenset[int]]) -> Family:
    """Return the sets that contain no other set of the collection."""
    ordered = sorted(set(sets), key=len)
    kept: list[frozenset[int]] = []
    singles: set[int] = set()
    for s in ordered:
        if len(s) <= 1:
            singles |= s
            kept.append(s)
        elif s & singles:
            continue
        elif len(s) == 2 or not any(k <= s for k in kept if 1 < len(k) < len(s)):
            kept.append(s)  # a pair holds no smaller set but singletons
    return frozenset(kept)


def product(families: list[Family], order: int) -> Family:
    """Return minimal unions taking one set from each family, none larger than ``order``."""
    result: Family = frozenset((frozenset(),))
    for family in sorted(families, key=len):
        if not family:
            return NONE
        result = minimize(a | b for a in result for b in family if len(a | b) <= order)
        if not result:
            return NONE
    return result


def _gate(families: list[Family], m: int, order: int) -> Family:
    if m <= 1:
        return minimize(s for f in families for s in f)
    live = [f for f in families if f]
    if len(live) < m:
        return NONE
    if m == len(families):
        return product(families, order)
    return minimize(s for combo in combinations(live, m) for s in product(list(combo), order))


def cut_sets(graph: Graph, order: int, keep: Iterable[int] | None = None) -> dict[int, Family]:
    """Return, per kept node (default: business services), its minimal cut sets up to ``order``."""
    wanted = set(keep) if keep is not None else {graph.business_node(b) for b in graph.business}
    indptr = graph.indptr.tolist()
    inputs = graph.inputs.tolist()
    ekind = graph.edge_kind.tolist()
    ks = graph.k.tolist()
    is_target = [k < NodeKind.GATE for k in graph.kind.tolist()]
    remaining = (graph.out_indptr[1:] - graph.out_indptr[:-1]).tolist()
    fam: list[Family | None] = [None] * graph.size
    soft = int(EdgeKind.SOFT)

    def compute(v: int) -> Family:
        lo, hi = indptr[v], indptr[v + 1]
        own: Family = frozenset((frozenset((v,)),)) if is_target[v] else NONE
        if lo == hi:
            return own
        m = hi - lo - ks[v] + 1
        inner = [fam[inputs[e]] or NONE if ekind[e] != soft else NONE for e in range(lo, hi)]
        return minimize(own | _gate(inner, m, order))

    for scc in strongly_connected(graph):
        if len(scc) == 1 and scc[0] not in inputs[indptr[scc[0]] : indptr[scc[0] + 1]]:
            fam[scc[0]] = compute(scc[0])
        else:
            for v in scc:
                fam[v] = NONE
            changed = True
            while changed:
                changed = False
                for v in scc:
                    new = compute(v)
                    if new != fam[v]:
                        fam[v], changed = new, True
        for v in scc:
            for e in range(indptr[v], indptr[v + 1]):
                u = inputs[e]
                remaining[u] -= 1
                if remaining[u] == 0 and u not in wanted:
                    fam[u] = None
    return {v: fam[v] or NONE for v in wanted}
