"""Provisioning (cluster-behaviour §4.2): clone a template into a new VM, as a plain function of a design and
a :class:`~vinfra.cluster.state.ClusterState`.

:func:`check_clone` answers a :class:`CloneAnswer`: whether the clone is allowed and, when it is, where it
lands, how long it takes, what it charges under the §1.4 concurrency limits, its disks, its guest
customization and the new VM itself; when it is not, every refusal with its VMware-style fault name and the
request field it is about.  Nothing here prints, keeps global state or reads the clock; the server's clone
task and the simulation's ``clone`` events both call it.

What is checked, in this order (every refusal is reported, not only the first):

- **the source** is a template of the design (§4.1: a template is a VM with ``template=true``; topology-v1
  ``templates:``); else ``NotFound``;
- **the name**: a VM name (:func:`vinfra.model.refs.check_label`, at most :attr:`ProvisioningSettings.
  name_max` characters, vCenter's 80) else ``InvalidName``; not the name of a VM, clone or template already
  there else ``DuplicateName`` (§4.1: names unique per folder; a design is one folder);
- **the destination**: template -> VM needs a pool (§4.2), so a cluster (its root pool) or a host; a named
  host must be in the named cluster (``InvalidArgument``) and usable: not failed, in maintenance or standby
  (``InvalidHostState``, as §1.1 P8);
- **linked clones** (§4.2, scenario 17): a linked clone (``createNewChildDiskBacking``) is valid only from a
  snapshot of the source: without one, or with one the template does not have, ``InvalidArgument``.
  topology-v1 has no snapshot field and the design format stays unchanged, so **[model]** the snapshots a
  template has are :attr:`ProvisioningSettings.snapshots` (template -> names); when that is None (the default)
  every template is a sealed golden image with exactly one snapshot, :attr:`ProvisioningSettings.
  template_snapshot` (``base``), taken when it was marked a template.  A request must still name it;
- **guest customization** (§4.2): a hostname (RFC 1123: dot-separated labels of letters, digits and ``-``, at
  most 63 characters each and 253 in all, else ``InvalidArgument``) and, per vNIC by index, an address with
  its prefix and an optional gateway.  More NIC settings than the template has vNICs is
  ``NicSettingMismatch`` (vSphere's fault).  Each address must be a host address of its prefix, the gateway
  inside it, no two NICs of the request share one, and none may be held by any endpoint of the design or an
  earlier clone (the design's address index, :meth:`vinfra.model.Inventory.addresses`: VM NICs, VMkernel
  ports, SVIs, FHRP addresses); where the switches route the NIC's VLAN (an SVI of that VLAN, the network
  model's L3 declarations) the address must be in one of those subnets ("where it exists": an unrouted VLAN
  is not judged).  All ``InvalidArgument`` naming the field;
- **placement**: DRS initial placement (§2.5, :func:`vinfra.cluster.drs.place`: datastore and port groups
  on the host, required rules, reservations) with HA admission control (:func:`vinfra.cluster.ha.
  admission_hook`) when the clone is powered on (§3.4: admission control blocks power-ons; a powered-off
  clone consumes no failover capacity).  A named host must be among the candidates; without one the best
  candidate is taken.  **[model]** With DRS disabled on the cluster the candidates are taken in the design's
  host order (vCenter would ask the user to pick a host).  No candidate: ``NoCompatibleHost``, or
  ``InsufficientFailoverResources`` when only HA admission control stands in the way.  A standalone host
  (no cluster) gets the same datastore, port-group and state checks without DRS or HA.

What the answer carries when the clone is allowed:

- ``duration_s`` from scenario-v1's timing table: a full clone copies the template's disk at ``clone_mb_s``
  (:class:`vinfra.timing.Timers`, default 200 MB/s); topology-v1 gives no disk sizes, so **[model]** the disk
  is :attr:`ProvisioningSettings.disk_gb` (40 GB: 204.8 s); a linked clone takes
  :attr:`ProvisioningSettings.linked_clone_s` (5 s);
- the §1.4 cost: "other provisioning (clone, deploy, cold migrate)" charges 1 on the destination host
  (:func:`clone_operation`, queued FIFO with vMotions by :func:`vinfra.cluster.vmotion.schedule`); the table
  gives it no network or datastore cost;
- ``disks``: a full clone's own copy (``moveAllDiskBackingsAndDisallowSharing``), or a linked clone's delta
  disk whose parent is the snapshot's disk (``createNewChildDiskBacking``; the template's disks become
  shared, scenario 17);
- ``customization``: it runs on the clone's first boot (§4.2); **[model]** it fails when the template's guest
  OS is not one Sysprep or the Tools script customizes (:attr:`ProvisioningSettings.customizable_guests`,
  by prefix); a failure is the event ``CustomizationFailed`` while the clone itself has succeeded;
- ``vm``: the new VM (the template's fields, the host, ``power``, the customized addresses; its vNICs get
  new MACs, as vCenter gives a clone, so none is declared; topology-v1 has no host-name field, so a customized
  host name is noted in its ``description`` [model]).

Not modelled: VM -> VM and VM -> template clones (§4.2 lists them; the server and the simulation clone
templates only), folders, resource pools below the cluster's root (topology-v1 has none), Storage DRS (the
clone lives on the template's datastore), ``PromoteDisks_Task``, and the §4.4 VM maxima.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from typing import Any

from ..model import Inventory, svi_vlan
from ..model.cluster import Template, Vm, VmNic
from ..model.refs import check_label
from ..timing import DEFAULT_TIMERS, Timers
from . import drs, ha
from .state import ClusterState
from .vmotion import Limits, Operation

#: §1.4: what "other provisioning (clone, deploy, cold migrate)" charges on a host
CLONE_HOST_COST = 1
#: RFC 1123 host name label
_LABEL_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


@dataclass(frozen=True, slots=True)
class ProvisioningSettings:
    """The [model] choices of §4.2 (module doc), with their defaults."""

    #: [model] the disk a full clone copies (GB): topology-v1 gives no disk sizes.
    disk_gb: float = 40.0
    #: scenario-v1's timing table: a linked clone takes this long (s).
    linked_clone_s: float = 5.0
    #: [model] the snapshots each template has, by template; None: every template has one,
    #: :attr:`template_snapshot`.
    snapshots: Mapping[str, tuple[str, ...]] | None = None
    #: [model] the one snapshot of a sealed template when :attr:`snapshots` is None.
    template_snapshot: str = "base"
    #: [model] guest OS names (by prefix, case-insensitive) Sysprep or the Tools script customizes; any other
    #: guest, or none declared, fails its customization on first boot (an event; the clone succeeded).
    customizable_guests: tuple[str, ...] = ("windows", "win", "ubuntu", "debian", "rhel", "redhat", "centos",
                                            "rocky", "alma", "oracle", "sles", "suse", "photon", "linux")
    #: vCenter's longest VM name.
    name_max: int = 80

    def __post_init__(self) -> None:
        if self.disk_gb < 0 or self.linked_clone_s < 0:
            raise ValueError("disk_gb and linked_clone_s are 0 or more")

    def snapshots_of(self, template: str) -> tuple[str, ...]:
        if self.snapshots is None:
            return (self.template_snapshot,)
        return tuple(self.snapshots.get(template, ()))


DEFAULT_PROVISIONING_SETTINGS = ProvisioningSettings()


@dataclass(frozen=True, slots=True)
class NicCustomization:
    """One vNIC's guest IP settings (CustomizationAdapterMapping): ``ip`` with its prefix (``10.0.0.5/24``)."""

    ip: str | None = None
    gateway: str | None = None


