"""How well the `similar` query finds initiatives that do the same kind of thing: precision and recall
of labelled initiative pairs (a pair is predicted same-kind when both fall in one cluster).

Two sets: the hand-labelled pairs of bench/data/similar_pairs.tsv (dev and wide gold initiatives,
looked up in a store built from ../shared/corpus and ../shared/wide/articles), and every pair of the
synthetic generator's initiatives (same kind = same template head: 长者食堂, 微更新…).

    python -m bench.similar [--synthetic 1000] [--min-similarity 45]

It writes bench/reports/similar-<time>.json and prints a table.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from itertools import combinations
from pathlib import Path

from bench.generator import PROJECT_HEAD, SPACE_HEAD, write_corpus
from bench.report import utc_stamp, write_report
from govkg.evaluation import Counts
from graph.sqlite_store import SQLiteStore
from ingest.pipeline import Pipeline
from ingest.resolve import normalize_name
from queries import run_query

REPO = Path(__file__).resolve().parent.parent
PAIRS = REPO / "bench" / "data" / "similar_pairs.tsv"
SHARED = REPO.parent / "shared"
SYNTHETIC_HEADS = tuple(SPACE_HEAD) + tuple(PROJECT_HEAD) + ("共建协议",)


@dataclass(frozen=True)
class LabelledPair:
    """Two initiatives by name and article file, labelled by what they do."""

    name_a: str
    article_a: str
    name_b: str
    article_b: str
    same: bool
    reason: str


@dataclass
class PairScore:
    """Counts of a pair set: true/false positives and negatives, and pairs whose initiatives the store lacks."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    missing: int = 0

    @property
    def counts(self) -> Counts:
        """As the extraction scores count: predicted pairs = tp + fp, gold pairs = tp + fn."""
        return Counts(self.tp, self.tp + self.fp, self.tp + self.fn)

    @property
    def precision(self) -> float:
        return self.counts.precision

    @property
    def recall(self) -> float:
        return self.counts.recall

    def add(self, truth: bool, predicted: bool) -> None:
        if truth:
            self.tp, self.fn = self.tp + predicted, self.fn + (not predicted)
        else:
            self.fp, self.tn = self.fp + predicted, self.tn + (not predicted)

    def summary(self) -> dict:
        return asdict(self) | {"precision": round(self.precision, 3), "recall": round(self.recall, 3)}


