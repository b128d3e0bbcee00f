"""Cost of answering against the cost of retrieving, in one process on the same questions.

Each question is asked with a fresh query-vector cache, so both sides pay for encoding the question.
Run: ``python benchmarks/bench_answer.py [--index DIR] [--repeat 3]`` (builds the sample index first
if DIR has none). Prints p50/p95 of ``Engine.search`` and ``Engine.ask`` and their ratio.

``--large N`` measures on an index of at least N chunks instead: the sample corpus plus paragraphs
of every shared evaluation corpus, re-mixed into articles of ~20 paragraphs until N chunks are
reached. Embedding N chunks and their sentences with the real model would take most of an hour
here, so passages and sentences get hashed character-bigram vectors (384 dimensions, the model's
width: FAISS and the answer step do the same work whatever the values), while every question is
also encoded by the real model, so both sides pay its real cost. The index is cached under
``--index`` (default: the cache folder) and reused.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "eval"
QUESTIONS = SHARED / "seed-answers" / "questions.jsonl"
FALLBACK = ["桂林的破案率是多少", "白城有多少个基层所队接入了公安网", "成都的破案率是多少", "How many grid workers does Guilin have?"]


def percentile(times: list[float], q: float) -> float:
    times = sorted(times)
    return times[min(len(times) - 1, int(round(q * (len(times) - 1))))]


class HashedVectors:
    """Passages and sentences as hashed character-bigram vectors; questions the same, plus a real
    encoding of each question (result unused) so that query-side cost is the real model's."""

    name = "hashed-bigrams-384"
    dim = 384
    prompts = {"query": "", "document": ""}
    backend = "hashed"

    def __init__(self, real=None):
        self.real = real

    def _encode(self, texts):
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            for a, b in zip(t, t[1:]):
                out[i, hash(a + b) % self.dim] += 1.0
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)

    def encode_passages(self, texts):
        return self._encode(list(texts))

    def encode_queries(self, texts):
        texts = list(texts)
        if self.real is not None:
            self.real.encode_queries(texts)
        return self._encode(texts)


def large_documents(chunks: int, seed: int = 0):
    from qa.documents import load_documents
    from qa.records import Document

    docs, _ = load_documents([ROOT / "corpus"])
    paragraphs = []
    for path in sorted(SHARED.glob("*/corpus.jsonl")):
        for line in path.read_text(encoding="utf-8").split("\n"):
            if line.strip():
                paragraphs += [p for p in json.loads(line)["text"].split("\n") if len(p) > 20]
    rng = random.Random(seed)
    need_chars = chunks * 260  # ~260 characters of text per 300-character chunk with 60 of overlap
    made, n = 0, 0
    while made < need_chars:
        body = "\n\n".join(rng.sample(paragraphs, 20))
        docs.append(Document(id=f"mix-{n:06d}", text=body, title=body[:20], path=f"mix/{n:06d}.txt"))
        made += len(body)
        n += 1
    return docs


def open_large(folder: Path, chunks: int, real):
    from qa.engine import Engine
    from qa.index import IndexFolderError, build_index, open_index

    encoder = HashedVectors(real)
    try:
        index = open_index(folder, model=encoder.name)
        if len(index) >= chunks:
            return Engine(index, encoder)
    except IndexFolderError:
        pass
    started = time.perf_counter()
    index = build_index(large_documents(chunks), folder, HashedVectors(None), reuse=False, progress=True)
    print(f"built {len(index)} chunks in {time.perf_counter() - started:.0f} s")
    return Engine(index, encoder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--large", type=int, default=0, metavar="N", help="an index of at least N chunks (see above)")
    args = parser.parse_args()
    from embeddings import default_cache_dir, load_encoder
    from qa.engine import ensure_index

    if args.large:
        folder = args.index or default_cache_dir() / "bench-indexes" / f"large-{args.large}"
        engine = open_large(folder, args.large, load_encoder())
    else:
        folder = args.index or Path(tempfile.mkdtemp(prefix="qa-bench-")) / "index"
        engine = ensure_index(folder, ROOT / "corpus")
    questions = ([json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
                 if QUESTIONS.exists() else FALLBACK)
    for q in questions:  # warm up jieba, the gazetteer, the dictionaries and the page cache once
        engine.ask(q)
    inner = engine.encoder.inner
    forget = engine.encoder._cache.clear  # each timed call encodes its question afresh
    search, ask = [], []
    for _ in range(args.repeat):
        for q in questions:
            forget()
            t = time.perf_counter()
            engine.search(q, k=5)
            search.append((time.perf_counter() - t) * 1000)
            forget()
            t = time.perf_counter()
            engine.ask(q, k=5)
            ask.append((time.perf_counter() - t) * 1000)
    s50, a50 = statistics.median(search), statistics.median(ask)
    print(f"{len(questions)} questions x {args.repeat}, {len(engine.index)} chunks, encoder {getattr(inner, 'backend', '?')}")
    print(f"search p50 {s50:.1f} ms  p95 {percentile(search, 0.95):.1f} ms")
    print(f"ask    p50 {a50:.1f} ms  p95 {percentile(ask, 0.95):.1f} ms")
    print(f"ask / search p50 = {a50 / s50:.2f}")


if __name__ == "__main__":
    main()
