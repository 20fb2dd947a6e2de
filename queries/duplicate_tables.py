"""`duplicates`' candidates kept at write time on the embedded store (graph.derived): each initiative's core,
the place names cores are stripped of, the block keys and tails of every core group and the scored
candidate pairs (queries/duplicate_keys.py), so the query reads the pairs above its threshold and the
few initiatives they name; it never rescans the store.

Tables (dup_*): items (initiative id, kind, name, core, article count), steps (the remainders each name
passed through while place names were stripped: a new or dropped place name re-strips the names it can
change), places (place node id, normalized name), groups (kind, core, initiatives, the least initiative id), keys and tails (of
each group), pairs (kind, core a < core b, score ≥ duplicate_keys.KEEP).
"""

from __future__ import annotations

import sqlite3

from core.names import normalize_name
from graph.derived import chunks, register_derived
from queries.duplicate_keys import block_keys, can_be_qualified, group_pairs, longest_in, place_prefixes, scored, strip_steps, tails
from queries.sql import marks as placeholders

PLACE_TYPES = ("Area", "Community")
_SEP = "\x1f"  # between the remainders in dup_items.steps
_TOP = "\U0010ffff"  # above every character: [p, p + _TOP) holds the strings starting with p

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS dup_items(id TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, core TEXT NOT NULL, "
    "articles INTEGER NOT NULL, steps TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS dup_items_core ON dup_items(kind, core)",
    "CREATE INDEX IF NOT EXISTS dup_items_reported ON dup_items(id) WHERE articles >= 2",
    "CREATE TABLE IF NOT EXISTS dup_steps(rest TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY(rest, id)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS dup_places(id TEXT PRIMARY KEY, norm TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS dup_places_norm ON dup_places(norm)",
    "CREATE TABLE IF NOT EXISTS dup_groups(kind TEXT NOT NULL, core TEXT NOT NULL, n INTEGER NOT NULL, first TEXT NOT NULL, "
    "PRIMARY KEY(kind, core)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS dup_groups_shared ON dup_groups(kind, core) WHERE n > 1",
    "CREATE TABLE IF NOT EXISTS dup_keys(kind TEXT NOT NULL, key TEXT NOT NULL, core TEXT NOT NULL, PRIMARY KEY(kind, key, core)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS dup_tails(kind TEXT NOT NULL, tail TEXT NOT NULL, core TEXT NOT NULL, PRIMARY KEY(kind, tail, core)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS dup_pairs(kind TEXT NOT NULL, a TEXT NOT NULL, b TEXT NOT NULL, score REAL NOT NULL, "
    "PRIMARY KEY(kind, a, b)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS dup_pairs_b ON dup_pairs(kind, b)",
    "CREATE INDEX IF NOT EXISTS dup_pairs_score ON dup_pairs(score)",
)
TABLES = ("dup_items", "dup_steps", "dup_places", "dup_groups", "dup_keys", "dup_tails", "dup_pairs")


