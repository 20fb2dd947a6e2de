"""The `govkg` command line: ingest, extract, eval, query, stats, demo, export, migrate, curate, app, bench."""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
from pathlib import Path

from core.errors import GovkgError

SAMPLE_CORPUS = Path(__file__).with_name("sample_corpus")


def _store(args, must_exist: bool = False):
    """The store of `--store`; commands that only read it refuse an embedded store that does not exist
    (a mistyped path would otherwise be a new, empty store) and open it read-only."""
    import queries  # noqa: F401 - registers the queries' derived tables (graph.derived), kept by every write
    from graph.factory import open_store

    if must_exist:
        _existing_store(args.store, "--store")
    return open_store(args.store, read_only=must_exist)


def _existing_store(uri: str | None, option: str) -> None:
    from graph.factory import NEO4J_SCHEMES, default_store_uri

    uri = uri or default_store_uri()
    if uri.startswith(NEO4J_SCHEMES):
        return
    path = Path(uri[len("sqlite:///"):] if uri.startswith("sqlite:///") else uri).expanduser()
    if path.is_dir():
        path = path / "graph.db"
    if not path.is_file():
        raise GovkgError(f"no govkg store at {path} ({option} {uri}); check the path, or create it with `govkg ingest PATH`")


def cmd_ingest(args) -> int:
    """Exit 0: every path existed and its articles are stored (bad files skipped and counted);
    1: some input path does not exist (the others are still ingested) or every file was skipped."""
    from govkg.api import IngestSummary, ingest_paths

    extractor = _extractor(args)  # a bad lexicon stops here, before the store is opened
    missing = [p for p in args.paths if not os.path.exists(p)]
    for path in missing:
        print(f"govkg: error: {path}: no such file or folder; the other paths are ingested", file=sys.stderr)
    if len(missing) == len(args.paths):
        summary = IngestSummary(missing=missing)
    else:
        store = _store(args)
        try:
            summary = ingest_paths(store, extractor, args.paths, min_confidence=args.min_confidence, workers=args.workers,
                                   progress=not args.quiet)
        finally:
            store.close()
    print(summary.summary())
    return summary.exit_code


def _extractor(args):
    """The extractor of `--mode` (default: rules + LAC), with the user lexicons of `--lexicon` (bad files: one-line error)."""
    from govkg.api import make_extractor

    return make_extractor(getattr(args, "mode", None) or "default", getattr(args, "lexicon", None))


def cmd_extract(args) -> int:
    from ingest.cleaner import clean_document
    from ingest.reader import read_file

    extraction = _extractor(args).extract(clean_document(read_file(args.file)))
    prediction = extraction.as_prediction(args.min_confidence)
    if args.json:
        print(json.dumps(prediction, ensure_ascii=False, indent=2))
    else:
        for e in prediction["entities"]:
            print(f"{e['type']:<13}{(e['kind'] or ''):<19}{e['name']}  {'、'.join(e['aliases'])}")
        print()
        for r in prediction["relations"]:
            print(f"{r['subject']} -[{r['predicate']}]-> {r['object']}   ({r['confidence']})")
    return 0


def cmd_eval(args) -> int:
    from dataclasses import replace

    from govkg.evaluation import cached_extractions, calibration_summary, evaluate_sets, format_calibration, format_errors, format_sets, pairs_of, sets_as_dict

    pairs = pairs_of(args.paths)
    extractor = _extractor(args)
    if args.raw:  # calibration is the extractor's last step, switched by its configuration
        extractor.config = replace(extractor.config, calibrated=False)
    extraction = cached_extractions(extractor)
    sets, combined = evaluate_sets(pairs, lambda p: extraction(p).as_prediction(args.min_confidence))
    calibration = None
    if args.calibration:  # every fact the extractor emits, whatever its confidence
        _, everything = evaluate_sets(pairs, lambda p, extraction=extraction: extraction(p).as_prediction(0.0))
        calibration = calibration_summary(everything, args.cutoff)
    if args.json:
        doc = sets_as_dict(sets, combined) | {"min_confidence": args.min_confidence, "calibrated": not args.raw}
        if calibration is not None:
            doc["calibration"] = calibration
        if args.errors:
            doc["errors"] = {k: [list(x) for x in v] for k, v in combined.errors.items()}
        print(json.dumps(doc, ensure_ascii=False, indent=2))
        return 0
    print(format_sets(sets, combined))
    if calibration is not None:
        print("\n== reliability of " + ("raw" if args.raw else "calibrated")
              + f" confidences: every fact extracted, {combined.articles} articles")
        print(format_calibration(calibration))
    if args.errors:
        for s in sets:
            if len(sets) > 1:
                print(f"\n== errors: {s.label}")
            print(format_errors(s.report))
    return 0


