"""Chunks -> an index folder: FAISS vectors + BM25 + chunk store + manifest.json, written atomically.

The folder holds versions (qa/store/versions.py): ``CURRENT`` names the complete one in use, a build
writes the next beside it and switches ``CURRENT`` in one rename, one writer at a time. A version
(format 5) is a list of segments (qa/store/segments.py), each what one ingest added, never changed
afterwards and hard-linked into the next version; a document changed or removed is deleted in its
segment. Layout of a version:
    manifest.json     format version, model, dimension, normalization, chunking, tokenizer, counts,
                      the segments in row order
    seg-…/            one segment:
        store.sqlite      documents (cleaned text, title, date, outlet, file name, content hash,
                          MinHash) and chunks (row = the segment's FAISS row, BM25 tokens), read lazily
        vectors.npy       float32 L2-normalized chunk vectors, memory-mapped
        bm25/             bm25s arrays over jieba + bigram tokens of the normalized chunk text
        sentences.npy     int32 (start, end) of every sentence of every chunk, in chunk order
        sentence_offsets.npy  int64: chunk i's sentences are rows offsets[i]:offsets[i+1]
        sentence_vectors.npy  float16 L2-normalized sentence vectors (the answer step's evidence)
        title_vectors.npy float16 vectors of each chunk as "title + text" (the hybrid's title channel)
    vectors.faiss     above APPROXIMATE_FROM rows only: an IVF index over all rows (below, exact
                      search over the vectors, built at open)
    deleted.json      {segment: [document ids deleted in it]}; deleted_rows.npy their chunk rows
    duplicates.json   {copy id: canonical id} for stories held more than once (qa/duplicates.py)
The .npy arrays are memory-mapped: opening reads no vectors, a question reads the rows it needs.
Format 4 (one segment's files directly in the version) and format 2/3 folders (chunks.jsonl,
documents.jsonl, vectors.faiss, per-document hashes in the manifest) still open; the next ingest
writes format 5, reusing a format-4 version as its first segment.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import shutil
import time
from dataclasses import asdict, replace
from pathlib import Path
from typing import Sequence

import numpy as np

from qa.cancel import checkpoint
from qa.chunking import ChunkSettings, indexed_text, sentences, split
from qa.duplicates import find_copies
from qa.duplicates import scheme as minhash_scheme
from qa.records import Chunk, Document
from qa.store import current, publish, staging, writer, written_by_us
from qa.store.versions import SEGMENT
from qa.store.segments import Chunks, Documents, Lexical, Stacked, link_segment, stacked_offsets
from qa.store.sqlite import SEP, STORE, ChunkStore, DocumentStore, joined, write_store
from qa.tokens import TOKENIZER, tokenize

log = logging.getLogger(__name__)

# 2: sentence vectors stored for the answer step; 3: title-aware chunk vectors; 4: lazy stores (SQLite,
# memory-mapped arrays) and an approximate vector index for large indexes; 5: segments
FORMAT_VERSION = 5
READABLE_VERSIONS = (2, 3, 4, 5)  # a version-2 index works without title-aware vectors (the hybrid uses the plain ones)
# Exact search up to this many chunks; above, FAISS IVF (benchmarks/bench_scale.py: recall and speed)
APPROXIMATE_FROM = 200_000
NPROBE = 32  # IVF lists searched per question
# A segment holds at most this many chunks: what one pass of chunking, tokenizing and BM25 holds in memory
SEGMENT_CHUNKS = 250_000
# An ingest appends a segment to the previous version's unless more than this share of its rows would
# then be deleted ones: it then writes every live chunk anew (vectors reused, nothing re-embedded)
MAX_DELETED_SHARE = 0.5
# Above this many segments an ingest merges the two adjacent ones with the fewest chunks (while
# together they hold at most SEGMENT_CHUNKS): a question reads every segment's BM25
MAX_SEGMENTS = 8
TOMBSTONE = "\x00deleted"  # the document id of a merged segment's rows of deleted chunks (row numbers stay put)
NORMALIZATION = "opencc-t2s+fullwidth-to-halfwidth+casefold"
MANIFEST = "manifest.json"
DELETED, DELETED_ROWS = "deleted.json", "deleted_rows.npy"


class IndexFolderError(RuntimeError):
    """Base class for problems with an index folder."""


class IndexNotFoundError(IndexFolderError):
    pass


class IndexMismatchError(IndexFolderError):
    """The index was built with other settings than those asked for."""


class CorruptIndexError(IndexFolderError):
    pass


def content_hash(doc: Document) -> str:
    return hashlib.sha256(doc.text.encode("utf-8")).hexdigest()[:16]


class Index:
    """An opened index: documents, chunks, FAISS vectors and BM25, loaded once per process."""

    def __init__(self, folder: Path, manifest: dict, documents: dict[str, Document], chunks: list[Chunk], vectors, bm25,
                 sentence_spans: np.ndarray, sentence_offsets: np.ndarray, sentence_vectors: np.ndarray,
                 title_vectors: np.ndarray | None = None, copies: dict[str, str] | None = None, files: Path | None = None,
                 flat: np.ndarray | None = None, segments: list[tuple[str, Path]] | None = None,
                 deleted: np.ndarray | None = None, deleted_documents: dict[str, list[str]] | None = None):
        """``documents`` and ``chunks`` are dicts/lists, or the lazy stores of qa/store/sqlite.py and
        qa/store/segments.py; ``bm25`` is a :class:`qa.store.segments.Lexical`; ``flat`` (memory-mapped
        float32 chunk vectors) is where exact vectors are read (format 4 and later); ``segments``
        the (name, folder) of each segment in row order; ``deleted`` marks rows of deleted chunks."""
        self.folder = folder  # the index folder as named (``--index``)
        self.files = files or current(folder)  # the version whose files were read
        self.manifest = manifest
        self.documents = documents
        self.chunks = chunks
        self.vectors = vectors
        self.bm25 = bm25
        self.sentence_spans = sentence_spans
        self.sentence_offsets = sentence_offsets
        self.sentence_vectors = sentence_vectors
        # float16, one per chunk: "title\ntext" embedded (the plain text where a document has no title)
        self.title_vectors = title_vectors
        self.flat = flat
        self.segments = segments or []
        self.deleted = deleted if deleted is not None and deleted.any() else None
        self.deleted_documents = deleted_documents or {}
        self.row_of = getattr(chunks, "row_of", None) or {c.id: i for i, c in enumerate(chunks)}
        self.copies = copies or {}  # copy id -> canonical id (qa/duplicates.py)
        self._groups: dict[str, list[str]] = {}
        for copy, canonical in self.copies.items():
            self._groups.setdefault(canonical, [canonical]).append(copy)
        self._params = None  # FAISS search parameters, when the defaults do not do
        if self.approximate or self.deleted is not None:
            import faiss

            self._params = (faiss.SearchParametersIVF(nprobe=int(getattr(vectors, "nprobe", NPROBE))) if self.approximate
                            else faiss.SearchParameters())
            if self.deleted is not None:  # FAISS skips deleted rows itself (its search-time id selector)
                # both selectors are kept here: the parameters refer to them without owning them
                self._gone = faiss.IDSelectorBatch(np.flatnonzero(self.deleted).astype(np.int64))
                self._keep = faiss.IDSelectorNot(self._gone)
                self._params.sel = self._keep

    def canonical(self, doc_id: str) -> str:
        """The copy of this story that is cited: the earliest of its duplicate group (itself if none)."""
        return self.copies.get(doc_id, doc_id)

    def other_copies(self, doc_id: str) -> list[str]:
        """Ids of the other documents carrying the same story."""
        return [d for d in self._groups.get(self.canonical(doc_id), []) if d != doc_id]

    def vector_rows(self, rows: np.ndarray) -> np.ndarray:
        """The exact float32 vectors of chunk ``rows``."""
        if self.flat is not None:
            return np.asarray(self.flat[np.asarray(rows)], dtype=np.float32)
        return self.vectors.reconstruct_batch(np.asarray(rows, dtype=np.int64))

    def nearest(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """FAISS's (scores, rows) of the ``k`` nearest live chunks of each query vector (rows -1 past
        the end); approximate above APPROXIMATE_FROM chunks."""
        if self._params is None:
            return self.vectors.search(query, k)
        return self.vectors.search(query, k, params=self._params)

    @property
    def approximate(self) -> bool:
        """Whether dense search is approximate (FAISS IVF; exact rescoring follows in retrieval)."""
        return self.manifest.get("vector_index", {}).get("kind", "flat") != "flat"

    def chunk_sentences(self, row: int) -> tuple[np.ndarray, np.ndarray]:
        """The (start, end) spans within chunk ``row``'s text and their float32 vectors."""
        a, b = int(self.sentence_offsets[row]), int(self.sentence_offsets[row + 1])
        return self.sentence_spans[a:b], self.sentence_vectors[a:b].astype(np.float32)

    @property
    def model(self) -> str:
        return self.manifest["model"]

    @property
    def answer_threshold(self) -> float | None:
        return self.manifest.get("answer_threshold")

    def __len__(self) -> int:
        """Rows (deleted chunks' included: row numbers stay put until a full rewrite)."""
        return len(self.chunks)

    @property
    def live_chunks(self) -> int:
        return len(self.chunks) - (0 if self.deleted is None else int(self.deleted.sum()))

    def document_frequency(self, token: str) -> int:
        """How many chunks contain ``token`` (a normalized BM25 token); 0 when unknown."""
        return self.bm25.document_frequency(token)


