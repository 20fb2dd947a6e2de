"""Find entity mentions in one sentence: lexicon areas, suffix-headed names, quoted names, awards."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ingest import divisions, rule_data
from ingest import lexicon as lx
from ingest.lexicon import is_generic_word
from ingest.tokens import Unit, cut, tag_of, units_of

MAX_NAME = 26
_QUOTES = "“”\"《》「」‘’"
_STRIP_QUOTES = str.maketrans("", "", _QUOTES)
_HAN = re.compile(r"[\u4e00-\u9fff]")
_COMPOUND_LIST = re.compile(
    r"((?:[\u4e00-\u9fff]{2,6}、)+[\u4e00-\u9fff]{2,6})等?(?:两|三|四|五|六|七|八|九|十|[0-9]+)个(?:小区|院落)"
)
_AWARD_TITLE_TAIL = re.compile(r"(?:的)?(?:荣誉称号|光荣称号|称号|荣誉)$")
_AWARD_HEADS = tuple(rule_data.words("award_heads"))  # what a title names: …社区, …单位, …集体
PLATFORM_ENDINGS = tuple(rule_data.words("platform_endings"))  # …市民云, …APP: how apps and online platforms are named
_EVENT_HEADS = tuple(sorted(rule_data.words("event_heads"), key=len, reverse=True))  # …节, …赛, …论坛
_DESCRIPTION_MARKS = tuple(sorted(rule_data.words("description_marks"), key=len, reverse=True))  # 首家, 性质
_YEAR_PREFIX = re.compile(r"^(?:(?:19|20)[0-9]{2}年度?|第[一二三四五六七八九十0-9]+[届批]|年度|首批|首届)+")


@dataclass
class Mention:
    """An entity mention: sentence-relative offsets, name as it will be stored, and how it was found."""

    start: int
    end: int
    name: str
    type: str
    kind: str | None
    confidence: float
    source: str
    generic: bool = False
    embedded: bool = False
    suffix: str = ""

    def overlaps(self, other: "Mention") -> bool:
        """True when the two spans share a character."""
        return self.start < other.end and other.start < self.end

    def within(self, other: "Mention") -> bool:
        """True when this span lies inside the other one (and is not equal to it)."""
        return other.start <= self.start and self.end <= other.end and (self.start, self.end) != (other.start, other.end)


def _is_unit_end(u: Unit) -> bool:
    if u.kind == "area":
        return True
    if u.kind != "tok":
        return False
    if u.text in lx.UNIT_END_TOKENS:
        return True
    return u.tag == "ns" and u.text.endswith(("区", "市", "县", "省")) and len(u.text) >= 3


def _is_boundary(u: Unit, node_type: str = "Organization") -> bool:
    if u.kind == "punct":
        return True
    if u.kind != "tok" or u.text in lx.NAMEABLE_OVERRIDES:
        return False
    if u.text in lx.BOUNDARY_WORDS or any(ch.isdigit() for ch in u.text):
        return True
    if len(u.text) >= 3 and any(u.text[k : k + 2] in lx.BOUNDARY_WORDS for k in range(len(u.text) - 1)):
        return True
    tag = u.tag
    place = node_type in ("Area", "Community")
    if place and (u.text in lx.PLACE_BOUNDARY_WORDS or tag.startswith(("a", "l", "i"))):
        return True
    if place and tag == "m" and not any(ch.isdigit() for ch in u.text) and len(u.text) >= 2 and u.text[-1] not in "个大项家名批处":
        return False  # 三元社区, 一品天下
    if not tag or tag.startswith(("vn", "nr", "ns", "nz")):
        return False
    if tag.startswith("v"):
        return node_type in ("Area", "Community") or (len(u.text) > 1 and u.text not in lx.NAME_VERBS)
    return tag.startswith(lx.BOUNDARY_TAGS)


def _suffix_at(sentence: str, end: int) -> str:
    """The longest known name suffix ending at `end`."""
    for n in range(min(lx.MAX_SUFFIX, end), 0, -1):
        s = sentence[end - n : end]
        if s in lx.SUFFIXES:
            return s
    return ""


def _scan_left(units: list[Unit], i: int, suffix_start: int, node_type: str) -> tuple[int, list[str]]:
    """Index of the first unit of the name ending in units[i]; also the admin units crossed."""
    first = i
    crossed: list[str] = []
    stem_start = units[i].start
    absorbed = False
    j = i - 1
    while j >= 0:
        u = units[j]
        if u.end != units[j + 1].start or suffix_start - u.start > MAX_NAME:
            break  # a space or a too-long name ends the scan
        if _is_unit_end(u) and not (j > 0 and is_generic_word(units[j - 1].inner) and u.kind == "tok"):
            bare_level = crossed == ["社区"] and u.kind == "area" and units[first].text == "社区"
            if node_type in ("Area", "Community") or (crossed and not bare_level):
                break  # 某街道|社区|专项基金管理委员会: a bare 社区 in a body's name is no place of its own, the street before it names the body
            crossed.append(u.text)
            first = j
            stem_start = u.start  # 和|市北区|红十字会: nothing loose glues on before a crossed place
            j -= 1
            continue
        if node_type == "Initiative" and _street_number(units, j):
            first = j - 1  # 凯旋路70号|创意产业园: a street address names the site it opens
            stem_start = units[first].start
            j -= 2
            continue
        if _numbered_after_place(units, j, node_type):
            first = j
            stem_start = u.start
            j -= 1
            continue
        if _counted_floor(units, j):
            break  # 6楼|蓉城驿站: a floor or number of a building is an address, not a name
        if u.kind == "tok" and not u.tag and len(u.text) >= 2 and u.text[-1] in "及暨":
            break  # 营造师及|社区: a conjunction jieba read into an unknown word ends the name
        if node_type == "Organization" and _place_in_brackets(units, j):
            first = j - 3  # 华润置地（重庆）有限公司: a place in brackets inside a legal name, and the word before it
            if len(units[first].text) == 1 and first > 0 and _loose_char(units[first - 1]) and units[first - 1].end == units[first].start:
                first -= 1  # 置|地（重庆）, 中|新（重庆）: jieba cut the word before the bracket into single characters
            stem_start = units[first].start
            j = first - 1
            continue
        gloss = _latin_gloss(units, j) if node_type in ("Organization", "Initiative") else None
        if gloss is not None:
            # “YAM”（you and me）国际志愿服务队: a quoted name glossed in brackets before the suffix opens the name (the gloss is dropped from it)
            first = gloss
            stem_start = units[gloss].start
            j = gloss - 1
            continue
        if u.kind == "quote":
            if node_type in ("Area", "Community") or len(u.inner) > 12 or not _plausible_name(u.inner):
                break
            first = j
            j -= 1
            continue
        if node_type != "Community" and u.kind == "tok" and u.text + units[j + 1].text in _PAIRED_WORDS and units[j + 1].end <= suffix_start:
            first = j  # 某镇|创新|创业|产业发展联盟: a fixed pair of verbs inside a body's name does not end it
            stem_start = u.start
            j -= 1
            continue
        if _is_boundary(u, node_type) and not _named_in_chain(units, j, node_type) and not _verb_opening_name(units, j, suffix_start, node_type):
            # 和|区|妇联: a bare level word names the body by its level, nothing glues on before it
            level_word = units[j + 1].text in ("区", "市", "县", "镇", "乡", "省")
            if (_absorbable(u) and suffix_start - stem_start < 2 and not level_word) or _township_char(units, j):
                first = j
                stem_start = u.start
                absorbed = True
                j -= 1
                continue
            break
        if absorbed and len(u.text) > 1 and not (node_type == "Community" and u.tag in ("ns", "nr", "nz", "") and u.kind == "tok") \
                and not _named_in_chain(units, j, node_type):
            break  # 朝阳|里|社区: a place name before an absorbed 里 stays in
        first = j
        stem_start = u.start
        j -= 1
    return first, crossed


_PAIRED_WORDS = ("创新创业",)  # 双创: one word of a body's remit though jieba cuts it and 创新 alone is a verb that ends names


_ORDINAL = re.compile(r"^第[一二三四五六七八九十0-9]{1,3}$")


def _numbered_after_place(units: list[Unit], j: int, node_type: str) -> bool:
    """新城区|第四|党员政治生活馆, 金水社区|第一|党支部: an ordinal between a place and a body's or site's head numbers it."""
    if node_type not in ("Organization", "Initiative") or j == 0:
        return False
    u, before = units[j], units[j - 1]
    if u.kind != "tok" or not _ORDINAL.match(u.text) or before.end != u.start:
        return False
    return _is_unit_end(before) or (before.kind == "tok" and before.text.endswith(("社区", "村", "小区")))


_PARALLEL_NUMBERS = re.compile(r"([百千万])[\u4e00-\u9fff]{1,3}\1")


def _common_nouns(stem_units: list[Unit]) -> bool:
    """True when a stem is only ordinary dictionary nouns (民宿, 村民|闲置), none a proper name or unknown word."""
    return bool(stem_units) and all(u.kind == "tok" and u.tag == "n" and len(u.text) >= 2 and tag_of(u.text) == "n" for u in stem_units)


_MECHANISM_AFTER = re.compile(r"(?:工作|运行|议事)?(?:机制|制度|模式)")


LATIN_GLOSS = re.compile(r"[（(][A-Za-z][A-Za-z .'&-]{0,40}[）)]")


def _latin_gloss(units: list[Unit], j: int) -> int | None:
    """Index of the quote before a bracketed Latin gloss that ends at units[j] (“YAM”|（you and me）), else None."""
    if units[j].text not in ("）", ")"):
        return None
    k = j - 1
    while k >= 0 and units[k].text not in ("（", "(") and j - k <= 12:
        k -= 1
    if k < 1 or units[k - 1].kind != "quote" or units[k - 1].end != units[k].start:
        return None
    text = "".join(u.text for u in units[k : j + 1])
    return k - 1 if LATIN_GLOSS.fullmatch(text) and _plausible_name(units[k - 1].inner) else None


def gloss_kept(units: list[Unit]) -> bool:
    """True when a name's units hold a bracketed Latin gloss after a quote (“YAM”（you and me）)."""
    return any(u.text in ("）", ")") and _latin_gloss(units, k) is not None for k, u in enumerate(units))


