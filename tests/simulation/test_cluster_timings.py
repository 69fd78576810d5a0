"""HA restarts, VM monitoring, maintenance evacuation and DRS, played in time (cluster-behaviour §1.4, §2, §3)."""

from __future__ import annotations

import pytest
from _sim import example, outages, rows, run


def _design(version: str = "4.1", priorities: dict[str, str] | None = None) -> str:
    text = example("maintenance-20-vms.yaml").read_text(encoding="utf-8").replace('version: "6.7"', f'version: "{version}"')
    for vm, prio in (priorities or {}).items():
        text = text.replace(f"  {vm}: {{host: esx01,", f"  {vm}: {{host: esx01, ha: {{restart_priority: {prio}}},")
    return text


HOST_FAILURE = """
scenario: 1
name: esx01 fails
until: 400
probes:
  - {from: vm07, to: 10.9.10.1}
  - {from: vm02, to: 10.9.10.1}
events:
  - {at: 100, fail: esx01}
"""


def test_host_failure_restarts_in_priority_order_after_aam_detection() -> None:
    """§3.2 AAM (ESX 4.1): declared failed 15 s after the heartbeats stop; §3.3 and scenario-v1 "HA
    restarts": all placed and powered on at that moment, in priority order then by name; disabled never;
    each VM answers vm_boot_s (60 s) later."""
    prios = {"vm07": "high", "vm03": "low", "vm12": "disabled", "vm15": "high"}
    r = run(_design("4.1", prios), HOST_FAILURE, text=True)
    (failed,) = rows(r, "ha-host-failed", "esx01")
    assert failed["t"] == 115.0 and failed["detail"].startswith("AAM")
    restarted = rows(r, "vm-restarted")
    assert {e["t"] for e in restarted} == {115.0}
    names = [e["subject"] for e in restarted]
    expected = ["vm07", "vm15"] + sorted(f"vm{k:02d}" for k in range(1, 21) if k not in (3, 7, 12, 15)) + ["vm03"]
    assert names == expected  # vm12 (disabled) is never restarted, and gets no event
    assert not rows(r, "vm-not-restarted")
    assert all(e["detail"].split()[1] in ("esx02", "esx03") for e in restarted)
    (o,) = outages(r, "vm07", "10.9.10.1")
    assert (o["start"], o["end"]) == (100.0, 175.0)  # 15 s detection + 60 s boot
    assert r["summary"]["vms_restarted"] == 19 and r["summary"]["last_restart_s"] == 115.0


def test_fdm_declares_the_host_dead_after_its_own_timer() -> None:
    r = run(_design("6.7"), HOST_FAILURE.replace("events:", "settings: {fdm_host_dead_s: 20}\nevents:"), text=True)
    (failed,) = rows(r, "ha-host-failed", "esx01")
    assert failed["t"] == 120.0 and failed["detail"].startswith("FDM")


def test_a_host_back_before_detection_is_not_declared_failed() -> None:
    scenario = HOST_FAILURE.replace("  - {at: 100, fail: esx01}", "  - {at: 100, fail: esx01}\n  - {at: 110, restore: esx01}")
    r = run(_design(), scenario, text=True)
    assert not rows(r, "ha-host-failed") and not rows(r, "vm-restarted")


MONITORING = """
scenario: 1
name: guest hangs
until: 1000
probes:
  - {from: vm05, to: 10.9.10.1}
events:
  - {at: 500, heartbeat_lost: {vm: vm05}}
"""


def test_vm_monitoring_resets_after_thirty_seconds() -> None:
    """§3.5, scenario 15: heartbeat lost at 500 s -> reset at 530 s; the guest answers after booting."""
    r = run(_design("6.7"), MONITORING, text=True)
    (reset,) = rows(r, "vm-reset", "vm05")
    assert reset["t"] == 530.0 and "VM monitoring" in reset["detail"]
    (o,) = outages(r, "vm05", "10.9.10.1")
    assert (o["start"], o["end"]) == (500.0, 590.0)


