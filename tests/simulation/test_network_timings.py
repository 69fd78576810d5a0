"""The network transitions of scenario-v1's timing table, played in time (T11-T15, STP, FHRP)."""

from __future__ import annotations

import pytest
from _sim import example, outages, rows, run

UPLINK_LOSS = """
scenario: 1
name: tor-a loses its uplink
until: 600
probes:
  - {from: dc01, to: 10.60.230.1}
events:
  - {at: 60, fail: tor-a:Te1/0/48}
  - {at: 400, restore: tor-a:Te1/0/48}
"""


def test_link_state_tracking_fails_over_in_two_tenths() -> None:
    """T15 then T13: the host ports go down lst_delay_s (0.1 s) after the uplink, failover link_failover_s
    (0.1 s) later, RARP at the failover (T12): a 0.2 s outage, then nothing at the repair (failback, T11)."""
    r = run(example("redundant-uplinks-lst.yaml"), UPLINK_LOSS)
    got = outages(r, "dc01", "10.60.230.1")
    assert [(o["start"], o["end"]) for o in got] == [(60.0, 60.2)]
    assert "link-state tracking" in got[0]["cause"] and "T15" in got[0]["cause"]
    assert rows(r, "uplink-failed", "esx-cr01:vmnic0")[0] == {"t": 60.1, "kind": "uplink-failed",
                                                               "subject": "esx-cr01:vmnic0", "detail": "link-status"}
    assert [e["t"] for e in rows(r, "failover", "esx-cr01:vmnic1")] == [60.2]
    assert [e["t"] for e in rows(r, "rarp", "esx-cr01:vmnic1")] == [60.2]
    assert [e["t"] for e in rows(r, "failback", "esx-cr01:vmnic0")] == [pytest.approx(400.2)]  # LST 0.1 + T11 0.1
    assert r["summary"]["probes"][0]["downtime_s"] == pytest.approx(0.2)


def test_without_link_state_tracking_the_host_is_black_holed_until_the_repair() -> None:
    """T13, M16: link status cannot see the lost upstream: no failover, the outage lasts until the repair."""
    r = run(example("redundant-uplinks-no-lst.yaml"), UPLINK_LOSS)
    got = outages(r, "dc01", "10.60.230.1")
    assert [(o["start"], o["end"]) for o in got] == [(60.0, 400.0)]
    assert not rows(r, "failover") and not rows(r, "uplink-failed")
    assert r["summary"]["probes"][0]["downtime_s"] == pytest.approx(340.0)


BEACON_DESIGN = """
name: beacon-three-uplinks
switches:
  core:
    stp: {mode: rstp, priority: 4096}
    vlans: [1, 10]
    interfaces:
      Gi0/1: {mode: trunk, allowed_vlans: "10"}
      Gi0/2: {mode: trunk, allowed_vlans: "10"}
      Gi0/3: {mode: trunk, allowed_vlans: "10"}
      Vlan10: {ip: 10.5.10.1/24}
  sw1: &acc
    stp: {mode: rstp}
    vlans: [1, 10]
    interfaces:
      Gi0/1: {mode: trunk, allowed_vlans: "10", stp: {edge: true}}
      Gi0/48: {mode: trunk, allowed_vlans: "10"}
  sw2: *acc
  sw3: *acc
hosts:
  esx01:
    product: esxi
    version: "6.7"
    nics: {vmnic0: {speed: 1000}, vmnic1: {speed: 1000}, vmnic2: {speed: 1000}}
    vswitches:
      vSwitch0:
        uplinks: [vmnic0, vmnic1, vmnic2]
        teaming: {policy: explicit, active: [vmnic0], standby: [vmnic1, vmnic2], detection: beacon}
        portgroups:
          VMs: {vlan: 10}
vms:
  app01:
    host: esx01
    nics: [{network: VMs, mac: "00:50:56:05:00:01", ip: 10.5.10.21/24, gateway: 10.5.10.1}]
links:
  - [esx01:vmnic0, sw1:Gi0/1]
  - [esx01:vmnic1, sw2:Gi0/1]
  - [esx01:vmnic2, sw3:Gi0/1]
  - [sw1:Gi0/48, core:Gi0/1]
  - [sw2:Gi0/48, core:Gi0/2]
  - [sw3:Gi0/48, core:Gi0/3]
"""

