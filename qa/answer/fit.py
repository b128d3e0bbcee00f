"""Does a sentence hold the figure asked? A figure of the measure asked (people, money, a share, …),
of the kind asked (a rate or change of 八类严重暴力犯罪案件, not of 命案; a count of 生态环境保护案件, not of
毒品案件), a level where a level is asked, an amount where a value is: the checks that make a sentence
*fit* the question (:func:`qa.answer.select.score`); whose a figure is (a place, a year) is
:mod:`qa.answer.scope`'s."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from functools import lru_cache

from qa.answer.figures import a_one, answers_measure, dates, figures, measure_of, ranks, states_change
from qa.answer.measure import HELD_IN, asks_length, measure_word, names_a_count, names_people
from qa.answer.question import QUESTION_NOISE
from qa.answer.scope import clause, own_figures
from qa.normalize import aligned, has_cjk, normalize
from qa.records import Question
from qa.tokens import terms


def fits(asks: str, sentence: str, measure: str = "", level: bool = False, one: str | None = None,
         day: bool = False) -> bool:
    """Can ``sentence`` answer a question that asks for ``asks``? Only figures (of the ``measure``
    asked, :func:`answers_measure`, a rank for a rank asked; for a ``level`` asked, :func:`asks_level`,
    not a change; 一 with a measure word only as :func:`ones` allows) and dates (for a ``day`` asked,
    :func:`qa.answer.question.asks_day`, one with a month: not 2012年 for 哪天) are checked."""
    if asks == "number" and measure == "rank":  # (a rank said: 排名全区第一; not 97.03% for 排全省第几)
        return bool(ranks(sentence))
    if asks == "number":
        return any(answers_measure(measure, sentence, span) and not (level and states_change(sentence, span))
                   and not _a_one_not_asked(one, sentence, span)
                   for span in figures(sentence))
    if asks == "date":
        return any(not day or _MONTH.search(normalize(sentence[a:b])) for a, b in dates(sentence))
    return True


_MONTH = re.compile(r"月|\d[-./]\d")  # a date that says a month (4月25日, 七月初十, 2022-04-25), not a year alone


def _a_one_not_asked(one: str | None, sentence: str, span: tuple[int, int]) -> bool:
    """Is the figure at ``span`` 一 with a measure word (:func:`a_one`) that the ``one`` allowed (:func:`ones`:
    ``None`` any, ``""`` none, else only with that word: 一个 for 个) does not let answer?"""
    if one is None or not a_one(sentence, span):
        return False
    return not (one and normalize(sentence[span[0]:span[1]]).endswith(one))


# A question that asks how much something changed (下降了多少, 提高了多少倍, 降了百分之几, By how much did … fall?)
_ASKS_CHANGE = re.compile(r"下降|上升|提升|提高|增长|增加|减少|降低|下跌|上涨|增幅|降幅|涨幅|变化|倍|[降升涨跌]了"
                          r"|(?i:\b(?:fall|fell|fallen|drop|dropped|rise|rose|risen|increase|increased|decrease|decreased"
                          r"|grow|grew|grown|change|changed|decline|declined|by how much)\b)")


# a figure said as a bound or about (超过95%, 高于90%, 30%以上, 2000多年, 近5万): not one a report must give as written
_BOUND = re.compile(r"[余多]")
_BOUND_BEFORE = re.compile(r"(?:高于|低于|大于|小于|多于|少于|不到|不足|超|约|近|逾|将近|接近)\s*$")
_BOUND_AFTER = re.compile(r"\s*(?:或[^，,。？?]{0,6}?)?(?:以上|以下|以内|左右|上下|之多|之内)")  # (3个或3个以上)
# the digits of a figure (3956, 79.17, 39,440), and a bare year, which is the question's year, no figure it states
_VALUE = re.compile(r"\d+(?:[.,]\d+)*")
_BARE_YEAR = re.compile(r"(?:1[5-9]|20)\d{2}")


@lru_cache(maxsize=1024)
def named_figures(text: str) -> tuple[tuple[str, str], ...]:
    """The figures a Chinese question states in digits with what they measure, not asks (哪个城市的总破案率达到了
    85%, 哪个城市缴获了11吨盐酸), as written and their values: (85%, 85), (11吨, 11). Not a year (2022年), a date, a
    rank (第50届), a name (A-135), a bound (超过95%) or a figure in Chinese numerals."""
    text = aligned(text)
    if not has_cjk(text):  # (an English question's figures are often another scale or spelled in Chinese: 66 million,
        return ()          # 6600万; 3 layers, 三层)
    out = []
    taken = dates(text)
    for start, end in figures(text):
        value = _VALUE.search(text, start, end)
        written = text[start:end].strip()
        if (value is None or text[:start].rstrip().endswith("第") or _BARE_YEAR.fullmatch(written)
                or any(a <= value.start() < b for a, b in taken)  # (401年, 20世纪: a date)
                or not written[0].isdigit() or _BOUND.search(written)  # (超过95%, 2000多年: a bound, no figure)
                or _BOUND_BEFORE.search(text[:start]) or _BOUND_AFTER.match(text[end:])
                # (a model's or a line's name: A-135, 64DD, 35M线, G20; a fraction: 1/3)
                or re.search(r"[A-Za-z\-/]$", text[:value.start()]) or re.match(r"[A-Za-z/]", text[value.end():])
                # (bare digits are often a slip: 20此球队)
                or value.end() >= start + len(written)):
            continue
        out.append((written, value.group().replace(",", "")))
    return tuple(dict.fromkeys(out))


def states_figures(named: tuple[tuple[str, str], ...], sentence: str) -> bool:
    """Does ``sentence`` state every figure a question names (:func:`named_figures`), digit for digit?
    哪个城市的总破案率达到了85% is not answered by …破案率分别达到89.04%…"""
    text = re.sub(r"(?<=\d),(?=\d{3})", "", aligned(normalize(sentence)))
    patterns = [rf"(?<![\d.]){re.escape(v)}(?!\d|\.\d){_measured(written, v)}" for written, v in named]
    if all(re.search(p, text) for p in patterns):
        return True
    # (or in Chinese numerals: 二十三岁 for 23岁)
    return has_cjk(text) and all(re.search(p, _in_digits(text)) for p in patterns)


@lru_cache(maxsize=256)
def _in_digits(text: str) -> str:
    """``text`` with its Chinese numerals in digits (二十三岁 -> 23岁, 百分之八十五 -> 85%), by cn2an."""
    import cn2an

    with warnings.catch_warnings():  # (it warns of every numeral it cannot read: 千万 "by all means")
        warnings.simplefilter("ignore")
        try:
            return cn2an.transform(text, "cn2an")
        except (ValueError, KeyError, IndexError):
            return text


def _measured(written: str, value: str) -> str:
    """A pattern for what follows a figure's value as a question writes it (the 吨 of 20吨: not the 20个 of
    an article that has no 20吨), or "" (11 of an English question)."""
    rest = normalize(written).replace(",", "").split(value, 1)[-1].lstrip("余多 ")
    return rf"\s*[余多]?\s*{re.escape(rest[0])}" if rest else ""


def english_change(question: Question) -> bool:
    """Does an English number question ask how much something changed (By how much did … fall?)?"""
    return question.asks == "number" and not has_cjk(question.text) and bool(_ASKS_CHANGE.search(question.text))


def asks_level(question: Question) -> bool:
    """Does ``question`` ask a rate or share as it stands (桂林的破案率是多少, What was Guilin's clearance
    rate?), not a change? Its answer is not a figure that states a change (…“黄赌”警情同比下降28.26%)."""
    return question.measure == "share" and not _ASKS_CHANGE.search(normalize(question.text))


_ASKS_VALUE = re.compile(r"(?:是|为|有|达到?)?多少[？?]?$")


def ones(question: Question) -> str | None:
    """Which 一 with a measure word (一份, 一条: far more often "a" than an amount) can answer ``question``:
    ``None``, any; ``""``, none, for a Chinese question that asks a value without saying what it counts
    (白城群众安全感是多少 -/-> …填写一份…“公安答卷”; 一个月 answers 多少时间, and 一场 a 幾盤 question by chance:
    only a question ending in 是多少 or 多长, 多高…, :func:`asks_length`, is read so, and a search naming a
    count or one asking people without a measure word: 白城民警人数, 白城有多少民警 -/-> 一人营救近80名群众…);
    a measure word, only with it, for a question that names one (多少个一室两队派出所 -/-> …走出一条…新路子)."""
    if not has_cjk(question.text):
        return None
    norm = normalize(question.text)
    word = measure_word(norm)
    if (not question.measure and _ASKS_VALUE.search(norm) or asks_length(norm) or names_a_count(norm)
            or question.measure == "people" and not word):  # (白城有多少民警 -/-> 一人营救…)
        return ""
    return word or None


_HAN_BEFORE = re.compile(r"[\u4e00-\u9fff]{4,}$")
_ROLE = set("员长者师官手")  # the heads of roles: 网格员, 网格长


# A rate or a change asked, and what it is of: 八类严重暴力犯罪案件 + 破案率, 交通事故死亡人数 + 下降 (a
# question's topic, normalized).
_UP, _DOWN = ("上升", "提升", "提高", "增长"), ("下降", "降低", "减少")
_SAME_WAY = {w: group for group in (_UP, _DOWN) for w in group}  # a change said in other words, the same way
_CHANGE = re.compile(rf"(.+?)(?:同比|环比)?({'|'.join(_DOWN + _UP)})")
_RUN = re.compile(r"[\w、“”]+$")  # words up to the rate (a list: 八类严重暴力犯罪、传统盗抢骗…案件; 2019届的)
_HOW = re.compile(r"(?:稳步|持续|大幅|逐年|同比|环比|明显|显著|不断|进一步|分别)+$")  # (…的97.99%稳步提升至: not of what)
_BACK = re.compile(r"其中|其|这|该|此")  # words that point back to what the sentence said before
_STATED = re.compile(r"(?:达到|达|为|保持|攀升至|提升至|提高到|上升到)$")  # a verb that states a rate
_TOTAL = "总"  # a total rate (总破案率) is none of one kind's; only the words of the whole area say it too
_WHOLE = re.compile(r"(?:全|本|该)[市县区省]")
# words that head many kinds of figure (刑事案件, 两抢案件; 黄赌警情, 治安刑事警情): they do not say which kind
_GENERIC = re.compile(r"案件|警情|发案|案数|犯罪|人数|数量|件数|起数")
_SHARE_OF = re.compile(r"的([\u4e00-\u9fff]{2,10})")  # what a share is of, after it: 20.36%的盗抢案件
_RESPECTIVELY = "分别"


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
    …实现了道路交通事故四项指数五年持续下降 (四项 counts indices); in English, by a figure after any change's
    word (By how much did Baicheng's criminal cases fall? -/-> …命案现案破案率达97.03%)."""
    if not has_cjk(question.text):  # (English: a change asked is stated by a figure after a change's word)
        return (english_change(question) and not any(states_change(sentence, span) for span in figures(sentence))
                or _another_crime(question, sentence))
    asked = rate_or_change(question)
    if asked is None:  # (most questions: no figure is read, but a rate's word is)
        return _another_rate(question, sentence)
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
    ways = _SAME_WAY.get(word, (word,))  # (提高 asked: 提升至 says it too)

    def said_at(words: str) -> int:  # where ``words`` last say the rate or change asked, or -1
        return max(words.rfind(w) for w in ways)

    def of_what(span: tuple[int, int]) -> bool | None:  # of another kind, of the kind asked, or not said (None)
        start = clause(text, span)[0]
        before = normalize(text[start:span[0]])
        at = said_at(before)
        if at < 0 and _RESPECTIVELY in before:  # (the rates the clause before lists: …总破案率、现行案件破案率同比大幅
            before = normalize(text[:start])    # 提升,2022年分别达79.17%和73.27%)
            at = said_at(before)
        if at < 0:  # (a share of what follows it: 20.36%的盗抢案件24小时内破获 is no 刑事案件发案率)
            share_of = _SHARE_OF.match(normalize(text[span[1]:span[1] + 12])) if word.endswith("率") else None
            return not any(p in share_of.group(1) for p in pairs) if share_of else None
        run = _RUN.search(_HOW.sub("", before[:at]))
        # (其中 points back: …八类严重暴力犯罪案件破案率逐年提升,其中破案率…保持100% is the 八类's rate, read where the
        # sentence named it before)
        if run and _BACK.fullmatch(run.group()):
            earlier = normalize(text[:start])
            at = said_at(earlier)
            if at < 0:
                return None
            run = _RUN.search(_HOW.sub("", earlier[:at]))
        if run is None and start > 0 and of != _TOTAL:  # (a rate its clause opens with is of what the clause before
            previous = normalize(text[clause(text, (start - 1, start - 1))[0]:start])  # names: 2020年“两抢”案件发案
            if any(p in previous for p in pairs):  # 同比下降48%,破案率提高到96.15% is 两抢's)
                return False
            return True if _GENERIC.search(previous) else None
        if of == _TOTAL:  # (全市现行案件破案率 is one kind's; 全市破案率 and 总破案率 are the total)
            return bool(run) and of not in run.group() and not _WHOLE.fullmatch(run.group())
        # (a pair said apart is abbreviated: 电诈 of 电信网络诈骗)
        return bool(run) and not any(p in run.group() or re.search(f"{re.escape(p[0])}.+{re.escape(p[1])}", run.group())
                                     for p in pairs)

    said = [of_what(span) for span in spans]
    if word.endswith("率"):  # (no clause says the rate asked: is it another rate's? 刑事案件发案率 -/-> …破案率提高到96.15%)
        if True in said and False not in said:
            return True
        return all(s is None for s in said) and _another_rate(question, sentence)
    return False not in said  # (a change is stated after its word: 下降33%, 由…下降到…; 四项指数…下降 is not one)


