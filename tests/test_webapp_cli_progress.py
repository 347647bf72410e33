"""Progress without a terminal (``webapp/cli/progress.py``): a line per step with its counts
and time in logs, CI and pipes; bars on a terminal. The clock is a value the tests move."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from indexer.entities import train
from webapp.cli.commands import cli
from webapp.cli.progress import QUIET_EVERY, StepProgress, duration, finished_line
from webapp.instance import training_progress
from webapp.pipeline import StepReport

REPO = Path(__file__).resolve().parent.parent


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _shown(*, is_tty: bool = False) -> tuple[StepProgress, io.StringIO, Clock]:
    stream, clock = io.StringIO(), Clock()
    return StepProgress(stream, is_tty=is_tty, every=10, clock=clock, timer=False), stream, clock


def test_without_a_terminal_a_step_prints_how_far_it_is_every_few_seconds() -> None:
    shown, stream, clock = _shown()
    with shown:
        shown("analyse", 0, 0)
        clock.now += 4
        shown("analyse", 100, 1000)
        assert stream.getvalue() == ""  # a quick step says only that it is done
        clock.now += 10
        shown("analyse", 300, 1000)
        shown.finished(StepReport("analyse", 20.4, {"documents": 1000, "failed": 0}))
    assert stream.getvalue().splitlines() == [
        "Analysing entities: 300 of 1,000 documents (30%), 20 documents a second, about 35 s left; "
        "14 s so far",
        "Analysing entities: done in 20 s (1,000 documents).",
    ]


def test_a_step_with_nothing_new_to_count_still_says_it_is_working() -> None:
    shown, stream, clock = _shown()
    shown("index", 0, 0)
    clock.now += 30
    shown.beat()
    assert stream.getvalue() == "Indexing: under way; 30 s so far\n"
    clock.now += 30
    shown.beat()  # nothing moved: the next line waits longer
    assert len(stream.getvalue().splitlines()) == 1
    clock.now += QUIET_EVERY
    shown.beat()
    assert stream.getvalue().splitlines()[-1] == "Indexing: under way; 2 min 0 s so far"


def test_once_all_is_counted_a_line_gives_no_falling_rate() -> None:
    shown, stream, clock = _shown()
    shown("index", 0, 0)
    clock.now += 5
    shown("index", 100, 228)
    clock.now += 5
    shown("index", 228, 228)  # then the index writes its segments
    clock.now += 60
    shown.beat()
    assert stream.getvalue().splitlines() == [
        "Indexing: 228 of 228 documents (100%); 10 s so far",
        "Indexing: 228 of 228 documents (100%); 1 min 10 s so far",
    ]


def test_a_step_that_starts_writing_says_so_at_once_and_then_every_quiet_minute() -> None:
    shown, stream, clock = _shown()
    shown("index", 0, 0)
    clock.now += 12
    shown("index", 2000, 2000)
    shown("index", 2000, 2000, "writing the index files")  # the final flush: minutes at 60k
    clock.now += QUIET_EVERY
    shown.beat()
    assert stream.getvalue().splitlines() == [
        "Indexing: 2,000 of 2,000 documents (100%); 12 s so far",
        "Indexing: 2,000 of 2,000 documents (100%); 12 s so far, writing the index files",
        "Indexing: 2,000 of 2,000 documents (100%); 1 min 12 s so far, writing the index files",
    ]


def test_a_quick_step_does_not_announce_its_writing() -> None:
    shown, stream, clock = _shown()
    shown("index", 0, 0)
    clock.now += 2
    shown("index", 228, 228)
    shown("index", 228, 228, "writing the index files")
    shown.finished(StepReport("index", 2.5, {"rebuilt": 1}))
    assert stream.getvalue().splitlines() == ["Indexing: done in 2.5 s (rebuilt)."]


def test_on_a_terminal_bars_replace_the_lines() -> None:
    shown, stream, clock = _shown(is_tty=True)
    with shown:
        shown("analyse", 0, 0)
        clock.now += 60
        shown("analyse", 10, 20)
        shown.finished(StepReport("analyse", 60.0, {"documents": 20}))
    assert "Analysing entities" in stream.getvalue()
    assert "done in" not in stream.getvalue() and "so far" not in stream.getvalue()


def test_the_time_left_goes_by_the_share_of_the_text_when_a_step_knows_it() -> None:
    # 300 of 1,000 documents, but the big ones are still to come: 10% of the text in 14 s.
    shown, stream, clock = _shown()
    shown("analyse", 0, 0)
    clock.now += 4
    shown("analyse", 100, 1000, share=0.02)
    clock.now += 10
    shown("analyse", 300, 1000, share=0.10)
    assert stream.getvalue().splitlines() == [
        "Analysing entities: 300 of 1,000 documents (10% of the text), 20 documents a second, "
        "about 1 min 52 s left; 14 s so far",
    ]  # by the count it would say "about 35 s left"


def test_on_a_terminal_a_bar_by_the_share_of_the_text_names_the_count_too() -> None:
    shown, stream, clock = _shown(is_tty=True)
    with shown:
        shown("index", 0, 0)
        clock.now += 5
        shown("index", 300, 1000, share=0.25)
        assert shown.step is not None and shown.step.bar.n == 250
        shown.step.bar.refresh()
    assert re.search(
        r"Indexing:  25% of the text \|.*\| \[.*, 300 of 1,000 documents\]", stream.getvalue()
    )


def test_finished_lines_name_flags_and_leave_out_zeros() -> None:
    line = finished_line("index", 0.04, {"records": 1, "caught_up": 0, "rebuilt": 1})
    assert line == "Indexing: done in 0.0 s (1 record, rebuilt)."
    assert finished_line("re-anchor", 0.2, {"queued": 0}) == "Re-anchor: done in 0.2 s."
    assert [duration(s) for s in (9.94, 41.4, 125, 3780)] == [
        "9.9 s",
        "41 s",
        "2 min 5 s",
        "1 h 3 min",
    ]


def test_training_reports_sentences_over_all_passes_and_each_pass(tmp_path: Path) -> None:
    corpus = tmp_path / "names.tsv"
    sentence = "Anna\tB-PER\nKarlsson\tI-PER\nspoke\tO\nin\tO\nOslo\tB-GEO\n.\tO\n\n"
    corpus.write_text(sentence * 2_500, encoding="utf-8")
    seen: list[tuple[int, int, str]] = []

    def progress(step: str, done: int, total: int, note: str = "", *, share: object = None) -> None:
        seen.append((done, total, note))

    train(corpus, passes=2, augment=0, **training_progress(progress, 2))
    assert seen[0] == (0, 0, "reading the training corpus")
    assert [done for done, *_ in seen[1:]] == [2_000, 2_500, 4_500, 5_000]
    assert {total for _, total, _ in seen[1:]} == {5_000}
    assert seen[1][2] == "pass 1 of 2"
    assert seen[3][2].startswith("pass 2 of 2 (pass 1: ") and seen[3][2].endswith("tags right)")


def test_setup_in_a_log_prints_a_line_per_step(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["setup", "--no-demo", "--no-download"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert re.sub(r"done in [0-9.]+ s", "done in T", result.stderr).splitlines() == [
        "Entity model: done in T.",
        "Analysing entities: done in T.",
        "Indexing: done in T (rebuilt).",
        "Re-anchor: done in T.",
        "Verify-briefs: done in T.",
    ]
    assert result.stdout.splitlines()[0].startswith("Instance: ")


def test_ingest_through_a_pipe_prints_its_steps_on_stderr_only(
    corpus_dir: Path, tmp_path: Path
) -> None:
    env = {**os.environ, "DOSSIER_HOME": str(tmp_path / "home")}
    command = [sys.executable, "-m", "webapp", "ingest", str(corpus_dir / "valdai-remarks.md")]
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=True)
    assert [line.split(" done in ")[0] for line in done.stderr.splitlines()] == [
        "Storing documents:",
        "Analysing entities:",
        "Indexing:",
        "Re-anchor:",
        "Verify-briefs:",
    ]
    assert "Storing documents: done in" in done.stderr and "(1 added, 1 file)." in done.stderr
    assert done.stdout.startswith("Ingested: 1 added")
