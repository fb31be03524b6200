"""The public surface is exactly corsware.__all__, and the middleware logs rejections safely."""

from __future__ import annotations

import importlib.metadata
import logging
from collections.abc import Callable

import pytest

import corsware
from corsware import CORSMiddleware
from tests.conftest import SpyApp


def test_all_is_sorted_and_complete() -> None:
    assert corsware.__all__ == sorted(corsware.__all__)
    assert set(corsware.__all__) == {
        "CORSConfigError",
        "CORSConfigWarning",
        "CORSMiddleware",
        "CORSPolicy",
        "CompiledPolicy",
        "ConfigProblem",
        "Decision",
        "ErrorCode",
    }
    for name in corsware.__all__:
        assert getattr(corsware, name).__doc__


def test_version_comes_from_the_installed_metadata() -> None:
    assert corsware.__version__ == importlib.metadata.version("corsware")
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = corsware.nope  # type: ignore[attr-defined]


def test_config_error_is_a_value_error() -> None:
    assert issubclass(corsware.CORSConfigError, ValueError)


def test_config_warning_is_a_user_warning() -> None:
    assert issubclass(corsware.CORSConfigWarning, UserWarning)


LOGGED = [
    pytest.param(
        "GET",
        {"HTTP_ORIGIN": "https://evil.example"},
        "CORS actual rejected (origin not allowed)",
        id="rejected actual request",
    ),
    pytest.param(
        "OPTIONS",
        {"HTTP_ORIGIN": "https://evil.example", "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT"},
        "CORS preflight rejected (origin not allowed)",
        id="rejected preflight",
    ),
]


@pytest.mark.parametrize(("method", "extra", "start"), LOGGED)
def test_rejections_are_logged_at_debug(
    spy: SpyApp, caplog: pytest.LogCaptureFixture, method: str, extra: dict[str, str], start: str
) -> None:
    middleware = CORSMiddleware(spy, origins=["https://trusted.example"])
    environ = {"REQUEST_METHOD": method, "PATH_INFO": "/x", **extra}
    with caplog.at_level(logging.INFO, logger="corsware"):
        middleware(dict(environ), lambda *args: None)
    assert caplog.records == []
    with caplog.at_level(logging.DEBUG, logger="corsware"):
        middleware(dict(environ), lambda *args: None)
    (record,) = caplog.records
    assert record.levelno == logging.DEBUG
    assert record.getMessage().startswith(start)
    assert "'https://evil.example'" in record.getMessage()


def test_long_values_are_truncated_in_logs(spy: SpyApp, caplog: pytest.LogCaptureFixture) -> None:
    middleware = CORSMiddleware(spy, origins=["https://trusted.example"])
    with caplog.at_level(logging.DEBUG, logger="corsware"):
        middleware(
            {"REQUEST_METHOD": "GET", "PATH_INFO": "/x", "HTTP_ORIGIN": "x" * 5000}, lambda *args: None
        )
    assert "...(5000 characters)" in caplog.records[0].getMessage()
    assert len(caplog.records[0].getMessage()) < 1000


def _enable_on_corsware_logger(log: logging.Logger) -> None:
    log.setLevel(logging.DEBUG)


def _enable_on_root_only(log: logging.Logger) -> None:
    log.setLevel(logging.NOTSET)
    logging.getLogger().setLevel(logging.DEBUG)


def _enable_then_disable_globally(log: logging.Logger) -> None:
    log.setLevel(logging.DEBUG)
    logging.disable(logging.DEBUG)


def _enable_then_disable_the_logger(log: logging.Logger) -> None:
    log.setLevel(logging.DEBUG)
    log.disabled = True  # what dictConfig's disable_existing_loggers does


LEVEL_CHANGES = [
    pytest.param(_enable_on_corsware_logger, 1, id="DEBUG set on the corsware logger"),
    pytest.param(_enable_on_root_only, 1, id="DEBUG set on the root logger only"),
    pytest.param(_enable_then_disable_globally, 0, id="DEBUG set, then logging.disable(DEBUG)"),
    pytest.param(_enable_then_disable_the_logger, 0, id="DEBUG set, then the logger disabled"),
]


@pytest.mark.parametrize(("change", "logged"), LEVEL_CHANGES)
def test_a_level_change_applies_to_the_next_refusal(
    spy: SpyApp, change: Callable[[logging.Logger], None], logged: int
) -> None:
    # The middleware reads the logger's remembered answer for DEBUG: that answer must follow every
    # way a level can change, after refusals have been answered (and remembered) with DEBUG off.
    log, root = logging.getLogger("corsware"), logging.getLogger()
    saved = log.level, root.level, log.disabled
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    log.addHandler(handler)
    middleware = CORSMiddleware(spy, origins=["https://trusted.example"])
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/x", "HTTP_ORIGIN": "https://evil.example"}
    try:
        log.setLevel(logging.INFO)
        root.setLevel(logging.WARNING)
        for _ in range(2):
            middleware(dict(environ), lambda *args: None)
        assert records == []
        change(log)
        middleware(dict(environ), lambda *args: None)
        assert len(records) == logged
    finally:
        log.removeHandler(handler)
        logging.disable(logging.NOTSET)
        log.setLevel(saved[0])
        root.setLevel(saved[1])
        log.disabled = saved[2]
