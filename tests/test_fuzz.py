"""Fuzz the library: mutated models, scenarios, --fail strings and importer inputs end in a
result or an InputError, never another exception (which the command reports as exit code 3).

Each example runs the whole library path a command runs: load (from text, or from a file for
byte-level mutants), compile, check, explain, simulate, replay, and every renderer (terminal,
Markdown, JSON, HTML); importers are read through ``import_model`` and the model they write
must load. Examples run in a forked child with a memory and a time limit. See
tests/mutations.py for the mutations and tests/fuzz_findings.py for what happens to an
unexpected exception (known open bugs are tolerated and counted; ``make test-deep`` runs
these long).

Every counterexample found is pinned twice: as an ``@example`` on its fuzz test (always run),
and in ``FOUND`` below, whose cases run strictly and are marked xfail while the bug is open.
"""

from __future__ import annotations

import io
import json
import math
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rich.console import Console

import aftershock
from aftershock.importers import ImportOptions, import_model
from fuzz_findings import BUGS, HANG_S, attempt, isolated, problem
from mutations import (
    IMPORT_FORMATS,
    Mutant,
    bytes_mutant,
    durations,
    fail_specs,
    generated_models,
    importer_seeds,
    model_seeds,
    mutant_of,
    mutated,
    scenario_seeds,
    strings,
    targets,
)

FOUND_DIR = Path(__file__).parent / "fixtures" / "fuzz-found"
PINNED_HEADROOM = 512 << 20
"""Memory a pinned case may add: a blow-up fails it sooner than in a fuzz run."""
INCIDENTS = sorted(aftershock.load_incidents())


@contextmanager
def written(mutant: Mutant) -> Iterator[Path]:
    """Write the mutant in a fresh folder under its seed's file name (importers look at the
    suffix); yield its path; remove the folder (Hypothesis examples cannot take tmp_path)."""
    with tempfile.TemporaryDirectory(prefix="aftershock-fuzz-") as folder:
        path = Path(folder) / mutant.name
        path.write_bytes(mutant.data)
        yield path


def evidence(mutant: Mutant, **more: Any) -> dict[str, Any]:
    return {"data": mutant.data, "seed": mutant.seed, "steps": mutant.steps, **more}


# ---- what to do with a model once it loads --------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """What to run on a model that loads: the check's order, a target to explain, --fail
    strings with a horizon, an incident to replay and whether to build the HTML report."""

    order: int = 2
    explain: str = "aws/us-east-1"
    fails: tuple[str, ...] = ("aws/us-east-1@0+24h",)
    horizon: float = 72 * 3600.0
    incident: str | None = None
    html: bool = False


horizons = st.one_of(
    st.just(72 * 3600.0),
    st.sampled_from([1e-300, 1e-9, 0.001, 1.0, 3600.0, 1e12, 1e300, 1.7976931348623157e308]),
    st.floats(min_value=1e-6, max_value=1e9),
)
plans = st.builds(
    Plan,
    order=st.integers(1, 3),
    explain=targets,
    fails=st.lists(fail_specs, min_size=1, max_size=3).map(tuple),
    horizon=horizons,
    incident=st.one_of(st.none(), st.sampled_from(INCIDENTS)),
    html=st.integers(0, 4).map(lambda n: n == 0),
)


def _console() -> Console:
    return Console(file=io.StringIO(), width=120, color_system=None)


def analyse(model: aftershock.Model, plan: Plan) -> None:
    """Run everything a command runs on ``model``; every step ends in a result or InputError."""
    graph = attempt("compile_model", lambda: aftershock.compile_model(model))
    if graph is None:
        return
    result = attempt("check", lambda: aftershock.check(graph, order=plan.order))
    if result is not None:
        attempt("render_check", lambda: aftershock.render_check(result, _console()))
        attempt("render_check_markdown", lambda: aftershock.render_check_markdown(result))
        attempt("render_json(check)", lambda: aftershock.render_json(result.to_dict()))
    explained = attempt("explain", lambda: aftershock.explain(graph, plan.explain))
    if explained is not None:
        attempt("render_explain", lambda: aftershock.render_explain(explained, _console()))
        attempt("render_explain_markdown", lambda: aftershock.render_explain_markdown(explained))
        attempt("render_json(explain)", lambda: aftershock.render_json(explained.to_dict()))
    outcome = simulate(model, graph, plan)
    if plan.incident is not None:
        incident = aftershock.load_incidents()[plan.incident]
        replayed = attempt("replay", lambda: aftershock.replay(graph, incident))
        if replayed is not None:
            render_outcome(replayed)
            outcome = outcome or replayed
    if plan.html:
        document = attempt("build_report", lambda: aftershock.build_report(graph, outcome))
        if document is not None:
            attempt("render_html", lambda: aftershock.render_html(document))
            attempt("render_report_markdown", lambda: aftershock.render_report_markdown(document))
            attempt("render_json(report)", lambda: aftershock.render_json(document.to_dict()))


def simulate(
    model: aftershock.Model, graph: aftershock.Graph, plan: Plan
) -> aftershock.Outcome | None:
    """Simulate the plan's --fail strings the way the command does."""
    from aftershock.sim.scenario import check_targets

    faults = []
    for spec in plan.fails:
        fault = attempt("parse_fail", lambda spec=spec: aftershock.parse_fail(spec, plan.horizon))
        if fault is None:
            return None
        faults.append(fault)
    scenario = attempt("Scenario", lambda: aftershock.Scenario(tuple(faults), plan.horizon))
    if scenario is None:
        return None
    if attempt("check_targets", lambda: check_targets(scenario, model) or True) is None:
        return None
    outcome = attempt("simulate", lambda: aftershock.simulate(graph, scenario))
    if outcome is not None:
        render_outcome(outcome)
    return outcome


