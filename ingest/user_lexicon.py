"""A user's own lexicon: names that are always entities and name suffixes, read from TSV files.

The format (documented in the README, section "Your own lexicon"), one entry per line, UTF-8,
TAB-separated, `#` starting a comment line, blank lines ignored:

    match<TAB>text<TAB>type<TAB>kind[<TAB>confidence]

- `match` is `name` (the text is a whole name, found wherever it occurs as written) or
  `suffix` (the text heads names: `科技园` makes 华为科技园 an entity, its left edge found as the
  rules find it for their own suffixes);
- `type` is an entity type of the ontology (Area, Community, Organization, Initiative, Award)
  and `kind` one of its kinds (empty for a type without kinds, or to leave it unknown);
- `confidence` (optional, 0 < c ≤ 1) defaults to 0.8 for names and 0.7 for suffixes.

Like spaCy's EntityRuler patterns, the entries are data: several files can be given, their
entries add up in order. Every problem is one `RuleDataError` line naming `file:line`.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ingest.rule_data import RuleDataError, check_type_kind, data_lines, fail
from ontology import ONTOLOGY

MATCHES = ("name", "suffix")
ENTITY_TYPES = ("Area", "Community", "Organization", "Initiative", "Award")
DEFAULT_CONFIDENCE = {"name": 0.8, "suffix": 0.7}
MAX_TEXT = 40


@dataclass(frozen=True)
class LexiconEntry:
    """One line of a user lexicon."""

    match: str
    text: str
    type: str
    kind: str | None
    confidence: float
    origin: str  # file:line, for messages


@dataclass(frozen=True)
class Lexicon:
    """The entries of one or more user lexicon files, in file order; picklable."""

    entries: tuple[LexiconEntry, ...] = ()
    files: tuple[str, ...] = ()

    @cached_property
    def names(self) -> dict[str, LexiconEntry]:
        """Whole name → entry."""
        return {e.text: e for e in self.entries if e.match == "name"}

    @cached_property
    def suffixes(self) -> dict[str, LexiconEntry]:
        """Suffix → entry."""
        return {e.text: e for e in self.entries if e.match == "suffix"}

    @cached_property
    def names_re(self) -> re.Pattern | None:
        """One alternation of every whole name, longest first (None without names)."""
        return _alternation(self.names)

    @cached_property
    def suffixes_re(self) -> re.Pattern | None:
        """One alternation of every suffix, longest first (None without suffixes)."""
        return _alternation(self.suffixes)

    @cached_property
    def name(self) -> str:
        """A short, stable label for provenance: `lexicon:<hash of the entries>`."""
        digest = hashlib.sha256()
        for e in self.entries:
            digest.update(f"{e.match}\t{e.text}\t{e.type}\t{e.kind or ''}\t{e.confidence}\n".encode())
        return f"lexicon:{digest.hexdigest()[:10]}"

    def __len__(self) -> int:
        return len(self.entries)


def _alternation(words: Iterable[str]) -> re.Pattern | None:
    words = sorted(words, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words))) if words else None


def load_lexicon(paths: Iterable[str | Path]) -> Lexicon:
    """Read and validate user lexicon files; raise RuleDataError (`file:line: ...`) on the first problem."""
    entries: list[LexiconEntry] = []
    seen: dict[tuple[str, str], LexiconEntry] = {}
    files: list[str] = []
    for raw in paths:
        path = Path(raw)
        files.append(str(path))
        for number, line in data_lines(path):
            entry = _parse_line(path, number, line)
            earlier = seen.get((entry.match, entry.text))
            if earlier is not None:
                if (earlier.type, earlier.kind) != (entry.type, entry.kind):
                    raise fail(path, number, f"{entry.match} {entry.text!r} was already given as "
                                             f"{earlier.type}/{earlier.kind or '-'} at {earlier.origin}")
                continue
            seen[(entry.match, entry.text)] = entry
            entries.append(entry)
    return Lexicon(tuple(entries), tuple(files))


def _parse_line(path: Path, number: int, line: str) -> LexiconEntry:
    cells = [c.strip() for c in line.split("\t")]
    while len(cells) > 3 and not cells[-1]:
        cells.pop()
    if len(cells) < 3 or len(cells) > 5:
        raise fail(path, number, f"expected match<TAB>text<TAB>type<TAB>kind[<TAB>confidence], got {len(cells)} column(s)"
                                 + (" (columns must be separated by TABs)" if len(cells) == 1 else ""))
    match, text, node_type = cells[:3]
    kind = cells[3] if len(cells) > 3 and cells[3] else None
    if match not in MATCHES:
        raise fail(path, number, f"first column must be one of {', '.join(MATCHES)}, got {match!r}")
    if not text:
        raise fail(path, number, "the text column is empty")
    if any(ch.isspace() for ch in text) or len(text) > MAX_TEXT:
        raise fail(path, number, f"text must be one name of at most {MAX_TEXT} characters without spaces, got {text!r}")
    if node_type not in ENTITY_TYPES:
        raise fail(path, number, f"unknown entity type {node_type!r}; use one of {', '.join(ENTITY_TYPES)}")
    check_type_kind(path, number, node_type, kind)
    if kind is not None and not ONTOLOGY.kinds.get(node_type):
        raise fail(path, number, f"{node_type} has no kinds; leave the kind column empty, got {kind!r}")
    confidence = DEFAULT_CONFIDENCE[match]
    if len(cells) == 5:
        try:
            confidence = float(cells[4])
        except ValueError:
            raise fail(path, number, f"confidence must be a number in (0, 1], got {cells[4]!r}") from None
        if not (0 < confidence <= 1) or math.isnan(confidence):
            raise fail(path, number, f"confidence must be a number in (0, 1], got {cells[4]!r}")
    return LexiconEntry(match, text, node_type, kind, confidence, f"{path}:{number}")


__all__ = ["Lexicon", "LexiconEntry", "RuleDataError", "load_lexicon"]
