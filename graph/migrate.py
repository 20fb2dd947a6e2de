"""Copy a whole graph between stores (embedded → Neo4j is how a user moves up), streaming in batches."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from graph.base import GraphStore
from graph.records import GraphBatch, SentenceRecord


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def migrate(src: GraphStore, dst: GraphStore, batch_size: int = 500, progress: Callable[[str, int], None] | None = None) -> dict:
    """Copy nodes, articles (with sentences), mentions, edges (with evidence), marks and curation records; idempotent."""
    counts = {"nodes": 0, "articles": 0, "mentions": 0, "edges": 0, "marks": 0, "curations": 0}

    def note(what: str, n: int) -> None:
        counts[what] += n
        if progress:
            progress(what, counts[what])

    for chunk in _chunks(src.iter_nodes(), batch_size):
        dst.import_rows(GraphBatch(article=None, nodes=chunk), with_article=False)
        note("nodes", len(chunk))
    for article in src.iter_articles():
        sentences = [SentenceRecord(article.id, i, s, e) for i, s, e in src.sentences_of(article.id)]
        dst.import_rows(GraphBatch(article=article, sentences=sentences), with_article=True)
        note("articles", 1)
    for chunk in _chunks(src.iter_mentions(), batch_size * 4):
        dst.import_rows(GraphBatch(article=None, mentions=chunk), with_article=False)
        note("mentions", len(chunk))
    for chunk in _chunks(src.iter_edges(), batch_size):
        evidence = [ev for e in chunk for ev in src.evidence_of(e.id)]
        dst.import_rows(GraphBatch(article=None, edges=chunk, evidence=evidence), with_article=False)
        note("edges", len(chunk))
    for (a, b), verdict in sorted(src.marks().items()):
        dst.set_mark(a, b, verdict)
        note("marks", 1)
    for c in src.curations():  # the rows copied above are already corrected; the records keep later articles so
        dst.add_curation(c)
        note("curations", 1)
    return counts
