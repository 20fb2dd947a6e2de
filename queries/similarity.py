"""Similarity of initiatives by what they are, not what they are called: TF-IDF over character
n-grams of the name (its head noun weighted most) and over the sentences that mention it (other
entities' names masked out), bounded candidate pairs from an inverted index of rare terms,
union-find clusters that respect planners' marks, and the shared terms that explain a cluster.

Use: `profiles = build_profiles(items, contexts)`, `index = SimilarityIndex(profiles)`,
`index.clusters(threshold, marks)`, `index.shared_terms(members)`. Pure Python, no store access.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

# Trailing words that say only which ontology kind a name is (项目, 行动 …): the head noun is before them.
KIND_WORDS = ("项目", "工程", "计划", "行动", "活动", "机制", "制度", "模式", "体系", "服务")
NAME_WEIGHT = 0.65  # share of the score from the name (n-grams and head); the rest from the mention sentences
# Names propose, sentences confirm: the sentences count in full once the names' cosine reaches NAME_FLOOR,
# less below it, so sentences written to one template cannot join names that share only a syllable.
NAME_FLOOR = 0.5
# A name term only one initiative has (a proper name's syllables), or a sentence term only one article
# uses (its topic), says nothing of what kind of thing an initiative is: its weight is cut to this share.
UNIQUE_DAMP = 0.3
HEAD_BOOST = 3.0  # the head noun (last two characters of the core name) counts as three n-grams
FRONT_WEIGHT = 0.4  # weight of a name's n-grams at its first character (1 at its last)
CONTEXT_TERMS = 8  # a profile's strongest context terms that enter the inverted index
BUCKET_CAP = 100  # a term shared by more profiles compares each only with its WINDOW nearest in name order
WINDOW = 20
KEPT_SCORE = 0.2  # candidate pairs scoring less are dropped when the index is built
_CJK = re.compile(r"[\u4e00-\u9fff]+")
_MASK = "\u3000"


@dataclass(frozen=True)
class Context:
    """One sentence that mentions initiatives: its text and every entity mention in it (node, start, end),
    offsets relative to the article (the sentence starts at `start`)."""

    article: str
    index: int
    start: int
    text: str
    mentions: tuple[tuple[str, int, int], ...]

    def masked(self) -> str:
        """The sentence with every entity mention blanked (names say where, not what)."""
        chars = list(self.text)
        for _, s, e in self.mentions:
            for k in range(max(0, s - self.start), min(len(chars), e - self.start)):
                chars[k] = _MASK
        return "".join(chars)


@dataclass(frozen=True)
class Item:
    """An initiative to compare: id, name, ontology kind and its core name (no places, quotes, ordinals)."""

    id: str
    name: str
    kind: str
    core: str


@dataclass
class Profile:
    """An item's terms: name n-grams and head (`n:`/`h:` keys) and context bigrams (`c:` keys), with counts."""

    item: Item
    head: str
    name_terms: dict[str, float] = field(default_factory=dict)
    context_terms: Counter = field(default_factory=Counter)
    articles: tuple[str, ...] = ()
    sentences: dict[tuple[str, int], Counter] = field(default_factory=dict)  # (article, index) → its context terms


def _words(name: str) -> tuple[str, ...]:
    lines = (Path(__file__).parent / "data" / name).read_text(encoding="utf-8").splitlines()
    return tuple(x.strip() for x in lines if x.strip() and not x.startswith("#"))


GENERIC_HEADS = _words("generic_heads.txt")


def head_of(core: str) -> str:
    """The head noun: the last two characters, after a trailing kind word (微更新项目 → 更新, 共享食堂 → 食堂);
    a generic head (queries/data/generic_heads.txt) keeps its modifier (邻里中心, 双创中心)."""
    for w in KIND_WORDS:
        if core.endswith(w) and len(core) - len(w) >= 2:
            core = core[: -len(w)]
            break
    if core[-2:] in GENERIC_HEADS:
        return core[-4:]
    return core[-2:] if len(core) >= 2 else core


def name_terms(core: str) -> dict[str, float]:
    """Character bigrams and trigrams of a core name, plus its head noun (weighted by HEAD_BOOST). A Chinese
    name ends with what the thing is and starts with whose it is: a gram's weight rises from FRONT_WEIGHT
    at the first character to 1 at the last, so a shared proper name in front (紫旭…) counts less."""
    grams: defaultdict[str, float] = defaultdict(float)
    for n in (2, 3):
        for i in range(len(core) - n + 1):
            grams["n:" + core[i : i + n]] += FRONT_WEIGHT + (1 - FRONT_WEIGHT) * (i + n) / len(core)
    if not grams and core:
        grams["n:" + core] += 1
    head = head_of(core)
    if head:
        grams["h:" + head] += HEAD_BOOST
    return grams


