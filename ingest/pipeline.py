"""The ingest pipeline: loader → cleaner → extractor → linker (resolver) → writer."""

from __future__ import annotations

import itertools
import os
import pickle
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import GovkgError, InputError
from graph.base import GraphStore
from graph.curation import Curator
from graph.merge import merge_node
from graph.records import GraphBatch, NodeRecord, article_id_of
from ingest.cleaner import clean_document
from ingest.extractor import RuleExtractor
from ingest.linker import StoreLinker
from ingest.model import Extraction
from ingest.reader import Skipped, iter_article_paths, read_file
from ingest.resolve import normalize_name


@dataclass
class IngestReport:
    """What an ingest run did: articles added or already present, files skipped and why."""

    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    characters: int = 0
    nodes_written: int = 0
    edges_written: int = 0
    seconds: float = 0.0
    write_seconds: float = 0.0

    def summary(self) -> str:
        """One paragraph for the terminal."""
        lines = [
            f"ingested {len(self.added)} new article(s), {len(self.unchanged)} already stored, "
            f"{len(self.skipped)} skipped; {self.nodes_written} node and {self.edges_written} edge writes "
            f"in {self.seconds:.1f}s"
        ]
        for s in self.skipped:
            lines.append(f"  skipped {s.path}: {s.reason}")
        return "\n".join(lines)


class Pipeline:
    """Composes the stages; each stage is replaceable (any object with the same method)."""

    def __init__(self, store: GraphStore, extractor: RuleExtractor | None = None, min_confidence: float = 0.4):
        self.store = store
        self.extractor = extractor or RuleExtractor()
        self.linker = StoreLinker(store, min_confidence)
        self.curator: Curator | None = None  # the store's curations, read when an ingest starts

    def ingest(self, paths: Iterable[str | Path], progress: Callable[[str, str], None] | None = None, workers: int = 1) -> IngestReport:
        """Ingest files and folders; bad files are skipped with a reason, never stop the batch.

        With workers > 1, extraction runs in that many processes and this process writes the
        results in input order, so the graph is the same as a single-process run.
        """
        report = IngestReport()
        t0 = time.perf_counter()
        self.curator = Curator(self.store)  # corrections made before: every new article follows them
        files = [str(p) for p in iter_article_paths(list(paths))]
        if workers > 1:
            import multiprocessing as mp
            import threading

            # Workers may run at most IN_FLIGHT files ahead of the single writer, so memory stays
            # bounded however large the corpus (imap would otherwise buffer every result).
            in_flight = threading.BoundedSemaphore(workers * IN_FLIGHT_PER_WORKER)

            def feed():
                for f in files:
                    in_flight.acquire()
                    yield f

            def consumed(results):
                for r in results:
                    in_flight.release()
                    yield r

            ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
            with ctx.Pool(workers, initializer=_init_worker, initargs=_worker_args(self.extractor, ctx.get_start_method())) as pool:
                self._write_all(files, consumed(pool.imap(_extract_file, feed(), chunksize=8)), report, progress)
        else:
            self._write_all(files, map(self._extract_one, files), report, progress)
        report.seconds = time.perf_counter() - t0
        return report

    def _extract_one(self, path: str) -> Extraction | Skipped | None:
        """Read, clean and extract one file in this process, skipping already stored articles early."""
        return _extract_file(path, self.extractor, self.store)

    def _write_all(self, files: list[str], results, report: IngestReport, progress) -> None:
        size = max(1, int(self.store.write_batch_size))
        if size == 1:
            for path, result in zip(files, results):
                if isinstance(result, Skipped):
                    report.skipped.append(result)
                    _notify(progress, path, "skipped")
                elif result is None or self.store.has_article(result.article.id):
                    report.unchanged.append(path)
                    _notify(progress, path, "unchanged")
                else:
                    _notify(progress, path, self.write_extraction(result, report))
            return
        self._write_in_batches(files, results, report, progress, size)

    def _write_in_batches(self, files: list[str], results, report: IngestReport, progress, size: int) -> None:
        """Link each article against the store plus the articles linked but not yet written (PendingView),
        and write `size` articles per store.write_batches call, or fewer once the first of them has waited
        store.write_batch_seconds: the same graph as one write per article."""
        view = PendingView(self.store)
        linker = StoreLinker(view, self.linker.min_confidence)
        pending: list[tuple[str, Extraction, GraphBatch]] = []
        wait = float(self.store.write_batch_seconds)
        started = 0.0  # when the first pending article was linked

        def flush() -> None:
            t0 = time.perf_counter()
            written = self.store.write_batches([b for _, _, b in pending]) if pending else []
            if self.curator:
                self.curator.after_write([b for (_, _, b), ok in zip(pending, written) if ok])
            report.write_seconds += time.perf_counter() - t0
            for (path, ex, batch), ok in zip(pending, written):
                _notify(progress, path, self._count(ex, batch, ok, report))
            pending.clear()
            view.clear()

        for path, result in view.prefetching(zip(files, results), min(size, PREFETCH_CHUNK), linker.lookup_norms):
            if isinstance(result, Skipped):
                report.skipped.append(result)
                _notify(progress, path, "skipped")
            elif result is None or view.has_article(result.article.id):
                report.unchanged.append(path)
                _notify(progress, path, "unchanged")
            else:
                t0 = time.perf_counter()
                batch = linker.link(result, self.extractor.name)
                if self.curator:
                    batch = self.curator.prepare(batch)
                view.add(batch)
                report.write_seconds += time.perf_counter() - t0
                if not pending:
                    started = t0
                pending.append((path, result, batch))
                if len(pending) >= size or (wait and time.perf_counter() - started >= wait):
                    flush()
        flush()
        report.write_seconds += view.prefetch_seconds  # the store reads made for the linker are writer time too

    def write_extraction(self, extraction: Extraction, report: IngestReport) -> str:
        """Link an extraction to the store and write it in one transaction."""
        t0 = time.perf_counter()
        batch = self.linker.link(extraction, self.extractor.name)
        if self.curator is None:
            self.curator = Curator(self.store)
        if self.curator:
            batch = self.curator.prepare(batch)  # rejected facts left out, merged/renamed/split names as corrected
        written = self.store.write_batch(batch)
        if written and self.curator:
            self.curator.after_write([batch])
        report.write_seconds += time.perf_counter() - t0
        return self._count(extraction, batch, written, report)

    @staticmethod
    def _count(extraction: Extraction, batch: GraphBatch, written: bool, report: IngestReport) -> str:
        if not written:
            report.unchanged.append(extraction.article.path)
            return "unchanged"
        report.added.append(extraction.article.path)
        report.characters += len(extraction.article.text)
        report.nodes_written += len(batch.nodes)
        report.edges_written += len(batch.edges)
        return "added"


