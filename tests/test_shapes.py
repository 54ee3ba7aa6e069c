"""Models of pathological shapes (bench/shapes.py) get the right answers, in full.

Rings of business services, long cycles, long chains and dense fan-outs are checked against the
brute-force oracle (tests/brute.py) and against propagating each failure alone; the compact
forms that keep them linear (shared sets, shared JSON parts, blast radii as equations, shared
causal steps) are compared with the plain answers they stand for.
"""

from __future__ import annotations

import itertools
import json
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import aftershock
from aftershock.analysis import compact as compact_module
from aftershock.analysis.compact import expand, plain
from aftershock.graph.core import Graph, NodeKind, State
from brute import DEGRADED, DOWN, Brute

sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
from shapes import SHAPES, shape

SMALL = {"ring": 9, "cycle": 10, "chain": 10, "fanout": 12}


@cache
def graph_of(name: str, n: int) -> Graph:
    return aftershock.compile_model(aftershock.load_model_text(shape(name, n), f"{name}.yaml"))


@cache
def check_of(name: str, n: int) -> aftershock.CheckResult:
    return aftershock.check(graph_of(name, n))


@pytest.mark.parametrize("name", SHAPES)
def test_single_points_of_failure_equal_brute_force(name: str) -> None:
    graph = graph_of(name, SMALL[name])
    result = check_of(name, SMALL[name])
    brute = Brute(graph.model, aftershock.load_catalog())
    down: dict[str, set[str]] = {b: set() for b in graph.business}
    degraded: dict[str, set[str]] = {b: set() for b in graph.business}
    for target in graph.targets():
        _, business = brute.evaluate({graph.names[target]})
        for b, state in business.items():
            if state == DOWN:
                down[b].add(graph.names[target])
            elif state == DEGRADED:
                degraded[b].add(graph.names[target])
    for b, rep in result.business_services.items():
        assert list(rep.spofs) == sorted(down[b]), b
        assert list(rep.degraded_by) == sorted(degraded[b]), b


@pytest.mark.parametrize("name", SHAPES)
def test_cut_sets_of_two_equal_failing_each_pair(name: str) -> None:
    graph = graph_of(name, SMALL[name])
    result = check_of(name, SMALL[name])
    targets = graph.targets()
    for b, rep in result.business_services.items():
        node = graph.business_node(b)
        singles = set(rep.spofs)
        assert [c[0] for c in rep.cut_sets if len(c) == 1] == list(rep.spofs)
        pairs = {tuple(c) for c in rep.cut_sets if len(c) == 2}
        expected = set()
        for x, y in itertools.combinations(targets, 2):
            names = sorted((graph.names[x], graph.names[y]))
            if names[0] in singles or names[1] in singles:
                continue
            if aftershock.propagate(graph, [x, y]).states[node] == State.DOWN:
                expected.add(tuple(names))
        assert pairs == expected, b


@pytest.mark.parametrize("name", SHAPES)
def test_blast_radii_equal_failing_each_target_alone(name: str) -> None:
    graph = graph_of(name, 40)
    view = aftershock.graph_view(graph)
    shown = [v for v in range(graph.size) if graph.kind[v] != NodeKind.GATE]
    for position in view.targets:
        states = aftershock.propagate(graph, [shown[position]]).states
        down = tuple(i for i, v in enumerate(shown) if states[v] == State.DOWN)
        degraded = tuple(i for i, v in enumerate(shown) if states[v] == State.DEGRADED)
        assert view.blast(position) == (down, degraded), view.nodes[position].name


NAME_LISTS = {"spofs", "degraded_by", "cut_sets", "down", "degraded", "targets", "services"}


def ordered(value: Any, key: str = "") -> Any:
    """Return ``value`` with its lists of names in one order (a list with a shared part gives
    its own names first); paths and every other list keep theirs."""
    if isinstance(value, dict):
        return {k: ordered(v, k) for k, v in value.items()}
    if isinstance(value, list):
        items = [ordered(v) for v in value]
        return (
            sorted(items, key=lambda x: (len(x), x) if isinstance(x, list) else x)
            if (key in NAME_LISTS)
            else items
        )
    return value


@pytest.mark.parametrize("name", SHAPES)
def test_json_is_plain_unless_it_would_be_huge(name: str) -> None:
    """A reader looking a target up in a service's spofs must find it: only a document whose
    lists would hold millions of names is written in the shared form."""
    result = check_of(name, 150)
    data = result.to_dict()
    assert "shared" not in data and data == plain(result.raw())
    for service in data["business_services"].values():
        assert all(isinstance(t, str) for t in service["spofs"])


