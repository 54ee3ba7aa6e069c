"""Time: discrete-event outage simulation, scenarios and incident replays."""

from __future__ import annotations

import dataclasses

from aftershock.catalog.incidents import Incident
from aftershock.graph.core import Graph
from aftershock.sim import engine
from aftershock.sim.faults import Scenario
from aftershock.sim.incident import incident_graph, incident_scenario, incident_summary
from aftershock.sim.outcome import Outcome, outcome


def simulate(graph: Graph, scenario: Scenario) -> Outcome:
    """Return what ``scenario`` does to the model of ``graph`` over its horizon.

    Raises TargetError when a fault names no failure target of the model or catalog.
    """
    return outcome(engine.simulate(graph, scenario))


def replay(
    graph: Graph, incident: Incident, *, stretch: float | None = None, horizon: float | None = None
) -> Outcome:
    """Return what the library incident ``incident`` does to the model, in UTC.

    The replay runs on the model compiled with the couplings the record supports
    (``incident_graph``), whatever couplings ``graph`` was compiled with.

    ``stretch`` scales the incident to last that many seconds (a what-if); ``horizon``
    defaults to the incident plus an hour.
    """
    graph = incident_graph(graph, incident)
    scenario, origin = incident_scenario(incident, stretch=stretch, horizon=horizon)
    result = outcome(engine.simulate(graph, scenario), origin=origin)
    return dataclasses.replace(result, incident=incident_summary(incident, stretch))
