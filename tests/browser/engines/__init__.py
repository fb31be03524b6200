"""Drivers of the three browser engines the suite runs in, behind one small `Engine` protocol.

Each engine is a Debian package driven without any browser download: Chromium through Playwright,
Firefox ESR through its own WebDriver BiDi server, WebKitGTK through selenium and WebKitWebDriver.
"""

from __future__ import annotations

from . import chromium, firefox, webkit
from .base import ConsoleMessage, Engine, EngineError, EngineKind, PageRun

KINDS: dict[str, EngineKind] = {
    kind.name: kind
    for kind in (
        EngineKind("chromium", chromium.missing, chromium.start),
        EngineKind("firefox", firefox.missing, firefox.start),
        EngineKind("webkit", webkit.missing, webkit.start),
    )
}
"""Every engine by name, in the order the suite runs them."""

__all__ = ["KINDS", "ConsoleMessage", "Engine", "EngineError", "EngineKind", "PageRun"]
