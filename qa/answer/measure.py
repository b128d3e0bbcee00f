"""What a number question's figure measures and what it counts: a share, money, a time, a size, a head
count, people or things (:func:`asked_measure`), the noun counted (:func:`counted_noun`) and the measure
word said (:func:`measure_word`), read from the words around 多少/几 (or how many/how much). A figure
that measures something else (5233万元 for 走访了多少群众, 7名 for how many gangs, 4 of 4G for 多少名网格员)
does not answer it (:func:`qa.answer.figures.answers_measure`); :func:`qa.answer.question.analyze`
keeps the reading on the ``Question``.
"""

from __future__ import annotations

import re

from qa.normalize import has_cjk

# Not a count: a rank (第几), or a question that also asks which or what (哪几座, 北朝几个朝代中哪个朝代…,
# 几乎所有食物都加入什么油: 几 there is not "how many").
_NOT_COUNTED = re.compile(r"第几|第多少|排名|名列|排第|排行|哪|什么|谁|何|\bwhat (?:rank|ranking)\b")
_SHARE = re.compile(r"(?<![频功汇速码帧辨转])率|比例|百分|占比|比重|几成|安全感|满意度|\b(?:percentage|proportion|fraction|satisfaction|sense of security)\b"
                    r"|^(?!.*\bhow (?:many|much)\b).*\b(?:rate|share)\b")
_MONEY = re.compile(r"多少钱|几块钱|(?:多少|几)(?:[万亿千百]*)(?:元|美元|欧元|日元|英镑|港元|块)|金额|价格|价钱|费用|售价|票价|造价|经费"
                    r"|资金|工资|薪水|薪资|罚款|市值|营业额|营收|\bhow much money\b|\b(?:cost|costs|price|paid|salary|budget)\b"
                    r"|\bhow much\b.*\b(?:invest|invests|invested|spend|spends|spent|lose|loses|lost"
                    r"|recover|recovers|recovered|pay|pays|raise|raised|earn|earned|fund|funded)\b")
# 多大 of what has a size or an age (面积有多大, 年纪多大): a figure; not of 影响有多大, 作用多大, which ask how much in
# words, nor of 容量 (101发 is a count). An age is a time, a size a size (:func:`asked_measure`).
_SIZED, _AGED, _HOW_BIG = "面积|体积|容积", "年纪|岁数|年龄", "(?:有|是|为)?多大"
SIZE_ASKED = rf"(?:{_SIZED}|{_AGED}){_HOW_BIG}"
_AREA = re.compile(rf"(?:{_SIZED}){_HOW_BIG}")
_TIME = re.compile(r"(?:多少|几)(?:个?(?:月|小时|钟头|星期)|天|分钟|秒|周|岁)|(?<![元国这那近前])(?:多少|几)年(?![轻纪级代])"
                   r"|时[间长]?(?:有|是|为)?多长"  # (用时多长: a time, not a length)
                   rf"|(?:{_AGED}){_HOW_BIG}"
                   r"|\bhow many (?:years|days|months|hours|minutes|seconds|weeks|decades|centuries)\b|\bhow old\b")
_SIZE = re.compile(r"(?:多少|几)(?:万|千)?(?:吨|公斤|千克|克|米|公里|千米|平方米|平方公里|亩|公顷|升|立方米?)"
                   r"|\bhow many (?:tons|tonnes|kilograms|kilos|grams|meters|metres|kilometers|kilometres|miles|feet|acres|hectares|liters|litres)\b")
# 多长, 多远, 多高… ending a question: it asks a figure (桂林的漓江有多长), a size but for 多高 (级别有多高 -> 21级)
LENGTH_ASKED = r"多([长远高宽深重厚])(?:的?距离)?[了呢啊]*[\s?？。.!！]*$"
_LENGTH = re.compile(LENGTH_ASKED)
_HOW_MANY = re.compile(r"(?:多少|几)(人次|名|人|位|个|座|所|家|条|支|辆|部|台|项|处|场次|场|批次|批|架次|只|种|起|件|宗|户|艘|架"
                       r"|期|篇|本|册|枚|届|张|份|套|间|层|棵|株|匹|头|笔"
                       # (a unit of weight, not what is weighed: 多少公斤盐酸 weighs 盐酸, which 盐酸11吨 says)
                       r"|公斤|千克|吨|斤)?")  # (not 次: 两次世界冠军 counts wins, not 冠军)
# A search that names the figure it asks, at its end (桂林网格员数量, 白城的破案率; 派出所数量 counts, 网格员人数 heads),
# or asks after it with a final particle (白城的命案现案破案率呢)
_AT_THE_END = r"(?:是|为)?(?:呢|啊|呀)?[\s?？。.!！]*$"
_NAMED_AMOUNT = re.compile(rf"[\u4e00-\u9fff](?:数量|数目|总数|个数|[人案件起户次]数|人次|金额|比例|比重|占比|率|人口|面积|安全感|满意度)"
                           rf"{_AT_THE_END}")  # (白城市人口 was answered by any sentence naming 白城)
