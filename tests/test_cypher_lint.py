"""Every Cypher statement govkg can send, checked by Neo4j's own linter (lintCypherQuery)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from core.errors import OntologyError
from graph import cypher as store_cypher
from ontology import ONTOLOGY
from queries import QUERIES
from queries import cypher as query_cypher

LINT_DIR = Path(__file__).with_name("cypher_lint")
PROPERTY_KEYS = [
    "id", "type", "name", "norm", "norms", "node", "surfaces", "kind", "confidence", "props_json", "aliases", "alias_text", "evidence", "year",
    "date", "partnership", "start", "end", "sentence_index", "surface", "path", "title", "text", "encoding", "extractor",
    "ingested_at", "url", "publisher", "sentence_starts", "sentence_ends", "a", "b", "verdict", "note", "marked_at", "key", "value",
]


@pytest.fixture(scope="module")
def lint():
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.skip("Node.js/npm not installed: Neo4j's Cypher linter (@neo4j-cypher/language-support) cannot run")
    if not (LINT_DIR / "node_modules" / "@neo4j-cypher" / "language-support").is_dir():
        proc = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--silent"], cwd=LINT_DIR, capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            pytest.skip(f"could not install @neo4j-cypher/language-support from npm: {proc.stderr[-300:]}")
    schema = {
        "labels": [*ONTOLOGY.node_types, store_cypher.NODE_LABEL, store_cypher.MARK_LABEL, store_cypher.META_LABEL, store_cypher.ALIAS_LABEL],
        "relationshipTypes": list(ONTOLOGY.predicates),
        "propertyKeys": PROPERTY_KEYS,
    }

    def run(statements):
        keys = set(PROPERTY_KEYS)
        for _, _, params in statements:  # map keys of UNWIND rows are read like properties
            for value in params.values():
                for row in value if isinstance(value, list) else []:
                    if isinstance(row, dict):
                        keys |= set(row)
        schema["propertyKeys"] = sorted(keys)
        payload = {"schema": schema, "statements": [{"id": n, "query": q, "parameters": p} for n, q, p in statements]}
        proc = subprocess.run([node, "lint.mjs"], cwd=LINT_DIR, input=json.dumps(payload), capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        return {r["id"]: r["diagnostics"] for r in json.loads(proc.stdout)}

    return run


def test_the_linter_catches_mistakes(lint):
    """Guard against a linter that silently passes everything."""
    found = lint([("typo", "MATCH (n:Comunity {id: $nid}) RETRUN n", {"id": "x"})])["typo"]
    messages = " ".join(d["message"] for d in found)
    assert "Comunity" in messages and "$nid" in messages and any(d["severity"] == 1 for d in found)


def test_every_store_statement_passes_the_linter(lint):
    statements = store_cypher.all_statements()
    assert len(statements) > 40
    results = lint(statements)
    problems = {k: v for k, v in results.items() if v}
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


def test_every_query_statement_passes_the_linter(lint):
    statements = query_cypher.statements()  # derived from each query module through the registry
    for name, spec in QUERIES.items():
        assert spec.statements() and callable(spec.cypher), f"query {name} has no Cypher"
        assert {s[0] for s in spec.statements()} <= {s[0] for s in statements}, name
    results = lint(statements)
    problems = {k: v for k, v in results.items() if v}
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


def test_hostile_values_never_reach_the_cypher_text():
    hostile = "'}) DETACH DELETE n //"
    for name, statement, _ in store_cypher.all_statements() + query_cypher.statements():
        assert hostile not in statement, name
        assert "DETACH DELETE" not in statement or name.startswith("clear:"), name
    with pytest.raises(OntologyError, match="Community"):
        store_cypher.merge_nodes("Community) DETACH DELETE (n")
    with pytest.raises(ValueError):
        store_cypher.create_edges("RUNS]->() DETACH DELETE n //")
