"""Layer 3 (SVIs, FHRP, routing), teaming homes (T1-T4, T9) and endpoint resolution."""

from __future__ import annotations

from ipaddress import IPv4Address
from typing import Any

import pytest

from _build import edge_trunk, host, ping, snapshot, trunk, vm
from vinfra.network.endpoints import EndpointError
from vinfra.network.frames import Frame
from vinfra.network.settings import Settings


def fhrp_pair(p1: int = 110, p2: int = 100, ip1: str = "10.0.10.2", ip2: str = "10.0.10.3",
              joined: bool = True, routing: bool = False) -> dict[str, Any]:
    def dist(ip: str, prio: int) -> dict[str, Any]:
        d: dict[str, Any] = {"vlans": [10, 20], "interfaces": {
            "Gi0/1": edge_trunk("10,20"), "Gi0/24": trunk("10,20"),
            "Vlan10": {"ip": f"{ip}/24", "fhrp": {"group": 10, "vip": "10.0.10.1", "priority": prio}},
            "Vlan20": {"ip": f"{ip.replace('.10.', '.20.')}/24",
                       "fhrp": {"group": 20, "vip": "10.0.20.1", "priority": prio}}}}
        if routing:
            d["routing"] = {"protocol": "ospf"}
        return d

    links = [["h1:vmnic0", "d1:Gi0/1"], ["h2:vmnic0", "d2:Gi0/1"]]
    if joined:
        links.append(["d1:Gi0/24", "d2:Gi0/24"])
    return {"switches": {"d1": dist(ip1, p1), "d2": dist(ip2, p2)},
            "hosts": {"h1": host(["vmnic0"], {"V10": {"vlan": 10}, "V20": {"vlan": 20}}),
                      "h2": host(["vmnic0"], {"V10": {"vlan": 10}, "V20": {"vlan": 20}})},
            "vms": {"a": vm("h1", "V10", "10.0.10.11/24", "10.0.10.1"), "b": vm("h2", "V20", "10.0.20.12/24", "10.0.20.1"),
                    "nogw": vm("h2", "V20", "10.0.20.13/24")},
            "links": links}


def test_fhrp_highest_priority_is_active_and_the_vip_resolves_to_it() -> None:
    snap = snapshot(fhrp_pair())
    (act,) = [i for (vip, _), i in snap.l3.vip_active.items() if vip == IPv4Address("10.0.10.1")]
    assert act.ref == "d1:Vlan10"
    v = ping(snap, "a", "10.0.10.1")
    assert v.ok and any("d1" in (r["device"] or "") and r["rule"] == "L3" for r in v.rows)
    moved = snapshot(fhrp_pair(), ["d1"])  # the active fails: the standby takes over
    (act2,) = [i for (vip, _), i in moved.l3.vip_active.items() if vip == IPv4Address("10.0.10.1")]
    assert act2.ref == "d2:Vlan10" and ping(moved, "a", "10.0.10.1").ok is False  # a's only uplink went to d1


def test_fhrp_priority_tie_goes_to_the_highest_address() -> None:
    snap = snapshot(fhrp_pair(p1=100, p2=100))
    (act,) = [i for (vip, _), i in snap.l3.vip_active.items() if vip == IPv4Address("10.0.10.1")]
    assert act.ref == "d2:Vlan10"


def test_fhrp_split_at_layer2_makes_each_part_elect_its_own_active_router() -> None:
    snap = snapshot(fhrp_pair(joined=False))
    actives = sorted(i.ref for (vip, _), i in snap.l3.vip_active.items() if vip == IPv4Address("10.0.10.1"))
    assert actives == ["d1:Vlan10", "d2:Vlan10"]


def test_routing_between_svis_of_one_router_and_across_routers() -> None:
    snap = snapshot(fhrp_pair())
    assert ping(snap, "a", "b").ok  # d1 routes VLAN 10 to VLAN 20 (connected), reply via d1 too
    assert not ping(snap, "a", "nogw").ok  # no gateway: the reply cannot leave its subnet
    v = ping(snap, "nogw", "a")
    assert not v.ok and "no gateway" in v.reason


def test_svi_autostate_and_its_setting() -> None:
    d = fhrp_pair()
    d["switches"]["d1"]["vlans"] = [10, 20, 30]
    d["switches"]["d1"]["interfaces"]["Vlan30"] = {"ip": "10.0.30.1/24"}
    snap = snapshot(d)
    svi = snap.l3.by_ref["d1:Vlan30"]
    assert not svi.up and "autostate" in svi.reason
    assert snapshot(d, settings=Settings(svi_autostate=False)).l3.by_ref["d1:Vlan30"].up