def _named_in_chain(units: list[Unit], j: int, node_type: str) -> bool:
    """向阳路街|昔阳|里社区, 某社区|下|蜀东方小区: right after its street or community in an address chain, a word
    jieba tags as a time, adjective or locative (昔阳/t, 下/f) is the name's first word, not a boundary."""
    u = units[j]
    return node_type == "Community" and u.kind == "tok" and j > 0 and _is_unit_end(units[j - 1]) \
        and units[j - 1].end == u.start and u.tag[:1] in ("t", "a", "f", "s", "b") \
        and (len(u.text) >= 2 or u.tag == "f" and u.text in "上下东西南北中" and units[j + 1].kind == "tok") \
        and u.text not in lx.BOUNDARY_WORDS and u.text not in lx.PLACE_BOUNDARY_WORDS and not any(ch.isdigit() for ch in u.text) \
        and not (u.tag[:1] == "t" and any(ch in u.text for ch in "年月日时今昨明前后来期初底"))


def _verb_opening_name(units: list[Unit], j: int, suffix_start: int, node_type: str) -> bool:
    """组成的|庆幸|姐妹时装队: a two-character word jieba tags as a verb, right after 的 and before a name
    part of its own, opens a body's name (the clause before 的 describes the body; the verb governs nothing)."""
    u = units[j]
    return node_type == "Organization" and u.kind == "tok" and u.tag == "v" and len(u.text) == 2 and j > 0 \
        and units[j - 1].text == "的" and units[j - 1].end == u.start and suffix_start - u.end >= 2 \
        and u.text not in lx.BOUNDARY_WORDS


def _own_level_start(units: list[Unit], k: int, kind: str | None) -> int | None:
    """Index of 区 in ，区|社会|建设|领导小组: a government or party body opening a clause, named by the level of
    the place the article is about (区, 市, 县) and two to four words of its remit; else None."""
    if kind not in ("government", "party") or units[k].kind != "tok":
        return None
    j = k - 1
    while j >= 0 and k - j <= 5 and units[j].kind == "tok" and units[j].text not in ("区", "市", "县") \
            and units[j].tag[:1] in ("n", "v") and len(units[j].text) >= 2 and units[j].end == units[j + 1].start:
        j -= 1
    if j < 0 or k - j < 3 or units[j].kind != "tok" or units[j].text not in ("区", "市", "县") or units[j].end != units[j + 1].start:
        return None
    return j if j == 0 or units[j - 1].kind == "punct" else None


def _glued_preposition(u: Unit) -> bool:
    """An unknown word jieba made of a preposition and the first characters of a name (对盈星, 把金牛)."""
    return u.kind == "tok" and not u.tag and len(u.text) >= 3 and u.text[0] in "对把被将给让使从在" and not tag_of(u.text)


def _township_char(units: list[Unit], j: int) -> bool:
    """都江堰|向|峨乡, 向|峨|镇党委: one character jieba took for a preposition, before a one-character
    stem and 镇/乡, at the start of a clause or right after its county, is the township's first character."""
    u = units[j]
    if u.kind != "tok" or len(u.text) != 1 or _HAN.match(u.text) is None or len(units) < j + 2:
        return False
    rest = "".join(x.text for x in units[j + 1 : j + 3])
    opens = j == 0 or units[j - 1].kind in ("area", "punct") and units[j - 1].end == u.start
    return opens and len(units[j + 1].text) <= 2 and rest[1:2] in ("镇", "乡") and _HAN.match(rest[:1]) is not None


def _street_number(units: list[Unit], j: int) -> bool:
    """units[j-1:j+1] are a street and its number (凯旋路|70号), adjacent."""
    u = units[j]
    return j > 0 and re.fullmatch(r"[0-9０-９]{1,4}号", u.text) is not None and units[j - 1].kind == "tok" \
        and len(units[j - 1].text) >= 3 and units[j - 1].text[-1] in "路街巷道" and units[j - 1].end == u.start


def _counted_floor(units: list[Unit], j: int) -> bool:
    """units[j] is 楼/层/号/栋… right after a number (6楼, 3号)."""
    u = units[j]
    return u.kind == "tok" and u.text in ("楼", "层", "号", "栋", "幢", "室", "号楼") and j > 0 \
        and units[j - 1].end == u.start and units[j - 1].text[-1:].isdigit()


def _place_in_brackets(units: list[Unit], j: int) -> bool:
    """units[j-2:j+1] are （ place ） with a name before them, as in 中新（重庆）机场管理有限公司."""
    if j < 3 or units[j].text not in ("）", ")") or units[j - 2].text not in ("（", "("):
        return False
    place, before = units[j - 1], units[j - 3]
    long_enough = len(before.text) >= 2 or (j >= 4 and _loose_char(before) and _loose_char(units[j - 4]) and units[j - 4].end == before.start)
    return (place.kind == "area" or place.tag == "ns"
            or (place.kind == "tok" and 2 <= len(place.text) <= 4 and is_generic_word(place.text) is False and place.tag in ("", "ns", "nr"))) \
        and before.kind == "tok" and before.end == units[j - 2].start and before.text not in lx.BOUNDARY_WORDS and long_enough


def _loose_char(u: Unit) -> bool:
    """A one-character word that may be a piece of a name jieba cut up (置, 地, 新), not a function word."""
    return u.kind == "tok" and len(u.text) == 1 and _HAN.match(u.text) is not None and u.text not in lx.BOUNDARY_WORDS \
        and u.text not in "在的了被把将对从向由为让使等着和与及或是有"


def _absorbable(u: Unit) -> bool:
    """A one-character word jieba split off a name (保|和|街道, 三|和|集团) can be taken back in."""
    return u.kind == "tok" and len(u.text) == 1 and not u.tag.startswith(("u", "p", "y", "e", "r")) and u.text not in "在的了被把将对从向由为让使等着年月日号时"


