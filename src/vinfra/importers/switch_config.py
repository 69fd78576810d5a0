"""Cisco IOS, Cisco NX-OS and Arista EOS running configs to topology-v1's ``switches`` section.

The config's tree comes from hier-config (:mod:`vinfra.importers.config_text`); this module gives each line
its meaning, one dialect per vendor where they differ, and one of Batfish's five support states.  A line's
state says how far it reaches the design: ``supported`` (carried whole), ``partial`` (carried, the message
says what is lost), ``wrong`` (known, not carried, and the design may answer differently from the switch:
ACLs, port security, trunk groups, VRFs...), ``ignored`` (known and irrelevant to what vinfra answers:
AAA, SNMP, logging, names...), ``unrecognised``.

What is carried (topology-v1 ``switches``):

- interfaces, including ranges (``interface range Gi1/0/1 - 4``, NX-OS ``interface Ethernet1/6-7``), as the
  declaration spells them (``port-channel 6`` written ``port-channel6``); management, loopback, tunnel and
  sub-interfaces are not modelled (reported);
- switchport mode (access, trunk, routed by ``no switchport``; dot1q-tunnel, fex-fabric, monitor are
  reported wrong), access VLAN, native VLAN, the allowed list with Batfish's edit semantics: a list sets,
  ``add`` unions with the current list (``all`` when none was set, so add on the default is a no-op),
  ``remove`` subtracts from it, ``except X`` is all but X, ``none`` and ``all``, ``no ... allowed vlan``
  restores all;
- channel groups and modes (``channel-group N`` alone is ``on``), port-channels and what members inherit:
  on EOS a member takes its Port-Channel's layer-2 settings (EOS ignores the member's own), NX-OS
  ``channel-group N force`` copies the port-channel's settings to the member (or, with no port-channel
  declared, the first member's to the others and to a new port-channel); a port-channel that members name
  but the config never declares is declared from its first member;
- spanning tree: mode, bridge priority (per VLAN for PVST, instance 0 for MST, whose other instances are not
  modelled), edge ports (IOS ``portfast`` on access ports, ``portfast trunk``; NX-OS ``port type edge``
  on access ports, ``edge trunk``; EOS ``portfast`` on any port; the global ``default`` forms), BPDU guard
  and filter (per port and the global defaults for edge ports), port cost;
- MTU: ``mtu`` on the interface; for layer-2 ports without one, IOS ``system mtu``, NX-OS the
  ``network-qos`` policy's class-default MTU attached under ``system qos``, EOS ``l2 mtu`` (else
  :data:`EOS_L2_MTU`: EOS switches frames of any size up to it on layer-2 ports; ``mtu`` is the IP MTU);
- speed, shutdown (NX-OS ``system default switchport shutdown`` for layer-2 ports that do not say),
  descriptions, IPv4 addresses, SVIs with HSRP, VRRP, GLBP and the EOS anycast gateway (one group per SVI:
  further groups are reported);
- link-state tracking: IOS ``link state track N`` / ``link state group N upstream|downstream``, EOS ``link
  tracking group NAME`` (numbered 1, 2, ... in order of appearance: topology-v1 numbers groups);
- MLAG / vPC: NX-OS ``vpc domain``, ``vpc peer-link``, ``vpc N``; EOS ``mlag configuration``, ``mlag N``.
  The peer is found among the configs read together (:func:`read_switch_configs`): the peer whose address
  the ``peer-address`` / ``peer-keepalive destination`` names.  Without it the pair is not in the design
  and the lines say so;
- VLAN definitions, MAC aging time, the routing protocol and passive interfaces.

Platform defaults are named: :data:`NXOS_DEFAULT_SWITCHPORT` (an NX-OS port without ``system default
switchport`` is a layer-2 port, as on the Nexus 3000/5000 that hypervisor top-of-rack configs come from);
an IOS or EOS physical port is a switchport unless ``no switchport`` (a Catalyst, not a router), and one
without ``switchport mode`` is an access port (DTP's ``dynamic`` modes facing a host come to that); an NX-OS
SVI is shut down unless ``no shutdown``.

Not modelled, and reported so: sub-interfaces, VRFs, static routes, per-VLAN port costs and priorities,
private VLANs, trunk groups, MST instances other than 0, DTP, NX-OS anycast gateways, traffic filters.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model.ifname import interface_key, po_number, svi_vlan
from ..model.refs import check_name
from ..model.vlan import ALL_VLANS, NO_VLANS, VlanError, VlanSet
from . import config_text
from .config_text import ConfigText, Node
from .report import Imported, ImportSourceError, ReportLine, Support

#: an NX-OS physical port is a switchport unless the config says ``no system default switchport``
NXOS_DEFAULT_SWITCHPORT = True
#: the largest frame an EOS layer-2 port switches when no ``l2 mtu`` is set
EOS_L2_MTU = 9214

# the five states, short: the tables below name one per statement
S, P, W, I, U = Support.SUPPORTED, Support.PARTIAL, Support.WRONG, Support.IGNORED, Support.UNRECOGNISED  # noqa: E741
Verdict = tuple[Support, str]

PLATFORMS = ("ios", "nxos", "eos")
_PO_SPELLING = {"ios": "Port-channel{}", "nxos": "port-channel{}", "eos": "Port-Channel{}"}


# -- platform detection ------------------------------------------------------------------------------------

_NXOS_HINTS = re.compile(r"^(!RANCID-CONTENT-TYPE: cisco-nx|feature \S+|vpc domain|hsrp version|"
                         r"spanning-tree port type|system default switchport|boot nxos|.*port-channel \d+$)",
                         re.I)
_EOS_HINTS = re.compile(r"^(! device: .*EOS|!RANCID-CONTENT-TYPE: arista|.*boot system flash.*EOS|"
                        r"interface Port-Channel\d|service routing protocols model|spanning-tree mode mstp|"
                        r"management api|link tracking group|mlag configuration|interface Management\d)")
# case matters: IOS writes Port-channel1, EOS Port-Channel1


def detect_platform(text: str) -> tuple[str, str]:
    """The config's platform and the evidence: NX-OS and EOS by telltale lines, else IOS."""
    for line in text.splitlines():
        s = line.strip()
        if _NXOS_HINTS.match(s) and not s.startswith("interface Port-Channel"):
            return "nxos", s
        if _EOS_HINTS.match(s):
            return "eos", s
    return "ios", "no NX-OS or EOS telltale line"


# -- interface names -----------------------------------------------------------------------------------------

_PHYSICAL = ("gi", "te", "fa", "twe", "fo", "hu", "et", "twogigabitethernet", "fivegigabitethernet",
             "twentyfivegigabitethernet", "fourhundredgige", "tw", "fi", "ethernet")
_RANGE_ITEM = re.compile(r"^([A-Za-z][A-Za-z-]*?)?\s*((?:\d+/)*)(\d+)(?:\s*-\s*(\d+))?$")


def interface_kind(name: str) -> str:
    """``physical``, ``po``, ``svi``, ``sub`` (sub-interface), ``mgmt``, ``loopback`` or ``other``."""
    low = name.lower()
    if low.startswith(("mgmt", "management")):
        return "mgmt"
    if low.startswith(("loopback", "lo")) and low[-1:].isdigit() and not low.startswith("long"):
        return "loopback"
    if "." in name:
        return "sub"
    if po_number(name) is not None:
        return "po"
    if svi_vlan(name) is not None:
        return "svi"
    key = interface_key(name)
    word = re.match(r"^[a-z-]+", key)
    if word is not None and word.group(0) in _PHYSICAL and re.search(r"\d$", key):
        return "physical"
    return "other"


