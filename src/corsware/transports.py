"""How the verdict engine reaches a server: over HTTP for `check`, through a policy for `explain`.

The HTTP transport is a small HTTP/1.1 client over `socket` and `ssl`, because `corsware check`
talks to servers it does not trust: one deadline covers each whole exchange (connecting, the TLS
handshake, sending, and every read), and the response head and body are read up to fixed limits.
"""

from __future__ import annotations

import re
import socket
import ssl
import time
from typing import TYPE_CHECKING
from urllib.parse import SplitResult, urlsplit

from corsware.browser import Headers, Response, Transport, get_header
from corsware.browser.request import is_token

if TYPE_CHECKING:
    from corsware.decision import Decision
    from corsware.discovery import Explainer

__all__ = [
    "BODY_LIMIT",
    "HEADER_LIMIT",
    "TIMEOUT_SECONDS",
    "UnreachableError",
    "http_transport",
    "policy_transport",
]

TIMEOUT_SECONDS = 10.0
"""The default deadline of one exchange (one request and its response), in seconds."""
HEADER_LIMIT = 64 * 1024
"""The most bytes of response head (status line and headers, interim responses included) read."""
BODY_LIMIT = 4 * 1024
"""The most body bytes read: only the start of a refusal's text is shown."""

_BODY_SHOWN = 200
_READ_SIZE = 4096
_STATUS_LINE = re.compile(r"HTTP/1\.[01] ([0-9]{3})(?: .*)?")
_HEAD_END = re.compile(rb"\r?\n\r?\n")
_OBS_FOLD = " \t"
_CONTENT_LENGTH = re.compile(r"[0-9]{1,18}")
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,8}")
_SWITCHING_PROTOCOLS = 101
_INFORMATIONAL = range(100, 200)
_NO_BODY_STATUSES = frozenset([204, 304])
# http.client's list: a request without a body still says Content-Length: 0 for these.
_METHODS_EXPECTING_BODY = frozenset(["PATCH", "POST", "PUT"])


class UnreachableError(Exception):
    """No verdict is possible: the server cannot be reached, is too slow, or does not speak HTTP.

    The `corsware` command reports it in one line, exit status 2.
    """


class _Deadline:
    """The time left for one exchange, and the error to raise when it is gone."""

    def __init__(self, seconds: float, url: str) -> None:
        self.seconds = seconds
        self.url = url
        self.end = time.monotonic() + seconds

    def left(self, stage: str) -> float:
        remaining = self.end - time.monotonic()
        if remaining <= 0:
            raise self.expired(stage)
        return remaining

    def expired(self, stage: str) -> UnreachableError:
        return UnreachableError(
            f"{self.url}: no complete answer within {self.seconds:g} s (stopped while {stage}); "
            "the server is slow or sends its answer a little at a time: --timeout gives it longer"
        )

    def receive(self, connection: socket.socket, stage: str) -> bytes:
        """One read from ``connection``, within the time left."""
        connection.settimeout(self.left(stage))
        try:
            return connection.recv(_READ_SIZE)
        except TimeoutError:
            raise self.expired(stage) from None


def http_transport(timeout: float = TIMEOUT_SECONDS) -> Transport:
    """A transport that sends each request over HTTP/1.1 (or HTTPS), never following redirects.

    Each exchange must finish within ``timeout`` seconds. HTTPS uses the system's certificate
    authorities, SNI and hostname verification (`ssl.create_default_context`). The body is read
    only for a refusal in ``text/plain`` (a status outside 200-299), the one case it is shown.

    Raises:
        UnreachableError: the server cannot be reached, breaks the deadline or a limit, or does not
            speak HTTP/1.x.
    """

    def send(method: str, url: str, headers: Headers) -> Response:
        deadline = _Deadline(timeout, url)
        parts = urlsplit(url)
        host = parts.hostname or ""
        try:
            # IDNA 2003, as the socket module would use; it also refuses labels DNS cannot carry.
            ascii_host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise UnreachableError(f"cannot reach {url}: {host!r} is not a valid DNS name") from None
        https = parts.scheme == "https"
        port = parts.port or (443 if https else 80)
        connection: socket.socket | None = None
        try:
            connection = _connect(ascii_host, port, deadline)
            if https:
                connection = _start_tls(connection, ascii_host, deadline)
            connection.settimeout(deadline.left("sending the request"))
            connection.sendall(_request(method, parts, ascii_host, headers))
            return _read_response(connection, method, deadline)
        except OSError as error:
            raise UnreachableError(f"cannot reach {url}: {_describe(error)}") from None
        finally:
            if connection is not None:
                connection.close()

    return send


