"""Cypher implementations of the named queries, for the Neo4j store.

Cypher does the graph work; where ranking, clustering or tree layout is needed, the same
Python shaping function as the embedded implementation turns the Cypher rows into the
result, so both stores return the same rows for the same graph.
"""

from __future__ import annotations

import networkx as nx

from govkg.errors import QueryError
from ingest.resolve import normalize_name
from queries.helpers import attach_evidence, bfs_rows, path_rows, score_search, shape_hierarchy

N = "GovkgNode"


def _roll_up(var: str, carry: str) -> str:
    """Cypher lines adding `street` and `district`: the nearest Area of that kind (ties by id)."""
    return f"""OPTIONAL MATCH ps = ({var})-[:PART_OF|LOCATED_IN*0..6]->(st:Area {{kind: 'subdistrict'}})
WITH {carry}, st ORDER BY length(ps), st.id
WITH {carry}, head(collect(st.name)) AS street
OPTIONAL MATCH pd = ({var})-[:PART_OF|LOCATED_IN*0..6]->(di:Area {{kind: 'district'}})
WITH {carry}, street, di ORDER BY length(pd), di.id
WITH {carry}, street, head(collect(di.name)) AS district"""


FIND_NODE = f"""MATCH (n:{N})
WHERE n.type <> 'Article' AND (n.id = $ref OR n.norm = $norm OR $norm IN n.norms)
RETURN n.id AS id, COUNT {{ (n)-[r]-() WHERE type(r) <> 'MENTIONED_IN' }} AS degree
ORDER BY CASE WHEN n.id = $ref THEN 0 ELSE 1 END, degree DESC, id LIMIT 1"""

_COBUILD_CARRY = "o, c, partnership_kind, initiative, date, confidence, edge_ids"
COBUILD = f"""CALL () {{
  MATCH (o:Organization)-[r:COOPERATES_WITH]-(c:Community)
  WHERE r.confidence >= $min_confidence AND ($kind IS NULL OR r.kind = $kind)
  RETURN o, c, coalesce(r.kind, '') AS partnership_kind, '' AS initiative, coalesce(r.date, '') AS date,
         r.confidence AS confidence, [r.id] AS edge_ids
  UNION ALL
  MATCH (o:Organization)-[s:SUPPORTS]->(i:Initiative)<-[u:RUNS]-(c:Community)
  WHERE $kind IS NULL AND s.confidence >= $min_confidence AND u.confidence >= $min_confidence
  RETURN o, c, '' AS partnership_kind, i.name AS initiative, '' AS date,
         CASE WHEN s.confidence < u.confidence THEN s.confidence ELSE u.confidence END AS confidence, [s.id, u.id] AS edge_ids
}}
WITH {_COBUILD_CARRY}
WHERE $org_kind IS NULL OR $org_kind IN ['', 'any'] OR o.kind = $org_kind
{_roll_up("c", _COBUILD_CARRY)}
WITH {_COBUILD_CARRY}, coalesce(street, '') AS street, coalesce(district, '') AS district
WHERE $district IS NULL OR district = $district OR street = $district
RETURN o.name AS organization, coalesce(o.kind, '') AS org_kind, c.name AS community, partnership_kind, initiative,
       street, district, date, round(confidence, 3) AS confidence, edge_ids
ORDER BY organization, community, initiative, partnership_kind
LIMIT $limit"""

AWARDS = f"""MATCH (u:{N})-[r:AWARDED]->(w:Award)
WHERE $year IS NULL OR r.year = $year
WITH u, r, w
{_roll_up("u", "u, r, w")}
WITH u, r, w, coalesce(street, '') AS street, coalesce(district, '') AS district
WHERE $area = '' OR $area IN [street, district]
RETURN w.name AS award, u.name AS receiver, u.type AS receiver_type, coalesce(r.year, '') AS year,
       street, district, [r.id] AS edge_ids
ORDER BY toString(year), award, receiver
LIMIT $limit"""

