"""`corsware check` against hostile and awkward servers: bad redirects, escapes, trickles, floods.

Every server is real and on 127.0.0.1: the demo's WSGI server with the misconfigured app of
test_cli, or `RawServer`, which writes bytes no WSGI server would. Every wait is bounded.
"""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from corsware import cli, demo, transports
from tests.test_cli import ORIGIN, answered, flat, misconfigured, run, run_json

pytestmark = pytest.mark.timeout(60)

Script = Callable[[socket.socket], None]


class RawServer:
    """A TCP server on 127.0.0.1 that reads each request's head, then runs ``script`` on the socket.

    ``tls`` makes it a TLS server; ``server_names`` records the SNI name of each handshake.
    """

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.port: int = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.tls = tls
        self.server_names: list[str | None] = []
        self.requests: list[bytes] = []
        self.script: Script = respond(b"HTTP/1.1 204 No Content\r\n\r\n")
        self.stopping = threading.Event()
        self.handlers: list[threading.Thread] = []
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        while not self.stopping.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:  # closed by close()
                return
            handler = threading.Thread(target=self.handle, args=(connection,), daemon=True)
            self.handlers.append(handler)
            handler.start()

    def handle(self, connection: socket.socket) -> None:
        connection.settimeout(5)
        try:
            if self.tls is not None:
                connection = self.tls.wrap_socket(connection, server_side=True)
            data = b""
            while b"\r\n\r\n" not in data and len(data) < 1 << 16:
                chunk = connection.recv(4096)
                if not chunk:
                    return
                data += chunk
            self.requests.append(data)
            self.script(connection)
        except OSError:  # the client gave up or refused the handshake: what some tests are about
            pass
        finally:
            connection.close()

    def close(self) -> None:
        self.stopping.set()
        self.listener.close()
        self.thread.join(5)
        for handler in self.handlers:
            handler.join(5)


def respond(data: bytes) -> Script:
    return lambda connection: connection.sendall(data)


def trickle(data: bytes, every: float = 0.2) -> Script:
    def script(connection: socket.socket) -> None:
        for byte in data[:100]:  # at most 20 s, and the client leaves long before
            connection.sendall(bytes([byte]))
            time.sleep(every)

    return script


@pytest.fixture
def raw() -> Iterator[RawServer]:
    server = RawServer()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="module")
def server() -> Iterator[demo.DemoServer]:
    instance = demo.serve_in_thread(misconfigured, quiet=True)
    with demo.running(instance):
        yield instance


def is_terminal_safe(text: str) -> bool:
    """Whether only printable characters and line breaks are in ``text``."""
    return all(char == "\n" or char.isprintable() for char in text)


ACAO = b"Access-Control-Allow-Origin: *\r\n"


# ---- A.1 and A.2: redirects as fetch() follows them ---------------------------------------------


def test_a_cross_origin_redirect_drops_authorization_and_sends_origin_null(
    capsys: pytest.CaptureFixture[str], server: demo.DemoServer
) -> None:
    url = demo.url_of(server) + "/cross"
    answered.clear()
    status, out, _ = run(capsys, "check", url, "--origin", ORIGIN, "--header", "Authorization: t")
    assert status == 0
    assert [request for request in answered if request[0] == "GET"] == [
        ("GET", "/cross", ORIGIN, "t"),
        ("GET", "/echo", "null", None),
    ]
    assert "Note: HTTP 302 to another origin: the browser drops the Authorization header." in flat(out)
    assert f"the browser follows the redirect to http://localhost:{server.server_port}/echo" in out
    assert "with Origin: null" in flat(out)


