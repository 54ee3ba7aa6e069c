"""AWS discovery against canned answers (FakeAws): what a local emulator cannot produce.

Denied services, refused credentials, DynamoDB global tables seen from two regions, RDS
read replicas across regions, credentials inside URLs, AZ ids the catalog does not know. None
of this needs boto3.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

import aftershock
from aftershock.errors import ImportInputError
from aftershock.importers import ImportOptions
from aftershock.importers.aws import CallFailed, FakeAws, read
from aftershock.importers.aws.api import Answer, Record
from aftershock.importers.emit import emit
from aftershock.model.spec import Component

ACCOUNT = "111122223333"
IDENTITY: Record = {"Account": ACCOUNT}
ZONES: Record = {
    "AvailabilityZones": [
        {"ZoneName": "us-east-1a", "ZoneId": "use1-az4"},
        {"ZoneName": "us-east-1b", "ZoneId": "use1-az6"},
    ]
}


def _import(answers: dict[str, Answer], *regions: str) -> str:
    api = FakeAws({"sts.get_caller_identity": IDENTITY, **answers})
    draft = read([], ImportOptions(regions=regions or ("us-east-1",)), api=api)
    text = emit(draft)
    aftershock.check(aftershock.compile_model(aftershock.load_model_text(text)))
    return text


def _components(text: str) -> dict[str, Component]:
    return dict(aftershock.load_model_text(text).components)


def _table(region: str, replicas: list[str]) -> Record:
    return {
        "Table": {
            "TableName": "features",
            "TableArn": f"arn:aws:dynamodb:{region}:{ACCOUNT}:table/features",
            "Replicas": [{"RegionName": r} for r in replicas],
        }
    }


def _lambda(region: str, env: Mapping[str, str], name: str = "api") -> Record:
    return {
        "Functions": [
            {
                "FunctionName": name,
                "FunctionArn": f"arn:aws:lambda:{region}:{ACCOUNT}:function:{name}",
                "Environment": {"Variables": dict(env)},
            }
        ]
    }


def test_a_denied_service_is_a_header_note_and_discovery_goes_on() -> None:
    denied = CallFailed("rds", "describe_db_instances", "AccessDenied", "", "DescribeDBInstances")
    text = _import(
        {
            "rds.describe_db_instances": denied,
            "dynamodb.list_tables": {"TableNames": ["features"]},
            "dynamodb.describe_table": _table("us-east-1", []),
        }
    )
    assert (
        "# NOTE: rds:DescribeDBInstances was denied in us-east-1: RDS instances not discovered; "
        "grant it (the AWS managed policy ReadOnlyAccess covers discovery) or set AWS_PROFILE"
    ) in text
    assert "features" in _components(text)


def test_refused_credentials_stop_the_import_with_a_hint() -> None:
    refused = CallFailed("sts", "get_caller_identity", "InvalidClientTokenId", "bad token")
    api = FakeAws({"sts.get_caller_identity": refused})
    with pytest.raises(ImportInputError, match="AWS refused the credentials") as caught:
        read([], ImportOptions(regions=("us-east-1",)), api=api)
    assert "AWS_PROFILE" in str(caught.value)


def test_every_listing_denied_is_an_error_naming_the_permissions() -> None:
    def deny(service: str, operation: str) -> CallFailed:
        return CallFailed(service, operation, "AccessDenied")

    class DenyAll(FakeAws):
        def pages(self, service: str, region: str, operation: str, **params: Any) -> Any:
            if service == "sts":
                return iter([IDENTITY])
            raise deny(service, operation)

    with pytest.raises(ImportInputError, match="every AWS listing was denied") as caught:
        read([], ImportOptions(regions=("us-east-1",)), api=DenyAll())
    assert "ec2:DescribeInstances" in str(caught.value)
    assert "s3:ListAllMyBuckets" in str(caught.value)


def test_a_global_table_seen_from_two_regions_is_one_component_with_replicas() -> None:
    text = _import(
        {
            "dynamodb.list_tables": {"TableNames": ["features"]},
            "dynamodb.describe_table@us-east-1": _table("us-east-1", ["us-west-2", "eu-west-1"]),
            "dynamodb.describe_table@us-west-2": _table("us-west-2", ["us-east-1", "eu-west-1"]),
            "lambda.list_functions@us-west-2": _lambda("us-west-2", {"TABLE": "features"}),
        },
        "us-east-1",
        "us-west-2",
    )
    components = _components(text)
    assert sorted(components) == ["api", "features"]
    assert components["features"].replicas == ["aws/eu-west-1", "aws/us-west-2"]
    assert [d.on for d in components["features"].deploy] == ["aws/us-east-1"]
    assert [d.on for d in components["api"].depends_on] == ["features"]
    assert "lag was not measured" in text


def test_a_cross_region_read_replica_is_a_replica_region_of_its_source() -> None:
    source = f"arn:aws:rds:us-east-1:{ACCOUNT}:db:accounts"
    replica = f"arn:aws:rds:eu-west-1:{ACCOUNT}:db:accounts-eu"
    text = _import(
        {
            "ec2.describe_availability_zones@us-east-1": ZONES,
            "rds.describe_db_instances@us-east-1": {
                "DBInstances": [
                    {
                        "DBInstanceIdentifier": "accounts",
                        "DBInstanceArn": source,
                        "Engine": "postgres",
                        "MultiAZ": True,
                        "AvailabilityZone": "us-east-1a",
                        "SecondaryAvailabilityZone": "us-east-1b",
                        "ReadReplicaDBInstanceIdentifiers": [replica],
                    }
                ]
            },
            "rds.describe_db_instances@eu-west-1": {
                "DBInstances": [
                    {
                        "DBInstanceIdentifier": "accounts-eu",
                        "DBInstanceArn": replica,
                        "Engine": "postgres",
                        "ReadReplicaSourceDBInstanceIdentifier": source,
                        "Endpoint": {"Address": "accounts-eu.abc.eu-west-1.rds.amazonaws.com"},
                    }
                ]
            },
            "lambda.list_functions@eu-west-1": _lambda(
                "eu-west-1", {"DB_HOST": "accounts-eu.abc.eu-west-1.rds.amazonaws.com"}, "reader"
            ),
        },
        "us-east-1",
        "eu-west-1",
    )
    components = _components(text)
    assert sorted(components) == ["accounts", "reader"]
    assert components["accounts"].replicas == ["aws/eu-west-1"]
    assert components["accounts"].deploy[0].zones == ["use1-az4", "use1-az6"]
    assert [d.on for d in components["reader"].depends_on] == ["accounts"]


def test_credentials_inside_a_url_are_withheld_but_the_host_is_a_dependency() -> None:
    url = "postgres://app:Sup3rS3cretValue@accounts.abc.us-east-1.rds.amazonaws.com:5432/app"
    text = _import(
        {
            "rds.describe_db_instances": {
                "DBInstances": [
                    {
                        "DBInstanceIdentifier": "accounts",
                        "DBInstanceArn": f"arn:aws:rds:us-east-1:{ACCOUNT}:db:accounts",
                        "Endpoint": {"Address": "accounts.abc.us-east-1.rds.amazonaws.com"},
                    }
                ]
            },
            "lambda.list_functions": _lambda(
                "us-east-1", {"DATABASE_URL": url, "API_TOKEN": "tok_live_9f8e7d6c5b4a3f2e1d0c"}
            ),
        }
    )
    assert "Sup3rS3cret" not in text and "tok_live" not in text
    assert "- accounts  # env DATABASE_URL (value withheld: it looks like a credential)" in text


def test_az_ids_outside_the_catalog_become_a_count_and_a_note() -> None:
    text = _import(
        {
            "ec2.describe_availability_zones": {
                "AvailabilityZones": [{"ZoneName": "us-east-1-bos-1a", "ZoneId": "use1-bos1-az1"}]
            },
            "autoscaling.describe_auto_scaling_groups": {
                "AutoScalingGroups": [
                    {"AutoScalingGroupName": "edge", "AvailabilityZones": ["us-east-1-bos-1a"]}
                ]
            },
        }
    )
    assert _components(text)["edge"].deploy[0].zones == 1
    assert "whose AZ ids are not in the catalog: zones: 1 stands for" in text


@pytest.mark.parametrize(
    ("regions", "message"),
    [
        ((), "no AWS region given to discover"),
        (("us-esat-1",), "unknown AWS region 'us-esat-1'; did you mean 'us-east-1'?"),
    ],
)
def test_regions_are_checked_before_any_call(regions: tuple[str, ...], message: str) -> None:
    api = FakeAws()
    with pytest.raises(ImportInputError, match=message):
        read([], ImportOptions(regions=regions), api=api)
    assert api.calls == []


def test_the_aws_prefix_and_repeats_are_accepted() -> None:
    api = FakeAws({"sts.get_caller_identity": IDENTITY})
    read([], ImportOptions(regions=("aws/us-east-1", "us-east-1")), api=api)
    assert {region for _, region, _ in api.calls} == {"us-east-1"}


def test_every_listing_is_paginated_through() -> None:
    pages = [{"TableNames": ["a-table"]}, {"TableNames": ["b-table"]}]

    def describe(region: str, params: Mapping[str, Any]) -> list[Record]:
        name = params["TableName"]
        arn = f"arn:aws:dynamodb:{region}:{ACCOUNT}:table/{name}"
        return [{"Table": {"TableName": name, "TableArn": arn}}]

    text = _import({"dynamodb.list_tables": pages, "dynamodb.describe_table": describe})
    assert {"a-table", "b-table"} <= set(_components(text))
