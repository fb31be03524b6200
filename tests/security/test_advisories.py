"""One regression test per published CORS-middleware vulnerability class, named after it.

Each advisory's own trigger comes first (flask-cors' CVEs, sanic-cors, rs/cors, jub0bs/cors, the
PortSwigger research, ...), then the variants that a fix for the original trigger alone would miss,
and the classes of other libraries (koa, fcors, Starlette, django-cors-headers, aiohttp-cors).
"""

from __future__ import annotations

import logging
import re
import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest
import webtest

from corsware import CORSConfigError, CORSMiddleware, CORSPolicy
from tests.conftest import SpyApp, cors_headers, preflight_headers

from . import invariants
from .invariants import Outcome, Request

EVIL = "https://evil.example"
TRUSTED = "https://trusted.example"


def send(middleware_options: dict[str, Any], request: Request, **app: Any) -> Outcome:
    """Run one request through a validated middleware stack."""
    stack, spy = invariants.build_app(lambda a: CORSMiddleware(a, **middleware_options), **app)
    return invariants.run(stack, spy, request.environ())


def get(path: str, origin: str | None, **extra: str) -> Request:
    """A GET request."""
    return Request("GET", path, origin, None, None, None, tuple(extra.items()))


def preflight(
    path: str, origin: str, method: str = "PUT", headers: str | None = None, pna: str | None = None
) -> Request:
    """A preflight request."""
    return Request("OPTIONS", path, origin, method, headers, pna)


def acao(outcome: Outcome) -> list[str]:
    """The Access-Control-Allow-Origin values."""
    return outcome.values("Access-Control-Allow-Origin")


def get_response(middleware: CORSMiddleware, path: str, origin: str) -> webtest.TestResponse:
    """A GET through webtest's linter."""
    return webtest.TestApp(middleware, lint=True).get(
        path, headers={"Origin": origin}, expect_errors=True
    )


# ---- the advisories' own triggers ----------------------------------------------------------------


def test_cve_2024_6866_paths_are_case_sensitive(spy: SpyApp) -> None:
    """flask-cors matched resource paths case-insensitively: /PUBLIC/secret got the /public policy."""
    middleware = CORSMiddleware(
        spy, resources={"/public/*": {"origins": "*"}, "/*": {"origins": [TRUSTED]}}
    )
    assert cors_headers(get_response(middleware, "/PUBLIC/secret", EVIL)) == {}
    assert cors_headers(get_response(middleware, "/public/x", EVIL)) == {
        "Access-Control-Allow-Origin": "*"
    }


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        pytest.param("/service+path", "http://foo.example", id="plus stays a plus"),
        pytest.param("/service path", "http://bar.example", id="space is a space"),
    ],
)
def test_cve_2024_6844_plus_is_not_a_space(spy: SpyApp, path: str, allowed: str) -> None:
    """flask-cors decoded '+' to a space (unquote_plus) before matching resources."""
    middleware = CORSMiddleware(
        spy,
        resources={
            "/service+path": {"origins": ["http://foo.example"]},
            "/service path": {"origins": ["http://bar.example"]},
        },
    )
    for origin in ("http://foo.example", "http://bar.example"):
        granted = cors_headers(get_response(middleware, path, origin)).get("Access-Control-Allow-Origin")
        assert granted == (origin if origin == allowed else None)


def test_cve_2024_6839_declared_order_wins_not_pattern_length(spy: SpyApp) -> None:
    """flask-cors ranked resource regexes by length, so a long permissive one beat a specific one."""
    middleware = CORSMiddleware(
        spy,
        resources={
            "/api/v1/admin/secret": {"origins": ["https://admin.example"]},
            re.compile(r"/api/.*|/static/.*|/public/.*"): {"origins": "*"},
        },
    )
    assert cors_headers(get_response(middleware, "/api/v1/admin/secret", EVIL)) == {}


