"""govkg explorer (Streamlit). Run with `govkg app` or `streamlit run app.py`; works on either store."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from govkg.errors import GovkgError
from govkg.explorer import (
    TYPE_COLOURS,
    TYPE_LABELS_ZH,
    article_html,
    graph_event,
    mentions_with_sentences,
    neighbourhood_elements,
    node_name,
    store_uri,
)
from ontology import ONTOLOGY
from queries import run_query

PAGES = ["概览 Overview", "搜索 Search", "实体 Entity", "关系图 Graph", "共建 Co-building", "重复举措 Duplicates", "路径 Path", "导入 Ingest"]

st.set_page_config(page_title="govkg explorer", page_icon="🏘️", layout="wide")


@st.cache_resource(show_spinner=False)
def get_store(uri: str):
    """One store connection per URI for the whole app."""
    from graph.factory import open_store

    return open_store(uri)


def open_entity(node_id: str) -> None:
    """Callback: show an entity's profile."""
    st.session_state["entity"] = node_id
    st.session_state["page"] = PAGES[2]


def show_graph(node_id: str) -> None:
    """Callback: show an entity's neighbourhood graph."""
    st.session_state["entity"] = node_id
    st.session_state["expanded"] = []
    st.session_state["page"] = PAGES[3]


def table(rows: list[dict], columns: list[str] | None = None, key: str | None = None) -> None:
    """A dataframe of query rows (or a note when empty)."""
    if not rows:
        st.info("没有结果 (no rows)")
        return
    frame = pd.DataFrame(rows)
    st.dataframe(frame[columns] if columns else frame, width="stretch", hide_index=True, key=key)


# ---------------------------------------------------------------- pages
def page_overview(store) -> None:
    st.header("概览 Overview")
    stats = store.stats()
    cols = st.columns(len(ONTOLOGY.entity_types) + 2)
    cols[0].metric("文章 Articles", stats["articles"])
    for col, t in zip(cols[1:], [*ONTOLOGY.entity_types, "Partnership"]):
        col.metric(f"{TYPE_LABELS_ZH[t]} {t}", stats["nodes"].get(t, 0))
    st.caption(" · ".join(f"{k} {v}" for k, v in stats["edges"].items()))
    left, right = st.columns(2)
    with left:
        st.subheader("共建 Top co-building pairs")
        rows = run_query(store, "cobuild", {"org_kind": "any", "limit": 15}).rows
        table(rows, ["organization", "community", "partnership_kind", "initiative", "district"])
    with right:
        st.subheader("最近文章 Recent articles")
        table(run_query(store, "articles", {"limit": 10}).rows, ["title", "entities", "ingested_at"])


def page_search(store) -> None:
    st.header("搜索 Search")
    q = st.text_input("名称、别名、拼音 Name, alias or pinyin", key="search_q", placeholder="例如 迎晖社区 / yinghui / yhsq")
    node_type = st.selectbox("类型 Type", ["(all)", *ONTOLOGY.entity_types], key="search_type")
    if not q:
        return
    rows = run_query(store, "search", {"q": q, "type": None if node_type == "(all)" else node_type, "limit": 30}).rows
    if not rows:
        st.info(f"没有找到 “{q}” (no match)")
    for r in rows:
        c1, c2, c3, c4 = st.columns([4, 2, 1, 1])
        c1.markdown(f"**{r['name']}**")
        c2.caption(f"{TYPE_LABELS_ZH.get(r['type'], r['type'])} · {r['kind']} · {r['match']}")
        c3.button("打开 Open", key=f"open_{r['id']}", on_click=open_entity, args=(r["id"],))
        c4.button("关系图 Graph", key=f"graph_{r['id']}", on_click=show_graph, args=(r["id"],))


def page_entity(store) -> None:
    st.header("实体 Entity")
    node_id = st.session_state.get("entity")
    if not node_id:
        st.info("先在“搜索”页找到一个实体 (search for an entity first)")
        return
    node = store.get_node(node_id)
    if node is None:
        st.warning("该实体已不存在 (entity not found)")
        return
    st.subheader(node.name)
    rows = run_query(store, "entity", {"name": node_id}).rows
    profile = {r["field"]: r["value"] for r in rows if r["section"] == "profile"}
    c1, c2, c3 = st.columns(3)
    c1.markdown(f"**类型 Type**: {TYPE_LABELS_ZH.get(node.type, node.type)} ({node.type})  \n**种类 Kind**: {node.kind or '—'}")
    c2.markdown(f"**别名 Aliases**: {profile.get('aliases') or '—'}")
    c3.markdown(f"**街道 Street**: {profile.get('street') or '—'}  \n**区县 District**: {profile.get('district') or '—'}")
    st.button("关系图 Show graph", on_click=show_graph, args=(node_id,), key="entity_graph")
    st.subheader("关系 Relations")
    table([r for r in rows if r["section"] == "relation"], ["field", "value"])
    st.subheader("提及 Mentions")
    for i, m in enumerate(mentions_with_sentences(store, node_id)):
        st.markdown(f"<div class='mention'>{m.sentence_html}</div>", unsafe_allow_html=True)
        with st.expander(f"《{m.article_title}》 {m.start}–{m.end}"):
            st.markdown(article_html(store, m.article_id, m.start, m.end), unsafe_allow_html=True)