def _describe(error: OSError) -> str:
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"its TLS certificate is not valid: {error.verify_message}"
    if isinstance(error, ssl.SSLError):
        return "the TLS handshake failed: " + str(error.reason).replace("_", " ").lower()
    return str(error) or type(error).__name__


def _connect(host: str, port: int, deadline: _Deadline) -> socket.socket:
    failure = OSError("no address")  # getaddrinfo raises rather than return no address
    for family, kind, protocol, _, address in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        connection = socket.socket(family, kind, protocol)
        try:
            connection.settimeout(deadline.left("connecting"))
            connection.connect(address)
        except TimeoutError:
            connection.close()
            raise deadline.expired("connecting") from None
        except OSError as error:  # refused: "localhost" may be ::1 first, then 127.0.0.1
            connection.close()
            failure = error
            continue
        except BaseException:
            connection.close()
            raise
        return connection
    raise failure


def _start_tls(connection: socket.socket, host: str, deadline: _Deadline) -> ssl.SSLSocket:
    context = ssl.create_default_context()
    tls = context.wrap_socket(connection, server_hostname=host, do_handshake_on_connect=False)
    # CPython bounds a whole blocking handshake by the socket's timeout, not each read in it.
    tls.settimeout(deadline.left("in the TLS handshake"))
    try:
        tls.do_handshake()
    except TimeoutError:
        tls.close()
        raise deadline.expired("in the TLS handshake") from None
    except BaseException:
        tls.close()
        raise
    return tls


def _request(method: str, parts: SplitResult, host: str, headers: Headers) -> bytes:
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    authority = f"[{host}]" if ":" in host else host
    port = f":{parts.port}" if parts.port else ""
    lines = [f"{method} {target} HTTP/1.1", f"Host: {authority}{port}"]
    lines += [f"{name}: {value}" for name, value in _combine(headers).items()]
    if method in _METHODS_EXPECTING_BODY:
        lines.append("Content-Length: 0")
    lines += ["Connection: close", "", ""]
    return "\r\n".join(lines).encode("latin-1")


def _combine(headers: Headers) -> dict[str, str]:
    # A header set twice by script goes out once, its values joined, as fetch()'s Headers does.
    names: dict[str, str] = {}
    for name, _ in headers:
        names.setdefault(name.lower(), name)
    return {name: get_header(headers, name) or "" for name in names.values()}


def _read_response(connection: socket.socket, method: str, deadline: _Deadline) -> Response:
    received = b""
    interim = 0  # bytes of the interim (1xx) responses before, which count against the limit
    while True:  # one pass per read, or per interim response; the head limit bounds both
        head_end = _HEAD_END.search(received)
        if head_end is None:
            if interim + len(received) > HEADER_LIMIT:
                raise UnreachableError(
                    f"{deadline.url}: the response headers are over {HEADER_LIMIT // 1024} KiB; "
                    "corsware stops reading there (browsers refuse such responses too)"
                )
            data = deadline.receive(connection, f"reading the response headers ({len(received)} bytes)")
            if not data:
                raise UnreachableError(
                    f"{deadline.url}: the server closed the connection before a complete response "
                    f"({len(received)} bytes received)"
                )
            received += data
            continue
        status, headers = _parse_head(received[: head_end.start()].decode("latin-1"), deadline.url)
        received = received[head_end.end() :]
        interim += head_end.end()
        if status not in _INFORMATIONAL or status == _SWITCHING_PROTOCOLS:
            break
    content_type = (get_header(headers, "Content-Type") or "").lower()
    shown = (
        method != "HEAD"
        and status not in _NO_BODY_STATUSES
        and status not in range(200, 300)
        and content_type.startswith("text/plain")
    )
    body = _read_body(connection, headers, received, deadline) if shown else ""
    return Response(status, headers, body)


