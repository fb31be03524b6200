"""The `corsware` command's options: --send, --help and --version, --json, --app, Local Network Access.

Real servers on 127.0.0.1 where HTTP is involved, real Flask and WSGI apps in temporary modules.
"""

from __future__ import annotations

import importlib.metadata
import json
import sys
import textwrap
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from corsware import CORSMiddleware, demo
from corsware.discovery import find_middleware
from tests.test_cli import ORIGIN, flat, run, run_json

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

pytestmark = pytest.mark.timeout(60)


def hello(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    start_response(
        "200 OK",
        [
            ("Content-Type", "text/plain"),
            ("Content-Length", "5"),
            ("X-Request-Id", "42"),
            ("Cache-Control", "no-store"),
        ],
    )
    return [b"hello"]


class Recorder:
    """A WSGI wrapper that records the method and path of every request that reaches the server."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app
        self.seen: list[tuple[str, str]] = []

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        self.seen.append((environ["REQUEST_METHOD"], environ["PATH_INFO"]))
        return self.app(environ, start_response)


@pytest.fixture(scope="module")
def server() -> Iterator[demo.DemoServer]:
    instance = demo.serve_in_thread(hello, quiet=True)
    with demo.running(instance):
        yield instance


@pytest.fixture
def api(server: demo.DemoServer) -> tuple[str, Recorder]:
    """An API that allows GET, PUT, DELETE and OPTIONS from ORIGIN, behind a request recorder."""
    recorder = Recorder(
        CORSMiddleware(
            hello,
            origins=[ORIGIN],
            methods=["GET", "PUT", "DELETE", "OPTIONS"],
            allow_headers=["X-A"],
            max_age=600,
        )
    )
    server.set_app(recorder)
    return demo.url_of(server), recorder


# ---- B.1: a method that is not safe is sent only with --send -----------------------------------


def test_delete_is_judged_from_its_preflight_without_send(
    capsys: pytest.CaptureFixture[str], api: tuple[str, Recorder]
) -> None:
    url, recorder = api
    status, result = run_json(
        capsys, "check", url + "/items/1", "--origin", ORIGIN, "--method", "DELETE"
    )
    assert status == 0
    assert recorder.seen == [("OPTIONS", "/items/1")]
    assert result["verdict"] == "preflight-allowed"
    assert result["not_sent"] == {
        "method": "DELETE",
        "url": url + "/items/1",
        "headers": [["Origin", ORIGIN]],
    }
    assert [exchange["kind"] for exchange in result["exchanges"]] == ["preflight"]
    assert result["preflight_cache_seconds"] == 600
    status, out, _ = run(capsys, "check", url + "/items/1", "--origin", ORIGIN, "--method", "DELETE")
    assert status == 0
    text = flat(out)
    assert (
        f"Not sent: DELETE {url}/items/1. DELETE is not a safe method, so check sends it only "
        "with --send." in text
    )
    assert (
        "ALLOWED BY THE PREFLIGHT: the browser now sends the DELETE; script can read its response if "
        f"that carries Access-Control-Allow-Origin: {ORIGIN} too. This verdict is based on the "
        "preflight only."
    ) in text


def test_send_sends_delete(capsys: pytest.CaptureFixture[str], api: tuple[str, Recorder]) -> None:
    url, recorder = api
    argv = ["check", url + "/items/1", "--origin", ORIGIN, "--method", "DELETE", "--send"]
    status, result = run_json(capsys, *argv)
    assert (status, result["verdict"], result["not_sent"]) == (0, "allowed", None)
    assert recorder.seen == [("OPTIONS", "/items/1"), ("DELETE", "/items/1")]


def test_credentials_ask_for_acac_on_the_unsent_response(
    capsys: pytest.CaptureFixture[str], server: demo.DemoServer
) -> None:
    server.set_app(CORSMiddleware(hello, origins=[ORIGIN], methods=["PUT"], allow_credentials=True))
    argv = ["check", demo.url_of(server) + "/", "--origin", ORIGIN, "--method", "PUT", "--credentials"]
    status, out, _ = run(capsys, *argv)
    assert status == 0
    assert (
        f"Access-Control-Allow-Origin: {ORIGIN} and Access-Control-Allow-Credentials: true too"
        in flat(out)
    )


@pytest.mark.parametrize(
    ("method", "sent"),
    [
        pytest.param("GET", [("GET", "/x")], id="GET"),
        pytest.param("HEAD", [("HEAD", "/x")], id="HEAD"),
        pytest.param(
            "options", [("OPTIONS", "/x"), ("OPTIONS", "/x")], id="OPTIONS, after its preflight"
        ),
        pytest.param("PUT", [("OPTIONS", "/x")], id="PUT: the preflight only"),
    ],
)
def test_safe_methods_are_sent_without_send(
    capsys: pytest.CaptureFixture[str],
    api: tuple[str, Recorder],
    method: str,
    sent: list[tuple[str, str]],
) -> None:
    url, recorder = api
    status, _ = run_json(capsys, "check", url + "/x", "--origin", ORIGIN, "--method", method)
    assert status == 0
    assert recorder.seen == sent


def test_a_refused_preflight_is_a_verdict_without_send(
    capsys: pytest.CaptureFixture[str], api: tuple[str, Recorder]
) -> None:
    url, recorder = api
    status, result = run_json(capsys, "check", url + "/x", "--origin", ORIGIN, "--method", "PATCH")
    assert (status, result["verdict"]) == (1, "blocked")
    assert result["failure"]["stage"] == "preflight"
    assert recorder.seen == [("OPTIONS", "/x")]


def test_a_simple_post_needs_send(capsys: pytest.CaptureFixture[str], api: tuple[str, Recorder]) -> None:
    url, recorder = api
    status, out, err = run(capsys, "check", url + "/x", "--origin", ORIGIN, "--method", "POST")
    assert (status, out) == (2, "")
    assert flat(err) == (
        "corsware check: a POST request needs no preflight, so check can judge it only by sending "
        "it, and POST is not a safe method: add --send to send it"
    )
    assert recorder.seen == []


# ---- B.2: --help lists the exit statuses; --version ---------------------------------------------


@pytest.mark.parametrize(
    ("argv", "zero"),
    [
        pytest.param(["--help"], "the browser allows the call (demo: every scenario", id="corsware"),
        pytest.param(["check", "--help"], "(or, without --send, its preflight allows it)", id="check"),
        pytest.param(["explain", "--help"], "the browser allows the call", id="explain"),
        pytest.param(["demo", "--help"], "every scenario came out as expected", id="demo"),
    ],
)
def test_help_lists_the_exit_statuses(
    capsys: pytest.CaptureFixture[str], argv: list[str], zero: str
) -> None:
    status, out, _ = run(capsys, *argv)
    assert status == 0
    statuses = out[out.index("exit status:") :]
    assert statuses.splitlines()[1].startswith("  0  ")
    assert zero in statuses.splitlines()[1]
    assert "\n  1  " in statuses
    assert "also when the output pipe is closed early" in statuses
    assert "\n  2  a usage error" in statuses
    assert "\n  130  interrupted (Ctrl+C)" in statuses


def test_check_help_says_what_send_and_private_network_do(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "check", "--help")
    text = flat(out)
    assert "not safe in RFC 9110's sense (anything but GET, HEAD and OPTIONS" in text
    assert "judged from its preflight alone and is not sent" in text
    assert "legacy: add the Private Network Access preflight that Chromium 104 to 141 sent" in text
    assert "--timeout SECONDS" in text


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--version")
    assert (status, out) == (0, f"corsware {importlib.metadata.version('corsware')}\n")


CHECK = ["check", "http://x/", "--origin", ORIGIN]
EXPLAIN = ["explain", "--config", "x.toml", "--path", "/", "--origin", ORIGIN, "--method", "GET"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param([*CHECK, "--timeout", "0"], "'0' is not a number of seconds", id="timeout 0"),
        pytest.param([*CHECK, "--timeout", "nan"], "'nan' is not a number", id="timeout nan"),
        pytest.param([*CHECK, "--timeout", "soon"], "'soon' is not a number", id="timeout soon"),
        pytest.param(["demo", "--port", "65536"], "'65536' is not a port number", id="port 65536"),
        pytest.param(["demo", "--port", "9" * 5000], "is not a port number", id="port of 5000 digits"),
        pytest.param([*CHECK, "--header", "X-A: a\rb"], "cannot hold NUL, CR, LF", id="CR in a header"),
        pytest.param([*CHECK, "--header", "X-A: \u20ac"], "above U+00FF", id="euro sign in a header"),
        pytest.param(["check", "http://x:99999/", "--origin", ORIGIN], "valid host and port", id="port"),
        pytest.param(["check", "http://a b/", "--origin", ORIGIN], "valid host and port", id="host"),
        pytest.param([*CHECK, "--method", "GET PUT"], "--method: ", id="method"),
        pytest.param(
            [*EXPLAIN, "--api-origin", "ftp://x"], "must be an http(s) origin", id="ftp origin"
        ),
        pytest.param([*EXPLAIN, "--api-origin", "http://x/a"], "must be an http(s) origin", id="a path"),
    ],
)
def test_option_values_are_checked(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    status, out, err = run(capsys, *argv)
    assert (status, out) == (2, "")
    assert message in flat(err)


def test_demo_port_in_use(capsys: pytest.CaptureFixture[str], server: demo.DemoServer) -> None:
    status, _, err = run(capsys, "demo", "--port", str(server.server_port))
    assert status == 2
    assert f"--port {server.server_port}: cannot serve on 127.0.0.1:{server.server_port}" in flat(err)


# ---- B.3: the JSON schema -----------------------------------------------------------------------


def test_check_json_is_versioned_and_leaves_volatile_headers_out(
    capsys: pytest.CaptureFixture[str], api: tuple[str, Recorder]
) -> None:
    url, _ = api
    _, result = run_json(capsys, "check", url + "/x", "--origin", ORIGIN, "--header", "X-A: 1")
    assert result["schema"] == "corsware.check/1"
    assert list(result) == [
        "schema",
        "verdict",
        "request",
        "preflight",
        "preflight_reasons",
        "unsafe_headers",
        "exchanges",
        "not_sent",
        "failure",
        "readable_headers",
        "hidden_headers",
        "preflight_cache_seconds",
        "local_network_access",
        "notes",
        "warnings",
        "engines",
    ]
    names = {
        name.lower() for exchange in result["exchanges"] for name, _ in exchange["response_headers"]
    }
    assert names == {
        "access-control-allow-origin",
        "access-control-allow-methods",
        "access-control-allow-headers",
        "access-control-max-age",
        "cache-control",
        "vary",
    }
    assert {"date", "server", "x-request-id"} <= set(result["hidden_headers"])
    assert "content-length" in result["readable_headers"]


def test_explain_json_has_its_own_schema(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    config = tmp_path / "corsware.toml"
    config.write_text(f'origins = ["{ORIGIN}"]\n')
    argv = ["explain", "--config", str(config), "--path", "/x", "--origin", ORIGIN, "--method", "GET"]
    _, result = run_json(capsys, *argv)
    assert result["schema"] == "corsware.explain/1"
    assert result["exchanges"][0]["policy"].startswith("actual, origin allowed")


def test_a_failure_in_json(capsys: pytest.CaptureFixture[str], api: tuple[str, Recorder]) -> None:
    url, _ = api
    _, result = run_json(capsys, "check", url + "/x", "--origin", "https://evil.example")
    assert result["failure"] == {
        "code": "missing-allow-origin",
        "stage": "actual",
        "network_error": False,
        "reason": "No 'Access-Control-Allow-Origin' header is present on the requested resource.",
        "console_message": f"Access to fetch at '{url}/x' from origin 'https://evil.example' has been "
        "blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the "
        "requested resource.",
        "fix": result["failure"]["fix"],
    }


# ---- B.4: no-store on a cached preflight --------------------------------------------------------


def no_store_preflight(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    start_response(
        "204 No Content",
        [
            ("Access-Control-Allow-Origin", environ.get("HTTP_ORIGIN", "")),
            ("Access-Control-Allow-Methods", "PUT"),
            ("Access-Control-Max-Age", "600"),
            ("Cache-Control", "no-store"),
        ],
    )
    return []


def test_check_warns_about_no_store_on_a_cached_preflight(
    capsys: pytest.CaptureFixture[str], server: demo.DemoServer
) -> None:
    server.set_app(no_store_preflight)
    url = demo.url_of(server) + "/"
    status, out, _ = run(capsys, "check", url, "--origin", ORIGIN, "--method", "PUT")
    assert status == 0
    assert "      Cache-Control: no-store\n" in out
    assert (
        "Warning: The preflight response sets Access-Control-Max-Age: 600 but also Cache-Control: "
        "no-store, which says the opposite. Chromium, Firefox and WebKit (the engine of Safari), as "
        "tested, ignore no-store here"
    ) in flat(out)


# ---- B.5: explain --app ------------------------------------------------------------------------


APPS = {
    "plain": """
        from corsware import CORSMiddleware

        def hello(environ, start_response):
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"hello"]

        application = CORSMiddleware(hello, origins=["http://localhost:3000"], methods=["GET", "PUT"])
    """,
    "flask": """
        from flask import Flask
        from corsware import CORSMiddleware

        app = Flask(__name__)
        app.wsgi_app = CORSMiddleware(app.wsgi_app, origins=["http://localhost:3000"], methods=["PUT"])
    """,
    "proxied": """
        from flask import Flask
        from werkzeug.middleware.proxy_fix import ProxyFix
        from corsware import CORSMiddleware

        app = Flask(__name__)
        cors = CORSMiddleware(app.wsgi_app, origins=["http://localhost:3000"], methods=["PUT"])
        app.wsgi_app = ProxyFix(cors)
    """,
    "django_style": """
        from corsware import CORSMiddleware

        class WSGIHandler:
            def __call__(self, environ, start_response):
                start_response("200 OK", [])
                return []

        class Settings:
            application = CORSMiddleware(WSGIHandler(), origins=["http://localhost:3000"])

        settings = Settings()
    """,
    "bare_flask": """
        from flask import Flask

        app = Flask(__name__)
    """,
    "fastapi_added": """
        from fastapi import FastAPI
        from corsware.asgi import CORSMiddleware

        app = FastAPI()
        app.add_middleware(CORSMiddleware, origins=["http://localhost:3000"], methods=["PUT"])
    """,
    "starlette_wrapped": """
        from starlette.applications import Starlette
        from corsware.asgi import CORSMiddleware

        app = CORSMiddleware(Starlette(), origins=["http://localhost:3000"], methods=["PUT"])
    """,
    "starlette_mounted": """
        from starlette.applications import Starlette
        from starlette.middleware import Middleware
        from starlette.middleware.gzip import GZipMiddleware
        from corsware.asgi import CORSMiddleware

        app = Starlette(
            middleware=[
                Middleware(GZipMiddleware),
                Middleware(CORSMiddleware, origins=["http://localhost:3000"], methods=["PUT"]),
            ]
        )
    """,
    "deep": """
        from corsware import CORSMiddleware

        class Wrapper:
            def __init__(self, app):
                self.app = app

        app = CORSMiddleware(lambda environ, start_response: [], origins=["http://localhost:3000"])
        for _ in range(6):
            app = Wrapper(app)
    """,
    "broken": """
        raise RuntimeError("no database")
    """,
}


@pytest.fixture
def apps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The apps above as modules in a temporary current directory, forgotten afterwards."""
    for name, source in APPS.items():
        (tmp_path / f"corsware_test_{name}.py").write_text(textwrap.dedent(source))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [path for path in sys.path if path not in ("", str(tmp_path))])
    yield tmp_path
    for name in APPS:
        sys.modules.pop(f"corsware_test_{name}", None)


