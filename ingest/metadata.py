"""Article metadata (source URL, publication date, publisher, headline) from the places it is found.

Sources, strongest first (``ArticleMeta.over`` merges them field by field):

1. a **manifest** beside the files: ``manifest.csv``, ``manifest.tsv`` or ``SOURCES.tsv`` in the
   article's folder or the folder above it, with a ``file`` column (the file name) and any of
   ``url``, ``title``, ``date``, ``publisher``;
2. a **header block** at the top of a text file, between two ``---`` lines, of ``key: value`` lines
   (keys ``title url date publisher``, or 标题 链接/网址 日期/发布时间 来源/发布单位);
3. the **HTML page**: its headline, date and URL (``ingest/html_text.html_article``);
4. a **byline** the cleaner drops (``发布时间：2024-05-12 来源：成都日报``).

Use: ``read_manifest_for(path)`` → ArticleMeta or None; ``split_header_block(text)`` → (meta, body);
``meta_from_bylines(lines)`` → ArticleMeta. Dates come out as ISO ``YYYY-MM-DD`` (or ``YYYY-MM``).
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

from ingest.model import ArticleMeta

MANIFEST_NAMES = ("manifest.csv", "manifest.tsv", "SOURCES.tsv")
_KEYS = {
    "title": "title", "headline": "title", "标题": "title",
    "url": "url", "source_url": "url", "link": "url", "链接": "url", "网址": "url", "原文链接": "url",
    "date": "date", "published": "date", "pubdate": "date", "日期": "date", "发布时间": "date", "发布日期": "date", "时间": "date",
    "publisher": "publisher", "source": "publisher", "来源": "publisher", "发布单位": "publisher", "发布机构": "publisher",
}
_HEADER_LINE = re.compile(r"^\s*([^:：\s][^:：]{0,15}?)\s*[:：]\s*(.*?)\s*$")
_DATE = re.compile(r"((?:19|20)\d{2})\s*(?:[-/.年])\s*(\d{1,2})(?:\s*(?:[-/.月])\s*(\d{1,2}))?")
_PUBLISHER = re.compile(r"(?:来源|来源于|稿源|出处)\s*[:：]\s*([^\s|｜/、，,。]{2,30})")
_NO_VALUE = {"", "-", "—", "none", "null", "n/a", "无"}


def normalize_date(raw: str | None, at_start: bool = False) -> str | None:
    """The first date in `raw` as ISO ``YYYY-MM-DD`` (``YYYY-MM`` when the day is missing); None if none.

    With `at_start` the value must begin with the date (a field such as "unknown (reports the 2022
    list)" is a note, not a date)."""
    if not raw:
        return None
    m = _DATE.match(raw.strip()) if at_start else _DATE.search(raw)
    if not m:
        return None
    year, month, day = int(m.group(1)), int(m.group(2)), m.group(3)
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    if not 1 <= int(day) <= 31:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{int(day):02d}"


def meta_from_fields(fields: dict[str, str]) -> ArticleMeta:
    """ArticleMeta from loosely named fields (manifest columns or header keys, English or Chinese)."""
    values: dict[str, str] = {}
    for key, raw in fields.items():
        field = _KEYS.get((key or "").strip().lower()) or _KEYS.get((key or "").strip())
        value = (raw or "").strip()
        if field and value.lower() not in _NO_VALUE and field not in values:
            values[field] = value
    title = values.get("title")
    if title and title.startswith("(") and title.endswith(")"):  # "(headline not captured …)": a note, not a title
        title = None
    return ArticleMeta(title=title, url=values.get("url"), date=normalize_date(values.get("date"), at_start=True),
                       publisher=values.get("publisher"))


def split_header_block(text: str) -> tuple[ArticleMeta, str]:
    """A leading ``---`` … ``---`` block of ``key: value`` lines, parsed and cut off; (empty meta, text) without one."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped.startswith("---"):
        return ArticleMeta(), text
    lines = stripped.splitlines(keepends=True)
    if lines[0].strip() != "---":
        return ArticleMeta(), text
    fields: dict[str, str] = {}
    for i, line in enumerate(lines[1:30], start=1):
        if line.strip() == "---":
            meta = meta_from_fields(fields)
            return (meta, "".join(lines[i + 1:])) if fields else (ArticleMeta(), text)
        m = _HEADER_LINE.match(line)
        if not m:
            return ArticleMeta(), text  # not a header block: leave the text alone
        fields.setdefault(m.group(1), m.group(2))
    return ArticleMeta(), text


def meta_from_bylines(lines: list[str] | tuple[str, ...]) -> ArticleMeta:
    """Date and publisher read from byline lines (those the cleaner drops: 来源：… 发布时间：…)."""
    date = publisher = None
    for line in lines:
        if publisher is None and (m := _PUBLISHER.search(line)):
            publisher = m.group(1)
        if date is None and re.search(r"(时间|日期|发布|来源|\d{4}[-/年])", line):
            date = normalize_date(line)
    return ArticleMeta(date=date, publisher=publisher)


def read_manifest_for(path: str | Path) -> ArticleMeta | None:
    """The manifest row of an article file (its folder's manifest first, then the parent's), or None."""
    p = Path(path)
    for folder in (p.parent, p.parent.parent):
        table = _manifest_of(str(folder.resolve()))
        if table is not None and p.name in table:
            return table[p.name]
    return None


@lru_cache(maxsize=256)
def _manifest_of(folder: str) -> dict[str, ArticleMeta] | None:
    for name in MANIFEST_NAMES:
        f = Path(folder) / name
        if f.is_file():
            return read_manifest(f)
    return None


def read_manifest(path: str | Path) -> dict[str, ArticleMeta]:
    """file name → ArticleMeta from a CSV or TSV manifest with a ``file`` column; unreadable rows are left out."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return {}
    delimiter = "\t" if p.suffix.lower() == ".tsv" or "\t" in text.split("\n", 1)[0] else ","
    out: dict[str, ArticleMeta] = {}
    for row in csv.DictReader(text.splitlines(), delimiter=delimiter):
        name = (row.get("file") or row.get("filename") or row.get("path") or "").strip()
        if name:
            out[Path(name).name] = meta_from_fields({k: v for k, v in row.items() if k and k not in ("file", "filename", "path")})
    return out
