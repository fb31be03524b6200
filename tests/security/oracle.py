"""An independent model of corsware's documented grammar, used as the oracle of the property tests.

Everything here is written from the documents (the origin and path grammar in the README and
CORE_API, the Fetch Standard's origin serialisation) with plain string operations. It never calls
corsware's own parsers or matchers: a bug shared by the code under test and its oracle would hide.

Where the documents leave a case open (an underscore in a host label, a trailing dot, a scheme
other than http/https), the oracle says "unknown" and the property tests only check the safe
direction for it: corsware may refuse such an origin, and may accept it only when the pattern's
structure matches.
"""

from __future__ import annotations

import enum
import ipaddress
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

DEFAULT_PORTS = {"http": "80", "https": "443"}
LOWER_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
# RFC 9110 §5.6.2 tchar.
TCHAR = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
MAX_PORT = 65535
MAX_RESOLVED_SEGMENTS = 256


class Form(enum.Enum):
    """How an `Origin` value relates to the serialisation a browser produces."""

    VALID = "valid"
    UNKNOWN = "unknown"
    INVALID = "invalid"


def _label_form(label: str) -> Form:
    if not label or not set(label) <= LOWER_ALNUM | {"-", "_"}:
        return Form.INVALID
    if "_" in label or len(label) > 63:
        # Browsers emit these (URL parsing allows them); whether corsware accepts them is open.
        return Form.UNKNOWN
    # Leading and trailing hyphens: URL parsing keeps them, and the docs say corsware does too.
    return Form.VALID


def _ipv4_form(host: str) -> Form:
    parts = host.split(".")
    if len(parts) != 4:
        return Form.UNKNOWN
    for part in parts:
        if not part or not part.isascii() or not part.isdigit():
            return Form.UNKNOWN
        if (len(part) > 1 and part[0] == "0") or int(part) > 255:
            # A browser would have canonicalised it; such a value never comes from one.
            return Form.INVALID
    return Form.VALID


def whatwg_ipv6(value: int) -> str:
    """URL §"IPv6 serializer", written out: hex pieces, the first longest run of 2+ zeros as ::."""
    pieces = [(value >> shift) & 0xFFFF for shift in range(112, -1, -16)]
    best_start, best_length = None, 1
    start = None
    for index, piece in enumerate([*pieces, 1]):
        if piece == 0 and start is None:
            start = index
        elif piece != 0 and start is not None:
            if index - start > best_length:
                best_start, best_length = start, index - start
            start = None
    text = [f"{piece:x}" for piece in pieces]
    if best_start is None:
        return ":".join(text)
    return ":".join(text[:best_start]) + "::" + ":".join(text[best_start + best_length :])


def _ipv6_form(host: str) -> Form:
    inner = host[1:-1]
    if not inner or not set(inner) <= set("0123456789abcdef:."):
        return Form.INVALID
    try:
        # Parsing is the same on every Python; printing is not (3.13 prints IPv4-mapped addresses
        # dotted), so the oracle serialises by hand.
        canonical = whatwg_ipv6(int(ipaddress.IPv6Address(inner)))
    except ValueError:
        return Form.INVALID
    return Form.VALID if canonical == inner else Form.INVALID


def ends_in_a_number(host: str) -> bool:
    """URL §"ends in a number checker": the last label is digits, or 0x followed by hex digits."""
    labels = host.split(".")
    if labels[-1] == "" and len(labels) > 1:
        labels.pop()
    last = labels[-1]
    if last and last.isascii() and last.isdigit():
        return True
    return last[:2] in {"0x", "0X"} and all(ch in "0123456789abcdefABCDEF" for ch in last[2:])


def host_form(host: str) -> Form:
    """Classify a host as a browser would serialise it (lower-case, punycode, canonical IP)."""
    if host.startswith("["):
        return _ipv6_form(host) if host.endswith("]") else Form.INVALID
    if not host:
        return Form.INVALID
    if host.endswith("."):
        inner = host_form(host[:-1])
        return Form.INVALID if inner is Form.INVALID else Form.UNKNOWN
    labels = host.split(".")
    if ends_in_a_number(host):
        # The URL parser reads a host ending in a number as IPv4, and writes it as a dotted quad.
        return _ipv4_form(host)
    worst = Form.VALID
    for label in labels:
        form = _label_form(label)
        if form is Form.INVALID:
            return Form.INVALID
        if form is Form.UNKNOWN:
            worst = Form.UNKNOWN
    if len(host) > 253:
        worst = Form.UNKNOWN
    return worst


