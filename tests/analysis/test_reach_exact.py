"""The three minimal designs of issue 7 (items 1-3), each answered by ``trace`` and by ``reach`` (pairs and
class ``reaches`` lists) with the expected answers written out."""

from __future__ import annotations

from typing import Any

from _build import edge_trunk, host, ping, snapshot, trunk, vm
from vinfra.analysis.reach import reach
from vinfra.network import Snapshot


def _check(snap: Snapshot, expected: dict[tuple[str, str], bool], reason: str | None = None) -> dict[str, Any]:
    """Every pair of the listed endpoints answers as expected in trace and in reach; returns reach's answer."""
    names = sorted({n for pair in expected for n in pair})
    answer = reach(snap, names, names)
    listed = {(p["src"], p["dst"]): p for p in answer["pairs"]}
    for (src, dst), ok in expected.items():
        verdict = ping(snap, src, dst)
        assert verdict.ok is ok, (src, dst, verdict.reason)
        assert listed[(src, dst)]["reachable"] is ok, (src, dst)
        if not ok and reason is not None:
            assert reason in (verdict.reason or ""), (src, dst, verdict.reason)
    return answer


def _reaches(answer: dict[str, Any]) -> dict[str, set[str]]:
    """Each class (named by its first member) -> the classes (by first member) it reaches."""
    first = {c["class"]: c["members"][0] for c in answer["classes"]}
    return {c["members"][0]: {first[j] for j in c["reaches"]} for c in answer["classes"]}


def _assert_classes_match_pairs(snap: Snapshot, answer: dict[str, Any]) -> None:
    """Class A reaches class B exactly when every member of A reaches every member of B (per trace)."""
    classes = answer["classes"]
    for a in classes:
        for b in classes:
            if a is b:
                continue
            every = all(ping(snap, x, y).ok for x in a["members"] for y in b["members"])
            assert (b["class"] in a["reaches"]) is every, (a, b)


# 1. longest-prefix routing (topology-v1 "Routing lookups") ---------------------------------------------------
def lpm_design() -> dict[str, Any]:
    """r1 routes 10.0.10.0/24 and 10.0.20.0/24, r2 the more specific 10.0.10.192/26, over a routed link (OSPF).
    ``c`` sits in r1's VLAN 10 at 10.0.10.200, which every router forwards to r2's /26."""
    def router(ifaces: dict[str, Any]) -> dict[str, Any]:
        return {"vlans": [1, 10, 20, 30], "interfaces": ifaces, "routing": {"protocol": "ospf"}}
    switches = {
        "r1": router({"Gi1/0/1": edge_trunk("10,20"), "Gi1/0/2": edge_trunk("10,20"),
                      "Te1/1": {"mode": "routed", "ip": "10.0.0.1/30"},
                      "Vlan10": {"ip": "10.0.10.1/24"}, "Vlan20": {"ip": "10.0.20.1/24"}}),
        "r2": router({"Gi1/0/1": edge_trunk("30"), "Te1/1": {"mode": "routed", "ip": "10.0.0.2/30"},
                      "Vlan30": {"ip": "10.0.10.193/26"}}),
    }
    pgs = {"PG10": {"vlan": 10}, "PG20": {"vlan": 20}, "PG30": {"vlan": 30}}
    return {
        "switches": switches,
        "hosts": {h: host(["vmnic0"], pgs) for h in ("esx1", "esx2", "esx3")},
        "vms": {"a": vm("esx1", "PG20", "10.0.20.10/24", "10.0.20.1"),
                "b": vm("esx2", "PG10", "10.0.10.20/24", "10.0.10.1"),
                "c": vm("esx2", "PG10", "10.0.10.200/24", "10.0.10.1"),
                "d": vm("esx3", "PG30", "10.0.10.210/26", "10.0.10.193")},
        "links": [["esx1:vmnic0", "r1:Gi1/0/1"], ["esx2:vmnic0", "r1:Gi1/0/2"], ["esx3:vmnic0", "r2:Gi1/0/1"],
                  ["r1:Te1/1", "r2:Te1/1"]],
    }


