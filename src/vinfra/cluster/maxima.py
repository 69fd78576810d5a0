"""Configuration maxima by product version (cluster-behaviour §4.4), and the ones a design exceeds.

The table of §4.4 has a column per product generation (VI3.5 / VC 2.5, vSphere 4.0, 5.5, 6.0, 8.x); a cell
left empty ("-") there is no limit here.  **[model]** choices, each documented where it is made:

- a version uses the column of the newest listed version not newer than it (4.1 -> the 4.0 column, 7.0 ->
  6.0); versions before 3.5 use the VI3.5 column;
- the limits of a cluster and of the vCenter are those of the *newest* host involved (vCenter is at least as
  new as every host it manages); a host's own limit (VMs per host) is its own version's;
- a design is one vCenter;
- VMs are counted as registered (every VM of the design), except where the table gives a powered-on limit
  (8.x: 40,000 powered on / 45,000 registered per vCenter).

VI3 mode (scenario 20, §7): the 33rd host of a cluster, the 201st host or the 2,001st VM of VirtualCenter
exceeds a maximum.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from operator import attrgetter, countOf

from ..model import Inventory
from ..model.host import Host


@dataclass(frozen=True, slots=True)
class Maxima:
    """One column of §4.4; None is no limit."""

    column: str
    hosts_per_cluster: int | None
    vms_per_cluster: int | None
    hosts_per_vcenter: int | None
    vms_per_vcenter: int | None  # registered VMs, or powered-on where ``vms_registered_per_vcenter`` is set
    vms_registered_per_vcenter: int | None
    vms_per_host: int | None
    #: vSphere 4.0: the VMs-per-cluster limit applies to HA clusters only
    vms_per_cluster_ha_only: bool = False
    #: vSphere 4.0: (hosts, limit): in an HA cluster of more than ``hosts`` hosts a host runs at most ``limit``
    vms_per_host_large_ha: tuple[int, int] | None = None


#: §4.4, oldest first: (first version of the column, maxima).
MAXIMA: tuple[tuple[tuple[int, int], Maxima], ...] = (
    ((3, 5), Maxima("VI3.5 / VC 2.5", 32, None, 200, 2_000, None, 170)),
    ((4, 0), Maxima("vSphere 4.0", 32, 1_280, 200, 3_000, None, 320, vms_per_cluster_ha_only=True,
                    vms_per_host_large_ha=(8, 40))),
    ((5, 5), Maxima("vSphere 5.5", 32, 3_000, None, None, None, None)),
    ((6, 0), Maxima("vSphere 6.0", 64, 8_000, None, None, None, None)),
    ((8, 0), Maxima("vSphere 8.x", 96, 10_000, 2_500, 40_000, 45_000, 1_024)),
)

_VERSION_RE = re.compile(r"(\d+)(?:\.(\d+))?")


def product_version(host: Host) -> tuple[int, int]:
    """A host's product version as (major, minor): ``"3.5"`` -> (3, 5), ``"6.7u3"`` -> (6, 7)."""
    m = _VERSION_RE.match(host.version or "")
    if m is None:  # the model's default is a number; an unparseable one is treated as the newest
        return (99, 0)
    return int(m.group(1)), int(m.group(2) or 0)


def maxima_for(version: tuple[int, int]) -> Maxima:
    """The §4.4 column a version uses: the newest listed version not newer than it [model]."""
    chosen = MAXIMA[0][1]
    for since, column in MAXIMA:
        if version >= since:
            chosen = column
    return chosen


@dataclass(frozen=True, slots=True)
class Exceeded:
    """A maximum the design exceeds: what, where, the count and the limit (§4.4)."""

    item: str  # "hosts per cluster" ...
    scope: str  # the cluster, the host, or "vCenter"
    count: int
    limit: int
    column: str
    #: the fault vCenter answers the operation that crosses it with ([model] name for VM limits)
    fault: str
    #: design path to point the finding at
    path: tuple[str | int, ...]

    @property
    def message(self) -> str:
        where = "the design (one vCenter)" if self.scope == "vCenter" else self.scope
        return (f"{where} has {self.count:,} {self.item.split(' per ')[0]}; the {self.column} maximum of "
                f"{self.item} is {self.limit:,} ({self.fault}, §4.4)")