def _encode_with_progress(encoder, texts: Sequence[str], progress: bool, step: int = 64, what: str = "chunks",
                          into: np.ndarray | None = None, rows: Sequence[int] | None = None) -> np.ndarray:
    """Embed ``texts``; with ``into``, text i goes to row ``rows[i]`` of it batch by batch (a float16
    target gets no float32 copy of everything: 6 million sentences would be 9 GB)."""
    from tqdm.auto import tqdm

    if into is None:
        into, rows = np.zeros((len(texts), encoder.dim), dtype=np.float32), range(len(texts))
    rows = np.asarray(rows, dtype=np.int64)
    # Longest first across the whole list, so each slice's batches hold texts of similar length.
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    with tqdm(total=len(texts), desc=f"Embedding {what}", unit=what[:-1], disable=not progress) as bar:
        for i in range(0, len(order), step):
            checkpoint()
            batch = order[i : i + step]
            into[rows[batch]] = encoder.encode_passages([texts[r] for r in batch])
            bar.update(len(batch))
    return into


def _previous(folder: Path, model: str) -> Index | None:
    """The version in use at ``folder``, when there is a readable one built with ``model``."""
    try:
        return open_index(folder, model=model) if folder.exists() else None
    except IndexFolderError:
        return None


def _old_vectors(old: Index, chunking: ChunkSettings) -> dict[str, tuple]:
    """chunk id -> (doc hash, vector, sentence vectors, title-aware vector or None, BM25 tokens or
    None) from the previous version when it was chunked the same way, to avoid re-embedding and
    re-tokenizing."""
    if old.manifest.get("chunking") != asdict(chunking):
        return {}
    if "documents" in old.manifest:  # format 3 and before: the hashes are in the manifest
        hashes = {d: meta["hash"] for d, meta in old.manifest["documents"].items()}
    else:
        hashes = old.documents.hashes()
    vectors = old.flat if old.flat is not None else old.vectors.reconstruct_n(0, old.vectors.ntotal)
    off = old.sentence_offsets
    titled = old.title_vectors
    tokens = old.chunks.tokens() if hasattr(old.chunks, "tokens") else [None] * len(old.chunks)
    return {c.id: (hashes.get(c.doc_id, ""), vectors[i], old.sentence_vectors[off[i]:off[i + 1]],
                   None if titled is None else titled[i], tokens[i])
            for i, c in enumerate(old.chunks)}


