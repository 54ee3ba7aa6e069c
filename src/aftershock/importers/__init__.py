"""Importers: real architectures (deploy files, infrastructure code, catalogs, traces, a live
account) to model documents. Each format's module has ``read(inputs, options) -> Draft``; drafts
of several inputs merge into one model, written by importers/emit.py."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from aftershock.errors import ImportInputError, Problem
from aftershock.importers.draft import Draft, merge
from aftershock.importers.emit import emit
from aftershock.model.suggest import did_you_mean

FORMATS = {
    "kubernetes": "aftershock.importers.kubernetes",
    "compose": "aftershock.importers.compose",
    "terraform": "aftershock.importers.terraform",
    "cloudformation": "aftershock.importers.cloudformation",
    "backstage": "aftershock.importers.backstage",
    "traces": "aftershock.importers.traces",
    "aws": "aftershock.importers.aws",
}


@dataclass(frozen=True)
class ImportOptions:
    """What the inputs cannot say and the user can."""

    name: str | None = None
    """The model's name (default: from the first input)."""
    region: str | None = None
    """PROVIDER/REGION where workloads run when the input does not say (Kubernetes, compose,
    CloudFormation; Terraform as a last resort), e.g. aws/us-east-1."""
    env_files: tuple[Path, ...] = ()
    """compose: --env-file files, read in order (default: .env beside the first file)."""
    regions: tuple[str, ...] = ()
    """aws: the regions to discover, e.g. us-east-1."""
    endpoint_url: str | None = None
    """aws: a different endpoint (a local moto server in tests)."""
    root: Path | None = None
    """The folder files an input names (nested stacks, env files) must stay inside; default:
    each input's own folder."""


Reader = Callable[[Sequence[Path], ImportOptions], Draft]


def reader(fmt: str) -> Reader:
    """Return the ``read`` function of format ``fmt``; ImportInputError for an unknown one."""
    module = FORMATS.get(fmt)
    if module is None:
        guess = did_you_mean(fmt, FORMATS)
        raise ImportInputError(
            Problem(
                f"unknown import format {fmt!r}" + (f"; {guess}" if guess else ""),
                value=fmt,
                hint="formats: " + ", ".join(FORMATS),
            )
        )
    read: Reader = importlib.import_module(module).read
    return read


def import_model(
    inputs: Sequence[tuple[str, Sequence[Path]]], options: ImportOptions | None = None
) -> str:
    """Return one model document from ``inputs``, a list of (format, paths) read in order and
    merged (the first input's facts win where two disagree).

    Raises ImportInputError (an InputError) naming the file, line and value for bad input.
    """
    options = options or ImportOptions()
    if options.region is not None:
        _check_region(options.region)
    drafts = [reader(fmt)(paths, options) for fmt, paths in inputs]
    return emit(merge(drafts, options.name))


def _check_region(region: str) -> None:
    """Raise ImportInputError unless ``region`` is a PROVIDER/REGION the catalog knows."""
    from aftershock.catalog.load import load_catalog
    from aftershock.model.targets import region_error

    provider, _, name = region.partition("/")
    problem = (
        region_error(provider, name, load_catalog(), allow_global=False)
        if name
        else "write PROVIDER/REGION"
    )
    if problem:
        raise ImportInputError(
            Problem(
                f"--region {region!r}: {problem}",
                value=region,
                hint="e.g. --region aws/us-east-1 (aftershock catalog aws lists the regions)",
            )
        )


__all__ = ["FORMATS", "Draft", "ImportOptions", "import_model", "reader"]
