"""Synthetic designs of any size, built from the seed deck's patterns.

:func:`generate_design` returns plain design data (topology-v1) that validates with zero
problems at any size; :func:`dump_design` writes it as YAML in the shared examples' style
(block style, flow-style leaves) or as JSON.  The same arguments give byte-identical output.

Layout: hosts are cut into blocks of at most :data:`HOSTS_PER_BLOCK`; a block is one cluster,
its access layer (a pattern below), a distribution pair (HSRP gateways on SVIs, STP root on
dist-1) and its own VLANs and subnets.  One core pair is joined to every distribution switch
by routed /31 links; every L3 switch runs OSPF.

Patterns (``mixed`` rotates through them block by block):

- ``independent``: two independent access switches, port-ID teaming with management and
  vMotion pinned active/standby, link-state tracking on the access switches.
- ``stacked``: a 2-member stack; every host bundles its uplinks into a cross-stack static
  channel (``channel_mode: "on"``, ``Po<N>`` declared once on member 1) with IP hash.
- ``mlag``: an NX-OS vPC pair (peer link ``Po1``); every host bundles its uplinks into a
  static vPC port-channel (one ``Po<N>`` with ``mlag_id: N`` per peer) with IP hash.

``skew=(hot, cold)`` makes a DRS test bed (cluster-behaviour §2): hosts alternate hot and cold
within each block (so every cluster is half and half), and the CPU demand of a hot host's VMs sums
to about ``hot`` of its CPU capacity, a cold host's to about ``cold``.  VMs stay spread evenly by
count; each has 1, 2 or 4 vCPUs with 2, 4 or 8 GB, weighted 50/35/15, and CPU demand in proportion
to its vCPUs (+-20 %).  Active memory is 15-35 % of configured, and hosts get at least twice their
VMs' configured memory, so CPU is the resource that is out of balance.
"""

from __future__ import annotations

import ipaddress
import json
import math
import os
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from .io.files import write_atomic

PATTERNS = ("independent", "stacked", "mlag")
ALL_PATTERNS = (*PATTERNS, "mixed")
FORMATS = ("yaml", "json")

HOSTS_PER_BLOCK = 32  # one cluster per block; vSphere clusters held 32 hosts for a decade
VM_VLANS_PER_BLOCK = 8  # with management and vMotion: 10 port groups per host
VLAN_BASE = 100
VLAN_STRIDE = 20  # VLAN IDs of block b start at VLAN_BASE + b * VLAN_STRIDE
VLAN_BLOCKS = (4094 - VLAN_BASE) // VLAN_STRIDE  # beyond that, blocks reuse VLAN IDs (L3 keeps them apart)
RESERVED = 16  # addresses at the start of each subnet: VIP .1, dist-1 .2, dist-2 .3, spare
ARP_TIMEOUT_S = 270  # below every MAC aging timer in the design (ios 300, nxos 1800)
MAC_LIMIT = 0x3FFFFF  # 00:50:56:00:00:00-00:50:56:3f:ff:ff, VMware's range for manual MACs

_SUBNET_POOL = (int(ipaddress.IPv4Address("10.0.0.0")), int(ipaddress.IPv4Address("10.255.0.0")))
_P2P_POOL = (int(ipaddress.IPv4Address("10.255.0.0")), int(ipaddress.IPv4Address("11.0.0.0")))


@dataclass(frozen=True)
class _Profile:
    """A host generation: what a block's hosts are and what its VMs ask for."""

    product: str
    version: str
    family: str
    mhz: int
    cores: int
    memory_gb: tuple[int, ...]
    nic_speed: int
    vm_memory_gb: tuple[int, ...]


_PROFILES = (
    _Profile("esx", "3.5", "penryn", 2833, 4, (32, 64), 1000, (1, 2, 4)),
    _Profile("esxi", "4.1", "westmere", 2930, 6, (96, 144), 10000, (2, 4, 8)),
    _Profile("esxi", "7.0", "cascadelake", 2600, 16, (384, 768), 10000, (4, 8, 16)),
    _Profile("esxi", "8.0", "sapphirerapids", 2400, 32, (768, 1024), 10000, (4, 8, 16, 32)),
)


@dataclass
class _Block:
    index: int  # 1-based
    pattern: str
    hosts: list[str]
    host_numbers: list[int]
    vm_counts: list[int]  # per host
    profile: _Profile
    nics: int
    vlans: list[int] = field(default_factory=list)  # management, vMotion, then VM VLANs
    vm_vlan_start: int = 0  # the VM VLAN the block's first VM takes
    subnets: list[ipaddress.IPv4Network] = field(default_factory=list)


