"""Export with the ontology's IRIs, validated against the shipped SHACL shapes."""

import csv
import json

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from graph.export import export, to_rdf, validate
from ontology.schema import ENTITY_BASE, GOVKG, SHAPES_PATH
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


def test_every_format_carries_article_url_date_and_publisher(wide_store, tmp_path):
    articles = [a for a in wide_store.iter_articles(with_text=False)]
    assert sum(bool(a.url) for a in articles) == len(articles) and any(a.date for a in articles)
    g = Graph().parse(export(wide_store, "ttl", tmp_path / "g.ttl"), format="turtle")
    assert validate(g)[0]
    for a in articles:
        art = URIRef(ENTITY_BASE + a.id)
        assert URIRef(a.url) in set(g.objects(art, DCTERMS.source))
        assert str(g.value(art, DCTERMS.publisher)) == a.publisher
        date = g.value(art, DCTERMS.date)
        assert (str(date) if date is not None else None) == a.date
        if a.date and len(a.date) == 10:
            assert str(date.datatype) == "http://www.w3.org/2001/XMLSchema#date"
    jsonld = Graph().parse(export(wide_store, "jsonld", tmp_path / "g.jsonld"), format="json-ld")
    assert set(jsonld.triples((None, DCTERMS.publisher, None))) == set(g.triples((None, DCTERMS.publisher, None)))
    rows = {r["id"]: r for r in csv.DictReader(open(export(wide_store, "csv", tmp_path / "csv") / "articles.csv", encoding="utf-8"))}
    assert {i: (r["url"], r["date"] or None, r["publisher"]) for i, r in rows.items()} == {
        a.id: (a.url, a.date, a.publisher) for a in articles}
    graphml = nx.read_graphml(export(wide_store, "graphml", tmp_path / "g.graphml"))
    props = json.loads(graphml.nodes[articles[0].id]["props"])
    assert (props["url"], props.get("date"), props["publisher"]) == (articles[0].url, articles[0].date, articles[0].publisher)
