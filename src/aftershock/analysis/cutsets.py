"""Minimal cut sets up to a given order: sets of targets whose joint failure takes a node DOWN.

Bottom-up over the graph, in the manner of MOCUS (Fussell and Vesely, 1972) but truncated to
``order`` at every step: a k-of-n gate is down when m = n - k + 1 inputs are down, so its cut
sets are the minimal unions of one cut set from each of m inputs. Soft edges never take a node
down and contribute nothing. Cycles are iterated to their least fixpoint (graph/bottomup.py).

A family is kept as its single targets plus its larger sets, none of which holds a single: an
ALL gate (the common case) is then a union of sets of integers, done in C, and only the larger
sets, usually few, need minimising. The singles are the single-failure sets
(analysis/single.py), which share their large parts between nodes; the pass itself carries
only the singles that can meet a larger set: those of the inputs of k-of-n gates (where larger
sets are born) and what they reach. So a chain of n components costs n small families, not
n²/2 single targets.
"""

from __future__ import annotations

from collections.abc import Iterable, Set
from itertools import combinations
from typing import NamedTuple

from aftershock.analysis.single import SingleFailures, single_failures
from aftershock.graph.bottomup import bottom_up
from aftershock.graph.core import EdgeKind, Graph, NodeKind

Cut = frozenset[int]


class Family(NamedTuple):
    """Minimal cut sets: the single targets, and the larger sets (none holding a single)."""

    singles: Set[int]
    larger: frozenset[Cut]

    def sets(self) -> list[Cut]:
        """Return every cut set, singles first."""
        return [frozenset((t,)) for t in self.singles] + list(self.larger)


NONE = Family(frozenset(), frozenset())


def _minimal(larger: Iterable[Cut], singles: Set[int]) -> frozenset[Cut]:
    """Return the sets that hold no single and no smaller listed set."""
    kept = [s for s in set(larger) if not (s & singles)]
    if all(len(s) == 2 for s in kept):
        return frozenset(kept)  # a pair holds no smaller set but singles
    kept.sort(key=len)
    out: list[Cut] = []
    for s in kept:
        if not any(k < s for k in out if len(k) < len(s)):
            out.append(s)
    return frozenset(out)


def _union(families: list[Family]) -> Family:
    """Return the family of an ALL gate: down when any input is down."""
    singles = frozenset().union(*(f.singles for f in families))
    larger = [s for f in families for s in f.larger]
    return Family(singles, _minimal(larger, singles) if larger else frozenset())


def _product(a: Family, b: Family, order: int) -> Family:
    """Return the family of 'a and b both down': minimal unions of one set from each."""
    singles = a.singles & b.singles
    if order < 2:
        return Family(singles, frozenset())
    only_a, only_b = a.singles - singles, b.singles - singles
    out: set[Cut] = set()
    if order >= 2 and only_a and only_b:
        out.update(frozenset((x, y)) for x in only_a for y in only_b)
    for x in only_a:
        out.update(s | {x} for s in b.larger if len(s) < order and x not in s)
    for y in only_b:
        out.update(s | {y} for s in a.larger if len(s) < order and y not in s)
    for s in a.larger:
        for t in b.larger:
            u = s | t
            if len(u) <= order:
                out.add(u)
    out.update(s for s in a.larger if s & only_b)
    out.update(t for t in b.larger if t & only_a)
    return Family(singles, _minimal(out, singles))


def _gate(families: list[Family], m: int, order: int) -> Family:
    if m <= 1:
        return _union(families)
    live = [f for f in families if f.singles or f.larger]
    if len(live) < m:
        return NONE
    if m == len(families):
        result = live[0]
        for fam in live[1:]:
            result = _product(result, fam, order)
        return result
    combos = []
    for combo in combinations(live, m):
        result = combo[0]
        for fam in combo[1:]:
            result = _product(result, fam, order)
        combos.append(result)
    return _union(combos)


def gate_inputs(graph: Graph) -> set[int]:
    """Return the nodes that feed a k-of-n gate (not through a soft edge): where sets of two
    or more targets are born, so the cut-set pass needs their single-failure sets."""
    indptr = graph.indptr.tolist()
    inputs = graph.inputs.tolist()
    ekind = graph.edge_kind.tolist()
    ks = graph.k.tolist()
    soft = int(EdgeKind.SOFT)
    return {
        inputs[e]
        for v in range(graph.size)
        if indptr[v + 1] - indptr[v] - ks[v] + 1 > 1
        for e in range(indptr[v], indptr[v + 1])
        if ekind[e] != soft
    }


def cut_sets(
    graph: Graph,
    order: int,
    keep: Iterable[int] | None = None,
    *,
    singles: SingleFailures | None = None,
) -> dict[int, Family]:
    """Return, per kept node (default: business services), its minimal cut sets up to ``order``.

    ``singles``: single failures already solved for the kept nodes and ``gate_inputs``
    (solved here when not given)."""
    wanted = set(keep) if keep is not None else {graph.business_node(b) for b in graph.business}
    indptr = graph.indptr.tolist()
    inputs = graph.inputs.tolist()
    ekind = graph.edge_kind.tolist()
    ks = graph.k.tolist()
    is_target = [k < NodeKind.GATE for k in graph.kind.tolist()]
    soft = int(EdgeKind.SOFT)
    born = gate_inputs(graph)
    if singles is None or not (wanted | born) <= singles.down.keys():
        singles = single_failures(graph, wanted | born)
    meet = frozenset().union(*(singles.down[u].flat() for u in born))
    fam: list[Family | None] = [None] * graph.size

    def compute(v: int) -> Family:
        lo, hi = indptr[v], indptr[v + 1]
        own = Family(frozenset((v,)) & meet, frozenset()) if is_target[v] else NONE
        if lo == hi:
            return own
        m = hi - lo - ks[v] + 1
        inner = [NONE if ekind[e] == soft else fam[inputs[e]] or NONE for e in range(lo, hi)]
        found = _gate(inner, m, order)
        return _union([own, found]) if is_target[v] else found

    def solve(v: int) -> None:
        fam[v] = compute(v)

    bottom_up(graph, solve, (fam,), wanted, NONE)
    return {v: Family(singles.down[v], (fam[v] or NONE).larger) for v in wanted}