def expand_interfaces(spec: str) -> list[str]:
    """The interfaces an ``interface`` line names: one, or a range (``range Gi1/0/1 - 4, Gi1/0/7``,
    ``Ethernet1/6-7``, NX-OS ``port-channel 6``).  Raises ValueError for a malformed range."""
    spec = spec.strip()
    if spec.lower().startswith("range "):
        spec = spec[6:].strip()
    words = spec.split()
    if len(words) == 2 and words[1].isdigit() and (words[0].isalpha() or words[0].lower() == "port-channel"):
        return [words[0] + words[1]]  # NX-OS "port-channel 6", IOS "Vlan 10"
    if "," not in spec and not re.search(r"\d\s*-\s*\d", spec):
        return [spec]
    names: list[str] = []
    word = ""
    for item in (part.strip() for part in spec.split(",")):
        m = _RANGE_ITEM.match(item)
        if m is None:
            raise ValueError(f"cannot read interface range item {item!r}")
        word = m.group(1) or word
        if not word:
            raise ValueError(f"interface range item {item!r} names no interface type")
        lo = int(m.group(3))
        hi = int(m.group(4)) if m.group(4) is not None else lo
        if hi < lo or hi - lo > 4096:
            raise ValueError(f"interface range {item!r} runs backwards or is too long")
        names.extend(f"{word}{m.group(2)}{n}" for n in range(lo, hi + 1))
    return names


# -- VLAN lists ------------------------------------------------------------------------------------------------

def vlan_list(text: str) -> VlanSet:
    """A VLAN list as configs write it (``1, 2``, ``7-12``, ``none``, ``all``); ValueError if malformed."""
    t = text.replace(" ", "")
    try:
        return VlanSet.parse(t if t else "none")
    except VlanError as exc:
        raise ValueError(str(exc)) from None


def edit_allowed(current: VlanSet | None, args: str) -> VlanSet | None:
    """Apply one ``switchport trunk allowed vlan ARGS`` to the current list (None = the default, all).
    Batfish's semantics: a list sets, ``add``/``remove`` edit the current list (all when unset), ``except``
    is all but the list, ``none`` empties, ``all`` restores all."""
    words = args.split(None, 1)
    head = words[0].lower() if words else ""
    rest = words[1] if len(words) > 1 else ""
    base = ALL_VLANS if current is None else current
    if head == "add":
        return base | vlan_list(rest)
    if head == "remove":
        return base - vlan_list(rest)
    if head == "except":
        return ALL_VLANS - vlan_list(rest)
    if head == "none":
        return NO_VLANS
    if head == "all":
        return ALL_VLANS
    return vlan_list(args)


# -- what one config says ---------------------------------------------------------------------------------------

@dataclass
class Fhrp:
    protocol: str
    group: int
    line: int
    vip: str | None = None
    priority: int | None = None
    preempt: bool | None = None


@dataclass
class Port:
    """One interface as the config leaves it; None means "not said" (the default applies)."""

    name: str
    kind: str
    line: int
    switchport: bool | None = None
    mode: str | None = None
    access_vlan: int | None = None
    allowed: VlanSet | None = None
    native: int | None = None
    channel_group: int | None = None
    channel_mode: str = "on"
    channel_force: bool = False
    edge: str | None = None  # "access" (edge on access ports only), "any", "off"
    bpdu_guard: bool | None = None
    bpdu_filter: bool | None = None
    cost: int | None = None
    mtu: int | None = None
    l2_mtu: int | None = None
    speed: int | None = None
    shutdown: bool | None = None
    description: str | None = None
    ip: str | None = None
    ip_line: int = 0
    fhrp: list[Fhrp] = field(default_factory=list)
    peer_link: int = 0  # the line that said it, 0 = not said
    mlag_id: tuple[int, int] | None = None  # (id, line)
    trunk_lines: list[int] = field(default_factory=list)  # report entries that matter only on a trunk
    l2_lines: list[int] = field(default_factory=list)  # the port's own switchport lines (a member may not use them)


@dataclass
class MlagHint:
    domain: int | str | None = None
    peer_address: str | None = None
    peer_link: str | None = None  # EOS: "peer-link Port-Channel47"
    lines: list[int] = field(default_factory=list)


@dataclass
class ParsedSwitch:
    """One config read: the switch as topology-v1 data (without ``mlag``), and what pairing needs."""

    name: str
    platform: str
    source: str
    data: dict[str, Any]
    report: list[ReportLine]
    mlag: MlagHint | None
    addresses: set[str]  # every IPv4 address the switch holds (an MLAG peer names one of them)
    mlag_ports: dict[str, tuple[bool, int | None]]  # Po name -> (peer_link, mlag_id)


# NX-OS `[no] system default switchport [shutdown]` -> the reader setting it sets (on, or off with `no`)
_NXOS_PORT_DEFAULTS = {"system default switchport": "default_switchport",
                       "system default switchport shutdown": "default_l2_shutdown"}
# global `spanning-tree ... default` spellings (IOS, NX-OS, EOS) -> the reader setting they switch on
_EDGE_DEFAULTS = {
    **dict.fromkeys(("portfast default", "port type edge default", "portfast edge default", "edge-port default"),
                    "edge_default"),
    **dict.fromkeys(("portfast bpduguard default", "port type edge bpduguard default",
                     "portfast edge bpduguard default", "edge-port bpduguard default"), "guard_default"),
    **dict.fromkeys(("portfast bpdufilter default", "port type edge bpdufilter default",
                     "portfast edge bpdufilter default", "edge-port bpdufilter default"), "filter_default"),
}
# a port's `spanning-tree bpduguard|bpdufilter [enable|disable]` -> (the Port field, its value; `no` clears it)
_BPDU_SETTINGS = {f"{word}{suffix}": (attr, suffix != " disable")
                  for word, attr in (("bpduguard", "bpdu_guard"), ("bpdufilter", "bpdu_filter"))
                  for suffix in ("", " enable", " disable")}


