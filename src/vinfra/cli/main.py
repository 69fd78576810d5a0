"""``vinfra``: the command line.  It calls public functions and formats their rows; it
holds no logic of its own."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from .. import __version__
from .command import EXIT_BAD_INPUT, VinfraGroup
from .export import export
from .show import show

if TYPE_CHECKING:
    from rich.console import RenderableType

    from ..io.errors import DesignError
    from ..model import Inventory

app = typer.Typer(
    name="vinfra",
    cls=VinfraGroup,
    help="Design, check and simulate VMware-style virtual datacenters.",
    epilog="Exit status: 0 success; 1 the answer is negative (check: a finding; trace: unreachable; "
           "verify: a failed statement); 2 bad input or usage.  'vinfra COMMAND --help' documents each command.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help and errors: no boxes, no markup, the same on a terminal and in a pipe
)

# No emoji codes and no markup anywhere: user text such as ``design.yaml:100:`` or ``[bold]`` in a name must
# print as written (rich would turn ``:100:`` into an emoji).  Tables still style through their arguments.
out = Console(highlight=False, soft_wrap=True, emoji=False, markup=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False, markup=False)

#: exit status of a command whose answer is negative: trace's target unreachable, like ping's 1
EXIT_NEGATIVE = 1

def not_empty(what: str, commas: bool = False) -> Callable[[list[str] | None], list[str] | None]:
    """A callback refusing an empty value (``--select ""``) with exit 2; ``commas``: each comma-separated
    item too (``--select "VN1,"``)."""

    def check(values: list[str] | None) -> list[str] | None:
        for value in values or ():
            items = value.split(",") if commas else [value]
            if any(not item.strip() for item in items):
                raise typer.BadParameter(f"empty value {value!r}: expected {what}")
        return values

    return check


#: one meaning of --fail everywhere (check, trace, reach)
FailOpt = typer.Option(
    [], "--fail", metavar="ELEMENT", callback=not_empty("a device, DEVICE:INTERFACE or a link A:X--B:Y"),
    show_default=False,
    help="Treat ELEMENT as failed: a device, DEVICE:INTERFACE or a link A:X--B:Y.  Repeatable.")


def _version(value: bool) -> None:
    if value:
        out.print(f"vinfra {__version__}", markup=False)
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", help="Print the version and exit.", callback=_version,
                                 is_eager=True),
    server: str | None = typer.Option(None, "--server", metavar="URL", show_default=False,
                                      help="Run show, check, reach and the operations (power, vmotion, "
                                           "maintenance, drs apply, fail, restore) against a vinfra server "
                                           "instead of a file, with the token in $VINFRA_TOKEN; first on the "
                                           "line: 'vinfra --server URL --help' lists them."),
) -> None:
    """Design, check and simulate VMware-style virtual datacenters."""


def print_table(table: RenderableType) -> None:
    """Print a table; when output is not a terminal, as wide as its rows need: a pipe or a file gets every
    value whole, never folded or cut at 80 columns."""
    if out.is_terminal:
        out.print(table)
        return
    from io import StringIO

    from rich.measure import Measurement

    width = Measurement.get(out, out.options.update(width=10**6), table).maximum
    plain = Console(file=StringIO(), width=max(width, 1), highlight=False, color_system=None, soft_wrap=False)
    plain.print(table)
    lines = plain.file.getvalue().splitlines()  # type: ignore[attr-defined]
    out.file.write("".join(line.rstrip() + "\n" for line in lines))
    out.file.flush()


def print_plain(console: Console, line: str) -> None:
    """Write one line as it is: no markup, no emoji, no wrapping (diagnostics are parsed by editors)."""
    console.file.write(line + "\n")
    console.file.flush()


def report_design_error(exc: DesignError) -> None:
    for diag in exc.diagnostics:
        print_plain(err, str(diag))
    n = len(exc.diagnostics)
    print_plain(err, f"{n} error{'s' if n != 1 else ''}")


PROGRESS_BYTES = 4_000_000  # a design this large takes a second or more to load: say what is happening


def load_showing_progress(path: Path) -> Inventory:
    """Load a design; a large one shows its stage (reading, parsing, validating...) on a terminal."""
    from ..io.design import load  # imported on use: the model is not needed to start or for --help

    try:
        large = path.stat().st_size >= PROGRESS_BYTES
    except OSError:
        large = False
    if not (large and err.is_terminal):
        return load(path)
    with err.status(f"{path}: loading", spinner="dots") as status:
        return load(path, progress=lambda stage: status.update(f"{path}: {stage}"))


def load_or_exit(path: Path) -> Inventory:
    """Load a design; on bad input print every diagnostic and exit 2."""
    from ..io.errors import DesignError
    from . import heap

    try:
        inv = load_showing_progress(path)
    except DesignError as exc:
        report_design_error(exc)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    heap.keep()  # the design lives until the process ends: no collection need walk it again
    return inv


@app.command()
def validate(
    designs: list[Path] = typer.Argument(..., metavar="DESIGN", help="Design files (YAML or JSON).", show_default=False),
) -> None:
    """Load and validate designs.

    Prints a one-line summary of each valid design and every error of the others, as FILE:LINE:COL: error:
    MESSAGE.

    Exit status: 0 all valid, 2 an invalid or unreadable design.
    """
    from ..io.errors import DesignError

    failed = False
    for path in designs:
        try:
            inv = load_showing_progress(path)
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
from . import drs as _drs  # noqa: E402,F401
from . import failures as _failures  # noqa: E402,F401
from . import ha as _ha  # noqa: E402,F401
from . import importer as _importer  # noqa: E402,F401
from . import load as _load  # noqa: E402,F401
from . import network as _network  # noqa: E402,F401
from . import patterns as _patterns  # noqa: E402,F401
from . import serve as _serve  # noqa: E402,F401
from . import simulate as _simulate  # noqa: E402,F401
from . import verify as _verify  # noqa: E402,F401
from . import vmotion as _vmotion  # noqa: E402,F401
from .generate import generate as _generate  # noqa: E402  (a command module per group)

app.command("generate")(_generate)


def main() -> None:
    """Entry point: never shows a traceback for errors users can cause."""
    from . import heap

    heap.whole_process()
    try:
        argv = sys.argv[1:]
        if argv and argv[0].split("=")[0] == "--server":  # the client of a server (cli/remote.py)
            from .remote import Failed, run, split_server

            try:
                url, rest = split_server(argv)  # type: ignore[misc]
            except Failed as exc:
                print_plain(err, f"error: {exc}")
                sys.exit(exc.code)
            run(url, rest)
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
    except SystemExit as exc:
        if exc.code is not None and not isinstance(exc.code, int):
            raise
        heap.leave(exc.code or 0)


if __name__ == "__main__":
    main()