@dataclass(frozen=True, slots=True)
class CloneRequest:
    """``CloneVM_Task(folder, name, spec{location, template, powerOn, customization, snapshot})`` of a template."""

    template: str
    name: str
    cluster: str | None = None
    host: str | None = None
    linked: bool = False
    snapshot: str | None = None
    power_on: bool = False
    hostname: str | None = None
    nics: tuple[NicCustomization, ...] = ()

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> CloneRequest:
        """From plain data (the server's body, a scenario event): ``nics`` as ``[{ip, gateway}]``."""
        nics = tuple(NicCustomization(n.get("ip"), n.get("gateway")) if n is not None else NicCustomization()
                     for n in (data.get("nics") or ()))
        return cls(str(data["template"]), str(data["name"]), data.get("cluster"), data.get("host"),
                   bool(data.get("linked", False)), data.get("snapshot"), bool(data.get("power_on", False)),
                   data.get("hostname"), nics)


@dataclass(frozen=True, slots=True)
class CloneFault:
    fault: str
    message: str
    field: str

    def row(self) -> dict[str, str]:
        return {"fault": self.fault, "message": self.message, "field": self.field}


@dataclass
class CloneAnswer:
    request: CloneRequest
    faults: list[CloneFault] = field(default_factory=list)
    cluster: str | None = None
    host: str | None = None
    candidates: list[str] = field(default_factory=list)
    duration_s: float = 0.0
    disks: list[dict[str, Any]] = field(default_factory=list)
    customization: dict[str, Any] | None = None
    vm: Vm | None = None

    @property
    def ok(self) -> bool:
        return not self.faults

    def operation(self, name: str) -> Operation:
        """The §1.4 charges of this clone (see :func:`clone_operation`)."""
        assert self.host is not None, "a refused clone charges nothing"
        return clone_operation(name, self.host)

    def row(self) -> dict[str, Any]:
        r = self.request
        return {"ok": self.ok, "template": r.template, "name": r.name, "cluster": self.cluster, "host": self.host,
                "candidates": list(self.candidates), "linked": r.linked, "snapshot": r.snapshot,
                "power_on": r.power_on, "duration_s": round(self.duration_s, 6),
                "cost": [{"resource": "host", "name": self.host, "cost": CLONE_HOST_COST}] if self.host and self.ok else [],
                "disks": self.disks, "customization": self.customization,
                "faults": [f.row() for f in self.faults],
                "vm": self.vm.model_dump(mode="json", exclude_none=True) if self.vm is not None and self.ok else None}


