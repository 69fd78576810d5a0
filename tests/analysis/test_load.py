"""vinfra.analysis.load and ``vinfra load``: flows on uplinks and links by the teaming rules (T1-T4, M2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import vinfra
from _paths import OWN_EXAMPLES
from vinfra.analysis.load import FlowError, load, parse_flows, random_flows
from vinfra.cli.main import app
from vinfra.network import Snapshot

runner = CliRunner()


def _snap(name: str, fail: list[str] | None = None) -> Snapshot:
    return Snapshot(vinfra.load(OWN_EXAMPLES / name), fail=fail or [])


def test_ip_hash_spreads_a_vm_over_both_members_port_id_pins_it() -> None:
    """One VM talking to many peers: IP hash (T3) uses both members of the stack's channel, port ID (T1)
    keeps the VM on its one home uplink (spread = number of uplinks)."""
    stack = _snap("stacked-ip-hash.yaml")
    src = stack.endpoints.resolve("mes-app01")
    peers = [e for e in stack.endpoints.listed() if e.ip is not None and e.name != src.name]
    flows = [(src, e, 1.0) for e in peers]
    team = next(t for t in load(stack, flows)["teams"] if (t["host"], t["portgroup"]) == ("esx-plant1", "MES"))
    assert team["policy"] == "ip_hash" and all(v > 0 for v in team["load_mbps"].values())

    indep = _snap("two-independent-switches.yaml")
    web = [(indep.endpoints.resolve("intranet01"), indep.endpoints.resolve("intranet02"), 5.0)]
    (team,) = [t for t in load(indep, web)["teams"] if (t["host"], t["portgroup"]) == ("esx01", "Web")]
    assert team["policy"] == "port_id" and sorted(team["load_mbps"].values()) == [0.0, 5.0] and team["spread"] == 2.0


def test_outbound_and_inbound_and_links_add_up() -> None:
    snap = _snap("two-independent-switches.yaml")
    flows = random_flows(snap, 300, seed=7)
    answer = load(snap, flows)
    assert answer["flows"] == {"carried": 300, "dropped": 0}
    out = sum(u["mbps"] for u in answer["uplinks"] if u["direction"] == "outbound")
    inb = sum(u["mbps"] for u in answer["uplinks"] if u["direction"] == "inbound")
    assert out == inb == 300  # every flow leaves one host and enters another
    assert answer["links"] and all(k["mbps"] > 0 and "->" in k["link"] for k in answer["links"])


def test_a_failed_uplink_moves_its_load() -> None:
    snap = _snap("two-independent-switches.yaml", ["esx01:vmnic0"])
    answer = load(snap, random_flows(snap, 200, seed=1))
    assert not any(u["uplink"] == "esx01:vmnic0" for u in answer["uplinks"])
    assert not any(t["host"] == "esx01" for t in answer["teams"])  # one uplink left: no spread to speak of


def test_parse_flows_names_the_bad_field() -> None:
    snap = _snap("two-independent-switches.yaml")
    assert parse_flows(snap, [{"from": "intranet01", "to": "intranet02", "mbps": 3}])[0][2] == 3.0
    for data, field in (([{"from": "nosuch", "to": "intranet02"}], "flows[0].from"),
                        ([{"from": "intranet01", "to": "intranet02", "mbps": 0}], "flows[0].mbps"),
                        ([{"from": "intranet01", "to": "intranet02", "rate": 1}], "flows[0].rate"),
                        ({"x": 1}, "flows")):
        with pytest.raises(FlowError) as info:
            parse_flows(snap, data)
        assert info.value.field == field


def test_cli(tmp_path: Path) -> None:
    design = str(OWN_EXAMPLES / "two-independent-switches.yaml")
    result = runner.invoke(app, ["load", design, "--random", "50", "--seed", "3", "--format", "json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["flows"]["carried"] == 50
    flows = tmp_path / "flows.yaml"
    flows.write_text("- {from: intranet01, to: erp-db01, mbps: 20}\n")
    result = runner.invoke(app, ["load", design, "--flows", str(flows)])
    assert result.exit_code == 0 and "1 flows carried, 0 dropped" in result.stdout
    flows.write_text("- {from: intranet01, to: nosuch}\n")
    result = runner.invoke(app, ["load", design, "--flows", str(flows)])
    assert result.exit_code == 2 and "flows[0].to" in result.stderr
    result = runner.invoke(app, ["load", design, "--flows", str(flows), "--random", "3"])
    assert result.exit_code == 2 and "not both" in result.stderr
