"""Which sentence answers, and how sure we are that the corpus answers at all.

Every sentence of the candidate passages is scored by its cosine to the question (vectors stored
at ingest, so only the question is encoded) and, mostly, to the question's focus (the question
without its topic, :func:`focus`), the share of the question's wording it repeats, how much of the
question its passage covers, and its passage's retrieval score; for a 多少 question, how well its
figures fit what is counted. Sentences that cannot hold what is asked (no figure for a 多少
question) lose a little. The span inside the chosen sentence is :mod:`qa.answer.span`'s job.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from qa.answer.question import MEASURE_WORDS, QUESTION_NOISE, asks_day
from qa.answer.span import asks_a_thing_s_name, figure_features, names, quotes_the_name, units
from qa.answer.scope import article_time, located, narrower, of_a_place_within, passing
from qa.answer.fit import (asks_level, counts_another, fits, of_another_kind, of_another_level, ones, ranks_another,
                          says_what_is_asked)
from qa.answer.support import HARD, speaks_for
from qa.index import Index
from qa.normalize import has_cjk, normalize
from qa.records import Constraint, Hit, Question
from qa.tokens import dictionary, terms

DEFAULT_THRESHOLD = 0.4
_WORDS = re.compile(r"\w")
ENGLISH_COVERAGE_FLOOR = 0.3
TOPIC_SHARE = 0.25  # a question word in this share of the candidate sentences names their topic (:func:`focus`)


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
    nameless_penalty: float = 0.02  # a 谁/哪里/叫什么 question: sentences naming no person/place/name lose this
    citation_margin: float = 0.15  # other passages are cited when their best sentence scores within this of the answer's
    pool_factor: int = 2  # the answer sentence is chosen among the sentences of pool_factor x k passages
    focus_weight: float = 0.85  # share of a sentence's cosine taken from the question's focus (:func:`focus`)
    focus_evidence: float = 0.5  # with a focus, the lexical, passage and retrieval terms count this much


@dataclass(frozen=True)
class Candidates:
    """The sentences considered: (hit position, start, end) in the hit's chunk text, and scores."""

    spans: list[tuple[int, int, int]]
    texts: list[str]
    dense: np.ndarray
    total: np.ndarray
    context: list[float]  # per hit: coverage of the question by its passage and title
    fit: np.ndarray  # whether each sentence holds the kind of answer asked (a figure for 多少)
    vectors: np.ndarray  # each sentence's stored vector
    overlap: np.ndarray  # each sentence's share of the question's words (English: rendered in Chinese)
    barred: np.ndarray | None = None  # sentences that are never the answer (support.speaks_for)
    holds: np.ndarray | None = None  # like ``fit``, but of any place (another place's figure: 全区…348个)
    # sentences that do not speak of a place their article mentions in passing (scope.located), those of
    # them that would fit, and those places
    unlocated: np.ndarray | None = None
    elsewhere: np.ndarray | None = None
    passing: tuple[Constraint, ...] = ()
    # (a date question) sentences that owe the date to the one a semicolon joins them to before, in their
    # passage: 2014年,…评为…;白城市公安局被评为“全国追逃…” — shown with it
    dated_before: np.ndarray | None = None

    def best_in_hit(self) -> dict[int, int]:
        """Each passage's best sentence: hit position -> sentence index (the first, on a tie)."""
        best: dict[int, int] = {}
        for i, (h, _, _) in enumerate(self.spans):
            if h not in best or self.total[i] > self.total[best[h]]:
                best[h] = i
        return best


