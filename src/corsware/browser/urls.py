"""URLs as browsers read them: the URL parser a redirect's Location goes through, and address spaces.

`parse_url` follows the URL Standard for the cases a redirect meets; `address_space` classifies a
host for Local Network Access. IP addresses are written in the one form browsers write them, on
every Python version.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import SplitResult, quote, urljoin, urlsplit

from corsware.hosts import canonical_ipv6

__all__ = ["address_space", "parse_url", "split_url"]

_HTTP_SCHEMES = frozenset(["http", "https"])
_C0_CONTROL_OR_SPACE = "".join(chr(c) for c in range(0x21))
_TAB_OR_NEWLINE = str.maketrans("", "", "\t\n\r")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_ENDS_IN_A_NUMBER = re.compile(r"(?:^|\.)(?:0[xX][0-9a-fA-F]*|[0-9]+)\.?$")
# https://url.spec.whatwg.org/#forbidden-domain-code-point, with "%" because a host is
# percent-decoded before the check.
_FORBIDDEN_HOST_CHARACTERS = frozenset(_C0_CONTROL_OR_SPACE + "#%/:<>?@[\\]^|\x7f")
# What stays unencoded besides letters, digits and "_.-~": everything printable but the
# https://url.spec.whatwg.org/#path-percent-encode-set (and "%", so escapes stay as they are), and
# for the query all but the https://url.spec.whatwg.org/#special-query-percent-encode-set.
_PATH_SAFE = "!$%&'()*+,/:;=@[\\]^|"
_QUERY_SAFE = "!$%&()*+,/:;=?@[\\]^`{|}"
# Local Network Access address spaces (https://wicg.github.io/local-network-access/): RFC 1918,
# RFC 3927 link-local, RFC 4193 unique local and IPv6 link-local addresses are "local".
_LOCAL_NETWORKS = tuple(
    ipaddress.ip_network(network)
    for network in (
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "169.254.0.0/16",
        "fc00::/7",
        "fe80::/10",
    )
)


def parse_url(text: str, base: str | None = None) -> str | None:
    r"""Parse a URL (relative to ``base``) roughly as the URL Standard does, or None when it fails.

    https://url.spec.whatwg.org/#concept-basic-url-parser for the cases a redirect meets: leading
    and trailing spaces and control characters, tabs and newlines are removed; ``\`` is ``/`` in
    http(s) URLs; the scheme and host are lower-cased, the default port dropped, and the path and
    query percent-encoded. A URL of another scheme is returned as written, for the caller to
    refuse. The host must be a name without forbidden code points or a bracketed IPv6 address, and
    the port at most 65535.
    """
    text = text.strip(_C0_CONTROL_OR_SPACE).translate(_TAB_OR_NEWLINE)
    scheme_match = _SCHEME.match(text)
    scheme = scheme_match.group()[:-1].lower() if scheme_match else ""
    if scheme and scheme not in _HTTP_SCHEMES:
        return text
    path_end = len(re.split(r"[?#]", text, maxsplit=1)[0])
    text = text[:path_end].replace("\\", "/") + text[path_end:]
    rest = text[len(scheme) + 1 :] if scheme else text
    base_scheme = urlsplit(base).scheme if base is not None else ""
    if not scheme and rest.startswith("//") and base_scheme in _HTTP_SCHEMES:
        scheme = base_scheme
    if scheme and (rest.startswith("/") or scheme != base_scheme):
        # The "special authority ignore slashes state": any number of slashes, then the host.
        url = f"{scheme}://{rest.lstrip('/')}"
    elif base is not None and base_scheme in _HTTP_SCHEMES:
        url = urljoin(base, rest)  # a path, a query, or "http:path" against an http base
    else:
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # "http://[::1", a port out of range or not a number
        return None
    host = parts.hostname or ""
    bracketed = parts.netloc.rpartition("@")[2].startswith("[")
    if bracketed:
        if "%" in host:  # a zone identifier, which URLs cannot carry
            return None
        canonical = canonical_ipv6(host)
        if canonical is None:
            return None
        host = f"[{canonical}]"
    elif not host or set(host) & _FORBIDDEN_HOST_CHARACTERS:
        return None
    elif _ENDS_IN_A_NUMBER.search(host):
        # https://url.spec.whatwg.org/#concept-ipv4-parser: "127.1" and "0x7f.1" are 127.0.0.1,
        # and a host ending in a number that is no IPv4 address is a failure.
        try:
            host = socket.inet_ntoa(socket.inet_aton(host.rstrip(".")))
        except OSError:
            return None
    userinfo = parts.netloc.rpartition("@")[0]
    default_port = {"http": 80, "https": 443}[parts.scheme.lower()]
    netloc = (userinfo + "@" if userinfo else "") + host
    if port is not None and port != default_port:
        netloc += f":{port}"
    path = quote(parts.path or "/", safe=_PATH_SAFE, encoding="utf-8", errors="surrogateescape")
    query = quote(parts.query, safe=_QUERY_SAFE, encoding="utf-8", errors="surrogateescape")
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    return f"{parts.scheme.lower()}://{netloc}{path}{'?' + query if query else ''}{fragment}"


def address_space(host: str) -> str:
    """The Local Network Access address space of a URL's host: loopback, local or public.

    Loopback is ``localhost`` (and its subdomains), 127.0.0.0/8 and ::1; local is a private
    network (RFC 1918, link-local, RFC 4193 fc00::/7, and ``.local`` names); anything else is
    public. Chromium decides by the address it connects to; a name is judged here by its form.
    """
    name = host.lower().strip("[]").rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return "loopback"
    if name.endswith(".local"):
        return "local"
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return "public"
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        return "loopback"
    if any(address in network for network in _LOCAL_NETWORKS):
        return "local"
    return "public"


def split_url(url: str) -> SplitResult | None:
    """``urlsplit(url)``, or None where it fails.

    An origin of another scheme is kept as written, which urlsplit may refuse (``"foo://[x"``).
    """
    try:
        parts = urlsplit(url)
        _ = parts.port
    except ValueError:
        return None
    return parts