BEACON_SCENARIO = """
scenario: 1
name: sw1 loses its uplink
until: 300
probes:
  - {from: app01, to: 10.5.10.1}
events:
  - {at: 100, fail: sw1:Gi0/48}
"""


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_beacon_probing_on_three_uplinks_takes_about_three_seconds(seed: int) -> None:
    """T14: 3 missed beacons at 1 s: the detector fires between 3 and 4 intervals after the failure (by the
    seed's beacon phase), then failover (0.1 s)."""
    r = run(BEACON_DESIGN, BEACON_SCENARIO, seed=seed, text=True)
    (o,) = outages(r, "app01", "10.5.10.1")
    assert o["start"] == 100.0
    assert 100 + 3 + 0.1 < o["end"] <= 100 + 4 + 0.1
    assert "beacon" in o["cause"]
    (failed,) = rows(r, "uplink-failed", "esx01:vmnic0")
    assert failed["detail"] == "beacon" and 103 < failed["t"] <= 104
    assert rows(r, "failover", "esx01:vmnic1")[0]["t"] == pytest.approx(failed["t"] + 0.1)


def test_beacon_phase_comes_from_the_seed() -> None:
    ends = {outages(run(BEACON_DESIGN, BEACON_SCENARIO, seed=s, text=True), "app01", "10.5.10.1")[0]["end"]
            for s in range(6)}
    assert len(ends) > 1


STP_SCENARIO = """
scenario: 1
name: acc-a loses its root port
until: 300
probes:
  - {from: intranet01, to: 10.20.130.1}
  - {from: intranet01, to: intranet02}
events:
  - {at: 50, fail: acc-a:Te1/1/1}
"""


@pytest.mark.parametrize(("mode", "seconds"), [("rpvst", 1.0), ("pvst", 30.0)])
def test_stp_versus_rstp_reconvergence(mode: str, seconds: float) -> None:
    """P*, scenario-v1 "Spanning tree": acc-a loses its root port with an alternate toward the root (a direct
    failure): rapid modes reconverge in 1 s, classic ones in 2 x forward delay (30 s)."""
    text = example("two-independent-switches.yaml").read_text(encoding="utf-8").replace("mode: rpvst", f"mode: {mode}")
    r = run(text, STP_SCENARIO, text=True)
    got = outages(r, "intranet01", "10.20.130.1")
    assert [(o["start"], o["end"]) for o in got] == [(50.0, 50.0 + seconds)]
    assert f"spanning tree ({mode}) unblocks" in got[0]["cause"] and "a direct failure" in got[0]["cause"]
    fwd = rows(r, "stp-forwarding")
    assert fwd and all(e["t"] == 50.0 + seconds and e["subject"] == "acc-a:Te1/1/2" for e in fwd)


GATEWAY_LOSS = """
scenario: 1
name: dsw-1 fails
until: 300
probes:
  - {from: dc01, to: 10.60.230.1}
events:
  - {at: 100, fail: dsw-1}
"""


def test_vrrp_takeover_is_three_adverts_and_skew() -> None:
    """scenario-v1 "FHRP": VRRP master down interval = 3 x advert + (256 - priority) / 256 (RFC 3768); dsw-2
    has the default priority 100."""
    r = run(example("redundant-uplinks-lst.yaml"), GATEWAY_LOSS)
    (o,) = outages(r, "dc01", "10.60.230.1")
    assert o["start"] == 100.0 and o["end"] == pytest.approx(100 + 3 + 156 / 256, abs=1e-6)
    assert "VRRP group 230" in o["cause"]
    assert [e["subject"] for e in rows(r, "fhrp-active")] == ["dsw-2:Vlan200", "dsw-2:Vlan230"]


NO_RARP = """
scenario: 1
name: tor-a loses its uplink, no RARP
until: 900
probes:
  - {from: dc01, to: 10.60.230.1}
  - {from: dsw-2:Vlan230, to: dc01}
events:
  - {at: 60, fail: tor-a:Te1/0/48}
"""


def test_without_rarp_inbound_waits_for_mac_aging_unless_the_mac_sends() -> None:
    """T12: with notify switches off nothing tells the switches the MAC moved: frames toward it follow the
    stale entry until the switch ages it out (mac_aging_s, 300 s on IOS); a probe the moved VM sends itself
    relearns it at once."""
    text = example("redundant-uplinks-lst.yaml").read_text(encoding="utf-8").replace(
        "failback: true}", "failback: true, notify_switches: false}")
    r = run(text, NO_RARP, text=True)
    (own,) = outages(r, "dc01", "10.60.230.1")
    assert (own["start"], own["end"]) == (60.0, pytest.approx(60.2))
    (toward,) = outages(r, "dsw-2:Vlan230", "dc01")
    assert (toward["start"], toward["end"]) == (60.0, pytest.approx(60.2 + 300))
    assert "stale MAC entry" in toward["cause"] and "T12" in toward["cause"]
    assert not rows(r, "rarp")


