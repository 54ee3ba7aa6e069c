"""What a simulation is asked to do: timed faults of failure targets over a horizon."""

from __future__ import annotations

from dataclasses import dataclass

from aftershock.graph.core import State

DEFAULT_HORIZON = 72 * 3600.0


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
            raise ValueError("a fault is down or degraded, not up")
        if self.start < 0 or (self.end is not None and self.end <= self.start):
            raise ValueError(f"fault of {self.target} has an empty window")


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
        if self.horizon <= 0:
            raise ValueError("the horizon must be longer than 0s")
