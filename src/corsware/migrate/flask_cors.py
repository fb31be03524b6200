"""flask-cors options and app.config keys as corsware keyword arguments."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any, Final

from corsware.errors import ConfigProblem, CORSConfigError, ErrorCode, Location, closest_name
from corsware.migrate.common import origin_regex, peer_regex, unsafe, wrong_type
from corsware.migrate.flask_cors_resources import (
    INVALID_REGEX,
    answered_by_earlier,
    corsware_path,
    factored,
    one_or_many,
    ordered_resources,
    reads_as_regex,
)
from corsware.resources import shown_pattern
from corsware.textconfig import Names, check_options

__all__ = ["from_flask_cors"]

# flask-cors 6: its options, their defaults, and the app.config keys that set them.
_FLASK_DEFAULTS: Final[Mapping[str, object]] = {
    "origins": "*",
    "methods": ("GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE"),
    "allow_headers": "*",
    "expose_headers": None,
    "supports_credentials": False,
    "max_age": None,
    "send_wildcard": False,
    "automatic_options": True,
    "vary_header": True,
    "resources": r"/*",
    "intercept_exceptions": True,
    "always_send": True,
    "allow_private_network": False,
}
_FLASK_CONFIG_KEYS: Final = frozenset(f"CORS_{name.upper()}" for name in _FLASK_DEFAULTS)
_FLASK_WILDCARDS: Final = frozenset({"*", ".*"})
_FLASK_NAMES: Final = {"allow_credentials": "supports_credentials"}
_LIST_SEPARATOR: Final = re.compile(r"[\s,]+")


def from_flask_cors(
    app_config: Mapping[str, object] | None = None, /, **options: object
) -> dict[str, Any]:
    """The corsware equivalent of a flask-cors configuration.

    Reads the configuration as flask-cors 6 does: its defaults, overridden by the ``CORS_*`` keys of
    ``app_config``, overridden by ``options``, overridden by each resource's own options; resources
    keep flask-cors' order of precedence. Options that corsware needs no equivalent for
    (``send_wildcard``, ``vary_header``, ``always_send``, ``automatic_options``,
    ``intercept_exceptions``) are accepted and dropped. The result is checked as CORSMiddleware
    checks it, so it always builds one.

    Args:
        app_config: The Flask app's ``app.config`` (keys that do not start with ``CORS_`` are
            ignored), if the app configured flask-cors there.
        **options: The keyword arguments given to ``CORS(app, ...)`` or ``init_app``, including
            ``resources``.

    Returns:
        Keyword arguments for :class:`~corsware.CORSMiddleware`: the policy options, or
        ``resources`` with every option spelt out per resource when not every path is covered alike.

    Raises:
        CORSConfigError: for unknown options (flask-cors only logged them), values of the wrong type,
            behaviour corsware will not copy (see the module documentation), and anything the policy
            itself rejects; all at once, each named as the flask-cors configuration names it.
    """
    problems: list[ConfigProblem] = []
    merged = dict(_FLASK_DEFAULTS)
    names = {key: key for key in _FLASK_DEFAULTS}
    for key, value in (app_config or {}).items():
        if not key.startswith("CORS_") or value is None:
            continue
        if key in _FLASK_CONFIG_KEYS:
            merged[key[5:].lower()] = value
            names[key[5:].lower()] = key
        else:
            problems.append(_flask_unknown(key, value, _FLASK_CONFIG_KEYS))
    for key, value in options.items():
        if key in _FLASK_DEFAULTS:
            merged[key], names[key] = value, key
        else:
            problems.append(_flask_unknown(key, value, _FLASK_DEFAULTS))
    entries: dict[str | re.Pattern[str], dict[str, Any]] = {}
    located: dict[str | re.Pattern[str], dict[Location, str]] = {}
    originals: dict[str | re.Pattern[str], tuple[str, object]] = {}
    for pattern, own in ordered_resources(merged["resources"], names["resources"], problems):
        shown = f"{names['resources']}[{shown_pattern(pattern)!r}]"
        known = {key: own[key] for key in own if key in _FLASK_DEFAULTS}
        problems.extend(
            _flask_unknown(f"{shown}.{key}", own[key], _FLASK_DEFAULTS)
            for key in own
            if key not in known
        )
        own_names = {key: f"{shown}.{key}" for key in known}
        policy, policy_names = _flask_policy({**merged, **known}, {**names, **own_names}, problems)
        converted = corsware_path(pattern, shown, problems)
        if converted is not None and converted not in entries:
            entries[converted], located[converted] = policy, policy_names
            originals[converted] = (shown, pattern)
    problems.extend(answered_by_earlier(entries, originals))
    # One resource covering every path: plain keyword options say the same more simply.
    result = entries["/*"] if list(entries) == ["/*"] else factored(entries)
    try:
        check_options(result, _resource_names(located, originals), problems)
    except CORSConfigError as error:
        raise CORSConfigError(_as_written(error.problems, located.values())) from None
    return result


def _resource_names(
    located: Mapping[str | re.Pattern[str], Mapping[Location, str]],
    originals: Mapping[str | re.Pattern[str], tuple[str, object]],
) -> Names:
    """The flask-cors name of each resource and of each of its options.

    The core locates a problem inside a resource only in an option the resource sets itself; the
    keyword options every resource shares are named by :func:`_as_written`.
    """
    names: dict[Location, str] = {}
    for pattern, policy_names in located.items():
        names[("resources", pattern)] = originals[pattern][0]
        names.update({("resources", pattern, *inside): name for inside, name in policy_names.items()})
    return Names("", names)


def _as_written(
    problems: Iterable[ConfigProblem], located: Iterable[Mapping[Location, str]]
) -> list[ConfigProblem]:
    """Each problem once, named as flask-cors names it.

    A keyword option is one every resource has with the same value, which the user may have written
    at the top level, in several resources, or both: a problem in it is named in each of those
    places. ``located`` holds each resource's names for its options.
    """
    named: dict[tuple[str, str, str, str], ConfigProblem] = {}
    for problem in problems:
        options = [problem.option]
        if problem.location and problem.location[0] != "resources":
            options = [Names("", names).name_of(problem.location) for names in located]
        for option in options:
            key = (problem.code, option, repr(problem.value), problem.message)
            named.setdefault(key, dataclasses.replace(problem, option=option))
    return list(named.values())


def _flask_unknown(option: str, value: object, known: Iterable[str]) -> ConfigProblem:
    return ConfigProblem(
        ErrorCode.UNKNOWN_OPTION,
        option,
        value,
        "is not a flask-cors option: flask-cors only logged a warning and ignored it",
        closest_name(option.rsplit(".", 1)[-1], known),
    )


def _flask_policy(
    options: Mapping[str, object], names: Mapping[str, str], problems: list[ConfigProblem]
) -> tuple[dict[str, Any], dict[Location, str]]:
    """One flask-cors option set as corsware policy options, and the user's name for each of them.

    The names are located within the policy: ``("max_age",)``, ``("origins", 0)``.
    """
    credentials = _flag(options["supports_credentials"], names["supports_credentials"], problems)
    origins, origin_names = _flask_origins(options["origins"], names["origins"], credentials, problems)
    policy = {
        "origins": origins,
        "methods": _flask_methods(options["methods"], names["methods"], problems),
        "allow_headers": _flask_allow_headers(
            options["allow_headers"], names["allow_headers"], problems
        ),
        "expose_headers": _flask_expose_headers(
            options["expose_headers"], names["expose_headers"], problems
        ),
        "allow_credentials": credentials,
        "max_age": _flask_max_age(options["max_age"], names["max_age"], problems),
        "allow_private_network": _flag(
            options["allow_private_network"], names["allow_private_network"], problems
        ),
    }
    located: dict[Location, str] = {(key,): names[_FLASK_NAMES.get(key, key)] for key in policy}
    located.update({("origins", index): name for index, name in enumerate(origin_names)})
    return policy, located


def _flag(value: object, name: str, problems: list[ConfigProblem]) -> bool:
    if isinstance(value, str):
        problems.append(
            ConfigProblem(
                ErrorCode.WRONG_TYPE,
                name,
                value,
                "is a string, which flask-cors read as true whatever it says, 'false' included",
                "write True or False",
            )
        )
        return False
    return bool(value)


def _is_flask_literal(item: object) -> bool:
    return isinstance(item, str) and not reads_as_regex(item)


def _flask_regex(item: object, option: str, problems: list[ConfigProblem]) -> re.Pattern[str] | None:
    """A flask-cors origin or header pattern that is not a literal, as the regex flask-cors used."""
    return peer_regex(
        item,
        option,
        problems,
        flags=re.IGNORECASE,
        invalid=INVALID_REGEX,
        fix="correct it, or remove it",
    )


def _flask_origins(
    value: object, name: str, credentials: bool, problems: list[ConfigProblem]
) -> tuple[str | tuple[object, ...], tuple[str, ...]]:
    items = one_or_many(value)
    if items is None:
        problems.append(wrong_type(name, value, "a string, a pattern or a list of them"))
        return (), ()
    if _FLASK_WILDCARDS.intersection(item for item in items if isinstance(item, str)):
        if credentials:
            problems.append(
                ConfigProblem(
                    ErrorCode.ANY_ORIGIN_WITH_CREDENTIALS,
                    name,
                    value,
                    "with supports_credentials, flask-cors answers every origin, 'null' included, "
                    "by echoing it with Access-Control-Allow-Credentials: true, so any website can "
                    "read your users' authenticated responses",
                    "list the origins that may send credentials, such as "
                    "origins=['https://app.example.com']",
                )
            )
            return (), ()
        return "*", ()
    origins: list[object] = []
    origin_names: list[str] = []
    one = isinstance(value, str | re.Pattern)
    for index, item in enumerate(items):
        option = name if one else f"{name}[{index}]"
        if _is_flask_literal(item):
            # flask-cors compares literal origins case-insensitively; browsers send lower case.
            origins.append(item.lower())
            origin_names.append(option)
            continue
        regex = origin_regex(_flask_regex(item, option, problems), option, "flask-cors", problems)
        if regex is not None:
            origins.append(regex)
            origin_names.append(option)
    return tuple(origins), tuple(origin_names)


def _flask_methods(value: object, name: str, problems: list[ConfigProblem]) -> str | tuple[str, ...]:
    # flask-cors upper-cases the methods, and tests a preflight's method as a substring of their
    # comma-joined list: "GET, PUT" in one string therefore worked as two methods.
    items = _LIST_SEPARATOR.split(value.strip()) if isinstance(value, str) else one_or_many(value)
    if items is None or not all(isinstance(item, str) for item in items):
        problems.append(wrong_type(name, value, "a list of method names"))
        return ()
    if items == ["*"]:
        return "*"
    return tuple(dict.fromkeys(item.upper() for item in items if item))


def _flask_allow_headers(
    value: object, name: str, problems: list[ConfigProblem]
) -> str | tuple[str, ...]:
    items = one_or_many(value)
    if items is None:
        problems.append(wrong_type(name, value, "a string or a list of header names"))
        return ()
    if _FLASK_WILDCARDS.intersection(item for item in items if isinstance(item, str)):
        return "*"
    headers: list[str] = []
    one = isinstance(value, str | re.Pattern)
    for index, item in enumerate(items):
        option = name if one else f"{name}[{index}]"
        if _is_flask_literal(item):
            headers.append(item)
            continue
        regex = _flask_regex(item, option, problems)
        if regex is not None:
            problems.append(
                unsafe(
                    option,
                    regex.pattern,
                    "is a regular expression that flask-cors matched request header names "
                    "against; corsware allows header names, not patterns",
                    "list the header names your front end sends, or allow_headers='*'",
                )
            )
    return tuple(headers)


def _flask_expose_headers(value: object, name: str, problems: list[ConfigProblem]) -> tuple[str, ...]:
    if value is None:
        return ()
    # flask-cors sends a string as it is; browsers split the header value on commas.
    items = [part.strip() for part in value.split(",")] if isinstance(value, str) else one_or_many(value)
    if items is None or not all(isinstance(item, str) for item in items):
        problems.append(wrong_type(name, value, "a list of header names"))
        return ()
    return tuple(item for item in items if item)


def _flask_max_age(value: object, name: str, problems: list[ConfigProblem]) -> int | None:
    if isinstance(value, timedelta):
        return int(value.total_seconds())
    if isinstance(value, str) and value.isascii() and value.isdecimal():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        # flask-cors drops a falsy max_age, so 0 sent no header.
        return value or None
    if value is None:
        return None
    problems.append(wrong_type(name, value, "a number of seconds or a timedelta"))
    return None
