"""The browser's side of the Fetch Standard's CORS protocol, as pure functions.

Given what a page asks for (origin, method, headers, credentials mode) and the status and header
list of each response, these functions decide what Chromium and Firefox decide: whether a preflight
request is needed and what it carries, whether the preflight check and the CORS check pass, which
response headers script may read, and, for each failure, the sentence Chromium prints to the console
and the fix to make. Nothing here does I/O: `simulate` takes the transport as a callable, so the CLI
runs the same engine over real HTTP (`corsware check`) and against a policy (`corsware explain`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import urljoin, urlsplit

__all__ = [
    "BrowserRequest",
    "Exchange",
    "Failure",
    "Response",
    "Transport",
    "Verdict",
    "authorization_covered_by_wildcard",
    "cors_check",
    "exposed_header_names",
    "get_header",
    "is_forbidden_request_header",
    "is_safelisted_method",
    "is_safelisted_request_header",
    "needs_preflight",
    "normalize_method",
    "parse_header_list",
    "preflight_cache_seconds",
    "preflight_check",
    "preflight_request_headers",
    "simulate",
    "unsafe_request_header_names",
]

Headers = Sequence[tuple[str, str]]

# The rules below deliberately repeat a few Fetch constants that corsware.headers also holds: this
# module is the browser-side oracle that `corsware check` holds the middleware to, so it shares no
# code with the server side, where a shared mistake would make both sides agree on it.

_TOKEN_CHARS = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_HTTP_WHITESPACE = "\t\n\r "
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
_REDIRECT_STATUSES = frozenset([301, 302, 303, 307, 308])
_SPECIAL_SCHEMES = frozenset(["ftp", "http", "https", "ws", "wss"])
_OK_STATUSES = range(200, 300)
_SEE_OTHER = 303
_POST_TO_GET_STATUSES = frozenset([301, 302])
_SAFELISTED_VALUE_BUDGET = 1024
_SAFELISTED_VALUE_LIMIT = 128
# Chromium's preflight cache: 5 s when absent or unparsable, 0 when negative, at most 2 h.
_DEFAULT_MAX_AGE = 5
_CHROMIUM_MAX_AGE = 7200
_MAX_REDIRECTS = 20
# Chromium's console wording, as Chromium 156 prints it for fetch(): checked against a headless
# Chromium for each failure that a loopback server can provoke.
_VALID_VALUE_HINT = " Have the server send the header with a valid value."
_PREFLIGHT_PREFIX = "Response to preflight request doesn't pass access control check: "
# Chromium prefixes only the failures of the preflight response itself (its IsPreflightError),
# not those found when comparing the request with the preflight's lists.
_UNPREFIXED_PREFLIGHT_FAILURES = frozenset(
    [
        "method-disallowed-by-preflight-response",
        "header-disallowed-by-preflight-response",
        "invalid-allow-methods-preflight-response",
        "invalid-allow-headers-preflight-response",
    ]
)


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


@dataclass(frozen=True, slots=True)
class Response:
    """A response: the status code, the header list in order, and the start of a text body.

    The browser never shows a blocked response's body to script; `corsware check` shows it to
    the developer, since a rejected preflight's body often says why (corsware's does).
    """

    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: str = ""


@dataclass(frozen=True, slots=True)
class Failure:
    """Why a browser blocks a request.

    Attributes:
        code: a stable identifier named after Chromium's ``CorsError``, e.g.
            ``"missing-allow-origin"``.
        preflight: True when the preflight response failed, False when the actual response did.
        reason: the sentence Chromium prints after "has been blocked by CORS policy: ".
        fix: what to change on the server (or the page) so that the browser allows the request.
    """

    code: str
    preflight: bool
    reason: str
    fix: str

    def console_message(self, url: str, origin: str, *, redirected_from: str | None = None) -> str:
        """The whole line Chromium logs to the console for a fetch() blocked by this failure."""
        redirect = f"(redirected from '{redirected_from}') " if redirected_from else ""
        prefixed = self.preflight and self.code not in _UNPREFIXED_PREFLIGHT_FAILURES
        prefix = _PREFLIGHT_PREFIX if prefixed else ""
        return (
            f"Access to fetch at '{url}' {redirect}from origin '{origin}' has been blocked by CORS "
            f"policy: {prefix}{self.reason}"
        )


@dataclass(frozen=True, slots=True)
class Exchange:
    """One HTTP round trip the simulated browser made."""

    kind: str  # "preflight" or "actual"
    method: str
    url: str
    request_headers: tuple[tuple[str, str], ...]
    response: Response


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the browser does with a request, and why.

    Attributes:
        request: the request as simulated (method normalized, forbidden headers dropped).
        allowed: True when script receives the response.
        preflight_needed: whether the browser sends a CORS-preflight request first.
        unsafe_headers: the CORS-unsafe request-header names, which
            ``Access-Control-Request-Headers`` lists.
        exchanges: the HTTP round trips made, in order.
        failure: why the browser blocks, or None.
        readable_headers: the response header names script can read (lower case).
        hidden_headers: response header names present but hidden from script (lower case).
        preflight_cache_seconds: how long Chromium caches a passed preflight, or None.
        notes: remarks that are not failures (dropped headers, followed redirects).
        warnings: what browsers allow today but the Fetch Standard does not, with the fix.
    """

    request: BrowserRequest
    allowed: bool
    preflight_needed: bool
    unsafe_headers: tuple[str, ...]
    exchanges: tuple[Exchange, ...]
    failure: Failure | None
    readable_headers: tuple[str, ...] = ()
    hidden_headers: tuple[str, ...] = ()
    preflight_cache_seconds: int | None = None
    notes: tuple[str, ...] = field(default=())
    warnings: tuple[str, ...] = field(default=())

    def console_message(self) -> str | None:
        """Chromium's console line for the failure, or None when the request is allowed."""
        if self.failure is None:
            return None
        last_url, first_url = self.exchanges[-1].url, self.exchanges[0].url
        redirected_from = first_url if first_url != last_url else None
        return self.failure.console_message(
            last_url, self.request.origin, redirected_from=redirected_from
        )


