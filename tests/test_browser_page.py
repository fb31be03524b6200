"""docs/browsers.md shows the browser suite's case table, and what each engine does with each case.

The page's tables are rendered from tests/browser/cases.py, the data the suite runs in Chromium,
Firefox and WebKit: the expectations there are what each engine was seen to do, so the page cannot
drift from what the suite proves. Run this file's `render()` to write the tables again.
"""

from __future__ import annotations

from pathlib import Path

from tests.browser.cases import CASES, ENGINES, WEBSOCKET_CASES, BrowserCase

PAGE = Path(__file__).resolve().parent.parent / "docs" / "browsers.md"
BEGIN = "<!-- cases: rendered from tests/browser/cases.py -->"
END = "<!-- end of cases -->"
NAMES = {"chromium": "Chromium", "firefox": "Firefox", "webkit": "WebKit"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _outcome(case: BrowserCase) -> str:
    words = ["readable" if case.outcome == "ok" else "blocked"]
    if case.preflights:
        words.append(f"{case.preflights} preflight{'s' if case.preflights > 1 else ''}")
    if case.app_calls != 1:
        words.append(f"{case.app_calls} app call{'s' if case.app_calls != 1 else ''}")
    return ", ".join(words)


def render() -> str:
    """The Markdown of both tables, between the page's markers."""
    names = " | ".join(NAMES[engine] for engine in ENGINES)
    lines = [BEGIN, "", f"| case | why | {names} |", "|---|---|" + "---|" * len(ENGINES)]
    for case in CASES:
        outcomes = " | ".join(_outcome(case.expect(engine)) for engine in ENGINES)
        lines.append(f"| {_cell(case.id)} | {_cell(case.why)} | {outcomes} |")
    lines += ["", f"| WebSocket case (ASGI) | why | {names} |", "|---|---|" + "---|" * len(ENGINES)]
    for websocket in WEBSOCKET_CASES:
        word = "opens" if websocket.opens else "refused (403)"
        cells = " | ".join([word] * len(ENGINES))
        lines.append(f"| {_cell(websocket.id)} | {_cell(websocket.why)} | {cells} |")
    return "\n".join([*lines, "", END])


def test_the_page_shows_the_case_table() -> None:
    text = PAGE.read_text(encoding="utf-8")
    shown = text[text.index(BEGIN) : text.index(END) + len(END)]
    assert shown == render()


def test_every_engine_difference_is_explained() -> None:
    """A case whose outcome differs by engine says why in its own `why`."""
    for case in CASES:
        if case.engines:
            assert any(NAMES[engine] in case.why for engine in case.engines), case.id


if __name__ == "__main__":
    print(render())
