"""Shared helpers of the embedded query implementations."""

from __future__ import annotations

import networkx as nx
from pypinyin import lazy_pinyin

from govkg.errors import QueryError
from graph.base import GraphStore
from ingest.resolve import normalize_name


def find_node(store: GraphStore, g: nx.MultiDiGraph, ref: str) -> str:
    """A node id from an id, a name or an alias; QueryError when unknown or ambiguous."""
    if ref in g:
        return ref
    hits = [n.id for n in store.nodes_by_alias([normalize_name(ref)]) if n.id in g]
    if not hits:
        raise QueryError(f"no entity named {ref!r}; try `govkg query search --param q={ref}`")
    return sorted(hits, key=lambda n: (-g.degree(n), n))[0]


def ancestors(g: nx.MultiDiGraph, node: str, max_depth: int = 6) -> list[str]:
    """Areas/communities above a node: LOCATED_IN or PART_OF first, then PART_OF upwards (nearest first)."""
    out: list[str] = []
    frontier = [node]
    seen = {node}
    for _ in range(max_depth):
        nxt = []
        for n in frontier:
            for _, dst, data in g.out_edges(n, data=True):
                if data["predicate"] in ("PART_OF", "LOCATED_IN") and dst not in seen:
                    seen.add(dst)
                    out.append(dst)
                    nxt.append(dst)
        frontier = sorted(nxt)
        if not frontier:
            break
    return out


def roll_up(g: nx.MultiDiGraph, node: str) -> dict:
    """The street (subdistrict) and district a node sits in, when the graph knows them."""
    found = {"street": "", "district": ""}
    for a in [node, *ancestors(g, node)]:
        kind = g.nodes[a].get("kind")
        if kind == "subdistrict" and not found["street"]:
            found["street"] = g.nodes[a]["name"]
        elif kind == "district" and not found["district"]:
            found["district"] = g.nodes[a]["name"]
    return found


def evidence_text(store: GraphStore, edge_id: str, limit: int = 3) -> list[str]:
    """The sentences stating an edge (at most `limit`)."""
    out = []
    for ev in store.evidence_of(edge_id)[:limit]:
        out.append(store.sentence_text(ev.article_id, ev.start, ev.end))
    return out


def pinyin_key(text: str) -> str:
    """Toneless pinyin without spaces (迎晖社区 → yinghuishequ)."""
    return "".join(lazy_pinyin(text)).lower()


def initials_key(text: str) -> str:
    """Pinyin initials (迎晖社区 → yhsq)."""
    return "".join(p[0] for p in lazy_pinyin(text) if p).lower()
