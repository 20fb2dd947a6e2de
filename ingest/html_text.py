"""Turn an HTML page into article text: drop scripts, navigation and boilerplate, keep paragraphs."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from ingest.metadata import meta_from_bylines, normalize_date
from ingest.model import ArticleMeta

_SKIP = {"script", "style", "nav", "header", "footer", "aside", "noscript", "form", "select", "button", "iframe", "svg"}
_BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article", "td", "title", "figcaption"}
_BOILER = re.compile(r"(首页|登录|注册|版权所有|Copyright|ICP备|网站地图|联系我们|上一篇|下一篇|返回顶部|分享到|扫一扫|责任编辑|打印本页|关闭窗口)")


def looks_like_html(text: str) -> bool:
    """True when text starts like an HTML document."""
    head = text.lstrip()[:200].lower()
    return head.startswith("<!doctype html") or head.startswith("<html") or ("<body" in head and "</" in text[:5000])


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self.skip_depth += 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _SKIP and self.skip_depth:
            self.skip_depth -= 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip_depth:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Visible paragraph text of an HTML page, one paragraph per line, boilerplate lines removed."""
    parser = _Extractor()
    parser.feed(html)
    parser.close()
    lines = []
    for line in "".join(parser.parts).splitlines():
        line = re.sub(r"[ \t\u00a0]+", " ", line).strip()
        if not line:
            continue
        if len(line) < 40 and _BOILER.search(line):
            continue
        lines.append(line)
    return "\n\n".join(lines)


_META_DATE = re.compile(r"""<meta[^>]+(?:name|property)\s*=\s*["'](?:PubDate|pubdate|publishdate|article:published_time|og:release_date|date)["'][^>]*>""", re.I)  # noqa: E501 - one literal
_META_SOURCE = re.compile(r"""<meta[^>]+name\s*=\s*["'](?:ContentSource|source|author)["'][^>]*>""", re.I)
_CONTENT = re.compile(r"""content\s*=\s*["']([^"']*)["']""", re.I)
_MIN_BODY_SHARE = 0.2  # trafilatura's body below this share of the page's visible text: it missed the article


def html_article(html: str) -> tuple[str, ArticleMeta]:
    """The article body of an HTML page and what the page says about it (headline, date, URL, publisher).

    The body comes from trafilatura (main-content detection drops navigation, share bars and the
    site footer); when it finds no body, or one much shorter than the page's visible text, the
    paragraph parser above is used instead. The page's byline (来源：…) and its meta tags fill
    what trafilatura leaves open. Use: ``text, meta = html_article(page)``.
    """
    visible = html_to_text(html)
    body, found = _trafilatura(html)
    if not body or len(body) < _MIN_BODY_SHARE * len(visible):
        body = visible
    text_lines = visible.splitlines()[:40]
    byline = meta_from_bylines([line for line in text_lines if len(line) <= 80])
    tags = ArticleMeta(date=normalize_date(_meta_content(_META_DATE, html)), publisher=_meta_content(_META_SOURCE, html))
    publisher = byline.publisher or tags.publisher or found.publisher  # the page's own 来源 before the host name
    return body, ArticleMeta(found.title, found.url, found.date or tags.date or byline.date, publisher)


def _meta_content(pattern: re.Pattern, html: str) -> str | None:
    m = pattern.search(html[:50000])
    if not m:
        return None
    c = _CONTENT.search(m.group(0))
    return c.group(1).strip() or None if c else None


def _trafilatura(html: str) -> tuple[str, ArticleMeta]:
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False, include_tables=True,
                                          favor_precision=True)
    except Exception:  # noqa: BLE001 - any failure of the library means: use the plain parser
        return "", ArticleMeta()
    if doc is None:
        return "", ArticleMeta()
    get = doc.get if isinstance(doc, dict) else (lambda k: getattr(doc, k, None))
    lines = (p.strip() for p in (get("text") or "").splitlines())
    text = "\n\n".join(p for p in lines if p and not (len(p) < 40 and _BOILER.search(p)))
    return text, ArticleMeta(title=get("title") or None, url=get("url") or None, date=normalize_date(get("date")),
                             publisher=get("sitename") or get("hostname") or None)
