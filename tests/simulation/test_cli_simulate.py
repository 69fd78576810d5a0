"""``vinfra simulate``: text, JSON, plots, Monte Carlo runs, bad input; the same seed gives the same bytes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from _paths import OWN_EXAMPLES
from vinfra.cli.main import app

runner = CliRunner()
DESIGN = str(OWN_EXAMPLES / "two-independent-switches.yaml")
RANDOM = str(OWN_EXAMPLES / "scenarios" / "random-failures.scenario.yaml")
HA = str(OWN_EXAMPLES / "scenarios" / "host-failure-ha.scenario.yaml")


def sim(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["simulate", *args])
    return result.exit_code, result.stdout, result.stderr


def test_same_seed_same_bytes() -> None:
    a = sim(DESIGN, RANDOM, "--format", "json", "--seed", "3")
    b = sim(DESIGN, RANDOM, "--format", "json", "--seed", "3")
    assert a[0] == 0 and a[1] == b[1]
    assert sim(DESIGN, RANDOM, "--seed", "3")[1] == sim(DESIGN, RANDOM, "--seed", "3")[1]


def test_different_seeds_draw_different_failures() -> None:
    draws = set()
    for seed in range(4):
        report = json.loads(sim(DESIGN, RANDOM, "--format", "json", "--seed", str(seed))[1])
        draws.add(tuple(e["subject"] for e in report["events"] if e["kind"] == "failed"))
    assert len(draws) > 1
    assert all(len(d) == 12 for d in draws)  # one every 5 minutes for an hour, each repaired after 2 minutes


def test_json_report_shape() -> None:
    code, out, _ = sim(DESIGN, HA, "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert set(report) == {"events", "outages", "summary"}
    assert all(set(e) == {"t", "kind", "subject", "detail"} for e in report["events"])
    assert [e["t"] for e in report["events"]] == sorted(e["t"] for e in report["events"])
    assert all(set(o) == {"from", "to", "start", "end", "cause"} for o in report["outages"])
    assert report["summary"]["vms_restarted"] == 2


def test_text_output_and_until() -> None:
    code, out, _ = sim(DESIGN, HA, "--until", "40")
    assert code == 0
    assert "ha-host-failed" not in out  # declared at 45 s, after --until
    assert "2 probes over 40 s" in out


def test_plot_png_and_svg(tmp_path: Path) -> None:
    for name in ("run.png", "run.svg"):
        target = tmp_path / name
        code, _, err = sim(DESIGN, HA, "--plot", str(target))
        assert code == 0, err
        assert target.stat().st_size > 1000
    assert (tmp_path / "run.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    code, _, err = sim(DESIGN, HA, "--plot", str(tmp_path / "run.gif"))
    assert code == 2 and "png or .svg" in err


def test_bad_scenario_is_located_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("scenario: 1\nname: x\nevents:\n  - {at: 1, fail: esx01, colour: red}\n", encoding="utf-8")
    code, out, err = sim(DESIGN, str(bad))
    assert code == 2 and out == ""
    assert err.startswith(f"{bad}:4:") and "unknown key 'colour'" in err and "Traceback" not in err
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("scenario: 1\nname: x\nevents:\n  - {at: 1, fail: esx42}\n", encoding="utf-8")
    code, _, err = sim(DESIGN, str(wrong))
    assert code == 2 and err.startswith(f"{wrong}:4:") and "esx42" in err


def test_monte_carlo_runs() -> None:
    code, out, err = sim(DESIGN, RANDOM, "--runs", "3", "--workers", "1", "--format", "json")
    assert code == 0, err
    answer = json.loads(out)
    assert answer["runs"] == 3 and answer["seeds"] == [7, 9]
    for p in answer["probes"]:
        assert 0 <= p["p50_s"] <= p["p95_s"] <= p["max_s"] and p["mean_s"] <= p["max_s"]
    code, _, err = sim(DESIGN, RANDOM, "--scheduler", "tcp://127.0.0.1:1")
    assert code == 2 and "--runs" in err


def test_same_bytes_across_processes() -> None:
    """String hashing differs per process (PYTHONHASHSEED): nothing in the output may depend on set order."""
    import os
    import subprocess
    import sys

    from _paths import ROOT

    code = ("import sys; from vinfra.cli.main import main; "
            f"sys.argv = ['vinfra', 'simulate', {DESIGN!r}, {RANDOM!r}, '--format', 'json', '--seed', '5']; main()")
    outs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT / "src")}
        outs.append(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, check=True).stdout)
    assert outs[0] == outs[1] and outs[0].startswith(b"{")
