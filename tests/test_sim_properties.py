"""Property tests of the simulation: it ends where the static semantics say, the incremental
engine equals a from-scratch one, failing more never helps (without failovers), and it is
deterministic."""

from __future__ import annotations

import copy
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aftershock
from aftershock.graph.core import Graph
from aftershock.report import render_json
from aftershock.sim.engine import simulate
from aftershock.sim.faults import Fault, Scenario
from aftershock.sim.outcome import outcome
from aftershock.sim.run import Run
from brute import Brute
from strategies import models

SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
H = 3600.0


def build(doc: dict[str, Any]) -> Graph:
    return aftershock.compile_model(aftershock.load_model_text(yaml.safe_dump(doc), "random.yaml"))


def state_at(run: Run, node: int, time: float) -> int:
    """The state of ``node`` just after every change at ``time``."""
    state = 0
    for change in run.changes.get(node, ()):
        if change.time > time:
            break
        state = change.state
    return state


@st.composite
def timed_faults(draw: st.DrawFn, graph: Graph, max_faults: int = 3) -> list[Fault]:
    names = sorted(graph.names[t] for t in graph.targets())
    faults = []
    for _ in range(draw(st.integers(1, max_faults))):
        start = draw(st.sampled_from([0.0, 300.0, 1800.0, 5400.0]))
        length = draw(st.sampled_from([None, 120.0, 900.0, H]))
        effect = draw(
            st.sampled_from(
                [aftershock.State.DOWN, aftershock.State.DOWN, aftershock.State.DEGRADED]
            )
        )
        end = None if length is None else start + length
        faults.append(Fault(draw(st.sampled_from(names)), start, end, effect))
    return faults


def slow_failovers(doc: dict[str, Any]) -> dict[str, Any]:
    """Failovers decide after every other delay has played out, and need catalog targets only
    (a degraded component as a failover requirement is judged differently in time)."""
    doc = copy.deepcopy(doc)
    for comp in doc["components"].values():
        if "failover" in comp:
            comp["failover"]["detect"] = "3h"
            comp["failover"]["uses"] = [u for u in comp["failover"]["uses"] if "/" in u]
    return doc


@SETTINGS
@given(st.data(), models())
def test_sustained_faults_end_in_the_static_state(data: st.DataObject, doc: dict[str, Any]) -> None:
    graph = build(slow_failovers(doc))
    names = sorted(graph.names[t] for t in graph.targets())
    failed = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
    horizon = 10 * H
    run = simulate(graph, Scenario(tuple(Fault(t) for t in failed), horizon))
    components, business = Brute(graph.model, aftershock.load_catalog()).evaluate(set(failed))
    last = max([c.time for changes in run.changes.values() for c in changes], default=0.0)
    assert last < horizon
    for name, expected in components.items():
        assert state_at(run, graph.index[name], horizon) == expected, (name, failed)
    for name, expected in business.items():
        assert state_at(run, graph.business_node(name), horizon) == expected, (name, failed)


@SETTINGS
@given(st.data(), models())
def test_incremental_equals_from_scratch(data: st.DataObject, doc: dict[str, Any]) -> None:
    graph = build(doc)
    scenario = Scenario(tuple(data.draw(timed_faults(graph))), 6 * H)
    fast, naive = simulate(graph, scenario), simulate(graph, scenario, naive=True)
    times = sorted({c.time for changes in naive.changes.values() for c in changes} | {0.0})
    for node in range(graph.size):
        for time in times:
            assert state_at(fast, node, time) == state_at(naive, node, time), (
                graph.names[node],
                time,
            )
    assert fast.happenings == naive.happenings


def no_failover(doc: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    for comp in doc["components"].values():
        comp.pop("failover", None)
        comp.pop("strategy", None)
    return doc


@SETTINGS
@given(st.data(), models())
def test_failing_more_never_improves_any_state(data: st.DataObject, doc: dict[str, Any]) -> None:
    """Without failovers (whose timing can make an extra fault help: an early move to the
    standby dodges a later loss of the primary), an extra fault never makes anything better."""
    graph = build(no_failover(doc))
    base = data.draw(timed_faults(graph))
    extra = data.draw(timed_faults(graph, max_faults=1))
    less = simulate(graph, Scenario(tuple(base), 6 * H))
    more = simulate(graph, Scenario(tuple(base + extra), 6 * H))
    times = sorted({c.time for run in (less, more) for ch in run.changes.values() for c in ch})
    for node in range(graph.size):
        for time in times:
            assert state_at(more, node, time) >= state_at(less, node, time), (
                graph.names[node],
                time,
            )


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), models())
def test_same_scenario_same_bytes(data: st.DataObject, doc: dict[str, Any]) -> None:
    scenario = Scenario(tuple(data.draw(timed_faults(build(doc)))), 6 * H)
    first = render_json(outcome(simulate(build(doc), scenario)).to_dict())
    second = render_json(outcome(simulate(build(doc), scenario)).to_dict())
    assert first == second
