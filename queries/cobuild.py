"""cobuild: which organizations co-build with which communities, how, where, when, and the sentence that says so."""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from graph.traversal import edges_by_predicate, graph_of, node_types
from queries.cobuild_tables import COBUILD_TABLES, LINKS_SQL, ORDER
from queries.cypher import roll_up_call
from queries.helpers import CONF, LIMIT, attach_evidence, roll_up
from queries.registry import Param, QuerySpec, ontology_kinds, register
from queries.sql import read_pages, roll_up_sql


def _name(g, n: str) -> str:
    return g.nodes[n]["name"]


def _cobuild_index(g: nx.MultiDiGraph) -> list[tuple]:
    """Every organization ↔ community link, sorted for output (built once per graph):
    (sort key, org, community, partnership kind, initiative, date, confidence, edge ids)."""
    index = g.graph.get("cobuild_index")
    if index is not None:
        return index
    types = node_types(g)
    found: list[tuple] = []
    for u, v, key, d in edges_by_predicate(g, "COOPERATES_WITH"):
        for org, com in ((u, v), (v, u)):
            if types[org] == "Organization" and types[com] == "Community":
                pk = d["props"].get("kind", "")
                found.append(((_name(g, org), _name(g, com), "", pk), org, com, pk, "", d["props"].get("date", ""), d["confidence"], (key,)))
    for org, ini, k1, d1 in edges_by_predicate(g, "SUPPORTS"):
        if types[org] != "Organization":
            continue
        for com, _, k2, d2 in g.in_edges(ini, keys=True, data=True):
            if d2["predicate"] == "RUNS" and types[com] == "Community":
                name = _name(g, ini)
                found.append(((_name(g, org), _name(g, com), name, ""), org, com, "", name, "", min(d1["confidence"], d2["confidence"]), (k1, k2)))
    found.sort(key=lambda f: f[0])
    g.graph["cobuild_index"] = found
    return found


def embedded(store, district=None, kind=None, org_kind="enterprise", min_confidence=0.0, limit=200) -> list[dict]:
    """Organization ↔ community co-building: direct partnerships and shared initiatives."""
    g = graph_of(store)
    nodes = g.nodes
    links = [(f, nodes[f[1]]["kind"]) for f in _cobuild_index(g)]
    return _rows(store, links, lambda com: roll_up(g, com), district, kind, org_kind, min_confidence, int(limit))


def _rows(store, links, place_of, district, kind, org_kind, min_confidence, limit: int) -> list[dict]:
    """The query's rows from the sorted links ((sort key, org, community, …), org kind): filtered, placed
    (`place_of(community)` gives street and district), cut at `limit`, with their evidence."""
    rows = []
    for (key, _org, com, pk, initiative, date, conf, keys), kind_of_org in links:
        if conf < min_confidence or (kind and (initiative or pk != kind)):
            continue
        if org_kind not in (None, "", "any") and kind_of_org != org_kind:
            continue
        place = place_of(com)
        if district and district not in (place["district"], place["street"]):
            continue
        rows.append({"organization": key[0], "org_kind": kind_of_org or "", "community": key[1],
                     "partnership_kind": pk, "initiative": initiative, "street": place["street"], "district": place["district"],
                     "date": date, "confidence": round(conf, 3), "_edges": list(keys)})
        if len(rows) >= limit:
            break
    return attach_evidence(store, rows, 2)


# the links kept at write time (queries/cobuild_tables.py) that pass the filters, in output order (the
# order _cobuild_index sorts them in: names, then partnerships before shared initiatives, then edge ids)
KEPT_SQL = f"""SELECT org_name, com_name, initiative, pk, k1, k2, org, com, org_kind, date, confidence FROM cobuild_links
WHERE confidence >= :min_confidence AND (coalesce(:kind, '') = '' OR (initiative = '' AND pk = :kind))
  AND (coalesce(:org_kind, '') IN ('', 'any') OR org_kind = :org_kind)
{ORDER} LIMIT :page OFFSET :offset"""


def _link(r: dict) -> tuple:
    """A cobuild_links row as _rows takes it: ((sort key), org, community, kind, initiative, date, confidence, edge ids), org kind."""
    keys = (r["k1"], r["k2"]) if r["k2"] else (r["k1"],)
    return (((r["org_name"], r["com_name"], r["initiative"], r["pk"]), r["org"], r["com"], r["pk"], r["initiative"], r["date"],
             r["confidence"], keys), r["org_kind"])


def sql(store, p: dict) -> list[dict]:
    """`embedded` from the links kept at write time, read in output order until `limit` rows pass (a district
    filter reads on, a page at a time); on a read-only store whose links are behind, the same links computed
    from the edges once per store version (cobuild_tables.LINKS_SQL). Each listed community is rolled up to
    its street and district."""
    limit = int(p["limit"])
    if store.derived_ready(COBUILD_TABLES.name):
        args = {k: p[k] for k in ("min_confidence", "kind", "org_kind")}
        links: Iterable[tuple] = map(_link, read_pages(store, KEPT_SQL, args, limit if not p["district"] else max(limit, 1000)))
    else:
        links = store.query_index("cobuild", lambda: [_link(r) for r in store.read_sql(LINKS_SQL)])
    return _rows(store, links, lambda com: roll_up_sql(store, com), p["district"], p["kind"], p["org_kind"], p["min_confidence"], limit)



