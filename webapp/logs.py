"""Logging for the web app: one stderr handler on each Dossier package, at ``LOG_LEVEL``.

Library modules only call ``logging.getLogger(__name__)``; this is where output is decided.
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

PACKAGES: tuple[str, ...] = ("corpus", "indexer", "annotations", "webapp")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _DossierHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time (test runners swap it); being our own
    class lets a second ``configure_logging`` see it and not print every line twice."""

    @property  # type: ignore[override]
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        """Ignored: the stream is always the current ``sys.stderr``."""


def configure_logging(level: str) -> None:
    """Send Dossier's log records at ``level`` and above to stderr.

    Raises ``ValueError`` naming the bad level, e.g. for ``LOG_LEVEL="LOUD"``.
    """
    number = logging.getLevelName(level.upper())
    if not isinstance(number, int):
        raise ValueError(f'Unknown LOG_LEVEL "{level}": use DEBUG, INFO, WARNING or ERROR.')
    for name in PACKAGES:
        logger = logging.getLogger(name)
        logger.setLevel(number)
        if not any(isinstance(h, _DossierHandler) for h in logger.handlers):
            handler = _DossierHandler()
            handler.setFormatter(logging.Formatter(FORMAT))
            logger.addHandler(handler)
