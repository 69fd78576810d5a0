"""What an importer understood: the support state of every line it met, and located errors.

The five states are Batfish's (``ParseStatus``/``ParseWarning``): a line is not recognised, ignored on
purpose, known to be wrong if used, partly supported (a warning says what is lost), or supported. An import
report lists every line that is not fully supported, with its source and line number, so an operator knows
exactly what the design does not say.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ..io.errors import Diagnostic


class Support(StrEnum):
    """How far a source line is carried into the design (Batfish's five states)."""

    UNRECOGNISED = "unrecognised"  # the parser does not know the line
    IGNORED = "ignored"  # known, and deliberately not modelled (it does not change what vinfra answers)
    WRONG = "wrong"  # known, not modelled, and the design is wrong where it matters (a warning at least)
    PARTIAL = "partial"  # modelled in part; the message says what is lost
    SUPPORTED = "supported"


@dataclass(frozen=True, slots=True)
class ReportLine:
    """One source line (or object, for sources without lines) and how it was carried over."""

    source: str  # file path as given, or the vCenter URL
    line: int | None  # 1-based; None for an object of a live source
    text: str  # the line as written (stripped), or the object's name
    support: Support
    message: str = ""

    def row(self) -> dict[str, Any]:
        return {"source": self.source, "line": self.line, "text": self.text, "support": str(self.support),
                "message": self.message}

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        tail = f" ({self.message})" if self.message else ""
        return f"{where}: {self.support}: {self.text}{tail}"


@dataclass(frozen=True, slots=True)
class Conflict:
    """Two sources that say different things about one object: reported, never silently resolved."""

    what: str  # the design path, e.g. "hosts.esx01.vswitches.vSwitch0.mtu"
    values: tuple[tuple[str, Any], ...]  # (source, value) for each source that spoke
    chosen: str  # the source whose value the design holds, and why, e.g. "rvtools.xlsx (first given)"

    def row(self) -> dict[str, Any]:
        return {"what": self.what, "values": [{"source": s, "value": v} for s, v in self.values],
                "chosen": self.chosen}


@dataclass(frozen=True)
class Imported:
    """A topology-v1 fragment (plain data, as a design file would hold it) and the report of its making."""

    design: dict[str, Any]
    report: tuple[ReportLine, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    sources: tuple[str, ...] = field(default=())

    def not_supported(self) -> list[ReportLine]:
        """Every line that is not fully supported, in source and line order."""
        return sorted((r for r in self.report if r.support is not Support.SUPPORTED),
                      key=lambda r: (r.source, r.line or 0))

    def counts(self) -> dict[str, int]:
        """Lines per support state, every state present (zeros included), in the enum's order."""
        seen = Counter(r.support for r in self.report)
        return {str(s): seen.get(s, 0) for s in Support}


class ImportSourceError(Exception):
    """A source that cannot be imported at all (truncated config, not an RVTools workbook, vCenter unreachable):
    located like a design error and reported with exit 2."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics, key=lambda d: (d.file, d.line or 0, d.column or 0, d.message))
        super().__init__("\n".join(str(d) for d in self.diagnostics))

    @classmethod
    def at(cls, source: str, message: str, line: int | None = None, column: int | None = None) -> ImportSourceError:
        return cls([Diagnostic(source, line, column, message)])
