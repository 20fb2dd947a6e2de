"""similar: initiatives that do the same kind of thing (community canteens, micro-renewal projects,
community funds) under different names, within and across districts, each cluster with why.

Beside `duplicates` (one initiative, several names): here the name's head noun and key terms and
the sentences that mention it are compared (queries/similarity.py). Planners' verdicts are store
marks in their own namespace (`kind_pair`), so "same kind" never means "same initiative"; a
`duplicates` "same" mark (one initiative) counts as same kind too.
"""

from __future__ import annotations

from collections import Counter

import networkx as nx

from core.names import normalize_name
from graph.base import GraphStore
from graph.traversal import graph_of, nodes_by_type
from queries.cypher import N
from queries.duplicate_keys import core_name
from queries.duplicates import DUPLICATE_SUBGRAPH, PLACE_NAMES, PLACE_NAMES_SQL
from queries.helpers import limit_param, place_or_runners, roll_up
from queries.registry import Param, QuerySpec, ontology_kinds, register
from queries.similarity import Context, Item, SimilarityIndex, build_profiles

MARK_PREFIX = "similar:"
SCOPES = ("any", "across", "within")
UNNAMED = ("Partnership", "Article")  # their mentions span a whole clause: not masked out of sentences


def kind_pair(a: str, b: str) -> tuple[str, str]:
    """The mark key of a same-kind verdict on two initiatives: `store.set_mark(*kind_pair(a, b), "same")`."""
    return MARK_PREFIX + a, MARK_PREFIX + b


def kind_marks(marks: dict[tuple[str, str], str]) -> dict[tuple[str, str], str]:
    """Same-kind verdicts by plain node pair (sorted): this query's marks, plus `duplicates` "same" marks."""
    out = {p: v for p, v in marks.items() if v == "same" and not p[0].startswith(MARK_PREFIX)}
    for (a, b), v in marks.items():
        if a.startswith(MARK_PREFIX) and b.startswith(MARK_PREFIX):
            x, y = a[len(MARK_PREFIX):], b[len(MARK_PREFIX):]
            out[(min(x, y), max(x, y))] = v
    return out


def embedded(store: GraphStore, min_similarity=45.0, kind=None, scope="any", limit=200) -> list[dict]:
    """Clusters on the store's cached graph; mention sentences read once per graph version."""
    g = graph_of(store)
    if "similar_contexts" not in g.graph:
        named = {n for n, d in g.nodes(data=True) if d["type"] not in UNNAMED}
        g.graph["similar_contexts"] = store_contexts(store, set(nodes_by_type(g, "Initiative")), named)
        g.graph["similar_places"] = [d["name"] for _, d in g.nodes(data=True) if d["type"] in ("Area", "Community")]
    return similar_on_graph(store, g, g.graph["similar_places"], g.graph["similar_contexts"], float(min_similarity), kind,
                            scope or "any", int(limit))


def store_contexts(store: GraphStore, initiatives: set[str], named: set[str]) -> list[Context]:
    """Every sentence that mentions an initiative, with the mentions of named entities (`named` ids) in it;
    GraphStore calls only."""
    mentions = list(store.iter_mentions())
    wanted = {(m.article_id, m.sentence_index) for m in mentions if m.node_id in initiatives}
    spans: dict[tuple[str, int], set] = {k: set() for k in wanted}
    for m in mentions:
        if (m.article_id, m.sentence_index) in spans and m.node_id in named:
            spans[(m.article_id, m.sentence_index)].add((m.node_id, m.start, m.end))
    articles = {a for a, _ in wanted}
    texts = {a.id: a.text for a in store.iter_articles(with_text=True) if a.id in articles}  # one read, sliced here
    out = []
    for article in sorted(articles):
        for idx, start, end in store.sentences_of(article):
            if (article, idx) in spans:
                out.append(Context(article, idx, start, texts[article][start:end], tuple(sorted(spans[(article, idx)]))))
    return out


