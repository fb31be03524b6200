"""CORSMiddleware: the WSGI adapter that carries out the decisions for each request (PEP 3333).

WSGI has no WebSocket standard, so this adapter has no WebSocket Origin guard; the ASGI adapter has.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Final, Unpack

from corsware.configuration import ResourcePattern, ResourceSpec
from corsware.engine import Adapter, log_rejection
from corsware.headers import OWNED_NAME_INITIALS, rewrite_response_headers
from corsware.policy import PolicyOptions
from corsware.resources import wsgi_path

if TYPE_CHECKING:
    from types import TracebackType
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["CORSMiddleware", "PolicyOptions"]

logger = logging.getLogger("corsware")
_DEBUG: Final = logging.DEBUG
# The logger's own public check, bound once: a refused request asks it on every call (the level may
# change at any time), and this is its cheapest public form.
_debug_enabled: Final = logger.isEnabledFor


class CORSMiddleware(Adapter["WSGIApplication"]):
    """WSGI middleware that applies CORS policies to the resources (URL paths) you name.

    Preflights (``OPTIONS`` with ``Origin`` and ``Access-Control-Request-Method``) on a covered path
    are answered here, without calling the app, so authentication in the app cannot break them. Every
    other response on a covered path gets the CORS headers its origin deserves and ``Vary: Origin``
    (resources open to any origin without credentials answer ``*`` to every request instead, and
    need no ``Vary``). Paths no resource covers pass through untouched.

    Args:
        app: The WSGI application to wrap.
        resources: Path patterns mapped to their policy, tried in order (the first match wins):
            ``"/api/*"`` (``/api`` and everything below it), ``"/exact/path"``, or a compiled
            ``re.Pattern`` that must match the whole path. Paths are matched as the app's router
            sees them: ``PATH_INFO`` decoded from UTF-8, literally (a path whose dot segments lead
            to another resource gets nothing). Each value is a dict of policy options, which
            inherits the keyword options below as defaults, or a :class:`~corsware.CORSPolicy`,
            used exactly as written. Without ``resources`` one resource, ``"/*"``, uses the keyword
            options.
        **options: :class:`~corsware.CORSPolicy` options. With none at all, any origin may read
            every path without credentials.

    Raises:
        CORSConfigError: listing every problem in the options and resources at once.
    """

    def __init__(
        self,
        app: WSGIApplication,
        *,
        resources: Mapping[ResourcePattern, ResourceSpec] | None = None,
        **options: Unpack[PolicyOptions],
    ) -> None:
        """Validate the whole configuration and compile every resource's rules."""
        super().__init__(app, resources, options, wsgi_path)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Answer a preflight, or call the app and add CORS headers to its response."""
        rules = self._rules[environ.get("PATH_INFO", "")]
        if rules is None:
            return self.app(environ, start_response)
        decision = rules.decide(environ.get("HTTP_ORIGIN"), environ)
        if decision.exceptional:
            if not decision.allowed and _debug_enabled(_DEBUG):
                log_rejection(decision, environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"), environ)
            if decision.status is not None:
                # A copy: servers may add their own headers to the list they are given.
                start_response(decision.status, decision.header_list.copy())
                return decision.body_chunks
        cors_headers = decision.header_list

        def start_cors_response(
            status: str,
            headers: list[tuple[str, str]],
            exc_info: tuple[type[BaseException], BaseException, TracebackType] | None = None,
        ) -> object:
            # Applied to every call, including a second one with exc_info whose fresh header list
            # replaces the first (PEP 3333 §"The start_response() Callable"). Header names are
            # tokens (PEP 3333), so each has a first letter to look at.
            for name, _ in headers:
                if name[0] in OWNED_NAME_INITIALS:
                    return start_response(
                        status, rewrite_response_headers(headers, cors_headers), exc_info
                    )
            return start_response(status, headers + cors_headers, exc_info)

        return self.app(environ, start_cors_response)  # type: ignore[arg-type]
