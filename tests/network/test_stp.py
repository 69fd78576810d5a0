"""Spanning tree after convergence and the active topology (topology-v1 "Spanning tree", F7)."""

from __future__ import annotations

from typing import Any

import pytest

from _build import edge_trunk, host, ping, snapshot, trunk, vm
from vinfra.network.settings import Settings
from vinfra.network.stp import bridge_mac, short_cost


def triangle(mode: str = "rpvst", prio: dict[str, Any] | None = None, allowed: str = "10,20",
             edge_on: str | None = None, speeds: dict[str, int] | None = None) -> dict[str, Any]:
    prio = prio or {}
    sw = {n: {"vlans": [10, 20], "stp": {"mode": mode, "priority": prio.get(n, 32768)}, "interfaces": {}}
          for n in ("s1", "s2", "s3")}
    links = []
    for a, b in (("s1", "s2"), ("s2", "s3"), ("s1", "s3")):
        pa, pb = f"Gi0/{b[1]}", f"Gi0/{a[1]}"
        sw[a]["interfaces"][pa] = trunk(allowed)
        sw[b]["interfaces"][pb] = trunk(allowed)
        link: dict[str, Any] = {"a": f"{a}:{pa}", "b": f"{b}:{pb}"}
        if speeds and f"{a}-{b}" in speeds:
            link["speed"] = speeds[f"{a}-{b}"]
        links.append(link)
    if edge_on:
        dev, port = edge_on.split(":")
        sw[dev]["interfaces"][port]["stp"] = {"edge": True}
    return {"switches": sw, "links": links}


def blocked(snap, vlan: int) -> set[str]:
    out = set()
    for (i, v), _ in snap.active.blocked.items():
        if v == vlan:
            link = snap.logical_links[i]
            out.add(f"{link.a.name}--{link.b.name}")
    return out


def test_root_is_the_lowest_priority_and_the_link_away_from_it_blocks() -> None:
    snap = snapshot(triangle(prio={"s2": 4096}))
    assert blocked(snap, 10) == {"s1:Gi0/3--s3:Gi0/1"}  # both other links touch the root s2
    assert ("10", "s2") in {(str(k[0]), v) for k, v in snap.stp.roots.items()}
    assert snap.active.reaches(("s1", 10), ("s3", 10))  # a spanning tree never splits a VLAN


def test_per_vlan_priority_map_gives_each_vlan_its_own_root() -> None:
    snap = snapshot(triangle(prio={"s1": {10: 4096, "default": 32768}, "s3": {20: 4096, "default": 32768}}))
    assert blocked(snap, 10) == {"s2:Gi0/3--s3:Gi0/2"}
    assert blocked(snap, 20) == {"s1:Gi0/2--s2:Gi0/1"}


def test_short_path_costs_from_speed_prefer_the_fast_path() -> None:
    assert [short_cost(s) for s in (10, 100, 1000, 10_000, 25_000, 100_000)] == [100, 19, 4, 2, 1, 1]
    # root s1; s3 reaches it directly over 1G (cost 4) or via s2 over two 10G links (2 + 2): equal, so the
    # tie goes to the lower neighbour bridge ID (s1 itself); make the direct link 100M (19) and it blocks
    snap = snapshot(triangle(prio={"s1": 4096}, speeds={"s1-s2": 10_000, "s2-s3": 10_000, "s1-s3": 100}))
    assert blocked(snap, 10) == {"s1:Gi0/3--s3:Gi0/1"}


def test_edge_ports_never_block() -> None:
    snap = snapshot(triangle(prio={"s2": 4096}, edge_on="s3:Gi0/1"))
    assert blocked(snap, 10) == set()  # the end that would block is an edge port: the loop stays


def test_none_mode_runs_no_spanning_tree() -> None:
    assert blocked(snapshot(triangle(mode="none")), 10) == set()


