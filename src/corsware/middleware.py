"""CORSMiddleware: the WSGI layer that answers preflights and adds CORS headers to responses."""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Final, TypedDict, Unpack

from corsware.decision import (
    ALLOWED_STATUS,
    HEADERS_REJECTED,
    METHOD_REJECTED,
    ORIGIN_REJECTED,
    REJECTED_STATUS,
    UNMATCHED_DECISION,
    Decision,
    ResourceRules,
    cache_entries_for,
)
from corsware.errors import ConfigProblem, CORSConfigError, closest_name
from corsware.headers import OWNED_NAME_INITIALS, escape, rewrite_response_headers
from corsware.policy import OPTION_NAMES, CORSPolicy, Origins, policy_from_options
from corsware.resources import (
    ResourceMap,
    parse_path_pattern,
    pattern_text,
    shadowing_problems,
    shown_pattern,
)

if TYPE_CHECKING:
    from datetime import timedelta
    from types import TracebackType
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["CORSMiddleware", "PolicyOptions"]

logger = logging.getLogger("corsware")
_DEBUG: Final = logging.DEBUG
# Logger.isEnabledFor keeps its answers in this dict and the logging module empties it whenever a level
# changes, so a False found here is the logger's own current answer, read without a Python call on
# every refused request; a True or a miss still asks the logger. Without it (another Python), the empty
# default makes every check ask.
_LEVEL_ANSWERS: Final[dict[int, bool]] = getattr(logger, "_cache", {})

ResourcePattern = str | re.Pattern[str]
ResourceSpec = Mapping[str, object] | CORSPolicy

_PREFLIGHT_CONTENT: Final = (("Content-Type", "text/plain; charset=utf-8"),)
_ALLOWED_PREFLIGHT_CONTENT: Final = (*_PREFLIGHT_CONTENT, ("Content-Length", "0"))
_REJECTION_BODIES: Final = {
    reason: f"CORS preflight rejected: {reason}\n".encode()
    for reason in (ORIGIN_REJECTED, METHOD_REJECTED, HEADERS_REJECTED)
}


class PolicyOptions(TypedDict, total=False):
    """The :class:`CORSPolicy` options, accepted as keyword arguments by :class:`CORSMiddleware`."""

    origins: Origins
    methods: str | Iterable[str]
    allow_headers: str | Iterable[str]
    expose_headers: str | Iterable[str]
    allow_credentials: bool
    max_age: int | timedelta | None
    allow_private_network: bool


