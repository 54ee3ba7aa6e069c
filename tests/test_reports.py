"""Reports escape everything taken from the model, and render stably."""

from __future__ import annotations

import io

from rich.console import Console

import aftershock

HOSTILE = """
aftershock: 1
name: "[bold red]<script>alert(1)</script>"
business_services:
  "shop": {entry: [web], cost_per_hour: 10}
components:
  web:
    kind: service
    deploy: {on: aws/us-east-1, zones: 1}
    depends_on: [pay]
  pay:
    kind: external
    vendor: "[link=http://evil]<img src=x onerror=alert(1)>|`x`"
"""


def result() -> aftershock.CheckResult:
    model = aftershock.load_model_text(HOSTILE, "hostile.yaml")
    return aftershock.check(aftershock.compile_model(model))


def test_terminal_shows_markup_literally() -> None:
    buffer = io.StringIO()
    aftershock.render_check(result(), Console(file=buffer, width=200, color_system=None))
    text = buffer.getvalue()
    assert "[bold red]<script>alert(1)</script>" in text
    assert "[link=http://evil]" in text


def test_markdown_neutralises_html_and_table_syntax() -> None:
    text = aftershock.render_check_markdown(result())
    assert "<script>" not in text and "<img" not in text
    assert "&lt;img src=x onerror=alert\\(1\\)&gt;" in text
    for line in text.splitlines():
        if "onerror" in line and line.startswith("|"):
            assert "\\|" in line  # a vendor name cannot add table columns


def test_terminal_report_fits_a_narrow_console() -> None:
    buffer = io.StringIO()
    graph = aftershock.compile_model(aftershock.load_model())
    aftershock.render_check(aftershock.check(graph), Console(file=buffer, width=80))
    assert max(len(line) for line in buffer.getvalue().splitlines()) <= 80


def test_a_model_without_business_services_says_what_to_add() -> None:
    model = aftershock.load_model_text(
        "aftershock: 1\nname: bare\ncomponents:\n  thing: {kind: service}\n", "bare.yaml"
    )
    buffer = io.StringIO()
    aftershock.render_check(
        aftershock.check(aftershock.compile_model(model)), Console(file=buffer, width=100)
    )
    text = buffer.getvalue()
    assert "No business services" in text and "entry" in text
    assert "Findings: none" in text


VENDOR = "[link=http://evil]<img src=x onerror=alert(1)>|`x`"


def simulated() -> aftershock.Outcome:
    graph = aftershock.compile_model(aftershock.load_model_text(HOSTILE, "hostile.yaml"))
    return aftershock.simulate(graph, aftershock.Scenario((aftershock.Fault(VENDOR, 0, 3600),)))


def test_simulation_terminal_shows_markup_literally() -> None:
    buffer = io.StringIO()
    aftershock.render_simulation(simulated(), Console(file=buffer, width=300, color_system=None))
    text = buffer.getvalue()
    assert "[bold red]<script>alert(1)</script>" in text
    assert f"because {VENDOR} failed at +0:00" in text


def test_simulation_markdown_neutralises_html() -> None:
    text = aftershock.render_simulation_markdown(simulated())
    assert "<script>" not in text and "<img" not in text
    assert "&lt;img src=x onerror=alert\\(1\\)&gt;" in text
