"""The layout rules of STYLE.md, checked on the source: imports flow one way, between packages
and between subpackages; the web app uses the other packages only through their surfaces (each
package's ``__init__`` and its ``__all__``); and each third-party library has exactly one home."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("corpus", "indexer", "annotations", "webapp")

# package -> packages it must never import
FORBIDDEN = {
    "corpus": {"indexer", "annotations", "webapp"},
    "indexer": {"annotations", "webapp"},
    "annotations": {"indexer", "webapp"},
    "webapp": set(),
}

# subpackage -> modules it must never import (a name covers its submodules), but for the
# exceptions in ALLOWED
SUBPACKAGE_FORBIDDEN = {
    # The registry and its corrections never read sources or search.
    "corpus.entities": {"corpus.readers", "corpus.ingestion", "corpus.sources"},
    # Readers turn bytes into drafts: they never reach the database.
    "corpus.readers": {
        "corpus.store",
        "corpus.database",
        "corpus.jobs",
        "corpus.entities",
        "corpus.ingestion",
    },
    # The queue knows no kind of work: the kinds' owners import it, not the reverse.
    "corpus.jobs": {"corpus.entities", "corpus.store", "corpus.ingestion"},
    # Recognition never searches; search never loads the recogniser (only how the index names
    # entities, indexer.entities.refs).
    "indexer.entities": {"indexer.search"},
    "indexer.search": {"indexer.entities"},
    "webapp.views": {"webapp.cli"},
    "webapp.cli": {"webapp.views"},
}
ALLOWED = {"indexer.search": {"indexer.entities.refs"}}
# packages that may use the others only through their surfaces
SURFACE_ONLY = ("webapp",)

# third-party module -> the only files (or folders) allowed to import it
HOMES = {
    "bs4": ("corpus/readers/html.py",),
    "nltk": ("indexer/analyse.py",),
    "whoosh": ("indexer/",),
    "flask": ("webapp/",),
    "markdown_it": ("annotations/markdown.py",),
    "nh3": ("annotations/markdown.py",),
    "docx": ("annotations/briefs/docx.py",),
    "click": ("webapp/",),
    "sqlalchemy": (
        "corpus/database.py",
        "corpus/store.py",
        "corpus/tables.py",
        "corpus/jobs/queue.py",
        "corpus/migrations/",
        "corpus/entities/",
        # the annotation store's modules: tables, rows, the store and what reads and writes
        "annotations/tables.py",
        "annotations/rows.py",
        "annotations/store.py",
        "annotations/replies.py",
        "annotations/listing.py",
        "annotations/passages.py",
        "annotations/reanchor.py",
        "annotations/catchup.py",
        "annotations/briefs/tables.py",
        "annotations/briefs/rows.py",
        "annotations/briefs/store.py",
        "annotations/briefs/verify.py",
        "annotations/briefs/jobs.py",
        "annotations/briefs/backlinks.py",
        "annotations/migrations/",
    ),
    # Migrations are run by corpus/database.py; each package's history lives in its folder.
    "alembic": ("corpus/database.py", "corpus/migrations/", "annotations/migrations/"),
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _sources() -> list[Path]:
    return [p for pkg in PACKAGES for p in sorted((REPO / pkg).rglob("*.py"))]


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(REPO)))
def test_module_imports_only_what_its_package_may(path: Path) -> None:
    rel = path.relative_to(REPO).as_posix()
    package = rel.split("/")[0]
    imported = _imports(path)
    assert not imported & FORBIDDEN[package], f"{rel} imports {imported & FORBIDDEN[package]}"
    for module, homes in HOMES.items():
        if module in imported:
            assert rel.startswith(homes), f"{rel} imports {module}; only {homes} may"


@pytest.mark.parametrize("package", PACKAGES)
def test_package_lists_its_public_names_without_hiding_a_module(package: str) -> None:
    module = importlib.import_module(package)
    names = module.__all__
    assert len(names) == len(set(names)), f"{package}.__all__ repeats a name"
    assert [n for n in names if not hasattr(module, n)] == [], f"{package}.__all__ names a ghost"
    submodules = {info.name for info in pkgutil.iter_modules(module.__path__)}
    assert set(names) & submodules == set(), f"{package} re-exports a name that hides a module"


def test_layout_check_sees_the_packages() -> None:
    assert len(_sources()) >= 8
