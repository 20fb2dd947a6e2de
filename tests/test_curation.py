"""Corrections that last (graph/curation.py): reject, merge, rename and split on the real articles of
../shared (corpus and wide set), applied at once, kept through re-ingest, ``--workers``, a fresh store
fed the same articles, migrate and export, and undone; on the embedded store and a live Neo4j.

The corrected entities are chosen from the ingested graph (the most connected community, a
co-building fact the cobuild query lists, ...), so the tests follow the extractor as it changes."""

from __future__ import annotations

import csv
import json
import sqlite3

import networkx as nx
import pytest
from rdflib import RDF, Graph, Literal
from rdflib.namespace import DCTERMS, PROV

from conftest import CORPUS, WIDE, need_shared
from govkg.cli import main
from graph.curation import Curation, CurationError, candidates, curate, undo
from graph.export import export
from graph.migrate import migrate
from graph.sqlite_store import SCHEMA_VERSION, SQLiteStore
from ingest.pipeline import Pipeline
from ingest.resolve import normalize_name
from ontology.schema import GOVKG
from queries import run_query


def paths() -> list:
    need_shared()
    if not WIDE.is_dir():
        pytest.skip(f"wide articles not found at {WIDE}")
    return [CORPUS, WIDE]


def unique(store, node) -> bool:
    """The node's name picks it alone (what a name-keyed correction needs)."""
    found = candidates(store, node.name, node.type)
    return bool(found) and found[0].id == node.id and sum(normalize_name(n.name) == normalize_name(node.name) for n in found) == 1


def articles_of(store, node_id: str) -> list[str]:
    return sorted({m.article_id for m in store.mentions_of(node_id)})


def choose(store) -> dict[str, Curation]:
    """One correction of each kind, picked from what the extractor found in the articles."""
    nodes = {n.id: n for n in store.iter_nodes()}
    degree = {nid: len(store.edges_of([nid])) for nid in nodes}
    cobuild = run_query(store, "cobuild", {"org_kind": "any"}).rows
    pairs = [(r["organization"], r["community"]) for r in cobuild]

    def direct(r) -> bool:  # a COOPERATES_WITH fact, the only row of its pair, of names that pick one node each
        orgs, coms = candidates(store, r["organization"], "Organization"), candidates(store, r["community"], "Community")
        return (not r["initiative"] and pairs.count((r["organization"], r["community"])) == 1 and orgs and coms
                and unique(store, orgs[0]) and unique(store, coms[0]))

    row = next(r for r in cobuild if direct(r))
    reject = Curation("reject", row["organization"], "Organization", "COOPERATES_WITH", row["community"], note="not a co-building")
    communities = sorted((n for n in nodes.values() if n.type == "Community" and unique(store, n) and n.name not in (row["community"],)),
                         key=lambda n: (-degree[n.id], n.id))
    renamed = communities[0]
    rename = Curation("rename", renamed.name, "Community", target=f"{renamed.name}（更正）")
    # two organizations of different articles, each with relations: the merge joins what two articles said
    orgs = sorted((n for n in nodes.values() if n.type == "Organization" and degree[n.id] and unique(store, n)
                   and n.name != row["organization"]), key=lambda n: n.id)
    src = orgs[0]
    dst = next(n for n in orgs[1:] if not set(articles_of(store, n.id)) & set(articles_of(store, src.id)))
    merge = Curation("merge", src.name, target=dst.name)
    # an entity mentioned in several articles, split off in one of them (the one with its relations)
    taken = {renamed.id, src.id, dst.id}
    multi = sorted((n for n in nodes.values() if n.type not in ("Area", "Partnership") and n.id not in taken and unique(store, n)
                    and len(articles_of(store, n.id)) >= 2 and degree[n.id]), key=lambda n: (-degree[n.id], n.id))
    whole = multi[0]
    with_facts = sorted({ev.article_id for e in store.edges_of([whole.id]) for ev in store.evidence_of(e.id)})
    split = Curation("split", whole.name, target=f"{whole.name}（另一处）", articles=(with_facts[0] if with_facts else articles_of(store, whole.id)[0],))
    return {"reject": reject, "rename": rename, "merge": merge, "split": split}


def facts(store) -> dict:
    """What the graph says, by names (ids left out): nodes, relations with their evidence, mentions."""
    names = {n.id: (n.type, n.name) for n in store.iter_nodes()}
    return {
        "nodes": sorted(names.values()),
        "edges": sorted((names[e.src], e.predicate, names[e.dst], e.confidence,
                         tuple(sorted((ev.article_id, ev.sentence_index, ev.start, ev.end) for ev in store.evidence_of(e.id))))
                        for e in store.iter_edges()),
        "mentions": sorted((names[m.node_id], m.article_id, m.start, m.end) for m in store.iter_mentions()),
    }


