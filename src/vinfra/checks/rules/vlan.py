"""VLANs across the boundary: port-group tags against trunks, native VLANs, pruned paths and
split layer-2 domains (V6-V8, T8, P3)."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from ipaddress import IPv4Address, IPv4Network

from ...model import InterfaceRef, VlanSet
from ...network.teams import Team
from ...network.topology import LogicalLink, UnionFind
from ...network.vlans import PortVlans
from .. import fixes
from ..context import CheckContext, Endpoint, PgVlan, join, plural, tagged_carried
from ..engine import rule
from ..finding import Issue


def _unused_vlan(ctx: CheckContext, ports: list[InterfaceRef]) -> int:
    """A VLAN ID to park a native VLAN on: unused on the switches involved (CIS/DISA, V7)."""
    used = VlanSet()
    for p in ports:
        used = used | ctx.switch(p).vlans
    for v in (999, *range(3999, 3900, -1), *range(900, 1000)):
        if v not in used:
            return v
    return 4094


def _switch_lines(ctx: CheckContext, ports: list[InterfaceRef], lines_for: Callable[[InterfaceRef], list[str]]) -> str:
    return "; then ".join(fixes.on_switch(p.device, ctx.platform(p), lines_for(p), p.interface) for p in ports)


@rule("VN101", "portgroup-vlan-is-native", "error", ("V6", "V7", "M7"), tags=("vlan",))
def portgroup_vlan_is_native(ctx: CheckContext) -> Iterator[Issue]:
    """A port group's VLAN (1-4094) equals the native VLAN of a trunk its uplinks land on.

    ## What it checks
    For every VLAN-tagged port group (VST, 1-4094, or a vDS private VLAN), no active or
    standby uplink may reach a trunk whose native VLAN is that VLAN (with the native VLAN
    allowed on the trunk). On a guest-tagging port group (4095, or a vDS VLAN trunk), the
    same holds for each VLAN a guest tags (a VM NIC's `guest_vlan`).

    ## Why it matters
    ESX has no native-VLAN concept (V6). The port group sends its frames tagged; the switch
    accepts them into VLAN N, but sends VLAN N back *untagged*, and untagged frames only reach
    VLAN 0 port groups. Nothing comes back: pings fail, or look one-way (M7). Cisco's default
    native VLAN is 1, so a port group tagged 1 on a default trunk is the classic case (V7).

    ## Failing example
    ```yaml
    sw-a: {interfaces: {Gi1/0/1: {mode: trunk, allowed_vlans: "1,10"}}}   # native VLAN 1
    esx01:
      vswitches:
        vSwitch0: {portgroups: {Service Console: {vlan: 1}}}
    ```

    ## Passing example
    ```yaml
    sw-a: {interfaces: {Gi1/0/1: {mode: trunk, allowed_vlans: "1,10", native_vlan: 999}}}
    ```

    ## Fix
    On the switch, move the trunk's native VLAN to an unused VLAN
    (`switchport trunk native vlan 999` on IOS, NX-OS and EOS); or, on the host, set the port
    group to VLAN 0 if it is meant to be untagged (a guest: leave `guest_vlan` out, and its
    untagged interface is in the native VLAN, V3).

    ## Rests on
    V6, V7, M7
    """
    # per carriage (one tuple per distinct (port settings, VLAN), kept alive by ctx): whether a port sends the VLAN
    # back untagged; most do not, and their teams are passed over without building anything
    natives: dict[int, bool] = {}
    for key, team, pgv, cabled, _, carriage in ctx.team_rows:
        if pgv.kind in ("vgt", "trunk"):
            yield from _guests_on_native(ctx, key, team)
            continue
        if pgv.kind not in ("vst", "pvlan"):
            continue
        native = natives.get(id(carriage))
        if native is None:
            native = natives[id(carriage)] = any(c[0] is not None and not c[1] for c in carriage)
        if not native:
            continue
        bad = [u for u, c in zip(cabled, carriage, strict=True) if c[0] is not None and not c[1]]
        if not bad:
            continue
        ports = [u.port for u in bad if u.port is not None]
        obj = f"{team.host}:{team.switch}/{team.portgroup}"
        where = join(f"{u.port} ({u.vmnic})" for u in bad)
        msg = (f"{obj} is tagged VLAN {pgv.vlan}, the native VLAN of {where}: the switch sends VLAN {pgv.vlan} "
               "untagged and the port group only takes tagged frames, so nothing comes back to it (V6, M7)")
        spare = _unused_vlan(ctx, ports)
        fix = fixes.combine(_switch_lines(ctx, ports, lambda p, spare=spare: [fixes.native_vlan(ctx.platform(p), spare)]),
                            "or " + fixes.on_host(obj, "vlan: 0 (if the port group is meant to be untagged)"))
        yield Issue((obj, *map(str, ports)), msg, fix, ctx.team_path(team, "vlan"))


def _guests_on_native(ctx: CheckContext, key: tuple[str, str], team: Team) -> Iterator[Issue]:
    """VN101 for guests that tag a trunk's native VLAN on a VGT or vDS trunk port group (V3, V6)."""
    obj = f"{team.host}:{team.switch}/{team.portgroup}"
    for port_vlan, guests in ctx.guest_vlans(key).items():
        if port_vlan.kind != "vst":
            continue
        bad = [u for u in ctx.cabled(key) if u.port is not None
               and (c := ctx.carriage(port_vlan, u.port)).vlan is not None and not c.inbound]
        if not bad:
            continue
        vlan = port_vlan.vlan
        ports = [u.port for u in bad if u.port is not None]
        names = [e.name for e in guests]
        where = join(f"{u.port} ({u.vmnic})" for u in bad)
        msg = (f"{join(names)} on {obj} tag{'s' if len(names) == 1 else ''} VLAN {vlan}, the native VLAN of {where}: "
               f"the switch sends VLAN {vlan} untagged and a guest's VLAN {vlan} interface only takes frames tagged "
               f"{vlan}, so nothing comes back to it (V3, V6, M7)")
        spare = _unused_vlan(ctx, ports)
        guest_fix = ("leave guest_vlan out (the guest's untagged interface is in the native VLAN, V3)"
                     if ctx.pg_vlan(team).kind == "vgt" else
                     "tag another VLAN of the trunk range (a vDS VLAN trunk drops untagged frames, V4)")
        fix = fixes.combine(_switch_lines(ctx, ports, lambda p, spare=spare: [fixes.native_vlan(ctx.platform(p), spare)]),
                            "or " + fixes.on_host(join(names), guest_fix))
        yield Issue((obj, *names, *map(str, ports)), msg, fix, (*guests[0].path, "guest_vlan"))


@rule("VN102", "untagged-portgroup-on-trunk", "warning", ("V6", "M8"), tags=("vlan",))
def untagged_portgroup_on_trunk(ctx: CheckContext) -> Iterator[Issue]:
    """A VLAN 0 port group's uplinks land on trunk ports.

    ## What it checks
    Every untagged port group (EST: VLAN 0, or a vDS port group without VLAN) whose active or
    standby uplinks reach a trunk port. Untagged port groups on access ports are the intended
    design and are not reported.

    ## Why it matters
    An untagged port group's frames leave untagged; a trunk puts them into its native VLAN, so
    the VMs silently join VLAN N (often 1): the wrong subnet, the wrong DHCP server, and a
    network the trunk's designer did not mean to extend to VMs (V6, M8).

    ## Failing example
    ```yaml
    sw-a: {interfaces: {Gi1/0/1: {mode: trunk, allowed_vlans: "1,10"}}}
    esx01: {vswitches: {vSwitch0: {portgroups: {VM: {vlan: 0}}}}}
    ```

    ## Passing example
    ```yaml
    sw-a: {interfaces: {Gi1/0/1: {mode: access, vlan: 10}}}
    ```

    ## Fix
    On the host, tag the port group with the VLAN it is meant for (`vlan: 10`); or, on the
    switch, make the port an access port of that VLAN (`switchport mode access`,
    `switchport access vlan 10`).

    ## Rests on
    V6, M8
    """
    for _, team, pgv, cabled, _, _ in ctx.team_rows:
        if pgv.kind != "est":
            continue
        trunks = [u for u in cabled if u.port is not None and ctx.pv(u.port).mode == "trunk"]
        if not trunks:
            continue
        obj = f"{team.host}:{team.switch}/{team.portgroup}"
        natives = sorted({ctx.pv(u.port).native_vlan for u in trunks if u.port is not None})
        ports = [u.port for u in trunks if u.port is not None]
        msg = (f"{obj} is untagged (VLAN 0) but its uplinks land on trunk{'s' if len(ports) > 1 else ''} {join(ports)}: "
               f"its VMs silently join the native VLAN {join(natives, 'or')} (V6, M8)")
        fix = fixes.combine(fixes.on_host(obj, "vlan: <the VLAN it is meant for>"),
                            "or " + _switch_lines(ctx, ports, lambda p: ["switchport mode access",
                                                                           f"switchport access vlan {ctx.pv(p).native_vlan}"]))
        yield Issue((obj, *map(str, ports)), msg, fix, ctx.team_path(team, "vlan"))


@rule("VN103", "vlan-not-allowed-on-uplink", "error", ("V8", "T8", "M9", "M10"), tags=("vlan",))
def vlan_not_allowed_on_uplink(ctx: CheckContext) -> Iterator[Issue]:
    """A port group's VLAN is not carried by the switch port of one of its active/standby uplinks.

    ## What it checks
    For every port group and each of its active and standby uplinks, the switch port the
    uplink reaches must take the port group's frames: a tagged VLAN must be allowed on a trunk
    and exist on the switch (an access port drops tagged frames); an untagged port group needs
    an access VLAN or an allowed native VLAN that exists. A guest-tagging (4095) port group
    needs a trunk; a vDS VLAN-trunk port group needs at least one of its VLANs carried tagged.
    An uplink cabled to another host rather than a switch makes the rule report *unknown*.

    Where the ports on a guest-tagging port group say what they send, it is judged by that
    instead: each VLAN a guest tags (a VM NIC's `guest_vlan`) must be carried like a tagged
    port group's, and a guest that sends untagged on 4095 needs the port's untagged VLAN (V3).

    ## Why it matters
    The switch drops the VLAN both ways while the link stays up, so link-status failover does
    nothing (V8). If every uplink lacks it, VMs reach only same-host VMs of that VLAN (M9); if
    some do, only the VMs homed on those uplinks fail, and a vMotion or power cycle seems to
    "fix" them (M10). Every VLAN of a port group must be on every active and standby uplink (T8).

    ## Failing example
    ```yaml
    sw-b: {interfaces: {Gi1/0/1: {mode: trunk, allowed_vlans: "10,20"}}}   # esx01 vmnic1
    esx01: {vswitches: {vSwitch0: {portgroups: {VM-30: {vlan: 30}}}}}
    ```

    ## Passing example
    ```yaml
    sw-b: {vlans: [10, 20, 30], interfaces: {Gi1/0/1: {mode: trunk, allowed_vlans: "10,20,30"}}}
    ```

    ## Fix
    On the switch, allow the VLAN on the trunk (`switchport trunk allowed vlan add 30`, and
    `vlan 30` where the switch lacks it); or, on the host, take that uplink out of the port
    group's active and standby lists.

    ## Rests on
    V8, T8, M9, M10
    """
    # per carriage (one tuple per distinct (port settings, VLAN), kept alive by ctx): whether a port drops the VLAN
    dropping: dict[int, bool] = {}
    for key, team, pgv, ups, stray, carriage in ctx.team_rows:
        if stray:
            yield ctx.cannot_tell(team, ctx.strays(key), f"whether {pgv} is carried beyond", ctx.team_path(team, "vlan"))
        if pgv.single:  # a single-VLAN team is judged by its carriage alone: most drop nothing, passed over at once
            drops = dropping.get(id(carriage))
            if drops is None:
                drops = dropping[id(carriage)] = any(c[0] is None for c in carriage)
            if not drops:
                continue
        bad: list[tuple[str, InterfaceRef, str]] = []
        # a guest-tagging port group is judged by what its ports send, when they say (V3, V4)
        guests = ctx.guest_vlans(key) if pgv.kind in ("vgt", "trunk") else {}
        dropped: dict[InterfaceRef, list[PgVlan]] = defaultdict(list)  # the guests' VLANs each port drops
        if pgv.single:
            for u, carried in zip(ups, carriage, strict=True):
                if carried[0] is None:  # the port drops the port group's frames
                    assert u.port is not None
                    bad.append((u.vmnic, u.port, ctx.carriage(pgv, u.port).reason))
        for u in () if pgv.single else ups:
            assert u.port is not None
            pv = ctx.pv(u.port)
            if guests:
                for want, users in guests.items():
                    c = ctx.carriage(want, u.port)
                    if c.vlan is None:
                        what = "the untagged frames" if want.kind == "est" else f"guest VLAN {want.vlan}"
                        bad.append((u.vmnic, u.port, f"{c.reason}, dropping {what} of {join(e.name for e in users)}"))
                        dropped[u.port].append(want)
            elif pgv.kind == "vgt":
                if pv.mode != "trunk":
                    bad.append((u.vmnic, u.port, f"is an {pv.mode} port: guest-tagged frames are dropped"))
            elif pgv.trunk is not None and not (pgv.trunk & tagged_carried(pv)):
                bad.append((u.vmnic, u.port, f"carries none of VLANs {pgv.trunk} tagged"))
        if not bad:
            continue
        obj = f"{team.host}:{team.switch}/{team.portgroup}"
        every = len(bad) == len(ups)
        parts = [f"{port} ({nic}) {why}" for nic, port, why in bad]
        effect = ("its VMs reach only same-host VMs of that VLAN and failover cannot help (M9)" if every else
                  f"VMs homed on {join(sorted({nic for nic, _, _ in bad}))} lose their network while the links stay up (M10)")
        msg = f"{obj} ({pgv}): {'; '.join(parts)}: {effect}"
        ports = [p for _, p, _ in bad]

        def lines(p: InterfaceRef, pgv: PgVlan = pgv, dropped: dict[InterfaceRef, list[PgVlan]] = dropped) -> list[str]:
            if p in dropped:
                return _guest_lines(ctx, p, dropped[p])
            pv = ctx.pv(p)
            plat = ctx.platform(p)
            vlan = pgv.vlan if pgv.single and pgv.vlan else None
            out: list[str] = []
            if vlan is not None and vlan not in pv.switch_vlans:
                out.append(f"(global) {fixes.create_vlan(plat, vlan)}")
            if pv.mode == "access" and pgv.kind != "est":
                out += fixes.trunk_mode(plat)
                if vlan is not None:
                    out.append(f"switchport trunk allowed vlan {vlan}")
            elif vlan is not None and pv.mode == "trunk" and vlan not in pv.allowed:
                out.append(fixes.allowed_add(plat, vlan))
            elif pgv.kind == "est" and pv.mode == "trunk":
                out.append(fixes.allowed_add(plat, pv.native_vlan))
            elif pgv.kind == "trunk" and pgv.trunk is not None:
                out.append(fixes.allowed_add(plat, pgv.trunk))
            return out or ["carry the port group's VLAN"]

        fix = fixes.combine(_switch_lines(ctx, ports, lines),
                            "or " + fixes.on_host(obj, f"teaming: leave {join(sorted({n for n, _, _ in bad}))} out of "
                                                  "active and standby"))
        yield Issue((obj, *map(str, ports)), msg, fix, ctx.team_path(team, "vlan"))


def _guest_lines(ctx: CheckContext, p: InterfaceRef, wants: list[PgVlan]) -> list[str]:
    """Switch lines that make port ``p`` carry the guests' VLANs it drops (``est``: the untagged VLAN)."""
    pv = ctx.pv(p)
    plat = ctx.platform(p)
    tagged = sorted({w.vlan for w in wants if w.kind != "est" and w.vlan})
    out = [f"(global) {fixes.create_vlan(plat, v)}" for v in tagged if v not in pv.switch_vlans]
    if pv.mode == "access":
        if tagged:
            out += fixes.trunk_mode(plat)
            out.append(f"switchport trunk allowed vlan {VlanSet.of(*tagged, pv.access_vlan)}")
            out.append(fixes.native_vlan(plat, pv.access_vlan))  # the untagged guests stay where they were
    elif pv.mode == "trunk":
        add = [v for v in tagged if v not in pv.allowed]
        if any(w.kind == "est" for w in wants) and pv.native_vlan not in pv.allowed:
            add.append(pv.native_vlan)
        if add:
            out.append(fixes.allowed_add(plat, VlanSet.of(*add)))
    return out or ["carry the guests' VLANs"]


class _BridgeGraph:
    """Bridges joined by logical links, for naming where a VLAN is pruned on a path."""

    def __init__(self, links: list[LogicalLink]) -> None:
        self.adj: dict[str, list[tuple[str, LogicalLink]]] = defaultdict(list)
        for link in links:
            for ba in link.a.bridges:
                for bb in link.b.bridges:
                    if ba != bb:
                        self.adj[ba].append((bb, link))
                        self.adj[bb].append((ba, link))

    def path(self, src: str, dst: str) -> list[LogicalLink] | None:
        if src == dst:
            return []
        prev: dict[str, tuple[str, LogicalLink]] = {}
        seen = {src}
        todo = deque([src])
        while todo:
            cur = todo.popleft()
            for nxt, link in sorted(self.adj.get(cur, ()), key=lambda x: (x[0], x[1].a.name)):
                if nxt in seen:
                    continue
                seen.add(nxt)
                prev[nxt] = (cur, link)
                if nxt == dst:
                    out = []
                    node = dst
                    while node != src:
                        node, link = prev[node]
                        out.append(link)
                    return out[::-1]
                todo.append(nxt)
        return None


def _graph(ctx: CheckContext) -> _BridgeGraph:
    g = ctx.cache.get("bridge-graph")
    if g is None:
        g = ctx.cache["bridge-graph"] = _BridgeGraph(ctx.snap.logical_links)
    return g  # type: ignore[return-value]


def _prune_point(ctx: CheckContext, src: str, dst: str, vlan: int) -> tuple[str, list[InterfaceRef]]:
    """Where VLAN ``vlan`` stops between two bridges, in words, and the ports to fix."""
    path = _graph(ctx).path(src, dst)
    if path is None:
        return f"no link joins {src} and {dst}", []
    for link in path:
        ends = [(link.a, link.b), (link.b, link.a)]
        for here, there in ends:
            if vlan not in here.vlans.carried:
                ports = [m for m in here.members] + [m for m in there.members if vlan not in there.vlans.carried]
                return (f"VLAN {vlan} is not carried on {here.name} (toward {there.name}; "
                        f"{'allowed: ' + str(here.vlans.allowed) if here.vlans.mode == 'trunk' else here.vlans.mode + ' port'})",
                        ports)
    return f"VLAN {vlan} is mapped into another VLAN between {src} and {dst} (native VLAN mismatch?)", []


def _hosts(endpoints: list[Endpoint], limit: int = 4) -> str:
    names = sorted({e.name for e in endpoints})
    shown = join(names[:limit]) + (f" and {len(names) - limit} more" if len(names) > limit else "")
    return shown


@rule("VN104", "vlan-missing-on-path", "error", ("V8",), tags=("vlan", "l2"))
def vlan_missing_on_path(ctx: CheckContext) -> Iterator[Issue]:
    """A VLAN reaches a host-facing port but not the other hosts or the gateway that use it.

    ## What it checks
    Endpoints (VM NICs and VMkernel ports) with an address in the same VLAN and subnet expect
    to share one layer-2 domain: the rule groups them by (VLAN, subnet) and fires when their
    uplinks land in disconnected parts of the VLAN. It also fires when an endpoint's gateway
    is an SVI or FHRP address of that VLAN on a switch the VLAN does not reach from the
    endpoint's switch. The message names the first link on the path that prunes the VLAN.
    Endpoints whose uplinks reach no switch but another host make it report *unknown*.

    ## Why it matters
    A trunk that does not allow the VLAN drops it silently (V8): each access switch keeps its
    own island of the VLAN, hosts on different islands cannot talk, vMotion moves VMs into the
    wrong island, and the gateway answers only on its own side.

    ## Failing example
    ```yaml
    sw-a: {interfaces: {Gi1/0/48: {mode: trunk, allowed_vlans: "10"}}}   # uplink to dist-1
    dist-1: {interfaces: {Vlan20: {ip: 10.0.20.1/24}}}
    vms: {web01: {nics: [{network: VM-20, ip: 10.0.20.21/24, gateway: 10.0.20.1}]}}
    ```

    ## Passing example
    ```yaml
    sw-a: {interfaces: {Gi1/0/48: {mode: trunk, allowed_vlans: "10,20"}}}
    ```

    ## Fix
    On both ends of the link that prunes it, allow the VLAN
    (`switchport trunk allowed vlan add 20`), and create it (`vlan 20`) on switches that lack it.

    ## Rests on
    V8
    """
    # the ports with an address, in blocks: (id of its node list, prefix length, subnet bits, gateway as an int) ->
    # its ports, in the order met.  The ports of a team share one node list (kept alive by the context,
    # :meth:`CheckContext.endpoint_nodes`), so a block is mostly a team's ports of one subnet and gateway: what
    # follows is worked out once per block, and port by port only where a finding names the ports
    blocks: dict[tuple[int, int, int, int | None], list[Endpoint]] = {}
    block_of: dict[tuple[int, int, int, int | None], tuple[list[tuple[str, int]], IPv4Network]] = {}
    beyond: dict[tuple[str, str], list[Endpoint]] = defaultdict(list)  # endpoints reaching no switch but another host
    endpoint_nodes = ctx.endpoint_nodes
    single = ctx.single_team_nodes.get  # :meth:`CheckContext.endpoint_nodes` of single-VLAN teams' ports, read inline
    for e in ctx.endpoints:
        ip = e.ip
        if ip is None:
            continue
        nodes = single(e.team)  # type: ignore[arg-type]
        if nodes is None:
            nodes = endpoint_nodes(e)
        if not nodes:
            if e.team is not None and ctx.strays(e.team):
                beyond[e.team].append(e)  # it reaches no switch but another host
            continue
        # the interface's prefix length as ``ipaddress`` keeps it (its ``network.prefixlen`` is a property call)
        length = ip._prefixlen
        bkey = (id(nodes), length, e.addr >> (32 - length), e.gw)  # type: ignore[operator]
        got = blocks.get(bkey)
        if got is None:
            got = blocks[bkey] = []
            block_of[bkey] = (nodes, ip.network)
        got.append(e)
    # (VLAN, subnet as (length, bits)) -> its blocks, each with its nodes in that VLAN; the subnet object by key.  A
    # node list is split by VLAN once (ports of teams cabled alike share it); the per-VLAN lists are interned by
    # content, so that the per-list work below (domains, union-find, gateway domains) is done once per distinct list
    groups: dict[tuple[int, int, int], list[tuple[tuple[int, int, int, int | None], list[tuple[str, int]]]]] = {}
    nets: dict[tuple[int, int, int], IPv4Network] = {}
    interned: dict[tuple[tuple[str, int], ...], list[tuple[str, int]]] = {}
    by_nodes: dict[int, list[tuple[int, list[tuple[str, int]]]]] = {}
    for bkey, (nodes, net) in block_of.items():
        per = by_nodes.get(id(nodes))
        if per is None:
            per = by_nodes[id(nodes)] = []
            for vlan in sorted({v for _, v in nodes}):
                mine_t = tuple(n for n in nodes if n[1] == vlan)
                mine_l = interned.get(mine_t)
                if mine_l is None:
                    mine_l = interned[mine_t] = list(mine_t)
                per.append((vlan, mine_l))
        for vlan, mine in per:
            key = (vlan, bkey[1], bkey[2])
            got_g = groups.get(key)
            if got_g is None:
                nets[key] = net
                got_g = groups[key] = []
            got_g.append((bkey, mine))
    position: dict[int, int] = {}  # id of a port -> its place in ctx.endpoints, filled for the first finding

    def ports_of(chosen: list[tuple[tuple[int, int, int, int | None], list[tuple[str, int]]]]) -> list[
            tuple[Endpoint, list[tuple[str, int]]]]:
        """The ports of some blocks with their nodes, in the order of ctx.endpoints (as a walk of the ports)."""
        if not position:
            position.update((id(e), i) for i, e in enumerate(ctx.endpoints))
        out = [(e, mine) for bkey, mine in chosen for e in blocks[bkey]]
        out.sort(key=lambda m: position[id(m[0])])
        return out

    for key, endpoints in sorted(beyond.items()):
        team = ctx.teams[key]
        yield ctx.cannot_tell(team, ctx.strays(key), f"which layer-2 island {_hosts(endpoints)} join{'s' if len(endpoints) == 1 else ''}",
                              endpoints[0].path, tuple(sorted(e.name for e in endpoints)))
    for gkey, gblocks in sorted(groups.items(), key=lambda kv: (kv[0][0], str(nets[kv[0]]))):
        vlan, length, bits = gkey
        net = nets[gkey]
        # the distinct node lists, and the blocks by gateway (when the gateway is in the subnet)
        distinct: dict[int, list[tuple[str, int]]] = {}
        by_gw: dict[int, list[tuple[tuple[int, int, int, int | None], list[tuple[str, int]]]]] = defaultdict(list)
        for block in gblocks:
            bkey, nodes = block
            if id(nodes) not in distinct:
                distinct[id(nodes)] = nodes
            gw_int = bkey[3]
            if gw_int is not None and gw_int >> (32 - length) == bits:
                by_gw[gw_int].append(block)
        uf = UnionFind()
        for nodes in distinct.values():
            doms = [ctx.domain(*n) for n in nodes]
            for d in doms[1:]:
                uf.union(doms[0], d)  # one endpoint's own split is uplinks-in-different-l2-domains
        roots = {i: uf.find(ctx.domain(*nodes[0])) for i, nodes in distinct.items()}
        parts: dict[object, list[tuple[Endpoint, list[tuple[str, int]]]]] = defaultdict(list)
        if len(set(roots.values())) > 1:  # the ports by island, only when there is more than one
            for e, nodes in ports_of(gblocks):
                parts[roots[id(nodes)]].append((e, nodes))
        if len(parts) > 1:
            ordered = sorted(parts.values(), key=lambda m: (-len(m), m[0][0].name))
            first, second = ordered[0], ordered[1]
            where, ports = _prune_point(ctx, first[0][1][0][0], second[0][1][0][0], vlan)
            islands = "; ".join(f"{_hosts([e for e, _ in m])} via {join(sorted({b for _, ns in m for b, _ in ns}))}"
                                for m in ordered)
            msg = (f"VLAN {vlan} ({net}) is split into {len(parts)} layer-2 islands: {islands}; {where}: "
                   "endpoints on different islands cannot reach each other (V8)")
            fix = _switch_lines(ctx, ports, lambda p, vlan=vlan: [fixes.allowed_add(ctx.platform(p), vlan)]) if ports else \
                f"join the switches of VLAN {vlan} with a trunk that allows it"
            objs = tuple(sorted({e.name for m in ordered for e, _ in m}))
            yield Issue((f"VLAN {vlan}", *objs), msg, fix, second[0][0].path)

        # gateways: an SVI or VIP of this VLAN that the endpoints' island does not reach (``by_gw`` above)
        for gw_int, users in sorted(by_gw.items(), key=lambda kv: str(IPv4Address(kv[0]))):
            gw = IPv4Address(gw_int)
            svis = [s for s in ctx.gateways_by_int.get(gw_int, []) if s.vlan == vlan]
            if not svis:
                continue  # no such gateway anywhere: gateway-missing
            svi_doms = {ctx.domain(s.bridge, s.vlan) for s in svis}
            meets: dict[int, bool] = {}
            cut_blocks = []
            for block in users:
                nodes = block[1]
                ok = meets.get(id(nodes))
                if ok is None:
                    ok = meets[id(nodes)] = bool(svi_doms & {ctx.domain(*n) for n in nodes})
                if not ok:
                    cut_blocks.append(block)
            if not cut_blocks:
                continue
            cut = ports_of(cut_blocks)
            s = svis[0]
            where, ports = _prune_point(ctx, cut[0][1][0][0], s.bridge, vlan)
            msg = (f"gateway {gw} of VLAN {vlan} lives on {join(sorted({x.ref for x in svis}))}, which VLAN {vlan} does not "
                   f"reach from {_hosts([e for e, _ in cut])}: {where} (V8)")
            fix = _switch_lines(ctx, ports, lambda p, vlan=vlan: [fixes.allowed_add(ctx.platform(p), vlan)]) if ports else \
                f"carry VLAN {vlan} from the hosts' switches to {s.switch}"
            yield Issue((f"VLAN {vlan}", *sorted({e.name for e, _ in cut}), *sorted({x.ref for x in svis})), msg, fix,
                        (*cut[0][0].path, "gateway"))


@rule("VN105", "native-vlan-mismatch", "error", ("V6",), tags=("vlan", "l2"))
def native_vlan_mismatch(ctx: CheckContext) -> Iterator[Issue]:
    """The two ends of an inter-switch link disagree on the untagged (native) VLAN.

    ## What it checks
    For every cable between two switches (a bundled channel counts once), the VLAN each end
    puts untagged frames into — a trunk's native VLAN, an access port's VLAN — must be the
    same on both ends. Routed ports and cables inside one stack are skipped.

    ## Why it matters
    Untagged frames of VLAN A leave one end and land in VLAN B on the other: the two VLANs
    merge into one broadcast domain, spanning tree and CDP complain, and hosts in either VLAN
    see the other's traffic (V6).

    ## Failing example
    ```yaml
    sw-a: {interfaces: {Gi1/0/48: {mode: trunk, native_vlan: 1}}}
    dist-1: {interfaces: {Gi1/0/1: {mode: trunk, native_vlan: 99}}}
    ```

    ## Passing example
    ```yaml
    dist-1: {interfaces: {Gi1/0/1: {mode: trunk, native_vlan: 1}}}
    ```

    ## Fix
    Set the same native VLAN on both ends (`switchport trunk native vlan N` on IOS, NX-OS and
    EOS), ideally an unused one.

    ## Rests on
    V6
    """
    seen: set[tuple[str, str]] = set()
    inv = ctx.inv
    for link in inv.links:
        a, b = link.a, link.b
        if a.device not in inv.switches or b.device not in inv.switches:
            continue
        if ctx.bridge(a) == ctx.bridge(b):
            continue
        pa, pb = ctx.pv(a), ctx.pv(b)
        if "routed" in (pa.mode, pb.mode):
            continue
        ua = pa.access_vlan if pa.mode == "access" else pa.native_vlan
        ub = pb.access_vlan if pb.mode == "access" else pb.native_vlan
        if ua == ub:
            continue
        na = ctx.channel(a).key if ctx.channel(a) and ctx.snap.member_state(a) == "bundled" else str(a)  # type: ignore[union-attr]
        nb = ctx.channel(b).key if ctx.channel(b) and ctx.snap.member_state(b) == "bundled" else str(b)  # type: ignore[union-attr]
        key = tuple(sorted((na, nb)))
        if key in seen:
            continue
        seen.add(key)  # type: ignore[arg-type]

        def words(pv: PortVlans, v: int) -> str:
            return f"native VLAN {v}" if pv.mode == "trunk" else f"access VLAN {v}"

        msg = (f"{na} ({words(pa, ua)}) and {nb} ({words(pb, ub)}) disagree: untagged frames of VLAN {ua} land in "
               f"VLAN {ub} on the other side and the two VLANs merge (V6)")
        _, gb = ctx.governing(b)
        fix = fixes.on_switch(b.device, ctx.platform(b),
                              [fixes.native_vlan(ctx.platform(b), ua) if pb.mode == "trunk" else f"switchport access vlan {ua}"],
                              gb.interface)
        _, ga = ctx.governing(a)
        key_name = "native_vlan" if pa.mode == "trunk" else "vlan"
        yield Issue((na, nb), msg, fix, ctx.iface_path(ga, key_name) if ctx.inv.interface_owner(ga) else ctx.iface_path(a))


@rule("VN106", "uplinks-in-different-l2-domains", "error", ("P3", "T8"), tags=("vlan", "l2", "teaming"))
def uplinks_in_different_l2_domains(ctx: CheckContext) -> Iterator[Issue]:
    """A team's uplinks land in different layer-2 domains for a VLAN they carry.

    ## What it checks
    For every port group with two or more cabled active/standby uplinks, the switch ports
    those uplinks reach must be in one layer-2 domain for the port group's VLAN (for
    guest-tagging and trunk port groups: for every VLAN all the uplinks carry). Domains follow
    the inter-switch links that carry the VLAN, ignoring spanning tree; a stack is one switch.

    ## Why it matters
    Teaming without a channel assumes every uplink reaches the same network (P3, T8): a VM
    homed on one uplink must reach a VM homed on another, and failover moves a VM between
    them. Uplinks into different domains split the port group into islands by uplink.

    ## Failing example
    ```yaml
    # esx01 vmnic0 -> sw-a, vmnic1 -> sw-b; sw-a and sw-b share no link carrying VLAN 10
    sw-a: {interfaces: {Gi1/0/1: {mode: trunk, allowed_vlans: "10"}}}
    sw-b: {interfaces: {Gi1/0/1: {mode: trunk, allowed_vlans: "10"}}}
    ```

    ## Passing example
    ```yaml
    # add an inter-switch trunk that carries VLAN 10
    links: [[sw-a:Gi1/0/48, sw-b:Gi1/0/48]]
    ```

    ## Fix
    Join the switches in that VLAN (an inter-switch trunk, or uplinks to a distribution pair
    that carries it: `switchport trunk allowed vlan add N`); or, on the host, put only uplinks
    of one domain in the port group's team.

    ## Rests on
    P3, T8
    """
    # id of a shared node list (:meth:`CheckContext.team_node_set`, kept alive by the context) -> whether it splits
    one_domain: dict[int, bool] = {}
    single_nodes = ctx.single_team_nodes
    for key, team, pgv, ups, strays, _ in ctx.team_rows:
        # ``strays``: its uplinks cabled to something that is not a switch
        if strays and len(ctx.uplinks[key]) >= 2:
            obj = f"{team.host}:{team.switch}/{team.portgroup}"
            yield Issue((obj, *(str(u.far) for u in strays)),
                        f"{obj}: {join(f'{u.vmnic} is cabled to {u.far}' for u in strays)}, not to a switch: "
                        "cannot tell which layer-2 domain it joins", "", ctx.team_path(team, "vlan"), status="unknown")
        if len(ups) < 2:
            continue
        splits: list[tuple[int, dict[object, list[str]]]] = []
        if pgv.single:
            # whether it splits, from its distinct nodes: once per list, which teams cabled alike share (most do not
            # split: the texts, and the nodes by uplink, are only worked out for a team that does)
            node_set = single_nodes.get(key)
            if node_set is None:
                node_set = ctx.team_node_set(key)
            split = one_domain.get(id(node_set))
            if split is None:
                split = one_domain[id(node_set)] = len({ctx.domain(*node) for node in node_set}) > 1
            if not split:
                continue
            by_dom: dict[object, list[str]] = defaultdict(list)
            nodes = ctx.team_nodes(key)
            doms = [ctx.domain(*node) for _, node in nodes]
            if len(set(doms)) > 1:
                for (u, node), dom in zip(nodes, doms, strict=True):
                    by_dom[dom].append(f"{u.vmnic} -> {u.port} (VLAN {node[1]})")
                splits.append((min(v for _, (_, v) in nodes), by_dom))
        else:
            common: VlanSet | None = None
            for u in ups:
                assert u.port is not None
                carried = tagged_carried(ctx.pv(u.port))
                if pgv.trunk is not None:
                    carried = carried & pgv.trunk
                common = carried if common is None else common & carried
            bridges = [ctx.bridge(u.port) for u in ups if u.port is not None]
            for vlan in common or ():
                doms = [ctx.domain(b, vlan) for b in bridges]
                if len(set(doms)) > 1:
                    by_dom = defaultdict(list)
                    for u, dom in zip(ups, doms, strict=True):
                        by_dom[dom].append(f"{u.vmnic} -> {u.port}")
                    splits.append((vlan, by_dom))
        if not splits:
            continue
        obj = f"{team.host}:{team.switch}/{team.portgroup}"
        vlans = [v for v, _ in splits]
        vlan, by_dom = splits[0]
        islands = "; ".join(join(sorted(v)) for v in sorted(by_dom.values()))
        which = "" if pgv.single else f" of VLAN {join(vlans)}" if len(vlans) < 6 else f" of {plural(len(vlans), 'VLAN')}"
        msg = (f"{obj} ({pgv}): its uplinks land in different layer-2 domains{which} ({islands}): VMs homed on one "
               "uplink cannot reach those homed on another, and failover moves them into another network (P3, T8)")
        switches = sorted({u.port.device for u in ups if u.port is not None})
        fix = fixes.combine(f"carry VLAN {vlan} between {join(switches)} (an inter-switch trunk or common distribution: "
                            f"switchport trunk allowed vlan add {vlan})",
                            "or " + fixes.on_host(obj, "teaming: only uplinks of one layer-2 domain"))
        yield Issue((obj, *(str(u.port) for u in ups)), msg, fix, ctx.team_path(team, "vlan"))
