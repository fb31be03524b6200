"""Policies: the options of one resource as the user writes them, and their validated, compiled form."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import timedelta
from typing import Final, TypeAlias, TypedDict, TypeVar

from corsware.credentials import credential_problems
from corsware.errors import ConfigProblem, CORSConfigError, ErrorCode, Location, warn
from corsware.headers import FORBIDDEN_METHODS, FORBIDDEN_REQUEST_HEADERS, is_token
from corsware.origins import OriginMatcher, OriginPattern, parse_origin_pattern

__all__ = [
    "DEFAULT_METHODS",
    "OPTION_NAMES",
    "POLICY_DEFAULTS",
    "CORSPolicy",
    "CompiledPolicy",
    "Origins",
    "PolicyOptions",
    "compile_policy",
]

_Item = TypeVar("_Item")

Origins: TypeAlias = str | Iterable[str | re.Pattern[str]] | Callable[[str], bool]
"""What ``origins`` accepts: ``"*"``, one origin, several origins and regexes, or a callable."""

DEFAULT_METHODS: Final = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")

# Methods whose upper-case spelling is almost certainly meant when written in lower case: browsers
# normalise these (Fetch §"Methods", "normalize"), and PATCH is the one they do not, which bites.
_STANDARD_METHODS: Final = frozenset({*DEFAULT_METHODS, "OPTIONS"})

# Fetch §"Forbidden response-header name": scripts can never read these, whatever is exposed.
_FORBIDDEN_RESPONSE_HEADERS: Final = frozenset({"set-cookie", "set-cookie2"})

# Chromium, Firefox and WebKit cap the preflight cache at 2 h, 24 h and 10 min; none honours more.
_LONGEST_HONOURED_MAX_AGE: Final = 86400


class PolicyOptions(TypedDict, total=False):
    """The :class:`CORSPolicy` options, accepted as keyword arguments by the middleware."""

    origins: Origins
    methods: str | Iterable[str]
    allow_headers: str | Iterable[str]
    expose_headers: str | Iterable[str]
    allow_credentials: bool
    max_age: int | timedelta | None
    allow_private_network: bool
    websocket_guard: bool


OPTION_NAMES: Final = frozenset(PolicyOptions.__annotations__)
"""The names of the policy options."""


@dataclass(frozen=True, slots=True)
class CompiledPolicy:
    """A validated policy with honestly typed, normalised values, ready for the decisions.

    Two policies that allow the same things compile to equal values (``origins=["a"]`` and
    ``origins=("a",)`` alike).

    Attributes:
        origins: ``"*"``, the origins and compiled regexes in order without repeats, or the callable.
        methods: ``"*"`` or the methods, in order.
        allow_headers: ``"*"`` or the header names, in order.
        expose_headers: The exposed header names (``("*",)`` exposes all), in order.
        allow_credentials: Whether credentials are allowed.
        max_age: Whole seconds, or ``None`` to send no ``Access-Control-Max-Age``.
        allow_private_network: Whether Private Network Access preflights are granted.
        websocket_guard: Whether the ASGI adapter refuses WebSocket handshakes from origins that
            ``origins`` does not allow.
        matcher: Decides whether a request's ``Origin`` is allowed.
    """

    origins: str | tuple[str | re.Pattern[str], ...] | Callable[[str], bool]
    methods: str | tuple[str, ...]
    allow_headers: str | tuple[str, ...]
    expose_headers: tuple[str, ...]
    allow_credentials: bool
    max_age: int | None
    allow_private_network: bool
    websocket_guard: bool
    matcher: OriginMatcher = field(compare=False, repr=False)

    @property
    def allows_any_origin(self) -> bool:
        """Whether every origin gets the same public answer: ``origins="*"`` (never with credentials)."""
        return self.origins == "*"


@dataclass(frozen=True, kw_only=True, slots=True)
class CORSPolicy:
    """What one resource allows cross-origin, as you write it; every problem is reported at once.

    The fields keep the values exactly as given; :attr:`compiled` holds them validated and normalised.

    Args:
        origins: ``"*"`` for any origin; one origin such as ``"https://app.example.com"``; an iterable
            of such strings, ``"https://*.example.com"`` (any subdomain, never the apex),
            ``"http://localhost:*"`` (any port), ``"null"`` and compiled ``re.Pattern`` objects (which
            must match the whole origin); or a callable that gets each well-formed origin and returns
            whether it is allowed.
        methods: Methods a preflight may ask for, matched case-sensitively, or ``"*"`` for any.
            GET, HEAD and POST never need a preflight's approval (Fetch §"CORS-preflight fetch").
        allow_headers: Request header names a preflight may ask for (case-insensitive), or ``"*"`` to
            allow whatever is asked for, ``Authorization`` included.
        expose_headers: Response header names that scripts may read beyond the safelisted ones.
        allow_credentials: Whether cookies and HTTP authentication may be sent and the response read.
        max_age: How long a browser may cache a preflight's answer, or ``None`` to send nothing
            (browsers then cache it for 5 seconds). Over 86400 seconds, which no browser honours,
            emits a :class:`~corsware.CORSConfigWarning`.
        allow_private_network: Whether to answer the legacy Private Network Access preflights of
            Chromium 104 to 141 with ``Access-Control-Allow-Private-Network: true``. Current
            browsers ask the user for Local Network Access instead, which no header grants.
        websocket_guard: Under ASGI, whether a WebSocket handshake whose ``Origin`` ``origins`` does
            not allow is refused before the app sees it (a handshake without ``Origin``, from a
            non-browser client, is let through). Browsers send cookies with every handshake, and
            CORS does not cover WebSockets, so this closes cross-site WebSocket hijacking. With
            ``origins="*"`` it lets every origin through. WSGI has no WebSockets, so the WSGI
            middleware does not use it.

    Raises:
        CORSConfigError: listing every invalid or unsafe value, including, with ``allow_credentials``,
            plain-http origins other than loopback, ``*.`` wildcards on public suffixes, and regexes
            or callables that allow origins nobody owns.
    """

    origins: Origins = "*"
    methods: str | Iterable[str] = DEFAULT_METHODS
    allow_headers: str | Iterable[str] = "*"
    expose_headers: str | Iterable[str] = ()
    allow_credentials: bool = False
    max_age: int | timedelta | None = None
    allow_private_network: bool = False
    websocket_guard: bool = True
    compiled: CompiledPolicy = field(init=False, repr=False, compare=False, hash=False)
    """The policy validated and normalised (set when it is built)."""

    def __post_init__(self) -> None:
        """Validate every option at once, keeping the compiled form."""
        problems: list[ConfigProblem] = []
        options = {name: getattr(self, name) for name in OPTION_NAMES}
        compiled = compile_policy(options, (), frozenset(OPTION_NAMES), problems)
        if compiled is None:
            raise CORSConfigError(problems)
        object.__setattr__(self, "compiled", compiled)

    def allows_origin(self, origin: str) -> bool:
        """Whether a request's ``Origin`` header value is granted. Malformed values never are."""
        return self.compiled.matcher.allows(origin)


