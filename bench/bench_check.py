"""Benchmark load, compile and the full static check against a naive networkx baseline.

For each size a synthetic portfolio (bench/generate.py) is written to a temporary file and
measured in a fresh subprocess, so the peak memory of one size does not leak into the next:

- load: ``aftershock.load_model`` on the file; compile: ``aftershock.compile_model``;
- SPOFs: ``aftershock.single_failures`` over every business service (the SPOF part of check);
- check: ``aftershock.check(graph, order=2)``: every SPOF and every cut set of order 2 of every
  business service, with findings, concentration and cycles;
- peak RSS: ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` of the worker, read after the check
  and before the baseline starts (it includes the interpreter and imports, shown apart);
- baseline: the compiled Graph rebuilt as a networkx DiGraph; for each failure target, in a
  seeded random order, fail it and propagate (a node is down when more than n - k of its inputs
  are down; soft edges never take it down), collecting each business service's SPOFs. It stops
  after ``--baseline-seconds`` and extrapolates from the targets done. The SPOFs it found are
  compared with ``check()``'s ``business_services[b].spofs`` restricted to the same targets.

Usage: ``python bench/bench_check.py [--sizes 1000,10000] [--smoke]``. It only prints.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported lazily below: the parent process stays small
    from aftershock import CheckResult, Graph

HERE = Path(__file__).resolve().parent
DEFAULT_SIZES = (1000, 10_000, 100_000)
SMOKE_SIZES = (300, 2000)
Row = dict[str, Any]


def _rss_mb() -> float:
    """Return this process's peak resident set size in MiB (ru_maxrss is KiB on Linux)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


# -- the naive baseline ------------------------------------------------------------------------


@dataclass
class Baseline:
    """What the per-target networkx propagation found, and how long it took."""

    spofs: dict[int, set[int]]
    done: list[int]
    total: int
    build_s: float
    run_s: float

    @property
    def complete(self) -> bool:
        """Whether every failure target was propagated."""
        return len(self.done) == self.total

    @property
    def estimate_s(self) -> float:
        """Return the time for every target (measured, or extrapolated from those done)."""
        if not self.done:
            return math.nan
        return self.run_s * self.total / len(self.done)


def baseline_graph(graph: Graph) -> tuple[Any, list[int]]:
    """Return the Graph as a networkx DiGraph (input -> dependent) and each node's slack.

    Edge attribute ``w`` counts the parallel non-soft edges (a soft edge never takes its
    dependent down, so it weighs 0); a node goes down when the weight of its down inputs
    exceeds its slack, ``n - k``.
    """
    import networkx as nx

    from aftershock import EdgeKind

    indptr = graph.indptr.tolist()
    inputs = graph.inputs.tolist()
    ekind = graph.edge_kind.tolist()
    ks = graph.k.tolist()
    soft = int(EdgeKind.SOFT)
    g = nx.DiGraph()
    g.add_nodes_from(range(graph.size))
    slack = []
    for v in range(graph.size):
        lo, hi = indptr[v], indptr[v + 1]
        slack.append(hi - lo - ks[v])
        for e in range(lo, hi):
            u, w = inputs[e], int(ekind[e] != soft)
            if g.has_edge(u, v):
                g[u][v]["w"] += w
            else:
                g.add_edge(u, v, w=w)
    return g, slack


def fails_with(g: Any, slack: list[int], target: int) -> set[int]:
    """Return every node down when ``target`` alone fails (a fresh propagation from scratch)."""
    down = {target}
    hits: dict[int, int] = {}
    frontier = [target]
    succ = g.succ
    while frontier:
        u = frontier.pop()
        for v, data in succ[u].items():
            w = data["w"]
            if not w or v in down:
                continue
            h = hits.get(v, 0) + w
            hits[v] = h
            if h > slack[v]:
                down.add(v)
                frontier.append(v)
    return down


def run_baseline(graph: Graph, budget_s: float, seed: int) -> Baseline:
    """Return the SPOFs of every business service found target by target within ``budget_s``."""
    from aftershock import NodeKind

    t0 = time.perf_counter()
    g, slack = baseline_graph(graph)
    build_s = time.perf_counter() - t0
    business = {graph.business_node(b) for b in graph.business}
    targets = [v for v, k in enumerate(graph.kind.tolist()) if k < NodeKind.GATE]
    random.Random(seed).shuffle(targets)  # a fair sample of target costs if time runs out
    spofs: dict[int, set[int]] = {b: set() for b in business}
    done: list[int] = []
    t0 = time.perf_counter()
    for target in targets:
        for v in fails_with(g, slack, target) & business:
            spofs[v].add(target)
        done.append(target)
        if time.perf_counter() - t0 > budget_s:
            break
    return Baseline(spofs, done, len(targets), build_s, time.perf_counter() - t0)


