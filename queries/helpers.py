"""Shared helpers of the embedded query implementations."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import networkx as nx
from pypinyin import lazy_pinyin
from pypinyin.seg.simpleseg import seg as pinyin_words

from core.errors import QueryError
from core.names import normalize_name
from graph.base import GraphStore
from graph.records import Citation
from graph.traversal import edges_by_predicate
from queries.registry import Param

CONF = Param("min_confidence", float, 0.0, "hide facts below this confidence", minimum=0.0, maximum=1.0)


def limit_param(default: int) -> Param:
    """The `limit` parameter (maximum rows, at least 1) with a query's default."""
    return Param("limit", int, default, "maximum rows", minimum=1)


LIMIT = limit_param(200)


def relation_degree(g: nx.MultiDiGraph, n: str) -> int:
    """Number of relations of a node, mentions excluded (the same count Cypher gives)."""
    return sum(1 for *_, d in g.out_edges(n, data=True) if d["predicate"] != "MENTIONED_IN") + sum(
        1 for *_, d in g.in_edges(n, data=True) if d["predicate"] != "MENTIONED_IN")


def find_node(store: GraphStore, g: nx.MultiDiGraph, ref: str) -> str:
    """A node id from an id, a name or an alias (most connected first); QueryError when unknown."""
    if ref in g and g.nodes[ref]["type"] != "Article":
        return ref
    hits = [n.id for n in store.nodes_by_alias([normalize_name(ref)]) if n.id in g]
    if not hits:
        raise QueryError(f"no entity named {ref!r}; try `govkg query search --param q={ref}`")
    return sorted(hits, key=lambda n: (-relation_degree(g, n), n))[0]


def attach_evidence(store: GraphStore, rows: list[dict], per_edge: int, limit: int | None = None, cap: int | None = None) -> list[dict]:
    """Replace each row's `_edges` (edge ids) by `evidence`: its distinct sentences (at most `cap`) joined
    with ' | ', and `sources`: the same evidence as citations (Citation.as_dict: article id, title, date,
    URL, publisher, sentence index, offsets, sentence and `cite`, its one-line text), one per distinct
    sentence span. Everything comes from one bulk store call (store.citations); rows beyond `limit` are
    dropped first. Table and CSV output show `sources` as cell_text does."""
    rows = rows[:limit] if limit is not None else rows
    cited = store.citations([k for r in rows for k in r["_edges"]], per_edge)
    for r in rows:
        citations = [c for k in r.pop("_edges") for c in cited.get(k, [])]
        sentences = list(dict.fromkeys(c.sentence for c in citations))[:cap]
        spans: dict[tuple, Citation] = {}
        for c in citations:
            if c.sentence in sentences:
                spans.setdefault((c.article_id, c.start, c.end), c)
        r["evidence"] = " | ".join(sentences)
        r["sources"] = [c.as_dict() for c in spans.values()]
    return rows


def cell_text(value) -> object:
    """A row value as a table or CSV cell: a list of citations (`sources`) as their `cite` texts joined
    with ' | '; any other value unchanged."""
    if isinstance(value, list) and all(isinstance(v, dict) and "cite" in v for v in value):
        return " | ".join(str(v["cite"]) for v in value)
    return value


def search_candidates(g: nx.MultiDiGraph, node_type: str | None) -> list[dict]:
    """Every non-article node prepared for `score_search` (normalized forms cached on the graph)."""
    cache = g.graph.setdefault("search_candidates", {})
    if node_type not in cache:
        cache[node_type] = [
            {"id": n, "name": d["name"], "type": d["type"], "kind": d["kind"], "aliases": list(d["aliases"]), "degree": relation_degree(g, n)}
            for n, d in g.nodes(data=True) if d["type"] != "Article" and (not node_type or d["type"] == node_type)
        ]
    return cache[node_type]