def neighbors(store, name: str) -> list[tuple]:
    return sorted((r["predicate"], r["name"]) for r in run_query(store, "neighbors", {"entity": name}).rows)


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    """The articles ingested, no correction (what every correction is checked against)."""
    store = SQLiteStore(tmp_path_factory.mktemp("plain") / "graph.db")
    Pipeline(store).ingest(paths())
    yield store
    store.close()


@pytest.fixture(scope="module")
def chosen(plain) -> dict[str, Curation]:
    return choose(plain)


@pytest.fixture(scope="module")
def curated(tmp_path_factory, plain, chosen):
    """The same articles ingested, then the four corrections made (the reference of the other tests)."""
    store = SQLiteStore(tmp_path_factory.mktemp("curated") / "graph.db")
    Pipeline(store).ingest(paths())
    for c in chosen.values():
        curate(store, c)
    yield store
    store.close()


@pytest.fixture(params=["sqlite", "neo4j"])
def empty_store(request, tmp_path):
    """An empty store of each kind (Neo4j: the live test server, emptied before and after)."""
    if request.param == "sqlite":
        store = SQLiteStore(tmp_path / "graph.db")
        yield store
        store.close()
        return
    store = request.getfixturevalue("neo4j_empty")
    yield store


def test_each_correction_changes_the_graph_at_once_and_queries_follow(empty_store, plain, chosen, curated):
    store = empty_store
    Pipeline(store).ingest(paths())
    assert facts(store) == facts(plain)
    reject, rename, merge, split = chosen["reject"], chosen["rename"], chosen["merge"], chosen["split"]

    before = store.version()
    curate(store, reject)
    assert store.version() != before  # caches keyed by the version rebuild
    cobuild = {(r["organization"], r["community"]) for r in run_query(store, "cobuild", {"org_kind": "any"}).rows}
    assert (reject.subject, reject.object) not in cobuild
    assert ("COOPERATES_WITH", reject.object) not in neighbors(store, reject.subject)
    assert ("COOPERATES_WITH", reject.object) in neighbors(plain, reject.subject)

    curate(store, rename)
    assert neighbors(store, rename.target) == neighbors(plain, rename.subject)
    profile = {r["field"]: r["value"] for r in run_query(store, "entity", {"name": rename.subject}).rows if r["section"] == "profile"}
    assert profile["name"] == rename.target and rename.subject in profile["aliases"]  # the old name still finds it

    src, dst = candidates(plain, merge.subject)[0], candidates(plain, merge.target)[0]
    curate(store, merge)
    assert [n.id for n in candidates(store, merge.subject)] == [dst.id]
    merged = store.get_node(dst.id)
    assert merged.name == dst.name and src.name in merged.aliases
    assert {(m.article_id, m.start) for m in store.mentions_of(dst.id)} == \
        {(m.article_id, m.start) for m in plain.mentions_of(src.id) + plain.mentions_of(dst.id)}
    want = {(p, n) for p, n in neighbors(plain, merge.subject) + neighbors(plain, merge.target) if n not in (merge.subject, merge.target)}
    assert set(neighbors(store, merge.target)) >= want

    whole = candidates(plain, split.subject)[0]
    curate(store, split)
    new = next(n for n in candidates(store, split.target) if n.name == split.target)
    assert {m.article_id for m in store.mentions_of(new.id)} == set(split.articles)
    assert set(split.articles).isdisjoint({m.article_id for m in store.mentions_of(whole.id)})
    assert len(store.mentions_of(new.id)) + len(store.mentions_of(whole.id)) == len(plain.mentions_of(whole.id))

    assert facts(store) == facts(curated)  # both stores make the same corrections
    assert sorted(c.key for c in store.curations()) == sorted(c.key for c in curated.curations())


def test_curations_made_before_the_articles_arrive_shape_them(empty_store, curated, chosen):
    """A fresh store given the records first (as an import or a migrate gives them), then the articles:
    the same graph as correcting after ingest; re-ingest changes nothing."""
    store = empty_store
    for c in curated.curations():
        store.add_curation(c)
    Pipeline(store).ingest(paths())
    assert facts(store) == facts(curated)
    report = Pipeline(store).ingest(paths())
    assert not report.added and facts(store) == facts(curated)
    rename = chosen["rename"]
    assert neighbors(store, rename.target) == neighbors(curated, rename.target)


def test_workers_follow_the_corrections(tmp_path, curated):
    store = SQLiteStore(tmp_path / "graph.db")
    for c in curated.curations():
        store.add_curation(c)
    Pipeline(store).ingest(paths(), workers=2)
    assert facts(store) == facts(curated)
    store.close()


