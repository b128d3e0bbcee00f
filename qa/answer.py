"""Hits -> an extractive answer with numbered citations.

The answer is the sentence (from the retrieved chunks) that best answers the question: its cosine
similarity to the question under the same encoder, plus how much of the question's wording it
shares, plus a small bonus for figures when the question asks for a number. Whether to answer at
all is decided by a confidence score (see ``confidence``) against a threshold that ``qa eval
--calibrate`` can fit and store in the index manifest.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import numpy as np

from qa.index import Index
from qa.normalize import has_cjk, normalize
from qa.records import Answer, Citation, Hit
from qa.tokens import terms

log = logging.getLogger(__name__)

NOT_FOUND = "语料中没有找到与问题相关的内容。"
MAX_QUESTION_CHARS = 1000
DEFAULT_THRESHOLD = 0.4

_SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]*[”’」』）)]*")
_ASKS_NUMBER = re.compile(r"多少|几|比例|百分|率|how many|how much|what percentage|rate|number of", re.IGNORECASE)
_HAS_NUMBER = re.compile(r"\d")
_BIGRAM_SOURCE = re.compile(r"[\u3400-\u9fff]{2,}|[a-z0-9]+")


class QuestionError(ValueError):
    """The question cannot be asked as given; the message says why."""


@dataclass(frozen=True)
class AnswerSettings:
    threshold: float = DEFAULT_THRESHOLD
    lexical_weight: float = 0.3
    context_weight: float = 0.2
    number_bonus: float = 0.03


def check_question(question: str) -> str:
    q = (question or "").strip()
    if not q:
        raise QuestionError("the question is empty: type a question, e.g. 桂林的破案率是多少")
    if len(q) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"the question is {len(q)} characters long; the limit is {MAX_QUESTION_CHARS}. Ask about one thing at a time."
        )
    return q


def sentences(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences in ``text`` (split after 。！？； and at line breaks)."""
    spans = []
    for m in _SENTENCE.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start].isspace():
            start += 1
        if end - start >= 2:
            spans.append((start, end))
    return spans


def _units(text: str) -> set[str]:
    """Han bigrams and Latin/digit words of the normalized text, for overlap."""
    out = set()
    for run in _BIGRAM_SOURCE.findall(normalize(text)):
        if has_cjk(run):
            out.update(run[i : i + 2] for i in range(len(run) - 1))
        else:
            out.add(run)
    return out


def overlap(question_units: set[str], text: str) -> float:
    if not question_units:
        return 0.0
    return len(question_units & _units(text)) / len(question_units)


def coverage(index: Index, question: str, texts: list[str]) -> list[float]:
    """IDF-weighted share of the question's content words that occur in each of ``texts``.

    A word the corpus never uses (``火星`` in a police corpus) weighs most, so a question about
    something absent scores low even when its other words match. A question without Chinese is
    not judged this way (1.0 for every text): over Chinese text only the dense score can speak for it.
    The question's words and weights are computed once for all texts.
    """
    words = terms(question) if has_cjk(question) else set()
    if not words:
        return [1.0] * len(texts)
    n = max(len(index), 1)
    weights = {w: float(np.log(1 + n / (1 + index.document_frequency(w)))) for w in words}
    total = sum(weights.values())
    if not total:
        return [1.0] * len(texts)
    out = []
    for text in texts:
        norm_text = normalize(text)
        out.append(sum(weight for w, weight in weights.items() if w in norm_text) / total)
    return out


def confidence(dense_score: float, cover: float) -> float:
    """One number for 'the corpus answers this': the best sentence's dense score, scaled by coverage.

    e5 cosines of related texts sit around 0.8-0.9 and unrelated ones around 0.7-0.78, so the
    dense part is stretched from [0.7, 0.9] to [0, 1] before multiplying.
    """
    dense = min(max((dense_score - 0.7) / 0.2, 0.0), 1.0)
    return float(dense * cover)


def answer(question: str, hits: list[Hit], index: Index, encoder, settings: AnswerSettings = AnswerSettings(),
           query: str | None = None) -> Answer:
    """Pick the answer sentence among ``hits`` and build numbered citations."""
    query = query or question
    if not hits:
        return Answer(question, NOT_FOUND, False, [], query=query)
    candidates = []  # (hit position, start, end)
    for h, hit in enumerate(hits):
        for start, end in sentences(hit.chunk.text) or [(0, len(hit.chunk.text))]:
            candidates.append((h, start, end))
    texts = [hits[h].chunk.text[s:e] for h, s, e in candidates]
    qvec = encoder.encode_queries([query])[0]
    svecs = encoder.encode_passages(texts)
    dense = svecs @ qvec
    q_units = _units(query)
    lexical = np.array([overlap(q_units, t) for t in texts])
    wants_number = bool(_ASKS_NUMBER.search(query))
    bonus = np.array([settings.number_bonus if wants_number and _HAS_NUMBER.search(t) else 0.0 for t in texts])
    # How much of the question the sentence's passage (with its title) covers: a sentence about
    # "破案率" in an article about 白城 beats a similar one about 桂林 when 白城 was asked.
    context = coverage(index, query, [_with_title(index, hit) for hit in hits])
    total = dense + settings.lexical_weight * lexical + settings.context_weight * np.array([context[h] for h, _, _ in candidates]) + bonus
    best = int(np.argmax(total))
    best_hit, best_start, best_end = candidates[best]
    cover = context[best_hit]
    conf = confidence(float(dense[best]), cover)
    log.debug("answer candidate %r dense=%.3f lexical=%.2f coverage=%.2f confidence=%.3f",
              texts[best][:40], dense[best], lexical[best], cover, conf)
    if conf < settings.threshold:
        return Answer(question, NOT_FOUND, False, [], query=query, confidence=conf)

    # Citation [1] is the passage the answer comes from; the others follow in retrieval order,
    # each with its own best sentence marked.
    best_in_hit: dict[int, int] = {}
    for i, (h, _, _) in enumerate(candidates):
        if h not in best_in_hit or total[i] > total[best_in_hit[h]]:
            best_in_hit[h] = i
    order = [best_hit] + [h for h in range(len(hits)) if h != best_hit]
    citations = []
    for h in order:
        hit = hits[h]
        if any(_overlaps(hit, hits[o]) for o in order[: order.index(h)]):
            continue  # an overlapping window onto a passage already cited
        _, s, e = candidates[best_in_hit[h]]
        doc = index.documents[hit.chunk.doc_id]
        citations.append(Citation(
            n=len(citations) + 1, doc_id=doc.id, title=doc.title, date=doc.date, source=doc.source,
            text=hit.chunk.text, start=hit.chunk.start, end=hit.chunk.end, answer_start=s, answer_end=e,
            score=round(float(total[best_in_hit[h]]), 4), path=doc.path,
        ))
    return Answer(question, texts[best].strip(), True, citations, query=query, confidence=conf)


def _with_title(index: Index, hit: Hit) -> str:
    return f"{index.documents[hit.chunk.doc_id].title}\n{hit.chunk.text}"


def _overlaps(a: Hit, b: Hit) -> bool:
    if a.chunk.doc_id != b.chunk.doc_id:
        return False
    inter = min(a.chunk.end, b.chunk.end) - max(a.chunk.start, b.chunk.start)
    return inter > 0.5 * (a.chunk.end - a.chunk.start)
