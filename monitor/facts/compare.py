"""The comparison semantics of DESIGN.md as pure functions: which reports meet, and the
verdict. The arithmetic of two figures (intervals, overlap) is monitor/facts/figures.py."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import lru_cache

from monitor.claims.events import EventRegistry
from monitor.claims.lexicon import default_lexicon
from monitor.facts.days import Start, day_named, series_start
from monitor.facts.figures import open_floor, overlaps, width
from monitor.facts.identity import is_view
from monitor.facts.incident import (
    LINK_COSINE,
    LINK_WINDOW_DAYS,
    SENTENCE_OVERLAP,
    SERIES_DAYS,
    counts_last_day,
    current_config_dir,
    link,
    middle,
    one_day,
    runs_from_before,
    sentence_words,
    span_days,
    ties,
    utc_day,
)
from monitor.models import ClaimRecord, Verdict

# A toll of the dead, injured or missing (an `outcome` in the event registry) grows for days
# after its incident; the same words about the same place weeks later count another
# incident (floods in July, a heatwave the week after), unless the report says it is a
# running total.
TOLL_DAYS = 7
# Two outlets a few hours apart giving two tolls disagree; a toll reported this much later
# and higher is the count moving on.
TOLL_RISE_HOURS = 6
# ...and this much later when two named sources give the two tolls: of the dev gold's later,
# higher tolls a day or more apart, analysts called 5 of 6 updates. Within the day the two
# sources' figures stay a dispute: turning those too into updates sent 4 more false alerts
# for 7 useful in the dev replay.
TOLL_RISE_NAMED_HOURS = 24


def _events() -> EventRegistry:
    """The event registry (config/lexicon.yaml), as the extractor reads it."""
    return default_lexicon().registry


def when(c: ClaimRecord) -> tuple[date, datetime]:
    """Order of claims in the world: the time the figure refers to, then publication."""
    return _when(c.time, c.published)


@lru_cache(maxsize=65536)  # every sort and window test of a settle asks again
def _when(time: str | None, published: datetime | None) -> tuple[date, datetime]:
    pub_day = utc_day(published) or date.min
    ref = date.fromisoformat(time) if time else pub_day
    pub = published or datetime.min
    if pub.tzinfo is not None:
        pub = pub.astimezone(UTC).replace(tzinfo=None)  # +04:00 and GMT on one clock
    return ref, pub


def _same_speaker(a: str, b: str) -> bool:
    """`مدير مكتب الصحة` and `مدير مكتب الصحة سليم العزاني` are one speaker, named or not."""
    short, long = sorted((a.strip(), b.strip()), key=len)
    return short == long or (len(short.split()) >= 2 and long.startswith(short + " "))


def same_source(a: ClaimRecord, b: ClaimRecord) -> bool:
    if a.attributed_to and b.attributed_to and _same_speaker(a.attributed_to, b.attributed_to):
        return True
    return bool(a.outlet and a.outlet == b.outlet and a.attributed_to == b.attributed_to)


@dataclass(frozen=True, slots=True)
class Decision:
    verdict: Verdict
    compared_with: ClaimRecord | None
    reason: str
    becomes_current: bool
    evidence: dict[str, float | bool] | None = None  # why the two reports are one incident


def order(c: ClaimRecord) -> tuple[date, datetime, str]:
    """A total order on a fact's claims: time in the world, then the claim id for ties, so
    every worker, in any arrival order, settles the same history the same way."""
    ref, pub = when(c)
    return ref, pub, c.claim_id


def decide(
    new: ClaimRecord,
    current: ClaimRecord | None,
    *,
    tolerance: float,
    later_state_days: int,
) -> Decision:
    """Verdict for `new` against the fact's state just before it (`current`, earlier in order).

    Claims that arrive out of order are not decided here: the store settles the history again
    in order (`settle`), so an older report arriving late never "updates" a fact backwards.
    """
    if current is None:
        return Decision("new", None, "first report of this figure", True)
    if (new.vague or current.vague) and new.article_id == current.article_id \
            and new.version == current.version:
        # "عشرات الجنود … 14 جنديا" in one article: a word estimate and a figure of one
        # report are not two reports; the figure speaks for the fact.
        return Decision("confirms" if overlaps(new, current, tolerance) else "new", None,
                        "a word estimate and a figure in one article", not new.vague)
    gap = (when(new)[0] - when(current)[0]).days
    if new.event in _events().outcome and new.scope == "total" and not new.update_cue \
            and gap >= TOLL_DAYS:
        return Decision("new", None, f"{gap} days after the last report of this toll, with "
                        "nothing saying it is a running total: another incident", True)
    if new.vague and current.vague:
        # "مئات" against "آلاف": two impressions in words, not figures to hold each other to.
        return Decision("confirms" if overlaps(new, current, tolerance) else "new", None,
                        "two estimates in words", False)
    d = _decide_overlap_or_not(new, current, tolerance, later_state_days)
    if new.vague or current.vague:
        # A figure replaces a word ("hundreds injured" -> "more than 1,400") and speaks for
        # the fact from now on, whether it fits the word or not; a word never replaces one.
        return replace(d, becomes_current=not new.vague)
    return d


def _decide_overlap_or_not(new: ClaimRecord, current: ClaimRecord, tolerance: float,
                           later_state_days: int) -> Decision:
    together = overlaps(new, current, tolerance)
    if (together or (open_floor(new) and open_floor(current))) \
            and _raises_floor(new, current):
        # "At least 259 killed" after "at least 164": the count is now known to be beyond
        # what was reported: the figure moved (two floors beyond each other's rounding are
        # two counts, `floors_agree`, but a higher later one is still the count moving on).
        return Decision("updates", current,
                        "a later report puts the minimum above the previous figure", True)
    if together:
        if _beyond_floor(new, current, tolerance):
            # "أكثر من 180 قتيلا" in the morning, "257" by noon: a toll's floor is what was
            # counted so far, and a count well beyond it is the toll moving on.
            return Decision("updates", current,
                            "a later report counts well beyond the floor reported", True)
        # The latest source stating the figure at least as precisely speaks for it now: a
        # later disagreement is with that source.
        return Decision("confirms", current, "figures agree",
                        width(new, tolerance) <= width(current, tolerance))
    if new.article_id == current.article_id and new.version == current.version \
            and same_source(new, current):
        # One source in one article does not contradict itself: two figures it gives
        # for what looks like one fact are two facts we could not tell apart.
        return Decision("new", None, "another figure from the same source and article", False)
    reason = _update_reason(new, current, later_state_days)
    if reason:
        return Decision("updates", current, reason, True)
    return Decision(
        "contradicts",
        current,
        "figures disagree for the same event, place and time"
        if new.scope != "total"
        else "figures disagree and the newer report is not a later count",
        False,
    )


@dataclass(frozen=True, slots=True)
class Settled:
    claim: ClaimRecord
    decision: Decision


def settle(claims: list[ClaimRecord], *, tolerance: float,
           later_state_days: int) -> tuple[list[Settled], ClaimRecord | None]:
    """Decide every claim of a fact in time order; returns the verdicts and the current claim.

    The outcome depends only on the set of claims, never on the order they arrived in: that
    is what lets four workers on shuffled input raise exactly the alerts one worker raises.
    """
    current: ClaimRecord | None = None
    out: list[Settled] = []
    for c in sorted(claims, key=order):
        d = decide(c, current, tolerance=tolerance, later_state_days=later_state_days)
        out.append(Settled(c, d))
        if d.becomes_current:
            current = c
    return out, current


def within_window(a: ClaimRecord, b: ClaimRecord) -> bool:
    return abs((when(a)[1] - when(b)[1]).total_seconds()) <= LINK_WINDOW_DAYS * 86400


def _explicit(c: ClaimRecord) -> bool:
    """The figure is given to a speaker, not only to the outlet that printed it."""
    return bool(c.attributed_to) and c.attributed_to != c.outlet


def _may_meet_in_article(a: ClaimRecord, b: ClaimRecord) -> bool:
    """Two figures of one article meet only when it gives them to two different sources
    (the SDF's ~1,500 against the Interior Ministry's 120); otherwise they are parts, a
    day and a total, or two things the key could not tell apart."""
    return _explicit(a) and _explicit(b) and not same_source(a, b)


SERIES_SAME_DAY_HOURS = 24


def _day_and_span(a: ClaimRecord, b: ClaimRecord) -> bool:
    """`a` is one day's count (its clause names the day) and `b` a series from an earlier
    start: a series never meets a one-day figure, even one stated "so far"."""
    return one_day(a) and not runs_from_before(a) and runs_from_before(b)


def _started_after(start: Start | None, c: ClaimRecord) -> bool:
    """The series starting at `start` began after `c` was published."""
    day = utc_day(c.published)
    return start is not None and not start.year_only and day is not None and start.day > day


def _gap_seconds(a: ClaimRecord, b: ClaimRecord) -> float:
    return abs((when(a)[1] - when(b)[1]).total_seconds())


# What may_meet answered, per pair: the answer is a function of the two claims, the fact and
# the config, and a fact's window is settled again at each claim that arrives in it: of the
# 77,000 pairs a replay of both real months asks, 29,000 are distinct. Bounded, cleared
# when full.
_MET: dict[tuple[object, ...], tuple[tuple[str, float | bool], ...] | None] = {}
_MET_MAX = 50_000


def _claim_key(c: ClaimRecord) -> tuple[object, ...]:
    """What names a claim for `_MET`: its id (a digest of its article, span, bounds and key)
    and article version, and what a claim built by hand may change under the same id (the
    tests' "a", "b"): its text, time and how it was read."""
    return (c.claim_id, c.version, c.published, c.time, c.sentence, c.text, c.series,
            c.attributed_to, c.location, c.vague, c.derived, c.update_cue, c.outlet)


def may_meet(p: ClaimRecord, c: ClaimRecord, wp: frozenset[str], wc: frozenset[str],
             fact_key: str | None = None, config: str | None = None
             ) -> dict[str, float | bool] | None:
    """Whether an earlier claim `p` of the fact is a report `c` may be compared with, and the
    evidence: a linked report of the same incident within the window; for a point of a
    series, also any earlier point, and earlier figures of its story, within months. A
    one-incident figure never meets a series point (a day's toll is no running total).
    `config`: the running config dir, when the caller asks many pairs."""
    key = (_claim_key(p), _claim_key(c), fact_key, config or current_config_dir())
    if key in _MET:
        met = _MET[key]
        return None if met is None else dict(met)
    found = _may_meet(p, c, wp, wc, fact_key)
    if len(_MET) >= _MET_MAX:
        _MET.clear()
    _MET[key] = None if found is None else tuple(found.items())
    return found


def _may_meet(p: ClaimRecord, c: ClaimRecord, wp: frozenset[str], wc: frozenset[str],
              fact_key: str | None) -> dict[str, float | bool] | None:
    if two_views(p, c, fact_key):
        # Two provinces' figures in their country's fact: one province's meet in its own
        # fact, and two provinces' are two incidents.
        return None
    gap = _gap_seconds(p, c)
    if (p.article_id, p.version) == (c.article_id, c.version) \
            and not _may_meet_in_article(p, c):
        return None  # "4 killed today, 40 since the protests began": one article, no dispute
    if c.series and gap <= SERIES_DAYS * 86400:
        if _day_and_span(p, c) or _day_and_span(c, p):
            return None  # "41 killed so far on Monday" against "100 since 30 March"
        if p.series:
            sp, sc = series_start(p), series_start(c)
            if sp is not None and sc is not None and sp.apart(sc):
                return None  # "62 since Monday" and "46 since 30 March": two series
            if _started_after(sc, p) or _started_after(sp, c):
                # "53 killed so far" on Saturday is no point of "62 since Monday": a series
                # that starts after a report was published is not the one it counted.
                return None
            return {"series": True}
        if runs_from_before(c):
            # "116 killed since 30 March" counts from a start no earlier figure names: only
            # another point of the series is its earlier report.
            return None
        if c.event in _events().outcome and _ratio(p, c) > TOLL_SPAN_RATIO:
            return None  # the day's two dead against the 118 since 30 March
        tie = link(p, c, wp, wc, fact_key)
        # "by Thursday evening, 75" after the morning's 50 at the same hospital: under a
        # local key, the same day's figure is the count the series moved on from.
        if tie.story >= LINK_COSINE or tie.sentence >= SENTENCE_OVERLAP \
                or (tie.local and gap <= SERIES_SAME_DAY_HOURS * 3600):
            return tie.evidence()
        return None
    if p.series or c.series or gap > LINK_WINDOW_DAYS * 86400:
        return None
    if abs((when(p)[0] - when(c)[0]).days) > LINK_WINDOW_DAYS:
        # "وفي حزيران العام الماضي، قتل اثنان" in today's crash story: a figure of another
        # time, however close its story, is not this incident's earlier report.
        return None
    if _other_span(p, c) or _days_apart(p, c) or _spans_apart(p, c) or _before_window(p, c):
        return None
    tie = ties(p, c, wp, wc, fact_key)
    return tie.evidence() if tie is not None else None


# A toll more than this many times another is no report of the same count: the 1,600 dead
# of the Ghouta offensive against one strike's 12, one day's 4 against the 170 of the month.
# Read on the judged dev alerts, 44 of 47 such pairs across days or falling were false.
# Only a toll counted through one day rises so far (Gaza's injured: 12 in the morning,
# more than 900 by the evening).
TOLL_SPAN_RATIO = 10


def _middle(c: ClaimRecord) -> float | None:
    return middle(c.low, c.high)


def _ratio(p: ClaimRecord, c: ClaimRecord) -> float:
    """How many times the larger figure is the smaller (1 when either has no value)."""
    vp, vc = _middle(p), _middle(c)
    return max(vp, vc) / min(vp, vc) if vp and vc else 1.0


def _other_span(p: ClaimRecord, c: ClaimRecord) -> bool:
    """`c`'s toll, reported after `p`'s, is of another span than `p`'s (TOLL_SPAN_RATIO)."""
    if c.event not in _events().outcome or _ratio(p, c) <= TOLL_SPAN_RATIO:
        return False
    rose = (_middle(c) or 0.0) > (_middle(p) or 0.0)
    return not (rose and when(c)[0] == when(p)[0])


def _days_apart(p: ClaimRecord, c: ClaimRecord) -> bool:
    """The figures are two days' counts: both name their day and not the same one ("40
    killed in Friday's raids" against "8 killed on Saturday"), or one names a day after the
    other was published ("83 killed in clashes" on Friday 25 May is no report of "96 killed
    on Monday" the 28th). The day of a figure said to be a later state of a count ("ارتفعت
    الحصيلة الاثنين إلى 21") is when the count got there, not a day's own count."""
    dp, dc = (None if x.update_cue else day_named(x) for x in (p, c))
    if dp is not None and dc is not None:
        return dp != dc
    pp, pc = utc_day(p.published), utc_day(c.published)
    return (dc is not None and pp is not None and pp < dc) \
        or (dp is not None and pc is not None and pc < dp)


def _spans_apart(p: ClaimRecord, c: ClaimRecord) -> bool:
    """The figures count over spans of different lengths ("68 killed in the past 24 hours"
    against "87 killed in two days"): two counts, whatever their stories share."""
    sp = span_days(p)
    if sp is None:
        return False
    sc = span_days(c)
    return sc is not None and sp != sc


LAST_DAY_HOURS = 24


def _before_window(p: ClaimRecord, c: ClaimRecord) -> bool:
    """`c` counts the 24 hours up to its report and `p` was reported before them: what `p`
    counted happened before `c`'s window (64 killed on 27 May against "96 in the past 24
    hours" the next noon)."""
    if c.published is None or p.published is None:
        return False
    return (when(c)[1] - when(p)[1]).total_seconds() > LAST_DAY_HOURS * 3600 \
        and counts_last_day(c)


def firm(c: ClaimRecord) -> bool:
    """A figure that states the count: not a word estimate, a sum of parts, or a bound."""
    return not c.vague and c.derived is None and c.low is not None and c.high is not None


def may_change(c: ClaimRecord, since: ClaimRecord, fact_key: str | None = None) -> bool:
    """Whether `since`, arriving, can change the verdict of `c` (a claim of the same fact):
    its own, or one after it within its window, or a point of a series. A province's
    figure arriving in its country's fact changes no other province's verdict there (two
    such never meet): only its own and the country's figures after it."""
    return order(c) >= order(since) and _reached(c, since, fact_key)


def _reached(c: ClaimRecord, since: ClaimRecord, fact_key: str | None) -> bool:
    """`may_change` of a claim `c` known not to come before `since` in order."""
    if not (c.series or within_window(c, since)):
        return False
    return c.claim_id == since.claim_id or not two_views(since, c, fact_key)


def two_views(a: ClaimRecord, b: ClaimRecord, fact_key: str | None) -> bool:
    """Both claims are held in the fact `fact_key` under keys of their own (`is_view`)."""
    return fact_key is not None and is_view(a.fact_key, fact_key) \
        and is_view(b.fact_key, fact_key)


def settle_linked(claims: list[ClaimRecord], *, tolerance: float, later_state_days: int,
                  since: ClaimRecord | None = None, fact_key: str | None = None
                  ) -> tuple[list[Settled], ClaimRecord | None]:
    """`settle` for a fact of incidents: each claim is decided against the latest earlier
    claim it may meet (`may_meet`), or is new; a figure that states its count is held to
    the latest that states one too, when one does, not to a bound or a word estimate that
    came between ("at least 9" after 30 says nothing against a later 29). A verdict
    depends only on the claims before it that it may meet, never on other verdicts, so the
    store settles the window around a claim (and the fact's series points), not the
    history. With `since`, only the claims a
    claim arriving at `since` can change are decided: those after it, within its window or
    points of a series."""
    keyed = sorted(((order(c), c) for c in claims), key=lambda kc: kc[0])
    ordered = [c for _, c in keyed]
    since_order = order(since) if since is not None else None
    days = [when(c)[0].toordinal() for c in ordered]  # asked per pair: once per claim
    words: dict[int, frozenset[str]] = {}  # once per claim, not per pair, only as needed
    config = current_config_dir()

    def words_of(k: int) -> frozenset[str]:
        if k not in words:
            words[k] = sentence_words(ordered[k])
        return words[k]

    first: dict[tuple[object, ...], ClaimRecord] = {}
    for c in ordered:
        first.setdefault(_restated(c), c)
    out: list[Settled] = []
    current: ClaimRecord | None = None
    paging: dict[tuple[object, ...], ClaimRecord] = {}  # what pages, by what it pages for
    by_id = {c.claim_id: c for c in ordered}
    for i, c in enumerate(ordered):
        if since is not None and since_order is not None \
                and (keyed[i][0] < since_order or not _reached(c, since, fact_key)):
            if c.verdict in ("updates", "contradicts") and c.compared_with:
                # As it was decided: what it was compared with, or that claim's id when it
                # lies outside what was read.
                earlier = by_id.get(c.compared_with)
                paging.setdefault(_pages_for(earlier or c.compared_with, c), c)
            continue
        twin = first[_restated(c)]
        if twin is not c:
            # An article that prints its figure twice (a lede restated in the body, a
            # paragraph a desk pasted twice) is one report of it: the repeat confirms the
            # first and raises nothing of its own, or one disagreement pages twice.
            out.append(Settled(c, Decision("confirms", twin, "the article restates its figure",
                                           False)))
            continue
        anchor, evidence = None, None
        reach = None if c.series else days[i] - LINK_WINDOW_DAYS
        for j in range(i - 1, -1, -1):
            if reach is not None and days[j] < reach:
                # Claims are in time order: this one and every one before it lie more than
                # a window before `c`, which only a series point reaches (`may_meet`).
                break
            found = may_meet(ordered[j], c, words_of(j), words_of(i), fact_key, config)
            if found is not None and (anchor is None or firm(ordered[j])):
                anchor, evidence = ordered[j], found
                if firm(anchor) or not firm(c):
                    break
        if anchor is None:
            d = Decision("new", None, "no earlier report of this incident", True)
        else:
            d = replace(decide(c, anchor, tolerance=tolerance,
                               later_state_days=later_state_days), evidence=evidence)
            if d.verdict in ("updates", "contradicts"):
                pager = paging.setdefault(_pages_for(anchor, c), c)
                if pager is not c:
                    # The article gives the figure again, from another speaker or in
                    # other words, against the same earlier report: the disagreement
                    # has paged once. The repeat agrees with the figure that paged.
                    d = Decision("confirms", pager, "the article gives the figure again "
                                 "against the report it already disagrees with",
                                 d.becomes_current, evidence)
        out.append(Settled(c, d))
        if d.becomes_current:
            current = c
    return out, current


def _restated(c: ClaimRecord) -> tuple[object, ...]:
    """What makes two claims one figure said twice by one report: the same article text,
    the same figure and every reading of it that the verdict and the alert depend on."""
    return (c.article_id, c.version, c.low, c.high, c.approx, c.vague, c.series, c.scope,
            c.time, c.attributed_to, c.update_cue, c.location, c.derived)


def _pages_for(earlier: ClaimRecord | str, c: ClaimRecord) -> tuple[object, ...]:
    """One alert per disagreement: an earlier report's figure, and one article's figure
    against it, however many times either article prints its own."""
    return (_said(earlier) if isinstance(earlier, ClaimRecord) else earlier, _said(c))


def _said(c: ClaimRecord) -> tuple[object, ...]:
    return (c.article_id, c.version, c.low, c.high)


def _raises_floor(new: ClaimRecord, current: ClaimRecord) -> bool:
    """`new` is an open-ended floor above the figure `current` stated (its exact or
    approximate value, the top of its range, or its own floor), from another article.

    An exact figure above a floor stays a confirmation (DESIGN.md: "more than 900" and 912
    agree): it states the count, it does not raise a bound on it."""
    if new.high is not None or new.low is None or new.vague or current.vague:
        return False
    if new.article_id == current.article_id:
        return False
    stated = current.high if current.high is not None else current.low
    return stated is not None and new.low > stated


def _beyond_floor(new: ClaimRecord, current: ClaimRecord, tolerance: float) -> bool:
    """`new`, a toll's figure from another article, lies beyond the tolerance above the floor
    `current` stated ("more than 900" and 912 still agree)."""
    if new.event not in _events().outcome or new.article_id == current.article_id:
        return False
    if current.high is not None or current.low is None or current.vague or new.vague:
        return False
    if new.low is None or new.high is None:
        return False
    return new.low > current.low * (1 + tolerance) and when(new)[1] > when(current)[1]


def _update_reason(new: ClaimRecord, ref: ClaimRecord, later_state_days: int) -> str | None:
    """Why `new` is a later state of a running count, or None when it is not."""
    if new.article_id == ref.article_id and new.version != ref.version:
        return "the source revised its own article"
    # "ارتفعت الحصيلة إلى 176" after 179 says the count grew, and it did not.
    grown = new.high is None or ref.low is None or new.high > ref.low
    if new.update_cue and grown and new.scope == ref.scope:
        return "the report says the count has grown"
    if new.event in _events().incident and new.scope != "total":
        # An incident's figure does not grow: a different figure for it is a disagreement,
        # unless the same source revises itself.
        if same_source(new, ref) and when(new)[1] > when(ref)[1]:
            return "the same source revised its figure"
        return None
    if new.update_cue and grown:
        return "the report says the count has grown"
    if not grown:
        return None  # a lower later figure is a disagreement, never an update
    if same_source(new, ref) and when(new)[1] > when(ref)[1]:
        return "the same source reports a later figure"
    top = ref.high if ref.high is not None else ref.low
    higher = new.low is not None and top is not None and new.low > top
    if new.series and ref.series and higher and when(new)[1] > when(ref)[1]:
        # "110 killed since 30 March" on the 23rd, "at least 118" on the 27th: a running
        # total only grows, whoever counts it.
        return "a later point of the running total counts more"
    two_sources = _explicit(new) and _explicit(ref) and not same_source(new, ref)
    later = (when(new)[1] - when(ref)[1]).total_seconds()
    if new.event in _events().outcome and higher and later >= TOLL_RISE_HOURS * 3600 \
            and (not two_sources or later >= TOLL_RISE_NAMED_HOURS * 3600):
        # The dead and injured of one incident are counted for days and the count only
        # rises: a later, higher toll of the same incident is the count moving on, unless
        # two named sources give the two figures the same day (the ministry's 27, civil
        # defence's 60); a day on, the second names the count as it now stands.
        return "a later report of the incident puts the toll higher"
    (new_ref, _), (old_ref, _) = when(new), when(ref)
    if (new_ref - old_ref).days >= later_state_days:
        return f"reported {(new_ref - old_ref).days} days after the previous figure"
    return None
