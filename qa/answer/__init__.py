"""Hits -> an answer a person can trust, or a refusal that says why and shows what is there.

    question.py  what a question constrains (places, names, years) and asks for (a figure, a date, ...)
    measure.py   what a number question's figure measures and counts (多少名网格员: a head count of 网格员)
    support.py   does the evidence meet it: constraints in the article, the right kind of sentence
    fit.py       does a sentence hold the figure asked: its measure, its kind, a level or a change
    scope.py     whose a figure is: the place asked, another place, a wider area, another year
    figures.py   figures and dates in a sentence, and what a figure measures (people, money, …)
    places.py    the gazetteer of Chinese administrative divisions behind place constraints
    english.py   English questions: places in pinyin, other words rendered in Chinese (CC-CEDICT)
    select.py    which sentence answers, and the confidence that the corpus answers at all
    span.py      the exact figure, date or name inside the answer sentence
    cite.py      numbered citations; related passages shown with a refusal

The answer is the best sentence among passages whose article meets every constraint of the
question; a question about 成都 is never answered from an article that does not mention 成都.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date

import numpy as np

from qa.answer.cite import citation, distinct, related
from qa.answer.figures import a_one, figures, states_count, states_quantity
from qa.answer.fit import english_change, fits, named_figures, rate_or_change, states_figures
from qa.answer.measure import ASKS_ENGLISH_COUNT
from qa.answer.places import gazetteer
from qa.answer.question import (MAX_QUESTION_CHARS, QuestionError, analyze, asks_calendar, asks_day, check_question,
                               event_asked, foreign_script, honour_asked, money_spent_on, names_post, publication_asked,
                               set_aside)
from qa.answer.select import (DEFAULT_THRESHOLD, AnswerSettings, Candidates, certainty, closeness, coverage,
                              english_shares, gives_reason_after, newest_close, points_back, pulled_away, score,
                              sureness)
from qa.answer.sounds import heard
from qa.answer.span import answer_span
from qa.answer.scope import story_place
from qa.answer.support import (absent_words, article_text, asked_of, binding, check, headcount_of, meets, names_met,
                              share_named, unknown_words, unmet_owner)
from qa.index import Index
from qa.normalize import has_cjk, normalize
from qa.records import Answer, Constraint, Document, Hit, Question, Support

log = logging.getLogger(__name__)

NOT_FOUND = "语料中没有找到与问题相关的内容。"
FOREIGN = "只能回答中文或英文的问题：这种文字无法与语料可靠地匹配。"
_KIND_WORDS = {"number": "数字", "date": "日期"}
_MEASURE_WORDS = {"people": "人数", "headcount": "人数", "count": "数量", "money": "金额", "share": "比例", "time": "时长",
                  "rank": "名次", "households": "户数"}
_ELSEWHERE_WORDS = {"number": "所问数字", "date": "所问日期"}

__all__ = ["AnswerSettings", "DEFAULT_THRESHOLD", "MAX_QUESTION_CHARS", "NOT_FOUND", "QuestionError", "analyze",
           "answer", "check_question", "prepare"]


def prepare() -> None:
    """Load what the first question would otherwise wait for (~3 s here): jieba's dictionary and
    tagger, the gazetteer, the English-Chinese dictionary."""
    from qa.answer.english import _english_to_chinese
    from qa.answer.sounds import _name_characters
    from qa.tokens import posseg

    posseg().lcut("桂林市公安局")
    gazetteer()
    _english_to_chinese()
    _name_characters()


def answer(question: str, hits: list[Hit], index: Index, qvec: np.ndarray, settings: AnswerSettings = AnswerSettings(),
           *, query: str | None = None, analysis: Question | None = None, k: int = 5,
           encode: Callable[[str], np.ndarray] | None = None) -> Answer:
    """Answer ``question`` from ``hits`` (ranked, possibly more than ``k``) or refuse, saying why.

    ``query`` is what was searched (a follow-up's rewrite), ``qvec`` its vector, ``analysis`` its
    :func:`analyze` result; at most ``k`` passages are cited. ``encode`` embeds a query text: with
    it, the question's focus (:func:`qa.answer.select.focus`) helps choose the answer sentence.
    """
    query = query or question
    q = analysis or analyze(query)
    if foreign_script(query):
        return Answer(question, FOREIGN, False, query=query, reason="language")
    if not hits:
        return Answer(question, NOT_FOUND, False, query=query, reason="no_match")
    # An English name the dictionary cannot render is met where an article writes it by sound (Jared Allen
    # -> 贾里德·艾伦): 73 answerable questions of xquad-en2zh were refused as about a name the corpus lacks.
    q = heard(q, [article_text(index.documents[doc]) for doc in dict.fromkeys(h.chunk.doc_id for h in hits)])
    # A name the corpus never writes (France, 罗保铭) is a missing subject; an English question's names
    # must also be met by the article, as places and years are (support.binding). A Chinese question's
    # other names are not required: jieba's guesses (和威尔, 英语翻译) refused answerable questions.
    unknown = unknown_words(q, index)
    checked = {h.chunk.doc_id: check(q, index.documents[h.chunk.doc_id]) for h in hits}
    supported = [h for h in hits if checked[h.chunk.doc_id].ok]
    if not supported or unknown:
        apart = None if unknown else _places_apart(q, hits, index)
        if apart:
            return _refuse_apart(question, query, q, hits, index, k, apart)
        return _refuse_missing(question, query, q, hits, index, qvec, settings, k, unknown)
    # Among articles that meet the places and years, those that also name the question's people and
    # organizations come first (stable: retrieval order otherwise); for a who-question that asks the
    # holder of a post, so do the passages that name the post (白城市公安局局长是谁: 公安局长张馨 ranks 22nd).
    supported.sort(key=lambda h: (-names_met(q, index.documents[h.chunk.doc_id]),
                                  bool(q.post) and not names_post(q, normalize(h.chunk.text))))
    # A question about the article itself (那篇综述是哪天刊登的, 是哪份报纸刊登的) is answered from the record its citation
    # shows (the date, the outlet) when the article found first has one: its sentences say no such thing (refused as
    # 语料中没有关于「刊登」的所问日期). One without, among others retrieved that have one, does not say it (商洛那篇报道是什么时候
    # 发表的 -/-> its subtitle); where none has (an encyclopedia), the question is searched as any is (drcd-dev: 霍布斯的
    # 第一份引發爭議的文章於何年發表?).
    published = publication_asked(q)
    if published:
        def recorded(doc: Document) -> str | None:
            return doc.date if published == "date" else doc.source

        found_first = index.documents[supported[0].chunk.doc_id]
        if recorded(found_first):
            return _from_the_record(question, query, q, found_first, published, supported, index)
        if any(recorded(index.documents[h.chunk.doc_id]) for h in hits):  # (those retrieved: the corpus records it)
            return Answer(question, _UNRECORDED[published], False, query=query, reason="no_answer",
                          related=related(index, distinct(supported)[:k]))
    # The answer sentence is picked from twice as many passages as are cited (k): the passage that
    # answers often ranks just below the top k (across languages: xquad-en2zh R@5 0.93, R@10 0.97;
    # for Chinese questions it lowered refusals on cmrc2018-trial, xquad-zh and drcd-dev, docs/evaluation.md).
    pool = distinct(supported)
    pool = pool[: settings.pool_factor * k] + _writing_the_count(q, pool[settings.pool_factor * k:], k)
    found = score(q, qvec, pool, index, settings, encode)
    # Is the corpus about this at all? The closest sentence of the passages, and how much of the
    # question's wording the best of their articles (title and text) covers.
    articles = [article_text(d) for d in {h.chunk.doc_id: index.documents[h.chunk.doc_id] for h in pool}.values()]
    conf = sureness(q, found, max(coverage(index, q, articles, normalized=True)))

    def unnamed_subject(sentence: int) -> str | None:
        """A subject the corpus never names (外星人 in 外星人的破案率是多少, answered with 桂林's rate; 高英
        in 高英是怎么死的, asked of an encyclopedia without her; dinosaurs in an English question), or
        one that owns the figure asked and the answer's passage never names (学校 in 学校的破案率是多少),
        that the ``sentence`` is not about in other words either: refused as a missing place is."""
        if encode is None:
            return None
        hit = pool[found.spans[sentence][0]]
        passage = f"{index.documents[hit.chunk.doc_id].title}\n{hit.chunk.text}"
        absent = absent_words(q, index, articles)
        for word in absent or unmet_owner(q, passage):
            # (a Chinese word the corpus never uses is not said in other words by a sentence that has none of
            # its characters: 桂林市消防支队有多少人 -/-> …共有844人次、173个集体被记功嘉奖, which the model finds close)
            # (of three characters or more: 时候 of …在2022年的时候… is no subject; but for what a figure or date is
            # asked of after 的: 任期 of 局长的任期是几年 -/-> 过去五年,…注定是一个极不平凡的五年)
            # (nor is a group whose head count is asked, by a sentence of none of its characters in a passage that never
            # names it: 白城市公安局的特警队有多少人 -/-> 平台现已注册45万余人)
            unsaid = not set(normalize(word)) & set(normalize(found.texts[sentence]))
            if ((absent and has_cjk(word) and (len(word) >= 3 or normalize(word) == asked_of(q)) and unsaid)
                    or (not absent and unsaid and word == headcount_of(q))
                    or pulled_away(q, word, qvec, found.vectors[sentence], encode)):
                return word
        return None

    if conf < settings.threshold:  # (a refusal that can name what the corpus lacks names it)
        word = unnamed_subject(int(np.argmax(found.total)))
        if word is not None:
            return _refuse_missing(question, query, q, hits, index, qvec, settings, k, (Constraint("name", word, (word,)),))
        return Answer(question, NOT_FOUND, False, query=query, confidence=conf, reason="no_match")
    def refuse_elsewhere() -> Answer:  # (only another place's story holds it: 镇赉县 in 白城's report)
        return _refuse_missing(question, query, q, pool, index, qvec, settings, k, found.passing, elsewhere=True)

    def refuse_figures(which: tuple[tuple[str, str], ...]) -> Answer:  # (语料中没有关于「85%」的内容)
        return _refuse_missing(question, query, q, hits, index, qvec, settings, k,
                               tuple(Constraint("name", written, (value,)) for written, value in which), about="内容")

    best = int(np.argmax(found.total))
    # Who or what has a figure the question states is answered only where it is said: not when none of the answers'
    # articles says it (哪个城市的总破案率达到了85% -/-> 桂林's 89.04%), nor by a passage that does not (below). Not held to
    # the answer sentence: the figure is often said in the one before it; nor for a figure or date asked: its
    # question's figures are often reckoned (drcd-dev: 何时…多了176300人).
    named = named_figures(q.text) if q.asks in ("place", "person", "name") else ()
    unstated = tuple((w, v) for w, v in named if not any(states_figures(((w, v),), a) for a in articles))
    if unstated:
        return refuse_figures(unstated)
    if not (found.fit | found.elsewhere).any():
        # (what another place's article states: 商洛的网格员有多少名 -> missing 商洛, only 桂林's counts 网格员)
        elsewhere = _stated_elsewhere(q, found, best, hits, checked, index, qvec, settings, k)
        if elsewhere is not None:
            return _refuse_missing(question, query, q, elsewhere[1], index, qvec, settings, k, elsewhere[0], elsewhere=True)
        return _no_answer(question, query, q, conf, index, pool)
    if found.elsewhere.any() and found.barred[best]:
        return refuse_elsewhere()
    if not found.fit[best] and (asks_calendar(q) or q.how_many):
        # A year, month or day asked (哪一年, 几月几日) is answered by the best sentence that says one when it
        # comes within the unfit penalty again of a closer one that says none (中原大戰在哪一年爆發? was
        # answered 中原大戰結束。; drcd-dev's date questions +5 right, none lost: docs/evaluation.md).
        # So is an amount asked by a sentence that names all of what is asked, which one stating none was
        # refused for (白城群众安全感 -> …以提高群众安全感、满意度为目标…, with 五年来,全市群众安全感持续达到95%以上
        # 0.006 behind); one naming less answered questions the corpus cannot (桂林的发案率是多少 -> 20.36%的
        # 盗抢案件24小时内破获: 13 of 1,694 probes, docs/evaluation.md).
        dated = np.flatnonzero(found.fit)
        if len(dated):
            alt = int(dated[np.argmax(found.total[dated])])
            if found.total[alt] >= found.total[best] - settings.unfit_penalty and (
                    asks_calendar(q) or names_the_topic(q, found.texts[alt]) and states_more_than_one(found.texts[alt])):
                best = alt
    if q.recent:  # 最近/目前: a sentence of the newest article that comes close to the best answers instead
        best = newest_close(found, [index.documents[h.chunk.doc_id].date for h in pool], best, settings.citation_margin)
    best_hit, best_start, best_end = found.spans[best]
    elsewhere = _stated_elsewhere(q, found, best, hits, checked, index, qvec, settings, k)
    if elsewhere is not None:  # (商洛的网格员有多少名: only 桂林's article gives that figure)
        places, others = elsewhere
        return _refuse_missing(question, query, q, others, index, qvec, settings, k, places, elsewhere=True)
    # The question says what it counts (多少群众: people) and the best sentence has no figure of it:
    # 桂林警方走访了多少群众 was answered with …挽回经济损失5233万元, then with a sentence of no figure at all.
    # One that asks an amount is not answered by a sentence that states none (贵港的群众安全感是多少 ->
    # …群众安全感和满意度不断提升); 四十万, 第七, 很多次 are amounts the figure pattern does not read, but
    # not of a year asked: 2012年白城公共视频监控探头总量是多少 -> …新建和改建了…三大场所 (scope.own_figures);
    # nor is a rate or change of something: 商洛的交通事故死亡人数下降了多少 -> 全市刑事案件發案數下降33% (of
    # another kind, fit.of_another_kind), then 桂林的… -> …道路交通事故四项指数五年持续下降; nor an English
    # change by a figure that states none (By how much did Baicheng's criminal cases fall? -/-> …破案率达97.03%).
    # Nor is a rank asked by a sentence that says none (白城的破案率排全省第几 -/-> …命案现案破案率达97.03%).
    if (q.how_many or q.measure == "rank") and not found.fit[best] and (
            q.measure or q.years or rate_or_change(q) is not None or english_change(q)
            or not states_quantity(found.texts[best])
            or (ASKS_ENGLISH_COUNT.search(q.text) and not states_count(found.texts[best]))):  # (no date counts)
        return refuse_elsewhere() if found.elsewhere.any() else _no_answer(question, query, q, conf, index, pool)
    # (the answer's passage says the figure a question states: 哪个城市建成了30个…会客厅 -/-> 商洛's 26個…, whose report
    # says 30個集體 elsewhere)
    if named and not states_figures(named, pool[found.spans[best][0]].chunk.text):
        return refuse_figures(named)
    word = unnamed_subject(best)
    if word is not None:
        return _refuse_missing(question, query, q, hits, index, qvec, settings, k, (Constraint("name", word, (word,)),))
    # A sentence that points back (所以…, 其…, 同年…), or names what is asked by a demonstrative
    # (什么制度 -> 导致这项制度的废弃), is shown with the one before it in its passage: alone it does not
    # say what it is about (所以对处理高球最有效 needs the grip named just before).
    # So is one that owes the date asked to the one a semicolon joins it to (2014年,镇赉县公安局被…评为…;白城市公安局被评为
    # “全国追逃工作先进单位” for 哪年被评为全国追逃工作先进单位).
    own_span = answer_span(q, found.texts[best])  # (the chosen sentence's own, read once)
    if best > 0 and found.spans[best - 1][0] == best_hit and (
            points_back(found.texts[best], q) or found.dated_before is not None and found.dated_before[best]):
        best_start = found.spans[best - 1][1]
    # A where- or who-question answered by a sentence that names no place or person (全市…配备网格员3956名) is shown with
    # the one before it in its passage when that one names one (…桂林市加强网格员队伍建设和管理。): alone it does not say
    # where, the span is taken from the one before.
    elif (q.asks in ("place", "person") and best > 0 and found.spans[best - 1][0] == best_hit
            and own_span is None and answer_span(q, found.texts[best - 1]) is not None):
        best_start = found.spans[best - 1][1]
    # A why-question's reason often follows the sentence that states the fact (…不得走动；这是为了…):
    # when the chosen sentence gives none and the next one in its passage does, both are shown.
    # So is a quotation that names no one, for a who-question, with the sentence after it that says who said it
    # (“…形成了长效机制。” 自治区人大常委会副主任、桂林市委书记赵乐秦在实地走访调研后…).
    if best + 1 < len(found.spans) and found.spans[best + 1][0] == best_hit and (
            gives_reason_after(q, found.texts[best], found.texts[best + 1])
            or (q.asks == "person" and _QUOTE_END.search(found.texts[best]) and own_span is None
                and answer_span(q, found.texts[best + 1]) is not None)):
        best_end = found.spans[best + 1][2]
    log.debug("answer %r dense=%.3f coverage=%.2f confidence=%.3f", found.texts[best][:40], found.dense[best],
              found.context[best_hit], conf)

    # Citation [1] is the passage the answer comes from; the others follow in retrieval order,
    # each with its own best sentence marked.
    best_in_hit = found.best_in_hit()
    # Other passages are cited only when they come close to answering too, not merely because they
    # were retrieved (a question about one article does not cite four unrelated ones).
    close = [h for h in range(len(pool)) if h != best_hit and h in best_in_hit
             and found.total[best_in_hit[h]] >= found.total[best] - settings.citation_margin]
    order = ([best_hit] + close)[:k]
    citations = []
    for h in order:
        _, s, e = (best_hit, best_start, best_end) if h == best_hit else found.spans[best_in_hit[h]]
        total = float(found.total[best_in_hit[h]])
        relevance = "answer" if h == best_hit else closeness(total, float(found.total[best]), settings.citation_margin)
        citations.append(replace(citation(index, pool[h], len(citations) + 1, s, e, total), relevance=relevance))
    sentence = pool[best_hit].chunk.text[best_start:best_end]
    # A day asked is not answered by a sentence that says no month, with the one it points back to
    # (白城的警察节是哪天 -/-> …有一个响当当的名字——白城公安); one that points back past the start of its passage
    # (这次…, shown alone) may owe its date to a sentence not shown. (For any year asked, drcd-dev's refusals
    # rose by 8, all of them wrong answers before, but over the 2 % the issue allows: docs/evaluation.md.)
    alone = best_start == found.spans[best][1]
    if (asks_day(q) and not found.fit[best] and not fits("date", sentence, day=True)
            and not (alone and points_back(found.texts[best], q))):
        return _no_answer(question, query, q, conf, index, pool)
    # Nor is any date asked of a dated report by a sentence that says none, in a passage that says none
    # either (宜州巡警大队什么时候成立的 -/-> …组建150人的巡警大队…: the report never says when). Undated articles
    # (encyclopedias) say when by an era or an event (東漢, 侏羅紀, 一局比賽結束之後): drcd-dev's date questions
    # lost 10 right answers to this rule when it held for every article (docs/evaluation.md).
    if (q.asks == "date" and not found.fit[best] and not fits("date", sentence)
            and index.documents[pool[best_hit].chunk.doc_id].date and not fits("date", pool[best_hit].chunk.text)):
        return _no_answer(question, query, q, conf, index, pool)
    # Nor is the date of an honour asked by a sentence that names less than half of it (its character pairs):
    # 白城市公安局哪一年被评为全国文明单位 -/-> 2012年,白城市公安局被评为全省精神文明先进集体.
    # So is money asked of what it was spent on (the two never ask together: a date, an amount):
    # 隆林县每年投入多少钱修建公路 -/-> …年投入1000余万元打造专业农村警务助理队伍.
    for named in (honour_asked(q), money_spent_on(q)):
        if named and share_named(named, sentence) < 0.5:
            return _refuse_missing(question, query, q, hits, index, qvec, settings, k, (Constraint("name", named, (named,)),))
    # Nor is the date of an event asked of a dated report by a sentence that writes no character of the event's verb
    # (but 年, 月, 日): 欧氏兄弟贩毒团伙最后一名成员是哪一年出生的 -/-> 2020年11月17日,随着最后一名团伙成员欧某富在平乐县城落网;
    # 建立 is said 成立, 播出 首播. (An encyclopedia dates a birth in parentheses, 某某（1920年5月3日－…）, without the verb:
    # undated articles are not held to it.)
    event = event_asked(q)
    if (event and index.documents[pool[best_hit].chunk.doc_id].date
            and not set(event) - set("年月日") & set(normalize(sentence))):
        return _refuse_missing(question, query, q, hits, index, qvec, settings, k, (Constraint("name", event, (event,)),))
    # the span from the chosen sentence itself; from the one before only when it has none (同年 -> 1989年)
    found_in, span = found.texts[best], own_span
    if span is None and (best_start < found.spans[best][1] or best_end > found.spans[best][2]):
        found_in = sentence
        span = answer_span(q, sentence)
    # An answer that is what the question sets aside is none (除了桂林，还有哪个城市配备了网格员 -/-> 桂林市…)
    # (nor, for a place asked, one that names no place: 除了白城以外，还有哪个城市… -/-> 白城's …破案率达97.03%)
    aside, said = set_aside(q), normalize(found_in[span[0]:span[1]]) if span else ""
    if aside and (said and (aside in said or said in aside) or not said and q.asks == "place"):
        return _no_answer(question, query, q, conf, index, pool)
    return Answer(question, sentence.strip(), True, citations, query=query, confidence=conf,
                  answer_span=found_in[span[0]:span[1]] if span else None, certainty=certainty(conf, settings.threshold))


_CJK_ONLY = re.compile(r"[\u4e00-\u9fff]{3,}")
_QUOTE_END = re.compile(r"[”」』\"]\s*$")  # a sentence that is a quotation ends with its closing mark


_UNRECORDED = {"date": "找到了这篇文章，但它的记录中没有日期。", "source": "找到了这篇文章，但它的记录中没有来源。"}


def _from_the_record(question: str, query: str, q: Question, doc: Document, published: str, hits: list[Hit],
                     index: Index) -> Answer:
    """The ``published`` date or outlet of ``doc`` (:func:`publication_asked`), citing its first passage retrieved."""
    opening = min((h for h in hits if h.chunk.doc_id == doc.id), key=lambda h: h.chunk.start)
    chinese = has_cjk(q.text)
    if published == "date":
        try:
            day = date.fromisoformat(doc.date)
            value = f"{day.year}年{day.month}月{day.day}日" if chinese else day.isoformat()
        except ValueError:  # (a record's date as written)
            value = doc.date
        text = (f"《{doc.title}》{f'（{doc.source}）' if doc.source else ''}的日期：{value}。" if chinese
                else f"“{doc.title}”{f' ({doc.source})' if doc.source else ''} is dated {value}.")
    else:
        value = doc.source
        text = f"《{doc.title}》的来源：{value}。" if chinese else f"“{doc.title}” is from {value}."
    cited = replace(citation(index, opening, 1, 0, 0, opening.score), relevance="answer")
    return Answer(question, text, True, [cited], query=query, confidence=1.0, answer_span=value, certainty="high")


def _writing_the_count(q: Question, rest: list[Hit], k: int) -> list[Hit]:
    """Up to ``k`` passages of ``rest`` (ranked below the answer pool) that write what a Chinese count question
    counts word for word, three characters or more (走访群众 of 白城走访了多少群众: the passage with 走访群众39440人
    ranks 12th of 白城's long report, and the question was refused as no sentence giving the number). Not for a
    question naming a year: a figure its sentence gives no year is taken for the year before its report's too
    (scope.article_time), and 白城2015年走访了多少群众 would be answered from a report of November 2016."""
    if not (q.how_many and has_cjk(q.text)) or q.years:
        return []
    words = {w for w in (normalize(q.topic), normalize(q.counted)) if _CJK_ONLY.fullmatch(w)}
    return [h for h in rest if any(w in normalize(h.chunk.text) for w in words)][:k]


def _no_answer(question: str, query: str, q: Question, conf: float, index: Index, pool: list[Hit]) -> Answer:
    """Related passages, but no sentence of them holds what is asked: say what, and show them as related."""
    if q.post:  # (an English post as asked: 说出谁任「mayor」)
        asked = f"说出谁是{q.post}" if has_cjk(q.post) else f"说出谁任「{q.post}」"
    else:
        asked = f"给出所问的{_MEASURE_WORDS.get(q.measure) or _KIND_WORDS.get(q.asks, '内容')}"
    return Answer(question, f"找到了相关内容，但其中没有一句{asked}。", False, query=query, confidence=conf,
                  reason="no_answer", related=related(index, pool))


# An article about another place that states a figure's question this much more fully (share of its
# words) than the answer sentence does gives the figure of that place (:func:`_stated_elsewhere`); an
# English question's few words are rendered loosely, so its margin is wider (at least two of 4-7 words).
ELSEWHERE_MARGIN = 0.2
ENGLISH_ELSEWHERE_MARGIN = 0.3


def _stated_elsewhere(q: Question, found: Candidates, best: int, hits: list[Hit], checked: dict[str, Support],
                      index: Index, qvec: np.ndarray, settings: AnswerSettings,
                      k: int) -> tuple[tuple[Constraint, ...], list[Hit]] | None:
    """For a question asking a figure or a date of a place: when a retrieved article that does not
    mention that place has a sentence with a figure (date) that repeats ``ELSEWHERE_MARGIN`` more of
    the question's words (an English question's: renders ``ENGLISH_ELSEWHERE_MARGIN`` more) than the
    chosen answer sentence (``found``'s ``best``) does, the corpus states it for another place, not
    this one: 商洛的网格员有多少名 over a corpus where only Guilin's article counts 网格员 was answered
    from Shangluo's article with a count of commended officers. Returns the places those articles
    lack and their passages (shown as related), or ``None``; ``checked`` is each hit's article's
    :func:`check`. Not for other questions: a who/where question's words recur in many articles
    (drcd-dev lost right answers), nor for a year alone (cmrc2018-trial: 卡塞雷斯's 2007 population)."""
    if q.asks not in ("number", "date") or not any(c.kind == "place" for c in binding(q)):
        return None
    places_missing = {doc: tuple(c for c in support.missing if c.kind == "place") for doc, support in checked.items()}
    others = distinct([h for h in hits if places_missing[h.chunk.doc_id]])[:k]
    alt = score(q, qvec, others, index, settings) if others else None
    if alt is None:
        return None
    # (of any place: a figure these articles say of a wider area, 全区…348个, is theirs too)
    stated = np.where(alt.holds, alt.overlap, -1.0)
    top = int(np.argmax(stated))
    margin = ELSEWHERE_MARGIN if has_cjk(q.text) else ENGLISH_ELSEWHERE_MARGIN
    if round(float(stated[top] - found.overlap[best]), 6) < margin:  # (shares of a few words: 0.3 - 0.1)
        return None
    # (an English question's words weighed by how few passages use them too: How many people did Baicheng
    # police visit? -/-> 商洛's …民輔警…走訪群眾73.1萬余戶, ahead of 白城's 走访群众39440人 by "police" alone)
    if not has_cjk(q.text):
        theirs, ours = english_shares(index, q, [alt.texts[top], found.texts[best]])
        if theirs - ours < margin:
            return None
    hit = others[alt.spans[top][0]]
    return places_missing[hit.chunk.doc_id], [hit] + [h for h in others if h is not hit]


def _refuse_missing(question, query, q: Question, hits, index, qvec, settings, k, unknown=(),
                    elsewhere=False, about: str | None = None) -> Answer:
    """No retrieved article meets every constraint, or the question's subject is not in the corpus
    (``unknown``): name what is missing, show what is there. ``elsewhere``: the figure or date is
    stated only for other places (:func:`_stated_elsewhere`), ``hits`` are theirs; the place asked is
    in the corpus, so a question without a usable topic (English) is refused for the figure asked, not
    for anything about the place."""
    # Missing from every retrieved article (成都), else from the nearest one (a year it does not cover).
    missing = _met_by_none(binding(q), hits, index)
    if not missing and not unknown:
        missing = list(check(q, index.documents[hits[0].chunk.doc_id]).missing)
    missing += [c for c in unknown if c not in missing]
    top = distinct(hits)[:k]
    near = score(q, qvec, top, index, settings)
    conf = sureness(q, near, max(near.context)) if near else 0.0
    names = "、".join(f"「{c.shown()}」" for c in missing)
    topic = _RESPECTIVELY.sub("", q.topic)  # (桂林和成都的破案率分别是多少: the 破案率, not 破案率分别)
    for c in unknown:  # (a missing noun is in the topic: 外星人的破案率 -> 破案率)
        topic = "".join(p.strip("的在了是和与及上 ") for p in topic.split(c.text))
    if any(normalize(c.text) == asked_of(q) for c in unknown):  # (局长的年龄: what is left, 局长, is not what is asked)
        topic = ""
    # (罗保铭在桂林抓了多少人 leaves 抓: not a topic; How many people did Baicheng police visit?, answered
    # only by 商洛's article, is not refused for "nothing about Baicheng")
    # (a date asked: the topic keeps what the asking leaves, 镇赉县哪年被评为… -> 年被评为全国优秀)
    about = about or (_ELSEWHERE_WORDS["date"] if q.asks == "date" else topic if 2 <= len(topic) <= 10
                      else _ELSEWHERE_WORDS[q.asks] if elsewhere else "内容")
    text = f"语料中没有关于{names}的{about}。"
    shown = []
    if near is not None and conf >= settings.threshold:
        shown = related(index, top)
        # (a place an article mentions in passing: the sentence of another place's that holds what is
        # asked, not one of its own story that does not: 镇赉县 -> 白城's …命案现案破案率达97.03%)
        theirs = near.unlocated & near.holds
        story = elsewhere and theirs.any()
        best_i = int(np.argmax(np.where(theirs, near.total, -np.inf) if story else near.total))
        hit, start, end = near.spans[best_i]
        hit = top[hit]
        where = (story and story_place(index.documents[hit.chunk.doc_id], hit.chunk.start + start, hit.chunk.start + end)
                 or _places(index, hit, {normalize(c.text) for c in missing}))
        best = near.texts[best_i].strip()
        text += f"相关内容{f'（{where}）' if where else ''}：{best}"
    return Answer(question, text, False, query=query, confidence=conf, reason="missing",
                  missing=tuple(c.shown() for c in missing), related=shown)


def _places_apart(q: Question, hits: list[Hit], index: Index) -> list[Constraint] | None:
    """The places of a question that names several (桂林和白城的破案率分别是多少) when no retrieved article
    meets them all but each is met by one: the corpus answers each apart, not together."""
    places = [c for c in q.constraints if c.kind == "place"]
    return places if len(places) >= 2 and not _met_by_none(places, hits, index) else None


def _met_by_none(constraints, hits: list[Hit], index: Index) -> list[Constraint]:
    """The ``constraints`` that no article of ``hits`` meets (title, text or date)."""
    docs = [index.documents[h.chunk.doc_id] for h in hits]
    texts = [article_text(d) for d in docs]
    return [c for c in constraints if not any(meets(c, t, d.date) for t, d in zip(texts, docs))]


# What joins places named together: 桂林和白城, 桂林、白城, Guilin and Baicheng
_JOINED = r"\s*(?:和|与|及|跟|同|、|,|，|\band\b|&)\s*"
_RESPECTIVELY = re.compile(r"分别|各自|\s*\brespectively\b", re.IGNORECASE)
_COMPARES = re.compile(r"哪个|哪一|谁|比|更|\b(?:which|compare[sd]?|higher|lower|more|less|than)\b", re.IGNORECASE)


def states_more_than_one(sentence: str) -> bool:
    """Does ``sentence`` state a figure that is not "a" (一种, 一个: 探头多了,对犯罪分子是一种极大的震慑)?"""
    return any(not a_one(sentence, span) for span in figures(sentence))


def names_the_topic(q: Question, sentence: str) -> bool:
    """Does ``sentence`` name all of what a Chinese question asks about (its topic: 群众安全感)?"""
    topic = normalize(q.topic)
    return has_cjk(q.text) and len(topic) >= 2 and topic in normalize(sentence)


def _refuse_apart(question, query, q: Question, hits, index, k, places: list[Constraint]) -> Answer:
    """A question about several places that no article speaks of together (each is in the corpus, in
    its own articles) is refused for that, not for a place "missing" — and shown how to ask: one
    place at a time (桂林的破案率是多少？白城的破案率是多少？), when the places are named side by side."""
    names = "、".join(f"「{c.shown()}」" for c in places)
    text = f"语料中没有同时讲到{names}的文章，这个问题无法用一处原文回答。"
    joined = re.search(_JOINED.join(re.escape(c.text) for c in places), query)
    if joined and not _COMPARES.search(query):
        each = [_RESPECTIVELY.sub("", query[:joined.start()] + c.text + query[joined.end():]).strip() for c in places]
        text += "请分别提问：" + "".join(f"「{e}」" for e in each)
    else:  # (白城和桂林哪个破案率高: one place at a time asks nothing of the kind)
        text += f"请就{names}分别提问。"
    return Answer(question, text, False, query=query, reason="separate", related=related(index, distinct(hits)[:k]))


def _places(index: Index, hit: Hit, exclude: set[str]) -> str:
    """The province- or city-level places a passage's article is about (桂林), for a refusal."""
    gaz = gazetteer()
    doc = index.documents[hit.chunk.doc_id]
    names: list[str] = []
    for text in (normalize(doc.title), normalize(hit.chunk.text)):
        for _, _, alias in gaz.find(text):
            codes = gaz.aliases[alias]
            if alias in exclude or alias in gaz.weak or not any(gaz.places[c].level < 2 for c in codes):
                continue
            short = min(gaz.forms(codes), key=len)
            if short not in names:
                names.append(short)
        if names:
            break
    return "、".join(names[:2])
