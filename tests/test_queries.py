"""Named queries on real stores: co-building, duplicates, search, paths, hierarchy, profiles."""

import pytest

from govkg.errors import QueryError
from queries import QUERIES, run_query


def rows(store, query_name, **params):
    return run_query(store, query_name, params).rows


def test_cobuild_gives_pairs_with_place_and_evidence(sample_store):
    result = rows(sample_store, "cobuild")
    pair = next(r for r in result if r["organization"] == "四川蜀味餐饮有限公司")
    assert pair["community"] == "向阳社区" and pair["partnership_kind"] == "签约"
    assert pair["street"] == "书院街街道" and pair["district"] == "锦江区"
    assert "签署" in pair["evidence"]
    via = [r for r in result if r["initiative"] == "邻里通"]
    assert via and via[0]["organization"] == "成都智汇科技有限公司"
    assert all(r["district"] == "武侯区" for r in rows(sample_store, "cobuild", district="武侯区"))
    assert {r["org_kind"] for r in rows(sample_store, "cobuild", org_kind="any")} > {"enterprise"}


def test_cobuild_on_the_real_corpus_finds_the_bookstore_partner(corpus_store):
    result = rows(corpus_store, "cobuild")
    assert any(r["organization"] == "新华文轩集团" and r["community"] == "府城社区" for r in result)


def test_duplicates_separate_same_named_initiatives_from_reports_of_one(sample_store):
    result = rows(sample_store, "duplicates")
    canteens = [r for r in result if r["initiative"] == "邻里食堂"]
    assert len(canteens) == 2 and {r["status"] for r in canteens} == {"similar_separate"}
    assert {r["district"] for r in canteens} == {"锦江区", "成华区"}
    twice = [r for r in result if r["status"] == "reported_twice"]
    assert any(r["initiative"] == "邻里通" and r["articles"] == 2 for r in twice)


def test_duplicate_marks_are_respected(tmp_path, sample_copy):
    from graph.sqlite_store import SQLiteStore
    from ingest.pipeline import Pipeline

    s = SQLiteStore(tmp_path / "g.db")
    Pipeline(s).ingest([sample_copy])
    canteens = [r["id"] for r in rows(s, "duplicates") if r["initiative"] == "邻里食堂"]
    s.set_mark(canteens[0], canteens[1], "different")
    assert not [r for r in rows(s, "duplicates") if r["initiative"] == "邻里食堂"]
    s.set_mark(canteens[0], canteens[1], "same")
    assert {r["status"] for r in rows(s, "duplicates") if r["initiative"] == "邻里食堂"} == {"marked_same"}


def test_five_line_and_five_step_methods_are_not_duplicates(corpus_store):
    names = {r["initiative"] for r in rows(corpus_store, "duplicates", min_similarity=80)}
    assert not {"五线工作法", "五步工作法"} <= names


def test_search_by_name_alias_substring_and_pinyin(sample_store):
    assert rows(sample_store, "search", q="水碾河社区")[0]["match"] == "name"
    assert rows(sample_store, "search", q="碾河")[0]["name"] == "水碾河社区"
    assert rows(sample_store, "search", q="shuinianhe")[0]["name"] == "水碾河社区"
    assert rows(sample_store, "search", q="snhsq")[0]["name"] == "水碾河社区"
    with pytest.raises(QueryError):
        rows(sample_store, "search", q="")


def test_pinyin_converted_word_by_word_is_what_pypinyin_gives_for_the_whole_name(corpus_store, wide_store):
    from pypinyin import lazy_pinyin

    from queries.helpers import pinyin_keys

    names = {a for store in (corpus_store, wide_store) for n in store.iter_nodes() for a in (n.name, *n.aliases)}
    assert len(names) > 400
    for name in sorted(names):
        whole = lazy_pinyin(name)
        assert pinyin_keys(name) == ("".join(whole).lower(), "".join(p[0] for p in whole if p).lower()), name


def test_neighbors_path_hierarchy_entity(sample_store):
    near = rows(sample_store, "neighbors", entity="水碾河社区")
    assert {"龙潭街道", "成都智汇科技有限公司", "邻里通"} <= {r["name"] for r in near}
    only_part = rows(sample_store, "neighbors", entity="水碾河社区", predicates="PART_OF")
    assert [r["name"] for r in only_part] == ["龙潭街道"]
    two = rows(sample_store, "neighbors", entity="水碾河社区", hops=2, types="Area")
    assert {"龙潭街道", "成华区"} <= {r["name"] for r in two}
    p = rows(sample_store, "path", source="成都智汇科技有限公司", target="成华区")
    assert p and p[0]["length"] == 3 and "PART_OF" in p[0]["steps"]
    tree = rows(sample_store, "hierarchy")
    chenghua = next(r for r in tree if r["area"] == "成华区")
    assert chenghua["communities"] == 2
    profile = rows(sample_store, "entity", name="水碾河社区")
    assert any(r["section"] == "mention" for r in profile)
    assert any(r["field"] == "district" and r["value"] == "成华区" for r in profile)


def test_awards_and_brokers(sample_store):
    awarded = rows(sample_store, "awards", year=2022)
    assert [(r["receiver"], r["district"]) for r in awarded] == [("向阳社区", "锦江区")]
    assert rows(sample_store, "brokers")[0]["communities"] >= 1