def _routed_chain(passive_transit: bool = False, routing: bool = True) -> dict[str, Any]:
    def r(ip_pairs: dict[str, str], vlan: int | None = None) -> dict[str, Any]:
        ifaces: dict[str, Any] = {p: {"mode": "routed", "ip": ip} for p, ip in ip_pairs.items()}
        sw: dict[str, Any] = {"vlans": [1] + ([vlan] if vlan else []), "interfaces": ifaces}
        if vlan:
            ifaces["Gi0/1"] = edge_trunk(str(vlan))
            ifaces[f"Vlan{vlan}"] = {"ip": f"10.0.{vlan}.1/24"}
        if routing:
            sw["routing"] = {"protocol": "ospf", "passive_interfaces": ["Te0/1"] if passive_transit else []}
        return sw

    return {"switches": {"a": r({"Te0/1": "10.255.0.0/31"}, 10), "core": r({"Te0/1": "10.255.0.1/31", "Te0/2": "10.255.0.2/31"}),
                         "b": r({"Te0/1": "10.255.0.3/31"}, 20)},
            "hosts": {"h1": host(["vmnic0"], {"V10": {"vlan": 10}}), "h2": host(["vmnic0"], {"V20": {"vlan": 20}})},
            "vms": {"x": vm("h1", "V10", "10.0.10.10/24", "10.0.10.1"), "y": vm("h2", "V20", "10.0.20.10/24", "10.0.20.1")},
            "links": [["a:Te0/1", "core:Te0/1"], ["core:Te0/2", "b:Te0/1"], ["h1:vmnic0", "a:Gi0/1"], ["h2:vmnic0", "b:Gi0/1"]]}


def test_routing_domain_learns_subnets_over_routed_links() -> None:
    snap = snapshot(_routed_chain())
    rt = snap.l3.route("a", IPv4Address("10.0.20.10"))
    assert rt is not None and rt.kind == "learned" and rt.next_hop == IPv4Address("10.255.0.1") and rt.hops == 2
    assert ping(snap, "x", "y").ok


def test_passive_interfaces_form_no_adjacency_and_no_routing_means_connected_only() -> None:
    v = ping(snapshot(_routed_chain(passive_transit=True)), "x", "y")
    assert not v.ok and "no route" in v.reason
    v = ping(snapshot(_routed_chain(routing=False)), "x", "y")
    assert not v.ok and "a has no route to 10.0.20.10" in v.reason


def test_a_stack_is_one_router_and_its_svis_outlive_a_member() -> None:
    d = {"switches": {
        "m1": {"stack": "stk", "vlans": [10], "interfaces": {"Gi1/0/1": edge_trunk("10"), "Vlan10": {"ip": "10.0.10.1/24"}}},
        "m2": {"stack": "stk", "vlans": [10], "interfaces": {"Gi2/0/1": edge_trunk("10")}}},
        "hosts": {"h1": host(["vmnic0", "vmnic1"], {"V": {"vlan": 10}}, teaming={"policy": "explicit"})},
        "vms": {"x": vm("h1", "V", "10.0.10.10/24", "10.0.10.1")},
        "links": [["h1:vmnic0", "m1:Gi1/0/1"], ["h1:vmnic1", "m2:Gi2/0/1"]]}
    snap = snapshot(d, ["m1"])
    assert snap.l3.by_ref["m1:Vlan10"].router == "stk" and snap.l3.by_ref["m1:Vlan10"].up
    assert ping(snap, "x", "m2:Vlan10").ok  # named from any member; reached through m2


def _team_design(policy: str, n: int = 2, standby: int = 0) -> dict[str, Any]:
    nics = [f"vmnic{i}" for i in range(n + standby)]
    return {"switches": {"s": {"vlans": [10], "interfaces": {f"Gi0/{i}": edge_trunk("10") for i in range(n + standby)}}},
            "hosts": {"h": host(nics, {"V": {"vlan": 10}}, teaming={"policy": policy, "active": nics[:n], "standby": nics[n:]})},
            "vms": {f"v{i}": vm("h", "V", f"10.0.10.{i + 1}/24", mac=f"00:50:56:00:00:{i:02x}") for i in range(8)},
            "links": [[f"h:vmnic{i}", f"s:Gi0/{i}"] for i in range(n + standby)]}


def test_t1_port_id_homes_are_deterministic_spread_and_in_the_active_list() -> None:
    snap = snapshot(_team_design("port_id", n=3))
    ts = snap.team_states[("h", "V")]
    homes = [ts.home(snap.endpoints.resolve(f"v{i}").port_id, "") for i in range(8)]
    assert set(homes) == set(ts.active)  # spread over every active uplink
    again = snapshot(_team_design("port_id", n=3))
    assert homes == [again.team_states[("h", "V")].home(again.endpoints.resolve(f"v{i}").port_id, "") for i in range(8)]
    ids = [snap.endpoints.resolve(f"v{i}").port_id for i in range(8)]
    assert len(set(ids)) == 8  # one port ID per port of the vSwitch


def test_t2_mac_hash_uses_the_last_byte() -> None:
    snap = snapshot(_team_design("mac_hash", n=2))
    ts = snap.team_states[("h", "V")]
    for i in range(8):
        ep = snap.endpoints.resolve(f"v{i}")
        assert ts.home(ep.port_id, ep.mac) == ts.active[i % 2]


