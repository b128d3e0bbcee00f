"""Does the evidence meet the question? Every constraint must be said by the sentence, its passage
or its article (title, text, publication date), and the sentence must hold the kind of answer asked.
Texts are compared in normalized form (traditional = simplified, half-width, case-folded).
"""

from __future__ import annotations

import re
from functools import lru_cache

from qa.answer.figures import a_one, answers_measure, dates, figures, states_change
from qa.answer.scope import another_place, clause, meets, own_figures, years_named
from qa.normalize import aligned, has_cjk, normalize
from qa.records import Constraint, Document, Question, Support
from qa.tokens import dictionary

def fits(asks: str, sentence: str, measure: str = "", level: bool = False, value: bool = False) -> bool:
    """Can ``sentence`` answer a question that asks for ``asks``? Only figures (of the ``measure``
    asked, :func:`answers_measure`; for a ``level`` asked, :func:`asks_level`, not a change; for a
    ``value`` asked, :func:`asks_value`, not 一 with a measure word) and dates are checked."""
    if asks == "number":
        return any(answers_measure(measure, sentence, span) and not (level and states_change(sentence, span))
                   and not (value and a_one(sentence, span)) for span in figures(sentence))
    if asks == "date":
        return bool(dates(sentence))
    return True


# A question that asks how much something changed (下降了多少, 提高了多少倍, By how much did … fall?)
_ASKS_CHANGE = re.compile(r"下降|上升|提升|提高|增长|增加|减少|降低|下跌|上涨|增幅|降幅|涨幅|变化|倍"
                          r"|(?i:\b(?:fall|fell|fallen|drop|dropped|rise|rose|risen|increase|increased|decrease|decreased"
                          r"|grow|grew|grown|change|changed|decline|declined|by how much)\b)")


def asks_level(question: Question) -> bool:
    """Does ``question`` ask a rate or share as it stands (桂林的破案率是多少, What was Guilin's clearance
    rate?), not a change? Its answer is not a figure that states a change (…“黄赌”警情同比下降28.26%)."""
    return question.measure == "share" and not _ASKS_CHANGE.search(normalize(question.text))


_ASKS_VALUE = re.compile(r"(?:是|为|有|达到?)?多少[？?]?$")


def asks_value(question: Question) -> bool:
    """Does a Chinese ``question`` ask a value without saying what it counts (白城群众安全感是多少)? Its
    answer is not 一 with a measure word: …填写一份…“公安答卷” (一份 is "a"). (一个月 answers 多少时间,
    and 一场 a 幾盤 question by chance: only a question that ends in 是多少 is read so.)"""
    return has_cjk(question.text) and not question.measure and bool(_ASKS_VALUE.search(normalize(question.text)))


def speaks_for(question: Question, sentence: str, time: frozenset[int] = frozenset(), before: str = "") -> bool:
    """Does ``sentence`` speak of what ``question`` asks about, where that can be told? For a
    who-question about a post (``Question.post``: 局长), the post named, and no place other than the
    question's (``Question.places``): 商洛市公安局局长是谁 was answered from a sentence on 習近平, and
    南宁市公安局局长是谁 from 桂林市…公安局局长朱永辉 (an article that mentions 南宁). For a number asked of
    a city or county, a figure not said of a wider area: 贵港有多少个派出所综合指挥调度室 was answered with
    Guangxi's …全区已建成…348个; for a number asked of any place, a figure whose clause does not name
    another place instead (How many people did Guilin police visit? -> …,北海市公安局从机关安排100名警力…);
    for a number asked of a year, a figure not of another year, nor, in a sentence that names no year, of
    an article of another ``time`` (:func:`qa.answer.scope.own_figures`), where the sentence it continues
    (``before``: 當年… after 1964年…; one ending in a semicolon) scopes its years, but only its own figures
    count. A sentence that does not is never the answer (:func:`qa.answer.select.score`); other questions
    and sentences pass."""
    places = question.places
    if question.asks == "person" and question.post:
        norm = normalize(sentence)
        return question.post in norm and not (places and another_place(norm, places))
    text = before + sentence
    if question.asks == "number" and (places or question.years) and (
            spans := [span for span in figures(text) if span[0] >= len(before)]):
        if not own_figures(text, spans, places, question.years, time):
            return False
        # a year's figure read from its article's time only (the sentence names no year) must at least be
        # of what is asked: 2018年桂林的破案率是多少 -> 桂林市公安局要求10%的机关警力… of a 2018 article
        return not (question.years and question.subject and not years_named(aligned(text))
                    and normalize(question.subject) not in normalize(text))
    return True


