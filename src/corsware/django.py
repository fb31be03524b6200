"""The Django adapter: corsware as an entry of ``MIDDLEWARE``, configured by the ``CORSWARE`` setting.

At the end of ``settings.py``::

    INSTALLED_APPS += ["corsware.django.CorswareConfig"]
    MIDDLEWARE.insert(0, "corsware.django.CorsMiddleware")
    CORSWARE = {"origins": ["https://app.example.com"], "allow_credentials": True}

``CORSWARE`` holds the keyword options of :class:`corsware.CORSMiddleware`, and ``"resources"`` for
its resources; the middleware compiles them with the same code and gives every request the same
decision. The app registers a Django system check that reports each configuration problem under
the id ``corsware.E<nnn>`` (the code ``CORS-E<nnn>``), named as the setting writes it:
``CORSWARE['resources']['/api/*']['origins'][0]``.

This is the one module of corsware that imports Django; ``import corsware`` does not import it.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping, Sequence
from typing import Any, Final

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.apps import AppConfig  # type: ignore[import-untyped]
from django.conf import settings  # type: ignore[import-untyped]
from django.core import checks  # type: ignore[import-untyped]
from django.http import HttpRequest, HttpResponse  # type: ignore[import-untyped]

from corsware.decision import Decision
from corsware.engine import Engine, log_rejection
from corsware.errors import ConfigProblem, CORSConfigError, ErrorCode, Location
from corsware.headers import OWNED_NAME_INITIALS, rewrite_response_headers

__all__ = ["SETTING", "CorsMiddleware", "CorswareConfig", "check_middleware_order", "check_settings"]

SETTING: Final = "CORSWARE"
"""The name of the one setting the middleware and the system check read."""

logger = logging.getLogger("corsware")

_MIDDLEWARE_PATH: Final = "corsware.django.CorsMiddleware"


class CorsMiddleware:
    """Django middleware that applies the CORS policies of ``settings.CORSWARE``; list it first.

    Preflights on a covered path are answered here, without calling the rest of ``MIDDLEWARE`` or
    the view, so neither ``CommonMiddleware`` (``APPEND_SLASH`` redirects) nor authentication can
    break them. Every other response on a covered path gets the CORS headers its origin deserves;
    ``Vary`` is merged into the response's own and any ``Access-Control-*`` header the view set is
    replaced. Paths are matched on ``request.path_info``, as the URL resolver sees them.

    Both sync and async capable: under ASGI it runs as a coroutine, without a thread switch, when
    the middleware after it can too.

    Args:
        get_response: The rest of the middleware chain, as Django passes it.

    Raises:
        CORSConfigError: when the setting is missing or invalid, listing every problem, each named
            as the setting writes it.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Any) -> None:
        """Read and compile ``settings.CORSWARE`` once, when Django builds its middleware chain."""
        self.get_response = get_response
        self._engine = _engine_from_settings()
        # path_info is decoded text already: the router sees it as it is.
        self._rules = self._engine.remembered_rules(str)
        self._async = iscoroutinefunction(get_response)
        if self._async:
            # Django awaits a middleware that says it is a coroutine function; __call__ then
            # returns the coroutine of _acall.
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        """Answer a preflight, or pass the request on and add CORS headers to the response."""
        if self._async:
            return self._acall(request)
        decision = self._decision(request)
        if decision is None:
            return self.get_response(request)
        if decision.status_code is not None:
            return _answer(decision)
        response = self.get_response(request)
        _add_cors_headers(response, decision.headers)
        return response

    async def _acall(self, request: HttpRequest) -> Any:
        decision = self._decision(request)
        if decision is None:
            return await self.get_response(request)
        if decision.status_code is not None:
            return _answer(decision)
        response = await self.get_response(request)
        _add_cors_headers(response, decision.headers)
        return response

    def _decision(self, request: HttpRequest) -> Decision | None:
        rules = self._rules[request.path_info]
        if rules is None:
            return None
        meta = request.META
        decision = rules.decide(meta.get("HTTP_ORIGIN"), meta)
        if decision.exceptional and not decision.allowed and logger.isEnabledFor(logging.DEBUG):
            log_rejection(decision, meta.get("REQUEST_METHOD"), request.path_info, meta)
        return decision


class CorswareConfig(AppConfig):  # type: ignore[misc]
    """The app to list in ``INSTALLED_APPS``, so that Django's system check validates ``CORSWARE``.

    ``manage.py check``, ``runserver``, ``migrate`` and the test runner then report every problem of
    the setting before anything is served.
    """

    name = "corsware.django"
    label = "corsware"
    verbose_name = "corsware"


