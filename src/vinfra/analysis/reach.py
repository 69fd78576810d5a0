"""``reach``: who can ping whom, for every pair of endpoints, without tracing every pair.

How it scales.  Every endpoint gets a *signature*: its subnet and gateway; as components of the
active layer-2 topology, where its frames enter and where flooded and unicast frames reach it
(:meth:`Forwarding.sends` / :meth:`Forwarding.takes`, worked out once per *team shape*: hosts cabled
alike share them); and what decides paths toward its address: every routed or host subnet holding it
(so every router's longest-prefix match, topology-v1 "Routing lookups", and whether it lies in another
port's subnet agree for the whole class), whether some port uses it as gateway, and its host when that
host holds such a third party.  Two endpoints with one signature answer alike toward every other
endpoint of a different host.  Endpoints whose uplink depends on the frame (IP hash over ports that
lead apart, a port-channel facing a non-hashing team: M1, M2, M4), endpoints whose address another
endpoint holds (topology-v1 "Duplicate addresses"), and, where an address is held twice, once by such a
frame-dependent port, the ports using it as gateway and the router port holding it (whether that port
completes a host's ARP exchange for it, and so whether the answers race, turns on the asker's own MAC and
address), and ports in beacon shotgun mode whose ARP for an address is answered by two ports with one MAC (the
active routers of a split FHRP group, T14, M12: the walk goes through each, :meth:`Reach._meets_split`) form
classes of their own; IP hash over one properly formed channel does not (every flow enters the same logical
port).  The class-to-class matrix is then
built in bulk (:class:`Bulk`): pairs in different subnets from per-end pieces of the walk that
``trace`` uses (first hop, each router's step toward a subnet, last leg), combined as bit sets; pairs
within a subnet and classes of their own by walking one representative pair, or every pair.  Pairs of
ports on one host that talk directly are judged by the vSwitch (F3, F10).  Duplicate addresses are
decided by the walk's own :meth:`Forwarding.next_agent` in every case, and split answers by its
:meth:`Forwarding.ping` (topology-v1 "Duplicate addresses": a pair whose answer depends on which of them takes
the packet is unreachable).

What it answers.  *Classes*: groups of endpoints that all reach each other (a signature class that
reaches itself, else its ports that share one vSwitch and VLAN on one host), each with the list of
classes it *reaches*: class A reaches class B when every member of A reaches every member of B, that is
when a ping from each member of A to each member of B succeeds and its reply returns, exactly as
``trace`` walks it (ports of one host included).  Where A reaches only some members of B, B is not in
A's list.  *Pairs* ``{src, dst, reachable, reason}`` (reason None when reachable; names exactly as
asked) are listed when ``--from``/``--to`` restrict the question or when there are at most
:data:`MAX_LISTED_PAIRS` of them; for a larger unrestricted design only the classes are given (40,000
endpoints are 1.6 billion pairs), and the ``reaches`` lists are then the whole answer.  Reasons for
unreachable pairs come from ``trace``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from functools import cached_property
from ipaddress import IPv4Address
from typing import Any

from ..network import Snapshot
from ..network.endpoints import Endpoint
from ..network.forwarding import MAX_ROUTED_HOPS, NO_IP, Forwarding, HostAgent, RouterAgent, Unreachable
from ..network.frames import BROADCAST, Frame
from ..network.l3 import L3If
from ..network.teaming import TeamState

MAX_LISTED_PAIRS = 5_000


class Reach:
    """Reachability among endpoints of one snapshot, answered from signature classes."""

    def __init__(self, snap: Snapshot, same_signatures: Reach | None = None) -> None:
        """``same_signatures``: the Reach of another snapshot of the same design whose every endpoint has, the
        caller vouches, the signature it has here (a failure that changes routes only: layer 2, teams and
        FHRP elections as they were); its signatures are taken as they are instead of worked out again.  Not
        taken when the addresses held twice differ (they decide which ports are classes of their own)."""
        self.snap = snap
        self.fw = Forwarding(snap)
        self._sig: dict[str, tuple] = {}
        self._matrix: dict[tuple[tuple, tuple], bool] = {}
        self._members: dict[tuple, list[Endpoint]] = {}
        self._views: dict[tuple | None, int] = {}
        self._view_ids: dict[tuple, int] = {}
        self._view_list: list[tuple] = []  # the views by number: the inverse of _view_ids
        self._bulk: Bulk | None = None
        self._addrs: dict[str, tuple[int, int, int]] = {}
        self._subnets: dict[tuple[int, int], tuple[tuple[int, int], tuple[tuple[int, int], ...], tuple[int, ...]]] = {}
        self._coarsened: dict[tuple[int, int], set[int]] = {}
        # (view number, subnet, gateway) -> the signature most ports there have, and its members
        self._plain: dict[tuple, tuple[tuple, list[Endpoint]]] = {}
        self._by_net: dict[int, tuple[object, tuple]] = {}  # id of a network object -> it, and what _subnet says
        self._profiles: dict[str, int | None] = {}  # :meth:`_host_profile` by host
        self._profile_ids: dict[tuple, int] = {}
        if same_signatures is not None and same_signatures._shared == self._shared:
            other = same_signatures
            self._sig = dict(other._sig)
            self._members = {k: list(v) for k, v in other._members.items()}
            self._views = dict(other._views)
            self._view_ids = dict(other._view_ids)
            self._view_list = list(other._view_list)

    def adopt(self, other: Reach, endpoints: Iterable[Endpoint]) -> bool:
        """Take ``other``'s signatures of ``endpoints`` (the Reach of another snapshot of the same design; the
        caller vouches that each has, here, the signature it has there: its layer-2 island, team and addressing
        as they were, and the same addresses held twice), in that order; views are numbered on from
        ``other``'s, so that its signatures mean the same here.  Only before any signature is worked out here
        (False, nothing taken, otherwise: this Reach has numbered views of its own)."""
        if self._sig or self._view_list:
            return False
        self._view_ids = dict(other._view_ids)
        self._view_list = list(other._view_list)
        for e in endpoints:
            sig = other._sig[e.name]
            self._sig[e.name] = sig
            self._members.setdefault(sig, []).append(e)
        return True

    # signatures -------------------------------------------------------------------------------------------
    def signature(self, e: Endpoint) -> tuple:
        got = self._sig.get(e.name)
        if got is not None:
            return got
        if not e.on_host:
            # a router port whose address a frame-dependent port holds too: which of the two answers a host of
            # its subnet turns on that host's own frames, so each pair is walked (see :attr:`_raced_by_frame`)
            sig: tuple = ("own" if e.ip is not None and int(e.ip) in self._raced_by_frame else "router", e.name)
            members = None
        else:
            view = self.fw.view_key(e)  # None for a port whose uplink depends on the flow
            ip = e.ip
            addr = int(ip) if ip is not None else None  # an IPv4Interface is its address
            gateway = int(e.gateway) if e.gateway is not None else None
            if (view is None or (addr is not None and addr in self._shared)
                    or (gateway is not None and gateway in self._raced_by_frame) or self._meets_split(e)):
                sig, members = ("own", e.name), None
            else:
                sig, members = self._host_sig(e, view, addr, gateway)
        self._sig[e.name] = sig
        (members if members is not None else self._members.setdefault(sig, [])).append(e)
        return sig

    def sign(self, endpoints: Iterable[Endpoint]) -> None:
        """:meth:`signature` of each of ``endpoints``, in order, with the same answers and memos.

        A port's view key is its team shape and home uplink (:meth:`Forwarding.view_key`), and the shape is the
        same for every port of one port key (:attr:`Endpoint.port_key`), and for the ports of one port group and
        guest VLAN on hosts alike (:meth:`_host_profile`: most hosts of a large design).  So once one port of a
        port key, or of a host alike, has gone the whole way without a problem and with a shape that does not
        depend on the frame, the next one needs only the checks of its own (its host alive, its VM on and
        connected) and its home uplink, and its signature is its (view, subnet, gateway)'s plain one
        (:meth:`_host_sig`).  Whatever is not that common case goes through :meth:`signature` itself."""
        fw = self.fw
        if fw.record:
            for e in endpoints:
                self.signature(e)
            return
        sigs = self._sig
        failed = self.snap.failed.devices
        vms = self.snap.inventory.vms
        problems, view_keys = fw._problems, fw._view_keys
        views, plain, by_net = self._views, self._plain, self._by_net
        shared = self._shared
        raced: frozenset[int] | None = None  # worked out where signature() would first ask: it asks for view keys
        gateways, special = self._addressing[2], self._addressing[3]
        # the (shape, team) of port keys one port has gone the whole way for, and of (host profile, port group,
        # guest VLAN) likewise
        ready: dict[tuple[str, str | None, int | None], tuple[int, TeamState]] = {}
        alike: dict[tuple[int, str | None, int | None], tuple[int, TeamState]] = {}
        profile = self._host_profile
        for e in endpoints:
            name = e.name
            if name in sigs:
                continue
            device = e.device
            key = (device, e.network, e.guest_vlan)
            rec = None
            if device not in failed and e.kind in ("vm", "vmk") and name not in problems and name not in view_keys:
                rec = ready.get(key)
                if rec is None:
                    prof = profile(device)
                    rec = alike.get((prof, e.network, e.guest_vlan)) if prof is not None else None
            if rec is None:
                self._slow_sign(e, key, ready, alike)
                continue
            if e.vm is not None:
                vm = vms[e.vm]
                if vm.power != "on" or not vm.nics[e.nic or 0].connected:
                    self._slow_sign(e, key, ready, alike)
                    continue
            # no team-level problem; the shape is known and does not depend on the frame
            shape, ts = rec
            view = (shape, ts.home(e.port_id, e.mac), True)
            ip, gw = e.ip, e.gateway
            view_id = views.get(view)
            if ip is None or view_id is None:
                self._slow_sign(e, key, ready, alike)
                continue
            addr = int(ip)
            gateway = None
            if gw is not None:
                if raced is None:
                    raced = self.__dict__.get("_raced_by_frame")
                    if raced is None:
                        self._slow_sign(e, key, ready, alike)
                        continue
                gateway = int(gw)
            net = ip.network
            known = by_net.get(id(net))
            if (known is None or known[0] is not net or known[1][2] or addr in shared or addr in gateways
                    or (gateway is not None and gateway in raced) or device in special):
                self._slow_sign(e, key, ready, alike)
                continue
            got = plain.get((view_id, known[1][0], gateway))
            if got is None:
                self._slow_sign(e, key, ready, alike)
                continue
            problems[name] = None
            view_keys[name] = view
            sigs[name] = got[0]
            got[1].append(e)

    def _slow_sign(self, e: Endpoint, key: tuple[str, str | None, int | None],
                   ready: dict[tuple[str, str | None, int | None], tuple[int, TeamState]],
                   alike: dict[tuple[int, str | None, int | None], tuple[int, TeamState]]) -> None:
        """:meth:`signature` of one port of :meth:`sign`, and whether its port key (and its host profile's) is
        ready for the others: a port of it has no problem at all, so the key's team-level problem is none, and its
        shape does not depend on the frame."""
        self.signature(e)
        if key in ready or not e.on_host:
            return
        fw = self.fw
        if fw._problems.get(e.name, False) is None and fw._port_problems.get(key, False) is None:
            port = fw._ports.get(key)
            # a team in shotgun mode may meet a split answer (:meth:`_meets_split`): its ports are each signed
            if port is not None and fw._sensitive.get(port[0]) is False and not port[1].shotgun:
                ready[key] = port
                prof = self._host_profile(e.device)
                if prof is not None:
                    alike.setdefault((prof, e.network, e.guest_vlan), port)

    def _meets_split(self, e: Endpoint) -> bool:
        """Whether host port ``e`` may meet a *split answer* (:mod:`vinfra.network.forwarding`, topology-v1
        "Duplicate addresses" with T14, M12): its team is in beacon shotgun mode with frames entering more than
        one layer-2 component, and an address it asks ARP for (its gateway, or an FHRP virtual IP in its subnet)
        is answered by more than one port there (the active router of each split FHRP domain).  Which of them
        takes the packet is a race that :meth:`Forwarding.ping` walks every way, so the port is a class of its
        own (every pair walked), and the pieces of :class:`Bulk`, which ask once, never meet it."""
        fw = self.fw
        ts = fw.team(e)
        if ts is None or not ts.shotgun or e.ip is None or fw.host_problem(e) is not None:
            return False
        a = fw.host_agent(e)
        probe = Frame("arp-request", e.mac, BROADCAST, a.ip, a.ip)
        if len(fw.sends(a, probe)[0]) < 2:  # the components its frames enter (one: one answer per address)
            return False
        net = e.ip.network
        asked = [IPv4Address(v) for v in self.snap.l3.decls.by_vip if IPv4Address(v) in net]
        if e.gateway is not None:
            asked.append(e.gateway)
        return any(len({y.key for y in fw.agent_for(a, ip)}) > 1 for ip in asked)

    def _host_profile(self, host: str) -> int | None:
        """What the team shape (:meth:`Forwarding.team_shape`) of every port group of ``host`` is a function of,
        short of the host's name: per team, everything but the host (its port groups' VLAN handling, failover
        order, policy, LAG and uplinks); per vmnic of them, what its far end does (link, forwarding and LACP
        state, logical switches, VLAN settings, which vmnics share a logical end, and which vmnic each member of a
        channel leads back to).  The team after detection (T10, T13, T6) and the uplinks' shape follow from
        these, and the shape's sensitivity and home uplinks from the shape.  None (not shared): a failed host,
        or a team probing beacons (T14), whose detection listens over the host's own paths."""
        got = self._profiles.get(host, False)
        if got is not False:
            return got  # type: ignore[return-value]
        snap = self.snap
        prof: int | None = None
        if snap.host_alive(host):
            rows = []
            nics: dict[str, None] = {}
            for net, t in snap.host_teams(host).items():
                if t.detection == "beacon":
                    break
                rows.append((net, t.kind, t.switch, t.portgroup, t.vlan, t.trunk, t.policy, t.active, t.standby,
                             t.unused, t.detection, t.notify_switches, t.failback, t.lag, t.uplinks, t.mtu))
                nics.update(dict.fromkeys(t.uplinks))
                nics.update(dict.fromkeys(t.active))
                nics.update(dict.fromkeys(t.standby))
            else:
                ends: dict[str, int] = {}
                per = []
                for u in nics:
                    up = snap.uplinks(host, u)
                    end = up.end
                    state = snap.member_state(up.port) if up.port is not None else None
                    if end is None:
                        per.append((u, up.link_up, up.forwarding, up.reason is None, up.bridges, state))
                        continue
                    receivers = self.fw._receivers(host, end) if end.channel is not None else None
                    per.append((u, up.link_up, up.forwarding, up.reason is None, up.bridges, state, end.vlans,
                                ends.setdefault(end.name, len(ends)), receivers))
                # numbered: a tuple does not keep its hash, and this one nests a few hundred fields
                prof = self._profile_ids.setdefault((tuple(rows), tuple(per)), len(self._profile_ids))
        self._profiles[host] = prof
        return prof

    def _host_sig(self, e: Endpoint, view: tuple, addr: int | None,
                  gateway: int | None) -> tuple[tuple, list[Endpoint] | None]:
        """The signature of a host port whose views do not depend on the frame: ("host", its subnet, gateway,
        view number, held, gateway address, host, :meth:`_anycast_entry`).  What decides its paths besides its
        subnet, gateway and views: every known prefix holding its address (routed subnets, so that routers'
        longest-prefix matches agree, and host subnets, so that whether it is inside another class's subnet
        agrees); its address when some port uses that address as gateway; and its host when that host has a port
        that others meet as a third party (a gateway, or a duplicate address), since a leg to a port of one's own
        host is decided inside it (F3, F10).  Ports of one view, subnet and gateway whose address is no gateway,
        on a host holding no third party, in a subnet holding no longer prefix, behind a gateway that is not
        anycast, share one tuple, worked out once (see :meth:`_subnet`), returned with its list of members (else
        None)."""
        view_id = self._views.get(view)
        if view_id is None:
            view_id = self._view_number(e, view)
        _, _, gateways, special = self._addressing
        if addr is None:
            subnet, held, plain = None, None, True
        else:
            subnet, held, inner = self._subnet(e)
            if inner:
                held = tuple(net for n in inner if (net := (n, addr >> (32 - n))) in self._addressing[0]) + held
            plain = not inner and addr not in gateways
        if plain and e.device not in special:
            key = (view_id, subnet, gateway)
            got = self._plain.get(key)
            if got is None:
                anycast = self._anycast_entry(e)
                sig = ("host", subnet, gateway, view_id, held, None, None, anycast)
                if anycast is not None:
                    return sig, None
                got = self._plain[key] = (sig, self._members.setdefault(sig, []))
            return got
        return ("host", subnet, gateway, view_id, held, addr if addr is not None and addr in gateways else None,
                e.device if e.device in special else None, self._anycast_entry(e)), None

    def _view_number(self, e: Endpoint, view: tuple) -> int:
        """The number of the views (where the port's frames enter, where flooded and unicast frames reach it)
        of view key ``view``, probed through ``e``."""
        fw = self.fw
        a = HostAgent(e)
        probe = Frame("ip", e.mac, BROADCAST, a.ip, a.ip)
        got_view = (fw.sends(a, probe)[0], fw.takes(a, probe, None)[0],
                    fw.takes(a, probe, fw.location(a, probe))[0], view[2] if view else None)
        # one small int per distinct view: a signature is a dict key many times over, and hashing the views'
        # components (Python-level hashes) each time costs more than the rest of it
        view_id = self._view_ids.get(got_view)
        if view_id is None:
            view_id = self._view_ids[got_view] = len(self._view_list)
            self._view_list.append(got_view)
        self._views[view] = view_id
        return view_id

    def _subnet(self, e: Endpoint) -> tuple[tuple[int, int], tuple[tuple[int, int], ...], tuple[int, ...]]:
        """Per subnet of a port: (its (length, network address) as in a signature, the known prefixes no longer than
        it that hold it, the lengths of known prefixes inside it).  The prefixes no longer than the subnet hold all
        of it or none of it; only those inside it, in the rare subnet that has some, are looked up per address."""
        assert e.ip is not None
        net = e.ip.network
        # by the network object first: ports share one per subnet (model.base), and its numbers cost more to ask
        known = self._by_net.get(id(net))
        if known is not None and known[0] is net:
            return known[1]
        own = net.prefixlen
        base = int(net.network_address)
        key = (own, base >> (32 - own))
        got = self._subnets.get(key)
        if got is None:
            nets, lengths, _, _ = self._addressing
            wide = tuple(net for n in lengths if n <= own and (net := (n, base >> (32 - n))) in nets)
            inner = tuple(n for n in lengths if n > own and key[1] in self._coarse(n, own))
            got = self._subnets[key] = ((own, base), wide, inner)
        self._by_net[id(net)] = (net, got)
        return got

    def _coarse(self, n: int, own: int) -> set[int]:
        """The known prefixes of length ``n`` cut to their first ``own`` bits."""
        got = self._coarsened.get((n, own))
        if got is None:
            nets = self._addressing[0]
            got = self._coarsened[(n, own)] = {bits >> (n - own) for m, bits in nets if m == n}
        return got

    def _anycast_entry(self, e: Endpoint) -> tuple | None:
        """Where the port's frames enter layer 2 when its gateway is an anycast gateway: the holder nearest to
        that node routes them (topology-v1 "Names and forms met in vendor configs"), so ports whose frames enter
        in one component but at different nodes may be routed by different switches."""
        if e.gateway is None or e.ip is None or not self.snap.l3.is_anycast(e.gateway):
            return None
        return tuple(sorted(self.fw.arp_entry(HostAgent(e), e.gateway)))

    @cached_property
    def _addressing(self) -> tuple[set[tuple[int, int]], list[int], set[int], set[str]]:
        """(every routed and host subnet as (length, bits), their lengths longest first, the gateways of host
        ports, the hosts with a port whose address is a gateway or shared).  All but the last come from the
        design alone and are kept with the inventory (:func:`_design_addressing`: a failure sweep's snapshots
        share them); the shared addresses depend on which FHRP routers answer, so that part is per snapshot."""
        nets, lengths, gateways, gateway_hosts, first, more = _design_addressing(self.snap)
        special = set(gateway_hosts)
        for ip in self._shared:
            special.update(_hosts_holding(first, more, ip))
        return nets, lengths, gateways, special  # type: ignore[return-value]

    @cached_property
    def _shared(self) -> set[int]:
        """Addresses held by more than one endpoint (topology-v1 "Duplicate addresses")."""
        inv = self.snap.inventory
        out: set[int] = set()
        for addr, names in inv.addresses()["more"].items():
            ports = [n for n in names if n != str(IPv4Address(addr))]
            if len(ports) == 1 and len(names) == 2:
                # an interface whose own address is its FHRP group's VIP is one answerer while no other router
                # routes for that VIP here (it is the active one, or the group is down)
                sname, _, iname = ports[0].partition(":")
                sw = inv.switches.get(sname)
                iface = sw.interfaces.get(iname) if sw is not None else None
                if (iface is not None and iface.fhrp is not None and int(iface.fhrp.vip) == addr
                        and all(o.ref == ports[0] for o in self.snap.l3.owners_of(IPv4Address(addr)))):
                    continue
            out.add(addr)
        return out

    @cached_property
    def _raced_by_frame(self) -> frozenset[int]:
        """Shared addresses (:attr:`_shared`) held by a host port whose uplink depends on the frame
        (:meth:`Forwarding.sensitive`: IP hash, or a port-channel facing a team that does not take every member,
        M1, M2, M4, F9).  Whether that port completes another port's ARP exchange for the address, and so
        whether two answers race (topology-v1 "Duplicate addresses"), depends on the asking port's own MAC and
        address, which the switch hashes: ports using such an address as their gateway, and router ports
        holding it (a host of their subnet asks for it directly), are classes of their own.  A holder whose
        views do not depend on the frame answers alike for every port of one view; a router asking for the
        address sends the same ARP whoever's packet it routes."""
        fw = self.fw
        at = self.snap.endpoints.at
        return frozenset(ip for ip in self._shared
                         if any(h.on_host and fw.view_key(h) is None for h in at(IPv4Address(ip), hosts_only=True)))

    def portable(self, sig: tuple) -> tuple:
        """``sig`` with its view number replaced by the view itself (where the port's frames enter, where
        flooded and unicast frames reach it): comparable with another snapshot's signatures, since each
        Reach numbers its views in the order it meets them."""
        if sig[0] != "host":
            return sig
        return (*sig[:3], self._view_list[sig[3]], *sig[4:])

    def _eval(self, a: Endpoint, b: Endpoint, apart: bool) -> bool:
        self.fw.apart = frozenset((a.name, b.name)) if apart else frozenset()
        try:
            return self.fw.ping(a, b).ok
        finally:
            self.fw.apart = frozenset()

    def class_reaches(self, x: tuple, y: tuple) -> bool | None:
        """Whether every member of class ``x`` reaches every member of ``y`` on another host (None: a
        one-member class asked about itself)."""
        key = (x, y)
        if key in self._matrix:
            return self._matrix[key]
        if self._bulk is not None and x != y:
            got = self._bulk.get(x, y)
            if got is not None:
                return got
        xs, ys = self._members[x], self._members[y]
        if x[0] == "own" or y[0] == "own":
            result = all(self._eval(a, b, False) for a in xs for b in ys if a.name != b.name) if (len(xs) > 1 or len(ys) > 1 or x != y) else None
        elif x == y:
            result = self._eval(xs[0], xs[1], True) if len(xs) > 1 else None
        else:
            result = self._eval(xs[0], ys[0], True)
        self._matrix[key] = result  # type: ignore[assignment]
        return result

    def assume(self, answers: dict[tuple[tuple, tuple], bool]) -> None:
        """Take ``answers`` (class pair -> :meth:`class_reaches`) as known: the caller vouches for them (the
        failure sweep, for pairs a failure cannot change; for a class asked about itself, also that its first
        two members, :meth:`members`, are those of the answer), and they are not walked, by
        :meth:`class_reaches` nor by the bulk matrix."""
        self._matrix.update(answers)

    def members(self, sig: tuple) -> list[Endpoint]:
        """The endpoints met so far with signature ``sig``, in the order met (a class asked about itself is judged
        by its first two: :meth:`class_reaches`)."""
        return self._members.get(sig, [])

    def pair(self, a: Endpoint, b: Endpoint) -> bool:
        """Exact answer for one pair."""
        sa, sb = self.signature(a), self.signature(b)
        if sa[0] == "own" or sb[0] == "own" or (a.on_host and b.on_host and a.device == b.device):
            return self._eval(a, b, False)
        got = self.class_reaches(sa, sb)
        return bool(got) if got is not None else self._eval(a, b, False)

    def reason(self, a: Endpoint, b: Endpoint) -> str | None:
        verdict = Forwarding(self.snap, record=True).ping(a, b)
        return verdict.reason if not verdict.ok else None

    # classes ------------------------------------------------------------------------------------------------
    def classes(self, endpoints: Iterable[tuple[str, Endpoint]]) -> list[dict[str, Any]]:
        """Groups of endpoints that all reach each other, and which groups each reaches."""
        named = list(endpoints)
        by_sig: dict[tuple, list[tuple[str, Endpoint]]] = {}
        self.sign([e for _, e in named])
        sigs = self._sig
        for m in named:
            by_sig.setdefault(sigs[m[1].name], []).append(m)
        # the entries (by id: a port may be asked for under two names) that talk directly with others of their host
        partners, links = self._partners(named)
        same_class: dict[tuple, list[tuple[Endpoint, Endpoint]]] = {}  # class -> its pairs of ports that talk directly
        for link in links:
            for i, ma in enumerate(link):
                xa = sigs[ma[1].name]
                for mb in link[i + 1:]:
                    if sigs[mb[1].name] == xa:
                        same_class.setdefault(xa, []).append((ma[1], mb[1]))
        units: list[tuple[tuple, list[tuple[str, Endpoint]], bool]] = []  # (signature, members, mergeable)
        for x, members in sorted(by_sig.items(), key=lambda kv: kv[1][0][0]):
            self_ok = self.class_reaches(x, x) if len(self._members[x]) > 1 else None
            if self_ok and not self._one_host_ok(x, same_class.get(x, ())):
                self_ok = False  # a class speaks for ports of different hosts; these two share one (F10)
            if len(members) == 1 or self_ok:
                units.append((x, members, bool(self_ok) or len(self._members[x]) == 1))
                continue
            local: dict[tuple, list[tuple[str, Endpoint]]] = {}
            for m in members:
                e = m[1]
                ts = self.fw.team(e)
                alive = self.fw.host_problem(e) is None and ts is not None
                key = (e.device, ts.team.switch, repr(ts.pg.local_key), str(e.ip.network) if e.ip else None) if alive else ("alone", e.name)
                local.setdefault(key, []).append(m)
            for group in local.values():
                units.append((x, group, False))
        # the class-to-class matrix, every pair at once: rows (whom x reaches) and columns (who reaches y)
        bulk = self.bulk(list(by_sig))
        bit = bulk.index
        # (its units as (signature, members), mergeable, [mask of its signatures, classes all of them reach])
        groups: list[tuple[list[tuple[tuple, list[tuple[str, Endpoint]]]], bool, list[int]]] = []
        group_of: dict[int, int] = {}  # the group of each entry that talks directly with another (by id)
        row = bulk.row
        for y, members, mergeable in units:
            target = -1
            want, reached = 1 << bit[y], row[bit[y]]
            if mergeable:
                for k, g in enumerate(groups):
                    # every x of g and y of the unit reach each other both ways, and so do ports of one host
                    # that talk directly (their classes speak for ports of different hosts only: F3, F10)
                    mask, all_reach = g[2]
                    if (g[1] and reached & mask == mask and all_reach & want == want
                            and self._same_host_ok(members, k, partners, group_of)):
                        target = k
                        break
            if target < 0:
                target = len(groups)
                groups.append(([(y, members)], mergeable, [want, reached]))
            else:
                g = groups[target]
                g[0].append((y, members))
                g[2][0] |= want
                g[2][1] &= reached
            for m in members:
                if id(m) in partners:
                    group_of[id(m)] = target
        names = [sorted(n for _, members in g[0] for n, _ in members) for g in groups]
        order = sorted(range(len(groups)), key=lambda k: names[k][0])
        renumber = [0] * len(groups)
        for new, old in enumerate(order):
            renumber[old] = new
        reaches = self._reaches_lists([groups[k][0] for k in order], bulk, links,
                                      {i: renumber[k] for i, k in group_of.items()})
        return [{"class": k + 1, "size": len(names[old]), "members": names[old],
                 "reaches": [j + 1 for j in reaches[k]]} for k, old in enumerate(order)]

    def _reaches_lists(self, groups: list[list[tuple[tuple, list[tuple[str, Endpoint]]]]], bulk: Bulk,
                       links: list[list[tuple[str, Endpoint]]], group_of: dict[int, int]) -> list[list[int]]:
        """For each group, the groups it reaches, exactly: group A *reaches* group B when every member of A
        reaches every member of B (:meth:`pair`, the verdict of ``trace``).

        A pair of ports of signature classes x and y is answered by bit y of row x (pairs on different hosts,
        and pairs on one host whose ping never goes straight from one to the other), except (1) ports with a
        class of their own, paired one by one; (2) pairs of ports of one host that talk directly, decided by
        the vSwitch (F3, F10), paired one by one; so bit y of row x is not asked when (3) every pair of the two
        groups' ports of x and y is of the second kind.  ``groups``: each as its units (signature, entries (name,
        endpoint) of that signature); ``links``: see :meth:`_partners`; ``group_of``: the group of each entry in
        a link, by id."""
        bit, row = bulk.index, bulk.row
        n = len(groups)
        sigs = self._sig
        pieces: list[dict[tuple, list[Endpoint]]] = []  # per group: its ports by signature class
        nmask = [0] * n  # the group's classes, ports with a class of their own left out
        common = [-1] * n  # what every such class of the group reaches
        owns: list[list[Endpoint]] = []
        for k, units in enumerate(groups):
            by: dict[tuple, list[Endpoint]] = {}
            mine: list[Endpoint] = []
            for x, members in units:
                (mine if x[0] == "own" else by.setdefault(x, [])).extend(e for _, e in members)
            for x in by:
                nmask[k] |= 1 << bit[x]
                common[k] &= row[bit[x]]
            pieces.append(by)
            owns.append(mine)
        reach: list[set[int]] = [{j for j in range(n) if j != k and common[k] & nmask[j] == nmask[j]} for k in range(n)]
        # (2) and (3): ports of one host, group by group
        bad: set[tuple[int, int]] = set()
        vacuous: dict[tuple[int, int], set[tuple[int, int]]] = {}
        single: dict[str, list[tuple[int, tuple]]] = {}  # host -> pieces all of whose ports are on it
        for k, by in enumerate(pieces):
            for x, es in by.items():
                device = es[0].device
                if all(e.on_host and e.device == device for e in es):
                    single.setdefault(es[0].device, []).append((k, x))
        for ps in single.values():
            for ka, x in ps:
                for kb, y in ps:
                    if ka != kb and not row[bit[x]] >> bit[y] & 1 and all(
                            self._direct(a, b) for a in pieces[ka][x] for b in pieces[kb][y]):
                        vacuous.setdefault((ka, kb), set()).add((bit[x], bit[y]))
        for (k, j), exempt in vacuous.items():
            if j not in reach[k] and all(row[bx] >> by_ & 1 or (bx, by_) in exempt
                                         for bx in set_bits(nmask[k]) for by_ in set_bits(nmask[j])):
                reach[k].add(j)
        for link in links:
            for i, ma in enumerate(link):
                ka = group_of[id(ma)]
                for mb in link[i + 1:]:
                    kb = group_of[id(mb)]
                    # only a claim can be wrong: a pair neither of whose groups reaches the other is left alone;
                    # ports with a class of their own are (1)
                    if (ka != kb and (kb in reach[ka] or ka in reach[kb])
                            and sigs[ma[1].name][0] != "own" and sigs[mb[1].name][0] != "own"):
                        ab, ba = self._local_pair(ma[1], mb[1])
                        if not ab:
                            bad.add((ka, kb))
                        if not ba:
                            bad.add((kb, ka))
        # (1) ports with a class of their own
        for k, j in bad:
            reach[k].discard(j)
        if any(owns):
            for k in range(n):
                for j in list(reach[k]):
                    if (owns[k] or owns[j]) and not self._own_pairs_ok(bulk, (pieces[k], owns[k]), (pieces[j], owns[j])):
                        reach[k].discard(j)
        return [sorted(r) for r in reach]

    def _local_pair(self, a: Endpoint, b: Endpoint) -> tuple[bool, bool]:
        """``(pair(a, b), pair(b, a))`` for two ports of one host."""
        both = self._both_ways_local(a, b)
        if both is not None:
            return both, both
        return self.pair(a, b), self.pair(b, a)

    def _own_pairs_ok(self, bulk: Bulk, xs: tuple[dict[tuple, list[Endpoint]], list[Endpoint]],
                      ys: tuple[dict[tuple, list[Endpoint]], list[Endpoint]]) -> bool:
        """Whether every port of group ``xs`` reaches every port of group ``ys`` (each as its ports by signature
        class, and its ports with a class of their own) where one of the two has a class of its own.  A row bit
        of such a class speaks for every member of the other class: when set, that class is not walked."""
        bit, row = bulk.index, bulk.row
        sig = self.signature
        for a in xs[1]:
            bx = bit[sig(a)]
            for y, es in ys[0].items():
                if not row[bx] >> bit[y] & 1 and not all(self.pair(a, b) for b in es):
                    return False
            for b in ys[1]:
                if not row[bx] >> bit[sig(b)] & 1 and not self.pair(a, b):
                    return False
        for b in ys[1]:
            by = bit[sig(b)]
            for x, es in xs[0].items():
                if not row[bit[x]] >> by & 1 and not all(self.pair(a, b) for a in es):
                    return False
        return True

    def _one_host_ok(self, x: tuple, pairs: Iterable[tuple[Endpoint, Endpoint]]) -> bool:
        """Whether ports of class ``x`` that share a host and a vSwitch and talk directly (``pairs``: every pair of
        its ports of one host that talk directly) reach each other (the vSwitch decides those itself: F3 inside
        one VLAN, F10 across two)."""
        team = self.fw.team
        # one host class: one subnet (each port in the other's), no shared address; alive when its view says so
        quiet = x[0] == "host" and self._view_list[x[3]][3] is True
        for a, b in pairs:
            if quiet and b.network == a.network and b.guest_vlan == a.guest_vlan:
                continue  # one port group as both see it: one team, one VLAN (see below)
            ta, tb = team(a), team(b)
            if ta is None or tb is None or tb.team.kind != ta.team.kind or tb.team.switch != ta.team.switch:
                continue
            if quiet:
                # alive ports of one subnet, sharing no address, on one vSwitch: what :meth:`_both_ways_local`
                # answers, delivered inside the host within one VLAN (F3), dropped across two (F10)
                if ta.pg.local_key != tb.pg.local_key:
                    return False
            elif not self._both_ways(a, b):
                return False
        return True

    def _both_ways(self, a: Endpoint, b: Endpoint) -> bool:
        """``pair(a, b) and pair(b, a)`` for two ports of one host (see :meth:`_both_ways_local`)."""
        local = self._both_ways_local(a, b)
        if local is not None:
            return local
        return self.pair(a, b) and self.pair(b, a)

    def _both_ways_local(self, a: Endpoint, b: Endpoint) -> bool | None:
        """``pair(a, b)``, equal to ``pair(b, a)``, for two ports of one host when every leg between them stays
        inside one vSwitch: delivered within one VLAN (F3), dropped across two (F10); None otherwise."""
        fw = self.fw
        ta, tb = fw.team(a), fw.team(b)
        if (ta is not None and tb is not None and (ta.team.kind, ta.team.switch) == (tb.team.kind, tb.team.switch)
                and fw.host_problem(a) is None and fw.host_problem(b) is None
                and (a.ip is None or int(a.ip) not in self._shared)
                and (b.ip is None or int(b.ip) not in self._shared)):
            ia = self._addr(a) if a.ip is not None else None
            ib = self._addr(b) if b.ip is not None else None
            if ia is None or ib is None or ((ib[0] ^ ia[0]) >> ia[1] == 0 and (ia[0] ^ ib[0]) >> ib[1] == 0):
                return ta.pg.local_key == tb.pg.local_key
        return None

    def _same_host_ok(self, members: list[tuple[str, Endpoint]], k: int,
                      partners: dict[int, list[tuple[str, Endpoint]]], group_of: dict[int, int]) -> bool:
        """Whether every port of ``members`` and every port of group ``k`` on its host that talk directly reach
        each other both ways (``partners``: see :meth:`_partners`; ``group_of``: the group of each entry with
        partners, by id)."""
        for m in members:
            got = partners.get(id(m))
            if got:
                a = m[1]
                for n in got:
                    if group_of.get(id(n)) == k and not self._both_ways(a, n[1]):
                        return False
        return True

    def _partners(self, named: list[tuple[str, Endpoint]]
                  ) -> tuple[dict[int, list[tuple[str, Endpoint]]], list[list[tuple[str, Endpoint]]]]:
        """For each entry (name, endpoint) of a host port, by id (a port may be asked for under two names), the
        entries of ports of its host that it talks directly with (:meth:`_direct`), and maybe itself (skip it);
        entries with none are left out.  Found per host, not by trying every pair of its ports (a host's 16 VMs in
        16 subnets are 120 pairs, none of which talk directly): where its ports all have host signatures with
        one prefix length and no third party (no port's address is a gateway: see :meth:`_host_sig`), those of
        one subnet talk directly and no others (they share one list); elsewhere through an index of prefixes and
        addresses.  Signatures must have been worked out.  Also returned: *links*, lists of entries every two of
        which talk directly, holding each such pair of entries once (a subnet's ports on one host, or one pair)."""
        sigs = self._sig
        links: list[list[tuple[str, Endpoint]]] = []
        by_device: dict[str, list[tuple[str, Endpoint]]] = {}
        for m in named:
            if m[1].on_host:
                by_device.setdefault(m[1].device, []).append(m)
        out: dict[int, list[tuple[str, Endpoint]]] = {}
        for ms in by_device.values():
            if len(ms) < 2:
                continue
            same: dict[tuple, list[tuple[str, Endpoint]]] | None = {}
            length = None
            for m in ms:
                x = sigs[m[1].name]
                if x[0] != "host" or x[1] is None or x[6] is not None or (length is not None and x[1][0] != length):
                    same = None
                    break
                length = x[1][0]
                same.setdefault(x[1], []).append(m)  # type: ignore[union-attr]
            if same is not None:
                for group in same.values():
                    if len(group) > 1:
                        links.append(group)
                        for m in group:
                            out[id(m)] = group
                continue
            addrs: list[tuple[int, int, int] | None] = [self._addr(e) if e.ip is not None else None for _, e in ms]
            lengths = {ia[1] for ia in addrs if ia is not None}
            inside: dict[tuple[int, int], list[int]] = {}  # (host bits, address >> host bits) -> the ports there
            at: dict[int, list[int]] = {}  # address -> the ports holding it
            for i, ia in enumerate(addrs):
                if ia is not None:
                    at.setdefault(ia[0], []).append(i)
                    for n in lengths:
                        inside.setdefault((n, ia[0] >> n), []).append(i)
            pairs: set[tuple[int, int]] = set()
            for i, ia in enumerate(addrs):
                # i talks directly with j when j's address is in i's subnet or is i's gateway (and the other way
                # round, found from j), or when one of them has no address
                if ia is None:
                    js: Iterable[int] = range(len(ms))
                else:
                    js = inside[(ia[1], ia[0] >> ia[1])]
                    if ia[2] in at:
                        js = [*js, *at[ia[2]]]
                for j in js:
                    if j != i:
                        pairs.add((i, j) if i < j else (j, i))
            for i, j in sorted(pairs):
                links.append([ms[i], ms[j]])
                out.setdefault(id(ms[i]), []).append(ms[j])
                out.setdefault(id(ms[j]), []).append(ms[i])
        return out, links

    def _direct(self, a: Endpoint, b: Endpoint) -> bool:
        """Whether a ping between two host ports may go straight from one to the other (no router between)."""
        if a.ip is None or b.ip is None:
            return True
        ia, ib = self._addr(a), self._addr(b)
        return ((ib[0] ^ ia[0]) >> ia[1] == 0 or (ia[0] ^ ib[0]) >> ib[1] == 0
                or ia[2] == ib[0] or ib[2] == ia[0])

    def _addr(self, e: Endpoint) -> tuple[int, int, int]:
        """(address, host bits of its subnet, gateway or -1) as ints: cheap to compare many times."""
        got = self._addrs.get(e.name)
        if got is None:
            assert e.ip is not None
            got = self._addrs[e.name] = (int(e.ip), 32 - e.ip.network.prefixlen,
                                         int(e.gateway) if e.gateway is not None else -1)
        return got

    def bulk(self, sigs: list[tuple], parent: Bulk | None = None, changed: frozenset[str] = frozenset(),
             region: frozenset[str] = frozenset()) -> Bulk:
        """:meth:`class_reaches` for every pair of ``sigs``, as bit rows (see :class:`Bulk`; ``parent``,
        ``changed`` and ``region``: see its constructor)."""
        got = Bulk(self, sigs, parent, changed, region)
        self._bulk = got
        return got