_HAN_BEFORE = re.compile(r"[\u4e00-\u9fff]{4,}$")


# A rate or a change asked, and what it is of: 八类严重暴力犯罪案件 + 破案率, 交通事故死亡人数 + 下降 (a
# question's topic, normalized).
_CHANGE = re.compile(r"(.+?)(?:同比|环比)?(下降|上升|提升|提高|增长|减少|降低)")
_RUN = re.compile(r"[\w、“”]+$")  # words up to the rate (a list: 八类严重暴力犯罪、传统盗抢骗…案件; 2019届的)
_STATED = re.compile(r"(?:达到|达|为|保持|攀升至|提升至|提高到|上升到)$")  # a verb that states a rate
_TOTAL = "总"  # a total rate (总破案率) is none of one kind's; only the words of the whole area say it too
_WHOLE = re.compile(r"(?:全|本|该)[市县区省]")
# words that head many kinds of figure (刑事案件, 两抢案件; 黄赌警情, 治安刑事警情): they do not say which kind
_GENERIC = re.compile(r"案件|警情|发案|案数|犯罪|人数|数量|件数|起数")


def rate_or_change(question: Question) -> tuple[str, str] | None:
    """What a Chinese number question asks a rate or a change of, and the rate or change asked
    (八类严重暴力犯罪, 破案率; 交通事故死亡人数, 下降); ``None`` for other questions."""
    if question.asks != "number" or not has_cjk(question.text):
        return None
    topic = _STATED.sub("", normalize(question.topic))  # (破案率达到了多少: the rate)
    if topic.endswith("率") and (len(topic) >= 5 or topic[0] == _TOTAL and len(topic) == 4):
        if topic[-4] == "的":  # (an owner's rate, 学校的破案率, is support.unmet_owner's to judge)
            return None
        of, word = topic[:-3], topic[-3:]
        if of == _TOTAL:  # (总破案率: the total, not one kind's)
            return of, word
    elif change := _CHANGE.fullmatch(topic):
        of, word = change.group(1), change.group(2)
    else:
        return None
    return (of, word) if len(of) >= 2 else None


def of_another_kind(question: Question, sentence: str) -> bool:
    """Are the figures of ``sentence`` a rate or a change of something else than the one a Chinese
    number question asks? A figure's clause names the rate or change asked after a run of words none
    of whose character pairs is in what the question asks it of, and no figure's clause names it of
    that: 白城八类严重暴力犯罪案件破案率是多少 -> …,命案现案破案率达97.03%; 商洛的交通事故死亡人数下降了多少 ->
    據統計,5年來,全市刑事案件發案數下降33%,治安案件發案數下降19%,… (5年 says neither). A clause that names
    it alone (…,破案率达到) is of what the sentence said before; a rate asked of nothing in particular
    (桂林的破案率是多少) is any rate's. A change asked is given only by a figure after its word: not by
    …实现了道路交通事故四项指数五年持续下降 (四项 counts indices)."""
    asked = rate_or_change(question)
    if asked is None:  # (most questions: no figure is read)
        return False
    spans = figures(sentence)
    if not spans:
        return False
    # (the figures said of the place and year asked: …,雁山区电信网络诈骗发案同比下降10.79%,1个乡镇… gives no
    # change of 七星区's)
    spans = own_figures(sentence, spans, question.places, question.years) if question.constraints else spans
    of, word = asked
    # (the pairs of what it is of that say which: 两抢案件 is not 刑事案件发案数 for sharing 案件)
    pairs = {part[i:i + 2] for part in _GENERIC.split(of) for i in range(len(part) - 1)}
    pairs = pairs or {of[i:i + 2] for i in range(len(of) - 1)}
    text = aligned(sentence)

    def of_what(span: tuple[int, int]) -> bool | None:  # of another kind, of the kind asked, or not said (None)
        before = normalize(text[clause(text, span)[0]:span[0]])
        at = before.rfind(word)
        if at < 0:
            return None
        run = _RUN.search(before[:at])
        if of == _TOTAL:  # (全市现行案件破案率 is one kind's; 全市破案率 and 总破案率 are the total)
            return bool(run) and of not in run.group() and not _WHOLE.fullmatch(run.group())
        return bool(run) and not any(p in run.group() for p in pairs)

    said = [of_what(span) for span in spans]
    if word.endswith("率"):
        return True in said and False not in said
    return False not in said  # (a change is stated after its word: 下降33%, 由…下降到…; 四项指数…下降 is not one)


