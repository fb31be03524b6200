"""flask-cors resources as corsware's: the order flask-cors tried them in, and their paths.

Also how flask-cors read a pattern, which its options share: a string with any of the characters
below was a regular expression, and a setting took one value or a list of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

from corsware.errors import ConfigProblem, ErrorCode
from corsware.migrate.common import prefix_regex, unsafe, wrong_type
from corsware.resources import parse_path_pattern, shown_pattern
from corsware.textconfig import compile_regex

__all__ = [
    "INVALID_REGEX",
    "answered_by_earlier",
    "corsware_path",
    "factored",
    "one_or_many",
    "ordered_resources",
    "reads_as_regex",
]

# Characters that make flask-cors treat a string as a regular expression rather than a literal.
_FLASK_REGEX_HINTS: Final = frozenset("*\\]?$^[()")
# A flask-cors path regex like "/api/*": a literal path, then "zero or more slashes".
_FLASK_SLASH_STAR: Final = re.compile(r"((?:/[^*\\\]?$^\[().+|{}]+)*)/\*")

INVALID_REGEX: Final = "is read by flask-cors as a regular expression, and is not valid"
"""The problem for a pattern flask-cors read as a regular expression that does not compile."""


def reads_as_regex(text: str) -> bool:
    """Whether flask-cors read this origin, header or path string as a regular expression."""
    return not _FLASK_REGEX_HINTS.isdisjoint(text)


def one_or_many(value: object) -> list[Any] | None:
    """A peer's "one or many" value as a list, or None if it is neither."""
    if isinstance(value, str | re.Pattern):
        return [value]
    if isinstance(value, Iterable):
        return list(value)
    return None


def ordered_resources(
    value: object, name: str, problems: list[ConfigProblem]
) -> list[tuple[str | re.Pattern[str], Mapping[str, object]]]:
    """flask-cors' resources in the order it tries them."""
    if isinstance(value, Mapping):
        pairs = [(_flask_star(pattern), own) for pattern, own in value.items()]
        bad = [(pattern, own) for pattern, own in pairs if not isinstance(own, Mapping)]
        problems.extend(
            wrong_type(f"{name}[{shown_pattern(pattern)!r}]", own, "a dict of options")
            for pattern, own in bad
        )
        # flask-cors 6.0.1+: literal paths first, then compiled regexes, then regex strings; more
        # slashes first, then longer patterns; ties keep their order.
        return sorted(
            ((pattern, own) for pattern, own in pairs if isinstance(own, Mapping)),
            key=lambda pair: _flask_precedence(pair[0]),
        )
    items = one_or_many(value)
    if items is None:
        problems.append(wrong_type(name, value, "a path pattern, a list of them or a dict"))
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
    regex = reads_as_regex(text)
    return (int(regex), int(regex), -text.count("/"), -len(text))


def corsware_path(
    pattern: object, shown: str, problems: list[ConfigProblem]
) -> str | re.Pattern[str] | None:
    """A flask-cors resource pattern as a corsware one matching the same paths."""
    if isinstance(pattern, str):
        if not reads_as_regex(pattern):
            return pattern  # a literal: flask-cors compared it with ==
        if pattern in {".*", "/.*"}:
            return "/*"
        slash_star = _FLASK_SLASH_STAR.fullmatch(pattern)
        if slash_star is not None:
            # The deliberate difference: as a regex this was a prefix, so "/api/*" covered /apiary.
            return f"{slash_star[1]}/*"
        regex = compile_regex(
            pattern,
            shown,
            problems,
            code=ErrorCode.INVALID_RESOURCE,
            invalid=INVALID_REGEX,
            fix="correct it, or remove it",
        )
        return None if regex is None else prefix_regex(regex)
    if isinstance(pattern, re.Pattern) and isinstance(pattern.pattern, str):
        return prefix_regex(pattern)
    problems.append(wrong_type(shown, pattern, "a path string or a compiled str pattern"))
    return None


def factored(entries: Mapping[str | re.Pattern[str], Mapping[str, Any]]) -> dict[str, Any]:
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


def answered_by_earlier(
    entries: Mapping[str | re.Pattern[str], Mapping[str, Any]],
    originals: Mapping[str | re.Pattern[str], tuple[str, object]],
) -> list[ConfigProblem]:
    """Resources whose paths flask-cors answered with an earlier resource's options (CVE-2024-6839).

    flask-cors tries resources sorted by kind, slash count and length, not as written, so a broad
    regex can come first and answer for a specific path. corsware itself refuses a string pattern
    shadowed by another; this looks for the cases with a regex, through a sample path of each
    resource: best effort, since no sample is found for some regexes.
    """
    problems: list[ConfigProblem] = []
    ordered = list(entries.items())
    for index, (pattern, policy) in enumerate(ordered):
        sample = _sample_path(pattern)
        for earlier, earlier_policy in ordered[:index]:
            if (
                sample is None
                or earlier_policy == policy
                or all(isinstance(each, str) for each in (earlier, pattern))
            ):
                continue
            if _covers(earlier, sample):
                shown, written = originals[pattern]
                problems.append(
                    unsafe(
                        shown,
                        shown_pattern(written),
                        f"never applied to paths such as {sample!r}: flask-cors sorts resources by "
                        f"kind, slashes and length and tried {originals[earlier][0]} first, so its "
                        "options answered instead (CVE-2024-6839)",
                        "narrow the earlier pattern to leave these paths out, or configure corsware "
                        "directly, where resources are tried in the order you write them",
                    )
                )
                break
    return problems


def _sample_path(pattern: str | re.Pattern[str]) -> str | None:
    """A path the resource pattern matches, if one is easily found."""
    if isinstance(pattern, str):
        return pattern.removesuffix("*") + "x" if pattern.endswith("/*") else pattern
    prefix = re.match(r"\^?((?:[\w/\-~%]|\\[^\w])*)", pattern.pattern)[1]  # type: ignore[index]
    prefix = re.sub(r"\\(.)", r"\1", prefix)
    return next((path for path in (prefix, prefix + "x") if pattern.fullmatch(path)), None)


def _covers(pattern: str | re.Pattern[str], path: str) -> bool:
    if isinstance(pattern, re.Pattern):
        return pattern.fullmatch(path) is not None
    parsed = parse_path_pattern(pattern)
    if isinstance(parsed, tuple):
        return False  # the policy reports it
    return path == parsed.base or (parsed.prefix and path.startswith(parsed.base + "/"))