def test_bpdu_guard_err_disables_a_port_facing_another_switch() -> None:
    d = triangle(prio={"s2": 4096})
    d["switches"]["s1"]["interfaces"]["Gi0/2"]["stp"] = {"edge": True, "bpdu_guard": True}
    snap = snapshot(d)
    assert any("BPDU guard" in (s.err_disabled or "") for s in snap.stp.links)
    assert snap.active.path(("s1", 10), ("s2", 10))[0].out_port == "s1:Gi0/3"  # around, through s3


def _two_links(mode: str) -> dict[str, Any]:
    sw = {n: {"vlans": [10, 20], "stp": {"mode": mode, "priority": 4096 if n == "s1" else 32768},
              "interfaces": {"Gi0/1": trunk("10"), "Gi0/2": trunk("20"), "Gi0/9": edge_trunk("10,20")}}
          for n in ("s1", "s2")}
    return {"switches": sw,
            "hosts": {"h1": host(["vmnic0"], {"V20": {"vlan": 20}}), "h2": host(["vmnic0"], {"V20": {"vlan": 20}})},
            "vms": {"a": vm("h1", "V20", "10.0.20.1/24"), "b": vm("h2", "V20", "10.0.20.2/24")},
            "links": [["s1:Gi0/1", "s2:Gi0/1"], ["s1:Gi0/2", "s2:Gi0/2"], ["h1:vmnic0", "s1:Gi0/9"], ["h2:vmnic0", "s2:Gi0/9"]]}


def test_mst_is_one_instance_so_a_pruned_vlan_can_be_cut() -> None:
    # one instance blocks the second parallel link for every VLAN; VLAN 20 ran only there
    mst = snapshot(_two_links("mst"))
    v = ping(mst, "a", "b")
    assert not v.ok and v.rule == "STP"
    assert ping(snapshot(_two_links("rpvst")), "a", "b").ok  # per VLAN, each link is its VLAN's only path


def test_pvst_blocks_a_native_vlan_mismatch_unless_configured_otherwise() -> None:
    d = {"switches": {"s1": {"vlans": [1, 10], "interfaces": {"Gi0/1": trunk("1,10", native=1)}},
                      "s2": {"vlans": [1, 10], "interfaces": {"Gi0/1": trunk("1,10", native=10)}}},
         "links": [["s1:Gi0/1", "s2:Gi0/1"]]}
    assert not snapshot(d).active.reaches(("s1", 1), ("s2", 10))
    merged = snapshot(d, settings=Settings(pvst_blocks_native_mismatch=False))
    assert merged.active.reaches(("s1", 1), ("s2", 10))  # untagged VLAN 1 lands in VLAN 10
    assert merged.active.reaches(("s1", 10), ("s2", 10))


MLAG_STP = ("two_bridges", "peer_switch")


def _vpc_to_a_third_switch() -> dict[str, Any]:
    peer = {"Eth1/31": trunk("10", channel_group=1, channel_mode="active"), "Po1": trunk("10", peer_link=True),
            "Eth1/1": trunk("10", channel_group=11, channel_mode="active"), "Po11": trunk("10", mlag_id=11)}
    return {"switches": {
        "p1": {"platform": "nxos", "mlag": {"peer": "p2"}, "vlans": [10], "stp": {"priority": 4096}, "interfaces": dict(peer)},
        "p2": {"platform": "nxos", "mlag": {"peer": "p1"}, "vlans": [10], "interfaces": dict(peer)},
        "c": {"platform": "nxos", "vlans": [10], "interfaces": {
            "Eth1/1": trunk("10", channel_group=5, channel_mode="active"),
            "Eth1/2": trunk("10", channel_group=5, channel_mode="active"), "Po5": trunk("10")}}},
        "links": [["p1:Eth1/31", "p2:Eth1/31"], ["p1:Eth1/1", "c:Eth1/1"], ["p2:Eth1/1", "c:Eth1/2"]]}


