"""Render a simulation or replay for a terminal with rich; every input string is escaped."""

from __future__ import annotations

from datetime import timedelta

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from aftershock.model.duration import format_duration
from aftershock.report.console import escaping
from aftershock.sim.outcome import Outcome, ServiceOutcome, Timeline, offset

BAR = 60
"""Cells of the timeline bar; each covers horizon / BAR."""
CELLS = {"down": ("█", "bold red"), "degraded": ("▒", "yellow"), "up": ("·", "green")}
TOP_COMPONENTS = 25
TOP_EVENTS = 20


def money(value: float) -> str:
    """Return an amount with thousands separators and no decimals."""
    return f"{value:,.0f}"


def approx(seconds: float) -> str:
    """Return a duration for sentences: to the minute once it passes an hour."""
    return format_duration(round(seconds / 60) * 60 if seconds >= 3600 else seconds)


def when(result: Outcome, seconds: float | None) -> str:
    """Return a moment: UTC clock time in a replay, ``+H:MM`` from the start otherwise."""
    if seconds is None:
        return "-"
    if result.origin is None:
        return offset(seconds)
    moment = result.origin + timedelta(seconds=seconds)
    if moment.date() == result.origin.date():
        return moment.strftime("%H:%MZ")
    return moment.strftime("%d %b %H:%MZ")


def verdict(result: Outcome, name: str, svc: ServiceOutcome) -> str:
    """Return one plain sentence on what happened to a business service."""
    tl = svc.timeline
    if not tl.intervals:
        return f"{name} stayed up."
    parts = []
    if tl.down_s:
        first_down = next(i for i in tl.intervals if i.state == "down")
        parts.append(f"down {approx(tl.down_s)} from {when(result, first_down.start_s)}")
    if tl.degraded_s:
        parts.append(f"degraded {approx(tl.degraded_s)}")
    back = (
        f"back at {when(result, tl.recovered_s)}"
        if tl.recovered_s is not None
        else "still impacted at the horizon"
    )
    objectives = []
    for label, met, limit in (
        ("RTO", svc.rto_met, svc.rto_s),
        ("impact tolerance", svc.impact_tolerance_met, svc.impact_tolerance_s),
    ):
        if met is False and limit is not None:
            objectives.append(f"missed its {label} of {format_duration(limit)}")
    if svc.rpo_met is False and svc.rpo_s is not None:
        objectives.append(
            f"lost {format_duration(svc.data_loss_s)} of writes (RPO {format_duration(svc.rpo_s)})"
        )
    text = f"{name} was {' and '.join(parts)}, {back}; cost {money(svc.cost)}"
    if objectives:
        text += "; " + ", ".join(objectives)
    return text + "."


def bar(timeline: Timeline, horizon: float) -> Text:
    """Return a one-line bar of the horizon, each cell showing its worst state."""
    out = Text()
    step = horizon / BAR
    for cell in range(BAR):
        lo, hi = cell * step, (cell + 1) * step
        worst = "up"
        for interval in timeline.intervals:
            if interval.start_s < hi and interval.end_s > lo:
                worst = interval.state if worst != "down" else worst
                if worst == "down":
                    break
        glyph, style = CELLS[worst]
        out.append(glyph, style=style)
    return out


@escaping
def render_simulation(result: Outcome, console: Console) -> None:
    """Print a simulation or replay: verdicts, a timeline, causes, events and components."""
    head = Text.assemble(
        ("aftershock replay: " if result.incident else "aftershock simulate: ", "bold"),
        (result.model, "bold cyan"),
    )
    if result.incident:
        head.append(f"  {result.incident['id']}")
    head.append(f"  (horizon {format_duration(result.horizon_s)})")
    console.print(head)
    if result.incident:
        console.print(Text(f"  {result.incident['title']}"))
    if result.incident and result.incident.get("stretched_to_s"):
        console.print(
            f"  stretched: every event scaled to make the incident last "
            f"{format_duration(result.incident['stretched_to_s'])} instead of "
            f"{format_duration(result.incident['duration_s'])} (a what-if, not the record)"
        )
    total = sum(s.cost for s in result.business.values())
    console.print(Text("What happened", style="bold"))
    for name, svc in result.business.items():
        style = "red" if svc.timeline.down_s else "yellow" if svc.timeline.intervals else "green"
        console.print(Text("  " + verdict(result, name, svc), style=style))
    if not result.business:
        console.print("  (no business services in the model: add them to get costs and objectives)")
    console.print(Text(f"  Total cost: {money(total)}", style="bold"))
    console.print(_bars(result))
    _causes(result, console)
    _events(result, console)
    console.print(_components(result))
    _faults(result, console)
    for note in result.notes:
        console.print(Text(f"note: {note}", style="dim"))


