"""The aftershock command as a user runs it: real processes, real files, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema

import aftershock
from aftershock.model.yamlsource import parse

EXAMPLE = Path(aftershock.__file__).parent / "model" / "example.yaml"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aftershock", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


def test_check_without_arguments_reports_on_the_embedded_example() -> None:
    out = run("check")
    assert out.returncode == 0, out.stderr
    assert "aftershock check: acme-ai" in out.stdout
    assert "Single points of failure" in out.stdout
    assert "hidden-spof" in out.stdout
    assert "What if aws/us-east-1 is gone for 24 to 72 hours?" in out.stdout
    assert "Traceback" not in out.stderr


def test_check_json_is_parseable_and_deterministic(tmp_path: Path) -> None:
    first = run("check", "--format", "json")
    second = run("check", "--format", "json")
    assert first.returncode == 0
    assert first.stdout == second.stdout
    data = json.loads(first.stdout)
    assert data["business_services"]["chat"]["spofs"]


def test_check_markdown() -> None:
    out = run("check", str(EXAMPLE), "--format", "markdown")
    assert out.returncode == 0
    assert out.stdout.startswith("# aftershock check: acme-ai")
    assert "| severity | kind | finding | fix | cost/h |" in out.stdout


def test_fail_on_policy_sets_exit_code_one() -> None:
    assert run("check", "--fail-on", "hidden").returncode == 1
    assert run("check", "--fail-on", "cycle").returncode == 0  # the example has no cycle
    bad = run("check", "--fail-on", "spfo")
    assert bad.returncode == 2 and "did you mean 'spof'" in bad.stderr


def test_explain_names_the_chain_and_rejects_unknown_targets() -> None:
    out = run("check", "--explain", "aws/global/sts")
    assert out.returncode == 0
    assert "chat: DOWN" in out.stdout and "tokens" in out.stdout
    bad = run("check", "--explain", "aws/us-esat-1")
    assert bad.returncode == 2
    assert "did you mean 'us-east-1'" in bad.stderr


def test_order_one_and_order_three() -> None:
    one = json.loads(run("check", "--format", "json", "--order", "1").stdout)
    assert all(len(c) == 1 for r in one["business_services"].values() for c in r["cut_sets"])
    three = json.loads(run("check", "--format", "json", "--order", "3").stdout)
    sizes = {len(c) for r in three["business_services"].values() for c in r["cut_sets"]}
    assert 3 in sizes


def test_output_file_is_never_overwritten_without_force(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("mine")
    out = run("check", "--format", "json", "-o", str(target))
    assert out.returncode == 2 and "--force" in out.stderr
    assert target.read_text() == "mine"
    assert run("check", "--format", "json", "-o", str(target), "--force").returncode == 0
    assert json.loads(target.read_text())["model"] == "acme-ai"


def test_example_round_trips_and_validates_against_the_schema(tmp_path: Path) -> None:
    text = run("example").stdout
    assert text == EXAMPLE.read_text()
    (tmp_path / "mine.yaml").write_text(text)
    assert run("check", str(tmp_path / "mine.yaml")).returncode == 0
    schema = json.loads(run("schema").stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(parse(text, "example.yaml").data, schema)


def test_schema_rejects_what_the_loader_rejects() -> None:
    schema = json.loads(run("schema").stdout)
    bad = {"aftershock": 1, "name": "x", "components": {"a": {"kind": "service", "sofft": 1}}}
    validator = jsonschema.Draft202012Validator(schema)
    assert list(validator.iter_errors(bad))


def test_catalog_listing() -> None:
    out = run("catalog")
    assert out.returncode == 0 and "aws" in out.stdout and "vendors" in out.stdout
    aws = run("catalog", "aws").stdout
    assert "use1-az1" in aws and "dynamodb" in aws
    assert run("catalog", "awz").returncode == 2


def test_version() -> None:
    assert run("--version").stdout.strip() == f"aftershock {aftershock.__version__}"
