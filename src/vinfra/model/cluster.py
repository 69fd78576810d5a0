"""Clusters (DRS, HA, rules), datastores, VMs and templates."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from .base import IPv4Addr, IPv4If, Mac, Spec


class Drs(Spec):
    enabled: bool = False
    automation: Literal["manual", "partially", "fully"] = "fully"
    threshold: Annotated[int, Field(ge=1, le=5)] = 3


class AdmissionControl(Spec):
    policy: Literal["host_failures", "percentage", "failover_hosts", "disabled"] = "host_failures"
    value: int | list[str] = 1


class Ha(Spec):
    enabled: bool = False
    admission_control: AdmissionControl = AdmissionControl()
    isolation_response: Literal["leave_powered_on", "power_off", "shutdown"] | None = None  # [by version]
    isolation_addresses: list[IPv4Addr] = []


class ClusterRule(Spec):
    name: str
    type: Literal["affinity", "anti_affinity", "vm_host", "vm_anti_host"]
    vms: list[str]
    hosts: list[str] = []
    must: bool = False
    enabled: bool = True


class Cluster(Spec):
    name: str = Field("", exclude=True)
    evc: str | None = None
    drs: Drs = Drs()
    ha: Ha = Ha()
    rules: list[ClusterRule] = []
    description: str | None = None


class Datastore(Spec):
    name: str = Field("", exclude=True)
    type: Literal["vmfs", "nfs", "vsan", "vvol"] = "vmfs"
    transport: Literal["fc", "fcoe", "iscsi", "nfs", "local", "vsan"] = "fc"
    capacity_gb: Annotated[float, Field(ge=0)] = 1024


class VmCpu(Spec):
    vcpus: Annotated[int, Field(ge=1, le=768)] = 1
    reservation_mhz: Annotated[int, Field(ge=0)] = 0
    limit_mhz: Annotated[int, Field(ge=0)] | None = None
    shares: Literal["low", "normal", "high"] | int = "normal"


class VmMemory(Spec):
    reservation_gb: Annotated[float, Field(ge=0)] = 0
    overhead_mb: Annotated[float, Field(ge=0)] = 0
    active_pct: Annotated[float, Field(ge=0, le=100)] = 25
    dirty_mb_s: Annotated[float, Field(ge=0)] = 20


class VmHa(Spec):
    restart_priority: Literal["highest", "high", "medium", "low", "lowest", "disabled"] = "medium"


class VmNic(Spec):
    """A vNIC: ``network`` is a port group on the VM's host, or ``dvs/portgroup``.

    ``guest_vlan`` is the VLAN the guest OS tags this NIC's address with (VGT, V3, V4): only on a
    standard port group with VLAN 4095 or a vDS VLAN trunk whose range holds it (checked against the
    host's port group when the design is built); None: the guest sends untagged.
    """

    network: str
    guest_vlan: Annotated[int, Field(ge=1, le=4094)] | None = None
    mac: Mac | None = None
    ip: IPv4If | None = None
    gateway: IPv4Addr | None = None
    connected: bool = True


class VmLoad(Spec):
    cpu_mhz: Annotated[float, Field(ge=0)] = 0
    memory_gb: Annotated[float, Field(ge=0)] = 0


class VmSpec(Spec):
    """What a VM and a template share."""

    name: str = Field("", exclude=True)
    guest: str | None = None
    cpu: VmCpu = VmCpu()
    memory_gb: Annotated[float, Field(gt=0)] = 1
    memory: VmMemory = VmMemory()
    power: Literal["on", "off", "suspended"] = "on"
    ha: VmHa = VmHa()
    datastore: str | None = None
    # factories, not [] literals: pydantic deep-copies an unhashable default for every VM
    nics: list[VmNic] = Field(default_factory=list)
    load: VmLoad = VmLoad()
    local_devices: list[str] = Field(default_factory=list)
    description: str | None = None

    @field_validator("power", mode="before")
    @classmethod
    def _power(cls, value: object) -> object:
        # YAML 1.1 habits: `power: on` written by a 1.1 tool arrives as a boolean
        if value is True:
            return "on"
        if value is False:
            return "off"
        return value


class Vm(VmSpec):
    host: str


class Template(VmSpec):
    pass
