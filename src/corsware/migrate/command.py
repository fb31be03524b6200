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
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, Final, TextIO

from corsware.configuration import Resource, ResourcePattern, compile_configuration
from corsware.errors import CORSConfigError
from corsware.migrate.django_cors_headers import (
    DEFAULT_HEADERS,
    DEFAULT_METHODS,
    from_django_cors_headers,
)
from corsware.migrate.flask_cors import from_flask_cors
from corsware.policy import POLICY_DEFAULTS, CompiledPolicy

__all__ = ["HELP", "add_arguments", "handle", "run"]

_EXIT_PRINTED: Final = 0
_EXIT_USAGE: Final = 2

_FLASK_CORS: Final = "flask-cors"
_DJANGO_CORS_HEADERS: Final = "django-cors-headers"

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
"""

_WIDTH: Final = 88
_ERROR_WIDTH: Final = 80
_INDENT: Final = "    "
_IDENTIFIER: Final = r"[^\W\d]\w*"
_DOTTED: Final = rf"{_IDENTIFIER}(?:\.{_IDENTIFIER})*"
_MODULE_SPEC: Final = re.compile(rf"(?P<module>{_DOTTED})(?::(?P<attribute>{_DOTTED}))?")
_FILE_SPEC: Final = re.compile(rf"(?P<file>.+\.py)(?::(?P<attribute>{_DOTTED}))?")
# Inline flag letters a TOML regex spells its flags with (TOML has no flags argument).
_FLAG_LETTERS: Final = {
    re.ASCII: "a",
    re.IGNORECASE: "i",
    re.MULTILINE: "m",
    re.DOTALL: "s",
    re.VERBOSE: "x",
}
_LEADING_FLAGS: Final = re.compile(r"\A(?:\(\?[aiLmsux]+\))+")
_DEFAULTS: Final = compile_configuration(None, {}).resources[0].policy


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
        choices=(_FLASK_CORS, _DJANGO_CORS_HEADERS),
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
            minimal = _minimal(migrated)
        text = (_python if args.format == "python" else _toml)(args.peer, minimal, changes)
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


def _read(args: argparse.Namespace) -> tuple[dict[str, Any], tuple[_Change, ...]]:
    """The migrated keyword arguments, and the changes the peer's migration guide lists."""
    # As manage.py and flask do: the current directory first on sys.path.
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    if args.peer == _FLASK_CORS:
        if not args.config:
            # --settings is what the user gave instead, if anything: the same value may be meant.
            raise _MigrateError(
                "--from flask-cors reads flask-cors' options from --config: name the file or "
                "module that holds them, such as --config "
                + (args.settings or "myapp:app.config or --config cors.py:CORS_OPTIONS")
            )
        label, migrate = _flask(args.config)
        changes = _FLASK_CHANGES
    else:
        if args.settings is None:
            raise _MigrateError(
                "--from django-cors-headers reads the settings module named by --settings, such "
                f"as --settings {(args.config or ['mysite.settings'])[0]}"
            )
        label, migrate = _django(args.settings)
        changes = _DJANGO_CHANGES
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


# ---- the smallest equivalent configuration -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Minimal:
    """The options that differ from the defaults, and each resource's that differ from those.

    Attributes:
        options: Keyword options, compiled, that differ from corsware's defaults.
        resources: Each resource's pattern and its options that differ from the keyword options',
            in order; ``None`` when one resource, ``"/*"``, has the keyword options.
        compiled: The configuration's resources, what the changes are judged on.
    """

    options: dict[str, object]
    resources: dict[ResourcePattern, dict[str, object]] | None
    compiled: tuple[Resource, ...]


def _minimal(migrated: Mapping[str, Any]) -> _Minimal:
    # The migrations put only what every resource shares in the keyword options, so no resource
    # overrides one of them: a resource's max_age=None (which TOML cannot write) never hides a
    # keyword max_age.
    shared = {key: value for key, value in migrated.items() if key != "resources"}
    top = compile_configuration(None, shared).resources[0].policy
    options = _differences(top, _DEFAULTS)
    configuration = compile_configuration(migrated.get("resources"), shared)
    resources = (
        {resource.pattern: _differences(resource.policy, top) for resource in configuration.resources}
        if "resources" in migrated
        else None
    )
    return _Minimal(options, resources, configuration.resources)