class PendingView:
    """What the linker reads while articles wait to be written together: the store's nodes merged (by the
    stores' own rules, graph.merge.merge_node) with the nodes of the linked, unwritten articles.

    Only the two reads the linker and the pipeline make are answered: nodes_by_alias and has_article."""

    def __init__(self, store: GraphStore):
        self.store = store
        self.prefetch_seconds = 0.0  # time spent in prefetch, writer time the pipeline counts
        self.clear()

    def clear(self) -> None:
        """Forget the pending articles (after they were written)."""
        self._nodes: dict[str, list[NodeRecord]] = {}
        self._by_norm: dict[str, set[str]] = {}
        self._articles: set[str] = set()
        self._merging: dict[str, tuple[int, NodeRecord | None, list[str]]] = {}  # id → (versions merged, node, surfaces)
        self._prefetched_articles: dict[str, bool] = {}  # article id → stored, for the articles prefetch asked about
        self._prefetched_norms: set[str] = set()
        self._prefetched_by_norm: dict[str, list[NodeRecord]] = {}

    def prefetching(self, items: Iterable[tuple[str, object]], size: int, lookup_norms: Callable[[Extraction], list[str]]):
        """Yield (path, result) of `items` unchanged, reading ahead `size` at a time: for each such chunk the
        store is asked once which of its articles it holds and once for the nodes of every name the linker
        will look up (`lookup_norms`), instead of twice per article. Answers stay exact: clear() (after each
        write) drops them, and the lookups then go to the store again."""
        it = iter(items)
        while chunk := list(itertools.islice(it, size)):
            extractions = [r for _, r in chunk if isinstance(r, Extraction)]
            if extractions:
                self.prefetch(extractions, lookup_norms)
            yield from chunk

    def prefetch(self, extractions: list[Extraction], lookup_norms: Callable[[Extraction], list[str]]) -> None:
        """Ask the store in one call each for what has_article and nodes_by_alias will ask about `extractions`."""
        t0 = time.perf_counter()
        ids = [ex.article.id for ex in extractions]
        stored = self.store.stored_articles(ids)
        self._prefetched_articles = {i: i in stored for i in ids}
        norms = {x for ex in extractions for x in lookup_norms(ex)}
        self._prefetched_norms, self._prefetched_by_norm = norms, {}
        for node in self.store.nodes_by_alias(sorted(norms)) if norms else []:
            for form in {normalize_name(x) for x in (node.name, *node.aliases)} & norms:
                self._prefetched_by_norm.setdefault(form, []).append(node)
        self.prefetch_seconds += time.perf_counter() - t0

    def _store_nodes_by_alias(self, norms: list[str], node_type: str | None) -> dict[str, NodeRecord]:
        if self._prefetched_norms.issuperset(norms):
            found = {n.id: n for x in norms for n in self._prefetched_by_norm.get(x, ())}
            return {i: n for i, n in found.items() if node_type is None or n.type == node_type}
        return {n.id: n for n in self.store.nodes_by_alias(norms, node_type)}

    def add(self, batch: GraphBatch) -> None:
        """Count a linked article as written for the articles linked after it."""
        self._articles.add(article_id_of(batch))
        for n in batch.nodes:
            self._nodes.setdefault(n.id, []).append(n)
            for form in (n.name, *n.aliases):
                if form:
                    self._by_norm.setdefault(normalize_name(form), set()).add(n.id)

    def has_article(self, article_id: str) -> bool:
        """True when the article is stored or waiting to be written."""
        if article_id in self._articles:
            return True
        if article_id in self._prefetched_articles:
            return self._prefetched_articles[article_id]
        return self.store.has_article(article_id)

    def nodes_by_alias(self, norms: Iterable[str], node_type: str | None = None) -> list[NodeRecord]:
        """The store's answer once the pending articles are written (ordered by id, as the stores order it)."""
        norms = list(dict.fromkeys(norms))
        stored = self._store_nodes_by_alias(norms, node_type) if norms else {}
        ids = set(stored) | {nid for x in norms for nid in self._by_norm.get(x, ())}
        out = []
        for nid in sorted(ids):
            node = self._merged(nid, stored.get(nid)) if nid in self._nodes else stored[nid]
            if node_type is None or node.type == node_type:
                out.append(node)
        return out

    def _merged(self, nid: str, stored: NodeRecord | None) -> NodeRecord:
        """The stored node with every pending version of it merged in, in order; what was merged before is
        kept (the store does not change until the pending articles are written), so each version is merged once."""
        if nid not in self._merging:
            if stored is None:  # stored under other names only: read it once
                stored = self.store.get_node(nid)
            self._merging[nid] = (0, stored, [stored.name, *stored.aliases] if stored else [])
        done, node, surfaces = self._merging[nid]
        for new in self._nodes[nid][done:]:
            node, surfaces = merge_node(node, surfaces, new)
        self._merging[nid] = (len(self._nodes[nid]), node, surfaces)
        if node is None:
            raise ValueError(f"node {nid} is neither stored nor pending")
        return NodeRecord(node.id, node.type, node.name, node.kind, sorted(x for x in surfaces if x != node.name),
                          node.confidence, node.props)


