"""How ``vinfra`` presents itself: help that names values (``DESIGN``, ``N``, ``[text|json]``) rather than
Python types, and usage errors in the house style (``error: --size: ...``, exit 2).

Typer builds its parameter objects itself and offers no hook to choose their class, so :class:`VinfraGroup`
gives each of its commands' parameters a subclass that only changes how they are displayed.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from typer import Abort
from typer._click.exceptions import BadParameter, ClickException, MissingParameter, NoArgsIsHelpError, UsageError
from typer.core import TyperArgument, TyperGroup, TyperOption

EXIT_BAD_INPUT = 2


class ValueArgument(TyperArgument):
    """An argument shown by its metavar (``DESIGN``, ``DESIGN...``), without a type."""

    @property
    def display_name_raw(self) -> str:
        return self.metavar or (self.name or "").upper()

    def _rich_display_name(self) -> str:
        return self.display_name_raw + ("..." if self.nargs != 1 else "")

    def _usage_display_name(self) -> str:
        name = self._rich_display_name()
        return name if self.required else f"[{name}]"

    def display_type_rich(self, ctx: Any) -> str | None:
        return None


class ValueOption(TyperOption):
    """An option shown with its metavar (``--size BYTES``) or its choices (``--format [text|json]``)."""

    def display_type_rich(self, ctx: Any) -> str | None:
        if self.metavar is not None:
            return self.metavar
        if self.type_descriptor.is_choice:
            return "[" + self.display_type(ctx).strip("<>") + "]"
        return (self.name or "value").upper()


class VinfraGroup(TyperGroup):
    """The ``vinfra`` command group: plain help for every command, usage errors as ``error:`` lines."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        for command in [self, *self.commands.values()]:
            for param in command.params:
                if type(param) is TyperArgument:
                    param.__class__ = ValueArgument
                elif type(param) is TyperOption:
                    param.__class__ = ValueOption

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            # not standalone: typer returns the exit code of typer.Exit and raises usage errors to us
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except NoArgsIsHelpError as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except UsageError as exc:
            show_usage_error(exc)
            sys.exit(EXIT_BAD_INPUT)
        except ClickException as exc:
            print(f"error: {exc.format_message()}", file=sys.stderr)
            sys.exit(exc.exit_code)
        except Abort:
            print("aborted", file=sys.stderr)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


def usage_error_text(exc: UsageError) -> str:
    """``--size: Input should be ...``: the parameter as the user typed it, then what is wrong."""
    param = getattr(exc, "param", None)
    if isinstance(exc, BadParameter) and not isinstance(exc, MissingParameter) and param is not None and exc.message:
        long = [o for o in param.opts if o.startswith("--")]
        name = (long or param.opts)[0] if isinstance(param, TyperOption) else param.get_error_hint()
        # typer validates through pydantic, which prefixes the messages of validators that raise ValueError
        text = f"{name}: {exc.message.removeprefix('Value error, ')}"
    else:
        text = exc.format_message()
    return text[:1].lower() + text[1:].removesuffix(".")


def show_usage_error(exc: UsageError) -> None:
    ctx = exc.ctx
    if ctx is not None:
        print(ctx.get_usage(), file=sys.stderr)
        if ctx.command.get_help_option(ctx) is not None:
            print(f"Try '{ctx.command_path} {ctx.help_option_names[0]}' for help.", file=sys.stderr)
    print(f"error: {usage_error_text(exc)}", file=sys.stderr)
