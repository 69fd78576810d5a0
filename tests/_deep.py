"""How many examples the property and fuzz tests draw.

A few hundred in CI (``make test``); ``make deep-test`` sets ``VINFRA_DEEP=1`` and runs only the tests marked
``deep`` with many more, before an engine or loader issue is closed.  ``VINFRA_DEEP_EXAMPLES=N`` caps the deep
counts at N (a shorter deep run on a busy machine; the CI counts are not touched).
"""

from __future__ import annotations

import os

DEEP = os.environ.get("VINFRA_DEEP", "") not in ("", "0")
CAP = int(os.environ.get("VINFRA_DEEP_EXAMPLES") or 0)


def examples(ci: int, deep: int = 10_000) -> int:
    """``ci`` examples normally, ``deep`` under ``make deep-test`` (at most ``VINFRA_DEEP_EXAMPLES`` if set)."""
    if not DEEP:
        return ci
    return min(deep, CAP) if CAP > 0 else deep
