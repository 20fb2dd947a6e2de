"""`search`'s pinyin kept at write time on the embedded store (graph.derived): the toneless pinyin and
the initials of every normalized alias form, so a pinyin needle is matched by SQLite (queries/search.py)
instead of converting every name of the store on the first call.

Table search_pinyin: norm (aliases.norm, the form normalized) → pinyin, initials. The keys are a function
of the form alone, so a form is converted once, whatever article brings it; a form no node holds any more
is harmless (the query joins through the aliases) and goes at the next rebuild. Table search_degree: id →
relation degree (edges in and out, mentions excluded; nodes with none are absent), which ranks the hits.
"""

from __future__ import annotations

import sqlite3

from graph.derived import chunks, register_derived
from queries.helpers import pinyin_keys
from queries.sql import DEGREE
from queries.sql import marks as placeholders

SCHEMA = ("CREATE TABLE IF NOT EXISTS search_pinyin(norm TEXT PRIMARY KEY, pinyin TEXT NOT NULL, initials TEXT NOT NULL) WITHOUT ROWID",
          "CREATE TABLE IF NOT EXISTS search_degree(id TEXT PRIMARY KEY, degree INTEGER NOT NULL) WITHOUT ROWID")
_DEGREES = f"""INSERT INTO search_degree(id, degree) SELECT id, degree FROM (
  SELECT n.id AS id, {DEGREE} AS degree FROM nodes n WHERE n.id IN ({{marks}})) WHERE degree > 0"""


def _keyed(forms) -> list[tuple[str, str, str]]:
    return [(f, *pinyin_keys(f)) for f in sorted(forms)]


class SearchTables:
    """graph.derived table of `search` (registered as "search")."""

    name = "search"
    tables = ("search_pinyin", "search_degree")
    schema = SCHEMA

    def refresh(self, con: sqlite3.Connection, node_ids: set[str]) -> None:
        """Recount the degrees of `node_ids` (every end of a written or dropped edge is among them) and convert
        their normalized alias forms that no earlier write converted."""
        new: set[str] = set()
        for chunk in chunks(sorted(node_ids)):
            marks = placeholders(len(chunk))
            con.execute(f"DELETE FROM search_degree WHERE id IN ({marks})", chunk)
            con.execute(_DEGREES.format(marks=marks), chunk)
            new |= {r[0] for r in con.execute(
                f"SELECT DISTINCT a.norm FROM aliases a WHERE a.node_id IN ({marks}) "
                "AND NOT EXISTS (SELECT 1 FROM search_pinyin p WHERE p.norm = a.norm)", chunk)}
        con.executemany("INSERT OR IGNORE INTO search_pinyin(norm, pinyin, initials) VALUES (?,?,?)", _keyed(new))

    def rebuild(self, con: sqlite3.Connection) -> None:
        """Every degree counted and every normalized alias form converted afresh."""
        con.execute("DELETE FROM search_degree")
        con.execute("INSERT INTO search_degree(id, degree) SELECT id, count(*) FROM "
                    "(SELECT src AS id FROM edges UNION ALL SELECT dst FROM edges) GROUP BY id")
        con.execute("DELETE FROM search_pinyin")
        con.executemany("INSERT INTO search_pinyin(norm, pinyin, initials) VALUES (?,?,?)",
                        _keyed(r[0] for r in con.execute("SELECT DISTINCT norm FROM aliases")))


SEARCH_TABLES = register_derived(SearchTables())