def test_cve_2024_6839_variant_shadowed_string_pattern_is_a_config_error(spy: SpyApp) -> None:
    """A broad pattern listed first would silently swallow a specific one: refused at start-up."""
    with pytest.raises(CORSConfigError, match=r"move '/api/admin/\*' before '/api/\*'"):
        CORSMiddleware(
            spy, resources={"/api/*": {"origins": "*"}, "/api/admin/*": {"origins": [TRUSTED]}}
        )


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/public/../admin", id="dot-dot"),
        pytest.param("/public/./../admin", id="dot then dot-dot"),
        pytest.param(
            "/public/%2e%2e/admin".replace("%2e", "."), id="percent-decoded dot-dot from the server"
        ),
    ],
)
def test_cve_2020_25032_dot_segments_that_change_the_resource_grant_nothing(
    spy: SpyApp, path: str
) -> None:
    """flask-cors matched /api/../foo against the /api/* policy; corsware grants neither reading."""
    middleware = CORSMiddleware(
        spy, resources={"/public/*": {"origins": "*"}, "/admin/*": {"origins": [TRUSTED]}}
    )
    assert cors_headers(get_response(middleware, path, EVIL)) == {}
    assert cors_headers(get_response(middleware, path, TRUSTED)) == {}


def test_double_decoding_never_happens(spy: SpyApp) -> None:
    """PATH_INFO is already decoded once by the server; '%2f' left in it is literal, not a slash."""
    middleware = CORSMiddleware(
        spy, resources={"/public/*": {"origins": "*"}, "/*": {"origins": [TRUSTED]}}
    )
    assert cors_headers(get_response(middleware, "/public%2f..%2fadmin", EVIL)) == {}


def test_cve_2024_1681_log_lines_cannot_be_forged(spy: SpyApp, caplog: pytest.LogCaptureFixture) -> None:
    """flask-cors logged the request path raw; CR/LF in it forged a new log line."""
    middleware = CORSMiddleware(spy, origins=[TRUSTED])
    with caplog.at_level(logging.DEBUG, logger="corsware"):
        middleware(
            {
                "REQUEST_METHOD": "GET",
                "PATH_INFO": "/x\r\nINFO:fake entry",
                "HTTP_ORIGIN": "https://e\r\nvil",
            },
            lambda *args: None,
        )
    (record,) = caplog.records
    message = record.getMessage()
    assert "\n" not in message
    assert "\r" not in message
    assert "'/x\\r\\nINFO:fake entry'" in message
    assert "'https://e\\r\\nvil'" in message


def test_cve_2024_6221_private_network_is_never_granted_by_default(
    client: Callable[..., webtest.TestApp],
) -> None:
    """flask-cors answered Access-Control-Request-Private-Network with 'true' for everyone."""
    headers = {**preflight_headers(TRUSTED), "Access-Control-Request-Private-Network": "true"}
    response = client(origins=[TRUSTED]).options("/x", headers=headers)
    assert "Access-Control-Allow-Private-Network" not in response.headers
    rejected = client(origins=[TRUSTED], allow_private_network=True).options(
        "/x", headers={**headers, "Origin": EVIL}, status=403
    )
    assert "Access-Control-Allow-Private-Network" not in rejected.headers


@pytest.mark.parametrize(
    "origin",
    [
        pytest.param("https://x.example.com.evil.net", id="suffix appended"),
        pytest.param("https://x.example.com\n", id="trailing newline ($ in re.match)"),
        pytest.param("https://xexampleXcom", id="unescaped dot"),
    ],
)
def test_sanic_cors_cve_2026_37737_and_starlette_801_regexes_must_fullmatch(
    spy: SpyApp, origin: str
) -> None:
    """re.match-based origin regexes (anchored at the start only) accepted attacker suffixes."""
    middleware = CORSMiddleware(
        spy, origins=[re.compile(r"https://.*\.example\.com"), re.compile(r"https://x.example.com$")]
    )
    assert cors_headers(get_response(middleware, "/", origin)) == {}
    assert cors_headers(get_response(middleware, "/", "https://x.example.com")) != {}


@pytest.mark.parametrize(
    "origin",
    [
        pytest.param("https://evilexample.com", id="suffix without a dot boundary"),
        pytest.param("https://example.com", id="apex is not a subdomain"),
        pytest.param("http://a.example.com", id="other scheme"),
        pytest.param("https://a.example.com.evil.net", id="pattern host as a prefix"),
        pytest.param("https://barfoo.com", id="GHSA-vhxv-fg4m-p2w8 shared host suffix"),
    ],
)
def test_ghsa_vhxv_fg4m_p2w8_suffix_matching_respects_labels(spy: SpyApp, origin: str) -> None:
    """jub0bs/cors' radix tree allowed barfoo.com for foo.com: suffix checks need a dot boundary."""
    middleware = CORSMiddleware(
        spy, origins=["https://*.example.com", "https://foo.com", "https://bar.com"]
    )
    assert cors_headers(get_response(middleware, "/", origin)) == {}


