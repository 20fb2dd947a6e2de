"""The registry of named queries. Each query is one module (queries/<name>.py) that owns its spec,
its embedded implementation (networkx over the SQLite store), its Cypher and its result shaping,
and registers itself here by name."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from core.errors import QueryError


@dataclass(frozen=True)
class Param:
    """A query parameter with its type, default and the values it accepts.

    `parse` is the one validation every caller shares (CLI `--param`, the Python API, the
    explorer): numbers are converted and range-checked, names are checked against `choices`
    (read lazily, e.g. from the ontology); a bad value is a one-line QueryError."""

    name: str
    type: type
    default: object = None
    help: str = ""
    minimum: float | None = None  # numbers: smallest allowed value
    maximum: float | None = None  # numbers: largest allowed value
    choices: Callable[[], Iterable[str]] | None = None  # names: the allowed values (None: free text)
    what: str = "value"  # what a choice is, for messages: "Organization kind", "relation"…
    extra: tuple[str, ...] = ()  # allowed besides the choices (e.g. 'any')
    many: bool = False  # a comma-separated list of choices (a Python list or tuple is accepted too)

    def parse(self, raw: object) -> object:
        """Convert a CLI/URL string (or a Python value) to the parameter's type and check it."""
        if raw is None:
            return None
        value = self._convert(raw)
        if self.choices is not None:
            return self._choose(value)
        if isinstance(value, (int, float)):
            self._check_range(value)
        return value

    def _convert(self, raw: object) -> object:
        if self.many and isinstance(raw, (list, tuple, set, frozenset)):
            raw = ",".join(str(x) for x in raw)
        if self.type is bool:
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in ("1", "true", "yes", "y", "on"):
                return True
            if text in ("0", "false", "no", "n", "off", ""):
                return False
            raise QueryError(f"parameter {self.name} must be true or false, got {raw!r}")
        if self.type in (int, float):
            kind = "int (a whole number)" if self.type is int else "float (a number)"
            if isinstance(raw, bool):
                raise QueryError(f"parameter {self.name} must be {kind}, got {raw!r}")
            try:
                if self.type is int and isinstance(raw, float):
                    if not raw.is_integer():
                        raise ValueError(raw)
                    return int(raw)
                convert: Callable[[Any], Any] = self.type
                value = convert(raw.strip() if isinstance(raw, str) else raw)
            except (TypeError, ValueError, OverflowError):
                raise QueryError(f"parameter {self.name} must be {kind}, got {raw!r}") from None
            if isinstance(value, float) and not math.isfinite(value):
                raise QueryError(f"parameter {self.name} must be a finite number, got {raw!r}")
            return value
        if isinstance(raw, self.type):
            return raw
        try:
            return self.type(raw)
        except (TypeError, ValueError) as exc:
            raise QueryError(f"parameter {self.name} must be {self.type.__name__}, got {raw!r}") from exc

    def _check_range(self, value: float) -> None:
        low, high = self.minimum, self.maximum
        if (low is None or value >= low) and (high is None or value <= high):
            return
        if low is not None and high is not None:
            bounds = f"between {low:g} and {high:g}"
        else:
            bounds = f">= {low:g}" if low is not None else f"<= {high:g}"
        raise QueryError(f"parameter {self.name} must be {bounds}, got {value!r}")

    def _choose(self, value: object) -> str | None:
        assert self.choices is not None  # parse() calls it only then
        allowed = tuple(self.choices()) + self.extra
        items = [x.strip() for x in str(value).split(",")] if self.many else [str(value).strip()]
        items = [x for x in items if x]
        if not items:  # an empty value means "no filter", as an absent one does
            return None
        for item in items:
            if item not in allowed:
                listed = ", ".join(self.choices()) + (", or " + ", ".join(self.extra) if self.extra else "")
                raise QueryError(f"parameter {self.name}: {item!r} is not {_article(self.what)} {self.what}; use "
                                 + ("one or more of " if self.many else "one of ") + listed
                                 + (" (comma-separated)" if self.many else ""))
        return ",".join(items)

    def describe(self) -> str:
        """`name=default` with what it accepts, for `govkg queries` and the API's listing."""
        text = f"{self.name}={self.default!r}"
        if self.choices is not None:
            text += f" ({'comma-separated ' if self.many else ''}{self.what}{'s' if self.many else ''}"
            text += f"{', or ' + ', '.join(self.extra) if self.extra else ''})"
        elif self.minimum is not None or self.maximum is not None:
            low, high, kind = self.minimum, self.maximum, self.type.__name__
            if low is not None and high is not None:
                text += f" ({kind} {low:g}..{high:g})"
            else:
                text += f" ({kind} >= {low:g})" if low is not None else f" ({kind} <= {high:g})"
        return text


def _article(what: str) -> str:
    return "an" if what[:1].lower() in "aeiou" else "a"


def ontology_kinds(node_type: str) -> Callable[[], tuple[str, ...]]:
    """Choices: the kinds the ontology allows for `node_type` (read when a value is checked)."""
    return lambda: _ontology().kinds[node_type]


def ontology_node_types() -> tuple[str, ...]:
    """Choices: node types a query can return (every ontology type but Article)."""
    return tuple(t for t in _ontology().node_types if t != "Article")


def ontology_relations() -> tuple[str, ...]:
    """Choices: relation names between entities (every ontology relation but MENTIONED_IN)."""
    return tuple(p for p in _ontology().predicates if p != "MENTIONED_IN")


def _ontology():
    from ontology import ONTOLOGY

    return ONTOLOGY


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
    sql: Callable[..., list[dict]] | None = None  # sql(store, params) on a SQLStore's tables (graph.base); None: `embedded`

    def bind(self, raw: dict) -> dict:
        """Check names, parse and validate values, fill defaults (a number given as None takes its default)."""
        known = {p.name: p for p in self.params}
        unknown = set(raw) - set(known)
        if unknown:
            raise QueryError(f"query {self.name} has no parameter {', '.join(sorted(map(str, unknown)))}; "
                             f"it takes {', '.join(known) or 'none'}")
        out = {}
        for name, p in known.items():
            value = raw.get(name, p.default)
            out[name] = p.parse(p.default if value is None and p.type in (int, float) else value)
        return out


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
