"""The span inside an answer sentence: the figure, date, person, place or name that answers.

For a 多少 question the figure whose clause holds the question's words wins, the measure word asked
(多少名 -> 名) and the noun counted (多少名网格员 -> 网格员) counting most; other kinds take the candidate
nearest after the question's own words.
"""

from __future__ import annotations

import re
from functools import lru_cache

from qa.answer.places import gazetteer
from qa.answer.measure import ASKS_ENGLISH_COUNT, ENGLISH_PEOPLE, english_counted
from qa.answer.question import POST
from qa.answer.figures import a_one, answers_measure, dates, figures, measure_of, ranks
from qa.answer.scope import own_figures
from qa.normalize import aligned, has_cjk, normalize
from qa.records import Question
from qa.tokens import tagged, terms

_BIGRAM_SOURCE = re.compile(r"[\u3400-\u9fff]{2,}|[a-z0-9]+")


def units(text: str) -> set[str]:
    """Han bigrams and Latin/digit words of the normalized text, for overlap."""
    out = set()
    for run in _BIGRAM_SOURCE.findall(normalize(text)):
        if has_cjk(run):
            out.update(run[i : i + 2] for i in range(len(run) - 1))
        else:
            out.add(run)
    return out


_QUOTED = re.compile(r"《[^》]{1,40}》|“[^”]{1,40}”|「[^」]{1,40}」")
_OPENING_QUOTES = "《“「"
_SPACES = re.compile(r"\s+")
_A_PERSONS_NAME = re.compile(r"(?:长|书记|主任|主席|委员|民警|警察|警官|人|者|员|师|生|女士|老人|儿子|女儿|妻子|丈夫|孙女|孙子|父亲|母亲)的?"
                             r"(?:叫什么|名字是什么|姓名是什么|什么名字)|\b(?:who|whose)\b", re.IGNORECASE)
# the level of place a question asks (哪个县, 哪一个省, 哪座城市): a place named with it answers first
_LEVEL_ASKED = re.compile(r"哪一?[个座]?(省|市|县|区|镇|乡|村)|哪一?座城市|哪个城市")


def answer_span(question: Question, sentence: str) -> tuple[int, int] | None:
    """The figure, date, person, place or name in ``sentence`` that answers ``question``, if it asks for one."""
    if question.asks == "open":
        return None
    norm_question = normalize(question.text)
    if question.asks == "number":
        options = ranks(sentence) if question.measure == "rank" else figures(sentence)
    elif question.asks == "date":
        options = dates(sentence)
    else:
        options = names(question.asks, sentence)
    # (not what the question names: 诺布尔 of Who was appointed … by Noble, written by sound in the sentence)
    named = [f for c in question.constraints if c.kind == "name" for f in c.forms if has_cjk(f)]
    # (spaces aside: 还剩4分51秒时, the question unspaced, names the 4 分 of 还剩 4 分 51 秒时)
    unspaced_question = _SPACES.sub("", norm_question)
    options = [(a, b) for a, b in options if (option := normalize(sentence[a:b].strip())) not in norm_question
               and _SPACES.sub("", option) not in unspaced_question and not any(option in form for form in named)]
    if question.asks == "number":
        taken = dates(sentence)  # 4月 of 2022年4月25日 is a date, not a count
        options = [(a, b) for a, b in options if not any(x <= a and b <= y for x, y in taken)] or options
        # nor a count of people a sum of money (走访了多少群众: not 挽回经济损失5233万元)
        options = [span for span in options if answers_measure(question.measure, sentence, span)] or options
        # nor a share an English count (How many drills…) asks of nothing: 110期, not the 合格率…100% after it
        if ASKS_ENGLISH_COUNT.search(question.text):
            options = [span for span in options if measure_of(sentence, span) != "share"] or options
        # nor "a" (一个, 一份) where another figure is there: 一 with a measure word is rarely the amount asked
        options = [span for span in options if not a_one(sentence, span)] or options
        # nor another place's or year's (How many people did Guilin police visit? -> not …,北海市公安局…安排100名警力)
        mine = own_figures(sentence, options, question.places, question.years) if question.constraints else options
        options = mine or options
    # (a name the sentence quotes beside the kind of thing asked is the one it gives: “凭祥草帽警察”微信工作平台
    # for 凭祥的警务平台叫什么名字, not 公安局; but not a person's: 试马派出所民警叫什么名字 -> 汪倩, not the “贴心人”
    # she became; nor one quoted elsewhere: 「中華台北」名義 for 國家隊被稱為什麼, 中華隊)
    if asks_a_thing_s_name(question):
        options = [span for span in options if _quoted_beside(question, sentence, span)] or options
    # (桂林哪个县投资70万元安装了水上天眼 -> 恭城县 of 恭城县委, not 江河 of 茶江河段 beside 安装)
    level = _LEVEL_ASKED.search(normalize(question.text)) if question.asks == "place" else None
    if level:
        options = [span for span in options if normalize(sentence[span[0]:span[1]]).endswith(level.group(1) or "市")] or options
    if not options:
        return None
    if question.asks == "number":
        # a count of people is not a count of cases: the figures with the measure word asked, if any
        # (移送起诉了多少人 -> 1264人, not the 1522起 of the clause that repeats the question's topic)
        unit = _counted(question)[0] if has_cjk(question.text) else ""
        same = _SAME_MEASURE.get(unit, (unit,)) if unit else ()
        options = [(a, b) for a, b in options if any(m in normalize(sentence[a:b]) for m in same)] or options
        start, end = _respective(question, sentence, options) or max(
            options, key=lambda span: (_figure_fit(question, sentence, span), -span[0]))
    else:
        anchors = _anchors(question, sentence)

        def distance(span: tuple[int, int]) -> tuple[int, int]:
            before = [span[0] - end for start, end in anchors if end <= span[0]]
            after = [start - span[1] for start, end in anchors if start >= span[1]]
            if question.asks == "place" and (before or after):  # (named before what it did: 大安市公安局被评为…)
                return (0, min(before + after))
            if before:
                return (0, min(before))
            return (1, min(after)) if after else (2, span[0])

        start, end = min(options, key=distance)
    while start < end and sentence[start].isspace():
        start += 1
    return (start, end) if start < end else None


