"""`corsware migrate`: the printed configuration builds the middleware the migration helpers build.

The command runs through ``run(args, out, err)`` with a parser made by ``add_arguments``, so these
tests do not depend on how ``corsware.cli`` wires it in (one test runs ``python -m corsware migrate``
once the CLI has the command). Its input is the repository's migration examples and the
configurations in ``tests/fixtures/migrate``, written as flask-cors' and django-cors-headers'
documentation shows them, read with that directory as the current directory, as a project's own
directory would be. The Python output is run, the TOML output loaded with ``load_config``, and each
builds a middleware whose resources equal those of ``CORSMiddleware(app, **from_...(...))``.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import io
import itertools
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import django
import pytest
from django.conf import settings
from flask import Flask

from corsware import CORSConfigError, CORSMiddleware
from corsware.config import load_config
from corsware.migrate import from_django_cors_headers, from_flask_cors
from corsware.migrate.command import HELP, add_arguments, handle, run
from tests.integration.readme import DOCS, Block, blocks

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "migrate"
FLASK_GUIDE = DOCS / "migrate-flask-cors.md"
DJANGO_GUIDE = DOCS / "migrate-django-cors-headers.md"

# Each change the migration guides list, by words only its bullet has.
ANY_ORIGIN = "answers Access-Control-Allow-Origin: *"
SLASH_STAR = "no longer covers /apiary"
ANY_METHOD = "now allows any method"
REJECTED = "403 Forbidden"
BEFORE_REQUEST = "before_request"
ERRORS = "Error responses"
WSGI = "Wrapped in wsgi.py"
FLASK_ALWAYS = {BEFORE_REQUEST, ERRORS}


def noop(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    start_response("204 No Content", [])
    return []


@pytest.fixture(autouse=True)
def project_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """The fixtures' directory as the current one and on sys.path; modules and sys.path restored."""
    monkeypatch.chdir(FIXTURES)
    monkeypatch.setattr(sys, "path", [str(FIXTURES), *sys.path])
    modules = set(sys.modules)
    yield
    # The modules of the fixtures and of the files a test writes, so the next test imports afresh.
    ours = (str(FIXTURES), str(tmp_path_factory.getbasetemp()))
    for name in set(sys.modules) - modules:
        if str(getattr(sys.modules[name], "__file__", "") or "").startswith(ours):
            del sys.modules[name]


def configure_django() -> None:
    """Configure Django once for the process, as tests/test_migrate.py does, unless already done.

    Before examples.migrate_django is imported: it configures Django itself when nobody has.
    """
    if not settings.configured:
        settings.configure(SECRET_KEY="corsware tests", USE_TZ=True)  # noqa: S106
    django.setup()


def migrate(*argv: str) -> tuple[int, str, str]:
    """Exit status, output and errors of ``corsware migrate ARGV``."""
    parser = argparse.ArgumentParser(prog="corsware migrate")
    add_arguments(parser)
    out, err = io.StringIO(), io.StringIO()
    status = run(parser.parse_args(argv), out, err)
    return status, out.getvalue(), err.getvalue()


def named(spec: str) -> Any:
    """What ``MODULE:NAME.NAME`` names, imported as usual."""
    module, _, path = spec.partition(":")
    found: Any = importlib.import_module(module)
    for part in path.split("."):
        found = getattr(found, part)
    return found


def cors_names(found: object) -> dict[str, object]:
    """The ``CORS_*`` names of a module or class, as app.config.from_object reads them."""
    return {name: getattr(found, name) for name in dir(found) if name.startswith("CORS_")}


def changes(output: str) -> list[str]:
    """The bullets of the output's closing comments, each joined into one line."""
    found: list[str] = []
    for line in output.splitlines():
        if line.startswith("# - "):
            found.append(line[4:])
        elif line.startswith("#   ") and found:
            found[-1] += " " + line[4:]
    return found


def kinds(output: str) -> set[str]:
    keys = {ANY_ORIGIN, SLASH_STAR, ANY_METHOD, REJECTED, BEFORE_REQUEST, ERRORS, WSGI}
    found = [{key for key in keys if key in bullet} for bullet in changes(output)]
    assert all(len(each) == 1 for each in found), found
    return {key for each in found for key in each}


