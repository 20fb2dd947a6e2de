"""Turn an HTML page into article text: drop scripts, navigation and boilerplate, keep paragraphs."""

from __future__ import annotations

import re
from html.parser import HTMLParser

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