class CORSMiddleware:
    """WSGI middleware that applies CORS policies to the resources (URL paths) you name.

    Preflights (``OPTIONS`` with ``Origin`` and ``Access-Control-Request-Method``) on a covered path
    are answered here, without calling the app, so authentication in the app cannot break them. Every
    other response on a covered path gets the CORS headers its origin deserves and ``Vary: Origin``.
    Paths no resource covers pass through untouched.

    Args:
        app: The WSGI application to wrap.
        resources: Path patterns mapped to their policy, tried in order (the first match wins):
            ``"/api/*"`` (``/api`` and everything below it), ``"/exact/path"``, or a compiled
            ``re.Pattern`` that must match the whole ``PATH_INFO``. Each value is a dict of policy
            options, which inherits the keyword options below as defaults, or a :class:`CORSPolicy`,
            used exactly as written. Without ``resources`` one resource, ``"/*"``, uses the keyword
            options.
        **options: :class:`CORSPolicy` options. With none at all, any origin may read every path
            without credentials.

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
        self.app = app
        problems = [
            ConfigProblem("CORS-E001", name, value, "is not a CORS option", closest_name(name, known))
            for name, value in options.items()
            if name not in (known := {*OPTION_NAMES, "resources"})
        ]
        defaults = {name: value for name, value in options.items() if name in OPTION_NAMES}
        entries: list[tuple[ResourcePattern, CORSPolicy]] = []
        if resources is None:
            policy = policy_from_options(defaults, {})
            if isinstance(policy, list):
                problems.extend(policy)
            else:
                entries.append(("/*", policy))
            resources = {}
        elif not isinstance(resources, Mapping):
            problems.append(  # type: ignore[unreachable]
                ConfigProblem(
                    "CORS-E002",
                    "resources",
                    resources,
                    "must be a dict of path patterns to policies",
                    "pass {'/api/*': {'origins': ['https://app.example.com']}}",
                )
            )
            resources = {}
        valid_patterns: list[ResourcePattern] = []
        for pattern, spec in resources.items():
            where = f"resources[{shown_pattern(pattern)!r}]"
            pattern_problems = _pattern_problems(pattern, where)
            problems.extend(pattern_problems)
            if not pattern_problems:
                valid_patterns.append(pattern)
            resource_policy = _resource_policy(spec, defaults, where, problems)
            if resource_policy is not None:
                entries.append((pattern, resource_policy))
        problems.extend(shadowing_problems(valid_patterns))
        if problems:
            raise CORSConfigError(problems)
        self.resources: tuple[tuple[ResourcePattern, CORSPolicy], ...] = tuple(entries)
        """The resources as ``(pattern, policy)`` pairs, in the order they are tried."""
        cache_entries = cache_entries_for(len(entries))
        self._rules = ResourceMap(
            [
                (pattern, ResourceRules(pattern_text(pattern), policy, cache_entries=cache_entries))
                for pattern, policy in entries
            ]
        )
        self._remembered_paths = self._rules.remembered

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Answer a preflight, or call the app and add CORS headers to its response (PEP 3333)."""
        # The same steps as _decide, on header tuples instead of Decision objects: this runs on every
        # request, so it builds nothing it does not send. Both call the same ResourceRules methods,
        # and tests/security/test_invariants.py::test_explain_agrees_with_what_the_middleware_sends
        # holds the two dispatches to the same answer on generated requests.
        path = environ.get("PATH_INFO", "")
        # A remembered path skips the call; an uncovered one (remembered as None) takes it.
        rules = self._remembered_paths.get(path) or self._rules.lookup(path)
        if rules is None:
            return self.app(environ, start_response)
        origin = environ.get("HTTP_ORIGIN")
        if origin is None:
            cors_headers = rules.non_cors_headers
        else:
            # Fetch §"CORS protocol": a preflight is OPTIONS with Origin and
            # Access-Control-Request-Method; an OPTIONS without the latter is an ordinary request.
            if (
                "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in environ
                and environ.get("REQUEST_METHOD") == "OPTIONS"
            ):
                return _answer_preflight(rules, origin, environ, start_response)
            cors_headers = rules.remembered_origins.get(origin) or rules.actual_headers(origin)
            # The level is checked here so that a refused origin costs no calls while DEBUG is off.
            if (
                cors_headers is rules.rejected_headers
                and _LEVEL_ANSWERS.get(_DEBUG, True)
                and logger.isEnabledFor(_DEBUG)
            ):
                _log_rejection(rules.rejected_actual(), environ)

        def start_cors_response(
            status: str,
            headers: list[tuple[str, str]],
            exc_info: tuple[type[BaseException], BaseException, TracebackType] | None = None,
        ) -> object:
            # Applied to every call, including a second one with exc_info whose fresh header list
            # replaces the first (PEP 3333 §"The start_response() Callable").
            for name, _ in headers:
                if not name or name[0] in OWNED_NAME_INITIALS:
                    return start_response(
                        status, rewrite_response_headers(headers, cors_headers), exc_info
                    )
            return start_response(status, [*headers, *cors_headers], exc_info)

        return self.app(environ, start_cors_response)  # type: ignore[arg-type]

    def explain(
        self,
        method: str,
        path: str,
        *,
        origin: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Decision:
        """What the middleware would do with one request, and why, without a server.

        The answer comes from the same code that handles real requests, with :attr:`Decision.detail`
        filled in.

        Args:
            method: The request method, such as ``"OPTIONS"`` for a preflight.
            path: The path as the app sees it (``PATH_INFO``).
            origin: The ``Origin`` header, or ``None`` for a request without one.
            headers: Other request headers, such as ``{"Access-Control-Request-Method": "PUT"}``.

        Returns:
            The decision, with ``detail`` naming the request's values and the fix where one applies.
        """
        environ: dict[str, str] = {"REQUEST_METHOD": method, "PATH_INFO": path}
        for name, value in (headers or {}).items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        if origin is not None:
            environ["HTTP_ORIGIN"] = origin
        rules = self._rules.lookup(path)
        if rules is None:
            patterns = ", ".join(repr(pattern_text(pattern)) for pattern, _ in self.resources)
            detail = (
                f"path {escape(path)} matches none of the resource patterns ({patterns}), so the "
                "app's response passes through without CORS headers. Fix: add a pattern that covers "
                "it, such as '/api/*'"
            )
            return dataclasses.replace(UNMATCHED_DECISION, detail=detail)
        decision = _decide(rules, environ)
        detail = rules.describe(
            decision,
            environ.get("HTTP_ORIGIN"),
            environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD"),
            environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS"),
            environ.get("HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK"),
        )
        if (
            decision.allowed
            and not rules.policy.allow_credentials
            and ("HTTP_COOKIE" in environ or "HTTP_AUTHORIZATION" in environ)
        ):
            # The server cannot see a fetch's credentials mode, but these headers betray it.
            detail += (
                "; the request carries credentials, and a browser blocks a credentialed fetch "
                "unless allow_credentials=True (with explicit origins)"
            )
        return dataclasses.replace(decision, detail=detail)


def _decide(rules: ResourceRules, environ: Mapping[str, str]) -> Decision:
    origin = environ.get("HTTP_ORIGIN")
    if origin is None:
        return rules.non_cors()
    # Fetch §"CORS protocol": a preflight is OPTIONS with Origin and
    # Access-Control-Request-Method; an OPTIONS without the latter is an ordinary request.
    method = environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD")
    if method is not None and environ.get("REQUEST_METHOD") == "OPTIONS":
        return rules.preflight(
            origin,
            method,
            environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS"),
            environ.get("HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK"),
        )
    return rules.actual(origin)


def _answer_preflight(
    rules: ResourceRules, origin: str, environ: WSGIEnvironment, start_response: StartResponse
) -> Iterable[bytes]:
    answer = rules.preflight_headers(
        origin,
        environ["HTTP_ACCESS_CONTROL_REQUEST_METHOD"],
        environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS"),
        environ.get("HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK"),
    )
    if isinstance(answer, str):
        decision = rules.rejected_preflight(answer)
        if logger.isEnabledFor(logging.DEBUG):
            _log_rejection(decision, environ)
        body = _REJECTION_BODIES[answer]
        start_response(
            REJECTED_STATUS,
            [*decision.headers, *_PREFLIGHT_CONTENT, ("Content-Length", str(len(body)))],
        )
        return [body]
    answer.extend(_ALLOWED_PREFLIGHT_CONTENT)
    start_response(ALLOWED_STATUS, answer)
    return [b""]


def _pattern_problems(pattern: object, where: str) -> list[ConfigProblem]:
    if isinstance(pattern, re.Pattern):
        if isinstance(pattern.pattern, str):
            return []
        message, fix = "is a bytes pattern", "compile a str pattern"
    elif isinstance(pattern, str):
        parsed = parse_path_pattern(pattern)
        if not isinstance(parsed, tuple):
            return []
        message, fix = parsed
    else:
        message, fix = "is neither a path string nor a compiled re.Pattern", "use '/api/*'"
    return [ConfigProblem("CORS-E008", where, pattern, message, fix)]


def _resource_policy(
    spec: object, defaults: Mapping[str, object], where: str, problems: list[ConfigProblem]
) -> CORSPolicy | None:
    if isinstance(spec, CORSPolicy):
        return spec
    if not isinstance(spec, Mapping):
        problems.append(
            ConfigProblem(
                "CORS-E002",
                where,
                spec,
                "must be a dict of policy options or a CORSPolicy",
                "pass {'origins': ['https://app.example.com']}",
            )
        )
        return None
    policy = policy_from_options(spec, defaults, where)
    if isinstance(policy, list):
        problems.extend(policy)
        return None
    return policy


def _log_rejection(decision: Decision, environ: WSGIEnvironment) -> None:
    logger.debug(
        "CORS %s rejected (%s): %s %s from origin %s, requested method %s, headers %s",
        decision.kind,
        decision.reason,
        escape(environ.get("REQUEST_METHOD")),
        escape(environ.get("PATH_INFO")),
        escape(environ.get("HTTP_ORIGIN")),
        escape(environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD")),
        escape(environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS")),
    )
