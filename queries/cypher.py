"""The Cypher shared by the named queries (node lookup, street/district roll-up), and the views of
every query's Cypher that the CLI (`govkg query NAME --cypher`) and the linter test read.

Each named query owns its Cypher in its own module (queries/cobuild.py, queries/path.py, …);
the statements below are derived from those modules through the registry.
"""

from __future__ import annotations

from core.errors import QueryError
from core.names import normalize_name

N = "GovkgNode"


def roll_up_cypher(var: str, carry: str) -> str:
    """Cypher lines adding `street` and `district`: the nearest Area of that kind (ties by id); one
    shortest path per candidate area, as the embedded store's breadth-first search."""
    return f"""OPTIONAL MATCH ps = ANY SHORTEST ({var})-[:PART_OF|LOCATED_IN]->{{0,6}}(st:Area {{kind: 'subdistrict'}})
WITH {carry}, st ORDER BY length(ps), st.id
WITH {carry}, head(collect(st.name)) AS street
OPTIONAL MATCH pd = ANY SHORTEST ({var})-[:PART_OF|LOCATED_IN]->{{0,6}}(di:Area {{kind: 'district'}})
WITH {carry}, street, di ORDER BY length(pd), di.id
WITH {carry}, street, head(collect(di.name)) AS district"""


def roll_up_call(var: str) -> str:
    """A subquery adding `street` and `district` of one bound node, as `roll_up_cypher`, meant for the
    rows a query returns (after its LIMIT), so the shortest-path searches run once per returned row."""
    return f"""CALL ({var}) {{
  OPTIONAL MATCH ps = ANY SHORTEST ({var})-[:PART_OF|LOCATED_IN]->{{0,6}}(st:Area {{kind: 'subdistrict'}})
  WITH st ORDER BY length(ps), st.id
  RETURN coalesce(head(collect(st.name)), '') AS street
}}
CALL ({var}) {{
  OPTIONAL MATCH pd = ANY SHORTEST ({var})-[:PART_OF|LOCATED_IN]->{{0,6}}(di:Area {{kind: 'district'}})
  WITH di ORDER BY length(pd), di.id
  RETURN coalesce(head(collect(di.name)), '') AS district
}}"""


FIND_NODE = f"""CALL () {{
  MATCH (n:{N} {{id: $ref}}) RETURN n
  UNION
  MATCH (a:GovkgAlias {{norm: $norm}})
  MATCH (n:{N} {{id: a.node}}) RETURN n
}}
WITH n WHERE n.type <> 'Article'
RETURN n.id AS id, COUNT {{ (n)-[r]-() WHERE type(r) <> 'MENTIONED_IN' }} AS degree
ORDER BY CASE WHEN n.id = $ref THEN 0 ELSE 1 END, degree DESC, id LIMIT 1"""


def find_cypher(store, ref: str) -> str:
    """A node id from an id, a name or an alias (most connected first), as the embedded `find_node`."""
    rows = store.read_cypher(FIND_NODE, ref=ref, norm=normalize_name(ref))
    if not rows:
        raise QueryError(f"no entity named {ref!r}; try `govkg query search --param q={ref}`")
    return rows[0]["id"]


def statements() -> list[tuple[str, str, dict]]:
    """(name, Cypher, example parameters) of every statement the named queries send, from their modules."""
    from queries.registry import QUERIES

    out: dict[str, tuple[str, str, dict]] = {}
    for spec in QUERIES.values():
        for name, text, params in spec.statements():
            out.setdefault(name, (name, text, params))
    return list(out.values())


def cypher_text(name: str) -> str:
    """The Cypher statements a named query sends (for `govkg query NAME --cypher`)."""
    from queries.registry import get_query

    return ";\n\n".join(text for _, text, _ in get_query(name).statements()) + ";"
