"""Typed records passed between pipeline stages: loader → cleaner → extractor → resolver → writer."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ArticleMeta:
    """What is known about an article besides its text (ingest/metadata.py reads it); None when unknown."""

    title: str | None = None
    url: str | None = None
    date: str | None = None  # ISO YYYY-MM-DD (or YYYY-MM)
    publisher: str | None = None

    def over(self, weaker: "ArticleMeta") -> "ArticleMeta":
        """These fields where set, the weaker source's elsewhere."""
        return ArticleMeta(*(mine if mine else theirs for mine, theirs in
                             zip((self.title, self.url, self.date, self.publisher),
                                 (weaker.title, weaker.url, weaker.date, weaker.publisher))))


@dataclass(frozen=True)
class RawDocument:
    """Bytes of one input file decoded to text, before cleaning."""

    path: str
    text: str
    encoding: str
    is_html: bool = False
    meta: ArticleMeta = ArticleMeta()


@dataclass(frozen=True)
class Sentence:
    """One sentence of a cleaned article, with its character offsets in the article text."""

    index: int
    start: int
    end: int
    text: str
    paragraph: int = 0


@dataclass(frozen=True)
class Article:
    """A cleaned article: the text every offset refers to, and its sentences."""

    id: str
    path: str
    title: str
    text: str
    sentences: tuple[Sentence, ...]
    encoding: str = "utf-8"
    dropped: tuple[str, ...] = ()
    meta: ArticleMeta = ArticleMeta()  # source URL, date, publisher; title is the headline used

    @staticmethod
    def make_id(text: str) -> str:
        """Stable article id: a hash of the cleaned text, so re-ingesting is a no-op."""
        return "art_" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Evidence:
    """Provenance of a fact: the article, the sentence, and character offsets in the article text."""

    article_id: str
    sentence_index: int
    start: int
    end: int
    sentence: str

    def as_dict(self) -> dict:
        """A JSON-friendly view."""
        return {
            "article": self.article_id,
            "sentence_index": self.sentence_index,
            "start": self.start,
            "end": self.end,
            "sentence": self.sentence,
        }


@dataclass
class Entity:
    """An entity found in one article (after in-article resolution)."""

    key: str
    name: str
    type: str
    kind: str | None
    aliases: set[str] = field(default_factory=set)
    confidence: float = 0.5
    mentions: list[Evidence] = field(default_factory=list)
    adcode: str | None = None  # Areas: the division's official code when the table and the article pin it down


@dataclass
class Relation:
    """A directed fact between two entities of one article."""

    subject: str
    predicate: str
    object: str
    confidence: float
    evidence: Evidence
    props: dict = field(default_factory=dict)


@dataclass
class Partnership:
    """A reified co-building link between two or more parties."""

    kind: str
    parties: tuple[str, ...]
    confidence: float
    evidence: Evidence
    date: str | None = None


@dataclass
class Extraction:
    """Everything extracted from one article, keyed by in-article entity keys."""

    article: Article
    entities: dict[str, Entity]
    relations: list[Relation]
    partnerships: list[Partnership]

    def as_prediction(self, min_confidence: float = 0.0) -> dict:
        """The prediction format of the gold README (plus confidence and offsets)."""
        ents = [e for e in self.entities.values() if e.confidence >= min_confidence]
        names = {e.key: e.name for e in ents}
        relations = []
        for r in self.relations:
            if r.confidence < min_confidence or r.subject not in names or r.object not in names:
                continue
            row = {
                "subject": names[r.subject],
                "predicate": r.predicate,
                "object": names[r.object],
                "evidence": r.evidence.sentence,
                "confidence": round(r.confidence, 3),
                "start": r.evidence.start,
                "end": r.evidence.end,
            }
            row.update(r.props)
            relations.append(row)
        return {
            "article": self.article.path.rsplit("/", 1)[-1],
            "entities": [
                {
                    "name": e.name,
                    "type": e.type,
                    "kind": e.kind,
                    "aliases": sorted(e.aliases - {e.name}),
                    "confidence": round(e.confidence, 3),
                    **({"adcode": e.adcode} if e.adcode else {}),
                }
                for e in sorted(ents, key=lambda e: (e.mentions[0].start if e.mentions else 0, e.name))
            ],
            "relations": relations,
            "partnerships": [
                {
                    "kind": p.kind,
                    "parties": [names[k] for k in p.parties if k in names],
                    "date": p.date,
                    "evidence": p.evidence.sentence,
                    "confidence": round(p.confidence, 3),
                }
                for p in self.partnerships
                if p.confidence >= min_confidence
            ],
        }
