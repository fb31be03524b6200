"""Hypothesis generators for origins, origin patterns, policies, paths and whole WSGI requests.

Generators build values from the grammar's parts (labels, hosts, ports) and then mutate them the
way attackers do (suffix look-alikes, case changes, injected CR/LF, stray paths), so every run
explores both what must match and what must not.
"""

from __future__ import annotations

import functools
import ipaddress

from hypothesis import strategies as st

from .invariants import Request
from .oracle import PolicyModel

# Every character a WSGI server can hand us in an environ value (PEP 3333: latin-1 decoded).
LATIN1 = st.characters(min_codepoint=0, max_codepoint=255)
# A few reserved names keep the generated domains apart from the real world.
APEXES = ("example.com", "example.org", "test.example", "a.b.example.net")
SAFELISTED = ("GET", "HEAD", "POST")
OTHER_METHODS = ("PUT", "PATCH", "DELETE", "OPTIONS", "QUERY", "PURGE")
HEADER_NAMES = (
    "x-api-key",
    "content-type",
    "x-requested-with",
    "authorization",
    "x-custom",
    "if-match",
)


# Label and TLD pools keep generation cheap (sampling is one draw) while covering the shapes that
# matter: digits, hyphens, punycode, one-letter labels, labels that are suffixes of each other.
LABELS = (
    "a",
    "z",
    "0",
    "9",
    "app",
    "api",
    "www",
    "evil",
    "example",
    "ex",
    "ample",
    "xample",
    "a-b",
    "a1",
    "1a",
    "xn--bcher-kva",
    "xn--80ak6aa92e",
    "sub",
    "deep",
    "github",
    "co",
    "com",
    "localhost",
    "test",
    "aa",
    "eviexample",
    "le",
)
TLDS = ("com", "org", "net", "io", "dev", "co", "uk", "example", "test", "invalid", "xn--p1ai")


@functools.cache
def labels() -> st.SearchStrategy[str]:
    """One DNS label of the conservative shape every reading of the grammar accepts."""
    return st.sampled_from(LABELS)


@functools.cache
@st.composite
def domains(draw: st.DrawFn) -> str:
    """A lower-case domain that ends in a letter label (so it is never read as IPv4)."""
    head = draw(st.lists(labels(), min_size=0, max_size=3))
    tld = draw(st.sampled_from(TLDS))
    return ".".join([*head, tld]) if head else draw(st.sampled_from(APEXES))


@functools.cache
def ipv4_hosts() -> st.SearchStrategy[str]:
    """Dotted-quad IPv4 hosts as browsers serialise them."""
    return st.integers(0, 2**32 - 1).map(lambda n: str(ipaddress.IPv4Address(n)))


@functools.cache
def ipv6_hosts() -> st.SearchStrategy[str]:
    """Bracketed RFC 5952 IPv6 hosts as browsers serialise them."""
    return st.one_of(
        st.just("[::1]"),
        st.integers(0, 2**128 - 1).map(lambda n: f"[{ipaddress.IPv6Address(n).compressed}]"),
    )


@functools.cache
def hosts() -> st.SearchStrategy[str]:
    """Any host a browser puts in an origin."""
    return st.one_of(domains(), domains(), ipv4_hosts(), ipv6_hosts(), st.just("localhost"))


@functools.cache
def ports(scheme: str) -> st.SearchStrategy[str]:
    """A canonical, non-default port."""
    default = 80 if scheme == "http" else 443
    return st.integers(1, 65535).filter(lambda p: p != default).map(str)


@functools.cache
@st.composite
def valid_origins(draw: st.DrawFn) -> str:
    """A serialised origin exactly as a browser sends it."""
    scheme = draw(st.sampled_from(("https", "http")))
    host = draw(hosts())
    if draw(st.booleans()):
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{draw(ports(scheme))}"


