"""The paths that explain a dependency: shortest paths to hidden targets and causal chains.

A hidden dependency is explained by the first shortest path to it, following each node's inputs
in order: the path a breadth-first search from the business service finds (Moore 1959), which is
also the path that, from every node, steps to its first input one hop closer to the target.
The first reading costs a search per service over everything it reaches; the second a search
per target (backwards from it) and then one step per node, shared by every service. Both give
the same path, so ``Routes`` searches per service while that stays within a budget of a few
times the size of the graph, and per target after that: a portfolio of small apps costs what
its apps reach, and 2,000 services entering one ring cost a search per hidden target.

A hidden single point of failure is explained by the causal chain of its failure: each node
back to the input that raised it, in one propagation per target (graph/propagate.py). Paths
towards the same target share their tails (``Path``), so n services whose paths run through a
ring of n components hold n small paths, not n² names.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection

from aftershock.analysis.compact import Path
from aftershock.graph.core import Graph, NodeKind
from aftershock.graph.propagate import Propagation, arrays, propagate

_GATE = int(NodeKind.GATE)
BUDGET = 4
"""Nodes and edges searched per service, in total, as a multiple of the graph's size."""


class Routes:
    """Paths from business services to targets in one graph, sharing their tails."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        view = arrays(graph)
        self.indptr, self.inputs, self.kind = view.indptr, view.inputs, view.kind
        self.out_indptr, self.outputs = view.out_indptr, view.outputs
        self.budget = BUDGET * (graph.size + len(self.inputs))
        self._distance: dict[int, dict[int, int]] = {}
        self._toward: dict[int, dict[int, Path | None]] = {}
        self._propagations: dict[int, Propagation] = {}
        self._chains: dict[int, dict[int, Path | None]] = {}

    def label(self, node: int) -> str:
        """Return the name a user knows ``node`` by."""
        return self.graph.names[node].removeprefix("bs:")

    # -- shortest paths ------------------------------------------------------------------------
    def shortest(self, start: int, targets: Collection[int]) -> dict[int, Path]:
        """Return the first shortest path from ``start`` to each of ``targets`` (all reached)."""
        if not targets:
            return {}
        if self.budget > 0:
            found = self._search(start, targets)
            if found is not None:
                return found
        return {t: self._walk(start, t) for t in targets}

    def _search(self, start: int, targets: Collection[int]) -> dict[int, Path] | None:
        """Breadth-first from ``start`` until every target is found; None when the budget
        runs out first (it is then spent for good)."""
        indptr, inputs = self.indptr, self.inputs
        parent = {start: -1}
        queue = deque([start])
        left = set(targets) - {start}
        budget = self.budget
        while queue and left:
            node = queue.popleft()
            budget -= 1 + indptr[node + 1] - indptr[node]
            if budget <= 0:
                self.budget = 0
                return None
            for e in range(indptr[node], indptr[node + 1]):
                nxt = inputs[e]
                if nxt not in parent:
                    parent[nxt] = node
                    queue.append(nxt)
                    left.discard(nxt)
        self.budget = budget
        out = {}
        for t in targets:
            path = [t]
            while parent[path[-1]] >= 0:
                path.append(parent[path[-1]])
            out[t] = Path(self.label(v) for v in reversed(path) if self.kind[v] != _GATE)
        return out

    def _distances(self, target: int) -> dict[int, int]:
        """Return the number of hops from every node that reaches ``target`` to it."""
        found = self._distance.get(target)
        if found is None:
            found = {target: 0}
            queue = deque([target])
            out_indptr, outputs = self.out_indptr, self.outputs
            while queue:
                node = queue.popleft()
                step = found[node] + 1
                for pos in range(out_indptr[node], out_indptr[node + 1]):
                    user = outputs[pos]
                    if user not in found:
                        found[user] = step
                        queue.append(user)
            self._distance[target] = found
        return found

    def _walk(self, start: int, target: int) -> Path:
        """Return the path from ``start`` stepping to the first input one hop closer."""
        distance = self._distances(target)
        memo = self._toward.setdefault(target, {})
        indptr, inputs = self.indptr, self.inputs
        walked: list[int] = []
        node, tail = start, None
        while True:
            if node in memo:
                tail = memo[node]
                break
            walked.append(node)
            if node == target:
                break
            closer = distance[node] - 1
            for e in range(indptr[node], indptr[node + 1]):
                if distance.get(inputs[e]) == closer:
                    node = inputs[e]
                    break
        return self._prepend(walked, tail, memo) or Path(())

    def _prepend(
        self, walked: list[int], tail: Path | None, memo: dict[int, Path | None] | None
    ) -> Path | None:
        """Return ``walked`` (gates left out) followed by ``tail``, remembering in ``memo``
        the path from each node of the walk."""
        for node in reversed(walked):
            if self.kind[node] != _GATE:
                tail = Path((self.label(node),), tail)
            if memo is not None:
                memo[node] = tail
        return tail

    # -- causal chains ------------------------------------------------------------------------
    def causal(self, target: int, node: int) -> Path:
        """Return the causal chain from ``node`` back to the failure of ``target`` alone: each
        node and the input that raised it, as ``Propagation.chain`` gives it."""
        found = self._propagations.get(target)
        if found is None:
            found = self._propagations[target] = propagate(self.graph, [target])
        cause = found.cause
        memo = self._chains.setdefault(target, {})
        walked: list[int] = []
        position: dict[int, int] = {}
        current, tail = node, None
        while True:
            if current in memo:
                tail = memo[current]
                break
            if current in position:
                # causes loop back: the chain stops before it repeats, so the loop's nodes
                # have chains that depend on where they start and are not remembered
                loop = position[current]
                tail = self._prepend(walked[loop:], None, None)
                walked = walked[:loop]
                break
            position[current] = len(walked)
            walked.append(current)
            if cause[current] < 0:
                break
            current = cause[current]
        return self._prepend(walked, tail, memo) or Path(())
