"""Open a store from a URI or path: a SQLite file by default, Neo4j for bolt:// and neo4j:// URIs."""

from __future__ import annotations

import os
from pathlib import Path

from graph.base import GraphStore

DEFAULT_STORE = "govkg-data/graph.db"
NEO4J_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")


def default_store_uri() -> str:
    """The store used when none is given: $GOVKG_STORE, else ./govkg-data/graph.db."""
    return os.environ.get("GOVKG_STORE") or DEFAULT_STORE


def open_store(uri: str | None = None, read_only: bool = False) -> GraphStore:
    """Open (creating if needed) the store named by `uri`; `read_only`: an embedded store that must exist,
    opened for reading only (commands that only read; Neo4j permissions are the server's)."""
    uri = uri or default_store_uri()
    if uri.startswith(NEO4J_SCHEMES):
        from graph.neo4j_store import Neo4jStore

        return Neo4jStore.from_env(uri)
    from graph.sqlite_store import SQLiteStore

    path = uri[len("sqlite:///"):] if uri.startswith("sqlite:///") else uri
    p = Path(path).expanduser()
    if p.is_dir() or path.endswith(("/", os.sep)):
        p = p / "graph.db"
    return SQLiteStore(p, read_only=read_only)
