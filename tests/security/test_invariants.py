"""The middleware's security invariants, each checked over generated policies and requests.

The expected answers come from `oracle.py`, which is written from the documented grammar and never
calls corsware's own matchers. Hypothesis' `ci` profile (conftest.py) bounds the example counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import given, note
from hypothesis import strategies as st

from corsware import CORSMiddleware
from tests.conftest import SpyApp

from . import invariants
from .invariants import Outcome
from .oracle import PathSpec, PolicyModel, matching_resource, router_path
from .strategies import Request, policies, requests, resource_tables

APP_HEADERS = st.sampled_from(
    (
        (),
        (("Vary", "Accept-Encoding"),),
        (("Vary", "origin"),),
        (("Vary", "*"),),
        (("Access-Control-Allow-Origin", "https://stale.example"),),
        (("Access-Control-Allow-Credentials", "true"), ("X-Other", "1")),
    )
)


@dataclass(frozen=True)
class Setup:
    """A middleware configuration in two forms: corsware's options and the oracle's model."""

    resources: list[tuple[PathSpec, PolicyModel]]
    keyword_form: bool

    def make(self, app: Any) -> Any:
        """Build the middleware around `app`."""
        if self.keyword_form:
            return CORSMiddleware(app, **self.resources[0][1].options)
        return CORSMiddleware(
            app, resources={pattern: dict(model.options) for pattern, model in self.resources}
        )

    def policy_for(self, path: str) -> PolicyModel | None:
        """The oracle's policy for a path, or None when no resource covers it."""
        matched = matching_resource(self.resources, path)
        return matched[1] if matched else None


@st.composite
def setups(draw: st.DrawFn) -> Setup:
    """Either the keyword form (one resource `/*`) or an ordered resource table."""
    if draw(st.booleans()):
        return Setup([("/*", draw(policies()))], keyword_form=True)
    return Setup(draw(resource_tables()), keyword_form=False)


# Every invariant is checked over the same space: generated configurations, requests and app headers.
over_every_request = given(setup=setups(), request=requests(), app_headers=APP_HEADERS)


def exercise(setup: Setup, request: Request, app_headers: tuple[tuple[str, str], ...]) -> Outcome:
    """Run one request and return what the client saw."""
    app, spy = invariants.build_app(setup.make, app_headers)
    environ = request.environ()
    note(f"environ: { {k: v for k, v in environ.items() if not k.startswith('wsgi.')} }")
    outcome = invariants.run(app, spy, environ)
    note(f"outcome: {outcome.status} {outcome.headers}")
    return outcome


@over_every_request
def test_never_raises_on_any_request(
    setup: Setup, request: Request, app_headers: tuple[tuple[str, str], ...]
) -> None:
    """Whatever the client sends, the middleware answers (and explain() explains) without raising."""
    outcome = exercise(setup, request, app_headers)
    assert outcome.status[:3].isdigit()
    middleware = setup.make(SpyApp())
    headers = {
        name: value
        for name, value in (
            ("Access-Control-Request-Method", request.request_method),
            ("Access-Control-Request-Headers", request.request_headers),
        )
        if value is not None
    }
    decision = middleware.explain(request.method, request.path, origin=request.origin, headers=headers)
    assert decision.kind in {"preflight", "actual", "non-cors", "unmatched"}


@given(
    setup=setups(),
    method=st.text(max_size=8),
    path=st.text(max_size=30).map(lambda s: "/" + s),
    origin=st.text(max_size=40),
    acrm=st.text(max_size=12),
    acrh=st.text(max_size=40),
)
def test_never_raises_on_non_latin1_values(
    setup: Setup, method: str, path: str, origin: str, acrm: str, acrh: str
) -> None:
    """Servers that break PEP 3333 may pass any code point; corsware still answers cleanly."""
    request = Request(method or "GET", path, origin, acrm, acrh, None)
    outcome = exercise(setup, request, ())
    invariants.check_header_values(outcome)


