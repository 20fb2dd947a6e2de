"""Read article files and folders into RawDocuments: encodings, HTML, size and binary checks."""

from __future__ import annotations

import codecs
import os
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from core.errors import InputError
from ingest.html_text import html_article, looks_like_html
from ingest.metadata import read_manifest_for, split_header_block
from ingest.model import RawDocument

ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".text")
MAX_BYTES = 16 * 1024 * 1024  # one article; larger files are collections that must be split
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class Skipped:
    """A file that was not read, and why."""

    path: str
    reason: str


def decode_bytes(data: bytes, path: str = "<bytes>") -> tuple[str, str]:
    """Decode article bytes: BOMs, then UTF-8, then GB18030 (a superset of GBK/GB2312).

    Returns (text, encoding). UTF-8 with a few invalid bytes is decoded with replacement
    characters and reported as 'utf-8(replaced)'.
    """
    if not data.strip():
        raise InputError(f"{path}: file is empty; nothing to ingest")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc
    if _looks_binary(data):
        raise InputError(f"{path}: looks like a binary file, not text; convert it to .txt/.html first")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
        if _cjk_share(text) > 0.05 or _mostly_ascii(text):
            return text, "gb18030"
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    if bad <= max(3, len(text) // 100):
        return text, "utf-8(replaced)"
    raise InputError(
        f"{path}: unknown text encoding (not UTF-8, UTF-16 or GBK/GB18030); re-save it as UTF-8"
    )


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control > len(sample) * 0.05


def _cjk_share(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 0.0
    return sum(1 for ch in sample if "\u4e00" <= ch <= "\u9fff") / len(sample)


def _mostly_ascii(text: str) -> bool:
    sample = text[:20000]
    return sum(1 for ch in sample if ord(ch) < 128) > len(sample) * 0.95


def read_file(path: str | os.PathLike, max_bytes: int = MAX_BYTES) -> RawDocument:
    """Read one article file (.txt/.md/.html), detecting encoding and stripping HTML."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such file; check the path")
    size = p.stat().st_size
    if size > max_bytes:
        raise InputError(
            f"{p}: {size / 2**20:.0f} MB is larger than the {max_bytes / 2**20:.0f} MB article limit; split it into one file per article"
        )
    data = p.read_bytes()
    text, encoding = decode_bytes(data, str(p))
    doc = document_from_text(text, str(p), encoding, html=p.suffix.lower() in (".html", ".htm"))
    listed = read_manifest_for(p)
    return replace(doc, meta=listed.over(doc.meta)) if listed is not None else doc


def document_from_text(text: str, name: str, encoding: str = "utf-8", html: bool = False) -> RawDocument:
    """A RawDocument from decoded text: HTML reduced to its article body, a text header block read.

    Metadata found on the way (the page's headline, date, URL; a ``---`` header block) lands in
    ``RawDocument.meta``; a manifest beside the file is applied by read_file."""
    if html or looks_like_html(text):
        body, meta = html_article(text)
        if not body.strip():
            raise InputError(f"{name}: HTML page has no article text")
        return RawDocument(path=name, text=body, encoding=encoding, is_html=True, meta=meta)
    meta, body = split_header_block(text)
    return RawDocument(path=name, text=body, encoding=encoding, is_html=False, meta=meta)


def iter_article_paths(paths: list[str | os.PathLike]) -> Iterator[Path]:
    """Yield article files under the given files and folders, sorted, recursing into folders."""
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in ARTICLE_SUFFIXES and not f.name.startswith("."):
                    yield f
        else:
            yield p


def read_paths(paths: list[str | os.PathLike]) -> Iterator[RawDocument | Skipped]:
    """Read every article under `paths`; unreadable files come back as Skipped, never raise."""
    for f in iter_article_paths(paths):
        try:
            yield read_file(f)
        except InputError as exc:
            yield Skipped(str(f), str(exc))
        except OSError as exc:
            yield Skipped(str(f), f"{f}: cannot read ({exc.strerror}); check permissions")