# English words of a kind of crime: a rate or change asked of one is not stated by a sentence that names none
# of its renderings (What is the clearance rate for homicide cases in Shangluo? -/-> …“兩搶”案件破案率100%)
_CRIMES = frozenset("homicide robbery burglary theft fraud drug gambling pornography fugitive backlog".split())


def _another_crime(question: Question, sentence: str) -> bool:
    """Does an English question ask a rate or change of a kind of crime (:data:`_CRIMES`) that ``sentence``
    never names in any rendering?"""
    if question.measure != "share" and not english_change(question):
        return False
    norm = normalize(sentence)
    return any(word in _CRIMES and not any(r in norm for r in rendered) for word, rendered in question.glosses)


_RATE_WORD = re.compile(r"[\u4e00-\u9fff]{2}率")


def _another_rate(question: Question, sentence: str) -> bool:
    """Does every share in ``sentence`` that follows a rate's word follow another rate's than the one a
    Chinese question asks by its word alone (桂林的发案率是多少 -/-> …破案率提高到96.15%)? A share after no
    rate's word (…同比下降48%, a change; 100%的公民赞成…, the 得票率 asked) is not read, unless it is a portion of
    a total (占…的) in a sentence that never says the rate asked (白城的发案率是多少 -/-> 全市“零发案”社区50个…分别
    占…总数的53.7%…)."""
    if question.asks != "number" or question.measure != "share" or not has_cjk(question.text):
        return False
    topic = _STATED.sub("", normalize(question.topic))
    if not _RATE_WORD.fullmatch(topic[-3:]):
        return False
    text = aligned(sentence)
    shares = [(a, b) for a, b in figures(sentence) if measure_of(sentence, (a, b)) == "share"]
    said = [words[-1] == topic[-3:] for a, b in shares if (words := _RATE_WORD.findall(normalize(text[:a])))]
    if not said:  # portions of a total (占…总数的53.7%) in a sentence that never says the rate asked: of something else
        portions = [(a, b) for a, b in shares if "占" in normalize(text[clause(text, (a, b))[0]:a])]
        return bool(portions) and topic[-3:] not in normalize(sentence)  # (白城的发案率 -/-> 零发案社区…占…53.7%)
    return not any(said)


