"""simulate and replay as a user runs them: real processes, exit codes, the JSON contract."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from test_cli import run

ROOT = Path(__file__).parent.parent
ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$")
SERVICE_KEYS = {
    "down_s": float,
    "degraded_s": float,
    "first_impact_s": (float, type(None)),
    "recovered_s": (float, type(None)),
    "rto_met": (bool, type(None)),
    "impact_tolerance_met": (bool, type(None)),
    "data_loss_s": float,
    "cost": float,
    "timeline": list,
}


def check_shape(data: dict, *, absolute: bool) -> None:
    assert data["business_services"] and data["components"]
    for name, svc in data["business_services"].items():
        for key, kind in SERVICE_KEYS.items():
            assert isinstance(svc[key], kind), (name, key, svc[key])
        for interval in svc["timeline"]:
            assert interval["state"] in ("down", "degraded")
            assert (
                isinstance(interval["start_s"], float) and interval["end_s"] > interval["start_s"]
            )
            assert ("start" in interval) == absolute
            if absolute:
                assert ISO_Z.match(interval["start"]) and ISO_Z.match(interval["end"])
            assert interval["because"]
    for comp in data["components"].values():
        assert isinstance(comp["timeline"], list)


@pytest.fixture(scope="module")
def outputs() -> dict[str, object]:
    """Run the commands once, concurrently: each is a fresh interpreter."""
    commands = {
        "day": ("simulate", "--fail", "aws/us-east-1@0+24h", "-f", "json"),
        "day-again": ("simulate", "--fail", "aws/us-east-1@0+24h", "-f", "json"),
        "day-terminal": ("simulate", "--fail", "aws/us-east-1@0+24h"),
        "file": (
            "simulate",
            "--scenario",
            str(ROOT / "examples/scenarios/us-east-1-day.yaml"),
            "-f",
            "json",
        ),
        "replay": ("replay", "aws-2025-10-20", "-f", "json"),
        "replay-terminal": ("replay", "aws-2025-10-20"),
        "replay-markdown": ("replay", "aws-2025-10-20", "-f", "markdown"),
        "stretched": ("replay", "aws-2025-10-20", "--stretch", "72h", "-f", "json"),
        "nothing": ("simulate",),
        "typo": ("simulate", "--fail", "aws/us-esat-1"),
        "bare": ("simulate", "--fail", "aws/us-east-1@5"),
        "unknown-incident": ("replay", "aws-2025-10-2"),
        "bad-stretch": ("replay", "aws-2025-10-20", "--stretch", "0"),
        "bare-horizon": ("simulate", "--fail", "aws/us-east-1", "--horizon", "5"),
        "word-horizon": ("simulate", "--fail", "aws/us-east-1", "--horizon", "soon"),
        "missing-scenario": ("simulate", "--scenario", "no-such-scenario.yaml"),
        "scenario-typo": (
            "simulate",
            "--scenario",
            str(ROOT / "tests/fixtures/bad-scenarios/scenario-unknown-target.yaml"),
        ),
    }
    with ThreadPoolExecutor(4) as pool:
        done = dict(
            zip(commands, pool.map(lambda args: run(*args), commands.values()), strict=True)
        )
    return done  # type: ignore[return-value]


def test_simulate_json_keeps_the_contract(outputs: dict) -> None:
    out = outputs["day"]
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    check_shape(data, absolute=False)
    chat = data["business_services"]["chat"]
    assert chat["first_impact_s"] == 0.0 and chat["down_s"] == 86400.0
    assert chat["rto_met"] is False and chat["cost"] == 85000 * 24
    assert out.stdout == outputs["day-again"].stdout


def test_simulate_terminal_says_what_happened(outputs: dict) -> None:
    out = outputs["day-terminal"].stdout
    assert "What happened" in out and "Total cost" in out
    assert "chat was down 1d from +0:00, back at +24:00" in out
    assert "inference cannot fail over" in out and "aws/global/route53/control" in out


def test_scenario_file_runs(outputs: dict) -> None:
    out = outputs["file"]
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["scenario"] == "us-east-1-day"
    assert data["faults"][0]["target"] == "aws/us-east-1"


def test_replay_json_adds_utc_times(outputs: dict) -> None:
    out = outputs["replay"]
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    check_shape(data, absolute=True)
    assert data["incident"]["id"] == "aws-2025-10-20"
    chat = data["business_services"]["chat"]["timeline"]
    assert chat[0]["start"] == "2025-10-20T06:48:00Z"
    assert "aws/us-east-1/dynamodb/dns failed at 06:48Z" in chat[0]["because"]


def test_replay_terminal_and_markdown(outputs: dict) -> None:
    terminal = outputs["replay-terminal"].stdout
    assert terminal.startswith("aftershock replay: acme-ai  aws-2025-10-20")
    assert "chat was down 2h37m from 06:48Z" in terminal
    markdown = outputs["replay-markdown"].stdout
    assert markdown.startswith("# aftershock replay: acme-ai")
    assert "## What happened" in markdown and "| chat |" in markdown


def test_stretch_is_a_labelled_what_if(outputs: dict) -> None:
    plain = json.loads(outputs["replay"].stdout)
    longer = json.loads(outputs["stretched"].stdout)
    assert longer["incident"]["stretched_to_s"] == 72 * 3600.0
    for name in ("chat", "model-training"):
        assert (
            longer["business_services"][name]["down_s"] > plain["business_services"][name]["down_s"]
        )


@pytest.mark.parametrize(
    ("case", "text"),
    [
        ("nothing", "nothing to simulate: no --fail and no --scenario"),
        ("typo", "did you mean 'aws/us-east-1'?"),
        ("bare", "invalid start '5' in 'aws/us-east-1@5' (a bare number has no unit)"),
        ("unknown-incident", "unknown incident 'aws-2025-10-2'; did you mean 'aws-2025-10-20'?"),
        ("bad-stretch", "--stretch must be longer than 0s"),
        ("bare-horizon", "--horizon: invalid duration '5' (a bare number has no unit)"),
        ("word-horizon", "--horizon: invalid duration 'soon'"),
        ("missing-scenario", "no-such-scenario.yaml: file not found"),
        (
            "scenario-typo",
            "scenario-unknown-target.yaml:5:13: unknown failure target 'aws/us-esat-1'",
        ),
    ],
)
def test_bad_input_exits_2_with_one_clear_message(outputs: dict, case: str, text: str) -> None:
    out = outputs[case]
    assert out.returncode == 2
    assert text in out.stderr
    assert "Traceback" not in out.stderr
