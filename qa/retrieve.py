"""Question -> ranked chunks. Dense, BM25 and hybrid retrievers share ``search(query, k) -> list[Hit]``."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol, Sequence

import numpy as np

from qa.index import Index
from qa.records import Hit
from qa.normalize import has_cjk
from qa.tokens import tokenize

RETRIEVERS = ("hybrid", "dense", "bm25")
RERANK = "+rerank"  # suffix of a retriever whose top candidates a cross-encoder reorders, e.g. "hybrid+rerank"
RERANK_DEPTH = 20


class Retriever(Protocol):
    name: str

    def search(self, query: str, k: int = 10) -> list[Hit]: ...


def _hits(index: Index, rows: Sequence[int], scores: Sequence[float]) -> list[Hit]:
    return [Hit(index.chunks[r], float(s), rank) for rank, (r, s) in enumerate(zip(rows, scores), 1)]


class DenseRetriever:
    """Cosine similarity between the question and chunk vectors (FAISS inner product)."""

    name = "dense"

    def __init__(self, index: Index, encoder):
        self.index, self.encoder = index, encoder

    def search(self, query: str, k: int = 10) -> list[Hit]:
        return self.search_vector(self.encoder.encode_queries([query])[0], k)

    def search_vector(self, vector: np.ndarray, k: int) -> list[Hit]:
        return _hits(self.index, *self.search_rows(vector, k))

    def search_rows(self, vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows and cosines of the ``k`` nearest chunks. Over an approximate index, more candidates
        are fetched and rescored with the exact vectors."""
        k = min(k, len(self.index))
        query = vector[None, :].astype(np.float32)
        if not self.index.approximate:
            scores, rows = self.index.nearest(query, k)
            keep = rows[0] >= 0
            return rows[0][keep], scores[0][keep]
        _, rows = self.index.nearest(query, min(max(4 * k, 100), len(self.index)))
        rows = rows[0][rows[0] >= 0]
        exact = self.index.vector_rows(rows) @ query[0]
        order = np.argsort(-exact, kind="stable")[:k]
        return rows[order], exact[order]


class BM25Retriever:
    """BM25 (bm25s) over jieba search-mode words and Han bigrams of the normalized text; a query without
    Chinese is searched by its words rendered in Chinese (:meth:`rendered_scores`)."""

    name = "bm25"

    def __init__(self, index: Index):
        self.index = index

    def known_tokens(self, query: str) -> tuple[list[str], int]:
        """The query tokens the index knows, and how many tokens the query has."""
        tokens = tokenize(query)
        return [t for t in tokens if t in self.index.bm25], len(tokens)

    def rendered_scores(self, query: str) -> np.ndarray | None:
        """For a query without Chinese (an English question over Chinese text, whose own words the index
        does not have): per chunk, the BM25 of its words rendered in Chinese (places in pinyin by the
        gazetteer, other words by CC-CEDICT and the glossary, :func:`qa.answer.english.renderings`).
        A word's renderings are alternatives, so a word scores as the best of them and the words add up
        (Pirkola's structured query: summing every rendering lets a loosely rendered word, seize -> 32
        words, outweigh the rest). ``None`` when no word renders into the index's words."""
        from qa.answer.english import renderings  # (the dictionary is loaded by the first English question)

        vocab = self.index.bm25
        total = None
        for alternatives in renderings(query):
            best = None
            for word in alternatives:
                tokens = [t for t in tokenize(word) if t in vocab]
                if tokens:
                    scores = vocab.scores(tokens)
                    best = scores if best is None else np.maximum(best, scores)
            if best is not None:
                total = best if total is None else total + best
        return total

    def search(self, query: str, k: int = 10) -> list[Hit]:
        scores = None if has_cjk(query) else self.rendered_scores(query)  # (English: its words rendered in Chinese)
        if scores is None:
            known, _ = self.known_tokens(query)
            if not known:
                return []
            scores = self.index.bm25.scores(known)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        top = top[scores[top] > 0]
        return _hits(self.index, top, scores[top])


