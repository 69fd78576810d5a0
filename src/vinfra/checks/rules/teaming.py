"""NIC teaming against the switch side: IP hash needs exactly one static channel, and a
channel needs IP hash (T3, T7, M1-M3)."""

from __future__ import annotations

from collections.abc import Iterator

from ...model import InterfaceRef, po_number
from ...network.lag import BUNDLED, PortChannel
from ...network.teams import Team
from .. import fixes
from ..context import CheckContext, Uplink, join, plural
from ..engine import rule
from ..finding import Issue

CHANNEL_POLICIES = ("ip_hash", "lag")


def _key(t: Team) -> tuple[str, str]:
    return (t.host, t.network)


def _ports(ctx: CheckContext, t: Team) -> tuple[InterfaceRef, ...]:
    return tuple(u.port for u in ctx.cabled(_key(t)) if u.port is not None)


def _host_side(ctx: CheckContext, teams: list[Team], setting: str) -> str:
    objs, _ = ctx.describe_teams(teams)
    return fixes.on_host(join(objs), setting)


def free_po_number(ctx: CheckContext, switch: str) -> int:
    """The lowest port-channel number not used on a switch (or its stack)."""
    sw = ctx.inv.switches[switch]
    members = ctx.inv.stack_members(sw.stack) if sw.stack else [switch]
    used: set[int] = set()
    for m in members:
        for name, iface in ctx.inv.switches[m].interfaces.items():
            n = po_number(name)
            if n is not None:
                used.add(n)
            if iface.channel_group is not None:
                used.add(iface.channel_group)
    n = 1
    while n in used:
        n += 1
    return n


def _number(ch: object) -> int | None:
    name = ch.po_refs[0].interface  # type: ignore[attr-defined]
    return po_number(name)


def static_channel_fix(ctx: CheckContext, ports: list[InterfaceRef]) -> str:
    """Switch commands that make ``ports`` one static channel (T3): the ports that are in no
    channel, in another one or negotiating join the first channel found (or a free number); on
    an MLAG pair, both peers' port-channels get the same vPC / MLAG id."""
    channels = [ch for p in ports if (ch := ctx.channel(p)) is not None]
    number = next((n for ch in channels if (n := _number(ch)) is not None), None)
    if number is None:
        number = free_po_number(ctx, ports[0].device)
    parts = []
    for p in ports:
        ch = ctx.channel(p)
        iface = ctx.iface(p)
        if ch is not None and iface.channel_group == number and iface.channel_mode == "on":
            continue
        parts.append(fixes.on_switch(p.device, ctx.platform(p), [fixes.channel_group(ctx.platform(p), number, "on")],
                                     p.interface))
    switches = sorted({p.device for p in ports})
    if len(switches) > 1 and not any(ch.mlag_id is not None for ch in channels):
        for s in switches:
            sw = ctx.inv.switches[s]
            if sw.mlag is not None:
                word = "vpc" if sw.platform == "nxos" else "mlag"
                parts.append(fixes.on_switch(s, sw.platform, [f"{word} {number} (mlag_id: {number})"], f"Po{number}"))
    return "; then ".join(parts)


def _hash_problems(ctx: CheckContext, ports: list[InterfaceRef]) -> tuple[list[str], list[str]]:
    """Why ``ports`` are not one static channel for IP hash (T3, T6, T7), and their channels."""
    of = [(p, ctx.channel(p)) for p in ports]
    unchannelled = [p for p, ch in of if ch is None]
    channels = sorted({ch.key for _, ch in of if ch is not None})
    negotiating = sorted({f"{p} ({ctx.iface(p).channel_mode})" for p, ch in of
                          if ch is not None and ctx.iface(p).channel_mode != "on"})
    problems = []
    if unchannelled:
        problems.append(f"{join(unchannelled)} {'is' if len(unchannelled) == 1 else 'are'} in no port-channel")
    if len(channels) > 1:
        problems.append(f"the ports are split over {plural(len(channels), 'port-channel')} ({join(channels)})")
    if negotiating:
        problems.append(f"{join(negotiating)} negotiate{'s' if len(negotiating) == 1 else ''} LACP/PAgP, "
                        "which a vSwitch never answers (T6)")
    return problems, channels


