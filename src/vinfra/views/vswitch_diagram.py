"""A host's virtual switches drawn the way the vSphere client draws them.

Port groups sit on the left with their VLAN and, under each, the VMs and VMkernel ports that use it;
the uplinks sit on the right, with each uplink's role (active / standby / unused) *for that port
group*, after teaming overrides (T16).  Under the switch, each uplink is followed to the switch port
it is cabled to.

:func:`host_diagrams` builds the data (pure, deterministic: design order throughout) and
:func:`diagram_lines` lays it out as text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..model import DvPortGroup, DvSwitch, EffectiveTeaming, InterfaceRef, Inventory, Nic, SwitchInterface, VSwitch

Role = Literal["active", "standby", "unused"]
ROLE_WIDTH = len("standby")


@dataclass(frozen=True, slots=True)
class Port:
    """A VM's vNIC or a VMkernel port on a port group."""

    kind: Literal["vm", "vmk"]
    name: str
    detail: str


@dataclass(frozen=True, slots=True)
class PortGroupRow:
    label: str
    vlan: str
    policy: str  # the effective teaming policy
    roles: tuple[Role, ...]  # one per uplink column of the switch
    ports: tuple[Port, ...]


@dataclass(frozen=True, slots=True)
class UplinkRow:
    """One column on the right: a vmnic, a dvUplink, or a vDS LAG (``lag:<name>``)."""

    name: str
    nic: str | None  # the vmnic behind it (None for a LAG, or a dvUplink this host does not map)
    speed: int | None
    peer: str | None  # ``device:interface`` at the cable's far end
    note: str  # what the far end is, or why there is none


@dataclass(frozen=True, slots=True)
class SwitchDiagram:
    host: str
    kind: Literal["standard", "distributed"]
    name: str
    summary: str
    policy: str  # the switch-level teaming policy; port groups that override it say so
    uplinks: tuple[UplinkRow, ...]
    portgroups: tuple[PortGroupRow, ...]


# ---------------------------------------------------------------------------------------------
# data
# ---------------------------------------------------------------------------------------------


def _role(team: EffectiveTeaming, uplink: str) -> Role:
    if uplink in team.active:
        return "active"
    if uplink in team.standby:
        return "standby"
    return "unused"


def _vss_vlan(vlan: int) -> str:
    if vlan == 0:
        return "no VLAN (0)"
    if vlan == 4095:
        return "all VLANs (4095)"
    return f"VLAN {vlan}"


def _dvs_vlan(pg: DvPortGroup) -> str:
    if isinstance(pg.vlan, int):
        return "no VLAN" if pg.vlan == 0 else f"VLAN {pg.vlan}"
    if pg.vlan.trunk is not None:
        return f"VLAN trunk {pg.vlan.trunk}"
    if pg.vlan.pvlan is not None:
        return f"PVLAN {pg.vlan.pvlan}"
    return "no VLAN" if not pg.vlan.vlan else f"VLAN {pg.vlan.vlan}"


def _ports_by_portgroup(inv: Inventory, host: str) -> dict[tuple[str, str, str], list[Port]]:
    """Ports keyed by ``(kind, switch, label)`` as :meth:`Inventory.portgroup_of` resolves them."""
    out: dict[tuple[str, str, str], list[Port]] = {}
    h = inv.hosts[host]
    for kname, vmk in h.vmkernel.items():
        where = inv.portgroup_of(host, vmk.portgroup)
        if where is None:
            continue
        bits = [str(vmk.ip) if vmk.ip else "no IP", ", ".join(vmk.services) or "no services"]
        if vmk.mtu != 1500:
            bits.append(f"MTU {vmk.mtu}")
        if vmk.iscsi_port_binding:
            bits.append("iSCSI port binding")
        out.setdefault(where, []).append(Port("vmk", kname, "  ".join(bits)))
    for vname in inv.vms_on(host):
        vm = inv.vms[vname]
        for k, nic in enumerate(vm.nics):
            where = inv.portgroup_of(host, nic.network)
            if where is None:
                continue
            name = vname if len(vm.nics) == 1 else f"{vname} nic{k + 1}"
            bits = [str(nic.ip) if nic.ip else "no IP"]
            if nic.guest_vlan is not None:
                bits.append(f"guest VLAN {nic.guest_vlan}")  # the guest tags it itself (VGT, V3, V4)
            elif _guest_tagging(inv, host, where):
                bits.append("guest untagged")
            if nic.mac:
                bits.append(nic.mac)
            if vm.power != "on":
                bits.append(f"powered {vm.power}" if vm.power == "off" else vm.power)
            if not nic.connected:
                bits.append("disconnected")
            out.setdefault(where, []).append(Port("vm", name, "  ".join(bits)))
    return out


