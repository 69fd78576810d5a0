"""Failure detection and redundancy: beacon probing, link-state tracking, single points of
failure, management uplinks, uncabled uplinks, switch notification (T12-T15, P3, P4, K4)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator

from ...model import InterfaceRef
from ...network.teams import Team
from ...network.tracking import tracked_down
from .. import fixes
from ..context import MGMT_SERVICES, CheckContext, Uplink, join, plural
from ..engine import rule
from ..finding import Issue


@rule("VN301", "beacon-with-two-uplinks", "warning", ("T14", "M12"), tags=("teaming", "failover"))
def beacon_with_two_uplinks(ctx: CheckContext) -> Iterator[Issue]:
    """Beacon probing with fewer than three uplinks.

    ## What it checks
    Every port group whose failure detection is beacon probing must have at least three active
    or standby uplinks.

    ## Why it matters
    Beacons tell which uplink is cut only by majority (T14). With two uplinks and one broken
    path neither hears the other, the host cannot tell which one is bad and sends every frame
    on both ("shotgun mode"): duplicate frames and MAC flaps upstream (M12). With one uplink
    beacons detect nothing at all.

    ## Failing example
    ```yaml
    vSwitch0: {uplinks: [vmnic0, vmnic1], teaming: {detection: beacon}}
    ```

    ## Passing example
    ```yaml
    vSwitch0: {uplinks: [vmnic0, vmnic1, vmnic2], teaming: {detection: beacon}}
    ```

    ## Fix
    On the host, go back to link status (`teaming.detection: link_status`) and configure
    link-state tracking on the access switches (T15); or add a third uplink to another switch.

    ## Rests on
    T14, M12
    """
    teams = [t for t in ctx.teams.values() if t.detection == "beacon" and len(t.team) < 3]
    for group in ctx.group(teams, lambda t: t.team):
        objs, path = ctx.describe_teams(group)
        team = group[0].team
        msg = (f"{join(objs)} uses beacon probing with {plural(len(team), 'uplink')} ({join(team) or 'none'}): when a "
               "path breaks the host cannot tell which uplink is bad and sends on all of them (shotgun mode: duplicate "
               "frames, MAC flaps, M12)")
        fix = fixes.on_host(join(objs), "teaming.detection: link_status (with link-state tracking on the switches), "
                            "or a third uplink to another switch")
        yield Issue(objs, msg, fix, (*path, "detection"))


@rule("VN302", "beacon-with-ip-hash", "error", ("T14", "M13"), tags=("teaming", "failover"))
def beacon_with_ip_hash(ctx: CheckContext) -> Iterator[Issue]:
    """Beacon probing on an IP-hash team (or a vDS LAG).

    ## What it checks
    No port group may combine beacon probing with IP-hash teaming or a LAG.

    ## Why it matters
    A beacon sent into a port-channel never comes back on another member of the same
    channel: a switch never floods a frame back into the channel it arrived on. Every member
    misses the others' beacons, is marked failed, and the team flaps or goes to shotgun mode
    (T14, M13).

    ## Failing example
    ```yaml
    vSwitch0: {teaming: {policy: ip_hash, detection: beacon}}
    ```

    ## Passing example
    ```yaml
    vSwitch0: {teaming: {policy: ip_hash, detection: link_status}}
    ```

    ## Fix
    On the host, set `teaming.detection: link_status` for IP-hash and LAG port groups (T3).

    ## Rests on
    T14, M13
    """
    teams = [t for t in ctx.teams.values() if t.detection == "beacon" and t.policy in ("ip_hash", "lag")]
    for group in ctx.group(teams, lambda t: t.policy):
        objs, path = ctx.describe_teams(group)
        msg = (f"{join(objs)} combines beacon probing with {'IP hash' if group[0].policy == 'ip_hash' else 'a LAG'}: "
               "beacons never return through the channel, so its members are marked failed and flap (M13)")
        yield Issue(objs, msg, fixes.on_host(join(objs), "teaming.detection: link_status"), (*path, "detection"))


def _upstream(ctx: CheckContext) -> dict[str, list[InterfaceRef]]:
    """Each switch unit's cabled links to switches outside it (its uplinks, ISLs), sorted: its members' declared
    interfaces whose cable (:meth:`Cabling.peer`) reaches a switch of another unit.  Found from the cables between
    two switches, once for every unit (not by asking about each of a unit's interfaces, mostly host ports)."""
    switches = ctx.inv.switches
    peer = ctx.snap.cabling.peer
    found: dict[str, set[InterfaceRef]] = defaultdict(set)
    for link in ctx.inv.links:
        if link.a.device not in switches or link.b.device not in switches:
            continue
        for ref in (link.a, link.b):
            far = peer(ref)  # the cabling's answer for the interface (a port on two cables: the one it keeps)
            if far is None or far.device not in switches or ref.interface not in switches[ref.device].interfaces:
                continue
            unit = ctx.unit(ref.device)
            if ctx.unit(far.device) != unit:
                found[unit].add(ref)
    return {unit: sorted(refs) for unit, refs in found.items()}


def _exposed(ctx: CheckContext, ups: list[Uplink], partners: dict[str, set[str]],
             by_switches: dict[tuple[str, ...], list[str] | None]) -> list[tuple[str, InterfaceRef]] | None:
    """For VN303: a team's uplinks' (unit, port) with the link up, None unless they reach two units; each unit's
    partners (the other units of the team) are added to ``partners``.  The units are worked out once per tuple of
    the ports' switches, kept in ``by_switches`` (hosts cabled alike reach the same switches: their units, and the
    partners they add, are the same)."""
    switches = tuple(u.port.device for u in ups if u.port is not None)
    got = by_switches.get(switches, False)
    if got is False:
        units = {ctx.unit(s) for s in switches}
        if len(ups) < 2 or len(units) < 2:
            got = None
        else:
            got = [ctx.unit(s) for s in switches]
            for unit in got:
                partners[unit] |= units - {unit}
        by_switches[switches] = got
    if got is None:
        return None
    link_up = ctx.snap.link_up
    out = []
    for unit, u in zip(got, ups, strict=True):
        assert u.port is not None
        if link_up(u.port):
            out.append((unit, u.port))
    return out


@rule("VN303", "no-upstream-failure-detection", "warning", ("T13", "T15", "P4", "M16"), tags=("failover", "lst"))
def no_upstream_failure_detection(ctx: CheckContext) -> Iterator[Issue]:
    """A switch can lose all its upstream links without the host noticing.

    ## What it checks
    For every team whose uplinks go to independent switches (not one stack, not one MLAG pair)
    and whose detection is link status only, each of those switches is cut off from all its
    links to other switches — a failure the rule simulates — and it fires when the host-facing
    ports stay up, that is when no link-state tracking group takes them down (T15). A switch
    without links to other switches has nothing to lose and is not reported here.

    ## Why it matters
    Link status sees only the first cable (T13). An access switch that lost its uplinks keeps
    its host ports up, so the VMs homed on those ports are black-holed while the other uplink
    would have worked (M16). Link-state tracking (P4) or beacon probing with three or more
    uplinks turns that into a failover.

    ## Failing example
    ```yaml
    sw-a: {interfaces: {Gi1/0/1: {stp: {edge: true}}, Gi1/0/48: {mode: trunk}}}   # no link_state_tracking
    ```

    ## Passing example
    ```yaml
    sw-a:
      link_state_tracking:
        - {group: 1, upstream: [Gi1/0/48], downstream: [Gi1/0/1, Gi1/0/2]}
    ```

    ## Fix
    On the switch, configure link-state tracking with its uplinks upstream and its host ports
    downstream (IOS `link state track N`; EOS `link tracking group`; NX-OS has none: use
    another design there). Or, on the host, use beacon probing with at least three uplinks.

    ## Rests on
    T13, T15, P4, M16
    """
    snap = ctx.snap
    peer = snap.cabling.peer
    switches = ctx.inv.switches
    members_of: dict[str, set[str]] = defaultdict(set)  # the switches of each unit
    for sname in switches:
        members_of[ctx.unit(sname)].add(sname)

    partners: dict[str, set[str]] = defaultdict(set)  # the other access units of the same teams
    # per cabled list (a host's teams that team alike share one, kept alive by ctx): its (unit, port) pairs whose
    # link is up (None when its uplinks do not reach two units; the partners it adds are added once), and its teams
    judged: dict[int, tuple[list[tuple[str, InterfaceRef]] | None, list[Team]]] = {}
    by_switches: dict[tuple[str, ...], list[str] | None] = {}
    for _, team, _, ups, _, _ in ctx.team_rows:
        if team.detection != "link_status":
            continue
        got = judged.get(id(ups))
        if got is None:
            got = judged[id(ups)] = (_exposed(ctx, ups, partners, by_switches), [])
        got[1].append(team)
    # each unit's exposed ports, each with the teams that use it (the findings only read sets of both)
    exposed: dict[str, list[tuple[list[Team], InterfaceRef]]] = defaultdict(list)
    for pairs, teams in judged.values():
        for unit, port in pairs or ():
            exposed[unit].append((teams, port))

    upstream_of = _upstream(ctx) if exposed else {}
    for unit in sorted(exposed):
        upstream = upstream_of.get(unit, [])
        # a switch joined only to its partner access switches has no upstream to lose: losing
        # the link between them splits the network evenly, which no detection can repair
        if not [u for u in upstream if ctx.unit(peer(u).device) not in partners[unit]]:  # type: ignore[union-attr]
            continue
        cut = set(upstream)

        def up_after(ref: InterfaceRef, cut: set[InterfaceRef] = cut) -> bool:
            return snap.cabling.link_up(ref) and ref not in cut and peer(ref) not in cut

        # only whether the unit's exposed ports (and their far ends) are tracked down is read: a tracking group
        # takes down interfaces of its own switch's stack, so of its own unit (T15), and when every far end is a host
        # vmnic, the groups of the unit's own switches are all that can.  Those alone are worked out then (54 units
        # at 2,500 hosts, each asking about every switch's groups otherwise)
        alive: Callable[[str], bool] = snap.switch_alive
        if all((far := peer(p)) is None or far.device not in switches for _, p in exposed[unit]):
            mine = members_of[unit]

            def alive(s: str, mine: set[str] = mine) -> bool:
                return s in mine and snap.switch_alive(s)

        tracked = tracked_down(ctx.inv, up_after, alive)
        # once per port (each is an uplink of all its host's teams that team alike): by the port object, which
        # the context's uplinks keep alive, so its id stays its own
        stays: dict[int, bool] = {}
        stays_up = []
        for teams, p in exposed[unit]:
            ok = stays.get(id(p))
            if ok is None:
                ok = stays[id(p)] = up_after(p) and p not in tracked and peer(p) not in tracked
            if ok:
                stays_up.append((teams, p))
        if not stays_up:
            continue
        ports = sorted({p for _, p in stays_up})
        owners = sorted({f"{t.host}:{t.switch}" for teams, _ in stays_up for t in teams})
        switches = sorted({p.device for p in ports})
        msg = (f"{unit} can lose all its links to other switches ({join(upstream)}) while its host ports "
               f"{join(ports) if len(ports) <= 6 else plural(len(ports), 'host port')} stay up: "
               f"{join(owners) if len(owners) <= 6 else plural(len(owners), 'team')} detect failures by link status only "
               "and keep sending the traffic homed on these ports into it (T13, M16)")
        parts = []
        for s in switches:
            sw = ctx.inv.switches[s]
            group = max((g.group for g in sw.link_state_tracking), default=0) + 1
            lst = fixes.link_state_tracking(sw.platform, s, group, [u.interface for u in upstream if u.device == s] or
                                            [u.interface for u in upstream],
                                            [p.interface for p in ports if p.device == s])
            if lst:
                parts.append(lst)
        host_fix = fixes.on_host(join(owners) if len(owners) <= 6 else "the hosts' teams",
                                 "teaming.detection: beacon with at least three uplinks")
        fix = fixes.combine("; then ".join(parts), ("or " if parts else "") + host_fix)
        yield Issue((unit, *map(str, upstream), *map(str, ports), *owners), msg, fix,
                    ("switches", switches[0], "link_state_tracking"))


@rule("VN304", "single-point-of-failure", "warning", ("P3", "K4"), tags=("redundancy",))
def single_point_of_failure(ctx: CheckContext) -> Iterator[Issue]:
    """A team carrying VM or management traffic hangs off one uplink or one switch.

    ## What it checks
    Every port group that VMs or a management / Service Console port use must have at least
    two cabled active/standby uplinks, reaching at least two switches. Members of one stack
    and the two peers of an MLAG pair count as different switches (each can fail on its
    own); two ports of one switch do not. When the verdict hangs on an uplink cabled to
    another host rather than a switch, the rule reports *unknown*.

    ## Why it matters
    One NIC, one cable or one switch failure then cuts the port group off: its VMs only reach
    each other inside the host (F6), and a management network failure isolates the host from
    vCenter and HA (P3, K4).

    ## Failing example
    ```yaml
    # both uplinks on one switch
    links: [[esx01:vmnic0, acc-1:Gi1/0/1], [esx01:vmnic1, acc-1:Gi1/0/2]]
    ```

    ## Passing example
    ```yaml
    links: [[esx01:vmnic0, acc-1:Gi1/0/1], [esx01:vmnic1, acc-2:Gi1/0/1]]
    ```

    ## Fix
    Cable the second uplink to another switch (another stack member or MLAG peer, or an
    independent switch in the same layer-2 domain) and list it as active or standby.

    ## Rests on
    P3, K4
    """
    # per cabled list (shared by a host's teams that team alike, kept alive by ctx): whether it has a second path
    # (two switches, not one uplink): the common case, decided without a stray look-up or any text
    second: dict[int, bool] = {}
    for key, team, _, ups, _, _ in ctx.team_rows:
        two = second.get(id(ups))
        if two is None:
            two = second[id(ups)] = len({u.port.device for u in ups if u.port is not None}) >= 2 and len(ups) != 1
        if two or not ctx.carries_vm_or_management(key):
            continue
        strays = ctx.strays(key)
        if not ups and not strays:
            continue  # internal-only by design (F6); uplink-not-cabled reports missing cables
        switches = sorted({u.port.device for u in ups if u.port is not None})
        if len(switches) >= 2 and len(ups) != 1:
            continue  # two switches: a second path (the common case, decided before any text is written)
        obj = f"{team.host}:{team.switch}/{team.portgroup}"
        what = "VM" if any(e.kind == "vm" for e in ctx.endpoints_by_team.get(key, ())) else "management"
        if strays and len(switches) < 2:
            # a link to another host may or may not be the second path: not in the switch model
            yield ctx.cannot_tell(team, strays, f"whether {what} traffic has a second path", ctx.team_path(team, "teaming"))
            continue
        if len(ups) == 1:
            u = ups[0]
            msg = (f"{obj} carries {what} traffic over a single uplink ({u.vmnic} -> {u.port}): one NIC, cable or switch "
                   "failure cuts it off (P3, K4)")
            fix = fixes.on_host(obj, "teaming: add a second uplink, cabled to another switch, as active or standby")
        elif len(switches) == 1:
            sw = ctx.inv.switches[switches[0]]
            kind = (f", a single member of stack {sw.stack}" if sw.stack else
                    f", one peer of MLAG pair {ctx.unit(switches[0])}" if sw.mlag else ", a single switch")
            msg = (f"{obj} carries {what} traffic, but all its uplinks ({join(u.vmnic for u in ups)}) reach "
                   f"{switches[0]}{kind}: if it fails the port group is cut off (P3)")
            fix = f"cable one of {join(u.vmnic for u in ups)} to another switch (stack member, MLAG peer or independent switch)"
        else:
            continue
        yield Issue((obj, *(str(u.port) for u in ups)), msg, fix, ctx.team_path(team, "teaming"))


@rule("VN305", "management-single-uplink", "warning", ("K4",), tags=("redundancy", "vmkernel"))
def management_single_uplink(ctx: CheckContext) -> Iterator[Issue]:
    """The management or Service Console port group has fewer than two usable uplinks.

    ## What it checks
    For every VMkernel port with the management service and every Service Console port
    (`vswif`), its port group must have at least two cabled uplinks among its active and
    standby adapters (a standby counts: it takes over when the active one fails). An uplink
    cabled to another host rather than a switch makes the rule report *unknown*.

    ## Why it matters
    vCenter and HA reach the host through this port. With one uplink a single NIC or cable
    failure isolates the host: vCenter loses it and HA applies the isolation response (K4).

    ## Failing example
    ```yaml
    portgroups:
      Management: {vlan: 10, teaming: {active: [vmnic0], unused: [vmnic1]}}
    ```

    ## Passing example
    ```yaml
    portgroups:
      Management: {vlan: 10, teaming: {active: [vmnic0], standby: [vmnic1]}}
    ```

    ## Fix
    On the host, give the management port group a second uplink as active or standby
    (`teaming: {active: [vmnic0], standby: [vmnic1]}`), cabled to another switch.

    ## Rests on
    K4
    """
    for e in ctx.vmk_endpoints:
        if e.kind != "vmk" or e.team is None or not MGMT_SERVICES.intersection(e.services):
            continue
        team = ctx.teams[e.team]
        usable = ctx.cabled(e.team)
        if len(usable) >= 2:
            continue
        if strays := ctx.strays(e.team):
            yield ctx.cannot_tell(team, strays, f"whether {e.name} has a second usable uplink",
                                  ctx.team_path(team, "teaming"), (e.name,))
            continue
        obj = f"{team.host}:{team.switch}/{team.portgroup}"
        msg = (f"{e.name} ({join(s for s in e.services if s in MGMT_SERVICES)}) uses {obj}, which has "
               f"{plural(len(usable), 'usable uplink')} ({join(u.vmnic for u in usable) or 'none'}; active {join(team.active) or 'none'}, "
               f"standby {join(team.standby) or 'none'}): one NIC or cable failure isolates the host from vCenter and HA (K4)")
        fix = fixes.on_host(obj, "teaming: a second uplink as active or standby, cabled to another switch")
        yield Issue((e.name, obj), msg, fix, ctx.team_path(team, "teaming"))


@rule("VN306", "uplink-not-cabled", "warning", ("T13", "F6"), tags=("cabling",))
def uplink_not_cabled(ctx: CheckContext) -> Iterator[Issue]:
    """A vSwitch uplink has no cable.

    ## What it checks
    Every vmnic listed as an uplink of a standard vSwitch, or bound to a dvUplink of a
    distributed switch, must be cabled (`links`).

    ## Why it matters
    An uncabled vmnic is link-down: the teams that list it as active or standby run without
    it, so the redundancy the design shows is not there, and a team whose only uplinks are
    uncabled is internal-only (F6).

    ## Failing example
    ```yaml
    vSwitch0: {uplinks: [vmnic0, vmnic1]}
    links: [[esx01:vmnic0, sw-a:Gi1/0/1]]          # vmnic1 not cabled
    ```

    ## Passing example
    ```yaml
    links: [[esx01:vmnic0, sw-a:Gi1/0/1], [esx01:vmnic1, sw-b:Gi1/0/1]]
    ```

    ## Fix
    Cable the vmnic to a switch port configured like its team-mates' ports, or remove it from
    the vSwitch's uplinks.

    ## Rests on
    T13, F6
    """
    peer = ctx.nic_peer  # the cabling's answer, memoized (7,600 vmnics)
    for hname, host in sorted(ctx.inv.hosts.items()):
        for vname, vs in sorted(host.vswitches.items()):
            missing = [n for n in vs.uplinks if peer(hname, n) is None]
            if missing:
                obj = f"{hname}:{vname}"
                msg = (f"{obj}: uplink{'s' if len(missing) > 1 else ''} {join(missing)} ha{'ve' if len(missing) > 1 else 's'} "
                       "no cable, so the port groups that list them run without them (T13)")
                yield Issue((obj, *(f"{hname}:{n}" for n in missing)), msg,
                            f"cable {join(f'{hname}:{n}' for n in missing)} to a switch port, or remove them from uplinks",
                            ("hosts", hname, "vswitches", vname, "uplinks"))
    for dname, dvs in sorted(ctx.inv.dvswitches.items()):
        for hname, mapping in sorted(dvs.hosts.items()):
            missing = [n for _, n in sorted(mapping.items()) if hname in ctx.inv.hosts and peer(hname, n) is None]
            if missing:
                obj = f"{hname}:{dname}"
                msg = f"{obj}: {join(missing)} back dvUplinks but have no cable, so the port groups run without them (T13)"
                yield Issue((obj, *(f"{hname}:{n}" for n in missing)), msg,
                            f"cable {join(f'{hname}:{n}' for n in missing)} to a switch port, or unbind them",
                            ("dvswitches", dname, "hosts", hname))


@rule("VN307", "notify-switches-off", "info", ("T12", "M17"), tags=("teaming", "failover"))
def notify_switches_off(ctx: CheckContext) -> Iterator[Issue]:
    """A port group does not notify the physical switches when its ports move.

    ## What it checks
    Reports every port group with `notify_switches: false`. That is right for Microsoft NLB
    in unicast mode and wrong nearly everywhere else; the design cannot tell which, hence the
    `info` severity.

    ## Why it matters
    Without the RARP frames the host sends after a failover, failback or vMotion, the
    physical switches keep the old MAC entries and deliver inbound traffic to the old uplink
    until the VM transmits or the entry ages out (IOS 300 s) (T12).

    ## Failing example
    ```yaml
    vSwitch0: {teaming: {notify_switches: false}}
    ```

    ## Passing example
    ```yaml
    vSwitch0: {teaming: {notify_switches: true}}    # the default
    ```

    ## Fix
    On the host, `teaming.notify_switches: true`, unless the port group carries Microsoft NLB
    in unicast mode (M17).

    ## Rests on
    T12, M17
    """
    teams = [t for t in ctx.teams.values() if not t.notify_switches]
    for group in ctx.group(teams, lambda t: t.notify_switches):
        objs, path = ctx.describe_teams(group)
        msg = (f"{join(objs)} does not notify switches: after a failover, failback or vMotion inbound traffic follows "
               "stale MAC entries until they age out (T12); keep it only for Microsoft NLB in unicast mode (M17)")
        yield Issue(objs, msg, fixes.on_host(join(objs), "teaming.notify_switches: true"), (*path, "notify_switches"))


@rule("VN308", "mlag-orphan-host", "warning", ("P3",), tags=("redundancy", "mlag"))
def mlag_orphan_host(ctx: CheckContext) -> Iterator[Issue]:
    """A virtual switch attaches to only one peer of an MLAG pair (an orphan host).

    ## What it checks
    For every port group of every host whose active or standby uplinks reach a switch that has
    an MLAG peer (`mlag: {peer: ...}`), at least one active or standby uplink must reach the
    peer too. Unused uplinks do not count: a vSwitch cabled to both peers whose port groups use
    only one of them is an orphan all the same.

    ## Why it matters
    An MLAG or vPC pair is built so that either peer can fail; a host cabled to only one of
    them loses that virtual switch's network when its peer fails, and during a peer-link
    failure it is stranded on one side of the pair while dual-attached hosts carry on (P3:
    "avoid orphan, single-attached hosts").

    ## Failing example
    ```yaml
    links:
      - [esx01:vmnic0, n5k-1:Ethernet1/1]
      - [esx01:vmnic1, n5k-1:Ethernet1/2]     # both on n5k-1 of the vPC pair
    ```

    ## Passing example
    ```yaml
    links:
      - [esx01:vmnic0, n5k-1:Ethernet1/1]
      - [esx01:vmnic1, n5k-2:Ethernet1/1]
    ```

    ## Fix
    Cable one of the virtual switch's vmnics to the other peer and make it active or standby
    in every port group (or bundle both in a vPC / MLAG port-channel with IP hash or a LAG).

    ## Rests on
    P3
    """
    peer = ctx.snap.cabling.peer

    # per cabled list (shared by a host's teams that team alike, kept alive by ctx): (switch, its MLAG peer, the
    # ports on it) per pair it reaches one peer of; most reach none, and their teams are passed over at once
    pairs: dict[int, list[tuple[str, str, tuple[InterfaceRef, ...]]]] = {}

    def one_sided(cabled: list[Uplink]) -> list[tuple[str, str, tuple[InterfaceRef, ...]]]:
        ports = [u.port for u in cabled if u.port is not None]
        devices = {p.device for p in ports}
        out = []
        for device in sorted(devices):
            mlag = ctx.inv.switches[device].mlag
            if mlag is None or mlag.peer not in ctx.inv.switches or mlag.peer in devices:
                continue
            out.append((device, mlag.peer, tuple(p for p in ports if p.device == device)))
        return out

    def orphaned(sided: list[tuple[str, str, tuple[InterfaceRef, ...]]], t: Team) -> tuple[
            tuple[str, str, tuple[InterfaceRef, ...], tuple[str, ...]], ...]:
        """(switch, its MLAG peer, the team's ports on it, idle vmnics cabled to the peer) per orphaned pair of the
        team's cabled list (``sided``: :func:`one_sided` of it)."""
        out = []
        for device, mpeer, mine in sided:
            idle = tuple(n for n in t.uplinks if n not in t.team
                         and (far := peer(InterfaceRef(t.host, n))) is not None and far.device == mpeer)
            out.append((device, mpeer, mine, idle))
        return tuple(out)

    found = {}
    for key, t, _, cabled, _, _ in ctx.team_rows_in_order:
        sided = pairs.get(id(cabled))
        if sided is None:
            sided = pairs[id(cabled)] = one_sided(cabled)
        if sided and (o := orphaned(sided, t)):  # most teams reach no pair by one peer: passed over at once
            found[key] = o
    for group in ctx.group((ctx.teams[k] for k in found), lambda t: found[(t.host, t.network)]):
        objs, path = ctx.describe_teams(group)
        who = ("its port groups lose their network" if "/" not in objs[0] else
               "these port groups lose their network" if len(objs) > 1 else "the port group loses its network")
        for device, mpeer, mine, idle in found[(group[0].host, group[0].network)]:
            unused = (f"; {join(f'{group[0].host}:{n}' for n in idle)}, cabled to {mpeer}, "
                      f"{'is' if len(idle) == 1 else 'are'} unused") if idle else ""
            msg = (f"{join(objs)} uses only {device} of the MLAG pair {ctx.unit(device)} ({join(mine)}){unused}: if "
                   f"{device} fails or is cut from {mpeer}, {who} (P3)")
            if idle:
                fix = fixes.on_host(join(objs), f"teaming: make {join(idle)} active or standby")
            else:
                fix = f"cable a vmnic of {group[0].host}:{group[0].switch} to {mpeer} and make it active or standby"
            yield Issue((*objs, *map(str, mine), mpeer), msg, fix, path)
