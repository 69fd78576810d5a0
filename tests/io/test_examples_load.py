"""Every design in examples/ and the shared examples loads."""

from pathlib import Path

import pytest

import vinfra
from _paths import OWN_EXAMPLES, SHARED_EXAMPLES, designs

OWN = designs(OWN_EXAMPLES)
SHARED = designs(SHARED_EXAMPLES)
DESIGNS = OWN + SHARED


def test_there_are_examples() -> None:
    assert len(SHARED) >= 8, "shared examples not found: set VINFRA_SHARED to the shared directory"
    assert len(OWN) >= 1


@pytest.mark.parametrize("path", DESIGNS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_design_loads(path: Path) -> None:
    inv = vinfra.load(path)
    assert inv.hosts and inv.switches and inv.links
