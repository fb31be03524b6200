"""What ``corsware migrate`` prints: the smallest equivalent configuration, as Python or TOML.

:func:`minimal_configuration` keeps the options that differ from corsware's defaults and, within
resources, what differs from the keyword options; :func:`as_python` and :func:`as_toml` write it,
followed, as comments, by the changes browsers will see (:data:`FLASK_CHANGES`,
:data:`DJANGO_CHANGES`) where they apply.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from corsware.configuration import Resource, ResourcePattern, compile_configuration
from corsware.policy import POLICY_DEFAULTS, CompiledPolicy

__all__ = [
    "DJANGO_CHANGES",
    "DJANGO_CORS_HEADERS",
    "FLASK_CHANGES",
    "FLASK_CORS",
    "Change",
    "Minimal",
    "as_python",
    "as_toml",
    "minimal_configuration",
]

FLASK_CORS: Final = "flask-cors"
"""The name ``--from`` gives flask-cors by."""
DJANGO_CORS_HEADERS: Final = "django-cors-headers"
"""The name ``--from`` gives django-cors-headers by."""

_WIDTH: Final = 88
_INDENT: Final = "    "
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


# ---- the smallest equivalent configuration -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Minimal:
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


def minimal_configuration(migrated: Mapping[str, Any]) -> Minimal:
    """The smallest configuration equal to a migration's keyword arguments (which it compiles)."""
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
    return Minimal(options, resources, configuration.resources)


def _differences(policy: CompiledPolicy, base: CompiledPolicy) -> dict[str, object]:
    # Compiled values: equal whatever their spelling (a list or a tuple, a timedelta or seconds).
    return {
        name: getattr(policy, name)
        for name in POLICY_DEFAULTS
        if getattr(policy, name) != getattr(base, name)
    }


# ---- what changes in the browser -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Change:
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


_REJECTED_PREFLIGHT: Final = Change(
    "A rejected preflight gets 403 Forbidden with the reason, instead of a 200 without CORS "
    "headers; the browser blocks the call either way, but now the server says why.",
    _rejects_preflights,
)
FLASK_CHANGES: Final[tuple[Change, ...]] = (
    Change(
        'origins="*" answers Access-Control-Allow-Origin: * instead of echoing each origin, to '
        "every request alike and without Vary; browsers allow the same calls.",
        _any_origin,
    ),
    Change(
        '"/api/*" no longer covers /apiary or /api-internal.',
        lambda resources: bool(_flask_slash_star(resources)),
        _flask_slash_star,
    ),
    Change(
        'methods="*", which never matched a preflight in flask-cors, now allows any method.',
        _any_method,
    ),
    _REJECTED_PREFLIGHT,
    Change(
        "Preflights are answered by corsware before your app runs, so authentication in "
        "before_request no longer breaks them."
    ),
    Change("Error responses, Flask's 500 page included, carry the CORS headers."),
)
"""What changes for browsers moving from flask-cors, in its migration guide's order."""
DJANGO_CHANGES: Final[tuple[Change, ...]] = (
    _REJECTED_PREFLIGHT,
    Change(
        "CORS_ALLOW_ALL_ORIGINS answers Access-Control-Allow-Origin: * to every request alike, "
        "with or without an Origin header, and without Vary: origin; browsers allow the same calls.",
        _any_origin,
    ),
    Change(
        "Wrapped in wsgi.py, corsware sits outside Django, so the 500 page Django renders for an "
        "exception in a view (handler500) carries the CORS headers too, and no other middleware "
        "runs before a preflight is answered."
    ),
)
"""What changes for browsers moving from django-cors-headers, in its migration guide's order."""


def _changes(changes: Sequence[Change], resources: Sequence[Resource]) -> list[str]:
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


def as_python(peer: str, minimal: Minimal, changes: Sequence[Change]) -> str:
    """The configuration as Python that wraps the app in place of ``peer``, then the changes."""
    if peer == FLASK_CORS:
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


def _has_regex(minimal: Minimal) -> bool:
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


def as_toml(peer: str, minimal: Minimal, changes: Sequence[Change]) -> str:
    """The configuration as a ``corsware.toml`` in place of ``peer``'s, then the changes."""
    if peer == FLASK_CORS:
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