# Bypass attempts as data: ("append", text), ("replace", old, new) or ("upper",). Plain tuples keep
# Hypothesis' failure reports readable and cheap to build.
MUTATIONS: tuple[tuple[str, ...], ...] = (
    ("append", "/"),
    ("append", "/path"),
    ("append", "?q"),
    ("append", "#f"),
    ("append", ".evil.net"),
    ("append", "\r\nSet-Cookie: a=b"),
    ("append", "\n"),
    ("append", "\x00"),
    ("append", " "),
    ("append", ":"),
    ("append", ":443"),
    ("append", ":80"),
    ("append", ":0443"),
    ("append", ":99999"),
    ("append", "\u00e9"),
    ("append", ",https://evil.example"),
    ("prepend", " "),
    ("prepend", "null "),
    ("upper",),
    ("replace", "://", "://evil"),
    ("replace", "://", "://evil."),
    ("replace", "://", "://user@"),
    ("replace", "://", ":/"),
    ("replace", "://", "://."),
    ("replace", ".", "x"),
    ("replace", ".", ".."),
    ("replace", "https", "http"),
    ("replace", "http:", "https:"),
    ("replace", "e", "\u0435"),
)


def mutate(origin: str, mutation: tuple[str, ...]) -> str:
    """Apply one bypass attempt to an origin."""
    kind, *args = mutation
    if kind == "append":
        return origin + args[0]
    if kind == "prepend":
        return args[0] + origin
    if kind == "upper":
        return origin.upper()
    return origin.replace(args[0], args[1], 1)


@functools.cache
@st.composite
def hostile_origins(draw: st.DrawFn, near: str | None = None) -> str:
    """An origin that differs from a valid one the way bypass attempts do."""
    base = near if near is not None else draw(valid_origins())
    return mutate(base, draw(st.sampled_from(MUTATIONS)))


# IP literals a browser would have canonicalised: they never come from one.
NON_CANONICAL_IPS = (
    "http://127.1",
    "http://0x7f.0.0.1",
    "http://2130706433",
    "http://01.2.3.4",
    "http://1.2.3.256",
    "http://[::1",
    "http://[0]",
    "http://[0:0:0:0:0:0:0:1]",
    "http://[::FFFF:1.2.3.4]",
    "http://[::ffff:1.2.3.4]",
    "http://localhost:80",
    "https://localhost:443",
)


@functools.cache
def any_origin_header() -> st.SearchStrategy[str]:
    """Whatever a client may put in `Origin`: valid, hostile, `null`, or arbitrary latin-1 text."""
    return st.one_of(
        valid_origins(),
        hostile_origins(),
        st.sampled_from(NON_CANONICAL_IPS),
        st.just("null"),
        st.just(""),
        st.text(LATIN1, max_size=40),
    )


@functools.cache
@st.composite
def origin_patterns(draw: st.DrawFn) -> str:
    """One configured origin string in the documented grammar."""
    kind = draw(st.sampled_from(("exact", "exact", "subdomains", "any-port")))
    scheme = draw(st.sampled_from(("https", "http")))
    if kind == "subdomains":
        return f"{scheme}://*.{draw(domains())}"
    if kind == "any-port":
        return f"{scheme}://{draw(st.sampled_from(('localhost', '127.0.0.1', '[::1]')))}:*"
    return draw(valid_origins())


def is_loopback_pattern(pattern: str) -> bool:
    """Loopback hosts: credentials with them are fine over plain http (they never cross a network)."""
    host = pattern.partition("://")[2].rpartition(":*")[0] or pattern.partition("://")[2]
    host = host.split("]")[0] + "]" if host.startswith("[") else host.split(":")[0]
    return host in {"localhost", "[::1]"} or host.startswith("127.") or host.endswith(".localhost")


@functools.cache
def header_lists() -> st.SearchStrategy[str]:
    """An `Access-Control-Request-Headers` value: browser-shaped, sloppy, or arbitrary."""
    names = st.lists(st.sampled_from(HEADER_NAMES), max_size=4)
    return st.one_of(
        names.map(lambda n: ",".join(sorted(set(n)))),
        names.map(", ".join),
        st.text(LATIN1, max_size=30),
        st.just(" , ,,"),
    )


@functools.cache
def methods() -> st.SearchStrategy[str]:
    """A request method: the usual ones, odd case, or arbitrary text."""
    return st.one_of(
        st.sampled_from(SAFELISTED + OTHER_METHODS),
        st.sampled_from(("options", "get", "put", "GET, DELETE", "PUT,POST", "E", "")),
        st.text(LATIN1, max_size=10),
    )