def test_vm_monitoring_waits_for_the_minimum_uptime_and_stops_after_max_resets() -> None:
    early = MONITORING.replace("  - {at: 500, heartbeat_lost: {vm: vm05}}",
                               "  - {at: 0, power: {vm: vm05, state: reset}}\n  - {at: 60, heartbeat_lost: {vm: vm05}}")
    r = run(_design("6.7"), early, text=True)
    assert [e["t"] for e in rows(r, "vm-reset")] == [0.0]  # the operator's reset only: 60 s < min uptime 120 s
    many = MONITORING.replace("  - {at: 500, heartbeat_lost: {vm: vm05}}",
                              "  - {every: 200, start: 200, heartbeat_lost: {vm: vm05}}")
    r = run(_design("6.7"), many, text=True)
    assert [e["t"] for e in rows(r, "vm-reset")] == [230.0, 430.0, 630.0]  # at most 3; the 4th hang stays


MAINTENANCE = """
scenario: 1
name: evacuate esx01
until: 1200
events:
  - {at: 60, maintenance: {host: esx01}}
"""


@pytest.mark.parametrize(("version", "at_once"), [("6.7", 4), ("4.0", 2)])
def test_maintenance_evacuation_of_twenty_vms_on_1gbe_queues_under_the_limits(version: str, at_once: int) -> None:
    """§1.4: 4 concurrent vMotions per host on 1 GbE (VI3 and 4.0: 2); the rest wait FIFO; the host is in
    maintenance when the last VM has left; each vMotion takes the §1.3 pre-copy estimate."""
    r = run(_design(version), MAINTENANCE, text=True)
    starts, ends = rows(r, "vmotion-start"), rows(r, "vmotion-end")
    assert len(starts) == len(ends) == 20
    events = sorted([(e["t"], 1) for e in starts] + [(e["t"], -1) for e in ends], key=lambda x: (x[0], x[1]))
    running, peak = 0, 0
    for _, d in events:
        running += d
        peak = max(peak, running)
    assert peak == at_once
    assert [e["t"] for e in starts[:at_once]] == [60.0] * at_once
    (entered,) = rows(r, "maintenance-entered", "esx01")
    assert entered["t"] == max(e["t"] for e in ends)
    # 20 VMs of 4 GB at 1 GbE (115 MB/s): rounds of about 43 s, 20 / at_once of them
    per = ends[0]["t"] - 60.0
    assert 35 < per < 50
    assert entered["t"] == pytest.approx(60 + per * (20 / at_once), rel=0.02)
    assert r["summary"]["migrations"] == 20


DRS = """
scenario: 1
name: load surge
until: 1200
probes:
  - {from: intranet01, to: erp-db01}
events:
  - {at: 120, load: {vm: erp-app01, cpu_mhz: 12000, memory_gb: 28}}
  - {at: 120, load: {vm: intranet01, cpu_mhz: 9000, memory_gb: 7}}
"""


def test_drs_rebalances_after_a_load_change() -> None:
    """§2.3: DRS runs every drs_interval_s from the seed's phase; fully automated, it applies its
    recommendation as a vMotion; with the load unchanged it recommends nothing."""
    r = run(example("two-independent-switches.yaml"), DRS)
    recs = rows(r, "drs-recommendation")
    assert recs and all("applied" in e["detail"] for e in recs)
    first = recs[0]
    assert first["t"] > 120.0
    (start,) = [e for e in rows(r, "vmotion-start", first["subject"])]
    assert start["t"] == first["t"]
    assert rows(r, "vmotion-end", first["subject"])
    quiet = run(example("two-independent-switches.yaml"), DRS.replace("  - {at: 120, load", "  - {at: 1199, load"))
    assert not [e for e in rows(quiet, "drs-recommendation") if e["t"] < 1199]


ISOLATION = """
scenario: 1
name: esx01 isolated
until: 400
probes:
  - {from: intranet01, to: erp-db01}
events:
  - {at: 100, fail: [esx01:vmnic0, esx01:vmnic1]}
"""


