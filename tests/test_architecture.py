"""docs/architecture.md is the map of the code: it must match the tree."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAP = (ROOT / "docs" / "architecture.md").read_text()


def test_every_package_is_on_the_map() -> None:
    packages = sorted(
        f"{path.parent.relative_to(ROOT).as_posix()}/"
        for path in (ROOT / "meetup").rglob("__init__.py")
        if path.parent != ROOT / "meetup"
    )
    missing = [package for package in packages if f"`{package}`" not in MAP]
    assert missing == [], f"add these packages to docs/architecture.md: {missing}"


def test_every_path_on_the_map_exists() -> None:
    named = set(re.findall(r"`((?:meetup|services|events|templates)/[\w/.]*)`", MAP))
    named |= {
        f"meetup/{path}"
        for path in re.findall(r"`((?:services|events|rsvps|lib|mail)/[\w/]+\.py)`", MAP)
    }
    gone = sorted(
        path for path in named if path.startswith("meetup/") and not (ROOT / path).exists()
    )
    assert gone == [], f"docs/architecture.md names what does not exist: {gone}"


def test_nothing_cites_a_file_outside_the_repository() -> None:
    texts = [ROOT / "README.md", ROOT / "SECURITY.md", *(ROOT / "meetup").rglob("*.py")]
    citing = [str(path.relative_to(ROOT)) for path in texts if "DESIGN.md" in path.read_text()]
    assert citing == []
