"""The design model: typed, frozen, validated; no behaviour beyond lookups."""

from .cluster import Cluster, Datastore, Template, Vm, VmNic
from .host import Host, HostCpu, Nic, VmkernelPort
from .ifname import interface_key, po_number, svi_vlan
from .inventory import Inventory, Link, Problem, build_inventory
from .physical import Fhrp, PortStp, Switch, SwitchInterface
from .refs import FailureRef, InterfaceRef
from .vlan import ALL_VLANS, NO_VLANS, VlanSet
from .vswitch import DvPortGroup, DvSwitch, EffectiveTeaming, PortGroup, Teaming, VSwitch, resolve_teaming

__all__ = [
    "ALL_VLANS", "NO_VLANS", "Cluster", "Datastore", "DvPortGroup", "DvSwitch", "EffectiveTeaming",
    "FailureRef", "Fhrp", "Host", "HostCpu", "InterfaceRef", "Inventory", "Link", "Nic", "PortGroup",
    "PortStp", "Problem", "Switch", "SwitchInterface", "Teaming", "Template", "VSwitch", "VlanSet", "Vm",
    "VmNic", "VmkernelPort", "build_inventory", "interface_key", "po_number", "resolve_teaming", "svi_vlan",
]
