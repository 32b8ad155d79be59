"""The one-way stack is enforced by import-linter's contracts (pyproject.toml,
run by `make lint`). These tests show the contracts can fail: each plants one
forbidden import in a copy of the package and expects lint-imports to name
the broken contract; and they hold docs/architecture.md to the contracts."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
CONTRACTS = {contract["id"]: contract for contract in CONFIG["contracts"]}
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(
    not LINT_IMPORTS.exists(), reason="import-linter is not installed (make .venv/.installed-dev)"
)


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the package and its contracts, to plant imports in."""
    root = tmp_path_factory.mktemp("stack")
    shutil.copytree(ROOT / "meetup", root / "meetup", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", root)
    return root


def test_the_tree_keeps_every_contract(tree: Path) -> None:
    result = _lint(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(CONTRACTS)} kept, 0 broken." in result.stdout


PLANTED = {
    # what a planted import breaks: {module planted: its import}, contracts broken
    "lib imports a model": ({"meetup/lib/planted.py": "from meetup.models import User"}, ["lib"]),
    "a model imports a service": (
        {"meetup/models/planted.py": "from meetup.services.events import lookup"},
        ["models", "domains"],
    ),
    "events import rsvps": (
        {"meetup/services/events/planted.py": "from meetup.services.rsvps import replying"},
        ["domains"],
    ),
    "privacy imports accounts": (
        {"meetup/services/privacy/planted.py": "from meetup.services.accounts import credentials"},
        ["domains"],
    ),
    # An import under TYPE_CHECKING is an arrow too: it may not hide an upward one.
    "a type-checking import upward": (
        {
            "meetup/services/rsvps/planted.py": "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from meetup.services.pages.event_page import EventPage"
        },
        ["domains"],
    ),
    "two modules of a domain import each other": (
        {
            "meetup/services/events/planted_a.py": "import meetup.services.events.planted_b",
            "meetup/services/events/planted_b.py": "import meetup.services.events.planted_a",
        },
        ["acyclic"],
    ),
    "a service imports the edge": (
        {"meetup/services/accounts/planted.py": "from meetup.edge import answer"},
        ["services"],
    ),
    "a blueprint imports another's form": (
        {"meetup/events/planted.py": "from meetup.rsvps.forms import RsvpForm"},
        ["blueprint-events"],
    ),
}


@pytest.mark.parametrize(("modules", "broken"), PLANTED.values(), ids=PLANTED.keys())
def test_an_import_against_the_stack_fails_the_lint(
    tree: Path, modules: dict[str, str], broken: list[str]
) -> None:
    for path, statement in modules.items():
        (tree / path).write_text(f'"""Planted by tests/test_import_contracts.py."""\n{statement}\n')
    try:
        result = _lint(tree)
    finally:
        for path in modules:
            (tree / path).unlink()
    assert result.returncode == 1, result.stdout
    report = result.stdout.split("Broken contracts", 1)[1]
    for contract_id in broken:
        assert f"{CONTRACTS[contract_id]['name']}\n" in report, report
    assert "planted" in report


def test_the_map_draws_the_layers_the_contract_enforces() -> None:
    """docs/architecture.md's stack, from its top, is the layers contract's list."""
    page = (ROOT / "docs" / "architecture.md").read_text()
    drawn = re.search(r"```text\n# The stack, top first.*?\n(.*?)```", page, re.S)
    assert drawn, "docs/architecture.md lost its stack (```text\\n# The stack, top first...)"
    layers = [line.split()[0] for line in drawn.group(1).splitlines() if line.strip()]
    assert layers == CONTRACTS["domains"]["layers"]


def test_the_map_names_every_contract() -> None:
    page = (ROOT / "docs" / "architecture.md").read_text()
    # The blueprints' contracts are one rule, written once for all of them.
    names = {
        re.sub(r"^The \w+ blueprint", "The <name> blueprint", c["name"]) for c in CONTRACTS.values()
    }
    missing = sorted(name for name in names if name not in page)
    assert missing == [], f"name these contracts in docs/architecture.md: {missing}"