def port_form(scheme: str, port: str) -> Form:
    """Classify the text after the host's `:` (absent port handled by the caller)."""
    if not port or not port.isascii() or not port.isdigit():
        return Form.INVALID
    if port[0] == "0":
        return Form.UNKNOWN if port == "0" else Form.INVALID
    if int(port) > MAX_PORT or DEFAULT_PORTS.get(scheme) == port:
        return Form.INVALID
    return Form.VALID


@dataclass(frozen=True)
class ParsedOrigin:
    """A split origin; `port` is None when absent."""

    scheme: str
    host: str
    port: str | None


def split_origin(value: str) -> ParsedOrigin | None:
    """Split `scheme://host[:port]` by hand, or None when the shape is wrong."""
    scheme, sep, rest = value.partition("://")
    if not sep:
        return None
    if rest.startswith("["):
        close = rest.find("]")
        if close < 0:
            return None
        host, after = rest[: close + 1], rest[close + 1 :]
        if not after:
            return ParsedOrigin(scheme, host, None)
        if not after.startswith(":"):
            return None
        return ParsedOrigin(scheme, host, after[1:])
    host, colon, port = rest.partition(":")
    return ParsedOrigin(scheme, host, port if colon else None)


def origin_form(value: str) -> Form:
    """Classify an `Origin` header value against the browser's serialisation (Fetch §origin)."""
    if value == "null":
        return Form.VALID
    if not value or not all("!" <= ch <= "~" for ch in value):
        return Form.INVALID
    parsed = split_origin(value)
    if parsed is None:
        return Form.INVALID
    scheme = parsed.scheme
    if not scheme or not scheme[0].isalpha() or not set(scheme) <= LOWER_ALNUM | set("+.-"):
        return Form.INVALID
    if any(ch in value[len(scheme) + 3 :] for ch in "/?#@%\\"):
        return Form.INVALID
    forms = [host_form(parsed.host)]
    if parsed.port is not None:
        forms.append(port_form(scheme, parsed.port))
    if scheme not in DEFAULT_PORTS:
        forms.append(Form.UNKNOWN)
    if Form.INVALID in forms:
        return Form.INVALID
    return Form.UNKNOWN if Form.UNKNOWN in forms else Form.VALID


OriginSpec = str | re.Pattern[str] | Callable[[str], bool]


def pattern_structurally_matches(pattern: OriginSpec, origin: str) -> bool:
    """Whether `origin` has the shape the documented grammar gives `pattern` (form aside).

    Grammar: `*` any origin; `null` only the literal; `scheme://*.domain[:port]` one or more whole
    labels before `.domain`, never the apex; `scheme://host:*` that host with any port or none;
    otherwise an exact, byte-for-byte comparison. Compiled patterns must fullmatch; callables decide.
    """
    if callable(pattern) and not isinstance(pattern, str | re.Pattern):
        return bool(pattern(origin))
    if isinstance(pattern, re.Pattern):
        return pattern.fullmatch(origin) is not None
    if pattern == "*":
        return True
    if "://*." in pattern:
        scheme, _, rest = pattern.partition("://*.")
        domain, colon, port = rest.partition(":")
        parsed = split_origin(origin)
        if parsed is None or parsed.scheme != scheme:
            return False
        if colon and port not in ("*", parsed.port):
            return False
        if not colon and parsed.port is not None:
            return False
        host = parsed.host
        return (
            host.endswith("." + domain)
            and len(host) > len(domain) + 1
            and "" not in host[: -len(domain) - 1].split(".")
        )
    if pattern.endswith(":*"):
        prefix = pattern[:-2]
        if origin == prefix:
            return True
        if not origin.startswith(prefix + ":"):
            return False
        port = origin[len(prefix) + 1 :]
        return port_form(prefix.partition("://")[0], port) is not Form.INVALID
    return origin == pattern


