"""The day a figure names: the weekday or «أمس» of its clause, read against the report's
publication, so that two days' counts are told apart (`compare.may_meet`). The day words
are config/incidents.yaml's (`weekdays`, `relative_days`, `past_after`, `day_opens`,
`day_shifts`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from monitor.claims.lexicon import default_lexicon, strip_clitics
from monitor.claims.numbers import word_number
from monitor.facts.incident import (
    CLAUSE_ENDS,
    CUE_AFTER,
    around_figure,
    current_config_dir,
    day_words,
    figure_clause,
    sentence_around,
    since_word,
    utc_day,
)
from monitor.facts.readings import stored_readings
from monitor.models import ClaimRecord

# A day this many words after a reporting verb dates what was said, not what it counts.
_SAID_WORDS = 4
# "منذ بدأت الاحتجاجات في 30 مارس": how far after "منذ" its start date may stand.
_SINCE_REACH = 6


@lru_cache(maxsize=65536)
def _day_named(sentence: str, text: str, config: str, at: int = -1
               ) -> tuple[str, int, bool] | None:
    """The day word of the figure's clause nearest the figure, as ("weekday", 0–6, past)
    or ("relative", days from the report, False), else a day set off beside the clause,
    else the sentence's only day, in a later clause (`_sentence_day`); None when none names
    one."""
    around = around_figure(sentence, text, at)
    if around is None:
        return None
    figure_at = at
    before, after, tail, _ = around
    # The figure stands at len(before): a hashtag before it («#غزة») is a "#" too.
    words, at = [*before, "#", *after[:CUE_AFTER]], len(before)
    # The figure's own clause: "انفجار سيارة الاثنين، بعد يوم من قتل 13" dates the car bomb.
    start = next((k + 1 for k in range(at - 1, -1, -1) if words[k] in CLAUSE_ENDS), 0)
    return _day_in_clause(words, at, start, config) or _day_aside(before, tail, start, config) \
        or _sentence_day(sentence, text, figure_at, config)


def _sentence_day(sentence: str, text: str, at: int, config: str
                  ) -> tuple[str, int, bool] | None:
    """The one day word of the sentence, standing after the figure in a later clause, when
    the sentence names no other day: the day of the sentence's event («قتل ثمانية وأصيب
    أكثر من 440 آخرين، بينهم 25 بجروح خطرة، برصاص الجيش … الجمعة»). The clause tests of
    `_day_in_clause` still apply (a start, a statement's day, the day after)."""
    around = sentence_around(sentence, text, at)
    if around is None:
        return None
    before, rest = around
    weekdays, relative, past_after, _, _ = day_words(config)
    words = [*before, "#", *rest]
    days = [k for k in range(len(words))
            if _day_word(words, k, weekdays, relative, past_after) is not None]
    if len(days) != 1 or days[0] < len(before):
        return None
    return _day_in_clause(words, len(before), 0, config)


def _day_in_clause(words: list[str], at: int, start: int, config: str
                   ) -> tuple[str, int, bool] | None:
    weekdays, relative, past_after, opens, shifts = day_words(config)
    said = default_lexicon().attribution_verbs
    found: list[tuple[int, tuple[str, int, bool]]] = []
    for k in range(start, len(words)):
        # The day word first: most clauses have none, and the tests below read around it.
        day = _day_word(words, k, weekdays, relative, past_after)
        if day is None:
            continue
        if any(opens.intersection(strip_clitics(w)) for w in words[max(start, k - 2):k]):
            continue  # "منذ الاثنين"، "حتى صباح الثلاثاء": a span's ends, not the count's day
        if any(said.match(words, j) is not None for j in range(max(0, k - _SAID_WORDS), k)):
            continue  # "أعلنت السلطات الكوبية السبت": the day of the statement, not the count
        if shifts.intersection(words[min(k, at) + 1:max(k, at)]):
            continue  # "اليوم الثلاثاء … غداة حمام دم … 59": the count is of the day before
        found.append((abs(k - at), day))
    return min(found)[1] if found else None


def _day_aside(before: tuple[str, ...], tail: tuple[str, ...], start: int, config: str
               ) -> tuple[str, int, bool] | None:
    """A day word alone between two clause ends right after the figure's clause (`tail`
    starts with its end) or right before it: newswire sets the day off by commas ("قتل 96
    مسلحا … لليمن، الاثنين، في وقت …"، "أعلنت مصادر طبية، السبت، مقتل 47 شخصا")."""
    weekdays, relative, past_after, _, _ = day_words(config)
    if len(tail) >= 2 and (len(tail) == 2 or tail[2] in CLAUSE_ENDS):
        day = _day_word(list(tail), 1, weekdays, relative, past_after)
        if day is not None:
            return day
    if start >= 2 and (start == 2 or before[start - 3] in CLAUSE_ENDS):
        return _day_word(list(before), start - 2, weekdays, relative, past_after)
    return None


def _day_word(words: list[str], k: int, weekdays: dict[str, int], relative: dict[str, int],
              past_after: frozenset[str]) -> tuple[str, int, bool] | None:
    for form in strip_clitics(words[k]):
        if form in weekdays:
            return "weekday", weekdays[form], k + 1 < len(words) and words[k + 1] in past_after
        if form in relative:
            return "relative", relative[form], False
    return None


def day_named(claim: ClaimRecord) -> date | None:
    """The day the figure's clause names, resolved against the report's publication (UTC
    day): "الاثنين" is the last Monday on or before it ("الجمعة الماضي" in a Friday's
    report, the Friday a week before), "أمس" the day before. None without a day word or a
    publication."""
    if (r := stored_readings(claim)) is not None:
        return r.day
    named = _day_named(claim.sentence, claim.text, current_config_dir(), claim.figure_at())
    day = utc_day(claim.published)
    if named is None or day is None:
        return None
    kind, n, past = named
    if kind == "relative":
        return day + timedelta(days=n)
    return _last_weekday(day, n, past)


def _last_weekday(day: date, weekday: int, past: bool) -> date:
    """The last `weekday` on or before `day` ("الاثنين"), or the one before it when `past`
    ("الجمعة الماضي" in a Friday's report is the Friday a week before)."""
    back = (day.weekday() - weekday) % 7
    return day - timedelta(days=back or (7 if past else 0))


@dataclass(frozen=True, slots=True)
class Start:
    """Where a series starts, as its clause writes it: a day, or only a year."""

    day: date
    year_only: bool

    def apart(self, other: Start) -> bool:
        """Two starts that cannot be one: other years, or two days more than a day apart
        ("62 since Monday" is not a point of "46 since 30 March")."""
        if self.day.year != other.day.year:
            return True
        return not (self.year_only or other.year_only) \
            and abs((self.day - other.day).days) > 1


def series_start(claim: ClaimRecord) -> Start | None:
    """The start of the series a figure's clause counts from, read after "منذ": a weekday
    (resolved against the publication as `day_named` does), a day and month ("منذ 30 آذار",
    "منذ بدأت الاحتجاجات في 30 مارس"), or a year ("منذ عام 2015"). None when the clause
    names none of them ("منذ بدء العملية"): such a series meets any other."""
    if (r := stored_readings(claim)) is not None:
        return None if r.start is None else Start(r.start, r.start_year_only)
    day = utc_day(claim.published)
    if day is None:
        return None
    return _start(claim.sentence, claim.text, current_config_dir(), day, claim.figure_at())


@lru_cache(maxsize=65536)
def _start(sentence: str, text: str, config: str, published: date, at: int = -1
           ) -> Start | None:
    words = figure_clause(sentence, text, at)
    since = since_word(config)
    if words is None or since is None:
        return None
    weekdays, _, past_after, _, _ = day_words(config)
    months = default_lexicon().months
    for i, w in enumerate(words):
        if since not in strip_clitics(w):
            continue
        reach = words[i + 1:i + 1 + _SINCE_REACH]
        found: Start | None = None
        for k, x in enumerate(reach):
            n = int(x) if x.isdigit() else _day_of_month(x)
            month = None if n is None else next(
                (int(t.label) for j in range(k + 1, min(k + 4, len(reach)))
                 if (t := months.match(reach, j)) is not None), None)
            if n is not None and month is not None and 1 <= n <= 31:
                year = published.year - (1 if (month, n) > (published.month,
                                                            published.day) else 0)
                try:
                    return Start(date(year, month, n), False)
                except ValueError:  # "منذ 31 نيسان": no such day, no start read
                    return None
            if n is not None and x.isdigit() and 1900 < n <= published.year:
                return Start(date(n, 1, 1), True)
            if found is None and k < 2:
                wd = next((weekdays[f] for f in strip_clitics(x) if f in weekdays), None)
                if wd is not None:
                    past = k + 1 < len(reach) and reach[k + 1] in past_after
                    found = Start(_last_weekday(published, wd, past), False)
        if found is not None:
            return found
    return None


def _day_of_month(word: str) -> int | None:
    """"الثلاثين من آذار": a day of the month written as a word."""
    n = word_number(word)
    return int(n.value) if n is not None and n.value == int(n.value) else None
