"""Everything one report shows, computed once: the check, the graph view, a simulation."""

from __future__ import annotations

from aftershock.analysis.blast import graph_view
from aftershock.analysis.check import check
from aftershock.graph.core import Graph
from aftershock.report.document import ReportDocument
from aftershock.sim.outcome import Outcome


def build_report(
    graph: Graph, simulation: Outcome | None = None, *, order: int = 2
) -> ReportDocument:
    """Return the report document of ``graph``, with ``simulation`` (from simulate or replay)."""
    return ReportDocument(
        check=check(graph, order=order), view=graph_view(graph), simulation=simulation
    )
