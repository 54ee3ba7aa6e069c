"""Discrete-event outage simulation over a compiled Graph.

Events sit in a heap of ``(time, priority, sequence, action)``, as in SimPy's scheduler; the
sequence number breaks ties so a run is deterministic. All events due at one instant are applied
together, then node states are *settled* to the least fixpoint of the gate equations given the
history so far (see sim/settle.py), then the consequences are scheduled: a client's cached
address expiring (``dns_ttl``), a fallback running out (``holds``), a failover's detection,
switch and DNS change (sim/failover.py).

Returns a Run: every node's state changes with their causes, failover and data-loss events.
Reading the Run into per-service outcomes is sim/outcome.py's job.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable

from aftershock.allocation import bulk_allocation
from aftershock.errors import Problem, TargetError
from aftershock.graph.core import Graph
from aftershock.sim.failover import Failovers
from aftershock.sim.faults import Scenario
from aftershock.sim.run import Change, Run
from aftershock.sim.settle import Settler

# priorities within one instant: faults first, then timers
_FAULT, _TIMER = 0, 1


def simulate(graph: Graph, scenario: Scenario, *, naive: bool = False) -> Run:
    """Return the Run of ``scenario`` on ``graph``.

    ``naive`` re-derives every node at every instant instead of only what changed (same
    result, slower; the benchmark's baseline).

    Raises TargetError when a fault names something that is neither in the graph nor a valid
    catalog or model target (callers validate paths first for located messages).
    """
    with bulk_allocation():  # a Change per state change: the collector would rescan the model
        return _Simulation(graph, scenario, naive).run()


class _Simulation:
    def __init__(self, graph: Graph, scenario: Scenario, naive: bool) -> None:
        self.graph = graph
        self.scenario = scenario
        self.horizon = scenario.horizon
        self.heap: list[tuple[float, int, int, Callable[[float], None]]] = []
        self.seq = 0
        self.result = Run(graph=graph, scenario=scenario)
        self.settler = Settler(graph, naive=naive)
        self.failovers = Failovers(graph, self.settler, self.schedule, self.result.happenings)

    def schedule(
        self, time: float, action: Callable[[float], None], priority: int = _TIMER
    ) -> None:
        """Run ``action(now)`` at ``time`` (ignored past the horizon)."""
        if time < self.horizon:
            self.seq += 1
            heapq.heappush(self.heap, (time, priority, self.seq, action))

    def run(self) -> Run:
        self._plan_faults()
        settler, heap = self.settler, self.heap
        while heap:
            now = heap[0][0]
            while heap and heap[0][0] == now:
                heapq.heappop(heap)[3](now)
            changed = settler.settle(now)
            self._record(now, changed)
            settler.fault_moved.clear()
            self.failovers.after_settle(now, changed)
        return self.result

    def _plan_faults(self) -> None:
        index = self.graph.index
        for target in sorted(self.scenario.recorded):
            if target in index:
                self.settler.special[index[target]] = _as_recorded
        for fault in self.scenario.faults:
            node = index.get(fault.target)
            if node is None:
                if "/" not in fault.target and fault.target not in self.graph.model.components:
                    raise TargetError(Problem(f"unknown failure target {fault.target!r}"))
                self.result.untouched.append(fault)
                continue
            level = int(fault.effect)
            self.schedule(fault.start, self._fault(node, level, +1), _FAULT)
            if fault.end is not None:
                self.schedule(fault.end, self._fault(node, level, -1), _FAULT)

    def _fault(self, node: int, level: int, step: int) -> Callable[[float], None]:
        def apply(now: float) -> None:
            self.settler.force(node, level, step)

        return apply

    def _record(self, now: float, changed: list[int]) -> None:
        settler = self.settler
        changes = self.result.changes
        for node in changed:
            if settler.S[node] == settler.logged[node]:
                continue
            cause, note = settler.cause_of(node, now, self.failovers.note_for)
            changes.setdefault(node, []).append(Change(now, settler.S[node], cause, note))
            settler.logged[node] = settler.S[node]
        for node, ttl in settler.take_expiries(now):
            self.schedule(now + ttl, self._refresh(node, ttl))
        for edge, holds in settler.take_holds():
            self.schedule(now + holds, self._hold(edge))

    def _refresh(self, node: int, ttl: float) -> Callable[[float], None]:
        def apply(now: float) -> None:
            self.settler.refresh_clients(node, ttl)

        return apply

    def _hold(self, edge: int) -> Callable[[float], None]:
        def apply(now: float) -> None:
            self.settler.refresh_edge(edge)

        return apply


def _as_recorded() -> tuple[int, int]:
    """A recorded target's value before its faults: UP (the faults alone raise it)."""
    return 0, 0
