"""What the browser accepts: the CORS and preflight checks, readable headers, preflight caching."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from corsware.browser import messages
from corsware.browser.messages import Failure
from corsware.browser.request import (
    HTTP_WHITESPACE,
    BrowserRequest,
    Headers,
    is_safelisted_method,
    is_token,
    unsafe_request_header_names,
)

__all__ = [
    "CHROMIUM_MAX_AGE",
    "DEFAULT_MAX_AGE",
    "REDIRECT_STATUSES",
    "Response",
    "authorization_covered_by_wildcard",
    "cors_check",
    "exposed_header_names",
    "get_header",
    "parse_header_list",
    "preflight_cache_seconds",
    "preflight_check",
]

REDIRECT_STATUSES = frozenset([301, 302, 303, 307, 308])
"""https://fetch.spec.whatwg.org/#redirect-status"""

DEFAULT_MAX_AGE = 5
"""Seconds a passed preflight is cached without ``Access-Control-Max-Age`` (Fetch, CORS-preflight
fetch step 8)."""

CHROMIUM_MAX_AGE = 7200
"""Chromium's cap on ``Access-Control-Max-Age``: two hours since Chromium 76."""

# https://fetch.spec.whatwg.org/#cors-safelisted-response-header-name
_SAFELISTED_RESPONSE_HEADERS = frozenset(
    [
        "cache-control",
        "content-language",
        "content-length",
        "content-type",
        "expires",
        "last-modified",
        "pragma",
    ]
)
_FORBIDDEN_RESPONSE_HEADERS = frozenset(["set-cookie", "set-cookie2"])
_SPECIAL_SCHEMES = frozenset(["ftp", "http", "https", "ws", "wss"])
_OK_STATUSES = range(200, 300)


@dataclass(frozen=True, slots=True)
class Response:
    """A response: the status code, the header list in order, and the start of a text body.

    The browser never shows a blocked response's body to script; `corsware check` shows it to
    the developer, since a rejected preflight's body often says why (corsware's does).
    """

    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: str = ""


def get_header(headers: Headers, name: str) -> str | None:
    """Fetch's "get": every value of ``name`` joined by ", ", or None when absent.

    https://fetch.spec.whatwg.org/#concept-header-list-get; so two identical
    ``Access-Control-Allow-Origin`` headers become one value that matches nothing.
    """
    lower = name.lower()
    values = [value.strip(HTTP_WHITESPACE) for key, value in headers if key.lower() == lower]
    return ", ".join(values) if values else None


def parse_header_list(value: str | None) -> tuple[str, ...] | None:
    """Extract a ``#token`` list (ACAM, ACAH, ACEH): items, or None when an item is not a token.

    Empty items are skipped, as in Chromium's ``ParseAccessControlAllowList``.
    """
    if value is None:
        return ()
    items = [item.strip(HTTP_WHITESPACE) for item in value.split(",")]
    items = [item for item in items if item]
    if not all(is_token(item) for item in items):
        return None
    return tuple(items)


def cors_check(
    origin: str, headers: Headers, *, credentials: bool, preflight: bool = False
) -> Failure | None:
    """The CORS check of one response: https://fetch.spec.whatwg.org/#cors-check.

    Distinguishes the failures the way Chromium's ``CheckAccess`` does, so that ``reason`` is the
    console text a developer searches for.
    """
    allow_origin = get_header(headers, "Access-Control-Allow-Origin")
    if allow_origin == "*":
        if not credentials:
            return None
        return messages.wildcard_origin_not_allowed(origin, preflight=preflight)
    if allow_origin is None:
        return messages.missing_allow_origin(origin, preflight=preflight)
    if allow_origin != origin:
        return _origin_mismatch(origin, allow_origin, preflight)
    if credentials:
        allow_credentials = get_header(headers, "Access-Control-Allow-Credentials")
        # Case-sensitive: https://fetch.spec.whatwg.org/#http-new-header-syntax
        if allow_credentials != "true":
            return messages.invalid_allow_credentials(allow_credentials, preflight=preflight)
    return None


def _origin_mismatch(origin: str, allow_origin: str, preflight: bool) -> Failure:
    if " " in allow_origin or "," in allow_origin:
        return messages.multiple_allow_origin_values(allow_origin, preflight=preflight)
    if allow_origin != "null" and not _parses_as_url(allow_origin):
        return messages.invalid_allow_origin_value(origin, allow_origin, preflight=preflight)
    return messages.allow_origin_mismatch(origin, allow_origin, preflight=preflight)


def _parses_as_url(value: str) -> bool:
    # Chromium tells "invalid value" from "not equal" by whether GURL parses the value: it needs a
    # scheme, and a host after it for the special schemes ("localhost:3000" is scheme localhost).
    scheme, colon, rest = value.partition(":")
    if not colon or not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", scheme):
        return False
    if scheme.lower() not in _SPECIAL_SCHEMES:
        return True
    authority = re.split(r"[/?#]", rest.lstrip("/\\"), maxsplit=1)[0]
    return bool(authority.rpartition("@")[2])