def reach(snap: Snapshot, sources: list[str] | None = None, targets: list[str] | None = None, *,
          list_pairs: bool | None = None, reasons: bool = True) -> dict[str, Any]:
    """Reachability among endpoints; see the module doc for what is listed.

    Raises :class:`vinfra.network.endpoints.EndpointError` for a name that does not resolve.
    """
    eps = snap.endpoints
    src = [(n, eps.resolve(n)) for n in sources] if sources else [(e.name, e) for e in eps.listed()]
    dst = [(n, eps.resolve(n)) for n in targets] if targets else [(e.name, e) for e in eps.listed()]
    r = Reach(snap)
    union: dict[str, tuple[str, Endpoint]] = {}
    for name, e in src + dst if sources or targets else src:  # unrestricted, both are every listed endpoint
        union.setdefault(name, (name, e))
    answer: dict[str, Any] = {"endpoints": len(union), "classes": r.classes(union.values())}
    restricted = bool(sources or targets)
    n_pairs = len(src) * len(dst)
    if list_pairs is None:
        list_pairs = restricted or n_pairs <= MAX_LISTED_PAIRS
    if list_pairs:
        pairs = []
        for sname, a in src:
            for dname, b in dst:
                if a.name == b.name:
                    continue
                ok = r.pair(a, b)
                pairs.append({"src": sname, "dst": dname, "reachable": ok,
                              "reason": None if ok or not reasons else r.reason(a, b)})
        pairs.sort(key=lambda p: (p["src"], p["dst"]))
        answer["pairs"] = pairs
    else:
        answer["note"] = (f"{n_pairs} pairs are not listed; restrict with --from/--to to list pairs. "
                          "Classes: endpoints of one class all reach each other.")
    return answer