def _isolation_design(version: str, response: str) -> str:
    text = example("two-independent-switches.yaml").read_text(encoding="utf-8")
    return text.replace('version: "7.0"', f'version: "{version}"').replace(
        "isolation_response: power_off", f"isolation_response: {response}")


def test_aam_isolation_power_off_timeline() -> None:
    """scenario-v1 "HA, AAM", cluster-behaviour §7 scenario 13: isolation declared at t0 + 12 s (vSphere 4),
    VMs powered off at t0 + 14 s, the host declared failed and its VMs restarted at t0 + 15 s."""
    r = run(_isolation_design("4.0", "power_off"), ISOLATION, text=True)
    assert [e["t"] for e in rows(r, "ha-isolated", "esx01")] == [112.0]
    assert {(e["subject"], e["t"]) for e in rows(r, "vm-powered-off")} == {("intranet01", 114.0), ("erp-app01", 114.0)}
    assert [e["t"] for e in rows(r, "ha-host-failed", "esx01")] == [115.0]
    assert {(e["subject"], e["t"]) for e in rows(r, "vm-restarted")} == {("intranet01", 115.0), ("erp-app01", 115.0)}
    (o,) = outages(r, "intranet01", "erp-db01")
    assert (o["start"], o["end"]) == (100.0, 175.0)


def test_vi3_isolation_is_declared_at_thirteen_seconds_and_leave_powered_on_restarts_nothing() -> None:
    r = run(_isolation_design("3.5", "leave_powered_on"), ISOLATION, text=True)
    assert [e["t"] for e in rows(r, "ha-isolated", "esx01")] == [113.0]
    assert not rows(r, "vm-powered-off") and not rows(r, "vm-restarted")  # the VMs keep their locks


def test_fdm_isolation_responds_at_thirty_seconds_and_restarts_at_once() -> None:
    """scenario-v1 "HA, FDM": an isolated slave declares isolation and responds at t0 + fdm_isolation_s; the
    master restarts what it powered off as soon as it is off; no ha-host-failed (datastore heartbeats)."""
    r = run(_isolation_design("7.0", "power_off"), ISOLATION, text=True)
    assert [e["t"] for e in rows(r, "ha-isolated", "esx01")] == [130.0]
    assert {e["t"] for e in rows(r, "vm-restarted")} == {130.0} and not rows(r, "ha-host-failed")
    shut = run(_isolation_design("7.0", "shutdown"), ISOLATION, text=True)
    assert {e["t"] for e in rows(shut, "vm-powered-off")} == {430.0} or not rows(shut, "vm-powered-off")
    assert all(e["t"] >= 130.0 + 300.0 for e in rows(shut, "vm-restarted"))


def test_vms_without_a_host_are_tried_again_when_capacity_frees() -> None:
    """scenario-v1 "HA restarts": a VM that finds no host gets vm-not-restarted with its reason at once, and is
    tried again whenever capacity changes (here: a VM powered off), up to das_max_restart_count attempts."""
    text = _design("6.7").replace("{host: esx01, memory_gb: 4,", "{host: esx01, memory_gb: 120, memory: {reservation_gb: 100},")
    scenario = HOST_FAILURE.replace("  - {at: 100, fail: esx01}", "  - {at: 100, fail: esx01}\n"
                                                                  "  - {at: 200, power: {vm: vm01, state: off}}")
    r = run(text, scenario, text=True)
    first = [e for e in rows(r, "vm-restarted") if e["t"] == 115.0]
    missed = [e for e in rows(r, "vm-not-restarted") if e["t"] == 115.0]
    assert first and missed and len(first) + len(missed) == 20
    assert all(e["detail"].startswith("attempt 1 of 5: ") for e in missed)
    later = [e for e in rows(r, "vm-restarted") if e["t"] == 200.0]
    assert len(later) >= 1  # vm01's reservation is free again
    assert all(e["detail"].startswith("attempt 2 of 5: ") for e in rows(r, "vm-not-restarted") if e["t"] == 200.0)


