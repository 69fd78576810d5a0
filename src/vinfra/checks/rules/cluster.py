"""Cluster rules that rest on vMotion's preconditions (cluster-behaviour.md §1.1): every pair of hosts of a
cluster must be able to take each other's VMs.  They reuse :mod:`vinfra.cluster.vmotion`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from ...analysis.reach import Reach
from ...cluster.vmotion import DEFAULT_VMOTION_SETTINGS, check_network, cpu_level, evc_level, vmotion_vmk
from ...network.endpoints import Endpoint
from .. import fixes
from ..context import CheckContext, join
from ..engine import rule
from ..finding import Issue


def _members(ctx: CheckContext) -> dict[str, list[str]]:
    """Each cluster's hosts, in name order."""
    out: dict[str, list[str]] = defaultdict(list)
    for name, host in sorted(ctx.inv.hosts.items()):
        if host.cluster is not None:
            out[host.cluster].append(name)
    return out


def _named(vms: list[str]) -> str:
    """The VMs of a finding, by name: the first three and how many more (worked out only for a finding)."""
    names = sorted(set(vms))
    return join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")


@rule("VN901", "vmotion-not-configured", "error", ("P1",), tags=("cluster", "vmotion"))
def vmotion_not_configured(ctx: CheckContext) -> Iterator[Issue]:
    """A host in a DRS or HA cluster has no VMkernel port with vMotion enabled.

    ## What it checks
    Every host of a cluster with DRS or HA enabled must have a VMkernel port whose services include
    `vmotion` (cluster-behaviour.md §1.1 P1).

    ## Why it matters
    vMotion refuses to move a VM to or from a host without a vMotion port (`VMotionNotConfigured`): DRS
    cannot balance onto it, maintenance mode cannot evacuate it, and HA's DRS follow-up cannot fix
    anything that lands there.

    ## Failing example
    ```yaml
    clusters: {c1: {drs: {enabled: true}}}
    hosts:
      esx02:
        cluster: c1
        vmkernel: {vmk0: {portgroup: Management, ip: 10.0.1.12/24, services: [management]}}
    ```

    ## Passing example
    ```yaml
        vmkernel:
          vmk0: {portgroup: Management, ip: 10.0.1.12/24, services: [management]}
          vmk1: {portgroup: VMotion, ip: 10.0.20.12/24, services: [vmotion]}
    ```

    ## Fix
    On the host, add a VMkernel port on a vMotion port group (its own VLAN, a 1 Gb/s or faster uplink)
    with `services: [vmotion]`, or enable vMotion on an existing VMkernel port.

    ## Rests on
    P1
    """
    for cname, hosts in sorted(_members(ctx).items()):
        cl = ctx.inv.clusters.get(cname)
        if cl is None or not (cl.drs.enabled or cl.ha.enabled):
            continue
        uses = join([w for w, on in (("DRS", cl.drs.enabled), ("HA", cl.ha.enabled)) if on])
        for h in hosts:
            if vmotion_vmk(ctx.inv.hosts[h]) is None:
                msg = (f"{h} is in cluster {cname} ({uses}) but has no VMkernel port with vMotion enabled: no VM can "
                       "be moved to or from it (VMotionNotConfigured, P1)")
                yield Issue((h,), msg, fixes.on_host(h, "vmkernel: vmk1: {portgroup: VMotion, ip: ..., services: [vmotion]}"),
                            ("hosts", h, "vmkernel"))