def page_graph(store) -> None:
    from streamlit_cytoscape import EdgeStyle, InfopanelAction, NodeStyle, streamlit_cytoscape

    st.header("关系图 Neighbourhood graph")
    node_id = st.session_state.get("entity")
    if not node_id:
        st.info("先在“搜索”页找到一个实体 (search for an entity first)")
        return
    c1, c2, c3 = st.columns([3, 1, 1])
    predicates = c1.multiselect("关系 Relations", [p for p in ONTOLOGY.predicates if p != "MENTIONED_IN"], key="graph_preds")
    min_conf = c2.slider("最低置信度 Min confidence", 0.0, 1.0, 0.0, 0.05, key="graph_conf")
    hops = c3.number_input("跳数 Hops", 1, 3, 1, key="graph_hops")
    elements = neighbourhood_elements(store, node_id, st.session_state.get("expanded", []), int(hops), set(predicates) or None, min_conf)
    st.caption(f"{node_name(store, node_id)} — {len(elements['nodes'])} nodes, {len(elements['edges'])} relations. "
               "Double-click a node to expand it; select one and press “打开” to open its profile.")
    label_style = {"min-zoomed-font-size": 0, "font-size": 12, "font-family": "Noto Sans CJK SC, sans-serif", "text-valign": "bottom"}
    node_styles = [NodeStyle(t, TYPE_COLOURS[t], "name", custom_styles=label_style) for t in TYPE_COLOURS]
    edge_styles = [EdgeStyle(p, caption="label", directed=True, custom_styles={"min-zoomed-font-size": 0, "font-size": 9})
                   for p in ONTOLOGY.predicates]
    event = streamlit_cytoscape(elements, layout="cose", node_styles=node_styles, edge_styles=edge_styles, height=560,
                                key=f"cy_{node_id}", node_actions=["expand"],
                                infopanel_actions=[InfopanelAction("open", "打开 Open")])
    decoded = graph_event(event)
    if decoded and decoded[0] == "expand":
        new = [n for n in decoded[1] if n not in st.session_state.setdefault("expanded", [])]
        if new:
            st.session_state["expanded"].extend(new)
            st.rerun()
    elif decoded and decoded[0] == "open" and decoded[1][0] != node_id:
        open_entity(decoded[1][0])
        st.rerun()
    st.markdown(" ".join(f"<span style='color:{c}'>●</span> {TYPE_LABELS_ZH[t]}" for t, c in TYPE_COLOURS.items()), unsafe_allow_html=True)


def page_cobuild(store) -> None:
    st.header("共建 Co-building")
    areas = sorted({r["area"] for r in run_query(store, "hierarchy", {}).rows if r["kind"] in ("district", "subdistrict")})
    c1, c2, c3, c4 = st.columns(4)
    district = c1.selectbox("区/街道 District or street", ["(all)", *areas], key="cb_district")
    kind = c2.selectbox("方式 Kind", ["(all)", *ONTOLOGY.kinds["Partnership"]], key="cb_kind")
    org_kind = c3.selectbox("组织类型 Organization kind", ["enterprise", "any", *[k for k in ONTOLOGY.kinds["Organization"] if k != "enterprise"]], key="cb_org")
    min_conf = c4.slider("最低置信度 Min confidence", 0.0, 1.0, 0.0, 0.05, key="cb_conf")
    rows = run_query(store, "cobuild", {"district": None if district == "(all)" else district, "kind": None if kind == "(all)" else kind,
                                        "org_kind": org_kind, "min_confidence": min_conf, "limit": 1000}).rows
    table(rows)
    if rows:
        csv = pd.DataFrame(rows).to_csv(index=False).encode("utf-8-sig")
        st.download_button("下载 CSV", csv, file_name="govkg-cobuild.csv", mime="text/csv", key="cb_csv")


