"""Data shaping for the Streamlit explorer: graph elements, safe HTML, store access, URL state. No Streamlit here."""

from __future__ import annotations

import hashlib
import html
import os
import re
from dataclasses import dataclass
from urllib.parse import quote

from graph.base import GraphStore
from queries.similar import MARK_PREFIX, kind_marks

TYPE_COLOURS = {
    "Area": "#4C78A8", "Community": "#54A24B", "Organization": "#E45756", "Initiative": "#F58518",
    "Award": "#B279A2", "Partnership": "#9D755D", "Article": "#BAB0AC",
}
TYPE_LABELS_ZH = {"Area": "行政区域", "Community": "社区", "Organization": "组织", "Initiative": "举措",
                  "Award": "荣誉", "Partnership": "共建关系", "Article": "文章"}

# ---------------------------------------------------------------- pages and the URL
# Every view lives in the URL (?page=…&entity=…): the explorer reads it on every run, so back/forward,
# bookmarks and shared links reopen the same view.
PAGES = {"overview": "概览 Overview", "search": "搜索 Search", "entity": "实体 Entity", "graph": "关系图 Graph",
         "cobuild": "共建 Co-building", "duplicates": "重复举措 Duplicates", "path": "路径 Path",
         "article": "文章 Articles", "ingest": "导入 Ingest"}
PAGE_PARAMS = {  # the query parameters each page reads, besides `page`
    "overview": (), "search": ("q", "type"), "entity": ("entity", "edge"),
    "graph": ("entity", "hops", "rel", "conf", "show", "expand", "edge"),
    "cobuild": ("district", "kind", "org", "conf"), "duplicates": ("sim", "ssim", "scope"), "path": ("from", "to"),
    "article": ("article", "start", "end"), "ingest": (),
}
GRAPH_SHOW = 30  # nodes drawn at first; "show more" adds as many again
EXPAND_SHOW = 25  # neighbours a double-click adds

STATUS_WORDS = {
    "similar_separate": ("名称相近，分处不同地方 · 尚未审核", "Similar names in different places — not reviewed yet"),
    "marked_same": ("已确认为同一举措", "Marked as the same initiative"),
    "reported_twice": ("同一举措，多篇文章报道", "One initiative reported by several articles"),
    "marked_different": ("已确认为不同举措", "Marked as different initiatives"),
    "similar": ("做法相近 · 尚未审核", "Doing the same kind of thing — not reviewed yet"),
    "marked_same_kind": ("已确认为同类举措", "Marked as the same kind of initiative"),
    "marked_different_kind": ("已确认为不同类举措", "Marked as different kinds"),
}
SIMILAR_SCOPES = {"any": "全部 All", "across": "跨区 Across districts", "within": "区内 Within one district"}


def page_of(params: dict) -> str:
    """The page a URL names (the overview when it names none or an unknown one)."""
    page = params.get("page") or "overview"
    return page if page in PAGES else "overview"


def view_params(page: str, params: dict) -> dict:
    """The URL of a view: its page and only the parameters that page reads (empty ones dropped)."""
    keep = {k: str(v) for k, v in params.items() if k in PAGE_PARAMS.get(page, ()) and v not in (None, "", [], ())}
    return {"page": page, **keep}


def query_string(params: dict) -> str:
    """`?page=…&…` with only the characters that would break a query string escaped (names stay readable)."""
    return "?" + "&".join(f"{k}={quote(str(v), safe='')}" for k, v in params.items())


def entity_url(ref: str) -> str:
    """The relative URL of an entity's profile (for table link columns)."""
    return f"?page=entity&entity={quote(ref, safe='')}"


def int_param(value, default: int, low: int, high: int) -> int:
    """A whole number from the URL, clamped to [low, high]; the default when it is not one."""
    try:
        return max(low, min(high, int(str(value))))
    except (TypeError, ValueError):
        return default


def float_param(value, default: float, low: float, high: float) -> float:
    """A number from the URL, clamped to [low, high]; the default when it is not one."""
    try:
        return max(low, min(high, float(str(value))))
    except (TypeError, ValueError):
        return default


def list_param(value, allowed) -> list[str]:
    """Comma-separated names from the URL, only those allowed, in the allowed order."""
    given = set(str(value or "").split(","))
    return [a for a in allowed if a in given]


def link_ref(store: GraphStore, node_id: str, name: str) -> str:
    """What a link to a node puts in the URL: its name when the name finds exactly that node, else its id."""
    from ingest.resolve import normalize_name

    hits = {n.id for n in store.nodes_by_alias([normalize_name(name)]) if n.type != "Article"}
    return name if hits == {node_id} else node_id


