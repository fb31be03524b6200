"""Configuration: ``(resources, **options)`` compiled once into ordered, validated resources.

This is the one place a configuration is checked. Every problem is collected, with a structured
:data:`~corsware.errors.Location`, before one :class:`~corsware.CORSConfigError` lists them all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TypeAlias

from corsware.errors import ConfigProblem, CORSConfigError, ErrorCode, Location, closest_name
from corsware.policy import OPTION_NAMES, POLICY_DEFAULTS, CompiledPolicy, CORSPolicy, compile_policy
from corsware.resources import PathPattern, parse_path_pattern, pattern_text

__all__ = [
    "CompiledConfiguration",
    "Resource",
    "ResourcePattern",
    "ResourceSpec",
    "compile_configuration",
]

ResourcePattern: TypeAlias = str | re.Pattern[str]
"""A resource's path pattern: ``"/api/*"``, ``"/exact/path"`` or a compiled full-match regex."""
ResourceSpec: TypeAlias = Mapping[str, object] | CORSPolicy
"""A resource's policy: options that inherit the middleware's keyword options, or a CORSPolicy."""


@dataclass(frozen=True, slots=True)
class Resource:
    """One compiled resource: its pattern, as written and as text, and its policy."""

    pattern: ResourcePattern
    label: str
    policy: CompiledPolicy


@dataclass(frozen=True, slots=True)
class CompiledConfiguration:
    """A whole configuration, validated: the resources in the order they are tried."""

    resources: tuple[Resource, ...]


def compile_configuration(
    resources: Mapping[ResourcePattern, ResourceSpec] | None, options: Mapping[str, object]
) -> CompiledConfiguration:
    """Validate and compile a middleware's arguments.

    Args:
        resources: Path patterns mapped to policies, tried in order; ``None`` for one resource,
            ``"/*"``, with the keyword options.
        options: The keyword options, the defaults of every dict resource.

    Raises:
        CORSConfigError: listing every problem at once.
    """
    problems = [
        ConfigProblem.at(
            ErrorCode.UNKNOWN_OPTION,
            (name,),
            value,
            "is not a CORS option",
            closest_name(str(name), {*OPTION_NAMES, "resources"}),
        )
        for name, value in options.items()
        if name not in OPTION_NAMES
    ]
    # A one-shot iterable (a generator, a map object) given once is read once, here, and then
    # shared by every resource that inherits it.
    defaults = {name: _materialised(value) for name, value in options.items() if name in OPTION_NAMES}
    compiled: list[Resource] = []
    if resources is None:
        policy = compile_policy({**POLICY_DEFAULTS, **defaults}, (), frozenset(), problems)
        if policy is not None:
            compiled.append(Resource("/*", "/*", policy))
    elif not isinstance(resources, Mapping):
        problems.append(  # type: ignore[unreachable]
            ConfigProblem.at(
                ErrorCode.WRONG_TYPE,
                ("resources",),
                resources,
                "must be a dict of path patterns to policies",
                "pass {'/api/*': {'origins': ['https://app.example.com']}}",
            )
        )
    else:
        compiled = _compile_resources(resources, defaults, problems)
    if problems:
        raise CORSConfigError(problems)
    return CompiledConfiguration(tuple(compiled))


def _materialised(value: object) -> object:
    if isinstance(value, str | bytes | Mapping | re.Pattern) or not isinstance(value, Iterable):
        return value
    return tuple(value)


def _compile_resources(
    resources: Mapping[ResourcePattern, ResourceSpec],
    defaults: Mapping[str, object],
    problems: list[ConfigProblem],
) -> list[Resource]:
    compiled: list[Resource] = []
    valid: list[tuple[ResourcePattern, PathPattern | None]] = []
    for pattern, spec in resources.items():
        location: Location = ("resources", pattern)
        parsed = _parsed_pattern(pattern, location, problems)
        policy = _resource_policy(spec, location, defaults, problems)
        if parsed is not False:
            valid.append((pattern, parsed))  # type: ignore[arg-type]
            if policy is not None:
                compiled.append(Resource(pattern, pattern_text(pattern), policy))
    earlier: list[PathPattern] = []
    for pattern, parsed in valid:
        _check_shadowing(pattern, parsed, earlier, problems)
        if parsed is not None:
            earlier.append(parsed)
    return compiled


def _parsed_pattern(
    pattern: object, location: Location, problems: list[ConfigProblem]
) -> PathPattern | bool | None:
    """The parsed string pattern, ``None`` for a valid regex, ``False`` after a problem."""
    if isinstance(pattern, re.Pattern):
        if isinstance(pattern.pattern, str):
            return None
        message, fix = "is a bytes pattern", "compile a str pattern"
    elif isinstance(pattern, str):
        parsed = parse_path_pattern(pattern)
        if not isinstance(parsed, tuple):
            return parsed
        message, fix = parsed
    else:
        message, fix = "is neither a path string nor a compiled re.Pattern", "use '/api/*'"
    problems.append(ConfigProblem.at(ErrorCode.INVALID_RESOURCE, location, pattern, message, fix))
    return False


def _check_shadowing(
    pattern: ResourcePattern,
    parsed: PathPattern | None,
    earlier: list[PathPattern],
    problems: list[ConfigProblem],
) -> None:
    """A pattern that an earlier string pattern already covers can never match (first match wins)."""
    for before in earlier:
        if (parsed is None and before.prefix and before.base == "") or (
            parsed is not None and before.covers(parsed)
        ):
            shown = pattern_text(pattern)
            problems.append(
                ConfigProblem.at(
                    ErrorCode.SHADOWED_RESOURCE,
                    ("resources", pattern),
                    shown,
                    f"can never match: the earlier pattern {before.text!r} already matches every "
                    "path it would",
                    f"move {shown!r} before {before.text!r}",
                )
            )
            return


def _resource_policy(
    spec: object,
    location: Location,
    defaults: Mapping[str, object],
    problems: list[ConfigProblem],
) -> CompiledPolicy | None:
    if isinstance(spec, CORSPolicy):
        return spec.compiled
    if not isinstance(spec, Mapping):
        problems.append(
            ConfigProblem.at(
                ErrorCode.WRONG_TYPE,
                location,
                spec,
                "must be a dict of policy options or a CORSPolicy",
                "pass {'origins': ['https://app.example.com']}",
            )
        )
        return None
    unknown = [
        ConfigProblem.at(
            ErrorCode.UNKNOWN_OPTION,
            (*location, name),
            value,
            "is not a CORS option",
            closest_name(str(name), OPTION_NAMES),
        )
        for name, value in spec.items()
        if name not in OPTION_NAMES
    ]
    problems.extend(unknown)
    own = {name: value for name, value in spec.items() if name in OPTION_NAMES}
    merged = {**POLICY_DEFAULTS, **defaults, **own}
    before = len(problems)
    policy = compile_policy(merged, location, frozenset(own), problems)
    # A problem in an inherited option is found again in every resource that inherits it.
    seen = {(p.code, p.location, repr(p.value)) for p in problems[:before]}
    problems[before:] = [p for p in problems[before:] if (p.code, p.location, repr(p.value)) not in seen]
    return None if unknown else policy
