"""Live AWS discovery against a real local AWS emulator (a moto server on loopback).

The module fixture builds a small stack with boto3 (a VPC over two zones, an Auto Scaling group
behind an ALB, a Multi-AZ RDS instance, an Aurora cluster, a DynamoDB table, an ElastiCache
replication group, an SQS queue feeding a Lambda function whose environment names the table,
the queue, the database and a password, an S3 bucket replicated to us-west-2), imports it once,
and the tests read the model a user would get. What the emulator cannot do (denied calls,
global tables, cross-region read replicas) is tested with a fake in test_import_aws_fake.py.
"""

from __future__ import annotations

import io
import socket
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import aftershock
from aftershock.errors import ImportInputError
from aftershock.importers import ImportOptions, import_model

boto3 = pytest.importorskip("boto3", reason="the aws importer needs boto3: pip install boto3")
moto_server = pytest.importorskip(
    "moto.server", reason="these tests need a local moto server: pip install 'moto[server]'"
)

SECRET = "S3cretPassw0rd!"
URL_SECRET = "Qu3ryPassw0rd"
"""A password in a query string of a URL whose host is a dependency."""


@dataclass(frozen=True)
class Stack:
    """The emulator's address and the model imported from it."""

    url: str
    text: str
    queue_url: str


def _lambda_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handle(event, context):\n    return None\n")
    return buffer.getvalue()