class _Allocator:
    """Hands out aligned subnets from a pool, in order, so addresses never overlap."""

    def __init__(self, pool: tuple[int, int], what: str) -> None:
        self._cursor, self._end = pool
        self._what = what

    def take(self, prefix: int) -> ipaddress.IPv4Network:
        size = 1 << (32 - prefix)
        start = -(-self._cursor // size) * size
        if start + size > self._end:
            raise ValueError(f"the design is too large: {self._what} address pool exhausted")
        self._cursor = start + size
        return ipaddress.IPv4Network((start, prefix))


def _subnet_prefix(endpoints: int) -> int:
    """The longest prefix (at most /24) that holds the reserved addresses, endpoints and broadcast."""
    need = RESERVED + endpoints + 1
    return min(24, 32 - max(1, math.ceil(math.log2(need))))


def _width(count: int, minimum: int) -> int:
    return max(minimum, len(str(count)))


#: ``skew``: VM sizes (vCPUs, GB) and their weights
SKEW_SIZES = ((1, 2), (2, 4), (4, 8))
SKEW_WEIGHTS = (50, 35, 15)


def parse_skew(text: str) -> tuple[float, float]:
    """``"0.8/0.2"`` -> (0.8, 0.2): the hot and cold hosts' CPU demand as a share of capacity (0-1)."""
    hot, sep, cold = text.partition("/")
    try:
        if not sep:
            raise ValueError
        pair = (float(hot), float(cold))
    except ValueError:
        raise ValueError(f"a skew is HOT/COLD, two shares of host CPU such as 0.8/0.2, got {text!r}") from None
    for v in pair:
        if not 0 <= v <= 1:
            raise ValueError(f"a skew share is between 0 and 1, got {v:g} in {text!r}")
    return pair


def generate_design(hosts: int, vms: int, seed: int = 0, pattern: str = "mixed",
                    skew: tuple[float, float] | None = None) -> dict[str, Any]:
    """A valid design of ``hosts`` ESX hosts and ``vms`` VMs as plain data (topology-v1).

    ``skew=(hot, cold)``: half the hosts' VMs ask for about ``hot`` of the host's CPU, half for about
    ``cold`` (see the module's docstring).  Deterministic for a given ``seed``.  Raises
    :class:`ValueError` on bad arguments.
    """
    if skew is not None and (len(skew) != 2 or not all(0 <= v <= 1 for v in skew)):
        raise ValueError(f"skew must be two shares of host CPU between 0 and 1, got {skew!r}")
    if isinstance(hosts, bool) or not isinstance(hosts, int) or hosts < 1:
        raise ValueError(f"hosts must be a positive integer, got {hosts!r}")
    if isinstance(vms, bool) or not isinstance(vms, int) or vms < 0:
        raise ValueError(f"vms must be a non-negative integer, got {vms!r}")
    if vms > MAC_LIMIT:
        raise ValueError(f"vms must be at most {MAC_LIMIT} (VMware's manual MAC range), got {vms}")
    if pattern not in ALL_PATTERNS:
        raise ValueError(f"unknown pattern {pattern!r}: expected one of {', '.join(ALL_PATTERNS)}")
    rng = random.Random(seed)
    gen = _Generator(hosts, vms, pattern, rng)
    # its own stream, so a design without skew stays byte-identical to what earlier versions wrote
    gen.skew = skew
    gen.skew_rng = random.Random(f"skew-{seed}")
    return gen.build(seed)


class _Generator:
    def __init__(self, hosts: int, vms: int, pattern: str, rng: random.Random) -> None:
        self.n_hosts = hosts
        self.n_vms = vms
        self.pattern = pattern
        self.rng = rng
        self.n_blocks = -(-hosts // HOSTS_PER_BLOCK)
        self.host_w = _width(hosts, 4)
        self.vm_w = _width(vms, 5)
        self.blk_w = _width(self.n_blocks, 2)
        self.subnets = _Allocator(_SUBNET_POOL, "10.0.0.0/8 subnet")
        self.p2p = _Allocator(_P2P_POOL, "10.255.0.0/16 point-to-point")
        self.switches: dict[str, Any] = {}
        self.hosts: dict[str, Any] = {}
        self.clusters: dict[str, Any] = {}
        self.datastores: dict[str, Any] = {}
        self.vms: dict[str, Any] = {}
        self.links: list[Any] = []
        self.next_vm = 1
        self.skew: tuple[float, float] | None = None
        self.skew_rng = random.Random(0)

    # plan ---------------------------------------------------------------------------------
    def _blocks(self) -> Iterator[_Block]:
        base, extra = divmod(self.n_hosts, self.n_blocks)
        first_host = 0
        for b in range(self.n_blocks):
            size = base + (1 if b < extra else 0)
            numbers = list(range(first_host + 1, first_host + size + 1))
            first_host += size
            # VMs spread evenly over all hosts, in host order
            counts = [(h * self.n_vms) // self.n_hosts - ((h - 1) * self.n_vms) // self.n_hosts for h in numbers]
            pattern = PATTERNS[b % len(PATTERNS)] if self.pattern == "mixed" else self.pattern
            # vPC pairs came with 10 GbE CNAs: those blocks never get the ESX 3.5 generation
            profiles = _PROFILES[1:] if pattern == "mlag" else _PROFILES
            yield _Block(
                index=b + 1,
                pattern=pattern,
                hosts=[f"esx{n:0{self.host_w}d}" for n in numbers],
                host_numbers=numbers,
                vm_counts=counts,
                profile=self.rng.choice(profiles),
                nics=self.rng.choice((2, 4)),
            )

    def build(self, seed: int) -> dict[str, Any]:
        core = [self._core_switch(), self._core_switch()]
        for blk in self._blocks():
            self._block(blk, core)
        # the core pair's own link last, so core ports are numbered by block
        self._routed_link(core[0], "Te2/1", core[1], "Te2/1", "core-1", "core-2")
        name = f"generated-{self.pattern}-{self.n_hosts}h-{self.n_vms}vm-s{seed}"
        return {
            "name": name,
            "description": (
                f"Synthetic design: {self.n_hosts} hosts in {self.n_blocks} block(s) of at most {HOSTS_PER_BLOCK} "
                f"(pattern {self.pattern}), {self.n_vms} VMs, seed {seed}. Made by vinfra generate."
            ),
            "switches": {"core-1": core[0], "core-2": core[1], **self.switches},
            "hosts": self.hosts,
            "clusters": self.clusters,
            "datastores": self.datastores,
            "vms": self.vms,
            "links": self.links,
        }

    # switches ------------------------------------------------------------------------------
    @staticmethod
    def _core_switch() -> dict[str, Any]:
        return {"role": "core", "vlans": [1], "interfaces": {}, "routing": {"protocol": "ospf"}}

    def _routed_link(self, a: dict[str, Any], a_if: str, b: dict[str, Any], b_if: str,
                     a_name: str, b_name: str) -> None:
        net = self.p2p.take(31)
        lo, hi = net[0], net[1]
        b["interfaces"][b_if] = {"mode": "routed", "ip": f"{lo}/31", "speed": 10000, "description": f"to {a_name} {a_if}"}
        a["interfaces"][a_if] = {"mode": "routed", "ip": f"{hi}/31", "speed": 10000, "description": f"to {b_name} {b_if}"}
        self.links.append({"a": f"{a_name}:{a_if}", "b": f"{b_name}:{b_if}", "speed": 10000})

    def _block(self, blk: _Block, core: list[dict[str, Any]]) -> None:
        rng = self.rng
        prefix = f"blk{blk.index:0{self.blk_w}d}"
        first_vlan = VLAN_BASE + ((blk.index - 1) % VLAN_BLOCKS) * VLAN_STRIDE
        blk.vlans = list(range(first_vlan, first_vlan + 2 + VM_VLANS_PER_BLOCK))
        n_vms = sum(blk.vm_counts)
        # VMs take the block's VM VLANs in turn from a random start: counts are known up front
        start = blk.vm_vlan_start = rng.randrange(VM_VLANS_PER_BLOCK)
        per_vlan = [n_vms // VM_VLANS_PER_BLOCK + (1 if (k - start) % VM_VLANS_PER_BLOCK < n_vms % VM_VLANS_PER_BLOCK else 0)
                    for k in range(VM_VLANS_PER_BLOCK)]
        endpoints = [len(blk.hosts), len(blk.hosts), *per_vlan]
        blk.subnets = [self.subnets.take(_subnet_prefix(n)) for n in endpoints]
        allowed = _vlan_text(blk.vlans)

        dist_names = [f"{prefix}-dist-1", f"{prefix}-dist-2"]
        dists = [self._dist_switch(blk, i) for i in (0, 1)]
        for name, sw in zip(dist_names, dists, strict=True):
            self.switches[name] = sw
        dist_ports = [0, 0]

        def dist_downlink(i: int, acc: str, acc_if: str) -> None:
            dist_ports[i] += 1
            port = f"Te1/0/{dist_ports[i]}"
            dists[i]["interfaces"][port] = {"mode": "trunk", "allowed_vlans": allowed, "speed": 10000,
                                            "description": f"to {acc} {acc_if}"}
            self.links.append({"a": f"{acc}:{acc_if}", "b": f"{dist_names[i]}:{port}", "speed": 10000})

        access = self._access_layer(blk, prefix, allowed)
        for acc_name, acc_if, dist_i in access:
            dist_downlink(dist_i, acc_name, acc_if)
        # the distribution pair's own trunk, then routed uplinks to both cores
        for i in (0, 1):
            dists[i]["interfaces"]["Te1/0/48"] = {"mode": "trunk", "allowed_vlans": allowed, "speed": 10000,
                                                  "description": f"to {dist_names[1 - i]} Te1/0/48"}
        self.links.append({"a": f"{dist_names[0]}:Te1/0/48", "b": f"{dist_names[1]}:Te1/0/48", "speed": 10000})
        for i in (0, 1):
            for c in (0, 1):
                core_if = f"Te1/{2 * (blk.index - 1) + i + 1}"
                self._routed_link(dists[i], f"Te1/1/{c + 1}", core[c], core_if, dist_names[i], f"core-{c + 1}")

        self._cluster_and_hosts(blk, prefix, rng)

    def _dist_switch(self, blk: _Block, i: int) -> dict[str, Any]:
        interfaces: dict[str, Any] = {}
        svis: list[str] = []
        for k, (vlan, net) in enumerate(zip(blk.vlans, blk.subnets, strict=True)):
            if k == 1:
                continue  # vMotion stays inside the block at L2: no SVI, no gateway
            svi = f"Vlan{vlan}"
            svis.append(svi)
            fhrp: dict[str, Any] = {"protocol": "hsrp", "group": vlan, "vip": str(net[1]),
                                    "priority": 110 if i == 0 else 100, "preempt": True}
            interfaces[svi] = {"ip": f"{net[2 + i]}/{net.prefixlen}", "arp_timeout_s": ARP_TIMEOUT_S, "fhrp": fhrp}
        return {
            "role": "distribution",
            "stp": {"mode": "rpvst", "priority": 4096 if i == 0 else 8192},
            "vlans": [1, *blk.vlans],
            "interfaces": interfaces,
            "routing": {"protocol": "ospf", "passive_interfaces": svis},
        }

    def _access_layer(self, blk: _Block, prefix: str, allowed: str) -> list[tuple[str, str, int]]:
        """Declare the block's access switches and cable its hosts; return the uplinks to cable
        to the distribution pair as (switch, interface, dist index)."""
        vlans = [1, *blk.vlans]
        per_side = blk.nics // 2  # vmnic0, 2 go to side A (or member 1); vmnic1, 3 to side B
        edge_trunk = {"mode": "trunk", "allowed_vlans": allowed}

        if blk.pattern == "independent":
            names = [f"{prefix}-acc-a", f"{prefix}-acc-b"]
            sws = [{"role": "access", "stp": {"mode": "rpvst"}, "vlans": vlans, "interfaces": {}} for _ in names]
            for j, host in enumerate(blk.hosts):
                for q in range(blk.nics):
                    side, port = q % 2, j * per_side + q // 2 + 1
                    iname = f"Gi1/0/{port}"
                    sws[side]["interfaces"][iname] = {**edge_trunk, "stp": {"edge": True}, "description": f"{host} vmnic{q}"}
                    self.links.append([f"{host}:vmnic{q}", f"{names[side]}:{iname}"])
            uplinks: list[tuple[str, str, int]] = []
            for side, sw in enumerate(sws):
                downstream = list(sw["interfaces"])
                for d in (0, 1):
                    sw["interfaces"][f"Te1/1/{d + 1}"] = {"mode": "trunk", "allowed_vlans": allowed, "speed": 10000,
                                                          "description": f"to {prefix}-dist-{d + 1}"}
                    uplinks.append((names[side], f"Te1/1/{d + 1}", d))
                # the host ports go down with both uplinks, so the hosts' teams fail over
                sw["link_state_tracking"] = [{"group": 1, "upstream": ["Te1/1/1", "Te1/1/2"], "downstream": downstream}]
                self.switches[names[side]] = sw
            return uplinks

        if blk.pattern == "stacked":
            names = [f"{prefix}-stk-1", f"{prefix}-stk-2"]
            stack = f"{prefix}-stk"
            sws = [{"role": "access", "stack": stack, "stp": {"mode": "rpvst"}, "vlans": vlans, "interfaces": {}}
                   for _ in names]
            for j, host in enumerate(blk.hosts):
                po = j + 1
                for q in range(blk.nics):
                    side, port = q % 2, j * per_side + q // 2 + 1
                    iname = f"Gi{side + 1}/0/{port}"
                    sws[side]["interfaces"][iname] = {**edge_trunk, "channel_group": po, "channel_mode": "on",
                                                      "stp": {"edge": True}, "description": f"{host} vmnic{q}"}
                    self.links.append([f"{host}:vmnic{q}", f"{names[side]}:{iname}"])
                # a cross-stack channel is declared once, on member 1
                sws[0]["interfaces"][f"Po{po}"] = {**edge_trunk, "stp": {"edge": True}, "description": f"{host} IP-hash team"}
            uplinks = []
            for side, sw in enumerate(sws):
                iname = f"Te{side + 1}/1/1"
                sw["interfaces"][iname] = {"mode": "trunk", "allowed_vlans": allowed, "speed": 10000,
                                           "description": f"to {prefix}-dist-{side + 1}"}
                uplinks.append((names[side], iname, side))
                self.switches[names[side]] = sw
            return uplinks

        # mlag: an NX-OS vPC pair, one static vPC port-channel per host
        names = [f"{prefix}-acc-a", f"{prefix}-acc-b"]
        sws = [{"role": "access", "platform": "nxos", "mlag": {"peer": names[1 - side], "domain": blk.index},
                "stp": {"mode": "rpvst"}, "vlans": vlans, "interfaces": {}} for side in (0, 1)]
        for j, host in enumerate(blk.hosts):
            po = 100 + j + 1  # Po1 is the peer link
            for q in range(blk.nics):
                side, port = q % 2, j * per_side + q // 2 + 1
                iname = f"Ethernet1/{port}"
                sws[side]["interfaces"][iname] = {**edge_trunk, "channel_group": po, "channel_mode": "on",
                                                  "stp": {"edge": True}, "description": f"{host} vmnic{q}"}
                self.links.append([f"{host}:vmnic{q}", f"{names[side]}:{iname}"])
            for side in (0, 1):
                sws[side]["interfaces"][f"Po{po}"] = {**edge_trunk, "mlag_id": po, "stp": {"edge": True},
                                                      "description": f"{host} vPC"}
        for side, sw in enumerate(sws):
            for p in (3, 4):
                sw["interfaces"][f"Ethernet2/{p}"] = {"mode": "trunk", "allowed_vlans": allowed, "channel_group": 1,
                                                      "channel_mode": "active", "speed": 10000, "description": "vPC peer link"}
            sw["interfaces"]["Po1"] = {"mode": "trunk", "allowed_vlans": allowed, "peer_link": True,
                                       "description": "vPC peer link"}
            sw["interfaces"]["Ethernet2/1"] = {"mode": "trunk", "allowed_vlans": allowed, "speed": 10000,
                                               "description": f"to {prefix}-dist-{side + 1}"}
            self.switches[names[side]] = sw
        for p in (3, 4):
            self.links.append({"a": f"{names[0]}:Ethernet2/{p}", "b": f"{names[1]}:Ethernet2/{p}", "speed": 10000})
        return [(names[0], "Ethernet2/1", 0), (names[1], "Ethernet2/1", 1)]

    # hosts, cluster, storage, VMs --------------------------------------------------------------
    def _cluster_and_hosts(self, blk: _Block, prefix: str, rng: random.Random) -> None:
        prof = blk.profile
        esx = prof.product == "esx"
        mgmt_vlan, vmotion_vlan, *vm_vlans = blk.vlans
        mgmt_net, vmotion_net, *vm_nets = blk.subnets
        mgmt_pg = "Service Console" if esx else "Management Network"
        vmotion_pg = "VMotion" if esx else "vMotion"
        nics = [f"vmnic{q}" for q in range(blk.nics)]
        ip_hash = blk.pattern != "independent"
        cluster = f"{prefix}-cl"
        ds_names = [f"{prefix}-ds-{k}" for k in (1, 2)]
        for ds in ds_names:
            self.datastores[ds] = {"type": "vmfs", "transport": "fc", "capacity_gb": rng.choice((2048, 4096, 8192))}
        memory_gb = rng.choice(prof.memory_gb)
        sizes: list[list[tuple[int, int]]] = []
        if self.skew is not None:
            srng = self.skew_rng
            sizes = [srng.choices(SKEW_SIZES, SKEW_WEIGHTS, k=count) for count in blk.vm_counts]
            # room for every VM's configured memory twice over, in steps of 128 GB
            need = max((2 * sum(gb for _, gb in s) for s in sizes), default=0)
            memory_gb = max(memory_gb, -(-need // 128) * 128)
        mgmt_vip = str(mgmt_net[1])
        cl: dict[str, Any] = {"evc": f"intel-{prof.family}",
                              "drs": {"enabled": True, "automation": "fully", "threshold": 3}}
        if len(blk.hosts) >= 2:
            cl["ha"] = {"enabled": True, "admission_control": {"policy": "host_failures", "value": 1},
                        "isolation_response": "leave_powered_on", "isolation_addresses": [mgmt_vip]}
        self.clusters[cluster] = cl

        if ip_hash:
            # IP hash: every uplink active, no standby, link status only; no per-port-group pinning
            teaming: dict[str, Any] = {"policy": "ip_hash", "active": nics, "detection": "link_status"}
            pinned_mgmt: dict[str, Any] = {}
            pinned_vmotion: dict[str, Any] = {}
        else:
            teaming = {"policy": "port_id", "active": nics, "detection": "link_status"}
            pinned_mgmt = {"teaming": {"active": ["vmnic0"], "standby": ["vmnic1"]}}
            pinned_vmotion = {"teaming": {"active": ["vmnic1"], "standby": ["vmnic0"]}}
        portgroups: dict[str, Any] = {mgmt_pg: {"vlan": mgmt_vlan, **pinned_mgmt},
                                      vmotion_pg: {"vlan": vmotion_vlan, **pinned_vmotion}}
        for vlan in vm_vlans:
            portgroups[f"VM-{vlan}"] = {"vlan": vlan}

        vm_turn = 0  # VMs take the VM VLANs in turn, from the start the block plan chose
        start = blk.vm_vlan_start
        vlan_used = [0] * len(vm_vlans)
        first_vms: list[str] = []
        for j, (host, count) in enumerate(zip(blk.hosts, blk.vm_counts, strict=True)):
            offset = RESERVED + j
            if esx:
                vmkernel = {
                    "vswif0": {"portgroup": mgmt_pg, "ip": f"{mgmt_net[offset]}/{mgmt_net.prefixlen}",
                               "services": ["service_console"], "gateway": mgmt_vip},
                    "vmk0": {"portgroup": vmotion_pg, "ip": f"{vmotion_net[offset]}/{vmotion_net.prefixlen}",
                             "services": ["vmotion"]},
                }
            else:
                vmkernel = {
                    "vmk0": {"portgroup": mgmt_pg, "ip": f"{mgmt_net[offset]}/{mgmt_net.prefixlen}",
                             "services": ["management"], "gateway": mgmt_vip},
                    "vmk1": {"portgroup": vmotion_pg, "ip": f"{vmotion_net[offset]}/{vmotion_net.prefixlen}",
                             "services": ["vmotion"]},
                }
            self.hosts[host] = {
                "cluster": cluster,
                "product": prof.product,
                "version": prof.version,
                "cpu": {"sockets": 2, "cores": prof.cores, "mhz": prof.mhz, "vendor": "intel", "family": prof.family},
                "memory_gb": memory_gb,
                "nics": {nic: {"speed": prof.nic_speed} for nic in nics},
                "vswitches": {"vSwitch0": {"uplinks": nics, "teaming": teaming, "portgroups": portgroups}},
                "vmkernel": vmkernel,
                "datastores": ds_names,
            }
            mhz_per_vcpu = 0.0
            if sizes:
                # hot and cold alternate, so every block (cluster) is half and half
                share = self.skew[0] if j % 2 == 0 else self.skew[1]  # type: ignore[index]
                vcpus_total = sum(c for c, _ in sizes[j])
                mhz_per_vcpu = share * 2 * prof.cores * prof.mhz / vcpus_total if vcpus_total else 0.0
            for v in range(count):
                k = (start + vm_turn) % len(vm_vlans)
                vm_turn += 1
                net = vm_nets[k]
                addr = net[RESERVED + vlan_used[k]]
                vlan_used[k] += 1
                name = self._vm(host, ds_names[vm_turn % 2], vm_vlans[k], net, addr, prof, rng)
                if sizes:
                    self._skew_vm(self.vms[name], sizes[j][v], mhz_per_vcpu)
                if v == 0 and len(first_vms) < 2:
                    first_vms.append(name)
        if len(first_vms) == 2:
            cl["rules"] = [{"name": f"{prefix}-apart", "type": "anti_affinity", "vms": first_vms}]

    def _vm(self, host: str, datastore: str, vlan: int, net: ipaddress.IPv4Network,
            addr: ipaddress.IPv4Address, prof: _Profile, rng: random.Random) -> str:
        n = self.next_vm
        self.next_vm += 1
        name = f"vm{n:0{self.vm_w}d}"
        vcpus = rng.choice((1, 2, 2, 4))
        memory = rng.choice(prof.vm_memory_gb)
        mac = f"00:50:56:{(n >> 16) & 0x3F:02x}:{(n >> 8) & 0xFF:02x}:{n & 0xFF:02x}"
        vm: dict[str, Any] = {
            "host": host,
            "cpu": {"vcpus": vcpus},
            "memory_gb": memory,
            "datastore": datastore,
            "nics": [{"network": f"VM-{vlan}", "mac": mac, "ip": f"{addr}/{net.prefixlen}", "gateway": str(net[1])}],
            "load": {"cpu_mhz": rng.randrange(100, 600 * vcpus + 1, 50), "memory_gb": round(memory * rng.uniform(0.25, 0.9), 1)},
        }
        if rng.random() < 0.1:
            vm["ha"] = {"restart_priority": "high"}
        self.vms[name] = vm
        return name


    def _skew_vm(self, vm: dict[str, Any], size: tuple[int, int], mhz_per_vcpu: float) -> None:
        """Resize a VM for ``skew``: its vCPUs and memory, CPU demand in proportion to its vCPUs (+-20 %)."""
        srng = self.skew_rng
        vcpus, memory = size
        vm["cpu"] = {"vcpus": vcpus}
        vm["memory_gb"] = memory
        vm["load"] = {"cpu_mhz": round(vcpus * mhz_per_vcpu * srng.uniform(0.8, 1.2)),
                      "memory_gb": round(memory * srng.uniform(0.15, 0.35), 1)}


def _vlan_text(vlans: list[int]) -> str:
    """``"100-109"``: a trunk's allowed list, as the shared examples write it."""
    out: list[str] = []
    run_start = prev = vlans[0]
    for v in [*vlans[1:], None]:
        if v is not None and v == prev + 1:
            prev = v
            continue
        out.append(str(run_start) if run_start == prev else f"{run_start}-{prev}")
        if v is not None:
            run_start = prev = v
    return ",".join(out)


# --------------------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------------------

FLOW_WIDTH = 160  # a mapping or list goes on one line (flow style) when it fits in this many columns
FLOW_DEPTH = 3  # ... and nests at most this deep

# Plain scalars that YAML 1.2 (and 1.1 tools) read back as the same string.
_PLAIN_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./ -]*(?::[A-Za-z0-9_./-]+)?$")
# Strings a YAML 1.2 core or YAML 1.1 (PyYAML) resolver reads as numbers or dates: these are quoted.
# An address like 10.0.10.1 is none of them and stays plain, as in the shared examples.
_NUMBERISH_RE = re.compile(
    r"^(?:[-+]?[0-9][0-9_]*"  # decimal, and YAML 1.1 octal 0NNN
    r"|[-+]?0[xX][0-9a-fA-F_]+|[-+]?0o[0-7_]+|[-+]?0b[01_]+"
    r"|[-+]?(?:\.[0-9_]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?"  # floats
    r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?"  # YAML 1.1 sexagesimal
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
    r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ].*)?)$"  # YAML 1.1 timestamps
)
_KEYWORDS = frozenset({"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"})


def _scalar(value: Any, cache: dict[str, str]) -> str:
    if type(value) is str:
        text = cache.get(value)
        if text is None:
            plain = (_PLAIN_RE.match(value) is not None and not value.endswith(" ")
                     and not _NUMBERISH_RE.match(value) and value.lower() not in _KEYWORDS)
            text = value if plain else json.dumps(value, ensure_ascii=False)
            cache[value] = text
        return text
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)
        return text if any(c in text for c in ".en") else text + ".0"
    if isinstance(value, str):
        return _scalar(str(value), cache)
    raise TypeError(f"cannot write {type(value).__name__} to YAML")


