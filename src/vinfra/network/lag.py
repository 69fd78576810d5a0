"""Port-channels: which form, and the state of every member.

Topology-v1, "Port-channels": one logical channel is a switch's ``Po<N>``, a stack's ``Po<N>``
(declared once), or the ``Po``s with the same ``mlag_id`` on an MLAG pair.  The Po's settings
govern its members; a member whose settings differ is suspended; an undeclared Po takes its
first member's settings.  ``on``/``on``, ``active``/``active``, ``active``/``passive`` and
``desirable``/``auto`` or ``desirable`` form a bundle.  An LACP or PAgP port with no partner runs
stand-alone on ``ios``, is suspended on ``nxos`` and inactive on ``eos`` (M5, M6).  A standard
vSwitch never speaks LACP (T6) nor PAgP (M6); a vDS LAG speaks LACP in its own mode.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter

from ..model import InterfaceRef, Inventory, SwitchInterface, po_number

LACP = ("active", "passive")
PAGP = ("desirable", "auto")

BUNDLED = "bundled"
STANDALONE = "standalone"  # IOS "I": forwards as an ordinary port
SUSPENDED = "suspended"  # NX-OS "s" / EOS inactive: no traffic
DOWN = "down"

#: Settings that must match between a member and its channel.
MEMBER_KEYS = ("mode", "vlan", "allowed_vlans", "native_vlan")

_REF_ORDER = attrgetter("device", "interface")


@dataclass(init=False)
class PortChannel:
    """One logical channel and the state of each member.

    A value: never changed once built, and it compares by its fields (it holds dicts, so it has no hash, frozen or
    not).  Not declared frozen: a frozen dataclass sets each field through ``object.__setattr__``, a good part of
    building each of the thousands of channels of a large design."""

    key: str  # "sw-a:Po1", "acc-stack:Po1" or "n5k-1+n5k-2:mlag11"
    switches: tuple[str, ...]  # the switches that hold the Po (two for an MLAG channel)
    po_refs: tuple[InterfaceRef, ...]  # the Po interface on each of them
    settings: SwitchInterface
    declared: bool
    members: tuple[InterfaceRef, ...]
    member_state: dict[InterfaceRef, str] = field(default_factory=dict)
    reasons: dict[InterfaceRef, str] = field(default_factory=dict)
    peer_link: bool = False
    mlag_id: int | None = None

    def __init__(self, key: str, switches: tuple[str, ...], po_refs: tuple[InterfaceRef, ...],
                 settings: SwitchInterface, declared: bool, members: tuple[InterfaceRef, ...],
                 member_state: dict[InterfaceRef, str] | None = None, reasons: dict[InterfaceRef, str] | None = None,
                 peer_link: bool = False, mlag_id: int | None = None) -> None:
        self.key = key
        self.switches = switches
        self.po_refs = po_refs
        self.settings = settings
        self.declared = declared
        self.members = members
        self.member_state = {} if member_state is None else member_state
        self.reasons = {} if reasons is None else reasons
        self.peer_link = peer_link
        self.mlag_id = mlag_id

    @property
    def up(self) -> bool:
        return any(s == BUNDLED for s in self.member_state.values())

    @property
    def bundled(self) -> tuple[InterfaceRef, ...]:
        return tuple(m for m in self.members if self.member_state.get(m) == BUNDLED)

    @property
    def name(self) -> str:
        return self.key


def host_lacp_mode(inv: Inventory, host: str, vmnic: str) -> str | None:
    """The LACP mode a host runs on ``vmnic``: its vDS LAG's mode, else None (no LACP, T6)."""
    if not inv.dvswitches:
        return None
    return inv.derived("network.lag.host_lacp_modes", lambda: _host_lacp_modes(inv)).get((host, vmnic))


