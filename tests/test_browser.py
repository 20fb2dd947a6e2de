"""A real browser on the explorer: Debian Chromium driven by Playwright, against the real corpus.

Streamlit tables draw on a canvas, and so does the graph (Cytoscape): the tests assert on DOM text and on
the graph's own data, and click graph elements at the positions Cytoscape reports.
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
from urllib.parse import parse_qs, urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
         "--no-first-run", "--disable-component-update", "--disable-sync"]
APP = Path(__file__).resolve().parents[1] / "app.py"
SAMPLE = Path(__file__).resolve().parents[1] / "govkg" / "sample_corpus"


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


def _serve(store_uri: str):
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
    return proc, url


@pytest.fixture(scope="module")
def server(store_uri):
    proc, url = _serve(store_uri)
    yield url
    proc.terminate()
    proc.wait(timeout=20)


def _shots(tmp_path, store_uri: str) -> Path:
    """GOVKG_SCREENSHOTS (the README's pictures) for the embedded run; the Neo4j run's go to tmp_path."""
    folder = Path(os.environ.get("GOVKG_SCREENSHOTS") or tmp_path) if "://" not in store_uri else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _params(page) -> dict[str, str]:
    return _params_of(page.url)


def _params_of(url: str) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlsplit(url).query).items()}


def _settle(page) -> None:
    """Wait until the app's script has run to the end (a person reads the page before pressing back again)."""
    page.wait_for_timeout(300)
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(timeout=60000)


def _wait_exact(page, expected: dict) -> None:
    """Wait until the address bar holds exactly these parameters (after back/forward) and the view is drawn."""
    for _ in range(100):
        if _params(page) == expected:
            _settle(page)
            assert _params(page) == expected, page.url
            return
        page.wait_for_timeout(200)
    raise AssertionError(f"URL {page.url} is not {expected}")


def _wait_url(tab, **expected) -> dict[str, str]:
    """Wait until the address bar holds these parameters (the app writes them after its rerun)."""
    for _ in range(100):
        params = _params(tab)
        if all(params.get(k) == v for k, v in expected.items()):
            return params
        tab.wait_for_timeout(200)
    raise AssertionError(f"URL {tab.url} never had {expected}")


def _graph(page, replacing=None):
    """The Cytoscape frame once its graph is drawn and its layout has settled (after a change, a new frame:
    the graph is mounted afresh whenever what it draws changes)."""
    frame = None
    for _ in range(80):
        frame = next((f for f in page.frames if f != page.main_frame and f != replacing and not f.is_detached()
                      and f.url and "streamlit_cytoscape" in f.url), None)
        try:
            if frame and frame.evaluate("() => !!(document.getElementById('cy') && document.getElementById('cy')._cyreg"
                                        " && document.getElementById('cy')._cyreg.cy.nodes().length)"):
                break
        except Exception:  # the frame was replaced while we looked (the graph remounts after a change)
            pass
        page.wait_for_timeout(250)
    else:
        raise AssertionError("the graph component did not load")
    page.wait_for_timeout(1500)  # the animated layout (700 ms) and its fit
    return frame


def _cy(frame, expression: str):
    return frame.evaluate("() => { const cy = document.getElementById('cy')._cyreg.cy; " + expression + " }")


def _click_graph(page, frame, position_js: str, double: bool = False) -> None:
    """Click where Cytoscape draws an element (its rendered position inside the frame)."""
    pos = _cy(frame, "const r = document.getElementById('cy').getBoundingClientRect(); const p = " + position_js +
              "; return {x: r.x + p.x, y: r.y + p.y};")
    box = frame.frame_element().bounding_box()
    (page.mouse.dblclick if double else page.mouse.click)(box["x"] + pos["x"], box["y"] + pos["y"])


def _click_edge(page, frame, edge_js: str) -> None:
    """Click a relation at a point of it that no other node or relation comes near (one click: each
    relation clicked is a new view in the history)."""
    point = _cy(frame, f"""const e = {edge_js}; const a = e.source().renderedPosition(), b = e.target().renderedPosition();
        const near = (p, q, r) => {{ const dx = r.x - q.x, dy = r.y - q.y, l = dx * dx + dy * dy || 1;
            const t = Math.max(0, Math.min(1, ((p.x - q.x) * dx + (p.y - q.y) * dy) / l));
            return Math.hypot(p.x - q.x - t * dx, p.y - q.y - t * dy); }};
        for (const s of [0.5, 0.4, 0.6, 0.3, 0.7, 0.25, 0.75]) {{
            const p = {{x: a.x + s * (b.x - a.x), y: a.y + s * (b.y - a.y)}};
            const clear = cy.nodes().every(n => Math.hypot(p.x - n.renderedPosition().x, p.y - n.renderedPosition().y) > 25)
                && cy.edges().every(o => o === e || near(p, o.source().renderedPosition(), o.target().renderedPosition()) > 8);
            if (clear) return p;
        }}
        return null;""")
    assert point, "no clear point on the relation to click"
    _click_graph(page, frame, f"({{x: {point['x']}, y: {point['y']}}})")
    frame.wait_for_function(f"() => {{ const cy = document.getElementById('cy')._cyreg.cy; return ({edge_js}).selected(); }}", timeout=10000)


NODE = "cy.nodes().filter(n => n.data('name') === '{}')[0]"
EDGE = "cy.edges().filter(e => e.data('label') === '{}' && cy.getElementById(e.data('source')).data('name') === '{}' && cy.getElementById(e.data('target')).data('name') === '{}')[0]"  # noqa: E501 - one literal


def test_search_profile_graph_open_back_evidence_and_bookmark(browser, server, store_uri, tmp_path):
    shots = _shots(tmp_path, store_uri)
    page = browser.new_page(viewport={"width": 1400, "height": 1050})
    page.goto(server)
    page.get_by_role("heading", name="概览 Overview").wait_for(timeout=60000)
    page.get_by_role("link", name="府城社区").first.wait_for(timeout=30000)  # pairs are links, best supported first
    page.wait_for_timeout(1000)
    assert page.evaluate("() => document.fonts.check('16px \"Noto Sans CJK SC\"')")
    page.screenshot(path=str(shots / "overview.png"))

    # search → profile: the sidebar, the search box and the result are all in the URL
    page.get_by_text("搜索 Search", exact=True).click()
    _wait_url(page, page="search")
    box = page.get_by_label("名称、别名、拼音 Name, alias or pinyin")
    box.fill("迎晖社区")
    box.press("Enter")
    _wait_url(page, page="search", q="迎晖社区")
    result = page.get_by_role("link", name="迎晖社区", exact=True)
    result.wait_for(timeout=30000)
    page.screenshot(path=str(shots / "search.png"))
    result.click()
    page.get_by_role("heading", name="迎晖社区").wait_for(timeout=30000)
    _wait_url(page, page="entity", entity="迎晖社区")
    page.locator("mark", has_text="迎晖社区").first.wait_for(timeout=30000)  # the mention highlighted in its sentence
    assert page.get_by_role("link", name="保和街道", exact=True).count() >= 1  # relations are links
    assert page.get_by_text("Something went wrong").count() == 0
    page.screenshot(path=str(shots / "entity.png"))

    # profile → graph
    page.get_by_role("link", name="关系图 Show graph").click()
    page.get_by_role("heading", name="关系图 Neighbourhood graph").wait_for(timeout=30000)
    _wait_url(page, page="graph", entity="迎晖社区")
    frame = _graph(page)
    names = _cy(frame, "return cy.nodes().map(n => n.data('name'));")
    assert "迎晖社区" in names and "保和街道" in names and len(names) >= 3
    # every node in view with its label (the layout fits the graph; nothing is drawn off-canvas)
    bb, size = _cy(frame, "return [cy.elements().renderedBoundingBox(), [cy.width(), cy.height()]];")
    assert bb["x1"] >= 0 and bb["y1"] >= 0 and bb["x2"] <= size[0] + 1 and bb["y2"] <= size[1] + 1
    page.screenshot(path=str(shots / "graph.png"))

    # hops 2 in the URL; the graph is redrawn and fits again
    page.locator("[data-testid='stNumberInputStepUp']").first.click()
    _wait_url(page, page="graph", entity="迎晖社区", hops="2")
    frame = _graph(page, replacing=frame)
    names2 = sorted(_cy(frame, "return cy.nodes().map(n => n.data('name'));"))
    assert len(names2) > len(names)
    bb, size = _cy(frame, "return [cy.elements().renderedBoundingBox(), [cy.width(), cy.height()]];")
    assert bb["x1"] >= 0 and bb["y1"] >= 0 and bb["x2"] <= size[0] + 1 and bb["y2"] <= size[1] + 1

    # an edge's evidence: the sentence, its article and offsets, a link to the article with it highlighted
    _click_edge(page, frame, EDGE.format("PART_OF", "迎晖社区", "保和街道"))
    page.get_by_role("heading", name="证据 Evidence").wait_for(timeout=30000)
    params = _wait_url(page, page="graph", entity="迎晖社区", hops="2")
    assert params.get("edge", "").startswith("e_")
    cited = page.locator("a", has_text="字符").first
    cited.wait_for(timeout=30000)
    assert "《" in cited.inner_text() and page.locator(".evidence b", has_text="保和街道").count() >= 1
    page.get_by_role("heading", name="证据 Evidence").scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    page.screenshot(path=str(shots / "evidence.png"))
    bookmark = page.url

    # select a node and press 打开: its profile opens
    page.evaluate("() => window.scrollTo(0, 0)")
    page.locator("iframe[title*='streamlit_cytoscape']").first.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    _cy(frame, "cy.$(':selected').unselect(); return 0;")  # the edge's info panel closes (it may cover the node)
    page.wait_for_timeout(500)
    _click_graph(page, frame, NODE.format("保和街道") + ".renderedPosition()")
    frame.wait_for_function("() => document.getElementById('cy')._cyreg.cy.$(':selected').map(n => n.data('name')).join() === '保和街道'",
                            timeout=10000)
    frame.get_by_role("button", name="打开 Open").click()
    page.get_by_role("heading", name="保和街道").wait_for(timeout=30000)
    _wait_url(page, page="entity", entity="保和街道")
    assert page.get_by_text("Something went wrong").count() == 0
    assert page.get_by_text("StreamlitWidgetAlreadyInstantiatedError").count() == 0

    # back: the graph as it was (hops 2, the evidence); back again: the first graph, then the profile
    page.go_back()
    _wait_exact(page, _params_of(bookmark))
    page.get_by_role("heading", name="证据 Evidence").wait_for(timeout=30000)
    page.go_back()
    _wait_exact(page, {"page": "graph", "entity": "迎晖社区", "hops": "2"})
    page.go_back()
    _wait_exact(page, {"page": "graph", "entity": "迎晖社区"})
    page.go_back()
    _wait_exact(page, {"page": "entity", "entity": "迎晖社区"})
    page.get_by_role("heading", name="迎晖社区").wait_for(timeout=30000)
    page.go_forward()
    _wait_exact(page, {"page": "graph", "entity": "迎晖社区"})
    page.get_by_role("heading", name="关系图 Neighbourhood graph").wait_for(timeout=30000)

    # the cited sentence opens its article, highlighted
    page.goto(bookmark)
    page.locator("a", has_text="字符").first.click()
    page.get_by_role("heading", name="文章 Articles").wait_for(timeout=30000)
    target = _wait_url(page, page="article")
    assert {"article", "start", "end"} <= set(target)
    page.locator(".article mark").first.wait_for(timeout=30000)
    _settle(page)
    page.wait_for_timeout(800)
    page.screenshot(path=str(shots / "article.png"))

    # a bookmarked URL, in a new browser session, reopens the same view
    other = browser.new_page(viewport={"width": 1400, "height": 900})
    other.goto(bookmark)
    other.get_by_role("heading", name="证据 Evidence").wait_for(timeout=60000)
    _settle(other)
    other.wait_for_function("() => document.querySelector('input[aria-label=\"跳数 Hops\"]')?.value === '2'", timeout=30000)
    assert sorted(_cy(_graph(other), "return cy.nodes().map(n => n.data('name'));")) == names2
    assert other.locator(".evidence b", has_text="保和街道").count() >= 1
    other.close()

    page.get_by_text("共建 Co-building", exact=True).click()
    page.get_by_role("heading", name="共建 Co-building").wait_for(timeout=30000)
    page.goto(server + "/?page=cobuild&org=any")  # every kind of organization, for the picture
    page.get_by_role("heading", name="共建 Co-building").wait_for(timeout=30000)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(shots / "cobuild.png"))
    page.get_by_text("重复举措 Duplicates", exact=True).click()
    page.get_by_role("heading", name="重复举措 Duplicate initiatives").wait_for(timeout=30000)
    page.get_by_text("同一举措，多篇文章报道").first.wait_for(timeout=30000)  # statuses in plain words
    assert page.get_by_text("reported_twice").count() == 0 and page.get_by_text("similar_separate").count() == 0
    page.wait_for_timeout(1000)
    page.screenshot(path=str(shots / "duplicates.png"))
    page.get_by_role("tab", name="按内容相似 Similar by what they do").click()  # clusters by what they do, each with why
    page.get_by_text("为什么 Why").first.wait_for(timeout=30000)
    assert page.get_by_role("button", name="同类 Same kind").count() >= 1 and page.get_by_text("shared terms").count() >= 1
    page.wait_for_timeout(800)
    page.screenshot(path=str(shots / "similar.png"))
    page.close()


def test_upload_extract_commit(browser, tmp_path):
    """The ingest page in a real browser, on its own empty store: no stray output after Commit."""
    proc, url = _serve(str(tmp_path / "upload.db"))
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(url + "/?page=ingest")
        page.get_by_role("heading", name="导入 Ingest").wait_for(timeout=60000)
        page.locator("input[type=file]").set_input_files(str(SAMPLE / "01_jinjiang_xiangyang.txt"))
        page.get_by_role("button", name="抽取 Extract").click()
        page.get_by_role("button", name="写入 Commit to store").click()
        page.get_by_text("ingested 1 new article").wait_for(timeout=60000)
        body = page.locator("[data-testid='stMain']").inner_text()
        assert "None" not in body.split() and "Something went wrong" not in body
        page.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
