"""CORSPolicy: what one resource allows, validated in full when it is built."""

from __future__ import annotations

import ipaddress
import os
import re
import sys
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import timedelta
from typing import Any, Final, TypeAlias

from corsware.errors import ConfigProblem, CORSConfigError, CORSConfigWarning, closest_name
from corsware.headers import FORBIDDEN_METHODS, FORBIDDEN_REQUEST_HEADERS, is_token
from corsware.origins import OriginMatcher, OriginPattern, parse_origin_pattern
from corsware.publicsuffix import is_public_suffix

__all__ = ["DEFAULT_METHODS", "OPTION_NAMES", "CORSPolicy", "Origins", "policy_from_options"]

Origins: TypeAlias = str | Iterable[str | re.Pattern[str]] | Callable[[str], bool]
"""What ``origins`` accepts: ``"*"``, one origin, several origins and regexes, or a callable."""

DEFAULT_METHODS: Final = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")

# Methods whose upper-case spelling is almost certainly meant when written in lower case: browsers
# normalise these (Fetch §"Methods", "normalize"), and PATCH is the one they do not, which bites.
_STANDARD_METHODS: Final = frozenset({*DEFAULT_METHODS, "OPTIONS"})

# Fetch §"Forbidden response-header name": scripts can never read these, whatever is exposed.
_FORBIDDEN_RESPONSE_HEADERS: Final = frozenset({"set-cookie", "set-cookie2"})

# Origins on a name reserved never to exist (RFC 2606 ".invalid"): a regex that matches any of them
# is not tied to a domain its author controls, so with credentials it trusts strangers.
_UNOWNED_ORIGINS: Final = (
    "https://corsware-probe.invalid",
    "http://corsware-probe.invalid:8080",
    "https://a.b.corsware-probe.invalid",
)

# Chromium and Firefox cap the preflight cache at 2 h and 24 h; no browser honours more.
_LONGEST_HONOURED_MAX_AGE: Final = 86400

_PACKAGE_DIRECTORY: Final = os.path.dirname(__file__)


