"""The corsware command, run in-process: check against real local servers, explain, demo."""

from __future__ import annotations

import importlib.util
import io
import json
import runpy
import shutil
import socket
import sys
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from corsware import CORSMiddleware, cli, demo, transports
from corsware.config import load_config
from corsware.publicsuffix import suffix_list_source
from tests.browser.engines.chromium import FLAGS as CHROMIUM_SUITE_FLAGS

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment


ORIGIN = "http://localhost:3000"

pytestmark = pytest.mark.timeout(60)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    status, out, err = run(capsys, *argv, "--json")
    assert err == ""
    return status, json.loads(out)


def flat(text: str) -> str:
    """``text`` with its line breaks and indentation (from wrapping) made single spaces."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def server() -> Iterator[demo.DemoServer]:
    """One demo server on 127.0.0.1; each test puts the app it needs in with ``server.set_app``."""
    instance = demo.serve_in_thread(demo.api(), quiet=True)
    with demo.running(instance):
        yield instance


# ---- misconfigured servers, one path per classic mistake ---------------------------------------


answered: list[tuple[str, str, str, str | None]] = []
"""(method, path, Origin, Authorization) of each request `misconfigured` answered."""
REDIRECTS = {"/redirect": "307 Temporary Redirect"} | dict.fromkeys(
    [
        "/cross",
        "/redirect-without-acao",
        "/gopher",
        "/ftp",
        "/data",
        "/file",
        "/websocket",
        "/userinfo",
        "/bad-ipv6",
        "/bad-port",
        "/control-in-host",
        "/two-locations",
    ],
    "302 Found",
)


def misconfigured(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """A plain WSGI app that hand-writes its CORS headers, wrongly in a different way per path."""
    path = environ["PATH_INFO"]
    origin = environ.get("HTTP_ORIGIN", "")
    port = environ["SERVER_PORT"]
    preflight = environ["REQUEST_METHOD"] == "OPTIONS"
    answered.append((environ["REQUEST_METHOD"], path, origin, environ.get("HTTP_AUTHORIZATION")))
    allow_origin = ("Access-Control-Allow-Origin", origin)
    status = "200 OK"
    headers: list[tuple[str, str]] = {
        "/no-acao": [],
        "/wrong-origin": [("Access-Control-Allow-Origin", "https://other.example")],
        "/star-credentials": [
            ("Access-Control-Allow-Origin", "*"),
            ("Access-Control-Allow-Credentials", "true"),
        ],
        "/missing-acac": [allow_origin],
        "/duplicate-acao": [allow_origin, allow_origin],
        "/auth-first": [] if preflight else [allow_origin],
        "/auth-with-cors": [allow_origin, ("Access-Control-Allow-Methods", "PUT")],
        "/methods": [allow_origin, ("Access-Control-Allow-Methods", "GET, POST")],
        "/headers": [allow_origin, ("Access-Control-Allow-Headers", "Content-Type")],
        "/star-headers": [allow_origin, ("Access-Control-Allow-Headers", "*")],
        "/redirect": [allow_origin, ("Location", "/no-acao")],
        "/expose-all": [
            ("Access-Control-Allow-Origin", "*"),
            ("Access-Control-Expose-Headers", "*"),
        ],
        "/invalid-value": [("Access-Control-Allow-Origin", "localhost")],
        "/scheme-only": [("Access-Control-Allow-Origin", "localhost:3000")],
        "/null": [("Access-Control-Allow-Origin", "null")],
        "/bad-methods": [allow_origin, ("Access-Control-Allow-Methods", "PUT, Bad method")],
        "/bad-headers": [allow_origin, ("Access-Control-Allow-Headers", "x-custom, a b")],
        "/preflight-redirect": [allow_origin, ("Location", "/no-acao")],
        "/preflight-without-acac": [allow_origin, ("Access-Control-Allow-Methods", "PUT")]
        + ([] if preflight else [("Access-Control-Allow-Credentials", "true")]),
        "/patch": [allow_origin, ("Access-Control-Allow-Methods", "PATCH")],
        "/terminal-escape": [("Access-Control-Allow-Origin", "\x1b[2J\x1b]0;owned\x07")],
        "/echo": [allow_origin],
        "/cross": [
            allow_origin,
            ("Access-Control-Allow-Headers", "authorization"),
            ("Location", f"http://localhost:{port}/echo"),
        ],
        "/redirect-without-acao": [("Location", "/echo")],
        "/gopher": [allow_origin, ("Location", "gopher://127.0.0.1/")],
        "/ftp": [allow_origin, ("Location", "ftp://127.0.0.1/")],
        "/data": [allow_origin, ("Location", "data:text/plain,hi")],
        "/file": [allow_origin, ("Location", "file:///etc/passwd")],
        "/websocket": [allow_origin, ("Location", f"ws://127.0.0.1:{port}/")],
        "/userinfo": [allow_origin, ("Location", f"http://user:secret@127.0.0.1:{port}/echo")],
        "/bad-ipv6": [allow_origin, ("Location", "http://[::1")],
        "/bad-port": [allow_origin, ("Location", "http://127.0.0.1:99999/")],
        "/control-in-host": [allow_origin, ("Location", "http://a\x01b/")],
        "/two-locations": [allow_origin, ("Location", "/echo"), ("Location", "/other")],
    }[path]
    if preflight and path.startswith("/auth-"):
        status = "401 Unauthorized"
    if not preflight and path in REDIRECTS:
        status = REDIRECTS[path]
    if preflight and path == "/preflight-redirect":
        status = "301 Moved Permanently"
    body = b"login required" if status.startswith("401") else b"{}"
    content_type = "text/plain" if status.startswith("401") else "application/json"
    start_response(
        status,
        [*headers, ("Content-Type", content_type), ("Content-Length", str(len(body)))],
    )
    return [body]


@pytest.mark.parametrize(
    ("path", "options", "code", "preflight", "in_fix"),
    [
        pytest.param("/no-acao", [], "missing-allow-origin", False, ORIGIN, id="no ACAO"),
        pytest.param(
            "/wrong-origin", [], "allow-origin-mismatch", False, "byte for byte", id="wrong origin"
        ),
        pytest.param(
            "/star-credentials",
            ["--credentials"],
            "wildcard-origin-not-allowed",
            False,
            "allow_credentials=True",
            id="star with credentials",
        ),
        pytest.param(
            "/missing-acac",
            ["--credentials"],
            "invalid-allow-credentials",
            False,
            "Access-Control-Allow-Credentials: true",
            id="credentials without ACAC",
        ),
        pytest.param(
            "/duplicate-acao",
            [],
            "multiple-allow-origin-values",
            False,
            "exactly one",
            id="duplicate ACAO",
        ),
        pytest.param(
            "/auth-first",
            ["--method", "PUT"],
            "missing-allow-origin",
            True,
            "authentication, routing and proxies must let it through",
            id="preflight 401 from auth",
        ),
        pytest.param(
            "/auth-with-cors",
            ["--method", "PUT"],
            "preflight-invalid-status",
            True,
            "HTTP 401",
            id="preflight 401 with CORS headers",
        ),
        pytest.param(
            "/methods",
            ["--method", "DELETE"],
            "method-disallowed-by-preflight-response",
            True,
            "Add DELETE",
            id="method not in ACAM",
        ),
        pytest.param(
            "/headers",
            ["--header", "X-Custom: 1"],
            "header-disallowed-by-preflight-response",
            True,
            "Add x-custom",
            id="header not in ACAH",
        ),
        pytest.param(
            "/redirect",
            [],
            "missing-allow-origin",
            False,
            ORIGIN,
            id="redirect to a path without ACAO",
        ),
    ],
)
def test_check_misconfigured_server(
    capsys: pytest.CaptureFixture[str],
    server: demo.DemoServer,
    *,
    path: str,
    options: list[str],
    code: str,
    preflight: bool,
    in_fix: str,
) -> None:
    server.set_app(misconfigured)
    status, result = run_json(capsys, "check", demo.url_of(server) + path, "--origin", ORIGIN, *options)
    assert status == 1
    assert result["verdict"] == "blocked"
    assert result["failure"]["code"] == code
    assert result["failure"]["stage"] == ("preflight" if preflight else "actual")
    assert in_fix in result["failure"]["fix"]
    assert result["failure"]["console_message"].startswith("Access to fetch at 'http://127.0.0.1:")


# ---- the same calls in headless Chromium -------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# The browser suite's flags for Chromium on a closed network.
CHROMIUM_FLAGS = ["--headless", *CHROMIUM_SUITE_FLAGS]
BLANK_PAGE = b"<!doctype html><title>corsware check</title><link rel='icon' href='data:,'>"


def blank_page(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/html"), ("Content-Length", str(len(BLANK_PAGE)))])
    return [BLANK_PAGE]


@pytest.fixture(scope="module")
def chromium(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Callable[..., tuple[bool, list[str]]], str]]:
    """``fetch(url, method, headers, credentials)`` in a headless Chromium tab on its own origin.

    Playwright runs on one worker thread of its own: its sync API refuses a thread whose asyncio
    loop is running, as the browser suite's session-wide Playwright leaves the main thread's.
    Returns whether the page could read the response and the console lines Chromium logged.
    """
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    profile = str(tmp_path_factory.mktemp("chromium"))
    page_server = demo.serve_in_thread(blank_page, quiet=True)
    worker = ThreadPoolExecutor(max_workers=1)
    console: list[str] = []

    def start() -> tuple[Any, Any, Any]:
        playwright = sync_api.sync_playwright().start()
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=CHROMIUM_FLAGS
        )
        tab = context.new_page()
        tab.on("console", lambda message: console.append(message.text))
        tab.goto(demo.url_of(page_server) + "/")
        return playwright, context, tab

    def stop() -> None:
        context.close()
        playwright.stop()

    with demo.running(page_server):
        playwright, context, tab = worker.submit(start).result(timeout=60)

        def fetch(*arguments: object) -> tuple[bool, list[str]]:
            def run_fetch() -> tuple[bool, list[str]]:
                console.clear()
                allowed = bool(tab.evaluate(FETCH, list(arguments)))
                tab.wait_for_timeout(100)  # console messages arrive after the promise settles
                return allowed, list(console)

            return worker.submit(run_fetch).result(timeout=30)

        def visit(url: str, ready: str, expression: str) -> Any:
            """Open ``url`` in a new tab, wait until ``ready`` is true, and evaluate ``expression``."""

            def run_visit() -> Any:
                page = context.new_page()
                try:
                    page.goto(url)
                    page.wait_for_function(ready, timeout=15_000)
                    return page.evaluate(expression)
                finally:
                    page.close()

            return worker.submit(run_visit).result(timeout=30)

        fetch.visit = visit  # type: ignore[attr-defined]
        try:
            yield fetch, demo.url_of(page_server)
        finally:
            worker.submit(stop).result(timeout=30)
            worker.shutdown()


FETCH = """async ([url, method, headers, credentials]) => {
  try {
    await fetch(url, {method, headers, credentials: credentials ? "include" : "same-origin"});
    return true;
  } catch (error) {
    return false;
  }
}"""


@pytest.mark.parametrize(
    ("path", "method", "headers", "credentials"),
    [
        pytest.param("/no-acao", "GET", {}, False, id="no ACAO"),
        pytest.param("/wrong-origin", "GET", {}, False, id="wrong origin"),
        pytest.param("/invalid-value", "GET", {}, False, id="invalid ACAO value"),
        pytest.param("/scheme-only", "GET", {}, False, id="ACAO that parses as a URL"),
        pytest.param("/null", "GET", {}, False, id="ACAO null"),
        pytest.param("/star-credentials", "GET", {}, True, id="star with credentials"),
        pytest.param("/missing-acac", "GET", {}, True, id="credentials without ACAC"),
        pytest.param("/duplicate-acao", "GET", {}, False, id="duplicate ACAO"),
        pytest.param("/auth-first", "PUT", {}, False, id="preflight 401 from auth"),
        pytest.param("/auth-with-cors", "PUT", {}, False, id="preflight 401 with CORS headers"),
        pytest.param("/methods", "DELETE", {}, False, id="method not in ACAM"),
        pytest.param("/headers", "GET", {"X-Custom": "1"}, False, id="header not in ACAH"),
        pytest.param(
            "/star-headers", "GET", {"Authorization": "Bearer t"}, False, id="star Authorization"
        ),
        pytest.param("/star-headers", "GET", {"X-Custom": "1"}, False, id="star custom header"),
        pytest.param("/bad-methods", "PUT", {}, False, id="ACAM not tokens"),
        pytest.param("/bad-headers", "GET", {"X-Custom": "1"}, False, id="ACAH not tokens"),
        pytest.param("/preflight-redirect", "PUT", {}, False, id="preflight redirected"),
        pytest.param("/preflight-without-acac", "PUT", {}, True, id="preflight without ACAC"),
        pytest.param("/patch", "patch", {}, False, id="lower-case patch"),
        pytest.param("/patch", "PATCH", {}, False, id="PATCH"),
        pytest.param("/redirect", "GET", {}, False, id="redirect to a path without ACAO"),
        pytest.param("/expose-all", "GET", {}, False, id="star everything"),
        pytest.param("/cross", "GET", {"Authorization": "Bearer t"}, False, id="cross-origin redirect"),
        pytest.param("/redirect-without-acao", "GET", {}, False, id="redirect without ACAO"),
        pytest.param("/gopher", "GET", {}, False, id="redirect to gopher"),
        pytest.param("/ftp", "GET", {}, False, id="redirect to ftp"),
        pytest.param("/data", "GET", {}, False, id="redirect to data"),
        pytest.param("/file", "GET", {}, False, id="redirect to file"),
        pytest.param("/websocket", "GET", {}, False, id="redirect to ws"),
        pytest.param("/userinfo", "GET", {}, False, id="redirect with a password"),
        pytest.param("/bad-ipv6", "GET", {}, False, id="redirect to an unclosed ipv6 address"),
        pytest.param("/bad-port", "GET", {}, False, id="redirect to a port out of range"),
        pytest.param("/control-in-host", "GET", {}, False, id="redirect to a host with a control"),
        pytest.param("/two-locations", "GET", {}, False, id="two Location headers"),
    ],
)
def test_check_says_what_chromium_says(
    capsys: pytest.CaptureFixture[str],
    server: demo.DemoServer,
    chromium: tuple[Callable[..., tuple[bool, list[str]]], str],
    *,
    path: str,
    method: str,
    headers: dict[str, str],
    credentials: bool,
) -> None:
    """Same verdict as headless Chromium, and Chromium's console line word for word.

    For a network error (a bad redirect) Chromium logs only ``Failed to load resource: net::...``.
    The actual requests that reach the server (after redirects: their Origin and Authorization)
    are the same; preflights may differ, as Chromium caches them between cases.
    """
    fetch, page_origin = chromium
    server.set_app(misconfigured)
    url = demo.url_of(server) + path
    answered.clear()
    allowed, console = fetch(url, method, headers, credentials)
    in_chromium = [request for request in answered if request[0] != "OPTIONS"]
    argv = ["check", url, "--origin", page_origin, "--method", method, "--send"]
    argv += [item for name, value in headers.items() for item in ("--header", f"{name}: {value}")]
    answered.clear()
    _, result = run_json(capsys, *argv, *(["--credentials"] if credentials else []))
    assert in_chromium == [request for request in answered if request[0] != "OPTIONS"]
    assert (result["verdict"] == "allowed") is allowed
    reported = [
        line
        for line in console
        if "blocked by CORS policy" in line
        or (line.startswith("Failed to load resource: net::") and not line.endswith("ERR_FAILED"))
    ]
    assert reported == ([] if allowed else [result["failure"]["console_message"]])


def test_check_star_headers_cover_a_custom_header(
    capsys: pytest.CaptureFixture[str], server: demo.DemoServer
) -> None:
    server.set_app(misconfigured)
    url = demo.url_of(server) + "/star-headers"
    status, result = run_json(capsys, "check", url, "--origin", ORIGIN, "--header", "X-Custom")
    assert status == 0
    assert result["exchanges"][0]["request_headers"][3] == [
        "Access-Control-Request-Headers",
        "x-custom",
    ]
    assert result["exchanges"][1]["request_headers"][1] == ["X-Custom", "corsware-check"]


def test_check_says_which_engines_preflight_again(
    capsys: pytest.CaptureFixture[str], server: demo.DemoServer
) -> None:
    """Firefox never reuses a preflight answered with '*'; Chromium and WebKit do (as measured)."""
    server.set_app(misconfigured)
    url = demo.url_of(server) + "/star-headers"
    status, result = run_json(capsys, "check", url, "--origin", ORIGIN, "--header", "X-Custom")
    assert status == 0
    again = {engine["engine"]: engine["preflighted_again"] for engine in result["engines"]}
    assert again == {"chromium": False, "firefox": True, "webkit": False}
    status, out, _ = run(capsys, "check", url, "--origin", ORIGIN, "--header", "X-Custom")
    assert (
        "Made again soon after, this request is preflighted again in Firefox; answered from the "
        "preflight cache in Chromium and WebKit (the engine of Safari)."
    ) in flat(out)


def test_check_warns_when_only_star_covers_authorization(
    capsys: pytest.CaptureFixture[str], server: demo.DemoServer
) -> None:
    """Browsers (Chromium 156 checked) still let '*' cover Authorization, against the spec."""
    server.set_app(misconfigured)
    url = demo.url_of(server) + "/star-headers"
    argv = ["check", url, "--origin", ORIGIN, "--header", "Authorization: Bearer t"]
    status, result = run_json(capsys, *argv)
    assert status == 0
    assert result["verdict"] == "allowed"
    assert "'*' never covers Authorization" in result["warnings"][0]
    status, out, _ = run(capsys, *argv)
    assert status == 0
    assert "\nWarning: Authorization is allowed only by '*'" in out


def test_check_human_output_for_a_blocked_preflight(
    capsys: pytest.CaptureFixture[str], server: demo.DemoServer
) -> None:
    server.set_app(misconfigured)
    url = demo.url_of(server) + "/auth-first?token=1"
    status, out, err = run(capsys, "check", url, "--origin", ORIGIN, "--method", "put")
    assert (status, err) == (1, "")
    assert "Preflight: yes, because method PUT is not GET, HEAD or POST" in out
    assert "  > preflight: OPTIONS " + url in out
    assert "\n  < HTTP 401\n" in out
    assert "      (no Access-Control-* headers)" in out
    assert "\nBLOCKED by the preflight.\n" in out
    assert "Server said: HTTP 401 'login required'" in out
    assert (
        f"Chromium console: Access to fetch at '{url}' from origin '{ORIGIN}' has been blocked by "
        "CORS policy: Response to preflight request doesn't pass access control check: No "
        "'Access-Control-Allow-Origin' header is present on the requested resource. Fix: "
    ) in flat(out)
    assert "\033[" not in out


def test_check_human_output_for_a_redirect(
    capsys: pytest.CaptureFixture[str], server: demo.DemoServer
) -> None:
    server.set_app(misconfigured)
    base = demo.url_of(server)
    status, out, _ = run(capsys, "check", base + "/redirect", "--origin", ORIGIN)
    assert status == 1
    assert f"Note: HTTP 307: the browser follows the redirect to {base}/no-acao" in flat(out)
    assert f"(redirected from '{base}/redirect')" in out
    assert "BLOCKED by the response." in out
    assert "Server said" not in out


# ---- a correct server: corsware --------------------------------------------------------------


@pytest.fixture
def corsware_server(server: demo.DemoServer) -> str:
    server.set_app(demo.api())
    return demo.url_of(server)


@pytest.mark.parametrize(
    ("path", "options", "allowed", "preflight"),
    [
        pytest.param("/api/items", [], True, False, id="simple GET"),
        pytest.param(
            "/api/items/1",
            ["--method", "PUT", "--header", "Authorization: Bearer t", "--credentials"],
            True,
            True,
            id="credentialed PUT with Authorization",
        ),
        pytest.param(
            "/api/items",
            ["--method", "POST", "--header", "Content-Type: application/json"],
            True,
            True,
            id="JSON POST",
        ),
        pytest.param("/api/items", ["--private-network"], True, True, id="legacy private network"),
        pytest.param("/api/items/1", ["--method", "DELETE"], False, True, id="DELETE refused"),
        pytest.param(
            "/api/public/status",
            ["--credentials"],
            False,
            False,
            id="public endpoint with credentials",
        ),
    ],
)
def test_check_corsware_server(
    capsys: pytest.CaptureFixture[str],
    corsware_server: str,
    *,
    path: str,
    options: list[str],
    allowed: bool,
    preflight: bool,
) -> None:
    argv = ["check", corsware_server + path, "--origin", ORIGIN, "--send", *options]
    status, result = run_json(capsys, *argv)
    assert status == (0 if allowed else 1)
    assert result["verdict"] == ("allowed" if allowed else "blocked")
    assert result["preflight"] is preflight


def test_check_human_output_when_allowed(
    capsys: pytest.CaptureFixture[str], corsware_server: str
) -> None:
    status, out, _ = run(
        capsys,
        "check",
        corsware_server + "/api/items",
        "--origin",
        ORIGIN,
        "--header",
        "Authorization: Bearer t",
        "--header",
        "Cookie: a=b",
    )
    assert status == 0
    assert "Preflight: yes, because CORS-unsafe request headers: authorization" in out
    assert "      Access-Control-Allow-Headers: authorization" in out
    assert "\nALLOWED: script can read the response.\n" in out
    assert "Readable headers: content-length, content-type, x-request-id" in out
    assert "Hidden from script: " in out
    assert "x-internal" in out
    assert (
        "Preflight cache: Chromium 600 s, Firefox 600 s, WebKit (the engine of Safari) 600 s."
        in flat(out)
    )
    assert "is the one of Chromium, Firefox and WebKit (the engine of Safari), as tested" in flat(out)
    assert "Note: fetch() drops the forbidden request header 'Cookie'" in flat(out)


def test_check_escapes_control_characters_from_the_server(
    capsys: pytest.CaptureFixture[str], server: demo.DemoServer
) -> None:
    server.set_app(misconfigured)
    status, out, _ = run(capsys, "check", demo.url_of(server) + "/terminal-escape", "--origin", ORIGIN)
    assert status == 1
    assert "\x1b" not in out
    assert "Access-Control-Allow-Origin: \\x1b[2J\\x1b]0;owned\\x07" in out


def test_check_output_when_every_header_is_exposed(
    capsys: pytest.CaptureFixture[str], server: demo.DemoServer
) -> None:
    server.set_app(misconfigured)
    status, out, _ = run(capsys, "check", demo.url_of(server) + "/expose-all", "--origin", ORIGIN)
    assert status == 0
    assert "Readable headers: access-control-allow-origin, " in out
    assert "Hidden from script" not in out


def test_check_simple_request_output(capsys: pytest.CaptureFixture[str], corsware_server: str) -> None:
    status, out, _ = run(capsys, "check", corsware_server + "/api/public/status", "--origin", ORIGIN)
    assert status == 0
    assert "Preflight: no (a simple request)" in out
    assert "caches" not in out


def test_check_private_network_to_a_public_endpoint(
    capsys: pytest.CaptureFixture[str], corsware_server: str
) -> None:
    status, result = run_json(
        capsys,
        "check",
        corsware_server + "/api/public/status",
        "--origin",
        "https://evil.example",
        "--private-network",
    )
    assert status == 1
    assert result["request"]["pna_preflight"] is True
    assert result["preflight_reasons"] == [
        "--private-network: Chromium 104 to 141 sent a Private Network Access preflight for "
        "calls to the `local` address space (legacy)"
    ]
    assert result["failure"]["code"] == "preflight-missing-allow-private-network"
    assert result["exchanges"][0]["request_headers"][3] == [
        "Access-Control-Request-Private-Network",
        "true",
    ]


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("no_color", "coloured"),
    [
        pytest.param(None, True, id="terminal"),
        pytest.param("1", False, id="NO_COLOR"),
        pytest.param("", True, id="empty NO_COLOR is unset"),
    ],
)
def test_colour_only_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, corsware_server: str, no_color: str | None, coloured: bool
) -> None:
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    if no_color is None:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", no_color)
    assert cli.main(["check", corsware_server + "/api/items", "--origin", ORIGIN]) == 0
    assert ("\033[1;32mALLOWED\033[0m" in terminal.getvalue()) is coloured


# ---- usage and network errors -----------------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(["check", "ftp://example.test/", "--origin", ORIGIN], "absolute http", id="scheme"),
        pytest.param(["check", "/api", "--origin", ORIGIN], "absolute http", id="relative URL"),
        pytest.param(
            ["check", "http://127.0.0.1/", "--origin", "http://localhost:3000/"],
            "is not an origin",
            id="origin with a path",
        ),
        pytest.param(
            ["check", "http://127.0.0.1/", "--origin", ORIGIN, "--method", "TRACE"],
            "forbidden method",
            id="forbidden method",
        ),
        pytest.param(
            ["check", "http://127.0.0.1/", "--origin", ORIGIN, "--header", "Bad Name: 1"],
            "write NAME or NAME: VALUE",
            id="header syntax",
        ),
        pytest.param(
            ["check", f"http://127.0.0.1:{closed_port()}/", "--origin", ORIGIN],
            "cannot reach",
            id="connection refused",
        ),
        pytest.param(
            ["explain", "--config", "x.toml", "--origin", ORIGIN, "--method", "GET", "--path", "a"],
            "must start with '/'",
            id="explain path",
        ),
    ],
)
def test_usage_errors_exit_2_without_a_traceback(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    status, out, err = run(capsys, *argv)
    assert status == 2
    assert out == ""
    assert message in err
    assert err.startswith(f"corsware {argv[0]}: ")
    assert "Traceback" not in err


def test_tls_to_a_plain_http_server_is_a_network_error(
    capsys: pytest.CaptureFixture[str], corsware_server: str
) -> None:
    url = corsware_server.replace("http://", "https://") + "/api/items"
    status, _, err = run(capsys, "check", url, "--origin", ORIGIN)
    assert status == 2
    assert f"cannot reach {url}: the TLS handshake failed: wrong version number" in flat(err)


@pytest.mark.parametrize(
    ("argv", "status"),
    [
        pytest.param([], 2, id="no command"),
        pytest.param(["check", "http://127.0.0.1/"], 2, id="missing origin"),
        pytest.param(["--help"], 0, id="help"),
    ],
)
def test_argparse_exits_become_statuses(
    capsys: pytest.CaptureFixture[str], argv: list[str], status: int
) -> None:
    assert cli.main(argv) == status
    out, err = capsys.readouterr()
    assert "usage: corsware" in out + err


def test_a_header_set_twice_goes_out_once() -> None:
    headers = [("X-A", "1"), ("B", "2"), ("x-a", "3")]
    assert transports._combine(headers) == {"X-A": "1, 3", "B": "2"}


def test_python_dash_m(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "argv", ["corsware", "--help"])
    with pytest.raises(SystemExit) as exit_info:
        runpy.run_module("corsware", run_name="__main__")
    assert exit_info.value.code == 0
    assert "usage: corsware" in capsys.readouterr().out


# ---- explain: the same verdict from a TOML file -----------------------------------------------

CONFIG = """
origins = ["http://localhost:3000"]
allow_credentials = true