_COUNTED = re.compile(r"(?:多少|几)\s*(?P<unit>人次|万元|亿元|个|名|人|次|起|件|家|元|户|条|所|支|辆|部|台|岁|年|天|项|座|处|场|批|只|种|位|篇|倍|张|份)?"
                      r"(?P<noun>[\u4e00-\u9fff]{0,8})")
# measure words that count the same things: people (also counted in households: 走访群众73.1万余户), cases
_PEOPLE, _CASES = ("名", "人", "位", "户"), ("起", "件", "宗")
_SAME_MEASURE = {"名": _PEOPLE, "人": _PEOPLE, "位": _PEOPLE, "起": _CASES, "件": _CASES}
_PERCENT = re.compile(r"[%％‰]|百分之")
_ASKS_SHARE = re.compile(r"率|比例|百分|占比|比重|percentage|proportion|rate|share", re.IGNORECASE)
_CLAUSE = re.compile(r"[,，、;；:：()（）]")
# An English count's noun -> the measure words a Chinese figure of it carries
_ENGLISH_UNITS = [(re.compile(rf"\bhow many\b(?:\s+[\w-]+){{0,3}}?\s+(?:{nouns})\b", re.IGNORECASE), re.compile(unit)) for nouns, unit in (
    (ENGLISH_PEOPLE, r"[名人位户戶]"),
    (r"times", r"次"),
    (r"cases?", r"[起件宗]"),
)]


_LIST_START = re.compile(r"[,，;；:：。!！?？()（）“”\s]")


def _respective(question: Question, sentence: str, options: list[tuple[int, int]]) -> tuple[int, int] | None:
    """In ``A、B、C……分别为 x、y、z``, the figure in the place of the item the question names
    (现行案件破案率 in 总破案率、现行案件破案率…分别达79.17%和73.27% -> 73.27%), when one item shares
    more of the question's words than every other; ``None`` otherwise.

    The last item runs on into the words all items share (…入室盗窃案件破案率分别…): it is read only
    as far as the longest other item."""
    if not has_cjk(question.text):
        return None
    norm = normalize(sentence)
    at = norm.find("分别")
    if at < 0 or len(norm) != len(sentence):
        return None
    head = _LIST_START.split(norm[:at])
    # the items: the run of 、-separated pieces just before 分别, or one clause break before it
    # (总破案率、现行案件破案率同比大幅提升,2022年分别…); else the run after 分别 that names them again before the
    # figures (…社区50个、…村屯1685个、…单位2132个,分别占全市社区、村屯、单位总数的53.7%、57.6%、43.6%)
    before = next((piece for piece in reversed(head[-2:]) if "、" in piece), None)
    after = sorted(span for span in options if span[0] > at)
    between = norm[at + 2:after[0][0]] if after else ""
    asked = units(question.text)
    # (named again, only for a share asked: the items before may carry counts of their own, 村屯1685个)
    again = _LIST_START.split(between)[-1] if "、" in between and question.measure == "share" else None
    for run in (before, again):
        if run is None:
            continue
        items = run.split("、")
        if len(items) < 2 or len(after) < len(items):
            continue
        width = max(len(item) for item in items[:-1])
        if run is again and len(items) > 2:  # (the first item, too, carries words all share: 占全市社区 -> 社区)
            width = max(len(item) for item in items[1:-1])
            items[0] = items[0][-width:]
        items[-1] = items[-1][:width]
        shared = [len(units(item) & asked) for item in items]
        best = max(shared)
        if best and shared.count(best) == 1:
            return after[: len(items)][shared.index(best)]
    return None


