"""Endpoints: what ``reach`` and ``trace`` talk about, and how names and addresses resolve.

Names (expectations-v1 "Endpoints"): ``web01`` is the VM's first NIC and ``web01:nic1`` its second;
``esx01:vmk0`` / ``esx01:vswif0`` a VMkernel or Service Console port; ``dist-1:Vlan10`` an SVI (any
member of a stack names the stack's SVI) and ``core-1:Te1/1`` a routed port; an IPv4 address is
whatever owns it, and an FHRP virtual IP is one endpoint of its own, answered by the router active
for it.  Ports without a MAC get a synthetic one that is unique and deterministic: VMware's manual
range ``00:50:56:xx`` for VM and VMkernel ports, a locally administered ``02:...`` for router
interfaces, and the protocol's virtual MAC for a VIP (HSRP ``00:00:0c:07:ac:GG``, VRRP
``00:00:5e:00:01:GG``, GLBP ``00:07:b4:00:GG:01``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Interface
from typing import TYPE_CHECKING

from ..model import InterfaceRef, svi_vlan
from .teaming import assign_port_ids

if TYPE_CHECKING:
    from .snapshot import Snapshot


class EndpointError(ValueError):
    """A name or address that resolves to no endpoint."""


@dataclass(frozen=True, slots=True)
class Endpoint:
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

    @property
    def on_host(self) -> bool:
        return self.kind in ("vm", "vmk")

    @property
    def team_key(self) -> tuple[str, str]:
        assert self.network is not None
        return (self.device, self.network)


def synthetic_mac(seed: str, prefix: bytes) -> str:
    digest = hashlib.sha1(seed.encode()).hexdigest()
    text = prefix.hex() + digest[: 12 - 2 * len(prefix)]
    return f"{text[0:2]}:{text[2:4]}:{text[4:6]}:{text[6:8]}:{text[8:10]}:{text[10:12]}"


def vip_mac(protocol: str, group: int) -> str:
    g = group & 0xFF
    if protocol == "vrrp":
        return f"00:00:5e:00:01:{g:02x}"
    if protocol == "glbp":
        return f"00:07:b4:00:{g:02x}:01"
    return f"00:00:0c:07:ac:{g:02x}"


class Endpoints:
    """Every endpoint of a design, with resolution of names and addresses."""

    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap
        inv = snap.inventory
        port_ids = assign_port_ids(inv)
        items: list[Endpoint] = []
        pending: list[tuple[str, dict]] = []  # endpoints still needing a synthetic MAC
        used: set[str] = set()

        def add(mac: str | None, fields: dict) -> None:
            if mac is not None:
                used.add(mac)
                items.append(Endpoint(mac=mac, **fields))
            else:
                pending.append((fields["name"], fields))

        for hname, host in inv.hosts.items():
            for kname, vmk in host.vmkernel.items():
                add(vmk.mac, dict(name=f"{hname}:{kname}", kind="vmk", device=hname, ip=vmk.ip, gateway=vmk.gateway,
                                  network=vmk.portgroup, port_id=port_ids.get((hname, "vmk", kname), 0), interface=kname))
        for vname, vm in inv.vms.items():
            for i, nic in enumerate(vm.nics):
                add(nic.mac, dict(name=vname if i == 0 else f"{vname}:nic{i}", kind="vm", device=vm.host, ip=nic.ip,
                                  gateway=nic.gateway, network=nic.network, port_id=port_ids.get((vname, "nic", i), 0),
                                  vm=vname, nic=i))
        vips: dict[IPv4Address, dict] = {}
        for sname, sw in inv.switches.items():
            for iname, iface in sw.interfaces.items():
                if iface.ip is None:
                    continue
                vlan = svi_vlan(iname)
                kind = "svi" if vlan is not None else "routed"
                add(iface.mac, dict(name=f"{sname}:{iname}", kind=kind, device=sname, ip=iface.ip, interface=iname, vlan=vlan))
                if iface.fhrp is not None and iface.fhrp.vip not in vips:
                    f = iface.fhrp
                    vips[f.vip] = dict(name=str(f.vip), kind="vip", device=sname,
                                       ip=IPv4Interface(f"{f.vip}/{iface.ip.network.prefixlen}"), vlan=vlan)
                    used.add(vip_mac(f.protocol, f.group))
                    items.append(Endpoint(mac=vip_mac(f.protocol, f.group), **vips[f.vip]))
        for seed, fields in sorted(pending, key=lambda p: p[0]):
            prefix = b"\x02" if fields["kind"] in ("svi", "routed") else b"\x00\x50\x56"
            k = 0
            mac = synthetic_mac(seed, prefix)
            while mac in used:
                k += 1
                mac = synthetic_mac(f"{seed}#{k}", prefix)
            used.add(mac)
            items.append(Endpoint(mac=mac, **fields))
        order = {"vm": 0, "vmk": 1, "svi": 2, "routed": 3, "vip": 4}
        self.all: list[Endpoint] = sorted(items, key=lambda e: (order[e.kind], e.name))
        self.by_name: dict[str, Endpoint] = {e.name: e for e in self.all}
        self.by_ip: dict[IPv4Address, list[Endpoint]] = {}
        for e in self.all:
            if e.ip is not None:
                self.by_ip.setdefault(e.ip.ip, []).append(e)

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
            owners = self.by_ip.get(addr)
            if not owners:
                raise EndpointError(f"no endpoint has the address {text}")
            vip = [e for e in owners if e.kind == "vip"]
            return vip[0] if vip else owners[0]
        if text in self.by_name:
            return self.by_name[text]
        if text in inv.vms:
            raise EndpointError(f"VM {text} has no NIC")
        device, sep, rest = text.partition(":")
        if sep:
            if device in inv.vms:
                if rest.startswith("nic") and rest[3:].isdigit():
                    i = int(rest[3:])
                    if i == 0 and inv.vms[device].nics:
                        return self.by_name[device]
                    if f"{device}:nic{i}" in self.by_name:
                        return self.by_name[f"{device}:nic{i}"]
                    raise EndpointError(f"VM {device} has no NIC {i} (it has {len(inv.vms[device].nics)})")
                raise EndpointError(f"'{text}': a VM's NIC is named {device}:nic<N>")
            if device in inv.hosts:
                raise EndpointError(f"host {device} has no VMkernel or Service Console port {rest}")
            if device in inv.switches:
                owner = inv.interface_owner(InterfaceRef(device, rest))
                if owner is not None and f"{owner}:{rest}" in self.by_name:
                    e = self.by_name[f"{owner}:{rest}"]
                    return Endpoint(**{**{k: getattr(e, k) for k in e.__slots__}, "name": text})
                if owner is not None:
                    raise EndpointError(f"{text} has no IP address")
                raise EndpointError(f"switch {device} has no interface {rest}")
        raise EndpointError(f"unknown endpoint '{text}': expected a VM, VM:nicN, host:vmkN, switch:VlanN or an IPv4 address")