def similar_on_graph(store: GraphStore, g: nx.MultiDiGraph, place_names: list[str], contexts: list[Context],
                     threshold: float, kind, scope: str, limit: int) -> list[dict]:
    """The clustering and rows of `similar` on any graph holding initiatives, runners and places; the index
    is kept on `g` per kind filter, a call clusters, places and explains only the clusters it returns."""
    cache = g.graph.setdefault("similar_index", {})
    if kind not in cache:  # built once per graph version and kind filter
        places = {normalize_name(p) for p in place_names}
        longest = max(map(len, places), default=0)
        items = [Item(n, d["name"], d["kind"] or "", core_name(d["name"], places, longest))
                 for n, d in sorted(g.nodes(data=True)) if d["type"] == "Initiative" and (not kind or d["kind"] == kind)]
        cache[kind] = SimilarityIndex(build_profiles(items, contexts))
    index: SimilarityIndex = cache[kind]
    marks = kind_marks(store.marks())
    found = sorted(index.clusters(threshold / 100.0, marks), key=lambda c: (-len(c[0]), -c[1], index.profiles[c[0][0]].item.name))
    rows: list[dict] = []
    number = 0
    for members, best in found:
        where = [place_of(g, index.profiles[i].item.id) for i in members]
        districts = sorted({w["district"] for w in where if w["district"]})
        if scope == "across" and len(districts) < 2 or scope == "within" and len(districts) > 1:
            continue
        number += 1
        ids = [index.profiles[i].item.id for i in members]
        same = all(marks.get((min(ids[0], x), max(ids[0], x))) == "same" for x in ids[1:])
        why = explain(index, members, districts, where)
        for i, w in zip(members, where):
            p = index.profiles[i]
            rows.append({"cluster": number, "status": "marked_same_kind" if same else "similar", "similarity": round(best * 100, 1),
                         "initiative": p.item.name, "id": p.item.id, "kind": p.item.kind, "head": p.head,
                         "street": w["street"], "district": w["district"], "articles": len(p.articles), "why": why})
        if len(rows) >= limit:
            break
    return rows[:limit]


def explain(index: SimilarityIndex, members: list[int], districts: list[str], where: list[dict]) -> str:
    """Why a cluster holds together: shared terms, kinds, places, articles."""
    profiles = [index.profiles[i] for i in members]
    kinds = Counter(p.item.kind or "?" for p in profiles)
    articles = {a for p in profiles for a in p.articles}
    streets = sorted({w["street"] for w in where if w["street"]})
    if len(districts) > 1:
        place = f"across {len(districts)} districts: {'、'.join(districts)}"
    elif districts:
        place = f"within {districts[0]}" + (f" ({'、'.join(streets)})" if streets else "")
    else:
        place = "place unknown"
    kind_text = "、".join(f"{k}×{n}" if n > 1 else k for k, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))
    return (f"shared terms: {'、'.join(index.shared_terms(members)) or '—'}; kind: {kind_text}; {place}; "
            f"{len(articles)} article{'s' if len(articles) != 1 else ''}")


def place_of(g: nx.MultiDiGraph, node: str) -> dict:
    """Street and district of an initiative, else of the first of its runners (by id) that has one (kept on `g`)."""
    memo = g.graph.setdefault("similar_place", {})
    if node not in memo:
        memo[node] = _place_of(g, node)
    return memo[node]


def _place_of(g: nx.MultiDiGraph, node: str) -> dict:
    runners = sorted({u for u, _, d in g.in_edges(node, data=True) if d["predicate"] == "RUNS"})
    return place_or_runners(roll_up(g, node), runners, lambda u: roll_up(g, u))


CONTEXTS = f"""MATCH (:Initiative)-[m:MENTIONED_IN]->(a:Article)
WITH DISTINCT a, m.sentence_index AS s
WITH a, s, a.sentence_starts[s] AS start, a.sentence_ends[s] AS end
MATCH (x:{N})-[o:MENTIONED_IN]->(a) WHERE o.sentence_index = s AND NOT x.type IN {list(UNNAMED)!r}
RETURN a.id AS article, s AS sentence, start, substring(a.text, start, end - start) AS text,
       collect(DISTINCT [x.id, o.start, o.end]) AS mentions"""


def cypher(store, p: dict) -> list[dict]:
    """Cypher fetches initiatives, runners, places and mention sentences once per graph version
    (store.query_index, with the similarity index kept on that graph); the shared code clusters them."""
    g, place_names, contexts = store.query_index("similar", lambda: cypher_inputs(store))
    return similar_on_graph(store, g, place_names, contexts, float(p["min_similarity"]), p["kind"], p["scope"] or "any", int(p["limit"]))


