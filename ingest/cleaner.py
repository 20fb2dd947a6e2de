"""Clean newspaper/OCR text: rejoin paragraphs split at page joins, set captions aside,
drop bylines and repeated paragraphs, and split sentences with offsets."""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import replace

from core.errors import InputError
from ingest.metadata import meta_from_bylines
from ingest.model import Article, RawDocument, Sentence

_TERMINAL = set("。！？!?…”」』）)；;：:")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_BYLINE = re.compile(
    r"(记者|通讯员|供图|摄影|图片来源|来源[:：]|编辑[:：]|责编|责任编辑|审核[:：]|校对|图/|文/|图据|摄$|本报讯)"
)
_MARKDOWN_PREFIX = re.compile(r"^\s*(#{1,6}\s*|[-*>]\s+)")
_SENTENCE_END = re.compile(r"[。！？!?；;]+[”’」』）)]*|\n")
_CAPTION_MAX = 60
_OPEN_MIN = 30


def normalize_text(text: str) -> str:
    """Normalize line ends, zero-width characters and odd spaces without touching CJK punctuation."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_ZERO_WIDTH)
    text = text.replace("\u3000", " ").replace("\u00a0", " ")
    return unicodedata.normalize("NFC", text)


def _is_byline(par: str) -> bool:
    return len(par) <= 50 and bool(_BYLINE.search(par)) and "。" not in par[:-1]


def _is_open(par: str) -> bool:
    """A paragraph cut mid-sentence (page join): long, and not ending with terminal punctuation."""
    if par.count("“") > par.count("”") and par[-1] not in _TERMINAL:
        return True
    return len(par) >= _OPEN_MIN and par[-1] not in _TERMINAL and "\u4e00" <= par[-1] <= "\u9fff"


def _is_caption(par: str) -> bool:
    return len(par) <= _CAPTION_MAX


def clean_paragraphs(text: str) -> tuple[list[str], list[str]]:
    """Return (paragraphs in reading order, dropped paragraphs such as bylines and repeats)."""
    raw = [(_MARKDOWN_PREFIX.sub("", line)).strip() for line in normalize_text(text).split("\n")]
    raw = [re.sub(r"[ \t]{2,}", " ", p) for p in raw if p]
    dropped: list[str] = []
    kept: list[str] = []
    seen: set[str] = set()
    for par in raw:
        if _is_byline(par):
            dropped.append(par)
            continue
        key = re.sub(r"\s+", "", par)
        if len(key) >= 12 and key in seen:
            dropped.append(par)
            continue
        seen.add(key)
        kept.append(par)
    return _rejoin(kept), dropped


def _rejoin(pars: list[str]) -> list[str]:
    """Join a paragraph cut at a page join with its continuation, moving captions after it."""
    out: list[str] = []
    i = 0
    while i < len(pars):
        par = pars[i]
        j = i + 1
        captions: list[str] = []
        while _is_open(par) and j < len(pars):
            k = j
            between: list[str] = []
            while k < len(pars) and _is_caption(pars[k]) and len(between) < 4 and not _continues(pars[k]):
                between.append(pars[k])
                k += 1
            if k < len(pars) and _continues(pars[k]):
                par = par + pars[k]
                captions.extend(between)
                j = k + 1
            else:
                break
        out.append(par)
        out.extend(captions)
        i = j
    return out


def _continues(par: str) -> bool:
    """A paragraph that starts mid-sentence: its first clause has no subject-like opening."""
    first = par[:1]
    if not first or first in "“\"《（(【[":
        return False
    clause = re.split(r"[，。！？；：,]", par, maxsplit=1)[0]
    return len(clause) <= 12 and len(par) > len(clause) + 1


def split_sentences(text: str, paragraph_starts: list[int] | None = None) -> list[Sentence]:
    """Split cleaned text into sentences with exact character offsets."""
    sentences: list[Sentence] = []
    start = 0
    starts = paragraph_starts or [0]
    for m in _SENTENCE_END.finditer(text):
        end = m.end() if m.group() != "\n" else m.start()
        _append(sentences, text, start, end, starts)
        start = m.end()
    _append(sentences, text, start, len(text), starts)
    return sentences


def _append(sentences: list[Sentence], text: str, start: int, end: int, par_starts: list[int]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end <= start:
        return
    paragraph = _bisect(par_starts, start)
    sentences.append(Sentence(index=len(sentences), start=start, end=end, text=text[start:end], paragraph=paragraph))


def _bisect(starts: list[int], pos: int) -> int:
    return max(0, bisect.bisect_right(starts, pos) - 1)


def clean_document(doc: RawDocument) -> Article:
    """Clean a RawDocument into an Article whose text all offsets refer to."""
    paragraphs, dropped = clean_paragraphs(doc.text)
    if not paragraphs:
        raise InputError(f"{doc.path}: no article text left after cleaning")
    if not any("\u4e00" <= ch <= "\u9fff" for p in paragraphs[:50] for ch in p):
        raise InputError(f"{doc.path}: no Chinese text found; govkg extracts from Chinese articles")
    text = "\n".join(paragraphs)
    par_starts = []
    pos = 0
    for p in paragraphs:
        par_starts.append(pos)
        pos += len(p) + 1
    sentences = split_sentences(text, par_starts)
    meta = doc.meta.over(meta_from_bylines(dropped))
    title = meta.title or next((p for p in paragraphs if len(p) <= 40), paragraphs[0][:40])
    return Article(
        id=Article.make_id(text),
        path=doc.path,
        title=title,
        text=text,
        sentences=tuple(sentences),
        encoding=doc.encoding,
        dropped=tuple(dropped),
        meta=replace(meta, title=title),
    )
