"""The README stays true: commands, options and config keys are documented, help is quoted."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from webapp.cli.commands import cli
from webapp.config import DEFAULTS, ENV_PREFIX

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
HELP_WIDTH = 80  # the terminal width the README's quoted help was made at

# Modules only the test and dev extras install: `dossier --help` must work without them.
EXTRAS_ONLY = ("pytest", "_pytest", "hypothesis", "playwright", "pytest_playwright", "ruff", "mypy")
_BLOCK_EXTRAS = f"""
import importlib.abc, runpy, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {EXTRAS_ONLY!r}:
            raise ImportError(f"{{name}} is a test/dev extra")
sys.meta_path.insert(0, Block())
runpy.run_module("webapp", run_name="__main__")
"""


def _section(title: str) -> str:
    """The README text under ``## title``, up to the next heading of that level."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.M | re.S)
    assert match, f'README has no "## {title}" section'
    return match.group(1)


def _help(*args: str) -> str:
    result = CliRunner().invoke(cli, [*args, "--help"], terminal_width=HELP_WIDTH)
    assert result.exit_code == 0, result.output
    return str(result.stdout)


@pytest.mark.parametrize("name", list(cli.commands))
def test_every_command_has_help_text_and_a_readme_mention(name: str) -> None:
    command = cli.commands[name]
    assert command.help and command.get_short_help_str().strip(), f"{name} has no help text"
    assert f"dossier {name}" in _section("The command line")
    assert _help(name).startswith(f"Usage: dossier {name} [OPTIONS]")


@pytest.mark.parametrize("name", ["", *cli.commands])
def test_every_option_has_help_text(name: str) -> None:
    command = cli.commands[name] if name else cli
    for param in command.params:
        if isinstance(param, click.Option) and param.name != "help":
            assert param.help, f"dossier {name} {param.opts[0]} has no help text"


def test_readme_quotes_the_current_dossier_help() -> None:
    assert f"```\n$ dossier --help\n{_help()}```" in README


def test_every_config_key_is_in_the_readme_table_with_its_default() -> None:
    rows = re.findall(
        r"^\| `([A-Z_]+)` \| `([A-Z_]+)` \| ([^|]+) \|", _section("Configuration"), re.M
    )
    assert [key for key, _, _ in rows] == list(DEFAULTS)
    for key, variable, default in rows:
        assert variable == f"{ENV_PREFIX}_{key}"
        value = DEFAULTS[key]
        if value is not None:
            shown = str(value).lower() if isinstance(value, bool) else str(value)
            assert default.strip() == f"`{shown}`", key


def test_quick_start_has_exactly_the_two_commands() -> None:
    block = re.search(r"```\n(.*?)```", _section("Quick start"), re.S)
    assert block
    commands = [line.split("#")[0].strip() for line in block.group(1).splitlines()]
    assert commands == ["make run", "make test"]


def test_readme_links_point_at_files_that_exist() -> None:
    for target in re.findall(r"\]\(([^)#]+)\)", README):
        if "://" not in target:
            assert (REPO / target).exists(), target


def test_dossier_help_works_with_only_the_runtime_dependencies() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _BLOCK_EXTRAS, "--help"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: dossier [OPTIONS] [COMMAND] [ARGS]...")
