"""The raw record of one simulation: state changes with causes, failover and data-loss events."""

from __future__ import annotations

from dataclasses import dataclass, field

from aftershock.graph.core import Graph
from aftershock.sim.faults import Fault, Scenario


@dataclass(frozen=True)
class Change:
    """Node ``node`` entered ``state`` at ``time`` because of input ``cause`` (-1: a fault)."""

    time: float
    state: int
    cause: int
    note: str | None


@dataclass(frozen=True)
class Happening:
    """A failover step or a data loss, in words, for the report's event list."""

    time: float
    component: str
    kind: str
    text: str
    lost_s: float = 0.0


@dataclass
class Run:
    """What happened: per node, its state changes in time order; events; the scenario."""

    graph: Graph
    scenario: Scenario
    changes: dict[int, list[Change]] = field(default_factory=dict)
    happenings: list[Happening] = field(default_factory=list)
    untouched: list[Fault] = field(default_factory=list)
    """Faults of targets the model never reaches (valid targets, no effect on this model)."""
