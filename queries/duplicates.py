"""Near-duplicate initiatives across places: candidates decided from each name alone (one edit apart, or a
qualifier in front: queries/duplicate_keys.py, kept at write time on the embedded store by
queries/duplicate_tables.py), rapidfuzz scoring, union-find clusters, reviewer marks respected."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from core.names import normalize_name
from graph.base import GraphStore
from graph.derived import chunks
from graph.traversal import graph_of, nodes_by_type
from queries.cypher import N, roll_up_call
from queries.duplicate_keys import group_pairs, longest_in, strip_steps
from queries.duplicate_tables import DUPLICATE_TABLES
from queries.helpers import attach_evidence, limit_param, place_or_runners, roll_up
from queries.registry import Param, QuerySpec, ontology_kinds, register
from queries.sql import marks as placeholders
from queries.sql import roll_up_sql


@dataclass
class Item:
    """One initiative prepared for comparison."""

    id: str
    name: str
    kind: str
    core: str


def item_pairs(items: list[Item], group_scores: dict[tuple[str, str, str], float]) -> list[tuple[float, int, int]]:
    """(score, i, j) of the items (by index), best first: each (kind, core) group's members joined to its
    first one at 100, and every pair of members of two groups scored together (duplicate_keys.group_pairs)."""
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for idx, it in enumerate(items):
        groups[(it.kind, it.core)].append(idx)
    out = [(100.0, members[0], m) for members in groups.values() for m in members[1:]]
    for (kind, a, b), score in group_scores.items():
        for i in groups.get((kind, a), ()):
            out += [(score, min(i, j), max(i, j)) for j in groups.get((kind, b), ())]
    out.sort(reverse=True)
    return out


def scored_pairs(items: list[Item]) -> list[tuple[float, int, int]]:
    """Similarity of every candidate pair worth keeping (≥ duplicate_keys.KEEP), best first, computed from scratch."""
    return item_pairs(items, group_pairs({(it.kind, it.core) for it in items}))


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
    best: defaultdict[int, float] = defaultdict(float)

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
        pair = (min(items[i].id, items[j].id), max(items[i].id, items[j].id))
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
        initiatives = [(n, d["name"], d["kind"]) for n, d in sorted(g.nodes(data=True))
                       if d["type"] == "Initiative" and (not kind or d["kind"] == kind)]
        cache[kind] = duplicate_index(initiatives, place_names)
    items, pairs = cache[kind]
    chosen = choose_rows(items, pairs, store.marks(), min_similarity, limit, lambda it: g.nodes[it.id].get("articles", 0))
    rows = [_dup_row(store, g, *c) for c in chosen]
    return attach_evidence(store, rows, 1, limit, cap=2)


def duplicate_index(initiatives: list[tuple[str, str, str | None]], place_names: list[str]) -> tuple[list[Item], list]:
    """(items, scored candidate pairs) of (id, name, kind) initiatives in id order, place names stripped."""
    longest = longest_in({normalize_name(p) for p in place_names})
    items = [Item(n, name, k or "", strip_steps(name, longest)[-1]) for n, name, k in initiatives]
    return items, scored_pairs(items)


def choose_rows(items: list[Item], pairs: list, marks: dict, min_similarity: float, limit: int,
                articles) -> list[tuple[int, Item, str, float]]:
    """(cluster number, item, status, similarity) of the rows `duplicates` returns, in order: the clusters,
    best first, then initiatives reported by two articles or more; at most `limit` (the last cluster may be cut)."""
    chosen = []
    cluster_no = 0
    for members, score in sorted(cluster_items(items, min_similarity, marks, pairs), key=lambda c: (-c[1], items[c[0][0]].name)):
        cluster_no += 1
        ids = [items[i].id for i in members]
        marked_same = all(marks.get(tuple(sorted((ids[0], x)))) == "same" for x in ids[1:])
        chosen += [(cluster_no, items[i], "marked_same" if marked_same else "similar_separate", score) for i in members]
        if len(chosen) >= limit:
            return chosen[:limit]
    for it in items:
        if len(chosen) >= limit:
            break
        if articles(it) >= 2:
            cluster_no += 1
            chosen.append((cluster_no, it, "reported_twice", 100.0))
    return chosen


def _row(cluster: int, it: Item, status: str, score: float, runners: list[str], place: dict, articles: int, edges: list[str]) -> dict:
    return {"cluster": cluster, "status": status, "similarity": round(score, 1), "initiative": it.name, "id": it.id,
            "kind": it.kind, "runners": "、".join(sorted(runners)), "street": place["street"], "district": place["district"],
            "articles": articles, "_edges": edges}


def _dup_row(store, g, cluster: int, it: Item, status: str, score: float) -> dict:
    runs = sorted(((u, k) for u, _, k, d in g.in_edges(it.id, keys=True, data=True) if d["predicate"] == "RUNS"), key=lambda x: x[1])
    place = place_or_runners(roll_up(g, it.id), sorted(u for u, _ in runs), lambda u: roll_up(g, u))
    return _row(cluster, it, status, score, [g.nodes[u]["name"] for u, _ in runs], place, g.nodes[it.id].get("articles", 0),
                [k for _, k in runs])


# What H5's `similar` query reads too (kept as they were).
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

# The clustering needs every initiative's name, kind and article count and every place name (one row each,
# as lists: a record per initiative costs the driver more than the query); runners and the street/district
# roll-up are read only for the rows returned.
DUPLICATE_ITEMS = """CALL () {
  MATCH (i:Initiative)
  WHERE $kind IS NULL OR i.kind = $kind
  WITH i ORDER BY i.id
  RETURN collect([i.id, i.name, i.kind, COUNT { MATCH (i)-[:MENTIONED_IN]->(a:Article) RETURN DISTINCT a }]) AS items
}
CALL () { MATCH (n:Area) RETURN collect(n.name) AS areas }
CALL () { MATCH (n:Community) RETURN collect(n.name) AS communities }
RETURN items, areas + communities AS places"""
DUPLICATE_DETAILS = f"""UNWIND $ids AS iid
MATCH (i:Initiative {{id: iid}})
{roll_up_call("i")}
CALL (i) {{
  OPTIONAL MATCH (r:{N})-[ru:RUNS]->(i)
  CALL (r) {{
    OPTIONAL MATCH ps = ANY SHORTEST (r)-[:PART_OF|LOCATED_IN]->{{0,6}}(st:Area {{kind: 'subdistrict'}})
    WITH st ORDER BY length(ps), st.id
    RETURN coalesce(head(collect(st.name)), '') AS runner_street
  }}
  CALL (r) {{
    OPTIONAL MATCH pd = ANY SHORTEST (r)-[:PART_OF|LOCATED_IN]->{{0,6}}(di:Area {{kind: 'district'}})
    WITH di ORDER BY length(pd), di.id
    RETURN coalesce(head(collect(di.name)), '') AS runner_district
  }}
  RETURN collect([r.id, r.name, ru.id, runner_street, runner_district]) AS runners
}}
RETURN i.id AS id, street, district, runners"""


def cypher(store, p: dict) -> list[dict]:
    """Cypher reads initiatives and place names, the embedded code scores their candidate pairs (once per graph
    version) and clusters them; Cypher adds the details of the rows returned."""
    def build():  # the candidate pairs, scored: kept by the store until the graph changes, as on the embedded store
        found = store.read_cypher(DUPLICATE_ITEMS, kind=p["kind"])[0]
        return ({i: n for i, _, _, n in found["items"]},
                *duplicate_index([(i, name, k) for i, name, k, _ in found["items"]], found["places"]))

    counts, items, pairs = store.query_index(f"duplicates:{p['kind']}", build)
    chosen = choose_rows(items, pairs, store.marks(), float(p["min_similarity"]), int(p["limit"]), lambda it: counts[it.id])
    details = {r["id"]: r for r in store.read_cypher(DUPLICATE_DETAILS, ids=list(dict.fromkeys(it.id for _, it, _, _ in chosen)))}
    rows = []
    for cluster, it, status, score in chosen:
        d = details[it.id]
        runs = sorted((x for x in d["runners"] if x[0] is not None), key=lambda x: x[2])
        runner_places = {x[0]: {"street": x[3], "district": x[4]} for x in runs}
        place = place_or_runners({"street": d["street"], "district": d["district"]}, sorted(runner_places), runner_places.__getitem__)
        rows.append(_row(cluster, it, status, score, [x[1] for x in runs], place, counts[it.id], [x[2] for x in runs]))
    return attach_evidence(store, rows, 1, int(p["limit"]), cap=2)

ITEMS_SQL = """SELECT i.id AS id, i.name AS name, i.kind AS kind,
       (SELECT count(DISTINCT m.article_id) FROM mentions m WHERE m.node_id = i.id) AS articles
