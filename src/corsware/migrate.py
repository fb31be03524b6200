r"""Migration: flask-cors options and django-cors-headers settings as corsware keyword arguments.

Each function returns keyword arguments for :class:`~corsware.CORSMiddleware` under which a browser
allows and blocks the same cross-origin calls as under the peer, wherever the peer was safe. Where the
peer was not, the function refuses with a :class:`~corsware.CORSConfigError` that says what the peer
did and what to write instead, rather than copying the hole:

- **Regular expressions matched with** ``re.match``. Both peers anchor an origin regex only at its
  start, so ``https://.*\.example\.com`` also admits ``https://x.example.com.attacker.test``. An
  origin regex is converted only when every alternative ends in ``$`` or ``\Z``: then, for the
  origins browsers send (which never contain a newline), ``re.match`` and corsware's ``fullmatch``
  agree exactly. flask-cors header regexes have no corsware equivalent and are refused too.
- **Credentials with any origin.** flask-cors' ``supports_credentials=True`` with its default
  ``origins="*"``, and django-cors-headers' ``CORS_ALLOW_ALL_ORIGINS`` with
  ``CORS_ALLOW_CREDENTIALS``, reflect every origin with ``Access-Control-Allow-Credentials: true``.

Path patterns keep the peer's meaning, including its prefix matching (a path regex ``^/api/`` still
covers everything below ``/api/``), with one deliberate exception: flask-cors' ``"/api/*"``, which as a
regular expression also covered ``/apiary`` and ``/api-internal``, becomes corsware's ``"/api/*"``:
``/api`` and everything below it, nothing else.

Other differences the browser can see: ``Origin: null`` is no longer allowed by ``"*"`` (any
sandboxed iframe sends it), and flask-cors' ``methods="*"``, which never matched a preflight, now
allows any method.

.. versionadded:: 0.1
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any, Final

from corsware.errors import ConfigProblem, closest_name
from corsware.origins import parse_origin_pattern
from corsware.textconfig import Scope, SettingsLayout, check_options

__all__ = ["from_django_cors_headers", "from_flask_cors"]

# From the README's error catalogue: E021 is peer behaviour that corsware refuses to copy; E004 is
# the policy's own code for credentials with an origin anyone can send.
_UNSAFE_PEER: Final = "CORS-E021"
_ANY_ORIGIN_WITH_CREDENTIALS: Final = "CORS-E004"

# ---- regular expressions: what re.match did, and what fullmatch must do to agree --------------------

# Token kinds of the small scanner below.
_ANCHOR, _GROUP, _ATOM = "anchor", "group", "atom"
_Branches = list[list[tuple[str, Any]]]


def _branches(pattern: str, index: int) -> tuple[_Branches, int]:
    """Split ``pattern`` from ``index`` into top-level alternatives of tokens, up to a ``)``."""
    branches: _Branches = [[]]
    while index < len(pattern) and pattern[index] != ")":
        char = pattern[index]
        if char == "|":
            branches.append([])
            index += 1
            continue
        if pattern.startswith("(?#", index):
            index = pattern.index(")", index) + 1
            branches[-1].append((_ATOM, "(?#...)"))
        elif char == "\\":
            escape = pattern[index : index + 2]
            branches[-1].append((_ANCHOR if escape == r"\Z" else _ATOM, escape))
            index += 2
        elif char == "[":
            index = _class_end(pattern, index)
            branches[-1].append((_ATOM, "[...]"))
        elif char == "(":
            transparent, start = _group_start(pattern, index)
            inner, index = _branches(pattern, start)
            branches[-1].append((_GROUP if transparent else _ATOM, inner))
            index += 1
        else:
            branches[-1].append((_ANCHOR if char == "$" else _ATOM, char))
            index += 1
    return branches, index


def _class_end(pattern: str, index: int) -> int:
    index += 1
    if pattern.startswith("^", index):
        index += 1
    if pattern.startswith("]", index):
        index += 1
    while pattern[index] != "]":
        index += 2 if pattern[index] == "\\" else 1
    return index + 1


def _group_start(pattern: str, index: int) -> tuple[bool, int]:
    """Whether a group's end is the pattern's end (not a lookaround), and where its content starts."""
    if not pattern.startswith("(?", index):
        return True, index + 1
    flags = re.match(r"\(\?(?:P<\w+>|>|[aiLmsux]*(?:-[imsx]+)?:)", pattern[index:])
    if flags is not None:
        return True, index + len(flags[0])
    # Lookarounds, conditionals, back-references and comments: never an end anchor.
    return False, index + 2


def _all_end_anchored(branches: _Branches) -> bool:
    return all(
        branch
        and (branch[-1][0] == _ANCHOR or (branch[-1][0] == _GROUP and _all_end_anchored(branch[-1][1])))
        for branch in branches
    )


def _is_end_anchored(regex: re.Pattern[str]) -> bool:
    r"""Whether every alternative of ``regex`` ends in ``$`` or ``\Z``, so a match ends at the end.

    Then ``regex.match(s)`` and ``regex.fullmatch(s)`` agree for every ``s`` without a newline.
    Verbose patterns are not analysed and count as not anchored.
    """
    if regex.flags & re.VERBOSE:
        return False
    branches, _ = _branches(regex.pattern, 0)
    return _all_end_anchored(branches)


def _prefix_regex(regex: re.Pattern[str]) -> re.Pattern[str]:
    """A regex whose ``fullmatch`` is exactly ``regex.match`` (a prefix match), for paths."""
    if _is_end_anchored(regex):
        return regex
    # Leading inline flags are already in regex.flags, and may not stay inside a group.
    text = re.sub(r"\A\(\?[aiLmsux]+\)", "", regex.pattern)
    branches, _ = _branches(text, 0)
    if len(branches) > 1:
        text = f"(?:{text})"
    elif [token for _, token in branches[0][-2:]] == [".", "*"]:
        text = text[:-2]
    # re.match lets anything follow, newlines included; (?s:...) keeps that without changing the
    # meaning of any "." the pattern itself has.
    return re.compile(f"{text}(?s:.*)", regex.flags)


_ALL_PATHS: Final = frozenset({".*", "^.*", "/.*", "^/.*", "^.*$", r"^.*\Z", "^/.*$"})


def _unsafe(option: str, value: object, message: str, fix: str) -> ConfigProblem:
    return ConfigProblem(_UNSAFE_PEER, option, value, message, fix)


def _origin_regex(
    regex: re.Pattern[str], option: str, peer: str, problems: list[ConfigProblem]
) -> re.Pattern[str] | None:
    if _is_end_anchored(regex):
        return regex
    glob = parse_origin_pattern(regex.pattern)
    fix = (
        f"write {regex.pattern!r} as a plain corsware origin pattern"
        if not isinstance(glob, tuple)
        else "end the pattern with \\Z (or $) so that it must match the whole origin, or use a "
        "corsware pattern such as 'https://*.example.com'"
    )
    problems.append(
        _unsafe(
            option,
            regex.pattern,
            f"is a regular expression that {peer} matched with re.match, which anchors only its "
            "start, so it also admits any origin that merely begins with a match, such as "
            "'https://app.example.com.attacker.test' for a pattern written for "
            "'https://app.example.com'",
            fix,
        )
    )
    return None


def _items(value: object) -> list[Any] | None:
    """A peer's "one or many" value as a list, or None if it is neither."""
    if isinstance(value, str | re.Pattern):
        return [value]
    if isinstance(value, Iterable):
        return list(value)
    return None


