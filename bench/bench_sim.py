"""Benchmark the outage simulator on a region failure against its naive re-derive-all mode.

For each size a synthetic portfolio (bench/generate.py) is written to a temporary file and
measured in a fresh subprocess, so the peak memory of one size does not leak into the next:

- load + compile: ``aftershock.load_model`` and ``aftershock.compile_model`` (for scale only);
- scenario: the region that the most components deploy on (counting every ``deploy[].on`` of
  ``model.components``) is DOWN from 0 to 24h, watched over a 72h horizon;
- setup: ``simulate`` of a scenario with no faults (the engine's per-run arrays, no events);
- simulate: ``aftershock.sim.engine.simulate(graph, scenario)``, the incremental engine, which
  re-derives only what an event changed. Its output is counted: instants (distinct times of
  the recorded state changes), settles (instants the engine processed, changes or not: counted
  by wrapping ``Settler.settle``), state changes recorded, and happenings (failover and
  data-loss events);
- peak RSS: ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` of the worker, read after the
  incremental run and before the baseline starts (it includes the interpreter and imports);
- baseline: the same ``simulate`` with ``naive=True``, which re-derives every node at every
  instant. A probe run of the first instant alone estimates its cost per settle; when the whole
  run would not fit ``--baseline-seconds``, the baseline runs the scenario truncated to the
  first K change instants (horizon just before instant K + 1) and is extrapolated per settle
  to the full run. The incremental run's changes and happenings before the truncation point
  are compared with the baseline's, in full (time, state, cause and note).

Usage: ``python bench/bench_sim.py [--sizes 1000,10000] [--smoke]``. It only prints (no timed
assertions); it exits 1 when the two modes disagree or a worker fails.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import resource
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench_check import Measured, measure, secs, sizes_of, table

if TYPE_CHECKING:  # imported lazily below: the parent process stays small
    from aftershock import Graph, Model
    from aftershock.sim.faults import Scenario
    from aftershock.sim.run import Run

HERE = Path(__file__).resolve().parent
DEFAULT_SIZES = (1000, 10_000, 100_000)
SMOKE_SIZES = (1000,)
HOUR = 3600.0
OUTAGE_S, HORIZON_S = 24 * HOUR, 72 * HOUR
Row = dict[str, Any]


def _rss_mb() -> float:
    """Return this process's peak resident set size in MiB (ru_maxrss is KiB on Linux)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def busiest_region(model: Model) -> tuple[str, int]:
    """Return the ``deploy[].on`` most components name, and how many deploy entries name it."""
    counts = Counter(d.on for comp in model.components.values() for d in comp.deploy)
    region, n = max(counts.items(), key=lambda item: (item[1], item[0]))
    return region, n


@dataclass
class Timed:
    """One ``simulate`` call: its Run, its wall time and the wall time of each settle."""

    run: Run
    wall_s: float
    settle_s: list[float]

    @property
    def settles(self) -> int:
        """Return how many instants the engine processed."""
        return len(self.settle_s)


@contextmanager
def timing_settles() -> Iterator[list[float]]:
    """Collect the wall time of each ``Settler.settle`` call (one per instant processed)."""
    from aftershock.sim.settle import Settler

    original = Settler.settle
    spent: list[float] = []

    def settle(self: Settler, *args: Any, **kwargs: Any) -> Any:
        t = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            spent.append(time.perf_counter() - t)

    Settler.settle = settle  # type: ignore[method-assign]
    try:
        yield spent
    finally:
        Settler.settle = original  # type: ignore[method-assign]


def timed_run(graph: Graph, scenario: Scenario, *, naive: bool = False) -> Timed:
    """Return the Run of ``scenario`` with its wall time and the time of each settle."""
    from aftershock.sim.engine import simulate

    with timing_settles() as spent:
        t = time.perf_counter()
        run = simulate(graph, scenario, naive=naive)
        elapsed = time.perf_counter() - t
    return Timed(run, elapsed, spent)