@dataclass(frozen=True, kw_only=True, slots=True)
class CORSPolicy:
    """What one resource allows cross-origin; every problem is reported when it is built.

    Args:
        origins: ``"*"`` for any origin; one origin such as ``"https://app.example.com"``; an iterable
            of such strings, ``"https://*.example.com"`` (any subdomain, never the apex),
            ``"http://localhost:*"`` (any port), ``"null"`` and compiled ``re.Pattern`` objects (which
            must match the whole origin); or a callable that gets each well-formed origin and returns
            whether it is allowed.
        methods: Methods a preflight may ask for, matched case-sensitively, or ``"*"`` for any.
            GET, HEAD and POST never need a preflight's approval (Fetch §"CORS-preflight fetch").
        allow_headers: Request header names a preflight may ask for (case-insensitive), or ``"*"`` to
            allow whatever is asked for, ``Authorization`` included (SECURITY.md explains why).
        expose_headers: Response header names that scripts may read beyond the safelisted ones.
        allow_credentials: Whether cookies and HTTP authentication may be sent and the response read.
        max_age: How long a browser may cache a preflight's answer, or ``None`` to send nothing
            (browsers then cache it for 5 seconds). Over 86400 seconds, which no browser honours,
            emits a :class:`~corsware.CORSConfigWarning`.
        allow_private_network: Whether to answer Chromium's ``Access-Control-Request-Private-Network``
            preflights with ``Access-Control-Allow-Private-Network: true``.

    Raises:
        CORSConfigError: listing every invalid or unsafe value, including, with ``allow_credentials``,
            plain-http origins other than loopback and ``*.`` wildcards on public suffixes.
    """

    origins: Origins = "*"
    methods: str | Iterable[str] = DEFAULT_METHODS
    allow_headers: str | Iterable[str] = "*"
    expose_headers: str | Iterable[str] = ()
    allow_credentials: bool = False
    max_age: int | timedelta | None = None
    allow_private_network: bool = False
    _matcher: OriginMatcher = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Normalise iterables to tuples, validate everything, and compile the origin matcher."""
        problems: list[ConfigProblem] = []
        for name in ("allow_credentials", "allow_private_network"):
            if not isinstance(getattr(self, name), bool):
                problems.append(
                    ConfigProblem(
                        "CORS-E002",
                        name,
                        getattr(self, name),
                        "must be True or False",
                        "pass a bool",
                    )
                )
        matcher = self._compile_origins(problems)
        self._normalise("methods", _check_method, problems)
        self._normalise("allow_headers", _check_request_header, problems)
        self._normalise("expose_headers", self._check_exposed_header, problems)
        _check_max_age(self.max_age, problems)
        if self.allow_credentials is True and self.expose_headers == ("*",):
            # Fetch §"CORS-safelisted response-header name": with credentials "*" is a literal name.
            problems.append(
                ConfigProblem(
                    "CORS-E011",
                    "expose_headers",
                    "*",
                    "exposes nothing with allow_credentials=True: browsers then read '*' as a name",
                    "list the response headers to expose",
                )
            )
        if problems:
            raise CORSConfigError(problems)
        object.__setattr__(self, "_matcher", matcher)

    @property
    def allows_any_origin(self) -> bool:
        """Whether ``origins`` is ``"*"``."""
        return self.origins == "*"

    def allows_origin(self, origin: str) -> bool:
        """Whether a request's ``Origin`` header value is allowed. Malformed values never are."""
        return self._matcher.allows(origin)

    def _compile_origins(self, problems: list[ConfigProblem]) -> OriginMatcher:
        origins: object = self.origins
        if isinstance(origins, str):
            if origins == "*":
                self._refuse_credentials_with("*", "origins", problems)
                return OriginMatcher(any_origin=True)
            items: tuple[object, ...] = (origins,)
        elif callable(origins):
            return OriginMatcher(predicate=origins)
        elif isinstance(origins, Iterable) and not isinstance(origins, bytes | re.Pattern):
            items = _unique(origins)
            object.__setattr__(self, "origins", "*" if items == ("*",) else items)
            if items == ("*",):
                return self._compile_origins(problems)
        else:
            problems.append(
                ConfigProblem(
                    "CORS-E002",
                    "origins",
                    origins,
                    "must be '*', an origin string, a list of origins and re.Pattern objects, "
                    "or a callable",
                    "pass a list such as ['https://app.example.com']",
                )
            )
            return OriginMatcher()
        return self._compile_origin_items(items, problems)

    def _compile_origin_items(
        self, items: tuple[object, ...], problems: list[ConfigProblem]
    ) -> OriginMatcher:
        patterns: list[OriginPattern] = []
        regexes: list[re.Pattern[str]] = []
        null = False
        for index, item in enumerate(items):
            option = f"origins[{index}]" if not isinstance(self.origins, str) else "origins"
            if isinstance(item, re.Pattern):
                if not isinstance(item.pattern, str):
                    problems.append(_problem_type(option, item, "a str pattern, not bytes"))
                    continue
                regexes.append(item)
                unowned = next((o for o in _UNOWNED_ORIGINS if item.fullmatch(o)), None)
                if unowned is not None and self.allow_credentials is True:
                    problems.append(
                        ConfigProblem(
                            "CORS-E004",
                            option,
                            item,
                            f"matches {unowned!r}, an origin nobody owns, so with "
                            "allow_credentials=True it lets websites you do not control read your "
                            "users' authenticated responses",
                            "list the exact origins that may send credentials, or anchor the "
                            "regex to your own domain, such as "
                            r"re.compile(r'https://[a-z0-9-]+\.example\.com')",
                        )
                    )
            elif not isinstance(item, str):
                problems.append(_problem_type(option, item, "an origin string or re.Pattern"))
            elif item == "*":
                problems.append(
                    ConfigProblem(
                        "CORS-E010",
                        option,
                        item,
                        "'*' allows every origin, so listing other origins beside it means nothing",
                        "pass origins='*' on its own, or remove '*' from the list",
                    )
                )
            elif item == "null":
                null = True
                # Any page can give itself the "null" origin (a sandboxed iframe), so trusting it
                # with credentials trusts everyone.
                self._refuse_credentials_with(item, option, problems)
            else:
                parsed = parse_origin_pattern(item)
                if isinstance(parsed, tuple):
                    message, fix = parsed
                    problems.append(ConfigProblem("CORS-E003", option, item, message, fix))
                else:
                    patterns.append(parsed)
                    if self.allow_credentials is True:
                        problems.extend(_credentialed_pattern_problems(parsed, option, item))
        return OriginMatcher(patterns=patterns, null=null, regexes=regexes)

    def _refuse_credentials_with(
        self, value: object, option: str, problems: list[ConfigProblem]
    ) -> None:
        # Fetch §"CORS check": with credentials the origin must be named, and a policy that names
        # every origin is the classic reflect-anything hole (PortSwigger 2016; peers.md §0.1).
        if self.allow_credentials is True:
            problems.append(
                ConfigProblem(
                    "CORS-E004",
                    option,
                    value,
                    "admits every origin (any page can send it), which with allow_credentials=True "
                    "lets any website read your users' authenticated responses",
                    "list the exact origins that may send credentials, or set allow_credentials=False",
                )
            )

    def _normalise(
        self,
        name: str,
        check: Callable[[str, str], ConfigProblem | None],
        problems: list[ConfigProblem],
    ) -> None:
        value = getattr(self, name)
        if value == "*" and name != "expose_headers":
            return
        if isinstance(value, str):
            if "," in value:
                problems.append(
                    ConfigProblem(
                        "CORS-E002",
                        name,
                        value,
                        "is several names in one string",
                        f"pass a list: {[part.strip() for part in value.split(',')]!r}",
                    )
                )
                return
            items: tuple[object, ...] = (value,)
        elif isinstance(value, Iterable) and not isinstance(value, bytes):
            items = _unique(value)
        else:
            problems.append(_problem_type(name, value, "a list of names"))
            return
        if items == ("*",) and name != "expose_headers":
            object.__setattr__(self, name, "*")
            return
        for index, item in enumerate(items):
            option = f"{name}[{index}]"
            if not isinstance(item, str):
                problems.append(_problem_type(option, item, "a str"))
            elif item == "*" and len(items) > 1:
                problems.append(
                    ConfigProblem(
                        "CORS-E010",
                        option,
                        item,
                        "'*' allows everything, so listing other names beside it means nothing",
                        f"pass {name}='*' on its own, or remove '*' from the list",
                    )
                )
            elif item != "*":
                problem = check(option, item)
                if problem is not None:
                    problems.append(problem)
        object.__setattr__(self, name, items)

    def _check_exposed_header(self, option: str, name: str) -> ConfigProblem | None:
        if not is_token(name):
            return _invalid_name(option, name, "header")
        if name.lower() in _FORBIDDEN_RESPONSE_HEADERS:
            return ConfigProblem(
                "CORS-E006",
                option,
                name,
                "is a forbidden response header: browsers never let scripts read it",
                "remove it",
            )
        return None


