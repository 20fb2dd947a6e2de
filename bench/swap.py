"""Place-swap robustness: extraction scored on the gold articles with their places renamed.

    python -m bench.swap [--shared ../shared] [--seeds 5] [--modes default rules]

Unseen articles name other places than dev and wide. For every gold article this replaces each
gold Area and Community name by another real name of the same level — areas by divisions of the
national table (`ingest.divisions`: a 街道 by a 街道 of another city, a 镇 by a 镇, a 县 by a 县,
the districts and streets of one article by those of one other city), communities by a real
town-level stem with the original ending (…社区, …村, …小区, …苑) — consistently in the text and
in the gold (names containing them change too: 玉林街道党工委 → 某某街道党工委). The swapped
articles are scored with `govkg.evaluation` exactly as `govkg eval` scores them. Beside each
seed's figures stand the original articles' figures from the same run (copied unchanged through
the same path), so a drop is what rules leaning on these particular names lose.

It writes bench/reports/swap-<time>.json and prints a table.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from bench.report import write_report
from govkg.evaluation import Counts, Report, evaluate_sets
from ingest.cleaner import clean_document
from ingest.components import MODES, ExtractorConfig
from ingest.divisions import Division, all_divisions, lookup
from ingest.extractor import RuleExtractor
from ingest.reader import read_file

REPO = Path(__file__).resolve().parents[1]
_AREA_UNITS = ("特别行政区", "自治区", "办事处", "新区", "街道", "省", "市", "区", "县", "旗", "镇", "乡", "街")
_COMMUNITY_UNITS = ("社区", "小区", "村")
_PROVINCE_SHORT = re.compile(r"(?:壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区|省|市)$")
_HAN_ONLY = re.compile(r"[\u4e00-\u9fff]+")


def area_unit(name: str) -> str:
    """The unit an area name ends in (街道, 镇, 区 …), '' when it has none (重庆, 山东)."""
    return next((u for u in _AREA_UNITS if name.endswith(u) and len(name) > len(u)), "")


@dataclass
class DivisionPool:
    """Real divisions to draw replacements from, by level and by parent."""

    provinces: list[Division]
    cities: list[Division]  # prefecture-level cities inside a province
    children: dict[str, list[Division]]  # parent adcode → divisions directly under it
    towns: list[Division]  # every town/township/street office
    stems: list[str]  # two/three-character town stems that name no area themselves (community stems)

    @classmethod
    def load(cls) -> "DivisionPool":
        """The pool of the shipped national table (current official names only)."""
        official = [d for d in all_divisions() if d.source != "supplement" and not d.former and d.adcode]
        children: dict[str, list[Division]] = defaultdict(list)
        for d in official:
            if d.parent:
                children[d.parent].append(d)
        stems = sorted({s for d in official if d.kind == "subdistrict" for s in [d.name[: -len(area_unit(d.name))]]
                        if 2 <= len(s) <= 3 and _HAN_ONLY.fullmatch(s) and s[-1] not in "路街道村镇乡区县市" and not lookup(s)})
        return cls(
            provinces=[d for d in official if d.kind == "province"],
            cities=[d for d in official if d.kind == "city" and d.parent and d.name.endswith("市") and len(children.get(d.adcode, [])) >= 3],
            children=dict(children),
            towns=[d for d in official if d.kind == "subdistrict"],
            stems=stems,
        )


@dataclass
class SwapPlan:
    """The replacements of one article: surface form → new form (applied longest first, in one pass)."""

    article: str
    forms: dict[str, str] = field(default_factory=dict)

    def apply(self, text: str) -> str:
        """`text` with every planned form replaced (a longer form wins over a form it contains)."""
        if not self.forms:
            return text
        pattern = re.compile("|".join(map(re.escape, sorted(self.forms, key=len, reverse=True))))
        return pattern.sub(lambda m: self.forms[m.group()], text)

    def apply_gold(self, gold: dict) -> dict:
        """The gold with names, aliases, relation ends and evidence transformed like the text."""
        out = json.loads(json.dumps(gold, ensure_ascii=False))
        for e in out["entities"]:
            e["name"] = self.apply(e["name"])
            e["aliases"] = list(dict.fromkeys(a for a in (self.apply(a) for a in e.get("aliases", [])) if a != e["name"]))
        for r in out["relations"]:
            for k in ("subject", "object", "evidence"):
                if isinstance(r.get(k), str):
                    r[k] = self.apply(r[k])
        return out


def _short(new: str, unit: str) -> str:
    """The short form of a new name (its name without the unit), or the full name when too short."""
    stem = new[: -len(unit)] if unit and new.endswith(unit) else new
    return stem if len(stem) >= 2 else new


def _pick(rng: random.Random, options: list, taken: set[str], text: str) -> Division | str | None:
    fresh = [o for o in options if (o.name if isinstance(o, Division) else o) not in taken
             and (o.name if isinstance(o, Division) else o) not in text]
    return rng.choice(fresh) if fresh else None


def _same_unit(divisions: list[Division], unit: str) -> list[Division]:
    want = {"街": "街道", "办事处": "街道", "新区": "区", "旗": "县", "自治区": "省", "特别行政区": "省", "": ""}.get(unit, unit)
    out = [d for d in divisions if area_unit(d.name) == want and len(d.name) >= 3]
    return out if want else [d for d in divisions if len(d.name) >= 3]


def _new_area_name(d: Division, unit: str) -> str:
    """The form of division `d` to write where the text had a name ending in `unit`."""
    if unit == "街" and d.name.endswith("街道"):
        return d.name[:-1]  # 新兴街 (local form of 新兴街道)
    if unit == "办事处" and d.name.endswith("街道"):
        return d.name[:-2] + "办事处"
    if unit == "":
        short = _PROVINCE_SHORT.sub("", d.name) if d.kind == "province" else _short(d.name, area_unit(d.name))
        return short if len(short) >= 2 else d.name  # 广西 of 广西壮族自治区, 太原 of 太原市
    return d.name


def plan_article(gold: dict, text: str, pool: DivisionPool, rng: random.Random) -> SwapPlan:
    """Replacements for every gold Area and Community of one article (consistent within it).

    Areas keep their level and unit and follow the article's own hierarchy: the first city becomes
    one drawn city, its districts that city's districts, their streets and towns towns of those.
    """
    plan = SwapPlan(str(gold["article"]))
    entities = [e for e in gold["entities"] if e["type"] in ("Area", "Community")]
    parent_of = {r["subject"]: r["object"] for r in gold["relations"] if r["predicate"] == "PART_OF"}
    taken = {e["name"] for e in gold["entities"]}
    new_division: dict[str, Division] = {}
    city = rng.choice(pool.cities)
    province = next((p for p in pool.provinces if p.adcode == city.parent), rng.choice(pool.provinces))
    level = {"province": 0, "city": 1, "district": 2, "subdistrict": 3}
    areas = sorted((e for e in entities if e["type"] == "Area"), key=lambda e: level.get(e["kind"], 9))
    for e in areas:
        name, unit = e["name"], area_unit(e["name"])
        parent = new_division.get(parent_of.get(name, ""))
        if e["kind"] == "province":
            tiers = [[province], pool.provinces]
        elif e["kind"] == "city":
            tiers = [[city], pool.cities]
        elif e["kind"] == "district":
            tiers = [_same_unit(pool.children.get((parent or city).adcode, []), unit),
                     _same_unit([d for c in pool.cities for d in pool.children.get(c.adcode, [])], unit)]
        else:
            districts = [parent] if parent else [d for d in new_division.values() if d.kind == "district"] or \
                [d for d in pool.children.get(city.adcode, []) if d.kind == "district"]
            tiers = [_same_unit([t for d in districts for t in pool.children.get(d.adcode, [])], unit),
                     _same_unit([t for d in pool.children.get(city.adcode, []) for t in pool.children.get(d.adcode, [])], unit),
                     _same_unit(pool.towns, unit)]  # no such town left in the city (a 镇 in Shenzhen): one anywhere
        choice = next((c for c in (_pick(rng, options, taken, text) for options in tiers) if c is not None), None)
        if choice is None:
            continue  # nothing of that level left to draw: the name stays (counted in `unswapped`)
        new_division[name] = choice
        _plan_entity(plan, e, _new_area_name(choice, unit), unit, taken)
    for e in (e for e in entities if e["type"] == "Community"):
        unit = next((u for u in _COMMUNITY_UNITS if e["name"].endswith(u) and len(e["name"]) > len(u)), "")
        if e["kind"] == "compound" and unit != "小区":  # a named estate keeps its ending: 恒大名都 → 某某名都, 锦华苑 → 某某苑
            unit = e["name"][-2:] if len(e["name"]) >= 4 else e["name"][-1]
        keep = unit
        stem = _pick(rng, pool.stems, taken, text)
        if stem is None:
            continue
        _plan_entity(plan, e, stem + keep, unit, taken)
    return plan


def _plan_entity(plan: SwapPlan, e: dict, new: str, unit: str, taken: set[str]) -> None:
    """Map an entity's name, its stem and its aliases.

    The stem (华阳 of 华阳街道, 盈浦 of 盈浦社区; also of an alias: 麓湖 of 麓湖社区) becomes the new
    stem wherever the article uses it alone or inside other names (华阳社区发展治理创意园, 盈浦社区基金会),
    unless it is an ordinary word (胜利, 光明). Aliases containing the name follow from it; an alias made of another entity's
    form and one of this entity's (成都天府新区) follows from both; any other alias becomes the new name.
    """
    from ingest.tokens import tag_of

    taken.add(new)
    name = e["name"]
    plan.forms.setdefault(name, new)
    unit = unit or area_unit(new)
    stem, new_stem = (name[: -len(unit)] if unit and name.endswith(unit) else name), _short(new, unit)
    real_unit = unit in _AREA_UNITS or unit in _COMMUNITY_UNITS  # not a named estate's ending (恒大|名都)
    if real_unit and stem != name and len(stem) >= 2 and new_stem != new and tag_of(stem) in ("", "ns", "nr", "nrt", "nz", "nt"):
        plan.forms.setdefault(stem, new_stem)
    own = {name, *e.get("aliases", [])}
    for a in e.get("aliases", []):
        if name in a or a in plan.forms:
            continue
        if name.startswith(a):
            plan.forms[a] = new_stem
        elif not any(a.endswith(b) and a != b and a[: -len(b)] in plan.forms for b in own):
            plan.forms[a] = new
            a_stem = a[: -len(unit)] if real_unit and unit and a.endswith(unit) else ""
            if len(a_stem) >= 2 and a_stem not in plan.forms and tag_of(a_stem) in ("", "ns", "nr", "nrt", "nz", "nt"):
                plan.forms[a_stem] = new_stem  # 麓湖 of the alias 麓湖社区, written alone in 麓湖、安公社区


def swapped_copy(pairs: dict[str, tuple[Path, Path]], out: Path, pool: DivisionPool | None, seed: int | None) -> tuple[dict[str, tuple[Path, Path]], dict]:
    """Write every gold set's articles and gold under `out` (swapped when `pool` is given, else as they
    are) and return the new (gold, corpus) pairs and what was swapped (forms per article, names left)."""
    rng = random.Random(seed)
    new_pairs: dict[str, tuple[Path, Path]] = {}
    info = {"forms": 0, "unswapped": [], "left_in_text": 0}
    for label, (gold_dir, corpus_dir) in pairs.items():
        g_out, c_out = out / label / "gold", out / label / "articles"
        g_out.mkdir(parents=True)
        c_out.mkdir(parents=True)
        for gold_file in sorted(gold_dir.glob("*.json")):
            gold = json.loads(gold_file.read_text(encoding="utf-8"))
            src = corpus_dir / gold["article"]
            if pool is None:
                shutil.copyfile(src, c_out / gold["article"])
                shutil.copyfile(gold_file, g_out / gold_file.name)
                continue
            text = src.read_text(encoding="utf-8")
            plan = plan_article(gold, text, pool, rng)
            new_text = plan.apply(text)
            (c_out / gold["article"]).write_text(new_text, encoding="utf-8")
            (g_out / gold_file.name).write_text(json.dumps(plan.apply_gold(gold), ensure_ascii=False, indent=1), encoding="utf-8")
            info["forms"] += len(plan.forms)
            for e in gold["entities"]:
                if e["type"] in ("Area", "Community") and e["name"] not in plan.forms:
                    info["unswapped"].append(f"{gold['article']}:{e['name']}")
            info["left_in_text"] += sum(new_text.count(f) for f in plan.forms if not any(f in v for v in plan.forms.values()))
        new_pairs[label] = (g_out, c_out)
    return new_pairs, info


def _micro(report: Report) -> dict:
    e, r = report.micro(report.entities), report.micro(report.relations)
    return {"entity_f1": round(e.f1, 4), "relation_f1": round(r.f1, 4), "entity": e.as_dict(), "relation": r.as_dict(),
            "kind_accuracy": round(report.kind_correct / report.kind_total, 4) if report.kind_total else 0.0}


def _subset(report: Report, prefix: str) -> dict:
    """Micro entity/relation F1 over the report's articles whose name starts with `prefix`."""
    e, r = Counts(), Counts()
    for a in report.per_article:
        if a.article.startswith(prefix):
            e.add(a.entities)
            r.add(a.relations)
    return {"entity_f1": round(e.f1, 4), "relation_f1": round(r.f1, 4), "entity": e.as_dict(), "relation": r.as_dict()}


