"""Named, parameterized traversal queries: one module per query (spec, embedded implementation,
Cypher, shaping), registered by name; `run_query` asks the store to run one (GraphStore.run_named_query)."""

from __future__ import annotations

from dataclasses import dataclass

from graph.base import GraphStore
from queries import (  # noqa: F401 - they register
    articles,
    awards,
    broker_tables,
    brokers,
    cobuild,
    cobuild_tables,
    duplicates,
    entity,
    hierarchy,
    neighbors,
    path,
    search,
    search_tables,
    similar,  # noqa: F401,E402 - registers `similar` (needs duplicates first)
)
from queries.registry import QUERIES, Param, QuerySpec, get_query, register


@dataclass
class QueryResult:
    """Rows of a query with their column order."""

    name: str
    columns: tuple[str, ...]
    rows: list[dict]


def run_query(store: GraphStore, name: str, params: dict | None = None) -> QueryResult:
    """Run a named query on a store (networkx on the embedded store, Cypher on Neo4j)."""
    spec = get_query(name)
    return QueryResult(name, spec.columns, store.run_named_query(spec, spec.bind(params or {})))


__all__ = ["QUERIES", "Param", "QueryResult", "QuerySpec", "get_query", "register", "run_query"]
