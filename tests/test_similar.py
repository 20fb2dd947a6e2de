"""`similar`: initiatives that do the same kind of thing under different names (queries/similar.py,
queries/similarity.py), and its measured floor on labelled pairs (bench/similar.py)."""

from __future__ import annotations

import csv
import json
from collections import Counter

import pytest

from bench import similar as bench
from conftest import SHARED, need_shared
from govkg.errors import QueryError
from queries import run_query
from queries.similar import kind_marks, kind_pair
from queries.similarity import (
    BUCKET_CAP,
    WINDOW,
    Context,
    Item,
    SimilarityIndex,
    build_profiles,
    head_of,
)


def rows(store, **params):
    return run_query(store, "similar", params).rows


# ---------------------------------------------------------------- scoring (pure)
def test_head_noun_skips_kind_words_and_keeps_the_modifier_of_a_generic_head():
    assert head_of("微更新项目") == "更新" and head_of("共享食堂") == "食堂" and head_of("长者食堂") == "食堂"
    assert head_of("麓湖邻里中心") == "邻里中心" and head_of("矛调中心") == "矛调中心"
    assert head_of("站") == "站"


def test_masking_blanks_every_mention_of_the_sentence():
    c = Context("a", 0, 10, "向阳社区打造邻里食堂。", (("n_c", 10, 14), ("n_i", 16, 20)))
    masked = c.masked()
    assert "向阳" not in masked and "邻里" not in masked and "打造" in masked and len(masked) == len(c.text)


def _index(specs: list[tuple[str, str, str, list[str]]]) -> SimilarityIndex:
    """Profiles from (id, name, kind, sentences); each sentence is its own context in article `a<id>`."""
    items, contexts = [], []
    for node, name, kind, sentences in specs:
        items.append(Item(node, name, kind, name))
        for k, text in enumerate(sentences):
            start = text.find(name)
            contexts.append(Context(f"a{node}", k, 0, text, ((node, start, start + len(name)),) if start >= 0 else ((node, 0, 0),)))
    return SimilarityIndex(build_profiles(items, contexts))


CANTEENS = [
    ("1", "长者食堂", "space", ["社区开设长者食堂，为老年人提供助餐服务。"]),
    ("2", "寻味食堂", "space", ["寻味食堂为辖区老人提供助餐服务和送餐上门。"]),
    ("3", "邻里食堂", "space", ["邻里食堂开业，居民在家门口吃上热饭。"]),
    ("4", "时间银行", "service", ["时间银行记录志愿者服务时长，可兑换服务。"]),
    ("5", "红星广场", "space", ["红星广场举办文艺演出。"]),
]


def test_canteens_of_different_names_cluster_and_say_why():
    index = _index(CANTEENS)
    clusters = index.clusters(0.45, {})
    assert len(clusters) == 1
    members, best = clusters[0]
    assert {index.profiles[i].item.name for i in members} == {"长者食堂", "寻味食堂", "邻里食堂"} and best >= 0.45
    assert "食堂" in index.shared_terms(members)


def test_marks_join_and_separate():
    index = _index(CANTEENS)
    apart = {("1", "2"): "different", ("2", "3"): "different", ("1", "3"): "different"}
    assert index.clusters(0.45, apart) == []
    joined = index.clusters(0.45, {("4", "5"): "same"})
    assert any({index.profiles[i].item.id for i in m} == {"4", "5"} for m, _ in joined)


def test_a_list_sentence_alone_does_not_make_two_things_alike():
    text = "社区建成了红枫书屋和青松诊所，居民纷纷点赞。"
    index = _index([("1", "红枫书屋", "space", [text]), ("2", "青松诊所", "space", [text])])
    # both profiles read the same sentence: without it neither has context, and the names share nothing
    index2 = SimilarityIndex(build_profiles(
        [Item("1", "红枫书屋", "space", "红枫书屋"), Item("2", "青松诊所", "space", "青松诊所")],
        [Context("a", 0, 0, text, (("1", 5, 9), ("2", 10, 14)))]))
    assert index2.score(0, 1) < 0.2 and index.clusters(0.45, {}) == [] and index2.clusters(0.45, {}) == []


