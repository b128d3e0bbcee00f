"""Figures and dates in a sentence, and what a figure measures.

A figure is what can answer 'how many' (3956名, 96.7%, 2.6萬余人, 三成, 一半), not a bare year; a date is
what can answer 'when' (2022年4月25日, 13世紀, 道光二十二年). Both are found in either script, at the
positions of the text as written. What a figure measures (people, money, a share, …) is read from
what follows its numerals, so that a question that says what it counts is not answered by a figure
of something else (:func:`answers_measure`).
"""

from __future__ import annotations

import re

from qa.normalize import aligned, normalize

_DIGITS = r"\d+(?:[.,]\d+)*"
_ZH_NUM = r"[零〇一二两三四五六七八九十百千万亿]+(?:点[零〇一二三四五六七八九]+)?"
_MEASURE = (r"(?:[多余]?(?:人次|场次|架次|批次|班次|车次|万元|亿元|万人|平方公里|平方米|公里|公顷|小时|分钟|个|名|人|次|起|件|家|元|户|条|所|支|辆|部|台|"
            r"岁|年|天|日|月|秒|米|亩|吨|倍|项|座|处|场|批|股|只|头|种|位|篇|本|册|枚|届|期|张|份|套|间|层|级|分|英里|英尺))")
# A figure: Arabic digits with an optional scale (340余万条), percent sign and measure word; or a Chinese
# numeral that is followed by a measure word or 成/% (六次, 三成), so 一些/统一 are not figures, or that
# counts in 万/亿 (有 一千万 人口, 四十万; not 千万 "by all means", which no numeral starts).
FIGURE = re.compile(
    rf"(?:约|近|超过|逾)?(?:{_DIGITS}(?:\s*[余多]?(?:万|亿|千|百))*\s*(?:%|％|‰)?{_MEASURE}?"
    rf"|百分之{_ZH_NUM}|{_ZH_NUM}(?:%|％|成|{_MEASURE})|[一二两三四五六七八九十][零〇一二两三四五六七八九十百千]*[万亿]"
    rf"|一半|半数|过半|[数几][十百千万亿]{_MEASURE}?)"
)
# a part of a date, not an amount: a year (2022年), a month (2015年7月: 多少个月 is 7个月), a month's day (4月25日)
_DATE_FIGURE = re.compile(r"(?:1[5-9]|20)\d{2}年|\d{1,2}\s*月|(?<=月)\d{1,2}\s*[日号]")
DATE = re.compile(
    r"(?:(?:1[5-9]|20)\d{2}\s*年\s*)?\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?|(?:1[5-9]|20)\d{2}\s*年(?:代|初|底|末)?"
    r"|(?:1[5-9]|20)\d{2}[-./]\d{1,2}(?:[-./]\d{1,2})?|[〇零一二三四五六七八九]{4}年|[一二三四五六七八九十]{1,3}月(?:[一二三四五六七八九十]{1,3}[日号])?"
    r"|\b(?:1[5-9]|20)\d{2}\b|(?:公元前?)?\d{1,4}\s*年|(?:公元前?)?[一二三四五六七八九十\d]{1,3}\s*世纪(?:初|末|中叶|\d+年代)?"
    r"|(?:(?!的)[\u4e00-\u9fff]){2}[元一二三四五六七八九十]{1,3}年"  # reign years: 道光二十二年 (not 过去的五年)
)


