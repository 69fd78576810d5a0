"""VMkernel ports: iSCSI port binding and shared subnets (K5, K6)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from .. import fixes
from ..context import CheckContext, Endpoint, join, plural
from ..engine import rule
from ..finding import Issue


@rule("VN701", "iscsi-binding-invalid", "error", ("K5", "M18"), tags=("vmkernel", "storage"))
def iscsi_binding_invalid(ctx: CheckContext) -> Iterator[Issue]:
    """An iSCSI-bound VMkernel port has not exactly one active uplink with all others unused,
    or the bound ports' subnets break port binding's rules.

    ## What it checks
    Every VMkernel port with `iscsi_port_binding: true` must sit on a port group whose team has
    exactly one active uplink, no standby uplink (the others unused), and no IP hash or LAG.
    The bound ports of one virtual switch must share one subnet: with binding, ports and target
    portals live in one subnet, never behind a router. (Targets themselves are not in the
    design; a switch whose bound ports span subnets necessarily has ports outside the targets'
    subnet.) Bound ports on separate virtual switches must be in different subnets (K5).

    ## Why it matters
    Port binding maps one VMkernel port to one vmnic (K5): the software initiator refuses the
    binding, or marks it non-compliant, when the port could fail over; paths then go missing
    and LUNs are not found (M18). Binding across subnets makes the initiator log in through
    ports that cannot reach the portal without routing, which binding does not do. One subnet
    on two vSwitches leaves the VMkernel to pick the adapter for that subnet by route order, so
    logins leave through the wrong one and paths go missing.

    ## Failing example
    ```yaml
    portgroups:
      iSCSI-A: {teaming: {active: [vmnic4], standby: [vmnic5]}}
    vmkernel:
      vmk1: {portgroup: iSCSI-A, iscsi_port_binding: true}
    ```

    ## Passing example
    ```yaml
      iSCSI-A: {teaming: {active: [vmnic4], standby: [], unused: [vmnic5]}}
    ```

    ## Fix
    On the host, give each bound port group one active adapter and move every other uplink to
    unused (`teaming: {active: [vmnic4], standby: [], unused: [vmnic5]}`); put all bound ports
    in the targets' subnet, or do not bind when the targets are routed; give each vSwitch with
    bound ports its own subnet, or put the bound ports on one vSwitch.

    ## Rests on
    K5, M18
    """
    bound_by_host: dict[str, list[Endpoint]] = defaultdict(list)
    for e in ctx.vmk_endpoints:
        if e.kind != "vmk" or not e.iscsi_bound or e.team is None:
            continue
        bound_by_host[e.host].append(e)
        team = ctx.teams[e.team]
        problems = []
        if len(team.active) != 1:
            problems.append(f"{plural(len(team.active), 'active uplink')} ({join(team.active) or 'none'}) instead of one")
        if team.standby:
            problems.append(f"standby {join(team.standby)} (must be unused)")
        if team.policy in ("ip_hash", "lag"):
            problems.append("IP hash / a LAG (no EtherChannel or LACP with port binding)")
        if not problems:
            continue
        obj = f"{team.host}:{team.switch}/{team.portgroup}"
        active = team.active[0] if team.active else (team.standby[0] if team.standby else "vmnicN")
        others = [u for u in team.uplinks if u != active]
        msg = f"{e.name} is bound to iSCSI, but {obj} has {'; '.join(problems)}: the binding is refused or non-compliant (K5, M18)"
        fix = fixes.on_host(obj, f"teaming: {{policy: explicit, active: [{active}], standby: [], unused: [{', '.join(others)}]}}")
        yield Issue((e.name, obj), msg, fix, ctx.team_path(team, "teaming"))
    for host, bound in sorted(bound_by_host.items()):
        # K5: on one virtual switch the bound ports share the targets' subnet; on separate ones they
        # need different subnets (the initiator cannot tell which switch a subnet's portal is behind)
        by_switch: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for e in bound:
            if e.ip is not None and e.team is not None:
                t = ctx.teams[e.team]
                by_switch[f"{host}:{t.switch}"][str(e.ip.network)].append(e.name)
        paths = {e.name: (*e.path, "ip") for e in bound}
        for switch, nets in sorted(by_switch.items()):
            if len(nets) > 1:
                names = sorted(n for ns in nets.values() for n in ns)
                parts = "; ".join(f"{join(sorted(ns))} in {net}" for net, ns in sorted(nets.items()))
                msg = (f"the iSCSI-bound ports of {switch} span {len(nets)} subnets ({parts}): with port binding the "
                       "bound ports of one switch and the target portal share one subnet; ports outside it cannot "
                       "reach the targets (K5, M18)")
                yield Issue(tuple(names), msg, fixes.on_host(host, "vmkernel: the bound ports of one vSwitch in the "
                                                             "targets' subnet, or no binding for routed targets"), paths[names[-1]])
        switches_of: dict[str, list[str]] = defaultdict(list)
        for switch, nets in by_switch.items():
            for net in nets:
                switches_of[net].append(switch)
        for net, switches in sorted(switches_of.items()):
            if len(switches) < 2:
                continue
            names = sorted(n for sw in switches for n in by_switch[sw][net])
            msg = (f"{join(names)} are iSCSI-bound on separate switches ({join(sorted(switches))}) but share {net}: bound "
                   "ports on separate vSwitches need different subnets, or the host reaches the portals through the "
                   "wrong adapter and fails to discover LUNs (K5, M18)")
            yield Issue(tuple(names), msg, fixes.on_host(host, "vmkernel: one subnet per vSwitch for the bound ports, "
                                                         "or put the bound ports on one vSwitch"), paths[names[-1]])


@rule("VN702", "vmk-same-subnet", "warning", ("K6",), tags=("vmkernel",))
def vmk_same_subnet(ctx: CheckContext) -> Iterator[Issue]:
    """Several VMkernel ports of one host share a subnet.

    ## What it checks
    Within one host, VMkernel ports (not Service Console ports, which have their own IP stack)
    must not have addresses in the same subnet. iSCSI-bound ports are exempt among themselves:
    port binding requires them to share the targets' subnet (K5).

    ## Why it matters
    The VMkernel routes by destination: traffic to a subnet leaves from the first VMkernel port
    in it, whatever services the others carry (K6). vMotion or NFS then run over the management
    port's uplinks and VLAN policy rather than their own.

    ## Failing example
    ```yaml
    vmkernel:
      vmk0: {portgroup: Management, ip: 10.0.1.11/24, services: [management]}
      vmk1: {portgroup: vMotion, ip: 10.0.1.21/24, services: [vmotion]}
    ```

    ## Passing example
    ```yaml
      vmk1: {portgroup: vMotion, ip: 10.0.20.11/24, services: [vmotion]}
    ```

    ## Fix
    On the host, give each traffic type its own subnet and VLAN (K4), or, from ESXi 6.0, put
    vMotion on its own TCP/IP stack.

    ## Rests on
    K6
    """
    # by host, then by subnet as (prefix length, subnet bits): the subnet's text (slow to write) only for a subnet
    # shared by two ports, in the order of that text as before
    by_host: dict[str, dict[tuple[int, int], list[Endpoint]]] = defaultdict(lambda: defaultdict(list))
    for e in ctx.vmk_endpoints:
        if e.kind == "vmk" and e.ip is not None and "service_console" not in e.services:
            length = e.ip.network.prefixlen
            by_host[e.host][(length, e.addr >> (32 - length))].append(e)  # type: ignore[operator]
    for host, by_net in sorted(by_host.items()):
        nets = {str(vmks[0].ip.network): vmks for vmks in by_net.values() if len(vmks) >= 2}  # type: ignore[union-attr]
        for net, vmks in sorted(nets.items()):
            if all(e.iscsi_bound for e in vmks):
                continue
            vmks = sorted(vmks, key=lambda e: e.name)
            shown = join(f"{e.name} ({join(e.services) or 'no services'})" for e in vmks)
            msg = (f"{shown} share {net}: traffic to that "
                   "subnet leaves from one of them only, whatever their services (K6)")
            yield Issue(tuple(e.name for e in vmks), msg,
                        fixes.on_host(host, f"vmkernel: one port per subnet in {net} (separate VLANs and subnets per traffic type)"),
                        (*vmks[1].path, "ip"))
