"""Layer 3 at the edge: gateways, FHRP groups, ARP against MAC aging, clusters across L3
boundaries (P5, P7, M19)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterator

from ...model import InterfaceRef
from .. import fixes
from ..context import CheckContext, Endpoint, Svi, join, plural
from ..engine import rule
from ..finding import Issue
from .cluster import nic_keys


def _names(endpoints: list[Endpoint], limit: int = 5) -> str:
    names = sorted(e.name for e in endpoints)
    return join(names[:limit]) + (f" and {len(names) - limit} more" if len(names) > limit else "")


@rule("VN601", "gateway-missing", "error", ("P5",), tags=("l3",))
def gateway_missing(ctx: CheckContext) -> Iterator[Issue]:
    """A VM's or VMkernel port's gateway is not an address (SVI or FHRP VIP) in its VLAN.

    ## What it checks
    For every VM NIC and VMkernel port that declares a gateway: the gateway lies in the
    endpoint's own subnet, and it is the address or the FHRP virtual IP of a live SVI that is
    in the same layer-2 domain as the VLAN the endpoint's uplinks carry (domains follow the
    inter-switch links that carry the VLAN). Endpoints without a gateway are not judged: they
    only talk inside their subnet. An endpoint without an address, whose VLAN reaches no
    switch while an uplink is cabled to another host, or whose gateway is a VM of its VLAN (a
    router appliance: the design does not say whether it routes) makes the rule report
    *unknown*.

    ## Why it matters
    The endpoint ARPs for its gateway in its own VLAN (P5). If no router answers there —
    wrong address, an SVI in another VLAN, or a VLAN island cut off from the routers —
    everything outside the subnet is unreachable while local traffic works.

    ## Failing example
    ```yaml
    vms: {web01: {nics: [{network: VM-10, ip: 10.0.10.21/24, gateway: 10.0.10.254}]}}
    dist-1: {interfaces: {Vlan10: {ip: 10.0.10.2/24, fhrp: {vip: 10.0.10.1}}}}
    ```

    ## Passing example
    ```yaml
    vms: {web01: {nics: [{network: VM-10, ip: 10.0.10.21/24, gateway: 10.0.10.1}]}}
    ```

    ## Fix
    On the host or VM, point the gateway at the VLAN's FHRP virtual IP or SVI address; on the
    switch, create the SVI (`interface Vlan10`, `ip address ...`, an FHRP group) where the VLAN
    is routed, and carry the VLAN to it.

    ## Rests on
    P5
    """
    groups: dict[tuple[object, ...], list[Endpoint]] = defaultdict(list)
    unknown: list[tuple[Endpoint, str]] = []
    vm_hosts: dict[int, list[Endpoint]] = {}  # VM ports by address: built when a gateway meets no router (rare)

    def vms_at(addr: int) -> list[Endpoint]:
        if not vm_hosts:
            for e in ctx.endpoints:
                if e.kind == "vm" and e.addr is not None:
                    vm_hosts.setdefault(e.addr, []).append(e)
            vm_hosts.setdefault(-1, [])  # built, even when no VM has an address
        return vm_hosts.get(addr, [])

    def judge(nodes: list[tuple[str, int]], gw: int) -> tuple[str, object] | None:
        """What a port whose frames enter at ``nodes`` meets when it ARPs for ``gw``: None (a live SVI or VIP in
        its domain answers), ("routers", the VMs holding the address), or a group key (its VLANs, where the
        gateway is).  It depends on the nodes and the gateway only: ports of identical hosts share it."""
        doms = {ctx.domain(*n) for n in nodes}
        cands = ctx.gateways_by_int.get(gw, [])
        if any(ctx.domain(s.bridge, s.vlan) in doms for s in cands):
            return None
        routers = [v for v in vms_at(gw) if doms & {ctx.domain(*n) for n in ctx.endpoint_nodes(v)}]
        if routers:
            return ("routers", join(sorted(v.name for v in routers)))
        vlans = tuple(sorted({v for _, v in nodes}))
        return ("elsewhere" if cands else "nowhere", (vlans, tuple(sorted({s.ref for s in cands}))))

    list_ids: dict[int, int] = {}
    content_ids: dict[tuple[tuple[str, int], ...], int] = {}
    kept: list[list[tuple[str, int]]] = []
    # (id of a node list, gateway) -> the verdict: the node lists are the context's own (kept alive by it, and by
    # ``kept``), so the 40,000 ports of a design look their verdict up by two ints, no call made
    verdicts: dict[tuple[int, int], tuple[str, object] | None] = {}
    share = ctx.share
    single = ctx.single_team_nodes.get  # :meth:`CheckContext.endpoint_nodes` of single-VLAN teams' ports, read inline
    endpoint_nodes = ctx.endpoint_nodes
    for e in ctx.endpoints:
        gw = e.gw  # None exactly when the port has no gateway
        if gw is None:
            continue
        ip = e.ip
        if ip is None:
            unknown.append((e, f"{e.name} has gateway {e.gateway} but no address, so its subnet is unknown"))
            continue
        assert e.addr is not None
        # the gateway outside the port's subnet (the prefix length as ``ipaddress`` keeps it: no property call)
        if (gw ^ e.addr) >> (32 - ip._prefixlen):
            groups[("outside", e.gateway, ip.network)].append(e)
            continue
        nodes = single(e.team)  # type: ignore[arg-type]
        if nodes is None:
            nodes = endpoint_nodes(e)
        if share:
            got = verdicts.get((id(nodes), gw), False)  # type: ignore[assignment]
            if got is not False:
                if got is None:
                    continue
                kind, detail = got
                if kind != "routers":
                    groups[(kind, e.gateway, *detail)].append(e)  # type: ignore[misc]
                    continue
        if not nodes:
            strays = ctx.strays(e.team) if e.team else []
            if strays:
                unknown.append((e, f"{e.name}'s uplinks reach no switch that carries its VLAN, and "
                                   f"{join(f'{u.vmnic} is cabled to {u.far}' for u in strays)}, not to a switch: "
                                   f"cannot tell whether {e.gateway} is reachable"))
            else:
                groups[("island", e.gateway, e.team and ctx.teams[e.team].switch)].append(e)
            continue
        # the nodes by content as a small int (a port's node list is one object per port group and guest VLAN:
        # turned into a number once, not hashed as a tuple of tuples for every port)
        nid = list_ids.get(id(nodes))
        if nid is None:
            nid = list_ids[id(nodes)] = content_ids.setdefault(tuple(nodes), len(content_ids))
            kept.append(nodes)  # the list stays alive, so its id stays its own
        got = ctx.shared("gateway", (nid, gw), lambda nodes=nodes, gw=gw: judge(nodes, gw))
        if share:
            verdicts[(id(nodes), gw)] = got
        if got is None:
            continue
        kind, detail = got
        if kind == "routers":
            # a VM (a firewall or router appliance) answers ARP for the gateway; whether it routes is not in the design
            unknown.append((e, f"{e.name}'s gateway {e.gateway} is {detail}, a VM in its VLAN: cannot tell whether it "
                               "routes"))
            continue
        vlans, where = detail  # type: ignore[misc]
        groups[(kind, e.gateway, vlans, where)].append(e)
    for key, members in sorted(groups.items(), key=lambda kv: repr(kv[0])):
        kind, gw = key[0], key[1]
        names = _names(members)
        if kind == "outside":
            msg = f"{names}: gateway {gw} is outside the subnet {key[2]}, so it can never be reached (P5)"
            fix = fixes.on_host(names, f"gateway: an address in {key[2]}")
        elif kind == "island":
            msg = (f"{names}: gateway {gw} cannot be reached, because no uplink carries the port group's VLAN to a "
                   "switch (see vlan-not-allowed-on-uplink / uplink-not-cabled)")
            fix = "carry the port group's VLAN on its uplinks' switch ports"
        elif kind == "elsewhere":
            msg = (f"{names} (VLAN {join(key[2])}): gateway {gw} is on {join(key[3])}, which is not in the same layer-2 "
                   f"domain as the endpoints' VLAN: ARP for the gateway gets no answer (P5)")
            fix = f"carry VLAN {join(key[2])} from the endpoints' switches to {join(key[3])}, or use a gateway of this VLAN"
        else:
            msg = (f"{names} (VLAN {join(key[2])}): no live SVI or FHRP group answers {gw} in that VLAN: "
                   "everything outside the subnet is unreachable (P5)")
            fix = fixes.combine(f"on the routing switch of VLAN {key[2][0]}: interface Vlan{key[2][0]}; ip address {gw} "
                                "(or an FHRP group with that virtual IP)",
                                "or " + fixes.on_host(names, "gateway: the VLAN's FHRP virtual IP"))
        yield Issue(tuple(sorted(e.name for e in members)), msg, fix, (*members[0].path, "gateway"))
    for e, why in sorted(unknown, key=lambda x: x[0].name):
        yield Issue((e.name,), why, "", (*e.path, "gateway"), status="unknown")


def _nic_vlans(ctx: CheckContext, host: str, network: str, guest_vlan: int | None) -> tuple[int, ...] | None:
    """The VLANs where a NIC on ``network`` of ``host`` enters the network (() when none, or it is on no port
    group); None when its port is not of a single VLAN (its guest tags)."""
    key = ctx.team_key(host, network)
    if key is None:
        return ()
    if guest_vlan is None and ctx.share:
        pgv = ctx.pg_vlan(ctx.teams[key])
        if pgv.kind not in ("vgt", "trunk"):
            # the port group's own single VLAN (what :meth:`CheckContext.port_vlan` gives an untagged port here):
            # its nodes are the team's cabled uplinks where its carriage enters a VLAN (:meth:`team_nodes`), so
            # its VLANs are those of its carriage, one tuple per distinct port settings (hosts cabled alike share
            # it): worked out once per tuple
            carriage = ctx.team_carriage(key)
            memo: dict[int, tuple[tuple, tuple[int, ...]]] = ctx.cache.setdefault("carriage-vlans", {})  # type: ignore[assignment]
            got = memo.get(id(carriage))
            if got is None:  # the entry holds the tuple, so its id stays its own
                got = memo[id(carriage)] = (carriage, tuple({c[0] for c in carriage if c[0] is not None}))
            return got[1]
    if not ctx.port_vlan(key, guest_vlan).single:  # a guest's own VLAN on VGT or a trunk (V3, V4)
        return None
    return tuple({v for _, v in ctx.port_nodes(key, guest_vlan)})


def _fhrp_key(s: Svi) -> tuple[str, int, str] | None:
    f = s.iface.fhrp
    # an anycast gateway has no group: its holders agree when their virtual IPs do
    return None if f is None else (f.protocol, 0 if f.anycast else f.group, str(f.vip))


@rule("VN602", "fhrp-inconsistent", "error", ("P5",), tags=("l3", "fhrp"))
def fhrp_inconsistent(ctx: CheckContext) -> Iterator[Issue]:
    """Routers in one VLAN disagree on the FHRP group, protocol or virtual IP.

    ## What it checks
    SVIs of one subnet in one layer-2 domain (the routers of one VLAN) must run the same FHRP
    protocol, group number and virtual IP; an SVI without FHRP next to SVIs with it is a
    disagreement too, and the virtual IP must lie in the SVI's subnet.

    ## Why it matters
    Routers that disagree do not form one group: both become active for their own idea of the
    group, two virtual MACs answer, or the virtual IP the hosts use as their gateway answers
    from only one router and fails over nowhere (P5).

    ## Failing example
    ```yaml
    dist-1: {interfaces: {Vlan10: {ip: 10.0.10.2/24, fhrp: {protocol: hsrp, group: 10, vip: 10.0.10.1}}}}
    dist-2: {interfaces: {Vlan10: {ip: 10.0.10.3/24, fhrp: {protocol: hsrp, group: 11, vip: 10.0.10.1}}}}
    ```

    ## Passing example
    ```yaml
    dist-2: {interfaces: {Vlan10: {ip: 10.0.10.3/24, fhrp: {protocol: hsrp, group: 10, vip: 10.0.10.1}}}}
    ```

    ## Fix
    On the switches, configure the same group and virtual IP on every router of the VLAN (IOS
    `standby 10 ip 10.0.10.1`; NX-OS `hsrp 10` + `ip 10.0.10.1`; EOS `vrrp 10 ipv4 10.0.10.1`).

    ## Rests on
    P5
    """
    groups: dict[tuple[object, str], list[Svi]] = defaultdict(list)
    for s in ctx.svis:
        groups[(ctx.domain(s.bridge, s.vlan), str(s.address.network))].append(s)
    for (_, net), svis in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[1][0].ref)):
        with_fhrp = [s for s in svis if s.iface.fhrp is not None]
        if not with_fhrp:
            continue
        problems = []
        configs = sorted({_fhrp_key(s) for s in with_fhrp})  # type: ignore[type-var]
        if len(configs) > 1:
            problems.append("they disagree: " + "; ".join(
                f"{join(s.ref for s in with_fhrp if _fhrp_key(s) == c)} "
                + (f"holds anycast gateway {c[2]}" if c[0] == "anycast" else f"runs {c[0].upper()} group {c[1]} with virtual IP {c[2]}")
                for c in configs if c is not None))
        lacking = [s for s in svis if s.iface.fhrp is None]
        if lacking:
            problems.append(f"{join(s.ref for s in lacking)} run{'s' if len(lacking) == 1 else ''} no FHRP group")
        outside = [s for s in with_fhrp if s.iface.fhrp is not None and s.iface.fhrp.vip not in s.address.network]
        if outside:
            problems.append(f"{join(s.ref for s in outside)} use{'s' if len(outside) == 1 else ''} a virtual IP outside {net}")
        if not problems:
            continue
        ref = with_fhrp[0]
        f = ref.iface.fhrp
        assert f is not None
        msg = f"the routers of {net} ({join(s.ref for s in svis)}): {'; '.join(problems)}: the gateway does not fail over as one group (P5)"
        targets = [s for s in svis if _fhrp_key(s) != _fhrp_key(ref) or s in outside]
        fix = "; then ".join(fixes.on_switch(s.switch, ctx.inv.switches[s.switch].platform,
                                             fixes.fhrp(ctx.inv.switches[s.switch].platform, f.protocol, f.group, str(f.vip)),
                                             s.name) for s in targets) or "give every router of the subnet the same group"
        yield Issue(tuple(s.ref for s in svis), msg, fix, (*(targets or svis)[0].path, "fhrp"))


@rule("VN603", "arp-timeout-exceeds-mac-aging", "warning", ("P5", "M19"), tags=("l3", "fhrp"))
def arp_timeout_exceeds_mac_aging(ctx: CheckContext) -> Iterator[Issue]:
    """An SVI's ARP timeout exceeds the MAC aging time on a VLAN with redundant gateways.

    ## What it checks
    In every layer-2 domain where two or more live routers share an FHRP group (redundant
    gateways), each of those SVIs' ARP timeout must not exceed the MAC aging time of any switch
    of that domain (platform defaults: IOS and EOS ARP 14400 s / MAC 300 s, NX-OS 1500 s /
    1800 s). VLANs with a single router, or routers without FHRP (a transit VLAN), are not
    judged.

    ## Why it matters
    With redundant gateways, return traffic often leaves through the router that seldom
    receives from a host (ECMP, GLBP, the standby router forwarding). Its MAC entry for the
    host ages out while the ARP entry lives on, so it floods every frame to the host as
    unknown unicast across the VLAN: load on every host uplink, which ESX drops (F8, P5, M19).

    ## Failing example
    ```yaml
    dist-1: {platform: ios, interfaces: {Vlan10: {ip: 10.0.10.2/24, fhrp: {vip: 10.0.10.1}}}}  # ARP 14400 s
    dist-2: {platform: ios, interfaces: {Vlan10: {ip: 10.0.10.3/24, fhrp: {vip: 10.0.10.1}}}}  # MAC 300 s
    ```

    ## Passing example
    ```yaml
    dist-1: {interfaces: {Vlan10: {ip: 10.0.10.2/24, arp_timeout_s: 270, fhrp: {vip: 10.0.10.1}}}}
    ```

    ## Fix
    On the SVIs, set the ARP timeout below the MAC aging time (IOS `arp timeout 270`, NX-OS
    `ip arp timeout 270`, EOS `arp aging timeout 270`), or raise MAC aging to the ARP timeout
    on every switch of the VLAN (`mac address-table aging-time 14400`).

    ## Rests on
    P5, M19
    """
    by_group: dict[tuple[object, tuple[str, int, str] | None], list[Svi]] = defaultdict(list)
    for s in ctx.svis:
        if s.alive and s.iface.fhrp is not None:
            by_group[(ctx.domain(s.bridge, s.vlan), _fhrp_key(s))].append(s)
    redundant = {dom for (dom, _), svis in by_group.items() if len({x.switch for x in svis}) >= 2}
    if not redundant:
        return
    # which switches hold each redundant domain: every switch whose VLAN maps into it
    members: dict[object, set[str]] = defaultdict(set)
    wanted = sorted({s.vlan for s in ctx.svis})
    for sname, sw in ctx.inv.switches.items():
        bridge = ctx.snap.bridge_of(sname)
        # the wanted VLANs the switch has, range by range (not every wanted VLAN asked of every switch: a design
        # of many blocks has as many VLANs as switches, and each switch only its block's)
        for lo, hi in sw.vlans.ranges:
            for vlan in wanted[bisect_left(wanted, lo):bisect_right(wanted, hi)]:
                d = ctx.domain(bridge, vlan)
                if d in redundant:
                    members[d].add(sname)
    for (dom, _key), svis in sorted(by_group.items(), key=lambda kv: repr(kv[0][1])):
        if dom not in redundant:
            continue
        agings = sorted((ctx.inv.switches[n].mac_aging, n) for n in members[dom] | {s.switch for s in svis})
        low = agings[0][0]
        routers = join(sorted({s.ref for s in svis}))
        for s in svis:
            sw = ctx.inv.switches[s.switch]
            arp = sw.arp_timeout(s.iface)
            if arp <= low:
                continue
            at = sorted(n for a, n in agings if a == low)
            msg = (f"{s.ref} keeps ARP entries {arp} s, but MAC entries age after {low} s on "
                   f"{join(at) if len(at) <= 4 else plural(len(at), 'switch', 'switches')} while {routers} are redundant "
                   "gateways: return traffic to quiet hosts is flooded as unknown unicast across the VLAN (P5, M19)")
            target = max(low - 30, 1)
            fix = fixes.combine(fixes.on_switch(s.switch, sw.platform, [fixes.arp_timeout(sw.platform, target)], s.name),
                                f"or mac address-table aging-time {arp} on every switch of the VLAN")
            yield Issue((s.ref, *at), msg, fix, (*s.path, "arp_timeout_s"))


@rule("VN604", "cluster-spans-l3-boundary", "warning", ("P7", "P6", "K3"), tags=("l2", "cluster"))
def cluster_spans_l3_boundary(ctx: CheckContext) -> Iterator[Issue]:
    """A cluster's hosts attach to different layer-2 domains for the VLANs its VMs use.

    ## What it checks
    For every cluster with two or more hosts and every VLAN its VMs use (the switch VLAN their
    port groups' frames enter), there must be one layer-2 domain of that VLAN that every host
    of the cluster reaches through one of its cabled uplinks. A host that carries the VLAN
    nowhere, or only into another domain, breaks it. VMs that tag their own VLANs (4095, vDS
    trunks) make the rule report *unknown*: which VLANs they need is not in the design; so
    does a host that carries a VLAN to no switch while its uplinks are cabled to other hosts.

    The VLAN a VM NIC on a 4095 or vDS trunk port group uses is the one its guest tags
    (`guest_vlan`), or, when it sends untagged on 4095, its uplinks' native VLAN (V3); only a
    NIC whose VLAN is still not known counts as tagging its own VLANs above.

    ## Why it matters
    A cluster is a vMotion, DRS and HA domain: a VM keeps its address when it moves (K3), so
    every host must reach the same layer-2 network for every VM VLAN (P6). A cluster spread over
    blocks whose VLANs end at layer 3 cannot move its VMs; stretching the VLANs instead makes a
    larger spanning-tree and failure domain (P7).

    ## Failing example
    ```yaml
    # routed access: VLAN 20 ends at acc-1, VLAN 40 at acc-2; one cluster on both
    hosts: {esx01: {cluster: c1}, esx02: {cluster: c1}}
    ```

    ## Passing example
    ```yaml
    # one cluster per access block (or a stack / MLAG pair that carries every VM VLAN)
    ```

    ## Fix
    Keep each cluster inside one block whose switches carry all its VM VLANs (move hosts
    between clusters), or carry the VLANs to every host of the cluster.

    ## Rests on
    P7, P6, K3
    """
    host_ports: dict[str, list] = defaultdict(list)
    for port, nic in ctx.host_facing:
        host_ports[nic.device].append(port)
    port_profile: dict[str, frozenset[tuple[str, int]]] = {}

    def profile(h: str) -> frozenset[tuple[str, int]]:
        """A host's profile for the domains it meets: each of its switch ports' bridge and VLAN settings."""
        got = port_profile.get(h)
        if got is None:
            # the settings by identity (one object per distinct setting, :meth:`CheckContext.pv`, kept alive by the
            # context): a PortVlans hashes through Python code
            got = port_profile[h] = frozenset((ctx.bridge(p), id(ctx.pv(p))) for p in host_ports[h])
        return got

    strays: list[set[str]] = []

    def stray_hosts() -> set[str]:
        """The hosts with a vmnic cabled to another host (worked out once, and only when some host lacks a VLAN)."""
        if not strays:
            strays.append({h for h, nic in ctx.nic_owner if (far := ctx.snap.cabling.peer(InterfaceRef(h, nic))) is not None
                           and far.device not in ctx.inv.switches})
        return strays[0]

    specs = ctx.inv.vms
    vms_on = ctx.inv.vms_on

    def users(h: str, key: tuple[str, int | None]) -> Iterator[tuple[str, int]]:
        """(VM, NIC index) of the NICs of ``h``'s VMs on port group and guest VLAN ``key`` (for a finding)."""
        for vm in vms_on(h):
            for i, nic in enumerate(specs[vm].nics):
                if (nic.network, nic.guest_vlan) == key:
                    yield vm, i

    share, team_key, pg_vlan, teams, team_carriage = ctx.share, ctx.team_key, ctx.pg_vlan, ctx.teams, ctx.team_carriage
    carriage_vlans: dict[int, tuple[tuple, tuple[int, ...]]] = ctx.cache.setdefault("carriage-vlans", {})  # type: ignore[assignment]
    for cname in sorted(ctx.inv.clusters):
        hosts = sorted(ctx.inv.cluster_hosts(cname))
        if len(hosts) < 2:
            continue
        # each VLAN's users, as (host, port group and guest VLAN): the VM names are only spelled out for a finding
        vlans: dict[int, list[tuple[str, tuple[str, int | None]]]] = defaultdict(list)
        tagging: list[str] = []
        for h in hosts:
            # the port groups and guest VLANs of the host's NICs, in the order met, gathered in C: the VLANs a
            # NIC's frames enter (None: its guest tags them) are one answer per port group of a host and guest
            # VLAN, however many VMs use it
            for key in nic_keys(ctx, h):
                network, guest = key
                got = None
                if guest is None and share:
                    # :func:`_nic_vlans`'s common case inline (20,000 port groups of hosts at 2,500 hosts): an untagged
                    # port of a single-VLAN port group enters the VLANs of its team's carriage
                    tk = team_key(h, network)
                    if tk is None:
                        got = ()
                    elif pg_vlan(teams[tk]).kind not in ("vgt", "trunk"):
                        carriage = team_carriage(tk)
                        known = carriage_vlans.get(id(carriage))
                        got = known[1] if known is not None else _nic_vlans(ctx, h, network, guest)
                    else:
                        got = _nic_vlans(ctx, h, network, guest)
                else:
                    got = _nic_vlans(ctx, h, network, guest)
                if got is None:
                    tagging.extend(vm if i == 0 else f"{vm}:nic{i}" for vm, i in users(h, key))
                    continue
                for v in got:
                    vlans[v].append((h, key))
        broken = []
        beyond: list[tuple[int, list[str]]] = []  # VLANs that only hosts cabled to other hosts lack
        profiles = [(h, profile(h)) for h in hosts] if vlans else []
        firsts: dict[frozenset[tuple[str, int]], str] = {}  # each profile's first host
        for h, prof in profiles:
            firsts.setdefault(prof, h)

        def domains(h: str, v: int) -> set[object]:
            """The domains of VLAN ``v`` that ``h``'s switch ports meet."""
            return {ctx.domain(ctx.bridge(p), v) for p in host_ports[h] if v in ctx.carried(p)}

        for v in sorted(vlans):
            # hosts cabled alike (the same port settings on the same bridges) meet the same domains: asked once per
            # profile (its first host's ports stand for all), then handed to each host
            if share:
                by_prof = {prof: ctx.shared("host-domains", (prof, v), lambda h=h, v=v: domains(h, v))
                           for prof, h in firsts.items()}
                per_host = {h: by_prof[prof] for h, prof in profiles}
            else:
                per_host = {h: ctx.shared("host-domains", (prof, v), lambda h=h, v=v: domains(h, v))
                            for h, prof in profiles}
            common = set.intersection(*per_host.values()) if per_host else set()
            if common:
                continue
            lacking = [h for h, ds in per_host.items() if not ds]
            rest = [ds for ds in per_host.values() if ds]
            if lacking and set(lacking) <= stray_hosts() and (not rest or set.intersection(*rest)):
                beyond.append((v, lacking))
                continue
            doms: dict[object, list[str]] = defaultdict(list)
            missing = [h for h, ds in per_host.items() if not ds]
            for h, ds in per_host.items():
                for d in ds:
                    doms[d].append(h)
            parts = [f"{join(sorted(hs))} via {join(sorted({p.device for h2 in hs for p in host_ports[h2] if v in ctx.carried(p)}))}"
                     for hs in sorted(doms.values())]
            if missing:
                parts.append(f"{join(missing)} not at all")
            broken.append((v, "; ".join(parts), sorted({vm for h, key in vlans[v] for vm, _ in users(h, key)})))
        if broken:
            detail = " | ".join(f"VLAN {v} (used by {join(vms[:3])}{' ...' if len(vms) > 3 else ''}): {where}"
                                for v, where, vms in broken)
            msg = (f"cluster {cname}'s hosts do not share one layer-2 domain for its VM VLANs: {detail}; VMs cannot move "
                   "between these hosts without changing networks (P7, K3)")
            fix = ("keep the cluster inside one block whose switches carry all its VM VLANs (regroup hosts by block), "
                   "or carry the VLANs to every host of the cluster")
            yield Issue((f"cluster {cname}", *hosts, *(f"VLAN {v}" for v, _, _ in broken)), msg, fix, ("clusters", cname))
        for v, lacking in beyond:
            msg = (f"cluster {cname}: {join(lacking)} carr{'ies' if len(lacking) == 1 else 'y'} VLAN {v} to no switch, and "
                   f"{'its' if len(lacking) == 1 else 'their'} uplinks are cabled to other hosts: cannot tell whether "
                   "they share the cluster's layer-2 domain")
            yield Issue((f"cluster {cname}", *lacking, f"VLAN {v}"), msg, "", ("clusters", cname), status="unknown")
        if tagging:
            msg = (f"cluster {cname}: {join(sorted(set(tagging))[:5])} tag their own VLANs (VGT or a vDS trunk), so which "
                   "VLANs the cluster's hosts must share is not in the design")
            yield Issue((f"cluster {cname}", *sorted(set(tagging))), msg, "", ("clusters", cname), status="unknown")
