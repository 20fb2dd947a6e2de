"""Score predictions against gold annotations exactly as shared/gold/README.md specifies.

- Entities match by normalized name (or gold alias) and equal type, each gold entity at most once.
- Relations match by predicate and subject/object names (COOPERATES_WITH in either direction).
- ``"optional": true`` gold entities: a prediction matching one is neither rewarded nor penalized
  (not counted as predicted), and an unmatched one is not counted as missed; the same holds for
  every gold relation whose subject or object is an optional entity.

Besides the per-type and micro counts a Report keeps per-article counts (they sum to the totals)
and the outcome of every scored prediction with its confidence, from which the reliability
table of `govkg eval --calibration` is built.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from core.errors import InputError
from ingest.calibration import Outcome, expected_calibration_error, reliability_bins
from ingest.resolve import normalize_name


@dataclass
class Counts:
    """True positives, predictions and gold items for one category."""

    tp: int = 0
    pred: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.tp / self.pred if self.pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: "Counts") -> None:
        """Accumulate another category's counts."""
        self.tp += other.tp
        self.pred += other.pred
        self.gold += other.gold

    def as_dict(self) -> dict:
        """Rounded scores and raw counts."""
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "tp": self.tp, "pred": self.pred, "gold": self.gold}


@dataclass
class ArticleScore:
    """Micro counts of one article, and how many optional gold items it had (matched or not)."""

    article: str
    entities: Counts = field(default_factory=Counts)
    relations: Counts = field(default_factory=Counts)
    optional_entities: int = 0
    optional_relations: int = 0
    source: str = ""

    def as_dict(self) -> dict:
        """A JSON-friendly view."""
        out = {"article": self.article, "entities": self.entities.as_dict(), "relations": self.relations.as_dict(),
               "optional": {"entities": self.optional_entities, "relations": self.optional_relations}}
        if self.source:
            out["set"] = self.source
        return out


@dataclass
class Report:
    """Per-type and micro scores for entities and relations, kind accuracy, per-article figures."""

    entities: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    relations: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    kind_correct: int = 0
    kind_total: int = 0
    articles: int = 0
    errors: dict[str, list] = field(default_factory=lambda: defaultdict(list))
    per_article: list[ArticleScore] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    optional: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def micro(self, table: dict[str, Counts]) -> Counts:
        """Sum of a table's counts."""
        total = Counts()
        for c in table.values():
            total.add(c)
        return total

    def add(self, other: "Report") -> None:
        """Accumulate another report (micro figures of several sets are the sum of their counts)."""
        for mine, theirs in ((self.entities, other.entities), (self.relations, other.relations)):
            for k, c in theirs.items():
                mine[k].add(c)
        self.kind_correct += other.kind_correct
        self.kind_total += other.kind_total
        self.articles += other.articles
        for k, items in other.errors.items():
            self.errors[k].extend(items)
        self.per_article.extend(other.per_article)
        self.outcomes.extend(other.outcomes)
        for k, n in other.optional.items():
            self.optional[k] += n

    def as_dict(self) -> dict:
        """A JSON-friendly view of the whole report."""
        return {
            "articles": self.articles,
            "entities": {k: v.as_dict() for k, v in sorted(self.entities.items())} | {"micro": self.micro(self.entities).as_dict()},
            "relations": {k: v.as_dict() for k, v in sorted(self.relations.items())} | {"micro": self.micro(self.relations).as_dict()},
            "kind_accuracy": round(self.kind_correct / self.kind_total, 4) if self.kind_total else 0.0,
            "optional": {k: self.optional.get(k, 0) for k in
                         ("entities_matched", "entities_unmatched", "relations_matched", "relations_unmatched")},
            "per_article": [a.as_dict() for a in self.per_article],
        }


def _first_match(candidates: list[int], optional: Callable[[int], bool]) -> int | None:
    """A required gold item when one matches, else an optional one, else None."""
    for i in candidates:
        if not optional(i):
            return i
    return candidates[0] if candidates else None


@dataclass(frozen=True)
class _Side:
    """How one side (entities or relations) is matched and where its counts go."""

    what: str  # "entity" / "relation": the outcome's kind and the error keys' prefix
    plural: str  # "entities" / "relations": the optional counters' prefix
    label: str  # the field a per-type table is keyed by ("type" / "predicate")
    table: dict[str, Counts]
    article_counts: Counts
    matches: Callable[[dict, int], bool]  # does prediction p match gold item i
    on_match: Callable[[dict, int], None] | None
    pred_error: Callable[[dict], tuple]
    gold_error: Callable[[dict], tuple]