# What a figure measures (:func:`measure_of`), read from what follows its numerals (figures() stops at
# the 日 of 14800日元): a figure of one kind does not answer a question asking another
# (:attr:`Question.measure`: 5233万元 for 走访了多少群众, 7名 for how many gangs).
_SHARE_MARK = re.compile(r"[%％‰]|百分之|成$")
_NUMERALS = re.compile(r"^(?:约|近|超过|逾)?[\d.,\s零〇一二两三四五六七八九十百千万亿点数几半余多]*")  # (340余万条)
_LATIN_UNIT = re.compile(r"(?i:km|cm|mm|kg|mg|ml|ft|mph|kw|mw|hz|khz|mhz|ghz|gb|mb|kb|tb)(?![A-Za-z])|[mgt](?![A-Za-z])")
_MEASURED = (
    ("share", re.compile(r"个?百分点")),
    ("money", re.compile(r"[余多]?\s*(?:元|美元|日元|欧元|英镑|港元|港币|台币|新台币|人民币|美金|卢布|法郎|马克|比索|镑|块钱)|(?i:usd|rmb|eur)\b")),
    ("people", re.compile(r"[余多]?\s*(?:人次|人(?!民币)|名|位)")),
    ("time", re.compile(r"[余多]?\s*(?:个月|年|天|日(?!元)|小时|钟头|分钟|秒|周|星期|岁|世纪)")),
    ("size", re.compile(r"[余多]?\s*(?:米|公里|千米|厘米|毫米|英里|英尺|英寸|海里|公顷|亩|平方|立方|吨|公斤|千克|克|磅|升|毫升|度|°)")),
    ("households", re.compile(r"[余多]?\s*户")),
    # (5大功能: five functions; 四级: levels)
    ("count", re.compile(r"[余多]?\s*(?:个|座|所|家|条|支|辆|部|台|项|处|场|批|只|头|种|篇|本|册|枚|届|期|张|份|套|间|层"
                         r"|级|起|件|宗|艘|架|次|棵|株|匹|笔|具|幅|栋|幢|盏|大(?=[\u4e00-\u9fff]))")),
)
# the kinds of figure that answer each measure asked; an unmarked figure (348, 一半) answers any. People
# may be counted in households (走访群众73.1万余户) or, unless in heads (多少名), as a share of them
# (7%到10%的医生), not as things
# (贵港配备了多少名网格员: not the 5 of …5大功能).
_ANSWERS = {"people": {"people", "households", "share"}, "headcount": {"people", "households"},
            "count": {"count", "households"}, "households": {"households"}, "share": {"share"},
            "money": {"money"}, "time": {"time"}, "size": {"size"}}
# a figure after a rate word states that rate (群众满意率为100%), no share of the people a question counts
_RATE_BEFORE = re.compile(r"率(?:为|是|达到?|已达|超过|[:：])?\s*$")


def measure_of(sentence: str, span: tuple[int, int]) -> str:
    """What the figure at ``span`` (:func:`figures`) of ``sentence`` measures: ``share``, ``money``,
    ``people``, ``time``, ``size``, ``households``, ``count`` (:data:`_MEASURED`), ``ordinal`` (第一个), ``name`` for
    digits written into a word of Latin letters (4G, A380: a model, not a figure; 182CM and 5g are
    sizes) and a hotline's bare number (110智慧接处警), or ``""`` when unmarked (348)."""
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
    kind = next((kind for kind, pattern in _MEASURED if pattern.match(tail)), "")
    # (a hotline's number with no measure word is its name: 完成110智慧接处警系统建设 counts nothing)
    return "name" if not kind and lead == len(figure) and figure in _HOTLINES else kind


# The service numbers Chinese news names (police, fire, ambulance, traffic, the public's and anti-fraud lines)
_HOTLINES = frozenset("110 119 120 122 12110 12315 12345 12348 12337 12389 96110".split())


_ONE = re.compile(r"一[个名人份项支条件次种位家所座张部台批场处套间层级期本册篇枚只头股届]")


def a_one(sentence: str, span: tuple[int, int]) -> bool:
    """Is the figure at ``span`` 一 with a measure word (一份, 一个), far more often "a" than an amount?"""
    return bool(_ONE.fullmatch(normalize(sentence[span[0]:span[1]])))


# A rank said (第一, 第3名, 第 139, 首位, 首款, 位列22名, 名列前茅, 季军): what answers a rank asked (Question.measure ``rank``)
RANK = re.compile(r"(?:倒数)?第\s*[零〇一二两三四五六七八九十百\d]+(?!\d|季)(?:\s*[名位张区届次类个大款])?"
                  r"|首[位款次届个名张部台]|榜首|之首|居首|前列|前茅|冠军|亚军|季军|(?:排名|名列|排在|排行|位列|位居)\s*\d+\s*[名位]?")


def ranks(text: str) -> list[tuple[int, int]]:
    """Spans of the ranks said in ``text`` (either script)."""
    return [m.span() for m in RANK.finditer(aligned(text))]


def answers_measure(measure: str, sentence: str, span: tuple[int, int]) -> bool:
    """Can the figure at ``span`` of ``sentence`` answer a question asking ``measure``
    (:attr:`Question.measure`; ``""``: anything but digits in a name; a rank's spans are :func:`ranks`)?"""
    if measure == "rank":
        return True
    kind = measure_of(sentence, span)
    if kind == "name":  # (the 4 of 4G answers nothing: How many … rooms has Guangxi built? -/-> 车载4G图传系统)
        return False
    if not measure:
        return True
    if kind == "share" and measure == "people" and _RATE_BEFORE.search(normalize(sentence[max(0, span[0] - 4):span[0]])):
        return False  # (7%的医生 is a share of them)
    return not kind or kind in _ANSWERS[measure]