def score_search(candidates: list[dict], q: str, limit: int) -> list[dict]:
    """Rank candidate nodes (id, name, type, kind, aliases, degree) for a search string."""
    needle = normalize_name(q).lower()
    pinyin = needle.isascii()
    scored = []
    for c in candidates:
        best, how = 0, ""
        forms = c.get("_forms")
        if forms is None:
            forms = c["_forms"] = [(f, normalize_name(f).lower()) for f in [c["name"], *c["aliases"]]]
        for f, nf in forms:
            if nf == needle:
                best, how = max((best, how), (100, "name" if f == c["name"] else "alias"))
            elif needle in nf:
                best, how = max((best, how), (80 - min(20, len(nf) - len(needle)), "substring"))
            elif pinyin and (needle in pinyin_key(nf) or needle == initials_key(nf)):  # the pinyin of the normalized form
                best, how = max((best, how), (60, "pinyin"))
        if best:
            scored.append((-best, -c["degree"], c["name"], c["id"], how, c))
    scored.sort(key=lambda x: x[:4])
    return [{"id": c["id"], "name": c["name"], "type": c["type"], "kind": c["kind"] or "", "match": how, "score": -s, "degree": c["degree"]}
            for s, _, _, _, how, c in scored[:limit]]


@dataclass
class AreaTree:
    """The area tree of `shape_hierarchy`, built once (area_tree) and walked by every call (walk_hierarchy):
    places {id: {name, type, kind}}, each place's children in (name, id) order, the roots in that order,
    LOCATED_IN counts, and the rolled-up counts of the subtrees counted so far."""

    places: dict[str, dict]
    children: dict[str, list[str]]
    roots: list[str]
    located: dict[tuple[str, str], int]
    totals: dict[str, list[int]] = field(default_factory=dict)

    def count(self, top: str) -> None:
        """Roll up (communities, organizations, initiatives) below `top` (iterative post-order, memoized)."""
        totals, children, places, located = self.totals, self.children, self.places, self.located
        stack = [(top, False)]
        while stack:
            n, done = stack.pop()
            if n in totals:
                continue
            if not done:
                stack.append((n, True))
                stack.extend((c, False) for c in children.get(n, ()) if c not in totals)
                continue
            t = [0, located.get((n, "Organization"), 0), located.get((n, "Initiative"), 0)]
            for c in children.get(n, ()):
                ct = totals.get(c, [0, 0, 0])
                t = [t[0] + ct[0] + (places[c]["type"] == "Community"), t[1] + ct[1], t[2] + ct[2]]
            totals[n] = t


def area_tree(places: dict[str, dict], part_of: list[tuple[str, str]], located: dict[tuple[str, str], int]) -> AreaTree:
    """The tree of places {id: {name,type,kind}} by PART_OF pairs in edge-id order (a place's first parent
    kept), with LOCATED_IN counts {(place, type of the located): n}."""
    children: dict[str, list[str]] = defaultdict(list)
    parent_of: dict[str, str] = {}
    for u, v in part_of:
        if u in places and v in places and u not in parent_of and u != v:
            parent_of[u] = v
            children[v].append(u)
    order = {n: (places[n]["name"], n) for n in places}
    for kids in children.values():
        kids.sort(key=order.__getitem__)
    roots = sorted((n for n in places if n not in parent_of), key=order.__getitem__)
    return AreaTree(places, dict(children), roots, located)


def walk_hierarchy(tree: AreaTree, root: str | None, limit: int = 500) -> list[dict]:
    """Rows of the area tree in pre-order from `root` (every root when None), at most `limit`; counts roll
    up from all descendants."""
    places, children = tree.places, tree.children
    rows: list[dict] = []
    for r in [root] if root else tree.roots:
        tree.count(r)
        stack = [(r, 0, places[r]["name"])]
        while stack and len(rows) < limit:
            n, depth, trail = stack.pop()
            c, o, i = tree.totals[n]
            rows.append({"area": places[n]["name"], "type": places[n]["type"], "kind": places[n]["kind"] or "", "depth": depth,
                         "path": trail, "communities": c, "organizations": o, "initiatives": i})
            stack.extend((k, depth + 1, f"{trail} > {places[k]['name']}") for k in reversed(children.get(n, ())))
        if len(rows) >= limit:
            break
    return rows


def shape_hierarchy(places: dict[str, dict], part_of: list[tuple[str, str]], located: dict[tuple[str, str], int],
                    root: str | None, limit: int = 500) -> list[dict]:
    """Rows of the area tree in pre-order (at most `limit`): places {id: {name,type,kind}},
    PART_OF pairs in edge-id order, LOCATED_IN counts; counts roll up from all descendants."""
    return walk_hierarchy(area_tree(places, part_of, located), root, limit)


