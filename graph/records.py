"""Store-level records: what a writer sends to a store and what a store returns."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field


def utc_now() -> str:
    """The stamp both stores give an article (and a mark) when it is written: UTC, to the second."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())


def merge_props(old: dict, new: dict) -> dict:
    """Order-independent merge of node/edge properties: lists are unioned and sorted, scalars keep the smaller."""
    if not old:
        return dict(new)  # what the loop below gives when nothing is stored
    out = dict(old)
    for k, v in new.items():
        if k not in out or out[k] in (None, "", []):
            out[k] = v
        elif isinstance(v, list) or isinstance(out[k], list):
            out[k] = sorted(set(out[k] if isinstance(out[k], list) else [out[k]]) | set(v if isinstance(v, list) else [v]))
        elif v not in (None, "") and str(v) < str(out[k]):
            out[k] = v
    return out


def stable_id(prefix: str, *parts: str) -> str:
    """A short deterministic id from its parts (same input, same id, on every store)."""
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]
    return f"{prefix}_{digest}"


@dataclass
class NodeRecord:
    """A node: an entity, a Partnership or an Article."""

    id: str
    type: str
    name: str
    kind: str | None = None
    aliases: list[str] = field(default_factory=list)
    confidence: float = 1.0
    props: dict = field(default_factory=dict)


@dataclass
class EdgeRecord:
    """A directed relationship; symmetric ones are stored once with ends in id order."""

    id: str
    src: str
    dst: str
    predicate: str
    confidence: float = 1.0
    props: dict = field(default_factory=dict)


@dataclass(frozen=True)
class MentionRecord:
    """Where a node is mentioned: article, sentence, character offsets of the mention."""

    node_id: str
    article_id: str
    sentence_index: int
    start: int
    end: int
    surface: str
    confidence: float = 1.0


@dataclass(frozen=True)
class EvidenceRecord:
    """The sentence that states an edge: article, sentence index and its character offsets."""

    edge_id: str
    article_id: str
    sentence_index: int
    start: int
    end: int
    confidence: float = 1.0


@dataclass(frozen=True)
class SentenceRecord:
    """A sentence span of an article."""

    article_id: str
    index: int
    start: int
    end: int


@dataclass
class ArticleRecord:
    """An ingested article and its cleaned text (all offsets refer to it)."""

    id: str
    path: str
    title: str
    text: str
    encoding: str = "utf-8"
    extractor: str = ""
    ingested_at: str = ""
    characters: int = 0
    url: str | None = None  # where the article was published, when known (ingest/metadata.py)
    date: str | None = None  # publication date, ISO YYYY-MM-DD (or YYYY-MM)
    publisher: str | None = None


@dataclass(frozen=True)
class Citation:
    """One evidence item of an edge, citable: the article's title, date, URL and publisher (None when
    unknown), the sentence index, its character offsets in the article text and the sentence itself."""

    edge_id: str
    article_id: str
    title: str
    date: str | None
    url: str | None
    publisher: str | None
    sentence_index: int
    start: int
    end: int
    sentence: str

    def as_dict(self) -> dict:
        """The JSON view query rows carry (edge id left out), with `cite`: the compact one-line text."""
        return {"article_id": self.article_id, "title": self.title, "date": self.date, "url": self.url,
                "publisher": self.publisher, "sentence_index": self.sentence_index, "start": self.start,
                "end": self.end, "sentence": self.sentence, "cite": self.text()}

    def text(self) -> str:
        """`title (date) url #article:start-end`, the parts that are unknown left out."""
        parts = [self.title or self.article_id]
        if self.date:
            parts.append(f"({self.date})")
        if self.url:
            parts.append(self.url)
        parts.append(f"#{self.article_id}:{self.start}-{self.end}")
        return " ".join(parts)


@dataclass
class GraphBatch:
    """Everything one article adds to a graph, written in one transaction."""

    article: ArticleRecord | None
    sentences: list[SentenceRecord] = field(default_factory=list)
    nodes: list[NodeRecord] = field(default_factory=list)
    edges: list[EdgeRecord] = field(default_factory=list)
    mentions: list[MentionRecord] = field(default_factory=list)
    evidence: list[EvidenceRecord] = field(default_factory=list)


def article_id_of(batch: GraphBatch) -> str:
    """The id of the article a batch writes; ValueError for a batch without its article (nothing to key it by)."""
    if batch.article is None:
        raise ValueError("a graph batch without its article cannot be written")
    return batch.article.id
