"""Whose a figure is: the place and the year a sentence says it of, read from the clause that holds it
and the clauses before it, and the time of its article. Texts are compared normalized, positions are
:func:`qa.normalize.aligned`'s (those of :func:`qa.answer.figures.figures`)."""

from __future__ import annotations

import re
from functools import lru_cache

from qa.answer.figures import dates
from qa.answer.places import gazetteer
from qa.normalize import aligned, normalize
from qa.records import Constraint, Document


_MONTHS = dict(enumerate("一 二 三 四 五 六 七 八 九 十 十一 十二".split(), start=1))  # (a month in numerals: 七月)


_IN_NUMERALS = [str.maketrans("0123456789", zero + "一二三四五六七八九") for zero in "〇零"]


def meets(constraint: Constraint, text: str, date: str | None = None) -> bool:
    """Whether normalized ``text`` (or the publication ``date``) says what ``constraint`` asks."""
    if constraint.kind == "year":
        year = str(constraint.year)
        in_text = bool(re.search(rf"(?<!\d){year}(?!\d)", text)) or any(
            f"{year.translate(zero)}年" in text for zero in _IN_NUMERALS)  # (二〇二二年, 二零零九年)
        if constraint.month is None:
            return in_text or bool(date and date.startswith(year))
        if date and date.startswith(f"{year}-{constraint.month:02d}"):
            return True
        written = _MONTHS[constraint.month]  # (2012年七月 as often as 2012年7月)
        if date and date.startswith(year) and re.search(rf"今年\s*(?:{constraint.month}|{written})\s*月", text):
            return True  # (a report of the year says 今年1月至10月 for 2018年1月至10月)
        return in_text and bool(re.search(rf"(?<!\d){constraint.month}\s*月|(?<![一二三四五六七八九十]){written}月", text))
    return any(form in text for form in constraint.forms)


def own_figures(sentence: str, spans: list[tuple[int, int]], places: tuple[Constraint, ...],
                years: tuple[Constraint, ...] = (), time: frozenset[int] = frozenset()) -> list[tuple[int, int]]:
    """The figures at ``spans`` of ``sentence`` that may be said of ``places`` and ``years`` (a number
    question's): not in a clause that names another place (:func:`_said_of_another`), nor after one in a
    sentence that never names them, nor in a clause that names another year,
    nor, where the sentence names no year, of an article whose ``time`` (:func:`article_time`, empty
    when unknown) is not the year asked (:func:`_of_another_year`), nor after a wider area
    (:func:`_broader_scope`; not the 1月 of 今年1月至10月,广西…, while 连续4年 counts)."""
    text = aligned(sentence)  # (positions as figures' are)
    if places:
        spans = [span for span in spans if not _said_of_another(text, span, places)]
        # (a sentence that never names the places asked but names another before a figure speaks of that one:
        # 桂林零发案单位有多少个 -/-> 截至目前,雁山区电信网络诈骗发案同比下降10.79%,1个乡镇、128个村居…“零发案”)
        norm = normalize(text)
        if not any(meets(c, norm) for c in places):
            spans = [span for span in spans if not another_place(normalize(text[:span[0]]), places)]
    if years:
        spans = [span for span in spans if not _of_another_year(text, span, years, time)]
    broader = _broader_scope(text, places) if places else None
    if broader is None:
        return spans
    taken = [(x, y) for x, y in dates(sentence) if re.search(r"月|\d{4}", sentence[x:y])]
    return [(a, b) for a, b in spans if a < broader and not any(x <= a and b <= y for x, y in taken)]


_CLAUSE_END = re.compile(r"[，,;；。！？!?\n]")