def change_times(run: Run) -> list[float]:
    """Return the distinct times at which some node changed state, in order."""
    return sorted({c.time for changes in run.changes.values() for c in changes})


# -- the naive baseline ------------------------------------------------------------------------


@dataclass
class Baseline:
    """What the naive run covered (change instants before ``cut``) and how long it took."""

    timed: Timed
    cut: float
    instants: int
    probe_s: float

    def estimate_s(self, total_settles: int) -> float:
        """Return the time for the full scenario (measured, or extrapolated per settle)."""
        if math.isinf(self.cut):
            return self.timed.wall_s
        return self.timed.wall_s * total_settles / max(self.timed.settles, 1)


def run_baseline(graph: Graph, scenario: Scenario, mine: Timed, budget_s: float) -> Baseline:
    """Return the naive run of ``scenario`` over the first change instants that fit ``budget_s``.

    ``mine`` is the incremental run. A probe of its first change instant alone gives the naive
    cost per settle; the run then covers the first K change instants, K chosen so that it
    should fit the budget (all of them when it does).
    """
    from dataclasses import replace

    times = change_times(mine.run)

    def truncated(k: int) -> tuple[Scenario, float]:
        if k >= len(times):
            return scenario, math.inf
        return replace(scenario, horizon=times[k]), times[k]

    probe, cut = truncated(1)
    timed = timed_run(graph, probe, naive=True)
    per_instant = timed.wall_s / max(timed.settles, 1) * mine.settles / max(len(times), 1)
    k = min(len(times), int(budget_s / per_instant)) if per_instant else len(times)
    if k <= 1:  # the probe is all the budget allows
        return Baseline(timed, cut, min(1, len(times)), timed.wall_s)
    partial, cut = truncated(k)
    return Baseline(timed_run(graph, partial, naive=True), cut, k, timed.wall_s)


def compare(graph: Graph, mine: Run, base: Baseline) -> list[str]:
    """Return how the incremental run differs from the baseline before its cut (empty: agree)."""
    names, cut, theirs = graph.names, base.cut, base.timed.run
    diffs = []
    for node in sorted(mine.changes.keys() | theirs.changes.keys()):
        a = [c for c in mine.changes.get(node, ()) if c.time < cut]
        b = [c for c in theirs.changes.get(node, ()) if c.time < cut]
        if a != b:
            first = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), None)
            at = min(len(a), len(b)) if first is None else first
            diffs.append(
                f"{names[node]}: change {at}: incremental {a[at] if at < len(a) else None}, "
                f"naive {b[at] if at < len(b) else None}"
            )
    a_events = [h for h in mine.happenings if h.time < cut]
    b_events = [h for h in theirs.happenings if h.time < cut]
    if a_events != b_events:
        only_a = [h for h in a_events if h not in b_events]
        only_b = [h for h in b_events if h not in a_events]
        diffs.append(f"happenings: incremental only {only_a[:3]}, naive only {only_b[:3]}")
    return diffs


# -- one size in a fresh process -------------------------------------------------------------