def _host_lacp_modes(inv: Inventory) -> dict[tuple[str, str], str]:
    """:func:`host_lacp_mode` of every (host, vmnic) that runs LACP: the first vDS, dvUplink and LAG it finds."""
    out: dict[tuple[str, str], str] = {}
    for dvs in inv.dvswitches.values():
        for host, mapping in dvs.hosts.items():
            for uplink, nic in mapping.items():
                for lag in dvs.lacp.lags.values():
                    if uplink in lag.uplinks:
                        out.setdefault((host, nic), lag.mode)
                        break
    return out


def _pairs(mine: str, theirs: str | None) -> bool:
    """Whether two ends' channel modes form a bundle (``None``: not a channel member)."""
    if mine == "on":
        return True  # static: the switch bundles whatever is on the other end
    if mine in LACP:
        return theirs in LACP and "active" in (mine, theirs)
    if mine in PAGP:
        return theirs in PAGP and "desirable" in (mine, theirs)
    return False


def _no_partner(platform: str) -> str:
    return STANDALONE if platform == "ios" else SUSPENDED


def channel_groups(inv: Inventory, switches: list[str]) -> dict[str, dict]:
    """Channel groups held by ``switches`` (every switch of the design, or one logical switch and its
    MLAG peer: a channel's members and Pos never lie elsewhere)."""
    groups: dict[str, dict] = {}
    mlag_po: dict[tuple[str, int], str] = {}  # (switch, N) -> channel key, for MLAG Pos

    # MLAG channels: Po<N> with mlag_id on both peers
    for sname in switches:
        sw = inv.switches[sname]
        if sw.mlag is None:
            continue
        pair = "+".join(sorted((sname, sw.mlag.peer)))
        for iname, iface in sw.interfaces.items():
            if iface.mlag_id is None:
                continue
            n = po_number(iname)
            if n is None:
                continue
            key = f"{pair}:mlag{iface.mlag_id}"
            g = groups.get(key)
            if g is None:
                g = groups[key] = {"switches": [], "pos": [], "settings": None, "members": [], "mlag_id": iface.mlag_id}
            g["switches"].append(sname)
            g["pos"].append(InterfaceRef(sname, iname))
            g["settings"] = g["settings"] or iface
            mlag_po[(sname, n)] = key

    po_names: dict[tuple[str, int], str] = {}  # (logical switch, N) -> its Po as declared, else "Po<N>"
    members_of: dict[tuple[str, int], list[InterfaceRef]] = {}  # (switch, N) -> its group's members: found once
    for sname in switches:
        sw = inv.switches[sname]
        owner_name = sw.stack or sname
        for iname, iface in sw.interfaces.items():
            n = iface.channel_group
            if n is None:
                continue
            members = members_of.get((sname, n))
            if members is None:
                key = mlag_po.get((sname, n))  # an MLAG channel's, else the logical switch's Po (found once)
                if not key:
                    po = po_names.get((owner_name, n))
                    if po is None:
                        po = po_names[(owner_name, n)] = inv.resolve(InterfaceRef(sname, f"Po{n}")).interface
                    key = f"{owner_name}:{po}"
                g = groups.get(key)
                if g is None:
                    g = groups[key] = {"switches": [], "pos": [], "settings": None, "members": [], "mlag_id": None}
                members = members_of[(sname, n)] = g["members"]
            members.append(InterfaceRef(sname, iname))
    return groups


def build_channels(inv: Inventory, peer: Callable[[InterfaceRef], InterfaceRef | None],
                   link_up: Callable[[InterfaceRef], bool]) -> list[PortChannel]:
    """Every port-channel of the design with its members' state under the given link state."""
    groups = channel_groups(inv, list(inv.switches))
    return [make_channel(inv, key, g, peer, link_up) for key, g in sorted(groups.items())]


