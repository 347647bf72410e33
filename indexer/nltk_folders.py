"""The folders NLTK is told to look in for its data, besides its own defaults.

Apart from ``indexer/analyse.py`` (the only importer of ``nltk``) because every command reads
the instance's config, which names these folders, and a search must not load the analysis
module, let alone NLTK, to pass them on (tests/test_webapp_cli_commands.py).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable

_ADDED: list[str] = []  # folders ``use_data_folders`` gave NLTK, for messages


def use_data_folders(folders: Iterable[str]) -> None:
    """Have NLTK also look in ``folders``: the folders an instance recorded at setup, so later
    commands need no ``NLTK_DATA``. Before NLTK is loaded they join ``NLTK_DATA`` (which NLTK
    reads when loaded, and index workers inherit), so a command that never needs NLTK, such
    as a search, does not pay for loading it."""
    wanted = [folder for folder in folders if folder]
    nltk_data = sys.modules.get("nltk.data")
    if nltk_data is None:
        env = [p for p in os.environ.get("NLTK_DATA", "").split(os.pathsep) if p]
        added = [folder for folder in wanted if folder not in env]
        if added:
            os.environ["NLTK_DATA"] = os.pathsep.join(env + added)
        _ADDED.extend(f for f in added if f not in _ADDED)
        return
    for folder in wanted:
        if folder not in nltk_data.path:
            nltk_data.path.append(folder)
            _ADDED.append(folder)


def added_folders() -> list[str]:
    """The folders ``use_data_folders`` gave NLTK so far, first given first."""
    return list(_ADDED)
