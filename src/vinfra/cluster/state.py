"""The runtime state of a design's clusters: where each VM runs, its power and demand, and which hosts are
failed, in maintenance or in standby.

A design (:class:`~vinfra.model.Inventory`) is immutable and costly to rebuild; DRS, HA, the simulation and the
server need to ask "what if this VM ran there, or that host were gone" many times. A :class:`ClusterState`
is that view, built once from a design and changed by copy (``with_vm``, ``with_host``, ``with_added_vm``),
so every model stays a plain function of (design, state) with no hidden mutation.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Literal

from ..model import Inventory
from ..model.cluster import Vm, VmSpec

Power = Literal["on", "off", "suspended"]


@dataclass(frozen=True, slots=True)
class VmState:
    """Where a VM runs and what it asks for now (demand defaults to the design's ``load``)."""

    host: str
    power: Power
    cpu_mhz: float
    memory_gb: float


# VmState's slot setters (:meth:`ClusterState.of` builds one per VM of the design)
_SET_HOST = VmState.host.__set__  # type: ignore[attr-defined]
_SET_POWER = VmState.power.__set__  # type: ignore[attr-defined]
_SET_CPU = VmState.cpu_mhz.__set__  # type: ignore[attr-defined]
_SET_MEMORY = VmState.memory_gb.__set__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class HostState:
    failed: bool = False
    maintenance: bool = False
    standby: bool = False

    @property
    def usable(self) -> bool:
        """Can run VMs: not failed, not in maintenance, not in standby (cluster-behaviour §2.7, §3.3)."""
        return not (self.failed or self.maintenance or self.standby)


@dataclass(frozen=True)
class ClusterState:
    """VM placement, power and demand, and host availability; change it by copy."""

    vms: Mapping[str, VmState]
    hosts: Mapping[str, HostState]
    #: VMs that exist at run time but not in the design (clones), by name
    added: Mapping[str, Vm] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def of(cls, inv: Inventory) -> ClusterState:
        """The state the design describes: hosts failed by the design's ``failures`` (a failed device),
        hosts whose ``state`` is ``maintenance``, VMs as declared."""
        hosts = cls.design_hosts(inv)
        # each VmState filled through its slots: what its __init__ does, without the frozen dataclass's
        # object.__setattr__ per field (a design has tens of thousands of VMs)
        new = object.__new__
        vms: dict[str, VmState] = {}
        for name, vm in inv.vms.items():
            s = vms[name] = new(VmState)
            _SET_HOST(s, vm.host)
            _SET_POWER(s, vm.power)
            load = vm.load
            _SET_CPU(s, float(load.cpu_mhz))
            _SET_MEMORY(s, float(load.memory_gb))
        return cls(MappingProxyType(vms), MappingProxyType(hosts))

    @staticmethod
    def design_hosts(inv: Inventory, failed: Collection[str] = ()) -> dict[str, HostState]:
        """The hosts of :meth:`of`, by name (failed by the design's ``failures``, in maintenance by their
        ``state``), with the hosts ``failed`` failed too."""
        down = {f.device for f in inv.failures if f.kind == "device"}
        return {name: HostState(failed=name in down or name in failed, maintenance=h.state == "maintenance")
                for name, h in inv.hosts.items()}

    # reading --------------------------------------------------------------------------------
    def spec(self, inv: Inventory, vm: str) -> VmSpec:
        """A VM's configuration: the design's, or the clone's."""
        return self.added[vm] if vm in self.added else inv.vms[vm]

    def placement(self, hosts: Mapping[str, object] | None = None) -> dict[str, str]:
        """Powered-on VM -> host, optionally only on the given hosts (e.g. one cluster's)."""
        return {name: s.host for name, s in self.vms.items()
                if s.power == "on" and (hosts is None or s.host in hosts)}

    def vms_on(self, host: str) -> Iterator[str]:
        return (name for name, s in self.vms.items() if s.host == host)

    def cluster_hosts(self, inv: Inventory, cluster: str, *, usable_only: bool = True) -> list[str]:
        """The cluster's hosts in the design's order (the order ties are broken by), usable ones only by
        default."""
        return [name for name, h in inv.hosts.items()
                if h.cluster == cluster and (not usable_only or self.hosts[name].usable)]

    # changing (by copy) ---------------------------------------------------------------------
    def with_vm(self, name: str, *, host: str | None = None, power: Power | None = None,
                cpu_mhz: float | None = None, memory_gb: float | None = None) -> ClusterState:
        old = self.vms[name]  # KeyError names an unknown VM: callers validate names first
        new = VmState(host if host is not None else old.host, power if power is not None else old.power,
                      cpu_mhz if cpu_mhz is not None else old.cpu_mhz,
                      memory_gb if memory_gb is not None else old.memory_gb)
        return replace(self, vms=MappingProxyType({**self.vms, name: new}))

    def with_host(self, name: str, *, failed: bool | None = None, maintenance: bool | None = None,
                  standby: bool | None = None) -> ClusterState:
        old = self.hosts[name]
        new = HostState(old.failed if failed is None else failed,
                        old.maintenance if maintenance is None else maintenance,
                        old.standby if standby is None else standby)
        return replace(self, hosts=MappingProxyType({**self.hosts, name: new}))

    def with_added_vm(self, vm: Vm, name: str) -> ClusterState:
        """A new VM (a clone) named ``name``, powered as ``vm.power``, on ``vm.host``."""
        if name in self.vms:
            raise ValueError(f"VM '{name}' already exists")
        vm = vm.model_copy(update={"name": name})
        state = VmState(vm.host, vm.power, float(vm.load.cpu_mhz), float(vm.load.memory_gb))
        return replace(self, vms=MappingProxyType({**self.vms, name: state}),
                       added=MappingProxyType({**self.added, name: vm}))
