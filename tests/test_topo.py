"""The Python builder: a Topo yields the same Inventory as the equivalent design file."""

from __future__ import annotations

import doctest

import pytest

import vinfra
import vinfra.topo
from _paths import DATA, shared_example
from vinfra import DesignError, Topo, TopoError
from vinfra.model import Nic, SwitchInterface

SEED = "seed-two-independent-switches.yaml"
VLANS = "1,10,20,30"


def seed_two_independent_switches() -> Topo:
    """../shared/examples/seed-two-independent-switches.yaml, written in code."""
    t = Topo(
        "seed-two-independent-switches",
        description=(
            "The most common pattern of the seed deck: each ESX host has two 1 GbE uplinks, one to each of "
            "two independent access switches, teamed with the default \"originating virtual port ID\" policy. "
            "The access switches uplink to a distribution pair that runs HSRP for the default gateways.\n"
        ),
    )
    for name, prio, last in (("dist-1", 4096, 2), ("dist-2", 8192, 3)):
        t.add_switch(name, role="distribution", stp={"mode": "rpvst", "priority": prio}, vlans=[1, 10, 20, 30],
                     routing={"protocol": "ospf", "passive_interfaces": ["Vlan1", "Vlan10", "Vlan20"]})
        peer = "dist-2" if name == "dist-1" else "dist-1"
        for port, to in (("Gi1/0/1", "sw-a"), ("Gi1/0/2", "sw-b"), ("Gi1/0/24", peer)):
            t.add_interface(name, port, mode="trunk", allowed_vlans=VLANS, speed=10000, description=f"to {to}")
        for vlan in (1, 10, 20):
            fhrp = {"protocol": "hsrp", "group": vlan, "vip": f"10.0.{vlan}.1"}
            fhrp.update({"priority": 110, "preempt": True} if name == "dist-1" else {"priority": 100})
            t.add_interface(name, f"Vlan{vlan}", ip=f"10.0.{vlan}.{last}/24", fhrp=fhrp)
    for sw, nic in (("sw-a", "vmnic0"), ("sw-b", "vmnic1")):
        t.add_switch(sw, role="access", stp={"mode": "rpvst"}, vlans=[1, 10, 20, 30])
        for port, host in (("Gi1/0/1", "esx01"), ("Gi1/0/2", "esx02")):
            t.add_interface(sw, port, mode="trunk", allowed_vlans=VLANS, stp={"edge": True}, description=f"{host} {nic}")
        for port, dist in (("Gi1/0/47", "dist-1"), ("Gi1/0/48", "dist-2")):
            t.add_interface(sw, port, mode="trunk", allowed_vlans=VLANS, speed=10000, description=f"to {dist}")

    for n, host in enumerate(("esx01", "esx02"), start=11):
        t.add_host(host, cluster="c1", product="esx", version="3.5", memory_gb=32, datastores=["ds-fc-1"],
                   cpu={"sockets": 2, "cores": 4, "mhz": 2660, "vendor": "intel", "family": "penryn"})
        t.add_nic(host, "vmnic0", speed=1000)
        t.add_nic(host, "vmnic1", speed=1000)
        t.add_vswitch(host, "vSwitch0", uplinks=["vmnic0", "vmnic1"],
                      teaming={"policy": "port_id", "active": ["vmnic0", "vmnic1"], "detection": "link_status"})
        t.add_portgroup(host, "vSwitch0", "Service Console", vlan=1)
        t.add_portgroup(host, "vSwitch0", "VMotion", vlan=20, teaming={"active": ["vmnic1"], "standby": ["vmnic0"]})
        t.add_portgroup(host, "vSwitch0", "VM-10", vlan=10)
        t.add_portgroup(host, "vSwitch0", "VM-30", vlan=30)
        t.add_vmkernel(host, "vswif0", portgroup="Service Console", ip=f"10.0.1.{n}/24", services=["service_console"])
        t.add_vmkernel(host, "vmk0", portgroup="VMotion", ip=f"10.0.20.{n}/24", services=["vmotion"])

    t.add_cluster("c1", drs={"enabled": True, "automation": "fully", "threshold": 3},
                  ha={"enabled": True, "admission_control": {"policy": "host_failures", "value": 1},
                      "isolation_response": "power_off", "isolation_addresses": ["10.0.1.1"]})
    t.add_datastore("ds-fc-1", type="vmfs", transport="fc", capacity_gb=1024)
    vms = (
        ("web01", "esx01", 1, 2, "VM-10", "00:50:56:00:10:21", "10.0.10.21/24", "10.0.10.1", 800, 1, None),
        ("web02", "esx02", 1, 2, "VM-10", "00:50:56:00:10:22", "10.0.10.22/24", "10.0.10.1", 700, 1, None),
        ("app01", "esx01", 2, 4, "VM-30", "00:50:56:00:30:31", "10.0.30.31/24", None, 1500, 3, None),
        ("db01", "esx02", 2, 8, "VM-30", "00:50:56:00:30:41", "10.0.30.41/24", None, 2500, 6, "high"),
    )
    for name, host, vcpus, mem, net, mac, ip, gw, mhz, active, prio in vms:
        t.add_vm(name, host=host, cpu={"vcpus": vcpus}, memory_gb=mem, datastore="ds-fc-1",
                 ha={"restart_priority": prio} if prio else None, load={"cpu_mhz": mhz, "memory_gb": active})
        t.add_vnic(name, net, mac=mac, ip=ip, gateway=gw)

    for host, nic, sw, port in (("esx01", "vmnic0", "sw-a", "Gi1/0/1"), ("esx02", "vmnic0", "sw-a", "Gi1/0/2"),
                                ("esx01", "vmnic1", "sw-b", "Gi1/0/1"), ("esx02", "vmnic1", "sw-b", "Gi1/0/2")):
        t.add_link(f"{host}:{nic}", f"{sw}:{port}")
    for a, b in (("sw-a:Gi1/0/47", "dist-1:Gi1/0/1"), ("sw-a:Gi1/0/48", "dist-2:Gi1/0/1"),
                 ("sw-b:Gi1/0/47", "dist-1:Gi1/0/2"), ("sw-b:Gi1/0/48", "dist-2:Gi1/0/2"),
                 ("dist-1:Gi1/0/24", "dist-2:Gi1/0/24")):
        t.add_link(a, b, speed=10000)
    return t