def _try_flow(node: Any, budget: int, depth: int, cache: dict[str, str]) -> str | None:
    """``node`` on one line in at most ``budget`` columns and ``depth`` levels, else None.

    Gives up as soon as the budget is spent, so large nodes cost little to reject."""
    if depth <= 0:
        return None
    parts: list[str] = []
    used = 2  # the brackets
    if isinstance(node, dict):
        for key, value in node.items():
            k = _scalar(key, cache)
            if isinstance(value, (dict, list)):
                v = _try_flow(value, budget - used - len(k) - 2, depth - 1, cache) if value else (
                    "{}" if isinstance(value, dict) else "[]")
                if v is None:
                    return None
            else:
                v = _scalar(value, cache)
            used += len(k) + len(v) + (4 if parts else 2)
            if used > budget:
                return None
            parts.append(f"{k}: {v}")
        return "{" + ", ".join(parts) + "}"
    for item in node:
        if isinstance(item, (dict, list)):
            v = _try_flow(item, budget - used, depth - 1, cache) if item else ("{}" if isinstance(item, dict) else "[]")
            if v is None:
                return None
        else:
            v = _scalar(item, cache)
        used += len(v) + (2 if parts else 0)
        if used > budget:
            return None
        parts.append(v)
    return "[" + ", ".join(parts) + "]"


