"""The govkg Python API: one entry point, :func:`govkg.open`, returning a :class:`KnowledgeGraph`.

Open a store (an embedded SQLite file by default, or Neo4j with a ``bolt://`` / ``neo4j://``
URI), ingest article files and folders, extract one file or text, and run the named queries
with the same parameter checks as the command line and the explorer::

    import govkg

    with govkg.open("govkg-data/graph.db") as kg:        # None: $GOVKG_STORE or ./govkg-data/graph.db
        report = kg.ingest(["articles/"])                 # files and folders; bad files are skipped
        print(report.summary())                           # added / unchanged / skipped / missing
        result = kg.query("cobuild", district="成华区", org_kind="any")
        print(result.columns)
        for row in result.rows:
            print(row["organization"], row["community"], row["evidence"])
        extraction = kg.extract("articles/one.txt")        # the typed Extraction (ingest.model)
        prediction = kg.extract(text="成华区猛追湾街道……", prediction=True)   # the gold README's dict
        for q in kg.queries():                            # the named queries and their parameters
            print(q.name, [p.name for p in q.params])

Errors are :class:`govkg.errors.GovkgError` subclasses with a one-line message (``QueryError``
for a bad query name or parameter, ``StoreError`` for a store that cannot be opened...).
Corrections that last (``graph/curation.py``): ``kg.curate_reject(subject, predicate, object)``,
``kg.curate_merge(name, into)``, ``kg.curate_rename(name, to)``, ``kg.curate_split(name, to, articles)``,
``kg.curations()`` and ``kg.curate_undo(key)``; they are kept by content (names, articles), so re-ingest, migrate and export keep them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path

from core.errors import GovkgError, InputError

FOLDER_FORMATS = ("csv", "neo4j-import")  # export formats that write a folder of files
FILE_SUFFIXES = {"ttl": ".ttl", "jsonld": ".jsonld", "graphml": ".graphml"}

ProgressCallback = Callable[[str, str], None]


def open(store_uri: str | os.PathLike | None = None, *, mode: str = "default", lexicon: Iterable[str | os.PathLike] | None = None,
         min_confidence: float = 0.4) -> KnowledgeGraph:  # noqa: A001 - govkg.open, as gzip.open or shelve.open
    """Open a knowledge graph store and return a :class:`KnowledgeGraph` on it.

    ``store_uri``: a SQLite file or folder (``path/graph.db``, ``path/``, ``sqlite:///path.db``) or a
    Neo4j URI (``bolt://host:7687``; credentials from ``NEO4J_USERNAME`` / ``NEO4J_PASSWORD``); None
    uses ``$GOVKG_STORE`` or ``./govkg-data/graph.db`` (created when missing). ``mode`` is the
    extraction mode (``default``: rules + the LAC recognizer; ``rules``: rules only, faster),
    ``lexicon`` your own lexicon files (see README "Your own lexicon"), ``min_confidence`` what
    ingest stores and extract keeps.

    >>> import govkg
    >>> kg = govkg.open("/tmp/example/graph.db")             # doctest: +SKIP
    >>> kg.query("brokers", limit=3).rows                    # doctest: +SKIP
    >>> kg.close()                                           # doctest: +SKIP
    """
    import queries  # noqa: F401 - registers the queries' derived tables (graph.derived), kept by every write
    from graph.factory import open_store

    extractor = make_extractor(mode, lexicon)  # a bad mode or lexicon fails before the store is touched
    uri = os.fspath(store_uri) if store_uri is not None else None
    return KnowledgeGraph(open_store(uri), extractor=extractor, min_confidence=min_confidence)


def make_extractor(mode: str = "default", lexicon: Iterable[str | os.PathLike] | None = None):
    """The rule extractor of an extraction mode, with optional user lexicon files (one-line errors)."""
    from ingest.components import MODES, ExtractorConfig
    from ingest.extractor import RuleExtractor

    if mode not in MODES:
        raise GovkgError(f"unknown extraction mode {mode!r}; use one of {', '.join(MODES)}")
    config = ExtractorConfig.for_mode(mode)
    paths = [os.fspath(p) for p in (lexicon or [])]
    if not paths:
        return RuleExtractor(config)
    from ingest.user_lexicon import load_lexicon

    return RuleExtractor(config, lexicon=load_lexicon(paths))


@dataclass(frozen=True)
class QueryInfo:
    """A named query as listed by :meth:`KnowledgeGraph.queries`: name, what it answers, its columns
    and parameters (each a ``queries.registry.Param``: ``name``, ``type``, ``default``, ``describe()``)."""

    name: str
    description: str
    columns: tuple[str, ...]
    params: tuple


def list_queries() -> list[QueryInfo]:
    """Every named query with its columns and parameters (no store needed)."""
    from queries import QUERIES

    return [QueryInfo(s.name, s.description, s.columns, s.params) for s in QUERIES.values()]


class KnowledgeGraph:
    """A store with the operations of the ``govkg`` command line; open one with :func:`govkg.open`.

    Use it as a context manager (or call :meth:`close`). ``kg.store`` is the underlying
    ``graph.base.GraphStore`` for anything lower level.
    """

    def __init__(self, store, extractor=None, min_confidence: float = 0.4):
        self.store = store
        self.min_confidence = min_confidence
        self._extractor = extractor

    # ------------------------------------------------------------------ life cycle
    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Close the store (its connections); the object cannot be used afterwards."""
        self.store.close()

    def __repr__(self) -> str:
        return f"<govkg.KnowledgeGraph on a {type(self.store).__name__}>"

    @property
    def extractor(self):
        """The extractor ingest and extract use (built on first use: loading the recognizers takes a moment)."""
        if self._extractor is None:
            self._extractor = make_extractor()
        return self._extractor

    # ------------------------------------------------------------------ ingest and extract
    def ingest(self, paths: str | os.PathLike | Iterable[str | os.PathLike], *, workers: int = 1,
               progress: bool | ProgressCallback | None = None) -> IngestSummary:
        """Ingest article files and folders (``.txt .md .html``, any of UTF-8, GBK, GB18030, UTF-16).

        Files that cannot be read as articles are skipped with a reason; paths that do not exist
        are reported in ``missing``; the rest is ingested either way, one transaction per article.
        Re-ingesting an article changes nothing. ``workers`` > 1 extracts in that many processes.
        ``progress``: True shows a bar on a terminal (plain lines otherwise) on stderr; a callable
        gets ``(path, status)`` per file, status ``added``, ``unchanged`` or ``skipped``.

        >>> report = kg.ingest(["../shared/corpus"])              # doctest: +SKIP
        >>> len(report.added), len(report.skipped), report.missing  # doctest: +SKIP
        (5, 0, [])
        """
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        return ingest_paths(self.store, self.extractor, list(paths), min_confidence=self.min_confidence,
                            workers=workers, progress=progress)

    def extract(self, path: str | os.PathLike | None = None, *, text: str | None = None, name: str = "text.txt",
                prediction: bool = False, min_confidence: float | None = None):
        """Extract one article, from a file or from ``text``, without storing anything.

        Returns the typed ``ingest.model.Extraction`` (article with sentences and offsets,
        entities, relations, partnerships), or with ``prediction=True`` the prediction dict of
        ``../shared/gold/README.md`` (entities and relations at or above ``min_confidence``,
        default the graph's, with confidences and offsets). ``name`` names a text's article.

        >>> ex = kg.extract(text="成华区猛追湾街道望平社区联合成都市某某科技有限公司开展“邻里节”活动。")  # doctest: +SKIP
        >>> sorted(e.name for e in ex.entities.values())           # doctest: +SKIP
        """
        from ingest.cleaner import clean_document
        from ingest.reader import document_from_text, read_file

        if (path is None) == (text is None):
            raise GovkgError("extract takes a file path or text=..., exactly one of them")
        if path is not None:
            doc = read_file(path)
        else:
            doc = document_from_text(text or "", name)
            if not doc.text.strip():
                raise InputError(f"{name}: no text to extract from")
        extraction = self.extractor.extract(clean_document(doc))
        if prediction:
            return extraction.as_prediction(self.min_confidence if min_confidence is None else min_confidence)
        return extraction

    # ------------------------------------------------------------------ queries
    def query(self, name: str, params: dict | None = None, /, **kwargs):
        """Run a named query; returns ``queries.QueryResult`` with ``columns`` and ``rows`` (dicts).

        Parameters come as a dict or as keywords (strings are converted as on the command line);
        a bad name or value raises ``QueryError`` with a one-line message.

        >>> result = kg.query("cobuild", district="成华区", min_confidence=0.6)   # doctest: +SKIP
        >>> result.columns[:3]                                                   # doctest: +SKIP
        ('organization', 'org_kind', 'community')
        """
        from queries import run_query

        return run_query(self.store, name, {**(params or {}), **kwargs})

    def queries(self) -> list[QueryInfo]:
        """The named queries with their columns and parameters (see :func:`list_queries`)."""
        return list_queries()

    def stats(self) -> dict:
        """Counts: ``articles``, ``nodes`` per type, ``edges`` per predicate, ``mentions``, ``evidence``."""
        return self.store.stats()

    def export(self, fmt: str, out: str | os.PathLike) -> Path:
        """Export the graph (``ttl``, ``jsonld``, ``graphml`` to a file; ``csv`` to a folder); returns the path."""
        from graph.export import export

        target = export_target(fmt, out)
        try:
            return export(self.store, fmt, target)
        except OSError as exc:
            raise GovkgError(f"cannot export to {target}: {exc.strerror or exc}") from None

    # ------------------------------------------------------------------ curation
    def curate_reject(self, subject: str, predicate: str, object: str, *, subject_type: str | None = None, note: str = ""):  # noqa: A002
        """Reject a fact: the ``predicate`` relation from ``subject`` to ``object`` leaves the graph now and
        is never written again by a later ingest. Returns the stored ``graph.curation.Curation`` (``key``,
        ``describe()``); unknown names or no such stored fact raise ``CurationError`` (close names suggested).

        >>> kg.curate_reject("三和集团", "RUNS", "汽车文化进社区").key               # doctest: +SKIP
        'c_…'
        """
        from graph.curation import Curation

        return apply_curation(self.store, Curation("reject", subject, subject_type, predicate, object, note=note))[0]

    def curate_merge(self, name: str, into: str, *, node_type: str | None = None, note: str = ""):
        """Merge the entity ``name`` into ``into`` (one type): its relations, mentions and names move onto
        ``into``, which keeps its name; later articles naming ``name`` land on ``into`` too."""
        from graph.curation import Curation

        return apply_curation(self.store, Curation("merge", name, node_type, target=into, note=note))[0]

    def curate_rename(self, name: str, to: str, *, node_type: str | None = None, note: str = ""):
        """Rename an entity; the old name stays an alias (searches still find it), later articles keep the new name."""
        from graph.curation import Curation

        return apply_curation(self.store, Curation("rename", name, node_type, target=to, note=note))[0]

    def curate_split(self, name: str, to: str, articles: Iterable[str], *, node_type: str | None = None, note: str = ""):
        """Split a wrongly merged entity: its mentions and facts in ``articles`` (article ids, file paths or
        file names) move to a new entity named ``to``; the others stay."""
        from graph.curation import Curation

        ids = article_ids(self.store, list(articles))
        return apply_curation(self.store, Curation("split", name, node_type, target=to, articles=ids, note=note))[0]

    def curations(self) -> list:
        """Every stored correction (``graph.curation.Curation``: ``key``, ``action``, ``describe()``, ``created_at``), oldest first."""
        return self.store.curations()

    def curate_undo(self, key: str) -> str:
        """Remove a correction by its key (or a unique prefix) and say what was restored: a rejected fact comes
        back with its evidence, a rename gets the old name back, a split node is merged back; a merge
        stays merged in this store (re-ingest into a fresh store separates the two)."""
        from graph.curation import undo

        return undo(self.store, key)[1]


# ---------------------------------------------------------------------- shared with the CLI
@dataclass
class IngestSummary:
    """What an ingest did: ``added``, ``unchanged`` (already stored), ``skipped`` (``Skipped`` with
    path and reason) and ``missing`` (input paths that do not exist), plus write counts and time."""

    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    characters: int = 0
    nodes_written: int = 0
    edges_written: int = 0
    seconds: float = 0.0
    write_seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        """The ``govkg ingest`` exit status: 0 when every path existed and something was ingested or
        already stored (bad files skipped are counted, not an error), 1 when an input path is missing
        or every file was skipped."""
        if self.missing or (self.skipped and not self.added and not self.unchanged):
            return 1
        return 0

    def summary(self) -> str:
        """One line of counts, then one line per skipped file and per missing path."""
        lines = [
            f"ingested {len(self.added)} new article(s), {len(self.unchanged)} already stored, "
            f"{len(self.skipped)} skipped, {len(self.missing)} missing; {self.nodes_written} node and "
            f"{self.edges_written} edge writes in {self.seconds:.1f}s"
        ]
        lines += [f"  skipped {s.path}: {s.reason}" for s in self.skipped]
        lines += [f"  missing {p}: no such file or folder" for p in self.missing]
        return "\n".join(lines)


def ingest_paths(store, extractor, paths: list, *, min_confidence: float = 0.4, workers: int = 1,
                 progress: bool | ProgressCallback | None = None, stream=None) -> IngestSummary:
    """Ingest `paths` into `store`: missing paths are reported (not raised), the others ingested.

    ``progress`` True: an :class:`govkg.progress.IngestProgress` on ``stream`` (stderr); a callable:
    called per file with ``(path, status)``; None/False: silent."""
    from ingest.pipeline import Pipeline
    from ingest.reader import iter_article_paths

    if workers < 1:
        raise GovkgError(f"workers must be at least 1, got {workers}")
    missing = [os.fspath(p) for p in paths if not os.path.exists(p)]
    files = [str(f) for f in iter_article_paths([p for p in paths if os.path.exists(p)])]
    pipeline = Pipeline(store, extractor, min_confidence=min_confidence)
    if progress is True:
        from govkg.progress import IngestProgress

        with IngestProgress(len(files), stream=stream) as bar:
            report = pipeline.ingest(files, progress=bar, workers=workers)
    else:
        report = pipeline.ingest(files, progress=progress or None, workers=workers)
    known = {f.name for f in fields(IngestSummary)}
    return IngestSummary(**{k: v for k, v in vars(report).items() if k in known}, missing=missing)


def export_target(fmt: str, out: str | os.PathLike) -> Path:
    """Check an export destination before anything is written; a one-line GovkgError otherwise.

    File formats need an existing, writable folder and a path that is not a folder; folder
    formats (csv) need a path that is not a file, in an existing folder (the folder itself is
    created)."""
    from graph.export import FORMATS

    if fmt not in FORMATS:
        raise GovkgError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    target = Path(out).expanduser()
    parent = target.parent
    if not parent.exists():
        raise GovkgError(f"cannot export to {target}: folder {parent} does not exist; create it first")
    if not parent.is_dir():
        raise GovkgError(f"cannot export to {target}: {parent} is not a folder")
    if fmt in FOLDER_FORMATS:
        if target.exists() and not target.is_dir():
            raise GovkgError(f"cannot export to {target}: it is a file, and {fmt} export writes a folder of files; give a folder path")
        writable = target if target.exists() else parent
    else:
        if target.is_dir():
            raise GovkgError(f"cannot export to {target}: it is a folder, and {fmt} export writes one file; "
                             f"give a file path such as {target / ('graph' + FILE_SUFFIXES.get(fmt, ''))}")
        writable = parent
    if not os.access(writable, os.W_OK | os.X_OK):
        raise GovkgError(f"cannot export to {target}: folder {writable} is not writable")
    return target


def apply_curation(store, c) -> tuple:
    """Check, store and apply a ``graph.curation.Curation``: (the stored record, True when it is new; False
    when the same correction was already recorded, nothing changed). ``CurationError`` on bad names."""
    from graph.curation import curate

    known = {x.key for x in store.curations()}
    return curate(store, c.check()), c.key not in known


def article_ids(store, refs: list[str]) -> tuple[str, ...]:
    """Article ids of `refs` (an id, a stored file path or a file name); CurationError for one that is not stored."""
    from graph.curation import CurationError

    articles = list(store.iter_articles(with_text=False))
    out = []
    for ref in refs:
        found = [a.id for a in articles if ref in (a.id, a.path) or Path(a.path).name == Path(ref).name]
        if len(found) != 1:
            raise CurationError(f"article {ref!r} " + ("is not stored; `govkg query articles` lists them" if not found else
                                                     f"names {len(found)} stored articles; give its id"))
        out.append(found[0])
    return tuple(dict.fromkeys(out))
