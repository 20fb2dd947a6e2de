"""awards: awards by year and area, with the receiver's street and district."""

from __future__ import annotations

import json

from graph.traversal import edges_by_predicate, graph_of
from queries.cypher import N, roll_up_call
from queries.helpers import LIMIT, attach_evidence, roll_up
from queries.registry import Param, QuerySpec, register
from queries.sql import roll_up_sql


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

AWARDED_SQL = """SELECT e.id AS id, e.props AS props, w.name AS award, u.id AS receiver_id, u.name AS receiver, u.type AS receiver_type
FROM edges e JOIN nodes w ON w.id = e.dst JOIN nodes u ON u.id = e.src
WHERE e.predicate = 'AWARDED' ORDER BY e.id"""


def sql(store, p: dict) -> list[dict]:
    """`embedded` from the AWARDED edges (predicate index); without an area the rows are sorted and cut
    first, so only the receivers returned are rolled up."""
    rows = []
    for r in store.read_sql(AWARDED_SQL):
        y = json.loads(r["props"]).get("year")
        if p["year"] and y != int(p["year"]):
            continue
        rows.append({"award": r["award"], "receiver": r["receiver"], "receiver_type": r["receiver_type"], "year": y or "",
                     "_receiver": r["receiver_id"], "_edges": [r["id"]]})
    rows.sort(key=lambda r: (str(r["year"]), r["award"], r["receiver"]))
    kept = []
    for r in rows:
        receiver, edges = r.pop("_receiver"), r.pop("_edges")
        place = roll_up_sql(store, receiver)
        if p["area"] and p["area"] not in (place["street"], place["district"]):
            continue
        kept.append(r | {"street": place["street"], "district": place["district"], "_edges": edges})
        if len(kept) >= int(p["limit"]):
            break
    return attach_evidence(store, kept, 1)


SPEC = register(QuerySpec(
    "awards", "Awards by year and area.",
    ("award", "receiver", "receiver_type", "year", "street", "district", "evidence", "sources"),
    (Param("year", int, None, minimum=1900, maximum=2100), Param("area", str, "", "street or district name"), LIMIT), embedded, cypher,
    lambda: [("awards", AWARDS, {"year": None, "area": "", "limit": 10}),
             ("awards_in_area", AWARDS_IN_AREA, {"year": None, "area": "x", "limit": 10})], sql=sql))
