"""A failover that needs what needs it never completes: compile, check, simulate and brute agree."""

from __future__ import annotations

from typing import Any

import yaml

import aftershock
from aftershock.graph.core import Graph, State
from aftershock.sim import engine
from aftershock.sim.faults import Fault, Scenario
from brute import Brute

H = 3600.0


def _model(gateway_deps: list[Any], uses: list[str] | None = None) -> dict[str, Any]:
    return {
        "aftershock": 1,
        "name": "loop",
        "business_services": {"shop": {"entry": ["api"], "cost_per_hour": 1000}},
        "components": {
            "api": {
                "kind": "service",
                "deploy": [
                    {"on": "aws/us-east-1", "zones": 2},
                    {"on": "aws/us-west-2", "zones": 2},
                ],
                "strategy": "active-passive",
                "failover": {"detect": "1m", "switch": "1m", "uses": uses or ["gateway"]},
            },
            "gateway": {
                "kind": "service",
                "deploy": {"on": "aws/us-west-2", "zones": 2},
                "depends_on": gateway_deps,
            },
        },
    }


def _graph(doc: dict[str, Any]) -> Graph:
    return aftershock.compile_model(aftershock.load_model_text(yaml.safe_dump(doc), "m.yaml"))


def _states(graph: Graph, failed: set[str]) -> tuple[int, int, int]:
    """Return shop's state by propagation, by brute force and at the end of a long outage."""
    static = aftershock.propagate(graph, {graph.index[t] for t in failed}).states
    brute = Brute(graph.model, aftershock.load_catalog()).evaluate(failed)[1]["shop"]
    scenario = Scenario(faults=tuple(Fault(t, 0.0, None) for t in failed), horizon=24 * H)
    run = engine.simulate(graph, scenario)
    node = graph.business_node("shop")
    final = run.changes[node][-1].state if node in run.changes else State.UP
    return static[node], brute, final


def test_a_failover_needing_what_needs_it_is_down_everywhere() -> None:
    graph = _graph(_model(["api"]))
    assert _states(graph, {"aws/us-east-1"}) == (State.DOWN,) * 3
    result = aftershock.check(graph)
    loops = [f for f in result.findings if f.kind == "failover-loop"]
    assert len(loops) == 1
    assert "api's failover to aws/us-west-2 can never complete" in loops[0].message
    assert "(gateway -> api)" in loops[0].message
    assert "aws/us-east-1" in result.business_services["shop"].spofs
    assert not [f for f in result.findings if f.kind == "failover-blocked"]


def test_the_loop_through_a_chain_of_components_is_named_in_full() -> None:
    doc = _model(["edge"])
    doc["components"]["edge"] = {
        "kind": "service",
        "deploy": {"on": "aws/us-west-2", "zones": 2},
        "depends_on": ["api"],
    }
    graph = _graph(doc)
    [loop] = [f for f in aftershock.check(graph).findings if f.kind == "failover-loop"]
    assert "(gateway -> edge -> api)" in loop.message
    assert _states(graph, {"aws/us-east-1"}) == (State.DOWN,) * 3


def test_a_soft_dependency_on_the_component_does_not_block_its_failover() -> None:
    graph = _graph(_model([{"on": "api", "soft": True}]))
    assert _states(graph, {"aws/us-east-1"}) == (State.UP,) * 3
    assert not [f for f in aftershock.check(graph).findings if f.kind == "failover-loop"]


def test_mutual_failovers_complete_unless_both_primaries_are_lost() -> None:
    doc = _model([], uses=["gateway"])
    doc["components"]["gateway"] = {
        "kind": "service",
        "deploy": [{"on": "aws/eu-west-1", "zones": 2}, {"on": "aws/us-west-2", "zones": 2}],
        "strategy": "active-passive",
        "failover": {"detect": "1m", "uses": ["api"]},
    }
    doc["business_services"]["shop"]["entry"] = ["api", "gateway"]
    graph = _graph(doc)
    findings = aftershock.check(graph).findings
    assert not [f for f in findings if f.kind == "failover-loop"]
    # one primary lost: its failover needs the other, which still serves from its primary
    assert _states(graph, {"aws/us-east-1"}) == (State.UP,) * 3
    assert _states(graph, {"aws/eu-west-1"}) == (State.UP,) * 3
    # both lost: each failover waits for the other, forever; the static view cannot see it,
    # so the check says so instead of staying silent
    assert _states(graph, {"aws/us-east-1", "aws/eu-west-1"})[2] == State.DOWN
    [mutual] = [f for f in findings if f.kind == "failover-mutual"]
    assert "neither failover can complete" in mutual.message
