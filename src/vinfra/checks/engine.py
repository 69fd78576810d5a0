"""The rule engine: registration, selection and one run over a Snapshot.

A rule is a small generator function over a :class:`~vinfra.checks.context.CheckContext`
that yields :class:`~vinfra.checks.finding.Issue` rows; :func:`rule` registers it with a
stable code (grouped by topic: VN1xx VLANs, VN2xx teaming and port-channels, VN3xx failure
detection and redundancy, VN4xx spanning tree, VN5xx MTU, VN6xx layer 3, VN7xx VMkernel
ports, VN8xx integrity), a slug, a default severity, tags and the behaviour rule IDs it rests
on.  Its docstring is its documentation, with the fixed sections of :data:`DOC_SECTIONS`.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from .finding import SEVERITIES, SEVERITY_RANK, Finding, Issue, Location, Severity

if TYPE_CHECKING:
    from ..model import Inventory
    from ..network import Snapshot
    from .context import CheckContext

RuleFunc = Callable[["CheckContext"], Iterable[Issue]]

#: The sections every rule's documentation has, in this order (like ruff's rule pages).
DOC_SECTIONS = ("What it checks", "Why it matters", "Failing example", "Passing example", "Fix", "Rests on")

_CODE_RE = re.compile(r"^VN\d{3}$")
_SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_SECTION_RE = re.compile(r"^## (.+?)\s*$", re.M)


@dataclass(frozen=True)
class Rule:
    code: str
    slug: str
    severity: Severity
    refs: tuple[str, ...]
    tags: tuple[str, ...]
    func: RuleFunc = field(compare=False, repr=False)
    doc: str = field(compare=False, repr=False, default="")

    @property
    def summary(self) -> str:
        """The first line of the documentation."""
        return self.doc.strip().splitlines()[0].strip() if self.doc.strip() else ""

    @cached_property
    def sections(self) -> dict[str, str]:
        """The documentation's ``## Section`` bodies, by title."""
        parts = _SECTION_RE.split(self.doc)
        out: dict[str, str] = {}
        for i in range(1, len(parts) - 1, 2):
            out[parts[i]] = parts[i + 1].strip()
        return out

    def render_doc(self) -> str:
        """The documentation as ``vinfra rule SLUG`` prints it (markdown)."""
        head = f"# {self.slug} ({self.code})\n\nSeverity: {self.severity}. Tags: {', '.join(self.tags)}.\n\n"
        return head + self.doc.strip() + "\n"


#: Every registered rule, by slug.
RULES: dict[str, Rule] = {}
_BY_CODE: dict[str, Rule] = {}


def rule(code: str, slug: str, severity: Severity, refs: Iterable[str], tags: Iterable[str] = ()) -> Callable[[RuleFunc], RuleFunc]:
    """Register a rule function; its docstring is the rule's documentation."""
    if not _CODE_RE.match(code):
        raise ValueError(f"rule code {code!r} is not VN followed by three digits")
    if not _SLUG_RE.match(slug):
        raise ValueError(f"rule slug {slug!r} is not lower-case words joined by '-'")
    if severity not in SEVERITIES:
        raise ValueError(f"rule {slug}: unknown severity {severity!r}")

    def register(func: RuleFunc) -> RuleFunc:
        if slug in RULES or code in _BY_CODE:
            raise ValueError(f"rule {code} {slug} is registered twice")
        doc = inspect.cleandoc(func.__doc__ or "")
        r = Rule(code, slug, severity, tuple(refs), tuple(tags), func, doc)
        RULES[slug] = r
        _BY_CODE[code] = r
        return func

    return register


def _load_rules() -> None:
    # importing the topic modules registers their rules
    from .rules import cluster, detection, ha, integrity, l3, lag, mtu, stp, teaming, vlan, vmkernel  # noqa: F401


def all_rules() -> list[Rule]:
    """Every rule, sorted by code."""
    _load_rules()
    return sorted(RULES.values(), key=lambda r: r.code)


def get_rule(name: str) -> Rule | None:
    """A rule by slug or code."""
    _load_rules()
    return RULES.get(name) or _BY_CODE.get(name.upper())


class SelectionError(ValueError):
    """A ``--select`` / ``--ignore`` entry that names no rule."""


def _split(items: Iterable[str] | None) -> list[str]:
    out: list[str] = []
    for item in items or ():
        out.extend(p.strip() for p in item.split(",") if p.strip())
    return out


