"""A check run as rows and documents: text lines, a summary table, JSON and SARIF 2.1.0.

Everything here is plain data; the CLI only prints it.  Output is deterministic: findings in
file order (line, column), then by code and objects; rules by code.
"""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import quote

from .. import __version__
from .engine import CheckRun, Rule
from .finding import SEVERITY_RANK, Finding

FAIL_ON = ("error", "warning", "never")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def ordered(run: CheckRun) -> list[Finding]:
    """The located findings in file order."""
    big = 1 << 30
    return sorted(run.located(), key=lambda f: (
        (f.location.line or big) if f.location else big,
        (f.location.column or 0) if f.location else 0,
        f.sort_key(),
    ))


def text_lines(run: CheckRun) -> list[str]:
    """``FILE:LINE:COL: CODE slug [severity] message`` and an indented ``fix:`` line each."""
    out: list[str] = []
    for f in ordered(run):
        where = str(f.location) if f.location else (run.inventory.source or run.inventory.name)
        status = "unknown: " if f.status == "unknown" else ""
        out.append(f"{where}: {f.code} {f.rule} [{f.severity}] {status}{f.message}")
        if f.fix:
            out.append(f"    fix: {f.fix}")
    return out


def summary_rows(run: CheckRun) -> list[tuple[str, str, str, int, int]]:
    """(code, slug, severity, failures, unknowns) for every rule that reported something."""
    counts: Counter[tuple[str, str, str, str]] = Counter((f.code, f.rule, f.severity, f.status) for f in run.findings)
    rows: dict[tuple[str, str, str], list[int]] = {}
    for (code, slug, sev, status), n in counts.items():
        row = rows.setdefault((code, slug, sev), [0, 0])
        row[0 if status == "fail" else 1] += n
    return [(c, s, sev, n[0], n[1]) for (c, s, sev), n in sorted(rows.items())]


def totals(run: CheckRun) -> dict[str, int]:
    """Findings by severity (failures and unknowns together), and how many rules ran."""
    by = Counter(f.severity for f in run.findings)
    return {"error": by["error"], "warning": by["warning"], "info": by["info"],
            "unknown": sum(f.status == "unknown" for f in run.findings), "rules": len(run.rules)}


def exit_code(run: CheckRun, fail_on: str = "error") -> int:
    """1 when a finding (failed or unknown) at or above ``fail_on`` exists, else 0."""
    if fail_on == "never":
        return 0
    return 1 if run.worst() >= SEVERITY_RANK[fail_on] else 0


def to_json(run: CheckRun) -> dict[str, Any]:
    return {"findings": [f.as_dict() for f in ordered(run)]}


def rule_row(r: Rule) -> dict[str, str]:
    return {"code": r.code, "rule": r.slug, "severity": r.severity, "summary": r.summary}


def _sarif_rule(r: Rule) -> dict[str, Any]:
    return {
        "id": r.code,
        "name": r.slug,
        "shortDescription": {"text": r.summary},
        "fullDescription": {"text": r.sections.get("What it checks", r.summary)},
        "help": {"text": r.render_doc(), "markdown": r.render_doc()},
        "defaultConfiguration": {"level": _SARIF_LEVEL[r.severity]},
        "properties": {"tags": list(r.tags), "refs": list(r.refs)},
    }


def to_sarif(run: CheckRun) -> dict[str, Any]:
    """A SARIF 2.1.0 log: one run, the selected rules as ``tool.driver.rules``.

    A finding with status *unknown* is a result of ``kind: open`` (the rule could not decide),
    whose level SARIF requires to be ``none``.
    """
    index = {r.code: i for i, r in enumerate(run.rules)}
    results = []
    for f in ordered(run):
        result: dict[str, Any] = {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "kind": "fail" if f.status == "fail" else "open",
            "level": _SARIF_LEVEL[f.severity] if f.status == "fail" else "none",
            "message": {"text": f.message + (f" Fix: {f.fix}" if f.fix else "")},
            "properties": {"rule": f.rule, "status": f.status, "severity": f.severity, "objects": list(f.objects),
                           "fix": f.fix, "refs": list(f.refs)},
        }
        location: dict[str, Any] = {"logicalLocations": [{"fullyQualifiedName": o} for o in f.objects]}
        if f.location is not None and f.location.file:
            physical: dict[str, Any] = {"artifactLocation": {"uri": quote(f.location.file)}}
            if f.location.line is not None:
                physical["region"] = {"startLine": f.location.line, "startColumn": f.location.column or 1}
            location["physicalLocation"] = physical
        result["locations"] = [location]
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "vinfra", "version": __version__, "rules": [_sarif_rule(r) for r in run.rules]}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
