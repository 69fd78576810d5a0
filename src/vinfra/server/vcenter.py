"""vCenter-compatible reads: the list and get shapes of the vSphere Automation REST API for ``vcenter/vm``,
``vcenter/host``, ``vcenter/cluster``, ``vcenter/network`` and ``vcenter/datastore`` under ``/api/...``
(7.0 style) and ``/rest/...`` (6.5 style: every answer wrapped in ``{"value": ...}``, lists of ``{key,
value}`` where 7.0 has maps), and session login (``POST /api/session`` or ``/rest/com/vmware/cis/session``
with HTTP Basic credentials; the session id goes in ``vmware-api-session-id``).  The shapes follow what
nautobot-ssot-vsphere reads (``shared/data/nautobot-ssot-vsphere/``).  Identifiers are ``vm-NAME``,
``host-NAME``, ``domain-c-NAME`` (clusters), ``datastore-NAME`` and ``network-NAME`` /
``dvportgroup-DVS-PG``.  Read-only: vCenter's write APIs are not offered (use the native API).  What is not
modelled answers vCenter's defaults (hardware version ``VMX_19``, BIOS boot, no disks, CDROMs or ports).
"""

from __future__ import annotations

import base64
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from .auth import Reader, bearer
from .problems import Problem

router = APIRouter(tags=["vcenter"])
GIB = 1024**3
_POWER = {"on": "POWERED_ON", "off": "POWERED_OFF", "suspended": "SUSPENDED"}
_DS_TYPE = {"vmfs": "VMFS", "nfs": "NFS", "vsan": "VSAN", "vvol": "VVOL"}
Names = Annotated[list[str] | None, Query(max_length=1000)]


def _head(request: Request) -> Any:
    return request.app.state.server.store.current


def _strip(ident: str, prefix: str) -> str:
    if not ident.startswith(prefix):
        raise Problem(404, "not-found", f"no object {ident!r} (identifiers start with {prefix!r})")
    return ident[len(prefix):]


def _found(head: Any, section: str, ident: str, prefix: str, noun: str) -> tuple[str, Any]:
    """(name, design data) of the object a vCenter identifier (``host-esx01``) names; unknown: 404."""
    name = _strip(ident, prefix)
    data = head.data[section].get(name)
    if data is None:
        raise Problem(404, "not-found", f"no {noun} {ident!r}")
    return name, data


