"""The GraphStore Protocol every store implements (embedded SQLite, Neo4j)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, ContextManager, Protocol, TypeVar, runtime_checkable

from graph.records import ArticleRecord, Citation, EdgeRecord, EvidenceRecord, GraphBatch, MentionRecord, NodeRecord

if TYPE_CHECKING:
    from graph.curation import Curation, GraphChange

T = TypeVar("T")


class NamedQuery(Protocol):
    """What a store needs of a named query to run it (queries.registry.QuerySpec is one): its name and
    its two implementations, `embedded(store, **params)` and `cypher(store, params)`, each giving row dicts."""

    @property
    def name(self) -> str: ...

    @property
    def embedded(self) -> Callable[..., list[dict]]: ...

    @property
    def cypher(self) -> Callable[..., list[dict]]: ...

    @property
    def sql(self) -> Callable[..., list[dict]] | None:
        """`sql(store, params)` on a SQLStore's own tables and indexes, or None (then `embedded` runs)."""


@runtime_checkable
class GraphStore(Protocol):
    """A durable property graph of govkg nodes, edges, aliases and provenance."""

    uri: str
    write_batch_size: int  # articles the ingest pipeline gives write_batches at once (1: one write_batch per article)
    write_batch_seconds: float  # a group is written early once its first article has waited this long (0: by size only)

    def write_batch(self, batch: GraphBatch) -> bool:
        """Write one article's batch atomically; False when the article was already stored."""

    def write_batches(self, batches: list[GraphBatch]) -> list[bool]:
        """Write several articles' batches, in order, each merged as if written alone, and each either fully
        stored or not at all; per batch False when its article was already stored (or came earlier in the list)."""

    def has_article(self, article_id: str) -> bool:
        """True when the article is fully stored."""

    def stored_articles(self, article_ids: list[str]) -> set[str]:
        """Which of `article_ids` are fully stored, in one round trip."""

    def nodes_by_alias(self, norms: Iterable[str], node_type: str | None = None) -> list[NodeRecord]:
        """Nodes whose name or alias normalizes to one of `norms`."""

    def get_node(self, node_id: str) -> NodeRecord | None:
        """One node by id, with its aliases."""

    def get_article(self, article_id: str) -> ArticleRecord | None:
        """One article with its text; None when it is not stored."""

    def iter_nodes(self, node_type: str | None = None) -> Iterator[NodeRecord]:
        """All nodes (of one type), with aliases."""

    def iter_edges(self, predicate: str | None = None) -> Iterator[EdgeRecord]:
        """All edges (of one predicate)."""

    def iter_articles(self, with_text: bool = True) -> Iterator[ArticleRecord]:
        """All stored articles (text left empty when `with_text` is False; `characters` is always set)."""

    def mentions_of(self, node_id: str) -> list[MentionRecord]:
        """Every mention of a node."""

    def evidence_of(self, edge_id: str) -> list[EvidenceRecord]:
        """Every evidence sentence of an edge."""

    def evidence_sentences(self, edge_ids: list[str], per_edge: int) -> dict[str, list[str]]:
        """The first `per_edge` evidence sentences of each edge, in one round trip."""

    def citations(self, edge_ids: list[str], per_edge: int) -> dict[str, list[Citation]]:
        """The first `per_edge` evidence items of each edge (by article, sentence), each with its article's title,
        date, URL and publisher, offsets and sentence, in one round trip: {edge id: [Citation]}."""

    def iter_mentions(self) -> Iterator[MentionRecord]:
        """All mentions."""

    def iter_evidence(self) -> Iterator[EvidenceRecord]:
        """All evidence rows."""

    def sentences_of(self, article_id: str) -> list[tuple[int, int, int]]:
        """(index, start, end) of every sentence of an article."""

    def import_rows(self, batch: GraphBatch, with_article: bool = True) -> None:
        """Upsert rows copied from another store (used by migrate)."""

    def sentence_text(self, article_id: str, start: int, end: int) -> str:
        """A slice of an article's stored text."""

    def set_mark(self, a: str, b: str, verdict: str, note: str = "") -> None:
        """Record a reviewer's same/different verdict on two nodes."""

    def clear_mark(self, a: str, b: str) -> None:
        """Forget the verdict on two nodes (undo a same/different mark); nothing when there is none."""

    def marks(self) -> dict[tuple[str, str], str]:
        """All same/different verdicts, keyed by the ordered node pair."""

    def edges_of(self, node_ids: list[str]) -> list[EdgeRecord]:
        """Every edge (MENTIONED_IN excluded) with an end among `node_ids`, in id order."""

    def apply_change(self, change: "GraphChange") -> None:
        """Apply a correction's rows in one transaction (graph.curation.GraphChange): drop edges with their
        evidence, mentions, nodes with their aliases and mentions; upsert rows by the ordinary merge
        rules; set node names exactly (the old name stays an alias). Bumps version()."""

    def add_curation(self, c: "Curation") -> None:
        """Keep a curation record (graph.curation.Curation) by its content key; the same key twice is one
        record, the first kept. Bumps version()."""

    def remove_curation(self, key: str) -> None:
        """Forget a curation record; nothing when there is none. Bumps version()."""

    def curations(self) -> list["Curation"]:
        """Every curation record, oldest first."""

    def stats(self) -> dict:
        """Counts of articles, nodes per type and edges per predicate."""

    def version(self) -> int:
        """A counter that changes whenever the graph changes (for caches)."""

    def run_named_query(self, spec: NamedQuery, params: dict) -> list[dict]:
        """Run a named query with bound parameters: the store picks the query module's implementation
        (`spec.sql` on the embedded store's tables where the query has one, else `spec.embedded` on its
        cached graph; `spec.cypher` on Neo4j); rows as dicts."""

    def close(self) -> None:
        """Release connections."""


@runtime_checkable
class CypherStore(GraphStore, Protocol):
    """A store that answers Cypher (Neo4j): what the queries' `cypher` implementations call."""

    def read_cypher(self, query: str, **params) -> list[dict]:
        """Run one read-only Cypher statement with parameters; rows as dicts."""

    def query_index(self, name: str, build: "Callable[[], T]") -> "T":
        """What `build()` returns, built once per graph version (store.version()): a query's index, kept
        like the indexes the embedded store keeps on its cached graph; any write rebuilds it."""


@runtime_checkable
class SQLStore(GraphStore, Protocol):
    """A store whose tables answer SQL (the embedded SQLite store): what the queries' `sql` implementations
    call, so a local query reads a few indexed rows instead of the whole graph. Tables: nodes, aliases,
    edges, mentions, evidence, articles, sentences (graph/sqlite_store.py)."""

    def read_sql(self, query: str, params: "Iterable | dict" = ()) -> list[dict]:
        """Run one read-only SQL statement with parameters (positional `?` or named `:name`); rows as dicts."""

    def query_index(self, name: str, build: "Callable[[], T]") -> "T":
        """What `build()` returns, built once per graph version (store.version()); any write rebuilds it."""

    def derived_ready(self, name: str) -> bool:
        """Whether the graph.derived tables registered as `name` reflect every write (rebuilt now when they
        were behind and the store is writable); False means: compute in memory what they would hold."""

    def snapshot(self) -> ContextManager:
        """A read transaction (`with store.snapshot(): ...`): every read inside sees one consistent state."""
