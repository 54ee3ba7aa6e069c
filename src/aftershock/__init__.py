"""aftershock: find out what falls when your cloud shakes.

The pipeline as library calls::

    import aftershock
    model = aftershock.load_model("stack.yaml")     # InputError with file:line on bad input
    graph = aftershock.compile_model(model)         # built once, immutable
    result = aftershock.check(graph, order=2)       # plain result objects
    print(aftershock.render_json(result.to_dict()))
    day = aftershock.Scenario((aftershock.Fault("aws/us-east-1", 0, 24 * 3600),))
    outcome = aftershock.simulate(graph, day)       # timelines, objectives, cost
    outcome = aftershock.replay(graph, aftershock.load_incidents()["aws-2025-10-20"])
"""

from __future__ import annotations

__version__ = "0.1.0"

from aftershock.analysis.blast import GraphView, graph_view
from aftershock.analysis.check import check
from aftershock.analysis.cutsets import cut_sets
from aftershock.analysis.dependencies import explain
from aftershock.analysis.policy import parse_policies, violations
from aftershock.analysis.results import CheckResult, ExplainResult, Finding, ServiceReport
from aftershock.analysis.single import SingleFailures, single_failures
from aftershock.catalog.incidents import Incident, load_incidents
from aftershock.catalog.load import Catalog, load_catalog
from aftershock.errors import (
    AftershockError,
    CatalogError,
    InputError,
    ModelFileError,
    ModelSyntaxError,
    ModelValidationError,
    Problem,
    TargetError,
)
from aftershock.graph.compile import compile_model
from aftershock.graph.core import Couplings, EdgeKind, Evidence, Graph, NodeKind, State
from aftershock.graph.propagate import Propagation, propagate
from aftershock.model.duration import format_duration, parse_duration
from aftershock.model.load import example_text, load_model, load_model_text
from aftershock.model.schema import model_schema
from aftershock.model.spec import Model
from aftershock.overview import build_report
from aftershock.report import render_json
from aftershock.report.catalog import describe_catalog, describe_incidents
from aftershock.report.document import ReportDocument, render_report_markdown
from aftershock.report.html import render_html
from aftershock.report.markdown import render_check_markdown, render_explain_markdown
from aftershock.report.terminal import render_check, render_explain
from aftershock.report.timeline import render_simulation
from aftershock.report.timeline_markdown import render_simulation_markdown
from aftershock.sim import replay, simulate
from aftershock.sim.faults import Fault, Scenario
from aftershock.sim.outcome import Outcome, ServiceOutcome, Timeline
from aftershock.sim.scenario import load_scenario, load_scenario_text, parse_fail

__all__ = [
    "AftershockError",
    "Catalog",
    "CatalogError",
    "CheckResult",
    "Couplings",
    "EdgeKind",
    "Evidence",
    "ExplainResult",
    "Fault",
    "Finding",
    "Graph",
    "GraphView",
    "Incident",
    "InputError",
    "Model",
    "ModelFileError",
    "ModelSyntaxError",
    "ModelValidationError",
    "NodeKind",
    "Outcome",
    "Problem",
    "Propagation",
    "ReportDocument",
    "Scenario",
    "ServiceOutcome",
    "ServiceReport",
    "SingleFailures",
    "State",
    "TargetError",
    "Timeline",
    "__version__",
    "build_report",
    "check",
    "compile_model",
    "cut_sets",
    "describe_catalog",
    "describe_incidents",
    "example_text",
    "explain",
    "format_duration",
    "graph_view",
    "load_catalog",
    "load_incidents",
    "load_model",
    "load_model_text",
    "load_scenario",
    "load_scenario_text",
    "model_schema",
    "parse_duration",
    "parse_fail",
    "parse_policies",
    "propagate",
    "render_check",
    "render_check_markdown",
    "render_explain",
    "render_explain_markdown",
    "render_html",
    "render_json",
    "render_report_markdown",
    "render_simulation",
    "render_simulation_markdown",
    "replay",
    "simulate",
    "single_failures",
    "violations",
]