_LEADING_FLAGS = re.compile(r"\A(?:\(\?[aimsx]+\))+")


def comparable(middleware: CORSMiddleware) -> list[tuple[object, dict[str, object]]]:
    """A middleware's resources with regexes by what they match, and origins in no order.

    TOML has no flags argument, so the TOML output writes a regex's flags inline (``(?i)``):
    the regex then matches the same, with the same ``.flags``, under another ``.pattern``. And a
    corsware.toml lists literal origins before ``origin_regexes``; the order decides nothing.
    """

    def regex(item: object) -> object:
        if isinstance(item, re.Pattern):
            return ("regex", _LEADING_FLAGS.sub("", item.pattern), item.flags)
        return item

    found = []
    for pattern, policy in middleware.resources:
        values = {f.name: getattr(policy, f.name) for f in dataclasses.fields(policy) if f.compare}
        if isinstance(values["origins"], tuple):
            values["origins"] = frozenset(map(regex, values["origins"]))
        found.append((regex(pattern), values))
    return found


def built_from_python(output: str, peer: str) -> CORSMiddleware:
    namespace: dict[str, Any] = {}
    if peer == "flask-cors":
        namespace["app"] = Flask("migrated")
    else:
        configure_django()
    exec(compile(output, "<corsware migrate>", "exec"), namespace)  # noqa: S102 - the output under test
    middleware = namespace["app"].wsgi_app if peer == "flask-cors" else namespace["application"]
    assert isinstance(middleware, CORSMiddleware)
    return middleware


FLASK = ("--from", "flask-cors")
DJANGO = ("--from", "django-cors-headers")
FLASK_EXAMPLE = "examples.migrate_flask_cors"


def settings_module(module: str, listed: set[str], description: str) -> Any:
    """A row for a Django settings module: the command reads it by name, the reference from it."""
    return pytest.param(
        (*DJANGO, "--settings", module),
        lambda: from_django_cors_headers(importlib.import_module(module)),
        listed,
        id=description,
    )


CASES = [
    pytest.param(
        (
            *FLASK,
            "--config",
            f"{FLASK_EXAMPLE}:app.config",
            "--config",
            f"{FLASK_EXAMPLE}:FLASK_CORS_OPTIONS",
        ),
        lambda: from_flask_cors(
            named(f"{FLASK_EXAMPLE}:app.config"), **named(f"{FLASK_EXAMPLE}:FLASK_CORS_OPTIONS")
        ),
        {ANY_ORIGIN, SLASH_STAR, REJECTED, *FLASK_ALWAYS},
        id="examples/migrate_flask_cors.py: app.config and CORS() keyword arguments",
    ),
    pytest.param(
        (*FLASK, "--config", "flaskapp.app:CORS_OPTIONS", "--config", "flaskapp.app:app.config"),
        lambda: from_flask_cors(named("flaskapp.app:app.config"), **named("flaskapp.app:CORS_OPTIONS")),
        {ANY_ORIGIN, SLASH_STAR, REJECTED, *FLASK_ALWAYS},
        id="a Flask app's config and keyword arguments, in either order",
    ),
    pytest.param(
        (*FLASK, "--config", "flaskapp/config.py"),
        lambda: from_flask_cors(cors_names(importlib.import_module("flaskapp.config"))),
        {REJECTED, *FLASK_ALWAYS},
        id="a config file's CORS_* names: credentials, max_age timedelta, expose_headers string",
    ),
    pytest.param(
        (*FLASK, "--config", "flaskapp.options:ProductionConfig"),
        lambda: from_flask_cors(cors_names(named("flaskapp.options:ProductionConfig"))),
        {REJECTED, *FLASK_ALWAYS},
        id="a config class, read as app.config.from_object reads it",
    ),
    pytest.param(
        (*FLASK, "--config", "flaskapp/options.py:PREVIEWS"),
        lambda: from_flask_cors(**named("flaskapp.options:PREVIEWS")),
        {ANY_METHOD, REJECTED, *FLASK_ALWAYS},
        id="a file's dict: an origin regex before a literal, methods='*'",
    ),
    pytest.param(
        (*FLASK, "--config", "flaskapp.options:OPEN"),
        lambda: from_flask_cors(**named("flaskapp.options:OPEN")),
        {ANY_ORIGIN, ANY_METHOD, *FLASK_ALWAYS},
        id="any origin, method and header: no preflight is refused",
    ),
    pytest.param(
        (*FLASK, "--config", "flaskapp.options:INTERNAL"),
        lambda: from_flask_cors(**named("flaskapp.options:INTERNAL")),
        {REJECTED, *FLASK_ALWAYS},
        id="a compiled path regex with private network access, and a literal path",
    ),
    pytest.param(
        (*FLASK, "--config", "flaskapp.options:REPORTS"),
        lambda: from_flask_cors(**named("flaskapp.options:REPORTS")),
        {SLASH_STAR, REJECTED, *FLASK_ALWAYS},
        id="a path regex with an inline flag, and a resources list",
    ),
    pytest.param(
        (*DJANGO, "--settings", "examples.migrate_django:CORS_SETTINGS"),
        lambda: from_django_cors_headers(named("examples.migrate_django:CORS_SETTINGS")),
        {REJECTED, WSGI},
        id="examples/migrate_django.py: a mapping of settings",
    ),
    settings_module(
        "djangoproject.settings",
        {REJECTED, WSGI},
        "a project's settings: default_headers extended, URL regex, credentials",
    ),
    settings_module(
        "djangoproject.settings_public",
        {ANY_ORIGIN, REJECTED, WSGI},
        "allow all origins on /public/, a few methods, max age 0",
    ),
    settings_module(
        "djangoproject.settings_open",
        {ANY_ORIGIN, WSGI},
        "any origin, method and header: no preflight is refused",
    ),
    settings_module(
        "djangoproject.settings_legacy",
        {REJECTED, WSGI},
        "the old setting names, a compiled regex, private network access",
    ),
    settings_module(
        "djangoproject.settings_previews",
        {REJECTED, WSGI},
        "origin regexes only, one with an inline flag",
    ),
    settings_module(
        "djangoproject.settings_signal", {REJECTED, WSGI}, "no origin allowed: the paths only"
    ),
    settings_module(
        "djangoproject.split.production", {REJECTED, WSGI}, "split settings: production on top of base"
    ),
]


