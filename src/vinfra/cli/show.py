"""``vinfra show``: the inventory tree and each host's virtual switches as the vSphere client draws them."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from rich.tree import Tree

    from ..views import TreeNode


def tree_width(node: TreeNode, depth: int = 0) -> int:
    """Columns the tree needs: rich draws 4 columns of guide per level."""
    return max([4 * depth + len(node.label)] + [tree_width(c, depth + 1) for c in node.children])


def rich_tree(node: TreeNode) -> Tree:
    from rich.text import Text
    from rich.tree import Tree

    # Text, not markup: names may contain '[' (rich would read them as tags)
    tree = Tree(Text(node.label))
    _add_children(tree, node)
    return tree


def _add_children(tree: Tree, node: TreeNode) -> None:
    from rich.text import Text

    for child in node.children:
        _add_children(tree.add(Text(child.label)), child)


def show(
    design: Path = typer.Argument(..., metavar="DESIGN", help="Design file (YAML or JSON).", show_default=False),
    host: str | None = typer.Option(None, "--host", "-H", metavar="HOST", help="Draw only this host's switches.",
                                    show_default=False),
) -> None:
    """Draw the inventory tree and each host's virtual switches.

    Each vSwitch and vDS is drawn as the vSphere client draws it: port groups with their VLAN and ports, the
    role of every uplink for each port group, and the switch port each uplink is cabled to.

    Exit status: 0 drawn, 2 bad input (an invalid design, an unknown host).
    """
    # imported here, not at the top: main imports this module to register the command, and the views
    # need the model, which the command line's start-up does without
    from rich.segment import Segments

    from ..views import diagram_lines, host_diagrams, inventory_tree
    from .main import EXIT_BAD_INPUT, err, load_or_exit, out

    inv = load_or_exit(design)
    if host is not None and host not in inv.hosts:
        close = difflib.get_close_matches(host, list(inv.hosts), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else f" (hosts: {', '.join(inv.hosts) or 'none'})"
        err.print(f"{design}: error: --host {host}: no host of that name in design '{inv.name}'{hint}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT)

    # Render at the width the tree needs: a narrow terminal (or a pipe, 80 columns) must not crop it.
    node = inventory_tree(inv)
    options = out.options.update(width=max(out.width, tree_width(node)))
    out.print(Segments(out.render(rich_tree(node), options)), crop=False)
    for name in [host] if host is not None else list(inv.hosts):
        diagrams = host_diagrams(inv, name)
        if not diagrams:
            out.print()
            out.print(f"{name}: no virtual switches", markup=False)
        for diagram in diagrams:
            out.print()
            out.print("\n".join(diagram_lines(diagram)), markup=False)
