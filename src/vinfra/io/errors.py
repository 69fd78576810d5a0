"""Errors users can cause, reported as ``FILE:LINE:COL: error: MESSAGE``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Diagnostic:
    file: str
    line: int | None
    column: int | None
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        return f"{where}: {self.severity}: {self.message}"


class DesignError(Exception):
    """A design that cannot be loaded; carries every problem found, in file order."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics, key=lambda d: (d.file, d.line or 0, d.column or 0, d.message))
        super().__init__("\n".join(str(d) for d in self.diagnostics))