def focus(question: Question, title: str, sentences: list[str] = ()) -> str | None:
    """What ``question`` asks about its topic: the question without the words that name the topic,
    or ``None`` when it has no such words (or nothing else).

    The topic is what the question shares with the title of the article it is answered from
    (马飚毕业于哪所大学 over an article titled 马飚 -> 毕业于哪所大学); where the title shares nothing
    (an English title, a headline), its words found in at least ``TOPIC_SHARE`` of the candidate
    ``sentences`` (黑豹队 in a report on the Super Bowl). Every sentence of the article is about the
    topic, so its name makes the sentence that introduces it look closest (马飚（），广西人…); the
    focus is what tells the sentence that answers (中央民族学院政治系毕业). Places and years are
    never the topic: they bind the answer (桂林的破案率 asks Guilin's rate, not any rate).
    Chinese questions only: an English question shares no characters with Chinese text.
    """
    if not has_cjk(question.text):
        return None
    asked = normalize(question.text)
    kept = {chr(0xE000 + i): normalize(c.text) for i, c in enumerate(c for c in question.constraints if c.kind in HARD)}
    masked = asked
    for mark, text in kept.items():  # (private-use marks: no title or sentence contains them)
        masked = masked.replace(text, mark)
    rest = _without(masked, normalize(title))
    if rest == masked and sentences:
        texts = [normalize(t) for t in sentences]
        for word in sorted(terms(question.text), key=len, reverse=True):
            if len(word) >= 2 and word in rest and sum(word in t for t in texts) >= TOPIC_SHARE * len(texts):
                rest = rest.replace(word, "")
    for mark, text in kept.items():
        rest = rest.replace(mark, text)
    if rest == asked or not any(not QUESTION_NOISE.search(w) for w in terms(rest)):
        return None  # nothing but the asking is left (尤金袋鼠是什么 -> 是什么): the question is the topic
    return rest


# Openings that refer to what the sentence before said: connectives, pronouns, demonstratives and
# years said relative to one named before.
_POINTS_BACK = re.compile(r"^\W*(?:取而代|所以|因此|因而|因为|于是|其|它|牠|他|她|该|此|这|本|上述|后者|前者|同年|当年|次年|翌年)")


# words that give a reason or a purpose
_REASON = re.compile(r"因为|由于|为了|因此|所以|因而|原因|目的|以免|以便|导致|致使|之故|为由")


def asked_state(question: Question) -> str:
    """The deed or state a Chinese yes-or-no question asks about (建成 of 四级综治中心建成了吗, 完成 of
    扩建完成了没有), or ""."""
    if question.asks != "open":
        return ""
    m = _YES_NO.search(normalize(question.text))
    return m.group(1) if m else ""


_YES_NO = re.compile(r"([\u4e00-\u9fff]{2})(?:了吗|了没有?|了么)[?？。!！\s]*$")


def gives_reason_after(question: Question, sentence: str, following: str) -> bool:
    """Does ``following`` (the next sentence of the passage) give the reason a why-``question``
    (:attr:`Question.why`) asks for, which ``sentence`` (the one chosen) does not? (为何发球时脚不能走动
    -> 两脚不应偏离最初的位置。 + 这是为了防止故意误导球的走向。) Or goes on about what it says, where a purpose
    is often told as what the thing does (恭城县为什么要安装水上天眼 -> …安装的视频监控系统。 + 它在非法捕捞高发水域
    启用,对非法捕捞行为实时监控…)."""
    return question.why and not _REASON.search(normalize(sentence)) and bool(
        _REASON.search(normalize(following)) or _GOES_ON.search(normalize(following)))


_GOES_ON = re.compile(r"^\W*(?:它|其|这|此|该)")


def points_back(sentence: str, question: Question | None = None) -> bool:
    """Does ``sentence`` open by referring to the one before it (所以…, 其…, 該銀行…, 同年…), or name
    what ``question`` asks by a demonstrative (什么制度 -> …导致这项制度的废弃: the sentence before says
    which)?"""
    norm = normalize(sentence)
    if _POINTS_BACK.search(norm):
        return True
    noun = question.asked_noun if question is not None else ""
    return bool(noun) and re.search(_DEMONSTRATIVE + re.escape(noun), norm) is not None