def _old_signatures(old: Index, hashes: dict[str, str]) -> dict:
    """The stored MinHash signatures of documents whose text is unchanged since the previous
    version (format 4, same hashing scheme); empty when there are none to trust."""
    if old.manifest.get("minhash_scheme") != minhash_scheme() or not hasattr(old.documents, "signatures"):
        return {}
    return {d: values for d, (h, values) in old.documents.signatures().items() if hashes.get(d) == h}


def build_index(
    documents: Sequence[Document],
    folder: Path | str,
    encoder,
    chunking: ChunkSettings = ChunkSettings(),
    *,
    reuse: bool = True,
    progress: bool = False,
    extra_manifest: dict | None = None,
) -> Index:
    """Chunk, embed and index ``documents`` into ``folder`` (replacing what is there, atomically).

    With ``reuse``, chunks of documents whose content is unchanged since the existing index at
    ``folder`` keep their vectors instead of being embedded again. Raises ``IndexBusyError`` when
    another process is writing the same index.
    """
    folder = Path(folder)
    if not documents:
        raise ValueError("no documents to index: give at least one readable .txt, .md, .html or corpus.jsonl file")
    _refuse_foreign(folder)
    with writer(folder):  # one writer at a time; a dead writer's leftovers are removed first
        return _build(documents, folder, encoder, chunking, reuse, progress, extra_manifest)


def _refuse_foreign(folder: Path) -> None:
    if folder.is_dir() and not (folder / "CURRENT").exists() and not (folder / MANIFEST).exists():
        if not all(written_by_us(p.name) for p in folder.iterdir()):
            raise IndexMismatchError(
                f"{folder} exists and is not an index (no {MANIFEST}); refusing to replace it. Choose another --index folder."
            )


class _Clock:
    """Seconds per build stage, kept in the manifest (benchmarks/bench_ingest.py reads them)."""

    def __init__(self):
        self.started = self.mark = time.perf_counter()
        self.stages: dict[str, float] = {}

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.stages[stage] = round(self.stages.get(stage, 0.0) + now - self.mark, 3)
        self.mark = now


def _appendable(old: Index, chunking: ChunkSettings, encoder, hashes: dict[str, str], old_hashes: dict[str, str]) -> bool:
    """Whether the next version can keep ``old``'s segments and add one: same chunking and vector
    size, format 4 or later, and not mostly deleted rows afterwards."""
    if (old.manifest.get("format_version", 0) < 4 or old.manifest.get("chunking") != asdict(chunking)
            or old.manifest.get("dimension") != encoder.dim):
        return False
    stale = {d for d, h in old_hashes.items() if hashes.get(d) != h}
    rows = np.zeros(len(old), dtype=bool) if old.deleted is None else old.deleted.copy()
    if stale:
        rows |= _rows_mask(old.chunks.stores, [stale] * len(old.chunks.stores))
    return rows.sum() <= MAX_DELETED_SHARE * len(old)


def _rows_mask(stores: Sequence[ChunkStore], gone: Sequence[set[str]]) -> np.ndarray:
    """A mask over the rows of segment ``stores`` (in order): the chunks of the documents ``gone[i]``
    of store i."""
    mask = np.zeros(sum(len(store) for store in stores), dtype=bool)
    start = 0
    for store, ids in zip(stores, gone):
        if ids:
            mask[np.asarray(store.rows_of_documents(ids), dtype=np.int64) + start] = True
        start += len(store)
    return mask


