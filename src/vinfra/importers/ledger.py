"""The report being written while a source is read: one entry per line (or object), the worst state wins.

An importer marks a line when it reads it (usually ``supported``) and may mark it again once it knows
more: a VMkernel row read fine is ``wrong`` after all if its port group never appears on the host. The
ledger keeps the worse of the two states and both messages, so the report shows the final verdict.
"""

from __future__ import annotations

from .report import ReportLine, Support

# how bad a state is, for "the worse state wins"
_RANK = {Support.SUPPORTED: 0, Support.PARTIAL: 1, Support.IGNORED: 2, Support.WRONG: 3, Support.UNRECOGNISED: 4}


class Ledger:
    """Report lines keyed by (source, line) for line sources, (source, object path) for live ones."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, int | str], list[object]] = {}

    def mark(self, source: str, line: int | None, text: str, support: Support, message: str = "") -> None:
        key: tuple[str, int | str] = (source, line if line is not None else text)
        entry = self._entries.get(key)
        if entry is None:
            self._entries[key] = [line, text, support, message]
            return
        old: Support = entry[2]  # type: ignore[assignment]
        if _RANK[support] > _RANK[old]:
            entry[2] = support
        if message and message not in str(entry[3]):
            entry[3] = f"{entry[3]}; {message}" if entry[3] else message

    def lines(self) -> tuple[ReportLine, ...]:
        return tuple(ReportLine(source, line, text, support, message)  # type: ignore[arg-type]
                     for (source, _), (line, text, support, message) in self._entries.items())