@rule("VN201", "ip-hash-without-channel", "error", ("T3", "T7", "M1"), tags=("teaming", "port-channel"))
def ip_hash_without_channel(ctx: CheckContext) -> Iterator[Issue]:
    """An IP-hash team's uplinks do not land on exactly one static port-channel.

    ## What it checks
    For every port group whose effective teaming is "Route based on IP hash" and that has at
    least two cabled active/standby uplinks, the switch ports those uplinks reach must all be
    members of one port-channel, and that channel must be static (`channel_mode: on`). It fires
    when some port is in no channel, when the ports are spread over several channels, or when
    the channel negotiates (LACP `active`/`passive`, PAgP `desirable`/`auto`). An uplink of
    the team cabled to another host rather than a switch makes the rule report *unknown*.

    ## Why it matters
    With IP hash the host sends one VM's frames out of every uplink, chosen per flow (T3). If
    the switch does not treat those ports as one logical link it sees the VM's MAC address
    jump between ports: MAC flapping, "loop detected" messages, inbound traffic delivered to
    whichever port learned last, intermittent loss (M1). A standard vSwitch never speaks LACP
    or PAgP (T6), so a negotiating channel never forms toward it.

    ## Failing example
    ```yaml
    switches:
      sw-a:
        interfaces:
          Gi1/0/1: {mode: trunk}          # no channel_group
          Gi1/0/2: {mode: trunk}
    hosts:
      esx01:
        vswitches:
          vSwitch0: {uplinks: [vmnic0, vmnic1], teaming: {policy: ip_hash}}
    ```

    ## Passing example
    ```yaml
    switches:
      sw-a:
        interfaces:
          Gi1/0/1: {mode: trunk, channel_group: 1, channel_mode: "on"}
          Gi1/0/2: {mode: trunk, channel_group: 1, channel_mode: "on"}
          Po1: {mode: trunk}
    ```

    ## Fix
    On the switch, bundle exactly the team's ports into one static channel
    (`channel-group N mode on` on IOS, NX-OS and EOS alike); the ports must sit on one switch,
    one stack or one MLAG pair. Or, on the host, leave IP hash (`teaming.policy: port_id`),
    which needs no channel.

    ## Rests on
    T3, T7, M1
    """
    # a group's finding hangs on its ports alone (they are in its key): the teams whose ports make none are left out
    # before grouping, judged once per cabled list (a host's teams that team alike share one, kept alive by ctx)
    judged: dict[int, bool] = {}
    teams = []
    for k, t, _, cabled, stray, _ in ctx.team_rows_in_order:
        if t.policy != "ip_hash":
            continue
        if stray and len(ctx.uplinks[k]) >= 2:
            yield ctx.cannot_tell(t, ctx.strays(k), "how the far end takes flows hashed onto it (no switch channel can "
                                  "hold it)", (*ctx.team_path(t, "teaming"), "policy"))
        bad = judged.get(id(cabled))
        if bad is None:
            ports = [u.port for u in cabled if u.port is not None]
            bad = judged[id(cabled)] = len(ports) >= 2 and bool(_hash_problems(ctx, ports)[0])
        if bad:
            teams.append(t)
    for group in ctx.group(teams, lambda t: _ports(ctx, t)):
        ports = list(_ports(ctx, group[0]))
        if len(ports) < 2:
            continue  # nothing to hash over: one uplink cannot flap
        objs, path = ctx.describe_teams(group)
        nics = [u.vmnic for u in ctx.cabled(_key(group[0]))]
        problems, channels = _hash_problems(ctx, ports)
        if not problems:
            continue
        units = {ctx.unit(p.device) for p in ports}
        host_fix = _host_side(ctx, group, "teaming.policy: port_id")
        if len(units) == 1:
            fix = fixes.combine(static_channel_fix(ctx, ports), "or " + host_fix)
        else:
            fix = fixes.combine(host_fix + " (the uplinks go to switches that are neither one stack nor an MLAG pair, "
                                "so they cannot form one channel)")
        msg = (f"{join(objs)} hashes by IP over {join(nics)}, but {'; '.join(problems)}: the switch sees each VM's "
               "MAC address move between ports (MAC flapping, intermittent loss, M1)")
        yield Issue((*objs, *map(str, ports), *channels), msg, fix, (*path, "policy"))


