"""A Snapshot: an Inventory plus a set of failed elements, deriving network state lazily.

Like a Batfish snapshot, it is the unit every analysis asks questions of; ``fork(fail=...)``
shares the Inventory, so failure sweeps only pay for what changes.  Derived state is computed
on first use, *for what is asked about*, and kept: link state per cable, port-channels per switch
neighbourhood, port ends, logical links per bridge, teams per host and port group, spanning trees
per connected part of an instance, layer 3 per interface, subnet and router (a trace of a
2,500-host design touches a few dozen of each).  Whole-design views (:attr:`logical_links`,
:attr:`channels`, :attr:`teams`, ``stp.links``) are still there for analyses that want everything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cached_property
from operator import attrgetter

from ..model import FailureRef, InterfaceRef, Inventory, po_number
from ..model.inventory import Link, failure_problem
from ..model.physical import Switch, SwitchInterface
from .cabling import Cabling, FailureSet
from .detection import Detection
from .endpoints import Endpoints
from .l3 import L3
from .lag import BUNDLED, STANDALONE, PortChannel, build_channels, channels_near, neighbourhood
from .settings import DEFAULT_SETTINGS, Settings
from .stp import ActiveTopology, SpanningTree
from .teaming import TeamState, build_team_states
from .teams import Team, build_teams, host_table
from .topology import LogicalLink, PortEnd, UnionFind, l2_domains
from .tracking import tracked_down
from .uplinks import Uplinks
from .vlans import PortVlans


class FailureError(ValueError):
    """A failure name that does not resolve in the design."""


class Snapshot:
    """The network as it is with ``inventory.failures`` plus ``fail`` applied."""

    def __init__(self, inventory: Inventory, fail: Iterable[str | FailureRef] = (),
                 settings: Settings | None = None) -> None:
        self.inventory = inventory
        self.settings = settings or DEFAULT_SETTINGS
        extra = []
        for item in fail:
            try:
                ref = FailureRef.parse(item)
            except ValueError as exc:
                raise FailureError(f"--fail {item}: {exc}") from None
            problem = failure_problem(inventory, ref)
            if problem:
                raise FailureError(f"--fail {item}: {problem}")
            extra.append(inventory.resolve_failure(ref))  # any spelling of an interface names it
        self.failures: tuple[FailureRef, ...] = tuple(dict.fromkeys([*inventory.failures, *extra]))
        self._logical: dict[tuple[str, str], LogicalLink] = {}
        self._links_of: dict[str, list[LogicalLink]] = {}
        self._host_tables: dict[str, tuple[dict[str, Team], int]] = {}  # :func:`~vinfra.network.teams.host_table`
        #: link-status and LAG detection outcomes, and the Active list after failover, by (host, active,
        #: standby, LAG): shared by port groups (:func:`~vinfra.network.teaming.team_state`)
        self.detections: dict[tuple, tuple[Detection, tuple[str, ...]]] = {}
        #: the outcome when every member is up, by (active, standby, LAG): shared by hosts
        self.clean_detections: dict[tuple, tuple[Detection, tuple[str, ...]]] = {}
        self._ends: dict[InterfaceRef, PortEnd] = {}
        self._port_vlans_by_ids: dict[tuple[int, int], PortVlans] = inventory.derived("network.port_vlans_by_ids", dict)
        self._channel_ends: dict[tuple[str, PortVlans], PortEnd] = {}
        #: :func:`~vinfra.network.stp.end_bridges` by end name
        self.end_bridges: dict[str, list[str]] = {}
        self._channels_near: dict[str, tuple[dict[InterfaceRef, PortChannel], dict[InterfaceRef, PortChannel]]] = {}
        self._channels_by_near: dict[tuple[str, ...], tuple[dict[InterfaceRef, PortChannel],
                                                             dict[InterfaceRef, PortChannel]]] = {}

    def fork(self, fail: Iterable[str | FailureRef] = ()) -> Snapshot:
        """A snapshot of the same design with more elements failed.  It shares this one's endpoints: they are
        made from the inventory alone (names, addresses, MACs, port IDs), and building 40,000 of them again was a
        sixth of a routing switch's scenario in the failure sweep."""
        child = Snapshot(self.inventory, [*self.failures, *fail], self.settings)
        child.__dict__["endpoints"] = self.endpoints  # the cached_property's slot
        return child

    # failures and link state ---------------------------------------------------------------
    @cached_property
    def failed(self) -> FailureSet:
        return FailureSet.resolve(self.inventory, self.failures)

    @cached_property
    def cabling(self) -> Cabling:
        return Cabling(self.inventory, self.failed)

    def switch_alive(self, name: str) -> bool:
        return name not in self.failed.devices

    def host_alive(self, name: str) -> bool:
        return name not in self.failed.devices

    def bridge_of(self, switch: str) -> str:
        """The logical switch (one STP bridge, one MAC table): its stack, else itself."""
        return self.inventory.logical_switch(switch)

    def bridge_alive(self, bridge: str) -> bool:
        members = self.inventory.stack_members(bridge) or [bridge]
        return any(self.switch_alive(m) for m in members)

    @cached_property
    def tracked_down(self) -> dict[InterfaceRef, str]:
        """Ports taken down by link-state tracking (T15), with the reason."""
        return tracked_down(self.inventory, self.cabling.link_up, self.switch_alive)

    def link_up(self, ref: InterfaceRef) -> bool:
        """Whether ``ref``'s cable is up at both ends, after failures and link-state tracking."""
        if not self.cabling.link_up(ref):
            return False
        tracked = self.tracked_down
        if not tracked:
            return True
        peer = self.cabling.peer(ref)
        return ref not in tracked and peer not in tracked

    def down_reason(self, ref: InterfaceRef) -> str | None:
        """Why a cabled interface is down, in the user's words; None when it is up."""
        if self.link_up(ref):
            return None
        peer = self.cabling.peer(ref)
        if peer is None:
            return f"{ref} is not cabled"
        for end in (ref, peer):
            if end in self.tracked_down:
                return f"{end} is down: {self.tracked_down[end]}"
        for end in (ref, peer):
            if end.device in self.failed.devices:
                return f"{end.device} has failed"
            if end in self.failed.interfaces:
                return f"{end} has failed"
        if tuple(sorted((ref, peer))) in self.failed.links:
            return f"link {ref}--{peer} has failed"
        for end in (ref, peer):
            owner = self.inventory.interface_owner(end) if end.device in self.inventory.switches else None
            if owner and self.inventory.switches[owner].interfaces[end.interface].shutdown:
                return f"{end} is shut down"
        return f"{ref} is down"

    # port-channels -----------------------------------------------------------------------------
    @cached_property
    def channels(self) -> list[PortChannel]:
        """Every port-channel of the design, by key: the same channels as :func:`~vinfra.network.lag.build_channels`,
        gathered from :meth:`channel_of`'s answers for each channel group's members and each MLAG Po, so that the
        channels already built for questions about single ports (the host-port rules ask about every one) are not
        worked out a second time (a twentieth of a check at 2,500 hosts).

        Those answers are worked out per neighbourhood (a switch's stack and MLAG peer), which holds all of a
        channel when every MLAG peering is mutual; the loader refuses a design where one is not, and should one
        come anyway, every channel is built from the whole design's groups."""
        inv = self.inventory
        switches = inv.switches
        for sw in switches.values():
            peer = switches.get(sw.mlag.peer) if sw.mlag is not None else None
            if sw.mlag is not None and (peer is None or peer.mlag is None or switches.get(peer.mlag.peer) is not sw):
                return build_channels(inv, self.cabling.peer, self.link_up)
        found: dict[str, PortChannel] = {}
        channel_of = self.channel_of
        for sname, sw in switches.items():
            mlag = sw.mlag is not None
            # the members of one channel group of a switch are members of one channel: asked for the first one
            # that the answer holds as a member (a Po named as a member is answered as a Po, so it does not count)
            asked: set[int] = set()
            for iname, iface in sw.interfaces.items():
                n = iface.channel_group
                if n is not None:
                    if n in asked:
                        continue
                elif not (mlag and iface.mlag_id is not None and po_number(iname) is not None):
                    continue
                ref = InterfaceRef(sname, iname)
                ch = channel_of(ref)
                if ch is not None:
                    found.setdefault(ch.key, ch)
                    if n is not None and ref in ch.member_state:  # every member has a state
                        asked.add(n)
        return [found[k] for k in sorted(found)]

    def _channel_index(self, switch: str) -> tuple[dict[InterfaceRef, PortChannel], dict[InterfaceRef, PortChannel]]:
        """Channels by member and by Po interface, among the switches that may share one with ``switch``
        (its stack and MLAG peer): worked out per switch on use."""
        got = self._channels_near.get(switch)
        if got is None:
            # the switches of one neighbourhood (a stack, an MLAG pair) share its index: built once, not per member
            near = tuple(neighbourhood(self.inventory, switch))
            got = self._channels_by_near.get(near)
            if got is None:
                by_member: dict[InterfaceRef, PortChannel] = {}
                by_po: dict[InterfaceRef, PortChannel] = {}
                for ch in channels_near(self.inventory, switch, self.cabling.peer, self.link_up).values():
                    for m in ch.members:
                        by_member[m] = ch
                    for po in ch.po_refs:
                        by_po[po] = ch
                got = self._channels_by_near[near] = (by_member, by_po)
            self._channels_near[switch] = got
        return got

    def channel_of(self, ref: InterfaceRef) -> PortChannel | None:
        """The channel a physical port is a member of, or that a ``Po`` interface names."""
        sw = self.inventory.switches.get(ref.device)
        if sw is None:
            return None
        iface = sw.interfaces.get(ref.interface)
        if iface is not None and iface.channel_group is None and po_number(ref.interface) is None:
            # a port declared in no channel group is a member of none: the index's answer, without building it
            # (or looking it up) for each of the thousands of host-facing ports outside channels
            return None
        by_member, by_po = self._channel_index(ref.device)
        if po_number(ref.interface) is not None:
            ref = self.inventory.resolve(ref)  # a Po in any spelling
            owner = self.inventory.interface_owner(ref)
            return by_po.get(InterfaceRef(owner, ref.interface)) if owner else None
        return by_member.get(ref)

    def member_state(self, ref: InterfaceRef) -> str | None:
        ch = self.channel_of(ref)
        return ch.member_state.get(ref) if ch is not None else None

    # VLANs ----------------------------------------------------------------------------------------
    def port_vlans(self, ref: InterfaceRef) -> PortVlans:
        """Effective VLAN settings of a switch port: a bundled member uses its channel's."""
        inv = self.inventory
        sw = inv.switches.get(ref.device)
        iface = sw.interfaces.get(ref.interface) if sw is not None else None
        if iface is not None:
            # declared as spelled on its own switch (every cabled port): what resolving and finding its owner
            # would give back, without asking
            return self._declared_port_vlans(ref, sw, iface, self.channel_of(ref))  # type: ignore[arg-type]
        ref = inv.resolve(ref)
        owner = inv.interface_owner(ref)
        if owner is None:
            raise KeyError(str(ref))
        sw = inv.switches[owner]
        ch = self.channel_of(ref)
        if ch is not None and (po_number(ref.interface) is not None or ch.member_state.get(ref) == BUNDLED):
            return PortVlans.of(ch.settings, sw)
        return PortVlans.of(sw.interfaces[ref.interface], sw)

    def _declared_port_vlans(self, ref: InterfaceRef, sw: Switch, iface: SwitchInterface,
                             ch: PortChannel | None) -> PortVlans:
        """:meth:`port_vlans` of a port ``sw`` declares as ``ref`` spells it, given its :meth:`channel_of`."""
        if ch is not None and (ch.member_state.get(ref) == BUNDLED or po_number(ref.interface) is not None):
            iface = ch.settings
        # :meth:`PortVlans.of` by the identity of the settings and switch (the inventory keeps both alive): its
        # interning compares VLAN sets field by field, per port
        memo = self._port_vlans_by_ids
        ids = (id(iface), id(sw))
        got = memo.get(ids)
        if got is None:
            got = memo[ids] = PortVlans.of(iface, sw)
        return got

    def forwarding(self, ref: InterfaceRef) -> bool:
        """Whether a physical switch port passes frames at all (up, not suspended)."""
        if not self.link_up(ref):
            return False
        state = self.member_state(ref)
        return state in (None, BUNDLED, STANDALONE)

    # host side --------------------------------------------------------------------------------------
    @cached_property
    def teams(self) -> dict[tuple[str, str], Team]:
        """Every port group's team on every host, keyed by (host, network)."""
        return build_teams(self.inventory, self._host_table)

    def host_teams(self, host: str) -> dict[str, Team]:
        """One host's teams by network: its entries of :attr:`teams` (the same objects), without the others'."""
        got = self._host_tables.get(host)
        return (got if got is not None else self._host_table(host))[0]

    def _host_table(self, host: str) -> tuple[dict[str, Team], int]:
        got = self._host_tables.get(host)
        if got is None:
            # a host's teams are built together: a walk that asks for one of them asks for the others, and they
            # share what they read
            got = self._host_tables[host] = host_table(self.inventory, host)
        return got

    def team(self, host: str, network: str) -> Team | None:
        """One port group's team on one host (:attr:`teams` without building the others)."""
        got = self._host_tables.get(host)
        return (got if got is not None else self._host_table(host))[0].get(network)

    def host_facing_ports(self) -> list[InterfaceRef]:
        """Physical switch ports cabled to a host vmnic (whatever their state)."""
        inv = self.inventory
        out = []
        for link in inv.links:
            for here, there in ((link.a, link.b), (link.b, link.a)):
                if here.device in inv.switches and there.device in inv.hosts:
                    out.append(here)
        # the references' own order (device, then interface) through a key: not a Python-level __lt__ per comparison
        return sorted(out, key=attrgetter("device", "interface"))

    def switch_port_of(self, host: str, vmnic: str) -> InterfaceRef | None:
        """The switch port a host's vmnic is cabled to, if any."""
        peer = self.cabling.peer(InterfaceRef(host, vmnic))
        if peer is not None and peer.device in self.inventory.switches:
            return peer
        return None

    # logical topology and layer-2 domains ---------------------------------------------------------------
    def port_end(self, ref: InterfaceRef, channel: PortChannel | bool | None = False) -> PortEnd:
        """The logical end a physical switch port belongs to: its bundled channel, or itself.  ``channel``: the
        port's :meth:`channel_of`, when the caller has it at hand."""
        got = self._ends.get(ref)
        if got is None:
            got = self._ends[ref] = self._port_end(ref, self.channel_of(ref) if channel is False else channel)
        return got

    def _port_end(self, ref: InterfaceRef, ch: PortChannel | None) -> PortEnd:
        sw = self.inventory.switches.get(ref.device)
        iface = sw.interfaces.get(ref.interface) if sw is not None else None
        if ch is not None and ch.member_state.get(ref) == BUNDLED:
            # the members of a channel on one switch have one end (an MLAG channel's two switches may carry
            # different VLANs: one each); worked out once
            vlans = (self._declared_port_vlans(ref, sw, iface, ch) if iface is not None  # type: ignore[arg-type]
                     else self.port_vlans(ref))
            key = (ch.key, vlans)
            got = self._channel_ends.get(key)
            if got is None:
                bundled = ch.bundled
                bridges = tuple(sorted({self.bridge_of(s) for s in ch.switches} | {self.bridge_of(m.device) for m in bundled}))
                got = self._channel_ends[key] = PortEnd(ch.key, bridges, vlans, bundled, ch.key)
            return got
        if iface is not None:  # a plain port (no channel, or not bundled): its own settings, its switch's bridge
            return PortEnd(f"{ref.device}:{ref.interface}", (sw.stack or ref.device,),  # type: ignore[union-attr]
                           self._declared_port_vlans(ref, sw, iface, ch), (ref,))  # type: ignore[arg-type]
        return PortEnd(str(ref), (self.bridge_of(ref.device),), self.port_vlans(ref), (ref,))

    def end_speed(self, end: PortEnd) -> int:
        """A port end's aggregate bandwidth in Mb/s: its (bundled) members' cable speeds added up."""
        speed = self.cabling.speed
        return sum(speed(m) for m in end.members)

    def _canonical_end(self, ref: InterfaceRef) -> PortEnd:
        """The end a logical link is built from: a bundled channel's first member's (by name) whichever member
        cable asks.  [model] A channel across two switches (MLAG, vPC) whose switches carry different VLANs gets
        its VLANs at the logical link from its first member's switch.  Each member's own end keeps its switch's
        VLANs; the logical link is built once per channel pair, and taking whichever member was asked first made
        the layer-2 topology depend on the order questions came in (the failure sweep's exactness test, seed 12:
        a spanning-tree state built before a walk dropped VLAN 20 from an MLAG to a router)."""
        end = self.port_end(ref)
        if len(end.members) > 1:
            first = min(end.members)
            if first != ref:
                return self.port_end(first)
        return end

    def _logical_link(self, link: Link) -> LogicalLink | None:
        """The forwarding logical link a cable between two switches is part of (a bundled channel once:
        its members give the same object), or None."""
        inv = self.inventory
        a, b = link.a, link.b
        if a.device not in inv.switches or b.device not in inv.switches:
            return None
        if not (self.forwarding(a) and self.forwarding(b)):
            return None
        ea, eb = self._canonical_end(a), self._canonical_end(b)
        if ea.bridges == eb.bridges and len(ea.bridges) == 1:
            return None  # a cable within one stack: no L2 effect across bridges
        key = (ea.name, eb.name) if ea.name <= eb.name else (eb.name, ea.name)
        got = self._logical.get(key)
        if got is None:
            got = self._logical[key] = LogicalLink(ea, eb) if ea.name <= eb.name else LogicalLink(eb, ea)
        return got

    @cached_property
    def logical_links(self) -> list[LogicalLink]:
        """Forwarding links between logical switches (a bundled channel once), in cabling order."""
        seen: dict[tuple[str, str], LogicalLink] = {}
        for link in self.inventory.links:
            ll = self._logical_link(link)
            if ll is not None:
                seen.setdefault((ll.a.name, ll.b.name), ll)
        return list(seen.values())

    def links_of(self, bridge: str) -> list[LogicalLink]:
        """Logical links with a member port on ``bridge`` (a logical switch), found from its own ports."""
        got = self._links_of.get(bridge)
        if got is None:
            inv = self.inventory
            cables = _switch_cables(inv)
            seen: dict[tuple[str, str], LogicalLink] = {}
            for sw in inv.stack_members(bridge) or ([bridge] if bridge in inv.switches else []):
                for link in cables.get(sw, ()):
                    ll = self._logical_link(link)
                    if ll is not None:
                        seen.setdefault((ll.a.name, ll.b.name), ll)
            got = self._links_of[bridge] = [seen[k] for k in sorted(seen)]
        return got

    @cached_property
    def _domains(self) -> UnionFind:
        return l2_domains(self.logical_links)

    def l2_domain(self, bridge: str, vlan: int) -> object:
        """An opaque id shared by every (bridge, VLAN) of one layer-2 domain."""
        return self._domains.find((bridge, vlan))

    def same_l2_domain(self, a: tuple[str, int], b: tuple[str, int]) -> bool:
        return self._domains.find(a) == self._domains.find(b)

    # derived forwarding state (spanning tree, detection, teaming, layer 3) ----------------------------------
    @cached_property
    def stp(self) -> SpanningTree:
        """Spanning tree after convergence (see :mod:`vinfra.network.stp`)."""
        return SpanningTree(self)

    @cached_property
    def active(self) -> ActiveTopology:
        """The layer-2 topology that forwards after spanning tree, per VLAN."""
        return ActiveTopology(self, self.stp)

    @cached_property
    def uplinks(self) -> Uplinks:
        """``snap.uplinks(host, vmnic)``: the switch port an uplink lands on, and what it admits."""
        return Uplinks(self)

    @cached_property
    def team_states(self) -> Mapping[tuple[str, str], TeamState]:
        """Every team after failure detection and failover (T9-T14), keyed like :attr:`teams`."""
        return build_team_states(self)

    @cached_property
    def endpoints(self) -> Endpoints:
        """Every endpoint (VM NIC, VMkernel port, SVI, routed port, FHRP VIP) with its addresses."""
        return Endpoints(self)

    @cached_property
    def l3(self) -> L3:
        """Layer 3: SVIs, routed links, FHRP, routing domains and routes."""
        return L3(self)

    # interfaces, as text ------------------------------------------------------------------------------------
    @staticmethod
    def ref(text: str | InterfaceRef) -> InterfaceRef:
        return InterfaceRef.parse(text)


__all__ = ["FailureError", "LogicalLink", "Snapshot"]


def _switch_cables(inv: Inventory) -> dict[str, list[Link]]:
    """The cables between two switches, by each switch holding one of their ends as a declared interface (what
    :meth:`Snapshot.links_of` finds a bridge's links from): a 2,500-host design has 12,000 switch ports, and
    most are cabled to hosts, which no logical link joins."""

    def build() -> dict[str, list[Link]]:
        switches = inv.switches
        out: dict[str, list[Link]] = {}
        for link in inv.links:
            if link.a.device not in switches or link.b.device not in switches:
                continue
            for end in dict.fromkeys((link.a, link.b)):
                if end.interface in switches[end.device].interfaces:
                    out.setdefault(end.device, []).append(link)
        return out

    return inv.derived("network.switch_cables", build)
