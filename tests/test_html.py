"""The HTML report as a file: self-contained, small, deterministic, and inert with hostile input."""

from __future__ import annotations

import json
import sys
from html.parser import HTMLParser
from pathlib import Path

import aftershock
from test_cli import run
from test_reports import HOSTILE, VENDOR

ROOT = Path(__file__).parent.parent


class Page(HTMLParser):
    """Collects what a browser would load or run."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    return page


def hostile_page() -> str:
    graph = aftershock.compile_model(aftershock.load_model_text(HOSTILE, "hostile.yaml"))
    outcome = aftershock.simulate(graph, aftershock.Scenario((aftershock.Fault(VENDOR, 0, 3600),)))
    return aftershock.render_html(aftershock.build_report(graph, outcome))


def test_nothing_is_loaded_from_anywhere() -> None:
    graph = aftershock.compile_model(aftershock.load_model())
    incident = aftershock.load_incidents()["aws-2025-10-20"]
    html = aftershock.render_html(
        aftershock.build_report(graph, aftershock.replay(graph, incident))
    )
    page = parse(html)
    for tag, attrs in page.tags:
        assert "src" not in attrs and "srcset" not in attrs, (tag, attrs)
        assert tag != "link", attrs
    assert "default-src 'none'" in html  # the page itself forbids any load


def test_hostile_names_stay_text() -> None:
    page = parse(hostile_page())
    scripts = [(tag, attrs) for tag, attrs in page.tags if tag == "script"]
    assert len(scripts) == 2  # the graph's data and aftershock's own script, nothing else
    assert all(not name.startswith("on") for _, attrs in page.tags for name in attrs)
    assert not any(tag in ("img", "iframe", "object", "embed") for tag, _ in page.tags)
    data = json.loads(page.scripts[0])
    assert VENDOR in [node[0] for node in data["nodes"]]
    assert "</script" not in page.scripts[0] and "<" not in page.scripts[0]


def test_same_input_same_bytes(tmp_path: Path) -> None:
    first = run("report", "--replay", "aws-2025-10-20", "-o", str(tmp_path / "a.html"))
    second = run("report", "--replay", "aws-2025-10-20", "-o", str(tmp_path / "b.html"))
    assert first.returncode == 0 and second.returncode == 0, first.stderr
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()


def test_a_thousand_components_stay_small(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from generate import generate
    finally:
        sys.path.remove(str(ROOT / "bench"))
    model = aftershock.load_model_text(generate(1000, seed=1), "portfolio.yaml")
    graph = aftershock.compile_model(model)
    day = aftershock.Scenario((aftershock.Fault("aws/us-east-1", 0, 86400),))
    html = aftershock.render_html(aftershock.build_report(graph, aftershock.simulate(graph, day)))
    size = len(html.encode())
    assert size < 3_000_000, f"{size / 1e6:.1f} MB"
    data = json.loads(parse(html).scripts[0])
    assert len(data["nodes"]) > 1000


def test_report_formats_share_one_content(tmp_path: Path) -> None:
    out = run("report", "--fail", "aws/us-east-1@0+24h", "-f", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) == {"model", "check", "simulation", "graph"}
    assert data["simulation"]["business_services"]["chat"]["down_s"] == 86400.0
    assert data["check"]["business_services"]["chat"]["spofs"]
    markdown = run("report", "--fail", "aws/us-east-1@0+24h", "-f", "markdown").stdout
    assert markdown.startswith("# aftershock check: acme-ai")
    assert "# Simulation: aftershock simulate: acme-ai" in markdown


def test_report_refuses_two_stories_at_once() -> None:
    out = run("report", "--replay", "aws-2025-10-20", "--fail", "aws/us-east-1")
    assert out.returncode == 2
    assert "--replay cannot be combined with --fail or --scenario" in out.stderr


def test_report_does_not_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text("mine")
    out = run("report", "-o", str(target))
    assert out.returncode == 2 and "exists; not overwriting it" in out.stderr
    assert target.read_text() == "mine"
