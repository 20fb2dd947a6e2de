"""Score predictions against gold annotations exactly as shared/gold/README.md specifies."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from govkg.errors import InputError
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
class Report:
    """Per-type and micro scores for entities and relations, plus kind accuracy."""

    entities: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    relations: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    kind_correct: int = 0
    kind_total: int = 0
    articles: int = 0
    errors: dict[str, list] = field(default_factory=lambda: defaultdict(list))

    def micro(self, table: dict[str, Counts]) -> Counts:
        """Sum of a table's counts."""
        total = Counts()
        for c in table.values():
            total.add(c)
        return total

    def as_dict(self) -> dict:
        """A JSON-friendly view of the whole report."""
        return {
            "articles": self.articles,
            "entities": {k: v.as_dict() for k, v in sorted(self.entities.items())} | {"micro": self.micro(self.entities).as_dict()},
            "relations": {k: v.as_dict() for k, v in sorted(self.relations.items())} | {"micro": self.micro(self.relations).as_dict()},
            "kind_accuracy": round(self.kind_correct / self.kind_total, 4) if self.kind_total else 0.0,
        }


def score_article(gold: dict, pred: dict, report: Report) -> None:
    """Add one article's matches to `report`."""
    report.articles += 1
    gold_names: dict[str, set[str]] = {}
    for g in gold["entities"]:
        forms = {normalize_name(g["name"])} | {normalize_name(a) for a in g.get("aliases", [])}
        gold_names[normalize_name(g["name"])] = forms
    used: set[int] = set()
    for g in gold["entities"]:
        report.entities[g["type"]].gold += 1
    for p in pred["entities"]:
        report.entities[p["type"]].pred += 1
        name = normalize_name(p["name"])
        for i, g in enumerate(gold["entities"]):
            if i in used or g["type"] != p["type"]:
                continue
            if name in gold_names[normalize_name(g["name"])]:
                used.add(i)
                report.entities[p["type"]].tp += 1
                report.kind_total += 1
                report.kind_correct += int(p.get("kind") == g.get("kind"))
                break
        else:
            report.errors["entity_fp"].append((p["type"], p["name"]))
    for i, g in enumerate(gold["entities"]):
        if i not in used:
            report.errors["entity_fn"].append((g["type"], g["name"]))

    def matches(pred_name: str, gold_name: str) -> bool:
        forms = gold_names.get(normalize_name(gold_name), {normalize_name(gold_name)})
        return normalize_name(pred_name) in forms

    used_r: set[int] = set()
    for g in gold["relations"]:
        report.relations[g["predicate"]].gold += 1
    for p in pred["relations"]:
        report.relations[p["predicate"]].pred += 1
        for i, g in enumerate(gold["relations"]):
            if i in used_r or g["predicate"] != p["predicate"]:
                continue
            direct = matches(p["subject"], g["subject"]) and matches(p["object"], g["object"])
            flipped = p["predicate"] == "COOPERATES_WITH" and matches(p["subject"], g["object"]) and matches(p["object"], g["subject"])
            if direct or flipped:
                used_r.add(i)
                report.relations[p["predicate"]].tp += 1
                break
        else:
            report.errors["relation_fp"].append((p["subject"], p["predicate"], p["object"]))
    for i, g in enumerate(gold["relations"]):
        if i not in used_r:
            report.errors["relation_fn"].append((g["subject"], g["predicate"], g["object"]))


def load_gold(gold_dir: str | Path) -> list[dict]:
    """All gold files of a folder (*.json), sorted by name."""
    files = sorted(Path(gold_dir).glob("*.json"))
    if not files:
        raise InputError(f"{gold_dir}: no gold *.json files found; pass the folder that holds them")
    return [json.loads(f.read_text(encoding="utf-8")) for f in files]


def evaluate(gold_dir: str | Path, corpus_dir: str | Path, predict) -> Report:
    """Score `predict(path) -> prediction dict` on every gold article found in `corpus_dir`."""
    report = Report()
    for gold in load_gold(gold_dir):
        path = Path(corpus_dir) / gold["article"]
        if not path.is_file():
            raise InputError(f"{path}: article of gold file not found; pass the corpus folder")
        score_article(gold, predict(path), report)
    return report


def format_report(report: Report) -> str:
    """A plain-text table of the report."""
    lines = [f"articles: {report.articles}", "", f"{'entities':<18}{'P':>8}{'R':>8}{'F1':>8}{'tp':>6}{'pred':>6}{'gold':>6}"]
    for name, c in sorted(report.entities.items()) + [("micro", report.micro(report.entities))]:
        lines.append(f"{name:<18}{c.precision:>8.3f}{c.recall:>8.3f}{c.f1:>8.3f}{c.tp:>6}{c.pred:>6}{c.gold:>6}")
    lines += ["", f"{'relations':<18}{'P':>8}{'R':>8}{'F1':>8}{'tp':>6}{'pred':>6}{'gold':>6}"]
    for name, c in sorted(report.relations.items()) + [("micro", report.micro(report.relations))]:
        lines.append(f"{name:<18}{c.precision:>8.3f}{c.recall:>8.3f}{c.f1:>8.3f}{c.tp:>6}{c.pred:>6}{c.gold:>6}")
    lines += ["", f"kind accuracy: {report.kind_correct}/{report.kind_total}"]
    return "\n".join(lines)
