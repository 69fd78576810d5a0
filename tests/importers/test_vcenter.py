"""The live vCenter importer against govmomi's simulator (vcsim), started from tests/peers/vcsim.

vcsim's default model (test-peers.md): 1 datacenter, a DRS cluster of 3 hosts plus 1 standalone host,
4 VMs, 1 DVS. Its quirks are part of what is tested: every host reports the same pNIC MACs, the VMs of one
pool share a MAC, each host's vmk0 has 127.0.0.1/8, and the DVS lists no member hosts.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from _vcsim import Vcsim, vcsim_binary

from vinfra.importers.report import Imported, ImportSourceError, Support
from vinfra.importers.vcenter import read_vcenter
from vinfra.io.design import from_data
from vinfra.model import build_inventory


@pytest.fixture(scope="module")
def binary() -> Path:
    return vcsim_binary()


@pytest.fixture(scope="module")
def sim(binary: Path) -> Iterator[Vcsim]:
    running = Vcsim(binary)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def imported(sim: Vcsim) -> Imported:
    return read_vcenter(sim.url, "user", "pass", verify_tls=False)


def test_the_default_inventory_is_imported_whole(imported: Imported, sim: Vcsim) -> None:
    design = imported.design
    assert sorted(design["hosts"]) == ["DC0_C0_H0", "DC0_C0_H1", "DC0_C0_H2", "DC0_H0"]
    assert sorted(design["vms"]) == ["DC0_C0_RP0_VM0", "DC0_C0_RP0_VM1", "DC0_H0_VM0", "DC0_H0_VM1"]
    assert list(design["dvswitches"]) == ["DVS0"]
    assert list(design["clusters"]) == ["DC0_C0"]
    datacenters = [r for r in imported.report if r.text == "/DC0"]
    assert len(datacenters) == 1 and datacenters[0].source == sim.url and datacenters[0].line is None
    # the cluster holds the three clustered hosts, DRS on (vcsim's default), the standalone host none
    assert [h for h, v in design["hosts"].items() if v.get("cluster") == "DC0_C0"] == ["DC0_C0_H0", "DC0_C0_H1", "DC0_C0_H2"]
    assert "cluster" not in design["hosts"]["DC0_H0"]
    assert design["clusters"]["DC0_C0"]["drs"]["enabled"] is True


def test_hosts_carry_vswitches_uplinks_port_groups_and_vmkernel_ports(imported: Imported) -> None:
    host = imported.design["hosts"]["DC0_C0_H0"]
    assert sorted(host["nics"]) == ["vmnic0", "vmnic1"] and host["nics"]["vmnic0"]["speed"] == 10000
    vs = host["vswitches"]["vSwitch0"]
    assert vs["uplinks"] == ["vmnic0"] and vs["mtu"] == 1500
    assert vs["teaming"]["policy"] == "port_id" and vs["teaming"]["active"] == ["vmnic0"]  # loadbalance_srcid (T1)
    assert {pg: v["vlan"] for pg, v in vs["portgroups"].items()} == {"VM Network": 0, "Management Network": 0}
    vmk0 = host["vmkernel"]["vmk0"]
    assert vmk0["portgroup"] == "Management Network" and vmk0["services"] == ["management"]
    # 127.0.0.1/8 is no address a port can hold: reported, not imported
    assert "ip" not in vmk0
    line = next(r for r in imported.report if r.text == "/DC0/host/DC0_C0/DC0_C0_H0/vmk0")
    assert line.support is Support.WRONG and "loopback" in line.message


def test_vms_sit_on_the_dvs_port_group_and_their_hosts_join_the_dvs(imported: Imported) -> None:
    design = imported.design
    for vm in design["vms"].values():
        assert [n["network"] for n in vm["nics"]] == ["DVS0/DC0_DVPG0"]
    dvs = design["dvswitches"]["DVS0"]
    assert list(dvs["portgroups"]) == ["DC0_DVPG0"]  # the uplink port group is not a VM network
    assert sorted(dvs["hosts"]) == sorted({vm["host"] for vm in design["vms"].values()})
    dvs_line = next(r for r in imported.report if r.text == "/DC0/network/DVS0")
    assert dvs_line.support is Support.PARTIAL and "no member hosts" in dvs_line.message
    uplinks_pg = next(r for r in imported.report if r.text.startswith("/DC0/network/DVS0-DVUplinks"))
    assert uplinks_pg.support is Support.IGNORED


def test_duplicate_macs_are_reported_on_every_holder_naming_the_others(imported: Imported) -> None:
    design = imported.design
    shared = design["vms"]["DC0_H0_VM0"]["nics"][0]["mac"]
    assert design["vms"]["DC0_H0_VM1"]["nics"][0]["mac"] == shared  # kept as vCenter states it
    vm_line = next(r for r in imported.report if r.text == "/DC0/vm/DC0_H0_VM0/nic0")
    assert vm_line.support is Support.WRONG
    assert f"MAC {shared} is also held by vm DC0_H0_VM1 nic0" in vm_line.message
    pnic_mac = design["hosts"]["DC0_H0"]["nics"]["vmnic0"]["mac"]
    pnic_line = next(r for r in imported.report if r.text == "/DC0/host/DC0_H0/DC0_H0/vmnic0")
    assert f"MAC {pnic_mac} is also held by host DC0_C0_H0, host DC0_C0_H1, host DC0_C0_H2" in pnic_line.message
    duplicated = [r for r in imported.report if "is also held by" in r.message]
    assert len(duplicated) == 4 * 3 + 4  # each host's vmnic0, vmnic1, vmk0 (its vmnic0's MAC); each VM's NIC
    # a host's vmk0 sharing its own vmnic0's MAC is ESXi's normal behaviour, not a duplicate by itself
    own = next(r for r in imported.report if r.text == "/DC0/host/DC0_C0/DC0_C0_H1/vmk0")
    assert "host DC0_C0_H1" not in own.message


def test_the_fragment_passes_model_validation_on_its_own(imported: Imported) -> None:
    inv, problems = build_inventory(imported.design)
    assert problems == [] and inv is not None
    assert inv.summary() == {"hosts": 4, "vms": 4, "switches": 0, "links": 0}
    assert from_data(imported.design).cluster_hosts("DC0_C0") == ["DC0_C0_H0", "DC0_C0_H1", "DC0_C0_H2"]


def test_every_object_is_reported_with_the_url_as_source(imported: Imported, sim: Vcsim) -> None:
    assert {r.source for r in imported.report} == {sim.url}
    assert all(r.line is None and r.text.startswith("/DC0") for r in imported.report)
    counts = imported.counts()
    assert counts["supported"] > 0 and counts["unrecognised"] == 0


def test_a_larger_simulated_estate_scales(binary: Path) -> None:
    bigger = Vcsim(binary, "-cluster", "2", "-host", "4", "-vm", "3")
    try:
        imported = read_vcenter(bigger.url, "user", "pass", verify_tls=False)
    finally:
        bigger.stop()
    assert len(imported.design["hosts"]) == 2 * 4 + 1
    assert len(imported.design["clusters"]) == 2
    assert len(imported.design["vms"]) == 2 * 3 + 3  # 3 per cluster pool, 3 on the standalone host
    assert build_inventory(imported.design)[1] == []


def test_an_unreachable_vcenter_is_a_located_error() -> None:
    with pytest.raises(ImportSourceError) as err:
        read_vcenter("https://127.0.0.1:1/sdk", "user", "pass", timeout_s=5)
    assert str(err.value).startswith("https://127.0.0.1:1/sdk: error: cannot reach the vCenter")


def test_a_self_signed_certificate_is_refused_unless_told(sim: Vcsim) -> None:
    with pytest.raises(ImportSourceError) as err:
        read_vcenter(sim.url, "user", "pass")
    assert "TLS failed" in str(err.value) and "verify_tls=False" in str(err.value)


def test_credentials_in_the_url_never_reach_the_report(sim: Vcsim) -> None:
    with_secret = sim.url.replace("https://", "https://admin:s3cret@")
    imported = read_vcenter(with_secret, "user", "pass", verify_tls=False)
    assert {r.source for r in imported.report} == {sim.url} and imported.sources == (sim.url,)


def test_a_url_that_is_not_one_is_a_located_error() -> None:
    with pytest.raises(ImportSourceError) as err:
        read_vcenter("ftp://vc.example/sdk", "user", "pass")
    assert "not a vCenter URL" in str(err.value)


def _add_rules(url: str) -> None:
    """Give vcsim's cluster an anti-affinity rule and a VM-host rule (through groups), as an operator would."""
    from urllib.parse import urlsplit

    from pyVim.connect import Disconnect, SmartConnect
    from pyVim.task import WaitForTask
    from pyVmomi import vim

    parts = urlsplit(url)
    si = SmartConnect(host=parts.hostname, port=parts.port, user="user", pwd="pass", disableSslCertValidation=True)
    try:
        content = si.RetrieveContent()
        cluster = content.viewManager.CreateContainerView(content.rootFolder, [vim.ClusterComputeResource], True).view[0]
        vms = {vm.name: vm for vm in cluster.resourcePool.vm}
        hosts = {h.name: h for h in cluster.host}
        spec = vim.cluster.ConfigSpecEx(
            rulesSpec=[
                vim.cluster.RuleSpec(operation="add", info=vim.cluster.AntiAffinityRuleSpec(
                    name="apart", enabled=True, vm=[vms["DC0_C0_RP0_VM0"], vms["DC0_C0_RP0_VM1"]])),
                vim.cluster.RuleSpec(operation="add", info=vim.cluster.VmHostRuleInfo(
                    name="pinned", enabled=True, mandatory=True, vmGroupName="vms-a", affineHostGroupName="hosts-a")),
            ],
            groupSpec=[
                vim.cluster.GroupSpec(operation="add", info=vim.cluster.VmGroup(name="vms-a", vm=[vms["DC0_C0_RP0_VM0"]])),
                vim.cluster.GroupSpec(operation="add", info=vim.cluster.HostGroup(
                    name="hosts-a", host=[hosts["DC0_C0_H0"], hosts["DC0_C0_H1"]])),
            ])
        WaitForTask(cluster.ReconfigureComputeResource_Task(spec, modify=True))
    finally:
        Disconnect(si)


