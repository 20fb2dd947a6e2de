"""The SQL shared by the named queries on the embedded store's own tables (node lookup, street/district
roll-up): each query that has a `sql` implementation reads a few indexed rows through these and its
own statements, never the whole graph (graph.base.SQLStore)."""

from __future__ import annotations

from collections.abc import Iterator

from core.errors import QueryError
from core.names import normalize_name

# Relations of a node, mentions excluded (they live in the mentions table, not in edges), as the graph counts them.
DEGREE = "((SELECT count(*) FROM edges e WHERE e.src = n.id) + (SELECT count(*) FROM edges e WHERE e.dst = n.id))"

FIND_NODE = f"""SELECT n.id AS id, {DEGREE} AS degree FROM nodes n
WHERE n.id = :ref OR n.id IN (SELECT node_id FROM aliases WHERE norm = :norm)
ORDER BY n.id = :ref DESC, degree DESC, n.id LIMIT 1"""

# Places above a node through LOCATED_IN / PART_OF (at most 6 hops; the node itself at 0), each at its
# nearest depth: the streets and districts among them, nearest first, ties by id (helpers.ancestors).
ROLL_UP = """WITH RECURSIVE up(id, depth) AS (
  SELECT :id, 0
  UNION
  SELECT e.dst, up.depth + 1 FROM up JOIN edges e ON e.src = up.id
  WHERE up.depth < 6 AND e.predicate IN ('PART_OF', 'LOCATED_IN')
)
SELECT n.kind AS kind, n.name AS name FROM (SELECT id, min(depth) AS depth FROM up GROUP BY id) u
JOIN nodes n ON n.id = u.id
WHERE n.type = 'Area' AND n.kind IN ('subdistrict', 'district')
ORDER BY u.depth, u.id"""


def find_sql(store, ref: str) -> str:
    """A node id from an id, a name or an alias (most connected first), as the embedded `find_node`."""
    rows = store.read_sql(FIND_NODE, {"ref": ref, "norm": normalize_name(ref)})
    if not rows:
        raise QueryError(f"no entity named {ref!r}; try `govkg query search --param q={ref}`")
    return rows[0]["id"]


def roll_up_sql(store, node_id: str) -> dict:
    """The nearest street (subdistrict) and district of a node (itself included), ties by id (helpers.roll_up);
    remembered for the store's version, as the embedded graph remembers its roll-ups."""
    memo = store.query_index("roll_up", dict)
    if node_id not in memo:
        found = {"street": "", "district": ""}
        for r in store.read_sql(ROLL_UP, {"id": node_id}):
            field = "street" if r["kind"] == "subdistrict" else "district"
            if not found[field]:
                found[field] = r["name"]
        memo[node_id] = found
    return dict(memo[node_id])


def marks(count: int) -> str:
    """`?, ?, ?` for an IN list of `count` values."""
    return ", ".join("?" * count)


def read_pages(store, sql: str, args: dict, page: int) -> Iterator[dict]:
    """The rows of `sql` (ending in `LIMIT :page OFFSET :offset`) read `page` at a time, for a caller that
    stops once it has what it needs; the last page is the first shorter than `page`."""
    offset = 0
    while True:
        rows = store.read_sql(sql, args | {"page": page, "offset": offset})
        yield from rows
        if len(rows) < page:
            return
        offset += page
