"""``patterns``: the seed deck's comparison of physical patterns and teaming policies, computed.

For each physical pattern and each teaming policy a small design is built (:func:`plant`): two hosts with
two uplinks, four VMs each in VLAN 10, a distribution switch ``dist`` routing VLAN 10 (the VMs' gateway).
The access layer is the pattern:

- ``independent``: two access switches ``sw-a``, ``sw-b``, each with one uplink to ``dist`` (redundant
  uplinks without link-state tracking);
- ``independent-lst``: the same with link-state tracking on both (T15);
- ``stack``: a two-member stack, one uplink from each member;
- ``mlag``: an MLAG (vPC) pair with a peer link, one uplink from each leaf.  Spanning tree sees two bridges
  joined by the peer link (topology-v1 "MLAG pairs"; :attr:`Settings.mlag_stp`), so it blocks the peer link
  and a leaf that loses its uplink reaches ``dist`` through it: like a stack (vswitch-behaviour P3).

The policy is the vSwitch's teaming: ``port_id``, ``mac_hash``, ``ip_hash`` (with a static channel over
both host ports where the pattern allows one: a stack or an MLAG pair; two independent switches cannot
hold one, M4) and ``explicit`` failover (active vmnic0, standby vmnic1).  Nothing in the table is typed in:

- **usable**: no error finding from the checker (else the rules that fail);
- **survives**: no single failure of an access switch, an access uplink or a host pNIC loses a pair (the
  sweep; ``dist`` is the one switch of the plant and is left out);
- **needs upstream detection**: some single failure black-holes VMs because link status cannot see a lost
  upstream (the sweep's black-hole reasons);
- **spread**: the mean over the busy VMs' teams of the outbound max / mean load (``load``) when the first VM
  of each host sends 1 Mb/s to every other VM: port ID and MAC hash put one VM on one uplink whatever it
  talks to, IP hash spreads its conversations (T1-T4).
"""

from __future__ import annotations

from typing import Any

import vinfra

from ..checks import run_checks
from ..network import Snapshot
from .failures import sweep
from .load import load

PATTERNS = ("independent", "independent-lst", "stack", "mlag")
POLICIES = ("port_id", "mac_hash", "ip_hash", "explicit")
HOSTS = ("h1", "h2")


def _trunk(**extra: Any) -> dict[str, Any]:
    return {"mode": "trunk", "allowed_vlans": "10", **extra}