def test_rs_cors_197_star_patterns_are_not_globs(spy: SpyApp) -> None:
    """rs/cors accepted 'h*' as a prefix glob that reflects almost any origin with credentials."""
    with pytest.raises(CORSConfigError, match="CORS-E003"):
        CORSMiddleware(spy, origins=["h*"], allow_credentials=True)


@pytest.mark.parametrize(
    "options",
    [
        pytest.param({"origins": "*"}, id="'*'"),
        pytest.param({"origins": ["null"]}, id="null"),
        pytest.param({"origins": [re.compile(".*")]}, id="catch-all regex"),
    ],
)
def test_portswigger_reflect_any_origin_with_credentials_is_refused(
    spy: SpyApp, options: dict[str, Any]
) -> None:
    """Django-cors-headers, Starlette, express and wsgicors reflect any origin with credentials."""
    with pytest.raises(CORSConfigError, match="CORS-E004"):
        CORSMiddleware(spy, allow_credentials=True, **options)


@pytest.mark.parametrize(
    "origin",
    [
        pytest.param("https://a.example\r\nSet-Cookie: x=1", id="CRLF"),
        pytest.param("https://a.example\rX: 1", id="bare CR (IE/Edge cache poisoning)"),
        pytest.param("https://a.example\x00", id="NUL"),
        pytest.param("https://a.example\t", id="tab"),
    ],
)
def test_kettle_header_injection_through_a_reflected_origin(spy: SpyApp, origin: str) -> None:
    """A reflected unvalidated Origin is a response-header injection."""
    middleware = CORSMiddleware(spy, origins=[re.compile(r"https://a\.example.*", re.DOTALL)])
    response = get_response(middleware, "/", origin)
    assert cors_headers(response) == {}


def test_gorilla_handlers_248_vary_on_rejected_and_originless_responses(spy: SpyApp) -> None:
    """Missing Vary on responses without ACAO let a shared cache serve them to allowed origins."""
    middleware = CORSMiddleware(spy, origins=[TRUSTED])
    assert get_response(middleware, "/", EVIL).headers["Vary"] == "Origin"
    assert webtest.TestApp(middleware, lint=True).get("/").headers["Vary"] == "Origin"


def test_aiohttp_cors_271_no_duplicate_allow_origin(spy: SpyApp) -> None:
    """An app (or a second layer) that also sets ACAO must not produce two values."""
    spy.headers.append(("Access-Control-Allow-Origin", "*"))
    response = get_response(CORSMiddleware(spy, origins=[TRUSTED]), "/", TRUSTED)
    assert response.headers.getall("Access-Control-Allow-Origin") == [TRUSTED]


def test_go_safeweb_372_requested_method_is_validated_before_echoing(
    client: Callable[..., webtest.TestApp],
) -> None:
    """Echoing Access-Control-Request-Method without validation let a list of methods through."""
    response = client(origins=[TRUSTED], methods="*", allow_credentials=True).options(
        "/x", headers=preflight_headers(TRUSTED, "PUT,DELETE"), status=403
    )
    assert "Access-Control-Allow-Methods" not in response.headers


def test_rs_cors_170_request_header_list_costs_bounded_work(
    client: Callable[..., webtest.TestApp],
) -> None:
    """1 MiB of commas cost rs/cors 127 ms and 121 MB; corsware refuses oversized lists unread."""
    response = client().options(
        "/x", headers=preflight_headers(TRUSTED, "PUT", "," * (1 << 20)), status=403
    )
    assert response.text == "CORS preflight rejected: requested headers not allowed\n"


def test_flask_cors_method_substring_check(client: Callable[..., webtest.TestApp]) -> None:
    """flask-cors checked the method as a substring of 'DELETE, GET, ...': 'E' passed."""
    response = client(origins=[TRUSTED]).options(
        "/x", headers=preflight_headers(TRUSTED, "E"), status=403
    )
    assert "Access-Control-Allow-Methods" not in response.headers