def neighbourhood(inv: Inventory, switch: str) -> list[str]:
    """The switches that may share a channel with ``switch``: its stack, and its MLAG peer's, in design order."""
    names: set[str] = set()
    for s in (switch, *([inv.switches[switch].mlag.peer] if inv.switches[switch].mlag is not None else [])):
        sw = inv.switches.get(s)
        if sw is None:
            continue
        names.update(inv.stack_members(sw.stack) if sw.stack else [s])
    return [s for s in inv.switches if s in names]


def channels_near(inv: Inventory, switch: str, peer: Callable[[InterfaceRef], InterfaceRef | None],
                  link_up: Callable[[InterfaceRef], bool]) -> dict[str, PortChannel]:
    """The channels :func:`build_channels` finds among ``switch``'s neighbourhood, by key."""
    groups = channel_groups(inv, neighbourhood(inv, switch))
    return {key: make_channel(inv, key, g, peer, link_up) for key, g in sorted(groups.items())}


def make_channel(inv: Inventory, key: str, g: dict, peer: Callable[[InterfaceRef], InterfaceRef | None],
                 link_up: Callable[[InterfaceRef], bool]) -> PortChannel:
    members = sorted(g["members"], key=_REF_ORDER)  # the references' own order, without a Python-level __lt__
    if g["mlag_id"] is None:
        owner_name, _, po = key.partition(":")
        first_switch = members[0].device if members else owner_name
        po_ref = inv.resolve(InterfaceRef(first_switch, po))
        po = po_ref.interface
        holder = inv.interface_owner(po_ref)
        declared = holder is not None
        if declared:
            po_ref = InterfaceRef(holder, po)  # type: ignore[arg-type]
            settings = inv.switches[holder].interfaces[po]  # type: ignore[index]
        else:
            first = members[0]
            settings = inv.switches[first.device].interfaces[first.interface]
        switches = tuple(sorted({m.device for m in members} | ({holder} if holder else set())))
        po_refs: tuple[InterfaceRef, ...] = (po_ref,)
        peer_link = settings.peer_link
    else:
        declared = True
        settings = g["settings"]
        switches = tuple(sorted(g["switches"]))
        po_refs = tuple(sorted(g["pos"]))
        peer_link = False
    state: dict[InterfaceRef, str] = {}
    reasons: dict[InterfaceRef, str] = {}
    design_switches, hosts = inv.switches, inv.hosts
    for m in members:
        sw = design_switches[m.device]
        iface = sw.interfaces[m.interface]
        if not link_up(m):
            state[m] = DOWN
            continue
        if iface is settings or (iface.mode == settings.mode and iface.vlan == settings.vlan
                                 and iface.allowed_vlans == settings.allowed_vlans
                                 and iface.native_vlan == settings.native_vlan):
            differing = None  # :data:`MEMBER_KEYS` all equal (read by name: no getattr per key and member)
        else:
            differing = [k for k in MEMBER_KEYS if getattr(iface, k) != getattr(settings, k)]
        if differing:
            state[m] = SUSPENDED
            reasons[m] = f"settings differ from {key}: {', '.join(differing)}"
            continue
        other = peer(m)
        theirs: str | None = None
        partner_kind = "switch"
        if other is not None and other.device in hosts:
            partner_kind = "host"
            theirs = host_lacp_mode(inv, other.device, other.interface)
        elif other is not None and other.device in design_switches:
            o = design_switches[other.device].interfaces.get(other.interface)
            theirs = o.channel_mode if o is not None and o.channel_group is not None else None
        mode = iface.channel_mode
        if _pairs(mode, theirs):
            state[m] = BUNDLED
        else:
            state[m] = _no_partner(sw.platform)
            proto = "LACP" if mode in LACP else "PAgP"
            who = "the host (a standard vSwitch never speaks LACP or PAgP)" if partner_kind == "host" and theirs is None else str(other)
            reasons[m] = f"{proto} ({mode}) gets no partner from {who}"
    return PortChannel(key, switches, po_refs, settings, declared, tuple(members), state, reasons,
                       peer_link, g["mlag_id"])
