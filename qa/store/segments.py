"""An index version as a list of segments: what one ingest added, written once and never changed.

A segment folder holds the per-chunk files of format 4 (``store.sqlite``, ``vectors.npy``,
``title_vectors.npy``, ``sentences.npy``, ``sentence_offsets.npy``, ``sentence_vectors.npy``,
``bm25/``) for its own chunks. The next version links (hard links: no copy) the segments it keeps
and adds one for what is new, so adding 1,000 documents to a million chunks writes 1,000 documents'
worth of files. A document removed or changed is *deleted* in its old segment: the version lists
those ids, and their chunk rows are never returned.

Rows are global: segment after segment, in order. The classes here give the rest of the program one
view of all segments: arrays (:class:`Stacked`), chunks and documents (:class:`Chunks`,
:class:`Documents`) and BM25 (:class:`Lexical`), whose scores use the statistics of the whole index
(each segment's bm25s scores are re-weighted by the corpus-wide idf of each query token).
"""

from __future__ import annotations

import bisect
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Iterator

import numpy as np

from qa.records import Chunk, Document
from qa.store.sqlite import ChunkStore, DocumentStore

# files of a segment (all of a format-4 version but its manifest, FAISS index and duplicates)
SEGMENT_FILES = ("store.sqlite", "vectors.npy", "title_vectors.npy", "sentences.npy", "sentence_offsets.npy",
                 "sentence_vectors.npy", "bm25")


def link_segment(source: Path, target: Path) -> None:
    """Make ``target`` a segment holding the same files as ``source``, by hard links (copies where
    the file system cannot link)."""
    import shutil

    target.mkdir(parents=True)
    for name in SEGMENT_FILES:
        src = source / name
        if src.is_dir():
            shutil.copytree(src, target / name, copy_function=_link_or_copy)
        elif src.exists():
            _link_or_copy(src, target / name)


def _link_or_copy(src, dst) -> None:
    try:
        os.link(src, dst)
    except OSError:
        import shutil

        shutil.copy2(src, dst)


class Stacked:
    """The rows of several arrays (one per segment, memory-mapped) as one array: integer, slice and
    integer-array indexing along the first axis."""

    def __init__(self, parts: Sequence[np.ndarray]):
        self.parts = list(parts)
        self.starts = np.cumsum([0] + [len(p) for p in self.parts])
        self.shape = (int(self.starts[-1]),) + tuple(self.parts[0].shape[1:])
        self.dtype = self.parts[0].dtype

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, key):
        if len(self.parts) == 1:
            return self.parts[0][key]
        if isinstance(key, slice):
            key = np.arange(*key.indices(len(self)))
        elif np.isscalar(key):
            i = int(key) + (len(self) if int(key) < 0 else 0)
            s = int(np.searchsorted(self.starts, i, side="right")) - 1
            if not 0 <= i < len(self):
                raise IndexError(key)
            return self.parts[s][i - self.starts[s]]
        rows = np.asarray(key, dtype=np.int64)
        out = np.empty((len(rows),) + self.shape[1:], dtype=self.dtype)
        seg = np.searchsorted(self.starts, rows, side="right") - 1
        for s in np.unique(seg):
            mine = seg == s
            out[mine] = self.parts[s][rows[mine] - self.starts[s]]
        return out


def stacked_offsets(parts: Sequence[np.ndarray]) -> np.ndarray:
    """One sentence-offset array over segments (each segment's offsets start at 0)."""
    out, base = [np.zeros(1, dtype=np.int64)], 0
    for p in parts:
        out.append(np.asarray(p[1:], dtype=np.int64) + base)
        base += int(p[-1])
    return np.concatenate(out)


class Chunks(Sequence):
    """Chunk ``row`` of any segment; ``row_of`` maps a live chunk's id to its row."""

    def __init__(self, stores: Sequence[ChunkStore], deleted: np.ndarray):
        self.stores = list(stores)
        self.starts = [0]
        for s in self.stores:
            self.starts.append(self.starts[-1] + len(s))
        self.deleted = deleted
        self.row_of = _LiveRows(self)

    def __len__(self) -> int:
        return self.starts[-1]

    def __getitem__(self, row):
        if isinstance(row, slice):
            return [self[i] for i in range(*row.indices(len(self)))]
        row = int(row) + (len(self) if int(row) < 0 else 0)
        if not 0 <= row < len(self):
            raise IndexError(row)
        s = bisect.bisect_right(self.starts, row) - 1
        return self.stores[s][row - self.starts[s]]

    def __iter__(self) -> Iterator[Chunk]:
        for s in self.stores:
            yield from s

    def tokens(self) -> list[list[str] | None]:
        return [t for s in self.stores for t in s.tokens()]


class _LiveRows(Mapping):
    def __init__(self, chunks: Chunks):
        self.chunks = chunks

    def __getitem__(self, chunk_id: str) -> int:
        c = self.chunks
        for s in range(len(c.stores) - 1, -1, -1):  # the newest segment holds a re-indexed document's chunks
            try:
                row = c.starts[s] + c.stores[s].row_of[chunk_id]
            except KeyError:
                continue
            if not c.deleted[row]:
                return row
        raise KeyError(chunk_id)

    def __len__(self) -> int:
        return int(len(self.chunks) - self.chunks.deleted.sum())

    def __iter__(self) -> Iterator[str]:
        for row, chunk in enumerate(self.chunks):
            if not self.chunks.deleted[row]:
                yield chunk.id


