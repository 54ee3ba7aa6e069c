"""CloudFormation templates to models: short-form tags, nested stacks, exports, zones,
NoEcho secrets, and clear errors for bad input. Own fixtures always run; the real
ecs-refarch templates in ../shared/realworld run when that folder is there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import aftershock
from aftershock.errors import ImportInputError
from aftershock.importers import ImportOptions, import_model, reader
from aftershock.importers.cfn_eval import Az, Evaluator, Stack
from aftershock.importers.cfn_template import load_template
from aftershock.model.spec import Model
from realworld import realworld

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures" / "import" / "cloudformation"
BAD = HERE / "fixtures" / "bad-imports"
ALL_TAGS = FIXTURES / "all-tags.yaml"
SHARED = FIXTURES / "shared.yaml"
PARENT = FIXTURES / "nested" / "parent.yaml"


def imported(*paths: Path, region: str | None = "aws/us-east-1") -> tuple[str, Model]:
    """Import, then load and check the model as a user would."""
    text = import_model([("cloudformation", list(paths))], ImportOptions(region=region))
    model = aftershock.load_model_text(text)
    aftershock.check(aftershock.compile_model(model))
    return text, model


def deps(model: Model, name: str) -> set[str]:
    return {d.on for d in model.components[name].depends_on}


def deploy(model: Model, name: str) -> list[tuple[str, object]]:
    return [(d.on, d.zones) for d in model.components[name].deploy]


def functions(node: Any) -> set[str]:
    """Return the intrinsic function names used anywhere in ``node``."""
    if isinstance(node, list):
        return {f for item in node for f in functions(item)}
    if not isinstance(node, dict):
        return set()
    own = {k for k in node if k in ("Ref", "Condition") or k.startswith("Fn::")}
    return own | {f for value in node.values() for f in functions(value)}


# -- templates and intrinsic functions -------------------------------------------------------


def test_every_short_form_tag_reads_as_its_long_form() -> None:
    template = load_template(ALL_TAGS)
    props = template.section("Resources")["SubnetA"]["Properties"]
    assert props["AvailabilityZone"] == {"Fn::Select": [0, {"Fn::GetAZs": ""}]}
    assert props["CidrBlock"]["Fn::Select"][1]["Fn::Cidr"][0] == {
        "Fn::GetAtt": ["Vpc", "CidrBlock"]
    }
    short = "Ref GetAtt Sub Join Select GetAZs If ImportValue FindInMap Split Base64 Equals Not"
    expected = {f"Fn::{n}" for n in short.split()[1:]} | {"Ref", "Condition"}
    expected |= {"Fn::And", "Fn::Or", "Fn::Cidr"}
    assert functions(template.data) == expected
    assert template.line("Resources", "WebGroup") == 113


def test_conditions_mappings_and_zones_evaluate_with_parameter_defaults() -> None:
    stack = Stack(load_template(ALL_TAGS), "", "all-tags", "us-east-1")
    evaluator = Evaluator([stack])
    resources = stack.resources
    assert evaluator.condition("IsProd", stack) is True
    assert evaluator.condition("IsDev", stack) is False
    assert evaluator.condition("HasExtra", stack) is True
    assert evaluator.condition("CreateDebug", stack) is False
    subnet_b = resources["SubnetB"]["Properties"]
    assert evaluator.value(subnet_b["AvailabilityZone"], stack) == Az(1)
    assert evaluator.value(subnet_b["CidrBlock"], stack) == "10.9.1.0/24"  # !If, !Select, !Split
    template = resources["LaunchTemplate"]["Properties"]["LaunchTemplateData"]
    assert evaluator.value(template["InstanceType"], stack) == "m6i.large"  # !FindInMap
    refs = evaluator.refs(template["UserData"], stack)  # !Base64 !Sub ${X.Attr}, ${!Literal}
    assert refs.keys == {"Database", "Cache"}


def test_all_tags_stack_components_zones_and_dependencies() -> None:
    text, model = imported(ALL_TAGS, SHARED)
    assert deploy(model, "WebGroup") == [("aws/us-east-1", 2)]  # !Select [0|1, !GetAZs]
    assert "AZ positions #0, #1" in text
    assert deps(model, "WebGroup") == {"Database", "Cache"}  # via the launch template
    assert deploy(model, "Database") == [("aws/us-east-1", 2)]  # MultiAZ: !If [IsProd, ...]
    assert model.components["Database"].uses == "aws/rds"
    assert deploy(model, "Cache") == [("aws/us-east-1", 2)]
    assert model.components["Profiles"].replicas == ["aws/eu-west-1"]  # the other replica
    assert "DebugBucket" not in model.components
    assert "DebugBucket skipped: condition CreateDebug is false" in text


def test_edge_dns_and_messaging_links() -> None:
    text, model = imported(ALL_TAGS, SHARED)
    assert deploy(model, "Cdn") == [("aws/global", None)]
    assert model.components["Cdn"].uses == "aws/cloudfront"
    # the origin is the bucket; users find the distribution through the zone's alias record
    assert deps(model, "Cdn") == {"Assets", "Zone"}
    assert "WwwRecord" not in model.components  # a record in a zone of the input
    assert deps(model, "AlertQueue") == {"Alerts"}  # the topic's subscription feeds the queue
    assert "AlertQueue" in deps(model, "Worker")  # and an event source mapping the function
    assert "replicates to arn:aws:s3:::acme-assets-dr, not in the input" in text


def test_import_value_resolves_to_another_input_or_becomes_a_placeholder() -> None:
    _, model = imported(ALL_TAGS, SHARED)
    # EVENTS_QUEUE imports shared.yaml's export; the role's policy names the global table
    assert deps(model, "Worker") >= {"EventsQueue", "Profiles", "shared-payments-api-url"}
    assert model.components["shared-payments-api-url"].kind == "external"
    assert "Vpc" not in model.components  # a VPC id import is networking, not a dependency


def test_no_echo_parameters_are_never_written() -> None:
    text, _ = imported(ALL_TAGS, SHARED)
    draft = reader("cloudformation")([ALL_TAGS], ImportOptions())
    assert "S3cretPassw0rd!" in ALL_TAGS.read_text()
    assert "S3cretPassw0rd!" in draft.secrets
    assert "S3cretPassw0rd!" not in text


def test_without_a_region_components_are_unplaced_and_zones_noted() -> None:
    text, model = imported(ALL_TAGS, SHARED, region=None)
    assert not model.components["WebGroup"].deploy
    assert "region unknown: a CloudFormation template does not name its region" in text
    assert "the input shows 2 zones (AZ positions #0, #1" in text
    assert model.components["Profiles"].replicas == ["aws/eu-west-1", "aws/us-east-1"]


# -- nested stacks ---------------------------------------------------------------------------


def test_nested_stack_is_read_from_the_local_copy_of_its_s3_url() -> None:
    text, model = imported(PARENT, region="aws/eu-west-1")
    cluster = model.components["Cluster"]  # in stacks/database.json, a JSON template
    assert cluster.uses == "aws/aurora"
    # the parent passes Zones "2", so the nested condition creates the reader: 2 members
    assert deploy(model, "Cluster") == [("aws/eu-west-1", 2)]
    assert deps(model, "Api") == {"Cluster", "ApiDns"}  # !GetAtt Database.Outputs.Endpoint
    assert deploy(model, "ApiDns") == [("aws/global", None)]
    assert "stacks/database.json:12: Cluster (AWS::RDS::DBCluster), nested stack Database" in text
    assert "nested stack Monitoring (parent.yaml:12)" in text
    assert "tried stacks/monitoring.yaml, monitoring.yaml" in text


def test_a_no_echo_value_passed_to_a_nested_stack_is_never_written() -> None:
    text, _ = imported(PARENT)
    draft = reader("cloudformation")([PARENT], ImportOptions())
    assert "Parent-Passed-Secret-42!" in draft.secrets
    assert "Parent-Passed-Secret-42!" not in text


def test_a_template_that_nests_itself_finishes(tmp_path: Path) -> None:
    (tmp_path / "loop.yaml").write_text(
        "Resources:\n"
        "  Queue: {Type: AWS::SQS::Queue}\n"
        "  Again:\n"
        "    Type: AWS::CloudFormation::Stack\n"
        "    Properties: {TemplateURL: https://s3.amazonaws.com/b/loop.yaml}\n"
    )
    text, model = imported(tmp_path / "loop.yaml")
    assert set(model.components) == {"Queue"}
    assert "includes its own ancestor loop.yaml" in text


def test_a_malformed_nested_template_is_named(tmp_path: Path) -> None:
    (tmp_path / "parent.yaml").write_text(
        "Resources:\n"
        "  Child:\n"
        "    Type: AWS::CloudFormation::Stack\n"
        "    Properties: {TemplateURL: ./child.yaml}\n"
    )
    (tmp_path / "child.yaml").write_text("Resources:\n  Queue:\n    Type: [unclosed\n")
    with pytest.raises(ImportInputError) as caught:
        imported(tmp_path / "parent.yaml")
    problem = caught.value.problems[0]
    assert problem.file == str(tmp_path / "child.yaml") and problem.line == 4


# -- real input: aws-samples/ecs-refarch-cloudformation --------------------------------------


def ecs_refarch() -> Path:
    return realworld("cloudformation", "ecs-refarch", "master.yaml")


def test_ecs_refarch_components_and_dependencies() -> None:
    text, model = imported(ecs_refarch())
    assert set(model.components) == {
        "LoadBalancer",
        "ECSCluster",
        "ECSAutoScalingGroup",
        "ProductService-Service",
        "WebsiteService-Service",
    }
    for service in ("ProductService-Service", "WebsiteService-Service"):
        # each service registers with the ALB's listener and runs on the ECS cluster
        assert deps(model, service) == {"LoadBalancer", "ECSCluster"}
        assert model.components[service].uses == "aws/ecs"
    # the website reaches the product service through the ALB's URL in its environment
    assert "ContainerDefinitions.Environment.Value -> ALB/LoadBalancer" in text
    assert deps(model, "ECSCluster") == {"ECSAutoScalingGroup"}  # its container instances
    # the hosts' security group admits only the load balancer's group
    assert deps(model, "LoadBalancer") == {"ECSAutoScalingGroup"}
    assert set(model.business_services) == {"ProductService-Service", "WebsiteService-Service"}


def test_ecs_refarch_runs_in_two_zones() -> None:
    text, model = imported(ecs_refarch())
    for name in model.components:  # public and private subnets: !Select [0|1, !GetAZs ""]
        assert deploy(model, name) == [("aws/us-east-1", 2)], name
    assert "subnets VPC/PublicSubnet1, VPC/PublicSubnet2" in text
    assert "subnets VPC/PrivateSubnet1, VPC/PrivateSubnet2" in text


def test_ecs_refarch_missing_nested_template_is_a_note() -> None:
    text, model = imported(ecs_refarch(), region=None)
    assert "# NOTE: nested stack LifecycleHook (master.yaml:85)" in text
    assert "tried ecs-refarch-cloudformation/infrastructure/lifecyclehook.yaml" in text
    assert all(not c.deploy for c in model.components.values())
    draft = reader("cloudformation")([ecs_refarch()], ImportOptions())
    assert "cloudformation: " in draft.sources[0] and "6 nested stack(s)" in draft.sources[0]


# -- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "line", "expect"),
    [
        ("cloudformation-malformed.yaml", 7, "YAML syntax error: did not find expected key"),
        ("cloudformation-malformed.json", 4, "not valid JSON: Expecting ',' delimiter"),
        ("cloudformation-not-a-template.yaml", 1, "no Resources section"),
        ("cloudformation-missing-type.yaml", 5, "resource 'Bucket' has no valid Type"),
        ("cloudformation-list.yaml", 1, "not a CloudFormation template: a list"),
        ("cloudformation-python-tag.yaml", 6, "unsupported YAML tag"),
    ],
)
def test_bad_input_is_named(name: str, line: int, expect: str) -> None:
    path = BAD / name
    with pytest.raises(ImportInputError) as caught:
        import_model([("cloudformation", [path])])
    problem = caught.value.problems[0]
    assert problem.file == str(path) and problem.line == line
    assert expect in str(caught.value)
    assert "hint:" in str(caught.value)


def test_yaml_aliases_cannot_expand_without_bound(tmp_path: Path) -> None:
    levels = ["l0: &l0 [" + ", ".join(["x"] * 10) + "]"]
    levels += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]" for i in range(1, 8)]
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("\n".join(levels) + "\nResources: {Q: {Type: AWS::SQS::Queue}}\n")
    with pytest.raises(ImportInputError, match="an alias bomb"):
        import_model([("cloudformation", [bomb])])


def test_not_a_template_is_refused_without_quoting_it() -> None:
    # a nested stack's URL may name any file: what is in it is never repeated in a message
    with pytest.raises(ImportInputError, match="no Resources section") as caught:
        import_model([("cloudformation", [BAD / "cloudformation-not-a-template.yaml"])])
    assert "services" not in str(caught.value)


def test_missing_files_and_networking_only_templates(tmp_path: Path) -> None:
    with pytest.raises(ImportInputError, match="file not found"):
        import_model([("cloudformation", [tmp_path / "nope.yaml"])])
    net = tmp_path / "network.yaml"
    net.write_text("Resources:\n  Vpc: {Type: AWS::EC2::VPC}\n")
    with pytest.raises(ImportInputError, match=r"no resource .* \(found AWS::EC2::VPC\)"):
        import_model([("cloudformation", [net])])
    with pytest.raises(ImportInputError, match="no CloudFormation template given"):
        reader("cloudformation")([], ImportOptions())