CLONES = """
scenario: 1
name: clones
until: 600
settings: {clone_mb_s: 400}
events:
  - {at: 10, clone: {template: tpl-linux-small, prefix: web-new-, count: 2, cluster: lab}}
  - {at: 20, clone: {template: tpl-linux-small, prefix: web-lnk-, count: 1, cluster: lab, linked: true}}
"""


def test_clone_timing() -> None:
    """cluster-behaviour §4.2, scenario-v1: a full clone copies CLONE_DISK_GB at clone_mb_s, side by side
    under the §1.4 host cost (tests/simulation/test_clone_timeline.py); a linked clone takes 5 s."""
    from vinfra.simulation.engine import CLONE_DISK_GB

    r = run(example("small-cluster-templates.yaml"), CLONES)
    done = {e["subject"]: e["t"] for e in rows(r, "clone-done")}
    full = CLONE_DISK_GB * 1024 / 400
    assert done == {"web-lnk-1": 25.0, "web-new-1": pytest.approx(10 + full), "web-new-2": pytest.approx(10 + full)}


TWO_HOSTS = """
name: two-hosts
switches:
  sw:
    vlans: [10]
    interfaces:
      Gi1/0/1: {mode: trunk, allowed_vlans: "10", stp: {edge: true}}
      Gi1/0/2: {mode: trunk, allowed_vlans: "10", stp: {edge: true}}
      Vlan10: {ip: 10.0.10.1/24}
hosts:
  esxa: &host
    cluster: c1
    product: esxi
    version: "VERSION"
    cpu: {sockets: 1, cores: 8, mhz: 2000}
    memory_gb: 64
    nics: {vmnic0: {speed: 1000}}
    vswitches: {vSwitch0: {uplinks: [vmnic0], portgroups: {VMs: {vlan: 10}}}}
    vmkernel: {vmk0: {portgroup: VMs, ip: 10.0.10.11/24, gateway: 10.0.10.1, services: [management]}}
    datastores: [ds1]
  esxb:
    <<: *host
    vmkernel: {vmk0: {portgroup: VMs, ip: 10.0.10.12/24, gateway: 10.0.10.1, services: [management]}}
clusters:
  c1:
    ha: {enabled: true, admission_control: {policy: disabled}, isolation_response: leave_powered_on}
datastores:
  ds1: {type: nfs, transport: nfs, capacity_gb: 1024}
vms:
  big: {host: esxa, memory_gb: 40, memory: {reservation_gb: 40}, datastore: ds1,
        nics: [{network: VMs, ip: 10.0.10.21/24, gateway: 10.0.10.1}]}
  filler: {host: esxb, memory_gb: 40, memory: {reservation_gb: 40}, datastore: ds1,
           nics: [{network: VMs, ip: 10.0.10.22/24, gateway: 10.0.10.1}]}
links:
  - [esxa:vmnic0, sw:Gi1/0/1]
  - [esxb:vmnic0, sw:Gi1/0/2]
"""

HOST_RETURNS = """
scenario: 1
name: esxa fails, esxb has no room, esxa returns
until: 400
probes:
  - {from: big, to: 10.0.10.1}
events:
  - {at: 100, fail: esxa}
  - {at: RESTORE, restore: esxa}
"""


@pytest.mark.parametrize(("version", "detect"), [("4.1", 15.0), ("6.7", 15.0)])
def test_a_restored_host_takes_the_vm_ha_could_not_place(version: str, detect: float) -> None:
    """scenario-v1 "HA restarts" (cluster-behaviour §3.3): esxa fails, esxb lacks the memory for big's
    reservation, so big gets vm-not-restarted (attempt 1) when esxa is declared failed; it is tried again when
    capacity changes, here esxa restored, and restarts on esxa at that moment (the returned host is a candidate;
    the restore itself costs no attempt)."""
    r = run(TWO_HOSTS.replace("VERSION", version), HOST_RETURNS.replace("RESTORE", "250"), text=True)
    (missed,) = rows(r, "vm-not-restarted", "big")
    assert missed["t"] == 100.0 + detect and missed["detail"].startswith("attempt 1 of 5: ")
    (restarted,) = rows(r, "vm-restarted", "big")
    assert restarted["t"] == 250.0 and restarted["detail"].startswith("on esxa ")
    (o,) = outages(r, "big", "10.0.10.1")
    assert (o["start"], o["end"]) == (100.0, 250.0 + 60.0)  # answers vm_boot_s after power-on
    assert r["summary"]["vms_restarted"] == 1 and r["summary"]["last_restart_s"] == 250.0


