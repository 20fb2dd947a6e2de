"""Corrections that last: a reviewer's reject / merge / rename / split, kept as records keyed by content.

A :class:`Curation` names what it corrects (entity names, a predicate, article ids), never opaque node
ids, so the same record applies to a store rebuilt from the articles, to a migrated store and to
articles that arrive later. Use::

    from graph.curation import Curation, curate, undo
    c = curate(store, Curation("rename", "望平社区", target="成都市望平社区"))   # applied at once, stored
    undo(store, c.key)                                                           # see undo() for what it restores

The ingest pipeline runs every stored curation on each article's batch before it is written
(:class:`Curator`), so a re-ingest, ``--workers`` and a fresh store fed the same articles stay corrected.
Stores only see :class:`GraphChange` (rows to drop and to upsert, names to set) through
``GraphStore.apply_change``; everything about curations lives here.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from core.errors import GovkgError
from core.names import normalize_name
from graph.records import EdgeRecord, EvidenceRecord, GraphBatch, NodeRecord, stable_id
from ontology import ONTOLOGY

if TYPE_CHECKING:
    from graph.base import GraphStore

ACTIONS = ("reject", "merge", "rename", "split")


class CurationError(GovkgError):
    """A curation that cannot be made: unknown or ambiguous names, a missing fact, bad arguments."""


@dataclass(frozen=True)
class Curation:
    """One correction. ``reject``: the ``predicate`` fact from ``subject`` to ``object``; ``merge``:
    ``subject`` into ``target``; ``rename``: ``subject`` to ``target``; ``split``: the mentions of
    ``subject`` in ``articles`` (article ids) become a new node named ``target``.

    ``saved`` holds what undo restores (JSON: the rows of a rejected fact, the name before a rename);
    it is not part of the ``key``, nor are ``created_at`` and ``note``."""

    action: str
    subject: str
    subject_type: str | None = None
    predicate: str | None = None
    object: str | None = None
    target: str | None = None
    articles: tuple[str, ...] = ()
    created_at: str = ""
    note: str = ""
    saved: str = ""

    @property
    def key(self) -> str:
        """A content hash of what the correction says: the same correction typed twice is one record."""
        parts = [self.action, normalize_name(self.subject), self.subject_type or "", self.predicate or "",
                 normalize_name(self.object or ""), normalize_name(self.target or ""), *sorted(set(self.articles))]
        return "c_" + hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]

    def describe(self) -> str:
        """One line: what is corrected (``reject 望平社区 -[RUNS]-> 邻里节``, ``merge A into B``...)."""
        typed = f"{self.subject}" + (f" ({self.subject_type})" if self.subject_type else "")
        if self.action == "reject":
            return f"reject {typed} -[{self.predicate}]-> {self.object}"
        if self.action == "merge":
            return f"merge {typed} into {self.target}"
        if self.action == "rename":
            return f"rename {typed} to {self.target}"
        return f"split {typed}: {self.target} in {', '.join(self.articles)}"

    def as_dict(self) -> dict:
        """A JSON-ready dict with ``key`` (what stores and ``govkg curate list --json`` keep)."""
        return {"key": self.key, **asdict(self), "articles": list(self.articles)}

    @classmethod
    def from_dict(cls, d: dict) -> Curation:
        """The inverse of :meth:`as_dict` (``key`` is recomputed, never trusted)."""
        names = {f for f in cls.__dataclass_fields__}
        values = {k: v for k, v in d.items() if k in names}
        values["articles"] = tuple(values.get("articles") or ())
        return cls(**values)

    def check(self) -> Curation:
        """This curation when it is well formed, else a CurationError saying what is missing."""
        if self.action not in ACTIONS:
            raise CurationError(f"unknown curation action {self.action!r}; use one of {', '.join(ACTIONS)}")
        if not (self.subject or "").strip():
            raise CurationError("a curation needs the name of the entity it corrects")
        if self.subject_type and self.subject_type not in ONTOLOGY.entity_types:
            raise CurationError(f"unknown type {self.subject_type!r}; use one of {', '.join(ONTOLOGY.entity_types)}")
        if self.action == "reject":
            if not self.object or not self.predicate:
                raise CurationError("reject needs --predicate and --object")
            if self.predicate not in ONTOLOGY.relations or self.predicate == "MENTIONED_IN":
                close = difflib.get_close_matches(self.predicate.upper(), ONTOLOGY.predicates, 3)
                raise CurationError(f"unknown predicate {self.predicate!r}" + (f"; did you mean {', '.join(close)}?" if close else
                                    f"; use one of {', '.join(p for p in ONTOLOGY.predicates if p != 'MENTIONED_IN')}"))
        elif not (self.target or "").strip():
            raise CurationError(f"{self.action} needs the other name (--into / --to)")
        elif self.action == "merge" and normalize_name(self.target) == normalize_name(self.subject):
            raise CurationError(f"cannot merge {self.subject!r} into itself")
        if self.action == "split" and not self.articles:
            raise CurationError("split needs the articles whose mentions go to the new node (--article, repeatable)")
        return self


@dataclass
class GraphChange:
    """Rows a store drops and upserts in one transaction (``GraphStore.apply_change``): edges (with their
    evidence), mentions (node id, article id, start, end), nodes (with aliases and their mentions; their
    edges must be dropped too); ``upsert`` is merged by the stores' ordinary rules; ``names`` sets a
    node's name exactly (the old name stays an alias)."""

    drop_edges: list[str] = field(default_factory=list)
    drop_mentions: list[tuple[str, str, int, int]] = field(default_factory=list)
    drop_nodes: list[str] = field(default_factory=list)
    upsert: GraphBatch = field(default_factory=lambda: GraphBatch(None))
    names: dict[str, str] = field(default_factory=dict)

    def empty(self) -> bool:
        u = self.upsert
        return not (self.drop_edges or self.drop_mentions or self.drop_nodes or self.names or u.nodes or u.edges or u.mentions or u.evidence)