def test_flask_cors_324_misspelt_option_fails_loudly(spy: SpyApp) -> None:
    """flask-cors logged an invisible warning for origin= and then allowed every origin."""
    with pytest.raises(CORSConfigError, match="did you mean 'origins'"):
        CORSMiddleware(spy, origin=TRUSTED)  # type: ignore[call-arg]


def test_flask_cors_unanchored_resource_regex_apiary(spy: SpyApp) -> None:
    """flask-cors' r'/api/*' resource was a regex that also matched /apiary."""
    middleware = CORSMiddleware(spy, resources={"/api/*": {"origins": "*"}})
    assert "Vary" not in get_response(middleware, "/apiary", EVIL).headers


# ---- variants and other libraries -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "origin", "acrh"),
    [
        pytest.param("/foo\r\nINFO:fake entry", EVIL, None, id="crlf in path"),
        pytest.param("/foo", EVIL + "\r\nINFO:fake entry", None, id="crlf in origin"),
        pytest.param("/foo", EVIL, "x\nINFO:fake entry", id="lf in request headers"),
        pytest.param("/foo", "\x1b[31mred\u2028", None, id="terminal escape and line separator"),
    ],
)
def test_cve_2024_1681_variant_every_logged_value_is_escaped(
    caplog: pytest.LogCaptureFixture, path: str, origin: str, acrh: str | None
) -> None:
    """flask-cors logged the path raw; every other logged value (headers, escapes) is a vector too."""
    options = {"origins": [TRUSTED]}
    request = Request("OPTIONS", path, origin, "PUT", acrh, None)
    with caplog.at_level(logging.DEBUG, logger="corsware"):
        send(options, request)
        send(options, get(path, origin))
    assert len(caplog.records) == 2
    for record in caplog.records:
        message = record.getMessage()
        assert message.isascii()
        assert not any(ch in message for ch in "\r\n\x1b\x00")


@pytest.mark.parametrize(
    ("method", "pna", "expected"),
    [
        pytest.param("PUT", "true", ["true"], id="approved preflight asking for it"),
        pytest.param("DELETE", "true", [], id="refused method"),
        pytest.param("PUT", "TRUE", [], id="not exactly true"),
        pytest.param("PUT", "false", [], id="false"),
        pytest.param("PUT", None, [], id="not asked"),
    ],
)
def test_cve_2024_6221_variant_granted_only_on_approved_preflights(
    method: str, pna: str | None, expected: list[str]
) -> None:
    """With the opt-in, Access-Control-Allow-Private-Network goes only where it was asked for."""
    options = {"origins": [TRUSTED], "methods": ["PUT"], "allow_private_network": True}
    outcome = send(options, preflight("/", TRUSTED, method, pna=pna))
    assert outcome.values("Access-Control-Allow-Private-Network") == expected
    assert "Access-Control-Request-Private-Network" in ", ".join(outcome.values("Vary"))


# ---- origin matching: fcors, koa, Starlette --------------------------------------------------------


@pytest.mark.parametrize(
    ("origins", "origin"),
    [
        pytest.param(["https://*.foo.com", "https://bar.com"], "https://barfoo.com", id="exact"),
        pytest.param(["https://*.foo.com", "https://bar.com"], "https://x.barfoo.com", id="sub"),
        pytest.param(["https://*.foo.com", "https://*.bar.com"], "https://a.barfoo.com", id="two"),
        pytest.param(["https://*.a.foo.com"], "https://xa.foo.com", id="nested label boundary"),
        pytest.param(["http://localhost:*"], "http://localhost.evil.com", id="port wildcard"),
    ],
)
def test_ghsa_v84h_653v_4pq9_fcors_wildcards_sharing_a_suffix(origins: list[str], origin: str) -> None:
    """fcors (like jub0bs/cors GHSA-vhxv-fg4m-p2w8) let wildcard patterns share host suffixes."""
    assert acao(send({"origins": origins}, get("/", origin))) == []


@pytest.mark.parametrize(
    "origin",
    [pytest.param(EVIL, id="any origin"), pytest.param("null", id="null origin")],
)
def test_cve_2023_49803_default_policy_never_reflects_the_origin(origin: str) -> None:
    """koa/cors reflected the request's Origin when no origin option was given."""
    outcome = send({}, get("/", origin))
    assert acao(outcome) in ([], ["*"])
    assert origin not in {value for _, value in outcome.headers}