@dataclass(frozen=True)
class FusionSettings:
    """How the hybrid retriever combines its evidence about each candidate chunk.

    ``method="convex"``: the candidates are the union of the dense and BM25 top ``depth``. Four
    scores of each are min-max scaled over the candidates of this question and mixed:

    - ``dense_weight`` × the cosine of the chunk's text (what the dense retriever ranks by);
    - ``title_weight`` × the cosine of "title + text" (search-style queries often match the title
      of the page or article more than any one paragraph of it);
    - ``sentence_weight`` × the best cosine of one sentence of the chunk (a question about one
      detail matches the sentence that states it better than the whole passage);
    - ``bm25_weight`` × the BM25 score, scaled by the share of question tokens the index knows (an
      English question over Chinese text leans on the dense side) and by how much BM25 can be
      trusted for this query: fully when its top scores stand out (the 10th is at most
      1 − ``concentrated[1]`` of the 1st) or the query is long (``long_query[1]`` tokens or more),
      fading to nothing for a short query whose top BM25 scores are flat (``concentrated[0]``,
      ``long_query[0]``): real search queries over web pages that all share their words.
      A query without Chinese (English over Chinese text) is instead weighed ``rendered_weight`` × the
      BM25 of its words rendered in Chinese (:meth:`BM25Retriever.rendered_scores`), trusted as it
      is: xquad-en2zh R@1 0.805 -> 0.872 at 0.5 (~0.84 at 0.25, ~0.87 at 1.0, ~0.83 at 2.0), and its
      AnswerAccuracy best at 0.5 (docs/evaluation.md).

    ``method="rrf"``: weighted reciprocal-rank fusion of the dense and BM25 runs with ``rrf_k``.
    Fit on dureader-train, cmrc2018-trial and xquad-zh; confirmed on drcd-dev, xquad-en2zh and
    seed-dev (docs/evaluation.md).
    """

    method: str = "convex"
    depth: int = 50
    dense_weight: float = 0.5
    title_weight: float = 1.0
    sentence_weight: float = 1.0
    bm25_weight: float = 2.25
    concentrated: tuple[float, float] = (0.55, 0.75)
    long_query: tuple[int, int] = (12, 20)
    rendered_weight: float = 0.5
    rrf_k: int = 60

    def lexical_trust(self, bm25_all: np.ndarray, tokens: int) -> float:
        """0..1: how far BM25 is to be trusted for this query (see the class docstring)."""
        n = min(10, len(bm25_all))
        top = -np.partition(-bm25_all, n - 1)[:n] if n else bm25_all
        first = float(top.max()) if n else 0.0
        if first <= 0:
            return 0.0
        concentration = (first - float(top.min())) / first  # 1 - (10th best / best)
        return max(_ramp(concentration, *self.concentrated), _ramp(tokens, *self.long_query))


def _ramp(x: float, lo: float, hi: float) -> float:
    return float(min(1.0, max(0.0, (x - lo) / (hi - lo))))


def fuse(runs: Sequence[tuple[list[Hit], float]], k: int, rrf_k: int = 60) -> list[Hit]:
    """Weighted reciprocal-rank fusion of several rankings of the same chunks."""
    scores: dict[str, float] = {}
    chunks = {}
    for hits, weight in runs:
        for hit in hits:
            scores[hit.chunk.id] = scores.get(hit.chunk.id, 0.0) + weight / (rrf_k + hit.rank)
            chunks[hit.chunk.id] = hit.chunk
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])[:k]
    return [Hit(chunks[cid], score, rank) for rank, (cid, score) in enumerate(ranked, 1)]


def _minmax(x: np.ndarray) -> np.ndarray:
    span = float(x.max() - x.min()) if len(x) else 0.0
    return (x - x.min()) / span if span > 0 else np.zeros_like(x)


