"""Decisions: what the middleware does with one request, decided once per distinct request.

A resource's :class:`ResourceRules` turn its compiled policy into ready-made decisions. Per request,
:meth:`ResourceRules.decide` reads the few request values CORS depends on and returns a
:class:`Decision`; the adapters (WSGI, ASGI) only carry it out, and
:meth:`~corsware.CORSMiddleware.explain` describes it. Answers that depend on client values (the
origin, a preflight's method and header list) are kept in bounded memos, so a repeated request
costs a dictionary lookup.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
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
    is_token,
    parse_header_names,
)
from corsware.memo import Memo
from corsware.origins import MAX_ORIGIN_LENGTH
from corsware.policy import CompiledPolicy

__all__ = [
    "ALLOWED_STATUS",
    "CACHE_BUDGET",
    "REJECTED_STATUS",
    "REQUEST_KEYS",
    "Decision",
    "Kind",
    "ResourceRules",
    "entries_per_resource",
    "unmatched",
]

Kind: TypeAlias = Literal["preflight", "actual", "non-cors", "unmatched"]
Headers: TypeAlias = tuple[tuple[str, str], ...]

ALLOWED_STATUS: Final = "200 OK"
REJECTED_STATUS: Final = "403 Forbidden"

# The request values decide() reads, under their CGI names (PEP 3333 environ keys), so that a WSGI
# environ is a request as it is; the ASGI adapter builds the same mapping from its header list.
REQUEST_METHOD: Final = "REQUEST_METHOD"
ORIGIN: Final = "HTTP_ORIGIN"
REQUESTED_METHOD: Final = "HTTP_ACCESS_CONTROL_REQUEST_METHOD"
REQUESTED_HEADERS: Final = "HTTP_ACCESS_CONTROL_REQUEST_HEADERS"
REQUESTED_PRIVATE_NETWORK: Final = "HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK"
REQUEST_KEYS: Final = (
    REQUEST_METHOD,
    ORIGIN,
    REQUESTED_METHOD,
    REQUESTED_HEADERS,
    REQUESTED_PRIVATE_NETWORK,
)
"""Every key :meth:`ResourceRules.decide` may read."""

# Reasons are constant sentences: they are the body of a rejected preflight, so they must never
# carry anything from the request.
UNMATCHED: Final = "no resource pattern matches this path"
NOT_CORS: Final = "no Origin header, so this is not a CORS request"
ORIGIN_ALLOWED: Final = "origin allowed"
ORIGIN_REJECTED: Final = "origin not allowed"
PATH_CONFLICT: Final = "the path's dot segments lead to another resource than the path itself"
PREFLIGHT_ALLOWED: Final = "preflight allowed"
METHOD_REJECTED: Final = "requested method not allowed"
HEADERS_REJECTED: Final = "requested headers not allowed"
REJECTIONS: Final = (ORIGIN_REJECTED, PATH_CONFLICT, METHOD_REJECTED, HEADERS_REJECTED)
"""Every reason a preflight can be refused for."""

_TRUE: Final = "true"
_VARY_ORIGIN: Final = ("Vary", "Origin")
# A preflight's own answer: an empty body when approved, the constant reason when refused.
_PREFLIGHT_CONTENT_TYPE: Final = ("Content-Type", "text/plain; charset=utf-8")

# Every memo of a middleware shares this many entries among its resources (at most 1,024 and at least
# 64 each), so that many resources do not multiply the memory clients can make it hold. A memo key is
# at most a bounded origin and, for preflights, header values of bounded length.
CACHE_BUDGET: Final = 4096
_MOST_ENTRIES: Final = 1024
_FEWEST_ENTRIES: Final = 64
_REMEMBERED_HEADER_LENGTH: Final = 256


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
        resource: The matched resource pattern as written (a regex by its ``.pattern``); ``None``
            when no resource applies.
        status: The status line when the middleware answers itself, ``None`` when the app answers.
        headers: The CORS headers, ``Vary`` included, that go on the response.
        detail: Filled in only by :meth:`~corsware.CORSMiddleware.explain`: the specifics, naming
            the request's values (escaped), and what to change.
        body: The body when the middleware answers itself: empty for an approved preflight, the
            reason for a refused one.
        header_list: Derived, for the adapters: :attr:`headers` as the list a WSGI server is
            given, with the body's ``Content-Type`` and ``Content-Length`` when the middleware
            answers itself.
        body_chunks: Derived: :attr:`body` as the iterable a WSGI server is given.
        raw_header_list: Derived: :attr:`header_list` as ASGI's pairs of latin-1 bytes.
        status_code: Derived: the status code of :attr:`status`, for ASGI; ``None`` likewise.
        exceptional: Derived: whether the middleware answers itself or refuses the request, that
            is anything but a plain pass-through with headers added.
    """

    kind: Kind
    allowed: bool
    reason: str
    resource: str | None = None
    status: str | None = None
    headers: Headers = ()
    detail: str = ""
    body: bytes = b""
    # Built once with the decision (which is remembered), so that the adapters do no work per request.
    header_list: list[tuple[str, str]] = field(init=False, repr=False, compare=False)
    body_chunks: tuple[bytes] = field(init=False, repr=False, compare=False)
    raw_header_list: list[tuple[bytes, bytes]] = field(init=False, repr=False, compare=False)
    status_code: int | None = field(init=False, repr=False, compare=False)
    exceptional: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Build the adapters' precomputed forms of the decision."""
        header_list = list(self.headers)
        if self.status is not None:
            header_list += [_PREFLIGHT_CONTENT_TYPE, ("Content-Length", str(len(self.body)))]
        refused = self.kind in ("actual", "preflight") and not self.allowed
        object.__setattr__(self, "header_list", header_list)
        # An immutable iterable, so that every response can share it (PEP 3333 asks only for one).
        object.__setattr__(self, "body_chunks", (self.body,))
        # ASGI: lower-case names (as HTTP/2 requires and ASGI servers expect), latin-1 bytes.
        raw = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in header_list]
        object.__setattr__(self, "raw_header_list", raw)
        object.__setattr__(
            self, "status_code", None if self.status is None else int(self.status.split(" ", 1)[0])
        )
        object.__setattr__(self, "exceptional", self.status is not None or refused)


