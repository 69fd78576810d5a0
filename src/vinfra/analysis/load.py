"""``load``: where traffic goes, by the teaming and hashing rules, and how evenly teams spread it.

Each *flow* ``{from, to, mbps}`` is one conversation's traffic from an endpoint to another.  Its path is the
walk of the engine's ping (:class:`~vinfra.network.forwarding.Forwarding`, as ``trace`` shows it): the uplink
the source's team picks (port ID, MAC hash, IP hash per flow, explicit order; T1-T5), each switch's choice
(spanning tree, MAC learning, a channel's member by the switch's hash, M2), the routed hops and the
destination's uplink.  The flow's packets (``ICMP src > dst`` rows of the walk) put ``mbps`` on:

- **uplinks**: ``host:vmnic`` *outbound* (leaving the host) or *inbound* (entering it);
- **links**: each inter-switch cable in the direction crossed (``a:x->b:y``).

A flow whose ping fails carries nothing and is counted as dropped.  Per **team** (a port group on a host
with two or more usable uplinks, Active or Standby) the outbound load on each of them gives the *spread*:
max / mean (1.0 is perfectly even; n uplinks, everything on one: n, as explicit failover always is).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any

from ..model import InterfaceRef
from ..network import Snapshot
from ..network.endpoints import Endpoint
from ..network.forwarding import Forwarding


class FlowError(ValueError):
    """A flow that does not name two endpoints or a positive rate; ``field`` says which."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


def parse_flows(snap: Snapshot, data: Any) -> list[tuple[Endpoint, Endpoint, float]]:
    """Flows from plain data: ``[{from, to, mbps}]`` (``mbps`` defaults to 1)."""
    if isinstance(data, dict) and "flows" in data:
        data = data["flows"]
    if not isinstance(data, list):
        raise FlowError("flows", "expected a list of {from, to, mbps}")
    out = []
    for k, item in enumerate(data):
        where = f"flows[{k}]"
        if not isinstance(item, dict):
            raise FlowError(where, "expected a mapping {from, to, mbps}")
        unknown = sorted(set(item) - {"from", "to", "mbps"})
        if unknown:
            raise FlowError(f"{where}.{unknown[0]}", "unknown key (expected from, to, mbps)")
        ends = []
        for key in ("from", "to"):
            if not isinstance(item.get(key), str):
                raise FlowError(f"{where}.{key}", "expected an endpoint name or address")
            try:
                ends.append(snap.endpoints.resolve(item[key]))
            except ValueError as exc:
                raise FlowError(f"{where}.{key}", str(exc)) from None
        mbps = item.get("mbps", 1)
        if isinstance(mbps, bool) or not isinstance(mbps, int | float) or mbps <= 0:
            raise FlowError(f"{where}.mbps", f"expected a positive number, not {mbps!r}")
        out.append((ends[0], ends[1], float(mbps)))
    return out


def random_flows(snap: Snapshot, n: int, seed: int = 0) -> list[tuple[Endpoint, Endpoint, float]]:
    """``n`` flows of 1 Mb/s between VM NICs with addresses, drawn with ``seed``."""
    vms = [e for e in snap.endpoints.listed() if e.kind == "vm" and e.ip is not None]
    if len(vms) < 2:
        return []
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        a, b = rng.sample(vms, 2)
        out.append((a, b, 1.0))
    return out


def load(snap: Snapshot, flows: Iterable[tuple[Endpoint, Endpoint, float]]) -> dict[str, Any]:
    """Per-uplink and per-link load, and the spread per team (see the module doc)."""
    inv = snap.inventory
    uplinks: dict[tuple[str, str], float] = {}
    links: dict[str, float] = {}
    carried = dropped = 0
    # flows of one source port group: (host, network) -> uplink -> Mb/s
    by_team: dict[tuple[str, str], dict[str, float]] = {}
    fw = Forwarding(snap, record=True)
    for src, dst, mbps in flows:
        verdict = fw.ping(src, dst)
        if not verdict.ok:
            dropped += 1
            continue
        carried += 1
        forward = f"ICMP {src.ip.ip if src.ip else ''} > {dst.ip.ip if dst.ip else ''}"
        for row in verdict.rows:
            if row["frame"] != forward:
                continue
            device, out_port, in_port = row["device"], row["out"], row["in"]
            if device in inv.hosts:
                if out_port in inv.hosts[device].nics:
                    key = (f"{device}:{out_port}", "outbound")
                    uplinks[key] = uplinks.get(key, 0.0) + mbps
                    if src.on_host and src.device == device:
                        team = by_team.setdefault(src.team_key, {})
                        team[out_port] = team.get(out_port, 0.0) + mbps
                if in_port in inv.hosts[device].nics:
                    key = (f"{device}:{in_port}", "inbound")
                    uplinks[key] = uplinks.get(key, 0.0) + mbps
            elif isinstance(out_port, str) and ":" in out_port:
                try:
                    ref = InterfaceRef.parse(out_port)
                except ValueError:
                    continue  # not a physical port (an SVI, a channel's name)
                peer = snap.cabling.peer(ref) if ref.device in inv.switches else None
                if peer is not None and peer.device in inv.switches:
                    name = f"{ref}->{peer}"
                    links[name] = links.get(name, 0.0) + mbps
    teams = []
    for key in sorted(by_team):
        ts = snap.team_states.get(key)
        usable = ts.detection.alive if ts is not None else ()
        if ts is None or len(usable) < 2:
            continue
        loads = {u: round(by_team[key].get(u, 0.0), 3) for u in usable}
        mean = sum(loads.values()) / len(loads)
        teams.append({"host": key[0], "portgroup": key[1], "policy": ts.team.policy, "load_mbps": loads,
                      "spread": round(max(loads.values()) / mean, 3) if mean else None})
    return {
        "flows": {"carried": carried, "dropped": dropped},
        "uplinks": [{"uplink": u, "direction": d, "mbps": round(v, 3)} for (u, d), v in sorted(uplinks.items())],
        "links": [{"link": k, "mbps": round(v, 3)} for k, v in sorted(links.items())],
        "teams": teams,
    }


__all__ = ["FlowError", "load", "parse_flows", "random_flows"]
