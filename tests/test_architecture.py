"""The package layout: dependencies point one way and no two modules import each other.

Every ``import`` in graphbot's source, at module level or inside a function, is
an edge from the importing module to the imported one. The tests check that the
edges form no circle and that the analysis layers never reach up into plotting,
reports or the command line.
"""

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "graphbot"
#: layers that compute and must not depend on drawing, reports or the CLI
ANALYSIS = ("detect", "community", "synth", "evaluate", "learn", "audit", "enforce")
PRESENTATION = ("graphbot.plot", "graphbot.report", "graphbot.cli")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _resolve(importer: str, is_package: bool, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = importer.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _runtime_nodes(tree: ast.AST):
    """Every node except those under ``if TYPE_CHECKING:`` (annotations, not imports)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            continue
        yield node
        yield from _runtime_nodes(node)


def _edges() -> dict[str, set[str]]:
    modules = _modules()
    edges: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        for node in _runtime_nodes(ast.parse(path.read_text())):
            targets = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(name, is_package, node)
                # `from .pkg import submodule` depends on the submodule itself
                targets = [
                    f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                    for a in node.names
                ]
            for target in targets:
                if target in modules and target != name:
                    edges[name].add(target)
    return edges


def _cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(edges):
        if start not in state and (found := visit(start)):
            return found
    return None


def _without_parent_packages(edges: dict[str, set[str]]) -> dict[str, set[str]]:
    # A package's __init__ re-exports its members; a member importing a sibling
    # through the package is not a circle of design, so drop member -> own parent.
    return {
        name: {t for t in targets if not name.startswith(t + ".")}
        for name, targets in edges.items()
    }


def test_no_import_circles():
    cycle = _cycle(_without_parent_packages(_edges()))
    assert cycle is None, "import circle: " + " -> ".join(cycle)


@pytest.mark.parametrize("layer", ANALYSIS)
def test_analysis_layers_never_import_presentation(layer):
    edges = _edges()
    offenders = {
        (name, target)
        for name, targets in edges.items()
        if name == f"graphbot.{layer}" or name.startswith(f"graphbot.{layer}.")
        for target in targets
        if target.startswith(PRESENTATION)
    }
    assert not offenders, sorted(offenders)


def test_the_circle_detector_finds_a_planted_circle():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}
    assert _cycle(edges) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_detector_families_have_their_own_folders():
    for family in ("dense", "lockstep", "spectral"):
        init = PACKAGE / "detect" / family / "__init__.py"
        doc = ast.get_docstring(ast.parse(init.read_text()))
        assert doc and "Members" in doc and "Kernels" in doc, family
    # beside the family folders: the baseline, communities, the ensemble, and
    # private modules every family shares (registry, group stats, the decision)
    public = sorted(p.name for p in (PACKAGE / "detect").glob("[!_]*.py"))
    assert public == ["community.py", "degree.py", "ensemble.py"]


def test_architecture_page_matches_the_tree():
    page = (PACKAGE.parent / "docs" / "architecture.md").read_text()
    listed = set(re.findall(r"`(graphbot/[\w/]+\.py)`", page))
    on_disk = {
        str(p.relative_to(PACKAGE.parent))
        for p in PACKAGE.rglob("*.py")
        if p.name != "__init__.py" or p.parent == PACKAGE
    }
    assert on_disk - listed == set(), "modules missing from docs/architecture.md"
    assert listed - on_disk == set(), "docs/architecture.md lists modules that do not exist"


def test_import_graphbot_stays_light():
    import subprocess
    import sys

    heavy = ("pandas", "matplotlib", "igraph", "sklearn", "pyspark")
    loaded = "{m.split('.')[0] for m in sys.modules}"
    code = f"import sys, graphbot; print(sorted({loaded} & set({heavy!r})))"
    done = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True,
                          text=True, check=True)  # fmt: skip
    assert done.stdout.strip() == "[]", done.stdout
