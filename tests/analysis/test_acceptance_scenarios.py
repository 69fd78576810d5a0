"""Acceptance scenarios 1-12 and 14 of vswitch-behaviour.md section 10, as pings and traces."""

from __future__ import annotations

from typing import Any

import pytest

from _build import edge_trunk, host, ping, snapshot, trunk, vm
from vinfra.network.forwarding import Forwarding, HostAgent
from vinfra.network.frames import BROADCAST, Frame, channel_hash_index, ip_hash_index
from vinfra.network.settings import Settings


def _two_switch_host(connected: bool, dist: bool = False, lst: bool = False, n_uplinks: int = 2,
                     detection: str = "link_status") -> dict[str, Any]:
    """H1 with vmnic0 -> s1, vmnic1 (and vmnic2) -> s2; optionally both switches under a distribution switch."""
    s1 = {"vlans": [10], "interfaces": {"Gi0/1": edge_trunk("10")}}
    s2 = {"vlans": [10], "interfaces": {"Gi0/1": edge_trunk("10"), "Gi0/2": edge_trunk("10")}}
    switches: dict[str, Any] = {"s1": s1, "s2": s2}
    links = [["h1:vmnic0", "s1:Gi0/1"], ["h1:vmnic1", "s2:Gi0/1"]]
    nics = ["vmnic0", "vmnic1"] + (["vmnic2"] if n_uplinks == 3 else [])
    if n_uplinks == 3:
        links.append(["h1:vmnic2", "s2:Gi0/2"])
    if connected:
        s1["interfaces"]["Gi0/48"] = trunk("10")
        s2["interfaces"]["Gi0/48"] = trunk("10")
        links.append(["s1:Gi0/48", "s2:Gi0/48"])
    if dist:
        switches["d"] = {"vlans": [10], "stp": {"priority": 4096},
                         "interfaces": {"Gi0/1": trunk("10"), "Gi0/2": trunk("10"), "Vlan10": {"ip": "10.0.10.1/24"}}}
        s1["interfaces"]["Gi0/47"] = trunk("10")
        s2["interfaces"]["Gi0/47"] = trunk("10")
        links += [["s1:Gi0/47", "d:Gi0/1"], ["s2:Gi0/47", "d:Gi0/2"]]
        if lst:
            s1["link_state_tracking"] = [{"group": 1, "upstream": ["Gi0/47"], "downstream": ["Gi0/1"]}]
    else:
        s1["interfaces"]["Vlan10"] = {"ip": "10.0.10.1/24"}
    pgs = {"A": {"vlan": 10, "teaming": {"policy": "explicit", "active": ["vmnic0"], "standby": nics[1:]}},
           "B": {"vlan": 10, "teaming": {"policy": "explicit", "active": ["vmnic1"], "standby": ["vmnic0"]}}}
    return {"switches": switches,
            "hosts": {"h1": host(nics, pgs, teaming={"detection": detection})},
            "vms": {"va": vm("h1", "A", "10.0.10.11/24", "10.0.10.1"), "vb": vm("h1", "B", "10.0.10.12/24", "10.0.10.1")},
            "links": links}


def test_scenario1_f7_split_horizon_host_never_bridges_its_uplinks() -> None:
    snap = snapshot(_two_switch_host(connected=False))
    assert ping(snap, "s1:Vlan10", "va").ok  # homed on vmnic0 -> s1
    v = ping(snap, "s1:Vlan10", "vb")  # homed on vmnic1 -> s2: the host does not carry s1's frames there
    assert not v.ok and "s2" in v.reason
    assert not snap.active.reaches(("s1", 10), ("s2", 10))
    assert ping(snap, "va", "vb").ok  # same vSwitch, same VLAN: inside the host (F3)


