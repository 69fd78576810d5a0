"""The outcome of one statement of an expectation file (expectations-v1)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class StatementResult:
    """One statement of an expectation file and whether it held.

    ``status`` is ``not-run`` for a statement whose analysis or rule does not exist yet: it is
    neither passed nor failed, and runners print how many there were.
    """

    section: str
    statement: str
    status: Literal["pass", "fail", "not-run"]
    detail: str
