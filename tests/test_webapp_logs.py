"""Logging set-up: Dossier's packages log to stderr once, at the configured level."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from webapp.logs import PACKAGES, configure_logging


@pytest.fixture(autouse=True)
def _restore_loggers() -> Iterator[None]:
    """Put the package loggers back as they were, for the tests that run after these."""
    saved = {
        name: (logging.getLogger(name).level, logging.getLogger(name).handlers[:])
        for name in PACKAGES
    }
    yield
    for name, (level, handlers) in saved.items():
        logging.getLogger(name).setLevel(level)
        logging.getLogger(name).handlers[:] = handlers


def test_configuring_twice_adds_one_handler_per_package(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("warning")
    configure_logging("WARNING")
    for name in PACKAGES:
        logger = logging.getLogger(name)
        assert logger.level == logging.WARNING
        assert len([h for h in logger.handlers if type(h).__name__ == "_DossierHandler"]) == 1
    logging.getLogger("indexer.build").warning("index rebuilt")
    logging.getLogger("indexer.build").info("not shown")
    err = capsys.readouterr().err
    assert err.count("index rebuilt") == 1
    assert "WARNING indexer.build: index rebuilt" in err
    assert "not shown" not in err


def test_an_unknown_level_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match='Unknown LOG_LEVEL "LOUD"'):
        configure_logging("LOUD")
