"""Every design in examples/ and ../shared/examples/ loads."""

from pathlib import Path

import pytest

import vinfra

ROOT = Path(__file__).resolve().parents[2]
DESIGNS = sorted(
    p
    for d in (ROOT / "examples", ROOT.parent / "shared" / "examples")
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