def worker(path: str, out: str, budget_s: float) -> None:
    """Measure one model file; append one JSON object per phase to ``out`` as it goes."""

    def record(**values: Any) -> None:
        with open(out, "a", encoding="utf-8") as f:
            f.write(json.dumps(values) + "\n")

    import aftershock
    from aftershock.sim.faults import Fault, Scenario

    record(rss_import_mb=_rss_mb())
    t = time.perf_counter()
    model = aftershock.load_model(path)
    record(load_s=time.perf_counter() - t)
    t = time.perf_counter()
    graph = aftershock.compile_model(model)
    record(compile_s=time.perf_counter() - t, nodes=graph.size, edges=len(graph.inputs))
    region, deployed = busiest_region(model)
    scenario = Scenario((Fault(region, start=0.0, end=OUTAGE_S),), horizon=HORIZON_S)
    setup = timed_run(graph, Scenario((), horizon=HORIZON_S))
    mine = timed_run(graph, scenario)
    run = mine.run
    record(
        region=region,
        deployed=deployed,
        setup_s=setup.wall_s,
        sim_s=mine.wall_s,
        settles=mine.settles,
        settle_sum_s=sum(mine.settle_s),
        settle_max_s=max(mine.settle_s, default=math.nan),
        instants=len(change_times(run)),
        changes=sum(len(c) for c in run.changes.values()),
        happenings=len(run.happenings),
        rss_mb=_rss_mb(),
    )
    base = run_baseline(graph, scenario, mine, budget_s)
    diffs = compare(graph, run, base)
    record(
        base_run_s=base.timed.wall_s,
        base_probe_s=base.probe_s,
        base_s=base.estimate_s(mine.settles),
        base_instants=base.instants,
        base_settles=base.timed.settles,
        base_settle_sum_s=sum(base.timed.settle_s),
        agree=not diffs,
        n_diffs=len(diffs),
        diffs=diffs[:10],
    )


# -- printing -------------------------------------------------------------------------------


def _per(value: float | None, n: float | None, scale: float) -> str:
    if value is None or not n or math.isnan(value):
        return "-"
    return f"{value / n * scale:,.1f}"


