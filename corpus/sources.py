"""Which files an ingest reads: the paths given, and the folders under them walked in order.

Nothing is passed over in silence: every path that is not read (a file type Dossier does not
read, a hidden file or folder, a broken symbolic link, a link that leads back into a folder
being walked, a named pipe, socket or device, the same file reached twice) is listed with the
reason. Symbolic links to folders are followed, each real folder at most once per branch, so a
link loop ends instead of recursing. Paths that cannot be read at all (a folder that cannot be
listed, a path that does not exist) are failures.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from corpus.readers import ReadFailure, source_format

__all__ = ["Sources", "collect"]


@dataclass
class Sources:
    """The files to read in order, the paths passed over and why, the paths that failed."""

    files: list[Path] = field(default_factory=list)
    skipped: list[ReadFailure] = field(default_factory=list)
    failed: list[ReadFailure] = field(default_factory=list)
    _seen: dict[str, Path] = field(default_factory=dict)

    def keep(self, path: Path) -> None:
        """Read ``path``, unless the same file was reached by another path already.

        Files are read by absolute path, the origin stored with their documents, the same from
        whatever folder ingest runs: the folder is resolved, the file's own name kept (a link's
        name says its format)."""
        real = os.path.realpath(path)
        first = self._seen.setdefault(real, path)
        if first is path:
            self.files.append(path.parent.resolve() / path.name)
        else:
            self.skipped.append(ReadFailure(str(path), f"the same file as {first}, read once"))

    def skip(self, path: Path | str, reason: str) -> None:
        """Pass over ``path`` and say why."""
        self.skipped.append(ReadFailure(str(path), reason))


def collect(paths: Iterable[str | os.PathLike[str]]) -> Sources:
    """The files under ``paths`` (folders walked in sorted order), and what was passed over."""
    sources = Sources()
    for given in paths:
        path = Path(given)
        kind, reason = _kind(path)
        if kind == "folder":
            for found in _walk(path.resolve(), sources):
                if source_format(found) is None:
                    sources.skip(found, f"a file type Dossier does not read ({_suffix(found)})")
                else:
                    sources.keep(found)
        elif kind == "file":
            sources.keep(path)
        elif os.path.lexists(path):
            sources.failed.append(ReadFailure(str(path), reason))
        else:
            sources.failed.append(ReadFailure(str(path), "no such file or folder; check the path"))
    return sources


def _walk(folder: Path, sources: Sources) -> list[Path]:
    """Regular files under ``folder``, sorted by their path inside it."""
    found: list[Path] = []
    pending = [(folder, frozenset({os.path.realpath(folder)}))]
    while pending:
        directory, ancestors = pending.pop()
        try:
            names = sorted(os.listdir(directory))
        except OSError as exc:
            reason = f"cannot list the folder: {exc.strerror}"
            sources.failed.append(ReadFailure(str(directory), reason))
            continue
        for name in names:
            path = directory / name
            if name.startswith("."):
                sources.skip(path, "hidden (the name starts with a dot)")
                continue
            kind, reason = _kind(path)
            real = os.path.realpath(path) if kind == "folder" else ""
            if kind == "file":
                found.append(path)
            elif kind != "folder":
                sources.skip(path, reason)
            elif real in ancestors:
                sources.skip(path, f"a symbolic link loop: it leads back to {real}")
            else:
                pending.append((path, ancestors | {real}))
    return sorted(found, key=lambda path: path.relative_to(folder).parts)


def _kind(path: Path) -> tuple[str, str]:
    """``file``, ``folder``, or ``other`` with the reason it cannot be read as a source."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "other", "a symbolic link loop: it leads back to itself"
        if path.is_symlink() and isinstance(exc, FileNotFoundError):
            target = os.readlink(path)
            return "other", f"a broken symbolic link: {target} does not exist"
        return "other", f"cannot read it: {exc.strerror}"
    if stat.S_ISDIR(mode):
        return "folder", ""
    if stat.S_ISREG(mode):
        return "file", ""
    what = (
        "a named pipe (FIFO)"
        if stat.S_ISFIFO(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "a device"
    )
    return "other", f"{what}, not a regular file"


def _suffix(path: Path) -> str:
    name = path.name.lower().removesuffix(".gz")
    return Path(name).suffix or "no extension"
