"""The documentation's code runs as written, and its pages keep the promises the site makes.

Every ```python block of ``docs/**/*.md`` and ``README.md`` runs: the blocks of one page share a
namespace and run in order, in a temporary directory that is also on ``sys.path``. Markers on the
line before a block (HTML comments, invisible on the site and on PyPI):

- ``<!-- illustrative -->``: not run (only what cannot run here, such as a call to a public URL);
- ``<!-- file: NAME -->``: the block is first written to ``NAME`` (a Python one is then run too);
- ``<!-- output -->``: a ```text block that must equal what the page printed since the last one.
"""

from __future__ import annotations

import configparser
import contextlib
import io
import logging
import re
import sys
import tomllib
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from corsware.errors import ErrorCode
from corsware.policy import OPTION_NAMES
from tests.integration.frameworks import framework_context, framework_named
from tests.integration.readme import DOCS, README, ROOT, Block, blocks

PAGES = [*sorted(DOCS.rglob("*.md")), README]
EVERY_BLOCK = [block for page in PAGES for block in blocks(page)]
RUNNABLE = {"python"}
FILE_LANGUAGES = {"python", "toml", "ini"}
MARKERS = re.compile(r"illustrative|output|file: [\w./-]+")
# Blocks that cannot run in a test must stay the exception: raise this only with a reason.
MOST_ILLUSTRATIVE = 3
REFERENCE = DOCS / "configuration.md"
ANCHOR = re.compile(r"^#{2,6} .*\{[ \t]*#(?P<anchor>[\w-]+)[ \t]*\}[ \t]*$", re.MULTILINE)
CODE_ANCHOR = re.compile(r"CORS-E\d+")
# What a user-facing page must never point at: notes and trackers that are not in the repository.
INTERNAL = re.compile(r"reference material|shared/reference|our research|the issue's", re.IGNORECASE)
MARKDOWN_LINK = re.compile(r"\[[^\]]*\]\((?P<target>[^)\s]+)[^)]*\)|<(?P<bare>https?://[^>]+)>")


def _page_id(page: Path) -> str:
    return str(page.relative_to(ROOT))


# Pages whose snippets need more than one namespace can give (settings fragments of a whole project),
# run by a test of their own: tests/integration/test_django_middleware.py runs every snippet of the
# Django page in a project that `django-admin startproject` made.
RUN_ELSEWHERE = {DOCS / "django.md"}


def _runs(page: Path) -> bool:
    return page not in RUN_ELSEWHERE and any(
        block.language in RUNNABLE and block.marker != "illustrative" for block in blocks(page)
    )


@pytest.fixture
def page_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A temporary current directory on sys.path, left as it was found: modules, logging, cwd."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    modules = set(sys.modules)
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    corsware_level = logging.getLogger("corsware").level
    try:
        yield tmp_path
    finally:
        for name in set(sys.modules) - modules:
            if str(getattr(sys.modules[name], "__file__", "") or "").startswith(str(tmp_path)):
                del sys.modules[name]
        for handler in set(root.handlers) - set(handlers):
            root.removeHandler(handler)
            handler.close()
        root.setLevel(level)
        logging.getLogger("corsware").setLevel(corsware_level)


def _run(block: Block, namespace: dict[str, object], printed: io.StringIO) -> None:
    code = compile(block.code, block.where, "exec")
    with contextlib.redirect_stdout(printed):
        exec(code, namespace)  # noqa: S102 - the documentation's own snippet is the code under test