# ---------------------------------------------------------------------- names → nodes
def candidates(store: GraphStore, name: str, node_type: str | None = None) -> list[NodeRecord]:
    """Nodes whose name or alias normalizes like `name` (of one type), exact names first."""
    norm = normalize_name(name)
    found = [n for n in store.nodes_by_alias([norm], node_type) if n.type not in ("Article",)]
    return sorted(found, key=lambda n: (normalize_name(n.name) != norm, n.id))


def pick(store: GraphStore, name: str, node_type: str | None = None, role: str = "name") -> NodeRecord:
    """The one node `name` names: a CurationError for an unknown name (with close names) or an ambiguous
    one (asking for --type, or listing the nodes of one type that share it)."""
    found = candidates(store, name, node_type)
    if not found:
        raise CurationError(f"no entity named {name!r}" + (f" of type {node_type}" if node_type else "") + _close_names(store, name, node_type))
    exact = [n for n in found if normalize_name(n.name) == normalize_name(name)]
    if len(found) == 1 or len(exact) == 1:
        return (exact or found)[0]
    types = sorted({n.type for n in found})
    listed = "; ".join(f"{n.name} ({n.type}{', ' + '/'.join(n.props.get('parents', [])) if n.props.get('parents') else ''})" for n in found[:6])
    if len(types) > 1:
        raise CurationError(f"{role} {name!r} names {len(found)} entities: {listed}; pass --type ({', '.join(types)})")
    raise CurationError(f"{role} {name!r} names {len(found)} {types[0]} entities: {listed}; use the full name of one")


def _close_names(store: GraphStore, name: str, node_type: str | None) -> str:
    """'; close names: …' from the names of `node_type`, else of every type (each with its type)."""
    for typed in ((node_type, None) if node_type else (None,)):
        nodes = {n.name: n.type for n in store.iter_nodes(typed) if n.type != "Partnership"}
        names = sorted(nodes)
        close = difflib.get_close_matches(name, names, n=4, cutoff=0.5) or [x for x in names if name in x or x in name][:4]
        if close:
            return "; close names: " + ", ".join(x if typed else f"{x} ({nodes[x]})" for x in close)
    return ""


# ---------------------------------------------------------------------- row helpers
def edge_id(src: str, predicate: str, dst: str) -> tuple[str, str, str]:
    """(id, src, dst) of an edge as the linker makes it (symmetric relations: ends in id order)."""
    if ONTOLOGY.relations[predicate].symmetric and dst < src:
        src, dst = dst, src
    return stable_id("e", src, predicate, dst), src, dst