def page_duplicates(store) -> None:
    st.header("重复举措 Duplicate initiatives")
    threshold = st.slider("相似度 Min similarity", 60, 100, 85, key="dup_threshold")
    with st.spinner("正在聚类 Clustering initiatives…"):
        rows = run_query(store, "duplicates", {"min_similarity": float(threshold), "limit": 500}).rows
    clusters: dict[int, list[dict]] = {}
    for r in rows:
        clusters.setdefault(r["cluster"], []).append(r)
    if not clusters:
        st.info("没有发现重复 (no duplicates at this similarity)")
    for cid, members in clusters.items():
        status = members[0]["status"]
        with st.container(border=True):
            st.markdown(f"**#{cid}** · {status} · similarity {members[0]['similarity']}")
            table(members, ["initiative", "kind", "runners", "street", "district", "articles", "evidence"], key=f"dup_table_{cid}")
            if len(members) >= 2:
                a, b = members[0]["id"], members[1]["id"]
                c1, c2 = st.columns(2)
                c1.button("同一举措 Same", key=f"same_{cid}_{a}", on_click=store.set_mark, args=(a, b, "same"))
                c2.button("不同举措 Different", key=f"diff_{cid}_{a}", on_click=store.set_mark, args=(a, b, "different"))


def page_path(store) -> None:
    st.header("路径 Path finder")
    c1, c2 = st.columns(2)
    source = c1.text_input("起点 From", key="path_from")
    target = c2.text_input("终点 To", key="path_to")
    if source and target:
        table(run_query(store, "path", {"source": source, "target": target, "max_hops": 6}).rows)


def page_ingest(store) -> None:
    from ingest.cleaner import clean_document
    from ingest.extractor import RuleExtractor
    from ingest.model import RawDocument
    from ingest.pipeline import IngestReport, Pipeline
    from ingest.reader import decode_bytes
    from ingest.html_text import html_to_text, looks_like_html

    st.header("导入 Ingest")
    files = st.file_uploader("文章 Articles (.txt .md .html; UTF-8 / GBK / GB18030)", accept_multiple_files=True, key="upload")
    if files and st.button("抽取 Extract", key="extract"):
        staged, progress = [], st.progress(0.0, "extracting…")
        for i, f in enumerate(files):
            try:
                text, enc = decode_bytes(f.getvalue(), f.name)
                if f.name.lower().endswith((".html", ".htm")) or looks_like_html(text):
                    text = html_to_text(text)
                staged.append(RuleExtractor().extract(clean_document(RawDocument(f.name, text, enc))))
            except GovkgError as exc:
                st.warning(str(exc))
            progress.progress((i + 1) / len(files), f"{i + 1}/{len(files)} {f.name}")
        st.session_state["staged"] = staged
    for ex in st.session_state.get("staged", []):
        pred = ex.as_prediction(0.5)
        with st.expander(f"{ex.article.path}: {len(pred['entities'])} entities, {len(pred['relations'])} relations", expanded=True):
            table(pred["entities"], ["name", "type", "kind", "aliases", "confidence"], key=f"st_e_{ex.article.id}")
            table(pred["relations"], ["subject", "predicate", "object", "confidence", "evidence"], key=f"st_r_{ex.article.id}")
    if st.session_state.get("staged") and st.button("写入 Commit to store", key="commit"):
        pipeline, report = Pipeline(store), IngestReport()
        for ex in st.session_state["staged"]:
            pipeline.write_extraction(ex, report) if not store.has_article(ex.article.id) else report.unchanged.append(ex.article.path)
        st.success(report.summary())
        st.session_state["staged"] = []


RENDER = dict(zip(PAGES, [page_overview, page_search, page_entity, page_graph, page_cobuild, page_duplicates, page_path, page_ingest]))


def main() -> None:
    st.markdown("<style>.mention{padding:.3rem .6rem;border-left:3px solid #F58518;margin:.3rem 0} mark{background:#ffe08a}</style>",
                unsafe_allow_html=True)
    st.sidebar.title("govkg")
    st.sidebar.caption("社区治理知识图谱 · community-governance knowledge graph")
    page = st.sidebar.radio("页面 Page", PAGES, key="page")
    uri = store_uri()
    st.sidebar.caption(f"store: `{uri}`")
    try:
        store = get_store(uri)
        RENDER[page](store)
    except GovkgError as exc:
        st.error(str(exc))
    except Exception as exc:  # the explorer never shows a traceback
        st.error(f"出错了 Something went wrong: {type(exc).__name__}: {exc}")


main()
