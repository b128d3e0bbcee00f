"""Which sentence answers, and which span inside it.

Every sentence of the candidate passages is scored by its cosine to the question (vectors stored
at ingest, so only the question is encoded), the share of the question's wording it repeats, how
much of the question its passage covers, and its passage's retrieval score. Sentences that cannot
hold what is asked (no figure for a 多少 question) are not candidates. Inside the chosen sentence
the span is the figure, date or name nearest after the words it shares with the question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from qa.answer.question import gazetteer, glosses
from qa.answer.support import HARD, dates, figures, fits
from qa.index import Index
from qa.normalize import has_cjk, normalize
from qa.records import Hit, Question
from qa.tokens import terms

DEFAULT_THRESHOLD = 0.4
ENGLISH_COVERAGE_FLOOR = 0.3
_BIGRAM_SOURCE = re.compile(r"[\u3400-\u9fff]{2,}|[a-z0-9]+")


@dataclass(frozen=True)
class AnswerSettings:
    """Weights of the sentence score (fit on cmrc2018-trial and xquad-zh, docs/evaluation.md) and the
    confidence below which the question is refused (``qa eval --calibrate`` fits it per index)."""

    threshold: float = DEFAULT_THRESHOLD
    lexical_weight: float = 0.3
    context_weight: float = 0.1
    retrieval_weight: float = 0.1
    figure_weight: float = 0.01
    counted_noun_weight: float = 0.02
    measure_weight: float = 0.05
    unfit_penalty: float = 0.05


@dataclass(frozen=True)
class Candidates:
    """The sentences considered: (hit position, start, end) in the hit's chunk text, and scores."""

    spans: list[tuple[int, int, int]]
    texts: list[str]
    dense: np.ndarray
    total: np.ndarray
    context: list[float]  # per hit: coverage of the question by its passage and title
    fit: np.ndarray  # whether each sentence holds the kind of answer asked (a figure for 多少)


def units(text: str) -> set[str]:
    """Han bigrams and Latin/digit words of the normalized text, for overlap."""
    out = set()
    for run in _BIGRAM_SOURCE.findall(normalize(text)):
        if has_cjk(run):
            out.update(run[i : i + 2] for i in range(len(run) - 1))
        else:
            out.add(run)
    return out


def coverage(index: Index, question: Question, texts: list[str]) -> list[float]:
    """IDF-weighted share of the question's content words that occur in each of ``texts``.

    A word the corpus never uses (``火星`` in a police corpus) weighs most, so a question about
    something absent scores low even when its other words match. Words of the question's places
    and years count as covered: the support check has found them in the article. A question
    without Chinese is not judged this way (1.0): over Chinese text only the dense score can speak for it.
    """
    if not has_cjk(question.text):
        return _english_coverage(index, question, texts)
    words = terms(question.text)
    hard = [c for c in question.constraints if c.kind in HARD]
    constrained = {f for c in hard for f in c.forms} | {normalize(c.text) for c in hard}
    df = {w: index.document_frequency(w) for w in words}
    # A piece that is neither a dictionary word nor in the corpus is a cutting artifact
    # (网格员有多少名 -> 网格 / 员有), not a word the corpus lacks: it is not held against the passage.
    dictionary = _jieba_words()
    words = {w for w in words if (df[w] > 0 or w in dictionary or not has_cjk(w)) and not _QUESTION_NOISE.search(w)}
    if not words:
        return [1.0] * len(texts)
    n = max(len(index), 1)
    weights = {w: float(np.log(1 + n / (1 + df[w]))) for w in words}
    total = sum(weights.values())
    met = sum(weight for w, weight in weights.items() if w in constrained or any(w in f for f in constrained))
    out = []
    for text in texts:
        norm_text = normalize(text)
        out.append((met + sum(weight for w, weight in weights.items() if w in norm_text and not
                              (w in constrained or any(w in f for f in constrained)))) / total)
    return out


# Words that belong to the asking, not to the topic: interrogatives (哪一, 哪个, 什么东西) and words that
# point at the text or hedge (文中提及, 可以, 应该). Declarative text rarely has them, so they would
# count as rare words the passage lacks.
_QUESTION_NOISE = re.compile(r"哪|什么|谁|几|多少|怎|如何|为何|是否|^(?:东西|文中|提及|提到|可以|应该|只能|能够|一种|一个|一首|方面|而来)$")


def _english_coverage(index: Index, question: Question, texts: list[str]) -> list[float]:
    """Coverage for an English question, through CC-CEDICT's Chinese renderings of its words: the
    IDF-weighted share of its words that each text uses, above a floor (0.3 + 0.7 × share: below
    the default threshold, so a text sharing none of them is refused), since dictionary renderings are loose (workers -> 职工, not the 网格员 of the text); the floor was fit on
    xquad-en2zh against its questions asked of cmrc2018-trial (docs/evaluation.md). A word
    none of whose renderings the corpus uses at all is a missing constraint instead
    (:func:`qa.answer.support.unknown_words`). Words the dictionary does not know are not judged."""
    words = glosses(question.text)
    if not words:
        return [1.0] * len(texts)
    n = max(len(index), 1)
    dfs = [max(index.document_frequency(r) for r in renderings) for _, renderings in words]
    weights = [float(np.log(1 + n / (1 + df))) for df in dfs]
    total = sum(weights)
    out = []
    for text in texts:
        norm_text = normalize(text)
        here = sum(w for w, (_, renderings) in zip(weights, words) if any(r in norm_text for r in renderings)) / total
        out.append(ENGLISH_COVERAGE_FLOOR + (1 - ENGLISH_COVERAGE_FLOOR) * here)
    return out


