"""Credentials: the origin checks that matter only when credentials are allowed.

Without credentials a response is public in the sense that matters: it is read without the user's
cookies. With them, every origin a policy admits can read what the user can, so an origin that
strangers can own (any origin, ``null``, a plain-http site, a public suffix's subdomains, a regex or
callable that says yes to an unowned name) is refused when the configuration is built.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from corsware.errors import ConfigProblem, ErrorCode, Location, warn
from corsware.headers import escape
from corsware.hosts import is_loopback_host
from corsware.origins import OriginPattern
from corsware.probes import INVALID_PROBES, catch_unowned
from corsware.publicsuffix import covers_public_suffix, suffix_list_source

__all__ = ["credential_problems"]

_EXAMPLE_REGEX = r"re.compile(r'https://[a-z0-9-]+\.example\.com')"


def credential_problems(
    origin: str | OriginPattern | re.Pattern[str] | Callable[[str], bool], location: Location
) -> list[ConfigProblem]:
    """What is unsafe about allowing ``origin`` with credentials.

    ``origin`` is ``"*"`` or ``"null"``, a parsed pattern, a compiled regex, or a callable (which is
    asked about origins nobody owns).
    """
    if isinstance(origin, str):
        return [_admits_everyone(origin, location)]
    if isinstance(origin, OriginPattern):
        return _pattern_problems(origin, location)
    if isinstance(origin, re.Pattern):
        return _regex_problems(origin, location)
    return _callable_problems(origin, location)


def _admits_everyone(origin: str, location: Location) -> ConfigProblem:
    # Fetch §"CORS check": with credentials the origin must be named, and a policy that names every
    # origin is the classic reflect-anything hole; any page can give itself "null" (a sandboxed
    # iframe), so trusting it trusts everyone.
    return ConfigProblem.at(
        ErrorCode.ANY_ORIGIN_WITH_CREDENTIALS,
        location,
        origin,
        "admits every origin (any page can send it), which with allow_credentials=True lets any "
        "website read your users' authenticated responses",
        "list the exact origins that may send credentials, or set allow_credentials=False",
    )


def _pattern_problems(pattern: OriginPattern, location: Location) -> list[ConfigProblem]:
    text = pattern.serialise()
    problems = []
    if pattern.scheme == "http" and not is_loopback_host(pattern.host):
        # "Breaking HTTPS" (PortSwigger 2016): whoever can inject script into a plain-HTTP page on
        # the way to your user can then read your credentialed responses.
        problems.append(
            ConfigProblem.at(
                ErrorCode.INSECURE_ORIGIN_WITH_CREDENTIALS,
                location,
                text,
                "is plain http, so with allow_credentials=True a network attacker who injects "
                "script into that site reads your users' authenticated responses",
                f"use {'https' + text[4:]!r}; only loopback origins such as "
                "'http://localhost:3000' may use http with credentials",
            )
        )
    domain = pattern.host.removesuffix(".")
    if pattern.any_subdomain and not is_loopback_host(domain) and covers_public_suffix(domain):
        problems.append(
            ConfigProblem.at(
                ErrorCode.PUBLIC_SUFFIX_WITH_CREDENTIALS,
                location,
                text,
                f"trusts every subdomain of {pattern.host!r}, where anyone can get a subdomain (it "
                f"is, or contains, a public suffix in {suffix_list_source()}), with "
                "allow_credentials=True",
                f"list the exact origins instead, such as '{pattern.scheme}://yours.{pattern.host}'",
            )
        )
    return problems


def _regex_problems(regex: re.Pattern[str], location: Location) -> list[ConfigProblem]:
    catch = catch_unowned(regex)
    if catch is None:
        return []
    if catch.insecure:
        return [
            ConfigProblem.at(
                ErrorCode.INSECURE_ORIGIN_WITH_CREDENTIALS,
                location,
                regex,
                f"matches the plain-http origin {catch.origin!r}, so with allow_credentials=True a "
                "network attacker who injects script into that site reads your users' "
                "authenticated responses",
                "match https only (write 'https://', not 'https?://'); loopback origins such as "
                "'http://localhost:3000' may use http",
            )
        ]
    return [
        ConfigProblem.at(
            ErrorCode.ANY_ORIGIN_WITH_CREDENTIALS,
            location,
            regex,
            f"matches {catch.origin!r}, an origin you cannot own, so with allow_credentials=True it "
            "lets websites you do not control read your users' authenticated responses",
            "escape every dot (\\.) and match whole labels of your own domain, such as "
            f"{_EXAMPLE_REGEX}, or list the exact origins",
        )
    ]


def _callable_problems(predicate: Callable[[str], bool], location: Location) -> list[ConfigProblem]:
    for origin in INVALID_PROBES:
        try:
            allowed = bool(predicate(origin))
        except Exception as error:  # noqa: BLE001 - any failure means the probe could not run
            # A callable that needs a database or a request context may fail at import time: it
            # is accepted, and the warning says the check could not be made.
            warn(
                f"the origins callable raised {type(error).__name__} when corsware asked it about "
                f"{origin!r}, an origin nobody owns, so corsware could not check that it refuses "
                f"strangers with allow_credentials=True: {escape(str(error))}"
            )
            return []
        if allowed:
            return [
                ConfigProblem.at(
                    ErrorCode.ANY_ORIGIN_WITH_CREDENTIALS,
                    location,
                    predicate,
                    f"returns True for {origin!r}, an origin nobody owns, so with "
                    "allow_credentials=True it lets any website read your users' authenticated "
                    "responses",
                    "return True only for origins you own, such as by comparing with a set of exact "
                    "origins",
                )
            ]
    return []
