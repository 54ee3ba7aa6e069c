"""Render check and explain results as Markdown (PR comments, wikis); input text is escaped."""

from __future__ import annotations

import html
import re

from aftershock.analysis.results import (
    CheckResult,
    ExplainResult,
    fold_path,
    fold_planes,
    group_targets,
    listing,
)
from aftershock.escaping import escape_controls
from aftershock.model.duration import format_duration

_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()#+!|~>"})


def md(text: object) -> str:
    """Return ``text`` safe inside Markdown: HTML escaped, Markdown syntax neutralised."""
    return html.escape(str(text), quote=False).translate(_SPECIAL).replace("\n", " ")


_PLAIN = re.compile(r"^[A-Za-z0-9_./:@+, \[\]-]*$")


def code(text: object, *, table: bool = False) -> str:
    """Return a name as a code span; anything but a plain name (a vendor called
    ``<img onerror=...>``) as escaped text instead, which no renderer can misread."""
    del table  # plain names hold no pipe, the one character a GFM table cell needs escaped
    value = str(text)
    return f"`{value}`" if _PLAIN.match(value) else md(value)


def _dur(seconds: float | None) -> str:
    return format_duration(seconds) if seconds is not None else "-"


def render_check_markdown(result: CheckResult) -> str:
    """Return the check report as a Markdown document."""
    out = [f"# aftershock check: {md(result.model)}", ""]
    s = result.stats
    out.append(
        f"{s['components']} components, {s['business_services']} business services, "
        f"{s['targets']} failure targets.\n"
    )
    loss = next((r for r in result.region_loss if r.region == "aws/us-east-1"), None)
    out += [
        "| service | cost/h | RTO | RPO | tolerance | SPOFs | hidden SPOFs | aws/us-east-1 lost |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, rep in result.business_services.items():
        fate = (
            "not used"
            if loss is None
            else (
                "**DOWN**" if name in loss.down else "degraded" if name in loss.degraded else "up"
            )
        )
        out.append(
            f"| {md(name)} | {rep.cost_per_hour:,.0f} | {_dur(rep.rto_s)} | {_dur(rep.rpo_s)} | "
            f"{_dur(rep.impact_tolerance_s)} | {len(rep.spofs)} | {len(rep.hidden_spofs)} "
            f"| {fate} |"
        )
    for name, rep in result.business_services.items():
        out += ["", f"## {md(name)}", "", "**Single points of failure**", ""]
        groups = group_targets(rep.spofs, result.kinds)
        if not groups:
            out.append("- none")
        for group, names in groups.items():
            out.append(f"- {group}: " + ", ".join(code(n) for n in names))
        if rep.hidden_spofs:
            out.append(
                "\n**Hidden single points of failure**: "
                + ", ".join(code(t) for t in rep.hidden_spofs)
            )
        if rep.degraded_by:
            out.append("\n**Degraded by**: " + ", ".join(code(t) for t in rep.degraded_by))
        pairs = fold_planes(rep.cut_sets, result.kinds)
        if pairs:
            out.append(
                f"\n**Cut sets of 2{f' to {result.order}' if result.order > 2 else ''} targets** "
                f"({len(pairs)}; planes folded "
                "into their service, every set in the JSON output):\n"
            )
            out += ["- " + ", ".join(code(t) for t in c) for c in pairs]
        if rep.hidden:
            out.append("\n**Hidden dependencies**:\n")
            out += [
                f"- {code(h.target)} via " + " → ".join(md(p) for p in fold_path(h.path))
                for h in rep.hidden
            ]
    out += [
        "",
        "## Concentration",
        "",
        "| target | kind | down | degraded | cost/h |",
        "|---|---|---|---|---:|",
    ]
    for row in result.concentration:
        out.append(
            f"| {code(row.target, table=True)} | {row.kind} | {md(listing(row.down))} | "
            f"{md(listing(row.degraded))} | {row.cost_per_hour:,.0f} |"
        )
    out += [
        "",
        "## Findings",
        "",
        "| severity | kind | finding | fix | cost/h |",
        "|---|---|---|---|---:|",
    ]
    for f in result.findings:
        out.append(
            f"| {f.severity} | {f.kind} | {md(f.message)} | {md(f.fix or '')} | "
            f"{f.cost_at_risk:,.0f} |"
        )
    if result.cycles:
        out += ["", "## Dependency cycles", ""]
        out += ["- " + " → ".join(md(c) for c in [*cycle, cycle[0]]) for cycle in result.cycles]
    for answer in result.answers:
        out += ["", f"## {md(answer.question)}", ""]
        out += [f"- **{md(s)}**: {md(text)}" for s, text in answer.answers.items()]
    return escape_controls("\n".join(out) + "\n")


def render_explain_markdown(result: ExplainResult) -> str:
    """Return the explanation as Markdown."""
    out = [f"# {md(result.target)} fails", ""]
    if not result.in_model:
        return escape_controls(
            "\n".join([*out, f"{md(result.model)} does not depend on it."]) + "\n"
        )
    for svc in result.services:
        detail = ""
        if svc.state != "up":
            detail = " because " + " ← ".join(md(p) for p in svc.chain[1:])
        elif svc.reached:
            detail = " (tolerates it; path " + " → ".join(md(p) for p in svc.chain) + ")"
        out.append(f"- **{md(svc.service)}**: {svc.state.upper()}{detail}")
    return escape_controls("\n".join(out) + "\n")