def split_id(node_type: str, name: str) -> str:
    """The id of the node a split makes: the id the linker gives a new entity of that name."""
    return stable_id("n", node_type, normalize_name(name))


def _repoint(edges: list[EdgeRecord], evidence: dict[str, list[EvidenceRecord]], old: str, new: str
             ) -> tuple[list[EdgeRecord], list[EvidenceRecord]]:
    """Edges of `old` moved onto `new` with their evidence (ids recomputed as the linker makes them);
    self-loops a merge would make are dropped."""
    out_edges: dict[str, EdgeRecord] = {}
    out_evidence: list[EvidenceRecord] = []
    for e in edges:
        src, dst = (new if e.src == old else e.src), (new if e.dst == old else e.dst)
        if src == dst:
            continue
        eid, src, dst = edge_id(src, e.predicate, dst)
        out_edges.setdefault(eid, EdgeRecord(eid, src, dst, e.predicate, e.confidence, dict(e.props)))
        out_evidence += [replace(ev, edge_id=eid) for ev in evidence.get(e.id, [])]
    return list(out_edges.values()), out_evidence


def _merge_change(store: GraphStore, src: NodeRecord, dst: NodeRecord) -> GraphChange:
    """Every edge, mention and alias of `src` onto `dst`; `src` removed; `dst` keeps its name."""
    edges = store.edges_of([src.id])
    evidence = {e.id: store.evidence_of(e.id) for e in edges}
    new_edges, new_evidence = _repoint(edges, evidence, src.id, dst.id)
    mentions = [replace(m, node_id=dst.id) for m in store.mentions_of(src.id)]
    node = NodeRecord(dst.id, dst.type, dst.name, dst.kind, sorted({src.name, *src.aliases, *dst.aliases}),
                      max(src.confidence, dst.confidence), src.props)
    return GraphChange(drop_edges=[e.id for e in edges], drop_nodes=[src.id],
                       upsert=GraphBatch(None, nodes=[node], edges=new_edges, mentions=mentions, evidence=new_evidence),
                       names={dst.id: dst.name})


# ---------------------------------------------------------------------- applying to a store
def plan(store: GraphStore, c: Curation, strict: bool = True) -> tuple[GraphChange, dict]:
    """(the change that applies `c` to the store now, what undo needs). `strict`: a CurationError when
    the names are unknown or nothing matches; otherwise an empty change (the record waits for articles)."""
    c.check()
    try:
        if c.action == "reject":
            return _plan_reject(store, c, strict)
        if c.action == "rename":
            return _plan_rename(store, c)
        if c.action == "merge":
            return _plan_merge(store, c, strict)
        return _plan_split(store, c, strict)
    except CurationError:
        if strict:
            raise
        return GraphChange(), {}


def _plan_reject(store: GraphStore, c: Curation, strict: bool) -> tuple[GraphChange, dict]:
    subjects = {n.id for n in candidates(store, c.subject, c.subject_type)}
    objects = {n.id for n in candidates(store, c.object or "")}
    if strict:
        if not subjects:
            pick(store, c.subject, c.subject_type, "subject")
        if not objects:
            pick(store, c.object or "", None, "object")
    symmetric = ONTOLOGY.relations[c.predicate or ""].symmetric  # check() made sure a reject names one
    edges = [e for e in store.edges_of(sorted(subjects)) if e.predicate == c.predicate and
             ((e.src in subjects and e.dst in objects) or (symmetric and e.dst in subjects and e.src in objects))]
    if strict and not edges:
        raise CurationError(f"no {c.predicate} relation from {c.subject!r} to {c.object!r} is stored; "
                            f"see `govkg query neighbors --param entity={c.subject}`")
    saved = {"edges": [asdict(e) for e in edges], "evidence": [asdict(ev) for e in edges for ev in store.evidence_of(e.id)]}
    return GraphChange(drop_edges=[e.id for e in edges]), saved


