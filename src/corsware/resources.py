"""Resources: URL path patterns, and finding the first one that covers a request's path."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Generic, TypeVar

from corsware.errors import ConfigProblem

__all__ = [
    "PathPattern",
    "ResourceMap",
    "parse_path_pattern",
    "pattern_text",
    "resolve_dot_segments",
    "shown_pattern",
]

T = TypeVar("T")

# Paths longer than this are matched every time rather than remembered, so that the cache's memory is
# bounded by its entry count times this length whatever clients send.
_CACHEABLE_PATH_LENGTH: Final = 512
_CACHE_ENTRIES: Final = 4096
_NO_MATCH: Final = -1
_UNCACHED: Final = object()
# Resolving dot segments walks every segment in Python. Browsers resolve them before sending (URL
# parsing), so a path that still has them and is this deep comes from another client, matches no
# resource and gets no CORS headers: that keeps the work per request bounded whatever the path.
_MAX_RESOLVED_SEGMENTS: Final = 256
_DOT_SEGMENT: Final = re.compile(r"/\.\.?(?:/|$)")


@dataclass(frozen=True, slots=True)
class PathPattern:
    """A parsed string resource pattern.

    Attributes:
        text: The pattern as written.
        base: The path it names, without the trailing ``/*``.
        prefix: Whether it ends in ``/*`` and so also covers ``base + "/"`` and everything below.
    """

    text: str
    base: str
    prefix: bool

    def covers(self, other: PathPattern) -> bool:
        """Whether every path ``other`` matches is already matched by ``self``."""
        if not self.prefix:
            return not other.prefix and other.base == self.base
        return _is_at_or_below(other.base, self.base)


def _is_at_or_below(path: str, base: str) -> bool:
    return path == base or path.startswith(base + "/")


def parse_path_pattern(text: str) -> PathPattern | tuple[str, str]:
    """Parse a string resource pattern, or return a ``(message, fix)`` pair saying what is wrong.

    The grammar has one wildcard: a trailing ``/*``. Everything else is compared literally, so
    ``"/service+path"`` means a plus sign, as it does in ``PATH_INFO``.
    """
    if not text.startswith("/"):
        return "does not start with '/'", (
            "write '/*' for every path" if text in {"", "*"} else f"write '/{text}'"
        )
    base, prefix = (text[:-2], True) if text.endswith("/*") else (text, False)
    if "*" in base:
        return (
            "has a '*' that is not a trailing '/*'",
            "use a trailing '/*' for a path and everything below it, or re.compile(...) for a "
            "regular expression",
        )
    if any(ord(character) < 0x20 or ord(character) == 0x7F for character in text):  # noqa: PLR2004
        return "contains control characters", "remove them"
    resolved = resolve_dot_segments(base or "/")
    if resolved != (base or "/"):
        suggestion = resolved.rstrip("/") + "/*" if prefix else resolved
        return (
            "contains '.' or '..' segments, but paths are matched after resolving those",
            f"write {suggestion!r}",
        )
    return PathPattern(text, base, prefix)


def resolve_dot_segments(path: str) -> str:
    """Resolve ``.`` and ``..`` segments as RFC 3986 §5.2.4 does, so a path is judged by where it leads.

    ``/public/../admin`` becomes ``/admin``. Empty segments (``//``) are kept, as routers see them.
    """
    if "/." not in path:
        return path
    kept: list[str] = []
    segments = path.split("/")[1:]
    for segment in segments:
        if segment == "..":
            if kept:
                kept.pop()
        elif segment != ".":
            kept.append(segment)
    resolved = "/" + "/".join(kept)
    if segments[-1] in {".", ".."} and not resolved.endswith("/"):
        resolved += "/"
    return resolved


def pattern_text(pattern: str | re.Pattern[str]) -> str:
    """A resource pattern as written: a compiled regex by its ``.pattern``."""
    return pattern if isinstance(pattern, str) else pattern.pattern


def shown_pattern(pattern: object) -> object:
    """A resource pattern as the user wrote it, valid or not: a compiled regex by its ``.pattern``."""
    return pattern.pattern if isinstance(pattern, re.Pattern) else pattern


def shadowing_problems(patterns: Sequence[str | re.Pattern[str]]) -> list[ConfigProblem]:
    """Problems for string patterns that can never match because an earlier one covers them."""
    problems = []
    earlier: list[PathPattern] = []
    for pattern in patterns:
        parsed = parse_path_pattern(pattern) if isinstance(pattern, str) else None
        if isinstance(parsed, tuple):
            continue
        for before in earlier:
            if (parsed is None and before.prefix and before.base == "") or (
                parsed is not None and before.covers(parsed)
            ):
                shown = pattern_text(pattern)
                problems.append(
                    ConfigProblem(
                        "CORS-E009",
                        f"resources[{shown!r}]",
                        shown,
                        f"can never match: the earlier pattern {before.text!r} already matches "
                        "every path it would",
                        f"move {shown!r} before {before.text!r}",
                    )
                )
                break
        if parsed is not None:
            earlier.append(parsed)
    return problems


class ResourceMap(Generic[T]):
    """Finds the first resource, in the order given, whose pattern matches a path.

    String patterns are found with a few dictionary lookups, one per leading path segment up to the
    deepest configured pattern, so the cost does not grow with the number of patterns; regular
    expressions are tried in order only while they could still come first. Results for short paths are
    remembered in a cache whose size is bounded.
    """

    __slots__ = ("_depth", "_exact", "_prefixes", "_regexes", "_values", "remembered")

    def __init__(self, entries: Sequence[tuple[str | re.Pattern[str], T]]) -> None:
        """Compile validated ``(pattern, value)`` entries; earlier entries win."""
        self._values = tuple(value for _, value in entries)
        self._exact: dict[str, int] = {}
        self._prefixes: dict[str, int] = {}
        regexes: list[tuple[int, re.Pattern[str]]] = []
        for index, (pattern, _) in enumerate(entries):
            if isinstance(pattern, re.Pattern):
                regexes.append((index, pattern))
                continue
            parsed = parse_path_pattern(pattern)
            assert isinstance(parsed, PathPattern)  # noqa: S101 - validated by the caller
            table = self._prefixes if parsed.prefix else self._exact
            table.setdefault(parsed.base, index)
        self._regexes = tuple(regexes)
        self._depth = max((base.count("/") for base in self._prefixes), default=0)
        self.remembered: dict[str, T | None] = {}
        """:meth:`lookup` answers already given, by path (bounded): a lookup here saves the call."""

    def lookup(self, path: str) -> T | None:
        """The value of the first resource matching ``path`` (``PATH_INFO``), if any."""
        value = self.remembered.get(path, _UNCACHED)
        if value is _UNCACHED:
            if path.count("/") > _MAX_RESOLVED_SEGMENTS and _DOT_SEGMENT.search(path):
                return None
            index = self._find(resolve_dot_segments(path or "/"))
            value = None if index == _NO_MATCH else self._values[index]
            if len(path) <= _CACHEABLE_PATH_LENGTH:
                if len(self.remembered) >= _CACHE_ENTRIES:
                    self.remembered.clear()
                self.remembered[path] = value
        return value  # type: ignore[return-value]

    def _find(self, path: str) -> int:
        found = self._exact.get(path, len(self._values))
        prefixes = self._prefixes
        if prefixes:
            found = min(found, prefixes.get(path, found))
            # Every base "/a/b" that could cover the path ends where the path has a "/".
            slash = path.find("/")
            seen = 0
            while slash >= 0 and seen <= self._depth:
                found = min(found, prefixes.get(path[:slash], found))
                slash = path.find("/", slash + 1)
                seen += 1
        for index, regex in self._regexes:
            if index >= found:
                break
            if regex.fullmatch(path):
                found = index
                break
        return found if found < len(self._values) else _NO_MATCH
