"""Origins: the pattern grammar of the configuration, and matching a request's Origin against it."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final

from corsware.headers import escape
from corsware.hosts import canonical_ipv4, canonical_ipv6, ends_in_a_number, suggested_ascii_domain

__all__ = [
    "MAX_ORIGIN_LENGTH",
    "OriginMatcher",
    "OriginPattern",
    "parse_origin_pattern",
    "split_origin",
]

logger = logging.getLogger("corsware")

# Longer than any origin a browser can send (a 253-byte host, a scheme and a port); anything longer
# is rejected before any other work is done on it.
MAX_ORIGIN_LENGTH: Final = 512

_DEFAULT_PORTS: Final = {"http": "80", "https": "443", "ws": "80", "wss": "443"}

# HTML §"ASCII serialization of an origin": lower-case scheme and host, no default port, nothing after
# the port. Hosts may carry `_` and a trailing dot, which browsers emit although the ABNF forbids them.
# Each group's alternatives are disjoint, so matching is linear in the (already bounded) length.
_SCHEME = r"[a-z][a-z0-9+.\-]*"
_DOMAIN = r"[a-z0-9_\-]+(?:\.[a-z0-9_\-]+)*\.?"
_HOST = rf"\[[0-9a-f:.]+\]|{_DOMAIN}"
_PORT = r"[1-9][0-9]{0,4}"
_REQUEST_ORIGIN: Final = re.compile(rf"({_SCHEME})://({_HOST})(?::({_PORT}))?")

_REGEX_SYNTAX: Final = frozenset("^$\\()|{}")
# The configuration accepts exactly the domains the request side does, so that an origin a browser
# can send can also be listed (labels may start or end with "-", as URL parsing allows).
_CONFIG_DOMAIN: Final = re.compile(_DOMAIN)


def split_origin(origin: str) -> tuple[str, str, str | None] | None:
    """Split a request's serialised origin into scheme, host and port, or ``None`` if malformed.

    Bounded: values over :data:`MAX_ORIGIN_LENGTH` are rejected unread. Only what a browser can emit
    passes, so a value with whitespace, control characters, upper case, a path or userinfo never
    reaches a matcher, let alone a response header.
    """
    if len(origin) > MAX_ORIGIN_LENGTH:
        return None
    match = _REQUEST_ORIGIN.fullmatch(origin)
    if match is None:
        return None
    scheme, host, port = match.groups()
    if port is not None and (int(port) > 65535 or _DEFAULT_PORTS.get(scheme) == port):  # noqa: PLR2004
        # Browsers leave the default port out (HTML §"ASCII serialization of an origin").
        return None
    if host[0] == "[" or ends_in_a_number(host):
        # Browsers serialise IP hosts canonically (URL §"Host serializing"): `127.0.0.1`, `[::1]`.
        # A host the URL parser would read as IPv4 (`0x7f000001`, `1.2.3.0x4`) or any other form
        # was written by hand, so it must not reach a regex or callable, let alone a response.
        canonical = canonical_ipv6(host[1:-1]) if host[0] == "[" else canonical_ipv4(host)
        if canonical is None or (canonical if host[0] != "[" else f"[{canonical}]") != host:
            return None
    return scheme, host, port


@dataclass(frozen=True, slots=True)
class OriginPattern:
    """One parsed origin pattern from the configuration.

    Attributes:
        scheme: The scheme, such as ``"https"``.
        host: The host, or for a subdomain wildcard the domain below the ``*.``.
        port: The explicit port, or ``None`` for the scheme's default.
        any_subdomain: ``https://*.example.com``: any subdomain of ``host`` at any depth, never ``host``.
        any_port: ``http://localhost:*``: any port, including the default.
    """

    scheme: str
    host: str
    port: str | None
    any_subdomain: bool
    any_port: bool

    @property
    def is_exact(self) -> bool:
        """Whether the pattern stands for exactly one origin."""
        return not (self.any_subdomain or self.any_port)

    def serialise(self) -> str:
        """The pattern written back in the configuration grammar."""
        host = f"*.{self.host}" if self.any_subdomain else self.host
        if self.any_port:
            return f"{self.scheme}://{host}:*"
        if self.port is not None:
            return f"{self.scheme}://{host}:{self.port}"
        return f"{self.scheme}://{host}"


def parse_origin_pattern(text: str) -> OriginPattern | tuple[str, str]:
    """Parse one origin string of the configuration (not ``"*"`` or ``"null"``).

    Returns the pattern, or a ``(message, fix)`` pair saying what is wrong. Nothing is guessed: a string
    is an exact origin, a ``*.`` subdomain wildcard or a ``:*`` port wildcard, or it is an error.
    """
    if not text:
        return "is empty", "remove it, or write an origin such as 'https://app.example.com'"
    if "," in text:
        return "is several origins in one string", "pass a list with one origin per item"
    if any(character.isspace() for character in text):
        return "contains whitespace", f"write {''.join(text.split())!r}"
    if _REGEX_SYNTAX.intersection(text) or ".*" in text:
        return (
            "uses regular-expression syntax in a plain string",
            "pass re.compile(...) for a regular expression, or use 'https://*.example.com'"
            " or 'http://localhost:*'",
        )
    scheme, separator, rest = text.partition("://")
    if not separator:
        return "has no scheme", f"write it as a browser sends it, e.g. 'https://{text.lstrip('/')}'"
    if scheme != scheme.lower() or (rest.isascii() and rest != rest.lower()):
        return (
            "is not lower case, so it never equals what a browser sends",
            f"write {text.lower()!r}",
        )
    if not re.fullmatch(_SCHEME, scheme):
        return "has an invalid scheme", "write a scheme such as 'https'"
    if scheme == "file":
        return (
            "is a file: origin, which browsers send as 'null'",
            "list 'null' explicitly if you must (it is unsafe)",
        )
    authority, slash, _ = rest.partition("/")
    if slash:
        return (
            "has a path or trailing slash, which an Origin header never carries",
            f"write {scheme + '://' + authority!r}",
        )
    if "?" in authority or "#" in authority or "@" in authority:
        return "has a query, fragment or user name", "write only scheme://host[:port]"
    return _parse_authority(text, scheme, authority)


def _parse_authority(text: str, scheme: str, authority: str) -> OriginPattern | tuple[str, str]:
    host, port = _split_port(authority)
    any_port = port == "*"
    if port is not None and not any_port:
        if not re.fullmatch(_PORT, port) or int(port) > 65535:  # noqa: PLR2004
            return "has an invalid port", "use a port from 1 to 65535 without leading zeros"
        if _DEFAULT_PORTS.get(scheme) == port:
            return (
                f"names the default port {port}, which browsers leave out of the Origin header",
                f"write {text.rsplit(':', 1)[0]!r}",
            )
    any_subdomain = host.startswith("*.")
    if any_subdomain:
        host = host[2:]
    if "*" in host:
        return (
            "has a '*' that is not a whole leading label or the whole port",
            "use 'https://*.example.com' for subdomains or 'http://localhost:*' for any port",
        )
    problem = _check_host(host, any_subdomain)
    if problem is not None:
        return problem
    return OriginPattern(scheme, host, None if any_port else port, any_subdomain, any_port)


def _split_port(authority: str) -> tuple[str, str | None]:
    if "[" in authority:
        host, bracket, rest = authority.partition("]")
        # Only `:port` may follow the address; `[::1]*` or `[::1]80` stays one host and is refused.
        return (host + bracket, rest[1:]) if rest.startswith(":") else (authority, None)
    host, colon, port = authority.rpartition(":")
    return (host, port) if colon else (authority, None)


def _check_host(host: str, any_subdomain: bool) -> tuple[str, str] | None:
    if not host.isascii():
        return (
            "has a non-ASCII host; browsers send it in punycode",
            f"write the host as {suggested_ascii_domain(host)!r}",
        )
    if host.startswith("[") and not host.endswith("]"):
        return "has text after the IPv6 address that is not ':port'", "write it as '[::1]:8080'"
    if host.startswith("["):
        canonical = canonical_ipv6(host[1:-1])
        if canonical is None:
            return "has an invalid IPv6 address", "write a bracketed address such as '[::1]'"
        canonical = f"[{canonical}]"
    elif _CONFIG_DOMAIN.fullmatch(host) is None:
        return "has an invalid host", "write a host name such as 'app.example.com'"
    elif ends_in_a_number(host):
        # URL §"ends in a number checker": browsers read this host as IPv4 and send its dotted quad.
        canonical = canonical_ipv4(host)
        if canonical is None:
            return "has an invalid IPv4 address", "write a dotted-quad address such as '127.0.0.1'"
    else:
        return None
    if any_subdomain:
        return "puts a subdomain wildcard on an IP address", "list the address itself"
    if canonical != host:
        kind = "IPv6" if host.startswith("[") else "IPv4"
        return f"has a non-canonical {kind} address", f"write it as browsers do: {canonical!r}"
    return None


class OriginMatcher:
    """Decides whether a request's ``Origin`` value is allowed; built once from validated patterns.

    Exact origins are a set lookup on the raw header value (the set holds only canonical origins, so a
    hit needs no parsing); everything else is parsed once and matched by host suffix, so the cost does
    not grow with the number of configured origins.
    """

    __slots__ = ("_any", "_any_port", "_exact", "_predicate", "_regexes", "_subdomains")

    def __init__(
        self,
        *,
        any_origin: bool = False,
        patterns: Iterable[OriginPattern] = (),
        null: bool = False,
        regexes: Iterable[re.Pattern[str]] = (),
        predicate: Callable[[str], bool] | None = None,
    ) -> None:
        """Compile the matcher: ``any_origin`` for ``"*"``, ``null`` when ``"null"`` is listed."""
        self._any = any_origin
        exact: set[str] = {"null"} if null else set()
        any_port: set[tuple[str, str]] = set()
        subdomains: dict[str, list[tuple[str, str | None, bool]]] = {}
        for pattern in patterns:
            if pattern.any_subdomain:
                subdomains.setdefault(pattern.host, []).append(
                    (pattern.scheme, pattern.port, pattern.any_port)
                )
            elif pattern.any_port:
                any_port.add((pattern.scheme, pattern.host))
            else:
                exact.add(pattern.serialise())
        self._exact = frozenset(exact)
        self._any_port = frozenset(any_port)
        self._subdomains = {domain: tuple(entries) for domain, entries in subdomains.items()}
        self._regexes = tuple(regexes)
        self._predicate = predicate

    def allows(self, origin: str) -> bool:
        """Whether ``origin`` (the raw request header value) is allowed. Never raises."""
        # "*" (never combined with credentials) answers every value alike, "null" and malformed ones
        # included: the response is public, so refusing some of them would protect nothing.
        if self._any or origin in self._exact:
            return True
        # Otherwise "null" is allowed only when listed, never by a wildcard, a regex or a callable.
        if origin == "null":
            return False
        parts = split_origin(origin)
        if parts is None:
            return False
        scheme, host, port = parts
        if (scheme, host) in self._any_port:
            return True
        if self._subdomains and self._matches_subdomain(scheme, host, port):
            return True
        for regex in self._regexes:
            if regex.fullmatch(origin):
                return True
        if self._predicate is not None:
            return _ask(self._predicate, origin)
        return False

    def _matches_subdomain(self, scheme: str, host: str, port: str | None) -> bool:
        dot = host.find(".")
        while dot >= 0:
            for entry_scheme, entry_port, any_port in self._subdomains.get(host[dot + 1 :], ()):
                if entry_scheme == scheme and (any_port or entry_port == port):
                    return True
            dot = host.find(".", dot + 1)
        return False


def _ask(predicate: Callable[[str], bool], origin: str) -> bool:
    try:
        return bool(predicate(origin))
    except Exception:
        # A failing user callable must not turn into a 500 or an open door: fail closed.
        logger.exception(
            "origins callable raised for origin %s; treating it as not allowed", escape(origin)
        )
        return False