def _plan_rename(store: GraphStore, c: Curation) -> tuple[GraphChange, dict]:
    try:
        node = pick(store, c.subject, c.subject_type, "name")
    except CurationError:
        renamed = [n for n in candidates(store, c.target or "", c.subject_type) if n.name == c.target]
        if len(renamed) == 1:  # already renamed (a re-run, or a record applied again)
            return GraphChange(), {"name": c.subject}
        raise
    other = [n for n in candidates(store, c.target or "", node.type) if n.id != node.id and normalize_name(n.name) == normalize_name(c.target)]
    if other:
        raise CurationError(f"another {node.type} is already named {c.target!r}; merge them instead: "
                            f"govkg curate merge {c.subject} --into {c.target}")
    change = GraphChange(names={node.id: c.target}) if c.target and node.name != c.target else GraphChange()
    return change, {"name": node.name, "id": node.id}


def _plan_merge(store: GraphStore, c: Curation, strict: bool) -> tuple[GraphChange, dict]:
    dst = pick(store, c.target or "", c.subject_type, "target")
    if strict:
        try:
            srcs = [pick(store, c.subject, c.subject_type or dst.type, "subject")]
        except CurationError:
            other = [n for n in candidates(store, c.subject, c.subject_type) if n.type != dst.type]
            if not other:
                raise
            raise CurationError(f"{c.subject!r} is of type {other[0].type} and {c.target!r} of type {dst.type}; "
                                "only entities of one type merge") from None
        if srcs[0].id == dst.id:
            raise CurationError(f"{c.subject!r} is already merged into {dst.name!r}")
    else:
        srcs = [n for n in candidates(store, c.subject, dst.type) if n.id != dst.id]
    change = GraphChange()
    for src in srcs:
        change = _combine(change, _merge_change(store, src, dst))
    return change, {"merged": [s.id for s in srcs], "into": dst.id}


def _plan_split(store: GraphStore, c: Curation, strict: bool) -> tuple[GraphChange, dict]:
    node = pick(store, c.subject, c.subject_type, "subject")
    new_id = split_id(node.type, c.target or "")
    wanted = set(c.articles)
    all_mentions = store.mentions_of(node.id)
    mentions = [m for m in all_mentions if m.article_id in wanted]
    if not mentions:
        if strict:
            raise CurationError(f"{c.subject!r} is not mentioned in {', '.join(sorted(wanted))}; "
                                f"see `govkg query entity --param name={c.subject}` for its articles")
        return GraphChange(), {}
    if strict and not {m.article_id for m in all_mentions} - wanted:
        raise CurationError(f"every article of {c.subject!r} is in the split; rename it instead")
    change = GraphChange(drop_mentions=[(m.node_id, m.article_id, m.start, m.end) for m in mentions], names={new_id: c.target or ""})
    up = change.upsert
    surfaces = {m.surface for m in mentions if normalize_name(m.surface) != normalize_name(c.subject)} - {c.target}
    up.nodes.append(NodeRecord(new_id, node.type, c.target or "", node.kind, sorted(surfaces), node.confidence, {}))
    up.mentions += [replace(m, node_id=new_id) for m in mentions]
    for e in store.edges_of([node.id]):
        evidence = store.evidence_of(e.id)
        moved = [ev for ev in evidence if ev.article_id in wanted]
        if not moved:
            continue
        change.drop_edges.append(e.id)
        rest = [ev for ev in evidence if ev.article_id not in wanted]
        if rest:  # the edge keeps the evidence outside the split, and the confidence that evidence gave it
            up.edges.append(replace(e, confidence=max(ev.confidence for ev in rest)))
            up.evidence += rest
        src, dst = (new_id if e.src == node.id else e.src), (new_id if e.dst == node.id else e.dst)
        eid, src, dst = edge_id(src, e.predicate, dst)
        up.edges.append(EdgeRecord(eid, src, dst, e.predicate, max(ev.confidence for ev in moved), dict(e.props)))
        up.evidence += [replace(ev, edge_id=eid) for ev in moved]
    return change, {"node": node.id, "split": new_id}


