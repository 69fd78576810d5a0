"""Every design in examples/ and ../shared/examples/ loads."""

from pathlib import Path

import pytest

import vinfra

ROOT = Path(__file__).resolve().parents[2]
# ../shared sits next to the main checkout, and two levels up from a worktree under wt/
SHARED = next((a / "shared" / "examples" for a in ROOT.parents if (a / "shared" / "examples").is_dir()),
              ROOT.parent / "shared" / "examples")
DESIGNS = sorted(
    p
    for d in (ROOT / "examples", SHARED)
    if d.is_dir()
    for p in d.rglob("*.yaml")
    if not p.name.endswith(".expect.yaml")
)


def test_there_are_examples() -> None:
    assert len(DESIGNS) >= 8


@pytest.mark.parametrize("path", DESIGNS, ids=lambda p: p.name)
def test_design_loads(path: Path) -> None:
    inv = vinfra.load(path)
    assert inv.hosts and inv.switches and inv.links