def test_topo_equals_the_yaml_design() -> None:
    built = seed_two_independent_switches().build()
    loaded = vinfra.load(shared_example(SEED))
    assert built == loaded
    assert built.model_dump(mode="json") == loaded.model_dump(mode="json")


def test_a_difference_is_noticed() -> None:
    t = seed_two_independent_switches()
    t.add_failure("sw-a:Gi1/0/48")
    assert t.build() != vinfra.load(shared_example(SEED))


def test_lookups() -> None:
    inv = seed_two_independent_switches().build()
    assert inv.hosts["esx01"].vswitches["vSwitch0"].uplinks == ["vmnic0", "vmnic1"]
    port = inv.interface("sw-a:Gi1/0/1")
    assert isinstance(port, SwitchInterface) and port.mode == "trunk" and port.stp.edge
    assert 30 in port.allowed_vlans and 40 not in port.allowed_vlans
    nic = inv.interface("esx02:vmnic1")
    assert isinstance(nic, Nic) and nic.speed == 1000
    link = inv.link_at(vinfra.model.InterfaceRef.parse("esx01:vmnic1"))
    assert link is not None and str(link.other_end(link.a)) == "sw-b:Gi1/0/1"
    assert inv.vms_on("esx02") == ["web02", "db01"]
    assert inv.cluster_hosts("c1") == ["esx01", "esx02"]
    assert inv.vms["db01"].ha.restart_priority == "high"
    assert inv.vms["web01"].ha.restart_priority == "medium"  # left out: the default applies


def test_returned_names() -> None:
    t = Topo("names")
    assert t.add_switch("sw-a") == "sw-a"
    assert t.add_interface("sw-a", "Gi1/0/1") == "sw-a:Gi1/0/1"
    assert t.add_host("esx01") == "esx01"
    assert t.add_nic("esx01", "vmnic0") == "esx01:vmnic0"
    assert t.add_link("sw-a:Gi1/0/1", "esx01:vmnic0") == "esx01:vmnic0--sw-a:Gi1/0/1"
    assert t.add_dvswitch("dvs1") == "dvs1"
    assert t.add_lag("dvs1", "lag1", mode="active", uplinks=["uplink1", "uplink2"]) == "lag:lag1"
    assert t.add_dvportgroup("dvs1", "dv-VM", vlan=30) == "dvs1/dv-VM"
    assert t.switches() == ["sw-a"] and t.hosts() == ["esx01"]
    assert t.links() == [("sw-a:Gi1/0/1", "esx01:vmnic0")]


