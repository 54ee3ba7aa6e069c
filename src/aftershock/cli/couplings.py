"""The options choosing which catalog couplings check, simulate and report include."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from aftershock.graph.core import Couplings


class Include(StrEnum):
    """Whether a class of catalog couplings becomes edges."""

    include = "include"
    exclude = "exclude"


ObservedOption = Annotated[
    Include,
    typer.Option(
        "--observed",
        help="Include the provider couplings seen in past incidents (each labelled with the "
        "incidents it was seen in), or leave them out. Replays always use only those of the "
        "replayed incident.",
    ),
]
AssumedOption = Annotated[
    Include,
    typer.Option(
        "--assumed",
        help="Include the provider couplings the catalog assumes without a source statement.",
    ),
]


def couplings(observed: Include, assumed: Include) -> Couplings:
    """Return the Couplings the two options ask for."""
    return Couplings(observed=observed.value, assumed=assumed is Include.include)
