"""The layers of docs/architecture.md hold: the import-linter contracts of pyproject.toml are kept, a
broken one is caught, and no function-level import of another app dodges them.

`make lint` runs the same contracts with `lint-imports`, which prints the chain of any broken one.
"""

import ast
import copy
import tomllib
from pathlib import Path

import grimp
import importlinter.api  # noqa: F401  (it configures import-linter's settings)
import pytest
from django.apps import apps
from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.contracts.layers import LayersContract
from importlinter.domain.helpers import MissingImport

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
ROOT_PACKAGES: list[str] = CONFIG["root_packages"]
CONTRACT_TYPES = {"layers": LayersContract, "forbidden": ForbiddenContract}

# Function-level imports of another app that are allowed, each with its reason. Prefer none: a lazy import
# is how an upward import hides from import-linter (STYLE.md, "Layout").
ALLOWED_FUNCTION_IMPORTS: dict[tuple[str, str], str] = {}


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*ROOT_PACKAGES, cache_dir=None)


def _contract(contract_id: str, **changes):
    options = next(c for c in CONFIG["contracts"] if c["id"] == contract_id) | changes
    return CONTRACT_TYPES[options["type"]](
        name=options["name"], session_options=CONFIG, contract_options=copy.deepcopy(options)
    )


def _kept(contract_id: str, graph: grimp.ImportGraph, **changes) -> bool:
    return _contract(contract_id, **changes).check(copy.deepcopy(graph), verbose=False).kept


@pytest.mark.parametrize("contract_id", [c["id"] for c in CONFIG["contracts"]])
def test_each_import_contract_is_kept(contract_id, graph):
    assert _kept(contract_id, graph), f"contract {contract_id!r} is broken: run `lint-imports` for the chain"


@pytest.mark.parametrize(
    ("importer", "imported", "contract_id"),
    [
        ("cases.models", "audits.models", "layers"),  # cases stands below audits
        ("audits.views.results", "actions.selectors", "layers"),  # audits stands below actions
        ("actions.models", "reporting.models", "layers"),  # actions stands below the panel reports
        ("reporting.views", "config.settings", "layers"),  # nothing imports config
        ("common.navigation", "accounts.models", "common-independent"),  # common imports no app
        ("common.navigation", "accounts.models", "layers"),
    ],
)
def test_a_new_upward_import_breaks_a_contract(importer, imported, contract_id, graph):
    broken = copy.deepcopy(graph)
    broken.add_import(importer=importer, imported=imported, line_number=1, line_contents="import it")
    assert not _kept(contract_id, broken)


def test_an_ignored_import_that_no_longer_exists_breaks_the_lint(graph):
    """So each `# to be removed: issue #13` entry goes as soon as its import does."""
    with pytest.raises(MissingImport, match="No matches for ignored import"):
        _kept("layers", graph, ignore_imports=["common.roles -> reporting.models"])


def test_every_ignored_upward_import_says_when_it_goes():
    lines = (ROOT / "pyproject.toml").read_text().splitlines()
    start = lines.index("[tool.importlinter]")
    entries = [line for line in lines[start:] if line.strip().startswith('"') and " -> " in line]
    assert len(entries) == sum(len(c.get("ignore_imports", [])) for c in CONFIG["contracts"])
    assert all(line.endswith("# to be removed: issue #13") for line in entries)


def test_every_project_app_is_a_root_package_and_a_layer():
    """A new app that is not listed would be invisible to the contracts."""
    local = {config.name for config in apps.get_app_configs() if (ROOT / config.name).is_dir()}
    assert set(ROOT_PACKAGES) == local | {"config"}
    layers = {tail.name for layer in _contract("layers").layers for tail in layer.module_tails}
    assert set(ROOT_PACKAGES) <= layers


def _function_level_imports(path: Path) -> set[str]:
    """The top-level names imported inside a function (or method) of the module at `path`."""
    found: set[str] = set()

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if in_function and isinstance(child, ast.Import):
                found.update(alias.name.split(".")[0] for alias in child.names)
            elif in_function and isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                found.add(child.module.split(".")[0])
            visit(child, in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef))

    visit(ast.parse(path.read_text(), filename=str(path)), False)
    return found


def test_no_function_level_import_of_another_app():
    """A lazy import of another app hides an upward import from import-linter; an app's own modules
    may still be imported late (AppConfig.ready() imports its own models' modules)."""
    found = set()
    for package in ROOT_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            for name in _function_level_imports(path) & set(ROOT_PACKAGES) - {package}:
                found.add((relative, name))
    assert found - set(ALLOWED_FUNCTION_IMPORTS) == set()
    assert set(ALLOWED_FUNCTION_IMPORTS) - found == set(), "an allowed import is gone: remove its entry"