def clone_operation(name: str, host: str, limits: Limits = "vsphere5") -> Operation:
    """A clone's §1.4 charges: "other provisioning" costs 1 on the destination host in every mode (the
    table gives no network or datastore cost); it queues with vMotions against the same host maximum."""
    del limits  # the provisioning cost is 1 whatever the product's vMotion encoding
    return Operation(name, ((("host", host), CLONE_HOST_COST),))


def clone_duration_s(linked: bool, timers: Timers = DEFAULT_TIMERS,
                     settings: ProvisioningSettings = DEFAULT_PROVISIONING_SETTINGS) -> float:
    """scenario-v1's table: full = disk size / ``clone_mb_s``; linked = 5 s."""
    return settings.linked_clone_s if linked else settings.disk_gb * 1024 / timers.clone_mb_s


def hostname_problem(name: str) -> str | None:
    """Why ``name`` is not an RFC 1123 host name, or None."""
    if not name or len(name) > 253:
        return f"a host name is 1 to 253 characters, got {len(name)}"
    for label in name.rstrip(".").split("."):
        if not _LABEL_RE.match(label):
            return (f"label {label!r}: letters, digits and '-', 1 to 63 characters, not starting or ending with '-'"
                    " (RFC 1123)")
    return None


def _portgroup_vlan(inv: Inventory, host: str, network: str) -> int | None:
    found = inv.portgroup_of(host, network)
    if found is None:
        return None
    kind, switch, label = found
    pg = inv.hosts[host].vswitches[switch].portgroups[label] if kind == "vss" else inv.dvswitches[switch].portgroups[label]
    vlan = getattr(pg, "vlan", None)
    return vlan if isinstance(vlan, int) and 1 <= vlan <= 4094 else None


