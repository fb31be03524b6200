"""Decisions: what the middleware does with one request, which headers it sends, and why."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal, TypeAlias

from corsware.headers import (
    ACCESS_CONTROL_ALLOW_CREDENTIALS,
    ACCESS_CONTROL_ALLOW_HEADERS,
    ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK,
    ACCESS_CONTROL_EXPOSE_HEADERS,
    ACCESS_CONTROL_MAX_AGE,
    ACCESS_CONTROL_REQUEST_HEADERS,
    ACCESS_CONTROL_REQUEST_METHOD,
    ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK,
    SAFELISTED_METHODS,
    escape,
    is_token,
    parse_header_names,
)
from corsware.origins import MAX_ORIGIN_LENGTH, split_origin
from corsware.policy import CORSPolicy, max_age_seconds

__all__ = ["CACHE_BUDGET", "Decision", "Kind", "ResourceRules", "cache_entries_for"]

Kind: TypeAlias = Literal["preflight", "actual", "non-cors", "unmatched"]
Headers: TypeAlias = tuple[tuple[str, str], ...]

ALLOWED_STATUS: Final = "200 OK"
REJECTED_STATUS: Final = "403 Forbidden"

# Reasons are constant sentences: they are the body of a rejected preflight, so they must never
# carry anything from the request.
UNMATCHED: Final = "no resource pattern matches this path"
NOT_CORS: Final = "no Origin header, so this is not a CORS request"
ORIGIN_ALLOWED: Final = "origin allowed"
ORIGIN_REJECTED: Final = "origin not allowed"
PREFLIGHT_ALLOWED: Final = "preflight allowed"
METHOD_REJECTED: Final = "requested method not allowed"
HEADERS_REJECTED: Final = "requested headers not allowed"

_TRUE: Final = "true"
_VARY_ACTUAL: Final = ("Vary", "Origin")

# Answers are remembered per distinct request value so that repeat requests skip parsing and
# matching. The keys come from clients, so each cache has a bounded number of bounded-length keys and
# is emptied when full; the resources of one middleware share a budget of entries, so that a
# configuration with many resources does not multiply the memory a client can make it hold.
CACHE_BUDGET: Final = 4096
_CACHE_ENTRIES: Final = 1024
_MIN_CACHE_ENTRIES: Final = 64
_CACHEABLE_REQUEST_HEADERS_LENGTH: Final = 256
_UNCACHED: Final = object()


@dataclass(frozen=True, slots=True)
class Decision:
    """What the middleware does with one request, and why.

    Attributes:
        kind: ``"preflight"`` (answered by the middleware), ``"actual"`` (a request with an Origin,
            answered by the app), ``"non-cors"`` (no Origin) or ``"unmatched"`` (no resource covers
            the path, so the request passes through untouched).
        allowed: For a preflight, whether it was approved; for an actual request, whether the origin
            was granted ``Access-Control-Allow-Origin``. Always False for the other kinds.
        reason: A short constant sentence. It never contains request data.
        resource: The matched resource pattern as written (a regex by its ``.pattern``).
        status: The status line when the middleware answers itself, ``None`` when the app answers.
        headers: The CORS headers, ``Vary`` included, that go on the response.
        detail: Filled in only by :meth:`CORSMiddleware.explain`: the specifics, naming the
            request's values (escaped), and what to change.
    """

    kind: Kind
    allowed: bool
    reason: str
    resource: str | None = None
    status: str | None = None
    headers: Headers = ()
    detail: str = ""


UNMATCHED_DECISION: Final = Decision("unmatched", False, UNMATCHED)


def cache_entries_for(resources: int) -> int:
    """How many entries each answer cache of a resource may hold when ``resources`` share a budget.

    :data:`CACHE_BUDGET` divided among the resources, at most 1,024 and at least 64 each.
    """
    return max(_MIN_CACHE_ENTRIES, min(_CACHE_ENTRIES, CACHE_BUDGET // max(1, resources)))


class ResourceRules:
    """One resource's policy compiled into ready-made decisions and header values.

    Everything that does not depend on the request is computed here, once; per request only the
    origin and, for preflights, the requested method and header names are looked at.
    """

    __slots__ = (
        "_actual_allowed",
        "_actual_rejected",
        "_actual_tail",
        "_allow_headers",
        "_allow_methods",
        "_allowed_methods",
        "_allows_origin",
        "_answers_by_request_headers",
        "_cache_entries",
        "_credentials",
        "_header_names",
        "_methods",
        "_non_cors",
        "_preflight_rejected",
        "_preflight_tail",
        "_private_network",
        "_remember_origins",
        "_wildcard_origin",
        "label",
        "non_cors_headers",
        "policy",
        "rejected_headers",
        "remembered_origins",
    )

    def __init__(self, label: str, policy: CORSPolicy, *, cache_entries: int = _CACHE_ENTRIES) -> None:
        """Precompute every header value of ``policy`` for the resource called ``label``.

        ``cache_entries`` bounds each of the resource's answer caches (see :func:`cache_entries_for`).
        """
        self.label = label
        self._cache_entries = cache_entries
        self.policy = policy
        credentials = policy.allow_credentials
        # Fetch §"CORS check": "*" is only a wildcard without credentials; with them, the origin is
        # echoed (construction refused credentials with every origin, so the echo is an allowed one).
        self._wildcard_origin = policy.allows_any_origin and not credentials
        self._credentials: Headers = ((ACCESS_CONTROL_ALLOW_CREDENTIALS, _TRUE),) if credentials else ()

        expose = policy.expose_headers
        expose_header = ((ACCESS_CONTROL_EXPOSE_HEADERS, ", ".join(expose)),) if expose else ()
        self._actual_tail: Headers = (*self._credentials, *expose_header, _VARY_ACTUAL)
        self._actual_allowed = (
            Decision(
                "actual",
                True,
                ORIGIN_ALLOWED,
                label,
                headers=((ACCESS_CONTROL_ALLOW_ORIGIN, "*"), *self._actual_tail),
            )
            if self._wildcard_origin
            else None
        )
        self._actual_rejected = Decision("actual", False, ORIGIN_REJECTED, label, None, (_VARY_ACTUAL,))
        self._non_cors = Decision("non-cors", False, NOT_CORS, label, None, (_VARY_ACTUAL,))
        self.non_cors_headers = self._non_cors.headers
        """The headers for a request without ``Origin``."""
        self.rejected_headers = self._actual_rejected.headers
        """The headers for an actual request from an origin that is not allowed."""
        self._allows_origin = policy.allows_origin
        # A callable's answer may change from one call to the next, so it is asked every time.
        self._remember_origins = not callable(policy.origins)
        self.remembered_origins: dict[str, Headers] = {}
        """:meth:`actual_headers` answers already given, by origin: a lookup here saves the call."""

        self._methods = None if policy.methods == "*" else frozenset(policy.methods)
        # Every method that passes whatever the request: one set lookup settles the usual case.
        # (Configured methods are tokens already: CORSPolicy refuses anything else.)
        self._allowed_methods = frozenset((*(self._methods or ()), *SAFELISTED_METHODS))
        # Without credentials "*" covers every method; with them it is literal, so echo the one
        # requested (Fetch §"CORS-preflight fetch", step 7.5).
        self._allow_methods = (
            ("*" if not credentials else None)
            if policy.methods == "*"
            else (", ".join(policy.methods) or None)
        )
        self._header_names = (
            None
            if policy.allow_headers == "*"
            else frozenset(name.lower() for name in policy.allow_headers)
        )
        self._allow_headers = (
            None if policy.allow_headers == "*" else ",".join(sorted(self._header_names or ()))
        )

        self._private_network = policy.allow_private_network
        # Preflight answers are not cacheable (RFC 9110 §9.3.7), but some CDNs cache OPTIONS anyway;
        # naming every request field the answer depends on keeps such a cache honest.
        vary = ["Origin", ACCESS_CONTROL_REQUEST_METHOD, ACCESS_CONTROL_REQUEST_HEADERS]
        if self._private_network:
            vary.append(ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK)
        vary_header = ("Vary", ", ".join(vary))
        max_age = max_age_seconds(policy.max_age)
        self._preflight_tail: Headers = (
            *(((ACCESS_CONTROL_MAX_AGE, str(max_age)),) if max_age is not None else ()),
            vary_header,
        )
        self._preflight_rejected = {
            reason: Decision("preflight", False, reason, label, REJECTED_STATUS, (vary_header,))
            for reason in (ORIGIN_REJECTED, METHOD_REJECTED, HEADERS_REJECTED)
        }
        self._answers_by_request_headers: dict[str, str | None] = {}

    def non_cors(self) -> Decision:
        """The decision for a request without an ``Origin`` header."""
        return self._non_cors

    def actual(self, origin: str) -> Decision:
        """The decision for a request that is not a preflight and carries ``origin``."""
        headers = self.actual_headers(origin)
        if headers is self.rejected_headers:
            return self._actual_rejected
        if self._actual_allowed is not None:
            return self._actual_allowed
        return Decision("actual", True, ORIGIN_ALLOWED, self.label, None, headers)

    def actual_headers(self, origin: str) -> Headers:
        """The headers for an actual request from ``origin``; :attr:`rejected_headers` if refused.

        This is :meth:`actual` without building a :class:`Decision`, for the middleware's hot path.
        """
        remembered = self.remembered_origins.get(origin)
        if remembered is not None:
            return remembered
        if not self._allows_origin(origin):
            headers = self.rejected_headers
        elif self._actual_allowed is not None:
            headers = self._actual_allowed.headers
        else:
            headers = ((ACCESS_CONTROL_ALLOW_ORIGIN, origin), *self._actual_tail)
        # Over-long origins are never allowed and not worth remembering.
        if self._remember_origins and len(origin) <= MAX_ORIGIN_LENGTH:
            if len(self.remembered_origins) >= self._cache_entries:
                self.remembered_origins.clear()
            self.remembered_origins[origin] = headers
        return headers

    def preflight(
        self, origin: str, method: str, request_headers: str | None, private_network: str | None
    ) -> Decision:
        """The decision for a CORS preflight (Fetch §"CORS-preflight fetch", step 7, server side)."""
        answer = self.preflight_headers(origin, method, request_headers, private_network)
        if isinstance(answer, str):
            return self._preflight_rejected[answer]
        return Decision("preflight", True, PREFLIGHT_ALLOWED, self.label, ALLOWED_STATUS, tuple(answer))

    def rejected_actual(self) -> Decision:
        """The decision for an actual request from an origin that is not allowed."""
        return self._actual_rejected

    def rejected_preflight(self, reason: str) -> Decision:
        """The decision for a preflight refused for ``reason``, one of :meth:`preflight_headers`'."""
        return self._preflight_rejected[reason]

    def preflight_headers(
        self, origin: str, method: str, request_headers: str | None, private_network: str | None
    ) -> list[tuple[str, str]] | str:
        """The headers of an approved preflight (a new list), or the reason it is refused.

        This is :meth:`preflight` without building a :class:`Decision`, for the middleware's hot path.
        """
        granted = self.remembered_origins.get(origin) or self.actual_headers(origin)
        if granted is self.rejected_headers:
            return ORIGIN_REJECTED
        # Safelisted methods pass the browser's method check whatever Access-Control-Allow-Methods
        # says (Fetch §"CORS-preflight fetch", step 7.5); membership is case-sensitive.
        if method not in self._allowed_methods and not (self._methods is None and is_token(method)):
            return METHOD_REJECTED
        allow_headers = self._allow_headers_for(request_headers) if request_headers is not None else ""
        if allow_headers is None:
            return HEADERS_REJECTED

        headers = [(ACCESS_CONTROL_ALLOW_ORIGIN, "*" if self._wildcard_origin else origin)]
        headers.extend(self._credentials)
        allow_methods = self._allow_methods or (method if self._methods is None else None)
        if allow_methods is not None:
            headers.append((ACCESS_CONTROL_ALLOW_METHODS, allow_methods))
        if allow_headers:
            headers.append((ACCESS_CONTROL_ALLOW_HEADERS, allow_headers))
        # Private Network Access: answer only when opted in, only on an approved preflight
        # (flask-cors CVE-2024-6221 granted it to everyone). Without the opt-in the request is not
        # refused, so browsers that merely warn keep working.
        if self._private_network and private_network == _TRUE:
            headers.append((ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK, _TRUE))
        headers.extend(self._preflight_tail)
        return headers

    def _allow_headers_for(self, request_headers: str) -> str | None:
        """The Access-Control-Allow-Headers value answering an Access-Control-Request-Headers value.

        ``""`` when no names were requested (no header is sent); ``None`` when the request is refused.
        """
        answer = self._answers_by_request_headers.get(request_headers, _UNCACHED)
        if answer is not _UNCACHED:
            return answer  # type: ignore[return-value]
        names = parse_header_names(request_headers)
        if names is None or not (self._header_names is None or self._header_names.issuperset(names)):
            answer = None
        else:
            answer = (self._allow_headers or ",".join(names)) if names else ""
        if len(request_headers) <= _CACHEABLE_REQUEST_HEADERS_LENGTH:
            if len(self._answers_by_request_headers) >= self._cache_entries:
                self._answers_by_request_headers.clear()
            self._answers_by_request_headers[request_headers] = answer
        return answer

    def describe(
        self,
        decision: Decision,
        origin: str | None,
        method: str | None,
        request_headers: str | None,
        private_network: str | None,
    ) -> str:
        """Explain ``decision`` in detail, naming the request's values (escaped) and the fix."""
        where = f"resource {self.label!r}"
        if decision.reason == NOT_CORS:
            return (
                f"{where}: the request has no Origin header, so it is not a CORS request; only "
                "'Vary: Origin' is added, so that caches keep CORS and other responses apart"
            )
        if decision.reason == ORIGIN_REJECTED:
            return f"{where}: {self._describe_origin_rejection(origin or '')}"
        if decision.reason == METHOD_REJECTED:
            return f"{where}: {self._describe_method_rejection(method or '')}"
        if decision.reason == HEADERS_REJECTED:
            return f"{where}: {self._describe_headers_rejection(request_headers or '')}"
        granted = "'*' (any origin, no credentials)" if self._wildcard_origin else escape(origin)
        text = f"{where}: origin {escape(origin)} allowed; Access-Control-Allow-Origin is {granted}"
        if decision.kind == "preflight" and private_network == _TRUE and not self._private_network:
            text += (
                "; Access-Control-Request-Private-Network was not granted "
                "(set allow_private_network=True to grant it)"
            )
        return text

    def _describe_origin_rejection(self, origin: str) -> str:
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
            f"origin {escape(origin)} is not allowed by origins={self.policy.origins!r}. "
            f"Fix: add {origin!r} to origins"
        )

    def _describe_method_rejection(self, method: str) -> str:
        if not is_token(method):
            return f"Access-Control-Request-Method {escape(method)} is not a method name"
        return (
            f"method {escape(method)} is not in methods={self.policy.methods!r} (methods are "
            f"case-sensitive). Fix: add {method!r} to methods"
        )

    def _describe_headers_rejection(self, request_headers: str) -> str:
        names = parse_header_names(request_headers)
        if names is None:
            return (
                f"Access-Control-Request-Headers {escape(request_headers)} is malformed or longer "
                "than corsware accepts"
            )
        refused = [name for name in names if name not in (self._header_names or ())]
        return (
            f"request headers {', '.join(escape(name) for name in refused)} are not in "
            f"allow_headers={self.policy.allow_headers!r}. Fix: add {refused!r} to allow_headers"
        )