def test_a_more_specific_subnet_elsewhere_wins() -> None:
    snap = snapshot(lpm_design())
    rt = snap.l3.route("r1", snap.endpoints.resolve("c").ip.ip)  # type: ignore[union-attr]
    assert rt is not None and str(rt.network) == "10.0.10.192/26" and rt.kind == "learned"
    expected = {
        ("a", "b"): True, ("b", "a"): True,
        ("a", "c"): False, ("c", "a"): False,  # r1 sends 10.0.10.200 to r2, where nothing answers ARP for it
        ("b", "c"): True, ("c", "b"): True,  # one subnet, one VLAN: no router between them
        ("a", "d"): True, ("d", "a"): True,  # 10.0.10.210 is r2's, and r2 is the longest match for it
        ("b", "d"): False, ("d", "b"): False,  # each thinks the other is on its own segment
        ("c", "d"): False, ("d", "c"): False,
    }
    answer = _check(snap, expected)
    assert _reaches(answer) == {"a": set(), "c": set(), "d": set()}
    # b shares a's class (a <-> b both ways), c does not (a and c never reach each other)
    members = {c["members"][0]: c["members"] for c in answer["classes"]}
    assert members["a"] == ["a", "b"] and members["c"] == ["c"]
    _assert_classes_match_pairs(snap, answer)


# 2. duplicate addresses (topology-v1 "Duplicate addresses") -------------------------------------------------
def duplicate_design() -> dict[str, Any]:
    """``a`` on esx1 and ``a2`` on esx2 both have 10.0.10.10, in one VLAN of one switch."""
    pgs = {"PG10": {"vlan": 10}}
    return {
        "switches": {"sw": {"vlans": [1, 10], "interfaces": {"Gi1/0/1": edge_trunk("10"), "Gi1/0/2": edge_trunk("10")}}},
        "hosts": {h: host(["vmnic0"], pgs) for h in ("esx1", "esx2")},
        "vms": {"a": vm("esx1", "PG10", "10.0.10.10/24"), "b": vm("esx1", "PG10", "10.0.10.20/24"),
                "a2": vm("esx2", "PG10", "10.0.10.10/24"), "c": vm("esx2", "PG10", "10.0.10.30/24")},
        "links": [["esx1:vmnic0", "sw:Gi1/0/1"], ["esx2:vmnic0", "sw:Gi1/0/2"]],
    }


def test_duplicate_addresses_are_a_race() -> None:
    snap = snapshot(duplicate_design())
    expected = {
        # a port never reaches its own address through the network (a2 is not answered inside esx1)
        ("a", "a2"): False, ("a2", "a"): False,
        # ARP for 10.0.10.10 is answered by a and a2: whichever answers first is a race
        ("b", "a"): False, ("b", "a2"): False, ("c", "a"): False, ("c", "a2"): False,
        # no one asks for 10.0.10.10 here: b and c learn the sender's MAC from its own ARP request
        ("a", "b"): True, ("a", "c"): True, ("a2", "b"): True, ("a2", "c"): True,
        ("b", "c"): True, ("c", "b"): True,
    }
    answer = _check(snap, expected, reason="duplicate address")
    assert "own address" in (ping(snap, "a", "a2").reason or "")
    assert "race" in (ping(snap, "c", "a").reason or "")
    assert _reaches(answer) == {"a": {"b"}, "a2": {"b"}, "b": set()}
    _assert_classes_match_pairs(snap, answer)


def test_a_port_reaches_its_own_address_only_itself() -> None:
    snap = snapshot(duplicate_design())
    assert ping(snap, "a", "a").ok


# 3. class reaches lists are exact, same-host pairs included ------------------------------------------------
def same_host_design() -> dict[str, Any]:
    """p and q share esx1's vSwitch and VLAN 10 but not a gateway (two signature classes); no uplink carries
    VLAN 10, so they talk only inside esx1 (F3); r, on esx2, has p's class and reaches no one."""
    pgs = {"Web": {"vlan": 10}, "App": {"vlan": 10}}
    return {
        "switches": {"sw": {"vlans": [1, 10, 20], "interfaces": {"Gi1/0/1": edge_trunk("20"), "Gi1/0/2": edge_trunk("20")}}},
        "hosts": {h: host(["vmnic0"], pgs) for h in ("esx1", "esx2")},
        "vms": {"p": vm("esx1", "Web", "10.0.10.11/24", "10.0.10.1"),
                "q": vm("esx1", "App", "10.0.10.12/24", "10.0.10.254"),
                "r": vm("esx2", "Web", "10.0.10.21/24", "10.0.10.1")},
        "links": [["esx1:vmnic0", "sw:Gi1/0/1"], ["esx2:vmnic0", "sw:Gi1/0/2"]],
    }