_LINKS = """CALL () {
  MATCH (o:Organization)-[r:COOPERATES_WITH]-(c:Community)
  WHERE r.confidence >= $min_confidence AND ($kind IS NULL OR r.kind = $kind)
    AND ($org_kind IS NULL OR $org_kind IN ['', 'any'] OR o.kind = $org_kind)
  RETURN o, c, coalesce(r.kind, '') AS partnership_kind, '' AS initiative, coalesce(r.date, '') AS date,
         r.confidence AS confidence, [r.id] AS edge_ids
  UNION ALL
  MATCH (o:Organization)-[s:SUPPORTS]->(i:Initiative)<-[u:RUNS]-(c:Community)
  WHERE $kind IS NULL AND s.confidence >= $min_confidence AND u.confidence >= $min_confidence
    AND ($org_kind IS NULL OR $org_kind IN ['', 'any'] OR o.kind = $org_kind)
  RETURN o, c, '' AS partnership_kind, i.name AS initiative, '' AS date,
         CASE WHEN s.confidence < u.confidence THEN s.confidence ELSE u.confidence END AS confidence, [s.id, u.id] AS edge_ids
}
WITH o.name AS organization, coalesce(o.kind, '') AS org_kind, c, c.name AS community, partnership_kind, initiative, date,
     round(confidence, 3) AS confidence, edge_ids"""
_ORDER = "ORDER BY organization, community, initiative, partnership_kind"
_RETURN = "RETURN organization, org_kind, community, partnership_kind, initiative, street, district, date, confidence, edge_ids"
# Without a district filter the rows are sorted and cut first, and the street/district roll-up runs only for
# the rows returned; with one, the roll-up runs once per distinct community, before the filter.
# Organizations are read in name order from their index, so the sort is partial and stops at the limit.
_LINKS_BY_NAME = """MATCH (o:Organization)
WHERE o.name IS NOT NULL AND ($org_kind IS NULL OR $org_kind IN ['', 'any'] OR o.kind = $org_kind)
WITH o ORDER BY o.name
CALL (o) {
  MATCH (o)-[r:COOPERATES_WITH]-(c:Community)
  WHERE r.confidence >= $min_confidence AND ($kind IS NULL OR r.kind = $kind)
  RETURN c, coalesce(r.kind, '') AS partnership_kind, '' AS initiative, coalesce(r.date, '') AS date,
         r.confidence AS confidence, [r.id] AS edge_ids
  UNION ALL
  MATCH (o)-[s:SUPPORTS]->(i:Initiative)<-[u:RUNS]-(c:Community)
  WHERE $kind IS NULL AND s.confidence >= $min_confidence AND u.confidence >= $min_confidence
  RETURN c, '' AS partnership_kind, i.name AS initiative, '' AS date,
         CASE WHEN s.confidence < u.confidence THEN s.confidence ELSE u.confidence END AS confidence, [s.id, u.id] AS edge_ids
}
WITH o.name AS organization, coalesce(o.kind, '') AS org_kind, c, c.name AS community, partnership_kind, initiative, date,
     round(confidence, 3) AS confidence, edge_ids"""
COBUILD = f"""{_LINKS_BY_NAME}
{_ORDER}
LIMIT $limit
{roll_up_call("c")}
{_RETURN}
{_ORDER}"""
COBUILD_IN_DISTRICT = f"""{_LINKS}
WITH c, collect([organization, org_kind, community, partnership_kind, initiative, date, confidence, edge_ids]) AS links
{roll_up_call("c")}
WITH street, district, links WHERE district = $district OR street = $district
UNWIND links AS l
WITH l[0] AS organization, l[1] AS org_kind, l[2] AS community, l[3] AS partnership_kind, l[4] AS initiative, street, district,
     l[5] AS date, l[6] AS confidence, l[7] AS edge_ids
{_RETURN}
{_ORDER}
LIMIT $limit"""


def cypher(store, p: dict) -> list[dict]:
    rows = store.read_cypher(COBUILD_IN_DISTRICT if p.get("district") else COBUILD, **p)
    for r in rows:
        r["_edges"] = r.pop("edge_ids")
    return attach_evidence(store, rows, 2)


SPEC = register(QuerySpec(
    "cobuild", "Which organizations (default: enterprises) co-build with which communities, how, where, when, and the sentence that says so.",
    ("organization", "org_kind", "community", "partnership_kind", "initiative", "street", "district", "date", "confidence", "evidence", "sources"),
    (Param("district", str, None, "district or street name"), Param("kind", str, None, "partnership kind: 共建, 联建, 结对, 签约, 引入…",
                                                                choices=ontology_kinds("Partnership"), what="Partnership kind"),
     Param("org_kind", str, "enterprise", "organization kind, or 'any'", choices=ontology_kinds("Organization"),
           what="Organization kind", extra=("any",)), CONF, LIMIT),
    embedded, cypher,
    lambda: [("cobuild", COBUILD, {"district": None, "kind": None, "org_kind": "enterprise", "min_confidence": 0.0, "limit": 10}),
             ("cobuild_in_district", COBUILD_IN_DISTRICT, {"district": "x", "kind": None, "org_kind": "enterprise", "min_confidence": 0.0,
                                                           "limit": 10})],
    sql=sql))
