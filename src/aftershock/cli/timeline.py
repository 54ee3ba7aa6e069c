"""The time commands: ``simulate`` (faults you choose) and ``replay`` (a library incident)."""

from __future__ import annotations

import io
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from aftershock.cli.app import Format, app
from aftershock.cli.couplings import AssumedOption, Include, ObservedOption, couplings
from aftershock.cli.output import bad_input, stdout, write
from aftershock.errors import InputError, Problem, quoted

if TYPE_CHECKING:
    from aftershock.catalog.incidents import Incident
    from aftershock.model.spec import Model
    from aftershock.sim.faults import Fault, Scenario
    from aftershock.sim.outcome import Outcome

MODEL_ARG = typer.Argument(help="Model YAML file (default: the embedded example).")
FORMAT_OPT = typer.Option("--format", "-f", help="Output format.")
OUTPUT_OPT = typer.Option("--output", "-o", help="Write the report to a file.")
FORCE_OPT = typer.Option("--force", help="Overwrite --output if it exists.")
HORIZON_HELP = "How long to simulate, as a duration (0, 90s, 5m, 2h, 3d)"


@app.command()
def simulate(
    model: Annotated[Path | None, MODEL_ARG] = None,
    fail: Annotated[
        list[str] | None,
        typer.Option(
            "--fail",
            metavar="TARGET[@START][+DURATION]",
            help="Fail a target from START (default 0) for DURATION (default: to the horizon); "
            "repeatable. Add :degraded to degrade it instead. E.g. --fail aws/us-east-1@30m+2h",
        ),
    ] = None,
    scenario: Annotated[
        Path | None,
        typer.Option("--scenario", help="A YAML scenario file (see `aftershock scenario-schema`)."),
    ] = None,
    horizon: Annotated[
        str | None, typer.Option("--horizon", help=f"{HORIZON_HELP}; default 72h.")
    ] = None,
    fmt: Annotated[Format, FORMAT_OPT] = Format.terminal,
    output: Annotated[Path | None, OUTPUT_OPT] = None,
    force: Annotated[bool, FORCE_OPT] = False,
    observed: ObservedOption = Include.include,
    assumed: AssumedOption = Include.include,
) -> None:
    """Simulate timed failures: who goes down when, for how long, and what it costs."""
    import aftershock as api

    try:
        if not fail and scenario is None:
            raise InputError(
                Problem(
                    "nothing to simulate: no --fail and no --scenario",
                    hint="add --fail TARGET[@START][+DURATION], e.g. --fail aws/us-east-1@0+24h, "
                    "or --scenario FILE (examples/scenarios/ has some)",
                )
            )
        loaded = api.load_model(model)
        plan = _scenario(loaded, fail, scenario, horizon)
        graph = api.compile_model(loaded, couplings=couplings(observed, assumed))
        result = api.simulate(graph, plan)
    except InputError as error:
        bad_input(error)
    _emit(result, fmt, output, force)


@app.command()
def replay(
    incident: Annotated[str, typer.Argument(help="An incident id (see `aftershock incidents`).")],
    model: Annotated[Path | None, MODEL_ARG] = None,
    stretch: Annotated[
        str | None,
        typer.Option(
            "--stretch",
            help="What if it had lasted this long: scale every event so the incident spans this "
            "duration (e.g. 72h).",
        ),
    ] = None,
    horizon: Annotated[
        str | None,
        typer.Option("--horizon", help=f"{HORIZON_HELP}; default: the incident plus 1h."),
    ] = None,
    fmt: Annotated[Format, FORMAT_OPT] = Format.terminal,
    output: Annotated[Path | None, OUTPUT_OPT] = None,
    force: Annotated[bool, FORCE_OPT] = False,
) -> None:
    """Replay a real incident from the library on a model, in UTC."""
    import aftershock as api

    try:
        found = _incident(incident)
        graph = api.compile_model(api.load_model(model))
        result = api.replay(
            graph,
            found,
            stretch=_duration(stretch, "--stretch"),
            horizon=_horizon(horizon),
        )
    except InputError as error:
        bad_input(error)
    _emit(result, fmt, output, force)


@app.command("scenario-schema")
def scenario_schema() -> None:
    """Print the JSON Schema of scenario files (--scenario)."""
    import json
    import sys

    from aftershock.sim.scenario import scenario_schema as schema

    sys.stdout.write(json.dumps(schema(), indent=2) + "\n")


def _scenario(
    model: Model, fail: list[str] | None, scenario: Path | None, horizon: str | None
) -> Scenario:
    """Return the faults of a scenario file and of --fail strings, checked against the model."""
    from aftershock.sim.faults import DEFAULT_HORIZON, Scenario
    from aftershock.sim.scenario import check_targets, load_scenario, parse_fail

    limit = _horizon(horizon)
    faults: list[Fault] = []
    name = None
    if scenario is not None:
        from_file = load_scenario(scenario, horizon=limit or DEFAULT_HORIZON, model=model)
        faults += from_file.faults
        name = from_file.name
        limit = limit or from_file.horizon
    limit = limit or DEFAULT_HORIZON
    from_cli = tuple(parse_fail(spec, limit) for spec in fail or [])
    check_targets(Scenario(faults=from_cli, horizon=limit), model)
    return Scenario(faults=(*faults, *from_cli), horizon=limit, name=name)


