"""Export a store as RDF (Turtle, JSON-LD) with the ontology's IRIs, GraphML, CSV or neo4j-admin import files; SHACL validation."""

from __future__ import annotations

import csv
import json
import re
from decimal import Decimal
from pathlib import Path

import networkx as nx
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS, XSD

from core.errors import GovkgError
from graph.base import GraphStore
from graph.curation import candidates, curated_nodes
from graph.traversal import graph_of
from ontology.schema import ENTITY_BASE, GOVKG, SHAPES_PATH

ID = Namespace(ENTITY_BASE)
FORMATS = ("ttl", "jsonld", "graphml", "csv", "neo4j-import")


def _decimal(value: float) -> Literal:
    return Literal(Decimal(str(round(float(value), 3))), datatype=XSD.decimal)


def to_rdf(store: GraphStore) -> Graph:
    """The whole graph as RDF: typed nodes with SKOS labels, relations, PROV evidence and mentions."""
    g = Graph()
    g.bind("govkg", GOVKG)
    g.bind("id", ID)
    g.bind("skos", SKOS)
    g.bind("prov", PROV)
    g.bind("dcterms", DCTERMS)
    for a in store.iter_articles(with_text=False):
        art = ID[a.id]
        g.add((art, RDF.type, GOVKG.Article))
        g.add((art, DCTERMS.title, Literal(a.title)))
        g.add((art, DCTERMS.source, Literal(a.path)))
        _add_article_meta(g, art, a)
    for n in store.iter_nodes():
        node = ID[n.id]
        g.add((node, RDF.type, GOVKG[n.type]))
        g.add((node, SKOS.prefLabel, Literal(n.name, lang="zh")))
        for alias in n.aliases:
            g.add((node, SKOS.altLabel, Literal(alias, lang="zh")))
        if n.kind:
            g.add((node, GOVKG.kind, Literal(n.kind)))
        g.add((node, GOVKG.confidence, _decimal(n.confidence)))
        if n.props.get("date"):
            g.add((node, GOVKG.date, Literal(n.props["date"])))
    texts = {}
    for e in store.iter_edges():
        s, p, o = ID[e.src], GOVKG[e.predicate], ID[e.dst]
        g.add((s, p, o))
        statement = ID[e.id]
        g.add((statement, RDF.type, RDF.Statement))
        g.add((statement, RDF.subject, s))
        g.add((statement, RDF.predicate, p))
        g.add((statement, RDF.object, o))
        g.add((statement, GOVKG.confidence, _decimal(e.confidence)))
        if e.props.get("year"):
            g.add((statement, GOVKG.year, Literal(str(e.props["year"]), datatype=XSD.gYear)))
        for ev in store.evidence_of(e.id):
            # a stable IRI per evidence row (edge, article, sentence): the same export from every store
            node = ID[f"{e.id}/evidence/{ev.article_id}/{ev.sentence_index}"]
            g.add((statement, PROV.wasDerivedFrom, node))
            g.add((node, RDF.type, GOVKG.Evidence))
            g.add((node, PROV.wasDerivedFrom, ID[ev.article_id]))
            g.add((node, GOVKG.startOffset, Literal(ev.start, datatype=XSD.integer)))
            g.add((node, GOVKG.endOffset, Literal(ev.end, datatype=XSD.integer)))
            key = (ev.article_id, ev.start, ev.end)
            if key not in texts:
                texts[key] = store.sentence_text(*key)
            g.add((node, GOVKG.sentence, Literal(texts[key])))
    for m in store.iter_mentions():
        g.add((ID[m.node_id], GOVKG.MENTIONED_IN, ID[m.article_id]))
    _add_curations(g, store)
    return g


def _add_curations(g: Graph, store: GraphStore) -> None:
    """Each curation as a prov:Activity (dcterms:description, prov:atTime); the nodes it shaped are
    prov:wasInfluencedBy it, a rejected fact is an rdf:Statement prov:wasInvalidatedBy it."""
    shaped: dict[str, list[str]] = {}
    for node_id, (_, key) in curated_nodes(store).items():
        shaped.setdefault(key, []).append(node_id)
    for c in store.curations():
        act = ID[f"curation/{c.key}"]
        g.add((act, RDF.type, PROV.Activity))
        g.add((act, DCTERMS.identifier, Literal(c.key)))
        g.add((act, DCTERMS.type, Literal(c.action)))
        g.add((act, DCTERMS.description, Literal(c.describe(), lang="zh")))
        if c.created_at:
            g.add((act, PROV.atTime, Literal(c.created_at, datatype=XSD.dateTime)))
        if c.note:
            g.add((act, SKOS.note, Literal(c.note)))
        for node_id in shaped.get(c.key, []):
            g.add((ID[node_id], PROV.wasInfluencedBy, act))
        if c.action == "reject":
            fact = ID[f"curation/{c.key}/fact"]
            g.add((fact, RDF.type, RDF.Statement))
            g.add((fact, RDF.predicate, GOVKG[c.predicate or ""]))
            for role, name, node_type in ((RDF.subject, c.subject, c.subject_type), (RDF.object, c.object, None)):
                found = candidates(store, name or "", node_type)
                g.add((fact, role, ID[found[0].id] if len(found) == 1 else Literal(name, lang="zh")))
            g.add((fact, PROV.wasInvalidatedBy, act))


