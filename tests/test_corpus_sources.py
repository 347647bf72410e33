"""The folder walk of an ingest: every file read once, every other path listed with a reason."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from corpus.readers import ReadFailure
from corpus.sources import collect


@pytest.fixture
def tricky(tmp_path: Path) -> Path:
    """A folder with a good file, links of every broken kind, a pipe, a socket and a loop."""
    root = tmp_path / "sources"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "note.md").write_text("A note.\n")
    (root / "a.txt").write_text("A text.\n")
    (root / "dangling.txt").symlink_to(root / "missing.txt")
    (root / "self.txt").symlink_to(root / "self.txt")
    (root / "sub" / "up").symlink_to(root)  # a loop back to the top
    (root / "again.txt").symlink_to(root / "a.txt")
    os.mkfifo(root / "pipe.jsonl")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(root / "sock.txt"))
    return root


def test_every_path_not_read_is_listed_with_its_reason(tricky: Path) -> None:
    sources = collect([tricky])
    assert sources.files == [tricky / "a.txt", tricky / "sub" / "note.md"]
    assert sorted(sources.skipped, key=lambda s: s.origin) == [
        ReadFailure(str(tricky / "again.txt"), f"the same file as {tricky / 'a.txt'}, read once"),
        ReadFailure(
            str(tricky / "dangling.txt"),
            f"a broken symbolic link: {tricky / 'missing.txt'} does not exist",
        ),
        ReadFailure(str(tricky / "pipe.jsonl"), "a named pipe (FIFO), not a regular file"),
        ReadFailure(str(tricky / "self.txt"), "a symbolic link loop: it leads back to itself"),
        ReadFailure(str(tricky / "sock.txt"), "a socket, not a regular file"),
        ReadFailure(str(tricky / "sub" / "up"), f"a symbolic link loop: it leads back to {tricky}"),
    ]
    assert sources.failed == []


def test_a_linked_folder_is_read_and_its_files_named_by_their_real_folder(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "r.md").write_text("Real.\n")
    (tmp_path / "top").mkdir()
    (tmp_path / "top" / "linked").symlink_to(tmp_path / "real")
    assert collect([tmp_path / "top"]).files == [tmp_path / "real" / "r.md"]


def test_a_pipe_named_on_the_command_line_is_a_failure(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "p.txt")
    sources = collect([tmp_path / "p.txt", tmp_path / "none.txt"])
    assert sources.failed == [
        ReadFailure(str(tmp_path / "p.txt"), "a named pipe (FIFO), not a regular file"),
        ReadFailure(str(tmp_path / "none.txt"), "no such file or folder; check the path"),
    ]
