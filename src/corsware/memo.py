"""Memo: the one bounded cache behind every per-request answer corsware remembers.

Keys come from clients (paths, origins, preflight header lists), so a memo holds a bounded number of
entries of bounded size: a key it may not remember is answered every time, and a full memo is
emptied before it takes a new entry. Memory is then bounded whatever clients send, and the answer
for a key never depends on what the memo holds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["Memo"]

K = TypeVar("K")
V = TypeVar("V")


class Memo(dict[K, V], Generic[K, V]):
    """A mapping from keys to ``compute(key)``, remembering at most ``entries`` answers.

    Read it with ``memo[key]``: a remembered key costs one dictionary lookup, and a new one calls
    ``compute`` (from ``dict.__missing__``) and is remembered when ``remembers(key)`` says so.
    """

    __slots__ = ("_compute", "_entries", "_remembers")

    def __init__(
        self, compute: Callable[[K], V], *, entries: int, remembers: Callable[[K], bool]
    ) -> None:
        """Answer keys with ``compute``; keep at most ``entries``, only keys ``remembers`` accepts."""
        super().__init__()
        self._compute = compute
        self._entries = entries
        self._remembers = remembers

    def __missing__(self, key: K) -> V:
        """Compute the answer for a key not remembered, and remember it if allowed."""
        value = self._compute(key)
        if self._remembers(key):
            if len(self) >= self._entries:
                self.clear()
            self[key] = value
        return value
