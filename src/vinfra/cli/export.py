"""``vinfra export``: the normalized design, every default filled in, as JSON or YAML."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path

import typer


class ExportFormat(StrEnum):
    json = "json"
    yaml = "yaml"


def export(
    design: Path = typer.Argument(..., help="Design file (YAML or JSON).", show_default=False),
    fmt: ExportFormat | None = typer.Option(
        None, "--format", "-f", case_sensitive=False, show_default=False,
        help="json or yaml [default: from the -o file's suffix (.json), else yaml].",
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", show_default=False,
        help="Write here (atomically: the file is whole or untouched) instead of standard output.",
    ),
) -> None:
    """Export the normalized design: every default filled in; loading it gives the same design."""
    # imported here, not at the top: main imports this module to register the command
    from ..io.export import format_for, render
    from ..io.files import write_atomic
    from .main import EXIT_BAD_INPUT, err, load_or_exit

    inv = load_or_exit(design)
    text = render(inv, fmt.value if fmt is not None else format_for(output))
    if output is None:
        sys.stdout.write(text)
        return
    try:
        write_atomic(output, text)
    except OSError as exc:
        err.print(f"{output}: error: cannot write: {exc.strerror or exc}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
