"""Hosts: the forms in which browsers write IP addresses and domain names into an ``Origin``.

Browsers serialise a URL's host as the WHATWG URL Standard says (§"Host serializing"), and the
``Origin`` header carries that serialisation. corsware compares origins exactly, so it must know the
one form a browser produces for every host, on every Python version: ``ipaddress`` prints
IPv4-mapped IPv6 addresses differently from Python 3.13 on, so the serialisation is written here.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from typing import Final

__all__ = [
    "canonical_ipv4",
    "canonical_ipv6",
    "ends_in_a_number",
    "is_loopback_host",
    "suggested_ascii_domain",
]

_HEX_NUMBER: Final = re.compile(r"0[xX][0-9a-fA-F]*")
_OCTAL_NUMBER: Final = re.compile(r"0[0-7]+")
_DECIMAL_NUMBER: Final = re.compile(r"[1-9][0-9]*|0")
_IPV4_PARTS: Final = 4
_PIECE: Final = 0xFFFF
_BYTE: Final = 255
# UTS #46 maps these full stops to "." before splitting a domain into labels.
_FULL_STOPS: Final = str.maketrans(dict.fromkeys("\u3002\uff0e\uff61", "."))


def _ipv4_number(part: str) -> int | None:
    # URL Standard §"IPv4 number parser": 0x for hex (an empty hex part is 0), a leading 0 for octal.
    if _HEX_NUMBER.fullmatch(part):
        return int(part[2:] or "0", 16)
    if _OCTAL_NUMBER.fullmatch(part):
        return int(part, 8)
    if _DECIMAL_NUMBER.fullmatch(part):
        return int(part)
    return None


def _last_label(host: str) -> str:
    parts = host.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    return parts[-1]


def ends_in_a_number(host: str) -> bool:
    """Whether the URL parser reads ``host`` as an IPv4 address (URL §"ends in a number checker").

    True when the last label, ignoring one trailing dot, is all digits or an IPv4 number such as
    ``0x7f000001``; a browser then rewrites the host to its dotted-quad form before sending it.
    """
    last = _last_label(host)
    return bool(last) and ((last.isascii() and last.isdigit()) or _ipv4_number(last) is not None)


def canonical_ipv4(host: str) -> str | None:
    """The dotted quad a browser makes of ``host`` (URL §"IPv4 parser"), or ``None`` if it fails.

    ``127.1``, ``0x7f000001`` and ``0177.0.0.1`` all become ``127.0.0.1``.
    """
    parts = host.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    if len(parts) > _IPV4_PARTS:
        return None
    numbers = [_ipv4_number(part) for part in parts]
    if None in numbers:
        return None
    *leading, last = [number for number in numbers if number is not None]
    if any(number > _BYTE for number in leading) or last >= 256 ** (_IPV4_PARTS + 1 - len(numbers)):
        return None
    address = last
    for index, number in enumerate(leading):
        address += number << (8 * (3 - index))
    return ".".join(str((address >> shift) & _BYTE) for shift in (24, 16, 8, 0))


def canonical_ipv6(address: str) -> str | None:
    """The form a browser writes an IPv6 address in, without brackets, or ``None`` if invalid.

    URL §"IPv6 serializer": lower-case hexadecimal pieces without leading zeros, the first longest run
    of two or more zero pieces written ``::``, and never a dotted IPv4 tail (``::ffff:c0a8:1``, not
    ``::ffff:192.168.0.1``). Zone identifiers are refused: browsers never send one.
    """
    if "%" in address:
        return None
    try:
        value = int(ipaddress.IPv6Address(address))
    except ValueError:
        return None
    pieces = [(value >> (16 * (7 - index))) & _PIECE for index in range(8)]
    start, length = -1, 1
    index = 0
    while index < len(pieces):
        end = index
        while end < len(pieces) and pieces[end] == 0:
            end += 1
        if end - index > length:
            start, length = index, end - index
        index = max(end, index + 1)
    written = [format(piece, "x") for piece in pieces]
    if start < 0:
        return ":".join(written)
    return ":".join(written[:start]) + "::" + ":".join(written[start + length :])


def is_loopback_host(host: str) -> bool:
    """Whether browsers treat ``host`` as loopback: ``localhost`` names, ``127.0.0.0/8`` and ``[::1]``.

    Secure Contexts §"Is origin potentially trustworthy?": such origins count as secure over plain
    http, since their traffic never leaves the machine. IPv4-mapped addresses are not among them.
    """
    host = host.removesuffix(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    if host.startswith("[") and host.endswith("]"):
        return canonical_ipv6(host[1:-1]) == "::1"
    address = canonical_ipv4(host) if ends_in_a_number(host) else None
    return address is not None and address.startswith("127.")


def suggested_ascii_domain(domain: str) -> str:
    """The ASCII form a browser sends for a non-ASCII domain, for a fix suggestion.

    Browsers map domains by UTS #46 without the transitional mapping, so ``straße.de`` stays
    ``xn--strae-oqa.de`` (not ``strasse.de``, as Python's IDNA 2003 codec would have it). This applies
    the same steps for the common cases: full stops, compatibility and case mapping, then Punycode
    for each label that is still not ASCII.
    """
    mapped = unicodedata.normalize(
        "NFKC", unicodedata.normalize("NFKC", domain.translate(_FULL_STOPS)).lower()
    )
    return ".".join(
        label if label.isascii() else "xn--" + label.encode("punycode").decode("ascii")
        for label in mapped.split(".")
    )