def plant(pattern: str, policy: str) -> dict[str, Any]:
    """The design of one cell of the table, as plain data (topology-v1)."""
    if pattern not in PATTERNS or policy not in POLICIES:
        raise ValueError(f"unknown pattern or policy: {pattern}, {policy}")
    channel = policy == "ip_hash" and pattern in ("stack", "mlag")
    dist = {"vlans": [10], "stp": {"priority": 4096},
            "interfaces": {"Gi0/1": _trunk(), "Gi0/2": _trunk(), "Vlan10": {"ip": "10.0.10.1/24"}}}
    switches: dict[str, Any] = {"dist": dist}
    links: list[list[str]] = []
    if pattern.startswith("independent"):
        for k, name in enumerate(("sw-a", "sw-b")):
            ifaces = {"Gi0/48": _trunk(), **{f"Gi0/{i + 1}": _trunk(stp={"edge": True}) for i in range(len(HOSTS))}}
            sw: dict[str, Any] = {"vlans": [10], "interfaces": ifaces}
            if pattern == "independent-lst":
                sw["link_state_tracking"] = [{"group": 1, "upstream": ["Gi0/48"],
                                              "downstream": [f"Gi0/{i + 1}" for i in range(len(HOSTS))]}]
            switches[name] = sw
            links.append([f"{name}:Gi0/48", f"dist:Gi0/{k + 1}"])
        ports = [("sw-a", "Gi0/{}"), ("sw-b", "Gi0/{}")]
    elif pattern == "stack":
        for m in (1, 2):
            ifaces = {f"Gi{m}/0/48": _trunk()}
            for i in range(len(HOSTS)):
                extra = {"channel_group": i + 1, "channel_mode": "on"} if channel else {}
                ifaces[f"Gi{m}/0/{i + 1}"] = _trunk(stp={"edge": True}, **extra)
            if m == 1 and channel:
                ifaces.update({f"Po{i + 1}": _trunk(stp={"edge": True}) for i in range(len(HOSTS))})
            switches[f"stk-{m}"] = {"stack": "stk", "vlans": [10], "interfaces": ifaces}
            links.append([f"stk-{m}:Gi{m}/0/48", f"dist:Gi0/{m}"])
        ports = [("stk-1", "Gi1/0/{}"), ("stk-2", "Gi2/0/{}")]
    else:
        dist["platform"] = "nxos"
        for m in (1, 2):
            ifaces = {"Eth1/48": _trunk(), "Eth1/53": _trunk(channel_group=100, channel_mode="active"),
                      "Po100": _trunk(peer_link=True)}
            for i in range(len(HOSTS)):
                extra = {"channel_group": i + 1, "channel_mode": "on"} if channel else {}
                ifaces[f"Eth1/{i + 1}"] = _trunk(stp={"edge": True}, **extra)
                if channel:
                    ifaces[f"Po{i + 1}"] = _trunk(stp={"edge": True}, mlag_id=i + 1)
            switches[f"leaf-{m}"] = {"platform": "nxos", "mlag": {"peer": f"leaf-{3 - m}", "domain": 1},
                                     "vlans": [10], "interfaces": ifaces}
            links.append([f"leaf-{m}:Eth1/48", f"dist:Gi0/{m}"])
        links.append(["leaf-1:Eth1/53", "leaf-2:Eth1/53"])
        ports = [("leaf-1", "Eth1/{}"), ("leaf-2", "Eth1/{}")]
    teaming: dict[str, Any] = {"policy": policy}
    if policy == "explicit":
        teaming.update({"active": ["vmnic0"], "standby": ["vmnic1"]})
    hosts: dict[str, Any] = {}
    vms: dict[str, Any] = {}
    for i, h in enumerate(HOSTS):
        hosts[h] = {"nics": {"vmnic0": {}, "vmnic1": {}},
                    "vswitches": {"vSwitch0": {"uplinks": ["vmnic0", "vmnic1"], "teaming": teaming,
                                               "portgroups": {"VM": {"vlan": 10}}}}}
        for n in range(4):
            vms[f"{h}-vm{n + 1}"] = {"host": h, "nics": [{"network": "VM", "ip": f"10.0.10.{20 * (i + 1) + n}/24",
                                                         "gateway": "10.0.10.1"}]}
        for k, (sw, fmt) in enumerate(ports):
            links.append([f"{h}:vmnic{k}", f"{sw}:{fmt.format(i + 1)}"])
    return {"name": f"{pattern}-{policy}", "switches": switches, "hosts": hosts, "vms": vms, "links": links}


def busy_flows(snap: Snapshot) -> list[tuple[Any, Any, float]]:
    """The first VM of each host sends 1 Mb/s to every other VM."""
    vms = [e for e in snap.endpoints.listed() if e.kind == "vm"]
    busy = [next(e for e in vms if e.device == h) for h in HOSTS]
    return [(a, b, 1.0) for a in busy for b in vms if b.name != a.name]


def cell(pattern: str, policy: str) -> dict[str, Any]:
    """One row of the table, every value computed by the engine."""
    inv = vinfra.from_data(plant(pattern, policy))
    snap = Snapshot(inv)
    errors = sorted({f.rule for f in run_checks(snap).findings if f.severity == "error" and f.status == "fail"})
    rows = [r for r in sweep(inv, only=["switches", "links", "nics"])["scenarios"] if "dist" not in r["fail"]]
    outages = [r for r in rows if r["impact"] == "outage"]
    blind = sorted({" + ".join(r["fail"]) for r in rows for b in r["blackholed"] if "cannot see" in b["why"]})
    spreads = [t["spread"] for t in load(snap, busy_flows(snap))["teams"] if t["spread"] is not None]
    return {
        "pattern": pattern, "policy": policy,
        "usable": not errors, "why": errors,
        "survives": not outages, "outages": [" + ".join(r["fail"]) for r in outages],
        "needs_upstream_detection": bool(blind), "blind_to": blind,
        "spread": round(sum(spreads) / len(spreads), 3) if spreads else None,
    }


def table() -> list[dict[str, Any]]:
    return [cell(p, q) for p in PATTERNS for q in POLICIES]


__all__ = ["PATTERNS", "POLICIES", "cell", "plant", "table"]