@pytest.mark.parametrize("mlag_stp", MLAG_STP)
def test_mlag_channel_to_a_third_switch_is_not_blocked_as_a_loop(mlag_stp: str) -> None:
    """Whatever the MLAG model (Settings.mlag_stp), a vPC toward a third switch is not a loop through the peer
    link: nothing blocks, and both peers reach the third switch both ways."""
    d = _vpc_to_a_third_switch()
    settings = Settings(mlag_stp=mlag_stp)  # type: ignore[arg-type]
    snap = snapshot(d, settings=settings)
    assert snap.active.blocked == {}
    for p in ("p1", "p2"):
        assert snap.active.reaches(("c", 10), (p, 10)) and snap.active.reaches((p, 10), ("c", 10))
    # one peer down: the other is a bridge of its own and the channel keeps its member there
    alone = snapshot(d, ["p1"], settings=settings)
    assert alone.stp.stp_bridge("p2") == "p2" and alone.active.reaches(("c", 10), ("p2", 10))


def test_mlag_pair_is_two_bridges_by_default_and_one_with_peer_switch() -> None:
    """topology-v1 "MLAG pairs": two STP bridges joined by the peer link; NX-OS peer-switch makes them one."""
    d = _vpc_to_a_third_switch()
    two = snapshot(d)
    assert (two.stp.stp_bridge("p1"), two.stp.stp_bridge("p2")) == ("p1", "p2")
    assert {st.kind for st in two.stp.links} == {"per_vlan"}  # the peer link is an ordinary trunk
    one = snapshot(d, settings=Settings(mlag_stp="peer_switch"))
    assert one.stp.stp_bridge("p1") == one.stp.stp_bridge("p2") == "p1+p2"
    assert "internal" in {st.kind for st in one.stp.links}


def _mlag_under_a_root(uplinks_on_both: bool = True) -> dict[str, Any]:
    """Leaves l1, l2 (an MLAG pair, peer link Po1) each with a plain uplink to the root r; h1 dual-homed to
    the leaves (port ID teaming), h2 on r."""
    leaf = {"Eth1/31": trunk("10", channel_group=1, channel_mode="active"), "Po1": trunk("10", peer_link=True),
            "Eth1/48": trunk("10"), "Eth1/1": edge_trunk("10")}
    r = {"vlans": [10], "stp": {"priority": 4096},
         "interfaces": {"Gi0/1": trunk("10"), "Gi0/2": trunk("10"), "Gi0/3": edge_trunk("10")}}
    return {"switches": {
        "l1": {"platform": "nxos", "mlag": {"peer": "l2"}, "vlans": [10], "interfaces": dict(leaf)},
        "l2": {"platform": "nxos", "mlag": {"peer": "l1"}, "vlans": [10], "interfaces": dict(leaf)},
        "r": r},
        "hosts": {"h1": host(["vmnic0", "vmnic1"], {"A": {"vlan": 10}}), "h2": host(["vmnic0"], {"A": {"vlan": 10}})},
        "vms": {f"v{i}": vm("h1", "A", f"10.0.10.{10 + i}/24") for i in range(4)} | {"w": vm("h2", "A", "10.0.10.50/24")},
        "links": [["l1:Eth1/31", "l2:Eth1/31"], ["l1:Eth1/48", "r:Gi0/1"], ["l2:Eth1/48", "r:Gi0/2"],
                  ["h1:vmnic0", "l1:Eth1/1"], ["h1:vmnic1", "l2:Eth1/1"], ["h2:vmnic0", "r:Gi0/3"]]}


@pytest.mark.parametrize("mlag_stp", MLAG_STP)
def test_mlag_models_agree_on_the_intact_pair_and_on_a_lost_peer(mlag_stp: str) -> None:
    """Invariants of Settings.mlag_stp: the intact pair under a root forwards every VM to every VM, and so does
    the survivor when a leaf fails (it is then a bridge of its own either way)."""
    d = _mlag_under_a_root()
    settings = Settings(mlag_stp=mlag_stp)  # type: ignore[arg-type]
    for fail in ([], ["l1"], ["l2"]):
        snap = snapshot(d, fail, settings=settings)
        for a in ("v0", "v1", "v2", "v3"):
            assert ping(snap, a, "w").ok and ping(snap, "w", a).ok, (mlag_stp, fail, a)


