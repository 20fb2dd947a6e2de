"""Values a store keeps for one graph version: query indexes and result rows, rebuilt after any write."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class PerVersion:
    """`cache.get(store.version(), key, build)`: what `build()` returned for `key` at this version; a
    new version forgets everything kept for the old one."""

    def __init__(self) -> None:
        self._version: object = None
        self._values: dict[Hashable, Any] = {}

    def get(self, version: object, key: Hashable, build: Callable[[], T]) -> T:
        if version != self._version:
            self._version, self._values = version, {}
        if key not in self._values:
            self._values[key] = build()
        return self._values[key]

    def clear(self) -> None:
        """Forget every value (the next get builds again)."""
        self._values = {}