def _guest_tagging(inv: Inventory, host: str, where: tuple[str, str, str]) -> bool:
    """Whether a port group passes the guest's own tags: VLAN 4095, or a vDS VLAN trunk (V3, V4)."""
    kind, switch, label = where
    if kind == "vss":
        return inv.hosts[host].vswitches[switch].portgroups[label].vlan == 4095
    vlan = inv.dvswitches[switch].portgroups[label].vlan
    return not isinstance(vlan, int) and vlan.trunk is not None


def _switch_port_text(iface: SwitchInterface, po: str) -> str:
    if iface.mode == "trunk":
        text = f"trunk, allowed {iface.allowed_vlans}, native {iface.native_vlan}"
    elif iface.mode == "routed":
        text = f"routed {iface.ip}" if iface.ip else "routed"
    else:
        text = f"access VLAN {iface.vlan}"
    if iface.channel_group is not None:
        text += f", {po} mode {iface.channel_mode}"
    if iface.mtu != 1500:
        text += f", MTU {iface.mtu}"
    if iface.shutdown:
        text += ", shutdown"
    return text


def _peer(inv: Inventory, host: str, nic: str, speed: int | None) -> tuple[str | None, str]:
    ref = InterfaceRef(host, nic)
    link = inv.link_at(ref)
    if link is None:
        return None, "not cabled"
    far = link.other_end(ref)
    iface = inv.interface(far)
    if isinstance(iface, SwitchInterface):
        # the channel's Po as declared (``Port-Channel5``), else the short form
        po = inv.resolve(InterfaceRef(far.device, f"Po{iface.channel_group}")).interface
        note = _switch_port_text(iface, po)
    else:
        note = "a host NIC"
    if link.speed is not None and link.speed != speed:
        note += f", cable {link.speed} Mb/s"
    return str(far), note


def _uplink_row(inv: Inventory, host: str, name: str, nic: str | None) -> UplinkRow:
    if nic is None:
        return UplinkRow(name, None, None, None, f"not mapped to a vmnic on {host}")
    nic_spec: Nic | None = inv.hosts[host].nics.get(nic)
    speed = nic_spec.speed if nic_spec else None
    peer, note = _peer(inv, host, nic, speed)
    return UplinkRow(name, nic, speed, peer, note)


def _vss_diagram(inv: Inventory, host: str, name: str, vs: VSwitch,
                 ports: dict[tuple[str, str, str], list[Port]]) -> SwitchDiagram:
    columns = list(vs.uplinks)
    rows = []
    for label, pg in vs.portgroups.items():
        team = vs.effective_teaming(label)
        rows.append(PortGroupRow(label, _vss_vlan(pg.vlan), team.policy, tuple(_role(team, u) for u in columns),
                                 tuple(ports.get(("vss", name, label), ()))))
    summary = f"standard vSwitch, MTU {vs.mtu}, teaming {vs.teaming.policy}"
    if vs.teaming.detection != "link_status":
        summary += f", {vs.teaming.detection} detection"
    uplinks = tuple(_uplink_row(inv, host, u, u) for u in columns)
    return SwitchDiagram(host, "standard", name, summary, str(vs.teaming.policy), uplinks, tuple(rows))


