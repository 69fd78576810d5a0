"""vinfra: design, check and simulate VMware-style virtual datacenters.

>>> import vinfra
>>> inv = vinfra.load("examples/two-independent-switches.yaml")  # doctest: +SKIP
>>> inv.hosts["esx01"].vswitches["vSwitch0"].uplinks              # doctest: +SKIP

Designs can also be built in code with :class:`vinfra.Topo` (see :mod:`vinfra.topo`).
"""

from .io.design import from_data, load, load_text
from .io.errors import DesignError, Diagnostic
from .model import Inventory
from .topo import Topo, TopoError

__version__ = "0.1.0"
__all__ = ["DesignError", "Diagnostic", "Inventory", "Topo", "TopoError", "from_data", "load", "load_text"]