def _wrong_type(option: str, value: object, expected: str) -> ConfigProblem:
    return ConfigProblem(
        "CORS-E002", option, value, f"has the wrong type {type(value).__name__}", f"pass {expected}"
    )


# ---- flask-cors --------------------------------------------------------------------------------

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
# Characters that make flask-cors treat a string as a regular expression rather than a literal.
_FLASK_REGEX_HINTS: Final = frozenset("*\\]?$^[()")
# A flask-cors path regex like "/api/*": a literal path, then "zero or more slashes".
_FLASK_SLASH_STAR: Final = re.compile(r"((?:/[^*\\\]?$^\[().+|{}]+)*)/\*")
_FLASK_WILDCARDS: Final = frozenset({"*", ".*"})
_CORSWARE_NAMES: Final = {"supports_credentials": "allow_credentials"}
_LIST_SEPARATOR: Final = re.compile(r"[\s,]+")


def from_flask_cors(
    app_config: Mapping[str, object] | None = None, /, **options: object
) -> dict[str, Any]:
    """The corsware equivalent of a flask-cors configuration.

    Reads the configuration as flask-cors 6 does: its defaults, overridden by the ``CORS_*`` keys of
    ``app_config``, overridden by ``options``, overridden by each resource's own options; resources
    keep flask-cors' order of precedence. Options that corsware needs no equivalent for
    (``send_wildcard``, ``vary_header``, ``always_send``, ``automatic_options``,
    ``intercept_exceptions``) are accepted and dropped. The result is checked by building the
    middleware once.

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
    scopes: dict[str, Scope] = {}
    for pattern, own in _flask_resources(merged["resources"], names["resources"], problems):
        shown = f"{names['resources']}[{_label(pattern)!r}]"
        known = {key: own[key] for key in own if key in _FLASK_DEFAULTS}
        problems.extend(
            _flask_unknown(f"{shown}.{key}", own[key], _FLASK_DEFAULTS)
            for key in own
            if key not in known
        )
        own_names = {key: f"{shown}.{key}" for key in known}
        policy, origin_names = _flask_policy({**merged, **known}, {**names, **own_names}, problems)
        converted = _flask_path(pattern, shown, problems)
        if converted is not None and converted not in entries:
            entries[converted] = policy
            renames = {_CORSWARE_NAMES.get(key, key): name for key, name in own_names.items()}
            scopes[f"resources[{_label(converted)!r}]"] = Scope(
                "", shown, frozenset(renames), origin_names, renames
            )
    renames = {_CORSWARE_NAMES.get(key, key): name for key, name in names.items()}
    top = Scope("", "", frozenset(renames), (), renames)
    result = _factored(entries)
    if list(entries) == ["/*"]:
        # One resource covering every path: plain keyword options say the same more simply.
        (only,) = scopes.values()
        result, scopes = entries["/*"], {}
        top = Scope("", "", top.own, only.origin_names, {**renames, **only.renames})
    check_options(result, SettingsLayout("", top, scopes), _unique(problems))
    return result


def _factored(entries: Mapping[str | re.Pattern[str], Mapping[str, Any]]) -> dict[str, Any]:
    """Options all resources share as keyword options (which they inherit); the rest per resource."""
    policies = list(entries.values())
    shared = {
        key: value
        for key, value in (policies[0].items() if policies else ())
        if all(policy[key] == value for policy in policies)
    }
    own = {
        pattern: {key: value for key, value in policy.items() if key not in shared}
        for pattern, policy in entries.items()
    }
    return {**shared, "resources": own}


def _flask_unknown(option: str, value: object, known: Iterable[str]) -> ConfigProblem:
    return ConfigProblem(
        "CORS-E001",
        option,
        value,
        "is not a flask-cors option: flask-cors only logged a warning and ignored it",
        closest_name(option.rsplit(".", 1)[-1], known),
    )


def _label(pattern: object) -> object:
    return pattern.pattern if isinstance(pattern, re.Pattern) else pattern


def _unique(problems: Iterable[ConfigProblem]) -> list[ConfigProblem]:
    # A top-level problem is found again in every resource that inherits the option.
    unique: dict[tuple[str, str, str], ConfigProblem] = {}
    for problem in problems:
        unique.setdefault((problem.code, problem.option, problem.message), problem)
    return list(unique.values())


def _flask_policy(
    options: Mapping[str, object], names: Mapping[str, str], problems: list[ConfigProblem]
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """One flask-cors option set as corsware policy options, and the user's name for each origin."""
    credentials = _flag(options["supports_credentials"], names["supports_credentials"], problems)
    origins, origin_names = _flask_origins(options["origins"], names["origins"], credentials, problems)
    return {
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
    }, origin_names


