"""Random designs over the design space of topology-v1, shared by the property and fuzz tests.

:func:`cases` draws a :class:`Case`: a valid design (plain data, as a design file holds it), failures drawn
from it, and engine :class:`~vinfra.network.settings.Settings`.  A design starts from a working plan and
then takes a few faults, so that most pairs of endpoints are reachable and many are routed while every
mistake of the behaviour catalogue still comes up.  :func:`sample` draws the same designs from a seeded
``Random`` (independent draws at the generator's own odds), the fixed sample the tuning is measured on.
Hypothesis shrinks every choice toward its likelier outcome: a minimal example is a working design.

What is drawn:

- **switches**: one access switch, two independent ones with inter-switch links (loops for spanning tree),
  a stack (cross-stack channels, Po and SVIs declared once), or an MLAG pair (peer link, ``mlag_id``
  channels); up to two more routers hanging off the access layer by trunks or MLAG channels; spanning-tree
  modes and priorities; link-state tracking (T15); VLANs missing on a switch;
- **vendor forms**: switch ports referenced (links, failures) by their long names or in another case,
  MLAG domains as numbers or words;
- **layer 3**: SVIs on several routers, FHRP groups (HSRP, VRRP, GLBP, anycast gateways whose SVIs may
  have no address of their own; both MLAG peers), routed /31
  links between routers with ``routing:`` (sometimes missing, sometimes passive SVIs), an island VLAN whose
  subnet is a /26 inside VLAN 10's /24 on another router (covering prefixes), endpoints addressed inside
  the /26 while sitting in VLAN 10;
- **hosts**: standard and distributed switches (both on one host, or two standard ones: F2), port ID, MAC
  hash, explicit, load-based and IP-hash teams, vDS LAGs; static and LACP channels to IP-hash teams and
  LAGs on one switch, a stack or an MLAG pair; explicit failover orders with standby and unused uplinks,
  port-group teaming overrides (T16), beacon probing (T14); VMkernel ports with gateways, Service Console
  ports on ``product: esx``; EST, VST and VGT port groups, VGT guests (``guest_vlan``) once the model has
  the field;
- **odd settings** the checks look at: MTUs, BPDU guard and filter, ``block_guest_bpdu``, ARP timeouts,
  iSCSI port binding, notify and failback, duplicate MACs;
- **faults**: native-VLAN traps (V6, V7), pruned trunks (V8), IP hash split over independent switches or
  with standby uplinks (M3, M4), LACP toward a standard vSwitch (M5), a channel facing a port-ID team (M2),
  passive/passive LAGs, beacons on an IP-hash team (M13), uncabled uplinks, missing and wrong gateways,
  duplicate addresses (of a VM, a VMkernel port, an SVI or a virtual IP), NICs without addresses;
- **failures** drawn from the design: switches, stack members, hosts, interfaces (ports, vmnics,
  port-channels) and links, in the design's ``failures:`` or given to the snapshot.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from random import Random
from typing import Any, get_args, get_type_hints

from hypothesis import strategies as st

import vinfra
from vinfra.model.cluster import VmNic
from vinfra.network import Snapshot
from vinfra.network.endpoints import Endpoint
from vinfra.network.settings import DEFAULT_SETTINGS, Settings

#: VGT guests (``guest_vlan`` on a VM NIC) are drawn as soon as the model has the field.
HAS_GUEST_VLAN = "guest_vlan" in VmNic.model_fields

DATA_VLANS = (10, 20, 30)
ISLAND = 40  # its subnet is 10.0.10.192/26 (inside VLAN 10's /24) when the design has covering prefixes
COVERING = "10.0.10.192/26"
SWITCH_VLANS = [1, *DATA_VLANS, ISLAND]
# the vendors' other spellings of the generator's port names (topology-v1 "Names and forms met in vendor configs")
LONG_FORMS = {"Gi": ["GigabitEthernet", "gi"], "Te": ["TenGigabitEthernet", "te"],
              "Po": ["Port-Channel", "port-channel"]}


@dataclass(frozen=True)
class Case:
    """One drawn design with its extra failures and engine settings."""

    design: dict[str, Any]
    fail: tuple[str, ...] = ()
    settings: Settings = DEFAULT_SETTINGS

    def inventory(self) -> vinfra.Inventory:
        return vinfra.from_data(self.design)

    def snapshot(self) -> Snapshot:
        return Snapshot(self.inventory(), fail=list(self.fail), settings=self.settings)

    def text(self) -> str:
        """The case as a design file in YAML, failures included, then the settings that differ from the
        defaults (as a comment)."""
        data = dict(self.design)
        if self.fail:
            data["failures"] = [*data.get("failures", []), *self.fail]
        changed = {f.name: getattr(self.settings, f.name) for f in dataclasses.fields(Settings)
                   if getattr(self.settings, f.name) != getattr(DEFAULT_SETTINGS, f.name)}
        return "\n".join(_yaml(data)) + (f"\n# settings: {changed}" if changed else "")


def _yaml(value: Any, indent: str = "") -> list[str]:
    """Block mappings down to short values, which are written in flow style (JSON is YAML)."""
    lines: list[str] = []
    for key, item in value.items():
        flat = json.dumps(item, separators=(", ", ": "))
        if isinstance(item, dict) and item and len(flat) + len(indent) + len(key) > 100:
            lines.append(f"{indent}{key}:")
            lines.extend(_yaml(item, indent + "  "))
        elif isinstance(item, list) and len(flat) + len(indent) + len(key) > 100:
            lines.append(f"{indent}{key}:")
            lines.extend(f"{indent}  - {json.dumps(x, separators=(', ', ': '))}" for x in item)
        else:
            lines.append(f"{indent}{key}: {flat}")
    return lines


def subnet_of(vlan: int, covering: bool) -> tuple[str, int]:
    """(first three octets, prefix length) of a VLAN's subnet."""
    if vlan == ISLAND and covering:
        return "10.0.10", 26
    return f"10.0.{vlan}", 24


