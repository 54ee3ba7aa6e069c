"""One report's content, shared by the HTML, Markdown and JSON renderers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aftershock.analysis.blast import GraphView
from aftershock.analysis.results import CheckResult
from aftershock.report.markdown import render_check_markdown
from aftershock.report.timeline_markdown import render_simulation_markdown
from aftershock.sim.outcome import Outcome


@dataclass(frozen=True)
class ReportDocument:
    """The static check, the drawn graph with blast radii, and optionally a simulation."""

    check: CheckResult
    view: GraphView
    simulation: Outcome | None = None

    @property
    def title(self) -> str:
        """Return the page title."""
        sim = self.simulation
        if sim is None:
            return f"aftershock report: {self.check.model}"
        what = sim.incident["id"] if sim.incident else sim.scenario or "scenario"
        return f"aftershock report: {self.check.model}, {what}"

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON document: the check, the simulation (or null) and the graph."""
        return {
            "model": self.check.model,
            "check": self.check.to_dict(),
            "simulation": self.simulation.to_dict() if self.simulation else None,
            "graph": self.view.to_dict(),
        }


def render_report_markdown(document: ReportDocument) -> str:
    """Return the report as one Markdown document: the check, then the simulation."""
    text = render_check_markdown(document.check)
    if document.simulation is not None:
        sim = render_simulation_markdown(document.simulation)
        text += "\n" + sim.replace("# aftershock", "# Simulation: aftershock", 1)
    return text