def bfs_rows(start: str, hops: int, expand, limit: int) -> list[dict]:
    """The first `limit` k-hop neighbourhood rows, breadth first from `start`.

    `expand(ids, seen, cap)` returns per id of `ids` its relations that pass the query's filters (mentions
    excluded), as dicts (other, name, type, kind, predicate, direction, confidence, edge_id, via_name):
    one per other node not in `seen` (its first by `relation_order`), in (predicate, other) order, at most
    `cap` of them. That cap is exact: an id can add at most `cap` (= limit - rows) rows, and only others
    reached earlier in the same call can be skipped, each of which added a row. The frontier is expanded
    in chunks of 1, 2, 4, … ids and the search stops as soon as `limit` rows are found."""
    rows: list[dict] = []
    seen = {start}
    frontier = [start]
    for depth in range(1, hops + 1):
        nxt: list[str] = []
        i, size = 0, 1
        while i < len(frontier):
            chunk = frontier[i:i + size]
            i, size = i + size, size * 2
            edges = expand(chunk, seen, limit - len(rows))
            for n in chunk:
                for e in edges.get(n, ()):
                    other = e["other"]
                    if other in seen:
                        continue
                    seen.add(other)
                    nxt.append(other)
                    rows.append({"id": other, "name": e["name"], "type": e["type"], "kind": e["kind"] or "", "predicate": e["predicate"],
                                 "direction": e["direction"], "via": e["via_name"], "hops": depth, "confidence": round(e["confidence"], 3),
                                 "via_id": n, "edge_id": e["edge_id"]})
                    if len(rows) >= limit:
                        return rows
        frontier = nxt
    return rows


def relation_order(e: dict) -> tuple:
    """Which relation to another node comes first: by predicate, outgoing before incoming, then edge id
    (the Cypher of `neighbors` orders the same way)."""
    return e["predicate"], e["direction"] != "out", e["edge_id"]


def first_relations(rels, seen: set, cap: int) -> list[dict]:
    """Of relation dicts (other, predicate, direction, edge_id, …) already filtered: the first per other
    node not in `seen` (by `relation_order`), in (predicate, other) order, at most `cap` (for `bfs_rows`)."""
    best: dict[str, dict] = {}
    for e in rels:
        o = e["other"]
        if o not in seen and (o not in best or relation_order(e) < relation_order(best[o])):
            best[o] = e
    return sorted(best.values(), key=lambda e: (e["predicate"], e["other"]))[:max(cap, 0)]


def _layers(und: nx.Graph, start: str, depth: int) -> tuple[dict[str, list[str]], dict[str, int]]:
    """BFS predecessors (all of them) and hop counts up to `depth` hops from start."""
    preds: dict[str, list[str]] = {start: []}
    level = {start: 0}
    frontier = [start]
    for d in range(1, depth + 1):
        nxt = []
        for u in frontier:
            for v in und.adj[u]:
                if v not in level:
                    level[v] = d
                    preds[v] = [u]
                    nxt.append(v)
                elif level[v] == d:
                    preds[v].append(u)
        frontier = nxt
    return preds, level


def _walks(preds: dict[str, list[str]], node: str, cap: int) -> list[list[str]]:
    """All BFS-tree walks from the BFS root to `node` (root first)."""
    if not preds[node]:
        return [[node]]
    out: list[list[str]] = []
    for p in sorted(preds[node]):
        for w in _walks(preds, p, cap):
            out.append(w + [node])
            if len(out) >= cap:
                return out
    return out


def bounded_shortest_paths(und: nx.Graph, a: str, b: str, max_hops: int, cap: int = 1000) -> list[list[str]]:
    """All shortest paths a→b of at most `max_hops` edges, by bidirectional BFS (never the whole graph)."""
    if a == b:
        return []
    try:
        d = len(nx.bidirectional_shortest_path(und, a, b)) - 1
    except nx.NetworkXNoPath:
        return []
    if d > max_hops:
        return []
    half = (d + 1) // 2
    (from_a, depth_a), (from_b, depth_b) = _layers(und, a, half), _layers(und, b, d - half)
    paths = []
    for m in sorted(n for n in from_a if depth_a[n] == half and depth_b.get(n) == d - half):
        for left in _walks(from_a, m, cap):
            for right in _walks(from_b, m, cap):
                paths.append(left + right[::-1][1:])
                if len(paths) >= cap:
                    return paths
    return paths


