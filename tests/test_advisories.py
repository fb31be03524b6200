"""One regression test per published CORS-middleware bypass class (shared/reference), named after it."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

import pytest
import webtest

from corsware import CORSConfigError, CORSMiddleware
from tests.conftest import SpyApp, cors_headers, preflight_headers

EVIL = "https://evil.example"
TRUSTED = "https://trusted.example"


def get(middleware: CORSMiddleware, path: str, origin: str) -> webtest.TestResponse:
    return webtest.TestApp(middleware, lint=True).get(
        path, headers={"Origin": origin}, expect_errors=True
    )


def test_cve_2024_6866_paths_are_case_sensitive(spy: SpyApp) -> None:
    """flask-cors matched resource paths case-insensitively: /PUBLIC/secret got the /public policy."""
    middleware = CORSMiddleware(
        spy, resources={"/public/*": {"origins": "*"}, "/*": {"origins": [TRUSTED]}}
    )
    assert cors_headers(get(middleware, "/PUBLIC/secret", EVIL)) == {}
    assert cors_headers(get(middleware, "/public/x", EVIL)) == {"Access-Control-Allow-Origin": "*"}


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
        granted = cors_headers(get(middleware, path, origin)).get("Access-Control-Allow-Origin")
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
    assert cors_headers(get(middleware, "/api/v1/admin/secret", EVIL)) == {}


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
    assert cors_headers(get(middleware, path, EVIL)) == {}
    assert cors_headers(get(middleware, path, TRUSTED)) == {}


def test_double_decoding_never_happens(spy: SpyApp) -> None:
    """PATH_INFO is already decoded once by the server; '%2f' left in it is literal, not a slash."""
    middleware = CORSMiddleware(
        spy, resources={"/public/*": {"origins": "*"}, "/*": {"origins": [TRUSTED]}}
    )
    assert cors_headers(get(middleware, "/public%2f..%2fadmin", EVIL)) == {}


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
    assert cors_headers(get(middleware, "/", origin)) == {}
    assert cors_headers(get(middleware, "/", "https://x.example.com")) != {}


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
    assert cors_headers(get(middleware, "/", origin)) == {}


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
    response = get(middleware, "/", origin)
    assert cors_headers(response) == {}


def test_gorilla_handlers_248_vary_on_rejected_and_originless_responses(spy: SpyApp) -> None:
    """Missing Vary on responses without ACAO let a shared cache serve them to allowed origins."""
    middleware = CORSMiddleware(spy, origins=[TRUSTED])
    assert get(middleware, "/", EVIL).headers["Vary"] == "Origin"
    assert webtest.TestApp(middleware, lint=True).get("/").headers["Vary"] == "Origin"


def test_aiohttp_cors_271_no_duplicate_allow_origin(spy: SpyApp) -> None:
    """An app (or a second layer) that also sets ACAO must not produce two values."""
    spy.headers.append(("Access-Control-Allow-Origin", "*"))
    response = get(CORSMiddleware(spy, origins=[TRUSTED]), "/", TRUSTED)
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
    client(origins=[TRUSTED]).options("/x", headers=preflight_headers(TRUSTED, "E"), status=403)


def test_flask_cors_324_misspelt_option_fails_loudly(spy: SpyApp) -> None:
    """flask-cors logged an invisible warning for origin= and then allowed every origin."""
    with pytest.raises(CORSConfigError, match="did you mean 'origins'"):
        CORSMiddleware(spy, origin=TRUSTED)  # type: ignore[call-arg]


def test_flask_cors_unanchored_resource_regex_apiary(spy: SpyApp) -> None:
    """flask-cors' r'/api/*' resource was a regex that also matched /apiary."""
    middleware = CORSMiddleware(spy, resources={"/api/*": {"origins": "*"}})
    assert "Vary" not in get(middleware, "/apiary", EVIL).headers