class DuplicateTables:
    """graph.derived tables of `duplicates` (registered as "duplicates")."""

    name = "duplicates"
    tables = TABLES
    schema = SCHEMA

    def refresh(self, con: sqlite3.Connection, node_ids: set[str]) -> None:
        """Places first (a changed place name re-strips the initiatives it can change), then initiatives."""
        ids = sorted(node_ids)
        nodes = self._nodes(con, ids)
        items = set(self._changed_places(con, ids, nodes))
        items |= {i for i in ids if i in nodes and nodes[i][0] == "Initiative"}
        for chunk in chunks(ids):
            items |= {r[0] for r in con.execute(f"SELECT id FROM dup_items WHERE id IN ({placeholders(len(chunk))})", chunk)}
        missing = sorted(items - nodes.keys())
        nodes |= self._nodes(con, missing)
        prefix = _PlaceLookup(con)
        for item in sorted(items):
            self._refresh_item(con, item, nodes.get(item), prefix)

    def rebuild(self, con: sqlite3.Connection) -> None:
        """Every table afresh, computed in memory from the nodes and mentions (duplicate_keys.group_pairs)."""
        for table in TABLES:
            con.execute(f"DELETE FROM {table}")
        places = [(i, normalize_name(name)) for i, name in con.execute(
            f"SELECT id, name FROM nodes WHERE type IN ({placeholders(len(PLACE_TYPES))})", PLACE_TYPES)]
        con.executemany("INSERT INTO dup_places(id, norm) VALUES (?, ?)", places)
        longest = longest_in({norm for _, norm in places})
        rows: list[tuple] = []
        steps: list[tuple[str, str]] = []
        groups: dict[tuple[str, str], int] = {}
        first: dict[tuple[str, str], str] = {}
        for i, kind, name, articles in con.execute(
                "SELECT i.id, coalesce(i.kind, ''), i.name, (SELECT count(DISTINCT m.article_id) FROM mentions m WHERE m.node_id = i.id) "
                "FROM nodes i WHERE i.type = 'Initiative'"):
            path = strip_steps(name, longest)
            rests = sorted(set(path))
            rows.append((i, kind, name, path[-1], articles, _SEP.join(rests)))
            steps += [(rest, i) for rest in rests]
            groups[(kind, path[-1])] = groups.get((kind, path[-1]), 0) + 1
            first[(kind, path[-1])] = min(first.get((kind, path[-1]), i), i)
        con.executemany("INSERT INTO dup_items(id, kind, name, core, articles, steps) VALUES (?,?,?,?,?,?)", rows)
        con.executemany("INSERT INTO dup_steps(rest, id) VALUES (?, ?)", steps)
        con.executemany("INSERT INTO dup_groups(kind, core, n, first) VALUES (?,?,?,?)",
                        [(k, c, n, first[(k, c)]) for (k, c), n in groups.items()])
        con.executemany("INSERT INTO dup_keys(kind, key, core) VALUES (?,?,?)", [(k, key, c) for k, c in groups for key in block_keys(c)])
        con.executemany("INSERT INTO dup_tails(kind, tail, core) VALUES (?,?,?)", [(k, t, c) for k, c in groups for t in tails(c)])
        con.executemany("INSERT INTO dup_pairs(kind, a, b, score) VALUES (?,?,?,?)",
                        [(k, a, b, s) for (k, a, b), s in group_pairs(groups).items()])

    # ------------------------------------------------------------------ pieces of refresh
    @staticmethod
    def _nodes(con: sqlite3.Connection, ids: list[str]) -> dict[str, tuple[str, str, str]]:
        """{id: (type, kind, name)} of the stored nodes among `ids`."""
        out = {}
        for chunk in chunks(ids):
            for i, typ, kind, name in con.execute(f"SELECT id, type, coalesce(kind, ''), name FROM nodes WHERE id IN ({placeholders(len(chunk))})", chunk):
                out[i] = (typ, kind, name)
        return out

    @staticmethod
    def _changed_places(con: sqlite3.Connection, ids: list[str], nodes: dict) -> set[str]:
        """Update dup_places for `ids`; the initiatives whose stripping a place name that appeared or went can change."""
        before: dict[str, str] = {}
        for chunk in chunks(ids):
            before |= dict(con.execute(f"SELECT id, norm FROM dup_places WHERE id IN ({placeholders(len(chunk))})", chunk).fetchall())
        touched = set()
        for i in ids:
            node = nodes.get(i)
            now = normalize_name(node[2]) if node and node[0] in PLACE_TYPES else None
            if now == before.get(i):
                continue
            if i in before:
                con.execute("DELETE FROM dup_places WHERE id = ?", (i,))
                touched.add(before[i])
            if now is not None:
                con.execute("INSERT INTO dup_places(id, norm) VALUES (?, ?)", (i, now))
                touched.add(now)
        items: set[str] = set()
        for norm in touched:
            count = con.execute("SELECT count(*) FROM dup_places WHERE norm = ?", (norm,)).fetchone()[0]
            if count <= 1:  # the name came (1) or went (0): names passing through a remainder it starts can strip otherwise
                items |= {r[0] for r in con.execute("SELECT id FROM dup_steps WHERE rest >= ? AND rest < ?", (norm, norm + _TOP))}
        return items

    def _refresh_item(self, con: sqlite3.Connection, item: str, node, prefix: "_PlaceLookup") -> None:
        found = con.execute("SELECT kind, core, steps FROM dup_items WHERE id = ?", (item,)).fetchone()
        old = found[:2] if found else None
        if found:
            con.executemany("DELETE FROM dup_steps WHERE rest = ? AND id = ?", [(rest, item) for rest in found[2].split(_SEP)])
        if node is None or node[0] != "Initiative":
            con.execute("DELETE FROM dup_items WHERE id = ?", (item,))
            if old:
                self._leave(con, old[0], old[1], item)
            return
        _, kind, name = node
        path = strip_steps(name, prefix.longest)
        core = path[-1]
        articles = con.execute("SELECT count(DISTINCT article_id) FROM mentions WHERE node_id = ?", (item,)).fetchone()[0]
        rests = sorted(set(path))
        con.execute("INSERT INTO dup_items(id, kind, name, core, articles, steps) VALUES (?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
                    "kind = excluded.kind, name = excluded.name, core = excluded.core, articles = excluded.articles, steps = excluded.steps",
                    (item, kind, name, core, articles, _SEP.join(rests)))
        con.executemany("INSERT OR IGNORE INTO dup_steps(rest, id) VALUES (?, ?)", [(rest, item) for rest in rests])
        if old != (kind, core):
            if old:
                self._leave(con, old[0], old[1], item)
            self._join(con, kind, core, item)

    @staticmethod
    def _leave(con: sqlite3.Connection, kind: str, core: str, item: str) -> None:
        """`item` left the group (its dup_items row already moved or gone); a group left empty takes its keys,
        tails and pairs with it, one whose first (least) id left takes the next."""
        con.execute("UPDATE dup_groups SET n = n - 1 WHERE kind = ? AND core = ?", (kind, core))
        n, first = con.execute("SELECT n, first FROM dup_groups WHERE kind = ? AND core = ?", (kind, core)).fetchone()
        if n > 0:
            if first == item:
                con.execute("UPDATE dup_groups SET first = (SELECT min(id) FROM dup_items WHERE kind = ? AND core = ?) "
                            "WHERE kind = ? AND core = ?", (kind, core, kind, core))
            return
        con.execute("DELETE FROM dup_groups WHERE kind = ? AND core = ?", (kind, core))
        con.executemany("DELETE FROM dup_keys WHERE kind = ? AND key = ? AND core = ?", [(kind, k, core) for k in block_keys(core)])
        con.executemany("DELETE FROM dup_tails WHERE kind = ? AND tail = ? AND core = ?", [(kind, t, core) for t in tails(core)])
        con.execute("DELETE FROM dup_pairs WHERE kind = ? AND a = ?", (kind, core))
        con.execute("DELETE FROM dup_pairs WHERE kind = ? AND b = ?", (kind, core))

    @staticmethod
    def _join(con: sqlite3.Connection, kind: str, core: str, item: str) -> None:
        """`item` joined the group; a new group is keyed and scored against its candidates."""
        if con.execute("UPDATE dup_groups SET n = n + 1, first = min(first, ?) WHERE kind = ? AND core = ?", (item, kind, core)).rowcount:
            return
        con.execute("INSERT INTO dup_groups(kind, core, n, first) VALUES (?, ?, 1, ?)", (kind, core, item))
        keys, own_tails = sorted(block_keys(core)), tails(core)
        partners = {r[0] for r in con.execute(f"SELECT core FROM dup_keys WHERE kind = ? AND key IN ({placeholders(len(keys))})", [kind, *keys])}
        if can_be_qualified(core):
            partners |= {r[0] for r in con.execute("SELECT core FROM dup_tails WHERE kind = ? AND tail = ?", (kind, core))}
        if own_tails:
            partners |= {r[0] for r in con.execute(f"SELECT core FROM dup_groups WHERE kind = ? AND core IN ({placeholders(len(own_tails))})",
                                                   [kind, *own_tails])}
        con.executemany("INSERT INTO dup_keys(kind, key, core) VALUES (?,?,?)", [(kind, k, core) for k in keys])
        con.executemany("INSERT INTO dup_tails(kind, tail, core) VALUES (?,?,?)", [(kind, t, core) for t in own_tails])
        con.executemany("INSERT OR REPLACE INTO dup_pairs(kind, a, b, score) VALUES (?,?,?,?)",
                        [(kind, a, b, s) for s, a, b in scored(core, partners)])


class _PlaceLookup:
    """longest_place_prefix for strip_steps on dup_places (one indexed query per remainder, memoized)."""

    def __init__(self, con: sqlite3.Connection):
        self.con = con
        self.memo: dict[str, int] = {}

    def longest(self, rest: str) -> int:
        if rest not in self.memo:
            prefixes = place_prefixes(rest)
            found = [r[0] for r in self.con.execute(f"SELECT DISTINCT norm FROM dup_places WHERE norm IN ({placeholders(len(prefixes))})",
                                                    prefixes)] if prefixes else []
            self.memo[rest] = max(map(len, found), default=0)
        return self.memo[rest]


DUPLICATE_TABLES = register_derived(DuplicateTables())
