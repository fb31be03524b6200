r"""What both migrations share: a peer's ``re.match`` regex judged under corsware's ``fullmatch``.

An origin regex is converted only when it is provably end-anchored; a path regex keeps its prefix
meaning. Also the problems both migrations report.
"""

from __future__ import annotations

import re
from typing import Any

from corsware.errors import ConfigProblem, ErrorCode
from corsware.origins import parse_origin_pattern
from corsware.textconfig import compile_regex

__all__ = [
    "is_end_anchored",
    "origin_regex",
    "peer_regex",
    "prefix_regex",
    "unsafe",
    "wrong_type",
]

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


def is_end_anchored(regex: re.Pattern[str]) -> bool:
    r"""Whether every alternative of ``regex`` ends in ``$`` or ``\Z``, so a match ends at the end.

    Then ``regex.match(s)`` and ``regex.fullmatch(s)`` agree for every ``s`` without a newline.
    Verbose patterns are not analysed and count as not anchored.
    """
    if regex.flags & re.VERBOSE:
        return False
    branches, _ = _branches(regex.pattern, 0)
    return _all_end_anchored(branches)


def prefix_regex(regex: re.Pattern[str]) -> re.Pattern[str]:
    """A regex whose ``fullmatch`` is exactly ``regex.match`` (a prefix match), for paths."""
    if is_end_anchored(regex):
        return regex
    # Leading inline flags are already in regex.flags, and may not stay inside a group.
    text = re.sub(r"\A\(\?[aiLmsux]+\)", "", regex.pattern)
    if regex.flags & re.VERBOSE:
        # Not analysed (a "#" starts a comment, which would swallow whatever follows it on its
        # line): a newline ends any comment, and verbose mode ignores the newline itself.
        return re.compile(f"(?:{text}\n)(?s:.*)", regex.flags)
    branches, _ = _branches(text, 0)
    if len(branches) > 1:
        text = f"(?:{text})"
    elif [token for _, token in branches[0][-2:]] == [".", "*"]:
        text = text[:-2]
    # re.match lets anything follow, newlines included; (?s:...) keeps that without changing the
    # meaning of any "." the pattern itself has.
    return re.compile(f"{text}(?s:.*)", regex.flags)


def unsafe(option: str, value: object, message: str, fix: str) -> ConfigProblem:
    """A problem for peer behaviour corsware refuses to copy."""
    return ConfigProblem(ErrorCode.UNSAFE_PEER_SETTING, option, value, message, fix)


def origin_regex(
    regex: re.Pattern[str] | None, option: str, peer: str, problems: list[ConfigProblem]
) -> re.Pattern[str] | None:
    """A peer's origin regex if ``fullmatch`` provably agrees with its ``re.match``, else a refusal.

    ``peer`` names the library in the explanation; the refusal is appended to ``problems``. A
    ``regex`` of ``None`` (one that could not be read, already reported) stays ``None``.
    """
    if regex is None or is_end_anchored(regex):
        return regex
    pattern = parse_origin_pattern(regex.pattern)
    if isinstance(pattern, tuple):
        message = (
            f"is a regular expression that {peer} matched with re.match, which anchors only its "
            "start, so it also admits any origin that merely begins with a match, such as "
            "'https://app.example.com.attacker.test' for a pattern written for "
            "'https://app.example.com'"
        )
        fix = (
            "end the pattern with \\Z (or $) so that it must match the whole origin, or use a "
            "corsware pattern such as 'https://*.example.com'"
        )
    else:
        # Text such as "https://*.example.com" is also a corsware origin pattern, which means what it
        # looks like and the peer's regex never did: carrying it over would grant origins the peer
        # refused, and suggesting the same text back would not say what changes.
        star = "'*' repeats the character before it, " if "*" in regex.pattern else ""
        meaning = " and ".join(
            word
            for word, present in (
                ("any subdomain", pattern.any_subdomain),
                ("any port", pattern.any_port),
            )
            if present
        )
        message = (
            f"looks like a corsware origin pattern, but {peer} read it as a regular expression "
            f"matched with re.match: {star}'.' matches any character and anything may follow a "
            "match, so it never admitted just what it seems to name"
        )
        fix = (
            f"remove it from the {peer} settings and migrate; then add the origins it is meant for "
            "to the corsware configuration. Written there, the same text is a corsware "
            + (f"pattern ('*' standing for {meaning})" if meaning else "exact origin")
            + f", which does not admit the same origins as the {peer} regex did, so the migration "
            "does not carry it over"
        )
    problems.append(unsafe(option, regex.pattern, message, fix))
    return None


def peer_regex(
    item: object,
    option: str,
    problems: list[ConfigProblem],
    *,
    flags: int = 0,
    invalid: str = "is not a valid regular expression",
    fix: str = "correct it",
) -> re.Pattern[str] | None:
    """A peer's regex setting, a string or a compiled ``str`` pattern, compiled as the peer did.

    Returns ``None`` after appending a problem if it is of another type or does not compile.
    """
    if isinstance(item, re.Pattern) and isinstance(item.pattern, str):
        return item
    if isinstance(item, str):
        return compile_regex(item, option, problems, flags=flags, invalid=invalid, fix=fix)
    problems.append(wrong_type(option, item, "a string or a compiled str pattern"))
    return None


def wrong_type(option: str, value: object, expected: str) -> ConfigProblem:
    """A problem for a peer setting of the wrong type; ``expected`` says what to pass."""
    return ConfigProblem(
        ErrorCode.WRONG_TYPE,
        option,
        value,
        f"has the wrong type {type(value).__name__}",
        f"pass {expected}",
    )