def _parse_head(head: str, url: str) -> tuple[int, tuple[tuple[str, str], ...]]:
    status_line, *lines = (line.removesuffix("\r") for line in head.split("\n"))
    match = _STATUS_LINE.fullmatch(status_line)
    if match is None:
        raise UnreachableError(f"{url}: the server did not answer in HTTP/1.x: {status_line[:80]!r}")
    headers: list[tuple[str, str]] = []
    for line in lines:
        if line[:1] in _OBS_FOLD and headers:
            # RFC 9112 section 5.2: a user agent replaces an obsolete line folding with a space.
            name, value = headers.pop()
            headers.append((name, f"{value} {line.strip(_OBS_FOLD)}".strip(_OBS_FOLD)))
            continue
        name, colon, value = line.partition(":")
        # A line that is not "token: value" is dropped, as browsers drop it.
        if colon and is_token(name):
            headers.append((name, value.strip(_OBS_FOLD)))
    return int(match.group(1)), tuple(headers)


def _read_body(connection: socket.socket, headers: Headers, received: bytes, deadline: _Deadline) -> str:
    chunked = "chunked" in (get_header(headers, "Transfer-Encoding") or "").lower()
    length = _CONTENT_LENGTH.fullmatch(get_header(headers, "Content-Length") or "")
    wanted = min(int(length.group()), BODY_LIMIT) if length and not chunked else BODY_LIMIT
    while len(received) < wanted and not (chunked and _dechunk(received)[1]):
        try:
            data = deadline.receive(connection, "reading the body")
        except (UnreachableError, OSError):
            # The verdict is already made: a slow or broken body only shortens what is shown.
            break
        if not data:
            break
        received += data
    body = _dechunk(received)[0] if chunked else received
    return body[:wanted].decode("utf-8", "replace")[:_BODY_SHOWN]


def _dechunk(data: bytes) -> tuple[bytes, bool]:
    """The body so far of a chunked message (RFC 9112 section 7.1), and whether it is complete."""
    body = b""
    position = 0
    while True:  # each pass consumes one chunk, so it ends with the data
        line_end = data.find(b"\r\n", position)
        if line_end < 0:
            return body, False
        size_match = _CHUNK_SIZE.match(data, position, line_end)
        size = int(size_match.group(), 16) if size_match else 0
        if size == 0:
            return body, True
        start = line_end + 2
        chunk = data[start : start + size]
        body += chunk
        if len(chunk) < size:
            return body, False
        position = start + size + 2


def policy_transport(middleware: Explainer, decisions: list[Decision]) -> Transport:
    """A transport answered by ``middleware.explain()``: the headers corsware would send.

    When the app would answer (an actual request, or a path no resource covers), the status is
    assumed to be 200: corsware adds the same CORS headers to every status.
    """

    def send(method: str, url: str, headers: Headers) -> Response:
        origin = get_header(headers, "Origin")
        others = {name: value for name, value in headers if name.lower() != "origin"}
        # `explain` gets a path, not a URL: "//legacy/items" is a path whose first segment is
        # empty, which urlsplit would read as the host "legacy".
        path = url if url.startswith("/") else urlsplit(url).path
        decision = middleware.explain(method, path.partition("?")[0], origin=origin, headers=others)
        decisions.append(decision)
        status = int(decision.status.split()[0]) if decision.status else 200
        body = decision.reason if decision.status and not decision.allowed else ""
        return Response(status, decision.headers, body)

    return send