@rule("VN202", "channel-without-ip-hash", "error", ("T7", "M2"), tags=("teaming", "port-channel"))
def channel_without_ip_hash(ctx: CheckContext) -> Iterator[Issue]:
    """Host-facing ports form a port-channel but the team does not hash by IP (nor use a LAG).

    ## What it checks
    For every port group whose teaming is port ID, MAC hash, explicit failover order or
    load-based, none of its active/standby uplinks may reach a switch port that is bundled in
    a port-channel (a static `on` channel, or one that negotiated).

    ## Why it matters
    A channel lets the switch pick any member for frames toward the host, broadcast ARP
    requests included. The vSwitch, not hashing by IP, only accepts a port's broadcast and
    multicast frames on that port's home uplink (F9) and drops the rest: some VMs cannot be
    reached, ARP fails intermittently, and the symptoms move after a vMotion or power cycle (M2).

    ## Failing example
    ```yaml
    switches:
      sw-a:
        interfaces:
          Gi1/0/1: {mode: trunk, channel_group: 1}
          Gi1/0/2: {mode: trunk, channel_group: 1}
    hosts:
      esx01:
        vswitches:
          vSwitch0: {uplinks: [vmnic0, vmnic1]}     # port_id by default
    ```

    ## Passing example
    ```yaml
          vSwitch0: {uplinks: [vmnic0, vmnic1], teaming: {policy: ip_hash}}
    ```

    ## Fix
    Either remove the channel on the switch (`no channel-group` on each member), or set the
    vSwitch to IP hash with every uplink active (`teaming.policy: ip_hash`); on a vDS use a LAG
    with LACP instead.

    ## Rests on
    T7, M2
    """
    # a group's finding hangs on its ports alone (in its key): teams none of whose ports is bundled are left out
    # before grouping, judged once per cabled list (shared by a host's teams that team alike, kept alive by ctx)
    judged: dict[int, bool] = {}
    teams = []
    for _, t, _, cabled, _, _ in ctx.team_rows_in_order:
        if t.policy in CHANNEL_POLICIES:
            continue
        bad = judged.get(id(cabled))
        if bad is None:
            bad = judged[id(cabled)] = any(ctx.snap.member_state(u.port) == BUNDLED for u in cabled
                                           if u.port is not None)
        if bad:
            teams.append(t)
    for group in ctx.group(teams, lambda t: (t.policy, _ports(ctx, t))):
        bundled = [p for p in _ports(ctx, group[0]) if ctx.snap.member_state(p) == BUNDLED]
        if not bundled:
            continue
        objs, path = ctx.describe_teams(group)
        channels = sorted({ch.key for p in bundled if (ch := ctx.channel(p)) is not None})
        policy = group[0].policy
        switch_fix = "; then ".join(
            fixes.on_switch(p.device, ctx.platform(p), [fixes.no_channel_group(ctx.platform(p))], p.interface) for p in bundled)
        host_fix = _host_side(ctx, group, "teaming.policy: ip_hash, every uplink active" if group[0].kind == "vss"
                              else "use a LAG (lacp.lags) with LACP toward the channel")
        msg = (f"{join(objs)} balances by {policy}, but its uplinks reach {join(bundled)}, bundled in "
               f"{join(channels)}: the switch sends frames toward a VM on any member, and the vSwitch drops broadcasts "
               "arriving off the VM's home uplink (F9): intermittent ARP failures (M2)")
        yield Issue((*objs, *map(str, bundled), *channels), msg, fixes.combine(switch_fix, "or " + host_fix),
                    (*path, "policy"))