@lru_cache(maxsize=65536)
def stem_is_generic(stem: str) -> bool:
    stem = stem.translate(_STRIP_QUOTES)
    if len(_HAN.findall(stem)) < 2:
        return True
    if lx.SUFFIXES.get(stem, ("",))[0] == "Organization":
        return True  # 合作社党支部, 物业公司: the body of a kind of body, not a named one
    if stem.endswith(("型", "式", "性", "化")) and not stem.endswith(("文化", "模式")) and _describes(stem):
        return True  # 规范化…, but 盈星文化艺术团 and 南山国际化社区 (a proper name before the word)
    m = area_prefix_re().match(stem)
    if m:
        rest = stem[m.end():]
        return bool(rest) and is_generic_word(rest)
    return is_generic_word(stem)


def after_description(stem: str) -> int:
    """Offset in `stem` after its last description word (上海市郊首家|社区, 非公募性质|社区公益), 0 if none."""
    return max((k + len(w) for w in _DESCRIPTION_MARKS for k in [stem.rfind(w)] if k >= 0), default=0)


def _describes(stem: str) -> bool:
    """True when a stem ending in 化/型/式/性 is a description (精细化, 服务型), not a proper name plus that word."""
    word = next((stem[-n:] for n in (4, 3, 2) if len(stem) > n and tag_of(stem[-n:])), "")
    rest = stem[: len(stem) - len(word)] if word else stem[:-1]
    return len(stem) <= 3 or not rest or is_generic_word(rest) or not tag_of(rest).startswith(("ns", "nr", "nz", "nt", "j"))


def area_prefix_re() -> divisions.PrefixMatcher:
    """`.match(text)`: the longest division name `text` starts with (a dict lookup, not a regex of every name)."""
    return divisions.prefix_matcher()


def _suffix_before_locative(sentence: str, u: Unit) -> tuple[int, str]:
    """(end, suffix) when jieba glued a locative onto a name's suffix (水晶城小|区内: 小区 + 内), else (u.end, "")."""
    if len(u.text) >= 2 and u.text[-1] in "内里中外旁边":
        suffix = _suffix_at(sentence, u.end - 1)
        if len(suffix) >= 2 and u.end - 1 - len(suffix) < u.start:
            return u.end - 1, suffix
    return u.end, ""


_TITLES = ("书记", "主任", "主席", "会长", "部长", "局长", "站长", "馆长", "院长", "校长", "理事长", "秘书长")


def _suffix_before_title(sentence: str, units: list[Unit], i: int) -> tuple[int, str]:
    """(end, suffix) when jieba glued a job title onto a name's suffix (某社区|党委书记, 某县委社会工作|部副|部长),
    else (units[i].end, "")."""
    u = units[i]
    cut = next((len(t) for t in _TITLES if u.text.endswith(t) and len(u.text) > len(t)), 0)
    if not cut and u.text.endswith("副") and len(u.text) >= 2 and i + 1 < len(units) and units[i + 1].text in _TITLES:
        cut = 1
    if cut:
        suffix = _suffix_at(sentence, u.end - cut)
        if suffix and u.end - cut - len(suffix) >= u.start - 4 and lx.SUFFIXES[suffix][0] == "Organization":
            return u.end - cut, suffix
    return u.end, ""


def suffix_mentions(sentence: str, units: list[Unit]) -> list[Mention]:
    """Names headed by a known suffix (…社区, …街道, …党委, …公司, …工作法 …), with generic ones flagged."""
    out: list[Mention] = []
    for i, u in enumerate(units):
        if u.kind != "tok":
            continue
        end = u.end
        suffix = _suffix_at(sentence, end)
        if not suffix:
            end, suffix = _suffix_before_locative(sentence, u)
        if not suffix:
            end, suffix = _suffix_before_title(sentence, units, i)
        if not suffix:
            continue
        k = i
        while k > 0 and units[k].start > end - len(suffix):
            k -= 1
        if units[k].kind != "tok":
            continue
        node_type, kind = lx.SUFFIXES[suffix]
        if end == u.end and len(u.text) > len(suffix):
            head = u.text[: -len(suffix)]
            if u.tag not in ("", "ns", "nr", "nz", "nt", "j", "n", "nrt", "l", "i") or tag_of(head)[:1] in ("v", "p", "d") or head in lx.BOUNDARY_WORDS:
                continue
        suffix_start = end - len(suffix)
        first, crossed = _scan_left(units, k, suffix_start, node_type)
        own = _own_level_start(units, k, kind) if node_type == "Organization" else None
        own_level = own is not None and own < first
        if own is not None and own_level:
            first, crossed = own, []
        if _quote_then_category(units, first, i, suffix, sentence):
            continue
        start = units[first].start
        if _glued_preposition(units[first]) and first < i:
            start += 1  # 开始对盈星|文化艺术团: jieba read the preposition into an unknown word opening the name
        while node_type == "Initiative" and first < i and units[first].kind == "tok" and units[first].text in ("社区", "街道", "辖区", "小区") and not crossed:
            first += 1
            start = units[first].start
        name = LATIN_GLOSS.sub("", sentence[start : end].translate(_STRIP_QUOTES)) if gloss_kept(units[first : i + 1]) \
            else sentence[start : end].translate(_STRIP_QUOTES)  # “YAM”（you and me）国际志愿服务队 is named YAM国际志愿服务队
        if name[:1] in "这那该其本每各此":
            continue
        cut_at = after_description(name[: -len(suffix)])
        if cut_at and node_type == "Organization":
            start, name = start + cut_at, name[cut_at:]  # 上海市郊首家|社区基金会: what describes the body is no part of its name
        generic = len(name) <= len(suffix) or stem_is_generic(name[: -len(suffix)]) or (
            node_type == "Community" and divisions.kind_of(name[: -len(suffix)]) in ("province", "city"))  # 成都社区
        quoted = any(x.kind == "quote" for x in units[first : i + 1])
        stem = name[: -len(suffix)]
        if node_type == "Initiative" and not quoted and (len(stem) < 2 or (len(stem) == 2 and tag_of(stem)) or suffix in lx.QUOTED_ONLY_SUFFIXES):
            generic = True
        if node_type == "Organization" and kind == "enterprise" and suffix not in ("公司", "集团") and len(stem) <= 2 and (
                tag_of(stem)[:1] in ("n", "v", "a") and tag_of(stem)[:2] not in ("nr", "ns", "nz", "nt") or is_generic_word(stem)):
            generic = True
        if crossed and not generic and kind not in ("government", "party", "self_governance"):
            rest = sentence[units[first].end : end] if _is_unit_end(units[first]) else ""
            if rest and is_generic_word(rest):
                generic = True
        if units[first].text in lx.NON_NAME_TOKENS or u.text in lx.NON_NAME_TOKENS:
            continue
        if generic and own_level:
            generic = False  # ，区社会建设领导小组: the article's own district names the body by its level
        if node_type == "Organization" and crossed and _country_prefix(units, first):
            kind = kind if kind == "public_institution" else "international"
        conf = 0.75 if not crossed else 0.7
        if kind == "self_governance" and _MECHANISM_AFTER.match(sentence, end):
            node_type, kind = "Initiative", "work_method"  # “拉家常”议事会机制: the body's name names the mechanism
        if node_type == "Community" and _PARALLEL_NUMBERS.search(name):
            node_type, kind = "Initiative", "project"  # 百企联百村, 万企帮万村: a programme's slogan, no village
        if node_type == "Community" and suffix == "院落" and _common_nouns(units[first:k]):
            continue  # 民宿院落, 村民闲置院落: a description of courtyards, not a named one
        if node_type == "Community" and suffix in ("社区", "村"):
            chained = first > 0 and _is_unit_end(units[first - 1]) and units[first - 1].end == units[first].start
            listed = first > 0 and units[first - 1].text == "、"
            if not chained and stem in lx.PLACE_DESCRIPTIONS:
                continue  # 贫穷的小山村, 一个古村, 人文社区新文态: a description of a village or community, not a named one
            conf = 0.85 if chained else 0.7 if listed or all(x.tag in ("", "ns", "nr", "nrt", "m", "nz", "ng", "j") for x in units[first:k]) else 0.45
            if conf == 0.45 and (_clause_stem(units[first:k], stem) or _modifies_next(units, i)):
                continue  # 不出社区, 全面推行社区, 共商社区发展: a verb phrase before 社区, or 社区 modifying the noun after it
        if node_type == "Initiative":
            conf = 0.6 if quoted else 0.5
        if suffix == "平台" and not generic and len(name) >= 6 and name[:-2].endswith(PLATFORM_ENDINGS):
            end, name = end - 2, name[:-2]  # 天府市民云平台: an app is named without the category word
        out.append(Mention(start, end, name, node_type, kind, conf, "suffix", generic=generic, suffix=suffix))
    return _departments_of_committees(sentence, out)


