"""BM25 tokens: jieba-rs shaped into exactly jieba's search-mode tokens, checked against jieba itself."""

import json
import logging

import pytest

from conftest import CORPUS, SHARED
from qa.normalize import normalize
from qa.tokens import cut_for_search, tokenize

TRICKY = [
    "桂林市公安局2022年破案率达到89.04%，中华人民共和国",
    "日期格式yyyy-mm-dd，例如2021-01-06或19.12.2018、2022.11.8",
    "见jingyan.baidu.com/article与java.lang.IllegalArgumentException",
    "super bowl超级碗 A股 3D打印 C++ C# e-mail x_y__z",
    "凭祥草帽警察在友谊关巡逻，\t换行\r\n之后 全角　空格",
    "",
]


def _reference():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


@pytest.mark.parametrize("text", TRICKY)
def test_same_tokens_as_jieba_on_tricky_text(text):
    assert cut_for_search(text) == _reference().lcut_for_search(text)


def test_same_tokens_as_jieba_on_the_corpora():
    texts = [normalize(p.read_text(encoding="utf-8")) for p in sorted(CORPUS.rglob("*.txt"))]
    for name in ("cmrc2018-trial", "dureader-train"):
        path = SHARED / "eval" / name / "corpus.jsonl"
        if path.exists():
            rows = [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
            texts += [normalize(r["title"] + "\n" + r["text"]) for r in rows[:400]]
    assert len(texts) >= 5
    jieba = _reference()
    differing = [t[:40] for t in texts if cut_for_search(t) != jieba.lcut_for_search(t)]
    assert differing == []


def test_tokens_keep_words_and_bigrams_and_drop_stopwords():
    assert tokenize("桂林的破案率是多少？", bigrams=False) == ["桂林", "破案", "破案率"]
    assert tokenize("桂林的破案率是多少？")[3:] == ["桂林", "林的", "的破", "破案", "案率", "率是", "是多", "多少"]
