"""The Public Suffix List as corsware reads it: rules, the list it picks, and a check against a peer."""

from __future__ import annotations

import importlib
import importlib.util
import random
import re
import subprocess
import sys
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

import publicsuffixlist
import pytest

from corsware import publicsuffix
from corsware.publicsuffix import (
    covers_public_suffix,
    is_public_suffix,
    registrable_domain,
    suffix_list_source,
)

MPL_NOTICE = (
    "// This Source Code Form is subject to the terms of the Mozilla Public\n"
    "// License, v. 2.0. If a copy of the MPL was not distributed with this\n"
    "// file, You can obtain one at https://mozilla.org/MPL/2.0/.\n"
)


@pytest.mark.parametrize(
    ("domain", "public"),
    [
        pytest.param("com", True, id="icann tld"),
        pytest.param("uk", True, id="country-code tld"),
        pytest.param("co.uk", True, id="icann second level"),
        pytest.param("ne.jp", True, id="japanese registry label"),
        pytest.param("tokyo.jp", True, id="japanese prefecture"),
        pytest.param("github.io", True, id="private section"),
        pytest.param("s3.amazonaws.com", True, id="private three labels"),
        pytest.param("eu.org", True, id="private free registry"),
        pytest.param("up.railway.app", True, id="private under a new gtld"),
        pytest.param("foo.ck", True, id="wildcard rule"),
        pytest.param("foo.kawasaki.jp", True, id="wildcard rule at the third level"),
        pytest.param("teams.replit.dev", True, id="wildcard match that is also a wildcard base"),
        pytest.param("x.teams.replit.dev", True, id="nested wildcard rule"),
        pytest.param("xn--55qx5d.cn", True, id="internationalised rule in punycode"),
        pytest.param("example", True, id="unlisted tld by the implicit rule"),
        pytest.param("ck", True, id="tld with only a wildcard rule"),
        pytest.param("www.ck", False, id="exception to a wildcard"),
        pytest.param("city.kawasaki.jp", False, id="exception at the third level"),
        pytest.param("foo.www.ck", False, id="below an exception"),
        pytest.param("example.com", False, id="registered domain"),
        pytest.param("www.example.co.uk", False, id="host under a registry label"),
        pytest.param("foo.github.io", False, id="one tenant of a private suffix"),
        pytest.param("amazonaws.com", False, id="parent of a private suffix"),
        pytest.param("replit.dev", False, id="base of a wildcard rule"),
        pytest.param("kobe.jp", False, id="unlisted base of a wildcard rule"),
        pytest.param("a.foo.ck", False, id="below a wildcard match"),
        pytest.param("co.example", False, id="registry label under an unlisted tld"),
        pytest.param("xn--55qx5d.example", False, id="punycode label under an unlisted tld"),
    ],
)
def test_is_public_suffix(domain: str, public: bool) -> None:
    assert is_public_suffix(domain) is public


@pytest.mark.parametrize(
    ("domain", "covered"),
    [
        pytest.param("amazonaws.com", True, id="parent of s3.amazonaws.com"),
        pytest.param("com", True, id="tld"),
        pytest.param("co.uk", True, id="icann second level"),
        pytest.param("github.io", True, id="private suffix"),
        pytest.param("eu.org", True, id="private free registry"),
        pytest.param("duckdns.org", True, id="dynamic dns"),
        pytest.param("cloudfunctions.net", True, id="cloud functions"),
        pytest.param("replit.dev", True, id="base of a wildcard rule"),
        pytest.param("azurefd.net", True, id="front door"),
        pytest.param("railway.app", True, id="parent of a three-label suffix"),
        pytest.param("ck", True, id="tld with only a wildcard rule"),
        pytest.param("kawasaki.jp", True, id="base of a wildcard rule at the second level"),
        pytest.param("kobe.jp", True, id="unlisted base of a wildcard rule"),
        pytest.param("jp", True, id="grandparent of wildcard matches"),
        pytest.param("example", True, id="unlisted tld"),
        pytest.param("example.com", False, id="registered domain"),
        pytest.param("foo.github.io", False, id="one tenant"),
        pytest.param("example.co.uk", False, id="registered under a registry label"),
        pytest.param("www.ck", False, id="exception to a wildcard"),
        pytest.param("bucket.s3.amazonaws.com", False, id="one bucket"),
        pytest.param("co.example", False, id="under an unlisted tld"),
    ],
)
def test_covers_public_suffix(domain: str, covered: bool) -> None:
    assert covers_public_suffix(domain) is covered


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        pytest.param("example.com", "example.com", id="registrable domain itself"),
        pytest.param("a.b.c.example.com", "example.com", id="deep host"),
        pytest.param("www.example.co.uk", "example.co.uk", id="under a registry label"),
        pytest.param("foo.github.io", "foo.github.io", id="tenant of a private suffix"),
        pytest.param("api.foo.github.io", "foo.github.io", id="host of a tenant"),
        pytest.param("bucket.s3.amazonaws.com", "bucket.s3.amazonaws.com", id="three-label suffix"),
        pytest.param("a.b.ck", "a.b.ck", id="under a wildcard match"),
        pytest.param("www.ck", "www.ck", id="exception"),
        pytest.param("a.www.ck", "www.ck", id="below an exception"),
        pytest.param("app.localhost", "app.localhost", id="unlisted tld"),
        pytest.param("www.xn--fiqs8s.xn--55qx5d.cn", "xn--fiqs8s.xn--55qx5d.cn", id="punycode"),
        pytest.param("kobe.jp", "kobe.jp", id="unlisted base of a wildcard rule"),
        pytest.param("hosting.ovh.net", "ovh.net", id="private unlisted base of a wildcard rule"),
        pytest.param("com", None, id="tld"),
        pytest.param("co.uk", None, id="second-level suffix"),
        pytest.param("github.io", None, id="private suffix"),
        pytest.param("b.ck", None, id="wildcard match"),
        pytest.param("example", None, id="unlisted tld alone"),
    ],
)
def test_registrable_domain(host: str, expected: str | None) -> None:
    assert registrable_domain(host) == expected