class _Reader:
    """Reads one config: walks the tree, fills :class:`Port` objects and the switch's settings, and gives
    each line one support state."""

    def __init__(self, cfg: ConfigText, platform: str) -> None:
        self.cfg = cfg
        self.platform = platform
        self.states: dict[int, Verdict] = {}
        self.ports: dict[str, Port] = {}  # interface_key -> Port
        self.hostname: str | None = None
        self.vlans: VlanSet = VlanSet.of(1)
        self.stp_mode: str | None = None
        self.stp_default: int | None = None
        self.stp_per_vlan: dict[int, int] = {}
        self.edge_default = False
        self.guard_default = False
        self.filter_default = False
        self.mac_aging: int | None = None
        self.system_mtu: int | None = None
        self.nqos_mtu: dict[str, int] = {}  # network-qos policy -> class-default MTU
        self.nqos_policy: tuple[str, int] | None = None
        self.default_switchport = platform != "nxos" or NXOS_DEFAULT_SWITCHPORT
        self.default_l2_shutdown = False
        self.lst: dict[str, tuple[int, list[str], list[str]]] = {}  # group key -> (number, up, down)
        self.lst_lines: dict[str, int] = {}
        self.mlag: MlagHint | None = None
        self.routing: dict[str, Any] | None = None
        self.passive: list[tuple[str, int]] = []

    # -- helpers ---------------------------------------------------------------------------------------------
    def say(self, node: Node | int, support: Support, message: str = "") -> None:
        line = node if isinstance(node, int) else node.line
        self.states[line] = (support, message)

    def fail(self, node: Node, message: str, token: str | None = None) -> ImportSourceError:
        raw = self.cfg.raw_lines[node.line - 1]
        col = raw.find(token) + 1 if token and token in raw else len(raw) - len(raw.lstrip()) + 1
        return ImportSourceError.at(self.cfg.source, message, node.line, col)

    def number(self, node: Node, token: str, lo: int, hi: int, what: str) -> int:
        if not token.isdigit() or not lo <= int(token) <= hi:
            raise self.fail(node, f"{what} {token!r} is not a number in {lo}-{hi}", token)
        return int(token)

    def subtree(self, node: Node, support: Support, message: str) -> None:
        self.say(node, support, message)
        for child in node.walk():
            self.say(child, support, message if support is not S else "")

    # -- the top level ---------------------------------------------------------------------------------------
    def read(self) -> None:
        for node in self.cfg.roots:
            self.top(node)

    def top(self, node: Node) -> None:
        t = node.text
        words = t.split()
        low = t.lower()
        if low.startswith("interface "):
            self.interface_block(node)
        elif words[0] == "hostname" and len(words) == 2:
            try:
                self.hostname = check_name(words[1].strip('"'), "switch name")
            except ValueError as exc:
                raise self.fail(node, f"{exc}: topology-v1 cannot name it", words[1]) from None
            self.say(node, S)
            self.children(node, I, "under hostname")
        elif words[0] == "vlan" and len(words) == 2 and re.fullmatch(r"[\d,\-]+", words[1]):
            self.vlan_block(node, words[1])
        elif low.startswith("spanning-tree"):
            self.global_stp(node, words[1:])
        elif low.startswith("mac address-table aging-time") or low.startswith("mac-address-table aging-time"):
            self.mac_aging = self.number(node, words[-1], 0, 1_000_000, "MAC aging time")
            self.say(node, S)
        elif low.startswith("system mtu") and self.platform == "ios":
            self.system_mtu = self.number(node, words[-1], 68, 9216, "MTU")
            self.say(node, S, "the layer-2 MTU of ports that set none")
        elif low.removeprefix("no ") in _NXOS_PORT_DEFAULTS and self.platform == "nxos":
            setattr(self, _NXOS_PORT_DEFAULTS[low.removeprefix("no ")], not low.startswith("no "))
            self.say(node, S)
        elif low.startswith("policy-map type network-qos ") and len(words) == 4:
            self.network_qos(node, words[3])
        elif low == "system qos":
            self.system_qos(node)
        elif (m := re.fullmatch(r"link state track (\d+)", low)) is not None:
            self.lst_group(node, m.group(1), self.number(node, m.group(1), 1, 10, "link-state group"))
        elif (m := re.fullmatch(r"link tracking group (\S+)", t)) is not None:
            self.lst_group(node, m.group(1), None)
            for child in node.walk():
                self.say(child, P if child.text.startswith(("links minimum", "recovery delay")) else I,
                         "EOS link tracking's minimum links and recovery delay are not modelled")
        elif low.startswith("vpc domain "):
            self.vpc_domain(node, words[2])
        elif low == "mlag configuration":
            self.mlag_block(node)
        elif (m := re.fullmatch(r"router (ospf|eigrp|isis|bgp)\b.*", low)) is not None:
            self.router(node, m.group(1))
        elif re.match(r"(ip|ipv6) route ", low):
            if " vrf " in f" {low} " and ("mgmt" in low or "management" in low):
                self.say(node, I, "a management VRF route")
            else:
                self.say(node, W, "static routes are not modelled: routers exchange only connected subnets "
                                  "(and routes of the routing protocol)")
        elif low.startswith(("vrf context", "vrf instance", "vrf definition", "ip vrf ")):
            mgmt = "mgmt" in low or "management" in low
            self.subtree(node, I if mgmt else W, "the management VRF" if mgmt else "VRFs are not modelled: "
                         "every routed interface is taken to be in one routing table")
        elif low.startswith(("no spanning-tree vlan", "no spanning-tree vlan-id")):
            self.say(node, W, "spanning tree switched off per VLAN is not modelled")
        else:
            verdict = _global_verdict(low)
            self.subtree(node, *verdict)

    def children(self, node: Node, support: Support, message: str) -> None:
        for child in node.walk():
            self.say(child, support, message)

    # -- VLANs, spanning tree, QoS MTU ----------------------------------------------------------------------------
    def vlan_block(self, node: Node, spec: str) -> None:
        self.vlans = self.vlans | self.vlan_set(node, spec)
        self.say(node, S)
        for child in node.walk():
            c = child.text.lower()
            if c.startswith("name "):
                self.say(child, I, "VLAN names are not modelled")
            elif c.startswith("trunk group"):
                self.say(child, W, "EOS trunk groups are not modelled: the VLAN is taken as carried by every trunk "
                                   "that allows it")
            elif c.startswith("state suspend") or c == "shutdown":
                self.say(child, W, "a suspended VLAN is not modelled: it is taken as active")
            elif c.startswith(("state active", "no shutdown")):
                self.say(child, S)
            else:
                self.say(child, U)

    def vlan_set(self, node: Node, spec: str) -> VlanSet:
        """The VLAN list ``spec`` on ``node``; a malformed one is a located error."""
        try:
            return vlan_list(spec)
        except ValueError as exc:
            raise self.fail(node, str(exc), spec) from None

    def vlan_priority(self, node: Node, spec: str, prio: int) -> None:
        for v in self.vlan_set(node, spec):
            self.stp_per_vlan[v] = prio

    def global_stp(self, node: Node, args: list[str]) -> None:
        a = " ".join(args).lower()
        modes = {"pvst": "pvst", "rapid-pvst": "rpvst", "mst": "mst", "mstp": "mst", "rstp": "rstp",
                 "none": "none", "stp": "stp", "rapid-pvst+": "rpvst"}
        if len(args) == 2 and args[0] == "mode" and args[1].lower() in modes:
            self.stp_mode = modes[args[1].lower()]
            self.say(node, S)
        elif (m := re.fullmatch(r"vlan ([\d,\- ]+) priority (\d+)", a)) is not None:
            self.vlan_priority(node, m.group(1), self.number(node, m.group(2), 0, 61440, "bridge priority"))
            self.say(node, S)
        elif (m := re.fullmatch(r"vlan ([\d,\- ]+) root (primary|secondary)", a)) is not None:
            prio = 24576 if m.group(2) == "primary" else 28672
            self.vlan_priority(node, m.group(1), prio)
            self.say(node, P, f"root {m.group(2)} taken as priority {prio} (the switch computes it from its "
                              "neighbours' priorities)")
        elif (m := re.fullmatch(r"mst ([\d,\- ]+) priority (\d+)", a)) is not None:
            prio = self.number(node, m.group(2), 0, 61440, "bridge priority")
            try:
                instances = _int_list(m.group(1))
            except ValueError as exc:
                raise self.fail(node, str(exc), m.group(1)) from None
            if 0 in instances:
                self.stp_default = prio
            if instances == {0}:
                self.say(node, S)
            else:
                self.say(node, P if 0 in instances else W, "MST instances other than 0 are not modelled: every "
                         "VLAN follows the IST (instance 0)")
        elif (m := re.fullmatch(r"priority (\d+)", a)) is not None:
            self.stp_default = self.number(node, m.group(1), 0, 61440, "bridge priority")
            self.say(node, S)
        elif a in _EDGE_DEFAULTS:
            setattr(self, _EDGE_DEFAULTS[a], True)
            self.say(node, S)
        elif a == "mst configuration":
            self.say(node, P, "MST regions are not modelled: one spanning tree (the IST) for all VLANs")
            self.children(node, I, "MST instances other than 0 are not modelled")
        elif a.startswith(("extend system-id", "pathcost method short", "logging", "loopguard default",
                           "mst hello-time", "mst max-age", "mst forward-time", "hello-time", "forward-time",
                           "max-age", "vlan-id", "bpduguard rate-limit", "mst max-hops", "transmit")) or \
                re.fullmatch(r"vlan [\d,\- ]+ (hello-time|forward-time|max-age) \d+", a):
            self.say(node, I, "spanning-tree timers and logging do not change which ports forward")
        elif a.startswith(("pathcost method long",)):
            self.say(node, W, "long path costs are not modelled: topology-v1 uses short costs")
        elif a.startswith(("uplinkfast", "backbonefast", "etherchannel guard", "bridge assurance")):
            self.say(node, I, "convergence features: the converged tree is the same")
        else:
            self.say(node, U)

    def network_qos(self, node: Node, name: str) -> None:
        self.say(node, S)
        for cls in node.children:
            is_default = cls.text.endswith("class-default")
            self.say(cls, S if is_default else I)
            for line in cls.walk():
                m = re.fullmatch(r"mtu (\d+)", line.text)
                if m is not None and is_default:
                    self.nqos_mtu[name] = self.number(line, m.group(1), 576, 9216, "MTU")
                    self.say(line, S, "the layer-2 MTU of ports that set none (when system qos applies it)")
                elif m is not None:
                    self.say(line, W, "an MTU per QoS class is not modelled: frames are judged by the class-default MTU")
                else:
                    self.say(line, I, "QoS queueing does not change what is reachable")

    def system_qos(self, node: Node) -> None:
        self.say(node, S)
        for child in node.walk():
            m = re.fullmatch(r"service-policy type network-qos (\S+)", child.text)
            if m is not None:
                self.nqos_policy = (m.group(1), child.line)
                self.say(child, S)
            else:
                self.say(child, I, "QoS marking and queueing do not change what is reachable")

    # -- link-state tracking, MLAG, routing --------------------------------------------------------------------
    def lst_group(self, node: Node, key: str, number: int | None) -> None:
        if key not in self.lst:
            self.lst[key] = (number if number is not None else 0, [], [])
            self.lst_lines[key] = node.line
        self.say(node, S)

    def mlag_hint(self, node: Node) -> MlagHint:
        """The switch's one MLAG hint (a vPC domain or an EOS mlag block), with ``node`` among its lines."""
        hint = self.mlag or MlagHint()
        hint.lines.append(node.line)
        self.mlag = hint
        self.say(node, S)
        return hint

    def vpc_domain(self, node: Node, domain: str) -> None:
        hint = self.mlag_hint(node)
        hint.domain = self.number(node, domain, 1, 1000, "vPC domain")
        for child in node.walk():
            m = re.match(r"peer-keepalive destination (\S+)", child.text)
            if m is not None:
                hint.peer_address = m.group(1)
                self.say(child, S, "names the peer")
            elif child.text.startswith(("peer-gateway", "auto-recovery", "delay restore", "role priority",
                                        "system-priority", "peer-switch", "ip arp synchronize", "layer3 peer-router",
                                        "ipv6 nd synchronize")):
                self.say(child, I, "vPC timers and roles do not change the converged forwarding")
            else:
                self.say(child, U)

    def mlag_block(self, node: Node) -> None:
        hint = self.mlag_hint(node)
        for child in node.walk():
            words = child.text.split()
            if words[0] == "domain-id" and len(words) == 2:
                hint.domain = words[1]
                self.say(child, S)
            elif words[0] == "peer-address" and len(words) == 2:
                hint.peer_address = words[1]
                self.say(child, S, "names the peer")
            elif words[0] == "peer-link" and len(words) == 2:
                hint.peer_link = words[1]
                self.say(child, S)
            elif words[0] in ("local-interface", "reload-delay", "heartbeat-interval", "dual-primary",
                              "peer-address"):
                self.say(child, I, "MLAG timers and heartbeat do not change the converged forwarding")
            elif child.text == "shutdown":
                self.say(child, W, "a shut-down MLAG is taken as running")
            else:
                self.say(child, U)

    def router(self, node: Node, protocol: str) -> None:
        if self.routing is None:
            self.routing = {"protocol": protocol}
            self.say(node, P, "the protocol exchanges the routers' subnets; its areas, neighbours, policies and "
                              "costs are not modelled")
        else:
            self.say(node, W, f"a second routing protocol is not modelled (the design runs {self.routing['protocol']})")
        for child in node.walk():
            m = re.fullmatch(r"passive-interface (\S+)", child.text)
            if m is not None and m.group(1) != "default":
                self.passive.append((m.group(1), child.line))
                self.say(child, S)
            elif child.text == "passive-interface default":
                self.say(child, W, "passive-interface default is not modelled: only the named interfaces are passive")
            else:
                self.say(child, I, "routing protocol detail")

    # -- interfaces ---------------------------------------------------------------------------------------------
    def interface_block(self, node: Node) -> None:
        spec = node.text.split(None, 1)[1] if len(node.text.split()) > 1 else ""
        if not spec:
            raise self.fail(node, "an interface line names no interface")
        try:
            names = expand_interfaces(spec)
        except ValueError as exc:
            raise self.fail(node, str(exc), spec) from None
        kind = interface_kind(names[0])
        if kind in ("mgmt", "loopback", "sub", "other"):
            why = {"mgmt": (I, "management interfaces are out of band: not modelled"),
                   "loopback": (I, "loopback interfaces are not modelled"),
                   "sub": (W, "sub-interfaces are not modelled"),
                   "other": (W, f"{names[0]}: this kind of interface is not modelled")}[kind]
            self.subtree(node, *why)
            return
        ports = []
        for name in names:
            try:
                check_name(name, "interface name")
            except ValueError as exc:
                raise self.fail(node, f"{exc}: topology-v1 cannot name it", name) from None
            key = interface_key(name)
            if key not in self.ports:
                self.ports[key] = Port(name, interface_kind(name), node.line)
            ports.append(self.ports[key])
        self.say(node, S)
        self.interface_lines(node.children, ports)

    def interface_lines(self, nodes: list[Node], ports: list[Port]) -> None:
        for child in nodes:
            low = child.text.lower()
            if re.fullmatch(r"hsrp \d+.*", low) and self.platform == "nxos":
                self.fhrp_block(child, ports, "hsrp")
                continue
            if re.fullmatch(r"vrrp \d+", low) and self.platform == "nxos":
                self.fhrp_block(child, ports, "vrrp")
                continue
            if low.startswith("evpn ethernet-segment") or low.startswith("encapsulation vlan"):
                self.subtree(child, W, "EVPN and flexible encapsulation are not modelled")
                continue
            support, message = self.interface_line(child, ports)
            self.say(child, support, message)
            if support is S and re.match(r"(no )?switchport\b", low):
                for port in ports:
                    port.l2_lines.append(child.line)
            # deeper lines are interface lines too (mixed indentation, as in Batfish's test configs)
            self.interface_lines(child.children, ports)

    def interface_line(self, node: Node, ports: list[Port]) -> Verdict:
        t = node.text
        words = t.split()
        neg = words[0] == "no"
        body = words[1:] if neg else words
        b = " ".join(body).lower()

        def every(fn: Callable[[Port], None]) -> None:
            for port in ports:
                fn(port)

        if b == "switchport":
            every(lambda p: setattr(p, "switchport", not neg))
            return S, ""
        if b.startswith("switchport mode ") and not neg:
            mode = body[2].lower()
            if mode in ("access", "trunk"):
                every(lambda p: setattr(p, "mode", mode))
                if len(body) > 3 and " ".join(body[3:]).lower() == "phone":
                    return P, "a trunk for a phone: the phone VLAN is not modelled"
                return S, ""
            if mode in ("dynamic",):
                every(lambda p: setattr(p, "mode", "access"))
                return P, "DTP is not modelled: the port is taken as access (what dynamic auto/desirable gives " \
                          "facing a host)"
            every(lambda p: setattr(p, "mode", mode))
            return W, f"switchport mode {mode} is not modelled: the port is taken as access"
        if b.startswith("switchport access vlan") and len(body) == 4:
            vlan = self.number(node, body[3], 1, 4094, "VLAN")
            every(lambda p: setattr(p, "access_vlan", None if neg else vlan))
            return S, ""
        if b == "switchport access vlan" and neg:
            every(lambda p: setattr(p, "access_vlan", None))
            return S, ""
        if b.startswith("switchport trunk allowed vlan"):
            args = " ".join(body[4:])
            if neg:
                every(lambda p: setattr(p, "allowed", None))
            else:
                if not args:
                    raise self.fail(node, "switchport trunk allowed vlan names no VLANs (truncated?)")
                for port in ports:
                    try:
                        port.allowed = edit_allowed(port.allowed, args)
                    except ValueError as exc:
                        raise self.fail(node, str(exc), body[-1]) from None
            for port in ports:
                port.trunk_lines.append(node.line)
            return S, ""
        if b.startswith("switchport trunk native vlan"):
            if len(body) == 5 and body[4].lower() == "tag":
                return W, "a tagged native VLAN (EOS native vlan tag) is not modelled: the native VLAN is taken " \
                          "as untagged"
            if neg:
                every(lambda p: setattr(p, "native", None))
            else:
                if len(body) != 5:
                    raise self.fail(node, "switchport trunk native vlan needs one VLAN")
                vlan = self.number(node, body[4], 1, 4094, "VLAN")
                every(lambda p: setattr(p, "native", vlan))
            for port in ports:
                port.trunk_lines.append(node.line)
            return S, ""
        if b.startswith("switchport trunk encapsulation"):
            enc = body[3].lower() if len(body) > 3 else ""
            if enc == "dot1q":
                return S, ""
            if enc == "negotiate":
                return P, "encapsulation negotiation is not modelled: dot1q is assumed"
            return W, f"{enc or 'this'} encapsulation is not modelled: dot1q is assumed"
        if b.startswith("switchport trunk group"):
            return W, "EOS trunk groups are not modelled: the trunk is taken to carry every allowed VLAN"
        if b.startswith(("switchport port-security", "switchport backup", "switchport vlan translation",
                         "switchport pvlan", "switchport trunk private-vlan", "switchport private-vlan",
                         "switchport dot1q", "switchport vlan forwarding", "switchport source-interface",
                         "switchport phone", "switchport voice", "switchport block", "switchport nonegotiate",
                         "switchport monitor", "switchport trunk pruning", "switchport protected")):
            if b.startswith(("switchport nonegotiate", "switchport block", "switchport trunk pruning")):
                return I, "DTP and flooding controls do not change what is reachable"
            return W, f"{' '.join(body[:2])}: not modelled, the port may forward differently"
        if b.startswith("channel-group"):
            if neg:
                every(lambda p: setattr(p, "channel_group", None))
                return S, ""
            if len(body) < 2:
                raise self.fail(node, "channel-group names no group (truncated?)")
            group = self.number(node, body[1], 1, 4096, "channel group")
            rest = [w.lower() for w in body[2:]]
            force = "force" in rest
            rest = [w for w in rest if w != "force"]
            mode = "on"
            if rest[:1] == ["mode"] and len(rest) == 2 and rest[1] in ("on", "active", "passive", "desirable", "auto"):
                mode = rest[1]
            elif rest:
                raise self.fail(node, f"cannot read channel-group mode {' '.join(rest)!r}", rest[-1])

            def member(p: Port) -> None:
                p.channel_group, p.channel_mode, p.channel_force = group, mode, force
            every(member)
            return S, ""
        if b.startswith("channel-protocol") or b.startswith("lacp port-priority") or b.startswith("lacp rate") \
                or b.startswith("lacp timer") or b.startswith("lacp min-links") or b.startswith("lacp system-id") \
                or b.startswith("port-channel min-links") or b.startswith("lacp max-bundle"):
            return I, "LACP timers, priorities and minimum links are not modelled"
        if b.startswith("port-channel lacp fallback"):
            return W, "LACP fallback is not modelled: a member without a partner follows the platform's rule"
        if b == "shutdown":
            every(lambda p: setattr(p, "shutdown", not neg))
            return S, ""
        if b.startswith("description"):
            text = t.split(None, 1)[1] if not neg and len(words) > 1 else None
            every(lambda p: setattr(p, "description", text))
            return S, ""
        if b.startswith("mtu") and len(body) == 2:
            mtu = self.number(node, body[1], 68, 9216, "MTU")
            every(lambda p: setattr(p, "mtu", None if neg else mtu))
            return S, ""
        if b.startswith("l2 mtu") and len(body) == 3:
            mtu = self.number(node, body[2], 68, 9216, "MTU")
            every(lambda p: setattr(p, "l2_mtu", None if neg else mtu))
            return S, "the layer-2 MTU"
        if b.startswith("l2 mru"):
            return I, "the receive limit follows the MTU"
        if b.startswith("speed") and len(body) >= 2:
            return self.speed(node, body[1:], ports)
        if b.startswith(("bandwidth", "load-interval", "delay ")):
            return I, "bandwidth and delay tune routing metrics and counters; speed is the link's"
        if b.startswith("ip address"):
            return self.ip_address(node, body[2:], ports, neg)
        if b.startswith("ip virtual-router address") and len(body) == 4:
            for port in ports:
                port.fhrp.append(Fhrp("anycast", 0, node.line, vip=body[3].split("/")[0]))
            return S, ""
        if re.fullmatch(r"(hsrp|vrrp) version \d+", b):
            return I, "the FHRP protocol version does not change the election"
        if re.match(r"(standby|vrrp|glbp)\b", b):
            return self.fhrp_line(node, body, ports, neg)
        if b.startswith("spanning-tree"):
            return self.port_stp(node, body[1:], ports, neg)
        if b.startswith("link state group") and len(body) == 5:
            return self.lst_member(node, body[3], body[4].lower(), ports)
        if b.startswith("link tracking group") and len(body) == 5:
            return self.lst_member(node, body[3], body[4].lower(), ports)
        if b == "vpc peer-link":
            every(lambda p: setattr(p, "peer_link", node.line))
            return S, ""
        if (b.startswith("vpc ") or b.startswith("mlag ")) and len(body) == 2 and body[1].isdigit():
            mid = self.number(node, body[1], 1, 4096, "MLAG id")
            every(lambda p: setattr(p, "mlag_id", (mid, node.line)))
            return S, ""
        if b.startswith(("vrf member", "vrf forwarding", "ip vrf forwarding", "vrf ")):
            mgmt = "mgmt" in b or "management" in b
            return (I, "the management VRF") if mgmt else (W, "VRFs are not modelled")
        if b.startswith(("ip access-group", "ipv6 access-group", "mac access-group", "ip port access-group",
                         "ipv6 traffic-filter", "service-policy type pbr", "ip policy")):
            return W, "traffic filters are not modelled: reachability ignores them"
        if b.startswith(("dot1x", "authentication ", "mab", "ip verify", "ip dhcp snooping", "ip arp inspection",
                         "ip nat")):
            return W, f"{body[0]}: port authentication, source guard and NAT are not modelled"
        if b.startswith("fabric forwarding mode anycast-gateway"):
            return W, "NX-OS anycast gateway is not modelled: the SVI's own address is taken as the gateway"
        if b.startswith(("storm-control", "priority-flow-control", "flowcontrol", "service-policy", "qos ",
                         "mls qos", "shape ", "trust", "logging", "snmp", "lldp", "cdp", "load-interval",
                         "no negotiate", "negotiate", "errdisable", "udld", "ptp", "sflow", "transceiver",
                         "error-correction", "poe", "power inline", "hardware", "carrier-delay", "media-type",
                         "duplex", "fec", "link debounce", "medium", "beacon", "comment", "tcp mss", "poe ",
                         "service-profile", "vmtracer", "no autostate", "autostate", "counter", "ipv6",
                         "ip redirects", "ip unreachables", "ip proxy-arp", "ip mtu", "ip ospf", "ip pim", "pim ",
                         "ip igmp", "multicast", "isis", "ip router", "bfd", "mpls", "ip helper-address",
                         "ip dhcp relay", "dhcp ", "l2-protocol", "ip local-proxy-arp", "ip directed-broadcast",
                         "switchport autostate", "management", "bgp session", "rate-limit", "macsec",
                         "keepalive", "arp timeout", "spanning-tree link-type", "description", "inherit",
                         "no ip address", "ip flow", "ip route-cache", "encapsulation dot1q", "vlan id",
                         "fex associate", "beacon", "lacp", "mac-address", "ip arp")):
            if b.startswith("mac-address") and not neg:
                return I, "a configured MAC is not modelled: a synthetic one is used"
            if b.startswith("arp timeout") and not neg:
                return P, "kept by the switch; topology-v1 carries the ARP timeout only on SVIs"
            return I, f"{' '.join(body[:2])}: does not change what is reachable"
        return U, ""

    def speed(self, node: Node, args: list[str], ports: list[Port]) -> Verdict:
        a = " ".join(args).lower()
        if a in ("auto", "auto negotiation", "nonegotiate") or a.startswith("auto "):
            return I, "auto-negotiation: the cable's speed applies"
        m = re.fullmatch(r"(?:forced )?(\d+)(g|m)?(?:full|half)?", a)
        if m is None:
            return P, "speed not read: the cable's speed applies"
        value = int(m.group(1)) * (1000 if m.group(2) == "g" else 1)
        if not 0 < value <= 800_000:
            raise self.fail(node, f"speed {a!r} is out of range", args[-1])
        for port in ports:
            port.speed = value
        return S, ""

    def ip_address(self, node: Node, args: list[str], ports: list[Port], neg: bool) -> Verdict:
        if neg:
            for port in ports:
                port.ip = None
            return S, ""
        if not args:
            raise self.fail(node, "ip address names no address (truncated?)")
        if args[0].lower() == "dhcp":
            return W, "an address learnt by DHCP is not modelled"
        if args[0].lower() == "virtual" and len(args) == 2:
            for port in ports:
                port.fhrp.append(Fhrp("anycast", 0, node.line, vip=args[1]))
            return S, ""
        secondary = args[-1].lower() == "secondary"
        if secondary:
            args = args[:-1]
        text = args[0] if len(args) == 1 else f"{args[0]}/{args[1]}" if len(args) == 2 else None
        if text is None:
            raise self.fail(node, "cannot read the address", args[-1])
        try:
            iface = ipaddress.IPv4Interface(text)
        except ValueError:
            raise self.fail(node, f"invalid IPv4 address {text!r}", args[0]) from None
        if secondary:
            return P, "secondary addresses are not modelled"
        for port in ports:
            port.ip = f"{iface.ip}/{iface.network.prefixlen}"
            port.ip_line = node.line
        return S, ""

    def fhrp_line(self, node: Node, body: list[str], ports: list[Port], neg: bool) -> Verdict:
        proto_word = body[0].lower()
        proto = {"standby": "hsrp", "vrrp": "vrrp", "glbp": "glbp"}[proto_word]
        rest = body[1:]
        group = 0
        if rest and rest[0].isdigit():
            group = self.number(node, rest[0], 0, 4095, f"{proto.upper()} group")
            rest = rest[1:]
        if not rest:
            return (S, "") if proto == "vrrp" else (I, "")
        what = rest[0].lower()
        if what == "version" or what in ("timers", "authentication", "name", "description", "advertisement",
                                         "mac-address", "use-bia", "follow", "delay", "load-balancing",
                                         "weighting", "forwarder", "redirect", "ipv6", "session", "bfd",
                                         "timers-advertise"):
            if what == "ipv6":
                return I, "IPv6 is not modelled"
            return I, "FHRP timers and authentication do not change the converged answer"
        if what == "track" or what == "tracked-object":
            return W, "object tracking is not modelled: priorities stay as configured"
        if what == "shutdown":
            return (W, "a shut-down FHRP group is taken as running") if not neg else (S, "")
        for port in ports:
            f = next((x for x in port.fhrp if x.protocol == proto and x.group == group), None)
            if f is None:
                f = Fhrp(proto, group, node.line)
                port.fhrp.append(f)
            if what in ("ip", "ipv4") and len(rest) >= 2:
                if len(rest) > 2 and rest[2].lower() == "secondary":
                    return P, "secondary virtual addresses are not modelled"
                f.vip = rest[1]
            elif what in ("priority", "priority-level") and len(rest) >= 2:
                f.priority = self.number(node, rest[1], 0, 255, "priority")
            elif what == "preempt":
                f.preempt = not neg
            elif what == "ip" and len(rest) == 1:
                return W, "a virtual address learnt from the active router is not modelled"
            else:
                return U, ""
        return S, ""

    def fhrp_block(self, node: Node, ports: list[Port], proto: str) -> None:
        group = self.number(node, node.text.split()[1], 0, 4095, f"{proto.upper()} group")
        fs = []
        for port in ports:
            f = Fhrp(proto, group, node.line)
            port.fhrp.append(f)
            fs.append(f)
        self.say(node, S)
        for child in node.walk():
            words = child.text.split()
            if words[0] in ("ip", "address") and len(words) >= 2:
                if len(words) > 2 and words[2] == "secondary":
                    self.say(child, P, "secondary virtual addresses are not modelled")
                    continue
                for f in fs:
                    f.vip = words[1].split("/")[0]
                self.say(child, S)
            elif words[0] == "priority" and len(words) >= 2:
                prio = self.number(child, words[1], 0, 255, "priority")
                for f in fs:
                    f.priority = prio
                self.say(child, S if len(words) == 2 else P,
                         "" if len(words) == 2 else "the forwarding threshold is not modelled")
            elif words[0] == "preempt":
                for f in fs:
                    f.preempt = True
                self.say(child, S)
            elif child.text in ("no shutdown",):
                self.say(child, S)
            elif words[0] == "track":
                self.say(child, W, "object tracking is not modelled: priorities stay as configured")
            else:
                self.say(child, I, "FHRP timers and authentication do not change the converged answer")

    def port_stp(self, node: Node, args: list[str], ports: list[Port], neg: bool) -> Verdict:
        a = " ".join(args).lower()
        edge: str | None = None
        if a in ("portfast", "portfast edge") or (a == "port type edge"):
            edge = "any" if self.platform == "eos" else "access"
        elif a in ("portfast trunk", "portfast edge trunk", "port type edge trunk"):
            edge = "any"
        elif a in ("portfast disable", "port type normal", "port type network", "portfast network",
                   "portfast normal"):
            edge = "off"
        if edge is not None:
            for port in ports:
                port.edge = "off" if neg else edge
            if a in ("port type network", "portfast network"):
                return P, "bridge assurance is not modelled; the port is not an edge port"
            return S, ""
        if a in _BPDU_SETTINGS:
            attr, on = _BPDU_SETTINGS[a]
            for port in ports:
                setattr(port, attr, (not neg) and on)
            return S, ""
        if (m := re.fullmatch(r"cost (\d+)", a)) is not None:
            cost = self.number(node, m.group(1), 1, 200_000_000, "path cost")
            for port in ports:
                port.cost = None if neg else cost
            return S, ""
        if a in ("guard none",) or a.startswith("link-type"):
            return I, ""
        if a.startswith("guard root"):
            return W, "root guard is not modelled: the port is never blocked as root-inconsistent"
        if a.startswith("guard loop"):
            return I, "loop guard acts only when BPDUs stop on a blocked port"
        if a.startswith(("port-priority", "vlan ", "mst ")):
            return W, "per-port and per-VLAN port priorities and costs are not modelled (ties break by interface name)"
        return U, ""

    def lst_member(self, node: Node, group: str, role: str, ports: list[Port]) -> Verdict:
        if role not in ("upstream", "downstream"):
            raise self.fail(node, f"link-state role {role!r}: expected upstream or downstream", role)
        if group not in self.lst:
            if self.platform == "ios":
                return W, f"link state group {group} is not declared by 'link state track {group}': IOS ignores it"
            self.lst[group] = (0, [], [])
            self.lst_lines[group] = node.line
        _, up, down = self.lst[group]
        for port in ports:
            (up if role == "upstream" else down).append(port.name)
        return S, ""

    # -- the switch as topology-v1 data -----------------------------------------------------------------------
    def l2_default_mtu(self) -> int | None:
        if self.platform == "ios":
            return self.system_mtu
        if self.platform == "nxos" and self.nqos_policy is not None:
            return self.nqos_mtu.get(self.nqos_policy[0])
        if self.platform == "eos":
            return EOS_L2_MTU
        return None

    def is_switchport(self, port: Port) -> bool:
        if port.kind == "svi":
            return False
        if port.switchport is not None:
            return port.switchport
        return self.default_switchport if port.kind == "physical" else True

    def finish(self) -> tuple[dict[str, Any], dict[str, tuple[bool, int | None]]]:
        self.inherit()
        interfaces: dict[str, Any] = {}
        mlag_ports: dict[str, tuple[bool, int | None]] = {}
        for port in self.ports.values():
            interfaces[port.name] = self.emit(port)
            if port.peer_link or port.mlag_id is not None:
                mlag_ports[port.name] = (bool(port.peer_link), port.mlag_id[0] if port.mlag_id else None)
        data: dict[str, Any] = {"platform": self.platform}
        if self.mac_aging is not None:
            data["mac_aging_s"] = self.mac_aging
        stp: dict[str, Any] = {}
        if self.stp_mode is not None:
            stp["mode"] = self.stp_mode
        if self.stp_per_vlan:
            prio: dict[Any, int] = {v: p for v, p in sorted(self.stp_per_vlan.items())}
            prio["default"] = self.stp_default if self.stp_default is not None else 32768
            stp["priority"] = prio
        elif self.stp_default is not None:
            stp["priority"] = self.stp_default
        if stp:
            data["stp"] = stp
        data["vlans"] = str(self.vlans)
        data["interfaces"] = interfaces
        groups = self.lst_groups()
        if groups:
            data["link_state_tracking"] = groups
        if self.routing is not None:
            routing = dict(self.routing)
            passive = []
            for name, line in self.passive:
                port = self.ports.get(interface_key(name))
                if port is None:
                    self.say(line, W, f"{name} is not an interface the design holds")
                else:
                    passive.append(port.name)
            if passive:
                routing["passive_interfaces"] = passive
            data["routing"] = routing
        return data, mlag_ports

    def inherit(self) -> None:
        """Members and their port-channels: EOS members take the Port-Channel's layer-2 settings; NX-OS
        ``force`` copies; a port-channel named only by its members is declared from the first member."""
        groups: dict[int, list[Port]] = {}
        for port in self.ports.values():
            if port.kind == "physical" and port.channel_group is not None:
                groups.setdefault(port.channel_group, []).append(port)
        for number, members in sorted(groups.items()):
            po = next((p for p in self.ports.values() if p.kind == "po" and po_number(p.name) == number), None)
            if po is None:
                first = members[0]
                po = Port(_PO_SPELLING[self.platform].format(number), "po", first.line)
                _copy_l2(first, po)
                self.ports[interface_key(po.name)] = po
                for other in members[1:]:
                    if other.channel_force:
                        _copy_l2(first, other)
            elif self.platform == "eos" or any(m.channel_force for m in members):
                for member in members:
                    if self.platform == "eos" or member.channel_force:
                        _copy_l2(po, member)
                        why = (f"EOS ignores a member's own switchport settings: {member.name} takes {po.name}'s"
                               if self.platform == "eos" else
                               f"channel-group force: {member.name} takes {po.name}'s settings")
                        for line in member.l2_lines:
                            self.say(line, I, why)

    def emit(self, port: Port) -> dict[str, Any]:
        out: dict[str, Any] = {}
        l2 = self.is_switchport(port)
        if port.kind == "svi":
            pass
        elif not l2:
            out["mode"] = "routed"
        else:
            mode = port.mode if port.mode in ("access", "trunk") else "access"
            out["mode"] = mode
            if mode == "access":
                if port.access_vlan is not None:
                    out["vlan"] = port.access_vlan
                for line in port.trunk_lines:
                    if self.states.get(line, (S, ""))[0] is S:
                        self.say(line, I, "the port is not a trunk: the switch keeps the list, unused")
            else:
                if port.allowed is not None:
                    out["allowed_vlans"] = str(port.allowed)
                if port.native is not None:
                    out["native_vlan"] = port.native
        if port.kind == "physical" and port.channel_group is not None:
            out["channel_group"] = port.channel_group
            out["channel_mode"] = port.channel_mode
        stp = self.emit_stp(port, out.get("mode"))
        if stp:
            out["stp"] = stp
        mtu = port.mtu
        if l2 and port.kind != "svi":
            if self.platform == "eos":
                mtu = port.l2_mtu or EOS_L2_MTU
            elif mtu is None:
                mtu = self.l2_default_mtu()
        if mtu is not None and mtu != 1500:
            out["mtu"] = mtu
        if port.speed is not None and port.kind == "physical":
            out["speed"] = port.speed
        shutdown = port.shutdown
        if shutdown is None and l2 and port.kind == "physical" and self.platform == "nxos":
            shutdown = self.default_l2_shutdown
        if shutdown is None and port.kind == "svi" and self.platform == "nxos":
            shutdown = True  # NX-OS creates an SVI shut down
        if shutdown:
            out["shutdown"] = True
        if port.description:
            out["description"] = port.description
        if port.ip is not None:
            if port.kind == "svi" or not l2:
                out["ip"] = port.ip
            else:
                self.say(port.ip_line, W, "an address on a layer-2 port is not used by the switch")
        self.emit_fhrp(port, out)
        return out

    def emit_stp(self, port: Port, mode: str | None) -> dict[str, Any]:
        if port.kind == "svi" or mode == "routed":
            return {}
        edge_cmd = port.edge
        if edge_cmd is None and self.edge_default:
            edge_cmd = "access"
        edge = edge_cmd == "any" or (edge_cmd == "access" and mode != "trunk")
        guard = port.bpdu_guard if port.bpdu_guard is not None else (self.guard_default and edge)
        filt = port.bpdu_filter if port.bpdu_filter is not None else (self.filter_default and edge)
        out: dict[str, Any] = {}
        if edge:
            out["edge"] = True
        if guard:
            out["bpdu_guard"] = True
        if filt:
            out["bpdu_filter"] = True
        if port.cost is not None:
            out["cost"] = port.cost
        return out

    def emit_fhrp(self, port: Port, out: dict[str, Any]) -> None:
        groups = [f for f in port.fhrp if f.vip is not None]
        for f in port.fhrp:
            if f.vip is None:
                self.say(f.line, W, f"{f.protocol.upper()} group {f.group} has no virtual address: not modelled")
        if not groups:
            return
        if port.kind != "svi":
            for f in groups:
                self.say(f.line, W, "FHRP on a routed port is not modelled: topology-v1 puts FHRP on SVIs")
            return
        first, *rest = groups
        for f in rest:
            self.say(f.line, W, f"only one FHRP group per SVI is modelled: {first.protocol.upper()} group "
                                f"{first.group} is carried")
        fhrp: dict[str, Any] = {"protocol": first.protocol, "group": first.group, "vip": first.vip}
        if first.priority is not None:
            fhrp["priority"] = first.priority
        if first.preempt is not None:
            fhrp["preempt"] = first.preempt
        if first.protocol == "anycast":
            fhrp = {"protocol": "anycast", "vip": first.vip}
        if "ip" not in out and not (first.protocol == "anycast" and "/" in str(first.vip)):
            self.say(first.line, W, "an FHRP group on an SVI without an address is not modelled")
            return
        out["fhrp"] = fhrp

    def lst_groups(self) -> list[dict[str, Any]]:
        out = []
        n = 0
        used = {number for number, _, _ in self.lst.values()}
        for key, (number, up, down) in self.lst.items():
            line = self.lst_lines[key]
            if not up and not down:
                self.say(line, P, f"group {key} has no member interfaces: not in the design")
                continue
            if number == 0:
                n += 1
                while n in used:
                    n += 1
                if n > 10:
                    self.say(line, W, f"group {key}: topology-v1 numbers groups 1-10; no number is left")
                    continue
                number = n
                self.say(line, P, f"EOS group {key} is group {number} in the design (topology-v1 numbers groups)")
            out.append({"group": number, "upstream": up, "downstream": down})
        return out