BROKERS = """MATCH (o:Organization)
CALL (o) {
  MATCH (o)-[r:COOPERATES_WITH|LOCATED_IN|AFFILIATED_WITH]->(c:Community) WHERE r.confidence >= $min_confidence RETURN c
  UNION
  MATCH (o)-[r:SUPPORTS|RUNS]->()<-[:RUNS]-(c:Community) WHERE r.confidence >= $min_confidence RETURN c
  UNION
  MATCH (o)<-[r:COOPERATES_WITH]-(c:Community) WHERE r.confidence >= $min_confidence RETURN c
}
WITH o, collect(DISTINCT c) AS cs
RETURN o.name AS organization, coalesce(o.kind, '') AS kind, size(cs) AS communities, [x IN cs | x.name] AS names
ORDER BY communities DESC, organization, o.id LIMIT $limit"""

ARTICLES = """MATCH (a:Article)
RETURN a.id AS id, a.title AS title, a.path AS path, a.ingested_at AS ingested_at, size(a.text) AS characters,
       COUNT { MATCH (n)-[:MENTIONED_IN]->(a) RETURN DISTINCT n } AS entities
ORDER BY ingested_at DESC, id DESC LIMIT $limit"""

ENTITY = f"""MATCH (n:{N} {{id: $id}})
WITH n
{_roll_up("n", "n")}
RETURN n.id AS id, n.name AS name, n.type AS type, n.kind AS kind, n.aliases AS aliases,
       coalesce(street, '') AS street, coalesce(district, '') AS district,
       [(n)-[r]->(m) WHERE type(r) <> 'MENTIONED_IN' | [type(r), m.id, m.name]] AS outgoing,
       [(m)-[r]->(n) WHERE type(r) <> 'MENTIONED_IN' | [type(r), m.id, m.name]] AS incoming"""

SEARCH_CANDIDATES = f"""MATCH (n:{N})
WHERE n.type <> 'Article' AND ($type IS NULL OR n.type = $type)
  AND ($pinyin OR any(f IN n.norms WHERE toLower(f) CONTAINS $needle))
RETURN n.id AS id, n.name AS name, n.type AS type, n.kind AS kind, n.aliases AS aliases,
       COUNT {{ (n)-[r]-() WHERE type(r) <> 'MENTIONED_IN' }} AS degree"""

HIERARCHY_PLACES = f"MATCH (n:{N}) WHERE n.type IN ['Area', 'Community'] RETURN n.id AS id, n.name AS name, n.type AS type, n.kind AS kind"
HIERARCHY_PART_OF = f"MATCH (u:{N})-[r:PART_OF]->(v:{N}) RETURN u.id AS u, v.id AS v ORDER BY r.id"
HIERARCHY_LOCATED = f"MATCH (u:{N})-[:LOCATED_IN]->(v:{N}) RETURN v.id AS place, u.type AS type, count(*) AS n"

NEIGHBOR_EXPAND = f"""UNWIND $ids AS nid
MATCH (n:{N} {{id: nid}})-[r]-(m:{N})
WHERE type(r) <> 'MENTIONED_IN'
RETURN n.id AS id, n.name AS via_name, m.id AS other, m.name AS name, m.type AS type, m.kind AS kind, type(r) AS predicate,
       CASE WHEN startNode(r) = n THEN 'out' ELSE 'in' END AS direction, r.confidence AS confidence"""

def paths_query(max_hops: int) -> str:
    """All shortest paths of at most `max_hops` relations (a literal: Cypher bounds cannot be parameters)."""
    return f"""MATCH (a:{N} {{id: $source}})
MATCH p = allShortestPaths((a)-[*..{int(max_hops)}]-(b:{N} {{id: $target}}))
WHERE none(r IN relationships(p) WHERE type(r) = 'MENTIONED_IN')
RETURN [x IN nodes(p) | [x.id, x.name]] AS nodes,
       [r IN relationships(p) | [type(r), startNode(r).id, r.id]] AS rels"""


