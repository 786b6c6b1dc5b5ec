"""Which reports of a figure are about one incident, and which figures are running series.

Two figures under one fact key (event, counted thing, place, scope) are about the same
incident only when their reports are linked: the same story told by two outlets or retold
a day later (the cosine of their story vectors, or a shared wording of the sentence),
within a few days. A country's killings in one week are many incidents under one key.

A figure stated as a running total ("منذ بدء العملية", "حتى الآن", "بلغ إجمالي", "منذ عام
2015") is a point of a series, not an incident: series points meet each other across stories
and months, and never a figure of one incident.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from monitor.claims.lexicon import TermSet, default_lexicon, strip_clitics, term_set
from monitor.claims.normalize import normalize, normalize_term
from monitor.claims.numbers import word_number
from monitor.facts.readings import config_digest, stored_readings
from monitor.facts.story import cosine
from monitor.models import Claim, ClaimRecord, figure_offset
from monitor.settings import current_config_dir

# How far back a point of a series reaches (three years: the seed's transfers run from
# September 2024 to February 2026): its earlier points, and earlier figures of its
# story (the same count before anyone wrote "in total"), within this many days.
SERIES_DAYS = 1100
# How far apart two reports of one incident may be published: tolls are revised for days.
LINK_WINDOW_DAYS = 3
# Story vectors this close are one story (TDT link detection); measured on the judged
# alerts of the dev weeks of ../shared/corpora/realnews (tests/realnews/README.md).
LINK_COSINE = 0.35
# A sentence sharing this much of its wording (figures aside) is a rewrite of the other.
SENTENCE_OVERLAP = 0.3
# Under a town's or a province's key, reports a day or two apart are one incident unless
# their stories say otherwise: of the judged dev alerts, such pairs were useful as often
# with little wording in common as with much (0.45 below a cosine of 0.2), while under a
# country's key pairs below 0.2 were useful 4% of the time. A country's key holds many
# incidents a day.
LOCAL_DAYS = 2
# What stands for a figure less than a count of the incident (a word estimate, a sum of
# parts, a figure the text gives no place for) meets only a close retelling of its story.
STRONG_COSINE = 0.5

# A series cue governs the figure when it stands this many words before it, or after it
# (as the extractor reads update cues: the cue opens the clause the figure closes).
_CUE_BEFORE, CUE_AFTER = 20, 8
# How many words before "منذ" a superlative compares with the past ("أعنف ... منذ").
_SUPERLATIVE_BEFORE = 8
CLAUSE_ENDS = frozenset("،,؛;.:!?؟")


@lru_cache(maxsize=4)
def _incidents(config_dir: str) -> dict[str, Any]:
    """config/incidents.yaml, read once per config dir."""
    data = yaml.safe_load((Path(config_dir) / "incidents.yaml").read_text(encoding="utf-8"))
    return data or {}


@lru_cache(maxsize=4)
def _series_cues(config_dir: str) -> TermSet:
    return term_set(_incidents(config_dir).get("series_cues") or [], "series")


@lru_cache(maxsize=4)
def since_word(config_dir: str) -> str | None:
    """The word that opens "since <day> <month>" (`since_dated`)."""
    word = _incidents(config_dir).get("since_dated")
    return normalize_term(str(word)) if word else None


# How many words after "منذ" the day of a dated start may stand.
_SINCE_DAY_WORDS = 6


def _words_ahead(words: list[str], i: int, n: int) -> list[int]:
    """The indices of the (at most `n`) words after `i` in its clause, marks skipped."""
    out: list[int] = []
    for d in range(i + 1, len(words)):
        if words[d] in CLAUSE_ENDS or len(out) == n:
            break
        if words[d][:1].isalnum():
            out.append(d)
    return out


def _since_a_date(words: list[str], config_dir: str, starts: int | None = None) -> bool:
    """"منذ 30 مارس"، "منذ الثلاثين من آذار": a series from a date (the month names are the
    lexicon's, as the extractor reads dates), its "منذ" among the first `starts` words."""
    since = since_word(config_dir)
    if since is None:
        return False
    months = default_lexicon().months  # the one the extractor loaded (same config dir)
    for i, w in enumerate(words[:starts]):
        if since not in strip_clitics(w):  # "ومنذ 30 آذار" as "منذ 30 آذار"
            continue
        # "منذ 30 آذار", "منذ الثلاثين من آذار", "منذ الجمعة في 30 آذار", "منذ صدامات
        # رافقت "يوم الأرض" في 30 آذار": the day within `_SINCE_DAY_WORDS` words of the
        # clause (quotes aside), its month within three of it.
        for d in _words_ahead(words, i, _SINCE_DAY_WORDS):
            if words[d].isdigit() or word_number(words[d]) is not None:
                ahead = range(d + 1, min(d + 4, len(words)))
                if any(months.match(words, k) is not None for k in ahead):
                    return True
                break
    return False


_TOKEN = re.compile(r"\w+|[^\w\s]")


@lru_cache(maxsize=65536)
def sentence_around(sentence: str, text: str, at: int = -1
                    ) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The normalised words of the whole sentence before the figure and after it, clause
    ends included; None when the sentence lacks the figure."""
    at = figure_offset(sentence, text, at)
    if at < 0:
        return None
    return (tuple(_TOKEN.findall(normalize(sentence[:at]).text)),
            tuple(_TOKEN.findall(normalize(sentence[at + len(text):]).text)))


@lru_cache(maxsize=65536)  # asked of a claim's figure for its series cue and its day alike
def around_figure(sentence: str, text: str, at: int = -1
                  ) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...],
                             tuple[str, ...]] | None:
    """The normalised words before the figure (the last `_CUE_BEFORE`), those of its clause
    after it, the three words from the clause's end on (`_day_aside`), and the (at most
    `_SUPERLATIVE_BEFORE`) words before the first of those before it; None when the
    sentence lacks the figure. The figure stands at `at` (`Claim.figure_at`), else where
    the sentence first writes it."""
    whole = sentence_around(sentence, text, at)
    if whole is None:
        return None
    before, after = whole
    end = next((k for k, w in enumerate(after) if w in CLAUSE_ENDS), len(after))
    kept = max(0, len(before) - _CUE_BEFORE)
    return (tuple(before[kept:]), tuple(after[:end]), tuple(after[end:end + 3]),
            tuple(before[max(0, kept - _SUPERLATIVE_BEFORE):kept]))


def _figure_words(sentence: str, text: str, at: int = -1) -> list[str] | None:
    """The words a cue may govern the figure from: up to `_CUE_BEFORE` before it, "#" for
    the figure, and its own clause after it (at most `CUE_AFTER` words)."""
    around = around_figure(sentence, text, at)
    if around is None:
        return None
    before, after, _, _ = around
    return [*before, "#", *after[:CUE_AFTER]]


def figure_clause(sentence: str, text: str, at: int = -1) -> list[str] | None:
    """The words before the figure (`around_figure`), "#" for it, and the whole of its
    clause after it: where a span or a start that may close a long clause is read."""
    around = around_figure(sentence, text, at)
    return None if around is None else [*around[0], "#", *around[1]]


@lru_cache(maxsize=65536)  # asked of a claim when stored and at each settle it meets
def _series_cue(sentence: str, text: str, config: str, at: int = -1) -> tuple[str, ...] | None:
    """The words of the series cue that governs the figure, if any (`since_dated` alone for
    "منذ 30 مارس")."""
    around = around_figure(sentence, text, at)
    if around is None:
        return None
    before, after, _, lead = around
    words = [*before, "#", *after[:CUE_AFTER]]
    cues, days = _series_cues(config), _day_names(config)
    # A cue starts within the words above and may end past them: "رحلت 2300 مهاجر إلى
    # النيجر عبر بلدة أساماكا الحدودية منذ مطلع مارس"، "قتلوا منذ الجمعة في 30 آذار".
    reach = [*words, *after[CUE_AFTER:CUE_AFTER + 4]]
    seen = [*lead, *reach]  # where a superlative before a cue is looked for
    at = len(before)
    compared, bound = _words(config, "compared_since"), _words(config, "bound_after")
    for i in range(len(words)):
        t = cues.match(reach, i)
        # "إجمالي إصابات الجمعة لا يقل عن 400": the cue names one day's total.
        if t is None or not days.isdisjoint(reach[i + len(t.tokens):i + len(t.tokens) + 2]):
            continue
        # "وإصابة 1400 آخرين في أسوأ يوم من أعمال العنف منذ حرب 2014": after the figure, a
        # superlative before "since" compares the day with the past; it starts no series.
        # Before the figure only when the clause names the day ("وفي أكثر الأيام دموية منذ
        # حرب 2014، قتل الإثنين 55"): "أعنف الهجمات في الحرب المستمرة منذ 7 سنوات، وقال
        # المرصد إنه أسقط أكثر من 1600" is the offensive's running toll.
        # A cue that opens the words kept before the figure may have its superlative
        # before them (`lead`): "وفي أكثر الأيام دموية في النزاع الإسرائيلي الفلسطيني منذ
        # حرب غزة عام 2014، قتل الإثنين ... وجرح أكثر من 2400".
        j = i + len(lead)
        lo = at + 1 + len(lead) if i > at else max(0, j - _SUPERLATIVE_BEFORE)
        if (i > at or _names_a_day(words, config)) \
                and any(w in compared and bound.isdisjoint(seen[k + 1:k + 2])
                        for k, w in enumerate(seen[lo:j], lo)):
            continue
        return t.tokens
    if _since_a_date(reach, config, len(words)):
        return (since_word(config) or "",)
    # "بعد أسابيع من التظاهرات ... بلغت ذروتها الاثنين مع مقتل 60": a day named after the
    # span is the figure's, the span only the story's. One named before it dates something
    # else ("وتأتي المظاهرات المرتقبة الجمعة بعد أسبوع دام قتل خلاله 20").
    span = _span_of_weeks(words, config)
    return None if span is None or _names_a_day(words[span[0]:], config) else span[1]


def _span_of_weeks(words: list[str], config_dir: str
                   ) -> tuple[int, tuple[str, ...]] | None:
    """"في غضون ستة أسابيع"، "بعد عشرة أيام من الاحتجاجات"، "بعد ستة أسابيع، شهدت خلالها":
    a count over a span of days or weeks that runs to now. After "بعد" the span must be of
    what it spans, or the clause say "during it" ("بعد أسبوع على مقتل 17" is a week after one
    day's toll). With where the span opens."""
    spans = _span_counts(config_dir)
    for i, w in enumerate(words):
        if w not in spans["openers"]:
            continue
        k = i + 1
        if k < len(words) and (words[k].isdigit() or word_number(words[k]) is not None):
            k += 1  # "عشرة أيام"، "6 أسابيع"
        if k >= len(words) or words[k] not in spans["units"]:
            continue
        of = words[k + 1:k + 2] == [spans["of"]] and words[k] not in spans["needs_during"]
        if w not in spans["needs_of"] or of \
                or not spans["during"].isdisjoint(words[k + 1:k + 4]):
            return i, (w, words[k])
    return None


@lru_cache(maxsize=4)
def _span_counts(config_dir: str) -> dict[str, Any]:
    spans = _incidents(config_dir).get("span_counts") or {}
    words = {k: _normalised(spans.get(k))
             for k in ("openers", "needs_of", "units", "during", "needs_during")}
    return {**words, "of": normalize_term(str(spans.get("of") or ""))}


def is_series(claim: Claim) -> bool:
    """The sentence states the figure as a running total (a cue in its clause)."""
    return _series_cue(claim.sentence, claim.text, current_config_dir(),
                       claim.figure_at()) is not None


def runs_from_before(claim: Claim | ClaimRecord) -> bool:
    """The figure's series runs from a start before its day ("منذ 30 مارس"، "منذ بدء
    الاحتجاجات"، "خلال الأسابيع الماضية"), not a total so far of the day ("حتى الآن")."""
    if (r := stored_readings(claim)) is not None:
        return r.from_before
    config = current_config_dir()
    cue = _series_cue(claim.sentence, claim.text, config, claim.figure_at())
    return cue is not None and not _words(config, "span_start_words").isdisjoint(cue)


@lru_cache(maxsize=65536)
def _names_one_day(sentence: str, text: str, config: str, at: int = -1) -> bool:
    words = _figure_words(sentence, text, at)
    return words is not None and _names_a_day(words, config)


def _names_a_day(words: list[str], config_dir: str) -> bool:
    return not _day_names(config_dir).isdisjoint(words) \
        or any(_one_day(config_dir).match(words, i) is not None for i in range(len(words)))


def one_day(claim: Claim | ClaimRecord) -> bool:
    """The figure's clause names its day ("الاثنين"، "أمس"، "في يوم واحد"، "خلال 24 ساعة"):
    one day's count, which no series from an earlier start counts again."""
    if (r := stored_readings(claim)) is not None:
        return r.one_day
    return _names_one_day(claim.sentence, claim.text, current_config_dir(), claim.figure_at())


@lru_cache(maxsize=65536)
def _counts_last_day(sentence: str, text: str, config: str, at: int = -1) -> bool:
    words = figure_clause(sentence, text, at)  # the window may close the clause
    if words is None:
        return False
    past, days = _words(config, "past_window"), _one_day(config)
    for i in range(len(words)):
        t = days.match(words, i)
        if t is not None and not past.isdisjoint(words[i + len(t.tokens):i + len(t.tokens) + 2]):
            return True
    return False


def counts_last_day(claim: Claim | ClaimRecord) -> bool:
    """The figure counts the 24 hours up to its report ("خلال الساعات الـ24 الماضية")."""
    if (r := stored_readings(claim)) is not None:
        return r.last_day
    return _counts_last_day(claim.sentence, claim.text, current_config_dir(),
                            claim.figure_at())


@lru_cache(maxsize=65536)
def _span_days(sentence: str, text: str, config: str, at: int = -1) -> int | None:
    words = figure_clause(sentence, text, at)  # the span may close it ("... في يومين")
    if words is None:
        return None
    opens, spans = _multi_day(config)
    for i, w in enumerate(words):
        if opens.isdisjoint(strip_clitics(w)):
            continue
        for phrase, n in spans.items():
            if tuple(words[i + 1:i + 1 + len(phrase)]) == phrase:
                return n
    return 1 if _names_one_day(sentence, text, config, at) else None


def span_days(claim: Claim | ClaimRecord) -> int | None:
    """How many days the figure's clause says it counts: 2 for "في يومين"، "خلال 48
    ساعة" (`multi_day`), 1 for a day's count (`one_day`), None when it says nothing."""
    if (r := stored_readings(claim)) is not None:
        return r.span
    return _span_days(claim.sentence, claim.text, current_config_dir(), claim.figure_at())


@lru_cache(maxsize=4)
def _multi_day(config_dir: str) -> tuple[frozenset[str], dict[tuple[str, ...], int]]:
    spec = _incidents(config_dir).get("multi_day") or {}
    spans = {tuple(normalize_term(w) for w in str(k).split()): int(v)
             for k, v in (spec.get("spans") or {}).items()}
    return _normalised(spec.get("opens")), spans


@lru_cache(maxsize=4)
def day_words(config_dir: str) -> tuple[dict[str, int], dict[str, int], frozenset[str],
                                          frozenset[str], frozenset[str]]:
    spec = _incidents(config_dir)
    return ({normalize_term(str(k)): int(v) for k, v in (spec.get("weekdays") or {}).items()},
            {normalize_term(str(k)): int(v)
             for k, v in (spec.get("relative_days") or {}).items()},
            _normalised(spec.get("past_after")), _normalised(spec.get("day_opens")),
            _normalised(spec.get("day_shifts")))


@lru_cache(maxsize=4)
def _day_names(config_dir: str) -> frozenset[str]:
    """The words that name a day (`weekdays`, `relative_days`), as written."""
    weekdays, relative, *_ = day_words(config_dir)
    return frozenset(weekdays) | frozenset(relative)


@lru_cache(maxsize=4)
def _one_day(config_dir: str) -> TermSet:
    return term_set(_incidents(config_dir).get("one_day") or [], "one_day")


@lru_cache(maxsize=16)
def _words(config_dir: str, name: str) -> frozenset[str]:
    """A word list of incidents.yaml, normalised: `span_start_words`, `compared_since`,
    `bound_after`."""
    return _normalised(_incidents(config_dir).get(name))


def _normalised(words: list[Any] | None) -> frozenset[str]:
    return frozenset(normalize_term(str(w)) for w in words or [])


# Counts of a state rather than of an incident: how many are held, were moved, fled, are
# deployed, were given. Under a town's or a province's key they are one running count that
# later reports update (2,000 troops in Kirkuk, then 3,500 in all); under a country's key
# many such counts meet, so there they are incidents like any other figure.
STATE_EVENTS = frozenset({"held", "transferred", "displaced", "deployed", "funding"})


def place_of(fact_key: str | None) -> str:
    parts = (fact_key or "").split(":")
    return parts[2] if len(parts) > 3 else "_"


def is_local(place: str) -> bool:
    """A province (sy.daraa) or a town the gazetteer does not list (~خوست): not a country."""
    return "." in place or place.startswith("~")


def running_count(claim: Claim) -> bool:
    """A count of a state under a local key: one count, settled over its whole history."""
    return claim.event in STATE_EVENTS and is_local(place_of(claim.fact_key))


def settles_whole(fact_key: str, event: str | None) -> bool:
    """Whether a fact's history settles whole (a local running count) or a claim meets only
    linked reports (an incident, or the points of a series)."""
    return event in STATE_EVENTS and is_local(place_of(fact_key))


def as_series(claim: Claim) -> Claim:
    """The claim, marked as a point of a series when its sentence states a running total."""
    if not claim.fact_key or claim.vague or running_count(claim) or not is_series(claim):
        return claim
    return claim.model_copy(update={"series": True})


_WORD_RE = re.compile(r"\w+")


# A word of three letters or more with no digit in it, whole: "2018" and "ال24" are no
# wording of a sentence.
_CONTENT_WORD = re.compile(r"(?<!\w)(?:(?!\d)\w){3,}(?!\w)")


@lru_cache(maxsize=8192)  # a claim's sentence is read again at each settle of its window
def content_words(sentence: str) -> frozenset[str]:
    return frozenset(_CONTENT_WORD.findall(normalize(sentence).text))


def sentence_words(claim: ClaimRecord) -> frozenset[str]:
    """The content words of a claim's sentence (kept on a stored one)."""
    if (r := stored_readings(claim)) is not None:
        return frozenset(r.words)
    return content_words(claim.sentence)


def overlap(wa: frozenset[str], wb: frozenset[str]) -> float:
    """Jaccard overlap of two sentences' words, figures left out."""
    union = len(wa | wb)
    return len(wa & wb) / union if union else 0.0


@dataclass(frozen=True, slots=True)
class Link:
    """Why two reports are taken for one incident: the evidence an alert carries."""

    story: float  # cosine of the two articles' story vectors
    sentence: float  # word overlap of the two sentences
    same_article: bool
    local: bool  # a town's or province's key, reports within LOCAL_DAYS

    @property
    def strong(self) -> bool:
        return self.story >= STRONG_COSINE or self.sentence >= SENTENCE_OVERLAP

    @property
    def holds(self) -> bool:
        if self.same_article:
            return True  # the store lets two named sources of one article meet, no others
        if self.local:
            return True
        return self.story >= LINK_COSINE or self.sentence >= SENTENCE_OVERLAP

    def evidence(self) -> dict[str, float | bool]:
        return {"story_similarity": round(self.story, 3),
                "sentence_overlap": round(self.sentence, 3),
                "same_article": self.same_article, "local": self.local}


def weak_figure(c: ClaimRecord) -> bool:
    """A word estimate, a sum of parts, or a figure the text gives no place for."""
    return c.vague or c.derived is not None or place_of(c.fact_key) == "_"


def towns_apart(a: ClaimRecord, b: ClaimRecord) -> bool:
    """Both figures name a town (below the key's province) and not the same one: an attack
    in Hawija and a bomb near Daquq, both in Kirkuk, the same day, are two incidents unless
    their stories say they are one. A camp the gazetteer files under a town (Abu Shouk under
    El Fasher) is in it."""
    la, lb = a.location or "", b.location or ""
    if la.count(".") < 2 or lb.count(".") < 2:
        return False
    return not (f"{la}.".startswith(f"{lb}.") or f"{lb}.".startswith(f"{la}."))


def fronts_apart(a: ClaimRecord, b: ClaimRecord) -> bool:
    """Both sentences name the front they count on, and not the same one: the 16 Houthis
    killed «على جبهة الساحل الغربي» and the 15 killed «في جبهة متاف البقع» are two
    battles, however alike the daily war reports read."""
    fa, fb = front_named(a), front_named(b)
    return fa is not None and fb is not None and fa != fb


def front_named(c: ClaimRecord) -> str | None:
    if (r := stored_readings(c)) is not None:
        return r.front
    return _front_named(c.sentence, current_config_dir())


@lru_cache(maxsize=8192)
def _front_named(sentence: str, config_dir: str) -> str | None:
    """The word after the first `front_words` word of the sentence (its front's name)."""
    fronts = _words(config_dir, "front_words")
    words = _WORD_RE.findall(normalize_term(sentence))
    for i, w in enumerate(words[:-1]):
        if not fronts.isdisjoint(strip_clitics(w)):
            return words[i + 1]
    return None


def ties(a: ClaimRecord, b: ClaimRecord, wa: frozenset[str] | None = None,
         wb: frozenset[str] | None = None, fact_key: str | None = None) -> Link | None:
    """The link of two claims of one fact when it makes them one incident, else None."""
    tie = link(a, b, wa, wb, fact_key)
    if not tie.holds or fronts_apart(a, b):
        return None
    if (weak_figure(a) or weak_figure(b)) and not (tie.same_article or tie.strong):
        return None
    return tie


def link(a: ClaimRecord, b: ClaimRecord, wa: frozenset[str] | None = None,
         wb: frozenset[str] | None = None, fact_key: str | None = None) -> Link:
    """How two claims of the fact `fact_key` (by default `a`'s own) are linked: a
    province's figure held in its country's fact is linked as the country's figures are."""
    same = a.article_id == b.article_id and a.version == b.version
    story = 1.0 if same else cosine(a.story or {}, b.story or {})
    words_a = wa if wa is not None else sentence_words(a)
    words_b = wb if wb is not None else sentence_words(b)
    key = fact_key or a.fact_key
    local = (is_local(place_of(key)) and _gap_days(a, b) <= LOCAL_DAYS
             and not towns_apart(a, b)) or (_of_a_thing(key) and _same_day(a, b))
    return Link(story, overlap(words_a, words_b), same, local)


def _of_a_thing(fact_key: str | None) -> bool:
    """A count of missiles fired or brought down: its key already names the thing, the
    country and the month."""
    return (fact_key or "").split(":", 1)[0] in default_lexicon().thing_event_names


def _same_day(a: ClaimRecord, b: ClaimRecord) -> bool:
    """Published the same UTC day: under a thing's key, one strike. The 103 cruise missiles
    the Russian army counted and the 110 Syria's army did on 14 April share few words (their
    stories' cosine is 0.08) but no other strike on Syria that day."""
    da, db = utc_day(a.published), utc_day(b.published)
    return da is not None and da == db


def utc_day(published: datetime | None) -> date | None:
    """The UTC day a report was published (a naive time is taken as UTC)."""
    if published is None:
        return None
    return (published.astimezone(UTC) if published.tzinfo else published).date()


def _gap_days(a: ClaimRecord, b: ClaimRecord) -> float:
    if a.published is None or b.published is None:
        return float("inf")
    pa, pb = (p if p.tzinfo else p.replace(tzinfo=UTC) for p in (a.published, b.published))
    return abs((pa - pb).total_seconds()) / 86400


def incidents(claims: list[ClaimRecord]) -> list[list[ClaimRecord]]:
    """A fact's claims grouped into the incidents (or series) they were compared within:
    claims joined by `compared_with`, each group in time order, groups by their first
    report. What the fact page shows, one incident at a time."""
    parent = {c.claim_id: c.claim_id for c in claims}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for c in claims:
        if c.compared_with in parent:
            parent[root(c.claim_id)] = root(c.compared_with)
    groups: dict[str, list[ClaimRecord]] = {}
    for c in claims:
        groups.setdefault(root(c.claim_id), []).append(c)
    key = lambda c: (c.published.isoformat() if c.published else "", c.claim_id)  # noqa: E731
    out = [sorted(g, key=key) for g in groups.values()]
    return sorted(out, key=lambda g: key(g[0]))


def middle(low: float | None, high: float | None) -> float | None:
    """The middle of a figure's range, or its one bound (what two figures are compared by
    for how far apart they are)."""
    if low is not None and high is not None:
        return (float(low) + float(high)) / 2
    return float(low) if low is not None else (float(high) if high is not None else None)


def preload() -> None:
    """Read incidents.yaml and index its words before a worker forks: a horse runs one job
    of 64 articles, and parsing it again in each cost more than linking that job's
    claims."""
    config = current_config_dir()
    config_digest()  # hashes the config files, which each stored claim's readings name
    _series_cues(config)
    since_word(config)
    _span_counts(config)
    _multi_day(config)
    day_words(config)
    _day_names(config)
    _one_day(config)
    for name in ("span_start_words", "compared_since", "bound_after", "front_words",
                 "past_window"):
        _words(config, name)
