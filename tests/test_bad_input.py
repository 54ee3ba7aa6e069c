"""Bad input: every named fixture in fixtures/bad fails with exit code 2 and one clear message.

Each case asserts the error class of ``aftershock.load_model`` and its text: the file, the line
(where there is one, as ``name.yaml:LINE``), the bad value and the hint. A representative
subset also runs the real command in subprocesses (concurrently, to keep the file fast) and
checks the exit code, that no traceback escapes and that stderr carries the same text.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

import aftershock
from aftershock import InputError, ModelFileError, ModelSyntaxError, ModelValidationError

FIXTURES = Path(__file__).parent / "fixtures" / "bad"
MISSING = "no-such-model.yaml"
"""A path that does not exist (there is deliberately no fixture file by this name)."""
DIRECTORY = "stack.yaml"
"""A directory named like a model, created in a temporary folder."""
MEMORY_LIMIT = 1 << 30
"""Address-space limit of the alias-bomb subprocesses: expanding the bomb must not need it."""


@dataclass(frozen=True)
class Case:
    """One bad input and what its message must say."""

    name: str
    error: type[InputError]
    lines: tuple[int, ...]
    """Lines the message may name (any one of them); empty when there is no line to name."""
    expect: tuple[str, ...]
    """Text the message must contain: the bad value and the hint."""
    cli: bool = False
    """Also run the real command on it."""


V, S, F = ModelValidationError, ModelSyntaxError, ModelFileError

CASES = [
    # YAML and file-level problems
    Case("yaml-syntax-error.yaml", S, (5,), ("YAML syntax error", "mapping values"), cli=True),
    Case("yaml-unclosed-bracket.yaml", S, (7,), ("YAML syntax error", "'}'")),
    Case("empty.yaml", F, (), ("the file is empty", "aftershock: 1"), cli=True),
    Case("comments-only.yaml", F, (), ("only comments, no model", "aftershock: 1")),
    Case("binary.bin", F, (), ("not a text file", "NUL byte", "UTF-8 YAML"), cli=True),
    Case("not-utf8.yaml", F, (2,), ("not UTF-8", "0xe9", "save the file as UTF-8"), cli=True),
    Case(MISSING, F, (), ("file not found", f"'{MISSING}'", "check the path"), cli=True),
    Case(DIRECTORY, F, (), ("is a directory, not a model file", "name a model file"), cli=True),
    Case("list-at-top.yaml", V, (1,), ("a YAML mapping, not a list", "aftershock: 1")),
    Case(
        "duplicate-component.yaml", S, (11,), ("duplicate key 'web'", "first at line 4"), cli=True
    ),
    Case("multiple-documents.yaml", S, (8,), ("2 YAML documents", "exactly one")),
    Case("recursive-alias.yaml", S, (4,), ("recursive YAML alias", "self-referential")),
    Case("unsupported-tag.yaml", S, (2,), ("unsupported YAML tag", "python/name:os.system")),
    Case("complex-key.yaml", S, (7,), ("a mapping key must be a plain name", "cache")),
    # The contract: fields and values
    Case(
        "unknown-field.yaml", V, (8,), ("unknown field 'sofft'", "did you mean 'soft'?"), cli=True
    ),
    Case(
        "unknown-component-field.yaml",
        V,
        (7,),
        ("unknown field 'depend_on'", "did you mean 'depends_on'?"),
    ),
    Case(
        "unknown-top-level-field.yaml",
        V,
        (3,),
        ("unknown field 'busines_services'", "did you mean 'business_services'?"),
        cli=True,
    ),
    Case("wrong-kind.yaml", V, (9,), ("'databse'", "did you mean 'datastore'?")),
    Case("missing-version.yaml", V, (1,), ("missing required field 'aftershock'", "aftershock: 1")),
    Case("wrong-version.yaml", V, (1,), ("model format 2 is not supported", "aftershock: 1")),
    Case("missing-components.yaml", V, (), ("missing required field 'components'", "components:")),
    Case("bad-duration.yaml", V, (6,), ("invalid duration '5 minutes'", "5m"), cli=True),
    Case("bad-duration-bare-number.yaml", V, (6,), ("invalid duration 5 ", "no unit", "5m")),
    Case("negative-cost.yaml", V, (6,), ("cost_per_hour must be at least 0", "-500")),
    Case("degraded-cost-over-one.yaml", V, (7,), ("degraded_cost", "not 30", "0 to 1")),
    Case("name-with-slash.yaml", V, (8,), ("'db/primary'", "no '/'")),
    Case(
        "active-passive-one-deploy.yaml",
        V,
        (4, 7),  # the component, or its `strategy:` line; not its first field
        ("active-passive", "two deploy entries"),
    ),
    Case("soft-and-fallback.yaml", V, (8,), ("'cache'", "remove `soft: true`", "`fallback:`")),
    # References: components, catalog places and services, failure targets
    Case(
        "dangling-dependency.yaml",
        V,
        (7,),
        ("'dtabase'", "not a component", "did you mean 'database'?"),
        cli=True,
    ),
    Case("dangling-entry.yaml", V, (5,), ("'wbe'", "not a component", "did you mean 'web'?")),
    Case("unknown-provider.yaml", V, (6,), ("unknown provider 'awz'", "did you mean 'aws'?")),
    Case(
        "unknown-region.yaml",
        V,
        (6,),
        ("unknown aws region 'us-esat-1'", "did you mean 'us-east-1'?"),
    ),
    Case(
        "unknown-region-number.yaml",
        V,
        (6,),
        ("unknown aws region 'us-east-7'", "did you mean 'us-east-"),
    ),
    Case("region-of-other-provider.yaml", V, (6,), ("'europe-west1'", "a region of gcp, not aws")),
    Case(
        "unknown-zone.yaml",
        V,
        (6,),
        ("unknown zone 'use1-az9'", "did you mean 'use1-az", "use1-az6"),
        cli=True,
    ),
    Case("zone-in-other-region.yaml", V, (8,), ("'usw2-az1'", "aws/us-west-2, not aws/us-east-1")),
    Case("too-many-zones.yaml", V, (6,), ("aws/us-east-1 has 6 zones, not 9", "at most 6")),
    Case("impossible-min-healthy.yaml", V, (6,), ("min_healthy 3", "2 zone(s)", "at most 2")),
    Case("unknown-catalog-service.yaml", V, (10,), ("'dynamo'", "did you mean 'dynamodb'?")),
    Case(
        "failover-unknown-target.yaml",
        V,
        (12,),
        ("'aws/global/route53/contrl'", "did you mean 'aws/global/route53/control'?"),
        cli=True,
    ),
    Case("global-without-uses.yaml", V, (10,), ("'aws/global'", "no `uses`", "aws/sts")),
    Case(
        "component-named-like-provider.yaml",
        V,
        (8,),
        ("'aws'", "also a provider name", "rename the component"),
    ),
]
ALIAS_BOMB = Case("alias-bomb.yaml", S, (), ("YAML aliases expand", "over the limit", "alias bomb"))
BY_NAME = {case.name: case for case in [*CASES, ALIAS_BOMB]}


def _flat(text: str) -> str:
    """Return ``text`` with runs of whitespace as one space (a wrapped line reads the same)."""
    return " ".join(text.split())


def assert_message(case: Case, text: str, path: str) -> None:
    """Assert that an error text names the file, the line, the bad value and the hint."""
    flat = _flat(text)
    assert "Traceback" not in text
    assert path in flat, f"the message does not name the file {path!r}:\n{text}"
    if case.lines:
        located = [f"{path}:{line}" for line in case.lines]
        assert any(re.search(re.escape(loc) + r"(?!\d)", flat) for loc in located), (
            f"the message does not name {' or '.join(located)}:\n{text}"
        )
    for expected in case.expect:
        assert _flat(expected) in flat, f"missing {expected!r} in:\n{text}"


@pytest.fixture(scope="session")
def model_path(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Case], str]:
    """Return the path to pass for a case: relative to FIXTURES, or the temporary directory."""
    directory = tmp_path_factory.mktemp("models") / DIRECTORY
    directory.mkdir()

    def path(case: Case) -> str:
        return str(directory) if case.name == DIRECTORY else case.name

    return path


def test_every_fixture_has_a_case() -> None:
    files = {p.name for p in FIXTURES.iterdir()}
    assert files == set(BY_NAME) - {MISSING, DIRECTORY}
    assert not (FIXTURES / MISSING).exists()


def test_binary_fixture_is_binary() -> None:
    data = (FIXTURES / "binary.bin").read_bytes()
    assert data.startswith(b"\x1f\x8b") and b"\x00" in data  # a gzip header


# ---- through the library --------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_load_model_raises(
    case: Case, model_path: Callable[[Case], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(FIXTURES)
    path = model_path(case)
    with pytest.raises(InputError) as info:
        aftershock.load_model(path)
    error = info.value
    assert type(error) is case.error, f"{type(error).__name__}: {error}"
    assert len(error.problems) == 1, f"one defect, one message; got:\n{error}"
    assert_message(case, str(error), path)


# ---- through the command --------------------------------------------------------------------

CLI_CASES = [case for case in CASES if case.cli]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    env["COLUMNS"] = "80"  # what a CI log or a pipe gets: stderr is not a terminal
    env["OPENBLAS_NUM_THREADS"] = "1"
    return env


def run_check(
    path: str, *, timeout: float = 60, preexec_fn: Callable[[], None] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m aftershock check PATH`` in FIXTURES."""
    return subprocess.run(
        [sys.executable, "-m", "aftershock", "check", path],
        cwd=FIXTURES,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=preexec_fn,
    )