_COMMITTEES = ("区委", "市委", "县委", "州委", "省委")


def _departments_of_committees(sentence: str, found: list[Mention]) -> list[Mention]:
    """成都市青羊区委 + 青羊区委宣传部 → 成都市青羊区委宣传部: a department read from inside a committee's name
    (the scan crosses one area) is the department of the whole committee name."""
    out = list(found)
    for a in found:
        if a.type != "Organization" or a.generic or a.suffix not in _COMMITTEES:
            continue
        for b in found:
            if b.type == "Organization" and not b.generic and a.start < b.start < a.end < b.end and b.suffix != a.suffix \
                    and sentence[b.start : a.end].endswith(a.suffix):
                out.append(Mention(a.start, b.end, sentence[a.start : b.end].translate(_STRIP_QUOTES), b.type, b.kind,
                                   a.confidence, "suffix", suffix=b.suffix))
    return out


_CLAUSE_TAGS = ("v", "d", "p", "ad")


def _clause_stem(stem_units: list[Unit], stem: str) -> bool:
    """True when the words before a community suffix make a clause (a verb or adverb among them, or a verb
    ending them: 全面|推行), so 社区 is the object of a verb rather than the head of a name."""
    return any(u.kind == "tok" and u.tag.startswith(_CLAUSE_TAGS) for u in stem_units) or tag_of(stem[-2:]).startswith("v")


def _modifies_next(units: list[Unit], i: int) -> bool:
    """社区|发展, 社区|治理: a verbal noun right after the suffix makes 社区 a modifier (community development)."""
    return i + 1 < len(units) and units[i + 1].kind == "tok" and units[i + 1].tag == "vn" and units[i + 1].start == units[i].end


def _quote_then_category(units: list[Unit], first: int, last: int, suffix: str, sentence: str) -> bool:
    """“四个一”工作机制: a quoted name followed by a category word names the quote, not the phrase."""
    quotes = [u for u in units[first : last + 1] if u.kind == "quote"]
    if not quotes:
        return False
    tail = sentence[quotes[-1].end : units[last].end]
    if lx.SUFFIXES[suffix][0] == "Organization":  # “幸福布新”志愿服务队, “红欣启航”党建联盟: a body named with a quote keeps its head,
        inner = suffix_of(quotes[-1].inner) or (quotes[-1].inner if quotes[-1].inner in lx.SUFFIXES else "")
        return bool(inner) and lx.SUFFIXES[inner] == lx.SUFFIXES[suffix] and len(tail) <= 6  # but “…微基金”专项基金 repeats its kind
    m = lx.CATEGORY_RE.match(tail)
    if m and m.end() == len(tail) and m.group(1) in lx.NAME_HEADS:
        return False  # “党建共建同心圆”工程: the head is part of the name
    return m is not None and (m.end() == len(tail) or is_generic_word(tail[: -len(suffix)]))


def _country_prefix(units: list[Unit], first: int) -> bool:
    return units[first].text in lx.countries() or any(units[first].text.startswith(c) for c in lx.countries())


def foreign_city_mentions(sentence: str, units: list[Unit]) -> list[Mention]:
    """A foreign city after a country name (芬兰温佩利市) is an international Organization."""
    out = []
    for i, u in enumerate(units):
        if u.kind == "tok" and u.text in lx.countries():
            j = i + 1
            while j < len(units) and units[j].kind == "tok" and not units[j].text.endswith("市") and j - i < 4:
                j += 1
            if j < len(units) and units[j].kind == "tok" and units[j].text.endswith("市") and j > i + 0:
                name = sentence[units[i + 1].start if j > i + 1 else u.end : units[j].end]
                if 2 <= len(name) <= 8:
                    out.append(Mention(units[i + 1].start if j > i + 1 else u.end, units[j].end, name, "Organization", "international", 0.7, "foreign"))
    return out


_DICTIONARY_BODY_ENDS = {"部": "government", "组织": "international"}


def dictionary_body_mentions(units: list[Unit]) -> list[Mention]:
    """民政部, 世界卫生组织: a word jieba's dictionary knows as an organization (nt) that ends like a body."""
    out = []
    for k, u in enumerate(units):
        if u.kind != "tok" or u.tag != "nt" or len(u.text) < 3:
            continue
        end = next((e for e in _DICTIONARY_BODY_ENDS if u.text.endswith(e)), "")
        if not end or (end == "组织" and not u.text.startswith(lac_international_prefixes())):
            continue
        stem = u.text[: -len(end)]
        if end == "部" and k > 0 and units[k - 1].end == u.start and _institution_before(units[k - 1]):
            continue  # 医院|住院部, 公司|销售部: a section of the institution just named, not a body of its own
        if end == "部" and (len(stem) < 2 or set(stem) <= set("东西南北中内外") or is_generic_word(stem) or tag_of(stem)[:1] in ("v", "a", "f")):
            continue  # 中西部 (a region), 综合部, 住院部 (a section of some unit): no named body
        out.append(Mention(u.start, u.end, u.text, "Organization", _DICTIONARY_BODY_ENDS[end], 0.6, "dictionary"))
    return out


def _institution_before(u: Unit) -> bool:
    """True when a unit ends in the suffix of an institution or firm (医院, 公司, 学校, 中心…)."""
    suffix = next((u.text[-n:] for n in range(min(lx.MAX_SUFFIX, len(u.text)), 1, -1) if u.text[-n:] in lx.SUFFIXES), "")
    return bool(suffix) and lx.SUFFIXES[suffix][0] == "Organization" and lx.SUFFIXES[suffix][1] in ("public_institution", "enterprise", "social_org")


def lac_international_prefixes() -> tuple[str, ...]:
    """How the names of international organizations open (世界卫生组织, 国际劳工组织)."""
    return ("世界", "国际", "联合国", "亚洲", "全球")


def place_named_bodies(sentence: str, units: list[Unit], found: list[Mention]) -> list[Mention]:
    """鼓楼区人民医院, 玉林街道社会组织服务中心: an area unit right before a head of lx.PLACE_NAMED_HEADS names
    that area's body. A generic mention of the same span becomes named; new spans are returned."""
    out = []
    for u in units:
        if u.kind != "area":
            continue
        head = next((h for h in lx.PLACE_NAMED_HEADS if sentence.startswith(h, u.end)), None)
        suffix = suffix_of(head) if head else ""
        if not suffix or head is None:
            continue
        end = u.end + len(head)
        same = [m for m in found if (m.start, m.end) == (u.start, end) and m.type == "Organization"]
        for m in same:
            m.generic = False
        if not same:
            node_type, kind = lx.SUFFIXES[suffix]
            out.append(Mention(u.start, end, sentence[u.start : end], node_type, kind, 0.7, "suffix", suffix=suffix))
    return out


_SCHOOL_NUMBER = re.compile(r"[一二三四五六七八九十]{1,3}[中小]")


def numbered_school_mentions(units: list[Unit]) -> list[Mention]:
    """采荷|三中, 成都|七中, 西湖|一小: a place word and a numbered 中/小 make a school's short name."""
    out = []
    for j in range(1, len(units)):
        u, place = units[j], units[j - 1]
        if u.kind != "tok" or not _SCHOOL_NUMBER.fullmatch(u.text) or place.end != u.start:
            continue
        if place.kind not in ("tok", "area") or not 2 <= len(place.text) <= 4 or _HAN.fullmatch(place.text[-1]) is None:
            continue
        if place.kind == "tok" and place.tag not in ("", "ns", "nz", "nr"):
            continue
        out.append(Mention(place.start, u.end, place.text + u.text, "Organization", "public_institution", 0.6, "school"))
    return out


