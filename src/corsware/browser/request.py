"""What fetch() sends: the method and headers script may set, and whether a preflight goes first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "HTTP_WHITESPACE",
    "BrowserRequest",
    "Headers",
    "is_forbidden_request_header",
    "is_safelisted_method",
    "is_safelisted_request_header",
    "is_token",
    "needs_preflight",
    "normalize_method",
    "preflight_request_headers",
    "unsafe_request_header_names",
]

Headers = Sequence[tuple[str, str]]

HTTP_WHITESPACE = "\t\n\r "
"""https://fetch.spec.whatwg.org/#http-whitespace, stripped from header values."""

_TOKEN_CHARS = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
# https://fetch.spec.whatwg.org/#cors-unsafe-request-header-byte
_UNSAFE_BYTES = frozenset(
    [chr(c) for c in range(0x20) if chr(c) != "\t"] + list('"():<>?@[\\]{}') + ["\x7f"]
)
# https://fetch.spec.whatwg.org/#cors-safelisted-request-header (accept-language, content-language)
_LANGUAGE_CHARS = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ *,-.;=")
_SAFELISTED_CONTENT_TYPES = frozenset(
    ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"]
)
_SAFELISTED_METHODS = frozenset(["GET", "HEAD", "POST"])
# https://fetch.spec.whatwg.org/#concept-method-normalize
_NORMALIZED_METHODS = frozenset(["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"])
_FORBIDDEN_METHODS = frozenset(["CONNECT", "TRACE", "TRACK"])
# https://fetch.spec.whatwg.org/#forbidden-request-header: the browser sets these, script cannot.
_FORBIDDEN_REQUEST_HEADERS = frozenset(
    [
        "accept-charset",
        "accept-encoding",
        "access-control-request-headers",
        "access-control-request-method",
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
    ]
)
_METHOD_OVERRIDE_HEADERS = frozenset(["x-http-method", "x-http-method-override", "x-method-override"])
_SAFELISTED_VALUE_BUDGET = 1024
_SAFELISTED_VALUE_LIMIT = 128


@dataclass(frozen=True, slots=True, kw_only=True)
class BrowserRequest:
    """What a page asks `fetch()` for: the request before the browser adds anything.

    Attributes:
        url: the absolute http(s) URL fetched.
        origin: the page's serialized origin, e.g. ``"http://localhost:3000"``.
        method: the method as passed to fetch() (normalized by `simulate`).
        headers: the author request headers, in order.
        credentials: True for ``credentials: 'include'`` (cookies, HTTP auth, client certificates).
        target_address_space: ``"private"`` or ``"local"`` when a public page calls a more private
            address (Chromium's Private Network Access preflight), else None.
    """

    url: str
    origin: str
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()
    credentials: bool = False
    target_address_space: str | None = None


def is_token(value: str) -> bool:
    """Whether ``value`` is an HTTP token (https://httpwg.org/specs/rfc9110.html#tokens)."""
    return bool(value) and set(value) <= _TOKEN_CHARS


def normalize_method(method: str) -> str:
    """Normalize a method as fetch() does, refusing the forbidden ones.

    Raises:
        ValueError: the method is not a token or is CONNECT, TRACE or TRACK (fetch() throws).
    """
    if not is_token(method):
        raise ValueError(f"{method!r} is not a valid HTTP method")
    upper = method.upper()
    if upper in _FORBIDDEN_METHODS:
        raise ValueError(f"fetch() refuses the forbidden method {method!r}")
    # https://fetch.spec.whatwg.org/#concept-method-normalize: only these six are upper-cased.
    return upper if upper in _NORMALIZED_METHODS else method


def is_safelisted_method(method: str) -> bool:
    """Whether a (normalized) method is a CORS-safelisted method: GET, HEAD or POST."""
    return method in _SAFELISTED_METHODS


def is_forbidden_request_header(name: str, value: str) -> bool:
    """Whether script cannot set this header (the browser drops it from fetch())."""
    lower = name.lower()
    if lower in _FORBIDDEN_REQUEST_HEADERS or lower.startswith(("proxy-", "sec-")):
        return True
    if lower in _METHOD_OVERRIDE_HEADERS:
        return any(item.strip().upper() in _FORBIDDEN_METHODS for item in value.split(","))
    return False