PATHS = paths_query(4)

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


def statements() -> list[tuple[str, str, dict]]:
    """(name, Cypher, example parameters) of every named-query statement, for the linter."""
    return [
        ("find_node", FIND_NODE, {"ref": "x", "norm": "x"}),
        ("cobuild", COBUILD, {"district": None, "kind": None, "org_kind": "enterprise", "min_confidence": 0.0, "limit": 10}),
        ("awards", AWARDS, {"year": None, "area": "", "limit": 10}),
        ("brokers", BROKERS, {"limit": 10, "min_confidence": 0.0}),
        ("articles", ARTICLES, {"limit": 10}),
        ("entity", ENTITY, {"id": "x"}),
        ("search", SEARCH_CANDIDATES, {"type": None, "pinyin": False, "needle": "x"}),
        ("hierarchy_places", HIERARCHY_PLACES, {}),
        ("hierarchy_part_of", HIERARCHY_PART_OF, {}),
        ("hierarchy_located", HIERARCHY_LOCATED, {}),
        ("neighbors", NEIGHBOR_EXPAND, {"ids": ["x"]}),
        ("path", PATHS, {"source": "x", "target": "y"}),
        ("duplicates", DUPLICATE_SUBGRAPH, {"kind": None}),
        ("place_names", PLACE_NAMES, {}),
    ]


def _find(store, ref: str) -> str:
    rows = store._run_read(FIND_NODE, ref=ref, norm=normalize_name(ref))
    if not rows:
        raise QueryError(f"no entity named {ref!r}; try `govkg query search --param q={ref}`")
    return rows[0]["id"]


def _cobuild(store, p):
    rows = store._run_read(COBUILD, **p)
    for r in rows:
        r["_edges"] = r.pop("edge_ids")
    return attach_evidence(store, rows, 2)


def _awards(store, p):
    rows = store._run_read(AWARDS, year=p["year"], area=p["area"] or "", limit=int(p["limit"]))
    for r in rows:
        r["_edges"] = r.pop("edge_ids")
    return attach_evidence(store, rows, 1)


def _brokers(store, p):
    rows = store._run_read(BROKERS, **p)
    for r in rows:
        r["names"] = "、".join(sorted(r["names"]))
    return rows


def _entity(store, p):
    node = store._run_read(ENTITY, id=_find(store, p["name"]))[0]
    rows = [{"section": "profile", "field": f, "value": v} for f, v in (
        ("name", node["name"]), ("id", node["id"]), ("type", node["type"]), ("kind", node["kind"] or ""),
        ("aliases", "、".join(sorted(node["aliases"] or []))), ("street", node["street"]), ("district", node["district"]))]
    for pred, other, name in sorted(node["outgoing"], key=lambda x: (x[0], x[1])):
        rows.append({"section": "relation", "field": pred, "value": f"→ {name}"})
    for pred, other, name in sorted(node["incoming"], key=lambda x: (x[0], x[1])):
        rows.append({"section": "relation", "field": pred, "value": f"← {name}"})
    for m in store.mentions_of(node["id"]):
        rows.append({"section": "mention", "field": f"{m.article_id}:{m.start}-{m.end}", "value": m.surface})
    return rows


def _search(store, p):
    if not p["q"]:
        raise QueryError("search needs --param q=TEXT")
    needle = normalize_name(p["q"]).lower()
    rows = store._run_read(SEARCH_CANDIDATES, type=p["type"], pinyin=needle.isascii(), needle=needle)
    for r in rows:
        r["aliases"] = list(r["aliases"] or [])
    return score_search(rows, p["q"], int(p["limit"]))


