"""In-article entity resolution: merge surface forms that name the same entity (aliases)."""

from __future__ import annotations

import re
from functools import lru_cache

from core.names import normalize_name
from ingest.model import Entity, Partnership, Relation

CORPORATE_SUFFIXES = ("股份有限公司", "集团有限公司", "有限责任公司", "有限公司", "集团", "公司")
_NUMERAL = re.compile(r"[0-9一二三四五六七八九十百两]")


def short_forms(name: str, node_type: str) -> list[str]:
    """Shorter surface forms a later sentence may use for the same entity (新华文轩集团 → 新华文轩)."""
    forms = []
    if node_type == "Organization":
        for suffix in CORPORATE_SUFFIXES:
            if name.endswith(suffix) and len(name) - len(suffix) >= 3:
                forms.append(name[: -len(suffix)])
                break
    if node_type == "Community" and name.endswith("小区") and len(name) >= 5:
        forms.append(name[:-2])
    return forms


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


@lru_cache(maxsize=131072)
def same_entity(a_name: str, b_name: str, node_type: str) -> bool:
    """True when two names of one type denote the same entity within an article."""
    a, b = normalize_name(a_name), normalize_name(b_name)
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    if _NUMERAL.findall(short) != _NUMERAL.findall(long):
        return False
    if short in short_forms(long, node_type):
        return True
    if node_type == "Community":
        if short[-2:] != long[-2:] or len(short) < 4:
            return False
        if _descriptor_inside(short, long):
            return True  # 南山国际化社区 = 南山社区: a -化 descriptor before the suffix
        return long[:2] == short[:2] and len(long) - len(short) <= 2 and _is_subsequence(short, long)
    if node_type == "Organization":
        return _same_body(short, long)
    if node_type == "Initiative":
        if _named_with_category(short, long):
            return True  # 百企联百村 = 百企联百村行动, 同心圆 = 党建共建同心圆工程: the name with or without its kind
        if short[-2:] != long[-2:]:
            return False
        if len(short) >= 3 and long.endswith(short) and len(long) - len(short) <= 8:
            return True
        return len(short) >= 4 and long[:2] == short[:2] and len(long) - len(short) <= 2 and _is_subsequence(short, long)
    return False


_KIND_TAILS = ("工程", "行动", "项目", "计划", "活动", "机制", "工作机制", "品牌", "实事工程", "实事项目", "系列活动")


def _named_with_category(short: str, long: str) -> bool:
    """True when `long` is `short` (three characters or more) followed by a word of its kind, with at most a
    few characters before it (党建共建|同心圆|工程)."""
    at = long.rfind(short)
    return len(short) >= 3 and at >= 0 and at <= 6 and long[at + len(short):] in _KIND_TAILS


def _descriptor_inside(short: str, long: str) -> bool:
    """True when `long` is `short` with a word ending in 化 (国际化, 智慧化) put in before its last two characters."""
    head, tail = short[:-2], short[-2:]
    extra = long[len(head) : len(long) - 2]
    return long.startswith(head) and long.endswith(tail) and len(head) >= 2 and 2 <= len(extra) <= 4 and extra.endswith("化")


_PLACE_WORDS = ("社区", "街道", "乡镇", "村", "镇")


def _same_body(short: str, long: str) -> bool:
    """上海盈浦社区基金会 = 盈浦社区基金会 (a city before the name) = 盈浦基金会 (a place word left out).

    Only a leading place name or a place word inside may differ: 中国农业银行 ≠ 中国银行."""
    if len(short) < 4:
        return False
    if long.endswith(short):
        from ingest.mentions import area_prefix_re

        hit = area_prefix_re().match(long)
        return hit is not None and hit.end() == len(long) - len(short)
    if long[:2] != short[:2] or long[-3:] != short[-3:] or not _is_subsequence(short, long):
        return False
    extra = "".join(ch for ch in _leftover(short, long))
    return extra in _PLACE_WORDS


def _leftover(short: str, long: str) -> str:
    """The characters of `long` left when `short` is read off it in order (greedy, from the left)."""
    out, i = [], 0
    for ch in long:
        if i < len(short) and ch == short[i]:
            i += 1
        else:
            out.append(ch)
    return "".join(out)


def _may_match(a: set[str], b: set[str]) -> bool:
    """Cheap filter: two names can only match when they share their last two characters or a short form."""
    return bool({x[-2:] for x in a} & {y[-2:] for y in b}) or bool(a & b) or any(x[:2] == y[:2] for x in a for y in b)


def _any_same(a: Entity, b: Entity) -> bool:
    forms_a = {a.name} | a.aliases
    forms_b = {b.name} | b.aliases
    return any(same_entity(x, y, a.type) for x in forms_a for y in forms_b)


def resolve_article(
    entities: dict[str, Entity], relations: list[Relation], partnerships: list[Partnership]
) -> tuple[dict[str, Entity], list[Relation], list[Partnership]]:
    """Merge entities that name the same thing; remap relation ends; drop self-loops and duplicates."""
    keys = sorted(entities, key=lambda k: (-len(entities[k].name), k))
    parent = {k: k for k in keys}

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    by_type: dict[str, list[str]] = {}
    for k in keys:
        by_type.setdefault(entities[k].type, []).append(k)
    for ks in by_type.values():
        forms = {k: {normalize_name(f) for f in {entities[k].name} | entities[k].aliases} for k in ks}
        for i, a in enumerate(ks):
            for b in ks[i + 1 :]:
                if find(a) != find(b) and _may_match(forms[a], forms[b]) and _any_same(entities[a], entities[b]):
                    parent[find(b)] = find(a)  # longer name (sorted first) stays the root
    merged: dict[str, Entity] = {}
    for k in keys:
        root = find(k)
        e = entities[k]
        if root not in merged:
            base = entities[root]
            merged[root] = Entity(root, base.name, base.type, base.kind, set(base.aliases), base.confidence, list(base.mentions), base.adcode)
            if root == k:
                continue
        target = merged[root]
        target.aliases |= e.aliases | {e.name}
        target.mentions.extend(e.mentions)
        target.confidence = max(target.confidence, e.confidence)
        if target.kind is None:
            target.kind = e.kind
        if target.adcode is None:
            target.adcode = e.adcode
    remap = {k: find(k) for k in keys}
    rels = _dedupe_relations(relations, remap)
    parts = []
    seen = set()
    for p in partnerships:
        parties = tuple(dict.fromkeys(remap.get(x, x) for x in p.parties))
        if len(parties) < 2 or (p.kind, parties) in seen:
            continue
        seen.add((p.kind, parties))
        parts.append(Partnership(p.kind, parties, p.confidence, p.evidence, p.date))
    for e in merged.values():
        e.aliases.discard(e.name)
    return merged, rels, parts


def _dedupe_relations(relations: list[Relation], remap: dict[str, str]) -> list[Relation]:
    best: dict[tuple, Relation] = {}
    for r in relations:
        s, o = remap.get(r.subject, r.subject), remap.get(r.object, r.object)
        if s == o:
            continue
        key = (s, r.predicate, o) if r.predicate != "COOPERATES_WITH" else (min(s, o), r.predicate, max(s, o))
        cand = Relation(key[0], r.predicate, key[2], r.confidence, r.evidence, dict(r.props))
        old = best.get(key)
        if old is None or cand.confidence > old.confidence:
            best[key] = cand
    return list(best.values())
