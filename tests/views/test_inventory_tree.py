"""The inventory tree: datacenter → clusters → hosts → VMs, then standalone hosts and templates."""

from __future__ import annotations

import vinfra
from _paths import OWN_EXAMPLES
from vinfra.views import TreeNode, inventory_tree
from vinfra.views.inventory_tree import num


def test_golden_tree_with_states_and_templates() -> None:
    inv = vinfra.load(OWN_EXAMPLES / "small-cluster-templates.yaml")
    assert inventory_tree(inv).lines() == [
        "Datacenter lab-small-cluster",
        "  Cluster lab  [DRS fully (threshold 3), HA (34% reserved)]",
        "    lab-esx1  ESXi 8.0, 1x8 cores @ 3200 MHz, 128 GB",
        "      web01  2 vCPUs, 4 GB",
        "      app01  4 vCPUs, 4 GB",
        "      cache01  2 vCPUs, 4 GB",
        "    lab-esx2  ESXi 8.0, 1x8 cores @ 3200 MHz, 128 GB",
        "      web02  2 vCPUs, 4 GB",
        "      db01  8 vCPUs, 32 GB",
        "      scratch01  2 vCPUs, 4 GB  (powered off)",
        "    lab-esx3  ESXi 8.0, 1x8 cores @ 3200 MHz, 128 GB  (maintenance)",
        "  Templates",
        "    tpl-linux-small  2 vCPUs, 4 GB",
        "    tpl-linux-large  8 vCPUs, 32 GB",
    ]


def test_standalone_hosts_and_cluster_features() -> None:
    inv = vinfra.load_text(
        """
name: mixed
clusters:
  c1: {evc: intel-sandybridge, ha: {enabled: true, admission_control: {policy: failover_hosts, value: [esx02]}}}
  c2: {ha: {enabled: true, admission_control: {policy: host_failures, value: 2}}}
  c3: {drs: {enabled: true, automation: manual, threshold: 1}}
hosts:
  esx01: {cluster: c1, product: esx, memory_gb: 7.5}
  esx02: {cluster: c1, state: disconnected}
  lone: {cpu: {sockets: 1, cores: 2, mhz: 1800}}
vms:
  s1: {host: lone, power: suspended, cpu: {vcpus: 1}, memory_gb: 0.5}
"""
    )
    tree = inventory_tree(inv)
    assert tree.lines() == [
        "Datacenter mixed",
        "  Cluster c1  [HA (failover hosts esx02), EVC intel-sandybridge]",
        "    esx01  ESX 3.5, 2x4 cores @ 2000 MHz, 7.5 GB",
        "    esx02  ESXi 8.0, 2x4 cores @ 2000 MHz, 64 GB  (disconnected)",
        "  Cluster c2  [HA (tolerates 2 host failures)]",
        "  Cluster c3  [DRS manual (threshold 1)]",
        "  lone  ESXi 8.0, 1x2 cores @ 1800 MHz, 64 GB",
        "    s1  1 vCPU, 0.5 GB  (suspended)",
    ]
    assert isinstance(tree.children[0], TreeNode) and len(tree.children) == 4


def test_num() -> None:
    assert (num(32.0), num(0.5), num(7), num(1.25)) == ("32", "0.5", "7", "1.25")
