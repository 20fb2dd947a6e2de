"""The bottom layer every govkg package imports: errors (core.errors) and name normalization (core.names).
It imports nothing of govkg. The layers, lowest first: core, ontology, graph, ingest, queries, then govkg
(CLI and Python API) and app.py; a package never imports one above it (tests/test_layering.py)."""