Transport = Callable[[str, str, Headers], Response]
"""Sends ``(method, url, request headers)``, returns the response: all the I/O `simulate` does."""


def normalize_method(method: str) -> str:
    """Normalize a method as fetch() does, refusing the forbidden ones.

    Raises:
        ValueError: the method is not a token or is CONNECT, TRACE or TRACK (fetch() throws).
    """
    if not method or not set(method) <= _TOKEN_CHARS:
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


def _is_token(value: str) -> bool:
    return bool(value) and set(value) <= _TOKEN_CHARS


def _mime_essence(value: str) -> str | None:
    # https://mimesniff.spec.whatwg.org/#parse-a-mime-type, up to the essence; parameters can
    # never make parsing fail, which is why "text/plain;garbage" stays safelisted.
    value = value.strip(_HTTP_WHITESPACE)
    type_, slash, rest = value.partition("/")
    if not slash or not _is_token(type_):
        return None
    subtype = rest.partition(";")[0].rstrip(_HTTP_WHITESPACE)
    if not _is_token(subtype):
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


def get_header(headers: Headers, name: str) -> str | None:
    """Fetch's "get": every value of ``name`` joined by ", ", or None when absent.

    https://fetch.spec.whatwg.org/#concept-header-list-get; so two identical
    ``Access-Control-Allow-Origin`` headers become one value that matches nothing.
    """
    lower = name.lower()
    values = [value.strip(_HTTP_WHITESPACE) for key, value in headers if key.lower() == lower]
    return ", ".join(values) if values else None


