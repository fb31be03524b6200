"""``corsware migrate``: the corsware configuration equal to a flask-cors or django-cors-headers one.

The peer's configuration is read where it lives: a Django settings module (``--settings``), or the
Python file or module attribute that holds flask-cors' options (``--config``). It is converted by
:func:`~corsware.migrate.from_flask_cors` or :func:`~corsware.migrate.from_django_cors_headers`, which
refuse the unsafe forms, and printed as the smallest equivalent configuration: the options that
differ from corsware's defaults and, within resources, what differs from the keyword options. As
Python it wraps the app the way the migration guides do; as TOML it is a ``corsware.toml`` for
:func:`corsware.config.load_config`. The changes browsers will see follow as comments: those of the
migration guide's list that apply to this configuration.

An argparse command wires it in with :func:`add_arguments` on a subparser and :func:`handle` (or
:func:`run`, given the output streams) as what the subcommand runs.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import inspect
import os
import pkgutil
import re
import runpy
import sys
import textwrap
import warnings
from collections.abc import Callable, Mapping, Sequence
from types import SimpleNamespace
from typing import Any, Final, TextIO

from corsware.errors import CORSConfigError
from corsware.migrate.django_cors_headers import (
    DEFAULT_HEADERS,
    DEFAULT_METHODS,
    from_django_cors_headers,
)
from corsware.migrate.flask_cors import from_flask_cors
from corsware.migrate.output import (
    DJANGO_CHANGES,
    DJANGO_CORS_HEADERS,
    FLASK_CHANGES,
    FLASK_CORS,
    Change,
    as_python,
    as_toml,
    minimal_configuration,
)

__all__ = ["HELP", "add_arguments", "handle", "run"]

_EXIT_PRINTED: Final = 0
_EXIT_USAGE: Final = 2

HELP: Final = "print the corsware configuration equivalent to a flask-cors or django-cors-headers one"
"""The one-line summary for the list of subcommands (``add_parser(..., help=HELP)``)."""

_DESCRIPTION: Final = """\
Print the corsware configuration equivalent to a flask-cors or django-cors-headers one: only the
options that differ from corsware's defaults, as Python to paste in place of the old extension or
as a corsware.toml, followed, as comments, by what changes for browsers. Where the old
configuration was unsafe (credentials with any origin, origin regexes matched only at their start,
flask-cors resources answered by the wrong policy), nothing is printed: every problem is listed
with its code and fix.

Modules are imported with the current directory first on sys.path, as manage.py and flask do:
run the command from your project's directory."""

_EPILOG: Final = """\
examples:
  corsware migrate --from django-cors-headers --settings mysite.settings
  corsware migrate --from flask-cors --config myapp:app.config --config myapp:CORS_OPTIONS
  corsware migrate --from flask-cors --config cors.py:CORS_OPTIONS --format toml > corsware.toml

exit status:
  0  the configuration was printed
  1  the output pipe was closed early (corsware migrate ... | head)
  2  a usage error, a module or file that cannot be read, or a configuration that cannot be
     migrated (every problem is listed, with its code)
  130  interrupted (Ctrl+C)
"""

_ERROR_WIDTH: Final = 80
_IDENTIFIER: Final = r"[^\W\d]\w*"
_DOTTED: Final = rf"{_IDENTIFIER}(?:\.{_IDENTIFIER})*"
_MODULE_SPEC: Final = re.compile(rf"(?P<module>{_DOTTED})(?::(?P<attribute>{_DOTTED}))?")
_FILE_SPEC: Final = re.compile(rf"(?P<file>.+\.py)(?::(?P<attribute>{_DOTTED}))?")


