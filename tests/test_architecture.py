"""The file list is the architecture: modules depend in one direction, the core on the stdlib only."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "corsware"

# Each layer may import from the layers before it, never from its own or a later one. Modules in
# one subpackage may also import each other.
LAYERS: list[set[str]] = [
    {"hosts"},
    {"errors", "headers", "memo", "publicsuffix", "browser"},
    {"origins", "resources"},
    {"probes"},
    {"credentials"},
    {"policy"},
    {"configuration", "decision"},
    {"explanation"},
    {"engine"},
    {"middleware", "asgi"},
    {""},  # the package itself: corsware/__init__.py, which re-exports the core
    {"textconfig"},
    {"config", "paste", "migrate", "django"},
    {"discovery", "terminal"},
    {"demo", "transports"},
    {"report"},
    {"cli"},
    {"__main__"},
]
# The middleware's request path and the browser model: nothing but the standard library.
STANDARD_LIBRARY_ONLY = {
    "errors",
    "headers",
    "hosts",
    "memo",
    "publicsuffix",
    "origins",
    "resources",
    "probes",
    "credentials",
    "policy",
    "configuration",
    "decision",
    "explanation",
    "engine",
    "middleware",
    "asgi",
    "",
    "browser",
}


def layer_of(module: str) -> int:
    top = module.split(".", maxsplit=1)[0]
    for index, layer in enumerate(LAYERS):
        if top in layer:
            return index
    raise AssertionError(f"corsware.{module} is in no layer: add it to LAYERS")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=[module_name(path) or "corsware" for path in MODULES])
def test_module_depends_only_on_earlier_layers(path: Path) -> None:
    name = module_name(path)
    own_layer = layer_of(name)
    for imported in imports(path):
        if imported == "corsware" or imported.startswith("corsware."):
            target = imported.removeprefix("corsware").removeprefix(".")
            same_package = bool(target) and target.split(".")[0] == name.split(".")[0]
            assert same_package or layer_of(target) < own_layer, f"{name} imports {imported}"
        elif name.split(".")[0] in STANDARD_LIBRARY_ONLY:
            top = imported.split(".")[0]
            assert top == "__future__" or top in sys.stdlib_module_names, f"{name} imports {imported}"