def _match_items(side: _Side, golds: list[dict], optional: list[bool], preds: list[dict],
                 report: Report, article: ArticleScore, key: str) -> int:
    """Count gold items, match each prediction to at most one unused gold item (required before optional),
    and record outcomes and errors: the one matching rule entities and relations share. Returns how
    many gold items were optional."""
    for g, opt in zip(golds, optional):
        if not opt:
            side.table[g[side.label]].gold += 1
            side.article_counts.gold += 1
    used: set[int] = set()
    for p in preds:
        i = _first_match([j for j in range(len(golds)) if j not in used and side.matches(p, j)], optional.__getitem__)
        if i is not None and optional[i]:
            used.add(i)
            report.optional[f"{side.plural}_matched"] += 1
            continue
        side.table[p[side.label]].pred += 1
        side.article_counts.pred += 1
        correct = i is not None
        report.outcomes.append(Outcome(side.what, p[side.label], p.get("confidence"), correct, key, p.get("kind")))
        if i is not None:
            used.add(i)
            side.table[p[side.label]].tp += 1
            side.article_counts.tp += 1
            if side.on_match is not None:
                side.on_match(p, i)
        else:
            report.errors[f"{side.what}_fp"].append((article.article, *side.pred_error(p)))
    for i, g in enumerate(golds):
        if i in used:
            continue
        if optional[i]:
            report.optional[f"{side.plural}_unmatched"] += 1
        else:
            report.errors[f"{side.what}_fn"].append((article.article, *side.gold_error(g)))
    return sum(optional)


def score_article(gold: dict, pred: dict, report: Report, source: str = "") -> ArticleScore:
    """Add one article's matches to `report` and return the article's own counts."""
    article = ArticleScore(str(gold.get("article") or pred.get("article") or f"article {report.articles + 1}"), source=source)
    report.articles += 1
    key = f"{source}/{article.article}" if source else article.article
    gents = gold["entities"]
    forms = [{normalize_name(g["name"])} | {normalize_name(a) for a in g.get("aliases", [])} for g in gents]
    opt_ent = [bool(g.get("optional")) for g in gents]

    # Names a gold relation uses -> the forms that match them, and whether they denote an optional entity.
    name_forms: dict[str, set[str]] = {}
    canonical_optional: dict[str, bool] = {}
    for g, f, opt in zip(gents, forms, opt_ent):
        canon = normalize_name(g["name"])
        name_forms.setdefault(canon, set()).update(f)
        canonical_optional[canon] = canonical_optional.get(canon, True) and opt
    alias_optional = {a for f, opt in zip(forms, opt_ent) if opt for a in f}

    def is_optional_name(name: str) -> bool:
        n = normalize_name(name)
        return canonical_optional[n] if n in canonical_optional else n in alias_optional

    def matches(pred_name: str, gold_name: str) -> bool:
        n = normalize_name(gold_name)
        return normalize_name(pred_name) in name_forms.get(n, {n})

    def entity_matches(p: dict, i: int) -> bool:
        return gents[i]["type"] == p["type"] and normalize_name(p["name"]) in forms[i]

    def relation_matches(p: dict, i: int) -> bool:
        g = grels[i]
        if g["predicate"] != p["predicate"]:
            return False
        direct = matches(p["subject"], g["subject"]) and matches(p["object"], g["object"])
        flipped = p["predicate"] == "COOPERATES_WITH" and matches(p["subject"], g["object"]) and matches(p["object"], g["subject"])
        return direct or flipped

    def on_entity_match(p: dict, i: int) -> None:
        report.kind_total += 1
        report.kind_correct += int(p.get("kind") == gents[i].get("kind"))

    grels = gold["relations"]
    opt_rel = [is_optional_name(g["subject"]) or is_optional_name(g["object"]) for g in grels]
    article.optional_entities = _match_items(_Side("entity", "entities", "type", report.entities, article.entities, entity_matches, on_entity_match,
                       lambda p: (p["type"], p["name"]), lambda g: (g["type"], g["name"])),
                 gents, opt_ent, pred["entities"], report, article, key)
    article.optional_relations = _match_items(_Side("relation", "relations", "predicate", report.relations, article.relations, relation_matches, None,
                       lambda p: (p["subject"], p["predicate"], p["object"]), lambda g: (g["subject"], g["predicate"], g["object"])),
                 grels, opt_rel, pred["relations"], report, article, key)
    report.per_article.append(article)
    return article


