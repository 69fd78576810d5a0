"""Consistency checks across the server/network boundary (``vinfra check``).

>>> from vinfra.checks import run_checks          # doctest: +SKIP
>>> run = run_checks(Snapshot(vinfra.load("design.yaml")))
>>> [f.rule for f in run.findings]
"""

from .engine import RULES, CheckRun, Rule, SelectionError, all_rules, get_rule, run_checks, select_rules
from .finding import Finding, Issue, Location

__all__ = ["RULES", "CheckRun", "Finding", "Issue", "Location", "Rule", "SelectionError", "all_rules", "get_rule",
           "run_checks", "select_rules"]
