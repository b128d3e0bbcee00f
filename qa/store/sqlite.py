"""Chunks and documents of an index version in one SQLite file, read lazily: an index of a million
chunks opens without making a million Python objects, and a question reads the few rows it cites.

A version never changes once written, so readers open the file read-only and ``immutable`` (no
locking), once, when the index is opened.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

from qa.records import Chunk, Document

STORE = "store.sqlite"
_DOC_COLUMNS = "id, text, title, date, source, path, pages"


SEP = "\x1f"  # between a chunk's stored BM25 tokens (unit separator: never inside a token of cleaned text)


def write_store(path: Path, documents: Iterable[Document], chunks: Iterable[Chunk], hashes: dict[str, str],
                signatures: dict | None = None, tokens: list[str | None] | None = None) -> None:
    """Write the documents (with their content hashes and MinHash ``signatures``, uint32 arrays) and
    the chunks (row = FAISS row, with their BM25 ``tokens``, each chunk's :func:`joined`) to
    ``path``: what the next ingest reuses for documents whose text has not changed."""
    signatures = signatures or {}
    con = sqlite3.connect(path)
    try:
        # the file is published by renaming its version folder once complete: no journal needed
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("PRAGMA synchronous=OFF")
        con.execute("CREATE TABLE documents (id TEXT PRIMARY KEY, text TEXT NOT NULL, title TEXT, date TEXT, source TEXT,"
                    " path TEXT, pages TEXT, hash TEXT NOT NULL, minhash BLOB)")
        con.execute('CREATE TABLE chunks (row INTEGER PRIMARY KEY, id TEXT NOT NULL, doc_id TEXT NOT NULL,'
                    ' start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL, tokens TEXT)')
        con.executemany("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        ((d.id, d.text, d.title, d.date, d.source, d.path, json.dumps(list(d.pages)) if d.pages else None,
                          hashes[d.id], _blob(signatures.get(d.id))) for d in documents))
        con.executemany("INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?)",
                        ((row, c.id, c.doc_id, c.start, c.end, c.text, tokens[row] if tokens else None)
                         for row, c in enumerate(chunks)))
        con.execute("CREATE UNIQUE INDEX chunk_ids ON chunks(id)")
        con.execute("CREATE INDEX chunk_documents ON chunks(doc_id)")
        con.commit()
    finally:
        con.close()


def joined(tokens: list[str]) -> str | None:
    """A chunk's tokens as stored (None, i.e. tokenize again, in the unlikely case one holds SEP)."""
    return None if any(SEP in t for t in tokens) else SEP.join(tokens)


def _blob(values) -> bytes | None:
    return None if values is None else np.asarray(values, dtype="<u4").tobytes()


class _Reader:
    """One read-only connection to one version's store, opened with the index and shared by every
    thread (one query at a time: they read a few rows each).

    Opened up front, not per thread on first use: a writer removes the version it replaces as soon
    as the new one is current, and a server thread that first read after that could no longer open
    the file (``unable to open database file`` while ``qa ingest`` ran beside a serving chat). An
    open connection keeps reading a removed file, as the memory-mapped arrays do."""

    def __init__(self, path: Path):
        if not path.exists():
            raise FileNotFoundError(path)
        uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
        self._con = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self._con.execute("SELECT count(*) FROM sqlite_master").fetchall()  # (opens the file now)
        self._lock = threading.Lock()

    def query(self, sql: str, args=()) -> list[tuple]:
        with self._lock:
            return self._con.execute(sql, args).fetchall()


def _document(row: tuple) -> Document:
    id_, text, title, date, source, path, pages = row
    return Document(id_, text, title or "", date, source, path or "", tuple(json.loads(pages)) if pages else ())


class DocumentStore(Mapping):
    """``doc id -> Document``, read on demand (the last few thousand kept)."""

    def __init__(self, path: Path):
        self._db = _Reader(path)
        self._count = self._db.query("SELECT count(*) FROM documents")[0][0]
        self._get = lru_cache(maxsize=4096)(self._read)

    def _read(self, doc_id: str) -> Document | None:
        rows = self._db.query(f"SELECT {_DOC_COLUMNS} FROM documents WHERE id = ?", (doc_id,))
        return _document(rows[0]) if rows else None

    def __getitem__(self, doc_id: str) -> Document:
        doc = self._get(doc_id) if isinstance(doc_id, str) else None
        if doc is None:
            raise KeyError(doc_id)
        return doc

    def __contains__(self, doc_id) -> bool:
        return isinstance(doc_id, str) and self._get(doc_id) is not None

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[str]:
        return (r[0] for r in self._db.query("SELECT id FROM documents ORDER BY rowid"))

    def values(self):
        return [_document(r) for r in self._db.query(f"SELECT {_DOC_COLUMNS} FROM documents ORDER BY rowid")]

    def items(self):
        return [(d.id, d) for d in self.values()]

    def hashes(self) -> dict[str, str]:
        return dict(self._db.query("SELECT id, hash FROM documents"))

    def signatures(self) -> dict[str, tuple[str, np.ndarray | None]]:
        """``doc id -> (content hash, MinHash values or None)`` as stored by the ingest that wrote them."""
        return {i: (h, None if b is None else np.frombuffer(b, dtype="<u4"))
                for i, h, b in self._db.query("SELECT id, hash, minhash FROM documents")}


class ChunkStore(Sequence):
    """Chunk ``row`` (its FAISS row) on demand; ``row_of`` maps chunk ids back to rows."""

    def __init__(self, path: Path):
        self._db = _Reader(path)
        self._count = self._db.query("SELECT count(*) FROM chunks")[0][0]
        self.row_of = _Rows(self._db, self._count)

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, row):
        if isinstance(row, slice):
            return [self[i] for i in range(*row.indices(self._count))]
        row = int(row)
        if row < 0:
            row += self._count
        found = self._db.query('SELECT id, doc_id, start, "end", text FROM chunks WHERE row = ?', (row,))
        if not found:
            raise IndexError(row)
        return Chunk(*found[0])

    def __iter__(self) -> Iterator[Chunk]:
        return (Chunk(*r) for r in self._db.query('SELECT id, doc_id, start, "end", text FROM chunks ORDER BY row'))

    def rows_of_documents(self, doc_ids) -> list[int]:
        """The rows of the chunks of ``doc_ids``."""
        doc_ids, rows = list(doc_ids), []
        if len(doc_ids) > 500:  # one pass over the table (format 4 has no index on doc_id)
            wanted = set(doc_ids)
            return [r for r, d in self._db.query("SELECT row, doc_id FROM chunks ORDER BY row") if d in wanted]
        for i in range(0, len(doc_ids), 500):
            part = doc_ids[i:i + 500]
            rows += [r for (r,) in self._db.query(f"SELECT row FROM chunks WHERE doc_id IN ({','.join('?' * len(part))})", part)]
        return sorted(rows)

    def tokens(self) -> list[list[str] | None]:
        """Each chunk's stored BM25 tokens, in row order (None where none were stored)."""
        return [None if t is None else t.split(SEP) for (t,) in self._db.query("SELECT tokens FROM chunks ORDER BY row")]


class _Rows(Mapping):
    """``chunk id -> row`` through the store's index on ids."""

    def __init__(self, db: _Reader, count: int):
        self._db, self._count = db, count

    def __getitem__(self, chunk_id: str) -> int:
        found = self._db.query("SELECT row FROM chunks WHERE id = ?", (chunk_id,))
        if not found:
            raise KeyError(chunk_id)
        return found[0][0]

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[str]:
        return (r[0] for r in self._db.query("SELECT id FROM chunks ORDER BY row"))
