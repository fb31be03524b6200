"""The minimal layer: the least work a correct CORS layer must do for the one policy of scenario.py.

``minimal_cors(app)`` knows a single policy, written into it: the two exact origins, four methods,
three request headers, one exposed header, credentials and a ten-minute max-age, on ``/api`` and
every path below it. On each request it does only what any layer that enforces this policy
correctly must do:

* one dict lookup of ``PATH_INFO`` among the paths already seen (path -> policy, or None for a path
  the policy does not cover); a new path is matched against ``/api`` once and remembered;
* one dict lookup of ``Origin`` among the allowed origins (the set lookup), which also finds the
  prebuilt headers for that origin; a request without ``Origin``, or from another origin, gets
  ``Vary: Origin`` alone;
* on a preflight, a set lookup of the requested method and one dict lookup of the
  ``Access-Control-Request-Headers`` value among the values already answered, which finds the
  prebuilt answer; a new value is parsed and checked once and remembered;
* on every other request, a ``start_response`` wrapper that makes one pass over the app's header
  names, looking only at their first letters, and sends a new list: the app's headers followed by
  the prebuilt ones. Only when a name starts like ``Vary`` or ``Access-Control-`` does it merge
  ``Vary: Origin`` into the app's ``Vary`` and drop the app's ``Access-Control-*`` headers, as
  corsware does.

The layer is a function (a closure over its state), not an object with ``__call__``: calling an
object costs more per request than calling a function, and nothing here needs an object.

What it leaves out, because this policy does not need it or the benchmark does not exercise it: any
configuration (nothing is validated; there is one policy and one path pattern), origin patterns,
wildcards and callables, Private Network Access (never granted, so its request header is ignored),
logging and explanations of refusals (a refused preflight gets a fixed 403 and no body), and dot
segments in paths (a path with a ``.`` or ``..`` segment is treated as not covered rather than
resolved). It trusts the app to send non-empty header names, as PEP 3333 requires. Its caches are
bounded, as any cache keyed by what clients send must be.

It imports nothing from corsware, so that it stays the same yardstick whichever version of corsware
is measured beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from benchmarks import scenario
from benchmarks.drivers import WSGIApp

Headers = tuple[tuple[str, str], ...]
HeaderList = list[tuple[str, str]]

_PREFIX = scenario.RESOURCE.removesuffix("/*")
#: Lists, so that adding one to the app's list is a single concatenation; they are never changed.
_VARY_ORIGIN: HeaderList = [("Vary", "Origin")]
_PREFLIGHT_VARY = ("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers")
#: Safelisted methods always pass a browser's method check (Fetch, "CORS-preflight fetch").
_METHODS = frozenset((*scenario.METHODS, "GET", "HEAD", "POST"))
_ALLOW_HEADERS = frozenset(name.lower() for name in scenario.ALLOW_HEADERS)
_PREFLIGHT_CONTENT = (("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", "0"))
_REFUSED_PREFLIGHT: Headers = (_PREFLIGHT_VARY, *_PREFLIGHT_CONTENT)
#: The remembered answer to a refused preflight (which is sent _REFUSED_PREFLIGHT).
_REFUSED: Headers = ()
#: First letters, either case, of the response header names the layer owns: Vary, Access-Control-*.
_OWNED_INITIALS = "AaVv"
_CACHE_ENTRIES = 1024
_CACHEABLE_LENGTH = 256
_EMPTY_BODY = (b"",)


class _Policy:
    """The scenario's policy, with every header it can send built once."""

    __slots__ = ("actual", "preflights")

    def __init__(self) -> None:
        tail = (
            ("Access-Control-Allow-Credentials", "true"),
            ("Access-Control-Expose-Headers", ", ".join(scenario.EXPOSE_HEADERS)),
            *_VARY_ORIGIN,
        )
        #: Allowed origin -> the headers an actual request from it gets.
        self.actual: dict[str, HeaderList] = {
            origin: [("Access-Control-Allow-Origin", origin), *tail] for origin in scenario.ORIGINS
        }
        #: Allowed origin -> {Access-Control-Request-Headers value -> the answer, or _REFUSED}.
        self.preflights: dict[str, dict[str, Headers]] = {origin: {} for origin in scenario.ORIGINS}

    def answer(self, answers: dict[str, Headers], origin: str, request_headers: str) -> Headers:
        """Answer a value of Access-Control-Request-Headers not seen before, and remember it."""
        names = {name.strip(" \t") for name in request_headers.lower().split(",")} - {""}
        answer = _REFUSED
        # Anything malformed is refused here too: it cannot be one of the configured names.
        if names <= _ALLOW_HEADERS:
            allow_headers = ",".join(sorted(_ALLOW_HEADERS))
            answer = (
                ("Access-Control-Allow-Origin", origin),
                ("Access-Control-Allow-Credentials", "true"),
                ("Access-Control-Allow-Methods", ", ".join(scenario.METHODS)),
                *((("Access-Control-Allow-Headers", allow_headers),) if names else ()),
                ("Access-Control-Max-Age", str(scenario.MAX_AGE)),
                _PREFLIGHT_VARY,
                *_PREFLIGHT_CONTENT,
            )
        if len(request_headers) <= _CACHEABLE_LENGTH:
            if len(answers) >= _CACHE_ENTRIES:
                answers.clear()
            answers[request_headers] = answer
        return answer


