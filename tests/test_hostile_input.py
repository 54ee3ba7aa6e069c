"""Hostile input, tried as an attacker would: nothing read outside the input's folder, nothing
injected into a terminal, every answer bounded, and exit 2 (never 3) with a message naming the
file and what to do.

Each class of the attack test is a named case: a fixture in fixtures/hostile/ or an input built
in a temporary folder (FIFOs, symbolic links, files too big or too deep to keep in the
repository). The command runs in real processes, all at once, under a memory limit and with a
timeout that only guards against hangs: how fast each case fails is what bench/bench_hostile.py
measures.
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
from aftershock.errors import ImportInputError
from aftershock.escaping import escape_controls, has_controls
from aftershock.importers import ImportOptions, import_model

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
MEMORY_LIMIT = 2 << 30
"""Address space of each command: a bounded failure fits easily."""
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
BIG = "9" * 400


def _limit_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the command as a user would (no terminal), bounded in memory; a hang fails."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AFTERSHOCK")}
    return subprocess.run(
        [sys.executable, "-m", "aftershock", *args],
        capture_output=True,
        text=True,
        errors="surrogateescape",
        timeout=60,
        cwd=cwd,
        env=env,
        preexec_fn=_limit_memory,
    )


@dataclass(frozen=True)
class Case:
    """One hostile input: the command to run and what its message must say."""

    name: str
    args: Callable[[Path], list[str]]
    """The arguments, given a temporary folder to build the input in."""
    expect: tuple[str, ...]
    exit_code: int = 2


def _fixture(name: str) -> Callable[[Path], list[str]]:
    return lambda tmp: ["check", str(HOSTILE / name)]


def _import(fmt: str, name: str) -> Callable[[Path], list[str]]:
    return lambda tmp: ["import", fmt, str(HOSTILE / name)]


def _built(build: Callable[[Path], list[str]]) -> Callable[[Path], list[str]]:
    return build


def _fifo(tmp: Path) -> list[str]:
    os.mkfifo(tmp / "pipe.yaml")
    return ["check", str(tmp / "pipe.yaml")]


def _loop(tmp: Path) -> list[str]:
    (tmp / "a.yaml").symlink_to(tmp / "b.yaml")
    (tmp / "b.yaml").symlink_to(tmp / "a.yaml")
    return ["check", str(tmp / "a.yaml")]


def _broken(tmp: Path) -> list[str]:
    (tmp / "gone.yaml").symlink_to(tmp / "nowhere.yaml")
    return ["check", str(tmp / "gone.yaml")]


def _nul_late(tmp: Path) -> list[str]:
    text = aftershock.example_text() + "#" + "x" * 70_000 + "\n" + "# \x00\n"
    (tmp / "late-nul.yaml").write_text(text)
    return ["check", str(tmp / "late-nul.yaml")]


def _deep_json(fmt: str) -> Callable[[Path], list[str]]:
    def build(tmp: Path) -> list[str]:
        (tmp / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
        return ["import", fmt, str(tmp / "deep.json")]

    return build


def _long_workload(tmp: Path) -> list[str]:
    name = "w" * 100_000
    (tmp / "long.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\n"
        f"metadata: {{name: {name}}}\n"
        "spec: {template: {spec: {containers: [{name: c, image: nginx}]}}}\n"
    )
    return ["import", "kubernetes", str(tmp / "long.yaml"), "-o", str(tmp / "out.yaml")]


def _current_folder(tmp: Path) -> list[str]:
    (tmp / "web.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"
        "spec: {template: {spec: {containers: [{name: c, image: nginx}]}}}\n"
    )
    return ["import", "kubernetes", "."]


def _output(where: Callable[[Path], str]) -> Callable[[Path], list[str]]:
    return lambda tmp: ["check", "--format", "json", "-o", where(tmp)]


CASES = [
    # durations that overflow a float, in every field that holds one
    *(
        Case(
            f"duration-400-digits-{field}",
            _fixture(f"duration-400-digits-{field}.yaml"),
            ("is longer than the limit of 36500d (100 years)", f"{field}"),
        )
        for field in ("rto", "rpo", "detect", "holds", "lag")
    ),
    Case(
        "scenario-start-400-digits",
        lambda tmp: ["simulate", "--scenario", str(HOSTILE / "scenario-start-400-digits.yaml")],
        ("scenario-start-400-digits.yaml:2", "longer than the limit"),
    ),
    Case(
        "scenario-horizon-400-digits",
        lambda tmp: ["simulate", "--scenario", str(HOSTILE / "scenario-horizon-400-digits.yaml")],
        ("scenario-horizon-400-digits.yaml:1", "longer than the limit"),
    ),
    Case(
        "horizon-400-digits",
        lambda tmp: ["simulate", "--fail", "aws/us-east-1", "--horizon", BIG + "h"],
        ("--horizon", "longer than the limit"),
    ),
    Case(
        "stretch-400-digits",
        lambda tmp: ["replay", "aws-2025-10-20", "--stretch", BIG + "h"],
        ("--stretch", "longer than the limit"),
    ),
    Case(
        "fail-start-400-digits",
        lambda tmp: ["simulate", "--fail", f"aws/us-east-1@{BIG}h"],
        ("--fail", "invalid start", "longer than the limit"),
    ),
    # numbers
    Case("cost-infinite", _fixture("cost-infinite.yaml"), ("cost-infinite.yaml:8", "finite")),
    Case("cost-1e400", _fixture("cost-1e400.yaml"), ("cost-1e400.yaml:8", "finite")),
    Case("cost-over-limit", _fixture("cost-over-limit.yaml"), ("at most 1000000000000",)),
    Case(
        "integer-5000-digits",
        _fixture("integer-5000-digits.yaml"),
        ("integer-5000-digits.yaml:8", "a number of 5,000 characters, over the limit of 400"),
    ),
    # the contract
    Case("version-true", _fixture("version-true.yaml"), ("model format True is not supported",)),
    Case(
        "name-with-escape",
        _fixture("name-with-escape.yaml"),
        ("name-with-escape.yaml:2", "holds a control character (U+001B)"),
    ),
    Case(
        "vendor-with-newline",
        _fixture("vendor-with-newline.yaml"),
        ("vendor-with-newline.yaml:27", "holds a control character (U+000A)"),
    ),
    Case(
        "raw-escape",
        _fixture("raw-escape.yaml"),
        ("raw-escape.yaml:2:14", "a control character (U+001B) that YAML does not allow"),
    ),
    Case("late-nul", _nul_late, ("late-nul.yaml:218:3", "NUL byte")),
    # importers' inputs of the wrong shape, or too deep
    Case(
        "terraform-resources-as-text",
        _import("terraform", "terraform-resources-as-text.json"),
        ("planned_values.root_module.resources is text, not a list",),
    ),
    Case(
        "terraform-changes-as-object",
        _import("terraform", "terraform-changes-as-object.json"),
        ("resource_changes is an object, not a list",),
    ),
    Case(
        "terraform-instances-as-text",
        _import("terraform", "terraform-instances-as-text.json"),
        ("resources[0].instances is text, not a list",),
    ),
    Case("json-nan", _import("terraform", "json-nan.json"), ("NaN is not a JSON number",)),
    *(
        Case(f"deep-json-{fmt}", _deep_json(fmt), ("deep.json:1", "nests deeper than 200 levels"))
        for fmt in ("terraform", "cloudformation", "traces")
    ),
    Case("long-workload-name", _long_workload, ("wrote",), exit_code=0),
    Case("import-the-current-folder", _current_folder, (), exit_code=0),
    # file-system conditions
    Case("fifo", _fifo, ("not a regular file", "a named pipe (FIFO)")),
    Case("dev-zero", lambda tmp: ["check", "/dev/zero"], ("a character device",)),
    Case("proc-self-mem", lambda tmp: ["check", "/proc/self/mem"], ("cannot read it",)),
    Case("directory", lambda tmp: ["check", str(tmp)], ("is a directory, not a model file",)),
    Case("symlink-loop", _loop, ("a symbolic link loop",)),
    Case("broken-symlink", _broken, ("a broken symbolic link",)),
    Case(
        "long-file-name",
        lambda tmp: ["check", str(tmp / ("x" * 300 + ".yaml"))],
        ("the path is too long",),
    ),
    Case(
        "output-into-missing-folder",
        _output(lambda tmp: str(tmp / "missing" / "out.json")),
        ("does not exist", "create the folder first"),
    ),
    Case("output-to-folder", _output(str), ("is a folder",)),
    Case(
        "output-to-device",
        lambda tmp: ["check", "--format", "json", "-o", "/dev/full", "--force"],
        ("/dev/full: is not a regular file",),
    ),
    Case(
        "endpoint-not-a-url",
        lambda tmp: ["import", "aws", "--aws-region", "us-east-1", "--endpoint-url", "not a url"],
        ("--endpoint-url 'not a url' is not an http or https URL",),
    ),
    Case(
        "zone-with-a-service-under-it",
        lambda tmp: ["simulate", "--fail", "aws/us-east-1/use1-az1/dynamodb"],
        (
            "aws/us-east-1/use1-az1 is a zone",
            "name aws/us-east-1/use1-az1 or aws/us-east-1/dynamodb",
        ),
    ),
]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[Path, object]]]:
    """Run every case at once; return each case's folder and finished process."""
    folders = {case.name: tmp_path_factory.mktemp(case.name[:40]) for case in CASES}
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        futures = {
            case.name: pool.submit(run, *case.args(folders[case.name]), cwd=folders[case.name])
            for case in CASES
        }
        yield {name: (folders[name], future.result()) for name, future in futures.items()}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_hostile_input_exits_with_a_message(
    case: Case, runs: dict[str, tuple[Path, subprocess.CompletedProcess[str]]]
) -> None:
    _, out = runs[case.name]
    assert "Traceback" not in out.stderr and "internal error" not in out.stderr, out.stderr
    assert out.returncode == case.exit_code, out.stderr
    for text in case.expect:
        assert text in " ".join(out.stderr.split()), f"missing {text!r} in:\n{out.stderr}"
    assert not RAW_CONTROL.search(out.stderr + out.stdout)
    if case.exit_code == 2:
        assert sum(line.startswith("error:") for line in out.stderr.splitlines()) >= 1
        assert len(out.stderr) < 4000, "a message names the bad value, it does not repeat it"


