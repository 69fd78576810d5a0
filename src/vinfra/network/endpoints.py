"""Endpoints: what ``reach`` and ``trace`` talk about, and how names and addresses resolve.

Names (expectations-v1 "Endpoints"): ``web01`` is the VM's first NIC and ``web01:nic1`` its second;
``esx01:vmk0`` / ``esx01:vswif0`` a VMkernel or Service Console port; ``dist-1:Vlan10`` an SVI (any
member of a stack names the stack's SVI) and ``core-1:Te1/1`` a routed port; an IPv4 address is
whatever owns it, and an FHRP virtual IP is one endpoint of its own, answered by the router active
for it.  Ports without a MAC get a synthetic one that is unique and deterministic: VMware's manual
range ``00:50:56:xx`` for VM and VMkernel ports, a locally administered ``02:...`` for router
interfaces, and the protocol's virtual MAC for a VIP (HSRP ``00:00:0c:07:ac:GG``, VRRP
``00:00:5e:00:01:GG``, GLBP ``00:07:b4:00:GG:01``, the anycast gateway :data:`ANYCAST_MAC`).  An SVI whose
only address is an anycast gateway's is no endpoint of its own: its VIP is.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from ipaddress import IPv4Address, IPv4Interface
from operator import attrgetter
from typing import TYPE_CHECKING

from ..model import InterfaceRef, svi_vlan
from ..model.ifname import standard_name

if TYPE_CHECKING:
    from ..model.cluster import Vm
    from .snapshot import Snapshot


class EndpointError(ValueError):
    """A name or address that resolves to no endpoint."""


@dataclass(slots=True, unsafe_hash=True, init=False)
class Endpoint:
    """Something a ping starts or ends at: a VM NIC, a VMkernel port, an SVI or routed port, an FHRP address.

    A value: never changed once built, and it compares and hashes by its fields as a frozen dataclass would.  It
    is not declared frozen because a frozen dataclass sets each field through ``object.__setattr__``, several
    times the cost of building one, and a design has a port per VM NIC (as :class:`~vinfra.network.teams.Team`)."""

    name: str  # canonical display name: "web01", "web01:nic1", "esx01:vmk0", "dist-1:Vlan10", "10.0.10.1"
    kind: str  # "vm" | "vmk" | "svi" | "routed" | "vip"
    device: str  # the host, or the switch that declares the interface
    ip: IPv4Interface | None
    mac: str
    gateway: IPv4Address | None = None
    network: str | None = None  # host ports: port group label or "dvs/label"
    port_id: int = 0
    vm: str | None = None
    nic: int | None = None
    interface: str | None = None  # vmk / SVI / routed port name
    vlan: int | None = None  # SVIs and VIPs
    guest_vlan: int | None = None  # VM NICs: the VLAN the guest tags (VGT, V3, V4)

    def __init__(self, name: str, kind: str, device: str, ip: IPv4Interface | None, mac: str,
                 gateway: IPv4Address | None = None, network: str | None = None, port_id: int = 0,
                 vm: str | None = None, nic: int | None = None, interface: str | None = None, vlan: int | None = None,
                 guest_vlan: int | None = None) -> None:
        self.name = name
        self.kind = kind
        self.device = device
        self.ip = ip
        self.mac = mac
        self.gateway = gateway
        self.network = network
        self.port_id = port_id
        self.vm = vm
        self.nic = nic
        self.interface = interface
        self.vlan = vlan
        self.guest_vlan = guest_vlan

    @property
    def on_host(self) -> bool:
        return self.kind in ("vm", "vmk")

    @property
    def team_key(self) -> tuple[str, str]:
        assert self.network is not None
        return (self.device, self.network)

    @property
    def port_key(self) -> tuple[str, str, int | None]:
        """What a host port's VLAN handling depends on: its team, and the VLAN its guest tags."""
        assert self.network is not None
        return (self.device, self.network, self.guest_vlan)


def synthetic_mac(seed: str, prefix: bytes) -> str:
    """``prefix`` then the first bytes of the seed's SHA-1, six bytes in all, as ``xx:xx:xx:xx:xx:xx``."""
    # the bytes written out in C, colons and all (a design has a synthetic MAC per port without one)
    return (prefix + hashlib.sha1(seed.encode()).digest()[:6 - len(prefix)]).hex(":")