def test_distributed_switch_and_rules_in_code() -> None:
    t = Topo("vds")
    t.add_switch("leaf-1", platform="eos", vlans="1,30")
    t.add_interface("leaf-1", "Ethernet1", mode="trunk", allowed_vlans="30", channel_group=11, channel_mode="active")
    t.add_interface("leaf-1", "Po11", mode="trunk", allowed_vlans="30")
    for h in ("esx01", "esx02"):
        t.add_host(h, cluster="prod")
        t.add_nic(h, "vmnic2", speed=10000)
    t.add_dvswitch("dvs1", version="7.0", uplinks=["uplink1"])
    lag = t.add_lag("dvs1", "lag1", mode="active", uplinks=["uplink1"])
    for h in ("esx01", "esx02"):
        t.add_dvswitch_host("dvs1", h, {"uplink1": "vmnic2"})
    net = t.add_dvportgroup("dvs1", "dv-VM-30", vlan=30, teaming={"policy": lag, "active": [lag]})
    t.add_cluster("prod", drs={"enabled": True})
    for vm, h in (("web01", "esx01"), ("web02", "esx02")):
        t.add_vm(vm, host=h)
        t.add_vnic(vm, net, ip=f"10.0.30.{vm[-1]}/24")
    t.add_rule("prod", "web-apart", "anti_affinity", ["web01", "web02"])
    t.add_link("esx01:vmnic2", "leaf-1:Ethernet1")
    inv = t.build()
    assert inv.portgroup_of("esx02", "dvs1/dv-VM-30") == ("vds", "dvs1", "dv-VM-30")
    assert inv.dvswitches["dvs1"].effective_teaming("dv-VM-30").active == ("lag:lag1",)
    assert inv.dvswitches["dvs1"].security is not None and not inv.dvswitches["dvs1"].security.forged_transmits
    assert inv.clusters["prod"].rules[0].vms == ["web01", "web02"]


def test_build_reports_every_bad_field() -> None:
    t = Topo("bad")
    t.add_host("esx01", memory_gb=-1)
    t.add_host("esx02")
    t.add_nic("esx02", "vmnic0")
    t.add_vswitch("esx02", "vSwitch0", uplinks=["vmnic0", "vmnic1"], mtu=1500, teaming={"policy": "round_robin"})
    t.add_vm("web01", host="esx02", colour="red")
    t.add_link("esx02:vmnic0", "sw-z:Gi1/0/1")
    with pytest.raises(DesignError) as info:
        t.build()
    assert [str(d) for d in info.value.diagnostics] == [
        "<topo bad>: error: hosts.esx01.memory_gb: Input should be greater than 0 (got -1)",
        "<topo bad>: error: hosts.esx02.vswitches.vSwitch0.teaming.policy: unknown teaming policy 'round_robin': "
        "expected port_id, mac_hash, ip_hash, explicit, load_based or lag:<name> (got 'round_robin')",
        "<topo bad>: error: links[0][1]: sw-z:Gi1/0/1: no switch or host is named 'sw-z'",
        "<topo bad>: error: vms.web01.colour: unknown key 'colour' (expected one of: guest, cpu, memory_gb, memory, "
        "power, ha, drs, datastore, nics, load, local_devices, description, host)",
    ]


def test_builder_misuse_is_reported_at_once() -> None:
    t = Topo("misuse")
    t.add_switch("sw-a")
    with pytest.raises(TopoError, match="switches: 'sw-a' is already in the topology"):
        t.add_switch("sw-a")
    with pytest.raises(TopoError, match=r"no 'esx09' in the topology \(add it with add_host first\)"):
        t.add_nic("esx09", "vmnic0")
    t.add_host("esx01")
    with pytest.raises(TopoError, match="no vSwitch 'vSwitch0'"):
        t.add_portgroup("esx01", "vSwitch0", "VM-10")
    t.add_interface("sw-a", "Gi1/0/1")
    with pytest.raises(TopoError, match="interfaces 'Gi1/0/1' is already"):
        t.add_interface("sw-a", "Gi1/0/1")


