"""The shipped catalog: complete where the issue asks, sourced everywhere, internally consistent."""

from __future__ import annotations

import re

import pytest

from aftershock.catalog.load import Catalog, load_catalog

AWS_SERVICES = [
    "ec2",
    "lambda",
    "ecs",
    "eks",
    "dynamodb",
    "s3",
    "rds",
    "aurora",
    "elasticache",
    "sqs",
    "sns",
    "kinesis",
    "elb",
    "route53",
    "cloudfront",
    "api-gateway",
    "iam",
    "sts",
    "cognito",
    "secretsmanager",
    "kms",
    "sagemaker",
    "bedrock",
]
VENDORS = [
    "stripe",
    "okta",
    "auth0",
    "twilio",
    "slack",
    "datadog",
    "pagerduty",
    "github",
    "snowflake",
    "openai",
    "anthropic",
]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def test_providers(catalog: Catalog) -> None:
    assert {"aws", "gcp", "azure", "cloudflare"} <= set(catalog.providers)


def test_aws_services_and_regions(catalog: Catalog) -> None:
    aws = catalog.providers["aws"]
    assert set(AWS_SERVICES) <= set(aws.services)
    commercial = [r for r in aws.regions if not r.startswith(("us-gov", "cn-"))]
    assert len(commercial) >= 30
    for rid in commercial:
        zones = aws.regions[rid].zones
        assert zones, rid
        prefixes = {z.split("-az")[0] for z in zones}
        assert len(prefixes) == 1, (rid, zones)
        assert all(re.fullmatch(r"[a-z0-9]+-az\d+", z) for z in zones)
    assert aws.regions["us-east-1"].zones[:3] == ["use1-az1", "use1-az2", "use1-az3"]


def test_zone_ids_are_unique_across_the_catalog(catalog: Catalog) -> None:
    seen: dict[str, str] = {}
    for pid, prov in catalog.providers.items():
        for rid, region in prov.regions.items():
            for zone in region.zones:
                assert zone not in seen, (zone, seen.get(zone), f"{pid}/{rid}")
                seen[zone] = f"{pid}/{rid}"


def test_every_dependency_and_home_has_a_public_source(catalog: Catalog) -> None:
    for pid, prov in catalog.providers.items():
        for sid, svc in prov.services.items():
            assert str(svc.source).startswith("https://"), (pid, sid)
            for dep in svc.depends_on:
                assert str(dep.source).startswith("https://"), (pid, sid, dep.on)
            for pname, plane in svc.planes.items():
                if plane.home is not None:
                    assert plane.source is not None or svc.source, (pid, sid, pname)


def test_the_october_2025_chain_is_in_the_catalog(catalog: Catalog) -> None:
    ec2 = catalog.providers["aws"].services["ec2"]
    deps = {(d.plane, d.on) for d in ec2.depends_on}
    assert ("control", "dynamodb") in deps
    assert "101925" in next(str(d.source) for d in ec2.depends_on if d.on == "dynamodb")
    iam = catalog.providers["aws"].services["iam"]
    assert iam.planes["control"].home == "us-east-1"
    assert catalog.providers["aws"].services["sts"].global_endpoint is not None


def test_gcp_and_azure_have_their_core_services(catalog: Catalog) -> None:
    gcp = catalog.providers["gcp"].services
    assert {"compute-engine", "gke", "gcs", "cloud-sql", "spanner", "pubsub", "iam"} <= set(gcp)
    azure = catalog.providers["azure"].services
    assert {"virtual-machines", "aks", "storage", "cosmos-db", "entra-id", "front-door"} <= set(
        azure
    )


def test_vendors_say_what_is_known_and_where_nothing_is(catalog: Catalog) -> None:
    assert set(VENDORS) <= set(catalog.vendors)
    for vid, vendor in catalog.vendors.items():
        if vendor.placement == "unknown":
            assert not vendor.runs_on, vid
        else:
            assert vendor.runs_on and vendor.sources, vid
