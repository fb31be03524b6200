"""How the verdict engine reaches a server: over HTTP for `check`, through a policy for `explain`."""

from __future__ import annotations

import http.client
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from corsware.browser import Headers, Response, Transport, get_header

if TYPE_CHECKING:
    from corsware.decision import Decision
    from corsware.middleware import CORSMiddleware

__all__ = ["UnreachableError", "http_transport", "policy_transport"]

_TIMEOUT_SECONDS = 10.0
_BODY_LIMIT = 1 << 20
_BODY_SHOWN = 200


class UnreachableError(Exception):
    """The server cannot be reached over HTTP: the `corsware` command reports it, exit status 2."""


def http_transport(timeout: float = _TIMEOUT_SECONDS) -> Transport:
    """A transport that sends each request with http.client, never following redirects.

    Raises:
        UnreachableError: the server cannot be reached or does not speak HTTP.
    """

    def send(method: str, url: str, headers: Headers) -> Response:
        parts = urlsplit(url)
        connection_class = (
            http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        )
        connection = connection_class(parts.hostname or "", parts.port, timeout=timeout)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request(method, target, headers=_combine(headers))
            response = connection.getresponse()
            body = response.read(_BODY_LIMIT)
            text = body[:_BODY_SHOWN].decode("utf-8", "replace") if _is_text(response) else ""
            return Response(response.status, tuple(response.getheaders()), text)
        except (OSError, http.client.HTTPException) as error:
            raise UnreachableError(f"cannot reach {url}: {str(error) or type(error).__name__}") from None
        finally:
            connection.close()

    return send


def _combine(headers: Headers) -> dict[str, str]:
    # A header set twice by script goes out once, its values joined, as fetch()'s Headers does.
    names: dict[str, str] = {}
    for name, _ in headers:
        names.setdefault(name.lower(), name)
    return {name: get_header(headers, name) or "" for name in names.values()}


def _is_text(response: http.client.HTTPResponse) -> bool:
    return (response.getheader("Content-Type") or "").lower().startswith("text/plain")


def policy_transport(middleware: CORSMiddleware, decisions: list[Decision]) -> Transport:
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