FROM nodes i WHERE i.type = 'Initiative' AND (:kind IS NULL OR i.kind = :kind) ORDER BY i.id"""
PLACE_NAMES_SQL = "SELECT name FROM nodes WHERE type IN ('Area', 'Community')"
RUNNERS_SQL = """SELECT e.src AS id, n.name AS name, e.id AS edge_id FROM edges e JOIN nodes n ON n.id = e.src
WHERE e.dst = ? AND +e.predicate = 'RUNS' ORDER BY e.id  -- + : by the dst index, not the predicate's"""


def sql(store, p: dict) -> list[dict]:
    """`embedded` from the tables: the candidate pairs kept at write time (queries/duplicate_tables.py) when
    they are in step with the store, else computed once per store version as on the graph; runners and
    roll-ups only for the rows returned."""
    marks = store.marks()
    if store.derived_ready(DUPLICATE_TABLES.name):
        counts, items, pairs = _from_derived(store, p, marks)
    else:  # a read-only store whose tables are behind: what they would hold, in memory
        def build():
            found = store.read_sql(ITEMS_SQL, {"kind": p["kind"]})
            places = [r["name"] for r in store.read_sql(PLACE_NAMES_SQL)]
            return ({r["id"]: r["articles"] for r in found}, *duplicate_index([(r["id"], r["name"], r["kind"]) for r in found], places))

        counts, items, pairs = store.query_index(f"duplicates:{p['kind']}", build)
    chosen = choose_rows(items, pairs, marks, float(p["min_similarity"]), int(p["limit"]), lambda it: counts[it.id])
    rows = []
    for cluster, it, status, score in chosen:
        runs = store.read_sql(RUNNERS_SQL, [it.id])
        place = place_or_runners(roll_up_sql(store, it.id), sorted({r["id"] for r in runs}), lambda u: roll_up_sql(store, u))
        rows.append(_row(cluster, it, status, score, [r["name"] for r in runs], place, counts[it.id], [r["edge_id"] for r in runs]))
    return attach_evidence(store, rows, 1, int(p["limit"]), cap=2)