def _login(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        raise Problem(401, "unauthorized", "log in with HTTP Basic credentials",
                      headers={"WWW-Authenticate": 'Basic realm="vinfra"'})
    try:
        user, _, password = base64.b64decode(value, validate=True).decode().partition(":")
    except Exception:
        raise Problem(401, "unauthorized", "malformed Basic credentials",
                      headers={"WWW-Authenticate": 'Basic realm="vinfra"'}) from None
    accounts = request.app.state.server.accounts
    return accounts.issue_token(accounts.verify(user, password), "vcenter-session")


@router.post("/api/session", status_code=201)
def api_login(request: Request) -> str:
    """Create a session (7.0): answers the session id as a JSON string."""
    return _login(request)


@router.get("/api/session")
def api_session(request: Request, who: Reader) -> dict[str, Any]:
    return {"user": who.name, "role": who.role}


@router.delete("/api/session", status_code=204)
def api_logout(request: Request, _: Reader) -> None:
    request.app.state.server.accounts.revoke(bearer(request) or "")


@router.post("/rest/com/vmware/cis/session")
def rest_login(request: Request) -> dict[str, str]:
    """Create a session (6.5): ``{"value": session id}``."""
    return {"value": _login(request)}


@router.delete("/rest/com/vmware/cis/session")
def rest_logout(request: Request, _: Reader) -> dict[str, Any]:
    request.app.state.server.accounts.revoke(bearer(request) or "")
    return {}


# the shapes --------------------------------------------------------------------------------------------
def vm_summary(head: Any, name: str, vm: dict[str, Any]) -> dict[str, Any]:
    return {"vm": f"vm-{name}", "name": name, "power_state": _POWER[vm["power"]], "cpu_count": vm["cpu"]["vcpus"],
            "memory_size_MiB": int(vm["memory_gb"] * 1024)}


def _network_id(network: str) -> str:
    dvs, sep, pg = network.partition("/")
    return f"dvportgroup-{dvs}-{pg}" if sep else f"network-{network}"


def _nics(vm: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out = {}
    for i, nic in enumerate(vm.get("nics", [])):
        network = nic["network"]
        out[str(4000 + i)] = {
            "label": f"Network adapter {i + 1}", "type": "VMXNET3", "upt_compatibility_enabled": True,
            "mac_type": "ASSIGNED" if nic.get("mac") else "GENERATED", "mac_address": nic.get("mac"),
            "pci_slot_number": 160 + 32 * i, "wake_on_lan_enabled": False, "allow_guest_control": True,
            "state": "CONNECTED" if nic.get("connected", True) and vm["power"] == "on" else "NOT_CONNECTED",
            "start_connected": nic.get("connected", True),
            "backing": {"type": "DISTRIBUTED_PORTGROUP" if "/" in network else "STANDARD_PORTGROUP",
                        "network": _network_id(network), "network_name": network.split("/")[-1]}}
    return out


def vm_info(name: str, vm: dict[str, Any], v65: bool) -> dict[str, Any]:
    nics = _nics(vm)
    vcpus = vm["cpu"]["vcpus"]
    return {
        "name": name, "power_state": _POWER[vm["power"]],
        "guest_OS": (vm.get("guest") or "OTHER_64").upper().replace("-", "_").replace(".", "_"),
        "identity": {"name": name, "bios_uuid": None, "instance_uuid": None},
        "cpu": {"count": vcpus, "cores_per_socket": 1, "hot_add_enabled": False, "hot_remove_enabled": False},
        "memory": {"size_MiB": int(vm["memory_gb"] * 1024), "hot_add_enabled": False},
        "hardware": {"upgrade_policy": "NEVER", "upgrade_status": "NONE", "version": "VMX_19"},
        "boot": {"type": "BIOS", "delay": 0, "retry": False, "retry_delay": 10000, "enter_setup_mode": False},
        "nics": [{"key": k, "value": v} for k, v in nics.items()] if v65 else nics,
        "disks": [] if v65 else {}, "cdroms": [] if v65 else {}, "floppies": [] if v65 else {},
        "parallel_ports": [] if v65 else {}, "serial_ports": [] if v65 else {},
        "sata_adapters": [] if v65 else {}, "scsi_adapters": [] if v65 else {}, "nvme_adapters": [] if v65 else {},
        "boot_devices": [], "instant_clone_frozen": False,
    }


def vm_interfaces(vm: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for i, nic in enumerate(vm.get("nics", [])):
        addresses = []
        if nic.get("ip"):
            ip, _, prefix = nic["ip"].partition("/")
            addresses.append({"ip_address": ip, "prefix_length": int(prefix or 32), "state": "PREFERRED"})
        out.append({"mac_address": nic.get("mac"), "nic": str(4000 + i), "ip": {"ip_addresses": addresses}})
    return out


def host_summary(head: Any, name: str, host: dict[str, Any]) -> dict[str, Any]:
    failed = name in head.data.get("failures", [])
    state = "NOT_RESPONDING" if failed else ("DISCONNECTED" if host["state"] == "disconnected" else "CONNECTED")
    return {"host": f"host-{name}", "name": name, "connection_state": state,
            "power_state": "POWERED_OFF" if failed else "POWERED_ON"}


def cluster_summary(name: str, cl: dict[str, Any]) -> dict[str, Any]:
    return {"cluster": f"domain-c-{name}", "name": name, "ha_enabled": cl["ha"]["enabled"],
            "drs_enabled": cl["drs"]["enabled"]}


def datastore_summary(name: str, ds: dict[str, Any], used_gb: float) -> dict[str, Any]:
    cap = int(ds["capacity_gb"] * GIB)
    return {"datastore": f"datastore-{name}", "name": name, "type": _DS_TYPE[ds["type"]], "capacity": cap,
            "free_space": max(0, cap - int(used_gb * GIB))}


def networks(head: Any) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for host in head.data["hosts"].values():
        for vs in host.get("vswitches", {}).values():
            for pg in vs.get("portgroups", {}):
                seen.setdefault(pg, {"network": _network_id(pg), "name": pg, "type": "STANDARD_PORTGROUP"})
    for dvs, sw in head.data.get("dvswitches", {}).items():
        for pg in sw.get("portgroups", {}):
            seen.setdefault(f"{dvs}/{pg}", {"network": _network_id(f"{dvs}/{pg}"), "name": pg,
                                             "type": "DISTRIBUTED_PORTGROUP"})
    return list(seen.values())


def _used_gb(head: Any) -> dict[str, float]:
    used: dict[str, float] = {}
    for vm in head.data["vms"].values():
        if vm.get("datastore"):
            used[vm["datastore"]] = used.get(vm["datastore"], 0.0) + vm["memory_gb"]  # [model] swap only: no disks
    return used


def _wrap(v65: bool, value: Any) -> Any:
    return JSONResponse({"value": value}) if v65 else value


def _pick(names: list[str] | None, alt: list[str] | None) -> set[str] | None:
    got = (names or []) + (alt or [])
    return set(got) if got else None


def _routes(prefix: str, v65: bool) -> None:
    p = f"{prefix}/vcenter"

    @router.get(f"{p}/vm", operation_id=f"{'rest' if v65 else 'api'}_vm_list")
    async def vm_list(request: Request, _: Reader, names: Names = None, hosts: Names = None, clusters: Names = None,
                power_states: Names = None,
                f_names: Annotated[list[str] | None, Query(alias="filter.names", max_length=1000)] = None,
                f_hosts: Annotated[list[str] | None, Query(alias="filter.hosts", max_length=1000)] = None,
                f_clusters: Annotated[list[str] | None, Query(alias="filter.clusters", max_length=1000)] = None,
                f_power: Annotated[list[str] | None, Query(alias="filter.power_states", max_length=1000)] = None,
                ) -> Any:
        head = _head(request)
        want_names, want_hosts = _pick(names, f_names), _pick(hosts, f_hosts)
        want_clusters, want_power = _pick(clusters, f_clusters), _pick(power_states, f_power)
        out = []
        for name, vm in head.data["vms"].items():
            if want_names is not None and name not in want_names:
                continue
            if want_hosts is not None and f"host-{vm['host']}" not in want_hosts:
                continue
            cluster = head.data["hosts"].get(vm["host"], {}).get("cluster")
            if want_clusters is not None and f"domain-c-{cluster}" not in want_clusters:
                continue
            if want_power is not None and _POWER[vm["power"]] not in want_power:
                continue
            out.append(vm_summary(head, name, vm))
        return _wrap(v65, out)

    @router.get(f"{p}/vm/{{vm}}", operation_id=f"{'rest' if v65 else 'api'}_vm_get")
    async def vm_get(request: Request, vm: str, _: Reader) -> Any:
        name, data = _found(_head(request), "vms", vm, "vm-", "VM")
        return _wrap(v65, vm_info(name, data, v65))

    @router.get(f"{p}/vm/{{vm}}/guest/networking/interfaces", operation_id=f"{'rest' if v65 else 'api'}_vm_ifaces")
    async def vm_ifaces(request: Request, vm: str, _: Reader) -> Any:
        _, data = _found(_head(request), "vms", vm, "vm-", "VM")
        return _wrap(v65, vm_interfaces(data))

    @router.get(f"{p}/host", operation_id=f"{'rest' if v65 else 'api'}_host_list")
    async def host_list(request: Request, _: Reader, names: Names = None, clusters: Names = None,
                  f_names: Annotated[list[str] | None, Query(alias="filter.names", max_length=1000)] = None,
                  f_clusters: Annotated[list[str] | None, Query(alias="filter.clusters", max_length=1000)] = None,
                  ) -> Any:
        head = _head(request)
        want_names, want_clusters = _pick(names, f_names), _pick(clusters, f_clusters)
        out = [host_summary(head, n, h) for n, h in head.data["hosts"].items()
               if (want_names is None or n in want_names)
               and (want_clusters is None or f"domain-c-{h.get('cluster')}" in want_clusters)]
        return _wrap(v65, out)

    @router.get(f"{p}/host/{{host}}", operation_id=f"{'rest' if v65 else 'api'}_host_get")
    async def host_get(request: Request, host: str, _: Reader) -> Any:
        head = _head(request)
        name, data = _found(head, "hosts", host, "host-", "host")
        summary = host_summary(head, name, data)
        return _wrap(v65, {"name": name, "connection_state": summary["connection_state"],
                           "power_state": summary["power_state"]})

    @router.get(f"{p}/cluster", operation_id=f"{'rest' if v65 else 'api'}_cluster_list")
    async def cluster_list(request: Request, _: Reader, names: Names = None,
                     f_names: Annotated[list[str] | None, Query(alias="filter.names", max_length=1000)] = None) -> Any:
        want = _pick(names, f_names)
        return _wrap(v65, [cluster_summary(n, c) for n, c in _head(request).data["clusters"].items()
                           if want is None or n in want])

    @router.get(f"{p}/cluster/{{cluster}}", operation_id=f"{'rest' if v65 else 'api'}_cluster_get")
    async def cluster_get(request: Request, cluster: str, _: Reader) -> Any:
        name, _ = _found(_head(request), "clusters", cluster, "domain-c-", "cluster")
        return _wrap(v65, {"name": name, "resource_pool": f"resgroup-{name}"})

    @router.get(f"{p}/network", operation_id=f"{'rest' if v65 else 'api'}_network_list")
    async def network_list(request: Request, _: Reader, names: Names = None, types: Names = None,
                     f_names: Annotated[list[str] | None, Query(alias="filter.names", max_length=1000)] = None,
                     f_types: Annotated[list[str] | None, Query(alias="filter.types", max_length=1000)] = None) -> Any:
        want_names, want_types = _pick(names, f_names), _pick(types, f_types)
        return _wrap(v65, [n for n in networks(_head(request))
                           if (want_names is None or n["name"] in want_names)
                           and (want_types is None or n["type"] in want_types)])

    @router.get(f"{p}/datastore", operation_id=f"{'rest' if v65 else 'api'}_datastore_list")
    async def datastore_list(request: Request, _: Reader, names: Names = None,
                       f_names: Annotated[list[str] | None, Query(alias="filter.names", max_length=1000)] = None) -> Any:
        head = _head(request)
        want, used = _pick(names, f_names), _used_gb(head)
        return _wrap(v65, [datastore_summary(n, d, used.get(n, 0.0)) for n, d in head.data["datastores"].items()
                           if want is None or n in want])

    @router.get(f"{p}/datastore/{{datastore}}", operation_id=f"{'rest' if v65 else 'api'}_datastore_get")
    async def datastore_get(request: Request, datastore: str, _: Reader) -> Any:
        head = _head(request)
        name, data = _found(head, "datastores", datastore, "datastore-", "datastore")
        s = datastore_summary(name, data, _used_gb(head).get(name, 0.0))
        return _wrap(v65, {"name": name, "type": s["type"], "accessible": True, "free_space": s["free_space"],
                           "capacity": s["capacity"], "thin_provisioning_supported": True,
                           "multiple_host_access": data["transport"] != "local"})


_routes("/api", v65=False)
_routes("/rest", v65=True)