def cypher_inputs(store) -> tuple[nx.MultiDiGraph, list[str], list[Context]]:
    """The graph of initiatives, their runners and places, the place names and the mention sentences, by Cypher."""
    g = nx.MultiDiGraph()
    for r in store.read_cypher(DUPLICATE_SUBGRAPH, kind=None):
        g.add_node(r["id"], type="Initiative", kind=r["kind"], name=r["name"], aliases=tuple(r["aliases"] or []))
        for pid, name, typ, kind in r["places"]:
            if pid:
                g.add_node(pid, type=typ, kind=kind, name=name, aliases=())
        for rid, name, typ, kind, eid, conf in r["runners"]:
            if rid:
                g.add_node(rid, type=typ, kind=kind, name=name, aliases=())
                g.add_edge(rid, r["id"], key=eid, predicate="RUNS", confidence=conf)
        for path in r["up_paths"] + r["runner_paths"]:
            for eid, u, v, pred in path:
                if not g.has_edge(u, v, key=eid):
                    g.add_edge(u, v, key=eid, predicate=pred, confidence=1.0)
    contexts = [Context(r["article"], r["sentence"], r["start"], r["text"],
                        tuple(sorted((x, int(s), int(e)) for x, s, e in r["mentions"]))) for r in store.read_cypher(CONTEXTS)]
    place_names = [r["name"] for r in store.read_cypher(PLACE_NAMES)]
    return g, place_names, contexts

# Initiatives, their runners and every place within 6 PART_OF / LOCATED_IN hops above either: the part of
# the graph `similar` places its clusters on.
SUBGRAPH_NODES_SQL = """WITH RECURSIVE up(id, depth) AS (
  SELECT id, 0 FROM nodes WHERE type = 'Initiative'
  UNION
  SELECT e.src, 0 FROM edges e JOIN nodes i ON i.id = e.dst WHERE e.predicate = 'RUNS' AND i.type = 'Initiative'
  UNION
  SELECT e.dst, up.depth + 1 FROM up JOIN edges e ON e.src = up.id
  WHERE up.depth < 6 AND e.predicate IN ('PART_OF', 'LOCATED_IN')
)
SELECT n.id AS id, n.name AS name, n.type AS type, n.kind AS kind FROM nodes n WHERE n.id IN (SELECT id FROM up) ORDER BY n.id"""
SUBGRAPH_EDGES_SQL = """SELECT e.id AS id, e.src AS src, e.dst AS dst, e.predicate AS predicate, e.confidence AS confidence
FROM edges e JOIN nodes d ON d.id = e.dst
WHERE (e.predicate = 'RUNS' AND d.type = 'Initiative') OR e.predicate IN ('PART_OF', 'LOCATED_IN') ORDER BY e.id"""
NAMED_SQL = f"SELECT id FROM nodes WHERE type NOT IN ({', '.join(repr(t) for t in UNNAMED)})"


def sql_inputs(store) -> tuple[nx.MultiDiGraph, list[str], list[Context]]:
    """The graph of initiatives, their runners and places, the place names and the mention sentences, from the tables."""
    g = nx.MultiDiGraph()
    for r in store.read_sql(SUBGRAPH_NODES_SQL):
        g.add_node(r["id"], type=r["type"], kind=r["kind"], name=r["name"], aliases=())
    for r in store.read_sql(SUBGRAPH_EDGES_SQL):
        if r["src"] in g and r["dst"] in g:
            g.add_edge(r["src"], r["dst"], key=r["id"], predicate=r["predicate"], confidence=r["confidence"])
    initiatives = {n for n, d in g.nodes(data=True) if d["type"] == "Initiative"}
    contexts = store_contexts(store, initiatives, {r["id"] for r in store.read_sql(NAMED_SQL)})
    return g, [r["name"] for r in store.read_sql(PLACE_NAMES_SQL)], contexts


def sql(store, p: dict) -> list[dict]:
    """`embedded` on the part of the graph it needs (sql_inputs, read once per store version), not the whole graph."""
    g, place_names, contexts = store.query_index("similar", lambda: sql_inputs(store))
    return similar_on_graph(store, g, place_names, contexts, float(p["min_similarity"]), p["kind"], p["scope"] or "any", int(p["limit"]))


SPEC = register(QuerySpec(
    "similar", "Clusters of initiatives that do the same kind of thing (head noun, key terms, mention sentences), with why.",
    ("cluster", "status", "similarity", "initiative", "id", "kind", "head", "street", "district", "articles", "why"),
    (Param("min_similarity", float, 45.0, "0-100", minimum=0.0, maximum=100.0),
     Param("kind", str, None, "initiative kind", choices=ontology_kinds("Initiative"), what="Initiative kind"),
     Param("scope", str, "any", "any, across (2+ districts) or within (one district)", choices=lambda: SCOPES, what="scope"),
     limit_param(200)),
    embedded, cypher,
    lambda: [("similar", DUPLICATE_SUBGRAPH, {"kind": None}), ("similar_contexts", CONTEXTS, {}), ("place_names", PLACE_NAMES, {})],
    sql=sql))
