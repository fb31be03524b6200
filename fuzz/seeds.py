"""Seed inputs for each fuzz target, written to a scratch corpus by run.py (no binary files in git)."""

from __future__ import annotations

SEP = "\x1f"

ORIGIN = (
    "https://app.example.com",
    "http://localhost:3000",
    "https://a.b.example.org",
    "http://[::1]:8080",
    "http://127.0.0.1:5000",
    "null",
    "https://example.com.evil.net",
    "https://evilexample.com",
    "HTTPS://APP.EXAMPLE.COM",
    "https://app.example.com:443",
    "https://app.example.com/",
    "https://user@app.example.com",
    "https://app.example.com\r\nX-Injected: 1",
    "chrome-extension://abcdefghijklmnop",
    "https://xn--bcher-kva.example",
    # Origin, then a configured pattern. Found by a CI run: text after `]` was read as the port.
    "p://[::8]" + SEP + "p://[::8]*",
    "http://[::1]:8080" + SEP + "http://[::1]:*",
)

REQUEST_HEADERS = (
    "content-type,x-api-key",
    "authorization",
    "X-Custom, content-type",
    " , ,,",
    "x-a,x-b,x-c,x-d,x-e,x-f",
    "bad header,x-ok",
    "x-api-key\r\nx",
    ",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,",
)

METHODS = ("PUT", "GET", "patch", "GET, DELETE", "E", "OPTIONS", "")

MIDDLEWARE = (
    SEP.join(("OPTIONS", "/api/x", "https://app.example.com", "PUT", "x-api-key", "", "1")),
    SEP.join(("GET", "/", "https://app.example.com")),
    SEP.join(("OPTIONS", "/a/../b", "null", "DELETE", "authorization", "true", "2")),
    SEP.join(("POST", "/x", "https://z.example.net", "", "", "", "3")),
    SEP.join(("OPTIONS", "/", "http://localhost:8000", "GET", "content-type,x-api-key", "", "1")),
    # Found by a two-minute run: a deep path with dot segments (the bound in resources.py).
    SEP.join(("OPTIONS", "/a" + "/.." * 300, "https://app.example.com", "PUT")),
    SEP.join(("GET", "/a" + "/b" * 300 + "/.well-known", "https://app.example.com")),
)

SEEDS: dict[str, tuple[str, ...]] = {
    "fuzz_origin": ORIGIN,
    "fuzz_request_headers": tuple(SEP.join((m, h)) for m in METHODS for h in REQUEST_HEADERS[:4])
    + REQUEST_HEADERS,
    "fuzz_middleware": MIDDLEWARE,
}
