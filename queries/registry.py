"""The registry of named queries. Each query is one module (queries/<name>.py) that owns its spec,
its embedded implementation (networkx over the SQLite store), its Cypher and its result shaping,
and registers itself here by name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from govkg.errors import QueryError


@dataclass(frozen=True)
class Param:
    """A query parameter with its type and default."""

    name: str
    type: type
    default: object = None
    help: str = ""

    def parse(self, raw: object) -> object:
        """Convert a CLI/URL string to the parameter's type."""
        if raw is None or isinstance(raw, self.type):
            return raw
        try:
            if self.type is bool:
                return str(raw).lower() in ("1", "true", "yes", "y")
            return self.type(raw)
        except (TypeError, ValueError) as exc:
            raise QueryError(f"parameter {self.name} must be {self.type.__name__}, got {raw!r}") from exc


@dataclass(frozen=True)
class QuerySpec:
    """A named traversal query."""

    name: str
    description: str
    columns: tuple[str, ...]
    params: tuple[Param, ...]
    embedded: Callable[..., list[dict]]  # embedded(store, **params) on the store's cached graph
    cypher: Callable[..., list[dict]]  # cypher(store, params) on a CypherStore (graph.base)
    statements: Callable[[], list[tuple[str, str, dict]]]  # (id, Cypher, example params) it sends, for the linter and --cypher
    ordered: bool = True  # rows come in a defined order (False: compare them as a multiset)

    def bind(self, raw: dict) -> dict:
        """Check names, parse types and fill defaults."""
        known = {p.name: p for p in self.params}
        unknown = set(raw) - set(known)
        if unknown:
            raise QueryError(f"query {self.name} has no parameter {', '.join(sorted(unknown))}; it takes {', '.join(known) or 'none'}")
        return {name: p.parse(raw.get(name, p.default)) for name, p in known.items()}


QUERIES: dict[str, QuerySpec] = {}


def register(spec: QuerySpec) -> QuerySpec:
    """Add a query to the registry."""
    QUERIES[spec.name] = spec
    return spec


def get_query(name: str) -> QuerySpec:
    """A query by name, or a QueryError listing the names."""
    try:
        return QUERIES[name]
    except KeyError:
        raise QueryError(f"no query named {name!r}; choose one of {', '.join(sorted(QUERIES))}") from None