def _matching(selector: str, rules: list[Rule]) -> list[Rule]:
    """Rules a selector names: a slug, a code, or a code prefix (``VN2``, ``VN20``)."""
    if selector in RULES:
        return [RULES[selector]]
    up = selector.upper()
    if re.fullmatch(r"VN\d{0,3}", up):
        return [r for r in rules if r.code.startswith(up)]
    return []


def select_rules(select: Iterable[str] | None = None, ignore: Iterable[str] | None = None) -> list[Rule]:
    """The rules to run: ``select`` (all when empty) minus ``ignore``, sorted by code.

    Raises :class:`SelectionError` naming the first selector that matches no rule.
    """
    rules = all_rules()
    chosen: dict[str, Rule] = {}
    sel = _split(select)
    for option, selectors in (("--select", sel), ("--ignore", _split(ignore))):
        for s in selectors:
            if not _matching(s, rules):
                close = [r.slug for r in rules if s.lower() in r.slug] or [r.slug for r in rules if r.slug.startswith(s[:4].lower())]
                hint = f" (did you mean {', '.join(close[:3])}?)" if close else " (see 'vinfra rules')"
                raise SelectionError(f"{option} {s}: no rule has that slug, code or code prefix{hint}")
    for s in sel or ["VN"]:
        for r in _matching(s, rules):
            chosen[r.slug] = r
    for s in _split(ignore):
        for r in _matching(s, rules):
            chosen.pop(r.slug, None)
    return sorted(chosen.values(), key=lambda r: r.code)


class CheckRun:
    """Every finding of one run, sorted; locations are resolved once, on first demand."""

    def __init__(self, inventory: Inventory, rules: list[Rule], findings: list[Finding],
                 context: CheckContext | None = None) -> None:
        self.inventory = inventory
        #: the context the rules ran over (:func:`run_checks`): its memos live as long as the run, so that a command
        #: that ends the process with the run never frees them one by one (:func:`vinfra.cli.heap.keep_until_exit`)
        self.context = context
        self.rules = rules
        self.findings = sorted(findings, key=Finding.sort_key)
        self._located: list[Finding] | None = None

    def located(self) -> list[Finding]:
        """The findings with their file/line/column (one parse of the design, only if needed)."""
        if self._located is None:
            from .locate import locator_for

            if not self.findings:
                self._located = []
            else:
                locate = locator_for(self.inventory)
                self._located = [f.located(locate(f.path)) for f in self.findings]
        return self._located

    def by_rule(self, slug: str) -> list[Finding]:
        return [f for f in self.findings if f.rule == slug]

    def worst(self, statuses: tuple[str, ...] = ("fail", "unknown")) -> int:
        """The highest severity rank among findings (-1 when there is none)."""
        return max((SEVERITY_RANK[f.severity] for f in self.findings if f.status in statuses), default=-1)


def run_checks(snapshot: Snapshot, select: Iterable[str] | None = None, ignore: Iterable[str] | None = None,
               rules: list[Rule] | None = None, share: bool = True) -> CheckRun:
    """Run the selected rules over a Snapshot and return every finding (never the first only).

    ``share``: rules work out what identical hosts and ports have in common once (the fast path); False
    works it out for each of them (:meth:`CheckContext.shared`), for the property tests that compare both."""
    from .context import CheckContext

    chosen = rules if rules is not None else select_rules(select, ignore)
    ctx = CheckContext(snapshot, share=share)
    findings: list[Finding] = []
    for r in chosen:
        seen: set[tuple[object, ...]] = set()
        for issue in _issues(r, ctx):
            f = Finding(r.code, r.slug, issue.severity or r.severity, issue.status, tuple(issue.objects),
                        issue.message, issue.fix, r.refs, tuple(issue.path))
            key = f.sort_key()
            if key not in seen:  # a rule may meet the same problem from two sides
                seen.add(key)
                findings.append(f)
    return CheckRun(snapshot.inventory, chosen, findings, ctx)


def _issues(r: Rule, ctx: CheckContext) -> Iterator[Issue]:
    yield from r.func(ctx)


__all__ = ["DOC_SECTIONS", "RULES", "CheckRun", "Location", "Rule", "SelectionError", "all_rules", "get_rule",
           "rule", "run_checks", "select_rules"]