class _Choices:
    """Where the builder's choices come from: hypothesis (``draw``), or a seeded ``Random`` (``rnd``)."""

    def __init__(self, draw: st.DrawFn | None = None, rnd: Random | None = None) -> None:
        self.draw = draw
        self.rnd = rnd

    def integer(self, lo: int, hi: int) -> int:
        return self.draw(st.integers(lo, hi)) if self.draw is not None else self.rnd.randint(lo, hi)  # type: ignore[union-attr]

    def pick(self, items: list | tuple) -> Any:
        return self.draw(st.sampled_from(list(items))) if self.draw is not None else self.rnd.choice(list(items))  # type: ignore[union-attr]

    def permutation(self, items: list | tuple) -> list:
        if self.draw is not None:
            return list(self.draw(st.permutations(list(items))))
        return self.rnd.sample(list(items), len(items))  # type: ignore[union-attr]

    def chance(self, p: float) -> bool:
        """True with probability about ``p``.  Shrinks toward the likelier outcome, so that a minimal example is
        the working plan without the rare features and faults."""
        if p >= 0.5:
            return self.integer(0, 99) < round(100 * p)
        return self.integer(0, 99) >= 100 - round(100 * p)


class _Builder(_Choices):
    """The design under construction."""

    def __init__(self, draw: st.DrawFn | None = None, rnd: Random | None = None) -> None:
        super().__init__(draw, rnd)
        self.switches: dict[str, dict[str, Any]] = {}
        self.hosts: dict[str, dict[str, Any]] = {}
        self.vms: dict[str, dict[str, Any]] = {}
        self.dvs: dict[str, Any] | None = None
        self.links: list[list[str]] = []
        self.counters: dict[tuple[str, str], int] = {}
        self.index: dict[str, int] = {}
        self.pos: set[str] = set()  # sw:PoN refs (failure candidates)
        self.upstream: dict[str, list[str]] = {}  # switch -> ports toward other switches (LST)
        self.downstream: dict[str, list[str]] = {}  # switch -> host-facing ports (LST)
        self.used_ips: dict[str, list[str]] = {}  # subnet prefix -> addresses handed out (duplicates)
        self.next_ip: dict[str, int] = {}
        self.gateway: dict[int, str] = {}  # VLAN -> the address hosts use as gateway
        self.routers: dict[str, str] = {}  # router (logical switch) -> the switch that declares its L3 ports
        self.routed_net = 0
        self.macs: list[str] = []
        self.group = 100  # host-facing channel numbers (Po1 is the MLAG peer link, Po2x the routers')

    # helpers ----------------------------------------------------------------------------------------------
    def port(self, sw: str, kind: str = "Gi") -> str:
        n = self.counters[(sw, kind)] = self.counters.get((sw, kind), 0) + 1
        slot = "0" if kind == "Gi" else "1"
        return f"{kind}{self.index[sw]}/{slot}/{n}"  # unique across a stack

    def iface(self, sw: str, name: str, settings: dict[str, Any]) -> None:
        self.switches[sw]["interfaces"][name] = settings

    def cable(self, a: str, b: str) -> None:
        self.links.append([self.spelled(a), self.spelled(b)])

    def spelled(self, ref: str) -> str:
        """A switch port as a vendor config may spell it (topology-v1 "Names and forms met in vendor configs"):
        sometimes the long form or another case; references name the declared interface either way."""
        device, _, name = ref.partition(":")
        if device not in self.switches or not self.chance(0.15):
            return ref
        for short, longs in LONG_FORMS.items():
            if name.startswith(short):
                name = self.pick(longs) + name[len(short):]
                break
        return f"{device}:{name.lower() if self.chance(0.3) else name}"

    def address(self, vlan: int, covering: bool) -> str:
        """A fresh address in the VLAN's subnet, or (sometimes) one already in use there: a duplicate."""
        prefix, length = subnet_of(vlan, covering)
        key = f"{prefix}/{length}"
        used = self.used_ips.setdefault(key, [])
        if used and self.chance(0.025):
            return f"{self.pick(used)}/{length}"
        start = 200 if length == 26 else 10  # below: SVIs and virtual IPs
        n = self.next_ip.get(key, start)
        self.next_ip[key] = n + 1
        if vlan == 10 and covering and self.chance(0.08):
            n = 230 + self.integer(0, 20)  # in VLAN 10, but inside the island's /26
        addr = f"{prefix}.{n}"
        used.append(addr)
        return f"{addr}/{length}"

    # switches -----------------------------------------------------------------------------------------------
    def new_switch(self, name: str, **extra: Any) -> dict[str, Any]:
        self.index[name] = len(self.index) + 1
        vlans = list(SWITCH_VLANS)
        if self.chance(0.04):
            vlans.remove(self.pick(SWITCH_VLANS[1:]))  # a VLAN missing on a switch
        sw: dict[str, Any] = {"platform": self.pick(["ios", "nxos", "eos"]), "vlans": vlans,
                              "stp": {"mode": self.pick(["rpvst", "pvst", "mst", "rstp", "none"]),
                                      "priority": self.pick([4096, 32768])},
                              "interfaces": {}, **extra}
        self.switches[name] = sw
        return sw

    def trunk(self, vlans: list[int], native: int = 1, **extra: Any) -> dict[str, Any]:
        return {"mode": "trunk", "allowed_vlans": sorted(set(vlans)), "native_vlan": native, **extra}

    def fabric(self) -> None:
        self.kind = kind = self.pick(["single", "pair", "stack", "mlag"])
        self.access = ["a0"] if kind == "single" else ["a0", "a1"]
        a0 = self.new_switch("a0")
        if kind == "single":
            pass
        elif kind == "stack":
            a0["stack"] = "stk"
            self.index["a1"] = 2
            self.switches["a1"] = {"stack": "stk", "interfaces": {}}  # inherits the stack's settings
        else:
            a1 = self.new_switch("a1")
            if kind == "mlag":
                domain = self.pick([1, "DC1_LEAF1"])  # NX-OS numbers a vPC domain, EOS names it
                for name, peer in (("a0", "a1"), ("a1", "a0")):
                    sw = self.switches[name]
                    sw.update(platform=self.pick(["nxos", "eos"]) if name == "a0" else a0["platform"],
                              mlag={"peer": peer, "domain": domain})
                    self.iface(name, "Po1", self.trunk(SWITCH_VLANS, peer_link=True))
                    self.pos.add(f"{name}:Po1")
                for _ in range(2):
                    pa, pb = self.port("a0"), self.port("a1")
                    self.iface("a0", pa, self.trunk(SWITCH_VLANS, channel_group=1, channel_mode="active"))
                    self.iface("a1", pb, self.trunk(SWITCH_VLANS, channel_group=1, channel_mode="active"))
                    self.cable(f"a0:{pa}", f"a1:{pb}")
            else:  # two independent switches, one or two inter-switch links (a loop)
                a1["platform"] = a0["platform"] if self.chance(0.5) else a1["platform"]
                for _ in range(self.integer(1, 2)):
                    pa, pb = self.port("a0"), self.port("a1")
                    allowed = list(SWITCH_VLANS)
                    if self.chance(0.06):
                        allowed.remove(self.pick(SWITCH_VLANS[1:]))  # pruned inter-switch trunk
                    self.iface("a0", pa, self.trunk(allowed))
                    self.iface("a1", pb, self.trunk(allowed if self.chance(0.9) else SWITCH_VLANS))
                    self.cable(f"a0:{pa}", f"a1:{pb}")
                    self.upstream.setdefault("a0", []).append(pa)
                    self.upstream.setdefault("a1", []).append(pb)
        # more routers above the access layer, by trunks (an MLAG channel toward an MLAG pair)
        self.extra = [f"r{i}" for i in range(self.integer(0, 2))]
        for k, r in enumerate(self.extra):
            self.new_switch(r, role="distribution")
            if kind == "mlag" and self.chance(0.7):
                group = 20 + k
                self.iface(r, f"Po{group}", self.trunk(SWITCH_VLANS))
                self.pos.add(f"{r}:Po{group}")
                for a in ("a0", "a1"):
                    pr, pa = self.port(r), self.port(a)
                    self.iface(r, pr, self.trunk(SWITCH_VLANS, channel_group=group, channel_mode="active"))
                    self.iface(a, pa, self.trunk(SWITCH_VLANS, channel_group=group, channel_mode="active"))
                    self.iface(a, f"Po{group}", self.trunk(SWITCH_VLANS, mlag_id=group))
                    self.pos.add(f"{a}:Po{group}")
                    self.cable(f"{r}:{pr}", f"{a}:{pa}")
                    self.upstream.setdefault(a, []).append(pa)
                continue
            targets = [a for a in self.access if a == "a0" or self.chance(0.5)]
            for a in targets:
                pr, pa = self.port(r), self.port(a)
                self.iface(r, pr, self.trunk(SWITCH_VLANS))
                self.iface(a, pa, self.trunk(SWITCH_VLANS))
                self.cable(f"{r}:{pr}", f"{a}:{pa}")
                self.upstream.setdefault(a, []).append(pa)

    # layer 3 --------------------------------------------------------------------------------------------------
    def layer3(self) -> None:
        """SVIs (some with FHRP), the island VLAN, routed links and routing between the routers."""
        self.covering = self.chance(0.45)
        self.island = self.covering or self.chance(0.3)
        # routers: logical switches that may hold SVIs, with the switch declaring their interfaces
        candidates: dict[str, str] = {}
        if self.kind == "stack":
            candidates["stk"] = self.pick(["a0", "a1"])
        else:
            for a in self.access:
                candidates[a] = a
        for r in self.extra:
            candidates[r] = r
        if self.extra and self.chance(0.6):
            for a in self.access:  # layer 3 above the access layer only
                candidates.pop("stk" if self.kind == "stack" else a, None)
        names = sorted(candidates)
        vlans = [*DATA_VLANS, *([ISLAND] if self.island else [])]
        holders: dict[int, list[str]] = {}
        for v in vlans:
            how = "none" if self.chance(0.04) else "fhrp" if len(names) > 1 and self.chance(0.4) else "one"
            if v == ISLAND and self.covering and 10 in holders and len(names) > 1 and self.chance(0.8):
                # the /26 on a router other than the /24's: the longest match must win there (topology-v1)
                holders[v] = [self.pick([n for n in names if n not in holders[10]] or names)]
                continue
            if how == "none":
                continue
            if self.kind == "mlag" and how == "fhrp" and {"a0", "a1"} <= set(names) and self.chance(0.5):
                holders[v] = ["a0", "a1"]  # both vPC peers route for the VIP
            elif how == "fhrp":
                holders[v] = list(self.permutation(names))[:2]
            else:
                holders[v] = [self.pick(names)]
        for v, hs in holders.items():
            prefix, length = subnet_of(v, self.covering)
            base = 192 if length == 26 else 0
            if len(hs) == 1:
                self.gateway[v] = f"{prefix}.{base + 1}"
                svis = [(hs[0], f"{prefix}.{base + 1}/{length}", None)]
            else:
                vip = f"{prefix}.{base + 1}"
                self.gateway[v] = vip
                proto = self.pick(["hsrp", "hsrp", "vrrp", "glbp", "anycast"])
                if proto == "anycast":
                    # every live holder is active; an SVI whose only address is the anycast one omits ip
                    # (an SVI with an address of its own may give the vip bare; one without must carry the prefix)
                    own = [f"{prefix}.{base + 2 + k}/{length}" if self.chance(0.5) else None for k in range(len(hs))]
                    svis = [(h, ip, {"protocol": "anycast",
                                     "vip": vip if ip is not None and self.chance(0.3) else f"{vip}/{length}"})
                            for h, ip in zip(hs, own, strict=True)]
                else:
                    svis = [(h, f"{prefix}.{base + 2 + k}/{length}",
                             {"protocol": proto, "group": v, "vip": vip, "priority": self.pick([100, 110, 120])})
                            for k, h in enumerate(hs)]
            for router, ip, fhrp in svis:
                decl = candidates[router]
                svi: dict[str, Any] = {} if ip is None else {"ip": ip}
                if fhrp:
                    svi["fhrp"] = fhrp
                if self.chance(0.1):
                    svi["arp_timeout_s"] = self.pick([270, 1500])
                self.iface(decl, f"Vlan{v}", svi)
                self.routers[router] = decl
                if ip is not None:
                    self.used_ips.setdefault(f"{prefix}/{length}", []).append(ip.split("/")[0])
            if len(hs) > 1:
                self.used_ips.setdefault(f"{prefix}/{length}", []).append(self.gateway[v])
        routers = sorted(self.routers)
        order = self.permutation(routers)
        pairs = list(itertools.pairwise(order))
        for i, a in enumerate(routers):
            for b in routers[i + 1:]:
                if (a, b) not in pairs and (b, a) not in pairs and self.chance(0.25):
                    pairs.append((a, b))
        for a, b in pairs:
            if self.chance(0.05):
                continue  # no routed link: the routing domain is cut
            da, db = self.routers[a], self.routers[b]
            pa, pb = self.port(da, "Te"), self.port(db, "Te")
            net = self.routed_net
            self.routed_net += 1
            self.iface(da, pa, {"mode": "routed", "ip": f"10.255.{net}.0/31"})
            self.iface(db, pb, {"mode": "routed", "ip": f"10.255.{net}.1/31"})
            self.cable(f"{da}:{pa}", f"{db}:{pb}")
            self.upstream.setdefault(da, []).append(pa)
            self.upstream.setdefault(db, []).append(pb)
        for decl in self.routers.values():
            if self.chance(0.95):
                routing: dict[str, Any] = {"protocol": self.pick(["ospf", "eigrp", "bgp"])}
                svis = [i for i in self.switches[decl]["interfaces"] if i.startswith("Vlan")]
                if svis and self.chance(0.2):
                    routing["passive_interfaces"] = svis
                self.switches[decl]["routing"] = routing

    # hosts ------------------------------------------------------------------------------------------------
    def host_side(self) -> None:
        self.dvs_plan: str | None = None
        for h in range(self.integer(1, 3)):
            self.host(f"esx{h}", h)
        if self.dvs is not None:
            self.dvs["uplinks"] = [f"uplink{i + 1}" for i in range(4)]

    def channel_targets(self, n: int, h: int) -> tuple[list[str], bool]:
        """Switches for a channel of ``n`` uplinks: one switch, a stack, an MLAG pair (True: an MLAG
        channel), or, as a fault, split over two independent switches (M4)."""
        if self.kind in ("stack", "mlag"):
            return [self.access[(h + i) % 2] for i in range(n)], self.kind == "mlag"
        if self.kind == "pair" and self.chance(0.15):
            return [self.access[i % 2] for i in range(n)], False
        a = self.access[h % len(self.access)]
        return [a] * n, False

    def team_plan(self, nics: list[str], distributed: bool) -> str:
        if distributed:
            if self.dvs_plan is None:
                self.dvs_plan = self.pick(["port_id", "port_id", "explicit", "mac_hash", "load_based", "ip_hash",
                                           "lag", "lag"])
            return self.dvs_plan
        return self.pick(["port_id", "port_id", "port_id", "explicit", "explicit", "mac_hash", "ip_hash", "ip_hash"])

    def cable_team(self, host: str, h: int, nics: list[str], plan: str, carried: list[int], native: int) -> None:
        """Cable ``nics`` to the access layer the way ``plan`` needs (faults included)."""
        channel = plan in ("ip_hash", "lag")
        mode = {"ip_hash": "on", "lag": "active"}.get(plan)
        if channel and self.chance(0.1):
            mode = self.pick(["on", "active", "passive", "desirable"])  # M5, M6, static toward a LAG
        if not channel and self.chance(0.05):
            channel, mode = True, self.pick(["on", "active"])  # a channel facing a non-hashing team (M2, M5)
        targets, mlag = self.channel_targets(len(nics), h) if channel else (
            [self.access[(h + i) % len(self.access)] for i in range(len(nics))], False)
        self.group += 1
        group = self.group
        allowed = sorted({native, *carried})
        carried = [v for v in carried if v != native]
        for nic, sw in zip(nics, targets, strict=True):
            if self.chance(0.04):
                continue  # uncabled uplink: link-down
            port_vlans = list(allowed)
            if self.chance(0.06) and carried:
                port_vlans.remove(self.pick(carried))  # pruned on this uplink only (V8, M10)
            settings = self.trunk(port_vlans, native, stp={"edge": self.chance(0.9), "bpdu_guard": self.chance(0.15)})
            if self.chance(0.1):
                settings["mtu"] = 9000
            if self.chance(0.05):
                settings["stp"]["bpdu_filter"] = True
            p = self.port(sw)
            if channel:
                settings.update(channel_group=group, channel_mode=mode)
                po = self.trunk(allowed, native, stp={"edge": True})
                if mlag:
                    po["mlag_id"] = group
                owner = "a0" if self.kind == "stack" else sw
                if f"Po{group}" not in self.switches[owner]["interfaces"] and self.chance(0.95):
                    self.iface(owner, f"Po{group}", po)
                    self.pos.add(f"{owner}:Po{group}")
                if settings["allowed_vlans"] != allowed:
                    settings["allowed_vlans"] = allowed if self.chance(0.5) else port_vlans  # suspended member
            self.iface(sw, p, settings)
            self.cable(f"{host}:{nic}", f"{sw}:{p}")
            self.downstream.setdefault(sw, []).append(p)

    def teaming(self, nics: list[str], plan: str, lag: str | None = None) -> dict[str, Any]:
        if plan == "lag":
            return {"policy": f"lag:{lag}", "active": [f"lag:{lag}"], "standby": [], "unused": list(nics)}
        if plan == "ip_hash":
            team: dict[str, Any] = {"policy": "ip_hash", "active": list(nics)}
            if len(nics) > 1 and self.chance(0.08):
                team["active"], team["standby"] = list(nics[:-1]), [nics[-1]]  # M3
            if self.chance(0.05):
                team["detection"] = "beacon"  # M13
            return team
        order = list(self.permutation(nics))
        team = {"policy": plan}
        if len(order) > 1 and (plan == "explicit" or self.chance(0.4)):
            k = self.integer(1, len(order) - 1)
            team["active"] = order[:k]
            rest = order[k:]
            unused = rest[-1:] if len(rest) > 1 and self.chance(0.3) else []
            team["standby"] = [u for u in rest if u not in unused]
            team["unused"] = unused
        if self.chance(0.15):
            team["detection"] = "beacon"
        team["notify_switches"] = self.chance(0.9)
        team["failback"] = self.chance(0.85)
        return team

    def override(self, uplinks: list[str], plan: str) -> dict[str, Any] | None:
        """A port group's teaming override (T16), sometimes."""
        if plan == "lag" or len(uplinks) < 2 or not self.chance(0.2):
            return None
        if plan == "ip_hash" and not self.chance(0.3):
            return None
        order = list(self.permutation(uplinks))
        k = self.integer(1, len(order) - 1)
        out: dict[str, Any] = {"active": order[:k]}
        if self.chance(0.6):
            out["standby"] = order[k:]  # otherwise the rest is unused
        if self.chance(0.2):
            out["policy"] = self.pick(["explicit", "port_id", "mac_hash"])
        return out

    def host(self, name: str, h: int) -> None:
        product = "esx" if self.chance(0.25) else "esxi"
        n = self.integer(1, 4)
        nics = [f"vmnic{i}" for i in range(n)]
        layout = self.pick(["vss", "vss", "vss", "vds", "vds", "split"]) if n >= 2 else self.pick(["vss", "vss", "vds"])
        if layout == "split":
            k = self.integer(1, n - 1)
            groups = [("vSwitch0", nics[:k]), ("dvs1" if self.chance(0.6) else "vSwitch1", nics[k:])]
        else:
            groups = [("dvs1" if layout == "vds" else "vSwitch0", nics)]
        host: dict[str, Any] = {"product": product, "nics": {nic: {"speed": self.pick([1000, 10000])} for nic in nics},
                                "vswitches": {}, "vmkernel": {}, "cluster": "c1"}
        if self.chance(0.1):
            host["settings"] = {"block_guest_bpdu": True}
        self.hosts[name] = host
        # which VLANs the host carries, and where each port group lives
        carried = [v for v in DATA_VLANS if self.chance(0.88)] or [self.pick(DATA_VLANS)]
        if self.island and self.chance(0.6):
            carried.append(ISLAND)
        self.pgs: list[tuple[str, str, int | None, int]] = []  # (network, label, VLAN or None for VGT, native)
        for sw_name, members in groups:
            distributed = sw_name == "dvs1"
            plan = self.team_plan(members, distributed)
            vlans = [v for v in carried if len(groups) == 1 or self.chance(0.7)] or carried[:1]
            pg_vlans: list[int | None] = list(vlans)
            est = self.chance(0.15)
            if est:
                pg_vlans.append(0)  # EST
            # a trunk native VLAN 10: EST port groups (and untagged VGT guests) land in it
            native = 10 if self.chance(0.6 if est else 0.1) else 1
            if self.chance(0.04):
                pg_vlans.append(1)  # VLAN 1 on a default trunk (V7)
            if self.chance(0.2):
                pg_vlans.append(None)  # VGT: 4095 on a vSS, a VLAN trunk on a vDS
            if native == 10 and 10 not in pg_vlans and self.chance(0.5):
                pg_vlans.append(10)  # a port group tagged with the trunk's native VLAN (V6)
            self.cable_team(name, h, members, plan, [v for v in vlans if v], native)
            if distributed:
                self.join_dvs(name, members, plan, pg_vlans, native)
            else:
                team = self.teaming(members, plan)
                pgs: dict[str, Any] = {}
                for v in pg_vlans:
                    label = "Trunk" if v is None else ("EST" if v == 0 else f"VM{v}")
                    if any(label == lab for _, lab, _, _ in self.pgs):
                        continue
                    pg: dict[str, Any] = {"vlan": 4095 if v is None else v}
                    ov = self.override(members, plan)
                    if ov:
                        pg["teaming"] = ov
                    pgs[label] = pg
                    self.pgs.append((label, label, v, native))
                vs: dict[str, Any] = {"uplinks": members, "teaming": team, "portgroups": pgs}
                if self.chance(0.1):
                    vs["mtu"] = 9000
                host["vswitches"][sw_name] = vs
        if not self.pgs:
            return
        # VMkernel ports and the Service Console
        storage = self.pick(["vmotion", "vmotion", "iscsi", "nfs", "ft"])
        for kname, services in (("vmk0", ["management"]), ("vmk1", [storage]), ("vswif0", ["service_console"])):
            if kname == "vswif0" and product != "esx":
                continue
            if not self.chance({"vmk0": 0.8, "vmk1": 0.3, "vswif0": 0.8}[kname]):
                continue
            tagged = [p for p in self.pgs if p[2] is not None]
            if not tagged:
                break
            network, _, vlan, native = self.pick(tagged)
            vmk: dict[str, Any] = {"portgroup": network, "services": services}
            vmk.update(self.addressing(vlan, native, None))
            if services != ["management"] and self.chance(0.3):
                vmk["mtu"] = 9000
            if services == ["iscsi"] and self.chance(0.5):
                vmk["iscsi_port_binding"] = True
            host["vmkernel"][kname] = vmk
        # VMs
        spread = self.integer(0, len(self.pgs) - 1)
        for j in range(self.integer(1, 4)):
            vm_nics = []
            for k in range(1 if self.chance(0.85) else 2):
                # VMs spread over the port groups (routed pairs need several subnets), sometimes anywhere
                at = (spread + j + k) % len(self.pgs) if self.chance(0.7) else self.integer(0, len(self.pgs) - 1)
                network, _, vlan, native = self.pgs[at]
                nic: dict[str, Any] = {"network": network}
                guest = None
                if vlan is None and HAS_GUEST_VLAN and self.chance(0.75):
                    guest = self.pick([*DATA_VLANS, *([ISLAND] if self.island else [])])
                    nic["guest_vlan"] = guest
                nic.update(self.addressing(vlan, native, guest))
                if self.chance(0.3):
                    nic["mac"] = f"00:50:56:0a:{h:02x}:{len(self.vms) * 2 + len(vm_nics):02x}"
                    if self.macs and self.chance(0.03):
                        nic["mac"] = self.pick(self.macs)  # a duplicate MAC
                    self.macs.append(nic["mac"])
                if self.chance(0.03):
                    nic["connected"] = False
                vm_nics.append(nic)
            vm: dict[str, Any] = {"host": name, "nics": vm_nics}
            if self.chance(0.03):
                vm["power"] = "off"
            self.vms[f"vm{h}{j}"] = vm

    def addressing(self, vlan: int | None, native: int, guest: int | None) -> dict[str, Any]:
        """ip and gateway of a port in a port group of VLAN ``vlan`` (0: untagged, None: VGT)."""
        if not self.chance(0.94):
            return {}
        l2 = guest if guest is not None else (native if vlan in (0, None) else vlan)
        out: dict[str, Any] = {"ip": self.address(l2, self.covering)}
        if self.chance(0.95):
            gw = self.gateway.get(l2)
            prefix, _ = subnet_of(l2, self.covering)
            out["gateway"] = gw if gw is not None and self.chance(0.95) else f"{prefix}.254"
        return out

    def join_dvs(self, host: str, nics: list[str], plan: str, pg_vlans: list[int | None], native: int) -> None:
        if self.dvs is None:
            self.dvs = {"uplinks": [], "hosts": {}, "portgroups": {}}
            if plan == "lag":
                self.dvs["lacp"] = {"lags": {"lag1": {"mode": "active" if self.chance(0.85) else "passive",
                                                      "uplinks": [f"uplink{i + 1}" for i in range(4)]}}}
            self.dvs["teaming"] = self.teaming([f"uplink{i + 1}" for i in range(4)], plan, "lag1")
        self.dvs["hosts"][host] = {f"uplink{i + 1}": nic for i, nic in enumerate(nics)}
        for v in pg_vlans:
            label = "dTrunk" if v is None else ("dEST" if v == 0 else f"d{v}")
            network = f"dvs1/{label}"
            if label not in self.dvs["portgroups"]:
                pg: dict[str, Any] = {"vlan": {"trunk": "10-40"} if v is None else v}
                ov = self.override([f"uplink{i + 1}" for i in range(4)], plan)
                if plan == "lag" and self.chance(0.1):
                    ov = {"policy": "port_id", "active": ["uplink1", "uplink2"]}  # a port group beside the LAG
                if ov:
                    pg["teaming"] = ov
                self.dvs["portgroups"][label] = pg
            self.pgs.append((network, label, v, native))

    # link-state tracking and failures ------------------------------------------------------------------------
    def tracking(self) -> None:
        for sw, ups in sorted(self.upstream.items()):
            down = self.downstream.get(sw, [])
            if down and self.chance(0.25):
                self.switches[sw]["link_state_tracking"] = [{"group": 1, "upstream": ups, "downstream": down}]

    def failures(self) -> tuple[list[str], list[str]]:
        """(in the design, given to the snapshot)."""
        candidates = sorted(self.switches) + sorted(self.hosts) + [self.spelled(p) for p in sorted(self.pos)]
        for a, b in self.links:
            candidates += [a, b, f"{a}--{b}"]
        count = (2 if self.chance(0.3) else 1) if self.chance(0.55) else 0
        chosen = [self.pick(candidates) for _ in range(count)]
        chosen = list(dict.fromkeys(chosen))
        baseline = [f for f in chosen if self.chance(0.3)]
        return baseline, [f for f in chosen if f not in baseline]

    def design(self) -> dict[str, Any]:
        # link-state tracking groups name interfaces; every referenced one exists by construction
        out: dict[str, Any] = {"name": "random", "switches": self.switches, "hosts": self.hosts, "vms": self.vms,
                               "links": self.links, "clusters": {"c1": {}}}
        if self.dvs is not None:
            out["dvswitches"] = {"dvs1": self.dvs}
        return out


