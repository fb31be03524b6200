"""The engines of one test session: started on first use, shared, stopped together at the end."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import pytest

from . import KINDS
from .base import Engine, EngineError


def running_in_ci() -> bool:
    """Whether the CI environment variable is set to something other than a false value."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


class Engines:
    """The session's engines by name: each started on first use, then shared; `close` stops all."""

    def __init__(self, warm_up: Callable[[Engine], None], launch_seconds: dict[str, float]) -> None:
        """Keep `warm_up`, run on each engine once it has started."""
        self._warm_up = warm_up
        self._launch_seconds = launch_seconds
        self._started: dict[str, Engine] = {}
        self._broken: dict[str, str] = {}

    def get(self, name: str) -> Engine:
        """The running engine `name`; skips (fails under CI) when it is not installed."""
        if name in self._started:
            return self._started[name]
        if name in self._broken:
            pytest.fail(
                f"{name} did not start earlier in this session: {self._broken[name]}", pytrace=False
            )
        kind = KINDS[name]
        reason = kind.missing()
        if reason is not None:
            reason = (
                f"BROWSER SUITE NOT RUN IN {name.upper()}: {reason}. `bash .ci/run` installs it itself."
            )
            if running_in_ci():
                pytest.fail(f"{reason} CI is set, so a missing browser fails the run.", pytrace=False)
            pytest.skip(reason)
        began = time.monotonic()
        try:
            engine = kind.start()
        except Exception as error:
            self._broken[name] = repr(error)
            raise
        self._started[name] = engine
        self._launch_seconds[name] = time.monotonic() - began
        try:
            self._warm_up(engine)
        except Exception as error:
            self._broken[name] = f"warm-up failed: {error!r}"
            del self._started[name]
            engine.close()
            raise
        return engine

    def close(self) -> None:
        """Stop every started engine, each even when stopping another one failed."""
        errors: list[Exception] = []
        while self._started:
            _, engine = self._started.popitem()
            try:
                engine.close()
            except Exception as error:  # noqa: BLE001 - reported below, after the others stopped
                errors.append(error)
        if errors:
            raise EngineError(f"stopping the engines failed: {errors!r}")
