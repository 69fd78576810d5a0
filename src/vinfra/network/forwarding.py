"""One ping's walk: ARP, the echo request and its reply, hop by hop.

This is the single decision procedure behind both ``trace`` (which records every hop as a row) and
``reach`` (which asks only for the verdict and memoizes the layer-2 legs by the nodes they touch).

**The ping** (expectations-v1 "Meaning of reachable").  The sender picks its next hop: the
destination when it is in the sender's subnet, else its own gateway (none: other subnets are
unreachable).  Each layer-2 *leg* from X to next hop Y is:

1. ARP request, broadcast from X (skipped when X learned Y from Y's own ARP request earlier in this
   ping): it must reach a port that takes it and answers (F5, F9 for BUM);
2. ARP reply, unicast from Y back to X;
3. the IPv4 packet, unicast from X to Y.

A router that receives the packet looks up the destination (:mod:`vinfra.network.l3`), and the next
leg starts from its outgoing interface; the echo reply travels back the same way from the
destination, with its own next hops.  Endpoints without an address are judged at layer 2: one leg
with ARP semantics in each direction.

**Layer 2.** A frame leaves a host on the uplink(s) teaming picks (T1-T5, shotgun: all), is admitted
by the switch port into a VLAN (V1-V4, V6, V8), and crosses the active topology (spanning tree
converged, :mod:`vinfra.network.stp`).  Broadcast is flooded; unicast goes to where the destination
MAC was learned, which is where the destination sends its own frames of this conversation (a steady
state of MAC learning).  At a host port the switch sends the frame with the egress tag of its port
(a channel: one member, by the switch's hash); the vSwitch takes it only if the port group accepts the
tag (V2, V6), and only on the uplink F9 allows.  Two ports of one vSwitch with the same VLAN talk
inside the host (F3); frames from one of them that come back from the wire to the other are dropped by
the reverse-path check (F10) because their source MAC is local.

**Routing** is by longest-prefix match over each router's connected and learned routes
(:meth:`vinfra.network.l3.L3.route`, topology-v1 "Routing lookups").

**Duplicate addresses** (topology-v1 "Duplicate addresses"), decided in :meth:`Forwarding.next_agent`
and :meth:`Forwarding.ping` for ``trace`` and ``reach`` alike: a port never reaches its own address
through the network (a ping to another port with the sender's address, a next hop that is the sender's
own address); when the sender must ARP for a next hop and ports with different MACs complete that ARP
exchange, whichever answers first is a race and the ping is unreachable ("duplicate address"); and a
ping is answered only by the destination port itself, not by another port holding its address.
A MAC learned from the peer's own ARP request earlier in the ping is used without asking (no race).

**Split answers** (topology-v1 "Duplicate addresses" with T14, M12): ARP answers for an FHRP virtual IP from
*different* routers, all with its *one* virtual MAC.  A port in beacon shotgun mode sends every frame on every
member (T14), so its ARP for a virtual IP reaches the active router of each layer-2 domain its uplinks lead
into; when those domains are separate (an MLAG pair whose peer link failed: each peer active, and
``duplicate-ip`` counts two owners of the address) two routers answer with the group's one virtual MAC.  The MAC
does not say which of them takes the packet: whichever answers first is a race.  So the ping is walked once
through each answering router (at every such ARP it meets, each combination); when every walk gives the same
answer that is the answer (the race does not matter: two peers that both route toward the destination), else
the ping is unreachable ("duplicate address": its answer depends on the race).  An anycast gateway is no race
(topology-v1 "Layer 3": every live holder is active, the nearest one to where a frame enters takes it), nor is
one router answering for an address that is both its own and its group's (a VRRP address owner).  ``trace`` and
``reach`` walk the same choices: :meth:`Forwarding.ping` for both.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from ipaddress import IPv4Address
from typing import TYPE_CHECKING

from .detection import delivery_nodes
from .endpoints import Endpoint
from .frames import BROADCAST, Frame, channel_hash_index
from .l3 import L3If
from .stp import Node
from .teaming import HASHED, TeamState

if TYPE_CHECKING:
    from .snapshot import Snapshot

MAX_ROUTED_HOPS = 32
NO_IP = IPv4Address(0)


@dataclass(frozen=True)
class HostAgent:
    ep: Endpoint

    @property
    def key(self) -> str:
        return self.ep.name

    @property
    def mac(self) -> str:
        return self.ep.mac

    @cached_property
    def ip(self) -> IPv4Address:
        return self.ep.ip.ip if self.ep.ip is not None else NO_IP

    def __str__(self) -> str:
        return self.ep.name


@dataclass(frozen=True)
class RouterAgent:
    iface: L3If
    ip: IPv4Address  # the address it answers for (its own, or a VIP)
    mac: str

    @cached_property
    def key(self) -> str:
        # cached, and the address's text kept per address: formatting one costs more than a memoized leg
        return f"{self.iface.ref}@{_addr_text(self.ip)}"

    @property
    def router(self) -> str:
        return self.iface.router

    def __str__(self) -> str:
        return self.iface.ref if self.ip == self.iface.ip.ip else f"{self.iface.ref} ({self.ip})"


Agent = HostAgent | RouterAgent

_ADDR_TEXT: dict[int, str] = {}


def _addr_text(ip: IPv4Address) -> str:
    """``str(ip)``, formatted once per address."""
    addr = int(ip)
    got = _ADDR_TEXT.get(addr)
    if got is None:
        got = _ADDR_TEXT[addr] = str(ip)
    return got


@dataclass
class Verdict:
    ok: bool
    reason: str | None = None
    rule: str | None = None
    rows: list[dict] = field(default_factory=list)


class Unreachable(Exception):
    def __init__(self, reason: str, rule: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.rule = rule


# a view is what a leg needs to know of an agent for one frame: where its frames enter the fabric, and
# where a flooded / a unicast frame must be for it to arrive
Sends = tuple[tuple[str | None, Node], ...]  # (uplink or None for a router, entry node)
Takes = tuple[tuple[str | None, Node, object], ...]  # (uplink, node, tag)


class Forwarding:
    """The walk of pings over one snapshot.  ``record=True`` keeps rows and reasons (trace)."""

    def __init__(self, snap: Snapshot, record: bool = False, size: int | None = None) -> None:
        self.snap = snap
        self.record = record
        #: ICMP payload bytes of a don't-fragment ping (``vmkping -d -s``); None: MTU is not checked
        self.size = size
        self.rows: list[dict] = []
        self._leg_memo: dict[tuple, bool] = {}
        self._view_memo: dict[tuple, tuple] = {}
        # the views of a port with a view key, by its name (a str keeps its hash: no tuple to build and hash per
        # look-up, and a leg asks for each end's views several times): sends, flooded takes, unicast takes, where
        # its MAC is learned
        self._sends_of: dict[str, tuple] = {}
        self._flood_of: dict[str, tuple] = {}
        self._unicast_of: dict[str, tuple] = {}
        self._location_of: dict[str, tuple[str, ...]] = {}
        self._sensitive: dict[int, bool] = {}  # by (team, alive): sensitivity depends on the team only
        self._view_keys: dict[str, tuple | None] = {}
        self._delivery: dict[tuple, list] = {}
        self._iface_agents: dict[str, RouterAgent] = {}
        self._agents_at: dict[int, tuple[list[Agent], str | None]] = {}  # by address (an IPv4Address hashes in Python)
        # walk memos (not recording), rebuilt per walk (never inherited: they read the L3 and FHRP elections):
        # a router's decision per destination address, the agents answering for an address that is not their
        # interface's own (one object each: their keys are cached), and an FHRP address's answerers per asker
        self._at_router: dict[tuple[str, int], tuple] = {}
        self._router_agents: dict[tuple[str, int, str], RouterAgent] = {}
        self._answerers: dict[tuple[object, int], list[Agent]] = {}
        self._host_agents: dict[str, HostAgent] = {}
        # legs by their agents' views as numbered components (see :meth:`_comp_view`), and those numbers
        self._comp_legs: dict[tuple[int, int, object], bool] = {}
        self._comp_view_ids: dict[object, int] = {}
        self._comp_ids: dict[tuple, int] = {}
        self._router_views: dict[str, tuple] = {}
        self._problems: dict[str, str | None] = {}
        self._port_problems: dict[tuple[str, str, int | None], str | None] = {}  # by port key: the text after the name
        #: per port key (:attr:`Endpoint.port_key`) of a port without a problem: its shape and its team
        self._ports: dict[tuple[str, str, int | None], tuple[int, TeamState]] = {}
        self._shape_ids: dict[tuple, int] = {}
        self._recv: dict[tuple[str, str], tuple[str | None, ...]] = {}
        self._uplink_shapes: dict[tuple[str, tuple[str, ...]], int] = {}
        self._uplink_shape_ids: dict[tuple, int] = {}
        self._guest_teams: dict[tuple[str, str, int | None], TeamState] = {}
        #: reach's class evaluation: the two ends of the ping (endpoint names) are treated as ports of different
        #: hosts (no F3/F10 between them); legs to any third port (a host acting as gateway, a duplicate
        #: address) are judged as they are
        self.apart: frozenset[str] = frozenset()
        # split answers (module doc): the answering port to take at each one a walk of :meth:`ping` meets, in the
        # order met (missing: the first), and those it met: (how many answered, the asker, the address, them)
        self._plan: list[int] = []
        self._met: list[tuple[int, Agent, IPv4Address, list[Agent]]] = []

    def inherit(self, parent: Forwarding, changed: frozenset[str]) -> None:
        """Take the memos of ``parent``, the walk of another snapshot of the same design that shares this one's
        layer 2 (the same active topology, teams and uplinks objects: the caller forks them) and whose L3
        interfaces are this one's but for ``changed`` (their refs, ``switch:interface``; the caller vouches, as
        for :meth:`L3.inherit`).  Host views, shapes and problems are then the parent's; a leg memoized by its
        views is too (the views and the active topology decide it); what names a changed interface is not taken:
        its agent, its view and legs memoized by its key, and the agents answering at its address."""
        snap, other = self.snap, parent.snap
        assert snap.__dict__.get("active") is other.__dict__.get("active") is not None
        assert snap.__dict__.get("team_states") is other.__dict__.get("team_states") is not None
        assert not (self.record or parent.record or self.size is not None or parent.size is not None)
        for name in ("_view_memo", "_sensitive", "_view_keys", "_delivery", "_problems", "_port_problems", "_ports",
                     "_shape_ids", "_recv", "_guest_teams", "_sends_of", "_flood_of", "_unicast_of", "_location_of"):
            getattr(self, name).update(getattr(parent, name))

        def stale(key: object) -> bool:
            return isinstance(key, str) and key.partition("@")[0] in changed

        memo = self._leg_memo
        memo.update(parent._leg_memo)
        if changed:
            # keys by views hold components only; keys by agents are (x, y, ARP) with a router's key a str
            for key in [k for k in parent._leg_memo if len(k) == 3 and type(k[2]) is not tuple and (stale(k[0]) or stale(k[1]))]:
                del memo[key]
        self._router_views.update((k, v) for k, v in parent._router_views.items() if not stale(k))
        self._iface_agents.update((k, v) for k, v in parent._iface_agents.items() if k not in changed)
        addrs = {int(a.ip) for k, a in parent._iface_agents.items() if k in changed}
        addrs |= {int(i.ip) for ref in changed if (i := snap.l3.by_ref.get(ref)) is not None}
        self._agents_at.update((ip, v) for ip, v in parent._agents_at.items() if ip not in addrs)

    # rows ----------------------------------------------------------------------------------------------------
    def _row(self, device: str, decision: str, rule: str | None = None, *, frame: Frame | None = None,
             inp: str | None = None, out: str | None = None, vlan: int | None = None, tag: object = "-") -> None:
        if not self.record:
            return
        self.rows.append({
            "hop": len(self.rows) + 1, "device": device, "in": inp, "out": out, "vlan": vlan,
            "tag": None if tag == "-" else ("untagged" if tag is None else tag),
            "frame": frame.describe() if frame is not None else None, "decision": decision, "rule": rule,
        })

    # host views ---------------------------------------------------------------------------------------------
    def team(self, ep: Endpoint) -> TeamState | None:
        """The port's team; for a guest that tags (VGT, V3, V4), with the port group as that port sees it."""
        ts = self.snap.team_states.get(ep.team_key)
        if ts is None or ep.guest_vlan is None:
            return ts
        key = ep.port_key
        got = self._guest_teams.get(key)
        if got is None:
            got = self._guest_teams[key] = replace(ts, pg=ts.pg.for_guest(ep.guest_vlan))
        return got

    def host_problem(self, ep: Endpoint) -> str | None:
        """Why a host port sends and takes nothing at all, or None."""
        got = self._problems.get(ep.name, False)
        if got is False:
            got = self._problems[ep.name] = self._host_problem(ep)
        return got  # type: ignore[return-value]

    def _host_problem(self, ep: Endpoint) -> str | None:
        inv = self.snap.inventory
        if not self.snap.host_alive(ep.device):
            return f"{ep.device} has failed"
        if ep.vm is not None:
            vm = inv.vms[ep.vm]
            if vm.power != "on":
                return f"{ep.vm} is powered {vm.power}"
            if not vm.nics[ep.nic or 0].connected:
                return f"{ep.name} is not connected"
        # the rest depends on the port's team and guest VLAN only: worked out once per port group on a host
        key = ep.port_key
        got = self._port_problems.get(key, False)
        if got is False:
            ts = self.team(ep)
            if ts is None:
                got = f": port group {ep.network} has no team on {ep.device}"
            else:
                dropped = ts.pg.untagged_dropped()
                got = f" sends untagged on port group {ep.network} ({ts.pg}): {dropped}" if dropped else None
            self._port_problems[key] = got
        return None if got is None else ep.name + got  # type: ignore[operator]

    def sensitive(self, ep: Endpoint) -> bool:
        """Whether the uplink a frame uses or arrives on depends on the frame.  Each direction on its own:

        - *sending*: IP hash / a LAG picks an uplink per frame (T3, T6), so it matters when the active
          uplinks lead to different places.  In shotgun mode (T14) every frame leaves on every member: it
          does not.
        - *receiving*: a switch hands a frame for a port-channel to one member by its own hash (§3: the
          physical network picks the inbound link), whatever the team does.  That matters when the team does
          not take it on every member (M1, M2, M4, F9), and also when the members do not deliver alike: a
          member whose switch port does not carry the port group's VLAN drops what the hash gives it (V8,
          M10), shotgun or not.

        IP hash over one properly formed channel whose members all carry the port group alike is not
        sensitive: every flow enters the same logical port, and the switch may hand it back on any member."""
        shape = self.team_shape(ep)
        got = self._sensitive.get(shape)
        if got is not None:
            return got
        ts = self.team(ep)
        result = False
        if ts is not None and ts.active and self.host_problem(ep) is None:
            if ts.team.policy in HASHED and not ts.shotgun:
                ups = [self.snap.uplinks(ep.device, u) for u in ts.active]
                entries = {up.entry(ts.pg.egress_tag())[0] for up in ups}
                ends = {up.end.name if up.end is not None else None for up in ups}
                result = len(entries) > 1 or len(ends) > 1
            seen: set[str] = set()
            for u in ts.team.uplinks:
                if result:
                    break
                up = self.snap.uplinks(ep.device, u)
                if up.end is None or up.end.channel is None or up.reason is not None or up.end.name in seen:
                    continue
                seen.add(up.end.name)
                receivers = set(self._receivers(ep.device, up.end))
                if ts.team.policy not in HASHED or not receivers <= set(ts.active):
                    result = True
                else:
                    result = len({self._member_delivers(ep, ts, r) for r in receivers}) > 1
        self._sensitive[shape] = result
        return result

    def _member_delivers(self, ep: Endpoint, ts: TeamState, vmnic: str | None) -> frozenset:
        """Where a frame the switch hands to the channel member facing ``vmnic`` must be for the port group to
        take it (the components :meth:`host_takes` yields through that member; empty: it is dropped, V8)."""
        if vmnic is None:
            return frozenset()
        up = self.snap.uplinks(ep.device, vmnic)
        if vmnic in ts.team.uplinks:
            # host_takes' memo: the nodes of a member it takes on (which this one is: it is active) are these
            dkey = (ep.device, vmnic, ts.pg)
            nodes = self._delivery.get(dkey)
            if nodes is None:
                nodes = self._delivery[dkey] = delivery_nodes(self.snap, up, ts.pg)
        else:
            nodes = delivery_nodes(self.snap, up, ts.pg)
        comp = self.snap.active.component
        return frozenset(comp(n) for n, _ in nodes)

    def team_shape(self, ep: Endpoint) -> int:
        """Everything a host port's frames and deliveries depend on, short of the port itself: its team after
        failover and, per uplink, what the switch port does (its logical switches, VLAN settings, which
        uplinks share a logical end, and which uplink each member of a channel leads back to).  Ports of
        hosts cabled alike share a shape, so their views are worked out once.  The shape is numbered: equal
        shapes get one number within this walk."""
        if self.host_problem(ep) is not None:
            return self._shape_ids.setdefault(("down",), len(self._shape_ids))
        port_key = ep.port_key
        got = self._ports.get(port_key)
        return (got if got is not None else self._up_shape(ep, port_key))[0]

    def _up_shape(self, ep: Endpoint, port_key: tuple[str, str, int | None]) -> tuple[int, TeamState]:
        """The shape (:meth:`team_shape`) and team of a port without a problem, worked out: the ports of one team
        (and guest VLAN, :attr:`Endpoint.port_key`) share both."""
        ts = self.team(ep)
        assert ts is not None  # a port without a team has a problem
        team = ts.team
        uplinks = team.uplinks
        ups = self._uplink_shapes.get((ep.device, uplinks))  # _uplinks_shape's memo: one miss per host and switch
        if ups is None:
            ups = self._uplinks_shape(ep.device, uplinks)
        shape = ("up", team.policy, ts.shotgun, ts.lag_hash, ts.pg, ts.active, team.standby, team.unused,
                 uplinks, ups)
        # one small int per distinct shape: views and memo keys hold it, and hashing the shape's dataclasses
        # (Python-level hashes) each time a key is looked up cost more than the rest of a signature
        got = self._ports[port_key] = (self._shape_ids.setdefault(shape, len(self._shape_ids)), ts)
        return got

    def _uplinks_shape(self, host: str, uplinks: tuple[str, ...]) -> int:
        """Per uplink of ``host``, what the switch port does (:meth:`team_shape`), numbered: the port groups of one
        switch on a host share it, so it is worked out once per host and switch, and a shape holds one int."""
        key = (host, uplinks)
        got = self._uplink_shapes.get(key)
        if got is None:
            ends: dict[str, int] = {}
            per = []
            for u in uplinks:
                up = self.snap.uplinks(host, u)
                end = up.end
                if end is None:
                    per.append((up.reason is None, up.bridges, None, None, None))
                    continue
                receivers = self._receivers(host, end) if end.channel is not None else None
                per.append((up.reason is None, up.bridges, end.vlans, ends.setdefault(end.name, len(ends)), receivers))
            ids = self._uplink_shape_ids
            got = self._uplink_shapes[key] = ids.setdefault(tuple(per), len(ids))
        return got

    def _receivers(self, host: str, end) -> tuple[str | None, ...]:
        """The uplink of ``host`` each member of a channel end leads back to (None: another device)."""
        key = (host, end.name)
        got = self._recv.get(key)
        if got is None:
            peer = self.snap.cabling.peer
            got = self._recv[key] = tuple(p.interface if (p := peer(m)) is not None and p.device == host else None
                                          for m in end.members)
        return got

    def _member_vmnic(self, ep: Endpoint, member) -> str | None:
        peer = self.snap.cabling.peer(member)
        return peer.interface if peer is not None and peer.device == ep.device else None

    def host_sends(self, ep: Endpoint, frame: Frame) -> tuple[Sends, list[str]]:
        """Entry nodes of a frame sent by a host port, and why any uplink failed."""
        problem = self.host_problem(ep)
        if problem:
            return (), [problem]
        ts = self.team(ep)
        assert ts is not None
        ups = ts.sends_on(ep.port_id, ep.mac, frame, self.snap.settings)
        if not ups:
            return (), [f"{ep.name}: every active and standby uplink of port group {ts.team.portgroup} has failed "
                        f"({self._failed_text(ts)}); it talks only inside {ep.device} (F6, T10)"]
        out: list[tuple[str | None, Node]] = []
        why: list[str] = []
        tag = ts.pg.egress_tag()
        for u in ups:
            up = self.snap.uplinks(ep.device, u)
            node, problem = up.entry(tag)
            if node is None:
                why.append(f"{ep.name} sends on {u}: {problem}")
            else:
                out.append((u, node))
        return tuple(out), why

    def _failed_text(self, ts: TeamState) -> str:
        return "; ".join(f"{u}: {why}" for u, why in sorted(ts.detection.failed.items())) or "none in the team"

    def host_takes(self, ep: Endpoint, frame: Frame, loc: tuple[str, ...] | None) -> tuple[Takes, list[str]]:
        """Nodes where ``frame`` must be for the port to receive it.

        ``loc`` None: a flooded frame (BUM), which reaches every port of the VLAN; otherwise the uplinks
        where the port's MAC is learned (unicast goes there).
        """
        problem = self.host_problem(ep)
        if problem:
            return (), [problem]
        ts = self.team(ep)
        assert ts is not None
        home = ts.home(ep.port_id, ep.mac)
        settings = self.snap.settings
        out: list[tuple[str | None, Node, object]] = []
        why: list[str] = []
        seen_ends: set[str] = set()
        candidates = ts.team.uplinks if loc is None else loc
        for u in candidates:
            up = self.snap.uplinks(ep.device, u)
            if up.reason is not None:
                if loc is not None or u in ts.active:
                    why.append(f"{ep.device}:{u}: {up.reason}")
                continue
            assert up.end is not None
            if up.end.name in seen_ends:
                continue
            seen_ends.add(up.end.name)
            receiver = u
            if up.end.channel is not None:
                members = up.end.members
                m = members[channel_hash_index(frame, len(members), settings.switch_channel_hash)]
                receiver = self._member_vmnic(ep, m) or f"{m}"
                up = self.snap.uplinks(ep.device, receiver) if receiver in ts.team.uplinks else up
            if loc is None:
                ok = ts.delivers_bum(receiver, home)
                rule = "F9"
                kind = "broadcast"
            else:
                ok = ts.delivers_unicast(receiver, home, settings)
                rule = "F9"
                kind = "unicast"
            if not ok:
                role = ("unused" if receiver in ts.team.unused else "standby" if receiver in ts.team.standby
                        else "not the home uplink" if receiver in ts.active else "not in the team")
                via = f" (the switch hashed it onto member {receiver} of {up.end.name})" if up.end.channel else ""
                why.append(f"{kind} for {ep.name} arrives on {receiver}{via}, which is {role} for it: dropped ({rule})")
                continue
            dkey = (ep.device, receiver, ts.pg)
            nodes = self._delivery.get(dkey)
            if nodes is None:
                nodes = self._delivery[dkey] = delivery_nodes(self.snap, up, ts.pg)
            if not nodes:
                why.append(self._admission_problem(ep, ts, up))
                continue
            for node, tag in nodes:
                out.append((receiver, node, tag))
        return tuple(out), why

    def _admission_problem(self, ep: Endpoint, ts: TeamState, up) -> str:
        pg = ts.pg
        v = up.vlans
        tag = pg.egress_tag()
        vlan = v.ingress(tag) if v is not None else None
        if pg.vid not in (None, 0, 4095) and v is not None and v.mode == "trunk" and pg.vid == v.native_vlan:
            return (f"{up.port} sends native VLAN {pg.vid} untagged and port group {ts.team.portgroup} "
                    f"({pg}) takes only frames tagged {pg.vid}: no inbound traffic (V6)")
        if vlan is None or v is None:
            return f"{pg} of port group {ts.team.portgroup} is not carried by {up.port} (V8)"
        ok, etag = v.egress(vlan)
        if not ok:
            return f"VLAN {vlan} is not allowed on {up.port} (V8)"
        return f"{up.port} sends VLAN {vlan} {'untagged' if etag is None else f'tagged {etag}'}, which port group {ts.team.portgroup} ({pg}) does not take (V2)"

    # router views ---------------------------------------------------------------------------------------------
    def router_view(self, a: RouterAgent) -> tuple[Sends, Takes, list[str]]:
        i = a.iface
        if not i.up:
            return (), (), [f"{i.ref} is down: {i.reason}"]
        if i.node is None:
            return (), (), []
        return ((None, i.node),), ((None, i.node, None),), []

    # views -------------------------------------------------------------------------------------------------------
    def view_key(self, ep: Endpoint) -> tuple | None:
        """What an insensitive host port's views depend on: its team and home uplink (None: compute per frame)."""
        if self.record:
            return None
        name = ep.name
        got = self._view_keys.get(name, False)
        if got is not False:
            return got  # type: ignore[return-value]
        problem = self._problems.get(name, False)  # host_problem's memo, read inline (once per port)
        if problem is False:
            problem = self.host_problem(ep)
        if problem is not None:
            shape = self.team_shape(ep)
            sensitive = self._sensitive.get(shape)
            if sensitive is None:
                sensitive = self.sensitive(ep)
            key = None if sensitive else (shape, None, False)
        else:
            port_key = ep.port_key
            port = self._ports.get(port_key)
            shape, ts = port if port is not None else self._up_shape(ep, port_key)
            sensitive = self._sensitive.get(shape)
            if sensitive is None:
                sensitive = self.sensitive(ep)
            key = None if sensitive else (shape, ts.home(ep.port_id, ep.mac), True)
        self._view_keys[name] = key
        return key

    def _router_comps(self, a: RouterAgent) -> tuple[tuple[Sends, list[str]], tuple[Takes, list[str]]]:
        """A router interface's sends and takes as components (not recording): they depend on the interface only."""
        got = self._router_views.get(a.key)
        if got is None:
            s, t, why = self.router_view(a)
            got = self._router_views[a.key] = ((self._comp_sends(s), why), (self._comp_takes(t), why))
        return got

    def sends(self, a: Agent, frame: Frame) -> tuple[Sends, list[str]]:
        if isinstance(a, RouterAgent):
            if not self.record:
                return self._router_comps(a)[0]
            s, _, why = self.router_view(a)
            return s, why
        ep = a.ep
        got = self._sends_of.get(ep.name)  # only a port with a view key is kept here
        if got is not None:
            return got
        key = self.view_key(ep)
        if key is None:
            s, why = self.host_sends(ep, frame)
            return (s, why) if self.record else (self._comp_sends(s), why)
        key = ("s", *key)
        got = self._view_memo.get(key)
        if got is None:
            s, why = self.host_sends(ep, frame)
            got = self._view_memo[key] = (self._comp_sends(s), why[:1])
        self._sends_of[ep.name] = got
        return got

    def takes(self, a: Agent, frame: Frame, loc: tuple[str, ...] | None) -> tuple[Takes, list[str]]:
        if isinstance(a, RouterAgent):
            if not self.record:
                return self._router_comps(a)[1]
            _, t, why = self.router_view(a)
            return t, why
        ep = a.ep
        # a port with a view key takes where its view says: a unicast frame where its MAC is learned, which its
        # view decides too (:meth:`location`), so only flooded or not matters
        known = self._flood_of if loc is None else self._unicast_of
        got = known.get(ep.name)
        if got is not None:
            return got
        key = self.view_key(ep)
        if key is None:
            t, why = self.host_takes(ep, frame, loc)
            return (t, why) if self.record else (self._comp_takes(t), why)
        key = ("t", loc is None, *key)
        got = self._view_memo.get(key)
        if got is None:
            t, why = self.host_takes(ep, frame, loc)
            got = self._view_memo[key] = (self._comp_takes(t), why[:1])
        known[ep.name] = got
        return got

    def _comp_sends(self, sends: Sends) -> Sends:
        comp = self.snap.active.component
        if len(sends) == 1:  # most ports: nothing to sort (a component's repr is a Python-level dataclass repr)
            return ((None, comp(sends[0][1])),)  # type: ignore[return-value]
        got = {(None, comp(n)) for _, n in sends}
        return tuple(got) if len(got) == 1 else tuple(sorted(got, key=repr))  # type: ignore[arg-type]

    def _comp_takes(self, takes: Takes) -> Takes:
        comp = self.snap.active.component
        if len(takes) == 1:
            return ((None, comp(takes[0][1]), None),)  # type: ignore[return-value]
        got = {(None, comp(n), None) for _, n, _ in takes}
        return tuple(got) if len(got) == 1 else tuple(sorted(got, key=repr))  # type: ignore[arg-type]

    def _reaches(self, a, b) -> bool:
        if self.record:
            return self.snap.active.reaches(a, b)
        return self.snap.active.reaches_component(a, b)

    def location(self, a: Agent, conversation: Frame) -> tuple[str, ...] | None:
        """Where an agent's MAC is learned: the uplinks it sends this conversation's packets on."""
        if isinstance(a, RouterAgent):
            return ()
        ep = a.ep
        got = self._location_of.get(ep.name)
        if got is not None:
            return got
        if self.view_key(ep) is None:
            sends, _ = self.host_sends(ep, conversation)
            return tuple(u for u, _ in sends if u is not None)
        sends, _ = self._home_sends(ep)
        got = self._location_of[ep.name] = tuple(u for u, _ in sends if u is not None)
        return got

    def _home_sends(self, ep: Endpoint) -> tuple[Sends, list[str]]:
        key = ("loc", self.view_key(ep))
        got = self._view_memo.get(key)
        if got is None:
            got = self._view_memo[key] = self.host_sends(ep, Frame("ip", ep.mac, ep.mac, NO_IP, NO_IP))
        return got

    # one layer-2 leg -------------------------------------------------------------------------------------------
    def leg(self, x: Agent, y: Agent, ip_src: IPv4Address, ip_dst: IPv4Address, need_arp: bool,
            arp_only: bool = False) -> None:
        """Raise :class:`Unreachable` unless X's packet to Y, with ARP first when needed, gets through
        (``arp_only``: only the ARP request and its reply)."""
        if (isinstance(x, HostAgent) and isinstance(y, HostAgent) and x.ep.device == y.ep.device
                and not (x.key in self.apart and y.key in self.apart)):
            tx, ty = self.team(x.ep), self.team(y.ep)
            if tx is not None and ty is not None and (tx.team.kind, tx.team.switch) == (ty.team.kind, ty.team.switch):
                for a in (x, y):
                    problem = self.host_problem(a.ep)
                    if problem:
                        raise Unreachable(problem)
                if tx.pg.local_key == ty.pg.local_key:
                    self._row(x.ep.device, f"{x} -> {y}: same vSwitch {tx.team.switch}, same VLAN: delivered inside the host",
                              "F3", inp=str(x), out=str(y), vlan=tx.pg.vid)
                    return
                raise Unreachable(f"{x} and {y} share vSwitch {tx.team.switch} but not a VLAN; frames between them "
                                  f"that return from the wire carry a local source MAC and are dropped (F10)", "F10")
        if isinstance(x, RouterAgent) and isinstance(y, RouterAgent) and x.iface.peer is not None:
            if not (x.iface.up and y.iface.up):
                raise Unreachable(f"routed link {x.iface.ref}--{y.iface.ref} is down")
            self._row(x.router, f"routed link to {y.iface.ref}", "L3", out=x.iface.name)
            return
        memo_key = id_key = comp_key = None
        if not self.record:
            # agents whose views do not depend on the frame are memoized by those views first: a host port's view
            # key (its team's shape, home uplink, whether it is alive) or a router interface's key, which decide
            # every step below (ports of one host that talk inside it were answered above)
            kx = x.key if isinstance(x, RouterAgent) else self.view_key(x.ep)
            ky = y.key if isinstance(y, RouterAgent) else self.view_key(y.ep)
            if kx is not None and ky is not None:
                mode = "arp" if arp_only else need_arp
                id_key = (kx, ky, mode)
                got = self._leg_memo.get(id_key)
                if got is None:
                    # agents whose views are the same components meet the same memo key below: one walk per
                    # pair of those, without building the frames and the key (a reach asks thousands of legs)
                    cx = self._comp_view(x, kx)
                    cy = self._comp_view(y, ky) if cx is not None else None
                    if cy is not None:
                        comp_key = (cx, cy, mode)
                        got = self._comp_legs.get(comp_key)
                        if got is not None:
                            self._leg_memo[id_key] = got
                if got is True:
                    return
                if got is False:
                    raise Unreachable("unreachable")
        arp_req = Frame("arp-request", x.mac, BROADCAST, x.ip, y.ip)
        arp_rep = Frame("arp-reply", y.mac, x.mac, y.ip, x.ip)
        ip = Frame("ip", x.mac, y.mac, ip_src, ip_dst)
        back = Frame("ip", y.mac, x.mac, ip_dst, ip_src)
        steps: list[tuple[Agent, Agent, Frame, Frame | None]] = []
        if need_arp or arp_only:
            steps.append((x, y, arp_req, None))
            steps.append((y, x, arp_rep, ip))
        if not arp_only:
            steps.append((x, y, ip, back))
        seen: list | None = None
        if not self.record:
            # kept for the steps below: asking again costs as much as the key
            seen = [(self.sends(s, f), self.takes(r, f, None if c is None else self.location(r, c))) for s, r, f, c in steps]
            memo_key = tuple((sv[0], tv[0]) for sv, tv in seen)
            got = self._leg_memo.get(memo_key)
            if got is not None:
                if id_key is not None:
                    self._leg_memo[id_key] = got  # type: ignore[index]
                if comp_key is not None:
                    self._comp_legs[comp_key] = got
                if got:
                    return
                raise Unreachable("unreachable")
        try:
            for k, (s, r, f, c) in enumerate(steps):
                self.step(s, r, f, c, seen[k] if seen is not None else None)
        except Unreachable:
            if memo_key is not None:
                self._leg_memo[memo_key] = False
                if id_key is not None:
                    self._leg_memo[id_key] = False  # type: ignore[index]
                if comp_key is not None:
                    self._comp_legs[comp_key] = False
            raise
        if memo_key is not None:
            self._leg_memo[memo_key] = True
            if id_key is not None:
                self._leg_memo[id_key] = True  # type: ignore[index]
            if comp_key is not None:
                self._comp_legs[comp_key] = True

    def _comp_view(self, a: Agent, key: object) -> int | None:
        """A number per distinct (sends, flooded takes, unicast takes) of an agent as components, by its key in
        :meth:`leg` (a router interface's key, a host port's view key): those decide :meth:`leg`'s memo key, so
        two agents with one number meet the same memo entries.  None for a host port whose three views are not
        all memoized yet: they are not worked out here (the frame that first asks fills them, and names what a
        failure reports)."""
        got = self._comp_view_ids.get(key)
        if got is None:
            if isinstance(a, RouterAgent):
                (s, _), (t, _) = self._router_comps(a)
                parts = (s, t, t)
            else:
                k = key  # a view key: (shape, home, alive)
                memo = self._view_memo
                s = memo.get(("s", *k))  # type: ignore[misc]
                tf = memo.get(("t", True, *k))  # type: ignore[misc]
                tu = memo.get(("t", False, *k))  # type: ignore[misc]
                if s is None or tf is None or tu is None:
                    return None
                parts = (s[0], tf[0], tu[0])
            got = self._comp_view_ids[key] = self._comp_ids.setdefault(parts, len(self._comp_ids))
        return got

    def step(self, s: Agent, r: Agent, frame: Frame, conversation: Frame | None,
             seen: tuple[tuple[Sends, list[str]], tuple[Takes, list[str]]] | None = None) -> None:
        """One frame from S to R (flooded when ``conversation`` is None, else unicast to R's location).
        ``seen``: S's sends and R's takes for it, when the caller has them (:meth:`leg`, not recording)."""
        if seen is None:
            sends, why_s = self.sends(s, frame)
            loc = None if conversation is None else self.location(r, conversation)
            takes, why_r = self.takes(r, frame, loc)
        else:
            (sends, why_s), (takes, why_r) = seen
        for u, entry in sends:
            for ru, node, tag in takes:
                if self._reaches(entry, node):
                    if self.record:
                        self._record_path(s, r, frame, u, entry, ru, node, tag)
                        if self.size is not None and frame.is_ip:
                            self._check_mtu(s, r, u, entry, ru, node)
                    return
        if not sends:
            raise Unreachable(why_s[0] if why_s else f"{s} cannot send", _rule_of(why_s[0]) if why_s else None)
        if not takes:
            raise Unreachable(f"{frame.describe()} from {s} never reaches {r}: " + (why_r[0] if why_r else "no port takes it"),
                              _rule_of(why_r[0]) if why_r else None)
        if not self.record:
            raise Unreachable(f"{frame.describe()}: no layer-2 path from {s} to {r}", "STP")
        u, entry = sends[0]
        _, node, _ = takes[0]
        where = f"{s}'s uplink {u} leads to {entry[0]} (VLAN {entry[1]})" if u else f"{s} sits in {entry[0]} VLAN {entry[1]}"
        raise Unreachable(f"{frame.describe()}: {where}, which has no layer-2 path to {r} at {node[0]} (VLAN {node[1]})"
                          + (f"; {why_s[0]}" if why_s else ""), "STP")

    def _check_mtu(self, s: Agent, r: Agent, u: str | None, entry: Node, ru: str | None, node: Node) -> None:
        """S7: a don't-fragment packet larger than any MTU on its path is dropped (M11)."""
        assert self.size is not None
        length = self.size + 28  # ICMP and IPv4 headers
        parts: list[tuple[int, str]] = []
        inv = self.snap.inventory
        from .stp import end_settings

        for agent, uplink in ((s, u), (r, ru)):
            if isinstance(agent, HostAgent):
                ts = self.team(agent.ep)
                assert ts is not None
                parts.append((ts.team.mtu, f"{ts.team.switch} on {agent.ep.device}"))
                if agent.ep.kind == "vmk":
                    vmk = inv.hosts[agent.ep.device].vmkernel[agent.ep.interface or ""]
                    parts.append((vmk.mtu, agent.ep.name))
                port = self.snap.uplinks(agent.ep.device, uplink or "").port
                if port is not None:
                    parts.append((end_settings(self.snap, self.snap.port_end(port)).mtu, str(port)))
            else:
                parts.append((inv.switches[agent.iface.owner].interfaces[agent.iface.name].mtu, agent.iface.ref))
        for h in self.snap.active.path(entry, node) or []:
            link = h.link
            for end in (link.a, link.b):
                parts.append((end_settings(self.snap, end).mtu, end.name))
        for mtu, where in parts:
            if length > mtu:
                raise Unreachable(f"a {length}-byte packet with don't-fragment set exceeds the MTU {mtu} of {where} (S7, M11)", "S7")

    def _record_path(self, s: Agent, r: Agent, frame: Frame, u: str | None, entry: Node, ru: str | None,
                     node: Node, tag: object) -> None:
        """Rows for one frame: the sender, each bridge it crosses (in, out, VLAN, tag), the receiver."""
        first_in: str | None = None
        if isinstance(s, HostAgent):
            ts = self.team(s.ep)
            assert ts is not None
            policy = ts.team.policy
            rule = "T14" if ts.shotgun else {"port_id": "T1", "mac_hash": "T2", "ip_hash": "T3", "explicit": "T4",
                                             "load_based": "T5", "lag": "T6"}.get(policy, "T1")
            self._row(s.ep.device, f"{s} ({ts.pg}) sends on {u}: {policy}{' (shotgun)' if ts.shotgun else ''}",
                      rule, frame=frame, inp=s.ep.name, out=u, vlan=ts.pg.vid, tag=ts.pg.egress_tag())
            first_in = str(self.snap.uplinks(s.ep.device, u).port)  # type: ignore[arg-type]
        else:
            first_in = f"{s.iface.ref} (SVI)" if s.iface.kind == "svi" else s.iface.ref
        hops = self.snap.active.path(entry, node) or []
        how = "flood" if frame.bum else "forward to learned MAC"
        ins = [first_in] + [h.in_port for h in hops]
        outs = [h.out_port for h in hops]
        nodes = [entry] + [h.dst for h in hops]
        if isinstance(r, HostAgent):
            assert ru is not None
            outs.append(str(self.snap.uplinks(r.ep.device, ru).port))
        else:
            outs.append(f"{r.iface.ref} (SVI)" if r.iface.kind == "svi" else r.iface.ref)
        for k, (n, i, o) in enumerate(zip(nodes, ins, outs, strict=True)):
            wire = hops[k].tag if k < len(hops) else (tag if isinstance(r, HostAgent) else "-")
            rule = "F5" if frame.bum else ("STP" if k < len(hops) else "F4")
            self._row(n[0], f"{how}: VLAN {n[1]} out {o}" + ("" if wire == "-" else f" (tag {'none' if wire is None else wire})"), rule,
                      frame=frame, inp=i, out=o, vlan=n[1], tag=wire)
        if isinstance(r, HostAgent):
            ts = self.team(r.ep)
            assert ts is not None
            self._row(r.ep.device, f"delivered to {r} ({ts.pg}) on {ru}", "F9" if frame.bum else "V2", frame=frame,
                      inp=ru, out=r.ep.name, vlan=ts.pg.vid, tag=tag)
        else:
            self._row(r.router, f"received by {r}", "L3", frame=frame, inp=r.iface.name, vlan=node[1])

    # next hops ---------------------------------------------------------------------------------------------------
    def agent_for(self, x: Agent, ip: IPv4Address) -> list[Agent]:
        """Who may answer ARP for ``ip`` on X's segment: host ports and router interfaces with that address,
        and for an FHRP virtual IP the router active for it where X's frames enter."""
        snap = self.snap
        addr = int(ip)
        known = self._agents_at.get(addr)
        if known is None:  # the same for every X: only an FHRP address's answerer depends on where X sits
            fixed: list[Agent] = [self.host_agent(e) for e in snap.endpoints.at(ip, hosts_only=True) if e.on_host]
            fixed.extend(self.iface_agent(i) for i in snap.l3.ifaces_at(ip))
            known = self._agents_at[addr] = (fixed, snap.l3.vip_mac_of(ip))
        vmac = known[1]
        if vmac is None:
            return list(known[0])
        # an FHRP address: its answerers depend on where X's frames enter, that is (not recording, and not
        # anycast, whose nearest holder is found from nodes) on a router interface's key or a host port's view
        # key: worked out once per such key
        ckey: object = None
        if not self.record:
            ckey = x.key if isinstance(x, RouterAgent) else self.view_key(x.ep)
            if ckey is not None:
                # only a non-anycast address's answerers are kept: one found needs no anycast test
                got = self._answerers.get((ckey, addr))
                if got is not None:
                    return list(got)
                if snap.l3.is_anycast(ip):
                    ckey = None
        out = list(known[0])
        nodes: list[Node] = []
        if isinstance(x, RouterAgent):
            if x.iface.node is not None:
                nodes.append(x.iface.node)
        else:
            nodes.extend(self.arp_entry(x, ip))
        for n in nodes:
            act = snap.l3.vip_answerer(ip, n)
            if act is not None:
                out.append(self.router_agent(act, ip, vmac))
        if ckey is not None:
            self._answerers[(ckey, addr)] = out
            return list(out)
        return out

    def router_agent(self, i: L3If, ip: IPv4Address, mac: str) -> RouterAgent:
        """Interface ``i`` answering for ``ip`` with ``mac`` (one object each: its key is cached)."""
        key = (i.ref, int(ip), mac)
        got = self._router_agents.get(key)
        if got is None or got.iface is not i:
            got = self._router_agents[key] = RouterAgent(i, ip, mac)
        return got

    def host_agent(self, e: Endpoint) -> HostAgent:
        """The agent of host port ``e`` (one object each: its address is cached)."""
        got = self._host_agents.get(e.name)
        if got is None or got.ep is not e:
            got = self._host_agents[e.name] = HostAgent(e)
        return got

    def arp_entry(self, x: HostAgent, ip: IPv4Address) -> list[Node]:
        """Where a host port's ARP request for ``ip`` enters layer 2.  For an anycast gateway these are nodes even
        when not recording (not only their components): the holder that takes the frames is the one nearest to
        where they enter (:meth:`L3.vip_answerer`), so reach must ask exactly as trace does."""
        frame = Frame("arp-request", x.mac, BROADCAST, x.ip, ip)
        sends, _ = self.host_sends(x.ep, frame) if self.snap.l3.is_anycast(ip) else self.sends(x, frame)
        return [n for _, n in sends]

    # the ping ------------------------------------------------------------------------------------------------------
    def ping(self, src: Endpoint, dst: Endpoint) -> Verdict:
        """The ping from ``src`` to ``dst`` and its reply.  Where ARP for an FHRP virtual IP is answered by
        different routers with its one virtual MAC (a split answer, module doc: topology-v1 "Duplicate addresses",
        T14, M12) it is walked once per choice of the router that takes the packet, at every such ARP met: one
        answer for all of them is the answer (the rows of the first walk), two are a race ("duplicate address")."""
        self._plan = []
        self._met = []
        first = self._walk(src, dst)
        if not self._met:
            return first
        splits = self._met
        rows = self.rows
        verdicts: list[tuple[list[int], Verdict]] = [([], first)]
        plan: list[int] = []
        while True:
            # the next combination of choices, depth first: the last split met with a port left to try
            met = self._met
            for i in range(len(met) - 1, -1, -1):
                choice = plan[i] if i < len(plan) else 0
                if choice + 1 < met[i][0]:
                    plan = [plan[j] if j < len(plan) else 0 for j in range(i)] + [choice + 1]
                    break
            else:
                break
            self._plan = plan
            self._met = []
            verdicts.append((plan, self._walk(src, dst)))
        self._plan = []
        self._met = []
        self.rows = rows
        answers = {v.ok for _, v in verdicts}
        if len(answers) == 1:
            return Verdict(first.ok, first.reason, first.rule, rows=rows)
        _, x, nh, answering = splits[0]
        good = next((p, v) for p, v in verdicts if v.ok)
        bad = next((p, v) for p, v in verdicts if not v.ok)

        def through(p: list[int]) -> str:
            return str(answering[p[0] if p else 0])

        who = ", ".join(str(y) for y in answering)
        reason = (f"duplicate address: ARP for {nh} from {x} is answered by {who} with one MAC ({answering[0].mac}); "
                  f"which takes the packet is a race, and the ping's answer depends on it: through {through(good[0])} "
                  f"it is answered, through {through(bad[0])} not ({bad[1].reason})")
        device = x.ep.device if isinstance(x, HostAgent) else x.router
        self._row(device, reason, None, inp=str(x))
        return Verdict(False, reason, None, rows=self.rows)

    def _walk(self, src: Endpoint, dst: Endpoint) -> Verdict:
        """One walk of :meth:`ping`, taking the answering port that :attr:`_plan` names at each split answer."""
        self.rows = []
        try:
            if src.ip is None or dst.ip is None:
                a, b = self._agent(src), self._agent(dst)
                self._row(str(a), "no IPv4 address at one end: judged at layer 2", None)
                self.leg(a, b, NO_IP, NO_IP, True)
                self.leg(b, a, NO_IP, NO_IP, True)
                return Verdict(True, rows=self.rows)
            sip, dip = src.ip.ip, dst.ip.ip  # each asking builds an IPv4Address
            if sip == dip:
                if self.is_endpoint(self._agent(src), dst):
                    self._row(src.name, f"{dip} is {src.name}'s own address: answered by its own stack", None)
                    return Verdict(True, rows=self.rows)
                raise Unreachable(f"duplicate address: {dst.name} has {src.name}'s own address {dip}, and a port "
                                  "never reaches its own address through the network")
            learned: set[tuple[str, str]] = set()
            answered = self.deliver(src, dst, sip, dip, learned)
            self._check_taker(answered, dst)
            back = self.deliver(answered, src, dip, sip, learned)
            self._check_taker(back, src)
            return Verdict(True, rows=self.rows)
        except Unreachable as exc:
            return Verdict(False, exc.reason, exc.rule, rows=self.rows)

    def _agent(self, e: Endpoint) -> Agent:
        if e.on_host:
            return self.host_agent(e)
        if e.kind == "vip":
            owners = self.snap.l3.owners_of(e.ip.ip) if e.ip else None
            if not owners:
                raise Unreachable(f"no live router is active for {e.name}")
            return self.router_agent(owners[0], e.ip.ip, self.snap.l3.vip_mac_of(e.ip.ip))  # type: ignore[union-attr,arg-type]
        i = self.snap.l3.by_ref.get(f"{e.device}:{e.interface}")
        if i is None:
            raise Unreachable(f"{e.name} is not an L3 interface")
        if not i.up:
            raise Unreachable(f"{e.name} is down: {i.reason}")
        return self.iface_agent(i)

    def is_endpoint(self, a: Agent, e: Endpoint) -> bool:
        """Whether agent ``a`` is the port of endpoint ``e`` (not another port with its address)."""
        if isinstance(a, HostAgent):
            o = a.ep
            if o is e:  # the usual answer, without building two tuples
                return True
            return e.on_host and (o.kind, o.device, o.vm, o.nic, o.interface) == (e.kind, e.device, e.vm, e.nic, e.interface)
        if e.kind == "vip":
            return e.ip is not None and a.ip == e.ip.ip and any(i.ref == a.iface.ref for i in self.snap.l3.owners_of(a.ip))
        return not e.on_host and (a.iface.owner, a.iface.name) == (e.device, e.interface)

    def _check_taker(self, a: Agent, e: Endpoint) -> None:
        """Topology-v1 "Duplicate addresses": the packet for ``e``'s address must reach ``e`` itself."""
        if not self.is_endpoint(a, e):
            raise Unreachable(f"duplicate address: the packet for {e.name} ({e.ip.ip if e.ip else '-'}) is taken by {a}, "
                              "which has the same address")

    def iface_agent(self, i: L3If) -> RouterAgent:
        """A router interface answering for its own address (one object each: its key is cached)."""
        got = self._iface_agents.get(i.ref)
        if got is None:
            got = self._iface_agents[i.ref] = RouterAgent(i, i.ip.ip, i.mac)
        return got

    def deliver(self, src: Endpoint | Agent, dst: Endpoint, ip_src: IPv4Address, ip_dst: IPv4Address,
                learned: set[tuple[str, str]]) -> Agent:
        """Carry a packet from ``src`` to the owner of ``ip_dst``; return the agent that took it."""
        x: Agent = self._agent(src) if isinstance(src, Endpoint) else src
        router: str | None = None
        for _ in range(MAX_ROUTED_HOPS):
            if isinstance(x, HostAgent) and router is None:
                nh = self.host_next_hop(x, ip_dst)
            else:
                r = router if router is not None else x.router  # type: ignore[union-attr]
                own, out = self.at_router(r, ip_dst)
                if own is not None:
                    return own
                assert out is not None
                x, nh = out
                router = None
            y = self.next_agent(x, nh, ip_src, ip_dst, learned)
            if isinstance(y, HostAgent):
                if y.ep.ip is not None and y.ep.ip.ip == ip_dst:
                    return y
                raise Unreachable(f"next hop {nh} is {y}, which does not route")
            x = y
            router = y.router
        raise Unreachable(f"routing loop toward {ip_dst}", "L3")

    # the pieces of :meth:`deliver`, shared with reach's bulk evaluation -----------------------------------------
    def host_next_hop(self, x: HostAgent, ip_dst: IPv4Address) -> IPv4Address:
        """A host's next hop toward ``ip_dst``: the address itself inside its subnet, else its gateway."""
        ep = x.ep
        assert ep.ip is not None
        if ip_dst in ep.ip.network:
            return ip_dst
        if ep.gateway is not None:
            if self.record:
                self._row(ep.name, f"{ip_dst} is not in {ep.ip.network}: send to gateway {ep.gateway}", None)
            return ep.gateway
        raise Unreachable(f"{ep.name} has no gateway and {ip_dst} is outside {ep.ip.network}")

    def at_router(self, r: str, ip_dst: IPv4Address) -> tuple[RouterAgent | None, tuple[RouterAgent, IPv4Address] | None]:
        """What router ``r`` does with a packet for ``ip_dst``: take it (its own address, first) or send it
        out of an interface toward a next hop (second)."""
        if not self.record:
            # it depends on the router and the address only: worked out once each (a reach asks thousands)
            key = (r, int(ip_dst))
            got = self._at_router.get(key)
            if got is None:
                try:
                    got = self._at_router[key] = self._router_decides(r, ip_dst)
                except Unreachable as exc:
                    got = self._at_router[key] = (exc.reason, exc.rule, None)  # three: a failure
            if len(got) == 3:
                raise Unreachable(got[0], got[1])
            return got  # type: ignore[return-value]
        return self._router_decides(r, ip_dst)

    def _router_decides(self, r: str, ip_dst: IPv4Address) -> tuple[RouterAgent | None, tuple[RouterAgent, IPv4Address] | None]:
        """:meth:`at_router`, worked out."""
        l3 = self.snap.l3
        own = l3.owns(r, ip_dst)
        if own is not None:
            if self.record:
                self._row(r, f"{ip_dst} is {r}'s own address ({own.ref})", "L3")
            return self.router_agent(own, ip_dst, l3.vip_mac_of(ip_dst) or own.mac), None
        rt = l3.route(r, ip_dst)
        if rt is None:
            raise Unreachable(f"{r} has no route to {ip_dst}", "L3")
        nh = ip_dst if rt.kind == "connected" else rt.next_hop
        if self.record:
            self._row(r, f"route {rt.network} {rt.kind} via {rt.iface.ref}" + (f", next hop {nh}" if rt.kind != "connected" else ""), "L3")
        return None, (self.iface_agent(rt.iface), nh)  # type: ignore[return-value]

    def next_agent(self, x: Agent, nh: IPv4Address, ip_src: IPv4Address, ip_dst: IPv4Address,
                   learned: set[tuple[str, str]]) -> Agent:
        """The agent answering for ``nh`` that X's packet reaches: the one X learned from its own ARP request
        earlier in this ping (``learned`` holds (learner, teacher) keys), else the first to answer X's ARP.

        Duplicate addresses (topology-v1 "Duplicate addresses"), decided here for ``trace`` and ``reach`` alike:
        X never sends to its own address through the network; and when X must ask and ports with different
        MACs complete the ARP exchange with it, which one answers first is a race: the leg is unreachable.  When
        several routers complete it for an FHRP virtual IP with its virtual MAC (a split answer, module doc; not an
        anycast gateway's holders) the walk goes through the one :attr:`_plan` names, and :meth:`ping` walks the
        others too."""
        if nh == x.ip:
            raise Unreachable(f"duplicate address: next hop {nh} is {x}'s own address, and a port never reaches its "
                              "own address through the network")
        candidates = self.agent_for(x, nh)
        if not candidates:
            if isinstance(x, HostAgent):
                # a gateway VIP is looked for where X's frames enter: when X sends nowhere, say why (F6, T10)
                sends, why = self.sends(x, Frame("arp-request", x.mac, BROADCAST, x.ip, nh))
                if not sends and why:
                    raise Unreachable(why[0], _rule_of(why[0]))
            raise Unreachable(f"nothing answers ARP for {nh}" + (f" (the gateway of {x})" if nh != ip_dst else ""))
        if len(candidates) > 1:
            # one agent per key: an interface whose own address is its FHRP group's VIP (a VRRP address owner)
            # answers once, not as a duplicate of itself
            seen: set[str] = set()
            candidates = [c for c in candidates if not (c.key in seen or seen.add(c.key))]  # type: ignore[func-returns-value]
            for y in candidates:
                if (x.key, y.key) in learned:  # a MAC learned from its own request: nothing to ask
                    self.leg(x, y, ip_src, ip_dst, False)
                    return y
            l3 = self.snap.l3
            vmac = l3.vip_mac_of(nh) if len(candidates) > 1 else None
            if vmac is not None and l3.is_anycast(nh):
                vmac = None  # an anycast gateway's holders are no race (topology-v1 "Layer 3")
            if vmac is not None or len({c.mac for c in candidates}) > 1:
                # one router met through several entry nodes (a shotgun port's uplinks into one domain) is one answer
                answering = list({y.key: y for y in self._race(x, nh, candidates, ip_src, ip_dst)}.values())
                # a split answer (module doc): routers answering for an FHRP virtual IP with its virtual MAC, the
                # active ones of separate layer-2 domains that X's frames all enter (T14); the walk goes through
                # the one its plan names
                if len(answering) > 1 and all(isinstance(y, RouterAgent) and y.mac == vmac for y in answering):
                    k = len(self._met)
                    choice = self._plan[k] if k < len(self._plan) else 0
                    self._met.append((len(answering), x, nh, answering))
                    y = answering[choice]
                    self._row(x.ep.device if isinstance(x, HostAgent) else x.router,
                              f"ARP who-has {nh} tell {x.ip}: answered by {', '.join(map(str, answering))} with one MAC "
                              f"({y.mac}); which takes the packet is a race: the ping is walked through each, here {y} "
                              f"(topology-v1 \"Duplicate addresses\")", None, inp=str(x))
                    self.leg(x, y, ip_src, ip_dst, True)
                    learned.add((y.key, x.key))
                    return y
        first_error: Unreachable | None = None
        for y in candidates:
            need_arp = (x.key, y.key) not in learned
            try:
                self.leg(x, y, ip_src, ip_dst, need_arp)
            except Unreachable as exc:
                first_error = first_error or exc
                continue
            if need_arp:
                learned.add((y.key, x.key))
            return y
        assert first_error is not None
        raise first_error

    def _race(self, x: Agent, nh: IPv4Address, candidates: list[Agent], ip_src: IPv4Address,
              ip_dst: IPv4Address) -> list[Agent]:
        """Raise "duplicate address" when ports with different MACs all complete X's ARP exchange for ``nh``; else
        return the ports that complete it (all with one MAC)."""
        kept = len(self.rows)
        answering: list[Agent] = []
        for y in candidates:
            try:
                self.leg(x, y, ip_src, ip_dst, True, arp_only=True)
            except Unreachable:
                continue
            answering.append(y)
        del self.rows[kept:]  # the probes are not part of the walk
        macs = {y.mac for y in answering}
        if len(macs) > 1:
            who = ", ".join(f"{y} ({y.mac})" for y in answering)
            device = x.ep.device if isinstance(x, HostAgent) else x.router
            self._row(device, f"ARP who-has {nh} tell {x.ip}: answered by {who}", None, inp=str(x))
            raise Unreachable(f"duplicate address: ARP for {nh} from {x} is answered by {who}; which answers first is "
                              "a race")
        return answering


def _rule_of(text: str) -> str | None:
    for rule in ("V6", "V8", "V2", "F9", "F10", "F6", "T10"):
        if f"({rule})" in text:
            return rule
    return None
