"""Read a Run into what people plan with: timelines, impact, objectives met, data lost, cost."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from aftershock.allocation import bulk_allocation
from aftershock.graph.core import Graph, NodeKind, State
from aftershock.sim.causes import Causes, Chain, tell
from aftershock.sim.run import Change, Happening, Run

_DOWN, _DEG, _UP = int(State.DOWN), int(State.DEGRADED), int(State.UP)


@dataclass(frozen=True)
class Interval:
    """One stretch of a non-UP state, with why it began and why it ended.

    ``because`` and ``ended_because`` tell the causal chains in words (a long chain with its
    first and last steps, sim/causes.py); ``cause`` and ``ended_cause`` are the chains as
    data, each step shared with every chain through it.
    """

    state: str
    start_s: float
    end_s: float
    because: str
    ended_because: str | None
    """Why the state ended; None when it lasts to the horizon."""
    cause: Chain | None = None
    ended_cause: Chain | None = None


@dataclass(frozen=True)
class Timeline:
    """States of one node over the horizon (UP outside the intervals)."""

    name: str
    intervals: tuple[Interval, ...]
    horizon_s: float

    @property
    def down_s(self) -> float:
        """Total seconds DOWN."""
        return sum((i.end_s - i.start_s for i in self.intervals if i.state == "down"), 0.0)

    @property
    def degraded_s(self) -> float:
        """Total seconds DEGRADED."""
        return sum((i.end_s - i.start_s for i in self.intervals if i.state == "degraded"), 0.0)

    @property
    def first_impact_s(self) -> float | None:
        """When it first left UP; None if it never did."""
        return self.intervals[0].start_s if self.intervals else None

    @property
    def recovered_s(self) -> float | None:
        """When it was last back UP; None if never impacted or still impacted at the horizon."""
        if not self.intervals or self.intervals[-1].end_s >= self.horizon_s:
            return None
        return self.intervals[-1].end_s

    def longest_down(self) -> tuple[float, bool]:
        """Return the longest unbroken DOWN stretch and whether it runs to the horizon."""
        best, open_, run, start = 0.0, False, 0.0, None
        for interval in self.intervals:
            if interval.state == "down":
                start = interval.start_s if start is None or run == 0 else start
                run = interval.end_s - start
                if run >= best:
                    best, open_ = run, interval.end_s >= self.horizon_s
            else:
                run, start = 0.0, None
        return best, open_

    def to_dict(self, origin: datetime | None = None) -> dict[str, Any]:
        """Return the JSON shape of one timeline (absolute UTC times when ``origin`` is set)."""
        return {
            "down_s": self.down_s,
            "degraded_s": self.degraded_s,
            "first_impact_s": self.first_impact_s,
            "recovered_s": self.recovered_s,
            "timeline": [_interval(i, origin) for i in self.intervals],
        }


def _interval(interval: Interval, origin: datetime | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "state": interval.state,
        "start_s": interval.start_s,
        "end_s": interval.end_s,
    }
    if origin is not None:
        out["start"] = utc(origin, interval.start_s)
        out["end"] = utc(origin, interval.end_s)
    out["because"] = interval.because
    out["ended_because"] = interval.ended_because
    return out


def utc(origin: datetime, seconds: float) -> str:
    """Return ``origin + seconds`` as ISO 8601 UTC with ``Z``."""
    moment = origin + timedelta(seconds=seconds)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    return text + (f".{moment.microsecond // 1000:03d}Z" if moment.microsecond else "Z")


@dataclass(frozen=True)
class ServiceOutcome:
    """A business service through the scenario, against its objectives."""

    timeline: Timeline
    rto_s: float | None
    impact_tolerance_s: float | None
    rpo_s: float | None
    data_loss_s: float
    cost_per_hour: float
    degraded_cost: float

    @property
    def rto_met(self) -> bool | None:
        """Whether every DOWN stretch ended within the RTO; None without an RTO or when the
        longest stretch is still open at the horizon and shorter than the RTO."""
        return _within(self.timeline, self.rto_s)

    @property
    def impact_tolerance_met(self) -> bool | None:
        """Whether no DOWN stretch outlasted the impact tolerance (same rules as rto_met)."""
        return _within(self.timeline, self.impact_tolerance_s)

    @property
    def rpo_met(self) -> bool | None:
        """Whether the writes lost stay within the RPO; None without an RPO."""
        return None if self.rpo_s is None else self.data_loss_s <= self.rpo_s

    @property
    def cost(self) -> float:
        """``cost_per_hour`` for DOWN time plus its ``degraded_cost`` share for DEGRADED time."""
        down, degraded = self.timeline.down_s, self.timeline.degraded_s
        return self.cost_per_hour * (down + self.degraded_cost * degraded) / 3600.0

    def to_dict(self, origin: datetime | None = None) -> dict[str, Any]:
        """Return the JSON shape of one business service."""
        base = self.timeline.to_dict(origin)
        timeline = base.pop("timeline")
        return {
            **base,
            "rto_met": self.rto_met,
            "impact_tolerance_met": self.impact_tolerance_met,
            "data_loss_s": self.data_loss_s,
            "rpo_met": self.rpo_met,
            "cost": round(self.cost, 2),
            "timeline": timeline,
        }


def _within(timeline: Timeline, limit: float | None) -> bool | None:
    if limit is None:
        return None
    longest, still_open = timeline.longest_down()
    if longest > limit:
        return False
    return None if still_open else True


@dataclass(frozen=True)
class Outcome:
    """Everything a simulation tells, ready for reports."""

    model: str
    scenario: str | None
    horizon_s: float
    faults: tuple[dict[str, Any], ...]
    business: dict[str, ServiceOutcome]
    components: dict[str, Timeline]
    targets: dict[str, Timeline]
    """Catalog targets and vendors that changed state."""
    happenings: tuple[Happening, ...]
    origin: datetime | None = None
    incident: dict[str, Any] | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON document of a simulation or replay."""
        with bulk_allocation():  # a dict per interval: the collector would rescan the run
            return self._document()

    def _document(self) -> dict[str, Any]:
        origin = self.origin
        out: dict[str, Any] = {"model": self.model, "scenario": self.scenario}
        if self.incident is not None:
            out["incident"] = self.incident
        out["horizon_s"] = self.horizon_s
        out["faults"] = list(self.faults)
        out["business_services"] = {n: s.to_dict(origin) for n, s in self.business.items()}
        out["components"] = {n: t.to_dict(origin) for n, t in self.components.items()}
        out["targets"] = {n: t.to_dict(origin) for n, t in self.targets.items()}
        out["events"] = [
            {
                "at_s": h.time,
                **({"at": utc(origin, h.time)} if origin else {}),
                "component": h.component,
                "kind": h.kind,
                "text": h.text,
                **({"lost_s": h.lost_s} if h.kind in ("data-loss", "failover-done") else {}),
            }
            for h in self.happenings
        ]
        out["notes"] = list(self.notes)
        return out


