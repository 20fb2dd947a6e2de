"""Recognizer for a user lexicon (ingest/user_lexicon.py): whole names and user suffixes.

`pattern_mentions(sentence, lexicon)` returns the mentions the lexicon finds in one sentence;
`with_pattern_mentions(mentions, sentence, lexicon)` merges them into the rules' mentions.
"""

from __future__ import annotations

from ingest import lexicon as lx
from ingest.mentions import MAX_NAME, Mention, is_generic_word
from ingest.tokens import Unit, tag_of, units_of
from ingest.user_lexicon import Lexicon

_STOP_CHARS = set("在的了被把将对从向由为以让使等和与及或并")


def pattern_mentions(sentence: str, lexicon: Lexicon | None) -> list[Mention]:
    """Mentions of the lexicon's whole names and suffix-headed names in `sentence`, in order.

    Whole names match exactly as written (longest first, no overlaps). A suffix match takes
    the name's stem to its left the way the rules scan: contiguous words up to punctuation, a
    quote, a function word, a verb or a boundary word, across at most one place name; a
    stem that is empty or generic (社区科技园) gives no mention.
    """
    if lexicon is None or not lexicon.entries:
        return []
    found: list[Mention] = []
    if lexicon.names_re is not None:
        for hit in lexicon.names_re.finditer(sentence):
            e = lexicon.names[hit.group()]
            found.append(Mention(hit.start(), hit.end(), e.text, e.type, e.kind, e.confidence, "pattern"))
    if lexicon.suffixes_re is not None:
        units: list[Unit] | None = None
        for hit in lexicon.suffixes_re.finditer(sentence):
            if any(m.start <= hit.start() and hit.end() <= m.end for m in found):
                continue  # inside a whole name of the lexicon
            units = units if units is not None else units_of(sentence)
            start = _stem_start(sentence, units, hit.start())
            stem = sentence[start : hit.start()]
            if len(stem) < 2 or is_generic_word(stem):
                continue
            e = lexicon.suffixes[hit.group()]
            found.append(Mention(start, hit.end(), sentence[start : hit.end()], e.type, e.kind, e.confidence,
                                 "pattern-suffix", suffix=e.text))
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[Mention] = []
    for m in found:  # whole names first at equal starts (longer); drop overlaps
        if not any(m.overlaps(k) for k in kept):
            kept.append(m)
    return kept


def with_pattern_mentions(mentions: list[Mention], sentence: str, lexicon: Lexicon | None) -> list[Mention]:
    """The rules' mentions with the lexicon's added: a lexicon mention replaces the rule mentions
    it overlaps, unless a (non-generic) rule mention strictly contains it: then the longer name
    wins and the lexicon's area or community stays inside it as embedded (as the rules do)."""
    found = pattern_mentions(sentence, lexicon)
    if not found:
        return mentions
    added, nested = [], []
    for p in found:
        if not any(p.within(m) and not m.generic for m in mentions):
            added.append(p)
        elif p.type in ("Area", "Community") and not any((m.start, m.end) == (p.start, p.end) for m in mentions):
            p.embedded = True
            nested.append(p)
    out = [m for m in mentions if not any(m.overlaps(p) for p in added)] + added + nested
    out.sort(key=lambda m: (m.start, -(m.end - m.start)))
    return out


def _stem_start(sentence: str, units: list[Unit], suffix_start: int) -> int:
    """Where the name headed by the suffix at `suffix_start` begins."""
    start = suffix_start
    for u in reversed(units):
        if u.start >= suffix_start:
            continue
        if u.end > suffix_start:  # a word glued to the suffix (华为科技|园): its head is stem
            part = sentence[u.start : suffix_start]
            if u.kind != "tok" or _stops(Unit(u.start, suffix_start, part, "tok", tag_of(part))):
                return start
            start = u.start
            continue
        if u.end != start or suffix_start - u.start > MAX_NAME:
            return start
        if u.kind == "area":
            return u.start  # one place prefix (成都市…) and no further
        if u.kind != "tok" or _stops(u):
            return start
        start = u.start
    return start


def _stops(u: Unit) -> bool:
    """True when the word cannot be part of a name's stem."""
    text = u.text
    if text in lx.NAMEABLE_OVERRIDES:
        return False
    if text in lx.BOUNDARY_WORDS or any(ch.isdigit() for ch in text) or (len(text) == 1 and text in _STOP_CHARS):
        return True
    tag = u.tag
    if tag.startswith("v") and not tag.startswith("vn"):
        return text not in lx.NAME_VERBS
    return bool(tag) and not tag.startswith(("n", "vn", "j", "l", "i", "a")) and tag.startswith(lx.BOUNDARY_TAGS)