@pytest.mark.parametrize("name", SHAPES)
def test_compact_json_reads_back_as_the_plain_answer(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(compact_module, "PLAIN_ITEMS", 0)  # as for a ring of 2,000 services
    result = check_of(name, 150)
    data = result.to_dict()
    assert ordered(expand(data)) == ordered(plain(result.raw()))
    assert json.loads(aftershock.render_json(data)) == data  # plain JSON, nothing else
    spofs = result.business_services[next(iter(result.business_services))].spofs
    if name in ("ring", "fanout"):  # many services share one long set: written once
        assert "shared" in data and len(spofs) > 100
        size = len(aftershock.render_json(data))
        assert size < len(aftershock.render_json(plain(result.raw()))) / 2


def test_sharing_stays_out_of_small_models() -> None:
    data = aftershock.check(aftershock.compile_model(aftershock.load_model())).to_dict()
    assert "shared" not in data
    assert isinstance(data["business_services"]["chat"]["spofs"], list)
    assert all(isinstance(t, str) for t in data["business_services"]["chat"]["spofs"])


def test_a_ring_of_services_each_lists_every_component() -> None:
    result = check_of("ring", 150)
    ring = [f"ring{i:05d}" for i in range(150)]
    for rep in result.business_services.values():
        assert set(ring) <= set(rep.spofs)
    row = next(r for r in result.concentration if r.target == "ring00042")
    assert list(row.down) == sorted(result.business_services)
    assert row.cost_per_hour == sum(s.cost_per_hour for s in result.business_services.values())
    cycle = next(f for f in result.findings if f.kind == "cycle")
    assert list(cycle.services) == sorted(result.business_services)


def test_fanout_services_share_the_hub_but_keep_their_own_front() -> None:
    result = check_of("fanout", 150)
    leaves = {f"leaf{i:05d}" for i in range(73)}
    for b, rep in result.business_services.items():
        front = "front" + b.removeprefix("svc")
        assert {front, "hub", "core"} | leaves <= set(rep.spofs)
        assert not any(t.startswith("front") and t != front for t in rep.spofs), b


def test_long_hidden_paths_are_whole_in_json_and_folded_in_words() -> None:
    result = check_of("chain", 150)
    top = result.business_services["top"]
    path = next(h.path for h in top.hidden if h.target == "aws/us-east-1/dynamodb")
    assert list(path)[:3] == ["top", "c00000", "c00001"] and len(path) > 150
    finding = next(f for f in result.findings if f.kind == "hidden-spof" and "top" in f.services)
    assert "c00001 -> c00002" in finding.message and "more …" in finding.message
    skipped = int(finding.message.split("… ")[1].split(" more")[0].replace(",", ""))
    assert skipped == len(top.hidden_spof_paths[0].path) - 24
    components = [t for t in top.spofs if result.kinds.get(t) == "component"]
    markdown = aftershock.render_check_markdown(result)
    assert f"… and {len(components) - 100} more" in markdown  # the SPOF list, counted


def test_a_chain_report_carries_every_component_and_dependency() -> None:
    n = 300
    graph = graph_of("chain", n)
    outcome = aftershock.simulate(
        graph, aftershock.Scenario((aftershock.Fault(f"c{n - 1:05d}", 0, 3600),))
    )
    document = aftershock.build_report(graph, outcome)
    html = aftershock.render_html(document)
    start = html.index('id="graph-data">') + len('id="graph-data">')
    data = json.loads(html[start : html.index("</script>", start)])
    names = [node[0] for node in data["nodes"]]
    index = {name: i for i, name in enumerate(names)}
    links = {(e[0], e[1]) for e in data["edges"]}
    for i in range(n - 1):
        assert (index[f"c{i:05d}"], index[f"c{i + 1:05d}"]) in links
    view = document.view
    down, _ = view.blast(index[f"c{n - 1:05d}"])
    assert {names[i] for i in down} >= {f"c{i:05d}" for i in range(n)} | {"top", "middle"}
    assert len(html.encode()) < 2_000_000


def test_long_causal_chains_fold_and_each_fold_is_explained_elsewhere() -> None:
    n = 300
    graph = graph_of("chain", n)
    fault = aftershock.Fault(f"c{n - 1:05d}", 0, 3600)
    data = aftershock.simulate(graph, aftershock.Scenario((fault,))).to_dict()
    timelines = {**data["components"], **data["business_services"]}
    because = {name: t["timeline"][0]["because"] for name, t in timelines.items() if t["timeline"]}
    # follow the top's explanation through every folded chain back to the fault
    walked, text = [], because["top"]
    while "own timeline continues the chain" in text:
        head = text.split(" … ", 1)[0]
        walked += [step.split(" DOWN")[0] for step in head.split(" because ")[1:]]
        text = because[walked[-1]]
    walked += [step.split(" ")[0] for step in text.split(" because ")[1:]]
    assert walked == [f"c{i:05d}" for i in range(n)]
    assert text.endswith(f"c{n - 1:05d} failed at +0:00")
    assert max(len(t) for t in because.values()) < 1000


def test_shapes_give_the_same_bytes_twice() -> None:
    for name in SHAPES:
        first = aftershock.render_json(aftershock.check(graph_of(name, 120)).to_dict())
        second = aftershock.render_json(aftershock.check(graph_of(name, 120)).to_dict())
        assert first == second, name
