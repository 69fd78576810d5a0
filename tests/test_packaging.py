"""pyproject's runtime dependencies are exactly what src/ imports; test-only tools stay in the test extra."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# distributions that come with a declared one (pydantic brings pydantic-core and imports it itself)
TRANSITIVE = {"pydantic-core": "pydantic"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].strip().lower().replace("_", "-")


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _local(module: str, folder: Path) -> bool:
    """A module of the folder itself (the tests' helpers such as ``_paths``, or a test module)."""
    return any(folder.rglob(f"{module}.py")) or (folder / module).is_dir()


def _imported_distributions(folder: Path) -> dict[str, set[str]]:
    """distribution -> the files of ``folder`` that import it (third-party imports only)."""
    dists = importlib.metadata.packages_distributions()
    out: dict[str, set[str]] = {}
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                mods = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                mods = [node.module]
            else:
                continue
            for mod in mods:
                top = mod.split(".")[0]
                if top in sys.stdlib_module_names or top == "vinfra" or _local(top, folder):
                    continue
                for dist in dists.get(top, [top]):
                    out.setdefault(dist.lower().replace("_", "-"), set()).add(str(path.relative_to(ROOT)))
    return out


def test_runtime_dependencies_are_exactly_what_src_imports() -> None:
    declared = {_name(r) for r in _project()["dependencies"]}
    used = {TRANSITIVE.get(d, d) for d in _imported_distributions(ROOT / "src")}
    assert used <= declared, f"imported by src/ but not declared: {sorted(used - declared)}"
    assert declared <= used, f"declared but never imported by src/: {sorted(declared - used)}"


def test_test_only_tools_are_test_extras() -> None:
    extras = {_name(r) for r in _project()["optional-dependencies"]["test"]}
    declared = {_name(r) for r in _project()["dependencies"]}
    used_by_tests = set(_imported_distributions(ROOT / "tests"))
    assert "networkx" in extras and "networkx" not in declared
    missing = {d for d in used_by_tests if d not in declared | extras and TRANSITIVE.get(d) not in declared}
    assert not missing, f"imported by tests/ but neither a dependency nor a test extra: {sorted(missing)}"
