"""Cluster rules of HA, placement rules and configuration maxima (cluster-behaviour.md §3, §2.6, §4.4).

They reuse the cluster models: :func:`vinfra.cluster.ha.admission` (§3.4), :class:`PlacementRules.violations
<vinfra.cluster.rules.PlacementRules>` (§2.6), :func:`vinfra.cluster.maxima.exceeded` (§4.4), and the reach
analysis for HA's isolation addresses (§3.2).  A host the snapshot has failed runs nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...analysis.reach import Reach
from ...cluster.ha import design_admissions
from ...cluster.maxima import exceeded
from ...cluster.rules import PlacementRules, RuleViolation
from ...cluster.state import ClusterState
from ...network.endpoints import Endpoint, EndpointError
from .. import fixes
from ..context import CheckContext, join
from ..engine import rule
from ..finding import Issue


def _dead(ctx: CheckContext) -> list[str]:
    """The hosts the snapshot has failed (they run nothing), in the design's order."""
    return [h for h in ctx.inv.hosts if not ctx.snap.host_alive(h)]


def _clusters(ctx: CheckContext) -> list[str]:
    """Clusters that have hosts, in name order."""
    have = {h.cluster for h in ctx.inv.hosts.values() if h.cluster is not None}
    return sorted(c for c in have if c in ctx.inv.clusters)


@rule("VN906", "ha-insufficient-failover-capacity", "error", (), tags=("cluster", "ha"))
def ha_insufficient_failover_capacity(ctx: CheckContext) -> Iterator[Issue]:
    """HA admission control's policy is not met by the powered-on VMs.

    ## What it checks
    For every cluster with HA and admission control enabled, the current failover capacity against the
    configured level (cluster-behaviour §3.4): with *host failures tolerated*, how many of the largest
    hosts can fail with the rest still holding every powered-on VM's slots (slot = the largest CPU and
    memory reservation plus overhead, CPU at least 256 MHz under AAM and 32 MHz under FDM); with a
    *percentage*, the CPU and memory left unreserved; with *failover hosts*, how many of them are up and
    run no VM. Hosts failed or in maintenance do not count.

    ## Why it matters
    When the policy is not met, vCenter refuses every power-on, every vMotion into the cluster and every
    larger reservation (`InsufficientFailoverResources`), and a host failure may leave VMs down: HA
    restarts only what the surviving hosts can hold. One large reservation inflates the slot for every VM
    (scenario 10 of §7).

    ## Failing example
    ```yaml
    clusters: {c1: {ha: {enabled: true, admission_control: {policy: host_failures, value: 1}}}}
    hosts:
      esx01: {cluster: c1, cpu: {sockets: 1, cores: 1, mhz: 6000}, memory_gb: 6}
      esx02: {cluster: c1, cpu: {sockets: 1, cores: 1, mhz: 6000}, memory_gb: 6}
    vms:
      db01: {host: esx01, memory_gb: 4, memory: {reservation_gb: 4}}
      db02: {host: esx02, memory_gb: 4, memory: {reservation_gb: 4}}
    ```

    ## Passing example
    ```yaml
    vms:
      db01: {host: esx01, memory_gb: 4, memory: {reservation_gb: 2}}
      db02: {host: esx02, memory_gb: 4, memory: {reservation_gb: 2}}
    ```

    ## Fix
    Lower or remove the largest reservations (or cap the slot with `das.slotmeminmb` /
    `das.slotcpuinmhz`), add host capacity, power off VMs, or lower the configured level; with failover
    hosts, keep them up and empty.

    ## Rests on
    cluster-behaviour §3.4 (admission control)
    """
    # the design's cluster state with the snapshot's failed hosts failed, read from the design (no VmState per VM)
    for cname, a in design_admissions(ctx.inv, failed=_dead(ctx)).items():
        if a.ok:  # admission control disabled included
            continue
        path = ("clusters", cname, "ha", "admission_control")
        if a.policy == "host_failures":
            per = a.slots_per_host
            msg = (f"cluster {cname} tolerates {a.failover_capacity:g} host failure(s), {a.configured:g} configured: slot "
                   f"{a.slot_cpu_mhz} MHz / {a.slot_memory_mb} MB, {sum(per.values())} slots on {len(per)} host(s), "
                   f"{a.slots_needed} needed by the powered-on VMs (InsufficientFailoverResources, §3.4)")
            fix = fixes.on_host(cname, "lower the largest VM reservations or cap the slot (das.slotmeminmb), "
                                       "add hosts, or tolerate fewer failures")
        elif a.policy == "percentage":
            msg = (f"cluster {cname} keeps {a.cpu_pct:.1f}% CPU and {a.memory_pct:.1f}% memory free for failover, "
                   f"{a.configured:g}% configured (InsufficientFailoverResources, §3.4)")
            fix = fixes.on_host(cname, "lower reservations, add hosts, or reserve a smaller percentage")
        else:
            busy = [h for h in a.failover_hosts if h not in a.free_failover_hosts]
            msg = (f"cluster {cname}: failover host(s) {join(busy)} {'is' if len(busy) == 1 else 'are'} down, in "
                   f"maintenance or running VMs: {len(a.free_failover_hosts)} of {len(a.failover_hosts)} free "
                   "(InsufficientFailoverResources, §3.4)")
            fix = fixes.on_host(cname, "keep the failover hosts connected and move their VMs to other hosts")
        yield Issue((cname,), msg, fix, path)


