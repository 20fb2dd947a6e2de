"""Split a sentence into units: quoted strings, lexicon areas, jieba words and punctuation."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

import jieba
import jieba.posseg

from ingest.divisions import find_areas

jieba.setLogLevel(logging.WARNING)

try:  # jieba's own algorithm and dictionary in Rust: identical words, ~40x faster
    import rjieba

    def cut(text: str) -> list[str]:
        return rjieba.cut(text)
except ImportError:  # pragma: no cover - exercised only where the wheel is unavailable

    def cut(text: str) -> list[str]:
        return jieba.lcut(text)

QUOTE_RE = re.compile(r"“([^“”\n]{1,40})”|\"([^\"\n]{1,40})\"|《([^《》\n]{1,40})》|「([^「」\n]{1,40})」|‘([^‘’\n]{1,40})’")
DATE_RE = re.compile(r"[0-9０-９]{1,4}(?:年|月|日|号)(?:[0-9０-９]{1,2}(?:月|日|号))*")
PUNCT = set("，。、；：！？,.;:!?（）()【】[]—…-~～/|　 \t\n“”\"《》「」‘’·•")


@dataclass(frozen=True)
class Unit:
    """A piece of a sentence: `kind` is 'tok', 'quote', 'area' or 'punct'; offsets are sentence-relative."""

    start: int
    end: int
    text: str
    kind: str
    tag: str = ""

    @property
    def inner(self) -> str:
        """The text without quote marks (quotes) or the text itself."""
        return self.text[1:-1] if self.kind == "quote" else self.text


@lru_cache(maxsize=1)
def _tags() -> dict[str, str]:
    jieba.initialize()
    return jieba.posseg.dt.word_tag_tab


def tag_of(word: str) -> str:
    """The dictionary POS tag of a word ('' for words jieba does not know)."""
    return _tags().get(word, "")


def units_of(sentence: str) -> list[Unit]:
    """Units of a sentence in order, covering every non-space character."""
    fixed: list[Unit] = []
    for m in QUOTE_RE.finditer(sentence):
        fixed.append(Unit(m.start(), m.end(), m.group(), "quote"))
    taken = [(u.start, u.end) for u in fixed]
    for m in DATE_RE.finditer(sentence):  # 3月|布新社区: a date is one word, never the start of a name
        if not any(s < m.end() and m.start() < e for s, e in taken):
            fixed.append(Unit(m.start(), m.end(), m.group(), "tok", "t"))
    taken = [(u.start, u.end) for u in fixed]
    for start, end, form in find_areas(sentence):  # nationwide divisions (ingest/divisions.py)
        if any(s < end and start < e for s, e in taken):
            continue
        nxt = sentence[end: end + 1]
        if nxt and nxt in "区县市" and not form.endswith(("区", "县", "市")):
            continue  # 成都 + 市…: let jieba see the longer word
        if nxt == "委" or sentence[end: end + 2] == "党委":
            continue  # 四川省委, 成都市委: a party committee, not the area
        fixed.append(Unit(start, end, form, "area", "ns"))
    fixed.sort(key=lambda u: u.start)
    units: list[Unit] = []
    pos = 0
    for fu in fixed:
        if fu.start > pos:
            units.extend(_jieba_units(sentence, pos, fu.start))
        units.append(fu)
        pos = fu.end
    if pos < len(sentence):
        units.extend(_jieba_units(sentence, pos, len(sentence)))
    return units


def _jieba_units(sentence: str, start: int, end: int) -> list[Unit]:
    out = []
    pos = start
    tags = _tags()
    for word in cut(sentence[start:end]):
        w_end = pos + len(word)
        if word.strip() == "":
            pos = w_end
            continue
        if all(ch in PUNCT for ch in word):
            out.append(Unit(pos, w_end, word, "punct"))
        else:
            out.append(Unit(pos, w_end, word, "tok", tags.get(word, "")))
        pos = w_end
    return out
