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

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from corsware.errors import ConfigProblem, CORSConfigError, closest_name
from corsware.middleware import CORSMiddleware

__all__ = [
    "POLICY_SETTINGS",
    "SETTING_NAMES",
    "Scope",
    "SettingsLayout",
    "check_options",
    "compile_origin_regexes",
    "compile_regex",
    "merge_origins",
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
)
"""Settings that describe one policy, in documentation order; ``paths`` is the only other setting."""

SETTING_NAMES: Final = frozenset({*POLICY_SETTINGS, "paths"})
"""Every key :func:`parse_settings` accepts."""

# Codes from the README's error catalogue: E001 unknown name, E002 a value of the wrong shape.
_UNKNOWN: Final = "CORS-E001"
_MALFORMED: Final = "CORS-E002"


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
    code: str = _MALFORMED,
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
class Scope:
    """One place options were written: the top level of a config, or one of its resources.

    Attributes:
        shown: How the user names it, such as ``"resources[2]"``; ``""`` for the top level.
        pattern_key: How the user names its path pattern, such as ``"resources[2].path"``.
        own: The options it sets itself; the others are inherited from the top level.
        origin_names: The user's full name for each item of its ``origins``, such as
            ``("resources[1].origins[0]", "resources[1].origin_regexes[0]")``.
        renames: The user's names for options named differently, such as
            ``{"allow_credentials": "CORS_ALLOW_CREDENTIALS"}``.
    """

    shown: str
    pattern_key: str
    own: frozenset[str]
    origin_names: Sequence[str] = ()
    renames: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SettingsLayout:
    """Where each CORSMiddleware option came from, to report its problems in the user's own words.

    The middleware names a problem by its option (``origins[3]``, ``resources['/api/*'].max_age``);
    the user wrote ``origin_regexes[1]`` or ``resources[2].max_age``, or set ``max_age`` at the top
    level and let the resource inherit it. A layout translates one into the other.

    Attributes:
        where: Prefix of every location, such as ``"paste.ini [filter:cors]"``; ``""`` for none.
        top: The top level.
        resources: Each resource keyed by the middleware's name for it, ``"resources['/api/*']"``.
    """

    where: str
    top: Scope
    resources: Mapping[str, Scope]

    def locate(self, option: str) -> str:
        """The user's name for a middleware option location."""
        scope, rest = self.top, option
        for name, resource in self.resources.items():
            if option == name or option.startswith(f"{name}."):
                scope, rest = resource, option[len(name) + 1 :]
                break
        if not rest:
            return self.prefixed(scope.pattern_key)
        # A resource's own origin names are complete where it has them; otherwise it inherited.
        origin_names = scope.origin_names or self.top.origin_names
        if scope is not self.top and _option_name(rest) not in scope.own:
            scope = self.top
        match = re.fullmatch(r"origins\[(\d+)\](.*)", rest)
        if match is not None and int(match[1]) < len(origin_names):
            return self.prefixed(origin_names[int(match[1])] + match[2])
        name = _option_name(rest)
        rest = scope.renames.get(name, name) + rest[len(name) :]
        return self.prefixed(f"{scope.shown}.{rest}" if scope.shown else rest)

    def prefixed(self, located: str) -> str:
        """``located`` after :attr:`where`."""
        return f"{self.where}: {located}" if self.where else located

    def relocate(self, error: CORSConfigError) -> CORSConfigError:
        """The same error with every problem named as the user wrote it, each reported once."""
        unique: dict[tuple[str, str, str, str], ConfigProblem] = {}
        for problem in error.problems:
            option = self.locate(problem.option)
            key = (problem.code, option, repr(problem.value), problem.message)
            unique.setdefault(
                key, ConfigProblem(problem.code, option, problem.value, problem.message, problem.fix)
            )
        return CORSConfigError(unique.values())


def _option_name(location: str) -> str:
    return location.split(".", 1)[0].split("[", 1)[0]


def merge_origins(options: dict[str, Any], prefix: str = "") -> tuple[str, ...]:
    """Fold ``origin_regexes`` into ``origins`` in place; return the user's name for each origin.

    ``prefix`` goes before each name, such as ``"resources[1]."``.
    """
    regexes: Sequence[re.Pattern[str]] = options.pop("origin_regexes", ())
    origins = options.get("origins")
    if isinstance(origins, str):
        names: tuple[str, ...] = (f"{prefix}origins",)
        listed: tuple[object, ...] = (origins,)
    else:
        listed = () if origins is None else tuple(origins)
        names = tuple(f"{prefix}origins[{index}]" for index in range(len(listed)))
    if regexes:
        options["origins"] = (*listed, *regexes)
    return (*names, *(f"{prefix}origin_regexes[{index}]" for index in range(len(regexes))))


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
    top = Scope("", "", frozenset(POLICY_SETTINGS), merge_origins(options))
    paths: tuple[str, ...] = options.pop("paths", ())
    resources = {}
    if paths:
        options["resources"] = {path: {} for path in paths}
        resources = {
            f"resources[{path!r}]": Scope("", f"paths[{index}]", frozenset())
            for index, path in enumerate(paths)
        }
    check_options(options, SettingsLayout(where, top, resources), problems)
    return options


def check_options(
    options: Mapping[str, Any], layout: SettingsLayout, earlier: Sequence[ConfigProblem] = ()
) -> None:
    """Build the middleware once from ``options`` and report its problems through ``layout``.

    Args:
        options: CORSMiddleware keyword arguments, built from the settings that could be read.
        layout: Where each option came from.
        earlier: Problems found while reading the settings, already named as the user wrote them;
            reported first, so that one error lists everything.

    Raises:
        CORSConfigError: if there is any problem.
    """
    problems = [
        ConfigProblem(p.code, layout.prefixed(p.option), p.value, p.message, p.fix) for p in earlier
    ]
    try:
        CORSMiddleware(_never_called, **options)
    except CORSConfigError as error:
        problems.extend(layout.relocate(error).problems)
    if problems:
        raise CORSConfigError(problems)


def _never_called(environ: object, start_response: object) -> Iterable[bytes]:  # pragma: no cover
    raise AssertionError("built only to validate options")