@pytest.mark.parametrize("output_format", ["python", "toml"])
@pytest.mark.parametrize(("argv", "expected", "listed"), CASES)
def test_the_printed_configuration_builds_the_same_middleware(
    argv: tuple[str, ...],
    expected: Callable[[], dict[str, Any]],
    listed: set[str],
    output_format: str,
    tmp_path: Path,
) -> None:
    if argv[1] == "django-cors-headers":
        configure_django()
    status, out, err = migrate(*argv, "--format", output_format)
    assert (status, err) == (0, "")
    assert all(line.isprintable() for line in out.splitlines())
    reference = CORSMiddleware(noop, **expected())
    if output_format == "python":
        assert built_from_python(out, argv[1]).resources == reference.resources
    else:
        (tmp_path / "corsware.toml").write_text(out, encoding="utf-8")
        built = CORSMiddleware(noop, **load_config(tmp_path / "corsware.toml"))
        assert comparable(built) == comparable(reference)
    assert kinds(out) == listed


@pytest.mark.parametrize(
    ("argv", "instances"),
    [
        pytest.param(
            (*FLASK, "--config", f"{FLASK_EXAMPLE}:FLASK_CORS_OPTIONS"),
            '"/public/*", "/api/*"',
            id="both resources, in flask-cors' order",
        ),
        pytest.param((*FLASK, "--config", "flaskapp.options:REPORTS"), '"/v1/users/*"', id="one"),
    ],
)
def test_the_slash_star_change_names_the_patterns_it_applies_to(
    argv: tuple[str, ...], instances: str
) -> None:
    _, out, _ = migrate(*argv)
    [bullet] = [bullet for bullet in changes(out) if SLASH_STAR in bullet]
    assert bullet.endswith(f"This applies to {instances}.")


