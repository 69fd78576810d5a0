"""``trace``: the hop-by-hop walk of one ping (ARP, echo request, echo reply).

The rows come from :class:`vinfra.network.forwarding.Forwarding`, the same walk whose verdicts
``reach`` uses, so the two never disagree.  Each row: hop number, device, in and out interface,
VLAN, tag on the wire, the frame, the decision taken and the behaviour rule behind it.

Where an ARP request is answered by two ports with one MAC (a *split answer*: a port in beacon shotgun mode, T14,
M12, whose frames reach the active router of each half of a split FHRP group) the ping is walked through each of
them (:meth:`Forwarding.ping`); the rows are the first walk's, and when the walks disagree the pair is
unreachable, "duplicate address" (topology-v1 "Duplicate addresses"), with a last row saying so.
"""

from __future__ import annotations

from typing import Any

from ..network import Snapshot
from ..network.forwarding import Forwarding

COLUMNS = ("hop", "device", "in", "out", "vlan", "tag", "frame", "decision", "rule")


def trace(snap: Snapshot, src: str, dst: str, size: int | None = None) -> dict[str, Any]:
    """Trace a ping from ``src`` to ``dst`` (endpoint names or addresses); ``size`` is the ICMP payload of
    a don't-fragment ping (``vmkping -d -s``), checked against every MTU on the path (S7).

    Raises :class:`vinfra.network.endpoints.EndpointError` for a name that does not resolve.
    """
    a = snap.endpoints.resolve(src)
    b = snap.endpoints.resolve(dst)
    verdict = Forwarding(snap, record=True, size=size).ping(a, b)
    return {
        "src": src,
        "dst": dst,
        "reachable": verdict.ok,
        "verdict": "reachable" if verdict.ok else "unreachable",
        "reason": verdict.reason,
        "rule": verdict.rule,
        "rows": verdict.rows,
    }