def test_every_query_runs_on_the_real_corpus_with_defaults(corpus_store):
    defaults = {"neighbors": {"entity": "华阳街道"}, "path": {"source": "华阳街道", "target": "温佩利市"},
                "entity": {"name": "迎晖社区"}, "search": {"q": "社区"}}
    for name in QUERIES:
        result = run_query(corpus_store, name, defaults.get(name, {}))
        assert isinstance(result.rows, list)
        for r in result.rows:
            assert set(r) == set(result.columns), name


def test_hostile_names_are_plain_parameters(sample_store):
    for hostile in ("'}) DETACH DELETE n //", '"; DROP TABLE nodes; --'):
        with pytest.raises(QueryError):
            rows(sample_store, "entity", name=hostile)
        assert rows(sample_store, "search", q=hostile) == []
    assert sample_store.stats()["articles"] == 4


def assert_cited(store, result: list[dict]) -> None:
    """Every row's `sources` are its evidence sentences, each with its article's metadata and offsets."""
    articles = {a.id: a for a in store.iter_articles()}
    assert result
    for r in result:
        sentences = [s for s in r["evidence"].split(" | ") if s]
        assert len(r["sources"]) >= len(sentences) and {s["sentence"] for s in r["sources"]} == set(sentences), r
        for s in r["sources"]:
            a = articles[s["article_id"]]
            assert a.text[s["start"]:s["end"]] == s["sentence"]
            assert (s["title"], s["date"], s["url"], s["publisher"]) == (a.title, a.date, a.url, a.publisher)
            assert s["cite"].endswith(f"#{a.id}:{s['start']}-{s['end']}") and (a.url or "") in s["cite"]


@pytest.mark.parametrize("name, params", [("awards", {}), ("cobuild", {"org_kind": "any"})])
def test_rows_with_evidence_cite_their_sources(wide_store, name, params):
    result = rows(wide_store, name, **params)
    assert_cited(wide_store, result)
    assert any(s["url"] and s["date"] and s["date"] in s["cite"] for r in result for s in r["sources"]), "the manifest reached the rows"


def test_articles_without_metadata_cite_title_and_offsets(sample_store):
    result = rows(sample_store, "duplicates")
    assert_cited(sample_store, result)
    assert all(s["url"] is None and s["date"] is None and " (" not in s["cite"] for r in result for s in r["sources"])
    assert all(len({s["sentence"] for s in r["sources"]}) <= 2 for r in result)  # duplicates show at most two sentences


def test_the_articles_query_lists_date_publisher_and_url(wide_store):
    result = rows(wide_store, "articles", limit=50)
    stored = {a.id: a for a in wide_store.iter_articles(with_text=False)}
    assert len(result) == len(stored) == 12
    assert all((r["date"], r["publisher"], r["url"]) == (stored[r["id"]].date, stored[r["id"]].publisher, stored[r["id"]].url)
               for r in result)
    assert all(r["url"].startswith("http") for r in result)


def plain_neighbors(g, start, hops, types=None, predicates=None, min_confidence=0.0, limit=200):
    """The neighbourhood as first specified: every relation of every frontier node, in (predicate, other)
    order with outgoing before incoming, filtered, the whole BFS run, then cut to `limit` rows."""
    rows, seen, frontier = [], {start}, [start]
    for depth in range(1, hops + 1):
        nxt = []
        for n in frontier:
            rels = [(v, k, d, "out") for _, v, k, d in g.out_edges(n, keys=True, data=True)] + \
                   [(u, k, d, "in") for u, _, k, d in g.in_edges(n, keys=True, data=True)]
            for o, k, d, direction in sorted(rels, key=lambda x: (x[2]["predicate"], x[0], x[3] != "out", x[1])):
                if o in seen or d["predicate"] == "MENTIONED_IN" or d["confidence"] < min_confidence:
                    continue
                if (predicates and d["predicate"] not in predicates) or (types and g.nodes[o]["type"] not in types):
                    continue
                seen.add(o)
                nxt.append(o)
                rows.append((o, d["predicate"], direction, n, depth, k))
        frontier = nxt
    return rows[:limit]


def test_bounded_neighbors_give_the_rows_of_the_whole_bfs(wide_store):
    """neighbors caps each node's relations at what `limit` can still use and stops at `limit` rows:
    the same rows as the plain breadth-first search over every relation, on the wide set's hubs."""
    from collections import Counter

    from graph.traversal import graph_of

    g = graph_of(wide_store)
    degree = Counter(n for u, v, d in g.edges(data=True) if d["predicate"] != "MENTIONED_IN" for n in (u, v))
    hubs = [n for n, _ in degree.most_common(6)]
    assert degree[hubs[0]] >= 10, "the wide set has a hub to cut"
    cut = 0
    for hub in hubs:
        for params in ({"hops": 1}, {"hops": 2, "limit": 5}, {"hops": 3, "limit": 1}, {"hops": 3, "limit": 40},
                       {"hops": 2, "types": "Community,Organization", "min_confidence": 0.6},
                       {"hops": 3, "predicates": "LOCATED_IN,PART_OF,RUNS", "limit": 12}):
            got = [(r["id"], r["predicate"], r["direction"], r["via_id"], r["hops"], r["edge_id"])
                   for r in rows(wide_store, "neighbors", entity=hub, **params)]
            filters = {k: set(v.split(",")) if k in ("types", "predicates") else v for k, v in params.items()}
            full = plain_neighbors(g, hub, **(filters | {"limit": 10**9}))
            assert got == full[:params.get("limit", 200)], (hub, params)
            cut += len(full) > len(got)
    assert cut, "some case is cut by its limit"
