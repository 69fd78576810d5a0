"""Clones in the simulation (cluster-behaviour §4.2, §1.4; scenario-v1's clone timing): placed and checked by
the provisioning model, queued with vMotions under the §1.4 host costs, and network endpoints once made."""

from __future__ import annotations

import pytest
from _sim import example, outages, rows, run

from vinfra.io.design import load_text
from vinfra.simulation.scenario import ScenarioError, check_against, load_scenario_text

FULL = 40 * 1024 / 200  # scenario-v1: disk / clone_mb_s (the provisioning model's 40 GB [model]) = 204.8 s


def _maint_design() -> str:
    """Three ESXi 6.7 hosts (§1.4 vSphere 5/6 costs: host max 8, vMotion 1, clone 1), 20 VMs on esx01, and a
    template."""
    text = example("maintenance-20-vms.yaml").read_text(encoding="utf-8")
    assert "\ntemplates:" not in text
    return text + "\ntemplates:\n  tpl: {memory_gb: 4, datastore: ds1, load: {cpu_mhz: 500, memory_gb: 3}, nics: [{network: VMs}]}\n"


def test_full_and_linked_clones_take_the_spec_times_side_by_side() -> None:
    scenario = """
scenario: 1
name: clones
until: 600
events:
  - {at: 10, clone: {template: tpl-linux-small, prefix: full-, count: 3, cluster: lab}}
  - {at: 10, clone: {template: tpl-linux-small, prefix: lnk-, count: 2, cluster: lab, linked: true}}
"""
    r = run(example("small-cluster-templates.yaml"), scenario)
    done = {e["subject"]: e["t"] for e in rows(r, "clone-done")}
    assert done == {"lnk-1": 15.0, "lnk-2": 15.0, "full-1": pytest.approx(10 + FULL), "full-2": pytest.approx(10 + FULL),
                    "full-3": pytest.approx(10 + FULL)}
    details = {e["subject"]: e["detail"] for e in rows(r, "clone-done")}
    assert details["lnk-1"].startswith("linked clone of tpl-linux-small@base on lab-esx")
    assert details["full-1"].startswith("full clone of tpl-linux-small on lab-esx")


def test_clones_queue_under_the_host_maximum_and_hold_back_the_vmotions_behind_them() -> None:
    """§1.4 (vSphere 5/6): host max 8; a clone costs 1 on its host, a vMotion 1 on both.  Nine powered-off
    clones placed on one host: 8 run, the 9th waits for the first to end; the evacuation of esx01 submitted
    after them queues FIFO behind it, so no vMotion starts before the clones free the host."""
    scenario = """
scenario: 1
name: clones and evacuation
until: 900
settings: {drs_interval_s: 3000}
events:
  - {at: 10, clone: {template: tpl, prefix: c, count: 9, cluster: maint}}
  - {at: 11, maintenance: {host: esx01}}
"""
    r = run(_maint_design(), scenario, text=True)
    done = rows(r, "clone-done")
    hosts = {e["detail"].rsplit(" on ", 1)[1] for e in done}
    assert len(hosts) == 1  # powered off: no load, DRS places every one on the same best host
    times = sorted(e["t"] for e in done)
    assert times[:8] == [pytest.approx(10 + FULL)] * 8
    assert times[8] == pytest.approx(10 + 2 * FULL)
    starts = [e["t"] for e in rows(r, "vmotion-start")]
    assert starts and min(starts) == pytest.approx(10 + FULL)
    # without the clones the evacuation starts at once
    alone = run(_maint_design(), scenario.replace("  - {at: 10, clone: {template: tpl, prefix: c, count: 9, cluster: maint}}\n", ""),
                text=True)
    assert min(e["t"] for e in rows(alone, "vmotion-start")) == 11.0


def test_a_powered_on_clone_is_a_network_endpoint() -> None:
    """The probe to a clone is down until the clone exists and has booted (vm_boot_s after clone-done)."""
    scenario = """
scenario: 1
name: clone endpoint
until: 300
probes:
  - {from: new-1, to: 192.168.101.1}
  - {from: web01, to: new-1}
  - {from: web01, to: new-2}
events:
  - {at: 10, clone: {template: tpl-linux-small, prefix: new-, count: 2, cluster: lab, linked: true, power_on: true,
                     nics: [{ip: 192.168.101.70/24, gateway: 192.168.101.1}]}}
"""
    r = run(example("small-cluster-templates.yaml"), scenario)
    assert {e["subject"]: e["t"] for e in rows(r, "clone-done")} == {"new-1": 15.0, "new-2": 15.0}
    for src, dst in (("new-1", "192.168.101.1"), ("web01", "new-1"), ("web01", "new-2")):
        (o,) = outages(r, src, dst)
        assert (o["start"], o["end"]) == (0.0, 75.0)  # clone-done at 15, boot 60 s
        assert "not cloned yet" in o["cause"]
    assert r["summary"]["never_recovered"] == []


def test_a_powered_off_clone_answers_after_a_power_event() -> None:
    scenario = """
scenario: 1
name: clone then power on
until: 300
probes:
  - {from: web01, to: new-1}
events:
  - {at: 10, clone: {template: tpl-linux-small, prefix: new-, cluster: lab, linked: true,
                     nics: [{ip: 192.168.101.70/24, gateway: 192.168.101.1}]}}
  - {at: 5, power: {vm: new-1, state: "on"}}
  - {at: 100, power: {vm: new-1, state: "on"}}
"""
    r = run(example("small-cluster-templates.yaml"), scenario)
    (o,) = outages(r, "web01", "new-1")
    assert o["end"] == 160.0  # the first power event came before the clone existed: ignored


