"""Which approximate vector index for a large archive: FAISS IVF with 8-bit codes or HNSW?

Vectors are synthetic and clustered like bench_scale.py's (a topic centre + noise, unit length, 384
dimensions); queries are 200 vectors near random rows. Each index is used as qa/retrieve.py uses
it: its top max(4k, 100) candidates are rescored with the exact vectors, and recall@10 is measured
against exact search. Reported per index: build seconds, the memory the index itself holds
(its serialized size), search p50 / p95 in ms (one thread per query, as a server runs it), recall@10.

Run: ``python benchmarks/bench_ann.py [--n 1000000]``.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

DIM, TOPICS, K = 384, 512, 10


def vectors(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((TOPICS, DIM)).astype(np.float32)
    out = np.empty((n, DIM), dtype=np.float32)
    for a in range(0, n, 100_000):
        b = min(n, a + 100_000)
        out[a:b] = centres[rng.integers(0, TOPICS, b - a)] + 0.8 * rng.standard_normal((b - a, DIM)).astype(np.float32)
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out


def measure(name: str, index, data: np.ndarray, queries: np.ndarray, want: np.ndarray, build_s: float) -> dict:
    import faiss

    size_mb = faiss.serialize_index(index).nbytes / 2**20
    fetch = max(4 * K, 100)
    times, got = [], []
    for q in queries:
        t = time.perf_counter()
        _, rows = index.search(q[None, :], fetch)
        rows = rows[0][rows[0] >= 0]
        exact = data[rows] @ q
        got.append(rows[np.argsort(-exact)[:K]])
        times.append((time.perf_counter() - t) * 1000)
    recall = float(np.mean([len(set(a) & set(b)) / K for a, b in zip(want, got)]))
    row = {"index": name, "build_s": build_s, "memory_mb": size_mb, "p50_ms": float(np.percentile(times, 50)),
           "p95_ms": float(np.percentile(times, 95)), "recall@10": recall}
    print(f"{name:28s} build {build_s:7.1f} s  memory {size_mb:7.0f} MB  p50 {row['p50_ms']:6.2f} ms  "
          f"p95 {row['p95_ms']:6.2f} ms  recall@10 {recall:.3f}", flush=True)
    return row


def main() -> None:
    import faiss

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    args = ap.parse_args()
    data = vectors(args.n)
    rng = np.random.default_rng(1)
    queries = data[rng.integers(0, args.n, 200)] + 0.05 * rng.standard_normal((200, DIM)).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    exact = faiss.IndexFlatIP(DIM)
    exact.add(data)
    _, want = exact.search(queries, K)
    del exact
    faiss.omp_set_num_threads(os.cpu_count() or 1)  # building uses every core
    print(f"{args.n:,} vectors of {DIM} dimensions; exact top {K} as the reference", flush=True)

    lists = int(4 * np.sqrt(args.n))
    t = time.perf_counter()
    ivf = faiss.index_factory(DIM, f"IVF{lists},SQ8", faiss.METRIC_INNER_PRODUCT)
    sample = rng.choice(args.n, min(args.n, 64 * lists), replace=False)
    ivf.train(data[np.sort(sample)])
    ivf.add(data)
    ivf.nprobe = 32
    ivf_s = time.perf_counter() - t
    faiss.omp_set_num_threads(1)
    measure(f"IVF{lists},SQ8 nprobe 32 (ours)", ivf, data, queries, want, ivf_s)
    del ivf

    for spec in ("HNSW32", "HNSW32_SQ8"):
        faiss.omp_set_num_threads(os.cpu_count() or 1)
        t = time.perf_counter()
        hnsw = faiss.index_factory(DIM, spec, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = 40
        if not hnsw.is_trained:
            hnsw.train(data[np.sort(rng.choice(args.n, min(args.n, 100_000), replace=False))])
        hnsw.add(data)
        build_s = time.perf_counter() - t
        faiss.omp_set_num_threads(1)
        for ef in (64, 128):
            hnsw.hnsw.efSearch = ef
            measure(f"{spec} efSearch {ef}", hnsw, data, queries, want, build_s)
        del hnsw


if __name__ == "__main__":
    main()