@pytest.fixture(scope="session")
def cli_runs(
    model_path: Callable[[Case], str],
) -> Iterator[dict[str, subprocess.CompletedProcess[str]]]:
    """Run the command on every CLI case at once; return the finished processes by case."""
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        futures = {case.name: pool.submit(run_check, model_path(case)) for case in CLI_CASES}
        yield {name: future.result() for name, future in futures.items()}


@pytest.mark.parametrize("case", CLI_CASES, ids=lambda c: c.name)
def test_cli_exits_2_with_the_message(
    case: Case,
    cli_runs: dict[str, subprocess.CompletedProcess[str]],
    model_path: Callable[[Case], str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run = cli_runs[case.name]
    assert "Traceback" not in run.stderr, run.stderr
    assert run.returncode == 2, run.stderr
    assert run.stdout == ""
    assert sum(line.startswith("error:") for line in run.stderr.splitlines()) == 1, run.stderr
    path = model_path(case)
    assert_message(case, run.stderr, path)
    monkeypatch.chdir(FIXTURES)
    with pytest.raises(InputError) as info:
        aftershock.load_model(path)
    for problem in info.value.problems:
        assert _flat(f"error: {problem.render()}") in _flat(run.stderr)


def test_cli_message_lines_are_not_hard_wrapped(
    cli_runs: dict[str, subprocess.CompletedProcess[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``file:line:col: message`` stays on one line when stderr is a pipe (CI logs, editors'
    problem matchers and grep read it line by line)."""
    stderr = cli_runs["unknown-zone.yaml"].stderr
    monkeypatch.chdir(FIXTURES)
    with pytest.raises(InputError) as info:
        aftershock.load_model("unknown-zone.yaml")
    first = info.value.problems[0].render().splitlines()[0]
    assert stderr.splitlines()[0] == f"error: {first}"


# ---- the alias bomb: bounded memory and time ------------------------------------------------


def _limit_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


_LOAD = """
import sys
import aftershock
try:
    aftershock.load_model(sys.argv[1])
except aftershock.InputError as exc:
    print(type(exc).__name__)
    print(exc)
"""


def test_alias_bomb_cli() -> None:
    case = ALIAS_BOMB
    run = run_check(case.name, timeout=20, preexec_fn=_limit_memory)
    assert "Traceback" not in run.stderr, run.stderr
    assert run.returncode == 2, run.stderr
    assert_message(case, run.stderr, case.name)


def test_alias_bomb_library() -> None:
    """Through load_model, in a subprocess: a regression must fail the test, not the run."""
    case = ALIAS_BOMB
    run = subprocess.run(
        [sys.executable, "-c", _LOAD, case.name],
        cwd=FIXTURES,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=20,
        preexec_fn=_limit_memory,
    )
    assert run.returncode == 0, run.stderr
    kind, _, text = run.stdout.partition("\n")
    assert kind == case.error.__name__
    assert_message(case, text, case.name)