def render_outcome(outcome: aftershock.Outcome) -> None:
    attempt("render_simulation", lambda: aftershock.render_simulation(outcome, _console()))
    attempt("render_simulation_markdown", lambda: aftershock.render_simulation_markdown(outcome))
    attempt("render_json(outcome)", lambda: aftershock.render_json(outcome.to_dict()))


@cache
def example_model() -> tuple[aftershock.Model, aftershock.Graph]:
    model = aftershock.load_model()
    return model, aftershock.compile_model(model)


# ---- the inputs each bug was found with -----------------------------------------------------


@dataclass(frozen=True)
class Found:
    """A counterexample: ``file`` below fixtures/fuzz-found/, read as ``kind``: ``model``
    (a model, run with ``plan``), ``plan`` (a Plan as JSON, run on the embedded example),
    ``scenario`` or ``import:FORMAT``; ``bug`` is its class (a key of fuzz_findings.BUGS)
    while it is open (None: fixed, now a regression test)."""

    file: str
    kind: str
    bug: str | None
    plan: Plan = Plan()
    seconds: float = HANG_S
    """How long it may take (a case about speed sets less)."""

    def mutant(self) -> Mutant:
        """Return the input, written under the file name after ``--`` (importers look at the
        suffix): ``outputs-a-string--terraform.tfstate`` is read as ``terraform.tfstate``; a
        plan's input is the embedded example."""
        if self.kind == "plan":
            return mutant_of(aftershock.example_text(), "example.yaml")
        data = (FOUND_DIR / self.file).read_bytes()
        return bytes_mutant(data, self.file.split("--", 1)[-1])

    def the_plan(self) -> Plan:
        """Return the plan to run: the file's, for a ``plan`` case."""
        if self.kind != "plan":
            return self.plan
        fields = json.loads((FOUND_DIR / self.file).read_text())
        fields["fails"] = tuple(fields.get("fails", Plan.fails))
        return Plan(**fields)