def test_a_host_back_before_detection_leaves_its_vms_off() -> None:
    """A host restored before HA declares it failed: nothing to retry; its VMs come back powered off
    (a failed host reboots; HA never declared it, so it restarts nothing), with no vm-* restart rows."""
    r = run(TWO_HOSTS.replace("VERSION", "6.7"), HOST_RETURNS.replace("RESTORE", "110"), text=True)
    assert not rows(r, "vm-not-restarted") and not rows(r, "vm-restarted") and not rows(r, "ha-host-failed")


def test_ha_gives_up_after_das_max_restart_count_attempts() -> None:
    """scenario-v1 "HA restarts": at most das_max_restart_count attempts; after the last one the VM stays off,
    and a host returning later does not bring it back (VmFailoverFailed).  The reason carries no FDM minutes:
    the simulation retries on capacity changes, not on the HA model's [unverified] schedule."""
    scenario = HOST_RETURNS.replace("RESTORE", "250").replace("events:", "settings: {das_max_restart_count: 1}\nevents:")
    r = run(TWO_HOSTS.replace("VERSION", "6.7"), scenario, text=True)
    (missed,) = rows(r, "vm-not-restarted", "big")
    assert missed["t"] == 115.0 and missed["detail"].startswith("attempt 1 of 1: ") and "gives up" in missed["detail"]
    assert "min" not in missed["detail"]
    assert not rows(r, "vm-restarted")
    (o,) = outages(r, "big", "10.0.10.1")
    assert o["end"] is None


def test_an_operator_power_off_ends_the_retries() -> None:
    """A VM HA could not place that the operator then powers off is the operator's: HA does not restart it when
    capacity frees later; without that power-off it does (filler powered off frees esxb)."""
    base = HOST_RETURNS.replace("  - {at: RESTORE, restore: esxa}\n", "  - {at: 300, power: {vm: filler, state: off}}\n")
    r = run(TWO_HOSTS.replace("VERSION", "6.7"), base, text=True)
    assert [(e["t"], e["detail"].split()[1]) for e in rows(r, "vm-restarted", "big")] == [(300.0, "esxb")]
    r = run(TWO_HOSTS.replace("VERSION", "6.7"), base + "  - {at: 150, power: {vm: big, state: \"off\"}}\n", text=True)
    assert not rows(r, "vm-restarted", "big") and [e["t"] for e in rows(r, "vm-not-restarted", "big")] == [115.0]


def test_a_host_out_of_maintenance_takes_the_vm_ha_could_not_place() -> None:
    """scenario-v1 "HA restarts": a host out of maintenance is a capacity change; the VM restarts there then."""
    design = TWO_HOSTS.replace("VERSION", "6.7").replace("  esxb:\n    <<: *host\n", "  esxb:\n    <<: *host\n    state: maintenance\n")
    design = design.replace("filler: {host: esxb,", 'filler: {host: esxb, power: "off",')
    scenario = HOST_RETURNS.replace("  - {at: RESTORE, restore: esxa}", "  - {at: 200, maintenance: {host: esxb, exit: true}}")
    r = run(design, scenario, text=True)
    assert [e["t"] for e in rows(r, "vm-not-restarted", "big")] == [115.0]
    assert [(e["t"], e["detail"].split()[1]) for e in rows(r, "vm-restarted", "big")] == [(200.0, "esxb")]


