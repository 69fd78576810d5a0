"""How many examples the property and fuzz tests draw.

A few hundred in CI (``make test``); ``make deep-test`` sets ``VINFRA_DEEP=1`` and runs only the tests marked
``deep`` with many more, before an engine or loader issue is closed.
"""

from __future__ import annotations

import os

DEEP = os.environ.get("VINFRA_DEEP", "") not in ("", "0")


def examples(ci: int, deep: int = 10_000) -> int:
    """``ci`` examples normally, ``deep`` under ``make deep-test``."""
    return deep if DEEP else ci
