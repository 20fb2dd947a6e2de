"""`cobuild`'s links kept at write time on the embedded store (graph.derived): every organization ↔ community
link, a COOPERATES_WITH edge or a SUPPORTS edge to an initiative the community RUNS, with the names it is
sorted by, so the query walks the links in output order through an index and stops at its limit.

Table cobuild_links: org_name, com_name, initiative, pk (partnership kind), part (0 a partnership, 1 a
shared initiative), k1, k2 (the edge ids: the partnership's, '' / SUPPORTS', RUNS'), org, com, ini (the
initiative id, ''), org_kind, date, confidence (a shared initiative's: the lower of its two edges'). A
write refreshes the links of the nodes it touched (the links name their org, community and initiative).
"""

from __future__ import annotations

import sqlite3

from graph.derived import chunks, register_derived
from queries.sql import marks as placeholders

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS cobuild_links(org_name TEXT NOT NULL, com_name TEXT NOT NULL, initiative TEXT NOT NULL, "
    "pk TEXT NOT NULL, part INTEGER NOT NULL, k1 TEXT NOT NULL, k2 TEXT NOT NULL, org TEXT NOT NULL, com TEXT NOT NULL, "
    "ini TEXT NOT NULL, org_kind TEXT, date TEXT NOT NULL, confidence REAL NOT NULL, PRIMARY KEY(k1, k2))",
    "CREATE INDEX IF NOT EXISTS cobuild_links_order ON cobuild_links(org_name, com_name, initiative, pk, part, k1, k2)",
    "CREATE INDEX IF NOT EXISTS cobuild_links_org ON cobuild_links(org)",
    "CREATE INDEX IF NOT EXISTS cobuild_links_com ON cobuild_links(com)",
    "CREATE INDEX IF NOT EXISTS cobuild_links_ini ON cobuild_links(ini)",
)
COLUMNS = "org_name, com_name, initiative, pk, part, k1, k2, org, com, ini, org_kind, date, confidence"

# the links of the COOPERATES_WITH edges in {edges} (a WHERE on e), either direction
_PARTNERSHIP_ROWS = """SELECT o.name AS org_name, c.name AS com_name, '' AS initiative, coalesce(json_extract(e.props, '$.kind'), '') AS pk,
       0 AS part, e.id AS k1, '' AS k2, o.id AS org, c.id AS com, '' AS ini, o.kind AS org_kind,
       coalesce(json_extract(e.props, '$.date'), '') AS date, e.confidence AS confidence
FROM edges e JOIN nodes o ON o.id IN (e.src, e.dst) JOIN nodes c ON c.id IN (e.src, e.dst)
WHERE ({edges}) AND +e.predicate = 'COOPERATES_WITH' AND +o.type = 'Organization' AND +c.type = 'Community'"""
# the links of shared initiatives of the SUPPORTS edges s and RUNS edges u in {pairs} (a WHERE on s and u)
_SHARED_ROWS = """SELECT o.name AS org_name, c.name AS com_name, i.name AS initiative, '' AS pk, 1 AS part, s.id AS k1, u.id AS k2,
       o.id AS org, c.id AS com, i.id AS ini, o.kind AS org_kind, '' AS date, min(s.confidence, u.confidence) AS confidence
FROM edges s JOIN edges u ON u.dst = s.dst AND +u.predicate = 'RUNS' JOIN nodes o ON o.id = s.src JOIN nodes i ON i.id = s.dst
JOIN nodes c ON c.id = u.src
WHERE ({pairs}) AND +s.predicate = 'SUPPORTS' AND +o.type = 'Organization' AND +c.type = 'Community'"""
_PARTNERSHIPS = f"INSERT OR IGNORE INTO cobuild_links({COLUMNS})\n{_PARTNERSHIP_ROWS}"
_SHARED = f"INSERT OR IGNORE INTO cobuild_links({COLUMNS})\n{_SHARED_ROWS}"
_EVERY_PARTNERSHIP = "e.id IN (SELECT id FROM edges WHERE predicate = 'COOPERATES_WITH')"
_EVERY_SHARED = "s.id IN (SELECT id FROM edges WHERE predicate = 'SUPPORTS')"
ORDER = "ORDER BY org_name, com_name, initiative, pk, part, k1, k2"  # the query's output order
# every link computed from the edges, in output order: what the table holds, for a store whose table is behind
LINKS_SQL = f"""SELECT * FROM ({_PARTNERSHIP_ROWS.format(edges=_EVERY_PARTNERSHIP)}
UNION ALL {_SHARED_ROWS.format(pairs=_EVERY_SHARED)}) {ORDER}"""


class CobuildTables:
    """graph.derived table of `cobuild` (registered as "cobuild")."""

    name = "cobuild"
    tables = ("cobuild_links",)
    schema = SCHEMA

    def refresh(self, con: sqlite3.Connection, node_ids: set[str]) -> None:
        """Drop the links naming a touched node and insert those its edges make now, each edge read from the
        end of the type it needs (an area's many edges are never read)."""
        of_type: dict[str, list[str]] = {"Organization": [], "Community": [], "Initiative": []}
        for chunk in chunks(sorted(node_ids)):
            marks = placeholders(len(chunk))
            for column in ("org", "com", "ini"):
                con.execute(f"DELETE FROM cobuild_links WHERE {column} IN ({marks})", chunk)
            for node, typ in con.execute(f"SELECT id, type FROM nodes WHERE id IN ({marks})", chunk):
                of_type.get(typ, []).append(node)
        ends = sorted(of_type["Organization"] + of_type["Community"])
        for statement, where, chosen in ((_PARTNERSHIPS, "e.src", ends), (_PARTNERSHIPS, "e.dst", ends),
                                         (_SHARED, "s.src", of_type["Organization"]), (_SHARED, "s.dst", of_type["Initiative"]),
                                         (_SHARED, "u.src", of_type["Community"])):
            for chunk in chunks(chosen):
                condition = f"{where} IN ({placeholders(len(chunk))})"
                con.execute(statement.format(edges=condition, pairs=condition), chunk)

    def rebuild(self, con: sqlite3.Connection) -> None:
        """Every link afresh."""
        con.execute("DELETE FROM cobuild_links")
        con.execute(_PARTNERSHIPS.format(edges=_EVERY_PARTNERSHIP))
        con.execute(_SHARED.format(pairs=_EVERY_SHARED))


COBUILD_TABLES = register_derived(CobuildTables())