def counts_another(question: Question, sentence: str) -> bool:
    """Do the figures of ``sentence`` count another kind of what ``question`` counts? The noun a
    figure follows ends in a character of the counted noun's last word (…案件, …积案 for 案件) but the
    sentence has none of the words that say which (毒品, 电信诈骗): 桂林破获了多少起电信诈骗案件 ->
    …破获生态环境保护案件1522起. Only for a counted noun of four characters or more; no answer sentence
    of the shared sets is such (docs/evaluation.md)."""
    noun = question.counted
    if len(noun) < 4:
        return False
    norm = normalize(sentence)
    if any(noun[i:i + 2] in norm for i in range(len(noun) - 3)):  # (a word of which kind: 电信, 诈骗)
        return False
    text = aligned(sentence)
    return any((run := _HAN_BEFORE.search(normalize(text[max(0, a - 10):a]))) and run.group()[-1] in noun[-2:]
               for a, _ in figures(sentence))


@lru_cache(maxsize=4096)
def article_text(doc: Document) -> str:
    """The normalized title and text of an article, where its constraints are looked for."""
    return normalize(f"{doc.title}\n{doc.text}")


HARD = ("place", "year")


def binding(question: Question) -> list[Constraint]:
    """What the evidence must meet: the places and years of ``question`` and, in English, its names.

    A Chinese question's other names (people, organizations) are not required of the article: jieba
    tags common nouns as names too often (长度, 英文名); articles that mention them are preferred
    (:func:`names_met`). An English question's names are capitalized (:func:`qa.answer.english.english_names`):
    the Polish stock exchange is not answered from an article on Tokyo's.
    """
    english = not has_cjk(question.text)
    return [c for c in question.constraints if c.kind in HARD or (english and c.kind == "name")]


def check(question: Question, doc: Document) -> Support:
    """Every constraint of ``question`` that binds (:func:`binding`) met by the article ``doc``
    (title, text or date)?"""
    hard = binding(question)
    if not hard:
        return Support(True)
    text = article_text(doc)
    missing = tuple(c for c in hard if not meets(c, text, doc.date))
    return Support(not missing, missing)


def names_met(question: Question, doc: Document) -> int:
    names = [c for c in question.constraints if c.kind == "name"]
    if not names:
        return 0
    text = article_text(doc)
    return sum(meets(c, text) for c in names)


_ASKING = re.compile(r"^\W*(?:what|which|who|whom|whose|when|where|why|how|is|are|was|were|do|does|did|can|could|will|"
                     r"would|should|has|have|had|name|list|tell|give|describe|explain|find|show)\b", re.IGNORECASE)


def keywords_only(question: Question) -> bool:
    """An English input that is not a question (no question word, no question mark): a few words
    typed as a search, or not meant as a question at all (hello world, DROP TABLE)."""
    return "?" not in question.text and question.asks == "open" and not _ASKING.search(question.text)


COMMON_WORD = 200  # jieba dictionary frequency from which a word tagged as a name is taken for a common word


def unknown_words(question: Question, index) -> tuple[Constraint, ...]:
    """Names of the question that the corpus never uses: it cannot be about them.

    A Chinese name (罗保铭, 杜普洛: a ``name`` constraint) is unknown when not one of its character pairs
    occurs in the corpus, unless it is a common word that jieba tags as a name (高山, 范畴: a frequency
    of ``COMMON_WORD`` or more in jieba's dictionary, which no name of the shared sets has). Names are
    not otherwise required of the evidence (jieba tags 长度 a place), but a name the corpus has not a
    trace of is a subject it does not cover: 杜普洛因什么而著名 was answered with a confident sentence
    about someone else (docs/evaluation.md). English: see :func:`_unknown_english`."""
    if has_cjk(question.text):
        vocab, common = index.bm25.vocab_dict, dictionary()
        return tuple(c for c in question.constraints if c.kind == "name" and common.get(c.forms[0], 0) < COMMON_WORD
                     and not any(pair in vocab for f in c.forms for pair in _pairs(normalize(f))))
    return _unknown_english(question, index)