def score(pairs: dict[str, tuple[Path, Path]], extractor: RuleExtractor, min_confidence: float) -> dict:
    """Per set (and the wide set's halves wA/wB) micro scores, as `govkg eval` computes them."""
    out = {}
    predict = lambda p: extractor.extract(clean_document(read_file(p))).as_prediction(min_confidence)  # noqa: E731
    for label, (gold, corpus) in pairs.items():
        _, report = evaluate_sets([(gold, corpus)], predict)
        out[label] = _micro(report)
        if label == "wide":
            out["wA"], out["wB"] = _subset(report, "wA"), _subset(report, "wB")
    return out


def gold_sets(shared: Path) -> dict[str, tuple[Path, Path]]:
    """The gold/corpus pairs of ../shared that exist on this machine."""
    sets = {"dev": (shared / "gold" / "dev", shared / "corpus"), "wide": (shared / "wide" / "gold", shared / "wide" / "articles")}
    return {k: v for k, v in sets.items() if v[0].is_dir() and v[1].is_dir()}


def _mean(rows: list[dict], key: str) -> float:
    return round(sum(r[key] for r in rows) / len(rows), 4) if rows else 0.0


def run(shared: Path, seeds: list[int], modes: list[str], min_confidence: float) -> dict:
    """The whole measurement: per mode, the original scores and each seed's swapped scores, with means."""
    sets = gold_sets(shared)
    pool = DivisionPool.load()
    report = {"when": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), "python": sys.version.split()[0],
              "min_confidence": min_confidence, "seeds": seeds, "sets": {k: [str(g), str(c)] for k, (g, c) in sets.items()},
              "modes": []}
    with tempfile.TemporaryDirectory(prefix="govkg-swap-") as tmp:
        original, _ = swapped_copy(sets, Path(tmp) / "original", None, None)
        swapped = [(s, *swapped_copy(sets, Path(tmp) / f"seed{s}", pool, s)) for s in seeds]
        for mode in modes:
            extractor = RuleExtractor(ExtractorConfig.for_mode(mode))
            base = score(original, extractor, min_confidence)
            runs = [{"seed": s, "swapped_forms": info["forms"], "unswapped": info["unswapped"],
                     "old_forms_left_in_text": info["left_in_text"], "scores": score(p, extractor, min_confidence)}
                    for s, p, info in swapped]
            summary = {}
            for label in base:
                rows = [r["scores"][label] for r in runs]
                summary[label] = {
                    "original_entity_f1": base[label]["entity_f1"], "swapped_entity_f1_mean": _mean(rows, "entity_f1"),
                    "swapped_entity_f1_min": min(r["entity_f1"] for r in rows),
                    "original_relation_f1": base[label]["relation_f1"], "swapped_relation_f1_mean": _mean(rows, "relation_f1"),
                    "swapped_relation_f1_min": min(r["relation_f1"] for r in rows),
                }
            report["modes"].append({"mode": mode, "original": base, "seeds": runs, "summary": summary})
    return report