POLICY_DEFAULTS: Final[Mapping[str, object]] = {
    item.name: item.default for item in fields(CORSPolicy) if item.init
}
"""What each option is when nobody sets it: any origin, without credentials."""


def compile_policy(
    options: Mapping[str, object],
    location: Location,
    own: frozenset[str],
    problems: list[ConfigProblem],
) -> CompiledPolicy | None:
    """Validate one resource's merged options and compile them, or add every problem and return None.

    Args:
        options: Every policy option's value (defaults already merged in).
        location: Where the resource is, such as ``("resources", "/api/*")``.
        own: The options the resource sets itself; the others were inherited from the middleware's
            keyword options and are located there.
        problems: Where each problem goes.
    """
    found: list[ConfigProblem] = []

    def at(name: str) -> Location:
        return (*location, name) if name in own else (name,)

    for name in ("allow_credentials", "allow_private_network", "websocket_guard"):
        if not isinstance(options[name], bool):
            found.append(_problem_type(at(name), options[name], "a bool (True or False)"))
    credentials = options["allow_credentials"] is True
    origins, matcher = _compile_origins(options["origins"], at("origins"), credentials, found)
    methods = _names(options["methods"], at("methods"), _check_method, found)
    allow_headers = _names(options["allow_headers"], at("allow_headers"), _check_request_header, found)
    expose_headers = _names(options["expose_headers"], at("expose_headers"), _check_exposed, found)
    max_age = _max_age(options["max_age"], at("max_age"), found)
    if credentials and expose_headers == "*":
        # Fetch §"CORS-safelisted response-header name": with credentials "*" is a literal name.
        found.append(
            ConfigProblem.at(
                ErrorCode.EXPOSE_ALL_WITH_CREDENTIALS,
                at("expose_headers"),
                "*",
                "exposes nothing with allow_credentials=True: browsers then read '*' as a name",
                "list the response headers to expose",
            )
        )
    problems.extend(found)
    if matcher is None or methods is None or allow_headers is None or expose_headers is None or found:
        return None
    return CompiledPolicy(
        origins=origins,
        methods=methods,
        allow_headers=allow_headers,
        expose_headers=("*",) if expose_headers == "*" else tuple(expose_headers),
        allow_credentials=credentials,
        max_age=max_age,
        allow_private_network=options["allow_private_network"] is True,
        websocket_guard=options["websocket_guard"] is True,
        matcher=matcher,
    )


