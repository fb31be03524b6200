"""The ASGI adapter: the same policies and decisions as the WSGI middleware, for ASGI 3 apps.

``from corsware.asgi import CORSMiddleware`` takes the same arguments as :class:`corsware.CORSMiddleware`
and compiles them with the same code. It answers preflights without calling the app, adds the CORS
headers (``Vary`` merged) in ``http.response.start``, never reads or buffers a body, and passes
``lifespan`` and unknown scope types through. It also guards WebSocket handshakes by their ``Origin``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any, Final, Unpack

from corsware.configuration import ResourcePattern, ResourceSpec
from corsware.engine import Adapter, log_rejection
from corsware.headers import escape, rewrite_response_headers
from corsware.policy import PolicyOptions

__all__ = ["ASGIApp", "CORSMiddleware"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
"""An ASGI 3 application."""

logger = logging.getLogger("corsware")

# The first letters of the response header names corsware owns: "access-control-*" and "vary", in
# either case (ASGI asks for lower-case names but does not promise them).
_OWNED_INITIALS: Final = frozenset(b"AaVv")
# The request headers a decision reads, under the CGI names decide() takes them by (as WSGI does).
_CGI_NAMES: Final = {
    b"origin": "HTTP_ORIGIN",
    b"access-control-request-method": "HTTP_ACCESS_CONTROL_REQUEST_METHOD",
    b"access-control-request-headers": "HTTP_ACCESS_CONTROL_REQUEST_HEADERS",
    b"access-control-request-private-network": "HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK",
}
# The values of a request that cannot be a preflight: decide() then needs none.
_NO_ORIGIN: Final[Mapping[str, str]] = {}
_DENIAL_EXTENSION: Final = "websocket.http.response"
_DENIAL_BODY: Final = b"WebSocket handshake refused: origin not allowed\n"
_POLICY_VIOLATION: Final = 1008  # RFC 6455 §7.4.1


class CORSMiddleware(Adapter[ASGIApp]):
    """ASGI middleware that applies CORS policies to the resources (URL paths) you name.

    The arguments are those of :class:`corsware.CORSMiddleware`, validated and compiled by the same
    code, and each request gets the same decision it would get there. Paths are matched on
    ``scope["path"]`` (already decoded text), without the ``root_path`` an app is mounted at, so a
    mounted app sees the same paths as under WSGI.

    WebSocket handshakes on a covered path whose ``Origin`` the resource's ``origins`` do not allow
    are refused before the app can accept them: with HTTP 403 where the server supports ASGI's
    WebSocket Denial Response extension, with a close otherwise. Set ``websocket_guard=False`` on a
    resource to turn that off.

    Args:
        app: The ASGI 3 application to wrap.
        resources: As for :class:`corsware.CORSMiddleware`.
        **options: As for :class:`corsware.CORSMiddleware`.

    Raises:
        CORSConfigError: listing every problem in the options and resources at once.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        resources: Mapping[ResourcePattern, ResourceSpec] | None = None,
        **options: Unpack[PolicyOptions],
    ) -> None:
        """Validate the whole configuration and compile every resource's rules."""
        # ASGI's path is decoded text already: the router sees it as it is.
        super().__init__(app, resources, options, str)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer a preflight, guard a WebSocket handshake, or add CORS headers to the response."""
        kind = scope["type"]
        if kind != "http":
            if kind == "websocket":
                await self._guard(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        root = scope.get("root_path")
        if root:
            path = _path_of(scope)
        rules = self._rules[path]
        if rules is None:
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS":
            request = _request_of(scope)
            decision = rules.decide(request.get("HTTP_ORIGIN"), request)
        else:
            # Only Origin matters to a request that cannot be a preflight: one comparison a header.
            origin = None
            for name, value in scope["headers"]:
                if name == b"origin":
                    origin = value if origin is None else origin + b"," + value
            decision = rules.decide(None if origin is None else origin.decode("latin-1"), _NO_ORIGIN)
        if decision.exceptional:
            if not decision.allowed and logger.isEnabledFor(logging.DEBUG):
                log_rejection(decision, scope.get("method"), scope.get("path"), _request_of(scope))
            if decision.status_code is not None:
                await send(
                    {
                        "type": "http.response.start",
                        "status": decision.status_code,
                        "headers": decision.raw_header_list.copy(),
                    }
                )
                await send({"type": "http.response.body", "body": decision.body})
                return
        cors_headers = decision.raw_header_list

        # A plain function returning the server's awaitable, which is all ASGI asks of `send`: a
        # coroutine of our own per message would cost more than the rest of the work.
        def send_with_cors(message: Message) -> Awaitable[None]:
            if message["type"] == "http.response.start":
                headers = message.get("headers", ())
                # ASGI allows any iterable of pairs; one that is not a sequence can be read once.
                if not isinstance(headers, list | tuple):
                    headers = list(headers)
                for name, _ in headers:
                    if name[0] in _OWNED_INITIALS:
                        return send({**message, "headers": _merged(headers, cors_headers)})
                # A new message, as WSGI gives the server a new list: the app may reuse its own.
                return send({**message, "headers": [*headers, *cors_headers]})
            return send(message)

        await self.app(scope, receive, send_with_cors)

    async def _guard(self, scope: Scope, receive: Receive, send: Send) -> None:
        rules = self._rules[_path_of(scope)]
        origin = _request_of(scope).get("HTTP_ORIGIN")
        if rules is None or rules.admits_websocket(origin):
            await self.app(scope, receive, send)
            return
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "WebSocket handshake refused (origin not allowed): %s from origin %s",
                escape(scope.get("path")),
                escape(origin),
            )
        message = await receive()
        if message["type"] != "websocket.connect":  # the client left before the handshake ended
            return
        if _DENIAL_EXTENSION in (scope.get("extensions") or {}):
            await send(
                {
                    "type": "websocket.http.response.start",
                    "status": 403,
                    "headers": [
                        (b"content-type", b"text/plain; charset=utf-8"),
                        (b"content-length", str(len(_DENIAL_BODY)).encode("ascii")),
                    ],
                }
            )
            await send({"type": "websocket.http.response.body", "body": _DENIAL_BODY})
            return
        # Closing before accepting makes the server refuse the handshake (ASGI WebSocket spec).
        await send({"type": "websocket.close", "code": _POLICY_VIOLATION})


def _path_of(scope: Scope) -> str:
    """The path as the app's router sees it: ``path`` without the ``root_path`` it is mounted at."""
    path: str = scope["path"]
    root: str = scope.get("root_path") or ""
    # Current uvicorn, hypercorn and Starlette include root_path in path; older servers did not.
    if root and path.startswith(root) and path[len(root) : len(root) + 1] in ("", "/"):
        return path[len(root) :]
    return path


def _request_of(scope: Scope) -> Mapping[str, str]:
    """The CGI-style values a decision reads, from the scope's header list.

    Repeated headers are joined with commas, as WSGI servers join them, so that a request gets the
    same decision under both adapters (two Origin headers make a malformed Origin).
    """
    found: dict[str, str] | None = None
    # Servers lower-case header names (ASGI asks them to); one that does not gets no CORS grant.
    for name, value in scope["headers"]:
        cgi_name = _CGI_NAMES.get(name)
        if cgi_name is not None:
            if found is None:
                found = {"REQUEST_METHOD": scope.get("method", "GET")}
            text = value.decode("latin-1")
            found[cgi_name] = f"{found[cgi_name]},{text}" if cgi_name in found else text
    return _NO_ORIGIN if found is None else found


def _merged(headers: Any, cors_headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The app's headers, which set Vary or Access-Control-*, merged with corsware's as WSGI does."""
    text = [(key.decode("latin-1"), value.decode("latin-1")) for key, value in headers]
    ours = [(key.decode("latin-1"), value.decode("latin-1")) for key, value in cors_headers]
    return [
        (key.encode("latin-1"), value.encode("latin-1"))
        for key, value in rewrite_response_headers(text, ours)
    ]
