"""Does the evidence meet the question? Every constraint must be said by the sentence, its passage
or its article (title, text, publication date), and the sentence must hold the kind of answer asked.
Texts are compared in normalized form (traditional = simplified, half-width, case-folded).
"""

from __future__ import annotations

import re
from functools import lru_cache

from qa.answer.places import gazetteer
from qa.normalize import aligned, has_cjk, normalize
from qa.records import Constraint, Document, Question, Support
from qa.tokens import dictionary

_DIGITS = r"\d+(?:[.,]\d+)*"
_ZH_NUM = r"[零〇一二两三四五六七八九十百千万亿]+(?:点[零〇一二三四五六七八九]+)?"
_MEASURE = (r"(?:[多余]?(?:人次|万元|亿元|万人|平方公里|平方米|公里|公顷|小时|分钟|个|名|人|次|起|件|家|元|户|条|所|支|辆|部|台|"
            r"岁|年|天|日|月|秒|米|亩|吨|倍|项|座|处|场|批|股|只|头|种|位|篇|本|册|枚|届|期|张|份|套|间|层|级|分|英里|英尺))")
# A figure: Arabic digits with an optional scale, percent sign and measure word; or a Chinese
# numeral that is followed by a measure word or 成/% (六次, 三成), so 一些/统一 are not figures.
FIGURE = re.compile(
    rf"(?:约|近|超过|逾)?(?:{_DIGITS}(?:\s*(?:万|亿|千|百))*\s*(?:%|％|‰)?{_MEASURE}?"
    rf"|百分之{_ZH_NUM}|{_ZH_NUM}(?:%|％|成|{_MEASURE})|一半|半数|过半|[数几][十百千万亿]{_MEASURE}?)"
)
_YEAR_FIGURE = re.compile(r"^(?:1[5-9]|20)\d{2}年$")
DATE = re.compile(
    r"(?:(?:1[5-9]|20)\d{2}\s*年\s*)?\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?|(?:1[5-9]|20)\d{2}\s*年(?:代|初|底|末)?"
    r"|(?:1[5-9]|20)\d{2}[-./]\d{1,2}(?:[-./]\d{1,2})?|[〇零一二三四五六七八九]{4}年|[一二三四五六七八九十]{1,3}月(?:[一二三四五六七八九十]{1,3}[日号])?"
    r"|\b(?:1[5-9]|20)\d{2}\b|(?:公元前?)?\d{1,4}\s*年|(?:公元前?)?[一二三四五六七八九十\d]{1,3}\s*世纪(?:初|末|中叶|\d+年代)?"
    r"|[\u4e00-\u9fff]{2}[元一二三四五六七八九十]{1,3}年"  # reign years: 道光二十二年
)


# What a figure measures (:func:`measure_of`), read from what follows its numerals (figures() stops at
# the 日 of 14800日元): a figure of one kind does not answer a question asking another
# (:attr:`Question.measure`: 5233万元 for 走访了多少群众, 7名 for how many gangs).
_SHARE_MARK = re.compile(r"[%％‰]|百分之|成$")
_NUMERALS = re.compile(r"^(?:约|近|超过|逾)?[\d.,\s零〇一二两三四五六七八九十百千万亿点数几半]*")
_LATIN_UNIT = re.compile(r"(?i:km|cm|mm|kg|mg|ml|ft|mph|kw|mw|hz|khz|mhz|ghz|gb|mb|kb|tb)(?![A-Za-z])|[mgt](?![A-Za-z])")
_MEASURED = (
    ("share", re.compile(r"个?百分点")),
    ("money", re.compile(r"[余多]?\s*(?:元|美元|日元|欧元|英镑|港元|港币|台币|新台币|人民币|美金|卢布|法郎|马克|比索|镑|块钱)|(?i:usd|rmb|eur)\b")),
    ("people", re.compile(r"[余多]?\s*(?:人次|人(?!民币)|名|位)")),
    ("time", re.compile(r"[余多]?\s*(?:个月|年|天|日(?!元)|小时|钟头|分钟|秒|周|星期|岁|世纪)")),
    ("size", re.compile(r"[余多]?\s*(?:米|公里|千米|厘米|毫米|英里|英尺|英寸|海里|公顷|亩|平方|立方|吨|公斤|千克|克|磅|升|毫升|度|°)")),
    ("households", re.compile(r"[余多]?\s*户")),
    ("count", re.compile(r"[余多]?\s*(?:个|座|所|家|条|支|辆|部|台|项|处|场|批|只|头|种|篇|本|册|枚|届|期|张|份|套|间|层"
                         r"|起|件|宗|艘|架|次|棵|株|匹|大(?=[\u4e00-\u9fff]))")),  # (5大功能: five functions)
)
# the kinds of figure that answer each measure asked; an unmarked figure (348, 一半) answers any. People
# may be counted in households (走访群众73.1万余户) or as a share of them (7%到10%的医生), not as things
# (贵港配备了多少名网格员: not the 5 of …5大功能).
_ANSWERS = {"people": {"people", "households", "share"}, "count": {"count", "households"}, "share": {"share"},
            "money": {"money"}, "time": {"time"}}


