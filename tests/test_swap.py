"""The place swap of bench.swap: real names of the same level, consistent in text and gold."""

import json
import random
from pathlib import Path

import pytest

from bench.swap import DivisionPool, SwapPlan, area_unit, plan_article
from ingest.divisions import lookup

SHARED = Path(__file__).resolve().parents[2] / "shared"
WIDE = SHARED / "wide"
pytestmark = pytest.mark.skipif(not (WIDE / "gold").is_dir(), reason="../shared/wide (gold set) not present")


@pytest.fixture(scope="module")
def pool():
    return DivisionPool.load()


def _article(name):
    gold = json.loads((WIDE / "gold" / f"{name}.json").read_text(encoding="utf-8"))
    return gold, (WIDE / "articles" / gold["article"]).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["wB6", "wA6", "wB3"])
@pytest.mark.parametrize("seed", [1, 2])
def test_every_place_is_replaced_by_a_real_division_of_its_level(pool, name, seed):
    gold, text = _article(name)
    plan = plan_article(gold, text, pool, random.Random(seed))
    swapped, new_gold = plan.apply(text), plan.apply_gold(gold)
    old = [e for e in gold["entities"] if e["type"] in ("Area", "Community")]
    new = [e for e in new_gold["entities"] if e["type"] in ("Area", "Community")]
    for before, after in zip(old, new):
        assert after["name"] != before["name"]
        assert after["name"] in swapped or any(a in swapped for a in after["aliases"]), after
        assert not any(before["name"] in v for v in plan.forms.values())
        assert before["name"] not in swapped
        if before["type"] == "Area" and area_unit(before["name"]) in ("市", "区", "县", "镇", "街道", "省"):
            kinds = {d.kind for d in lookup(after["name"])}
            assert before["kind"] in kinds, (before, after)
            assert area_unit(after["name"]) == area_unit(before["name"])
        if before["type"] == "Community" and before["name"].endswith(("社区", "村", "小区")):
            assert after["name"][-2:] == before["name"][-2:] or after["name"][-1] == before["name"][-1] == "村"


def test_names_containing_a_place_change_with_it_and_relations_follow(pool):
    gold, text = _article("wA1")  # 谢家湾街道党工委 holds the street's name
    plan = plan_article(gold, text, pool, random.Random(3))
    new_gold = plan.apply_gold(gold)
    street = plan.forms["谢家湾街道"]
    names = {e["name"] for e in new_gold["entities"]}
    assert street + "党工委" in names and "谢家湾街道党工委" not in names
    ends = {n for r in new_gold["relations"] for n in (r["subject"], r["object"])}
    assert ends <= names | {a for e in new_gold["entities"] for a in e["aliases"]}
    assert "谢家湾" not in plan.apply(text)


def test_same_seed_same_plan_and_longest_form_wins(pool):
    gold, text = _article("wB6")
    a = plan_article(gold, text, pool, random.Random(7)).forms
    b = plan_article(gold, text, pool, random.Random(7)).forms
    assert a == b
    plan = SwapPlan("x", {"成都": "太原", "成都市": "太原市", "高新区": "小店区"})
    assert plan.apply("成都市高新区与成都") == "太原市小店区与太原"