def _combine(a: GraphChange, b: GraphChange) -> GraphChange:
    return GraphChange(a.drop_edges + b.drop_edges, a.drop_mentions + b.drop_mentions, a.drop_nodes + b.drop_nodes,
                       GraphBatch(None, nodes=a.upsert.nodes + b.upsert.nodes, edges=a.upsert.edges + b.upsert.edges,
                                  mentions=a.upsert.mentions + b.upsert.mentions, evidence=a.upsert.evidence + b.upsert.evidence),
                       {**a.names, **b.names})


def curate(store: GraphStore, c: Curation, strict: bool = True) -> Curation:
    """Check `c` against the store, keep it as a record and apply it at once; returns the stored record
    (with ``created_at`` and what undo needs; the stored one, unchanged, when its key is already there). `strict` False keeps a record whose names are not (yet)
    in the store: it applies to the articles that bring them."""
    known = {x.key: x for x in store.curations()}
    if c.key in known:
        return known[c.key]  # the same correction again: one record, nothing to do
    change, saved = plan(store, c, strict)
    stored = replace(c, created_at=c.created_at or _stamp(), saved=json.dumps(saved, ensure_ascii=False, sort_keys=True))
    store.add_curation(stored)
    if not change.empty():
        store.apply_change(change)
    return stored


def _stamp() -> str:
    """When a curation is made: UTC to the microsecond (curations of one second keep their order)."""
    return datetime.now(timezone.utc).replace(tzinfo=None).isoformat(timespec="microseconds")


def reapply(store: GraphStore, curations: list[Curation] | None = None) -> int:
    """Apply stored curations again (idempotent; what migrate and a late article need); how many changed the graph."""
    changed = 0
    for c in curations if curations is not None else store.curations():
        change, _ = plan(store, c, strict=False)
        if not change.empty():
            store.apply_change(change)
            changed += 1
    return changed


def find(store: GraphStore, key: str) -> Curation:
    """The stored curation of a key (or of a unique key prefix); CurationError otherwise."""
    found = [c for c in store.curations() if c.key == key or (len(key) >= 4 and c.key.startswith(key))]
    if len(found) != 1:
        listed = "" if found else "; `govkg curate list` shows the keys"
        raise CurationError(f"no curation {key!r}{listed}" if not found else f"key {key!r} matches {len(found)} curations; give more of it")
    return found[0]


def undo(store: GraphStore, key: str) -> tuple[Curation, str]:
    """Remove a curation and restore what it changed where the store can: (the record, what was restored).

    reject: the fact's rows kept by the record come back (edge, confidence, evidence); rename: the node
    gets its former name back (the new name stays an alias); split: the split node is merged back into
    the node it came from. merge: the record is removed and later articles are no longer merged, but the
    merged node stays merged in this store: re-ingest the articles into a fresh store to separate them."""
    c = find(store, key)
    saved = json.loads(c.saved or "{}")
    store.remove_curation(c.key)
    change, what = GraphChange(), "record removed"
    if c.action == "reject" and saved.get("edges"):
        edges = [EdgeRecord(**e) for e in saved["edges"]]
        present = {n.id for e in edges for n in (store.get_node(e.src), store.get_node(e.dst)) if n is not None}
        edges = [e for e in edges if e.src in present and e.dst in present]
        kept = {e.id for e in edges}
        change = GraphChange(upsert=GraphBatch(None, edges=edges, evidence=[EvidenceRecord(**v) for v in saved["evidence"] if v["edge_id"] in kept]))
        what = f"{len(edges)} relation(s) restored with their evidence"
    elif c.action == "rename" and saved.get("id") and store.get_node(saved["id"]) is not None:
        change = GraphChange(names={saved["id"]: saved["name"]})
        what = f"name {saved['name']!r} restored"
    elif c.action == "split" and saved.get("split"):
        src, dst = store.get_node(saved["split"]), store.get_node(saved["node"])
        if src is not None and dst is not None:
            change = _merge_change(store, src, dst)
            what = f"{src.name!r} merged back into {dst.name!r}"
    elif c.action == "merge":
        what = "record removed; the nodes stay merged in this store (re-ingest into a fresh store to separate them)"
    if not change.empty():
        store.apply_change(change)
    return c, what


