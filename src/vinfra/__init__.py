"""vinfra: design, check and simulate VMware-style virtual datacenters.

>>> import vinfra
>>> inv = vinfra.load("examples/two-independent-switches.yaml")  # doctest: +SKIP
>>> inv.hosts["esx01"].vswitches["vSwitch0"].uplinks              # doctest: +SKIP

Designs can also be built in code with :class:`vinfra.Topo` (see :mod:`vinfra.topo`).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .io.design import from_data, load, load_text
    from .io.errors import DesignError, Diagnostic
    from .model import Inventory
    from .topo import Topo, TopoError

__version__ = "0.1.0"
__all__ = ["DesignError", "Diagnostic", "Inventory", "Topo", "TopoError", "from_data", "load", "load_text"]

# Imported on first use (PEP 562): the model costs a third of a second, which ``vinfra --help`` and the
# command line's start-up need not pay.
_LAZY = {"from_data": ".io.design", "load": ".io.design", "load_text": ".io.design", "DesignError": ".io.errors",
         "Diagnostic": ".io.errors", "Inventory": ".model", "Topo": ".topo", "TopoError": ".topo"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'vinfra' has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