def compare(graph: Graph, result: CheckResult, base: Baseline) -> tuple[bool, list[str]]:
    """Return whether the baseline's SPOFs equal ``check()``'s on the targets it covered."""
    names = graph.names
    covered = {names[t] for t in base.done}
    diffs = []
    for b in graph.business:
        mine = {names[t] for t in base.spofs[graph.business_node(b)]}
        theirs = set(result.business_services[b].spofs) & covered
        if mine != theirs:
            diffs.append(
                f"{b}: baseline only {sorted(mine - theirs)[:5]}, "
                f"check only {sorted(theirs - mine)[:5]}"
            )
    return not diffs, diffs


# -- one size in a fresh process -------------------------------------------------------------


def worker(path: str, out: str, budget_s: float, seed: int) -> None:
    """Measure one model file; append one JSON object per phase to ``out`` as it goes."""

    def record(**values: Any) -> None:
        with open(out, "a", encoding="utf-8") as f:
            f.write(json.dumps(values) + "\n")

    import aftershock

    record(rss_import_mb=_rss_mb())
    t = time.perf_counter()
    model = aftershock.load_model(path)
    record(load_s=time.perf_counter() - t, rss_load_mb=_rss_mb())
    t = time.perf_counter()
    graph = aftershock.compile_model(model)
    record(compile_s=time.perf_counter() - t, nodes=graph.size, edges=len(graph.inputs))
    bnodes = [graph.business_node(b) for b in graph.business]
    t = time.perf_counter()
    aftershock.single_failures(graph, bnodes)
    record(spof_s=time.perf_counter() - t, business=len(bnodes))
    t = time.perf_counter()
    result = aftershock.check(graph, order=2)
    record(check_s=time.perf_counter() - t, rss_mb=_rss_mb(), targets=result.stats["targets"])
    base = run_baseline(graph, budget_s, seed)
    agree, diffs = compare(graph, result, base)
    record(
        base_build_s=base.build_s,
        base_run_s=base.run_s,
        base_s=base.estimate_s,
        base_done=len(base.done),
        base_total=base.total,
        agree=agree,
        diffs=diffs[:10],
        rss_base_mb=_rss_mb(),
    )


@dataclass
class Measured:
    """Everything measured for one size (missing keys: the worker did not get that far)."""

    size: int
    yaml_bytes: int
    values: Row = field(default_factory=dict)
    status: str = "ok"


def measure(
    size: int,
    seed: int,
    budget_s: float,
    timeout: float | None,
    *,
    worker: Path | None = None,
    extra: list[str] | None = None,
) -> Measured:
    """Generate a model of ``size`` components and measure it in a fresh subprocess running
    ``worker --worker MODEL --out FILE --baseline-seconds B [extra]`` (default: this script,
    with the seed). bench_sim.py measures its sizes through this too.

    The model is generated by a subprocess of its own, so that this process stays small: on
    Linux a child's ``ru_maxrss`` starts from its parent's resident size at fork time.
    """
    with tempfile.TemporaryDirectory(prefix="aftershock-bench-") as tmp:
        model = Path(tmp) / f"model-{size}.yaml"
        with model.open("wb") as f:
            gen = [sys.executable, str(HERE / "generate.py"), str(size), "--seed", str(seed)]
            subprocess.run(gen, stdout=f, check=True)
        measured = Measured(size, model.stat().st_size)
        out = Path(tmp) / "phases.jsonl"
        script = worker or Path(__file__).resolve()
        cmd = [sys.executable, str(script), "--worker", str(model)]
        cmd += ["--out", str(out), "--baseline-seconds", str(budget_s)]
        cmd += ["--seed", str(seed)] if extra is None else extra
        proc = subprocess.Popen(cmd)
        try:
            code = proc.wait(timeout=timeout)
            if code != 0:
                measured.status = f"worker exited {code}"
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            measured.status = f"timed out after {timeout:.0f}s"
        if out.exists():
            for line in out.read_text(encoding="utf-8").splitlines():
                measured.values.update(json.loads(line))
    return measured


# -- printing -------------------------------------------------------------------------------


def secs(value: float | None) -> str:
    """Return seconds for a table cell."""
    if value is None or math.isnan(value):
        return "-"
    return f"{value:.3f}s" if value < 10 else f"{value:.1f}s"


def _us(value: float | None, n: int) -> str:
    return "-" if value is None or math.isnan(value) else f"{value / n * 1e6:.1f}"


