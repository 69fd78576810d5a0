"""Spanning tree on host-facing ports: edge (PortFast) and BPDU guard (T17, P1, P2)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from ...model import InterfaceRef
from .. import fixes
from ..context import CheckContext, join
from ..engine import rule
from ..finding import DesignPath, Issue


def _version(text: str | None) -> tuple[int, ...]:
    parts = []
    for piece in (text or "0").split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def _where_path(ctx: CheckContext, where: InterfaceRef, fallback: InterfaceRef, *tail: str) -> DesignPath:
    if ctx.inv.interface_owner(where) is not None:
        return ctx.iface_path(where, *tail)
    return ctx.iface_path(fallback, *tail)


@rule("VN401", "stp-edge-missing", "warning", ("T17", "P1", "M14"), tags=("stp",))
def stp_edge_missing(ctx: CheckContext) -> Iterator[Issue]:
    """A host-facing port is not an STP edge (PortFast) port.

    ## What it checks
    Every switch port cabled to a host vmnic — through its port-channel's settings when it is
    a bundled member — must be an STP edge port (`stp: {edge: true}`), unless the switch runs
    no spanning tree (`stp: {mode: none}`).

    ## Why it matters
    A vSwitch never loops and never sends BPDUs (F7), but a non-edge port spends 30-50 s
    listening and learning after every link-up. ESX fails back to a recovered uplink at once
    (failback is on by default), so its traffic and the RARPs that announce the move are lost
    for that time: outages after every switch reload or cable repair, and HA isolation events
    (T17, M14).

    ## Failing example
    ```yaml
    Gi1/0/1: {mode: trunk, allowed_vlans: "10,20"}               # esx01 vmnic0
    ```

    ## Passing example
    ```yaml
    Gi1/0/1: {mode: trunk, allowed_vlans: "10,20", stp: {edge: true}}
    ```

    ## Fix
    On the switch: IOS `spanning-tree portfast trunk` (`spanning-tree portfast` on access
    ports), NX-OS `spanning-tree port type edge trunk`, EOS `spanning-tree portfast`; on a
    port-channel, on the `Po` interface. Nothing to change on the host.

    ## Rests on
    T17, P1, M14
    """
    by_where: dict[InterfaceRef, list[tuple[InterfaceRef, InterfaceRef]]] = defaultdict(list)
    switches = ctx.inv.switches
    for port, nic in ctx.host_facing:
        sw = switches.get(port.device)  # :meth:`CheckContext.switch`: the port's own switch when it declares it
        if sw is None or port.interface not in sw.interfaces:
            sw = ctx.switch(port)
        if sw.stp_mode == "none":
            continue
        gov, where = ctx.governing(port)
        if gov.mode == "routed" or gov.stp.edge:
            continue
        by_where[where].append((port, nic))
    for where, items in sorted(by_where.items()):
        gov, _ = ctx.governing(items[0][0])
        plat = ctx.platform(items[0][0])
        ports = [p for p, _ in items]
        nics = [n for _, n in items]
        name = str(where) if where not in ports else join(ports)
        msg = (f"{name} (to {join(nics)}) is not an STP edge port: after every link-up it listens and learns for "
               "30-50 s while ESX already sends on it, losing traffic and RARPs after failback (T17, M14)")
        fix = fixes.on_switch(where.device, plat, [fixes.portfast(plat, gov.mode == "trunk")], where.interface)
        yield Issue((str(where), *(str(p) for p in ports if p != where), *map(str, nics)), msg, fix,
                    _where_path(ctx, where, ports[0], "stp"))


@rule("VN402", "bpdu-guard-without-guest-filter", "warning", ("P2", "S5", "M15"), tags=("stp",))
def bpdu_guard_without_guest_filter(ctx: CheckContext) -> Iterator[Issue]:
    """BPDU guard on host-facing ports while the host does not block guest BPDUs.

    ## What it checks
    For every host whose switch ports run BPDU guard (`stp: {bpdu_guard: true}`, without a
    per-port BPDU filter), the host must drop BPDUs sent by its VMs
    (`settings: {block_guest_bpdu: true}`, `Net.BlockGuestBPDU=1`, ESXi 5.1 and later).

    ## Why it matters
    A vSwitch passes a VM's frames, BPDUs included. One VM that sends BPDUs (a bridging
    appliance, a misconfigured guest) err-disables the port of its uplink; the VM fails over
    to the next uplink, which is err-disabled too, until the host is isolated; HA restarts the
    VM elsewhere and the cascade repeats across the cluster (P2, M15).

    ## Failing example
    ```yaml
    Gi1/0/1: {stp: {edge: true, bpdu_guard: true}}                  # esx01 vmnic0
    esx01: {settings: {block_guest_bpdu: false}}
    ```

    ## Passing example
    ```yaml
    esx01: {version: "6.7", settings: {block_guest_bpdu: true}}
    ```

    ## Fix
    On the host, `Net.BlockGuestBPDU=1` (`settings.block_guest_bpdu: true`, ESXi 5.1+); on
    older hosts, a per-port BPDU filter on the switch (`spanning-tree bpdufilter enable` on the
    interface, never globally).

    ## Rests on
    P2, S5, M15
    """
    by_host: dict[str, list[tuple[InterfaceRef, InterfaceRef, InterfaceRef]]] = defaultdict(list)
    for port, nic in ctx.host_facing:
        host = ctx.inv.hosts[nic.device]
        if host.settings.block_guest_bpdu:
            continue
        gov, where = ctx.governing(port)
        if gov.stp.bpdu_guard and not gov.stp.bpdu_filter:
            by_host[nic.device].append((port, nic, where))
    for hname, items in sorted(by_host.items()):
        host = ctx.inv.hosts[hname]
        ports = [p for p, _, _ in items]
        old = _version(host.version) < (5, 1)
        msg = (f"{join(ports)} run{'s' if len(ports) == 1 else ''} BPDU guard toward {hname}, which does not block guest "
               "BPDUs: one VM sending BPDUs err-disables each uplink in turn until the host is isolated (P2, M15)")
        switch_fix = "; then ".join(fixes.on_switch(w.device, ctx.platform(p), [fixes.bpdu_filter(ctx.platform(p))], w.interface)
                                    for p, _, w in items)
        host_fix = fixes.on_host(hname, "settings.block_guest_bpdu: true (Net.BlockGuestBPDU=1)")
        fix = (fixes.combine(switch_fix + f" ({hname} runs {host.product} {host.version}, before Net.BlockGuestBPDU)")
               if old else fixes.combine(host_fix, "or " + switch_fix))
        yield Issue((hname, *map(str, ports)), msg, fix, ("hosts", hname, "settings", "block_guest_bpdu"))