def explain_app(
    capsys: pytest.CaptureFixture[str], spec: str, method: str = "PUT"
) -> tuple[int, str, str]:
    return run(capsys, "explain", "--app", spec, "--path", "/x", "--origin", ORIGIN, "--method", method)


@pytest.mark.parametrize(
    "spec",
    [
        pytest.param("corsware_test_plain", id="module, default name application"),
        pytest.param("corsware_test_plain:application", id="plain WSGI middleware"),
        pytest.param("corsware_test_flask:app", id="Flask app.wsgi_app"),
        pytest.param("corsware_test_proxied:app", id="Flask app, ProxyFix, then the middleware"),
        pytest.param(
            "corsware_test_django_style:settings.application", id="dotted name, WSGIHandler inside"
        ),
        pytest.param("corsware_test_fastapi_added:app", id="ASGI: FastAPI add_middleware"),
        pytest.param("corsware_test_starlette_wrapped:app", id="ASGI: the middleware itself"),
        pytest.param("corsware_test_starlette_mounted:app", id="ASGI: Starlette middleware list"),
    ],
)
def test_explain_finds_the_middleware_in_an_app(
    capsys: pytest.CaptureFixture[str], apps: Path, spec: str
) -> None:
    status, out, err = explain_app(capsys, spec)
    assert (status, err) == (0, "")
    assert "ALLOWED: script can read the response." in out
    assert "corsware: preflight, preflight allowed" in flat(out)
    assert str(apps) in sys.path


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        pytest.param(
            "corsware_test_bare_flask:app",
            "no corsware.CORSMiddleware found: flask.app.Flask (looked in .wsgi_app, .app and "
            ".application",
            id="Flask app without the middleware",
        ),
        pytest.param(
            "corsware_test_deep:app",
            "no corsware.CORSMiddleware found: corsware_test_deep.Wrapper -> .app: "
            "corsware_test_deep.Wrapper",
            id="too many wrappers",
        ),
        pytest.param(
            "corsware_test_plain:hello",
            "no corsware.CORSMiddleware found: builtins.function",
            id="the app itself",
        ),
        pytest.param(
            "corsware_test_missing:app",
            "importing corsware_test_missing failed: ModuleNotFoundError: No module named "
            "'corsware_test_missing'",
            id="no such module",
        ),
        pytest.param(
            "corsware_test_broken:app",
            "importing corsware_test_broken failed: RuntimeError: no database",
            id="the module raises",
        ),
        pytest.param(
            "corsware_test_plain:app",
            "builtins.module corsware_test_plain has no attribute 'app'",
            id="no such name",
        ),
        pytest.param("corsware_test_plain:create_app()", "write MODULE:NAME", id="a call"),
        pytest.param("../x:app", "write MODULE:NAME", id="a path"),
    ],
)
def test_explain_app_errors_are_usage_errors(
    capsys: pytest.CaptureFixture[str], apps: Path, spec: str, message: str
) -> None:
    status, out, err = explain_app(capsys, spec)
    assert (status, out) == (2, "")
    assert f"corsware explain: --app {spec!r}: " in flat(err) or "no corsware.CORSMiddleware" in err
    assert message in flat(err)