@pytest.mark.parametrize(
    "page", [pytest.param(page, id=_page_id(page)) for page in PAGES if _runs(page)]
)
def test_page_runs(page: Path, page_directory: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every block of the page runs in order in one namespace, and prints what the page shows."""
    module = types.ModuleType(f"docs_{page.stem.replace('-', '_')}")
    # Pyramid's Configurator looks its caller's module up in sys.modules, as for any imported file.
    monkeypatch.setitem(sys.modules, module.__name__, module)
    printed = io.StringIO()
    checked = 0
    page_blocks = blocks(page)
    # A Django snippet needs configured settings: the example project's stand in for the user's
    # own (a snippet's os.environ.setdefault then leaves them in place).
    uses_django = any("django" in block.code for block in page_blocks if block.language == "python")
    context = framework_context(framework_named("django")) if uses_django else contextlib.nullcontext()
    with context:
        for block in page_blocks:
            if block.marker == "illustrative":
                continue
            if block.file_name is not None:
                (page_directory / block.file_name).parent.mkdir(parents=True, exist_ok=True)
                (page_directory / block.file_name).write_text(block.code, encoding="utf-8")
            if block.language == "python":
                _run(block, module.__dict__, printed)
                checked += 1
            elif block.marker == "output":
                assert printed.getvalue() == block.code, f"{block.where}: the page shows other output"
                printed = io.StringIO()
    assert checked


def test_every_block_names_its_language() -> None:
    """A fence without a language is neither highlighted nor checked."""
    unnamed = [block.where for block in EVERY_BLOCK if not block.language]
    assert unnamed == []


@pytest.mark.parametrize(
    "block",
    [pytest.param(block, id=block.where) for block in EVERY_BLOCK if block.language == "toml"],
)
def test_toml_blocks_parse(block: Block) -> None:
    assert isinstance(tomllib.loads(block.code), dict)


@pytest.mark.parametrize(
    "block",
    [pytest.param(block, id=block.where) for block in EVERY_BLOCK if block.language == "ini"],
)
def test_ini_blocks_parse(block: Block) -> None:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(block.code, source=block.where)
    assert parser.sections()


def test_markers_are_known_and_fit_their_block() -> None:
    """A misspelt marker would silently run, or skip, a block."""
    wrong = [
        (block.where, block.marker, block.language)
        for block in EVERY_BLOCK
        if block.marker is not None
        and block.marker.startswith(("illustrative", "output", "file"))
        and not (
            MARKERS.fullmatch(block.marker)
            and (block.marker != "illustrative" or block.language in RUNNABLE)
            and (block.marker != "output" or block.language == "text")
            and (block.file_name is None or block.language in FILE_LANGUAGES)
        )
    ]
    assert wrong == []


def test_illustrative_blocks_are_rare() -> None:
    illustrative = [block.where for block in EVERY_BLOCK if block.marker == "illustrative"]
    assert len(illustrative) <= MOST_ILLUSTRATIVE, illustrative


def _anchors() -> list[str]:
    return ANCHOR.findall(REFERENCE.read_text(encoding="utf-8"))


def test_reference_has_one_anchor_per_option() -> None:
    """Each option of corsware.policy.OPTION_NAMES, and resources, has one anchor; nothing else has."""
    options = [anchor for anchor in _anchors() if not CODE_ANCHOR.fullmatch(anchor)]
    expected = {*OPTION_NAMES, "resources"}
    assert sorted(options) == sorted(expected)


def test_reference_has_one_anchor_per_error_code() -> None:
    """Each ErrorCode has exactly one anchor, named by its value, and no other code has one."""
    codes = [anchor for anchor in _anchors() if CODE_ANCHOR.fullmatch(anchor)]
    assert sorted(codes) == sorted(code.value for code in ErrorCode)


def test_readme_links_are_absolute() -> None:
    """PyPI shows the README without the repository around it: a relative link goes nowhere."""
    targets = [
        match.group("target") or match.group("bare")
        for match in MARKDOWN_LINK.finditer(README.read_text(encoding="utf-8"))
    ]
    assert targets
    assert [target for target in targets if not target.startswith("https://")] == []


@pytest.mark.parametrize(
    "page",
    [
        pytest.param(page, id=_page_id(page))
        for page in [*PAGES, ROOT / "CHANGELOG.md", ROOT / "SECURITY.md"]
    ],
)
def test_page_names_nothing_outside_the_repository(page: Path) -> None:
    assert INTERNAL.findall(page.read_text(encoding="utf-8")) == []
