"""Mentions from Baidu LAC's ORG/LOC spans, filtered and typed, and merged into the rules' mentions.

LAC finds organizations that carry no suffix from the lexicon (华润万象生活, 中国科协, 鲁商集团)
and draws name edges where jieba's words glue a verb on (即重庆万象城党支部) or cut a place
prefix off (湾街道党工委). Its junk (新时代, 党史, 幸福) is what the filters here drop.

Use: ``merge_statistical(sentence, rule_mentions, lac_spans)`` → the merged mention list.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from ingest import lexicon as lx
from ingest.lac_tagger import TaggedSpan
from ingest.mentions import PLATFORM_ENDINGS, Mention, after_description, area_prefix_re, is_event, is_generic_word, settle, stem_is_generic, suffix_of, unglued
from ingest.tokens import cut, tag_of

_HAN = re.compile(r"[\u4e00-\u9fff]")
_STRIP_QUOTES = str.maketrans("", "", "“”\"《》「」‘’")
# POS tags of LAC that never start a name: a word of these before a name is outside it.
_OUTSIDE_TAGS = frozenset({"v", "vd", "p", "c", "u", "xc", "d", "r", "w", "m", "q", "t", "TIME", "PER", "f"})
# jieba tags of dictionary words that are names in their own right (nt: organization, nz: proper noun, j: abbreviation).
_NAME_TAGS = ("nt", "nz", "j", "nrt")
_ORG_ENDINGS: tuple[tuple[str, str], ...] = (
    ("支行", "enterprise"), ("分行", "enterprise"), ("分公司", "enterprise"), ("总公司", "enterprise"),
    ("服饰", "enterprise"), ("摄影", "enterprise"), ("教育", "enterprise"),
    ("部", "government"), ("厅", "government"), ("局", "government"), ("署", "government"), ("委员会", "government"),
    ("科协", "social_org"), ("联盟", "social_org"), ("团", "social_org"), ("队", "social_org"), ("社", "social_org"),
    ("会", "social_org"), ("协", "social_org"), ("中学", "public_institution"), ("中", "public_institution"), ("院", "public_institution"),
)
_INTERNATIONAL = ("世界", "国际", "联合国", "亚洲", "全球", "欧洲", "非洲")
# A name opening with these is a generic body of the place talked about (社区图书室, 街道办事处).
_GENERIC_OPENERS = ("社区", "街道", "辖区", "小区", "村里", "本", "该", "各", "全")
_CLAUSE_TAGS = frozenset({"v", "vd", "ad", "d", "c", "p"})  # LAC tags of words that make a clause, never a place name
_CONFIDENCE = 0.55
_SUFFIXED_CONFIDENCE = 0.7


def suffix_type(name: str) -> tuple[str, str | None, str] | None:
    """(type, kind, suffix) of the longest lexicon suffix `name` ends with, or None."""
    suffix = suffix_of(name)
    return (*lx.SUFFIXES[suffix], suffix) if suffix else None


def _org_kind(name: str) -> str:
    if name.startswith(_INTERNATIONAL) or any(name.startswith(c) for c in lx.countries()):
        return "international"  # 世界卫生组织, 联合国儿童基金会, 芬兰…
    for ending, kind in _ORG_ENDINGS:
        if name.endswith(ending):
            return kind
    return "enterprise"


def _joined_spans(spans: list[TaggedSpan]) -> list[TaggedSpan]:
    """Adjacent ORG/LOC spans whose second part is a name head (连然 + 街道社区专项基金管理委员会) become one."""
    out: list[TaggedSpan] = []
    for s in spans:
        prev = out[-1] if out else None
        joined = prev is not None and prev.end == s.start and (
            (prev.tag in ("ORG", "LOC") and s.tag == "ORG" and suffix_type(s.text))
            # 大英县委社会工作 + 部: a short word that completes a suffix the span alone lacks
            or (prev.tag == "ORG" and s.tag in ("n", "nz") and len(s.text) <= 2 and not suffix_type(prev.text)
                and suffix_type(prev.text + s.text) is not None)
        )
        if joined and prev is not None:
            out.pop()
            out.append(TaggedSpan(prev.start, s.end, prev.text + s.text, "ORG"))
        else:
            out.append(s)
    return out


def _plausible(name: str, after: TaggedSpan | None, suffixed: bool) -> bool:
    if len(_HAN.findall(name)) < 2 or len(name) > 30 or is_generic_word(name) or name.startswith(_GENERIC_OPENERS):
        return False
    if any(ch in name for ch in "，。、；：！？“”《》\"") or name.count("（") != name.count("）"):
        return False
    tag = tag_of(name)
    if not suffixed and not tag.startswith(_NAME_TAGS) and after is not None and after.tag in ("n", "vn", "nz") and _HAN.match(after.text[:1]):
        return False  # a modifier of the noun after it (新时代文明实践站, 党史学习教育); not a known name (华润全国…)
    if tag and not tag.startswith(_NAME_TAGS):
        return False  # an ordinary dictionary word (幸福, 党史)
    return True


def _known_short(name: str) -> bool:
    """A name of three characters or fewer without a suffix is taken only when jieba knows it as a proper noun
    (华润, 民政部) or it ends like a body (…部, …局); otherwise it is likely a cut piece (恒大名|都)."""
    return tag_of(name).startswith(_NAME_TAGS) or any(name.endswith(e) for e, _ in _ORG_ENDINGS)


def _cut_inside_word(sentence: str, start: int, end: int) -> bool:
    """True when jieba reads a word across the span's right edge (恒大名|都 where jieba has 名都)."""
    if end >= len(sentence) or not _HAN.match(sentence[end]):
        return False
    pos = start
    for word in cut(sentence[start : end + 3]):
        pos += len(word)
        if pos >= end:
            return pos > end and len(word) > 1
    return False


