"""Turning design paths into file/line/column (placeholder: slow path only)."""

from __future__ import annotations

from collections.abc import Callable

from ..model import Inventory
from .finding import DesignPath, Location


def locator_for(inv: Inventory) -> Callable[[DesignPath], Location]:
    def locate(path: DesignPath) -> Location:
        pos = inv.locate(path, "key") if path else None
        return Location(inv.source, pos[0] if pos else None, pos[1] if pos else None)

    return locate
