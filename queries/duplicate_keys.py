"""What makes two initiatives worth comparing in `duplicates`, decided from each name alone, so the candidates
can be kept at write time (queries/duplicate_tables.py) and are the same whatever order articles came in.

An initiative's *core* is its name without quotes, ordinals and leading place names (core_name). Initiatives
with the same core (and kind) are one *group*; two groups of a kind are *candidates* when
- their cores are at most one edit apart: they share a block key (the core, or the core less one character,
  for cores of four characters or more), or
- one core is the other's tail (three characters or more, not a generic word): a qualifier in front.
These are the shapes `similarity` rates high (one edit in a long name, a qualifier in front); pairs
alike only in their heads' letters (75 and below) are `similar`'s business.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable

from rapidfuzz import fuzz

from core.names import normalize_name
from ingest.lexicon import SUFFIXES, is_generic_word

_ORDINAL = re.compile(r"第[0-9一二三四五六七八九十百]+[届期季次轮批]|(?:19|20)[0-9]{2}年度?|[0-9一二三四五六七八九十]+期")
_DIGITS = re.compile(r"[0-9一二三四五六七八九十百千两]")
KEEP = 50.0  # candidate pairs scoring below this are not kept
MIN_TAIL = 3  # a qualifier-in-front pair shares at least this many final characters
MIN_DELETION = 4  # cores this long or longer also key by each one-character deletion


def base_name(name: str) -> str:
    """The name normalized, ordinals removed: where core_name starts stripping place names."""
    return _ORDINAL.sub("", normalize_name(name))


def strip_steps(name: str, longest_place_prefix: Callable[[str], int]) -> list[str]:
    """The remainders core_name passes through: base_name(name), then after each leading place name
    (the longest, leaving at least two characters: `longest_place_prefix(rest)` gives its length, 0 when
    none) is cut off. The last is the core."""
    steps = [base_name(name)]
    while True:
        cut = longest_place_prefix(steps[-1])
        if not cut:
            return steps
        steps.append(steps[-1][cut:])


def place_prefixes(rest: str) -> list[str]:
    """The prefixes of `rest` that could be cut as a place name (two characters up to all but two)."""
    return [rest[:n] for n in range(2, len(rest) - 1)]


def longest_in(places: set[str]) -> Callable[[str], int]:
    """longest_place_prefix for strip_steps over a set of normalized place names."""
    def longest(rest: str) -> int:
        return max((len(p) for p in place_prefixes(rest) if p in places), default=0)
    return longest


def core_name(name: str, places: set[str], longest: int = 0) -> str:
    """The comparable part of a name: no quotes, ordinals or leading place names (`longest` is unused,
    kept for callers that pass the longest place name)."""
    return strip_steps(name, longest_in(places))[-1]


def block_keys(core: str) -> set[str]:
    """The core, and for cores of MIN_DELETION characters or more each one-character deletion: two cores
    at most one edit apart share one."""
    keys = {core}
    if len(core) >= MIN_DELETION:
        keys |= {core[:i] + core[i + 1:] for i in range(len(core))}
    return keys


def tails(core: str) -> list[str]:
    """The core's proper tails of MIN_TAIL characters or more that may stand as a qualified name's core."""
    return [t for t in (core[i:] for i in range(1, len(core) - MIN_TAIL + 1)) if can_be_qualified(t)]


def can_be_qualified(core: str) -> bool:
    """Whether a longer core ending in `core` counts as `core` with a qualifier in front."""
    return len(core) >= MIN_TAIL and core not in SUFFIXES and not is_generic_word(core)


def _common_suffix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def similarity(a: str, b: str) -> float:
    """0–100 similarity of two cores, judged on what differs after their shared tail.

    五线工作法/五步工作法 (different leading words) and 童祥公益发展中心/乐佳公益发展中心
    (a shared generic tail) score low; 邻里食堂/邻里食堂 and 共享食堂/邻里共享食堂 score high.
    """
    if _DIGITS.findall(a) != _DIGITS.findall(b):
        return 0.0
    common = _common_suffix(a, b)
    head_a, head_b = a[: len(a) - common], b[: len(b) - common]
    if not head_a and not head_b:
        return 100.0
    if head_a and head_b:
        return float(fuzz.ratio(head_a, head_b)) if common >= 2 else float(fuzz.ratio(a, b))
    shared = a[len(a) - common :]
    if len(shared) < 3 or is_generic_word(shared) or shared in SUFFIXES:
        return float(fuzz.ratio(a, b))
    return 90.0  # one name is the other with a qualifier in front


def scored(core: str, others: Iterable[str]) -> list[tuple[float, str, str]]:
    """(score, a, b) with a < b for `core` against each other core, kept when scoring KEEP or more."""
    out = []
    for other in others:
        if other != core:
            s = similarity(core, other)
            if s >= KEEP:
                out.append((s, min(core, other), max(core, other)))
    return out


def group_pairs(cores: Iterable[tuple[str, str]]) -> dict[tuple[str, str, str], float]:
    """{(kind, a, b): score} of every candidate pair of distinct (kind, core) groups scoring KEEP or more,
    computed from scratch (duplicate_tables keeps the same pairs at write time)."""
    by_key: dict[tuple[str, str], set[str]] = defaultdict(set)
    by_tail: dict[tuple[str, str], set[str]] = defaultdict(set)
    groups = set(cores)
    for kind, core in groups:
        for k in block_keys(core):
            by_key[(kind, k)].add(core)
        for t in tails(core):
            by_tail[(kind, t)].add(core)
    out: dict[tuple[str, str, str], float] = {}
    for kind, core in sorted(groups):
        partners = set(by_tail.get((kind, core), ()))
        partners |= {t for t in tails(core) if (kind, t) in groups}
        for k in block_keys(core):
            partners |= by_key[(kind, k)]
        for s, a, b in scored(core, partners):
            out[(kind, a, b)] = s
    return out