def _int_list(text: str) -> set[int]:
    """``0-1,3``: the MST instances (0-4094) a line names."""
    out: set[int] = set()
    for part in text.replace(" ", "").split(","):
        lo, _, hi = part.partition("-")
        if not lo.isdigit() or (hi and not hi.isdigit()):
            raise ValueError(f"cannot read instance list {text!r}")
        a, b = int(lo), int(hi or lo)
        if b < a or b > 4094:
            raise ValueError(f"instance range {part!r} is out of order or out of range")
        out.update(range(a, b + 1))
    return out


def _copy_l2(src: Port, dst: Port) -> None:
    for attr in ("switchport", "mode", "access_vlan", "allowed", "native", "edge", "bpdu_guard", "bpdu_filter",
                 "l2_mtu"):
        setattr(dst, attr, getattr(src, attr))
    if src.mtu is not None:
        dst.mtu = src.mtu


# statements known at the top level and what they are: (pattern, support, message)
_GLOBAL: list[tuple[re.Pattern[str], Support, str]] = [
    (re.compile(p), s, m) for p, s, m in [
        (r"^(no )?(aaa|username|enable|tacacs|radius|ip tacacs|ip radius|snmp-server|ntp|logging|clock|line|"
         r"banner|boot|version|service|no service|feature|no feature|cli alias|xml server|no xml server|"
         r"switching-mode|errdisable|transceiver|hardware|ip domain|ip name-server|ip host|no ip domain|"
         r"ip ssh|ip http|crypto|archive|password|no password|end$|ip access-list|ipv6 access-list|mac access-list|"
         r"access-list|class-map|policy-map|control-plane|copp|rmon|ip sla|track|monitor|management|"
         r"ip source|ip load-sharing|port-channel load-balance|load-balance|lldp|cdp|dot1x|ptp|mpls|"
         r"ip igmp|ip multicast|ipv6 unicast-routing|ip routing|no ip routing|ipv6 routing|ip icmp|ip ftp|"
         r"ip tftp|ip scp|ip dhcp|no ip dhcp|service dhcp|vtp|system|no system|license|interface breakout|"
         r"ip prefix-list|ipv6 prefix-list|route-map|ip community-list|ip as-path|router-id|queue-monitor|"
         r"platform|terminal|prompt|alias|event|schedule|email|callhome|username|role|vdc|install|"
         r"fex|slot|power|ip cef|ipv6 cef|memory|process|scheduler|sflow|dns|daemon|tap|tcam|"
         r"vlan internal|vlan configuration|macro|device-tracking|diagnostic|redundancy|spanning-tree|"
         r"vmtracer|ip virtual-router mac-address|ip arp|arp|ipv6 nd|evpn|vxlan|nv overlay|qos|"
         r"mac address-table notification|mac address-table static|ip igmp snooping|ip nat|"
         r"ip route|udld|errdisable|key chain|object-group|ip pim|ip msdp|bfd|aaa)\b",
         I, "management, security and services: not part of what vinfra answers"),
    ]
]


