"""Fuzz the command: odd arguments, mutated files and hostile file-system conditions never end
in exit code 3 (an internal error), a hang or raw control characters on stdout or stderr.

Three layers:

- ``test_odd_command_lines``: Hypothesis builds command lines (every command, odd --fail
  specs, durations, targets, --order, --format, -o paths, importer inputs, repeated and
  unknown options) over a folder of files (the example, mutated models and scenarios, a
  directory, a symlink loop, /proc/self/mem, a file whose name holds escape sequences) and
  runs them in process through typer's runner, each in a forked child (fuzz_findings).
- ``test_odd_command_lines_in_a_process``: fewer of the same, as real processes.
- ``test_file_system_conditions``: named conditions (a FIFO nobody writes, /dev/zero, -o into
  a missing folder or onto /dev/full, stdout closed, a path that is not UTF-8) as real
  processes with a time and memory limit; each must exit 2 (or 0) promptly and cleanly.

Counterexamples are pinned in ``FOUND_CLI`` (xfail while open, see test_fuzz.py).
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import aftershock
from fuzz_findings import Trouble, attempt, isolated, judge, problem, signature
from mutations import (
    CONTROLS,
    IMPORT_FORMATS,
    UNICODE,
    Mutant,
    durations,
    fail_specs,
    importer_seeds,
    model_seeds,
    mutated,
    scenario_seeds,
    strings,
    targets,
)

ROOT = Path(__file__).resolve().parents[1]
FOUND_DIR = Path(__file__).parent / "fixtures" / "fuzz-found"
RAW_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]")
"""What must never reach a terminal raw: C0 but tab and newline, DEL, C1."""
EVIL_NAME = "evil\x1b]0;pwned\x07\x1b[2J.yaml"
"""A file name that retitles the terminal and clears it if printed raw."""
UNDECODABLE = "bad-\udcff.yaml"
"""A file name that is not UTF-8 (b'bad-\\xff.yaml'), as Python hands it to the program."""
PROCESS_MEMORY = 2 << 30
MAX_ARG = 100_000
PROCESS_TIMEOUT = 20.0

# ---- the folder every command line runs in --------------------------------------------------


SAME_FORMAT = "@format"
"""In a command line, stands for the format of the world's importer input."""


@dataclass(frozen=True)
class World:
    """The files in the working folder: ``model.yaml``, ``scenario.yaml`` and
    ``inputs/NAME`` (an input of import format ``imported_format``, named like its seed) hold
    mutants; the rest is fixed."""

    model: Mutant | None = None
    scenario: Mutant | None = None
    imported: Mutant | None = None
    imported_format: str = "kubernetes"

    def resolve(self, args: list[str]) -> list[str]:
        """Return ``args`` with SAME_FORMAT replaced by the input's format."""
        return [self.imported_format if a == SAME_FORMAT else a for a in args]


def build(world: World, folder: Path) -> None:
    """Create ``world`` in ``folder``."""
    example_text = aftershock.example_text().encode()
    (folder / "model.yaml").write_bytes(world.model.data if world.model else example_text)
    scenario = ROOT / "examples" / "scenarios" / "us-east-1-day.yaml"
    (folder / "scenario.yaml").write_bytes(
        world.scenario.data if world.scenario else scenario.read_bytes()
    )
    if world.imported is not None:
        inputs = folder / "inputs"
        inputs.mkdir()
        (inputs / world.imported.name).write_bytes(world.imported.data)
    (folder / "dir.yaml").mkdir()
    (folder / "loop.yaml").symlink_to("loop.yaml")
    (folder / "dangling.yaml").symlink_to("no-such-target.yaml")
    (folder / "existing.json").write_text("{}\n")
    (folder / "empty.yaml").write_bytes(b"")
    (folder / EVIL_NAME).write_text("aftershock: 1\nname: x\ncomponents: {a: {kind: servise}}\n")
    (folder / UNDECODABLE).write_text("aftershock: 2\n")