def _differences(policy: CompiledPolicy, base: CompiledPolicy) -> dict[str, object]:
    # Compiled values: equal whatever their spelling (a list or a tuple, a timedelta or seconds).
    return {
        name: getattr(policy, name)
        for name in POLICY_DEFAULTS
        if getattr(policy, name) != getattr(base, name)
    }


# ---- what changes in the browser -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Change:
    """One difference browsers see, as the migration guide words it, and where it applies.

    Attributes:
        text: The guide's words.
        applies: Whether it applies to a configuration's resources.
        instances: The resource patterns it applies to, named after the text; ``None`` to name none.
    """

    text: str
    applies: Callable[[Sequence[Resource]], bool] = lambda resources: True
    instances: Callable[[Sequence[Resource]], list[str]] | None = None

    def shown(self, resources: Sequence[Resource]) -> str | None:
        """The change as the output says it, or ``None`` where it does not apply."""
        if not self.applies(resources):
            return None
        if self.instances is None:
            return self.text
        return f"{self.text} This applies to {', '.join(map(_py_str, self.instances(resources)))}."


def _any_origin(resources: Sequence[Resource]) -> bool:
    return any(resource.policy.allows_any_origin for resource in resources)


def _any_method(resources: Sequence[Resource]) -> bool:
    return any(resource.policy.methods == "*" for resource in resources)


def _rejects_preflights(resources: Sequence[Resource]) -> bool:
    # Any origin, method and header: no preflight a browser sends is ever refused.
    return not all(
        resource.policy.allows_any_origin
        and resource.policy.methods == "*"
        and resource.policy.allow_headers == "*"
        for resource in resources
    )


def _flask_slash_star(resources: Sequence[Resource]) -> list[str]:
    # flask-cors' regex "/api/*" is the only source of a migrated pattern ending in "/*" (a literal
    # path has no "*"), and "/*" itself covered every path before as now.
    return [
        resource.pattern
        for resource in resources
        if isinstance(resource.pattern, str)
        and resource.pattern.endswith("/*")
        and resource.pattern != "/*"
    ]


_REJECTED_PREFLIGHT: Final = _Change(
    "A rejected preflight gets 403 Forbidden with the reason, instead of a 200 without CORS "
    "headers; the browser blocks the call either way, but now the server says why.",
    _rejects_preflights,
)
# In the order of the "What changes in the browser" list of each migration guide.
_FLASK_CHANGES: Final[tuple[_Change, ...]] = (
    _Change(
        'origins="*" answers Access-Control-Allow-Origin: * instead of echoing each origin, to '
        "every request alike and without Vary; browsers allow the same calls.",
        _any_origin,
    ),
    _Change(
        '"/api/*" no longer covers /apiary or /api-internal.',
        lambda resources: bool(_flask_slash_star(resources)),
        _flask_slash_star,
    ),
    _Change(
        'methods="*", which never matched a preflight in flask-cors, now allows any method.',
        _any_method,
    ),
    _REJECTED_PREFLIGHT,
    _Change(
        "Preflights are answered by corsware before your app runs, so authentication in "
        "before_request no longer breaks them."
    ),
    _Change("Error responses, Flask's 500 page included, carry the CORS headers."),
)
_DJANGO_CHANGES: Final[tuple[_Change, ...]] = (
    _REJECTED_PREFLIGHT,
    _Change(
        "CORS_ALLOW_ALL_ORIGINS answers Access-Control-Allow-Origin: * to every request alike, "
        "with or without an Origin header, and without Vary: origin; browsers allow the same calls.",
        _any_origin,
    ),
    _Change(
        "Wrapped in wsgi.py, corsware sits outside Django, so the 500 page Django renders for an "
        "exception in a view (handler500) carries the CORS headers too, and no other middleware "
        "runs before a preflight is answered."
    ),
)


