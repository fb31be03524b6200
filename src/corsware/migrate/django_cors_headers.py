"""django-cors-headers settings as corsware keyword arguments."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from corsware.errors import ConfigProblem, ErrorCode, Location, closest_name
from corsware.migrate.common import origin_regex, peer_regex, prefix_regex, wrong_type
from corsware.textconfig import Names, check_options

__all__ = ["DEFAULT_HEADERS", "DEFAULT_METHODS", "from_django_cors_headers"]

DEFAULT_HEADERS: Final = (
    "accept",
    "authorization",
    "content-type",
    "user-agent",
    "x-csrftoken",
    "x-requested-with",
)
"""django-cors-headers' ``corsheaders.defaults.default_headers``: ``CORS_ALLOW_HEADERS`` when unset."""
DEFAULT_METHODS: Final = ("DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT")
"""django-cors-headers' ``corsheaders.defaults.default_methods``: ``CORS_ALLOW_METHODS`` when unset."""

_ALL_PATHS: Final = frozenset({".*", "^.*", "/.*", "^/.*", "^.*$", r"^.*\Z", "^/.*$"})

# django-cors-headers 4: each setting, the older name it still reads, and its default.
_DJANGO_SETTINGS: Final[Mapping[str, tuple[str | None, object]]] = {
    "CORS_ALLOWED_ORIGINS": ("CORS_ORIGIN_WHITELIST", ()),
    "CORS_ALLOWED_ORIGIN_REGEXES": ("CORS_ORIGIN_REGEX_WHITELIST", ()),
    "CORS_ALLOW_ALL_ORIGINS": ("CORS_ORIGIN_ALLOW_ALL", False),
    "CORS_URLS_REGEX": (None, r"^.*$"),
    "CORS_ALLOW_METHODS": (None, DEFAULT_METHODS),
    "CORS_ALLOW_HEADERS": (None, DEFAULT_HEADERS),
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
    checked as CORSMiddleware checks it, so it always builds one.

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
                    ErrorCode.UNKNOWN_OPTION,
                    key,
                    values[key],
                    "was removed from django-cors-headers and did nothing",
                    "remove it",
                )
            )
        elif key not in _DJANGO_SETTINGS and key not in _DJANGO_ALIASES:
            problems.append(
                ConfigProblem(
                    ErrorCode.UNKNOWN_OPTION,
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
    origins, located = _django_origins(setting, names, flags, problems)
    options: dict[str, Any] = {
        "origins": origins,
        "methods": _django_names(setting, names, "CORS_ALLOW_METHODS", problems),
        "allow_headers": _django_names(setting, names, "CORS_ALLOW_HEADERS", problems),
        "expose_headers": _django_names(setting, names, "CORS_EXPOSE_HEADERS", problems),
        "allow_credentials": flags["CORS_ALLOW_CREDENTIALS"],
        "max_age": _django_max_age(setting["CORS_PREFLIGHT_MAX_AGE"], problems),
        "allow_private_network": flags["CORS_ALLOW_PRIVATE_NETWORK"],
    }
    located[("origins",)] = names["CORS_ALLOWED_ORIGINS"]
    located.update({(option,): name for option, name in _DJANGO_RENAMES.items()})
    path = _django_path(setting["CORS_URLS_REGEX"], problems)
    if path is not None:
        # The resource sets no option of its own, so only its pattern is ever located inside it.
        options["resources"] = {path: {}}
        located[("resources", path)] = "CORS_URLS_REGEX"
    check_options(options, Names("", located), problems)
    return options


def _django_values(settings: object) -> dict[str, object]:
    if isinstance(settings, Mapping):
        return {key: value for key, value in settings.items() if str(key).startswith("CORS_")}
    return {name: getattr(settings, name) for name in dir(settings) if name.startswith("CORS_")}


def _django_flag(value: object, name: str, problems: list[ConfigProblem]) -> bool:
    if isinstance(value, bool):
        return value
    problems.append(wrong_type(name, value, "True or False"))
    return False


def _django_sequence(value: object, name: str, problems: list[ConfigProblem]) -> list[Any] | None:
    # django-cors-headers' own checks require a list or tuple; a bare string would be its characters.
    if isinstance(value, list | tuple):
        return list(value)
    problems.append(wrong_type(name, value, "a list or tuple"))
    return None


def _django_origins(
    setting: Mapping[str, object],
    names: Mapping[str, str],
    flags: Mapping[str, bool],
    problems: list[ConfigProblem],
) -> tuple[str | tuple[object, ...], dict[Location, str]]:
    """The origins, and the setting item each one came from, by its location in ``origins``."""
    if flags["CORS_ALLOW_ALL_ORIGINS"]:
        if flags["CORS_ALLOW_CREDENTIALS"]:
            problems.append(
                ConfigProblem(
                    ErrorCode.ANY_ORIGIN_WITH_CREDENTIALS,
                    names["CORS_ALLOW_ALL_ORIGINS"],
                    True,
                    "with CORS_ALLOW_CREDENTIALS, django-cors-headers answers every origin by "
                    "echoing it with Access-Control-Allow-Credentials: true, so any website can "
                    "read your users' authenticated responses",
                    "list the origins that may send credentials in CORS_ALLOWED_ORIGINS",
                )
            )
            return (), {}
        return "*", {}
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
        regex = origin_regex(peer_regex(item, option, problems), option, "django-cors-headers", problems)
        if regex is not None:
            origins.append(regex)
            origin_names.append(option)
    return tuple(origins), {("origins", index): name for index, name in enumerate(origin_names)}


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
    problems.append(wrong_type("CORS_PREFLIGHT_MAX_AGE", value, "a number of seconds"))
    return None


def _django_path(value: object, problems: list[ConfigProblem]) -> re.Pattern[str] | None:
    """``CORS_URLS_REGEX`` as a resource pattern, or None when it covers every path."""
    if isinstance(value, str) and value in _ALL_PATHS:
        return None
    regex = peer_regex(value, "CORS_URLS_REGEX", problems)
    return None if regex is None else prefix_regex(regex)