def _covered(path: str) -> bool:
    if path != _PREFIX and not path.startswith(_PREFIX + "/"):
        return False
    # Fail closed on dot segments rather than resolve them: browsers resolve them before sending.
    return not any(segment in {".", ".."} for segment in path.split("/"))


def _rewrite(app_headers: HeaderList, ours: HeaderList) -> HeaderList:
    """The app's headers without its Access-Control-* ones, then ``ours``, with Vary merged."""
    result = [
        (name, value) for name, value in app_headers if not name.lower().startswith("access-control-")
    ]
    vary_at = [index for index, (name, _) in enumerate(result) if name.lower() == "vary"]
    for name, value in ours:
        if name != "Vary" or not vary_at:
            result.append((name, value))
            continue
        present = {item.strip().lower() for index in vary_at for item in result[index][1].split(",")}
        if "*" not in present and value.lower() not in present:
            first, existing = result[vary_at[0]]
            result[vary_at[0]] = (first, f"{existing}, {value}" if existing.strip() else value)
    return result


def minimal_cors(app: WSGIApp) -> WSGIApp:
    """The scenario's one policy on ``/api/*`` around ``app``, with the least work per request."""
    policy = _Policy()
    paths: dict[str, _Policy | None] = {}

    def find(path: str) -> _Policy | None:
        found = policy if _covered(path) else None
        if len(path) <= _CACHEABLE_LENGTH:
            if len(paths) >= _CACHE_ENTRIES:
                paths.clear()
            paths[path] = found
        return found

    def middleware(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        try:
            rules = paths[path]
        except KeyError:
            rules = find(path)
        if rules is None:
            return app(environ, start_response)
        origin = environ.get("HTTP_ORIGIN")
        if origin is None:
            cors_headers = _VARY_ORIGIN
        # Fetch, "CORS protocol": a preflight is OPTIONS with Origin and Access-Control-Request-Method;
        # every other request is answered by the app.
        elif "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in environ and environ["REQUEST_METHOD"] == "OPTIONS":
            answers = rules.preflights.get(origin)
            answer: Headers | None = _REFUSED
            if answers is not None and environ["HTTP_ACCESS_CONTROL_REQUEST_METHOD"] in _METHODS:
                request_headers = environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS", "")
                answer = answers.get(request_headers)
                if answer is None:
                    answer = rules.answer(answers, origin, request_headers)
            if answer:
                start_response("200 OK", list(answer))
            else:
                start_response("403 Forbidden", list(_REFUSED_PREFLIGHT))
            return _EMPTY_BODY
        else:
            cors_headers = rules.actual.get(origin, _VARY_ORIGIN)

        def start_cors_response(status: str, headers: HeaderList, exc_info: Any = None) -> Any:
            for name, _ in headers:
                if name[0] in _OWNED_INITIALS:
                    return start_response(status, _rewrite(headers, cors_headers), exc_info)
            # A new list: the app may pass the same one to every response.
            return start_response(status, headers + cors_headers, exc_info)

        return app(environ, start_cors_response)

    return middleware
