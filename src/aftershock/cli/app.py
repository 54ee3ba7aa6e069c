"""Parse arguments, call the library, pick a reporter, set the exit code. Nothing else."""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from aftershock import __version__
from aftershock.cli.couplings import AssumedOption, Include, ObservedOption, couplings
from aftershock.cli.output import EXIT_INTERNAL, EXIT_POLICY, bad_input, stderr, stdout, write
from aftershock.errors import AftershockError, InputError

app = typer.Typer(
    name="aftershock",
    help="Find out what falls when your cloud shakes.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class Format(StrEnum):
    """Output formats."""

    terminal = "terminal"
    json = "json"
    markdown = "markdown"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"aftershock {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Find out what falls when your cloud shakes."""


@app.command()
def check(
    model: Annotated[
        Path | None, typer.Argument(help="Model YAML file (default: the embedded example).")
    ] = None,
    order: Annotated[
        int, typer.Option("--order", min=1, max=4, help="Largest cut set to report.")
    ] = 2,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.terminal,
    explain: Annotated[
        str | None,
        typer.Option("--explain", metavar="TARGET", help="Show what failing TARGET does, and why."),
    ] = None,
    fail_on: Annotated[
        list[str] | None,
        typer.Option(
            "--fail-on",
            metavar="POLICY",
            help="Exit 1 when a finding of this kind or severity exists "
            "(spof, hidden, rpo, cycle, failover, zones, vendor, critical, high, any, ...).",
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report to a file.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite --output if it exists.")
    ] = False,
    observed: ObservedOption = Include.include,
    assumed: AssumedOption = Include.include,
) -> None:
    """Find single points of failure, hidden dependencies and concentration in a model."""
    import aftershock as api

    try:
        policies = api.parse_policies(fail_on or [])
        graph = api.compile_model(api.load_model(model), couplings=couplings(observed, assumed))
        if explain is not None:
            explained = api.explain(graph, explain)
            _emit_explain(explained, fmt, output, force)
            return
        result = api.check(graph, order=order)
    except InputError as error:
        bad_input(error)
    if fmt is Format.json:
        write(api.render_json(result.to_dict()), output, force)
    elif fmt is Format.markdown:
        write(api.render_check_markdown(result), output, force)
    elif output is not None:
        buffer = io.StringIO()
        api.render_check(result, Console(file=buffer, width=120, color_system=None))
        write(buffer.getvalue(), output, force)
    else:
        api.render_check(result, stdout())
    violated = api.violations(result, policies)
    if violated:
        err = stderr()
        kinds = sorted({f.kind for f in violated})
        err.print(f"[bold red]policy violated:[/] {len(violated)} finding(s): {', '.join(kinds)}")
        raise typer.Exit(EXIT_POLICY)


def _emit_explain(result: object, fmt: Format, output: Path | None, force: bool) -> None:
    import aftershock as api

    assert isinstance(result, api.ExplainResult)
    if fmt is Format.json:
        write(api.render_json(result.to_dict()), output, force)
    elif fmt is Format.markdown:
        write(api.render_explain_markdown(result), output, force)
    elif output is not None:
        buffer = io.StringIO()
        api.render_explain(result, Console(file=buffer, width=120, color_system=None))
        write(buffer.getvalue(), output, force)
    else:
        api.render_explain(result, stdout())


@app.command()
def schema() -> None:
    """Print the JSON Schema of the model format."""
    import aftershock as api

    write(json.dumps(api.model_schema(), indent=2) + "\n", None, False)


@app.command()
def example() -> None:
    """Print the embedded example model (an AI product stack on AWS)."""
    import aftershock as api

    write(api.example_text(), None, False)


@app.command()
def catalog(
    provider: Annotated[
        str | None, typer.Argument(help="A provider (aws, gcp, azure, cloudflare) or 'vendors'.")
    ] = None,
) -> None:
    """List what the catalog knows: providers, or one provider's regions and services."""
    import aftershock as api

    _print_listing(api.describe_catalog, provider)


@app.command()
def incidents(
    incident: Annotated[str | None, typer.Argument(help="An incident id to show in full.")] = None,
) -> None:
    """List the incident library (real outages as timed failures of catalog targets)."""
    import aftershock as api

    _print_listing(api.describe_incidents, incident)


def _print_listing(describe: Callable[[str | None], str], name: str | None) -> None:
    try:
        text = describe(name)
    except InputError as error:
        bad_input(error)
    write(text, None, False)


from aftershock.cli import importing as _importing  # noqa: E402,F401  (registers import)
from aftershock.cli import timeline as _timeline  # noqa: E402,F401  (registers simulate, replay)


def main() -> None:
    """Entry point of the console script: never a traceback for bad input."""
    for size in ("COLUMNS", "LINES"):  # rich and click size help and tables by these
        value = os.environ.get(size, "")
        if value and not (value.isdigit() and len(value) <= 5 and 0 < int(value) <= 10_000):
            del os.environ[size]  # COLUMNS=10**14 would hang or overflow the layout
    for stream in (sys.stdout, sys.stderr):
        # a terminal or pipe that cannot show a bar or a name (ASCII, Latin-1) gets \u2588
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    try:
        app()
    except AftershockError as error:  # a bug in shipped data, not the user's input
        stderr().print(f"[bold red]internal error:[/] {escape(str(error))}")
        sys.exit(EXIT_INTERNAL)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:  # `aftershock check | head`: the reader left, nothing is wrong
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(141)
    except Exception as error:  # a bug in aftershock: say so plainly, keep details on request
        if os.environ.get("AFTERSHOCK_DEBUG"):
            raise
        stderr().print(
            f"[bold red]internal error:[/] {escape(type(error).__name__)}: {escape(str(error))}"
            "\n  this is a bug in aftershock; rerun with AFTERSHOCK_DEBUG=1 for details and "
            "report it"
        )
        sys.exit(EXIT_INTERNAL)