def area_mentions(units: list[Unit]) -> list[Mention]:
    """Areas of the national division table, named by their official form when it is one (重庆 → 重庆市)."""
    out = []
    for u in units:
        if u.kind == "area":
            name = divisions.canonical(u.text) or u.text
            kind = divisions.kind_of(u.text) or ("city" if divisions.chain_city(u.text) else None)  # 茂名|茂南区
            out.append(Mention(u.start, u.end, name, "Area", kind, 0.9, "lexicon", suffix=u.text))
    return out


def quoted_mentions(sentence: str, units: list[Unit], taken: list[Mention]) -> list[Mention]:
    """Quoted names that context marks as initiatives or awards; slogans and principles are left out."""
    out = []
    for i, u in enumerate(units):
        if u.kind != "quote":
            continue
        inner = u.inner.strip()
        if any(m.start <= u.start and u.end <= m.end and m.end > u.end and not m.generic for m in taken):
            continue  # the quote heads a longer suffix name (“红欣启航”党建联盟)
        if _CONTRAST_BEFORE.search(sentence, 0, u.start) or (sentence[u.start - 1 : u.start] in ("从", "由") and _CONTRAST_AFTER.match(sentence, u.end)):
            continue  # 从“单打独斗”到“抱团发展”: the two ends of a change, figures of speech, not names
        after = _after_list(sentence, units, i)
        before = sentence[max(0, _list_start(units, i) - 8) : _list_start(units, i)]
        place_before = any(m.type == "Community" and not m.generic and 0 <= u.start - m.end <= 2 for m in taken) and (
            u.end == len(sentence) or sentence[u.end] in "。，、；！？,;和及与"
        )
        pos = u.start + 1
        for part in re.split(r"[→>]", inner):
            if _plausible_name(part):
                typed = _classify_quoted(part, before, after, place_before)
                if typed is not None:
                    node_type, kind, conf = typed
                    name = part.translate(_STRIP_QUOTES)
                    lead = 0
                    if node_type == "Award":
                        name = _YEAR_PREFIX.sub("", name)
                    elif kind == "activity" and _EDITION.sub("", part):
                        lead = len(part) - len(_EDITION.sub("", part))  # “第四届…交友活动”: the event, whatever its edition
                        name = part[lead:].translate(_STRIP_QUOTES)
                    out.append(Mention(pos + lead, pos + len(part), name, node_type, kind, conf, "quote"))
            pos += len(part) + 1
    return out


_CHANGE_WORDS = r"(?:到|向|变为|变成|转变为|转向|走向|迈向)"
_CONTRAST_BEFORE = re.compile(r"(?:从|由)“[^“”]{1,14}”" + _CHANGE_WORDS + r"$")
_CONTRAST_AFTER = re.compile(_CHANGE_WORDS + r"“")


def _plausible_name(inner: str) -> bool:
    if len(inner) < 2 or len(inner) > 30:
        return False
    if any(ch in inner for ch in "，。！？!?；;…"):
        return False
    return bool(_HAN.search(inner)) or bool(re.fullmatch(r"[0-9A-Za-z+＋]{3,}", inner))


_LIST_JOIN = ("、", "和", "及", "与")


def _list_start(units: list[Unit], i: int) -> int:
    """Start offset of a run of adjacent quotes (“A”“B”“C” or “A”、“B”) containing unit i."""
    j = i
    while j - 1 >= 0 and (units[j - 1].kind == "quote" or (units[j - 1].text in _LIST_JOIN and j - 2 >= 0 and units[j - 2].kind == "quote")):
        j -= 1
    return units[j].start


def _after_list(sentence: str, units: list[Unit], i: int) -> str:
    j = i
    while j + 1 < len(units) and (units[j + 1].kind == "quote" or (units[j + 1].text in _LIST_JOIN and j + 2 < len(units) and units[j + 2].kind == "quote")):
        j += 1
    direct = sentence[units[i].end : units[i].end + 40]
    if j == i:
        return direct
    return sentence[units[j].end : units[j].end + 40] if not lx.CATEGORY_RE.match(direct) else direct


# “X”是…品牌/平台/机制 (within the clause): the quote is defined as a thing of that category.
_DEFINED_AS = re.compile(r"^(?:就|也|正)?是[^，。；！？,;]{0,30}?("
                         + "|".join(sorted(map(re.escape, lx.CATEGORY_WORDS), key=len, reverse=True)) + r")(?:[，。；！？,;]|$)")
_JOIN_VERBS = ("加入", "参与", "参加", "加盟")
_WEAK_VERBS = ("用", "以", "通过", "依托", "实施", "实行", "推行")
_VERB_TAIL = "了出起成的一个些好"


def _classify_quoted(inner: str, before: str, after: str, place_before: bool) -> tuple[str, str | None, float] | None:
    if is_generic_word(inner) or re.fullmatch(r"[0-9一二三四五六七八九十两]+个?", inner):
        return None
    if re.fullmatch(r"[0-9０-９.]+(?:分钟|公里|米|小时|天|年|月|日|万|亿|%|％)[\u4e00-\u9fff]{0,2}", inner):
        return None
    conferred = _BATCH_TAIL.sub("", before)  # 评为首批“…”: a batch or year word between the verb and the title
    if conferred.endswith(lx.AWARD_VERBS) and lx.AWARD_RE.search(inner) and len(inner) >= 6:
        return "Award", None, 0.75
    if conferred.endswith(_CONFERRING_VERBS) and len(inner) >= 4 and inner.endswith(_AWARD_HEADS):
        return "Award", None, 0.65  # 被…评为“健康促进社区”: a title conferred on a place or body
    if inner.endswith(("示范社区", "示范小区", "优秀案例", "先进基层党组织")) and len(inner) >= 8:
        return "Award", None, 0.6
    if after.startswith(lx.SLOGAN_AFTER) or before.endswith(lx.SLOGAN_BEFORE) or any(w in after[:8] for w in ("理念", "原则", "思路")):
        return None
    m = lx.CATEGORY_RE.match(after)
    if inner.startswith(("以", "让", "把", "向", "从", "由")) and not m:
        return None
    if m and lx.CATEGORY_WORDS[m.group(1)] == ("Initiative", "work_method") and "等" not in after[: m.start(1)] \
            and lx.SUFFIXES.get(suffix_of(inner), ("",))[0] == "Organization":
        return "Initiative", "work_method", 0.65  # “邻里议事会”工作机制, “红色业委会”制度: the body's name names the mechanism
    body = lx.SUFFIXES.get(inner)
    if body is not None and body[0] == "Organization" and len(inner) >= 4:
        return "Organization", body[1], 0.6  # “街长委员会”: a kind of body the lexicon knows, named in quotes
    if 3 <= len(inner) <= 5 and inner.endswith("委") and not tag_of(inner):
        return "Organization", "self_governance", 0.55  # “自协委”: a committee called by its short form
    if is_event(inner) and not re.search(r"(?:[0-9一二三四五六七八九十两]+|几)(?:个|项|场|次|类)$", before):
        return "Initiative", "activity", 0.6  # “邻里节”“龙舟赛”“…交友活动”: a named event (not 60个“好活动”, a count of a kind)
    if m and "等" in after[: m.start(1)] and lx.CATEGORY_WORDS[m.group(1)][0] == "Organization":
        return "Organization", lx.CATEGORY_WORDS[m.group(1)][1], 0.7  # “A”“B”等志愿服务小队: a list of bodies, whatever each ends in
    suffix = suffix_of(inner)
    if suffix and not stem_is_generic(inner[: -len(suffix)]):
        node_type, kind = lx.SUFFIXES[suffix]
        if node_type == "Organization" and kind == "enterprise":
            return "Initiative", "service" if suffix == "银行" else "space", 0.6  # “时间银行”“幸福超市”: a programme, not a firm
        if node_type in ("Initiative", "Organization"):
            return node_type, kind, 0.7
    if m:
        node_type, kind = lx.CATEGORY_WORDS[m.group(1)]
        return node_type, kind, 0.7
    defined = _DEFINED_AS.match(after)
    if defined:  # “红色同心圆”是…党建品牌: a name defined by its category
        node_type, kind = lx.CATEGORY_WORDS[defined.group(1)]
        return node_type, kind, 0.6
    appositive = re.search(r"(" + "|".join(lx.APPOSITIVE_HEADS) + r")(——)?$", before)
    if appositive and (appositive.group(2) or not after[:1] or after[:1] in "，。；、！？,;"):
        node_type, kind = lx.APPOSITIVE_HEADS[appositive.group(1)]
        return node_type, kind, 0.65 if appositive.group(2) else 0.6  # 民宿项目“故乡的云”: the head names the kind
    if "、" in inner or tag_of(inner):
        return None  # a dictionary word in quotes (“密码”“合伙人”) is a figure of speech, not a name
    verb_zone = before.rstrip(_VERB_TAIL)
    if verb_zone.endswith(_WEAK_VERBS):
        if _guess_kind(inner) == "work_method" and len(inner) <= 8:
            return "Initiative", "work_method", 0.6
        return None
    clause = re.split(r"[，。；：、,;]", before)[-1]
    if clause.endswith(_JOIN_VERBS):
        return "Initiative", _guess_kind(inner), 0.55  # 加入“X”: what members join
    if any(v in clause[-8:] for v in lx.RUN_VERBS if len(v) > 1):
        return "Initiative", _guess_kind(inner), 0.55
    if place_before and len(inner) <= 8:
        return "Initiative", "space", 0.5
    return None


