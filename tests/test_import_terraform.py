"""Terraform plans and states to models: regions, zones, replicas, dependencies, secrets, and
clear errors for bad input. Own fixtures always run; the real inputs in ../shared/realworld
run when that folder is there."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import aftershock
from aftershock.errors import ImportInputError
from aftershock.importers import ImportOptions, import_model, reader
from aftershock.importers.aws_placement import Zones, place
from aftershock.model.spec import Model
from realworld import realworld

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures" / "import" / "terraform"
BAD = HERE / "fixtures" / "bad-imports"
PLAN = FIXTURES / "two-regions-plan.json"
STATE = FIXTURES / "ecs-aurora-state.json"
RAW = FIXTURES / "raw-state-v4.tfstate"


def imported(*paths: Path, region: str | None = None) -> tuple[str, Model]:
    """Import, then load and check the model as a user would."""
    text = import_model([("terraform", list(paths))], ImportOptions(region=region))
    model = aftershock.load_model_text(text)
    aftershock.check(aftershock.compile_model(model))
    return text, model


def deps(model: Model, name: str) -> set[str]:
    return {d.on for d in model.components[name].depends_on}


def deploy(model: Model, name: str) -> list[tuple[str, object]]:
    return [(d.on, d.zones) for d in model.components[name].deploy]


# -- a plan with two provider aliases --------------------------------------------------------


def test_provider_aliases_place_resources_in_their_regions() -> None:
    _, model = imported(PLAN)
    assert deploy(model, "alerts") == [("aws/us-west-2", None)]  # provider aws.west
    assert deploy(model, "jobs") == [("aws/us-east-1", None)]  # provider aws: var.region
    assert model.components["alerts"].uses == "aws/sns"


def test_an_auto_scaling_group_over_two_subnets_runs_in_two_zones() -> None:
    text, model = imported(PLAN)
    assert deploy(model, "app") == [("aws/us-east-1", 2)]
    assert model.components["app"].uses is None  # self-run on EC2
    assert "AZ names us-east-1a, us-east-1b" in text
    assert "only the count is written" in text
    assert deploy(model, "web") == [("aws/us-east-1", 2)]  # the ALB's subnets
    assert deploy(model, "sessions") == [("aws/us-east-1", 2)]  # 2 nodes, automatic failover


def test_multi_az_rds_takes_two_zones() -> None:
    text, model = imported(PLAN)
    assert model.components["main"].uses == "aws/rds"
    assert deploy(model, "main") == [("aws/us-east-1", 2)]
    assert "multi_az = true: a standby in a second zone" in text


def test_dynamodb_replica_and_s3_replication_become_replicas() -> None:
    _, model = imported(PLAN)
    assert model.components["orders"].replicas == ["aws/us-west-2"]
    assert model.components["assets"].replicas == ["aws/us-west-2"]
    assert "assets_replica" not in model.components  # folded into its source bucket
    assert model.components["orders"].replication is not None


def test_references_become_dependencies_through_non_components() -> None:
    _, model = imported(PLAN)
    # the launch template's user data names the database, queue and cache; the target group
    # reaches the load balancer through its listener
    assert deps(model, "app") == {"web", "main", "jobs", "sessions"}
    # a module's lambda: the event source mapping feeds it the queue passed in as a variable
    assert deps(model, "worker") == {"jobs", "orders"}
    assert deps(model, "cdn") == {"assets", "web"}
    assert deps(model, "web") == {"public"}  # reached through the Route 53 alias
    assert deploy(model, "cdn") == [("aws/global", None)]
    assert "aws_launch_template" not in " ".join(model.components)


def test_sensitive_values_are_never_written() -> None:
    secrets = ("S3cretPassw0rd!", "redis-auth-T0ken-4f9c2b7e1d")
    plan = json.loads(PLAN.read_text())
    assert plan["planned_values"]["root_module"]["resources"]  # the values are in the input
    text, _ = imported(PLAN)
    draft = reader("terraform")([PLAN], ImportOptions())
    for secret in secrets:
        assert secret in PLAN.read_text()
        assert secret in draft.secrets
        assert secret not in text


# -- a state: references by equal values -----------------------------------------------------


def test_state_attribute_values_that_name_resources_become_dependencies() -> None:
    _, model = imported(STATE)
    assert deps(model, "ecs_service-api") == {"lb-api", "main", "orders_primary"}
    assert deps(model, "main") == {"ecs"}  # the ECS cluster's capacity is the ASG
    assert deps(model, "k8s") == {"workers"}  # and the EKS cluster's its node group
    assert deps(model, "ecs") == set()
    assert deps(model, "lb-api") == {"route53_record-api"}  # alias to the LB's DNS name


def test_state_zone_ids_regions_and_global_database() -> None:
    _, model = imported(STATE)
    assert deploy(model, "lb-api") == [("aws/eu-west-1", ["euw1-az1", "euw1-az2"])]
    assert deploy(model, "ecs") == [("aws/eu-west-1", ["euw1-az1", "euw1-az2", "euw1-az3"])]
    assert deploy(model, "ecs_service-api") == deploy(model, "main") == deploy(model, "ecs")
    aurora = model.components["orders_primary"]
    assert aurora.uses == "aws/aurora"
    assert deploy(model, "orders_primary") == [("aws/eu-west-1", 2)]  # two member instances
    assert aurora.replicas == ["aws/eu-central-1"]  # the global cluster's secondary
    assert "orders_secondary" not in model.components
    assert deploy(model, "route53_record-api") == [("aws/global", None)]


def test_state_secrets_and_a_cycle_of_non_components() -> None:
    text, _ = imported(STATE)
    assert "Sup3r-Secret-Aurora-Pw" not in text  # sensitive_values and a sensitive output


def test_raw_state_v4() -> None:
    text, model = imported(RAW)
    assert "Tr0ub4dor&3-horse-battery" not in text  # sensitive_attributes
    assert model.components["db"].replicas == ["aws/us-west-2"]  # read replica, provider alias
    assert "replica" not in model.components
    assert deps(model, "web") == {"db", "worker"} and deps(model, "worker") == {"web"}
    assert deps(model, "consumer") == {"jobs"}  # QUEUE_URL equals the queue's id


def test_several_inputs_are_one_model() -> None:
    _, model = imported(PLAN, RAW)
    assert {"app", "consumer"} <= set(model.components)
    # the two inputs' aws_sqs_queue.jobs are kept apart, named after their files
    assert {"two-regions-plan-sqs_queue-jobs", "raw-state-v4-sqs_queue-jobs"} <= set(
        model.components
    )


# -- placement rules -------------------------------------------------------------------------


def test_placement_writes_known_zone_ids_and_counts_names() -> None:
    ids = Zones(ids={"use1-az4", "use1-az1"})
    assert place("us-east-1", ids).deploy == [
        {"on": "aws/us-east-1", "zones": ["use1-az1", "use1-az4"]}
    ]
    names = Zones(names={"us-east-1a", "us-east-1b", "us-east-1c"})
    assert place("us-east-1", names).deploy == [{"on": "aws/us-east-1", "zones": 3}]
    many = Zones(positions=set(range(5)))
    out = place("us-west-1", many)
    assert out.deploy == [{"on": "aws/us-west-1", "zones": 3}] and "capped" in out.notes[0]
    china = place("cn-north-1", names)
    assert china.deploy == [{"on": "aws/cn-north-1"}] and "no zone ids" in china.notes[0]
    assert place(None, names).deploy == [] and "region unknown" in place(None, names).notes[0]
    assert place("mars-east-1", names).deploy == []


def test_region_option_places_a_state_without_regions() -> None:
    path = realworld("terraform", "inframap-states/aws_state_sg.json")
    text, model = imported(path, region="aws/eu-west-1")
    assert deploy(model, "tQBgz") == [("aws/eu-west-1", None)]
    assert "region eu-west-1 from the import options" in text


# -- real inputs -----------------------------------------------------------------------------


def test_infracost_example_plan() -> None:
    text, model = imported(realworld("terraform", "infracost-example/plan.json"))
    assert set(model.components) == {
        "alb1", "elb1", "nlb1", "lc1", "lt1", "mixed-instance-lt1", "instance1",
        "db_mysql", "db_postgresql", "db_postgresql_iops", "db_sqlserver",
        "dynamodb-table", "io1", "standard",
    }  # fmt: skip
    assert deploy(model, "db_sqlserver") == [("aws/us-east-1", 2)]  # multi_az = true
    for db in ("db_mysql", "db_postgresql", "db_postgresql_iops"):
        assert deploy(model, db) == [("aws/us-east-1", 1)]
    assert model.components["dynamodb-table"].replicas == ["aws/us-east-2", "aws/us-west-1"]
    assert deploy(model, "io1") == [("aws/us-east-1", 1)]  # EBS volume in us-east-1a
    assert {model.components[n].uses for n in ("alb1", "elb1", "nlb1")} == {"aws/elb"}
    # the ASGs' launch configuration and template fold into them; the plan has no other links
    assert all(not c.depends_on for c in model.components.values())
    assert "mock_secret_key" not in text and "mock_access_key" not in text


def test_inframap_cyclic_state_finishes() -> None:
    path = realworld("terraform", "inframap-states/aws_state_cyclic.json")
    with ThreadPoolExecutor(1) as pool:
        text, model = pool.submit(imported, path).result(timeout=60)
    assert set(model.components) == {"bastion0", "prometheus-prometheus-eu-we1-infra"}
    # prometheus-infra-allow-metrics (bastion0's group) admits prometheus-infra on port 9100
    assert deps(model, "prometheus-prometheus-eu-we1-infra") == {"bastion0"}
    assert "region unknown" in text


def test_inframap_security_group_chain() -> None:
    _, model = imported(realworld("terraform", "inframap-states/aws_state_sg.json"))
    assert deps(model, "tQBgz") == {"vIkyE"}  # LB -> the launch template's instances
    assert deps(model, "vIkyE") == {"Cpbzf"}  # -> the database on 3306
    assert model.components["Cpbzf"].uses == "aws/rds"


def test_inframap_other_provider_with_count() -> None:
    text, model = imported(realworld("terraform", "inframap-states/aws_state_with_count.json"))
    assert deps(model, "fllXa") == {"PBbzj"}
    assert model.components["PBbzj"].kind == "storage"
    assert not model.components["fllXa"].deploy
    assert "2 instances (count/for_each)" in text
    assert "provider flexibleengine is not mapped to the catalog" in text


# -- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "line", "expect"),
    [
        ("terraform-malformed.json", 5, "not valid JSON: Expecting value"),
        ("terraform-config-not-plan.json", 1, "not a Terraform plan or state: a JSON object of"),
        ("terraform-list.json", 1, "not a Terraform plan or state: a JSON list"),
        ("terraform-state-v3.json", 1, "a version 3 state file (pre-0.12)"),
        ("terraform-networking-only.json", None, "found aws_subnet, aws_vpc"),
    ],
)
def test_bad_input_is_named(name: str, line: int | None, expect: str) -> None:
    path = BAD / name
    with pytest.raises(ImportInputError) as caught:
        import_model([("terraform", [path])])
    problem = caught.value.problems[0]
    assert problem.file == str(path) and problem.line == line
    assert expect in str(caught.value)
    if name != "terraform-networking-only.json":
        assert "terraform show -json" in str(caught.value)  # which output is expected


def test_missing_empty_and_directory_inputs(tmp_path: Path) -> None:
    empty = tmp_path / "plan.json"
    empty.write_text("  \n")
    for path, expect in (
        (tmp_path / "nope.json", "file not found"),
        (empty, "the file is empty"),
        (tmp_path, "is a directory"),
    ):
        with pytest.raises(ImportInputError, match=expect):
            import_model([("terraform", [path])])
    with pytest.raises(ImportInputError, match="no Terraform plan or state given"):
        reader("terraform")([], ImportOptions())