_CAPTURE = re.compile(r"^(\S+[#>]\s*(sh|show)\s+run|building configuration|current configuration\s*:)")


def _global_verdict(low: str) -> Verdict:
    if _CAPTURE.match(low):
        return I, "the capture's command line and header"
    if low.startswith(("mac address-table static", "ip nat", "route-map", "ip prefix-list")):
        return W, "not modelled: forwarding or routing may differ"
    for pattern, support, message in _GLOBAL:
        if pattern.match(low):
            return support, message
    return U, ""


# -- reading files ------------------------------------------------------------------------------------------------

_HEADERS = {"ios": re.compile(r"^(Building configuration|Current configuration)"),
            "eos": re.compile(r"^! Command: show running-config")}


def parse_switch_config(text: str, source: str, platform: str | None = None) -> ParsedSwitch:
    """Read one running-config; raise :class:`ImportSourceError` for a file that is no config or is cut off."""
    if platform is None:
        platform, _evidence = detect_platform(text)
    elif platform not in PLATFORMS:
        raise ImportSourceError.at(source, f"unknown platform {platform!r}: expected ios, nxos or eos")
    cfg = config_text.parse(text, source, platform)
    _check_whole(cfg, platform)
    reader = _Reader(cfg, platform)
    reader.read()
    data, mlag_ports = reader.finish()
    name = reader.hostname or _name_from(source)
    report = [ReportLine(source, no, t, I, why) for no, t, why in cfg.skipped]
    for no, (support, message) in sorted(reader.states.items()):
        report.append(ReportLine(source, no, cfg.raw_lines[no - 1].strip(), support, message))
    addresses = {p.ip.split("/")[0] for p in reader.ports.values() if p.ip}
    addresses |= _all_addresses(cfg)
    if reader.mlag is not None and reader.mlag.peer_link:
        po = reader.ports.get(interface_key(reader.mlag.peer_link))
        if po is not None:
            mlag_ports[po.name] = (True, mlag_ports.get(po.name, (False, None))[1])
    return ParsedSwitch(name, platform, source, {**data}, sorted(report, key=lambda r: r.line or 0),
                        reader.mlag, addresses, mlag_ports)


