"""The ``import`` command: real architectures in, a model document out."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from aftershock.cli.app import app
from aftershock.cli.output import bad_input, stderr, write
from aftershock.errors import InputError, Problem

FORMATS_HELP = "kubernetes, compose, terraform, cloudformation, backstage, traces or aws"


@app.command("import")
def import_(
    fmt: Annotated[str, typer.Argument(metavar="FORMAT", help=f"One of: {FORMATS_HELP}.")],
    inputs: Annotated[
        list[Path] | None,
        typer.Argument(metavar="INPUT...", help="Files or folders (none for aws)."),
    ] = None,
    add: Annotated[
        list[str] | None,
        typer.Option(
            "--add",
            metavar="FORMAT=PATH",
            help="Merge another input into the same model, e.g. --add traces=spans.json "
            "(repeatable; the first input's facts win where two disagree).",
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the model to a file.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite --output if it exists.")
    ] = False,
    name: Annotated[str | None, typer.Option("--name", help="The model's name.")] = None,
    region: Annotated[
        str | None,
        typer.Option(
            "--region",
            metavar="PROVIDER/REGION",
            help="Where the workloads run when the input does not say (Kubernetes, compose, "
            "CloudFormation; Terraform as a last resort), e.g. aws/us-east-1.",
        ),
    ] = None,
    env_file: Annotated[
        list[Path] | None,
        typer.Option("--env-file", help="compose: env files for ${VAR} (default: .env beside)."),
    ] = None,
    aws_region: Annotated[
        list[str] | None,
        typer.Option("--aws-region", help="aws: a region to discover (repeatable)."),
    ] = None,
    endpoint_url: Annotated[
        str | None, typer.Option("--endpoint-url", help="aws: another endpoint (e.g. moto).")
    ] = None,
    root: Annotated[
        Path | None,
        typer.Option(
            "--root",
            metavar="FOLDER",
            help="Files an input names (nested stacks, env_file) are read only inside this "
            "folder (default: the input's own folder).",
        ),
    ] = None,
) -> None:
    """Import an architecture (manifests, compose, Terraform, CloudFormation, Backstage, traces,
    a live AWS account) as a model you can read, keep and check."""
    from aftershock.importers import ImportOptions, import_model, reader

    try:
        sources: list[tuple[str, list[Path]]] = [(fmt, list(inputs or []))]
        for spec in add or []:
            extra_fmt, sep, where = spec.partition("=")
            if not sep or not extra_fmt or not where:
                raise InputError(
                    Problem(
                        f"--add {spec!r} is not FORMAT=PATH",
                        value=spec,
                        hint="e.g. --add traces=spans.json",
                    )
                )
            sources.append((extra_fmt.strip(), [Path(where)]))
        for source_fmt, _ in sources:
            reader(source_fmt)  # an unknown format is named before any file is looked at
        options = ImportOptions(
            name=name,
            region=region,
            env_files=tuple(env_file or ()),
            regions=tuple(aws_region or ()),
            endpoint_url=endpoint_url,
            root=root,
        )
        text = import_model(sources, options)
    except InputError as error:
        bad_input(error)
    write(text, output, force)
    if output is not None:
        stderr().print(_summary(text, output))


def _summary(text: str, output: Path) -> str:
    import aftershock

    model = aftershock.load_model_text(text, str(output))
    components = model.components.values()
    deps = sum(len(c.depends_on) for c in components)
    unknown = sum(1 for c in components if not c.deploy and c.kind != "external")
    placeholders = text.count("# not in the input:")
    return (
        f"wrote {output}: {len(model.components)} components, {deps} dependencies, "
        f"{len(model.business_services)} business services (guessed); {unknown} without a known "
        f"place, {placeholders} placeholders. Next: aftershock check {output}"
    )
