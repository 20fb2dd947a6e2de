"""Safe store handling of the embedded store: read-only files are queryable, a SQLite file that is no
govkg store is refused untouched, a store of a schema version this govkg cannot upgrade is refused with one
line, a version-1 store (before article metadata) is read as it is or upgraded when opened for writing."""

import hashlib
import os
import sqlite3
import subprocess
import sys

import pytest

from conftest import SAMPLE
from govkg.errors import StoreError
from graph.factory import open_store
from graph.records import ArticleRecord, GraphBatch
from graph.sqlite_store import SCHEMA_VERSION, SQLiteStore
from ingest.pipeline import Pipeline
from queries import run_query


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "govkg.cli", *map(str, args)], capture_output=True, text=True, timeout=300)


@pytest.fixture()
def sample_db(tmp_path):
    """The sample corpus in a closed store file (its WAL folded back into the file)."""
    path = tmp_path / "store" / "graph.db"
    store = SQLiteStore(path)
    Pipeline(store).ingest([SAMPLE])
    store.close()
    return path


def test_a_read_only_store_file_is_queryable_and_never_written(sample_db):
    expected = run_query(SQLiteStore(sample_db), "cobuild", {"org_kind": "any"}).rows
    assert expected
    os.chmod(sample_db, 0o444)
    os.chmod(sample_db.parent, 0o555)  # not even a WAL index can be made beside it (for a user other than root)
    try:
        before = _digest(sample_db)
        store = open_store(str(sample_db), read_only=True)
        assert run_query(store, "cobuild", {"org_kind": "any"}).rows == expected
        assert store.stats()["articles"] == 4
        with pytest.raises(StoreError, match="opened read-only"):
            store.set_mark("a", "b", "same")
        store.close()
        proc = _cli("--store", sample_db, "query", "cobuild", "--param", "org_kind=any", "--format", "json")
        assert proc.returncode == 0, proc.stderr
        assert "Traceback" not in proc.stderr and _digest(sample_db) == before
    finally:
        os.chmod(sample_db.parent, 0o755)
        os.chmod(sample_db, 0o644)


def test_a_sqlite_file_of_another_program_is_refused_untouched(tmp_path):
    path = tmp_path / "contacts.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE people(name TEXT)")
    con.execute("INSERT INTO people VALUES ('张三')")
    con.commit()
    con.close()
    before = _digest(path)
    with pytest.raises(StoreError, match="not a govkg store") as info:
        SQLiteStore(path)
    assert "\n" not in str(info.value) and "people" in str(info.value)
    proc = _cli("--store", path, "ingest", "-q", tmp_path)
    assert proc.returncode == 2 and "not a govkg store" in proc.stderr and "Traceback" not in proc.stderr
    assert _digest(path) == before
    con = sqlite3.connect(path)
    assert [r[0] for r in con.execute("SELECT name FROM sqlite_master")] == ["people"]  # no govkg table added
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # nor its journal mode changed
    con.close()


@pytest.mark.parametrize("version", [0, SCHEMA_VERSION + 1])
def test_a_store_of_another_schema_version_is_refused_with_one_line(sample_db, version):
    con = sqlite3.connect(sample_db)
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))
    con.commit()
    con.close()
    before = _digest(sample_db)
    for read_only in (False, True):
        with pytest.raises(StoreError, match=f"schema version {version}, this govkg reads version {SCHEMA_VERSION} "):
            SQLiteStore(sample_db, read_only=read_only)
    for command in (("stats",), ("ingest", "-q", sample_db.parent)):
        proc = _cli("--store", sample_db, *command)
        lines = proc.stderr.strip().splitlines()
        assert proc.returncode == 2 and len(lines) == 1 and f"schema version {version}" in lines[0], proc.stderr
    assert _digest(sample_db) == before


def test_an_empty_file_becomes_a_store(tmp_path):
    path = tmp_path / "new.db"
    path.touch()
    store = SQLiteStore(path)
    assert store.stats()["articles"] == 0 and store.version() == 0


def _as_version_1(path) -> None:
    """Turn a store file into the layout version 1 wrote: articles without url, published, publisher."""
    con = sqlite3.connect(path)
    for column in ("url", "published", "publisher"):
        con.execute(f"ALTER TABLE articles DROP COLUMN {column}")
    con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    con.commit()
    con.close()


def _columns(path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return [r[1] for r in con.execute("PRAGMA table_info(articles)")]
    finally:
        con.close()


def test_a_version_1_store_is_read_as_it_is_when_opened_read_only(sample_db):
    expected = run_query(SQLiteStore(sample_db), "cobuild", {"org_kind": "any"}).rows
    _as_version_1(sample_db)
    before = _digest(sample_db)
    store = SQLiteStore(sample_db, read_only=True)
    articles = list(store.iter_articles())
    assert len(articles) == 4 and all(a.url is None and a.date is None and a.publisher is None for a in articles)
    assert store.get_article(articles[0].id).text == articles[0].text
    assert run_query(store, "cobuild", {"org_kind": "any"}).rows == expected  # sources without metadata, as before
    store.close()
    assert _digest(sample_db) == before and "url" not in _columns(sample_db)


def test_a_version_1_store_is_upgraded_when_opened_for_writing(sample_db):
    _as_version_1(sample_db)
    old = {a.id: a.text for a in SQLiteStore(sample_db, read_only=True).iter_articles()}
    store = SQLiteStore(sample_db)
    assert {"url", "published", "publisher"} <= set(_columns(sample_db))
    assert store._query("SELECT value FROM meta WHERE key = 'schema_version'")[0][0] == str(SCHEMA_VERSION)
    assert {a.id: a.text for a in store.iter_articles()} == old  # nothing of the stored graph lost
    record = ArticleRecord("art_new", "new.txt", "新文章", "某社区开展活动。", url="https://example.org/a", date="2024-01-02",
                           publisher="某日报")
    assert store.write_batch(GraphBatch(record))
    got = store.get_article("art_new")
    assert (got.url, got.date, got.publisher) == ("https://example.org/a", "2024-01-02", "某日报")
    store.close()
    SQLiteStore(sample_db).close()  # opening an upgraded store again changes nothing
    assert SQLiteStore(sample_db, read_only=True).get_article("art_new").date == "2024-01-02"
