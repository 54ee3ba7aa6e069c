"""Property tests: the engine agrees with brute force, and resilience behaves monotonically."""

from __future__ import annotations

import itertools
from typing import Any

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import aftershock
from aftershock.analysis.cutsets import cut_sets
from aftershock.graph.core import Graph
from brute import Brute
from strategies import REGIONS, models

# A failover whose requirement hard-depends on the component failing over: check said
# DEGRADED, simulate DOWN, brute force UP (issue 10); now DOWN everywhere.
LOOP: dict[str, Any] = {
    "aftershock": 1,
    "name": "random",
    "business_services": {"bs0": {"entry": ["c0"], "cost_per_hour": 1000}},
    "components": {
        "c0": {
            "kind": "service",
            "deploy": [{"on": "aws/us-east-1", "zones": 1}, {"on": "aws/us-west-2", "zones": 1}],
            "strategy": "active-passive",
            "failover": {"detect": "1m", "uses": ["c1"]},
        },
        "c1": {"kind": "service", "deploy": {"on": "aws/us-west-2"}, "depends_on": ["c0"]},
    },
}
# Found by the deep profile: a requirement that needs the component only softly.
SOFT_REQUIREMENT: dict[str, Any] = {
    "aftershock": 1,
    "name": "random",
    "business_services": {"bs0": {"entry": ["c0"], "cost_per_hour": 1000, "degraded_cost": 0.5}},
    "components": {
        "c0": {
            "kind": "service",
            "deploy": [{"on": "aws/us-east-1", "zones": 1}, {"on": "aws/us-west-2", "zones": 1}],
            "strategy": "active-passive",
            "failover": {"detect": "1m", "uses": ["aws/global/route53/control", "c1"]},
            "planes": ["data"],
        },
        "c1": {
            "kind": "datastore",
            "uses": "aws/elasticache",
            "deploy": [{"on": "aws/us-east-1", "zones": 1}],
            "depends_on": [{"on": "c0", "soft": True}],
        },
    },
}

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def build(doc: dict[str, Any]) -> Graph:
    return aftershock.compile_model(aftershock.load_model_text(yaml.safe_dump(doc), "random.yaml"))


@SETTINGS
@given(models())
@example(LOOP)
@example(SOFT_REQUIREMENT)
def test_single_failures_equal_brute_force(doc: dict[str, Any]) -> None:
    graph = build(doc)
    brute = Brute(graph.model, aftershock.load_catalog())
    singles = aftershock.single_failures(graph)
    for target in graph.targets():
        _, business = brute.evaluate({graph.names[target]})
        for b, state in business.items():
            node = graph.business_node(b)
            assert (target in singles.down[node]) == (state == 2), (graph.names[target], b)
            assert (target in singles.degraded[node]) == (state >= 1), (graph.names[target], b)


@SETTINGS
@given(models(max_components=4))
@example(LOOP)
@example(SOFT_REQUIREMENT)
def test_cut_sets_equal_brute_force(doc: dict[str, Any]) -> None:
    graph = build(doc)
    brute = Brute(graph.model, aftershock.load_catalog())
    families = cut_sets(graph, 2)
    targets = graph.targets()
    down_alone = {t: brute.evaluate({graph.names[t]})[1] for t in targets}
    for b in graph.business:
        family = families[graph.business_node(b)].sets()
        singles = {next(iter(s)) for s in family if len(s) == 1}
        assert singles == {t for t in targets if down_alone[t][b] == 2}
        pairs = {s for s in family if len(s) == 2}
        for a, c in itertools.combinations(targets, 2):
            if a in singles or c in singles:
                continue
            _, business = brute.evaluate({graph.names[a], graph.names[c]})
            assert (frozenset((a, c)) in pairs) == (business[b] == 2), (
                graph.names[a],
                graph.names[c],
                b,
            )


@SETTINGS
@given(models(), st.data())
def test_failing_more_never_improves_a_state(doc: dict[str, Any], data: st.DataObject) -> None:
    graph = build(doc)
    targets = graph.targets()
    small = set(data.draw(st.lists(st.sampled_from(targets), max_size=3)))
    more = small | set(data.draw(st.lists(st.sampled_from(targets), max_size=3)))
    before = aftershock.propagate(graph, small).states
    after = aftershock.propagate(graph, more).states
    assert all(a >= b for a, b in zip(after, before, strict=True))


@SETTINGS
@given(models(), st.data())
def test_propagation_equals_brute_force(doc: dict[str, Any], data: st.DataObject) -> None:
    graph = build(doc)
    brute = Brute(graph.model, aftershock.load_catalog())
    failed = set(data.draw(st.lists(st.sampled_from(graph.targets()), max_size=4)))
    result = aftershock.propagate(graph, failed)
    components, business = brute.evaluate({graph.names[t] for t in failed})
    for name, state in components.items():
        assert result.states[graph.index[name]] == state, name
    for b, state in business.items():
        assert result.states[graph.business_node(b)] == state, b


@SETTINGS
@given(models(), st.data())
def test_adding_a_replica_never_adds_a_spof(doc: dict[str, Any], data: st.DataObject) -> None:
    candidates = [
        name
        for name, comp in doc["components"].items()
        if isinstance(comp.get("deploy"), list) and comp.get("strategy") != "active-passive"
    ]
    if not candidates:
        return
    name = data.draw(st.sampled_from(candidates))
    comp = doc["components"][name]
    used = {d["on"] for d in comp["deploy"]} | set(comp.get("replicas", []))
    free = [r for r in REGIONS if r not in used]
    if not free:
        return
    before = aftershock.check(build(doc), order=1)
    region = data.draw(st.sampled_from(free))
    if comp.get("uses") in ("aws/dynamodb", "aws/s3", "aws/sqs", "aws/lambda"):
        comp.setdefault("replicas", []).append(region)
    else:
        comp["deploy"].append({"on": region, "zones": 2})
    after = aftershock.check(build(doc), order=1)
    for b, rep in after.business_services.items():
        assert set(rep.spofs) <= set(before.business_services[b].spofs), b


@settings(max_examples=20, deadline=None)
@given(models())
def test_check_is_deterministic(doc: dict[str, Any]) -> None:
    first = aftershock.render_json(aftershock.check(build(doc)).to_dict())
    second = aftershock.render_json(aftershock.check(build(doc)).to_dict())
    assert first == second


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models(max_components=3))
def test_order_three_cut_sets_equal_brute_force(doc: dict[str, Any]) -> None:
    graph = build(doc)
    targets = graph.targets()
    if len(targets) > 24:
        return  # keep the brute force over triples small
    brute = Brute(graph.model, aftershock.load_catalog())
    families = cut_sets(graph, 3)
    down = {}
    for size in (1, 2, 3):
        for combo in itertools.combinations(targets, size):
            down[frozenset(combo)] = brute.evaluate({graph.names[t] for t in combo})[1]
    for b in graph.business:
        found = set(families[graph.business_node(b)].sets())
        expected = {
            cut
            for cut, states in down.items()
            if states[b] == 2
            and not any(states2[b] == 2 for sub, states2 in down.items() if sub < cut)
        }
        assert found == expected, b
