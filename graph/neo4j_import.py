"""`govkg export --format neo4j-import`: node and relationship CSV files for `neo4j-admin database import full`.

The bulk path for large corpora (millions of facts): export from any store (typically the embedded
one after `govkg ingest --workers N`), then build a new Neo4j database offline from the files,
far faster than transactional writes. The files hold exactly the properties `Neo4jStore` writes
(ids, labels, names, aliases, normalized forms and their lookup entries, kinds, confidence, props, evidence entries,
mention offsets, article text, URL, date, publisher and sentence spans), so the imported database answers every query
as an ingest through Bolt would. One file per label and per relationship type; headers use the
importer's typed columns (`id:ID(GovkgNode)`, `:LABEL`, `confidence:double`, `aliases:string[]`,
`:START_ID(GovkgNode)`, `:END_ID(GovkgNode)`, `:TYPE`); arrays are `;`-separated (the importer's
default), empty fields are absent properties. `neo4j-admin-import.txt` holds the command.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

from core.names import normalize_name
from graph.base import GraphStore
from graph.cypher import ALIAS_LABEL, NODE_LABEL

ID_SPACE = NODE_LABEL
ARRAY_DELIMITER = ";"

NODE_HEADER = ["id:ID(GovkgNode)", ":LABEL", "type", "name", "norm", "kind", "confidence:double", "props_json",
               "surfaces:string[]", "norms:string[]", "aliases:string[]", "alias_text"]
ARTICLE_HEADER = ["id:ID(GovkgNode)", ":LABEL", "type", "path", "title", "name", "text", "encoding", "extractor", "ingested_at",
                  "url", "date", "publisher", "sentence_starts:int[]", "sentence_ends:int[]"]
EDGE_HEADER = [":START_ID(GovkgNode)", ":END_ID(GovkgNode)", ":TYPE", "id", "confidence:double", "props_json", "evidence:string[]",
               "kind", "year:int", "date", "partnership"]
MENTION_HEADER = [":START_ID(GovkgNode)", ":END_ID(GovkgNode)", ":TYPE", "sentence_index:int", "start:int", "end:int", "surface",
                  "confidence:double"]
MARK_HEADER = [":ID(GovkgMark)", ":LABEL", "a", "b", "verdict"]
ALIAS_HEADER = [":ID(GovkgAlias)", ":LABEL", "norm", "node"]


def _array(values) -> str:
    values = [str(v) for v in values]
    if any(ARRAY_DELIMITER in v for v in values):
        raise ValueError(f"an array value contains the delimiter {ARRAY_DELIMITER!r}: {values!r}")
    return ARRAY_DELIMITER.join(values)


def _cell(value) -> str:
    return "" if value is None else str(value)


def _writer(folder: Path, name: str, header: list[str], opened: dict):
    if name not in opened:
        f = open(folder / name, "w", newline="", encoding="utf-8")
        w = csv.writer(f)
        w.writerow(header)
        opened[name] = (f, w)
    return opened[name][1]


def write_neo4j_import(store: GraphStore, folder: Path) -> Path:
    """Write the CSV files into `folder` (created); returns the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.csv"):
        old.unlink()
    opened: dict[str, tuple] = {}
    try:
        for n in store.iter_nodes():
            surfaces = sorted({n.name, *n.aliases})
            aliases = sorted(a for a in n.aliases if a != n.name)
            _writer(folder, f"nodes_{n.type}.csv", NODE_HEADER, opened).writerow([
                n.id, f"{n.type};{NODE_LABEL}", n.type, n.name, normalize_name(n.name), _cell(n.kind), n.confidence,
                json.dumps(n.props, ensure_ascii=False, sort_keys=True), _array(surfaces),
                _array([normalize_name(s) for s in surfaces]), _array(aliases), " ".join([n.name, *aliases])])
            for norm in sorted({normalize_name(s) for s in surfaces}):
                _writer(folder, "nodes_aliases.csv", ALIAS_HEADER, opened).writerow([f"{n.id}|{norm}", ALIAS_LABEL, norm, n.id])
        for a in store.iter_articles():
            spans = store.sentences_of(a.id)
            _writer(folder, "nodes_Article.csv", ARTICLE_HEADER, opened).writerow([
                a.id, f"Article;{NODE_LABEL}", "Article", a.path, a.title, a.title, a.text, _cell(a.encoding), _cell(a.extractor),
                a.ingested_at, _cell(a.url), _cell(a.date), _cell(a.publisher), _array([s for _, s, _ in spans]), _array([e for _, _, e in spans])])
        evidence = defaultdict(list)
        for ev in store.iter_evidence():
            evidence[ev.edge_id].append(f"{ev.article_id}|{ev.sentence_index}|{ev.start}|{ev.end}|{ev.confidence}")
        for e in store.iter_edges():
            _writer(folder, f"relationships_{e.predicate}.csv", EDGE_HEADER, opened).writerow([
                e.src, e.dst, e.predicate, e.id, e.confidence, json.dumps(e.props, ensure_ascii=False, sort_keys=True),
                _array(evidence.get(e.id, [])), _cell(e.props.get("kind")), _cell(e.props.get("year")), _cell(e.props.get("date")),
                _cell(e.props.get("partnership"))])
        for m in store.iter_mentions():
            _writer(folder, "relationships_MENTIONED_IN.csv", MENTION_HEADER, opened).writerow([
                m.node_id, m.article_id, "MENTIONED_IN", m.sentence_index, m.start, m.end, m.surface, m.confidence])
        for (x, y), verdict in sorted(store.marks().items()):
            _writer(folder, "nodes_marks.csv", MARK_HEADER, opened).writerow([f"{x}|{y}", "GovkgMark", x, y, verdict])
    finally:
        for f, _ in opened.values():
            f.close()
    (folder / "neo4j-admin-import.txt").write_text(import_command(folder) + "\n", encoding="utf-8")
    return folder


def import_command(folder: Path, database: str = "neo4j") -> str:
    """The `neo4j-admin database import full` command for the files in `folder`, run from inside it
    with the Neo4j DBMS stopped (file names relative, so the folder can be moved to the server)."""
    nodes = " ".join(f"--nodes={p.name}" for p in sorted(Path(folder).glob("nodes_*.csv")))
    rels = " ".join(f"--relationships={p.name}" for p in sorted(Path(folder).glob("relationships_*.csv")))
    return (f"neo4j-admin database import full {database} --overwrite-destination=true --multiline-fields=true "
            f"--array-delimiter='{ARRAY_DELIMITER}' {nodes} {rels}").strip()


__all__ = ["import_command", "write_neo4j_import"]