def preflight_check(request: BrowserRequest, response: Response) -> Failure | None:
    """Whether the preflight response lets the actual request go, in Chromium's order.

    https://fetch.spec.whatwg.org/#cors-preflight-fetch step 7: the CORS check (with the actual
    request's credentials mode), an ok status, then the method and header lists.
    """
    status, headers = response.status, response.headers
    location = get_header(headers, "Location")
    if status in REDIRECT_STATUSES and location is not None:
        return messages.preflight_disallowed_redirect(status, location)
    failure = cors_check(request.origin, headers, credentials=request.credentials, preflight=True)
    if failure is not None and failure.code == "missing-allow-origin":
        unsafe = unsafe_request_header_names(request.headers)
        fix = messages.refused_preflight_fix(request.origin, request.method, unsafe, status)
        return replace(failure, fix=fix)
    if failure is not None:
        return failure
    if status not in _OK_STATUSES:  # https://fetch.spec.whatwg.org/#ok-status
        return messages.preflight_invalid_status(status)
    failure = _private_network_check(request, headers)
    if failure is not None:
        return failure
    methods = parse_header_list(get_header(headers, "Access-Control-Allow-Methods"))
    if methods is None:
        return messages.unparsable_allow_list("Access-Control-Allow-Methods")
    allowed_headers = parse_header_list(get_header(headers, "Access-Control-Allow-Headers"))
    if allowed_headers is None:
        return messages.unparsable_allow_list("Access-Control-Allow-Headers")
    failure = _method_check(request, methods)
    if failure is not None:
        return failure
    return _header_check(request, allowed_headers)


def _private_network_check(request: BrowserRequest, headers: Headers) -> Failure | None:
    if request.target_address_space is None:
        return None
    # https://wicg.github.io/private-network-access/#cors-preflight, as Chromium enforced it.
    value = get_header(headers, "Access-Control-Allow-Private-Network")
    space = request.target_address_space
    if value is None:
        return messages.missing_allow_private_network(space)
    if value != "true":
        return messages.invalid_allow_private_network(space, value)
    return None


def _method_check(request: BrowserRequest, methods: tuple[str, ...]) -> Failure | None:
    method = request.method
    # Case-sensitive membership, as the spec and wpt require (Chromium's legacy upper-casing
    # is being removed, crbug.com/1228178).
    if method in methods or is_safelisted_method(method):
        return None
    if "*" in methods and not request.credentials:
        return None
    return messages.method_disallowed(method, star_is_literal="*" in methods)


def _header_check(request: BrowserRequest, allowed: tuple[str, ...]) -> Failure | None:
    allowed_lower = {name.lower() for name in allowed}
    wildcard = "*" in allowed_lower and not request.credentials
    # '*' covering Authorization is the spec's failure but browsers' reality: see
    # `authorization_covered_by_wildcard`, which reports it as a warning.
    if wildcard:
        return None
    for name in unsafe_request_header_names(request.headers):
        if name not in allowed_lower:
            return messages.header_disallowed(name, star_is_literal="*" in allowed_lower)
    return None


def authorization_covered_by_wildcard(request: BrowserRequest, response: Response) -> bool:
    """Whether a passed preflight lets Authorization through only by ``Access-Control-Allow-Headers: *``.

    https://fetch.spec.whatwg.org/#cors-non-wildcard-request-header-name says '*' never covers
    Authorization, but Chromium (156 checked), Firefox and WebKit (the engine of Safari) still allow it
    (whatwg/fetch#1919); Chromium reports it as the deprecation ``AuthorizationCoveredByWildcard``.
    So `simulate` allows the request, as browsers do, with a warning.
    """
    allowed = parse_header_list(get_header(response.headers, "Access-Control-Allow-Headers")) or ()
    allowed_lower = {name.lower() for name in allowed}
    return (
        "*" in allowed_lower
        and "authorization" not in allowed_lower
        and any(name.lower() == "authorization" for name, _ in request.headers)
    )


def preflight_cache_seconds(
    headers: Headers, *, cap: int = CHROMIUM_MAX_AGE, unparsable: int = DEFAULT_MAX_AGE
) -> int:
    """How long a passed preflight is cached, from ``Access-Control-Max-Age``; Chromium's by default.

    https://fetch.spec.whatwg.org/#cors-preflight-fetch step 8: absent (or empty) means 5 s, and the
    browser imposes its own `cap`. A negative value caches nothing in every engine. For any other
    value that is not ``delta-seconds`` the spec says 5 s, as Chromium and WebKit do; Firefox caches
    nothing (`unparsable` = 0). `corsware.browser.engines` holds each engine's two numbers.
    """
    value = get_header(headers, "Access-Control-Max-Age")
    if not value:
        return DEFAULT_MAX_AGE
    digits = value.removeprefix("-")
    if not digits.isascii() or not digits.isdigit():
        return unparsable
    if value.startswith("-"):
        return 0
    # Compared by length first: int() refuses strings of more than 4300 digits.
    significant = digits.lstrip("0")
    if len(significant) > len(str(cap)):
        return cap
    return min(int(significant or "0"), cap)


def exposed_header_names(headers: Headers, *, credentials: bool) -> frozenset[str]:
    """The lower-case names of the response headers script may read with ``response.headers``.

    https://fetch.spec.whatwg.org/#cors-safelisted-response-header-name: the safelisted names plus
    ``Access-Control-Expose-Headers`` (whose '*' means all only without credentials), never
    Set-Cookie.
    """
    exposed = parse_header_list(get_header(headers, "Access-Control-Expose-Headers")) or ()
    names = {key.lower() for key, _ in headers}
    listed = {item.lower() for item in exposed}
    if "*" in listed and not credentials:
        readable = set(names)
    else:
        readable = names & (listed | _SAFELISTED_RESPONSE_HEADERS)
    return frozenset(readable - _FORBIDDEN_RESPONSE_HEADERS)
