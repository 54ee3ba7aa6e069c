"""The HTML report in a real headless Chromium: it loads cleanly, draws, reacts, and stays inert.

Needs Debian's chromium (``make test`` installs it where it runs as root with apt-get) and the
playwright package (a test extra); each test says why it skips when either is missing.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import aftershock

CHROMIUM = os.environ.get("AFTERSHOCK_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOSTILE = """
aftershock: 1
name: "<script>window.__xss = 1</script>"
business_services:
  shop: {entry: [web], cost_per_hour: 10}
components:
  web:
    kind: service
    deploy: {on: aws/us-east-1, zones: 1}
    depends_on: [pay, mail]
  pay:
    kind: external
    vendor: "<img src=x onerror=\\"window.__xss = 2\\">"
  mail:
    kind: external
    vendor: "\\"><svg onload=window.__xss=3></svg>"
"""
IMG_VENDOR = '<img src=x onerror="window.__xss = 2">'


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()):
        pytest.skip(
            f"no Chromium at {CHROMIUM}: run `make test` as root to install Debian's chromium"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is missing: pip install -e '.[test]'")
    with sync_playwright() as play:
        try:
            instance = play.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        except Exception as error:  # a browser that cannot start here is a skip, said plainly
            pytest.skip(f"Chromium at {CHROMIUM} did not start: {error}")
        yield instance
        instance.close()


class Opened:
    """A page with everything it logged, requested and popped up."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page = browser.new_page(viewport={"width": 1440, "height": 900})
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(path.as_uri())
        self.page.wait_for_selector("body[data-ready='1']", timeout=20000)


def write(tmp: Path, name: str, document: aftershock.ReportDocument) -> Path:
    path = tmp / name
    path.write_text(aftershock.render_html(document), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def replay_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, aftershock.ReportDocument]:
    graph = aftershock.compile_model(aftershock.load_model())
    outcome = aftershock.replay(graph, aftershock.load_incidents()["aws-2025-10-20"])
    document = aftershock.build_report(graph, outcome)
    return write(tmp_path_factory.mktemp("html"), "replay.html", document), document


def test_page_loads_offline_without_errors(browser: Any, replay_page: Any) -> None:
    path, _ = replay_page
    opened = Opened(browser, path)
    assert opened.errors == []
    assert opened.requests == [path.as_uri()]  # nothing but the file itself
    assert opened.page.title() == "aftershock report: acme-ai, aws-2025-10-20"
    opened.page.close()


def test_graph_and_timeline_render(browser: Any, replay_page: Any) -> None:
    path, document = replay_page
    opened = Opened(browser, path)
    page = opened.page
    assert page.locator("#graph .node").count() == len(document.view.nodes)
    assert page.locator("#graph .edge").count() == len(document.view.edges)
    assert page.locator("#graph .node[data-name='chat']").is_visible()
    intervals = sum(len(s.timeline.intervals) for s in document.simulation.business.values())
    assert page.locator("#timeline-chart .row-business .bar").count() == intervals
    assert page.locator(".card").count() == len(document.check.business_services)
    page.close()


def test_a_click_on_a_target_shows_its_blast_radius(browser: Any, replay_page: Any) -> None:
    path, _ = replay_page
    page = Opened(browser, path).page
    page.click("#fit")  # the whole graph in view: every node can take a real click
    page.locator("#graph .node[data-name='aws/us-east-1']").click()
    classes = page.locator("#graph .node[data-name='chat']").get_attribute("class") or ""
    assert "down" in classes.split() and "lit" in classes.split()
    untouched = page.locator("#graph .node[data-name='aws/us-west-2']").get_attribute("class") or ""
    assert "lit" not in untouched.split()
    items = page.locator("#impact-list li").all_inner_texts()
    chat = next(item for item in items if item.startswith("chat DOWN"))
    assert chat.endswith("aws/us-east-1") and "tokens" in chat  # the hidden STS path
    assert page.locator("#graph .edge.path").count() >= 4
    page.locator("#focus").check()
    assert page.locator("#graph .node:visible").count() < page.locator("#graph .node").count()
    page.close()


def test_search_and_business_focus(browser: Any, replay_page: Any) -> None:
    path, _ = replay_page
    page = Opened(browser, path).page
    page.fill("#search", "tokens")
    page.dispatch_event("#search", "change")
    assert "tokens fails" in page.locator("#impact .hint").inner_text()
    page.click("#fit")
    page.locator("#graph .node[data-name='model-training']").click()
    assert "model-training depends on" in page.locator("#impact .hint").inner_text()
    page.close()


def test_timeline_bar_explains_itself(browser: Any, replay_page: Any) -> None:
    path, document = replay_page
    page = Opened(browser, path).page
    page.locator("#timeline-chart .row-business .bar").first.click()
    first = next(iter(document.simulation.business.values())).timeline.intervals[0]
    assert page.locator("#why-text").inner_text() == first.because
    page.close()


def test_screenshot_is_produced(browser: Any, replay_page: Any, tmp_path: Path) -> None:
    path, _ = replay_page
    page = Opened(browser, path).page
    page.select_option("#target", label="aws/us-east-1")
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 50_000
    page.close()


def test_hostile_model_runs_nothing(browser: Any, tmp_path: Path) -> None:
    graph = aftershock.compile_model(aftershock.load_model_text(HOSTILE, "hostile.yaml"))
    outcome = aftershock.simulate(
        graph, aftershock.Scenario((aftershock.Fault(IMG_VENDOR, 0, 3600),))
    )
    path = write(tmp_path, "hostile.html", aftershock.build_report(graph, outcome))
    opened = Opened(browser, path)
    page = opened.page
    names = [
        page.locator("#graph .node").nth(i).text_content()
        for i in range(page.locator("#graph .node").count())
    ]
    assert any(IMG_VENDOR in (name or "") for name in names)
    page.click("#fit")
    page.locator(f"#graph .node[data-name={json.dumps(IMG_VENDOR)}]").click()
    page.locator("#timeline-chart .bar").first.click()
    page.fill("#search", '"><svg onload')
    page.dispatch_event("#search", "change")
    assert page.evaluate("() => window.__xss") is None
    assert page.locator("img, iframe, object, embed").count() == 0
    assert opened.dialogs == [] and opened.errors == []
    assert "<script>window.__xss = 1</script>" in page.locator("h1").inner_text()
    page.close()
