"""The anycast gateway (topology-v1, "Names and forms met in vendor configs"): ``fhrp: {protocol: anycast,
vip: 10.1.11.1/24}``; every live router holding it is active at once, and a host's traffic to the gateway
is routed by the first such router it reaches at layer 2."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Interface

import pytest

import vinfra
from _paths import DATA
from vinfra.analysis.reach import reach
from vinfra.analysis.trace import trace
from vinfra.checks.engine import run_checks
from vinfra.io.export import to_json, to_yaml
from vinfra.network import Snapshot
from vinfra.network.endpoints import ANYCAST_MAC, EndpointError

DESIGN = DATA / "anycast-leaves.yaml"


@pytest.fixture(scope="module")
def inv() -> vinfra.Inventory:
    return vinfra.load(DESIGN)


def _routers(answer: dict) -> list[str]:
    """The routers that route the echo request and the reply, in order."""
    return [r["device"] for r in answer["rows"] if r["rule"] == "L3" and str(r["decision"]).startswith("route ")]


# the model ---------------------------------------------------------------------------------------------------

def test_vip_carries_the_prefix_and_the_svi_takes_its_subnet(inv: vinfra.Inventory) -> None:
    svi = inv.switches["leaf1"].interfaces["Vlan11"]
    assert svi.ip is None and svi.fhrp is not None and svi.fhrp.anycast
    assert svi.fhrp.vip == IPv4Address("10.1.11.1")  # an address, as for every other protocol
    assert svi.address == IPv4Interface("10.1.11.1/24")
    # written back as given: the export is a design that loads to the same inventory
    assert "vip: 10.1.11.1/24" in to_yaml(inv)
    assert vinfra.load_text(to_yaml(inv)) == inv and vinfra.load_text(to_json(inv)) == inv


def test_an_anycast_vip_beside_an_address_of_its_own() -> None:
    # EOS `ip virtual-router address`: the SVI keeps its address, the vip may go without its prefix
    inv = vinfra.load_text("name: a\nswitches:\n  leaf1: {vlans: [11], interfaces: {Vlan11: "
                           "{ip: 10.1.11.2/24, fhrp: {protocol: anycast, vip: 10.1.11.1}}}}\n")
    svi = inv.switches["leaf1"].interfaces["Vlan11"]
    assert svi.address == IPv4Interface("10.1.11.2/24") and svi.fhrp is not None and svi.fhrp.vip_interface is None


@pytest.mark.parametrize(("svi", "line"), [
    ("{fhrp: {protocol: anycast, vip: 10.1.11.1}}",
     "a.yaml:3:77: error: switches.leaf1.interfaces.Vlan11.fhrp.vip: Vlan11 has no 'ip': an anycast gateway that is "
     "its only address carries its prefix (vip: 10.1.11.1/24)"),
    ("{ip: 10.1.11.2/24, fhrp: {protocol: anycast, vip: 10.1.12.1/24}}",
     "a.yaml:3:95: error: switches.leaf1.interfaces.Vlan11.fhrp.vip: virtual IP 10.1.12.1/24 is not in Vlan11's "
     "subnet 10.1.11.0/24"),
    ("{fhrp: {protocol: hsrp, vip: 10.1.11.1/24}}",
     "a.yaml:3:46: error: switches.leaf1.interfaces.Vlan11.fhrp: Vlan11 has an FHRP group but no 'ip'"),
    ("{fhrp: {protocol: anycast, vip: 10.1.11.1/33}}",
     "a.yaml:3:77: error: switches.leaf1.interfaces.Vlan11.fhrp.vip: invalid IPv4 address '10.1.11.1/33' "
     "(got '10.1.11.1/33')"),
])
def test_anycast_errors_are_located(svi: str, line: str) -> None:
    with pytest.raises(vinfra.DesignError) as exc:
        vinfra.load_text(f"name: a\nswitches:\n  leaf1: {{vlans: [11], interfaces: {{Vlan11: {svi}}}}}\n", "a.yaml")
    assert str(exc.value).splitlines() == [line]


# layer 3 -----------------------------------------------------------------------------------------------------

def test_every_live_holder_owns_the_vip(inv: vinfra.Inventory) -> None:
    l3 = Snapshot(inv).l3
    vip = IPv4Address("10.1.11.1")
    assert [i.ref for i in l3.owners_of(vip)] == ["leaf1:Vlan11", "leaf2:Vlan11"]
    assert l3.owner_routers(vip) == frozenset({"leaf1", "leaf2"})
    assert l3.ifaces_at(vip) == []  # no address of their own: nothing answers 10.1.11.1 as a duplicate
    assert l3.vip_mac_of(vip) == ANYCAST_MAC
    # each leaf has the vip's subnet connected
    net = (24, int(IPv4Address("10.1.12.0")) >> 8)
    assert [(r, l3.route_parts(r, net)[0]) for r in ("leaf1", "leaf2")] == [("leaf1", "connected"), ("leaf2", "connected")]
    failed = Snapshot(inv).fork(["leaf1"]).l3
    assert [i.ref for i in failed.owners_of(vip)] == ["leaf2:Vlan11"]


def test_the_svi_is_no_endpoint_of_its_own_its_vip_is(inv: vinfra.Inventory) -> None:
    eps = Snapshot(inv).endpoints
    vip = eps.resolve("10.1.11.1")
    assert (vip.kind, vip.ip, vip.mac) == ("vip", IPv4Interface("10.1.11.1/24"), ANYCAST_MAC)
    with pytest.raises(EndpointError, match=r"leaf1:Vlan11 has no address of its own: name its anycast gateway 10\.1\.11\.1"):
        eps.resolve("leaf1:vlan11")


# trace and reach -----------------------------------------------------------------------------------------------

def test_the_first_leaf_reached_routes_each_way(inv: vinfra.Inventory) -> None:
    snap = Snapshot(inv)
    # web01 sends on vmnic0 (leaf1), app01 on vmnic1 (leaf2): each direction is routed where it enters
    answer = trace(snap, "web01", "app01")
    assert answer["verdict"] == "reachable"
    assert _routers(answer) == ["leaf1", "leaf2"]
    assert _routers(trace(snap, "app01", "web01")) == ["leaf2", "leaf1"]


@pytest.mark.parametrize(("failed", "routers"), [("leaf1", ["leaf2", "leaf2"]), ("leaf2", ["leaf1", "leaf1"]),
                                                 ("esx01:vmnic0", ["leaf2", "leaf2"])])
def test_one_leaf_failed_the_other_routes_everything(inv: vinfra.Inventory, failed: str, routers: list[str]) -> None:
    snap = Snapshot(inv).fork([failed])
    answer = trace(snap, "web01", "app01")
    assert answer["verdict"] == "reachable" and _routers(answer) == routers
    assert all(p["reachable"] for p in reach(snap)["pairs"])


def test_reach_through_the_anycast_gateway(inv: vinfra.Inventory) -> None:
    answer = reach(Snapshot(inv))
    assert [sorted(c["members"]) for c in answer["classes"]] == [["10.1.11.1", "10.1.12.1", "app01", "web01"]]
    both = reach(Snapshot(inv).fork(["leaf1", "leaf2"]), ["web01"], ["app01", "10.1.11.1"])
    assert [(p["dst"], p["reachable"]) for p in both["pairs"]] == [("10.1.11.1", False), ("app01", False)]
    assert both["pairs"][0]["reason"].startswith("web01: every active and standby uplink of port group VM-11 has failed")


def _one_leaf_routes_vlan13() -> vinfra.Inventory:
    """VLAN 13 is routed by leaf1 alone (an SVI of its own, no routing protocol): a host entering at leaf2 is
    routed by leaf2, which knows no route to it."""
    text = DESIGN.read_text(encoding="utf-8")
    text = text.replace('vlans: [11, 12]', 'vlans: [11, 12, 13]').replace('allowed_vlans: "11,12"', 'allowed_vlans: "11-13"')
    text = text.replace("      Vlan12: {fhrp: {protocol: anycast, vip: 10.1.12.1/24}}\n  leaf2:",
                        "      Vlan12: {fhrp: {protocol: anycast, vip: 10.1.12.1/24}}\n"
                        "      Vlan13: {ip: 10.1.13.2/24}\n  leaf2:", 1)
    text = text.replace("          VM-12: {vlan: 12, teaming: {active: [vmnic0], standby: [vmnic1]}}",
                        "          VM-12: {vlan: 12, teaming: {active: [vmnic0], standby: [vmnic1]}}\n"
                        "          VM-13: {vlan: 13}", 1)
    text = text.replace("\nlinks:", "\n  web02: {host: esx02, nics: [{network: VM-11, ip: 10.1.11.22/24, gateway: 10.1.11.1}]}\n"
                        "  db01: {host: esx01, nics: [{network: VM-13, ip: 10.1.13.21/24, gateway: 10.1.13.2}]}\nlinks:")
    return vinfra.load_text(text, "one-leaf-routes.yaml")


def test_the_leaf_a_host_reaches_first_decides_in_trace_and_reach_alike() -> None:
    snap = Snapshot(_one_leaf_routes_vlan13())
    # web01 enters at leaf1, which routes VLAN 13; web02 enters at leaf2, which has no route to it
    assert trace(snap, "web01", "db01")["verdict"] == "reachable"
    lost = trace(snap, "web02", "db01")
    assert (lost["verdict"], lost["reason"]) == ("unreachable", "leaf2 has no route to 10.1.13.21")
    pairs = {(p["src"], p["dst"]): p["reachable"] for p in reach(snap)["pairs"]}
    assert pairs[("web01", "db01")] is True and pairs[("web02", "db01")] is False
    assert pairs[("web02", "web01")] is True  # one VLAN: no gateway involved
    # every pair as trace walks it
    for (src, dst), ok in pairs.items():
        assert (trace(snap, src, dst)["verdict"] == "reachable") == ok, (src, dst)


@pytest.mark.parametrize("fail", [[], ["leaf1"]])
def test_the_rules_take_an_anycast_gateway_for_one_gateway(inv: vinfra.Inventory, fail: list[str]) -> None:
    # both leaves hold 10.1.11.1: one endpoint, not a duplicate; one consistent group; the VMs' gateway exists
    run = run_checks(Snapshot(inv).fork(fail), select=["duplicate-ip", "fhrp-inconsistent", "gateway-missing"])
    assert [(f.rule, f.message) for f in run.findings] == []


def test_gateway_missing_when_no_holder_lives(inv: vinfra.Inventory) -> None:
    run = run_checks(Snapshot(inv).fork(["leaf1", "leaf2"]), select=["gateway-missing"])
    assert {f.objects for f in run.findings} == {("web01",), ("app01",)}


def test_rule_messages_name_the_anycast_gateway() -> None:
    rules = DATA.parent / "rules"
    run = run_checks(Snapshot(vinfra.load(rules / "fhrp-inconsistent" / "fail-anycast-and-vrrp.yaml")),
                     select=["fhrp-inconsistent"])
    [f] = run.findings
    assert f.message == ("the routers of 10.0.10.0/24 (leaf1:Vlan10 and leaf2:Vlan10): they disagree: leaf1:Vlan10 "
                         "holds anycast gateway 10.0.10.1; leaf2:Vlan10 runs VRRP group 10 with virtual IP 10.0.10.1: "
                         "the gateway does not fail over as one group (P5)")
    assert f.fix == "leaf2 (eos): interface Vlan10; ip virtual-router address 10.0.10.1"
    run = run_checks(Snapshot(vinfra.load(rules / "duplicate-ip" / "fail-anycast-and-hsrp.yaml")), select=["duplicate-ip"])
    [f] = run.findings
    assert f.objects == ("virtual IP 10.0.10.1 (HSRP 10 on r-2:Vlan10)", "virtual IP 10.0.10.1 (anycast gateway on leaf1:Vlan10)")
