"""The in-memory traversal engine: a networkx MultiDiGraph built from any GraphStore, cached by version."""

from __future__ import annotations

import threading
from collections.abc import Iterable

import networkx as nx

from graph.base import GraphStore, SQLStore

_CACHE: dict[str, tuple[int, nx.MultiDiGraph]] = {}
_LOCK = threading.Lock()


def build_graph(store: GraphStore) -> nx.MultiDiGraph:
    """Nodes, edges, Article nodes and MENTIONED_IN edges of the whole store, from one consistent snapshot."""
    if not isinstance(store, SQLStore):  # Neo4j reads each call in its own transaction
        return _build(store)
    with store.snapshot():
        return _build(store)


def _build(store: GraphStore) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    for n in store.iter_nodes():
        g.add_node(n.id, type=n.type, kind=n.kind, name=n.name, aliases=tuple(n.aliases), confidence=n.confidence, props=n.props)
    for a in store.iter_articles(with_text=False):
        g.add_node(a.id, type="Article", kind=None, name=a.title, aliases=(), confidence=1.0,
                   props={"path": a.path, "ingested_at": a.ingested_at, "characters": a.characters,
                          **{k: v for k, v in (("url", a.url), ("date", a.date), ("publisher", a.publisher)) if v}})
    for e in store.iter_edges():
        g.add_edge(e.src, e.dst, key=e.id, predicate=e.predicate, confidence=e.confidence, props=e.props)
    seen: set[tuple[str, str]] = set()
    for m in store.iter_mentions():
        pair = (m.node_id, m.article_id)
        if pair in seen or m.node_id not in g:
            continue
        seen.add(pair)
        g.add_edge(m.node_id, m.article_id, key=f"mention:{m.node_id}:{m.article_id}", predicate="MENTIONED_IN", confidence=m.confidence, props={})
    return g


def edges_by_predicate(g: nx.MultiDiGraph, predicate: str) -> list[tuple[str, str, str, dict]]:
    """(u, v, key, data) of one relation type, in edge-id order; indexed once per graph."""
    index = g.graph.get("by_predicate")
    if index is None:
        index = {}
        for u, v, k, d in g.edges(keys=True, data=True):
            index.setdefault(d["predicate"], []).append((u, v, k, d))
        for rows in index.values():
            rows.sort(key=lambda e: e[2])
        g.graph["by_predicate"] = index
    return index.get(predicate, [])


def nodes_by_type(g: nx.MultiDiGraph, node_type: str) -> list[str]:
    """Node ids of one type, sorted; indexed once per graph."""
    index = g.graph.get("by_type")
    if index is None:
        index = {}
        for n, d in g.nodes(data=True):
            index.setdefault(d["type"], []).append(n)
        for ids in index.values():
            ids.sort()
        g.graph["by_type"] = index
    return index.get(node_type, [])


def node_types(g: nx.MultiDiGraph) -> dict[str, str]:
    """node id → type, as a plain dict (indexed once per graph)."""
    index = g.graph.get("types")
    if index is None:
        index = g.graph["types"] = {n: d["type"] for n, d in g.nodes(data=True)}
    return index


def undirected_relations(g: nx.MultiDiGraph) -> nx.Graph:
    """A simple undirected view of the relations (mentions excluded), first edge by id kept; cached."""
    und = g.graph.get("undirected")
    if und is None:
        und = g.graph["undirected"] = simple_undirected(
            (k, u, v, d["predicate"]) for u, v, k, d in sorted(g.edges(keys=True, data=True), key=lambda e: e[2])
            if d["predicate"] != "MENTIONED_IN")
    return und


def simple_undirected(edges: Iterable[tuple[str, str, str, str]]) -> nx.Graph:
    """The simple undirected view of relations given as (id, src, dst, predicate) in id order: per node pair
    the first relation kept, as `predicate` and `forward` (its (src, dst))."""
    und = nx.Graph()
    for _k, u, v, predicate in edges:
        if not und.has_edge(u, v):
            und.add_edge(u, v, predicate=predicate, forward=(u, v))
    return und


def graph_of(store: GraphStore) -> nx.MultiDiGraph:
    """The cached graph of a store, rebuilt only when the store's version changed."""
    version = store.version()  # read before the snapshot: a newer graph is only ever cached under an older version
    with _LOCK:
        hit = _CACHE.get(store.uri)
        if hit and hit[0] == version:
            return hit[1]
    g = build_graph(store)
    with _LOCK:
        _CACHE[store.uri] = (version, g)
    return g


def cached_graph(store: GraphStore) -> nx.MultiDiGraph | None:
    """The store's graph if one is cached for its current version, else None (nothing is built)."""
    version = store.version()
    with _LOCK:
        hit = _CACHE.get(store.uri)
    return hit[1] if hit and hit[0] == version else None