@rule("VN902", "vmotion-vmk-unreachable", "error", ("P2",), tags=("cluster", "vmotion"))
def vmotion_vmk_unreachable(ctx: CheckContext) -> Iterator[Issue]:
    """Two hosts of a cluster cannot reach each other on their vMotion VMkernel ports.

    ## What it checks
    For every pair of hosts of one cluster that both have a vMotion VMkernel port: the two ports ping
    each other through the network as `vinfra reach` judges it, and, when either host is older than
    vSphere 6, they share one subnet (routed vMotion came with vSphere 6) (§1.1 P2).

    ## Why it matters
    vMotion copies memory between the two vMotion ports; if they cannot reach each other every
    migration between the hosts fails with `VMotionInterfaceIssue`, after the task has started: DRS
    recommendations fail and maintenance mode hangs.

    ## Failing example
    ```yaml
    hosts:
      esx01: {cluster: c1, vmkernel: {vmk1: {portgroup: VMotion, ip: 10.0.20.11/24, services: [vmotion]}}}
      esx02: {cluster: c1, vmkernel: {vmk1: {portgroup: VMotion, ip: 10.0.21.12/24, services: [vmotion]}}}
    ```

    ## Passing example
    ```yaml
      esx02: {cluster: c1, vmkernel: {vmk1: {portgroup: VMotion, ip: 10.0.20.12/24, services: [vmotion]}}}
    ```

    ## Fix
    Put the vMotion ports of one cluster in one VLAN and subnet, carried by every host's uplinks and the
    switches between them (or give them gateways and routing, on vSphere 6 and later).

    ## Rests on
    P2
    """
    reach = ctx.reach()

    def ping(a, b) -> str | None:  # type: ignore[no-untyped-def]
        return None if reach.pair(a, b) else (reach.reason(a, b) or "no reply")

    endpoints = ctx.snap.endpoints
    inv_hosts, host_alive = ctx.inv.hosts, ctx.snap.host_alive
    for cname, hosts in sorted(_members(ctx).items()):
        vmks = {h: k for h in hosts if (k := vmotion_vmk(inv_hosts[h])) is not None and host_alive(h)}
        with_vmk = list(vmks)
        # each port and its subnet once, not once per pair (a cluster of 32 hosts has 496 pairs)
        port = {h: endpoints.get(f"{h}:{k}") for h, k in vmks.items()}
        net = {h: (e.ip.network.prefixlen, int(e.ip.network.network_address)) if e is not None and e.ip is not None
               else None for h, e in port.items()}
        if ctx.share and _all_reach(reach, with_vmk, port, net):
            continue
        for i, a in enumerate(with_vmk):
            for b in with_vmk[i + 1:]:
                pa, pb = port[a], port[b]
                # the common case, decided without the per-pair work of check_network: two ports of one subnet
                # (no routed-vMotion version question) that reach each other give check_network no fault
                if pa is not None and pb is not None and net[a] is not None and net[a] == net[b] and reach.pair(pa, pb):
                    continue
                faults, _ = check_network(ctx.snap, a, b, DEFAULT_VMOTION_SETTINGS, ping=ping)
                for f in faults:
                    msg = f"{a} and {b} of cluster {cname}: {f.message.removesuffix(' (P2)')} (VMotionInterfaceIssue, P2)"
                    vmk = vmotion_vmk(ctx.inv.hosts[b])
                    yield Issue((f"{a}:{vmotion_vmk(ctx.inv.hosts[a])}", f"{b}:{vmk}"), msg,
                                fixes.on_host(b, "the vMotion port in the VLAN and subnet of the cluster's other vMotion "
                                                 "ports, carried by its uplinks"),
                                ("hosts", b, "vmkernel", vmk or "", "ip"))


def _all_reach(reach: Reach, hosts: list[str], port: dict[str, Endpoint | None],
               net: dict[str, tuple[int, int] | None]) -> bool:
    """Whether every pair of ``hosts``' vMotion ports passes the per-pair fast path of VN902 (one subnet, and
    :meth:`Reach.pair` true), decided per pair of signature classes instead of per pair of hosts (a cluster of
    32 hosts has 496 pairs and a handful of classes).  Exact: for two ports of different hosts whose classes are
    not ports' own, :meth:`Reach.pair` is :meth:`Reach.class_reaches` of their classes (the ports of one host
    that F3 / F10 decide never meet here: each host has one vMotion port); a class pair it does not answer
    (None) or a port with a class of its own sends the caller to the per-pair path.  False: ask per pair."""
    if len(hosts) < 2:
        return True
    subnet = net[hosts[0]]
    first: dict[tuple, int] = {}  # each class's first and last host, by position in ``hosts`` (name order)
    last: dict[tuple, int] = {}
    for i, h in enumerate(hosts):
        e = port[h]
        if e is None or subnet is None or net[h] != subnet:
            return False
        sig = reach.signature(e)
        if sig[0] == "own":
            return False
        first.setdefault(sig, i)
        last[sig] = i
    for x, fx in first.items():
        for y, ly in last.items():
            # the class pairs the per-pair path asks, each once: (x, y) when some host of x comes before some
            # host of y (pairs run a < b by name); a class with one port here is never paired with itself
            if fx < ly and (x != y or fx != last[x]) and reach.class_reaches(x, y) is not True:
                return False
    return True


