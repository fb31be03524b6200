"""Configuration errors: the catalogue of error codes, and one exception that lists every problem."""

from __future__ import annotations

import difflib
import inspect
import os
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeAlias

__all__ = [
    "CORSConfigError",
    "CORSConfigWarning",
    "ConfigProblem",
    "ErrorCode",
    "Location",
    "closest_name",
    "render_location",
    "warn",
]

_PACKAGE_DIRECTORY = os.path.dirname(__file__)


class ErrorCode(StrEnum):
    """Every code a :class:`ConfigProblem` can carry; the reference documents each one under its value.

    The codes are stable: a code keeps its meaning in every later version.
    """

    UNKNOWN_OPTION = "CORS-E001"
    """An option or setting name that does not exist; the closest known name is suggested."""
    WRONG_TYPE = "CORS-E002"
    """A value of the wrong type, or several values packed into one string."""
    INVALID_ORIGIN = "CORS-E003"
    """An origin string outside the grammar."""
    ANY_ORIGIN_WITH_CREDENTIALS = "CORS-E004"
    """Credentials with an origin policy that admits origins nobody owns."""
    INVALID_METHOD = "CORS-E005"
    """An invalid, forbidden or mis-cased method."""
    INVALID_HEADER = "CORS-E006"
    """An invalid or forbidden header name."""
    INVALID_MAX_AGE = "CORS-E007"
    """An invalid ``max_age``."""
    INVALID_RESOURCE = "CORS-E008"
    """An invalid resource pattern."""
    SHADOWED_RESOURCE = "CORS-E009"
    """A resource pattern that can never match, because an earlier one covers it."""
    WILDCARD_AMONG_VALUES = "CORS-E010"
    """``"*"`` listed beside other values, where it makes them meaningless."""
    EXPOSE_ALL_WITH_CREDENTIALS = "CORS-E011"
    """``expose_headers="*"`` with credentials, which browsers then read as a literal name."""
    INSECURE_ORIGIN_WITH_CREDENTIALS = "CORS-E012"
    """Credentials with a plain ``http://`` origin other than loopback."""
    PUBLIC_SUFFIX_WITH_CREDENTIALS = "CORS-E013"
    """Credentials with a ``*.`` wildcard on a public suffix, or on the parent of one."""
    UNREADABLE_FILE = "CORS-E020"
    """A configuration file that cannot be read, or is not valid TOML."""
    UNSAFE_PEER_SETTING = "CORS-E021"
    """A peer library's setting whose behaviour was unsafe, refused by the migration."""


Location: TypeAlias = tuple[str | int | re.Pattern[str], ...]
"""Where a problem is, as a path through :class:`~corsware.CORSMiddleware`'s arguments.

``("origins", 2)`` is the third item of ``origins``; ``("resources", "/api/*", "max_age")`` is the
``max_age`` of the resource ``"/api/*"`` (a compiled pattern is its own key).
"""


def render_location(location: Location, prefix: str = "") -> str:
    """A location as Python would reach it: ``resources['/api/*'].origins[2]``, after ``prefix``."""
    text = prefix
    previous: object = None
    for step in location:
        if isinstance(step, int):
            text += f"[{step}]"
        elif isinstance(step, re.Pattern):
            text += f"[{step.pattern!r}]"
        elif step.isidentifier() and previous != "resources":
            text += f".{step}" if text else step
        else:
            text += f"[{step!r}]"
        previous = step
    return text


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    """One thing wrong with a configuration.

    Attributes:
        code: The problem's stable code, such as ``ErrorCode.INVALID_ORIGIN`` (``"CORS-E003"``).
        option: Where the problem is, in the words of whoever wrote the configuration, such as
            ``"resources['/api/*'].origins[1]"`` or ``"corsware.toml: resources[2].methods[0]"``.
        value: The offending value, exactly as given.
        message: What is wrong with it.
        fix: What to write instead.
        location: Where the problem is as a structured :data:`Location` among the middleware's
            arguments, for front-ends (config files, migrations) to name in their own words;
            ``()`` for a problem of the front-end's own input.
    """

    code: ErrorCode
    option: str
    value: object
    message: str
    fix: str
    location: Location = ()

    @classmethod
    def at(
        cls, code: ErrorCode, location: Location, value: object, message: str, fix: str
    ) -> ConfigProblem:
        """A problem at ``location``, named as Python code reaches it."""
        return cls(code, render_location(location), value, message, fix, location)

    def __str__(self) -> str:
        """One line: where, what was given, what is wrong, how to fix it, and the code."""
        return f"{self.option} = {self.value!r}: {self.message}. Fix: {self.fix} [{self.code}]"


class CORSConfigError(ValueError):
    """A CORS configuration is invalid or unsafe.

    Raised once per configuration, listing every problem found, so that one run shows everything to
    fix. ``problems`` holds them as :class:`ConfigProblem` values.
    """

    def __init__(self, problems: Iterable[ConfigProblem]) -> None:
        """Collect ``problems`` (at least one) into one error."""
        self.problems: tuple[ConfigProblem, ...] = tuple(problems)
        count = len(self.problems)
        heading = f"invalid CORS configuration ({count} problem{'s' if count != 1 else ''}):"
        super().__init__("\n".join([heading, *(f"  - {problem}" for problem in self.problems)]))


class CORSConfigWarning(UserWarning):
    """A configuration that works but probably does not do what its author expects.

    Raised through :mod:`warnings` when the middleware is built, such as for a ``max_age`` longer
    than any browser caches a preflight. Turn it into an error with
    ``-W error::corsware.CORSConfigWarning``.
    """


def closest_name(name: str, known: Iterable[str]) -> str:
    """A fix suggestion for a misspelt option ``name``: the nearest of ``known``, or all of them."""
    known = sorted(known)
    matches = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if matches:
        return f"did you mean {matches[0]!r}?"
    return "use one of " + ", ".join(known)


def warn(message: str) -> None:
    """Issue a :class:`CORSConfigWarning` pointing at the user's line that built the configuration."""
    # The first frame outside corsware (and outside generated code such as a dataclass __init__,
    # whose file is "<string>") is the line to blame.
    level, frame = 1, inspect.currentframe()
    while frame is not None and frame.f_code.co_filename.startswith((_PACKAGE_DIRECTORY, "<")):
        level, frame = level + 1, frame.f_back
    warnings.warn(message, CORSConfigWarning, stacklevel=level)
