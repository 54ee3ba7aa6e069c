"""Every single failure target that alone takes a node DOWN, or at least DEGRADED.

For each node the set S of targets whose failure alone takes it DOWN follows from its inputs:
a k-of-n gate is down when at least m = n - k + 1 inputs are down, so S(node) holds the targets
found in at least m of the inputs' sets (m = 1: the union, an ALL gate; m = n: the
intersection, an ANY gate), plus the node itself when it is a failure target. D, the targets
that take it at least DEGRADED, is S and the targets found in at least m of the inputs' D sets,
soft edges included (at an ALL gate: the union of the inputs' D sets). Solving all targets at
once is the product of the per-target propagations, so solving each strongly connected
component up to its least fixpoint (graph/sharing.py) gives the same answer as propagating each
failure alone.

ALL gates, the common case, are unions: their sets share their inputs' large sets instead of
copying them (graph/sharing.py), so a chain of n components costs n small sets, not n²/2 ids.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from aftershock.graph.core import EdgeKind, Graph, NodeKind
from aftershock.graph.sharing import EMPTY as EMPTY_SET
from aftershock.graph.sharing import Family, NodeSet, plain, solve

EMPTY: frozenset[int] = frozenset()


@dataclass(frozen=True)
class SingleFailures:
    """Per kept node: targets that alone take it DOWN, and those that take it DEGRADED or worse.

    Each set is a NodeSet: a read-only set of target ids (``in``, ``len``, iteration, set
    operators) that shares its large parts with the sets of other nodes.
    ``explicit_down`` (when asked for) is ``down`` computed without the edges the model never
    states: the difference is what the model's author cannot see from their own file.
    """

    down: dict[int, NodeSet]
    degraded: dict[int, NodeSet]
    explicit_down: dict[int, NodeSet] | None = None


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
    down: list[NodeSet | None] = [None] * n
    degr: list[NodeSet | None] = [None] * n
    seen: list[NodeSet | None] = [None] * n  # explicit-only S
    soft = [k == EdgeKind.SOFT for k in ekind]
    firm = [not s for s in soft]
    stated = [not (s or h) for s, h in zip(soft, hidden, strict=True)]
    every = [True] * len(ekind)
    m_of = [indptr[v + 1] - indptr[v] - ks[v] + 1 for v in range(n)]
    is_union = [m <= 1 for m in m_of]

    def flats(table: list[NodeSet | None], v: int, counts: list[bool]) -> list[frozenset[int]]:
        return [
            (table[inputs[e]] or EMPTY_SET).flat() if counts[e] else EMPTY
            for e in range(indptr[v], indptr[v + 1])
        ]

    def own(v: int) -> frozenset[int]:
        return frozenset((v,)) if is_target[v] else EMPTY

    def gate_down(v: int) -> NodeSet:
        return plain(own(v) | at_least(m_of[v], flats(down, v, firm)))

    def gate_degraded(v: int) -> NodeSet:
        s = (down[v] or EMPTY_SET).flat()
        return plain(s | at_least(m_of[v], flats(degr, v, every)))

    def gate_explicit(v: int) -> NodeSet:
        # Hidden edges only ever sit on ALL gates (m = 1), so an empty set drops them cleanly.
        return plain(own(v) | at_least(m_of[v], flats(seen, v, stated)))

    no_soft = [not any(soft[indptr[v] : indptr[v + 1]]) for v in range(n)]
    no_hidden = [not any(hidden[indptr[v] : indptr[v + 1]]) for v in range(n)]
    families = [
        Family(down, is_target, firm, is_union, gate_down),
        Family(degr, is_target, every, is_union, gate_degraded, down, no_soft),
    ]
    if explicit:
        families.append(Family(seen, is_target, stated, is_union, gate_explicit, down, no_hidden))
    solve(graph, families, wanted)
    return SingleFailures(
        down={v: down[v] or EMPTY_SET for v in wanted},
        degraded={v: degr[v] or EMPTY_SET for v in wanted},
        explicit_down={v: seen[v] or EMPTY_SET for v in wanted} if explicit else None,
    )
