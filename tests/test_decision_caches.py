"""The per-resource answer caches of corsware.decision: bounded, and never a change of answer."""

from __future__ import annotations

import pytest

from corsware import CORSMiddleware, CORSPolicy, decision
from corsware.decision import ResourceRules, cache_entries_for
from corsware.headers import ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_ORIGIN
from corsware.origins import MAX_ORIGIN_LENGTH


def rules(cache_entries: int = decision._CACHE_ENTRIES, **options: object) -> ResourceRules:
    policy = CORSPolicy(**options)  # type: ignore[arg-type]
    return ResourceRules("/api/*", policy, cache_entries=cache_entries)


def allow_origin(headers: tuple[tuple[str, str], ...] | list[tuple[str, str]]) -> str | None:
    return dict(headers).get(ACCESS_CONTROL_ALLOW_ORIGIN)


def test_origin_answers_are_bounded_under_rotating_origins() -> None:
    """Ever-new subdomains of an allowed wildcard fill the cache to its bound, never past it."""
    resource = rules(origins=["https://*.example.com"], allow_credentials=True)
    bound = decision._CACHE_ENTRIES
    largest = 0
    for number in range(3 * bound):
        origin = f"https://app{number}.example.com"
        assert allow_origin(resource.actual_headers(origin)) == origin
        largest = max(largest, len(resource.remembered_origins))
    assert largest == bound
    # After the cache was emptied and refilled, answers are still right.
    assert allow_origin(resource.actual_headers("https://app0.example.com")) == (
        "https://app0.example.com"
    )
    assert resource.actual_headers("https://evil.example") is resource.rejected_headers


@pytest.mark.parametrize(
    ("origin", "remembered"),
    [
        pytest.param("https://app.example.com", True, id="allowed"),
        pytest.param("https://evil.example", True, id="rejected"),
        pytest.param("https://" + "a" * MAX_ORIGIN_LENGTH + ".example", False, id="over-long"),
    ],
)
def test_origin_answers_remembered(origin: str, remembered: bool) -> None:
    resource = rules(origins=["https://app.example.com"])
    first = resource.actual_headers(origin)
    assert (origin in resource.remembered_origins) is remembered
    assert resource.actual_headers(origin) == first
    assert resource.actual(origin).headers == first


def test_callable_origins_are_asked_every_time() -> None:
    asked: list[str] = []

    def allows(origin: str) -> bool:
        asked.append(origin)
        return origin.endswith(".example.com")

    resource = rules(origins=allows)
    for _ in range(3):
        assert allow_origin(resource.actual_headers("https://a.example.com")) == (
            "https://a.example.com"
        )
    assert asked == ["https://a.example.com"] * 3
    assert resource.remembered_origins == {}


def test_request_header_answers_are_bounded_under_rotating_values() -> None:
    resource = rules(origins="*", allow_headers="*")
    bound = decision._CACHE_ENTRIES
    largest = 0
    for number in range(3 * bound):
        answer = resource.preflight_headers(
            "https://a.example", "PUT", f"x-one,x-{number}", private_network=None
        )
        assert not isinstance(answer, str)
        assert dict(answer)[ACCESS_CONTROL_ALLOW_HEADERS] == f"x-one,x-{number}"
        largest = max(largest, len(resource._answers_by_request_headers))
    assert largest == bound


@pytest.mark.parametrize(
    ("request_headers", "expected", "remembered"),
    [
        pytest.param("x-custom", "x-custom", True, id="allowed"),
        pytest.param("", "", True, id="empty-list"),
        pytest.param("x-other", None, True, id="refused"),
        pytest.param("x-custom," * 40, "x-custom", False, id="long-value"),
    ],
)
def test_request_header_answers_remembered(
    request_headers: str, expected: str | None, remembered: bool
) -> None:
    resource = rules(origins="*", allow_headers=["X-Custom"])
    for _ in range(2):
        assert resource._allow_headers_for(request_headers) == expected
    assert (request_headers in resource._answers_by_request_headers) is remembered


@pytest.mark.parametrize(
    ("resources", "entries"),
    [
        pytest.param(0, 1024, id="no-resources"),
        pytest.param(1, 1024, id="one-resource-capped"),
        pytest.param(4, 1024, id="four-share-exactly"),
        pytest.param(8, 512, id="eight-split-the-budget"),
        pytest.param(200, 64, id="many-get-the-floor"),
    ],
)
def test_cache_entries_share_one_budget(resources: int, entries: int) -> None:
    assert cache_entries_for(resources) == entries


def test_each_cache_keeps_to_the_entries_it_was_given() -> None:
    resource = rules(cache_entries=8, origins="*", allow_headers="*")
    for number in range(50):
        resource.actual_headers(f"https://app{number}.example.com")
        resource.preflight_headers("https://a.example", "PUT", f"x-{number}", private_network=None)
        assert len(resource.remembered_origins) <= 8
        assert len(resource._answers_by_request_headers) <= 8


def test_the_middleware_divides_the_budget_among_its_resources() -> None:
    def app(environ: object, start_response: object) -> list[bytes]:
        return [b""]

    patterns = {f"/r{number}/*": {"origins": "*"} for number in range(16)}
    middleware = CORSMiddleware(app, resources=patterns)
    for pattern in patterns:
        rules = middleware._rules.lookup(pattern[:-2])
        assert rules is not None
        assert rules._cache_entries == decision.CACHE_BUDGET // 16