class Bulk:
    """Whether each signature class reaches each other one, for all pairs at once.

    Walking one ping per pair of classes costs n² walks (3,000 classes in a 2,500-host design: 9 million).
    But a ping between classes in different subnets is made of pieces that depend on one end only, or
    on a router and one end: the source's first hop to its gateway (:meth:`Forwarding.host_next_hop`,
    :meth:`Forwarding.next_agent`), each router's step toward the destination's subnet
    (:meth:`Forwarding.at_router`), the last leg from the last router to the destination, and the same
    pieces back.  Each piece is worked out once by the walk's own code, then combined as bit sets.  Two
    things tie the directions together, and are carried as flags: a host that was sent a packet by the
    address it then uses as its own next hop skips ARP, and so does a router interface answering a host
    it learned on the way in.  (Router-to-router legs need no flag: a leg whose reverse just worked works
    with or without ARP, since ARP and its reply cross the same two nodes.)

    Pairs where that does not hold are walked whole by :meth:`Reach.class_reaches`: classes whose uplink
    depends on the flow or that have no address, pairs where one end is in the other's subnet (F3, F9 and
    the ARP learned on the way in decide those), a host whose gateway is a host, router endpoints whose
    address another endpoint holds (the walk decides which port takes the packet), and every pair when a
    routing router's interface address is held by another port too (the race for that next hop then
    depends on what the ping learned on its way in).
    """

    def __init__(self, reach: Reach, sigs: list[tuple], parent: Bulk | None = None,
                 changed: frozenset[str] = frozenset(), region: frozenset[str] = frozenset()) -> None:
        """``parent``: the Bulk of another snapshot of the same design whose L3 interfaces are this one's but for
        ``changed`` (refs ``switch:interface``), this snapshot's L3 having taken the parent's answers
        (:meth:`L3.inherit`), and whose layer 2 is this one's but on the layer-2 islands of the hosts
        ``region`` (``changed`` holds every L3 interface there): its pieces that cannot differ are taken
        (:meth:`_inherit`) for the classes of both with one signature and one representative, not on a
        host of ``region``."""
        self.reach = reach
        self.fw = reach.fw
        self.snap = snap = reach.snap
        self.sigs = sigs
        self.index: dict[tuple, int] = {s: k for k, s in enumerate(sigs)}
        n = len(sigs)
        self.row: list[int] = [0] * n  # bit y of row[x]: class x reaches class y
        reps = [reach._members[s][0] for s in sigs]
        self.reps = reps
        shared = reach._shared
        decls = snap.l3.decls
        # a routing neighbour's address that another port holds: which one a router's ARP reaches is a race
        # unless the router learned it from the neighbour's own request earlier in the ping, a state the
        # pieces do not carry: every pair is walked whole
        hop_shared = bool(shared) and any(
            iface.ip is not None and int(iface.ip) in shared and snap.bridge_of(sname) in decls.routing_of  # type: ignore[attr-defined]
            for (sname, _), iface in decls.ports.items())
        # a router endpoint whose address another port holds is walked whole: the walk decides who takes it
        regular = [not hop_shared and s[0] != "own" and e.ip is not None and (e.on_host or int(e.ip) not in shared)
                   for s, e in zip(sigs, reps, strict=True)]
        self._onto: dict[tuple[str, int], str | None] = {}
        self._step: dict[tuple[str, object], tuple] = {}
        self._last: dict[tuple[str, int, bool], bool] = {}
        self._routers_memo: dict[tuple[str, int], tuple[bool, str | None, int]] = {}
        self._first_rep: dict[tuple[int, str | None], str | bool | None] = {}
        self._hops: dict[tuple[str, int], tuple] = {}  # (interface ref, next hop as an int): a step
        self._chains: dict[tuple[str, object], tuple[tuple[str, ...], RouterAgent | None]] = {}
        self.ips: list[IPv4Address] = [e.ip.ip if e.ip is not None else NO_IP for e in reps]
        self.addrs: list[int] = [int(ip) for ip in self.ips]  # as ints: an IPv4Address converts in Python code
        self.rcs: list[object] = self._route_classes()
        self.owners: list[frozenset[str]] = [snap.l3.owner_routers(ip) if not e.on_host else frozenset()
                                             for e, ip in zip(reps, self.ips, strict=True)]
        known: dict[int, object] = {}
        if parent is not None:
            known = self._inherit(parent, changed, region)
        src = [(known[k] if k in known else self._source(k)) if regular[k] else False for k in range(n)]
        self.src = src
        for k in range(n):
            if src[k] is False:
                regular[k] = False
        self._combine(src, regular)
        self.regular = regular  # the classes the pieces answer for (the rest are walked whole)
        # what the pieces do not cover: walked whole
        walked = [k for k in range(n) if not regular[k]]
        pairs: set[tuple[int, int]] = set()
        for k in walked:
            for j in range(n):
                if j != k:
                    pairs.add((k, j))
                    pairs.add((j, k))
        pairs |= self._local_pairs(regular)
        cr = reach.class_reaches
        # two host classes of one subnet, neither sharing its address: the ping is one leg each way (ARP, then the
        # reply to the MAC just learned), and a leg between ports of different hosts depends on their views only
        # (what :meth:`Forwarding.leg` memoizes by): one walk per pair of views
        by_views: dict[tuple[int, int], bool] = {}
        hosts = [e.on_host for e in reps]
        known_pairs = reach._matrix  # answers the caller vouches for (:meth:`Reach.assume`) are not walked
        for x, y in pairs:
            sx, sy = sigs[x], sigs[y]
            if regular[x] and regular[y] and sx[0] == "host" == sy[0] and sx[1] is not None and sx[1] == sy[1]:
                vk = (sx[3], sy[3])
                ok = by_views.get(vk)
                if ok is None:
                    ok = by_views[vk] = bool(cr(sx, sy))
            else:
                ok = None
                if regular[x] and regular[y] and hosts[x] != hosts[y] and (sx, sy) not in known_pairs:
                    ok = self._host_router(x, y) if hosts[x] else self._router_host(x, y)
                if ok is None:
                    ok = cr(sx, sy)
            self._set(x, y, bool(ok))
        for k in range(n):
            self._set(k, k, bool(cr(sigs[k], sigs[k])))

    def _route_classes(self) -> list[object]:
        """Each class's route class: the routed prefixes holding its address (:meth:`L3.prefixes_holding`), asked
        once per subnet of the representatives: a prefix no longer than the subnet holds all of it or none of
        it, so the answer is the subnet's unless a prefix declared inside it is (then per address)."""
        l3 = self.snap.l3
        decls = l3.decls
        coarse: dict[tuple[int, int], set[int]] = {}
        by_subnet: dict[tuple[int, int], object] = {}
        out: list[object] = []
        for e, addr in zip(self.reps, self.addrs, strict=True):
            if e.ip is None:
                out.append(l3.prefixes_holding(addr))
                continue
            own = e.ip.network.prefixlen
            key = (own, addr >> (32 - own))
            got = by_subnet.get(key)
            if got is None:
                inner = False
                for n in decls.lengths:
                    if n <= own:
                        break  # longest first
                    cut = coarse.get((n, own))
                    if cut is None:
                        cut = coarse[(n, own)] = {bits >> (n - own) for m, bits in decls.by_net if m == n}
                    if key[1] in cut:
                        inner = True
                        break
                got = l3.prefixes_holding(addr)
                if not inner:
                    by_subnet[key] = got
            out.append(got)
        return out

    def get(self, x: tuple, y: tuple) -> bool | None:
        kx, ky = self.index.get(x), self.index.get(y)
        if kx is None or ky is None:
            return None
        return bool(self.row[kx] >> ky & 1)

    def _set(self, x: int, y: int, ok: bool) -> None:
        if ok:
            self.row[x] |= 1 << y
        else:
            self.row[x] &= ~(1 << y)

    def _inherit(self, parent: Bulk, changed: frozenset[str], region: frozenset[str]) -> dict[int, object]:
        """Take the parent's pieces that do not name a changed interface nor lead to an address one holds (its
        own, or a virtual IP it takes part in): legs to next hops, last legs, replies' and sources' first hops
        (layer 2 and the answering agents are the parent's), and each router's step toward a route class whose
        routes the L3 took from the parent (:attr:`L3.inherited`) with the leg to its next hop, and the chains
        made of such steps only.  Pieces of a class are taken for the classes of both snapshots with one
        signature and one representative, not on a host of ``region`` (its layer 2 is the parent's).  Returns
        the sources so known, by class."""
        same: dict[int, int] = {}  # the parent's class -> this one's
        for k, sig in enumerate(self.sigs):
            p = parent.index.get(sig)
            e = self.reps[k]
            if p is not None and parent.reps[p] is e and not (e.on_host and e.device in region):
                same[p] = k
        l3 = self.snap.l3
        decls = l3.decls
        affected: set[int] = set()
        for ref in changed:
            sname, _, iname = ref.partition(":")
            iface = decls.ports.get((sname, iname))
            if iface is not None:
                affected.add(int(iface.address.ip))  # type: ignore[attr-defined]
                if iface.fhrp is not None:  # type: ignore[attr-defined]
                    affected.add(int(iface.fhrp.vip))  # type: ignore[attr-defined]

        def stale(key: str | None) -> bool:
            return key is not None and key.partition("@")[0] in changed

        ips = self.addrs
        gw = [int(e.gateway) if e.gateway is not None else None for e in self.reps]
        self._hops = {k: v for k, v in parent._hops.items() if k[0] not in changed and k[1] not in affected}
        inherited = l3.inherited
        steps: dict[tuple[str, object], tuple] = {}
        for (r, rc), st in parent._step.items():
            if not all((r, net) in inherited for net in rc):  # type: ignore[attr-defined]
                continue
            if st[0] == "next":
                part = next(p for net in rc if (p := l3.route_parts(r, net)) is not None)  # type: ignore[attr-defined]
                if (part[1].ref, int(part[2])) not in self._hops:
                    continue
            steps[(r, rc)] = st
        self._step = steps
        self._chains = {k: v for k, v in parent._chains.items() if all((x, k[1]) in steps for x in v[0])}
        for (eg, p, arp), v in parent._last.items():
            k = same.get(p)
            if k is not None and not stale(eg) and ips[k] not in affected:
                self._last[(eg, k, arp)] = v
        for (eg, p), v in parent._onto.items():
            k = same.get(p)
            if k is not None and not stale(eg) and ips[k] not in affected:
                self._onto[(eg, k)] = v
        for (p, teacher), v in parent._first_rep.items():
            k = same.get(p)
            if k is not None and not stale(teacher) and gw[k] not in affected:
                self._first_rep[(k, teacher)] = v
        return {k: got for p, k in same.items()
                if self.reps[k].on_host and (got := parent.src[p]) is not False and gw[k] not in affected}

    # pieces -----------------------------------------------------------------------------------------------------
    def _source(self, k: int) -> tuple[str, int, str | None] | bool | None:
        """Where class ``k``'s packets to another subnet start routing: (router, iterations used, key of the
        agent that learned the source's address), None when they never get there, False when the pieces do
        not apply (its gateway is a host)."""
        e = self.reps[k]
        fw = self.fw
        try:
            if not e.on_host:
                a = fw._agent(e)
                assert isinstance(a, RouterAgent)
                return (a.router, 0, None)
            if e.gateway is None:
                return None
            x = fw.host_agent(e)
            y = fw.next_agent(x, e.gateway, x.ip, NO_IP, set())
        except Unreachable:
            return None
        if not isinstance(y, RouterAgent):
            return False
        return (y.router, 1, y.key)

    def _step_at(self, r: str, rc: object, ip: IPv4Address) -> tuple:
        """One router's step toward a route class it owns nothing of: ("at", egress agent) for a connected
        route, ("next", router) after a leg to the next hop, ("fail",)."""
        key = (r, rc)
        got = self._step.get(key)
        if got is None:
            fw = self.fw
            try:
                # the route class lists the routed subnets holding the address, longest first: the first
                # one the router has a route to is its longest match (what l3.route finds)
                part = None
                for net in rc:  # type: ignore[attr-defined]
                    part = self.snap.l3.route_parts(r, net)
                    if part is not None:
                        break
                if part is None:
                    got = ("fail",)
                elif part[0] == "connected":
                    got = ("at", fw.iface_agent(part[1]))
                else:
                    got = self._hop(part[1], part[2], ip)
            except Unreachable:
                got = ("fail",)
            self._step[key] = got
        return got

    def _twins(self) -> dict[str, tuple[str, ...]]:
        """Each router's twin class: the routers with its routing neighbours (and routing or not), in name order.
        Two such routers are the same hops from every other router, and among their neighbours the same ones
        are nearer any third router, so toward a subnet neither holds they learn it from the same holder through
        the same neighbour (:meth:`L3.route_parts`; neighbourhood is symmetric, so twins are not neighbours)."""
        l3 = self.snap.l3
        by_key: dict[tuple[bool, frozenset[str]], list[str]] = {}
        for r in l3.routers:
            by_key.setdefault((r in l3.routing, frozenset(l3.neighbours_of(r))), []).append(r)
        return {r: c for members in by_key.values() for c in (tuple(members),) for r in c}

    def _class_walks(self, c: tuple[str, ...], groups: dict[tuple, list[object]], by_rc: dict[object, list[int]],
                     marked: dict[tuple, frozenset[str]], shape: Callable[..., tuple]
                     ) -> tuple[list[tuple], dict[str, list[tuple]]]:
        """What twin class ``c`` sends toward each group that one of its routers holds and owns nothing of: the
        walk (group, routers visited, egress, shape key) of such a router whose first leg reaches the neighbour
        its route names (:meth:`_leg_to`), and, by that neighbour, the groups so walked.  A group toward which
        the class has no route is not listed (such a walk reaches and takes nothing)."""
        l3 = self.snap.l3
        walked: list[tuple] = []
        by_first: dict[str, list[tuple]] = {}
        for gk, rcs in groups.items():
            skip = marked[gk]
            r0 = next((r for r in c if r not in skip), None)
            if r0 is None:
                continue
            rep = rcs[0]
            part = None
            for net in rep:  # type: ignore[attr-defined]  # longest first: the first with a route is the match
                part = l3.route_parts(r0, net)
                if part is not None:
                    break
            if part is None:
                continue
            if part[0] != "learned":  # cannot be: r0 holds none of the group's subnets
                raise AssertionError(f"{r0} has a connected route toward a group it does not hold")
            first = part[3]
            tail, egress = self._chain(first, rep, self.ips[by_rc[rep][0]])
            if len(tail) > MAX_ROUTED_HOPS:  # as _chain from r0 would: one router more, the last one cut
                tail, egress = tail[:MAX_ROUTED_HOPS], None
            path = (r0, *tail)
            walked.append((gk, path, egress, shape(gk, path, egress)))
            by_first.setdefault(first, []).append(gk)
        return walked, by_first

    def _leg_to(self, r: str, first: str) -> tuple:
        """The step of routing router ``r`` through its neighbour ``first`` (:meth:`_step_at`'s, for a learned
        route): ("next", the router that answers), or ("fail",)."""
        mine, nh = self.snap.l3.link_to(r, first)
        return self._hop(mine, nh, NO_IP)

    def _hop(self, iface: L3If, nh: IPv4Address, ip: IPv4Address) -> tuple:
        """The leg from ``iface`` to next hop ``nh`` (the same for every subnet routed through it, whatever the
        destination ``ip``): ("next", the router that answers), or ("fail",)."""
        hop = (iface.ref, int(nh))  # an IPv4Address hashes in Python code
        got = self._hops.get(hop)
        if got is None:
            fw = self.fw
            try:
                y = fw.next_agent(fw.iface_agent(iface), nh, NO_IP, ip, set())
                got = ("next", y.router) if isinstance(y, RouterAgent) else ("fail",)
            except Unreachable:
                got = ("fail",)
            self._hops[hop] = got
        return got

    def _chain(self, r: str, rc: object, ip: IPv4Address) -> tuple[tuple[str, ...], RouterAgent | None]:
        """Routers visited from ``r`` toward route class ``rc`` (before any of them is found to own the
        address), and the egress agent of the last one when its route is connected (None: lost first)."""
        key = (r, rc)
        got = self._chains.get(key)
        if got is None:
            path: list[str] = []
            egress = None
            cur = r
            while len(path) <= MAX_ROUTED_HOPS:  # one more than a walk may visit: a loop is lost
                path.append(cur)
                st = self._step_at(cur, rc, ip)
                if st[0] != "next":
                    egress = st[1] if st[0] == "at" else None
                    break
                cur = st[1]
            got = self._chains[key] = (tuple(path), egress)
        return got

    def _last_leg(self, egress: RouterAgent, k: int, arp: bool) -> bool:
        """Whether the last router's interface delivers to host class ``k`` (``arp``: it must ask first)."""
        key = (egress.key, k, arp)
        ok = self._last.get(key)
        if ok is None:
            e = self.reps[k]
            ip = self.ips[k]
            learned: set[tuple[str, str]] = set() if arp else {(egress.key, e.name)}
            try:
                y = self.fw.next_agent(egress, ip, NO_IP, ip, learned)
                ok = self.fw.is_endpoint(y, e)
            except Unreachable:
                ok = False
            self._last[key] = ok
        return ok

    def _inside(self, k: int, j: int) -> bool:
        """Whether class ``j``'s address is in host class ``k``'s subnet (its ping goes straight there)."""
        addr, bits, _ = self.reach._addr(self.reps[k])
        return (self.addrs[j] ^ addr) >> bits == 0

    def _host_router(self, k: int, j: int) -> bool | None:
        """The ping from host class ``k`` to router class ``j`` whose address is in ``k``'s subnet (a pair
        :meth:`_local_pairs` finds), exactly as :meth:`Forwarding.ping` walks it, with the reply's last leg
        shared (:meth:`_last_leg`): ARP for the address itself, the router that answers takes the packet when
        it owns the address, and routes the reply out of its connected interface to the host, asking first
        unless that is the interface the host just learned (the walk's ``learned``).  None (walk it whole) when
        the answering router routes the packet on, or the reply is routed through another router."""
        if not self._inside(k, j):
            return None
        fw = self.fw
        e, ip, to = self.reps[k], self.ips[k], self.ips[j]
        x = fw.host_agent(e)
        try:
            a = fw.next_agent(x, to, ip, to, set())
            if not isinstance(a, RouterAgent):
                return False  # a host port takes it, which is not the router endpoint (or does not route)
            own, _ = fw.at_router(a.router, to)
            if own is None:
                return None
            if not fw.is_endpoint(own, self.reps[j]):
                return False  # topology-v1 "Duplicate addresses": taken by another holder
            own_back, out = fw.at_router(own.router, ip)
        except Unreachable:
            return False
        if own_back is not None:
            return False  # a router takes the reply for the host's address
        assert out is not None
        egress, nh = out
        if nh != ip:
            return None
        # the walk's learned set holds (a, x) only: it spares the ARP when the reply leaves from a itself
        return self._last_leg(egress, k, egress.key != a.key)

    def _router_host(self, j: int, k: int) -> bool | None:
        """The ping from router class ``j`` to host class ``k`` whose subnet holds ``j``'s address, as
        :meth:`_host_router` (the same pieces the other way round): the router's connected interface asks for
        the host (:meth:`_last_leg`), and the host, which learned that interface from its request, replies to
        the router endpoint's address inside its subnet."""
        if not self._inside(k, j):
            return None
        fw = self.fw
        e, ip, frm = self.reps[k], self.ips[k], self.ips[j]
        start = self.src[j]  # a router endpoint's: (its router, 0, None), or None when its agent is unreachable
        if not start:
            return False
        try:
            own, out = fw.at_router(start[0], ip)
        except Unreachable:
            return False
        if own is not None:
            return False  # a router takes the packet for the host's address
        assert out is not None
        egress, nh = out
        if nh != ip:
            return None
        if not self._last_leg(egress, k, True):
            return False
        x = fw.host_agent(e)
        try:
            a = fw.next_agent(x, frm, ip, frm, {(x.key, egress.key)})
            if not isinstance(a, RouterAgent):
                return False
            own, _ = fw.at_router(a.router, frm)
        except Unreachable:
            return False
        if own is None:
            return None
        return fw.is_endpoint(own, self.reps[j])

    def _to_router(self, r: str, k: int) -> tuple[bool, str | None, int]:
        """A packet at router ``r`` for router endpoint class ``k``: (taken, the router that took it, iterations)."""
        key = (r, k)
        got = self._routers_memo.get(key)
        if got is None:
            self._routers_memo[key] = (False, None, MAX_ROUTED_HOPS + 1)  # a routing loop comes back here: lost
            path, egress = self._chain(r, self.rcs[k], self.ips[k])
            got = self._routers_memo[key] = self._via(k, path, egress)
        return got

    def _via(self, k: int, path: tuple[str, ...], egress: RouterAgent | None) -> tuple[bool, str | None, int]:
        """The walk toward router endpoint class ``k`` along ``path``: the first router owning its address
        takes it; past the last one, the leg to whoever answers for it, and on from that router."""
        owners = self.owners[k]
        for i, router in enumerate(path):
            if router in owners:
                return (True, router, i + 1) if i < MAX_ROUTED_HOPS else (False, None, i + 1)
        if egress is None:
            return False, None, len(path)
        ckey = (egress.key, k)
        nxt = self._onto.get(ckey, False)
        if nxt is False:
            ip = self.ips[k]
            try:
                y = self.fw.next_agent(egress, ip, NO_IP, ip, set())
                nxt = y.router if isinstance(y, RouterAgent) else None
            except Unreachable:
                nxt = None
            self._onto[ckey] = nxt
        if nxt is None:
            return False, None, len(path)
        ok, taker, count = self._to_router(nxt, k)  # type: ignore[arg-type]
        count += len(path)
        if not ok or count > MAX_ROUTED_HOPS:
            return False, None, count
        return True, taker, count

    def _reply_start(self, k: int, teacher: str | None) -> str | bool | None:
        """The router where host class ``k``'s reply to another subnet starts routing (None: it never gets
        there; False: the pieces do not apply).  ``teacher``: the key of the agent that just delivered to it
        when that is its gateway (learned then: no ARP)."""
        key = (k, teacher)
        got = self._first_rep.get(key)
        if got is None:
            e = self.reps[k]
            if e.gateway is None:
                got = None
            else:
                x = self.fw.host_agent(e)
                learned = {(x.key, teacher)} if teacher is not None else set()
                try:
                    y = self.fw.next_agent(x, e.gateway, x.ip, NO_IP, learned)
                    got = y.router if isinstance(y, RouterAgent) else False
                except Unreachable:
                    got = None
            self._first_rep[key] = got
        return got

    # combining ----------------------------------------------------------------------------------------------------
    def _groups(self, rcs: Iterable[object]) -> dict[tuple, list[object]]:
        """Route classes by the routers holding each of their subnets.  A router's route toward a subnet is
        connected when it holds it, else learned from its nearest holder (ties to the name), through the same
        neighbour for every subnet learned from that holder (:meth:`L3.route_parts`): so route classes whose
        subnets have the same holders meet the same steps at every router, and a walk toward any of them
        visits the same routers.  Only the egress interface at the last one differs (each subnet's own)."""
        holders = self.snap.l3.holders
        out: dict[tuple, list[object]] = {}
        for rc in rcs:
            key = tuple(frozenset(i.router for i in holders(net)) for net in rc)  # type: ignore[attr-defined]
            out.setdefault(key, []).append(rc)
        return out

    def _combine(self, src: list, regular: list[bool]) -> None:
        """Rows of the matrix for regular classes.  Destinations (and, for replies, sources) are taken a routing
        group at a time (:meth:`_groups`).  Routers with the same routing neighbours (:meth:`_twins`: a block's
        distribution pair, every leaf under one spine layer) route alike toward every group none of them holds
        nor owns anything of (the same nearest holder, the same first neighbour: see :meth:`_class_walks`), so
        one walk per twin class and group gives what each of them sends there, from that neighbour on: the cost
        grows with twin classes x groups plus each router's own exceptions (groups it holds or owns something
        of, or whose first leg it takes elsewhere), not routers x groups.  A twin's answers are its class's
        with its exceptions' destinations (bits) replaced by its own walks: every group's destinations and
        sources are its own classes, so the bits of one group come from that group's walk alone.  Every walk
        of the same shape (length, last router, where the owning routers sit on it) gets the same answers, so
        each shape is worked out once."""
        n = len(self.sigs)
        hosts = [e.on_host for e in self.reps]
        gateways = [e.gateway for e in self.reps]
        by_rc: dict[object, list[int]] = {}
        for y in range(n):
            if regular[y]:
                by_rc.setdefault(self.rcs[y], []).append(y)
        groups = self._groups(by_rc)
        g_owners = {gk: frozenset().union(*(self.owners[y] for rc in rcs for y in by_rc[rc]))
                    for gk, rcs in groups.items()}
        g_bits: dict[tuple, int] = {}  # each group's classes
        # per group, the routers holding one of its subnets or owning one of its addresses, and per router those
        # groups: its walk toward them is its own, not its twin class's
        marked_groups = {gk: frozenset().union(*gk) | g_owners[gk] for gk in groups}
        marked: dict[str, list[tuple]] = {}
        for gk, rcs in groups.items():
            bits = 0
            for rc in rcs:
                for y in by_rc[rc]:
                    bits |= 1 << y
            g_bits[gk] = bits
            for r in marked_groups[gk]:
                marked.setdefault(r, []).append(gk)
        starting: dict[str, dict[int, int]] = {}  # router -> iterations used before it -> mask of sources
        for k in range(n):
            if regular[k] and src[k]:
                r, n0, _ = src[k]
                masks = starting.setdefault(r, {})
                masks[n0] = masks.get(n0, 0) | 1 << k
        twins = self._twins()

        def shape(gk: tuple, path: tuple[str, ...], egress: RouterAgent | None) -> tuple:
            owners = g_owners[gk]
            where = tuple((i, x) for i, x in enumerate(path) if x in owners) if owners else ()
            return (gk, len(path), path[-1], egress is None, where)

        def walk(r: str, gk: tuple) -> tuple[tuple[str, ...], RouterAgent | None, tuple]:
            """The routers visited from ``r`` toward group ``gk``, the first route class's egress, and the
            shape's key."""
            rep = groups[gk][0]
            path, egress = self._chain(r, rep, self.ips[by_rc[rep][0]])
            return path, egress, shape(gk, path, egress)

        def each(gk: tuple, path: tuple[str, ...], egress: RouterAgent | None) -> Iterable[tuple[list[int], RouterAgent | None]]:
            """Each route class of the group with its own egress on the walk's last router."""
            rcs = groups[gk]
            for rc in rcs:
                if egress is None or rc is rcs[0]:
                    yield by_rc[rc], egress
                    continue
                st = self._step_at(path[-1], rc, self.ips[by_rc[rc][0]])
                if st[0] == "next":  # cannot be: the group's subnets have the same holders (see _groups)
                    raise AssertionError(f"route class {rc} leaves {path[-1]} unlike its group")
                yield by_rc[rc], st[1] if st[0] == "at" else None

        back_cache: dict[tuple, dict[int, int]] = {}
        fwd_cache: dict[tuple, dict[tuple[str, int], dict[int, int]]] = {}

        def back_of(gk: tuple, path: tuple[str, ...], egress: RouterAgent | None, key: tuple) -> dict[int, int]:
            """Iterations -> mask of the sources of group ``gk`` that take a reply walked along ``path``."""
            got = back_cache.get(key)
            if got is None:
                got = back_cache[key] = {}
                for xs, eg in each(gk, path, egress):
                    for count, mask in self._backward(xs, path, eg, hosts, src).items():
                        got[count] = got.get(count, 0) | mask
            return got

        def fwd_of(gk: tuple, path: tuple[str, ...], egress: RouterAgent | None,
                   key: tuple) -> dict[tuple[str, int], dict[int, int]]:
            """Reply start -> iterations -> mask of the destinations of group ``gk`` reached along ``path``."""
            got = fwd_cache.get(key)
            if got is None:
                got = fwd_cache[key] = {}
                for ys, eg in each(gk, path, egress):
                    for start, by_count in self._forward(ys, path, eg, hosts, gateways, regular).items():
                        into = got.setdefault(start, {})
                        for count, mask in by_count.items():
                            into[count] = into.get(count, 0) | mask
            return got

        class_walks: dict[tuple[str, ...], tuple[list[tuple], dict[str, list[tuple]]]] = {}
        exceptions_of: dict[str, tuple[list[tuple], int]] = {}

        def exceptions(r: str) -> tuple[list[tuple], int]:
            """The groups toward which ``r`` does not walk as its twin class does, and their destinations' bits."""
            got = exceptions_of.get(r)
            if got is None:
                c = twins[r]
                if c not in class_walks:
                    class_walks[c] = self._class_walks(c, groups, by_rc, marked_groups, shape)
                out = dict.fromkeys(marked.get(r, ()))
                for first, gks in class_walks[c][1].items():
                    if self._leg_to(r, first) != ("next", first):
                        out.update(dict.fromkeys(gks))
                bits = 0
                for gk in out:
                    bits |= g_bits[gk]
                got = exceptions_of[r] = (list(out), bits)
            return got

        # replies: from a reply start (router, iterations already used), which sources take the reply
        class_back: dict[tuple[str, ...], dict[int, int]] = {}
        back_counts: dict[str, dict[int, int]] = {}
        back: dict[tuple[str, int], int] = {}

        def taken_back(start: tuple[str, int]) -> int:
            got = back.get(start)
            if got is None:
                q, n0 = start
                by_count = back_counts.get(q)
                if by_count is None:
                    exc, bits = exceptions(q)
                    c = twins[q]
                    total = class_back.get(c)
                    if total is None:
                        total = class_back[c] = {}
                        for walked in class_walks[c][0]:
                            for count, mask in back_of(*walked).items():
                                total[count] = total.get(count, 0) | mask
                    by_count = {count: mask & ~bits for count, mask in total.items()} if bits else dict(total)
                    for gk in exc:
                        for count, mask in back_of(gk, *walk(q, gk)).items():
                            by_count[count] = by_count.get(count, 0) | mask
                    back_counts[q] = by_count
                got = 0
                for count, mask in by_count.items():
                    if n0 + count <= MAX_ROUTED_HOPS:
                        got |= mask
                back[start] = got
            return got

        # forward: per twin class, which destinations take the packet and where each reply starts, combined with
        # the replies for all its starting routers' sources at once; then each router's exceptions
        row = self.row
        by_class: dict[tuple[str, ...], dict[str, dict[int, int]]] = {}
        for r, n0s in starting.items():
            by_class.setdefault(twins[r], {})[r] = n0s
        for c, members in by_class.items():
            for r in members:
                exceptions(r)  # the class's walks, and each member's exceptions, before anything is combined
            agg = self._merged(fwd_of(*walked) for walked in class_walks[c][0])
            xs_by_n0: dict[int, int] = {}
            for n0s in members.values():
                for n0, xs in n0s.items():
                    xs_by_n0[n0] = xs_by_n0.get(n0, 0) | xs
            for n0, xs in xs_by_n0.items():
                self._spread(agg, n0, xs, taken_back)
            for r, n0s in members.items():
                exc, bits = exceptions_of[r]
                if not exc:
                    continue
                own = self._merged(fwd_of(gk, *walk(r, gk)) for gk in exc)
                for n0, xs in n0s.items():
                    if bits:
                        keep = ~bits
                        for x in set_bits(xs):
                            row[x] &= keep
                    self._spread(own, n0, xs, taken_back)

    @staticmethod
    def _merged(parts: Iterable[dict[tuple[str, int], dict[int, int]]]) -> dict[tuple[str, int], dict[int, int]]:
        """Reply start -> iterations -> mask, over several walks' answers (the parts are memos: not changed)."""
        agg: dict[tuple[str, int], dict[int, int]] = {}
        copied: set[tuple[str, int]] = set()  # the starts whose agg entry is not a part's own
        for res in parts:
            for start, by_count in res.items():
                into = agg.get(start)
                if into is None:
                    agg[start] = by_count
                    continue
                if start not in copied:
                    copied.add(start)
                    into = agg[start] = dict(into)
                for count, mask in by_count.items():
                    into[count] = into.get(count, 0) | mask
        return agg

    def _spread(self, agg: dict[tuple[str, int], dict[int, int]], n0: int, xs: int,
                taken_back: Callable[[tuple[str, int]], int]) -> None:
        """Add to the rows of sources ``xs`` (``n0`` iterations used before their starting router) the
        destinations of ``agg`` whose reply each of them takes.  A destination sits under one reply start
        only, so the ones a source misses are taken off what all of them get."""
        row = self.row
        common = 0
        missed: dict[int, int] = {}
        count_xs = xs.bit_count()
        for start, by_count in agg.items():
            ys = 0
            for count, mask in by_count.items():
                if n0 + count <= MAX_ROUTED_HOPS:
                    ys |= mask
            if not ys:
                continue
            took = xs & taken_back(start)
            if took == xs:
                common |= ys
                continue
            if not took:
                continue
            if took.bit_count() * 2 <= count_xs:
                for x in set_bits(took):
                    row[x] |= ys
            else:
                common |= ys
                for x in set_bits(xs ^ took):
                    missed[x] = missed.get(x, 0) | ys
        if common:
            for x in set_bits(xs):
                lost = missed.get(x)
                if lost:
                    row[x] |= common & ~lost
                elif row[x]:
                    row[x] |= common
                else:
                    row[x] = common  # one object for every row that has nothing else yet: ints are immutable

    def _forward(self, ys: list[int], path: tuple[str, ...], egress: RouterAgent | None, hosts: list[bool],
                 gateways: list, regular: list[bool]) -> dict[tuple[str, int], dict[int, int]]:
        """Destinations of one route class reached along ``path``: reply start -> iterations -> mask."""
        out: dict[tuple[str, int], dict[int, int]] = {}
        for y in ys:
            if hosts[y]:
                if egress is None or not self._last_leg(egress, y, True):
                    continue
                count = len(path)
                q = self._reply_start(y, egress.key if egress.ip == gateways[y] else None)
                if q is False:
                    regular[y] = False  # its gateway is a host: walked whole
                    continue
                if q is None:
                    continue
                start: tuple[str, int] = (q, 1)  # type: ignore[assignment]
            else:
                ok, taker, count = self._via(y, path, egress)
                if not ok:
                    continue
                start = (taker, 0)  # type: ignore[assignment]
            by_count = out.setdefault(start, {})
            by_count[count] = by_count.get(count, 0) | 1 << y
        return out

    def _backward(self, xs: list[int], path: tuple[str, ...], egress: RouterAgent | None, hosts: list[bool],
                  src: list) -> dict[int, int]:
        """Sources of one route class that take a reply routed along ``path``: iterations -> mask."""
        out: dict[int, int] = {}
        for x in xs:
            if not src[x]:
                continue
            if hosts[x]:
                # the interface the source's own first hop reached learned it then: no ARP (see the class doc)
                if egress is None or not self._last_leg(egress, x, egress.key != src[x][2]):
                    continue
                count = len(path)
            else:
                ok, _, count = self._via(x, path, egress)
                if not ok:
                    continue
            out[count] = out.get(count, 0) | 1 << x
        return out

    def _local_pairs(self, regular: list[bool]) -> set[tuple[int, int]]:
        """Pairs where one end is a host whose subnet holds the other's address (both directions)."""
        by_prefix: dict[tuple[int, int], list[int]] = {}
        lengths = {e.ip.network.prefixlen for e in self.reps if e.on_host and e.ip is not None}
        for k, e in enumerate(self.reps):
            if e.ip is None:
                continue
            ip = int(e.ip)  # an IPv4Interface is its address
            for length in lengths:
                by_prefix.setdefault((length, ip >> (32 - length)), []).append(k)
        out: set[tuple[int, int]] = set()
        for k, e in enumerate(self.reps):
            if not (e.on_host and e.ip is not None and regular[k]):
                continue
            length = e.ip.network.prefixlen
            for j in by_prefix.get((length, int(e.ip) >> (32 - length)), ()):
                if j != k:
                    out.add((k, j))
                    out.add((j, k))
        return out