def test_t3_ip_hash_picks_per_flow_and_t4_explicit_always_the_first() -> None:
    snap = snapshot(_team_design("ip_hash", n=2))
    ts = snap.team_states[("h", "V")]
    s = Settings()
    f = [Frame("ip", "00:50:56:00:00:01", "00:50:56:00:00:02", IPv4Address("10.0.10.1"), IPv4Address(f"10.0.10.{d}"))
         for d in (2, 3)]
    assert [ts.sends_on(0, "", x, s) for x in f] == [("vmnic1",), ("vmnic0",)]  # 1^2=3 -> 1, 1^3=2 -> 0
    explicit = snapshot(_team_design("explicit", n=2)).team_states[("h", "V")]
    assert {explicit.home(i, "") for i in range(8)} == {"vmnic0"}


def test_t9_unused_uplinks_never_carry_nor_deliver() -> None:
    d = _team_design("port_id", n=1)
    d["hosts"]["h"]["nics"]["vmnic1"] = {}
    d["hosts"]["h"]["vswitches"]["vSwitch0"]["uplinks"].append("vmnic1")
    d["switches"]["s"]["interfaces"]["Gi0/1"] = edge_trunk("10")
    d["links"].append(["h:vmnic1", "s:Gi0/1"])
    snap = snapshot(d, ["h:vmnic0"])
    ts = snap.team_states[("h", "V")]
    assert ts.team.unused == ("vmnic1",) and ts.cut_off
    assert not ts.delivers_bum("vmnic1", None) and not ts.delivers_unicast("vmnic1", None, Settings())


def test_endpoint_names_addresses_and_synthetic_macs() -> None:
    snap = snapshot(fhrp_pair())
    eps = snap.endpoints
    assert eps.resolve("a").name == "a" and eps.resolve("a:nic0").name == "a"
    assert eps.resolve("10.0.20.12").name == "b"
    assert eps.resolve("10.0.10.1").kind == "vip" and eps.resolve("10.0.10.1").mac == "00:00:0c:07:ac:0a"
    assert eps.resolve("d1:Vlan10").kind == "svi"
    macs = [e.mac for e in eps.all if e.kind != "vip"]
    assert len(macs) == len(set(macs))
    assert snapshot(fhrp_pair()).endpoints.resolve("b").mac == eps.resolve("b").mac  # deterministic
    for bad in ("nosuch", "a:nic5", "h1:vmk9", "d1:Gi0/99", "10.9.9.9", "d1:Gi0/1"):
        with pytest.raises(EndpointError):
            eps.resolve(bad)


def test_trunk_portgroup_v4_takes_only_tagged_frames_in_its_range() -> None:
    from vinfra.model import VlanSet
    from vinfra.network.vlans import PortGroupVlan

    pg = PortGroupVlan(None, VlanSet.parse("100-200"))
    assert pg.accepts(150) and not pg.accepts(99) and not pg.accepts(None)
    assert PortGroupVlan(0).accepts(None) and not PortGroupVlan(0).accepts(10)
    assert PortGroupVlan(10).egress_tag() == 10 and PortGroupVlan(0).egress_tag() is None
    assert PortGroupVlan(None, None, 31).accepts(31)


def _ip_hash_channel(split: bool) -> dict:
    """Two hosts with IP hash over two uplinks: bundled in one static channel on one switch, or (``split``)
    each uplink on its own switch with half a channel each (M4)."""
    switches = {"s": {"vlans": [10], "interfaces": {}}, "t": {"vlans": [10], "interfaces": {}}}
    links = [["s:Gi0/9", "t:Gi0/9"]]
    switches["s"]["interfaces"]["Gi0/9"] = trunk("10")
    switches["t"]["interfaces"]["Gi0/9"] = trunk("10")
    hosts, vms = {}, {}
    for h in range(2):
        for i in range(2):
            sw = ("s", "t")[i] if split else "s"
            port = f"Gi0/{2 * h + i}"
            switches[sw]["interfaces"][port] = edge_trunk("10", channel_group=h + 1, channel_mode="on")
            switches[sw]["interfaces"][f"Po{h + 1}"] = trunk("10")
            links.append([f"h{h}:vmnic{i}", f"{sw}:{port}"])
        hosts[f"h{h}"] = host(["vmnic0", "vmnic1"], {"V": {"vlan": 10}}, teaming={"policy": "ip_hash"})
        vms[f"v{h}"] = vm(f"h{h}", "V", f"10.0.10.{h + 1}/24")
    return {"switches": switches, "hosts": hosts, "vms": vms, "links": links}


def test_ip_hash_over_a_proper_channel_is_not_flow_sensitive_but_a_split_channel_is() -> None:
    from vinfra.analysis.reach import Reach

    proper = snapshot(_ip_hash_channel(split=False))
    r = Reach(proper)
    a, b = proper.endpoints.resolve("v0"), proper.endpoints.resolve("v1")
    assert not r.fw.sensitive(a)
    assert r.signature(a)[0] == "host" and r.signature(a) == r.signature(b)  # one ordinary class
    assert r.pair(a, b) and r.pair(b, a)
    split = snapshot(_ip_hash_channel(split=True))
    assert Reach(split).fw.sensitive(split.endpoints.resolve("v0"))  # each flow may enter another switch (M4)