def cmd_calibrate(args) -> int:
    from govkg.evaluation import PLURAL, cached_extractions, calibration_summary, evaluate_sets, format_calibration, pairs_of
    from ingest.calibration import (
        DATA_PATH,
        FACTS,
        PRIORS,
        SMOOTHING_CANDIDATES,
        brier,
        choose_settings,
        expected_calibration_error,
        fit,
        held_out,
        load_tables,
        recalibrated,
        save_tables,
        table_key,
    )
    from ingest.components import MODES, ExtractorConfig
    from ingest.extractor import RuleExtractor

    pairs = pairs_of(args.paths)
    if args.mode != "all" and args.mode not in MODES:
        raise GovkgError(f"unknown mode {args.mode!r}; choose from all, {', '.join(MODES)}")
    modes = list(MODES) if args.mode == "all" else [args.mode]
    out = Path(args.out) if args.out else DATA_PATH
    try:
        tables = load_tables(out)
    except GovkgError:
        tables = {}  # an unreadable table file is replaced
    for mode in modes:
        config = ExtractorConfig.for_mode(mode, calibrated=False)  # fit on RAW confidences
        extraction = cached_extractions(RuleExtractor(config))
        _, report = evaluate_sets(pairs, lambda p, extraction=extraction: extraction(p).as_prediction(0.0))
        outcomes = report.outcomes
        smoothing, prior, by_kind, _ = choose_settings(outcomes, (args.smoothing,) if args.smoothing else SMOOTHING_CANDIDATES,
                                                       (args.prior,) if args.prior else PRIORS)
        meta = {"mode": mode, "fitted_on": [f"{g} on {c}" for g, c in pairs], "articles": report.articles,
                "refit": "govkg calibrate " + " ".join(args.paths)}
        table = fit(outcomes, smoothing, prior, by_kind, meta)
        tables[table_key(config.recognizers)] = table
        after = recalibrated(outcomes, table)
        cross = held_out(outcomes, smoothing, prior, by_kind)
        print(f"== mode {mode} ({table_key(config.recognizers)}): {report.articles} articles, "
              f"smoothing {smoothing:g} pseudo-facts toward the {prior} prior, {'per kind' if by_kind else 'per family'}")
        print(f"{'':<12}{'facts':>7}{'ECE raw':>10}{'fitted':>9}{'held-out':>10}{'Brier raw':>11}{'fitted':>9}{'held-out':>10}")
        for fact in FACTS:
            sel = [[o for o in x if o.fact == fact] for x in (outcomes, after, cross)]
            eces = [expected_calibration_error(x) for x in sel]
            briers = [brier(x) for x in sel]
            print(f"{PLURAL[fact]:<12}{len(sel[0]):>7}{eces[0]:>10.3f}{eces[1]:>9.3f}{eces[2]:>10.3f}"
                  f"{briers[0]:>11.3f}{briers[1]:>9.3f}{briers[2]:>10.3f}")
        print("(fitted: on the gold it was fitted on; held-out: each article mapped by a table fitted on the others)")
        if args.verbose:
            report.outcomes = after
            print(format_calibration(calibration_summary(report, args.cutoff), "fitted table on the gold it was fitted on:"))
    path = save_tables(tables, out, note="Fitted by `govkg calibrate` on raw confidences; see README, Extraction quality.")
    print(f"wrote {path}")
    return 0


def _parse_params(pairs: list[str]) -> dict:
    params = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise GovkgError(f"--param takes key=value, got {pair!r}")
        k, v = pair.split("=", 1)
        params[k.strip()] = v
    return params


