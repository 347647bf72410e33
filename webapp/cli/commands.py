"""The ``dossier`` command: one click group, each command a thin wrapper over library calls.

Every command works on the instance that ``DOSSIER_HOME`` names (default ``./instance``).
Package errors become one-line messages with exit status 1 (``_Group.invoke``). Each command
lives in its own module, loaded only when it runs (``COMMANDS``): ``dossier search`` never
loads the web app, the readers or Alembic. Progress bars go to stderr and only when it is a
terminal, so stdout stays clean for ``--json``.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from corpus import CorpusError
from indexer import IndexerError
from webapp.cli.terminal import printable
from webapp.config import ConfigError
from webapp.logs import configure_logging

_REPORTED: tuple[type[Exception], ...] = (CorpusError, IndexerError, ConfigError)  # one line
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
# Command name -> the module and function that define it, in the order a new user meets them.
COMMANDS: dict[str, str] = {
    "setup": "webapp.cli.instance_commands:setup",
    "serve": "webapp.cli.instance_commands:serve",
    "ingest": "webapp.cli.instance_commands:ingest_command",
    "index": "webapp.cli.instance_commands:index_command",
    "search": "webapp.cli.search:search_command",
    "analyse": "webapp.cli.analysis:analyse_command",
    "entities": "webapp.cli.entities:entities",
    "annotations": "webapp.cli.annotations:annotations_group",
    "briefs": "webapp.cli.briefs:briefs_group",
}


class _Group(click.Group):
    """Loads each command from its module when it is asked for, and turns the packages'
    errors into ``click.ClickException``: exit status 1, one message."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Commands in the order a new user meets them, not alphabetically."""
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        where = COMMANDS.get(cmd_name)
        if where is None:
            return None
        module, name = where.split(":")
        command: click.Command = getattr(importlib.import_module(module), name)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except _reported() as exc:
            raise click.ClickException(printable(str(exc))) from exc


def _reported() -> tuple[type[Exception], ...]:
    """The errors printed as one-line messages. The annotations package's are among them only
    once it is loaded: none can be raised before, and loading it (with SQLAlchemy) just to
    name its error would cost ``dossier search`` a third of a second."""
    errors = sys.modules.get("annotations.errors")
    return _REPORTED if errors is None else (*_REPORTED, errors.AnnotationError)


@click.group("dossier", cls=_Group, invoke_without_command=True, context_settings=CONTEXT_SETTINGS)
@click.version_option(package_name="dossier", prog_name="dossier")
@click.option("-v", "--verbose", is_flag=True, help="Log what the library does (INFO level).")
@click.pass_context
def cli(ctx: click.Context, verbose: bool) -> None:
    """Dossier: a searchable corpus of speeches, forum remarks and news.

    Every command works on the instance folder named by DOSSIER_HOME (default ./instance).
    With no command, runs "dossier serve".
    """
    configure_logging("INFO" if verbose else "WARNING")
    if ctx.invoked_subcommand is None:
        serve = cli.get_command(ctx, "serve")
        assert serve is not None
        ctx.invoke(serve)


def main() -> None:
    """Entry point of the ``dossier`` console script and of ``python -m webapp``.

    NumPy's BLAS (OpenBLAS) starts a thread per core as NumPy loads: 0.05 CPU-s and up to
    0.1 s of a search's start-up on two cores (docs/PERFORMANCE.md). Dossier does no linear
    algebra, and its parallel work runs in processes, which inherit this; so one BLAS thread,
    unless the user chose otherwise."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    cli(prog_name="dossier")