class Documents(Mapping):
    """``doc id -> Document`` over segments; documents deleted in a segment are not there."""

    def __init__(self, stores: Sequence[DocumentStore], deleted: Sequence[frozenset[str]]):
        self.stores, self.deleted = list(stores), list(deleted)
        self._count = sum(len(s) - sum(1 for i in d if i in s) for s, d in zip(self.stores, self.deleted))

    def _find(self, doc_id) -> Document | None:
        for store, gone in zip(reversed(self.stores), reversed(self.deleted)):
            if doc_id in gone:
                continue
            try:
                return store[doc_id]
            except KeyError:
                continue
        return None

    def __getitem__(self, doc_id: str) -> Document:
        doc = self._find(doc_id) if isinstance(doc_id, str) else None
        if doc is None:
            raise KeyError(doc_id)
        return doc

    def __contains__(self, doc_id) -> bool:
        return isinstance(doc_id, str) and self._find(doc_id) is not None

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[str]:
        for store, gone in zip(self.stores, self.deleted):
            yield from (d for d in store if d not in gone)

    def values(self):
        return [d for store, gone in zip(self.stores, self.deleted) for d in store.values() if d.id not in gone]

    def items(self):
        return [(d.id, d) for d in self.values()]

    def hashes(self) -> dict[str, str]:
        return {i: h for store, gone in zip(self.stores, self.deleted) for i, h in store.hashes().items() if i not in gone}

    def signatures(self) -> dict:
        return {i: v for store, gone in zip(self.stores, self.deleted) for i, v in store.signatures().items() if i not in gone}

    def segment_of(self) -> dict[str, int]:
        """Live document id -> the position of the segment holding it."""
        return {i: n for n, (store, gone) in enumerate(zip(self.stores, self.deleted)) for i in store if i not in gone}


def _idf(df, n):
    """bm25s' default (Lucene) idf."""
    return np.log(1 + (n - df + 0.5) / (df + 0.5))


class Lexical:
    """BM25 over all segments: each segment is a bm25s index of its own chunks; a query's scores
    use the idf of each token over the whole index (the segments' own are divided out), so a
    token's weight does not depend on which ingest added a chunk. With one segment and nothing
    deleted the scores are bm25s' own."""

    def __init__(self, parts: Sequence, deleted: np.ndarray | None = None):
        self.parts = list(parts)
        self.sizes = [int(p.scores["num_docs"]) for p in self.parts]
        self.starts = np.cumsum([0] + self.sizes)
        self.num_docs = int(self.starts[-1])
        self.deleted = deleted if deleted is not None and deleted.any() else None
        # the single-segment index is the common case: its vocabulary is bm25s' own dict
        self.vocab_dict = self.parts[0].vocab_dict if len(self.parts) == 1 else _Vocabulary(self.parts)

    def __contains__(self, token: str) -> bool:
        return token in self.vocab_dict

    def document_frequency(self, token: str) -> int:
        total = 0
        for p in self.parts:
            tid = p.vocab_dict.get(token)
            if tid is not None:
                indptr = p.scores["indptr"]
                total += int(indptr[tid + 1] - indptr[tid])
        return total

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every row for the query ``tokens`` (those the index knows; repeats count)."""
        if len(self.parts) == 1:
            p = self.parts[0]
            ids = [p.vocab_dict[t] for t in tokens if t in p.vocab_dict]
            out = p.get_scores_from_ids(ids) if ids else np.zeros(self.num_docs, dtype=np.float32)
        else:
            out = np.zeros(self.num_docs, dtype=np.float32)
            idf = {t: _idf(self.document_frequency(t), self.num_docs) for t in set(tokens)}
            for p, start, size in zip(self.parts, self.starts, self.sizes):
                data, indices, indptr = p.scores["data"], p.scores["indices"], p.scores["indptr"]
                rows, weights = [], []
                for t in tokens:
                    tid = p.vocab_dict.get(t)
                    if tid is None:
                        continue
                    a, b = int(indptr[tid]), int(indptr[tid + 1])
                    if a == b:
                        continue
                    rows.append(indices[a:b])
                    weights.append(data[a:b] * np.float32(idf[t] / _idf(b - a, size)))
                if rows:
                    out[start:start + size] = np.bincount(np.concatenate(rows), weights=np.concatenate(weights),
                                                          minlength=size)
        if self.deleted is not None:
            out = np.where(self.deleted, 0, out).astype(np.float32)
        return out


class _Vocabulary(Mapping):
    """Tokens known to any segment (membership only; the ids are the segments' own)."""

    def __init__(self, parts):
        self.parts = parts

    def __getitem__(self, token):
        for p in self.parts:
            if token in p.vocab_dict:
                return token
        raise KeyError(token)

    def __contains__(self, token) -> bool:
        return any(token in p.vocab_dict for p in self.parts)

    def __len__(self) -> int:
        return len(set().union(*(p.vocab_dict for p in self.parts)))

    def __iter__(self):
        return iter(set().union(*(p.vocab_dict for p in self.parts)))