def context_terms(sentences: list[str]) -> Counter:
    """Chinese character bigrams of masked sentences (runs of Chinese characters only)."""
    grams: Counter = Counter()
    for s in sentences:
        for run in _CJK.findall(s):
            for i in range(len(run) - 1):
                grams["c:" + run[i : i + 2]] += 1
    return grams


def build_profiles(items: list[Item], contexts: list[Context]) -> list[Profile]:
    """Profiles of items in their given order; each reads the contexts that mention it."""
    by_item: dict[str, list[Context]] = defaultdict(list)
    for c in sorted(contexts, key=lambda c: (c.article, c.index)):
        for node in sorted({m[0] for m in c.mentions}):
            by_item[node].append(c)
    out = []
    for it in items:
        ctx = by_item.get(it.id, [])
        per = {(c.article, c.index): context_terms([c.masked()]) for c in ctx}
        out.append(Profile(it, head_of(it.core), name_terms(it.core), _total(per.values()),
                           tuple(sorted({c.article for c in ctx})), per))
    return out


def _total(counters) -> Counter:
    """The sum of term counters (counts are positive: what `sum(counters, Counter())` gives, without a copy per term)."""
    out: Counter = Counter()
    for c in counters:
        out.update(c)
    return out


def _unit(terms: Mapping[str, float], idf: dict[str, float]) -> dict[str, float]:
    """Sublinear TF-IDF weights (a count above 1 counts 1 + log), L2-normalized (summed in key order, so every store gets the same floats)."""
    w = {t: (c if c <= 1 else 1.0 + math.log(c)) * idf[t] for t, c in sorted(terms.items()) if c > 0}
    norm = math.sqrt(sum(v * v for _, v in sorted(w.items())))
    return {t: v / norm for t, v in w.items()} if norm else {}


def _cos(a: dict[str, float], b: dict[str, float]) -> float:
    """Dot product of two unit vectors (from `_unit`: keys in sorted order), summed over the shared terms in
    key order (the same float every run): the shorter vector is walked, its order is the keys' order."""
    if len(b) < len(a):
        a, b = b, a
    return sum([v * b[t] for t, v in a.items() if t in b])


