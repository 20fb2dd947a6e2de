"""Extraction quality and speed of every mode, each beside plain `jieba.lcut` measured in the same run.

    python -m bench.extraction [--shared ../shared] [--repeats 3]

For each mode (default: rules + LAC; rules: rules only) it scores the dev and wide gold sets
(P/R/F1 per type and micro, kind accuracy, at the eval threshold) and measures chars per CPU
second on the same cleaned articles, with `jieba.lcut` on the same texts as the baseline.
It writes bench/reports/extraction-<time>.json and prints a table.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import jieba

from bench.report import write_report
from govkg.evaluation import evaluate_sets
from ingest.cleaner import clean_document
from ingest.components import MODES, ExtractorConfig
from ingest.extractor import RuleExtractor
from ingest.reader import read_file

REPO = Path(__file__).resolve().parents[1]


def gold_sets(shared: Path) -> dict[str, tuple[Path, Path]]:
    """The gold/corpus pairs of ../shared that exist on this machine."""
    sets = {"dev": (shared / "gold" / "dev", shared / "corpus"), "wide": (shared / "wide" / "gold", shared / "wide" / "articles")}
    return {k: v for k, v in sets.items() if v[0].is_dir() and v[1].is_dir()}


def cpu_chars_per_second(work, texts_chars: int, repeats: int) -> float:
    """Best of `repeats` CPU-time runs of `work()`, as chars per CPU second."""
    best = float("inf")
    for _ in range(repeats):
        t0 = time.process_time()
        work()
        best = min(best, time.process_time() - t0)
    return texts_chars / best if best > 0 else float("inf")


def measure_mode(mode: str, sets: dict[str, tuple[Path, Path]], repeats: int, min_confidence: float) -> dict:
    """Scores on each gold set and speed on all their articles, for one mode."""
    extractor = RuleExtractor(ExtractorConfig.for_mode(mode))
    articles = [clean_document(read_file(p)) for _, corpus in sets.values() for p in sorted(corpus.glob("*.txt"))]
    extractor.extract(articles[0])  # load models and dictionaries outside the timing
    jieba.lcut(articles[0].text)
    chars = sum(len(a.text) for a in articles)
    speed = cpu_chars_per_second(lambda: [extractor.extract(a) for a in articles], chars, repeats)
    baseline = cpu_chars_per_second(lambda: [jieba.lcut(a.text) for a in articles], chars, repeats)
    scores = {}
    for name, (gold, corpus) in sets.items():
        _, report = evaluate_sets([(gold, corpus)], lambda p: extractor.extract(clean_document(read_file(p))).as_prediction(min_confidence))
        scores[name] = report.as_dict()
    return {
        "mode": mode,
        "recognizers": list(extractor.config.recognizers),
        "articles": len(articles),
        "chars": chars,
        "extract_chars_per_cpu_second": round(speed),
        "jieba_lcut_chars_per_cpu_second": round(baseline),
        "extract_vs_jieba_time_ratio": round(baseline / speed, 2),
        "scores": scores,
    }


def print_table(report: dict) -> None:
    """One line per mode and set: micro F1 of entities and relations, and speed."""
    for m in report["modes"]:
        print(f"mode {m['mode']:<8} {m['extract_chars_per_cpu_second']:>9,} chars/s/core   jieba.lcut "
              f"{m['jieba_lcut_chars_per_cpu_second']:,}   ratio {m['extract_vs_jieba_time_ratio']}×")
        for name, s in m["scores"].items():
            e, r = s["entities"]["micro"], s["relations"]["micro"]
            print(f"    {name:<5} entities P {e['precision']:.3f} R {e['recall']:.3f} F1 {e['f1']:.3f}   "
                  f"relations P {r['precision']:.3f} R {r['recall']:.3f} F1 {r['f1']:.3f}   kind accuracy {s['kind_accuracy']:.3f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.extraction", description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared", help="the shared folder with gold sets")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--min-confidence", type=float, default=0.4, help="as govkg eval and ingest")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "reports")
    args = ap.parse_args(argv)
    sets = gold_sets(args.shared)
    if not sets:
        print(f"bench.extraction: no gold sets under {args.shared}", file=sys.stderr)
        return 2
    report = {
        "when": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "python": sys.version.split()[0],
        "min_confidence": args.min_confidence,
        "sets": {k: [str(g), str(c)] for k, (g, c) in sets.items()},
        "modes": [measure_mode(mode, sets, args.repeats, args.min_confidence) for mode in MODES],
    }
    path = write_report(args.out, "extraction", report)
    print_table(report)
    print(f"report: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
