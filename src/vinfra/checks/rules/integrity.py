"""Addresses that must be unique: IP and MAC (indexed by address, never compared pairwise)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from ipaddress import IPv4Address
from operator import attrgetter
from typing import Generic, TypeVar

from ...model import InterfaceRef, svi_vlan
from ..context import CheckContext, Endpoint, Svi, join
from ..engine import rule
from ..finding import DesignPath, Issue

K = TypeVar("K", int, str)
V = TypeVar("V")


class _Owners(Generic[K, V]):
    """Who holds each address: name -> what a finding points at, for every address (what a dict of dicts by
    address holds), kept as one (name, value) per address until a second name comes (tens of thousands of
    addresses have one holder, and only those with more are read)."""

    def __init__(self) -> None:
        self.first: dict[K, tuple[str, V]] = {}
        self.more: dict[K, dict[str, V]] = {}
        #: the endpoints entered in bulk (:meth:`add_endpoints`), each the first holder of its address: an entry of
        #: ``first`` in all but form, made one only when a second name comes
        self.ports: dict[K, Endpoint] = {}

    def add(self, key: K, name: str, value: V) -> None:
        """``owners[key][name] = value`` (a later value of one name replaces the earlier one in its place)."""
        got = self.first.get(key)
        if got is None:
            port = self.ports.get(key)
            if port is None:
                self.first[key] = (name, value)
                return
            got = (port.name, port)  # type: ignore[assignment]
        held = self.more.get(key)
        if held is None:
            held = self.more[key] = {got[0]: got[1]}
        held[name] = value

    def add_endpoints(self, endpoints: list[Endpoint], field: str, bulk: bool = True) -> None:
        """:meth:`add` of each endpoint under its name and its address ``field`` (``addr``, ``mac``), where that
        is not None, the endpoint itself as the value.  ``bulk`` False: one by one (the slow path the property tests
        compare, :attr:`CheckContext.share`)."""
        get = attrgetter(field)
        if bulk and not self.first and not self.ports:
            # the common case, in C: no two endpoints share an address, so each is its address's first holder (45,000
            # ports at 2,500 hosts).  Built from the last port back, so that a shared address would keep its first
            # holder; whether one is shared shows in the count, and then the ports are entered one by one below
            keys = list(map(get, endpoints))
            ports = dict(zip(reversed(keys), reversed(endpoints), strict=True))
            ports.pop(None, None)  # type: ignore[call-overload]
            if len(ports) == len(keys) - keys.count(None):
                self.ports = ports
                return
        first = self.first
        for e in endpoints:
            key = get(e)
            if key is not None:
                if key in first or key in self.ports:
                    self.add(key, e.name, e)  # type: ignore[arg-type]
                else:
                    first[key] = (e.name, e)  # type: ignore[index,assignment]

    def shared(self) -> list[tuple[K, dict[str, V]]]:
        """The addresses with two or more names, in address order, each with its names and values."""
        return sorted(item for item in self.more.items() if len(item[1]) >= 2)


@rule("VN801", "duplicate-ip", "error", (), tags=("addressing",))
def duplicate_ip(ctx: CheckContext) -> Iterator[Issue]:
    """Two endpoints share an IP address.

    ## What it checks
    Every address of the design — VM NICs, VMkernel and Service Console ports, SVIs, routed
    ports and FHRP virtual IPs — must belong to one endpoint. The routers of one layer-2 domain
    that configure a virtual IP share it by design and count as one endpoint, even when they
    disagree on its group or protocol (that is `fhrp-inconsistent`); the same virtual IP in two
    domains is two owners.  An anycast gateway (`protocol: anycast`) is one endpoint however many
    switches hold it, in any domains: every holder routes for it at once.

    ## Why it matters
    Two owners of one address answer ARP in turn: traffic goes to whichever answered last,
    connections break at random, and failover or vMotion moves the conflict around.

    ## Failing example
    ```yaml
    vms:
      web01: {nics: [{network: VM-10, ip: 10.0.10.21/24}]}
      web02: {nics: [{network: VM-10, ip: 10.0.10.21/24}]}
    ```

    ## Passing example
    ```yaml
      web02: {nics: [{network: VM-10, ip: 10.0.10.22/24}]}
    ```

    ## Fix
    Give one of the endpoints another address.

    ## Rests on
    (the definition of an address: no behaviour rule needed)
    """
    # keyed by the address as an integer (ipaddress objects hash through Python code; the order is the same)
    # a port's entry is the port itself, its design path worked out only for an address held twice (the rare case)
    owners: _Owners[int, DesignPath | Endpoint] = _Owners()
    owners.add_endpoints(ctx.endpoints, "addr", ctx.share)
    # one virtual IP per layer-2 domain is one endpoint, whatever groups or protocols its routers
    # run: routers that disagree there are fhrp-inconsistent's finding, not a second owner
    # an anycast gateway is one endpoint wherever its holders are (every one is active by design), together
    # with the routers of their domains that configure the same virtual IP otherwise
    anycast = {(f.vip, ctx.domain(s.bridge, s.vlan)) for s in ctx.svis if (f := s.iface.fhrp) is not None and f.anycast}
    vip_groups: dict[tuple[object, object], list[Svi]] = defaultdict(list)
    for s in ctx.svis:
        if s.iface.ip is not None:  # an anycast-only SVI has no address of its own
            owners.add(int(s.iface.ip), s.ref, (*s.path, "ip"))
        f = s.iface.fhrp
        if f is not None:
            domain = ctx.domain(s.bridge, s.vlan)
            vip_groups[(f.vip, "anycast" if (f.vip, domain) in anycast else domain)].append(s)
    for (vip, _), svis in vip_groups.items():
        if any(s.iface.fhrp.protocol == "vrrp" and s.iface.ip is not None and s.iface.ip.ip == vip  # type: ignore[union-attr]
               for s in svis):
            continue  # a VRRP address owner uses its own interface address as the virtual IP
        svis = sorted(svis, key=lambda s: s.ref)
        groups = join(sorted({"anycast gateway" if f.anycast else f"{f.protocol.upper()} {f.group}"
                              for s in svis if (f := s.iface.fhrp) is not None}))
        owners.add(int(vip), f"virtual IP {vip} ({groups} on {join(s.ref for s in svis)})", (*svis[0].path, "fhrp", "vip"))
    for sname, sw in ctx.inv.switches.items():
        for iname, iface in sw.interfaces.items():
            if iface.ip is not None and iface.mode == "routed" and svi_vlan(iname) is None:
                owners.add(int(iface.ip), str(InterfaceRef(sname, iname)), ("switches", sname, "interfaces", iname, "ip"))
    for addr, names in owners.shared():
        ordered = sorted(names)
        msg = f"{IPv4Address(addr)} belongs to {len(ordered)} endpoints ({join(ordered)}): ARP answers alternate and traffic goes astray"
        where = names[ordered[-1]]
        yield Issue(tuple(ordered), msg, f"give {join(ordered[1:])} another address",
                    (*where.path, "ip") if isinstance(where, Endpoint) else where)


@rule("VN802", "duplicate-mac", "error", ("F1",), tags=("addressing",))
def duplicate_mac(ctx: CheckContext) -> Iterator[Issue]:
    """Two endpoints share a MAC address.

    ## What it checks
    Every MAC written in the design — VM NICs, VMkernel ports, host NICs, switch interfaces —
    must belong to one endpoint (ports without a MAC get unique synthetic ones). A VMkernel port
    that takes a vmnic of its own host's MAC is the ESXi default for vmk0 (K1) and is allowed.

    ## Why it matters
    The vSwitch keys its forwarding table by (VLAN, MAC) (F1) and the physical switches learn
    one port per MAC: two owners make the MAC flap between ports and hosts, and frames reach
    only one of them.

    ## Failing example
    ```yaml
    web01: {nics: [{network: VM-10, mac: "00:50:56:00:10:21"}]}
    web02: {nics: [{network: VM-10, mac: "00:50:56:00:10:21"}]}
    ```

    ## Passing example
    ```yaml
    web02: {nics: [{network: VM-10, mac: "00:50:56:00:10:22"}]}
    ```

    ## Fix
    Give one of the endpoints another MAC (VMware's manual range is 00:50:56:00:00:00 to
    00:50:56:3f:ff:ff).

    ## Rests on
    F1
    """
    # a port's entry is the port itself, its design path and host worked out only for a MAC held twice
    owners: _Owners[str, tuple[DesignPath, str | None] | Endpoint] = _Owners()
    owners.add_endpoints(ctx.endpoints, "mac", ctx.share)
    for hname, host in ctx.inv.hosts.items():
        for nname, nic in host.nics.items():
            if nic.mac is not None:
                owners.add(nic.mac, f"{hname}:{nname}", (("hosts", hname, "nics", nname, "mac"), hname))
    for sname, sw in ctx.inv.switches.items():
        for iname, iface in sw.interfaces.items():
            if iface.mac is not None:
                owners.add(iface.mac, f"{sname}:{iname}", (("switches", sname, "interfaces", iname, "mac"), None))
    for mac, held in owners.shared():
        names = {n: ((*v.path, "mac"), v.host if v.kind == "vmk" else None) if isinstance(v, Endpoint) else v
                 for n, v in held.items()}
        # K1: a VMkernel port may use a vmnic MAC of its own host
        hosts = {h for h, _ in ((names[n][1], n) for n in names)}
        vmk_and_nics = all(":vmk" in n or ":vswif" in n or ":vmnic" in n for n in names)
        if vmk_and_nics and len(hosts) == 1 and None not in hosts and sum(":vmnic" in n for n in names) <= 1 \
                and sum(":vmnic" not in n for n in names) <= 1:
            continue
        ordered = sorted(names)
        msg = f"MAC {mac} belongs to {len(ordered)} endpoints ({join(ordered)}): switches learn it on one port at a time (F1)"
        yield Issue(tuple(ordered), msg, f"give {join(ordered[1:])} another MAC", names[ordered[-1]][0])