@rule("VN903", "vmotion-network-missing", "error", ("P5", "K3", "M20"), tags=("cluster", "vmotion"))
def vmotion_network_missing(ctx: CheckContext) -> Iterator[Issue]:
    """A VM's port group label, or its VLAN, is missing on another host of its cluster.

    ## What it checks
    For every standard port group a VM of a cluster uses, every other host of that cluster must have a
    port group with the identical, case-sensitive label, with the same VLAN; for a dvSwitch port group,
    every host of the cluster must be a member of the dvSwitch (§1.1 P5, K3).

    ## Why it matters
    vMotion, DRS and HA match port groups by label only: a missing or differently spelled label refuses
    the migration (`NetworkNotAccessible`), and the same label on another VLAN lets the VM move and lose
    its network on arrival (M20).

    ## Failing example
    ```yaml
    esx01: {vswitches: {vSwitch0: {portgroups: {Prod-VLAN10: {vlan: 10}}}}}
    esx02: {vswitches: {vSwitch0: {portgroups: {prod-vlan10: {vlan: 10}}}}}
    ```

    ## Passing example
    ```yaml
    esx02: {vswitches: {vSwitch0: {portgroups: {Prod-VLAN10: {vlan: 10}}}}}
    ```

    ## Fix
    Create the port group on every host of the cluster with the same label and VLAN (host profiles or a
    distributed switch keep them equal), or keep the VM out of the cluster.

    ## Rests on
    P5, K3, M20
    """
    inv = ctx.inv
    members = _members(ctx)
    # each cluster's networks, gathered in C from the inventory's index of each host's VMs; a network whose port
    # group every host of the cluster has alike (one label, one VLAN; or a dvSwitch with every host) gives no
    # finding whichever host it is compared from, and its VMs are only listed when it does
    keys = []
    for cname, hosts in members.items():
        keys.extend((cname, n) for n in {net for h in hosts for net, _ in nic_keys(ctx, h)})
    for cname, network in sorted(keys):
        if ctx.share and _alike(ctx, members[cname], network):
            continue
        # the first VM by name using it: its host is where it is compared from
        vms = [v for h in members[cname] for v in inv.vms_on(h) for nic in inv.vms[v].nics if nic.network == network]
        src = inv.vms[min(vms)].host
        dvs, sep, _ = network.partition("/")
        s_team = ctx.snap.team(src, network)
        for h in members[cname]:
            if h == src:
                continue
            if sep:
                if h not in inv.dvswitches[dvs].hosts:
                    yield Issue((h, network), f"{network} (used by {_named(vms)}) is on dvSwitch {dvs}, of which {h} of cluster "
                                f"{cname} is not a member: they cannot move there (NetworkNotAccessible, P5, K3)",
                                fixes.on_host(dvs, f"hosts: add {h}"), ("dvswitches", dvs, "hosts"))
                continue
            host = inv.hosts[h]
            if host.portgroup_vswitch(network) is None:
                near = [pg for vs in host.vswitches.values() for pg in vs.portgroups if pg.lower() == network.lower()]
                hint = f" (it has {near[0]!r}: labels match case-sensitively)" if near else ""
                yield Issue((h, network), f"port group {network!r} (used by {_named(vms)}) is missing on {h} of cluster {cname}"
                            f"{hint}: they cannot move there (NetworkNotAccessible, P5, K3)",
                            fixes.on_host(h, f"portgroups: {network}: {{vlan: {s_team.vlan if s_team else '...'}}}"),
                            ("hosts", h, "vswitches"))
                continue
            d_team = ctx.snap.team(h, network)
            if s_team is not None and d_team is not None and (s_team.vlan, s_team.trunk) != (d_team.vlan, d_team.trunk):
                yield Issue((h, network), f"port group {network} (used by {_named(vms)}) is VLAN {s_team.vlan} on {src} but VLAN "
                            f"{d_team.vlan} on {h} of cluster {cname}: a VM moved there loses its network (M20, K3)",
                            fixes.on_host(h, f"portgroups: {network}: {{vlan: {s_team.vlan}}}"),
                            ("hosts", h, "vswitches", d_team.switch, "portgroups", network, "vlan"))