def test_two_bridges_block_the_peer_link_and_survive_its_failure() -> None:
    """Two bridges (the default): in the triangle of two leaves under a root, spanning tree blocks the peer
    link (an ordinary trunk); a leaf that loses its uplink reaches the root through it, and the peer link's
    failure changes nothing.  With peer-switch the pair blocks one of its uplinks instead (its two uplinks
    are a loop to one bridge), so the leaf behind it is cut off when the peer link fails."""
    d = _mlag_under_a_root()
    two = snapshot(d)
    blocked = {st.link.a.name + "--" + st.link.b.name for st in two.stp.links if st.blocked_vlans}
    assert blocked == {"l1:Po1--l2:Po1"}
    for fail in (["l1:Eth1/48"], ["l2:Eth1/48"], ["l1:Eth1/31"]):
        snap = snapshot(d, fail)
        assert all(ping(snap, f"v{i}", "w").ok for i in range(4)), fail
    one = snapshot(d, settings=Settings(mlag_stp="peer_switch"))
    assert {st.link.a.name for st in one.stp.links if st.blocked_vlans} <= {"l1:Eth1/48", "l2:Eth1/48", "r:Gi0/1", "r:Gi0/2"}
    cut = snapshot(d, ["l1:Eth1/31"], settings=Settings(mlag_stp="peer_switch"))
    assert not all(ping(cut, f"v{i}", "w").ok for i in range(4))


def test_bridge_mac_is_deterministic_unicast_and_locally_administered() -> None:
    mac = bridge_mac("dist-1")
    assert mac == bridge_mac("dist-1") != bridge_mac("dist-2")
    first = int(mac.split(":")[0], 16)
    assert first & 1 == 0 and first & 2 == 2


@pytest.mark.parametrize("mode", ["stp", "rstp", "mst", "pvst", "rpvst"])
def test_every_mode_leaves_a_loop_free_tree_that_keeps_connectivity(mode: str) -> None:
    snap = snapshot(triangle(mode=mode, prio={"s3": 4096}))
    assert len(blocked(snap, 10)) == 1
    for a in ("s1", "s2", "s3"):
        for b in ("s1", "s2", "s3"):
            assert snap.active.reaches((a, 10), (b, 10))


@pytest.mark.parametrize("mode", ["mst", "rstp", "stp"])
def test_a_routed_link_is_in_no_spanning_tree_instance(mode: str) -> None:
    """A routed port sends no BPDUs and bridges nothing: a fast routed link beside a trunk must not become a
    root port and block the trunk (found by the wide generator: VLANs were cut between two switches)."""
    design = _two_links(mode)
    sw = design["switches"]
    sw["s1"]["interfaces"]["Gi0/2"] = trunk("10,20")
    sw["s2"]["interfaces"]["Gi0/2"] = trunk("10,20")
    sw["s1"]["interfaces"]["Te0/1"] = {"mode": "routed", "ip": "10.255.0.0/31"}
    sw["s2"]["interfaces"]["Te0/1"] = {"mode": "routed", "ip": "10.255.0.1/31"}
    design["links"] = [["s1:Gi0/2", "s2:Gi0/2"], ["s1:Te0/1", "s2:Te0/1"], ["h1:vmnic0", "s1:Gi0/9"],
                       ["h2:vmnic0", "s2:Gi0/9"]]
    design["links"].append({"a": "s1:Gi0/1", "b": "s2:Gi0/1", "speed": 100})
    sw["s1"]["interfaces"]["Gi0/1"] = trunk("10,20")
    sw["s2"]["interfaces"]["Gi0/1"] = trunk("10,20")
    snap = snapshot(design)
    states = {r["link"]: r["state"] for r in snap.stp.rows() if r["link"]}
    assert not any("Te0/1" in link for link in states)
    assert ping(snap, "a", "b").ok