def _compile_origins(
    origins: object, location: Location, credentials: bool, problems: list[ConfigProblem]
) -> tuple[str | tuple[str | re.Pattern[str], ...] | Callable[[str], bool], OriginMatcher | None]:
    many = not isinstance(origins, str)
    if isinstance(origins, str):
        items: tuple[object, ...] = (origins,)
    elif callable(origins):
        if credentials:
            problems.extend(credential_problems(origins, location))
        return origins, OriginMatcher(predicate=origins)
    elif isinstance(origins, Iterable) and not isinstance(origins, bytes | re.Pattern):
        items = tuple(origins)
    else:
        problems.append(
            ConfigProblem.at(
                ErrorCode.WRONG_TYPE,
                location,
                origins,
                "must be '*', an origin string, a list of origins and re.Pattern objects, or a callable",
                "pass a list such as ['https://app.example.com']",
            )
        )
        return (), None
    if items and all(item == "*" for item in items):
        if credentials:
            problems.extend(credential_problems("*", location))
        return "*", OriginMatcher(any_origin=True)
    patterns: list[OriginPattern] = []
    regexes: list[re.Pattern[str]] = []
    kept: list[str | re.Pattern[str]] = []
    null = False
    before = len(problems)
    for index, item in enumerate(items):
        where = (*location, index) if many else location
        if isinstance(item, re.Pattern):
            if not isinstance(item.pattern, str):
                problems.append(_problem_type(where, item, "a str pattern, not bytes"))
                continue
            regexes.append(item)
        elif not isinstance(item, str):
            problems.append(_problem_type(where, item, "an origin string or re.Pattern"))
            continue
        elif item == "*":
            problems.append(_wildcard_among_values(where, "every origin", "origins"))
            continue
        elif item == "null":
            null = True
        else:
            parsed = parse_origin_pattern(item)
            if isinstance(parsed, tuple):
                problems.append(ConfigProblem.at(ErrorCode.INVALID_ORIGIN, where, item, *parsed))
                continue
            patterns.append(parsed)
            if credentials:
                problems.extend(credential_problems(parsed, where))
        if credentials and (isinstance(item, re.Pattern) or item == "null"):
            problems.extend(credential_problems(item, where))
        kept.append(item)
    if len(problems) > before:
        return (), None
    return _unique(kept), OriginMatcher(patterns=patterns, null=null, regexes=regexes)


def _unique(items: Iterable[_Item]) -> tuple[_Item, ...]:
    """The (valid, so hashable) items in order without repeats."""
    return tuple(dict.fromkeys(items))


def _names(
    value: object,
    location: Location,
    check: Callable[[Location, str], ConfigProblem | None],
    problems: list[ConfigProblem],
) -> str | tuple[str, ...] | None:
    """``"*"`` or the validated names in order; ``None`` when there were problems."""
    many = not isinstance(value, str)
    if isinstance(value, str):
        if "," in value:
            problems.append(
                ConfigProblem.at(
                    ErrorCode.WRONG_TYPE,
                    location,
                    value,
                    "is several names in one string",
                    f"pass a list: {[part.strip() for part in value.split(',')]!r}",
                )
            )
            return None
        items: tuple[object, ...] = (value,)
    elif isinstance(value, Iterable) and not isinstance(value, bytes):
        items = tuple(value)
    else:
        problems.append(_problem_type(location, value, "a list of names"))
        return None
    if items and all(item == "*" for item in items):
        return "*"
    names: list[str] = []
    before = len(problems)
    for index, item in enumerate(items):
        where = (*location, index) if many else location
        if not isinstance(item, str):
            problems.append(_problem_type(where, item, "a str"))
        elif item == "*":
            problems.append(_wildcard_among_values(where, "everything", location[-1]))
        else:
            problem = check(where, item)
            if problem is not None:
                problems.append(problem)
            names.append(item)
    return _unique(names) if len(problems) == before else None


