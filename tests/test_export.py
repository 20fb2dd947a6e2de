"""Export with the ontology's IRIs, validated against the shipped SHACL shapes."""

import csv

import networkx as nx
from rdflib import Graph, Literal
from rdflib.namespace import RDF, SKOS

from graph.export import export, to_rdf, validate
from ontology.schema import GOVKG, SHAPES_PATH
from ontology.shapes import shapes_ttl


def test_shapes_file_is_generated_from_the_ontology():
    assert SHAPES_PATH.read_text(encoding="utf-8") == shapes_ttl(), "run `python -m ontology.shapes`"


def test_rdf_export_of_the_real_corpus_conforms_to_the_shapes(corpus_store):
    g = to_rdf(corpus_store)
    conforms, report = validate(g)
    assert conforms, report[:2000]
    assert (None, RDF.type, GOVKG.Community) in g
    assert any(o == Literal("迎晖社区", lang="zh") for o in g.objects(None, SKOS.prefLabel))
    evidence = list(g.subjects(RDF.type, GOVKG.Evidence))
    assert evidence and all(g.value(e, GOVKG.sentence) for e in evidence)


def test_a_broken_graph_does_not_conform(corpus_store):
    g = to_rdf(corpus_store)
    community = next(g.subjects(RDF.type, GOVKG.Community))
    g.add((community, GOVKG.kind, Literal("castle")))
    g.add((community, GOVKG.PART_OF, next(g.subjects(RDF.type, GOVKG.Award))))
    conforms, report = validate(g)
    assert not conforms and "castle" in report


def test_every_format_round_trips(sample_store, tmp_path):
    ttl = export(sample_store, "ttl", tmp_path / "g.ttl")
    assert len(Graph().parse(ttl, format="turtle")) == len(to_rdf(sample_store))
    jsonld = export(sample_store, "jsonld", tmp_path / "g.jsonld")
    assert len(Graph().parse(jsonld, format="json-ld")) > 100
    graphml = export(sample_store, "graphml", tmp_path / "g.graphml")
    assert nx.read_graphml(graphml).number_of_nodes() >= sum(sample_store.stats()["nodes"].values())
    folder = export(sample_store, "csv", tmp_path / "csv")
    nodes = list(csv.DictReader(open(folder / "nodes.csv", encoding="utf-8")))
    assert len(nodes) == sum(sample_store.stats()["nodes"].values())
    evidence = list(csv.DictReader(open(folder / "evidence.csv", encoding="utf-8")))
    assert evidence and all(row["sentence"] for row in evidence)