def store_uri() -> str:
    """The store the explorer opens: $GOVKG_STORE or the default embedded store."""
    from graph.factory import default_store_uri

    return os.environ.get("GOVKG_STORE") or default_store_uri()


# ---------------------------------------------------------------- text
def highlight(sentence: str, start: int, end: int) -> str:
    """The sentence as HTML with [start, end) wrapped in <mark>; all article text is escaped."""
    start, end = max(0, start), min(len(sentence), end)
    return f"{html.escape(sentence[:start])}<mark>{html.escape(sentence[start:end])}</mark>{html.escape(sentence[end:])}"


def highlight_terms(sentence: str, terms) -> str:
    """The sentence as escaped HTML with every occurrence of the terms (longest first) in <b>."""
    terms = sorted({t for t in terms if t}, key=len, reverse=True)
    if not terms:
        return html.escape(sentence)
    pattern = re.compile("|".join(re.escape(t) for t in terms))
    out, last = [], 0
    for m in pattern.finditer(sentence):
        out += [html.escape(sentence[last:m.start()]), f"<b>{html.escape(m.group())}</b>"]
        last = m.end()
    return "".join(out) + html.escape(sentence[last:])


@dataclass
class Mention:
    """A mention of an entity with its sentence, ready to show."""

    article_id: str
    article_title: str
    sentence_html: str
    start: int
    end: int


def mentions_with_sentences(store: GraphStore, node_id: str, limit: int = 50) -> list[Mention]:
    """Mentions of a node with the containing sentence highlighted."""
    out = []
    titles = {a.id: a.title for a in store.iter_articles(with_text=False)}
    sentences: dict[str, list[tuple[int, int, int]]] = {}
    for m in store.mentions_of(node_id)[:limit]:
        spans = sentences.setdefault(m.article_id, store.sentences_of(m.article_id))
        s_start, s_end = next(((s, e) for _, s, e in spans if s <= m.start < e), (m.start, m.end))
        text = store.sentence_text(m.article_id, s_start, s_end)
        out.append(Mention(m.article_id, titles.get(m.article_id, m.article_id), highlight(text, m.start - s_start, m.end - s_start), m.start, m.end))
    return out


@dataclass
class Evidence:
    """A sentence stating a relation: where it is (article, sentence, character offsets) and its text."""

    article_id: str
    article_title: str
    sentence_index: int
    start: int
    end: int
    sentence_html: str
    confidence: float
    article_date: str | None = None
    article_url: str | None = None
    article_publisher: str | None = None


def edge_evidence(store: GraphStore, edge_id: str, names=()) -> list[Evidence]:
    """Every evidence sentence of a relation, the names of its ends in bold."""
    out, articles = [], {}
    for ev in store.evidence_of(edge_id):
        if ev.article_id not in articles:
            articles[ev.article_id] = store.get_article(ev.article_id)
        a = articles[ev.article_id]
        text = a.text[ev.start:ev.end] if a else ""
        out.append(Evidence(ev.article_id, a.title if a else ev.article_id, ev.sentence_index, ev.start, ev.end,
                            highlight_terms(text, names), ev.confidence, *((a.date, a.url, a.publisher) if a else ())))
    return out


def _markdown_text(text: str) -> str:
    """Text shown literally in Streamlit markdown (no HTML, no markdown syntax)."""
    return re.sub(r"([\\`*_{}\[\]()<>#+!|~$-])", r"\\\1", html.escape(text, quote=False))


def source_markdown(date: str | None, publisher: str | None, url: str | None) -> str:
    """The line that cites an article in the explorer: date · publisher · a link to its URL (http(s) only),
    each part left out when unknown; '' when nothing is known."""
    parts = [_markdown_text(x) for x in (date, publisher) if x]
    if url and re.match(r"https?://[^\s<>()\[\]\"']+$", url):
        parts.append(f"[原文 source]({url})")
    return " · ".join(parts)


def article_html(store: GraphStore, article_id: str, start: int | None = None, end: int | None = None) -> str:
    """A whole article as escaped HTML paragraphs, one span highlighted."""
    a = store.get_article(article_id)
    if a is None:
        return ""
    text = a.text
    body = highlight(text, start, end) if start is not None and end is not None else html.escape(text)
    return "".join(f"<p>{p}</p>" for p in body.split("\n"))


# ---------------------------------------------------------------- graph
# Animated, so the layout's own fit (with padding) comes after the component's fit-on-resize (without)
GRAPH_LAYOUT = {"name": "fcose", "quality": "default", "randomize": True, "animate": True, "animationDuration": 700,
                "fit": True, "padding": 45,
                "nodeDimensionsIncludeLabels": True, "nodeRepulsion": 7000, "idealEdgeLength": 90, "nodeSeparation": 75,
                "numIter": 2500}