def parse_header_list(value: str | None) -> tuple[str, ...] | None:
    """Extract a ``#token`` list (ACAM, ACAH, ACEH): items, or None when an item is not a token.

    Empty items are skipped, as in Chromium's ``ParseAccessControlAllowList``.
    """
    if value is None:
        return ()
    items = [item.strip(_HTTP_WHITESPACE) for item in value.split(",")]
    items = [item for item in items if item]
    if not all(_is_token(item) for item in items):
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
        return Failure(
            "wildcard-origin-not-allowed",
            preflight,
            "The value of the 'Access-Control-Allow-Origin' header in the response must not be "
            "the wildcard '*' when the request's credentials mode is 'include'.",
            f"A credentialed request needs 'Access-Control-Allow-Origin: {origin}' (the exact "
            "origin) and 'Access-Control-Allow-Credentials: true'. With corsware, list the origin "
            f"(origins=['{origin}']) and set allow_credentials=True; or, if the page needs no "
            "cookies, drop credentials: 'include' from the fetch() call.",
        )
    if allow_origin is None:
        return Failure(
            "missing-allow-origin",
            preflight,
            "No 'Access-Control-Allow-Origin' header is present on the requested resource.",
            _missing_allow_origin_fix(origin),
        )
    if allow_origin != origin:
        return _origin_mismatch(origin, allow_origin, preflight)
    if credentials:
        allow_credentials = get_header(headers, "Access-Control-Allow-Credentials")
        # Case-sensitive: https://fetch.spec.whatwg.org/#http-new-header-syntax
        if allow_credentials != "true":
            return Failure(
                "invalid-allow-credentials",
                preflight,
                "The value of the 'Access-Control-Allow-Credentials' header in the response is "
                f"'{allow_credentials or ''}' which must be 'true' when the request's credentials "
                "mode is 'include'.",
                "Send 'Access-Control-Allow-Credentials: true' (exactly, lower case) on "
                + ("the preflight response too" if preflight else "the response")
                + ". With corsware, set allow_credentials=True for this path; or, if the page "
                "needs no cookies, drop credentials: 'include' from the fetch() call.",
            )
    return None


def _missing_allow_origin_fix(origin: str) -> str:
    return (
        f"The server must answer with 'Access-Control-Allow-Origin: {origin}' (or '*' for a "
        "public resource without credentials). With corsware, wrap the app in CORSMiddleware "
        f"and allow the origin for this path: origins=['{origin}']."
    )


def _refused_preflight_fix(request: BrowserRequest, status: int) -> str:
    asked = f"origin {request.origin}, method {request.method}"
    unsafe = unsafe_request_header_names(request.headers)
    if unsafe:
        asked += " and request headers " + ", ".join(unsafe)
    return (
        f"The preflight got HTTP {status} without Access-Control-Allow-Origin. Either the CORS "
        f"layer refused it: allow {asked} for this path (corsware's 403 body says which one it "
        "refused; `corsware explain` names the option to change). Or something in front of the "
        "CORS layer answered it: the preflight is an OPTIONS request without cookies or "
        "Authorization, so authentication, routing and proxies must let it through to the CORS "
        "layer (put corsware outermost)."
    )