def measure_of(sentence: str, span: tuple[int, int]) -> str:
    """What the figure at ``span`` (:func:`figures`) of ``sentence`` measures: ``share``, ``money``,
    ``people``, ``time``, ``size``, ``households``, ``count`` (:data:`_MEASURED`), ``ordinal`` (第一个), ``name`` for
    digits written into a word of Latin letters (4G, A380: a model, not a figure; 182CM and 5g are
    sizes), or ``""`` when unmarked (348)."""
    a, b = span
    figure = normalize(sentence[a:b])
    if _SHARE_MARK.search(figure):
        return "share"
    if a > 0 and normalize(sentence[a - 1]) == "第":
        return "ordinal"
    lead = _NUMERALS.match(figure).end()
    written = (sentence[a:b][lead:] + sentence[b:b + 6]).lstrip()  # (the letters' case: 4G, not 4g)
    if lead == len(figure) and re.search(r"\d", figure):  # bare digits: a unit or a word in Latin letters?
        if _LATIN_UNIT.match(written):
            return "size"
        if (a > 0 and re.match(r"[A-Za-z]", sentence[a - 1])) or re.match(r"[A-Za-z]", written):
            return "name"
    tail = normalize(written)
    return next((kind for kind, pattern in _MEASURED if pattern.match(tail)), "")


def answers_measure(measure: str, sentence: str, span: tuple[int, int]) -> bool:
    """Can the figure at ``span`` of ``sentence`` answer a question asking ``measure``
    (:attr:`Question.measure`; ``""``: anything)?"""
    if not measure:
        return True
    kind = measure_of(sentence, span)
    return not kind or kind in _ANSWERS[measure]


def figures(text: str) -> list[tuple[int, int]]:
    """Spans of the figures in ``text`` (either script) that can answer 'how many': not bare years like 2022年."""
    return [m.span() for m in FIGURE.finditer(aligned(text)) if m.group(0).strip() and not _YEAR_FIGURE.match(m.group(0))]


def dates(text: str) -> list[tuple[int, int]]:
    """Spans of the dates in ``text`` (either script: 13世紀 is 13世纪)."""
    return [m.span() for m in DATE.finditer(aligned(text))]


def fits(asks: str, sentence: str, measure: str = "") -> bool:
    """Can ``sentence`` answer a question that asks for ``asks``? Only figures (of the ``measure``
    asked, :func:`answers_measure`) and dates are checked."""
    if asks == "number":
        return any(answers_measure(measure, sentence, span) for span in figures(sentence))
    if asks == "date":
        return bool(dates(sentence))
    return True


def speaks_for(question: Question, sentence: str, places: tuple[Constraint, ...] = ()) -> bool:
    """Does ``sentence`` speak of what ``question`` asks about, where that can be told? For a
    who-question about a post (``Question.post``: 局长), the post named, and no place other than the
    question's ``places``: 商洛市公安局局长是谁 was answered from a sentence on 習近平, and
    南宁市公安局局长是谁 from 桂林市…公安局局长朱永辉 (an article that mentions 南宁). For a number asked of
    a city or county, a figure not said of a wider area (:func:`_broader_scope`): 贵港有多少个派出所综合
    指挥调度室 was answered with Guangxi's …全区已建成…348个; for a number asked of any place, a figure
    whose clause does not name another place instead (:func:`_said_of_another`: How many people did
    Guilin police visit? -> …,北海市公安局从机关安排100名警力…). A sentence that does not is never the answer
    (:func:`qa.answer.select.score`); other questions and sentences pass."""
    if question.asks == "person" and question.post:
        norm = normalize(sentence)
        return question.post in norm and not (places and _another_place(norm, places))
    if question.asks == "number" and places and (spans := figures(sentence)):
        return bool(own_figures(sentence, spans, places))
    return True


