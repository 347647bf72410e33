"""How far the pipeline's steps are, on stderr: bars on a terminal, lines anywhere else.

A bar in a log, in CI or under ``nohup`` prints nothing useful, and ``dossier setup`` would be
silent for minutes. So when stderr is not a terminal each step gets a line every ``LINE_EVERY``
seconds (done of total, the rate, the time left, the time so far) and a line when it ends, with
its counts and its time. A timer keeps those lines coming while a step has nothing new to count
(the index merging its segments, the model reading its corpus). Loaded only by the commands
that run the pipeline: ``dossier search`` never imports it (``webapp/cli/commands.py``).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import IO, Any

from tqdm import tqdm

LINE_EVERY = 10.0  # seconds between two lines of one step when there is no terminal
QUIET_EVERY = 60.0  # ... when the step's count has not moved since its last line
BEAT = 1.0  # seconds between two looks of the timer
LABELS = {
    "store": "Storing documents",
    "demo": "Loading the demo collection",
    "model": "Entity model",
    "analyse": "Analysing entities",
    "index": "Indexing",
    "reanalyse": "Re-analysing",
}
UNITS = {"model": "sentences"}  # what a step counts; documents unless named here
SHARE_STEPS = 1000  # a bar by the share of the text done moves in thousandths
SHARE_BAR = "{desc}: {percentage:3.0f}% of the text |{bar}| [{elapsed}<{remaining}{postfix}]"
FLAGS = frozenset({"rebuilt", "trained", "loaded"})  # counts that are 0 or 1: said by name


@dataclass
class _Step:
    """What the display knows about the step under way."""

    name: str
    started: float
    done: int = 0
    total: int = 0
    note: str = ""
    printed: float = 0.0  # when its last line was printed
    printed_done: int = -1  # its count then
    share: float | None = None  # of the step's text done, when the step knows its size
    base: tuple[float, int, float] | None = None  # (when, done, share) of its first count above 0
    bar: Any = None

    def rate(self, now: float) -> float:
        """Units a second since the first count: a slow start (opening the index, reading a
        corpus) would otherwise make the time left look too long."""
        if self.base is None or now <= self.base[0] or self.done <= self.base[1]:
            return 0.0
        return (self.done - self.base[1]) / (now - self.base[0])

    def seconds_left(self, now: float) -> float | None:
        """By the share of the text done when the step knows it (documents come in no order of
        size: by their count, the time left was 1.5-3x too short), else by the count."""
        if self.base is None or now <= self.base[0] or self.done >= self.total:
            return None
        if self.share is not None:
            moved = self.share - self.base[2]
            return (1.0 - self.share) * (now - self.base[0]) / moved if moved > 0 else None
        rate = self.rate(now)
        return (self.total - self.done) / rate if rate > 0 else None

    def percent(self) -> str:
        """``30%``, or ``12% of the text`` when the step weighs documents by their size."""
        if self.share is not None:
            return f"{int(100 * self.share)}% of the text"
        return f"{100 * self.done // self.total}%"


class StepProgress:
    """The pipeline's ``progress(step, done, total, note)`` and ``on_step(report)`` callbacks,
    shown on ``stream`` (stderr). Use it as a context manager: it runs the timer and closes
    the last bar."""

    def __init__(
        self,
        stream: IO[str] | None = None,
        *,
        is_tty: bool | None = None,
        every: float = LINE_EVERY,
        clock: Callable[[], float] = time.monotonic,
        timer: bool = True,
    ) -> None:
        self.stream = stream or sys.stderr
        self.is_tty = _is_terminal(self.stream) if is_tty is None else is_tty
        self.every = every
        self.clock = clock
        self.step: _Step | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._timer = threading.Thread(target=self._run, daemon=True) if timer else None

    def __enter__(self) -> StepProgress:
        if self._timer is not None:
            self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        if self._timer is not None:
            self._timer.join()
        with self._lock:
            self._close()

    def __call__(
        self, step: str, done: int, total: int, note: str = "", /, *, share: float | None = None
    ) -> None:
        """A step reports how far it is (``total`` 0: unknown; ``share``: of its text)."""
        with self._lock:
            now = self.clock()
            if self.step is None or self.step.name != step:
                self._close()
                self.step = _Step(step, now, printed=now)
                if self.is_tty:
                    self.step.bar = _bar(step, self.stream)
            current = self.step
            # A new stage of a step that has been showing lines (the index writing its files
            # after the last count) is said at once; a quick step still says only it is done.
            is_new_note = bool(note) and note != current.note and current.printed_done >= 0
            current.done, current.total, current.note = done, total, note or current.note
            current.share = share if share is not None else current.share
            if current.base is None and done > 0:
                current.base = (now, done, current.share or 0.0)
            if self.is_tty:
                _move(current.bar, current)
            elif is_new_note or now - current.printed >= self.every:
                self._line(now)

    def finished(self, report: Any) -> None:
        """A step ended (a pipeline ``StepReport``): its line with its counts and time."""
        with self._lock:
            if self.step is not None and self.step.name == report.step:
                self._close()
            if not self.is_tty:
                self._say(finished_line(report.step, report.seconds, report.counts))

    def beat(self) -> None:
        """What the timer does: a line for a step that has run ``every`` seconds since its
        last one (``QUIET_EVERY`` when its count has not moved), or a redrawn bar."""
        with self._lock:
            current, now = self.step, self.clock()
            if current is None:
                return
            if self.is_tty:
                current.bar.refresh()
                return
            wait = self.every if current.done != current.printed_done else QUIET_EVERY
            if now - current.printed >= wait:
                self._line(now)

    def _run(self) -> None:
        while not self._stop.wait(BEAT):
            self.beat()

    def _line(self, now: float) -> None:
        current = self.step
        assert current is not None
        current.printed, current.printed_done = now, current.done
        said = status(current, now - current.started, now)
        self._say(f"{label(current.name)}: {said}")

    def _close(self) -> None:
        current, self.step = self.step, None
        if current is not None and current.bar is not None:
            current.bar.close()

    def _say(self, line: str) -> None:
        print(line, file=self.stream)
        self.stream.flush()


def status(step: _Step, seconds: float, now: float) -> str:
    """Where a step is: ``512 of 7,077 documents (7% of the text), 3.6 a second, about 30 min
    left; 2 min 22 s so far``, then the step's note (``pass 2 of 5``)."""
    unit = UNITS.get(step.name, "documents")
    if step.total:
        parts = [f"{step.done:,} of {step.total:,} {unit} ({step.percent()})"]
    else:
        parts = [f"{step.done:,} {unit}" if step.done else "under way"]
    # Once all is counted the rest (writing, saving) is not: a rate would only fall.
    rate = step.rate(now) if step.done < step.total or not step.total else 0.0
    if rate > 0:
        parts.append(f"{rate:,.0f} {unit} a second" if rate >= 10 else f"{rate:.1f} a second")
    left = step.seconds_left(now)
    if left is not None:
        parts.append(f"about {duration(left)} left")
    said = ", ".join(parts) + f"; {duration(seconds)} so far"
    return f"{said}, {step.note}" if step.note else said


