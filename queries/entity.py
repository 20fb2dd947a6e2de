"""entity: the profile of one entity (type, kind, aliases, place, relations, mentions), one row per fact."""

from __future__ import annotations

from graph.traversal import graph_of
from queries.cypher import FIND_NODE, N, find_cypher, roll_up_cypher
from queries.helpers import find_node, roll_up
from queries.registry import Param, QuerySpec, register
from queries.sql import find_sql, roll_up_sql


def _name(g, n: str) -> str:
    return g.nodes[n]["name"]


def embedded(store, name: str = "") -> list[dict]:
    """Profile of one entity: type, kind, aliases, place, relations and mentions (one row per fact)."""
    g = graph_of(store)
    n = find_node(store, g, name)
    d = g.nodes[n]
    place = roll_up(g, n)
    rows = [{"section": "profile", "field": "name", "value": d["name"]},
            {"section": "profile", "field": "id", "value": n},
            {"section": "profile", "field": "type", "value": d["type"]},
            {"section": "profile", "field": "kind", "value": d["kind"] or ""},
            {"section": "profile", "field": "aliases", "value": "、".join(d["aliases"])},
            {"section": "profile", "field": "street", "value": place["street"]},
            {"section": "profile", "field": "district", "value": place["district"]}]
    for _u, v, _k, e in sorted(g.out_edges(n, keys=True, data=True), key=lambda x: (x[3]["predicate"], x[1])):
        if e["predicate"] != "MENTIONED_IN":
            rows.append({"section": "relation", "field": e["predicate"], "value": f"→ {_name(g, v)}"})
    for u, _v, _k, e in sorted(g.in_edges(n, keys=True, data=True), key=lambda x: (x[3]["predicate"], x[0])):
        if e["predicate"] != "MENTIONED_IN":
            rows.append({"section": "relation", "field": e["predicate"], "value": f"← {_name(g, u)}"})
    for m in store.mentions_of(n):
        rows.append({"section": "mention", "field": f"{m.article_id}:{m.start}-{m.end}", "value": m.surface})
    return rows


ENTITY = f"""MATCH (n:{N} {{id: $id}})
WITH n
{roll_up_cypher("n", "n")}
RETURN n.id AS id, n.name AS name, n.type AS type, n.kind AS kind, n.aliases AS aliases,
       coalesce(street, '') AS street, coalesce(district, '') AS district,
       [(n)-[r]->(m) WHERE type(r) <> 'MENTIONED_IN' | [type(r), m.id, m.name]] AS outgoing,
       [(m)-[r]->(n) WHERE type(r) <> 'MENTIONED_IN' | [type(r), m.id, m.name]] AS incoming"""

def cypher(store, p: dict) -> list[dict]:
    node = store.read_cypher(ENTITY, id=find_cypher(store, p["name"]))[0]
    rows = [{"section": "profile", "field": f, "value": v} for f, v in (
        ("name", node["name"]), ("id", node["id"]), ("type", node["type"]), ("kind", node["kind"] or ""),
        ("aliases", "、".join(sorted(node["aliases"] or []))), ("street", node["street"]), ("district", node["district"]))]
    for pred, _other, name in sorted(node["outgoing"], key=lambda x: (x[0], x[1])):
        rows.append({"section": "relation", "field": pred, "value": f"→ {name}"})
    for pred, _other, name in sorted(node["incoming"], key=lambda x: (x[0], x[1])):
        rows.append({"section": "relation", "field": pred, "value": f"← {name}"})
    for m in store.mentions_of(node["id"]):
        rows.append({"section": "mention", "field": f"{m.article_id}:{m.start}-{m.end}", "value": m.surface})
    return rows


RELATIONS = """SELECT '→' AS arrow, e.predicate AS predicate, e.dst AS other, m.name AS name
FROM edges e JOIN nodes m ON m.id = e.dst WHERE e.src = :id
UNION ALL
SELECT '←', e.predicate, e.src, m.name FROM edges e JOIN nodes m ON m.id = e.src WHERE e.dst = :id
ORDER BY arrow DESC, predicate, other"""  # → before ←


def sql(store, p: dict) -> list[dict]:
    """`embedded` from the store's indexes: the node, its roll-up, its relations and mentions."""
    node = store.get_node(find_sql(store, p["name"]))
    place = roll_up_sql(store, node.id)
    rows = [{"section": "profile", "field": f, "value": v} for f, v in (
        ("name", node.name), ("id", node.id), ("type", node.type), ("kind", node.kind or ""),
        ("aliases", "、".join(node.aliases)), ("street", place["street"]), ("district", place["district"]))]
    for r in store.read_sql(RELATIONS, {"id": node.id}):
        rows.append({"section": "relation", "field": r["predicate"], "value": f"{r['arrow']} {r['name']}"})
    for m in store.mentions_of(node.id):
        rows.append({"section": "mention", "field": f"{m.article_id}:{m.start}-{m.end}", "value": m.surface})
    return rows


SPEC = register(QuerySpec(
    "entity", "Profile of an entity: type, kind, aliases, place, relations, mentions.",
    ("section", "field", "value"), (Param("name", str, "", "name, alias or id"),), embedded, cypher,
    lambda: [("find_node", FIND_NODE, {"ref": "x", "norm": "x"}), ("entity", ENTITY, {"id": "x"})], sql=sql))