def _incident(name: str) -> Incident:
    import aftershock as api
    from aftershock.model.suggest import did_you_mean

    library = api.load_incidents()
    if name in library:
        return library[name]
    guess = did_you_mean(name, library)
    raise InputError(
        Problem(
            f"unknown incident {quoted(name)}" + (f"; {guess}" if guess else ""),
            value=name,
            hint="`aftershock incidents` lists them: " + ", ".join(library),
        )
    )


def _duration(text: str | None, option: str) -> float | None:
    from aftershock.model.duration import DURATION_HINT, DurationTooLong, parse_duration

    if text is None:
        return None
    bare = text.strip().replace(".", "", 1).isdigit() and text.strip() != "0"
    try:
        seconds = parse_duration(text)
    except DurationTooLong as exc:
        raise InputError(Problem(f"{option}: {exc}", value=text, hint=DURATION_HINT)) from None
    except ValueError:
        if bare:
            message = f"{option}: invalid duration {quoted(text)} (a bare number has no unit)"
            hint = f"give it a unit: {text}h, {text}m or {text}d"
        else:
            message, hint = f"{option}: invalid duration {quoted(text)}", DURATION_HINT
        raise InputError(Problem(message, value=text, hint=hint)) from None
    if seconds <= 0:
        message = f"{option} must be longer than 0s (not {quoted(text)})"
        raise InputError(Problem(message, value=text, hint=DURATION_HINT))
    return seconds


def _horizon(text: str | None) -> float | None:
    return _duration(text, "--horizon")


def _emit(result: Outcome, fmt: Format, output: Path | None, force: bool) -> None:
    import aftershock as api

    if fmt is Format.json:
        write(api.render_json(result.to_dict()), output, force)
    elif fmt is Format.markdown:
        write(api.render_simulation_markdown(result), output, force)
    elif output is not None:
        buffer = io.StringIO()
        api.render_simulation(result, Console(file=buffer, width=120, color_system=None))
        write(buffer.getvalue(), output, force)
    else:
        api.render_simulation(result, stdout())


class PageFormat(StrEnum):
    """Formats of the report command."""

    html = "html"
    json = "json"
    markdown = "markdown"


@app.command()
def report(
    model: Annotated[Path | None, MODEL_ARG] = None,
    replay_id: Annotated[
        str | None,
        typer.Option("--replay", metavar="ID", help="Include the replay of a library incident."),
    ] = None,
    fail: Annotated[
        list[str] | None,
        typer.Option(
            "--fail",
            metavar="TARGET[@START][+DURATION]",
            help="Include a simulation of these failures (as for simulate).",
        ),
    ] = None,
    scenario: Annotated[
        Path | None, typer.Option("--scenario", help="Include a simulation of a scenario file.")
    ] = None,
    horizon: Annotated[
        str | None, typer.Option("--horizon", help=f"{HORIZON_HELP} of the simulation.")
    ] = None,
    stretch: Annotated[
        str | None, typer.Option("--stretch", help="Stretch the replayed incident (a what-if).")
    ] = None,
    fmt: Annotated[PageFormat, typer.Option("--format", "-f", help="Output format.")] = (
        PageFormat.html
    ),
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report to a file.")
    ] = None,
    force: Annotated[bool, FORCE_OPT] = False,
    observed: ObservedOption = Include.include,
    assumed: AssumedOption = Include.include,
) -> None:
    """Write one self-contained report: verdicts, graph, timeline, concentration, findings."""
    import aftershock as api

    try:
        if replay_id is not None and (fail or scenario is not None):
            raise InputError(
                Problem(
                    "--replay cannot be combined with --fail or --scenario",
                    hint="report one incident, or one simulation, per page",
                )
            )
        loaded = api.load_model(model)
        graph = api.compile_model(loaded, couplings=couplings(observed, assumed))
        simulation = None
        if replay_id is not None:
            simulation = api.replay(
                graph,
                _incident(replay_id),
                stretch=_duration(stretch, "--stretch"),
                horizon=_horizon(horizon),
            )
        elif fail or scenario is not None:
            simulation = api.simulate(graph, _scenario(loaded, fail, scenario, horizon))
        document = api.build_report(graph, simulation)
    except InputError as error:
        bad_input(error)
    if fmt is PageFormat.json:
        write(api.render_json(document.to_dict()), output, force)
    elif fmt is PageFormat.markdown:
        write(api.render_report_markdown(document), output, force)
    else:
        write(api.render_html(document), output, force)