def statistical_mentions(sentence: str, spans: list[TaggedSpan]) -> list[Mention]:
    """Organization mentions from LAC's ORG spans (typed by their suffix when they have one)."""
    spans = _joined_spans(spans)
    out = []
    for i, s in enumerate(spans):
        if s.tag != "ORG":
            continue
        after = spans[i + 1] if i + 1 < len(spans) and spans[i + 1].start == s.end else None
        name = s.text.strip()
        typed = suffix_type(name)
        if not _plausible(name, after, typed is not None):
            continue
        if typed:
            node_type, kind, suffix = typed
            stem = name[: -len(suffix)]
            if after_description(stem):
                continue  # 上海市郊首家社区基金会: a description of a body, the rules read what follows it
            if node_type not in ("Organization", "Community") or is_generic_word(stem) or len(_HAN.findall(stem)) < 2:
                continue
            if kind == "enterprise" and suffix not in ("公司", "集团") and len(stem) <= 2 and tag_of(stem)[:1] in ("n", "v", "a"):
                continue  # 民宿酒店: a kind of business, not a named one
            out.append(Mention(s.start, s.end, name, node_type, kind, _SUFFIXED_CONFIDENCE, "lac", suffix=suffix))
        elif is_event(name):  # 阳光沙龙, …论坛: LAC reads an event as a body
            out.append(Mention(s.start, s.end, name, "Initiative", "activity", _CONFIDENCE, "lac"))
        elif len(name) >= 4 and name.endswith(PLATFORM_ENDINGS):  # 天府市民云: an app, not a body
            out.append(Mention(s.start, s.end, name, "Initiative", "platform", _CONFIDENCE, "lac"))
        elif not _cut_inside_word(sentence, s.start, s.end) and (len(name) >= 4 or _known_short(name)):
            out.append(Mention(s.start, s.end, name, "Organization", _org_kind(name), _CONFIDENCE, "lac"))
    return out


def _glue(s: TaggedSpan) -> bool:
    """A word glued before a name that is no part of it: a connective, preposition, or a verb of two or more characters."""
    if s.text in lx.NAMEABLE_OVERRIDES:
        return False
    if s.text in lx.BOUNDARY_WORDS:
        return True
    if s.tag == "v":
        return len(s.text) >= 2 and s.text not in lx.NAME_VERBS
    return s.tag in _OUTSIDE_TAGS and s.tag not in ("PER", "TIME", "m", "f", "w")


def _joins(text: str) -> bool:
    """True when a joining word of two or more characters (联合, 携手…) stands in the text."""
    return any(w in text for w in lx.JOINING_WORDS if len(w) > 1)


def _word_across(spans: list[TaggedSpan], pos: int) -> TaggedSpan | None:
    """The LAC word that starts before `pos` and ends after it (a name edge cut inside a word), if any."""
    for s in spans:
        if s.start < pos < s.end:
            return s
    return None