def _byte_length(value: str) -> int:
    return len(value.encode("utf-8", "surrogateescape"))


def _mime_essence(value: str) -> str | None:
    # https://mimesniff.spec.whatwg.org/#parse-a-mime-type, up to the essence; parameters can
    # never make parsing fail, which is why "text/plain;garbage" stays safelisted.
    value = value.strip(HTTP_WHITESPACE)
    type_, slash, rest = value.partition("/")
    if not slash or not is_token(type_):
        return None
    subtype = rest.partition(";")[0].rstrip(HTTP_WHITESPACE)
    if not is_token(subtype):
        return None
    return f"{type_}/{subtype}".lower()


def _is_simple_range(value: str) -> bool:
    # https://fetch.spec.whatwg.org/#simple-range-header-value, without whitespace, and
    # "bytes=-500" (no start) is not safelisted.
    if not value.startswith("bytes="):
        return False
    start, dash, end = value[6:].partition("-")
    if not dash or not start.isascii() or not start.isdigit():
        return False
    if not end:
        return True
    return end.isascii() and end.isdigit() and int(start) <= int(end)


def is_safelisted_request_header(name: str, value: str) -> bool:
    """Whether ``(name, value)`` is a CORS-safelisted request-header (before the 1024-byte budget).

    https://fetch.spec.whatwg.org/#cors-safelisted-request-header
    """
    if _byte_length(value) > _SAFELISTED_VALUE_LIMIT:
        return False
    lower = name.lower()
    if lower == "accept":
        return not set(value) & _UNSAFE_BYTES
    if lower in ("accept-language", "content-language"):
        return set(value) <= _LANGUAGE_CHARS
    if lower == "content-type":
        if set(value) & _UNSAFE_BYTES:
            return False
        return _mime_essence(value) in _SAFELISTED_CONTENT_TYPES
    if lower == "range":
        return _is_simple_range(value)
    return False


def unsafe_request_header_names(headers: Headers) -> tuple[str, ...]:
    """The CORS-unsafe request-header names: lower case, deduplicated, sorted.

    https://fetch.spec.whatwg.org/#cors-unsafe-request-header-names: safelisted headers whose
    values add up to more than 1024 bytes all become unsafe.
    """
    unsafe: set[str] = set()
    potentially_unsafe: set[str] = set()
    budget = 0
    for name, value in headers:
        if is_safelisted_request_header(name, value):
            potentially_unsafe.add(name.lower())
            budget += _byte_length(value)
        else:
            unsafe.add(name.lower())
    if budget > _SAFELISTED_VALUE_BUDGET:
        unsafe |= potentially_unsafe
    return tuple(sorted(unsafe))


def needs_preflight(request: BrowserRequest) -> bool:
    """Whether the browser sends a CORS-preflight request before ``request``.

    https://fetch.spec.whatwg.org/#main-fetch: a method that is not safelisted, or any CORS-unsafe
    request header; Chromium's Private Network Access preflights even simple requests.
    """
    return (
        not is_safelisted_method(request.method)
        or bool(unsafe_request_header_names(request.headers))
        or request.target_address_space is not None
    )


def preflight_request_headers(request: BrowserRequest) -> tuple[tuple[str, str], ...]:
    """The headers of the preflight the browser sends for ``request`` (no cookies, no auth).

    https://fetch.spec.whatwg.org/#cors-preflight-fetch steps 1-5: names joined by "," without a
    space, which intentionally is not "combine".
    """
    headers = [
        ("Accept", "*/*"),
        ("Origin", request.origin),
        ("Access-Control-Request-Method", request.method),
    ]
    unsafe = unsafe_request_header_names(request.headers)
    if unsafe:
        headers.append(("Access-Control-Request-Headers", ",".join(unsafe)))
    if request.target_address_space is not None:
        headers.append(("Access-Control-Request-Private-Network", "true"))
    headers.append(("Sec-Fetch-Mode", "cors"))
    return tuple(headers)
