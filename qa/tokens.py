"""Chinese-aware tokens for BM25 and lexical overlap: jieba search-mode words + Han character bigrams.

jieba alone misses names and terms outside its dictionary (它会把"凭祥草帽警察"切成零散的词);
overlapping character bigrams still match them. Both run on the normalized text.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from qa.normalize import normalize

_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORDLIKE = re.compile(r"\w", re.UNICODE)
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


def tokenize(text: str, bigrams: bool = True) -> list[str]:
    """Tokens of ``text`` after normalization (simplified, half-width, case-folded)."""
    norm = normalize(text)
    words = [w for w in _jieba().lcut_for_search(norm) if _WORDLIKE.search(w) and w not in STOPWORDS]
    if bigrams:
        for run in _HAN_RUN.findall(norm):
            words.extend(run[i : i + 2] for i in range(len(run) - 1))
    return words


def terms(text: str) -> set[str]:
    """Distinct content words (no bigrams): used to judge how much of a question a passage covers."""
    return {w for w in tokenize(text, bigrams=False) if len(w) > 1 or not _HAN_RUN.fullmatch(w)}
