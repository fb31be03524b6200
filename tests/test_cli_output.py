"""What `corsware` prints on a terminal: wrapped to its width, never inside a URL or header value."""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from corsware import cli, demo
from corsware.terminal import Printer, printable, wrap
from tests.test_cli import ORIGIN

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

pytestmark = pytest.mark.timeout(60)

ANSI = re.compile(r"\033\[[0-9;]*m")
LONG_VALUE = "https://example.com/" + "a" * 150


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def long_headers(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """A refusal with a long list header, a long Location and a long body."""
    start_response(
        "403 Forbidden",
        [
            ("Access-Control-Allow-Headers", ", ".join(f"x-header-number-{n}" for n in range(12))),
            ("Location", LONG_VALUE),
            ("Content-Type", "text/plain"),
        ],
    )
    return [b"refused: " + b"because " * 20]


@pytest.fixture(scope="module")
def server() -> Iterator[demo.DemoServer]:
    instance = demo.serve_in_thread(demo.api(), quiet=True)
    with demo.running(instance):
        yield instance


def on_terminal(monkeypatch: pytest.MonkeyPatch, columns: int, *argv: str) -> list[str]:
    terminal = Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    monkeypatch.setenv("COLUMNS", str(columns))
    cli.main(list(argv))
    return [ANSI.sub("", line) for line in terminal.getvalue().splitlines()]


def unbreakable(line: str) -> bool:
    """A line that may be wider than the terminal: one word, or a header that is no list."""
    words = line.split()
    header = re.match(r" {6}([A-Za-z-]+): ", line)
    return len(words) == 1 or (header is not None and header.group(1).lower() == "location")


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_check_wraps_to_the_terminal(
    monkeypatch: pytest.MonkeyPatch, server: demo.DemoServer, columns: int
) -> None:
    server.set_app(long_headers)
    url = demo.url_of(server) + "/api/items/1"
    lines = on_terminal(monkeypatch, columns, "check", url, "--origin", ORIGIN, "--method", "DELETE")
    assert all(len(line) <= columns or unbreakable(line) for line in lines), lines
    text = "\n".join(lines)
    assert f"      Location: {LONG_VALUE}" in lines
    assert f"> preflight: OPTIONS {url}" in text
    assert f"'{url}'" in text  # the URL in Chromium's message is never split
    list_lines = [line for line in lines if "x-header-number" in line]
    assert list_lines[0].startswith("      Access-Control-Allow-Headers: x-header-number-0,")
    assert all(line.startswith("          x-header") for line in list_lines[1:])
    assert len(list_lines) > 1
    fix = next(index for index, line in enumerate(lines) if line.startswith("Fix: "))
    assert lines[fix + 1].startswith("  ")


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_demo_wraps_to_the_terminal(monkeypatch: pytest.MonkeyPatch, columns: int) -> None:
    lines = on_terminal(monkeypatch, columns, "demo")
    assert all(len(line) <= columns for line in lines), [line for line in lines if len(line) > columns]
    header = next(line for line in lines if line.startswith(" #  Scenario"))
    assert header.endswith("  Preflight  Browser")
    rows = [line for line in lines if line[:2].strip().isdigit()]
    assert len(rows) == len(demo.SCENARIOS)
    assert all(line.endswith(("allowed", "blocked", "asks user")) for line in rows)


def test_a_narrow_terminal_wraps_long_titles_in_their_column(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = on_terminal(monkeypatch, 60, "demo")
    index = next(n for n, line in enumerate(lines) if line.startswith(" 7  DELETE, a method"))
    assert lines[index].endswith("yes        blocked")
    assert lines[index + 1] == "    allow"


def test_wider_terminals_need_fewer_lines(
    monkeypatch: pytest.MonkeyPatch, server: demo.DemoServer
) -> None:
    server.set_app(demo.api())
    argv = ["check", demo.url_of(server) + "/api/items/1", "--origin", ORIGIN, "--method", "DELETE"]
    counts = [len(on_terminal(monkeypatch, columns, *argv)) for columns in (60, 80, 120)]
    assert counts[0] > counts[1] > counts[2]


def test_not_a_terminal_is_80_columns(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], server: demo.DemoServer
) -> None:
    server.set_app(demo.api())
    monkeypatch.setenv("COLUMNS", "200")
    cli.main(["check", demo.url_of(server) + "/api/items/1", "--origin", ORIGIN, "--method", "DELETE"])
    lines = capsys.readouterr().out.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert max(len(line) for line in lines) > 70


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        pytest.param("a b c", 3, ["a b", "  c"], id="breaks between words"),
        pytest.param(
            "see 'a b c' now", 9, ["see", "  'a b c'", "  now"], id="a quoted value kept whole"
        ),
        pytest.param("see 'a b c d e' now", 8, ["see 'a b", "  c d e'", "  now"], id="too long to keep"),
        pytest.param("run `f(a, b)` now", 12, ["run", "  `f(a, b)`", "  now"], id="code kept whole"),
        pytest.param("don't 'split'", 40, ["don't 'split'"], id="an apostrophe is no quote"),
        pytest.param("x " + "y" * 20, 10, ["x", "  " + "y" * 20], id="a long word on its own line"),
        pytest.param("", 10, [""], id="empty"),
    ],
)
def test_wrap(text: str, width: int, lines: list[str]) -> None:
    assert wrap(text, width) == lines


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        pytest.param("\x1b[2J", "\\x1b[2J", id="escape"),
        pytest.param("a\rb", "a\\rb", id="carriage return"),
        pytest.param("\u202eevil", "\\u202eevil", id="right-to-left override"),
        pytest.param("\x9b", "\\x9b", id="C1 control"),
        pytest.param("caf\u00e9 \u6771\u4eac", "caf\u00e9 \u6771\u4eac", id="letters stay"),
    ],
)
def test_printable(text: str, shown: str) -> None:
    assert printable(text) == shown


