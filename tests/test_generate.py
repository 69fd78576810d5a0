"""The synthetic design generator: valid at every size and pattern, deterministic, shaped like the seed deck."""

from __future__ import annotations

import ipaddress
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml_rs

import vinfra
from vinfra.generate import ALL_PATTERNS, HOSTS_PER_BLOCK, dump_design, generate_design, render_design
from vinfra.io.design import parse_text
from vinfra.model import VlanSet

SIZES = [(1, 0), (2, 3), (5, 40), (33, 100), (70, 700)]


@pytest.mark.parametrize("pattern", ALL_PATTERNS)
@pytest.mark.parametrize(("hosts", "vms"), SIZES, ids=lambda v: str(v))
def test_generated_design_validates(hosts: int, vms: int, pattern: str) -> None:
    data = generate_design(hosts, vms, seed=7, pattern=pattern)
    inv = vinfra.from_data(data)  # raises DesignError on any problem
    assert len(inv.hosts) == hosts
    assert len(inv.vms) == vms
    assert len(inv.clusters) == -(-hosts // HOSTS_PER_BLOCK)


@pytest.mark.parametrize("fmt", ["yaml", "json"])
@pytest.mark.parametrize("pattern", ALL_PATTERNS)
def test_written_design_loads(tmp_path: Path, pattern: str, fmt: str) -> None:
    data = generate_design(40, 300, seed=1, pattern=pattern)
    path = tmp_path / f"design.{fmt}"
    dump_design(data, path, fmt)
    inv = vinfra.load(path)
    assert inv.name == data["name"]
    assert len(inv.vms) == 300
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left behind
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask  # an ordinary file, not mkstemp's 0600


def test_medium_mixed_design_loads_from_yaml(tmp_path: Path) -> None:
    path = tmp_path / "design.yaml"
    dump_design(generate_design(200, 2000), path, "yaml")
    inv = vinfra.load(path)
    assert inv.summary()["hosts"] == 200 and inv.summary()["vms"] == 2000


def test_crowded_vlans_get_larger_subnets() -> None:
    data = generate_design(2, 3000, pattern="independent")
    vinfra.from_data(data)
    prefixes = {nic["ip"].split("/")[1] for vm in data["vms"].values() for nic in vm["nics"]}
    assert prefixes == {"23"}  # 375 VMs per VM VLAN do not fit a /24


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_same_seed_gives_identical_bytes(fmt: str) -> None:
    first = render_design(generate_design(75, 600, seed=42), fmt)
    second = render_design(generate_design(75, 600, seed=42), fmt)
    assert first == second
    assert render_design(generate_design(75, 600, seed=43), fmt) != first


def test_yaml_reads_back_as_the_same_data() -> None:
    for pattern in ALL_PATTERNS:
        data = generate_design(35, 120, seed=3, pattern=pattern)
        assert yaml_rs.loads(render_design(data, "yaml").decode()) == data


@pytest.mark.parametrize("pattern", ALL_PATTERNS)
def test_anchored_yaml_is_the_same_design(pattern: str) -> None:
    data = generate_design(40, 120, seed=4, pattern=pattern)
    text = render_design(data, anchors=True).decode()
    assert text.count("<<: *blk") == 40 - 2  # every host but the first of each of the two clusters
    assert parse_text(text, "d.yaml") == data
    assert vinfra.load_text(text, "d.yaml").model_dump(mode="json") == vinfra.from_data(data).model_dump(mode="json")
    assert len(text) < len(render_design(data).decode())
    with pytest.raises(ValueError, match="YAML only"):
        render_design(data, "json", anchors=True)


def test_yaml_style_is_block_with_flow_leaves() -> None:
    text = render_design(generate_design(2, 2, pattern="stacked")).decode()
    lines = text.splitlines()
    assert "switches:" in lines and "hosts:" in lines and "links:" in lines
    assert any(ln.startswith("      Gi1/0/1: {mode: trunk, ") and 'channel_mode: "on"' in ln for ln in lines)
    assert any(ln.strip().startswith("cpu: {sockets: 2, ") for ln in lines)
    assert any(ln.startswith("  - [esx0001:vmnic0, ") for ln in lines)
    assert '    version: "' in text  # "3.5" must stay a string


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"hosts": 0, "vms": 1}, "hosts must be a positive integer"),
    ({"hosts": 2, "vms": -1}, "vms must be a non-negative integer"),
    ({"hosts": 2, "vms": 1, "pattern": "ring"}, "unknown pattern 'ring'"),
    ({"hosts": 2, "vms": 10**8}, "vms must be at most"),
])
def test_bad_arguments(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        generate_design(**kwargs)


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown format"):
        render_design(generate_design(1, 0), "xml")


# the seed deck's patterns ------------------------------------------------------------------


def _blocks(data: dict[str, Any]) -> dict[str, list[str]]:
    """Block prefix -> its hosts (a block is one cluster)."""
    out: dict[str, list[str]] = {}
    for name, host in data["hosts"].items():
        out.setdefault(host["cluster"].removesuffix("-cl"), []).append(name)
    return out


def test_names_and_blocks() -> None:
    data = generate_design(70, 100, pattern="mixed")
    assert list(data["hosts"])[:2] == ["esx0001", "esx0002"]
    assert list(data["vms"])[:2] == ["vm00001", "vm00002"]
    blocks = _blocks(data)
    assert sorted(blocks) == ["blk01", "blk02", "blk03"]
    assert all(len(h) <= HOSTS_PER_BLOCK for h in blocks.values())
    sw = data["switches"]
    assert {"core-1", "core-2", "blk01-acc-a", "blk01-acc-b", "blk02-stk-1", "blk02-stk-2", "blk03-acc-a"} <= set(sw)
    assert sw["blk03-acc-a"]["mlag"] == {"peer": "blk03-acc-b", "domain": 3}


def test_host_facing_ports_are_edge_trunks_with_exactly_the_block_vlans() -> None:
    data = generate_design(70, 100, seed=5)
    inv = vinfra.from_data(data)
    host_ports = 0
    for link in inv.links:
        for end, other in ((link.a, link.b), (link.b, link.a)):
            if end.device in inv.hosts:
                host = inv.hosts[end.device]
                block_vlans = VlanSet.of(*(pg.vlan for pg in host.vswitches["vSwitch0"].portgroups.values()))
                port = inv.interface(other)
                assert port.mode == "trunk" and port.stp.edge
                assert port.allowed_vlans == block_vlans
                if port.channel_group is not None:
                    po = inv.interface(type(other)(other.device, f"Po{port.channel_group}"))
                    assert po.allowed_vlans == block_vlans and po.stp.edge
                host_ports += 1
    assert host_ports == sum(len(h.nics) for h in inv.hosts.values())


def test_addresses_and_macs_are_unique_and_gateways_are_vips() -> None:
    data = generate_design(70, 1500, seed=9)
    inv = vinfra.from_data(data)
    vips: dict[ipaddress.IPv4Network, ipaddress.IPv4Address] = {}
    arp_ok = True
    for sw in inv.switches.values():
        for name, iface in sw.interfaces.items():
            if iface.fhrp is not None:
                assert iface.ip is not None
                vips.setdefault(iface.ip.network, iface.fhrp.vip)
                assert vips[iface.ip.network] == iface.fhrp.vip
                arp_ok &= sw.arp_timeout(iface) <= min(s.mac_aging for s in inv.switches.values())
                assert name == f"Vlan{iface.fhrp.group}"
    assert arp_ok
    ips = Counter[str]()
    macs = Counter[str]()
    for vm in inv.vms.values():
        for nic in vm.nics:
            assert nic.ip is not None and nic.mac is not None
            ips[str(nic.ip.ip)] += 1
            macs[nic.mac] += 1
            assert nic.gateway == vips[nic.ip.network]
            pg = inv.hosts[vm.host].vswitches["vSwitch0"].portgroups[nic.network]
            assert nic.network == f"VM-{pg.vlan}"
    for host in inv.hosts.values():
        for vmk in host.vmkernel.values():
            assert vmk.ip is not None
            ips[str(vmk.ip.ip)] += 1
    for sw in inv.switches.values():
        for iface in sw.interfaces.values():
            if iface.ip is not None:
                ips[str(iface.ip.ip)] += 1
    assert max(ips.values()) == 1
    assert max(macs.values()) == 1


def test_distribution_pair_and_core() -> None:
    data = generate_design(40, 10, pattern="independent")
    inv = vinfra.from_data(data)
    d1, d2 = inv.switches["blk01-dist-1"], inv.switches["blk01-dist-2"]
    access = inv.switches["blk01-acc-a"]
    assert d1.stp.priority.default < d2.stp.priority.default < access.stp.priority.default  # dist-1 is the root
    for d in (d1, d2):
        assert d.routing is not None and d.routing.protocol == "ospf"
        routed = [i for i in d.interfaces.values() if i.mode == "routed"]
        assert len(routed) == 2 and all(i.ip is not None and i.ip.network.prefixlen == 31 for i in routed)
        assert set(d.routing.passive_interfaces) == {n for n in d.interfaces if n.startswith("Vlan")}
    for core in ("core-1", "core-2"):
        routed = [i for i in inv.switches[core].interfaces.values() if i.mode == "routed"]
        assert len(routed) == 2 * 2 + 1  # both distribution switches of both blocks, and the other core
    for link in inv.links:
        ends = {link.a.device, link.b.device}
        if ends & {"core-1", "core-2"}:
            assert inv.interface(link.a).ip.network == inv.interface(link.b).ip.network  # type: ignore[union-attr]


def test_independent_pattern() -> None:
    inv = vinfra.from_data(generate_design(3, 6, seed=2, pattern="independent"))
    for host in inv.hosts.values():
        vs = host.vswitches["vSwitch0"]
        assert vs.teaming.policy == "port_id"
        pgs = list(vs.portgroups)
        assert len(pgs) == 10
        mgmt, vmotion = vs.effective_teaming(pgs[0]), vs.effective_teaming(pgs[1])
        assert (mgmt.active, mgmt.standby) == (("vmnic0",), ("vmnic1",))
        assert (vmotion.active, vmotion.standby) == (("vmnic1",), ("vmnic0",))
        assert len({str(k.ip) for k in host.vmkernel.values()}) == 2
    for side in ("a", "b"):
        sw = inv.switches[f"blk01-acc-{side}"]
        (lst,) = sw.link_state_tracking
        assert set(lst.upstream) == {"Te1/1/1", "Te1/1/2"}
        assert set(lst.downstream) == {n for n in sw.interfaces if n.startswith("Gi")}


def test_stacked_pattern() -> None:
    inv = vinfra.from_data(generate_design(4, 6, seed=2, pattern="stacked"))
    m1, m2 = inv.switches["blk01-stk-1"], inv.switches["blk01-stk-2"]
    assert m1.stack == m2.stack == "blk01-stk"
    assert not any(n.startswith("Po") for n in m2.interfaces)  # declared once, on member 1
    for j, host in enumerate(inv.hosts.values(), start=1):
        team = host.vswitches["vSwitch0"].teaming
        assert team.policy == "ip_hash" and team.active == list(host.nics) and not team.standby
        members = [(s, i) for s, sw in (("1", m1), ("2", m2)) for i in sw.interfaces.values() if i.channel_group == j]
        assert {s for s, _ in members} == {"1", "2"}  # cross-stack
        assert all(i.channel_mode == "on" for _, i in members)
        assert len(members) == len(host.nics)
        assert f"Po{j}" in m1.interfaces


def test_mlag_pattern() -> None:
    inv = vinfra.from_data(generate_design(4, 6, seed=2, pattern="mlag"))
    a, b = inv.switches["blk01-acc-a"], inv.switches["blk01-acc-b"]
    assert a.platform == b.platform == "nxos"
    assert a.interfaces["Po1"].peer_link and b.interfaces["Po1"].peer_link
    vpcs_a = {i.mlag_id for n, i in a.interfaces.items() if i.mlag_id is not None}
    vpcs_b = {i.mlag_id for n, i in b.interfaces.items() if i.mlag_id is not None}
    assert vpcs_a == vpcs_b and len(vpcs_a) == 4
    for host in inv.hosts.values():
        assert host.vswitches["vSwitch0"].teaming.policy == "ip_hash"


def _host_cpu_share(inv: vinfra.Inventory) -> dict[str, float]:
    used: Counter[str] = Counter()
    for vm in inv.vms.values():
        used[vm.host] += vm.load.cpu_mhz
    return {h: used[h] / host.cpu.capacity_mhz for h, host in inv.hosts.items()}


def test_skew_makes_hot_and_cold_halves() -> None:
    """--skew 0.8/0.2: hosts alternate about 80 % and about 20 % of CPU; VMs spread evenly by count."""
    inv = vinfra.from_data(generate_design(64, 3000, seed=3, skew=(0.8, 0.2)))
    shares = _host_cpu_share(inv)
    hot = [s for k, s in enumerate(shares.values()) if k % 2 == 0]
    cold = [s for k, s in enumerate(shares.values()) if k % 2 == 1]
    assert len(hot) == len(cold) == 32
    assert all(0.72 < s < 0.88 for s in hot), hot
    assert all(0.16 < s < 0.24 for s in cold), cold
    counts = Counter(vm.host for vm in inv.vms.values())
    assert max(counts.values()) - min(counts.values()) <= 1


def test_skew_vm_sizes_and_weights() -> None:
    inv = vinfra.from_data(generate_design(8, 4000, seed=1, skew=(0.8, 0.2)))
    sizes = Counter((vm.cpu.vcpus, vm.memory_gb) for vm in inv.vms.values())
    assert set(sizes) == {(1, 2), (2, 4), (4, 8)}
    assert 0.46 < sizes[(1, 2)] / 4000 < 0.54 and 0.31 < sizes[(2, 4)] / 4000 < 0.39
    for name, host in inv.hosts.items():  # memory is not the resource out of balance
        configured = sum(vm.memory_gb for vm in inv.vms.values() if vm.host == name)
        assert host.memory_gb >= 2 * configured


def test_skew_is_deterministic_and_leaves_plain_designs_alone() -> None:
    assert generate_design(10, 50, seed=2, skew=(0.7, 0.3)) == generate_design(10, 50, seed=2, skew=(0.7, 0.3))
    plain = generate_design(10, 50, seed=2)
    assert generate_design(10, 50, seed=2, skew=None) == plain
    assert plain != generate_design(10, 50, seed=2, skew=(0.7, 0.3))


@pytest.mark.parametrize("bad", ["0.8", "0.8/x", "1.5/0.2", "0.8/-0.1", "/"])
def test_skew_bad_text_is_a_value_error(bad: str) -> None:
    from vinfra.generate import parse_skew

    with pytest.raises(ValueError, match="skew"):
        parse_skew(bad)
