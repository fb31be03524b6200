"""The verdict engine: run a request as fetch() does, over any transport, and say what happens.

Nothing here does I/O: `simulate` takes the transport as a callable, so the CLI runs the same engine
over real HTTP (`corsware check`) and against a policy (`corsware explain`). Everything a server
sends is data here: a response can make the verdict "blocked", never raise.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from corsware.browser import messages
from corsware.browser.checks import (
    REDIRECT_STATUSES,
    Response,
    authorization_covered_by_wildcard,
    cors_check,
    exposed_header_names,
    get_header,
    preflight_cache_seconds,
    preflight_check,
)
from corsware.browser.messages import Failure
from corsware.browser.request import (
    HTTP_WHITESPACE,
    BrowserRequest,
    Headers,
    is_forbidden_request_header,
    needs_preflight,
    normalize_method,
    preflight_request_headers,
    unsafe_request_header_names,
)
from corsware.browser.urls import address_space, parse_url, split_url

__all__ = [
    "Exchange",
    "LocalNetworkAccess",
    "Transport",
    "UnsentRequest",
    "Verdict",
    "prepare",
    "simulate",
]

_SEE_OTHER = 303
_POST_TO_GET_STATUSES = frozenset([301, 302])
_MAX_REDIRECTS = 20
_HTTP_SCHEMES = frozenset(["http", "https"])
# https://www.rfc-editor.org/rfc/rfc9111#section-5.2.2.5, a directive of a comma-separated list.
_NO_STORE = re.compile(r"(?:^|,)[ \t]*no-store[ \t]*(?:[,=]|$)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Exchange:
    """One HTTP round trip the simulated browser made."""

    kind: str  # "preflight" or "actual"
    method: str
    url: str
    request_headers: tuple[tuple[str, str], ...]
    response: Response


@dataclass(frozen=True, slots=True)
class UnsentRequest:
    """The actual request a passed preflight lets the browser send, when `simulate` did not send it."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class LocalNetworkAccess:
    """A call Chromium's Local Network Access holds for the user's permission.

    Attributes:
        origin: the calling page's origin, in the public address space.
        host: the host called.
        space: its address space, ``"local"`` (a private network) or ``"loopback"``.
        secure_context: whether the page is https, the only kind Chromium lets ask the user.
    """

    origin: str
    host: str
    space: str
    secure_context: bool

    def explanation(self) -> str:
        """What Chromium does with the call, and what fixes a refusal."""
        return messages.local_network_access(
            self.origin, self.host, self.space, secure_context=self.secure_context
        )


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the browser does with a request, and why.

    Attributes:
        request: the request as simulated (method normalized, forbidden headers dropped).
        allowed: True when script receives the response, or, with `not_sent` set, when the
            preflight lets the browser send the actual request.
        preflight_needed: whether the browser sends a CORS-preflight request first.
        unsafe_headers: the CORS-unsafe request-header names, which
            ``Access-Control-Request-Headers`` lists.
        exchanges: the HTTP round trips made, in order.
        failure: why the browser blocks, or None.
        readable_headers: the response header names script can read (lower case).
        hidden_headers: response header names present but hidden from script (lower case).
        preflight_cache_seconds: how long Chromium caches a passed preflight, or None.
        notes: remarks that are not failures (dropped headers, followed redirects).
        warnings: what browsers allow today but the Fetch Standard does not, or what one engine
            does differently, with the fix.
        not_sent: the actual request, when the verdict is based on the preflight alone.
        local_network: set when Chromium's Local Network Access gates the call on a permission.
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
    not_sent: UnsentRequest | None = None
    local_network: LocalNetworkAccess | None = None

    def console_message(self) -> str | None:
        """Chromium's console line for the failure, or None when the request is allowed."""
        if self.failure is None:
            return None
        url = self.failure.url or self.exchanges[-1].url
        first_url = self.exchanges[0].url
        redirected_from = first_url if first_url != url else None
        return self.failure.console_message(url, self.request.origin, redirected_from=redirected_from)


Transport = Callable[[str, str, Headers], Response]
"""Sends ``(method, url, request headers)``, returns the response: all the I/O `simulate` does."""