PATHS = [
    "model.yaml",
    "dir.yaml",
    "loop.yaml",
    "dangling.yaml",
    "missing.yaml",
    "empty.yaml",
    "existing.json",
    "/proc/self/mem",
    "/dev/null",
    EVIL_NAME,
    UNDECODABLE,
    "",
    ".",
    "-",
    "x" * 300,
    "dir.yaml/",
    "model.yaml/x",
    "inputs",
]
"""Paths to pass where a file goes (no FIFO or /dev/zero here: test_file_system_conditions
gives those a process of their own and a deadline)."""
OUTPUTS = [
    "out.txt",
    "existing.json",
    "missing/out.json",
    "/dev/full",
    "/dev/null",
    "dir.yaml",
    "loop.yaml",
    "dangling.yaml",
    "",
    EVIL_NAME,
    "model.yaml",
]
paths = st.one_of(st.sampled_from(PATHS), strings.map(lambda s: s.replace("\x00", "").lstrip("/")))
"""Paths: the named ones, or odd text taken as a relative path (an absolute one could make an
importer walk the whole machine)."""
words = st.one_of(st.sampled_from(CONTROLS + UNICODE), strings)
incidents = st.one_of(
    st.sampled_from(sorted(aftershock.load_incidents())),
    st.sampled_from(["aws-2025-10-2", ""]),
    words,
)