[[resources]]
path = "/api/*"
methods = ["GET", "PUT"]
allow_headers = ["Authorization"]
max_age = 600
"""


@pytest.fixture
def config(tmp_path: Path) -> str:
    path = tmp_path / "corsware.toml"
    path.write_text(CONFIG)
    return str(path)


@pytest.mark.parametrize(
    ("options", "allowed", "code", "policy", "fix"),
    [
        pytest.param(
            ["--method", "PUT", "--path", "/api/items", "--header", "Authorization: t"],
            True,
            None,
            "preflight, preflight allowed: resource '/api/*': origin",
            "",
            id="allowed PUT with Authorization",
        ),
        pytest.param(
            ["--method", "DELETE", "--path", "/api/items"],
            False,
            "missing-allow-origin",
            "preflight, requested method not allowed: resource '/api/*': method 'DELETE'",
            "add 'DELETE' to methods",
            id="DELETE refused by the policy",
        ),
        pytest.param(
            ["--method", "GET", "--path", "/static/app.js"],
            False,
            "missing-allow-origin",
            "unmatched, no resource pattern matches this path: path '/static/app.js'",
            "add a pattern that covers it, such as '/api/*'",
            id="path outside the resources",
        ),
        pytest.param(
            ["--method", "GET", "--path", "/api/me", "--credentials"],
            True,
            None,
            "actual, origin allowed: resource '/api/*'",
            "",
            id="credentialed GET",
        ),
        pytest.param(
            ["--method", "GET", "--path", "//api/api/items"],
            False,
            "missing-allow-origin",
            "unmatched, no resource pattern matches this path: path '//api/api/items'",
            "add a pattern that covers it, such as '/api/*'",
            id="explain path with double slash is a path, not a host",
        ),
    ],
)
def test_explain(
    capsys: pytest.CaptureFixture[str],
    config: str,
    *,
    options: list[str],
    allowed: bool,
    code: str | None,
    policy: str,
    fix: str,
) -> None:
    status, result = run_json(capsys, "explain", "--config", config, "--origin", ORIGIN, *options)
    assert status == (0 if allowed else 1)
    assert (result["failure"] or {}).get("code") == code
    assert (result["failure"] or {}).get("fix", fix) == fix
    assert result["exchanges"][0]["policy"].startswith(policy)


def test_explain_human_output_names_the_policy(capsys: pytest.CaptureFixture[str], config: str) -> None:
    status, out, _ = run(
        capsys,
        "explain",
        "--config",
        config,
        "--origin",
        "https://evil.example",
        "--method",
        "PUT",
        "--path",
        "/api/items",
    )
    assert status == 1
    assert "corsware: preflight, origin not allowed: resource '/api/*': origin" in flat(out)
    assert "Server said: HTTP 403 'origin not allowed'" in out
    assert (
        "Chromium console: Access to fetch at '/api/items' from origin 'https://evil.example' has "
        "been blocked by CORS policy: Response to preflight request"
    ) in flat(out)


def test_explain_config_errors_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('origins = "*"\nallow_credentials = true\n')
    status, out, err = run(
        capsys, "explain", "--config", str(path), "--origin", ORIGIN, "--method", "GET", "--path", "/"
    )
    assert (status, out) == (2, "")
    assert flat(err).startswith(f"corsware explain: {path}: invalid CORS configuration")
    assert "\n  - " in err
    assert "allow_credentials" in err


def test_explain_names_the_public_suffix_list_it_judged_by(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A wildcard refused in production but not in development shows which list each one used."""
    path = tmp_path / "suffix.toml"
    path.write_text('origins = ["https://*.amazonaws.com"]\nallow_credentials = true\n')
    status, _, err = run(
        capsys, "explain", "--config", str(path), "--origin", ORIGIN, "--method", "GET", "--path", "/"
    )
    assert status == 2
    assert "[CORS-E013]" in err
    assert f"a public suffix in {suffix_list_source()})" in flat(err)


