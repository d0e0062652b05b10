"""The subcommand registry: every command module registers, and help lists each one once."""

from __future__ import annotations

import pkgutil

import bot.handlers.commands as commands_package
from bot.handlers.commands.registry import HELP_ORDER, SUBCOMMANDS, listed

NOT_SUBCOMMANDS = {"registry", "liteproject"}


def test_every_command_module_is_imported_and_registers_something() -> None:
    modules = {info.name for info in pkgutil.iter_modules(commands_package.__path__)} - NOT_SUBCOMMANDS
    registering = {entry.run.__module__.rsplit(".", 1)[-1] for entry in SUBCOMMANDS.values()}

    assert modules == registering


def test_help_lists_each_subcommand_once_in_the_documented_order() -> None:
    names = [entry.name for entry in listed()]

    assert len(names) == len(set(names))
    assert set(names) <= set(HELP_ORDER), "add new subcommands to HELP_ORDER"
    assert names == [name for name in HELP_ORDER if name in names]