_COUNTS = ("count", "people", "headcount", "households")  # the measures of things counted, not of money or shares

# The level an honor, a body or a count is of (市级“枫桥式公安派出所”, 全区20个…): national, provincial,
# city, county. 全区 is a region's here (广西), as scope reads it.
_LEVELS = (("国家级", "全国"), ("省级", "自治区级", "全省", "全区"), ("市级", "全市"), ("县级", "区级", "全县"))
_LEVEL = re.compile("|".join(w for tier in _LEVELS for w in tier))
_TIER = {w: i for i, tier in enumerate(_LEVELS) for w in tier}


# the grade of an award or merit: 特等功, 一等功, 二等奖
_GRADE = re.compile(r"([特一二三四五])等(?=[功奖])")


def of_another_level(question: Question, sentence: str) -> bool:
    """Is what ``sentence`` states of another level or grade than a Chinese question names? A count
    (:func:`_of_another_level`), or a count of a grade of award the sentence names others of but not
    it (商洛有多少名个人立了特等功 -/-> …4名個人立一等功,…二等功,…三等功), or a date of an honor of a level
    the sentence names others of but not it (被评为全国优秀公安局是哪年 -/-> 2012年,…被评为全省精神文明先进集体)."""
    if not has_cjk(question.text):
        return False
    asked, norm = normalize(question.text), normalize(sentence)
    if question.asks == "date":
        return _only_others(_tiers(asked), _tiers(norm))
    if question.measure in _COUNTS and _only_others(set(_GRADE.findall(asked)), set(_GRADE.findall(norm))):
        return True
    return _of_another_level(question, sentence)