def format_rows(columns, rows: list[dict], fmt: str) -> str:
    """Render query rows as a table, JSON or CSV (list values, like `sources`, as one text cell)."""
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2)
    from queries.helpers import cell_text

    rows = [{k: cell_text(v) for k, v in r.items()} for r in rows]
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(columns), extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
        return buf.getvalue()
    if not rows:
        return "(no rows)"
    cells = [[str(r.get(c, "")) for c in columns] for r in rows]
    widths = [min(40, max(_width(c), *(_width(x[i]) for x in cells))) for i, c in enumerate(columns)]
    lines = ["  ".join(_pad(c, w) for c, w in zip(columns, widths))]
    lines.append("  ".join("-" * w for w in widths))
    for row in cells:
        lines.append("  ".join(_pad(_clip(x, w), w) for x, w in zip(row, widths)))
    return "\n".join(lines)


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _clip(text: str, width: int) -> str:
    out, used = "", 0
    for ch in text:
        w = 2 if ord(ch) > 0x2E80 else 1
        if used + w > width - 1 and _width(text) > width:
            return out + "…"
        out += ch
        used += w
    return out


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def cmd_query(args) -> int:
    from queries import get_query, run_query

    spec = get_query(args.name)
    if args.cypher:
        from queries.cypher import cypher_text

        print(cypher_text(args.name))
        return 0
    params = _parse_params(args.param)
    spec.bind(params)  # bad parameters are one line before the store is opened
    store = _store(args, must_exist=True)
    try:
        result = run_query(store, args.name, params)
    finally:
        store.close()
    print(format_rows(result.columns, result.rows, args.format))
    return 0


def cmd_queries(args) -> int:
    from queries import QUERIES

    for spec in QUERIES.values():
        params = ", ".join(p.describe() for p in spec.params)
        print(f"{spec.name:<11} {spec.description}\n{'':<11} params: {params or '-'}")
    return 0


def cmd_stats(args) -> int:
    store = _store(args, must_exist=True)
    try:
        stats = store.stats()
    finally:
        store.close()
    if args.json:
        print(json.dumps(stats, ensure_ascii=False, indent=2))
        return 0
    print(f"store:    {stats['store']}\narticles: {stats['articles']}\nmentions: {stats['mentions']}   evidence: {stats['evidence']}")
    print("nodes:")
    for k, v in stats["nodes"].items():
        print(f"  {k:<16}{v:>7}")
    print("relations:")
    for k, v in stats["edges"].items():
        print(f"  {k:<16}{v:>7}")
    return 0


def cmd_demo(args) -> int:
    from ingest.pipeline import Pipeline
    from queries import run_query

    store = _store(args)
    try:
        report = Pipeline(store).ingest([SAMPLE_CORPUS])
        print(report.summary())
        print()
        stats = store.stats()
        print(f"store {stats['store']}: {stats['articles']} articles, "
              + ", ".join(f"{v} {k}" for k, v in stats["nodes"].items()) + "; "
              + ", ".join(f"{v} {k}" for k, v in stats["edges"].items()))
        for title, name, params in (
            ("Which organizations co-build with which communities", "cobuild", {"org_kind": "any"}),
            ("Organizations linking the most communities", "brokers", {"limit": 5}),
            ("Near-duplicate initiatives across places", "duplicates", {}),
            ("Area hierarchy", "hierarchy", {}),
        ):
            result = run_query(store, name, params)
            cols = [c for c in result.columns if c not in ("evidence", "id", "path")]
            print(f"\n== {title}  (govkg query {name})")
            print(format_rows(cols, result.rows[:10], "table"))
    finally:
        store.close()
    print("\nNext: `govkg query search --param q=社区`, `govkg query entity --param name=NAME`, `govkg app`.")
    return 0


def cmd_migrate(args) -> int:
    import queries  # noqa: F401 - registers the queries' derived tables (graph.derived), kept by every write
    from graph.factory import open_store
    from graph.migrate import migrate

    _existing_store(args.src, "--from")  # never migrate from a new, empty store made by a typo
    src = open_store(args.src, read_only=True)
    dst = open_store(args.dst)
    try:
        counts = migrate(src, dst, args.batch, progress=None if args.quiet else lambda what, n: print(f"  {what}: {n}", file=sys.stderr))
    finally:
        src.close()
        dst.close()
    print("migrated " + ", ".join(f"{v} {k}" for k, v in counts.items()) + f" from {args.src} to {args.dst}")
    return 0