#: The anycast gateway's virtual MAC, one for every anycast VIP of a design as EOS's ``ip virtual-router
#: mac-address`` and NX-OS's ``fabric forwarding anycast-gateway-mac`` are one per switch: locally administered.
ANYCAST_MAC = "02:1c:73:00:00:99"


def vip_mac(protocol: str, group: int) -> str:
    g = group & 0xFF
    if protocol == "vrrp":
        return f"00:00:5e:00:01:{g:02x}"
    if protocol == "glbp":
        return f"00:07:b4:00:{g:02x}:01"
    if protocol == "anycast":
        return ANYCAST_MAC
    return f"00:00:0c:07:ac:{g:02x}"


def router_seed(name: str) -> str:
    """The seed of a router interface's synthetic MAC: ``switch:`` and the interface's standard spelling."""
    device, _, iname = name.partition(":")
    return f"{device}:{standard_name(iname)}"


_ORDER = {"vm": 0, "vmk": 1, "svi": 2, "routed": 3, "vip": 4}


def synthetic_macs(inv) -> dict[str, str]:
    """The MAC of every port that declares none: unique, deterministic, in name order (see the module doc)."""
    def build() -> dict[str, str]:
        book = inv.addresses()
        used = set(book["macs"])
        for sname, iname in book["vips"].values():
            f = inv.switches[sname].interfaces[iname].fhrp
            used.add(vip_mac(f.protocol, f.group))
        out: dict[str, str] = {}
        # a router interface's seed is its standard spelling: the MAC does not change with how a design spells it
        pending = [(n, n, False) for n in book["unnamed"]] + [(router_seed(n), n, True) for n in book["unnamed_l3"]]
        for seed, name, router in sorted(pending):
            prefix = b"\x02" if router else b"\x00\x50\x56"
            k = 0
            mac = synthetic_mac(seed, prefix)
            while mac in used:
                k += 1
                mac = synthetic_mac(f"{seed}#{k}", prefix)
            used.add(mac)
            out[name] = mac
        return out

    return inv.derived("network.synthetic_macs", build)


def _kind_order(inv, name: str) -> int:
    device, sep, _ = name.partition(":")
    if device in inv.vms:
        return _ORDER["vm"]
    if sep and device in inv.hosts:
        return _ORDER["vmk"]
    if sep and device in inv.switches:
        return _ORDER["svi"] if svi_vlan(name.partition(":")[2]) is not None else _ORDER["routed"]
    return _ORDER["vip"]


def host_port_ids(inv, hname: str) -> dict[tuple[str, str, int | str], int]:
    """T1 [model]: port IDs per vSwitch (per host proxy switch for a vDS) of one host's ports, numbered from 0
    in this order: the host's VMkernel and Service Console ports as declared, then the NICs of the VMs on the
    host in design order, each VM's NICs in order.  Keys: ``(host, "vmk", name)`` and ``(vm, "nic", index)``."""
    def build() -> dict[tuple[str, str, int | str], int]:
        counters: dict[tuple[str, str], int] = {}
        out: dict[tuple[str, str, int | str], int] = {}
        host = inv.hosts[hname]
        switch_of: dict[str, tuple[str, str] | None] = {}  # network -> its (kind, switch): many ports share one

        def switch(network: str) -> tuple[str, str] | None:
            got = switch_of.get(network, False)
            if got is False:
                pg = inv.portgroup_of(hname, network)
                got = switch_of[network] = (pg[0], pg[1]) if pg is not None else None
            return got  # type: ignore[return-value]

        for kname, vmk in host.vmkernel.items():
            sw = switch(vmk.portgroup)
            if sw is not None:
                out[(hname, "vmk", kname)] = counters.get(sw, 0)
                counters[sw] = counters.get(sw, 0) + 1
        vms = inv.vms
        for vname in inv.vms_on(hname):
            for i, nic in enumerate(vms[vname].nics):
                sw = switch(nic.network)
                if sw is not None:
                    out[(vname, "nic", i)] = counters.get(sw, 0)
                    counters[sw] = counters.get(sw, 0) + 1
        return out

    return inv.derived(f"network.port_ids:{hname}", build)