@rule("VN203", "ip-hash-standby-uplinks", "error", ("T3", "M3"), tags=("teaming",))
def ip_hash_standby_uplinks(ctx: CheckContext) -> Iterator[Issue]:
    """An IP-hash team, or a port-group override of it, has standby or unused uplinks.

    ## What it checks
    Every port group whose effective policy is IP hash must have all of its vSwitch's uplinks
    active: no standby and no unused adapters, including in port-group overrides such as a
    management port group that pins its own failover order.

    ## Why it matters
    The switch's channel delivers frames on any member. A port group treats frames arriving
    on a standby or unused uplink as not its own and drops them (F9), so that port group loses
    part of its traffic while the others work; the mixed order also makes MACs flap (M3).

    ## Failing example
    ```yaml
    vSwitch0:
      uplinks: [vmnic0, vmnic1]
      teaming: {policy: ip_hash}
      portgroups:
        Management: {vlan: 10, teaming: {active: [vmnic0], standby: [vmnic1]}}
    ```

    ## Passing example
    ```yaml
      portgroups:
        Management: {vlan: 10}          # inherits: both uplinks active
    ```

    ## Fix
    On the host, make every uplink active for IP-hash port groups (`teaming: {active: [all
    uplinks], standby: [], unused: []}`), or give the port group that needs a failover order its
    own vSwitch on unchannelled ports.

    ## Rests on
    T3, M3
    """
    teams = [t for t in ctx.teams.values() if t.policy == "ip_hash" and (t.standby or t.unused)]
    for group in ctx.group(teams, lambda t: (t.standby, t.unused)):
        t = group[0]
        objs, path = ctx.describe_teams(group)
        parts = []
        if t.standby:
            parts.append(f"standby {join(t.standby)}")
        if t.unused:
            parts.append(f"unused {join(t.unused)}")
        msg = (f"{join(objs)} hashes by IP but has {' and '.join(parts)}: the channel delivers frames on every member, "
               "and the port group drops those arriving on an uplink it does not use actively (F9, M3)")
        fix = _host_side(ctx, group, f"teaming: {{active: [{', '.join(t.uplinks)}], standby: [], unused: []}}")
        yield Issue(objs, msg, fix, path)


def _member_mismatch(ctx: CheckContext, ups: tuple[Uplink, ...]) -> tuple[
        str, PortChannel, set[InterfaceRef], list[InterfaceRef], list[InterfaceRef], list[Uplink]] | None:
    """Where a team's uplinks and the one channel they reach disagree (T3): the channel's key, the channel, its
    members, members not in the team, team ports not in it, team uplinks reaching no switch port; None if they
    agree, or the uplinks reach no channel or several."""
    ports = {u.port for u in ups if u.port is not None}
    channels = {ch.key: ch for p in ports if (ch := ctx.channel(p)) is not None}
    if len(channels) != 1:
        return None  # no channel, or several: ip-hash-without-channel and channel-split say so
    (key, ch), = channels.items()
    members = set(ch.members)
    extra = sorted(members - ports)
    missing = sorted(ports - members)
    # team uplinks that reach no switch port: the host hashes flows onto them, the channel never
    # holds them (an uncabled one is also uplink-not-cabled)
    astray = [u for u in ups if u.port is None]
    if not (extra or missing or astray):
        return None
    return key, ch, members, extra, missing, astray