def test_starlette_1113_star_with_cookie_never_reflects() -> None:
    """Starlette reflected any Origin for allow_origins=['*'] when the request had a Cookie."""
    outcome = send({}, get("/", EVIL, HTTP_COOKIE="session=1"))
    assert acao(outcome) == ["*"]
    assert outcome.values("Access-Control-Allow-Credentials") == []


# ---- header handling: rs/cors, go-safeweb, Starlette, express, wsgicors, aiohttp-cors ---------------


def test_go_2024_2883_variant_preflight_commas_allocate_little() -> None:
    """rs/cors (GHSA-vh9x-phq6-fx54, #170) spent 127 ms and 121 MB on a preflight full of commas."""
    middleware = CORSMiddleware(SpyApp(), origins=[TRUSTED], allow_headers=["x-a"])
    environ = preflight("/", TRUSTED, headers="," * 1024 * 1024).environ()
    statuses: list[str] = []
    # Measured without wsgiref.validate around it: the linter's own checks allocate megabytes.
    tracemalloc.start()
    try:
        b"".join(middleware(environ, lambda status, headers, exc_info=None: statuses.append(status)))  # type: ignore[arg-type]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert statuses == ["403 Forbidden"]
    assert peak < 16 * 1024, f"{peak} bytes for one preflight"


def test_starlette_2560_and_dch_888_refused_origin_gets_no_credentials_or_expose() -> None:
    """Starlette (#2560), django-cors-headers (#888) and express sent ACAC/ACEH to refused origins."""
    options = {"origins": [TRUSTED], "allow_credentials": True, "expose_headers": ["X-Total"]}
    outcome = send(options, get("/", EVIL))
    assert outcome.cors_headers() == []


@pytest.mark.parametrize(
    "app_headers",
    [
        pytest.param([("Access-Control-Allow-Origin", "*")], id="app sets star"),
        pytest.param([("access-control-allow-origin", EVIL)], id="app sets another origin"),
        pytest.param(
            [("Access-Control-Allow-Credentials", "true"), ("Access-Control-Expose-Headers", "x")],
            id="app sets credentials",
        ),
    ],
)
def test_aiohttp_cors_271_variant_app_set_cors_headers_are_replaced(
    app_headers: list[tuple[str, str]],
) -> None:
    """Not just ACAO: credentials and expose headers the app set never leak to a refused origin."""
    allowed = send({"origins": [TRUSTED]}, get("/", TRUSTED), extra_headers=app_headers)
    assert acao(allowed) == [TRUSTED]
    assert allowed.values("Access-Control-Allow-Credentials") == []
    refused = send({"origins": [TRUSTED]}, get("/", EVIL), extra_headers=app_headers)
    assert refused.cors_headers() == []


def test_aiohttp_cors_and_cornice_rejection_body_never_echoes_the_request() -> None:
    """aiohttp-cors and Cornice echoed the attacker's Origin into the rejection body."""
    marker = "https://x.example<script>"
    outcome = send({"origins": [TRUSTED]}, preflight("/", marker, "PUT", "x-<b>"))
    assert outcome.status == "403 Forbidden"
    assert b"<" not in outcome.body
    assert b"x.example" not in outcome.body


def test_rs_cors_198_and_jub0bs_14_nobody_can_mutate_shared_header_values() -> None:
    """rs/cors handed shared header slices to handlers, so one response could corrupt the next."""
    shared_app_headers = [("Content-Type", "text/plain"), ("Content-Length", "2")]

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", shared_app_headers)
        return [b"ok"]

    middleware = CORSMiddleware(app, origins=[TRUSTED], allow_credentials=True)
    sent: list[list[tuple[str, str]]] = []

    def mutating_server(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        sent.append(list(headers))
        headers[:] = [(name, "tampered") for name, _ in headers]
        return lambda data: None

    for origin in (TRUSTED, TRUSTED, EVIL):
        environ = get("/", origin).environ()
        b"".join(middleware(environ, mutating_server))  # type: ignore[arg-type]
    assert shared_app_headers == [("Content-Type", "text/plain"), ("Content-Length", "2")]
    assert ("Access-Control-Allow-Credentials", "true") in sent[1]
    assert sent[0] == sent[1]
    assert ("Access-Control-Allow-Origin", TRUSTED) not in sent[2]


# ---- PortSwigger's 2016 classes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "origin",
    [
        pytest.param(TRUSTED + "\rContent-Type: text/html; charset=UTF-7", id="bare cr"),
        pytest.param(TRUSTED + "\r\nSet-Cookie: a=b", id="crlf"),
        pytest.param(TRUSTED + "\x00", id="nul"),
        pytest.param(TRUSTED + "\u0100", id="beyond latin-1"),
    ],
)
@pytest.mark.parametrize(
    "options",
    [
        pytest.param({"origins": [TRUSTED]}, id="listed origin"),
        pytest.param({"origins": [re.compile(r"https://trusted\.example.*", re.DOTALL)]}, id="regex"),
        pytest.param({"origins": lambda origin: True}, id="callable"),
    ],
)
def test_portswigger_2016_variant_header_injection_through_any_matcher(
    origin: str, options: dict[str, Any]
) -> None:
    """Reflecting an unvalidated Origin is response splitting (IE treated a bare CR as a break)."""
    outcome = send(options, get("/", origin))
    assert acao(outcome) == []
    invariants.check_header_values(outcome)