def _settings(choose: _Choices) -> Settings:
    """Engine settings: each named modelling choice at its default or another of its values."""
    hints = get_type_hints(Settings)
    values: dict[str, Any] = {}
    for f in dataclasses.fields(Settings):
        options = [True, False] if hints[f.name] is bool else list(get_args(hints[f.name]))
        if options and choose.chance(0.25):
            values[f.name] = choose.pick(options)
    return dataclasses.replace(DEFAULT_SETTINGS, **values)


def _case(b: _Builder) -> Case:
    b.fabric()
    b.layer3()
    b.host_side()
    b.tracking()
    baseline, extra = b.failures()
    design = b.design()
    if baseline:
        design["failures"] = baseline
    return Case(design, tuple(extra), _settings(b))


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """A valid design from across topology-v1, its failures and engine settings (see the module doc)."""
    return _case(_Builder(draw=draw))


def sample(seed: int, n: int) -> list[Case]:
    """``n`` cases drawn independently by a seeded ``Random`` with the generator's own probabilities (hypothesis
    favours small and boundary choices): the fixed sample the tuning is measured on."""
    rnd = Random(seed)
    return [_case(_Builder(rnd=rnd)) for _ in range(n)]


# what a ping did, from its trace ----------------------------------------------------------------------------
def crosses_router(snap: Snapshot, src: Endpoint, dst: Endpoint, rows: list[dict[str, Any]]) -> bool:
    """Whether a router other than the two ends forwarded the ping or its reply (a ``route`` decision in
    the trace at a router that owns neither address)."""
    ends: set[str] = set()
    for e in (src, dst):
        if not e.on_host and e.ip is not None:
            ends |= snap.l3.owner_routers(e.ip.ip)
    return any(r["rule"] == "L3" and r["decision"].startswith("route ") and r["device"] not in ends for r in rows)