def _check_whole(cfg: ConfigText, platform: str) -> None:
    """A file that is no switch config, or one cut off before its end, is refused (a located error)."""
    tops = [n.text.split()[0].lower() for n in cfg.roots]
    if not any(w in ("hostname", "interface", "vlan") for w in tops):
        first = next((i for i, line in enumerate(cfg.raw_lines, 1) if line.strip()), 1)
        raise ImportSourceError.at(cfg.source, "not a switch running-config: no hostname, interface or vlan "
                                               "statement", first, 1)
    header = _HEADERS.get(platform)
    lines = [line.strip() for line in cfg.raw_lines if line.strip()]
    if header is not None and lines and any(header.match(line) for line in lines[:5]) and lines[-1] != "end":
        raise ImportSourceError.at(cfg.source, "the config ends before its final 'end' line (truncated?)",
                                   len(cfg.raw_lines), 1)


def _all_addresses(cfg: ConfigText) -> set[str]:
    out = set()
    for node in cfg.roots:
        if node.text.startswith("interface "):
            for child in node.walk():
                m = re.match(r"ip address (\d+\.\d+\.\d+\.\d+)", child.text)
                if m is not None:
                    out.add(m.group(1))
    return out


def _name_from(source: str) -> str:
    stem = Path(source).stem
    return re.sub(r"[^A-Za-z0-9_./-]+", "-", stem).strip("-").replace("--", "-") or "switch"


