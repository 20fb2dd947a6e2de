"""`brokers`' links kept at write time on the embedded store (graph.derived): every organization → community
it links, with the best confidence of the organization's edges that make the link, so the query counts
the links at or above its threshold instead of reading five predicates' edges on its first call.

Table broker_links(org, community, confidence); broker_counts(org, n): how many communities each organization
links at any confidence, which ranks the default call through an index. An organization links a community by COOPERATES_WITH,
LOCATED_IN or AFFILIATED_WITH to it, by a COOPERATES_WITH from it, or by RUNS or SUPPORTS of something the
community RUNS (queries/brokers.py `_links`: only the organization's edge is held to the threshold);
`confidence` is the greatest confidence of those edges, so the link counts at a threshold when one of
them reaches it. A write refreshes the organizations it touched and those one link or one shared
initiative away from a touched node.
"""

from __future__ import annotations

import sqlite3

from graph.derived import chunks, register_derived
from queries.sql import marks as placeholders

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS broker_links(org TEXT NOT NULL, community TEXT NOT NULL, confidence REAL NOT NULL, "
    "PRIMARY KEY(org, community)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS broker_links_community ON broker_links(community)",
    "CREATE TABLE IF NOT EXISTS broker_counts(org TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS broker_counts_n ON broker_counts(n)",
)

# the links of the organizations in `orgs` (a subquery or list of ids), from the edges (`+predicate`,
# `+type`: read from the organizations through the src/dst indexes, never through the predicate or type
# index, which would scan every edge of the predicate or every community)
_LINKS = """SELECT org, community, max(confidence) FROM (
  SELECT e.src AS org, e.dst AS community, e.confidence AS confidence FROM edges e JOIN nodes c ON c.id = e.dst
  WHERE e.src IN ({orgs}) AND +e.predicate IN ('COOPERATES_WITH', 'LOCATED_IN', 'AFFILIATED_WITH') AND +c.type = 'Community'
  UNION ALL
  SELECT e.dst, e.src, e.confidence FROM edges e JOIN nodes c ON c.id = e.src
  WHERE e.dst IN ({orgs}) AND +e.predicate = 'COOPERATES_WITH' AND +c.type = 'Community'
  UNION ALL
  SELECT e.src, r.src, e.confidence FROM edges e JOIN edges r ON r.dst = e.dst AND +r.predicate = 'RUNS' JOIN nodes c ON c.id = r.src
  WHERE e.src IN ({orgs}) AND +e.predicate IN ('RUNS', 'SUPPORTS') AND +c.type = 'Community'
) GROUP BY org, community"""
_ORGS = "SELECT id FROM nodes WHERE type = 'Organization'"

# the organizations whose links a change to the nodes in {ids} can change: those nodes themselves, the
# organizations with an edge of the five predicates to or from one, those running or supporting what one
# runs, and those holding a link to one
_AFFECTED = """SELECT id FROM nodes WHERE id IN ({ids})
UNION SELECT src FROM edges WHERE dst IN ({ids}) AND +predicate IN ('COOPERATES_WITH', 'LOCATED_IN', 'AFFILIATED_WITH', 'RUNS', 'SUPPORTS')
UNION SELECT dst FROM edges WHERE src IN ({ids}) AND +predicate = 'COOPERATES_WITH'
UNION SELECT e.src FROM edges r JOIN edges e ON e.dst = r.dst AND +e.predicate IN ('RUNS', 'SUPPORTS')
      WHERE r.src IN ({ids}) AND +r.predicate = 'RUNS'
UNION SELECT org FROM broker_links WHERE community IN ({ids})"""


class BrokerTables:
    """graph.derived table of `brokers` (registered as "brokers")."""

    name = "brokers"
    tables = ("broker_links", "broker_counts")
    schema = SCHEMA

    def refresh(self, con: sqlite3.Connection, node_ids: set[str]) -> None:
        """Recompute the links of every organization a change to `node_ids` can affect."""
        affected: set[str] = set()
        areas: set[str] = set()  # never an end of a link: their many LOCATED_IN and PART_OF edges are not read
        for chunk in chunks(sorted(node_ids)):
            marks = placeholders(len(chunk))
            areas |= {r[0] for r in con.execute(f"SELECT id FROM nodes WHERE id IN ({marks}) AND +type = 'Area'", chunk)}
        for chunk in chunks(sorted(areas)):  # one that was a community until this write
            affected |= {r[0] for r in con.execute(f"SELECT org FROM broker_links WHERE community IN ({placeholders(len(chunk))})", chunk)}
        for chunk in chunks(sorted(node_ids - areas)):
            marks = placeholders(len(chunk))
            affected |= {r[0] for r in con.execute(_AFFECTED.format(ids=marks), chunk * 5)}
        for chunk in chunks(sorted(affected)):
            marks = placeholders(len(chunk))
            con.execute(f"DELETE FROM broker_links WHERE org IN ({marks})", chunk)
            con.execute(f"DELETE FROM broker_counts WHERE org IN ({marks})", chunk)
            orgs = [r[0] for r in con.execute(f"SELECT id FROM nodes WHERE id IN ({marks}) AND +type = 'Organization'", chunk)]
            if orgs:
                marks = placeholders(len(orgs))
                con.execute("INSERT INTO broker_links(org, community, confidence) " + _LINKS.format(orgs=marks), orgs * 3)
                con.execute(f"INSERT INTO broker_counts(org, n) SELECT org, count(*) FROM broker_links WHERE org IN ({marks}) GROUP BY org",
                            orgs)

    def rebuild(self, con: sqlite3.Connection) -> None:
        """Every organization's links afresh."""
        con.execute("DELETE FROM broker_links")
        con.execute("INSERT INTO broker_links(org, community, confidence) " + _LINKS.format(orgs=_ORGS))
        con.execute("DELETE FROM broker_counts")
        con.execute("INSERT INTO broker_counts(org, n) SELECT org, count(*) FROM broker_links GROUP BY org")


BROKER_TABLES = register_derived(BrokerTables())
