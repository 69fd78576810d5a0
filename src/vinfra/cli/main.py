"""``vinfra``: the command line.  It calls public functions and formats their rows; it
holds no logic of its own."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from .export import export
from .show import show

if TYPE_CHECKING:
    from ..io.errors import DesignError
    from ..model import Inventory

app = typer.Typer(
    name="vinfra",
    help="Design, check and simulate VMware-style virtual datacenters.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

EXIT_BAD_INPUT = 2


@app.callback()
def _root() -> None:
    """Design, check and simulate VMware-style virtual datacenters."""


def report_design_error(exc: DesignError) -> None:
    for diag in exc.diagnostics:
        err.print(str(diag), markup=False)
    n = len(exc.diagnostics)
    err.print(f"{n} error{'s' if n != 1 else ''}", markup=False)


def load_or_exit(path: Path) -> Inventory:
    """Load a design; on bad input print every diagnostic and exit 2."""
    from ..io.design import load  # imported on use: the model is not needed to start or for --help
    from ..io.errors import DesignError

    try:
        return load(path)
    except DesignError as exc:
        report_design_error(exc)
        raise typer.Exit(EXIT_BAD_INPUT) from None


@app.command()
def validate(designs: list[Path] = typer.Argument(..., help="Design files (YAML or JSON).", show_default=False)) -> None:
    """Load and validate designs; print a one-line summary of each valid one."""
    from ..io.design import load
    from ..io.errors import DesignError

    failed = False
    for path in designs:
        try:
            inv = load(path)
        except DesignError as exc:
            report_design_error(exc)
            failed = True
            continue
        s = inv.summary()
        counts = ", ".join(_count(s[key], word) for key, word in
                           (("hosts", "host"), ("vms", "VM"), ("switches", "switch"), ("links", "link")))
        out.print(f"{path}: ok: {inv.name}: {counts}", markup=False)
    if failed:
        raise typer.Exit(EXIT_BAD_INPUT)


app.command()(show)
app.command()(export)
from . import check as _check  # noqa: E402, F401  (registers check, rules and rule)


def _count(n: int, word: str) -> str:
    plural = word + ("es" if word.endswith("ch") else "s")
    return f"{n} {word if n == 1 else plural}"


# command modules register themselves on ``app``
from . import diff as _diff  # noqa: E402,F401
from . import failures as _failures  # noqa: E402,F401
from . import load as _load  # noqa: E402,F401
from . import network as _network  # noqa: E402,F401
from . import patterns as _patterns  # noqa: E402,F401
from . import verify as _verify  # noqa: E402,F401
from .generate import generate as _generate  # noqa: E402  (a command module per group)

app.command("generate")(_generate)


def main() -> None:
    """Entry point: never shows a traceback for errors users can cause."""
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)


if __name__ == "__main__":
    main()