FOUND = [
    # Fixed, now regression tests (found by these fuzzers, with the commit that fixed them):
    # 12,000 faults took 7 s (628131e: one set look-up per fault); the time out is a hang guard
    # only, bench/bench_sim.py measures the cost
    Found("12000-faults-quadratic--scenario.yaml", "scenario", None),
    # a cost over an astronomic horizon was inf in JSON, and the HTML timeline drew a tick per
    # two days of any horizon (62d657f: horizons at most 100 years, also built in code)
    Found("horizon-max-float-cost-inf--plan.json", "plan", None),
    Found("horizon-1e20-html-ticks--plan.json", "plan", None),
    # a fault with start + duration == start raised ValueError (62d657f: at least 1ms)
    Found("tiny-duration-empty-window--scenario.yaml", "scenario", None),
    Found("tiny-duration-empty-window--plan.json", "plan", None),
    # importer JSON with a field of the wrong type: AttributeError, TypeError (62d657f)
    Found("outputs-a-string--terraform.tfstate", "import:terraform", None),
    Found("logs-a-number--jaeger.json", "import:traces", None),
    Found("references-a-number--jaeger.json", "import:traces", None),
    # a U+FFFE in an imported value was written raw, and the emitter refused its own model
    # ("an importer produced an invalid model", bfd5c6c)
    Found("U+FFFE-in-lifecycle--catalog-info.yaml", "import:backstage", None),
    Found("U+FFFE-in-image--compose.yaml", "import:compose", None),
    Found("U+FFFE-in-image--deployment.yaml", "import:kubernetes", None),
    Found("U+FFFE-in-resource-name--terraform.tfstate", "import:terraform", None),
]


def examples_of(kind: str, make: Callable[[Found], dict[str, Any]]) -> Any:
    """Return a decorator adding an @example for every FOUND case of ``kind`` (but those about
    speed: test_found runs them with their time limit)."""

    def decorate(test: Any) -> Any:
        for case in FOUND:
            if case.kind.partition(":")[0] == kind and case.seconds == HANG_S:
                test = example(**make(case))(test)
        return test

    return decorate


# ---- models ---------------------------------------------------------------------------------


@examples_of("model", lambda c: {"mutant": c.mutant(), "plan": c.the_plan()})
@examples_of("plan", lambda c: {"mutant": c.mutant(), "plan": c.the_plan()})
@given(mutant=mutated(model_seeds(), generated=generated_models()), plan=plans)
def test_mutated_models_load_or_fail_cleanly(mutant: Mutant, plan: Plan) -> None:
    run_model(mutant, plan)


@settings(max_examples=30)
@given(
    mutant=mutated(model_seeds(), generated=generated_models(), gentle=True, max_edits=2),
    plan=plans,
)
def test_odd_values_in_valid_models_analyse_cleanly(mutant: Mutant, plan: Plan) -> None:
    """Models changed only in their values (huge, tiny, non-finite numbers, odd durations,
    hostile text, repeated list items) mostly still load: check, explain, simulate, replay
    and render them all."""
    run_model(mutant, plan)


def run_model(mutant: Mutant, plan: Plan, *, strict: bool = False, **limits: Any) -> None:
    """Load the mutant and analyse it; ``strict``: tolerate no known bug (FOUND cases)."""

    def example(path: Path) -> None:
        if mutant.text is not None and "bytes" not in mutant.steps:
            text = mutant.text
            model = attempt("load_model_text", lambda: aftershock.load_model_text(text, "m.yaml"))
        else:
            model = attempt("load_model", lambda: aftershock.load_model(path))
        if model is not None:
            analyse(model, plan)

    with written(mutant) as path:
        ev = evidence(mutant, plan=plan)
        if mutant.steps == ("pinned",):  # a FOUND input: a blow-up fails sooner
            limits.setdefault("headroom", PINNED_HEADROOM)
        isolated(lambda: example(path), ev, strict=strict, **limits)


# ---- scenarios ------------------------------------------------------------------------------


@examples_of("scenario", lambda c: {"mutant": c.mutant(), "from_file": True})
@given(
    mutant=st.one_of(mutated(scenario_seeds()), mutated(scenario_seeds(), gentle=True)),
    from_file=st.booleans(),
)
def test_mutated_scenarios_load_or_fail_cleanly(mutant: Mutant, from_file: bool) -> None:
    run_scenario(mutant, from_file)


def run_scenario(mutant: Mutant, from_file: bool, *, strict: bool = False, **limits: Any) -> None:
    model, graph = example_model()

    def example(path: Path) -> None:
        if from_file or mutant.text is None:
            scenario = attempt("load_scenario", lambda: aftershock.load_scenario(path, model=model))
        else:
            text = mutant.text
            scenario = attempt(
                "load_scenario_text",
                lambda: aftershock.load_scenario_text(text, "s.yaml", model=model),
            )
        if scenario is not None:
            outcome = attempt("simulate", lambda: aftershock.simulate(graph, scenario))
            if outcome is not None:
                render_outcome(outcome)

    with written(mutant) as path:
        isolated(lambda: example(path), evidence(mutant), strict=strict, **limits)


