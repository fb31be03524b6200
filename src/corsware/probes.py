r"""Probes: origins an attacker can own, tried against a credentialed origin regex before it is trusted.

A regex such as ``https://.*example\.com`` or ``https://app.example.com`` (dots unescaped) looks
anchored to one domain but also matches ``https://evilexample.com`` or ``https://appxexample.com``,
which anyone can register. corsware cannot decide in general what a regex matches, so it asks the
regex about origins built from the regex itself:

1. a few origins on ``.invalid`` names, which nobody can own (RFC 2606), catch the catch-alls
   (``https://.*``, ``https?://[^/]+``);
2. for each sample origin the regex matches (made by reading the pattern: one choice per
   alternative, a representative character per class, one and zero repeats per ``*``), the sample's
   registrable domain with other letters glued before it (``.*example\.com``), the sample with
   another domain appended (``example\.com.*``), and the sample with one dot replaced by a letter,
   where that changes the registrable domain (unescaped dots);
3. the sample with ``http`` for ``https``, to catch ``https?://`` on a domain that is not loopback.

What this does not catch: regexes whose shape the sampler does not read (look-arounds,
back-references, conditionals), and over-broad alternatives deeper than the first sixteen samples.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Final

from corsware.hosts import ends_in_a_number, is_loopback_host
from corsware.origins import split_origin
from corsware.publicsuffix import registrable_domain

__all__ = ["INVALID_PROBES", "Catch", "catch_unowned"]

INVALID_PROBES: Final = (
    "https://corsware-probe.invalid",
    "http://corsware-probe.invalid:8080",
    "https://a.b.corsware-probe.invalid",
)
"""Origins on a name reserved never to exist: no regex tied to your own domain matches them."""

_MAX_SAMPLES: Final = 16
_GLUED: Final = "corswareprobe"
_APPENDED: Final = (".corsware-probe.invalid", "-corsware-probe.invalid")


@dataclass(frozen=True, slots=True)
class Catch:
    """An origin a regex matches that its author cannot own.

    Attributes:
        origin: The origin, such as ``"https://corswareprobeexample.com"``.
        insecure: True when the catch is the plain-http form of an https origin the regex allows.
    """

    origin: str
    insecure: bool = False


class _UnreadError(Exception):
    """The pattern uses syntax the sampler does not read."""


class _Sampler:
    """Reads a regex pattern into a few strings it should match (checked afterwards)."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.index = 0

    def peek(self) -> str:
        return self.pattern[self.index] if self.index < len(self.pattern) else ""

    def take(self) -> str:
        char = self.peek()
        self.index += 1
        return char

    def alternatives(self) -> list[str]:
        branches = [self.sequence()]
        while self.peek() == "|":
            self.index += 1
            branches.append(self.sequence())
        return list(itertools.chain.from_iterable(branches))[:_MAX_SAMPLES]

    def sequence(self) -> list[str]:
        results = [""]
        while self.peek() not in ("", "|", ")"):
            choices, wildcard = self.atom()
            choices = self.repeated(choices, wildcard)
            results = [a + b for a, b in itertools.product(results, choices)][:_MAX_SAMPLES]
        return results

    def atom(self) -> tuple[list[str], bool]:
        char = self.take()
        if char == "(":
            if self.peek() == "?":
                self.group_prefix()
            inner = self.alternatives()
            self.index += 1  # the ")" that closes the group (the regex compiled, so it is there)
            return inner, False
        if char == "[":
            return [self.character_class()], False
        if char == ".":
            return ["."], True
        if char == "\\":
            return [self.escape()], False
        if char in "^$":
            return [""], False
        return [char], False

    def group_prefix(self) -> None:
        match = re.compile(r"\?(?::|P<\w+>|[aiLmsux]+:)").match(self.pattern, self.index)
        if match is None:  # look-arounds, conditionals, comments: not read
            raise _UnreadError
        self.index = match.end()

    def escape(self) -> str:
        char = self.take()
        if char in "dD":
            return "1" if char == "d" else "a"
        if char in "wSW":
            return "a" if char != "W" else "-"
        if char in "AbBZ":
            return ""
        if char.isalnum():  # \s, \x41, back-references: not read
            raise _UnreadError
        return char

    def character_class(self) -> str:
        negated = self.peek() == "^"
        self.index += negated
        members: set[str] = set()
        first = True
        while first or self.peek() != "]":
            first = False
            char = self.take()
            if char == "\\":
                char = self.escape()
            if self.peek() == "-" and self.pattern[self.index + 1 : self.index + 2] not in ("]", ""):
                self.index += 1
                end = self.take()
                members.update(chr(code) for code in range(ord(char), ord(end) + 1))
            else:
                members.add(char)
        self.index += 1
        for candidate in "a0-":
            if (candidate in members) != negated:
                return candidate
        if negated:
            raise _UnreadError
        return min(members)

    def repeated(self, choices: list[str], wildcard: bool) -> list[str]:
        """Apply a quantifier: at least one repeat, and none too where the quantifier allows it."""
        char = self.peek()
        if char in ("*", "+", "?"):
            self.index += 1
            least = 0 if char in "*?" else 1
        elif char == "{":
            match = re.compile(r"\{(\d*)(,\d*)?\}").match(self.pattern, self.index)
            if match is None:
                return ["."] if wildcard else choices
            self.index = match.end()
            least = int(match[1] or 0)
        else:
            # An unquantified "." is, in an origin regex, nearly always a dot meant literally.
            return ["."] if wildcard else choices
        if self.peek() in ("?", "+"):  # lazy or possessive: the same strings
            self.index += 1
        if wildcard:
            choices = ["a"]
        once = [choice * max(least, 1) for choice in choices]
        return ([""] if least == 0 else []) + once


