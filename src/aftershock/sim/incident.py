"""Replay a library incident: its timed events as faults, relative to the incident's start."""

from __future__ import annotations

from datetime import datetime

from aftershock.catalog.incidents import Incident
from aftershock.graph.compile import compile_model
from aftershock.graph.core import Couplings, Graph, State
from aftershock.sim.faults import Fault, Scenario

TAIL = 3600.0
"""How long a replay keeps watching after the incident's last event, to show recovery."""


def incident_scenario(
    incident: Incident, *, stretch: float | None = None, horizon: float | None = None
) -> tuple[Scenario, datetime]:
    """Return the incident as a Scenario and the UTC moment of its time 0.

    ``stretch`` (seconds) asks "what if it had lasted this long": every event's start and end
    are scaled by ``stretch / duration`` so the incident spans ``stretch``. ``horizon`` defaults
    to the (stretched) incident plus an hour. The record speaks for the targets it names:
    their states are the recorded ones, and the catalog's inferred dependencies fill in only
    what the record is silent on (such as a global endpoint homed in the failing region).
    """
    if stretch is not None and stretch <= 0:
        raise ValueError("--stretch must be longer than 0s")
    factor = stretch / incident.duration_s if stretch is not None else 1.0
    origin = incident.start
    faults = tuple(
        Fault(
            target=event.target,
            start=(event.start - origin).total_seconds() * factor,
            end=(event.end - origin).total_seconds() * factor,
            effect=State.DOWN if event.effect == "down" else State.DEGRADED,
            note=event.note.strip(),
        )
        for event in incident.events
    )
    span = incident.duration_s * factor
    scenario = Scenario(
        faults=faults,
        horizon=horizon or span + TAIL,
        name=incident.id,
        recorded=frozenset(event.target for event in incident.events),
    )
    return scenario, origin


def incident_graph(graph: Graph, incident: Incident) -> Graph:
    """Return ``graph`` compiled with the couplings a replay of ``incident`` may use.

    The record speaks for what it names: a provider service it does not name is unaffected
    unless a coupling documented by design, or one seen in this very incident, reaches it from
    something it names. Couplings seen only in other incidents, and assumed ones, stay out.
    """
    couplings = Couplings.replaying(incident.id)
    if graph.couplings == couplings:
        return graph
    return compile_model(graph.model, couplings=couplings)


def incident_summary(incident: Incident, stretch: float | None = None) -> dict[str, object]:
    """Return what a replay report says about the incident itself."""
    out: dict[str, object] = {
        "id": incident.id,
        "title": incident.title,
        "start": incident.start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "end": incident.end.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "duration_s": incident.duration_s,
        "sources": [str(s) for s in incident.sources],
    }
    if stretch is not None:
        out["stretched_to_s"] = stretch
    return out
