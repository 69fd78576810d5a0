"""vCenter-compatible reads: the shapes nautobot-ssot-vsphere reads (shared/data/nautobot-ssot-vsphere/),
7.0 style under /api and 6.5 style (value-wrapped) under /rest, and session login."""

from __future__ import annotations

import json

import pytest

from _paths import SHARED
from conftest import Api

FIXTURES = SHARED / "data" / "nautobot-ssot-vsphere" if SHARED else None


def _session(api: Api, path: str, user: str = "ro", password: str = "ro-password") -> str:
    r = api.client.post(path, auth=(user, password))
    assert r.status_code in (200, 201), r.text
    body = r.json()
    return body["value"] if isinstance(body, dict) else body


def test_session_login_and_logout(api: Api) -> None:
    sid = _session(api, "/api/session")
    h = {"vmware-api-session-id": sid}
    assert api.client.get("/api/session", headers=h).json() == {"user": "ro", "role": "Read-only"}
    assert api.client.get("/api/vcenter/vm", headers=h).status_code == 200
    assert api.client.delete("/api/session", headers=h).status_code == 204
    assert api.client.get("/api/vcenter/vm", headers=h).status_code == 401
    assert api.client.post("/api/session", auth=("ro", "wrong")).status_code == 401
    assert api.client.post("/api/session").status_code == 401
    sid65 = _session(api, "/rest/com/vmware/cis/session")
    assert api.client.get("/rest/vcenter/vm", headers={"vmware-api-session-id": sid65}).status_code == 200


def test_vm_list_and_filters(api: Api) -> None:
    vms = api.get("/api/vcenter/vm").json()
    assert {v["name"] for v in vms} == {"web01", "web02", "app01", "cache01", "db01", "scratch01"}
    web01 = next(v for v in vms if v["name"] == "web01")
    assert web01 == {"vm": "vm-web01", "name": "web01", "power_state": "POWERED_ON", "cpu_count": 2,
                     "memory_size_MiB": 4096}
    assert [v["name"] for v in api.get("/api/vcenter/vm?power_states=POWERED_OFF").json()] == ["scratch01"]
    assert len(api.get("/api/vcenter/vm?hosts=host-lab-esx1").json()) == 3
    assert [v["name"] for v in api.get("/rest/vcenter/vm?filter.names=db01").json()["value"]] == ["db01"]


@pytest.mark.skipif(FIXTURES is None, reason="shared/data not found")
def test_vm_details_have_the_shape_a_real_client_reads(api: Api) -> None:
    real = json.loads((FIXTURES / "get_vm_details.json").read_text())["value"]
    ours = api.get("/rest/vcenter/vm/vm-web01").json()["value"]
    assert set(real) <= set(ours)
    assert set(real["cpu"]) <= set(ours["cpu"]) and set(real["memory"]) <= set(ours["memory"])
    real_nic, our_nic = real["nics"][0], ours["nics"][0]
    assert set(real_nic) == set(our_nic) == {"key", "value"}
    assert set(real_nic["value"]) <= set(our_nic["value"])
    assert set(real_nic["value"]["backing"]) <= set(our_nic["value"]["backing"])
    assert our_nic["value"]["mac_address"] == "00:50:56:a1:01:01"
    assert our_nic["value"]["backing"]["network_name"] == "Lab VMs"
    v70 = api.get("/api/vcenter/vm/vm-web01").json()
    assert v70["nics"]["4000"] == our_nic["value"]  # 7.0: maps where 6.5 has key/value lists


@pytest.mark.skipif(FIXTURES is None, reason="shared/data not found")
def test_guest_interfaces_shape(api: Api) -> None:
    real = json.loads((FIXTURES / "get_vm_interfaces_1.json").read_text())["value"]
    ours = api.get("/rest/vcenter/vm/vm-web01/guest/networking/interfaces").json()["value"]
    assert set(ours[0]) <= set(real[0]) | {"nic"}
    assert set(ours[0]["ip"]["ip_addresses"][0]) == set(real[0]["ip"]["ip_addresses"][0])
    assert ours[0]["ip"]["ip_addresses"][0]["ip_address"] == "192.168.101.21"


def test_hosts_clusters_networks_datastores(api: Api) -> None:
    hosts = api.get("/api/vcenter/host").json()
    assert {h["name"] for h in hosts} == {"lab-esx1", "lab-esx2", "lab-esx3"}
    assert set(hosts[0]) == {"host", "name", "connection_state", "power_state"}
    assert api.get("/api/vcenter/host/host-lab-esx1").json()["connection_state"] == "CONNECTED"
    assert api.get("/api/vcenter/cluster").json() == [
        {"cluster": "domain-c-lab", "name": "lab", "ha_enabled": True, "drs_enabled": True}]
    assert api.get("/rest/vcenter/cluster/domain-c-lab").json()["value"]["name"] == "lab"
    nets = api.get("/api/vcenter/network").json()
    assert {n["name"] for n in nets} == {"Management", "Lab VMs"}
    assert all(n["type"] == "STANDARD_PORTGROUP" for n in nets)
    ds = api.get("/api/vcenter/datastore").json()
    assert ds[0]["name"] == "lab-nfs" and ds[0]["type"] == "NFS" and ds[0]["capacity"] == 1024 * 1024**3
    assert 0 < ds[0]["free_space"] < ds[0]["capacity"]
    assert api.get("/api/vcenter/datastore/datastore-lab-nfs").json()["multiple_host_access"] is True


def test_failed_host_is_not_responding(api: Api) -> None:
    api.task("/failures", {"element": "lab-esx2"})
    got = {h["name"]: h["connection_state"] for h in api.get("/api/vcenter/host").json()}
    assert got == {"lab-esx1": "CONNECTED", "lab-esx2": "NOT_RESPONDING", "lab-esx3": "CONNECTED"}


def test_unknown_ids_are_404(api: Api) -> None:
    for path in ("/api/vcenter/vm/vm-nope", "/api/vcenter/vm/web01", "/rest/vcenter/host/host-x",
                 "/api/vcenter/cluster/domain-c-x", "/api/vcenter/datastore/datastore-x"):
        assert api.get(path).status_code == 404, path
