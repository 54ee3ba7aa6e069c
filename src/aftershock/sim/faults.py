"""What a simulation is asked to do: timed faults of failure targets over a horizon."""

from __future__ import annotations

import math
from dataclasses import dataclass

from aftershock.errors import ScenarioError
from aftershock.graph.core import State
from aftershock.model.duration import MAX_DURATION_S

DEFAULT_HORIZON = 72 * 3600.0
RESOLUTION_S = 0.001
"""The shortest fault: 1 ms."""


@dataclass(frozen=True)
class Fault:
    """``target`` is DOWN (or DEGRADED) from ``start`` to ``end`` seconds; None: to the end."""

    target: str
    start: float = 0.0
    end: float | None = None
    effect: State = State.DOWN
    note: str | None = None

    def __post_init__(self) -> None:
        if self.effect is State.UP:
            raise ScenarioError("a fault is down or degraded, not up")
        if not 0 <= self.start <= MAX_DURATION_S:
            raise ScenarioError(
                f"fault of {self.target} starts at {self.start}s, not 0 to 100 years"
            )
        if self.end is not None and not self.start + RESOLUTION_S <= self.end <= MAX_DURATION_S:
            raise ScenarioError(
                f"fault of {self.target} has an empty window or one past 100 years "
                f"({self.start}s to {self.end}s; a fault lasts at least 1ms)"
            )


@dataclass(frozen=True)
class Scenario:
    """Faults to apply and how long to watch; ``name`` labels reports."""

    faults: tuple[Fault, ...]
    horizon: float = DEFAULT_HORIZON
    name: str | None = None
    recorded: frozenset[str] = frozenset()
    """Targets whose whole history the scenario gives (a replay's record): their state is the
    faults' alone, and what the catalog says they depend on is not applied on top."""

    def __post_init__(self) -> None:
        if not (0 < self.horizon <= MAX_DURATION_S and math.isfinite(self.horizon)):
            raise ScenarioError(
                f"the horizon must be longer than 0s and at most 100 years (not {self.horizon}s)"
            )