def test_refused_clones_are_reported_at_once() -> None:
    scenario = """
scenario: 1
name: refused
until: 100
events:
  - {at: 10, clone: {template: tpl-linux-small, prefix: w, count: 1, cluster: lab, linked: true, snapshot: S9}}
  - {at: 10, clone: {template: tpl-linux-small, prefix: web0, count: 2, cluster: lab, linked: true}}
  - {at: 20, clone: {template: tpl-linux-small, prefix: ip-, count: 1, cluster: lab, nics: [{ip: 192.168.101.21/24}]}}
"""
    r = run(example("small-cluster-templates.yaml"), scenario)
    done = {e["subject"]: (e["t"], e["detail"]) for e in rows(r, "clone-done")}
    assert done["w1"][0] == 10.0 and done["w1"][1].startswith("failed: InvalidArgument: template tpl-linux-small has no snapshot")
    assert done["web01"] == (10.0, "failed: DuplicateName: a VM named 'web01' exists")
    assert done["web02"] == (10.0, "failed: DuplicateName: a VM named 'web02' exists")
    assert done["ip-1"] == (20.0, "failed: InvalidArgument: 192.168.101.21 is in use by web01")


def test_clones_in_flight_hold_their_names_and_addresses() -> None:
    scenario = """
scenario: 1
name: twice
until: 400
events:
  - {at: 10, clone: {template: tpl-linux-small, prefix: a-, cluster: lab, nics: [{ip: 192.168.101.70/24}]}}
  - {at: 11, clone: {template: tpl-linux-small, prefix: a-, cluster: lab, linked: true}}
  - {at: 12, clone: {template: tpl-linux-small, prefix: b-, cluster: lab, linked: true, nics: [{ip: 192.168.101.70/24}]}}
"""
    r = run(example("small-cluster-templates.yaml"), scenario)
    done = [(e["t"], e["subject"], e["detail"]) for e in rows(r, "clone-done")]
    assert done[0] == (11.0, "a-1", "failed: DuplicateName: a VM named 'a-1' exists")
    assert done[1] == (12.0, "b-1", "failed: InvalidArgument: 192.168.101.70 is in use by a-1")
    assert done[2][:2] == (pytest.approx(10 + FULL), "a-1")


def test_customization_failure_is_in_the_clone_done_row() -> None:
    """§4.2 [model]: a guest no customization handles fails on first boot; the clone itself is made."""
    scenario = """
scenario: 1
name: custom
until: 100
events:
  - {at: 10, clone: {template: tpl, prefix: n, cluster: maint, linked: true, power_on: true,
                     nics: [{ip: 10.9.10.200/24, gateway: 10.9.10.1}]}}
"""
    r = run(_maint_design(), scenario, text=True)
    (row,) = rows(r, "clone-done")
    assert row["t"] == 15.0 and "customization failed on first boot" in row["detail"]
    assert row["detail"].endswith("powered on")


def test_the_scenario_may_name_clones_in_power_events_and_probes_only() -> None:
    inv = load_text(example("small-cluster-templates.yaml").read_text(encoding="utf-8"), "<design>")
    ok = load_scenario_text("""
scenario: 1
name: ok
probes: [{from: new-1, to: web01}, {from: new-1:nic0, to: web01}]
events:
  - {at: 1, clone: {template: tpl-linux-small, prefix: new-, cluster: lab}}
  - {at: 2, power: {vm: new-1, state: "on"}}
""")
    check_against(ok, inv)
    bad = load_scenario_text("""
scenario: 1
name: bad
probes: [{from: new-1:nic1, to: web01}]
events:
  - {at: 1, clone: {template: tpl-linux-small, prefix: new-, cluster: lab}}
  - {at: 2, load: {vm: new-1, cpu_mhz: 1}}
""", "s.yaml")
    with pytest.raises(ScenarioError) as err:
        check_against(bad, inv)
    text = str(err.value)
    assert "new-1:nic1" in text and "VM 'new-1' is not in the design" in text


def test_same_seed_same_rows() -> None:
    scenario = """
scenario: 1
name: det
until: 400
events:
  - {at: 10, clone: {template: tpl-linux-small, prefix: c, count: 4, cluster: lab, power_on: true}}
"""
    a = run(example("small-cluster-templates.yaml"), scenario, seed=3)
    b = run(example("small-cluster-templates.yaml"), scenario, seed=3)
    assert a == b


def test_an_address_range_is_checked_clone_by_clone() -> None:
    """Clone k gets the event's address + (k - 1) [model]; each is checked as a customization (§4.2)."""
    scenario = """
scenario: 1
name: range
until: 100
events:
  - {at: 10, clone: {template: tpl-linux-small, prefix: r, count: 3, cluster: lab, nics: [{ip: 223.255.255.254/24}]}}
"""
    r = run(example("small-cluster-templates.yaml"), scenario)
    done = {e["subject"]: e["detail"] for e in rows(r, "clone-done")}
    assert done["r1"].startswith("failed: InvalidArgument: 223.255.255.254/24 is not in the subnet")
    assert done["r2"] == "failed: InvalidArgument: 223.255.255.255/24 is the broadcast address of 223.255.255.0/24"
    assert done["r3"] == "failed: InvalidArgument: 224.0.0.0 is not a unicast host address"