def nic_keys(ctx: CheckContext, host: str) -> dict[tuple[str, int | None], None]:
    """The (network, guest VLAN) of the NICs of ``host``'s VMs, each once in the order met (VM by VM as the
    inventory lists them, NIC by NIC): :meth:`CheckContext.nic_keys` (VN604 and VN903 both ask), read-only."""
    return ctx.nic_keys(host)


def _alike(ctx: CheckContext, hosts: list[str], network: str) -> bool:
    """Whether every host of ``hosts`` has ``network`` alike: a member of its dvSwitch, or a port group of that
    label whose team has one VLAN setting on all of them (VN903 then finds nothing, from whichever host)."""
    dvs, sep, _ = network.partition("/")
    if sep:
        d = ctx.inv.dvswitches.get(dvs)
        return d is not None and all(h in d.hosts for h in hosts)
    want: object = None
    teams = ctx.teams  # every team (the check's rules ask about all): one look-up each, Snapshot.team's answer
    for h in hosts:
        # a label without a '/' has a team exactly when one of the host's vSwitches holds it (build_teams makes
        # one per standard port group, and every vDS key holds a '/'): what Host.portgroup_vswitch would say
        team = teams.get((h, network))
        if team is None:
            return False
        got = (team.vlan, team.trunk)
        if want is None:
            want = got
        elif got != want:
            return False
    return True


@rule("VN904", "datastore-not-shared", "error", ("P3",), tags=("cluster", "storage"))
def datastore_not_shared(ctx: CheckContext) -> Iterator[Issue]:
    """A VM's datastore is not mounted on every host of its cluster.

    ## What it checks
    For every datastore a VM of a cluster lives on, every host of the cluster must mount it, and it must
    not be a host-local disk when the cluster has more than one host (§1.1 P3).

    ## Why it matters
    vMotion needs the VM's files on storage both hosts see (`DatastoreNotAccessible`); HA can restart a
    VM only on a host that mounts its datastore, and DRS never moves it elsewhere: the cluster is
    smaller than it looks.

    ## Failing example
    ```yaml
    hosts:
      esx01: {cluster: c1, datastores: [ds1]}
      esx02: {cluster: c1, datastores: []}
    vms: {web01: {host: esx01, datastore: ds1}}
    ```

    ## Passing example
    ```yaml
      esx02: {cluster: c1, datastores: [ds1]}
    ```

    ## Fix
    Present the LUN or NFS export to every host of the cluster and mount it there, or Storage-vMotion the
    VM to a datastore all hosts share.

    ## Rests on
    P3
    """
    inv = ctx.inv
    members = _members(ctx)
    # each cluster's datastores, from each host's (gathered with the context's endpoints); a datastore's VMs are
    # only listed for a finding
    keys = []
    for cname, hosts in members.items():
        keys.extend((cname, ds) for ds in set().union(*map(ctx.vm_datastores, hosts)) if ds is not None)
    for cname, ds in sorted(keys):
        hosts = members[cname]
        if all(ds in inv.hosts[h].datastores for h in hosts) and (
                len(hosts) <= 1 or ds not in inv.datastores or inv.datastores[ds].transport != "local"):
            continue  # mounted everywhere, and shared or alone: no finding
        # by name: each datastore's VMs sorted, not all 40,000 VMs of a large design
        vms = sorted(v for h in hosts for v in inv.vms_on(h) if inv.vms[v].datastore == ds)
        who = join(vms[:3]) + (f" and {len(vms) - 3} more" if len(vms) > 3 else "")
        hosts = members[cname]
        missing = [h for h in hosts if ds not in inv.hosts[h].datastores]
        if missing:
            yield Issue((ds, *missing), f"datastore {ds} (of {who}) is not mounted on {join(missing)} of cluster {cname}: "
                        "its VMs cannot move or restart there (DatastoreNotAccessible, P3)",
                        fixes.on_host(missing[0], f"datastores: add {ds}"), ("hosts", missing[0], "datastores"))
        elif len(hosts) > 1 and ds in inv.datastores and inv.datastores[ds].transport == "local":
            yield Issue((ds,), f"datastore {ds} (of {who}) is a host-local disk in cluster {cname}: no other host can "
                        "reach its files (DatastoreNotAccessible, P3)",
                        fixes.on_host(ds, "transport: fc, iscsi or nfs (shared storage)"), ("datastores", ds, "transport"))