_NAMED_COUNT = re.compile(rf"(数量|数目|总数|个数|人数|人次){_AT_THE_END}")
_PEOPLE_WORD = re.compile(r"(?:[员众民者警兵生工师客徒士官友属童孩]|人口|孩子|人员?|人才|英才|警力|兵力|人力"
                          r"|兄弟|姐妹|子女|父母|夫妇|夫妻|妇女|老人|青年|少年|家长|同胞)$")  # (几个兄弟: 欧氏兄弟4人)
# An English count's head noun: the last word before the verb or preposition (how many criminal gangs did…,
# how many people visited…)
_ENGLISH_COUNTED = re.compile(r"\bhow many ((?:[\w'-]+ ){0,3}?)([\w'-]+)(?= (?:did|do|does|were|was|are|is|have|has|had|will|would|can"
                              r"|could|in|of|on|at|for|from|to|by|with|that|which|who|live|lived|died|die|[a-z]+ed)\b|\W*$)")
# English nouns for people: how many officers counts people. (qa.answer.span gives a figure with 名/人/位 its
# bonus for these words alone, the list it was fit with; the measure reads them and a few more.)
ENGLISH_PEOPLE = (r"people|persons?|workers?|officers?|policemen|police|residents?|suspects?|members?|staff|volunteers?"
                  r"|criminals?|students?|employees?|victims?|fugitives?|gangsters?|offenders?|visitors?|tourists?|children"
                  r"|teachers?|doctors?")
_ENGLISH_PEOPLE = re.compile(ENGLISH_PEOPLE + r"|soldiers?|troops|players?|fans|spectators|inhabitants|citizens|voters|passengers"
                             r"|patients|men|women|adults|individuals")
_ENGLISH_COUNT = re.compile(
    r"times|cases|gangs|groups|stations|cameras|villages|schools|companies|cities|countries|buildings|vehicles|cars|ships"
    r"|aircraft|planes|games|episodes|books|songs|albums|films|movies|islands|branches|churches|hospitals|universities")


# A rank asked as a number (第几, 排名第几, 排第几名, 排名是多少, 名列第几位), answered only by a rank said
# (:data:`qa.answer.figures.RANK`): not by 97.03% for 白城的破案率排全省第几.
_RANK = re.compile(r"第(?:几|多少)|(?:排名|排行|名列|位居|位列)(?:是|为|在)?第?(?:几|多少)"
                   r"|\bwhat (?:rank|ranking)\b")


def asks_rank(norm: str) -> bool:
    """Does a normalized number question ask a rank (第几, 排名是多少, what rank)?"""
    return bool(_RANK.search(norm))


def asks_amount(norm: str) -> bool:
    """Does a normalized number question ask an amount (多少个, how many), not a rank (第几) or which of
    several (哪几座)? Only then is what it measures and counts read."""
    return not _NOT_COUNTED.search(norm)


HELD_IN = "逃押职编岗册读校"  # 在 + these is a state of what is counted (在逃, 在押, 在职), not where it is


def counted_noun(norm: str, named: tuple[str, ...] = ()) -> str:
    """The words after a normalized Chinese question's 多少/几 and measure word, up to a particle or
    a verb's marker (破获了多少起电信诈骗案件 -> 电信诈骗案件; 多少人次被记功 -> ``""``); in a search that names
    the count it asks, the words before that name but the ``named`` places and years (2020年桂林网格员数量 ->
    网格员)."""
    m = _HOW_MANY.search(norm)
    if not m:
        return _named_counted(norm, named)
    # (在 of 在逃, 在押, 在职… is part of the noun: 多少名命案在逃人员)
    return re.split(rf"[被了是将把给对让使由从向的？?，,。啊呢吗呀吧嘛]|在(?![{HELD_IN}])", norm[m.end():m.end() + 12])[0]


def _named_counted(norm: str, named: tuple[str, ...]) -> str:
    """The words before the count a normalized search names (网格员 of 桂林网格员数量), but its ``named`` places
    and years, or ""."""
    named_count = _NAMED_COUNT.search(norm)
    if not named_count:
        return ""
    before = norm[:named_count.start()]
    for word in sorted(named, key=len, reverse=True):  # (桂林市 before 桂林)
        before = before.replace(word, " ")
    run = re.search(r"[\u4e00-\u9fff]{2,8}$", before.rstrip("的之"))
    counted = run.group().lstrip("的之") if run else ""  # (桂林的网格员数量: 网格员, not 的网格员)
    return counted if len(counted) >= 2 else ""


