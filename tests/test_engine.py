"""The contract's semantics on small hand-written models, with hand-computed answers."""

from __future__ import annotations

import textwrap

import aftershock
from aftershock.analysis.results import CheckResult
from aftershock.graph.core import Graph, State


def graph_of(body: str, services: str = "svc: {entry: [app], cost_per_hour: 1000}") -> Graph:
    text = (
        "aftershock: 1\nname: t\nbusiness_services:\n"
        + textwrap.indent(textwrap.dedent(services).strip(), "  ")
        + "\ncomponents:\n"
        + textwrap.indent(textwrap.dedent(body).strip(), "  ")
        + "\n"
    )
    return aftershock.compile_model(aftershock.load_model_text(text, "t.yaml"))


def check_of(body: str, services: str | None = None, order: int = 2) -> CheckResult:
    graph = graph_of(body) if services is None else graph_of(body, services)
    return aftershock.check(graph, order=order)


def fail(graph: Graph, *targets: str) -> dict[str, State]:
    result = aftershock.propagate(graph, [graph.index[t] for t in targets])
    return {c: result.state(graph.index[c]) for c in graph.model.components}


def test_single_region_dynamodb_is_a_spof_through_its_dns_plane() -> None:
    rep = check_of(
        """
        app: {kind: service, deploy: {on: aws/us-east-1, zones: 2}, depends_on: [db]}
        db: {kind: datastore, uses: aws/dynamodb, deploy: {on: aws/us-east-1}}
        """
    ).business_services["svc"]
    for target in ("aws/us-east-1/dynamodb/dns", "aws/us-east-1/dynamodb", "aws/us-east-1", "db"):
        assert target in rep.spofs
    assert "aws/us-east-1/use1-az1" not in rep.spofs  # two zones, min_healthy 1
    assert ["aws/us-east-1/use1-az1", "aws/us-east-1/use1-az2"] in rep.cut_sets


def test_global_table_in_two_regions_survives_either_region() -> None:
    rep = check_of(
        """
        app:
          kind: service
          deploy: [{on: aws/us-east-1, zones: 2}, {on: aws/us-west-2, zones: 2}]
          depends_on: [db]
        db:
          kind: datastore
          uses: aws/dynamodb
          deploy: {on: aws/us-east-1}
          replicas: [aws/us-west-2]
        """
    ).business_services["svc"]
    assert "aws/us-east-1" not in rep.spofs
    assert "aws/us-west-2" not in rep.spofs
    assert "aws/us-east-1/dynamodb/dns" not in rep.spofs
    assert ["aws/us-east-1", "aws/us-west-2"] in rep.cut_sets
    assert rep.spofs == ["app", "aws", "db"]


def test_min_healthy_makes_each_zone_matter() -> None:
    graph = graph_of("app: {kind: service, deploy: {on: aws/us-east-1, zones: 3, min_healthy: 2}}")
    assert fail(graph, "aws/us-east-1/use1-az1")["app"] is State.UP
    assert fail(graph, "aws/us-east-1/use1-az1", "aws/us-east-1/use1-az3")["app"] is State.DOWN


def test_zone_ids_and_counts_pick_the_same_zones() -> None:
    by_count = graph_of("app: {kind: service, deploy: {on: aws/us-east-1, zones: 2}}")
    by_ids = graph_of(
        "app: {kind: service, deploy: {on: aws/us-east-1, zones: [use1-az1, use1-az2]}}"
    )
    zones = sorted(n for n in by_count.index if n.startswith("aws/us-east-1/use1"))
    assert zones == sorted(n for n in by_ids.index if n.startswith("aws/us-east-1/use1"))


def test_soft_dependency_degrades_and_fallback_holds_then_fails() -> None:
    body = """
        app:
          kind: service
          deploy: {on: aws/us-east-1, zones: 2}
          depends_on:
            - {on: cdn, soft: true}
            - {on: cache, fallback: {mode: degraded, holds: 30m}}
            - {on: search, fallback: {mode: degraded}}
        cdn: {kind: cdn, deploy: {on: aws/us-west-2, zones: 2}}
        cache: {kind: cache, deploy: {on: aws/eu-west-1, zones: 2}}
        search: {kind: service, deploy: {on: aws/eu-central-1, zones: 2}}
        """
    graph = graph_of(body)
    assert fail(graph, "cdn")["app"] is State.DEGRADED
    assert fail(graph, "cache")["app"] is State.DOWN  # a sustained outage outlasts 30m
    assert fail(graph, "search")["app"] is State.DEGRADED  # holds indefinitely
    rep = aftershock.check(graph).business_services["svc"]
    assert "cache" in rep.spofs
    assert {"cdn", "search"} <= set(rep.degraded_by)
    assert "cdn" not in rep.spofs


