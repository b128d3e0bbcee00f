"""End-to-end ingest: chunks/s and the share of time per stage (load, clean, chunk, embed, tokenize, BM25, write).

Writes ``--docs`` news-like .txt files (paragraphs of the shared evaluation corpora, ~1,500
characters each, with a title line) into a temporary folder, then runs what ``qa ingest`` runs:
``load_documents`` (reading the bytes is timed apart as *load*; decoding, cleaning and metadata are
*clean*) and ``build_index`` (its own per-stage clock, stored in the manifest as ``build_stages``).
Run: ``python benchmarks/bench_ingest.py [--docs 300] [--backend torch|onnx-int8]``; with
``--backend both`` the two encoders run one after the other on the same files.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "eval"


def write_corpus(folder: Path, docs: int, seed: int = 0) -> None:
    rows = []
    for name in ("drcd-dev", "cmrc2018-trial", "dureader-train"):
        path = SHARED / name / "corpus.jsonl"
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(docs):
        parts, size = [], 0
        while size < 1500:
            row = rng.choice(rows)
            parts.append(row["text"])
            size += len(row["text"])
        title = rng.choice(rows)["title"] or "新闻"
        (folder / f"{n:05d}.txt").write_text(f"{title}\n\n" + "\n\n".join(parts), encoding="utf-8")


def run(files: Path, backend: str, workdir: Path) -> dict[str, float]:
    from embeddings import load_encoder
    from qa.documents import iter_files, load_documents
    from qa.index import build_index

    from qa.tokens import tokenize

    encoder = load_encoder(backend=backend)
    encoder.encode_passages(["预热"])
    tokenize("预热")  # jieba's dictionary loads once per process, not per ingest
    t0 = time.perf_counter()
    for path in iter_files([files]):
        path.read_bytes()
    t1 = time.perf_counter()
    docs, _ = load_documents([files])
    t2 = time.perf_counter()
    index = build_index(docs, workdir / f"index-{backend}", encoder, reuse=False)
    stages = {"load": t1 - t0, "clean": (t2 - t1) - (t1 - t0), **index.manifest["build_stages"]}
    total = sum(stages.values())
    chars = sum(len(d.text) for d in docs)
    print(f"\n{backend}: {len(docs)} documents, {chars:,} characters, {len(index)} chunks, "
          f"{index.manifest['counts']['sentences']} sentences in {total:.1f} s = {len(index) / total:.1f} chunks/s")
    for stage, seconds in stages.items():
        print(f"  {stage:9s} {seconds:8.2f} s  {100 * seconds / total:5.1f} %")
    return {"chunks_per_s": len(index) / total, **stages}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=300)
    ap.add_argument("--backend", default="both", choices=["torch", "onnx-int8", "both"])
    args = ap.parse_args()
    import logging

    import bm25s  # noqa: F401 - it sets its own logger to DEBUG on import
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="qa-bench-ingest-") as tmp:
        files = Path(tmp) / "corpus"
        write_corpus(files, args.docs)
        backends = ["torch", "onnx-int8"] if args.backend == "both" else [args.backend]
        results = {b: run(files, b, Path(tmp)) for b in backends}
    if len(results) == 2:
        print(f"\nonnx-int8 / torch ingest throughput: {results['onnx-int8']['chunks_per_s'] / results['torch']['chunks_per_s']:.2f} x")


if __name__ == "__main__":
    main()