def routed_subnets(inv: Inventory, vlan: int) -> list[IPv4Network]:
    """The subnets the design's switches route for ``vlan``: their SVIs of that VLAN (the network model's L3
    declarations, :func:`vinfra.network.l3.l3_decls`)."""
    from ..network.l3 import l3_decls

    out: list[IPv4Network] = []
    for (_switch, iname), iface in l3_decls(inv).ports.items():
        if svi_vlan(iname) == vlan:
            address = iface.address  # type: ignore[attr-defined]
            if address is not None and address.network not in out:
                out.append(address.network)
    return out


def _addresses_in_use(inv: Inventory, state: ClusterState) -> dict[int, str]:
    """Address (as an int) -> who holds it: the design's endpoints and the clones already made."""
    book = inv.addresses()
    used: dict[int, str] = {}
    for addr, owner in book["owner"].items():
        used[addr] = owner
    for addr, names in book["more"].items():
        used.setdefault(addr, names[0])
    for addr, (sname, iname) in book["vips"].items():
        used.setdefault(addr, f"{sname}:{iname} (FHRP)")
    for name, vm in state.added.items():
        for k, nic in enumerate(vm.nics):
            if nic.ip is not None:
                used.setdefault(int(nic.ip.ip), name if k == 0 else f"{name}:nic{k}")
    return used


def _customize(inv: Inventory, state: ClusterState, req: CloneRequest, tpl: Template,
               faults: list[CloneFault]) -> list[tuple[IPv4Interface | None, IPv4Address | None]]:
    """The request's customization checked (module doc); answers the parsed (ip, gateway) per vNIC."""
    if req.hostname is not None:
        why = hostname_problem(req.hostname)
        if why:
            faults.append(CloneFault("InvalidArgument", f"host name {req.hostname!r}: {why}", "customization.hostname"))
    if len(req.nics) > len(tpl.nics):
        faults.append(CloneFault("NicSettingMismatch", f"{len(req.nics)} NIC settings for {len(tpl.nics)} vNIC(s) of "
                                 f"template {req.template}", "customization.nics"))
    parsed: list[tuple[IPv4Interface | None, IPv4Address | None]] = []
    used = _addresses_in_use(inv, state)
    mine: dict[int, int] = {}
    for k, nic in enumerate(req.nics):
        where = f"customization.nics[{k}]"
        ip: IPv4Interface | None = None
        gw: IPv4Address | None = None
        if nic.ip is not None:
            try:
                if "/" not in nic.ip:
                    raise ValueError("give the prefix length too, e.g. 10.0.10.5/24")
                ip = IPv4Interface(nic.ip)
            except ValueError as exc:
                faults.append(CloneFault("InvalidArgument", f"address {nic.ip!r}: {exc}", f"{where}.ip"))
        if nic.gateway is not None:
            try:
                gw = IPv4Address(nic.gateway)
            except ValueError as exc:
                faults.append(CloneFault("InvalidArgument", f"gateway {nic.gateway!r}: {exc}", f"{where}.gateway"))
        if ip is not None and (ip.ip.is_multicast or ip.ip.is_reserved or ip.ip.is_loopback or ip.ip.is_unspecified):
            faults.append(CloneFault("InvalidArgument", f"{ip.ip} is not a unicast host address", f"{where}.ip"))
            ip = None
        if ip is not None:
            net = ip.network
            if net.prefixlen < 31 and ip.ip in (net.network_address, net.broadcast_address):
                faults.append(CloneFault("InvalidArgument", f"{ip} is the {'network' if ip.ip == net.network_address else 'broadcast'}"
                                         f" address of {net}", f"{where}.ip"))
                ip = None
            elif int(ip.ip) in mine:
                faults.append(CloneFault("InvalidArgument", f"{ip.ip} is given to NIC {mine[int(ip.ip)]} too", f"{where}.ip"))
            elif int(ip.ip) in used:
                faults.append(CloneFault("InvalidArgument", f"{ip.ip} is in use by {used[int(ip.ip)]}", f"{where}.ip"))
            if ip is not None:
                mine.setdefault(int(ip.ip), k)
        if ip is not None and gw is not None and gw not in ip.network:
            faults.append(CloneFault("InvalidArgument", f"gateway {gw} is outside {ip.network}", f"{where}.gateway"))
        if gw is not None and ip is None and nic.ip is None:
            faults.append(CloneFault("InvalidArgument", "a gateway needs an address", f"{where}.ip"))
        parsed.append((ip, gw))
    for k, nic in enumerate(tpl.nics):  # a vNIC left as the template has it keeps the template's address
        if nic.ip is not None and (k >= len(parsed) or parsed[k][0] is None) and int(nic.ip.ip) in used:
            faults.append(CloneFault("InvalidArgument", f"vNIC {k} would keep template {req.template}'s address "
                                     f"{nic.ip.ip}, in use by {used[int(nic.ip.ip)]}: customize it",
                                     f"customization.nics[{k}].ip"))
    return parsed