def test_drs_rules_and_groups_become_cluster_rules(binary: Path) -> None:
    own = Vcsim(binary)  # its own simulator: this test changes the inventory
    try:
        _add_rules(own.url)
        imported = read_vcenter(own.url, "user", "pass", verify_tls=False)
    finally:
        own.stop()
    rules = {r["name"]: r for r in imported.design["clusters"]["DC0_C0"]["rules"]}
    assert rules["apart"] == {"name": "apart", "enabled": True, "type": "anti_affinity",
                              "vms": ["DC0_C0_RP0_VM0", "DC0_C0_RP0_VM1"], "must": False}
    assert rules["pinned"] == {"name": "pinned", "enabled": True, "type": "vm_host", "vms": ["DC0_C0_RP0_VM0"],
                               "hosts": ["DC0_C0_H0", "DC0_C0_H1"], "must": True}
    assert next(r for r in imported.report if r.text.endswith("/rules/pinned")).support is Support.SUPPORTED
    assert build_inventory(imported.design)[1] == []


def test_a_server_that_is_not_vsphere_is_a_located_error(tmp_path: Path) -> None:
    import http.server
    import threading

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/sdk"
        with pytest.raises(ImportSourceError) as err:
            read_vcenter(url, "user", "pass", timeout_s=5)
    finally:
        server.shutdown()
        server.server_close()
    assert str(err.value).startswith(f"{url}: error: not a vSphere API endpoint")