def _english_overlap(question: Question, texts: list[str]) -> np.ndarray:
    """Share of an English question's words that some Chinese rendering of them occurs in each text."""
    words = glosses(question.text)
    if not words:
        return np.zeros(len(texts))
    out = []
    for text in texts:
        norm_text = normalize(text)
        out.append(sum(any(r in norm_text for r in renderings) for _, renderings in words) / len(words))
    return np.array(out)


def _jieba_words() -> dict:
    from qa.tokens import _jieba

    return _jieba().dt.FREQ


def confidence(dense_score: float, cover: float, cross_lingual: bool = False) -> float:
    """One number for 'the corpus answers this': the best sentence's dense score, scaled by coverage.

    e5 cosines of related texts sit around 0.8-0.9 and unrelated ones around 0.7-0.78, so the
    dense part is stretched from [0.7, 0.9] to [0, 1] before multiplying. An English question over
    Chinese text scores ~0.1 lower for the same relevance, so its range is [0.6, 0.8] (fit on
    xquad-en2zh against its questions asked of cmrc2018-trial, docs/evaluation.md).
    """
    low = 0.6 if cross_lingual else 0.7
    dense = min(max((dense_score - low) / 0.2, 0.0), 1.0)
    return float(dense * cover)


def score(question: Question, qvec: np.ndarray, hits: list[Hit], index: Index, settings: AnswerSettings) -> Candidates | None:
    """Score every sentence of ``hits``.

    Sentences that cannot hold what is asked (no figure for a 多少 question) lose ``unfit_penalty``
    when some other sentence can: a soft preference, since no pattern knows every way to write a
    figure or a date (一半, 公元前6世纪); measured better than excluding them (docs/evaluation.md).
    """
    spans, vecs = [], []
    for h, hit in enumerate(hits):
        row = index.row_of[hit.chunk.id]
        sentence_spans, sentence_vecs = index.chunk_sentences(row)
        for (start, end), vec in zip(sentence_spans, sentence_vecs):
            spans.append((h, int(start), int(end)))
            vecs.append(vec)
    if not spans:
        return None
    texts = [hits[h].chunk.text[s:e] for h, s, e in spans]
    dense = np.stack(vecs) @ qvec
    # The question's constraints are met by the article already; its other words decide the sentence.
    q_units = units(question.text) - {u for c in question.constraints if c.kind in HARD for f in c.forms for u in units(f)}
    lexical = np.array([len(q_units & units(t)) / len(q_units) if q_units else 0.0 for t in texts])
    if not has_cjk(question.text):
        lexical = _english_overlap(question, texts)
    fit = np.array([fits(question.asks, t) for t in texts])
    extra = np.zeros(len(texts))
    if question.asks == "number":
        for i, t in enumerate(texts):
            fit_, noun, measure = _figure_features(question, t)
            extra[i] = (settings.figure_weight * fit_ + settings.counted_noun_weight * noun
                        + settings.measure_weight * measure)
    context = coverage(index, question, [f"{index.documents[hit.chunk.doc_id].title}\n{hit.chunk.text}" for hit in hits])
    hit_scores = np.array([hit.score for hit in hits], dtype=np.float64)
    spread = float(hit_scores.max() - hit_scores.min()) if len(hits) > 1 else 0.0
    retrieval = (hit_scores - hit_scores.min()) / spread if spread > 0 else np.ones(len(hits))
    per_hit = settings.context_weight * np.array(context) + settings.retrieval_weight * retrieval
    total = dense + settings.lexical_weight * lexical + extra + np.array([per_hit[h] for h, _, _ in spans])
    if fit.any():
        total = total - settings.unfit_penalty * (~fit)
    return Candidates(spans, texts, dense, total, context, fit)


# --- the span inside the answer sentence ---------------------------------------------------------

_QUOTED = re.compile(r"《[^》]{1,40}》|“[^”]{1,40}”|「[^」]{1,40}」")


def answer_span(question: Question, sentence: str) -> tuple[int, int] | None:
    """The figure, date, person, place or name in ``sentence`` that answers ``question``, if it asks for one."""
    if question.asks == "open":
        return None
    norm_question = normalize(question.text)
    if question.asks == "number":
        options = figures(sentence)
    elif question.asks == "date":
        options = dates(sentence)
    else:
        options = _names(question.asks, sentence)
    options = [(a, b) for a, b in options if normalize(sentence[a:b].strip()) not in norm_question]
    if question.asks == "number":
        taken = dates(sentence)  # 4月 of 2022年4月25日 is a date, not a count
        options = [(a, b) for a, b in options if not any(x <= a and b <= y for x, y in taken)] or options
    if not options:
        return None
    if question.asks == "number":
        start, end = max(options, key=lambda span: (_figure_fit(question, sentence, span), -span[0]))
    else:
        anchors = _anchors(question, sentence)

        def distance(span: tuple[int, int]) -> tuple[int, int]:
            before = [span[0] - end for start, end in anchors if end <= span[0]]
            if before:
                return (0, min(before))
            after = [start - span[1] for start, end in anchors if start >= span[1]]
            return (1, min(after)) if after else (2, span[0])

        start, end = min(options, key=distance)
    while start < end and sentence[start].isspace():
        start += 1
    return (start, end) if start < end else None