def table(headers: list[str], rows: list[list[str]]) -> str:
    """Return a plain-text table, numbers right-aligned."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)


def _baseline_cell(v: Row) -> str:
    if "base_s" not in v:
        return "-"
    text = secs(v["base_s"])
    if v["base_done"] < v["base_total"]:
        text += f" extrapolated ({v['base_done']}/{v['base_total']} targets)"
    return text


def _agree_cell(v: Row) -> str:
    if "agree" not in v:
        return "-"
    word = "agree" if v["agree"] else "DIFFER"
    if v["base_done"] < v["base_total"]:
        word += f" (on {v['base_done']} targets)"
    return word


def _ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or math.isnan(a) or not b:
        return "-"
    return f"{a / b:,.0f}x" if a / b >= 10 else f"{a / b:.1f}x"


def report(results: list[Measured], budget_s: float) -> str:
    """Return the three tables: measurements, baseline, and cost per component."""
    main_rows, base_rows, unit_rows = [], [], []
    for m in results:
        v = m.values
        main_rows.append(
            [
                f"{m.size:,}",
                f"{m.yaml_bytes / 1e6:.1f} MB",
                f"{v['nodes']:,}" if "nodes" in v else "-",
                f"{v['edges']:,}" if "edges" in v else "-",
                f"{v['targets']:,}" if "targets" in v else "-",
                f"{v['business']:,}" if "business" in v else "-",
                secs(v.get("load_s")),
                secs(v.get("compile_s")),
                secs(v.get("spof_s")),
                secs(v.get("check_s")),
                f"{v['rss_load_mb']:.0f} MB" if "rss_load_mb" in v else "-",
                f"{v['rss_mb']:.0f} MB" if "rss_mb" in v else "-",
                m.status,
            ]
        )
        base_rows.append(
            [
                f"{m.size:,}",
                secs(v.get("base_build_s")),
                _baseline_cell(v),
                _ratio(v.get("base_s"), v.get("spof_s")),
                _ratio(v.get("base_s"), v.get("check_s")),
                _agree_cell(v),
            ]
        )
        unit_rows.append(
            [f"{m.size:,}"]
            + [_us(v.get(k), m.size) for k in ("load_s", "compile_s", "spof_s", "check_s")]
            + [_us(v.get("base_s"), m.size)]
        )
    out = [
        table(
            [
                "components",
                "YAML",
                "nodes",
                "edges",
                "targets",
                "business",
                "load",
                "compile",
                "SPOFs",
                "check(order=2)",
                "RSS load",
                "peak RSS",
                "status",
            ],
            main_rows,
        ),
        "",
        f"naive baseline (networkx, one propagation per failure target, time box {budget_s:g}s):",
        table(
            ["components", "nx build", "baseline SPOFs", "vs SPOFs", "vs check", "SPOF sets"],
            base_rows,
        ),
        "",
        "cost per component (microseconds):",
        table(["components", "load", "compile", "SPOFs", "check", "baseline"], unit_rows),
    ]
    growth = _growth(results)
    if growth:
        out += ["", "growth exponent between sizes (1.0 = linear, 2.0 = quadratic):", growth]
    for m in results:
        for diff in m.values.get("diffs", []):
            out.append(f"DIFFER at {m.size}: {diff}")
    imports = [m.values["rss_import_mb"] for m in results if "rss_import_mb" in m.values]
    out += [
        "",
        "SPOFs = aftershock.single_failures over every business service; check = the full "
        "aftershock.check(graph, order=2).",
        "peak RSS = ru_maxrss of a fresh worker process after load+compile+check, before the "
        "baseline; RSS load = the same after load only",
        f"(interpreter and imports alone: {max(imports, default=math.nan):.0f} MB).",
    ]
    return "\n".join(out)


def _growth(results: list[Measured]) -> str:
    keys = ("load_s", "compile_s", "spof_s", "check_s", "base_s")
    rows = []
    for a, b in itertools.pairwise(results):
        cells = [f"{a.size:,} -> {b.size:,}"]
        for k in keys:
            x, y = a.values.get(k), b.values.get(k)
            if x and y and not math.isnan(x) and not math.isnan(y):
                cells.append(f"{math.log(y / x) / math.log(b.size / a.size):.2f}")
            else:
                cells.append("-")
        rows.append(cells)
    if not rows:
        return ""
    return table(["sizes", "load", "compile", "SPOFs", "check", "baseline"], rows)


def sizes_of(text: str | None, default: tuple[int, ...]) -> list[int]:
    """Return the sizes of a ``--sizes 1000,10_000`` option, or ``default`` without one."""
    if not text:
        return list(default)
    return [int(s.replace("_", "")) for s in text.split(",") if s.strip()]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its tables; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", help="comma-separated component counts (default 1000,10000,100000)"
    )
    parser.add_argument("--smoke", action="store_true", help="small quick run for CI")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--baseline-seconds", type=float, help="time box of the baseline (default 60, smoke 5)"
    )
    parser.add_argument("--timeout", type=float, help="give up on one size after this many s")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    budget = args.baseline_seconds or (5.0 if args.smoke else 60.0)
    if args.worker:
        worker(args.worker, args.out, budget, args.seed)
        return 0
    sizes = sizes_of(args.sizes, SMOKE_SIZES if args.smoke else DEFAULT_SIZES)
    print(
        f"aftershock bench: sizes {sizes}, seed {args.seed}, python {sys.version.split()[0]}, "
        f"{os.cpu_count()} cpus",
        flush=True,
    )
    results = []
    for size in sizes:
        print(f"  measuring {size:,} components ...", file=sys.stderr, flush=True)
        results.append(measure(size, args.seed, budget, args.timeout))
    print(report(results, budget))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
