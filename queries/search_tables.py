"""`search`'s pinyin kept at write time on the embedded store (graph.derived): the toneless pinyin and
the initials of every alias form, so a pinyin needle is matched by SQLite (queries/search.py) instead of
converting every name of the store on the first call.

Table search_pinyin: form (an alias exactly as stored) → pinyin, initials. The keys are a function of
the form alone, so a form is converted once, whatever article brings it; a form no node holds any more
is harmless (the query joins through the aliases) and goes at the next rebuild.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from graph.derived import register_derived
from queries.helpers import pinyin_keys

SCHEMA = ("CREATE TABLE IF NOT EXISTS search_pinyin(form TEXT PRIMARY KEY, pinyin TEXT NOT NULL, initials TEXT NOT NULL) WITHOUT ROWID",)


def _chunks(items: list, size: int = 500) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _keyed(forms) -> list[tuple[str, str, str]]:
    return [(f, *pinyin_keys(f)) for f in sorted(forms)]


class SearchTables:
    """graph.derived table of `search` (registered as "search")."""

    name = "search"
    tables = ("search_pinyin",)
    schema = SCHEMA

    def refresh(self, con: sqlite3.Connection, node_ids: set[str]) -> None:
        """Convert the alias forms of `node_ids` that no earlier write converted."""
        new: set[str] = set()
        for chunk in _chunks(sorted(node_ids)):
            marks = ",".join("?" * len(chunk))
            new |= {r[0] for r in con.execute(
                f"SELECT DISTINCT a.alias FROM aliases a WHERE a.node_id IN ({marks}) "
                "AND NOT EXISTS (SELECT 1 FROM search_pinyin p WHERE p.form = a.alias)", chunk)}
        con.executemany("INSERT OR IGNORE INTO search_pinyin(form, pinyin, initials) VALUES (?,?,?)", _keyed(new))

    def rebuild(self, con: sqlite3.Connection) -> None:
        """Every alias form converted afresh."""
        con.execute("DELETE FROM search_pinyin")
        con.executemany("INSERT INTO search_pinyin(form, pinyin, initials) VALUES (?,?,?)",
                        _keyed(r[0] for r in con.execute("SELECT DISTINCT alias FROM aliases")))


SEARCH_TABLES = register_derived(SearchTables())