def _design_addressing(snap: Snapshot) -> tuple[set[tuple[int, int]], list[int], set[int], frozenset[str],
                                                  dict[int, str | None], dict[int, set[str | None]]]:
    """What :attr:`Reach._addressing` takes from the design alone, built once per inventory: every routed and
    host subnet, their lengths longest first, the gateways of host ports, the hosts with a port whose address
    is such a gateway, and the hosts holding each host-port address (the first host met, and every host for an
    address held on more than one: one set per address of 40,000 cost more than the rest of it)."""
    inv = snap.inventory

    def build() -> tuple[set[tuple[int, int]], list[int], set[int], frozenset[str], dict[int, str | None],
                         dict[int, set[str | None]]]:
        nets = set(snap.l3.decls.by_net)  # the declarations: the design's, whatever failed
        gateways: set[int] = set()
        first: dict[int, str | None] = {}
        more: dict[int, set[str | None]] = {}
        # ids of the network and gateway objects met: most ports share them (one per subnet and address,
        # model.base), and asking each port's for its numbers cost more than the identity test
        seen: set[int] = set()
        for host, ports in itertools.chain(
                ((hname, h.vmkernel.values()) for hname, h in inv.hosts.items()),
                ((vm.host, vm.nics) for vm in inv.vms.values())):
            for port in ports:
                ip = port.ip
                if ip is not None:
                    addr = int(ip)  # an IPv4Interface is its address
                    held = first.setdefault(addr, host)
                    if held != host:
                        more.setdefault(addr, {held}).add(host)
                    net = ip.network
                    if id(net) not in seen:
                        seen.add(id(net))
                        nets.add((net.prefixlen, addr >> (32 - net.prefixlen)))
                gateway = port.gateway
                if gateway is not None and id(gateway) not in seen:
                    seen.add(id(gateway))
                    gateways.add(int(gateway))
        gateway_hosts = frozenset(h for ip in gateways for h in _hosts_holding(first, more, ip))
        return nets, sorted({n for n, _ in nets}, reverse=True), gateways, gateway_hosts, first, more

    return inv.derived("analysis.reach.addressing", build)


def _hosts_holding(first: dict[int, str | None], more: dict[int, set[str | None]], ip: int) -> Iterable[str | None]:
    """The hosts with a port holding ``ip`` (see :func:`_design_addressing`)."""
    got = more.get(ip)
    if got is not None:
        return got
    return (first[ip],) if ip in first else ()


def set_bits(mask: int) -> list[int]:
    """The positions of the set bits of ``mask``, lowest first (class rows are bit masks).  Read off the mask's
    binary text: clearing the lowest bit one at a time costs the whole mask's length per bit, and a row of
    thousands of classes has thousands of bits."""
    text = bin(mask)[:1:-1]  # lowest bit first, without the "0b"
    out = []
    i = text.find("1")
    while i >= 0:
        out.append(i)
        i = text.find("1", i + 1)
    return out
