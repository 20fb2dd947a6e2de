"""Near-duplicate initiatives across places: blocking on rare character bigrams, rapidfuzz scoring,
union-find clusters, reviewer marks respected. Scales without all-to-all comparison."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz

from graph.base import GraphStore
from graph.traversal import graph_of, nodes_by_type
from ingest.resolve import normalize_name
from ingest.lexicon import SUFFIXES
from ingest.mentions import is_generic_word
import networkx as nx

from queries.cypher import N
from queries.helpers import attach_evidence, limit_param, roll_up
from queries.registry import Param, QuerySpec, ontology_kinds, register

_ORDINAL = re.compile(r"第[0-9一二三四五六七八九十百]+[届期季次轮批]|(?:19|20)[0-9]{2}年度?|[0-9一二三四五六七八九十]+期")
_DIGITS = re.compile(r"[0-9一二三四五六七八九十百千两]")
BUCKET_CAP = 300
BUCKET_FLOOR = 50
RARE_GRAMS = 3


@dataclass
class Item:
    """One initiative prepared for comparison."""

    id: str
    name: str
    kind: str
    core: str


def core_name(name: str, places: set[str], longest: int) -> str:
    """The comparable part of a name: no quotes, ordinals or leading place names."""
    core = _ORDINAL.sub("", normalize_name(name))
    stripped = True
    while stripped:
        stripped = False
        for n in range(min(longest, len(core) - 2), 1, -1):
            if core[:n] in places:
                core = core[n:]
                stripped = True
                break
    return core


def _common_suffix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def similarity(a: str, b: str) -> float:
    """0–100 similarity of two cores, judged on what differs after their shared tail.

    五线工作法/五步工作法 (different leading words) and 童祥公益发展中心/乐佳公益发展中心
    (a shared generic tail) score low; 邻里食堂/邻里食堂 and 共享食堂/邻里共享食堂 score high.
    """
    if _DIGITS.findall(a) != _DIGITS.findall(b):
        return 0.0
    common = _common_suffix(a, b)
    head_a, head_b = a[: len(a) - common], b[: len(b) - common]
    if not head_a and not head_b:
        return 100.0
    if head_a and head_b:
        return float(fuzz.ratio(head_a, head_b)) if common >= 2 else float(fuzz.ratio(a, b))
    shared = a[len(a) - common :]
    if len(shared) < 3 or is_generic_word(shared) or shared in SUFFIXES:
        return float(fuzz.ratio(a, b))
    return 90.0  # one name is the other with a qualifier in front


def candidate_pairs(items: list[Item]) -> set[tuple[int, int]]:
    """Pairs sharing one of their rarest bigrams (same kind), never all-to-all."""
    grams = [{c[i : i + 2] for i in range(len(c) - 1)} or {c} for c in (it.core for it in items)]
    df = Counter(g for gs in grams for g in gs)
    common = max(BUCKET_FLOOR, int(len(items) ** 0.5) * 2)
    buckets: dict[tuple[str, str], list[int]] = defaultdict(list)
    for idx, gs in enumerate(grams):
        ranked = sorted(gs, key=lambda g: (df[g], g))
        rare = [g for g in ranked if df[g] <= common][:RARE_GRAMS] or ranked[:1]
        for g in rare:
            buckets[(items[idx].kind, g)].append(idx)
    pairs: set[tuple[int, int]] = set()
    for members in buckets.values():
        if len(members) < 2:
            continue
        members = sorted(members, key=lambda i: (len(items[i].core), items[i].core))[:BUCKET_CAP]
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                pairs.add((members[x], members[y]))
    return pairs


def scored_pairs(items: list[Item]) -> list[tuple[float, int, int]]:
    """Similarity of every candidate pair worth keeping (≥ 50), best first."""
    out = []
    for i, j in candidate_pairs(items):
        s = similarity(items[i].core, items[j].core)
        if s >= 50:
            out.append((s, i, j))
    out.sort(reverse=True)
    return out


def _cut(ranked: list[tuple[float, int, int]], threshold: float) -> int:
    """Number of leading pairs (sorted best first) scoring at least `threshold` (binary search)."""
    lo, hi = 0, len(ranked)
    while lo < hi:
        mid = (lo + hi) // 2
        if ranked[mid][0] >= threshold:
            lo = mid + 1
        else:
            hi = mid
    return lo


def cluster_items(items: list[Item], threshold: float, marks: dict[tuple[str, str], str],
                  pairs: list[tuple[float, int, int]] | None = None) -> list[tuple[list[int], float]]:
    """Union-find clusters of similar items (score ≥ threshold or marked same; never marked different)."""
    parent = list(range(len(items)))
    best = defaultdict(float)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    index = {it.id: i for i, it in enumerate(items)}
    ranked = pairs if pairs is not None else scored_pairs(items)
    scored = ranked[: _cut(ranked, threshold)]
    for (a, b), verdict in marks.items():
        if verdict == "same" and a in index and b in index:
            scored.append((100.0, index[a], index[b]))
    for s, i, j in sorted(scored, reverse=True):
        pair = tuple(sorted((items[i].id, items[j].id)))
        if marks.get(pair) == "different":
            continue
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[rj] = ri
            best[ri] = max(best[ri], best[rj], s)
    groups = defaultdict(list)
    for i in range(len(items)):
        groups[find(i)].append(i)
    return [(sorted(m), best[r]) for r, m in groups.items() if len(m) > 1]


def embedded(store: GraphStore, min_similarity=85.0, kind=None, limit=100) -> list[dict]:
    """Clusters of near-duplicate initiatives in different places, and initiatives reported by several articles."""
    g = graph_of(store)
    if "place_names" not in g.graph:  # counted once per graph, like the other indexes
        g.graph["place_names"] = [d["name"] for _, d in g.nodes(data=True) if d["type"] in ("Area", "Community")]
        for n in nodes_by_type(g, "Initiative"):
            g.nodes[n]["articles"] = sum(1 for _, _, e in g.out_edges(n, data=True) if e["predicate"] == "MENTIONED_IN")
    return duplicates_on_graph(store, g, g.graph["place_names"], float(min_similarity), int(limit), kind)


def duplicates_on_graph(store: GraphStore, g, place_names: list[str], min_similarity: float, limit: int, kind=None) -> list[dict]:
    """The clustering and rows of `duplicates` on any graph holding initiatives, runners and places."""
    cache = g.graph.setdefault("duplicate_index", {})
    if kind not in cache:  # an index like the others: built once per graph version
        places = {normalize_name(p) for p in place_names}
        longest = max(map(len, places), default=0)
        items = [Item(n, d["name"], d["kind"] or "", core_name(d["name"], places, longest))
                 for n, d in sorted(g.nodes(data=True)) if d["type"] == "Initiative" and (not kind or d["kind"] == kind)]
        cache[kind] = (items, scored_pairs(items))
    items, pairs = cache[kind]
    marks = store.marks()
    rows = []
    cluster_no = 0
    for members, score in sorted(cluster_items(items, min_similarity, marks, pairs), key=lambda c: (-c[1], items[c[0][0]].name)):
        cluster_no += 1
        ids = [items[i].id for i in members]
        marked_same = all(marks.get(tuple(sorted((ids[0], x)))) == "same" for x in ids[1:])
        for i in members:
            rows.append(_dup_row(store, g, cluster_no, items[i], "marked_same" if marked_same else "similar_separate", score))
        if len(rows) >= limit:
            return attach_evidence(store, rows, 1, limit, cap=2)
    for it in items:
        if len(rows) >= limit:
            break
        if g.nodes[it.id].get("articles", 0) >= 2:
            cluster_no += 1
            rows.append(_dup_row(store, g, cluster_no, it, "reported_twice", 100.0))
    return attach_evidence(store, rows, 1, limit, cap=2)


def _dup_row(store, g, cluster: int, it: Item, status: str, score: float) -> dict:
    runs = sorted(((u, k) for u, _, k, d in g.in_edges(it.id, keys=True, data=True) if d["predicate"] == "RUNS"), key=lambda x: x[1])
    runners = sorted(g.nodes[u]["name"] for u, _ in runs)
    place = roll_up(g, it.id)
    if not place["street"] and not place["district"]:
        for u, _ in sorted(runs):
            place = roll_up(g, u)
            if place["street"] or place["district"]:
                break
    return {"cluster": cluster, "status": status, "similarity": round(score, 1), "initiative": it.name, "id": it.id,
            "kind": it.kind, "runners": "、".join(runners), "street": place["street"], "district": place["district"],
            "articles": g.nodes[it.id].get("articles", 0), "_edges": [k for _, k in runs]}


DUPLICATE_SUBGRAPH = f"""MATCH (i:Initiative)
WHERE $kind IS NULL OR i.kind = $kind
OPTIONAL MATCH (i)-[up:PART_OF|LOCATED_IN*1..6]->(p:{N})
OPTIONAL MATCH (r:{N})-[ru:RUNS]->(i)
OPTIONAL MATCH (r)-[rp:PART_OF|LOCATED_IN*1..6]->(q:{N})
RETURN i.id AS id, i.name AS name, i.kind AS kind, i.aliases AS aliases,
       COUNT {{ MATCH (i)-[:MENTIONED_IN]->(a:Article) RETURN DISTINCT a }} AS articles,
       collect(DISTINCT [x IN up | [x.id, startNode(x).id, endNode(x).id, type(x)]]) AS up_paths,
       collect(DISTINCT [r.id, r.name, r.type, r.kind, ru.id, ru.confidence]) AS runners,
       collect(DISTINCT [x IN rp | [x.id, startNode(x).id, endNode(x).id, type(x)]]) AS runner_paths,
       collect(DISTINCT [p.id, p.name, p.type, p.kind]) + collect(DISTINCT [q.id, q.name, q.type, q.kind]) AS places"""
PLACE_NAMES = f"MATCH (n:{N}) WHERE n.type IN ['Area', 'Community'] RETURN n.name AS name"



def cypher(store, p: dict) -> list[dict]:
    """Cypher fetches initiatives with their runners and places; the embedded code clusters them."""
    g = nx.MultiDiGraph()
    for r in store.read_cypher(DUPLICATE_SUBGRAPH, kind=p["kind"]):
        g.add_node(r["id"], type="Initiative", kind=r["kind"], name=r["name"], aliases=tuple(r["aliases"] or []), articles=r["articles"])
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
    place_names = [r["name"] for r in store.read_cypher(PLACE_NAMES)]
    return duplicates_on_graph(store, g, place_names, float(p["min_similarity"]), int(p["limit"]))



SPEC = register(QuerySpec(
    "duplicates", "Clusters of near-duplicate initiatives in different places; initiatives reported by several articles.",
    ("cluster", "status", "similarity", "initiative", "id", "kind", "runners", "street", "district", "articles", "evidence"),
    (Param("min_similarity", float, 85.0, "0-100", minimum=0.0, maximum=100.0),
     Param("kind", str, None, "initiative kind", choices=ontology_kinds("Initiative"), what="Initiative kind"), limit_param(100)),
    embedded, cypher,
    lambda: [("duplicates", DUPLICATE_SUBGRAPH, {"kind": None}), ("place_names", PLACE_NAMES, {})]))
