"""Does the evidence meet the question? Every constraint must be said by the sentence, its passage
or its article (title, text, publication date); whether the sentence holds the kind of answer asked is
:mod:`qa.answer.fit`'s. Texts are compared in normalized form (traditional = simplified, half-width,
case-folded).
"""

from __future__ import annotations

import re
from functools import lru_cache

from qa.answer.figures import answers_measure, figures
from qa.answer.question import QUESTION_NOISE, names_post
from qa.answer.scope import another_place, meets, names_wider, own_figures, years_named
from qa.normalize import CJK, aligned, has_cjk, normalize
from qa.records import Constraint, Document, Question, Support
from qa.tokens import dictionary


def speaks_for(question: Question, sentence: str, time: frozenset[int] = frozenset(), before: str = "",
               within: bool = False) -> bool:
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
    count. A province's number is not read from a report on a city within it (``within``:
    :func:`qa.answer.scope.of_a_place_within`) by a sentence that names neither the province nor a whole
    one (全区, 全省). Any other question asked of a year is not answered by a sentence (with the one it
    continues) that names other years only. A sentence that does not is never the answer
    (:func:`qa.answer.select.score`); other questions and sentences pass."""
    places = question.places
    if question.asks == "person" and question.post:
        norm = normalize(sentence)
        return names_post(question, norm) and not (places and another_place(norm, places))
    text = before + sentence
    if question.asks == "number" and (places or question.years) and (
            spans := [span for span in figures(text) if span[0] >= len(before)]):
        # (the figures of the measure asked, where some are: 桂林市公安局有多少名民警 -/-> 桂林市公安局要求10%的机关警力…,
        # 北海市公安局从机关安排100名警力…, where 10% is 桂林's but no headcount)
        measured = [span for span in spans if answers_measure(question.measure, text, span)]
        if not own_figures(text, measured or spans, places, question.years, time):
            return False
        if within and not names_wider(normalize(text), places):  # (广西的破案率 -/-> the Guilin report's 89.04%)
            return False
        # a year's figure read from its article's time only (the sentence names no year) must at least be
        # of what is asked: 2018年桂林的破案率是多少 -> 桂林市公安局要求10%的机关警力… of a 2018 article
        return not (question.years and question.subject and not years_named(aligned(text))
                    and normalize(question.subject) not in normalize(text))
    if question.years and not question.why:  # (what happened in a year asked is not told by a sentence of other
        named = years_named(aligned(text))  # years only: 2016年镇赉县公安局获得了什么荣誉 -/-> 2015年,…集体二等功; a reason
        # often is: 为什么2008年NBA总决赛被誉为梦幻对决 -> …是继1987年以后,再一次由凯尔特人及湖人对决)
        return not named or bool(named & {c.year for c in question.years})
    return True


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


_CJK_RUN = re.compile(f"{CJK.pattern}+")

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
        names = tuple(c for c in question.constraints if c.kind == "name"
                      and (common.get(c.forms[0], 0) < COMMON_WORD or _organization(c.forms[0]))
                      and not any(pair in vocab for f in c.forms for pair in _pairs(normalize(f))))
        return names + _unknown_figure(question, vocab)
    return _unknown_english(question, index)


@lru_cache(maxsize=1024)
def _organization(word: str) -> bool:
    """Is ``word`` one organization's name to jieba (国务院, 新华社: tagged nt), however often its dictionary has
    it? Frequent words tagged as people or places are often common words (高山, 钱财); an organization's name is
    not (白城公安工作获得了多少次国务院批示 was answered with the 126次 批示 of 公安部、省和市领导)."""
    from qa.tokens import posseg

    cut = list(posseg().cut(word))
    return len(cut) == 1 and cut[0].flag == "nt"


_LATIN_TERM = re.compile(r"[a-z][a-z0-9]+")  # (normalized: case-folded)
_SIZE_TAIL = re.compile(r"(?:有|是|为)?多[大长远高宽深重厚]$")


def _unknown_figure(question: Question, vocab) -> tuple[Constraint, ...]:
    """What a Chinese question asks a figure of (its topic), when not one of its character pairs occurs in
    the corpus: a thing it never speaks of (律师, 降雨量) or a typo (桂林的网各员有多少, answered with
    …打掉1411名…犯罪分子; 破按率). Named as the counted noun where that is as foreign (警车 of 多少辆警车)."""
    topic = _SIZE_TAIL.sub("", normalize(question.topic))  # (面积 of 商洛市的面积有多大)
    # (a figure of what is written in Latin letters, as the corpus never writes it: 桂林2022年的GDP是多少 -/-> 79.17%)
    if question.asks == "number" and _LATIN_TERM.fullmatch(topic) and topic not in vocab:
        written = re.search(re.escape(topic), question.topic, re.IGNORECASE)
        return (Constraint("name", written.group() if written else topic, (topic,)),)
    if (question.asks != "number" or not _CJK_RUN.fullmatch(topic) or QUESTION_NOISE.search(topic)
            or any(p in vocab for p in _pairs(topic))):  # (桂林到白城有多远: 有多远 is the asking)
        return ()
    counted = normalize(question.counted)
    word = counted if len(counted) >= 2 and counted in topic else topic.rstrip("有")
    return (Constraint("name", word, (word,)),) if len(word) >= 2 else ()


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
        words = [question.subject, asked_of(question)]
        return [w for w in dict.fromkeys(words) if w and index.document_frequency(normalize(w)) == 0
                and not any(normalize(w) in a for a in articles)]
    vocab = index.bm25.vocab_dict
    out = []
    for word, renderings in question.glosses:
        if (not word.endswith(("ed", "ing")) and not any(_rendered(r, vocab) for r in renderings)
                and not any(re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", a) for a in articles)):  # (lower case)
            written = re.search(rf"(?i)\b{re.escape(word)}\b", question.text)
            out.append(written.group() if written else word)
    return out


def asked_of(question: Question) -> str:
    """What a Chinese question asks a figure or a date of after 的, one word (年龄 of 局长的年龄是多少, 生日 of
    局长的生日是哪天), or "": not the asking's own words (的时间是什么时候, 的百分比是多少) nor the rest of a
    sentence (陪伴怀孕的老婆 of …在哪一年暂停大部分的工作以陪伴怀孕的老婆)."""
    from qa.tokens import posseg

    topic = normalize(question.topic)
    head = topic.rpartition("的")[2]
    if (question.asks not in ("number", "date") or head == topic or not 2 <= len(head) <= 4
            or not _CJK_RUN.fullmatch(head) or QUESTION_NOISE.search(head) or _AMOUNT_WORD.search(head)):
        return ""
    return head if len(posseg().lcut(head)) == 1 and len(topic) - len(head) <= 4 else ""


# words that say what kind of figure or date is asked, not what it is of
_AMOUNT_WORD = re.compile(r"百分比|比例|比率|比重|占比|数量|数目|总数|个数|人数|人次|金额|时间|日期|时候|年份|数字|数值|程度|级别")


def unmet_owner(question: Question, passage: str) -> list[str]:
    """A Chinese question's subject that owns the figure asked (学校 in 学校的破案率是多少: the rate of
    schools, not Guilin's), when the answer's ``passage`` (with its article's title) never names it.
    Whether the answer sentence is about it in other words is :func:`qa.answer.select.pulled_away`'s
    to say. Only the owner of a figure: a question's first noun is otherwise often a word a paraphrase
    changes (什么导致了结构应力 asked of a passage on 应力), and checking it for other questions refused
    right answers on the shared sets (docs/evaluation.md)."""
    if not has_cjk(question.text) or question.asks != "number":
        return []
    group = headcount_of(question)  # (白城市公安局的特警队有多少人: 特警队's people, not the 公安局's subject)
    if group:
        return [group] if normalize(group) not in normalize(passage) else []
    if not question.subject:
        return []
    word = normalize(question.subject)
    owns = f"{word}的" in normalize(question.text)
    return [question.subject] if owns and word not in normalize(passage) else []


def headcount_of(question: Question) -> str:
    """The group a head count asks the size of (特警队 of 白城市公安局的特警队有多少人), when the question counts
    people without naming them (no counted noun) and what is left of it is one noun to jieba; or ""."""
    from qa.tokens import posseg

    topic = normalize(question.topic)
    if question.measure not in ("headcount", "people") or question.counted or not 2 <= len(topic) <= 4:
        return ""
    cut = list(posseg().cut(topic))
    return topic if len(cut) == 1 and cut[0].flag.startswith("n") and cut[0].flag != "nr" else ""


def _rendered(rendering: str, vocab) -> bool:
    """Does the corpus (its BM25 ``vocab``) use ``rendering``, as a word or as character pairs?"""
    pairs = _pairs(rendering)
    return rendering in vocab or bool(pairs) and all(p in vocab for p in pairs)


def _pairs(word: str) -> list[str]:
    return [word[i:i + 2] for i in range(len(word) - 1)]


def share_named(words: str, sentence: str) -> float:
    """The share of the character pairs of normalized ``words`` that ``sentence`` writes (1.0 if it has none)."""
    pairs, norm = _pairs(words), normalize(sentence)
    return sum(p in norm for p in pairs) / len(pairs) if pairs else 1.0


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
