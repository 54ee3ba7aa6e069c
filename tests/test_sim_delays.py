"""Hand-computed timelines: every kind of delay the model can state, simulated exactly.

Each test builds a small model, applies timed faults and compares the business service's (or a
component's) DOWN and DEGRADED intervals with the ones worked out by hand in the docstring.
"""

from __future__ import annotations

from typing import Any

import yaml

import aftershock
from aftershock.sim.engine import simulate
from aftershock.sim.faults import Fault, Scenario
from aftershock.sim.outcome import Outcome, outcome

M = 60.0
H = 3600.0


def run(
    components: dict[str, Any], faults: list[Fault], horizon: float = 4 * H, **svc: Any
) -> Outcome:
    doc = {
        "aftershock": 1,
        "name": "hand",
        "business_services": {"shop": {"entry": ["api"], "cost_per_hour": 3600, **svc}},
        "components": components,
    }
    graph = aftershock.compile_model(aftershock.load_model_text(yaml.safe_dump(doc), "hand.yaml"))
    return outcome(simulate(graph, Scenario(tuple(faults), horizon)))


def spans(result: Outcome, name: str = "shop") -> list[tuple[str, float, float]]:
    timeline = (
        result.business[name].timeline if name in result.business else result.components[name]
    )
    return [(i.state, i.start_s, i.end_s) for i in timeline.intervals]


API = {"kind": "service", "deploy": {"on": "aws/us-east-1", "zones": 2}}
FEATURES = {"kind": "datastore", "uses": "aws/dynamodb", "deploy": {"on": "aws/us-east-1"}}


def test_dns_plane_failure_waits_for_the_cached_address() -> None:
    """features' DNS fails 0..1h; api caches its address 5m: api and shop DOWN 5m..1h."""
    api = {**API, "depends_on": [{"on": "features", "dns_ttl": "5m"}]}
    result = run({"api": api, "features": FEATURES}, [Fault("aws/us-east-1/dynamodb/dns", 0, H)])
    assert spans(result, "features") == [("down", 0, H)]
    assert spans(result, "api") == [("down", 5 * M, H)]
    assert spans(result) == [("down", 5 * M, H)]
    because = result.business["shop"].timeline.intervals[0].because
    assert "the cached address expired after 5m" in because
    assert "aws/us-east-1/dynamodb/dns failed at +0:00" in because


def test_dns_failure_shorter_than_the_ttl_is_never_felt() -> None:
    """DNS down 0..3m with a 5m TTL: the address never expires during the failure."""
    api = {**API, "depends_on": [{"on": "features", "dns_ttl": "5m"}]}
    result = run(
        {"api": api, "features": FEATURES}, [Fault("aws/us-east-1/dynamodb/dns", 0, 3 * M)]
    )
    assert spans(result) == []
    assert spans(result, "features") == [("down", 0, 3 * M)]


def test_a_real_failure_is_felt_at_once_whatever_the_ttl() -> None:
    """The DynamoDB data plane (not DNS) fails at 10m: connections fail at once."""
    api = {**API, "depends_on": [{"on": "features", "dns_ttl": "5m"}]}
    result = run(
        {"api": api, "features": FEATURES}, [Fault("aws/us-east-1/dynamodb/data", 10 * M, H)]
    )
    assert spans(result) == [("down", 10 * M, H)]


def test_users_cached_address_of_an_entry_component() -> None:
    """api itself is served through a DNS plane that fails: users keep its address 60s."""
    api = {"kind": "service", "uses": "aws/lambda", "deploy": {"on": "aws/us-east-1"}}
    result = run({"api": api}, [Fault("aws/us-east-1/lambda/dns", 0, H)])
    assert spans(result, "api") == [("down", 0, H)]
    assert spans(result) == [("down", 60, H)]