def test_a_long_header_value_is_cut() -> None:
    out = io.StringIO()
    Printer(out).header("X-Long", "v" * 2000, indent="  ")
    assert out.getvalue() == f"  X-Long: {'v' * 500}... (1500 more characters)\n"


def test_colour_never_counts_toward_the_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("COLUMNS", "60")
    terminal = Terminal()
    Printer(terminal).say("BLOCKED " + "word " * 20, lead="BLOCKED", code="1;31")
    lines = terminal.getvalue().splitlines()
    assert lines[0].startswith("\033[1;31mBLOCKED\033[0m word")
    assert all(len(ANSI.sub("", line)) <= 60 for line in lines)


def test_a_very_narrow_terminal_is_taken_as_40_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "10")
    assert Printer(Terminal()).width == 40


def test_demo_serve_output_is_wrapped_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "_wait_forever", lambda: None)
    lines = on_terminal(monkeypatch, 60, "demo", "--serve")
    assert all(len(line) <= 60 for line in lines)
    assert any(line.startswith("Serving the API at http://127.0.0.1:") for line in lines)


def test_the_explain_policy_line_is_dim_and_wrapped(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "corsware.toml"
    config.write_text(f'origins = ["{ORIGIN}"]\nmethods = ["GET"]\n')
    terminal = Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    monkeypatch.setenv("COLUMNS", "60")
    monkeypatch.delenv("NO_COLOR", raising=False)
    argv = ["explain", "--config", str(config), "--path", "/x", "--origin", ORIGIN, "--method", "PUT"]
    assert cli.main(argv) == 1
    dim = [line for line in terminal.getvalue().splitlines() if line.startswith("\033[2m")]
    assert dim[0].startswith("\033[2m    corsware: preflight, requested method not allowed")
    assert all(len(ANSI.sub("", line)) <= 60 for line in dim)
