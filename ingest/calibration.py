"""Confidence calibration: map the rules' raw confidences to the precision observed on gold.

The rules give every entity, relation and partnership a raw confidence (a heuristic score).
A :class:`CalibrationTable`, fitted on gold sets by ``govkg calibrate`` and stored in
``ingest/data/calibration.json`` (one table per extractor configuration, keyed by its
recognizers: ``rules+lac``, ``rules``), maps it per *fact family* (entity type; relation
predicate — partnerships use ``COOPERATES_WITH``) to the precision observed for facts of that
raw confidence — and within a family per kind (COOPERATES_WITH/引入), shrunk toward the
family's map: an isotonic (pool-adjacent-violators) fit, each block shrunk with
``smoothing`` pseudo-facts toward a prior — the block's raw confidence, or the family's
precision (itself shrunk toward the precision of its class: all entities / all relations) — so
a block or family seen a few times does not overfit. A family absent from the gold uses the
map of its whole class. Between the blocks' mean raw confidences the map is linear, so it stays
monotone. Prior and smoothing are chosen by leave-one-article-out Brier score.

``apply_calibration(extraction)`` rewrites the confidences of an Extraction in place (and lifts
each entity to the calibrated confidence of the surest relation naming it: a relation is right
only when its ends are);
``RuleExtractor(calibrated=True)`` (the default) calls it as its last step.
"""

from __future__ import annotations

import json
import math
import os
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Sequence

from core.errors import InputError

DATA_PATH = Path(__file__).with_name("data") / "calibration.json"
FACTS = ("entity", "relation")
PARTNERSHIP_FAMILY = "COOPERATES_WITH"
SMOOTHING_CANDIDATES = (1.0, 2.0, 5.0, 10.0, 20.0, 50.0)
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Outcome:
    """One scored prediction: its class, family, confidence and whether gold confirms it."""

    fact: str  # "entity" or "relation"
    family: str  # entity type or relation predicate
    confidence: float | None
    correct: bool
    article: str = ""
    kind: str | None = None  # the entity's kind, the relation's partnership kind (COOPERATES_WITH)


# ---- reliability figures ----------------------------------------------------------------------

def _bin_of(conf: float, bins: int) -> int:
    return min(bins - 1, max(0, int(math.floor(conf * bins + 1e-9))))


def _bin_sums(outcomes: Iterable[Outcome], bins: int) -> tuple[list[int], list[int], list[float]]:
    count, correct, total = [0] * bins, [0] * bins, [0.0] * bins
    for o in outcomes:
        if o.confidence is None:
            continue
        b = _bin_of(o.confidence, bins)
        count[b] += 1
        correct[b] += int(o.correct)
        total[b] += o.confidence
    return count, correct, total


def reliability_bins(outcomes: Iterable[Outcome], bins: int = 10) -> list[dict]:
    """Equal-width confidence bins [0,0.1) … [0.9,1.0]: count, correct, precision, mean confidence."""
    count, correct, total = _bin_sums(outcomes, bins)
    return [{"lo": round(b / bins, 4), "hi": round((b + 1) / bins, 4), "count": count[b], "correct": correct[b],
             "precision": round(correct[b] / count[b], 4) if count[b] else None,
             "mean_confidence": round(total[b] / count[b], 4) if count[b] else None} for b in range(bins)]


def expected_calibration_error(outcomes: Iterable[Outcome], bins: int = 10) -> float:
    """Σ_b (n_b / N) · |precision_b − mean confidence_b| over equal-width bins (0 for no facts)."""
    count, correct, total = _bin_sums(outcomes, bins)
    n = sum(count)
    return sum(abs(correct[b] - total[b]) for b in range(bins)) / n if n else 0.0


# ---- the table --------------------------------------------------------------------------------