class _MigrateError(Exception):
    """The command cannot print a configuration: the message says why, and what to do instead."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the command's options, description and exit statuses to ``parser`` (an argparse subparser)."""
    parser.description = _DESCRIPTION
    parser.epilog = _EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "--from",
        dest="peer",
        required=True,
        choices=(FLASK_CORS, DJANGO_CORS_HEADERS),
        help="the extension the configuration was written for",
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--settings",
        metavar="MODULE[:NAME]",
        help=(
            "django-cors-headers: the Django settings module whose CORS_* settings to read, such "
            "as mysite.settings (Django need not be configured), or a mapping of the settings "
            "that the module holds in NAME"
        ),
    )
    source.add_argument(
        "--config",
        action="append",
        metavar="SOURCE",
        help=(
            "flask-cors: FILE.py[:NAME] or MODULE[:NAME], the file or module that holds its "
            "options and the name that holds them there: a dict of CORS(...) keyword arguments, "
            "or app.config or another mapping of CORS_* keys (all upper case). Without NAME, the "
            "file's or module's CORS_* names. "
            "Give it twice for both app.config and keyword arguments, as "
            "from_flask_cors(app.config, **options) reads them"
        ),
    )
    parser.add_argument(
        "--format",
        choices=("python", "toml"),
        default="python",
        help="python (the default): code to paste in place of the extension; toml: a corsware.toml",
    )


def handle(args: argparse.Namespace) -> int:
    """Run the command on the standard streams: what the subcommand runs (``set_defaults``)."""
    return run(args, sys.stdout, sys.stderr)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run the command with the options :func:`add_arguments` defines.

    Args:
        args: The parsed options.
        out: Where the configuration goes.
        err: Where problems and configuration warnings go, escaped so that no control character
            from a configuration reaches the terminal.

    Returns:
        0 when the configuration was printed, 2 when it could not be (the reasons are on ``err``).
    """
    try:
        migrated, changes = _read(args)
        with warnings.catch_warnings(record=True) as caught:
            # The options were compiled once already, warnings ignored; each is shown once, here.
            warnings.simplefilter("always")
            minimal = minimal_configuration(migrated)
        text = (as_python if args.format == "python" else as_toml)(args.peer, minimal, changes)
    except _MigrateError as refusal:
        _say(err, f"corsware migrate: {refusal}")
        return _EXIT_USAGE
    for message in dict.fromkeys(str(warning.message) for warning in caught):
        _say(err, f"corsware migrate: warning: {message}")
    out.write(text)
    return _EXIT_PRINTED


def _say(err: TextIO, text: str) -> None:
    """Print escaped, wrapped paragraphs: the first line, then each further line (one problem each)."""
    first, *others = text.split("\n")
    paragraphs = [(first, "", "  "), *((line.strip(), "  ", "    ") for line in others)]
    for paragraph, indent, hanging in paragraphs:
        printable = "".join(char if char.isprintable() else repr(char)[1:-1] for char in paragraph)
        lines = textwrap.wrap(
            printable,
            _ERROR_WIDTH,
            initial_indent=indent,
            subsequent_indent=hanging,
            break_long_words=False,
            break_on_hyphens=False,
        )
        err.write("".join(line + "\n" for line in lines))


# ---- reading the peer's configuration ------------------------------------------------------------


def _read(args: argparse.Namespace) -> tuple[dict[str, Any], tuple[Change, ...]]:
    """The migrated keyword arguments, and the changes the peer's migration guide lists."""
    # As manage.py and flask do: the current directory first on sys.path.
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    if args.peer == FLASK_CORS:
        if not args.config:
            # --settings is what the user gave instead, if anything: the same value may be meant.
            raise _MigrateError(
                "--from flask-cors reads flask-cors' options from --config: name the file or "
                "module that holds them, such as --config "
                + (args.settings or "myapp:app.config or --config cors.py:CORS_OPTIONS")
            )
        label, migrate = _flask(args.config)
        changes = FLASK_CHANGES
    else:
        if args.settings is None:
            raise _MigrateError(
                "--from django-cors-headers reads the settings module named by --settings, such "
                f"as --settings {(args.config or ['mysite.settings'])[0]}"
            )
        label, migrate = _django(args.settings)
        changes = DJANGO_CHANGES
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return migrate(), changes
    except CORSConfigError as error:
        raise _MigrateError(f"{label}: {error}") from None