def _tiers(text: str) -> set[int]:
    """The levels (:data:`_LEVELS`) a normalized ``text`` names: 0 national, 1 provincial, 2 city, 3 county."""
    return {_TIER[m.group()] for m in _LEVEL.finditer(text)}


def _only_others(asked: set, said: set) -> bool:
    """Does a sentence name levels or grades (``said``), none of those a question names (``asked``, some)?"""
    return bool(asked) and bool(said) and not asked & said


def _of_another_level(question: Question, sentence: str) -> bool:
    """Does a Chinese count question name a level (桂林有多少个市级枫桥式派出所) and every counted figure of
    ``sentence`` sit in a clause that names levels, none of it (另有6个派出所被评为全区“枫桥式公安派出所”)?"""
    if question.measure not in _COUNTS or not has_cjk(question.text):
        return False
    asked = _tiers(normalize(question.text))
    if not asked:
        return False
    def of_another(text: str, span: tuple[int, int], start: int, end: int) -> bool:
        return _only_others(asked, _tiers(normalize(text[start:end])))

    return _every_counted_figure(question, sentence, of_another)


def _every_counted_figure(question: Question, sentence: str,
                          judge: Callable[[str, tuple[int, int], int, int], bool]) -> bool:
    """Does ``judge`` say so of every figure of ``sentence`` of the measure asked (and is there one)?
    A 一 with a measure word that cannot answer (:func:`ones`: 一人 for 多少名民警) is no such figure. It is
    given the :func:`aligned` sentence, the figure's span and its clause's start and end."""
    text, one = aligned(sentence), ones(question)
    said = [judge(text, span, *clause(text, span)) for span in figures(sentence)
            if answers_measure(question.measure, sentence, span)
            and not _a_one_not_asked(one, sentence, span)]
    return bool(said) and all(said)


