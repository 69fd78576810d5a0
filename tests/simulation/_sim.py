"""Running a scenario in tests: a design (file or text) and scenario text in, the report out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from _paths import OWN_EXAMPLES
from vinfra.io.design import load, load_text
from vinfra.simulation.engine import simulate
from vinfra.simulation.scenario import check_against, load_scenario_text


def run(design: str | Path, scenario: str, *, seed: int | None = None, text: bool = False) -> dict[str, Any]:
    inv = load_text(str(design), "<design>") if text else load(design)
    loaded = load_scenario_text(scenario, "<scenario>")
    check_against(loaded, inv)
    return simulate(inv, loaded.scenario, loaded.timers, seed=seed)


def example(name: str) -> Path:
    return OWN_EXAMPLES / name


def rows(report: dict[str, Any], kind: str, subject: str | None = None) -> list[dict[str, Any]]:
    return [e for e in report["events"] if e["kind"] == kind and (subject is None or e["subject"] == subject)]


def outages(report: dict[str, Any], src: str, dst: str) -> list[dict[str, Any]]:
    return [o for o in report["outages"] if o["from"] == src and o["to"] == dst]