def load_gold(gold_dir: str | Path) -> list[dict]:
    """All gold files of a folder (*.json), sorted by name."""
    if not Path(gold_dir).is_dir():
        raise InputError(f"{gold_dir}: gold folder not found")
    files = sorted(Path(gold_dir).glob("*.json"))
    if not files:
        raise InputError(f"{gold_dir}: no gold *.json files found; pass the folder that holds them")
    out = []
    for f in files:
        try:
            gold = json.loads(f.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(f"{f}: not a readable gold JSON file ({exc.__class__.__name__}: {exc})") from None
        if not isinstance(gold, dict) or not isinstance(gold.get("article"), str) \
                or not isinstance(gold.get("entities"), list) or not isinstance(gold.get("relations"), list):
            raise InputError(f"{f}: not a gold file (needs \"article\", \"entities\" and \"relations\")")
        out.append(gold)
    return out


def evaluate(gold_dir: str | Path, corpus_dir: str | Path, predict, source: str = "") -> Report:
    """Score `predict(path) -> prediction dict` on every gold article found in `corpus_dir`."""
    report = Report()
    for gold, path in gold_articles(gold_dir, corpus_dir):
        score_article(gold, predict(path), report, source)
    return report


def gold_articles(gold_dir: str | Path, corpus_dir: str | Path) -> list[tuple[dict, Path]]:
    """(gold, article path) for every gold file of `gold_dir`; every article must be in `corpus_dir`."""
    if not Path(corpus_dir).is_dir():
        raise InputError(f"{corpus_dir}: corpus folder not found")
    out = []
    for gold in load_gold(gold_dir):
        path = Path(corpus_dir) / gold["article"]
        if not path.is_file():
            raise InputError(f"{path}: article of gold file not found; pass the corpus folder")
        out.append((gold, path))
    return out


def pairs_of(paths: Sequence[str]) -> list[tuple[str, str]]:
    """GOLD CORPUS [GOLD CORPUS ...] as (gold, corpus) pairs; an odd count is an input error."""
    if not paths or len(paths) % 2:
        raise InputError(f"expected GOLD_DIR CORPUS_DIR pairs, got {len(paths)} path(s): {' '.join(paths)}")
    return [(paths[i], paths[i + 1]) for i in range(0, len(paths), 2)]


@dataclass
class EvalSet:
    """The report of one gold/corpus pair."""

    gold_dir: str
    corpus_dir: str
    report: Report

    @property
    def label(self) -> str:
        return f"{self.gold_dir} on {self.corpus_dir}"


def evaluate_sets(pairs: Iterable[tuple[str, str]], predict) -> tuple[list[EvalSet], Report]:
    """Score every (gold, corpus) pair; return each set's report and the combined (micro) report."""
    sets = []
    combined = Report()
    pairs = list(pairs)
    for gold_dir, corpus_dir in pairs:
        report = evaluate(gold_dir, corpus_dir, predict, source=gold_dir if len(pairs) > 1 else "")
        sets.append(EvalSet(str(gold_dir), str(corpus_dir), report))
        combined.add(report)
    return sets, combined


def cached_extractions(extractor) -> Callable:
    """path -> the extractor's Extraction of that article file, each article read and extracted once."""
    from ingest.cleaner import clean_document
    from ingest.reader import read_file

    cache: dict = {}

    def extraction(path):
        key = str(path)
        if key not in cache:
            cache[key] = extractor.extract(clean_document(read_file(path)))
        return cache[key]

    return extraction


def _row(name: str, c: Counts) -> str:
    return f"{name:<18}{c.precision:>8.3f}{c.recall:>8.3f}{c.f1:>8.3f}{c.tp:>6}{c.pred:>6}{c.gold:>6}"


def format_report(report: Report, per_article: bool = True) -> str:
    """A plain-text table of the report."""
    lines = [f"articles: {report.articles}", "", f"{'entities':<18}{'P':>8}{'R':>8}{'F1':>8}{'tp':>6}{'pred':>6}{'gold':>6}"]
    for name, c in sorted(report.entities.items()) + [("micro", report.micro(report.entities))]:
        lines.append(_row(name, c))
    lines += ["", f"{'relations':<18}{'P':>8}{'R':>8}{'F1':>8}{'tp':>6}{'pred':>6}{'gold':>6}"]
    for name, c in sorted(report.relations.items()) + [("micro", report.micro(report.relations))]:
        lines.append(_row(name, c))
    lines += ["", f"kind accuracy: {report.kind_correct}/{report.kind_total}"]
    opt = report.optional
    if any(opt.values()):
        lines.append(f"optional gold (not scored): entities {opt['entities_matched']} matched, {opt['entities_unmatched']} unmatched; "
                     f"relations {opt['relations_matched']} matched, {opt['relations_unmatched']} unmatched")
    if per_article and report.per_article:
        width = max(18, *(len(a.article) + 2 for a in report.per_article))
        lines += ["", f"{'per article':<{width}}{'ent P':>7}{'R':>7}{'F1':>7}{'tp/pred/gold':>14}"
                      f"{'rel P':>9}{'R':>7}{'F1':>7}{'tp/pred/gold':>14}"]
        for a in report.per_article:
            e, r = a.entities, a.relations
            lines.append(f"{a.article:<{width}}{e.precision:>7.3f}{e.recall:>7.3f}{e.f1:>7.3f}{f'{e.tp}/{e.pred}/{e.gold}':>14}"
                         f"{r.precision:>9.3f}{r.recall:>7.3f}{r.f1:>7.3f}{f'{r.tp}/{r.pred}/{r.gold}':>14}")
    return "\n".join(lines)


def format_sets(sets: list[EvalSet], combined: Report) -> str:
    """Each set's report, then (for several sets) the combined micro figures."""
    if len(sets) == 1:
        return format_report(sets[0].report)
    parts = [f"== {s.label}\n{format_report(s.report)}" for s in sets]
    parts.append(f"== combined: {len(sets)} sets (micro over every article)\n{format_report(combined, per_article=False)}")
    return "\n\n".join(parts)


def sets_as_dict(sets: list[EvalSet], combined: Report) -> dict:
    """The combined report at the top level (as for one set), each set's report under "sets"."""
    return combined.as_dict() | {"sets": [{"gold": s.gold_dir, "corpus": s.corpus_dir} | s.report.as_dict() for s in sets]}


def format_errors(report: Report) -> str:
    """False positives and misses, one per line, each with its article."""
    lines = []
    for k in ("entity_fp", "entity_fn", "relation_fp", "relation_fn"):
        items = report.errors.get(k, [])
        lines.append(f"\n{k} ({len(items)})")
        lines.extend("   " + " ".join(str(x) for x in item) for item in items)
    return "\n".join(lines)


# ---- reliability (calibration) --------------------------------------------------------------

PLURAL = {"entity": "entities", "relation": "relations"}

def reliability(report: Report, fact: str, bins: int = 10) -> list[dict]:
    """Confidence bins of one fact class ("entity"/"relation"): count, correct, precision, mean confidence."""
    return reliability_bins([o for o in report.outcomes if o.fact == fact], bins)


def calibration_summary(report: Report, threshold: float = 0.4, bins: int = 10) -> dict:
    """Per fact class: reliability bins, expected calibration error, and what a threshold keeps and drops."""
    out = {}
    for fact in ("entity", "relation"):
        outs = [o for o in report.outcomes if o.fact == fact and o.confidence is not None]
        correct = [o for o in outs if o.correct]
        kept = [o for o in outs if (o.confidence or 0.0) >= threshold]
        out[fact] = {
            "facts": len(outs),
            "correct": len(correct),
            "ece": round(expected_calibration_error(outs, bins), 4),
            "bins": reliability_bins(outs, bins),
            "threshold": {
                "min_confidence": threshold,
                "kept": len(kept),
                "kept_precision": round(sum(1 for o in kept if o.correct) / len(kept), 4) if kept else 0.0,
                "correct_dropped": len(dropped := [o for o in correct if (o.confidence or 0.0) < threshold]),
                "correct_dropped_fraction": round(len(dropped) / len(correct), 4) if correct else 0.0,
            },
        }
    return out


def format_calibration(summary: dict, title: str = "") -> str:
    """The reliability table of `govkg eval --calibration`."""
    lines = [title] if title else []
    for fact, s in summary.items():
        lines += ["", f"{PLURAL[fact]:<14}{'facts':>7}{'correct':>9}{'precision':>11}{'mean conf':>11}"]
        for b in s["bins"]:
            prec = f"{b['precision']:.3f}" if b["count"] else "-"
            mean = f"{b['mean_confidence']:.3f}" if b["count"] else "-"
            label = f"[{b['lo']:.1f},{b['hi']:.1f}" + ("]" if b["hi"] >= 1.0 else ")")
            lines.append(f"{label:<14}{b['count']:>7}{b['correct']:>9}{prec:>11}{mean:>11}")
        t = s["threshold"]
        lines.append(f"{'all':<14}{s['facts']:>7}{s['correct']:>9}{(s['correct'] / s['facts'] if s['facts'] else 0):>11.3f}")
        lines.append(f"expected calibration error: {s['ece']:.3f}")
        lines.append(f"at min_confidence {t['min_confidence']}: keeps {t['kept']} facts, precision {t['kept_precision']:.3f}; "
                     f"drops {t['correct_dropped']} of {s['correct']} correct facts ({t['correct_dropped_fraction']:.1%})")
    return "\n".join(lines)
