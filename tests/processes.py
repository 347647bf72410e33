"""Waiting on other processes in tests that kill them: whether a pid has exited, and polling
a condition with a generous deadline (a loaded CI machine may take a while), never a sleep."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path


def is_gone(pid: int) -> bool:
    """True once ``pid`` has exited (a zombie no reaper collected counts as gone). Linux only."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in ("Z", "X")


def eventually(check: Callable[[], object], seconds: float = 120.0) -> bool:
    """True as soon as ``check()`` is true; False if it is still false after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False
