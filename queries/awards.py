"""awards: awards by year and area, with the receiver's street and district."""

from __future__ import annotations

from graph.traversal import edges_by_predicate, graph_of
from queries.cypher import N, roll_up_call
from queries.helpers import LIMIT, attach_evidence, roll_up
from queries.registry import Param, QuerySpec, register
from queries.sql import read_pages, roll_up_sql


def embedded(store, year=None, area: str = "", limit=200) -> list[dict]:
    """Awards and who received them, with year and the receiver's street and district."""
    g = graph_of(store)
    rows = []
    for u, v, k, e in edges_by_predicate(g, "AWARDED"):
        y = e["props"].get("year")
        if year and y != int(year):
            continue
        place = roll_up(g, u)
        if area and area not in (place["street"], place["district"]):
            continue
        rows.append({"award": g.nodes[v]["name"], "receiver": g.nodes[u]["name"], "receiver_type": g.nodes[u]["type"], "year": y or "",
                     "street": place["street"], "district": place["district"], "_edges": [k]})
    rows.sort(key=lambda r: (str(r["year"]), r["award"], r["receiver"]))
    return attach_evidence(store, rows, 1, int(limit))


_AWARDED = f"""MATCH (w:Award)<-[r:AWARDED]-(u:{N})
WHERE $year IS NULL OR r.year = $year
WITH u, w.name AS award, u.name AS receiver, u.type AS receiver_type, coalesce(r.year, '') AS year, [r.id] AS edge_ids"""
_ORDER = "ORDER BY toString(year), award, receiver"
_RETURN = "RETURN award, receiver, receiver_type, year, street, district, edge_ids"
# Without an area filter the rows are sorted and cut first and only the returned receivers are rolled up.
AWARDS = f"""{_AWARDED}
{_ORDER}
LIMIT $limit
{roll_up_call("u")}
{_RETURN}
{_ORDER}"""
AWARDS_IN_AREA = f"""{_AWARDED}
WITH u, collect([award, receiver, receiver_type, year, edge_ids]) AS awards
{roll_up_call("u")}
WITH street, district, awards WHERE $area IN [street, district]
UNWIND awards AS x
WITH x[0] AS award, x[1] AS receiver, x[2] AS receiver_type, x[3] AS year, street, district, x[4] AS edge_ids
{_RETURN}
{_ORDER}
LIMIT $limit"""


def cypher(store, p: dict) -> list[dict]:
    rows = store.read_cypher(AWARDS_IN_AREA if p["area"] else AWARDS, year=p["year"], area=p["area"] or "", limit=int(p["limit"]))
    for r in rows:
        r["_edges"] = r.pop("edge_ids")
    return attach_evidence(store, rows, 1)

# AWARDED edges in the rows' order (year as text, '' when none; award; receiver; then edge id, the order
# the rows were read in before a stable sort), a page at a time
AWARDED_SQL = """SELECT e.id AS id, json_extract(e.props, '$.year') AS year, w.name AS award, u.id AS receiver_id, u.name AS receiver,
       u.type AS receiver_type
FROM edges e JOIN nodes w ON w.id = e.dst JOIN nodes u ON u.id = e.src
WHERE e.predicate = 'AWARDED' AND (:year IS NULL OR json_extract(e.props, '$.year') = :year)
ORDER BY coalesce(CAST(nullif(json_extract(e.props, '$.year'), 0) AS TEXT), ''), w.name, u.name, e.id LIMIT :page OFFSET :offset"""


def sql(store, p: dict) -> list[dict]:
    """`embedded` from the AWARDED edges, sorted by SQLite and read a page at a time until `limit` rows pass
    (an area filter reads on), so only the receivers returned are rolled up."""
    limit = int(p["limit"])
    kept = []
    year = int(p["year"]) if p["year"] else None
    for r in read_pages(store, AWARDED_SQL, {"year": year}, limit if not p["area"] else max(limit, 500)):
        place = roll_up_sql(store, r["receiver_id"])
        if p["area"] and p["area"] not in (place["street"], place["district"]):
            continue
        kept.append({"award": r["award"], "receiver": r["receiver"], "receiver_type": r["receiver_type"], "year": r["year"] or "",
                     "street": place["street"], "district": place["district"], "_edges": [r["id"]]})
        if len(kept) >= limit:
            break
    return attach_evidence(store, kept, 1)


SPEC = register(QuerySpec(
    "awards", "Awards by year and area.",
    ("award", "receiver", "receiver_type", "year", "street", "district", "evidence", "sources"),
    (Param("year", int, None, minimum=1900, maximum=2100), Param("area", str, "", "street or district name"), LIMIT), embedded, cypher,
    lambda: [("awards", AWARDS, {"year": None, "area": "", "limit": 10}),
             ("awards_in_area", AWARDS_IN_AREA, {"year": None, "area": "x", "limit": 10})], sql=sql))
