"""Mention recognizers as named components the extractor is built from (as spaCy's factories).

A recognizer takes the sentences of one article (their full-width views) and the mentions found
so far, one list per sentence, and returns the updated lists. Register your own with
``@register_recognizer("name")`` on a factory ``(config) -> recognizer`` and list its name in
``ExtractorConfig.recognizers``.

    config = ExtractorConfig(recognizers=("rules", "lac"))
    recognizers = build_recognizers(config)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from ingest.mentions import Mention, find_mentions
from ingest.tokens import units_of

MODES: dict[str, tuple[str, ...]] = {
    "default": ("rules", "lac"),
    "rules": ("rules",),
}


@dataclass(frozen=True)
class ExtractorConfig:
    """What an extractor is built from; picklable, so worker processes build the same one."""

    recognizers: tuple[str, ...] = MODES["default"]
    lexicons: tuple[str, ...] = ()
    calibrated: bool = True
    options: dict = field(default_factory=dict, hash=False, compare=False)

    @classmethod
    def for_mode(cls, mode: str, **kw) -> "ExtractorConfig":
        """The configuration of a named mode ('default': rules + LAC; 'rules': rules only)."""
        if mode not in MODES:
            raise ValueError(f"unknown extraction mode {mode!r} (choose from {', '.join(MODES)})")
        return cls(recognizers=MODES[mode], **kw)


class Recognizer(Protocol):
    """Adds, removes or re-draws mentions of one article's sentences."""

    def __call__(self, sentences: list[str], mentions: list[list[Mention]]) -> list[list[Mention]]: ...


RECOGNIZERS: dict[str, Callable[[ExtractorConfig], Recognizer]] = {}


def register_recognizer(name: str) -> Callable:
    """Decorator: register a recognizer factory under `name`."""

    def wrap(factory: Callable[[ExtractorConfig], Recognizer]) -> Callable[[ExtractorConfig], Recognizer]:
        RECOGNIZERS[name] = factory
        return factory

    return wrap


def build_recognizers(config: ExtractorConfig) -> list[tuple[str, Recognizer]]:
    """The configured recognizers, in order; an unknown name is a ValueError naming the known ones."""
    out = []
    for name in config.recognizers:
        if name not in RECOGNIZERS:
            raise ValueError(f"unknown recognizer {name!r} (registered: {', '.join(sorted(RECOGNIZERS))})")
        out.append((name, RECOGNIZERS[name](config)))
    return out


@register_recognizer("rules")
def _rules(config: ExtractorConfig) -> Recognizer:
    """Lexicon areas, suffix-headed names, quoted names, lists, awards (ingest/mentions.py)."""

    def recognize(sentences: list[str], mentions: list[list[Mention]]) -> list[list[Mention]]:
        return [found + find_mentions(s, units_of(s)) for s, found in zip(sentences, mentions)]

    return recognize


@register_recognizer("patterns")
def _patterns(config: ExtractorConfig) -> Recognizer:
    """The user's lexicon (`options["lexicon"]`, or the files of `lexicons`): whole names and suffixes (ingest/pattern_mentions.py)."""
    from ingest.pattern_mentions import with_pattern_mentions
    from ingest.user_lexicon import load_lexicon

    lexicon = config.options.get("lexicon") or (load_lexicon(list(config.lexicons)) if config.lexicons else None)

    def recognize(sentences: list[str], mentions: list[list[Mention]]) -> list[list[Mention]]:
        if lexicon is None:
            return mentions
        return [with_pattern_mentions(found, s, lexicon) for s, found in zip(sentences, mentions)]

    return recognize


@register_recognizer("lac")
def _lac(config: ExtractorConfig) -> Recognizer:
    """Baidu LAC's ORG spans and name edges merged into the mentions so far (ingest/lac_mentions.py)."""
    from ingest.lac_mentions import merge_statistical
    from ingest.lac_tagger import default_tagger

    tagger = default_tagger()

    def recognize(sentences: list[str], mentions: list[list[Mention]]) -> list[list[Mention]]:
        spans = tagger.tag(sentences)
        return [merge_statistical(s, found, sp) for s, found, sp in zip(sentences, mentions, spans)]

    return recognize
