"""Public suffixes: domains under which anyone can get a subdomain, from the Public Suffix List.

corsware refuses an ``https://*.<domain>`` origin with credentials when ``<domain>`` is a public
suffix or the parent of one (``com``, ``co.uk``, ``github.io``, ``amazonaws.com``), and tells whether
two hosts have one owner by their registrable domain. Both come from the Public Suffix List
(https://publicsuffix.org/), ICANN and private sections alike, read with the list's own algorithm:
plain rules, ``*.`` wildcard rules, ``!`` exception rules and the implicit ``*`` rule for a top-level
domain the list does not name.

The list ships inside corsware as ``public_suffix_list.dat``, verbatim with its Mozilla Public License
2.0 notice, taken from the ``publicsuffixlist`` package on PyPI by
``scripts/refresh_public_suffix_list.py``. The shipped snapshot is the list's version of 2026-10-22,
so it lacks the suffixes added since then (the list changes every week or so). When the
``publicsuffixlist`` package is installed and carries a newer list, that list is used instead, which
is the way to pick up new suffixes without a new corsware release; :func:`suffix_list_source` says
which list is in use. The list is read once per process, on first use, never when corsware is
imported.

Domains are given as lower-case ASCII (internationalised labels in their ``xn--`` form) without a
trailing dot.
"""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.resources
import importlib.util
import re
import threading
from datetime import date
from pathlib import Path
from typing import Final, NamedTuple

__all__ = ["covers_public_suffix", "is_public_suffix", "registrable_domain", "suffix_list_source"]

_FILE_NAME: Final = "public_suffix_list.dat"
_PACKAGE: Final = "publicsuffixlist"

# The list's header carries "// VERSION: 2026-10-22_08-36-41_UTC"; the package's version ends in the
# day it was built (1.1.2.20261023), the only date left when a list has no such header.
_HEADER_DATE: Final = re.compile(r"^// VERSION: (\d{4})-(\d{2})-(\d{2})", re.MULTILINE)
_VERSION_DATE: Final = re.compile(r"\.(\d{4})(\d{2})(\d{2})$")


class _ListFile(NamedTuple):
    """One copy of the list: its text, its date, and a sentence saying where it comes from."""

    text: str
    day: date
    source: str


class _Rules(NamedTuple):
    """The parsed list, as sets of ASCII names for lookups of a few hashes per domain."""

    plain: frozenset[str]
    # "*.ck" is kept as "ck": the names one label below it are public suffixes.
    wildcard: frozenset[str]
    # "!www.ck" is kept as "www.ck".
    exception: frozenset[str]
    # Every proper ancestor of a public suffix the list names: "amazonaws.com" for "s3.amazonaws.com",
    # "ck" for "*.ck".
    ancestors: frozenset[str]
    day: date
    source: str

    def suffix_labels(self, domain: str) -> int:
        """How many labels of ``domain`` make its public suffix, by the list's prevailing rule."""
        labels = domain.split(".")
        matched = 1  # the implicit "*" rule
        excepted: int | None = None
        name = ""
        for count, label in enumerate(reversed(labels), start=1):
            name = f"{label}.{name}" if name else label
            # The list's "Algorithm": an exception rule prevails over every other matching rule,
            # whatever their lengths, and a rule matches only domains of at least as many labels, so
            # "*.kobe.jp" does not match "kobe.jp".
            if name in self.exception:
                excepted = count - 1
            elif name in self.plain:
                matched = count
            if count < len(labels) and name in self.wildcard:
                matched = count + 1
        return matched if excepted is None else excepted


def _ascii(rule: str) -> str:
    """A rule with its internationalised labels in ``xn--`` form, the form hosts arrive in."""
    if rule.isascii():
        return rule
    # The list's labels are already lower-case NFC, so plain Punycode gives their IDNA 2008 A-labels.
    return ".".join(
        label if label.isascii() else "xn--" + label.encode("punycode").decode("ascii")
        for label in rule.split(".")
    )


def _ancestors(name: str) -> list[str]:
    """``name``'s proper ancestors: ``b.c`` and ``c`` for ``a.b.c``."""
    parts = name.split(".")
    return [".".join(parts[start:]) for start in range(1, len(parts))]


def _parse(listing: _ListFile) -> _Rules:
    """Read the list's rules: one a line, up to the first whitespace, ``//`` lines being comments."""
    plain: set[str] = set()
    wildcard: set[str] = set()
    exception: set[str] = set()
    ancestors: set[str] = set()
    for line in listing.text.splitlines():
        words = line.split(maxsplit=1)
        if not words or words[0].startswith("//"):
            continue
        rule = _ascii(words[0])
        # Every wildcard in the list is a leading "*." label; the refresh script refuses any other.
        if rule.startswith("!"):
            exception.add(rule[1:])
        elif rule.startswith("*."):
            wildcard.add(rule[2:])
            ancestors.add(rule[2:])
            ancestors.update(_ancestors(rule[2:]))
        else:
            plain.add(rule)
            ancestors.update(_ancestors(rule))
    return _Rules(
        frozenset(plain),
        frozenset(wildcard),
        frozenset(exception),
        frozenset(ancestors),
        listing.day,
        listing.source,
    )