def _clauses(sentence: str, span: tuple[int, int]) -> tuple[str, str]:
    """The words just before a figure (up to 12 characters) and after it (up to 8), within its clause.

    A closed parenthesis is read as part of its clause, without its own separators: in
    乡镇(街道)网格中心147个 the words before 147 are 乡镇街道网格中心, not 网格中心 alone, which the
    县(市、区)网格中心17个 before it shares."""
    before, after = (_PARENTHESIS.sub(_flat, text) for text in (sentence[:span[0]], sentence[span[1]:]))
    return _CLAUSE.split(before)[-1][-12:], _CLAUSE.split(after)[0][:8]


_PARENTHESIS = re.compile(r"[(（]([^()（）]*)[)）]")


def _flat(group: re.Match) -> str:
    """A parenthesis's content without its clause separators: (市、区) -> 市区."""
    return _CLAUSE.sub("", group.group(1))


def _counted(question: Question) -> tuple[str, set[str]]:
    """The measure word after 多少/几 and the Han bigrams of the noun it counts (多少名网格员 -> 名, 网格员)."""
    m = _COUNTED.search(normalize(question.text))
    if not m:  # (a search naming the count it asks: 桂林网格员数量 counts 网格员)
        return "", units(question.counted) if question.counted else set()
    noun = re.split(r"[被了在是将把给对让使由从向]", m.group("noun"))[0]  # 多少人次被记功: no noun
    return m.group("unit") or "", units(noun) if noun else set()


def figure_features(question: Question, sentence: str) -> tuple[float, float, float]:
    """For a 多少 question, over the figures of ``sentence``: the best :func:`_figure_fit` (capped at
    6), the best share of the counted noun next to a figure, and whether a figure carries the
    measure word asked for."""
    spans = figures(sentence)
    if not spans:
        return 0.0, 0.0, 0.0
    unit, noun = _counted(question) if has_cjk(question.text) else ("", set())
    # 走访了多少群众 counts people: 群众满意率为100% is a rate about them, not a count of them
    counting = bool(unit or noun) and not _ASKS_SHARE.search(normalize(question.text))
    fit, near_noun, measure = 0.0, 0.0, 0.0
    for span in spans:
        if (counting and _PERCENT.search(sentence[span[0]:span[1]])) or not answers_measure(question.measure, sentence, span):
            continue
        fit = max(fit, min(_figure_fit(question, sentence, span), 6.0))
        if noun:
            left, right = _clauses(sentence, span)
            near_noun = max(near_noun, len(noun & (units(left) | units(right))) / len(noun))
        if unit and unit in sentence[span[0]:span[1]]:
            measure = 1.0
    return fit, near_noun, measure