def test_options_are_copied_not_shared() -> None:
    vlans = [1, 10]
    t = Topo("copy")
    t.add_switch("sw-a", vlans=vlans)
    vlans.append(20)
    data = t.to_data()
    assert data["switches"]["sw-a"]["vlans"] == [1, 10]
    data["switches"]["sw-a"]["vlans"].append(30)
    assert t.to_data()["switches"]["sw-a"]["vlans"] == [1, 10]


def test_module_examples() -> None:
    result = doctest.testmod(vinfra.topo)
    assert result.attempted > 0 and result.failed == 0


def vgt_cases() -> Topo:
    """tests/data/vgt.yaml (VGT guests on a 4095 port group and a vDS VLAN trunk), written in code."""
    t = Topo("vgt-cases")
    t.add_switch("sw-a", vlans=[1, 10, 20, 30, 50])
    for port in ("Gi1/0/1", "Gi1/0/2"):
        t.add_interface("sw-a", port, mode="trunk", allowed_vlans="10,20,50", native_vlan=50, stp={"edge": True})
    for port in ("Gi1/0/3", "Gi1/0/4"):
        t.add_interface("sw-a", port, mode="trunk", allowed_vlans="10,20,30", stp={"edge": True})
    for vlan in (10, 20, 30, 50):
        t.add_interface("sw-a", f"Vlan{vlan}", ip=f"10.0.{vlan}.1/24")
    t.add_dvswitch("dvs", uplinks=["uplink1"])
    for k, host in enumerate(("esx01", "esx02")):
        t.add_host(host)
        t.add_nic(host, "vmnic0")
        t.add_nic(host, "vmnic1")
        t.add_vswitch(host, "vSwitch0", uplinks=["vmnic0"])
        t.add_portgroup(host, "vSwitch0", "VM-10", vlan=10)
        t.add_portgroup(host, "vSwitch0", "VM-20", vlan=20)
        t.add_portgroup(host, "vSwitch0", "Trunk", vlan=4095)
        t.add_dvswitch_host("dvs", host, {"uplink1": "vmnic1"})
        t.add_link(f"{host}:vmnic0", f"sw-a:Gi1/0/{1 + k}")
    t.add_dvportgroup("dvs", "dv-trunk", vlan={"trunk": "20-30"})
    t.add_dvportgroup("dvs", "dv-30", vlan=30)
    for k, host in enumerate(("esx01", "esx02")):
        t.add_link(f"{host}:vmnic1", f"sw-a:Gi1/0/{3 + k}")
    for name, host, network, guest, ip, gateway in (
            ("g10", "esx01", "Trunk", 10, "10.0.10.5/24", None), ("g20", "esx01", "Trunk", 20, "10.0.20.5/24", None),
            ("gu", "esx01", "Trunk", None, "10.0.50.5/24", "10.0.50.1"), ("gx", "esx01", "Trunk", 30, "10.0.30.5/24", None),
            ("gn", "esx01", "Trunk", 50, "10.0.50.6/24", None), ("gm", "esx01", "Trunk", 10, "10.0.20.9/24", None),
            ("d20", "esx01", "dvs/dv-trunk", 20, "10.0.20.7/24", None), ("d30", "esx01", "dvs/dv-trunk", 30, "10.0.30.7/24", None),
            ("du", "esx01", "dvs/dv-trunk", None, "10.0.30.8/24", None), ("v10", "esx02", "VM-10", None, "10.0.10.21/24", "10.0.10.1"),
            ("v20", "esx02", "VM-20", None, "10.0.20.21/24", "10.0.20.1"), ("l10", "esx02", "Trunk", 10, "10.0.10.22/24", None),
            ("e30", "esx02", "dvs/dv-30", None, "10.0.30.21/24", None)):
        t.add_vm(name, host=host)
        t.add_vnic(name, network, guest_vlan=guest, ip=ip, gateway=gateway)
    return t


def test_topo_with_guest_vlans_equals_the_yaml_design() -> None:
    built = vgt_cases().build()
    loaded = vinfra.load(DATA / "vgt.yaml")
    assert built == loaded
    assert built.vms["g10"].nics[0].guest_vlan == 10 and built.vms["gu"].nics[0].guest_vlan is None
    t = vgt_cases()
    t.add_vm("bad", host="esx01")
    t.add_vnic("bad", "VM-10", guest_vlan=10)
    with pytest.raises(DesignError, match=r"vms\.bad\.nics\[0\]\.guest_vlan: guest_vlan 10: port group 'VM-10'"):
        t.build()
