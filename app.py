"""govkg explorer (Streamlit). Run with `govkg app` or `streamlit run app.py`; works on either store.

Every view lives in the URL (`?page=entity&entity=迎晖社区`, `?page=graph&entity=…&hops=2`, …): each run
reads st.query_params, widgets write their value back, and every entity name is a link, so the browser's
back/forward buttons, bookmarks and shared links all reopen the same view.
"""

from __future__ import annotations

import functools
import html

import pandas as pd
import streamlit as st

from core.errors import GovkgError
from govkg.explorer import (
    GRAPH_LAYOUT,
    GRAPH_SHOW,
    PAGES,
    SIMILAR_SCOPES,
    STATUS_WORDS,
    TYPE_COLOURS,
    TYPE_LABELS_ZH,
    article_html,
    cluster_rows,
    different_groups,
    different_kind_groups,
    edge_evidence,
    entity_url,
    float_param,
    graph_event,
    graph_key,
    int_param,
    kind_marked_pairs,
    link_ref,
    list_param,
    marked_pairs,
    mentions_with_sentences,
    neighbourhood_elements,
    page_of,
    path_steps,
    ranked_pairs,
    source_markdown,
    store_uri,
    view_params,
)
from ontology import ONTOLOGY
from queries import run_query
from queries.helpers import cell_text
from queries.similar import kind_pair

RELATIONS = [p for p in ONTOLOGY.predicates if p != "MENTIONED_IN"]

st.set_page_config(page_title="govkg explorer", page_icon="🏘️", layout="wide")


@st.cache_resource(show_spinner=False)
def get_store(uri: str):
    """One store connection per URI for the whole app."""
    from graph.factory import open_store

    return open_store(uri)


