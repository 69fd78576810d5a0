"""Small designs for tests, built as plain data."""

from __future__ import annotations

from typing import Any

import vinfra
from vinfra.network import Snapshot
from vinfra.network.forwarding import Forwarding, Verdict


def host(nics: list[str], portgroups: dict[str, Any], teaming: dict[str, Any] | None = None,
         vmkernel: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    vs: dict[str, Any] = {"uplinks": nics, "portgroups": portgroups}
    if teaming:
        vs["teaming"] = teaming
    return {"nics": {n: {} for n in nics}, "vswitches": {"vSwitch0": vs}, "vmkernel": vmkernel or {}, **extra}


def vm(host_name: str, network: str, ip: str | None = None, gateway: str | None = None, mac: str | None = None) -> dict[str, Any]:
    nic: dict[str, Any] = {"network": network}
    if ip:
        nic["ip"] = ip
    if gateway:
        nic["gateway"] = gateway
    if mac:
        nic["mac"] = mac
    return {"host": host_name, "nics": [nic]}


def snapshot(design: dict[str, Any], fail: list[str] | tuple[str, ...] = (), **kw: Any) -> Snapshot:
    return Snapshot(vinfra.from_data({"name": "t", **design}), fail=list(fail), **kw)


def ping(snap: Snapshot, src: str, dst: str, size: int | None = None) -> Verdict:
    eps = snap.endpoints
    return Forwarding(snap, record=True, size=size).ping(eps.resolve(src), eps.resolve(dst))


def trunk(allowed: str = "all", native: int = 1, **extra: Any) -> dict[str, Any]:
    return {"mode": "trunk", "allowed_vlans": allowed, "native_vlan": native, **extra}


def edge_trunk(allowed: str = "all", native: int = 1, **extra: Any) -> dict[str, Any]:
    return trunk(allowed, native, stp={"edge": True}, **extra)