def test_source_names_the_list_in_use() -> None:
    pattern = (
        r"the Public Suffix List of \d{4}-\d{2}-\d{2} (shipped with corsware|from publicsuffixlist \S+)"
    )
    assert re.fullmatch(pattern, suffix_list_source())


# --- which list: the shipped snapshot or a newer one from an installed publicsuffixlist ------------

SHIPPED_DAY = publicsuffix._shipped_list().day
NEWER = SHIPPED_DAY + timedelta(days=30)
OLDER = SHIPPED_DAY - timedelta(days=30)
FAKE_RULE = "corsware-fake.example"


def version_of(day: date) -> str:
    return f"9.9.9.{day:%Y%m%d}"


def fake_list(header: str | None) -> bytes:
    version = "" if header is None else f"// VERSION: {header}_08-00-00_UTC\n"
    return f"{MPL_NOTICE}\n{version}\n// ===BEGIN PRIVATE DOMAINS===\n{FAKE_RULE}\n".encode()


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder that stands for site-packages: the only place publicsuffixlist can be found."""
    # The process's own list is loaded first, from the real environment, so that nothing these
    # tests lay out can become the list the rest of the process sees.
    publicsuffix._rules()
    real = importlib.util.find_spec("publicsuffixlist")
    assert real is not None
    assert real.origin is not None
    real_site = Path(real.origin).parent.parent.resolve()
    kept = [entry for entry in sys.path if Path(entry or ".").resolve() != real_site]
    monkeypatch.setattr(sys, "path", [str(tmp_path), *kept])
    monkeypatch.delitem(sys.modules, "publicsuffixlist")
    importlib.invalidate_caches()
    return tmp_path


def install(
    site: Path,
    *,
    data: bytes | None,
    version: str | None,
    regular: bool = True,
) -> None:
    """Lay out a publicsuffixlist as pip installs it: a package folder and its dist-info."""
    package = site / "publicsuffixlist"
    package.mkdir()
    if regular:
        (package / "__init__.py").write_text("raise ImportError('corsware must not import me')\n")
    if data is not None:
        (package / "public_suffix_list.dat").write_bytes(data)
    if version is not None:
        info = site / f"publicsuffixlist-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: publicsuffixlist\nVersion: {version}\n", encoding="utf-8"
        )


SHIPPED = f"the Public Suffix List of {SHIPPED_DAY} shipped with corsware"


@pytest.mark.parametrize(
    ("header", "version", "expected"),
    [
        pytest.param(
            str(NEWER),
            version_of(NEWER),
            f"the Public Suffix List of {NEWER} from publicsuffixlist {version_of(NEWER)}",
            id="newer list is used",
        ),
        pytest.param(
            str(NEWER),
            "9.9.9",
            f"the Public Suffix List of {NEWER} from publicsuffixlist 9.9.9",
            id="newer header and a version without a date",
        ),
        pytest.param(str(OLDER), version_of(NEWER), SHIPPED, id="header date wins over a newer version"),
        pytest.param(str(SHIPPED_DAY), version_of(NEWER), SHIPPED, id="same date keeps the snapshot"),
        pytest.param(
            None,
            version_of(NEWER),
            f"the Public Suffix List of {NEWER} from publicsuffixlist {version_of(NEWER)}",
            id="no header, newer version date",
        ),
        pytest.param(None, version_of(OLDER), SHIPPED, id="no header, older version date"),
        pytest.param(None, "9.9.9", SHIPPED, id="no date at all"),
        pytest.param(
            "2026-13-40",
            version_of(NEWER),
            f"the Public Suffix List of {NEWER} from publicsuffixlist {version_of(NEWER)}",
            id="impossible header date falls back to the version",
        ),
        pytest.param("2026-13-40", "9.9.9.20261340", SHIPPED, id="impossible dates everywhere"),
    ],
)
def test_list_selection_by_date(site: Path, header: str | None, version: str, expected: str) -> None:
    install(site, data=fake_list(header), version=version)
    rules = publicsuffix._parse(publicsuffix._select())
    assert rules.source == expected
    assert is_public_suffix(FAKE_RULE) is False, "the memo of this process is not touched"
    from_package = expected != SHIPPED
    assert (rules.suffix_labels(f"app.{FAKE_RULE}") == 2) is from_package
    assert (rules.suffix_labels("app.github.io") == 2) is not from_package
    assert "publicsuffixlist" not in sys.modules


@pytest.mark.parametrize(
    ("data", "version", "regular"),
    [
        pytest.param(None, version_of(NEWER), True, id="package without its list file"),
        pytest.param(b"\xff\xfe" + fake_list(str(NEWER)), version_of(NEWER), True, id="list not utf-8"),
        pytest.param(fake_list(str(NEWER)), None, True, id="package without metadata"),
        pytest.param(fake_list(str(NEWER)), version_of(NEWER), False, id="namespace folder"),
    ],
)
def test_unusable_package_keeps_the_snapshot(
    site: Path, data: bytes | None, version: str | None, regular: bool
) -> None:
    install(site, data=data, version=version, regular=regular)
    assert publicsuffix._select().source == SHIPPED


@pytest.mark.usefixtures("site")
def test_without_the_package_the_snapshot_is_used() -> None:
    assert importlib.util.find_spec("publicsuffixlist") is None
    assert publicsuffix._select().source == SHIPPED


def test_list_is_read_lazily_once_and_without_importing_the_package() -> None:
    script = (
        "import sys, corsware\n"
        "from corsware import publicsuffix\n"
        "before = publicsuffix._load.cache_info().currsize\n"
        "publicsuffix.is_public_suffix('com'); publicsuffix.registrable_domain('a.example.com')\n"
        "info = publicsuffix._load.cache_info()\n"
        "print(before, info.misses, info.hits, 'publicsuffixlist' in sys.modules)\n"
    )
    completed = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert completed.stdout.split() == ["0", "1", "1", "False"]


# --- the shipped snapshot ------------------------------------------------------------------------


def snapshot_text() -> str:
    return resources.files("corsware").joinpath("public_suffix_list.dat").read_text(encoding="utf-8")


def test_snapshot_ships_its_licence_notice() -> None:
    assert snapshot_text().startswith(MPL_NOTICE)


def test_snapshot_parses_with_both_sections() -> None:
    text = snapshot_text()
    assert "// ===BEGIN ICANN DOMAINS===" in text
    assert "// ===BEGIN PRIVATE DOMAINS===" in text
    rules = publicsuffix._parse(publicsuffix._shipped_list())
    assert len(rules.plain) > 8000
    assert len(rules.wildcard) > 50
    assert "www.ck" in rules.exception
    assert rules.day == SHIPPED_DAY > date(2026, 1, 1)


def test_module_docstring_states_the_snapshot_date() -> None:
    assert publicsuffix.__doc__ is not None
    assert f"the list's version of {SHIPPED_DAY}," in " ".join(publicsuffix.__doc__.split())


# --- the same answers as the publicsuffixlist package on the same list ----------------------------


def sample_domains(rules: publicsuffix._Rules, count: int, seed: int) -> list[str]:
    """Names the list has, with wildcard and exception rules resolved, plus random children."""
    chooser = random.Random(seed)  # noqa: S311 - a reproducible sample, not a secret

    def label() -> str:
        return "".join(chooser.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=chooser.randint(1, 8)))

    named = [
        *chooser.sample(sorted(rules.plain), count),
        *(f"{label()}.{base}" for base in chooser.sample(sorted(rules.wildcard), count // 10)),
        *rules.wildcard,
        *rules.exception,
        "unlisted-tld",
    ]
    domains = []
    for name in named:
        domains += [name, f"{label()}.{name}", f"{label()}.{label()}.{name}"]
    return domains


def test_same_answers_as_publicsuffixlist() -> None:
    ours = publicsuffix._rules()
    theirs = Path(publicsuffixlist.PSLFILE).read_text(encoding="utf-8")
    theirs_day = publicsuffix._list_day(theirs, publicsuffixlist.__version__)
    if theirs_day != ours.day:
        pytest.skip(f"corsware uses the list of {ours.day}, publicsuffixlist has that of {theirs_day}")
    peer = publicsuffixlist.PublicSuffixList()
    domains = sample_domains(ours, count=300, seed=20261022)
    assert len(domains) > 1000
    differences = {}
    for domain in domains:
        suffix = ".".join(domain.split(".")[-ours.suffix_labels(domain) :])
        mine = (suffix, is_public_suffix(domain), registrable_domain(domain))
        peers = (peer.publicsuffix(domain), peer.is_public(domain), peer.privatesuffix(domain))
        if mine != peers:
            differences[domain] = (mine, peers)
    # The one known disagreement: publicsuffixlist counts the base of a "*." rule ("kobe.jp" for
    # "*.kobe.jp") as a public suffix itself, where the list's algorithm matches a rule only against
    # domains with at least as many labels, so "kobe.jp" falls to the "jp" rule (the tables above pin
    # corsware's answer). covers_public_suffix covers such bases either way.
    bases = ours.wildcard - ours.plain
    unexplained = {
        domain: answers
        for domain, answers in differences.items()
        if domain not in bases or answers[1] != (domain, True, None)
    }
    assert unexplained == {}