def _unique(items: Iterable[object]) -> tuple[object, ...]:
    """The items in order without repeats; unhashable ones are kept (they are reported as wrong)."""
    items = tuple(items)
    try:
        return tuple(dict.fromkeys(items))
    except TypeError:
        return items


def _check_method(option: str, method: str) -> ConfigProblem | None:
    if not is_token(method):
        return _invalid_name(option, method, "method")
    if method.upper() in FORBIDDEN_METHODS:
        return ConfigProblem(
            "CORS-E005",
            option,
            method,
            "is a forbidden method that browsers never send",
            "remove it",
        )
    if method != method.upper() and method.upper() in _STANDARD_METHODS:
        # Fetch §"CORS-preflight fetch" compares methods case-sensitively, so "patch" would only
        # ever allow a request for the lower-case method.
        return ConfigProblem(
            "CORS-E005",
            option,
            method,
            "is matched case-sensitively, and browsers send this method in upper case",
            f"write {method.upper()!r}",
        )
    return None


def _check_request_header(option: str, name: str) -> ConfigProblem | None:
    if not is_token(name):
        return _invalid_name(option, name, "header")
    if name.lower() in FORBIDDEN_REQUEST_HEADERS or name.lower().startswith(("sec-", "proxy-")):
        return ConfigProblem(
            "CORS-E006",
            option,
            name,
            "is a forbidden request header that only the browser sets, so a preflight never asks for it",
            "remove it",
        )
    return None


def _check_max_age(value: object, problems: list[ConfigProblem]) -> None:
    if value is None:
        return
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
        if seconds != int(seconds):
            problems.append(
                ConfigProblem(
                    "CORS-E007",
                    "max_age",
                    value,
                    "is not a whole number of seconds",
                    "round it to whole seconds",
                )
            )
            return
        value = int(seconds)
    if isinstance(value, bool) or not isinstance(value, int):
        problems.append(_problem_type("max_age", value, "an int number of seconds or a timedelta"))
    elif value < 0:
        problems.append(
            ConfigProblem(
                "CORS-E007",
                "max_age",
                value,
                "is negative, which browsers read as 5 seconds",
                "use 0 to disable preflight caching",
            )
        )
    elif value > _LONGEST_HONOURED_MAX_AGE:
        warnings.warn(
            f"max_age={value} is longer than any browser caches a preflight (Firefox caps it at "
            f"{_LONGEST_HONOURED_MAX_AGE} s, Chromium at 7200 s), so policy changes reach browsers "
            "sooner than it suggests; use 7200 or less",
            CORSConfigWarning,
            stacklevel=_caller_stacklevel(),
        )


