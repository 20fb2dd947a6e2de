"""A read-only Python view of `govkg.ttl`: node types, kinds and relations.

Nothing else in govkg lists type or relation names by hand; it asks this view.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, SKOS

from core.errors import OntologyError

GOVKG = Namespace("https://govkg.org/ontology#")
ENTITY_BASE = "https://govkg.org/id/"
TTL_PATH = Path(__file__).with_name("govkg.ttl")
SHAPES_PATH = Path(__file__).with_name("shapes.ttl")


@dataclass(frozen=True)
class RelationSpec:
    """A relation of the ontology with the node types allowed at each end."""

    name: str
    sources: frozenset[str]
    targets: frozenset[str]
    symmetric: bool
    label_zh: str


def _local(uri: object) -> str:
    return str(uri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


class Ontology:
    """Types, kinds and relations read from the Turtle file with rdflib."""

    def __init__(self, path: Path = TTL_PATH):
        self.path = path
        self.graph = Graph()
        try:
            self.graph.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises many parser exception types
            raise OntologyError(f"cannot parse ontology {path}: {exc}; restore it from git") from exc

    @cached_property
    def node_types(self) -> tuple[str, ...]:
        """All node classes (Area … Article), excluding helper classes such as Evidence."""
        names = []
        for cls in self.graph.subjects(RDF.type, OWL.Class):
            name = _local(cls)
            if name != "Evidence":
                names.append(name)
        return tuple(sorted(names, key=_TYPE_ORDER.index))

    @cached_property
    def entity_types(self) -> tuple[str, ...]:
        """The node types extracted from text (Area, Community, Organization, Initiative, Award)."""
        return tuple(t for t in self.node_types if (GOVKG[t], GOVKG.extracted, Literal(True)) in self.graph)

    @cached_property
    def kinds(self) -> dict[str, tuple[str, ...]]:
        """Allowed `kind` values per node type (empty tuple when the type has none)."""
        out: dict[str, tuple[str, ...]] = {}
        for t in self.node_types:
            scheme = self.graph.value(GOVKG[t], GOVKG.kindScheme)
            if scheme is None:
                out[t] = ()
                continue
            concepts = self.graph.subjects(SKOS.inScheme, scheme)
            out[t] = tuple(sorted(str(self.graph.value(c, SKOS.notation)) for c in concepts))
        return out

    @cached_property
    def relations(self) -> dict[str, RelationSpec]:
        """Every relation name with its allowed source and target types."""
        specs = {}
        for prop in self.graph.subjects(RDF.type, OWL.ObjectProperty):
            name = _local(prop)
            specs[name] = RelationSpec(
                name=name,
                sources=frozenset(_local(o) for o in self.graph.objects(prop, GOVKG["from"])),
                targets=frozenset(_local(o) for o in self.graph.objects(prop, GOVKG.to)),
                symmetric=(prop, RDF.type, OWL.SymmetricProperty) in self.graph,
                label_zh=str(self.graph.value(prop, SKOS.prefLabel) or name),
            )
        return dict(sorted(specs.items()))

    @property
    def predicates(self) -> tuple[str, ...]:
        """Relation names in a stable order."""
        return tuple(self.relations)

    def check_type(self, node_type: str) -> str:
        """Return `node_type` if the ontology defines it, else raise OntologyError."""
        if node_type not in self.node_types:
            raise OntologyError(f"unknown node type {node_type!r}; use one of {', '.join(self.node_types)}")
        return node_type

    def check_kind(self, node_type: str, kind: str | None) -> str | None:
        """Return `kind` if allowed for `node_type`; types without kinds always get None."""
        allowed = self.kinds.get(node_type, ())
        if kind is None or not allowed:
            return None
        if kind not in allowed:
            raise OntologyError(f"unknown kind {kind!r} for {node_type}; use one of {', '.join(allowed)}")
        return kind

    def check_relation(self, predicate: str, source_type: str, target_type: str) -> RelationSpec:
        """Return the spec of `predicate` if its ends are of allowed types, else raise OntologyError."""
        spec = self.relations.get(predicate)
        if spec is None:
            raise OntologyError(f"unknown relation {predicate!r}; use one of {', '.join(self.relations)}")
        if source_type not in spec.sources or target_type not in spec.targets:
            raise OntologyError(f"{predicate} cannot link {source_type} → {target_type}")
        return spec

    def type_iri(self, node_type: str) -> URIRef:
        """The IRI of a node type."""
        return GOVKG[self.check_type(node_type)]

    def relation_iri(self, predicate: str) -> URIRef:
        """The IRI of a relation."""
        if predicate not in self.relations:
            raise OntologyError(f"unknown relation {predicate!r}")
        return GOVKG[predicate]


_TYPE_ORDER = ["Area", "Community", "Organization", "Initiative", "Award", "Partnership", "Article"]

ONTOLOGY = Ontology()