def _bars(result: Outcome) -> Table:
    start, end = when(result, 0.0), when(result, result.horizon_s)
    cell = format_duration(result.horizon_s / BAR)
    table = Table(
        title=f"Timeline {start} .. {end} (one cell = {cell}; █ down, ▒ degraded, · up)",
        title_justify="left",
        show_header=False,
        box=None,
    )
    table.add_column("name", style="bold", no_wrap=True)
    table.add_column("bar", no_wrap=True)
    for name, svc in result.business.items():
        table.add_row(escape(name), bar(svc.timeline, result.horizon_s))
    changed = [t for t in result.components.values() if t.intervals]
    for timeline in sorted(changed, key=lambda t: (t.first_impact_s, t.name))[:TOP_COMPONENTS]:
        table.add_row(Text(timeline.name, style="dim"), bar(timeline, result.horizon_s))
    return table


def _causes(result: Outcome, console: Console) -> None:
    lines = []
    for name, svc in result.business.items():
        seen: set[str] = set()
        for interval in svc.timeline.intervals:
            if interval.because not in seen:
                seen.add(interval.because)
                lines.append(interval.because)
            if interval.ended_because and interval.ended_because not in seen:
                seen.add(interval.ended_because)
                lines.append(interval.ended_because)
        del name
    if lines:
        console.print(Text("Why", style="bold"))
        for line in lines:
            console.print(Text("  " + line))


def _events(result: Outcome, console: Console) -> None:
    if not result.happenings:
        return
    console.print(Text("Failovers and data", style="bold"))
    for event in result.happenings[:TOP_EVENTS]:
        console.print(Text(f"  {when(result, event.time):>14}  {event.text}"))
    if len(result.happenings) > TOP_EVENTS:
        console.print(f"  ... and {len(result.happenings) - TOP_EVENTS} more (see --format json)")


def _components(result: Outcome) -> Table:
    changed = [t for t in result.components.values() if t.intervals]
    table = Table(
        title=f"Components that changed state ({len(changed)} of {len(result.components)})",
        title_justify="left",
        expand=True,
    )
    for col in ("component", "first impact", "down", "degraded", "recovered"):
        table.add_column(col, justify="left" if col == "component" else "right", no_wrap=True)
    ordered = sorted(changed, key=lambda t: (-(t.down_s + t.degraded_s), t.name))
    for timeline in ordered[:TOP_COMPONENTS]:
        table.add_row(
            escape(timeline.name),
            when(result, timeline.first_impact_s),
            format_duration(timeline.down_s),
            format_duration(timeline.degraded_s),
            when(result, timeline.recovered_s) if timeline.recovered_s is not None else "-",
        )
    if len(ordered) > TOP_COMPONENTS:
        table.caption = f"and {len(ordered) - TOP_COMPONENTS} more (see --format json)"
    return table


def _faults(result: Outcome, console: Console) -> None:
    touched = [f for f in result.faults if f["in_model"]]
    console.print(
        Text(f"Faults ({len(touched)} of {len(result.faults)} reach this model)", style="bold")
    )
    for fault in touched:
        console.print(
            Text(
                f"  {fault['target']} {fault['effect'].upper()} "
                f"{when(result, fault['start_s'])} .. {when(result, fault['end_s'])}"
            )
        )