def test_explain_app_when_the_current_directory_is_on_the_path_already(
    capsys: pytest.CaptureFixture[str], apps: Path
) -> None:
    sys.path.insert(0, str(apps))
    status, _, _ = explain_app(capsys, "corsware_test_plain")
    assert status == 0
    assert sys.path.count(str(apps)) == 1


def test_find_middleware_reads_attributes_without_running_properties() -> None:
    class Lazy:
        @property
        def app(self) -> Any:
            raise AssertionError("a property ran")

    middleware = CORSMiddleware(hello)

    class Holder:
        wsgi_app = middleware

    assert find_middleware(Holder()) is middleware
    with pytest.raises(LookupError, match=r"Lazy -> .app: builtins.property"):
        find_middleware(Lazy())


def test_app_and_config_are_exclusive(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(
        capsys,
        "explain",
        "--app",
        "a:b",
        "--config",
        "c",
        "--path",
        "/",
        "--origin",
        ORIGIN,
        "--method",
        "GET",
    )
    assert status == 2
    assert "not allowed with argument" in err


# ---- C: Local Network Access --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("origin", "expected"),
    [
        pytest.param(
            "https://status.example",
            {
                "origin": "https://status.example",
                "host": "127.0.0.1",
                "address_space": "loopback",
                "secure_context": True,
            },
            id="public https page to loopback",
        ),
        pytest.param(
            "http://status.example",
            {
                "origin": "http://status.example",
                "host": "127.0.0.1",
                "address_space": "loopback",
                "secure_context": False,
            },
            id="public http page",
        ),
        pytest.param(ORIGIN, None, id="loopback page"),
    ],
)
def test_check_recognises_local_network_access(
    capsys: pytest.CaptureFixture[str],
    server: demo.DemoServer,
    origin: str,
    expected: dict[str, Any] | None,
) -> None:
    server.set_app(CORSMiddleware(hello))
    _, result = run_json(capsys, "check", demo.url_of(server) + "/", "--origin", origin)
    local = result["local_network_access"]
    if expected is None:
        assert local is None
    else:
        assert {key: value for key, value in local.items() if key != "explanation"} == expected
        assert "No response header can grant the permission" in local["explanation"]


