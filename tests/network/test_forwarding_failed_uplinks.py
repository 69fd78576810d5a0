"""A sender whose every team uplink has failed (F6, T10) cannot reach its gateway's FHRP address: the verdict
names the failed uplinks, as it does for a peer in the sender's own VLAN, not a missing ARP answer."""

from __future__ import annotations

import vinfra
from _paths import OWN_EXAMPLES
from vinfra.network import Snapshot
from vinfra.network.forwarding import Forwarding


def _ping(src: str, dst: str, fail: list[str]) -> tuple[bool, str | None]:
    snap = Snapshot(vinfra.load(OWN_EXAMPLES / "two-independent-switches.yaml"), fail=fail)
    verdict = Forwarding(snap, record=True).ping(snap.endpoints.resolve(src), snap.endpoints.resolve(dst))
    return verdict.ok, verdict.reason


def test_routed_ping_from_a_host_without_uplinks_names_them() -> None:
    fail = ["esx01:vmnic0", "esx01:vmnic1"]
    routed = _ping("intranet01", "erp-db01", fail)  # through the HSRP gateway 10.20.130.1
    local = _ping("intranet01", "core-1:Vlan130", fail)  # in intranet01's own VLAN
    assert routed[0] is False and local[0] is False
    assert routed[1] == local[1]
    assert routed[1] is not None and "every active and standby uplink of port group Web has failed" in routed[1]


def test_one_uplink_left_still_reaches_the_gateway() -> None:
    assert _ping("intranet01", "erp-db01", ["esx01:vmnic0"]) == (True, None)