def cmd_export(args) -> int:
    from govkg.api import export_target
    from graph.export import export, to_rdf, validate

    target = export_target(args.format, args.out)  # a bad --out is one line, before the store is opened
    store = _store(args, must_exist=True)
    try:
        try:
            out = export(store, args.format, target)
        except OSError as exc:
            raise GovkgError(f"cannot export to {target}: {exc.strerror or exc}") from None
        if args.validate and args.format in ("ttl", "jsonld"):
            conforms, text = validate(to_rdf(store))
            print(f"SHACL: {'conforms' if conforms else 'does NOT conform'}")
            if not conforms:
                print("\n".join(text.splitlines()[:40]))
                return 1
    finally:
        store.close()
    print(f"wrote {out}")
    return 0


def cmd_app(args) -> int:
    import importlib.util

    from govkg.supervise import run_supervised

    spec = importlib.util.find_spec("app")
    if spec is None or not spec.origin:
        raise GovkgError("app.py not found; reinstall govkg with `pip install -e .`")
    env = {**os.environ, "GOVKG_STORE": args.store or os.environ.get("GOVKG_STORE", "")}
    if not env["GOVKG_STORE"]:
        env.pop("GOVKG_STORE")
    cmd = [sys.executable, "-m", "streamlit", "run", spec.origin, "--server.headless", "true", "--server.port", str(args.port),
           "--server.address", args.address, "--browser.gatherUsageStats", "false", "--client.showErrorDetails", "false"]
    print(f"govkg explorer on http://{args.address}:{args.port}  (Ctrl+C to stop)", file=sys.stderr)
    return run_supervised(cmd, env=env)  # SIGTERM/SIGINT to govkg stop the Streamlit server too


def cmd_curate(args) -> int:
    """Exit 0: done (or already recorded); 1: an unknown or ambiguous name, no such fact or key, bad arguments."""
    from govkg.api import apply_curation, article_ids
    from graph.curation import Curation, CurationError, undo

    if args.curate == "list":
        store = _store(args, must_exist=True)
    else:
        _existing_store(args.store, "--store")  # a correction of a mistyped store would make a new, empty one
        store = _store(args)
    try:
        if args.curate == "list":
            records = store.curations()
            if args.json:
                print(json.dumps([c.as_dict() for c in records], ensure_ascii=False, indent=2))
            else:
                rows = [{"key": c.key, "action": c.action, "what": c.describe(), "when": c.created_at, "note": c.note} for c in records]
                print(format_rows(("key", "action", "what", "when", "note"), rows, "table") if rows else "(no curations)")
            return 0
        if args.curate == "undo":
            c, what = undo(store, args.key)
            print(f"undone {c.key}: {c.describe()}; {what}")
            return 0
        if args.curate == "import":
            return _import_curations(store, args.file)
        typ, note = args.type, args.note
        if args.curate == "reject":
            c = Curation("reject", args.subject, typ, args.predicate, args.object, note=note)
        elif args.curate == "merge":
            c = Curation("merge", args.name, typ, target=args.into, note=note)
        elif args.curate == "rename":
            c = Curation("rename", args.name, typ, target=args.to, note=note)
        else:
            c = Curation("split", args.name, typ, target=args.to, articles=article_ids(store, args.article), note=note)
        record, new = apply_curation(store, c)
        print(f"{'curated' if new else 'already curated'} {record.key}: {record.describe()} (at {record.created_at})")
        return 0
    except CurationError as exc:
        print(f"govkg: error: {_one_line(exc)}", file=sys.stderr)
        return 1
    finally:
        store.close()


def _import_curations(store, path: str) -> int:
    """Add the records of a `govkg curate list --json` file and apply them to what the store holds now."""
    from graph.curation import Curation, CurationError, reapply

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        records = [Curation.from_dict(d).check() for d in data]
    except OSError as exc:
        raise CurationError(f"cannot read {path}: {exc.strerror}") from None
    except (ValueError, TypeError, AttributeError) as exc:
        raise CurationError(f"{path} is not a `govkg curate list --json` file ({_one_line(exc)})") from None
    for c in records:
        store.add_curation(c)
    changed = reapply(store, records)
    print(f"imported {len(records)} curation(s) from {path}; {changed} changed the stored graph, the others wait for their articles")
    return 0


def _lexicon_option(s: argparse.ArgumentParser) -> None:
    from ingest.components import MODES

    s.add_argument("--lexicon", action="append", metavar="FILE",
                   help="your own names and suffixes (TSV, see README 'Your own lexicon'); repeatable")
    s.add_argument("--mode", choices=sorted(MODES), default="default",
                   help="extraction mode: default (rules + the LAC statistical recognizer) or rules (rules only, faster)")


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors on one line (exit status 2)."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message}; see `{self.prog} --help`\n")