def test_check_explains_local_network_access(
    capsys: pytest.CaptureFixture[str], server: demo.DemoServer
) -> None:
    server.set_app(CORSMiddleware(hello))
    status, out, _ = run(
        capsys, "check", demo.url_of(server) + "/", "--origin", "https://status.example"
    )
    assert status == 0
    text = flat(out)
    assert (
        "Local Network Access: a page on the public origin https://status.example calls 127.0.0.1, "
        "a loopback address. Chromium (142 and later) first asks the user to allow this"
    ) in text
    for fix in [
        "the user allowing it when Chromium asks",
        "serving the page from the same address space",
        "a page in a secure context (https)",
        "`fetch(url, {targetAddressSpace: 'loopback'})`",
    ]:
        assert fix in text
    assert "`fetch(url, {targetAddressSpace: 'loopback'})`" in out


@pytest.mark.parametrize(
    ("extra", "space", "url"),
    [
        pytest.param(
            ["--api-origin", "http://192.168.1.20:8080"],
            "local",
            "http://192.168.1.20:8080/x",
            id="local",
        ),
        pytest.param(
            ["--api-origin", "http://LOCALHOST:80"], "loopback", "http://localhost/x", id="loopback"
        ),
        pytest.param([], None, "/x", id="no api origin"),
    ],
)
def test_explain_recognises_local_network_access(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, extra: list[str], space: str | None, url: str
) -> None:
    config = tmp_path / "corsware.toml"
    config.write_text('origins = ["https://app.example"]\n')
    argv = ["explain", "--config", str(config), "--path", "/x", "--origin", "https://app.example"]
    _, result = run_json(capsys, *argv, "--method", "GET", *extra)
    local = result["local_network_access"]
    assert (local and local["address_space"]) == space
    assert result["request"]["url"] == url