def _figure_fit(question: Question, sentence: str, span: tuple[int, int]) -> float:
    """How well the figure at ``span`` fits what the question counts.

    The measure word after 多少/几 (多少名 -> 名), the noun it counts (多少名网格员 -> 网格员) right before
    or after it, or, for a rate, a percent sign; then the question's words in the figure's own clause, the words just
    before the figure counting most (划分网格4370个 vs 配备网格员3956名).
    """
    figure = sentence[span[0]:span[1]]
    left, right = _clauses(sentence, span)
    if not has_cjk(question.text):  # English: its words' Chinese renderings near the figure, as for Chinese
        # the words right before it counting in full, those further back in its clause half (the 96.15% of
        # 2020年“两抢”案件发案同比下降48%,破案率提高到96.15% for a clearance rate; case -> 案件 is further back)
        close, far, after = normalize(left[-_CLOSE:]), normalize(left[:-_CLOSE]), normalize(right)
        fit = sum(1.0 * any(r in close for r in g) or 0.5 * any(r in far for r in g) for _, g in question.glosses)
        fit += sum(0.6 * any(r in after for r in g) for _, g in question.glosses)
        # and what it counts, by the measure word (how many grid workers -> 3956名, not 网格中心17个)
        unit = next((pattern for asked, pattern in _ENGLISH_UNITS if asked.search(question.text)), None)
        if unit is not None and unit.search(figure):
            fit += 2.0
        # and the noun it counts right after it or right before it (how many police stations -> 1726个基层派出所,
        # not 派出所综合指挥调度室348个)
        head = english_counted(question.text)
        counted = next((g for word, g in question.glosses if word == head), ())
        if any(r in normalize(right)[:_CLOSE] or normalize(left).rstrip().endswith(r) for r in counted):
            fit += 2.0
        if _ASKS_SHARE.search(question.text) and re.search(r"[%％‰]|百分之", figure):
            fit += 2.0
        return fit
    q = normalize(question.text)
    fit = 0.0
    if _JOINED.search(left):  # (…两个黑社会性质团伙和38个恶势力团伙: the words before 和 are another figure's)
        left = ""
    unit, noun_units = _counted(question)
    if unit and unit in figure:
        fit += 2.0
    if _ASKS_SHARE.search(q) and re.search(r"[%％‰]|百分之|成$", figure):
        fit += 2.0
    # the noun counted right before the figure (划分网格4370个 for 多少网格; not 网格中心17个 nor 网格员3956名)
    if question.counted and normalize(left).rstrip().endswith(normalize(question.counted)):
        fit += 2.0
    # or after it with 的, as what it is of (减少了75%的纠纷调解量和30%的非警务活动: 75% for 多少纠纷调解量; not a
    # unit, 长约8－12厘米 for 多少厘米)
    if question.counted and re.match(rf"的{re.escape(normalize(question.counted))}", normalize(right).lstrip()):
        fit += 3.0
    q_units = units(question.text)
    # the words right before the figure count most; those further back in its clause (全市建立 of
    # 全市建立县(市、区)网格中心17个) half as much: they often scope a whole list of figures
    close = units(left[-_CLOSE:])
    for near, weight in ((close, 1.0), (units(left) - close, 0.5), (units(right), 0.6)):
        fit += weight * (len(near & q_units) + 2 * len(near & noun_units))
    return fit


_CLOSE = 6  # characters before a figure that count in full (:func:`_figure_fit`)
_JOINED = re.compile(r"(?:和|及|与|以及)\s*$")  # a figure joined to what comes before it


def _anchors(question: Question, sentence: str) -> list[tuple[int, int]]:
    """Where the question's own content words occur in ``sentence``; not a word inside a longer one
    the sentence also has (公安局副局长是谁: 局长, a word inside 副局长, does not anchor 局长朱永辉). An
    English who-question anchors only by the renderings of its words that are posts (chief -> 局长:
    Who is the police chief of Baicheng? -> 公安局长张馨, not the first name-like word); its other
    renderings are too loose to place a name."""
    norm = aligned(sentence)
    if has_cjk(question.text):
        words = [w for w in terms(question.text) if w in norm]
    elif question.asks == "person":
        words = sorted({r for _, rendered in question.glosses for r in rendered if POST.search(r) and r in norm})
    else:
        words = []
    out = []
    for word in words:
        if any(word != longer and word in longer for longer in words):
            continue
        for m in re.finditer(re.escape(word), norm):
            out.append(m.span())
    return out


def asks_a_thing_s_name(question: Question) -> bool:
    """Does ``question`` ask what a thing is called (凭祥的警务平台叫什么名字), not a person's name?"""
    return question.asks == "name" and not _A_PERSONS_NAME.search(normalize(question.text))


def quotes_the_name(question: Question, sentence: str, spans: list[tuple[int, int]] | None = None) -> bool:
    """Does ``sentence`` quote a name beside the kind of thing ``question`` asks the name of, other than one
    the question says (:func:`_quoted_beside`: 那一艘艘…“二郎神号”执法船 for 漓江分局的执法船叫什么)? ``spans``:
    the sentence's :func:`names` of names, if read already."""
    asked = normalize(question.text)
    return any(normalize(sentence[a:b]) not in asked and _quoted_beside(question, sentence, (a, b))
               for a, b in (names("name", sentence) if spans is None else spans))


