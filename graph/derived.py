"""Derived tables of the embedded store: rows computed from the graph's rows (a query's candidate pairs,
say), kept up to date in the same transaction as every write, so a query reads them instead of
rescanning the store.

A query package registers its tables (`register_derived(MyTables())`, like a spaCy component factory);
the embedded store then calls `refresh` inside each write with the ids of the nodes the write touched.
A write made where a table is not registered leaves it behind the store's data version: the store marks
it stale, and `SQLiteStore.derived_ready(name)` rebuilds it (a writable store) or reports it unusable
(a read-only one: the query then computes in memory what the table would hold). Stores other than the
embedded one ignore derived tables.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from typing import Protocol, TypeVar

T = TypeVar("T")


class DerivedTables(Protocol):
    """Tables one query keeps from the graph's tables."""

    @property
    def name(self) -> str:
        """The registry name (with `schema`'s fingerprint, the meta key holding the data version they reflect:
        see `meta_key`)."""

    @property
    def tables(self) -> tuple[str, ...]:
        """The names of the tables (what `schema` creates)."""

    @property
    def schema(self) -> tuple[str, ...]:
        """CREATE TABLE / INDEX IF NOT EXISTS statements of the tables."""

    def refresh(self, con: sqlite3.Connection, node_ids: set[str]) -> None:
        """Bring the rows that depend on these nodes up to date with the graph's tables; runs inside the
        writing transaction, after the graph's rows are written. `node_ids`: the nodes written, renamed or
        dropped, those whose mentions were added or dropped and both ends of every edge written or dropped."""

    def rebuild(self, con: sqlite3.Connection) -> None:
        """Compute the tables afresh from the graph's tables (inside a transaction)."""


DERIVED: dict[str, DerivedTables] = {}


def register_derived(tables: DerivedTables) -> DerivedTables:
    """Keep `tables` up to date on every embedded store written from now on; returns it."""
    DERIVED[tables.name] = tables
    return tables


def chunks(items: list[T], size: int = 500) -> Iterator[list[T]]:
    """`items` in slices of at most `size`, for IN lists under SQLite's variable limit."""
    for i in range(0, len(items), size):
        yield items[i : i + size]


def meta_key(tables: DerivedTables) -> str:
    """`derived:<name>:<fingerprint of schema>`: the store's meta key for the data version `tables` reflect.
    Tables whose schema changed (a new govkg) have no version under the new key, so they are rebuilt."""
    digest = hashlib.sha1("\n".join(tables.schema).encode("utf-8")).hexdigest()[:12]
    return f"derived:{tables.name}:{digest}"