def _list_day(text: str, version: str = "") -> date:
    """The date of a list: its header's, else its package version's, else the earliest date."""
    for found in (_HEADER_DATE.search(text), _VERSION_DATE.search(version)):
        if found is not None:
            try:
                return date(*map(int, found.groups()))
            except ValueError:  # a date that does not exist, such as 2026-13-40
                continue
    return date.min


def _shipped_list() -> _ListFile:
    """The snapshot shipped in corsware."""
    text = importlib.resources.files(__package__).joinpath(_FILE_NAME).read_text(encoding="utf-8")
    day = _list_day(text)
    return _ListFile(text, day, f"the Public Suffix List of {day} shipped with corsware")


def _installed_list() -> _ListFile | None:
    """The list of the installed ``publicsuffixlist`` package, found without importing it."""
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent
    # The metadata beside the package folder, so that the version is that of the copy found.
    found = importlib.metadata.distributions(name=_PACKAGE, path=[str(folder.parent)])
    distribution = next(iter(found), None)
    if distribution is None:
        return None
    try:
        text = (folder / _FILE_NAME).read_text(encoding="utf-8")
    except (OSError, ValueError):  # missing, unreadable or not UTF-8: a copy not to rely on
        return None
    version = distribution.version
    day = _list_day(text, version)
    return _ListFile(text, day, f"the Public Suffix List of {day} from {_PACKAGE} {version}")


def _select() -> _ListFile:
    """The shipped snapshot, or the installed package's list when that one is newer."""
    shipped = _shipped_list()
    installed = _installed_list()
    if installed is not None and installed.day > shipped.day:
        return installed
    return shipped


@functools.lru_cache(maxsize=1)
def _load() -> _Rules:
    return _parse(_select())


# Two threads making their first lookup at once would otherwise both parse the list.
_LOADING: Final = threading.Lock()


def _rules() -> _Rules:
    with _LOADING:
        return _load()


def is_public_suffix(domain: str) -> bool:
    """Whether ``domain`` is a public suffix, such as ``com``, ``co.uk`` or ``github.io``.

    The base of a wildcard rule is not one unless the list names it too: ``kobe.jp`` (under
    ``*.kobe.jp``) is not, as the list's algorithm has it; :func:`covers_public_suffix` covers it.

    Args:
        domain: a lower-case ASCII domain (``xn--`` labels), without a trailing dot.

    Returns:
        True when the list's prevailing rule for ``domain`` covers all of it, so that anyone may
        register a name directly under it.
    """
    return _rules().suffix_labels(domain) == domain.count(".") + 1


def covers_public_suffix(domain: str) -> bool:
    """Whether ``domain`` is a public suffix or a proper ancestor of one.

    ``*.<domain>`` then matches hosts that strangers can get: ``amazonaws.com`` (above
    ``s3.amazonaws.com``), ``com``, ``github.io``, ``ck`` (above ``*.ck``). ``example.com`` and
    ``foo.github.io`` are not covered.

    Args:
        domain: a lower-case ASCII domain (``xn--`` labels), without a trailing dot.

    Returns:
        True when some public suffix is ``domain`` or lies below it.
    """
    return domain in _rules().ancestors or is_public_suffix(domain)


def registrable_domain(host: str) -> str | None:
    """The registrable domain of ``host``: its public suffix and one label more (eTLD+1).

    Two hosts with the same registrable domain belong to the same owner: ``api.example.co.uk`` and
    ``www.example.co.uk`` share ``example.co.uk``; ``a.github.io`` and ``b.github.io`` share none.

    Args:
        host: a lower-case ASCII host name (``xn--`` labels), without a trailing dot.

    Returns:
        The registrable domain, or None when ``host`` is itself a public suffix.
    """
    labels = host.split(".")
    suffix = _rules().suffix_labels(host)
    if suffix == len(labels):
        return None
    return ".".join(labels[-suffix - 1 :])


def suffix_list_source() -> str:
    """A sentence naming the Public Suffix List in use and its date, for messages and reports.

    Returns:
        Such as "the Public Suffix List of 2026-10-22 shipped with corsware", or "the Public Suffix
        List of 2026-11-30 from publicsuffixlist 1.1.3.20261130" when that installed package has a
        newer list.
    """
    return _rules().source
