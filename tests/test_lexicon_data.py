"""Rules as data (ingest/data/) and users' own lexicons (`--lexicon FILE`)."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from graph.sqlite_store import SQLiteStore
from ingest import lexicon as lx
from ingest import rule_data
from ingest.cleaner import clean_document
from ingest.extractor import RuleExtractor
from ingest.pattern_mentions import pattern_mentions, with_pattern_mentions
from ingest.pipeline import Pipeline
from ingest.reader import read_file
from ingest.rule_data import RuleDataError
from ingest.user_lexicon import Lexicon, load_lexicon

REPO = Path(__file__).resolve().parents[1]
WIDE = REPO.parent / "shared" / "wide"
DATA = REPO / "ingest" / "data"
WORD_LISTS = sorted((DATA / "words").glob("*.txt"))
TYPED_TABLES = ["suffixes.tsv", "category_words.tsv", "appositive_heads.tsv"]


def need_wide() -> None:
    if not (WIDE / "articles").is_dir() or not (WIDE / "gold").is_dir():
        pytest.skip(f"wide dev set not found at {WIDE} (../shared is absent on this machine)")


# ---- the shipped rule data


@pytest.mark.parametrize("path", WORD_LISTS, ids=lambda p: p.name)
def test_each_word_list_loads_and_says_what_it_is_for(path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# "), f"{path.name} needs a comment header saying what the list is for"
    words = rule_data.read_words(path)
    assert words and len(words) == len(set(words))
    assert all(w and not any(ch.isspace() for ch in w) for w in words)


@pytest.mark.parametrize("name", TYPED_TABLES)
def test_each_typed_table_loads_with_ontology_types(name):
    rows = rule_data.read_typed_table(DATA / name)
    assert rows and all(t in ("Area", "Community", "Organization", "Initiative", "Award") for _, t, _ in rows)
    assert (DATA / name).read_text(encoding="utf-8").startswith("# ")


def test_partner_triggers_table_loads():
    rows = rule_data.read_table(DATA / "partner_triggers.tsv", 3)
    assert {d for _, (_, _, d) in rows} == {"mutual", "directed"}
    assert lx.PARTNER_TRIGGERS["签署"] == "签约" and "引入" in lx.DIRECTED_TRIGGERS and "共建" not in lx.DIRECTED_TRIGGERS


def test_every_word_list_is_used_by_the_lexicon_module():
    source = (REPO / "ingest" / "lexicon.py").read_text(encoding="utf-8")
    recognizer = (REPO / "ingest" / "mentions.py").read_text(encoding="utf-8")  # lists only the recognizer reads
    for path in WORD_LISTS:
        assert f'"{path.stem}"' in source + recognizer, f"{path.name} is shipped but neither ingest/lexicon.py nor ingest/mentions.py loads it"
    for name in TYPED_TABLES + ["partner_triggers.tsv"]:
        assert f'"{name}"' in source


def test_lexicon_module_keeps_its_names_and_types():
    assert isinstance(lx._SUFFIXES, list) and lx.SUFFIXES["社区"] == ("Community", "community")
    assert lx.SUFFIXES["公司"] == ("Organization", "enterprise")
    assert lx.MAX_SUFFIX == max(map(len, lx.SUFFIXES))
    for name in ("RUN_VERBS", "SUPPORT_VERBS", "AWARD_VERBS", "FOUND_VERBS", "SLOGAN_BEFORE", "SLOGAN_AFTER",
                 "AWARD_SUFFIXES", "BOUNDARY_TAGS"):
        assert isinstance(getattr(lx, name), tuple) and getattr(lx, name), name
    for name in ("UNIT_END_TOKENS", "DIRECTED_TRIGGERS", "GENERIC", "QUOTED_ONLY_SUFFIXES", "PLACE_BOUNDARY_WORDS",
                 "NON_NAME_TOKENS", "NAME_VERBS", "NAMEABLE_OVERRIDES", "BOUNDARY_WORDS"):
        assert isinstance(getattr(lx, name), frozenset) and getattr(lx, name), name
    for name in ("CATEGORY_WORDS", "APPOSITIVE_HEADS", "PARTNER_TRIGGERS"):
        assert isinstance(getattr(lx, name), dict) and getattr(lx, name), name
    for name in ("CATEGORY_RE", "AWARD_RE", "PARTNER_RE", "ADVERBIAL_OPENERS", "YEAR_RE"):
        assert isinstance(getattr(lx, name), re.Pattern), name


def test_regexes_are_built_from_the_data():
    assert lx.AWARD_RE.search("全国先进基层党组织") and lx.AWARD_RE.search("四川省示范和谐社区")
    assert not lx.AWARD_RE.search("迎晖社区")
    assert lx.CATEGORY_RE.match("工作机制").group(1) == "工作机制"
    assert lx.PARTNER_RE.search("双方签署协议").group() == "签署"
    assert lx.ADVERBIAL_OPENERS.match("与此同时，").group() == "与此同时，"
    assert lx.ADVERBIAL_OPENERS.match("2023年以来，")


def test_a_bad_line_in_rule_data_names_file_and_line(tmp_path):
    bad = tmp_path / "suffixes.tsv"
    bad.write_text("# header\n社区\tCommunity\tcommunity\n公司\tOrganization\tcompany\n", encoding="utf-8")
    with pytest.raises(RuleDataError) as err:
        rule_data.read_typed_table(bad)
    assert f"{bad}:3: unknown kind 'company'" in str(err.value) and "\n" not in str(err.value)


# ---- user lexicons


def _write(tmp_path, text: str, name: str = "mine.tsv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_user_lexicon_loads_names_and_suffixes(tmp_path):
    path = _write(tmp_path, "# my lexicon\nname\t小米\tOrganization\tenterprise\n\nsuffix\t科技园\tInitiative\tspace\t0.65\n"
                            "name\t小米\tOrganization\tenterprise\n")
    lexicon = load_lexicon([path])
    assert isinstance(lexicon, Lexicon) and len(lexicon) == 2  # the identical repeat is dropped
    assert lexicon.names["小米"].kind == "enterprise" and lexicon.names["小米"].confidence == 0.8
    assert lexicon.suffixes["科技园"].confidence == 0.65 and lexicon.suffixes["科技园"].origin == f"{path}:4"
    found = pattern_mentions("小米在成都市天府软件科技园开展活动", lexicon)
    assert [(m.name, m.type, m.kind) for m in found] == [("小米", "Organization", "enterprise"),
                                                          ("成都市天府软件科技园", "Initiative", "space")]
    assert pattern_mentions("去科技园看看", lexicon) == []  # a suffix alone is no name


def test_a_longer_rule_name_keeps_a_lexicon_name_inside_it(tmp_path):
    lexicon = load_lexicon([_write(tmp_path, "name\t小米\tOrganization\tenterprise\n")])
    from ingest.mentions import find_mentions

    sentence = "小米科技有限公司与社区签约"
    merged = with_pattern_mentions(find_mentions(sentence), sentence, lexicon)
    assert "小米" not in {m.name for m in merged if not m.generic}


@pytest.mark.parametrize("text, line, message", [
    ("name\t小米\tOrganisation\tenterprise\n", 1, "unknown entity type 'Organisation'"),
    ("# c\nname\t小米\tOrganization\tbank\n", 2, "unknown kind 'bank' for Organization"),
    ("name\t小米\tPartnership\t\n", 1, "unknown entity type 'Partnership'"),
    ("name 小米 Organization enterprise\n", 1, "separated by TABs"),
    ("regex\t小.\tOrganization\tenterprise\n", 1, "first column must be one of name, suffix"),
    ("name\t小米\tOrganization\tenterprise\t1.5\n", 1, "confidence must be a number in (0, 1]"),
    ("name\t小米\tAward\tgold\n", 1, "Award has no kinds"),
    ("name\t小米\tOrganization\tenterprise\n\nname\t小米\tCommunity\tcommunity\n", 3, "already given as Organization/enterprise"),
])
def test_a_bad_lexicon_line_is_one_error_naming_file_and_line(tmp_path, text, line, message):
    path = _write(tmp_path, text)
    with pytest.raises(RuleDataError) as err:
        load_lexicon([path])
    assert str(err.value).startswith(f"{path}:{line}: ") and message in str(err.value)
    assert "\n" not in str(err.value)


def _missed_gold_entity():
    """A (file, name, type, kind) of the wide gold that default extraction does not find, read at test time."""
    need_wide()
    default = RuleExtractor()
    for gold_path in sorted((WIDE / "gold").glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        article = WIDE / "articles" / gold["article"]
        entities = default.extract(clean_document(read_file(article))).entities.values()
        forms = {f for e in entities for f in (e.name, *e.aliases)}
        text = article.read_text(encoding="utf-8")
        for e in gold["entities"]:
            name = e["name"]
            # missed, and not part of a longer name the rules found (there the longer name wins)
            if (3 <= len(name) <= 12 and name in text and not any(name in f for f in forms)
                    and not any(ch in name for ch in "()（）\"“”")):
                return article, name, e["type"], e.get("kind")
    pytest.skip("default extraction finds every wide gold entity")


def test_a_user_lexicon_adds_an_entity_default_extraction_misses(tmp_path):
    article, name, node_type, kind = _missed_gold_entity()
    lexicon = load_lexicon([_write(tmp_path, f"# found by hand\nname\t{name}\t{node_type}\t{kind or ''}\n")])
    extractor = RuleExtractor(lexicon=lexicon)
    assert lexicon.name in extractor.name
    extraction = extractor.extract(clean_document(read_file(article)))
    hits = [e for e in extraction.entities.values() if e.type == node_type and (e.name == name or name in e.aliases)]
    assert hits, f"{name} ({node_type}) from {article.name} not extracted with the lexicon"
    assert any(name in ev.sentence for ev in hits[0].mentions)  # found in a real sentence of the article


def test_cli_exits_non_zero_on_a_bad_lexicon_without_traceback(tmp_path):
    bad = _write(tmp_path, "# mine\nname\t小米\tOrganization\tbank\n", "bad.tsv")
    article = _write(tmp_path, "小米与和欣社区签约共建。\n", "a.txt")
    for argv in (["extract", str(article)], ["--store", str(tmp_path / "g.db"), "ingest", str(article)]):
        proc = subprocess.run([sys.executable, "-m", "govkg.cli", *argv, "--lexicon", str(bad)],
                              capture_output=True, text=True, cwd=tmp_path, timeout=300)
        assert proc.returncode != 0
        assert "Traceback" not in proc.stderr
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and "bad.tsv:2:" in lines[0] and "unknown kind 'bank'" in lines[0]
    assert not (tmp_path / "g.db").exists()  # the lexicon is checked before the store is opened


def test_cli_extract_uses_the_lexicon(tmp_path):
    lexicon = _write(tmp_path, "name\t小米之家\tInitiative\tspace\n")
    article = _write(tmp_path, "和欣社区引进小米之家，为居民提供服务。\n", "a.txt")
    args = [sys.executable, "-m", "govkg.cli", "extract", str(article), "--json"]
    without = json.loads(subprocess.run(args, capture_output=True, text=True, check=True, timeout=300).stdout)
    with_lex = json.loads(subprocess.run(args + ["--lexicon", str(lexicon)], capture_output=True, text=True, check=True, timeout=300).stdout)
    assert "小米之家" not in {e["name"] for e in without["entities"]}
    assert ("小米之家", "Initiative") in {(e["name"], e["type"]) for e in with_lex["entities"]}


# ---- worker processes


def _dump(store) -> dict:
    nodes = {n.id: (n.type, n.kind, n.name, tuple(sorted(n.aliases))) for n in store.iter_nodes()}
    return {
        "nodes": sorted(nodes.values()),
        "edges": sorted((nodes[e.src], e.predicate, nodes[e.dst]) for e in store.iter_edges()),
        "articles": sorted((a.id, a.extractor) for a in store.iter_articles()),
    }


def test_workers_use_the_injected_extractor_with_its_lexicon(tmp_path):
    need_wide()
    article, name, node_type, kind = _missed_gold_entity()
    lexicon = load_lexicon([_write(tmp_path, f"name\t{name}\t{node_type}\t{kind or ''}\n")])
    files = sorted((WIDE / "articles").glob("*.txt"))
    dumps = {}
    for workers in (1, 2):
        store = SQLiteStore(tmp_path / f"w{workers}.db")
        extractor = RuleExtractor(lexicon=lexicon)
        Pipeline(store, extractor).ingest(files, workers=workers)
        dumps[workers] = _dump(store)
        assert {x for _, x in dumps[workers]["articles"]} == {extractor.name}
        assert (node_type, name) in {(t, n) for t, _, n, _ in dumps[workers]["nodes"]} or any(
            t == node_type and name in aliases for t, _, _, aliases in dumps[workers]["nodes"])
        store.close()
    assert dumps[1] == dumps[2]