def _build(url: str) -> str:
    """Create the stack in the emulator; return the queue URL."""

    def client(service: str, region: str = "us-east-1") -> Any:
        return boto3.client(service, region_name=region, endpoint_url=url)

    ec2 = client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=zone)["Subnet"][
            "SubnetId"
        ]
        for i, zone in enumerate(("us-east-1a", "us-east-1b"), 1)
    ]
    image = ec2.describe_images()["Images"][0]["ImageId"]
    elb = client("elbv2")
    alb = elb.create_load_balancer(Name="web-alb", Subnets=subnets, Type="application")
    alb_arn = alb["LoadBalancers"][0]["LoadBalancerArn"]
    group = elb.create_target_group(
        Name="web-tg", Protocol="HTTP", Port=80, VpcId=vpc, TargetType="instance"
    )["TargetGroups"][0]["TargetGroupArn"]
    elb.create_listener(
        LoadBalancerArn=alb_arn,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": group}],
    )
    scaling = client("autoscaling")
    scaling.create_launch_configuration(
        LaunchConfigurationName="web", ImageId=image, InstanceType="t3.micro"
    )
    scaling.create_auto_scaling_group(
        AutoScalingGroupName="web",
        LaunchConfigurationName="web",
        MinSize=2,
        MaxSize=4,
        DesiredCapacity=2,
        VPCZoneIdentifier=",".join(subnets),
        TargetGroupARNs=[group],
    )
    ec2.run_instances(
        ImageId=image,
        MinCount=1,
        MaxCount=1,
        SubnetId=subnets[1],
        TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "app", "Value": "reports"}]}
        ],
    )
    rds = client("rds")
    database = rds.create_db_instance(
        DBInstanceIdentifier="accounts",
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        MasterUsername="app",
        MasterUserPassword=SECRET,
        AllocatedStorage=20,
        MultiAZ=True,
    )["DBInstance"]
    rds.create_db_cluster(
        DBClusterIdentifier="vectors",
        Engine="aurora-postgresql",
        MasterUsername="app",
        MasterUserPassword=SECRET,
        AvailabilityZones=["us-east-1a", "us-east-1b"],
    )
    client("dynamodb").create_table(
        TableName="features",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )
    client("elasticache").create_replication_group(
        ReplicationGroupId="sessions",
        ReplicationGroupDescription="conversation cache",
        Engine="redis",
        CacheNodeType="cache.t3.micro",
        NumCacheClusters=2,
        AutomaticFailoverEnabled=True,
        MultiAZEnabled=True,
    )
    sqs = client("sqs")
    queue = sqs.create_queue(QueueName="ingest")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])
    role = client("iam").create_role(RoleName="embedder", AssumeRolePolicyDocument="{}")
    functions = client("lambda")
    # Creating a function does not need docker in moto; only invoking it would.
    functions.create_function(
        FunctionName="embedder",
        Runtime="python3.12",
        Role=role["Role"]["Arn"],
        Handler="handler.handle",
        Code={"ZipFile": _lambda_zip()},
        Environment={
            "Variables": {
                "TABLE_NAME": "features",
                "QUEUE_URL": queue,
                "DB_HOST": database["Endpoint"]["Address"],
                "DB_PASSWORD": SECRET,
                "STAGE": "prod",
                "DATABASE_URL": f"postgresql://{database['Endpoint']['Address']}:5432/app"
                f"?user=app&password={URL_SECRET}&sslmode=require",
            }
        },
    )
    functions.create_event_source_mapping(
        EventSourceArn=queue_arn["Attributes"]["QueueArn"], FunctionName="embedder"
    )
    s3 = client("s3")
    west = client("s3", "us-west-2")
    s3.create_bucket(Bucket="uploads")
    west.create_bucket(
        Bucket="uploads-dr", CreateBucketConfiguration={"LocationConstraint": "us-west-2"}
    )
    for store, bucket in ((s3, "uploads"), (west, "uploads-dr")):
        store.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_replication(
        Bucket="uploads",
        ReplicationConfiguration={
            "Role": role["Role"]["Arn"],
            "Rules": [
                {
                    "ID": "dr",
                    "Status": "Enabled",
                    "Priority": 1,
                    "Filter": {},
                    "DeleteMarkerReplication": {"Status": "Disabled"},
                    "Destination": {"Bucket": "arn:aws:s3:::uploads-dr"},
                }
            ],
        },
    )
    return str(queue)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A moto server with the stack in it, and the model imported from it."""
    nowhere = tmp_path_factory.mktemp("aws") / "absent"
    with pytest.MonkeyPatch.context() as env:
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
            env.delenv(name, raising=False)
        env.setenv("AWS_ACCESS_KEY_ID", "testing")
        env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        env.setenv("AWS_DEFAULT_REGION", "us-east-1")
        env.setenv("AWS_CONFIG_FILE", str(nowhere))
        env.setenv("AWS_SHARED_CREDENTIALS_FILE", str(nowhere))
        server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        try:
            host, port = server.get_host_and_port()
            url = f"http://{host}:{port}"
            queue = _build(url)
            options = ImportOptions(regions=("us-east-1",), endpoint_url=url)
            yield Stack(url, import_model([("aws", [])], options), queue)
        finally:
            server.stop()


def _model(text: str) -> aftershock.Model:
    return aftershock.load_model_text(text, "aws.yaml")


def _depends(model: aftershock.Model, name: str) -> set[str]:
    return {dep.on for dep in model.components[name].depends_on}


def test_components_carry_the_catalog_service_and_kind(stack: Stack) -> None:
    components = _model(stack.text).components
    expect = {
        "web": ("service", "aws/ec2"),
        "reports": ("service", "aws/ec2"),
        "web-alb": ("service", "aws/elb"),
        "accounts": ("datastore", "aws/rds"),
        "vectors": ("datastore", "aws/aurora"),
        "features": ("datastore", "aws/dynamodb"),
        "sessions": ("cache", "aws/elasticache"),
        "ingest": ("queue", "aws/sqs"),
        "embedder": ("job", "aws/lambda"),
        "uploads": ("storage", "aws/s3"),
    }
    assert {n: (c.kind, c.uses) for n, c in components.items()} == expect


def test_zones_are_this_accounts_az_ids(stack: Stack) -> None:
    components = _model(stack.text).components

    def deploy(name: str) -> tuple[str, object]:
        (entry,) = components[name].deploy
        return entry.on, entry.zones

    # moto maps us-east-1a to use1-az6 and us-east-1b to use1-az1, as AWS does per account
    assert deploy("web") == ("aws/us-east-1", ["use1-az1", "use1-az6"])
    assert deploy("web-alb") == ("aws/us-east-1", ["use1-az1", "use1-az6"])
    assert deploy("reports") == ("aws/us-east-1", ["use1-az1"])
    assert deploy("accounts") == ("aws/us-east-1", 2)  # Multi-AZ; the standby zone is unreported
    assert deploy("features") == ("aws/us-east-1", None)  # regional
    assert "us-east-1a=use1-az6, us-east-1b=use1-az1" in stack.text
    assert "standby zone not reported" in stack.text


def test_dependencies_come_from_target_groups_and_lambda_settings(stack: Stack) -> None:
    model = _model(stack.text)
    assert _depends(model, "web-alb") == {"web"}
    assert _depends(model, "embedder") == {"features", "ingest", "accounts"}
    assert "- web  # target group web-tg routes to it" in stack.text
    assert "- features  # env TABLE_NAME=features" in stack.text
    assert f"- ingest  # env QUEUE_URL={stack.queue_url}" in stack.text


def test_replicas_and_sizes_are_read(stack: Stack) -> None:
    components = _model(stack.text).components
    assert components["uploads"].replicas == ["aws/us-west-2"]
    assert "MinSize 2, DesiredCapacity 2, MaxSize 4" in stack.text
    assert "stream enabled (NEW_IMAGE)" in stack.text
    assert "point-in-time recovery: disabled" in stack.text
    assert "S3 buckets in regions not scanned were left out (us-west-2: 1)" in stack.text


def test_the_secret_never_appears(stack: Stack) -> None:
    assert SECRET not in stack.text and URL_SECRET not in stack.text
    assert "?user=app&password=(withheld)&sslmode=require" in stack.text  # the database's URL
    assert "DB_PASSWORD" not in stack.text  # it names nothing, so nothing quotes it
    assert "STAGE" not in stack.text


def test_the_model_loads_and_checks(stack: Stack) -> None:
    graph = aftershock.compile_model(_model(stack.text))
    result = aftershock.check(graph)
    assert set(result.to_dict()["business_services"]) >= {"embedder", "web-alb"}


def test_the_same_account_imports_the_same_model(stack: Stack) -> None:
    options = ImportOptions(regions=("us-east-1",), endpoint_url=stack.url)
    assert import_model([("aws", [])], options) == stack.text


def test_no_region_is_a_clear_error(stack: Stack) -> None:
    with pytest.raises(ImportInputError, match="no AWS region given") as caught:
        import_model([("aws", [])], ImportOptions(endpoint_url=stack.url))
    assert "--aws-region us-east-1" in str(caught.value)


def test_a_refused_endpoint_is_a_clear_error(stack: Stack) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    with pytest.raises(ImportInputError, match=f"cannot reach {url}") as caught:
        import_model([("aws", [])], ImportOptions(regions=("us-east-1",), endpoint_url=url))
    assert "check --endpoint-url" in str(caught.value)


def test_files_are_refused(stack: Stack) -> None:
    options = ImportOptions(regions=("us-east-1",), endpoint_url=stack.url)
    with pytest.raises(ImportInputError, match="reads a live account, not files"):
        import_model([("aws", [Path("stack.yaml")])], options)