_DEMONSTRATIVE = rf"(?:这|该|此|那|本)一?[{MEASURE_WORDS}]?"


def _without(text: str, topic: str) -> str:
    """``text`` without each longest run of two or more of its characters that ``topic`` contains."""
    out, i = [], 0
    while i < len(text):
        end = next((j for j in range(min(len(text), i + len(topic)), i + 1, -1) if text[i:j] in topic), None)
        if end is None:
            out.append(text[i])
            i += 1
        else:
            i = end
    return "".join(out)


def coverage(index: Index, question: Question, texts: list[str], normalized: bool = False) -> list[float]:
    """IDF-weighted share of the question's content words that occur in each of ``texts``.

    A word the corpus never uses (``火星`` in a police corpus) weighs most, so a question about
    something absent scores low even when its other words match. Words of the question's places
    and years count as covered: the support check has found them in the article. An English
    question is judged through its words' Chinese renderings (:func:`_english_coverage`).
    """
    if not has_cjk(question.text):
        return _english_coverage(index, question, texts, normalized)
    words = terms(_ASKING.sub(" ", normalize(question.text)))
    hard = [c for c in question.constraints if c.kind in HARD]
    constrained = {f for c in hard for f in c.forms} | {normalize(c.text) for c in hard}
    df = {w: index.document_frequency(w) for w in words}
    # A piece that is neither a dictionary word nor in the corpus is a cutting artifact
    # (网格员有多少名 -> 网格 / 员有), not a word the corpus lacks: it is not held against the passage.
    known = dictionary()
    words = {w for w in words if (df[w] > 0 or w in known or not has_cjk(w)) and not QUESTION_NOISE.search(w)}
    if not words:
        return [1.0] * len(texts)
    n = max(len(index), 1)
    weights = {w: float(np.log(1 + n / (1 + df[w]))) for w in words}
    total = sum(weights.values())
    in_constraints = {w for w in weights if w in constrained or any(w in f for f in constrained)}
    met = sum(weights[w] for w in in_constraints)
    rest = {w: weight for w, weight in weights.items() if w not in in_constraints}
    out = []
    for text in texts:
        norm_text = text if normalized else normalize(text)
        out.append((met + sum(weight for w, weight in rest.items() if w in norm_text)) / total)
    return out


# The asking itself, masked before the question is cut into words: 何年 is a word no corpus uses and
# 哪一年 leaves 一年, so a passage stating the answer was held to lack them (drcd-dev: 16 fewer
# refusals; as many off-topic answers as before, of 2,192 asked; a few more answers to questions
# whose passage is held out). Masking demonstratives (这位, 该) or 什么时候 as well answered more
# off-topic questions than it saved (docs/evaluation.md).
_ASKING = re.compile(rf"什么样的?|什么|甚么|哪一?[{MEASURE_WORDS}年片场份艘名幅届任代次]?|何[年时人处地种方]|有何")


def _english_coverage(index: Index, question: Question, texts: list[str], normalized: bool = False) -> list[float]:
    """Coverage for an English question, through CC-CEDICT's Chinese renderings of its words: the
    IDF-weighted share of its words that each text uses, above a floor (0.3 + 0.7 × share), since
    dictionary renderings are loose (workers -> 职工, not the 网格员 of the text). It weighs a passage
    in the sentence score (:func:`score`'s ``context``); the confidence of an English answer reads
    the answer sentence instead (:func:`sureness`: a long article covers every word of most
    questions). A word none of whose renderings the corpus uses at all is a missing constraint
    instead (:func:`qa.answer.support.unknown_words`). Words the dictionary does not know are not
    judged; a question with no word the dictionary knows covers nothing."""
    if not question.glosses:  # nothing in it the corpus could be matched on (asdf qwer): only noise would answer
        return [0.0] * len(texts)
    return [ENGLISH_COVERAGE_FLOOR + (1 - ENGLISH_COVERAGE_FLOOR) * here
            for here in english_shares(index, question, texts, normalized)]