@rule("VN207", "channel-member-count-mismatch", "error", ("T3",), tags=("teaming", "port-channel"))
def channel_member_count_mismatch(ctx: CheckContext) -> Iterator[Issue]:
    """An IP-hash channel's member count differs from the team's uplink count.

    ## What it checks
    For every IP-hash team whose uplinks reach one port-channel, the channel must contain
    exactly the switch ports of the team's active and standby uplinks: no member cabled
    elsewhere (another host, another vmnic, nothing), no team uplink's port outside the
    channel, and no team uplink that reaches no switch port at all (uncabled, or cabled to
    another host): the count compared is the team's, not only its cabled ports'.

    ## Why it matters
    IP hash spreads flows over the team's uplinks and the switch spreads the return traffic over
    the channel's members (T3). A member that leads elsewhere receives frames meant for this
    host and drops or misdelivers them; a team uplink outside the channel makes MACs flap, or,
    when it reaches no switch, loses the flows the host hashes onto it.

    ## Failing example
    ```yaml
    sw-a:
      interfaces:
        Gi1/0/1: {channel_group: 1}     # esx01 vmnic0
        Gi1/0/2: {channel_group: 1}     # esx01 vmnic1
        Gi1/0/3: {channel_group: 1}     # esx02 vmnic0: not esx01's team
    ```

    ## Passing example
    ```yaml
        Gi1/0/1: {channel_group: 1}     # esx01 vmnic0
        Gi1/0/2: {channel_group: 1}     # esx01 vmnic1
    ```

    ## Fix
    On the switch, give each host its own channel with exactly its team's ports
    (`no channel-group` on foreign members, `channel-group N mode on` on missing ones); on the
    host, make the team's active uplinks exactly the vmnics cabled to the channel.

    ## Rests on
    T3
    """
    # a group's finding hangs on its uplinks alone (its key): the teams whose uplinks make none are left out before
    # grouping, judged once per uplinks tuple (shared by a host's teams that team alike, kept alive by ctx)
    judged: dict[int, bool] = {}
    teams = []
    for k, t, _, cabled, _, _ in ctx.team_rows_in_order:
        if t.policy != "ip_hash":
            continue
        bad = judged.get(id(cabled))  # one cabled list per uplinks tuple: its id stands for the tuple's
        if bad is None:
            bad = judged[id(cabled)] = _member_mismatch(ctx, ctx.uplinks[k]) is not None
        if bad:
            teams.append(t)
    for group in ctx.group(teams, lambda t: ctx.uplinks[_key(t)]):
        ups = ctx.uplinks[_key(group[0])]
        got = _member_mismatch(ctx, ups)
        if got is None:
            continue
        key, ch, members, extra, missing, astray = got
        objs, path = ctx.describe_teams(group)
        details = []
        for m in extra:
            far = ctx.snap.cabling.peer(m)
            details.append(f"{m} leads to {far if far is not None else 'nothing'}")
        for m in missing:
            details.append(f"{m} is a team uplink outside the channel")
        for u in astray:
            host = group[0].host
            details.append(f"{host}:{u.vmnic} is cabled to {u.far}, not to the channel" if u.far is not None
                           else f"{host}:{u.vmnic} has no cable")
        msg = (f"{key} has {plural(len(members), 'member')} but {join(objs)} hashes over "
               f"{plural(len(ups), 'uplink')} ({'; '.join(details)}): the team and the channel disagree on their links, so "
               "return traffic lands on ports that are not this team's, or the team has fewer links than it lists (T3)")
        lines = [fixes.on_switch(m.device, ctx.platform(m), [fixes.no_channel_group(ctx.platform(m))], m.interface)
                 for m in extra]
        num = po_number(ch.po_refs[0].interface) or 1
        lines += [fixes.on_switch(m.device, ctx.platform(m), [fixes.channel_group(ctx.platform(m), num, "on")], m.interface)
                  for m in missing]
        if astray:
            nics = join(f"{group[0].host}:{u.vmnic}" for u in astray)
            lines.append(f"cable {nics} to the channel's switch and add the port to {key} "
                         f"(channel-group {num} mode on), or remove {'it' if len(astray) == 1 else 'them'} from the team")
        yield Issue((*objs, key, *map(str, extra + missing), *(f"{group[0].host}:{u.vmnic}" for u in astray)),
                    msg, "; then ".join(lines), ctx.iface_path(ch.po_refs[0]) if ch.declared else (*path, "policy"))
