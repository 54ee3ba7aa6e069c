"""How fast, and in how much memory, hostile inputs are refused (or, when valid, answered).

The attack test found small inputs that took minutes or gigabytes: a "did you mean" for a 100 KB
name, 2,000 dangling dependencies, 50 MB of blank lines, nested stacks fanning out ten ways per
level, a FIFO, ``/dev/zero``. Each is built here in a temporary folder and run through the real
command in a fresh process, next to the baseline of the same run: ``aftershock check`` on the
embedded example, which costs what starting Python and importing aftershock cost. The table
gives each case's wall time, its ratio to the baseline, its peak memory and its exit code (2:
refused with a message; 0: a valid input answered). A case over the time out is a hang.

Usage: ``python bench/bench_hostile.py [--smoke]``. It only prints; it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

Build = Callable[[Path], list[str]]
EXAMPLE_HEAD = """aftershock: 1
name: hostile
business_services:
  shop: {entry: [c0]}
components:
"""


def _example(tmp: Path) -> list[str]:
    return ["check"]


def _long_region(tmp: Path) -> list[str]:
    text = EXAMPLE_HEAD + f"  c0: {{kind: service, deploy: {{on: aws/{'x' * 100_000}}}}}\n"
    (tmp / "region.yaml").write_text(text)
    return ["check", str(tmp / "region.yaml")]


def _dangling(tmp: Path) -> list[str]:
    lines = [f"  c{i}: {{kind: service, depends_on: [missing-{i}]}}" for i in range(2000)]
    (tmp / "dangling.yaml").write_text(EXAMPLE_HEAD + "\n".join(lines) + "\n")
    return ["check", str(tmp / "dangling.yaml")]


def _blank_lines(tmp: Path) -> list[str]:
    with open(tmp / "blank.yaml", "w") as file:
        file.write(EXAMPLE_HEAD + "  c0: {kind: servic}\n")
        for _ in range(50):  # in pieces: this process stays small, so its children do
            file.write("\n" * 1_000_000)
    return ["check", str(tmp / "blank.yaml")]


def _alias_bomb(tmp: Path) -> list[str]:
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    (tmp / "bomb.yaml").write_text("\n".join(levels) + "\n")
    return ["check", str(tmp / "bomb.yaml")]


def _deep_json(tmp: Path) -> list[str]:
    (tmp / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    return ["import", "terraform", str(tmp / "deep.json")]


def _fan_out(tmp: Path) -> list[str]:
    for level in range(7):
        nested = "".join(
            f"  N{i}:\n    Type: AWS::CloudFormation::Stack\n"
            f"    Properties: {{TemplateURL: level{level + 1}.yaml}}\n"
            for i in range(10)
        )
        (tmp / f"level{level}.yaml").write_text(
            "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n" + (nested if level < 6 else "")
        )
    return ["import", "cloudformation", str(tmp / "level0.yaml")]


def _expression_bomb(tmp: Path) -> list[str]:
    for level in range(20):
        value = "!Join ['', [" + ", ".join(["!GetAtt Next.Outputs.V"] * 4) + "]]"
        child = (
            "  Next:\n    Type: AWS::CloudFormation::Stack\n"
            f"    Properties: {{TemplateURL: s{level + 1}.yaml}}\n"
        )
        (tmp / f"s{level}.yaml").write_text(
            "Resources:\n  F:\n    Type: AWS::Lambda::Function\n"
            f"    Properties: {{Description: {value if level < 19 else 'x'}}}\n"
            + (child if level < 19 else "")
            + f"Outputs:\n  V: {{Value: {value if level < 19 else 'x'}}}\n"
        )
    return ["import", "cloudformation", str(tmp / "s0.yaml")]


def _fifo(tmp: Path) -> list[str]:
    os.mkfifo(tmp / "pipe.yaml")
    return ["check", str(tmp / "pipe.yaml")]


def _long_number(tmp: Path) -> list[str]:
    (tmp / "number.yaml").write_text(
        EXAMPLE_HEAD.replace("{entry: [c0]}", f"{{entry: [c0], cost_per_hour: {'9' * 5000}}}")
        + "  c0: {kind: service}\n"
    )
    return ["check", str(tmp / "number.yaml")]


def _long_workload(tmp: Path) -> list[str]:
    (tmp / "long.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\n"
        f"metadata: {{name: {'w' * 100_000}}}\n"
        "spec: {template: {spec: {containers: [{name: c, image: nginx}]}}}\n"
    )
    return ["import", "kubernetes", str(tmp / "long.yaml")]


CASES: list[tuple[str, Build]] = [
    ("baseline: check the example", _example),
    ("unknown 100 KB region name", _long_region),
    ("2,000 dangling dependencies", _dangling),
    ("50 MB of blank lines, a typo", _blank_lines),
    ("alias bomb (10^9 values)", _alias_bomb),
    ("100,000-deep JSON", _deep_json),
    ("nested stacks, 10 ways x 7 levels", _fan_out),
    ("expressions x4 per stack, 20 deep", _expression_bomb),
    ("a FIFO as the model", _fifo),
    ("/dev/zero as the model", lambda tmp: ["check", "/dev/zero"]),
    ("a 5,000-digit number", _long_number),
    ("a 100 KB workload name", _long_workload),
]
SMOKE = {"baseline: check the example", "2,000 dangling dependencies", "a FIFO as the model"}


def measure(args: list[str], cwd: Path, timeout: float) -> tuple[float, float, int | str]:
    """Return (seconds, peak MiB, exit code or "hang") of one command in a fresh process; the
    peak is that process's own (its rusage, read when it is reaped)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "aftershock", *args],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    hung = False
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() - started > timeout:
            process.kill()
            pid, status, usage = os.wait4(process.pid, 0)
            hung = True
            break
        time.sleep(0.005)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    return seconds, usage.ru_maxrss / 1024, "hang" if hung else process.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--smoke", action="store_true", help="three cases, for CI")
    parser.add_argument("--timeout", type=float, default=60.0, help="a case slower is a hang")
    options = parser.parse_args(argv)
    rows = []
    baseline = None
    for name, build in CASES:
        if options.smoke and name not in SMOKE:
            continue
        with tempfile.TemporaryDirectory(prefix="aftershock-hostile-") as folder:
            args = build(Path(folder))
            seconds, peak, code = measure(args, Path(folder), options.timeout)
        baseline = baseline or seconds
        rows.append((name, seconds, seconds / baseline, peak, code))
        print(f"  measured {name}: {seconds:.2f} s", file=sys.stderr)
    width = max(len(r[0]) for r in rows)
    print(f"{'input':<{width}}  {'seconds':>8}  {'x baseline':>10}  {'peak MiB':>8}  exit")
    for name, seconds, ratio, peak, code in rows:
        print(f"{name:<{width}}  {seconds:>8.2f}  {ratio:>10.1f}  {peak:>8.0f}  {code}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