# words of a rank asked that say nothing of what is ranked
# (nor the whole it is among: :func:`_ranked_elsewhere`'s, 世界 for 全球)
_RANKING = re.compile(r"排名|排行|排第|名列|位居|位列|第几|全国|全省|全区|全市|全县|全球|世界|国际|工作")


def ranks_another(question: Question, sentence: str) -> bool:
    """Does ``sentence`` rank something else than a Chinese rank question asks (桂林的禁毒工作在全区排第几
    -/-> 桂林市公安局荣获全区公安机关“晒比创”活动第一名)? It names none of the question's words but its
    places, years, the asking and what it points back to (该指标)."""
    if question.measure != "rank" or not has_cjk(question.text):
        return False
    words = _ranked_words(question.text, tuple(normalize(f) for c in question.constraints for f in c.forms))
    norm = normalize(sentence)
    return bool(words) and not any(w in norm for w in words) or _ranked_elsewhere(question, sentence)


# where a rank is among (全国第几, 全省排名第一): the country, a province (a region: 广西's 全区), a city, a county, the world
_RANK_SCOPE = re.compile(r"全国|全省|全区|全市|全县|全球|世界|国际")
_SAME_SCOPE = {"全区": "全省", "世界": "全球", "国际": "全球"}
_CLAUSE_END = re.compile(r"[。;；!！?？]")


def _ranked_elsewhere(question: Question, sentence: str) -> bool:
    """Is every rank of ``sentence`` said among another whole than the one a Chinese rank question names
    (白城的禁毒工作排名全国第几 -/-> 禁毒工作连续3年全省排名第一)? A rank whose clause names none is not."""
    asked = _RANK_SCOPE.search(normalize(question.text))
    if not asked:
        return False
    norm = normalize(sentence)
    scopes = []
    for start, _ in ranks(sentence):
        before = _CLAUSE_END.split(norm[max(0, start - 20):start])[-1]
        said = _RANK_SCOPE.findall(before)
        if not said:
            return False
        scopes.append(_SAME_SCOPE.get(said[-1], said[-1]))
    return bool(scopes) and _SAME_SCOPE.get(asked.group(), asked.group()) not in scopes


@lru_cache(maxsize=256)
def _ranked_words(text: str, named: tuple[str, ...]) -> tuple[str, ...]:
    """The words of a rank question ``text`` that say what is ranked (:func:`ranks_another`): read once
    per question, not once per candidate sentence."""
    return tuple(w for w in _own_words(text, named) if not _RANKING.fullmatch(w))


