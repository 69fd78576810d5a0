"""The inventory as vCenter's "Hosts and Clusters" view shows it.

Datacenter (the design's name) → clusters → hosts → VMs, then the standalone hosts, then templates.
Everything appears in design order, so the same file always gives the same tree.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Cluster, Host, Inventory, Vm


@dataclass(frozen=True, slots=True)
class TreeNode:
    label: str
    children: tuple[TreeNode, ...] = ()

    def lines(self, indent: str = "  ") -> list[str]:
        """The tree as indented plain text (one node per line)."""
        out = [self.label]
        for child in self.children:
            out.extend(indent + line for line in child.lines(indent))
        return out


def num(value: float) -> str:
    """``32.0`` → ``32``, ``0.5`` → ``0.5``: sizes as people write them."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def cluster_label(name: str, cl: Cluster) -> str:
    features = []
    if cl.drs.enabled:
        features.append(f"DRS {cl.drs.automation} (threshold {cl.drs.threshold})")
    if cl.ha.enabled:
        features.append(f"HA ({_admission(cl)})")
    if cl.evc:
        features.append(f"EVC {cl.evc}")
    return f"Cluster {name}" + (f"  [{', '.join(features)}]" if features else "")


def _admission(cl: Cluster) -> str:
    ac = cl.ha.admission_control
    if ac.policy == "host_failures" and isinstance(ac.value, int):
        return f"tolerates {_plural(ac.value, 'host failure')}"
    if ac.policy == "percentage" and isinstance(ac.value, int):
        return f"{ac.value}% reserved"
    if ac.policy == "failover_hosts":
        hosts = ", ".join(ac.value) if isinstance(ac.value, list) else str(ac.value)
        return f"failover hosts {hosts}"
    return "no admission control" if ac.policy == "disabled" else f"{ac.policy} {ac.value}"


def host_label(name: str, host: Host) -> str:
    product = "ESX" if host.product == "esx" else "ESXi"
    cpu = host.cpu
    label = (
        f"{name}  {product} {host.version}, {cpu.sockets}x{cpu.cores} cores @ {cpu.mhz} MHz, "
        f"{num(host.memory_gb)} GB"
    )
    if host.state != "connected":
        label += f"  ({host.state})"
    return label


def vm_label(name: str, vm: Vm) -> str:
    label = f"{name}  {_plural(vm.cpu.vcpus, 'vCPU')}, {num(vm.memory_gb)} GB"
    if vm.power != "on":
        label += f"  (powered {vm.power})" if vm.power == "off" else f"  ({vm.power})"
    return label


def _host_node(inv: Inventory, name: str) -> TreeNode:
    vms = tuple(TreeNode(vm_label(v, inv.vms[v])) for v in inv.vms_on(name))
    return TreeNode(host_label(name, inv.hosts[name]), vms)


def inventory_tree(inv: Inventory) -> TreeNode:
    children: list[TreeNode] = []
    for cname, cl in inv.clusters.items():
        hosts = tuple(_host_node(inv, h) for h in inv.cluster_hosts(cname))
        children.append(TreeNode(cluster_label(cname, cl), hosts))
    children.extend(_host_node(inv, h) for h, host in inv.hosts.items() if host.cluster is None)
    if inv.templates:
        children.append(TreeNode("Templates", tuple(
            TreeNode(f"{t}  {_plural(tpl.cpu.vcpus, 'vCPU')}, {num(tpl.memory_gb)} GB")
            for t, tpl in inv.templates.items()
        )))
    return TreeNode(f"Datacenter {inv.name}", tuple(children))