# ---- --fail strings and durations -----------------------------------------------------------


@given(plan=plans)
def test_fail_strings_on_the_example(plan: Plan) -> None:
    run_fails(plan)


def run_fails(plan: Plan) -> None:
    model, graph = example_model()
    data = "\n".join(plan.fails).encode("utf-8", "surrogatepass")
    isolated(lambda: simulate(model, graph, plan) and None, {"data": data, "plan": plan})


@given(text=st.one_of(durations, st.text()))
def test_durations_are_finite_or_refused(text: str) -> None:
    """parse_duration returns a finite number of seconds or raises ValueError (which every
    caller turns into an InputError naming the value)."""

    def example() -> None:
        try:
            seconds = aftershock.parse_duration(text)
        except ValueError:
            return
        if not math.isfinite(seconds) or seconds < 0:
            problem(
                "non-finite@model/duration.py:parse_duration",
                "parse_duration",
                f"parse_duration({text[:80]!r}) returned {seconds}",
            )

    isolated(
        lambda: attempt("parse_duration", example) and None,
        {"data": text.encode("utf-8", "surrogatepass")},
    )


# ---- importers ------------------------------------------------------------------------------

regions = st.one_of(st.none(), st.sampled_from(["aws/us-east-1", "gcp/us-central1"]), targets)
names = st.one_of(st.none(), strings)
import_inputs = st.sampled_from(IMPORT_FORMATS).flatmap(
    lambda fmt: st.tuples(
        st.just(fmt),
        st.one_of(mutated(importer_seeds(fmt)), mutated(importer_seeds(fmt), gentle=True)),
    )
)


@examples_of(
    "import",
    lambda c: {"source": (c.kind.partition(":")[2], c.mutant()), "name": None, "region": None},
)
@given(source=import_inputs, name=names, region=regions)
def test_mutated_importer_inputs_import_or_fail_cleanly(
    source: tuple[str, Mutant], name: str | None, region: str | None
) -> None:
    fmt, mutant = source
    run_import(fmt, mutant, ImportOptions(name=name, region=region))


def run_import(
    fmt: str, mutant: Mutant, options: ImportOptions, *, strict: bool = False, **limits: Any
) -> None:
    def example(path: Path) -> None:
        text = attempt("import_model", lambda: import_model([(fmt, [path])], options))
        if text is None:
            return
        try:
            aftershock.load_model_text(text, "imported.yaml")
        except Exception as exc:
            problem(
                "import-output-does-not-load@importers/emit.py:emit",
                "load_model_text(import_model(...))",
                f"{exc!r:.2000}",
            )

    with written(mutant) as path:
        ev = evidence(mutant, format=fmt, options=options)
        isolated(lambda: example(path), ev, strict=strict, **limits)


# ---- the pinned counterexamples, strictly ---------------------------------------------------


def open_bug(bug: str | None) -> list[Any]:
    """Return the xfail mark of a pinned case whose bug is open (none once it is fixed)."""
    if bug is None:
        return []
    return [pytest.mark.xfail(strict=False, reason=f"issue 9: {bug}: {BUGS[bug]}")]


def _found_params() -> Iterator[Any]:
    for case in FOUND:
        yield pytest.param(case, id=case.file, marks=open_bug(case.bug))


@pytest.mark.parametrize("case", list(_found_params()))
def test_found(case: Found) -> None:
    limits = {"strict": True, "timeout": case.seconds, "headroom": PINNED_HEADROOM}
    if case.kind in ("model", "plan"):
        run_model(case.mutant(), case.the_plan(), **limits)
    elif case.kind == "scenario":
        run_scenario(case.mutant(), True, **limits)
    else:
        run_import(case.kind.partition(":")[2], case.mutant(), ImportOptions(), **limits)


def test_found_files_are_all_pinned() -> None:
    """Every file in fixtures/fuzz-found/ is a FOUND case of this file or test_fuzz_cli.py."""
    from test_fuzz_cli import FOUND_CLI

    files = {p.name for p in FOUND_DIR.iterdir()} if FOUND_DIR.is_dir() else set()
    pinned = {c.file for c in FOUND} | {f for c in FOUND_CLI for _, f in c.files}
    assert files <= pinned | {"README.md"}, sorted(files - pinned)
