"""Hypothesis profiles for the whole suite, and the fuzz tests' end-of-run summary.

``ci`` (the default, used by ``make test`` and CI) is deterministic: examples come from a
fixed seed per test (``derandomize``) and no example database is read or written, so a run's
result depends only on the code. ``deep`` (``HYPOTHESIS_PROFILE=deep``, run by ``make
test-deep``) explores at random, long: tests without their own ``max_examples`` get
``DEEP_EXAMPLES``, and those that set one get ``DEEP_FACTOR`` times it, capped there.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

DEEP_EXAMPLES = 20_000
DEEP_FACTOR = 100
_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]

settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=50,
    print_blob=False,
    suppress_health_check=_QUIET,
)
settings.register_profile(
    "deep",
    max_examples=DEEP_EXAMPLES,
    deadline=None,
    print_blob=True,
    suppress_health_check=[*_QUIET, HealthCheck.filter_too_much],
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """In the deep profile, scale the examples of tests that set their own max_examples."""
    if PROFILE != "deep":
        return
    seen: set[int] = set()
    for item in items:
        test: Any = getattr(item, "obj", None)
        own = getattr(test, "_hypothesis_internal_use_settings", None)
        if own is None or id(test) in seen:
            continue
        seen.add(id(test))
        # Hypothesis reads this attribute each time the test runs (a private name, but the
        # only way to lengthen tests whose decorators fix max_examples).
        test._hypothesis_internal_use_settings = settings(
            own, max_examples=min(DEEP_EXAMPLES, own.max_examples * DEEP_FACTOR)
        )


def pytest_report_header() -> str:
    return f"hypothesis profile: {PROFILE}"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say which known bugs (issue 9) the fuzz tests met and tolerated in this run."""
    findings = sys.modules.get("fuzz_findings")
    tolerated = getattr(findings, "tolerated", None)
    if not tolerated:
        return
    terminalreporter.section("fuzz: known bugs met (tolerated; see tests/fuzz_findings.py)")
    for sig, count in tolerated.most_common():
        bug = findings.KNOWN_BUGS.get(sig, "?")  # type: ignore[union-attr]
        terminalreporter.write_line(f"{count:6d}  {sig}  (issue 9: {bug})")
