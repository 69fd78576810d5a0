"""vinfra: design, check and simulate VMware-style virtual datacenters.

>>> import vinfra
>>> inv = vinfra.load("examples/two-independent-switches.yaml")  # doctest: +SKIP
>>> inv.hosts["esx01"].vswitches["vSwitch0"].uplinks              # doctest: +SKIP
"""

from .io.design import from_data, load, load_text
from .io.errors import DesignError, Diagnostic
from .model import Inventory

__version__ = "0.1.0"
__all__ = ["DesignError", "Diagnostic", "Inventory", "from_data", "load", "load_text"]
