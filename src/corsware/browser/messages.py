"""Why a browser blocks a request: Chromium's console wording for each failure, and the fix.

The wording is Chromium 156's for fetch(), checked against a headless Chromium for each failure
that a loopback server can provoke. The fixes name the header to send and the corsware option to set.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = [
    "AUTHORIZATION_WARNING",
    "FAILURE_CODES",
    "Failure",
    "allow_origin_mismatch",
    "header_disallowed",
    "invalid_allow_credentials",
    "invalid_allow_origin_value",
    "invalid_allow_private_network",
    "invalid_redirect",
    "local_network_access",
    "method_disallowed",
    "missing_allow_origin",
    "missing_allow_private_network",
    "multiple_allow_origin_values",
    "multiple_location",
    "no_store_max_age_warning",
    "preflight_disallowed_redirect",
    "preflight_invalid_status",
    "redirect_contains_credentials",
    "redirect_disallowed_scheme",
    "refused_preflight_fix",
    "too_many_redirects",
    "unparsable_allow_list",
    "wildcard_origin_not_allowed",
]

FAILURE_CODES = (
    "allow-origin-mismatch",
    "header-disallowed-by-preflight-response",
    "invalid-allow-credentials",
    "invalid-allow-headers-preflight-response",
    "invalid-allow-methods-preflight-response",
    "invalid-allow-origin-value",
    "invalid-redirect",
    "method-disallowed-by-preflight-response",
    "missing-allow-origin",
    "multiple-allow-origin-values",
    "multiple-location",
    "preflight-disallowed-redirect",
    "preflight-invalid-allow-private-network",
    "preflight-invalid-status",
    "preflight-missing-allow-private-network",
    "redirect-contains-credentials",
    "redirect-disallowed-scheme",
    "too-many-redirects",
    "wildcard-origin-not-allowed",
)
"""Every `Failure.code` the browser model produces, sorted: a stable part of ``--json`` output."""

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
_PRIVATE_NETWORK_FIX = (
    "This preflight is legacy: only Chromium 104 to 141 (and some embedded builds) sent "
    "Access-Control-Request-Private-Network. For them, answer it with "
    "'Access-Control-Allow-Private-Network: true'; with corsware, set allow_private_network=True "
    "for this path (only for origins you trust to reach a private network). Current Chromium "
    "asks the user for Local Network Access instead, which no response header can grant."
)
# Chromium 156 refuses these redirect targets in its network stack, before the CORS layer sees
# them, and logs only the network error; every other scheme gets the CORS message below.
_UNSAFE_REDIRECT_SCHEMES = frozenset(["about", "blob", "chrome", "data", "file"])
_UNKNOWN_URL_SCHEMES = frozenset(["ws", "wss"])
_CORS_SCHEMES_REASON = (
    "Cross origin requests are only supported for protocol schemes: chrome, "
    "chrome-experimental-site-token-provider, chrome-extension, chrome-untrusted, data, http, "
    "https, isolated-app."
)
_SHOWN_LOCATION = 200

AUTHORIZATION_WARNING = (
    "Authorization is allowed only by '*' in Access-Control-Allow-Headers. The Fetch Standard says "
    "'*' never covers Authorization; Chromium, Firefox and WebKit (the engine of Safari) still "
    "allow it today (Chromium reports it as the deprecation AuthorizationCoveredByWildcard), so "
    "this may stop working. Fix: list Authorization in Access-Control-Allow-Headers. corsware "
    "reflects the requested names, so allow_headers='*' in corsware is not affected."
)
"""The warning when a preflight lets Authorization through only by '*'."""


@dataclass(frozen=True, slots=True)
class Failure:
    """Why a browser blocks a request.

    Attributes:
        code: a stable identifier named after Chromium's ``CorsError`` (one of `FAILURE_CODES`),
            e.g. ``"missing-allow-origin"``.
        preflight: True when the preflight response failed, False when the actual response did.
        reason: the sentence Chromium prints after "has been blocked by CORS policy: ", or for a
            network error its ``net::`` error name.
        fix: what to change on the server (or the page) so that the browser allows the request.
        network_error: True when the browser fails the fetch before CORS applies (a bad
            redirect): Chromium then logs only the network error.
        url: the URL Chromium names in its message when it is not the last one requested (the
            target of a refused redirect).
    """

    code: str
    preflight: bool
    reason: str
    fix: str
    network_error: bool = field(default=False, kw_only=True)
    url: str | None = field(default=None, kw_only=True)

    def console_message(self, url: str, origin: str, *, redirected_from: str | None = None) -> str:
        """The whole line Chromium logs to the console for a fetch() blocked by this failure."""
        if self.network_error:
            return f"Failed to load resource: {self.reason}"
        redirect = f"(redirected from '{redirected_from}') " if redirected_from else ""
        prefixed = self.preflight and self.code not in _UNPREFIXED_PREFLIGHT_FAILURES
        prefix = _PREFLIGHT_PREFIX if prefixed else ""
        return (
            f"Access to fetch at '{url}' {redirect}from origin '{origin}' has been blocked by CORS "
            f"policy: {prefix}{self.reason}"
        )


def wildcard_origin_not_allowed(origin: str, *, preflight: bool) -> Failure:
    """``Access-Control-Allow-Origin: *`` on a credentialed request."""
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


def missing_allow_origin(origin: str, *, preflight: bool) -> Failure:
    """No ``Access-Control-Allow-Origin`` header at all."""
    return Failure(
        "missing-allow-origin",
        preflight,
        "No 'Access-Control-Allow-Origin' header is present on the requested resource.",
        f"The server must answer with 'Access-Control-Allow-Origin: {origin}' (or '*' for a "
        "public resource without credentials). With corsware, wrap the app in CORSMiddleware "
        f"and allow the origin for this path: origins=['{origin}'].",
    )


def refused_preflight_fix(origin: str, method: str, unsafe: Sequence[str], status: int) -> str:
    """The fix when a preflight got no ``Access-Control-Allow-Origin``: refused, or never reached."""
    asked = f"origin {origin}, method {method}"
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


def invalid_allow_credentials(value: str | None, *, preflight: bool) -> Failure:
    """``Access-Control-Allow-Credentials`` other than exactly ``true`` on a credentialed request."""
    return Failure(
        "invalid-allow-credentials",
        preflight,
        "The value of the 'Access-Control-Allow-Credentials' header in the response is "
        f"'{value or ''}' which must be 'true' when the request's credentials "
        "mode is 'include'.",
        "Send 'Access-Control-Allow-Credentials: true' (exactly, lower case) on "
        + ("the preflight response too" if preflight else "the response")
        + ". With corsware, set allow_credentials=True for this path; or, if the page "
        "needs no cookies, drop credentials: 'include' from the fetch() call.",
    )


def multiple_allow_origin_values(allow_origin: str, *, preflight: bool) -> Failure:
    """``Access-Control-Allow-Origin`` holding a list, or sent more than once."""
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


def invalid_allow_origin_value(origin: str, allow_origin: str, *, preflight: bool) -> Failure:
    """``Access-Control-Allow-Origin`` that does not parse as a URL."""
    return Failure(
        "invalid-allow-origin-value",
        preflight,
        f"The 'Access-Control-Allow-Origin' header contains the invalid value '{allow_origin}'."
        + _VALID_VALUE_HINT,
        f"Send a serialized origin, scheme://host[:port], exactly as the browser sends it in "
        f"Origin: '{origin}'.",
    )


def allow_origin_mismatch(origin: str, allow_origin: str, *, preflight: bool) -> Failure:
    """``Access-Control-Allow-Origin`` naming another origin."""
    return Failure(
        "allow-origin-mismatch",
        preflight,
        f"The 'Access-Control-Allow-Origin' header has a value '{allow_origin}' that is not equal "
        "to the supplied origin." + _VALID_VALUE_HINT,
        f"Access-Control-Allow-Origin must equal the request's Origin '{origin}' byte for byte "
        "(lower-case scheme and host, no default port, no trailing slash or path). With corsware, "
        f"add '{origin}' to origins for this path.",
    )


def _shown(location: str) -> str:
    # A Location comes from the server: quote it, and keep a huge one from flooding the output.
    if len(location) > _SHOWN_LOCATION:
        location = location[:_SHOWN_LOCATION] + "..."
    return repr(location)


def preflight_disallowed_redirect(status: int, location: str) -> Failure:
    """A preflight answered with a redirect."""
    return Failure(
        "preflight-disallowed-redirect",
        True,
        "Redirect is not allowed for a preflight request.",
        f"The preflight got HTTP {status} to {_shown(location)}. Browsers never "
        "follow redirects on a preflight: call the final URL directly (check the scheme, host "
        "and trailing slash).",
    )


def invalid_redirect(status: int, location: str) -> Failure:
    """A redirect whose ``Location`` is not a URL.

    https://fetch.spec.whatwg.org/#concept-response-location-url: parsing failed.
    Chromium percent-encodes a space or ``%`` in a host instead of refusing it, then fails to
    resolve the name; either way the fetch fails with a network error.
    """
    return Failure(
        "invalid-redirect",
        False,
        "net::ERR_INVALID_REDIRECT",
        f"The server answered HTTP {status} with Location {_shown(location)}, which is not a valid "
        "URL, so the browser fails the fetch with a network error. Fix the Location header the "
        "server sends: an absolute http(s) URL or a path, with a valid host and port.",
        network_error=True,
    )


def multiple_location(locations: Sequence[str]) -> Failure:
    """A response with ``Location`` headers that disagree: Chromium refuses it outright."""
    shown = ", ".join(_shown(location) for location in locations)
    return Failure(
        "multiple-location",
        False,
        "net::ERR_RESPONSE_HEADERS_MULTIPLE_LOCATION",
        f"The server sent several different Location headers ({shown}): Chromium refuses such a "
        "response with a network error. Send exactly one Location header.",
        network_error=True,
    )


def redirect_disallowed_scheme(status: int, location: str) -> Failure:
    """A redirect to a URL that is not http(s).

    https://fetch.spec.whatwg.org/#http-redirect-fetch step 4.
    """
    scheme = location.partition(":")[0].lower()
    fix = (
        f"The server answered HTTP {status} with Location {_shown(location)}: a fetch() follows "
        "redirects only to http: and https: URLs, so the browser fails the fetch. Fix the Location "
        "header the server sends."
    )
    if scheme in _UNSAFE_REDIRECT_SCHEMES:
        reason = "net::ERR_UNSAFE_REDIRECT"
    elif scheme in _UNKNOWN_URL_SCHEMES:
        reason = "net::ERR_UNKNOWN_URL_SCHEME"
    else:
        return Failure("redirect-disallowed-scheme", False, _CORS_SCHEMES_REASON, fix, url=location)
    return Failure("redirect-disallowed-scheme", False, reason, fix, network_error=True)


def redirect_contains_credentials(status: int, location: str) -> Failure:
    """A redirect to a URL with a user name or password.

    https://fetch.spec.whatwg.org/#http-redirect-fetch step 8.
    """
    return Failure(
        "redirect-contains-credentials",
        False,
        # Chromium 156 prints this sentence with an empty location, as quoted here.
        "Redirect location '' contains a username and password, which is disallowed for "
        "cross-origin requests.",
        f"The server answered HTTP {status} with Location {_shown(location)}, which holds a user "
        "name or password: a CORS fetch never follows such a redirect. Fix the Location header "
        "the server sends: drop the 'user:password@' part.",
    )


def preflight_invalid_status(status: int) -> Failure:
    """A preflight answered with a status outside 200-299."""
    return Failure(
        "preflight-invalid-status",
        True,
        "It does not have HTTP ok status.",
        f"The preflight (OPTIONS, sent without cookies or Authorization) got HTTP {status}. "
        "It must get 200 or 204: let the CORS layer answer OPTIONS preflights before "
        "authentication, routing or method checks run (put corsware outermost).",
    )


def missing_allow_private_network(space: str) -> Failure:
    """No ``Access-Control-Allow-Private-Network`` on a Private Network Access preflight."""
    return Failure(
        "preflight-missing-allow-private-network",
        True,
        "No 'Access-Control-Allow-Private-Network' header was present in the preflight "
        f"response for this private network request targeting the `{space}` address space.",
        _PRIVATE_NETWORK_FIX,
    )


def invalid_allow_private_network(space: str, value: str) -> Failure:
    """``Access-Control-Allow-Private-Network`` other than ``true``."""
    return Failure(
        "preflight-invalid-allow-private-network",
        True,
        "The 'Access-Control-Allow-Private-Network' header in the preflight response for this "
        f"private network request targeting the `{space}` address space had a value of "
        f"'{value}',  not 'true'.",
        _PRIVATE_NETWORK_FIX,
    )


def unparsable_allow_list(header: str) -> Failure:
    """``Access-Control-Allow-Methods`` or ``-Headers`` that is not a list of tokens."""
    return Failure(
        "invalid-" + header.lower().removeprefix("access-control-") + "-preflight-response",
        True,
        f"Cannot parse {header} response header field in preflight response.",
        f"{header} must be a comma-separated list of tokens (names without spaces or quotes), "
        "e.g. 'GET, PUT' or 'Authorization, Content-Type'.",
    )


def method_disallowed(method: str, *, star_is_literal: bool) -> Failure:
    """The preflight's ``Access-Control-Allow-Methods`` leaves the method out."""
    if star_is_literal:
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