PAIRS_SQL = "SELECT kind, a, b, score FROM dup_pairs WHERE score >= :t AND (:kind IS NULL OR kind = :kind)"
_ITEM = "SELECT id, name, kind, core, articles FROM dup_items"
REPORTED_SQL = f"{_ITEM} WHERE articles >= 2 AND (:kind IS NULL OR kind = :kind) ORDER BY id LIMIT :limit"
# every group in a pair at or above the threshold or holding several initiatives: its size, its least
# initiative id and that initiative's name (what orders the clusters), through the (kind, core) keys
GROUPS_SQL = """SELECT g.kind AS kind, g.core AS core, g.n AS n, g.first AS first, i.name AS first_name FROM (
  SELECT kind, a AS core FROM dup_pairs WHERE score >= :t AND (:kind IS NULL OR kind = :kind)
  UNION SELECT kind, b FROM dup_pairs WHERE score >= :t AND (:kind IS NULL OR kind = :kind)
  UNION SELECT kind, core FROM dup_groups WHERE n > 1 AND (:kind IS NULL OR kind = :kind)
) s JOIN dup_groups g ON g.kind = s.kind AND g.core = s.core JOIN dup_items i ON i.id = g.first"""


def _components(groups: dict[tuple[str, str], dict], scores: dict[tuple[str, str, str], float],
                joined: list[tuple[tuple[str, str], tuple[str, str]]]) -> list[list[tuple[str, str]]]:
    """The groups (kind, core) connected by the scored pairs and by `joined` (groups of initiatives marked
    the same), each component's groups in key order."""
    parent = {g: g for g in groups}

    def find(g: tuple[str, str]) -> tuple[str, str]:
        while parent[g] != g:
            parent[g] = parent[parent[g]]
            g = parent[g]
        return g

    for x, y in [((k, a), (k, b)) for k, a, b in scores] + joined:
        rx, ry = find(x), find(y)
        if rx != ry:
            parent[max(rx, ry)] = min(rx, ry)
    out: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for g in sorted(groups):
        out.setdefault(find(g), []).append(g)
    return list(out.values())