def exceeded(inv: Inventory) -> list[Exceeded]:
    """Every configuration maximum of §4.4 the design exceeds, clusters in name order, then hosts, then the
    vCenter."""
    out: list[Exceeded] = []
    members: dict[str, list[str]] = defaultdict(list)
    # each host's VMs counted from the inventory's index of them (built with the design), not by a pass over the VMs
    vms_on = {h: len(inv.vms_on(h)) for h in inv.hosts}
    versions: dict[str, tuple[int, int]] = {}  # each host's version, parsed once (hosts share a handful of spellings)
    parsed: dict[str | None, tuple[int, int]] = {}
    for name, host in inv.hosts.items():
        v = parsed.get(host.version)
        if v is None:
            v = parsed[host.version] = product_version(host)
        versions[name] = v
        if host.cluster is not None:
            members[host.cluster].append(name)
    for cname in sorted(members):
        hosts = members[cname]
        m = maxima_for(max(versions[h] for h in hosts))
        ha = cname in inv.clusters and inv.clusters[cname].ha.enabled
        if m.hosts_per_cluster is not None and len(hosts) > m.hosts_per_cluster:
            out.append(Exceeded("hosts per cluster", cname, len(hosts), m.hosts_per_cluster, m.column, "TooManyHosts",
                                ("clusters", cname)))
        n_vms = sum(vms_on[h] for h in hosts)
        if m.vms_per_cluster is not None and (ha or not m.vms_per_cluster_ha_only) and n_vms > m.vms_per_cluster:
            out.append(Exceeded("VMs per cluster", cname, n_vms, m.vms_per_cluster, m.column, "TooManyVms",
                                ("clusters", cname)))
    columns: dict[tuple[int, int], Maxima] = {}
    for hname, host in sorted(inv.hosts.items()):
        v = versions[hname]
        m = columns.get(v) or columns.setdefault(v, maxima_for(v))
        limit = m.vms_per_host
        if m.vms_per_host_large_ha is not None and host.cluster is not None and host.cluster in inv.clusters \
                and inv.clusters[host.cluster].ha.enabled and len(members[host.cluster]) > m.vms_per_host_large_ha[0]:
            limit = m.vms_per_host_large_ha[1]
        if limit is not None and vms_on[hname] > limit:
            out.append(Exceeded("VMs per host", hname, vms_on[hname], limit, m.column, "TooManyVms", ("hosts", hname)))
    if inv.hosts:
        m = maxima_for(max(versions.values()))
        if m.hosts_per_vcenter is not None and len(inv.hosts) > m.hosts_per_vcenter:
            out.append(Exceeded("hosts per vCenter", "vCenter", len(inv.hosts), m.hosts_per_vcenter, m.column,
                                "TooManyHosts", ("hosts",)))
        if m.vms_registered_per_vcenter is not None:
            on = countOf(map(attrgetter("power"), inv.vms.values()), "on")
            if m.vms_per_vcenter is not None and on > m.vms_per_vcenter:
                out.append(Exceeded("powered-on VMs per vCenter", "vCenter", on, m.vms_per_vcenter, m.column,
                                    "TooManyVms", ("vms",)))
            if len(inv.vms) > m.vms_registered_per_vcenter:
                out.append(Exceeded("registered VMs per vCenter", "vCenter", len(inv.vms),
                                    m.vms_registered_per_vcenter, m.column, "TooManyVms", ("vms",)))
        elif m.vms_per_vcenter is not None and len(inv.vms) > m.vms_per_vcenter:
            out.append(Exceeded("VMs per vCenter", "vCenter", len(inv.vms), m.vms_per_vcenter, m.column, "TooManyVms",
                                ("vms",)))
    return out


def vms_per_host_limit(inv: Inventory, host: str) -> int | None:
    """The most VMs ``host`` may run (§4.4, its own version; the 4.0 large-HA-cluster limit included)."""
    h = inv.hosts[host]
    m = maxima_for(product_version(h))
    if m.vms_per_host_large_ha is not None and h.cluster is not None and h.cluster in inv.clusters \
            and inv.clusters[h.cluster].ha.enabled:
        size = sum(1 for other in inv.hosts.values() if other.cluster == h.cluster)
        if size > m.vms_per_host_large_ha[0]:
            return m.vms_per_host_large_ha[1]
    return m.vms_per_host