def print_table(report: dict) -> None:
    """One line per mode and set: original F1 beside the swapped mean (and the worst seed)."""
    print(f"{'mode':<8} {'set':<5} {'entity F1 orig → swapped mean (min)':<38} relation F1 orig → swapped mean (min)")
    for m in report["modes"]:
        for label, s in m["summary"].items():
            print(f"{m['mode']:<8} {label:<5} {s['original_entity_f1']:.3f} → {s['swapped_entity_f1_mean']:.3f} ({s['swapped_entity_f1_min']:.3f})"
                  f"{'':<16} {s['original_relation_f1']:.3f} → {s['swapped_relation_f1_mean']:.3f} ({s['swapped_relation_f1_min']:.3f})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.swap", description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared", help="the shared folder with gold sets")
    ap.add_argument("--seeds", type=int, default=5, help="how many swaps (seeds 1..N)")
    ap.add_argument("--modes", nargs="+", default=list(MODES), choices=list(MODES))
    ap.add_argument("--min-confidence", type=float, default=0.4, help="as govkg eval and ingest")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "reports")
    args = ap.parse_args(argv)
    if not gold_sets(args.shared):
        print(f"bench.swap: no gold sets under {args.shared}", file=sys.stderr)
        return 2
    if args.seeds < 1:
        print("bench.swap: --seeds must be at least 1", file=sys.stderr)
        return 2
    report = run(args.shared, list(range(1, args.seeds + 1)), args.modes, args.min_confidence)
    path = write_report(args.out, "swap", report)
    print_table(report)
    print(f"report: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