@pytest.mark.parametrize(
    ("path", "code", "stage", "in_fix"),
    [
        pytest.param("/gopher", "redirect-disallowed-scheme", "redirect", "gopher://", id="gopher"),
        pytest.param("/ftp", "redirect-disallowed-scheme", "redirect", "ftp://", id="ftp"),
        pytest.param("/data", "redirect-disallowed-scheme", "redirect", "data:", id="data"),
        pytest.param("/file", "redirect-disallowed-scheme", "redirect", "file:", id="file"),
        pytest.param("/websocket", "redirect-disallowed-scheme", "redirect", "ws://", id="ws"),
        pytest.param(
            "/userinfo", "redirect-contains-credentials", "redirect", "user:secret@", id="password"
        ),
        pytest.param("/bad-ipv6", "invalid-redirect", "redirect", "http://[::1", id="unclosed ipv6"),
        pytest.param("/bad-port", "invalid-redirect", "redirect", ":99999", id="port out of range"),
        pytest.param(
            "/control-in-host", "invalid-redirect", "redirect", "http://a\\x01b/", id="control in host"
        ),
        pytest.param("/two-locations", "multiple-location", "actual", "'/other'", id="two Locations"),
        pytest.param(
            "/redirect-without-acao",
            "missing-allow-origin",
            "actual",
            "Access-Control-Allow-Origin",
            id="the redirect itself fails the CORS check",
        ),
    ],
)
def test_a_bad_redirect_is_blocked_and_blamed_on_the_server(
    capsys: pytest.CaptureFixture[str],
    server: demo.DemoServer,
    path: str,
    code: str,
    stage: str,
    in_fix: str,
) -> None:
    answered.clear()
    status, result = run_json(capsys, "check", demo.url_of(server) + path, "--origin", ORIGIN)
    assert status == 1
    assert result["verdict"] == "blocked"
    assert (result["failure"]["code"], result["failure"]["stage"]) == (code, stage)
    assert in_fix in result["failure"]["fix"]
    assert "--method" not in result["failure"]["fix"]
    assert [request[1] for request in answered] == [path]
    status, out, err = run(capsys, "check", demo.url_of(server) + path, "--origin", ORIGIN)
    assert (status, err) == (1, "")
    assert "BLOCKED by the " in out
    assert is_terminal_safe(out)


# ---- A.3: a malformed Location never crashes, and is the server's fault -------------------------


def redirect_to(location: bytes) -> bytes:
    return b"HTTP/1.1 302 Found\r\n" + ACAO + b"Location: " + location + b"\r\n\r\n"


@pytest.mark.parametrize(
    ("location", "shown"),
    [
        pytest.param(b"http://a b/", "'http://a b/'", id="space in host"),
        pytest.param(b"http://[::1", "'http://[::1'", id="unclosed ipv6"),
        pytest.param(b"http://x:99999/", "'http://x:99999/'", id="port out of range"),
        pytest.param(b"http://x:port/", "'http://x:port/'", id="port not a number"),
        pytest.param(b"http://", "'http://'", id="no host"),
        pytest.param(b"http://[" + b"a" * 60000, "'http://[" + "a" * 192 + "...'", id="60 kB"),
    ],
)
def test_a_malformed_location_is_an_invalid_redirect(
    capsys: pytest.CaptureFixture[str], raw: RawServer, location: bytes, shown: str
) -> None:
    raw.script = respond(redirect_to(location))
    status, out, err = run(capsys, "check", raw.url + "/", "--origin", ORIGIN)
    assert (status, err) == (1, "")
    assert f"Fix: The server answered HTTP 302 with Location {shown}, which is not a valid URL" in flat(
        out
    )
    assert "Chromium console: Failed to load resource: net::ERR_INVALID_REDIRECT" in out
    assert "--method" not in out
    assert len(out) < 3000


@pytest.mark.parametrize(
    ("location", "target"),
    [
        pytest.param("/caf\u00e9".encode(), b"/caf%C3%A9", id="utf-8"),
        pytest.param(b"/caf\xe9", b"/caf%E9", id="not utf-8: the byte percent-encoded"),
        pytest.param(b"/a b?c d", b"/a%20b?c%20d", id="spaces"),
    ],
)
def test_a_location_is_read_as_browsers_read_it(
    capsys: pytest.CaptureFixture[str], raw: RawServer, location: bytes, target: bytes
) -> None:
    responses = iter([redirect_to(location), b"HTTP/1.1 200 OK\r\n" + ACAO + b"\r\n"])
    raw.script = lambda connection: connection.sendall(next(responses))
    status, _, _ = run(capsys, "check", raw.url + "/", "--origin", ORIGIN)
    assert status == 0
    assert raw.requests[1].startswith(b"GET " + target + b" HTTP/1.1\r\n")