# identical hosts ----------------------------------------------------------------------------------------------
def with_twins(case: Case, seed: int = 0) -> Case:
    """The case with a *twin* of every host: the same vSwitches, port groups, VMkernel ports and VMs, cabled
    to fresh ports of the same switches with the same settings (its channels get channel groups of their
    own), addresses moved up the same subnet and MACs left out.  Checks share the work of hosts cabled
    alike (:meth:`vinfra.checks.context.CheckContext.shared`), which a twin makes sure there is."""
    import copy
    import ipaddress

    design = copy.deepcopy(case.design)
    inv = vinfra.from_data(case.design)
    snap = Snapshot(inv)
    used = {str(a) for a in _addresses(design)}
    groups = {sw: max([0, *(int(s.get("channel_group", 0)) for s in sw_data["interfaces"].values())])
              for sw, sw_data in design["switches"].items()}
    count = itertools.count(1)

    def moved(ip: str) -> str | None:
        iface = ipaddress.IPv4Interface(ip)
        net = iface.network
        for k in range(seed + 7, net.num_addresses):
            cand = ipaddress.IPv4Address(int(net.network_address) + (int(iface.ip) - int(net.network_address) + k)
                                         % net.num_addresses)
            if cand in (net.network_address, net.broadcast_address) or str(cand) in used:
                continue
            used.add(str(cand))
            return f"{cand}/{net.prefixlen}"
        return None

    def readdressed(port: dict[str, Any]) -> dict[str, Any]:
        port = {k: v for k, v in port.items() if k != "mac"}
        if "ip" in port:
            ip = moved(port["ip"])
            if ip is None:
                port.pop("ip")
                port.pop("gateway", None)
            else:
                port["ip"] = ip
        return port

    for hname in sorted(case.design.get("hosts", {})):
        twin = f"{hname}t"
        host = copy.deepcopy(case.design["hosts"][hname])
        host["vmkernel"] = {k: readdressed(v) for k, v in host.get("vmkernel", {}).items()}
        design["hosts"][twin] = host
        new_group: dict[tuple[str, int], int] = {}
        for nic in host.get("nics", {}):
            far = snap.cabling.peer(vinfra.model.InterfaceRef(hname, nic))
            if far is None or far.device not in design["switches"]:
                continue
            ports = design["switches"][far.device]["interfaces"]
            if far.interface not in ports:
                continue
            settings = copy.deepcopy(ports[far.interface])
            if "channel_group" in settings:
                owner = "a0" if "a0" in design["switches"] and f"Po{settings['channel_group']}" in \
                    design["switches"]["a0"]["interfaces"] else far.device
                old = int(settings["channel_group"])
                g = new_group.get((owner, old))
                if g is None:
                    g = new_group[(owner, old)] = max(groups.values()) + 1
                    groups[owner] = g
                    for sw_data in design["switches"].values():
                        po = sw_data["interfaces"].get(f"Po{old}")
                        if po is not None and f"Po{g}" not in sw_data["interfaces"]:
                            po = copy.deepcopy(po)
                            if "mlag_id" in po:
                                po["mlag_id"] = g
                            sw_data["interfaces"][f"Po{g}"] = po
                settings["channel_group"] = g
            name = f"{far.interface.rstrip('0123456789')}{100 + next(count)}"
            if name in ports:
                continue
            ports[name] = settings
            design["links"].append([f"{twin}:{nic}", f"{far.device}:{name}"])
        dvs = design.get("dvswitches", {}).get("dvs1")
        if dvs is not None and hname in dvs.get("hosts", {}):
            dvs["hosts"][twin] = copy.deepcopy(dvs["hosts"][hname])
        for vname, vm in case.design.get("vms", {}).items():
            if vm.get("host") == hname:
                design["vms"][f"{vname}t"] = {**copy.deepcopy(vm), "host": twin,
                                              "nics": [readdressed(n) for n in vm.get("nics", [])]}
    return dataclasses.replace(case, design=design)


def _addresses(design: dict[str, Any]) -> Iterator[str]:
    for host in design.get("hosts", {}).values():
        for vmk in host.get("vmkernel", {}).values():
            if "ip" in vmk:
                yield vmk["ip"].split("/")[0]
    for vm in design.get("vms", {}).values():
        for nic in vm.get("nics", []):
            if "ip" in nic:
                yield nic["ip"].split("/")[0]
    for sw in design.get("switches", {}).values():
        for iface in sw.get("interfaces", {}).values():
            for key in ("ip",):
                if key in iface:
                    yield str(iface[key]).split("/")[0]
            fhrp = iface.get("fhrp") or {}
            if "vip" in fhrp:
                yield str(fhrp["vip"])