def test_ha_and_drs_settings_map_to_the_design() -> None:
    """vcsim cannot change a cluster's HA settings, so the mapping is checked on pyVmomi's own data objects
    (cluster-behaviour: DRS threshold 1 = conservative, which vSphere's vmotionRate counts the other way)."""
    from pyVmomi import vim

    from vinfra.importers.vcenter import _drs, _ha

    notes: list[str] = []
    das = vim.cluster.DasConfigInfo(
        enabled=True, admissionControlEnabled=True,
        admissionControlPolicy=vim.cluster.FailoverResourcesAdmissionControlPolicy(
            cpuFailoverResourcesPercent=25, memoryFailoverResourcesPercent=30),
        defaultVmSettings=vim.cluster.DasVmSettings(isolationResponse="shutdown"),
        option=[vim.option.OptionValue(key="das.isolationaddress0", value="10.0.1.1"),
                vim.option.OptionValue(key="das.isolationaddress1", value="not-an-address")])
    assert _ha(das, vim, notes) == {"enabled": True, "admission_control": {"policy": "percentage", "value": 25},
                                    "isolation_response": "shutdown", "isolation_addresses": ["10.0.1.1"]}
    assert any("different CPU and memory" in n for n in notes) and any("isolationaddress1" in n for n in notes)
    level = vim.cluster.DasConfigInfo(enabled=True, admissionControlEnabled=True,
                                      admissionControlPolicy=vim.cluster.FailoverLevelAdmissionControlPolicy(failoverLevel=2))
    assert _ha(level, vim, [])["admission_control"] == {"policy": "host_failures", "value": 2}
    off = vim.cluster.DasConfigInfo(enabled=False, admissionControlEnabled=False)
    assert _ha(off, vim, [])["admission_control"]["policy"] == "disabled"
    for rate, threshold in ((1, 5), (3, 3), (5, 1)):
        drs = vim.cluster.DrsConfigInfo(enabled=True, defaultVmBehavior="manual", vmotionRate=rate)
        assert _drs(drs) == {"enabled": True, "automation": "manual", "threshold": threshold}
