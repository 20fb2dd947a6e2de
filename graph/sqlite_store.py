"""The embedded store: one SQLite file (WAL, one transaction per group of articles), zero setup."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from core.errors import StoreError
from core.names import normalize_name
from graph import records
from graph.base import NamedQuery
from graph.derived import DERIVED, chunks, meta_key
from graph.merge import merge_edge, merge_fields
from graph.records import ArticleRecord, Citation, EdgeRecord, EvidenceRecord, GraphBatch, MentionRecord, NodeRecord, article_id_of
from graph.versioned import PerVersion

SCHEMA_VERSION = 4
T = TypeVar("T")

_CURATIONS_TABLE = """CREATE TABLE IF NOT EXISTS curations(
    key TEXT PRIMARY KEY, action TEXT NOT NULL, record TEXT NOT NULL, created_at TEXT NOT NULL)"""
# What turns a store of an older schema version into the next one (applied in one transaction each).
_UPGRADES = {
    1: ("ALTER TABLE articles ADD COLUMN url TEXT", "ALTER TABLE articles ADD COLUMN published TEXT",
        "ALTER TABLE articles ADD COLUMN publisher TEXT"),
    2: (_CURATIONS_TABLE,),  # graph.curation records (reject, merge, rename, split), keyed by content
    3: ("INSERT OR IGNORE INTO meta(key, value) VALUES ('data_version', '1')",),  # graph.derived tables: built on first use
}
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles(
    id TEXT PRIMARY KEY, path TEXT NOT NULL, title TEXT NOT NULL, text TEXT NOT NULL,
    encoding TEXT, extractor TEXT, ingested_at TEXT NOT NULL, url TEXT, published TEXT, publisher TEXT);
CREATE INDEX IF NOT EXISTS articles_ingested ON articles(ingested_at, id);
CREATE TABLE IF NOT EXISTS sentences(
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE, idx INTEGER NOT NULL,
    start INTEGER NOT NULL, end INTEGER NOT NULL, PRIMARY KEY(article_id, idx));
CREATE TABLE IF NOT EXISTS nodes(
    id TEXT PRIMARY KEY, type TEXT NOT NULL, kind TEXT, name TEXT NOT NULL,
    confidence REAL NOT NULL DEFAULT 1.0, props TEXT NOT NULL DEFAULT '{}');
CREATE INDEX IF NOT EXISTS nodes_type ON nodes(type);
CREATE INDEX IF NOT EXISTS nodes_name ON nodes(name);
CREATE TABLE IF NOT EXISTS aliases(
    node_id TEXT NOT NULL REFERENCES nodes(id) ON DELETE CASCADE, alias TEXT NOT NULL, norm TEXT NOT NULL,
    PRIMARY KEY(node_id, norm));
CREATE INDEX IF NOT EXISTS aliases_norm ON aliases(norm);
CREATE TABLE IF NOT EXISTS edges(
    id TEXT PRIMARY KEY, src TEXT NOT NULL REFERENCES nodes(id), dst TEXT NOT NULL REFERENCES nodes(id),
    predicate TEXT NOT NULL, confidence REAL NOT NULL DEFAULT 1.0, props TEXT NOT NULL DEFAULT '{}');
CREATE INDEX IF NOT EXISTS edges_src ON edges(src);
CREATE INDEX IF NOT EXISTS edges_dst ON edges(dst);
CREATE INDEX IF NOT EXISTS edges_predicate ON edges(predicate);
CREATE TABLE IF NOT EXISTS mentions(
    node_id TEXT NOT NULL REFERENCES nodes(id), article_id TEXT NOT NULL REFERENCES articles(id),
    sentence_index INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL, surface TEXT NOT NULL,
    confidence REAL NOT NULL DEFAULT 1.0, PRIMARY KEY(node_id, article_id, start, end));
CREATE INDEX IF NOT EXISTS mentions_article ON mentions(article_id);
CREATE TABLE IF NOT EXISTS evidence(
    edge_id TEXT NOT NULL REFERENCES edges(id), article_id TEXT NOT NULL REFERENCES articles(id),
    sentence_index INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL,
    confidence REAL NOT NULL DEFAULT 1.0, PRIMARY KEY(edge_id, article_id, sentence_index));
CREATE INDEX IF NOT EXISTS evidence_article ON evidence(article_id);
CREATE TABLE IF NOT EXISTS marks(
    a TEXT NOT NULL, b TEXT NOT NULL, verdict TEXT NOT NULL CHECK (verdict IN ('same', 'different')),
    note TEXT NOT NULL DEFAULT '', marked_at TEXT NOT NULL, PRIMARY KEY(a, b));
""" + _CURATIONS_TABLE + ";\n"