def english_shares(index: Index, question: Question, texts: list[str], normalized: bool = False) -> list[float]:
    """The IDF-weighted share of an English question's words (:attr:`Question.glosses`) that each text
    renders: a word most passages use (police, in police news) says little of which one answers."""
    words = question.glosses
    if not words:
        return [0.0] * len(texts)
    n = max(len(index), 1)
    dfs = [max(index.document_frequency(r) for r in renderings) for _, renderings in words]
    weights = [float(np.log(1 + n / (1 + df))) for df in dfs]
    total = sum(weights)
    norms = texts if normalized else [normalize(t) for t in texts]  # (once per text, not per rendering)
    return [sum(w for w, (_, renderings) in zip(weights, words) if any(r in norm for r in renderings)) / total
            for norm in norms]


def _english_overlap(question: Question, texts: list[str]) -> np.ndarray:
    """Share of an English question's words that some Chinese rendering of them occurs in each text."""
    words = question.glosses
    if not words:
        return np.zeros(len(texts))
    out = []
    for text in texts:
        norm_text = normalize(text)
        out.append(sum(any(r in norm_text for r in renderings) for _, renderings in words) / len(words))
    return np.array(out)


# How far an answer stands out of the other candidates (:func:`standing`): the closest sentence above
# the candidate sentences' mean cosine, and the answering passage's best score above the runner-up's.
STANDING_WEIGHTS = (1.0, 0.3)
STANDING_BASE = 0.06  # the weighted sum at which the confidence is left as it is


def standing(found: "Candidates") -> float:
    """How far the answer stands out of the other candidates, above or below the usual: the closest
    sentence's cosine above the mean of all candidate sentences', plus 0.3 × the best passage's lead
    (its best sentence's score above the next passage's best), less ``STANDING_BASE``.

    A question the corpus answers has one sentence and one passage clearly ahead (the passage that
    says it); a question about something else finds many about as close, none ahead: the flat
    scores by which query-performance prediction tells a search that went nowhere. Fit on
    cmrc2018-trial, xquad-zh and drcd-dev as the weight and base that lower their refusals most with
    none of their off-topic or held-out counts higher (docs/evaluation.md).
    """
    peak = float(found.dense.max() - found.dense.mean())
    return STANDING_WEIGHTS[0] * peak + STANDING_WEIGHTS[1] * lead(found) - STANDING_BASE


def lead(found: "Candidates") -> float:
    """How far the best passage's best sentence scores above the next passage's best (0 with one
    passage). A passage none of whose sentences may answer (``barred``) is no candidate: it does not
    make the others stand out."""
    barred = found.barred if found.barred is not None else np.zeros(len(found.total), bool)
    tops = sorted((float(found.total[i]) for i in found.best_in_hit().values() if not barred[i]), reverse=True)
    return tops[0] - tops[1] if len(tops) > 1 else 0.0


def confidence(dense_score: float, cover: float, cross_lingual: bool = False, stands_out: float = 0.0) -> float:
    """One number for 'the corpus answers this': a dense score, scaled by coverage, moved by how far
    the answer ``stands_out`` of the other candidates; clipped to [0, 1].

    e5 cosines of related texts sit around 0.8-0.9 and unrelated ones around 0.7-0.78, so the
    dense part is stretched from [0.7, 0.9] to [0, 1]. For a Chinese question it weighs three times
    what the coverage does, ``(dense³ × coverage)^0.8`` (the power 0.8 keeps the refusal threshold
    at 0.4): a passage that says the answer in other words is very close yet repeats few of the
    question's words, while a passage on another subject repeats some of them and is only fairly
    close. Fit on cmrc2018-trial and xquad-zh against their questions asked of each other's corpus,
    confirmed on drcd-dev: fewer refusals and off-topic answers on all three, as many or fewer
    answers to questions whose passage is held out (docs/evaluation.md).

    An English question over Chinese text scores ~0.1 lower for the same relevance and spreads
    wider: its range is [0.6, 0.85], times the coverage. What :func:`sureness` passes for each
    language is its own (see there).
    """
    low, width = (0.6, 0.25) if cross_lingual else (0.7, 0.2)
    dense = min(max((dense_score - low) / width, 0.0), 1.0)
    core = dense * cover if cross_lingual else (dense ** 3 * cover) ** 0.8
    return float(min(max(core + stands_out, 0.0), 1.0))


