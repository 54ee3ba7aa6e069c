"""Failover in time: active-passive components move traffic after detect + switch + DNS TTL.

Each active-passive component serves from one *active* deploy entry. When that site goes DOWN,
detection takes ``detect``; then the first other entry (in deploy order, so the primary comes
back first) whose site is not DOWN and whose requirements are not DOWN (``failover.uses``, and
its region's compute control plane when ``needs_new_capacity``) is switched to, taking
``switch``; clients follow after ``dns_ttl``. Until then the component reads its active site,
so it is DOWN. A blocked failover waits and retries whenever a site or requirement changes; the
primary coming back before the switch starts cancels it. A completed failover stays put: there
is no automatic failback. Moving off a copy that replicates asynchronously loses ``lag`` of
writes, as does losing the primary copy of an active-active datastore while others serve.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aftershock.graph.core import Graph, Placement
from aftershock.model.duration import format_duration as fmt
from aftershock.sim.run import Happening
from aftershock.sim.settle import DOWN, UP, Settler

Schedule = Callable[[float, Callable[[float], None]], None]

IDLE, DETECT, WAIT, SWITCH, DNS = range(5)


@dataclass
class _Machine:
    plan: Placement
    active: int = 0
    phase: int = IDLE
    target: int = -1
    token: int = 0
    blocked_by: str | None = None
    activated_at: float = -1.0


class Failovers:
    """The failover state machines and replica bookkeeping of one simulation."""

    def __init__(
        self, graph: Graph, settler: Settler, schedule: Schedule, out: list[Happening]
    ) -> None:
        self.graph = graph
        self.settler = settler
        self.schedule = schedule
        self.out = out
        self.machines: dict[int, _Machine] = {}
        self.copies: dict[int, list[Placement]] = {}
        self.watch: dict[int, list[int]] = {}
        for plan in graph.placements:
            if plan.failover is not None:
                machine = _Machine(plan)
                self.machines[plan.node] = machine
                settler.special[plan.node] = self._value(machine)
                for node in {*plan.sites, *plan.replicas, *(n for ns in plan.needs for n in ns)}:
                    self.watch.setdefault(node, []).append(plan.node)
                    settler.watchers.setdefault(node, []).append(plan.node)
            elif plan.lag and plan.sites:
                self.copies.setdefault(plan.sites[0], []).append(plan)

    def _value(self, machine: _Machine) -> Callable[[], tuple[int, int]]:
        S, R = self.settler.S, self.settler.R
        plan = machine.plan

        def value() -> tuple[int, int]:
            site = plan.sites[machine.active]
            s, r = S[site], R[site]
            for replica in plan.replicas:
                s, r = min(s, S[replica]), min(r, R[replica])
            return s, r

        return value

    def _name(self, plan: Placement) -> str:
        return self.graph.names[plan.component]

    def _say(self, now: float, plan: Placement, kind: str, text: str, lost: float = 0.0) -> None:
        self.out.append(Happening(now, self._name(plan), kind, text, lost))

    # -- after each settle ----------------------------------------------------------------
    def after_settle(self, now: float, changed: list[int]) -> None:
        """Advance every machine watching a node whose state changed."""
        S = self.settler.S
        woken: set[int] = set()
        for node in changed:
            woken.update(self.watch.get(node, ()))
            for plan in self.copies.get(node, ()):
                if S[node] == DOWN and S[plan.node] != DOWN:
                    lag = plan.lag or 0.0
                    self._say(
                        now,
                        plan,
                        "data-loss",
                        f"{self._name(plan)} lost its primary copy in {plan.places[0]}; up to "
                        f"{fmt(lag)} of writes not yet replicated are lost",
                        lag,
                    )
        for placement in sorted(woken):
            self._step(self.machines[placement], now)

    def _step(self, m: _Machine, now: float) -> None:
        down = self.settler.S[m.plan.sites[m.active]] == DOWN
        if m.phase == IDLE and down:
            m.phase, m.token = DETECT, m.token + 1
            detect = m.plan.failover.detect if m.plan.failover else 0.0
            self._say(
                now,
                m.plan,
                "failover-detect",
                f"{self._name(m.plan)} lost {m.plan.places[m.active]}; "
                f"detecting takes {fmt(detect)}",
            )
            self.schedule(now + detect, self._timer(m, m.token))
        elif m.phase in (DETECT, WAIT) and not down:
            m.phase, m.token, m.blocked_by = IDLE, m.token + 1, None
            self._say(
                now,
                m.plan,
                "failover-cancelled",
                f"{m.plan.places[m.active]} recovered before {self._name(m.plan)} failed over",
            )
        elif m.phase == WAIT:
            self._try_switch(m, now)

    def _timer(self, m: _Machine, token: int) -> Callable[[float], None]:
        def fire(now: float) -> None:
            if token != m.token:
                return
            failover = m.plan.failover
            assert failover is not None
            if m.phase == DETECT:
                m.phase = WAIT
                self._try_switch(m, now)
            elif m.phase == SWITCH:
                if self._blocker(m, m.target) is not None:
                    m.phase = WAIT
                    self._try_switch(m, now)
                    return
                m.phase, m.token = DNS, m.token + 1
                self.schedule(now + failover.dns_ttl, self._timer(m, m.token))
            elif m.phase == DNS:
                self._activate(m, now)

        return fire

    def _blocker(self, m: _Machine, i: int) -> str | None:
        """Return why entry ``i`` cannot take traffic now, or None when it can."""
        S, names = self.settler.S, self.graph.names
        if S[m.plan.sites[i]] == DOWN:
            return f"{m.plan.places[i]} is DOWN"
        loop = m.plan.loops[i] if i < len(m.plan.loops) else ()
        if loop:
            return f"it needs {loop[0]}, which needs {self._name(m.plan)} itself"
        for need in m.plan.needs[i] if i < len(m.plan.needs) else ():
            if S[need] == DOWN:
                return f"it needs {names[need]}, which is DOWN"
        return None

    def _try_switch(self, m: _Machine, now: float) -> None:
        failover = m.plan.failover
        assert failover is not None
        reasons = []
        for i in range(len(m.plan.sites)):
            if i == m.active:
                continue
            why = self._blocker(m, i)
            if why is None:
                m.phase, m.target, m.token, m.blocked_by = SWITCH, i, m.token + 1, None
                self._say(
                    now,
                    m.plan,
                    "failover-switch",
                    f"{self._name(m.plan)} switching to {m.plan.places[i]} "
                    f"({fmt(failover.switch)}, then clients follow within DNS TTL "
                    f"{fmt(failover.dns_ttl)})",
                )
                self.schedule(now + failover.switch, self._timer(m, m.token))
                return
            reasons.append(f"{m.plan.places[i]}: {why}")
        blocked = "; ".join(reasons) or "no other deploy entry"
        if blocked != m.blocked_by:
            m.blocked_by = blocked
            self._say(
                now,
                m.plan,
                "failover-blocked",
                f"{self._name(m.plan)} cannot fail over ({blocked})",
            )

    def _activate(self, m: _Machine, now: float) -> None:
        plan = m.plan
        old, m.active, m.phase, m.token = m.active, m.target, IDLE, m.token + 1
        m.activated_at = now
        self.settler.mark(plan.node)
        lost = plan.lag or 0.0
        text = f"{self._name(plan)} now serves from {plan.places[m.active]}"
        if lost:
            text += f"; up to {fmt(lost)} of writes made in {plan.places[old]} are lost"
        self._say(now, plan, "failover-done", text, lost)

    def note_for(self, node: int, state: int) -> tuple[int, str | None]:
        """Return (cause, note) for a change of an active-passive placement node."""
        m = self.machines[node]
        failover = m.plan.failover
        assert failover is not None
        site = m.plan.sites[m.active]
        if state == UP and m.activated_at == self.settler.now:
            return site, (
                f"failed over to {m.plan.places[m.active]} after detect {fmt(failover.detect)} "
                f"+ switch {fmt(failover.switch)} + DNS TTL {fmt(failover.dns_ttl)}"
            )
        return site, None