def curated_nodes(store: GraphStore) -> dict[str, tuple[str, str]]:
    """{node id: (latest curated_at, curation key)} of the nodes the stored curations shaped
    (a rename's, a merge's target, a split's two nodes); for exports."""
    out: dict[str, tuple[str, str]] = {}
    for c in sorted(store.curations(), key=lambda c: c.created_at):
        names = {"rename": [c.target], "merge": [c.target], "split": [c.subject, c.target]}.get(c.action, [])
        for name in names:
            for n in candidates(store, name or "", c.subject_type):
                if normalize_name(n.name) == normalize_name(name or "") or c.action == "split":
                    out[n.id] = (c.created_at, c.key)
    return out


# ---------------------------------------------------------------------- applying to a batch
class Curator:
    """Applies stored curations to each article's batch before it is written (the ingest pipeline's
    hook), so new articles follow earlier corrections. Use: ``batch = curator.prepare(batch)`` before
    ``store.write_batch(batch)``, then ``curator.after_write([batch])``."""

    def __init__(self, store: GraphStore, curations: list[Curation] | None = None):
        self.store = store
        self.curations = sorted(curations if curations is not None else store.curations(), key=lambda c: (c.created_at, c.key))

    def __bool__(self) -> bool:
        return bool(self.curations)

    def relevant(self, batch: GraphBatch) -> list[Curation]:
        """The curations whose names (or, for a split, article) the batch holds."""
        norms = {normalize_name(x) for n in batch.nodes for x in (n.name, *n.aliases) if x}
        out = []
        for c in self.curations:
            if {normalize_name(x) for x in (c.subject, c.object, c.target) if x} & norms:
                out.append(c)
        return out

    def prepare(self, batch: GraphBatch) -> GraphBatch:
        """The batch with every relevant curation applied: merged names on the target node, renamed
        nodes under their new name, split articles' mentions on the split node, rejected facts left out."""
        cs = self.relevant(batch) if self.curations else []
        if not cs:
            return batch
        for c in cs:
            if c.action in ("merge", "split"):
                batch = self._remap(batch, c)
        for c in cs:
            if c.action in ("rename", "split"):
                batch = self._rename(batch, c)
        for c in cs:
            if c.action == "reject":
                batch = self._reject(batch, c)
        return batch

    def after_write(self, batches: list[GraphBatch]) -> None:
        """Apply the relevant curations to the store again (a merge whose target came in this batch,
        a node a longer name renamed back): idempotent, nothing written when nothing is left to do."""
        seen: set[str] = set()
        todo = []
        for b in batches:
            for c in self.relevant(b) if self.curations else []:
                if c.key not in seen and c.action != "reject":
                    seen.add(c.key)
                    todo.append(c)
        if todo:
            reapply(self.store, todo)

    @staticmethod
    def _matches(n: NodeRecord, name: str, node_type: str | None) -> bool:
        norm = normalize_name(name)
        return (node_type is None or n.type == node_type) and any(normalize_name(x) == norm for x in (n.name, *n.aliases) if x)

    def _stored_ids(self, name: str, node_type: str | None) -> set[str]:
        return {n.id for n in candidates(self.store, name, node_type)}

    def _remap(self, batch: GraphBatch, c: Curation) -> GraphBatch:
        if c.action == "merge":
            targets = [n for n in candidates(self.store, c.target or "", c.subject_type) if normalize_name(n.name) == normalize_name(c.target)]
            target = targets[0] if len(targets) == 1 else next(
                (n for n in batch.nodes if normalize_name(n.name) == normalize_name(c.target) and (c.subject_type in (None, n.type))), None)
            if target is None:
                return batch  # the target is not there yet: after_write merges once it is
            old = {n.id for n in batch.nodes if n.id != target.id and n.type == target.type and self._matches(n, c.subject, c.subject_type)}
            if not old:
                return batch
            batch = remap(batch, {o: target.id for o in old})
            # the merged name lands on the target as an alias: the target keeps its name and kind, as when merged in a store
            nodes = [NodeRecord(n.id, n.type, target.name, None, sorted({*n.aliases, n.name} - {target.name}), n.confidence, n.props)
                     if n.id == target.id and n.name != target.name and self._matches(n, c.subject, c.subject_type) else n
                     for n in batch.nodes]
            return GraphBatch(batch.article, batch.sentences, nodes, batch.edges, batch.mentions, batch.evidence)
        sample = [n for n in batch.nodes if self._matches(n, c.subject, c.subject_type)]
        if not sample:
            return batch
        node_type = sample[0].type
        new_id = split_id(node_type, c.target or "")
        if batch.article is not None and batch.article.id in c.articles:
            return remap(batch, {n.id: new_id for n in sample if n.type == node_type})
        # another article: the shared name stays on the node the split left (never on the split node)
        moved = [n for n in sample if n.id == new_id and not self._matches(n, c.target or "", node_type)]
        if not moved:
            return batch
        stored = [n for n in candidates(self.store, c.subject, node_type) if n.id != new_id]
        exact = [n for n in stored if normalize_name(n.name) == normalize_name(c.subject)]
        home = (exact or stored)[0].id if (exact or stored) else stable_id("n", node_type, normalize_name(c.subject))
        return remap(batch, {new_id: home})

    def _rename(self, batch: GraphBatch, c: Curation) -> GraphBatch:
        if c.action == "rename":
            ids = {n.id for n in candidates(self.store, c.target or "", c.subject_type) if normalize_name(n.name) == normalize_name(c.target)}
        else:
            ids = {split_id(n.type, c.target or "") for n in batch.nodes}
        nodes = []
        for n in batch.nodes:
            hit = n.id in ids if c.action == "split" else (n.id in ids or self._matches(n, c.subject, c.subject_type))
            if hit and n.name != c.target and n.type != "Partnership":
                aliases = {*n.aliases, n.name} - {c.target}
                if c.action == "split":  # the shared name stays with the node the split left
                    aliases = {x for x in aliases if normalize_name(x) != normalize_name(c.subject)}
                n = NodeRecord(n.id, n.type, c.target or n.name, n.kind, sorted(aliases), n.confidence, n.props)
            nodes.append(n)
        return GraphBatch(batch.article, batch.sentences, nodes, batch.edges, batch.mentions, batch.evidence)

    def _reject(self, batch: GraphBatch, c: Curation) -> GraphBatch:
        subjects = {n.id for n in batch.nodes if self._matches(n, c.subject, c.subject_type)} | self._stored_ids(c.subject, c.subject_type)
        objects = {n.id for n in batch.nodes if self._matches(n, c.object or "", None)} | self._stored_ids(c.object or "", None)
        symmetric = ONTOLOGY.relations[c.predicate or ""].symmetric
        drop = {e.id for e in batch.edges if e.predicate == c.predicate and
                ((e.src in subjects and e.dst in objects) or (symmetric and e.dst in subjects and e.src in objects))}
        if not drop:
            return batch
        return GraphBatch(batch.article, batch.sentences, batch.nodes, [e for e in batch.edges if e.id not in drop],
                          batch.mentions, [ev for ev in batch.evidence if ev.edge_id not in drop])


