"""The README and docs/ stay true: commands, options and config keys are documented, help is
quoted, links resolve, and the README stays short enough for a newcomer to read."""

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
CLI_DOC = (REPO / "docs" / "CLI.md").read_text(encoding="utf-8")
CONFIG_DOC = (REPO / "docs" / "CONFIGURATION.md").read_text(encoding="utf-8")
HELP_WIDTH = 80  # the terminal width docs/CLI.md's quoted help was made at
# The README holds the quick start, ingest and the query language's essentials; docs/ the rest.
README_MAX_LINES = 150

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


def _section(title: str, text: str = README) -> str:
    """The text under ``## title``, up to the next heading of that level."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
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
    assert f"dossier {name}" in _section("Configuration and the command line")
    assert f"`dossier {name}" in CLI_DOC
    assert _help(name).startswith(f"Usage: dossier {name} [OPTIONS]")


@pytest.mark.parametrize("name", ["", *cli.commands])
def test_every_option_has_help_text(name: str) -> None:
    command = cli.commands[name] if name else cli
    for param in command.params:
        if isinstance(param, click.Option) and param.name != "help":
            assert param.help, f"dossier {name} {param.opts[0]} has no help text"


def test_cli_doc_quotes_the_current_dossier_help() -> None:
    assert f"```\n$ dossier --help\n{_help()}```" in CLI_DOC


def test_every_config_key_is_in_the_configuration_table_with_its_default() -> None:
    rows = re.findall(r"^\| `([A-Z_]+)` \| `([A-Z_]+)` \| ([^|]+) \|", CONFIG_DOC, re.M)
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


@pytest.mark.parametrize(
    "doc", ["README.md", *sorted(str(p.relative_to(REPO)) for p in (REPO / "docs").rglob("*.md"))]
)
def test_links_point_at_files_that_exist(doc: str) -> None:
    path = REPO / doc
    for target in re.findall(r"\]\(([^)#]+)\)", path.read_text(encoding="utf-8")):
        if "://" not in target and not target.startswith("/"):
            assert (path.parent / target).exists(), f"{doc}: {target}"


def test_readme_is_short_enough_for_a_newcomer() -> None:
    assert len(README.splitlines()) <= README_MAX_LINES


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