LAG_MEMBER = """
scenario: 1
name: one leg of esx-pod1's LAG fails
until: 300
settings: {lacp_rate: RATE}
probes:
  - {from: shop-db01, to: 10.80.31.1}
  - {from: shop-web01, to: shop-web02}
  - {from: esx-pod1:vmk0, to: 10.80.10.1}
events:
  - {at: 60, fail: FAIL}
  - {at: 200, restore: FAIL}
"""


@pytest.mark.parametrize("rate", ["slow", "fast"])
def test_lacp_member_loss_on_link_down_is_immediate(rate: str) -> None:
    """scenario-v1 "LACP member loss": immediate on link down, whatever the LACP rate (3 x 1 s fast or 3 x 30 s
    slow count only while the link stays up): a vDS LAG (T6) rehashes over its other member and the vPC its
    own, so probes over the LAG see no outage, and none when the member returns.  The management vSwitch's
    port-ID team (no channel) loses vmnic0 by link-status failover instead (T13, 0.1 s)."""
    scenario = LAG_MEMBER.replace("RATE", rate)
    lag = run(example("mlag-vds-lacp.yaml"), scenario.replace("FAIL", "esx-pod1:vmnic2"))
    assert [e["t"] for e in rows(lag, "uplink-failed", "esx-pod1:vmnic2")] == [60.0]
    assert lag["outages"] == [] and not rows(lag, "probe-down")
    team = run(example("mlag-vds-lacp.yaml"), scenario.replace("FAIL", "esx-pod1:vmnic0"))
    assert [(o["from"], o["start"], o["end"]) for o in team["outages"]] == [("esx-pod1:vmk0", 60.0, 60.1)]


def test_lacp_rate_does_not_change_a_link_down_member_loss() -> None:
    """The same member failure under both rates gives the same events and outages (link down: no LACP timer)."""
    reports = [run(example("mlag-vds-lacp.yaml"), LAG_MEMBER.replace("RATE", r).replace("FAIL", "leaf-1:Ethernet1/11"))
               for r in ("slow", "fast")]
    assert reports[0]["events"] == reports[1]["events"] and reports[0]["outages"] == reports[1]["outages"] == []


def test_a_vpc_peer_failure_needs_no_fhrp_takeover() -> None:
    """topology-v1 "MLAG pairs": both vPC peers route for the HSRP virtual IP, so when leaf-1 fails the LAG
    rehashes to leaf-2 (LACP member loss on link down: immediate), which already routes for it: no hold time
    to wait (the FHRP row applies where a standby must take over, as with dsw-1 and dsw-2 above)."""
    r = run(example("mlag-vds-lacp.yaml"), LAG_MEMBER.replace("RATE", "slow").replace("FAIL", "leaf-1"))
    assert not [o for o in r["outages"] if o["from"] in ("shop-db01", "shop-web01")]
    assert not rows(r, "fhrp-active")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_beacon_probing_declares_a_repaired_member_up_at_the_first_beacon(seed: int) -> None:
    """scenario-v1 "Beacon probing": after the repair the member is declared up at the first beacon it
    receives (by the seed's beacon phase, within one interval), then failback applies (T11, 0.1 s).  Its
    beacons cross the restored sw1:Gi0/48, which carries traffic 1 s after it comes back (rstp, "Spanning
    tree"): the beacon counts from then."""
    from vinfra.io.design import load_text
    from vinfra.simulation.network import NetState, next_beacon_s, recovery
    from vinfra.timing import DEFAULT_TIMERS

    scenario = BEACON_SCENARIO + "  - {at: 200, restore: sw1:Gi0/48}\n"
    r = run(BEACON_DESIGN, scenario, seed=seed, text=True)
    wait = next_beacon_s(DEFAULT_TIMERS, seed, "esx01")
    assert 0 < wait <= 1.0
    (back,) = rows(r, "failback", "esx01:vmnic0")
    assert back["t"] == pytest.approx(200 + 1.0 + wait + 0.1, abs=1e-6)  # sw1:Gi0/48 forwards after 1 s (rstp)
    # a probe down over the broken member comes back at the same moment (recovery, the slow path's answer)
    inv = load_text(BEACON_DESIGN, "<design>")
    prev, new = NetState(inv, ["sw1:Gi0/48"]), NetState(inv, [])
    path = new.path("app01", "10.5.10.1")
    assert "esx01:vmnic0" in path.uplinks
    mech = recovery(prev, new, prev.path("app01", "10.5.10.1"), path, {"esx01": True}, DEFAULT_TIMERS, seed, 200.0)
    assert mech.seconds == pytest.approx(1.0 + wait + 0.1) and "first beacon" in mech.what