def _as_flow(node: Any, used: int, cache: dict[str, str]) -> str | None:
    """The one-line form of a mapping or list, or None when it belongs in block style.

    A mapping whose values are all mappings or lists is a collection (``nics``, ``portgroups``)
    and stays in block style, as in the shared examples; lists of scalars always flow.
    """
    if not node:
        return "{}" if isinstance(node, dict) else "[]"
    if isinstance(node, list):
        if not any(isinstance(v, (dict, list)) for v in node):
            return "[" + ", ".join(_scalar(v, cache) for v in node) + "]"
    elif all(isinstance(v, (dict, list)) for v in node.values()):
        return None
    return _try_flow(node, FLOW_WIDTH - used, FLOW_DEPTH, cache)


def _block_map(node: dict[str, Any], indent: int, out: list[str], cache: dict[str, str], top: bool = False) -> None:
    pad = " " * indent
    for key, value in node.items():
        k = _scalar(key, cache)
        if not isinstance(value, (dict, list)):
            out.append(f"{pad}{k}: {_scalar(value, cache)}")
            continue
        flow = None if top and value else _as_flow(value, indent + len(k) + 2, cache)
        if flow is not None:
            out.append(f"{pad}{k}: {flow}")
        elif isinstance(value, dict):
            out.append(f"{pad}{k}:")
            _block_map(value, indent + 2, out, cache)
        else:
            out.append(f"{pad}{k}:")
            _block_seq(value, indent + 2, out, cache)


