"""docs/cli.md: its examples print what the page shows, and it documents every option and code.

Each ```console block's ``$ corsware ...`` commands run against a demo API on 127.0.0.1 (the page
says port 8000; the test uses a free port and reads the page with it) in a directory holding the
page's files; what they print must be what the page shows, line breaks aside.
"""

from __future__ import annotations

import json
import re
import shlex
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from corsware import cli, demo
from corsware.browser.messages import FAILURE_CODES
from tests.integration.readme import DOCS, blocks
from tests.test_cli import flat

pytestmark = pytest.mark.timeout(60)

PAGE = DOCS / "cli.md"
BLOCKS = blocks(PAGE)
EXAMPLES = [block for block in BLOCKS if block.language == "console"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture(scope="module")
def api_port() -> Iterator[int]:
    page_server, api_server = demo.start_servers(quiet=True)
    with demo.running(page_server, api_server):
        yield api_server.server_port


@pytest.fixture
def page_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The page's ``<!-- file: NAME -->`` blocks, written to the current directory."""
    for block in BLOCKS:
        if block.file_name is not None:
            (tmp_path / block.file_name).write_text(block.code, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    yield tmp_path
    sys.modules.pop("app", None)


def commands(code: str) -> list[tuple[str, str]]:
    """The ``$ command`` lines of a console block, each with the output below it."""
    found: list[tuple[str, str]] = []
    for line in code.splitlines():
        if line.startswith("$ "):
            found.append((line[2:], ""))
        else:
            command, output = found[-1]
            found[-1] = (command, output + line + "\n")
    return found


@pytest.mark.parametrize("block", [pytest.param(block, id=block.where) for block in EXAMPLES])
def test_the_example_prints_what_the_page_shows(
    capsys: pytest.CaptureFixture[str], api_port: int, page_files: Path, block: object
) -> None:
    code = block.code  # type: ignore[attr-defined]
    demo_port = str(free_port())
    for command, shown in commands(code):
        argv = shlex.split(command.replace("127.0.0.1:8000", f"127.0.0.1:{api_port}"))
        assert argv[0] == "corsware"
        if argv[1] == "demo":
            argv = [demo_port if arg == "8001" else arg for arg in argv]
        expected = shown.replace("127.0.0.1:8000", f"127.0.0.1:{api_port}").replace(
            "127.0.0.1:8001", f"127.0.0.1:{demo_port}"
        )
        status = cli.main(argv[1:])
        out, err = capsys.readouterr()
        assert status in (0, 1)
        assert err == ""
        if "--json" in argv:
            assert json.loads(out) == json.loads(expected)
        else:
            assert flat(out) == flat(expected)


def test_every_example_block_is_checked() -> None:
    """A shell block is only an illustration: the page keeps two (serve the demo, a public URL)."""
    shell = [block for block in BLOCKS if block.language == "sh"]
    assert len(shell) == 2
    assert len(EXAMPLES) >= 6


def test_every_failure_code_is_documented() -> None:
    section = PAGE.read_text(encoding="utf-8").split("### Failure codes", 1)[1]
    documented = re.findall(r"^\| `([a-z-]+)` \|", section, re.MULTILINE)
    assert documented == list(FAILURE_CODES)


@pytest.mark.parametrize("command", ["check", "explain", "demo", "migrate"])
def test_every_option_is_documented(capsys: pytest.CaptureFixture[str], command: str) -> None:
    assert cli.main([command, "--help"]) == 0
    options = set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", capsys.readouterr().out)) - {"--help"}
    text = PAGE.read_text(encoding="utf-8")
    assert options
    assert [option for option in sorted(options) if f"`{option}" not in text] == []


def test_every_json_field_is_documented(capsys: pytest.CaptureFixture[str], api_port: int) -> None:
    text = PAGE.read_text(encoding="utf-8")
    url = f"http://127.0.0.1:{api_port}/api/items"
    assert cli.main(["check", url, "--origin", "http://localhost:3000", "--json"]) in (0, 1)
    check = json.loads(capsys.readouterr().out)
    assert cli.main(["demo", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    fields = [*check, *document, *document["scenarios"][0]]
    assert [field for field in fields if f"`{field}`" not in text] == []


def test_the_exit_statuses_match_help(capsys: pytest.CaptureFixture[str]) -> None:
    cli.main(["--help"])
    statuses = re.findall(r"^  ([0-9])  ", capsys.readouterr().out, re.MULTILINE)
    table = re.findall(r"^\| ([0-9]) \|", PAGE.read_text(encoding="utf-8"), re.MULTILINE)
    assert statuses == table == ["0", "1", "2"]
