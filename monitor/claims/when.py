"""When: the date a figure refers to, and whether it is one day's or one batch's figure."""

from __future__ import annotations

from datetime import date, timedelta

from monitor.claims.doc import Doc, Mention, sentence_range
from monitor.claims.lexicon import Term
from monitor.claims.mentions import is_year_like
from monitor.claims.tokens import is_int
from monitor.claims.words import optional, word, word_set


def _month_year(doc: Doc, k: int, month: int) -> tuple[date, bool]:
    """The date a month name at `k` says, and whether its year is written."""
    words, toks = doc.words, doc.tokens
    t = doc.match(doc.lex.months, k)
    nxt = k + (len(t.tokens) if t else 1)
    pub = published_day(doc) or date(1970, 1, 1)
    day = 1
    d = k - 3 if k >= 3 and words[k - 1] == "/" else k - 1  # "31 أيار/مايو 2010"
    if d >= 0 and toks[d].is_digits and is_int(words[d]) and 1 <= int(words[d]) <= 31:
        day = int(words[d])
    if nxt < len(words) and is_int(words[nxt]) and is_year_like(float(words[nxt])):
        return date(int(words[nxt]), month, day), True
    year = pub.year if month <= pub.month else pub.year - 1
    return date(year, month, day), False


# The words of config/lexicon/when.yaml.
_PERIOD_START = word_set("when", "period_start")
_RELATIVE_CLAUSE = word_set("when", "relative_clause")
_NEW, _TOLL = word("when", "new"), word("when", "toll")
_SPAN = word_set("when", "span")
_TOLL_SO_FAR = frozenset(optional("when", "toll_so_far", (_NEW,)))
_YEAR_WORDS = frozenset(optional("when", "year_words", ()))  # newer than some init copies


def _time_in(doc: Doc, a: int, b: int) -> date | None:
    """The date tokens [a, b) state (once per document and range)."""
    found: date | None = doc.once(("time", a, b), lambda: _find_time(doc, a, b))
    return found


def _find_time(doc: Doc, a: int, b: int) -> date | None:
    lex = doc.lex
    # "منذ 30 مارس" / "التي بدأت في 30 مارس" opens a period: the figure is as of later.
    # ("بدأها في التاسع من شباط/فبراير": the second name of the month is further back.)
    # ("وبدأت هذه الموجة من الاحتجاجات الفلسطينية في 30 مارس": the verb is eight back.)
    months = [(k, t) for k, t in doc.hits(lex.months, a, b)
              if not _PERIOD_START & set(doc.words[max(a, k - 8):k])]
    pub = published_day(doc)
    upcoming = -9
    for k, t in months:
        day, stated = _month_year(doc, k, int(t.label))
        if k - upcoming <= 2 and not stated:
            upcoming = k  # "15 مايو/أيار": the month's other name, the same day
            continue
        # "الاحتجاجات المقرر أن تنتهي يوم 15 مايو" in a report of 11 May schedules what is
        # to come: a count cannot be as of a day this month that has not come yet.
        if stated or pub is None or day <= pub:
            return day
        upcoming = k
    # "منذ اندلاع المعارك الشهر الماضي" also opens a period, not the figure's time, and
    # "الأمطار التي هطلت الأسبوع الماضي" dates the rain, not the toll it has reached.
    relative = [(k, t) for k, t in doc.hits(lex.relative_terms, a, b)
                if not (_PERIOD_START | _RELATIVE_CLAUSE) & set(doc.words[max(a, k - 4):k])]
    if relative:
        pub = published_day(doc) or date(1970, 1, 1)
        return pub + timedelta(days=lex.relative_time[relative[0][1].label])
    # "قتل نحو 1430 شخصا في هجوم بغاز السارين عام 2013": a past year the sentence names
    # dates the figure (to the year's first day), unless it opens a period ("منذ عام 2015").
    toks, words = doc.tokens, doc.words
    for k in range(a + 1, b):
        if words[k - 1] in _YEAR_WORDS and toks[k].is_digits and is_int(words[k]) \
                and is_year_like(float(words[k])) \
                and not _PERIOD_START & set(words[max(a, k - 5):k]):
            year = int(words[k])
            return date(year, 1, 1) if pub is not None and year < pub.year else None
    return None


def published_day(doc: Doc) -> date | None:
    found: date | None = doc.once(("published",), doc.article.published_day)
    return found


def time_of(doc: Doc, m: Mention, inherit: bool) -> tuple[date | None, bool]:
    """The date the figure refers to, and whether the text states it."""
    a, b = sentence_range(doc, m.first)
    here = _time_in(doc, a, b)
    if here:
        return here, True
    if inherit:
        s = doc.sentence_of[m.first]
        for back in range(1, 3):
            if s - back < 0:
                break
            found = _time_in(doc, *doc.sentences[s - back])
            if found:
                return found, True
    return published_day(doc), False


def is_daily(doc: Doc, m: Mention) -> bool:
    """A figure for one day or one batch; `حصيلة جديدة` is a new total, not a new batch."""
    a, b = sentence_range(doc, m.first)
    hits = doc.hits(doc.lex.daily, a, b)
    if not hits:  # most sentences have none: no closure to make
        return False
    lo, hi = max(a, m.first - 4), min(b, m.last + 5)
    far = min(b, m.last + 9)  # "قتلوا في قطاع غزة خلال الساعات الأربع والعشرين الماضية"
    def counts(k: int, t: Term) -> bool:
        if k > 0 and t.tokens[0] in _TOLL_SO_FAR \
                and doc.words[k - 1].removeprefix("ال") == _TOLL:
            return False  # "حصيلة جديدة"، "الحصيلة الأولية 40 شهيدا": the toll so far
        if t.tokens[0].startswith(_NEW):
            # "12 إصابة جديدة" is a day's batch; "تعهدات جديدة" is not.
            return m.last < k <= m.last + 2
        # A span of time ("خلال الساعات الـ24 الماضية") may open the clause well before
        # the figure, or close it well after.
        span = t.tokens[0] in _SPAN
        return lo <= k < hi or (span and max(a, m.first - 7) <= k < far)

    return any(counts(k, t) for k, t in hits)
