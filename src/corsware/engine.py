"""Engine: one compiled configuration, ready to decide; what every adapter (WSGI, ASGI, Django) shares.

An adapter turns its request into the router's view of the path and the CGI-style values
:meth:`~corsware.decision.ResourceRules.decide` reads, and carries out the decision; the engine
finds the rules for a path and explains decisions, so that every adapter answers alike.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from corsware.configuration import ResourcePattern, ResourceSpec, compile_configuration
from corsware.decision import PATH_CONFLICT, Decision, ResourceRules, unmatched
from corsware.policy import POLICY_DEFAULTS, CompiledPolicy, compile_policy
from corsware.resources import ResourceMap

__all__ = ["Engine"]


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
