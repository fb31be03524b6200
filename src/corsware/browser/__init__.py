"""The browser's side of the Fetch Standard's CORS protocol, as pure functions.

Given what a page asks for (origin, method, headers, credentials mode) and the status and header
list of each response, these modules decide what Chromium, Firefox and WebKit decide:

- `corsware.browser.request`: what fetch() sends: the method and headers script may set, whether
  a preflight request is needed, and what it carries;
- `corsware.browser.checks`: what the browser accepts: the CORS check, the preflight check, which
  response headers script may read, and how long a preflight is cached;
- `corsware.browser.messages`: for each failure, the sentence Chromium prints to the console and
  the fix to make;
- `corsware.browser.verdict`: `simulate`, which runs a request through all of the above over any
  transport, so the CLI runs the same engine over real HTTP (`corsware check`) and against a
  policy (`corsware explain`);
- `corsware.browser.engines`: where Chromium, Firefox and WebKit differ (their preflight caches),
  and `engine_outcomes`, what each of them makes of one simulation.

Nothing here does I/O, and only the standard library is imported. The rules deliberately repeat a
few Fetch constants that corsware.headers also holds: this package is the browser-side oracle that
`corsware check` holds the middleware to, so it shares no code with the server side, where a
shared mistake would make both sides agree on it.
"""

from __future__ import annotations

from corsware.browser.checks import (
    Response,
    authorization_covered_by_wildcard,
    cors_check,
    exposed_header_names,
    get_header,
    parse_header_list,
    preflight_cache_seconds,
    preflight_check,
)
from corsware.browser.engines import (
    ENGINES,
    BrowserEngine,
    EngineOutcome,
    engine_outcomes,
    preflight_reused,
)
from corsware.browser.messages import Failure
from corsware.browser.request import (
    BrowserRequest,
    is_forbidden_request_header,
    is_safelisted_method,
    is_safelisted_request_header,
    needs_preflight,
    normalize_method,
    preflight_request_headers,
    unsafe_request_header_names,
)
from corsware.browser.request import Headers as Headers
from corsware.browser.verdict import Exchange, Transport, Verdict, simulate

__all__ = [
    "ENGINES",
    "BrowserEngine",
    "BrowserRequest",
    "EngineOutcome",
    "Exchange",
    "Failure",
    "Response",
    "Transport",
    "Verdict",
    "authorization_covered_by_wildcard",
    "cors_check",
    "engine_outcomes",
    "exposed_header_names",
    "get_header",
    "is_forbidden_request_header",
    "is_safelisted_method",
    "is_safelisted_request_header",
    "needs_preflight",
    "normalize_method",
    "parse_header_list",
    "preflight_cache_seconds",
    "preflight_check",
    "preflight_request_headers",
    "preflight_reused",
    "simulate",
    "unsafe_request_header_names",
]
