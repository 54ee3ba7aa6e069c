"""Node states at one instant: the least fixpoint of the gate equations, kept incrementally.

Each node carries two states. ``S`` is its real state. ``R`` is the state its clients see
before their cached addresses expire: a DNS plane inside a component's placement (a
*resolution* edge) counts as up for ``R``, so ``R <= S``. A client edge shows the dependent
``max(R(src), S(src) if S has held for the edge's ttl)``, then applies SOFT (down reads as
degraded) or FALLBACK (down reads as degraded until it has lasted ``holds``).

Every view is monotone in the current states, so each instant has a least fixpoint. Worsening
is a worklist that only raises states (counters of bad and down inputs per node make a change
O(1) per edge). Improvement uses delete-and-rederive (Gupta, Mumick and Subrahmanian, "Maintaining
views incrementally", SIGMOD 1993): every non-UP node downstream of an improvement is reset to
UP and re-derived from its inputs, so a dependency cycle recovers when what held it down does.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from aftershock.graph.core import EdgeKind, Graph, State
from aftershock.model.duration import format_duration

UP, DEG, DOWN = int(State.UP), int(State.DEGRADED), int(State.DOWN)
_SOFT, _FALLBACK = int(EdgeKind.SOFT), int(EdgeKind.FALLBACK)
INF = math.inf

Special = Callable[[], tuple[int, int]]
"""A node whose value is computed outside the gate equations (an active-passive placement)."""


class Settler:
    """Holds every node's state and settles it after events; see the module docstring."""

    def __init__(self, graph: Graph, *, naive: bool = False) -> None:
        """``naive`` re-derives every node at every instant: the benchmark's baseline."""
        n, m = graph.size, len(graph.inputs)
        self.naive = naive
        self.graph = graph
        self.inputs: list[int] = graph.inputs.tolist()
        self.indptr: list[int] = graph.indptr.tolist()
        counts = np.diff(graph.indptr)
        self.owner: list[int] = np.repeat(np.arange(n, dtype=np.int32), counts).tolist()
        self.slack = [self.indptr[i + 1] - self.indptr[i] - int(k) for i, k in enumerate(graph.k)]
        self.out_indptr: list[int] = graph.out_indptr.tolist()
        self.outputs: list[int] = graph.outputs.tolist()
        self.out_edges: list[int] = graph.out_edges.tolist()
        self.ekind: list[int] = graph.edge_kind.tolist()
        self.holds: list[float] = graph.edge_delay.tolist()
        self.ttl: list[float] = graph.edge_ttl.tolist()
        self.client: list[bool] = graph.edge_client.tolist()
        self.resolution: list[bool] = graph.edge_resolution.tolist()
        self.S, self.R, self.F = [UP] * n, [UP] * n, [UP] * n
        self.logged = [UP] * n
        self.last_change = [-INF] * n
        self.bad_s, self.down_s, self.bad_r, self.down_r = [0] * n, [0] * n, [0] * n, [0] * n
        self.view_s, self.view_r = [UP] * m, [UP] * m
        self.forced: dict[int, list[int]] = {}
        self.since_deg, self.since_down = [INF] * n, [INF] * n
        self.fb_base: dict[int, int] = {}
        self.fb_since: dict[int, float] = {}
        self.special: dict[int, Special] = {}
        self.watchers: dict[int, list[int]] = {}
        self.now = 0.0
        self._seeds: set[int] = set()
        self._unsupported: set[int] = set()
        """Nodes that lost some support (a fault ended, an input improved): re-derived."""
        self.fault_moved: set[int] = set()
        """Nodes whose faults started or ended in the instant being settled."""
        self._dirty: set[int] = set()
        self._fb_dirty: set[int] = set()
        self._pre: dict[int, tuple[int, int]] = {}
        self._expiries: list[tuple[int, float]] = []
        self._holds: list[tuple[int, float]] = []
        self._client_edges: dict[int, dict[float, list[int]]] = {}

    # -- what events do ------------------------------------------------------------------
    def force(self, node: int, level: int, step: int) -> None:
        """Add (step 1) or remove (step -1) a fault holding ``node`` at least at ``level``."""
        counts = self.forced.setdefault(node, [0, 0, 0])
        counts[level] += step
        self.F[node] = DOWN if counts[DOWN] else DEG if counts[DEG] else UP
        self.fault_moved.add(node)
        (self._seeds if step > 0 else self._unsupported).add(node)

    def mark(self, node: int) -> None:
        """Re-derive ``node`` at the next settle (its special value changed)."""
        self._unsupported.add(node)

    def refresh_clients(self, node: int, ttl: float) -> None:
        """Re-read the client edges out of ``node`` whose cached addresses last ``ttl``."""
        self._dirty.update(self._clients(node).get(ttl, ()))

    def refresh_edge(self, edge: int) -> None:
        """Re-read one edge (a fallback whose hold may have run out)."""
        self._dirty.add(edge)

    def take_expiries(self, now: float) -> list[tuple[int, float]]:
        """Return (node, ttl) pairs whose client caches expire at now + ttl, and forget them."""
        out, self._expiries = self._expiries, []
        return out

    def take_holds(self) -> list[tuple[int, float]]:
        """Return (fallback edge, holds) pairs whose fallback started now, and forget them."""
        out, self._holds = self._holds, []
        return out

    # -- views and values ----------------------------------------------------------------
    def base(self, e: int) -> int:
        """Return what a client edge shows before SOFT or FALLBACK apply."""
        src = self.inputs[e]
        s = self.S[src]
        ttl = self.ttl[e]
        if ttl <= 0:
            return s
        seen = self.R[src]
        if seen < s:
            pre = self._pre.get(src)
            held = min(s, pre[0]) if pre is not None else s
            now = self.now
            if held == DOWN and self.since_down[src] + ttl <= now:
                return DOWN
            if held >= DEG and seen < DEG and self.since_deg[src] + ttl <= now:
                return DEG
        return seen

    def view(self, e: int) -> tuple[int, int]:
        """Return the (S, R) contribution of edge ``e`` to its node."""
        src = self.inputs[e]
        if not self.client[e]:
            if self.resolution[e]:
                return self.S[src], UP
            return self.S[src], self.R[src]
        v = self.base(e)
        kind = self.ekind[e]
        if kind == _SOFT and v == DOWN:
            v = DEG
        elif kind == _FALLBACK and v == DOWN:
            holds = self.holds[e]
            if holds > 0 and not (
                self.fb_base.get(e) == DOWN and self.fb_since[e] + holds <= self.now
            ):
                v = DEG
        return v, v

    def value(self, node: int) -> tuple[int, int]:
        """Return the (S, R) the node's equation gives from its inputs' current views."""
        special = self.special.get(node)
        if special is not None:
            s, r = special()
        else:
            slack = self.slack[node]
            s = DOWN if self.down_s[node] > slack else DEG if self.bad_s[node] > slack else UP
            r = DOWN if self.down_r[node] > slack else DEG if self.bad_r[node] > slack else UP
        f = self.F[node]
        return (s if s > f else f), (r if r > f else f)

    def _update(self, e: int) -> int:
        """Recount edge ``e``'s view into its node; return -1 if it fell, 1 if it rose, or 0."""
        if self.ekind[e] == _FALLBACK:
            self._fb_dirty.add(e)
        vs, vr = self.view(e)
        os_, or_ = self.view_s[e], self.view_r[e]
        if vs == os_ and vr == or_:
            return 0
        t = self.owner[e]
        if vs != os_:
            self.bad_s[t] += (vs >= DEG) - (os_ >= DEG)
            self.down_s[t] += (vs == DOWN) - (os_ == DOWN)
            self.view_s[e] = vs
        if vr != or_:
            self.bad_r[t] += (vr >= DEG) - (or_ >= DEG)
            self.down_r[t] += (vr == DOWN) - (or_ == DOWN)
            self.view_r[e] = vr
        return -1 if vs < os_ or vr < or_ else 1

    def _set(self, node: int, s: int, r: int, work: list[int]) -> None:
        if node not in self._pre:
            self._pre[node] = (self.S[node], self.R[node])
        self.S[node], self.R[node] = s, r
        out_edges, owner = self.out_edges, self.owner
        for pos in range(self.out_indptr[node], self.out_indptr[node + 1]):
            e = out_edges[pos]
            if self._update(e):
                work.append(owner[e])
        work.extend(self.watchers.get(node, ()))

    # -- settling ------------------------------------------------------------------------
    def settle(self, now: float) -> list[int]:
        """Bring every state to the least fixpoint at ``now``; return nodes whose S changed."""
        self.now = now
        candidates, unsupported = self._seeds, self._unsupported
        self._seeds, self._unsupported = set(), set()
        if self.naive:
            unsupported.update(range(self.graph.size))
        for e in sorted(self._dirty):
            moved = self._update(e)
            if moved:
                (unsupported if moved < 0 else candidates).add(self.owner[e])
        self._dirty.clear()
        work: list[int] = []
        for node in sorted(candidates - unsupported):
            s, r = self.value(node)
            if s < self.S[node] or r < self.R[node]:
                unsupported.add(node)
            elif s != self.S[node] or r != self.R[node]:
                work.append(node)
        lower = sorted(n for n in unsupported if self.S[n] != UP or self.R[n] != UP)
        work.extend(n for n in sorted(unsupported) if self.S[n] == UP and self.R[n] == UP)
        if lower:
            work.extend(self._reset(lower))
        value, S, R = self.value, self.S, self.R
        while work:
            node = work.pop()
            s, r = value(node)
            cs, cr = S[node], R[node]
            if s > cs or r > cr:
                self._set(node, s if s > cs else cs, r if r > cr else cr, work)
        return self._finish(now)

    def _reset(self, lower: list[int]) -> list[int]:
        """Reset every non-UP node downstream of ``lower`` to UP; return them to re-derive."""
        S, outputs, watchers = self.S, self.outputs, self.watchers
        found = list(lower)
        seen = set(lower)
        i = 0
        while i < len(found):
            node = found[i]
            i += 1
            for pos in range(self.out_indptr[node], self.out_indptr[node + 1]):
                t = outputs[pos]
                if S[t] != UP and t not in seen:
                    seen.add(t)
                    found.append(t)
            for t in watchers.get(node, ()):
                if S[t] != UP and t not in seen:
                    seen.add(t)
                    found.append(t)
        for node in found:
            if node not in self._pre:
                self._pre[node] = (S[node], self.R[node])
            S[node] = self.R[node] = UP
        for node in found:
            for pos in range(self.out_indptr[node], self.out_indptr[node + 1]):
                self._update(self.out_edges[pos])
        return found[::-1]

    def _finish(self, now: float) -> list[int]:
        changed = sorted(n for n, (s, _) in self._pre.items() if self.S[n] != s)
        for node in changed:
            old, new = self._pre[node][0], self.S[node]
            self.last_change[node] = now
            if new >= DEG > old:
                self.since_deg[node] = now
            elif new < DEG:
                self.since_deg[node] = INF
            if new == DOWN:
                if old != DOWN:
                    self.since_down[node] = now
            else:
                self.since_down[node] = INF
            if new > old:
                self._expiries.extend((node, ttl) for ttl in self._ttls(node))
        self._pre.clear()
        for e in sorted(self._fb_dirty):
            base = self.base(e)
            if base == DOWN and self.fb_base.get(e) != DOWN:
                self.fb_since[e] = now
                if self.holds[e] > 0:
                    self._holds.append((e, self.holds[e]))
            self.fb_base[e] = base
        self._fb_dirty.clear()
        return changed

    def _clients(self, node: int) -> dict[float, list[int]]:
        """Return ``node``'s client out-edges with a positive TTL, grouped by TTL."""
        found = self._client_edges.get(node)
        if found is None:
            found = {}
            for e in self.out_edges[self.out_indptr[node] : self.out_indptr[node + 1]]:
                if self.client[e] and self.ttl[e] > 0:
                    found.setdefault(self.ttl[e], []).append(e)
            self._client_edges[node] = found
        return found

    def _ttls(self, node: int) -> list[float]:
        return sorted(self._clients(node))

    # -- explanations --------------------------------------------------------------------
    def cause_of(
        self, node: int, now: float, special_note: Callable[[int, int], tuple[int, str | None]]
    ) -> tuple[int, str | None]:
        """Return (input node or -1 for a fault, note) for ``node``'s change at ``now``."""
        s, old = self.S[node], self.logged[node]
        if self.F[node] >= s > UP:
            return -1, None
        if s < old and node in self.fault_moved and self.F[node] < old:
            return -1, "its fault ended"
        if node in self.special:
            return special_note(node, s)
        chosen = -1
        fallback = -1
        view, inputs, last = self.view_s, self.inputs, self.last_change
        for e in range(self.indptr[node], self.indptr[node + 1]):
            if view[e] >= s if s > old else view[e] <= s:
                if last[inputs[e]] == now:
                    chosen = e
                    break
                if fallback < 0:
                    fallback = e
        chosen = chosen if chosen >= 0 else fallback
        if chosen < 0 and self.indptr[node] < self.indptr[node + 1]:
            chosen = self.indptr[node]
        if chosen < 0:
            return -1, None
        return inputs[chosen], self._edge_note(chosen, s) if s > old else None

    def _edge_note(self, e: int, s: int) -> str | None:
        src = self.inputs[e]
        kind = self.ekind[e]
        if self.resolution[e]:
            return "its DNS name no longer resolves"
        if not self.client[e]:
            return None
        if kind == _FALLBACK and self.S[src] == DOWN:
            holds = format_duration(self.holds[e])
            if s == DOWN:
                return f"its fallback ran out after {holds}"
            return f"it runs on its fallback, which holds {holds}"
        if kind == _SOFT:
            return "a soft dependency"
        if self.R[src] < self.view_s[e] and self.ttl[e] > 0:
            return f"the cached address expired after {format_duration(self.ttl[e])}"
        return None