def finished_line(step: str, seconds: float, counts: Mapping[str, int]) -> str:
    """``Indexing: done in 24 s (rebuilt, 228 records, 1 document).``: counts of 0 left out,
    flags (``FLAGS``) by their name only."""
    said = ", ".join(_counted(name, value) for name, value in counts.items() if value)
    return f"{label(step)}: done in {duration(seconds)}" + (f" ({said})." if said else ".")


def _counted(name: str, value: int) -> str:
    words = name.replace("_", " ")
    if name in FLAGS:
        return words
    if value == 1 and words.endswith("s") and not words.endswith("ss"):
        words = words[:-1]
    return f"{value:,} {words}"


def label(step: str) -> str:
    """A step's name for people."""
    return LABELS.get(step, step.capitalize())


def duration(seconds: float) -> str:
    """``0.4 s``, ``41 s``, ``2 min 5 s``, ``1 h 3 min``."""
    if seconds < 10:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60} s"
    return f"{whole // 3600} h {whole % 3600 // 60} min"


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or odd stream: treat it as a log
        return False


def _bar(step: str, stream: IO[str]) -> tqdm:
    return tqdm(
        desc=label(step),
        unit=f" {UNITS.get(step, 'documents')}",
        file=stream,
        leave=False,
        dynamic_ncols=True,
    )


def _move(bar: tqdm, step: _Step) -> None:
    """Move ``bar`` to the step's count (its total may be unknown, or grow), or to the share
    of its text done when the step knows it, so that tqdm's time left is by size too."""
    if step.share is not None and step.total:
        bar.bar_format = SHARE_BAR
        bar.total = SHARE_STEPS
        counted = f"{step.done:,} of {step.total:,} {UNITS.get(step.name, 'documents')}"
        bar.set_postfix_str(f"{counted}, {step.note}" if step.note else counted, refresh=False)
        bar.update(round(step.share * SHARE_STEPS) - bar.n)
        return
    bar.total = step.total or None
    if step.note:
        bar.set_postfix_str(step.note, refresh=False)
    bar.update(step.done - bar.n)