def test_only_what_differs_is_printed() -> None:
    """The example's shared options are flask-cors' defaults but methods; its resources keep theirs."""
    _, out, _ = migrate(*FLASK, "--config", f"{FLASK_EXAMPLE}:FLASK_CORS_OPTIONS")
    call = out[out.index("app.wsgi_app = CORSMiddleware(") : out.index("\n)\n")]
    assert call.splitlines()[1:] == [
        "    app.wsgi_app,",
        '    methods=["GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE"],',
        '    resources={"/public/*": {}, "/api/*": {}},',
    ]


# ---- the migration guides ------------------------------------------------------------------------


def guide_changes(page: Path) -> list[str]:
    """The bullets of the page's "What changes in the browser", without Markdown or asides."""
    text = page.read_text(encoding="utf-8")
    section = text[text.index("## What changes in the browser") :].split("\n## ")[0]
    bullets: list[str] = []
    for line in section.splitlines():
        if line.startswith("- "):
            bullets.append(line[2:])
        elif line.startswith("  ") and bullets:
            bullets[-1] += " " + line.strip()
    plain = [re.sub(r"\s+", " ", bullet.replace("`", "").replace("**", "")) for bullet in bullets]
    # A closing aside in parentheses points elsewhere on the page.
    return [re.sub(r" \([A-Z][^)]*\)$", "", bullet) for bullet in plain]


@pytest.mark.parametrize(
    ("page", "argv"),
    [
        pytest.param(FLASK_GUIDE, (*FLASK, "--config", "flaskapp.options:EVERYTHING"), id="flask-cors"),
        pytest.param(
            DJANGO_GUIDE,
            (*DJANGO, "--settings", "djangoproject.settings_public"),
            id="django-cors-headers",
        ),
    ],
)
def test_the_changes_are_the_guides_list_in_its_words(page: Path, argv: tuple[str, ...]) -> None:
    """Where every change applies, the output lists each bullet of the guide, in its order."""
    listed = guide_changes(page)
    _, out, _ = migrate(*argv)
    printed = changes(out)
    assert len(printed) == len(listed) >= 3
    for shown, bullet in zip(printed, listed, strict=True):
        assert shown.startswith(bullet)


def section_blocks(page: Path) -> list[Block]:
    return [block for block in blocks(page) if block.section == "`corsware migrate`"]