@pytest.mark.parametrize(
    "options",
    [
        pytest.param({"origins": ["https://*.example"]}, id="wildcard"),
        pytest.param({"origins": lambda origin: True}, id="callable"),
        pytest.param({"origins": [re.compile(r".*")]}, id="regex"),
    ],
)
def test_portswigger_2016_variant_null_is_covered_by_no_pattern(options: dict[str, Any]) -> None:
    """Sandboxed iframes send `Origin: null` at will; trusting it trusts everyone."""
    assert acao(send(options, get("/", "null"))) == []
    listed = send({"origins": ["null"]}, get("/", "null"))
    assert acao(listed) == ["null"]


def test_portswigger_2016_variant_null_gets_star_where_everyone_does() -> None:
    """Under `*` without credentials the response is public already: `null` reads it like anyone.

    Chromium, Firefox and WebKit all let a sandboxed iframe read an `*` response; refusing `null`
    there protects nothing. With credentials `*` is refused at start-up (CORS-E004).
    """
    assert acao(send({}, get("/", "null"))) == ["*"]


@pytest.mark.parametrize(
    "origin",
    [
        pytest.param("http://trusted.example", id="http downgrade of an https origin"),
        pytest.param("https://trusted.example:8443", id="other port"),
        pytest.param("https://sub.trusted.example", id="subdomain of an exact origin"),
        pytest.param("HTTPS://TRUSTED.EXAMPLE", id="upper case"),
        pytest.param("https://trusted.example/", id="trailing slash"),
        pytest.param("https://trusted.example.", id="trailing dot"),
    ],
)
def test_portswigger_2016_broken_parsing_exact_origin_is_exact(origin: str) -> None:
    """An exact origin grants that origin byte for byte, nothing around it."""
    assert acao(send({"origins": [TRUSTED], "allow_credentials": True}, get("/", origin))) == []


@pytest.mark.parametrize(
    "request_headers",
    [
        pytest.param("content-type, x-api-key", id="joined with comma-space"),
        pytest.param("content-type,x-api-key,content-type", id="repeated name"),
        pytest.param("x-api-key,content-type", id="unsorted"),
        pytest.param("Content-Type,X-Api-Key", id="not lower-cased"),
        pytest.param("content-type,,x-api-key", id="empty item"),
    ],
)
def test_rs_cors_184_split_request_header_lines_stay_allowed(request_headers: str) -> None:
    """AWS API Gateway splits ACRH into lines that servers join; rs/cors#184 then refused them."""
    options = {"origins": [TRUSTED], "allow_headers": ["X-Api-Key", "Content-Type"]}
    outcome = send(options, preflight("/", TRUSTED, "PUT", request_headers))
    assert outcome.status == "200 OK"


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("origin", id="origin"),
        pytest.param("Accept-Encoding", id="accept-encoding"),
        pytest.param("dnt", id="dnt"),
        pytest.param("Sec-Fetch-Mode", id="sec- prefix"),
        pytest.param("Proxy-Authorization", id="proxy- prefix"),
    ],
)
def test_dch_842_forbidden_request_headers_are_refused_in_config(name: str) -> None:
    """django-cors-headers shipped forbidden names such as origin and dnt in its defaults."""
    with pytest.raises(CORSConfigError, match="CORS-E006"):
        CORSPolicy(allow_headers=["x-api-key", name])
