"""Terminal output: escaped, wrapped lines, coloured only where a person reads them.

Whatever a server sends (header values, bodies, URLs) is shown escaped, so that only printable
characters reach the terminal; text is wrapped to the terminal's width, never inside a quoted value
or a URL.
"""

from __future__ import annotations

import os
import re
import shutil
from typing import TextIO

__all__ = ["Printer", "printable", "wrap"]

_LIST_HEADERS = frozenset(
    [
        "access-control-allow-headers",
        "access-control-allow-methods",
        "access-control-expose-headers",
        "access-control-request-headers",
        "vary",
    ]
)
_LONGEST_SHOWN_VALUE = 500
_DEFAULT_WIDTH = 80
_NARROWEST = 40
# A word, or a quoted value or code with its spaces ('Allow-Origin: *', `f(a, b)`), kept whole.
_WORDS = re.compile(r"(?<!\S)'[^'\n]*'\S*|(?<!\S)`[^`\n]*`\S*|\S+")


def printable(text: str) -> str:
    r"""``text`` with every character that is not printable escaped, as Python writes it.

    Header values, bodies and URLs come from the server: a terminal escape sequence, a carriage
    return, another control character or a bidirectional override is shown as ``\x1b``,
    ``\r``, ``\u202e``, never sent to the terminal.
    """
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def _terminal_width(stream: TextIO) -> int:
    if not stream.isatty():
        return _DEFAULT_WIDTH
    return max(shutil.get_terminal_size((_DEFAULT_WIDTH, 24)).columns, _NARROWEST)


def wrap(text: str, width: int, *, indent: str = "", hanging: str = "  ") -> list[str]:
    """Fill ``text`` into lines of at most ``width`` columns, breaking only between words.

    A word (a URL, a header value) longer than a line stays whole on a line of its own; a quoted
    value keeps its spaces unless it is longer than a line.
    """
    words: list[str] = []
    for word in _WORDS.findall(text):
        if " " in word and len(hanging) + len(word) > width:
            words += word.split()
        else:
            words.append(word)
    lines: list[str] = []
    line = indent
    for word in words:
        if line.strip() and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = hanging + word
        else:
            line += (" " if line.strip() else "") + word
    lines.append(line)
    return lines


class Printer:
    """Writes escaped, wrapped lines to a stream, coloured only on a terminal.

    Colour is never used when ``NO_COLOR`` is set (https://no-color.org); the width is the
    terminal's (`shutil.get_terminal_size`), or 80 columns when the stream is not a terminal.
    """

    def __init__(self, out: TextIO) -> None:
        """Print to ``out``."""
        self.out = out
        self.colour = out.isatty() and not os.environ.get("NO_COLOR")
        self.width = _terminal_width(out)

    def style(self, text: str, code: str) -> str:
        """``text`` in the ANSI style ``code`` when colour is on."""
        return f"\033[{code}m{text}\033[0m" if self.colour else text

    def say(
        self, text: str = "", *, indent: str = "", hanging: str = "  ", lead: str = "", code: str = "2"
    ) -> None:
        """Print one paragraph; ``lead``, the words it starts with, in the style ``code``."""
        lines = wrap(printable(text), self.width, indent=indent, hanging=hanging)
        if lead:
            lines[0] = indent + self.style(lead, code) + lines[0][len(indent) + len(lead) :]
        for line in lines:
            print(line.rstrip(), file=self.out)

    def dim(self, text: str, *, indent: str, hanging: str) -> None:
        """Print one paragraph in the dim style."""
        for line in wrap(printable(text), self.width, indent=indent, hanging=hanging):
            print(self.style(line.rstrip(), "2"), file=self.out)

    def header(self, name: str, value: str, *, indent: str) -> None:
        """Print a header line; a long list value breaks after its commas, anything else never.

        A value of more than 500 characters is cut there, saying how much is left out.
        """
        if len(value) > _LONGEST_SHOWN_VALUE:
            left_out = len(value) - _LONGEST_SHOWN_VALUE
            value = f"{value[:_LONGEST_SHOWN_VALUE]}... ({left_out} more characters)"
        text = printable(f"{name}: {value}")
        if name.lower() not in _LIST_HEADERS or len(indent) + len(text) <= self.width:
            print(indent + text, file=self.out)
            return
        items = text.split(",")
        line = indent + items[0]
        for item in items[1:]:
            if len(line) + 1 + len(item) > self.width:
                print(line + ",", file=self.out)
                line = indent + "    " + item.strip()
            else:
                line += "," + item
        print(line, file=self.out)
