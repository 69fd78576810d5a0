"""Property: VN902 (vmotion-vmk-unreachable, cluster-behaviour §1.1 P2) decides the common pair (two vMotion ports
of one subnet that reach each other) without :func:`check_network`; its findings must be those of asking
``check_network`` about every pair of every cluster, the slow obvious path, on random designs from across
topology-v1 with random failures (:mod:`_random_design`: every host in one cluster; here every VMkernel port
also carries vMotion, so that most designs have vMotion pairs: in one subnet or not, VLANs pruned, uplinks
failed, duplicate addresses).
"""

from __future__ import annotations

import copy
from dataclasses import replace

from hypothesis import HealthCheck, given, note, settings

from _deep import examples
from _random_design import Case, cases, sample
from vinfra.analysis.reach import Reach
from vinfra.checks.engine import run_checks
from vinfra.cluster.vmotion import DEFAULT_VMOTION_SETTINGS, check_network, vmotion_vmk
from vinfra.network import Snapshot


def _vmotion_everywhere(case: Case) -> Case:
    """The case with vMotion enabled on every VMkernel port (the generator enables it on few)."""
    design = copy.deepcopy(case.design)
    for host in design.get("hosts", {}).values():
        for vmk in host.get("vmkernel", {}).values():
            if "vmotion" not in vmk.get("services", []):
                vmk["services"] = [*vmk.get("services", []), "vmotion"]
    return replace(case, design=design)


def _every_pair(snap: Snapshot) -> list[tuple[tuple[str, ...], str]]:
    """(objects, message) of VN902 with ``check_network`` asked about every pair (the rule before its fast path)."""
    inv = snap.inventory
    reach = Reach(snap)

    def ping(a, b) -> str | None:  # type: ignore[no-untyped-def]
        return None if reach.pair(a, b) else (reach.reason(a, b) or "no reply")

    clusters: dict[str, list[str]] = {}
    for name, host in sorted(inv.hosts.items()):
        if host.cluster is not None:
            clusters.setdefault(host.cluster, []).append(name)
    out = []
    for cname, hosts in sorted(clusters.items()):
        with_vmk = [h for h in hosts if vmotion_vmk(inv.hosts[h]) is not None and snap.host_alive(h)]
        for i, a in enumerate(with_vmk):
            for b in with_vmk[i + 1:]:
                faults, _ = check_network(snap, a, b, DEFAULT_VMOTION_SETTINGS, ping=ping)
                for f in faults:
                    out.append(((f"{a}:{vmotion_vmk(inv.hosts[a])}", f"{b}:{vmotion_vmk(inv.hosts[b])}"),
                                f"{a} and {b} of cluster {cname}: {f.message.removesuffix(' (P2)')} "
                                "(VMotionInterfaceIssue, P2)"))
    return out


def _rule(snap: Snapshot) -> list[tuple[tuple[str, ...], str]]:
    return [(f.objects, f.message) for f in run_checks(snap, select=["VN902"]).findings]


@settings(max_examples=examples(60), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cases())
def test_vn902_equals_check_network_on_every_pair(case: Case) -> None:
    case = _vmotion_everywhere(case)
    note(case.text())
    snap = case.snapshot()
    assert sorted(_rule(snap)) == sorted(set(_every_pair(snap)))


def test_the_sample_has_vmotion_pairs_both_ways() -> None:
    """The generator gives clusters with vMotion pairs that pass and pairs that fail (else the property above
    would compare nothing but empty lists)."""
    passing = failing = 0
    for case in sample(902, 40):
        snap = _vmotion_everywhere(case).snapshot()
        inv = snap.inventory
        with_vmk = [h for h in sorted(inv.hosts) if vmotion_vmk(inv.hosts[h]) is not None and snap.host_alive(h)]
        pairs = len(with_vmk) * (len(with_vmk) - 1) // 2
        bad = len({objs for objs, _ in _rule(snap)})
        failing += bad
        passing += pairs - bad
        assert sorted(_rule(snap)) == sorted(set(_every_pair(snap)))
    assert passing > 0 and failing > 0, (passing, failing)