def clause(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """Where the clause of ``text`` holding ``span`` starts and ends (:data:`_CLAUSE_END`)."""
    starts = [m.end() for m in _CLAUSE_END.finditer(text, 0, span[0])]
    end = _CLAUSE_END.search(text, span[1])
    return (starts[-1] if starts else 0), (end.start() if end else len(text))


def _said_of_another(text: str, span: tuple[int, int], places: tuple[Constraint, ...]) -> bool:
    """Does the clause of :func:`aligned` ``text`` holding the figure at ``span`` name a place, but
    none of ``places``? (桂林市公安局要求…,北海市公安局从机关安排100名警力…: 100名 is Beihai's.)"""
    start, end = clause(text, span)
    return another_place(normalize(text[start:end]), places)


_YEAR_SPAN = re.compile(r"(?<!\d)((?:1[5-9]|20)\d{2})\s*(?:年\s*)?(?:到|至|[-—~～])\s*((?:1[5-9]|20)?\d{2})\s*年")
# a year named: 2022年, 2019届 (a class), or the first of a span (1991到2000年, 1991-2000, 1620-21年)
_YEAR_NAMED = re.compile(r"(?<!\d)((?:1[5-9]|20)\d{2})(?=\s*(?:年|届|(?:到|至|[-—~～])\s*(?:(?:1[5-9]|20)\d{2}|\d{2}\s*年)))")
# a total of several years: 5年来, 五年來, 多年来, 近年来 (a year named, 2021年以来, is a year named instead)
_HELD = re.compile(r"持续|始终|一直|保持|均")  # a level held through the years
_YEARS_SINCE = re.compile(r"(?:[2-9]|\d{2,}|[二两三四五六七八九十几多近])年(?:以)?来")


def _of_another_year(text: str, span: tuple[int, int], years: tuple[Constraint, ...],
                     time: frozenset[int] = frozenset()) -> bool:
    """Does :func:`aligned` ``text``, up to the end of the clause holding the figure at ``span``, name
    a year, but none of ``years``? A year often scopes the clauses after it (2021年桂林的破案率是多少:
    截至2020年11月,全市现行案件破案率攀升至45.76% and …,2022年分别达79.17%和73.27%,… are not 2021's).
    A figure whose sentence names no year is of its article's ``time`` (:func:`article_time`): 2015年桂林
    有多少名网格员 was answered with the 3956名 of a report on 2020 that names 2015 for another figure."""
    upto = text[:clause(text, span)[1]]
    named = years_named(upto)
    asked = {c.year for c in years}
    if not named:  # (time only where the whole sentence names none: 直到1600年 does not date 幾千年來)
        # (5年来…抓获犯罪嫌疑人5428名: the years' total, not one year's; but a share held all those years is
        # each one's: 五年来,全市群众安全感持续达到95%以上)
        if _YEARS_SINCE.search(upto) and not (_HELD.search(text[clause(text, span)[0]:span[0]])
                                              and "%" in text[span[0]:span[1]]):
            return True
        return bool(time) and not time & asked and not years_named(text)
    # (a year named before it in its own clause is the figure's, but the one compared with: 从2015年的82.04%提升到
    # 2020年…的98.26% asked of 2020 -/-> 82.04%; 比2019年提高5个百分点 is the year the sentence names; 在2021年和
    # 2022年连续两年保持100% is both years')
    start = clause(text, span)[0]
    before = years_named(_COMPARED.sub("", text[start:span[0]]))
    if before and not before & asked:
        return True
    return not named & asked


# (a year compared with: 比2019年, 同比2019年, 较2019年, 与2019年相比, 2019年同期; not a list's, 2021年和2022年)
_COMPARED = re.compile(r"(?:比|较)\s*(?:1[5-9]|20)\d{2}\s*年?|(?:1[5-9]|20)\d{2}\s*年?\s*(?:相比|相较|比较|同期)")


def years_named(text: str) -> set[int]:
    """The years ``text`` names, a span of years (2019至2021年) with the years between."""
    named = {int(m.group(1)) for m in _YEAR_NAMED.finditer(text)}
    for m in _YEAR_SPAN.finditer(text):  # (1620-21年: the century of the first)
        first, last = m.group(1), m.group(2)
        named.update(range(int(first), int(first[:2] + last if len(last) == 2 else last) + 1))
    return named


@lru_cache(maxsize=4096)
def article_time(doc: Document) -> frozenset[int]:
    """The years an article's figures are of where their sentence names none: the year of its date
    and the year before (a report of 2021-01-06 gives 2020's figures), or for an article without a
    date, the latest year it names and the year before; empty when it names none (not known)."""
    if doc.date and re.match(r"\d{4}", doc.date):
        year = int(doc.date[:4])
    else:
        named = years_named(aligned(f"{doc.title}\n{doc.text}"))
        if not named:
            return frozenset()
        year = max(named)
    return frozenset((year - 1, year))


# Words that put what follows them in a whole province or country: a city's figure is not among them.
# 全区 is a city's district or a region (广西); either way not the city's own total.
_WIDER = {1: re.compile(r"全国|全省|全自治区|全区"), 2: re.compile(r"全国|全省|全自治区"),
          0: re.compile(r"全市|全县")}  # (for a province asked, a city's or county's whole: narrower, not it either)
# ... unless they name the level of an honor or a rank, not an area counted: 被评为全区“枫桥式公安派出所”,
# 已创建全国、全省“枫桥式公安派出所”各1个, 排名全区第一, 全区首个, 在全区率先 (but 被评为全区20个…之一 counts the region's)
_RANK_AFTER = re.compile(r"(?:、全[国省区])*(?:[“\"「『]|第[一二三四五六七八九十\d]|首|率先|前列|前茅|领先|唯一|(?:名列|排名|位居|位列)"
                         r"|(?!\d)[^,，、;；。]{0,12}?(?:锦标赛|运动会|比赛|大赛|大会)"  # (an event's: 全国青少年U19排球锦标赛)
                         r"|[^\d,，、;；。已共建有]{0,6}?(?:优秀|先进|模范|最美|示范|十佳|标兵|文明|巾帼))")  # (全国公安机关爱民模范集体)
_HONOR_BEFORE = re.compile(r"(?:评为|获评|荣获|授予)$")


def _broader_scope(norm: str, places: tuple[Constraint, ...]) -> int | None:
    """Where normalized (:func:`aligned`) sentence ``norm`` starts speaking of an area wider than the city or county
    ``places`` asks about, if it never names them: a word such as 全区 (…全区已建成派出所综合指挥调度室348个,
    asked of 贵港) or a province's name (广西刑事案件发案数同比下降9.3%, asked of 桂林); for a province asked,
    a city's or county's whole (全市…配备网格员3956名, asked of 广西), which is not the province's either.
    ``None`` when it names them. (Only what follows: …破案率排名全区第一 is Guilin's rate, ranked in the
    region.)"""
    gaz = gazetteer()
    if any(meets(c, norm) for c in places):
        return None
    level = min((gaz.places[code].level for code in _codes(places)), default=None)
    if level is None:
        return None
    # (全国各地 says where from, not of what area: 一个盘踞在全国各地…的团伙被打掉,…追回被骗的93万元 is 全州's)
    starts = [m.start() for m in _WIDER[level].finditer(norm)
              if not (level and _names_a_level(norm, m.start(), m.end())) and not norm.startswith("各地", m.end())]
    # (nor does a wider place that says where the subject lies: 位于云南省西北部,大理白族自治州北部,面积2395平方公里)
    starts += [start for start, end, alias in gaz.find(norm, strong=True)
               if min(gaz.places[code].level for code in gaz.aliases[alias]) < level
               and not (_LOCATED_IN.search(norm, 0, start) or _PART_OF.match(norm, end))]
    return min(starts, default=None)


_LOCATED_IN = re.compile(r"(?:位于|地处|坐落[于在])$")
_PART_OF = re.compile(r"[东西南北中]{1,2}部")


def _names_a_level(norm: str, start: int, end: int) -> bool:
    """Is the 全国/全区 at ``start``:``end`` of ``norm`` the level of an honor or a rank (:data:`_RANK_AFTER`)?"""
    return bool(_RANK_AFTER.match(norm, end)
                or _HONOR_BEFORE.search(norm, 0, start) and not re.match(r"\d|[一二两三四五六七八九十百几数]", norm[end:end + 1]))


@lru_cache(maxsize=4096)
def _title_codes(title: str) -> frozenset[str]:
    gaz = gazetteer()
    return frozenset(code for _, _, alias in gaz.find(normalize(title), strong=True) for code in gaz.aliases[alias])


def of_a_place_within(doc: Document, places: tuple[Constraint, ...]) -> bool:
    """Is ``doc`` about a city or county within a province asked, not about the province (its title
    names 桂林, not 广西: 广西的破案率是多少 is not answered by the Guilin report's 八类…破案率分别达到89.04%;
    with no place in its title, its text names 白城 most, :func:`_own_codes`)?"""
    codes = _codes(places)
    asked = {code for code in codes if gazetteer().places[code].level == 0}
    if not asked:
        return False
    own = _own_codes(doc)  # (its title's places, else its text's: 吉林省的命案破案率是多少 -/-> 白城's 97.03%)
    # (广西桂林的破案率是多少 asks the city too: its report is the one)
    return not own & codes and any(_holds(a, {code}) for a in asked for code in own)


# A place named as part of a person's post (桂林市副市长、公安局局长朱永辉指令…) says who speaks, not where
# what the sentence tells happened.
_POST_AFTER = re.compile(r"[市县区州旗]?(?:委|政府)?(?:常委)?、?(?:[^\W\d]{0,5}?)(?:副)?(?:市长|县长|区长|州长|书记|局长|主任|政委|主席)")


def passing(doc: Document, places: tuple[Constraint, ...]) -> tuple[Constraint, ...]:
    """The places asked that ``doc`` mentions only in passing: it is about another place (its title
    names it, or, with no place in its title, its text names it most), which neither is nor lies within
    them. Such an article's sentences speak of the place only where :func:`located` says so: 镇赉县的命案
    现案破案率是多少 was answered with 白城's 97.03% (the report names 镇赉县 for two honors), 资源县那家公司被骗了
    多少钱 with 全州县's 169万元."""
    own = _own_codes(doc)
    if not own:
        return ()
    named = {code for _, _, codes, _ in _mentions(doc) for code in codes}
    return tuple(c for c in places if (codes := _codes((c,))) & named and not codes & own
                 and not any(_holds(code, own) for code in codes))  # (广西 of a report on 桂林: of_a_place_within)


def located(doc: Document, start: int, end: int, places: tuple[Constraint, ...]) -> bool:
    """Does the sentence at ``start``:``end`` of ``doc.text`` speak of one of ``places`` (those it
    mentions in passing, :func:`passing`)? It names one (or a place within one), or it names no other
    place and the last place named before it is one: a story told in the sentences after its place
    (2020年10月9日,全州县公安局…; 3天之后,…为被害人追回被骗的93万元). A place within a person's post
    (桂林市副市长…) is not where a story is."""
    asked = _codes(places)
    before = None
    for m_start, _, codes, strong in _mentions(doc):
        if m_start >= end:
            break
        ours = any(code in asked or any(_holds(a, {code}) for a in asked) for code in codes)
        if m_start >= start:  # (in the sentence)
            if ours:
                return True
            if strong:
                before = False
        elif ours or strong:
            before = ours
    return bool(before)


def story_place(doc: Document, start: int, end: int) -> str:
    """The place whose story the sentence at ``start``:``end`` of ``doc.text`` tells (:func:`located`):
    the first it names, or else the last named before it, by its shortest name (全州 for 3天之后,…追回
    被骗的93万元); "" when none is named."""
    own, last = _own_codes(doc), ""
    for m_start, _, codes, strong in _mentions(doc):
        if m_start >= end:
            break
        # (a place of the article's own province: not 和县 of 市县公安机关和县级…)
        if strong and any(code[:2] == o[:2] for code in codes for o in own):
            last = min(gazetteer().forms(codes), key=len)
            if m_start >= start:
                break
    return last


@lru_cache(maxsize=256)
def _mentions(doc: Document) -> tuple[tuple[int, int, frozenset[str], bool], ...]:
    """The places ``doc.text`` names, in order: (start, end, codes, strong); a county's weak short form
    (:attr:`Gazetteer.weak`), a name that is also a common word (:func:`_common`) and a place within a
    person's post are not strong: only the asked place's own names count for them."""
    gaz = gazetteer()
    text = aligned(doc.text)
    norm = text if text is not doc.text else normalize(doc.text)
    if len(norm) != len(doc.text):  # (positions must be the text's: a rare script conversion that changes them)
        return ()
    return tuple((start, end, frozenset(gaz.aliases[alias]),
                  alias not in gaz.weak and not _common(alias) and not _POST_AFTER.match(norm, end))
                 for start, end, alias in gaz.find(norm))


@lru_cache(maxsize=4096)
def _common(alias: str) -> bool:
    """Is a two-character place name also a common word, as jieba tags it alone (城区, 城中: a district
    of 山西 and of 广西, and what 负责城区的接处警工作 says)?"""
    from qa.tokens import posseg

    cut = list(posseg().cut(alias))
    return len(alias) == 2 and len(cut) == 1 and not cut[0].flag.startswith(("ns", "nr", "nt", "nz"))


@lru_cache(maxsize=256)
def _own_codes(doc: Document) -> frozenset[str]:
    """The places ``doc`` is about: those its title names; with none there, those its text names at
    least half as often as the one it names most (at least twice): a report on 白城, on 广西 and 贵港."""
    titled = _title_codes(doc.title or "")
    if titled:
        return titled
    counts: dict[str, int] = {}
    for _, _, codes, strong in _mentions(doc):
        for code in codes if strong else ():
            counts[code] = counts.get(code, 0) + 1
    most = max(counts.values(), default=0)
    return frozenset(code for code, n in counts.items() if most >= 2 and 2 * n >= most)


def names_wider(norm: str, places: tuple[Constraint, ...]) -> bool:
    """Does normalized ``norm`` name one of ``places`` or speak of a whole province (全区, 全省)?"""
    return any(meets(c, norm) for c in places) or bool(_WIDER[1].search(norm))


def another_place(norm: str, places: tuple[Constraint, ...]) -> bool:
    """Does normalized ``norm`` name a place (not a county's weak short form, nor a name that is a common
    word, :func:`_common`: 城区, nor the province or city that holds one of ``places``: 建成26个“陕西公安暖心警务
    会客厅” asked of 商洛) but none of ``places``?
    (Whether a figure is a wider area's is :func:`_broader_scope`'s to say.)"""
    if any(meets(c, norm) for c in places):
        return False
    gaz = gazetteer()
    asked = _codes(places)
    return any(not _common(alias) and not all(_holds(code, asked) for code in gaz.aliases[alias])
               for _, _, alias in gaz.find(norm, strong=True))


def narrower(places: tuple[Constraint, ...]) -> tuple[Constraint, ...]:
    """The places asked that lie within another place asked (大安市 of 白城的大安市公安局获得过什么荣誉):
    an article about the wider one meets both, and only a sentence that names the narrower is about it."""
    return tuple(c for c in places if any(_holds(code, _codes((c,))) for other in places if other is not c
                                          for code in _codes((other,))))


def _codes(places: tuple[Constraint, ...]) -> set[str]:
    """The gazetteer codes of the places a question asks about (by every form it wrote them in)."""
    aliases = gazetteer().aliases
    return {code for c in places for form in c.forms for code in aliases.get(form, ())}


def _holds(code: str, asked: set[str]) -> bool:
    """Is the province or city ``code`` one that holds a place of ``asked`` (广西 holds 桂林 and 灵川)?"""
    prefix = {0: 2, 1: 4}.get(gazetteer().places[code].level)
    return prefix is not None and any(a != code and a[:prefix] == code[:prefix] for a in asked)