_BATCH_TAIL = re.compile(r"(?:首批|首届|第[一二三四五六七八九十0-9]+批|(?:(?:19|20)[0-9]{2})?年度|全国首批)$")
_CONFERRING_VERBS = ("评为", "命名为", "授予", "获评", "荣获", "认定为", "评选为", "确定为")


def is_event(inner: str) -> bool:
    """True when a quoted name ends in an event head (…节, …赛, …论坛, …活动) after a stem of its own."""
    name = _EDITION.sub("", inner)
    head = next((h for h in _EVENT_HEADS if name.endswith(h)), "")
    stem = name[: len(name) - len(head)]
    return bool(head) and len(_HAN.findall(stem)) >= 2 and not is_generic_word(stem) and not tag_of(name)


_EDITION = re.compile(r"^(?:(?:19|20)[0-9]{2}年度?|第[一二三四五六七八九十0-9]+(?:届|期|季)|首届)")


def suffix_of(name: str) -> str:
    """The longest lexicon suffix that `name` ends with (shorter than the name), or ""."""
    for n in range(min(lx.MAX_SUFFIX, len(name) - 1), 0, -1):
        if name[-n:] in lx.SUFFIXES:
            return name[-n:]
    return ""


def _guess_kind(name: str) -> str:
    if re.search(r"[0-9一二三四五六七八九十两]个|[0-9+＋]", name) or name.endswith("制"):
        return "work_method"  # “四个一”, “1+5+N”, “街巷长制”
    if name.endswith(("号", "屋", "吧", "站", "廊", "亭", "园", "馆", "院")):
        return "space"
    return "project"


def award_mentions(sentence: str, units: list[Unit]) -> list[Mention]:
    """Unquoted awards after 荣获/获评/被评为/成为…, split at 和/、 when each part is an award."""
    out = []
    for m in re.finditer("|".join(sorted(lx.AWARD_VERBS, key=len, reverse=True)), sentence):
        tail = sentence[m.end():]
        clause = re.split(r"[，。；！？,;]", tail, maxsplit=1)[0]
        if not clause or clause.startswith(("了", "得", "到", "的")) and len(clause) < 3:
            continue
        offset = m.end()
        titled = bool(re.search(r"[”》」](?:的)?(?:荣誉称号|光荣称号|称号)$", clause))  # 获得“A”和“B”称号: the tail titles every part
        for part_start, part in _award_parts(clause):
            lead = len(part) - len(part.lstrip("了得到的"))
            year = _YEAR_PREFIX.match(part, lead)
            skip = year.end() if year else lead
            body = _AWARD_TITLE_TAIL.sub("", part[skip:])
            name = body.translate(_STRIP_QUOTES).strip()
            quoted_title = titled and any(ch in part for ch in "“《「") and len(_HAN.findall(name)) >= 4
            if not quoted_title and (not lx.AWARD_RE.search(name) or len(name) < 4) or len(name) > 40:
                continue
            if m.group() in ("成为", "获", "获得") and not quoted_title and not re.search("示范|优秀|先进|奖|称号|场景|十佳|典型|样板|最美", name):
                continue
            start = offset + part_start + skip
            out.append(Mention(start, start + len(body), name, "Award", None, 0.7, "award"))
    return out


_IS_TITLE = re.compile(r"(?:也|还|更|均|都|就|已)是([^，。；！？、“”《》是的]{4,24}?"
                       r"(?:样板项目|示范项目|示范点|示范基地|示范单位|示范社区|示范村|示范小区|样板村|样板))(?=[，。；！？,;]|$)")


def is_title_mentions(sentence: str) -> list[Mention]:
    """…也是山东省乡村振兴样板项目: after 是, a model title of a named level (a place, 全国, 全省) is an award."""
    out = []
    for m in _IS_TITLE.finditer(sentence):
        name = m.group(1)
        level = area_prefix_re().match(name)
        if (level is not None and level.end() < len(name) - 3) or name.startswith(("全国", "全省", "全市", "全区", "全县")):
            out.append(Mention(m.start(1), m.end(1), name, "Award", None, 0.6, "award"))
    return out


_LISTED = re.compile(r"(?:公布|发布|公示|印发|入选|列入|入围|纳入|进入|确定)(?:了)?(?:第[一二三四五六七八九十0-9]+批|首批)?"
                     r"([^，。；！？、“”《》]{4,30}?)(?:候选)?名单")


def award_list_mentions(sentence: str) -> list[Mention]:
    """公布了2022年度…先进典型名单, 入选…示范社区名单: the title a list is of is an award."""
    out = []
    for m in _LISTED.finditer(sentence):
        lead = _YEAR_PREFIX.match(m.group(1))
        start = m.start(1) + (lead.end() if lead else 0)
        name = sentence[start : m.end(1)].lstrip("的")
        start = m.end(1) - len(name)
        if len(name) >= 4 and lx.AWARD_RE.search(name) and not re.search(r"[和及与]", name):  # …社区和示范小区名单: shared words, no one title
            out.append(Mention(start, m.end(1), name, "Award", None, 0.65, "award"))
    return out


def _award_parts(clause: str) -> list[tuple[int, str]]:
    """(offset, text) of the titles of a clause, cut at 和/、/及/与 outside quotes and between adjacent quotes."""
    parts, start, depth = [], 0, 0
    for k, ch in enumerate(clause):
        if ch in "“《「":
            if depth == 0 and k > start and clause[k - 1] in "”》」":
                parts.append((start, clause[start:k]))
                start = k
            depth += 1
        elif ch in "”》」":
            depth = max(0, depth - 1)
        elif depth == 0 and ch in "和、及与":
            if k > start:
                parts.append((start, clause[start:k]))
            start = k + 1
    if start < len(clause):
        parts.append((start, clause[start:]))
    return parts