@lru_cache(maxsize=256)
def _own_words(text: str, named: tuple[str, ...]) -> tuple[str, ...]:
    """The words of a Chinese question ``text`` other than the asking, its ``named`` places and years
    and what it points back to (肯尼亚在该指标中排名第几 ranks by an index named before)."""
    asked = normalize(text)
    return tuple(w for w in terms(text) if len(w) >= 2 and not w.isdigit() and not QUESTION_NOISE.search(w)
                 and not any(w in f or f in w for f in named) and not re.search(rf"[该这此其那]{re.escape(w)}", asked))


def says_what_is_asked(question: Question, sentence: str) -> bool:
    """Does ``sentence`` name one of a Chinese question's own words (:func:`_own_words`), or has the
    question none? Asked of a place an article tells one story of, its story's sentences are not the
    answer to everything: 平乐县配备了多少名网格员 -/-> …该团伙53名涉案人员被一网打尽 (平乐's drug gang)."""
    if not has_cjk(question.text):
        return True
    words = _own_words(question.text, tuple(normalize(f) for c in question.constraints for f in c.forms))
    norm = normalize(sentence)
    return not words or any(w in norm for w in words)


_HAN_PAIR = re.compile(r"[\u4e00-\u9fff]{2}")
_THINGS = set("个個座所家条條部台项項处處支辆輛只种種批")  # measure words of things, not of people or events
# (…村屯有多少个; not 有多少人: 加拿大的最大城市在2012年7月時有多少人 asks a population, not of the city)
_ASKED_AFTER = re.compile(r"(?:有|是|共有|一共有)(?:多少|几)[个個名位起件户戶项項场場次所座条條支]+[？?]?$")
_LONE_NOUN = re.compile(r"(?![的之以多余来后前内左上下间次])[\u4e00-\u9fff]\W")  # (县 of 5个县(市、区))


def _counts_what_follows(question: Question, sentence: str) -> bool:
    """Is every figure of the measure a Chinese count question asks followed by the noun it counts,
    sharing no character with the counted noun (:attr:`Question.counted`), in a clause that never
    names that noun? 商洛有多少名辅警 -/-> 全市30個集體、46名個人獲…表彰; 商洛有多少个网格 -/-> 建立368個巡防微信群.
    A figure with no noun after it counts the one before it (配备网格员3956名; 懸掛警民聯系牌兩萬余個)."""
    # (or, asked after it, what the question is about: 2012年白城零发案村屯有多少个 -/-> 全市5个县(市、区)…)
    said = normalize(question.counted or (question.topic if _ASKED_AFTER.search(question.text) else ""))
    noun = _nouns(said)
    # (what a measure word of things counts is a thing, whatever jieba tags it: 多少个探头, 探头 a verb to it; and what
    # 名 or 位 counts are people: 多少名警察, 警察 a verb to jieba, was answered 打掉1411名…犯罪分子)
    if not noun and 2 <= len(said) <= 4 and measure_word(normalize(question.text)) in _THINGS | {"名", "位"}:
        noun = said
    if len(noun) < 2 or question.measure not in _COUNTS or not has_cjk(question.text):
        return False
    def of_another(text: str, span: tuple[int, int], start: int, end: int) -> bool:
        after = normalize(text[span[1]:span[1] + 2])
        follows = True
        if _LONE_NOUN.fullmatch(after):  # (one character: 全市5个县(市、区)…)
            after = after[0]
        elif not _HAN_PAIR.fullmatch(after):  # (the noun before it: 懸掛警民聯系牌兩萬余個; “零发案”社区50个)
            run = _HAN_BEFORE.search(_QUOTES.sub("", normalize(text[max(start, span[0] - 8):span[0]])))
            after, follows = (run.group() if run else ""), False
            if _another_head(after, noun, normalize(text[start:end])):
                return True
        # (people of another kind named by the nouns right after a head count: 100余名民警家属 are no 民警, nor
        # 25名全國先進個人, whatever the clause names before)
        if follows and question.measure in ("people", "headcount"):
            head = _head_after(normalize(text[span[1]:span[1] + 10]))
            if names_people(head) and not set(head) & set(noun):
                return True
        # (the noun asked's first word before another head: 一名专职辅警 for 多少名专职保安)
        ahead = normalize(text[span[1]:span[1] + len(noun)])
        if (follows and len(noun) >= 4 and ahead.startswith(noun[:-2])
                and not set(ahead[len(noun) - 2:]) & set(noun[-2:])):
            return True
        shared = set(after) & set(noun)
        # (a two-character noun's head after another kind's character is another kind: 传统侵财类案件2396起 are
        # no 命案, 辅警 no 民警; not the head alone: 5缸发动机 for 多少个气缸, 3名子女 for 几个孩子)
        if len(noun) == 2 and shared == {noun[1]} and re.search(rf"[^{re.escape(noun[0])}\W]{re.escape(noun[1])}", after):
            shared = set()
        if not after or shared:
            return False
        # (people of another kind right after a head count are who it counts, whatever the clause names
        # later: 多少名民警 -/-> 一人营救近80名群众…的…一批优秀民警)
        if follows and question.measure in ("people", "headcount") and names_people(after):
            return True
        # (what a figure counts one of is what it counts, whatever the clause names: …苏桥派出所被评为全区20个基层所队
        # 执法示范单位之一 for 多少个派出所)
        if "之一" in normalize(text[span[1]:end]):
            return True
        # (the noun in the clause says it: 即全体选民的40%以上 for 多少苏格兰选民, 1684个行政村委以“一村一辅警”… for 多少名辅警)
        here = normalize(text[start:end])
        return not any(noun[i:i + 2] in here for i in range(len(noun) - 1))

    return _every_counted_figure(question, sentence, of_another)