def outcome(run: Run, *, origin: datetime | None = None) -> Outcome:
    """Return the Outcome of ``run``; ``origin`` is the UTC moment of time 0 (replays)."""
    with bulk_allocation():
        return _outcome(run, origin)


def _outcome(run: Run, origin: datetime | None) -> Outcome:
    graph = run.graph
    reader = _Reader(run, origin)
    model = graph.model
    losses = _losses(graph, run.happenings)
    business = {}
    for name, spec in model.business_services.items():
        node = graph.business_node(name)
        business[name] = ServiceOutcome(
            timeline=reader.timeline(node, name),
            rto_s=spec.rto,
            impact_tolerance_s=spec.impact_tolerance,
            rpo_s=spec.rpo,
            data_loss_s=losses.get(node, 0.0),
            cost_per_hour=spec.cost_per_hour,
            degraded_cost=spec.degraded_cost,
        )
    components = {name: reader.timeline(graph.index[name], name) for name in model.components}
    targets = {}
    for node in sorted(run.changes, key=lambda n: graph.names[n]):
        kind = graph.node_kind(node)
        if kind.is_target and kind is not NodeKind.COMPONENT:
            targets[graph.names[node]] = reader.timeline(node, graph.names[node])
    horizon = run.scenario.horizon
    untouched = set(run.untouched)  # one look-up per fault, not a scan of the list
    faults = tuple(
        {
            "target": f.target,
            "effect": f.effect.name.lower(),
            "start_s": f.start,
            "end_s": min(f.end, horizon) if f.end is not None else horizon,
            **({"start": utc(origin, f.start)} if origin else {}),
            **({"note": f.note} if f.note else {}),
            "in_model": f not in untouched,
        }
        for f in run.scenario.faults
    )
    notes = tuple(
        f"{f.target} is a valid target that this model does not depend on; its fault changes "
        "nothing here"
        for f in run.untouched
    )
    return Outcome(
        model=model.name,
        scenario=run.scenario.name,
        horizon_s=horizon,
        faults=faults,
        business=business,
        components=components,
        targets=targets,
        happenings=tuple(run.happenings),
        origin=origin,
        notes=tuple(dict.fromkeys(notes)),
    )