def test_a_location_too_long_for_dns_cannot_be_reached(
    capsys: pytest.CaptureFixture[str], raw: RawServer
) -> None:
    """A valid URL whose host no DNS name can be: as in browsers, the hop fails to resolve."""
    host = "a" * 64 + ".example"
    raw.script = respond(redirect_to(f"http://{host}/".encode()))
    status, out, err = run(capsys, "check", raw.url + "/", "--origin", ORIGIN)
    assert (status, out) == (2, "")
    assert f"cannot reach http://{host}/: '{host}' is not a valid DNS name" in flat(err)
    assert "Traceback" not in err


def test_a_redirect_to_a_closed_port_cannot_be_reached(
    capsys: pytest.CaptureFixture[str], raw: RawServer
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    raw.script = respond(redirect_to(f"http://127.0.0.1:{closed}/x".encode()))
    status, _, err = run(capsys, "check", raw.url + "/", "--origin", ORIGIN)
    assert status == 2
    assert f"cannot reach http://127.0.0.1:{closed}/x: [Errno 111] Connection refused" in flat(err)


# ---- A.4: nothing a server sends reaches the terminal raw ---------------------------------------

HOSTILE = "\x1b]0;owned\x07\x1b[2J\r\u202e\x9b31m"
"""A title change, a screen clear, a carriage return, a right-to-left override and a C1 CSI."""


@pytest.mark.parametrize(
    "response",
    [
        pytest.param(
            b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: " + HOSTILE.encode("utf-8") + b"\r\n\r\n",
            id="header value",
        ),
        pytest.param(
            b"HTTP/1.1 200 OK\r\nVary: "
            + HOSTILE.encode("latin-1", "replace")
            + b"\r\n"
            + ACAO
            + b"\r\n",
            id="latin-1 header value",
        ),
        pytest.param(
            b"HTTP/1.1 401 No\r\nContent-Type: text/plain\r\nContent-Length: 40\r\n\r\n"
            + HOSTILE.encode("utf-8").ljust(40),
            id="body",
        ),
        pytest.param(redirect_to(b"http://x" + HOSTILE.encode("utf-8") + b"/"), id="location"),
        pytest.param(
            redirect_to(b"gopher://" + HOSTILE.encode("utf-8")), id="location of a refused scheme"
        ),
        pytest.param(b"HTTP/9 " + HOSTILE.encode("utf-8") + b"\r\n\r\n", id="status line"),
    ],
)
def test_server_text_is_escaped_in_every_output(
    capsys: pytest.CaptureFixture[str], raw: RawServer, response: bytes
) -> None:
    raw.script = respond(response)
    _, out, err = run(capsys, "check", raw.url + "/", "--origin", ORIGIN)
    assert is_terminal_safe(out + err)
    assert "\\x1b" in out + err
    _, out, err = run(capsys, "check", raw.url + "/", "--origin", ORIGIN, "--json")
    assert is_terminal_safe(out + err)
    assert out.isascii()
    assert out == "" or json.loads(out)["schema"] == "corsware.check/1"


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["check", "http://127.0.0.1/", "--origin", "\x1b[2J"], id="our usage error"),
        pytest.param(["demo", "\x1b[2J"], id="argparse's"),
        pytest.param(
            ["check", "http://127.0.0.1/\x1b[2J", "--origin", ORIGIN, "--timeout", "1e-9"], id="URL"
        ),
    ],
)
def test_command_line_text_is_escaped_in_errors(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    status, out, err = run(capsys, *argv)
    assert status == 2
    assert is_terminal_safe(out + err)
    assert "\\x1b[2J" in err or "%1B[2J" in err


# ---- A.5: one deadline per exchange, and limits on what is read --------------------------------


def test_a_trickling_server_meets_the_deadline(
    capsys: pytest.CaptureFixture[str], raw: RawServer
) -> None:
    raw.script = trickle(b"HTTP/1.1 200 OK\r\n" + ACAO + b"\r\n")
    started = time.monotonic()
    status, out, err = run(capsys, "check", raw.url + "/", "--origin", ORIGIN, "--timeout", "0.5")
    assert time.monotonic() - started < 3
    assert (status, out) == (2, "")
    assert flat(err).startswith(
        f"corsware check: {raw.url}/: no complete answer within 0.5 s (stopped while reading the "
        "response headers ("
    )
    assert "--timeout gives it longer" in flat(err)


def test_a_megabyte_of_headers_is_refused(capsys: pytest.CaptureFixture[str], raw: RawServer) -> None:
    raw.script = respond(b"HTTP/1.1 200 OK\r\n" + b"X-Flood: " + b"a" * (1 << 20) + b"\r\n\r\n")
    started = time.monotonic()
    status, out, err = run(capsys, "check", raw.url + "/", "--origin", ORIGIN, "--timeout", "5")
    assert time.monotonic() - started < 3
    assert (status, out) == (2, "")
    assert f"{raw.url}/: the response headers are over 64 KiB" in flat(err)


def test_endless_interim_responses_are_refused(
    capsys: pytest.CaptureFixture[str], raw: RawServer
) -> None:
    raw.script = respond(b"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n" * 5000)
    status, _, err = run(capsys, "check", raw.url + "/", "--origin", ORIGIN)
    assert status == 2
    assert "the response headers are over 64 KiB" in err


def test_a_trickling_body_only_shortens_what_is_shown(
    capsys: pytest.CaptureFixture[str], raw: RawServer
) -> None:
    """The verdict is made from the head; a refusal's body is shown as far as it came in time."""
    head = b"HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain\r\nContent-Length: 90\r\n\r\n"

    def script(connection: socket.socket) -> None:
        connection.sendall(head + b"log")
        trickle(b"in required" + b"." * 79)(connection)

    raw.script = script
    started = time.monotonic()
    status, out, _ = run(capsys, "check", raw.url + "/", "--origin", ORIGIN, "--timeout", "0.5")
    assert time.monotonic() - started < 3
    assert status == 1
    assert "Server said: HTTP 401 'log" in out


def test_a_stalled_tls_handshake_meets_the_deadline(
    capsys: pytest.CaptureFixture[str], raw: RawServer
) -> None:
    url = raw.url.replace("http://", "https://") + "/"
    status, _, err = run(capsys, "check", url, "--origin", ORIGIN, "--timeout", "0.5")
    assert status == 2
    assert "no complete answer within 0.5 s (stopped while in the TLS handshake)" in flat(err)


def test_a_full_listen_queue_meets_the_deadline(capsys: pytest.CaptureFixture[str]) -> None:
    """Linux drops a connection beyond the listen queue: connect() waits, within the deadline."""
    with socket.socket() as listener, socket.socket() as waiting:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        waiting.connect(("127.0.0.1", port))
        status, _, err = run(
            capsys, "check", f"http://127.0.0.1:{port}/", "--origin", ORIGIN, "--timeout", "0.3"
        )
    assert status == 2
    assert "no complete answer within 0.3 s (stopped while connecting)" in flat(err)


def test_no_time_left_to_connect(capsys: pytest.CaptureFixture[str], raw: RawServer) -> None:
    status, _, err = run(capsys, "check", raw.url + "/", "--origin", ORIGIN, "--timeout", "1e-9")
    assert status == 2
    assert "no complete answer within 1e-09 s (stopped while connecting)" in flat(err)
    assert raw.requests == []


@pytest.mark.parametrize(
    ("response", "message"),
    [
        pytest.param(
            b"HTTP/1.1 200 OK\r\nAccess-Con",
            "the server closed the connection before a complete response (27 bytes received)",
            id="closed early",
        ),
        pytest.param(
            b"SSH-2.0-OpenSSH_9.2\r\n\r\n",
            "the server did not answer in HTTP/1.x: 'SSH-2.0-OpenSSH_9.2'",
            id="not HTTP",
        ),
        pytest.param(b"", "closed the connection before a complete response (0 bytes", id="nothing"),
    ],
)
def test_a_server_that_does_not_speak_http_gives_no_verdict(
    capsys: pytest.CaptureFixture[str], raw: RawServer, response: bytes, message: str
) -> None:
    raw.script = respond(response)
    status, out, err = run(capsys, "check", raw.url + "/", "--origin", ORIGIN)
    assert (status, out) == (2, "")
    assert message in flat(err)


@pytest.mark.parametrize(
    ("response", "said", "allow_origin"),
    [
        pytest.param(
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\n\r\nHTTP/1.1 200 OK\r\n"
            + ACAO
            + b"\r\n",
            None,
            "*",
            id="interim responses skipped",
        ),
        pytest.param(
            b"HTTP/1.0 200\n" + ACAO.replace(b"\r", b"") + b"\n", None, "*", id="bare LF, no reason"
        ),
        pytest.param(
            b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin:\r\n  *\r\n\r\n",
            None,
            "*",
            id="obsolete line folding",
        ),
        pytest.param(
            b"HTTP/1.1 200 OK\r\nno colon\r\nBad Name: x\r\n: empty\r\n" + ACAO + b"\r\n",
            None,
            "*",
            id="lines that are not headers dropped",
        ),
        pytest.param(
            b"HTTP/1.1 401 X\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"5;ext=1\r\nlogin\r\n9\r\n required\r\n0\r\n\r\n",
            "login required",
            None,
            id="chunked body",
        ),
        pytest.param(
            b"HTTP/1.1 401 X\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nlog",
            "log",
            None,
            id="chunked body cut short",
        ),
        pytest.param(
            b"HTTP/1.1 401 X\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"5\r\nlogin\r\n1",
            "login",
            None,
            id="chunked body cut in a chunk size",
        ),
        pytest.param(
            b"HTTP/1.1 401 X\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nx",
            None,
            None,
            id="chunk size not hexadecimal",
        ),
        pytest.param(
            b"HTTP/1.1 401 X\r\nContent-Type: text/plain\r\nContent-Length: "
            + b"9" * 5000
            + b"\r\n\r\nno length",
            "no length",
            None,
            id="content-length of 5000 digits",
        ),
        pytest.param(
            b"HTTP/1.1 403 X\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nd\xc3\xa9j\xff",
            "d\u00e9j\ufffd",
            None,
            id="read to the end, invalid utf-8 replaced",
        ),
        pytest.param(
            b"HTTP/1.1 403 X\r\nContent-Type: text/plain\r\n\r\n" + b"x" * (1 << 20),
            "x" * 200,
            None,
            id="a megabyte of body: 200 characters shown",
        ),
        pytest.param(
            b"HTTP/1.1 403 X\r\nContent-Type: text/html\r\nContent-Length: 5\r\n\r\nhello",
            None,
            None,
            id="not text/plain: no body",
        ),
        pytest.param(b"HTTP/1.1 101 Switching Protocols\r\n\r\n", None, None, id="101 is final"),
    ],
)
def test_awkward_but_valid_http(
    capsys: pytest.CaptureFixture[str],
    raw: RawServer,
    response: bytes,
    said: str | None,
    allow_origin: str | None,
) -> None:
    raw.script = respond(response)
    _, result = run_json(capsys, "check", raw.url + "/", "--origin", ORIGIN, "--timeout", "2")
    exchange = result["exchanges"][-1]
    assert dict(exchange["response_headers"]).get("Access-Control-Allow-Origin") == allow_origin
    _, out, _ = run(capsys, "check", raw.url + "/", "--origin", ORIGIN, "--timeout", "2")
    if said is None:
        assert "Server said" not in out
    else:
        assert f"Server said: HTTP {exchange['status']} {said!r}" in flat(out)


@pytest.mark.parametrize(
    ("method", "status", "reads_body"),
    [
        pytest.param("HEAD", 401, False, id="HEAD"),
        pytest.param("GET", 304, False, id="304"),
        pytest.param("GET", 401, True, id="GET 401"),
    ],
)
def test_the_body_is_read_only_when_there_is_one(
    capsys: pytest.CaptureFixture[str], raw: RawServer, method: str, status: int, reads_body: bool
) -> None:
    raw.script = respond(f"HTTP/1.1 {status} X\r\nContent-Type: text/plain\r\n\r\n".encode() + b"body")
    _, out, _ = run(capsys, "check", raw.url + "/", "--origin", ORIGIN, "--method", method)
    assert ("Server said: HTTP" in out) is reads_body


def test_what_check_sends(capsys: pytest.CaptureFixture[str], raw: RawServer) -> None:
    raw.script = respond(b"HTTP/1.1 200 OK\r\n" + ACAO + b"Access-Control-Allow-Headers: *\r\n\r\n")
    url = raw.url + "/a b/\u00e9?q=1 2&x='y'"
    argv = ["check", url, "--origin", ORIGIN, "--method", "POST", "--header", "Content-Type: text/plain"]
    run(capsys, *argv, "--header", "X-A: 1", "--header", "x-a: 2", "--send")
    preflight, actual = raw.requests
    assert preflight.startswith(b"OPTIONS /a%20b/%C3%A9?q=1%202&x=%27y%27 HTTP/1.1\r\n")
    assert actual.split(b"\r\n") == [
        b"POST /a%20b/%C3%A9?q=1%202&x=%27y%27 HTTP/1.1",
        f"Host: 127.0.0.1:{raw.port}".encode(),
        b"Origin: http://localhost:3000",
        b"Content-Type: text/plain",
        b"X-A: 1, 2",
        b"Content-Length: 0",
        b"Connection: close",
        b"",
        b"",
    ]


def test_host_header_of_an_ipv6_address_and_a_default_port() -> None:
    request = transports._request("GET", urlsplit("http://[::1]/x"), "::1", ())
    assert request.startswith(b"GET /x HTTP/1.1\r\nHost: [::1]\r\n")


# ---- TLS: certificate verification and SNI ------------------------------------------------------


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CA and a certificate for localhost and 127.0.0.1 that it signed, made with openssl."""
    folder = tmp_path_factory.mktemp("tls")

    def openssl(*arguments: str) -> None:
        command = ["openssl", *arguments]
        subprocess.run(command, cwd=folder, check=True, capture_output=True, timeout=30)  # noqa: S603

    (folder / "ca.ext").write_text(
        "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
        "subjectKeyIdentifier=hash\n"
    )
    (folder / "leaf.ext").write_text(
        "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n"
        "authorityKeyIdentifier=keyid\nsubjectKeyIdentifier=hash\n"
    )
    openssl(
        "req",
        "-new",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.csr",
        "-subj",
        "/CN=corsware test CA",
    )
    openssl(
        "x509",
        "-req",
        "-in",
        "ca.csr",
        "-signkey",
        "ca.key",
        "-days",
        "2",
        "-extfile",
        "ca.ext",
        "-out",
        "ca.pem",
    )
    openssl(
        "req",
        "-new",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "leaf.key",
        "-out",
        "leaf.csr",
        "-subj",
        "/CN=localhost",
    )
    openssl(
        "x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-days", "2", "-extfile", "leaf.ext", "-out", "leaf.pem",
    )  # fmt: skip
    return folder


@pytest.fixture
def tls_server(certificates: Path) -> Iterator[RawServer]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificates / "leaf.pem", certificates / "leaf.key")
    server = RawServer(tls=context)
    context.sni_callback = lambda tls, name, _: server.server_names.append(name)
    server.script = respond(b"HTTP/1.1 200 OK\r\n" + ACAO + b"\r\n")
    try:
        yield server
    finally:
        server.close()


def test_https_verifies_the_certificate_and_sends_sni(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    certificates: Path,
    tls_server: RawServer,
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(certificates / "ca.pem"))
    url = f"https://localhost:{tls_server.port}/"
    status, result = run_json(capsys, "check", url, "--origin", ORIGIN)
    assert (status, result["verdict"]) == (0, "allowed")
    assert tls_server.server_names[-1] == "localhost"


def test_https_refuses_an_unknown_certificate_authority(
    capsys: pytest.CaptureFixture[str], tls_server: RawServer
) -> None:
    url = f"https://localhost:{tls_server.port}/"
    status, _, err = run(capsys, "check", url, "--origin", ORIGIN)
    assert status == 2
    assert f"cannot reach {url}: its TLS certificate is not valid: unable to get local issuer" in flat(
        err
    )


# ---- A.6: a closed output pipe ends the command quietly ------------------------------------------


def test_a_closed_pipe_ends_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """What `corsware demo | head` meets, on a real pipe: status 1, no traceback, nothing raised."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    with open(write_end, "w", encoding="utf-8") as stream:
        monkeypatch.setattr(sys, "stdout", stream)
        assert cli.main(["demo"]) == 1
        stream.write("gone to /dev/null now")


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["demo"], id="demo"),
        pytest.param(["check", "{url}/echo", "--origin", ORIGIN], id="check"),
    ],
)
def test_a_closed_pipe_ends_quietly(server: demo.DemoServer, argv: list[str]) -> None:
    """`corsware ... | head` in a real subprocess whose stdout is closed before it writes."""
    command = [sys.executable, "-m", "corsware", *(a.format(url=demo.url_of(server)) for a in argv)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # noqa: S603
    try:
        assert process.stdout is not None
        process.stdout.close()
        _, err = process.communicate(timeout=30)
    finally:
        process.kill()
        process.wait(timeout=10)
    assert process.returncode == 1
    assert err == b""


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["check", "{url}/api/items", "--origin", ORIGIN], id="check-waiting-on-a-server"),
        pytest.param(
            ["check", "{url}/api/items", "--origin", ORIGIN, "--json"], id="check-json-waiting"
        ),
    ],
)
def test_ctrl_c_ends_quietly(raw: RawServer, argv: list[str]) -> None:
    """SIGINT, as a terminal's Ctrl+C sends it, while check waits on a server that never answers."""
    holding = threading.Event()

    def hold(connection: socket.socket) -> None:
        holding.set()
        time.sleep(5)  # well within check's deadline, and the test ends long before

    raw.script = hold
    command = [sys.executable, "-m", "corsware", *(a.format(url=raw.url) for a in argv)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # noqa: S603
    try:
        assert holding.wait(30)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
        process.wait(timeout=10)
    assert (process.returncode, out, err) == (130, b"", b"corsware: interrupted\n")


def test_ctrl_c_in_process_is_one_line(raw: RawServer, capsys: pytest.CaptureFixture[str]) -> None:
    """The same SIGINT delivered to this process while main() waits: caught there, not above it."""
    holding = threading.Event()

    def hold(connection: socket.socket) -> None:
        holding.set()
        time.sleep(5)

    def interrupt() -> None:
        if holding.wait(30):
            os.kill(os.getpid(), signal.SIGINT)

    raw.script = hold
    interrupter = threading.Thread(target=interrupt)
    interrupter.start()
    try:
        result = run(capsys, "check", f"{raw.url}/api/items", "--origin", ORIGIN)
    finally:
        interrupter.join(35)
    assert result == (130, "", "corsware: interrupted\n")


def test_an_unbuffered_closed_pipe_fails_on_print(monkeypatch: pytest.MonkeyPatch) -> None:
    """A write that fails at once (a full pipe, here an unbuffered one) is handled the same."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    raw_stream = open(write_end, "wb", buffering=0)  # noqa: SIM115 - closed below
    stream = io.TextIOWrapper(raw_stream, write_through=True)
    monkeypatch.setattr(sys, "stdout", stream)
    try:
        assert cli.main(["check", "http://127.0.0.1:1/", "--origin", "bad"]) == 2
        assert cli.main(["--version"]) == 1
    finally:
        stream.close()


def test_the_demo_request_log_is_escaped(capsys: pytest.CaptureFixture[str]) -> None:
    """`demo --serve` logs each request line a client sends; its control characters are escaped."""
    instance = demo.serve_in_thread(demo.api(), quiet=False)
    err = ""
    with demo.running(instance):
        with socket.create_connection(("127.0.0.1", instance.server_port), 5) as client:
            client.sendall(b"GET /\x1b[2J\x9b HTTP/1.1\r\nHost: x\r\n\r\n")
            # Read to the end: wsgiref logs nothing for a client that leaves before the body.
            response = b""
            while chunk := client.recv(4096):
                response += chunk
        assert b" 404 " in response
        deadline = time.monotonic() + 5  # the server logs once it has closed the connection
        while "HTTP/1.1" not in err and time.monotonic() < deadline:
            time.sleep(0.01)
            err += capsys.readouterr().err
    assert "/\\x1b[2J\\x9b HTTP/1.1" in err
    assert is_terminal_safe(err)