def test_the_current_folder_names_the_model(
    runs: dict[str, tuple[Path, subprocess.CompletedProcess[str]]],
) -> None:
    folder, out = runs["import-the-current-folder"]
    model = aftershock.load_model_text(out.stdout)
    assert model.name == folder.name and list(model.components) == ["web"]


def test_a_long_workload_name_is_cut_with_a_digest(
    runs: dict[str, tuple[Path, subprocess.CompletedProcess[str]]],
) -> None:
    folder, _ = runs["long-workload-name"]
    model = aftershock.load_model(folder / "out.yaml")
    (name,) = model.components
    assert len(name) == 63 and re.fullmatch(r"w+-[0-9a-f]{8}", name)
    assert max(len(line) for line in (folder / "out.yaml").read_text().splitlines()) < 600


# ---- smaller things ----------------------------------------------------------------------


def test_merge_keys_and_x_keys_load() -> None:
    model = aftershock.load_model(HOSTILE / "merge-keys.yaml")
    assert model.components["web"].kind == "service"
    assert [d.on for d in model.components["web"].depends_on] == ["api"]
    assert model.components["web"].deploy == model.components["api"].deploy


def test_explain_writes_to_the_output_file(tmp_path: Path) -> None:
    target = tmp_path / "explain.txt"
    out = run("check", "--explain", "aws/us-east-1", "-o", str(target))
    assert out.returncode == 0, out.stderr
    assert out.stdout == ""
    assert "aws/us-east-1 fails" in target.read_text()