def _isolation_ports(ctx: CheckContext, hname: str) -> list[str]:
    """The ports HA pings isolation addresses from: the Service Console port on ESX, management VMkernel
    ports on ESXi (topology-v1, endpoints and addresses)."""
    host = ctx.inv.hosts[hname]
    want = "service_console" if host.product == "esx" else "management"
    return [name for name, vmk in host.vmkernel.items() if want in vmk.services and vmk.ip is not None]


@rule("VN907", "ha-isolation-address-unreachable", "warning", (), tags=("cluster", "ha"))
def ha_isolation_address_unreachable(ctx: CheckContext) -> Iterator[Issue]:
    """A host cannot reach any of its cluster's isolation addresses.

    ## What it checks
    For every live host of a cluster with HA enabled: from the port HA uses (the Service Console port on
    ESX, the management VMkernel ports on ESXi), a ping through the network as `vinfra reach` judges it
    reaches at least one isolation address: the cluster's `isolation_addresses`, else the port's own
    gateway (cluster-behaviour §3.2). A host with no such port with an address, or no address to ping, is
    *unknown*.

    ## Why it matters
    A host that hears no heartbeats pings its isolation addresses; if none answers it declares itself
    isolated and runs the isolation response (power off or shut down its VMs, by version). An address it
    can never reach turns any heartbeat loss into an outage, and with AAM a healthy host can power its VMs
    off while the others restart them.

    ## Failing example
    ```yaml
    clusters: {c1: {ha: {enabled: true, isolation_addresses: [10.0.9.1]}}}
    hosts:
      esx01:
        cluster: c1
        vmkernel: {vmk0: {portgroup: Management, ip: 10.0.1.11/24, services: [management]}}
    ```

    ## Passing example
    ```yaml
    clusters: {c1: {ha: {enabled: true, isolation_addresses: [10.0.1.1]}}}   # the management SVI
    ```

    ## Fix
    Set `isolation_addresses` to an address every host's management port reaches in its own subnet (the
    management VLAN's gateway or SVI), or carry the management VLAN to it.

    ## Rests on
    cluster-behaviour §3.2 (isolation addresses)
    """
    inv = ctx.inv
    reach: Reach | None = None
    resolved: dict[str, Endpoint | EndpointError] = {}
    members: dict[str, list[str]] = {}  # each cluster's hosts, grouped once (not a pass over every host per cluster)
    for h, x in inv.hosts.items():
        if x.cluster is not None:
            members.setdefault(x.cluster, []).append(h)
    for cname in _clusters(ctx):
        cl = inv.clusters[cname]
        if not cl.ha.enabled:
            continue
        isolation = [str(a) for a in cl.ha.isolation_addresses]  # spelled once per cluster, not once per host
        for hname in sorted(members.get(cname, ())):
            if not ctx.snap.host_alive(hname):
                continue
            ports = _isolation_ports(ctx, hname)
            kind = "Service Console" if inv.hosts[hname].product == "esx" else "management VMkernel"
            if not ports:
                yield Issue((hname,), f"{hname} of HA cluster {cname} has no {kind} port with an address: cannot tell "
                            "whether it reaches an isolation address (§3.2)",
                            fixes.on_host(hname, f"vmkernel: a {kind} port with an IP address"), ("hosts", hname, "vmkernel"),
                            status="unknown")
                continue
            tried: list[str] = []
            ok = False
            why: list[str] = []
            for port in ports:
                vmk = inv.hosts[hname].vmkernel[port]
                addresses = isolation or ([str(vmk.gateway)] if vmk.gateway else [])
                for addr in addresses:
                    tried.append(addr)
                    if reach is None:  # one reach analysis per run, shared with the other rules that ping
                        reach = ctx.reach()
                    src = ctx.snap.endpoints.get(f"{hname}:{port}")
                    dst = resolved.get(addr)
                    if dst is None:  # each address resolved once, not once per host that pings it
                        try:
                            dst = resolved[addr] = ctx.snap.endpoints.resolve(addr)
                        except EndpointError as exc:
                            dst = resolved[addr] = exc
                    if isinstance(dst, EndpointError):
                        why.append(f"{addr}: {dst}")
                        continue
                    if src is not None and reach.pair(src, dst):
                        ok = True
                        break
                    why.append(f"{addr}: {(reach.reason(src, dst) if src is not None else None) or 'no reply'}")
                if ok:
                    break
            if ok:
                continue
            where = ("clusters", cname, "ha", "isolation_addresses")
            if not tried:
                yield Issue((hname,), f"{hname} of HA cluster {cname}: no isolation address (the cluster sets none and "
                            f"{join(ports)} has no gateway): cannot tell whether it detects isolation (§3.2)",
                            fixes.on_host(cname, "ha: isolation_addresses: [the management gateway]"), where,
                            status="unknown")
                continue
            ports_text = join(f"{hname}:{p}" for p in ports)
            yield Issue((*(f"{hname}:{p}" for p in ports), *dict.fromkeys(tried)),
                        f"{ports_text} of HA cluster {cname} reaches none of its isolation addresses "
                        f"({'; '.join(dict.fromkeys(why))}): a heartbeat loss makes it declare itself isolated (§3.2)",
                        fixes.on_host(cname, "ha: isolation_addresses: an address in the management subnet every host "
                                             "reaches"), where)


