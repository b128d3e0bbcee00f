"""Chinese-aware tokens for BM25 and lexical overlap: jieba search-mode words + Han character bigrams.

jieba alone misses names and terms outside its dictionary (它会把"凭祥草帽警察"切成零散的词);
overlapping character bigrams still match them. Both run on the normalized text.

Words come from jieba-rs (the ``rjieba`` binding: jieba's algorithm, dictionary and HMM compiled,
~15x faster than jieba's Python ``cut``), shaped into exactly the tokens of jieba's
``cut_for_search``: jieba-rs keeps a run such as ``2021-01-06`` whole where jieba splits it into
``2021 - 01 - 06``, and its search mode also splits long Latin words, so the search expansion and
that split are done here. ``benchmarks/bench_tokenizer.py`` checks the identity on every shared corpus.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from qa.normalize import normalize

_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORDLIKE = re.compile(r"\w", re.UNICODE)
_JIEBA_HAN = re.compile(r"[\u4e00-\u9fd5]")  # jieba's own Han range
_JIEBA_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")  # how jieba's HMM step splits non-Han runs
TOKENIZER = "jieba-search+han-bigrams"  # recorded in the manifest: the tokens, whichever code makes them
# Function words and question words that carry no topic.
STOPWORDS = frozenset(
    "的 了 是 在 和 与 及 或 也 都 就 而 为 对 于 把 被 让 向 从 到 这 那 其 之 以 等 有 个 上 中 下 "
    "吗 呢 吧 啊 么 什么 多少 几 哪 哪些 哪里 怎么 怎样 如何 为什么 谁 是否 请问 "
    "a an the of to in on at for by is are was were be what which who how many much when where why "
    "did do does and or with from".split()
)


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def dictionary() -> dict[str, int]:
    """jieba's word list with frequencies: a word in it is a word, not a cutting artifact."""
    return _jieba().dt.FREQ


@lru_cache(maxsize=1)
def posseg():
    """jieba's part-of-speech tagger (ns place, nr person, nt organization, ...)."""
    import jieba.posseg

    _jieba()
    return jieba.posseg


def tagged(text: str) -> list[tuple[int, int, str, str]]:
    """jieba's words of ``text`` with their tags and where they are: (start, end, word, flag)."""
    out, pos = [], 0
    for token in posseg().cut(text):
        out.append((pos, pos + len(token.word), token.word, token.flag))
        pos += len(token.word)
    return out


@lru_cache(maxsize=1)
def _rjieba():
    import rjieba

    return rjieba


def _search_words(w: str) -> list[str]:
    """What jieba's search mode makes of one word of its ``cut``: the word's dictionary 2- and
    3-grams, then the word; a non-Han run jieba does not know is split as its HMM step splits it."""
    n = len(w)
    if n == 1:
        return [w]
    known = dictionary().get
    if not known(w) and not _JIEBA_HAN.search(w):
        return [x for x in _JIEBA_SKIP.split(w) if x]
    out = []
    if n > 2:
        out.extend(g for g in (w[i : i + 2] for i in range(n - 1)) if known(g))
        if n > 3:
            out.extend(g for g in (w[i : i + 3] for i in range(n - 2)) if known(g))
    out.append(w)
    return out


def cut_for_search(text: str) -> list[str]:
    """jieba's ``lcut_for_search(text)``, token for token, computed with jieba-rs."""
    return [x for w in _rjieba().cut(text) for x in _search_words(w)]


# word of jieba's cut -> its content tokens in search mode. Words recur (63k distinct in 1.2M
# characters of the shared corpora), so this memo is what makes tokenizing ~8x faster than jieba.
_CONTENT: dict[str, tuple[str, ...]] = {}
_CONTENT_MAX = 300_000


def _content(w: str) -> tuple[str, ...]:
    if len(_CONTENT) >= _CONTENT_MAX:
        _CONTENT.clear()
    out = _CONTENT[w] = tuple(x for x in _search_words(w) if x not in STOPWORDS and _WORDLIKE.search(x))
    return out


def tokenize(text: str, bigrams: bool = True) -> list[str]:
    """Tokens of ``text`` after normalization (simplified, half-width, case-folded)."""
    return tokenize_normalized(normalize(text), bigrams)


def tokenize_normalized(norm: str, bigrams: bool = True) -> list[str]:
    """Tokens of already normalized text: jieba search-mode content words, then Han character bigrams."""
    words: list[str] = []
    memo = _CONTENT.get
    for w in _rjieba().cut(norm):
        found = memo(w)
        words.extend(_content(w) if found is None else found)
    if bigrams:
        for run in _HAN_RUN.findall(norm):
            words.extend(run[i : i + 2] for i in range(len(run) - 1))
    return words


def terms(text: str) -> set[str]:
    """Distinct content words (no bigrams): used to judge how much of a question a passage covers."""
    return {w for w in tokenize(text, bigrams=False) if len(w) > 1 or not _HAN_RUN.fullmatch(w)}