def _origin_mismatch(origin: str, allow_origin: str, preflight: bool) -> Failure:
    if " " in allow_origin or "," in allow_origin:
        return Failure(
            "multiple-allow-origin-values",
            preflight,
            "The 'Access-Control-Allow-Origin' header contains multiple values "
            f"'{allow_origin}', but only one is allowed." + _VALID_VALUE_HINT,
            "Two layers each add Access-Control-Allow-Origin (the app and a CORS middleware, two "
            "middlewares, or a proxy), or one sends a list. Send exactly one header with one "
            "origin; corsware replaces any Access-Control-* headers the app set on its paths, so "
            "remove the others.",
        )
    if allow_origin != "null" and not _parses_as_url(allow_origin):
        return Failure(
            "invalid-allow-origin-value",
            preflight,
            f"The 'Access-Control-Allow-Origin' header contains the invalid value '{allow_origin}'."
            + _VALID_VALUE_HINT,
            f"Send a serialized origin, scheme://host[:port], exactly as the browser sends it in "
            f"Origin: '{origin}'.",
        )
    return Failure(
        "allow-origin-mismatch",
        preflight,
        f"The 'Access-Control-Allow-Origin' header has a value '{allow_origin}' that is not equal "
        "to the supplied origin." + _VALID_VALUE_HINT,
        f"Access-Control-Allow-Origin must equal the request's Origin '{origin}' byte for byte "
        "(lower-case scheme and host, no default port, no trailing slash or path). With corsware, "
        f"add '{origin}' to origins for this path.",
    )


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
    if status in _REDIRECT_STATUSES and get_header(headers, "Location") is not None:
        return Failure(
            "preflight-disallowed-redirect",
            True,
            "Redirect is not allowed for a preflight request.",
            f"The preflight got HTTP {status} to {get_header(headers, 'Location')}. Browsers never "
            "follow redirects on a preflight: call the final URL directly (check the scheme, host "
            "and trailing slash).",
        )
    failure = cors_check(request.origin, headers, credentials=request.credentials, preflight=True)
    if failure is not None and failure.code == "missing-allow-origin":
        return replace(failure, fix=_refused_preflight_fix(request, status))
    if failure is not None:
        return failure
    if status not in _OK_STATUSES:  # https://fetch.spec.whatwg.org/#ok-status
        return Failure(
            "preflight-invalid-status",
            True,
            "It does not have HTTP ok status.",
            f"The preflight (OPTIONS, sent without cookies or Authorization) got HTTP {status}. "
            "It must get 200 or 204: let the CORS layer answer OPTIONS preflights before "
            "authentication, routing or method checks run (put corsware outermost).",
        )
    failure = _private_network_check(request, headers)
    if failure is not None:
        return failure
    methods = parse_header_list(get_header(headers, "Access-Control-Allow-Methods"))
    if methods is None:
        return _unparsable_list("Access-Control-Allow-Methods")
    allowed_headers = parse_header_list(get_header(headers, "Access-Control-Allow-Headers"))
    if allowed_headers is None:
        return _unparsable_list("Access-Control-Allow-Headers")
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
    fix = (
        "Answer the preflight with 'Access-Control-Allow-Private-Network: true'. With corsware, "
        "set allow_private_network=True for this path (only for origins you trust to reach a "
        "private network)."
    )
    if value is None:
        return Failure(
            "preflight-missing-allow-private-network",
            True,
            "No 'Access-Control-Allow-Private-Network' header was present in the preflight "
            f"response for this private network request targeting the `{space}` address space.",
            fix,
        )
    if value != "true":
        return Failure(
            "preflight-invalid-allow-private-network",
            True,
            "The 'Access-Control-Allow-Private-Network' header in the preflight response for this "
            f"private network request targeting the `{space}` address space had a value of "
            f"'{value}',  not 'true'.",
            fix,
        )
    return None


def _unparsable_list(header: str) -> Failure:
    return Failure(
        "invalid-" + header.lower().removeprefix("access-control-") + "-preflight-response",
        True,
        f"Cannot parse {header} response header field in preflight response.",
        f"{header} must be a comma-separated list of tokens (names without spaces or quotes), "
        "e.g. 'GET, PUT' or 'Authorization, Content-Type'.",
    )


def _method_check(request: BrowserRequest, methods: tuple[str, ...]) -> Failure | None:
    method = request.method
    # Case-sensitive membership, as the spec and wpt require (Chromium's legacy upper-casing
    # is being removed, crbug.com/1228178).
    if method in methods or is_safelisted_method(method):
        return None
    if "*" in methods and not request.credentials:
        return None
    if "*" in methods:
        fix = (
            f"'*' in Access-Control-Allow-Methods is a literal name, not a wildcard, for a "
            f"credentialed request: list {method} explicitly."
        )
    else:
        fix = f"Add {method} to Access-Control-Allow-Methods."
    return Failure(
        "method-disallowed-by-preflight-response",
        True,
        f"Method {method} is not allowed by Access-Control-Allow-Methods in preflight response.",
        fix + f" With corsware: methods=[..., '{method}'] for this path.",
    )