def vmk_port_id(inv, hname: str, kname: str) -> int:
    """The port ID :func:`host_port_ids` gives VMkernel port ``kname`` of host ``hname``, worked out from the
    host's VMkernel ports alone: they are numbered first, as declared, so the VM NICs after them do not matter
    (asking for one VMkernel port does not number the NICs of every VM on the host)."""
    host = inv.hosts[hname]
    vmk = host.vmkernel[kname]
    pg = inv.portgroup_of(hname, vmk.portgroup)
    if pg is None:
        return 0  # not on a switch: host_port_ids has no entry for it
    mine = (pg[0], pg[1])
    n = 0
    for other_name, other in host.vmkernel.items():
        if other_name == kname:
            return n
        got = inv.portgroup_of(hname, other.portgroup)
        if got is not None and (got[0], got[1]) == mine:
            n += 1
    return n


def _switch(inv, host: str, switches: dict[str, tuple[str, str] | None], network: str) -> tuple[str, str] | None:
    """``network``'s (kind, switch) on ``host`` as :meth:`Inventory.portgroup_of` resolves it, kept in ``switches``
    (the host's standard port groups, filled in beforehand; a ``dvs/label`` or an unknown name is asked for)."""
    got = switches.get(network, False)
    if got is False:
        pg = inv.portgroup_of(host, network)
        got = switches[network] = (pg[0], pg[1]) if pg is not None else None
    return got  # type: ignore[return-value]