def _subnet_faults(inv: Inventory, host: str, tpl: Template, parsed: Sequence[tuple[IPv4Interface | None, Any]]
                   ) -> list[CloneFault]:
    """Addresses outside every subnet the switches route for the NIC's port-group VLAN on ``host``."""
    out = []
    for k, (ip, _) in enumerate(parsed):
        if ip is None or k >= len(tpl.nics):
            continue
        nic = tpl.nics[k]
        vlan = nic.guest_vlan or _portgroup_vlan(inv, host, nic.network)
        if vlan is None:
            continue
        subnets = routed_subnets(inv, vlan)
        if subnets and not any(ip.ip in s for s in subnets):
            out.append(CloneFault("InvalidArgument", f"{ip} is not in the subnet of port group {nic.network!r} "
                                  f"(VLAN {vlan}: {', '.join(map(str, subnets))})", f"customization.nics[{k}].ip"))
    return out


def _host_refusals(inv: Inventory, tpl: Template, host: str) -> list[str]:
    """Why a host cannot hold the clone's files and networks (P3, P5 of §1.1 applied to a new VM)."""
    h = inv.hosts[host]
    why = []
    if tpl.datastore is not None and tpl.datastore not in h.datastores:
        why.append(f"datastore {tpl.datastore} is not mounted on {host}")
    for nic in tpl.nics:
        if inv.portgroup_of(host, nic.network) is None:
            why.append(f"port group {nic.network!r} is not on {host}")
    return why


def _place(inv: Inventory, state: ClusterState, req: CloneRequest, tpl: Template, cluster: str | None,
           answer: CloneAnswer) -> None:
    """Where the clone lands (§2.5 with §3.4); fills ``answer.host`` and ``candidates`` or adds the fault."""
    name = req.name
    if cluster is None:  # a standalone host: its own root pool, no DRS, no HA
        assert req.host is not None
        why = _host_refusals(inv, tpl, req.host)
        if why:
            answer.faults.append(CloneFault("NoCompatibleHost", f"{req.host} cannot run {name}: {'; '.join(why)}", "host"))
            return
        answer.host, answer.candidates = req.host, [req.host]
        return
    members = state.cluster_hosts(inv, cluster)
    if not members:
        answer.faults.append(CloneFault("NoCompatibleHost", f"cluster {cluster} has no usable host (failed, in "
                                        "maintenance or standby)", "cluster"))
        return
    vm = Vm(**{**tpl.model_dump(), "host": members[0], "power": "off"})
    trial = state.with_added_vm(vm, name)
    settings = drs.DrsSettings()
    fit = drs.place(inv, cluster, name, state=trial, settings=settings)
    hook = ha.admission_hook(inv, cluster) if req.power_on else None
    admitted = fit if hook is None else drs.place(inv, cluster, name, state=trial, settings=settings, ha_admits=hook)
    if not inv.clusters[cluster].drs.enabled:  # [model] no DRS: the design's host order
        order = {h: k for k, h in enumerate(inv.hosts)}
        admitted = sorted(admitted, key=order.__getitem__)
    answer.candidates = admitted
    ac = inv.clusters[cluster].ha
    failover = ac.admission_control.value if ac.enabled and ac.admission_control.policy == "failover_hosts" else []
    if req.host is not None:
        if isinstance(failover, list) and req.host in failover:
            answer.faults.append(CloneFault(ha.ON_FAILOVER_HOST, f"{req.host} is a dedicated HA failover host: nothing "
                                            "is placed there (§3.4c)", "host"))
        elif req.host in admitted:
            answer.host = req.host
        elif req.host in fit:
            answer.faults.append(CloneFault(ha.INSUFFICIENT, f"HA admission control refuses powering on {name} on "
                                            f"{req.host} (§3.4)", "host"))
        else:
            why = _host_refusals(inv, tpl, req.host) or ["its reservations do not fit or a required rule forbids it"]
            answer.faults.append(CloneFault("NoCompatibleHost", f"{req.host} cannot run {name}: {'; '.join(why)}", "host"))
        return
    if admitted:
        answer.host = admitted[0]
    elif fit:
        answer.faults.append(CloneFault(ha.INSUFFICIENT, f"HA admission control refuses powering on {name} on every "
                                        f"host of {cluster} (§3.4)", "cluster"))
    else:
        why = [f"{h}: {'; '.join(w)}" for h in members if (w := _host_refusals(inv, tpl, h))]
        answer.faults.append(CloneFault("NoCompatibleHost", f"no host of {cluster} can run {name}"
                                        + (f" ({'; '.join(why[:3])})" if why else
                                           " (reservations or required rules, §2.5)"), "cluster"))