@rule("VN905", "cpu-incompatible", "error", ("P4",), tags=("cluster", "vmotion"))
def cpu_incompatible(ctx: CheckContext) -> Iterator[Issue]:
    """A cluster mixes CPU vendors, or families without an EVC baseline that covers them.

    ## What it checks
    The hosts of one cluster have one CPU vendor; without EVC, one CPU family; with EVC, the baseline's
    vendor and a family no older than the baseline (a host older than the baseline cannot join) (§1.1
    P4). A cluster where some hosts give their family and others do not, and no EVC, is *unknown*.

    ## Why it matters
    A VM sees the CPU features of the host it powers on; vMotion refuses a host that lacks any of them
    (`CpuIncompatible`), so a mixed cluster without EVC moves VMs only from older to newer hosts, and DRS
    and maintenance mode run out of targets.

    ## Failing example
    ```yaml
    clusters: {c1: {}}
    hosts:
      esx01: {cluster: c1, cpu: {vendor: intel, family: penryn}}
      esx02: {cluster: c1, cpu: {vendor: intel, family: nehalem}}
    ```

    ## Passing example
    ```yaml
    clusters: {c1: {evc: intel-penryn}}
    ```

    ## Fix
    Enable EVC on the cluster with the baseline of its oldest CPU generation (`evc: intel-penryn`), or
    keep hosts of one vendor and family per cluster.

    ## Rests on
    P4
    """
    inv = ctx.inv
    for cname, hosts in sorted(_members(ctx).items()):
        cl = inv.clusters.get(cname)
        if len(hosts) < 2 or cl is None:
            continue
        cpus = {h: inv.hosts[h].cpu for h in hosts}
        vendors = sorted({c.vendor for c in cpus.values()})
        path = ("clusters", cname, "evc")
        if len(vendors) > 1:
            by = "; ".join(f"{v}: {join([h for h in hosts if cpus[h].vendor == v])}" for v in vendors)
            yield Issue((cname,), f"cluster {cname} mixes CPU vendors ({by}): no VM moves between them, EVC or not "
                        "(CpuIncompatible, P4)", fixes.on_host(cname, "one CPU vendor per cluster"), ("clusters", cname))
            continue
        if cl.evc:
            vendor, base = evc_level(cl.evc)
            if vendor != vendors[0]:
                yield Issue((cname,), f"cluster {cname} has EVC baseline {cl.evc} but {vendors[0]} CPUs (CpuIncompatible, P4)",
                            fixes.on_host(cname, f"evc: {vendors[0]}-<oldest family>"), path)
                continue
            older = [h for h in hosts if isinstance(base, int)
                     and isinstance(lv := cpu_level(cpus[h].vendor, cpus[h].family)[1], int) and lv < base]
            if older:
                yield Issue((cname, *older), f"{join(older)} of cluster {cname} {'is' if len(older) == 1 else 'are'} older than its EVC baseline {cl.evc}: "
                            "they cannot offer the baseline's features (CpuIncompatible, P4)",
                            fixes.on_host(cname, "evc: the baseline of the oldest host's generation"), path)
            continue
        families = {h: cpus[h].family for h in hosts}
        known = sorted({cpu_level(vendors[0], f)[1] for f in families.values() if f is not None}, key=str)
        if len(known) > 1:
            by = "; ".join(f"{f}: {join([h for h in hosts if families[h] == f])}"
                           for f in sorted({f for f in families.values() if f}))
            yield Issue((cname,), f"cluster {cname} mixes CPU families without EVC ({by}): VMs powered on a newer host "
                        "cannot move to an older one (CpuIncompatible, P4)",
                        fixes.on_host(cname, f"evc: {vendors[0]}-<oldest family>"), ("clusters", cname))
        elif known and any(f is None for f in families.values()):
            unknown = [h for h in hosts if families[h] is None]
            yield Issue((cname, *unknown), f"cluster {cname}: {join(unknown)} {'gives' if len(unknown) == 1 else 'give'} no CPU family and the cluster has no "
                        "EVC baseline: cannot tell whether VMs move between its hosts (P4)",
                        fixes.on_host(unknown[0], "cpu: {family: ...}"), ("hosts", unknown[0], "cpu"), status="unknown")