def _header_check(request: BrowserRequest, allowed: tuple[str, ...]) -> Failure | None:
    allowed_lower = {name.lower() for name in allowed}
    wildcard = "*" in allowed_lower and not request.credentials
    # '*' covering Authorization is the spec's failure but browsers' reality: see
    # `authorization_covered_by_wildcard`, which reports it as a warning.
    if wildcard:
        return None
    for name in unsafe_request_header_names(request.headers):
        if name not in allowed_lower:
            literal = "*" in allowed_lower
            return _header_failure(
                name,
                (
                    "'*' in Access-Control-Allow-Headers is a literal name, not a wildcard, for "
                    f"a credentialed request: list {name} explicitly."
                )
                if literal
                else f"Add {name} to Access-Control-Allow-Headers.",
            )
    return None


def _header_failure(name: str, fix: str) -> Failure:
    return Failure(
        "header-disallowed-by-preflight-response",
        True,
        f"Request header field {name} is not allowed by Access-Control-Allow-Headers in "
        "preflight response.",
        fix + f" With corsware: allow_headers=[..., '{name}'] for this path.",
    )


def authorization_covered_by_wildcard(request: BrowserRequest, response: Response) -> bool:
    """Whether a passed preflight lets Authorization through only by ``Access-Control-Allow-Headers: *``.

    https://fetch.spec.whatwg.org/#cors-non-wildcard-request-header-name says '*' never covers
    Authorization, but Chromium (156 checked), Firefox and Safari still allow it
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


_AUTHORIZATION_WARNING = (
    "Authorization is allowed only by '*' in Access-Control-Allow-Headers. The Fetch Standard says "
    "'*' never covers Authorization; browsers still allow it today (Chromium reports it as the "
    "deprecation AuthorizationCoveredByWildcard), so this may stop working. Fix: list "
    "Authorization in Access-Control-Allow-Headers. corsware reflects the requested names, so "
    "allow_headers='*' in corsware is not affected."
)


def preflight_cache_seconds(headers: Headers) -> int:
    """How long Chromium caches a passed preflight, from ``Access-Control-Max-Age``.

    https://fetch.spec.whatwg.org/#cors-preflight-fetch step 8 leaves the cap to the browser:
    Chromium uses 5 s when absent or unparsable, 0 when negative, and at most 7200 s.
    """
    value = get_header(headers, "Access-Control-Max-Age")
    digits = (value or "").removeprefix("-")
    if not digits.isascii() or not digits.isdigit():
        return _DEFAULT_MAX_AGE
    if value is not None and value.startswith("-"):
        return 0
    return min(int(digits), _CHROMIUM_MAX_AGE)


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


def _same_origin(first: str, second: str) -> bool:
    one, two = urlsplit(first), urlsplit(second)
    return (one.scheme, one.hostname, one.port) == (two.scheme, two.hostname, two.port)


def _prepare(request: BrowserRequest) -> tuple[BrowserRequest, list[str]]:
    notes: list[str] = []
    kept: list[tuple[str, str]] = []
    for name, value in request.headers:
        if is_forbidden_request_header(name, value):
            notes.append(
                f"fetch() drops the forbidden request header {name!r}: only the browser sets it."
            )
        else:
            # https://fetch.spec.whatwg.org/#concept-header-value-normalize
            kept.append((name, value.strip(_HTTP_WHITESPACE)))
    method = normalize_method(request.method)
    prepared = BrowserRequest(
        url=request.url,
        origin=request.origin,
        method=method,
        headers=tuple(kept),
        credentials=request.credentials,
        target_address_space=request.target_address_space,
    )
    return prepared, notes


def simulate(request: BrowserRequest, transport: Transport) -> Verdict:
    """Run ``request`` the way a browser's fetch() does, through ``transport``.

    Sends the preflight when one is needed and applies the preflight check, then sends the actual
    request and applies the CORS check; follows redirects as fetch() does (a cross-origin redirect
    makes the origin ``null``). The result names the first failure, as the browser reports it.

    Raises:
        ValueError: fetch() would throw before sending anything (invalid or forbidden method).
    """
    request, notes = _prepare(request)
    first = request
    exchanges: list[Exchange] = []
    cache_seconds: int | None = None
    warnings: list[str] = []
    for _hop in range(_MAX_REDIRECTS + 1):
        if needs_preflight(request):
            preflight_headers = preflight_request_headers(request)
            response = transport("OPTIONS", request.url, preflight_headers)
            exchanges.append(Exchange("preflight", "OPTIONS", request.url, preflight_headers, response))
            failure = preflight_check(request, response)
            if failure is not None:
                return _blocked(first, exchanges, failure, notes, warnings)
            cache_seconds = preflight_cache_seconds(response.headers)
            if authorization_covered_by_wildcard(request, response):
                warnings.append(_AUTHORIZATION_WARNING)
        actual_headers = (("Origin", request.origin), *request.headers)
        response = transport(request.method, request.url, actual_headers)
        exchanges.append(Exchange("actual", request.method, request.url, actual_headers, response))
        failure = cors_check(request.origin, response.headers, credentials=request.credentials)
        if failure is not None:
            return _blocked(first, exchanges, failure, notes, warnings)
        location = get_header(response.headers, "Location")
        if response.status not in _REDIRECT_STATUSES or location is None:
            readable = exposed_header_names(response.headers, credentials=request.credentials)
            present = {key.lower() for key, _ in response.headers}
            return Verdict(
                request=first,
                allowed=True,
                preflight_needed=bool(exchanges[0].kind == "preflight"),
                unsafe_headers=unsafe_request_header_names(first.headers),
                exchanges=tuple(exchanges),
                failure=None,
                readable_headers=tuple(sorted(readable)),
                hidden_headers=tuple(sorted(present - readable)),
                preflight_cache_seconds=cache_seconds,
                notes=tuple(notes),
                warnings=tuple(warnings),
            )
        request = _follow(request, response.status, urljoin(request.url, location), notes)
    return _blocked(
        first,
        exchanges,
        Failure(
            "too-many-redirects",
            False,
            "net::ERR_TOO_MANY_REDIRECTS",
            "The server redirects in a loop: fix the redirect target.",
        ),
        notes,
        warnings,
    )


def _follow(request: BrowserRequest, status: int, url: str, notes: list[str]) -> BrowserRequest:
    # https://fetch.spec.whatwg.org/#http-redirect-fetch: after a cross-origin hop the request's
    # origin is tainted and serializes as "null"; 303 (and 301/302 for POST) become GET.
    origin = request.origin
    if not _same_origin(request.url, url) and not _same_origin(request.origin, request.url):
        origin = "null"
    method, headers = request.method, request.headers
    if (status == _SEE_OTHER and method not in ("GET", "HEAD")) or (
        status in _POST_TO_GET_STATUSES and method == "POST"
    ):
        method = "GET"
        headers = tuple(h for h in headers if not h[0].lower().startswith("content-"))
    notes.append(f"HTTP {status}: the browser follows the redirect to {url} with Origin: {origin}.")
    return BrowserRequest(
        url=url,
        origin=origin,
        method=method,
        headers=headers,
        credentials=request.credentials,
        target_address_space=request.target_address_space,
    )


def _blocked(
    request: BrowserRequest,
    exchanges: list[Exchange],
    failure: Failure,
    notes: Iterable[str],
    warnings: Iterable[str],
) -> Verdict:
    return Verdict(
        request=request,
        allowed=False,
        preflight_needed=exchanges[0].kind == "preflight",
        unsafe_headers=unsafe_request_header_names(request.headers),
        exchanges=tuple(exchanges),
        failure=failure,
        notes=tuple(notes),
        warnings=tuple(warnings),
    )