def _customization_outcome(req: CloneRequest, tpl: Template, settings: ProvisioningSettings) -> dict[str, Any] | None:
    if req.hostname is None and not req.nics:
        return None
    guest = (tpl.guest or "").lower()
    supported = any(guest.startswith(p) for p in settings.customizable_guests)
    row: dict[str, Any] = {"hostname": req.hostname, "nics": [{"ip": n.ip, "gateway": n.gateway} for n in req.nics],
                           "runs": "on first boot"}
    if not req.power_on:
        row.update(status="pending", event=None, message="runs on the clone's first boot (§4.2)")
    elif supported:
        row.update(status="succeeded", event="CustomizationSucceeded",
                   message=f"{'Sysprep' if guest.startswith('win') else 'the Tools script'} set the guest's identity")
    else:
        row.update(status="failed", event="CustomizationFailed",
                   message=f"guest {tpl.guest or 'not declared'}: neither Sysprep nor the Tools script customizes it;"
                           " the clone keeps the template's identity (the clone task succeeded, §4.2)")
    return row


def check_clone(inv: Inventory, request: CloneRequest, *, state: ClusterState | None = None,
                timers: Timers = DEFAULT_TIMERS, settings: ProvisioningSettings = DEFAULT_PROVISIONING_SETTINGS
                ) -> CloneAnswer:
    """Whether and how ``request`` clones its template (module doc); every refusal is in ``faults``."""
    state = ClusterState.of(inv) if state is None else state
    req = request
    answer = CloneAnswer(req)
    faults = answer.faults
    tpl = inv.templates.get(req.template)
    if tpl is None:
        what = f"{req.template} is a VM, not a template" if req.template in state.vms else f"no template {req.template!r}"
        faults.append(CloneFault("NotFound", what, "template"))
    try:
        check_label(req.name, "VM name")
        if len(req.name) > settings.name_max:
            raise ValueError(f"a VM name is at most {settings.name_max} characters, got {len(req.name)}")
    except ValueError as exc:
        faults.append(CloneFault("InvalidName", str(exc), "name"))
    else:
        if req.name in state.vms or req.name in inv.templates:
            kind = "template" if req.name in inv.templates else "VM"
            faults.append(CloneFault("DuplicateName", f"a {kind} named {req.name!r} exists", "name"))
    # the destination: a pool (the cluster's root) or a host (§4.2: template -> VM needs one)
    cluster = req.cluster
    if cluster is not None and cluster not in inv.clusters:
        faults.append(CloneFault("NotFound", f"no cluster {cluster!r}", "cluster"))
        cluster = None
    host_ok = True
    if req.host is not None:
        h = inv.hosts.get(req.host)
        if h is None:
            faults.append(CloneFault("NotFound", f"no host {req.host!r}", "host"))
            host_ok = False
        else:
            if req.cluster is not None and h.cluster != req.cluster:
                faults.append(CloneFault("InvalidArgument", f"{req.host} is not in cluster {req.cluster}", "host"))
                host_ok = False
            hs = state.hosts[req.host]
            if not hs.usable:
                what = "has failed" if hs.failed else "is in maintenance mode" if hs.maintenance else "is in standby"
                faults.append(CloneFault("InvalidHostState", f"{req.host} {what}", "host"))
                host_ok = False
            if cluster is None and req.cluster is None:
                cluster = h.cluster if h.cluster in inv.clusters else None
    elif req.cluster is None:
        faults.append(CloneFault("InvalidArgument", "a clone from a template needs a destination: a cluster (its "
                                 "resource pool) or a host (§4.2)", "cluster"))
    # linked clones and snapshots (§4.2, scenario 17)
    if tpl is not None:
        have = settings.snapshots_of(req.template)
        if req.snapshot is not None and req.snapshot not in have:
            faults.append(CloneFault("InvalidArgument", f"template {req.template} has no snapshot {req.snapshot!r} "
                                     f"(it has: {', '.join(have) or 'none'})", "snapshot"))
        elif req.linked and req.snapshot is None:
            faults.append(CloneFault("InvalidArgument", "a linked clone (createNewChildDiskBacking) is valid only when "
                                     "cloning from a snapshot: name one"
                                     + (f" ({', '.join(have)})" if have else f" ({req.template} has none)")
                                     + " (§4.2)", "snapshot"))
    parsed = _customize(inv, state, req, tpl, faults) if tpl is not None else []
    destination_ok = host_ok and (req.host is not None or req.cluster is not None) and (
        req.cluster is None or req.cluster in inv.clusters)
    if tpl is None or faults or not destination_ok:
        answer.cluster = cluster
        return answer
    answer.cluster = cluster
    _place(inv, state, req, tpl, cluster, answer)
    if answer.host is None:
        return answer
    faults += _subnet_faults(inv, answer.host, tpl, parsed)
    if faults:
        return answer
    answer.duration_s = clone_duration_s(req.linked, timers, settings)
    if req.linked:
        answer.disks = [{"backing": "createNewChildDiskBacking", "kind": "delta", "parent": f"{req.template}@{req.snapshot}",
                         "datastore": tpl.datastore, "shared_parent": True}]
    else:
        answer.disks = [{"backing": "moveAllDiskBackingsAndDisallowSharing", "kind": "flat", "size_gb": settings.disk_gb,
                         "copied_from": req.template + (f"@{req.snapshot}" if req.snapshot else ""),
                         "datastore": tpl.datastore}]
    answer.customization = _customization_outcome(req, tpl, settings)
    nics = []
    for k, nic in enumerate(tpl.nics):
        ip, gw = parsed[k] if k < len(parsed) else (None, None)
        nics.append(VmNic(**{**nic.model_dump(), "mac": None,
                             "ip": ip if ip is not None else nic.ip, "gateway": gw if gw is not None else nic.gateway}))
    data = {**tpl.model_dump(), "nics": nics, "host": answer.host, "power": "on" if req.power_on else "off"}
    if req.hostname is not None:
        data["description"] = f"{tpl.description + '; ' if tpl.description else ''}hostname {req.hostname}"
    answer.vm = Vm(**data).model_copy(update={"name": req.name})
    return answer


__all__ = ["CLONE_HOST_COST", "DEFAULT_PROVISIONING_SETTINGS", "CloneAnswer", "CloneFault", "CloneRequest",
           "NicCustomization", "ProvisioningSettings", "check_clone", "clone_duration_s", "clone_operation",
           "hostname_problem", "routed_subnets"]