def _losses(graph: Graph, happenings: list[Happening]) -> dict[int, float]:
    """Return, per business node, the most writes lost in one event by what it depends on.

    Events are taken from the largest loss down, and a node reached once is not searched
    again: whatever it reaches was reached by a loss at least as large, so the whole pass
    costs one search of the graph however many events there are.
    """
    worst: dict[int, float] = {}
    out_indptr, outputs = graph.out_indptr.tolist(), graph.outputs.tolist()
    kinds = graph.kind.tolist()
    business = int(NodeKind.BUSINESS)
    seen: set[int] = set()
    events = sorted((e for e in happenings if e.lost_s > 0), key=lambda e: -e.lost_s)
    for event in events:
        start = graph.index[event.component]
        if start in seen:
            continue
        seen.add(start)
        queue = deque([start])
        while queue:
            node = queue.popleft()
            if kinds[node] == business:
                worst[node] = max(worst.get(node, 0.0), event.lost_s)
            for t in outputs[out_indptr[node] : out_indptr[node + 1]]:
                if t not in seen:
                    seen.add(t)
                    queue.append(t)
    return worst


class _Reader:
    """Turns change lists into timelines and causal explanations."""

    def __init__(self, run: Run, origin: datetime | None) -> None:
        self.run = run
        self.graph = run.graph
        self.origin = origin
        self.horizon = run.scenario.horizon
        self.causes = Causes(run)

    def timeline(self, node: int, name: str) -> Timeline:
        """Return the non-UP stretches of ``node``, merged where one state continues."""
        raw: list[Interval] = []
        state, start, because, cause = _UP, 0.0, "", None
        for change in self.run.changes.get(node, ()):
            at = min(change.time, self.horizon)
            if change.state == state:
                continue
            if state != _UP and at > start:
                chain = self.causes.chain(node, change)
                raw.append(
                    Interval(
                        _name(state),
                        float(start),
                        float(at),
                        because,
                        tell(chain, self.clock),
                        cause,
                        chain,
                    )
                )
            state, start = change.state, at
            cause = self.causes.chain(node, change) if state != _UP else None
            because = tell(cause, self.clock) if cause is not None else ""
        if state != _UP and self.horizon > start:
            raw.append(
                Interval(_name(state), float(start), self.horizon, because, None, cause, None)
            )
        merged: list[Interval] = []
        for interval in raw:
            last = merged[-1] if merged else None
            if last and last.state == interval.state and last.end_s == interval.start_s:
                merged[-1] = replace(
                    last,
                    end_s=interval.end_s,
                    ended_because=interval.ended_because,
                    ended_cause=interval.ended_cause,
                )
            else:
                merged.append(interval)
        return Timeline(name, tuple(merged), self.horizon)

    def explain(self, node: int, change: Change) -> str:
        """Return the causal chain of one change, in words."""
        return tell(self.causes.chain(node, change), self.clock)

    def clock(self, seconds: float) -> str:
        """Return a time for sentences: ``06:48Z`` in a replay, ``+1:05`` from the start."""
        if self.origin is not None:
            moment = self.origin + timedelta(seconds=seconds)
            same_day = moment.date() == self.origin.date()
            return (
                moment.strftime("%H:%M:%SZ" if moment.second else "%H:%MZ")
                if same_day
                else (moment.strftime("%d %b %H:%MZ"))
            )
        return offset(seconds)


def offset(seconds: float) -> str:
    """Return ``+H:MM`` (``+H:MM:SS`` when not on a minute) from the start of a scenario."""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"+{hours}:{minutes:02d}" + (f":{secs:02d}" if secs else "")


def _name(state: int) -> str:
    return State(state).name.lower()


def _label(name: str) -> str:
    return name[3:] if name.startswith("bs:") else name