def _django(spec: str) -> tuple[str, Callable[[], dict[str, Any]]]:
    if spec.endswith(".py") or "/" in spec or os.sep in spec:
        module = ".".join(re.split(r"[\\/]", os.path.relpath(spec.removesuffix(".py"))))
        fix = (
            f"name the module instead: --settings {module}"
            if re.fullmatch(_DOTTED, module)
            else "run corsware from your project's directory (the one with manage.py) and name "
            "the module, such as --settings mysite.settings"
        )
        raise _MigrateError(f"--settings {spec!r} is a file path: {fix}")
    parsed = _MODULE_SPEC.fullmatch(spec)
    if parsed is None:
        raise _MigrateError(
            f"--settings {spec!r}: write MODULE or MODULE:NAME, such as --settings mysite.settings"
        )
    found: object = _import(parsed["module"], "--settings", spec, "the directory that holds manage.py")
    if parsed["attribute"] is not None:
        found = _attribute(found, parsed["attribute"], "--settings", spec)
    names = list(found) if isinstance(found, Mapping) else dir(found)
    if not any(str(name).startswith("CORS_") for name in names):
        raise _MigrateError(
            f"--settings {spec!r} defines no CORS_* settings, so django-cors-headers allowed no "
            "origin with it: name the module that defines them (the one DJANGO_SETTINGS_MODULE "
            "names in manage.py)"
        )
    return spec, lambda: from_django_cors_headers(found)


_APP_CONFIG: Final = "mappings of CORS_* keys"
_KEYWORDS: Final = "CORS(...) keyword arguments"


def _flask(specs: Sequence[str]) -> tuple[str, Callable[[], dict[str, Any]]]:
    sources: dict[str, tuple[str, Mapping[str, Any]]] = {}
    for spec in specs:
        kind, value = _flask_source(spec)
        if kind in sources:
            raise _MigrateError(
                f"--config {sources[kind][0]!r} and --config {spec!r} are both {kind}: give at "
                "most one mapping of CORS_* keys and one dict of CORS(...) keyword arguments"
            )
        sources[kind] = (spec, value)
    app_config = sources.get(_APP_CONFIG, ("", None))[1]
    options = sources.get(_KEYWORDS, ("", {}))[1]
    return " and ".join(specs), lambda: from_flask_cors(app_config, **options)


def _flask_source(spec: str) -> tuple[str, Mapping[str, Any]]:
    """What one ``--config`` names, and which of the two kinds of flask-cors options it is."""
    as_file = _FILE_SPEC.fullmatch(spec)
    as_module = _MODULE_SPEC.fullmatch(spec)
    if as_file is not None:
        path = as_file["file"]
        if not os.path.isfile(path):
            raise _MigrateError(
                f"--config {spec!r}: there is no file {path!r} (a relative path starts at the "
                f"current directory, {os.getcwd()})"
            )
        try:
            found: object = SimpleNamespace(**runpy.run_path(path))
        except Exception as error:  # noqa: BLE001 - whatever the file raises is reported, in one line
            raise _MigrateError(
                f"--config {spec!r}: running {path} failed: {_one_line(error)}"
            ) from None
        what, attribute = f"the file {path} defines", as_file["attribute"]
    elif as_module is not None:
        found = _import(as_module["module"], "--config", spec, "your app's directory")
        what, attribute = f"module {as_module['module']} defines", as_module["attribute"]
    else:
        raise _MigrateError(
            f"--config {spec!r}: write FILE.py, FILE.py:NAME, MODULE or MODULE:NAME, such as "
            "--config myapp:app.config or --config cors.py:CORS_OPTIONS"
        )
    if attribute is not None:
        found = _attribute(found, attribute, "--config", spec)
        what = f"it names a {type(found).__name__}, with"
    if _is_app(found):
        raise _MigrateError(
            f"--config {spec!r} is the Flask app, not its flask-cors options: pass its config, "
            f"--config {spec}.config, for its CORS_* keys, and the dict of keyword arguments you "
            "give CORS(app, ...), if any, as a second --config"
        )
    if not isinstance(found, Mapping):
        # As app.config.from_object reads an object: its CORS_* attributes.
        names = {name: getattr(found, name) for name in dir(found) if name.startswith("CORS_")}
        if not names:
            raise _MigrateError(
                f"--config {spec!r}: {what} no CORS_* names: name the dict of CORS(...) keyword "
                "arguments (FILE.py:NAME or MODULE:NAME) or the app's config (MODULE:app.config)"
            )
        return _APP_CONFIG, names
    key = next((key for key in found if not isinstance(key, str)), None)
    if key is not None:
        raise _MigrateError(f"--config {spec!r} has a key that is not a string: {key!r}")
    # app.config, and the mappings of config keys like it, are all upper case.
    if found and all(key.isupper() for key in found):
        return _APP_CONFIG, found
    return _KEYWORDS, found


