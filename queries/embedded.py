"""Embedded (networkx over the SQLite store) implementations of the named queries."""

from __future__ import annotations

from collections import Counter, defaultdict

import networkx as nx

from govkg.errors import QueryError
from graph.base import GraphStore
from graph.traversal import edges_by_predicate, graph_of, node_types, nodes_by_type, undirected_relations
from queries.helpers import attach_evidence, bfs_rows, bounded_shortest_paths, find_node, path_rows, roll_up, score_search, search_candidates, shape_hierarchy


def _name(g: nx.MultiDiGraph, n: str) -> str:
    return g.nodes[n]["name"]


def _cobuild_index(g: nx.MultiDiGraph) -> list[tuple]:
    """Every organization ↔ community link, sorted for output (built once per graph):
    (sort key, org, community, partnership kind, initiative, date, confidence, edge ids)."""
    index = g.graph.get("cobuild_index")
    if index is not None:
        return index
    types, found = node_types(g), []
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


def cobuild(store: GraphStore, district=None, kind=None, org_kind="enterprise", min_confidence=0.0, limit=200) -> list[dict]:
    """Organization ↔ community co-building: direct partnerships and shared initiatives."""
    g = graph_of(store)
    nodes = g.nodes
    rows = []
    for _, org, com, pk, initiative, date, conf, keys in _cobuild_index(g):
        if conf < min_confidence or (kind and (initiative or pk != kind)):
            continue
        if org_kind not in (None, "", "any") and nodes[org]["kind"] != org_kind:
            continue
        place = roll_up(g, com)
        if district and district not in (place["district"], place["street"]):
            continue
        rows.append({"organization": _name(g, org), "org_kind": nodes[org]["kind"] or "", "community": _name(g, com),
                     "partnership_kind": pk, "initiative": initiative, "street": place["street"], "district": place["district"],
                     "date": date, "confidence": round(conf, 3), "_edges": list(keys)})
        if len(rows) >= int(limit):
            break
    return attach_evidence(store, rows, 2)


def neighbors(store: GraphStore, entity: str = "", hops=1, types=None, predicates=None, min_confidence=0.0, limit=200) -> list[dict]:
    """Entities within `hops` relations of an entity, with the relation that reached them (mentions excluded)."""
    g = graph_of(store)
    start = find_node(store, g, entity)

    def expand(ids: list[str]) -> dict[str, list[dict]]:
        out = {}
        for n in ids:
            rels = [(v, d, "out") for _, v, d in g.out_edges(n, data=True)] + [(u, d, "in") for u, _, d in g.in_edges(n, data=True)]
            out[n] = [{"other": o, "name": _name(g, o), "type": g.nodes[o]["type"], "kind": g.nodes[o]["kind"], "predicate": d["predicate"],
                       "direction": direction, "confidence": d["confidence"], "via_name": _name(g, n)}
                      for o, d, direction in rels if d["predicate"] != "MENTIONED_IN"]
        return out

    return bfs_rows(start, int(hops), expand, set(types.split(",")) if types else None,
                    set(predicates.split(",")) if predicates else None, float(min_confidence), int(limit))


def path(store: GraphStore, source: str = "", target: str = "", max_hops=4, limit=5) -> list[dict]:
    """Shortest paths between two entities (relations in either direction, mentions excluded)."""
    g = graph_of(store)
    a, b = find_node(store, g, source), find_node(store, g, target)
    und = undirected_relations(g)
    if a not in und or b not in und:
        return []
    found = sorted(bounded_shortest_paths(und, a, b, int(max_hops)))[: int(limit)]
    paths = [[(n, _name(g, n)) for n in p] for p in found]
    steps = [[(und.edges[x, y]["predicate"], und.edges[x, y]["forward"] == (x, y)) for x, y in zip(p, p[1:])] for p in found]
    return path_rows(paths, steps, int(max_hops))


def hierarchy(store: GraphStore, root: str = "", limit=500) -> list[dict]:
    """The area tree (PART_OF) with counts of communities, organizations and initiatives under each area."""
    g = graph_of(store)
    if "hierarchy_inputs" not in g.graph:  # indexed once per graph
        places = {n: {"name": g.nodes[n]["name"], "type": g.nodes[n]["type"], "kind": g.nodes[n]["kind"]}
                  for t in ("Area", "Community") for n in nodes_by_type(g, t)}
        part_of = [(u, v) for u, v, _, _ in edges_by_predicate(g, "PART_OF")]
        located = Counter((v, g.nodes[u]["type"]) for u, v, _, _ in edges_by_predicate(g, "LOCATED_IN"))
        g.graph["hierarchy_inputs"] = (places, part_of, located)
    places, part_of, located = g.graph["hierarchy_inputs"]
    return shape_hierarchy(places, part_of, located, find_node(store, g, root) if root else None, int(limit))


