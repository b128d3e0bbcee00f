"""The engine the CLI, the web app and the evaluation share: one index + one encoder per process."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Sequence

import numpy as np

from qa.answer import AnswerSettings, analyze, answer, check_question, prepare
from qa.answer.english import places_in_chinese
from qa.answer.places import in_full
from qa.answer.question import unspaced, without_preamble
from qa.chunking import ChunkSettings
from qa.conversation import rewrite
from qa.documents import MAX_DOC_CHARS, load_documents
from qa.index import (Index, IndexFolderError, IndexNotFoundError, build_index, content_hash, open_index, read_documents,
                      read_manifest)
from qa.normalize import has_cjk, mainland_words
from qa.records import Answer, Document, Hit, IngestReport, Skipped
from qa.retrieve import RERANK, FusionSettings, Retriever, make_retriever
from qa.store import current

log = logging.getLogger(__name__)


class NothingToIndexError(ValueError):
    """None of the inputs gave a document; ``skipped`` says why for each."""

    def __init__(self, skipped: list[Skipped]):
        self.skipped = skipped
        reasons = "; ".join(f"{sk.path}: {sk.reason}" for sk in skipped[:5]) or "no supported files found"
        super().__init__(f"no documents to index ({reasons}). Give readable .txt, .md, .html or corpus.jsonl files")


class Engine:
    """Answers questions over one index. Build it with :meth:`open` or :func:`qa.ensure_index`."""

    def __init__(self, index: Index, encoder, fusion: FusionSettings = FusionSettings(), reranker=None):
        """``reranker`` (``embeddings.load_reranker``): when given, every search is reranked by it."""
        self.index, self.fusion, self.reranker = index, fusion, reranker
        self.encoder = encoder if isinstance(encoder, QueryCache) else QueryCache(encoder)
        self._retrievers: dict[str, Retriever] = {}
        self.answer_settings = AnswerSettings()
        self.today = date.today  # what 今年/去年 in a question resolve against

    @classmethod
    def open(cls, folder: Path | str, model: str | None = None, encoder=None, reranker=None) -> "Engine":
        index = open_index(folder, model=model)
        if encoder is None:
            from embeddings import load_encoder

            encoder = load_encoder(index.model, **_prompt_options(index.manifest))
        return cls(index, encoder, reranker=reranker)

    def warm_up(self) -> None:
        """Load the answer step's dictionaries and run the encoder once, so the first visitor does
        not pay for them (servers call this in a background thread as they start)."""
        prepare()
        self.encoder.encode_queries(["预热"])

    def index_chunking(self) -> ChunkSettings:
        """The chunking this index was built with (evaluation sets are indexed the same way)."""
        return ChunkSettings(**self.index.manifest.get("chunking", {}))

    def retriever(self, kind: str = "hybrid") -> Retriever:
        if self.reranker is not None and not kind.endswith(RERANK):
            kind += RERANK
        if kind not in self._retrievers:
            self._retrievers[kind] = make_retriever(kind, self.index, self.encoder, self.fusion, self.reranker)
        return self._retrievers[kind]

    def search(self, query: str, k: int = 10, retriever: str = "hybrid", doc_filter=None) -> list[Hit]:
        """The top ``k`` passages, each story once (copies of an article give way to its earliest);
        with ``doc_filter`` (see :func:`document_filter`) only passages of the documents it keeps."""
        return self._retrieve(check_question(query), 2 * k if self.index.copies else k, k, retriever, doc_filter)[:k]

    def _retrieve(self, query: str, depth: int, k: int, retriever: str, doc_filter) -> list[Hit]:
        """``depth`` passages for ``query`` (deeper under a ``doc_filter``, which then keeps its
        documents' passages), each story once."""
        if doc_filter is not None:
            depth = max(depth, k * 10, 50)
        hits = self.retriever(retriever).search(query, depth)
        if doc_filter is not None:
            hits = [h for h in hits if doc_filter(self.index.documents[h.chunk.doc_id])]
        return one_copy(hits, self.index)

    def ask(self, question: str, *, k: int = 5, retriever: str = "hybrid", query: str | None = None,
            history: Sequence[str] = (), threshold: float | None = None, doc_filter=None) -> Answer:
        """Answer ``question``; ``query`` is what gets searched: given, or the rewrite of a follow-up
        by the conversation's earlier questions ``history`` (oldest first), else the question.

        A question that names places, people or years is searched deeper, so that passages from
        articles meeting those constraints are found even when others rank first (an English
        question's names alone do not: see below).
        """
        question = check_question(question)
        frequency = self.index.document_frequency

        def as_the_corpus_writes(text: str) -> str:  # (places in pinyin and counties' short forms: 白城, 凭祥市;
            # Taiwan words the corpus writes the mainland way: 網際網路 -> 互联网)
            text = mainland_words(text, lambda token: frequency(token) > 0)
            return in_full(places_in_chinese(text, frequency), frequency)

        # (a follow-up's places are read as its history's are: 那凭祥呢 after 隆林每年投入多少钱… names a place)
        query = as_the_corpus_writes(without_preamble(unspaced(query or (rewrite(
            as_the_corpus_writes(question), [as_the_corpus_writes(h) for h in history]) if history else question))))
        if query != question:  # (checking costs a tokenization: once per text)
            query = check_question(query)
        analysis = analyze(query, today=self.today())
        # (not for an English name alone: its renderings are loose, and deeper down some article uses
        # one of them by accident — questions asked of another corpus were answered 5-10 % more often)
        deep = any(c.kind != "name" or has_cjk(query) for c in analysis.constraints)
        hits = self._retrieve(query, max(k * 6, 30) if deep else k, k, retriever, doc_filter)
        # explicit > calibrated into the index manifest (`qa eval --calibrate`) > built-in default
        for candidate in (threshold, self.index.answer_threshold, AnswerSettings.threshold):
            if candidate is not None:
                break
        settings = replace(self.answer_settings, threshold=candidate)
        qvec = self.encoder.encode_queries([query])[0]
        return answer(question, hits, self.index, qvec, settings, query=query, analysis=analysis, k=k,
                      encode=lambda text: self.encoder.encode_queries([text])[0])


def document_filter(date_from: str | None = None, date_to: str | None = None, outlets=None):
    """A test of documents by date (ISO prefixes compare as text: ``2019`` .. ``2019-12-31``) and
    outlet (``未知`` stands for none given); ``None`` when nothing is asked."""
    date_from, date_to = (date_from or "").strip(), (date_to or "").strip()
    if not (date_from or date_to or outlets):
        return None

    def keep(doc: Document) -> bool:
        if outlets and (doc.source or "未知") not in outlets:
            return False
        if date_from and (not doc.date or doc.date < date_from):
            return False
        if date_to and (not doc.date or doc.date[: len(date_to)] > date_to):
            return False
        return True

    return keep


def one_copy(hits: list[Hit], index: Index) -> list[Hit]:
    """``hits`` with each story once, ranks renumbered: a copy's passages are dropped when the
    story's canonical (earliest) copy has passages among them; if it has none, the first copy found
    stands in for it."""
    present = {h.chunk.doc_id for h in hits}
    chosen: dict[str, str] = {}
    for h in hits:
        story = index.canonical(h.chunk.doc_id)
        chosen.setdefault(story, story if story in present else h.chunk.doc_id)
    kept = [h for h in hits if chosen[index.canonical(h.chunk.doc_id)] == h.chunk.doc_id]
    return [replace(h, rank=i) for i, h in enumerate(kept, 1)]


class LiveEngine:
    """The engine of the index version in use. A server asks :meth:`get` once per request; at most
    every ``check_every`` seconds it looks whether ``qa ingest`` has made another version current,
    opens it beside the one being served and switches to it (requests already running keep the
    engine they got). A version that does not open is refused with a log line, the old one kept."""

    def __init__(self, engine: Engine, check_every: float = 2.0):
        self._engine, self.check_every = engine, check_every
        self._checked = time.monotonic()
        self._refused: Path | None = None
        self._loading = threading.Lock()

    def get(self) -> Engine:
        if time.monotonic() - self._checked < self.check_every or not self._loading.acquire(blocking=False):
            return self._engine  # checked lately, or another request is opening the new version
        try:
            self._checked = time.monotonic()
            engine = self._engine
            files = current(engine.index.folder)
            if files in (engine.index.files, self._refused):
                return engine
            try:
                index = open_index(engine.index.folder, model=engine.index.model)
            except IndexFolderError as exc:
                self._refused = files
                log.warning("new index version %s refused, still serving %s: %s", files.name, engine.index.files.name, exc)
                return engine
            fresh = Engine(index, engine.encoder, engine.fusion, engine.reranker)
            fresh.answer_settings, fresh.today = engine.answer_settings, engine.today
            self._engine = fresh
            log.info("now serving index version %s (%d chunks)", index.files.name, index.live_chunks)
            return fresh
        finally:
            self._loading.release()


class QueryCache:
    """The encoder, remembering the last questions' vectors: retrieval and the answer step (and a
    hybrid's two halves) share one encoding of each question."""

    def __init__(self, encoder, size: int = 64):
        self.inner, self.size = encoder, size
        self.name, self.dim = encoder.name, encoder.dim
        self.prompts = getattr(encoder, "prompts", {})
        self._cache: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def encode_queries(self, texts):
        texts = list(texts)
        with self._lock:
            return self._encode(texts)

    def stop(self) -> None:
        """Wait for an encoding in progress and start no other: the process is ending. Python ending
        while a thread is inside torch aborts it ("terminate called without an active exception")."""
        self._lock.acquire()

    def remember(self, texts, vectors) -> None:
        """Take vectors of ``texts`` encoded elsewhere in one batch (an evaluation's questions)."""
        with self._lock:
            for t, v in zip(texts, vectors):
                self._remember(t, v)

    def _remember(self, text, vector) -> None:
        if len(self._cache) >= self.size:
            self._cache.pop(next(iter(self._cache)))
        self._cache[text] = vector

    def _encode(self, texts):
        # (from what was found and encoded, not from the cache: a batch larger than it evicts its own first texts)
        found = {t: self._cache[t] for t in texts if t in self._cache}
        todo = [t for t in dict.fromkeys(texts) if t not in found]
        if todo:
            for t, v in zip(todo, self.inner.encode_queries(todo)):
                found[t] = v
                self._remember(t, v)
        return np.stack([found[t] for t in texts])

    def encode_passages(self, texts):
        return self.inner.encode_passages(texts)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def _prompt_options(manifest: dict) -> dict:
    prompts = manifest.get("prompts") or {}
    return {"query_prompt": prompts.get("query"), "passage_prompt": prompts.get("document")}


def _existing_documents(folder: Path, model: str | None) -> list[Document]:
    try:
        return list(read_documents(folder, model=model).values())
    except IndexNotFoundError:
        return []


def _changes(old: list[Document], new: list[Document], removed: set[str]) -> tuple[list[Document], IngestReport]:
    """The documents of the next version, and what changed: ``new`` replaces old documents of the
    same id, other old documents stay unless their id is in ``removed``."""
    before = {d.id: content_hash(d) for d in old}
    incoming = {d.id for d in new}
    kept = [d for d in old if d.id not in incoming and d.id not in removed]
    report = IngestReport(
        added=tuple(d.id for d in new if d.id not in before),
        updated=tuple(d.id for d in new if d.id in before and before[d.id] != content_hash(d)),
        removed=tuple(sorted(i for i in removed if i in before and i not in incoming)),
        unchanged=tuple([d.id for d in new if before.get(d.id) == content_hash(d)] + [d.id for d in kept]),
    )
    return kept + list(new), report


def ingest(paths, folder: Path | str, *, model: str | None = None, chunking: ChunkSettings = ChunkSettings(),
           rebuild: bool = False, progress: bool = False, encoder=None, sync: bool = False,
           max_doc_chars: int = MAX_DOC_CHARS) -> tuple[Index, list[Skipped], IngestReport]:
    """Add the documents under ``paths`` to the index at ``folder`` (built if there is none): new
    ones are added, changed ones re-indexed, unchanged ones keep their vectors, and documents
    already indexed from elsewhere stay. With ``sync`` the index afterwards holds exactly the
    documents under ``paths`` (the others are removed); ``rebuild`` re-embeds everything."""
    from embeddings import load_encoder

    folder = Path(folder)
    old = [] if rebuild else _existing_documents(folder, model)  # a mismatched model is reported before any work
    docs, skipped = load_documents(paths, max_chars=max_doc_chars)
    if not docs:
        raise NothingToIndexError(skipped)
    gone = {d.id for d in old} - {d.id for d in docs} if sync else set()
    docs, report = _changes(old, docs, gone)
    encoder = encoder or load_encoder(model)
    index = build_index(docs, folder, encoder, chunking, reuse=not rebuild, progress=progress)
    return index, skipped, report


def remove(names, folder: Path | str, *, encoder=None) -> tuple[Index, IngestReport, list[str]]:
    """Remove documents by id or by file name (as listed by ``qa ingest``); returns the new index,
    what was removed and the names that matched nothing. Nothing is embedded."""
    from embeddings import load_encoder

    folder = Path(folder)
    manifest = read_manifest(folder)
    documents = read_documents(folder)

    def names_of(d: Document) -> set[str]:
        return {d.id, d.path, d.path.split("#")[0]}

    wanted = {str(n) for n in names}
    hit = {d.id for d in documents.values() if names_of(d) & wanted}
    unknown = sorted(n for n in wanted if not any(n in names_of(d) for d in documents.values()))
    if not hit:
        raise ValueError(f"no document in the index at {folder} has the id or file name {', '.join(sorted(wanted))}")
    docs, report = _changes(list(documents.values()), [], hit)
    if not docs:
        raise ValueError(f"removing {len(hit)} document(s) would leave the index at {folder} empty; delete the folder instead")
    encoder = encoder or load_encoder(manifest["model"], **_prompt_options(manifest))
    index = build_index(docs, folder, encoder, ChunkSettings(**manifest.get("chunking", {})))
    return index, report, unknown


def ensure_index(folder: Path | str, corpus_dir: Path | str, *, model: str | None = None,
                 chunking: ChunkSettings = ChunkSettings(), progress: bool = False, reranker=None) -> Engine:
    """Open the index at ``folder``, first building it from ``corpus_dir`` if there is none yet."""
    from embeddings import load_encoder

    try:
        return Engine.open(folder, model=model, reranker=reranker)
    except IndexNotFoundError:
        log.info("no index at %s yet: building it from %s", folder, corpus_dir)
    encoder = load_encoder(model)
    index, skipped, _ = ingest([corpus_dir], folder, chunking=chunking, progress=progress, encoder=encoder)
    for s in skipped:
        log.warning("skipped %s: %s", s.path, s.reason)
    return Engine(index, encoder, reranker=reranker)
