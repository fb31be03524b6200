"""The public surface is exactly corsware.__all__, and the middleware logs rejections safely."""

from __future__ import annotations

import importlib.metadata
import logging

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
        "ConfigProblem",
        "Decision",
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