def _local_network(origin: str, url: str) -> LocalNetworkAccess | None:
    # Chromium enforces the public -> local and public -> loopback cases of Local Network Access.
    page, target = split_url(origin), urlsplit(url)
    if page is None or page.hostname is None or target.hostname is None:
        return None
    if address_space(page.hostname) != "public":
        return None
    space = address_space(target.hostname)
    if space == "public":
        return None
    return LocalNetworkAccess(origin, target.hostname, space, secure_context=page.scheme == "https")


def _same_origin(first: str, second: str) -> bool:
    one, two = split_url(first), split_url(second)
    if one is None or two is None:
        return False
    return (one.scheme, one.hostname, one.port) == (two.scheme, two.hostname, two.port)


def prepare(request: BrowserRequest) -> tuple[BrowserRequest, tuple[str, ...]]:
    """The request as fetch() sends it: method normalized, forbidden headers dropped, values trimmed.

    Returns:
        The prepared request and a note for each header dropped.

    Raises:
        ValueError: fetch() would throw before sending anything (invalid or forbidden method).
    """
    notes: list[str] = []
    kept: list[tuple[str, str]] = []
    for name, value in request.headers:
        if is_forbidden_request_header(name, value):
            notes.append(
                f"fetch() drops the forbidden request header {name!r}: only the browser sets it."
            )
        else:
            # https://fetch.spec.whatwg.org/#concept-header-value-normalize
            kept.append((name, value.strip(HTTP_WHITESPACE)))
    method = normalize_method(request.method)
    prepared = BrowserRequest(
        url=request.url,
        origin=request.origin,
        method=method,
        headers=tuple(kept),
        credentials=request.credentials,
        target_address_space=request.target_address_space,
    )
    return prepared, tuple(notes)


@dataclass(slots=True)
class _Run:
    """What one simulation has gathered so far."""

    first: BrowserRequest
    notes: list[str]
    exchanges: list[Exchange] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    cache_seconds: int | None = None
    local_network: LocalNetworkAccess | None = None

    def blocked(self, failure: Failure) -> Verdict:
        return self.verdict(failure=failure)

    def verdict(
        self,
        *,
        failure: Failure | None = None,
        readable: frozenset[str] = frozenset(),
        present: frozenset[str] = frozenset(),
        not_sent: UnsentRequest | None = None,
    ) -> Verdict:
        return Verdict(
            request=self.first,
            allowed=failure is None,
            preflight_needed=self.exchanges[0].kind == "preflight",
            unsafe_headers=unsafe_request_header_names(self.first.headers),
            exchanges=tuple(self.exchanges),
            failure=failure,
            readable_headers=tuple(sorted(readable)),
            hidden_headers=tuple(sorted(present - readable)),
            # A failed fetch clears the preflight cache entries it made (Fetch "main fetch").
            preflight_cache_seconds=None if failure else self.cache_seconds,
            notes=tuple(self.notes),
            warnings=tuple(self.warnings),
            not_sent=not_sent,
            local_network=self.local_network,
        )


