"""Graph stores behind one Protocol: the embedded SQLite+networkx store and Neo4j."""

from graph.base import GraphStore
from graph.factory import open_store

__all__ = ["GraphStore", "open_store"]
