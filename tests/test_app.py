"""The Streamlit explorer's page logic, through Streamlit's AppTest (components are opaque there).

Views live in the URL, so a test opens one by setting `at.query_params` and follows a link by copying the
query string of an `st.page_link` into them (AppTest cannot click links).
"""

from urllib.parse import parse_qsl

import pytest
from streamlit.testing.v1 import AppTest

from govkg.explorer import (
    STATUS_WORDS,
    edge_evidence,
    graph_event,
    graph_key,
    highlight,
    mentions_with_sentences,
    neighbourhood_elements,
    page_of,
    path_steps,
    ranked_pairs,
    view_params,
)

APP = str(__import__("pathlib").Path(__file__).resolve().parents[1] / "app.py")


def open_view(**params) -> AppTest:
    """The app on the view these URL parameters name, checked for exceptions and error messages."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update(params)
    return ok(at.run())


def ok(at: AppTest) -> AppTest:
    assert not at.exception, at.exception
    assert not [e.value for e in at.error], [e.value for e in at.error]
    return at


@pytest.fixture()
def app(sample_store, monkeypatch):
    monkeypatch.setenv("GOVKG_STORE", str(sample_store.path))
    return ok(AppTest.from_file(APP, default_timeout=120).run())


@pytest.fixture()
def own_store(tmp_path, sample_copy, monkeypatch):
    """A store of the sample corpus that a test may change (marks)."""
    from graph.sqlite_store import SQLiteStore
    from ingest.pipeline import Pipeline

    s = SQLiteStore(tmp_path / "g.db")
    Pipeline(s).ingest([sample_copy])
    monkeypatch.setenv("GOVKG_STORE", str(s.path))
    yield s
    s.close()


def goto(at, page):
    at.sidebar.radio[0].set_value(page).run()
    return ok(at)


def links(at) -> dict[str, dict]:
    """Every link on the page: label → the URL parameters it opens."""
    return {link.value: dict(parse_qsl(link.proto.query_string)) for link in at.page_link}


def follow(at, label: str) -> AppTest:
    """Click a link, as the browser does: its query string becomes the URL and the script reruns."""
    target = links(at)[label]
    at.query_params.clear()
    at.query_params.update(target)
    return ok(at.run())


def texts(at) -> str:
    return " ".join(x.value for kind in ("markdown", "caption", "subheader", "header", "text", "success", "info", "warning")
                    for x in getattr(at, kind))


def test_overview_counts_and_pairs_ranked_by_evidence_then_confidence(app):
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["文章 Articles"] == "4" and int(metrics["社区 Community"]) >= 4
    shown = [link.value for link in app.page_link]
    # 成都智汇科技有限公司 ↔ 水碾河社区 has a partnership and a shared initiative (4 evidence sentences): first,
    # although it is not first alphabetically; then the 0.917 pairs, then the 0.681 one
    assert shown[:2] == ["成都智汇科技有限公司", "水碾河社区"]
    assert shown.index("成都益邻社会工作服务中心") > shown.index("四川蜀味餐饮有限公司")
    assert links(app)["水碾河社区"] == {"page": "entity", "entity": "水碾河社区"}


def test_ranked_pairs_counts_sentences_then_confidence():
    rows = [
        {"organization": "A公司", "community": "甲社区", "partnership_kind": "共建", "initiative": "", "confidence": 0.95, "evidence": "s1"},
        {"organization": "B公司", "community": "乙社区", "partnership_kind": "签约", "initiative": "", "confidence": 0.6, "evidence": "s2 | s3"},
        {"organization": "B公司", "community": "乙社区", "partnership_kind": "", "initiative": "食堂", "confidence": 0.5, "evidence": "s3"},
        {"organization": "C公司", "community": "丙社区", "partnership_kind": "共建", "initiative": "", "confidence": 0.99, "evidence": "s4"},
    ]
    ranked = ranked_pairs(rows)
    assert [(p["organization"], p["evidence"], p["links"]) for p in ranked] == [("B公司", 2, 2), ("C公司", 1, 1), ("A公司", 1, 1)]
    assert ranked[0]["ways"] == "签约、食堂" and ranked[0]["confidence"] == 0.6
    assert len(ranked_pairs(rows, limit=1)) == 1


def test_search_by_pinyin_then_the_name_opens_the_profile(app):
    goto(app, "搜索 Search")
    app.text_input(key="search_q").input("shuinianhe").run()
    assert app.query_params == {"page": "search", "q": "shuinianhe"}  # the search is in the URL
    assert links(app)["水碾河社区"] == {"page": "entity", "entity": "水碾河社区"}
    follow(app, "水碾河社区")
    assert app.session_state["nav"] == "实体 Entity" and app.subheader[0].value == "水碾河社区"
    text = texts(app)
    assert "<mark>水碾河社区</mark>" in text and "成华区" in text
    # every relation names a linked entity; the street and district too
    assert {"成都智汇科技有限公司", "龙潭街道", "街道 Street: 龙潭街道", "区县 District: 成华区"} <= set(links(app))


def test_the_url_round_trips_every_view(sample_store, monkeypatch):
    monkeypatch.setenv("GOVKG_STORE", str(sample_store.path))
    at = open_view(page="graph", entity="水碾河社区", hops="2", rel="PART_OF,RUNS", conf="0.5")
    assert at.session_state["nav"] == "关系图 Graph"
    assert at.number_input(key="graph_hops").value == 2 and at.slider(key="graph_conf").value == 0.5
    assert at.multiselect(key="graph_preds").value == ["PART_OF", "RUNS"]
    assert any("水碾河社区" in c.value and "nodes" in c.value for c in at.caption)
    assert at.query_params == {"page": "graph", "entity": "水碾河社区", "hops": "2", "rel": "PART_OF,RUNS", "conf": "0.5"}
    at.number_input(key="graph_hops").increment().run()  # a widget writes its value back, the rest is kept
    assert ok(at).query_params == {"page": "graph", "entity": "水碾河社区", "hops": "3", "rel": "PART_OF,RUNS", "conf": "0.5"}
    at.multiselect(key="graph_preds").set_value([]).run()  # back to the default: the parameter leaves the URL
    assert ok(at).query_params == {"page": "graph", "entity": "水碾河社区", "hops": "3", "conf": "0.5"}
    goto(at, "实体 Entity")  # the sidebar keeps the entity
    assert at.query_params == {"page": "entity", "entity": "水碾河社区"} and at.subheader[0].value == "水碾河社区"
    goto(at, "关系图 Graph")  # and the graph comes back as it was left
    assert at.query_params == {"page": "graph", "entity": "水碾河社区", "hops": "3", "conf": "0.5"}

    at = open_view(page="path", **{"from": "成都智汇科技有限公司", "to": "成华区"})
    assert at.text_input(key="path_from").value == "成都智汇科技有限公司"
    assert {"成都智汇科技有限公司", "水碾河社区", "成华区"} <= set(links(at))  # each name on the path is a link
    at = open_view(page="cobuild", district="锦江区", org="any")
    assert at.selectbox(key="cb_district").value == "锦江区" and at.selectbox(key="cb_org").value == "any"
    at = open_view(page="search", q="yhsq", type="Community")
    assert at.selectbox(key="search_type").value == "Community" and "向阳社区" not in links(at)

    # whatever the URL says, a message or a default, never an error
    at = open_view(page="nope")
    assert at.session_state["nav"] == "概览 Overview"
    at = open_view(page="graph", entity="水碾河社区", hops="abc", conf="7", show="-3")
    assert at.number_input(key="graph_hops").value == 1 and at.slider(key="graph_conf").value == 1.0
    at = open_view(page="entity", entity="没有这个社区")
    assert "没有这个实体" in at.warning[0].value
    at = open_view(page="article", article="nope", start="x")
    assert "没有这篇文章" in at.warning[0].value


def test_view_params_keep_only_what_a_page_reads():
    assert view_params("graph", {"entity": "迎晖社区", "hops": 2, "q": "x", "edge": None}) == {"page": "graph", "entity": "迎晖社区", "hops": "2"}
    assert view_params("search", {"q": "迎晖", "entity": "x"}) == {"page": "search", "q": "迎晖"}
    assert page_of({}) == "overview" and page_of({"page": "graph"}) == "graph" and page_of({"page": "<script>"}) == "overview"


def test_a_relation_shows_its_evidence_with_a_link_to_the_highlighted_sentence(app, sample_store):
    at = open_view(page="entity", entity="水碾河社区")
    key = next(b.key for b in at.button if b.key.startswith("ev_"))
    at.button(key=key).click().run()
    assert ok(at).query_params["edge"] == key[3:]
    label, target = next((label, q) for label, q in links(at).items() if q.get("page") == "article")
    assert "字符" in label and {"article", "start", "end"} <= set(target)
    follow(at, label)
    sentence = sample_store.get_article(target["article"]).text[int(target["start"]):int(target["end"])]
    assert at.session_state["nav"] == "文章 Articles" and any(f"<mark>{sentence}</mark>" in m.value for m in at.markdown)


def test_cobuild_filters_links_and_download(app):
    goto(app, "共建 Co-building")
    app.selectbox(key="cb_district").set_value("锦江区").run()
    assert ok(app).query_params == {"page": "cobuild", "district": "锦江区"}
    frame = app.dataframe[0].value
    assert set(frame["district"]) == {"?page=entity&entity=%E9%94%A6%E6%B1%9F%E5%8C%BA"}  # names are links to profiles
    assert "?page=entity&entity=%E5%9B%9B%E5%B7%9D%E8%9C%80%E5%91%B3%E9%A4%90%E9%A5%AE%E6%9C%89%E9%99%90%E5%85%AC%E5%8F%B8" in set(frame["organization"])
    assert app.get("download_button")


def test_duplicate_statuses_in_plain_words_and_marks_undone(own_store):
    at = open_view(page="duplicates")
    text = texts(at)
    assert STATUS_WORDS["similar_separate"][0] in text and STATUS_WORDS["reported_twice"][0] in text
    assert not any(jargon in text for jargon in ("similar_separate", "reported_twice", "marked_same"))
    assert "邻里食堂" in links(at) and {"向阳社区", "同乐社区"} <= set(links(at))  # initiatives and runners are links

    at.button(key=next(b.key for b in at.button if b.key.startswith("diff_"))).click().run()
    assert "different" in own_store.marks().values()
    assert not any(b.key.startswith("diff_") for b in ok(at).button)  # the cluster is no longer proposed…
    assert STATUS_WORDS["marked_different"][0] in texts(at) and "邻里食堂" in links(at)  # …but listed as marked different
    at.button(key=next(b.key for b in at.button if b.key.startswith("undo_diff_"))).click().run()
    assert own_store.marks() == {} and any(b.key.startswith("diff_") for b in ok(at).button)  # recovered

    at.button(key=next(b.key for b in at.button if b.key.startswith("same_"))).click().run()
    assert list(own_store.marks().values()) == ["same"] and STATUS_WORDS["marked_same"][0] in texts(ok(at))
    at.button(key=next(b.key for b in at.button if b.key.startswith("undo_same_"))).click().run()
    assert own_store.marks() == {} and STATUS_WORDS["similar_separate"][0] in texts(ok(at))


def test_errors_show_a_message_not_a_traceback(tmp_path, monkeypatch):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database" * 400)
    monkeypatch.setenv("GOVKG_STORE", str(junk))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception and "not a govkg SQLite store" in at.error[0].value


def test_ingest_page_commits_without_stray_output(tmp_path, monkeypatch):
    from graph.sqlite_store import SQLiteStore
    from ingest.cleaner import clean_document
    from ingest.extractor import RuleExtractor
    from ingest.model import RawDocument

    s = SQLiteStore(tmp_path / "g.db")
    monkeypatch.setenv("GOVKG_STORE", str(s.path))
    at = open_view(page="ingest")
    assert at.get("file_uploader")  # the uploader itself is exercised in the browser test
    text = "成华区猛追湾街道望平社区与成都智汇科技有限公司签约共建“邻里通”平台。"
    at.session_state["staged"] = [RuleExtractor().extract(clean_document(RawDocument("upload.txt", text, "utf-8")))]
    at.run()
    at.button(key="commit").click().run()
    assert "ingested 1 new article" in ok(at).success[0].value and s.stats()["articles"] == 1
    assert not [m.value for m in at.markdown if m.value.strip() in ("None", "")]  # no stray "None" (magic) left behind
    assert not at.expander and not [b for b in at.button if b.key == "commit"]


def test_highlight_escapes_article_text():
    html = highlight("<script>alert(1)</script>迎晖社区", 25, 29)
    assert "<script>" not in html and "&lt;script&gt;" in html and html.endswith("<mark>迎晖社区</mark>")


def test_graph_elements_mentions_and_evidence(sample_store):
    node = sample_store.nodes_by_alias(["水碾河社区"])[0]
    els = neighbourhood_elements(sample_store, node.id)
    names = {n["data"]["name"] for n in els["nodes"]}
    assert {"水碾河社区", "龙潭街道", "成都智汇科技有限公司"} <= names and els["total"] == len(els["nodes"])
    assert all(e["data"]["source"] in {n["data"]["id"] for n in els["nodes"]} for e in els["edges"])
    edge = next(e["data"] for e in els["edges"] if e["data"]["label"] == "COOPERATES_WITH")
    assert edge["relation"] in ("成都智汇科技有限公司 ↔ COOPERATES_WITH 共建 ↔ 水碾河社区", "水碾河社区 ↔ COOPERATES_WITH 共建 ↔ 成都智汇科技有限公司")
    assert "成都智汇" in edge["evidence"]
    evidence = edge_evidence(sample_store, edge["id"], ("成都智汇科技有限公司", "水碾河社区"))
    assert evidence and all(e.end > e.start and e.article_title for e in evidence)
    assert "<b>成都智汇科技有限公司</b>" in evidence[0].sentence_html
    only = neighbourhood_elements(sample_store, node.id, predicates={"PART_OF"})
    assert {e["data"]["label"] for e in only["edges"]} == {"PART_OF"}
    two = neighbourhood_elements(sample_store, node.id, hops=3)
    capped = neighbourhood_elements(sample_store, node.id, hops=3, limit=3)
    assert len(capped["nodes"]) == 3 and capped["total"] == two["total"] > 3  # a cap, and how many it hides
    assert graph_key(capped) != graph_key(two) and graph_key(two) == graph_key(neighbourhood_elements(sample_store, node.id, hops=3))
    mentions = mentions_with_sentences(sample_store, node.id)
    assert len({m.article_id for m in mentions}) == 2 and all("<mark>水碾河社区</mark>" in m.sentence_html for m in mentions)


def test_graph_component_events_are_decoded_as_the_component_sends_them():
    assert graph_event({"action": "expand", "data": {"node_ids": ["n_1"]}, "timestamp": 1}) == ("expand", ["n_1"])
    opened = {"action": "open", "data": {"element_id": "n_2", "element_group": "nodes", "element_data": {"id": "n_2"}}}
    assert graph_event(opened) == ("open", ["n_2"])
    assert graph_event({**opened, "action": "centre"}) == ("centre", ["n_2"])
    assert graph_event({"action": "open", "data": {"element_id": "e_1", "element_group": "edges"}}) is None
    tapped = {"action": "edge", "data": {"type": "tap", "target_id": "e_1", "target_group": "edges"}, "timestamp": 2}
    assert graph_event(tapped) == ("edge", ["e_1"])
    assert graph_event(None) is None and graph_event({"action": "remove", "data": {}}) is None


def test_path_rows_split_into_linked_names():
    row = {"path": 1, "length": 2, "nodes": "迎晖社区 / 保和街道 / 成华区", "steps": "迎晖社区 -[PART_OF]-> 保和街道; 保和街道 -[RUNS]<- 成华区"}
    assert path_steps(row) == [("迎晖社区", "PART_OF->"), ("保和街道", "RUNS<-"), ("成华区", "")]
    assert path_steps({**row, "nodes": "a / b / c / d"}) is None


def test_graph_and_path_pages_render(sample_store, monkeypatch):
    monkeypatch.setenv("GOVKG_STORE", str(sample_store.path))
    at = open_view(page="graph", entity="水碾河社区")
    assert any("水碾河社区" in c.value and "nodes" in c.value for c in at.caption)
    at = open_view(page="graph", entity="水碾河社区", hops="3", show="3")
    assert any("显示 3 /" in c.value for c in at.caption) and at.button(key="graph_more")
    at.button(key="graph_more").click().run()
    assert ok(at).query_params["show"] == "33"
    goto(at, "路径 Path")
    at.text_input(key="path_from").input("成都智汇科技有限公司").run()
    at.text_input(key="path_to").input("成华区").run()
    assert ok(at).query_params == {"page": "path", "from": "成都智汇科技有限公司", "to": "成华区"}
    assert "PART_OF" in texts(at)


@pytest.mark.parametrize("kind", ["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def test_undo_forgets_a_mark_on_both_stores(kind, request, store):
    """What the duplicates page's undo calls: the verdict goes, the other marks stay, twice is harmless."""
    s = store if kind == "embedded" else request.getfixturevalue("neo4j_empty")
    before = s.version()
    s.set_mark("n_b", "n_a", "different")
    s.set_mark("n_a", "n_c", "same")
    s.clear_mark("n_a", "n_b")  # either order
    s.clear_mark("n_b", "n_a")
    assert s.marks() == {("n_a", "n_c"): "same"} and s.version() > before