def simulate(request: BrowserRequest, transport: Transport, *, send_actual: bool = True) -> Verdict:
    """Run ``request`` the way a browser's fetch() does, through ``transport``.

    Sends the preflight when one is needed and applies the preflight check, then sends the actual
    request and applies the CORS check; follows redirects as fetch() does. The result names the
    first failure, as the browser reports it.

    Args:
        request: what the page asks fetch() for.
        transport: sends each request and returns the response.
        send_actual: False to stop after a passed preflight, so that the verdict rests on the
            preflight alone and the actual request is only described (`Verdict.not_sent`).

    Raises:
        ValueError: fetch() would throw before sending anything (invalid or forbidden method), or
            ``send_actual`` is False for a request that needs no preflight.
    """
    request, notes = prepare(request)
    if not send_actual and not needs_preflight(request):
        raise ValueError("a request without a preflight can only be judged by sending it")
    run = _Run(request, list(notes), local_network=_local_network(request.origin, request.url))
    for _hop in range(_MAX_REDIRECTS + 1):
        if needs_preflight(request):
            preflight_headers = preflight_request_headers(request)
            response = transport("OPTIONS", request.url, preflight_headers)
            run.exchanges.append(
                Exchange("preflight", "OPTIONS", request.url, preflight_headers, response)
            )
            failure = _network_check(response) or preflight_check(request, response)
            if failure is not None:
                return run.blocked(failure)
            _passed_preflight(run, request, response)
        actual_headers = (("Origin", request.origin), *request.headers)
        if not send_actual:
            return run.verdict(not_sent=UnsentRequest(request.method, request.url, actual_headers))
        response = transport(request.method, request.url, actual_headers)
        run.exchanges.append(Exchange("actual", request.method, request.url, actual_headers, response))
        failure = _network_check(response) or cors_check(
            request.origin, response.headers, credentials=request.credentials
        )
        if failure is not None:
            return run.blocked(failure)
        # Every Location is the same one here (_network_check); Chromium hands a redirect with an
        # empty Location to script as it is.
        location = _decoded(next(iter(_locations(response)), ""))
        if response.status not in REDIRECT_STATUSES or not location:
            return run.verdict(
                readable=exposed_header_names(response.headers, credentials=request.credentials),
                present=frozenset(key.lower() for key, _ in response.headers),
            )
        target = parse_url(location, request.url)
        if target is None:
            return run.blocked(messages.invalid_redirect(response.status, location))
        failure = _redirect_check(response.status, location, target)
        if failure is not None:
            return run.blocked(failure)
        request = _follow(request, response.status, target, run.notes)
        run.local_network = run.local_network or _local_network(run.first.origin, target)
    return run.blocked(messages.too_many_redirects())


def _decoded(location: str) -> str:
    # An HTTP transport hands header bytes over as latin-1 text. Browsers read a Location's bytes
    # as UTF-8, and Chromium percent-encodes the bytes of one that is not.
    try:
        raw = location.encode("latin-1")
    except UnicodeEncodeError:  # text from a transport that is not HTTP
        return location
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return "".join(chr(byte) if byte < 0x80 else f"%{byte:02X}" for byte in raw)  # noqa: PLR2004


def _locations(response: Response) -> list[str]:
    return [
        value.strip(HTTP_WHITESPACE) for name, value in response.headers if name.lower() == "location"
    ]


def _network_check(response: Response) -> Failure | None:
    # Chromium's network stack refuses a response whose Location headers disagree, whatever its
    # status, before any CORS check (net::ERR_RESPONSE_HEADERS_MULTIPLE_LOCATION).
    locations = _locations(response)
    if len(set(locations)) > 1:
        return messages.multiple_location(locations)
    return None


def _passed_preflight(run: _Run, request: BrowserRequest, response: Response) -> None:
    max_age = get_header(response.headers, "Access-Control-Max-Age")
    run.cache_seconds = preflight_cache_seconds(response.headers)
    if authorization_covered_by_wildcard(request, response):
        run.warnings.append(messages.AUTHORIZATION_WARNING)
    cache_control = get_header(response.headers, "Cache-Control") or ""
    if max_age is not None and _NO_STORE.search(cache_control):
        run.warnings.append(messages.no_store_max_age_warning(max_age))


def _redirect_check(status: int, location: str, target: str) -> Failure | None:
    # https://fetch.spec.whatwg.org/#http-redirect-fetch: a Location that is not http(s) (step 4)
    # and, since a cross-origin CORS fetch is always "cors"-tainted, one with a user name or
    # password (steps 7-8) are network errors.
    if target.partition(":")[0].lower() not in _HTTP_SCHEMES:
        return messages.redirect_disallowed_scheme(status, location)
    parts = urlsplit(target)  # parse_url made it well-formed
    if parts.username or parts.password:
        return messages.redirect_contains_credentials(status, location)
    return None


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
    if not _same_origin(request.url, url) and any(h[0].lower() == "authorization" for h in headers):
        # Same step: a redirect to another origin removes the CORS non-wildcard request-header
        # names, that is Authorization.
        headers = tuple(h for h in headers if h[0].lower() != "authorization")
        notes.append(f"HTTP {status} to another origin: the browser drops the Authorization header.")
    notes.append(f"HTTP {status}: the browser follows the redirect to {url} with Origin: {origin}.")
    return BrowserRequest(
        url=url,
        origin=origin,
        method=method,
        headers=headers,
        credentials=request.credentials,
        target_address_space=request.target_address_space,
    )