def safe(callback):
    """A widget callback whose errors become a message at the top of the page, never a traceback."""
    @functools.wraps(callback)
    def run(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except GovkgError as exc:
            st.session_state["_error"] = str(exc)
        except Exception as exc:  # noqa: BLE001 - shown, not raised
            st.session_state["_error"] = f"出错了 Something went wrong: {type(exc).__name__}: {exc}"
    return run


# ---------------------------------------------------------------- the URL
def url() -> dict[str, str]:
    """The current view's parameters."""
    return st.query_params.to_dict()


def go(page: str, **params) -> None:
    """Open a view: the URL becomes that page with these parameters (one new history entry)."""
    st.query_params.from_dict(view_params(page, params))


@safe
def set_params(**changes) -> None:
    """Change parameters of the current view (None or "" removes one), in one URL change."""
    current = url()
    go(page_of(current), **{k: v for k, v in {**current, **changes}.items() if k != "page"})


def bind(key: str, param: str, value, to_url=str) -> None:
    """Give the widget `key` the URL's value before it is drawn; its on_change (`write(key, …)`) writes it back."""
    st.session_state[key] = value
    st.session_state.setdefault("_bound", {})[key] = (param, to_url)


@safe
def write(key: str, default=None) -> None:
    """Callback of a bound widget: its new value goes into the URL (the default removes the parameter)."""
    param, to_url = st.session_state["_bound"][key]
    value = st.session_state[key]
    set_params(**{param: None if value == default else to_url(value)})


def link(label: str, page: str, where=None, help: str | None = None, **params) -> None:
    """A link to a view (real href: open it in a new tab, copy it, bookmark it)."""
    (where or st).page_link(APP, label=md_escape(label), query_params=view_params(page, params), help=help)


def entity_link(name: str, ref: str | None = None, where=None) -> None:
    """A link to an entity's profile; `ref` (a name or an id) is what the URL carries, the name by default."""
    link(name, "entity", where, entity=ref or name)


def md_escape(text: str) -> str:
    """Link labels are Markdown: keep names literal."""
    return "".join("\\" + c if c in "\\`*_~[]<>$" else c for c in str(text))


def refs(store, pairs) -> dict[str, str]:
    """For (id, name) pairs, what their links carry: the name when it finds exactly that node, else the id
    (cached per store version, so a page of links costs one lookup per new name)."""
    cache = st.session_state.setdefault("_refs", {})
    version = st.session_state.get("_version")
    if version is None:
        version = st.session_state["_version"] = store.version()
    if cache.get("version") != version:
        cache.clear()
        cache["version"] = version
    out = {}
    for node_id, name in pairs:
        if (node_id, name) not in cache:
            cache[(node_id, name)] = link_ref(store, node_id, name)
        out[node_id] = cache[(node_id, name)]
    return out


def table(rows: list[dict], columns: list[str] | None = None, key: str | None = None, column_config: dict | None = None) -> None:
    """A dataframe of query rows (or a note when empty)."""
    if not rows:
        st.info("没有结果 (no rows)")
        return
    frame = pd.DataFrame([{k: cell_text(v) for k, v in r.items()} for r in rows])  # sources: their one-line citations
    st.dataframe(frame[columns] if columns else frame, width="stretch", hide_index=True, key=key, column_config=column_config)


def evidence_list(store, edge_id: str, names=()) -> None:
    """The sentences stating a relation: article (a link to it, the sentence highlighted), sentence number, offsets."""
    found = edge_evidence(store, edge_id, names)
    if not found:
        st.info("这条关系没有存储证据句 (no evidence sentence stored for this relation)")
    for ev in found:
        with st.container(border=True):
            st.markdown(f"<div class='evidence'>{ev.sentence_html}</div>", unsafe_allow_html=True)
            dated = f" ({ev.article_date})" if ev.article_date else ""
            link(f"《{ev.article_title}》{dated} 第 {ev.sentence_index + 1} 句 · 字符 {ev.start}–{ev.end}", "article",
                 help="在文章中查看，句子高亮 (open the article with this sentence highlighted)",
                 article=ev.article_id, start=ev.start, end=ev.end)
            st.caption(f"sentence {ev.sentence_index + 1}, characters {ev.start}–{ev.end}, confidence {ev.confidence:.2f}")


# ---------------------------------------------------------------- pages
def page_overview(store, params: dict) -> None:
    st.header("概览 Overview")
    stats = store.stats()
    cols = st.columns(len(ONTOLOGY.entity_types) + 2)
    cols[0].metric("文章 Articles", stats["articles"])
    for col, t in zip(cols[1:], [*ONTOLOGY.entity_types, "Partnership"]):
        col.metric(f"{TYPE_LABELS_ZH[t]} {t}", stats["nodes"].get(t, 0))
    st.caption(" · ".join(f"{k} {v}" for k, v in stats["edges"].items()))
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.subheader("共建 Top co-building pairs")
        st.caption("按证据句数、置信度排序 · ranked by evidence sentences, then confidence · 句 = sentences")
        pairs = ranked_pairs(run_query(store, "cobuild", {"org_kind": "any", "limit": 5000}).rows, 15)
        if not pairs:
            st.info("没有结果 (no rows)")
        for p in pairs:
            c1, c2, c3 = st.columns([4, 3, 3], vertical_alignment="center")
            entity_link(p["organization"], where=c1)
            entity_link(p["community"], where=c2)
            c3.caption(f"{p['evidence']} 句 · {p['confidence']:.2f}" + (f" · {p['ways']}" if p["ways"] else ""))
    with right:
        st.subheader("最近文章 Recent articles")
        for a in run_query(store, "articles", {"limit": 10}).rows:
            c1, c2 = st.columns([5, 2], vertical_alignment="center")
            link(a["title"] or a["path"], "article", where=c1, article=a["id"])
            c2.caption(f"{a['entities']} entities")


def page_search(store, params: dict) -> None:
    st.header("搜索 Search")
    types = ["(all)", *ONTOLOGY.entity_types]
    bind("search_q", "q", params.get("q", ""))
    bind("search_type", "type", params.get("type") if params.get("type") in types else "(all)")
    q = st.text_input("名称、别名、拼音 Name, alias or pinyin", key="search_q", placeholder="例如 迎晖社区 / yinghui / yhsq",
                      on_change=write, args=("search_q", ""))
    node_type = st.selectbox("类型 Type", types, key="search_type", on_change=write, args=("search_type", "(all)"))
    if not q:
        return
    rows = run_query(store, "search", {"q": q, "type": None if node_type == "(all)" else node_type, "limit": 30}).rows
    if not rows:
        st.info(f"没有找到 “{q}” (no match)")
    ref = refs(store, [(r["id"], r["name"]) for r in rows])
    for r in rows:
        c1, c2, c3 = st.columns([4, 3, 1.5], vertical_alignment="center")
        entity_link(r["name"], ref[r["id"]], where=c1)
        c2.caption(f"{TYPE_LABELS_ZH.get(r['type'], r['type'])} · {r['kind']} · {r['match']}")
        link("关系图 Graph", "graph", where=c3, entity=ref[r["id"]])


def profile_of(store, ref: str) -> dict | None:
    """The entity query's profile fields of a name, alias or id; a warning and None when there is none."""
    try:
        rows = run_query(store, "entity", {"name": ref}).rows
    except GovkgError as exc:
        st.warning(f"没有这个实体 (no such entity): {exc}")
        return None
    return {r["field"]: r["value"] for r in rows if r["section"] == "profile"}


def page_entity(store, params: dict) -> None:
    st.header("实体 Entity")
    ref = params.get("entity")
    if not ref:
        st.info("先在“搜索”页找到一个实体 (search for an entity first)")
        link("搜索 Search", "search")
        return
    profile = profile_of(store, ref)
    if profile is None:
        return
    node_id = profile["id"]
    st.session_state["last_entity"] = ref
    st.subheader(profile["name"])
    c1, c2, c3 = st.columns(3)
    c1.markdown(f"**类型 Type**: {TYPE_LABELS_ZH.get(profile['type'], profile['type'])} ({profile['type']})  \n**种类 Kind**: {profile['kind'] or '—'}")
    c2.markdown(f"**别名 Aliases**: {profile.get('aliases') or '—'}")
    with c3:
        places = [(profile.get("street"), "街道 Street"), (profile.get("district"), "区县 District")]
        for name, label in places:
            if name:
                entity_link(f"{label}: {name}", name)
            else:
                st.markdown(f"**{label}**: —")
    link("关系图 Show graph", "graph", entity=ref)

    st.subheader("关系 Relations")
    rels = run_query(store, "neighbors", {"entity": node_id, "hops": 1, "limit": 100000}).rows
    if not rels:
        st.info("没有关系 (no relations)")
    ref_of = refs(store, [(r["id"], r["name"]) for r in rels])
    chosen = params.get("edge")
    for r in rels:
        spec = ONTOLOGY.relations[r["predicate"]]
        arrow = "↔" if spec.symmetric else "→" if r["direction"] == "out" else "←"
        arrow = f"{arrow} {r['predicate']} {spec.label_zh}"
        c1, c2, c3, c4 = st.columns([2, 4, 2, 1], vertical_alignment="center")
        c1.markdown(f"`{arrow}`")
        entity_link(r["name"], ref_of[r["id"]], where=c2)
        c3.caption(f"{TYPE_LABELS_ZH.get(r['type'], r['type'])} · conf {r['confidence']:.2f}")
        shown = chosen == r["edge_id"]
        c4.button("收起 Hide" if shown else "证据 Evidence", key=f"ev_{r['edge_id']}", type="tertiary",
                  on_click=set_params, kwargs={"edge": None if shown else r["edge_id"]})
        if shown:
            evidence_list(store, r["edge_id"], (profile["name"], r["name"]))

    mentions = mentions_with_sentences(store, node_id)
    curation_panel(store, profile, rels, {m.article_id: m.article_title for m in mentions})

    st.subheader("提及 Mentions")
    for m in mentions:
        st.markdown(f"<div class='mention'>{m.sentence_html}</div>", unsafe_allow_html=True)
        link(f"《{m.article_title}》 {m.start}–{m.end}", "article", article=m.article_id, start=m.start, end=m.end)


# ---------------------------------------------------------------- corrections (graph/curation.py)
def relation_label(r: dict) -> str:
    """How a relation row is offered for rejection: `→ RUNS 邻里节`."""
    arrow = "↔" if ONTOLOGY.relations[r["predicate"]].symmetric else "→" if r["direction"] == "out" else "←"
    return f"{arrow} {r['predicate']} {r['name']}"


@safe
def curate_entity(store, action: str, profile: dict, rels: list[dict]) -> None:
    """Callback: rename, merge into … or reject a relation of the entity on the page (what `govkg curate` does)."""
    from govkg.api import apply_curation
    from graph.curation import Curation

    name, typ = profile["name"], profile["type"]
    if action == "rename":
        c = Curation("rename", name, typ, target=(st.session_state.get("cur_new_name") or "").strip())
    elif action == "merge":
        c = Curation("merge", name, typ, target=(st.session_state.get("cur_into") or "").strip())
    elif action == "split":
        c = Curation("split", name, typ, target=(st.session_state.get("cur_split_to") or "").strip(),
                     articles=tuple(st.session_state.get("cur_split_articles") or ()))
    else:
        r = next((r for r in rels if relation_label(r) == st.session_state.get("cur_rel")), None)
        if r is None:
            return
        subject, obj = (name, r["name"]) if r["direction"] == "out" else (r["name"], name)
        c = Curation("reject", subject, typ if subject == name else None, r["predicate"], obj)
    record, new = apply_curation(store, c)
    st.session_state["cur_notice"] = f"{'已更正 Curated' if new else '已有 Already curated'}: {record.describe()} ({record.key})"
    if action in ("rename", "merge", "split"):
        set_params(entity=c.target, edge=None)


@safe
def undo_curation(store, key: str) -> None:
    """Callback: undo one correction (see README, Corrections, for what comes back)."""
    from graph.curation import undo

    c, what = undo(store, key)
    st.session_state["cur_notice"] = f"已撤销 Undone: {c.describe()}; {what}"


def curation_panel(store, profile: dict, rels: list[dict], articles: dict[str, str]) -> None:
    """Rename, merge into …, split the mentions of some articles off (`articles`: id → title of the
    articles that mention the entity), reject a relation; every correction so far with an undo button."""
    with st.expander("更正 Corrections", expanded="cur_notice" in st.session_state):
        if st.session_state.get("cur_notice"):
            st.success(st.session_state.pop("cur_notice"))
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        c1.text_input("改名为 Rename to", key="cur_new_name")
        c2.button("改名 Rename", key="cur_rename", on_click=curate_entity, args=(store, "rename", profile, rels))
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        c1.text_input("合并到 Merge into (another entity's name)", key="cur_into")
        c2.button("合并 Merge", key="cur_merge", on_click=curate_entity, args=(store, "merge", profile, rels))
        if len(articles) > 1:  # one body wrongly merged with another: the articles that mean the other one
            c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
            c1.multiselect("拆分 Split off the mentions in these articles", list(articles), key="cur_split_articles",
                           format_func=lambda a: f"《{articles[a]}》 {a}")  # the id too: two articles may share a title
            c1.text_input("拆分后的名称 …as a new entity named", key="cur_split_to")
            c2.button("拆分 Split", key="cur_split", on_click=curate_entity, args=(store, "split", profile, rels))
        if rels:
            c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
            c1.selectbox("驳回关系 Reject a relation", [relation_label(r) for r in rels], key="cur_rel")
            c2.button("驳回 Reject", key="cur_reject", on_click=curate_entity, args=(store, "reject", profile, rels))
        records = store.curations()
        if records:
            st.caption("已做的更正 Corrections made (`govkg curate list`)")
        for c in records:
            c1, c2 = st.columns([5, 1], vertical_alignment="center")
            c1.markdown(f"`{c.key}` {md_escape(c.describe())} · {c.created_at[:19]}")
            c2.button("撤销 Undo", key=f"undo_cur_{c.key}", type="tertiary", on_click=undo_curation, args=(store, c.key))


def page_graph(store, params: dict) -> None:
    from streamlit_cytoscape import EdgeStyle, Event, InfopanelAction, NodeStyle, streamlit_cytoscape

    st.header("关系图 Neighbourhood graph")
    ref = params.get("entity")
    if not ref:
        st.info("先在“搜索”页找到一个实体 (search for an entity first)")
        link("搜索 Search", "search")
        return
    profile = profile_of(store, ref)
    if profile is None:
        return
    node_id = profile["id"]
    st.session_state["last_entity"] = ref
    hops = int_param(params.get("hops"), 1, 1, 3)
    show = int_param(params.get("show"), GRAPH_SHOW, 1, 2000)
    expanded = [x for x in (params.get("expand") or "").split(",") if x]
    bind("graph_preds", "rel", list_param(params.get("rel"), RELATIONS), ",".join)
    bind("graph_conf", "conf", float_param(params.get("conf"), 0.0, 0.0, 1.0))
    bind("graph_hops", "hops", hops)
    c1, c2, c3 = st.columns([3, 1, 1])
    predicates = c1.multiselect("关系 Relations", RELATIONS, key="graph_preds", on_change=write, args=("graph_preds", []))
    min_conf = c2.slider("最低置信度 Min confidence", 0.0, 1.0, step=0.05, key="graph_conf", on_change=write, args=("graph_conf", 0.0))
    c3.number_input("跳数 Hops", 1, 3, key="graph_hops", on_change=write, args=("graph_hops", 1))
    elements = neighbourhood_elements(store, node_id, expanded, hops, set(predicates) or None, min_conf, limit=show)
    drawn = {n["data"]["id"]: n["data"]["name"] for n in elements["nodes"]}
    c1, c2, c3 = st.columns([5, 1.8, 1.5], vertical_alignment="center")
    c1.caption(f"{profile['name']} — 显示 {len(elements['nodes'])} / {elements['total']} 个实体 (nodes), {len(elements['edges'])} 条关系. "
               "双击节点展开；选中节点后按“打开”查看档案；点击连线查看证据句。"
               " Double-click a node to expand it; select one and press “打开” to open its profile; click a relation to see its evidence.")
    if elements["total"] > len(elements["nodes"]):
        c2.button("显示更多 Show more", key="graph_more", help=f"再显示 {GRAPH_SHOW} 个 (+{GRAPH_SHOW} nodes)",
                  on_click=set_params, kwargs={"show": show + GRAPH_SHOW})
    if expanded or show != GRAPH_SHOW:
        c3.button("重置 Reset view", key="graph_reset", on_click=set_params, kwargs={"expand": None, "show": None, "edge": None})

    # Labels right of the node: the canvas is wider than tall, so the fit zooms out less.
    label_style = {"min-zoomed-font-size": 0, "font-size": 14, "font-family": "Noto Sans CJK SC, sans-serif",
                   "text-halign": "right", "text-valign": "center", "text-margin-x": 4, "text-wrap": "wrap",
                   "text-max-width": "160px", "text-overflow-wrap": "anywhere", "text-background-color": "#ffffff",
                   "text-background-opacity": 0.85, "text-background-padding": "2px", "text-background-shape": "roundrectangle",
                   "width": 20, "height": 20}
    node_styles = [NodeStyle(t, TYPE_COLOURS[t], "name", custom_styles=label_style) for t in TYPE_COLOURS]
    edge_styles = [EdgeStyle(p, caption="label", directed=not ONTOLOGY.relations[p].symmetric,
                             custom_styles={"min-zoomed-font-size": 6, "font-size": 9, "color": "#555", "text-rotation": "autorotate",
                                            "text-background-color": "#ffffff", "text-background-opacity": 0.8, "width": 1.5})
                   for p in ONTOLOGY.predicates]
    key = graph_key(elements)
    event = streamlit_cytoscape({"nodes": elements["nodes"], "edges": elements["edges"]}, layout=GRAPH_LAYOUT,
                                node_styles=node_styles, edge_styles=edge_styles, height=650, key=key, node_actions=["expand"],
                                events=[Event("edge", "tap", "edge")],
                                infopanel_actions=[InfopanelAction("open", "打开 Open"), InfopanelAction("centre", "居中 Centre here")])
    seen = st.session_state.setdefault("_graph_events", set())
    stamp = (key, (event or {}).get("timestamp"))
    decoded = graph_event(event) if stamp not in seen else None
    seen.add(stamp)
    if decoded:
        action, ids = decoded
        if action == "expand":
            new = [n for n in ids if n not in expanded and n != node_id]
            if new:
                set_params(expand=",".join(expanded + new))
                st.rerun()
        elif action in ("open", "centre"):
            target = refs(store, [(ids[0], drawn.get(ids[0], ids[0]))])[ids[0]]
            if action == "open":
                go("entity", entity=target)
            else:
                go("graph", entity=target, hops=hops)
            st.rerun()
        elif action == "edge" and ids[0] != params.get("edge"):
            set_params(edge=ids[0])
            params = url()
    st.markdown(" ".join(f"<span style='color:{c}'>●</span> {TYPE_LABELS_ZH[t]}" for t, c in TYPE_COLOURS.items()), unsafe_allow_html=True)

    edge_id = params.get("edge")
    if edge_id:
        edge = next((e["data"] for e in elements["edges"] if e["data"]["id"] == edge_id), None)
        st.subheader("证据 Evidence")
        if edge:
            c1, c2, c3 = st.columns([3, 2, 3], vertical_alignment="center")
            entity_link(drawn[edge["source"]], refs(store, [(edge["source"], drawn[edge["source"]])])[edge["source"]], where=c1)
            spec = ONTOLOGY.relations.get(edge["label"])
            c2.markdown(f"`{'↔' if spec and spec.symmetric else '→'} {edge['label']} {spec.label_zh if spec else ''}`")
            entity_link(drawn[edge["target"]], refs(store, [(edge["target"], drawn[edge["target"]])])[edge["target"]], where=c3)
        evidence_list(store, edge_id, (drawn[edge["source"]], drawn[edge["target"]]) if edge else ())


def page_cobuild(store, params: dict) -> None:
    st.header("共建 Co-building")
    areas = sorted({r["area"] for r in run_query(store, "hierarchy", {}).rows if r["kind"] in ("district", "subdistrict")})
    kinds = ["(all)", *ONTOLOGY.kinds["Partnership"]]
    org_kinds = ["enterprise", "any", *[k for k in ONTOLOGY.kinds["Organization"] if k != "enterprise"]]
    bind("cb_district", "district", params.get("district") if params.get("district") in areas else "(all)")
    bind("cb_kind", "kind", params.get("kind") if params.get("kind") in kinds else "(all)")
    bind("cb_org", "org", params.get("org") if params.get("org") in org_kinds else "enterprise")
    bind("cb_conf", "conf", float_param(params.get("conf"), 0.0, 0.0, 1.0))
    c1, c2, c3, c4 = st.columns(4)
    district = c1.selectbox("区/街道 District or street", ["(all)", *areas], key="cb_district", on_change=write, args=("cb_district", "(all)"))
    kind = c2.selectbox("方式 Kind", kinds, key="cb_kind", on_change=write, args=("cb_kind", "(all)"))
    org_kind = c3.selectbox("组织类型 Organization kind", org_kinds, key="cb_org", on_change=write, args=("cb_org", "enterprise"))
    min_conf = c4.slider("最低置信度 Min confidence", 0.0, 1.0, step=0.05, key="cb_conf", on_change=write, args=("cb_conf", 0.0))
    rows = run_query(store, "cobuild", {"district": None if district == "(all)" else district, "kind": None if kind == "(all)" else kind,
                                        "org_kind": org_kind, "min_confidence": min_conf, "limit": 1000}).rows
    st.caption("组织、社区、街道、区县的名称都是链接 · every name opens its profile")
    shown = [{**r, **{c: entity_url(r[c]) if r[c] else "" for c in ("organization", "community", "street", "district")}} for r in rows]
    links = {c: st.column_config.LinkColumn(c, display_text=r"entity=(.*)$") for c in ("organization", "community", "street", "district")}
    table(shown, key="cb_table", column_config=links)
    if rows:
        csv = pd.DataFrame([{k: cell_text(v) for k, v in r.items()} for r in rows]).to_csv(index=False).encode("utf-8-sig")
        st.download_button("下载 CSV", csv, file_name="govkg-cobuild.csv", mime="text/csv", key="cb_csv")


@safe
def mark_all(store, ids: list[str], verdict: str) -> None:
    """Callback: the planner's verdict on a cluster — same: every member is the first one; different: no two are."""
    pairs = [(ids[0], x) for x in ids[1:]] if verdict == "same" else [(a, b) for i, a in enumerate(ids) for b in ids[i + 1:]]
    for a, b in pairs:
        store.set_mark(a, b, verdict)
    st.session_state["dup_note"] = f"已标记 marked {verdict}: {len(pairs)} pair(s) — 可撤销 (undo below)"


@safe
def kind_mark_all(store, ids: list[str], verdict: str) -> None:
    """Callback: a same-kind verdict on a `similar` cluster (its own marks: never "one initiative")."""
    pairs = [(ids[0], x) for x in ids[1:]] if verdict == "same" else [(a, b) for i, a in enumerate(ids) for b in ids[i + 1:]]
    for a, b in pairs:
        store.set_mark(*kind_pair(a, b), verdict)
    st.session_state["dup_note"] = f"已标记 marked {'same kind' if verdict == 'same' else 'different kinds'}: {len(pairs)} pair(s) — 可撤销 (undo below)"


def _clear_marks(store, pairs: list[tuple[str, str]]) -> None:
    for a, b in pairs:
        store.clear_mark(a, b)
    st.session_state["dup_note"] = f"已撤销 undone: {len(pairs)} mark(s)"


@safe
def undo_kind_marks(store, ids: list[str]) -> None:
    """Callback: forget every same-kind verdict among these initiatives."""
    _clear_marks(store, kind_marked_pairs(ids, store.marks()))


@safe
def undo_marks(store, ids: list[str]) -> None:
    """Callback: forget every mark among these initiatives; the cluster is back to what the names alone say."""
    _clear_marks(store, marked_pairs(ids, store.marks()))


def member_row(store, m: dict) -> None:
    """One initiative of a cluster: every name a link."""
    c1, c2, c3, c4 = st.columns([3, 4, 3, 1], vertical_alignment="center")
    entity_link(m["initiative"], refs(store, [(m["id"], m["initiative"])])[m["id"]], where=c1)
    with c2.container(horizontal=True, gap="small"):
        for runner in [x for x in m["runners"].split("、") if x]:
            entity_link(runner)
    with c3.container(horizontal=True, gap="small"):
        for place in (m["street"], m["district"]):
            if place:
                entity_link(place)
    c4.caption(f"{m['kind']} · {m['articles']} 篇")
    if m.get("evidence"):
        st.caption(m["evidence"][:160])


def page_duplicates(store, params: dict) -> None:
    st.header("重复举措 Duplicate initiatives")
    if st.session_state.get("dup_note"):
        st.success(st.session_state.pop("dup_note"))
    by_name, by_kind = st.tabs(["按名称 Same name", "按内容相似 Similar by what they do"])
    with by_name:
        name_clusters(store, params)
    with by_kind:
        kind_clusters(store, params)


def name_clusters(store, params: dict) -> None:
    """Initiatives whose names say they are one (the `duplicates` query), with same/different/undo."""
    bind("dup_threshold", "sim", int_param(params.get("sim"), 85, 60, 100))
    threshold = st.slider("相似度 Min similarity", 60, 100, key="dup_threshold", on_change=write, args=("dup_threshold", 85))
    with st.spinner("正在聚类 Clustering initiatives…"):
        rows = run_query(store, "duplicates", {"min_similarity": float(threshold), "limit": 500}).rows
    clusters = cluster_rows(rows)
    if not clusters:
        st.info("没有发现重复 (no duplicates at this similarity)")
    for c in clusters:
        zh, en = c["words"]
        with st.container(border=True, key=f"dup_{c['cluster']}"):
            st.markdown(f"**#{c['cluster']} · {zh}** · {en} · 相似度 similarity {c['similarity']}")
            for m in c["members"]:
                member_row(store, m)
            if c["status"] == "similar_separate":
                b1, b2, _ = st.columns([1, 1, 3])
                b1.button("同一举措 Same", key=f"same_{c['cluster']}_{c['ids'][0]}", on_click=mark_all, args=(store, c["ids"], "same"))
                b2.button("不同举措 Different", key=f"diff_{c['cluster']}_{c['ids'][0]}", on_click=mark_all, args=(store, c["ids"], "different"))
            elif c["status"] == "marked_same":
                st.button("撤销 Undo “same”", key=f"undo_same_{c['ids'][0]}", on_click=undo_marks, args=(store, c["ids"]))
    groups = different_groups(store.marks())
    st.subheader(f"{STATUS_WORDS['marked_different'][0]} · {STATUS_WORDS['marked_different'][1]} ({len(groups)})")
    st.caption("标记为“不同”的举措不再聚在一起；撤销后按名称重新判断 · initiatives marked different are kept apart; undo puts them back to what their names say")  # noqa: E501 - one literal
    marked_groups(store, groups, "undo_diff_", undo_marks)


def marked_groups(store, groups: list[list[str]], key: str, undo) -> None:
    """Groups of initiatives a planner kept apart, each a row of links with its undo button."""
    if not groups:
        st.caption("（暂无 none yet）")
    names = {}
    for ids in groups:
        for x in ids:
            node = store.get_node(x)
            names[x] = node.name if node else x
    ref = refs(store, list(names.items()))
    for ids in groups:
        with st.container(border=True, key=f"{key}group_{ids[0]}"):
            c1, c2 = st.columns([5, 1], vertical_alignment="center")
            with c1.container(horizontal=True, gap="small"):
                for x in ids:
                    entity_link(names[x], ref[x])
            c2.button("撤销 Undo", key=f"{key}{ids[0]}", on_click=undo, args=(store, ids))


def kind_clusters(store, params: dict) -> None:
    """Initiatives that do the same kind of thing under other names (the `similar` query), each cluster
    with why it holds together, and same-kind/different/undo verdicts."""
    bind("sim_threshold", "ssim", int_param(params.get("ssim"), 45, 20, 100))
    bind("sim_scope", "scope", params.get("scope") if params.get("scope") in SIMILAR_SCOPES else "any")
    c1, c2 = st.columns([2, 3])
    threshold = c1.slider("相似度 Min similarity", 20, 100, key="sim_threshold", on_change=write, args=("sim_threshold", 45))
    scope = c2.radio("范围 Scope", list(SIMILAR_SCOPES), format_func=SIMILAR_SCOPES.get, horizontal=True, key="sim_scope",
                     on_change=write, args=("sim_scope", "any"))
    st.caption("按名称的中心词、关键词和报道句子比较 · compared by head noun, key terms and the sentences that report them")
    with st.spinner("正在聚类 Clustering initiatives…"):
        rows = run_query(store, "similar", {"min_similarity": float(threshold), "scope": scope, "limit": 500}).rows
    clusters = cluster_rows(rows)
    if not clusters:
        st.info("没有发现做法相近的举措 (no similar initiatives at this similarity)")
    for c in clusters:
        zh, en = c["words"]
        with st.container(border=True, key=f"sim_{c['cluster']}"):
            st.markdown(f"**#{c['cluster']} · {zh}** · {en} · 相似度 similarity {c['similarity']}")
            st.caption(md_escape(f"为什么 Why — {c['why']}"))
            for m in c["members"]:
                kind_member_row(store, m)
            if c["status"] == "similar":
                b1, b2, _ = st.columns([1, 1, 3])
                b1.button("同类 Same kind", key=f"sim_same_{c['cluster']}_{c['ids'][0]}", on_click=kind_mark_all, args=(store, c["ids"], "same"))
                b2.button("不同类 Different", key=f"sim_diff_{c['cluster']}_{c['ids'][0]}", on_click=kind_mark_all,
                          args=(store, c["ids"], "different"))
            elif c["status"] == "marked_same_kind":
                st.button("撤销 Undo “same kind”", key=f"sim_undo_same_{c['ids'][0]}", on_click=undo_kind_marks, args=(store, c["ids"]))
    groups = different_kind_groups(store.marks())
    words = STATUS_WORDS["marked_different_kind"]
    st.subheader(f"{words[0]} · {words[1]} ({len(groups)})")
    st.caption("标记为“不同类”的举措不再聚在一起 · initiatives marked as different kinds are kept apart; undo puts them back")
    marked_groups(store, groups, "sim_undo_diff_", undo_kind_marks)


def kind_member_row(store, m: dict) -> None:
    """One initiative of a `similar` cluster: name, head noun, street and district (links), kind and articles."""
    c1, c2, c3, c4 = st.columns([3, 1, 4, 2], vertical_alignment="center")
    entity_link(m["initiative"], refs(store, [(m["id"], m["initiative"])])[m["id"]], where=c1)
    c2.caption(md_escape(m["head"]))
    with c3.container(horizontal=True, gap="small"):
        for place in (m["street"], m["district"]):
            if place:
                entity_link(place)
    c4.caption(f"{m['kind']} · {m['articles']} 篇")


def page_path(store, params: dict) -> None:
    st.header("路径 Path finder")
    bind("path_from", "from", params.get("from", ""))
    bind("path_to", "to", params.get("to", ""))
    c1, c2 = st.columns(2)
    source = c1.text_input("起点 From", key="path_from", on_change=write, args=("path_from", ""))
    target = c2.text_input("终点 To", key="path_to", on_change=write, args=("path_to", ""))
    if not (source and target):
        return
    rows = run_query(store, "path", {"source": source, "target": target, "max_hops": 6}).rows
    if not rows:
        st.info("没有路径 (no path within 6 relations)")
    for r in rows:
        with st.container(border=True, key=f"path_{r['path']}"):
            st.caption(f"路径 path {r['path']} · {r['length']} 步 steps")
            steps = path_steps(r)
            if steps is None:
                st.text(r["steps"])
                continue
            with st.container(horizontal=True, gap="small", vertical_alignment="center"):
                for name, step in steps:
                    entity_link(name)
                    if step:
                        st.markdown(f"`{'—' + step[:-2] + '→' if step.endswith('->') else '←' + step[:-2] + '—'}`")


def page_article(store, params: dict) -> None:
    st.header("文章 Articles")
    article_id = params.get("article")
    if not article_id:
        for a in run_query(store, "articles", {"limit": 200}).rows:
            c1, c2 = st.columns([5, 2], vertical_alignment="center")
            link(a["title"] or a["path"], "article", where=c1, article=a["id"])
            c2.caption(" · ".join(x for x in (a.get("date"), f"{a['characters']} 字", f"{a['entities']} entities", a["ingested_at"]) if x))
        return
    a = store.get_article(article_id)
    if a is None:
        st.warning(f"没有这篇文章 (no such article): {article_id}")
        return
    st.subheader(a.title or a.path)
    cited = source_markdown(a.date, a.publisher, a.url)
    if cited:
        st.markdown(cited)
    st.caption(f"{a.path} · {a.encoding} · {a.ingested_at}")
    start, end = params.get("start"), params.get("end")
    span = (int_param(start, 0, 0, len(a.text)), int_param(end, 0, 0, len(a.text))) if start is not None and end is not None else None
    if span and span[0] < span[1]:
        st.markdown(f"<div class='mention'><mark>{html.escape(a.text[span[0]:span[1]])}</mark></div>", unsafe_allow_html=True)
        st.caption(f"引用的句子在下文高亮 · the cited text (characters {span[0]}–{span[1]}) is highlighted below")
    st.markdown(f"<div class='article'>{article_html(store, article_id, *(span or (None, None)))}</div>", unsafe_allow_html=True)


@safe
def stage(files) -> None:
    """Callback: extract the uploaded files, nothing stored yet."""
    from ingest.cleaner import clean_document
    from ingest.extractor import RuleExtractor
    from ingest.html_text import html_to_text, looks_like_html
    from ingest.model import RawDocument
    from ingest.reader import decode_bytes

    staged, problems = [], []
    for f in files or []:
        try:
            text, enc = decode_bytes(f.getvalue(), f.name)
            if f.name.lower().endswith((".html", ".htm")) or looks_like_html(text):
                text = html_to_text(text)
            staged.append(RuleExtractor().extract(clean_document(RawDocument(f.name, text, enc))))
        except GovkgError as exc:
            problems.append(f"{f.name}: {exc}")
    st.session_state["staged"], st.session_state["ingest_problems"] = staged, problems
    st.session_state.pop("ingest_done", None)


@safe
def commit(store) -> None:
    """Callback: write the staged extractions (an article already stored is left as it is)."""
    from ingest.pipeline import IngestReport, Pipeline

    pipeline, report = Pipeline(store), IngestReport()
    for ex in st.session_state.get("staged", []):
        if store.has_article(ex.article.id):
            report.unchanged.append(ex.article.path)
        else:
            pipeline.write_extraction(ex, report)
    st.session_state["ingest_done"] = report.summary()
    st.session_state["staged"] = []


def page_ingest(store, params: dict) -> None:
    st.header("导入 Ingest")
    files = st.file_uploader("文章 Articles (.txt .md .html; UTF-8 / GBK / GB18030)", accept_multiple_files=True, key="upload")
    if files:
        st.button("抽取 Extract", key="extract", on_click=stage, args=(files,))
    for problem in st.session_state.get("ingest_problems", []):
        st.warning(problem)
    if st.session_state.get("ingest_done"):
        st.success(st.session_state["ingest_done"])
    for ex in st.session_state.get("staged", []):
        pred = ex.as_prediction(0.5)
        with st.expander(f"{ex.article.path}: {len(pred['entities'])} entities, {len(pred['relations'])} relations", expanded=True):
            table(pred["entities"], ["name", "type", "kind", "aliases", "confidence"], key=f"st_e_{ex.article.id}")
            table(pred["relations"], ["subject", "predicate", "object", "confidence", "evidence"], key=f"st_r_{ex.article.id}")
    if st.session_state.get("staged"):
        st.button("写入 Commit to store", key="commit", on_click=commit, args=(store,))


RENDER = {"overview": page_overview, "search": page_search, "entity": page_entity, "graph": page_graph, "cobuild": page_cobuild,
          "duplicates": page_duplicates, "path": page_path, "article": page_article, "ingest": page_ingest}
LABEL_TO_PAGE = {label: page for page, label in PAGES.items()}


@safe
def navigate() -> None:
    """Callback of the sidebar: open that page as it was last seen in this session (the current entity kept)."""
    page = LABEL_TO_PAGE[st.session_state["nav"]]
    params = dict(st.session_state.get("_last_views", {}).get(page, {}))
    if page in ("entity", "graph") and st.session_state.get("last_entity"):
        params["entity"] = st.session_state["last_entity"]
    go(page, **params)


def main() -> None:
    st.markdown("<style>.mention,.evidence{padding:.3rem .6rem;border-left:3px solid #F58518;margin:.3rem 0} mark{background:#ffe08a}"
                " .article p{line-height:1.8}"
                " [data-testid='stPageLink'] a{padding:0 .25rem;background:transparent!important}"
                " [data-testid='stPageLink'] a span{color:#1f5fbf!important;font-weight:400!important}"
                " [data-testid='stPageLink'] a:hover span{text-decoration:underline}</style>",
                unsafe_allow_html=True)
    params = url()
    # A link to this same page with other parameters reruns the script but leaves the address bar as it was;
    # saying the parameters back makes the browser record the view (a new history entry only when it changed).
    st.query_params.from_dict(params)
    page = page_of(params)
    st.session_state.setdefault("_last_views", {})[page] = {k: v for k, v in params.items() if k != "page"}
    st.session_state["nav"] = PAGES[page]
    st.sidebar.title("govkg")
    st.sidebar.caption("社区治理知识图谱 · community-governance knowledge graph")
    st.sidebar.radio("页面 Page", list(PAGES.values()), key="nav", on_change=navigate)
    uri = store_uri()
    st.sidebar.caption(f"store: `{uri}`")
    if st.session_state.get("_error"):
        st.error(st.session_state.pop("_error"))
    try:
        store = get_store(uri)
        st.session_state["_version"] = None  # read once per run, when a link first needs it
        RENDER[page](store, params)
    except GovkgError as exc:
        st.error(str(exc))
    except Exception as exc:  # the explorer never shows a traceback
        st.error(f"出错了 Something went wrong: {type(exc).__name__}: {exc}")


# One page holding every view (the view is in the query string), so links are st.page_link to it.
APP = st.Page(main, title="govkg explorer", default=True)
st.navigation([APP], position="hidden").run()
