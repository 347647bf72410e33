"""The ``dossier`` command: one click group, commands grouped by noun, each a thin wrapper.

``commands`` holds the group, which loads each command's module only when it runs:
``instance_commands`` (setup, serve, ingest, index), ``search``, ``analysis``, ``entities`` and
``reanalysis``; ``terminal`` and ``entity_terminal`` turn results into lines for people and JSON
for scripts.
"""

from __future__ import annotations

from webapp.cli.commands import cli, main

__all__ = ["cli", "main"]
