"""Do an evaluation index and its rewrite in the current index format give the same figures?

Copies a cached evaluation index (e.g. ``~/.cache/corpus-qa/eval-indexes/cmrc2018-trial-…``, any
readable format), rewrites the copy with ``build_index`` (vectors reused, nothing re-embedded), runs
``evaluate`` (hybrid, answers included) on both, and prints every metric side by side.

Run: ``python benchmarks/check_rewrite.py DATASET_DIR CACHED_INDEX_DIR [--work DIR]``, e.g.
``python benchmarks/check_rewrite.py ../shared/eval/cmrc2018-trial ~/.cache/corpus-qa/eval-indexes/cmrc2018-trial-7d997db502e5``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main() -> None:
    from embeddings import load_encoder
    from qa.chunking import ChunkSettings
    from qa.evaluate import evaluate, load_beir
    from qa.index import build_index, open_index

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dataset", type=Path)
    ap.add_argument("cached", type=Path)
    ap.add_argument("--work", type=Path, help="where the copy goes (default: a temporary folder, removed)")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="qa-rewrite-"))
    copy = work / args.cached.name
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(args.cached, copy)
    encoder = load_encoder()
    old = open_index(copy)
    new = build_index(list(old.documents.values()), copy, encoder, ChunkSettings(**old.manifest["chunking"]))
    print(f"format {old.manifest['format_version']} -> {new.manifest['format_version']}, "
          f"{new.manifest['counts']['embedded']} chunks embedded, {len(new.segments)} segment(s)")
    queries = load_beir(args.dataset).queries
    a = evaluate(old, encoder, queries, "hybrid", dataset=args.dataset.name).metrics
    b = evaluate(new, encoder, queries, "hybrid", dataset=args.dataset.name).metrics
    for key in sorted(set(a) | set(b)):
        print(f"{key:20s} {a.get(key)!s:>10s} {b.get(key)!s:>10s} {'same' if a.get(key) == b.get(key) else 'DIFFERENT'}")
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
