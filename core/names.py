"""Name normalization shared by extraction, the stores and the queries: how two surface forms are compared."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_QUOTE_CHARS = dict.fromkeys(map(ord, "“”‘’\"'「」《》·"), None)


@lru_cache(maxsize=131072)
def normalize_name(name: str) -> str:
    """The scoring normalization: NFKC, no whitespace, no quote marks, no middle dot.

    >>> normalize_name("“邻里 节”")
    '邻里节'
    """
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name).translate(_QUOTE_CHARS))
