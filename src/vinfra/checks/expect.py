"""The ``checks`` section of an expectation file (expectations-v1), evaluated.

- ``present: [slug, ...]``: at least one finding of that rule (any severity) that failed; a
  rule that could only say *unknown* has not reported the problem.
- ``absent: [slug, ...]``: the rule ran and reported nothing; a finding with status *unknown*
  fails the statement.
- ``errors: N``: exactly N failed findings of severity error, from every rule of the catalogue
  (rules named in the file or not).  It counts every rule of rules-v1, so while a documented slug
  (:data:`RULES_V1`) has no rule yet the statement is *not run*: counting a missing rule as zero
  errors could pass a design that the full catalogue fails.
- A statement about a slug the catalogue does not have (the cluster rules) is *not run*.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..analysis.results import StatementResult
from ..network import Snapshot
from .engine import CheckRun, all_rules, run_checks

SECTION = "checks"
KEYS = ("present", "absent", "errors")

#: The slugs rules-v1 documents (the minimum catalogue, ``spec/rules-v1.md``), in its order.
RULES_V1: tuple[str, ...] = (
    "ip-hash-without-channel", "channel-without-ip-hash", "ip-hash-standby-uplinks", "channel-split-across-switches",
    "lacp-to-standard-vswitch", "pagp-unsupported", "channel-member-count-mismatch", "portgroup-vlan-is-native",
    "untagged-portgroup-on-trunk", "vlan-not-allowed-on-uplink", "vlan-missing-on-path", "native-vlan-mismatch",
    "uplinks-in-different-l2-domains", "beacon-with-two-uplinks", "beacon-with-ip-hash", "no-upstream-failure-detection",
    "single-point-of-failure", "stp-edge-missing", "bpdu-guard-without-guest-filter", "mtu-mismatch", "gateway-missing",
    "fhrp-inconsistent", "arp-timeout-exceeds-mac-aging", "duplicate-ip", "duplicate-mac", "iscsi-binding-invalid",
    "vmk-same-subnet", "management-single-uplink", "vmotion-not-configured", "vmotion-vmk-unreachable",
    "vmotion-network-missing", "cluster-spans-l3-boundary", "datastore-not-shared", "cpu-incompatible",
    "ha-insufficient-failover-capacity", "ha-isolation-address-unreachable", "affinity-rule-violated",
    "anti-affinity-rule-violated", "vm-host-rule-violated", "cluster-maximum-exceeded",
)


def evaluate_checks(snapshot: Snapshot, section_data: Any, run: CheckRun | None = None,
                    documented: tuple[str, ...] = RULES_V1) -> list[StatementResult]:
    """Every statement of a ``checks`` section with its outcome, in file order.

    ``run`` reuses a check run over the same snapshot; by default every rule is run once.
    ``documented`` are the slugs ``errors: N`` needs before it can be counted.
    """
    results: list[StatementResult] = []
    if section_data is None:
        return results
    if not isinstance(section_data, dict):
        return [StatementResult(SECTION, "checks", "fail",
                                f"the checks section is a mapping of {', '.join(KEYS)}, got {type(section_data).__name__}")]
    for key in section_data:
        if key not in KEYS:
            results.append(StatementResult(SECTION, str(key), "fail",
                                           f"unknown statement '{key}' (expected one of: {', '.join(KEYS)})"))
    if run is None:
        run = run_checks(snapshot, rules=all_rules())
    ran = {r.slug for r in run.rules}
    found: Counter[str] = Counter()
    unknown: Counter[str] = Counter()
    for f in run.findings:
        (found if f.status == "fail" else unknown)[f.rule] += 1

    for key in ("present", "absent"):
        slugs = section_data.get(key)
        if slugs is None:
            continue
        if not isinstance(slugs, list) or not all(isinstance(s, str) for s in slugs):
            results.append(StatementResult(SECTION, key, "fail", f"'{key}' is a list of rule slugs"))
            continue
        for slug in slugs:
            statement = f"{key}: {slug}"
            if slug not in ran:
                results.append(StatementResult(SECTION, statement, "not-run", f"no rule '{slug}' in the catalogue yet"))
                continue
            n, u = found[slug], unknown[slug]
            if key == "present":
                ok = n > 0
                detail = (f"{n} finding{'s' if n != 1 else ''}" if ok else
                          f"not reported{f' ({u} unknown)' if u else ''}")
            else:
                ok = n == 0 and u == 0
                detail = ("not reported" if ok else
                          f"reported: {n} finding{'s' if n != 1 else ''}, {u} unknown: "
                          + "; ".join(f.message for f in run.by_rule(slug)[:3]))
            results.append(StatementResult(SECTION, statement, "pass" if ok else "fail", detail))

    if "errors" in section_data:
        want = section_data["errors"]
        if not isinstance(want, int) or isinstance(want, bool) or want < 0:
            results.append(StatementResult(SECTION, f"errors: {want}", "fail", "'errors' is a count (0 or more)"))
        elif missing := [slug for slug in documented if slug not in ran]:
            results.append(StatementResult(SECTION, f"errors: {want}", "not-run",
                                           f"counts every rule of rules-v1, and the catalogue lacks {len(missing)} of them "
                                           f"({', '.join(missing[:3])}{', ...' if len(missing) > 3 else ''})"))
        else:
            errs = [f for f in run.findings if f.severity == "error" and f.status == "fail"]
            ok = len(errs) == want
            detail = f"{len(errs)} error finding{'s' if len(errs) != 1 else ''}"
            if errs and not ok:
                detail += ": " + ", ".join(sorted({f.rule for f in errs}))
            results.append(StatementResult(SECTION, f"errors: {want}", "pass" if ok else "fail", detail))
    return results
