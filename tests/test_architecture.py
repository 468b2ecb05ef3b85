"""The layering README promises: the engine is pure computation, and dependencies point one way."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "advisor"

# What each layer may import, besides the standard library.
ENGINE_THIRD_PARTY = {"numpy", "pandas", "scipy", "sklearn", "cvxpy", "clarabel", "pydantic"}
ENGINE_PROJECT = {
    "advisor.engine",
    "advisor.suitability",
    "advisor.catalogue",
    "advisor.data",
    "advisor.errors",
    "advisor.knowledge.rules",
    "advisor.knowledge.rulebook",
}
PURE = [*sorted((PACKAGE / "engine").glob("*.py")), *sorted((PACKAGE / "suitability").glob("*.py"))]
DATA_PROJECT = {"advisor.data", "advisor.catalogue", "advisor.errors"}
FORBIDDEN_IN_ENGINE_CALLS = {"open", "print", "input"}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def is_stdlib(module: str) -> bool:
    import sys

    return module.split(".")[0] in sys.stdlib_module_names


def project_layer(module: str, allowed: set[str]) -> bool:
    return any(module == prefix or module.startswith(prefix + ".") for prefix in allowed)


@pytest.mark.parametrize("path", PURE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_engine_imports_only_computation(path: Path):
    for module in imports_of(path):
        if is_stdlib(module):
            assert module.split(".")[0] not in {"socket", "urllib", "http", "sqlite3", "subprocess"}
            continue
        if module.startswith("advisor"):
            assert project_layer(module, ENGINE_PROJECT), f"{path.name} imports {module}"
        else:
            assert module.split(".")[0] in ENGINE_THIRD_PARTY, f"{path.name} imports {module}"


@pytest.mark.parametrize("path", PURE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_engine_does_no_io(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    assert not calls & FORBIDDEN_IN_ENGINE_CALLS
    source = path.read_text(encoding="utf-8")
    for reader in ("read_csv", "read_parquet", "to_csv", "read_text", "write_text"):
        assert reader not in source, f"{path.name} uses {reader}"


@pytest.mark.parametrize(
    "path",
    [*sorted((PACKAGE / "data").glob("*.py")), PACKAGE / "catalogue.py"],
    ids=lambda p: p.name,
)
def test_the_data_layer_depends_on_nothing_above_it(path: Path):
    for module in imports_of(path):
        if module.startswith("advisor"):
            assert project_layer(module, DATA_PROJECT), f"{path.name} imports {module}"


def test_nothing_but_the_app_imports_gradio():
    for path in PACKAGE.rglob("*.py"):
        if "app" in path.relative_to(PACKAGE).parts:
            continue
        assert "gradio" not in {m.split(".")[0] for m in imports_of(path)}, path


# Dependencies point one way: app (and the CLI) -> agent and accounts -> the engine's services
# (profile, knowledge, planning, tax, storage, llm) -> engine -> data.
TOP = {"advisor.app", "advisor.cli"}
ORCHESTRATION = {"advisor.agent", "advisor.accounts", "advisor.jobs"}
BELOW_ORCHESTRATION = [
    "engine",
    "suitability",
    "data",
    "profile",
    "knowledge",
    "planning",
    "tax",
    "storage",
    "llm",
]


def modules_under(package: str) -> list[Path]:
    return sorted((PACKAGE / package).rglob("*.py"))


@pytest.mark.parametrize(
    "path",
    [
        p
        for p in PACKAGE.rglob("*.py")
        if p.relative_to(PACKAGE).parts[0] not in {"app", "cli.py", "__main__.py"}
    ],
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_only_the_app_and_the_cli_sit_on_top(path: Path):
    for module in imports_of(path):
        assert not project_layer(module, TOP), f"{path.name} imports {module}"


@pytest.mark.parametrize(
    "path",
    [path for package in BELOW_ORCHESTRATION for path in modules_under(package)],
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_the_engine_and_its_services_never_import_the_agent_or_accounts(path: Path):
    for module in imports_of(path):
        assert not project_layer(module, ORCHESTRATION), f"{path.name} imports {module}"
