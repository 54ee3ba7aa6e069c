"""Replays checked against the record: aws-2025-10-20 on small models, windows as published.

The published windows come from AWS's post-event summary (https://aws.amazon.com/message/101925/,
times in PDT, here in UTC): DynamoDB's regional endpoint had an empty DNS record from 11:48 PM
(06:48Z) until the records were restored at 2:25 AM (09:25Z); connections were fully restored at
2:40 AM (09:40Z). EC2 launches failed until network propagation recovered at 10:36 AM (17:36Z)
and were throttled until 1:50 PM (20:50Z).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import yaml

import aftershock
from aftershock.sim.outcome import Outcome

DNS_TTL = 60.0


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


DYNAMODB_DNS_EMPTY = at("2025-10-20T06:48")
DYNAMODB_RECORDS_BACK = at("2025-10-20T09:25")
DYNAMODB_CONNECTIONS_BACK = at("2025-10-20T09:40")
EC2_LAUNCHES_BACK = at("2025-10-20T17:36")
EC2_THROTTLES_LIFTED = at("2025-10-20T20:50")


def replay(components: dict[str, Any], entry: str = "app") -> Outcome:
    doc = {
        "aftershock": 1,
        "name": "record",
        "business_services": {"shop": {"entry": [entry], "cost_per_hour": 1000, "rpo": "5s"}},
        "components": components,
    }
    model = aftershock.load_model_text(yaml.safe_dump(doc), "record.yaml")
    incident = aftershock.load_incidents()["aws-2025-10-20"]
    return aftershock.replay(aftershock.compile_model(model), incident)


def windows(result: Outcome) -> list[tuple[str, datetime, datetime]]:
    assert result.origin is not None
    data = result.to_dict()["business_services"]["shop"]["timeline"]
    return [(i["state"], at(i["start"][:-1]), at(i["end"][:-1])) for i in data]


TABLE = {"kind": "datastore", "uses": "aws/dynamodb", "deploy": {"on": "aws/us-east-1"}}


def test_single_region_service_on_dynamodb_is_down_for_the_dynamodb_window() -> None:
    app = {
        "kind": "service",
        "deploy": {"on": "aws/us-east-1", "zones": 2},
        "depends_on": ["table"],
    }
    result = replay({"app": app, "table": TABLE})
    (down_state, down_from, down_to), (deg_state, deg_from, deg_to) = windows(result)
    assert down_state == "down" and deg_state == "degraded"
    # clients notice once their cached address expires, within one TTL of the empty record
    assert 0 <= (down_from - DYNAMODB_DNS_EMPTY).total_seconds() <= DNS_TTL
    assert down_to == DYNAMODB_RECORDS_BACK
    assert deg_from == DYNAMODB_RECORDS_BACK and deg_to == DYNAMODB_CONNECTIONS_BACK
    shop = result.business["shop"]
    assert (
        shop.timeline.down_s
        == (DYNAMODB_RECORDS_BACK - DYNAMODB_DNS_EMPTY).total_seconds() - DNS_TTL
    )
    assert shop.cost > 0


def test_active_active_with_a_global_table_rides_it_out() -> None:
    app = {
        "kind": "service",
        "deploy": [{"on": "aws/us-east-1", "zones": 2}, {"on": "aws/us-west-2", "zones": 2}],
        "depends_on": ["table"],
    }
    table = {**TABLE, "replicas": ["aws/us-west-2"], "replication": {"mode": "async", "lag": "2s"}}
    result = replay({"app": app, "table": table})
    assert windows(result) == []
    shop = result.business["shop"]
    assert shop.cost == 0 and shop.rto_met in (None, True)
    # losing the primary copy's endpoint exposes the replication lag, within the RPO
    assert shop.data_loss_s == 2.0 and shop.rpo_met is True


def test_work_that_launches_instances_waits_for_ec2_launches() -> None:
    batch = {
        "kind": "job",
        "uses": "aws/ec2",
        "planes": ["data", "control"],
        "deploy": {"on": "aws/us-east-1", "zones": 2},
    }
    result = replay({"batch": batch}, entry="batch")
    assert windows(result) == [
        ("down", DYNAMODB_DNS_EMPTY, EC2_LAUNCHES_BACK),
        ("degraded", EC2_LAUNCHES_BACK, EC2_THROTTLES_LIFTED),
    ]


def test_running_instances_are_untouched() -> None:
    app = {"kind": "service", "deploy": {"on": "aws/us-east-1", "zones": 2}}
    result = replay({"app": app})
    assert windows(result) == []


def test_the_record_is_not_stacked_on_the_catalog() -> None:
    """elb/data is recorded only degraded (12:30Z-21:09Z); the catalog's inferred dependency
    of the load balancer on EC2's control plane (down until 17:36Z) must not make it DOWN."""
    lb = {"kind": "service", "uses": "aws/elb", "deploy": {"on": "aws/us-east-1"}}
    result = replay({"lb": lb}, entry="lb")
    assert [w[0] for w in windows(result)] == ["degraded"]
    assert windows(result)[0][1] == at("2025-10-20T12:30")


def test_stretching_makes_it_last_longer() -> None:
    app = {
        "kind": "service",
        "deploy": {"on": "aws/us-east-1", "zones": 2},
        "depends_on": ["table"],
    }
    model = aftershock.load_model_text(
        yaml.safe_dump(
            {
                "aftershock": 1,
                "name": "record",
                "business_services": {"shop": {"entry": ["app"]}},
                "components": {"app": app, "table": TABLE},
            }
        )
    )
    graph = aftershock.compile_model(model)
    incident = aftershock.load_incidents()["aws-2025-10-20"]
    plain = aftershock.replay(graph, incident)
    longer = aftershock.replay(graph, incident, stretch=72 * 3600.0)
    factor = 72 * 3600.0 / incident.duration_s
    down = plain.business["shop"].timeline.down_s + DNS_TTL
    assert abs(longer.business["shop"].timeline.down_s + DNS_TTL - down * factor) < 1e-6
    assert longer.incident is not None and longer.incident["stretched_to_s"] == 72 * 3600.0