def _dvs_diagram(inv: Inventory, host: str, name: str, dvs: DvSwitch,
                 ports: dict[tuple[str, str, str], list[Port]]) -> SwitchDiagram:
    mapping = dvs.hosts.get(host, {})
    lags = [f"lag:{lag}" for lag in dvs.lacp.lags]
    columns = list(dvs.uplinks) + lags
    rows = []
    for label, pg in dvs.portgroups.items():
        team = dvs.effective_teaming(label)
        rows.append(PortGroupRow(label, _dvs_vlan(pg), team.policy, tuple(_role(team, u) for u in columns),
                                 tuple(ports.get(("vds", name, label), ()))))
    uplinks = [_uplink_row(inv, host, u, mapping.get(u)) for u in dvs.uplinks]
    for lname, lag in dvs.lacp.lags.items():
        members = ", ".join(lag.uplinks) or "none"
        uplinks.append(UplinkRow(f"lag:{lname}", None, None, None,
                                 f"LACP {lag.mode}; members {members}; hash {lag.hash}"))
    summary = f"distributed switch {dvs.version}, MTU {dvs.mtu}, teaming {dvs.teaming.policy}"
    return SwitchDiagram(host, "distributed", name, summary, str(dvs.teaming.policy), tuple(uplinks), tuple(rows))


def host_diagrams(inv: Inventory, host: str) -> list[SwitchDiagram]:
    """The standard vSwitches of ``host``, then the distributed switches it is a member of."""
    if host not in inv.hosts:
        raise KeyError(host)
    ports = _ports_by_portgroup(inv, host)
    out = [_vss_diagram(inv, host, n, vs, ports) for n, vs in inv.hosts[host].vswitches.items()]
    out.extend(_dvs_diagram(inv, host, n, dvs, ports) for n, dvs in inv.dvswitches.items() if host in dvs.hosts)
    return out


# ---------------------------------------------------------------------------------------------
# text
# ---------------------------------------------------------------------------------------------


def diagram_lines(d: SwitchDiagram) -> list[str]:
    """The diagram as text: port groups left, one column per uplink right, then the cabling."""
    left: list[tuple[str, PortGroupRow | None]] = []
    for pg in d.portgroups:
        head = f"{pg.label} · {pg.vlan}"
        if pg.policy != d.policy:
            head += f" · {pg.policy}"
        left.append((head, pg))
        left.extend((f"    {p.name}  {p.detail}", None) for p in pg.ports)
    widths = [max(len(u.name), ROLE_WIDTH) for u in d.uplinks]
    if not left:
        left.append(("(no port groups)", None))
    lw = max([len("Port groups")] + [len(text) for text, _ in left]) + 2

    def right(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    lines = [f"{d.host} · {d.name} ({d.summary})"]
    header = right([u.name for u in d.uplinks]) if d.uplinks else "(no uplinks: internal only)"
    rule_r = "─" * (max(sum(widths) + 2 * (len(widths) - 1), len(header)) + 1)
    lines.append(f"  {'Port groups'.ljust(lw)}│ {header}")
    lines.append(f"  {'─' * lw}┼{rule_r}")
    for text, pg in left:
        cells = right(list(pg.roles)) if pg is not None and d.uplinks else ""
        lines.append(f"  {text.ljust(lw)}│ {cells}".rstrip())
    lines.append(f"  {'─' * lw}┴{rule_r}")
    lines.append("  Uplinks" if d.kind == "distributed" else "  Physical adapters")
    nw = max([len(_uplink_name(u)) for u in d.uplinks] or [0])
    for u in d.uplinks:
        name = _uplink_name(u).ljust(nw)
        if u.nic is None:
            lines.append(f"    {name}  {u.note}")
            continue
        speed = f"{u.speed} Mb/s" if u.speed is not None else "? Mb/s"
        target = f"── {u.peer}  {u.note}" if u.peer else f"── {u.note}"
        lines.append(f"    {name}  {speed.rjust(10)}  {target}".rstrip())
    if not d.uplinks:
        lines.append("    none")
    return lines


def _uplink_name(u: UplinkRow) -> str:
    if u.nic is not None and u.nic != u.name:
        return f"{u.name} = {u.nic}"
    return u.name