def _build(documents, folder: Path, encoder, chunking: ChunkSettings, reuse: bool, progress: bool,
           extra_manifest: dict | None) -> Index:
    clock = _Clock()
    hashes = {d.id: content_hash(d) for d in documents}
    old = _previous(folder, encoder.name) if reuse else None  # what unchanged documents reuse from it
    signatures = _old_signatures(old, hashes) if old else {}  # unchanged documents are not hashed again
    kept: list[tuple[str, Path]] = []  # the previous version's segments, kept as they are
    deleted: dict[str, set[str]] = {}  # segment name -> ids of documents deleted in it
    cached, ann = {}, None
    fresh = list(documents)
    old_hashes = old.documents.hashes() if old is not None and hasattr(old.documents, "hashes") else {}
    if old is not None and _appendable(old, chunking, encoder, hashes, old_hashes):
        kept = old.segments
        deleted = {name: set(ids) for name, ids in old.deleted_documents.items()}
        fresh = [d for d in documents if old_hashes.get(d.id) != hashes[d.id]]
        for doc_id, seg in old.documents.segment_of().items():  # format 4 too: opened as one segment
            if hashes.get(doc_id) != old_hashes[doc_id]:  # changed (its new text is in ``fresh``) or gone
                deleted.setdefault(kept[seg][0], set()).add(doc_id)
        if old.approximate and (old.files / "vectors.faiss").exists():
            ann = old.files / "vectors.faiss"  # rows only grow: the new ones are added to it
    elif old is not None:
        cached = _old_vectors(old, chunking)
    log.info("%d of %d documents to index (%d segment(s) kept)", len(fresh), len(documents), len(kept))
    copies = find_copies(documents, signatures=signatures)
    clock.lap("duplicates")
    tmp = staging(folder)
    try:
        segments = []
        for name, path in kept:
            link_segment(path, tmp / name)
            segments.append({"name": name, **_segment_counts(old, name)})
        del old  # nothing more is read from it (its segment files are linked, not copied)
        counts = {"embedded": 0, "titled": 0}
        for batch in _batches(fresh, chunking):
            name = _segment_name()
            made = _write_segment(tmp / name, batch, encoder, chunking, hashes, signatures, cached, progress, clock)
            counts = {k: counts[k] + made.pop(k) for k in counts}
            segments.append({"name": name, **made})
        _merge_small(tmp, segments, deleted, clock)
        rows = sum(s["chunks"] for s in segments)
        dead = _rows_mask([ChunkStore(tmp / seg["name"] / STORE) for seg in segments],
                          [deleted.get(seg["name"], set()) for seg in segments])  # deleted in their segment
        ann = _vector_index(tmp, segments, ann, encoder.dim) if rows >= APPROXIMATE_FROM else None
        clock.lap("vectors")
        manifest = {
            "format_version": FORMAT_VERSION,
            "model": encoder.name,
            "dimension": encoder.dim,
            "prompts": dict(getattr(encoder, "prompts", {})),
            "encoder_backend": getattr(encoder, "backend", "torch"),
            "normalization": NORMALIZATION,
            "tokenizer": TOKENIZER,
            "chunking": asdict(chunking),
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "build_seconds": None,
            "counts": {"documents": len(documents), "chunks": rows - int(dead.sum()), "rows": rows,
                       "sentences": sum(s["sentences"] for s in segments), **counts,
                       "added": len(fresh), "segments": len(segments),
                       "copies": len(copies), "duplicate_groups": len(set(copies.values()))},
            "segments": segments,
            "vector_index": ann if ann is not None else {"kind": "flat"},
            "minhash_scheme": minhash_scheme(),
            **(extra_manifest or {}),
        }
        (tmp / DELETED).write_text(json.dumps({k: sorted(v) for k, v in deleted.items() if v}, ensure_ascii=False),
                                   encoding="utf-8")
        np.save(tmp / DELETED_ROWS, np.flatnonzero(dead).astype(np.int64))
        (tmp / "duplicates.json").write_text(json.dumps(copies, ensure_ascii=False, indent=0), encoding="utf-8")
        clock.lap("write")
        manifest["build_seconds"] = round(time.perf_counter() - clock.started, 2)
        manifest["build_stages"] = clock.stages
        (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")  # last: marks it complete
        final = publish(folder, tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return _open_files(folder, final, manifest)


def _segment_counts(old: Index, name: str) -> dict:
    for seg in old.manifest.get("segments", []):
        if seg["name"] == name:
            return {k: v for k, v in seg.items() if k != "name"}
    # a format-4 version: one segment, the whole of it
    return {"chunks": len(old), "sentences": len(old.sentence_spans), "documents": len(old.documents)}


def _batches(documents: Sequence[Document], chunking: ChunkSettings):
    """``documents`` in runs of about SEGMENT_CHUNKS chunks (estimated from their length)."""
    per_chunk = max(1, chunking.size - chunking.overlap)
    batch, size = [], 0
    for doc in documents:
        batch.append(doc)
        size += len(doc.text) // per_chunk + 1
        if size >= SEGMENT_CHUNKS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _write_segment(path: Path, documents: Sequence[Document], encoder, chunking: ChunkSettings, hashes, signatures,
                   cached: dict, progress: bool, clock: _Clock) -> dict:
    """Chunk, embed, tokenize and index ``documents`` into the segment folder ``path``."""
    from numpy.lib.format import open_memmap

    path.mkdir()
    chunks = [c for doc in documents for c in split(doc, chunking)]
    by_id = {d.id: d for d in documents}
    texts = [indexed_text(c, by_id[c.doc_id], chunking) for c in chunks]
    spans = [sentences(c.text) for c in chunks]
    offsets = np.zeros(len(chunks) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(sp) for sp in spans])
    # written straight into the segment's files: a segment's vectors are never all in memory
    vectors = open_memmap(path / "vectors.npy", mode="w+", dtype=np.float32, shape=(len(chunks), encoder.dim))
    sentence_vectors = open_memmap(path / "sentence_vectors.npy", mode="w+", dtype=np.float16,
                                   shape=(int(offsets[-1]), encoder.dim))
    title_vectors = open_memmap(path / "title_vectors.npy", mode="w+", dtype=np.float16, shape=(len(chunks), encoder.dim))
    # The hybrid retriever also matches each chunk as "title + text" (docs/evaluation.md: search-style
    # queries match page titles); where that is the indexed text already, the plain vector serves.
    titled_texts = [indexed_text(c, by_id[c.doc_id], replace(chunking, with_title=True)) for c in chunks]
    clock.lap("chunk")
    todo, titled_done = [], set()
    corpus_tokens: list[str | None] = [None] * len(chunks)  # joined; an unchanged document's chunks keep theirs
    for i, c in enumerate(chunks):
        hit = cached.get(c.id)
        if hit and hit[0] == hashes[c.doc_id] and hit[1].shape[0] == encoder.dim and len(hit[2]) == len(spans[i]):
            vectors[i] = hit[1]
            sentence_vectors[offsets[i]:offsets[i + 1]] = hit[2]
            if hit[3] is not None:
                title_vectors[i] = hit[3]
                titled_done.add(i)
            corpus_tokens[i] = None if hit[4] is None else joined(hit[4])
        else:
            todo.append(i)
    plain = [i for i in range(len(chunks)) if titled_texts[i] == texts[i]]
    title_todo = [i for i in range(len(chunks)) if titled_texts[i] != texts[i] and i not in titled_done]
    if cached:
        log.info("reusing %d of %d chunk vectors from the existing index", len(chunks) - len(todo), len(chunks))
    if todo:
        _encode_with_progress(encoder, [texts[i] for i in todo], progress, into=vectors, rows=todo)
        rows = [r for i in todo for r in range(offsets[i], offsets[i + 1])]
        sentence_texts = [chunks[i].text[a:b] for i in todo for a, b in spans[i]]
        _encode_with_progress(encoder, sentence_texts, progress, what="sentences", into=sentence_vectors, rows=rows)
        del sentence_texts
    for i in plain:
        title_vectors[i] = vectors[i]
    if title_todo:
        _encode_with_progress(encoder, [titled_texts[i] for i in title_todo], progress, what="titled chunks",
                              into=title_vectors, rows=title_todo)
    del titled_texts
    np.save(path / "sentences.npy", np.array([ab for sp in spans for ab in sp], dtype=np.int32).reshape(-1, 2))
    np.save(path / "sentence_offsets.npy", offsets)
    for array in (vectors, sentence_vectors, title_vectors):
        array.flush()
    del vectors, sentence_vectors, title_vectors
    clock.lap("embed")

    def words():  # the reused tokens come from the same tokenizer (checked at open); the others are kept as stored
        for i, text in enumerate(texts):
            if corpus_tokens[i] is not None:
                yield corpus_tokens[i].split(SEP)
            else:
                tokens = tokenize(text) or [""]
                corpus_tokens[i] = joined(tokens)
                yield tokens

    _write_bm25(path, words(), clock)
    write_store(path / STORE, documents, chunks, hashes, signatures, corpus_tokens)
    clock.lap("write")
    return {"chunks": len(chunks), "sentences": int(offsets[-1]), "documents": len(documents),
            "embedded": len(todo), "titled": len(title_todo)}


def _write_bm25(path: Path, token_lists, clock: _Clock | None = None) -> None:
    """bm25s over each chunk's tokens (an iterable of word lists, in row order), saved in ``path /
    "bm25"``. The words become int32 ids as they come: a Python string per token (~450 per chunk)
    is what a million chunks cannot hold."""
    import bm25s

    vocab: dict[str, int] = {}
    ids = []
    for i, words in enumerate(token_lists):
        if i % 4096 == 0:
            checkpoint()
        ids.append(np.fromiter((vocab.setdefault(w, len(vocab)) for w in words), dtype=np.int32, count=len(words)))
    if clock:
        clock.lap("tokenize")
    bm25 = bm25s.BM25()
    bm25.index((ids, vocab), show_progress=False)
    bm25.save(str(path / "bm25"))
    if clock:
        clock.lap("bm25")


def _segment_name() -> str:
    return f"{SEGMENT}{time.strftime('%Y%m%d%H%M%S')}-{secrets.token_hex(3)}"


def _merge_small(version: Path, segments: list[dict], deleted: dict[str, set[str]], clock: _Clock) -> None:
    """Merge adjacent segments of ``version`` while there are more than MAX_SEGMENTS (in place)."""
    while len(segments) > MAX_SEGMENTS:
        pairs = [i for i in range(len(segments) - 1) if segments[i]["chunks"] + segments[i + 1]["chunks"] <= SEGMENT_CHUNKS]
        if not pairs:
            return
        i = min(pairs, key=lambda j: segments[j]["chunks"] + segments[j + 1]["chunks"])
        a, b = segments[i], segments[i + 1]
        merged = _merge_pair(version, a["name"], b["name"], deleted)
        for seg in (a, b):
            shutil.rmtree(version / seg["name"])
            deleted.pop(seg["name"], None)
        if merged["tombstones"]:
            deleted[merged["name"]] = {TOMBSTONE}
        segments[i:i + 2] = [{k: v for k, v in merged.items() if k != "tombstones"}]
        clock.lap("merge")


def _merge_pair(version: Path, first: str, second: str, deleted: dict[str, set[str]]) -> dict:
    """One segment holding the rows of segments ``first`` and ``second``, in order; chunks of
    deleted documents stay as rows (so no row number changes) of the document :data:`TOMBSTONE`,
    without tokens, and their documents are dropped."""
    name = _segment_name()
    path = version / name
    path.mkdir()
    parts = [_Segment(version / n, None) for n in (first, second)]
    documents, chunks, tokens, signatures, hashes = [], [], [], {}, {}
    tombstones = 0
    for n, seg in zip((first, second), parts):
        gone = deleted.get(n, set()) | {TOMBSTONE}
        stored = seg.documents.signatures()
        for doc in seg.documents.values():
            if doc.id not in gone:
                documents.append(doc)
                hashes[doc.id], signatures[doc.id] = stored[doc.id]
        for chunk, words in zip(seg.chunks, seg.chunks.tokens()):
            if chunk.doc_id in gone:
                tombstones += 1
                chunks.append(Chunk(f"{TOMBSTONE}{len(chunks)}", TOMBSTONE, 0, 0, ""))
                tokens.append(joined([""]))
            else:
                chunks.append(chunk)
                tokens.append(joined(words if words is not None else tokenize(chunk.text) or [""]))
    for file in ("vectors.npy", "title_vectors.npy", "sentences.npy", "sentence_vectors.npy"):
        np.save(path / file, np.concatenate([np.load(seg.path / file, mmap_mode="r") for seg in parts]))
    np.save(path / "sentence_offsets.npy", stacked_offsets([seg.offsets for seg in parts]))
    _write_bm25(path, (t.split(SEP) if t is not None else tokenize(c.text) or [""] for t, c in zip(tokens, chunks)))
    write_store(path / STORE, documents, chunks, hashes, signatures, tokens)
    return {"name": name, "chunks": len(chunks), "sentences": sum(len(seg.spans) for seg in parts),
            "documents": len(documents), "tombstones": tombstones}


def _vector_index(version: Path, segments: list[dict], previous: Path | None, dim: int) -> dict:
    """Write ``version``'s FAISS IVF index over every row: the previous version's with the new
    segments' rows added when there is one (rows are only ever appended), else trained anew."""
    import faiss

    flats = [np.load(version / s["name"] / "vectors.npy", mmap_mode="r") for s in segments]
    every = Stacked(flats)
    if previous is not None:
        ann = faiss.read_index(str(previous))
        if ann.ntotal > len(every) or ann.d != dim:
            ann = None
    else:
        ann = None
    if ann is None:
        lists = max(1, min(int(4 * np.sqrt(len(every))), len(every) // 39))  # FAISS wants >= 39 points per list
        ann = faiss.index_factory(dim, f"IVF{lists},SQ8", faiss.METRIC_INNER_PRODUCT)
        sample = np.random.default_rng(0).choice(len(every), min(len(every), 64 * lists), replace=False)
        ann.train(np.ascontiguousarray(every[np.sort(sample)]))
    for start in range(int(ann.ntotal), len(every), 100_000):
        checkpoint()
        ann.add(np.ascontiguousarray(every[np.arange(start, min(start + 100_000, len(every)))]))
    faiss.write_index(ann, str(version / "vectors.faiss"))
    return ann_settings(ann)


def ann_settings(ann) -> dict:
    return {"kind": "ivf-sq8", "lists": int(ann.nlist), "probe": NPROBE}


def _read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def read_manifest(folder: Path | str, files: Path | None = None) -> dict:
    """The manifest of the version in use (or of the version folder ``files``, already resolved)."""
    folder = Path(folder)
    path = (files or current(folder)) / MANIFEST
    if not path.exists():
        raise IndexNotFoundError(f"no index at {folder}: build one with `qa ingest PATHS --index {folder}`")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CorruptIndexError(f"{path} is unreadable ({exc}): rebuild with `qa ingest --rebuild --index {folder}`") from exc


def open_index(folder: Path | str, *, model: str | None = None) -> Index:
    """Open an index folder, checking that it is complete and (if ``model`` is given) built with it."""
    folder = Path(folder)
    try:
        return _open(folder, model)
    except CorruptIndexError:
        # a writer may have switched versions and removed ours while we read it: read the new one
        files = current(folder)
        if files != folder and files.exists():
            return _open(folder, model)
        raise


def _checked_manifest(folder: Path, files: Path, model: str | None) -> dict:
    """The manifest of version ``files``, after checking that this version of qa can read it (and
    that it was built with ``model``, if given)."""
    manifest = read_manifest(folder, files)
    fix = f"rebuild it with `qa ingest --rebuild --index {folder}`"
    if manifest.get("format_version") not in READABLE_VERSIONS:
        raise IndexMismatchError(
            f"index at {folder} has format version {manifest.get('format_version')}, this version of qa reads "
            f"{' and '.join(map(str, READABLE_VERSIONS))}: {fix}"
        )
    if manifest.get("tokenizer", TOKENIZER) != TOKENIZER:
        raise IndexMismatchError(
            f"index at {folder} holds BM25 tokens of {manifest.get('tokenizer')!r}; this version of qa "
            f"tokenizes questions as {TOKENIZER!r}, so keyword search would not match: {fix}"
        )
    if model is not None and manifest.get("model") != model:
        raise IndexMismatchError(
            f"index at {folder} was built with model {manifest.get('model')}, you asked for {model}: "
            f"re-run `qa ingest --rebuild --model {model} --index {folder}` or drop --model"
        )
    return manifest


def read_documents(folder: Path | str, *, model: str | None = None) -> dict[str, Document]:
    """The documents of the index in use, without opening its vectors and BM25 (an ingest decides
    from them what is new, changed or gone)."""
    folder = Path(folder)
    files = current(folder)
    _checked_manifest(folder, files, model)
    try:
        return _documents(files)
    except Exception as exc:  # noqa: BLE001
        raise CorruptIndexError(f"index at {folder} is damaged ({type(exc).__name__}: {exc}): "
                                f"rebuild it with `qa ingest --rebuild --index {folder}`") from exc


def _documents(files: Path) -> dict[str, Document]:
    manifest = json.loads((files / MANIFEST).read_text(encoding="utf-8"))
    if manifest.get("format_version", 0) >= 5:
        stores, deleted = _segment_documents(files, manifest)
        return {d.id: d for d in Documents(stores, deleted).values()}
    if (files / STORE).exists():
        return {d.id: d for d in DocumentStore(files / STORE).values()}
    return {row["id"]: Document(**{**row, "pages": tuple(row.get("pages", ()))})  # JSON lists -> the record's tuple
            for row in _read_jsonl(files / "documents.jsonl")}


def _segment_documents(files: Path, manifest: dict) -> tuple[list[DocumentStore], list[frozenset[str]]]:
    gone = json.loads((files / DELETED).read_text(encoding="utf-8"))
    names = [s["name"] for s in manifest["segments"]]
    return [DocumentStore(files / n / STORE) for n in names], [frozenset(gone.get(n, ())) for n in names]


def _open(folder: Path, model: str | None) -> Index:
    files = current(folder)  # resolved once: a writer may switch versions while we read
    return _open_files(folder, files, _checked_manifest(folder, files, model))


class _Segment:
    """The files of one segment (format 4 and later), opened lazily and checked against each other."""

    def __init__(self, path: Path, dim: int):
        import bm25s

        self.path = path
        self.chunks, self.documents = ChunkStore(path / STORE), DocumentStore(path / STORE)
        self.flat = np.load(path / "vectors.npy", mmap_mode="r", allow_pickle=False)
        self.bm25 = bm25s.BM25.load(str(path / "bm25"), mmap=True)
        self.spans = np.load(path / "sentences.npy", mmap_mode="r", allow_pickle=False)
        self.offsets = np.load(path / "sentence_offsets.npy", mmap_mode="r", allow_pickle=False)
        self.sentence_vectors = np.load(path / "sentence_vectors.npy", mmap_mode="r", allow_pickle=False)
        self.title_vectors = np.load(path / "title_vectors.npy", mmap_mode="r", allow_pickle=False)
        n = len(self.chunks)
        dim = self.flat.shape[1] if dim is None else dim
        problem = None
        if self.flat.shape != (n, dim):
            problem = f"{self.flat.shape[0]} chunk vectors of dimension {self.flat.shape[1:]} for {n} chunks (dimension {dim})"
        elif self.bm25.scores["num_docs"] != n:
            problem = f"BM25 covers {self.bm25.scores['num_docs']} chunks, not {n}"
        elif (len(self.offsets) != n + 1 or int(self.offsets[-1]) != len(self.spans)
              or len(self.spans) != len(self.sentence_vectors) or self.sentence_vectors.shape[1:] != (dim,)):
            problem = (f"{len(self.spans)} sentences, {len(self.sentence_vectors)} sentence vectors and "
                       f"{len(self.offsets) - 1} sentence offsets for {n} chunks")
        elif self.title_vectors.shape != (n, dim):
            problem = f"{len(self.title_vectors)} title-aware vectors for {n} chunks"
        if problem:
            raise CorruptIndexError(f"segment {path.name} is inconsistent: {problem}")


def _open_files(folder: Path, files: Path, manifest: dict) -> Index:
    fix = f"rebuild it with `qa ingest --rebuild --index {folder}`"
    try:
        if manifest["format_version"] >= 4:
            return _open_segments(folder, files, manifest)
        return _open_legacy(folder, files, manifest)
    except CorruptIndexError as exc:
        raise CorruptIndexError(f"index at {folder} is damaged ({exc}): {fix}") from exc
    except Exception as exc:  # noqa: BLE001 - any unreadable part means the index cannot be used
        raise CorruptIndexError(f"index at {folder} is damaged ({type(exc).__name__}: {exc}): {fix}") from exc


def _open_segments(folder: Path, files: Path, manifest: dict) -> Index:
    """Format 4 (one segment: the version's own files) and 5 (the segments its manifest lists)."""
    import faiss

    dim = manifest.get("dimension")
    if manifest["format_version"] >= 5:
        listed = manifest["segments"]
        segments = [_Segment(files / s["name"], dim) for s in listed]
        for seg, meta in zip(segments, listed):
            if len(seg.chunks) != meta["chunks"]:
                raise CorruptIndexError(f"segment {meta['name']} holds {len(seg.chunks)} chunks, the manifest says {meta['chunks']}")
        gone = json.loads((files / DELETED).read_text(encoding="utf-8"))
        deleted_documents = {s["name"]: gone.get(s["name"], []) for s in listed if gone.get(s["name"])}
        rows = np.load(files / DELETED_ROWS, allow_pickle=False)
    else:
        segments = [_Segment(files, dim)]
        listed, deleted_documents, rows = [{"name": "seg-format4"}], {}, np.zeros(0, dtype=np.int64)
    chunks = Chunks([s.chunks for s in segments], np.zeros(sum(len(s.chunks) for s in segments), dtype=bool))
    deleted = chunks.deleted
    if len(rows) and (rows.min() < 0 or rows.max() >= len(deleted)):
        raise CorruptIndexError(f"{DELETED_ROWS} names rows beyond the {len(deleted)} chunks")
    deleted[rows] = True
    documents = Documents([s.documents for s in segments],
                          [frozenset(deleted_documents.get(meta["name"], ())) for meta in listed])
    flat = Stacked([s.flat for s in segments])
    if (files / "vectors.faiss").exists():
        vectors = faiss.read_index(str(files / "vectors.faiss"))
        vectors.nprobe = int(manifest.get("vector_index", {}).get("probe", NPROBE))
    else:
        vectors = faiss.IndexFlatIP(dim)
        for s in segments:
            vectors.add(np.ascontiguousarray(s.flat))
    if vectors.ntotal != len(chunks) or vectors.d != dim:
        raise CorruptIndexError(f"{vectors.ntotal} vectors of dimension {vectors.d} for {len(chunks)} chunks "
                                f"(manifest says dimension {dim})")
    copies = {}
    if (files / "duplicates.json").exists():
        copies = json.loads((files / "duplicates.json").read_text(encoding="utf-8"))
    if any(d not in documents or c not in documents for d, c in copies.items()):
        raise CorruptIndexError("duplicates.json names documents it does not hold")
    return Index(folder, manifest, documents, chunks, vectors, Lexical([s.bm25 for s in segments], deleted),
                 Stacked([s.spans for s in segments]), stacked_offsets([s.offsets for s in segments]),
                 Stacked([s.sentence_vectors for s in segments]), Stacked([s.title_vectors for s in segments]),
                 copies, files, flat, [(meta["name"], s.path) for meta, s in zip(listed, segments)],
                 deleted, deleted_documents)


def _open_legacy(folder: Path, files: Path, manifest: dict) -> Index:
    """Formats 2 and 3: everything loaded into memory."""
    import bm25s
    import faiss

    chunks = [Chunk(**row) for row in _read_jsonl(files / "chunks.jsonl")]
    documents = _documents(files)
    vectors = faiss.read_index(str(files / "vectors.faiss"))
    bm25 = bm25s.BM25.load(str(files / "bm25"))
    sentence_spans = np.load(files / "sentences.npy", allow_pickle=False)
    offsets = np.load(files / "sentence_offsets.npy", allow_pickle=False)
    sentence_vectors = np.load(files / "sentence_vectors.npy", allow_pickle=False)
    title_vectors, copies = None, {}
    if manifest["format_version"] >= 3:
        title_vectors = np.load(files / "title_vectors.npy", allow_pickle=False)
    if (files / "duplicates.json").exists():  # written since duplicate detection (issue 11)
        copies = json.loads((files / "duplicates.json").read_text(encoding="utf-8"))
    if vectors.ntotal != len(chunks) or vectors.d != manifest.get("dimension"):
        raise CorruptIndexError(f"{vectors.ntotal} vectors of dimension {vectors.d} for {len(chunks)} chunks "
                                f"(manifest says dimension {manifest.get('dimension')})")
    if bm25.scores["num_docs"] != len(chunks):
        raise CorruptIndexError(f"BM25 covers {bm25.scores['num_docs']} chunks, not {len(chunks)}")
    if (len(offsets) != len(chunks) + 1 or int(offsets[-1]) != len(sentence_spans)
            or len(sentence_spans) != len(sentence_vectors) or sentence_vectors.shape[1:] != (vectors.d,)):
        raise CorruptIndexError(f"{len(sentence_spans)} sentences, {len(sentence_vectors)} sentence vectors and "
                                f"{len(offsets) - 1} sentence offsets for {len(chunks)} chunks")
    if title_vectors is not None and title_vectors.shape != (len(chunks), vectors.d):
        raise CorruptIndexError(f"{len(title_vectors)} title-aware vectors for {len(chunks)} chunks")
    if any(d not in documents or c not in documents for d, c in copies.items()):
        raise CorruptIndexError("duplicates.json names documents it does not hold")
    return Index(folder, manifest, documents, chunks, vectors, Lexical([bm25]), sentence_spans, offsets,
                 sentence_vectors, title_vectors, copies, files)


def set_manifest_values(folder: Path | str, **values) -> dict:
    """Update keys of an index's manifest in place (atomically), e.g. a calibrated answer threshold."""
    folder = Path(folder)
    with writer(folder):
        files = current(folder)
        manifest = read_manifest(folder, files)
        manifest.update(values)
        tmp = files / (MANIFEST + ".tmp")
        tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        tmp.replace(files / MANIFEST)
    return manifest
