"""The benchmark sizes and cases.  Analyses add theirs here (or in a module imported here)."""

from __future__ import annotations

from pathlib import Path

import vinfra

from .registry import Size, Target, add_size, case

SMALL = add_size(Size("200h-2k", hosts=200, vms=2_000))
LARGE = add_size(Size("2500h-40k", hosts=2_500, vms=40_000))  # a vCenter 8 maximum

# Issue targets: 200/2,000 loads and validates in < 1 s; 2,500/40,000 in < 15 s and < 2 GiB.
LOAD_TARGETS = {SMALL.name: Target(seconds=1.0), LARGE.name: Target(seconds=15.0, rss_mib=2048)}


@case("load", formats=("yaml", "yaml-anchors", "json"), targets=LOAD_TARGETS)
def load(path: Path) -> object:
    """Parse and validate a design file: ``vinfra.load``."""
    return vinfra.load(path)