def test_cycle_is_down_only_when_something_outside_brings_it_down() -> None:
    body = """
        app: {kind: service, deploy: {on: aws/us-east-1, zones: 2}, depends_on: [peer]}
        peer: {kind: service, deploy: {on: aws/us-west-2, zones: 2}, depends_on: [app]}
        """
    graph = graph_of(body)
    assert aftershock.propagate(graph, []).states == [0] * graph.size
    states = fail(graph, "aws/us-west-2")
    assert states == {"app": State.DOWN, "peer": State.DOWN}
    result = aftershock.check(graph)
    assert result.cycles == [["app", "peer"]]
    assert any(f.kind == "cycle" for f in result.findings)


def test_active_passive_failover_blocked_by_route53_control_plane() -> None:
    body = """
        app:
          kind: service
          deploy: [{on: aws/us-east-1, zones: 2}, {on: aws/us-west-2, zones: 2}]
          strategy: active-passive
          failover: {detect: 3m, switch: 2m, uses: [aws/global/route53/control]}
        """
    graph = graph_of(body)
    assert fail(graph, "aws/us-east-1")["app"] is State.DOWN  # the record change is homed there
    assert fail(graph, "aws/us-east-1/use1-az1", "aws/us-east-1/use1-az2")["app"] is State.UP
    kinds = {f.kind for f in aftershock.check(graph).findings}
    assert "failover-blocked" in kinds


def test_failover_needing_new_capacity_needs_the_target_control_plane() -> None:
    body = """
        app:
          kind: service
          deploy: [{on: aws/us-east-1, zones: 2}, {on: aws/us-west-2, zones: 2}]
          strategy: active-passive
          failover: {needs_new_capacity: true}
        """
    graph = graph_of(body)
    assert fail(graph, "aws/us-east-1")["app"] is State.UP
    # EC2 launches in us-west-2 need DynamoDB there (October 2025)
    assert fail(graph, "aws/us-east-1", "aws/us-west-2/dynamodb/dns")["app"] is State.DOWN
    assert fail(graph, "aws/us-west-2/dynamodb/dns")["app"] is State.UP  # running instances


def test_sts_global_endpoint_is_a_hidden_us_east_1_spof() -> None:
    result = check_of(
        """
        app:
          kind: service
          deploy: [{on: aws/eu-west-1, zones: 2}, {on: aws/eu-central-1, zones: 2}]
          depends_on: [tokens]
        tokens: {kind: auth, uses: aws/sts, deploy: {on: aws/global}}
        """
    )
    rep = result.business_services["svc"]
    assert "aws/us-east-1" in rep.spofs
    assert "aws/us-east-1" in rep.hidden_spofs
    hidden = {h.target: h.path for h in rep.hidden}
    assert hidden["aws/us-east-1"][:3] == ["svc", "app", "tokens"]
    assert any(f.kind == "hidden-spof" and f.severity == "critical" for f in result.findings)
    regional = check_of(
        """
        app: {kind: service, deploy: {on: aws/eu-west-1, zones: 2}, depends_on: [tokens]}
        tokens: {kind: auth, uses: aws/sts, deploy: {on: aws/eu-west-1}}
        """
    ).business_services["svc"]
    assert "aws/us-east-1" not in regional.spofs


def test_vendor_placement_from_catalog_and_from_model() -> None:
    graph = graph_of(
        """
        app: {kind: service, deploy: {on: aws/eu-west-1, zones: 2}, depends_on: [pay, mail]}
        pay: {kind: external, vendor: stripe}
        mail: {kind: external, vendor: acme-mail, runs_on: [aws/us-east-1]}
        """
    )
    assert fail(graph, "stripe")["pay"] is State.DOWN
    assert fail(graph, "aws")["pay"] is State.DOWN  # the catalog: Stripe runs on AWS
    assert fail(graph, "aws/us-east-1")["mail"] is State.DOWN
    findings = {f.kind for f in aftershock.check(graph).findings}
    assert "vendor-not-in-catalog" in findings