@functools.cache
def paths() -> st.SearchStrategy[str]:
    """PATH_INFO values: the resources' own paths with traps (case, dots, `+`, encoded slashes)."""
    segment = st.sampled_from(
        ("api", "API", "apiary", "public", "admin", "..", ".", "", "x y", "a+b", "%2F", "%2e%2e")
    )
    built = st.lists(segment, max_size=5).map(lambda parts: "/" + "/".join(parts))
    noisy = st.text(LATIN1, max_size=20).map(lambda s: "/" + s)
    return st.one_of(built, built, noisy)


@functools.cache
@st.composite
def requests(draw: st.DrawFn, origin: st.SearchStrategy[str] | None = None) -> Request:
    """A request of any kind: preflight, actual, non-CORS; browser-like or hostile."""
    preflight = draw(st.booleans())
    return Request(
        method="OPTIONS" if preflight and draw(st.booleans()) else draw(methods()),
        path=draw(paths()),
        origin=draw(optional(origin if origin is not None else any_origin_header())),
        request_method=draw(optional(methods())) if preflight else None,
        request_headers=draw(optional(header_lists())) if preflight else None,
        private_network=draw(optional(st.sampled_from(("true", "false", "TRUE", "")))),
    )


@functools.cache
def optional(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str | None]:
    """`strategy` or an absent header, built once per strategy."""
    return st.none() | strategy


MAX_AGES = st.none() | st.integers(0, 7200)


@functools.cache
@st.composite
def policies(draw: st.DrawFn) -> PolicyModel:
    """A valid policy in the documented grammar, and the options that build it."""
    credentials = draw(st.booleans())
    if not credentials and draw(st.integers(0, 3)) == 0:
        origins: tuple[str, ...] | str = "*"
    else:
        origins = tuple(draw(st.lists(origin_patterns(), min_size=1, max_size=4, unique=True)))
        if credentials:
            # Only what CORS-E012/E013 accept: https or loopback, and subdomain wildcards on
            # registered domains (the reserved apexes), never on a public suffix.
            apex = draw(st.sampled_from(APEXES))
            origins = tuple(
                dict.fromkeys(
                    o.split("*.")[0] + "*." + apex if "://*." in o else o
                    for o in origins
                    if o.startswith("https://") or is_loopback_pattern(o)
                )
            ) or ("https://app.example.com",)
        if not credentials and draw(st.booleans()):
            origins = (*origins, "null")
    method_choice = draw(
        st.one_of(st.just("*"), st.lists(st.sampled_from(SAFELISTED + OTHER_METHODS), max_size=4))
    )
    header_choice = draw(
        st.one_of(st.just("*"), st.lists(st.sampled_from(HEADER_NAMES), max_size=3, unique=True))
    )
    expose = tuple(draw(st.lists(st.sampled_from(("x-total", "etag", "x-request-id")), max_size=2)))
    max_age = draw(MAX_AGES)
    private_network = draw(st.booleans())
    methods_opt = method_choice if method_choice == "*" else tuple(method_choice)
    headers_opt = header_choice if header_choice == "*" else tuple(header_choice)
    options: dict[str, object] = {
        "origins": origins,
        "methods": methods_opt,
        "allow_headers": headers_opt,
        "expose_headers": expose,
        "allow_credentials": credentials,
        "max_age": max_age,
        "allow_private_network": private_network,
    }
    return PolicyModel(
        origins=origins,
        credentials=credentials,
        methods=methods_opt,
        allow_headers=headers_opt,
        expose_headers=expose,
        max_age=max_age,
        private_network=private_network,
        options=options,
    )


@functools.cache
@st.composite
def resource_tables(draw: st.DrawFn) -> list[tuple[str, PolicyModel]]:
    """An ordered resource table without shadowed string patterns (those are config errors)."""
    candidates = ["/api/*", "/api/admin", "/public/*", "/x y", "/a+b", "/API/*", "/exact"]
    chosen = draw(st.lists(st.sampled_from(candidates), min_size=1, max_size=4, unique=True))
    # Keep more specific patterns first so that no string pattern is shadowed.
    chosen.sort(key=lambda p: (-p.count("/"), p.endswith("/*"), p))
    if draw(st.booleans()):
        chosen.append("/*")
    return [(pattern, draw(policies())) for pattern in chosen]