@dataclass(frozen=True)
class FamilyMap:
    """Monotone map of one fact family: knots (mean raw confidence → calibrated confidence)."""

    n: int
    correct: int
    prior: float
    raw: tuple[float, ...]
    calibrated: tuple[float, ...]

    def __call__(self, conf: float) -> float:
        xs, ys = self.raw, self.calibrated
        if not xs:
            return self.prior
        if conf <= xs[0]:
            return ys[0]
        if conf >= xs[-1]:
            return ys[-1]
        i = bisect_right(xs, conf)
        x0, x1, y0, y1 = xs[i - 1], xs[i], ys[i - 1], ys[i]
        return y0 + (y1 - y0) * (conf - x0) / (x1 - x0) if x1 > x0 else y1

    def as_dict(self) -> dict:
        return {"n": self.n, "correct": self.correct, "prior": round(self.prior, 4),
                "raw": [round(x, 4) for x in self.raw], "calibrated": [round(y, 4) for y in self.calibrated]}

    @classmethod
    def from_dict(cls, d: dict) -> "FamilyMap":
        raw, cal = tuple(float(x) for x in d["raw"]), tuple(float(y) for y in d["calibrated"])
        if len(raw) != len(cal) or any(b < a for a, b in zip(raw, raw[1:])):
            raise ValueError("knots must be increasing and as many as the calibrated values")
        return cls(int(d["n"]), int(d["correct"]), float(d["prior"]), raw, cal)


@dataclass
class CalibrationTable:
    """Per fact class ("entity", "relation"): a map per family and a pooled map for unseen families."""

    families: dict[str, dict[str, FamilyMap]] = field(default_factory=dict)
    pooled: dict[str, FamilyMap] = field(default_factory=dict)
    kinds: dict[str, dict[str, dict[str, FamilyMap]]] = field(default_factory=dict)
    smoothing: float = 10.0
    prior: str = "family"
    meta: dict = field(default_factory=dict)

    def map(self, fact: str, family: str, conf: float, kind: str | None = None) -> float:
        """The calibrated confidence of a raw one (unchanged when the class was never fitted):
        the map of the family's kind, else of the family, else of the whole class."""
        fmap = (self.kinds.get(fact, {}).get(family, {}).get(kind) if kind else None) \
            or self.families.get(fact, {}).get(family) or self.pooled.get(fact)
        return round(fmap(conf), 4) if fmap else conf

    def as_dict(self) -> dict:
        return {**self.meta, "smoothing": self.smoothing, "prior": self.prior,
                "pooled": {k: v.as_dict() for k, v in sorted(self.pooled.items())},
                "families": {fact: {k: v.as_dict() for k, v in sorted(fams.items())} for fact, fams in sorted(self.families.items())},
                "kinds": {fact: {fam: {k: v.as_dict() for k, v in sorted(kinds.items())} for fam, kinds in sorted(fams.items())}
                          for fact, fams in sorted(self.kinds.items()) if fams}}

    @classmethod
    def from_dict(cls, d: dict) -> "CalibrationTable":
        meta = {k: v for k, v in d.items() if k not in ("smoothing", "prior", "pooled", "families", "kinds")}
        return cls({fact: {k: FamilyMap.from_dict(v) for k, v in fams.items()} for fact, fams in d["families"].items()},
                   {k: FamilyMap.from_dict(v) for k, v in d["pooled"].items()},
                   {fact: {fam: {k: FamilyMap.from_dict(v) for k, v in kinds.items()} for fam, kinds in fams.items()}
                    for fact, fams in d.get("kinds", {}).items()},
                   float(d["smoothing"]), str(d.get("prior", "family")), meta)


def table_key(recognizers: Sequence[str]) -> str:
    """The key of an extractor configuration's table: its recognizers, e.g. "rules+lac"."""
    return "+".join(recognizers)


