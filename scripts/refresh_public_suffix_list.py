"""Refresh the Public Suffix List snapshot that ships in corsware.

Run it from anywhere, with any Python that has pip (the development environment will do)::

    .venv/bin/python scripts/refresh_public_suffix_list.py

It downloads the newest ``publicsuffixlist`` wheel from PyPI with pip, takes the list out of it,
checks that corsware parses it and gives the expected answers, refuses a list older than the shipped
one, then writes it verbatim (Mozilla Public License notice included) over
``src/corsware/public_suffix_list.dat``, puts its date into the docstring of
``src/corsware/publicsuffix.py`` and prints the list's version. That is the whole refresh: review the
diff, run the tests and commit both files.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from types import ModuleType

PACKAGE = "publicsuffixlist"
SOURCE = Path(__file__).resolve().parent.parent / "src"
SNAPSHOT = SOURCE / "corsware" / "public_suffix_list.dat"
MODULE = SOURCE / "corsware" / "publicsuffix.py"
MEMBER = f"{PACKAGE}/public_suffix_list.dat"
DOCSTRING_DATE = re.compile(r"(?<=the list's version of )\d{4}-\d{2}-\d{2}")
HEADER = "// This Source Code Form is subject to the terms of the Mozilla Public\n"
# Answers any real list gives, one a kind of rule: corsware must read the new list the same way.
EXPECTED = {
    "com": 1,
    "example.com": 1,
    "www.example.co.uk": 2,
    "user.github.io": 2,
    "bucket.s3.amazonaws.com": 3,
    "anything.ck": 2,
    "www.ck": 1,
    "example.unlisted-tld": 1,
}


def download_wheel(folder: Path) -> Path:
    """Download the newest ``publicsuffixlist`` wheel into ``folder`` and return its path."""
    command = [sys.executable, "-m", "pip", "download", PACKAGE, "--no-deps", "--only-binary", ":all:"]
    # The command is fixed above: no shell, no outside input.
    subprocess.run([*command, "--dest", str(folder)], check=True)  # noqa: S603
    (wheel,) = folder.glob(f"{PACKAGE}-*.whl")
    return wheel


def load_parser() -> ModuleType:
    """Load the ``publicsuffix`` module of the source tree alone, without the rest of corsware."""
    spec = importlib.util.spec_from_file_location("corsware_publicsuffix", MODULE)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {MODULE}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def unsupported_rules(text: str) -> list[str]:
    """Rules with a ``*`` other than a leading ``*.`` label, which corsware would read as plain names."""
    rules = (line.split(maxsplit=1) for line in text.splitlines())
    return [
        words[0]
        for words in rules
        if words and not words[0].startswith("//") and "*" in words[0].removeprefix("*.")
    ]


def main() -> int:
    """Refresh the snapshot; return the exit status."""
    publicsuffix = load_parser()
    with tempfile.TemporaryDirectory() as temporary:
        wheel = download_wheel(Path(temporary))
        version = wheel.name.split("-")[1]
        with zipfile.ZipFile(wheel) as archive:
            data = archive.read(MEMBER)
    text = data.decode("utf-8")
    if not text.startswith(HEADER) or "===BEGIN PRIVATE DOMAINS===" not in text:
        print(f"{wheel.name}: {MEMBER} lacks the licence header or the private section", file=sys.stderr)
        return 1
    if odd := unsupported_rules(text):
        print(f"{wheel.name}: rules corsware cannot read: {odd}", file=sys.stderr)
        return 1
    listing = publicsuffix._ListFile(text, publicsuffix._list_day(text, version), wheel.name)
    rules = publicsuffix._parse(listing)
    answers = {domain: rules.suffix_labels(domain) for domain in EXPECTED}
    if answers != EXPECTED:
        print(f"{wheel.name}: unexpected suffix lengths {answers}, expected {EXPECTED}", file=sys.stderr)
        return 1
    shipped = publicsuffix._list_day(SNAPSHOT.read_text(encoding="utf-8"))
    if listing.day < shipped:
        print(
            f"{wheel.name} has the list of {listing.day}, older than the shipped {shipped}",
            file=sys.stderr,
        )
        return 1
    module, replaced = DOCSTRING_DATE.subn(str(listing.day), MODULE.read_text(encoding="utf-8"))
    if replaced != 1:
        print(f"{MODULE}: found {replaced} docstring dates to update, expected 1", file=sys.stderr)
        return 1
    SNAPSHOT.write_bytes(data)
    MODULE.write_text(module, encoding="utf-8")
    header = [
        line[3:] for line in text.splitlines()[:12] if line.startswith(("// VERSION", "// COMMIT"))
    ]
    print(f"Public Suffix List of {listing.day} from {PACKAGE} {version} ({', '.join(header)})")
    print(f"{len(rules.plain) + len(rules.wildcard) + len(rules.exception)} rules, {len(data)} bytes")
    print(f"written to {SNAPSHOT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