def _edge_fixed(m: Mention, sentence: str, spans: list[TaggedSpan], rule: Sequence[Mention] = ()) -> Mention:
    """Redraw a rule name's left edge with LAC's words: drop a verb or connective glued on
    (即重庆万象城党支部 → 重庆万象城党支部), take back a word cut in two (湾街道党工委 → 谢家湾街道党工委)."""
    bracket = _bracketed_place_before(sentence, m.start)
    if bracket is not None:
        name_before = next((s for s in spans if s.end == bracket and s.tag in ("ORG", "nz", "nt", "n")), None)
        if name_before is not None:
            return _moved(m, name_before.start, sentence)
    word = _word_across(spans, m.start)
    if word is not None and m.start - word.start >= 2 and is_generic_word(sentence[word.start : m.start]):
        word = None  # 辖区企业|宝林…公司 where LAC reads 企业宝林 as one word: a category word is no part of the name
    if _starts_with_place(m.name) or (word is not None and (_joins(sentence[word.start : m.start + 2]) or after_description(sentence[word.start : m.start]))):
        word = None  # 石羊街道办事处 stays without 成都高新区; 甲集团联合|乙党工委 stays split
    places = _places_before(sentence, word.start, m.start, rule) if word is not None else 0
    if word is not None and m.type == "Community" and places >= 1:
        word = None  # 上海|盈浦社区基金会, 某区某街道|某社区: a community is named without the places before it
    if word is not None and m.type == "Community" and m.kind == "compound" and sentence[word.start : m.start].endswith(("社区", "村")) \
            and len(sentence[word.start : m.start]) >= 4:
        word = None  # 梧桐社区|东苑小区: a compound is named without the community before it
    if word is not None and m.type == "Organization" and places >= 2:
        word = None  # 某区某街道|某社区党委: a body is named without the address chain before it
    if word is not None and word.tag not in _OUTSIDE_TAGS and _HAN.match(word.text[:1]):
        return _moved(m, word.start, sentence)
    cut = m.start
    for s in spans:
        if s.start == cut and s.end < m.end - len(m.suffix) and (_glue(s) or s.tag == "ad"):
            cut = s.end
    stem_end = m.end - len(m.suffix)
    inside = [s for s in spans if cut <= s.start and s.end <= stem_end]
    if m.type == "Community" and inside and sum(len(s.text) for s in inside) == stem_end - cut and all(s.tag in _CLAUSE_TAGS for s in inside):
        return replace(m, generic=True)  # 广泛|传播|社区, 赋|能|社区: words of a clause before a bare suffix, no name
    joint = next((s for s in reversed(inside) if s.tag in ("c", "p") and s.text in lx.BOUNDARY_WORDS), None)
    if joint is not None and m.type in ("Community", "Organization"):  # 营造师|及|社区: a conjunction inside jieba's word
        return _moved(m, joint.end, sentence) if len(_HAN.findall(sentence[joint.end : stem_end])) >= 2 else replace(m, generic=True)
    if cut > m.start and len(_HAN.findall(sentence[cut : m.end])) - len(m.suffix) >= 2:
        return _moved(m, cut, sentence)
    return m


def _places_before(sentence: str, start: int, end: int, rule: Sequence[Mention]) -> int:
    """How many places fill sentence[start:end] one after another: the rules' own area and community
    mentions (which know a street's local form, 某路街 for 某路街道) or else the lexicon's names."""
    count, pos = 0, start
    while pos < end:
        tile = next((m for m in rule if m.start == pos and m.end <= end and m.type in ("Area", "Community") and not m.generic), None)
        if tile is None:
            break
        count, pos = count + 1, tile.end
    return count if pos == end and count else _places_in_text(sentence[start:end])


def _places_in_text(text: str) -> int:
    """How many administrative areas of the lexicon `text` is made of, one after another (上海 → 1,
    某某区某某街道 → 2); 0 when anything else is in it."""
    count, rest = 0, text
    while rest:
        hit = area_prefix_re().match(rest) or _STREET_END.match(rest)
        if hit is None or hit.end() == 0:
            return 0
        count, rest = count + 1, rest[hit.end():]
    return count