def test_fallback_holds_degraded_then_down() -> None:
    """sessions' region fails 10m..2h; the fallback holds 30m: DEGRADED 10m..40m, DOWN 40m..2h."""
    api = {**API, "depends_on": [{"on": "sessions", "fallback": {"holds": "30m"}}]}
    sessions = {"kind": "cache", "deploy": {"on": "aws/us-west-2", "zones": 1}}
    result = run(
        {"api": api, "sessions": sessions},
        [Fault("aws/us-west-2", 10 * M, 2 * H)],
        degraded_cost=0.5,
    )
    assert spans(result) == [("degraded", 10 * M, 40 * M), ("down", 40 * M, 2 * H)]
    shop = result.business["shop"]
    assert shop.timeline.down_s == 80 * M and shop.timeline.degraded_s == 30 * M
    assert shop.cost == 3600 * (80 + 0.5 * 30) / 60
    assert "its fallback ran out after 30m" in shop.timeline.intervals[1].because


def test_fallback_hold_starts_over_after_recovery() -> None:
    """Two 20m and 30m failures with a 30m hold and a gap between: never DOWN."""
    api = {**API, "depends_on": [{"on": "sessions", "fallback": {"holds": "30m"}}]}
    sessions = {"kind": "cache", "deploy": {"on": "aws/us-west-2", "zones": 1}}
    faults = [Fault("aws/us-west-2", 0, 20 * M), Fault("aws/us-west-2", 30 * M, 60 * M)]
    result = run({"api": api, "sessions": sessions}, faults)
    assert spans(result) == [("degraded", 0, 20 * M), ("degraded", 30 * M, 60 * M)]


def test_soft_dependency_only_degrades() -> None:
    api = {**API, "depends_on": [{"on": "cdn", "soft": True}]}
    cdn = {"kind": "cdn", "deploy": {"on": "aws/eu-west-1", "zones": 1}}
    result = run({"api": api, "cdn": cdn}, [Fault("aws/eu-west-1", 0, H)])
    assert spans(result) == [("degraded", 0, H)]


ACTIVE_PASSIVE = {
    "kind": "service",
    "deploy": [{"on": "aws/us-east-1", "zones": 1}, {"on": "aws/us-west-2", "zones": 1}],
    "strategy": "active-passive",
}


def test_failover_takes_detect_plus_switch_plus_dns_ttl() -> None:
    """Primary zone lost at 0: DOWN for 3m + 2m + 60s = 6m, then served from the standby."""
    api = {**ACTIVE_PASSIVE, "failover": {"detect": "3m", "switch": "2m", "dns_ttl": "60s"}}
    result = run({"api": api}, [Fault("aws/us-east-1/use1-az1", 0, H)], rto="5m")
    assert spans(result) == [("down", 0, 6 * M)]
    assert result.business["shop"].rto_met is False
    kinds = [h.kind for h in result.happenings]
    assert kinds == ["failover-detect", "failover-switch", "failover-done"]
    assert "failed over to aws/us-west-2" in (
        result.business["shop"].timeline.intervals[0].ended_because or ""
    )


def test_failover_needing_capacity_waits_for_the_standby_control_plane() -> None:
    """The standby's EC2 control plane is down until 20m: switch starts at 20m, done at 23m."""
    failover = {"detect": "3m", "switch": "2m", "dns_ttl": "60s", "needs_new_capacity": True}
    api = {**ACTIVE_PASSIVE, "failover": failover}
    faults = [
        Fault("aws/us-east-1/use1-az1", 0, 2 * H),
        Fault("aws/us-west-2/ec2/control", 0, 20 * M),
    ]
    result = run({"api": api}, faults, rto="1h")
    assert spans(result) == [("down", 0, 23 * M)]
    assert result.business["shop"].rto_met is True
    blocked = [h.text for h in result.happenings if h.kind == "failover-blocked"]
    assert blocked and "aws/us-west-2/ec2/control" in blocked[0]


def test_failover_blocked_by_what_it_uses_lasts_the_whole_outage() -> None:
    """The DNS change needs route53's control plane, homed in the region being fled."""
    failover = {"detect": "3m", "switch": "2m", "uses": ["aws/global/route53/control"]}
    api = {**ACTIVE_PASSIVE, "failover": failover}
    result = run({"api": api}, [Fault("aws/us-east-1", 0, 2 * H)], rto="1h", impact_tolerance="4h")
    assert spans(result) == [("down", 0, 2 * H)]
    shop = result.business["shop"]
    assert shop.rto_met is False and shop.impact_tolerance_met is True
    assert [h.kind for h in result.happenings] == [
        "failover-detect",
        "failover-blocked",
        "failover-cancelled",
    ]