def entries_per_resource(resources: int) -> int:
    """How many answers each memo of a resource keeps when ``resources`` share :data:`CACHE_BUDGET`."""
    return max(_FEWEST_ENTRIES, min(_MOST_ENTRIES, CACHE_BUDGET // max(1, resources)))


def unmatched() -> Decision:
    """The decision for a path no resource covers: the request passes through untouched."""
    return _UNMATCHED


_UNMATCHED: Final = Decision("unmatched", False, UNMATCHED)


class ResourceRules:
    """One resource's compiled policy as ready-made decisions and header values.

    Everything that does not depend on the request is computed here, once. ``refusal`` is the reason
    given to every origin the policy does not allow.
    """

    __slots__ = (
        "_actual",
        "_allow_headers",
        "_allow_methods",
        "_allowed_methods",
        "_any_method",
        "_granted_tail",
        "_header_names",
        "_preflight_tail",
        "_preflights",
        "_private_network",
        "_public",
        "_public_allowed",
        "_refused",
        "_refused_origin_preflight",
        "_refused_preflights",
        "_without_origin",
        "label",
        "policy",
    )

    def __init__(
        self,
        label: str | None,
        policy: CompiledPolicy,
        *,
        resources: int = 1,
        refusal: str = ORIGIN_REJECTED,
    ) -> None:
        """Precompute every decision of ``policy`` for the resource called ``label``.

        ``resources`` is how many resources share the middleware's memory budget.
        """
        self.label = label
        self.policy = policy
        entries = entries_per_resource(resources)
        credentials = ((ACCESS_CONTROL_ALLOW_CREDENTIALS, _TRUE),) if policy.allow_credentials else ()
        expose = policy.expose_headers
        exposed = ((ACCESS_CONTROL_EXPOSE_HEADERS, ", ".join(expose)),) if expose else ()
        # Fetch §"CORS protocol and HTTP caches": "*" answers every request alike, Origin or not, so
        # the response needs no Vary and a shared cache keeps one copy. Any other answer depends on
        # Origin, so every response says so, refusals and requests without Origin included.
        self._public = policy.allows_any_origin
        public = ((ACCESS_CONTROL_ALLOW_ORIGIN, "*"), *exposed)
        self._granted_tail: Headers = (*credentials, *exposed, _VARY_ORIGIN)
        self._without_origin = Decision(
            "non-cors", False, NOT_CORS, label, None, public if self._public else (_VARY_ORIGIN,)
        )
        self._refused = Decision("actual", False, refusal, label, None, (_VARY_ORIGIN,))
        self._public_allowed = Decision("actual", True, ORIGIN_ALLOWED, label, None, public)
        self._actual: Memo[str, Decision] = Memo(
            self._decide_actual,
            entries=entries,
            # A callable's answer may change from one call to the next, so it is asked every time.
            remembers=lambda origin: not callable(policy.origins) and len(origin) <= MAX_ORIGIN_LENGTH,
        )
        self._any_method = policy.methods == "*"
        methods = () if self._any_method else policy.methods
        # Every method that passes whatever else the request says: one set lookup settles the usual
        # case. Safelisted methods pass the browser's check whatever Allow-Methods says (Fetch
        # §"CORS-preflight fetch", step 7.5); membership is case-sensitive.
        self._allowed_methods = frozenset((*methods, *SAFELISTED_METHODS))
        # Without credentials "*" covers every method; with them it is literal, so the requested
        # method is echoed (step 7.5 again).
        self._allow_methods = (
            ("*" if not policy.allow_credentials else None)
            if self._any_method
            else (", ".join(methods) or None)
        )
        self._header_names = (
            None
            if policy.allow_headers == "*"
            else frozenset(name.lower() for name in policy.allow_headers)
        )
        self._allow_headers = (
            None if self._header_names is None else ",".join(sorted(self._header_names))
        )
        self._private_network = policy.allow_private_network
        # Preflight answers are not cacheable (RFC 9110 §9.3.7), but some CDNs cache OPTIONS anyway;
        # naming every request field the answer depends on keeps such a cache honest.
        vary = ["Origin", ACCESS_CONTROL_REQUEST_METHOD, ACCESS_CONTROL_REQUEST_HEADERS]
        if self._private_network:
            vary.append(ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK)
        vary_header = ("Vary", ", ".join(vary))
        max_age = policy.max_age
        self._preflight_tail: Headers = (
            *(((ACCESS_CONTROL_MAX_AGE, str(max_age)),) if max_age is not None else ()),
            vary_header,
        )
        self._refused_preflights = {
            reason: Decision(
                "preflight",
                False,
                reason,
                label,
                REJECTED_STATUS,
                (vary_header,),
                body=f"CORS preflight rejected: {reason}\n".encode(),
            )
            for reason in REJECTIONS
        }
        self._refused_origin_preflight = self._refused_preflights[refusal]
        self._preflights: Memo[tuple[str, str, str | None, str | None], Decision] = Memo(
            self._decide_preflight,
            entries=entries,
            remembers=lambda key: (
                not callable(policy.origins)
                and len(key[0]) <= MAX_ORIGIN_LENGTH
                and len(key[1]) + len(key[2] or "") <= _REMEMBERED_HEADER_LENGTH
            ),
        )

    def decide(self, origin: str | None, request: Mapping[str, str]) -> Decision:
        """What to do with a request that carries ``origin`` (its ``Origin`` header, or ``None``).

        ``request`` holds the request's other CGI-style values (a WSGI environ will do), and is read
        only for what can still change the answer: whether this is a preflight, and what it asks
        for (:data:`REQUEST_KEYS`). Never raises, whatever the values hold.
        """
        if origin is None:
            return self._without_origin
        # Fetch §"CORS protocol": a preflight is OPTIONS with Origin and
        # Access-Control-Request-Method; an OPTIONS without the latter is an ordinary request.
        requested_method = request.get(REQUESTED_METHOD)
        if requested_method is not None and request.get(REQUEST_METHOD) == "OPTIONS":
            return self._preflights[
                (
                    origin,
                    requested_method,
                    request.get(REQUESTED_HEADERS),
                    # Read only where it can change the answer.
                    request.get(REQUESTED_PRIVATE_NETWORK) if self._private_network else None,
                )
            ]
        return self._actual[origin]

    def admits_websocket(self, origin: str | None) -> bool:
        """Whether a WebSocket handshake with this ``Origin`` may reach the app.

        CORS does not cover WebSockets and browsers send cookies with every handshake, so only the
        origin list decides, whatever the credentials setting; a handshake without ``Origin`` comes
        from a client that is not a browser, and is let through.
        """
        return origin is None or not self.policy.websocket_guard or self.policy.matcher.allows(origin)

    def _decide_actual(self, origin: str) -> Decision:
        if self._public:
            return self._public_allowed
        if not self.policy.matcher.allows(origin):
            return self._refused
        headers = ((ACCESS_CONTROL_ALLOW_ORIGIN, origin), *self._granted_tail)
        return Decision("actual", True, ORIGIN_ALLOWED, self.label, None, headers)

    def _decide_preflight(self, key: tuple[str, str, str | None, str | None]) -> Decision:
        """Fetch §"CORS-preflight fetch", step 7, from the server's side."""
        origin, method, request_headers, private_network = key
        if not self._public and not self.policy.matcher.allows(origin):
            return self._refused_origin_preflight
        if method not in self._allowed_methods and not (self._any_method and is_token(method)):
            return self._refused_preflights[METHOD_REJECTED]
        allow_headers = self._allow_headers_for(request_headers) if request_headers is not None else ""
        if allow_headers is None:
            return self._refused_preflights[HEADERS_REJECTED]
        headers = [(ACCESS_CONTROL_ALLOW_ORIGIN, "*" if self._public else origin)]
        if self.policy.allow_credentials:
            headers.append((ACCESS_CONTROL_ALLOW_CREDENTIALS, _TRUE))
        allow_methods = self._allow_methods or (method if self._any_method else None)
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
        return Decision("preflight", True, PREFLIGHT_ALLOWED, self.label, ALLOWED_STATUS, tuple(headers))

    def _allow_headers_for(self, request_headers: str) -> str | None:
        """The Access-Control-Allow-Headers value answering an Access-Control-Request-Headers value.

        ``""`` when no names were requested (no header is sent); ``None`` when the request is refused.
        ``"*"`` is answered with the requested names: it would not cover ``Authorization`` (Fetch
        §"CORS-preflight fetch", step 7.6), and with credentials it is not a wildcard at all.
        """
        names = parse_header_names(request_headers)
        if names is None or not (self._header_names is None or self._header_names.issuperset(names)):
            return None
        return (self._allow_headers or ",".join(names)) if names else ""