def _block_seq(node: list[Any], indent: int, out: list[str], cache: dict[str, str]) -> None:
    pad = " " * indent
    for item in node:
        if not isinstance(item, (dict, list)):
            out.append(f"{pad}- {_scalar(item, cache)}")
            continue
        flow = _as_flow(item, indent + 2, cache)
        if flow is not None:
            out.append(f"{pad}- {flow}")
        elif isinstance(item, dict):
            sub: list[str] = []
            _block_map(item, indent + 2, sub, cache)
            sub[0] = f"{pad}- {sub[0][indent + 2:]}"
            out.extend(sub)
        else:
            sub = []
            _block_seq(item, indent + 2, sub, cache)
            sub[0] = f"{pad}- {sub[0][indent + 2:]}"
            out.extend(sub)


def _hosts_with_anchors(hosts: dict[str, Any], out: list[str], cache: dict[str, str]) -> None:
    """The ``hosts`` section as the shared examples write it: a cluster's first host carries an
    anchor (``&cluster``) and the others merge it (``<<: *cluster``), writing only what differs."""
    first: dict[str, dict[str, Any]] = {}
    for name, host in hosts.items():
        cluster = host.get("cluster") if isinstance(host, dict) else None
        key = _scalar(name, cache)
        if not isinstance(cluster, str) or not re.fullmatch(r"[A-Za-z0-9_.-]+", cluster):
            _block_map({name: host}, 2, out, cache)
        elif cluster not in first:
            first[cluster] = host
            out.append(f"  {key}: &{cluster}")
            _block_map(host, 4, out, cache)
        else:
            base = first[cluster]
            out.append(f"  {key}:")
            out.append(f"    <<: *{cluster}")
            _block_map({k: v for k, v in host.items() if k not in base or base[k] != v}, 4, out, cache)


