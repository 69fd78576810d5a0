"""ESX/ESXi hosts: CPU, memory, physical NICs, vSwitches and VMkernel ports."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from .base import MAX_MEMORY_GB, IPv4Addr, IPv4If, Mac, Mtu, SharedSpec, Spec, Speed
from .vswitch import VSwitch

Service = Literal["management", "vmotion", "iscsi", "nfs", "ft", "service_console", "provisioning", "vsan", "replication"]


class HostCpu(SharedSpec):
    sockets: Annotated[int, Field(ge=1, le=64)] = 2
    cores: Annotated[int, Field(ge=1, le=512)] = 4  # per socket
    mhz: Annotated[int, Field(ge=1, le=10_000)] = 2000
    vendor: Literal["intel", "amd"] = "intel"
    family: str | None = None

    @property
    def capacity_mhz(self) -> int:
        return self.sockets * self.cores * self.mhz


class Nic(SharedSpec):
    """A physical NIC (vmnic): no IP address, just a cable."""

    speed: Speed = 1000
    mac: Mac | None = None
    driver: str | None = None


class VmkernelPort(Spec):
    """A VMkernel port, or a Service Console port (``vswif``) on classic ESX."""

    portgroup: str
    ip: IPv4If | None = None
    services: list[Service] = []
    mtu: Mtu = 1500  # a VMkernel port does not inherit its vSwitch's MTU
    gateway: IPv4Addr | None = None
    iscsi_port_binding: bool = False
    mac: Mac | None = None

    @property
    def is_service_console(self) -> bool:
        return "service_console" in self.services


class HostSettings(SharedSpec):
    """Host advanced settings that change behaviour."""

    block_guest_bpdu: bool = False  # Net.BlockGuestBPDU (S5)
    reverse_path_fwd_check_promisc: bool = False  # Net.ReversePathFwdCheckPromisc (F11)


class Host(Spec):
    name: str = Field("", exclude=True)
    cluster: str | None = None
    product: Literal["esx", "esxi"] = "esxi"
    version: str | None = None  # [3.5 for esx, 8.0 for esxi]
    cpu: HostCpu = HostCpu()
    memory_gb: Annotated[float, Field(gt=0, le=MAX_MEMORY_GB)] = 64
    nics: dict[str, Nic] = {}
    vswitches: dict[str, VSwitch] = {}
    vmkernel: dict[str, VmkernelPort] = {}
    datastores: list[str] = []
    state: Literal["connected", "maintenance", "disconnected"] = "connected"
    settings: HostSettings = HostSettings()
    description: str | None = None

    @model_validator(mode="after")
    def _version_default(self) -> Host:
        if self.version is None:
            object.__setattr__(self, "version", "3.5" if self.product == "esx" else "8.0")
        return self

    def portgroup_vswitch(self, label: str) -> str | None:
        """The standard vSwitch that holds port group ``label`` on this host."""
        for vs_name, vs in self.vswitches.items():
            if label in vs.portgroups:
                return vs_name
        return None
