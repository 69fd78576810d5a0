"""MTU end to end: VMkernel port, vSwitch, switch ports and the hops between peers (S7, M11)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterator
from ipaddress import IPv4Network

from ...model import InterfaceRef
from ...network.topology import LogicalLink
from .. import fixes
from ..context import CheckContext, Endpoint, join, plural
from ..engine import rule
from ..finding import Issue

#: Every Ethernet port carries 1500-byte frames: only a larger MTU can fail beyond a link the switch
#: model does not see (an uplink cabled to another host).
ETHERNET_MTU = 1500


def _port_mtus(ctx: CheckContext) -> dict[InterfaceRef, int]:
    """The memo of :func:`_port_mtu` (read inline where every host port is asked about)."""
    memo: dict[InterfaceRef, int] | None = ctx.cache.get("port-mtu")  # type: ignore[assignment]
    if memo is None:
        memo = ctx.cache["port-mtu"] = {}
    return memo


def _port_mtu(ctx: CheckContext, ref: InterfaceRef) -> int:
    """A physical port's effective MTU: its port-channel's when it is a bundled member."""
    memo = _port_mtus(ctx)
    got = memo.get(ref)
    if got is None:  # a port is asked about by its vSwitch and by each VMkernel port teamed on it
        gov, _ = ctx.governing(ref)
        got = memo[ref] = gov.mtu
    return got


def _link_mtu(ctx: CheckContext, link: LogicalLink) -> tuple[int, InterfaceRef]:
    """The smallest MTU on either end of a logical link, and the port that has it."""
    ends = [(min((_port_mtu(ctx, m) for m in end.members), default=1500), min(end.members)) for end in (link.a, link.b)
            if end.members]
    return min(ends)


def _pruned_edges(links: list[LogicalLink], terminals: set[str]) -> list[LogicalLink]:
    """The links of the VLAN's graph that can lie between terminals: dangling trees without a
    terminal are pruned away, leaf by leaf."""
    adj: dict[str, set[int]] = defaultdict(set)
    ends: list[tuple[str, str]] = []
    for i, link in enumerate(links):
        a, b = link.a.bridges[0], link.b.bridges[0]
        ends.append((a, b))
        adj[a].add(i)
        adj[b].add(i)
    alive = set(range(len(links)))
    leaves = [n for n, es in adj.items() if len(es) == 1 and n not in terminals]
    while leaves:
        n = leaves.pop()
        for i in list(adj[n]):
            alive.discard(i)
            a, b = ends[i]
            other = b if a == n else a
            adj[other].discard(i)
            if len(adj[other]) == 1 and other not in terminals:
                leaves.append(other)
        adj[n].clear()
    # keep only the components that hold terminals (a VLAN ID may be reused elsewhere)
    reach = set(terminals)
    todo = list(terminals)
    while todo:
        n = todo.pop()
        for i in adj.get(n, ()):
            for m in ends[i]:
                if m not in reach:
                    reach.add(m)
                    todo.append(m)
    return [links[i] for i in sorted(alive) if ends[i][0] in reach]


@rule("VN501", "mtu-mismatch", "error", ("S7", "M11"), tags=("mtu",))
def mtu_mismatch(ctx: CheckContext) -> Iterator[Issue]:
    """A VMkernel port or vSwitch MTU exceeds the MTU of a switch port or hop on its path.

    ## What it checks
    A vSwitch's (or vDS's) MTU against the switch ports its uplinks reach; each VMkernel
    port's MTU against its team's switch ports; against every inter-switch link that can lie
    between it and the other VMkernel ports of its VLAN and subnet (the VLAN's links, minus
    dangling branches that lead to none of them); and, when it has a gateway, against that
    gateway's SVI. A bundled member's MTU is its port-channel's. An uplink cabled to another
    host rather than a switch, under an MTU above 1500, makes the rule report *unknown*.

    ## Why it matters
    Jumbo frames must fit end to end (S7). A switch drops oversized frames silently; vMotion,
    iSCSI, NFS and vSAN send with DF set, so ARP and small pings work while bulk traffic
    stalls: vMotion hangs, datastores crawl or drop out (M11). `vmkping -d -s 8972` shows it.

    ## Failing example
    ```yaml
    vSwitch2: {mtu: 9000}
    vmkernel: {vmk1: {portgroup: iSCSI, mtu: 9000}}
    stor-a: {interfaces: {Gi0/1: {mode: access, vlan: 50}}}      # mtu 1500
    ```

    ## Passing example
    ```yaml
    stor-a: {interfaces: {Gi0/1: {mode: access, vlan: 50, mtu: 9000}}}
    ```

    ## Fix
    Raise the MTU on every switch port and hop of the path (`mtu 9216` on NX-OS/EOS
    interfaces; `system mtu jumbo 9000` on older Catalyst access switches), or lower the
    VMkernel port and vSwitch MTU to what the path carries.

    ## Rests on
    S7, M11
    """
    # 1. vSwitch / vDS MTU against its uplinks' switch ports
    switches: list[tuple[str, str, int, list[str], tuple[str | int, ...]]] = []
    for hname, host in sorted(ctx.inv.hosts.items()):
        for vname, vs in sorted(host.vswitches.items()):
            switches.append((hname, vname, vs.mtu, list(vs.uplinks), ("hosts", hname, "vswitches", vname, "mtu")))
    for dname, dvs in sorted(ctx.inv.dvswitches.items()):
        for hname, mapping in sorted(dvs.hosts.items()):
            if hname in ctx.inv.hosts:
                switches.append((hname, dname, dvs.mtu, sorted(mapping.values()), ("dvswitches", dname, "mtu")))
    nic_peer, on_switches, mtu_of = ctx.nic_peer, ctx.inv.switches, _port_mtus(ctx)
    for hname, vname, mtu, nics, path in switches:
        small = []
        strays = []
        for nic in nics:
            far = nic_peer(hname, nic)
            if far is None:
                continue
            if far.device in on_switches:
                m = mtu_of.get(far)  # :func:`_port_mtu`, its memo read inline (7,600 host ports)
                if m is None:
                    m = _port_mtu(ctx, far)
                if m < mtu:
                    small.append((nic, far, m))
            elif mtu > ETHERNET_MTU:
                strays.append((nic, far))
        if strays:
            obj = f"{hname}:{vname}"
            yield Issue((obj, *(str(f) for _, f in strays)),
                        f"{obj} has MTU {mtu}, but {join(f'{n} is cabled to {f}' for n, f in strays)}, not to a switch: "
                        "cannot tell the MTU beyond", "", path, status="unknown")
        if small:
            obj = f"{hname}:{vname}"
            parts = join(f"{far} ({nic}) has MTU {m}" for nic, far, m in small)
            msg = (f"{obj} has MTU {mtu}, but {parts}: frames above {min(m for _, _, m in small)} bytes are dropped "
                   "silently (S7, M11)")
            fix = fixes.combine("; then ".join(fixes.on_switch(f.device, ctx.platform(f), [fixes.mtu(ctx.platform(f), mtu)],
                                                               ctx.governing(f)[1].interface) for _, f, _ in small),
                                "or " + fixes.on_host(obj, f"mtu: {min(m for _, _, m in small)}"))
            yield Issue((obj, *(str(f) for _, f, _ in small)), msg, fix, path)

    # 2. VMkernel port MTU against its own uplinks' switch ports
    vmks = [e for e in ctx.vmk_endpoints if e.kind == "vmk" and e.mtu is not None and e.team is not None]
    # per cabled list (shared by a host's teams that team alike, kept alive by ctx): its (vmnic, port, port MTU)
    port_mtus: dict[int, list[tuple[str, InterfaceRef, int]]] = {}
    for e in vmks:
        assert e.team is not None and e.mtu is not None
        cabled = ctx.cabled(e.team)
        mtus = port_mtus.get(id(cabled))
        if mtus is None:
            mtus = port_mtus[id(cabled)] = []
            for u in cabled:
                if u.port is not None:
                    m = mtu_of.get(u.port)  # :func:`_port_mtu`, its memo read inline
                    mtus.append((u.vmnic, u.port, m if m is not None else _port_mtu(ctx, u.port)))
        small = [x for x in mtus if x[2] < e.mtu]
        if e.mtu > ETHERNET_MTU and (strays := ctx.strays(e.team)):
            yield ctx.cannot_tell(ctx.teams[e.team], strays, f"whether {e.name}'s MTU {e.mtu} passes beyond",
                                  (*e.path, "mtu"), (e.name,))
        if small:
            msg = (f"{e.name} has MTU {e.mtu}, but {join(f'{p} ({n}) has MTU {m}' for n, p, m in small)}: "
                   f"its frames above {min(m for _, _, m in small)} bytes are dropped (S7, M11)")
            fix = fixes.combine("; then ".join(fixes.on_switch(p.device, ctx.platform(p), [fixes.mtu(ctx.platform(p), e.mtu)],
                                                               ctx.governing(p)[1].interface) for _, p, _ in small),
                                "or " + fixes.on_host(e.name, f"mtu: {min(m for _, _, m in small)}"))
            yield Issue((e.name, *(str(p) for _, p, _ in small)), msg, fix, (*e.path, "mtu"))

    # 3. the hops between VMkernel ports of one VLAN and subnet
    # by (VLAN, subnet as (prefix length, subnet bits)), the subnet itself kept aside: an IPv4Network hashes through
    # Python code
    by_subnet: dict[tuple[int, int, int], list[tuple[Endpoint, list[tuple[str, int]]]]] = {}
    nets: dict[tuple[int, int, int], IPv4Network] = {}
    # a node list split by VLAN once (non-empty lists are shared and kept alive by the context; read-only here)
    split: dict[int, list[tuple[int, list[tuple[str, int]]]]] = {}
    for e in vmks:
        ip = e.ip
        if ip is None:
            continue
        nodes = ctx.endpoint_nodes(e)
        if not nodes:
            continue
        per = split.get(id(nodes))
        if per is None:
            per = split[id(nodes)] = [(vlan, [n for n in nodes if n[1] == vlan])
                                      for vlan in sorted({v for _, v in nodes})]
        length = ip.network.prefixlen
        bits = e.addr >> (32 - length)  # type: ignore[operator]
        for vlan, mine in per:
            key = (vlan, length, bits)
            got = by_subnet.get(key)
            if got is None:
                got = by_subnet[key] = []
                nets[key] = ip.network
            got.append((e, mine))
    groups = {(key[0], nets[key]): members for key, members in by_subnet.items()}
    # the links carrying each VLAN of a group, in the snapshot's order: each link's VLANs (both ends') are read
    # once, range by range, for the VLANs wanted (not every link asked about every VLAN)
    wanted = sorted({vlan for vlan, _ in groups})
    vlan_links: dict[int, list[LogicalLink]] = {v: [] for v in wanted}
    if wanted:
        for lk in ctx.snap.logical_links:
            for lo, hi in (ctx.carried(lk.a.vlans) & ctx.carried(lk.b.vlans)).ranges:
                for vlan in wanted[bisect_left(wanted, lo):bisect_right(wanted, hi)]:
                    vlan_links[vlan].append(lk)
    for (vlan, net), members in sorted(groups.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
        top = max(e.mtu or 1500 for e, _ in members)
        terminals = {b for _, nodes in members for b, _ in nodes}
        if len(terminals) < 2:
            continue
        narrow = []
        for link in _pruned_edges(vlan_links[vlan], terminals):
            m, port = _link_mtu(ctx, link)
            if m < top:
                narrow.append((link, m, port))
        if not narrow:
            continue
        big = sorted(e.name for e, _ in members if (e.mtu or 1500) > min(m for _, m, _ in narrow))
        hops = join(f"{lk.a.name} -- {lk.b.name} (MTU {m})" for lk, m, _ in narrow)
        msg = (f"{join(big) if len(big) <= 6 else plural(len(big), 'VMkernel port')} (MTU up to {top}, VLAN {vlan}, {net}) "
               f"can cross {hops}: frames above {min(m for _, m, _ in narrow)} bytes are dropped between peers (S7, M11)")
        fix = "; then ".join(
            fixes.on_switch(m.device, ctx.platform(m), [fixes.mtu(ctx.platform(m), top)], ctx.governing(m)[1].interface)
            for lk, _, _ in narrow for end in (lk.a, lk.b) for m in end.members if _port_mtu(ctx, m) < top)
        first = next(e for e, _ in members if e.name == big[0]) if big else members[0][0]
        yield Issue((f"VLAN {vlan}", *big, *(f"{lk.a.name}--{lk.b.name}" for lk, _, _ in narrow)), msg, fix, (*first.path, "mtu"))

    # 4. the gateway's SVI for routed VMkernel traffic
    doms_of: dict[int, set[object]] = {}  # by id of a shared node list, as above
    for e in vmks:
        if e.gateway is None or e.mtu is None:
            continue
        svis = ctx.gateways_by_int.get(e.gw, [])  # type: ignore[arg-type]
        if not svis:
            continue
        nodes = ctx.endpoint_nodes(e)
        doms = doms_of.get(id(nodes)) if nodes else set()
        if doms is None:
            doms = doms_of[id(nodes)] = {ctx.domain(*n) for n in nodes}
        for s in svis:
            if ctx.domain(s.bridge, s.vlan) in doms and s.iface.mtu < e.mtu:
                msg = (f"{e.name} has MTU {e.mtu}, but its gateway {e.gateway} is {s.ref} with MTU {s.iface.mtu}: "
                       "routed frames above that size are dropped (S7)")
                fix = fixes.combine(fixes.on_switch(s.switch, ctx.inv.switches[s.switch].platform,
                                                    [fixes.mtu(ctx.inv.switches[s.switch].platform, e.mtu)], s.name),
                                    "or " + fixes.on_host(e.name, f"mtu: {s.iface.mtu}"))
                yield Issue((e.name, s.ref), msg, fix, (*e.path, "mtu"))


@rule("VN502", "vmk-mtu-exceeds-vswitch", "error", ("S7",), tags=("mtu", "vmkernel"))
def vmk_mtu_exceeds_vswitch(ctx: CheckContext) -> Iterator[Issue]:
    """A VMkernel port's MTU is above its vSwitch's MTU.

    ## What it checks
    Every VMkernel port's `mtu` must not exceed the MTU of the standard or distributed switch
    its port group is on. A VMkernel port does not inherit its switch's MTU: both are set.

    ## Why it matters
    The vSwitch is the first hop: it drops what exceeds its own MTU, so a VMkernel port set to
    9000 on a 1500 vSwitch sends jumbo frames that never leave the host (S7).

    ## Failing example
    ```yaml
    vSwitch1: {mtu: 1500, portgroups: {vMotion: {vlan: 20}}}
    vmkernel: {vmk1: {portgroup: vMotion, mtu: 9000}}
    ```

    ## Passing example
    ```yaml
    vSwitch1: {mtu: 9000, portgroups: {vMotion: {vlan: 20}}}
    ```

    ## Fix
    On the host, raise the vSwitch's MTU (`mtu: 9000` on the vSwitch or vDS) together with the
    physical path, or lower the VMkernel port's MTU.

    ## Rests on
    S7
    """
    for e in ctx.vmk_endpoints:
        if e.kind != "vmk" or e.team is None or e.mtu is None:
            continue
        team = ctx.teams[e.team]
        if e.mtu <= team.mtu:
            continue
        msg = (f"{e.name} has MTU {e.mtu}, above its switch {team.switch}'s MTU {team.mtu}: frames above {team.mtu} "
               "bytes never leave the host (S7)")
        fix = fixes.combine(fixes.on_host(f"{team.host} {team.switch}", f"mtu: {e.mtu}"),
                            "or " + fixes.on_host(e.name, f"mtu: {team.mtu}"))
        yield Issue((e.name, f"{team.host}:{team.switch}"), msg, fix, (*e.path, "mtu"))
