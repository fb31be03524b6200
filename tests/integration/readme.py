"""The README's framework and server snippets, read from its "Frameworks and servers" section."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
SECTION = re.compile(r"^## Frameworks and servers\n(.*?)(?=^## |\Z)", re.DOTALL | re.MULTILINE)
CODE = re.compile(r"^```(\w+)\n(.*?)^```$", re.DOTALL | re.MULTILINE)


def subsection(heading: str) -> str:
    """The text under ``### heading`` in the frameworks section, up to the next heading."""
    section = SECTION.search(README.read_text(encoding="utf-8"))
    assert section is not None, "README.md has no frameworks section"
    found = re.search(
        rf"^### {re.escape(heading)}\n(.*?)(?=^##|\Z)", section.group(1), re.DOTALL | re.MULTILINE
    )
    assert found is not None, f"README.md has no '### {heading}' in its frameworks section"
    return found.group(1)


def code_blocks(heading: str, language: str) -> list[str]:
    """The fenced code blocks in ``language`` under ``### heading``."""
    return [code for lang, code in CODE.findall(subsection(heading)) if lang == language]


def python_snippet(heading: str) -> str:
    """The one Python snippet under ``### heading``."""
    [snippet] = code_blocks(heading, "python")
    return snippet


def commands(heading: str) -> list[list[str]]:
    """The shell commands under ``### heading``, one per line, split as a shell would."""
    return [
        shlex.split(line)
        for block in code_blocks(heading, "sh")
        for line in block.splitlines()
        if line.strip() and not line.startswith("#")
    ]
