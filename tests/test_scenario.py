"""Scenarios: ``--fail`` strings, scenario files, their target checks and their JSON Schema.

The bad-input table follows tests/test_bad_input.py: each named fixture asserts the error class,
the line it names (``name.yaml:LINE``) and the text a user reads (the bad value and the hint).
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest
import yaml

import aftershock
from aftershock import InputError, ModelFileError, ModelSyntaxError, ModelValidationError
from aftershock.errors import TargetError
from aftershock.graph.core import State
from aftershock.model.spec import Model
from aftershock.sim.faults import DEFAULT_HORIZON, Fault, Scenario
from aftershock.sim.scenario import (
    EXAMPLES,
    check_targets,
    load_scenario,
    load_scenario_text,
    parse_fail,
    scenario_schema,
)

FIXTURES = Path(__file__).parent / "fixtures" / "bad-scenarios"
EXAMPLE = Path(__file__).parent.parent / "examples" / "scenarios" / "us-east-1-day.yaml"
H = 3600.0
HORIZON = 72 * H


@pytest.fixture(scope="module")
def model() -> Model:
    """The embedded example model (acme-ai on AWS, components such as `api` and `web`)."""
    return aftershock.load_model()


def _flat(text: str) -> str:
    return " ".join(text.split())


# ---- --fail TARGET[@START][+DURATION][:degraded] ---------------------------------------------

VALID_FAILS = [
    ("aws/eu-west-1@0+2h", Fault("aws/eu-west-1", 0, 2 * H)),
    ("aws/us-east-1@30m+1h", Fault("aws/us-east-1", 0.5 * H, 1.5 * H)),
    ("aws/us-east-1+2h", Fault("aws/us-east-1", 0, 2 * H)),
    ("api@90s", Fault("api", 90, None)),
    ("api", Fault("api", 0, None)),
    (" api@1h30m+15m ", Fault("api", 1.5 * H, 1.75 * H)),
    (
        "aws/us-east-1/elb/data@1h+2h:degraded",
        Fault("aws/us-east-1/elb/data", H, 3 * H, State.DEGRADED),
    ),
    ("api+2h:down", Fault("api", 0, 2 * H)),
    ("api@70h+5h", Fault("api", 70 * H, None)),  # clipped at the horizon
    ("api@0+72h", Fault("api", 0, None)),
]


@pytest.mark.parametrize(("spec", "fault"), VALID_FAILS, ids=[s for s, _ in VALID_FAILS])
def test_parse_fail(spec: str, fault: Fault) -> None:
    assert parse_fail(spec, HORIZON) == fault


BAD_FAILS = [
    ("", ("no target in ''",)),
    ("@1h+2h", ("no target in '@1h+2h'",)),
    ("api@1x", ("invalid start '1x' in 'api@1x'", "90s, 5m")),
    ("api+5", ("invalid duration '5' in 'api+5' (a bare number has no unit)",)),
    ("api+2 hours", ("invalid duration '2 hours'",)),
    ("api+-5m", ("invalid duration '-5m'",)),
    ("api+", ("no duration after + in 'api+'",)),
    ("api@+2h", ("no start after @ in 'api@+2h'",)),
    ("api+0", ("duration 0 in 'api+0' is empty", "omit +DURATION", "--fail api")),
    ("api@72h", ("start 72h in 'api@72h' is at or past the end of the simulation (3d)",)),
    ("api@4d+1h", ("start 4d", "past the end", "start earlier")),
    ("api:degrade", ("unknown effect 'degrade'", "expected down or degraded", "':degraded'")),
    ("api@1h@2h", ("cannot read 'api@1h@2h'", "in this order")),
    ("api+2h@1h", ("cannot read 'api+2h@1h'",)),
]


@pytest.mark.parametrize(("spec", "expect"), BAD_FAILS, ids=[s or "empty" for s, _ in BAD_FAILS])
def test_parse_fail_rejects(spec: str, expect: tuple[str, ...]) -> None:
    with pytest.raises(InputError) as info:
        parse_fail(spec, HORIZON)
    error = info.value
    assert type(error) is InputError
    assert len(error.problems) == 1
    text = str(error)
    assert text.startswith("--fail: ")
    assert "hint: " in text
    for expected in expect:
        assert expected in text, f"missing {expected!r} in:\n{text}"


def test_parse_fail_hint_shows_the_form() -> None:
    with pytest.raises(InputError) as info:
        parse_fail("api@soon", HORIZON)
    assert info.value.problems[0].hint == (
        "--fail TARGET[@START][+DURATION][:degraded], e.g. --fail aws/us-east-1@30m+2h"
    )


# ---- target checks ---------------------------------------------------------------------------


def test_check_targets_accepts_catalog_targets_components_and_unused_places(model: Model) -> None:
    specs = ["aws/us-east-1", "api", "aws/eu-west-1/dynamodb/dns", "gcp", "aws/global/iam"]
    check_targets(Scenario(tuple(parse_fail(s, HORIZON) for s in specs)), model)


def test_check_targets_lists_every_bad_fail_with_did_you_mean(model: Model) -> None:
    scenario = Scenario(
        tuple(parse_fail(s, HORIZON) for s in ["aws/us-esat-1@1h", "apii+2h", "aws/us-east-1"])
    )
    with pytest.raises(TargetError) as info:
        check_targets(scenario, model)
    problems = info.value.problems
    assert [p.value for p in problems] == ["aws/us-esat-1", "apii"]
    assert problems[0].hint == "did you mean 'aws/us-east-1'?"
    assert problems[1].hint == "did you mean 'api'?"
    text = str(info.value)
    assert "--fail: unknown failure target 'aws/us-esat-1': unknown aws region 'us-esat-1'" in text
    assert "--fail: unknown failure target 'apii'" in text


def test_check_targets_without_a_guess_says_what_a_target_is(model: Model) -> None:
    with pytest.raises(TargetError) as info:
        check_targets(Scenario((Fault("zzzzzzzz"),)), model)
    assert "name a provider, region, zone" in str(info.value)


# ---- scenario files: the good --------------------------------------------------------------


def test_list_form() -> None:
    text = """
    - target: aws/us-east-1
      duration: 2h
    - {target: aws/global/iam/control, start: 30m, effect: degraded, note: IAM changes fail}
    - target: api
      start: 1h
    """
    scenario = load_scenario_text(textwrap.dedent(text), "two.yaml")
    assert scenario == Scenario(
        (
            Fault("aws/us-east-1", 0, 2 * H),
            Fault("aws/global/iam/control", 0.5 * H, None, State.DEGRADED, "IAM changes fail"),
            Fault("api", H, None),
        ),
        DEFAULT_HORIZON,
        "two",
    )


def test_mapping_form_with_horizon_clips_and_names() -> None:
    text = """
    name: a bad afternoon
    description: two regions, one after the other
    horizon: 6h
    faults:
      - {target: aws/us-east-1, start: 1h, duration: 2h}
      - {target: aws/us-west-2, start: 5h, duration: 3h}
    """
    scenario = load_scenario_text(textwrap.dedent(text), "afternoon.yaml")
    assert scenario.name == "a bad afternoon"
    assert scenario.horizon == 6 * H
    assert scenario.faults == (Fault("aws/us-east-1", H, 3 * H), Fault("aws/us-west-2", 5 * H))


def test_the_horizon_argument_applies_when_the_file_sets_none() -> None:
    scenario = load_scenario_text("- {target: api, start: 80h}\n", "late.yaml", horizon=100 * H)
    assert scenario.horizon == 100 * H
    assert scenario.faults == (Fault("api", 80 * H),)


def test_example_scenario_loads(model: Model) -> None:
    scenario = load_scenario(EXAMPLE, model=model)
    assert scenario.name == "us-east-1-day"
    assert scenario.horizon == 48 * H
    assert [(f.target, f.start, f.end, f.effect) for f in scenario.faults] == [
        ("aws/us-east-1", 0, 24 * H, State.DOWN)
    ]
    assert EXAMPLE.read_text().startswith("# ")


# ---- scenario files: the bad (named fixtures) ----------------------------------------------


@dataclass(frozen=True)
class Case:
    """One bad scenario file and what its message must say."""

    name: str
    error: type[InputError]
    line: int | None
    """The line the message names, or None when there is no line to name."""
    expect: tuple[str, ...]


V, S, F, T = ModelValidationError, ModelSyntaxError, ModelFileError, TargetError

CASES = [
    Case("scenario-syntax-error.yaml", S, 6, ("YAML syntax error", "fix the YAML")),
    Case("scenario-empty.yaml", F, None, ("the file is empty", "target: aws/us-east-1")),
    Case("scenario-comments-only.yaml", F, None, ("only comments, no scenario", "faults:")),
    Case("scenario-not-a-scenario.yaml", V, 1, ("not a str ('just a sentence')", "faults:")),
    Case("scenario-empty-list.yaml", V, 1, ("the scenario lists no faults", "duration: 2h")),
    Case("scenario-missing-faults.yaml", V, 1, ("missing required field 'faults'", "faults:")),
    Case("scenario-faults-not-a-list.yaml", V, 2, ("faults should be a list", "- {target:")),
    Case(
        "scenario-fault-not-a-mapping.yaml",
        V,
        1,
        ("each fault is a mapping with `target:`", "'aws/us-east-1@0+2h'"),
    ),
    Case(
        "scenario-unknown-field.yaml",
        V,
        3,
        ("unknown field 'duraton'", "did you mean 'duration'?", "allowed: duration, effect"),
    ),
    Case(
        "scenario-unknown-top-level-field.yaml",
        V,
        2,
        ("unknown field 'horizn'", "did you mean 'horizon'?", "allowed: description, faults"),
    ),
    Case("scenario-duplicate-key.yaml", S, 4, ("duplicate key 'duration'", "first at line 3")),
    Case("scenario-missing-target.yaml", V, 3, ("a fault without a target", "add `target:`")),
    Case("scenario-bad-duration.yaml", V, 3, ("invalid duration '2 hours'", "1h30m")),
    Case(
        "scenario-bare-number-duration.yaml",
        V,
        3,
        ("invalid duration 120 (a bare number has no unit)", "120s, 120m or 120h"),
    ),
    Case(
        "scenario-zero-duration.yaml",
        V,
        2,
        ("duration must be longer than 0s (not 0)", "omit `duration:`"),
    ),
    Case("scenario-negative-start.yaml", V, 2, ("invalid start '-1h'", "e.g. start: 2h")),
    Case(
        "scenario-bad-effect.yaml",
        V,
        3,
        ("invalid value for effect", "(not 'donw')", "did you mean 'down'?"),
    ),
    Case(
        "scenario-start-past-horizon.yaml",
        V,
        4,
        ("start 1d6h is at or past the end of the simulation (1d)", "longer `horizon:`"),
    ),
    Case(
        "scenario-unknown-target.yaml",
        T,
        5,
        ("unknown failure target 'aws/us-esat-1'", "did you mean 'aws/us-east-1'?"),
    ),
]


def test_every_fixture_has_a_case() -> None:
    assert {p.name for p in FIXTURES.iterdir()} == {case.name for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_bad_scenario_file(case: Case, model: Model, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    with pytest.raises(InputError) as info:
        load_scenario(case.name, model=model)
    error = info.value
    assert type(error) is case.error, f"{type(error).__name__}: {error}"
    assert len(error.problems) == 1, f"one defect, one message; got:\n{error}"
    text = _flat(str(error))
    assert "hint: " in text
    if case.line is None:
        assert text.startswith(f"{case.name}: ")
    else:
        assert re.search(re.escape(f"{case.name}:{case.line}") + r"(?!\d)", text), text
    for expected in case.expect:
        assert _flat(expected) in text, f"missing {expected!r} in:\n{error}"


def test_every_problem_in_a_file_is_reported() -> None:
    text = "- {target: a, duration: 5}\n- {target: b, effect: off}\n- {target: c, sttart: 1h}\n"
    with pytest.raises(ModelValidationError) as info:
        load_scenario_text(text, "three.yaml")
    assert [(p.line, p.value) for p in info.value.problems] == [(1, 5), (2, "off"), (3, "1h")]


def test_missing_file_says_so() -> None:
    with pytest.raises(ModelFileError) as info:
        load_scenario("no-such-scenario.yaml")
    assert str(info.value) == (
        "no-such-scenario.yaml: file not found: 'no-such-scenario.yaml'\n"
        "  hint: check the path; examples/scenarios/ holds scenarios to start from"
    )


# ---- JSON Schema -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = scenario_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_schema_is_draft_2020_12_with_both_forms() -> None:
    schema = scenario_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert len(schema["anyOf"]) == 2
    event = schema["$defs"]["FaultEvent"]
    assert event["additionalProperties"] is False
    assert all(prop.get("description") for prop in event["properties"].values())


def test_schema_accepts_every_example(validator: jsonschema.Draft202012Validator) -> None:
    documents = [*EXAMPLES, yaml.safe_load(EXAMPLE.read_text())]
    for document in documents:
        assert list(validator.iter_errors(document)) == [], document
        load_scenario_text(yaml.safe_dump(document), "example.yaml")


@pytest.mark.parametrize(
    "document",
    [
        [{"target": "api", "sttart": "1h"}],
        {"faults": [{"target": "api"}], "horizn": "1d"},
        [],
        {"name": "no faults"},
        [{"target": "api", "duration": "0s"}],
        [{"target": "api", "effect": "up"}],
        [{"start": "1h"}],
    ],
    ids=["unknown-field", "unknown-top-field", "empty", "no-faults", "zero", "up", "no-target"],
)
def test_schema_rejects(validator: jsonschema.Draft202012Validator, document: object) -> None:
    assert not validator.is_valid(document)