def read_switch_configs(paths: Sequence[Path | str], platform: str | None = None) -> Imported:
    """Read running-configs into one ``switches`` fragment, pairing MLAG/vPC peers among them."""
    parsed: list[ParsedSwitch] = []
    for path in paths:
        parsed.append(parse_switch_config(config_text.read_source(path), str(path), platform))
    return combine(parsed)


def read_switch_files(paths: Sequence[Path | str], platform: str | None = None) -> list[Imported]:
    """Running-configs and port-channel summary tables, told apart by content: the configs as one fragment
    (MLAG peers paired), then one fragment per summary, to be merged after them (a summary that disagrees
    with its switch's config is a conflict, the config's value kept)."""
    from .channel_summary import is_channel_summary, parse_channel_summary

    configs: list[ParsedSwitch] = []
    summaries: list[Imported] = []
    for path in paths:
        source = str(path)
        text = config_text.read_source(path)
        if is_channel_summary(text):
            summaries.append(parse_channel_summary(text, source))
        else:
            configs.append(parse_switch_config(text, source, platform))
    return ([combine(configs)] if configs else []) + summaries


def read_switch_config(path: Path | str, platform: str | None = None) -> Imported:
    """One running-config (its MLAG peer, if any, is not in the fragment: read the pair together)."""
    return read_switch_configs([path], platform)