def save_tables(tables: dict[str, CalibrationTable], path: str | Path = DATA_PATH, note: str = "") -> Path:
    """Write the tables of every extractor configuration to one JSON file (atomically)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"version": FORMAT_VERSION, "note": note, "tables": {k: t.as_dict() for k, t in sorted(tables.items())}}
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


_CACHE: dict[str, tuple[float, dict[str, CalibrationTable]]] = {}


def load_tables(path: str | Path | None = None) -> dict[str, CalibrationTable]:
    """Every table stored at `path` (default ingest/data/calibration.json), by key; {} when there is no file."""
    path = Path(path) if path else DATA_PATH
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return {}
    cached = _CACHE.get(str(path))
    if cached and cached[0] == mtime:
        return cached[1]
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if doc.get("version") != FORMAT_VERSION:
            raise ValueError(f"format version {doc.get('version')!r}, expected {FORMAT_VERSION}")
        tables = {k: CalibrationTable.from_dict(v) for k, v in doc["tables"].items()}
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"{path}: unreadable calibration table ({exc}); refit it with `govkg calibrate` (README, Extraction quality)") from None
    _CACHE[str(path)] = (mtime, tables)
    return tables


def load_table(recognizers: Sequence[str] | None = None, path: str | Path | None = None) -> CalibrationTable | None:
    """The stored table of an extractor configuration (default: the default mode); None when not fitted.

    Without a table for exactly these recognizers, the table of the largest fitted subset of them
    serves (rules+lac+patterns, i.e. with a user lexicon, uses the rules+lac table)."""
    if recognizers is None:
        from ingest.components import MODES

        recognizers = MODES["default"]
    tables = load_tables(path)
    if table_key(recognizers) in tables:
        return tables[table_key(recognizers)]
    subsets = [k for k in tables if set(k.split("+")) <= set(recognizers)]
    return tables[max(subsets, key=lambda k: len(k.split("+")))] if subsets else None


def apply_calibration(extraction, recognizers: Sequence[str] | None = None, table: CalibrationTable | None = None):
    """Rewrite the confidences of an ingest.model.Extraction in place, and return it.

    `table` defaults to the stored table of `recognizers` (the extractor's configuration); with
    no table fitted for it the raw confidences stay."""
    table = table if table is not None else load_table(recognizers)
    if table is None:
        return extraction
    for e in extraction.entities.values():
        e.confidence = table.map("entity", e.type, e.confidence, e.kind)
    for r in extraction.relations:
        r.confidence = table.map("relation", r.predicate, r.confidence, r.props.get("kind"))
    for p in extraction.partnerships:
        p.confidence = table.map("relation", PARTNERSHIP_FAMILY, p.confidence, p.kind)
    supported_by_relations(extraction)
    return extraction


def supported_by_relations(extraction) -> None:
    """Raise each entity's confidence to that of the most confident relation it is an end of.

    A relation is correct only when both its ends name gold entities, so the calibrated
    precision of a relation bounds from below the precision of the names at its ends: an
    award holder the recognizer was unsure of (a community written after an unknown street)
    is as sure as the AWARDED fact that names it."""
    ends: dict[str, float] = {}
    for r in extraction.relations:
        for key in (r.subject, r.object):
            ends[key] = max(ends.get(key, 0.0), r.confidence)
    for key, conf in ends.items():
        e = extraction.entities.get(key)
        if e is not None and conf > e.confidence:
            e.confidence = conf


calibrate = apply_calibration


# ---- fitting ----------------------------------------------------------------------------------

PRIORS = ("family", "raw")


def _isotonic(samples: Sequence[tuple[float, bool]], prior: float, m: float, prior_of: Callable[[float], float]) -> FamilyMap:
    """Pool-adjacent-violators on (raw, correct); every block shrunk by `m` pseudo-facts toward
    `prior_of(its mean raw confidence)`. `prior` is recorded as the family's precision."""
    groups: dict[float, list[int]] = defaultdict(lambda: [0, 0])
    for conf, ok in samples:
        g = groups[round(conf, 4)]
        g[0] += 1
        g[1] += int(ok)

    def value(b) -> float:
        return (b[2] + m * prior_of(b[0] / b[1])) / (b[1] + m)

    blocks: list[list[float]] = []  # [sum of raw, n, correct]
    for conf in sorted(groups):
        n, c = groups[conf]
        blocks.append([conf * n, n, c])
        while len(blocks) > 1 and value(blocks[-2]) > value(blocks[-1]):
            last = blocks.pop()
            for k in range(3):
                blocks[-1][k] += last[k]
    return FamilyMap(int(sum(b[1] for b in blocks)), int(sum(b[2] for b in blocks)), prior,
                     tuple(b[0] / b[1] for b in blocks), tuple(value(b) for b in blocks))


def _precision(outs: Sequence[Outcome], m: float, prior: float) -> float:
    return (sum(o.correct for o in outs) + m * prior) / (len(outs) + m)


def _points(outs: list[Outcome]) -> list[tuple[float, bool]]:
    """(confidence, correct) of the outcomes that have a confidence."""
    return [(o.confidence, o.correct) for o in outs if o.confidence is not None]


def _toward(prior: str, value: float) -> Callable[[float], float]:
    """What a map's blocks shrink toward: the raw confidence ("raw") or a fixed precision."""
    return (lambda raw: raw) if prior == "raw" else (lambda raw: value)


def fit(outcomes: Iterable[Outcome], smoothing: float = 10.0, prior: str = "family", by_kind: bool = True,
        meta: dict | None = None) -> CalibrationTable:
    """Fit a table on scored predictions that carry their RAW confidence.

    Per fact class, per family (entity type, predicate) and, with `by_kind`, per kind within a
    family (Organization/enterprise, COOPERATES_WITH/引入): each map's blocks are shrunk toward
    `prior` — "raw": the raw confidence, "family": the family's precision — and a kind's blocks
    toward the value its family's map gives them."""
    if prior not in PRIORS:
        raise ValueError(f"prior must be one of {', '.join(PRIORS)}, got {prior!r}")
    by_fact: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        if o.confidence is not None and o.fact in FACTS:
            by_fact[o.fact].append(o)
    table = CalibrationTable(smoothing=smoothing, prior=prior, meta=dict(meta or {}))
    m = smoothing
    for fact, outs in by_fact.items():
        class_prior = (sum(o.correct for o in outs) + 1) / (len(outs) + 2)
        table.pooled[fact] = _isotonic(_points(outs), class_prior, m, _toward(prior, class_prior))
        fams: dict[str, list[Outcome]] = defaultdict(list)
        for o in outs:
            fams[o.family].append(o)
        table.families[fact], table.kinds[fact] = {}, {}
        for family, fouts in sorted(fams.items()):
            fam_prior = _precision(fouts, m, class_prior)
            fmap = table.families[fact][family] = _isotonic(_points(fouts), fam_prior, m, _toward(prior, fam_prior))
            if not by_kind:
                continue
            kinds: dict[str, list[Outcome]] = defaultdict(list)
            for o in fouts:
                if o.kind:
                    kinds[o.kind].append(o)
            if len(kinds) > 1 or (kinds and sum(map(len, kinds.values())) < len(fouts)):
                table.kinds[fact][family] = {kind: _isotonic(_points(kouts), _precision(kouts, m, fam_prior), m, fmap)
                                             for kind, kouts in sorted(kinds.items())}
    return table


def recalibrated(outcomes: Iterable[Outcome], table: CalibrationTable) -> list[Outcome]:
    """The same outcomes with confidences mapped through `table`."""
    return [replace(o, confidence=table.map(o.fact, o.family, o.confidence, o.kind)) if o.confidence is not None else o
            for o in outcomes]


def held_out(outcomes: Sequence[Outcome], smoothing: float, prior: str = "family", by_kind: bool = True) -> list[Outcome]:
    """Leave-one-article-out: each article's outcomes mapped by a table fitted on the other articles."""
    by_article: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        by_article[o.article].append(o)
    out = []
    for article, outs in by_article.items():
        table = fit([o for o in outcomes if o.article != article], smoothing, prior, by_kind)
        out.extend(recalibrated(outs, table))
    return out


def brier(outcomes: Iterable[Outcome]) -> float:
    """Mean squared error of confidence against correctness."""
    errs = [(o.confidence - float(o.correct)) ** 2 for o in outcomes if o.confidence is not None]
    return sum(errs) / len(errs) if errs else 0.0


def choose_settings(outcomes: Sequence[Outcome], smoothings: Sequence[float] = SMOOTHING_CANDIDATES,
                    priors: Sequence[str] = PRIORS, by_kinds: Sequence[bool] = (True, False)) -> tuple[float, str, bool, float]:
    """(smoothing, prior, by_kind, held-out Brier) with the lowest leave-one-article-out Brier score.

    Ties go to the larger smoothing (the safer map) and to maps without kinds."""
    scored = [(round(brier(held_out(outcomes, m, p, k)), 6), -m, k, p) for p in priors for m in smoothings for k in by_kinds]
    best = min(scored)
    return -best[1], best[3], best[2], best[0]