def test_scenario2_f9_one_copy_of_a_flood_and_f3_local_delivery() -> None:
    d = {"switches": {"s1": {"vlans": [10], "interfaces": {"Gi0/1": edge_trunk("10"), "Gi0/2": edge_trunk("10")}}},
         "hosts": {"h1": host(["vmnic0", "vmnic1"], {"VM": {"vlan": 10}})},
         "vms": {"va": vm("h1", "VM", "10.0.10.1/24"), "vb": vm("h1", "VM", "10.0.10.2/24")},
         "links": [["h1:vmnic0", "s1:Gi0/1"], ["h1:vmnic1", "s1:Gi0/2"]]}
    snap = snapshot(d)
    fw = Forwarding(snap)
    homes = set()
    for name in ("va", "vb"):
        ep = snap.endpoints.resolve(name)
        arp = Frame("arp-request", "00:50:56:99:99:99", BROADCAST, ep.ip.ip, ep.ip.ip)
        takes, _ = fw.host_takes(ep, arp, None)  # the switch floods to both ports ...
        uplinks = {u for u, _, _ in takes}
        assert len(uplinks) == 1  # ... yet each VM gets exactly one copy: on its home uplink (F9)
        homes |= uplinks
    assert homes == {"vmnic0", "vmnic1"}  # port IDs 0 and 1 spread over both uplinks (T1)
    v = ping(snap, "va", "vb")
    assert v.ok and {r["rule"] for r in v.rows} == {"F3"}  # request and reply never touch the wire


def test_scenario2_f10_frame_from_a_local_mac_coming_back_is_dropped() -> None:
    d = {"switches": {"s1": {"vlans": [10], "interfaces": {"Gi0/1": edge_trunk("10", native=10)}}},
         "hosts": {"h1": host(["vmnic0"], {"U": {"vlan": 0}, "T": {"vlan": 10}})},
         "vms": {"va": vm("h1", "U", "10.0.10.1/24"), "vb": vm("h1", "T", "10.0.10.2/24")},
         "links": [["h1:vmnic0", "s1:Gi0/1"]]}
    v = ping(snapshot(d), "va", "vb")
    assert not v.ok and v.rule == "F10"


def _native_design() -> dict[str, Any]:
    return {"switches": {"s1": {"vlans": [1, 10], "interfaces": {
                "Gi0/1": edge_trunk("1,10", native=1),
                "Gi0/2": {"mode": "access", "vlan": 1, "stp": {"edge": True}},
                "Gi0/3": {"mode": "access", "vlan": 10, "stp": {"edge": True}}}}},
            "hosts": {"h1": host(["vmnic0"], {"PG-A": {"vlan": 1}, "PG-B": {"vlan": 0}, "PG-C": {"vlan": 10}}),
                      "h2": host(["vmnic0"], {"LAN": {"vlan": 0}}), "h3": host(["vmnic0"], {"LAN": {"vlan": 0}})},
            "vms": {"a": vm("h1", "PG-A", "10.0.1.11/24"), "b": vm("h1", "PG-B", "10.0.1.12/24"),
                    "c": vm("h1", "PG-C", "10.0.10.13/24"),
                    "in1": vm("h2", "LAN", "10.0.1.100/24"), "in10": vm("h3", "LAN", "10.0.10.100/24")},
            "links": [["h1:vmnic0", "s1:Gi0/1"], ["h2:vmnic0", "s1:Gi0/2"], ["h3:vmnic0", "s1:Gi0/3"]]}


def test_scenario4_v6_native_vlan_pg_tagged_with_it_gets_no_replies() -> None:
    snap = snapshot(_native_design())
    assert ping(snap, "in1", "b").ok  # VLAN 0 (EST) port group sits in native VLAN 1 (V1, M8)
    v = ping(snap, "in1", "a")  # VLAN 1 tagged port group on native VLAN 1 (V6, V7, M7)
    assert not v.ok and v.rule == "V6"
    assert not ping(snap, "in1", "c").ok  # VLAN 10, another subnet, no gateway
    assert ping(snap, "in10", "c").ok  # VST VLAN 10 (V2)


def test_scenario5_m10_vlan_pruned_on_one_uplink_fails_only_vms_homed_there() -> None:
    d = {"switches": {"s1": {"vlans": [10, 20], "interfaces": {
                "Gi0/1": edge_trunk("10,20"), "Gi0/2": edge_trunk("10"), "Gi0/3": edge_trunk("20")}}},
         "hosts": {"h1": host(["vmnic0", "vmnic1"], {"VM-20": {"vlan": 20}}), "h2": host(["vmnic0"], {"VM-20": {"vlan": 20}})},
         "vms": {**{f"v{i}": vm("h1", "VM-20", f"10.0.20.{10 + i}/24") for i in range(4)},
                 "peer": vm("h2", "VM-20", "10.0.20.100/24")},
         "links": [["h1:vmnic0", "s1:Gi0/1"], ["h1:vmnic1", "s1:Gi0/2"], ["h2:vmnic0", "s1:Gi0/3"]]}
    snap = snapshot(d)
    outcomes = {}
    for i in range(4):
        ep = snap.endpoints.resolve(f"v{i}")
        home = snap.team_states[ep.team_key].home(ep.port_id, ep.mac)
        v = ping(snap, f"v{i}", "peer")
        assert v.ok == (home == "vmnic0"), (home, v.reason)
        if not v.ok:
            assert "VLAN 20 is not allowed on s1:Gi0/2" in v.reason
        outcomes[home] = v.ok
    assert outcomes == {"vmnic0": True, "vmnic1": False}