@lru_cache(maxsize=1024)
def _head_after(text: str) -> str:
    """The last of the nouns jieba reads in a row at the start of ``text`` (家属 of 民警家属及子女, 先进个人 of
    全国先进个人), or ""."""
    from qa.tokens import posseg

    head = ""
    for token in posseg().cut(text):
        if not (token.flag.startswith("n") or token.flag in ("b", "j")):
            break
        head = token.word
    return head


_TALLY = "量数计"  # a head that names the amount of what comes before it: 探头总量2931个, 人数, 合计
_LOCATING = ("位于", "处于", "地处", "坐落", "到", "在")
_QUOTES = re.compile(r"[“”\"「」『』‘’]")


def _another_head(run: str, noun: str, here: str) -> bool:
    """Does the noun a ``run`` of words ends in, right before a figure (银行账号38个, 零发案社区50个), name
    another thing than the counted ``noun`` (银行, 零发案学校)? Its head shares no character with the
    noun's, and the noun's head is either nowhere in the clause ``here`` (学校) or inside the run, a
    word that qualifies the head (银行 of 银行账号)."""
    head, asked = _head_noun(run)[-2:], _lead_noun(noun)[-2:]  # (账号 of 银行账号, one word to jieba)
    if len(head) < 2 or len(asked) < 2 or set(head) & set(asked) or head[-1] in _TALLY:
        return False
    return asked not in here or asked in run


@lru_cache(maxsize=1024)
def _lead_noun(noun: str) -> str:
    """The counted ``noun`` up to where it says where it is or what it did (民用机场 of 民用机场位于舟山群岛,
    机关警力 of 机关警力到派出所工作, 公安派出所 of 公安派出所加挂了…; 派出所综合指挥调度室 whole: 指挥 qualifies 调度室)."""
    from qa.tokens import posseg

    words, named = [], False
    tokens = list(posseg().cut(noun))
    for i, token in enumerate(tokens):
        held = token.word == "在" and i + 1 < len(tokens) and tokens[i + 1].word[:1] in HELD_IN  # (命案在逃人员)
        if named and (token.flag == "p" or token.word in _LOCATING) and not held:
            break
        if named and token.word in ("了", "过") and len(words) > 1:  # (a verb done: 加挂了…)
            words.pop()
            break
        words.append(token.word)
        named = named or token.flag.startswith("n")
    return "".join(words)


@lru_cache(maxsize=1024)
def _head_noun(run: str) -> str:
    """The last word of ``run`` as jieba cuts it, when it is a noun (社区 of 全市零发案社区), else ""."""
    from qa.tokens import posseg

    cut = list(posseg().cut(run))
    return cut[-1].word if cut and cut[-1].flag.startswith("n") else ""


@lru_cache(maxsize=1024)
def _nouns(words: str) -> str:
    """What a question counts without the verbs it ends in, as jieba cuts it (交通路口 of 交通路口安装, 零发案村屯;
    nothing of 收看 or 去营救圣皮埃尔: 多少人收看 counts people by what they do; a two-character noun jieba cuts
    into a noun and a verb is the noun it is: 毒驾)."""
    from qa.tokens import posseg

    def verb(token) -> bool:
        return token.flag.startswith(("v", "d", "p", "u", "r", "c", "f")) and token.flag != "vn"

    cut = list(posseg().cut(words))
    # (多少人去营救圣皮埃尔: people who do something, no noun; but 在职民警, 在逃人员 are people in a state)
    if cut and verb(cut[0]) and not (len(words) > 1 and words[0] == "在" and words[1] in HELD_IN):
        return ""
    while cut and verb(cut[-1]):
        cut.pop()
    nouns = "".join(token.word for token in cut)
    return words if len(nouns) < 2 and len(words) == 2 else nouns  # (毒驾 is 毒 + 驾 to jieba: the word, not 毒)