class SQLiteStore:
    """GraphStore on a local SQLite file; networkx traversal is built from it (graph.traversal)."""

    def __init__(self, path: str | Path, read_only: bool = False):
        """Open (creating when absent, unless `read_only`) the store in `path`. A SQLite file that holds
        other tables than a govkg store's, or a store of another schema version, is refused untouched;
        `read_only` opens it for reading only (a file the user may not write is still queryable)."""
        self.path = Path(path)
        self.uri = f"sqlite:///{self.path}"
        self.read_only = read_only
        self._local = threading.local()
        self._indexes = PerVersion()  # query_index: what queries built for one store version
        self._results = PerVersion()  # rows of the `sql` queries run on one store version
        self._meta_columns = "url, published, publisher"  # NULLs when a version-1 store is read
        self._has_curations = True  # False when an older store is read as it is
        if read_only:
            if not self.path.is_file():
                raise StoreError(f"no govkg store at {self.path}; check the path, or create it with `govkg ingest PATH`")
            found = self._check_store(self._con())
            if found == 1:
                self._meta_columns = "NULL, NULL, NULL"
            self._has_curations = found >= 3
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create store folder {self.path.parent}: {exc.strerror}; pass another --store") from exc
        found_before = self._check_before_creating()
        try:
            self._con().executescript(_SCHEMA)  # executescript manages its own transaction
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} is not a govkg SQLite store ({exc}); pass another --store path") from exc
        with self._tx() as con:
            con.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            con.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('version', '0')")
            if found_before is None:  # a new store: its (empty) derived tables are in step with it
                con.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('data_version', '0')")
        self._upgrade()

    def _upgrade(self) -> None:
        """Bring a store of an older schema version to SCHEMA_VERSION, one transaction per step
        (the version is read again inside it, so two processes opening the store upgrade it once)."""
        while True:
            with self._tx() as con:
                found = int(con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0])
                if found >= SCHEMA_VERSION:
                    return
                for statement in _UPGRADES[found]:
                    con.execute(statement)
                con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(found + 1),))

    def _check_before_creating(self) -> int | None:
        """Refuse, before any table is made or any setting changed, a file that is no govkg store; the
        schema version of the store found, None when there is none yet."""
        if not self.path.is_file() or self.path.stat().st_size == 0:
            return None
        try:
            con = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} is not a govkg SQLite store ({exc}); pass another --store path") from exc
        try:
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            return self._check_store(con, tables) if tables else None
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} is not a govkg SQLite store ({exc}); pass another --store path") from exc
        finally:
            con.close()

    def _check_store(self, con: sqlite3.Connection, tables: set[str] | None = None) -> int:
        """The schema version of the govkg store in `con`; a StoreError unless it is this one or one
        this govkg upgrades (_UPGRADES)."""
        try:
            if tables is None:
                tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() if "meta" in tables else None
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} is not a govkg SQLite store ({exc}); pass another --store path") from exc
        if row is None:
            listed = ", ".join(sorted(tables)[:5]) or "no tables"
            raise StoreError(f"{self.path} is a SQLite database but not a govkg store (it has {listed}, no govkg meta table); "
                             "it was left untouched, pass another --store path")
        found = int(row[0]) if str(row[0]).isdigit() else None
        if found != SCHEMA_VERSION and found not in _UPGRADES:
            raise StoreError(f"{self.path} is a govkg store of schema version {row[0]}, this govkg reads version {SCHEMA_VERSION}"
                             f"{' (and upgrades ' + ', '.join(map(str, sorted(_UPGRADES))) + ')' if _UPGRADES else ''}; "
                             "use the govkg version that wrote it, or re-ingest into a new --store")
        return found

    # ------------------------------------------------------------------ connections
    def _con(self) -> sqlite3.Connection:
        con = self._local.__dict__.get("con")
        if con is None:
            try:
                con = self._read_only_connection() if self.read_only else self._connection()
                con.execute("PRAGMA foreign_keys=ON")
                con.execute("PRAGMA busy_timeout=30000")
            except sqlite3.DatabaseError as exc:
                raise StoreError(f"{self.path} is not a govkg SQLite store ({exc}); pass another --store path") from exc
            self._local.con = con
        return con

    def _connection(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=30.0, isolation_level=None, check_same_thread=False)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")  # with WAL: a commit survives a killed process (power loss may undo the last)
        con.execute("PRAGMA cache_size=-65536")  # 64 MB of pages: the writer's index lookups stay in memory
        con.execute("PRAGMA journal_size_limit=33554432")  # a large group's WAL is cut back to 32 MB once copied into the file
        return con

    def _read_only_connection(self) -> sqlite3.Connection:
        """mode=ro; where even the WAL index cannot be made (a folder the user may not write), the file
        is read as immutable: no writer can be at work on it then."""
        uri = self.path.resolve().as_uri()
        con = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=30.0, isolation_level=None, check_same_thread=False)
        try:
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:
            con.close()
            con = sqlite3.connect(f"{uri}?immutable=1", uri=True, timeout=30.0, isolation_level=None, check_same_thread=False)
        con.execute("PRAGMA query_only=ON")
        return con

    class _Tx:
        def __init__(self, con: sqlite3.Connection):
            self.con = con

        def __enter__(self) -> sqlite3.Connection:
            self.con.execute("BEGIN IMMEDIATE")
            return self.con

        def __exit__(self, exc_type, exc, tb) -> None:
            if exc_type is None:
                self.con.execute("COMMIT")
            else:
                self.con.execute("ROLLBACK")

    def _tx(self) -> "SQLiteStore._Tx":
        if self.read_only:
            raise StoreError(f"{self.path} was opened read-only; nothing was written (open it without read_only to change it)")
        return SQLiteStore._Tx(self._con())

    def _query(self, sql: str, params: Iterable = ()) -> list[tuple]:
        try:
            return self._con().execute(sql, tuple(params)).fetchall()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: {exc}; the file may be damaged, re-ingest into a new --store") from exc

    # ------------------------------------------------------------------ writes
    # Articles per write transaction when the pipeline batches (write_batches): every commit rewrites the index
    # pages its rows touch, so large groups write far less; a group waits at most write_batch_seconds, so a
    # killed ingest loses at most that much work (whole articles only) and readers see progress that often.
    write_batch_size = 1000
    write_batch_seconds = 2.0

    def write_batch(self, batch: GraphBatch) -> bool:
        """Write one article's nodes, edges and provenance in one transaction; idempotent."""
        return self.write_batches([batch])[0]

    def write_batches(self, batches: list[GraphBatch]) -> list[bool]:
        """Several articles in one transaction, a few executemany statements for all of them, merged in
        their order as if written one by one; per article True when written, False when it was already
        stored (or came earlier in the list). A failure or a killed process commits none of them."""
        if not batches:
            return []
        try:
            with self._tx() as con:
                written = self._new_articles(con, batches)
                fresh = [b for b, new in zip(batches, written) if new]
                if fresh:
                    self._write_rows(con, fresh, "INSERT")
            return written
        except sqlite3.DatabaseError as exc:
            which = "this article" if len(batches) == 1 else f"these {len(batches)} articles"
            raise StoreError(f"{self.path}: write failed ({exc}); nothing of {which} was stored, retry the ingest") from exc

    @staticmethod
    def _new_articles(con: sqlite3.Connection, batches: list[GraphBatch]) -> list[bool]:
        """Per batch: is its article neither stored nor in an earlier batch of the list (one SELECT per 500)."""
        ids = list(dict.fromkeys(article_id_of(b) for b in batches))
        stored: set[str] = set()
        for chunk in chunks(ids, 500):
            stored |= {r[0] for r in con.execute(f"SELECT id FROM articles WHERE id IN ({','.join('?' * len(chunk))})", chunk)}
        out = []
        for article_id in map(article_id_of, batches):
            out.append(article_id not in stored)
            stored.add(article_id)
        return out

    def import_rows(self, batch: GraphBatch, with_article: bool = True) -> None:
        """Copy rows from another store (migrate): upserts nodes/edges, article when new."""
        if not with_article:
            batch = GraphBatch(None, [], batch.nodes, batch.edges, batch.mentions, batch.evidence)
        with self._tx() as con:
            self._write_rows(con, [batch], "INSERT OR IGNORE")

    def _write_rows(self, con: sqlite3.Connection, batches: list[GraphBatch], article_insert: str) -> None:
        """Every row of `batches` in one executemany per table, merged in their order with what is stored;
        bumps version() once per batch."""
        con.executemany(
            f"{article_insert} INTO articles(id, path, title, text, encoding, extractor, ingested_at, url, published, publisher) "
            "VALUES (?,?,?,?,?,?,?,?,?,?)",
            [(a.id, a.path, a.title, a.text, a.encoding, a.extractor, a.ingested_at or _now(), a.url, a.date, a.publisher)
             for a in (b.article for b in batches) if a is not None])
        con.executemany("INSERT OR IGNORE INTO sentences(article_id, idx, start, end) VALUES (?,?,?,?)",
                        [(s.article_id, s.index, s.start, s.end) for b in batches for s in b.sentences])
        nodes = [n for b in batches for n in b.nodes]
        self._upsert_nodes(con, nodes)
        edges = [e for b in batches for e in b.edges]
        self._upsert_edges(con, edges)
        con.executemany("INSERT OR IGNORE INTO mentions VALUES (?,?,?,?,?,?,?)",
                        [(m.node_id, m.article_id, m.sentence_index, m.start, m.end, m.surface, m.confidence)
                         for b in batches for m in b.mentions])
        con.executemany("INSERT OR IGNORE INTO evidence VALUES (?,?,?,?,?,?)",
                        [(e.edge_id, e.article_id, e.sentence_index, e.start, e.end, e.confidence) for b in batches for e in b.evidence])
        con.execute("UPDATE meta SET value = CAST(value AS INTEGER) + ? WHERE key = 'version'", (len(batches),))
        self._refresh_derived(con, {n.id for n in nodes} | {m.node_id for b in batches for m in b.mentions}
                              | {end for e in edges for end in (e.src, e.dst)})

    # ------------------------------------------------------------------ derived tables (graph/derived.py)
    @staticmethod
    def _meta(con: sqlite3.Connection, key: str) -> str | None:
        row = con.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    @staticmethod
    def _set_meta(con: sqlite3.Connection, key: str, value: str) -> None:
        con.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))

    def _refresh_derived(self, con: sqlite3.Connection, node_ids: set[str]) -> None:
        """Inside a data write: bump the data version and refresh every registered derived table that was
        in step with the data before it (one that was not stays behind: derived_ready rebuilds it)."""
        before = self._meta(con, "data_version") or "1"
        after = str(int(before) + 1)
        self._set_meta(con, "data_version", after)
        for tables in DERIVED.values():
            key = meta_key(tables)
            if (self._meta(con, key) or "0") == before:
                for statement in tables.schema:
                    con.execute(statement)
                tables.refresh(con, node_ids)
                self._set_meta(con, key, after)

    def derived_ready(self, name: str) -> bool:
        """Whether the registered derived tables `name` reflect every write: True when they do, or when they
        were behind and this store could rebuild them now (a writable store); False on a read-only store
        whose tables are behind or absent (the query then computes in memory)."""
        tables = DERIVED[name]
        key = meta_key(tables)

        def in_step(con: sqlite3.Connection) -> bool:  # never built (no key yet, even on a new store): not in step
            built = self._meta(con, key)
            return built is not None and built == (self._meta(con, "data_version") or "1")

        if in_step(self._con()):
            return True
        if self.read_only:
            return False
        try:
            with self._tx() as con:
                if not in_step(con):
                    for table in tables.tables:  # made afresh: an older govkg may have made them with other columns
                        con.execute(f"DROP TABLE IF EXISTS {table}")
                    for statement in tables.schema:
                        con.execute(statement)
                    tables.rebuild(con)
                    self._set_meta(con, key, self._meta(con, "data_version") or "1")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: the {name} tables could not be rebuilt ({exc}); nothing was changed") from exc
        return True

    @staticmethod
    def _stored_rows(con: sqlite3.Connection, sql: str, ids: list[str]) -> dict[str, tuple]:
        """{id: row} of the stored rows `sql` (a SELECT ending in `IN`) gives for `ids`, 500 ids a statement."""
        out = {}
        for chunk in chunks(ids, 500):
            for row in con.execute(f"{sql} ({','.join('?' * len(chunk))})", chunk):
                out[row[0]] = row
        return out

    @classmethod
    def _upsert_nodes(cls, con: sqlite3.Connection, nodes: list[NodeRecord]) -> None:
        """Merge `nodes` (in order, graph.merge.merge_fields) into the stored ones and write each node that
        changed once; alias rows for every form, the first surface of a normalized form kept."""
        ids = list(dict.fromkeys(n.id for n in nodes))
        rows = cls._stored_rows(con, "SELECT id, type, kind, name, confidence, props FROM nodes WHERE id IN", ids)
        before = {i: NodeRecord(r[0], r[1], r[3], r[2], [], r[4], json.loads(r[5])) for i, r in rows.items()}
        merged = dict(before)
        for n in nodes:
            merged[n.id] = merge_fields(merged.get(n.id), n)
        changed = [n for n in (merged[i] for i in ids) if n != before.get(n.id)]
        con.executemany("INSERT INTO nodes(id, type, kind, name, confidence, props) VALUES (?,?,?,?,?,?)",
                        [(n.id, n.type, n.kind, n.name, n.confidence, _props_json(n.props)) for n in changed if n.id not in before])
        renamed = [n for n in changed if n.id in before and (n.name, n.kind) != (before[n.id].name, before[n.id].kind)]
        con.executemany("UPDATE nodes SET name = ?, kind = ? WHERE id = ?", [(n.name, n.kind, n.id) for n in renamed])
        # confidence and props apart: an UPDATE that sets name or kind rewrites their index entries
        con.executemany("UPDATE nodes SET confidence = ?, props = ? WHERE id = ?",
                        [(n.confidence, _props_json(n.props), n.id) for n in changed if n.id in before])
        aliases: dict[tuple[str, str], str] = {}
        norms: dict = {}
        for n in nodes:
            for a in sorted({n.name, *n.aliases}):
                if a:
                    if a not in norms:
                        norms[a] = normalize_name(a)
                    aliases.setdefault((n.id, norms[a]), a)
        con.executemany("INSERT OR IGNORE INTO aliases(node_id, norm, alias) VALUES (?,?,?)",
                        [(node_id, norm, a) for (node_id, norm), a in aliases.items()])

    @classmethod
    def _upsert_edges(cls, con: sqlite3.Connection, edges: list[EdgeRecord]) -> None:
        """Merge `edges` (in order, graph.merge.merge_edge) into the stored ones; write each edge that changed once."""
        ids = list(dict.fromkeys(e.id for e in edges))
        rows = cls._stored_rows(con, "SELECT id, confidence, props FROM edges WHERE id IN", ids)
        before = {i: (r[1], json.loads(r[2])) for i, r in rows.items()}
        merged = dict(before)
        first: dict[str, EdgeRecord] = {}
        for e in edges:
            first.setdefault(e.id, e)
            merged[e.id] = merge_edge(merged.get(e.id), e)
        con.executemany(
            """INSERT INTO edges(id, src, dst, predicate, confidence, props) VALUES (?,?,?,?,?,?)
               ON CONFLICT(id) DO UPDATE SET confidence = excluded.confidence, props = excluded.props""",
            [(e.id, e.src, e.dst, e.predicate, merged[e.id][0], _props_json(merged[e.id][1]))
             for e in (first[i] for i in ids) if merged[e.id] != before.get(e.id)])

    def set_mark(self, a: str, b: str, verdict: str, note: str = "") -> None:
        """Record a same/different verdict for a node pair (order-independent)."""
        if verdict not in ("same", "different"):
            raise StoreError(f"verdict must be 'same' or 'different', not {verdict!r}")
        x, y = sorted((a, b))
        with self._tx() as con:
            con.execute(
                "INSERT INTO marks(a, b, verdict, note, marked_at) VALUES (?,?,?,?,?) "
                "ON CONFLICT(a, b) DO UPDATE SET verdict = excluded.verdict, note = excluded.note, marked_at = excluded.marked_at",
                (x, y, verdict, note, _now()),
            )
            con.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'version'")

    def clear_mark(self, a: str, b: str) -> None:
        """Forget the verdict for a node pair (undo); nothing when there is none."""
        x, y = sorted((a, b))
        with self._tx() as con:
            con.execute("DELETE FROM marks WHERE a = ? AND b = ?", (x, y))
            con.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'version'")

    # ------------------------------------------------------------------ reads
    def snapshot(self):
        """A read transaction: every read inside sees one consistent state, whatever writers do."""
        store = self

        class _Snapshot:
            def __enter__(self):
                store._con().execute("BEGIN")
                return store

            def __exit__(self, *exc):
                store._con().execute("COMMIT")

        return _Snapshot()

    def has_article(self, article_id: str) -> bool:
        """True when the article is stored."""
        return bool(self._query("SELECT 1 FROM articles WHERE id = ?", (article_id,)))

    def stored_articles(self, article_ids: list[str]) -> set[str]:
        """Which of `article_ids` are stored."""
        out: set[str] = set()
        for chunk in chunks(list(dict.fromkeys(article_ids)), 500):
            out |= {r[0] for r in self._query(f"SELECT id FROM articles WHERE id IN ({','.join('?' * len(chunk))})", chunk)}
        return out

    def _aliases_for(self, ids: list[str]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {i: [] for i in ids}
        for chunk in chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            for node_id, alias in self._query(f"SELECT node_id, alias FROM aliases WHERE node_id IN ({marks}) ORDER BY alias", chunk):
                out[node_id].append(alias)
        return out

    def _nodes_from_rows(self, rows: list[tuple]) -> list[NodeRecord]:
        aliases = self._aliases_for([r[0] for r in rows])
        return [
            NodeRecord(r[0], r[1], r[3], r[2], [a for a in aliases[r[0]] if a != r[3]], r[4], json.loads(r[5]))
            for r in rows
        ]

    def nodes_by_alias(self, norms: Iterable[str], node_type: str | None = None) -> list[NodeRecord]:
        """Nodes whose name or alias normalizes to one of `norms`."""
        norms = list(dict.fromkeys(norms))
        if not norms:
            return []
        marks = ",".join("?" * len(norms))
        # CROSS JOIN fixes the join order: look up the alias index first, never scan a whole type
        sql = ("SELECT DISTINCT n.id, n.type, n.kind, n.name, n.confidence, n.props"
               f" FROM aliases a CROSS JOIN nodes n ON n.id = a.node_id WHERE a.norm IN ({marks})")
        params: list = list(norms)
        if node_type:
            sql += " AND n.type = ?"
            params.append(node_type)
        return self._nodes_from_rows(self._query(sql + " ORDER BY n.id", params))

    def get_node(self, node_id: str) -> NodeRecord | None:
        """One node by id."""
        rows = self._query("SELECT id, type, kind, name, confidence, props FROM nodes WHERE id = ?", (node_id,))
        return self._nodes_from_rows(rows)[0] if rows else None

    def iter_nodes(self, node_type: str | None = None) -> Iterator[NodeRecord]:
        """All nodes (of one type), in id order."""
        sql = "SELECT id, type, kind, name, confidence, props FROM nodes"
        rows = self._query(sql + " WHERE type = ? ORDER BY id", (node_type,)) if node_type else self._query(sql + " ORDER BY id")
        for chunk in chunks(rows, 2000):
            yield from self._nodes_from_rows(chunk)

    def iter_edges(self, predicate: str | None = None) -> Iterator[EdgeRecord]:
        """All edges (of one predicate), in id order."""
        sql = "SELECT id, src, dst, predicate, confidence, props FROM edges"
        rows = self._query(sql + " WHERE predicate = ? ORDER BY id", (predicate,)) if predicate else self._query(sql + " ORDER BY id")
        for r in rows:
            yield EdgeRecord(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]))

    def iter_articles(self, with_text: bool = True) -> Iterator[ArticleRecord]:
        """All articles, oldest first."""
        text = "text" if with_text else "''"
        sql = (f"SELECT id, path, title, {text}, encoding, extractor, ingested_at, length(text), {self._meta_columns} "
               "FROM articles ORDER BY ingested_at, id")
        for r in self._query(sql):
            yield ArticleRecord(*r)

    def get_article(self, article_id: str) -> ArticleRecord | None:
        """One article with its text."""
        rows = self._query(f"SELECT id, path, title, text, encoding, extractor, ingested_at, length(text), {self._meta_columns} "
                           "FROM articles WHERE id = ?", (article_id,))
        return ArticleRecord(*rows[0]) if rows else None

    def sentences_of(self, article_id: str) -> list[tuple[int, int, int]]:
        """(index, start, end) of every sentence of an article."""
        return [tuple(r) for r in self._query("SELECT idx, start, end FROM sentences WHERE article_id = ? ORDER BY idx", (article_id,))]

    def mentions_of(self, node_id: str) -> list[MentionRecord]:
        """Every mention of a node, in article order."""
        rows = self._query("SELECT * FROM mentions WHERE node_id = ? ORDER BY article_id, start", (node_id,))
        return [MentionRecord(*r) for r in rows]

    def evidence_of(self, edge_id: str) -> list[EvidenceRecord]:
        """Every evidence sentence of an edge."""
        rows = self._query("SELECT * FROM evidence WHERE edge_id = ? ORDER BY article_id, sentence_index", (edge_id,))
        return [EvidenceRecord(*r) for r in rows]

    def evidence_sentences(self, edge_ids: list[str], per_edge: int) -> dict[str, list[str]]:
        """The first `per_edge` evidence sentences of each edge (by article, sentence), in bulk."""
        out: dict[str, list[str]] = {}
        ids = list(dict.fromkeys(edge_ids))
        for chunk in chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            rows = self._query(
                f"""SELECT edge_id, substr(a.text, e.start + 1, e.end - e.start) FROM (
                      SELECT *, ROW_NUMBER() OVER (PARTITION BY edge_id ORDER BY article_id, sentence_index) AS rank
                      FROM evidence WHERE edge_id IN ({marks})) e
                    JOIN articles a ON a.id = e.article_id
                    WHERE e.rank <= ? ORDER BY edge_id, e.rank""",
                [*chunk, per_edge],
            )
            for edge_id, text in rows:
                out.setdefault(edge_id, []).append(text)
        return out

    def citations(self, edge_ids: list[str], per_edge: int) -> dict[str, list[Citation]]:
        """The first `per_edge` evidence items of each edge (by article, sentence) with their article's
        title, date, URL and publisher and the sentence, in bulk: {edge id: [Citation]}."""
        out: dict[str, list[Citation]] = {}
        ids = list(dict.fromkeys(edge_ids))
        meta = "NULL, NULL, NULL" if self._meta_columns.startswith("NULL") else "a.published, a.url, a.publisher"
        for chunk in chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            rows = self._query(
                f"""SELECT e.edge_id, e.article_id, a.title, {meta}, e.sentence_index, e.start, e.end,
                      substr(a.text, e.start + 1, e.end - e.start) FROM (
                      SELECT *, ROW_NUMBER() OVER (PARTITION BY edge_id ORDER BY article_id, sentence_index) AS rank
                      FROM evidence WHERE edge_id IN ({marks})) e
                    JOIN articles a ON a.id = e.article_id
                    WHERE e.rank <= ? ORDER BY e.edge_id, e.rank""",
                [*chunk, per_edge],
            )
            for r in rows:
                out.setdefault(r[0], []).append(Citation(*r))
        return out

    def iter_mentions(self) -> Iterator[MentionRecord]:
        """All mentions."""
        for r in self._query("SELECT * FROM mentions ORDER BY node_id, article_id, start"):
            yield MentionRecord(*r)

    def iter_evidence(self) -> Iterator[EvidenceRecord]:
        """All evidence rows."""
        for r in self._query("SELECT * FROM evidence ORDER BY edge_id, article_id, sentence_index"):
            yield EvidenceRecord(*r)

    def sentence_text(self, article_id: str, start: int, end: int) -> str:
        """A slice of an article's text (SQLite substr is 1-based)."""
        rows = self._query("SELECT substr(text, ?, ?) FROM articles WHERE id = ?", (start + 1, end - start, article_id))
        return rows[0][0] if rows else ""

    def marks(self) -> dict[tuple[str, str], str]:
        """All verdicts keyed by ordered node pair."""
        return {(a, b): v for a, b, v in self._query("SELECT a, b, verdict FROM marks")}

    def stats(self) -> dict:
        """Counts of articles, nodes per type, edges per predicate, mentions and evidence."""
        return {
            "store": self.uri,
            "articles": self._query("SELECT COUNT(*) FROM articles")[0][0],
            "nodes": dict(self._query("SELECT type, COUNT(*) FROM nodes GROUP BY type ORDER BY type")),
            "edges": dict(self._query("SELECT predicate, COUNT(*) FROM edges GROUP BY predicate ORDER BY predicate")),
            "mentions": self._query("SELECT COUNT(*) FROM mentions")[0][0],
            "evidence": self._query("SELECT COUNT(*) FROM evidence")[0][0],
        }

    def version(self) -> int:
        """Write counter (bumped by every committed write)."""
        return int(self._query("SELECT value FROM meta WHERE key = 'version'")[0][0])

    def read_sql(self, query: str, params: Iterable | dict = ()) -> list[dict]:
        """Run one read-only SQL statement (a query's `sql`); rows as dicts. A statement that would write is
        refused before it changes anything (the connection is query-only while it runs)."""
        con = self._con()
        try:
            con.execute("PRAGMA query_only=ON")  # a read-only store's connection is query-only for good
            try:
                cur = con.execute(query, params if isinstance(params, dict) else tuple(params))
                rows = cur.fetchall()
            finally:
                if not self.read_only:
                    con.execute("PRAGMA query_only=OFF")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: {exc}") from exc
        if not cur.description:
            raise StoreError("read_sql runs queries only")
        names = [c[0] for c in cur.description]
        return [dict(zip(names, r)) for r in rows]

    def clear_result_cache(self) -> None:
        """Forget the rows of queries run so far (their indexes stay): the next call computes them afresh."""
        self._results.clear()
        from graph.traversal import cached_graph

        g = cached_graph(self)
        if g is not None:
            g.graph.pop("results", None)

    def query_index(self, name: str, build: Callable[[], T]) -> T:
        """What `build()` returns, built once per graph version (any write, in any process, rebuilds it)."""
        return self._indexes.get(self.version(), name, build)

    def run_named_query(self, spec: NamedQuery, params: dict) -> list[dict]:
        """Run a named query: its `sql` on this store's tables when it has one (no graph is built), else its
        embedded implementation on the cached graph. Results are kept per store version, so any write
        invalidates them."""
        if spec.sql is not None:
            sql = spec.sql
            rows = self._results.get(self.version(), (spec.name, tuple(sorted(params.items()))), lambda: sql(self, params))
            return [dict(r) for r in rows]
        from graph.traversal import graph_of

        cache = graph_of(self).graph.setdefault("results", {})
        key = (spec.name, tuple(sorted(params.items())))
        if key not in cache:
            cache[key] = spec.embedded(self, **params)
        return [dict(r) for r in cache[key]]

    # ------------------------------------------------------------------ curation (graph/curation.py)
    def edges_of(self, node_ids: list[str]) -> list[EdgeRecord]:
        """Every edge with an end among `node_ids`, in id order."""
        out: dict[str, EdgeRecord] = {}
        for chunk in chunks(list(dict.fromkeys(node_ids)), 400):
            marks = ",".join("?" * len(chunk))
            for r in self._query(f"SELECT id, src, dst, predicate, confidence, props FROM edges WHERE src IN ({marks}) "
                                 f"UNION SELECT id, src, dst, predicate, confidence, props FROM edges WHERE dst IN ({marks})", chunk * 2):
                out[r[0]] = EdgeRecord(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]))
        return [out[k] for k in sorted(out)]

    def apply_change(self, change) -> None:
        """Apply a graph.curation.GraphChange in one transaction: drop edges (with evidence), mentions and
        nodes (with aliases and mentions), upsert rows by the ordinary merge rules, then set names."""
        try:
            with self._tx() as con:
                touched = set(change.drop_nodes) | set(change.names) | {tuple(m)[0] for m in change.drop_mentions}
                for chunk in chunks(list(change.drop_edges), 500):
                    marks = ",".join("?" * len(chunk))
                    touched |= {end for row in con.execute(f"SELECT src, dst FROM edges WHERE id IN ({marks})", chunk) for end in row}
                    con.execute(f"DELETE FROM evidence WHERE edge_id IN ({marks})", chunk)
                    con.execute(f"DELETE FROM edges WHERE id IN ({marks})", chunk)
                con.executemany("DELETE FROM mentions WHERE node_id = ? AND article_id = ? AND start = ? AND end = ?",
                                [tuple(m) for m in change.drop_mentions])
                for chunk in chunks(list(change.drop_nodes), 500):
                    marks = ",".join("?" * len(chunk))
                    con.execute(f"DELETE FROM mentions WHERE node_id IN ({marks})", chunk)
                    con.execute(f"DELETE FROM nodes WHERE id IN ({marks})", chunk)
                u = change.upsert
                self._write_rows(con, [GraphBatch(None, [], u.nodes, u.edges, u.mentions, u.evidence)], "INSERT OR IGNORE")
                for node_id, name in change.names.items():
                    con.execute("UPDATE nodes SET name = ? WHERE id = ?", (name, node_id))
                    con.execute("INSERT OR IGNORE INTO aliases(node_id, alias, norm) VALUES (?,?,?)", (node_id, name, normalize_name(name)))
                self._refresh_derived(con, touched)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: the correction could not be applied ({exc}); nothing of it was stored") from exc

    def add_curation(self, c) -> None:
        """Keep a graph.curation.Curation; the same key twice is one record (the first kept)."""
        with self._tx() as con:
            con.execute("INSERT INTO curations(key, action, record, created_at) VALUES (?,?,?,?) ON CONFLICT(key) DO NOTHING",
                        (c.key, c.action, json.dumps(c.as_dict(), ensure_ascii=False, sort_keys=True), c.created_at or _now()))
            con.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'version'")

    def remove_curation(self, key: str) -> None:
        """Forget a curation record (graph.curation.undo restores what it changed); nothing when absent."""
        with self._tx() as con:
            con.execute("DELETE FROM curations WHERE key = ?", (key,))
            con.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'version'")

    def curations(self) -> list:
        """Every stored graph.curation.Curation, oldest first."""
        from graph.curation import Curation

        if not self._has_curations:
            return []
        return [Curation.from_dict(json.loads(r[0])) for r in self._query("SELECT record FROM curations ORDER BY created_at, key")]

    def close(self) -> None:
        """Close this thread's connection."""
        con = getattr(self._local, "con", None)
        if con is not None:
            con.close()
            self._local.con = None



def _props_json(props: dict) -> str:
    """How props are stored: JSON with sorted keys, non-ASCII kept."""
    return json.dumps(props, ensure_ascii=False, sort_keys=True) if props else "{}"


def _now() -> str:
    return records.utc_now()
