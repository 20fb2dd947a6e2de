"""Data shaping for the Streamlit explorer: graph elements, safe HTML, store access. No Streamlit here."""

from __future__ import annotations

import html
import os
from dataclasses import dataclass

from graph.base import GraphStore

TYPE_COLOURS = {
    "Area": "#4C78A8", "Community": "#54A24B", "Organization": "#E45756", "Initiative": "#F58518",
    "Award": "#B279A2", "Partnership": "#9D755D", "Article": "#BAB0AC",
}
TYPE_LABELS_ZH = {"Area": "行政区域", "Community": "社区", "Organization": "组织", "Initiative": "举措",
                  "Award": "荣誉", "Partnership": "共建关系", "Article": "文章"}


def store_uri() -> str:
    """The store the explorer opens: $GOVKG_STORE or the default embedded store."""
    from graph.factory import default_store_uri

    return os.environ.get("GOVKG_STORE") or default_store_uri()


def highlight(sentence: str, start: int, end: int) -> str:
    """The sentence as HTML with [start, end) wrapped in <mark>; all article text is escaped."""
    start, end = max(0, start), min(len(sentence), end)
    return f"{html.escape(sentence[:start])}<mark>{html.escape(sentence[start:end])}</mark>{html.escape(sentence[end:])}"


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


def article_html(store: GraphStore, article_id: str, start: int | None = None, end: int | None = None) -> str:
    """A whole article as escaped HTML paragraphs, one span highlighted."""
    a = store.get_article(article_id)
    if a is None:
        return ""
    text = a.text
    body = highlight(text, start, end) if start is not None and end is not None else html.escape(text)
    return "".join(f"<p>{p}</p>" for p in body.split("\n"))


def neighbourhood_elements(store: GraphStore, centre: str, extra: list[str] | None = None, hops: int = 1,
                           predicates: set[str] | None = None, min_confidence: float = 0.0, limit: int = 150) -> dict:
    """Cytoscape elements of the neighbourhood of `centre` (and one hop around expanded nodes), mentions
    excluded, through the `neighbors` query: on Neo4j only that neighbourhood is read, never the graph."""
    from queries import run_query

    preds = ",".join(sorted(predicates)) if predicates else None
    centre_node = store.get_node(centre)
    if centre_node is None:
        return {"nodes": [], "edges": []}
    nodes = {centre: (centre_node.type, centre_node.name, centre_node.kind or "")}
    edges: dict[tuple, dict] = {}
    starts = [(centre, hops)] + [(x, 1) for x in (extra or []) if x != centre]
    for start, depth in starts:
        if start != centre and store.get_node(start) is None:
            continue
        rows = run_query(store, "neighbors", {"entity": start, "hops": depth, "predicates": preds,
                                              "min_confidence": min_confidence, "limit": limit}).rows
        for r in rows:
            if r["id"] not in nodes and len(nodes) >= limit:
                continue
            nodes.setdefault(r["id"], (r["type"], r["name"], r["kind"]))
            src, dst = (r["via_id"], r["id"]) if r["direction"] == "out" else (r["id"], r["via_id"])
            if src in nodes and dst in nodes:
                edges.setdefault((src, r["predicate"], dst), {"id": f"{src}|{r['predicate']}|{dst}", "source": src, "target": dst,
                                                             "label": r["predicate"], "confidence": round(r["confidence"], 2)})
    return {"nodes": [{"data": {"id": n, "label": t, "name": name, "kind": kind, "centre": n == centre}}
                      for n, (t, name, kind) in sorted(nodes.items())],
            "edges": [{"data": e} for _, e in sorted(edges.items())]}


def node_name(store: GraphStore, node_id: str) -> str:
    """Display name of a node id."""
    node = store.get_node(node_id)
    return node.name if node else node_id


def graph_event(event: dict | None) -> tuple[str, list[str]] | None:
    """Decode a streamlit-cytoscape event: ('expand', node ids) or ('open', [node id]), else None.

    Payloads as the component sends them: {"action": "expand", "data": {"node_ids": [...]}} and,
    for an infopanel action, {"action": NAME, "data": {"element_id", "element_group", "element_data"}}.
    """
    if not event:
        return None
    data = event.get("data") or {}
    if event.get("action") == "expand":
        ids = [i for i in data.get("node_ids", []) if i]
        return ("expand", ids) if ids else None
    if event.get("action") == "open" and data.get("element_group") == "nodes" and data.get("element_id"):
        return ("open", [data["element_id"]])
    return None