def names_a_count(norm: str) -> bool:
    """Is a normalized Chinese text a search naming the count it asks (白城民警人数, 桂林网格员数量), no 多少/几?"""
    return not _HOW_MANY.search(norm) and bool(_NAMED_COUNT.search(norm))


def measure_word(norm: str) -> str:
    """The measure word after a normalized Chinese question's 多少/几 (多少个派出所 -> 个), or ""."""
    m = _HOW_MANY.search(norm)
    return (m.group(1) or "") if m else ""


# An English search that ends in the name of a figure (Baicheng homicide clearance rate?), asking nothing else
_ENGLISH_NAMED_AMOUNT = re.compile(r"(?i)^(?!\W*(?:what|which|who|whom|whose|when|where|why|how|is|are|was|were|do|does|did"
                                   r"|can|could|has|have|had|tell|list|name)\b)[\w\s'’-]+\b(?:count|number|total|rate|percentage"
                                   r"|proportion|ratio|share|amount|population)\W*$")


def names_an_amount(norm: str) -> bool:
    """Does a normalized text end in the name of a figure (网格员数量, 破案率, 金额; an English search's
    grid workers count, clearance rate)?"""
    return bool(_NAMED_AMOUNT.search(norm) or _ENGLISH_NAMED_AMOUNT.match(norm))


# An English question that asks a count, not a share (How many drills…, not How many percent…)
ASKS_ENGLISH_COUNT = re.compile(r"(?i)^(?!.*\b(?:per ?cent|percentage)\b).*\bhow many\b")


def english_counted(question: str) -> str:
    """The noun an English count asks of, lower-cased (how many criminal gangs did… -> gangs), or ""."""
    m = _ENGLISH_COUNTED.search(question.lower())
    return m.group(2) if m else ""


def asked_measure(norm: str, tokens: list[tuple[int, int, str, str]] = ()) -> str:
    """What the figure a normalized number question asks for measures, where its wording says: ``share``
    (破案率, 比例, percentage), ``money`` (多少钱, 价格, how much money), ``time`` (多少年, 几天, how old), ``size``
    (多少吨, how many tons),
    ``headcount`` (多少名, 多少人), ``households`` (多少户), ``people`` (多少 before a word for people: 群众, 网格员,
    how many officers) or
    ``count`` (多少个派出所, 多少起, how many gangs); ``""`` when it does not say (多少 alone, 多高). Read
    only of a question that asks an amount (``Question.how_many``: not 第几, 哪几). ``tokens`` are
    jieba's (start, end, word, flag) of a Chinese question."""
    for kind, pattern in (("share", _SHARE), ("time", _TIME), ("size", _SIZE), ("size", _AREA)):
        if pattern.search(norm):
            return kind
    if (length := _LENGTH.search(norm)) and length.group(1) != "高":
        return "size"
    if not has_cjk(norm):  # (how many lives did it cost: the noun counted before money)
        head = english_counted(norm)
        if head:
            return "people" if _ENGLISH_PEOPLE.fullmatch(head) else "count" if _ENGLISH_COUNT.fullmatch(head) else ""
        return "money" if _MONEY.search(norm) else ""
    if _MONEY.search(norm):
        return "money"
    m = _HOW_MANY.search(norm)
    if not m:  # (a search for a figure by its name)
        named = _NAMED_COUNT.search(norm)
        if not named:
            return ""
        if named.group(1) in ("人数", "人次"):
            return "headcount"
        return "people" if names_people(_named_counted(norm, ())) else "count"  # (网格员数量 counts people)
    unit = m.group(1) or ""
    if unit in ("人次", "名", "人", "位"):  # (a head count: not 破案率…100% for 多少名在逃人员)
        return "headcount"
    if unit == "户":  # (households: not 18项…重点项目 for 走访了多少户群众)
        return "households"
    if unit in ("", "个") and names_people(_noun_after(m.end(), tokens)):
        return "people"
    return "count" if unit else ""


def asks_length(norm: str) -> bool:
    """Does a normalized Chinese question end in 多长, 多远, 多高… (:data:`LENGTH_ASKED`)?"""
    return bool(_LENGTH.search(norm))


def names_people(word: str) -> bool:
    """Is ``word`` (a noun) a word for people (群众, 民警, 兄弟), by how it ends?"""
    return bool(_PEOPLE_WORD.search(word))


def _noun_after(start: int, tokens: list[tuple[int, int, str, str]]) -> str:
    """The nouns jieba reads in a row from ``start`` (网格 + 员, 警民 + 联系 + 牌): their last is what a
    question counts, so 多少个警民联系牌 counts signs, not people, and 多少个网格员 people."""
    words, at = [], start
    for begin, end, word, flag in tokens:
        if begin == at and (flag.startswith("n") or flag in ("zg", "l", "b", "k")):  # (专家型, 骨干+型 of …人才)
            words.append(word)
            at = end
    return "".join(words)