ENGLISH_OVERLAP_FLOOR = 0.5  # an English answer sentence sharing none of the question's words keeps this share
ENGLISH_LEAD_WEIGHT = 0.5


def sureness(question: Question, found: "Candidates", article_cover: float) -> float:
    """The :func:`confidence` that ``found``'s best sentence answers ``question``.

    A Chinese question: the closest candidate sentence's cosine, the coverage of the question by
    the best article (``article_cover``), and how far the answer stands out (:func:`standing`).

    An English question is judged by what would be shown: the answer sentence's cosine averaged with
    the closest one of its passage's, times ``0.5 + 0.5 ×`` the share of the question's words whose
    Chinese renderings the answer sentence uses (0 for a question with no word the dictionary knows),
    plus half the passage's :func:`lead` over the next. Not the closest sentence of all candidates nor
    the article's coverage: with loose dictionary renderings every word of a question is "found"
    somewhere in a long article (attacks -> 打击, causing -> 造成), and the closest sentence of an
    unrelated corpus is often a short line close to anything (集中打击整治突出问题). Fit on
    xquad-en2zh against its questions asked of the sample corpus, cmrc2018-trial's and drcd-dev's, with
    seed-answers' English questions kept answered (docs/evaluation.md).
    """
    if has_cjk(question.text):
        return confidence(float(found.dense.max()), article_cover, stands_out=standing(found))
    if not question.glosses:
        return 0.0
    best = int(np.argmax(found.total))
    passage = found.spans[best][0]
    closest = max(float(found.dense[i]) for i, (h, _, _) in enumerate(found.spans) if h == passage)
    cover = ENGLISH_OVERLAP_FLOOR + (1 - ENGLISH_OVERLAP_FLOOR) * float(found.overlap[best])
    return confidence((float(found.dense[best]) + closest) / 2, cover, True, ENGLISH_LEAD_WEIGHT * lead(found))


def certainty(conf: float, threshold: float) -> str:
    """An answer's confidence as a reader reads it, relative to the refusal threshold: ``high`` in the
    top 40 % of the range above it (same-language answers the corpus states plainly sit at ~1.0),
    ``medium`` above its first fifth (English questions over Chinese text, ~0.55), ``low`` below."""
    above = (conf - threshold) / max(1.0 - threshold, 1e-6)
    return "high" if above >= 0.6 else "medium" if above >= 0.2 else "low"


def newest_close(found: "Candidates", dates: list[str | None], best: int, margin: float) -> int:
    """For a question about the latest (最近, 目前): the best sentence of the passages from the newest
    year among ``dates`` (one per passage scored) when it scores within ``margin`` of the ``best``
    sentence; otherwise ``best``. (Restricting to the newest articles outright cost CMRC answers:
    a Wikipedia paragraph's "date" is any date its text mentions.)"""
    years = [(d or "")[:4] for d in dates]
    latest = max(years, default="")
    if not latest or years[found.spans[best][0]] == latest:
        return best
    mine = [i for i, (h, _, _) in enumerate(found.spans) if years[h] == latest]
    top = max(mine, key=lambda i: found.total[i])
    return top if found.total[top] >= found.total[best] - margin else best


