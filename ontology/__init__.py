"""The govkg ontology (OWL/Turtle) and its Python view."""

from ontology.schema import ONTOLOGY, Ontology, RelationSpec

__all__ = ["ONTOLOGY", "Ontology", "RelationSpec"]