def _check_method(location: Location, method: str) -> ConfigProblem | None:
    if not is_token(method):
        return _invalid_name(location, method, "method")
    if method.upper() in FORBIDDEN_METHODS:
        return ConfigProblem.at(
            ErrorCode.INVALID_METHOD,
            location,
            method,
            "is a forbidden method that browsers never send",
            "remove it",
        )
    if method != method.upper() and method.upper() in _STANDARD_METHODS:
        # Fetch §"CORS-preflight fetch" compares methods case-sensitively, so "patch" would only
        # ever allow a request for the lower-case method.
        return ConfigProblem.at(
            ErrorCode.INVALID_METHOD,
            location,
            method,
            "is matched case-sensitively, and browsers send this method in upper case",
            f"write {method.upper()!r}",
        )
    return None


def _forbidden_name_check(
    forbidden: Callable[[str], bool], message: str
) -> Callable[[Location, str], ConfigProblem | None]:
    """A check of header names: a token, and not one of those ``forbidden`` says no script sees."""

    def check(location: Location, name: str) -> ConfigProblem | None:
        if not is_token(name):
            return _invalid_name(location, name, "header")
        if forbidden(name.lower()):
            return ConfigProblem.at(ErrorCode.INVALID_HEADER, location, name, message, "remove it")
        return None

    return check


_check_request_header: Final = _forbidden_name_check(
    lambda name: name in FORBIDDEN_REQUEST_HEADERS or name.startswith(("sec-", "proxy-")),
    "is a forbidden request header that only the browser sets, so a preflight never asks for it",
)
_check_exposed: Final = _forbidden_name_check(
    _FORBIDDEN_RESPONSE_HEADERS.__contains__,
    "is a forbidden response header: browsers never let scripts read it",
)


def _max_age(value: object, location: Location, problems: list[ConfigProblem]) -> int | None:
    if value is None:
        return None
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
        if seconds != int(seconds):
            problems.append(
                ConfigProblem.at(
                    ErrorCode.INVALID_MAX_AGE,
                    location,
                    value,
                    "is not a whole number of seconds",
                    "round it to whole seconds",
                )
            )
            return None
        value = int(seconds)
    if isinstance(value, bool) or not isinstance(value, int):
        problems.append(_problem_type(location, value, "an int number of seconds or a timedelta"))
        return None
    if value < 0:
        problems.append(
            ConfigProblem.at(
                ErrorCode.INVALID_MAX_AGE,
                location,
                value,
                "is negative, which is not a valid Access-Control-Max-Age (browsers then do not "
                "cache the preflight at all, as for 0)",
                "use 0 to disable preflight caching",
            )
        )
        return None
    if value > _LONGEST_HONOURED_MAX_AGE:
        warn(
            f"max_age={value} is longer than any browser caches a preflight (Firefox caps it at "
            f"{_LONGEST_HONOURED_MAX_AGE} s, Chromium at 7200 s, WebKit at 600 s), so policy changes "
            "reach browsers sooner than it suggests; use 7200 or less"
        )
    return value


def _wildcard_among_values(location: Location, allows: str, option: object) -> ConfigProblem:
    return ConfigProblem.at(
        ErrorCode.WILDCARD_AMONG_VALUES,
        location,
        "*",
        f"'*' allows {allows}, so listing other values beside it means nothing",
        f"pass {option}='*' on its own, or remove '*' from the list",
    )


def _invalid_name(location: Location, value: str, kind: str) -> ConfigProblem:
    return ConfigProblem.at(
        ErrorCode.INVALID_METHOD if kind == "method" else ErrorCode.INVALID_HEADER,
        location,
        value,
        f"is not a valid {kind} name (an RFC 9110 token)",
        f"write a {kind} name such as {'PUT' if kind == 'method' else 'X-Requested-With'!r}",
    )


def _problem_type(location: Location, value: object, expected: str) -> ConfigProblem:
    return ConfigProblem.at(
        ErrorCode.WRONG_TYPE,
        location,
        value,
        f"has the wrong type {type(value).__name__}",
        f"pass {expected}",
    )
