"""A full-width view of text copied from the web: ASCII , : ; ? ! ( ) beside Chinese become ，：；？！（）.

The view has the same length as the text, so every offset found in it is an offset of the text.
Use: ``fullwidth_view("华润置地(重庆)有限公司,成立")`` → ``"华润置地（重庆）有限公司，成立"``.
"""

from __future__ import annotations

import re

_PAIRS = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
# An ASCII mark next to a CJK character (or a closing quote/bracket), not inside numbers or Latin text (3:00, 1,000, a(b)).
_MARK = re.compile(r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef”’）])[,:;?!()]|[,:;?!()](?=[\u4e00-\u9fff“‘（])")


def fullwidth_view(text: str) -> str:
    """The text with ASCII punctuation that stands between Chinese words made full-width (same length)."""
    if not any(ch in text for ch in _PAIRS):
        return text
    return _MARK.sub(lambda m: _PAIRS[m.group()], text)
