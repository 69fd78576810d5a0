"""Configuration maxima by product version (cluster-behaviour §4.4) and §7 scenario 20."""

from __future__ import annotations

from typing import Any

import pytest

import vinfra
from vinfra.cluster.maxima import MAXIMA, exceeded, maxima_for, product_version, vms_per_host_limit


def _design(clusters: dict[str, int], version: str = "3.5", vms: int = 0, product: str = "esx") -> dict[str, Any]:
    hosts: dict[str, Any] = {}
    for cname, n in clusters.items():
        for i in range(n):
            hosts[f"{cname}-h{i:03d}"] = {"cluster": cname, "product": product, "version": version}
    first = next(iter(hosts))
    return {"name": "m", "clusters": {c: {} for c in clusters}, "hosts": hosts,
            "vms": {f"vm{i:04d}": {"host": list(hosts)[i % len(hosts)]} for i in range(vms)} if vms else {},
            "_first": first}


def _load(d: dict[str, Any]) -> vinfra.Inventory:
    d = {k: v for k, v in d.items() if k != "_first"}
    return vinfra.from_data(d)


def test_scenario_20_vi3_33rd_host_in_a_cluster() -> None:
    assert exceeded(_load(_design({"c1": 32}))) == []
    [e] = exceeded(_load(_design({"c1": 33})))
    assert (e.item, e.scope, e.count, e.limit, e.fault) == ("hosts per cluster", "c1", 33, 32, "TooManyHosts")
    assert "VI3.5" in e.message


def test_scenario_20_vi3_201st_host_in_virtualcenter() -> None:
    assert exceeded(_load(_design({f"c{i}": 25 for i in range(8)}))) == []  # 200 hosts
    found = exceeded(_load(_design({**{f"c{i}": 25 for i in range(8)}, "c8": 1})))
    assert [(e.item, e.count, e.limit) for e in found] == [("hosts per vCenter", 201, 200)]


def test_scenario_20_vi3_2001st_vm_in_virtualcenter() -> None:
    assert exceeded(_load(_design({"c1": 20}, vms=2000))) == []
    found = exceeded(_load(_design({"c1": 20}, vms=2001)))
    assert [(e.item, e.count, e.limit, e.fault) for e in found] == [("VMs per vCenter", 2001, 2000, "TooManyVms")]


def test_newer_versions_raise_the_cluster_limit() -> None:
    assert exceeded(_load(_design({"c1": 33}, version="6.0", product="esxi"))) == []
    assert [e.limit for e in exceeded(_load(_design({"c1": 65}, version="6.7", product="esxi")))] == [64]


@pytest.mark.parametrize(("version", "column"), [("2.5", "VI3.5 / VC 2.5"), ("3.5", "VI3.5 / VC 2.5"),
                                                 ("4.1", "vSphere 4.0"), ("5.1", "vSphere 4.0"),
                                                 ("5.5", "vSphere 5.5"), ("7.0", "vSphere 6.0"),
                                                 ("8.0", "vSphere 8.x")])
def test_a_version_uses_the_newest_column_not_newer_than_it(version: str, column: str) -> None:
    inv = vinfra.from_data({"name": "v", "hosts": {"h": {"version": version}}})
    assert maxima_for(product_version(inv.hosts["h"])).column == column


def test_vsphere_4_large_ha_cluster_limits_vms_per_host() -> None:
    d = _design({"c1": 9}, version="4.0", product="esxi")
    d["clusters"]["c1"] = {"ha": {"enabled": True}}
    inv = _load(d)
    assert vms_per_host_limit(inv, d["_first"]) == 40
    d["clusters"]["c1"] = {}
    assert vms_per_host_limit(_load(d), d["_first"]) == 320


def test_the_table_is_oldest_first() -> None:
    versions = [v for v, _ in MAXIMA]
    assert versions == sorted(versions)
