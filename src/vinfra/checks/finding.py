"""What a check rule reports: a :class:`Finding`.

A finding is plain data (architecture.md, "Findings"): a stable code and slug, a severity, a
status (``fail``, or ``unknown`` when the rule lacks the data to decide — never a silent
pass), the objects involved in ``device:thing`` form, a message in the user's words, a fix on
both sides of the server/network boundary, the behaviour rule IDs it rests on, and the path of
the most relevant key in the design file.  The path becomes a file/line/column
:class:`Location` only when an output needs it (locating costs a parse of the file).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

Severity = Literal["error", "warning", "info"]
Status = Literal["fail", "unknown"]

SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
#: Higher is worse; ``--fail-on`` compares against it.
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}

DesignPath = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Location:
    """Where a finding points in the design file (1-based; None when unknown)."""

    file: str | None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.file or "<design>"
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        return where


@dataclass(frozen=True, slots=True)
class Issue:
    """What a rule function yields; the engine stamps the rule's code, slug and refs on it.

    ``severity`` overrides the rule's default for this one finding (e.g. a stand-alone LACP
    member is less severe than a suspended one).
    """

    objects: tuple[str, ...]
    message: str
    fix: str = ""
    path: DesignPath = ()
    status: Status = "fail"
    severity: Severity | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    rule: str
    severity: Severity
    status: Status
    objects: tuple[str, ...]
    message: str
    fix: str
    refs: tuple[str, ...]
    path: DesignPath = ()
    location: Location | None = field(default=None, compare=False)

    def sort_key(self) -> tuple[object, ...]:
        return (self.code, self.objects, self.message, self.status)

    def located(self, location: Location | None) -> Finding:
        return replace(self, location=location)

    def as_dict(self) -> dict[str, object]:
        """The JSON shape of a finding (``vinfra check --format json``)."""
        loc = self.location
        return {
            "code": self.code,
            "rule": self.rule,
            "severity": self.severity,
            "status": self.status,
            "objects": list(self.objects),
            "message": self.message,
            "fix": self.fix,
            "refs": list(self.refs),
            "location": {
                "file": loc.file if loc else None,
                "line": loc.line if loc else None,
                "column": loc.column if loc else None,
            },
        }