def _best_sentence(index: Index, rows: np.ndarray, qvec: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """Per chunk row, the best cosine of one of its sentences (``fallback`` where it has none)."""
    off = index.sentence_offsets
    counts = (off[rows + 1] - off[rows]).astype(np.int64)
    out = fallback.copy()
    has = counts > 0
    if not has.any():
        return out
    picked = np.concatenate([np.arange(off[r], off[r + 1]) for r in rows[has]])
    sims = index.sentence_vectors[picked].astype(np.float32) @ qvec
    starts = np.concatenate([[0], np.cumsum(counts[has])[:-1]])
    out[has] = np.maximum.reduceat(sims, starts)
    return out


class HybridRetriever:
    name = "hybrid"

    def __init__(self, dense: DenseRetriever, bm25: BM25Retriever, settings: FusionSettings = FusionSettings()):
        self.dense, self.bm25, self.settings = dense, bm25, settings

    def search(self, query: str, k: int = 10) -> list[Hit]:
        s = self.settings
        depth = max(k, s.depth)
        known, total = self.bm25.known_tokens(query)
        qvec = self.dense.encoder.encode_queries([query])[0]
        if s.method == "rrf":
            lexical = s.bm25_weight * (len(known) / total if total else 0.0)
            return fuse([(self.dense.search_vector(qvec, depth), s.dense_weight), (self.bm25.search(query, depth), lexical)],
                        k, s.rrf_k)
        dense_rows, _ = self.dense.search_rows(qvec, depth)
        if s.rendered_weight and not has_cjk(query):  # (an English question: its words rendered in Chinese)
            bm25_all = self.bm25.rendered_scores(query)
            return self._convex(qvec, dense_rows, bm25_all, s.rendered_weight if bm25_all is not None else 0.0, depth, k)
        bm25_all = self.bm25.index.bm25.scores(known) if known else None
        lexical = s.bm25_weight * len(known) / total * s.lexical_trust(bm25_all, total) if known else 0.0
        return self._convex(qvec, dense_rows, bm25_all, lexical, depth, k)

    def _convex(self, qvec, dense_rows, bm25_all, lexical, depth, k):
        index, s = self.dense.index, self.settings
        cand = {int(r) for r in dense_rows}
        if bm25_all is not None:
            top_bm25 = np.argpartition(-bm25_all, min(depth, len(bm25_all) - 1))[:depth]
            cand.update(int(r) for r in top_bm25 if bm25_all[r] > 0)
        rows = np.fromiter(cand, dtype=np.int64)
        dense = index.vector_rows(rows) @ qvec
        score = s.dense_weight * _minmax(dense)
        if s.title_weight:
            titled = dense if index.title_vectors is None else index.title_vectors[rows].astype(np.float32) @ qvec
            score += s.title_weight * _minmax(titled)
        if s.sentence_weight:
            score += s.sentence_weight * _minmax(_best_sentence(index, rows, qvec, dense))
        if lexical > 0:
            score += lexical * _minmax(bm25_all[rows].astype(np.float64))
        order = np.argsort(-score, kind="stable")[:k]
        return _hits(index, rows[order], score[order])


class RerankedRetriever:
    """Another retriever's top ``depth`` chunks reordered by a cross-encoder's score of each
    (question, title + passage) pair; the score of a reranked hit is the cross-encoder's. Asked for
    more than ``depth``, the rest follow in the first retriever's order."""

    def __init__(self, base: Retriever, index: Index, reranker, depth: int = RERANK_DEPTH):
        self.base, self.index, self.reranker, self.depth = base, index, reranker, depth
        self.name = base.name + RERANK

    def search(self, query: str, k: int = 10) -> list[Hit]:
        hits = self.base.search(query, max(k, self.depth))
        head, rest = hits[: self.depth], hits[self.depth :]
        documents = self.index.documents
        texts = [f"{documents[h.chunk.doc_id].title}\n{h.chunk.text}".lstrip() for h in head]
        scores = self.reranker.score(query, texts)
        ranked = [replace(head[i], score=float(scores[i])) for i in np.argsort(-scores, kind="stable")] + rest
        return [replace(h, rank=rank) for rank, h in enumerate(ranked[:k], 1)]


def make_retriever(kind: str, index: Index, encoder, fusion: FusionSettings = FusionSettings(), reranker=None) -> Retriever:
    """``kind`` is one of RETRIEVERS, or one of them + ``"+rerank"`` (which needs ``reranker``)."""
    if kind.endswith(RERANK):
        if reranker is None:
            raise ValueError(f"retriever {kind!r} needs a reranker: pass --reranker NAME (a cross-encoder model)")
        return RerankedRetriever(make_retriever(kind[: -len(RERANK)], index, encoder, fusion), index, reranker)
    if kind == "dense":
        return DenseRetriever(index, encoder)
    if kind == "bm25":
        return BM25Retriever(index)
    if kind == "hybrid":
        return HybridRetriever(DenseRetriever(index, encoder), BM25Retriever(index), fusion)
    raise ValueError(f"unknown retriever {kind!r}: choose one of {', '.join(RETRIEVERS)}")