def combine(parsed: Sequence[ParsedSwitch]) -> Imported:
    """The switches of several configs; MLAG peers paired by the address each names; a name given twice
    is a located error (two configs of one switch are not merged silently)."""
    switches: dict[str, Any] = {}
    report: list[ReportLine] = []
    seen: dict[str, str] = {}
    for sw in parsed:
        if sw.name in seen:
            raise ImportSourceError.at(sw.source, f"switch {sw.name!r} is also configured by {seen[sw.name]}: "
                                                  "give each switch's config once")
        seen[sw.name] = sw.source
    by_address = {addr: sw for sw in parsed for addr in sw.addresses}
    for sw in parsed:
        data = dict(sw.data)
        interfaces = {k: dict(v) for k, v in data["interfaces"].items()}
        peer = None
        if sw.mlag is not None and sw.mlag.peer_address is not None:
            peer = by_address.get(sw.mlag.peer_address)
            if peer is not None and (peer is sw or peer.mlag is None):
                peer = None
        if peer is not None:
            data["mlag"] = {"peer": peer.name, "domain": sw.mlag.domain if sw.mlag.domain is not None else 1}
            for name, (peer_link, mlag_id) in sw.mlag_ports.items():
                if peer_link:
                    interfaces[name]["peer_link"] = True
                if mlag_id is not None:
                    interfaces[name]["mlag_id"] = mlag_id
        elif sw.mlag is not None or sw.mlag_ports:
            lines = list(sw.mlag.lines if sw.mlag else [])
            why = (f"the MLAG peer ({sw.mlag.peer_address if sw.mlag and sw.mlag.peer_address else 'unnamed'}) is "
                   "not among the configs read: the pair, its peer link and MLAG ids are not in the design")
            sw.report[:] = [ReportLine(r.source, r.line, r.text, P, why)
                            if r.line in lines or _is_mlag_port_line(r.text) else r for r in sw.report]
        data["interfaces"] = interfaces
        switches[sw.name] = data
        report.extend(sw.report)
    return Imported({"switches": switches}, tuple(report), (), tuple(sw.source for sw in parsed))


def _is_mlag_port_line(text: str) -> bool:
    return bool(re.fullmatch(r"(vpc peer-link|vpc \d+|mlag \d+)", text.strip()))


__all__ = ["EOS_L2_MTU", "NXOS_DEFAULT_SWITCHPORT", "ParsedSwitch", "combine", "detect_platform", "edit_allowed",
           "expand_interfaces", "interface_kind", "parse_switch_config", "read_switch_config",
           "read_switch_configs", "read_switch_files", "vlan_list"]
