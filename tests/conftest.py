"""Shared fixtures: the real corpus in ../shared (skipped with a reason when absent), stores in tmp dirs."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("GOVKG_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpus"
GOLD = SHARED / "gold" / "dev"
SAMPLE = REPO / "govkg" / "sample_corpus"
WIDE = SHARED / "wide" / "articles"
NEO4J_TEST_PASSWORD = "govkg-test-pass"  # the default of tests/neo4j/server


def need_shared() -> None:
    """Skip the calling test when the shared corpus is not beside the repository."""
    if not CORPUS.is_dir() or not any(CORPUS.glob("*.txt")):
        pytest.skip(f"real corpus not found at {CORPUS} (../shared is absent on this machine)")


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    need_shared()
    return CORPUS


@pytest.fixture(scope="session")
def gold_dir() -> Path:
    need_shared()
    if not GOLD.is_dir():
        pytest.skip(f"gold annotations not found at {GOLD}")
    return GOLD


@pytest.fixture(scope="session")
def wide_dirs() -> tuple[Path, Path]:
    """(gold, articles) of the wide development set in ../shared/wide."""
    gold, articles = SHARED / "wide" / "gold", SHARED / "wide" / "articles"
    if not gold.is_dir() or not articles.is_dir():
        pytest.skip(f"wide gold set not found at {SHARED / 'wide'}")
    return gold, articles


@pytest.fixture(scope="module")
def wide_store(tmp_path_factory, wide_dirs):
    """An embedded store of the wide set's 12 articles (URL, date and publisher from its SOURCES.tsv)."""
    from graph.sqlite_store import SQLiteStore
    from ingest.pipeline import Pipeline

    s = SQLiteStore(tmp_path_factory.mktemp("wide") / "g.db")
    Pipeline(s).ingest([wide_dirs[1]])
    yield s
    s.close()


@pytest.fixture()
def store(tmp_path):
    from graph.sqlite_store import SQLiteStore

    s = SQLiteStore(tmp_path / "graph.db")
    yield s
    s.close()


@pytest.fixture(scope="session")
def corpus_store(tmp_path_factory, corpus_dir):
    """The five real articles ingested once into an embedded store."""
    from graph.sqlite_store import SQLiteStore
    from ingest.pipeline import Pipeline

    s = SQLiteStore(tmp_path_factory.mktemp("corpus") / "graph.db")
    report = Pipeline(s).ingest([corpus_dir])
    assert len(report.added) == 5, report.summary()
    yield s
    s.close()


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory):
    """The bundled sample corpus ingested into an embedded store."""
    from graph.sqlite_store import SQLiteStore
    from ingest.pipeline import Pipeline

    s = SQLiteStore(tmp_path_factory.mktemp("sample") / "graph.db")
    Pipeline(s).ingest([SAMPLE])
    yield s
    s.close()


@pytest.fixture()
def sample_copy(tmp_path) -> Path:
    """A writable copy of the sample corpus."""
    dst = tmp_path / "sample"
    shutil.copytree(SAMPLE, dst)
    return dst


# ---------------------------------------------------------------------------------------- Neo4j
def neo4j_unavailable_reason() -> str | None:
    """Why no Neo4j can be had here (None when NEO4J_URI is set or Java and Maven are installed)."""
    if os.environ.get("NEO4J_URI"):
        return None
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if missing:
        return f"NEO4J_URI is not set and {' and '.join(missing)} is not installed, so tests/neo4j/server cannot start Neo4j"
    return None


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory):
    """A live Neo4j: (uri, folder LOAD CSV reads or None). $NEO4J_URI when set (its import folder from
    $NEO4J_IMPORT_DIR), else tests/neo4j/server on a free port for the whole session."""
    reason = neo4j_unavailable_reason()
    if reason:
        pytest.skip(reason)
    if os.environ.get("NEO4J_URI"):
        folder = os.environ.get("NEO4J_IMPORT_DIR")
        yield os.environ["NEO4J_URI"], Path(folder) if folder else None
        return
    from bench.neo4j_server import Neo4jTestServer

    server = Neo4jTestServer(os.environ.get("NEO4J_PASSWORD") or NEO4J_TEST_PASSWORD, tmp_path_factory.mktemp("neo4j-import"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NEO4J_USERNAME", "neo4j")
        mp.setenv("NEO4J_PASSWORD", server.password)
        mp.delenv("NEO4J_DATABASE", raising=False)
        try:
            yield server.uri, server.import_dir
        finally:
            server.stop()


@pytest.fixture(scope="session")
def neo4j_uri(neo4j_server) -> str:
    return neo4j_server[0]


@pytest.fixture()
def neo4j_empty(neo4j_uri):
    """The live Neo4j store, emptied of govkg data before and after the test."""
    from graph.factory import open_store

    s = open_store(neo4j_uri)
    s.clear()
    yield s
    s.clear()
    s.close()


def derived_rows(store, name: str) -> dict[str, list[tuple]]:
    """Every row of the registered derived tables `name` (graph.derived) of an embedded store, sorted."""
    from graph.derived import DERIVED

    con = sqlite3.connect(store.path)
    try:
        return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall()) for t in DERIVED[name].tables}
    finally:
        con.close()


def rebuilt_derived_rows(store, name: str, tmp_path) -> dict[str, list[tuple]]:
    """The rows a rebuild from scratch computes for the same graph (on a copy of the store)."""
    from graph.derived import DERIVED
    from graph.sqlite_store import SQLiteStore

    copy = tmp_path / f"rebuilt-{name}.db"
    copy.unlink(missing_ok=True)
    src, dst = sqlite3.connect(store.path), sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.close()
    other = SQLiteStore(copy)
    with other._tx() as con:
        DERIVED[name].rebuild(con)
    out = derived_rows(other, name)
    other.close()
    return out


def article_paths() -> list:
    """The real articles: the corpus, then the wide set (skips when ../shared is absent)."""
    need_shared()
    return sorted(CORPUS.glob("*.txt")) + sorted((WIDE / "articles").glob("*.txt"))