def _changes(changes: Sequence[_Change], resources: Sequence[Resource]) -> list[str]:
    shown = [text for text in (change.shown(resources) for change in changes) if text is not None]
    lines = ["# What changes in the browser (the migration guide's list, where it applies here):"]
    for text in shown:
        lines += textwrap.wrap(
            text,
            _WIDTH,
            initial_indent="# - ",
            subsequent_indent="#   ",
            break_long_words=False,
            break_on_hyphens=False,
        )
    return lines


# ---- Python ---------------------------------------------------------------------------------------


def _python(peer: str, minimal: _Minimal, changes: Sequence[_Change]) -> str:
    if peer == _FLASK_CORS:
        lines = [
            "# corsware in place of flask-cors, printed by `corsware migrate`: put this where",
            "# CORS(app, ...) was, then uninstall flask-cors.",
        ]
        imports = ["from corsware import CORSMiddleware"]
        call = ["app.wsgi_app = CORSMiddleware(  # type: ignore[method-assign]", "    app.wsgi_app,"]
    else:
        lines = [
            "# corsware in place of django-cors-headers, printed by `corsware migrate`: in wsgi.py,",
            '# in place of application = get_wsgi_application(). Then remove "corsheaders" from',
            "# INSTALLED_APPS, its middleware from MIDDLEWARE, and the CORS_* settings.",
        ]
        imports = [
            "from corsware import CORSMiddleware",
            "from django.core.wsgi import get_wsgi_application",
        ]
        call = ["application = CORSMiddleware(", "    get_wsgi_application(),"]
    if _has_regex(minimal):
        lines += ["import re", ""]
    lines += [*imports, "", *call]
    for name, value in minimal.options.items():
        lines += _py_lines(f"{name}=", value, ",", _INDENT)
    if minimal.resources is not None:
        lines += _py_lines("resources=", minimal.resources, ",", _INDENT)
    lines += [")", "", *_changes(changes, minimal.compiled)]
    return "\n".join(lines) + "\n"


def _has_regex(minimal: _Minimal) -> bool:
    scopes = [minimal.options, *(minimal.resources or {}).values()]
    origins = [scope.get("origins") for scope in scopes]
    items = [item for value in origins if isinstance(value, tuple) for item in value]
    return any(isinstance(item, re.Pattern) for item in [*items, *(minimal.resources or ())])


def _py_lines(prefix: str, value: object, suffix: str, indent: str) -> list[str]:
    """``value`` on one line if it fits, else one item a line with a trailing comma, as ruff does."""
    inline = f"{indent}{prefix}{_py(value)}{suffix}"
    if isinstance(value, dict):
        items = [(f"{_py(key)}: ", item) for key, item in value.items()]
        opening, closing = "{", "}"
    else:
        items = [("", item) for item in value] if isinstance(value, tuple) else []
        opening, closing = "[", "]"
    if len(inline) <= _WIDTH or not items:
        return [inline]
    lines = [f"{indent}{prefix}{opening}"]
    for item_prefix, item in items:
        lines += _py_lines(item_prefix, item, ",", indent + _INDENT)
    return [*lines, f"{indent}{closing}{suffix}"]


def _py(value: object) -> str:
    if isinstance(value, str):
        return _py_str(value)
    if isinstance(value, re.Pattern):
        flags = " | ".join(f"re.{flag.name}" for flag in _extra_flags(value))
        return f"re.compile({_py_raw(value.pattern)}{', ' + flags if flags else ''})"
    if isinstance(value, tuple):
        return f"[{', '.join(map(_py, value))}]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_py(key)}: {_py(item)}" for key, item in value.items()) + "}"
    return repr(value)  # True, False, None or a number of seconds


def _py_str(text: str) -> str:
    """A string literal, in double quotes where it can be; ``repr`` escapes what is not printable."""
    literal = repr(text)
    if literal.startswith("'") and "'" not in text and '"' not in text:
        return f'"{literal[1:-1]}"'
    return literal