def test_output_is_written_whole_or_not_at_all(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("mine\n")
    assert run("check", "--format", "json", "-o", str(target)).returncode == 2
    assert target.read_text() == "mine\n"
    assert run("check", "--format", "json", "-o", str(target), "--force").returncode == 0
    assert target.read_text().startswith("{") and oct(target.stat().st_mode)[-3:] != "600"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


def test_a_symlinked_output_is_replaced_not_written_through(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    (tmp_path / "out.json").symlink_to(victim)
    assert (
        run("check", "--format", "json", "-o", str(tmp_path / "out.json"), "--force").returncode
        == 0
    )
    assert victim.read_text() == "precious\n"


# ---- confinement: references stay inside the input's folder --------------------------------

CHILD = """Resources:
  Leaked:
    Type: AWS::SQS::Queue
"""
PARENT = """Parameters:
  Bucket: {{Type: String, Default: templates}}
Resources:
  Web:
    Type: AWS::Lambda::Function
    Properties: {{FunctionName: web}}
  Nested:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: {url}
"""


def _stack(tmp: Path, url: str) -> tuple[Path, str]:
    """Return (template, model text) of a parent template nesting ``url``; outside the input's
    folder sit a valid template and a file of secrets."""
    outside = tmp / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "child.yaml").write_text(CHILD)
    (outside / "secrets.yaml").write_text("db_password: hunter2\napi_token: s3cr3t\n")
    inside = tmp / "repo"
    inside.mkdir(exist_ok=True)
    (inside / "master.yaml").write_text(PARENT.format(url=url))
    return inside / "master.yaml", import_model([("cloudformation", [inside / "master.yaml"])])


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("../outside/child.yaml", "goes up out of the input's folder"),
        ("!Sub 'https://s3.amazonaws.com/${Bucket}/../../outside/child.yaml'", "goes up with '..'"),
        ("https://s3.amazonaws.com/bucket/../outside/child.yaml", "goes up with '..'"),
        ("{path}/outside/child.yaml", "an absolute path outside"),
        ("file:///etc/passwd", "is not in the input"),
    ],
)
def test_nested_stacks_outside_the_folder_are_not_read(tmp_path: Path, url: str, why: str) -> None:
    _, text = _stack(tmp_path, url.replace("{path}", str(tmp_path)))
    assert "Leaked" not in text and "leaked" not in text
    assert why in " ".join(text.split())
    assert "Web:" in text


