"""Chunks -> an index folder: FAISS vectors + BM25 + chunk store + manifest.json, written atomically.

The folder holds versions (qa/store/versions.py): ``CURRENT`` names the complete one in use, a build
writes the next beside it and switches ``CURRENT`` in one rename, one writer at a time. Layout of a
version (all readable files):
    manifest.json     format version, model, dimension, normalization, chunking, tokenizer, counts
    store.sqlite      documents (cleaned text, title, date, outlet, file name, content hash) and chunks
                      (row = FAISS row), read lazily (qa/store/sqlite.py)
    vectors.npy       float32 L2-normalized chunk vectors (row i = chunk i), memory-mapped
    vectors.faiss     above APPROXIMATE_FROM chunks only: an IVF index over them (below, exact search
                      over vectors.npy, built at open)
    bm25/             bm25s arrays over jieba + bigram tokens of the normalized chunk text, memory-mapped
    sentences.npy     int32 (start, end) of every sentence of every chunk, in chunk order
    sentence_offsets.npy  int64: chunk i's sentences are rows offsets[i]:offsets[i+1]
    sentence_vectors.npy  float16 L2-normalized sentence vectors (the answer step's evidence)
    title_vectors.npy float16 vectors of each chunk as "title + text" (the hybrid's title channel)
    duplicates.json   {copy id: canonical id} for stories held more than once (qa/duplicates.py)
The .npy arrays are memory-mapped: opening reads no vectors, a question reads the rows it needs.
Format 3 folders (chunks.jsonl, documents.jsonl, vectors.faiss, per-document hashes in the
manifest) still open, fully loaded; the next ingest writes format 4.
"""

from __future__ import annotations

import hashlib
import json
import logging
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
from qa.store.sqlite import STORE, ChunkStore, DocumentStore, write_store
from qa.tokens import TOKENIZER, tokenize

log = logging.getLogger(__name__)

# 2: sentence vectors stored for the answer step; 3: title-aware chunk vectors; 4: lazy stores (SQLite,
# memory-mapped arrays) and an approximate vector index for large indexes
FORMAT_VERSION = 4
READABLE_VERSIONS = (2, 3, 4)  # a version-2 index works without title-aware vectors (the hybrid uses the plain ones)
# Exact search up to this many chunks; above, FAISS IVF (benchmarks/bench_scale.py: recall and speed)
APPROXIMATE_FROM = 200_000
NPROBE = 32  # IVF lists searched per question
NORMALIZATION = "opencc-t2s+fullwidth-to-halfwidth+casefold"
MANIFEST = "manifest.json"


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
                 flat: np.ndarray | None = None):
        """``documents`` and ``chunks`` are dicts/lists, or the lazy stores of qa/store/sqlite.py;
        ``flat`` (memory-mapped float32 chunk vectors) is where exact vectors are read when the
        FAISS index is approximate (format 4)."""
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
        self.row_of = getattr(chunks, "row_of", None) or {c.id: i for i, c in enumerate(chunks)}
        self.copies = copies or {}  # copy id -> canonical id (qa/duplicates.py)
        self._groups: dict[str, list[str]] = {}
        for copy, canonical in self.copies.items():
            self._groups.setdefault(canonical, [canonical]).append(copy)

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
        return len(self.chunks)

    def document_frequency(self, token: str) -> int:
        """How many chunks contain ``token`` (a normalized BM25 token); 0 when unknown."""
        tid = self.bm25.vocab_dict.get(token)
        if tid is None:
            return 0
        indptr = self.bm25.scores["indptr"]
        return int(indptr[tid + 1] - indptr[tid])


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