def own_figures(sentence: str, spans: list[tuple[int, int]], places: tuple[Constraint, ...]) -> list[tuple[int, int]]:
    """The figures at ``spans`` of ``sentence`` that may be said of ``places`` (a number question's):
    not in a clause that names another place (:func:`_said_of_another`), nor after a wider area
    (:func:`_broader_scope`; not the 1月 of 今年1月至10月,广西…, while 连续4年 counts)."""
    text = aligned(sentence)  # (positions as figures' are)
    spans = [span for span in spans if not _said_of_another(text, span, places)]
    broader = _broader_scope(text, places)
    if broader is None:
        return spans
    taken = [(x, y) for x, y in dates(sentence) if re.search(r"月|\d{4}", sentence[x:y])]
    return [(a, b) for a, b in spans if a < broader and not any(x <= a and b <= y for x, y in taken)]


_CLAUSE_END = re.compile(r"[，,;；。！？!?\n]")


def _said_of_another(norm: str, span: tuple[int, int], places: tuple[Constraint, ...]) -> bool:
    """Does the clause of aligned ``norm`` holding the figure at ``span`` name a place, but none of
    ``places``? (桂林市公安局要求…,北海市公安局从机关安排100名警力…: 100名 is Beihai's.)"""
    starts = [m.end() for m in _CLAUSE_END.finditer(norm, 0, span[0])]
    end = _CLAUSE_END.search(norm, span[1])
    return _another_place(normalize(norm[starts[-1] if starts else 0:end.start() if end else len(norm)]), places)


# Words that put what follows them in a whole province or country: a city's figure is not among them.
# 全区 is a city's district or a region (广西); either way not the city's own total.
_WIDER = {1: re.compile(r"全国|全省|全自治区|全区"), 2: re.compile(r"全国|全省|全自治区")}


def _broader_scope(norm: str, places: tuple[Constraint, ...]) -> int | None:
    """Where normalized (:func:`aligned`) sentence ``norm`` starts speaking of an area wider than the city or county
    ``places`` asks about, if it never names them: a word such as 全区 (…全区已建成派出所综合指挥调度室348个,
    asked of 贵港) or a province's name (广西刑事案件发案数同比下降9.3%, asked of 桂林). ``None`` when it
    names them, or the question asks of a province. (Only what follows: …破案率排名全区第一 is
    Guilin's rate, ranked in the region.)"""
    gaz = gazetteer()
    if any(meets(c, norm) for c in places):
        return None
    levels = [gaz.places[code].level for c in places for form in c.forms for code in gaz.aliases.get(form, ())]
    level = min(levels, default=0)
    if level < 1:
        return None
    starts = [m.start() for m in _WIDER[level].finditer(norm)]
    starts += [start for start, _, alias in gaz.find(norm) if alias not in gaz.weak
               and min(gaz.places[code].level for code in gaz.aliases[alias]) < level]
    return min(starts, default=None)


def _another_place(norm: str, places: tuple[Constraint, ...]) -> bool:
    """Does normalized ``norm`` name a place (not a county's weak short form) but none of ``places``?"""
    if any(meets(c, norm) for c in places):
        return False
    gaz = gazetteer()
    return any(alias not in gaz.weak for _, _, alias in gaz.find(norm))


@lru_cache(maxsize=4096)
def article_text(doc: Document) -> str:
    """The normalized title and text of an article, where its constraints are looked for."""
    return normalize(f"{doc.title}\n{doc.text}")


def meets(constraint: Constraint, text: str, date: str | None = None) -> bool:
    """Whether normalized ``text`` (or the publication ``date``) says what ``constraint`` asks."""
    if constraint.kind == "year":
        year = str(constraint.year)
        in_text = bool(re.search(rf"(?<!\d){year}(?!\d)", text))
        if constraint.month is None:
            return in_text or bool(date and date.startswith(year))
        if date and date.startswith(f"{year}-{constraint.month:02d}"):
            return True
        return in_text and bool(re.search(rf"(?<!\d){constraint.month}\s*月", text))
    return any(form in text for form in constraint.forms)


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
