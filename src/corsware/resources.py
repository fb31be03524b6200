"""Resources: URL path patterns, and finding the first one that covers a request's path."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Generic, TypeVar

__all__ = [
    "PathPattern",
    "ResourceMap",
    "parse_path_pattern",
    "pattern_text",
    "resolve_dot_segments",
    "shown_pattern",
    "wsgi_path",
]

T = TypeVar("T")

_NO_MATCH: Final = -1
# Resolving dot segments walks every segment in Python, so it is done only for paths that have one and
# at most this many segments; a deeper path with a dot segment never came from a browser (URL parsing
# removes them) and is granted nothing. Finding out costs one regex scan and no allocation.
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
            "contains '.' or '..' segments, which browsers remove from a URL before sending it",
            f"write {suggestion!r}",
        )
    return PathPattern(text, base, prefix)


def resolve_dot_segments(path: str) -> str:
    """Resolve ``.`` and ``..`` segments as RFC 3986 §5.2.4 does: ``/public/../admin`` is ``/admin``.

    Empty segments (``//``) are kept, as routers see them.
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


def wsgi_path(path_info: str) -> str:
    """The path a router matches, from ``PATH_INFO`` as PEP 3333 delivers it.

    Servers put the URL-decoded path bytes into ``PATH_INFO`` as latin-1 (PEP 3333 §"Unicode
    Issues"), so ``/café`` arrives as ``'/cafÃ©'``; Flask, Django and Pyramid decode those bytes as
    UTF-8 before routing, and so does corsware, so that a pattern written ``"/api/café/*"`` covers what
    they route there. Bytes that are not UTF-8 become U+FFFD, as in Werkzeug. A ``PATH_INFO`` that
    holds more than latin-1 came from a server that decoded it already, and is used as it is.
    """
    if path_info.isascii():
        return path_info
    try:
        raw = path_info.encode("latin-1")
    except UnicodeEncodeError:
        return path_info
    return raw.decode("utf-8", "replace")


def pattern_text(pattern: str | re.Pattern[str]) -> str:
    """A resource pattern as written: a compiled regex by its ``.pattern``."""
    return pattern if isinstance(pattern, str) else pattern.pattern


def shown_pattern(pattern: object) -> object:
    """A resource pattern as the user wrote it, valid or not: a compiled regex by its ``.pattern``."""
    return pattern.pattern if isinstance(pattern, re.Pattern) else pattern


class ResourceMap(Generic[T]):
    """Finds the resource whose policy applies to a path: the first, in the order given, that matches.

    The literal path decides, as it does for the router: ``/internal/..%2Fpublic/x`` arrives as
    ``PATH_INFO=/internal/../public/x`` and is routed under ``/internal/``. Where the path's dot
    segments lead to a different resource than the literal path selects, ``conflict`` is returned
    instead, so the request gets no more than either reading would grant; where the literal path
    matches no resource, nothing does.

    String patterns are found with a few dictionary lookups, one per leading path segment up to the
    deepest configured pattern, so the cost does not grow with the number of patterns; regular
    expressions are tried in order only while they could still come first.
    """

    __slots__ = ("_conflict", "_depth", "_exact", "_prefixes", "_regexes", "_values")

    def __init__(self, entries: Sequence[tuple[str | re.Pattern[str], T]], conflict: T) -> None:
        """Compile validated ``(pattern, value)`` entries; earlier entries win."""
        self._values = tuple(value for _, value in entries)
        self._conflict = conflict
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

    def resource_for(self, path: str) -> T | None:
        """The value for a decoded path, such as ``/api/café/x``; ``conflict`` or ``None`` as above.

        The work is bounded whatever the path: dot segments are looked for with one scan, and
        resolved only in paths of at most 256 segments (deeper ones with a dot segment get
        ``conflict``, since URL parsing in browsers removes every dot segment).
        """
        index = self._find(path or "/")
        if index == _NO_MATCH:
            return None
        if _DOT_SEGMENT.search(path) is not None and (
            path.count("/") > _MAX_RESOLVED_SEGMENTS or self._find(resolve_dot_segments(path)) != index
        ):
            return self._conflict
        return self._values[index]

    def first_match(self, path: str) -> T | None:
        """The value of the first resource whose pattern matches ``path`` as written, if any."""
        index = self._find(path or "/")
        return None if index == _NO_MATCH else self._values[index]

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