@pytest.mark.parametrize("page", [FLASK_GUIDE, DJANGO_GUIDE], ids=["flask-cors", "django-cors-headers"])
def test_the_guides_examples_print_what_the_page_shows(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each ``$ corsware migrate`` of the section prints its own lines, or the block after it."""
    for block in blocks(page):
        if block.file_name is not None:
            (tmp_path / block.file_name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / block.file_name).write_text(block.code, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    found = section_blocks(page)
    ran = 0
    for index, block in enumerate(found):
        if block.language != "console":
            continue
        command, *shown = block.code.splitlines()
        argv = command.removeprefix("$ corsware migrate ").split()
        status, out, err = migrate(*argv)
        if shown:
            assert (status, out, err) == (2, "", "\n".join(shown) + "\n"), block.where
        else:
            assert (status, err, out) == (0, "", found[index + 1].code), block.where
        ran += 1
    assert ran >= 2


# ---- refusals ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        pytest.param(
            (*FLASK, "--config", "flaskapp.unsafe:CREDENTIALS_ANY_ORIGIN"),
            lambda: from_flask_cors(**named("flaskapp.unsafe:CREDENTIALS_ANY_ORIGIN")),
            id="flask-cors: credentials with the default origins, a header regex",
        ),
        pytest.param(
            (*FLASK, "--config", "flaskapp/unsafe.py:UNANCHORED"),
            lambda: from_flask_cors(**named("flaskapp.unsafe:UNANCHORED")),
            id="flask-cors: unanchored origin regexes, an unknown option",
        ),
        pytest.param(
            (*DJANGO, "--settings", "djangoproject.settings_unsafe"),
            lambda: from_django_cors_headers(importlib.import_module("djangoproject.settings_unsafe")),
            id="django-cors-headers: null and an unanchored regex with credentials, a removed setting",
        ),
        pytest.param(
            (*DJANGO, "--settings", "djangoproject.settings_allow_all_credentials"),
            lambda: from_django_cors_headers(
                importlib.import_module("djangoproject.settings_allow_all_credentials")
            ),
            id="django-cors-headers: all origins with credentials",
        ),
    ],
)
def test_unsafe_configurations_are_refused_with_every_problem_the_helpers_name(
    argv: tuple[str, ...], expected: Callable[[], dict[str, Any]]
) -> None:
    status, out, err = migrate(*argv)
    with pytest.raises(CORSConfigError) as caught:
        expected()
    problems = caught.value.problems
    assert (status, out) == (2, "")
    printed = " ".join(err.split())
    assert printed.startswith(
        f"corsware migrate: {argv[-1]}: invalid CORS configuration ({len(problems)}"
    )
    for problem in problems:
        assert f" - {' '.join(str(problem).split())} " in printed + " "
    assert sorted(re.findall(r"\[(CORS-E\d+)\]", err)) == sorted(p.code for p in problems)
    assert any(p.code in {"CORS-E004", "CORS-E021"} for p in problems)


SUGGESTED = re.compile(r"(--config|--settings) ([^\s',;][^\s,;]*)|did you mean '([^']+)'")


@pytest.mark.parametrize(
    ("argv", "says", "suggests"),
    [
        pytest.param(
            FLASK,
            "reads flask-cors' options from --config",
            "--config myapp:app.config",
            id="no --config",
        ),
        pytest.param(
            (*FLASK, "--settings", "flaskapp.app:app.config"),
            "reads flask-cors' options from --config",
            "--config flaskapp.app:app.config",
            id="--settings for flask-cors",
        ),
        pytest.param(
            DJANGO,
            "reads the settings module named by --settings",
            "--settings mysite.settings",
            id="no --settings",
        ),
        pytest.param(
            (*DJANGO, "--config", "djangoproject.settings"),
            "reads the settings module named by --settings",
            "--settings djangoproject.settings",
            id="--config for django-cors-headers",
        ),
        pytest.param(
            (*DJANGO, "--settings", "djangoproject/settings.py"),
            "is a file path",
            "--settings djangoproject.settings",
            id="a settings file path",
        ),
        pytest.param(
            (*DJANGO, "--settings", "../settings.py"),
            "is a file path: run corsware from your project's directory",
            "--settings mysite.settings",
            id="a settings file outside the current directory",
        ),
        pytest.param(
            (*DJANGO, "--settings", "djangoproject.settings:"),
            "write MODULE or MODULE:NAME",
            "--settings mysite.settings",
            id="not a module name",
        ),
        pytest.param(
            (*DJANGO, "--settings", "djangoproject.settigns"),
            "there is no module 'djangoproject.settigns'",
            "did you mean 'djangoproject.settings'",
            id="a misspelt settings module",
        ),
        pytest.param(
            (*DJANGO, "--settings", "djangoprojcet.settings"),
            "there is no module 'djangoprojcet'",
            "did you mean 'djangoproject'",
            id="a misspelt package",
        ),
        pytest.param(
            (*DJANGO, "--settings", "missing.settings"),
            "there is no module 'missing' in the current directory",
            None,
            id="a missing package",
        ),
        pytest.param(
            (*DJANGO, "--settings", "djangoproject.settings.production"),
            "there is no module 'djangoproject.settings.production'",
            None,
            id="a module inside a module",
        ),
        pytest.param(
            (*DJANGO, "--settings", "djangoproject.settings:CORS"),
            "module djangoproject.settings has no attribute 'CORS'",
            None,
            id="a missing attribute",
        ),
        pytest.param(
            (*DJANGO, "--settings", "djangoproject"),
            "defines no CORS_* settings",
            None,
            id="settings without CORS_*",
        ),
        pytest.param(
            (*DJANGO, "--settings", "djangoproject.settings_environ"),
            "importing djangoproject.settings_environ failed: KeyError: 'DJANGO_SECRET_KEY'",
            None,
            id="settings that fail on import",
        ),
        pytest.param(
            (*DJANGO, "--settings", "djangoproject.settings_local"),
            "failed: ModuleNotFoundError: No module named 'djangoproject.local_settings'",
            None,
            id="settings that import a missing module",
        ),
        pytest.param(
            (*FLASK, "--config", "nosuch.py:CORS_OPTIONS"),
            "there is no file 'nosuch.py'",
            None,
            id="a missing file",
        ),
        pytest.param(
            (*FLASK, "--config", "flaskapp/broken_config.py"),
            "running flaskapp/broken_config.py failed: NameError",
            None,
            id="a file that fails when it runs",
        ),
        pytest.param(
            (*FLASK, "--config", "flaskapp/options.py:PREVIEW"),
            "the file has no attribute 'PREVIEW'",
            "did you mean 'PREVIEWS'",
            id="a misspelt name in a file",
        ),
        pytest.param(
            (*FLASK, "--config", "flaskapp.app:app.confg"),
            "a Flask has no attribute 'confg'",
            "did you mean 'config'",
            id="a misspelt attribute of the app",
        ),
        pytest.param(
            (*FLASK, "--config", "flaskapp/app"),
            "write FILE.py, FILE.py:NAME, MODULE or MODULE:NAME",
            "--config myapp:app.config",
            id="neither a file nor a module",
        ),
        pytest.param(
            (*FLASK, "--config", "flaskapp.app:app"),
            "is the Flask app, not its flask-cors options",
            "--config flaskapp.app:app.config",
            id="the Flask app instead of its config",
        ),
        pytest.param(
            (*FLASK, "--config", "flaskapp/app.py:app"),
            "is the Flask app, not its flask-cors options",
            "--config flaskapp/app.py:app.config",
            id="the Flask app of a file",
        ),
        pytest.param(
            (*FLASK, "--config", "flaskapp"),
            "module flaskapp defines no CORS_* names",
            None,
            id="a module without CORS_* names",
        ),
        pytest.param(
            (*FLASK, "--config", "flaskapp/wsgi.py"),
            "the file flaskapp/wsgi.py defines no CORS_* names",
            None,
            id="a file without CORS_* names",
        ),
        pytest.param(
            (*FLASK, "--config", "flaskapp.options:ALLOWED"),
            "it names a list, with no CORS_* names",
            None,
            id="neither a mapping nor a namespace",
        ),
        pytest.param(
            (*FLASK, "--config", "flaskapp.options:BY_INDEX"),
            "has a key that is not a string: 0",
            None,
            id="a mapping with keys that are not names",
        ),
        pytest.param(
            (*FLASK, "--config", "flaskapp.options:OPEN", "--config", "flaskapp.options:PREVIEWS"),
            "are both CORS(...) keyword arguments",
            None,
            id="two dicts of keyword arguments",
        ),
        pytest.param(
            (*FLASK, "--config", "flaskapp/config.py", "--config", "flaskapp.app:app.config"),
            "are both mappings of CORS_* keys",
            None,
            id="two app configs",
        ),
    ],
)
def test_what_cannot_be_read_is_a_clear_error(
    argv: tuple[str, ...], says: str, suggests: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DJANGO_SECRET_KEY", raising=False)
    status, out, err = migrate(*argv)
    assert (status, out) == (2, "")
    assert err.startswith("corsware migrate: ")
    message = " ".join(err.split())
    assert says in message
    assert_suggests_nothing_already_written(argv, message, suggests)


def assert_suggests_nothing_already_written(
    argv: tuple[str, ...], message: str, suggests: str | None
) -> None:
    """The suggestion is there, and no suggestion is exactly an option and value the user gave."""
    found = SUGGESTED.findall(message)
    assert (suggests is not None) == bool(found)
    if suggests is not None:
        assert suggests in message
    written = set(itertools.pairwise(argv))
    values = set(argv)
    for option, value, close in found:
        assert (option, value) not in written
        assert close not in values


def test_settings_that_import_corsheaders_say_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # An import of a module set to None in sys.modules fails as an uninstalled one does.
    monkeypatch.setitem(sys.modules, "corsheaders", None)
    monkeypatch.delitem(sys.modules, "corsheaders.defaults", raising=False)
    status, out, err = migrate(*DJANGO, "--settings", "djangoproject.settings")
    message = " ".join(err.split())
    assert (status, out) == (2, "")
    assert "it imports corsheaders, and django-cors-headers is not installed" in message
    assert "pip install django-cors-headers" in message
    assert "default_headers is ('accept', 'authorization', 'content-type'," in message
    assert "default_methods is ('DELETE', 'GET', 'OPTIONS', 'PATCH', 'POST', 'PUT')" in message


# ---- output and messages are escaped -------------------------------------------------------------


def test_problems_are_escaped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A setting named with a terminal escape is shown as Python writes it, never sent as it is."""
    (tmp_path / "hostile_settings.py").write_text(
        'globals()["CORS_\\x1b[2J\\x1b]0;owned\\x07"] = True\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    status, _, err = migrate(*DJANGO, "--settings", "hostile_settings")
    assert status == 2
    assert "CORS_\\x1b[2J\\x1b]0;owned\\x07" in err
    assert all(line.isprintable() for line in err.splitlines())


def test_values_are_escaped_in_both_formats_and_still_build_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Paths with characters a terminal would act on, and regexes no literal string can hold."""
    (tmp_path / "odd_options.py").write_text(
        "import re\n"
        "RESOURCES = {\n"
        '    "/caf\\u202e": {"origins": "https://app.example.com"},\n'
        '    "/tag\\U000e0001": {},\n'
        "    re.compile(r'/q/[\"\\']x$'): {},\n"
        "    re.compile('/nb\\u00a0/\\u2028x$'): {},\n"
        '    "/quote\\"": {},\n'
        "}\n"
        'OPTIONS = {"resources": RESOURCES, "expose_headers": ["X-Total"]}\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(tmp_path)
    options = importlib.import_module("odd_options").OPTIONS
    reference = CORSMiddleware(noop, **from_flask_cors(**options))
    _, python, _ = migrate(*FLASK, "--config", "odd_options:OPTIONS")
    _, toml, _ = migrate(*FLASK, "--config", "odd_options.py:OPTIONS", "--format", "toml")
    for output in (python, toml):
        assert all(line.isprintable() for line in output.splitlines())
    assert "\\u202e" in python
    assert "\\U000e0001" in toml
    assert built_from_python(python, "flask-cors").resources == reference.resources
    (tmp_path / "corsware.toml").write_text(toml, encoding="utf-8")
    assert comparable(CORSMiddleware(noop, **load_config(tmp_path / "corsware.toml"))) == comparable(
        reference
    )


def test_configuration_warnings_are_shown_once_and_the_configuration_printed() -> None:
    status, out, err = migrate(*FLASK, "--config", "flaskapp.options:WEEK")
    assert status == 0
    assert "max_age=604800," in out
    assert err.count("corsware migrate: warning: max_age=604800 is longer than any browser") == 1


# ---- the command line ----------------------------------------------------------------------------


def test_help_documents_the_exit_statuses() -> None:
    parser = argparse.ArgumentParser(prog="corsware migrate")
    add_arguments(parser)
    text = " ".join(parser.format_help().split())
    assert "0 the configuration was printed" in text
    assert "2 a usage error, a module or file that cannot be read, or a configuration" in text
    assert "--from {flask-cors,django-cors-headers}" in text
    assert "flask-cors" in HELP
    assert "django-cors-headers" in HELP


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(("--settings", "x"), id="no --from"),
        pytest.param((*DJANGO, "--settings", "x", "--config", "y"), id="--settings and --config"),
        pytest.param(("--from", "corsheaders"), id="an unknown peer"),
    ],
)
def test_argparse_refuses_what_it_can(argv: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        migrate(*argv)
    assert exited.value.code == 2
    assert "usage: corsware migrate" in capsys.readouterr().err


def test_handle_runs_on_the_standard_streams(capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser(prog="corsware migrate")
    add_arguments(parser)
    assert handle(parser.parse_args([*DJANGO, "--settings", "djangoproject.settings_open"])) == 0
    printed = capsys.readouterr()
    assert "application = CORSMiddleware(" in printed.out
    assert printed.err == ""


@pytest.mark.timeout(60)
def test_python_m_corsware_migrate() -> None:
    command = [
        sys.executable,
        "-m",
        "corsware",
        "migrate",
        *DJANGO,
        "--settings",
        "djangoproject.settings",
    ]
    done = subprocess.run(command, cwd=FIXTURES, capture_output=True, text=True, timeout=50, check=False)  # noqa: S603
    if done.returncode == 2 and "invalid choice: 'migrate'" in done.stderr:
        pytest.skip("corsware.cli does not have the migrate command yet")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == migrate(*DJANGO, "--settings", "djangoproject.settings")[1]