def test_an_entity_is_corrected_from_its_profile_and_undone(own_store):
    """Rename and reject a relation on the entity page (what `govkg curate` does), then undo both there."""
    from queries import run_query

    community = max((n for n in own_store.iter_nodes("Community")), key=lambda n: (len(own_store.edges_of([n.id])), n.id))
    at = open_view(page="entity", entity=community.name)
    at.text_input(key="cur_new_name").set_value(f"{community.name}（新）")
    ok(at.button(key="cur_rename").click().run())
    assert own_store.get_node(community.id).name == f"{community.name}（新）"
    assert at.query_params["entity"] == f"{community.name}（新）" and "已更正 Curated" in texts(at)

    rel = at.selectbox(key="cur_rel").options[0]
    ok(at.selectbox(key="cur_rel").set_value(rel).run())
    before = len(run_query(own_store, "neighbors", {"entity": community.id}).rows)
    ok(at.button(key="cur_reject").click().run())
    assert len(run_query(own_store, "neighbors", {"entity": community.id}).rows) == before - 1
    assert [c.action for c in own_store.curations()] == ["rename", "reject"]

    for c in own_store.curations():
        ok(at.button(key=f"undo_cur_{c.key}").click().run())
    assert own_store.curations() == [] and own_store.get_node(community.id).name == community.name
    assert len(run_query(own_store, "neighbors", {"entity": community.id}).rows) == before


def test_an_entity_mentioned_in_two_articles_is_split_from_its_profile(own_store):
    """Split the mentions of one article off as a new entity (what `govkg curate split` does); undo joins them again."""
    def articles_of(node_id):
        return {m.article_id for m in own_store.mentions_of(node_id)}

    whole = max((n for n in own_store.iter_nodes() if len(articles_of(n.id)) > 1), key=lambda n: (len(articles_of(n.id)), n.id))
    before = articles_of(whole.id)
    moved = sorted(before)[0]
    at = open_view(page="entity", entity=whole.name)
    ok(at.multiselect(key="cur_split_articles").set_value([moved]).run())
    at.text_input(key="cur_split_to").set_value(f"{whole.name}（另一处）")
    ok(at.button(key="cur_split").click().run())
    new = next(n for n in own_store.iter_nodes(whole.type) if n.name == f"{whole.name}（另一处）")
    assert articles_of(new.id) == {moved} and articles_of(whole.id) == before - {moved}
    assert at.query_params["entity"] == new.name and "已更正 Curated" in texts(at)

    ok(at.button(key=f"undo_cur_{own_store.curations()[0].key}").click().run())
    assert own_store.curations() == [] and articles_of(whole.id) == before
