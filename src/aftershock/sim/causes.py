"""Causal chains of a simulation as data: each step linked to the step that caused it.

Every recorded state change names the input that caused it (sim/engine.py); following causes
back to a fault gives the chain that explains the change: ``chat DOWN at +0:00 because web DOWN
since +0:00 because ... because aws/us-east-1 failed at +0:00``. Along a chain of n components
that all go down, writing every chain out takes n²/2 steps. Here a step is a ``Cause`` that
refers to the step that caused it, made once per recorded change and shared by every chain
through it, so all the chains of a run cost one step per change; a chain longer than
``CHAIN_LIMIT`` steps is told with its first and last steps and the number in between, every
one of which is explained in the timeline of the component it passes through (``tell``).
"""

from __future__ import annotations

import itertools
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from aftershock.graph.core import Graph, NodeKind, State
from aftershock.sim.run import Change, Run

_DOWN, _UP = int(State.DOWN), int(State.UP)
_GATE = int(NodeKind.GATE)
CHAIN_LIMIT = 12
"""Steps a chain tells in full; a longer one tells its first FIRST and last LAST steps."""
FIRST, LAST = 8, 2

Clock = Callable[[float], str]


@dataclass(frozen=True, eq=False)
class Cause:
    """One step of a causal chain: ``node`` was in ``state`` from ``time`` (``how``: "since"
    while caused by ``then``, "failed" or "ended" for its own fault), with the ``notes`` that
    say how the change passed on, and ``suffix`` closing a chain that ends here without
    reaching a fault. ``length`` counts the steps from this one to the end; ``far`` holds the
    last steps of a long chain, so that it is told without walking it."""

    node: str
    state: int
    time: float
    how: str
    notes: tuple[str, ...]
    then: Cause | None
    suffix: str
    length: int
    far: tuple[Cause, ...]

    @property
    def last(self) -> tuple[Cause, ...]:
        """Return the last LAST steps of the chain from here (all of them when fewer)."""
        return tuple(_steps(self)) if self.length <= LAST else self.far


def _step_of(
    node: str,
    change: Change,
    how: str,
    notes: tuple[str, ...] = (),
    then: Cause | None = None,
    suffix: str = "",
) -> Cause:
    length = 1 + (then.length if then is not None else 0)
    far = then.last if then is not None else ()
    return Cause(node, change.state, change.time, how, notes, then, suffix, length, far)


@dataclass(frozen=True, eq=False)
class Chain:
    """The explanation of one change: its node, state and time, its notes, its first cause."""

    node: str
    state: int
    time: float
    notes: tuple[str, ...]
    first: Cause | None
    suffix: str

    @property
    def length(self) -> int:
        """Return the number of steps after the change itself."""
        return self.first.length if self.first is not None else 0


class Causes:
    """Builds the chains of one run, each recorded change's step made once."""

    def __init__(self, run: Run) -> None:
        self.run = run
        self.graph: Graph = run.graph
        self.kind = self.graph.kind.tolist()
        self._steps: dict[int, Cause] = {}  # id of a Change -> its step (changes stay alive)

    def label(self, node: int) -> str:
        """Return the name a user knows ``node`` by."""
        name = self.graph.names[node]
        return name[3:] if name.startswith("bs:") else name

    def chain(self, node: int, change: Change) -> Chain:
        """Return the chain that explains ``change`` of ``node``."""
        seen = {node}
        notes, nxt, suffix, _ = self._next(change, seen)
        first = self._follow(nxt, seen) if nxt is not None else None
        return Chain(self.label(node), change.state, change.time, notes, first, suffix)

    def _at(self, node: int, time: float) -> Change | None:
        """Return the last change of ``node`` at or before ``time``."""
        changes = self.run.changes.get(node, [])
        at = bisect_right(changes, time, key=lambda c: c.time)
        return changes[at - 1] if at else None

    def _next(
        self, change: Change, seen: set[int]
    ) -> tuple[tuple[str, ...], tuple[int, Change] | None, str, bool]:
        """Return what follows ``change`` in a chain: its notes and those of the gates on the
        way, the next node and its change (None at a fault, or where the chain would repeat a
        node in ``seen``), a closing suffix, and whether it stopped at a repeat."""
        notes = [change.note] if change.note else []
        current = change
        while True:
            cause = current.cause
            if cause < 0:
                suffix = ""
                if current.state != _UP and not notes:
                    suffix = " (failed)" if current.state == _DOWN else " (degraded by the fault)"
                return tuple(notes), None, suffix, False
            earlier = self._at(cause, current.time)
            if earlier is None or cause in seen:
                return tuple(notes), None, "", earlier is not None
            seen.add(cause)
            if self.kind[cause] != _GATE:
                return tuple(notes), (cause, earlier), "", False
            if earlier.note:
                notes.append(earlier.note)
            current = earlier

    def _follow(self, start: tuple[int, Change], seen: set[int]) -> Cause:
        """Return the step of ``start`` and those after it, made once and shared; a chain
        cut short where it would repeat a node is not remembered (where it stops depends on
        where it started)."""
        walked: list[tuple[int, Change, tuple[str, ...], str]] = []
        repeated = False
        result: Cause | None = None
        node, current = start
        while True:
            hit = self._steps.get(id(current))
            if hit is not None:
                result = hit
                break
            if current.cause < 0:
                how = "failed" if current.state != _UP else "ended"
                result = self._steps[id(current)] = _step_of(self.label(node), current, how)
                break
            notes, following, suffix, repeated = self._next(current, seen)
            walked.append((node, current, notes, suffix))
            if following is None:
                break
            node, current = following
        for node, current, notes, suffix in reversed(walked):
            result = _step_of(self.label(node), current, "since", notes, result, suffix)
            if not repeated:
                self._steps[id(current)] = result
        assert result is not None
        return result


def tell(chain: Chain, clock: Clock, *, limit: int = CHAIN_LIMIT) -> str:
    """Return the chain in words; past ``limit`` steps, its first and last steps and how many
    it leaves out (each explained in the timeline of the node it passes through)."""
    text = f"{chain.node} {State(chain.state).name} at {clock(chain.time)}"
    text += _notes(chain.notes)
    if chain.first is None:
        return text + chain.suffix
    if chain.length <= limit:
        return text + "".join(_step(s, clock) for s in _steps(chain.first))
    shown = list(itertools.islice(_steps(chain.first), FIRST))
    last = chain.first.last
    skipped = chain.length - FIRST - len(last)
    text += "".join(_step(s, clock) for s in shown)
    text += f" … {skipped:,} more steps ({shown[-1].node}'s own timeline continues the chain) …"
    return text + "".join(_step(s, clock) for s in last)


def _steps(first: Cause) -> Iterator[Cause]:
    step: Cause | None = first
    while step is not None:
        yield step
        step = step.then


def _notes(notes: tuple[str, ...]) -> str:
    return " (" + "; ".join(notes) + ")" if notes else ""


def _step(step: Cause, clock: Clock) -> str:
    at = clock(step.time)
    if step.how == "failed":
        verb = "failed" if step.state == _DOWN else "was degraded"
        return f" because {step.node} {verb} at {at}"
    if step.how == "ended":
        return f" because the fault of {step.node} ended at {at}"
    text = f" because {step.node} {State(step.state).name} since {at}{_notes(step.notes)}"
    return text + (step.suffix if step.then is None else "")