def remap(batch: GraphBatch, ids: dict[str, str]) -> GraphBatch:
    """The batch with node ids replaced by `ids` (mentions, edges and evidence follow; edge ids recomputed,
    self-loops dropped)."""
    ids = {k: v for k, v in ids.items() if k != v}
    if not ids:
        return batch
    nodes = [replace(n, id=ids.get(n.id, n.id)) for n in batch.nodes]
    mentions = list(dict.fromkeys(replace(m, node_id=ids.get(m.node_id, m.node_id)) for m in batch.mentions))
    new_id: dict[str, str | None] = {}
    edges: dict[str, EdgeRecord] = {}
    for e in batch.edges:
        src, dst = ids.get(e.src, e.src), ids.get(e.dst, e.dst)
        if src == dst:
            new_id[e.id] = None
            continue
        eid, src, dst = edge_id(src, e.predicate, dst) if (src, dst) != (e.src, e.dst) else (e.id, src, dst)
        new_id[e.id] = eid
        edges.setdefault(eid, EdgeRecord(eid, src, dst, e.predicate, e.confidence, dict(e.props)))
    evidence = [replace(ev, edge_id=moved) for ev in batch.evidence if (moved := new_id.get(ev.edge_id, ev.edge_id))]
    return GraphBatch(batch.article, batch.sentences, nodes, list(edges.values()), mentions, list(dict.fromkeys(evidence)))