def neighbourhood_elements(store: GraphStore, centre: str, extra: list[str] | None = None, hops: int = 1,
                           predicates: set[str] | None = None, min_confidence: float = 0.0, limit: int = 150,
                           expand_limit: int = EXPAND_SHOW) -> dict:
    """Cytoscape elements of the neighbourhood of `centre` (and one hop around expanded nodes), mentions
    excluded, through the `neighbors` query: on Neo4j only that neighbourhood is read, never the graph.

    At most `limit` nodes of the centre's neighbourhood are kept, nearest first (plus up to `expand_limit`
    around each expanded node); `total` counts what the filters allow. Each edge carries the names of its
    ends and its first evidence sentence."""
    from queries import run_query

    preds = ",".join(sorted(predicates)) if predicates else None
    centre_node = store.get_node(centre)
    if centre_node is None:
        return {"nodes": [], "edges": [], "total": 0}
    nodes = {centre: (centre_node.type, centre_node.name, centre_node.kind or "")}
    found: set[str] = {centre}
    edges: dict = {}
    starts = [(centre, hops, limit)] + [(x, 1, expand_limit) for x in dict.fromkeys(extra or []) if x != centre]
    for start, depth, cap in starts:
        if start not in nodes:  # an expanded node no longer drawn (filters changed): nothing to hang on it
            continue
        rows = run_query(store, "neighbors", {"entity": start, "hops": depth, "predicates": preds,
                                              "min_confidence": min_confidence, "limit": 100000}).rows
        added = 0
        for r in rows:
            found.add(r["id"])
            if r["id"] not in nodes:
                if (len(nodes) >= limit if start == centre else added >= cap):
                    continue
                added += 1
                nodes[r["id"]] = (r["type"], r["name"], r["kind"])
            src, dst = (r["via_id"], r["id"]) if r["direction"] == "out" else (r["id"], r["via_id"])
            if src in nodes and dst in nodes:
                edges.setdefault((src, r["predicate"], dst), (r["edge_id"] or f"{src}|{r['predicate']}|{dst}", r["confidence"]))
    sentences = store.evidence_sentences([eid for eid, _ in edges.values()], 1)
    # readable fields first: the component's info panel lists them in this order
    return {"nodes": [{"data": {"name": name, "kind": kind, "label": t, "id": n, "centre": n == centre}}
                      for n, (t, name, kind) in sorted(nodes.items())],
            "edges": [{"data": {"relation": relation_text(nodes[src][1], pred, nodes[dst][1]),
                                "evidence": (sentences.get(eid) or [""])[0], "confidence": round(conf, 2),
                                "label": pred, "id": eid, "source": src, "target": dst}}
                      for (src, pred, dst), (eid, conf) in sorted(edges.items())],
            "total": len(found)}


def relation_text(source: str, predicate: str, target: str) -> str:
    """`A → PART_OF 隶属于 → B`; a symmetric relation (共建) reads both ways: `A ↔ COOPERATES_WITH 共建 ↔ B`."""
    from ontology import ONTOLOGY

    spec = ONTOLOGY.relations.get(predicate)
    arrow = "↔" if spec and spec.symmetric else "→"
    return f"{source} {arrow} {predicate}{' ' + spec.label_zh if spec else ''} {arrow} {target}"


def graph_key(elements: dict) -> str:
    """A component key that changes whenever the drawn elements change: the graph is mounted afresh,
    so its layout runs again and fits every node in view."""
    ids = [n["data"]["id"] for n in elements["nodes"]] + [e["data"]["id"] for e in elements["edges"]]
    return "cy_" + hashlib.sha1("\x1f".join(ids).encode("utf-8")).hexdigest()[:12]


def node_name(store: GraphStore, node_id: str) -> str:
    """Display name of a node id."""
    node = store.get_node(node_id)
    return node.name if node else node_id


def graph_event(event: dict | None) -> tuple[str, list[str]] | None:
    """Decode a streamlit-cytoscape event: ('expand', node ids), ('open' or 'centre', [node id]) or
    ('edge', [edge id]), else None.

    Payloads as the component sends them: {"action": "expand", "data": {"node_ids": [...]}}; for an
    infopanel action {"action": NAME, "data": {"element_id", "element_group", "element_data"}}; for the
    edge tap listener {"action": "edge", "data": {"type": "tap", "target_id", "target_group": "edges"}}.
    """
    if not event:
        return None
    data = event.get("data") or {}
    action = event.get("action")
    if action == "expand":
        ids = [i for i in data.get("node_ids", []) if i]
        return ("expand", ids) if ids else None
    if action in ("open", "centre") and data.get("element_group") == "nodes" and data.get("element_id"):
        return (action, [data["element_id"]])
    if action == "edge" and data.get("target_group") == "edges" and data.get("target_id"):
        return ("edge", [data["target_id"]])
    return None


