"""Lexicons for rule-based extraction: administrative divisions, name suffixes, trigger words.

Every type and kind named here is checked against the ontology when the module loads.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from core.errors import OntologyError
from ingest import rule_data as _rd
from ontology import ONTOLOGY

DATA = Path(__file__).with_name("data")


# Administrative divisions are nationwide, from maintained data: ingest/divisions.py.


@lru_cache(maxsize=1)
def countries() -> frozenset[str]:
    """Country names marking a foreign body."""
    lines = (DATA / "countries.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(x.strip() for x in lines if x.strip() and not x.startswith("#"))


# ---- rule tables: loaded from ingest/data/ (suffixes.tsv, category_words.tsv, appositive_heads.tsv,
# partner_triggers.tsv, words/*.txt); every type and kind is checked against the ontology at load.

# Name suffixes: (suffix, type, kind). Longest suffix wins.
_SUFFIXES: list[tuple[str, str, str | None]] = _rd.read_typed_table(DATA / "suffixes.tsv")
SUFFIXES: dict[str, tuple[str, str | None]] = {s: (t, k) for s, t, k in _SUFFIXES}
MAX_SUFFIX = max(map(len, SUFFIXES))

# Area/Community suffix tokens that end an administrative unit in an address chain.
UNIT_END_TOKENS = frozenset(_rd.words("unit_end_tokens"))

# Words after a quoted name that give its kind but are not part of the name: “X”工作机制.
CATEGORY_WORDS: dict[str, tuple[str, str | None]] = {w: (t, k) for w, t, k in _rd.read_typed_table(DATA / "category_words.tsv")}
CATEGORY_RE = re.compile(
    r"^(?:[0-9０-９一二三四五六七八九十两]+(?:个|大|项|处)?)?(?:等)?(?:[^，。；、“”]{0,4}?)("
    + "|".join(sorted(map(re.escape, CATEGORY_WORDS), key=len, reverse=True))
    + ")"
)

# “X——“Y””: the head noun before the dash types the quoted name.
APPOSITIVE_HEADS: dict[str, tuple[str, str | None]] = {w: (t, k) for w, t, k in _rd.read_typed_table(DATA / "appositive_heads.tsv")}


def _partner_triggers() -> tuple[dict[str, str], frozenset[str]]:
    path = DATA / "partner_triggers.tsv"
    triggers: dict[str, str] = {}
    directed: set[str] = set()
    for number, (trigger, kind, direction) in _rd.read_table(path, 3):
        try:
            ONTOLOGY.check_kind("Partnership", kind)
        except OntologyError as exc:
            raise _rd.fail(path, number, str(exc)) from None
        if direction not in ("mutual", "directed"):
            raise _rd.fail(path, number, f"direction must be mutual or directed, got {direction!r}")
        triggers[trigger] = kind
        if direction == "directed":
            directed.add(trigger)
    return triggers, frozenset(directed)


# Verbs that make the subject run/build an initiative.
RUN_VERBS = tuple(_rd.words("run_verbs"))
NAME_HEADS = frozenset(_rd.words("name_heads"))
JOINING_WORDS = tuple(sorted(_rd.words("joining_words"), key=len, reverse=True))
CATEGORY_OPENERS = tuple(_rd.words("category_openers"))
SUPPORT_VERBS = tuple(_rd.words("support_verbs"))
AWARD_VERBS = tuple(_rd.words("award_verbs"))
FOUND_VERBS = tuple(_rd.words("found_verbs"))
# Partnership triggers → partnership kind; directed ones (one side brings in or funds the other)
# pair subject × object, not all pairs.
PARTNER_TRIGGERS, DIRECTED_TRIGGERS = _partner_triggers()
PARTNER_RE = re.compile("|".join(sorted(PARTNER_TRIGGERS, key=len, reverse=True)))

# Context around a quoted string that marks a slogan or principle, not a named initiative.
SLOGAN_BEFORE = tuple(_rd.words("slogan_before"))
SLOGAN_AFTER = tuple(_rd.words("slogan_after"))
AWARD_SUFFIXES = tuple(_rd.words("award_suffixes"))
AWARD_RE = re.compile(
    "(?:" + "|".join(sorted(map(re.escape, AWARD_SUFFIXES), key=len, reverse=True)) + ")$"
    + "|(?:" + "|".join(map(re.escape, _rd.words("award_prefixes"))) + r")[\u4e00-\u9fff]{0,8}"
    + "(?:" + "|".join(map(re.escape, _rd.words("award_heads"))) + ")$"
)

# Words that carry no name on their own: a name made only of them is a generic mention.
GENERIC = frozenset(_rd.words("generic"))
# Heads of public bodies named by the area they serve: 鼓楼区 + 人民医院 is a name, 人民医院 alone is not.
PLACE_NAMED_HEADS = tuple(sorted(_rd.words("place_named_heads"), key=len, reverse=True))

# jieba POS tags that end a name when scanning left (verbs, prepositions, conjunctions, particles...).
BOUNDARY_TAGS = tuple(_rd.words("boundary_tags"))
QUOTED_ONLY_SUFFIXES = frozenset(_rd.words("quoted_only_suffixes"))
PLACE_BOUNDARY_WORDS = frozenset(_rd.words("place_boundary_words"))
NON_NAME_TOKENS = frozenset(_rd.words("non_name_tokens"))
PLACE_DESCRIPTIONS = frozenset(_rd.words("place_descriptions"))
NAME_VERBS = frozenset(_rd.words("name_verbs"))
NAMEABLE_OVERRIDES = frozenset(_rd.words("nameable_overrides"))
BOUNDARY_WORDS = frozenset(_rd.words("boundary_words"))
ADVERBIAL_OPENERS = re.compile(
    "^(?:" + "|".join(map(re.escape, _rd.words("adverbial_openers"))) + r"|[0-9]{4}年[^，]{0,6})[，,]?"
)
YEAR_RE = re.compile(r"((?:19|20)[0-9]{2})年")


def is_generic_word(text: str) -> bool:
    """True when `text` segments entirely into generic governance words (社区, 党群, 服务…)."""
    if not text:
        return True
    i = 0
    while i < len(text):
        for n in range(min(6, len(text) - i), 0, -1):
            if text[i : i + n] in GENERIC:
                i += n
                break
        else:
            return False
    return True
