"""Shared fixtures: the real corpus in ../shared (skipped with a reason when absent), stores in tmp dirs."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("GOVKG_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpus"
GOLD = SHARED / "gold" / "dev"
SAMPLE = REPO / "govkg" / "sample_corpus"


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