def _py_raw(text: str) -> str:
    """A raw string literal for a regular expression, where one can hold it."""
    # A valid regex never ends in an odd number of backslashes, which a raw literal could not hold.
    if not text.isprintable():
        return _py_str(text)
    quote = next((quote for quote in ('"', "'") if quote not in text), None)
    return _py_str(text) if quote is None else f"r{quote}{text}{quote}"


def _extra_flags(regex: re.Pattern[str]) -> list[re.RegexFlag]:
    """The flags of ``regex`` that its pattern does not spell inline at its start."""
    leading = _LEADING_FLAGS.match(regex.pattern)
    written = leading[0] if leading else ""
    return [
        flag for flag, letter in _FLAG_LETTERS.items() if regex.flags & flag and letter not in written
    ]


# ---- TOML -----------------------------------------------------------------------------------------


def _toml(peer: str, minimal: _Minimal, changes: Sequence[_Change]) -> str:
    if peer == _FLASK_CORS:
        place, then = "Where CORS(app, ...) was", "Then uninstall flask-cors."
        wrap = "app.wsgi_app = CORSMiddleware(app.wsgi_app"
    else:
        place, then = "In wsgi.py", 'Then remove "corsheaders" and the CORS_* settings.'
        wrap = "application = CORSMiddleware(get_wsgi_application()"
    lines = [
        f"# corsware.toml: corsware in place of {peer}, printed by `corsware migrate`.",
        f"# {place} (from corsware.config import load_config):",
        f'#     {wrap}, **load_config("corsware.toml"))',
        f"# {then}",
        *_toml_options(minimal.options),
    ]
    for pattern, own in (minimal.resources or {}).items():
        if isinstance(pattern, str):
            path = f"path = {_toml_str(pattern)}"
        else:
            path = f"path_regex = {_toml_regex(pattern)}"
        lines += ["", "[[resources]]", path, *_toml_options(own)]
    lines += ["", *_changes(changes, minimal.compiled)]
    return "\n".join(lines) + "\n"


def _toml_options(options: Mapping[str, object]) -> list[str]:
    lines: list[str] = []
    for name, value in options.items():
        if name == "origins" and isinstance(value, tuple):
            # A corsware.toml lists regexes apart, under origin_regexes, after the origins.
            listed = [_toml_str(item) for item in value if isinstance(item, str)]
            regexes = [_toml_regex(item) for item in value if isinstance(item, re.Pattern)]
            if listed or not regexes:
                lines += _toml_array("origins", listed)
            if regexes:
                lines += _toml_array("origin_regexes", regexes)
        elif isinstance(value, tuple):
            lines += _toml_array(name, [_toml_str(item) for item in value])
        elif isinstance(value, bool):
            lines.append(f"{name} = {'true' if value else 'false'}")
        elif isinstance(value, str):
            lines.append(f"{name} = {_toml_str(value)}")
        else:
            lines.append(f"{name} = {value}")  # a number of seconds
    return lines


def _toml_array(name: str, items: Sequence[str]) -> list[str]:
    inline = f"{name} = [{', '.join(items)}]"
    if len(inline) <= _WIDTH:
        return [inline]
    return [f"{name} = [", *(f"{_INDENT}{item}," for item in items), "]"]


def _toml_str(text: str) -> str:
    """A TOML basic string; what is not printable is escaped."""
    escaped = []
    for char in text:
        if char in '"\\':
            escaped.append("\\" + char)
        elif char.isprintable():
            escaped.append(char)
        else:
            escaped.append(f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}")  # noqa: PLR2004
    return '"' + "".join(escaped) + '"'


def _toml_regex(regex: re.Pattern[str]) -> str:
    """A regex with its flags inline, as a TOML literal string where one can hold it."""
    letters = "".join(_FLAG_LETTERS[flag] for flag in _extra_flags(regex))
    text = f"(?{letters}){regex.pattern}" if letters else regex.pattern
    return f"'{text}'" if text.isprintable() and "'" not in text else _toml_str(text)
