"""How the index scales: open time, memory after open, hybrid search latency, dense recall, and
adding 1,000 documents, at 10k / 100k (/ 1M) chunks.

Documents are re-mixed real Chinese text (sentences of the sample articles and, when present, the
shared evaluation corpora, ~1,000 characters each: ~4.6 chunks). Embedding is excluded, as the issue
asks: a synthetic encoder gives every text a clustered unit vector (a random topic centre plus
noise, so an approximate index meets the structure real embeddings have) at no cost. Each size is
opened in a fresh process (its RSS is what a server would hold); queries are 200 vectors near random
chunks (the vector is given: query encoding is measured elsewhere) with the hybrid's BM25 half fed
real words. Recall@10 compares the index's dense top 10 with exact search over the same vectors.

Run: ``python benchmarks/bench_scale.py [--sizes 10000 100000] [--keep DIR] [--approximate-from N]``
(``--approximate-from 50000`` measures the IVF index at 100k chunks). Results are printed
as a table and the growth from each size to the next (x of chunks -> x of time / memory).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "eval"
DIM = 384
TOPICS = 512


class SyntheticEncoder:
    """Unit vectors from the text's hash: topic centre + noise (cosines of same-topic texts ~0.6)."""

    name = "synthetic-clustered"
    dim = DIM
    prompts = {"query": "", "document": ""}
    backend = "synthetic"

    def __init__(self):
        self.centres = np.random.default_rng(0).standard_normal((TOPICS, DIM)).astype(np.float32)

    def encode_passages(self, texts):
        out = np.empty((len(texts), DIM), dtype=np.float32)
        for i, t in enumerate(texts):
            seed = int.from_bytes(hashlib.blake2b(t.encode("utf-8"), digest_size=8).digest(), "little")
            rng = np.random.default_rng(seed)
            out[i] = self.centres[seed % TOPICS] + 0.8 * rng.standard_normal(DIM).astype(np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    encode_queries = encode_passages


def sentences_pool() -> list[str]:
    import re

    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt"))]
    for name in ("cmrc2018-trial", "drcd-dev", "dureader-train"):
        path = SHARED / name / "corpus.jsonl"
        if path.exists():
            texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
    return [s for t in texts for s in re.findall(r"[^。！？\n]{8,}[。！？]", t)]


def write_docs(folder: Path, count: int, pool: list[str], seed: int, start: int = 0) -> None:
    """``count`` documents as BEIR-style corpus files of 8,000 each (under the 50 MiB file limit)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for part in range(0, count, 8_000):
        _write_part(folder / f"corpus-{part // 8_000:03d}.jsonl", rng, pool, start + part, min(8_000, count - part))


def _write_part(path: Path, rng, pool: list[str], start: int, count: int) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for n in range(start, start + count):
            body, size = [], 0
            while size < 1000:
                body.append(rng.choice(pool))
                size += len(body[-1])
            year = rng.randint(2015, 2024)
            text = f"{year}年{rng.randint(1, 12):02d}月{rng.randint(1, 28):02d}日 来源：合成日报\n" + "".join(body)
            f.write(json.dumps({"_id": f"d{n:07d}", "title": rng.choice(pool)[:20], "text": text}, ensure_ascii=False) + "\n")


def build(folder: Path, chunks: int, pool: list[str]) -> dict:
    from qa.engine import ingest

    docs = max(1, round(chunks / 4.6))  # ~4.6 chunks per ~1,000-character document
    write_docs(folder / "docs", docs, pool, seed=chunks)
    t = time.perf_counter()
    index, skipped, _ = ingest([folder / "docs"], folder / "index", encoder=SyntheticEncoder())
    if skipped:
        raise SystemExit(f"skipped while building: {skipped[:3]}")
    return {"documents": len(index.documents), "chunks": len(index), "build_s": time.perf_counter() - t}


def measure(folder: Path, pool: list[str]) -> dict:
    """Runs in a fresh process: open, RSS, search latency, recall, then the add of 1,000 documents."""
    import faiss

    from qa.engine import Engine, ingest
    from qa.retrieve import make_retriever

    t = time.perf_counter()
    encoder = SyntheticEncoder()
    engine = Engine.open(folder / "index", encoder=encoder)
    open_s = time.perf_counter() - t
    rss_mb = _rss_mb()
    index = engine.index
    rng = np.random.default_rng(1)
    rows = rng.integers(0, len(index), 200)
    queries = []
    for r in rows:  # a vector near a chunk's, and a few of its words for BM25
        vec = index.vector_rows(np.array([r]))[0] + 0.05 * rng.standard_normal(DIM).astype(np.float32)
        text = index.chunks[int(r)].text
        at = int(rng.integers(0, max(1, len(text) - 12)))
        queries.append((text[at:at + 12], vec / np.linalg.norm(vec)))
    engine.encoder.remember([q for q, _ in queries], np.stack([v for _, v in queries]))
    hybrid = make_retriever("hybrid", index, engine.encoder)
    hybrid.search(queries[0][0], 10)
    times = []
    for q, _ in queries:
        t = time.perf_counter()
        hybrid.search(q, 10)
        times.append((time.perf_counter() - t) * 1000)
    # recall@10 of the dense retriever (approximate index + exact rescoring) against exact search
    exact = faiss.IndexFlatIP(DIM)
    exact.add(index.vector_rows(np.arange(len(index))))
    qv = np.stack([v for _, v in queries]).astype(np.float32)
    _, want = exact.search(qv, 10)
    got = [hybrid.dense.search_rows(v, 10)[0] for v in qv]
    recall = float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(want, got)]))
    del exact
    write_docs(folder / "more", 1000, pool, seed=7, start=10_000_000)
    t = time.perf_counter()
    added, _, _ = ingest([folder / "more"], folder / "index", encoder=encoder)
    add_s = time.perf_counter() - t
    return {"open_s": open_s, "rss_mb": rss_mb, "p50_ms": float(np.percentile(times, 50)),
            "p95_ms": float(np.percentile(times, 95)), "recall@10": recall, "add_1000_s": add_s,
            "faiss": type(index.vectors).__name__, "segments": len(index.segments),
            "add_stages": added.manifest.get("build_stages", {})}


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--approximate-from", type=int, help="chunks from which the index is approximate (FAISS IVF); "
                    "default qa.index.APPROXIMATE_FROM")
    ap.add_argument("--keep", type=Path, help="build the indexes here (default: a temporary folder, removed)")
    ap.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the child process
    args = ap.parse_args()
    pool = sentences_pool()
    if args.approximate_from is not None:
        import qa.index

        qa.index.APPROXIMATE_FROM = args.approximate_from
    if args.measure:
        print(json.dumps(measure(args.measure, pool)))
        return
    work = args.keep or Path(tempfile.mkdtemp(prefix="qa-scale-"))
    rows = []
    for size in args.sizes:
        folder = work / f"n{size}"
        built = build(folder, size, pool)
        child = subprocess.run([sys.executable, __file__, "--measure", str(folder)]
                               + (["--approximate-from", str(args.approximate_from)] if args.approximate_from is not None else []),
                               capture_output=True, text=True, check=True)
        rows.append({"size": size, **built, **json.loads(child.stdout.strip().splitlines()[-1])})
        r = rows[-1]
        print(f"{r['chunks']:>9,} chunks ({r['documents']:,} docs, built in {r['build_s']:.0f} s, {r['faiss']}): "
              f"open {r['open_s']:.2f} s, RSS {r['rss_mb']:.0f} MB, hybrid p50 {r['p50_ms']:.1f} ms / p95 {r['p95_ms']:.1f} ms, "
              f"dense recall@10 {r['recall@10']:.3f}, add 1,000 docs {r['add_1000_s']:.1f} s", flush=True)
        print(f"    {r['segments']} segment(s); the add's stages (s): {r['add_stages']}", flush=True)
    for a, b in zip(rows, rows[1:]):
        x = b["chunks"] / a["chunks"]
        print(f"{a['chunks']:,} -> {b['chunks']:,} (x{x:.1f} chunks): open x{b['open_s'] / a['open_s']:.1f}, "
              f"RSS x{b['rss_mb'] / a['rss_mb']:.1f}, p50 x{b['p50_ms'] / a['p50_ms']:.1f}, add x{b['add_1000_s'] / a['add_1000_s']:.1f}")
    if not args.keep:
        import shutil

        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
