"""Render a ReportDocument as one self-contained HTML page (no network: styles, script and data
inline). Jinja2 autoescapes every string from the model; the graph's data travels as JSON in a
``<script type="application/json">`` block with ``<``, ``>`` and ``&`` escaped, and the page's
script only ever writes it with ``textContent``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from importlib import resources
from typing import Any

import jinja2

from aftershock import __version__
from aftershock.escaping import escape_controls
from aftershock.model.duration import format_duration
from aftershock.report.document import ReportDocument
from aftershock.report.timeline import approx, money, verdict, when
from aftershock.sim.outcome import Outcome, Timeline

TIMELINE_ROWS = 60
CONCENTRATION_ROWS = 15
_PAGE = resources.files("aftershock.report") / "page"


@dataclass(frozen=True)
class Bar:
    """One interval of the timeline chart, in chart units (0..1000 across the horizon)."""

    x: float
    width: float
    state: str
    label: str
    because: str


@dataclass(frozen=True)
class Row:
    """One row of the timeline chart."""

    name: str
    kind: str
    bars: tuple[Bar, ...]


def _environment() -> jinja2.Environment:
    loader = jinja2.FunctionLoader(lambda name: (_PAGE / name).read_text(encoding="utf-8"))
    env = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters["money"] = money
    env.filters["duration"] = lambda s: "-" if s is None else format_duration(s)
    env.filters["approx"] = approx
    return env


def render_html(document: ReportDocument) -> str:
    """Return the whole page as one string."""
    env = _environment()
    sim = document.simulation
    env.filters["when"] = lambda seconds: when(sim, seconds) if sim else format_duration(seconds)
    context: dict[str, Any] = {
        "doc": document,
        "check": document.check,
        "sim": sim,
        "version": __version__,
        "css": (_PAGE / "report.css").read_text(encoding="utf-8"),
        "script": (_PAGE / "report.js").read_text(encoding="utf-8"),
        "data": _script_json(document.view.to_dict()),
        "cards": _cards(document),
        "findings": sorted(document.check.findings, key=lambda f: (-f.cost_at_risk, f.kind)),
        "concentration": _concentration(document),
        "timeline": _timeline(sim) if sim is not None else None,
    }
    # one boundary for the page too: a control character from a name is a visible \u001b
    return escape_controls(env.get_template("report.html.j2").render(context))


def _script_json(data: object) -> str:
    """Return JSON that cannot end its <script> element or open a comment."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _cards(document: ReportDocument) -> list[dict[str, Any]]:
    """Return the verdict per business service: static findings and, if simulated, time."""
    check, sim = document.check, document.simulation
    east = next((r for r in check.region_loss if r.region == "aws/us-east-1"), None)
    cards = []
    for name, rep in check.business_services.items():
        card: dict[str, Any] = {
            "name": name,
            "spofs": len(rep.spofs),
            "hidden": len(rep.hidden_spofs),
            "first_hidden": rep.hidden_spofs[:3],
            "cost_per_hour": rep.cost_per_hour,
            "east": None
            if east is None
            else "down"
            if name in east.down
            else "degraded"
            if name in east.degraded
            else "up",
            "state": "down" if rep.spofs else "up",
        }
        if sim is not None and name in sim.business:
            svc = sim.business[name]
            tl = svc.timeline
            card.update(
                sentence=verdict(sim, name, svc),
                down_s=tl.down_s,
                degraded_s=tl.degraded_s,
                rto=_held(svc.rto_met),
                tolerance=_held(svc.impact_tolerance_met),
                rpo=_held(svc.rpo_met),
                data_loss_s=svc.data_loss_s,
                cost=svc.cost,
                state="down" if tl.down_s else "degraded" if tl.degraded_s else "up",
            )
        cards.append(card)
    return cards


def _fate(name: str, down: list[str], degraded: list[str]) -> str:
    return "down" if name in down else "degraded" if name in degraded else "up"


def _held(value: bool | None) -> str:
    return "not set" if value is None else "held" if value else "missed"


def _concentration(document: ReportDocument) -> list[dict[str, Any]]:
    rows = [r for r in document.check.concentration if r.cost_per_hour > 0 or r.down]
    rows = sorted(rows, key=lambda r: (-r.cost_per_hour, r.target))[:CONCENTRATION_ROWS]
    top = max((r.cost_per_hour for r in rows), default=0.0) or 1.0
    return [
        {
            "target": r.target,
            "kind": r.kind,
            "cost": r.cost_per_hour,
            "width": 600.0 * r.cost_per_hour / top,
            "down": r.down,
            "degraded": r.degraded,
        }
        for r in rows
    ]


def _timeline(sim: Outcome) -> dict[str, Any]:
    """Return the rows, bars and axis ticks of the timeline chart."""
    horizon = sim.horizon_s
    rows = [_row(sim, name, "business", svc.timeline) for name, svc in sim.business.items()]
    changed = sorted(
        (t for t in sim.components.values() if t.intervals),
        key=lambda t: (t.first_impact_s, t.name),
    )
    rows += [_row(sim, t.name, "component", t) for t in changed[: TIMELINE_ROWS - len(rows)]]
    step = _tick_step(horizon)
    ticks = []
    at = 0.0
    while at <= horizon + 1e-9:
        ticks.append({"x": 1000.0 * at / horizon, "label": _tick_label(sim, at)})
        at += step
    return {
        "rows": rows,
        "ticks": ticks,
        "hidden": max(0, len(changed) - (TIMELINE_ROWS - len(sim.business))),
        "height": 28 * len(rows) + 30,
    }


def _row(sim: Outcome, name: str, kind: str, timeline: Timeline) -> Row:
    horizon = sim.horizon_s
    bars = tuple(
        Bar(
            x=1000.0 * i.start_s / horizon,
            width=max(1000.0 * (i.end_s - i.start_s) / horizon, 0.5),
            state=i.state,
            label=f"{name} {i.state.upper()} {when(sim, i.start_s)} to {when(sim, i.end_s)} "
            f"({approx(i.end_s - i.start_s)})",
            because=i.because,
        )
        for i in timeline.intervals
    )
    return Row(name, kind, bars)


def _tick_step(horizon: float) -> float:
    for step in (300, 900, 1800, 3600, 2 * 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400):
        if horizon / step <= 12:
            return float(step)
    return 2 * 86400.0


def _tick_label(sim: Outcome, seconds: float) -> str:
    if sim.origin is None:
        return f"+{seconds / 3600:g}h"
    moment = sim.origin + timedelta(seconds=seconds)
    return moment.strftime("%d %b %H:%MZ")
