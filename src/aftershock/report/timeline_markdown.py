"""Render a simulation or replay as Markdown (PR comments, incident reviews); input is escaped."""

from __future__ import annotations

from aftershock.escaping import escape_controls
from aftershock.model.duration import format_duration
from aftershock.report.markdown import code, md
from aftershock.report.timeline import TOP_COMPONENTS, money, verdict, when
from aftershock.sim.outcome import Outcome


def _met(value: bool | None) -> str:
    return "-" if value is None else "met" if value else "**missed**"


def render_simulation_markdown(result: Outcome) -> str:
    """Return the simulation or replay report as a Markdown document."""
    title = f"# aftershock {'replay' if result.incident else 'simulate'}: {md(result.model)}"
    out = [title, ""]
    if result.incident:
        inc = result.incident
        out.append(f"**{md(inc['id'])}**: {md(inc['title'])} ({inc['start']} to {inc['end']})")
        if inc.get("stretched_to_s"):
            out.append(
                f"\nStretched (a what-if, not the record): every event scaled so the incident "
                f"lasts {format_duration(inc['stretched_to_s'])} instead of "
                f"{format_duration(inc['duration_s'])}."
            )
        out.append("\nSources: " + ", ".join(md(s) for s in inc["sources"]))
        out.append("")
    out.append(f"Horizon {format_duration(result.horizon_s)}.")
    out += ["", "## What happened", ""]
    out += [f"- {md(verdict(result, n, s))}" for n, s in result.business.items()]
    total = sum(s.cost for s in result.business.values())
    out.append(f"\n**Total cost: {money(total)}**")
    out += [
        "",
        "| service | first impact | down | degraded | recovered | RTO | tolerance | data lost "
        "| RPO | cost |",
        "|---|---|---:|---:|---|---|---|---:|---|---:|",
    ]
    for name, svc in result.business.items():
        tl = svc.timeline
        out.append(
            f"| {md(name)} | {when(result, tl.first_impact_s)} | {format_duration(tl.down_s)} | "
            f"{format_duration(tl.degraded_s)} | {when(result, tl.recovered_s)} | "
            f"{_met(svc.rto_met)} | {_met(svc.impact_tolerance_met)} | "
            f"{format_duration(svc.data_loss_s)} | {_met(svc.rpo_met)} | {money(svc.cost)} |"
        )
    out += ["", "## Timeline", ""]
    for name, svc in result.business.items():
        if not svc.timeline.intervals:
            continue
        out.append(f"**{md(name)}**\n")
        intervals = svc.timeline.intervals
        for i, interval in enumerate(intervals):
            span = f"{when(result, interval.start_s)} to {when(result, interval.end_s)}"
            out.append(f"- {interval.state.upper()} {span}: {md(interval.because)}")
            follows = i + 1 < len(intervals) and intervals[i + 1].start_s == interval.end_s
            if interval.ended_because and not follows:
                out.append(f"  - back up: {md(interval.ended_because)}")
        out.append("")
    if result.happenings:
        out += ["## Failovers and data", ""]
        out += [f"- {when(result, h.time)}: {md(h.text)}" for h in result.happenings]
        out.append("")
    changed = sorted(
        (t for t in result.components.values() if t.intervals),
        key=lambda t: (-(t.down_s + t.degraded_s), t.name),
    )
    out += [
        f"## Components that changed state ({len(changed)} of {len(result.components)})",
        "",
        "| component | first impact | down | degraded | recovered |",
        "|---|---|---:|---:|---|",
    ]
    for tl in changed[:TOP_COMPONENTS]:
        out.append(
            f"| {code(tl.name, table=True)} | {when(result, tl.first_impact_s)} | "
            f"{format_duration(tl.down_s)} | {format_duration(tl.degraded_s)} | "
            f"{when(result, tl.recovered_s)} |"
        )
    if len(changed) > TOP_COMPONENTS:
        out.append(f"\n{len(changed) - TOP_COMPONENTS} more in the JSON output.")
    out += ["", "## Faults", ""]
    for fault in result.faults:
        reach = "" if fault["in_model"] else " (not used by this model)"
        out.append(
            f"- {code(fault['target'])} {fault['effect'].upper()} {when(result, fault['start_s'])}"
            f" to {when(result, fault['end_s'])}{reach}"
        )
    return escape_controls("\n".join(out) + "\n")