class SimilarityIndex:
    """TF-IDF vectors of a fixed set of profiles, their candidate pairs and scores (built once per graph)."""

    def __init__(self, profiles: list[Profile]):
        self.profiles = profiles
        n = len(profiles)
        self.df: Counter = Counter()
        for p in profiles:
            self.df.update(set(p.name_terms) | set(p.context_terms))
        spread: dict[str, set] = defaultdict(set)  # context term → the articles whose initiatives' sentences hold it
        for p in profiles:
            for (article, _), terms in p.sentences.items():
                for t in terms:
                    spread[t].add(article)
        idf = {t: (math.log((1 + n) / (1 + d)) + 1.0) * (UNIQUE_DAMP if d == 1 or len(spread.get(t, "xx")) == 1 else 1.0)
               for t, d in self.df.items()}
        self.idf = idf
        self.names = [_unit(p.name_terms, idf) for p in profiles]
        self.contexts = [_unit(p.context_terms, idf) for p in profiles]
        self._read = [frozenset(p.sentences) for p in profiles]  # the (article, sentence) keys each profile read
        self.pairs = self._scored(self._candidates())
        self.plain = [_plain(a, b) for a, b in zip(self.names, self.contexts)]  # term without its n:/h:/c: key → weight
        self.plain_df = Counter(t for m in self.plain for t in m)
        self._held_by: dict[int, list[str]] = {}  # need → the terms of at least that many profiles
        self._holders: dict[str, set[int]] = {}  # term → the profiles holding it
        self._totals: dict[str, float] = {}  # term → its weight summed over every profile
        self._pair_keys = [-s for s, _, _ in self.pairs]
        self._index = {p.item.id: i for i, p in enumerate(profiles)}
        self.forest = _forest(n, self.pairs)  # the links union-find joins, strongest first
        self._forest_keys = [-s for s, _, _ in self.forest]

    def score(self, i: int, j: int, floor: float = 0.0) -> float:
        """0–1: NAME_WEIGHT × name cosine + the rest × context cosine, the latter scaled down while the name
        cosine is under NAME_FLOOR; the name alone when a side has no sentence besides those they share.
        0 when the score cannot reach `floor` whatever the sentences say (they are then not compared)."""
        name = _cos(self.names[i], self.names[j])
        if name == 0.0:  # the sentences only confirm what the names propose
            return 0.0
        if NAME_WEIGHT * name + (1 - NAME_WEIGHT) * min(1.0, name / NAME_FLOOR) < floor - 1e-9:  # a context cosine is at most 1
            return 0.0
        a, b = self.contexts[i], self.contexts[j]
        if not self._read[i].isdisjoint(self._read[j]):  # a sentence naming both says they were listed together,
            shared = self._read[i] & self._read[j]       # not that they do the same
            a, b = self._context_without(i, shared), self._context_without(j, shared)
        if not a or not b:
            return name
        return NAME_WEIGHT * name + (1 - NAME_WEIGHT) * _cos(a, b) * min(1.0, name / NAME_FLOOR)

    def _context_without(self, i: int, sentences) -> dict[str, float]:
        terms = _total(c for k, c in sorted(self.profiles[i].sentences.items()) if k not in sentences)
        return _unit(terms, self.idf)

    def _keys(self, i: int) -> list[str]:
        """The terms under which profile i is indexed: its name terms and its strongest context terms."""
        ctx = sorted(self.contexts[i].items(), key=lambda kv: (-kv[1], kv[0]))[:CONTEXT_TERMS]
        return sorted(self.names[i]) + [t for t, _ in ctx]

    def _candidates(self) -> set[tuple[int, int]]:
        """Pairs sharing an indexed term; a term held by more than BUCKET_CAP profiles pairs each one
        only with its WINDOW neighbours in core-name order (sorted neighbourhood), so work stays linear."""
        buckets: dict[str, list[int]] = defaultdict(list)
        for i in range(len(self.profiles)):
            for t in self._keys(i):
                buckets[t].append(i)
        order = sorted(range(len(self.profiles)), key=lambda i: (self.profiles[i].item.core, self.profiles[i].item.id))
        rank = [0] * len(order)
        for r, i in enumerate(order):
            rank[i] = r
        pairs: set[tuple[int, int]] = set()
        for members in buckets.values():
            if len(members) < 2:
                continue
            members.sort(key=rank.__getitem__)
            reach = len(members) if len(members) <= BUCKET_CAP else WINDOW
            for x, i in enumerate(members):
                pairs.update([(i, j) if i < j else (j, i) for j in members[x + 1 : x + 1 + reach]])
        return pairs

    def _scored(self, pairs: set[tuple[int, int]]) -> list[tuple[float, int, int]]:
        out = [(self.score(i, j, KEPT_SCORE), i, j) for i, j in sorted(pairs)]
        out = [x for x in out if x[0] >= KEPT_SCORE]
        out.sort(key=lambda x: (-x[0], x[1], x[2]))
        return out

    def clusters(self, threshold: float, marks: dict[tuple[str, str], str]) -> list[tuple[list[int], float]]:
        """Union-find clusters (score ≥ threshold, or marked same; never across a pair marked different),
        each with its members (indexes, sorted) and its best link score.

        Links are joined strongest first. Without a "different" mark the joins are those of the maximum
        spanning forest of the links (kept in `self.forest`, built once), so a call walks at most n − 1
        links; a cluster holding a pair marked different is re-joined from all its links, skipping a join
        that would put such a pair together."""
        index = self._index
        same = sorted((1.0, index[a], index[b]) for (a, b), v in marks.items() if v == "same" and a in index and b in index)
        apart: dict[int, set[int]] = defaultdict(set)  # member → members marked different from it
        for (a, b), v in marks.items():
            if v == "different" and a in index and b in index:
                apart[index[a]].add(index[b])
                apart[index[b]].add(index[a])
        links = self.forest[: bisect_right(self._forest_keys, -threshold)]
        if same:
            links = sorted(links + same, key=_link_order)
        parent, best = _join(len(self.profiles), links)
        groups = _groups(parent)
        if apart:
            for root, members in list(groups.items()):
                if any(apart[m] & members for m in members if m in apart):
                    del groups[root]
                    groups.update(self._apart_groups(members, threshold, same, apart, best))
        return [(sorted(m), best[r]) for r, m in sorted(groups.items()) if len(m) > 1]

    def _apart_groups(self, members: set[int], threshold: float, same, apart, best) -> dict[int, set[int]]:
        """The clusters of one forest cluster that holds a pair marked different: its links strongest first,
        a join skipped when it would put such a pair together."""
        links = [x for x in self.pairs[: bisect_right(self._pair_keys, -threshold)] if x[1] in members and x[2] in members]
        links = sorted(links + [x for x in same if x[1] in members], key=_link_order)
        parent = {m: m for m in members}
        groups = {m: {m} for m in members}

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for s, i, j in links:
            ri, rj = find(i), find(j)
            if ri == rj:
                continue
            small, large = sorted((groups[ri], groups[rj]), key=len)
            if any(apart[m] & large for m in small if m in apart):
                continue
            parent[rj] = ri
            groups.pop(rj)
            large |= small
            groups[ri] = large
            best[ri] = max(best[ri], best[rj], s)
        return groups

    def _holders_of(self, term: str) -> set[int]:
        """The profiles holding `term` (postings and per-term totals built once per index, on first use)."""
        if not self._holders:
            for i, m in enumerate(self.plain):
                for t, v in m.items():
                    self._holders.setdefault(t, set()).add(i)
                    self._totals[t] = self._totals.get(t, 0.0) + v
        return self._holders.get(term, set())

    def _term_total(self, term: str) -> float:
        """A term's weight summed over every profile."""
        self._holders_of(term)
        return self._totals.get(term, 0.0)

    def _terms_held_by(self, need: int) -> list[str]:
        """Terms of at least `need` profiles (plain_df order), listed once per index and `need`."""
        if need not in self._held_by:
            self._held_by[need] = [t for t, d in self.plain_df.items() if d >= need]
        return self._held_by[need]

    def shared_terms(self, members: list[int], limit: int = 5) -> list[str]:
        """The terms most of a cluster's members share, strongest first, without a term inside a longer one."""
        need = max(2, (len(members) + 1) // 2)
        mine = [self.plain[i] for i in members]
        common = self._terms_held_by(need)  # only these can be held by `need` members
        weight: dict[str, float] = {}
        if len(common) < sum(map(len, mine)):  # a big cluster: term by term, through the postings
            member_set = set(members)
            for t in common:
                holders = self._holders_of(t)
                inside = holders & member_set  # set operations in C, no loop over the members
                if len(inside) < need:
                    continue
                outside = holders - inside
                if len(outside) < len(inside):  # the cluster holds most of the term's weight: subtract the rest
                    weight[t] = self._term_total(t) - sum(self.plain[i][t] for i in outside)
                else:
                    weight[t] = sum(self.plain[i][t] for i in inside)
        else:
            held: Counter = Counter()
            for m in mine:
                for t, v in m.items():
                    weight[t] = weight.get(t, 0.0) + v
                    held[t] += 1
            weight = {t: v for t, v in weight.items() if held[t] >= need}
        ranked = sorted(weight, key=lambda t: (-weight[t], t))
        out: list[str] = []
        for t in ranked:
            if not any(t in o for o in out):
                out = [o for o in out if o not in t] + [t]
            if len(out) >= limit:
                break
        return out


def _link_order(link: tuple[float, int, int]) -> tuple[float, int, int]:
    return -link[0], link[1], link[2]


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _join(n: int, links: list[tuple[float, int, int]]) -> tuple[list[int], dict[int, float]]:
    """Union-find over links in the given order (the second end's root joins the first's): parents and
    each root's best link."""
    parent = list(range(n))
    best: dict[int, float] = defaultdict(float)
    for s, i, j in links:
        ri, rj = _find(parent, i), _find(parent, j)
        if ri != rj:
            parent[rj] = ri
            best[ri] = max(best[ri], best[rj], s)
    return parent, best


def _groups(parent: list[int]) -> dict[int, set[int]]:
    groups: dict[int, set[int]] = defaultdict(set)
    for i in range(len(parent)):
        groups[_find(parent, i)].add(i)
    return groups


def _forest(n: int, links: list[tuple[float, int, int]]) -> list[tuple[float, int, int]]:
    """The links (sorted strongest first) that join two clusters when taken in order: the maximum spanning
    forest. Its links at or above a threshold join what all links at or above it join, in the same order."""
    parent, out = list(range(n)), []
    for link in links:
        ri, rj = _find(parent, link[1]), _find(parent, link[2])
        if ri != rj:
            parent[rj] = ri
            out.append(link)
    return out


def _plain(*vectors: dict[str, float]) -> dict[str, float]:
    """The terms of a profile's vectors without their key prefix, each at its largest weight."""
    out: dict[str, float] = {}
    for vec in vectors:
        for t, v in vec.items():
            out[t[2:]] = max(out.get(t[2:], 0.0), v)
    return out