def test_explain_and_check_agree(
    capsys: pytest.CaptureFixture[str], server: demo.DemoServer, config: str
) -> None:
    """The same policy gives the same verdict offline (explain) and over HTTP (check)."""
    server.set_app(CORSMiddleware(demo.api().app, **load_config(config)))
    for method, headers in [("PUT", ["--header", "Authorization: t"]), ("DELETE", []), ("GET", [])]:
        common = ["--origin", ORIGIN, "--method", method, *headers, "--credentials"]
        _, offline = run_json(capsys, "explain", "--config", config, "--path", "/api/x", *common)
        _, online = run_json(capsys, "check", demo.url_of(server) + "/api/x", "--send", *common)
        assert offline["verdict"] == online["verdict"]
        assert (offline["failure"] or {}).get("code") == (online["failure"] or {}).get("code")


# ---- demo -------------------------------------------------------------------------------------


def test_demo_runs_every_scenario_as_expected(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "demo")
    assert (status, err) == (0, "")
    assert out.startswith("corsware demo: the example API at http://127.0.0.1:")
    for number, scenario in enumerate(demo.SCENARIOS, start=1):
        assert f"\n{number:>2}  {scenario.title}" in out
    assert "unexpected" not in out
    assert out.count(" blocked\n") == sum(s.expected == "blocked" for s in demo.SCENARIOS)