def _violations(ctx: CheckContext) -> list[tuple[str, RuleViolation]]:
    """Every (cluster, violation) of the running placement (powered-on VMs on live hosts), once per run."""
    got = ctx.cache.get("placement-violations")
    if got is None:
        # the design's cluster state with the snapshot's failed hosts failed (ClusterState.of, read from the design)
        hosts = ClusterState.design_hosts(ctx.inv, _dead(ctx))
        out: list[tuple[str, RuleViolation]] = []
        vms = ctx.inv.vms
        for cname in _clusters(ctx):
            rules = ctx.inv.clusters[cname].rules
            if rules:
                # the cluster's running placement (powered-on VMs on its live hosts: VMs of failed hosts run
                # nowhere), of the VMs its rules name: all that PlacementRules.violations reads of it
                placement = {}
                for rule in rules:
                    for name in rule.vms:
                        vm = vms.get(name)
                        if vm is not None and vm.power == "on" and vm.host in hosts and not hosts[vm.host].failed \
                                and ctx.inv.hosts[vm.host].cluster == cname:
                            placement[name] = vm.host
                out.extend((cname, v) for v in PlacementRules.of(ctx.inv, cname).violations(placement))
        got = ctx.cache["placement-violations"] = out
    return got  # type: ignore[return-value]


def _rule_path(ctx: CheckContext, cname: str, name: str) -> tuple[str | int, ...]:
    for i, r in enumerate(ctx.inv.clusters[cname].rules):
        if r.name == name:
            return ("clusters", cname, "rules", i)
    return ("clusters", cname, "rules")


@rule("VN908", "affinity-rule-violated", "warning", (), tags=("cluster", "drs"))
def affinity_rule_violated(ctx: CheckContext) -> Iterator[Issue]:
    """VMs of an affinity rule run on different hosts.

    ## What it checks
    For every enabled VM-VM affinity rule of a cluster (one an older conflicting rule has not disabled,
    §2.6), the powered-on VMs it names run on one host.

    ## Why it matters
    Affinity keeps VMs that talk a lot on one host (traffic stays in the vSwitch). Split, their traffic
    crosses the physical network; DRS issues priority-1 moves to fix it, HA does not honour it on
    failover, so a split after a restart is normal until the next DRS pass.

    ## Failing example
    ```yaml
    clusters: {c1: {rules: [{name: app-db, type: affinity, vms: [app01, db01]}]}}
    vms:
      app01: {host: esx01}
      db01: {host: esx02}
    ```

    ## Passing example
    ```yaml
    vms:
      app01: {host: esx01}
      db01: {host: esx01}   # together
    ```

    ## Fix
    Move the VMs onto one host (or let DRS do it), or drop the rule if they need not be together.

    ## Rests on
    cluster-behaviour §2.6 (VM-VM rules)
    """
    for cname, v in _violations(ctx):
        if v.kind == "affinity":
            yield Issue((cname, v.rule, *v.vms), f"cluster {cname}: {v.message} (§2.6)",
                        fixes.on_host(cname, f"move {join(v.vms)} onto one host"), _rule_path(ctx, cname, v.rule))