def place_before_quote_mentions(sentence: str, units: list[Unit], quoted: list[Mention]) -> list[Mention]:
    """A short proper name right before a quoted space is the compound it stands in (南湖尚景“邻里荟”)."""
    out = []
    starts = {m.start - 1 for m in quoted if m.type == "Initiative"}
    for i, u in enumerate(units):
        if u.kind != "quote" or u.start not in starts or i == 0:
            continue
        j = i
        while j - 1 >= 0 and units[j - 1].kind == "tok" and (units[j - 1].tag in ("ns", "nr", "", "nz", "ng", "nrt")
                                                             or _loose_char(units[j - 1]) and j < i) and i - j < 3:
            j -= 1  # 西|翟庄|尚景: a loose character jieba cut off an unknown name stays in it
        if j == i or (j > 0 and not _is_boundary(units[j - 1], "Community")):
            continue
        start = units[j].start
        if sentence[start] in "了着过的" and not units[j].tag and len(units[j].text) >= 2:
            start += 1  # 打造了|石湾尚景: jieba read the particle into an unknown word opening the name
        name = sentence[start : u.start]
        if 3 <= len(name) <= 6 and not is_generic_word(name) and not suffix_of(name) and not tag_of(name) and not any(
            name[k : k + 2] in lx.BOUNDARY_WORDS or name[k : k + 2] in lx.GENERIC for k in range(len(name) - 1)
        ):
            out.append(Mention(start, u.start, name, "Community", "compound", 0.5, "place"))
    return out


_HEAD_LIST = re.compile(
    r"((?:[^，。；：、“”！？\s]{2,12}、)+[^，。；：、“”！？\s]{2,12})等[^，。；、]{0,8}?(空间|场景|阵地|设施|站点|载体)"
)
_HEAD_KIND = {"空间": "space", "场景": "space", "阵地": "space", "设施": "space", "站点": "space", "载体": "space",
              "平台": "platform", "项目": "project", "活动": "activity", "品牌": "brand"}
_ACTIVITY = re.compile(r"(?:开展|举办|举行|组织|策划|推出)(?:了)?([^，。；、“”！？\s]{3,14}?)(系列活动|主题活动|活动)")
_COORDINATED = re.compile(r"((?:[\u4e00-\u9fff]{2,4}、)+)([\u4e00-\u9fff]{2,6}?)(社区|村)")
_COUNTED = re.compile(r"((?:[\u4e00-\u9fff]{2,4}、)+[\u4e00-\u9fff]{2,4}?)等?(?:三|两|四|五|六|七|八|九|十|[0-9]+)个[\u4e00-\u9fff]{0,4}(社区|村)")


def _strip_leading_verb(item: str) -> tuple[int, str]:
    """Drop a verb phrase before the first list item (打造社区发展治理创意园 → 社区发展治理创意园)."""
    cut = 0
    for i in range(len(item) - 1):
        for n in (2, 3):
            w = item[i : i + n]
            if len(w) == n and len(item) - (i + n) >= 2 and (w in lx.BOUNDARY_WORDS or w in lx.RUN_VERBS or tag_of(w) == "v"):
                cut = max(cut, i + n)
    item2 = item[cut:].lstrip("了的")
    return len(item) - len(item2), item2


def head_list_mentions(sentence: str) -> list[Mention]:
    """Items of a list closed by a shared head: 麓坊运动公园、天府美食岛等公园生活新场景 → spaces."""
    out = []
    for m in _HEAD_LIST.finditer(sentence):
        kind = _HEAD_KIND[m.group(2)]
        pos = m.start(1)
        for n, item in enumerate(m.group(1).split("、")):
            start = pos
            if n == 0:
                skip, item = _strip_leading_verb(item)
                start += skip
            if 2 <= len(item) <= 12 and not is_generic_word(item) and not re.search(r"[0-9]|个|等", item):
                out.append(Mention(start, start + len(item), item, "Initiative", kind, 0.55, "list"))
            pos += len(item) + 1 + (skip if n == 0 else 0)
    return out


def _field_of_activity(name: str) -> bool:
    """公益慈善(活动): a short name made of common nouns is the field activities are in, not one named activity."""
    words = cut(name)
    return len(name) <= 4 and len(words) >= 2 and all(tag_of(w)[:1] in ("n", "a") and not tag_of(w).startswith(("ns", "nz", "nt")) for w in words)


def activity_mentions(sentence: str) -> list[Mention]:
    """开展汽车文化进社区系列活动 → the activity 汽车文化进社区."""
    out = []
    for m in _ACTIVITY.finditer(sentence):
        name = m.group(1)
        if not is_generic_word(name) and not stem_is_generic(name) and not re.search(r"[0-9]|各类|多种|一系列|丰富", name) and not any(
            name[i : i + 2] in lx.BOUNDARY_WORDS for i in range(len(name) - 1)
        ) and not _field_of_activity(name):
            out.append(Mention(m.start(1), m.end(1), name, "Initiative", "activity", 0.55, "activity"))
    return out


_CEREMONY = re.compile(r"(?:举行|举办|召开)(?:了)?(“[^“”]{2,12}”[^，。；、“”！？\s]{0,10}?(?:签约|启动|揭牌|授牌|颁奖|开营)?仪式)")


def ceremony_mentions(sentence: str, found: list[Mention]) -> list[Mention]:
    """举行“幸福布新”社企共建签约仪式: a ceremony named by a quote and what it is of is one activity (not when a
    body is named inside it: “红欣”服务中心揭牌仪式 keeps the body)."""
    out = []
    for m in _CEREMONY.finditer(sentence):
        if any(f.type == "Organization" and not f.generic and m.start(1) <= f.start and f.end <= m.end(1) for f in found):
            continue
        name = m.group(1).translate(_STRIP_QUOTES)
        inner = m.group(1)[1 : m.group(1).index("”")]
        if _plausible_name(inner) and not is_generic_word(inner):
            out.append(Mention(m.start(1), m.end(1), name, "Initiative", "activity", 0.55, "activity"))
    return out


def coordinated_community_mentions(sentence: str, found: list[Mention]) -> list[Mention]:
    """Stems sharing one suffix: 麓湖、安公、南山国际化社区 → 麓湖社区, 安公社区; 麓湖、南山三个国际化社区."""
    out = []
    named_starts = {m.start for m in found if m.type == "Community" and not m.generic}
    for pattern in (_COORDINATED, _COUNTED):
        for m in pattern.finditer(sentence):
            if pattern is _COORDINATED and m.start(2) not in named_starts:
                continue
            items = m.group(1).rstrip("、").split("、")
            suffix = m.group(m.lastindex or 0)
            pos = m.start(1)
            for k, item in enumerate(items):
                if k == 0:
                    skip, item = _strip_leading_verb(item)
                    if pos + skip > 0 and sentence[pos + skip - 1 : pos + skip + 1] in lx.BOUNDARY_WORDS:
                        skip, item = skip + 1, item[1:]  # 联|合万庄村: the list starts after the verb cut in two
                    pos += skip
                if 2 <= len(item) <= 4 and tag_of(item) in ("", "ns") and not is_generic_word(item) and not any(
                    item[i : i + 2] in lx.BOUNDARY_WORDS for i in range(len(item) - 1)
                ):
                    name = item if item.endswith(suffix) else item + suffix  # 万庄村、红庄村等9个村: already suffixed
                    out.append(Mention(pos, pos + len(item), name, "Community", "community", 0.6, "coordinated"))
                pos += len(item) + 1
    return out


_COUNTED_BODIES = re.compile(r"((?:[\u4e00-\u9fffA-Za-z]{2,10}、)+[\u4e00-\u9fffA-Za-z]{2,8}?)等?"
                             r"(?:[0-9]+|[一二两三四五六七八九十百]+)余?家[\u4e00-\u9fff]{0,4}?(企业|公司|商家|商户|社会组织)")
_COUNTED_KIND = {"社会组织": "social_org"}


def counted_body_mentions(sentence: str) -> list[Mention]:
    """棉庄服饰、缘木摄影、蜜蜂教育9家初创企业: the items of a list counted as N家 firms (or 社会组织) are
    bodies of that kind, whatever their names end in (brands rarely carry 公司)."""
    out = []
    for m in _COUNTED_BODIES.finditer(sentence):
        parts = m.group(1).split("、")
        words = cut(parts[0])
        lead = 0
        for k, w in enumerate(words):  # 引进了|甲乙: the first item starts after the clause's last verb or particle
            if tag_of(w)[:1] in ("v", "p", "u", "d", "c", "r"):
                lead = sum(len(x) for x in words[: k + 1])
        pos = m.start(1) + lead
        parts[0] = parts[0][lead:]
        for part in parts:
            if len(part) >= 2 and not is_generic_word(part) and not tag_of(part):
                out.append(Mention(pos, pos + len(part), part, "Organization", _COUNTED_KIND.get(m.group(2), "enterprise"), 0.6, "list"))
            pos += len(part) + 1
    return out


