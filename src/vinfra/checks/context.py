"""What several rules need from a Snapshot, worked out once per run.

Everything here is a view of :class:`vinfra.network.Snapshot` (teams, cabling, port-channels,
port VLANs, L2 domains): nothing re-derives network behaviour.  The one thing added is the
*carriage* of a port group on a switch port — which switch VLAN its frames enter and whether
that VLAN's frames come back to it — which is V1-V8 applied through
:meth:`PortVlans.ingress` / :meth:`PortVlans.egress` and :func:`portgroup_accepts`.
"""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from operator import itemgetter
from typing import TYPE_CHECKING, Any, TypeVar

from ..model import NO_VLANS, InterfaceRef, Inventory, VlanSet, po_number, svi_vlan
from ..model.physical import Switch, SwitchInterface
from ..network.lag import BUNDLED, PortChannel
from ..network.teams import Team
from ..network.vlans import PortVlans, portgroup_accepts
from .finding import DesignPath, Issue

if TYPE_CHECKING:
    from ..analysis.reach import Reach
    from ..network import Snapshot

MGMT_SERVICES = frozenset({"management", "service_console"})

T = TypeVar("T")


@dataclass(slots=True, unsafe_hash=True)
class Uplink:
    """An active or standby vmnic of a team and what its cable reaches.

    A value: never changed once built, and it hashes by its fields as a frozen dataclass would (not declared
    frozen for the cost of building one, as :class:`Endpoint`: 20,000 of them at 2,500 hosts)."""

    vmnic: str
    role: str  # "active" | "standby"
    port: InterfaceRef | None  # the switch port at the far end of the cable
    far: InterfaceRef | None  # whatever the far end is (a switch port or another host's vmnic)


@dataclass(frozen=True, slots=True)
class PgVlan:
    """A port group's VLAN type (section 2): EST (0), VST (1-4094), VGT (4095), vDS trunk, PVLAN."""

    kind: str  # "est" | "vst" | "vgt" | "trunk" | "pvlan"
    vlan: int | None = None  # 0 for EST, the ID for VST and PVLAN
    trunk: VlanSet | None = None
    #: whether the port group's frames belong to one VLAN (EST, VST, PVLAN): a field, not worked out per question
    #: (asked for each of 25,000 teams by several rules)
    single: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "single", self.kind in ("est", "vst", "pvlan"))

    def __str__(self) -> str:
        if self.kind == "est":
            return "VLAN 0 (untagged)"
        if self.kind == "vgt":
            return "VLAN 4095 (guest tagging)"
        if self.kind == "trunk":
            return f"VLAN trunk {self.trunk}"
        if self.kind == "pvlan":
            return f"private VLAN {self.vlan}"
        return f"VLAN {self.vlan}"


@dataclass(frozen=True, slots=True)
class Carriage:
    """How a single-VLAN port group's frames fare on one switch port.

    ``vlan``: the switch VLAN its frames enter (None: the port drops them, ``reason`` says why);
    ``inbound``: whether the switch's frames of that VLAN come back to the port group (False
    for a VST port group on its trunk's native VLAN, V6).
    """

    vlan: int | None
    inbound: bool
    reason: str = ""

    @property
    def both_ways(self) -> bool:
        return self.vlan is not None and self.inbound


@dataclass(slots=True, unsafe_hash=True, init=False)
class Endpoint:
    """A VM NIC or a VMkernel / Service Console port: something with a MAC and maybe an IP.

    A value: never changed once built, and it hashes by its fields as a frozen dataclass would.  It is not
    declared frozen because a frozen dataclass sets each field through ``object.__setattr__``, which made
    building the 45,000 ports of a 2,500-host design cost three times as much."""

    name: str  # "web01", "web01:nic1", "esx01:vmk0"
    kind: str  # "vm" | "vmk"
    host: str
    team: tuple[str, str] | None  # key into Snapshot.teams
    ip: ipaddress.IPv4Interface | None
    gateway: ipaddress.IPv4Address | None
    mac: str | None
    mtu: int | None  # VMkernel ports only
    services: tuple[str, ...]
    path: DesignPath
    iscsi_bound: bool = False
    guest_vlan: int | None = None  # VM NICs: the VLAN the guest tags (VGT, V3, V4)
    # the address and gateway as integers: rules group and look ports up by them (an ipaddress object hashes
    # through Python code, and 40,000 ports are looked up by several rules)
    addr: int | None = field(default=None, init=False, compare=False)
    gw: int | None = field(default=None, init=False, compare=False)

    def __init__(self, name: str, kind: str, host: str, team: tuple[str, str] | None,
                 ip: ipaddress.IPv4Interface | None, gateway: ipaddress.IPv4Address | None, mac: str | None,
                 mtu: int | None, services: tuple[str, ...], path: DesignPath, iscsi_bound: bool = False,
                 guest_vlan: int | None = None) -> None:
        # the dataclass's own __init__ plus a __post_init__ for ``addr`` and ``gw``, in one call (45,000 ports)
        self.name = name
        self.kind = kind
        self.host = host
        self.team = team
        self.ip = ip
        self.gateway = gateway
        self.mac = mac
        self.mtu = mtu
        self.services = services
        self.path = path
        self.iscsi_bound = iscsi_bound
        self.guest_vlan = guest_vlan
        # ``int()`` of an address is its ``_ip`` (what ``ipaddress`` answers ``__int__`` with), read without the call
        self.addr = None if ip is None else ip._ip
        self.gw = None if gateway is None else gateway._ip