def _quoted_beside(question: Question, sentence: str, span: tuple[int, int]) -> bool:
    """Is ``span`` a name ``sentence`` quotes with a word of ``question`` (an English one's renderings)
    right after it (“慧眼”超融合平台) or right before it (电影《沉默的荣誉》), or that ends in the kind of thing a
    Chinese question asks the name of (“五必工作法” for 隆林推行的工作法叫什么)?"""
    a, b = span
    if sentence[a] not in _OPENING_QUOTES:
        return False
    words = (_chinese_words(question.text) if has_cjk(question.text)
             else [r for _, rendered in question.glosses for r in rendered if len(r) >= 2])
    norm = aligned(sentence)
    after, before = norm[b:b + _BESIDE], norm[max(0, a - _BESIDE):a]
    tail = normalize(norm[a + 1:b].rstrip("”」』’》\"'"))[-2:]
    return (any(w in after or before.endswith(w) for w in words)
            or len(tail) == 2 and has_cjk(tail) and bool(_KIND_NAMED.search(normalize(question.text)))
            and tail in normalize(question.text))


# the kind of thing whose name is asked, before 叫什么 (推行的工作法叫什么); not another name of what the question names,
# which often ends alike (内台航路也叫什么 -> 内台航线, not 「自由航路」)
_KIND_NAMED = re.compile(r"(?<![也又还另])叫什么")
_KIND_BEFORE = re.compile(r"(?:^|的)([\u4e00-\u9fff]{1,4}?)(?:叫什么|的名字|的名称)")


@lru_cache(maxsize=256)
def _chinese_words(text: str) -> tuple[str, ...]:
    """A Chinese question's words a name may be quoted beside (:func:`_quoted_beside`): its terms of two characters
    or more, and the kind of thing it asks the name of, after its last 的, of one or more (船 of 漓江分局的船叫什么名字,
    whose name “二郎神号” the sentence quotes before 执法船)."""
    kind = _KIND_BEFORE.search(normalize(text))
    return tuple(w for w in terms(text) if len(w) >= 2) + ((kind.group(1),) if kind else ())


_BESIDE = 6  # characters: “凭祥草帽警察”微信工作平台


def _a_city(word: str) -> bool:
    """Is ``word`` the name of a province or city, or a county's full name (not a county's short form,
    which is often a word or a given name too)?"""
    return gazetteer().strong(normalize(word))


_AREAS_COUNTED = re.compile(r"[一二两三四五六七八九十][区县市省镇乡村]")


def names(asks: str, sentence: str) -> list[tuple[int, int]]:
    """Spans of the people (``person``), places (``place``) or names (``name``: titles in 《》 or quotes,
    proper nouns) in ``sentence``."""
    tags = {"person": ("nr",), "place": ("ns",), "name": ("nz", "nt", "nr", "ns")}[asks]
    tokens = tagged(aligned(sentence))  # jieba tags simplified text: 誰/張三 in either script
    out, i = [], 0
    while i < len(tokens):
        start, end, word, flag = tokens[i]
        # a surname jieba tags apart from the given name it also tags a name (覃 雨露): one person. (Not
        # any word after a one-character name: jieba tags 史, 胡, 隋 so before 上将, 景沄, 内乱.)
        # (and right after a post, whatever jieba tags the given name: 政法委书记赵志军, 志军 a noun to it)
        if ("nr" in tags and flag.startswith("nr") and len(word) == 1 and i + 1 < len(tokens)
                and 1 <= len(tokens[i + 1][2]) <= 2 and (tokens[i + 1][3] == "nr" or (
                    i > 0 and POST.search(tokens[i - 1][2]) and tokens[i + 1][3].startswith("n")))):
            out.append((start, tokens[i + 1][1]))
            i += 2
            continue
        # (not a place jieba tags a name: 桂林 of 桂林市委常委; nor a count of areas it tags a place: 四区 of 一都四区)
        if (flag.startswith(tags) and len(word) >= 2 and not (asks == "person" and _a_city(word))
                and not _AREAS_COUNTED.fullmatch(normalize(word))):
            # (a township's first character jieba cuts off, reading a county's name in the rest: 阳/安乡)
            if (flag.startswith("ns") and len(word) == 2 and word[-1] in _TOWNSHIP and i > 0
                    and len(tokens[i - 1][2]) == 1 and tokens[i - 1][3] in _NAME_PART and tokens[i - 1][1] == start):
                start = tokens[i - 1][0]
            out.append((start, end))
        i += 1
    if asks == "place":
        norm = normalize(sentence)
        if len(norm) == len(sentence):  # (a county's short form only where jieba reads a place: not 公安 of 公安局)
            out += [(a, b) for a, b, _ in gazetteer().find(norm, strong=True)]
    if asks == "name":
        out = [m.span() for m in _QUOTED.finditer(sentence)] + out
    return sorted(set(out))


_TOWNSHIP = "乡镇村"
_NAME_PART = ("nr", "ns", "n", "ng", "nrt", "nz")