def test_primary_back_before_detection_cancels_the_failover() -> None:
    api = {**ACTIVE_PASSIVE, "failover": {"detect": "10m", "switch": "2m"}}
    result = run({"api": api}, [Fault("aws/us-east-1/use1-az1", 0, 5 * M)])
    assert spans(result) == [("down", 0, 5 * M)]
    assert [h.kind for h in result.happenings] == ["failover-detect", "failover-cancelled"]


def test_async_replica_loses_its_lag_against_the_rpo() -> None:
    """A global table with 2s lag loses its primary region: up, but 2s of writes lost."""
    table = {
        **FEATURES,
        "replicas": ["aws/us-west-2"],
        "replication": {"mode": "async", "lag": "2s"},
    }
    api = {
        "kind": "service",
        "deploy": [{"on": "aws/us-west-2", "zones": 2}],
        "depends_on": ["table"],
    }
    result = run({"api": api, "table": table}, [Fault("aws/us-east-1", 0, H)], rpo="1s")
    assert spans(result) == []
    shop = result.business["shop"]
    assert shop.data_loss_s == 2.0 and shop.rpo_met is False


def test_sync_replication_loses_nothing() -> None:
    table = {**FEATURES, "replicas": ["aws/us-west-2"], "replication": {"mode": "sync"}}
    api = {
        "kind": "service",
        "deploy": [{"on": "aws/us-west-2", "zones": 2}],
        "depends_on": ["table"],
    }
    result = run({"api": api, "table": table}, [Fault("aws/us-east-1", 0, H)], rpo="1s")
    assert result.business["shop"].data_loss_s == 0.0 and result.business["shop"].rpo_met is True


def test_active_passive_datastore_loses_lag_when_it_fails_over() -> None:
    db = {
        **ACTIVE_PASSIVE,
        "kind": "datastore",
        "failover": {"detect": "1m", "switch": "1m", "dns_ttl": "0"},
        "replication": {"mode": "async", "lag": "30s"},
    }
    api = {
        "kind": "service",
        "deploy": [{"on": "aws/eu-west-1", "zones": 2}],
        "depends_on": [{"on": "db", "dns_ttl": "0"}],
    }
    result = run({"api": api, "db": db}, [Fault("aws/us-east-1", 0, H)], rpo="1m")
    assert spans(result) == [("down", 0, 2 * M)]
    assert result.business["shop"].data_loss_s == 30.0 and result.business["shop"].rpo_met is True


def test_a_dependency_cycle_recovers_when_its_cause_does() -> None:
    """api and worker call each other; both need cache. Cache down 0..1h: both down, then up."""
    api = {**API, "depends_on": ["worker", "cache"]}
    worker = {**API, "depends_on": ["api", "cache"]}
    cache = {"kind": "cache", "deploy": {"on": "aws/us-west-2", "zones": 1}}
    result = run({"api": api, "worker": worker, "cache": cache}, [Fault("cache", 0, H)])
    assert spans(result, "api") == [("down", 0, H)]
    assert spans(result, "worker") == [("down", 0, H)]
    assert result.business["shop"].timeline.recovered_s == H


def test_degraded_dns_reaches_the_client_after_its_ttl() -> None:
    api = {**API, "depends_on": [{"on": "features", "dns_ttl": "2m"}]}
    fault = Fault("aws/us-east-1/dynamodb/dns", 0, H, effect=aftershock.State.DEGRADED)
    result = run({"api": api, "features": FEATURES}, [fault])
    assert spans(result) == [("degraded", 2 * M, H)]


def test_a_fault_without_end_lasts_to_the_horizon() -> None:
    result = run({"api": API}, [Fault("aws/us-east-1", 30 * M)], horizon=2 * H, rto="4h")
    assert spans(result) == [("down", 30 * M, 2 * H)]
    shop = result.business["shop"]
    assert shop.timeline.recovered_s is None
    assert shop.rto_met is None  # still down at the horizon, shorter than the RTO so far
    assert shop.timeline.first_impact_s == 30 * M
