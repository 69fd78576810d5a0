"""Clusters (DRS, HA, rules), datastores, VMs and templates."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from .base import (
    MAX_CAPACITY_GB,
    MAX_MEMORY_GB,
    MAX_MHZ,
    MAX_RATE_MB_S,
    IPv4Addr,
    IPv4If,
    Mac,
    MemoryGb,
    MemoryMb,
    Mhz,
    SharedSpec,
    Spec,
    shown,
)


class Drs(SharedSpec):
    enabled: bool = False
    automation: Literal["manual", "partially", "fully"] = "fully"
    threshold: Annotated[int, Field(ge=1, le=5)] = 3


class AdmissionControl(Spec):
    """HA admission control: ``value`` is a number of host failures (0-63, a cluster holds 64 hosts), a
    percentage of resources (0-100), or the failover hosts' names, by policy."""

    policy: Literal["host_failures", "percentage", "failover_hosts", "disabled"] = "host_failures"
    value: int | list[str] = 1

    @model_validator(mode="after")
    def _value_fits_policy(self) -> AdmissionControl:
        value = self.value
        if self.policy == "percentage" and not (isinstance(value, int) and 0 <= value <= 100):
            raise ValueError(f"an HA percentage is 0-100, got {shown(value)}")
        if self.policy == "host_failures" and not (isinstance(value, int) and 0 <= value <= 63):
            raise ValueError(f"HA host failures to tolerate is 0-63, got {shown(value)}")
        if self.policy == "failover_hosts" and not isinstance(value, list):
            raise ValueError(f"the failover_hosts policy takes a list of host names, got {shown(value)}")
        return self


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
    capacity_gb: Annotated[float, Field(ge=0, le=MAX_CAPACITY_GB)] = 1024


class VmCpu(SharedSpec):
    vcpus: Annotated[int, Field(ge=1, le=768)] = 1
    reservation_mhz: Annotated[int, Field(ge=0, le=MAX_MHZ)] = 0
    limit_mhz: Annotated[int, Field(ge=0, le=MAX_MHZ)] | None = None
    shares: Literal["low", "normal", "high"] | int = "normal"


class VmMemory(SharedSpec):
    reservation_gb: MemoryGb = 0
    limit_gb: MemoryGb | None = None  # DRS entitlement never exceeds it (cluster-behaviour §2.1); None: no limit
    shares: Literal["low", "normal", "high"] | Annotated[int, Field(ge=0)] = "normal"  # 5/10/20 per MB (§2.1)
    overhead_mb: MemoryMb = 0
    active_pct: Annotated[float, Field(ge=0, le=100)] = 25
    dirty_mb_s: Annotated[float, Field(ge=0, le=MAX_RATE_MB_S)] = 20


class VmDrs(SharedSpec):
    """The VM's DRS automation level (cluster-behaviour §2.3): None follows the cluster; ``disabled`` keeps DRS
    from ever moving it (it still counts in the load)."""

    automation: Literal["manual", "partially", "fully", "disabled"] | None = None


class VmHa(SharedSpec):
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


class VmLoad(SharedSpec):
    cpu_mhz: Mhz = 0
    memory_gb: MemoryGb = 0


class VmSpec(Spec):
    """What a VM and a template share."""

    name: str = Field("", exclude=True)
    guest: str | None = None
    cpu: VmCpu = VmCpu()
    memory_gb: Annotated[float, Field(gt=0, le=MAX_MEMORY_GB)] = 1
    memory: VmMemory = VmMemory()
    power: Literal["on", "off", "suspended"] = "on"
    ha: VmHa = VmHa()
    drs: VmDrs = VmDrs()
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
