"""Text settings: the one place where strings (INI files, TOML strings) become typed options.

PasteDeploy hands a filter its settings as strings, and a TOML file may spell a list as one string;
a command-line option that sets a policy would be a string too. All of them come here, so
``"true"`` means the same thing everywhere and every mistake is reported against the setting key
the user wrote.

The grammar:

- booleans are exactly ``true`` or ``false``;
- lists are separated by whitespace or commas, except ``origin_regexes`` (whitespace only: commas
  belong to regular expressions, as in ``{1,3}``);
- ``*`` stands alone for "any" where the option has such a value;
- ``max_age`` is a whole number of seconds.

.. versionadded:: 0.1
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from corsware.configuration import compile_configuration
from corsware.errors import (
    ConfigProblem,
    CORSConfigError,
    ErrorCode,
    Location,
    closest_name,
    render_location,
)

__all__ = [
    "POLICY_SETTINGS",
    "SETTING_NAMES",
    "Names",
    "check_options",
    "compile_origin_regexes",
    "compile_regex",
    "origin_names",
    "parse_setting",
    "parse_settings",
]

_LIST_SEPARATOR: Final = re.compile(r"[\s,]+")

POLICY_SETTINGS: Final = (
    "origins",
    "origin_regexes",
    "methods",
    "allow_headers",
    "expose_headers",
    "allow_credentials",
    "max_age",
    "allow_private_network",
    "websocket_guard",
)
"""Settings that describe one policy, in documentation order; ``paths`` is the only other setting."""

SETTING_NAMES: Final = frozenset({*POLICY_SETTINGS, "paths"})
"""Every key :func:`parse_settings` accepts."""

_UNKNOWN: Final = ErrorCode.UNKNOWN_OPTION
_MALFORMED: Final = ErrorCode.WRONG_TYPE


def _problem(key: str, text: object, message: str, fix: str) -> CORSConfigError:
    return CORSConfigError([ConfigProblem(_MALFORMED, key, text, message, fix)])


def _words(key: str, text: str) -> list[str]:
    words = [word for word in _LIST_SEPARATOR.split(text) if word]
    if not words:
        raise _problem(key, text, "is empty", f"list at least one value, or leave {key} out")
    return words


def _names_or_any(key: str, text: str) -> str | tuple[str, ...]:
    words = _words(key, text)
    # "*" alone is the option's "anything" value; beside other names the policy reports it.
    return "*" if words == ["*"] else tuple(words)


def _expose_headers(key: str, text: str) -> tuple[str, ...]:
    return tuple(_words(key, text))


def _boolean(key: str, text: str) -> bool:
    word = text.strip()
    if word not in {"true", "false"}:
        fix = f"write {word.lower()}" if word.lower() in {"true", "false"} else "write true or false"
        raise _problem(key, text, "is not a boolean: only true and false are accepted", fix)
    return word == "true"


def _seconds(key: str, text: str) -> int:
    word = text.strip()
    if not (word.isascii() and word.isdecimal()):
        raise _problem(
            key,
            text,
            "is not a whole number of seconds",
            "write digits only, such as 600 for ten minutes, or leave max_age out to send no header",
        )
    return int(word)


def compile_regex(
    text: str,
    option: str,
    problems: list[ConfigProblem],
    *,
    fix: str,
    code: ErrorCode = _MALFORMED,
    flags: int = 0,
    invalid: str = "is not a valid regular expression",
) -> re.Pattern[str] | None:
    """Compile ``text``, or append a problem located at ``option`` and return ``None``.

    Args:
        text: The regular expression as written.
        option: Where it was written, such as ``"origin_regexes[1]"``.
        problems: Where a problem goes.
        fix: What to do if it does not compile.
        code: The problem's code.
        flags: ``re`` flags to compile with.
        invalid: What the problem says, before the compiler's own message.
    """
    try:
        return re.compile(text, flags)
    except re.error as error:
        problems.append(
            ConfigProblem(code, option, text, f"{invalid} ({error.msg} at position {error.pos})", fix)
        )
        return None


def compile_origin_regexes(key: str, patterns: Iterable[object]) -> tuple[re.Pattern[str], ...]:
    """Compile regular expressions for origins, reporting every invalid one against ``key[index]``.

    Each pattern must match a whole origin (the policy uses ``fullmatch``), so no ``^`` or ``$`` is
    needed.

    Raises:
        CORSConfigError: naming each pattern that is not a string or does not compile.
    """
    compiled: list[re.Pattern[str]] = []
    problems: list[ConfigProblem] = []
    for index, pattern in enumerate(patterns):
        where = f"{key}[{index}]"
        if not isinstance(pattern, str):
            problems.append(
                ConfigProblem(
                    _MALFORMED,
                    where,
                    pattern,
                    f"has the wrong type {type(pattern).__name__}",
                    "write the regular expression as a string",
                )
            )
            continue
        regex = compile_regex(
            pattern,
            where,
            problems,
            fix=r"correct it; it must match the whole origin, such as "
            r"'https://[a-z0-9-]+\.example\.com'",
        )
        if regex is not None:
            compiled.append(regex)
    if problems:
        raise CORSConfigError(problems)
    return tuple(compiled)


_PARSERS: Final[dict[str, Callable[[str, str], object]]] = {
    "origins": _names_or_any,
    "origin_regexes": lambda key, text: compile_origin_regexes(key, text.split()),
    "methods": _names_or_any,
    "allow_headers": _names_or_any,
    "expose_headers": _expose_headers,
    "allow_credentials": _boolean,
    "max_age": _seconds,
    "allow_private_network": _boolean,
    "websocket_guard": _boolean,
    "paths": lambda key, text: tuple(_words(key, text)),
}


def parse_setting(key: str, text: str) -> object:
    """Turn the text of one setting into its typed value.

    ``origins``, ``methods`` and ``allow_headers`` give ``"*"`` or a tuple of names; ``origin_regexes``
    a tuple of compiled patterns; ``paths`` and ``expose_headers`` a tuple of strings; the booleans a
    ``bool``; ``max_age`` an ``int``. Values are not validated beyond their shape here: the policy
    does that when the middleware is built.

    Args:
        key: One of :data:`SETTING_NAMES`.
        text: The setting's text as written.

    Raises:
        CORSConfigError: if ``key`` is unknown or ``text`` does not have the key's shape; the
            problem names ``key``.
    """
    parser = _PARSERS.get(key)
    if parser is None:
        raise CORSConfigError(
            [
                ConfigProblem(
                    _UNKNOWN, key, text, "is not a corsware setting", closest_name(key, SETTING_NAMES)
                )
            ]
        )
    return parser(key, text)


@dataclass(frozen=True, slots=True)
class Names:
    """The user's own name for places in the middleware's arguments, to report problems in their words.

    The middleware locates a problem structurally, such as ``("resources", "/api/*", "max_age")``;
    the user wrote ``resources[2].max_age`` in a file, or ``CORS_PREFLIGHT_MAX_AGE`` in Django
    settings. :meth:`name_of` finds the longest leading part of a location that has a name here and
    writes the rest after it.

    Attributes:
        where: Prefix of every name, such as ``"paste.ini [filter:cors]"``; ``""`` for none.
        names: Location (or leading part of one) to the user's name for it.
    """

    where: str
    names: Mapping[Location, str]

    def name_of(self, location: Location) -> str:
        """The user's name for ``location``."""
        for end in range(len(location), 0, -1):
            name = self.names.get(location[:end])
            if name is not None:
                return self.prefixed(render_location(location[end:], name))
        return self.prefixed(render_location(location))

    def prefixed(self, located: str) -> str:
        """``located`` after :attr:`where`."""
        return f"{self.where}: {located}" if self.where else located

    def relocate(self, error: CORSConfigError) -> CORSConfigError:
        """The same error with every problem named as the user wrote it, each reported once."""
        unique: dict[tuple[str, str, str, str], ConfigProblem] = {}
        for problem in error.problems:
            option = self.name_of(problem.location)
            key = (problem.code, option, repr(problem.value), problem.message)
            unique.setdefault(key, dataclasses.replace(problem, option=option))
        return CORSConfigError(unique.values())


