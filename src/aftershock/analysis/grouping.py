"""Per-service sets read as the service's own members plus a group shared with other services.

A business service's set (its single points of failure, what it reaches) is a NodeSet: its own
ids and shared parts (graph/sharing.py). The union of the shared parts is the service's
*group*; services built on the same parts (every service entering one ring, every front over
one hub) have the same group, written out once here and named once in the results (a
``Run``). So the check costs the size of the model plus the size of each distinct group, not
the number of services times the size of their sets.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from aftershock.analysis.compact import Names, Order, Run, members
from aftershock.graph.core import Graph
from aftershock.graph.sharing import SMALL, NodeSet

Select = Callable[[int], bool]
EMPTY: frozenset[int] = frozenset()


def _everything(node: int) -> bool:
    return True


Split = tuple[frozenset[int], frozenset[int]]
"""A set as (own members, group): disjoint, the group shared with other sets."""


class Lister:
    """Splits NodeSets into own members and groups, and names them, writing each group out
    once (memoized by the parts it is made of)."""

    def __init__(self, graph: Graph, label: Callable[[int], str] | None = None) -> None:
        self.graph = graph
        self.label = label or (lambda v: graph.names[v])
        self._groups: dict[tuple[int, ...], tuple[tuple[NodeSet, ...], frozenset[int]]] = {}
        self._rests: dict[tuple[int, int], tuple[frozenset[int], frozenset[int], frozenset[int]]]
        self._rests = {}
        self._picked: dict[tuple[int, str], tuple[frozenset[int], frozenset[int]]] = {}
        self._runs: dict[tuple[int, str, str], tuple[frozenset[int], Run]] = {}

    def split(self, s: NodeSet) -> Split:
        """Return ``s`` as (own members, group): the group is the union of its shared parts,
        the own members are the rest."""
        if not s.parts:
            # a heavy set is shared as a whole (a cycle's members share one set)
            return (EMPTY, s.own) if s.weight >= SMALL else (s.own, EMPTY)
        key = tuple(id(p) for p in s.parts)
        hit = self._groups.get(key)
        if hit is None:
            group = frozenset(NodeSet(EMPTY, s.parts).collect())
            hit = self._groups[key] = (s.parts, group)  # the parts stay alive with their ids
        return s.own - hit[1], hit[1]

    def difference(self, a: NodeSet, b: NodeSet) -> Split:
        """Return the members of ``a`` not in ``b``, split the same way."""
        own_a, group_a = self.split(a)
        own_b, group_b = self.split(b)
        mine = frozenset(v for v in own_a if v not in own_b and v not in group_b)
        if not group_a:
            return mine, EMPTY
        key = (id(group_a), id(group_b))
        hit = self._rests.get(key)
        if hit is None or hit[0] is not group_a or hit[1] is not group_b:
            hit = self._rests[key] = (group_a, group_b, group_a - group_b)
        rest = hit[2]
        if rest & own_b:  # rare: the group's remainder is not shared as it stands
            return mine | (rest - own_b), EMPTY
        return mine, rest

    def pick(self, group: frozenset[int], select: Select, label: str) -> frozenset[int]:
        """Return the members of ``group`` that ``select`` keeps (once per group and label)."""
        if select is _everything or not group:
            return group
        key = (id(group), label)
        hit = self._picked.get(key)
        if hit is None or hit[0] is not group:
            hit = self._picked[key] = (group, frozenset(v for v in group if select(v)))
        return hit[1]

    def ids(self, split: Split, select: Select = _everything, label: str = "") -> frozenset[int]:
        """Return the members that ``select`` keeps; meant for small selections."""
        own, group = split
        return frozenset(v for v in own if select(v)) | self.pick(group, select, label)

    def run(self, group: frozenset[int], order: Order, label: str = "", key: str = "") -> Run:
        """Return the names of ``group`` in ``order`` (once per group, selection and order)."""
        memo = (id(group), label, key)
        hit = self._runs.get(memo)
        if hit is None or hit[0] is not group:
            names = sorted((self.label(v) for v in group), key=order)
            hit = self._runs[memo] = (group, Run(names))
        return hit[1]

    def names(
        self,
        split: Split,
        *,
        select: Select = _everything,
        label: str = "",
        order: Order = None,
        key: str = "",
    ) -> Names:
        """Return the names of the members ``select`` keeps, in ``order``, the group's shared
        with every other set that has it."""
        own, group = split
        picked = self.pick(group, select, label)
        mine = sorted((self.label(v) for v in own if select(v)), key=order)
        return Names(mine, self.run(picked, order, label, key) if picked else None, order)

    def holders(
        self, splits: Mapping[str, Split], select: Select = _everything, label: str = ""
    ) -> dict[int, Names]:
        """Return, per member ``select`` keeps, the keys of ``splits`` whose set holds it
        (sorted), sharing one run of keys per group."""
        direct: dict[int, list[str]] = {}
        sharing: dict[int, list[str]] = {}
        groups: dict[int, frozenset[int]] = {}
        for name, (own, group) in splits.items():
            for v in own:
                if select(v):
                    direct.setdefault(v, []).append(name)
            if group:
                sharing.setdefault(id(group), []).append(name)
                groups[id(group)] = group
        runs = {gid: Run(sorted(names)) for gid, names in sharing.items()}
        within: dict[int, list[int]] = {}
        for gid, group in groups.items():
            for v in self.pick(group, select, label):
                within.setdefault(v, []).append(gid)
        out: dict[int, Names] = {}
        for v in direct.keys() | within.keys():
            mine = direct.get(v, [])
            held = sorted((runs[g] for g in within.get(v, ())), key=len, reverse=True)
            if not held:
                out[v] = Names(sorted(mine))
                continue
            rest = {n for run in held[1:] for n in run} | set(mine)
            out[v] = Names(sorted(rest.difference(members(held[0]))), held[0])
        return out


def total(names: Names, value: Callable[[str], float], memo: dict[int, Any]) -> float:
    """Return the sum of ``value`` over ``names``, each shared run summed once (``memo``)."""
    own = sum((value(n) for n in names.own), 0.0)
    if names.shared is None:
        return own
    hit = memo.get(id(names.shared))
    if hit is None or hit[0] is not names.shared:
        hit = memo[id(names.shared)] = (names.shared, sum((value(n) for n in names.shared), 0.0))
    return float(hit[1]) + own


def first(names: Sequence[str], limit: int) -> tuple[list[str], int]:
    """Return the first ``limit`` names and how many more there are."""
    shown = list(itertools.islice(names, limit))
    return shown, len(names) - len(shown)
