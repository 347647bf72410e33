"""The ``dossier`` command: one click group, commands grouped by noun, each a thin wrapper.

``commands`` holds the group and the top-level commands (setup, serve, ingest, index, search);
``analysis``, ``entities`` and ``reanalysis`` add theirs; ``terminal`` and ``entity_terminal``
turn results into lines for people and JSON for scripts.
"""

from __future__ import annotations

from webapp.cli.commands import cli, main

__all__ = ["cli", "main"]