def _option(name: str, values: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    return values.map(lambda v: [name, v])


def _options(*choices: st.SearchStrategy[list[str]]) -> st.SearchStrategy[list[str]]:
    """Return some of ``choices`` (each an option with its value), in any order, any twice."""
    return st.lists(st.one_of(*choices), max_size=4).map(
        lambda groups: [arg for group in groups for arg in group]
    )


formats = st.sampled_from(["terminal", "json", "markdown", "html", "JSON", "", "xml"])
common = [
    _option("--format", formats),
    _option("-o", st.one_of(st.sampled_from(OUTPUTS), paths)),
    st.just(["--force"]),
]
check_args = _options(
    *common,
    _option(
        "--order", st.sampled_from(["1", "2", "3", "4", "0", "-1", "5", "9" * 400, "x", "1.5"])
    ),
    _option("--explain", targets),
    _option("--fail-on", st.one_of(st.sampled_from(["spof", "any", "critical", "spfo"]), words)),
)
time_args = [
    _option("--fail", fail_specs),
    _option("--scenario", st.one_of(st.just("scenario.yaml"), paths)),
    _option("--horizon", durations),
]
simulate_args = _options(*common, *time_args)
replay_args = _options(*common, _option("--stretch", durations), _option("--horizon", durations))
report_args = _options(
    *common, *time_args, _option("--replay", incidents), _option("--stretch", durations)
)
import_formats = st.one_of(
    st.just(SAME_FORMAT), st.sampled_from([*IMPORT_FORMATS, "kubernets", ""]), words
).map(lambda f: "not-aws" if f.strip().lower() == "aws" else f)  # aws would call AWS
import_args = _options(
    *common,
    _option(
        "--add", st.builds("{}={}".format, import_formats, st.sampled_from(["inputs", *PATHS]))
    ),
    _option("--add", words),
    _option(
        "--region", st.one_of(st.sampled_from(["aws/us-east-1", "aws/us-esat-1", "aws"]), targets)
    ),
    _option("--name", words),
    _option("--env-file", paths),
)
EXTRA = [["--help"], ["--"], ["--unknown"], ["-o"], ["--version"], ["--fail"], [UNDECODABLE]]


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    """Return the arguments of one run of aftershock."""
    command = draw(
        st.sampled_from(
            ["check", "simulate", "replay", "report", "import", "catalog", "incidents", "example"]
        )
    )
    model = draw(st.one_of(st.none(), st.just("model.yaml"), paths))
    args: list[str] = [command]
    if command == "check":
        args += ([model] if model is not None else []) + draw(check_args)
    elif command == "simulate":
        args += ([model] if model is not None else []) + draw(simulate_args)
    elif command == "replay":
        args += [draw(incidents)] + ([model] if model is not None else []) + draw(replay_args)
    elif command == "report":
        args += ([model] if model is not None else []) + draw(report_args)
    elif command == "import":
        inputs = draw(st.one_of(st.just("inputs"), paths))
        args += [draw(import_formats), inputs, *draw(import_args)]
    elif command == "catalog":
        provider = st.sampled_from(["aws", "gcp", "azure", "cloudflare", "vendors", "awz"])
        args += draw(st.lists(st.one_of(provider, words), max_size=1))
    elif command == "incidents":
        args += draw(st.lists(incidents, max_size=1))
    if draw(st.integers(0, 9)) == 0:
        args += draw(st.sampled_from(EXTRA))
    return [_arguable(arg) for arg in args]


def _arguable(arg: str) -> str:
    """Return ``arg`` as a process can receive it: no NUL byte (argv is C strings), at most
    MAX_ARG characters (Linux refuses longer single arguments)."""
    return arg.replace("\x00", "")[:MAX_ARG]


@st.composite
def worlds(draw: st.DrawFn) -> World:
    """Return a working folder's mutants: a model, a scenario, an importer input."""
    fmt = draw(st.sampled_from(IMPORT_FORMATS))
    model = st.one_of(mutated(model_seeds(), gentle=True), mutated(model_seeds(), max_edits=2))
    return World(
        model=draw(st.one_of(st.none(), model)),
        scenario=draw(st.one_of(st.none(), mutated(scenario_seeds(), max_edits=2))),
        imported=draw(mutated(importer_seeds(fmt), max_edits=1)),
        imported_format=fmt,
    )


# ---- judging one run ------------------------------------------------------------------------


def controls_in(text: str) -> str | None:
    """Return the first raw control character of ``text``, shown escaped, or None."""
    found = RAW_CONTROLS.search(text)
    return None if found is None else repr(found.group())


def check_outputs(args: list[str], stdout: str, stderr: str) -> None:
    """Report raw control characters on stdout or stderr (inside the child)."""
    for stream, text in (("stdout", stdout), ("stderr", stderr)):
        bad = controls_in(text)
        if bad:
            problem(
                f"controls-on-{stream}@cli:{args[0]}",
                f"cli {args[0]}",
                f"raw {bad} on {stream} of aftershock {args!r}:\n{text[-1500:]}",
            )


def run_in_process(args: list[str]) -> None:
    """Run the command through typer's runner (inside the child) and report what it did
    wrong: an exception (exit code 3 for a user), exit code 3 itself, raw controls on stdout,
    stderr or in a file it wrote (-o)."""
    from typer.testing import CliRunner

    from aftershock.cli import app

    before = _files()
    result = CliRunner().invoke(app, args)
    for name in sorted(set(_files().items()) - set(before.items())):
        written = Path(name[0]).read_bytes().decode("utf-8", "replace")
        bad = controls_in(written)
        if bad:
            problem(
                f"controls-in-output-file@cli:{args[0]}",
                f"cli {args[0]}",
                f"raw {bad} in {name[0]!r} written by aftershock {args!r}:\n{written[-1500:]}",
            )
    exc = result.exception
    if exc is not None and not isinstance(exc, SystemExit):
        assert result.exc_info is not None
        detail = "".join(__import__("traceback").format_exception(*result.exc_info))
        problem(signature(exc), f"cli {args[0]}", f"aftershock {args!r}\n{detail}")
        return
    if result.exit_code == 3:
        problem(f"exit-3@cli:{args[0]}", f"cli {args[0]}", f"aftershock {args!r}\n{result.stderr}")
    check_outputs(args, result.stdout, result.stderr)


def _files() -> dict[str, tuple[int, int]]:
    """Return the regular files in the working folder with their (mtime, size)."""
    found = {}
    for entry in os.scandir("."):
        if entry.is_file(follow_symlinks=False):
            stat = entry.stat(follow_symlinks=False)
            found[entry.name] = (stat.st_mtime_ns, stat.st_size)
    return found


def evidence(world: World, args: list[str]) -> dict[str, Any]:
    data = world.model.data if world.model else b""
    return {"data": data, "args": args, "world": world}


# ---- in process -----------------------------------------------------------------------------


@settings(max_examples=30)
@given(world=worlds(), args=command_lines())
def test_odd_command_lines(world: World, args: list[str]) -> None:
    run_world(world, args)


def run_world(world: World, args: list[str], *, strict: bool = False) -> None:
    with tempfile.TemporaryDirectory(prefix="aftershock-cli-fuzz-") as folder:
        build(world, Path(folder))

        def example() -> None:
            os.chdir(folder)
            attempt(f"cli {args[0]}", lambda: run_in_process(world.resolve(args)))

        isolated(example, evidence(world, args), strict=strict)


# ---- as real processes ----------------------------------------------------------------------


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (PROCESS_MEMORY, PROCESS_MEMORY))