def test_a_symlink_out_of_the_folder_is_not_followed(tmp_path: Path) -> None:
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "child.yaml").symlink_to(tmp_path / "outside" / "secrets.yaml")
    _, text = _stack(tmp_path, "https://s3.amazonaws.com/bucket/child.yaml")
    assert "a symbolic link out of the input's folder" in " ".join(text.split())
    assert "hunter2" not in text and "db_password" not in text and "api_token" not in text


def test_a_non_template_is_refused_without_quoting_it(tmp_path: Path) -> None:
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "child.yaml").write_text("db_password: hunter2\napi_token: s3cr3t\n")
    with pytest.raises(ImportInputError) as caught:
        _stack(tmp_path, "https://s3.amazonaws.com/bucket/child.yaml")
    assert "no Resources section" in str(caught.value)
    assert "db_password" not in str(caught.value) and "api_token" not in str(caught.value)


def test_a_root_named_by_the_user_widens_where_references_go(tmp_path: Path) -> None:
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "child.yaml").write_text(CHILD)
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "master.yaml").write_text(PARENT.format(url="../outside/child.yaml"))
    options = ImportOptions(root=tmp_path)
    text = import_model([("cloudformation", [tmp_path / "repo" / "master.yaml"])], options)
    assert "Leaked:  # ../outside/child.yaml:2" in text


def test_nested_stacks_fanning_out_are_bounded(tmp_path: Path) -> None:
    """Seven files, each nesting the next ten times: 10^7 stacks if nothing stops it."""
    for level in range(7):
        nested = "".join(
            f"  N{i}:\n    Type: AWS::CloudFormation::Stack\n"
            f"    Properties: {{TemplateURL: level{level + 1}.yaml}}\n"
            for i in range(10)
        )
        (tmp_path / f"level{level}.yaml").write_text(
            "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n" + (nested if level < 6 else "")
        )
    with pytest.raises(ImportInputError, match="more than 500 nested stacks"):
        import_model([("cloudformation", [tmp_path / "level0.yaml"])])


def test_expressions_that_multiply_at_each_level_are_bounded(tmp_path: Path) -> None:
    """Outputs joining the next stack's output four times, 20 stacks deep: 4^19 steps and
    strings 4^19 long if nothing stops them."""
    for level in range(20):
        child = (
            f"  Next:\n    Type: AWS::CloudFormation::Stack\n"
            f"    Properties: {{TemplateURL: s{level + 1}.yaml}}\n"
            if level < 19
            else ""
        )
        value = "!Join ['', [" + ", ".join(["!GetAtt Next.Outputs.V"] * 4) + "]]"
        value = value if level < 19 else "'x'"
        (tmp_path / f"s{level}.yaml").write_text(
            "Resources:\n  F:\n    Type: AWS::Lambda::Function\n"
            f"    Properties: {{Description: {value}}}\n"
            f"{child}Outputs:\n  V: {{Value: {value}}}\n"
        )
    with pytest.raises(ImportInputError, match="takes more than 500,000 steps"):
        import_model([("cloudformation", [tmp_path / "s0.yaml"])])