def test_scenario6_t3_ip_hash_math() -> None:
    from ipaddress import IPv4Address as A

    src = A("192.168.100.101")
    got = [ip_hash_index((int(src), int(A(f"192.168.100.{d}"))), 4) for d in (120, 130, 140, 150)]
    assert got == [1, 3, 1, 3]
    # n = 3 shows the configured XOR variant: last octets 101 ^ 120 = 29 -> 2; the full 32-bit XOR of
    # 192.168.100.101 and 10.0.0.120 is 0xcaa8641d -> 3400033309 % 3 = 1
    words = (int(src), int(A("10.0.0.120")))
    assert ip_hash_index(words, 3, "last_octet") == 29 % 3 == 2
    assert ip_hash_index(words, 3, "full_xor") == (int(src) ^ int(A("10.0.0.120"))) % 3 == 1
    # both variants agree for n = 2, 4, 8 (T3)
    for n in (2, 4, 8):
        assert ip_hash_index(words, n, "last_octet") == ip_hash_index(words, n, "full_xor")


def _ip_hash_host(channel: str | None) -> dict[str, Any]:
    port = edge_trunk("10") | ({"channel_group": 1, "channel_mode": channel} if channel else {})
    ifaces: dict[str, Any] = {"Gi0/1": dict(port), "Gi0/2": dict(port), "Gi0/3": edge_trunk("10")}
    if channel:
        ifaces["Po1"] = trunk("10")
    return {"switches": {"s1": {"vlans": [10], "interfaces": ifaces}},
            "hosts": {"h1": host(["vmnic0", "vmnic1"], {"VM": {"vlan": 10}}, teaming={"policy": "ip_hash"}),
                      "h2": host(["vmnic0"], {"VM": {"vlan": 10}})},
            "vms": {"src": vm("h1", "VM", "192.168.100.101/24"),
                    "p120": vm("h2", "VM", "192.168.100.120/24"), "p121": vm("h2", "VM", "192.168.100.121/24")},
            "links": [["h1:vmnic0", "s1:Gi0/1"], ["h1:vmnic1", "s1:Gi0/2"], ["h2:vmnic0", "s1:Gi0/3"]]}


def test_scenario7_m1_ip_hash_without_channel_sources_one_mac_from_two_ports() -> None:
    snap = snapshot(_ip_hash_host(None))
    fw = Forwarding(snap)
    src = snap.endpoints.resolve("src")
    assert fw.sensitive(src)  # the uplink depends on the flow
    used = set()
    for peer in ("p120", "p121"):
        p = snap.endpoints.resolve(peer)
        frame = Frame("ip", src.mac, p.mac, src.ip.ip, p.ip.ip)
        (u, _), = fw.host_sends(src, frame)[0]
        used.add(u)
        assert ping(snap, "src", peer).ok  # steady state: the switch learns the MAC where this flow left
    assert used == {"vmnic0", "vmnic1"}  # one MAC learned on two ports of s1: the MAC flap of M1
    # with the channel (T7) the two uplinks are one port end and the flows no longer differ
    assert not Forwarding(snapshot(_ip_hash_host("on"))).sensitive(snapshot(_ip_hash_host("on")).endpoints.resolve("src"))


