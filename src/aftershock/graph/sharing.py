"""Per-node sets of node ids that share their large parts, solved bottom-up over a Graph.

Analyses give every node a set that follows from its inputs' sets: the failure targets that
take it down, what it reaches. Written out one by one, the sets of a chain of n nodes hold
n(n+1)/2 ids and those of n business services entering a ring n² ids, although they say little
more than the graph itself. A NodeSet holds its own ids and refers to its inputs' large sets
instead of copying them (a persistent union, as in hash-consed decision diagrams or ropes), so
that building the set of every node costs about the size of the graph, and ``flat()`` writes a
set out only when someone asks for it.

The equations have one of two forms per node. A *union* node's set is its own ids and the sets
of the inputs over the edges that count (an all-of gate failing with any input, or
reachability). Any other node's set is computed from its inputs' written-out sets (a k-of-n gate
needs a target in m of them). Strongly connected components come in dependency order (Tarjan);
a cycle of union nodes is solved in one pass over its own condensation, since every member of a
cycle of counting edges has the same least-fixpoint set, which they then share; a cycle through
any other node is iterated from empty sets to its least fixpoint. A node's set is dropped once
every dependent has been solved, unless it is wanted, so memory follows the width of the graph.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence, Set
from dataclasses import dataclass

from aftershock.allocation import bulk_allocation
from aftershock.graph.bottomup import in_dependency_order, solve_cycle
from aftershock.graph.core import Graph
from aftershock.graph.scc import condense

SMALL = 48
"""Sets lighter than this are copied into the sets built on them; heavier ones are shared."""


class NodeSet(Set[int]):
    """An immutable set of node ids: ``own`` and the members of ``parts``, held by reference.

    It is a read-only set like a frozenset (``in``, ``len``, iteration, ``-``, ``&``, ``==``);
    those write it out once (``flat()``, kept). ``weight`` bounds the size from above (ids in
    shared parts counted once per reference, capped) and only decides what is shared.
    """

    __slots__ = ("_flat", "own", "parts", "weight")

    def __init__(self, own: frozenset[int], parts: tuple[NodeSet, ...] = ()) -> None:
        self.own = own
        self.parts = parts
        if parts:
            self.weight: int = min(len(own) + sum(p.weight for p in parts), 1 << 30)
            self._flat: frozenset[int] | None = None
        else:
            self.weight, self._flat = len(own), own

    def flat(self) -> frozenset[int]:
        """Return every member once (computed on first use, then kept)."""
        if self._flat is None:
            self._flat = frozenset(self.collect())
        return self._flat

    def collect(self, stop: Callable[[NodeSet], bool] | None = None) -> set[int]:
        """Return the members, not descending into parts for which ``stop`` is true."""
        out = set(self.own)
        seen = {id(self)}
        stack = list(self.parts)
        while stack:
            part = stack.pop()
            if id(part) in seen or (stop is not None and stop(part)):
                continue
            seen.add(id(part))
            if part._flat is not None:
                out |= part._flat
                continue
            out |= part.own
            stack.extend(part.parts)
        return out

    def __contains__(self, item: object) -> bool:
        return item in self.own or (bool(self.parts) and item in self.flat())

    def __iter__(self) -> Iterator[int]:
        return iter(self.flat())

    def __len__(self) -> int:
        return len(self.flat())

    def __bool__(self) -> bool:
        return bool(self.own or self.parts)  # parts are never empty

    def __repr__(self) -> str:
        return f"NodeSet({sorted(self.flat())})"

    @classmethod
    def _from_iterable(cls, it: Iterable[int]) -> frozenset[int]:  # type: ignore[override]
        return frozenset(it)

    __hash__ = None  # type: ignore[assignment]


EMPTY = NodeSet(frozenset())


def union(own: Collection[int], sets: Iterable[NodeSet | None]) -> NodeSet:
    """Return the union of ``own`` and ``sets``: light sets copied, heavy ones shared.

    A union that adds nothing to one of its sets is that set itself, so a node passing on its
    input's set (a business service with one entry, a gate of one part) costs nothing.
    """
    light: list[NodeSet] = []
    parts: list[NodeSet] = []
    for s in sets:
        if s is None or not (s.own or s.parts):
            continue
        (light if s.weight < SMALL else parts).append(s)  # a light set has no parts
    if not own:
        if not light and len(parts) == 1:
            return parts[0]
        if not parts and len(light) == 1:
            return light[0]
    if len(parts) > 1:
        parts = list({id(p): p for p in parts}.values())
    ids = frozenset(own).union(*(s.own for s in light)) if light else frozenset(own)
    if len(parts) == 1 and ids <= parts[0].own:
        return parts[0]
    if not parts and not ids:
        return EMPTY
    return NodeSet(ids, tuple(parts))


def plain(ids: Iterable[int]) -> NodeSet:
    """Return a NodeSet holding ``ids`` itself."""
    frozen = frozenset(ids)
    return NodeSet(frozen) if frozen else EMPTY


@dataclass(frozen=True)
class Family:
    """One set per node: ``table[v]``, solved by ``solve``.

    ``own[v]``: whether ``v`` is in its own set. ``counts[e]``: whether edge ``e`` brings its
    input's set into a union node. ``is_union[v]``: whether node ``v`` is a union node;
    otherwise ``compute(v)`` returns its set from the tables (its inputs' are solved).

    ``twin`` (an earlier family's table) and ``alike[v]``: where node ``v``'s equation is the
    twin's (none of its edges differs for the two) and every input's set is the twin's, its
    set is the twin's too, shared rather than rebuilt (degraded sets where nothing is soft,
    sets without hidden edges where nothing is hidden).
    """

    table: list[NodeSet | None]
    own: Sequence[bool]
    counts: Sequence[bool]
    is_union: Sequence[bool]
    compute: Callable[[int], NodeSet]
    twin: list[NodeSet | None] | None = None
    alike: Sequence[bool] = ()


def solve(graph: Graph, families: Sequence[Family], wanted: Collection[int]) -> None:
    """Fill every family's table in dependency order (families in the order given, so that a
    later family's ``compute`` may read an earlier one's set of the same node). Sets of nodes
    not in ``wanted`` are dropped once nothing needs them."""
    with bulk_allocation():  # a NodeSet per node: the collector would rescan them all
        _solve(graph, families, wanted)


def _solve(graph: Graph, families: Sequence[Family], wanted: Collection[int]) -> None:
    indptr = graph.indptr.tolist()
    inputs = graph.inputs.tolist()
    specs = [(f.table, f.counts, f.own, f.is_union, f.compute, f.twin, f.alike) for f in families]

    def drop(u: int) -> None:
        for family in families:
            family.table[u] = None

    for scc in in_dependency_order(graph, wanted, drop):
        first = scc[0]
        lo, hi = indptr[first], indptr[first + 1]
        if len(scc) == 1 and first not in inputs[lo:hi]:  # the common case, inlined
            for table, counts, own, is_union, compute, twin, alike in specs:
                if twin is not None and alike[first]:
                    for e in range(lo, hi):
                        if table[inputs[e]] is not twin[inputs[e]]:
                            break
                    else:
                        table[first] = twin[first]
                        continue
                if is_union[first]:
                    sets = [table[inputs[e]] for e in range(lo, hi) if counts[e]]
                    table[first] = union((first,) if own[first] else (), sets)
                else:
                    table[first] = compute(first)
        else:
            for family in families:
                if all(family.is_union[v] for v in scc):
                    _condensed(family, scc, indptr, inputs)
                else:
                    _iterate(family, scc, indptr, inputs)


def _value(family: Family, v: int, indptr: list[int], inputs: list[int]) -> NodeSet:
    if not family.is_union[v]:
        return family.compute(v)
    counts, table = family.counts, family.table
    parts = (table[inputs[e]] for e in range(indptr[v], indptr[v + 1]) if counts[e])
    return union((v,) if family.own[v] else (), parts)


def _condensed(family: Family, scc: list[int], indptr: list[int], inputs: list[int]) -> None:
    """Solve a cycle of union nodes: each strongly connected part of its counting edges, in
    dependency order, gets one set shared by its members."""
    counts, table = family.counts, family.table
    members = set(scc)

    def within(v: int) -> list[int]:
        out = []
        for e in range(indptr[v], indptr[v + 1]):
            if counts[e] and inputs[e] in members:
                out.append(inputs[e])
        return out

    for part in condense(scc, within):
        inside = set(part)
        own = [v for v in part if family.own[v]]
        outside = (
            table[inputs[e]]
            for v in part
            for e in range(indptr[v], indptr[v + 1])
            if counts[e] and inputs[e] not in inside
        )
        shared = union(own, outside)
        for v in part:
            table[v] = shared


def _iterate(family: Family, scc: list[int], indptr: list[int], inputs: list[int]) -> None:
    """Solve a cycle through a k-of-n node: from empty sets up to the least fixpoint, a member
    recomputed whenever one of its inputs in the cycle changes (a worklist)."""
    table = family.table

    def reset(v: int) -> None:
        table[v] = EMPTY

    def step(v: int) -> bool:
        old = table[v]
        new = table[v] = plain(_value(family, v, indptr, inputs).flat())
        return old is None or new.flat() != old.flat()

    solve_cycle(scc, indptr, inputs, reset, step)