def _from_derived(store, p: dict, marks: dict[tuple[str, str], str]) -> tuple[dict[str, int], list[Item], list[tuple[float, int, int]]]:
    """(article counts, items, scored pairs) of only the initiatives a call can return. Clusters are
    components of core groups (a group's initiatives are joined at 100, two groups' by their pair's score),
    ranked as choose_rows ranks them (best score, then the name and id of their least initiative), so the
    groups are read whole only for the best components until `limit` rows are covered, plus every
    component holding an initiative a reviewer marked (its clusters may split or join), plus the first
    initiatives reported by two articles."""
    kind, limit = p["kind"], int(p["limit"])
    args = {"t": float(p["min_similarity"]), "kind": kind}
    scores = {(r["kind"], r["a"], r["b"]): r["score"] for r in store.read_sql(PAIRS_SQL, args)}
    groups: dict[tuple[str, str], dict] = {(r["kind"], r["core"]): r for r in store.read_sql(GROUPS_SQL, args)}
    marked_ids = sorted({x for pair in marks for x in pair})
    marked: dict[str, dict] = {}
    for chunk in chunks(marked_ids):
        marked |= {r["id"]: r for r in store.read_sql(f"{_ITEM} WHERE id IN ({placeholders(len(chunk))})", chunk)
                   if kind is None or r["kind"] == kind}
    for r in marked.values():
        groups.setdefault((r["kind"], r["core"]), {"n": 1, "first": r["id"], "first_name": r["name"]})
    joined = [((marked[a]["kind"], marked[a]["core"]), (marked[b]["kind"], marked[b]["core"]))
              for (a, b), verdict in marks.items() if verdict == "same" and a in marked and b in marked]
    forced = {(r["kind"], r["core"]) for r in marked.values()}
    components = _components(groups, scores, joined)
    where = {g: c for c, component in enumerate(components) for g in component}
    best = [100.0 if any(groups[g]["n"] > 1 for g in component) else 0.0 for component in components]
    for (k, a, _), score in scores.items():
        best[where[(k, a)]] = max(best[where[(k, a)]], score)
    ranked = []
    chosen: set[tuple[str, str]] = set()
    for c, component in enumerate(components):
        if forced.intersection(component):
            chosen.update(component)
            continue
        first = min(component, key=lambda g: groups[g]["first"])
        ranked.append(((-best[c], groups[first]["first_name"], groups[first]["first"]), component))
    rows = 0
    for _, component in sorted(ranked):
        if rows >= limit:
            break
        chosen.update(component)
        rows += sum(groups[g]["n"] for g in component)
    found: dict[str, dict] = {}
    keys = sorted(chosen)
    for some in chunks(keys, 400):
        pairs = " OR ".join(["(kind = ? AND core = ?)"] * len(some))
        found |= {r["id"]: r for r in store.read_sql(f"{_ITEM} WHERE {pairs}", [x for g in some for x in g])}
    found |= marked
    found |= {r["id"]: r for r in store.read_sql(REPORTED_SQL, {"kind": kind, "limit": limit})}
    items = [Item(r["id"], r["name"], r["kind"], r["core"]) for _, r in sorted(found.items())]
    kept = {pair: s for pair, s in scores.items() if (pair[0], pair[1]) in chosen and (pair[0], pair[2]) in chosen}
    return {r["id"]: r["articles"] for r in found.values()}, items, item_pairs(items, kept)


SPEC = register(QuerySpec(
    "duplicates", "Clusters of near-duplicate initiatives in different places; initiatives reported by several articles.",
    ("cluster", "status", "similarity", "initiative", "id", "kind", "runners", "street", "district", "articles", "evidence", "sources"),
    (Param("min_similarity", float, 85.0, "0-100", minimum=0.0, maximum=100.0),
     Param("kind", str, None, "initiative kind", choices=ontology_kinds("Initiative"), what="Initiative kind"), limit_param(100)),
    embedded, cypher,
    lambda: [("duplicate_items", DUPLICATE_ITEMS, {"kind": None}), ("duplicate_details", DUPLICATE_DETAILS, {"ids": ["x"]})],
    sql=sql))
