"""The one bounded cache (corsware.memo.Memo) and the decisions it remembers: bounded, never wrong."""

from __future__ import annotations

import pytest

from corsware import CORSPolicy
from corsware.decision import ResourceRules, entries_per_resource
from corsware.memo import Memo


def counting_memo(entries: int, longest: int = 10) -> tuple[Memo[str, str], list[str]]:
    computed: list[str] = []

    def compute(key: str) -> str:
        computed.append(key)
        return key.upper()

    return Memo(compute, entries=entries, remembers=lambda key: len(key) <= longest), computed


def test_a_key_is_computed_once_then_remembered() -> None:
    memo, computed = counting_memo(entries=4)
    assert [memo["a"], memo["a"], memo["b"], memo["a"]] == ["A", "A", "B", "A"]
    assert computed == ["a", "b"]


def test_keys_it_may_not_remember_are_computed_every_time() -> None:
    memo, computed = counting_memo(entries=4, longest=3)
    assert [memo["long key"], memo["long key"]] == ["LONG KEY", "LONG KEY"]
    assert computed == ["long key", "long key"]
    assert "long key" not in memo


def test_a_full_memo_is_emptied_before_it_takes_a_new_key() -> None:
    """Memory stays bounded whatever clients send, and answers never change."""
    memo, computed = counting_memo(entries=3)
    largest = 0
    for number in range(20):
        key = f"k{number}"
        assert memo[key] == key.upper()
        largest = max(largest, len(memo))
    assert largest == 3
    assert memo["k0"] == "K0"
    assert len(computed) == 21


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
def test_resources_share_one_budget(resources: int, entries: int) -> None:
    assert entries_per_resource(resources) == entries


def request(origin: str, **more: str) -> dict[str, str]:
    return {"REQUEST_METHOD": "GET", "HTTP_ORIGIN": origin, **more}


def test_rotating_origins_always_get_the_right_answer() -> None:
    """Ever-new subdomains of an allowed wildcard are answered correctly after every eviction."""
    policy = CORSPolicy(origins=["https://*.example.com"], allow_credentials=True).compiled
    rules = ResourceRules("/api/*", policy, resources=200)
    for number in range(3 * entries_per_resource(200)):
        origin = f"https://app{number}.example.com"
        headers = dict(rules.decide(origin, request(origin)).headers)
        assert headers["Access-Control-Allow-Origin"] == origin
    assert not rules.decide("https://evil.example", request("https://evil.example")).allowed


def test_a_callable_is_asked_on_every_request() -> None:
    """Its answer may change from one call to the next, so it is never remembered."""
    asked: list[str] = []

    def allows(origin: str) -> bool:
        asked.append(origin)
        return origin.endswith(".example.com")

    rules = ResourceRules("/api/*", CORSPolicy(origins=allows).compiled)
    preflight = {
        "REQUEST_METHOD": "OPTIONS",
        "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT",
    }
    for _ in range(3):
        assert rules.decide("https://a.example.com", request("https://a.example.com")).allowed
        origin = "https://a.example.com"
        assert rules.decide(origin, request(origin, **preflight)).allowed
    assert asked == ["https://a.example.com"] * 6