def _build(documents, folder: Path, encoder, chunking: ChunkSettings, reuse: bool, progress: bool,
           extra_manifest: dict | None) -> Index:
    import bm25s
    import faiss

    started = time.perf_counter()
    stages: dict[str, float] = {}  # seconds per stage, kept in the manifest (benchmarks/bench_ingest.py reads it)
    mark = started

    def lap(stage: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        stages[stage] = round(stages.get(stage, 0.0) + now - mark, 3)
        mark = now

    chunks = [c for doc in documents for c in split(doc, chunking)]
    by_id = {d.id: d for d in documents}
    texts = [indexed_text(c, by_id[c.doc_id], chunking) for c in chunks]
    hashes = {d.id: content_hash(d) for d in documents}
    old = _previous(folder, encoder.name) if reuse else None  # what unchanged documents reuse from it
    signatures = _old_signatures(old, hashes) if old else {}  # unchanged documents are not hashed again
    copies = find_copies(documents, signatures=signatures)
    cached = _old_vectors(old, chunking) if old else {}
    del old  # its in-memory search index is not needed while building (the cache holds memory-mapped rows)
    vectors = np.zeros((len(chunks), encoder.dim), dtype=np.float32)
    spans = [sentences(c.text) for c in chunks]
    offsets = np.zeros(len(chunks) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(sp) for sp in spans])
    sentence_vectors = np.zeros((int(offsets[-1]), encoder.dim), dtype=np.float16)
    title_vectors = np.zeros((len(chunks), encoder.dim), dtype=np.float16)
    # The hybrid retriever also matches each chunk as "title + text" (docs/evaluation.md: search-style
    # queries match page titles); where that is the indexed text already, the plain vector serves.
    titled_texts = [indexed_text(c, by_id[c.doc_id], replace(chunking, with_title=True)) for c in chunks]
    lap("chunk")
    todo, titled_done = [], set()
    corpus_tokens: list[list[str] | None] = [None] * len(chunks)  # an unchanged document's chunks keep theirs
    for i, c in enumerate(chunks):
        hit = cached.get(c.id)
        if hit and hit[0] == hashes[c.doc_id] and hit[1].shape[0] == encoder.dim and len(hit[2]) == len(spans[i]):
            vectors[i] = hit[1]
            sentence_vectors[offsets[i]:offsets[i + 1]] = hit[2]
            if hit[3] is not None:
                title_vectors[i] = hit[3]
                titled_done.add(i)
            corpus_tokens[i] = hit[4]
        else:
            todo.append(i)
    plain = [i for i in range(len(chunks)) if titled_texts[i] == texts[i]]
    title_todo = [i for i in range(len(chunks)) if titled_texts[i] != texts[i] and i not in titled_done]
    if cached:
        log.info("reusing %d of %d chunk vectors from the existing index", len(chunks) - len(todo), len(chunks))
    if todo:
        vectors[todo] = _encode_with_progress(encoder, [texts[i] for i in todo], progress)
        rows = [r for i in todo for r in range(offsets[i], offsets[i + 1])]
        sentence_texts = [chunks[i].text[a:b] for i in todo for a, b in spans[i]]
        _encode_with_progress(encoder, sentence_texts, progress, what="sentences", into=sentence_vectors, rows=rows)
        del sentence_texts
    title_vectors[plain] = vectors[plain]
    if title_todo:
        _encode_with_progress(encoder, [titled_texts[i] for i in title_todo], progress, what="titled chunks",
                              into=title_vectors, rows=title_todo)
    sentence_spans = np.array([ab for sp in spans for ab in sp], dtype=np.int32).reshape(-1, 2)
    lap("embed")

    ann = _approximate(vectors) if len(vectors) >= APPROXIMATE_FROM else None
    lap("vectors")
    # the rest are tokenized (the reused ones come from the same tokenizer: checked at open)
    corpus_tokens = [t if t is not None else (tokenize(text) or [""]) for t, text in zip(corpus_tokens, texts)]
    lap("tokenize")
    bm25 = bm25s.BM25()
    bm25.index(corpus_tokens, show_progress=False)
    lap("bm25")

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
        "counts": {"documents": len(documents), "chunks": len(chunks), "sentences": len(sentence_spans), "embedded": len(todo),
                   "titled": len(title_todo),
                   "copies": len(copies), "duplicate_groups": len(set(copies.values()))},
        "vector_index": ann_settings(ann) if ann is not None else {"kind": "flat"},
        "minhash_scheme": minhash_scheme(),
        **(extra_manifest or {}),
    }
    tmp = staging(folder)
    try:
        np.save(tmp / "vectors.npy", vectors)
        if ann is not None:
            faiss.write_index(ann, str(tmp / "vectors.faiss"))
        bm25.save(str(tmp / "bm25"))
        write_store(tmp / STORE, documents, chunks, hashes, signatures, corpus_tokens)
        np.save(tmp / "sentences.npy", sentence_spans)
        np.save(tmp / "sentence_offsets.npy", offsets)
        np.save(tmp / "sentence_vectors.npy", sentence_vectors)
        np.save(tmp / "title_vectors.npy", title_vectors)
        (tmp / "duplicates.json").write_text(json.dumps(copies, ensure_ascii=False, indent=0), encoding="utf-8")
        lap("write")
        manifest["build_seconds"] = round(time.perf_counter() - started, 2)
        manifest["build_stages"] = stages
        (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")  # last: marks it complete
        final = publish(folder, tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return _open_files(folder, final, manifest)


def _approximate(vectors: np.ndarray):
    """FAISS IVF over ``vectors`` with 8-bit scalar quantization (a quarter of the memory of the
    floats): ~4·sqrt(n) lists trained on a sample; exact vectors rescore its candidates."""
    import faiss

    lists = int(4 * np.sqrt(len(vectors)))
    ann = faiss.index_factory(vectors.shape[1], f"IVF{lists},SQ8", faiss.METRIC_INNER_PRODUCT)
    sample = np.random.default_rng(0).choice(len(vectors), min(len(vectors), 64 * lists), replace=False)
    ann.train(np.ascontiguousarray(vectors[np.sort(sample)]))
    ann.add(vectors)
    return ann


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
    if (files / STORE).exists():
        return {d.id: d for d in DocumentStore(files / STORE).values()}
    return {row["id"]: Document(**{**row, "pages": tuple(row.get("pages", ()))})  # JSON lists -> the record's tuple
            for row in _read_jsonl(files / "documents.jsonl")}


def _open(folder: Path, model: str | None) -> Index:
    files = current(folder)  # resolved once: a writer may switch versions while we read
    return _open_files(folder, files, _checked_manifest(folder, files, model))


def _open_files(folder: Path, files: Path, manifest: dict) -> Index:
    import bm25s
    import faiss

    fix = f"rebuild it with `qa ingest --rebuild --index {folder}`"
    flat = None
    try:
        if manifest["format_version"] >= 4:  # lazy: stores read on demand, arrays memory-mapped
            chunks, documents = ChunkStore(files / STORE), DocumentStore(files / STORE)
            flat = np.load(files / "vectors.npy", mmap_mode="r", allow_pickle=False)
            if (files / "vectors.faiss").exists():
                vectors = faiss.read_index(str(files / "vectors.faiss"))
                vectors.nprobe = int(manifest.get("vector_index", {}).get("probe", NPROBE))
            else:
                vectors = faiss.IndexFlatIP(flat.shape[1])
                vectors.add(np.ascontiguousarray(flat))
            bm25 = bm25s.BM25.load(str(files / "bm25"), mmap=True)
            mode = "r"
        else:
            chunks = [Chunk(**row) for row in _read_jsonl(files / "chunks.jsonl")]
            documents = _documents(files)
            vectors = faiss.read_index(str(files / "vectors.faiss"))
            bm25 = bm25s.BM25.load(str(files / "bm25"))
            mode = None
        sentence_spans = np.load(files / "sentences.npy", mmap_mode=mode, allow_pickle=False)
        offsets = np.load(files / "sentence_offsets.npy", mmap_mode=mode, allow_pickle=False)
        sentence_vectors = np.load(files / "sentence_vectors.npy", mmap_mode=mode, allow_pickle=False)
        title_vectors, copies = None, {}
        if manifest["format_version"] >= 3:
            title_vectors = np.load(files / "title_vectors.npy", mmap_mode=mode, allow_pickle=False)
        if (files / "duplicates.json").exists():  # written since duplicate detection (issue 11)
            copies = json.loads((files / "duplicates.json").read_text(encoding="utf-8"))
    except Exception as exc:  # noqa: BLE001 - any unreadable part means the index cannot be used
        raise CorruptIndexError(f"index at {folder} is damaged ({type(exc).__name__}: {exc}): {fix}") from exc
    if vectors.ntotal != len(chunks) or vectors.d != manifest.get("dimension"):
        raise CorruptIndexError(
            f"index at {folder} is inconsistent: {vectors.ntotal} vectors of dimension {vectors.d} for "
            f"{len(chunks)} chunks (manifest says dimension {manifest.get('dimension')}): {fix}"
        )
    if flat is not None and flat.shape != (len(chunks), vectors.d):
        raise CorruptIndexError(f"index at {folder} is inconsistent: {len(flat)} chunk vectors for {len(chunks)} chunks: {fix}")
    if bm25.scores["num_docs"] != len(chunks):
        raise CorruptIndexError(f"index at {folder} is inconsistent: BM25 covers {bm25.scores['num_docs']} chunks, not {len(chunks)}: {fix}")
    if (len(offsets) != len(chunks) + 1 or int(offsets[-1]) != len(sentence_spans)
            or len(sentence_spans) != len(sentence_vectors)
            or sentence_vectors.shape[1:] != (vectors.d,)):
        raise CorruptIndexError(
            f"index at {folder} is inconsistent: {len(sentence_spans)} sentences, {len(sentence_vectors)} sentence "
            f"vectors and {len(offsets) - 1} sentence offsets for {len(chunks)} chunks: {fix}")
    if title_vectors is not None and title_vectors.shape != (len(chunks), vectors.d):
        raise CorruptIndexError(f"index at {folder} is inconsistent: {len(title_vectors)} title-aware vectors for {len(chunks)} chunks: {fix}")
    if any(d not in documents or c not in documents for d, c in copies.items()):
        raise CorruptIndexError(f"index at {folder} is inconsistent: duplicates.json names documents it does not hold: {fix}")
    return Index(folder, manifest, documents, chunks, vectors, bm25, sentence_spans, offsets, sentence_vectors, title_vectors,
                 copies, files, flat)


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