def test_demo_json(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "demo", "--json")
    document = json.loads(out)
    assert status == 0
    assert document["schema"] == "corsware.demo/1"
    assert document["as_expected"] is True
    results = document["scenarios"]
    assert [r["title"] for r in results] == [s.title for s in demo.SCENARIOS]
    assert all(r["outcome"] == r["expected"] and r["as_expected"] for r in results)
    assert all("schema" not in r["check"] for r in results)


def test_demo_reports_an_unexpected_outcome(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = demo.Scenario("Expected to pass but blocked", "GET", "/api/items", origin="https://x.test")
    monkeypatch.setattr(demo, "SCENARIOS", (*demo.SCENARIOS[:1], wrong))
    status, out, _ = run(capsys, "demo")
    assert status == 1
    assert "    (unexpected: this scenario expects otherwise)" in out


def test_demo_serve_shows_a_page_on_a_second_origin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}

    def visit() -> None:
        out = flat(capsys.readouterr().out)
        words = out[out.index("Serving the API at ") :].split()
        api_url, page_url = words[4], words[10]
        with urllib.request.urlopen(page_url, timeout=5) as page:  # noqa: S310
            seen["page"] = page.read().decode()
        request = urllib.request.Request(  # noqa: S310
            api_url + "/api/items", headers={"Origin": page_url.rstrip("/")}
        )
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            seen["allow_origin"] = response.headers["Access-Control-Allow-Origin"]
        seen["origins"] = (api_url, page_url.rstrip("/"))
        try:
            urllib.request.urlopen(page_url + "nothing", timeout=5)  # noqa: S310
        except urllib.error.HTTPError as error:
            seen["missing"] = error.code
            error.close()
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_wait_forever", visit)
    assert cli.main(["demo", "--serve"]) == 0
    api_url, page_origin = seen["origins"]
    assert api_url != page_origin
    assert seen["allow_origin"] == page_origin
    assert f'const API = "{api_url}";' in seen["page"]
    assert "PUT with Authorization" in seen["page"]
    assert "untrusted site" not in seen["page"]
    assert seen["missing"] == 404
    assert capsys.readouterr().out.strip() == "stopped"


