"""Configuration errors: one exception that lists every problem of a config at once."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["CORSConfigError", "CORSConfigWarning", "ConfigProblem", "closest_name"]


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    """One thing wrong with a configuration.

    Attributes:
        code: A stable identifier from the README's error catalogue, such as ``"CORS-E003"``.
        option: Where the problem is, such as ``"origins[1]"`` or ``"resources['/api/*'].methods"``.
        value: The offending value, exactly as given.
        message: What is wrong with it.
        fix: What to write instead.
    """

    code: str
    option: str
    value: object
    message: str
    fix: str

    def __str__(self) -> str:
        """One line: where, what was given, what is wrong, how to fix it, and the code."""
        return f"{self.option} = {self.value!r}: {self.message}. Fix: {self.fix} [{self.code}]"

    def within(self, prefix: str) -> ConfigProblem:
        """The same problem, located inside ``prefix`` (a resource or a config file key)."""
        return ConfigProblem(self.code, f"{prefix}.{self.option}", self.value, self.message, self.fix)


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

    Raised through :mod:`warnings` at construction, such as for a ``max_age`` longer than any
    browser caches a preflight. Turn it into an error with ``-W error::corsware.CORSConfigWarning``.
    """


def closest_name(name: str, known: Iterable[str]) -> str:
    """A fix suggestion for a misspelt option ``name``: the nearest of ``known``, or all of them."""
    known = sorted(known)
    matches = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if matches:
        return f"did you mean {matches[0]!r}?"
    return "use one of " + ", ".join(known)
