"""Hypothesis strategies for small random but valid models."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

REGIONS = ["aws/us-east-1", "aws/us-west-2", "aws/eu-west-1"]
ZONAL_OR_SELF = [None, "aws/elasticache", "aws/rds"]
REGIONAL = ["aws/dynamodb", "aws/s3", "aws/sqs", "aws/lambda"]
GLOBAL = ["aws/sts", "aws/route53", "aws/iam"]
FAILOVER_TARGETS = [
    "aws/global/route53/control",
    "aws/us-east-1/dynamodb/data",
    "aws/us-west-2",
    "aws/us-east-1/use1-az1",
]


@st.composite
def deployment(draw: st.DrawFn, uses: str | None) -> dict[str, Any]:
    region = draw(st.sampled_from(REGIONS))
    entry: dict[str, Any] = {"on": region}
    if uses in REGIONAL and draw(st.booleans()):
        return entry
    zones = draw(st.integers(1, 3))
    entry["zones"] = zones
    if zones > 1 and draw(st.booleans()):
        entry["min_healthy"] = draw(st.integers(1, zones))
    return entry


@st.composite
def models(draw: st.DrawFn, max_components: int = 6) -> dict[str, Any]:
    """Return a valid model document with 1 to ``max_components`` components."""
    n = draw(st.integers(1, max_components))
    names = [f"c{i}" for i in range(n)]
    components: dict[str, Any] = {}
    for name in names:
        flavour = draw(st.sampled_from(["self", "zonal", "regional", "global", "vendor"]))
        comp: dict[str, Any] = {"kind": "service"}
        if flavour == "vendor":
            comp["kind"] = "external"
            comp["vendor"] = draw(st.sampled_from(["stripe", "okta", "acme-saas"]))
            if draw(st.booleans()):
                comp["runs_on"] = draw(
                    st.lists(st.sampled_from(REGIONS), min_size=1, max_size=2, unique=True)
                )
        elif flavour == "global":
            comp["uses"] = draw(st.sampled_from(GLOBAL))
            comp["deploy"] = {"on": "aws/global"}
        else:
            uses = draw(st.sampled_from(ZONAL_OR_SELF if flavour != "regional" else REGIONAL))
            if uses:
                comp["uses"] = uses
                comp["kind"] = "datastore"
            sites = draw(st.integers(1, 2))
            deploys = []
            seen: set[str] = set()
            for _ in range(sites):
                d = draw(deployment(uses))
                if d["on"] not in seen:
                    seen.add(d["on"])
                    deploys.append(d)
            comp["deploy"] = deploys
            if len(deploys) > 1 and draw(st.booleans()):
                comp["strategy"] = "active-passive"
                comp["failover"] = {
                    "detect": "1m",
                    "needs_new_capacity": draw(st.booleans()),
                    "uses": draw(
                        st.lists(
                            st.sampled_from([*FAILOVER_TARGETS, *names]), max_size=2, unique=True
                        )
                    ),
                }
            if uses in REGIONAL and draw(st.booleans()):
                others = [r for r in REGIONS if r not in seen]
                comp["replicas"] = (
                    draw(st.lists(st.sampled_from(others), max_size=1)) if others else []
                )
            if uses is None and draw(st.integers(0, 3)) == 0:
                comp["planes"] = ["data"]
        deps = []
        for other in draw(st.lists(st.sampled_from(names), max_size=3, unique=True)):
            style = draw(st.sampled_from(["hard", "hard", "soft", "fallback", "forever"]))
            if style == "hard":
                deps.append(other)
            elif style == "soft":
                deps.append({"on": other, "soft": True})
            elif style == "fallback":
                deps.append({"on": other, "fallback": {"mode": "degraded", "holds": "10m"}})
            else:
                deps.append({"on": other, "fallback": {"mode": "degraded"}})
        if deps:
            comp["depends_on"] = deps
        components[name] = comp
    # A component named like a vendor in use is ambiguous: the contract forbids it.
    services = {}
    for i in range(draw(st.integers(1, 3))):
        entry = draw(st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True))
        services[f"bs{i}"] = {"entry": entry, "cost_per_hour": 1000 * (i + 1), "degraded_cost": 0.5}
    return {
        "aftershock": 1,
        "name": "random",
        "business_services": services,
        "components": components,
    }
