"""Migration from flask-cors and django-cors-headers, judged by what a browser does.

Each configuration runs twice: in the real peer (flask-cors on a Flask app, django-cors-headers in a
configured Django) and as the migrated corsware config wrapping the same app without the peer. A
simulated browser (``corsware.browser.simulate``, the Fetch CORS protocol) sends each request of a
table to both, preflight included, and the outcomes must agree wherever the peer was safe. Where the
peer was unsafe the migration refuses, and the test shows the peer really letting the attack through.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import django
import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpRequest, HttpResponse
from django.test.utils import override_settings
from django.urls import re_path
from flask import Flask, make_response
from flask_cors import CORS
from werkzeug.test import Client

from corsware import CORSConfigError, CORSMiddleware, ErrorCode
from corsware.browser import BrowserRequest, Response, simulate
from corsware.migrate import from_django_cors_headers, from_flask_cors

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication

APP = "https://app.example.com"
LOCAL = "http://localhost:3000"
EVIL = "https://evil.test"
API = "http://api.test"
JSON = (("Content-Type", "application/json"),)

# ---- the browser's view ------------------------------------------------------------------------


def send_to(app: WSGIApplication) -> Callable[[str, str, tuple[tuple[str, str], ...]], Response]:
    client = Client(app)

    def transport(method: str, url: str, headers: tuple[tuple[str, str], ...]) -> Response:
        parts = urlsplit(url)
        answer = client.open(
            parts.path, method=method, headers=list(headers), base_url=f"{parts.scheme}://{parts.netloc}"
        )
        return Response(answer.status_code, tuple(answer.headers.to_wsgi_list()))

    return transport


Outcome = tuple[bool, bool, int | None]


def outcome(app: WSGIApplication, request: BrowserRequest) -> Outcome:
    """Allowed or blocked, whether script may read X-Total, and how long the preflight is cached."""
    verdict = simulate(request, send_to(app))
    return verdict.allowed, "x-total" in verdict.readable_headers, verdict.preflight_cache_seconds


def fetch(
    path: str,
    origin: str = APP,
    method: str = "GET",
    headers: tuple[tuple[str, str], ...] = (),
    *,
    credentials: bool = False,
    private: bool = False,
) -> BrowserRequest:
    return BrowserRequest(
        url=API + path,
        origin=origin,
        method=method,
        headers=headers,
        credentials=credentials,
        target_address_space="private" if private else None,
    )


# ---- flask-cors --------------------------------------------------------------------------------


def flask_app() -> Flask:
    app = Flask(__name__)

    @app.route("/", defaults={"path": ""}, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    @app.route("/<path:path>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def anything(path: str) -> Any:
        response = make_response("ok")
        response.headers["X-Total"] = "3"
        return response

    return app


def flask_pair(
    config: Mapping[str, object], options: Mapping[str, Any]
) -> tuple[WSGIApplication, WSGIApplication]:
    """The app under flask-cors, and the same app under the migrated corsware config."""
    peer = flask_app()
    peer.config.update(config)
    CORS(peer, **options)
    migrated = flask_app()
    migrated.wsgi_app = CORSMiddleware(  # type: ignore[method-assign]
        migrated.wsgi_app, **from_flask_cors(peer.config, **options)
    )
    return peer, migrated


FLASK_CASES = [
    pytest.param(
        {},
        {},
        [
            fetch("/api/items"),
            fetch("/api/items", EVIL, "PUT", JSON),
            fetch("/api/items", EVIL, "DELETE", (("X-Token", "1"),)),
            fetch("/api/items", credentials=True),
            fetch("/api/items", "null"),
        ],
        id="CORS(app) with the defaults",
    ),
    pytest.param(
        {"CORS_ORIGINS": [APP, LOCAL], "CORS_SUPPORTS_CREDENTIALS": True},
        {},
        [
            fetch("/api/items", credentials=True),
            fetch("/api/items", LOCAL, "PUT", (*JSON, ("Authorization", "Bearer x")), credentials=True),
            fetch("/api/items", EVIL, credentials=True),
            fetch("/api/items", EVIL, "PATCH", JSON),
            fetch("/api/items"),
        ],
        id="app.config origins with credentials",
    ),
    pytest.param(
        {},
        {
            "resources": {
                r"/api/*": {"origins": [APP], "supports_credentials": True},
                r"/public/*": {"origins": "*"},
            }
        },
        [
            fetch("/api/items", credentials=True),
            fetch("/api", method="PUT", headers=JSON, credentials=True),
            fetch("/api/items", EVIL),
            fetch("/public/logo.png", EVIL),
            fetch("/public/logo.png", EVIL, "DELETE"),
            fetch("/other"),
        ],
        id="resources with per-path options",
    ),
    pytest.param(
        {"CORS_EXPOSE_HEADERS": "X-Total", "CORS_MAX_AGE": timedelta(minutes=10)},
        {
            "origins": APP,
            "methods": ["GET", "POST"],
            "allow_headers": ["Content-Type", "X-Token"],
        },
        [
            fetch("/r", method="POST", headers=(*JSON, ("X-Token", "1"))),
            fetch("/r", method="PUT", headers=JSON),
            fetch("/r", headers=(("X-Other", "1"),)),
            fetch("/r"),
        ],
        id="methods, headers, expose headers and max age",
    ),
    pytest.param(
        {},
        {"origins": [r"^https://[a-z0-9-]+\.example\.com$"], "supports_credentials": True},
        [
            fetch("/r", "https://shop.example.com", credentials=True),
            fetch("/r", "https://shop.example.com.attacker.test", credentials=True),
            fetch("/r", "https://example.com"),
        ],
        id="an end-anchored origin regex",
    ),
    pytest.param(
        {},
        {"origins": "https://App.Example.com", "methods": "get, put", "max_age": 0},
        [fetch("/r", method="PUT", headers=JSON), fetch("/r", method="DELETE")],
        id="mixed-case origin and a methods string",
    ),
    pytest.param(
        {"CORS_RESOURCES": [r"/v1/users/\d+", "/exact"]},
        {"expose_headers": ["X-Total"]},
        [
            fetch("/v1/users/42"),
            fetch("/v1/users/42/avatar"),
            fetch("/v1/users/me"),
            fetch("/exact"),
            fetch("/exact/not"),
        ],
        id="a path regex keeps its prefix meaning; a literal path is exact",
    ),
    pytest.param(
        {},
        {
            "resources": {
                re.compile(r"/internal/[a-z]+$"): {"origins": [APP], "allow_private_network": True}
            }
        },
        [
            fetch("/internal/metrics", private=True),
            fetch("/internal/metrics/raw", private=True),
            fetch("/internal/metrics", EVIL, private=True),
        ],
        id="compiled path regex and private network access",
    ),
]


@pytest.mark.parametrize(("config", "options", "requests"), FLASK_CASES)
def test_flask_cors_migration_gives_the_same_browser_outcomes(
    config: dict[str, object], options: dict[str, Any], requests: list[BrowserRequest]
) -> None:
    peer, migrated = flask_pair(config, options)
    outcomes = [(outcome(peer, request), outcome(migrated, request)) for request in requests]
    assert [peer for peer, _ in outcomes] == [ours for _, ours in outcomes]
    assert any(allowed for (allowed, _, _), _ in outcomes), "each case allows something"


@pytest.mark.parametrize(
    ("config", "options", "request_"),
    [
        pytest.param(
            {},
            {"resources": {r"/api/*": {"origins": [APP]}}},
            fetch("/apiary"),
            id="'/api/*' was a prefix regex covering /apiary; corsware's '/api/*' does not",
        ),
    ],
)
def test_flask_cors_migration_blocks_what_the_peer_should_not_have_allowed(
    config: dict[str, object], options: dict[str, Any], request_: BrowserRequest
) -> None:
    peer, migrated = flask_pair(config, options)
    assert outcome(peer, request_)[0] is True
    assert outcome(migrated, request_)[0] is False


def flask_peer(config: Mapping[str, object], options: Mapping[str, Any]) -> Flask:
    peer = flask_app()
    peer.config.update(config)
    CORS(peer, **options)
    return peer


@pytest.mark.parametrize(
    ("config", "options", "attack", "expected"),
    [
        pytest.param(
            {},
            {"supports_credentials": True},
            fetch("/r", EVIL, credentials=True),
            [("origins", "CORS-E004")],
            id="credentials with the default origins: any site reads users' data",
        ),
        pytest.param(
            {"CORS_SUPPORTS_CREDENTIALS": True},
            {"origins": ["*", APP]},
            fetch("/r", "null", credentials=True),
            [("origins", "CORS-E004")],
            id="credentials with '*' in a list trust even null",
        ),
        pytest.param(
            {},
            {"origins": [APP, r"https://.*\.example\.com"]},
            fetch("/r", "https://x.example.com.attacker.test"),
            [("origins[1]", "CORS-E021")],
            id="unanchored origin regex admits attacker suffixes",
        ),
        pytest.param(
            {"CORS_ORIGINS": "https://*.example.com"},
            {},
            fetch("/r", "https://xexample.com.attacker.test"),
            [("CORS_ORIGINS", "CORS-E021")],
            id="glob-looking origin was a prefix regex",
        ),
        pytest.param(
            {},
            {"origins": [re.compile(r"^https://a\.test$|^https://b\.test")]},
            fetch("/r", "https://b.test.attacker.test"),
            [("origins[0]", "CORS-E021")],
            id="one unanchored alternative is enough",
        ),
        pytest.param(
            {},
            {"resources": {r"/api/*": {"allow_headers": [r"X-Custom-.*"]}}},
            fetch("/api/r", APP, "PUT", (("X-Custom-Anything", "1"),)),
            [("resources['/api/*'].allow_headers[0]", "CORS-E021")],
            id="header regexes have no corsware equivalent",
        ),
        pytest.param(
            {},
            {
                "resources": {
                    r"/api/admin/.*": {"origins": ["https://admin.example.com"]},
                    r"/(api|v1|v2)/(public|open|shared)/?.*|/api/.*": {"origins": "*"},
                }
            },
            fetch("/api/admin/users", EVIL),
            [("resources['/api/admin/.*']", "CORS-E021")],
            id="CVE-2024-6839 as 6.0 still has it: a regex with more slashes answers for admin",
        ),
        pytest.param(
            {},
            {
                "resources": {
                    r"/api/*": {"origins": [APP], "supports_credentials": True},
                    re.compile(r"/.*"): {"origins": "*"},
                }
            },
            fetch("/api/users", EVIL),
            [("resources['/api/*']", "CORS-E021")],
            id="any compiled regex is tried before any regex string",
        ),
    ],
)
def test_flask_cors_migration_refuses_what_the_peer_got_wrong(
    config: dict[str, object],
    options: dict[str, Any],
    attack: BrowserRequest,
    expected: list[tuple[str, str]],
) -> None:
    assert outcome(flask_peer(config, options), attack)[0] is True
    with pytest.raises(CORSConfigError) as caught:
        from_flask_cors(config, **options)
    assert [(p.option, p.code) for p in caught.value.problems] == expected


@pytest.mark.parametrize(
    ("migrate", "written", "meaning"),
    [
        pytest.param(
            lambda text: from_flask_cors(origins=text),
            "http://localhost:*",
            "pattern ('*' standing for any port)",
            id="flask-cors-any-port",
        ),
        pytest.param(
            lambda text: from_flask_cors(origins=[text], supports_credentials=True),
            "https://*.example.com",
            "pattern ('*' standing for any subdomain)",
            id="flask-cors-subdomains-with-credentials",
        ),
        pytest.param(
            lambda text: from_flask_cors(origins=[re.compile(text)]),
            "https://app.example.com",
            "exact origin",
            id="flask-cors-compiled-exact-origin",
        ),
        pytest.param(
            lambda text: from_django_cors_headers({"CORS_ALLOWED_ORIGIN_REGEXES": [text]}),
            "https://*.example.com:*",
            "pattern ('*' standing for any subdomain and any port)",
            id="django-subdomains-and-ports",
        ),
    ],
)
def test_glob_looking_origin_refusal_says_what_the_same_text_means_in_corsware(
    migrate: Callable[[str], object], written: str, meaning: str
) -> None:
    with pytest.raises(CORSConfigError) as caught:
        migrate(written)
    [problem] = caught.value.problems
    assert problem.code == ErrorCode.UNSAFE_PEER_SETTING
    assert problem.value == written
    # The fix never hands back what the user already wrote: it says what that text means here.
    assert written not in problem.fix
    assert f"the same text is a corsware {meaning}, which does not admit the same" in problem.fix
    assert "does not carry it over" in problem.fix


@pytest.mark.parametrize(
    ("config", "options", "expected"),
    [
        pytest.param(
            {},
            {"origins": [APP], "resources": {"/api/*": {}, "/api/v1/*": {}, "/exact": {}}},
            ["/exact", "/api/v1/*", "/api/*"],
            id="literals first, then more slashes",
        ),
        pytest.param(
            {},
            {"resources": {r"/a/.*": {}, re.compile(r"/b"): {}, "/c": {}}},
            ["/c", re.compile(r"/b(?s:.*)"), re.compile(r"/a/(?s:.*)")],
            id="compiled regexes before regex strings",
        ),
        pytest.param(
            {"CORS_RESOURCES": "*"},
            {},
            None,
            id="'*' covers every path: plain options",
        ),
        pytest.param(
            {},
            {"resources": {"/.*": {}, "/x/*": {}}},
            ["/x/*", "/*"],
            id="'/.*' is every path",
        ),
        pytest.param(
            {},
            {"resources": [r"^/a|^/b", r"(?i)/c|/d", r"/e/.*\Z"]},
            [
                re.compile(r"(?:^/a|^/b)(?s:.*)"),
                re.compile(r"(?:/c|/d)(?s:.*)", re.IGNORECASE),
                re.compile(r"/e/.*\Z"),
            ],
            id="prefix meaning kept: alternatives grouped, inline flags kept, anchored as is",
        ),
        pytest.param(
            {},
            {"resources": {r"/api/*": {"origins": [APP]}, re.compile(r"/api/v[0-9]+/.*"): {}}},
            [re.compile(r"/api/v[0-9]+/(?s:.*)"), "/api/*"],
            id="an earlier regex that does not cover a later resource's paths is fine",
        ),
        pytest.param(
            {},
            {"resources": [r"/api/.*", re.compile(r"/.*")]},
            [re.compile(r"/api/(?s:.*)"), re.compile(r"/(?s:.*)")],
            id="overlapping resources with the same options are fine",
        ),
    ],
)
def test_flask_cors_resources_keep_their_order_and_meaning(
    config: dict[str, object], options: dict[str, Any], expected: list[object] | None
) -> None:
    migrated = from_flask_cors(config, **options)
    if expected is None:
        assert "resources" not in migrated
    else:
        assert list(migrated["resources"]) == expected


@pytest.mark.parametrize(
    ("config", "options", "expected"),
    [
        pytest.param(
            {"CORS_ORIGIN": APP, "SECRET_KEY": "not a CORS key", "CORS_MAX_AGE": None},
            {"origin": APP, "resources": {"/a": {"orgins": APP}}},
            [
                ("CORS_ORIGIN", "CORS-E001", "did you mean 'CORS_ORIGINS'?"),
                ("origin", "CORS-E001", "did you mean 'origins'?"),
                ("resources['/a'].orgins", "CORS-E001", "did you mean 'origins'?"),
            ],
            id="unknown options flask-cors only logged",
        ),
        pytest.param(
            {"CORS_SUPPORTS_CREDENTIALS": "false"},
            {"allow_private_network": "no", "origins": APP},
            [
                ("CORS_SUPPORTS_CREDENTIALS", "CORS-E002", "True or False"),
                ("allow_private_network", "CORS-E002", "True or False"),
            ],
            id="strings flask-cors read as true",
        ),
        pytest.param(
            {},
            {
                "origins": [3, b"x", re.compile(rb"x"), "https://(x"],
                "methods": 5,
                "allow_headers": None,
                "expose_headers": [1],
                "max_age": 1.5,
            },
            [
                ("origins[0]", "CORS-E002", "a string"),
                ("origins[1]", "CORS-E002", "a string"),
                ("origins[2]", "CORS-E002", "a string"),
                ("origins[3]", "CORS-E002", "correct it"),
                ("methods", "CORS-E002", "method names"),
                ("allow_headers", "CORS-E002", "header names"),
                ("expose_headers", "CORS-E002", "header names"),
                ("max_age", "CORS-E002", "seconds"),
            ],
            id="values of the wrong type",
        ),
        pytest.param(
            {},
            {"origins": 7, "resources": {"/a": "not options", "/(b": {}, 3: {}}},
            [
                ("resources['/a']", "CORS-E002", "a dict of options"),
                ("origins", "CORS-E002", "a list of them"),
                ("resources[3]", "CORS-E002", "compiled str pattern"),
                ("resources['/(b']", "CORS-E008", "correct it"),
            ],
            id="resources of the wrong shape",
        ),
        pytest.param({}, {"resources": 3}, [("resources", "CORS-E002", "a dict")], id="resources"),
        pytest.param(
            {},
            {"allow_headers": ["X-(bad"]},
            [("allow_headers[0]", "CORS-E002", "correct it")],
            id="an invalid header regex",
        ),
        pytest.param(
            {},
            {"origins": ["https://a.test/", "null"], "supports_credentials": True},
            [
                ("origins[0]", "CORS-E003", "'https://a.test'"),
                ("origins[1]", "CORS-E004", "exact origins"),
            ],
            id="the policy's own problems, named as flask-cors names them",
        ),
        pytest.param(
            {"CORS_SUPPORTS_CREDENTIALS": True},
            {"resources": {"/a/*": {"origins": ["https://A.test:443"]}, "/b": {}}},
            [
                ("origins", "CORS-E004", "list the origins"),
                ("resources['/a/*'].origins[0]", "CORS-E003", "'https://a.test'"),
            ],
            id="a resource inheriting '*' with credentials, and a resource's own problem",
        ),
        pytest.param(
            {"CORS_MAX_AGE": -1},
            {"resources": {"/a": {"max_age": -1}, "/b": {}, "/c": {"max_age": -1}, "/d": {}}},
            [
                ("resources['/a'].max_age", "CORS-E007", "use 0"),
                ("CORS_MAX_AGE", "CORS-E007", "use 0"),
                ("resources['/c'].max_age", "CORS-E007", "use 0"),
            ],
            id="a value every resource shares is named everywhere it was written, each once",
        ),
        pytest.param(
            {},
            {"resources": {"/api/admin": {"origins": [APP]}, r"/api/admin$": {"origins": "*"}}},
            [("resources['/api/admin$']", "CORS-E021", "the order you write them")],
            id="a regex resource whose paths an earlier literal path takes",
        ),
        pytest.param(
            {},
            {"resources": {"api": {"origins": [APP]}, r"/api.*": {"origins": "*"}}},
            [("resources['api']", "CORS-E008", "'/api'")],
            id="an invalid literal path covers nothing",
        ),
    ],
)
def test_from_flask_cors_reports_every_problem_in_flask_cors_names(
    config: dict[str, object], options: dict[str, Any], expected: list[tuple[str, str, str]]
) -> None:
    with pytest.raises(CORSConfigError) as caught:
        from_flask_cors(config, **options)
    got = [(p.option, p.code) for p in caught.value.problems]
    assert got == [(option, code) for option, code, _ in expected]
    for problem, (_, _, fix) in zip(caught.value.problems, expected, strict=True):
        assert fix in problem.fix


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        pytest.param({}, {"origins": "*", "max_age": None}, id="defaults"),
        pytest.param(
            {"origins": [APP], "methods": "*", "allow_headers": ["X-A", "*"]},
            {"methods": "*", "allow_headers": "*"},
            id="wildcards",
        ),
        pytest.param(
            {"origins": re.compile(r"https://a\.test$"), "max_age": "600"},
            {"origins": (re.compile(r"https://a\.test$"),), "max_age": 600},
            id="one compiled origin and a max_age string",
        ),
        pytest.param(
            {"origins": APP, "expose_headers": "X-A, X-B", "max_age": 0},
            {"expose_headers": ("X-A", "X-B"), "max_age": None},
            id="expose headers string and max_age 0",
        ),
        pytest.param(
            {"origins": APP, "allow_headers": "X-A", "send_wildcard": True, "vary_header": False},
            {"allow_headers": ("X-A",)},
            id="options with nothing to migrate",
        ),
    ],
)
def test_from_flask_cors_values(options: dict[str, Any], expected: dict[str, object]) -> None:
    migrated = from_flask_cors(**options)
    assert {key: migrated[key] for key in expected} == expected


# ---- django-cors-headers -----------------------------------------------------------------------


def anything(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("ok")
    response["X-Total"] = "3"
    return response


urlpatterns = [re_path(r"", anything)]


def configure_django() -> None:
    """Configure Django once for the process, unless another test module already has."""
    if not settings.configured:
        settings.configure(SECRET_KEY="corsware tests", USE_TZ=True)  # noqa: S106
    django.setup()


@contextmanager
def django_pair(
    cors: Mapping[str, object], urls: str = __name__
) -> Iterator[tuple[WSGIHandler, WSGIHandler]]:
    """The app under django-cors-headers, and under corsware migrated from the same settings."""
    configure_django()
    site = {"ROOT_URLCONF": urls, "ALLOWED_HOSTS": ["*"], "DEBUG": False}
    with override_settings(**site, MIDDLEWARE=[]):
        plain = WSGIHandler()
    with override_settings(**site, MIDDLEWARE=["corsheaders.middleware.CorsMiddleware"], **cors):
        # django-cors-headers reads its settings on every request, so both run inside this block.
        yield WSGIHandler(), CORSMiddleware(plain, **from_django_cors_headers(settings))


DJANGO_CASES = [
    pytest.param(
        {"CORS_ALLOWED_ORIGINS": [APP, LOCAL], "CORS_ALLOW_CREDENTIALS": True},
        [
            fetch("/api/items", credentials=True),
            fetch("/api/items", LOCAL, "PUT", (*JSON, ("Authorization", "x")), credentials=True),
            fetch("/api/items", method="PATCH", headers=(("X-Other", "1"),)),
            fetch("/api/items", EVIL, credentials=True),
        ],
        id="allowed origins with credentials and the default methods and headers",
    ),
    pytest.param(
        {"CORS_ALLOW_ALL_ORIGINS": True, "CORS_EXPOSE_HEADERS": ["X-Total"]},
        [
            fetch("/r", EVIL),
            fetch("/r", EVIL, "DELETE", JSON),
            fetch("/r", EVIL, credentials=True),
            fetch("/r", "null"),
        ],
        id="allow all origins without credentials",
    ),
    pytest.param(
        {
            "CORS_ALLOWED_ORIGIN_REGEXES": [r"^https://\w+\.example\.com$"],
            "CORS_URLS_REGEX": r"^/api/.*$",
        },
        [
            fetch("/api/items", "https://shop.example.com"),
            fetch("/api/items", "https://shop.example.com.attacker.test"),
            fetch("/other", "https://shop.example.com"),
            fetch("/apiary", "https://shop.example.com"),
        ],
        id="anchored origin regex and an anchored URL regex",
    ),
    pytest.param(
        {"CORS_ORIGIN_WHITELIST": [APP], "CORS_URLS_REGEX": re.compile(r"^/api")},
        [fetch("/api/items"), fetch("/apiary", method="PUT", headers=JSON), fetch("/ap")],
        id="old setting names and a prefix URL regex, kept a prefix",
    ),
    pytest.param(
        {"CORS_ALLOWED_ORIGINS": [APP], "CORS_URLS_REGEX": re.compile(r"^/api/  # the API", re.X)},
        [fetch("/api/items"), fetch("/apiary"), fetch("/other/api/")],
        id="verbose URL regex ending in a comment, kept a prefix",
    ),
    pytest.param(
        {
            "CORS_ALLOWED_ORIGINS": [APP],
            "CORS_URLS_REGEX": r"(?x) ^/api/ # the API" "\n" r" | ^/v2/ # and version 2",
        },
        [fetch("/api/items"), fetch("/v2/items"), fetch("/v3/items"), fetch("/apiary")],
        id="verbose URL regex with commented alternatives, kept a prefix",
    ),
    pytest.param(
        {
            "CORS_ALLOWED_ORIGINS": [APP],
            "CORS_ALLOW_METHODS": ["GET", "POST"],
            "CORS_ALLOW_HEADERS": ["content-type", "x-token"],
            "CORS_EXPOSE_HEADERS": ["X-Total"],
            "CORS_PREFLIGHT_MAX_AGE": 0,
            "CORS_ALLOW_PRIVATE_NETWORK": True,
        },
        [
            fetch("/r", method="POST", headers=(*JSON, ("X-Token", "1"))),
            fetch("/r", method="PUT", headers=JSON),
            fetch("/r", private=True),
            fetch("/r"),
        ],
        id="methods, headers, expose headers, max age 0 and private network",
    ),
    pytest.param(
        {"CORS_ORIGIN_ALLOW_ALL": True, "CORS_ALLOW_METHODS": ["*"], "CORS_ALLOW_HEADERS": ["*"]},
        [fetch("/r", EVIL, "PUT", (("X-Anything", "1"),))],
        id="old allow-all name and lone '*' lists",
    ),
]


@pytest.mark.parametrize(("cors", "requests"), DJANGO_CASES)
def test_django_cors_headers_migration_gives_the_same_browser_outcomes(
    cors: dict[str, object], requests: list[BrowserRequest]
) -> None:
    with django_pair(cors) as (peer, migrated):
        outcomes = [(outcome(peer, request), outcome(migrated, request)) for request in requests]
    assert [peer for peer, _ in outcomes] == [ours for _, ours in outcomes]
    assert any(allowed for (allowed, _, _), _ in outcomes), "each case allows something"


@pytest.mark.parametrize(
    ("cors", "attack", "expected"),
    [
        pytest.param(
            {"CORS_ALLOW_ALL_ORIGINS": True, "CORS_ALLOW_CREDENTIALS": True},
            fetch("/r", EVIL, credentials=True),
            [("CORS_ALLOW_ALL_ORIGINS", "CORS-E004")],
            id="allow all origins with credentials",
        ),
        pytest.param(
            {"CORS_ALLOWED_ORIGIN_REGEXES": [r"^https://\w+\.example\.com"]},
            fetch("/r", "https://shop.example.com.attacker.test"),
            [("CORS_ALLOWED_ORIGIN_REGEXES[0]", "CORS-E021")],
            id="unanchored origin regex",
        ),
        pytest.param(
            {"CORS_ORIGIN_REGEX_WHITELIST": [re.compile(r"https://(a|b)\.test$|https://c\.test")]},
            fetch("/r", "https://c.test.attacker.test"),
            [("CORS_ORIGIN_REGEX_WHITELIST[0]", "CORS-E021")],
            id="old name, compiled, one alternative unanchored",
        ),
    ],
)
def test_django_cors_headers_migration_refuses_what_the_peer_got_wrong(
    cors: dict[str, object], attack: BrowserRequest, expected: list[tuple[str, str]]
) -> None:
    with django_pair({}) as _, override_settings(**cors):
        peer = WSGIHandler()
        assert outcome(peer, attack)[0] is True
        with pytest.raises(CORSConfigError) as caught:
            from_django_cors_headers(settings)
    assert [(p.option, p.code) for p in caught.value.problems] == expected


@pytest.mark.parametrize(
    ("cors", "expected"),
    [
        pytest.param(
            {
                "CORS_REPLACE_HTTPS_REFERER": True,
                "CORS_ALLOWED_ORIGIN": [APP],
                "CORS_ALLOW_METHODS": "GET",
                "CORS_ALLOW_CREDENTIALS": "yes",
                "CORS_PREFLIGHT_MAX_AGE": 1.5,
                "CORS_URLS_REGEX": 3,
            },
            [
                ("CORS_REPLACE_HTTPS_REFERER", "CORS-E001", "remove it"),
                ("CORS_ALLOWED_ORIGIN", "CORS-E001", "'CORS_ALLOWED_ORIGINS'"),
                ("CORS_ALLOW_CREDENTIALS", "CORS-E002", "True or False"),
                ("CORS_ALLOW_METHODS", "CORS-E002", "a list or tuple"),
                ("CORS_PREFLIGHT_MAX_AGE", "CORS-E002", "seconds"),
                ("CORS_URLS_REGEX", "CORS-E002", "compiled str pattern"),
            ],
            id="unknown, removed and mistyped settings",
        ),
        pytest.param(
            {
                "CORS_ORIGIN_WHITELIST": ["https://a.test/", "null"],
                "CORS_ALLOWED_ORIGIN_REGEXES": ["https://(x", r"^https://ok\.test$", "^.*$"],
                "CORS_ALLOW_CREDENTIALS": True,
                "CORS_PREFLIGHT_MAX_AGE": -1,
                "CORS_URLS_REGEX": "^/api/",
            },
            [
                ("CORS_ALLOWED_ORIGIN_REGEXES[0]", "CORS-E002", "correct it"),
                ("CORS_ORIGIN_WHITELIST[0]", "CORS-E003", "'https://a.test'"),
                ("CORS_ORIGIN_WHITELIST[1]", "CORS-E004", "exact origins"),
                ("CORS_ALLOWED_ORIGIN_REGEXES[2]", "CORS-E004", "exact origins"),
                ("CORS_PREFLIGHT_MAX_AGE", "CORS-E007", "use 0"),
            ],
            id="the policy's own problems, named by setting",
        ),
        pytest.param(
            {"CORS_ALLOWED_ORIGINS": APP, "CORS_ALLOWED_ORIGIN_REGEXES": re.compile("x")},
            [
                ("CORS_ALLOWED_ORIGINS", "CORS-E002", "a list or tuple"),
                ("CORS_ALLOWED_ORIGIN_REGEXES", "CORS-E002", "a list or tuple"),
            ],
            id="a bare string or pattern where django-cors-headers wants a list",
        ),
        pytest.param(
            {"CORS_ALLOWED_ORIGIN_REGEXES": [7]},
            [("CORS_ALLOWED_ORIGIN_REGEXES[0]", "CORS-E002", "compiled str pattern")],
            id="a regex of the wrong type",
        ),
    ],
)
def test_from_django_cors_headers_reports_every_problem_by_setting(
    cors: dict[str, object], expected: list[tuple[str, str, str]]
) -> None:
    with pytest.raises(CORSConfigError) as caught:
        from_django_cors_headers(cors)
    got = [(p.option, p.code) for p in caught.value.problems]
    assert got == [(option, code) for option, code, _ in expected]
    for problem, (_, _, fix) in zip(caught.value.problems, expected, strict=True):
        assert fix in problem.fix


@pytest.mark.parametrize(
    ("cors", "expected"),
    [
        pytest.param(
            {"DEBUG": True},
            {
                "origins": (),
                "methods": ("DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT"),
                "allow_headers": (
                    "accept",
                    "authorization",
                    "content-type",
                    "user-agent",
                    "x-csrftoken",
                    "x-requested-with",
                ),
                "expose_headers": (),
                "allow_credentials": False,
                "max_age": 86400,
                "allow_private_network": False,
            },
            id="defaults: no origin allowed, as in django-cors-headers",
        ),
        pytest.param(
            {"CORS_ALLOWED_ORIGINS": [APP], "CORS_ORIGIN_WHITELIST": [LOCAL]},
            {"origins": (APP,)},
            id="the new name wins over the old",
        ),
        pytest.param(
            {"CORS_ALLOWED_ORIGINS": (APP,), "CORS_URLS_REGEX": r"^/api/|^/v2/"},
            {"origins": (APP,), "resources": {re.compile(r"(?:^/api/|^/v2/)(?s:.*)"): {}}},
            id="tuples accepted; URL regex alternatives keep their prefix meaning",
        ),
        pytest.param(
            {"CORS_ALLOW_ALL_ORIGINS": True, "CORS_URLS_REGEX": ".*"},
            {"origins": "*"},
            id="a URL regex for every path needs no resource",
        ),
    ],
)
def test_from_django_cors_headers_values(cors: dict[str, object], expected: dict[str, object]) -> None:
    migrated = from_django_cors_headers(cors)
    assert {key: migrated.get(key) for key in expected} == expected
    assert ("resources" in migrated) == ("resources" in expected)


# ---- proving a regex anchored ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "anchored"),
    [
        pytest.param(r"^https://a\.test$", True, id="dollar"),
        pytest.param(r"https://a\.test\Z", True, id="backslash Z"),
        pytest.param(r"https://(a|b)\.test$", True, id="alternatives inside a group"),
        pytest.param(r"https://a\.test$|https://b\.test\Z", True, id="every alternative anchored"),
        pytest.param(r"(?:https://a\.test$|(?P<x>https://b\.test$))", True, id="nested groups"),
        pytest.param(r"(?i:https://a\.test$)", True, id="scoped flags group"),
        pytest.param(r"(?>https://a\.test$)", True, id="atomic group"),
        pytest.param(r"https://a\.test", False, id="no anchor"),
        pytest.param(r"https://a\.test\$", False, id="escaped dollar"),
        pytest.param(r"https://a\.test[$]", False, id="dollar in a class"),
        pytest.param(r"https://a\.test\\$", True, id="escaped backslash then dollar"),
        pytest.param(r"https://a\.test$|", False, id="empty alternative"),
        pytest.param(r"https://a\.test$|https://b", False, id="one alternative unanchored"),
        pytest.param(r"(https://a\.test$)?", False, id="optional group"),
        pytest.param(r"https://a(?=\.test$)", False, id="lookahead"),
        pytest.param(r"https://a\.test$(?#[x)", False, id="comment after the anchor"),
        pytest.param(r"[]$]x", False, id="class starting with ]"),
        pytest.param(r"[^]$]$", True, id="negated class starting with ]"),
        pytest.param(r"(?x) https://a\.test $", False, id="verbose is not analysed"),
    ],
)
def test_origin_regexes_are_converted_only_when_provably_anchored(pattern: str, anchored: bool) -> None:
    options = {"CORS_ALLOWED_ORIGIN_REGEXES": [re.compile(pattern)]}
    if anchored:
        assert from_django_cors_headers(options)["origins"] == (re.compile(pattern),)
    else:
        with pytest.raises(CORSConfigError) as caught:
            from_django_cors_headers(options)
        assert caught.value.problems[0].code == "CORS-E021"


# ---- the examples ------------------------------------------------------------------------------

EXAMPLE_REQUESTS = [
    fetch("/api/items", credentials=True),
    fetch("/api/items", LOCAL, "PUT", JSON, credentials=True),
    fetch("/api/items", EVIL),
    fetch("/api/items", "https://pr-7.preview.example.com", credentials=True),
    fetch("/public/status", EVIL),
    fetch("/public/status", EVIL, credentials=True),
]


def test_flask_cors_example_behaves_as_flask_cors_did() -> None:
    from examples import migrate_flask_cors as example  # noqa: PLC0415 - Flask app built on import

    peer = flask_app()
    peer.config.update({k: v for k, v in example.app.config.items() if k.startswith("CORS_")})
    CORS(peer, **example.FLASK_CORS_OPTIONS)
    outcomes = [(outcome(peer, r), outcome(example.app, r)) for r in EXAMPLE_REQUESTS]
    assert [peer for peer, _ in outcomes] == [ours for _, ours in outcomes]
    assert [allowed for (allowed, _, _), _ in outcomes] == [True, True, False, False, True, False]


def test_django_example_behaves_as_django_cors_headers_did() -> None:
    configure_django()
    from examples import migrate_django as example  # noqa: PLC0415 - configures Django if needed

    with django_pair(example.CORS_SETTINGS, urls=example.__name__) as (peer, _):
        application = example.make_application()
        outcomes = [(outcome(peer, r), outcome(application, r)) for r in EXAMPLE_REQUESTS]
    assert [peer for peer, _ in outcomes] == [ours for _, ours in outcomes]
    assert [allowed for (allowed, _, _), _ in outcomes] == [True, True, False, True, False, False]
