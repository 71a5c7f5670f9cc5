"""The import graph keeps the layers of decision 0013: no module imports itself back through
others, the apps' domain code (models, rules, services, selectors, …) imports apps below it
only, and domain code never imports a page. Read from the source with `ast`, so an import
inside a function counts as much as one at the top; imports only for type hints do not."""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import kaohe

ROOT = Path(kaohe.__file__).parent
# Modules that present: they may import any app's domain code, and nothing imports them but
# their own app's wiring (urls, apps).
PAGE_MODULES = {"views", "pages", "forms", "urls", "admin", "middleware", "apps"}
PAGE_PACKAGES = {"templatetags", "management", "api", "web"}
TOP_LEVEL_PAGES = {"kaohe.urls", "kaohe.cli", "kaohe.__main__", "kaohe.wsgi", "kaohe.settings",
                   "kaohe.admin_site", "kaohe.apps"}
# The apps from the bottom up (decision 0013): each app's domain code imports only apps before
# it here. The background jobs sit just above the organisation, whose access decides who sees
# a job, and below every app whose work runs as a job (decision 0028). Modules not listed
# (spreadsheets, bulk, synth, …) are helpers or tools outside this order.
ORDER = ["kaohe.errors", "kaohe.limits", "kaohe.workdays", "kaohe.lib", "kaohe.audit",
         "kaohe.accounts", "kaohe.org", "kaohe.jobs", "kaohe.plans", "kaohe.records",
         "kaohe.ballots", "kaohe.assessments", "kaohe.recipients", "kaohe.appeals",
         "kaohe.bonus", "kaohe.reports", "kaohe.annual", "kaohe.documents"]


def modules() -> dict[str, Path]:
    found = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if "migrations" in parts:
            continue
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _runtime_imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement except those under `if TYPE_CHECKING:`."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from (n for branch in node.orelse for n in _runtime_imports(branch))
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        yield from _runtime_imports(node)


def import_graph() -> dict[str, set[str]]:
    known = modules()

    def resolve(name: str) -> str:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name

    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in known.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1]
                                    + ([base] if base else []))
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                           for alias in node.names]
            graph[name] |= {resolve(t) for t in targets if t.startswith("kaohe")} - {name, ""}
    return graph


def app_of(module: str) -> str:
    return ".".join(module.split(".")[:2])


def is_page(module: str) -> bool:
    parts = module.split(".")
    return (module in TOP_LEVEL_PAGES or bool(set(parts[1:]) & PAGE_PACKAGES)
            or parts[-1] in PAGE_MODULES)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while (top := stack.pop()) != node:
                component.append(top)
            if component:
                found.append(sorted([node, *component]))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_itself_back() -> None:
    assert cycles(import_graph()) == []


def test_apps_domain_code_forms_layers() -> None:
    apps: dict[str, set[str]] = defaultdict(set)
    for module, targets in import_graph().items():
        if is_page(module):
            continue
        apps[app_of(module)] |= {app_of(t) for t in targets} - {app_of(module)}
    assert cycles(apps) == []


def test_apps_import_only_apps_below_them() -> None:
    upward = sorted(f"{module} → {target}" for module, targets in import_graph().items()
                    if not is_page(module) and app_of(module) in ORDER
                    for target in targets if app_of(target) in ORDER
                    and ORDER.index(app_of(target)) > ORDER.index(app_of(module)))
    assert upward == []


def test_domain_code_imports_no_page() -> None:
    wrong = sorted(f"{module} → {target}" for module, targets in import_graph().items()
                   if not is_page(module) for target in targets if is_page(target))
    assert wrong == []


def test_the_check_sees_a_cycle() -> None:
    """The walk itself: a cycle of three is found, a chain is not."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": {"c"}}) == []
