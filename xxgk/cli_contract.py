"""The rules every `xxgk` command keeps, enforced in one place: the root command group.

Commands come from four packages and more are added over time; rather than trusting each
to repeat the same options and error handling, the root group (:class:`XxgkGroup`) walks
the whole command tree once when it is built and

- gives every command (and sub-group) ``--home`` and ``--config`` if it does not declare
  them, so both are accepted before the command and after it (the nearest one wins: see
  ``xxgk.base.home`` for the home, :func:`apply_config` for the settings file);
- adds the exit-code table to every command's help (``archive.cli_output``);
- turns a :class:`CliError` (or a known archive error, an unreachable database among
  them) raised anywhere below it into one line on stderr, a JSON error on stdout when the
  command line holds ``--json``, and the error's exit code; a usage error (a bad option
  value) also gets the JSON error, then Click's own message and exit code 2;
- masks secrets in every log record of the process (``archive.redact.install``), before
  any command logs: Scrapy's records, the scheduler's, a library's warning.
"""

from __future__ import annotations

import importlib
import os
from copy import copy
from functools import cache
from pathlib import Path
from typing import Annotated, Any, ClassVar

import typer
from typer.core import TyperGroup

from archive.cli_output import (
    EXIT_CODES_HELP,
    CliError,
    ExitCode,
    UsageError,
    emit,
    fail,
    known_error,
)
from archive.redact import install as install_log_masking
from scheduler.config import ConfigError, load_config
from xxgk.base.home import HOME_HELP, nearest_home

ARGS_KEY = "xxgk.args"  # the root's arguments: whether --json was asked for
ROOT_CONFIG_KEY = "xxgk.config.root"  # the --config given before the command
APPLIED_KEY = "xxgk.config.applied"  # the variables the settings file in force has set
CONFIG_HELP = ("Settings file (TOML, see docs/operations.md); also accepted before the "
               "command (xxgk --config FILE COMMAND). Default: $XXGK_CONFIG. Environment "
               "variables win over it.")


def apply_config(ctx: typer.Context, path: Path | None) -> None:
    """Put the settings file's values into the environment (unset variables only).

    The first level below the root applies its ``--config``, else the root's, else
    $XXGK_CONFIG; a ``--config`` given nearer the command replaces it: the variables the
    earlier file set are removed first, so exactly one file is in force, the nearest."""
    for name in ctx.meta.get(APPLIED_KEY, {}):
        os.environ.pop(name, None)
    try:
        ctx.meta[APPLIED_KEY] = load_config(path)
    except ConfigError as exc:
        raise CliError(ExitCode.USAGE, f"configuration error: {exc}", "config") from exc


def _nearer_config(ctx: typer.Context, value: Path | None) -> Path | None:
    # Eager: applied before the command's other options read their environment variables
    # (e.g. crawl --proxy, $XXGK_PROXY).
    if ctx.resilient_parsing:
        return value
    if value is not None:
        apply_config(ctx, value)
    elif APPLIED_KEY not in ctx.meta:
        apply_config(ctx, ctx.meta.get(ROOT_CONFIG_KEY))
    return value


def remember_root_config(ctx: typer.Context, path: Path | None) -> None:
    """The root's --config, applied by the first level below it unless that level has its
    own: a per-command --config wins even over a broken $XXGK_CONFIG or root file."""
    ctx.meta[ROOT_CONFIG_KEY] = path


RootConfigOption = Annotated[Path | None, typer.Option(
    "--config", help=CONFIG_HELP, show_default=False)]


def _contract_options(
    home: Annotated[Path | None, typer.Option(
        "--home", help=HOME_HELP, show_default=False, expose_value=False,
        callback=nearest_home)] = None,
    config: Annotated[Path | None, typer.Option(
        "--config", help=CONFIG_HELP, show_default=False, expose_value=False, is_eager=True,
        callback=_nearer_config)] = None,
) -> None:
    """Only its options are used: Typer builds them, the group gives them to commands."""


@cache
def _contract_params() -> dict[str, Any]:
    probe = typer.Typer(add_completion=False)
    probe.command()(_contract_options)
    return {param.name: param for param in typer.main.get_command(probe).params}


def _commands(group: Any) -> list[Any]:
    """Every command and sub-group below ``group``, depth first (loaded ones)."""
    found = []
    for command in getattr(group, "commands", {}).values():
        found.append(command)
        if hasattr(command, "commands"):
            found += _commands(command)
    return found


def _keep_contract(command: Any) -> None:
    """``--home`` and ``--config`` on the command, the exit codes in its help."""
    names = {param.name for param in command.params}
    command.params += [copy(param) for name, param in _contract_params().items()
                       if name not in names]
    if not command.epilog:
        command.epilog = EXIT_CODES_HELP


def _load_command(name: str, target: str) -> Any:
    """The Click command for ``module:attribute``: a Typer sub-app's group, or a function's
    command built as the root's own commands are."""
    module, attribute = target.split(":")
    found = getattr(importlib.import_module(module), attribute)
    if isinstance(found, typer.Typer):
        command = typer.main.get_command(found)
    else:
        single = typer.Typer(rich_markup_mode=None, add_completion=False)
        single.command(name=name)(found)
        command = typer.main.get_command(single)
    command.name = name
    return command


class XxgkGroup(TyperGroup):
    """The `xxgk` root group (``typer.Typer(cls=XxgkGroup)``).

    ``lazy`` (set by a subclass) names the commands that live in other modules, as
    ``"module:attribute"`` (a ``typer.Typer`` sub-app or a command function): each is imported
    when it is asked for, so `xxgk archive get` does not import Scrapy, the parsers and their
    regular expressions (about a second, in a command that scripts and tests run hundreds of
    times); `xxgk --help` imports them all to list them."""

    lazy: ClassVar[dict[str, str]] = {}

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        for command in _commands(self):
            _keep_contract(command)

    def list_commands(self, ctx: Any) -> list[str]:
        return [*super().list_commands(ctx), *(n for n in self.lazy if n not in self.commands)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in self.lazy:
            command = _load_command(cmd_name, self.lazy[cmd_name])
            for part in (command, *_commands(command)):
                _keep_contract(part)
            self.add_command(command, cmd_name)
        return command

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        ctx.meta[ARGS_KEY] = list(args)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: Any) -> Any:
        install_log_masking()
        as_json = "--json" in ctx.meta.get(ARGS_KEY, ())
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            if as_json:
                emit(CliError(ExitCode.USAGE, exc.format_message(), "usage").as_json())
            raise
        except Exception as exc:
            error = known_error(exc)
            if error is None:
                raise
            fail(error, as_json)
