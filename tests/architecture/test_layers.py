"""The package tree is the architecture: dependencies point one way, from the command line down to ``domain/``.

Imports under ``if TYPE_CHECKING:`` are annotations only (the jobs name ``App`` in their signatures) and do not
count; every other import does, including the lazy ones inside functions.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "kgrz_mailbot"

#: lowest first; a module may import its own folder and any folder of a lower rank, nothing above
LAYERS: list[set[str]] = [
    {"domain", "clock", "errors", "crashpoints", "__init__"},
    {"config"},
    {"mail"},
    {"replies", "trust"},
    {"storage", "transports", "reports"},
    {"app"},
    {"outbox"},
    {"inbox"},
    {"jobs"},
    {"alerts"},
    {"council"},
    {"housekeeping"},
    {"service", "views"},
    {"demo"},
    {"cli"},
    {"__main__"},
]
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}

#: the pure core: decisions on plain data, no database, no mail server, no network, no templates
PURE = {"domain", "replies", "trust", "mail", "config"}
#: pure modules inside a folder that is not: the decisions of a feature whose folder also holds its IO
PURE_MODULES = {"kgrz_mailbot.council.meetings", "kgrz_mailbot.council.plan"}
IO_LIBRARIES = {"sqlmodel", "sqlalchemy", "alembic", "exchangelib", "requests", "httpx", "msal", "jinja2",
                "docx", "apscheduler", "icalendar", "recurring_ical_events"}


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = _modules()


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def _imports(module: str) -> Iterator[tuple[str, int]]:
    """Every imported name (absolute, dotted) with its line, type-only imports left out."""
    tree = ast.parse(MODULES[module].read_text())
    skip = _type_checking_lines(tree)
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skip:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                yield (candidate if candidate in MODULES else node.module), node.lineno


def _folder(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _internal_edges() -> Iterator[tuple[str, str, int]]:
    for module in MODULES:
        for target, line in _imports(module):
            if target.startswith("kgrz_mailbot") and target in MODULES and not module.startswith(target + "."):
                yield module, target, line


def test_every_folder_has_a_place_in_the_layers() -> None:
    assert {_folder(m) for m in MODULES} <= set(RANK)


def test_no_module_imports_a_higher_layer() -> None:
    upward = [
        f"{MODULES[module].relative_to(PACKAGE.parent)}:{line} imports {target}"
        for module, target, line in _internal_edges()
        if _folder(module) != _folder(target) and RANK[_folder(module)] <= RANK[_folder(target)]
    ]
    assert upward == []


@pytest.mark.parametrize("folder", sorted(PURE))
def test_the_pure_core_imports_no_io_library(folder: str) -> None:
    offending = [
        f"{module}: {name}" for module in MODULES if _folder(module) == folder
        for name, _ in _imports(module) if name.split(".")[0] in IO_LIBRARIES
    ]
    assert offending == []


@pytest.mark.parametrize("module", sorted(PURE_MODULES))
def test_pure_modules_import_only_pure_code(module: str) -> None:
    imported = [name for name, _ in _imports(module)]
    offending = [name for name in imported if name.split(".")[0] in IO_LIBRARIES]
    offending += [name for name in imported if name.startswith("kgrz_mailbot.") and name in MODULES
                  and _folder(name) not in PURE and name not in PURE_MODULES]
    assert offending == []


def test_there_are_no_import_cycles() -> None:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for module, target, _ in _internal_edges():
        graph[module].add(target)
    cycles = [sorted(c) for c in _strongly_connected(graph) if len(c) > 1]
    assert cycles == []


def test_the_package_root_holds_only_what_is_cross_cutting() -> None:
    root = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert root == ["__init__.py", "__main__.py", "app.py", "clock.py", "crashpoints.py", "errors.py"]


def _strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iterative enough for a few hundred modules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in graph[node]:
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            found.append(component)

    for node in graph:
        if node not in index:
            visit(node)
    return found
