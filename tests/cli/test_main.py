"""The `engagement` command lists every subcommand and loads each one on demand."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest
from click.testing import CliRunner
from pelican.plugins.engagement.cli import COMMANDS, main


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_listed_command_loads_under_its_name(name: str) -> None:
    command = main.get_command(click.Context(main), name)
    assert isinstance(command, click.Command)
    assert command.name == name


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert f"  {name} " in result.output


def test_moderation_does_not_import_the_build_or_the_checker() -> None:
    # Pelican itself is imported: it is the parent of the pelican.plugins namespace the plugin lives in.
    code = (
        "import sys, pelican.plugins.engagement.cli as c; c.main.get_command(None, 'moderate');"
        "print(sorted(m for m in ('bs4', 'lxml', 'mf2py') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_unknown_command_is_refused() -> None:
    result = CliRunner().invoke(main, ["frobnicate"])
    assert result.exit_code == 2
    assert "No such command" in result.output
