"""Scenario files (scenario-v1): loaded like designs, every error located FILE:LINE:COL."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from _paths import OWN_EXAMPLES
from vinfra.io.design import load
from vinfra.simulation.scenario import (
    SCHEMA_PATH,
    ScenarioError,
    check_against,
    json_schema,
    load_scenario,
    load_scenario_text,
    schema_text,
)

SCENARIOS = sorted((OWN_EXAMPLES / "scenarios").glob("*.scenario.yaml"))


def errors(text: str, name: str = "s.yaml") -> list[str]:
    with pytest.raises(ScenarioError) as exc:
        load_scenario_text(text, name)
    return [str(d) for d in exc.value.diagnostics]


def test_examples_load_and_name_what_their_designs_have() -> None:
    assert len(SCENARIOS) >= 6
    for path in SCENARIOS:
        loaded = load_scenario(path)
        design = loaded.design_path()
        assert design is not None and design.is_file(), path
        check_against(loaded, load(design))


def test_unknown_keys_and_bad_values_are_located() -> None:
    text = ("scenario: 1\nname: x\nprobes:\n  - {from: a, to: b, via: c}\nevents:\n"
            "  - {at: 5, fial: esx01}\n  - {at: -1, fail: esx01}\n  - {every: 10, fail_random: {kinds: [router]}}\n")
    got = errors(text)
    assert got[0].startswith("s.yaml:4:") and "unknown key 'via'" in got[0]
    assert any(g.startswith("s.yaml:6:") and "unknown key 'fial'" in g for g in got)
    assert any(g.startswith("s.yaml:7:") and "greater than or equal to 0" in g for g in got)
    assert any(g.startswith("s.yaml:8:") and "'host', 'switch', 'link' or 'nic'" in g for g in got)


def test_one_action_per_event_and_at_or_every() -> None:
    got = errors("scenario: 1\nname: x\nevents:\n  - {at: 5, fail: a, restore: a}\n  - {fail: a}\n")
    assert "exactly one action" in got[0] and got[0].startswith("s.yaml:4:")
    assert "either 'at'" in got[1] and got[1].startswith("s.yaml:5:")


def test_settings_are_the_timing_tables_names() -> None:
    got = errors("scenario: 1\nname: x\nsettings:\n  drs_intervall_s: 3\n")
    assert got[0].startswith("s.yaml:4:3:") and "unknown timer 'drs_intervall_s'" in got[0]
    got = errors("scenario: 1\nname: x\nsettings: {beacon_misses: 2.5}\n")
    assert "whole number" in got[0]
    loaded = load_scenario_text("scenario: 1\nname: x\nsettings: {drs_interval_s: 60}\n")
    assert loaded.timers.drs_interval_s == 60


def test_yaml_and_json_errors_are_located_like_designs() -> None:
    assert errors("scenario: 1\nname: x\n!!python/object x: 1\n")[0].startswith("s.yaml:3:")
    assert errors('{"scenario": 1, "name": "x", "name": "y"}', "s.json")[0].startswith("s.json:1:")
    got = errors("scenario: 2\nname: x\n")
    assert got[0].startswith("s.yaml:1:11:") and "Input should be 1" in got[0]


def test_names_are_checked_against_the_design() -> None:
    inv = load(OWN_EXAMPLES / "two-independent-switches.yaml")
    loaded = load_scenario_text("scenario: 1\nname: x\nprobes:\n  - {from: nobody, to: erp-db01}\nevents:\n"
                                "  - {at: 1, fail: esx09}\n  - {at: 2, vmotion: {vm: erp-db01, to: esx99}}\n", "s.yaml")
    with pytest.raises(ScenarioError) as exc:
        check_against(loaded, inv)
    got = [str(d) for d in exc.value.diagnostics]
    assert got[0].startswith("s.yaml:4:") and "nobody" in got[0]
    assert any(g.startswith("s.yaml:6:") and "esx09" in g for g in got)
    assert any(g.startswith("s.yaml:7:") and "esx99" in g for g in got)


def test_the_packaged_schema_is_the_models_and_accepts_the_examples() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text()
    schema = json_schema()
    from vinfra.io.design import parse_text
    for path in SCENARIOS:
        jsonschema.validate(parse_text(path.read_text(encoding="utf-8"), str(path), design=False), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"scenario": 1, "name": "x", "extra": 1}, schema)


def test_event_times() -> None:
    loaded = load_scenario_text("scenario: 1\nname: x\nuntil: 100\nevents:\n  - {every: 30, start: 10, fail: a}\n"
                                "  - {every: 30, stop: 40, fail: a}\n  - {at: 200, fail: a}\n")
    ev = loaded.scenario.events
    assert ev[0].times(100) == [10, 40, 70]
    assert ev[1].times(100) == [0, 30]
    assert ev[2].times(100) == []


def test_a_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenario(tmp_path / "none.yaml")
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes("scenario: 1\nname: caf\xe9\n".encode("latin-1"))
    with pytest.raises(ScenarioError) as exc:
        load_scenario(bad)
    assert str(exc.value.diagnostics[0]).startswith(f"{bad}:2:")