def test_drs_runs_when_a_host_fails() -> None:
    """scenario-v1 "DRS invocation": every drs_interval_s and on host add/remove: with the periodic pass out of
    reach, esx03's failure (a host removed) runs DRS at once, which moves load off the surged esx01."""
    scenario = DRS.replace("until: 1200", "until: 1200\nsettings: {drs_interval_s: 100000}") + "  - {at: 130, fail: esx03}\n"
    r = run(example("two-independent-switches.yaml"), scenario)
    recs = rows(r, "drs-recommendation")
    assert recs and recs[0]["t"] == 130.0 and "esx01 -> esx02" in recs[0]["detail"]
    quiet = run(example("two-independent-switches.yaml"), scenario.replace("  - {at: 130, fail: esx03}\n", ""))
    assert not rows(quiet, "drs-recommendation")


def test_a_vmotion_rarp_row_names_the_destination_uplink() -> None:
    """scenario-v1 "Event subjects": ``rarp`` is ``host:vmnic``; after a vMotion the destination announces the
    VM's MAC from the uplink its port uses there (port-ID teaming: one home uplink, T1, T12)."""
    scenario = """
scenario: 1
name: one vMotion
until: 300
probes:
  - {from: intranet01, to: erp-db01}
events:
  - {at: 10, vmotion: {vm: intranet01, to: esx02}}
"""
    r = run(example("two-independent-switches.yaml"), scenario)
    (end,) = rows(r, "vmotion-end", "intranet01")
    (rarp,) = rows(r, "rarp")
    assert rarp["t"] == end["t"] and rarp["subject"] in ("esx02:vmnic0", "esx02:vmnic1")
    assert "intranet01" in rarp["detail"]


def test_a_vm_ha_could_not_place_after_an_isolation_is_tried_again() -> None:
    """scenario-v1 "HA restarts" covers every VM that finds no host, one powered off by an isolation response
    too: erp-app01 (200 GB reserved) fits on neither esx02 (intranet02 reserves 100 GB) nor esx03 (erp-db01
    64 GB) when esx01 is isolated; powering intranet02 off frees esx02, and erp-app01 restarts there then."""
    text = _isolation_design("4.0", "power_off").replace("    memory_gb: 32\n", "    memory_gb: 200\n    memory: {reservation_gb: 200}\n")
    text = text.replace("    host: esx02\n    cpu: {vcpus: 2}\n    memory_gb: 8\n",
                        "    host: esx02\n    cpu: {vcpus: 2}\n    memory_gb: 100\n    memory: {reservation_gb: 100}\n")
    scenario = ISOLATION + "  - {at: 200, power: {vm: intranet02, state: \"off\"}}\n"
    r = run(text, scenario, text=True)
    assert [(e["t"], e["detail"].split(":")[0]) for e in rows(r, "vm-not-restarted", "erp-app01")] == [(115.0, "attempt 1 of 5")]
    assert [(e["t"], e["detail"].split()[1]) for e in rows(r, "vm-restarted", "erp-app01")] == [(200.0, "esx02")]


POWER_ON = """
scenario: 1
name: power on a VM the design has off
until: 200
probes:
  - {from: intranet01, to: erp-db01}
events:
  - {at: 10, power: {vm: intranet01, state: "on"}}
"""


def test_a_vm_the_design_has_off_answers_once_powered_on_and_booted() -> None:
    """scenario-v1 ``power``: on, answering after ``vm_boot_s`` (60 s).  The VM is off in the design, so the
    network's walk must see it on once the scenario powers it on (it used to stay 'powered off' for good)."""
    text = example("two-independent-switches.yaml").read_text(encoding="utf-8")
    off = text.replace("  intranet01:\n", '  intranet01:\n    power: "off"\n', 1)
    assert off != text
    r = run(off, POWER_ON, text=True)
    (o,) = outages(r, "intranet01", "erp-db01")
    assert (o["start"], o["end"]) == (0.0, 70.0)
    assert "powered off" in o["cause"]