def test_scenario8_m2_static_channel_with_port_id_drops_arp_hashed_off_the_home_uplink() -> None:
    d = _ip_hash_host("on")
    d["hosts"]["h1"]["vswitches"]["vSwitch0"]["teaming"] = {"policy": "port_id"}
    d["vms"] = {"va": vm("h1", "VM", "10.0.10.1/24"),
                "p0": vm("h2", "VM", "10.0.10.20/24", mac="00:50:56:00:00:fe"),
                "p1": vm("h2", "VM", "10.0.10.21/24", mac="00:50:56:00:00:ff")}
    snap = snapshot(d)
    va = snap.endpoints.resolve("va")
    home = snap.team_states[va.team_key].home(va.port_id, va.mac)
    seen = set()
    for peer in ("p0", "p1"):
        p = snap.endpoints.resolve(peer)
        member = channel_hash_index(Frame("arp-request", p.mac, BROADCAST, p.ip.ip, va.ip.ip), 2)
        hashed_to = ["vmnic0", "vmnic1"][member]  # Gi0/1 <-> vmnic0, Gi0/2 <-> vmnic1
        v = ping(snap, peer, "va")
        assert v.ok == (hashed_to == home), v.reason
        if not v.ok:
            assert "not the home uplink" in v.reason and v.rule == "F9"
        seen.add(v.ok)
    assert seen == {True, False}


@pytest.mark.parametrize(("platform", "reachable"), [("nxos", False), ("ios", True)])
def test_scenario9_m5_lacp_toward_standard_vswitch(platform: str, reachable: bool) -> None:
    d = _ip_hash_host("active")
    d["switches"]["s1"]["platform"] = platform
    d["hosts"]["h1"]["vswitches"]["vSwitch0"]["teaming"] = {"policy": "port_id"}
    v = ping(snapshot(d), "p120", "src")
    assert v.ok is reachable
    if not reachable:
        assert "suspended" in v.reason


@pytest.mark.parametrize(("lag_mode", "switch_mode", "reachable"),
                         [("passive", "passive", False), ("active", "passive", True), ("active", "active", True)])
def test_scenario10_t6_vds_lag_needs_a_bundled_partner(lag_mode: str, switch_mode: str, reachable: bool) -> None:
    d = _ip_hash_host(switch_mode)
    d["switches"]["s1"]["platform"] = "nxos"
    d["hosts"]["h1"] = {"nics": {"vmnic0": {}, "vmnic1": {}}}
    d["dvswitches"] = {"dvs": {"uplinks": ["u1", "u2"], "hosts": {"h1": {"u1": "vmnic0", "u2": "vmnic1"}},
                               "lacp": {"lags": {"lag1": {"mode": lag_mode, "uplinks": ["u1", "u2"]}}},
                               "portgroups": {"VM": {"vlan": 10, "teaming": {"active": ["lag:lag1"]}}}}}
    d["vms"]["src"] = vm("h1", "dvs/VM", "192.168.100.101/24")
    snap = snapshot(d)
    assert ping(snap, "p120", "src").ok is reachable
    ts = snap.team_states[("h1", "dvs/VM")]
    assert ts.team.policy == "lag" and (len(ts.active) == 2) is reachable


@pytest.mark.parametrize("failback", [True, False])
def test_scenario11_t10_t11_failover_and_failback(failback: bool) -> None:
    d = _two_switch_host(connected=True)
    d["hosts"]["h1"]["vswitches"]["vSwitch0"]["teaming"]["failback"] = failback

    def uplink_used(snap) -> str:
        v = ping(snap, "va", "s1:Vlan10")
        assert v.ok, v.reason
        return next(r["out"] for r in v.rows if r["device"] == "h1" and r["rule"] == "T4")

    assert uplink_used(snapshot(d)) == "vmnic0"
    assert uplink_used(snapshot(d, ["h1:vmnic0"])) == "vmnic1"  # standby takes the failed slot (T10)
    # a steady state with vmnic0 alive again: the recovered uplink is used (T11; Failback No only
    # differs while the standby is still carrying traffic, which a snapshot does not hold)
    assert uplink_used(snapshot(d)) == "vmnic0"


def test_scenario12a_t13_link_status_misses_an_upstream_failure() -> None:
    snap = snapshot(_two_switch_host(connected=False, dist=True), ["s1:Gi0/47"])
    v = ping(snap, "va", "10.0.10.1")
    assert not v.ok and "vmnic0" in v.reason  # black-holed on s1 with its link up (M16)


def test_scenario12b_t15_link_state_tracking_makes_the_host_fail_over() -> None:
    snap = snapshot(_two_switch_host(connected=False, dist=True, lst=True), ["s1:Gi0/47"])
    assert "link-state tracking" in snap.down_reason(snap.ref("h1:vmnic0"))
    v = ping(snap, "va", "10.0.10.1")
    assert v.ok and any(r["out"] == "vmnic1" for r in v.rows)


