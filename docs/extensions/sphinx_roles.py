"""A griffe extension for the API reference: the docstrings' few reST forms, read as Markdown.

The docstrings are Google style, and also use Sphinx roles (``:class:`~corsware.CORSPolicy```), a
``.. versionadded::`` line and ``::`` before a literal block, which mkdocstrings would show as typed.
This rewrites them as Markdown: a role becomes a code span (``~`` keeps the last name only),
``versionadded`` a sentence, and ``::`` a colon (the indented block after it is already a code block).
"""

from __future__ import annotations

import re
from typing import Any

import griffe

ROLE = re.compile(r":(?:class|func|meth|data|attr|mod|exc|obj):`(~?)([^`]+)`")
VERSION_ADDED = re.compile(r"^\.\. versionadded:: (\S+)$", re.MULTILINE)
LITERAL_BLOCK = re.compile(r"::$", re.MULTILINE)


def _code_span(match: re.Match[str]) -> str:
    short, target = match.groups()
    return f"`{target.rsplit('.', 1)[-1] if short else target}`"


def as_markdown(text: str) -> str:
    """The docstring ``text`` with its reST roles and directives written as Markdown."""
    text = ROLE.sub(_code_span, text)
    text = VERSION_ADDED.sub(r"*Added in version \1.*", text)
    return LITERAL_BLOCK.sub(":", text)


class SphinxRoles(griffe.Extension):
    """Rewrite every loaded object's docstring with `as_markdown`."""

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        """Called by griffe for each object it loads."""
        if obj.docstring is not None:
            obj.docstring.value = as_markdown(obj.docstring.value)
