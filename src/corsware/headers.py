"""HTTP header names, grammar checks, bounded request-header parsing and response-header rewriting."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

__all__ = [
    "ACCESS_CONTROL_ALLOW_CREDENTIALS",
    "ACCESS_CONTROL_ALLOW_HEADERS",
    "ACCESS_CONTROL_ALLOW_METHODS",
    "ACCESS_CONTROL_ALLOW_ORIGIN",
    "ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK",
    "ACCESS_CONTROL_EXPOSE_HEADERS",
    "ACCESS_CONTROL_MAX_AGE",
    "ACCESS_CONTROL_REQUEST_HEADERS",
    "ACCESS_CONTROL_REQUEST_METHOD",
    "ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK",
    "FORBIDDEN_METHODS",
    "FORBIDDEN_REQUEST_HEADERS",
    "MAX_HEADER_LIST_LENGTH",
    "MAX_HEADER_LIST_NAMES",
    "OWNED_NAME_INITIALS",
    "SAFELISTED_METHODS",
    "escape",
    "is_token",
    "parse_header_names",
    "rewrite_response_headers",
]

ACCESS_CONTROL_ALLOW_ORIGIN: Final = "Access-Control-Allow-Origin"
ACCESS_CONTROL_ALLOW_CREDENTIALS: Final = "Access-Control-Allow-Credentials"
ACCESS_CONTROL_ALLOW_METHODS: Final = "Access-Control-Allow-Methods"
ACCESS_CONTROL_ALLOW_HEADERS: Final = "Access-Control-Allow-Headers"
ACCESS_CONTROL_EXPOSE_HEADERS: Final = "Access-Control-Expose-Headers"
ACCESS_CONTROL_MAX_AGE: Final = "Access-Control-Max-Age"
ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK: Final = "Access-Control-Allow-Private-Network"
ACCESS_CONTROL_REQUEST_METHOD: Final = "Access-Control-Request-Method"
ACCESS_CONTROL_REQUEST_HEADERS: Final = "Access-Control-Request-Headers"
ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK: Final = "Access-Control-Request-Private-Network"

# Fetch §"Methods": a CORS-safelisted method never needs to be listed in Access-Control-Allow-Methods.
SAFELISTED_METHODS: Final = frozenset({"GET", "HEAD", "POST"})
# Fetch §"Methods": forbidden methods, matched byte-case-insensitively; no browser sends them.
FORBIDDEN_METHODS: Final = frozenset({"CONNECT", "TRACE", "TRACK"})
# Fetch §"Terminology: headers": set only by the browser, so never found in a preflight's header list.
FORBIDDEN_REQUEST_HEADERS: Final = frozenset(
    {
        "accept-charset",
        "accept-encoding",
        "access-control-request-headers",
        "access-control-request-method",
        "access-control-request-private-network",
        "connection",
        "content-length",
        "cookie",
        "cookie2",
        "date",
        "dnt",
        "expect",
        "host",
        "keep-alive",
        "origin",
        "referer",
        "set-cookie",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "via",
    }
)

# Bounds on Access-Control-Request-Headers, so that parsing costs the same small amount whatever a
# client sends (the rs/cors#170 class: 127 ms and 121 MB for one request full of commas).
MAX_HEADER_LIST_LENGTH: Final = 16 * 1024
MAX_HEADER_LIST_NAMES: Final = 1024

# RFC 9110 §5.6.2: token = 1*tchar.
_TOKEN: Final = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# A list of tokens with optional whitespace; one character class, so matching is linear.
_LIST_CHARACTERS: Final = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z, \t]*")
_MAX_TOKEN_LENGTH: Final = 256
# The first letters, in either case, of every response header name rewrite_response_headers changes
# ("Access-Control-*", "Vary"). When no name starts with one, the rewrite is a plain concatenation,
# which a first-letter test finds out far more cheaply than lower-casing each name.
OWNED_NAME_INITIALS: Final = "AaVv"
_LOG_VALUE_LIMIT: Final = 200


def is_token(value: str) -> bool:
    """Whether ``value`` is an RFC 9110 token (a method or header name) of sane length."""
    return len(value) <= _MAX_TOKEN_LENGTH and _TOKEN.fullmatch(value) is not None


def parse_header_names(value: str) -> tuple[str, ...] | None:
    """Parse an ``Access-Control-Request-Headers`` value into lower-case header names.

    Browsers send the names lower-cased, sorted and joined by ``,`` (Fetch §"CORS-preflight fetch",
    step 5), but intermediaries may add whitespace or join repeated lines, so optional whitespace and
    empty items are tolerated. Returns ``None`` for anything malformed or over the size bounds; the
    work done is linear in ``len(value)``, which is itself bounded.
    """
    if (
        len(value) > MAX_HEADER_LIST_LENGTH
        or value.count(",") >= MAX_HEADER_LIST_NAMES
        or _LIST_CHARACTERS.fullmatch(value) is None
    ):
        return None
    names = []
    for item in value.lower().split(","):
        name = item.strip(" \t")
        if " " in name or "\t" in name:
            return None
        if name:
            names.append(name)
    return tuple(names)


def rewrite_response_headers(
    app_headers: list[tuple[str, str]], cors_headers: Sequence[tuple[str, str]]
) -> list[tuple[str, str]]:
    """The app's response headers with the middleware's CORS headers in place of the app's own.

    The middleware owns every ``Access-Control-*`` response header of a resource it covers: any the app
    set are dropped, so a browser never sees two ``Access-Control-Allow-Origin`` values (Fetch §"CORS
    check" fails on those). ``Vary`` from ``cors_headers`` is merged into the app's ``Vary`` rather than
    added beside it (Fetch §"CORS protocol and HTTP caches"; RFC 9110 §12.5.5), unless the app already
    varies on everything (``*``) or on those fields. A new list is returned: the app may reuse its own.
    """
    result: list[tuple[str, str]] = []
    vary_at: list[int] = []
    for name, value in app_headers:
        lowered = name.lower()
        if lowered.startswith("access-control-"):
            continue
        if lowered == "vary":
            vary_at.append(len(result))
        result.append((name, value))
    for name, value in cors_headers:
        if vary_at and name.lower() == "vary":
            _merge_vary(result, vary_at, value)
        else:
            result.append((name, value))
    return result


def _merge_vary(headers: list[tuple[str, str]], vary_at: list[int], ours: str) -> None:
    present = {item.strip().lower() for index in vary_at for item in headers[index][1].split(",")}
    if "*" in present:
        return
    missing = [item for item in ours.split(", ") if item.lower() not in present]
    if missing:
        name, value = headers[vary_at[0]]
        headers[vary_at[0]] = (
            name,
            ", ".join([value, *missing]) if value.strip() else ", ".join(missing),
        )


def escape(value: str | None) -> str:
    """Render an untrusted request value for a log line: quoted, ASCII-only, one line, bounded.

    ``ascii()`` escapes CR, LF and every other control or non-ASCII character, so a value can never
    start a forged log line (flask-cors CVE-2024-1681).
    """
    if value is None:
        return "(none)"
    if len(value) > _LOG_VALUE_LIMIT:
        return f"{value[:_LOG_VALUE_LIMIT]!a}...({len(value)} characters)"
    return ascii(value)
