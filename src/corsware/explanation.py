"""Explanations: a decision described in words, naming the request's values and the fix.

Only :meth:`corsware.CORSMiddleware.explain` (and the ASGI adapter's) import this module, so the
prose never costs anything on the request path. Request values are always escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

from corsware.configuration import ResourcePattern
from corsware.decision import (
    HEADERS_REJECTED,
    METHOD_REJECTED,
    NOT_CORS,
    ORIGIN_REJECTED,
    PATH_CONFLICT,
    UNMATCHED,
    Decision,
    ResourceRules,
)
from corsware.headers import escape, is_token, parse_header_names
from corsware.origins import split_origin
from corsware.policy import CompiledPolicy
from corsware.resources import ResourceMap, pattern_text, resolve_dot_segments

__all__ = ["describe"]

_TRUE: Final = "true"


def describe(
    decision: Decision,
    request: Mapping[str, str],
    path: str,
    resources: Sequence[tuple[ResourcePattern, CompiledPolicy]],
    resource_map: ResourceMap[ResourceRules],
) -> str:
    """Explain ``decision`` for ``request`` (CGI-style values) on ``path`` (as the router sees it)."""
    if decision.reason == UNMATCHED:
        patterns = ", ".join(repr(pattern_text(pattern)) for pattern, _ in resources)
        return (
            f"path {escape(path)} matches none of the resource patterns ({patterns}), so the "
            "app's response passes through without CORS headers. Fix: add a pattern that covers "
            "it, such as '/api/*'"
        )
    if decision.reason == PATH_CONFLICT:
        literal = resource_map.first_match(path)
        resolved = resource_map.first_match(resolve_dot_segments(path))
        return (
            f"path {escape(path)} is routed as written, under resource {_label(literal)}, but its "
            f"dot segments lead to {escape(resolve_dot_segments(path))}, under "
            f"{_label(resolved)}; corsware grants nothing to such a path. Browsers never send dot "
            "segments, so no page is affected"
        )
    rules = resource_map.resource_for(path)
    assert rules is not None  # noqa: S101 - a decision other than unmatched came from a resource
    detail = f"resource {rules.label!r}: {_describe(decision, rules.policy, request)}"
    if (
        decision.allowed
        and not rules.policy.allow_credentials
        and ("HTTP_COOKIE" in request or "HTTP_AUTHORIZATION" in request)
    ):
        # The server cannot see a fetch's credentials mode, but these headers betray it.
        detail += (
            "; the request carries credentials, and a browser blocks a credentialed fetch "
            "unless allow_credentials=True (with explicit origins)"
        )
    return detail


def _label(rules: ResourceRules | None) -> str:
    return "none" if rules is None else repr(rules.label)


def _describe(decision: Decision, policy: CompiledPolicy, request: Mapping[str, str]) -> str:
    origin = request.get("HTTP_ORIGIN", "")
    if decision.reason == NOT_CORS:
        if policy.allows_any_origin:
            return (
                "the request has no Origin header, so it is not a CORS request; the resource is "
                "open to every origin without credentials, so it answers "
                "'Access-Control-Allow-Origin: *' all the same, and needs no Vary"
            )
        return (
            "the request has no Origin header, so it is not a CORS request; only 'Vary: Origin' "
            "is added, so that caches keep CORS and other responses apart"
        )
    if decision.reason == ORIGIN_REJECTED:
        return _origin_rejection(origin, policy)
    if decision.reason == METHOD_REJECTED:
        return _method_rejection(request.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD", ""), policy)
    if decision.reason == HEADERS_REJECTED:
        return _headers_rejection(request.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS", ""), policy)
    granted = "'*' (any origin, no credentials)" if policy.allows_any_origin else escape(origin)
    text = f"origin {escape(origin)} allowed; Access-Control-Allow-Origin is {granted}"
    asks_private_network = request.get("HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK") == _TRUE
    if decision.kind == "preflight" and asks_private_network and not policy.allow_private_network:
        text += (
            "; Access-Control-Request-Private-Network was not granted "
            "(set allow_private_network=True to grant it)"
        )
    return text


def _origin_rejection(origin: str, policy: CompiledPolicy) -> str:
    if origin == "null":
        return (
            "the 'null' origin (sandboxed iframes, file: pages, redirects) is allowed only when "
            "listed. Fix: add 'null' to origins, knowing that any page can send it"
        )
    if split_origin(origin) is None:
        return (
            f"the Origin header {escape(origin)} is malformed; browsers send scheme://host[:port]"
            " in lower case, without a path. Non-browser clients are not served CORS headers"
        )
    return (
        f"origin {escape(origin)} is not allowed by origins={policy.origins!r}. "
        f"Fix: add {origin!r} to origins"
    )


def _method_rejection(method: str, policy: CompiledPolicy) -> str:
    if not is_token(method):
        return f"Access-Control-Request-Method {escape(method)} is not a method name"
    return (
        f"method {escape(method)} is not in methods={policy.methods!r} (methods are "
        f"case-sensitive). Fix: add {method!r} to methods"
    )


def _headers_rejection(request_headers: str, policy: CompiledPolicy) -> str:
    names = parse_header_names(request_headers)
    if names is None:
        return (
            f"Access-Control-Request-Headers {escape(request_headers)} is malformed or longer "
            "than corsware accepts"
        )
    allowed = {name.lower() for name in policy.allow_headers}
    refused = [name for name in names if name not in allowed]
    return (
        f"request headers {', '.join(escape(name) for name in refused)} are not in "
        f"allow_headers={policy.allow_headers!r}. Fix: add {refused!r} to allow_headers"
    )