def test_env_files_outside_the_project_are_not_read(tmp_path: Path) -> None:
    (tmp_path / "secret.env").write_text("DATABASE_PASSWORD=hunter2\nTARGET=db.internal:5432\n")
    project = tmp_path / "project"
    project.mkdir()
    (project / "compose.yaml").write_text(
        "services:\n"
        "  web:\n    image: nginx\n    env_file: [../secret.env, /etc/hostname]\n"
        "  db:\n    image: postgres\n"
    )
    (project / ".env").symlink_to(tmp_path / "secret.env")
    text = import_model([("compose", [project / "compose.yaml"])])
    flat = " ".join(text.split())
    assert "env_file ../secret.env" in flat and "goes up out of the input's folder" in flat
    assert "env_file /etc/hostname" in flat and "an absolute path outside" in flat
    assert ".env beside compose.yaml is not read: a symbolic link out of" in flat
    assert "hunter2" not in text and "db.internal" not in text


def test_a_folder_with_a_link_out_of_it_is_refused(tmp_path: Path) -> None:
    (tmp_path / "elsewhere.yaml").write_text("apiVersion: v1\nkind: Secret\n")
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "secret.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    with pytest.raises(ImportInputError, match="a symbolic link out of the folder") as caught:
        import_model([("kubernetes", [tmp_path / "k8s"])])
    assert "--root" in str(caught.value)


# ---- the output boundary -------------------------------------------------------------------

CONTROLS = [chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))]
SEQUENCES = [
    "\x1b]52;c;ZXZpbA==\x07",
    "\x1b]8;;https://evil.example\x1b\\x\x1b]8;;\x1b\\",
    "\x1b[2J",
    "\x9b2J",
]


@pytest.mark.parametrize("control", CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_escape_controls_makes_every_control_visible(control: str) -> None:
    escaped = escape_controls(f"a{control}b", keep_newlines=False)
    assert escaped == f"a\\u{ord(control):04x}b"
    assert not has_controls(escaped)
    assert escape_controls(escaped) == escaped  # once is enough, twice changes nothing


@pytest.mark.parametrize("sequence", SEQUENCES, ids=["osc52", "osc8", "csi-2j", "c1-csi"])
def test_terminal_sequences_never_reach_the_console(sequence: str) -> None:
    import io

    from rich.console import Console
    from rich.table import Table

    from aftershock.report.console import safe_console

    buffer = io.StringIO()
    console = safe_console(Console(file=buffer, width=80, force_terminal=True))
    table = Table("name")
    table.add_row(f"web{sequence}")
    console.print(table)
    console.print(f"[bold]error:[/] {sequence}\nsecond line")
    written = buffer.getvalue()
    text = re.sub(r"\x1b\[[0-9;]*m", "", written)  # rich's own colours stay
    assert not RAW_CONTROL.search(text), repr(text)
    assert "second line" in text and "\\u00" in text


def test_file_names_and_messages_from_input_are_escaped_on_stderr(tmp_path: Path) -> None:
    folder = tmp_path / "k8s"
    folder.mkdir()
    (folder / "evil\x1b]52;c;ZXZpbA==\x07.yaml").write_text("kind: [unclosed\n")
    out = run("import", "kubernetes", str(folder))
    assert out.returncode == 2 and "\\u001b]52" in out.stderr
    assert not RAW_CONTROL.search(out.stderr)
    compose = tmp_path / "compose.yaml"
    compose.write_text('services:\n  web:\n    image: "${IMAGE:?\\e[2Jset IMAGE}"\n')
    out = run("import", "compose", str(compose))
    assert out.returncode == 2 and "\\u001b[2Jset IMAGE" in out.stderr
    assert not RAW_CONTROL.search(out.stderr)