def load_pairs(path: Path = PAIRS) -> list[LabelledPair]:
    """The labelled pairs file (TSV with a header: name_a, article_a, name_b, article_b, label, reason)."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    out = []
    for r in rows:
        if r["label"] not in ("same-kind", "different"):
            raise ValueError(f"{path}: label must be same-kind or different, got {r['label']!r}")
        out.append(LabelledPair(r["name_a"], r["article_a"], r["name_b"], r["article_b"], r["label"] == "same-kind", r["reason"]))
    return out


class InitiativeIndex:
    """Finds the stored initiative that stands for a gold one: the same normalized name or alias in that
    article (the gold contract's rule), else the one whose name contains it or is contained in it
    (at least 3 characters; the longest overlap wins), as 产业园党群服务中心 for 老钢厂设计创意产业园党群服务中心."""

    def __init__(self, store):
        files = {a.id: Path(a.path).name for a in store.iter_articles(with_text=False)}
        self.forms: dict[str, list[tuple[str, str]]] = {}  # article file → (normalized form, id)
        for n in sorted(store.iter_nodes("Initiative"), key=lambda n: n.id):
            for a in sorted({files[m.article_id] for m in store.mentions_of(n.id) if m.article_id in files}):
                self.forms.setdefault(a, []).extend((normalize_name(f), n.id) for f in [n.name, *n.aliases])

    def find(self, name: str, article: str) -> str | None:
        """The id standing for `name` in `article`, or None when the extractor missed it."""
        want = normalize_name(name)
        forms = self.forms.get(article, [])
        exact = [i for f, i in forms if f == want]
        if exact:
            return exact[0]
        near = [(-min(len(f), len(want)), i) for f, i in forms if min(len(f), len(want)) >= 3 and (f in want or want in f)]
        return min(near)[1] if near else None


def clusters_of(store, min_similarity: float) -> dict[str, int]:
    """initiative id → cluster number in `similar` (every cluster, any scope)."""
    rows = run_query(store, "similar", {"min_similarity": min_similarity, "limit": 10**9}).rows
    return {r["id"]: r["cluster"] for r in rows}


def score_labelled(store, pairs: list[LabelledPair], min_similarity: float) -> PairScore:
    """Precision/recall of the labelled pairs whose two initiatives the store holds."""
    index, cluster, score = InitiativeIndex(store), clusters_of(store, min_similarity), PairScore()
    for p in pairs:
        a, b = index.find(p.name_a, p.article_a), index.find(p.name_b, p.article_b)
        if not a or not b or a == b:
            score.missing += 1
            continue
        score.add(p.same, a in cluster and cluster.get(a) == cluster.get(b))
    return score


def synthetic_head(name: str) -> str | None:
    """The generator's template head a synthetic initiative name ends with (its ground-truth kind)."""
    return next((h for h in SYNTHETIC_HEADS if normalize_name(name).endswith(h)), None)


def score_synthetic(store, min_similarity: float) -> PairScore:
    """Every pair of synthetic initiatives the store holds: same kind when both end with one template head."""
    heads = {}
    for n in store.iter_nodes("Initiative"):
        head = synthetic_head(n.name)
        if head:
            heads[n.id] = head
    cluster, score = clusters_of(store, min_similarity), PairScore()
    for a, b in combinations(sorted(heads), 2):
        score.add(heads[a] == heads[b], a in cluster and cluster.get(a) == cluster.get(b))
    return score


def timing(store) -> dict:
    """Seconds of `similar`'s first call (mention sentences read, index built: once per graph version), of the
    same call again with the result cache emptied (clustering, places and reasons on the kept index: what
    every later call costs), of a call at another threshold, and, as the baseline of the same run,
    `duplicates`' first call."""
    from graph.traversal import graph_of

    g = graph_of(store)
    out = {}
    for key, name, params in (("duplicates_first_s", "duplicates", {}), ("similar_first_s", "similar", {}),
                              ("similar_uncached_s", "similar", {}), ("similar_rethreshold_s", "similar", {"min_similarity": 60.0})):
        g.graph.pop("results", None)
        start = time.perf_counter()
        run_query(store, name, params)
        out[key] = round(time.perf_counter() - start, 3)
    index = g.graph["similar_index"][None]
    n = len(index.profiles)
    return out | {"initiatives": n, "candidate_pairs_kept": len(index.pairs), "all_pairs": n * (n - 1) // 2}


def real_store(folder: Path) -> SQLiteStore:
    """A store of ../shared/corpus and ../shared/wide/articles."""
    store = SQLiteStore(folder / "real.db")
    Pipeline(store).ingest([SHARED / "corpus", SHARED / "wide" / "articles"])
    return store


def synthetic_store(folder: Path, count: int, seed: int = 7) -> SQLiteStore:
    """A store of `count` generated articles."""
    store = SQLiteStore(folder / "synthetic.db")
    Pipeline(store).ingest(write_corpus(folder / "articles", count, seed))
    return store


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.similar", description=__doc__.split("\n\n")[0])
    ap.add_argument("--synthetic", type=int, default=1000, help="synthetic articles (default 1000)")
    ap.add_argument("--min-similarity", type=float, default=45.0)
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "reports")
    args = ap.parse_args(argv)
    if not (SHARED / "corpus").is_dir() or not (SHARED / "wide" / "articles").is_dir():
        print(f"error: ../shared/corpus and ../shared/wide/articles are needed (looked in {SHARED})", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        real = score_labelled(real_store(Path(tmp)), load_pairs(), args.min_similarity)
        store = synthetic_store(Path(tmp), args.synthetic)
        speed = timing(store)
        synthetic = score_synthetic(store, args.min_similarity)
    stamp = utc_stamp()
    report = {"run": stamp, "min_similarity": args.min_similarity, "synthetic_articles": args.synthetic,
              "labelled": real.summary(), "synthetic": synthetic.summary(), "timing": speed}
    path = write_report(args.out, "similar", report, stamp)
    for name, s in (("labelled pairs", real), ("synthetic pairs", synthetic)):
        print(f"{name:16} precision {s.precision:.3f}  recall {s.recall:.3f}  (tp {s.tp} fp {s.fp} fn {s.fn} tn {s.tn}, missing {s.missing})")
    print(f"speed on {speed['initiatives']} synthetic initiatives: similar {speed['similar_first_s']} s first call, "
          f"{speed['similar_uncached_s']} s again uncached, {speed['similar_rethreshold_s']} s at another threshold (duplicates {speed['duplicates_first_s']} s); "  # noqa: E501 - one literal
          f"{speed['candidate_pairs_kept']} of {speed['all_pairs']} pairs scored ≥ 0.2")
    print(f"report: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