class Endpoints:
    """The endpoints of a design, with resolution of names and addresses.  An endpoint is built when it is
    asked for (by name, or by address through :meth:`at`); :attr:`all` builds every one."""

    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap
        self._made: dict[str, Endpoint | None] = {}


    def get(self, name: str) -> Endpoint | None:
        """The endpoint with canonical name ``name``, or None."""
        got = self._made.get(name, False)
        if got is False:
            got = self._made[name] = self._make(name)
        return got  # type: ignore[return-value]

    def _mac(self, name: str, declared: str | None) -> str:
        return declared if declared is not None else synthetic_macs(self.snap.inventory)[name]

    def _make(self, name: str) -> Endpoint | None:
        inv = self.snap.inventory
        vm = inv.vms.get(name)
        if vm is not None:
            return self._vm_nic(name, 0) if vm.nics else None
        device, sep, rest = name.partition(":")
        if sep:
            if device in inv.vms:
                if rest.startswith("nic") and rest[3:].isdigit() and str(int(rest[3:])) == rest[3:]:
                    i = int(rest[3:])
                    return self._vm_nic(device, i) if 0 < i < len(inv.vms[device].nics) else None
                return None
            host = inv.hosts.get(device)
            if host is not None:
                vmk = host.vmkernel.get(rest)
                if vmk is None:
                    return None
                pid = vmk_port_id(inv, device, rest)
                return Endpoint(name, "vmk", device, vmk.ip, self._mac(name, vmk.mac), vmk.gateway,
                              vmk.portgroup, pid, None, None, rest, None, None)
            sw = inv.switches.get(device)
            if sw is not None:
                iface = sw.interfaces.get(rest)
                if iface is None or iface.ip is None:
                    return None
                vlan = svi_vlan(rest)
                return Endpoint(name, "svi" if vlan is not None else "routed", device, iface.ip,
                                self._mac(name, iface.mac), interface=rest, vlan=vlan)
            return None
        try:
            addr = int(IPv4Address(name))
        except ValueError:
            return None
        decl = inv.addresses()["vips"].get(addr)
        if decl is None or str(IPv4Address(addr)) != name:
            return None
        sname, iname = decl
        iface = inv.switches[sname].interfaces[iname]
        f = iface.fhrp
        address = iface.address  # an anycast-only SVI's is the vip's own
        assert f is not None and address is not None
        return Endpoint(name, "vip", sname, IPv4Interface((int(f.vip), address.network.prefixlen)),
                        vip_mac(f.protocol, f.group), vlan=svi_vlan(iname))

    def _vm_nic(self, vname: str, i: int, port_ids: dict | None = None, vm: Vm | None = None) -> Endpoint:
        inv = self.snap.inventory
        if vm is None:
            vm = inv.vms[vname]
        nic = vm.nics[i]
        name = vname if i == 0 else f"{vname}:nic{i}"
        if port_ids is None:
            port_ids = host_port_ids(inv, vm.host) if vm.host in inv.hosts else {}
        pid = port_ids.get((vname, "nic", i), 0)
        return Endpoint(name, "vm", vm.host, nic.ip, self._mac(name, nic.mac), nic.gateway, nic.network, pid,
                        vm=vname, nic=i, guest_vlan=nic.guest_vlan)

    def at(self, ip: IPv4Address, hosts_only: bool = False) -> list[Endpoint]:
        """The endpoints with address ``ip``, in :attr:`all` order (``hosts_only``: VM NICs and VMkernel ports)."""
        book = self.snap.inventory.addresses()
        addr = int(ip)
        names = book["more"].get(addr)
        if names is None:
            one = book["owner"].get(addr)
            names = [one] if one is not None else []
        elif len(names) > 1:
            inv = self.snap.inventory
            names = sorted(names, key=lambda n: (_kind_order(inv, n), n))
        if hosts_only:
            inv = self.snap.inventory
            names = [n for n in names if _kind_order(inv, n) <= _ORDER["vmk"]]
        return [e for e in map(self.get, names) if e is not None]

    # every endpoint ------------------------------------------------------------------------------------------------
    @cached_property
    def all(self) -> list[Endpoint]:
        inv = self.snap.inventory
        items = self._host_ports()
        made, vms, hosts, get = self._made, inv.vms, inv.hosts, self.get
        macs = synthetic_macs(inv)
        for s, sw in inv.switches.items():
            odd = ":" in s or s in vms or s in hosts
            for i, iface in sw.interfaces.items():
                if iface.ip is None:
                    continue
                name = f"{s}:{i}"
                e = made.get(name, False)
                if e is False:
                    if odd or name in vms:
                        e = get(name)  # a VM or host named like the switch or port: the name's own resolution decides
                    else:
                        vlan = svi_vlan(i)
                        mac = iface.mac
                        e = made[name] = Endpoint(
                            name, "svi" if vlan is not None else "routed", s, iface.ip,
                            mac if mac is not None else macs[name], None, None, 0, None, None, i, vlan, None)
                if e is not None:
                    items.append(e)
        names = [str(IPv4Address(vip)) for vip in inv.addresses()["vips"]]
        items += [e for e in map(get, names) if e is not None]
        # by (kind order, name): each kind's ports sorted by name, as one sort on the pair would (stable)
        kinds: list[list[Endpoint]] = [[] for _ in _ORDER]
        for e in items:
            kinds[_ORDER[e.kind]].append(e)
        out: list[Endpoint] = []
        by_name = attrgetter("name")
        for group in kinds:
            group.sort(key=by_name)
            out += group
        return out

    def _host_ports(self) -> list[Endpoint]:
        """The VMkernel ports' endpoints, then every VM NIC's, in design order: the bulk of a design, built
        straight from the model (what :meth:`get` would parse each name for).  Port IDs are numbered in the
        same pass, as :func:`host_port_ids` numbers them (T1): per host and switch, the host's VMkernel ports
        first, then the NICs of the host's VMs in design order."""
        inv = self.snap.inventory
        made, vms, hosts, get = self._made, inv.vms, inv.hosts, self.get
        macs = synthetic_macs(inv)
        items: list[Endpoint] = []
        # per host: its networks' (kind, switch) as :meth:`Inventory.portgroup_of` resolves them (a name without a
        # "/" is a standard port group: the first vSwitch that holds the label), and the next port ID per switch
        of_host: dict[str, tuple[dict[tuple[str, str], int], dict[str, tuple[str, str] | None]]] = {}
        for h, host in hosts.items():
            switches: dict[str, tuple[str, str] | None] = {}
            for vs_name, vs in host.vswitches.items():
                for label in vs.portgroups:
                    if label not in switches and "/" not in label:
                        switches[label] = ("vss", vs_name)
            counters: dict[tuple[str, str], int] = {}
            of_host[h] = (counters, switches)
            odd = ":" in h or h in vms
            for k, vmk in host.vmkernel.items():
                pid = 0
                sw = _switch(inv, h, switches, vmk.portgroup)
                if sw is not None:
                    pid = counters.get(sw, 0)
                    counters[sw] = pid + 1
                name = f"{h}:{k}"
                e = made.get(name, False)
                if e is False:
                    if odd or name in vms:
                        e = get(name)  # a VM named like the port or the host: the name's own resolution decides
                    else:
                        mac = vmk.mac
                        e = made[name] = Endpoint(
                            name, "vmk", h, vmk.ip, mac if mac is not None else macs[name], vmk.gateway,
                            vmk.portgroup, pid, None, None, k, None, None)
                if e is not None:
                    items.append(e)
        for v, vm in vms.items():
            h = vm.host
            state = of_host.get(h)  # None: not on a known host, every port ID 0
            for i, nic in enumerate(vm.nics):
                pid = 0
                network = nic.network
                if state is not None:
                    counters, switches = state
                    sw = switches.get(network, False)
                    if sw is False:
                        sw = _switch(inv, h, switches, network)
                    if sw is not None:
                        pid = counters.get(sw, 0)  # type: ignore[call-overload]
                        counters[sw] = pid + 1  # type: ignore[index]
                name = f"{v}:nic{i}" if i else v
                e = made.get(name, False)
                if e is False:
                    if i and name in vms:
                        e = get(name)  # a VM literally named like another's NIC: the name's own resolution decides
                    else:
                        mac = nic.mac
                        e = made[name] = Endpoint(
                            name, "vm", h, nic.ip, mac if mac is not None else macs[name], nic.gateway, network,
                            pid, v, i, None, None, nic.guest_vlan)
                if e is not None:
                    items.append(e)
        return items

    @cached_property
    def by_name(self) -> dict[str, Endpoint]:
        return {e.name: e for e in self.all}

    @cached_property
    def by_ip(self) -> dict[IPv4Address, list[Endpoint]]:
        out: dict[IPv4Address, list[Endpoint]] = {}
        for e in self.all:
            if e.ip is not None:
                out.setdefault(e.ip.ip, []).append(e)
        return out

    def listed(self) -> list[Endpoint]:
        """The endpoints ``reach`` lists by default: VM NICs, VMkernel ports, SVIs and VIPs."""
        return [e for e in self.all if e.kind != "routed"]

    def resolve(self, text: str) -> Endpoint:
        """An endpoint from a name or an address; :class:`EndpointError` with the reason if none."""
        inv = self.snap.inventory
        text = text.strip()
        try:
            addr = IPv4Address(text)
        except ValueError:
            addr = None
        if addr is not None:
            owners = self.at(addr)
            if not owners:
                raise EndpointError(f"no endpoint has the address {text}")
            vip = [e for e in owners if e.kind == "vip"]
            return vip[0] if vip else owners[0]
        device, sep, rest = text.partition(":")
        if sep and device in inv.switches:
            # a switch interface in any spelling is named as declared (``dist-1:vlan10`` -> ``dist-1:Vlan10``)
            text = str(inv.resolve(InterfaceRef(device, rest))) if rest else text
        got = self.get(text)
        if got is not None:
            return got
        if text in inv.vms:
            raise EndpointError(f"VM {text} has no NIC")
        device, sep, rest = text.partition(":")
        if sep:
            if device in inv.vms:
                if rest.startswith("nic") and rest[3:].isdigit():
                    i = int(rest[3:])
                    if i == 0 and inv.vms[device].nics:
                        return self.get(device)  # type: ignore[return-value]
                    if self.get(f"{device}:nic{i}") is not None:
                        return self.get(f"{device}:nic{i}")  # type: ignore[return-value]
                    raise EndpointError(f"VM {device} has no NIC {i} (it has {len(inv.vms[device].nics)})")
                raise EndpointError(f"'{text}': a VM's NIC is named {device}:nic<N>")
            if device in inv.hosts:
                raise EndpointError(f"host {device} has no VMkernel or Service Console port {rest}")
            if device in inv.switches:
                owner = inv.interface_owner(InterfaceRef(device, rest))
                if owner is not None and self.get(f"{owner}:{rest}") is not None:
                    e = self.get(f"{owner}:{rest}")
                    return Endpoint(**{**{k: getattr(e, k) for k in e.__slots__}, "name": text})
                if owner is not None:
                    f = inv.switches[owner].interfaces[rest].fhrp
                    if f is not None and f.anycast:
                        raise EndpointError(f"{text} has no address of its own: name its anycast gateway {f.vip}")
                    raise EndpointError(f"{text} has no IP address")
                raise EndpointError(f"switch {device} has no interface {rest}")
        raise EndpointError(f"unknown endpoint '{text}': expected a VM, VM:nicN, host:vmkN, switch:VlanN or an IPv4 address")