def test_the_demo_page_in_chromium(
    chromium: tuple[Callable[..., tuple[bool, list[str]]], str],
) -> None:
    """`demo --serve`'s page, in a real browser: every call comes out as the table says."""
    fetch, _ = chromium
    page_server, api_server = demo.start_servers(quiet=True)
    with demo.running(page_server, api_server):
        rows = fetch.visit(  # type: ignore[attr-defined]
            demo.url_of(page_server) + "/",
            "() => [...document.querySelectorAll('#rows tr')].every(row => row.cells[4].className)",
            "() => [...document.querySelectorAll('#rows tr')].map("
            "row => [row.cells[1].textContent, row.cells[4].textContent, row.cells[4].className])",
        )
    assert [title for title, _, _ in rows] == [
        s.title for s in demo.SCENARIOS if s.origin == demo.FRONTEND_ORIGIN
    ]
    assert all(verdict == "ok" for _, _, verdict in rows), rows
    results = {title: text for title, text, _ in rows}
    assert results["Read X-Internal, which is not exposed"] == (
        "allowed, HTTP 200; headers.get('X-Internal') = null"
    )
    assert results["DELETE, a method the API does not allow"].startswith("blocked (TypeError")


def test_demo_api_answers_404_outside_its_routes(corsware_server: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(corsware_server + "/elsewhere", timeout=5)  # noqa: S310
    assert error.value.code == 404
    error.value.close()


# ---- the browser suite's cases, replayed with check --------------------------------------------

CASES_FILE = Path(__file__).parent / "browser" / "cases.py"


def load_browser_cases() -> Any:
    if not CASES_FILE.exists():
        return None
    spec = importlib.util.spec_from_file_location("browser_suite_cases", CASES_FILE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


BROWSER_CASES = load_browser_cases()

PAGE_ORIGIN = "http://127.0.0.1:8"
"""The page's origin that check sends: any loopback origin other than the API's will do."""


def echo(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """The browser suite's API: JSON, ``X-Request-Id`` on every response, 500 on ``/api/boom``."""
    failed = environ["PATH_INFO"].endswith("/boom")
    body = b'{"error": "the app failed"}' if failed else b"{}"
    start_response(
        "500 Internal Server Error" if failed else "200 OK",
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            ("X-Request-Id", BROWSER_CASES.REQUEST_ID),
        ],
    )
    return [body]


@pytest.mark.skipif(
    BROWSER_CASES is None, reason="the browser suite's tests/browser/cases.py is not here yet"
)
@pytest.mark.parametrize(
    "case",
    [pytest.param(case, id=case.id) for case in (BROWSER_CASES.CASES if BROWSER_CASES else ())],
)
def test_check_agrees_with_the_browser_suite(
    capsys: pytest.CaptureFixture[str], server: demo.DemoServer, case: Any
) -> None:
    """`check` reaches the outcome headless Chromium observes for every case of the browser suite.

    Only the first call of a case is compared: `check` keeps no preflight cache between runs.
    """
    options = BROWSER_CASES.resolve_options(dict(case.options), PAGE_ORIGIN)
    server.set_app(CORSMiddleware(echo, **options))
    origin = "null" if case.frame == "sandbox" else PAGE_ORIGIN
    argv = ["check", demo.url_of(server) + case.path, "--origin", origin, "--method", case.method]
    argv.append("--send")
    for name, value in (case.headers or {}).items():
        argv += ["--header", f"{name}: {value}"]
    if case.credentials == "include":
        argv.append("--credentials")
    status, result = run_json(capsys, *argv)
    assert result["verdict"] == ("allowed" if case.outcome == "ok" else "blocked")
    assert status == (0 if case.outcome == "ok" else 1)
    assert result["preflight"] is (case.preflights > 0)
    if case.preflight_status is not None:
        assert result["exchanges"][0]["status"] == case.preflight_status
    if case.outcome == "ok":
        assert result["exchanges"][-1]["status"] == case.status
    for name, value in (case.visible or {}).items():
        assert (name.lower() in result["readable_headers"]) is (value is not None)