def _env(**more: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    env.update(COLUMNS="100", OPENBLAS_NUM_THREADS="1", PYTHONPATH=os.pathsep.join(sys.path))
    env.pop("AFTERSHOCK_DEBUG", None)
    env.update(more)
    return env


def run_process(
    args: list[str],
    cwd: Path,
    *,
    stdout: Any = subprocess.PIPE,
    timeout: float = PROCESS_TIMEOUT,
    env: dict[str, str] | None = None,
) -> tuple[int | None, bytes, bytes, float]:
    """Run ``python -m aftershock ARGS`` in ``cwd`` (``env`` added to a clean environment);
    return (exit code or None when it did not finish in time, stdout, stderr, seconds)."""
    import time

    argv = [sys.executable, "-m", "aftershock", *[os.fsencode(a) for a in args]]
    started = time.monotonic()
    with subprocess.Popen(
        argv,
        cwd=cwd,
        env=_env(**(env or {})),
        stdin=subprocess.DEVNULL,
        stdout=stdout,
        stderr=subprocess.PIPE,
        preexec_fn=_limits,
    ) as proc:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            return None, out or b"", err or b"", time.monotonic() - started
    return proc.returncode, out or b"", err or b"", time.monotonic() - started


def process_troubles(args: list[str], cwd: Path, **kwargs: Any) -> list[Trouble]:
    """Run the command as a process; return what it did wrong."""
    code, out, err, seconds = run_process(args, cwd, **kwargs)
    what = f"aftershock {args!r}"
    troubles = []
    if code is None:
        troubles.append(
            Trouble(
                f"hang@cli:{args[0]}",
                f"cli {args[0]}",
                f"{what}: over {seconds:.0f} s\n{err[-1500:]!r}",
            )
        )
    elif code == 3 or b"Traceback" in err:
        debug = subprocess.run(
            [sys.executable, "-m", "aftershock", *[os.fsencode(a) for a in args]],
            cwd=cwd,
            env=_env(**kwargs.get("env", {}), AFTERSHOCK_DEBUG="1"),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=PROCESS_TIMEOUT,
            preexec_fn=_limits,
            check=False,
        ).stderr.decode("utf-8", "replace")
        troubles.append(
            Trouble(
                _traceback_signature(debug),
                f"cli {args[0]}",
                f"{what} exit {code}\n{debug[-3000:]}",
            )
        )
    for stream, data in (("stdout", out), ("stderr", err)):
        bad = controls_in(data.decode("utf-8", "replace"))
        if bad:
            detail = f"raw {bad} on {stream} of {what}:\n{data[-1500:]!r}"
            troubles.append(
                Trouble(f"controls-on-{stream}@cli:{args[0]}", f"cli {args[0]}", detail)
            )
    return troubles


def _traceback_signature(text: str) -> str:
    """Return the signature (as fuzz_findings.signature) of a printed traceback."""
    frames = re.findall(r'File "([^"]*)", line \d+, in (\S+)', text)
    ours = [(f, fn) for f, fn in frames if "/aftershock/" in f]
    last = re.findall(r"^(\w+(?:\.\w+)*)(?::|$)", text, re.MULTILINE)
    kind = last[-1].rsplit(".", 1)[-1] if last else "exit-3"
    if not ours:
        return f"{kind}@cli"
    path, function = ours[-1]
    return f"{kind}@{path.rsplit('/aftershock/', 1)[-1]}:{function}"


ENVIRONMENTS = [
    {},
    {},
    {"PYTHONIOENCODING": "ascii"},  # a legacy console; as LANG=en_US.ISO-8859-1 where installed
    {"PYTHONIOENCODING": "latin-1"},
    {"COLUMNS": "5"},
    {"COLUMNS": "0"},
    {"COLUMNS": "-1"},
    {"COLUMNS": "9" * 30},
    {"TERM": "dumb"},
    {"NO_COLOR": "1"},
    {"HOME": "/nonexistent", "TMPDIR": "/nonexistent"},
]
"""What the environment may say (FORCE_COLOR is left out: colour on a pipe is asked for)."""


@settings(max_examples=5)
@given(world=worlds(), args=command_lines(), env=st.sampled_from(ENVIRONMENTS))
def test_odd_command_lines_in_a_process(world: World, args: list[str], env: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory(prefix="aftershock-cli-fuzz-") as folder:
        build(world, Path(folder))
        for trouble in process_troubles(world.resolve(args), Path(folder), env=env):
            judge(trouble, {**evidence(world, args), "env": env})


# ---- named file-system conditions, as real processes ----------------------------------------


@dataclass(frozen=True)
class Condition:
    """A command line run in a folder prepared by ``setup`` (a FIFO, a loop, ...)."""

    name: str
    args: tuple[str, ...]
    setup: str = ""
    """What to create first: fifo, loops, stdout-closed, stdout-full."""
    env: tuple[tuple[str, str], ...] = ()
    """Environment variables to set."""
    seconds: float = 10.0
    """How long it may take (bad input is refused within 2 s; CI machines are slower)."""
    bug: str | None = None
    """The class of the bug (issue 9) while it is open: the case is xfail."""


CONDITIONS = [
    Condition("fifo-model", ("check", "fifo.yaml"), "fifo"),
    Condition("dev-zero-model", ("check", "/dev/zero")),
    Condition("proc-mem-model", ("check", "/proc/self/mem")),  # unreadable, even for root
    Condition("directory-model", ("check", "dir.yaml")),
    Condition("symlink-loop-model", ("check", "loop.yaml")),
    Condition("not-utf8-path", ("check", UNDECODABLE)),
    Condition("escape-sequences-in-path", ("check", EVIL_NAME)),
    Condition("fifo-scenario", ("simulate", "--scenario", "fifo.yaml"), "fifo"),
    Condition("dev-zero-scenario", ("simulate", "--scenario", "/dev/zero")),
    Condition("fifo-import", ("import", "kubernetes", "fifo.yaml"), "fifo"),
    Condition("folder-with-loop-import", ("import", "kubernetes", "."), "loops"),
    Condition(
        "fifo-env-file", ("import", "compose", "compose.yaml", "--env-file", "fifo.yaml"), "fifo"
    ),
    # exit 3 (OSError: ENAMETOOLONG) until 850f6eb; test_found_cli has the other importers
    Condition("input-name-too-long", ("import", "compose", "x" * 300)),
    Condition("output-missing-folder", ("check", "--format", "json", "-o", "missing/out.json")),
    Condition("output-dev-full", ("check", "--format", "json", "-o", "/dev/full", "--force")),
    Condition("output-directory", ("check", "-o", "dir.yaml", "--force")),
    Condition("output-fifo", ("check", "--format", "json", "-o", "fifo.yaml", "--force"), "fifo"),
    Condition("stdout-full", ("check", "--format", "json"), "stdout-full"),
    Condition("stdout-closed", ("check", "--format", "json"), "stdout-closed"),
    # exit 3 (UnicodeEncodeError) until bfd5c6c
    Condition(
        "stdout-ascii-replay", ("replay", "aws-2025-10-20"), env=(("PYTHONIOENCODING", "ascii"),)
    ),
    Condition("stdout-ascii-catalog", ("catalog", "aws"), env=(("PYTHONIOENCODING", "ascii"),)),
    # exit 3 (OverflowError) until 1c43bef; COLUMNS=100000000 hung
    Condition("columns-1e14-help", ("check", "--help"), env=(("COLUMNS", "9" * 14),)),
]
"""Few enough to keep `make test` quick: each is a fresh interpreter (test_hostile_input.py runs
more of the kind)."""


def prepare(condition: Condition, folder: Path) -> dict[str, Any]:
    """Create the condition's files in ``folder``; return extra arguments for run_process."""
    build(World(), folder)
    if condition.setup == "fifo":
        os.mkfifo(folder / "fifo.yaml")
        (folder / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n")
    if condition.setup == "loops":
        (folder / "deeper").mkdir()
        (folder / "deeper" / "again").symlink_to("..")
    if condition.setup == "stdout-full":
        return {"stdout": open("/dev/full", "wb")}  # closed by the caller
    if condition.setup == "stdout-closed":
        read, write = os.pipe()
        os.close(read)
        return {"stdout": write}
    return {}


def _condition_params() -> Iterator[Any]:
    from test_fuzz import open_bug

    for c in CONDITIONS:
        yield pytest.param(c, id=c.name, marks=open_bug(c.bug))


def _run_condition(condition: Condition, folder: Path) -> list[Trouble]:
    folder.mkdir()
    extra = prepare(condition, folder)
    try:
        return process_troubles(
            list(condition.args),
            folder,
            timeout=condition.seconds,
            env=dict(condition.env),
            **extra,
        )
    finally:
        out = extra.get("stdout")
        if hasattr(out, "close"):
            out.close()
        elif isinstance(out, int):
            os.close(out)


@pytest.fixture(scope="module")
def condition_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Trouble]]:
    """Run every condition at once (each a fresh interpreter); return their troubles."""
    root = tmp_path_factory.mktemp("conditions")
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {c.name: pool.submit(_run_condition, c, root / c.name) for c in CONDITIONS}
        return {name: future.result() for name, future in futures.items()}


@pytest.mark.parametrize("condition", list(_condition_params()))
def test_file_system_conditions(
    condition: Condition, condition_runs: dict[str, list[Trouble]]
) -> None:
    troubles = condition_runs[condition.name]
    assert not troubles, "\n\n".join(f"{t.sig}\n{t.detail}" for t in troubles)


# ---- the pinned counterexamples, strictly ---------------------------------------------------


@dataclass(frozen=True)
class FoundCli:
    """A command line that misbehaved: ``args`` run over a world whose model.yaml,
    scenario.yaml or inputs/NAME (the role: model, scenario or input) come from the files
    named in ``files`` (role, file below fixtures/fuzz-found/); ``bug`` as in test_fuzz.Found."""

    name: str
    args: tuple[str, ...]
    bug: str | None
    files: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def world(self) -> World:
        from mutations import bytes_mutant

        found: dict[str, Mutant] = {}
        for role, file in self.files:
            found[role] = bytes_mutant((FOUND_DIR / file).read_bytes(), file.split("--", 1)[-1])
        return World(
            model=found.get("model"), scenario=found.get("scenario"), imported=found.get("input")
        )


FOUND_CLI = [
    *(  # exit 3 (OSError: ENAMETOOLONG) until 850f6eb
        FoundCli(f"import-{fmt}-name-too-long", ("import", fmt, "x" * 300), None)
        for fmt in ("compose", "kubernetes", "backstage", "traces")
    ),
    # exit 3 (ValueError: empty window) until 62d657f
    FoundCli(
        "fail-tiny-duration", ("simulate", "--fail", "aws/us-east-1@30m+0.000000000001ms"), None
    ),
    FoundCli(
        "scenario-tiny-duration",
        ("report", "--scenario", "scenario.yaml", "-o", "r.html"),
        None,
        (("scenario", "tiny-duration-empty-window--scenario.yaml"),),
    ),
]


def _found_params() -> Iterator[Any]:
    from test_fuzz import open_bug

    for case in FOUND_CLI:
        yield pytest.param(case, id=case.name, marks=open_bug(case.bug))


@pytest.mark.parametrize("case", list(_found_params()))
def test_found_cli(case: FoundCli) -> None:
    run_world(case.world(), list(case.args), strict=True)


def _examples(test: Any) -> Any:
    for case in FOUND_CLI:
        test = example(world=case.world(), args=list(case.args))(test)
    return test


test_odd_command_lines = _examples(test_odd_command_lines)