def header_disallowed(name: str, *, star_is_literal: bool) -> Failure:
    """The preflight's ``Access-Control-Allow-Headers`` leaves a CORS-unsafe request header out."""
    fix = (
        (
            "'*' in Access-Control-Allow-Headers is a literal name, not a wildcard, for "
            f"a credentialed request: list {name} explicitly."
        )
        if star_is_literal
        else f"Add {name} to Access-Control-Allow-Headers."
    )
    return Failure(
        "header-disallowed-by-preflight-response",
        True,
        f"Request header field {name} is not allowed by Access-Control-Allow-Headers in "
        "preflight response.",
        fix + f" With corsware: allow_headers=[..., '{name}'] for this path.",
    )


def too_many_redirects() -> Failure:
    """The server redirected more than fetch()'s limit of 20 times."""
    return Failure(
        "too-many-redirects",
        False,
        "net::ERR_TOO_MANY_REDIRECTS",
        "The server redirects in a loop: fix the redirect target.",
        network_error=True,
    )


def no_store_max_age_warning(max_age: str) -> str:
    """The warning when a passed preflight sets ``Access-Control-Max-Age`` and ``no-store``."""
    return (
        f"The preflight response sets Access-Control-Max-Age: {max_age} but also Cache-Control: "
        "no-store, which says the opposite. Chromium, Firefox and WebKit (the engine of Safari), as "
        "tested, ignore no-store here and cache the preflight for the max age; a browser or proxy "
        "that honoured it would send a preflight before every such request. Fix: leave no-store "
        "off preflight responses (Access-Control-Max-Age alone controls the preflight cache); "
        "corsware does not add it, so look for a proxy or another layer that does."
    )


def local_network_access(origin: str, host: str, space: str, *, secure_context: bool) -> str:
    """What Chromium does with a call from a public page to a local or loopback address, and the fixes.

    https://wicg.github.io/local-network-access/: Chromium 142 and later gate these requests on a
    permission that the user grants; no response header can grant it, and the CORS checks apply
    only after it.
    """
    where = "a loopback address" if space == "loopback" else "an address on the local network"
    if secure_context:
        gate = (
            "Chromium (142 and later) first asks the user to allow this; the fetch fails if they decline"
        )
    else:
        gate = (
            "Chromium (142 and later) lets only a secure (https) page ask the user for this, so "
            "from this http page the fetch fails"
        )
    return (
        f"Local Network Access: a page on the public origin {origin} calls {host}, {where}. "
        f"{gate}. No response header can grant the permission; CORS applies only once it is "
        "granted. What fixes a refusal: the user allowing it when Chromium asks; serving the page "
        "from the same address space (from the device or the network itself); a page in a secure "
        "context (https), since only those may ask; and "
        f"`fetch(url, {{targetAddressSpace: '{space}'}})`, which tells Chromium the call is meant "
        "for that address space, so that an https page may also call a plain http:// device."
    )
