"""`brokers`' links kept at write time on the embedded store (graph.derived): every organization → community
it links, with the best confidence of the organization's edges that make the link, so the query counts
the links at or above its threshold instead of reading five predicates' edges on its first call.

Table broker_links(org, community, confidence). An organization links a community by COOPERATES_WITH,
LOCATED_IN or AFFILIATED_WITH to it, by a COOPERATES_WITH from it, or by RUNS or SUPPORTS of something the
community RUNS (queries/brokers.py `_links`: only the organization's edge is held to the threshold);
`confidence` is the greatest confidence of those edges, so the link counts at a threshold when one of
them reaches it. A write refreshes the organizations it touched and those one link or one shared
initiative away from a touched node.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from graph.derived import register_derived

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS broker_links(org TEXT NOT NULL, community TEXT NOT NULL, confidence REAL NOT NULL, "
    "PRIMARY KEY(org, community)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS broker_links_community ON broker_links(community)",
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


def _chunks(items: list, size: int = 300) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class BrokerTables:
    """graph.derived table of `brokers` (registered as "brokers")."""

    name = "brokers"
    tables = ("broker_links",)
    schema = SCHEMA

    def refresh(self, con: sqlite3.Connection, node_ids: set[str]) -> None:
        """Recompute the links of every organization a change to `node_ids` can affect."""
        affected: set[str] = set()
        areas: set[str] = set()  # never an end of a link: their many LOCATED_IN and PART_OF edges are not read
        for chunk in _chunks(sorted(node_ids)):
            marks = ",".join("?" * len(chunk))
            areas |= {r[0] for r in con.execute(f"SELECT id FROM nodes WHERE id IN ({marks}) AND +type = 'Area'", chunk)}
        for chunk in _chunks(sorted(areas)):  # one that was a community until this write
            affected |= {r[0] for r in con.execute(f"SELECT org FROM broker_links WHERE community IN ({','.join('?' * len(chunk))})", chunk)}
        for chunk in _chunks(sorted(node_ids - areas)):
            marks = ",".join("?" * len(chunk))
            affected |= {r[0] for r in con.execute(_AFFECTED.format(ids=marks), chunk * 5)}
        for chunk in _chunks(sorted(affected)):
            marks = ",".join("?" * len(chunk))
            con.execute(f"DELETE FROM broker_links WHERE org IN ({marks})", chunk)
            orgs = [r[0] for r in con.execute(f"SELECT id FROM nodes WHERE id IN ({marks}) AND +type = 'Organization'", chunk)]
            if orgs:
                marks = ",".join("?" * len(orgs))
                con.execute("INSERT INTO broker_links(org, community, confidence) " + _LINKS.format(orgs=marks), orgs * 3)

    def rebuild(self, con: sqlite3.Connection) -> None:
        """Every organization's links afresh."""
        con.execute("DELETE FROM broker_links")
        con.execute("INSERT INTO broker_links(org, community, confidence) " + _LINKS.format(orgs=_ORGS))


BROKER_TABLES = register_derived(BrokerTables())