def closeness(score: float, best: float, margin: float) -> str:
    """How close a cited passage's best sentence comes to the answer's: within a third of the
    citation margin ``high``, two thirds ``medium``, else ``low``."""
    gap = (best - score) / max(margin, 1e-6)
    return "high" if gap <= 1 / 3 else "medium" if gap <= 2 / 3 else "low"


def score(question: Question, qvec: np.ndarray, hits: list[Hit], index: Index, settings: AnswerSettings,
          encode: Callable[[str], np.ndarray] | None = None) -> Candidates | None:
    """Score every sentence of ``hits``; ``encode`` embeds the question's :func:`focus`, if any.

    With a focus, a sentence's cosine is mostly its cosine to the focus (``focus_weight``) and the
    other evidence counts ``focus_evidence`` as much: its word overlap and passage scores mostly
    repeat the topic, which every sentence of the article shares (fit on cmrc2018-trial and
    xquad-zh, docs/evaluation.md). ``Candidates.dense`` stays the question's own cosine: it is
    what the confidence is read from.

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
    matrix = np.stack(vecs)
    dense = matrix @ qvec
    # A sentence that points back (他也以39岁高龄…, 该公司安装了…) is about what the one before it
    # names, and is shown with it: a Chinese question reads it with it, by words and by cosine
    # (:func:`read_with_antecedent`; the words alone gained half as much, the cosine alone nothing).
    # An English question's overlap cannot be read in pairs (loose renderings match most long
    # texts), and the cosine alone lost answers on xquad-en2zh (docs/evaluation.md).
    chinese = has_cjk(question.text)
    back = [chinese and i > 0 and spans[i - 1][0] == spans[i][0] and points_back(texts[i], question)
            for i in range(len(spans))]
    pairs = _pair_vectors(matrix, back) if any(back) else None

    def read(own: np.ndarray, vec: np.ndarray) -> np.ndarray:  # ``own`` = matrix @ vec; pairs only where some point back
        return read_with_antecedent(own, pairs @ vec, back) if pairs is not None else own.astype(np.float64)

    cosine, evidence = read(dense, qvec), 1.0
    focused = focus(question, index.documents[hits[0].chunk.doc_id].title, texts) if encode is not None else None
    if focused:
        focus_vec = encode(focused)
        to_focus = read(matrix @ focus_vec, focus_vec)
        cosine = (1 - settings.focus_weight) * cosine + settings.focus_weight * to_focus
        evidence = settings.focus_evidence
    # The question's constraints are met by the article already; its other words decide the sentence.
    asked_units = units(question.text)
    # (but a place within another asked says which sentences are about it: 白城的大安市公安局获得过什么荣誉)
    within = narrower(question.places)
    q_units = asked_units - {u for c in question.constraints if c.kind in HARD and c not in within
                             for f in c.forms for u in units(f)}
    text_units = [units(t) for t in texts]  # (each sentence's, read once: the overlap and the empty check use them)
    read_units = [u | text_units[i - 1] if back[i] else u for i, u in enumerate(text_units)]
    lexical = np.array([len(q_units & u) / len(q_units) if q_units else 0.0 for u in read_units])
    if not chinese:
        lexical = _english_overlap(question, texts)
    # (a year asked: a figure whose sentence names none is of its article's time, scope.article_time,
    # or of the year the sentence it points back to names: 1964年，學校…。當年，學校學生總數超過3000人)
    # (or one a semicolon joins it to: 截至2020年11月,…攀升至45.76%;八类…,抓获命案在逃人员28名 are 2020's)
    docs = [index.documents[hit.chunk.doc_id] for hit in hits]
    times = [article_time(doc) if question.years else frozenset() for doc in docs]
    semicolon = [i > 0 and spans[i - 1][0] == spans[i][0] and texts[i - 1].rstrip().endswith(("；", ";"))
                 for i in range(len(spans))]
    joined = [back[i] or semicolon[i] for i in range(len(spans))]

    # (a province asked: a report on a city within it gives the city's figures, scope.of_a_place_within)
    city_reports = [of_a_place_within(doc, question.places) for doc in docs]

    def said(of: Question) -> np.ndarray:
        return np.array([speaks_for(of, t, times[h], texts[i - 1] if joined[i] and of.years else "",
                                    city_reports[h] and bool(of.places))
                         for i, ((h, _, _), t) in enumerate(zip(spans, texts))])

    said_for = said(question)
    # (a figure of the measure asked, not of another kind of what is counted: 毒品案件 is not 生态环境保护案件)
    # (nor a rate or change of something else: 命案现案破案率 is not 八类严重暴力犯罪案件's)
    level = asks_level(question)
    one = ones(question)
    day = asks_day(question)
    fit = np.array([fits(question.asks, t, question.measure, level, one, day) and not counts_another(question, t)
                    and not of_another_kind(question, t) and not of_another_level(question, t)
                    and not ranks_another(question, t) for t in texts])
    # (a yes-or-no question about a deed or a state is answered by a sentence that says it: 桂林的四级综治中心
    # 建成了吗 -> …四级综治中心全面建成,建制率100%, not …全力推动…四级综治中心建设)
    state = asked_state(question)
    if state:
        says = np.array([state in normalize(t) for t in texts])
        if (fit & says).any():
            fit &= says
    dated_before = None
    if question.asks == "date":  # (a date the sentence it continues says: 2014年,…评为…;白城市公安局被评为“全国追逃…”)
        dated = np.array([joined[i] and fits("date", texts[i - 1], day=day) for i in range(len(texts))])
        dated_before = dated & np.array([semicolon[i] and not fits("date", t, day=day) for i, t in enumerate(texts)])
        fit |= dated
    # (whoever's: the figures of other places, a wider area's too, of the year asked; with no place asked,
    # what said_for says)
    if not question.places:
        holds = fit & said_for
    else:
        holds = fit & (said(replace(question, constraints=question.years)) if question.years else True)
    fit &= said_for
    # (a place an article only mentions in passing is spoken of by the sentences of its story alone:
    # 镇赉县的命案现案破案率是多少 -/-> 白城's 97.03%, scope.located; and of what is asked, not of anything:
    # 平乐县配备了多少名网格员 -/-> 平乐's drug gang's 53名, fit.says_what_is_asked)
    away = [passing(doc, question.places) for doc in docs]
    unlocated = np.array([bool(away[h]) and not (
        located(docs[h], hits[h].chunk.start + s, hits[h].chunk.start + e, away[h])
        and (question.asks != "number" or says_what_is_asked(question, (texts[i - 1] if back[i] else "") + texts[i])))
        for i, (h, s, e) in enumerate(spans)])
    elsewhere = fit & unlocated
    fit &= ~unlocated
    barred = ~said_for | unlocated
    extra = np.zeros(len(texts))
    if question.asks == "number":
        for i, t in enumerate(texts):
            fit_, noun, measure = figure_features(question, t)
            extra[i] = (settings.figure_weight * fit_ + settings.counted_noun_weight * noun
                        + settings.measure_weight * measure)
    context = coverage(index, question, [f"{index.documents[hit.chunk.doc_id].title}\n{hit.chunk.text}" for hit in hits])
    hit_scores = np.array([hit.score for hit in hits], dtype=np.float64)
    spread = float(hit_scores.max() - hit_scores.min()) if len(hits) > 1 else 0.0
    retrieval = (hit_scores - hit_scores.min()) / spread if spread > 0 else np.ones(len(hits))
    per_hit = settings.context_weight * np.array(context) + settings.retrieval_weight * retrieval
    total = (cosine + evidence * (settings.lexical_weight * lexical + np.array([per_hit[h] for h, _, _ in spans]))
             + extra)
    if fit.any():
        total = total - settings.unfit_penalty * (~fit)
    # a "sentence" of punctuation alone (……, a lone 。), or of nothing but the question's own words (a
    # headline line 马来穿山甲 asked 马来穿山甲的别称是什么), says nothing: never the answer or a citation's best
    empty = np.array([not _WORDS.search(t) or (has_cjk(t) and u <= asked_units) for t, u in zip(texts, text_units)])
    if dated_before is not None:  # (but for the date the one before it says: 白城市公安局被评为“全国追逃工作先进单位”;)
        empty &= ~dated_before
    # nor one that speaks of another post or a wider area (support.speaks_for): never the answer
    total = total - 1.0 * empty - 1.0 * barred
    if question.asks in ("person", "place", "name"):
        asked = normalize(question.text)
        names_in = [names(question.asks, t) for t in texts]  # (jieba tags each sentence once)
        named = np.array([any(normalize(t[a:b]) not in asked for a, b in own) for t, own in zip(texts, names_in)])
        if named.any():
            total = total - settings.nameless_penalty * (~named)
        # (a thing's name asked: one quoted beside the kind of thing, where some sentence quotes one: 执法船叫什么 ->
        # …“二郎神号”执法船…, not …漓江分局紧紧围绕“打造世界级旅游城市”的战略目标…)
        if asks_a_thing_s_name(question):
            quoted = np.array([quotes_the_name(question, t, own) for t, own in zip(texts, names_in)])
            if quoted.any():
                total = total - settings.unfit_penalty * (~quoted)
    return Candidates(spans, texts, dense, total, context, fit, matrix, lexical, barred, holds, unlocated, elsewhere,
                      tuple(dict.fromkeys(c for places in away for c in places)), dated_before)


SUBJECT_MARGIN = 0.01  # a word whose removal brings the question this much closer to the answer is not its subject


def pulled_away(question: Question, word: str, qvec: np.ndarray, sentence_vec: np.ndarray,
                encode: Callable[[str], np.ndarray]) -> bool:
    """Is the answer sentence (``sentence_vec``) not about ``word`` of ``question`` (whose vector is
    ``qvec``)? Asked without the word (wherever it occurs), the question comes closer to it (by
    ``SUBJECT_MARGIN``).

    On a corpus about police work, every sentence about 破案率 is close to 外星人的破案率是多少; asked
    without 外星人 it is closer still, while a word the sentence says in other words (磁带 for its
    录像带, 警官 for its 警方) draws the question towards it. Asked only of words the corpus never
    uses (:func:`qa.answer.support.absent_words`); fit on the shared sets (docs/evaluation.md).
    """
    if has_cjk(word):
        without = question.text.replace(word, "")
    else:
        without = " ".join(re.sub(rf"(?i)\b{re.escape(word)}\b", "", question.text).split())
    return float(encode(without) @ sentence_vec) - float(qvec @ sentence_vec) > SUBJECT_MARGIN


def _pair_vectors(matrix: np.ndarray, back: list[bool]) -> np.ndarray:
    """Each sentence's vector, or for one that points back, the normalized sum of its vector and the
    one before it (the pair as one text, without encoding it again)."""
    pairs = matrix.astype(np.float32, copy=True)
    for i in np.flatnonzero(back):
        v = matrix[i - 1].astype(np.float32) + matrix[i]
        pairs[i] = v / max(float(np.linalg.norm(v)), 1e-12)
    return pairs


def read_with_antecedent(own: np.ndarray, paired: np.ndarray, back: list[bool]) -> np.ndarray:
    """Cosines of sentences read with the one they point back to: a pointing-back sentence scores as
    the pair (``paired``) would, but never above the sentence before it alone — summed vectors sit
    closer to any question than either part, so an uncapped pair would beat the sentence that answers
    — nor below its own (``own``). Fit on cmrc2018-trial and xquad-zh (docs/evaluation.md)."""
    out = own.astype(np.float64, copy=True)
    for i in np.flatnonzero(back):
        out[i] = max(own[i], min(paired[i], own[i - 1]))
    return out