def _add_article_meta(g: Graph, art, a) -> None:
    """Where the article was published: dcterms:source <url> (beside the file path), dcterms:date typed
    xsd:date / xsd:gYearMonth / xsd:gYear by its precision, dcterms:publisher as text; absent when unknown."""
    if a.url:
        valid = re.match(r'https?://[^\s<>"{}|\\^`]+$', a.url)
        g.add((art, DCTERMS.source, URIRef(a.url) if valid else Literal(a.url, datatype=XSD.anyURI)))
    if a.date:
        kind = {10: XSD.date, 7: XSD.gYearMonth, 4: XSD.gYear}.get(len(a.date), XSD.string)
        g.add((art, DCTERMS.date, Literal(a.date, datatype=kind)))
    if a.publisher:
        g.add((art, DCTERMS.publisher, Literal(a.publisher)))


def validate(graph: Graph) -> tuple[bool, str]:
    """Validate an exported RDF graph against the shipped SHACL shapes (pyshacl)."""
    try:
        from pyshacl import validate as shacl_validate
    except ImportError as exc:
        raise GovkgError("SHACL validation needs pyshacl: pip install pyshacl") from exc
    shapes = Graph().parse(SHAPES_PATH, format="turtle")
    ontology = Graph().parse(Path(SHAPES_PATH).with_name("govkg.ttl"), format="turtle")
    conforms, _, text = shacl_validate(graph, shacl_graph=shapes, ont_graph=ontology, inference="none")
    return bool(conforms), text


def to_graphml(store: GraphStore, path: Path) -> None:
    """GraphML with scalar attributes (aliases joined, props as JSON; `curated`, `curated_at` and the
    `curation` key on the nodes a curation shaped)."""
    g = graph_of(store)
    curated = curated_nodes(store)
    out = nx.MultiDiGraph()
    for n, d in g.nodes(data=True):
        when, key = curated.get(n, ("", ""))
        out.add_node(n, type=d["type"], kind=d["kind"] or "", name=d["name"], aliases="|".join(d["aliases"]),
                     confidence=float(d["confidence"]), props=json.dumps(d["props"], ensure_ascii=False),
                     curated=bool(key), curated_at=when, curation=key)
    for u, v, k, d in g.edges(keys=True, data=True):
        out.add_edge(u, v, key=k, predicate=d["predicate"], confidence=float(d["confidence"]), props=json.dumps(d["props"], ensure_ascii=False))
    nx.write_graphml(out, path)


def to_csv(store: GraphStore, folder: Path) -> None:
    """articles.csv (with URL, date, publisher), nodes.csv (with `curated_at` and the `curation` key of the
    nodes a curation shaped), edges.csv, evidence.csv, mentions.csv and curations.csv in a folder."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "articles.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "path", "title", "url", "date", "publisher", "characters", "ingested_at"])
        for a in store.iter_articles(with_text=False):
            w.writerow([a.id, a.path, a.title, a.url or "", a.date or "", a.publisher or "", a.characters, a.ingested_at])
    with open(folder / "nodes.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "type", "kind", "name", "aliases", "confidence", "curated_at", "curation"])
        curated = curated_nodes(store)
        for n in store.iter_nodes():
            when, key = curated.get(n.id, ("", ""))
            w.writerow([n.id, n.type, n.kind or "", n.name, "|".join(n.aliases), n.confidence, when, key])
    with open(folder / "edges.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "src", "predicate", "dst", "confidence", "props"])
        for e in store.iter_edges():
            w.writerow([e.id, e.src, e.predicate, e.dst, e.confidence, json.dumps(e.props, ensure_ascii=False)])
    with open(folder / "evidence.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["edge_id", "article_id", "sentence_index", "start", "end", "sentence"])
        for ev in store.iter_evidence():
            w.writerow([ev.edge_id, ev.article_id, ev.sentence_index, ev.start, ev.end, store.sentence_text(ev.article_id, ev.start, ev.end)])
    with open(folder / "mentions.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["node_id", "article_id", "sentence_index", "start", "end", "surface"])
        for m in store.iter_mentions():
            w.writerow([m.node_id, m.article_id, m.sentence_index, m.start, m.end, m.surface])
    with open(folder / "curations.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["key", "action", "subject", "subject_type", "predicate", "object", "target", "articles", "created_at", "note", "description"])
        for c in store.curations():
            w.writerow([c.key, c.action, c.subject, c.subject_type or "", c.predicate or "", c.object or "", c.target or "",
                        "|".join(c.articles), c.created_at, c.note, c.describe()])


def export(store: GraphStore, fmt: str, out: Path) -> Path:
    """Write the store to `out` in one of FORMATS; returns the path written."""
    if fmt not in FORMATS:
        raise GovkgError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "csv":
        to_csv(store, out)
    elif fmt == "neo4j-import":
        from graph.neo4j_import import write_neo4j_import

        write_neo4j_import(store, out)
    elif fmt == "graphml":
        to_graphml(store, out)
    else:
        to_rdf(store).serialize(destination=str(out), format="turtle" if fmt == "ttl" else "json-ld")
    return out
