"""Benchmark how check, simulate and report grow with size on every shape of model.

Shapes: ``friendly`` (the synthetic portfolio of bench/generate.py) and the pathological ones of
bench/shapes.py: ``ring`` (as many business services as components, in a ring), ``cycle``,
``chain`` and ``fanout``. For each shape and size the model is written to a temporary file,
then each group of commands runs in a fresh worker process, through the command line entry
point itself (``aftershock.cli.app``), so the figures are what a user gets:

- check: ``aftershock check MODEL -o FILE`` (terminal text), ``--format json``, ``--format
  markdown`` (order 2, the default);
- simulate: ``--fail aws/us-east-1@0+24h`` and a fault on one component of the shape (its
  ``FAULT`` below), in JSON;
- report: ``aftershock report MODEL -o FILE`` (HTML), the same with ``--fail
  aws/us-east-1@0+24h``, and ``--format json`` and ``--format markdown`` of that.

``--smoke`` (CI) runs small sizes with all commands of a size in one worker, to stay quick.

Each command's wall time (in the worker, after imports) and output size are recorded, and the
group's peak RSS (``ru_maxrss`` of its worker). Growth is printed as the exponent between
consecutive sizes (1.0 = linear, 2.0 = quadratic) and as the ratio to the smallest size, all
measured in the same run: no timed assertion anywhere.

Usage: ``python bench/bench_shapes.py [--shapes ring,chain] [--sizes 1000,2000,4000]
[--smoke]``. It only prints; it exits 1 when a command fails or times out.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench_check import sizes_of

HERE = Path(__file__).resolve().parent
SHAPES = ("friendly", "ring", "cycle", "chain", "fanout")
DEFAULT_SIZES = (1000, 2000, 4000, 8000)
SMOKE_SIZES = (150, 300)
FAULT = {
    "friendly": "platform-auth",
    "ring": "ring00000",
    "cycle": "cyc00000",
    "chain": "c{last}",
    "fanout": "core",
}
"""The component each shape's second simulation fails ({last}: the chain's last component)."""
REGION = "aws/us-east-1@0+24h"
Row = dict[str, Any]


def model_text(shape: str, n: int) -> str:
    """Return the YAML text of ``shape`` at size ``n``."""
    sys.path.insert(0, str(HERE))
    from generate import generate
    from shapes import shape as pathological

    return generate(n) if shape == "friendly" else pathological(shape, n)


def fault(shape: str, n: int) -> str:
    """Return the component fault of ``shape`` at size ``n`` as a --fail value."""
    return FAULT[shape].format(last=f"{n - 1:05d}") + "@0+24h"


def commands(shape: str, n: int, *, together: bool = False) -> dict[str, dict[str, list[str]]]:
    """Return the command lines (without the program name) of each group; MODEL and OUT are
    replaced by the worker. ``together``: one group of them all (one process, for smoke runs)."""
    one = fault(shape, n)
    groups = {
        "check": {
            "check": ["check", "MODEL", "-o", "OUT"],
            "check json": ["check", "MODEL", "-f", "json", "-o", "OUT"],
            "check md": ["check", "MODEL", "-f", "markdown", "-o", "OUT"],
        },
        "simulate": {
            "sim region": ["simulate", "MODEL", "--fail", REGION, "-f", "json", "-o", "OUT"],
            "sim one": ["simulate", "MODEL", "--fail", one, "-f", "json", "-o", "OUT"],
        },
        "report": {
            "report html": ["report", "MODEL", "-o", "OUT"],
            "report html+sim": ["report", "MODEL", "--fail", REGION, "-o", "OUT"],
            "report json": ["report", "MODEL", "--fail", REGION, "-f", "json", "-o", "OUT"],
            "report md": ["report", "MODEL", "--fail", REGION, "-f", "markdown", "-o", "OUT"],
        },
    }
    if together:
        return {"all": {k: v for group in groups.values() for k, v in group.items()}}
    return groups


# -- one group in a fresh process ------------------------------------------------------------


def worker(model: str, group: str, shape: str, n: int, out: str) -> None:
    """Run one group's commands in this process; write one JSON object of figures to ``out``."""
    import aftershock
    from aftershock.cli.app import app

    aftershock.load_catalog()  # read once by every command: not part of any size's cost
    figures: Row = {}
    groups = commands(shape, n, together=group == "all")
    with tempfile.TemporaryDirectory(prefix="aftershock-shape-") as tmp:
        for name, argv in groups[group].items():
            target = Path(tmp) / "out"
            args = [model if a == "MODEL" else str(target) if a == "OUT" else a for a in argv]
            t = time.perf_counter()
            try:
                app(args, standalone_mode=False)
                status = "ok"
            except SystemExit as exc:  # policy exits are fine; others are failures
                status = "ok" if exc.code in (0, 1, None) else f"exit {exc.code}"
            figures[name] = {
                "s": time.perf_counter() - t,
                "bytes": target.stat().st_size if target.exists() else 0,
                "status": status,
            }
            target.unlink(missing_ok=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    figures["rss_mb"] = peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
    Path(out).write_text(json.dumps(figures), encoding="utf-8")


@dataclass
class Measured:
    """Figures of one shape at one size: per command, and the peak RSS of each group."""

    shape: str
    size: int
    figures: Row = field(default_factory=dict)
    rss: dict[str, float] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


def measure(shape: str, n: int, timeout: float, *, together: bool = False) -> Measured:
    """Write the model of ``shape`` at ``n`` and run every group in its own worker
    (``together``: all commands in one worker)."""
    measured = Measured(shape, n)
    with tempfile.TemporaryDirectory(prefix="aftershock-bench-") as tmp:
        model = Path(tmp) / f"{shape}-{n}.yaml"
        model.write_text(model_text(shape, n), encoding="utf-8")
        for group in commands(shape, n, together=together):
            out = Path(tmp) / f"{group}.json"
            cmd = [sys.executable, __file__, "--worker", str(model), "--group", group]
            cmd += ["--shape", shape, "--n", str(n), "--out", str(out)]
            try:
                subprocess.run(cmd, check=False, timeout=timeout, stdout=subprocess.DEVNULL)
            except subprocess.TimeoutExpired:
                measured.failures.append(f"{group}: timed out after {timeout:.0f}s")
                continue
            if not out.exists():
                measured.failures.append(f"{group}: the worker failed")
                continue
            figures = json.loads(out.read_text(encoding="utf-8"))
            measured.rss[group] = figures.pop("rss_mb")
            for name, row in figures.items():
                measured.figures[name] = row
                if row["status"] != "ok":
                    measured.failures.append(f"{name}: {row['status']}")
    return measured


# -- printing -------------------------------------------------------------------------------


def table(headers: list[str], rows: list[list[str]]) -> str:
    """Return a plain-text table, cells right-aligned."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)


def _secs(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.2f}s" if value < 10 else f"{value:.1f}s"


def _size(value: int | None) -> str:
    if value is None:
        return "-"
    return f"{value / 1e6:.1f}M" if value >= 1e5 else f"{value / 1e3:.0f}k"


def _exponent(a: float | None, b: float | None, n_a: int, n_b: int) -> str:
    if not a or not b or a < 0.02:  # below 20 ms the ratio is noise
        return "-"
    return f"{math.log(b / a) / math.log(n_b / n_a):.2f}"


def report(results: list[Measured]) -> str:
    """Return, per shape, the figures of every command and their growth with size."""
    out = []
    for shape in dict.fromkeys(m.shape for m in results):
        runs = [m for m in results if m.shape == shape]
        names = list(dict.fromkeys(k for m in runs for k in m.figures))
        groups = list(dict.fromkeys(g for m in runs for g in m.rss))
        rows = []
        for name in names:
            cells = [name]
            for m in runs:
                row = m.figures.get(name)
                cells.append(f"{_secs(row['s'])} {_size(row['bytes'])}" if row else "-")
            rows.append(cells)
        for group in groups:
            rss = [f"{m.rss[group]:.0f} MB" if group in m.rss else "-" for m in runs]
            rows.append([f"peak RSS ({group})", *rss])
        headers = ["command", *(f"{m.size:,}" for m in runs)]
        out += [f"{shape}: seconds and output bytes per size", table(headers, rows), ""]
        if len(runs) > 1:
            grow = []
            for name in names:
                cells = [name]
                for a, b in itertools.pairwise(runs):
                    x, y = a.figures.get(name), b.figures.get(name)
                    cells.append(_exponent(x and x["s"], y and y["s"], a.size, b.size))
                base, last = runs[0].figures.get(name), runs[-1].figures.get(name)
                ratio = "-"
                if base and last and base["s"] >= 0.02:
                    ratio = f"{last['s'] / base['s']:.1f}x"
                cells.append(ratio)
                grow.append(cells)
            for group in groups:
                cells = [f"peak RSS ({group})"]
                for a, b in itertools.pairwise(runs):
                    x, y = a.rss.get(group), b.rss.get(group)
                    cells.append(_exponent(x, y, a.size, b.size))
                cells.append("-")
                grow.append(cells)
            pairs = [f"{a.size:,}->{b.size:,}" for a, b in itertools.pairwise(runs)]
            span = f"time x ({runs[-1].size // runs[0].size}x size)"
            out += [
                f"{shape}: growth exponent between sizes (1.0 linear, 2.0 quadratic)",
                table(["command", *pairs, span], grow),
                "",
            ]
        for m in runs:
            out += [f"FAILED {shape} {m.size:,}: {f}" for f in m.failures]
    out.append(
        "seconds: the command in a fresh worker, after imports and the catalog; bytes: what it "
        "wrote. Peak RSS includes the interpreter and imports (about 60 MB)."
    )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its tables; return 1 when a command failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapes", help=f"comma-separated, from {','.join(SHAPES)} (default all)")
    parser.add_argument("--sizes", help="comma-separated component counts")
    parser.add_argument("--smoke", action="store_true", help="small quick run for CI")
    parser.add_argument("--timeout", type=float, default=600.0, help="per group, seconds")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--group", help=argparse.SUPPRESS)
    parser.add_argument("--shape", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker, args.group, args.shape, args.n, args.out)
        return 0
    shapes = args.shapes.split(",") if args.shapes else list(SHAPES)
    unknown = [s for s in shapes if s not in SHAPES]
    if unknown:
        parser.error(f"unknown shape {unknown[0]!r}, expected one of {', '.join(SHAPES)}")
    sizes = sizes_of(args.sizes, SMOKE_SIZES if args.smoke else DEFAULT_SIZES)
    print(
        f"aftershock shapes bench: shapes {shapes}, sizes {sizes}, "
        f"python {sys.version.split()[0]}, {os.cpu_count()} cpus",
        flush=True,
    )
    results = []
    for shape in shapes:
        for size in sizes:
            print(f"  measuring {shape} at {size:,} ...", file=sys.stderr, flush=True)
            results.append(measure(shape, size, args.timeout, together=args.smoke))
    print(report(results))
    return 1 if any(m.failures for m in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
