"""govkg: a knowledge graph of Chinese community-governance entities and their relationships.

The Python API is :func:`govkg.open` (see :mod:`govkg.api`)::

    import govkg

    with govkg.open("govkg-data/graph.db") as kg:
        kg.ingest(["articles/"])
        rows = kg.query("cobuild", district="成华区").rows
"""

__version__ = "0.1.0"

from govkg.api import IngestSummary, KnowledgeGraph, QueryInfo, list_queries, open  # noqa: E402,A004 - the documented entry point

__all__ = ["IngestSummary", "KnowledgeGraph", "QueryInfo", "list_queries", "open", "__version__"]
