"""The index folder's lock: one process builds or updates the index at a time, on any platform.

- ``LOCK`` is an operating-system file lock (``filelock``: ``flock`` on Unix, ``LockFileEx``
  on Windows; docs/decisions/008-cross-platform-index-lock.md). The kernel releases it when its
  holder dies, however it dies, and a process forked while it is held does not keep it
  (``filelock`` closes its descriptor in the child): a lock whose holder is dead is free, and
  the next process simply takes it over.
- ``HOLDER`` next to it names the holder (pid and since when) for the message a waiting
  process shows. It is advisory: a holder file naming a dead process is overwritten.
- Processes forked while this process holds the lock (Whoosh's multi-process writer) die with
  it (``indexer/lifetime.py``). An orphaned index worker would otherwise wait for work that
  never comes, burning CPU.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from indexer.errors import IndexBusy
from indexer.lifetime import die_with_parent

__all__ = ["HOLDER", "LOCK", "holder", "index_lock", "is_locked"]

LOCK = "LOCK"
HOLDER = "HOLDER"
POLL_SECONDS = 0.1  # how often a waiting process tries the lock again
_held = 0  # index locks this process holds now
_parent = os.getpid()  # this process, as its children see their parent


@contextlib.contextmanager
def index_lock(
    index_dir: Path, *, wait: float = 0.0, on_wait: Callable[[str], object] | None = None
) -> Iterator[None]:
    """Hold the index folder's exclusive lock, waiting up to ``wait`` seconds for it.

    ``on_wait`` is called once, with a sentence naming the holder, when the lock is taken and
    this process starts waiting. Raises ``IndexBusy`` when another process keeps it longer.
    """
    global _held
    index_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(index_dir / LOCK, mode=0o644)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if wait <= 0:
            raise IndexBusy(_busy_message(index_dir)) from None
        if on_wait is not None:
            on_wait(f"Waiting for the index at {index_dir}: {_who(index_dir)} is using it.")
        try:
            lock.acquire(timeout=wait, poll_interval=POLL_SECONDS)
        except Timeout:
            raise IndexBusy(_busy_message(index_dir)) from None
    _held += 1
    try:
        _write(index_dir / HOLDER, f"pid {os.getpid()} since {_now()}\n")
        yield
    finally:
        _held -= 1
        with contextlib.suppress(OSError):
            (index_dir / HOLDER).unlink()
        lock.release()


def is_locked(index_dir: Path) -> bool:
    """True when another process holds the index folder's lock right now."""
    if not (index_dir / LOCK).exists():
        return False
    lock = FileLock(index_dir / LOCK, mode=0o644)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return True
    lock.release()
    return False


def holder(index_dir: Path) -> str:
    """What ``HOLDER`` says (``pid 123 since ...``), or ``""``."""
    try:
        return (index_dir / HOLDER).read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def _who(index_dir: Path) -> str:
    said = holder(index_dir)
    return f"another process ({said})" if said else "another process"


def _busy_message(index_dir: Path) -> str:
    return (
        f"The index at {index_dir} is being built or updated by {_who(index_dir)}. "
        "Wait for it to finish, then try again."
    )


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _write(path: Path, content: str) -> None:
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        tmp.write_text(content, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _before_fork() -> None:
    global _parent
    _parent = os.getpid()


def _in_child() -> None:
    """Tie a child forked while the index lock was held to its parent's life."""
    global _held
    if not _held:
        return
    _held = 0
    die_with_parent(_parent)


if hasattr(os, "register_at_fork"):  # not on Windows, which has no fork
    os.register_at_fork(before=_before_fork, after_in_child=_in_child)