def _caller_stacklevel() -> int:
    # Point the warning at the first frame outside corsware (skipping the dataclass-generated
    # __init__, whose file is "<string>"): the line of the user's configuration.
    level, frame = 1, sys._getframe(1)
    while frame.f_back is not None and frame.f_code.co_filename.startswith((_PACKAGE_DIRECTORY, "<")):
        level, frame = level + 1, frame.f_back
    return level


def _credentialed_pattern_problems(
    pattern: OriginPattern, option: str, text: str
) -> list[ConfigProblem]:
    problems = []
    if pattern.scheme == "http" and not _is_loopback(pattern):
        # "Breaking HTTPS" (PortSwigger 2016): whoever can inject script into a plain-HTTP page on
        # the way to your user can then read your credentialed responses.
        problems.append(
            ConfigProblem(
                "CORS-E012",
                option,
                text,
                "is plain http, so with allow_credentials=True a network attacker who injects "
                "script into that site reads your users' authenticated responses",
                f"use {'https' + text[4:]!r}; only loopback origins such as "
                "'http://localhost:3000' may use http with credentials",
            )
        )
    if (
        pattern.any_subdomain
        and not _is_loopback(pattern)
        and is_public_suffix(pattern.host.removesuffix("."))
    ):
        problems.append(
            ConfigProblem(
                "CORS-E013",
                option,
                text,
                f"trusts every subdomain of {pattern.host!r}, a public suffix where anyone can get a "
                "subdomain, with allow_credentials=True",
                f"list the exact origins instead, such as '{pattern.scheme}://yours.{pattern.host}'",
            )
        )
    return problems


def _is_loopback(pattern: OriginPattern) -> bool:
    # RFC 6761 §6.3: "localhost" and every name below it resolve to loopback; so do 127.0.0.0/8
    # and ::1, which browsers treat as potentially trustworthy (Secure Contexts §3.2).
    host = pattern.host.removesuffix(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    if pattern.any_subdomain:
        return False
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def max_age_seconds(value: int | timedelta | None) -> int | None:
    """A validated ``max_age`` as whole seconds."""
    if isinstance(value, timedelta):
        return int(value.total_seconds())
    return value


def _invalid_name(option: str, value: str, kind: str) -> ConfigProblem:
    return ConfigProblem(
        "CORS-E005" if kind == "method" else "CORS-E006",
        option,
        value,
        f"is not a valid {kind} name (an RFC 9110 token)",
        f"write a {kind} name such as {'PUT' if kind == 'method' else 'X-Requested-With'!r}",
    )


def _problem_type(option: str, value: object, expected: str) -> ConfigProblem:
    return ConfigProblem(
        "CORS-E002",
        option,
        value,
        f"has the wrong type {type(value).__name__}",
        f"pass {expected}",
    )


OPTION_NAMES: Final = frozenset(item.name for item in fields(CORSPolicy) if item.init)
"""The keyword options of :class:`CORSPolicy`."""


def policy_from_options(
    options: Mapping[str, object], defaults: Mapping[str, object], where: str | None = None
) -> CORSPolicy | list[ConfigProblem]:
    """Build a policy from ``defaults`` overridden by ``options``, or list what is wrong with them.

    Unknown option names are problems that suggest the closest known name. ``where`` locates the
    problems (such as ``"resources['/api/*']"``).
    """
    problems = [
        ConfigProblem(
            "CORS-E001",
            name,
            options[name],
            "is not a CORS option",
            closest_name(name, OPTION_NAMES),
        )
        for name in options
        if name not in OPTION_NAMES
    ]
    merged: dict[str, Any] = {**defaults, **{k: v for k, v in options.items() if k in OPTION_NAMES}}
    try:
        policy = CORSPolicy(**merged)
    except CORSConfigError as error:
        problems.extend(error.problems)
    else:
        if not problems:
            return policy
    return [problem.within(where) for problem in problems] if where else problems