def test_class_reaches_lists_count_pairs_on_one_host() -> None:
    snap = snapshot(same_host_design())
    expected = {("p", "q"): True, ("q", "p"): True, ("p", "r"): False, ("r", "p"): False,
                ("q", "r"): False, ("r", "q"): False}
    answer = _check(snap, expected)
    assert _reaches(answer) == {"p": {"q"}, "q": {"p"}, "r": set()}
    _assert_classes_match_pairs(snap, answer)


def test_an_interface_owning_its_fhrp_address_is_no_duplicate() -> None:
    """A VRRP address owner (the SVI's own address is the group's VIP) answers ARP as the group: one answerer,
    no race, and the VMs using it as gateway reach the other subnet."""
    pgs = {"PG10": {"vlan": 10}, "PG20": {"vlan": 20}}
    design = {
        "switches": {"sw": {"vlans": [1, 10, 20], "interfaces": {
            "Gi1/0/1": edge_trunk("10,20"),
            "Vlan10": {"ip": "10.0.10.1/24", "fhrp": {"protocol": "vrrp", "group": 10, "vip": "10.0.10.1", "priority": 255}},
            "Vlan20": {"ip": "10.0.20.1/24"}}}},
        "hosts": {"esx1": host(["vmnic0"], pgs)},
        "vms": {"a": vm("esx1", "PG10", "10.0.10.10/24", "10.0.10.1"), "b": vm("esx1", "PG20", "10.0.20.10/24", "10.0.20.1")},
        "links": [["esx1:vmnic0", "sw:Gi1/0/1"]],
    }
    snap = snapshot(design)
    answer = _check(snap, {("a", "b"): True, ("b", "a"): True, ("a", "10.0.10.1"): True, ("b", "sw:Vlan10"): True})
    _assert_classes_match_pairs(snap, answer)


def test_an_interface_whose_address_another_router_routes_for_is_a_duplicate() -> None:
    """r0's SVI has the group's VIP as its own address, but r1 (higher priority) is active for that VIP and takes
    packets for it: r0's SVI is a duplicate of the VIP, and r1 never reaches r0:Vlan10."""
    design = {
        "switches": {
            "r0": {"vlans": [1, 10], "interfaces": {
                "Gi1/0/1": trunk("10"), "Gi1/0/2": edge_trunk("10"),
                "Vlan10": {"ip": "10.0.10.1/24", "fhrp": {"group": 10, "vip": "10.0.10.1", "priority": 100}}}},
            "r1": {"vlans": [1, 10], "interfaces": {
                "Gi1/0/1": trunk("10"),
                "Vlan10": {"ip": "10.0.10.12/24", "fhrp": {"group": 10, "vip": "10.0.10.1", "priority": 110}}}}},
        "hosts": {"esx1": host(["vmnic0"], {"PG10": {"vlan": 10}})},
        "vms": {"a": vm("esx1", "PG10", "10.0.10.20/24", "10.0.10.1")},
        "links": [["r0:Gi1/0/1", "r1:Gi1/0/1"], ["esx1:vmnic0", "r0:Gi1/0/2"]],
    }
    snap = snapshot(design)
    answer = _check(snap, {("r1:Vlan10", "r0:Vlan10"): False, ("a", "r1:Vlan10"): True}, reason="duplicate address")
    _assert_classes_match_pairs(snap, answer)


def test_an_anycast_svi_without_an_address_of_its_own_beside_duplicates() -> None:
    """A routed anycast SVI with no ``ip`` (topology-v1 "Anycast gateway") on a router with duplicate addresses
    behind it: reach walks it like trace does (found by the wide generator: reach used to crash here)."""
    design = duplicate_design()
    sw = design["switches"]["sw"]
    sw["vlans"] = [1, 10, 20]
    sw["interfaces"]["Vlan10"] = {"fhrp": {"protocol": "anycast", "vip": "10.0.10.1/24"}}
    sw["interfaces"]["Vlan20"] = {"ip": "10.0.20.1/24"}
    sw["interfaces"]["Gi1/0/1"] = edge_trunk("10,20")
    sw["routing"] = {"protocol": "ospf"}
    design["hosts"]["esx1"]["vswitches"]["vSwitch0"]["portgroups"]["PG20"] = {"vlan": 20}
    design["vms"]["e"] = vm("esx1", "PG20", "10.0.20.10/24", gateway="10.0.20.1")
    design["vms"]["b"] = vm("esx1", "PG10", "10.0.10.20/24", gateway="10.0.10.1")
    snap = snapshot(design)
    answer = reach(snap, list_pairs=True, reasons=False)
    assert ping(snap, "e", "b").ok and ping(snap, "b", "e").ok
    _assert_classes_match_pairs(snap, answer)
