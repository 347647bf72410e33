"""The callback the long indexer steps (analysis, index build) report how far they are through.

They count documents, which people understand, and also say what share of the step's text is
done: documents come in no order of size, so only the text's share gives a time left a user
can trust (issue 15: big documents came last and a count made it 1.5-3x too short).
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """Called as ``progress(done, total)``, or with a ``note`` on a stage with nothing to count
    (``"writing the index files"``); ``share``: the fraction of the step's text done, when the
    step knows its size."""

    def __call__(
        self, done: int, total: int, note: str = "", /, *, share: float | None = None
    ) -> None: ...


class TextShare:
    """Characters done of a known total: a step's ``share`` (None when it has no text)."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0

    def add(self, chars: int) -> None:
        self.done += chars

    @property
    def share(self) -> float | None:
        return min(1.0, self.done / self.total) if self.total > 0 else None