def _is_app(found: object) -> bool:
    """A Flask app, or anything else that has a ``.config`` and a ``.wsgi_app`` (read statically)."""
    return all(inspect.getattr_static(found, name, None) is not None for name in ("config", "wsgi_app"))


def _import(name: str, option: str, spec: str, directory: str) -> object:
    try:
        return importlib.import_module(name)
    except Exception as error:  # noqa: BLE001 - whatever the module raises is reported, in one line
        missing = (error.name or "") if isinstance(error, ModuleNotFoundError) else ""
        if missing and (name == missing or name.startswith(missing + ".")):
            raise _MigrateError(
                f"{option} {spec!r}: there is no module {missing!r} in the current directory "
                f"({os.getcwd()}) or elsewhere on sys.path: run corsware from {directory}"
                f"{_closest_module(missing)}"
            ) from None
        if missing.partition(".")[0] == "corsheaders":
            raise _MigrateError(
                f"{option} {spec!r}: importing {name} failed: it imports corsheaders, and "
                "django-cors-headers is not installed. Install it while you migrate (pip install "
                "django-cors-headers), or write its defaults out in the settings: default_headers "
                f"is {DEFAULT_HEADERS!r} and default_methods is {DEFAULT_METHODS!r}"
            ) from None
        raise _MigrateError(f"{option} {spec!r}: importing {name} failed: {_one_line(error)}") from None


def _closest_module(missing: str) -> str:
    """``"; did you mean 'pkg.name'?"`` for a near miss among its package's modules, or ``""``."""
    parent, _, last = missing.rpartition(".")
    package = sys.modules.get(parent) if parent else None
    path = getattr(package, "__path__", None) if parent else [os.getcwd()]
    names = [module.name for module in pkgutil.iter_modules(path)] if path is not None else []
    close = difflib.get_close_matches(last, names, n=1)
    return f"; did you mean {(parent + '.' if parent else '') + close[0]!r}?" if close else ""


def _attribute(found: object, path: str, option: str, spec: str) -> object:
    for part in path.split("."):
        if not hasattr(found, part):
            names = [name for name in dir(found) if not name.startswith("_")]
            close = difflib.get_close_matches(part, names, n=1)
            owner = f"module {found.__name__}" if inspect.ismodule(found) else _kind(found)
            raise _MigrateError(
                f"{option} {spec!r}: {owner} has no attribute {part!r}"
                + (f"; did you mean {close[0]!r}?" if close else "")
            )
        found = getattr(found, part)
    return found


def _kind(value: object) -> str:
    return "the file" if isinstance(value, SimpleNamespace) else f"a {type(value).__name__}"


def _one_line(error: Exception) -> str:
    return f"{type(error).__name__}: {error}".replace("\n", " ")
