"""The incident library: valid, sourced, in UTC, and naming only real catalog targets."""

from __future__ import annotations

import subprocess
import sys

import pytest

import aftershock
from aftershock.catalog.incidents import Incident
from aftershock.model.targets import target_error


@pytest.fixture(scope="module")
def library() -> dict[str, Incident]:
    return aftershock.load_incidents()


def test_the_library_holds_the_major_outages(library: dict[str, Incident]) -> None:
    assert {
        "aws-2025-10-20",
        "aws-2017-02-28",
        "aws-2021-12-07",
        "gcp-2025-06-12",
        "azure-2023-01-25",
        "cloudflare-2025-11-18",
        "azure-front-door-2025-10-29",
        "fastly-2021-06-08",
        "crowdstrike-2024-07-19",
        "facebook-2021-10-04",
    } <= set(library)


def test_every_event_names_a_catalog_target_with_a_source(library: dict[str, Incident]) -> None:
    catalog = aftershock.load_catalog()
    for incident in library.values():
        assert incident.sources
        for event in incident.events:
            assert target_error(event.target, catalog) is None, (incident.id, event.target)
            assert str(event.source).startswith("https://"), (incident.id, event.target)
            assert (
                event.start.utcoffset() is not None and event.start.utcoffset().total_seconds() == 0
            )


def test_october_2025_matches_the_aws_summary(library: dict[str, Incident]) -> None:
    # https://aws.amazon.com/message/101925/ : DNS empty 23:48 PDT, records restored 02:25 PDT
    dns = [e for e in library["aws-2025-10-20"].events if e.target == "aws/us-east-1/dynamodb/dns"]
    down = next(e for e in dns if e.effect == "down")
    assert f"{down.start:%H:%M}" == "06:48" and f"{down.end:%H:%M}" == "09:25"
    ec2 = [e for e in library["aws-2025-10-20"].events if e.target == "aws/us-east-1/ec2/control"]
    assert max(e.end for e in ec2) > down.end  # launches stayed impaired long after DNS


def test_incidents_command() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "aftershock", "incidents"], capture_output=True, text=True
    )
    assert run.returncode == 0 and "aws-2025-10-20" in run.stdout
    one = subprocess.run(
        [sys.executable, "-m", "aftershock", "incidents", "aws-2025-10-20"],
        capture_output=True,
        text=True,
    )
    assert (
        "aws/us-east-1/dynamodb/dns" in one.stdout
        and "https://aws.amazon.com/message/101925/" in one.stdout
    )
    bad = subprocess.run(
        [sys.executable, "-m", "aftershock", "incidents", "aws-2025-10-21"],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "did you mean 'aws-2025-10-20'" in bad.stderr
