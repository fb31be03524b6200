"""Engine: one compiled configuration, ready to decide; what every adapter (WSGI, ASGI, Django) shares.

An adapter turns its request into the router's view of the path and the CGI-style values
:meth:`~corsware.decision.ResourceRules.decide` reads, and carries out the decision; the engine
finds the rules for a path and explains decisions, so that every adapter answers alike.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping
from typing import Final, Generic, TypeVar

from corsware.configuration import ResourcePattern, ResourceSpec, compile_configuration
from corsware.decision import PATH_CONFLICT, Decision, ResourceRules, unmatched
from corsware.headers import escape
from corsware.memo import Memo
from corsware.policy import POLICY_DEFAULTS, CompiledPolicy, compile_policy
from corsware.resources import ResourceMap

__all__ = ["Adapter", "Engine", "log_rejection"]

App = TypeVar("App")

# Paths longer than this are matched every time rather than remembered, so that a path memo's
# memory is bounded by its entry count times this length whatever clients send.
_REMEMBERED_PATH_LENGTH: Final = 512
_REMEMBERED_PATHS: Final = 4096

logger = logging.getLogger("corsware")


class Engine:
    """A validated configuration's resources and the rules each path gets.

    Args:
        resources: Path patterns mapped to policies, as :class:`~corsware.CORSMiddleware` takes them.
        options: The keyword options, the defaults of every dict resource.

    Raises:
        CORSConfigError: listing every problem at once.
    """

    __slots__ = ("_map", "resources")

    def __init__(
        self, resources: Mapping[ResourcePattern, ResourceSpec] | None, options: Mapping[str, object]
    ) -> None:
        """Compile the configuration and every resource's rules."""
        configuration = compile_configuration(resources, options)
        count = len(configuration.resources)
        entries = [
            (resource.pattern, ResourceRules(resource.label, resource.policy, resources=count))
            for resource in configuration.resources
        ]
        # A path whose dot segments lead to another resource than its literal form gets nothing.
        nothing = compile_policy({**POLICY_DEFAULTS, "origins": ()}, (), frozenset(), [])
        assert nothing is not None  # noqa: S101 - a constant, valid policy
        conflict = ResourceRules(None, nothing, resources=count, refusal=PATH_CONFLICT)
        self._map = ResourceMap(entries, conflict)
        self.resources: tuple[tuple[ResourcePattern, CompiledPolicy], ...] = tuple(
            (resource.pattern, resource.policy) for resource in configuration.resources
        )
        """The resources as ``(pattern, compiled policy)`` pairs, in the order they are tried."""

    def rules_for(self, path: str) -> ResourceRules | None:
        """The rules for a path as the router sees it (decoded), or ``None`` when none covers it."""
        return self._map.resource_for(path)

    def remembered_rules(self, router_path: Callable[[str], str]) -> Memo[str, ResourceRules | None]:
        """A bounded memo of :meth:`rules_for`, keyed by the path as an adapter gets it.

        ``router_path`` turns that path into the router's view of it (PEP 3333's latin-1
        ``PATH_INFO`` is decoded; ASGI's ``path`` and Django's ``path_info`` are text already).
        """
        return Memo(
            lambda path: self.rules_for(router_path(path)),
            entries=_REMEMBERED_PATHS,
            remembers=lambda path: len(path) <= _REMEMBERED_PATH_LENGTH,
        )

    def explain(
        self, method: str, path: str, origin: str | None, headers: Mapping[str, str] | None
    ) -> Decision:
        """The decision for one request, described: see :meth:`corsware.CORSMiddleware.explain`."""
        from corsware.explanation import describe  # noqa: PLC0415 - the prose stays off the hot path

        request = {"REQUEST_METHOD": method}
        for name, value in (headers or {}).items():
            request["HTTP_" + name.upper().replace("-", "_")] = value
        if origin is not None:
            request["HTTP_ORIGIN"] = origin
        rules = self.rules_for(path)
        decision = unmatched() if rules is None else rules.decide(request.get("HTTP_ORIGIN"), request)
        detail = describe(decision, request, path, self.resources, self._map)
        return dataclasses.replace(decision, detail=detail)


class Adapter(Generic[App]):
    """What the WSGI and ASGI middleware share: the app, the engine, the path memo and explain().

    Args:
        app: The application wrapped.
        resources: Path patterns mapped to policies.
        options: The keyword options.
        router_path: The path the app's router matches, from the path as the adapter gets it
            (PEP 3333's latin-1 ``PATH_INFO`` is decoded; ASGI's ``path`` is text already).
    """

    def __init__(
        self,
        app: App,
        resources: Mapping[ResourcePattern, ResourceSpec] | None,
        options: Mapping[str, object],
        router_path: Callable[[str], str],
    ) -> None:
        """Validate the whole configuration and compile every resource's rules."""
        self.app = app
        self._engine = Engine(resources, options)
        self.resources = self._engine.resources
        """The resources as ``(pattern, compiled policy)`` pairs, in the order they are tried."""
        self._rules = self._engine.remembered_rules(router_path)

    def explain(
        self,
        method: str,
        path: str,
        *,
        origin: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Decision:
        """What the middleware would do with one request, and why, without a server.

        The answer comes from the same decisions that real requests get, with
        :attr:`~corsware.Decision.detail` filled in, and it is the same under WSGI and ASGI.

        Args:
            method: The request method, such as ``"OPTIONS"`` for a preflight.
            path: The URL path as the app's router sees it, percent-decoded (``"/api/café"``).
            origin: The ``Origin`` header, or ``None`` for a request without one.
            headers: Other request headers, such as ``{"Access-Control-Request-Method": "PUT"}``.

        Returns:
            The decision, with ``detail`` naming the request's values and the fix where one applies.
        """
        return self._engine.explain(method, path, origin, headers)


def log_rejection(
    decision: Decision, method: str | None, path: str | None, request: Mapping[str, str]
) -> None:
    """Log a refused request at ``DEBUG`` on the ``corsware`` logger, every request value escaped.

    Args:
        decision: The refusal.
        method: The request method.
        path: The path as the adapter got it.
        request: The CGI-style values the decision read (``HTTP_ORIGIN`` and the preflight's).
    """
    logger.debug(
        "CORS %s rejected (%s): %s %s from origin %s, requested method %s, headers %s",
        decision.kind,
        decision.reason,
        escape(method),
        escape(path),
        escape(request.get("HTTP_ORIGIN")),
        escape(request.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD")),
        escape(request.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS")),
    )