_COUNTED = re.compile(r"(?:多少|几)\s*(?P<unit>人次|万元|亿元|个|名|人|次|起|件|家|元|户|条|所|支|辆|部|台|岁|年|天|项|座|处|场|批|只|种|位|篇|倍|张|份)?"
                      r"(?P<noun>[\u4e00-\u9fff]{0,8})")
_ASKS_SHARE = re.compile(r"率|比例|百分|占比|比重|percentage|proportion|rate|share", re.IGNORECASE)
_CLAUSE = re.compile(r"[,，、;；:：()（）]")


def _counted(question: Question) -> tuple[str, set[str]]:
    """The measure word after 多少/几 and the Han bigrams of the noun it counts (多少名网格员 -> 名, 网格员)."""
    m = _COUNTED.search(normalize(question.text))
    if not m:
        return "", set()
    noun = re.split(r"[被了在是将把给对让使由从向]", m.group("noun"))[0]  # 多少人次被记功: no noun
    return m.group("unit") or "", units(noun) if noun else set()


def _figure_features(question: Question, sentence: str) -> tuple[float, float, float]:
    """For a 多少 question, over the figures of ``sentence``: the best :func:`_figure_fit` (capped at
    6), the best share of the counted noun next to a figure, and whether a figure carries the
    measure word asked for."""
    spans = figures(sentence)
    if not spans:
        return 0.0, 0.0, 0.0
    unit, noun = _counted(question) if has_cjk(question.text) else ("", set())
    fit, near_noun, measure = 0.0, 0.0, 0.0
    for span in spans:
        fit = max(fit, min(_figure_fit(question, sentence, span), 6.0))
        if noun:
            left = _CLAUSE.split(sentence[:span[0]])[-1][-12:]
            right = _CLAUSE.split(sentence[span[1]:])[0][:8]
            near_noun = max(near_noun, len(noun & (units(left) | units(right))) / len(noun))
        if unit and unit in sentence[span[0]:span[1]]:
            measure = 1.0
    return fit, near_noun, measure


def _figure_fit(question: Question, sentence: str, span: tuple[int, int]) -> float:
    """How well the figure at ``span`` fits what the question counts.

    The measure word after 多少/几 (多少名 -> 名), the noun it counts (多少名网格员 -> 网格员) or, for a
    rate, a percent sign; then the question's words in the figure's own clause, the words just
    before the figure counting most (划分网格4370个 vs 配备网格员3956名).
    """
    figure = sentence[span[0]:span[1]]
    left = _CLAUSE.split(sentence[:span[0]])[-1][-12:]
    right = _CLAUSE.split(sentence[span[1]:])[0][:8]
    if not has_cjk(question.text):  # English: its words' Chinese renderings near the figure
        words = glosses(question.text)
        return sum(1.0 * any(r in normalize(left) for r in g) + 0.6 * any(r in normalize(right) for r in g) for _, g in words)
    q = normalize(question.text)
    fit = 0.0
    unit, noun_units = _counted(question)
    if unit and unit in figure:
        fit += 2.0
    if _ASKS_SHARE.search(q) and re.search(r"[%％‰]|百分之|成$", figure):
        fit += 2.0
    q_units = units(question.text)
    for text, weight in ((left, 1.0), (right, 0.6)):
        near = units(text)
        fit += weight * (len(near & q_units) + 2 * len(near & noun_units))
    return fit


def _anchors(question: Question, sentence: str) -> list[tuple[int, int]]:
    """Where the question's own content words occur in ``sentence``."""
    norm = normalize(sentence)
    if len(norm) != len(sentence):
        norm = sentence
    out = []
    for word in terms(question.text) if has_cjk(question.text) else ():
        for m in re.finditer(re.escape(word), norm):
            out.append(m.span())
    return out


def _names(asks: str, sentence: str) -> list[tuple[int, int]]:
    from qa.answer.question import _posseg

    tags = {"person": ("nr",), "place": ("ns",), "name": ("nz", "nt", "nr", "ns")}[asks]
    out, pos = [], 0
    for token in _posseg().cut(sentence):
        if token.flag.startswith(tags) and len(token.word) >= 2:
            out.append((pos, pos + len(token.word)))
        pos += len(token.word)
    if asks == "place":
        norm = normalize(sentence)
        if len(norm) == len(sentence):
            out += [(a, b) for a, b, _ in gazetteer().find(norm)]
    if asks == "name":
        out = [m.span() for m in _QUOTED.finditer(sentence)] + out
    return sorted(set(out))
