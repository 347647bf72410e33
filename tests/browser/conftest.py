"""Browser tests: the real app served on a free port, driven by the system Chromium.

Chromium comes from the OS (``/usr/bin/chromium``); tests never download a browser. Without it
they skip on a laptop and fail in CI (``CI`` set), where a skip would hide a broken check.
"""

from __future__ import annotations

import io
import json
import logging
import os
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

CHROMIUM = Path(os.environ.get("DOSSIER_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# A handful of real documents from the demo collection: State of the Union addresses that
# mention "nuclear" (and one that does not), plus two Kremlin transcripts.
DEMO_IDS = (
    "sotu-1987-Reagan",
    "sotu-1988-Reagan",
    "sotu-1996-Clinton",
    "sotu-2003-GWBush",
    "kremlin-17976",
)
SERVER_DEADLINE = 15.0
# Selects the document text from the start of `first` to the end of the next `last`, across any
# highlight markup, then answers what the page makes of the selection.
_SELECT = """([first, last]) => {
  const root = document.querySelector("[data-document-text]");
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes = [];
  let all = "";
  for (let node; (node = walker.nextNode()); all += node.data) nodes.push([node, all.length]);
  const a = all.indexOf(first);
  const b = a < 0 ? -1 : all.indexOf(last, a);
  if (b < 0) throw new Error("not in the text: " + (a < 0 ? first : last));
  const at = (pos) => {
    const [node, start] = nodes.findLast(([, start]) => start <= pos);
    return [node, pos - start];
  };
  const range = document.createRange();
  range.setStart(...at(a));
  range.setEnd(...at(b + last.length));
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  return window.dossierSelectionOffsets();
}"""


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Launch the system Chromium headless, with nothing that phones home."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing in CI: install the chromium package")
        pytest.skip(f"{CHROMIUM} not installed (apt install chromium); browser tests skipped")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def base_url() -> None:
    """Replaces pytest-base-url's fixture (an instance-method fixture that pytest 9 warns about,
    an error under filterwarnings=error); tests use ``live_server``'s URL instead."""
    return None


@pytest.fixture(scope="module")
def demo_instance(
    tmp_path_factory: pytest.TempPathFactory, shared_data_dir: Path
) -> dict[str, Any]:
    """A store and index holding ``DEMO_IDS`` from the demo collection, in a fresh folder."""
    from corpus.ingestion import ingest
    from corpus.store import Store
    from indexer.build import build_index

    home = tmp_path_factory.mktemp("browser-instance")
    subset = home / "subset.jsonl"
    with (shared_data_dir / "demo" / "demo.jsonl").open(encoding="utf-8") as demo:
        lines = [line for line in demo if json.loads(line)["id"] in DEMO_IDS]
    assert len(lines) == len(DEMO_IDS)
    subset.write_text("".join(lines), encoding="utf-8")
    config: dict[str, Any] = {
        "TESTING": True,
        "HOME": str(home),
        "DATABASE_URL": f"sqlite:///{home / 'dossier.db'}",
        "INDEX_DIR": str(home / "index"),
        "SECRET_KEY": "browser-test",
        "DEMO_CORPUS": False,
    }
    with Store.open(config["DATABASE_URL"]) as store:
        report = ingest([subset], store)
        assert not report.failed, report.failed
        build_index(store, config["INDEX_DIR"], procs=1)
    return config


@pytest.fixture(scope="module")
def live_server(demo_instance: dict[str, Any]) -> Iterator[str]:
    """The real app on a free local port, in a thread; yields its base URL."""
    from werkzeug.serving import make_server

    from webapp import create_app
    from webapp.resources import close_resources

    log = io.StringIO()
    handler = logging.StreamHandler(log)
    loggers = [logging.getLogger(name) for name in ("werkzeug", "webapp", "indexer", "corpus")]
    for logger in loggers:
        logger.addHandler(handler)
    app = create_app(demo_instance)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        _wait_for(base, log)
        yield base
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        close_resources(app)
        for logger in loggers:
            logger.removeHandler(handler)


def _wait_for(base: str, log: io.StringIO) -> None:
    deadline = time.monotonic() + SERVER_DEADLINE
    error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError as exc:
            error = exc
        time.sleep(0.1)
    pytest.fail(
        f"the app at {base} did not answer within {SERVER_DEADLINE:.0f} s ({error}).\n"
        f"Server log:\n{log.getvalue()}"
    )


@pytest.fixture
def select_words() -> Callable[[Page, str, str], dict[str, Any]]:
    """``select_words(page, first, last)`` selects the document text from the start of
    ``first`` to the end of ``last``, as a reader's mouse would, and returns what the page
    makes of it (``start``, ``end``, ``quote``)."""

    def select(page: Page, first: str, last: str) -> dict[str, Any]:
        # A page just navigated to may not have run its deferred scripts yet (seen under load).
        page.wait_for_function("() => typeof window.dossierSelectionOffsets === 'function'")
        found: dict[str, Any] = page.evaluate(_SELECT, [first, last])
        return found

    return select
