"""Placement rules of a cluster (cluster-behaviour §2.6): VM-VM affinity and anti-affinity, VM-Host
"must/should (not) run on".

DRS, HA and the maintenance-mode evacuation ask one question of them: may this VM run on that host, given
where the others run? Required rules are never broken; preferential ("should") rules only where the caller
asks to honour them (DRS honours them unless there is no alternative). Conflicting rules follow §2.6: the
older rule wins and the newer one is disabled; a design lists its rules oldest first, so the rule listed
first wins, and every disabled rule is reported with the rule it lost to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..model import Inventory
from ..model.cluster import ClusterRule


@dataclass(frozen=True, slots=True)
class RuleViolation:
    """A rule the placement breaks: the VMs involved and the hosts they are on (§2.6)."""

    rule: str
    kind: str  # affinity | anti_affinity | vm_host | vm_anti_host
    vms: tuple[str, ...]
    hosts: tuple[str, ...]
    must: bool

    @property
    def message(self) -> str:
        vms, hosts = ", ".join(self.vms), ", ".join(self.hosts)
        if self.kind == "affinity":
            return f"rule '{self.rule}' keeps {vms} together, but they run on {hosts}"
        if self.kind == "anti_affinity":
            return f"rule '{self.rule}' keeps {vms} apart, but they share {hosts}"
        verb = "must" if self.must else "should"
        where = "run on" if self.kind == "vm_host" else "not run on"
        return f"rule '{self.rule}': {vms} {verb} {where} the rule's hosts, but run(s) on {hosts}"


@dataclass(frozen=True, slots=True)
class DisabledRule:
    rule: str
    lost_to: str
    reason: str


class _Groups:
    """Union-find over VM names: the VMs affinity rules keep together, transitively."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        root = x
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        self.parent[x] = root
        return root

    def union(self, names: list[str]) -> None:
        roots = [self.find(n) for n in names]
        for r in roots[1:]:
            self.parent[r] = roots[0]


class PlacementRules:
    """The effective rules of one cluster: enabled, minus those disabled by an older conflicting rule."""

    def __init__(self, cluster: str, rules: list[ClusterRule]) -> None:
        self.cluster = cluster
        kept: list[ClusterRule] = []
        disabled: list[DisabledRule] = []
        groups = _Groups()
        # VM -> allowed hosts (None: any) from required VM-Host rules, and the rule that set it
        allowed: dict[str, set[str] | None] = {}
        for rule in rules:
            if not rule.enabled:
                continue
            loser = self._conflict(rule, kept, groups, allowed)
            if loser is not None:
                disabled.append(DisabledRule(rule.name, loser[0], loser[1]))
                continue
            kept.append(rule)
            if rule.type == "affinity":
                groups.union(list(rule.vms))
            elif rule.must:
                for vm in rule.vms:
                    allowed[vm] = self._narrow(allowed.get(vm), rule)
        self.rules: tuple[ClusterRule, ...] = tuple(kept)
        self.disabled: tuple[DisabledRule, ...] = tuple(disabled)
        self._by_vm: dict[str, list[ClusterRule]] = {}
        for rule in self.rules:
            for vm in rule.vms:
                self._by_vm.setdefault(vm, []).append(rule)

    @classmethod
    def of(cls, inv: Inventory, cluster: str) -> PlacementRules:
        return cls(cluster, list(inv.clusters[cluster].rules))

    # conflicts (§2.6: the older rule wins) ----------------------------------------------------
    @staticmethod
    def _narrow(current: set[str] | None, rule: ClusterRule) -> set[str] | None:
        if rule.type == "vm_host":
            return set(rule.hosts) if current is None else current & set(rule.hosts)
        if current is None:
            return None  # "must not run on" alone leaves the complement, which needs the host list: kept apart
        return current - set(rule.hosts)

    def _conflict(self, rule: ClusterRule, kept: list[ClusterRule], groups: _Groups,
                  allowed: dict[str, set[str] | None]) -> tuple[str, str] | None:
        if rule.type == "affinity":
            # an anti-affinity rule already keeps two of these VMs (or their affinity groups) apart
            roots = {groups.find(v) for v in rule.vms}
            for old in kept:
                if old.type == "anti_affinity":
                    together = [v for v in old.vms if groups.find(v) in roots or v in rule.vms]
                    if len(together) >= 2:
                        return old.name, f"it keeps {', '.join(together)} apart"
        elif rule.type == "anti_affinity":
            seen: dict[str, str] = {}
            for vm in rule.vms:
                root = groups.find(vm)
                if root in seen:
                    old = next(r for r in kept if r.type == "affinity" and
                               any(groups.find(v) == root for v in r.vms))
                    return old.name, f"it keeps {seen[root]} and {vm} together"
                seen[root] = vm
        elif rule.must:
            old_rules = [r for r in kept if r.must and r.type in ("vm_host", "vm_anti_host")]
            for vm in rule.vms:
                narrowed = self._narrow(allowed.get(vm), rule)
                if narrowed is not None and not narrowed:
                    old = next((r for r in old_rules if vm in r.vms), None)
                    if old is not None:  # a rule that alone allows no host is the design's word: kept
                        return old.name, f"together they leave VM '{vm}' no host"
        return None

    # questions -----------------------------------------------------------------------------
    def allowed(self, vm: str, host: str, placement: Mapping[str, str], *, preferential: bool = False,
                vm_vm: bool = True) -> bool:
        """May ``vm`` run on ``host`` while the other VMs stay where ``placement`` has them?

        Required VM-Host rules always count; "should" VM-Host rules only with ``preferential``; VM-VM rules
        unless ``vm_vm`` is False (HA ignores anti-affinity on failover unless a setting says so, §2.6)."""
        for rule in self._by_vm.get(vm, ()):
            if rule.type in ("vm_host", "vm_anti_host"):
                if not (rule.must or preferential):
                    continue
                inside = host in rule.hosts
                if inside != (rule.type == "vm_host"):
                    return False
            elif vm_vm:
                others = [placement[v] for v in rule.vms if v != vm and v in placement]
                if rule.type == "affinity" and any(h != host for h in others):
                    return False
                if rule.type == "anti_affinity" and host in others:
                    return False
        return True

    def violations(self, placement: Mapping[str, str]) -> list[RuleViolation]:
        """Every effective rule the placement (powered-on VM -> host) breaks, in rule order."""
        out: list[RuleViolation] = []
        for rule in self.rules:
            placed = [(v, placement[v]) for v in rule.vms if v in placement]
            if rule.type == "affinity":
                hosts = sorted({h for _, h in placed})
                if len(hosts) > 1:
                    out.append(RuleViolation(rule.name, rule.type, tuple(v for v, _ in placed), tuple(hosts),
                                             rule.must))
            elif rule.type == "anti_affinity":
                by_host: dict[str, list[str]] = {}
                for v, h in placed:
                    by_host.setdefault(h, []).append(v)
                for h, vms in by_host.items():
                    if len(vms) > 1:
                        out.append(RuleViolation(rule.name, rule.type, tuple(vms), (h,), rule.must))
            else:
                wrong = [(v, h) for v, h in placed if (h in rule.hosts) != (rule.type == "vm_host")]
                if wrong:
                    out.append(RuleViolation(rule.name, rule.type, tuple(v for v, _ in wrong),
                                             tuple(sorted({h for _, h in wrong})), rule.must))
        return out
