"""Cost of answering against the cost of retrieving, in one process on the same questions.

Each question is asked with a fresh query-vector cache, so both sides pay for encoding the question.
Run: ``python benchmarks/bench_answer.py [--index DIR] [--repeat 3]`` (builds the sample index first
if DIR has none). Prints p50/p95 of ``Engine.search`` and ``Engine.ask`` and their ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT.parent / "shared" / "eval" / "seed-answers" / "questions.jsonl"
FALLBACK = ["桂林的破案率是多少", "白城有多少个基层所队接入了公安网", "成都的破案率是多少", "How many grid workers does Guilin have?"]


def percentile(times: list[float], q: float) -> float:
    times = sorted(times)
    return times[min(len(times) - 1, int(round(q * (len(times) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from qa.engine import QueryCache, ensure_index

    folder = args.index or Path(tempfile.mkdtemp(prefix="qa-bench-")) / "index"
    engine = ensure_index(folder, ROOT / "corpus")
    questions = ([json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
                 if QUESTIONS.exists() else FALLBACK)
    engine.ask(questions[0])  # warm up jieba, the gazetteer and the dictionary once
    search, ask = [], []
    for _ in range(args.repeat):
        for q in questions:
            engine.encoder = QueryCache(engine.encoder.inner)
            engine._retrievers.clear()
            t = time.perf_counter()
            engine.search(q, k=5)
            search.append((time.perf_counter() - t) * 1000)
            engine.encoder = QueryCache(engine.encoder.inner)
            engine._retrievers.clear()
            t = time.perf_counter()
            engine.ask(q, k=5)
            ask.append((time.perf_counter() - t) * 1000)
    s50, a50 = statistics.median(search), statistics.median(ask)
    print(f"{len(questions)} questions x {args.repeat}, {len(engine.index)} chunks")
    print(f"search p50 {s50:.1f} ms  p95 {percentile(search, 0.95):.1f} ms")
    print(f"ask    p50 {a50:.1f} ms  p95 {percentile(ask, 0.95):.1f} ms")
    print(f"ask / search p50 = {a50 / s50:.2f}")


if __name__ == "__main__":
    main()