_WORKER_EXTRACTOR: RuleExtractor | None = None
IN_FLIGHT_PER_WORKER = 32
WORKER_NICENESS = 5  # added to the extraction workers' niceness
PREFETCH_CHUNK = 100  # articles whose store lookups PendingView asks for at once


def _worker_args(extractor: RuleExtractor, start_method: str) -> tuple:
    """What a worker needs to use the same extractor as the parent.

    A picklable extractor is sent pickled, so each worker builds its own copy of it; one that
    cannot be pickled is inherited as it is where processes fork, and refused elsewhere."""
    try:
        return (pickle.dumps(extractor), None)
    except Exception as exc:  # noqa: BLE001 - any pickling failure means the same thing here
        if start_method != "fork":
            raise GovkgError(f"extractor {getattr(extractor, 'name', type(extractor).__name__)!r} cannot be sent to "
                             f"worker processes ({type(exc).__name__}: {exc}); use --workers 1") from None
        return (None, extractor)


def _init_worker(payload: bytes | None, extractor: RuleExtractor | None) -> None:
    """Pool initializer: every worker extracts with the parent's extractor, never a default one, at a lower
    priority than the one writer every article waits for (so workers on every core do not hold it up)."""
    global _WORKER_EXTRACTOR
    os.nice(WORKER_NICENESS)
    _WORKER_EXTRACTOR = pickle.loads(payload) if payload is not None else extractor


def _extract_file(path: str, extractor: RuleExtractor | None = None, store: GraphStore | None = None) -> Extraction | Skipped | None:
    """Read, clean and extract one file; None when `store` already holds the article.

    In worker processes the extractor is the parent's, set up once per process by _init_worker."""
    global _WORKER_EXTRACTOR
    if extractor is None:
        if _WORKER_EXTRACTOR is None:
            _WORKER_EXTRACTOR = RuleExtractor()
        extractor = _WORKER_EXTRACTOR
    try:
        article = clean_document(read_file(path))
        if store is not None and store.has_article(article.id):
            return None
        return extractor.extract(article)
    except InputError as exc:
        return Skipped(path, str(exc))
    except OSError as exc:
        return Skipped(path, f"{path}: cannot read ({exc.strerror}); check permissions")


def _notify(progress: Callable[[str, str], None] | None, path: str, status: str) -> None:
    if progress is not None:
        progress(path, status)