def _flag(value: object, name: str, problems: list[ConfigProblem]) -> bool:
    if isinstance(value, str):
        problems.append(
            ConfigProblem(
                "CORS-E002",
                name,
                value,
                "is a string, which flask-cors read as true whatever it says, 'false' included",
                "write True or False",
            )
        )
        return False
    return bool(value)


def _is_flask_literal(item: object) -> bool:
    return isinstance(item, str) and _FLASK_REGEX_HINTS.isdisjoint(item)


def _flask_regex(item: object, option: str, problems: list[ConfigProblem]) -> re.Pattern[str] | None:
    """A flask-cors origin or header pattern that is not a literal, as the regex flask-cors used."""
    if isinstance(item, re.Pattern) and isinstance(item.pattern, str):
        return item
    if isinstance(item, str):
        try:
            return re.compile(item, re.IGNORECASE)
        except re.error as error:
            problems.append(
                ConfigProblem(
                    "CORS-E002",
                    option,
                    item,
                    f"is read by flask-cors as a regular expression, and is not valid ({error.msg})",
                    "correct it, or remove it",
                )
            )
            return None
    problems.append(_wrong_type(option, item, "a string or a compiled str pattern"))
    return None


def _flask_origins(
    value: object, name: str, credentials: bool, problems: list[ConfigProblem]
) -> tuple[str | tuple[object, ...], tuple[str, ...]]:
    items = _items(value)
    if items is None:
        problems.append(_wrong_type(name, value, "a string, a pattern or a list of them"))
        return (), ()
    if _FLASK_WILDCARDS.intersection(item for item in items if isinstance(item, str)):
        if credentials:
            problems.append(
                ConfigProblem(
                    _ANY_ORIGIN_WITH_CREDENTIALS,
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
        regex = _flask_regex(item, option, problems)
        if regex is not None:
            regex = _origin_regex(regex, option, "flask-cors", problems)
        if regex is not None:
            origins.append(regex)
            origin_names.append(option)
    return tuple(origins), tuple(origin_names)


def _flask_methods(value: object, name: str, problems: list[ConfigProblem]) -> str | tuple[str, ...]:
    # flask-cors upper-cases the methods, and tests a preflight's method as a substring of their
    # comma-joined list: "GET, PUT" in one string therefore worked as two methods.
    items = _LIST_SEPARATOR.split(value.strip()) if isinstance(value, str) else _items(value)
    if items is None or not all(isinstance(item, str) for item in items):
        problems.append(_wrong_type(name, value, "a list of method names"))
        return ()
    if items == ["*"]:
        return "*"
    return tuple(dict.fromkeys(item.upper() for item in items if item))


def _flask_allow_headers(
    value: object, name: str, problems: list[ConfigProblem]
) -> str | tuple[str, ...]:
    items = _items(value)
    if items is None:
        problems.append(_wrong_type(name, value, "a string or a list of header names"))
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
                _unsafe(
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
    items = [part.strip() for part in value.split(",")] if isinstance(value, str) else _items(value)
    if items is None or not all(isinstance(item, str) for item in items):
        problems.append(_wrong_type(name, value, "a list of header names"))
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
    problems.append(_wrong_type(name, value, "a number of seconds or a timedelta"))
    return None


def _flask_resources(
    value: object, name: str, problems: list[ConfigProblem]
) -> list[tuple[str | re.Pattern[str], Mapping[str, object]]]:
    """flask-cors' resources in the order it tries them."""
    if isinstance(value, Mapping):
        pairs = [(_flask_star(pattern), own) for pattern, own in value.items()]
        bad = [(pattern, own) for pattern, own in pairs if not isinstance(own, Mapping)]
        problems.extend(
            _wrong_type(f"{name}[{_label(pattern)!r}]", own, "a dict of options") for pattern, own in bad
        )
        # flask-cors 6.0.1+: literal paths first, then compiled regexes, then regex strings; more
        # slashes first, then longer patterns; ties keep their order.
        return sorted(
            ((pattern, own) for pattern, own in pairs if isinstance(own, Mapping)),
            key=lambda pair: _flask_precedence(pair[0]),
        )
    items = _items(value)
    if items is None:
        problems.append(_wrong_type(name, value, "a path pattern, a list of them or a dict"))
        return []
    return [(_flask_star(pattern), {}) for pattern in items]


def _flask_star(pattern: Any) -> Any:
    # flask-cors reads the resource "*" as the regex ".*".
    return ".*" if pattern == "*" else pattern


def _flask_precedence(pattern: object) -> tuple[int, int, int, int]:
    if isinstance(pattern, re.Pattern):
        text = str(pattern.pattern)
        return (1, 0, -text.count("/"), -len(text))
    text = str(pattern)
    regex = not _FLASK_REGEX_HINTS.isdisjoint(text)
    return (int(regex), int(regex), -text.count("/"), -len(text))


def _flask_path(
    pattern: object, shown: str, problems: list[ConfigProblem]
) -> str | re.Pattern[str] | None:
    """A flask-cors resource pattern as a corsware one matching the same paths."""
    if isinstance(pattern, str):
        if _FLASK_REGEX_HINTS.isdisjoint(pattern):
            return pattern  # a literal: flask-cors compared it with ==
        if pattern in {".*", "/.*"}:
            return "/*"
        slash_star = _FLASK_SLASH_STAR.fullmatch(pattern)
        if slash_star is not None:
            # The deliberate difference: as a regex this was a prefix, so "/api/*" covered /apiary.
            return f"{slash_star[1]}/*"
        try:
            return _prefix_regex(re.compile(pattern))
        except re.error as error:
            problems.append(
                ConfigProblem(
                    "CORS-E008",
                    shown,
                    pattern,
                    f"is read by flask-cors as a regular expression, and is not valid ({error.msg})",
                    "correct it, or remove the resource",
                )
            )
            return None
    if isinstance(pattern, re.Pattern) and isinstance(pattern.pattern, str):
        return _prefix_regex(pattern)
    problems.append(_wrong_type(shown, pattern, "a path string or a compiled str pattern"))
    return None


# ---- django-cors-headers -----------------------------------------------------------------------

# django-cors-headers 4: each setting, the older name it still reads, and its default.
_DJANGO_SETTINGS: Final[Mapping[str, tuple[str | None, object]]] = {
    "CORS_ALLOWED_ORIGINS": ("CORS_ORIGIN_WHITELIST", ()),
    "CORS_ALLOWED_ORIGIN_REGEXES": ("CORS_ORIGIN_REGEX_WHITELIST", ()),
    "CORS_ALLOW_ALL_ORIGINS": ("CORS_ORIGIN_ALLOW_ALL", False),
    "CORS_URLS_REGEX": (None, r"^.*$"),
    "CORS_ALLOW_METHODS": (None, ("DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT")),
    "CORS_ALLOW_HEADERS": (
        None,
        ("accept", "authorization", "content-type", "user-agent", "x-csrftoken", "x-requested-with"),
    ),
    "CORS_EXPOSE_HEADERS": (None, ()),
    "CORS_PREFLIGHT_MAX_AGE": (None, 86400),
    "CORS_ALLOW_CREDENTIALS": (None, False),
    "CORS_ALLOW_PRIVATE_NETWORK": (None, False),
}
_DJANGO_ALIASES: Final = {alias for alias, _ in _DJANGO_SETTINGS.values() if alias is not None}
_DJANGO_REMOVED: Final = frozenset({"CORS_MODEL", "CORS_REPLACE_HTTPS_REFERER"})
_DJANGO_RENAMES: Final = {
    "methods": "CORS_ALLOW_METHODS",
    "allow_headers": "CORS_ALLOW_HEADERS",
    "expose_headers": "CORS_EXPOSE_HEADERS",
    "max_age": "CORS_PREFLIGHT_MAX_AGE",
    "allow_credentials": "CORS_ALLOW_CREDENTIALS",
    "allow_private_network": "CORS_ALLOW_PRIVATE_NETWORK",
}


def from_django_cors_headers(settings: object) -> dict[str, Any]:
    """The corsware equivalent of django-cors-headers' settings.

    Reads every ``CORS_*`` setting as django-cors-headers 4 does, including the older names it still
    accepts (``CORS_ORIGIN_WHITELIST``, ``CORS_ORIGIN_REGEX_WHITELIST``, ``CORS_ORIGIN_ALLOW_ALL``).
    ``CORS_URLS_REGEX`` becomes a compiled resource pattern that covers the same paths (django-cors-
    headers matched it with ``re.match``, so as a prefix). The ``check_request_enabled`` signal has
    no setting to read: express what its handlers decide as a callable ``origins``. The result is
    checked by building the middleware once.

    Args:
        settings: ``django.conf.settings``, or any object or mapping with the ``CORS_*`` settings.

    Returns:
        Keyword arguments for :class:`~corsware.CORSMiddleware`.

    Raises:
        CORSConfigError: for unknown or removed settings, values of the wrong type, behaviour
            corsware will not copy (see the module documentation), and anything the policy itself
            rejects; all at once, each named by its setting.
    """
    values = _django_values(settings)
    problems: list[ConfigProblem] = []
    names = {
        name: alias if alias in values and name not in values else name
        for name, (alias, _) in _DJANGO_SETTINGS.items()
    }
    for key in values:
        if key in _DJANGO_REMOVED:
            problems.append(
                ConfigProblem(
                    "CORS-E001",
                    key,
                    values[key],
                    "was removed from django-cors-headers and did nothing",
                    "remove it",
                )
            )
        elif key not in _DJANGO_SETTINGS and key not in _DJANGO_ALIASES:
            problems.append(
                ConfigProblem(
                    "CORS-E001",
                    key,
                    values[key],
                    "is not a django-cors-headers setting",
                    closest_name(key, _DJANGO_SETTINGS),
                )
            )
    setting = {name: values.get(names[name], default) for name, (_, default) in _DJANGO_SETTINGS.items()}
    flags = {
        name: _django_flag(setting[name], names[name], problems)
        for name in ("CORS_ALLOW_ALL_ORIGINS", "CORS_ALLOW_CREDENTIALS", "CORS_ALLOW_PRIVATE_NETWORK")
    }
    origins, origin_names = _django_origins(setting, names, flags, problems)
    options: dict[str, Any] = {
        "origins": origins,
        "methods": _django_names(setting, names, "CORS_ALLOW_METHODS", problems),
        "allow_headers": _django_names(setting, names, "CORS_ALLOW_HEADERS", problems),
        "expose_headers": _django_names(setting, names, "CORS_EXPOSE_HEADERS", problems),
        "allow_credentials": flags["CORS_ALLOW_CREDENTIALS"],
        "max_age": _django_max_age(setting["CORS_PREFLIGHT_MAX_AGE"], problems),
        "allow_private_network": flags["CORS_ALLOW_PRIVATE_NETWORK"],
    }
    path = _django_path(setting["CORS_URLS_REGEX"], problems)
    scopes: dict[str, Scope] = {}
    if path is not None:
        options["resources"] = {path: {}}
        scopes[f"resources[{path.pattern!r}]"] = Scope("", "CORS_URLS_REGEX", frozenset())
    renames = {**_DJANGO_RENAMES, "origins": names["CORS_ALLOWED_ORIGINS"]}
    top = Scope("", "", frozenset(renames), origin_names, renames)
    check_options(options, SettingsLayout("", top, scopes), problems)
    return options


def _django_values(settings: object) -> dict[str, object]:
    if isinstance(settings, Mapping):
        return {key: value for key, value in settings.items() if str(key).startswith("CORS_")}
    return {name: getattr(settings, name) for name in dir(settings) if name.startswith("CORS_")}


def _django_flag(value: object, name: str, problems: list[ConfigProblem]) -> bool:
    if isinstance(value, bool):
        return value
    problems.append(_wrong_type(name, value, "True or False"))
    return False


def _django_sequence(value: object, name: str, problems: list[ConfigProblem]) -> list[Any] | None:
    # django-cors-headers' own checks require a list or tuple; a bare string would be its characters.
    if isinstance(value, list | tuple):
        return list(value)
    problems.append(_wrong_type(name, value, "a list or tuple"))
    return None


def _django_origins(
    setting: Mapping[str, object],
    names: Mapping[str, str],
    flags: Mapping[str, bool],
    problems: list[ConfigProblem],
) -> tuple[str | tuple[object, ...], tuple[str, ...]]:
    if flags["CORS_ALLOW_ALL_ORIGINS"]:
        if flags["CORS_ALLOW_CREDENTIALS"]:
            problems.append(
                ConfigProblem(
                    _ANY_ORIGIN_WITH_CREDENTIALS,
                    names["CORS_ALLOW_ALL_ORIGINS"],
                    True,
                    "with CORS_ALLOW_CREDENTIALS, django-cors-headers answers every origin by "
                    "echoing it with Access-Control-Allow-Credentials: true, so any website can "
                    "read your users' authenticated responses",
                    "list the origins that may send credentials in CORS_ALLOWED_ORIGINS",
                )
            )
            return (), ()
        return "*", ()
    origins: list[object] = []
    origin_names: list[str] = []
    listed_name = names["CORS_ALLOWED_ORIGINS"]
    for index, origin in enumerate(
        _django_sequence(setting["CORS_ALLOWED_ORIGINS"], listed_name, problems) or ()
    ):
        origins.append(origin)
        origin_names.append(f"{listed_name}[{index}]")
    regex_name = names["CORS_ALLOWED_ORIGIN_REGEXES"]
    for index, item in enumerate(
        _django_sequence(setting["CORS_ALLOWED_ORIGIN_REGEXES"], regex_name, problems) or ()
    ):
        option = f"{regex_name}[{index}]"
        regex = _django_regex(item, option, problems)
        if regex is not None:
            regex = _origin_regex(regex, option, "django-cors-headers", problems)
        if regex is not None:
            origins.append(regex)
            origin_names.append(option)
    return tuple(origins), tuple(origin_names)


def _django_regex(item: object, option: str, problems: list[ConfigProblem]) -> re.Pattern[str] | None:
    if isinstance(item, re.Pattern) and isinstance(item.pattern, str):
        return item
    if isinstance(item, str):
        try:
            return re.compile(item)
        except re.error as error:
            problems.append(
                ConfigProblem(
                    "CORS-E002",
                    option,
                    item,
                    f"is not a valid regular expression ({error.msg})",
                    "correct it",
                )
            )
            return None
    problems.append(_wrong_type(option, item, "a string or a compiled str pattern"))
    return None


def _django_names(
    setting: Mapping[str, object], names: Mapping[str, str], key: str, problems: list[ConfigProblem]
) -> str | tuple[object, ...]:
    items = _django_sequence(setting[key], names[key], problems)
    if items is None:
        return ()
    # django-cors-headers sends the list as it is; browsers read a lone "*" as "any".
    return "*" if items == ["*"] else tuple(items)


def _django_max_age(value: object, problems: list[ConfigProblem]) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        # 0 sends no header, as in django-cors-headers.
        return value or None
    problems.append(_wrong_type("CORS_PREFLIGHT_MAX_AGE", value, "a number of seconds"))
    return None


def _django_path(value: object, problems: list[ConfigProblem]) -> re.Pattern[str] | None:
    """``CORS_URLS_REGEX`` as a resource pattern, or None when it covers every path."""
    if isinstance(value, str) and value in _ALL_PATHS:
        return None
    regex = _django_regex(value, "CORS_URLS_REGEX", problems)
    return None if regex is None else _prefix_regex(regex)
