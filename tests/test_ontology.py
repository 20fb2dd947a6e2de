"""The ontology file is the single source of truth for types, kinds and relations."""

import re
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import OWL, RDF

from govkg.errors import OntologyError
from ontology import ONTOLOGY
from ontology.schema import TTL_PATH

REPO = Path(__file__).resolve().parents[1]


def test_turtle_parses_and_declares_every_node_type():
    g = Graph().parse(TTL_PATH, format="turtle")
    classes = {str(c).rsplit("#", 1)[-1] for c in g.subjects(RDF.type, OWL.Class)}
    assert {"Area", "Community", "Organization", "Initiative", "Award", "Partnership", "Article"} <= classes


def test_relations_and_kinds_come_from_the_file():
    assert set(ONTOLOGY.predicates) == {
        "PART_OF", "LOCATED_IN", "RUNS", "SUPPORTS", "COOPERATES_WITH", "PARTY_TO", "AFFILIATED_WITH", "AWARDED", "MENTIONED_IN"}
    assert ONTOLOGY.relations["COOPERATES_WITH"].symmetric
    assert not ONTOLOGY.relations["RUNS"].symmetric
    assert "Initiative" in ONTOLOGY.relations["RUNS"].targets
    assert set(ONTOLOGY.kinds["Organization"]) == {
        "government", "party", "enterprise", "social_org", "public_institution", "self_governance", "foundation", "international"}
    assert ONTOLOGY.kinds["Award"] == ()
    assert ONTOLOGY.entity_types == ("Area", "Community", "Organization", "Initiative", "Award")


def test_public_vocabulary_alignment_is_stated():
    text = TTL_PATH.read_text(encoding="utf-8")
    for vocab in ("http://www.w3.org/ns/org#", "http://www.w3.org/ns/prov#", "http://www.w3.org/2004/02/skos/core#"):
        assert vocab in text
    assert "org:subOrganizationOf" in text and "prov:Entity" in text


def test_checks_reject_unknown_names():
    with pytest.raises(OntologyError):
        ONTOLOGY.check_type("Person")
    with pytest.raises(OntologyError):
        ONTOLOGY.check_kind("Organization", "church")
    with pytest.raises(OntologyError):
        ONTOLOGY.check_relation("RUNS", "Award", "Initiative")
    assert ONTOLOGY.check_relation("PART_OF", "Community", "Area").name == "PART_OF"


def test_code_uses_no_relation_name_outside_the_ontology():
    used = set()
    for path in list((REPO / "ingest").glob("*.py")) + list((REPO / "queries").glob("*.py")) + list((REPO / "graph").glob("*.py")):
        used |= set(re.findall(r'"([A-Z]+(?:_[A-Z]+)+|RUNS|SUPPORTS|AWARDED)"', path.read_text(encoding="utf-8")))
    used = {u for u in used if not u.startswith(("GOVKG_", "NEO4J_"))}  # environment variable names
    assert used, "no relation names found: the scan is broken"
    assert used <= set(ONTOLOGY.predicates), used - set(ONTOLOGY.predicates)