def test_scenario12c_t14_beacons_with_three_uplinks_fail_only_the_cut_off_one() -> None:
    snap = snapshot(_two_switch_host(connected=False, dist=True, n_uplinks=3, detection="beacon"), ["s1:Gi0/47"])
    ts = snap.team_states[("h1", "A")]
    assert set(ts.detection.failed) == {"vmnic0"} and not ts.shotgun
    assert ts.active == ("vmnic1",)
    assert ping(snap, "va", "10.0.10.1").ok


def test_scenario12d_t14_beacons_with_two_uplinks_go_shotgun() -> None:
    snap = snapshot(_two_switch_host(connected=False, dist=True, detection="beacon"), ["s1:Gi0/47"])
    ts = snap.team_states[("h1", "A")]
    assert ts.shotgun and "shotgun" in (ts.detection.note or "")
    assert set(ts.active) == {"vmnic0", "vmnic1"}  # both kept: frames go out of both (M12)
    v = ping(snap, "va", "10.0.10.1")
    assert v.ok and any(r["rule"] == "T14" for r in v.rows)


def test_t14_beacons_never_come_back_through_a_port_channel_m13() -> None:
    d = _ip_hash_host("on")
    d["hosts"]["h1"]["vswitches"]["vSwitch0"]["teaming"] = {"policy": "ip_hash", "detection": "beacon"}
    ts = snapshot(d).team_states[("h1", "VM")]
    assert ts.shotgun


def test_scenario14_s7_jumbo_vmk_over_a_1500_byte_path() -> None:
    d = {"switches": {"s1": {"vlans": [20], "interfaces": {"Gi0/1": edge_trunk("20"), "Gi0/2": edge_trunk("20")}}},
         "hosts": {h: {"nics": {"vmnic0": {}}, "vswitches": {"vSwitch1": {"uplinks": ["vmnic0"], "mtu": 9000,
                                                                         "portgroups": {"VMotion": {"vlan": 20}}}},
                       "vmkernel": {"vmk1": {"portgroup": "VMotion", "ip": f"10.0.20.{k}/24", "mtu": 9000,
                                             "services": ["vmotion"]}}}
                   for k, h in ((1, "h1"), (2, "h2"))},
         "links": [["h1:vmnic0", "s1:Gi0/1"], ["h2:vmnic0", "s1:Gi0/2"]]}
    snap = snapshot(d)
    assert ping(snap, "h1:vmk1", "h2:vmk1", size=1472).ok
    v = ping(snap, "h1:vmk1", "h2:vmk1", size=8972)
    assert not v.ok and v.rule == "S7" and "s1:Gi0/1" in v.reason
    assert ping(snap, "h1:vmk1", "h2:vmk1").ok  # ARP and small pings work (M11)


def test_t10_standby_slot_setting_changes_which_uplinks_carry() -> None:
    d = {"switches": {"s1": {"vlans": [10], "interfaces": {f"Gi0/{i}": edge_trunk("10") for i in (1, 2, 3)}}},
         "hosts": {"h1": host(["vmnic0", "vmnic1", "vmnic2"], {"VM": {"vlan": 10}},
                              teaming={"active": ["vmnic0", "vmnic1"], "standby": ["vmnic2"]})},
         "links": [[f"h1:vmnic{i}", f"s1:Gi0/{i + 1}"] for i in range(3)]}
    assert snapshot(d, ["h1:vmnic0"]).team_states[("h1", "VM")].active == ("vmnic2", "vmnic1")
    alt = snapshot(d, ["h1:vmnic0"], settings=Settings(standby_takes_failed_slot=False))
    assert alt.team_states[("h1", "VM")].active == ("vmnic1",)
    assert snapshot(d, ["h1:vmnic0", "h1:vmnic1", "h1:vmnic2"]).team_states[("h1", "VM")].cut_off


def test_f6_port_group_without_uplinks_is_internal_only() -> None:
    d = _two_switch_host(connected=True)
    snap = snapshot(d, ["h1:vmnic0", "h1:vmnic1"])
    assert ping(snap, "va", "vb").ok
    v = ping(snap, "va", "s1:Vlan10")
    assert not v.ok and "F6" in v.reason


def test_host_agent_str_is_the_endpoint_name() -> None:
    snap = snapshot(_two_switch_host(connected=True))
    assert str(HostAgent(snap.endpoints.resolve("va"))) == "va"
