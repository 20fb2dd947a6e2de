"""`govkg eval` and confidence calibration: the optional rule, per-article and multi-set figures,
the reliability table, fitting and applying ingest/calibration.py.

The real-data tests read ../shared (dev gold + corpus, wide gold + articles) and skip with the
reason when it is absent. No figure is hard-coded: they compare runs with each other and with
bounds, so they keep holding while the rules change.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from govkg.errors import InputError
from govkg.evaluation import (
    Report,
    cached_extractions,
    calibration_summary,
    evaluate,
    evaluate_sets,
    format_report,
    format_sets,
    load_gold,
    pairs_of,
    score_article,
)
from ingest.calibration import (
    CalibrationTable,
    FamilyMap,
    Outcome,
    apply_calibration,
    expected_calibration_error,
    fit,
    load_table,
    load_tables,
    recalibrated,
    reliability_bins,
    save_tables,
    table_key,
)
from ingest.model import Article, Entity, Evidence, Extraction, Partnership, Relation, Sentence

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("GOVKG_SHARED", REPO.parent / "shared"))
DEV = (SHARED / "gold" / "dev", SHARED / "corpus")
WIDE = (SHARED / "wide" / "gold", SHARED / "wide" / "articles")
ECE_BOUND = 0.15  # a calibrated extractor further off than this on its own fitting gold is broken


def need(*dirs: Path) -> None:
    for d in dirs:
        if not d.is_dir() or not any(d.iterdir()):
            pytest.skip(f"{d} not found (../shared is absent on this machine)")


def govkg(*args, check=True):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("GOVKG_STORE", None)
    proc = subprocess.run([sys.executable, "-m", "govkg.cli", *map(str, args)], capture_output=True, text=True, env=env, timeout=600)
    if check and proc.returncode != 0:
        raise AssertionError(f"govkg {' '.join(map(str, args))} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


# ---- the optional rule, on gold and predictions built here ----------------------------------------

GOLD = {
    "article": "t.txt",
    "entities": [
        {"name": "迎晖社区", "type": "Community", "kind": "community", "aliases": ["迎晖"]},
        {"name": "五线工作法", "type": "Initiative", "kind": "work_method", "aliases": []},
        {"name": "迎晖社区党委", "type": "Organization", "kind": "party", "aliases": ["迎晖党委"], "optional": True},
    ],
    "relations": [
        {"subject": "迎晖社区", "predicate": "RUNS", "object": "五线工作法"},
        {"subject": "迎晖社区党委", "predicate": "AFFILIATED_WITH", "object": "迎晖社区"},
        {"subject": "迎晖社区党委", "predicate": "RUNS", "object": "五线工作法"},
    ],
}


def ent(name, type_, kind=None):
    return {"name": name, "type": type_, "kind": kind, "confidence": 0.7}


def rel(s, p, o):
    return {"subject": s, "predicate": p, "object": o, "confidence": 0.6}


def score(pred) -> Report:
    report = Report()
    score_article(GOLD, {"article": "t.txt", **pred}, report)
    return report


def micro(report: Report):
    e, r = report.micro(report.entities), report.micro(report.relations)
    return (e.tp, e.pred, e.gold), (r.tp, r.pred, r.gold)


REQUIRED_ENTS = [ent("迎晖社区", "Community", "community"), ent("五线工作法", "Initiative", "work_method")]
REQUIRED_RELS = [rel("迎晖社区", "RUNS", "五线工作法")]


def test_an_optional_entity_found_is_neither_rewarded_nor_penalized():
    found = score({"entities": REQUIRED_ENTS + [ent("迎晖社区党委", "Organization", "party")],
                   "relations": REQUIRED_RELS + [rel("迎晖社区党委", "AFFILIATED_WITH", "迎晖社区")]})
    assert micro(found) == ((2, 2, 2), (1, 1, 1))
    assert "Organization" not in found.entities or found.entities["Organization"].pred == 0
    assert found.optional["entities_matched"] == 1 and found.optional["relations_matched"] == 1
    assert not found.errors["entity_fp"] and not found.errors["relation_fp"]


def test_an_optional_entity_missed_is_not_counted_as_missed():
    missed = score({"entities": REQUIRED_ENTS, "relations": REQUIRED_RELS})
    assert micro(missed) == ((2, 2, 2), (1, 1, 1))
    assert not missed.errors["entity_fn"] and not missed.errors["relation_fn"]
    assert missed.optional["entities_unmatched"] == 1 and missed.optional["relations_unmatched"] == 2
    # same figures whether the optional entity is found or not
    found = score({"entities": REQUIRED_ENTS + [ent("迎晖党委", "Organization")], "relations": REQUIRED_RELS})
    assert micro(found) == micro(missed)


def test_optional_matches_by_alias_and_type_only_and_required_gold_is_unchanged():
    wrong_type = score({"entities": REQUIRED_ENTS + [ent("迎晖社区党委", "Community")], "relations": []})
    assert micro(wrong_type)[0] == (2, 3, 2)  # not the optional Organization: an ordinary false positive
    nothing = score({"entities": [], "relations": []})
    assert micro(nothing) == ((0, 0, 2), (0, 0, 1))  # gold counts leave out the optional entity and its relations
    alias_relation = score({"entities": [], "relations": [rel("迎晖党委", "RUNS", "五线工作法")]})
    assert micro(alias_relation)[1] == (0, 0, 1) and alias_relation.optional["relations_matched"] == 1


def test_a_required_gold_item_is_matched_before_an_optional_one():
    gold = {"article": "t.txt",
            "entities": [{"name": "甲社区", "type": "Community", "aliases": [], "optional": True},
                         {"name": "甲社区", "type": "Community", "aliases": []}],
            "relations": []}
    report = Report()
    score_article(gold, {"entities": [ent("甲社区", "Community")], "relations": []}, report)
    assert micro(report)[0] == (1, 1, 1)


def test_optional_gold_of_the_real_wide_set_is_left_out_of_the_scores():
    need(*WIDE)
    golds = load_gold(WIDE[0])
    optional = {(g["article"], e["name"], e["type"]) for g in golds for e in g["entities"] if e.get("optional")}
    if not optional:
        pytest.skip("the wide gold marks no entity optional any more")
    by_article = {g["article"]: g for g in golds}
    required = lambda g: {**g, "entities": [e for e in g["entities"] if not e.get("optional")]}  # noqa: E731
    perfect = evaluate(*WIDE, lambda p: by_article[p.name])  # the gold itself, optional entities included
    without = evaluate(*WIDE, lambda p: required(by_article[p.name]))
    for report in (perfect, without):
        e, r = report.micro(report.entities), report.micro(report.relations)
        assert e.tp == e.pred == e.gold == sum(len(required(g)["entities"]) for g in golds)
        assert r.tp == r.pred == r.gold
    assert perfect.optional["entities_matched"] == len(optional) and without.optional["entities_unmatched"] == len(optional)
    # and on the extractor's predictions: an optional entity is never a false positive nor a miss
    from ingest.extractor import RuleExtractor

    extraction = cached_extractions(RuleExtractor())
    report = evaluate(*WIDE, lambda p: extraction(p).as_prediction(0.5))
    errors = {(a, name, t) for a, t, name in report.errors["entity_fp"] + report.errors["entity_fn"]}
    assert not errors & optional


# ---- per-article figures, several sets in one run ---------------------------------------------------

@pytest.fixture(scope="module")
def raw_extraction():
    need(*DEV, *WIDE)
    from ingest.components import ExtractorConfig
    from ingest.extractor import RuleExtractor

    return cached_extractions(RuleExtractor(ExtractorConfig(calibrated=False)))


@pytest.fixture(scope="module")
def calibrated_extraction():
    need(*DEV, *WIDE)
    from ingest.extractor import RuleExtractor

    return cached_extractions(RuleExtractor())


def _counts(report: Report):
    return ({k: (c.tp, c.pred, c.gold) for k, c in report.entities.items()},
            {k: (c.tp, c.pred, c.gold) for k, c in report.relations.items()}, report.kind_correct, report.kind_total, report.articles)


def test_per_article_figures_sum_to_the_totals(calibrated_extraction):
    for pair in (DEV, WIDE):
        report = evaluate(*pair, lambda p: calibrated_extraction(p).as_prediction(0.5))
        assert len(report.per_article) == report.articles == len(load_gold(pair[0]))
        for table, attr in ((report.entities, "entities"), (report.relations, "relations")):
            total = report.micro(table)
            for part in ("tp", "pred", "gold"):
                assert sum(getattr(getattr(a, attr), part) for a in report.per_article) == getattr(total, part)
        text = format_report(report)
        assert all(a.article in text for a in report.per_article)


def test_several_sets_in_one_run_equal_the_sum_of_single_runs(calibrated_extraction):
    predict = lambda p: calibrated_extraction(p).as_prediction(0.5)  # noqa: E731
    singles = [evaluate(*pair, predict) for pair in (DEV, WIDE)]
    sets, combined = evaluate_sets([DEV, WIDE], predict)
    assert [_counts(s.report) for s in sets] == [_counts(r) for r in singles]
    total = Report()
    for r in singles:
        total.add(r)
    assert _counts(combined) == _counts(total)
    for fact in ("entities", "relations"):
        assert combined.micro(getattr(combined, fact)).tp == sum(r.micro(getattr(r, fact)).tp for r in singles)
    text = format_sets(sets, combined)
    assert "combined" in text and str(DEV[0]) in text and str(WIDE[0]) in text


def test_eval_command_takes_pairs_and_matches_single_runs():
    need(*DEV, *WIDE)
    both = json.loads(govkg("eval", *DEV, *WIDE, "--json").stdout)
    single = [json.loads(govkg("eval", *pair, "--json").stdout) for pair in (DEV, WIDE)]
    assert both["articles"] == sum(s["articles"] for s in single)
    for fact in ("entities", "relations"):
        for part in ("tp", "pred", "gold"):
            assert both[fact]["micro"][part] == sum(s[fact]["micro"][part] for s in single)
        for s_multi, s_single in zip(both["sets"], single):
            assert s_multi[fact]["micro"] == s_single[fact]["micro"]
            assert sum(a[fact]["tp"] for a in s_single["per_article"]) == s_single[fact]["micro"]["tp"]
    assert len(both["per_article"]) == both["articles"]
    text = govkg("eval", *DEV, *WIDE).stdout
    assert "per article" in text and "combined" in text and "wA1.txt" in text


def test_eval_errors_and_json_work_together_and_bad_paths_are_one_line():
    need(*DEV)
    doc = json.loads(govkg("eval", *DEV, "--json", "--errors").stdout)
    assert set(doc["errors"]) <= {"entity_fp", "entity_fn", "relation_fp", "relation_fn"}
    text = govkg("eval", *DEV, "--errors").stdout
    assert "entity_fp (" in text and "relation_fn (" in text
    for args in ((DEV[0],), (*DEV, DEV[0]), ("/nonexistent/gold", DEV[1]), (DEV[0], "/nonexistent/corpus")):
        proc = govkg("eval", *args, check=False)
        assert proc.returncode != 0
        assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_pairs_of_rejects_an_odd_count():
    assert pairs_of(["a", "b", "c", "d"]) == [("a", "b"), ("c", "d")]
    with pytest.raises(InputError):
        pairs_of(["a", "b", "c"])


# ---- calibration: the machinery ------------------------------------------------------------------

def outcomes_of(spec: dict[tuple[str, str, float], tuple[int, int]]) -> list[Outcome]:
    out = []
    for (fact, family, conf), (correct, wrong) in spec.items():
        out += [Outcome(fact, family, conf, True, f"a{i % 3}") for i in range(correct)]
        out += [Outcome(fact, family, conf, False, f"a{i % 3}") for i in range(wrong)]
    return out


def test_fitted_maps_are_monotone_smoothed_and_lower_the_calibration_error():
    outs = outcomes_of({("entity", "Area", 0.9): (30, 0), ("entity", "Area", 0.5): (3, 7),
                        ("entity", "Organization", 0.8): (4, 6), ("entity", "Organization", 0.6): (1, 9),
                        ("relation", "RUNS", 0.7): (10, 10), ("relation", "RUNS", 0.6): (12, 8),  # a violation: pooled
                        ("relation", "AWARDED", 0.7): (1, 0)})  # one fact: shrunk toward its prior
    for prior in ("family", "raw"):
        table = fit(outs, smoothing=5, prior=prior)
        for fams in table.families.values():
            for fmap in fams.values():
                assert list(fmap.calibrated) == sorted(fmap.calibrated) and all(0 < y < 1 for y in fmap.calibrated)
        assert table.map("relation", "RUNS", 0.6) == table.map("relation", "RUNS", 0.7)
        assert table.map("relation", "AWARDED", 0.7) < 0.9
        assert table.map("entity", "Organization", 0.6) < 0.6
        assert table.map("entity", "Award", 0.5) == pytest.approx(table.pooled["entity"](0.5), abs=1e-4)  # unseen: pooled
        for fact in ("entity", "relation"):
            before = [o for o in outs if o.fact == fact]
            assert expected_calibration_error(recalibrated(before, table)) < expected_calibration_error(before)


def test_reliability_bins_and_ece():
    outs = outcomes_of({("entity", "Area", 0.95): (9, 1), ("entity", "Area", 1.0): (1, 0), ("entity", "Area", 0.45): (1, 1)})
    bins = reliability_bins(outs)
    assert len(bins) == 10 and bins[-1]["count"] == 11 and bins[4]["count"] == 2 and bins[4]["precision"] == 0.5
    assert sum(b["count"] for b in bins) == len(outs)
    assert expected_calibration_error(outs) == pytest.approx((11 * abs(10 / 11 - (0.95 * 10 + 1.0) / 11) + 2 * 0.05) / 13)
    assert expected_calibration_error([]) == 0.0


def small_extraction() -> Extraction:
    sentence = Sentence(0, 0, 10, "迎晖社区推行五线工作法")
    article = Article("art_x", "x.txt", "x", sentence.text, (sentence,))
    ev = Evidence("art_x", 0, 0, 10, sentence.text)
    return Extraction(article,
                      {"c": Entity("c", "迎晖社区", "Community", "community", confidence=0.8, mentions=[ev]),
                       "i": Entity("i", "五线工作法", "Initiative", "work_method", confidence=0.6, mentions=[ev]),
                       "o": Entity("o", "某公司", "Organization", "enterprise", confidence=0.7, mentions=[ev])},
                      [Relation("c", "RUNS", "i", 0.6, ev), Relation("o", "COOPERATES_WITH", "c", 0.65, ev)],
                      [Partnership("共建", ("o", "c"), 0.65, ev)])


def test_kinds_get_their_own_maps_shrunk_toward_their_family():
    outs = outcomes_of({("relation", "RUNS", 0.6): (10, 10)})
    outs += [Outcome("relation", "COOPERATES_WITH", 0.65, i < 6, "a", "联合") for i in range(6)]
    outs += [Outcome("relation", "COOPERATES_WITH", 0.65, i < 1, "b", "引入") for i in range(7)]
    table = fit(outs, smoothing=5, prior="raw", by_kind=True)
    family = table.map("relation", "COOPERATES_WITH", 0.65)
    assert table.map("relation", "COOPERATES_WITH", 0.65, "引入") < family < table.map("relation", "COOPERATES_WITH", 0.65, "联合") < 1
    assert table.map("relation", "COOPERATES_WITH", 0.65, "结对") == family  # an unseen kind: the family's map
    assert fit(outs, smoothing=5, prior="raw", by_kind=False).map("relation", "COOPERATES_WITH", 0.65, "引入") == family


def test_apply_calibration_rewrites_every_confidence_of_an_extraction(tmp_path):
    table = CalibrationTable(
        families={"entity": {"Community": FamilyMap(10, 9, 0.9, (0.5, 0.9), (0.6, 0.95))},
                  "relation": {"COOPERATES_WITH": FamilyMap(10, 2, 0.2, (0.65,), (0.25,))}},
        pooled={"entity": FamilyMap(10, 5, 0.5, (0.6,), (0.5,)), "relation": FamilyMap(10, 4, 0.4, (0.6,), (0.4,))},
        kinds={"relation": {"COOPERATES_WITH": {"共建": FamilyMap(5, 4, 0.8, (0.65,), (0.7,))}}})
    ex = apply_calibration(small_extraction(), table=table)
    assert ex.entities["c"].confidence == pytest.approx(0.6 + 0.35 * 0.75)  # linear between the knots
    assert ex.entities["i"].confidence == 0.5 and ex.entities["o"].confidence == 0.5  # pooled map
    assert [r.confidence for r in ex.relations] == [0.4, 0.25]
    assert ex.partnerships[0].confidence == 0.7  # a partnership: COOPERATES_WITH of its kind
    # round trip through the data file, one table per extractor configuration
    path = save_tables({table_key(("rules",)): table}, tmp_path / "calibration.json")
    loaded = load_table(("rules",), path)
    assert loaded is not None and loaded.as_dict() == table.as_dict()
    assert load_table(("lac",), path) is None  # not fitted: raw confidences stay
    assert load_table(("rules", "patterns"), path).as_dict() == table.as_dict()  # the largest fitted subset serves
    untouched = apply_calibration(small_extraction(), ("no-such-recognizer",))  # no stored table for it
    assert [e.confidence for e in untouched.entities.values()] == [0.8, 0.6, 0.7]
    (tmp_path / "bad.json").write_text("{\"version\": 1, \"tables\": {\"rules\": {\"families\": 3}}}", encoding="utf-8")
    with pytest.raises(InputError):
        load_tables(tmp_path / "bad.json")


# ---- calibration on the real gold ---------------------------------------------------------------

def _outcomes(extraction) -> list[Outcome]:
    _, report = evaluate_sets([DEV, WIDE], lambda p: extraction(p).as_prediction(0.0))
    return report.outcomes


def _ece(outs, fact=None) -> float:
    return expected_calibration_error([o for o in outs if fact in (None, o.fact)])


def test_fitting_on_raw_confidences_lowers_the_calibration_error_on_dev_and_wide(raw_extraction):
    from ingest.calibration import choose_settings

    raw = _outcomes(raw_extraction)
    smoothing, prior, by_kind, _ = choose_settings(raw)
    after = recalibrated(raw, fit(raw, smoothing, prior, by_kind))
    for fact in ("entity", "relation"):
        assert _ece(after, fact) < _ece(raw, fact)
        assert _ece(after, fact) < ECE_BOUND


def test_the_shipped_table_calibrates_the_default_extractor(raw_extraction, calibrated_extraction):
    from ingest.components import MODES

    if load_table(MODES["default"]) is None:
        pytest.fail("ingest/data/calibration.json has no table for the default mode: run "
                    "`govkg calibrate ../shared/gold/dev ../shared/corpus ../shared/wide/gold ../shared/wide/articles`")
    raw, calibrated = _outcomes(raw_extraction), _outcomes(calibrated_extraction)
    assert len(raw) == len(calibrated) and [o.correct for o in raw] == [o.correct for o in calibrated]
    stale = ("the table is stale (the rules changed since it was fitted): refit with `govkg calibrate "
             "../shared/gold/dev ../shared/corpus ../shared/wide/gold ../shared/wide/articles`")
    assert _ece(calibrated) < _ece(raw), stale
    assert _ece(calibrated) < ECE_BOUND, stale
    # the ingest default (min_confidence 0.4) keeps nearly every correct fact after calibration
    for fact, s in calibration_summary(Report(outcomes=calibrated), 0.4).items():
        assert s["threshold"]["correct_dropped_fraction"] <= 0.1, (fact, s["threshold"])


def test_calibrate_and_eval_calibration_commands(tmp_path):
    need(*DEV, *WIDE)
    out = tmp_path / "calibration.json"
    text = govkg("calibrate", *DEV, *WIDE, "--out", out, "--mode", "rules").stdout
    assert "held-out" in text and f"wrote {out}" in text
    table = load_table(("rules",), out)
    assert table is not None and table.meta["mode"] == "rules" and table.meta["articles"] == len(load_gold(DEV[0])) + len(load_gold(WIDE[0]))
    assert sum(f.n for f in table.families["entity"].values()) == table.pooled["entity"].n > 0
    report = govkg("eval", *DEV, *WIDE, "--calibration").stdout
    assert "[0.9,1.0]" in report and report.count("expected calibration error") == 2 and "min_confidence 0.4" in report
    doc = json.loads(govkg("eval", *DEV, *WIDE, "--calibration", "--raw", "--json").stdout)
    assert doc["calibrated"] is False and set(doc["calibration"]) == {"entity", "relation"}
    assert 0 <= doc["calibration"]["entity"]["ece"] <= 1 and len(doc["calibration"]["relation"]["bins"]) == 10
    bad = govkg("calibrate", *DEV, "--mode", "nope", "--out", out, check=False)
    assert bad.returncode != 0 and "Traceback" not in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