def _hierarchy(store, p):
    places = {r["id"]: r for r in store._run_read(HIERARCHY_PLACES)}
    part_of = [(r["u"], r["v"]) for r in store._run_read(HIERARCHY_PART_OF)]
    located = {(r["place"], r["type"]): r["n"] for r in store._run_read(HIERARCHY_LOCATED)}
    return shape_hierarchy(places, part_of, located, _find(store, p["root"]) if p["root"] else None, int(p["limit"]))


def _neighbors(store, p):
    start = _find(store, p["entity"])

    def expand(ids):
        out: dict[str, list[dict]] = {}
        for r in store._run_read(NEIGHBOR_EXPAND, ids=ids):
            out.setdefault(r["id"], []).append(r)
        return out

    return bfs_rows(start, int(p["hops"]), expand, set(p["types"].split(",")) if p["types"] else None,
                    set(p["predicates"].split(",")) if p["predicates"] else None, float(p["min_confidence"]), int(p["limit"]))


def _path(store, p):
    """allShortestPaths returns one path per combination of parallel relationships; like the embedded
    store's simple undirected view, keep one path per node sequence with, at each step, the
    relationship of the smallest id between the two nodes (in either direction)."""
    a, b = _find(store, p["source"]), _find(store, p["target"])
    if a == b or int(p["max_hops"]) < 1:
        return []
    by_nodes: dict[tuple, list] = {}
    for r in store._run_read(paths_query(int(p["max_hops"])), source=a, target=b):
        nodes = tuple(tuple(x) for x in r["nodes"])
        best = by_nodes.setdefault(nodes, [None] * len(r["rels"]))
        for k, (pred, start, rid) in enumerate(r["rels"]):
            if best[k] is None or rid < best[k][2]:
                best[k] = (pred, start, rid)
    paths, steps = [], []
    for nodes in sorted(by_nodes, key=lambda ns: [x[0] for x in ns])[: int(p["limit"])]:
        paths.append(list(nodes))
        steps.append([(pred, start == nodes[k][0]) for k, (pred, start, _) in enumerate(by_nodes[nodes])])
    return path_rows(paths, steps, int(p["max_hops"]))


def _duplicates(store, p):
    """Cypher fetches initiatives with their runners and places; the embedded code clusters them."""
    from queries.duplicates import duplicates_on_graph

    g = nx.MultiDiGraph()
    for r in store._run_read(DUPLICATE_SUBGRAPH, kind=p["kind"]):
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
    place_names = [r["name"] for r in store._run_read(PLACE_NAMES)]
    return duplicates_on_graph(store, g, place_names, float(p["min_similarity"]), int(p["limit"]))


RUNNERS = {"cobuild": _cobuild, "awards": _awards, "brokers": _brokers, "articles": lambda s, p: s._run_read(ARTICLES, **p),
           "entity": _entity, "search": _search, "hierarchy": _hierarchy, "neighbors": _neighbors, "path": _path,
           "duplicates": _duplicates}


def run_cypher_query(store, spec, params: dict) -> list[dict]:
    """Run a named query on a Neo4j store."""
    runner = RUNNERS.get(spec.name)
    if runner is None:
        raise QueryError(f"query {spec.name} has no Cypher implementation")
    return runner(store, params)


def cypher_text(name: str) -> str:
    """The Cypher statements a named query sends (for `govkg query NAME --cypher`)."""
    parts = {"cobuild": [COBUILD], "awards": [AWARDS], "brokers": [BROKERS], "articles": [ARTICLES], "entity": [FIND_NODE, ENTITY],
             "search": [SEARCH_CANDIDATES], "hierarchy": [HIERARCHY_PLACES, HIERARCHY_PART_OF, HIERARCHY_LOCATED],
             "neighbors": [FIND_NODE, NEIGHBOR_EXPAND], "path": [FIND_NODE, PATHS], "duplicates": [DUPLICATE_SUBGRAPH, PLACE_NAMES]}
    if name not in parts:
        raise QueryError(f"query {name} has no Cypher implementation")
    return ";\n\n".join(parts[name]) + ";"