def test_same_correction_twice_is_one_record(curated, chosen):
    n, version = len(curated.curations()), curated.version()
    again = curate(curated, Curation("rename", chosen["rename"].subject, "Community", target=chosen["rename"].target, note="again"))
    assert len(curated.curations()) == n and again.note == "" and curated.version() == version


def test_migrate_keeps_the_records_and_later_articles_follow_them(empty_store, curated, chosen, tmp_path):
    store = empty_store
    counts = migrate(curated, store)
    assert counts["curations"] == 4
    assert sorted(store.curations(), key=lambda c: c.key) == sorted(curated.curations(), key=lambda c: c.key)
    assert facts(store) == facts(curated)
    Pipeline(store).ingest(paths())  # every article is there: nothing changes
    assert facts(store) == facts(curated)


def test_exports_show_what_was_curated_and_when(curated, chosen, tmp_path):
    records = {c.action: c for c in curated.curations()}
    folder = export(curated, "csv", tmp_path / "csv")
    with open(folder / "curations.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {r["key"]: r["action"] for r in rows} == {c.key: c.action for c in records.values()}
    assert all(r["created_at"] for r in rows)
    with open(folder / "nodes.csv", encoding="utf-8") as f:
        nodes = {r["name"]: r for r in csv.DictReader(f)}
    assert nodes[chosen["rename"].target]["curation"] == records["rename"].key
    assert nodes[chosen["rename"].target]["curated_at"] == records["rename"].created_at
    assert nodes[chosen["merge"].target]["curation"] == records["merge"].key
    plain_nodes = [r for r in nodes.values() if not r["curation"]]
    assert plain_nodes and all(not r["curated_at"] for r in plain_nodes)

    g = Graph().parse(export(curated, "ttl", tmp_path / "g.ttl"), format="turtle")
    activities = set(g.subjects(RDF.type, PROV.Activity))
    assert len(activities) == 4
    reject = next(a for a in activities if str(g.value(a, DCTERMS.identifier)) == records["reject"].key)
    fact = next(g.subjects(PROV.wasInvalidatedBy, reject))
    assert g.value(fact, RDF.predicate) == GOVKG.COOPERATES_WITH
    assert (fact, RDF.type, RDF.Statement) in g and str(g.value(reject, PROV.atTime)) == records["reject"].created_at
    renamed = next(s for s in g.subjects(None, Literal(chosen["rename"].target, lang="zh")))
    assert any(str(g.value(a, PROV.atTime)) == records["rename"].created_at for a in g.objects(renamed, PROV.wasInfluencedBy))

    graphml = nx.read_graphml(export(curated, "graphml", tmp_path / "g.graphml"))
    shaped = {d["name"]: d for _, d in graphml.nodes(data=True) if d.get("curated")}
    assert {chosen["rename"].target, chosen["merge"].target, chosen["split"].target} <= set(shaped)
    assert shaped[chosen["rename"].target]["curated_at"] == records["rename"].created_at


def test_undo_restores_what_the_record_kept(tmp_path, plain, chosen):
    store = SQLiteStore(tmp_path / "graph.db")
    Pipeline(store).ingest(paths())
    made = {a: curate(store, c) for a, c in chosen.items()}

    _, what = undo(store, made["reject"].key)
    assert "restored" in what
    assert ("COOPERATES_WITH", chosen["reject"].object) in neighbors(store, chosen["reject"].subject)
    _, what = undo(store, made["rename"].key[:8])  # a unique prefix of the key
    assert store.get_node(candidates(plain, chosen["rename"].subject)[0].id).name == chosen["rename"].subject
    _, what = undo(store, made["split"].key)
    whole = candidates(plain, chosen["split"].subject)[0]
    assert {(m.article_id, m.start, m.end) for m in store.mentions_of(whole.id)} == \
        {(m.article_id, m.start, m.end) for m in plain.mentions_of(whole.id)}
    _, what = undo(store, made["merge"].key)
    assert "fresh store" in what  # a merge is not separated in place
    assert store.curations() == []
    merged = {n.type: n for n in candidates(store, chosen["merge"].subject)}
    assert len(merged) == 1  # still one node, as undo says
    # with every record undone, a fresh store fed the articles is the uncorrected graph again
    fresh = SQLiteStore(tmp_path / "fresh.db")
    Pipeline(fresh).ingest(paths())
    assert facts(fresh) == facts(plain)
    with pytest.raises(CurationError, match="no curation"):
        undo(store, made["reject"].key)
    store.close()
    fresh.close()


def test_refused_corrections_name_the_problem(plain, chosen):
    with pytest.raises(CurationError, match="close names"):
        curate(plain, Curation("rename", chosen["rename"].subject[:-1] + "X", target="某某"))
    with pytest.raises(CurationError, match="unknown predicate"):
        curate(plain, Curation("reject", chosen["reject"].subject, predicate="COOPERATE", object=chosen["reject"].object))
    with pytest.raises(CurationError, match="no RUNS relation"):
        curate(plain, Curation("reject", chosen["reject"].subject, predicate="RUNS", object=chosen["rename"].subject))
    with pytest.raises(CurationError, match="one type"):
        curate(plain, Curation("merge", chosen["rename"].subject, target=chosen["merge"].target))
    assert plain.curations() == []


def test_cli_curate(tmp_path, plain, chosen, capsys):
    db = tmp_path / "graph.db"
    con = sqlite3.connect(plain.path)
    con.execute(f"VACUUM INTO '{db}'")
    con.close()
    rename = chosen["rename"]
    assert main(["--store", str(db), "curate", "rename", rename.subject, "--to", rename.target]) == 0
    out = capsys.readouterr().out
    assert out.startswith("curated c_") and rename.target in out
    assert main(["curate", "rename", rename.subject, "--to", rename.target, "--store", str(db)]) == 0
    assert capsys.readouterr().out.startswith("already curated")
    assert main(["--store", str(db), "curate", "merge", rename.subject[:-1], "--into", chosen["merge"].target]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "close names" in err
    # a community renamed to an organization's name: that name now names two entities, --type picks one
    org = chosen["merge"].target
    assert main(["--store", str(db), "curate", "rename", rename.target, "--to", org, "--type", "Community"]) == 0
    second = capsys.readouterr().out.split()[1].rstrip(":")
    assert main(["--store", str(db), "curate", "rename", org, "--to", "某某"]) == 1
    err = capsys.readouterr().err
    assert "pass --type" in err and "Community" in err and "Organization" in err
    assert main(["--store", str(db), "curate", "undo", second]) == 0
    capsys.readouterr()
    assert main(["--store", str(db), "curate", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [c["action"] for c in listed] == ["rename"]
    (tmp_path / "c.json").write_text(json.dumps(listed), encoding="utf-8")
    assert main(["--store", str(db), "curate", "list"]) == 0
    table = capsys.readouterr().out
    assert listed[0]["key"] in table and "rename" in table
    assert main(["--store", str(db), "curate", "undo", listed[0]["key"]]) == 0
    assert "restored" in capsys.readouterr().out
    assert main(["--store", str(db), "curate", "undo", listed[0]["key"]]) == 1
    capsys.readouterr()
    # the records of one store, imported into another: applied to what it holds
    assert main(["--store", str(db), "curate", "import", str(tmp_path / "c.json")]) == 0
    assert "1 changed" in capsys.readouterr().out
    assert SQLiteStore(db, read_only=True).nodes_by_alias([normalize_name(rename.target)])[0].name == rename.target
    assert main(["--store", str(tmp_path / "nothing.db"), "curate", "list"]) == 2  # no such store: nothing made


def test_a_version_2_store_gains_the_curations_table(tmp_path, plain):
    db = tmp_path / "graph.db"
    con = sqlite3.connect(plain.path)
    con.execute(f"VACUUM INTO '{db}'")
    con.close()
    con = sqlite3.connect(db)
    con.execute("DROP TABLE curations")
    con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    assert SQLiteStore(db, read_only=True).curations() == []  # read as it is
    store = SQLiteStore(db)
    assert store._query("SELECT value FROM meta WHERE key = 'schema_version'")[0][0] == str(SCHEMA_VERSION)
    assert facts(store) == facts(plain)
    store.add_curation(Curation("rename", "甲社区", target="乙社区", created_at="2026-01-01T00:00:00"))
    assert [c.describe() for c in store.curations()] == ["rename 甲社区 to 乙社区"]
    store.close()


def test_python_api_curates(tmp_path, plain, chosen):
    import govkg

    db = tmp_path / "graph.db"
    con = sqlite3.connect(plain.path)
    con.execute(f"VACUUM INTO '{db}'")
    con.close()
    split, reject = chosen["split"], chosen["reject"]
    article = next(a for a in plain.iter_articles(with_text=False) if a.id == split.articles[0])
    with govkg.open(db) as kg:
        made = kg.curate_split(split.subject, split.target, [article.path.split("/")[-1]])  # a file name will do
        assert made.articles == split.articles and made.key == split.key
        assert kg.query("entity", name=split.target).rows
        rejected = kg.curate_reject(reject.subject, reject.predicate, reject.object, subject_type="Organization", note="checked")
        assert [c.key for c in kg.curations()] == [made.key, rejected.key]  # oldest first
        assert "restored" in kg.curate_undo(rejected.key)
        with pytest.raises(CurationError, match="not stored"):
            kg.curate_split(split.subject, split.target, ["no-such-article.txt"])