def render_design(data: dict[str, Any], fmt: str = "yaml", *, anchors: bool = False) -> bytes:
    """Design data as YAML (block style, flow-style leaves, like the shared examples) or JSON.

    ``anchors=True`` (YAML only) writes each cluster's hosts as one anchor and merge keys, as the
    shared examples do: the same data, in a smaller file that exercises the loader's merge keys."""
    if fmt == "json":
        if anchors:
            raise ValueError("anchors and merge keys are YAML only")
        return orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n"
    if fmt != "yaml":
        raise ValueError(f"unknown format {fmt!r}: expected one of {', '.join(FORMATS)}")
    out: list[str] = []
    cache: dict[str, str] = {}
    if anchors and isinstance(data.get("hosts"), dict) and data["hosts"]:
        keys = list(data)
        at = keys.index("hosts")
        _block_map({k: data[k] for k in keys[:at]}, 0, out, cache, top=True)
        out.append("hosts:")
        _hosts_with_anchors(data["hosts"], out, cache)
        _block_map({k: data[k] for k in keys[at + 1 :]}, 0, out, cache, top=True)
    else:
        _block_map(data, 0, out, cache, top=True)
    return ("\n".join(out) + "\n").encode("utf-8")


def dump_design(data: dict[str, Any], path: str | os.PathLike[str], fmt: str = "yaml", *, anchors: bool = False) -> None:
    """Write design data to ``path`` atomically: a temporary file in the same folder, then a rename,
    so a reader never sees half a design."""
    write_atomic(path, render_design(data, fmt, anchors=anchors))


__all__ = ["ALL_PATTERNS", "FORMATS", "PATTERNS", "dump_design", "generate_design", "parse_skew", "render_design"]