def samples(regex: re.Pattern[str]) -> list[str]:
    """Well-formed origins the regex fully matches, read from its pattern (an empty list if unread)."""
    if regex.flags & re.VERBOSE:
        return []
    try:
        texts = _Sampler(regex.pattern).alternatives()
    except _UnreadError:
        return []
    return [text for text in texts if split_origin(text) is not None and regex.fullmatch(text)]


def _strangers(origin: str) -> list[tuple[str, bool]]:
    """Origins near ``origin`` whose registrable domain is someone else's."""
    parts = split_origin(origin)
    assert parts is not None  # noqa: S101 - samples are well formed
    scheme, host, port = parts
    suffix = f":{port}" if port else ""
    found: list[tuple[str, bool]] = []
    if scheme == "https" and not is_loopback_host(host):
        found.append((f"http://{host}{suffix}", True))
    if host[0] == "[" or ends_in_a_number(host):
        return found
    domain = registrable_domain(host.removesuffix("."))
    if domain is None:
        return found
    found.append((f"{scheme}://{_GLUED}{domain}{suffix}", False))
    found.extend((f"{scheme}://{host}{appended}{suffix}", False) for appended in _APPENDED)
    for index, char in enumerate(host):
        if char == ".":
            changed = host[:index] + "x" + host[index + 1 :]
            if registrable_domain(changed.removesuffix(".")) != domain:
                found.append((f"{scheme}://{changed}{suffix}", False))
    return found


def catch_unowned(regex: re.Pattern[str]) -> Catch | None:
    """The first origin ``regex`` matches that its author cannot own, or ``None``.

    A plain-http catch is reported only for hosts that are not loopback (``http://localhost:3000`` is
    fine with credentials).
    """
    for origin in INVALID_PROBES:
        if regex.fullmatch(origin):
            return Catch(origin)
    for sample in samples(regex):
        for origin, insecure in _strangers(sample):
            if regex.fullmatch(origin) and split_origin(origin) is not None:
                return Catch(origin, insecure)
    return None
