"""The in-memory traversal engine: a networkx MultiDiGraph built from any GraphStore, cached by version."""

from __future__ import annotations

import threading

import networkx as nx

from graph.base import GraphStore

_CACHE: dict[str, tuple[int, nx.MultiDiGraph]] = {}
_LOCK = threading.Lock()


def build_graph(store: GraphStore) -> nx.MultiDiGraph:
    """Nodes, edges, Article nodes and MENTIONED_IN edges of the whole store."""
    g = nx.MultiDiGraph()
    for n in store.iter_nodes():
        g.add_node(n.id, type=n.type, kind=n.kind, name=n.name, aliases=tuple(n.aliases), confidence=n.confidence, props=n.props)
    for a in store.iter_articles():
        g.add_node(a.id, type="Article", kind=None, name=a.title, aliases=(), confidence=1.0, props={"path": a.path})
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


def graph_of(store: GraphStore) -> nx.MultiDiGraph:
    """The cached graph of a store, rebuilt only when the store's version changed."""
    version = store.version()
    with _LOCK:
        hit = _CACHE.get(store.uri)
        if hit and hit[0] == version:
            return hit[1]
    g = build_graph(store)
    with _LOCK:
        _CACHE[store.uri] = (version, g)
    return g