@dataclass(frozen=True)
class PolicyModel:
    """The parts of a `CORSPolicy` the oracle needs, as the property tests generated them."""

    origins: Sequence[OriginSpec] | str = "*"
    credentials: bool = False
    methods: Sequence[str] | str = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
    allow_headers: Sequence[str] | str = "*"
    expose_headers: Sequence[str] = ()
    max_age: int | None = None
    private_network: bool = False
    options: dict[str, object] = field(default_factory=dict)

    @classmethod
    def from_options(cls, options: dict[str, object]) -> PolicyModel:
        """The model of `CORSPolicy(**options)`, with corsware's documented defaults."""
        model = cls(options=dict(options))
        renames = {"allow_credentials": "credentials", "allow_private_network": "private_network"}
        changes = {renames.get(k, k): v for k, v in options.items()}
        if (isinstance(changes.get("origins"), str) and changes["origins"] != "*") or callable(
            changes.get("origins")
        ):
            changes["origins"] = (changes["origins"],)
        elif "origins" in changes and not isinstance(changes["origins"], str):
            changes["origins"] = tuple(changes["origins"])  # type: ignore[arg-type]
        return replace(model, **changes)  # type: ignore[arg-type]

    @property
    def any_origin(self) -> bool:
        """True for the `"*"` policy (`["*"]` means the same)."""
        return self.origins == "*" or tuple(self.origins) == ("*",)

    def patterns(self) -> Sequence[OriginSpec]:
        """The origin patterns as a sequence."""
        return ("*",) if isinstance(self.origins, str) else self.origins

    @property
    def public(self) -> bool:
        """An any-origin policy without credentials: `*` on every response, Origin or not."""
        return self.any_origin and not self.credentials

    def may_allow(self, origin: str) -> bool:
        """Whether corsware is permitted to grant `origin` (the safe direction)."""
        if self.public:
            # `ACAO: *` leaks nothing whatever the Origin said.
            return True
        if origin_form(origin) is Form.INVALID:
            return False
        return any(pattern_structurally_matches(p, origin) for p in self.patterns())

    def must_allow(self, origin: str) -> bool:
        """Whether the documented grammar says `origin` is granted (the complete direction)."""
        if self.public:
            return True
        if origin_form(origin) is not Form.VALID or origin == "null":
            return "null" in self.patterns() and origin == "null"
        return any(pattern_structurally_matches(p, origin) for p in self.patterns())


def remove_dot_segments(path: str) -> str:
    """RFC 3986 §5.2.4, written out step by step."""
    output: list[str] = []
    rest = path
    while rest:
        if rest.startswith("../"):
            rest = rest[3:]
        elif rest.startswith(("./", "/./")):
            rest = rest[2:]
        elif rest == "/.":
            rest = "/"
        elif rest.startswith("/../"):
            rest = rest[3:]
            if output:
                output.pop()
        elif rest == "/..":
            rest = "/"
            if output:
                output.pop()
        elif rest in {".", ".."}:
            rest = ""
        else:
            start = 1 if rest.startswith("/") else 0
            end = rest.find("/", start)
            if end < 0:
                end = len(rest)
            output.append(rest[:end])
            rest = rest[end:]
    return "".join(output)


PathSpec = str | re.Pattern[str]

NOTHING = PolicyModel(origins=())
"""What a path gets whose dot segments lead to another resource than the path itself: nothing."""


def router_path(path_info: str) -> str:
    """PEP 3333 PATH_INFO (bytes as latin-1) as routers read it: the bytes decoded as UTF-8."""
    try:
        return path_info.encode("latin-1").decode("utf-8", "replace")
    except UnicodeEncodeError:
        return path_info


def path_matches(pattern: PathSpec, path: str) -> bool:
    """Whether a resource pattern covers a path as written (no dot-segment resolution)."""
    if isinstance(pattern, re.Pattern):
        return pattern.fullmatch(path) is not None
    if pattern.endswith("/*"):
        prefix = pattern[:-2]
        return path == prefix or path.startswith(prefix + "/")
    return path == pattern


def _first(
    resources: Sequence[tuple[PathSpec, PolicyModel]], path: str
) -> tuple[PathSpec, PolicyModel] | None:
    for pattern, policy in resources:
        if path_matches(pattern, path or "/"):
            return pattern, policy
    return None


def matching_resource(
    resources: Sequence[tuple[PathSpec, PolicyModel]], path_info: str
) -> tuple[PathSpec, PolicyModel] | None:
    """The resource whose policy applies to PATH_INFO, per the documented rule.

    The literal path (decoded from UTF-8) picks the first matching resource, as the router does. If
    the path has a dot segment and resolving the dot segments picks another resource, or the path is
    deeper than 256 segments, nothing is granted (`NOTHING`); no literal match, no resource.
    """
    path = router_path(path_info)
    literal = _first(resources, path)
    if literal is None:
        return None
    segments = path.split("/")
    if any(segment in {".", ".."} for segment in segments):
        if len(segments) - 1 > MAX_RESOLVED_SEGMENTS:
            return literal[0], NOTHING
        resolved = _first(resources, remove_dot_segments(path))
        if resolved is None or resolved[0] is not literal[0]:
            return literal[0], NOTHING
    return literal


def is_token(value: str) -> bool:
    """RFC 9110 §5.6.2 token."""
    return bool(value) and set(value) <= TCHAR


def list_items(value: str) -> list[str]:
    """Split a comma-separated header value into its trimmed items (RFC 9110 §5.6.1)."""
    return [item.strip(" \t") for item in value.split(",")]