@dataclass(frozen=True, slots=True)
class Svi:
    """A switch's ``Vlan<N>`` interface with an address (its own, or an anycast gateway's that is its only one)."""

    switch: str  # the switch that declares it (a stack member for a stack's SVI)
    bridge: str
    name: str
    vlan: int
    iface: SwitchInterface
    alive: bool

    @property
    def ref(self) -> str:
        return f"{self.switch}:{self.name}"

    @property
    def path(self) -> DesignPath:
        return ("switches", self.switch, "interfaces", self.name)

    @property
    def address(self) -> ipaddress.IPv4Interface:
        """Its L3 address: ``ip``, else the anycast vip with its prefix (whose subnet it routes)."""
        got = self.iface.address
        assert got is not None
        return got


def _why_dropped(pv: PortVlans, tag: int | None, switch: str) -> str:
    if pv.mode == "routed":
        return "is a routed port"
    if pv.mode == "access":
        if tag is not None:
            return f"is an access port (VLAN {pv.access_vlan}) and drops tagged frames"
        return f"is an access port in VLAN {pv.access_vlan}, which does not exist on {switch}"
    if tag is None:
        if pv.native_vlan not in pv.allowed:
            return f"does not allow its native VLAN {pv.native_vlan}, so it carries nothing untagged"
        return f"has native VLAN {pv.native_vlan}, which does not exist on {switch}"
    if tag not in pv.allowed:
        return f"does not allow VLAN {tag} (allowed: {pv.allowed})"
    return f"allows VLAN {tag}, but VLAN {tag} does not exist on {switch} (vlans: {pv.switch_vlans})"


def tagged_carried(pv: PortVlans) -> VlanSet:
    """VLANs a port sends and takes tagged: a trunk's carried VLANs but its native one."""
    if pv.mode != "trunk":
        return NO_VLANS
    return pv.carried - VlanSet.of(pv.native_vlan)


#: A row of :attr:`CheckContext.team_rows`: (key, team, port-group VLAN, cabled uplinks, stray uplinks, carriage).
TeamRow = tuple[tuple[str, str], Team, PgVlan, list[Uplink], list[Uplink], tuple[tuple[int | None, bool, str], ...]]


