r"""TOML config files: one function turns a file into ready CORSMiddleware keyword arguments.

The file holds the policy options at the top level and, optionally, an ordered list of resources
that override them for some paths::

    origins = ["https://app.example.com", "http://localhost:*"]
    allow_credentials = true

    [[resources]]
    path = "/api/*"
    methods = ["GET", "POST", "PUT"]

    [[resources]]
    path_regex = '/v[0-9]+/reports/.*'
    origin_regexes = ['https://[a-z0-9-]+\.preview\.example\.com']

Regular expressions are never guessed from their characters: they live only under the keys
``origin_regexes`` and ``path_regex``, and must match the whole origin or path. A string where the
option takes a list or a number is read by :mod:`corsware.textconfig`, as an INI setting would be.

.. versionadded:: 0.1
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from collections.abc import Mapping
from typing import Any, Final

from corsware.errors import ConfigProblem, CORSConfigError, ErrorCode, Location, closest_name
from corsware.policy import OPTION_NAMES
from corsware.resources import pattern_text
from corsware.textconfig import (
    POLICY_SETTINGS,
    Names,
    check_options,
    compile_origin_regexes,
    compile_regex,
    origin_names,
    parse_setting,
)

__all__ = ["load_config"]

_TOP_LEVEL_KEYS: Final = frozenset({*POLICY_SETTINGS, "resources"})
_PATH_KEYS: Final = ("path", "path_regex")
_RESOURCE_KEYS: Final = frozenset({*POLICY_SETTINGS, *_PATH_KEYS})


def load_config(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a corsware TOML file and return the keyword arguments of :class:`~corsware.CORSMiddleware`.

    The options are validated by building the middleware once, so
    ``CORSMiddleware(app, **load_config(path))`` cannot fail.

    Args:
        path: The TOML file, such as ``"corsware.toml"``.

    Returns:
        ``origins`` (with ``origin_regexes`` compiled and appended), the other policy options, and
        ``resources`` in the file's order when it has ``[[resources]]`` tables.

    Raises:
        CORSConfigError: listing every problem. Each is located as ``"<file>: <key>"``, such as
            ``"corsware.toml: resources[1].methods[0]"``; an unreadable file or invalid TOML is one
            problem located at the file.
    """
    where = os.fspath(path)
    document = _read(where)
    problems: list[ConfigProblem] = []
    options = _policy_options(document, "", _TOP_LEVEL_KEYS, problems)
    names = origin_names(options)
    resources: dict[str | re.Pattern[str], dict[str, Any]] = {}
    tables = document.get("resources")
    if tables is not None:
        if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
            problems.append(
                ConfigProblem(
                    ErrorCode.WRONG_TYPE,
                    "resources",
                    tables,
                    "must be an array of tables",
                    "write each resource as a [[resources]] table with a path = '/api/*' line",
                )
            )
        else:
            for index, table in enumerate(tables):
                _add_resource(index, table, resources, names, problems)
    if tables is not None:
        options["resources"] = resources
    check_options(options, Names(where, names), problems)
    return options


def _read(where: str) -> dict[str, Any]:
    try:
        with open(where, "rb") as file:
            return tomllib.load(file)
    except OSError as error:
        reason, message = error.strerror or str(error), "cannot be read"
        fix = "check the path; a relative path starts at the current directory"
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        reason, message = str(error), "is not valid TOML"
        fix = "correct the syntax: strings need quotes; write regular expressions in 'single quotes'"
    raise CORSConfigError([ConfigProblem(ErrorCode.UNREADABLE_FILE, where, reason, message, fix)])


def _policy_options(
    table: Mapping[str, Any], prefix: str, known: frozenset[str], problems: list[ConfigProblem]
) -> dict[str, Any]:
    """The policy options of one table, converted; problems are located under ``prefix``."""
    options: dict[str, Any] = {}
    for key, value in table.items():
        located = f"{prefix}{key}"
        if key not in known:
            problems.append(
                ConfigProblem(
                    ErrorCode.UNKNOWN_OPTION,
                    located,
                    value,
                    "is not a corsware key",
                    closest_name(key, known),
                )
            )
        elif key in POLICY_SETTINGS:
            try:
                options[key] = _convert(key, value)
            except CORSConfigError as error:
                problems.extend(dataclasses.replace(p, option=prefix + p.option) for p in error.problems)
    return options


def _convert(key: str, value: object) -> object:
    if isinstance(value, str):
        return parse_setting(key, value)
    if key == "origin_regexes":
        if not isinstance(value, list):
            raise CORSConfigError(
                [
                    ConfigProblem(
                        ErrorCode.WRONG_TYPE,
                        key,
                        value,
                        f"has the wrong type {type(value).__name__}",
                        "write a list of strings, such as ['https://[a-z]+\\.example\\.com']",
                    )
                ]
            )
        return compile_origin_regexes(key, value)
    # A TOML array is a list; the policy takes any iterable and reports each bad item itself.
    return tuple(value) if isinstance(value, list) else value


def _add_resource(
    index: int,
    table: dict[str, Any],
    resources: dict[str | re.Pattern[str], dict[str, Any]],
    names: dict[Location, str],
    problems: list[ConfigProblem],
) -> None:
    shown = f"resources[{index}]"
    options = _policy_options(table, f"{shown}.", _RESOURCE_KEYS, problems)
    given = [key for key in _PATH_KEYS if key in table]
    if len(given) != 1:
        problems.append(
            ConfigProblem(
                ErrorCode.INVALID_RESOURCE,
                shown,
                {key: table[key] for key in given},
                "needs exactly one of path and path_regex",
                "write path = '/api/*' (a path and everything below it), path = '/exact', or "
                "path_regex = '...' for a regular expression matched against the whole path",
            )
        )
        return
    key = given[0]
    pattern = _pattern(key, table[key], f"{shown}.{key}", problems)
    if pattern is None:
        return
    location: Location = ("resources", pattern)
    if location in names:
        problems.append(
            ConfigProblem(
                ErrorCode.SHADOWED_RESOURCE,
                f"{shown}.{key}",
                pattern_text(pattern),
                f"repeats the pattern of {names[location]}, so it can never match",
                "merge the two resources into one",
            )
        )
        return
    names[location] = f"{shown}.{key}"
    names.update({(*location, option): f"{shown}.{option}" for option in OPTION_NAMES})
    names.update(origin_names(options, location, f"{shown}."))
    resources[pattern] = options


def _pattern(
    key: str, value: object, located: str, problems: list[ConfigProblem]
) -> str | re.Pattern[str] | None:
    if not isinstance(value, str):
        problems.append(
            ConfigProblem(
                ErrorCode.INVALID_RESOURCE,
                located,
                value,
                f"has the wrong type {type(value).__name__}",
                "write a string",
            )
        )
        return None
    if key == "path":
        return value
    return compile_regex(
        value,
        located,
        problems,
        code=ErrorCode.INVALID_RESOURCE,
        fix="correct it; it must match the whole path, such as '/v[0-9]+/reports/.*'",
    )
