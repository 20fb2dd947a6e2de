"""SHACL shapes for exported graphs, generated from the ontology (`python -m ontology.shapes` rewrites shapes.ttl)."""

from __future__ import annotations

from ontology.schema import ONTOLOGY, SHAPES_PATH

HEADER = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix govkg: <https://govkg.org/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

# SHACL shapes for graphs written by `govkg export`. Generated from govkg.ttl by
# `python -m ontology.shapes`; a test fails when this file and the ontology disagree.
"""


def shapes_ttl() -> str:
    """The Turtle text of the shapes."""
    out = [HEADER]
    for node_type in ONTOLOGY.node_types:
        props = []
        if node_type == "Article":
            props.append("sh:property [ sh:path dcterms:title ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype xsd:string ]")
        else:
            props.append("sh:property [ sh:path skos:prefLabel ; sh:minCount 1 ; sh:maxCount 1 ]")
            kinds = ONTOLOGY.kinds.get(node_type, ())
            if kinds:
                values = " ".join(f'"{k}"' for k in kinds)
                props.append(f"sh:property [ sh:path govkg:kind ; sh:maxCount 1 ; sh:in ( {values} ) ]")
            props.append("sh:property [ sh:path govkg:confidence ; sh:maxCount 1 ; sh:datatype xsd:decimal ; "
                         "sh:minInclusive 0 ; sh:maxInclusive 1 ]")
        for name, spec in ONTOLOGY.relations.items():
            if node_type in spec.sources and name != "MENTIONED_IN":
                targets = " ".join(f"[ sh:class govkg:{t} ]" for t in sorted(spec.targets))
                props.append(f"sh:property [ sh:path govkg:{name} ; sh:or ( {targets} ) ]")
        if node_type != "Article":
            props.append("sh:property [ sh:path govkg:MENTIONED_IN ; sh:class govkg:Article ]")
        body = " ;\n    ".join(props)
        out.append(f"govkg:{node_type}Shape a sh:NodeShape ;\n    sh:targetClass govkg:{node_type} ;\n    {body} .\n")
    out.append("""govkg:EvidenceShape a sh:NodeShape ;
    sh:targetClass govkg:Evidence ;
    sh:property [ sh:path prov:wasDerivedFrom ; sh:minCount 1 ; sh:class govkg:Article ] ;
    sh:property [ sh:path govkg:startOffset ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype xsd:integer ; sh:minInclusive 0 ] ;
    sh:property [ sh:path govkg:endOffset ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype xsd:integer ] ;
    sh:property [ sh:path govkg:sentence ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype xsd:string ] .
""")
    return "\n".join(out)


if __name__ == "__main__":
    SHAPES_PATH.write_text(shapes_ttl(), encoding="utf-8")
    print(f"wrote {SHAPES_PATH}")
