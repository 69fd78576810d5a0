"""The real inputs of ``../shared/data`` (see its SOURCES.md) that the network importers read, and the test
importers' own neighbour outputs."""

from __future__ import annotations

from pathlib import Path

from _paths import SHARED

DATA = SHARED / "data" if SHARED is not None else Path("shared-data-not-found")
CONFIG_DIRS = ("batfish", "arista-avd", "microsoft-sdn")
SWITCH_CONFIGS = sorted(p for d in CONFIG_DIRS for p in (DATA / d).glob("*") if p.is_file()) \
    if DATA.is_dir() else []
SHOW_OUTPUTS = sorted((DATA / "ntc-templates").glob("*.raw")) if DATA.is_dir() else []
TOR1 = DATA / "microsoft-sdn" / "Cisco Nexus 3132-TOR1.cfg"
BATFISH = DATA / "batfish"
AVD = DATA / "arista-avd"
ESXI = DATA / "intel-mfd-esxi"
HERE = Path(__file__).resolve().parent / "importers" / "data"  # our own neighbour outputs (shared/data has none)
