"""The documentation's Markdown as the tests read it: fenced blocks, their markers, and sections.

The framework snippets and server commands the tests run live on the documentation's pages
(``docs/<page>.md``) and in ``README.md``; a test names a page and the heading of the section that
holds what it runs, so that moving prose around a snippet never changes what is tested.
"""

from __future__ import annotations

import re
import shlex
import textwrap
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCS = ROOT / "docs"

CLONE_SECTION = "From a clone of the repository"
"""The section of the gunicorn and waitress pages whose commands serve the repository's examples."""
YOUR_APP_SECTION = "Your app"
"""The section of the gunicorn and waitress pages whose commands serve a user's own module."""

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\s`]*)[^\n`]*$")
HEADING = re.compile(r"^(?P<level>#{1,6})[ \t]+(?P<text>.*?)(?:[ \t]+\{[^}]*\})?[ \t]*$")
MARKER = re.compile(r"^[ \t]*<!--[ \t]*(?P<marker>.*?)[ \t]*-->[ \t]*$")


@dataclass(frozen=True, slots=True)
class Block:
    """One fenced code block of a page.

    Attributes:
        page: The file it is in.
        line: The line number of its opening fence (1-based).
        language: The first word of its info string (``python``, ``sh``...), or ``""``.
        code: Its text, without the fences and the indentation of the opening fence.
        marker: The HTML comment on the line just before it (``illustrative``, ``output``,
            ``file: NAME``), or ``None``.
        section: The text of the nearest heading above it.
    """

    page: Path
    line: int
    language: str
    code: str
    marker: str | None
    section: str

    @property
    def where(self) -> str:
        """``docs/flask.md:12``, for messages and tracebacks."""
        return f"{self.page.relative_to(ROOT)}:{self.line}"

    @property
    def file_name(self) -> str | None:
        """The ``NAME`` of a ``<!-- file: NAME -->`` marker."""
        if self.marker is None or not self.marker.startswith("file:"):
            return None
        return self.marker.removeprefix("file:").strip()


def page_file(page: str) -> Path:
    """``README`` is the README; any other name is ``docs/<page>.md``."""
    return README if page == "README" else DOCS / f"{page}.md"


def blocks(path: Path) -> list[Block]:
    """Every fenced code block of the Markdown file ``path``, in order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    section = ""
    index = 0
    while index < len(lines):
        heading = HEADING.match(lines[index])
        if heading is not None:
            section = heading.group("text")
        opening = FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        indent, fence = opening.group("indent"), opening.group("fence")
        closing = re.compile(rf"^{re.escape(indent)}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        end = next((at for at in range(index + 1, len(lines)) if closing.match(lines[at])), len(lines))
        body = "\n".join(line.removeprefix(indent) for line in lines[index + 1 : end])
        previous = next((line for line in reversed(lines[:index]) if line.strip()), "")
        marker = MARKER.match(previous)
        found.append(
            Block(
                page=path,
                line=index + 1,
                language=opening.group("info").lower(),
                code=textwrap.dedent(body) + "\n" if body else "",
                marker=None if marker is None else marker.group("marker"),
                section=section,
            )
        )
        index = end + 1
    return found


def code_blocks(page: str, heading: str, language: str) -> list[Block]:
    """The blocks in ``language`` under the heading ``heading`` of ``page``.

    A block is under the nearest heading above it, whatever its level; the heading is compared as
    written in the Markdown source, without its ``{ #anchor }``.
    """
    path = page_file(page)
    found = [block for block in blocks(path) if block.section == heading]
    assert found, f"{path.relative_to(ROOT)} has no code under a heading {heading!r}"
    return [block for block in found if block.language == language]


def python_snippet(page: str, heading: str) -> str:
    """The one Python block under ``heading`` of ``page``."""
    [snippet] = code_blocks(page, heading, "python")
    return snippet.code


def file_block(page: str, name: str) -> str:
    """The text of the block of ``page`` marked ``<!-- file: name -->``."""
    [block] = [block for block in blocks(page_file(page)) if block.file_name == name]
    return block.code


def commands(page: str, heading: str = CLONE_SECTION) -> list[list[str]]:
    """The shell commands under ``heading`` of ``page``, one per line, split as a shell would.

    Without a heading, those of the section that serves the repository's own examples.
    """
    return [
        shlex.split(line)
        for block in code_blocks(page, heading, "sh")
        for line in block.code.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
