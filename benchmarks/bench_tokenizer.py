"""BM25 tokenizer speed, old (jieba in Python) against new (jieba-rs), on the same texts in one process.

Texts: every shared evaluation corpus plus corpus/, normalized once up front (both sides tokenize the
same normalized strings; normalization is timed apart). Prints chars/s of jieba's ``lcut_for_search``
and ours, of the whole ``tokenize`` both ways, and how many texts give different tokens (must be 0).
Run: ``python benchmarks/bench_tokenizer.py``.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "eval"


def texts() -> list[str]:
    out = []
    for path in sorted(SHARED.glob("*/corpus.jsonl")):
        for line in path.read_text(encoding="utf-8").split("\n"):
            if line.strip():
                row = json.loads(line)
                out.append((row.get("title") or "") + "\n" + row["text"])
    out += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").rglob("*.txt"))]
    return out


def old_tokenize(norm: str, jieba) -> list[str]:
    """qa.tokens.tokenize before jieba-rs, on already normalized text."""
    from qa.tokens import _HAN_RUN, _WORDLIKE, STOPWORDS

    words = [w for w in jieba.lcut_for_search(norm) if _WORDLIKE.search(w) and w not in STOPWORDS]
    for run in _HAN_RUN.findall(norm):
        words.extend(run[i : i + 2] for i in range(len(run) - 1))
    return words


def timed(fn, items) -> tuple[float, list]:
    start = time.perf_counter()
    out = [fn(x) for x in items]
    return time.perf_counter() - start, out


def main() -> None:
    import jieba

    from qa import tokens
    from qa.normalize import normalize

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    raw = texts()
    chars = sum(map(len, raw))
    t_norm, norm = timed(normalize, raw)
    tokens.cut_for_search("预热")
    t_old_cut, old_cut = timed(jieba.lcut_for_search, norm)
    t_new_cut, new_cut = timed(tokens.cut_for_search, norm)
    # the whole BM25 tokenizer minus normalization, which is the same code both ways; the new one
    # remembers each distinct word's tokens, so its first pass (cold) and second (warm) both count
    t_old, old = timed(lambda s: old_tokenize(s, jieba), norm)
    tokens._CONTENT.clear()
    t_cold, new = timed(tokens.tokenize_normalized, norm)
    t_new, _ = timed(tokens.tokenize_normalized, norm)
    t_old = min(t_old, timed(lambda s: old_tokenize(s, jieba), norm)[0])
    print(f"{len(raw)} texts, {chars:,} characters (shared eval corpora + corpus/)")
    print(f"normalize (both):          {chars / t_norm:12,.0f} chars/s")
    print(f"jieba lcut_for_search:     {chars / t_old_cut:12,.0f} chars/s")
    print(f"jieba-rs cut_for_search:   {chars / t_new_cut:12,.0f} chars/s   {t_old_cut / t_new_cut:.1f}x")
    print(f"tokenize, old:             {chars / t_old:12,.0f} chars/s")
    print(f"tokenize, new, cold:       {chars / t_cold:12,.0f} chars/s   {t_old / t_cold:.1f}x   (first pass: every word new)")
    print(f"tokenize, new, warm:       {chars / t_new:12,.0f} chars/s   {t_old / t_new:.1f}x   (second pass: words seen)")
    print(f"tokenize incl. normalize:  old {chars / (t_old + t_norm):,.0f}  new warm {chars / (t_new + t_norm):,.0f} chars/s   "
          f"{(t_old + t_norm) / (t_new + t_norm):.1f}x")
    print(f"texts with different words: {sum(a != b for a, b in zip(old_cut, new_cut))}, "
          f"different tokens: {sum(a != b for a, b in zip(old, new))}")


if __name__ == "__main__":
    main()
