"""Cross-article entity resolution: map an article's entities onto store nodes (merge or create)
and turn the Extraction into a GraphBatch of store records."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations
from typing import Protocol

from graph.records import (
    ArticleRecord,
    EdgeRecord,
    EvidenceRecord,
    GraphBatch,
    MentionRecord,
    NodeRecord,
    SentenceRecord,
    article_id_of,
    stable_id,
)
from ingest import divisions
from ingest.model import Entity, Extraction
from ingest.resolve import normalize_name, short_forms
from ontology import ONTOLOGY


def identity_name(entity: Entity) -> str:
    """The name a node id is derived from: the official name of an area, else the normalized name."""
    if entity.type == "Area":
        if entity.adcode:
            d = divisions.by_adcode(entity.adcode)
            if d is not None:
                return d.name
        for form in sorted({entity.name, *entity.aliases}, key=len, reverse=True):
            name = divisions.canonical(form)
            if name:
                return name
    return normalize_name(entity.name)


class AliasLookup(Protocol):
    """What the linker reads of a store: nodes by normalized alias (a GraphStore, or the pipeline's view
    of a store with the articles not yet written)."""

    def nodes_by_alias(self, norms: Iterable[str], node_type: str | None = None) -> list[NodeRecord]: ...


class StoreLinker:
    """Resolves entities against what the store already holds, then builds the article's batch."""

    def __init__(self, store: AliasLookup, min_confidence: float = 0.4):
        self.store = store
        self.min_confidence = min_confidence

    def link(self, ex: Extraction, extractor_name: str = "") -> GraphBatch:
        """The GraphBatch that adds `ex` to the store (node ids reuse matching stored nodes)."""
        art = ex.article
        batch = GraphBatch(
            article=ArticleRecord(art.id, art.path, art.title, art.text, art.encoding, extractor_name,
                                  url=art.meta.url, date=art.meta.date, publisher=art.meta.publisher),
            sentences=[SentenceRecord(art.id, s.index, s.start, s.end) for s in art.sentences],
        )
        entities = self._kept(ex)
        parents = self._parents(ex, entities)
        ids: dict[str, str] = {}
        norms = {key: self._norms(e) for key, e in entities.items()}
        # One store lookup for every entity of the article (a round trip each is what a server store pays for).
        stored = self.store.nodes_by_alias(_union(norms))  # = lookup_norms(ex)
        stored_forms = [(c, {normalize_name(x) for x in (c.name, *c.aliases)}) for c in stored]
        for key, e in sorted(entities.items(), key=lambda kv: (kv[1].type != "Area", kv[0])):
            wanted = set(norms[key])
            candidates = [c for c, forms in stored_forms if c.type == e.type and wanted & forms]
            node_id = self._resolve(e, [entities[p].name for p in parents.get(key, []) if p in entities], candidates)
            ids[key] = node_id
            props: dict[str, object] = {"parents": sorted(entities[p].name for p in parents.get(key, []) if p in entities)} if parents.get(key) else {}
            if e.adcode:
                props["adcode"] = e.adcode  # the stable key of an area: same code, same node; different codes, two nodes
            batch.nodes.append(NodeRecord(node_id, e.type, e.name, e.kind, sorted(e.aliases), round(e.confidence, 3), props))
            for ev in e.mentions:
                batch.mentions.append(MentionRecord(node_id, art.id, ev.sentence_index, ev.start, ev.end, art.text[ev.start : ev.end], round(e.confidence, 3)))
        edge_ids: set[str] = set()
        for r in ex.relations:
            if r.predicate == "COOPERATES_WITH" or r.confidence < self.min_confidence:
                continue
            if r.subject not in ids or r.object not in ids:
                continue
            edge = EdgeRecord(stable_id("e", ids[r.subject], r.predicate, ids[r.object]), ids[r.subject], ids[r.object], r.predicate,
                              round(r.confidence, 3), dict(r.props))
            self._add_edge(batch, edge, edge_ids, r.evidence.sentence_index, r.evidence.start, r.evidence.end)
        for p in ex.partnerships:
            if p.confidence < self.min_confidence or not all(k in ids for k in p.parties):
                continue
            party_ids = sorted({ids[k] for k in p.parties})
            if len(party_ids) < 2:
                continue
            pid = stable_id("p", p.kind, *party_ids)
            names = "、".join(entities[k].name for k in p.parties)
            props = {"date": p.date} if p.date else {}
            batch.nodes.append(NodeRecord(pid, "Partnership", f"{p.kind}：{names}", p.kind, [], round(p.confidence, 3), props))
            ev = p.evidence
            batch.mentions.append(MentionRecord(pid, art.id, ev.sentence_index, ev.start, ev.end, ev.sentence, round(p.confidence, 3)))
            for party in party_ids:
                edge = EdgeRecord(stable_id("e", party, "PARTY_TO", pid), party, pid, "PARTY_TO", round(p.confidence, 3), {})
                self._add_edge(batch, edge, edge_ids, ev.sentence_index, ev.start, ev.end)
            for a, b in combinations(party_ids, 2):
                edge = EdgeRecord(stable_id("e", a, "COOPERATES_WITH", b), a, b, "COOPERATES_WITH", round(p.confidence, 3),
                                  {"kind": p.kind, "partnership": pid, **props})
                self._add_edge(batch, edge, edge_ids, ev.sentence_index, ev.start, ev.end)
        return batch

    def lookup_norms(self, ex: Extraction) -> list[str]:
        """The normalized names `link(ex)` asks the store for, in its one nodes_by_alias call (what a caller
        that prefetches several articles' lookups at once needs)."""
        return _union({k: self._norms(e) for k, e in self._kept(ex).items()})

    def _kept(self, ex: Extraction) -> dict[str, Entity]:
        """The article's entities the linker writes (confidence at least min_confidence)."""
        return {k: e for k, e in ex.entities.items() if e.confidence >= self.min_confidence}

    def _add_edge(self, batch: GraphBatch, edge: EdgeRecord, seen: set[str], sentence_index: int, start: int, end: int) -> None:
        ONTOLOGY.relations[edge.predicate]  # KeyError would mean a name outside the ontology
        if edge.id not in seen:
            seen.add(edge.id)
            batch.edges.append(edge)
        batch.evidence.append(EvidenceRecord(edge.id, article_id_of(batch), sentence_index, start, end, edge.confidence))

    @staticmethod
    def _parents(ex: Extraction, entities: dict[str, Entity]) -> dict[str, list[str]]:
        """The places (and, for initiatives, runners) that tell same-named entities apart."""
        out: dict[str, list[str]] = {}
        for r in ex.relations:
            if r.predicate in ("PART_OF", "LOCATED_IN", "AFFILIATED_WITH") and r.subject in entities:
                out.setdefault(r.subject, []).append(r.object)
            elif r.predicate == "RUNS" and r.object in entities and entities[r.object].type == "Initiative":
                out.setdefault(r.object, []).append(r.subject)
        return {k: sorted(set(v)) for k, v in out.items()}

    @staticmethod
    def _norms(e: Entity) -> list[str]:
        """The normalized forms an entity is looked up by."""
        forms = {e.name, *e.aliases, *short_forms(e.name, e.type)}
        if e.type == "Area":
            forms.add(identity_name(e))
        return [normalize_name(f) for f in forms if len(normalize_name(f)) >= 2]

    def _resolve(self, e: Entity, parent_names: list[str], candidates: list[NodeRecord] | None = None) -> str:
        """Reuse a stored node with the same type and a matching name/alias unless its place conflicts."""
        if candidates is None:
            candidates = self.store.nodes_by_alias(self._norms(e), e.type)
        wanted = {normalize_name(p) for p in parent_names}
        base_id = stable_id("n", e.type, identity_name(e)) if not e.adcode else stable_id("n", e.type, "adcode", e.adcode)
        compatible = []
        for c in candidates:
            if e.type == "Area":
                code = c.props.get("adcode")
                if e.adcode and code == e.adcode:
                    return c.id  # the same division
                if e.adcode or code:
                    continue  # 新城区 of 西安 and of 呼和浩特 are two places; an unresolved 新城区 is neither
            stored = {normalize_name(p) for p in c.props.get("parents", [])}
            if wanted and stored and not (wanted & stored):
                continue  # same short name, different district or street: a different entity
            if e.kind and c.kind and e.kind != c.kind and e.type != "Initiative":
                continue
            compatible.append(c)
        if compatible:
            exact = [c for c in compatible if c.id == base_id]
            overlap = [c for c in compatible if wanted & {normalize_name(p) for p in c.props.get("parents", [])}]
            return (exact or overlap or compatible)[0].id
        if any(c.id == base_id for c in candidates):
            return stable_id("n", e.type, identity_name(e), *sorted(wanted))
        return base_id


def _union(norms: dict[str, list[str]]) -> list[str]:
    """Every normalized form of `norms` (entity key → its forms) once, sorted: one nodes_by_alias call."""
    return sorted({x for forms in norms.values() for x in forms})
