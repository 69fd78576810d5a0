"""Port-channels seen from both ends: split channels, negotiation a host never answers, members
that do not match their channel (T3, T6, T7, M4-M6)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from ...model import InterfaceRef, po_number
from ...model.physical import SwitchInterface
from ...network.lag import BUNDLED, LACP, MEMBER_KEYS, PAGP, STANDALONE, SUSPENDED, PortChannel, host_lacp_mode
from .. import fixes
from ..context import CheckContext, join, plural
from ..engine import rule
from ..finding import Issue
from .teaming import CHANNEL_POLICIES, free_po_number, static_channel_fix


def _po_number(ch: PortChannel) -> int:
    name = ch.po_refs[0].interface
    n = po_number(name)
    return n if n is not None else 1


def _member_iface(ctx: CheckContext, m: InterfaceRef) -> SwitchInterface:
    """:meth:`CheckContext.iface` of a channel member, read from its own switch when it declares it (the common case,
    where the inventory's owner would answer that switch)."""
    sw = ctx.inv.switches.get(m.device)
    iface = sw.interfaces.get(m.interface) if sw is not None else None
    return iface if iface is not None else ctx.iface(m)


def _host_facing_members(ctx: CheckContext, ch: PortChannel, modes: tuple[str, ...]) -> list[tuple[InterfaceRef, InterfaceRef]]:
    """(member, host vmnic) of the members of ``ch`` that run one of ``modes`` and are cabled to a host, in member
    order.  The mode is read first (:func:`_member_iface`): most channels of a design run neither mode asked about, and their members need no cable looked up."""
    out = []
    hosts, peer = ctx.inv.hosts, ctx.snap.cabling.peer
    for m in ch.members:
        if _member_iface(ctx, m).channel_mode not in modes:
            continue
        far = peer(m)
        if far is not None and far.device in hosts:
            out.append((m, far))
    return out


def _consequence(ctx: CheckContext, ch: PortChannel, members: list[InterfaceRef]) -> str:
    states = {ch.member_state.get(m) for m in members}
    if states <= {STANDALONE}:
        return "the members run stand-alone (IOS): unchannelled ports, so an IP-hash team flaps MACs (M1)"
    if SUSPENDED in states:
        return "the members are suspended: the host loses those links while they stay up (M5)"
    return "the channel never forms (M5)"


@rule("VN204", "channel-split-across-switches", "error", ("T3", "M4"), tags=("port-channel",))
def channel_split_across_switches(ctx: CheckContext) -> Iterator[Issue]:
    """One port-channel's members sit on switches that are neither one stack nor an MLAG pair.

    ## What it checks
    Two views of one logical channel. From the host: an IP-hash team or vDS LAG whose uplinks
    reach channels on more than one switch, unless the switches are members of one stack or
    the two peers of an MLAG pair with the same `mlag_id` on both port-channels. From the
    switch: a channel whose members lead to switches of more than one stack or MLAG pair.

    ## Why it matters
    Two independent switches each hold half of what the host treats as one channel. Each
    learns the host's MACs on its half while the other half's frames arrive over the
    inter-switch link: MAC flapping between the channel and the ISL, intermittent loss (M4).
    An MLAG pair only acts as one switch for channels that carry the same `mlag_id` (vPC N).

    ## Failing example
    ```yaml
    sw-a: {interfaces: {Gi1/0/1: {channel_group: 1}, Po1: {}}}       # esx01 vmnic0
    sw-b: {interfaces: {Gi1/0/1: {channel_group: 1}, Po1: {}}}       # esx01 vmnic1
    # sw-a and sw-b: no common stack, no mlag
    ```

    ## Passing example
    ```yaml
    n5k-1: {mlag: {peer: n5k-2}, interfaces: {Eth1/1: {channel_group: 11}, Po11: {mlag_id: 11}}}
    n5k-2: {mlag: {peer: n5k-1}, interfaces: {Eth1/1: {channel_group: 11}, Po11: {mlag_id: 11}}}
    ```

    ## Fix
    Move the team's uplinks onto one switch, one stack or one MLAG pair and bundle them there
    (on an MLAG pair, `vpc N` on NX-OS or `mlag N` on EOS on both port-channels: `mlag_id`
    in the design); or, on the host, use port-ID teaming without any channel.

    ## Rests on
    T3, M4
    """
    # the host's view: one team, several channels on switches of different units
    def split(cabled: list) -> tuple[dict[str, PortChannel], list[str]] | None:
        """The channels a team's cabled uplinks reach and their switches, when more than one of each."""
        ports = [u.port for u in cabled if u.port is not None]
        channels = {ch.key: ch for p in ports if (ch := ctx.channel(p)) is not None}
        switches = sorted({s for ch in channels.values() for s in ch.switches})
        return (channels, switches) if len(channels) >= 2 and len(switches) >= 2 else None

    # a group of teams is judged by its cabled uplinks alone: each list of them (one object per host and teaming,
    # :meth:`CheckContext.cabled`) is judged once, and only the teams whose uplinks split are grouped
    judged: dict[int, tuple[dict[str, PortChannel], list[str]] | None] = {}
    teams = []
    for key, t in ctx.teams.items():
        if t.policy in CHANNEL_POLICIES:
            cabled = ctx.cabled(key)
            verdict = judged.get(id(cabled), False)
            if verdict is False:
                verdict = judged[id(cabled)] = split(cabled)
            if verdict is not None:
                teams.append(t)
    for group in ctx.group(teams, lambda t: tuple(u.port for u in ctx.cabled((t.host, t.network)))):
        got = split(ctx.cabled((group[0].host, group[0].network)))
        assert got is not None
        channels, switches = got
        units = {ctx.unit(s) for s in switches}
        objs, path = ctx.describe_teams(group)
        if len(units) == 1:
            why = (f"{join(switches)} are an MLAG pair, but {join(sorted(channels))} are separate local channels "
                   "(no common mlag_id)")
            number = min(_po_number(ch) for ch in channels.values())
            fix = "; then ".join(fixes.on_switch(ch.po_refs[0].device, ctx.platform(ch.po_refs[0]),
                                                 [f"{'vpc' if ctx.platform(ch.po_refs[0]) == 'nxos' else 'mlag'} {number} "
                                                  f"(mlag_id: {number})"], ch.po_refs[0].interface)
                                 for ch in channels.values())
        else:
            why = f"{join(switches)} are neither one stack nor an MLAG pair"
            fix = fixes.on_host(join(objs), "teaming.policy: port_id, and remove the channels (no channel-group)")
        msg = (f"{join(objs)} treats its uplinks as one channel, but they reach {join(sorted(channels))} on "
               f"different switches: {why}; each switch learns the host's MACs on its half (MAC flapping, M4)")
        yield Issue((*objs, *sorted(channels)), msg, fix, (*path, "policy"))

    # the switch's view: a channel whose members lead to switches of different units
    for ch in ctx.snap.channels:
        far_units: dict[str, list[InterfaceRef]] = defaultdict(list)
        for m in ch.members:
            far = ctx.snap.cabling.peer(m)
            if far is not None and far.device in ctx.inv.switches:
                far_units[ctx.unit(far.device)].append(far)
        if len(far_units) < 2:
            continue
        fars = sorted(f for fs in far_units.values() for f in fs)
        msg = (f"{ch.key}'s members lead to {join(sorted(far_units))}, which are neither one stack nor an MLAG pair: "
               "no partner can bundle them (M4)")
        fix = "; ".join(fixes.on_switch(m.device, ctx.platform(m), [fixes.no_channel_group(ctx.platform(m))], m.interface)
                        for m in ch.members[1:])
        yield Issue((ch.key, *map(str, ch.members), *map(str, fars)), msg, "keep one partner per channel: " + fix,
                    ctx.iface_path(ch.po_refs[0]) if ch.declared else ctx.iface_path(ch.members[0], "channel_group"))


@rule("VN205", "lacp-to-standard-vswitch", "error", ("T6", "M5"), tags=("port-channel", "lacp"))
def lacp_to_standard_vswitch(ctx: CheckContext) -> Iterator[Issue]:
    """LACP faces a standard vSwitch, or a vDS whose vmnic is in no LAG.

    ## What it checks
    Every host-facing switch port in an LACP channel (`channel_mode: active` or `passive`)
    must face a vmnic that belongs to a LAG of a distributed switch. A vmnic of a standard
    vSwitch, or of a vDS without a LAG containing it, never sends LACPDUs.

    ## Why it matters
    A standard vSwitch never speaks LACP (T6). Without a partner the switch decides by its
    vendor's behaviour: NX-OS (`lacp suspend-individual`) suspends the members and the host
    loses those links while they stay up; EOS leaves them inactive; Catalyst IOS runs them
    stand-alone, so they act as unchannelled ports (M5) — with IP hash that is M1 again.

    ## Failing example
    ```yaml
    n5k-1:
      platform: nxos
      interfaces:
        Ethernet1/1: {channel_group: 11, channel_mode: active}   # esx01 vmnic0, vSwitch0
    ```

    ## Passing example
    ```yaml
        Ethernet1/1: {channel_group: 11, channel_mode: "on"}     # static, with IP hash
    ```

    ## Fix
    For a standard vSwitch use a static channel (`channel-group N mode on`) with IP hash, or no
    channel with port-ID teaming. For LACP, move the vmnics to a vDS (5.1+) with a LAG
    (`lacp.lags`) and make the port groups use it (`teaming.policy: lag:<name>`).

    ## Rests on
    T6, M5
    """
    for ch in ctx.snap.channels:
        facing = [(m, far) for m, far in _host_facing_members(ctx, ch, LACP)
                  if host_lacp_mode(ctx.inv, far.device, far.interface) is None]
        if not facing:
            continue
        members = [m for m, _ in facing]
        nics = [far for _, far in facing]
        sides = sorted({ctx.describe_nic_owner(n) for n in nics})
        modes = sorted({ctx.iface(m).channel_mode for m in members})
        msg = (f"{ch.key} runs LACP ({join(modes)}) toward {join(nics)}, which belong to {join(sides)}: it never sends "
               f"LACPDUs (T6), so {_consequence(ctx, ch, members)}")
        ip_hash = any(t.policy == "ip_hash" and any(u.port in members for u in ctx.cabled((t.host, t.network)))
                      for t in ctx.teams.values() if t.host in {n.device for n in nics})
        if ip_hash:
            switch_fix = static_channel_fix(ctx, members)
        else:
            switch_fix = "; then ".join(fixes.on_switch(m.device, ctx.platform(m), [fixes.no_channel_group(ctx.platform(m))],
                                                        m.interface) for m in members)
        host_fix = fixes.on_host(join(sorted({n.device for n in nics})), "move the vmnics to a vDS with a LAG in "
                                 "active mode (lacp.lags) and use it (teaming.policy: lag:<name>)")
        yield Issue((ch.key, *map(str, members), *map(str, nics)), msg, fixes.combine(switch_fix, "or " + host_fix),
                    ctx.iface_path(members[0], "channel_mode"))


@rule("VN206", "pagp-unsupported", "error", ("T3", "M6"), tags=("port-channel",))
def pagp_unsupported(ctx: CheckContext) -> Iterator[Issue]:
    """PAgP (desirable/auto) on a host-facing port.

    ## What it checks
    No switch port cabled to a host vmnic may be in a PAgP channel (`channel_mode: desirable`
    or `auto`).

    ## Why it matters
    ESX never speaks PAgP, neither a standard vSwitch nor a vDS (T3, M6): the channel never
    forms and the members end up stand-alone or suspended, as with LACP toward a vSS (M5).

    ## Failing example
    ```yaml
    Gi1/0/1: {mode: trunk, channel_group: 1, channel_mode: desirable}   # esx01 vmnic0
    ```

    ## Passing example
    ```yaml
    Gi1/0/1: {mode: trunk, channel_group: 1, channel_mode: "on"}        # with IP hash
    ```

    ## Fix
    On the switch, use `channel-group N mode on` (IP hash on the vSwitch), or LACP toward a vDS
    LAG, or no channel at all with port-ID teaming.

    ## Rests on
    T3, M6
    """
    for ch in ctx.snap.channels:
        facing = _host_facing_members(ctx, ch, PAGP)
        if not facing:
            continue
        members = [m for m, _ in facing]
        nics = [far for _, far in facing]
        msg = (f"{ch.key} runs PAgP ({join(sorted({ctx.iface(m).channel_mode for m in members}))}) toward {join(nics)}: "
               f"ESX never speaks PAgP, so {_consequence(ctx, ch, members)} (M6)")
        fix = "; then ".join(fixes.on_switch(m.device, ctx.platform(m), [fixes.channel_group(ctx.platform(m), _po_number(ch), "on")],
                                             m.interface) for m in members)
        yield Issue((ch.key, *map(str, members), *map(str, nics)), msg,
                    fixes.combine(fix, "with teaming.policy: ip_hash on the host, or remove the channel (port_id)"),
                    ctx.iface_path(members[0], "channel_mode"))


@rule("VN208", "channel-member-suspended", "error", ("T3", "T7"), tags=("port-channel",))
def channel_member_suspended(ctx: CheckContext) -> Iterator[Issue]:
    """A channel member's settings differ from its port-channel's, so the switch suspends it.

    ## What it checks
    Every member of a port-channel must agree with the channel (its `Po` interface, or the
    first member where no `Po` is declared) on `mode`, `vlan`, `allowed_vlans` and
    `native_vlan`.

    ## Why it matters
    The switch suspends a member whose configuration differs from its channel's. The link
    stays up, so a host on the far end keeps using it with link-status detection (T13): the
    traffic it hashes or homes there is lost. Between switches the channel runs short of
    members.

    ## Failing example
    ```yaml
    Gi1/0/1: {mode: trunk, allowed_vlans: "10,20", channel_group: 1}
    Gi1/0/2: {mode: trunk, allowed_vlans: "10", channel_group: 1}     # differs
    Po1: {mode: trunk, allowed_vlans: "10,20"}
    ```

    ## Passing example
    ```yaml
    Gi1/0/2: {mode: trunk, allowed_vlans: "10,20", channel_group: 1}
    ```

    ## Fix
    Configure the port-channel interface and let members inherit it: on IOS, NX-OS and EOS set
    the switchport settings on `interface PoN` and remove the differing lines from the member.

    ## Rests on
    T3, T7
    """
    for ch in ctx.snap.channels:
        bad = []
        for m in ch.members:
            iface = _member_iface(ctx, m)
            differing = [k for k in MEMBER_KEYS if getattr(iface, k) != getattr(ch.settings, k)]
            if differing:
                bad.append((m, differing))
        if not bad:
            continue
        parts = []
        for m, keys in bad:
            iface = ctx.iface(m)
            shown = ", ".join(f"{k} {getattr(iface, k)} vs {getattr(ch.settings, k)}" for k in keys)
            state = ch.member_state.get(m)
            parts.append(f"{m} ({shown}{'; suspended' if state == SUSPENDED else ''})")
        members = [m for m, _ in bad]
        far = [str(p) for m in members if (p := ctx.snap.cabling.peer(m)) is not None]
        msg = (f"{plural(len(bad), 'member')} of {ch.key} differ{'s' if len(bad) == 1 else ''} from the channel: "
               f"{'; '.join(parts)}: the switch suspends {'it' if len(bad) == 1 else 'them'} while the link stays up")
        fix = "; then ".join(
            fixes.on_switch(m.device, ctx.platform(m), [f"match {ch.key}: " + ", ".join(keys)], m.interface) for m, keys in bad)
        yield Issue((ch.key, *map(str, members), *far), msg, fix, ctx.iface_path(members[0], bad[0][1][0]))


@rule("VN209", "lacp-without-partner", "error", ("T6", "M5"), tags=("port-channel", "lacp"))
def lacp_without_partner(ctx: CheckContext) -> Iterator[Issue]:
    """A negotiating channel member between switches gets no partner.

    ## What it checks
    On links between two switches, a member in LACP or PAgP mode must face a member of a
    channel that negotiates the same protocol, with at least one side active (LACP
    `active`/`active` or `active`/`passive`; PAgP `desirable` on one side). Host-facing ports are
    the business of `lacp-to-standard-vswitch` and `pagp-unsupported`.

    ## Why it matters
    Without a partner the member does not bundle: Catalyst IOS runs it stand-alone (the link
    forwards as a separate port and spanning tree blocks the extra links), NX-OS suspends it
    and EOS leaves it inactive, so the inter-switch capacity or redundancy the design counts
    on is not there.

    ## Failing example
    ```yaml
    sw-a: {platform: nxos, interfaces: {Eth1/49: {channel_group: 10, channel_mode: passive}}}
    sw-b: {platform: nxos, interfaces: {Eth1/49: {channel_group: 10, channel_mode: passive}}}
    ```

    ## Passing example
    ```yaml
    sw-a: {platform: nxos, interfaces: {Eth1/49: {channel_group: 10, channel_mode: active}}}
    ```

    ## Fix
    Make at least one side LACP `active` (`channel-group N mode active`), or both sides static
    (`mode on`), or the same protocol on both ends.

    ## Rests on
    T6, M5
    """
    for ch in ctx.snap.channels:
        bad = []
        for m in ch.members:
            state = ch.member_state.get(m)  # most members are bundled: the state first, then the mode
            if state not in (STANDALONE, SUSPENDED):
                continue
            if ctx.iface(m).channel_mode not in LACP + PAGP:
                continue
            if any(getattr(ctx.iface(m), k) != getattr(ch.settings, k) for k in MEMBER_KEYS):
                continue  # suspended for its settings: channel-member-suspended
            far = ctx.snap.cabling.peer(m)
            if far is None or far.device not in ctx.inv.switches:
                continue
            bad.append((m, far, state))
        if not bad:
            continue
        parts = []
        for m, far, state in bad:
            o = ctx.inv.switches[ctx.owner(far)].interfaces[far.interface] if ctx.inv.interface_owner(far) else None
            theirs = (f"{far} is {o.channel_mode}" if o is not None and o.channel_group is not None
                      else f"{far} is in no channel")
            parts.append(f"{m} ({ctx.iface(m).channel_mode}, {state}): {theirs}")
        severity = "error" if any(s == SUSPENDED for _, _, s in bad) else "warning"
        msg = (f"{ch.key} gets no partner on {plural(len(bad), 'member')}: {'; '.join(parts)}; "
               + ("suspended members carry nothing" if severity == "error"
                  else "stand-alone members forward as separate ports and spanning tree blocks the extras"))
        fix = "; then ".join(fixes.on_switch(m.device, ctx.platform(m), [fixes.channel_group(ctx.platform(m), _po_number(ch), "active")],
                                             m.interface) for m, _, _ in bad)
        yield Issue((ch.key, *(str(m) for m, _, _ in bad), *(str(f) for _, f, _ in bad)), msg, fix,
                    ctx.iface_path(bad[0][0], "channel_mode"), severity=severity)


@rule("VN210", "lag-without-lacp-channel", "error", ("T6", "T7", "M5"), tags=("port-channel", "lacp", "vds"))
def lag_without_lacp_channel(ctx: CheckContext) -> Iterator[Issue]:
    """A vDS LAG in use does not face one LACP channel that bundles with it.

    ## What it checks
    For every vDS LAG that a port group on a host uses (`teaming.policy: lag:<name>` or a
    `lag:<name>` failover entry), the switch ports of the LAG's vmnics on that host must be
    members of one LACP port-channel, and each must be bundled: not a plain port, not a static
    (`on`) channel, not PAgP, not passive facing a passive LAG. A LAG vmnic cabled to another
    host rather than a switch makes the rule report *unknown*.

    ## Why it matters
    A LAG sends its port group's traffic hashed over its members like IP hash does, and
    expects LACP on the other side (T6, T7). Toward unchannelled ports MACs flap (M1); toward a
    static channel the host sees no LACP partner; passive/passive never negotiates (scenario 10)
    and the LAG carries nothing.

    ## Failing example
    ```yaml
    dvswitches:
      dvs1:
        lacp: {lags: {lag1: {mode: passive, uplinks: [uplink1, uplink2]}}}
    switches:
      sw: {interfaces: {Gi1: {channel_group: 1, channel_mode: passive}}}
    ```

    ## Passing example
    ```yaml
        lacp: {lags: {lag1: {mode: active, uplinks: [uplink1, uplink2]}}}
    ```

    ## Fix
    On the switch, `channel-group N mode active` on exactly the LAG's ports (one switch, stack
    or MLAG pair); on the vDS, set the LAG to `mode: active` when the switch side is passive.

    ## Rests on
    T6, T7, M5
    """
    for dname, dvs in sorted(ctx.inv.dvswitches.items()):
        for hname, mapping in sorted(dvs.hosts.items()):
            if hname not in ctx.inv.hosts:
                continue
            used = {t.lag for (h, _), t in ctx.teams.items() if h == hname and t.kind == "vds" and t.switch == dname and t.lag}
            for lname in sorted(used):
                lag = dvs.lacp.lags.get(lname)
                if lag is None:
                    continue
                nics = [mapping[u] for u in lag.uplinks if u in mapping]
                ports = [(n, p) for n in nics if (p := ctx.snap.switch_port_of(hname, n)) is not None]
                strays = [(n, far) for n in nics if ctx.snap.switch_port_of(hname, n) is None
                          and (far := ctx.snap.cabling.peer(InterfaceRef(hname, n))) is not None]
                if strays:
                    # another host's vDS LAG could answer LACP there: not in the switch model
                    yield Issue((f"{hname}:{dname}/{lname}", *(str(f) for _, f in strays)),
                                f"{dname} LAG {lname} on {hname}: {join(f'{n} is cabled to {f}' for n, f in strays)}, not "
                                "to a switch: cannot tell whether an LACP partner bundles it", "",
                                ("dvswitches", dname, "lacp", "lags", lname), status="unknown")
                problems = []
                channels = set()
                for nic, p in ports:
                    ch = ctx.channel(p)
                    mode = ctx.iface(p).channel_mode
                    if ch is None:
                        problems.append(f"{p} ({nic}) is in no port-channel")
                        continue
                    channels.add(ch.key)
                    if mode == "on":
                        problems.append(f"{p} ({nic}) is in a static channel, which sends no LACPDUs")
                    elif mode in PAGP:
                        problems.append(f"{p} ({nic}) runs PAgP")
                    elif ch.member_state.get(p) != BUNDLED:
                        why = ch.reasons.get(p, ch.member_state.get(p) or "not bundled")
                        problems.append(f"{p} ({nic}) does not bundle: {why}")
                if len(channels) > 1:
                    problems.append(f"the LAG's ports are split over {join(sorted(channels))}")
                if not problems:
                    continue
                msg = (f"{dname} LAG {lname} ({lag.mode}) on {hname} needs one LACP channel with its ports, but "
                       f"{'; '.join(problems)}: the LAG's port groups lose traffic (T6, M5)")
                plist = [p for _, p in ports]
                if not plist:
                    continue  # no cabled vmnic: uplink-not-cabled says so
                existing = [ch for p in plist if (ch := ctx.channel(p)) is not None]
                number = _po_number(existing[0]) if existing else free_po_number(ctx, plist[0].device)
                fix = "; then ".join(fixes.on_switch(p.device, ctx.platform(p), [fixes.channel_group(ctx.platform(p), number, "active")],
                                                     p.interface) for p in plist)
                yield Issue((f"{hname}:{dname}/{lname}", *map(str, plist)), msg,
                            fixes.combine(fix, fixes.on_host(f"{dname} lacp.lags.{lname}", "mode: active")),
                            ("dvswitches", dname, "lacp", "lags", lname, "mode"))