def absent_words(question: Question, index, articles: list[str]) -> list[str]:
    """Words of ``question``, as written, that the corpus never uses, so the evidence may not be about
    them: a Chinese question's subject (:attr:`Question.subject`: 外星人 in 外星人的破案率是多少) when
    the corpus never uses it as a word and none of the normalized ``articles`` (those answers are chosen
    from) contains it; an English question's words none of whose Chinese renderings the corpus uses
    (dinosaurs -> 恐龙 in a police corpus) and none of the ``articles`` writes in Latin letters (an
    article titled United_Methodist_Church is about the Methodists whatever the dictionary says), other
    than verb forms in -ed or -ing (used, wearing: what a refusal names is a subject). Whether the
    answer sentence is about them anyway, in other words, is :func:`qa.answer.select.pulled_away`'s
    to say: 磁带 may be the text's 录像带."""
    if has_cjk(question.text):
        word = normalize(question.subject)
        absent = word and index.document_frequency(word) == 0 and not any(word in a for a in articles)
        return [question.subject] if absent else []
    vocab = index.bm25.vocab_dict
    out = []
    for word, renderings in question.glosses:
        if (not word.endswith(("ed", "ing")) and not any(_rendered(r, vocab) for r in renderings)
                and not any(re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", a) for a in articles)):  # (lower case)
            written = re.search(rf"(?i)\b{re.escape(word)}\b", question.text)
            out.append(written.group() if written else word)
    return out


def unmet_owner(question: Question, passage: str) -> list[str]:
    """A Chinese question's subject that owns the figure asked (学校 in 学校的破案率是多少: the rate of
    schools, not Guilin's), when the answer's ``passage`` (with its article's title) never names it.
    Whether the answer sentence is about it in other words is :func:`qa.answer.select.pulled_away`'s
    to say. Only the owner of a figure: a question's first noun is otherwise often a word a paraphrase
    changes (什么导致了结构应力 asked of a passage on 应力), and checking it for other questions refused
    right answers on the shared sets (docs/evaluation.md)."""
    if not has_cjk(question.text) or not question.subject or question.asks != "number":
        return []
    word = normalize(question.subject)
    owns = f"{word}的" in normalize(question.text)
    return [question.subject] if owns and word not in normalize(passage) else []


def _rendered(rendering: str, vocab) -> bool:
    """Does the corpus (its BM25 ``vocab``) use ``rendering``, as a word or as character pairs?"""
    pairs = _pairs(rendering)
    return rendering in vocab or bool(pairs) and all(p in vocab for p in pairs)


def _pairs(word: str) -> list[str]:
    return [word[i:i + 2] for i in range(len(word) - 1)]


def _unknown_english(question: Question, index) -> tuple[Constraint, ...]:
    """Names of an English question (:func:`qa.answer.english.english_names`) that the corpus never
    writes (France -> 法国, 法兰西 in a police corpus): the corpus cannot be about them. Other words
    are not judged here (dictionary renderings miss too often: :func:`absent_words` asks the answer
    sentence about those the corpus never renders), except in input that is only keywords and
    has fewer than two terms the corpus uses (places included): there the nearest sentence would be
    shown for one shared word (hello world -> 世界级旅游名城). Two terms the corpus uses (Guilin
    telecom fraud: 桂林, 诈骗) make a search worth answering."""
    vocab = index.bm25.vocab_dict
    if keywords_only(question):
        used = sum(any(_rendered(r, vocab) for r in renderings) for _, renderings in question.glosses)
        if used + sum(c.kind == "place" for c in question.constraints) < 2:
            as_written = {w.lower(): w for w in re.findall(r"[A-Za-z]+", question.text)}
            return tuple(Constraint("name", as_written.get(word, word), tuple(sorted(renderings)))
                         for word, renderings in question.glosses if not any(_rendered(r, vocab) for r in renderings))
    return tuple(c for c in question.constraints if c.kind == "name" and not any(_rendered(f, vocab) for f in c.forms))