@rule("VN909", "anti-affinity-rule-violated", "warning", (), tags=("cluster", "drs"))
def anti_affinity_rule_violated(ctx: CheckContext) -> Iterator[Issue]:
    """VMs of an anti-affinity rule share a host.

    ## What it checks
    For every enabled VM-VM anti-affinity rule of a cluster (one an older conflicting rule has not
    disabled, §2.6), no two of its powered-on VMs run on one host.

    ## Why it matters
    Anti-affinity keeps redundant VMs (two web servers, two domain controllers) apart so one host failure
    takes only one of them. Together, a single failure takes both; HA restarts them without honouring the
    rule unless told to (§2.6), and DRS fixes it only on its next pass.

    ## Failing example
    ```yaml
    clusters: {c1: {rules: [{name: web-apart, type: anti_affinity, vms: [web01, web02]}]}}
    vms:
      web01: {host: esx01}
      web02: {host: esx01}
    ```

    ## Passing example
    ```yaml
    vms:
      web01: {host: esx01}
      web02: {host: esx02}   # apart
    ```

    ## Fix
    Move one of the VMs to another host of the cluster (DRS does it with a priority-1 recommendation).

    ## Rests on
    cluster-behaviour §2.6 (VM-VM rules)
    """
    for cname, v in _violations(ctx):
        if v.kind == "anti_affinity":
            yield Issue((cname, v.rule, *v.vms), f"cluster {cname}: {v.message} (§2.6)",
                        fixes.on_host(cname, f"move all but one of {join(v.vms)} off {v.hosts[0]}"),
                        _rule_path(ctx, cname, v.rule))


@rule("VN910", "vm-host-rule-violated", "warning", (), tags=("cluster", "drs"))
def vm_host_rule_violated(ctx: CheckContext) -> Iterator[Issue]:
    """A VM runs outside the hosts its VM-Host rule allows (error for a `must` rule).

    ## What it checks
    For every enabled VM-Host rule of a cluster (one an older conflicting rule has not disabled, §2.6), its
    powered-on VMs run on the rule's hosts ("run on") or off them ("not run on"). A broken `must` rule is
    an error, a broken `should` rule a warning.

    ## Why it matters
    Required rules often carry a licence or a hardware need: DRS, HA and maintenance mode never break them,
    so a VM already outside its hosts is a design that vCenter itself would not produce, and it blocks
    vMotion back (`VmHostAffinityRuleViolation`). Preferential rules may be broken when there is no
    alternative, but lasting violations mean the host group is too small.

    ## Failing example
    ```yaml
    clusters: {c1: {rules: [{name: lic, type: vm_host, vms: [db01], hosts: [esx01], must: true}]}}
    vms:
      db01: {host: esx02}
    ```

    ## Passing example
    ```yaml
    vms:
      db01: {host: esx01}   # a host the rule allows
    ```

    ## Fix
    Move the VM onto a host the rule allows, or change the rule's host group.

    ## Rests on
    cluster-behaviour §2.6 (VM-Host rules)
    """
    for cname, v in _violations(ctx):
        if v.kind in ("vm_host", "vm_anti_host"):
            yield Issue((cname, v.rule, *v.vms), f"cluster {cname}: {v.message} (§2.6)",
                        fixes.on_host(cname, f"move {join(v.vms)} to a host rule {v.rule} allows"),
                        _rule_path(ctx, cname, v.rule), severity="error" if v.must else None)


@rule("VN911", "cluster-maximum-exceeded", "error", (), tags=("cluster",))
def cluster_maximum_exceeded(ctx: CheckContext) -> Iterator[Issue]:
    """A configuration maximum of the design's version is exceeded (e.g. VI3: 32 hosts per cluster).

    ## What it checks
    The configuration maxima of cluster-behaviour §4.4 by product version: hosts and VMs per cluster, VMs
    per host (vSphere 4.0: 40 in HA clusters of more than 8 hosts), hosts and VMs per vCenter (the design
    is one vCenter). A cluster's and the vCenter's limits are those of the newest host involved (vCenter is
    at least that new); a host's own limit is its version's. A version uses the column of the newest
    listed version not newer than it.

    ## Why it matters
    vCenter refuses the operation that crosses a maximum (VI3: adding a 33rd host to a cluster, a 201st
    host or a 2,001st VM to VirtualCenter), and beyond the supported maxima HA and DRS are neither tested
    nor supported: a design past them cannot be built as drawn.

    ## Failing example
    ```yaml
    hosts:            # 33 ESX 3.5 hosts in one cluster
      esx01: {cluster: c1, product: esx, version: "3.5"}
      # ... esx02 to esx33 alike
    ```

    ## Passing example
    ```yaml
    hosts:            # 32 hosts in c1, the 33rd in c2
      esx33: {cluster: c2, product: esx, version: "3.5"}
    ```

    ## Fix
    Split the cluster (or the vCenter), move VMs to other hosts, or upgrade to a version whose maxima fit.

    ## Rests on
    cluster-behaviour §4.4 (configuration maxima)
    """
    for e in exceeded(ctx.inv):
        where = "split the design across vCenters" if e.scope == "vCenter" else f"spread over more {'clusters' if 'cluster' in e.item else 'hosts'}"
        yield Issue((e.scope,), e.message, fixes.on_host(e.scope, where), e.path)