class CheckContext:
    """A Snapshot plus the indexes the rules share, each built on first use."""

    def __init__(self, snapshot: Snapshot, share: bool = True) -> None:
        """``share``: work out what ports, teams and hosts with the same profile have in common once for all of
        them (:meth:`shared`); False works it out for each one (the slow path the property tests compare)."""
        self.snap = snapshot
        self.inv: Inventory = snapshot.inventory
        self.share = share
        self._shared: dict[str, dict[Hashable, Any]] = {}
        self._pv: dict[InterfaceRef, PortVlans] = {}
        # one PortVlans object per distinct setting: memo look-ups by port settings then hit on identity
        self._pv_interned: dict[PortVlans, PortVlans] = {}
        self._domain: dict[tuple[str, int], object] = {}
        self.cache: dict[str, object] = {}  # per-run memo for rule modules (graphs, indexes)
        # memos: thousands of ports share a handful of VLAN settings, so carriage is worked
        # out once per distinct (port settings, port-group VLAN), not once per port and rule
        self._carriage: dict[tuple[int, str, int | None], tuple[int | None, bool, str]] = {}
        self._carried: dict[PortVlans, VlanSet] = {}
        self._carried_at: dict[InterfaceRef, VlanSet] = {}
        self._team_nodes: dict[tuple[str, str], list[tuple[Uplink, tuple[str, int]]]] = {}
        self._team_node_set: dict[tuple[str, str], list[tuple[str, int]]] = {}  # teams of other VLAN types
        # :meth:`team_node_set` of the single-VLAN teams (filled with :attr:`team_rows`, or on demand)
        self._single_nodes: dict[tuple[str, str], list[tuple[str, int]]] = {}
        self._node_sets: dict[tuple[int, int], list[tuple[str, int]]] = {}  # by ids of (bridges, carriage)
        self.team_rows_unsorted: list[TeamRow] = []  # filled with :attr:`team_rows`
        self._far: dict[tuple[str, str], InterfaceRef | None] = {}  # (host, vmnic) -> its cable's far end
        self._channel: dict[InterfaceRef, PortChannel | None] = {}
        self._lists: dict[int, tuple[list[Uplink], list[Uplink]]] = {}  # id(uplinks tuple) -> (cabled, strays)
        self._interned: dict[tuple[object, ...], Any] = {}  # tuples of bridges and of settings' ids, one per content
        # (id of an interned tuple of settings' ids, id of an interned PgVlan) -> :meth:`team_carriage`: ints hash fast
        self._carriage_ids: dict[tuple[int, int], tuple[tuple[int | None, bool, str], ...]] = {}
        self._unit: dict[str, str] = {}
        self._team_key: dict[tuple[str, str], tuple[str, str] | None] = {}
        self._nic_keys: dict[str, dict[tuple[str, int | None], None]] = {}  # host -> :meth:`nic_keys`, with :attr:`endpoints`
        self._datastores: dict[str, set[str | None]] = {}  # host -> :meth:`vm_datastores`, with :attr:`endpoints`
        self._vmk_count = 0  # how many of :attr:`endpoints` are VMkernel ports (they come first)
        self._pg_vlan: dict[Hashable, PgVlan] = {}
        self._pg_vlan_of_team: dict[int, tuple[Team, PgVlan]] = {}
        self._governing: dict[InterfaceRef, tuple[SwitchInterface, InterfaceRef]] = {}
        self._po_governing: dict[tuple[int, str], tuple[SwitchInterface, InterfaceRef]] = {}
        self._nodes: dict[tuple[tuple[str, str], int | None], list[tuple[str, int]]] = {}
        self._team_carriage: dict[tuple[str, str], tuple[tuple[int | None, bool, str], ...]] = {}
        # id(a team's uplinks tuple, which :attr:`uplinks` keeps alive) -> its ports' settings and bridges
        self._uplink_pvs: dict[int, tuple[tuple[int, ...], tuple[str, ...]]] = {}
        self._carriages: dict[tuple[tuple[int, ...], str, int | None], tuple[tuple[int | None, bool, str], ...]] = {}

    # switch side ------------------------------------------------------------------------
    def owner(self, ref: InterfaceRef) -> str:
        owner = self.inv.interface_owner(ref)
        if owner is None:
            if ref.device in self.inv.switches:
                return ref.device  # an undeclared Po<N> (it takes its first member's settings)
            raise KeyError(str(ref))
        return owner

    def switch(self, ref: InterfaceRef) -> Switch:
        return self.inv.switches[self.owner(ref)]

    def iface(self, ref: InterfaceRef) -> SwitchInterface:
        return self.switch(ref).interfaces[ref.interface]

    def iface_path(self, ref: InterfaceRef, *tail: str | int) -> DesignPath:
        return ("switches", self.owner(ref), "interfaces", ref.interface, *tail)

    def pv(self, ref: InterfaceRef) -> PortVlans:
        """The port's effective VLAN settings (a bundled member's are its channel's)."""
        got = self._pv.get(ref)
        if got is None:
            pv = self.snap.port_vlans(ref)
            got = self._pv[ref] = self._pv_interned.setdefault(pv, pv)
        return got

    def shared(self, table: str, key: Hashable, work: Callable[[], T]) -> T:
        """``work()``, done once per ``key`` in ``table`` and shared by every caller with that key.

        The key is a *profile*: everything ``work`` reads (identical hosts, ports with the same settings on
        the same bridge, ...), so that what it answers for one is the answer for all.  With ``share`` off
        every call does the work (the property tests compare the two)."""
        if not self.share:
            return work()
        memo = self._shared.get(table)
        if memo is None:
            memo = self._shared[table] = {}
        try:
            return memo[key]  # type: ignore[no-any-return]
        except KeyError:
            got = memo[key] = work()
            return got

    def carried(self, ref: InterfaceRef | PortVlans) -> VlanSet:
        """VLANs a port forwards (:attr:`PortVlans.carried`), memoized by port settings."""
        if not isinstance(ref, PortVlans):
            got = self._carried_at.get(ref)
            if got is None:
                got = self._carried_at[ref] = self.carried(self.pv(ref))
            return got
        got = self._carried.get(ref)
        if got is None:
            got = self._carried[ref] = ref.carried
        return got

    def governing(self, ref: InterfaceRef) -> tuple[SwitchInterface, InterfaceRef]:
        """The interface whose settings govern a physical port: its Po when bundled, else itself."""
        got = self._governing.get(ref)
        if got is None:  # several rules ask about each host-facing port
            got = self._governing[ref] = self._governing_of(ref)
        return got

    def _governing_of(self, ref: InterfaceRef) -> tuple[SwitchInterface, InterfaceRef]:
        ch = self.snap.channel_of(ref)
        if ch is not None and ch.member_state.get(ref) == BUNDLED:
            # the same for every member of the channel on one switch: once per (channel, switch), the channel by
            # identity (the snapshot keeps it)
            memo = (id(ch), ref.device)
            got = self._po_governing.get(memo)
            if got is None:
                po = next((p for p in ch.po_refs if p.device == ref.device), ch.po_refs[0])
                owner = self.inv.interface_owner(po)
                if owner is not None and po.interface in self.inv.switches[owner].interfaces:
                    got = self.inv.switches[owner].interfaces[po.interface], InterfaceRef(owner, po.interface)
                else:
                    got = ch.settings, po
                self._po_governing[memo] = got
            return got
        sw = self.inv.switches.get(ref.device)
        if sw is not None:  # :meth:`iface` of a port declared on its own switch (the common case), read at once
            got = sw.interfaces.get(ref.interface)
            if got is not None:
                return got, ref
        return self.iface(ref), ref

    def channel(self, ref: InterfaceRef) -> PortChannel | None:
        """:meth:`Snapshot.channel_of`, memoized by port: several rules ask about every host-facing port."""
        try:
            return self._channel[ref]
        except KeyError:
            got = self._channel[ref] = self.snap.channel_of(ref)
            return got

    def bridge(self, ref: InterfaceRef) -> str:
        return self.snap.bridge_of(ref.device)

    def domain(self, bridge: str, vlan: int) -> object:
        key = (bridge, vlan)
        got = self._domain.get(key)
        if got is None:
            got = self._domain[key] = self.snap.l2_domain(bridge, vlan)
        return got

    def platform(self, ref: InterfaceRef) -> str:
        return self.switch(ref).platform

    def unit(self, switch: str) -> str:
        """The redundancy unit a switch belongs to for channels: its stack, or its MLAG pair."""
        got = self._unit.get(switch)
        if got is None:
            sw = self.inv.switches[switch]
            if sw.stack:
                got = sw.stack
            elif sw.mlag is not None and sw.mlag.peer in self.inv.switches:
                got = "+".join(sorted((switch, sw.mlag.peer)))
            else:
                got = switch
            self._unit[switch] = got
        return got

    @cached_property
    def host_facing(self) -> list[tuple[InterfaceRef, InterfaceRef]]:
        """(switch port, host vmnic) for every cable between a switch and a host, sorted."""
        out = []
        for port in self.snap.host_facing_ports():
            far = self.snap.cabling.peer(port)
            if far is not None:
                out.append((port, far))
        return out

    # host side ------------------------------------------------------------------------------
    @property
    def teams(self) -> dict[tuple[str, str], Team]:
        return self.snap.teams

    @cached_property
    def sorted_teams(self) -> list[tuple[tuple[str, str], Team]]:
        """``sorted(teams.items())``, sorted once for the rules that walk every team in key order."""
        return sorted(self.teams.items())

    @property
    def team_rows_in_order(self) -> list[TeamRow]:
        """:attr:`team_rows` in the order of :attr:`teams` (for rules that group teams in that order)."""
        _ = self.team_rows
        return self.team_rows_unsorted

    @cached_property
    def team_rows(self) -> list[TeamRow]:
        """:attr:`sorted_teams` with what the rules that walk every team read of each: (key, team, :meth:`pg_vlan`,
        :meth:`cabled`, :meth:`strays` (the context's own list: read-only), :meth:`team_carriage`).  Gathered in one
        pass, so that each rule's walk is a loop over tuples rather than four look-ups by key per team."""
        uplinks = self.uplinks  # fills the cabled and stray lists
        lists, carriage, by_ids, pvs = self._lists, self._team_carriage, self._carriage_ids, self._uplink_pvs
        pg_vlan, team_carriage = self.pg_vlan, self.team_carriage
        node_sets, single_nodes = self._node_sets, self._single_nodes
        out: list[TeamRow] = []
        # :attr:`uplinks` holds the teams in their own order: walked together, then sorted by key (unique)
        pgvs = self._pg_vlan
        for (key, team), ups in zip(self.teams.items(), uplinks.values(), strict=True):
            # :meth:`pg_vlan`, its memo read inline (by the same key)
            pgv = pgvs.get(team.vlan if team.kind == "vss" else (team.switch, team.portgroup, team.vlan))
            if pgv is None:
                pgv = pg_vlan(team)
            if pgv.single:  # :meth:`team_carriage`, by the ids of interned objects (both kept alive by the context)
                ports = pvs.get(id(ups)) or self._ports_of(ups)
                memo = (id(ports[0]), id(pgv))
                tc = by_ids.get(memo)
                if tc is None:
                    tc = by_ids[memo] = team_carriage(key)
                carriage[key] = tc
                # and :meth:`team_node_set`, while both are at hand
                memo = (id(ports[1]), id(tc))
                nodes = node_sets.get(memo)
                if nodes is None:
                    nodes = node_sets[memo] = sorted({(b, c[0]) for b, c in zip(ports[1], tc, strict=True)
                                                      if c[0] is not None})
                single_nodes[key] = nodes
            else:
                tc = team_carriage(key)
            cab, stray = lists[id(ups)]
            out.append((key, team, pgv, cab, stray, tc))
        self.team_rows_unsorted = list(out)
        out.sort(key=itemgetter(0))
        return out

    @cached_property
    def uplinks(self) -> dict[tuple[str, str], tuple[Uplink, ...]]:
        """Each team's active then standby vmnics with what they are cabled to."""
        host_ends = self._host_ends
        switches = self.inv.switches
        # one Uplink per (host, vmnic, role), shared by the host's teams (a frozen value: equal either way), and one
        # tuple per distinct (host, active, standby): a host's port groups mostly team the same vmnics alike
        cache: dict[tuple[str, str, str], Uplink] = {}
        teamed: dict[tuple[str, tuple[str, ...], tuple[str, ...]], tuple[Uplink, ...]] = {}
        lists = self._lists  # by id of a tuple ``teamed`` (and ``out``) keeps
        fars = self._far
        out: dict[tuple[str, str], tuple[Uplink, ...]] = {}
        for key, team in self.teams.items():
            tk = (team.host, tuple(team.active), tuple(team.standby))
            got = teamed.get(tk)
            if got is None:
                ups = []
                for role, nics in (("active", team.active), ("standby", team.standby)):
                    for nic in nics:
                        ck = (team.host, nic, role)
                        up = cache.get(ck)
                        if up is None:
                            base = cache.get((team.host, nic, ""))
                            if base is None:
                                # :meth:`Cabling.peer` of the host's vmnic, read from the host ends' table
                                far = fars[(team.host, nic)] = host_ends.get((team.host, nic))
                                port = far if far is not None and far.device in switches else None
                                base = cache[(team.host, nic, "")] = Uplink(nic, "", port, far)
                            up = cache[ck] = Uplink(nic, role, base.port, base.far)
                        ups.append(up)
                got = teamed[tk] = tuple(ups)
                # and its cabled and stray uplinks (:meth:`cabled`, :meth:`strays`), once per tuple too
                lists[id(got)] = ([u for u in got if u.port is not None],
                                  [u for u in got if u.port is None and u.far is not None])
            out[key] = got
        return out

    @cached_property
    def _host_ends(self) -> dict[tuple[str, str], InterfaceRef]:
        """(host, vmnic) -> the far end of its cable (:meth:`Cabling.peer`, whatever the state), for the cabled vmnics:
        read by name, so that the 7,600 vmnics of a 2,500-host design need no reference built to look them up."""
        hosts = self.inv.hosts
        peer = self.snap.cabling.peer
        out: dict[tuple[str, str], InterfaceRef] = {}
        for link in self.inv.links:
            for here in (link.a, link.b):
                if here.device in hosts:
                    far = peer(here)  # the cabling's own answer (a vmnic on two cables: the one it keeps)
                    if far is not None:
                        out[(here.device, here.interface)] = far
        return out

    def nic_peer(self, host: str, nic: str) -> InterfaceRef | None:
        """What a host vmnic is cabled to (:meth:`Cabling.peer`), memoized (:attr:`uplinks` fills it for teamed ones)."""
        key = (host, nic)
        try:
            return self._far[key]
        except KeyError:
            # a host's vmnic: from the host ends' table (the same answer, no reference built)
            got = self._far[key] = (self._host_ends.get(key) if host in self.inv.hosts else
                                    self.snap.cabling.peer(InterfaceRef(host, nic)))
            return got

    def cabled(self, key: tuple[str, str]) -> list[Uplink]:
        """A team's active/standby uplinks that reach a switch port."""
        # worked out with :attr:`uplinks`, once per uplinks tuple (kept alive by it, so its id stays its own)
        return self._lists[id(self.uplinks[key])][0]

    def strays(self, key: tuple[str, str]) -> list[Uplink]:
        """A team's active/standby uplinks cabled to something that is not a switch (another host's
        vmnic, back to back).  What lies beyond them is not in the switch model, so a rule that judges
        an uplink by its switch port cannot judge these: it says *unknown* (never a silent pass)."""
        got = self._lists[id(self.uplinks[key])][1]  # as :meth:`cabled`
        return list(got) if got else []

    def cannot_tell(self, team: Team, strays: list[Uplink], what: str, path: DesignPath,
                    objects: tuple[str, ...] = ()) -> Issue:
        """The *unknown* finding of a rule that cannot judge ``team`` because of its ``strays``."""
        obj = f"{team.host}:{team.switch}/{team.portgroup}"
        nics = join(f"{u.vmnic} is cabled to {u.far}" for u in strays)
        return Issue((obj, *objects, *(str(u.far) for u in strays)),
                     f"{obj}: {nics}, not to a switch: cannot tell {what}", "", path, status="unknown")

    @cached_property
    def nic_owner(self) -> dict[tuple[str, str], tuple[str, str]]:
        """Which virtual switch a host vmnic backs: ``("vss", name)`` or ``("vds", name)``."""
        out: dict[tuple[str, str], tuple[str, str]] = {}
        for hname, host in self.inv.hosts.items():
            for vname, vs in host.vswitches.items():
                for nic in vs.uplinks:
                    out[(hname, nic)] = ("vss", vname)
        for dname, dvs in self.inv.dvswitches.items():
            for hname, mapping in dvs.hosts.items():
                for nic in mapping.values():
                    out[(hname, nic)] = ("vds", dname)
        return out

    def describe_nic_owner(self, nic: InterfaceRef) -> str:
        kind, name = self.nic_owner.get((nic.device, nic.interface), ("", ""))
        if kind == "vss":
            return f"standard vSwitch {name}"
        if kind == "vds":
            return f"vDS {name} without a LAG on it"
        return "no virtual switch"

    def pg_vlan(self, team: Team) -> PgVlan:
        # by the team object first (rules ask about the snapshot's teams over and over: no key to build, no
        # ``network`` property to call); the entry holds the team, so its id is its own while the entry lives
        mine = self._pg_vlan_of_team.get(id(team))
        if mine is not None and mine[0] is team:
            return mine[1]
        # by what :meth:`_pg_vlan_of` reads: a standard vSwitch team's VLAN alone, a vDS one's port group too
        # (25,000 teams have a handful of distinct VLANs: one PgVlan each, not one per team)
        key = team.vlan if team.kind == "vss" else (team.switch, team.portgroup, team.vlan)
        got = self._pg_vlan.get(key)
        if got is None:
            got = self._pg_vlan[key] = self._pg_vlan_of(team)
        self._pg_vlan_of_team[id(team)] = (team, got)
        return got

    def _pg_vlan_of(self, team: Team) -> PgVlan:
        if team.kind == "vds":
            pg = self.inv.dvswitches[team.switch].portgroups[team.portgroup]
            if not isinstance(pg.vlan, int):
                if pg.vlan.trunk is not None:
                    return PgVlan("trunk", None, pg.vlan.trunk)
                if pg.vlan.pvlan is not None:
                    return PgVlan("pvlan", pg.vlan.pvlan)
        v = team.vlan or 0
        if v == 0:
            return PgVlan("est", 0)
        if v == 4095:
            return PgVlan("vgt")
        return PgVlan("vst", v)

    def carriage(self, pgv: PgVlan, port: InterfaceRef) -> Carriage:
        """How a single-VLAN port group's frames fare on ``port`` (V1, V2, V6, V8)."""
        vlan, inbound, reason = self.carriage_of(pgv, port)
        return Carriage(vlan, inbound, reason.replace("{switch}", self.owner(port)) if "{switch}" in reason else reason)

    def carriage_of(self, pgv: PgVlan, port: InterfaceRef) -> tuple[int | None, bool, str]:
        """:meth:`carriage` as (vlan, inbound, reason with ``{switch}`` for the port's switch)."""
        pv = self.pv(port)
        # by the identity of the port's settings (one object per distinct setting, :meth:`pv`): a PortVlans
        # hashes through Python code, and this is asked for every uplink of every team by several rules
        memo = (id(pv), pgv.kind, pgv.vlan)
        got = self._carriage.get(memo)
        if got is None:
            tag = None if pgv.kind == "est" else pgv.vlan
            vlan = pv.ingress(tag)
            if vlan is None:
                got = (None, False, _why_dropped(pv, tag, "{switch}"))
            else:
                ok, back = pv.egress(vlan)
                inbound = ok and portgroup_accepts(0 if pgv.kind == "est" else vlan, back)
                got = (vlan, inbound, "" if inbound else
                       f"sends VLAN {vlan} untagged (its native VLAN), which a tagged port group never takes")
            self._carriage[memo] = got
        return got

    def team_carriage(self, key: tuple[str, str]) -> tuple[tuple[int | None, bool, str], ...]:
        """:meth:`carriage_of` of team ``key``'s own port-group VLAN on each of its :meth:`cabled` uplinks, in
        that order (for a single-VLAN team; others get an empty tuple).  Several rules and the team's nodes read
        it: worked out once per team, and once per distinct (port settings, VLAN) across teams (hosts cabled alike
        to ports with the same settings share it)."""
        got = self._team_carriage.get(key)
        if got is not None:
            return got
        pgv = self.pg_vlan(self.teams[key])
        if not pgv.single:
            got = self._team_carriage[key] = ()
            return got
        ups = self.uplinks[key]  # one tuple per host and teaming (:attr:`uplinks`), alive while the context is
        pvids = self._ports_of(ups)[0]
        # by the identity of the settings, as :meth:`carriage_of`: hosts cabled alike to ports with the same settings
        # share it (a host's port groups differ by VLAN, so the tuple of uplinks alone would share little)
        memo = (pvids, pgv.kind, pgv.vlan)
        got = self._carriages.get(memo)
        if got is None:
            got = self._carriages[memo] = tuple(self.carriage_of(pgv, u.port) for u in self.cabled(key)
                                                if u.port is not None)
        self._team_carriage[key] = got
        return got

    def _ports_of(self, ups: tuple[Uplink, ...]) -> tuple[tuple[int, ...], tuple[str, ...]]:
        """For a tuple of :attr:`uplinks` (kept alive by it, so its id stays its own): the ids of its cabled ports'
        settings (one object per distinct setting, :meth:`pv`) and their bridges, one tuple per distinct bridges."""
        got = self._uplink_pvs.get(id(ups))
        if got is None:
            ports = [u.port for u in ups if u.port is not None]
            bridges = tuple(self.bridge(p) for p in ports)
            pvids = tuple(id(self.pv(p)) for p in ports)
            got = self._uplink_pvs[id(ups)] = (self._interned.setdefault(pvids, pvids),
                                               self._interned.setdefault(bridges, bridges))
        return got

    def team_node_set(self, key: tuple[str, str]) -> list[tuple[str, int]]:
        """The distinct nodes of :meth:`team_nodes`, sorted: one list shared by the teams whose ports are on the
        same bridges and carry their VLAN alike (hosts cabled alike), read-only."""
        got = self._single_nodes.get(key)
        if got is not None:
            return got
        got = self._team_node_set.get(key)
        if got is not None:
            return got
        if self.pg_vlan(self.teams[key]).single:
            carriage = self.team_carriage(key)
            bridges = self._ports_of(self.uplinks[key])[1]
            memo = (id(bridges), id(carriage))  # both kept alive by the context (interned)
            got = self._node_sets.get(memo)
            if got is None:
                got = self._node_sets[memo] = sorted({(b, c[0]) for b, c in zip(bridges, carriage, strict=True)
                                                      if c[0] is not None})
            self._single_nodes[key] = got
        else:
            got = self._team_node_set[key] = []
        return got

    def team_nodes(self, key: tuple[str, str]) -> list[tuple[Uplink, tuple[str, int]]]:
        """For a single-VLAN team: (uplink, (bridge, switch VLAN)) where the port takes its frames."""
        got = self._team_nodes.get(key)
        if got is not None:
            return got
        # :meth:`_nodes_of` with the team's own carriage, worked out once (:meth:`team_carriage`)
        out: list[tuple[Uplink, tuple[str, int]]] = []
        if self.pg_vlan(self.teams[key]).single:
            for up, carried in zip(self.cabled(key), self.team_carriage(key), strict=True):
                vlan = carried[0]
                if vlan is not None and up.port is not None:
                    out.append((up, (self.bridge(up.port), vlan)))
        self._team_nodes[key] = out
        return out

    def _nodes_of(self, key: tuple[str, str], pgv: PgVlan) -> list[tuple[Uplink, tuple[str, int]]]:
        out: list[tuple[Uplink, tuple[str, int]]] = []
        if pgv.single:
            for up in self.cabled(key):
                assert up.port is not None
                vlan = self.carriage_of(pgv, up.port)[0]
                if vlan is not None:
                    out.append((up, (self.bridge(up.port), vlan)))
        return out

    def port_vlan(self, key: tuple[str, str], guest_vlan: int | None) -> PgVlan:
        """The VLAN type of team ``key`` as one port sees it: a guest that tags VLAN G on a VGT or vDS trunk
        port group is a port of VLAN G (V3, V4); an untagged one on VGT is untagged (EST) while
        :attr:`Settings.vgt_passes_untagged` holds (V3).  Other ports: the port group's own."""
        pgv = self.pg_vlan(self.teams[key])
        if pgv.kind in ("vgt", "trunk"):
            if guest_vlan is not None:
                return PgVlan("vst", guest_vlan)
            if pgv.kind == "vgt" and self.snap.settings.vgt_passes_untagged:
                return PgVlan("est", 0)
        return pgv

    def guest_vlans(self, key: tuple[str, str]) -> dict[PgVlan, list[Endpoint]]:
        """On a VGT or vDS trunk team: the single VLAN of each port whose guest's VLAN is known (tagged, or
        untagged on VGT: :meth:`port_vlan`), with the ports, in VLAN order."""
        out: dict[PgVlan, list[Endpoint]] = defaultdict(list)
        for e in self.endpoints_by_team.get(key, ()):
            pv = self.port_vlan(key, e.guest_vlan)
            if pv.single:
                out[pv].append(e)
        return dict(sorted(out.items(), key=lambda kv: kv[0].vlan or 0))

    def portgroup_count(self, host: str, kind: str, switch: str) -> int:
        if kind == "vss":
            return len(self.inv.hosts[host].vswitches[switch].portgroups)
        return len(self.inv.dvswitches[switch].portgroups)

    def team_path(self, team: Team, *tail: str | int, portgroup: bool = True) -> DesignPath:
        if team.kind == "vss":
            base: DesignPath = ("hosts", team.host, "vswitches", team.switch)
        else:
            base = ("dvswitches", team.switch)
        if portgroup:
            base = (*base, "portgroups", team.portgroup)
        return (*base, *tail)

    def has_override(self, team: Team) -> bool:
        if team.kind == "vss":
            return self.inv.hosts[team.host].vswitches[team.switch].portgroups[team.portgroup].teaming is not None
        return self.inv.dvswitches[team.switch].portgroups[team.portgroup].teaming is not None

    def describe_teams(self, teams: list[Team], key: str = "teaming") -> tuple[tuple[str, ...], DesignPath]:
        """Objects and design path for findings about teams of one host and one switch.

        All of a switch's port groups → the switch itself (``esx01:vSwitch0``) and its
        ``teaming``; some → those port groups, pointing at the first one's override if it has one.
        """
        first = teams[0]
        label = f"{first.host}:{first.switch}"
        if len(teams) == self.portgroup_count(first.host, first.kind, first.switch) and not any(
                self.has_override(t) for t in teams):
            return (label,), self.team_path(first, key, portgroup=False)
        objs = tuple(sorted(f"{label}/{t.portgroup}" for t in teams))
        overridden = [t for t in teams if self.has_override(t)]
        if overridden:
            return objs, self.team_path(overridden[0], key)
        return objs, self.team_path(first, key, portgroup=False)

    @staticmethod
    def group(teams: Iterable[Team], key: Callable[[Team], Hashable]) -> list[list[Team]]:
        """Teams grouped by (host, switch, key(team)), in a stable order."""
        groups: dict[Hashable, list[Team]] = defaultdict(list)
        for t in teams:
            groups[(t.host, t.kind, t.switch, key(t))].append(t)
        # the order of (host, kind, switch, str(key)); the key's text (a dataclass repr, slow) is only worked out
        # for groups that tie on the rest (a stable sort by the prefix, then each run of ties by the text)
        order = sorted(groups, key=lambda k: (k[0], k[1], k[2]))
        i, n = 0, len(order)
        while i < n:
            j = i + 1
            head = order[i][:3]
            while j < n and order[j][:3] == head:
                j += 1
            if j - i > 1:
                order[i:j] = sorted(order[i:j], key=lambda k: str(k[3]))
            i = j
        return [sorted(groups[k], key=lambda t: t.portgroup) for k in order]

    # endpoints ------------------------------------------------------------------------------
    @cached_property
    def _team_keys(self) -> dict[tuple[str, str], tuple[str, str]]:
        """Each team's key, by itself: :meth:`team_key` answers with the teams' own key objects, so that the look-ups
        by a port's team (45,000 ports, several rules) meet the key itself and never compare its strings."""
        return {k: k for k in self.teams}

    def team_key(self, host: str, network: str) -> tuple[str, str] | None:
        """The key of the team a port on ``network`` of ``host`` uses (the teams' own key object), None if none."""
        if "/" not in network:
            # a standard vSwitch's label: :meth:`Inventory.portgroup_of` finds it exactly when :func:`build_teams`
            # made the team ``(host, network)`` (every vDS key holds a '/')
            return self._team_keys.get((host, network))
        memo = (host, network)
        try:
            return self._team_key[memo]
        except KeyError:
            pass
        found = self.inv.portgroup_of(host, network)
        if found is None:
            got = None
        else:
            kind, switch, label = found
            got = (host, label) if kind == "vss" else (host, f"{switch}/{label}")
            got = self._team_keys.get(got, got)
        self._team_key[memo] = got
        return got

    @cached_property
    def endpoints(self) -> list[Endpoint]:
        out: list[Endpoint] = []
        keys, team_key = self._team_keys, self.team_key
        for hname, host in self.inv.hosts.items():
            for kname, vmk in host.vmkernel.items():
                net = vmk.portgroup  # :meth:`team_key`, its common case inline (45,000 ports)
                key = keys.get((hname, net)) if "/" not in net else team_key(hname, net)
                out.append(Endpoint(f"{hname}:{kname}", "vmk", hname, key, vmk.ip,
                                    vmk.gateway, vmk.mac, vmk.mtu, tuple(vmk.services),
                                    ("hosts", hname, "vmkernel", kname), vmk.iscsi_port_binding))
        self._vmk_count = len(out)  # the VMkernel ports come first (:attr:`vmk_endpoints`)
        hosts, add = self.inv.hosts, out.append
        # and each host's :meth:`nic_keys` and :meth:`vm_datastores` on the way, while its VMs are at hand (a walk of
        # their own was a third of a rule: 40,000 VMs and NICs spread over the heap)
        nic_keys, datastores = self._nic_keys, self._datastores
        for vname, vm in self.inv.vms.items():
            host = vm.host
            if host not in hosts:
                continue
            mine = nic_keys.get(host)
            if mine is None:
                mine = nic_keys[host] = {}
                stores = datastores[host] = set()
            else:
                stores = datastores[host]
            stores.add(vm.datastore)
            for i, nic in enumerate(vm.nics):
                name = vname if i == 0 else f"{vname}:nic{i}"
                net = nic.network
                guest = nic.guest_vlan
                mine[(net, guest)] = None
                key = keys.get((host, net)) if "/" not in net else team_key(host, net)
                add(Endpoint(name, "vm", host, key, nic.ip, nic.gateway, nic.mac, None, (), ("vms", vname, "nics", i),
                             False, guest))
        return out

    @cached_property
    def vmk_endpoints(self) -> list[Endpoint]:
        """The VMkernel and Service Console ports of :attr:`endpoints`, in its order (they lead it): for the rules
        about them alone, which would otherwise walk the 40,000 VM NICs to skip them."""
        return self.endpoints[:self._vmk_count]

    def vm_datastores(self, host: str) -> set[str | None]:
        """The datastores of ``host``'s VMs (None for a VM without one), read-only: gathered with :attr:`endpoints`."""
        _ = self.endpoints
        return self._datastores.get(host) or set()

    def nic_keys(self, host: str) -> dict[tuple[str, int | None], None]:
        """The (network, guest VLAN) of the NICs of ``host``'s VMs, each once in the order met (VM by VM as
        :meth:`Inventory.vms_on` lists them, NIC by NIC), read-only: gathered with :attr:`endpoints`."""
        _ = self.endpoints
        got = self._nic_keys.get(host)
        return got if got is not None else {}

    @cached_property
    def endpoints_by_team(self) -> dict[tuple[str, str], list[Endpoint]]:
        out: dict[tuple[str, str], list[Endpoint]] = defaultdict(list)
        for e in self.endpoints:
            if e.team is not None:
                out[e.team].append(e)
        return out

    def carries_vm_or_management(self, key: tuple[str, str]) -> bool:
        return key in self._vm_or_management

    @cached_property
    def _vm_or_management(self) -> set[tuple[str, str]]:
        """The teams with a VM port or a management port, found in one pass over the ports."""
        return {e.team for e in self.endpoints
                if e.team is not None and (e.kind == "vm" or MGMT_SERVICES.intersection(e.services))}

    @property
    def single_team_nodes(self) -> dict[tuple[str, str], list[tuple[str, int]]]:
        """:meth:`team_node_set` of every single-VLAN team, by key (filled with :attr:`team_rows`): read-only, for the
        rules that walk every team and would otherwise ask for each one by a call."""
        _ = self.team_rows
        return self._single_nodes

    def endpoint_nodes(self, e: Endpoint) -> list[tuple[str, int]]:
        """The (bridge, VLAN) nodes where an endpoint's frames enter the network (a guest's on VGT or a trunk:
        those of its own VLAN, :meth:`port_vlan`)."""
        if e.team is None:
            return []
        # a single-VLAN team's ports all enter where the team does, whatever their guest says (:meth:`port_vlan`)
        got = self._single_nodes.get(e.team)
        if got is not None:
            return got
        return self.port_nodes(e.team, e.guest_vlan)

    def port_nodes(self, key: tuple[str, str], guest_vlan: int | None) -> list[tuple[str, int]]:
        """:meth:`endpoint_nodes` of a port on team ``key`` whose guest tags ``guest_vlan``."""
        memo = (key, guest_vlan)
        got = self._nodes.get(memo)
        if got is None:
            pgv = self.port_vlan(key, guest_vlan)
            if pgv == self.pg_vlan(self.teams[key]):
                got = self.team_node_set(key)  # the team's own, shared by teams alike
            else:
                got = sorted({node for _, node in self._nodes_of(key, pgv)})
            self._nodes[memo] = got
        return got

    # layer 3 ----------------------------------------------------------------------------------
    @cached_property
    def svis(self) -> list[Svi]:
        out = []
        for sname, sw in self.inv.switches.items():
            bridge = self.snap.bridge_of(sname)
            alive = self.snap.bridge_alive(bridge)
            for iname, iface in sw.interfaces.items():
                vlan = svi_vlan(iname)
                if vlan is None or iface.address is None:
                    continue
                out.append(Svi(sname, bridge, iname, vlan, iface, alive and not iface.shutdown))
        return sorted(out, key=lambda s: (s.switch, s.vlan))

    @cached_property
    def gateways_by_int(self) -> dict[int, list[Svi]]:
        """:attr:`gateway_addresses` keyed by the address as an integer (:attr:`Endpoint.gw`)."""
        return {int(a): svis for a, svis in self.gateway_addresses.items()}

    @cached_property
    def gateway_addresses(self) -> dict[ipaddress.IPv4Address, list[Svi]]:
        """Live SVIs by the addresses they answer: their own and their FHRP virtual IP."""
        out: dict[ipaddress.IPv4Address, list[Svi]] = defaultdict(list)
        for s in self.svis:
            if not s.alive:
                continue
            if s.iface.ip is not None:  # an anycast-only SVI answers its vip alone
                out[s.iface.ip.ip].append(s)
            if s.iface.fhrp is not None:
                out[s.iface.fhrp.vip].append(s)
        return out

    # misc ----------------------------------------------------------------------------------------
    def reach(self) -> Reach:
        """One reach analysis per run, shared by the rules that ping (VN902, VN907): its signatures and class
        matrix are worked out once (the answers are the snapshot's, whoever asks first)."""
        got = self.cache.get("reach")
        if got is None:
            from ..analysis.reach import Reach

            got = self.cache["reach"] = Reach(self.snap)
        return got  # type: ignore[return-value]

    def is_po(self, ref: InterfaceRef) -> bool:
        return po_number(ref.interface) is not None


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def join(items: Iterable[object], last: str = "and") -> str:
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"