def test_legacy_private_network_preflight_to_a_non_loopback_host(
    capsys: pytest.CaptureFixture[str], server: demo.DemoServer
) -> None:
    """0.0.0.0 reaches this machine on Linux; it is no loopback address, so PNA named it `private`."""
    server.set_app(CORSMiddleware(hello, allow_private_network=True))
    url = f"http://0.0.0.0:{server.server_port}/"
    status, result = run_json(
        capsys, "check", url, "--origin", "https://app.example", "--private-network"
    )
    assert status == 0
    assert "calls to the `private` address space (legacy)" in result["preflight_reasons"][0]
    allowed = dict(result["exchanges"][0]["response_headers"])
    assert allowed["Access-Control-Allow-Private-Network"] == "true"


# ---- C.1 and D.2: the demo's rows ---------------------------------------------------------------


def test_the_demo_describes_browsers_that_ship(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "demo")
    assert "PNA" not in out
    assert "Private network request" not in out
    rows = {
        line[4:46].strip(): line[46:].split() for line in out.splitlines() if line[:2].strip().isdigit()
    }
    assert rows["A public site calls the API on 127.0.0.1"] == ["no", "asks", "user"]
    assert rows["allow_private_network=True does not help"] == ["no", "asks", "user"]
    assert rows["Read X-Internal, which is not exposed"] == ["no", "allowed"]
    text = flat(out)
    assert "why: the call succeeds, and headers.get('X-Internal') returns null" in text
    assert (
        "allow_private_network (set on /api/*) only answers the preflight of Chromium 104 to 141" in text
    )


def test_the_demo_json_says_which_headers_are_readable(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "demo", "--json")
    scenarios = {s["title"]: s for s in json.loads(out)["scenarios"]}
    internal = scenarios["Read X-Internal, which is not exposed"]
    assert (internal["outcome"], internal["header_readable"], internal["as_expected"]) == (
        "allowed",
        False,
        True,
    )
    request_id = scenarios["Read the exposed header X-Request-Id"]
    assert (request_id["outcome"], request_id["header_readable"]) == ("allowed", True)
    lna = scenarios["A public site calls the API on 127.0.0.1"]
    assert (lna["outcome"], lna["check"]["local_network_access"]["address_space"]) == (
        "asks-user",
        "loopback",
    )


def test_the_demo_api_keeps_the_legacy_option() -> None:
    """allow_private_network is a documented legacy option: the demo still sets it on /api/*."""
    resources = dict(demo.api().resources)
    assert any(policy.allow_private_network for policy in resources.values())