def counts_another(question: Question, sentence: str) -> bool:
    """Do the figures of ``sentence`` count another kind of what ``question`` counts? The noun a
    figure follows ends in a character of the counted noun's last word (…案件, …积案 for 案件) but the
    sentence has none of the words that say which (毒品, 电信诈骗): 桂林破获了多少起电信诈骗案件 ->
    …破获生态环境保护案件1522起. Only for a counted noun of four characters or more; no answer sentence
    of the shared sets is such (docs/evaluation.md). Nor do they when the role counted is nowhere and
    its stem comes before them with another role's head (多少名网格长 -/-> …配备网格员3956名), nor when
    they count categories of another thing (多少个…调度室 -/-> …5大功能), nor a figure followed by another
    noun (:func:`_counts_what_follows`), nor those a deed asked was never done to (:func:`_another_deed`:
    走访了多少群众 -/-> 服务群众…). (Things of another level are :func:`of_another_level`'s.)"""
    noun = question.counted
    if _counts_what_follows(question, sentence) or _another_deed(question, sentence):
        return True
    if len(noun) < 3:
        return False
    norm = normalize(sentence)
    text = aligned(sentence)
    spans = figures(sentence)
    # (a count of categories of another thing, whatever other figures name: 多少个派出所综合指挥调度室 -/->
    # …具备指挥调度、情报研判…等5大功能; 4G is a name)
    counts = [b for a, b in spans if measure_of(sentence, (a, b)) != "name"]
    if counts and all(text[b:b + 1] == "大" and not set(text[b + 1:b + 3]) & set(noun) for b in counts):
        return True
    runs = [run.group() for a, _ in spans if (run := _HAN_BEFORE.search(normalize(text[max(0, a - 10):a])))]
    # (a role's stem with another role's head before the figures, the role nowhere: 多少名网格长 -/->
    # 配备网格员3956名)
    stem = noun[:-1]
    if noun[-1] in _ROLE and noun not in norm and any(
            (at := run.find(stem)) >= 0 and run[at + len(stem):at + len(stem) + 1] in _ROLE for run in runs):
        return True
    if len(noun) < 4:
        return False
    if any(noun[i:i + 2] in norm for i in range(len(noun) - 3)):  # (a word of which kind: 电信, 诈骗)
        return False
    # (every kind counts the one asked too: 多少件网上业务 -> 办理各项业务11万余件)
    return any(run[-1] in noun[-2:] and not _EVERY_KIND.search(run) for run in runs)


def _another_deed(question: Question, sentence: str) -> bool:
    """Does a Chinese count question count what was done by a verb (走访了多少群众) that ``sentence`` never
    says, nor any character of it (…服务群众近百万人次)?"""
    if question.measure not in _COUNTS or not has_cjk(question.text):
        return False
    verb = _deed(normalize(question.text))  # (one of its characters said is enough: 查处 asked, 清查 said)
    return bool(verb) and not set(verb) & set(normalize(sentence))


@lru_cache(maxsize=256)
def _deed(text: str) -> str:
    """The two-character verb right before 多少/几 (with 了) in a normalized question that says a deed
    (:data:`_LIGHT`: not one of having or needing), or ""."""
    from qa.tokens import posseg

    cut = [t for t in posseg().cut(text) if t.word not in ("了", "过")]
    for before, token in zip(cut, cut[1:]):
        if (token.word in ("多少", "几") and before.flag == "v" and len(before.word) == 2
                and not _LIGHT.search(before.word) and not set(before.word) & {"了", "过"}):  # (了近 of 营救了近多少)
            return before.word
    return ""


# verbs that have, hold, need or find what is counted, not a deed done to it (佔有, 共有, 包含, 需要, 找到)
_LIGHT = re.compile(r"有|含|包括|需|要|找到|发现|达|占|是|为|获|得")


_EVERY_KIND = re.compile(r"(?:各项|各类|各种|所有|全部)[\u4e00-\u9fff]{1,3}$")