def _ms(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "-"
    return f"{value * 1e3:.3f}" if value < 1e-3 else f"{value * 1e3:,.1f}"


def _ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or math.isnan(a) or not b:
        return "-"
    return f"{a / b:,.0f}x" if a / b >= 10 else f"{a / b:.1f}x"


def _mean(v: Row, key: str, count: str = "settles") -> float | None:
    return v[key] / v[count] if v.get(count) and key in v else None


def _outside(v: Row) -> float | None:
    return v["sim_s"] - v["settle_sum_s"] if "settle_sum_s" in v else None


def _per_change(value: float | None, v: Row) -> float | None:
    return value / v["changes"] if value is not None and v.get("changes") else None


def _count(v: Row, key: str) -> str:
    return f"{v[key]:,}" if key in v else "-"


def _baseline_cell(v: Row) -> str:
    if "base_s" not in v:
        return "-"
    text = secs(v["base_s"])
    if v["base_instants"] < v["instants"]:
        text += (
            f" extrapolated per settle from the first {v['base_instants']}/{v['instants']} "
            f"instants ({v['base_settles']} settles in {secs(v['base_run_s'])})"
        )
    return text


def _agree_cell(v: Row) -> str:
    if "agree" not in v:
        return "-"
    word = "agree" if v["agree"] else f"DIFFER ({v['n_diffs']} nodes)"
    if v["base_instants"] < v["instants"]:
        word += f" (on {v['base_instants']} instants)"
    return word


def report(results: list[Measured], budget_s: float) -> str:
    """Return the tables: the run, the baseline, and costs per unit of work."""
    main_rows, base_rows, unit_rows = [], [], []
    for m in results:
        v = m.values
        main_rows.append(
            [
                f"{m.size:,}",
                f"{m.yaml_bytes / 1e6:.1f} MB",
                _count(v, "nodes"),
                _count(v, "edges"),
                f"{v['region']} ({v['deployed']:,})" if "region" in v else "-",
                secs(v.get("load_s")),
                secs(v.get("compile_s")),
                secs(v.get("setup_s")),
                secs(v.get("sim_s")),
                _count(v, "instants"),
                _count(v, "settles"),
                _count(v, "changes"),
                _count(v, "happenings"),
                f"{v['rss_mb']:.0f} MB" if "rss_mb" in v else "-",
                m.status,
            ]
        )
        base_rows.append(
            [
                f"{m.size:,}",
                secs(v.get("sim_s")),
                _baseline_cell(v),
                _ratio(v.get("base_s"), v.get("sim_s")),
                _agree_cell(v),
            ]
        )
        unit_rows.append(
            [
                f"{m.size:,}",
                _per(v.get("settle_sum_s"), v.get("settles"), 1e3),
                _per(v.get("base_settle_sum_s"), v.get("base_settles"), 1e3),
                _ratio(_mean(v, "base_settle_sum_s", "base_settles"), _mean(v, "settle_sum_s")),
                _ms(v.get("settle_max_s")),
                _per(v.get("settle_sum_s"), v.get("changes"), 1e6),
                _per(_outside(v), v.get("changes"), 1e6),
                _per(v.get("setup_s"), v.get("nodes"), 1e6),
            ]
        )
    headers = ["components", "YAML", "nodes", "edges", "region down (deploys)", "load"]
    headers += ["compile", "setup", "simulate", "instants", "settles", "changes", "happenings"]
    headers += ["peak RSS", "status"]
    out = [
        table(headers, main_rows),
        "",
        f"naive baseline (simulate naive=True: every node re-derived at every instant; "
        f"time box {budget_s:g}s):",
        table(["components", "incremental", "naive", "naive/incr", "results"], base_rows),
        "",
        "cost per instant (a settle brings every state to its fixpoint after one instant's "
        "events; the max is the region going down) and per recorded change:",
        table(
            [
                "components",
                "ms/settle",
                "naive ms/settle",
                "naive/incr",
                "max settle ms",
                "settle us/change",
                "rest us/change",
                "setup us/node",
            ],
            unit_rows,
        ),
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
        f"scenario: the busiest region DOWN from 0 to {OUTAGE_S / HOUR:g}h, horizon "
        f"{HORIZON_S / HOUR:g}h. instants = distinct times of recorded changes; settles = "
        "instants the engine processed (timer-only ones too).",
        "setup = simulate with no faults (the per-run state every simulate builds, so simulate "
        "includes it); rest = simulate outside settles: recording each change with its cause, "
        "failover machines, setup.",
        "peak RSS = ru_maxrss of a fresh worker after the incremental run, before the baseline",
        f"(interpreter and imports alone: {max(imports, default=math.nan):.0f} MB).",
    ]
    return "\n".join(out)


def _growth(results: list[Measured]) -> str:
    columns: dict[str, Callable[[Row], float | None]] = {
        "simulate": lambda v: v.get("sim_s"),
        "naive": lambda v: v.get("base_s"),
        "changes": lambda v: v.get("changes"),
        "naive ms/settle": lambda v: _mean(v, "base_settle_sum_s", "base_settles"),
        "settle us/change": lambda v: _per_change(v.get("settle_sum_s"), v),
        "rest us/change": lambda v: _per_change(_outside(v), v),
    }
    rows = []
    for a, b in itertools.pairwise(results):
        cells = [f"{a.size:,} -> {b.size:,}"]
        for get in columns.values():
            x, y = get(a.values), get(b.values)
            if x and y and not math.isnan(x) and not math.isnan(y):
                cells.append(f"{math.log(y / x) / math.log(b.size / a.size):.2f}")
            else:
                cells.append("-")
        rows.append(cells)
    return table(["sizes", *columns], rows) if rows else ""


def main(argv: list[str] | None = None) -> int:
    """Print the benchmark's tables; return 1 when the modes disagree or a worker fails."""
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
        worker(args.worker, args.out, budget)
        return 0
    sizes = sizes_of(args.sizes, SMOKE_SIZES if args.smoke else DEFAULT_SIZES)
    print(
        f"aftershock sim bench: sizes {sizes}, seed {args.seed}, "
        f"python {sys.version.split()[0]}, {os.cpu_count()} cpus",
        flush=True,
    )
    results = []
    for size in sizes:
        print(f"  measuring {size:,} components ...", file=sys.stderr, flush=True)
        results.append(
            measure(
                size, args.seed, budget, args.timeout, worker=Path(__file__).resolve(), extra=[]
            )
        )
    print(report(results, budget))
    failed = any(m.values.get("agree") is False or "exited" in m.status for m in results)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