STORE_HELP = "SQLite file/folder or bolt://, neo4j:// URI (default: $GOVKG_STORE or ./govkg-data/graph.db)"


def _store_option(s: argparse.ArgumentParser) -> None:
    """`--store` after the sub-command too (`govkg query cobuild --store x.db`); it wins over one before it."""
    s.add_argument("--store", default=argparse.SUPPRESS, help=STORE_HELP)


def _confidence(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number between 0 and 1, got {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser of every sub-command."""
    p = _Parser(prog="govkg", description="Chinese community-governance knowledge graph.")
    p.add_argument("--store", default=None, help=STORE_HELP)
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("ingest", help="ingest article files and folders (.txt .md .html; UTF-8, GBK, GB18030, UTF-16)")
    s.add_argument("paths", nargs="+")
    s.add_argument("--min-confidence", type=_confidence, default=0.4, help="store facts at or above this confidence")
    s.add_argument("--workers", type=int, default=1, help="extraction processes (one writer); same graph as 1")
    s.add_argument("-q", "--quiet", action="store_true", help="no progress bar or progress lines, only the summary")
    _lexicon_option(s)
    _store_option(s)
    s.set_defaults(func=cmd_ingest)

    s = sub.add_parser("extract", help="extract one article and print what was found")
    s.add_argument("file")
    s.add_argument("--json", action="store_true", help="print the prediction format of the gold README")
    s.add_argument("--min-confidence", type=float, default=0.4, help="keep facts at or above this confidence (default 0.4, what ingest stores)")
    _lexicon_option(s)
    s.set_defaults(func=cmd_extract)

    s = sub.add_parser("eval", help="score extraction against gold annotations (one or more GOLD_DIR CORPUS_DIR pairs)")
    s.add_argument("paths", nargs="+", metavar="GOLD_DIR CORPUS_DIR", help="pairs of a gold folder and its corpus folder")
    s.add_argument("--json", action="store_true")
    s.add_argument("--errors", action="store_true", help="list false positives and misses")
    s.add_argument("--min-confidence", type=float, default=0.4, help="keep facts at or above this confidence (default 0.4, what ingest stores)")
    s.add_argument("--calibration", action="store_true", help="print the reliability table of the confidences (bins, precision, ECE)")
    s.add_argument("--cutoff", type=float, default=0.4, help="with --calibration: what this min_confidence keeps and drops (default 0.4, as ingest)")
    s.add_argument("--raw", action="store_true", help="score the extractor's raw (uncalibrated) confidences")
    _lexicon_option(s)
    s.set_defaults(func=cmd_eval)

    s = sub.add_parser("calibrate", help="fit the confidence calibration on gold sets (ingest/data/calibration.json)")
    s.add_argument("paths", nargs="+", metavar="GOLD_DIR CORPUS_DIR", help="pairs of a gold folder and its corpus folder")
    s.add_argument("--out", default=None, help="table file (default: ingest/data/calibration.json of the package)")
    s.add_argument("--mode", default="all", help="extraction mode to fit (default: all modes)")
    s.add_argument("--smoothing", type=float, default=None, help="pseudo-facts toward the prior (default: chosen by leave-one-article-out Brier score)")
    s.add_argument("--prior", choices=("family", "raw"), default=None, help="shrink toward the family's precision or the raw confidence (default: chosen)")
    s.add_argument("--cutoff", type=float, default=0.4, help="with -v: what this min_confidence keeps and drops")
    s.add_argument("-v", "--verbose", action="store_true", help="print the fitted reliability table")
    s.set_defaults(func=cmd_calibrate)

    s = sub.add_parser("query", help="run a named query (see `govkg queries`)")
    s.add_argument("name")
    s.add_argument("--param", action="append", metavar="KEY=VALUE")
    s.add_argument("--format", choices=("table", "json", "csv"), default="table")
    s.add_argument("--cypher", action="store_true", help="print the query's Cypher instead of running it")
    _store_option(s)
    s.set_defaults(func=cmd_query)

    s = sub.add_parser("queries", help="list the named queries and their parameters")
    s.set_defaults(func=cmd_queries)

    s = sub.add_parser("stats", help="counts of articles, nodes and relations")
    s.add_argument("--json", action="store_true")
    _store_option(s)
    s.set_defaults(func=cmd_stats)

    s = sub.add_parser("export", help="export the graph as Turtle, JSON-LD, GraphML, CSV or neo4j-admin import files")
    s.add_argument("--format", choices=("ttl", "jsonld", "graphml", "csv", "neo4j-import"), default="ttl")
    s.add_argument("--out", required=True, help="output file (a folder for csv and neo4j-import)")
    s.add_argument("--validate", action="store_true", help="check the RDF against ontology/shapes.ttl (SHACL)")
    _store_option(s)
    s.set_defaults(func=cmd_export)

    s = sub.add_parser("migrate", help="copy a whole graph between stores (e.g. embedded → Neo4j)")
    s.add_argument("--from", dest="src", required=True, help="source store (path or URI)")
    s.add_argument("--to", dest="dst", required=True, help="target store (path or URI)")
    s.add_argument("--batch", type=int, default=500, help="rows per write transaction")
    s.add_argument("-q", "--quiet", action="store_true")
    s.set_defaults(func=cmd_migrate)

    s = sub.add_parser("curate", help="corrections that last: reject a fact, merge, rename, split entities; list, undo")
    cur = s.add_subparsers(dest="curate", required=True, parser_class=_Parser)

    def curated(name: str, help: str) -> argparse.ArgumentParser:
        c = cur.add_parser(name, help=help)
        if name not in ("list", "undo", "import"):
            c.add_argument("--type", default=None, help="the entity's type when the name is ambiguous (Community, Organization...)")
            c.add_argument("--note", default="", help="why (kept with the record)")
        _store_option(c)
        c.set_defaults(func=cmd_curate)
        return c

    c = curated("reject", "remove a fact now and from every later ingest")
    c.add_argument("--subject", required=True, help="the fact's subject (name or alias)")
    c.add_argument("--predicate", required=True, help="the relation, e.g. RUNS, PART_OF")
    c.add_argument("--object", required=True, help="the fact's object (name or alias)")
    c = curated("merge", "merge an entity into another of the same type")
    c.add_argument("name")
    c.add_argument("--into", required=True, help="the entity that stays")
    c = curated("rename", "rename an entity (the old name stays an alias)")
    c.add_argument("name")
    c.add_argument("--to", required=True, help="the new name")
    c = curated("split", "move an entity's mentions in some articles to a new entity")
    c.add_argument("name")
    c.add_argument("--to", required=True, help="the new entity's name")
    c.add_argument("--article", action="append", required=True, help="article id, file path or file name (repeatable)")
    c = curated("list", "list the corrections: key, action, what, when")
    c.add_argument("--json", action="store_true", help="the records as JSON (what `govkg curate import` reads)")
    c = curated("undo", "remove a correction and restore what it changed (see README, Corrections)")
    c.add_argument("key", help="the key `govkg curate list` shows (or a unique prefix)")
    c = curated("import", "add the corrections of a `govkg curate list --json` file and apply them")
    c.add_argument("file")

    s = sub.add_parser("app", help="open the Streamlit explorer on the store")
    s.add_argument("--port", type=int, default=8501)
    s.add_argument("--address", default="127.0.0.1")
    _store_option(s)
    s.set_defaults(func=cmd_app)

    s = sub.add_parser("demo", help="ingest the bundled sample corpus into the store and print a summary")
    _store_option(s)
    s.set_defaults(func=cmd_demo)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `govkg` console script.

    Exit status: 0 done; 1 partly done (ingest: a missing input path or every file skipped; export
    --validate: the RDF does not conform; curate: an unknown or ambiguous name, no such fact or key); 2 nothing done: bad usage, parameter, input, store or
    output path (one line on stderr); 3 an internal error (one line; GOVKG_DEBUG=1 shows the
    traceback); 130 / 143 stopped by SIGINT / SIGTERM."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except GovkgError as exc:
        print(f"govkg: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("govkg: interrupted; completed articles are stored, re-run the same command to finish", file=sys.stderr)
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:  # the file system or the network, outside govkg's own checks
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        print(f"govkg: error: {where}{exc.strerror or _one_line(exc)}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - a bug must still not print a traceback at the user
        if os.environ.get("GOVKG_DEBUG"):
            raise
        print(f"govkg: internal error: {type(exc).__name__}: {_one_line(exc)} (GOVKG_DEBUG=1 shows the traceback; "
              "please report it)", file=sys.stderr)
        return 3


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


if __name__ == "__main__":
    sys.exit(main())
