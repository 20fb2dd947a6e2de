"""The Streamlit explorer's page logic, through Streamlit's AppTest (components are opaque there)."""

import pytest
from streamlit.testing.v1 import AppTest

from govkg.explorer import graph_event, highlight, mentions_with_sentences, neighbourhood_elements

APP = str(__import__("pathlib").Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture()
def app(sample_store, monkeypatch):
    monkeypatch.setenv("GOVKG_STORE", str(sample_store.path))
    return AppTest.from_file(APP, default_timeout=120).run()


def goto(at, page):
    at.sidebar.radio[0].set_value(page).run()
    assert not at.exception, at.exception
    return at


def test_overview_counts_and_pairs(app):
    assert not app.exception
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["文章 Articles"] == "4" and int(metrics["社区 Community"]) >= 4
    frames = [df.value for df in app.dataframe]
    assert any("成都智汇科技有限公司" in set(f["organization"]) for f in frames if "organization" in f)


def test_search_by_pinyin_then_open_the_profile(app):
    goto(app, "搜索 Search")
    app.text_input(key="search_q").input("shuinianhe").run()
    open_key = next(b.key for b in app.button if b.key.startswith("open_"))
    app.button(key=open_key).click().run()
    assert app.session_state["page"] == "实体 Entity"
    assert app.subheader[0].value == "水碾河社区"
    text = " ".join(m.value for m in app.markdown)
    assert "<mark>水碾河社区</mark>" in text and "成华区" in text


def test_cobuild_filters_and_download(app):
    goto(app, "共建 Co-building")
    app.selectbox(key="cb_district").set_value("锦江区").run()
    frame = app.dataframe[0].value
    assert set(frame["district"]) == {"锦江区"} and "四川蜀味餐饮有限公司" in set(frame["organization"])
    assert app.get("download_button")


def test_duplicate_marks_are_saved_and_respected(tmp_path, sample_copy, monkeypatch):
    from graph.sqlite_store import SQLiteStore
    from ingest.pipeline import Pipeline

    s = SQLiteStore(tmp_path / "g.db")
    Pipeline(s).ingest([sample_copy])
    monkeypatch.setenv("GOVKG_STORE", str(s.path))
    at = goto(AppTest.from_file(APP, default_timeout=120).run(), "重复举措 Duplicates")
    assert any("邻里食堂" in set(df.value["initiative"]) for df in at.dataframe)
    diff = next(b.key for b in at.button if b.key.startswith("diff_"))
    at.button(key=diff).click().run()
    assert "different" in s.marks().values()
    assert not any("邻里食堂" in set(df.value["initiative"]) and len(df.value) == 2 for df in at.dataframe)


def test_errors_show_a_message_not_a_traceback(tmp_path, monkeypatch):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database" * 400)
    monkeypatch.setenv("GOVKG_STORE", str(junk))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception and "not a govkg SQLite store" in at.error[0].value


def test_ingest_page_extracts_then_commits(tmp_path, monkeypatch):
    from graph.sqlite_store import SQLiteStore

    s = SQLiteStore(tmp_path / "g.db")
    monkeypatch.setenv("GOVKG_STORE", str(s.path))
    at = goto(AppTest.from_file(APP, default_timeout=120).run(), "导入 Ingest")
    assert at.get("file_uploader")  # the uploader itself is exercised in the browser test


def test_highlight_escapes_article_text():
    html = highlight("<script>alert(1)</script>迎晖社区", 25, 29)
    assert "<script>" not in html and "&lt;script&gt;" in html and html.endswith("<mark>迎晖社区</mark>")


def test_graph_elements_and_mentions(sample_store):
    node = sample_store.nodes_by_alias(["水碾河社区"])[0]
    els = neighbourhood_elements(sample_store, node.id)
    names = {n["data"]["name"] for n in els["nodes"]}
    assert {"水碾河社区", "龙潭街道", "成都智汇科技有限公司"} <= names
    assert all(e["data"]["source"] in {n["data"]["id"] for n in els["nodes"]} for e in els["edges"])
    only = neighbourhood_elements(sample_store, node.id, predicates={"PART_OF"})
    assert {e["data"]["label"] for e in only["edges"]} == {"PART_OF"}
    mentions = mentions_with_sentences(sample_store, node.id)
    assert len({m.article_id for m in mentions}) == 2 and all("<mark>水碾河社区</mark>" in m.sentence_html for m in mentions)


def test_graph_component_events_are_decoded_as_the_component_sends_them():
    assert graph_event({"action": "expand", "data": {"node_ids": ["n_1"]}, "timestamp": 1}) == ("expand", ["n_1"])
    opened = {"action": "open", "data": {"element_id": "n_2", "element_group": "nodes", "element_data": {"id": "n_2"}}}
    assert graph_event(opened) == ("open", ["n_2"])
    assert graph_event({"action": "open", "data": {"element_id": "e_1", "element_group": "edges"}}) is None
    assert graph_event(None) is None and graph_event({"action": "remove", "data": {}}) is None


def test_graph_and_path_pages_render(app, sample_store):
    node = sample_store.nodes_by_alias(["水碾河社区"])[0]
    app.session_state["entity"] = node.id
    goto(app, "关系图 Graph")
    assert any("水碾河社区" in c.value and "nodes" in c.value for c in app.caption)
    goto(app, "路径 Path")
    app.text_input(key="path_from").input("成都智汇科技有限公司").run()
    app.text_input(key="path_to").input("成华区").run()
    assert not app.exception and "PART_OF" in " ".join(app.dataframe[0].value["steps"])
