"""Render check and explain results for a terminal with rich; every input string is escaped."""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from aftershock.analysis.results import (
    CheckResult,
    ExplainResult,
    fold_path,
    fold_planes,
    group_targets,
)
from aftershock.model.duration import format_duration
from aftershock.report.console import escaping

SEVERITY_STYLE = {
    "critical": "bold white on red",
    "high": "bold red",
    "medium": "yellow",
    "low": "cyan",
    "info": "dim",
}
STATE_STYLE = {"down": "bold red", "degraded": "yellow", "up": "green"}
TOP = 12


def money(value: float) -> str:
    """Return an amount with thousands separators and no decimals."""
    return f"{value:,.0f}"


def _dur(seconds: float | None) -> str:
    return format_duration(seconds) if seconds is not None else "-"


@escaping
def render_check(result: CheckResult, console: Console) -> None:
    """Print the check report to ``console``."""
    stats = result.stats
    console.print(
        Text.assemble(
            ("aftershock check: ", "bold"),
            (result.model, "bold cyan"),
            f"  ({stats['components']} components, {stats['business_services']} business "
            f"services, {stats['targets']} failure targets)",
        )
    )
    if not result.business_services:
        console.print(
            "No business services: add `business_services:` with the `entry` components your "
            "users touch, and the check will say what each one depends on and what takes it "
            "down."
        )
    else:
        console.print(_overview(result))
        for name in result.business_services:
            console.print(_service_panel(result, name))
        console.print(_concentration(result))
    if result.findings:
        console.print(_findings(result))
    else:
        console.print(Text("Findings: none", style="green"))
    if not result.business_services:
        return
    for answer in result.answers:
        table = Table(title=answer.question, title_justify="left", show_header=False, expand=True)
        table.add_column("service", style="bold", no_wrap=True)
        table.add_column("answer")
        for service, text in answer.answers.items():
            table.add_row(escape(service), escape(text))
        console.print(table)


def _overview(result: CheckResult) -> Table:
    east = {a.question: a for a in result.answers}
    loss = next((r for r in result.region_loss if r.region == "aws/us-east-1"), None)
    table = Table(title="Business services", title_justify="left", expand=True)
    for col in ("service", "cost/h", "RTO", "RPO", "tolerance", "SPOFs", "hidden SPOFs"):
        table.add_column(col, justify="right" if col != "service" else "left")
    table.add_column("if aws/us-east-1 is lost")
    del east
    for name, rep in result.business_services.items():
        if loss is None:
            fate = Text("not used", style="green")
        elif name in loss.down:
            fate = Text("DOWN", style=STATE_STYLE["down"])
        elif name in loss.degraded:
            fate = Text("DEGRADED", style=STATE_STYLE["degraded"])
        else:
            fate = Text("up", style=STATE_STYLE["up"])
        hidden = Text(str(len(rep.hidden_spofs)), style="bold red" if rep.hidden_spofs else "")
        table.add_row(
            escape(name),
            money(rep.cost_per_hour),
            _dur(rep.rto_s),
            _dur(rep.rpo_s),
            _dur(rep.impact_tolerance_s),
            str(len(rep.spofs)),
            hidden,
            fate,
        )
    return table


def _service_panel(result: CheckResult, name: str) -> Panel:
    rep = result.business_services[name]
    lines: list[RenderableType] = []
    groups = group_targets(rep.spofs, result.kinds)
    hidden = set(rep.hidden_spofs)
    lines.append(Text("Single points of failure", style="bold"))
    if not groups:
        lines.append(Text("  none: no single failure takes it down", style="green"))
    for group, names in groups.items():
        text = Text(f"  {group}: ")
        for i, target in enumerate(names):
            if i:
                text.append(", ")
            base = target.split(" [")[0]
            marked = base in hidden or any(h.startswith(base + "/") for h in hidden)
            text.append(target, style="bold red" if marked else "")
        lines.append(text)
    if hidden:
        lines.append(Text("  (red: hidden, reached only through what the catalog knows)"))
    if rep.degraded_by:
        lines.append(Text("Degraded by: ", style="bold") + Text(", ".join(rep.degraded_by)))
    pairs = fold_planes(rep.cut_sets, result.kinds)
    if pairs:
        shown = "; ".join("{" + ", ".join(s) + "}" for s in pairs[:TOP])
        more = f" and {len(pairs) - TOP} more" if len(pairs) > TOP else ""
        lines.append(
            Text(
                f"Cut sets of 2{f' to {result.order}' if result.order > 2 else ''} targets "
                f"({len(pairs)}): ",
                style="bold",
            )
            + Text(shown + more)
        )
    for dep in rep.hidden_spof_paths:
        lines.append(
            Text("Hidden SPOF: ", style="bold")
            + Text(dep.target, style="bold red")
            + Text(" takes it down: " + " -> ".join(reversed(fold_path(dep.path))))
        )
    rest = len(rep.hidden)
    if rest > 0:
        lines.append(
            Text(
                f"{rest} hidden dependencies (regions and services the catalog adds); "
                "see --format json",
                style="dim",
            )
        )
    title = Text.assemble((name, "bold cyan"), f"  cost/h {money(rep.cost_per_hour)}")
    return Panel(Group(*lines), title=title, title_align="left")


def _concentration(result: CheckResult) -> Table:
    table = Table(
        title=f"Concentration: what one failure takes down (top {TOP} by cost/h)",
        title_justify="left",
        expand=True,
    )
    table.add_column("target")
    table.add_column("kind")
    table.add_column("down")
    table.add_column("degraded")
    table.add_column("cost/h", justify="right")
    rows = [r for r in result.concentration if r.kind not in ("plane", "service")]
    for row in rows[:TOP]:
        table.add_row(
            escape(row.target),
            row.kind,
            escape(", ".join(row.down)),
            escape(", ".join(row.degraded)),
            money(row.cost_per_hour),
        )
    return table


def _findings(result: CheckResult) -> Table:
    table = Table(title=f"Findings ({len(result.findings)})", title_justify="left", expand=True)
    table.add_column("severity", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("finding and fix")
    table.add_column("cost/h", justify="right")
    for f in result.findings:
        body = Text(f.message)
        if f.fix:
            body.append("\nfix: " + f.fix, style="dim")
        table.add_row(
            Text(f.severity, style=SEVERITY_STYLE[f.severity]), f.kind, body, money(f.cost_at_risk)
        )
    return table


@escaping
def render_explain(result: ExplainResult, console: Console) -> None:
    """Print what failing one target does, service by service, with causal chains."""
    console.print(
        Text.assemble(("aftershock explain: ", "bold"), (result.target, "bold cyan"), " fails")
    )
    if not result.in_model:
        console.print(f"{escape(result.model)} does not depend on {escape(result.target)}.")
        return
    for svc in result.services:
        line = Text.assemble(
            (f"{svc.service}: ", "bold"), (svc.state.upper(), STATE_STYLE[svc.state])
        )
        if svc.state != "up":
            line.append("  because " + " <- ".join(svc.chain[1:]) if svc.chain else "")
        elif svc.reached:
            line.append("  (depends on it via " + " -> ".join(svc.chain) + ", but tolerates it)")
        else:
            line.append("  (does not depend on it)")
        console.print(line)
    if result.components:
        affected = ", ".join(f"{c} {s}" for c, s in sorted(result.components.items()))
        console.print(Text("Components affected: ", style="bold") + Text(affected))