def origin_names(
    options: dict[str, Any], location: Location = (), shown: str = ""
) -> dict[Location, str]:
    """Fold ``origin_regexes`` into ``origins`` in place; return the user's name for each origin.

    Args:
        options: One scope's converted settings (the top level, or one resource).
        location: Where the scope is among the middleware's arguments, such as
            ``("resources", "/api/*")``.
        shown: How the user names the scope, such as ``"resources[1]."``.
    """
    regexes: Sequence[re.Pattern[str]] = options.pop("origin_regexes", ())
    origins = options.get("origins")
    listed: tuple[object, ...] = (
        () if origins is None else (origins,) if isinstance(origins, str) else tuple(origins)
    )
    names: dict[Location, str] = {}
    if isinstance(origins, str) and not regexes:
        return names
    for index in range(len(listed)):
        names[(*location, "origins", index)] = f"{shown}origins[{index}]"
    for index in range(len(regexes)):
        names[(*location, "origins", len(listed) + index)] = f"{shown}origin_regexes[{index}]"
    if regexes:
        options["origins"] = (*listed, *regexes)
    return names


def parse_settings(settings: Mapping[str, str], *, where: str = "") -> dict[str, Any]:
    """Turn string settings into validated :class:`~corsware.CORSMiddleware` keyword arguments.

    ``origin_regexes`` are appended to ``origins``; ``paths`` becomes ``resources``, every path with
    the same policy. The result is checked by building the middleware once, so a returned dict always
    constructs one.

    Args:
        settings: Setting key to text, such as a PasteDeploy section's local settings.
        where: Where the settings were written, put before every problem's location, such as
            ``"paste.ini [filter:cors]"``.

    Raises:
        CORSConfigError: listing every problem, each named by its setting key.
    """
    options: dict[str, Any] = {}
    problems: list[ConfigProblem] = []
    for key, text in settings.items():
        try:
            options[key] = parse_setting(key, text)
        except CORSConfigError as error:
            problems.extend(error.problems)
    names = origin_names(options)
    paths: tuple[str, ...] = options.pop("paths", ())
    if paths:
        options["resources"] = {path: {} for path in paths}
        names.update({("resources", path): f"paths[{index}]" for index, path in enumerate(paths)})
    check_options(options, Names(where, names), problems)
    return options


def check_options(
    options: Mapping[str, Any], names: Names, earlier: Sequence[ConfigProblem] = ()
) -> None:
    """Compile ``options`` once and report its problems in the user's words.

    Args:
        options: CORSMiddleware keyword arguments, built from the settings that could be read.
        names: The user's names for the places in them.
        earlier: Problems found while reading the settings, already named as the user wrote them;
            reported first, so that one error lists everything.

    Raises:
        CORSConfigError: if there is any problem.
    """
    problems = [dataclasses.replace(p, option=names.prefixed(p.option)) for p in earlier]
    options = dict(options)
    resources = options.pop("resources", None)
    try:
        compile_configuration(resources, options)
    except CORSConfigError as error:
        problems.extend(names.relocate(error).problems)
    if problems:
        raise CORSConfigError(problems)