_STREET_END = re.compile(r"[\u4e00-\u9fff]{2,6}?(?:街道|镇|乡)")  # a street or town the table lacks still ends the chain


def _bracketed_place_before(sentence: str, pos: int) -> int | None:
    """Start of a （place） that ends right before `pos` (华润置地（重庆）|有限公司), or None."""
    if pos < 3 or sentence[pos - 1] not in "）)":
        return None
    opening = max(sentence.rfind("（", max(0, pos - 8), pos), sentence.rfind("(", max(0, pos - 8), pos))
    inner = sentence[opening + 1 : pos - 1] if opening >= 0 else ""
    return opening if 2 <= len(inner) <= 5 and all("\u4e00" <= ch <= "\u9fff" for ch in inner) else None


def _moved(m: Mention, start: int, sentence: str) -> Mention:
    name = sentence[start : m.end].translate(_STRIP_QUOTES)
    stem = name[: len(name) - len(m.suffix)]
    generic = (stem_is_generic(stem) or tag_of(stem).startswith(("v", "a", "d"))) if m.suffix else m.generic  # 安置小区: a description
    return Mention(start, m.end, name, m.type, m.kind, m.confidence, m.source, generic, m.embedded, m.suffix)


def _replaces(s: Mention, m: Mention) -> bool:
    """A LAC name replaces an overlapping rule mention when it is the longer reading of the same name.

    It contains the rule's span, and either the rule's mention is generic or of the same type and
    does not start at a place name (the contract names bodies without their address chain)."""
    if not (s.start <= m.start and m.end <= s.end):
        return False
    if m.generic:
        return True  # the rules gave up on the stem (重庆建设医院); LAC reads a name there
    if (s.start, s.end) == (m.start, m.end):
        return False
    if s.start < m.start - 1 and s.name.endswith(m.name) and is_generic_word(s.name[: len(s.name) - len(m.name)]):
        return False  # 企业|某股份合作公司: a category word before the rule's name is no part of it
    if m.type in ("Area", "Community"):
        return s.type == "Organization" and s.end > m.end and s.suffix != ""  # 宝兴社区 + 党委: the place stays, embedded
    if m.type == s.type == "Organization" and s.end == m.end and s.name.endswith(m.name) \
            and _places_in_text(s.name[: len(s.name) - len(m.name)]) >= 2:
        return False  # 某区某街道|某社区党委: the contract names a body without the address chain before it
    return m.type == s.type == "Organization" and not (s.start < m.start and _starts_with_place(m.name))


def _starts_with_place(name: str) -> bool:
    """True when a name opens with an administrative area of the lexicon (石羊街道办事处)."""
    return area_prefix_re().match(name) is not None


def _without_chain(s: Mention, rule: list[Mention], sentence: str) -> Mention:
    """A LAC body opening with an address chain (某区|某街道|某社区党委) named from the last place of the
    chain on (某社区党委), as the contract names bodies; one place before the body stays (谢家湾街道党工委)."""
    pos, tiles = s.start, []
    while True:
        t = next((m for m in rule if m.start == pos and m.type in ("Area", "Community") and not m.generic and m.end < s.end), None)
        if t is None:
            break
        tiles.append(t)
        pos = t.end
    return _moved(s, tiles[-1].start, sentence) if len(tiles) >= 2 else s


def merge_statistical(sentence: str, rule: list[Mention], spans: list[TaggedSpan]) -> list[Mention]:
    """Rule mentions with LAC's edges where LAC draws them better, plus LAC names the rules missed."""
    stat = [_without_chain(s, rule, sentence) if s.type == "Organization" else s for s in statistical_mentions(sentence, spans)]
    fixed = [_edge_fixed(m, sentence, spans, rule) if m.type in ("Organization", "Community") and m.source == "suffix" else m for m in rule]
    kept, added = list(fixed), []
    for s in stat:
        rivals = [m for m in kept if m.overlaps(s)]
        if sum(m.type == "Organization" and not m.generic for m in rivals) > 1:
            continue  # one LAC span over two bodies (甲集团联合乙党工委) is two names, as the rules read it
        if all(_replaces(s, m) for m in rivals):
            kept = [m for m in kept if m not in rivals or (m.type in ("Area", "Community") and not m.generic)]
            added.append(s)
    if not added and fixed == rule:
        return rule
    return settle(unglued(kept + added))
