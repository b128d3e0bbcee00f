"""Hybrid search latency: today's fusion against the fusion before issue 10, in one process.

"Before" is the convex fusion of dense and BM25 alone (``FusionSettings(dense_weight=1,
title_weight=0, sentence_weight=0, bm25_weight=1)`` with BM25 always trusted); "after" is the
default, which also scores each candidate's title-aware vector and best sentence and gauges BM25
per query. Both run on the same cached evaluation indexes, question by question in alternation,
query encoding included (no cache), so the ratio is not skewed by the machine's mood.

Run: ``python benchmarks/bench_fusion.py [--sets seed-dev cmrc2018-trial ...] [--questions 100]``
(the indexes come from ``qa eval``'s cache; a set not yet indexed is indexed first).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"
SETS = ["seed-dev", "cmrc2018-trial", "drcd-dev", "xquad-zh", "xquad-en2zh", "dureader-train"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", nargs="+", default=SETS)
    parser.add_argument("--questions", type=int, default=100)
    args = parser.parse_args()

    from embeddings import default_cache_dir, load_encoder
    from qa.chunking import ChunkSettings
    from qa.evaluate import index_for, load_beir
    from qa.retrieve import BM25Retriever, DenseRetriever, FusionSettings, HybridRetriever

    before = FusionSettings(dense_weight=1.0, title_weight=0.0, sentence_weight=0.0, bm25_weight=1.0, long_query=(-1, 0))
    encoder = load_encoder()
    print(f"{'set':16s} {'questions':>9s} {'before p50 ms':>13s} {'after p50 ms':>12s} {'ratio':>6s}")
    ratios = []
    for name in args.sets:
        ds = load_beir(SHARED / name)
        index, _, _ = index_for(ds, encoder, ChunkSettings(), default_cache_dir())
        dense, bm25 = DenseRetriever(index, encoder), BM25Retriever(index)
        sides = {"before": HybridRetriever(dense, bm25, before), "after": HybridRetriever(dense, bm25, FusionSettings())}
        questions = [q.text for q in ds.queries[: args.questions]]
        for retriever in sides.values():  # warm both paths once
            retriever.search(questions[0], 10)
        times: dict[str, list[float]] = {side: [] for side in sides}
        for q in questions:
            for side, retriever in sides.items():
                started = time.perf_counter()
                retriever.search(q, 10)
                times[side].append((time.perf_counter() - started) * 1000)
        b, a = statistics.median(times["before"]), statistics.median(times["after"])
        ratios.append(a / b)
        print(f"{name:16s} {len(questions):9d} {b:13.1f} {a:12.1f} {a / b:6.2f}")
    print(f"median ratio after/before: {statistics.median(ratios):.2f} (acceptance: at most 1.3)")


if __name__ == "__main__":
    main()