# ---------------------------------------------------------------- overview, duplicates
def ranked_pairs(rows: list[dict], limit: int = 15) -> list[dict]:
    """Organization ↔ community pairs of `cobuild` rows, best supported first: by the number of distinct
    evidence sentences, then the best confidence, then the number of links (partnerships, shared initiatives)."""
    pairs: dict[tuple[str, str], dict] = {}
    for r in rows:
        p = pairs.setdefault((r["organization"], r["community"]), {
            "organization": r["organization"], "community": r["community"], "ways": [], "sentences": set(),
            "confidence": 0.0, "links": 0, "street": r.get("street", ""), "district": r.get("district", "")})
        p["links"] += 1
        p["confidence"] = max(p["confidence"], float(r.get("confidence") or 0.0))
        way = r.get("initiative") or r.get("partnership_kind") or ""
        if way and way not in p["ways"]:
            p["ways"].append(way)
        p["sentences"].update(s for s in (r.get("evidence") or "").split(" | ") if s)
    out = []
    for p in pairs.values():
        out.append({**p, "ways": "、".join(p["ways"]), "evidence": len(p.pop("sentences")), "confidence": round(p["confidence"], 3)})
    out.sort(key=lambda p: (-p["evidence"], -p["confidence"], -p["links"], p["organization"], p["community"]))
    return out[:limit]


def cluster_rows(rows: list[dict]) -> list[dict]:
    """`duplicates` or `similar` rows as clusters: number, status (in plain words), similarity, member rows,
    ids, and (for `similar`) why they hold together."""
    clusters: dict[int, dict] = {}
    for r in rows:
        c = clusters.setdefault(r["cluster"], {"cluster": r["cluster"], "status": r["status"], "similarity": r["similarity"], "members": []})
        c["members"].append(r)
    for c in clusters.values():
        c["ids"] = [m["id"] for m in c["members"]]
        c["words"] = STATUS_WORDS.get(c["status"], (c["status"], c["status"]))
        c["why"] = c["members"][0].get("why", "")
    return list(clusters.values())


def different_groups(marks: dict[tuple[str, str], str]) -> list[list[str]]:
    """Node ids joined by "different" (name) marks, as groups (connected pieces), in a stable order;
    same-kind verdicts of the `similar` view (their own namespace) are not among them."""
    parent: dict[str, str] = {}
    marks = {p: v for p, v in marks.items() if not p[0].startswith(MARK_PREFIX)}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for (a, b), verdict in sorted(marks.items()):
        if verdict == "different":
            parent[find(a)] = find(b)
    groups: dict[str, list[str]] = {}
    for x in sorted(parent):
        groups.setdefault(find(x), []).append(x)
    return sorted(groups.values())


def different_kind_groups(marks: dict[tuple[str, str], str]) -> list[list[str]]:
    """Initiative ids joined by "different kind" verdicts of the `similar` view, as groups."""
    return different_groups({p: v for p, v in kind_marks(marks).items() if v == "different"})


def kind_marked_pairs(ids: list[str], marks: dict[tuple[str, str], str]) -> list[tuple[str, str]]:
    """Every same-kind verdict among these initiatives, as the mark keys undo clears (`kind_pair` keys)."""
    return marked_pairs([MARK_PREFIX + x for x in ids], marks)


def marked_pairs(ids: list[str], marks: dict[tuple[str, str], str]) -> list[tuple[str, str]]:
    """Every marked pair among these node ids (what undo clears)."""
    ids = sorted(set(ids))
    return [(a, b) for i, a in enumerate(ids) for b in ids[i + 1:] if (a, b) in marks]


def path_steps(row: dict) -> list[tuple[str, str]] | None:
    """A `path` row as [(name, step to the next: '-[P]->' or '-[P]<-'), …, (last name, '')], or None
    when the row cannot be split safely (a name that contains the separators)."""
    names = row["nodes"].split(" / ")
    arrows = re.findall(r"-\[([A-Z_]+)\](->|<-)", row["steps"])
    if len(arrows) != len(names) - 1 or len(names) != row["length"] + 1:
        return None
    return [(n, f"{p}{d}" if k < len(arrows) else "") for k, (n, (p, d)) in enumerate(zip(names, arrows + [("", "")]))]