def entity(store: GraphStore, name: str = "") -> list[dict]:
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
    for u, v, k, e in sorted(g.out_edges(n, keys=True, data=True), key=lambda x: (x[3]["predicate"], x[1])):
        if e["predicate"] != "MENTIONED_IN":
            rows.append({"section": "relation", "field": e["predicate"], "value": f"→ {_name(g, v)}"})
    for u, v, k, e in sorted(g.in_edges(n, keys=True, data=True), key=lambda x: (x[3]["predicate"], x[0])):
        if e["predicate"] != "MENTIONED_IN":
            rows.append({"section": "relation", "field": e["predicate"], "value": f"← {_name(g, u)}"})
    for m in store.mentions_of(n):
        rows.append({"section": "mention", "field": f"{m.article_id}:{m.start}-{m.end}", "value": m.surface})
    return rows


def search(store: GraphStore, q: str = "", type=None, limit=20) -> list[dict]:
    """Entities by Chinese name, alias, substring or pinyin (full or initials), best first."""
    if not q:
        raise QueryError("search needs --param q=TEXT")
    g = graph_of(store)
    return score_search(search_candidates(g, type), q, int(limit))


def _broker_links(g: nx.MultiDiGraph, min_confidence: float) -> dict[str, set[str]]:
    """Organization → communities it links (partnerships, location, affiliation, shared initiatives)."""
    types = node_types(g)
    linked = defaultdict(set)
    for predicate in ("COOPERATES_WITH", "LOCATED_IN", "AFFILIATED_WITH"):
        for u, v, _, e in edges_by_predicate(g, predicate):
            if e["confidence"] >= min_confidence:
                if types[u] == "Organization" and types[v] == "Community":
                    linked[u].add(v)
                elif predicate == "COOPERATES_WITH" and types[u] == "Community" and types[v] == "Organization":
                    linked[v].add(u)
    community_runners = defaultdict(set)
    org_targets = []
    for u, v, _, e in edges_by_predicate(g, "RUNS"):
        if types[u] == "Community":
            community_runners[v].add(u)
        elif types[u] == "Organization" and e["confidence"] >= min_confidence:
            org_targets.append((u, v))
    for u, v, _, e in edges_by_predicate(g, "SUPPORTS"):
        if types[u] == "Organization" and e["confidence"] >= min_confidence:
            org_targets.append((u, v))
    for org, target in org_targets:
        if target in community_runners:
            linked[org] |= community_runners[target]
    return {n: cs for n, cs in linked.items() if cs}


def brokers(store: GraphStore, limit=20, min_confidence=0.0) -> list[dict]:
    """Organizations linking the most distinct communities (directly or through initiatives)."""
    g = graph_of(store)
    index = g.graph.setdefault("broker_links", {})  # per confidence level, serves every limit
    if min_confidence not in index:
        links = _broker_links(g, min_confidence)
        index[min_confidence] = (links, sorted((-len(cs), _name(g, n), n) for n, cs in links.items()))
    links, ranked = index[min_confidence]
    return [{"organization": name, "kind": g.nodes[n]["kind"] or "", "communities": -count,
             "names": "、".join(sorted(_name(g, c) for c in links[n]))} for count, name, n in ranked[: int(limit)]]


def awards(store: GraphStore, year=None, area: str = "", limit=200) -> list[dict]:
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
        rows.append({"award": _name(g, v), "receiver": _name(g, u), "receiver_type": g.nodes[u]["type"], "year": y or "",
                     "street": place["street"], "district": place["district"], "_edges": [k]})
    rows.sort(key=lambda r: (str(r["year"]), r["award"], r["receiver"]))
    return attach_evidence(store, rows, 1, int(limit))


def articles(store: GraphStore, limit=50) -> list[dict]:
    """Stored articles with how many entities each mentions, newest first."""
    g = graph_of(store)
    rows = [{"id": a, "title": g.nodes[a]["name"], "path": g.nodes[a]["props"]["path"], "ingested_at": g.nodes[a]["props"]["ingested_at"],
             "characters": g.nodes[a]["props"]["characters"], "entities": g.in_degree(a)} for a in nodes_by_type(g, "Article")]
    rows.sort(key=lambda r: (r["ingested_at"], r["id"]), reverse=True)
    return rows[: int(limit)]
