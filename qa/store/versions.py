"""An index folder holds complete versions; ``CURRENT`` names the one in use.

    index/
        CURRENT              the name of the version in use (replaced atomically, never edited)
        v-20261126-0102-…/   a complete index (manifest.json, vectors.faiss, bm25/, …)
        .building-…/         a build in progress; left behind only by a process that died
        .lock                held by the one process writing (filelock)

A writer builds a new version beside the current one, renames it to its final name, then switches
``CURRENT`` with one ``os.replace`` and removes what is no longer current. Killed at any moment, the
folder still names a complete version (the old one, or the new one): there is never a moment
without an index, and never a mixed one. Whatever a killed writer left is removed by the next.
A folder of the earlier flat layout (the files directly in it, no ``CURRENT``) is read as it is;
the next build turns it into the versioned layout.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import secrets
import shutil
import tempfile
import time
from pathlib import Path

log = logging.getLogger(__name__)

CURRENT = "CURRENT"
LOCK = ".lock"
STAGING = ".building-"
_VERSION = re.compile(r"v-[0-9]{8}-[0-9]{6}-[0-9a-f]{6}")
# files and folders of the earlier flat layout (removed once a versioned build is current)
FLAT = ("manifest.json", "manifest.json.tmp", "vectors.faiss", "bm25", "chunks.jsonl", "documents.jsonl", "sentences.npy",
        "sentence_offsets.npy", "sentence_vectors.npy", "title_vectors.npy", "duplicates.json", "store.sqlite", "vectors.npy",
        "deleted.json", "deleted_rows.npy")
SEGMENT = "seg-"  # a segment folder (qa/store/segments.py): inside a version, or in a flat-layout folder


class IndexBusyError(RuntimeError):
    """Another process is writing this index."""


def current(folder: Path) -> Path:
    """The folder that holds the files of the version in use: ``folder/<CURRENT>``, or ``folder``
    itself for the flat layout (or when there is no index yet)."""
    try:
        name = (folder / CURRENT).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return folder
    if not _VERSION.fullmatch(name):
        return folder / "CURRENT-names-no-version"  # opening it reports a damaged index
    return folder / name


@contextlib.contextmanager
def writer(folder: Path, wait: float = 0.0):
    """Hold the folder's write lock (waiting up to ``wait`` seconds) and clear a dead writer's leftovers."""
    from filelock import FileLock, Timeout

    folder.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(folder / LOCK), timeout=wait)
    try:
        lock.acquire()
    except Timeout:
        raise IndexBusyError(
            f"another process is writing the index at {folder} (it holds {folder / LOCK}); "
            "wait for it to finish and run this again"
        ) from None
    try:
        clean_leftovers(folder)
        yield
    finally:
        lock.release()


def staging(folder: Path) -> Path:
    """A fresh folder inside ``folder`` to build the next version in."""
    return Path(tempfile.mkdtemp(prefix=STAGING, dir=folder))


def publish(folder: Path, built: Path) -> Path:
    """Make the complete index in ``built`` the current version; returns its final folder."""
    name = f"v-{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(3)}"
    final = folder / name
    built.rename(final)  # killed after this: an unreferenced version, removed by the next writer
    _fsync_dir(final)
    pointer = folder / f".{CURRENT}.{os.getpid()}.tmp"
    with open(pointer, "w", encoding="utf-8") as f:
        f.write(name + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(pointer, folder / CURRENT)  # the switch: one atomic rename
    _fsync_dir(folder)
    clean_leftovers(folder)
    return final


def clean_leftovers(folder: Path) -> None:
    """Remove every version but the current one, unfinished builds, stray pointers and, once a
    versioned index is current, the files of the earlier flat layout. Call with the lock held."""
    if not folder.is_dir():
        return
    versioned = (folder / CURRENT).exists()
    keep = current(folder).name if versioned else None
    for child in folder.iterdir():
        name = child.name
        stale = (name.startswith(STAGING) or (name.startswith(f".{CURRENT}.") and name.endswith(".tmp"))
                 or (_VERSION.fullmatch(name) and name != keep) or (versioned and (name in FLAT or name.startswith(SEGMENT))))
        if stale:
            log.debug("removing %s (left by an earlier build)", child)
            if child.is_dir():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)
    # unfinished builds the flat layout's writer left beside the folder (its ".old-" copies are
    # left alone: killed at the wrong moment, that writer's only complete index was one of them)
    for child in folder.parent.glob(f".{folder.name}.building-*"):
        shutil.rmtree(child, ignore_errors=True)


def written_by_us(name: str) -> bool:
    """Whether a name inside an index folder is one of the versioned layout's own."""
    return (name in (CURRENT, LOCK) or name.startswith(STAGING) or name.startswith(f".{CURRENT}.")
            or bool(_VERSION.fullmatch(name)))


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # e.g. Windows cannot open a folder; its renames are durable enough
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