def check_settings(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[Any]:
    """Django system check: one ``checks.Error`` per problem of ``settings.CORSWARE``.

    Each error's ``id`` is ``corsware.E<nnn>`` for the problem's code ``CORS-E<nnn>``, its ``obj``
    the place in the setting, such as ``CORSWARE['origins'][0]``, and its ``hint`` the fix. The
    setting is checked as a whole, whichever apps are being checked.

    Args:
        app_configs: The apps Django is checking; the setting belongs to none of them.
        **kwargs: Django's other check arguments, such as ``databases``.
    """
    try:
        _engine_from_settings()
    except CORSConfigError as error:
        return [
            checks.Error(
                f"{problem.value!r} {problem.message}.",
                hint=problem.fix,
                obj=problem.option,
                id="corsware." + problem.code.removeprefix("CORS-"),
            )
            for problem in error.problems
        ]
    return []


def check_middleware_order(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[Any]:
    """Django system check: ``corsware.W001`` when ``CorsMiddleware`` is listed but not first.

    A middleware above it sees every preflight first, and a response it returns by itself, without
    calling the rest of the chain (``SecurityMiddleware``'s HTTPS redirect, ``CommonMiddleware``'s
    refusals, an authentication check that answers 401), never passes through corsware, so it
    carries no CORS headers and the browser reports a CORS error instead of the real one. Nothing
    is reported when the middleware is not listed (a ``wsgi.py`` wrapped in the WSGI middleware
    instead, say).

    Args:
        app_configs: The apps Django is checking; ``MIDDLEWARE`` belongs to none of them.
        **kwargs: Django's other check arguments, such as ``databases``.
    """
    middleware = list(settings.MIDDLEWARE)
    if _MIDDLEWARE_PATH not in middleware or middleware[0] == _MIDDLEWARE_PATH:
        return []
    above = ", ".join(middleware[: middleware.index(_MIDDLEWARE_PATH)])
    return [
        checks.Warning(
            f"{_MIDDLEWARE_PATH} is not first in MIDDLEWARE, so what is listed above it ({above}) "
            "sees every preflight first and can answer a request without CORS headers.",
            hint=f"move {_MIDDLEWARE_PATH!r} to the top of MIDDLEWARE",
            obj="MIDDLEWARE",
            id="corsware.W001",
        )
    ]


# Registered when the module is imported, which listing the app (or the middleware) does, and
# tagged "security": a CORS policy decides which websites may read your users' responses.
checks.register(check_settings, checks.Tags.security)
checks.register(check_middleware_order, checks.Tags.security)


def _engine_from_settings() -> Engine:
    configuration = getattr(settings, SETTING, None)
    if not isinstance(configuration, Mapping):
        raise CORSConfigError(
            [
                ConfigProblem(
                    ErrorCode.WRONG_TYPE,
                    SETTING,
                    configuration,
                    "must be set to a dict of corsware options"
                    if configuration is None
                    else "must be a dict of corsware options",
                    f"set {SETTING} = {{'origins': ['https://app.example.com']}} in your settings; "
                    "{} lets every origin read every path without credentials",
                )
            ]
        )
    options = dict(configuration)
    resources = options.pop("resources", None)
    try:
        return Engine(resources, options)
    except CORSConfigError as error:
        raise CORSConfigError(
            dataclasses.replace(problem, option=_setting_path(problem.location))
            for problem in error.problems
        ) from None


def _setting_path(location: Location) -> str:
    """A problem's place as Python reaches it in the setting: ``CORSWARE['resources']['/a/*']``.

    The repr of each step is what the user wrote: a quoted name, an index, or for a compiled
    resource pattern ``re.compile('...')``.
    """
    return SETTING + "".join(f"[{step!r}]" for step in location)


def _answer(decision: Decision) -> HttpResponse:
    """The response to a preflight, which the middleware answers itself."""
    return HttpResponse(decision.body, status=decision.status_code, headers=decision.header_list)


def _add_cors_headers(response: HttpResponse, cors_headers: Sequence[tuple[str, str]]) -> None:
    headers = response.headers
    # Only a name starting with one of these letters can be Vary or Access-Control-*; when the view
    # set one, the headers are rewritten exactly as the WSGI adapter rewrites them.
    owned = [(name, headers[name]) for name in headers if name[:1] in OWNED_NAME_INITIALS]
    if owned:
        for name, _ in owned:
            del headers[name]
        cors_headers = rewrite_response_headers(owned, cors_headers)
    for name, value in cors_headers:
        headers[name] = value
