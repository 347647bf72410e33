"""The live index generation, opened for reading: the read side of ``indexer/build.py``.

Search needs only this; keeping it apart from the build (records, entity fields, writers)
means ``dossier search`` never loads the write side (tests/test_webapp_cli_commands.py lists
what a search must not load). A generation is usable when ``CURRENT`` names it and its
``state.json`` says it was built with this code's ``SCHEMA_VERSION``.
"""

from __future__ import annotations

from pathlib import Path

from whoosh.index import EmptyIndexError, Index, open_dir

from indexer.errors import IndexMissing
from indexer.generations import IndexState, current_generation, read_state
from indexer.schema import SCHEMA_VERSION


def open_index(index_dir: Path | str) -> tuple[Index, str]:
    """The live Whoosh index (read-only) and its generation name.

    Raises ``IndexMissing`` when there is none, or when it was built with another schema version.
    """
    index_dir = Path(index_dir)
    generation, _ = live_generation(index_dir)
    try:
        return open_dir(str(index_dir / generation), readonly=True), generation
    except (EmptyIndexError, OSError) as exc:
        raise IndexMissing(missing_message(index_dir)) from exc


def live_generation(index_dir: Path) -> tuple[str, IndexState]:
    """The live generation and its state; raises ``IndexMissing`` unless it is usable."""
    generation = current_generation(index_dir)
    state = read_state(index_dir, generation) if generation else None
    if generation is None or state is None:
        raise IndexMissing(missing_message(index_dir))
    if state.schema_version != SCHEMA_VERSION:
        raise IndexMissing(
            f"The index at {index_dir} was built with schema version {state.schema_version}; "
            f'this version of Dossier needs {SCHEMA_VERSION}. Run "dossier index --rebuild".'
        )
    return generation, state


def missing_message(index_dir: Path) -> str:
    """What to tell a user when ``index_dir`` holds no usable index."""
    return f'No index found at {index_dir}. Run "dossier index --rebuild" to build it.'
