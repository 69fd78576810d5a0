"""Views: pure functions that turn an Inventory into rows and lines for people to read.

They hold no logic of their own beyond arranging what the model says; the CLI renders them.
"""

from .inventory_tree import TreeNode, inventory_tree
from .vswitch_diagram import Port, PortGroupRow, SwitchDiagram, UplinkRow, diagram_lines, host_diagrams

__all__ = [
    "Port", "PortGroupRow", "SwitchDiagram", "TreeNode", "UplinkRow", "diagram_lines", "host_diagrams",
    "inventory_tree",
]
