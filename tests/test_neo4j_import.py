"""`govkg export --format neo4j-import`: the files neo4j-admin reads, loaded into the live test server.

neo4j-admin is not published on Maven Central, so the test loads the files with LOAD CSV, reading
the importer's typed headers (name:type, :ID, :LABEL, :START_ID, :END_ID, :TYPE, `;` arrays) the
way `neo4j-admin database import full` does, then compares the database with a direct ingest.
"""

from __future__ import annotations

import csv
import subprocess
import sys

import pytest

from conftest import REPO
from graph.factory import open_store
from graph.neo4j_import import import_command
from ingest.pipeline import Pipeline

CONVERT = {"double": "toFloat({v})", "int": "toInteger({v})", "long": "toInteger({v})", "string": "{v}",
           "string[]": "split({v}, ';')", "int[]": "[x IN split({v}, ';') | toInteger(x)]"}


def _value(column: str) -> tuple[str, str]:
    name, _, typ = column.partition(":")
    return name, CONVERT[typ or "string"]


def load_statement(header: list[str], url: str) -> str:
    """A LOAD CSV statement equivalent to the importer for one file (empty fields: no property)."""
    props, start = [], None
    is_rel = ":TYPE" in header
    for i, column in enumerate(header):
        cell = f"row[{i}]"
        if column.startswith(":LABEL") or column.startswith(":TYPE"):
            continue
        if column.startswith(":START_ID") or column.startswith(":END_ID") or column.startswith(":ID"):
            continue
        name, conv = _value(column.replace(":ID(GovkgNode)", ""))
        props.append(f"{name}: CASE WHEN {cell} IS NULL OR {cell} = '' THEN null ELSE {conv.format(v=cell)} END")
    body = ", ".join(props)
    if is_rel:
        s, e, t = header.index(":START_ID(GovkgNode)"), header.index(":END_ID(GovkgNode)"), header.index(":TYPE")
        return (f"LOAD CSV FROM '{url}' AS row WITH row SKIP 1 "
                f"MATCH (s:GovkgNode {{id: row[{s}]}}) MATCH (d:GovkgNode {{id: row[{e}]}}) "
                f"CALL (s, d, row) {{ CREATE (s)-[r:$(row[{t}])]->(d) SET r = {{{body}}} }}")
    label = header.index(":LABEL")
    start = next(i for i, c in enumerate(header) if ":ID" in c)
    idprop = "" if header[start].startswith(":ID") else f"id: row[{start}], "
    return (f"LOAD CSV FROM '{url}' AS row WITH row SKIP 1 "
            f"CREATE (n:$(split(row[{label}], ';'))) SET n = {{{idprop}{body}}}")


@pytest.mark.neo4j
def test_bulk_import_files_load_into_neo4j_as_a_direct_ingest(neo4j_server, corpus_dir, sample_copy, tmp_path):
    from test_store_contract import canonical

    uri, import_dir = neo4j_server
    if import_dir is None:
        pytest.skip("NEO4J_URI is set without NEO4J_IMPORT_DIR (the folder that server's LOAD CSV reads)")
    store = open_store(uri)
    store.clear()
    Pipeline(store).ingest([corpus_dir, sample_copy])
    store.set_mark(*sorted(n.id for n in store.iter_nodes("Initiative"))[:2], "different")
    direct = canonical(store)
    assert direct["nodes"] and direct["edges"] and direct["mentions"] and direct["marks"]

    out = import_dir / "bulk"
    proc = subprocess.run([sys.executable, "-m", "govkg.cli", "--store", uri, "export", "--format", "neo4j-import", "--out", str(out)],
                          capture_output=True, text=True, cwd=REPO, timeout=300)
    assert proc.returncode == 0, proc.stderr[-500:]
    files = sorted(p.name for p in out.glob("*.csv"))
    assert "nodes_Community.csv" in files and "relationships_MENTIONED_IN.csv" in files and "nodes_Article.csv" in files
    headers = {}
    for name in files:
        with open(out / name, encoding="utf-8", newline="") as f:
            headers[name] = next(csv.reader(f))
    assert headers["nodes_Community.csv"][:2] == ["id:ID(GovkgNode)", ":LABEL"]
    assert headers["relationships_RUNS.csv"][:3] == [":START_ID(GovkgNode)", ":END_ID(GovkgNode)", ":TYPE"]
    command = (out / "neo4j-admin-import.txt").read_text(encoding="utf-8")
    assert command.startswith("neo4j-admin database import full") and "--nodes=" in command and "--relationships=" in command
    assert command.strip() == import_command(out)

    store.clear()
    assert store.stats()["articles"] == 0
    with store.driver.session() as session:
        for name in [n for n in files if n.startswith("nodes_")] + [n for n in files if n.startswith("relationships_")]:
            session.run(load_statement(headers[name], f"file:///bulk/{name}")).consume()
    store.close()
    loaded = open_store(uri)  # a fresh connection: schema, then read everything back
    assert canonical(loaded) == direct
    loaded.clear()
    loaded.close()