def path_rows(paths: list[list[tuple[str, str]]], steps: list[list[tuple[str, bool]]], max_hops: int) -> list[dict]:
    """Rows of shortest paths: nodes as (id, name), steps as (predicate, forward) between consecutive nodes."""
    order = sorted(range(len(paths)), key=lambda i: [n for n, _ in paths[i]])
    rows: list[dict] = []
    for i in order:
        p, st = paths[i], steps[i]
        if len(p) - 1 > max_hops:
            continue
        parts = [f"{p[k][1]} -[{pred}]{'->' if fwd else '<-'} {p[k + 1][1]}" for k, (pred, fwd) in enumerate(st)]
        rows.append({"path": len(rows) + 1, "length": len(p) - 1, "nodes": " / ".join(name for _, name in p), "steps": "; ".join(parts)})
    return rows



def _parents(g: nx.MultiDiGraph) -> dict[str, list[str]]:
    """Per node, the places it is LOCATED_IN or PART_OF (indexed once per graph)."""
    index = g.graph.get("parents")
    if index is None:
        index = {}
        for predicate in ("PART_OF", "LOCATED_IN"):
            for u, v, _, _ in edges_by_predicate(g, predicate):
                index.setdefault(u, []).append(v)
        g.graph["parents"] = index
    return index


def ancestors(g: nx.MultiDiGraph, node: str, max_depth: int = 6) -> list[tuple[str, int]]:
    """(place, hops) above a node through LOCATED_IN and PART_OF, nearest first, ties by id."""
    parents = _parents(g)
    depth = {node: 0}
    frontier = [node]
    for d in range(1, max_depth + 1):
        nxt = []
        for n in frontier:
            for dst in parents.get(n, ()):
                if dst not in depth:
                    depth[dst] = d
                    nxt.append(dst)
        frontier = nxt
        if not frontier:
            break
    return sorted(((n, d) for n, d in depth.items() if n != node), key=lambda x: (x[1], x[0]))


def roll_up(g: nx.MultiDiGraph, node: str) -> dict:
    """The nearest street (subdistrict) and district of a node (itself included), ties broken by id."""
    memo = g.graph.setdefault("roll_up", {})
    if node not in memo:
        memo[node] = _roll_up(g, node)
    return dict(memo[node])


def place_or_runners(own: dict, runners: Iterable[str], place_of: Callable[[str], dict]) -> dict:
    """`own` (a street/district roll-up) when it names either, else the place of the first of `runners`
    (in the order given) that names one (`place_of(runner)`), else `own`: where an initiative is."""
    if own["street"] or own["district"]:
        return own
    for runner in runners:
        place = place_of(runner)
        if place["street"] or place["district"]:
            return place
    return own


def _roll_up(g: nx.MultiDiGraph, node: str) -> dict:
    found = {"street": "", "district": ""}
    for a, _ in [(node, 0), *ancestors(g, node)]:
        kind = g.nodes[a].get("kind") if g.nodes[a].get("type") == "Area" else None
        if kind == "subdistrict" and not found["street"]:
            found["street"] = g.nodes[a]["name"]
        elif kind == "district" and not found["district"]:
            found["district"] = g.nodes[a]["name"]
    return found


@lru_cache(maxsize=65536)
def _word_pinyin(word: str) -> tuple[str, ...]:
    return tuple(lazy_pinyin(word))


def pinyin_keys(text: str) -> tuple[str, str]:
    """Toneless pinyin without spaces and pinyin initials (迎晖社区 → yinghuishequ, yhsq): `lazy_pinyin(text)`,
    converted word by word as pypinyin segments it (its own segmenter), each word once per process, since
    names repeat their words (社区, 党群服务中心): about 6× faster on a store's names, the same syllables."""
    syllables = [p for word in pinyin_words(text) for p in _word_pinyin(word)]
    return "".join(syllables).lower(), "".join(p[0] for p in syllables if p).lower()


_remembered_pinyin_keys = lru_cache(maxsize=None)(pinyin_keys)  # the forms a query process compares, converted once


def pinyin_key(text: str) -> str:
    """Toneless pinyin without spaces (迎晖社区 → yinghuishequ)."""
    return _remembered_pinyin_keys(text)[0]


def initials_key(text: str) -> str:
    """Pinyin initials (迎晖社区 → yhsq)."""
    return _remembered_pinyin_keys(text)[1]