@over_every_request
def test_header_values_never_carry_cr_lf_nul_or_non_latin1(
    setup: Setup, request: Request, app_headers: tuple[tuple[str, str], ...]
) -> None:
    """No emitted header value can split the response or break the server's latin-1 encoding."""
    invariants.check_header_values(exercise(setup, request, app_headers))


@over_every_request
def test_allow_origin_is_star_or_an_origin_the_oracle_allows(
    setup: Setup, request: Request, app_headers: tuple[tuple[str, str], ...]
) -> None:
    """ACAO is `*` for an any-origin policy without credentials, else exactly an allowed origin."""
    outcome = exercise(setup, request, app_headers)
    invariants.check_allow_origin(outcome, setup.policy_for(request.path), request.environ())


@over_every_request
def test_refused_origin_never_gets_access_control_headers(
    setup: Setup, request: Request, app_headers: tuple[tuple[str, str], ...]
) -> None:
    """Not one `Access-Control-*` header goes to an origin the policy does not allow."""
    outcome = exercise(setup, request, app_headers)
    invariants.check_refused_origin_gets_nothing(
        outcome, setup.policy_for(request.path), request.environ()
    )


@over_every_request
def test_vary_always_contains_origin_on_matched_resources(
    setup: Setup, request: Request, app_headers: tuple[tuple[str, str], ...]
) -> None:
    """Allowed, refused and origin-less responses all vary on Origin, so caches stay correct; a
    public resource answers `*` to all of them and needs no Vary."""
    outcome = exercise(setup, request, app_headers)
    invariants.check_vary(outcome, setup.policy_for(request.path), request.environ(), app_headers)


@over_every_request
def test_app_called_exactly_when_request_is_not_a_preflight(
    setup: Setup, request: Request, app_headers: tuple[tuple[str, str], ...]
) -> None:
    """Preflights on configured paths never reach the app; everything else reaches it once."""
    outcome = exercise(setup, request, app_headers)
    invariants.check_app_called(outcome, setup.policy_for(request.path), request.environ())


@over_every_request
def test_preflight_grants_only_configured_methods_and_headers(
    setup: Setup, request: Request, app_headers: tuple[tuple[str, str], ...]
) -> None:
    """A 200 preflight grants a token method and token header names the policy allows."""
    outcome = exercise(setup, request, app_headers)
    invariants.check_preflight_grant(outcome, setup.policy_for(request.path), request.environ())


@over_every_request
def test_every_response_passes_wsgiref_validate(
    setup: Setup, request: Request, app_headers: tuple[tuple[str, str], ...]
) -> None:
    """`wsgiref.validate` wraps both sides of the middleware; any violation raises in run()."""
    outcome = exercise(setup, request, app_headers)
    assert isinstance(outcome.headers, list)


@given(setup=setups(), request=requests())
def test_decide_agrees_with_the_oracle_and_the_adapter_carries_it_out(
    setup: Setup, request: Request
) -> None:
    """The one dispatch against the independent model: the kind of request and the grant; then the
    WSGI adapter sends exactly the decision's CORS headers."""
    headers = {
        "Access-Control-Request-Method": request.request_method,
        "Access-Control-Request-Headers": request.request_headers,
        "Access-Control-Request-Private-Network": request.private_network,
    }
    decision = setup.make(SpyApp()).explain(
        request.method,
        router_path(request.path),
        origin=request.origin,
        headers={k: v for k, v in headers.items() if v is not None},
    )
    policy = setup.policy_for(request.path)
    environ = request.environ()
    if policy is None:
        expected_kind = "unmatched"
    elif request.origin is None:
        expected_kind = "non-cors"
    else:
        expected_kind = "preflight" if invariants.is_preflight(environ) else "actual"
    assert decision.kind == expected_kind
    if decision.allowed:
        assert policy is not None
        assert request.origin is not None
        assert policy.may_allow(request.origin)
    if expected_kind == "actual" and policy is not None and request.origin is not None:
        assert decision.allowed or not policy.must_allow(request.origin)
    outcome = exercise(setup, request, ())
    sent = {(k.lower(), v) for k, v in outcome.cors_headers()}
    explained = {(k.lower(), v) for k, v in decision.headers if k.lower() != "vary"}
    assert sent == explained