def test_candidates_stay_bounded_on_a_large_bucket_and_clusters_stay_whole():
    n = BUCKET_CAP * 6
    syllables = "安宝碧长朝城春翠丹东芳枫福府光桂海禾和红华槐欢吉佳嘉锦景静菊康兰蓝乐莲林柳龙茂梅民明南宁平浦"
    items = [Item(f"n{i:04d}", syllables[i % 40] + syllables[i // 40] + "长者食堂", "space",
                  syllables[i % 40] + syllables[i // 40] + "长者食堂") for i in range(n)]
    index = SimilarityIndex(build_profiles(items, []))
    keys = max(len(index._keys(i)) for i in range(n))
    assert len(index.pairs) <= n * WINDOW * keys < n * (n - 1) // 2
    clusters = index.clusters(0.45, {})
    assert [len(m) for m, _ in clusters] == [n]


def _greedy(index: SimilarityIndex, threshold: float, marks: dict) -> list[tuple[list[int], float]]:
    """The clusters by definition: every link ≥ threshold (and every "same" mark) strongest first, a join
    skipped when it would put a pair marked different together."""
    at = {p.item.id: i for i, p in enumerate(index.profiles)}
    links = [x for x in index.pairs if x[0] >= threshold]
    links += [(1.0, at[a], at[b]) for (a, b), v in marks.items() if v == "same"]
    apart = {(at[a], at[b]) for (a, b), v in marks.items() if v == "different"}
    groups = {i: {i} for i in range(len(index.profiles))}
    root, best = list(range(len(index.profiles))), {}
    for s, i, j in sorted(links, key=lambda x: (-x[0], x[1], x[2])):
        ri, rj = root[i], root[j]
        if ri == rj or any((a, b) in apart or (b, a) in apart for a in groups[ri] for b in groups[rj]):
            continue
        for m in groups[rj]:
            root[m] = ri
        groups[ri] |= groups.pop(rj)
        best[ri] = max(best.get(ri, 0.0), best.pop(rj, 0.0), s)
    return [(sorted(m), best[r]) for r, m in groups.items() if len(m) > 1]


def test_clusters_are_those_of_all_links_strongest_first_whatever_the_marks():
    syllables = "安宝碧长朝城春翠丹东芳枫福府光桂海禾和红华"
    heads = ["长者食堂", "邻里食堂", "微更新项目", "微更新", "议事会", "时间银行", "书屋", "诊所"]
    names = [syllables[i % 20] + syllables[(i * 7) % 20] + heads[i % len(heads)] for i in range(160)]
    index = SimilarityIndex(build_profiles([Item(f"n{i:03d}", x, "space", x) for i, x in enumerate(names)], []))
    ids = [p.item.id for p in index.profiles]
    in_cluster = [i for m, _ in index.clusters(0.45, {}) for i in m]
    assert len(index.forest) < len(index.pairs) and len(in_cluster) > 60
    marked = {}
    for k in range(0, 40, 3):  # pairs inside clusters marked different, others marked same
        a, b = sorted((ids[in_cluster[k]], ids[in_cluster[k + 1]]))
        marked[(a, b)] = "different"
        a, b = sorted((ids[in_cluster[k + 2]], ids[(in_cluster[k + 2] + 3) % len(ids)]))
        marked.setdefault((a, b), "same")
    for threshold in (0.3, 0.45, 0.6, 0.8):
        for marks in ({}, {p: v for p, v in marked.items() if v == "same"}, marked):
            assert index.clusters(threshold, marks) == _greedy(index, threshold, marks), (threshold, len(marks))
    assert index.clusters(0.45, marked) != index.clusters(0.45, {})


@pytest.mark.neo4j
def test_neo4j_keeps_the_similarity_index_per_graph_version(neo4j_empty, corpus_dir, tmp_path):
    """Neo4j reads similar's inputs and builds its index once per graph version (store.query_index): articles
    written after a call are in the next answer, as on an embedded store holding the same articles."""
    from govkg.cli import SAMPLE_CORPUS
    from graph.sqlite_store import SQLiteStore
    from ingest.pipeline import Pipeline

    embedded, answers = SQLiteStore(tmp_path / "same.db"), []
    for corpus in (SAMPLE_CORPUS, corpus_dir):
        Pipeline(neo4j_empty).ingest([corpus])
        Pipeline(embedded).ingest([corpus])
        for params in ({}, {"min_similarity": 30.0, "scope": "across"}):
            assert rows(neo4j_empty, **params) == rows(embedded, **params), params
        answers.append(rows(neo4j_empty, min_similarity=30.0))
    assert answers[0] and answers[1] != answers[0]


def test_kind_marks_live_in_their_own_namespace():
    assert kind_marks({kind_pair("n_b", "n_a"): "different", ("n_x", "n_y"): "same", ("n_p", "n_q"): "different"}) == {
        ("n_a", "n_b"): "different", ("n_x", "n_y"): "same"}


# ---------------------------------------------------------------- the query on real stores
def test_same_named_canteens_in_two_districts_are_found_across_districts(sample_store):
    result = rows(sample_store, scope="across")
    canteens = [r for r in result if r["head"] == "食堂"]
    assert len({r["id"] for r in canteens}) >= 2 and len({r["cluster"] for r in canteens}) == 1
    why = canteens[0]["why"]
    assert "across 2 districts" in why and "食堂" in why and "space" in why
    assert {r["district"] for r in canteens} >= {"锦江区", "成华区"}
    assert not [r for r in rows(sample_store, scope="within") if r["cluster"] == canteens[0]["cluster"] and r["head"] == "食堂"
                and r["id"] in {c["id"] for c in canteens}]


def test_planner_marks_separate_join_and_undo_without_touching_duplicates(tmp_path, sample_copy):
    from graph.sqlite_store import SQLiteStore
    from ingest.pipeline import Pipeline

    s = SQLiteStore(tmp_path / "g.db")
    Pipeline(s).ingest([sample_copy])
    before, dup_before = rows(s), run_query(s, "duplicates", {}).rows
    cluster = [r["id"] for r in before if r["cluster"] == 1]
    assert len(cluster) >= 2
    for i, a in enumerate(cluster):
        for b in cluster[i + 1:]:
            s.set_mark(*kind_pair(a, b), "different")
    assert not {r["id"] for r in rows(s)} & set(cluster)
    assert run_query(s, "duplicates", {}).rows == dup_before  # "not the same kind" is no verdict on identity
    for i, a in enumerate(cluster):
        for b in cluster[i + 1:]:
            s.clear_mark(*kind_pair(a, b))
    assert rows(s) == before
    for b in cluster[1:]:
        s.set_mark(*kind_pair(cluster[0], b), "same")
    assert {r["status"] for r in rows(s) if r["id"] in cluster} == {"marked_same_kind"}


def test_bad_parameters_are_one_line_errors(sample_store):
    with pytest.raises(QueryError, match="scope"):
        rows(sample_store, scope="everywhere")
    with pytest.raises(QueryError, match="between 0 and 100"):
        rows(sample_store, min_similarity=101)


# ---------------------------------------------------------------- the labelled pairs and the measured floor
def test_labelled_pairs_name_gold_initiatives_and_hold_no_article_text():
    need_shared()
    gold = {}
    for f in [*(SHARED / "gold" / "dev").glob("*.json"), *(SHARED / "wide" / "gold").glob("*.json")]:
        g = json.loads(f.read_text(encoding="utf-8"))
        gold[g["article"]] = {e["name"] for e in g["entities"] if e["type"] == "Initiative"}
    with bench.PAIRS.open(encoding="utf-8") as f:
        raw = list(csv.DictReader(f, delimiter="\t"))
    pairs = bench.load_pairs()
    assert len(pairs) == len(raw) >= 30 and 10 <= sum(p.same for p in pairs) <= len(pairs) - 10
    for p in pairs:
        assert p.name_a in gold[p.article_a] and p.name_b in gold[p.article_b], p
        assert p.reason and len(p.reason) <= 100 and max(len(p.name_a), len(p.name_b)) <= 40
    assert len({(p.name_a, p.article_a, p.name_b, p.article_b) for p in pairs}) == len(pairs)


def test_labelled_pairs_floor(tmp_path):
    """Figures of README's "Similar by what they do" (bench.similar): precision 1.0, recall 0.5 on the
    labelled pairs; the floor leaves room for extraction changes."""
    need_shared()
    score = bench.score_labelled(bench.real_store(tmp_path), bench.load_pairs(), 45.0)
    assert score.tp + score.fp + score.fn + score.tn >= 20, score.summary()  # pairs whose initiatives were extracted
    assert score.precision >= 0.8 and score.recall >= 0.4, score.summary()


def test_synthetic_pairs_floor(tmp_path):
    store = bench.synthetic_store(tmp_path, 60)
    heads = Counter(bench.synthetic_head(n.name) for n in store.iter_nodes("Initiative"))
    assert None not in heads and len(heads) >= 10
    score = bench.score_synthetic(store, 45.0)
    assert score.tp > 100 and score.precision >= 0.95 and score.recall >= 0.9, score.summary()


# ---------------------------------------------------------------- the explorer's "similar by what they do" tab
def test_explorer_similar_tab_says_why_and_marks_same_kind_with_undo(tmp_path, sample_copy, monkeypatch):
    from test_app import links, ok, open_view, texts

    from govkg.explorer import STATUS_WORDS
    from graph.sqlite_store import SQLiteStore
    from ingest.pipeline import Pipeline

    s = SQLiteStore(tmp_path / "g.db")
    Pipeline(s).ingest([sample_copy])
    monkeypatch.setenv("GOVKG_STORE", str(s.path))
    at = open_view(page="duplicates", scope="across")
    assert [t.label for t in at.tabs] == ["按名称 Same name", "按内容相似 Similar by what they do"]
    text = texts(at)
    assert STATUS_WORDS["similar"][0] in text and "across 2 districts" in text and "食堂" in text
    assert "邻里食堂" in links(at) and {"锦江区", "成华区"} <= set(links(at))

    ok(at.button(key=next(b.key for b in at.button if b.key.startswith("sim_diff_"))).click().run())
    assert set(s.marks().values()) == {"different"}
    assert all(a.startswith("similar:") for a, _ in s.marks())  # verdicts of kind, not of identity
    assert not any(b.key.startswith("sim_diff_") for b in at.button)
    assert STATUS_WORDS["marked_different_kind"][0] in texts(at) and not any(b.key.startswith("undo_diff_") for b in at.button)
    at.button(key=next(b.key for b in at.button if b.key.startswith("sim_undo_diff_"))).click().run()
    assert s.marks() == {} and any(b.key.startswith("sim_diff_") for b in ok(at).button)

    at.button(key=next(b.key for b in at.button if b.key.startswith("sim_same_"))).click().run()
    assert set(s.marks().values()) == {"same"} and STATUS_WORDS["marked_same_kind"][0] in texts(ok(at))
    at.button(key=next(b.key for b in at.button if b.key.startswith("sim_undo_same_"))).click().run()
    assert s.marks() == {} and STATUS_WORDS["similar"][0] in texts(ok(at))
    s.close()
