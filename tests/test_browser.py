"""A real browser on the explorer: Debian Chromium driven by Playwright, against the real corpus.

Set GOVKG_SCREENSHOTS=docs/screenshots to refresh the README's screenshots.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
         "--no-first-run", "--disable-component-update", "--disable-sync"]
APP = Path(__file__).resolve().parents[1] / "app.py"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian Chromium not installed: apt-get install -y --no-install-recommends chromium fonts-noto-cjk")
    if not shutil.which("fc-list") or "Noto Sans CJK" not in subprocess.run(["fc-list"], capture_output=True, text=True).stdout:
        pytest.skip("fonts-noto-cjk not installed: Chinese labels cannot render")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture(scope="module", params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store_uri(request, corpus_store):
    """The explorer runs on the embedded store, then once more on the live Neo4j holding the same graph."""
    if request.param == "embedded":
        return str(corpus_store.path)
    from graph.factory import open_store
    from graph.migrate import migrate

    uri = request.getfixturevalue("neo4j_uri")
    neo = open_store(uri)
    neo.clear()
    migrate(corpus_store, neo)
    assert neo.stats() | {"store": ""} == corpus_store.stats() | {"store": ""}
    neo.close()
    return uri


@pytest.fixture(scope="module")
def server(store_uri):
    port = _free_port()
    env = {**os.environ, "GOVKG_STORE": store_uri}
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(APP), "--server.headless", "true", "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false", "--client.showErrorDetails", "false"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=1)
            break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("streamlit did not start within 60 s")
    yield url
    proc.terminate()
    proc.wait(timeout=20)


def _shots(tmp_path, store_uri: str) -> Path:
    """GOVKG_SCREENSHOTS (the README's pictures) for the embedded run; the Neo4j run's go to tmp_path."""
    folder = Path(os.environ.get("GOVKG_SCREENSHOTS") or tmp_path) if "://" not in store_uri else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_search_open_and_see_the_neighbourhood(browser, server, store_uri, tmp_path):
    shots = _shots(tmp_path, store_uri)
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(server)
    page.get_by_role("heading", name="概览 Overview").wait_for(timeout=60000)
    page.wait_for_timeout(1500)
    assert page.evaluate("() => document.fonts.check('16px \"Noto Sans CJK SC\"')")
    page.screenshot(path=str(shots / "overview.png"))

    page.get_by_text("搜索 Search", exact=True).click()
    box = page.get_by_label("名称、别名、拼音 Name, alias or pinyin")
    box.fill("迎晖社区")
    box.press("Enter")
    page.get_by_role("button", name="打开 Open").first.wait_for(timeout=30000)
    page.screenshot(path=str(shots / "search.png"))
    page.get_by_role("button", name="打开 Open").first.click()
    page.get_by_role("heading", name="迎晖社区").wait_for(timeout=30000)
    page.locator("mark", has_text="迎晖社区").first.wait_for(timeout=30000)  # the mention highlighted in its sentence
    assert page.get_by_text("Something went wrong").count() == 0
    page.screenshot(path=str(shots / "entity.png"), full_page=True)

    page.get_by_role("button", name="关系图 Show graph").click()
    page.get_by_role("heading", name="关系图 Neighbourhood graph").wait_for(timeout=30000)
    frame = None
    for _ in range(60):
        frame = next((f for f in page.frames if f != page.main_frame and f.url and "streamlit_cytoscape" in f.url), None)
        if frame and frame.evaluate("() => !!(document.getElementById('cy') && document.getElementById('cy')._cyreg)"):
            break
        page.wait_for_timeout(500)
    assert frame is not None, "the graph component did not load"
    names = frame.evaluate("() => document.getElementById('cy')._cyreg.cy.nodes().map(n => n.data('name'))")
    assert "迎晖社区" in names and "保和街道" in names and len(names) >= 3
    page.wait_for_timeout(2500)  # let the layout settle
    page.screenshot(path=str(shots / "graph.png"))

    page.get_by_text("共建 Co-building", exact=True).click()
    page.get_by_role("heading", name="共建 Co-building").wait_for(timeout=30000)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(shots / "cobuild.png"))
    page.get_by_text("重复举措 Duplicates", exact=True).click()
    page.get_by_role("heading", name="重复举措 Duplicate initiatives").wait_for(timeout=30000)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(shots / "duplicates.png"))
    page.close()