def test_async_replication_lag_over_rpo_is_a_finding() -> None:
    result = check_of(
        """
        app: {kind: service, deploy: {on: aws/us-east-1, zones: 2}, depends_on: [db]}
        db:
          kind: datastore
          uses: aws/dynamodb
          deploy: {on: aws/us-east-1}
          replicas: [aws/us-west-2]
          replication: {mode: async, lag: 10m}
        """,
        services="svc: {entry: [app], rpo: 5m, cost_per_hour: 10}",
    )
    rpo = [f for f in result.findings if f.kind == "rpo"]
    assert len(rpo) == 1 and "10m" in rpo[0].message and "5m" in rpo[0].message


def test_concentration_prices_each_target_by_what_it_takes_down() -> None:
    result = check_of(
        """
        a: {kind: service, deploy: {on: aws/us-east-1, zones: 2}, depends_on: [shared]}
        b: {kind: service, deploy: {on: aws/us-west-2, zones: 2}, depends_on: [shared]}
        shared: {kind: auth, uses: aws/sts, deploy: {on: aws/global}}
        """,
        services="""
        one: {entry: [a], cost_per_hour: 100}
        two: {entry: [b], cost_per_hour: 50}
        """,
    )
    rows = {r.target: r for r in result.concentration}
    assert rows["shared"].down == ["one", "two"] and rows["shared"].cost_per_hour == 150
    assert rows["aws/us-west-2"].down == ["two"] and rows["aws/us-west-2"].cost_per_hour == 50
    loss = {r.region: r for r in result.region_loss}
    assert loss["aws/us-east-1"].cost_24h == 150 * 24


def test_check_json_keeps_the_documented_shape() -> None:
    data = aftershock.check(aftershock.compile_model(aftershock.load_model())).to_dict()
    assert data["model"] == "acme-ai"
    for rep in data["business_services"].values():
        assert set(rep) >= {"spofs", "degraded_by", "cut_sets", "depends_on", "hidden"}
        assert set(rep["depends_on"]) >= {"providers", "regions", "zones", "vendors"}
        for hidden in rep["hidden"]:
            assert set(hidden) == {"target", "path"}
    for finding in data["findings"]:
        assert set(finding) >= {"kind", "severity", "message", "targets"}
    assert isinstance(data["concentration"], list)


def test_example_teaches_the_october_2025_lesson() -> None:
    result = aftershock.check(aftershock.compile_model(aftershock.load_model()))
    chat = result.business_services["chat"]
    assert "aws/us-east-1" in chat.hidden_spofs  # looks multi-region, is not
    kinds = {f.kind for f in result.findings}
    assert {"failover-blocked", "hidden-spof", "single-zone", "rpo-single-region"} <= kinds
    east = next(a for a in result.answers if "us-east-1" in a.question)
    assert east.answers["chat"].startswith("DOWN")


def test_explain_gives_the_causal_chain() -> None:
    graph = aftershock.compile_model(aftershock.load_model())
    explained = aftershock.explain(graph, "aws/us-east-1/dynamodb/dns")
    model_training = next(s for s in explained.services if s.service == "model-training")
    assert model_training.state == "down"
    assert model_training.chain == [
        "model-training",
        "trainer",
        "aws/us-east-1/ec2/control",
        "aws/us-east-1/dynamodb/dns",
    ]
    unused = aftershock.explain(graph, "aws/eu-south-2")
    assert not unused.in_model and all(s.state == "up" for s in unused.services)


def test_failing_a_component_directly() -> None:
    graph = graph_of(
        """
        app: {kind: service, deploy: {on: aws/us-east-1, zones: 2}, depends_on: [db]}
        db: {kind: datastore, deploy: {on: aws/us-east-1, zones: 2}}
        """
    )
    assert fail(graph, "db") == {"app": State.DOWN, "db": State.DOWN}