def compound_list_mentions(sentence: str) -> list[Mention]:
    """Named estates in lists counted as compounds: 慕和南道、夏纳滨江两个小区."""
    out = []
    for m in _COMPOUND_LIST.finditer(sentence):
        pos = m.start(1)
        for part in m.group(1).split("、"):
            out.append(Mention(pos, pos + len(part), part, "Community", "compound", 0.65, "list"))
            pos += len(part) + 1
    return out


def find_mentions(sentence: str, units: list[Unit] | None = None) -> list[Mention]:
    """All mentions in a sentence, nested ones marked `embedded`, overlapping duplicates removed."""
    units = units if units is not None else units_of(sentence)
    found = area_mentions(units) + suffix_mentions(sentence, units) + foreign_city_mentions(sentence, units) + dictionary_body_mentions(units)
    found += numbered_school_mentions(units)
    found += place_named_bodies(sentence, units, found)
    found += compound_list_mentions(sentence) + coordinated_community_mentions(sentence, found)
    found += head_list_mentions(sentence) + activity_mentions(sentence) + ceremony_mentions(sentence, found) + counted_body_mentions(sentence)
    found += award_mentions(sentence, units) + award_list_mentions(sentence) + is_title_mentions(sentence)
    quoted = quoted_mentions(sentence, units, found)
    for m in found:  # 高端民宿项目“故乡的云”: the description before a named quote is no name of its own
        if m.source == "suffix" and m.suffix in lx.APPOSITIVE_HEADS and any(q.start - 1 == m.end and q.type == m.type for q in quoted):
            m.generic = True
    found += quoted + place_before_quote_mentions(sentence, units, quoted)
    return shared_place_bodies(sentence, settle(unglued(found)))


_BODY_OF_FIRM = ("党支部", "党总支", "党委", "工会", "团委")
_FIRM_ENDS = ("有限责任公司", "有限公司", "股份公司", "总公司", "分公司", "集团")


def firms_of_bodies(mentions: list[Mention]) -> list[Mention]:
    """甲乙科技有限公司党支部 names the firm 甲乙科技有限公司 too: an embedded enterprise mention for every
    party or union body whose name is a firm's legal name plus the body word (added to `mentions`, returned)."""
    added = []
    for m in mentions:
        if m.type != "Organization" or m.generic or m.embedded or m.kind not in ("party", "self_governance", "social_org"):
            continue
        body = next((b for b in _BODY_OF_FIRM if m.name.endswith(b)), None)
        firm = m.name[: -len(body)] if body else ""
        end = next((e for e in _FIRM_ENDS if firm.endswith(e)), "")
        if not end or len(firm) - len(end) < 2 or stem_is_generic(firm[: -len(end)]):
            continue  # 发展有限公司党支部: a cut name whose stem is a common word names no firm
        if any(x.type == "Organization" and (x.start, x.end) == (m.start, m.start + len(firm)) for x in mentions):
            continue
        added.append(Mention(m.start, m.start + len(firm), firm, "Organization", "enterprise", m.confidence, m.source,
                             embedded=True, suffix=end))
    mentions.extend(added)
    if added:
        mentions.sort(key=lambda x: (x.start, -(x.end - x.start)))
    return added


def shared_place_bodies(sentence: str, mentions: list[Mention]) -> list[Mention]:
    """盈浦街道党工委、办事处, 青山区委、区政府: a bare body word (or the place's level + it) listed right after a
    body named with a place is that place's body (盈浦街道办事处, 青山区政府); the list shares the place."""
    out = list(mentions)
    for k, m in enumerate(mentions):
        if not (m.generic and m.type == "Organization" and m.suffix and m.kind in ("government", "party", "self_governance")):
            continue
        bare = m.end - len(m.suffix)
        level = sentence[bare - 1] if bare - 1 >= m.start and sentence[bare - 1] in "区市县镇乡" else ""
        head = bare - len(level)
        if head < 2 or sentence[head - 1] not in "、和及与" or head - 1 < m.start - 1:
            continue
        joint = head - 1 if sentence[head - 1] != "、" or head - 1 < m.start else m.start - 1
        prev = next((p for p in mentions if p.end == joint and p.type == "Organization" and not p.generic), None)
        place = prev and next((p for p in mentions if p.start == prev.start and p.embedded and p.type in ("Area", "Community")), None)
        if prev is None or place is None or place.end >= prev.end:
            continue
        place_name = sentence[place.start : place.end]
        if level and not place_name.endswith(level):
            continue
        out[k] = Mention(head, m.end, place_name + m.suffix, m.type, m.kind, 0.6, m.source, suffix=m.suffix)
    return out


def unglued(found: list[Mention]) -> list[Mention]:
    """Names split where a joining word glued two bodies (甲集团联合乙党工委) or a category phrase opens them (辖区企业…)."""
    out = []
    for m in found:
        out.extend(_split_glued(m) if m.type == "Organization" and not m.generic else [_after_office(m)] if m.type == "Community" else [m])
    return out


_OFFICE = re.compile(r"(?<=[\u4e00-\u9fff]{2})(?:街办|办)(?=[\u4e00-\u9fff]{2})")


def _after_office(m: Mention) -> Mention:
    """沙河源办|汇泽路社区: 办 (街道办事处 abbreviated) ends an address chain, the community is named after it."""
    found = _OFFICE.search(m.name, 0, len(m.name) - len(m.suffix)) if m.suffix in ("社区", "村", "小区") else None
    if found is None or m.name.startswith(("创办", "举办", "承办", "主办", "协办", "开办")):
        return m
    cut = found.end()
    return Mention(m.start + cut, m.end, m.name[cut:], m.type, m.kind, m.confidence, m.source, m.generic, m.embedded, m.suffix)


def _split_glued(m: Mention) -> list[Mention]:
    name = m.name
    for k in range(0, len(name) - 3):
        for word in lx.JOINING_WORDS:
            if not name.startswith(word, k) or (k < 2 and len(word) == 1):
                continue
            left, right = name[:k], name[k + len(word):]
            left_suffix = suffix_of(left)
            if len(word) == 1 and not left_suffix:
                continue
            if len(right) < 4 or stem_is_generic(right[: -len(m.suffix)] if m.suffix else right):
                continue
            parts = [Mention(m.start + k + len(word), m.end, right, m.type, m.kind, m.confidence, m.source, suffix=m.suffix)]
            if left_suffix and len(left) > len(left_suffix) and not stem_is_generic(left[: -len(left_suffix)]):
                node_type, kind = lx.SUFFIXES[left_suffix]
                parts.insert(0, Mention(m.start, m.start + k, left, node_type, kind, m.confidence, m.source, suffix=left_suffix))
            return [p for q in parts for p in _split_glued(q)]
    for opener in lx.CATEGORY_OPENERS:
        k = name.find(opener)
        phrase = name[: k + len(opener)]
        if 0 < k and len(name) - len(phrase) >= 4 and (is_generic_word(name[:k]) or tag_of(phrase)):
            return [Mention(m.start + len(phrase), m.end, name[len(phrase):], m.type, m.kind, m.confidence, m.source, suffix=m.suffix)]
    return [m]


def settle(found: list[Mention]) -> list[Mention]:
    """Keep the longest of overlapping mentions; nested areas/communities stay as embedded."""
    found.sort(key=lambda m: (-(m.end - m.start), m.start, m.source != "lexicon"))
    kept: list[Mention] = []
    for m in found:
        clash = False
        for k in kept:
            if (m.start, m.end) == (k.start, k.end):
                clash = True
                break
            if m.within(k):
                if m.type in ("Area", "Community") and not m.generic:
                    m.embedded = True
                else:
                    clash = True
                break
            if m.overlaps(k):
                clash = True
                break
        if not clash:
            kept.append(m)
    kept.sort(key=lambda m: (m.start, -(m.end - m.start)))
    return kept