# a case's code name in quotes: 侦破“2021-412”“2022-55”等毒品案件, “5.09”赌博案件, “8·31”杀人焚尸案, “12.2非法占用农用地专案”;
# an operation's: “昆仑2022”
_CODE = re.compile(r"[“\"「‘](?:[\d.\-·\s]+[”\"」’]|\d{1,4}(?:[.\-·]\d{1,4})+(?=[\u4e00-\u9fff])|[\u4e00-\u9fff]{1,8}\d{2,4}[”\"」’])")
# a slogan in quotes, a few characters with a numeral in them: “最后一公里”, “一村一辅警” (not an amount)
_SLOGAN = re.compile(r"[“\"「‘][\u4e00-\u9fff]{2,8}[”\"」’]")


# a figure that states a change, not a level: 同比下降28.26%, 上升了45% (not 下降到5%, 提高至96.15%, 下降为5%)
_CHANGE_BEFORE = re.compile(r"(?:下降|上升|提升|提高|增长|增加|减少|降低|下跌|上涨|增幅|降幅|涨幅)(?:了|达)?\s*(?:约|近)?$")


def states_change(sentence: str, span: tuple[int, int]) -> bool:
    """Does the figure at ``span`` (:func:`figures`) of ``sentence`` state a change (下降28.26%)?"""
    return bool(_CHANGE_BEFORE.search(normalize(aligned(sentence)[max(0, span[0] - 6):span[0]])))


def figures(text: str) -> list[tuple[int, int]]:
    """Spans of the figures in ``text`` (either script) that can answer 'how many': not bare years like
    2022年, nor a measure word said twice after 一 (一项项创新举措, 一个个: "one after another"), nor the
    digits of a case's code name (“2021-412”), nor a numeral of a slogan in quotes (“最后一公里”, “三查三访”)."""
    text = aligned(text)
    codes = [m.span() for pattern in (_CODE, _SLOGAN) for m in pattern.finditer(text)]
    return [m.span() for m in FIGURE.finditer(text) if m.group(0).strip() and not _DATE_FIGURE.fullmatch(text, m.start(), m.end())
            and not (m.group(0)[0] == "一" and text[m.end():m.end() + 1] == m.group(0)[-1])
            and not any(a <= m.start() and m.end() <= b for a, b in codes)]


# What else states an amount when no figure does: a Chinese numeral without a measure word (四十万,
# 三千, 二十二行省), a rank (第七), a century, and words of amount (很多次, 大片未开发的地区, 不到一半).
_QUANTITY = re.compile(
    r"\d|第[零〇一二两三四五六七八九十百千]|[一二两三四五六七八九十][零〇一二两三四五六七八九十]*[十百千万亿]"
    r"|[一二两三四五六七八九十几数]+(?:[个名人次件起家元条所只项座位种倍年天类成级]|大[\u4e00-\u9fff])|世纪"
    r"|很多|许多|大量|大批|大片|大部|大多|多数|少数|少量|不少|众多|若干|一些|全部|所有|一半|半数|过半")


def states_quantity(sentence: str) -> bool:
    """Does ``sentence`` state any amount (a figure, a date, or :data:`_QUANTITY`)? One that states
    none cannot answer 'how many': 贵港的群众安全感是多少 -> …群众安全感和满意度不断提升."""
    return bool(dates(sentence)) or states_count(sentence)


def states_count(sentence: str) -> bool:
    """Does ``sentence`` state an amount other than a date (:func:`states_quantity` without its dates)? A
    sentence whose only digits are a year (2020年,桂林市始终坚持…) counts nothing: How many murders were there in
    Guilin? is not answered by it."""
    text = aligned(sentence)
    for start, end in reversed(dates(text)):
        text = text[:start] + " " * (end - start) + text[end:]
    return bool(figures(text) or _QUANTITY.search(normalize(text)))


def dates(text: str) -> list[tuple[int, int]]:
    """Spans of the dates in ``text`` (either script: 13世紀 is 13世纪); not a number of years said as
    one (禁毒工作连续3年全省排名第一: a time, no date)."""
    text = aligned(text)
    return [m.span() for m in DATE.finditer(text)
            if not (_FEW_YEARS.fullmatch(m.group()) and _LASTING.search(text, 0, m.start()))]


_FEW_YEARS = re.compile(r"\d{1,3}\s*年")
_LASTING = re.compile(r"(?:连续|长达|历时|近|用了|经过|累计|整整|已有|已经|持续)\s*$")
