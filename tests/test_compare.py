"""DESIGN.md's comparison semantics, as pure functions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from monitor.facts.compare import decide, settle
from monitor.facts.figures import overlaps
from monitor.models import ClaimRecord


def rec(low: float | None, high: float | None, *, approx: bool = False, who: str = "A",
        outlet: str = "o1", day: int = 1, month: int = 1, cue: bool = False,
        scope: str = "total", event: str = "killed", verdict: str = "new",
        cid: str | None = None) -> ClaimRecord:
    published = datetime(2026, month, day, 9, tzinfo=UTC)
    return ClaimRecord(
        article_id=f"a-{who}-{month}-{day}", text="x", start=0, end=1, low=low, high=high,
        approx=approx,
        unit="person", event=event, sentence="s", fact_key="k", scope=scope,
        time=published.date().isoformat(), attributed_to=who, outlet=outlet,
        published=published, update_cue=cue, claim_id=cid or f"c{low}{high}{who}{day}",
        verdict=verdict,  # type: ignore[arg-type]
    )


TOL = dict(tolerance=0.1, later_state_days=14)


def test_intervals() -> None:
    assert overlaps(rec(1500, 1500, approx=True), rec(1400, 1400), 0.1)
    assert not overlaps(rec(1500, 1500, approx=True), rec(120, 120), 0.1)
    assert overlaps(rec(5700, None), rec(6000, 6000, approx=True), 0.1)
    assert overlaps(rec(900, None), rec(912, 912), 0.1)
    assert overlaps(rec(100, 300), rec(150, 150), 0.1)
    assert not overlaps(rec(None, 40), rec(41, 41), 0.1)


def test_a_round_figure_beside_a_precise_one_is_approximate() -> None:
    # Real pairs judged "agree": Taiz's 3021 civilians and a headline's «3 آلاف»; Venezuela's
    # 8292 executions and «8 آلاف»; the round 700 beside 719.
    assert overlaps(rec(3021, 3021), rec(3000, 3000), 0.1)
    assert overlaps(rec(8000, 8000), rec(8292, 8292), 0.1)
    assert decide(rec(719, 719, who="B", day=2), rec(700, 700), **TOL).verdict == "confirms"
    assert not overlaps(rec(700, 700), rec(800, 800), 0.1)  # two round figures: as stated
    assert not overlaps(rec(3000, 3000), rec(3400, 3400), 0.1)  # beyond the rounding
    assert not overlaps(rec(40, 40), rec(42, 42), 0.1)  # a toll of tens is counted, not rounded


def test_about_a_figure_of_one_digit_in_thousands_is_rounded_at_that_digit() -> None:
    # Real France 24, 15 May 2018: a reporter's «حوالي ألفين» injured beside the ministry's
    # 2271 (13% apart) was a contradiction at 0.53, judged agree.
    assert overlaps(rec(2271, 2271), rec(2000, 2000, approx=True), 0.1)
    assert not overlaps(rec(2400, 2400), rec(2000, 2000, approx=True), 0.1)
    # Two such estimates keep the tolerance: «نحو أربعة آلاف» then «نحو خمسة آلاف» rose.
    assert not overlaps(rec(4000, 4000, approx=True), rec(5000, 5000, approx=True), 0.1)
    # Two significant digits are rounded finer: «حوالي 470 ألف» against 400,000 disagree.
    assert not overlaps(rec(400_000, 400_000), rec(470_000, 470_000, approx=True), 0.1)


def test_first_claim_is_new_and_agreement_confirms() -> None:
    first = rec(6000, 6000, approx=True)
    assert decide(first, None, **TOL).verdict == "new"
    again = rec(6000, 6000, who="B", day=2)
    assert decide(again, first, **TOL).verdict == "confirms"


def test_disagreement_between_sources_is_a_contradiction() -> None:
    a = rec(1500, 1500, approx=True, who="SDF", scope="2026-01", event="escaped")
    b = rec(120, 120, who="Interior Ministry", scope="2026-01", event="escaped")
    d = decide(b, a, **TOL)
    assert d.verdict == "contradicts" and d.compared_with is a


def test_update_wording_or_same_source_later_or_much_later_is_an_update() -> None:
    old = rec(100, 300, who="estimates", day=1)
    assert decide(rec(5700, None, who="report", day=3, cue=True), old, **TOL).verdict \
        == "updates"
    assert decide(rec(400, 400, who="estimates", day=3), old, **TOL).verdict == "updates"
    assert decide(rec(400, 400, who="x", month=3, event="displaced"),
                  rec(100, 300, who="estimates", day=1, event="displaced"),
                  **TOL).verdict == "updates"
    # A toll is counted for days and only rises: a later, higher toll of the incident is the
    # count moving on (analysts reading the real months called such pairs updates); a
    # lower one, or two named sources' figures within the day, is a disagreement.
    assert decide(rec(400, 400, who="o1", day=3), old, **TOL).verdict == "updates"
    assert decide(rec(400, 400, who="x", day=3), old, **TOL).verdict == "updates"
    hours = old.model_copy(update={"published": old.published + timedelta(hours=10),
                                   "attributed_to": "x", "claim_id": "c10h",
                                   "low": 400, "high": 400})
    assert decide(hours, old, **TOL).verdict == "contradicts"
    assert decide(rec(50, 50, who="x", day=3), old, **TOL).verdict == "contradicts"
    escape = rec(100, 300, who="estimates", day=1, event="escaped")
    assert decide(rec(400, 400, who="x", day=3, event="escaped"), escape, **TOL).verdict \
        == "contradicts"


def test_an_old_report_arriving_late_never_updates_backwards() -> None:
    first = rec(100, 100, who="a", month=1)
    newer = rec(500, 500, who="b", month=3, cue=True)
    late = rec(50, 50, who="c", month=2, cue=True)
    settled, current = settle([first, newer, late], **TOL)
    assert [s.claim for s in settled] == [first, late, newer]  # time order, not arrival
    verdict = {s.claim.claim_id: s.decision for s in settled}
    # 50 after 100, in its time: a lower later figure is never an update (issue 11), cue or
    # not; it disagrees, and the 500 of March updates the 100 that still stands.
    assert verdict[late.claim_id].verdict == "contradicts"
    assert verdict[newer.claim_id].compared_with is first
    assert current is newer  # the late report never becomes the current figure


def test_settling_depends_on_the_set_of_claims_not_their_arrival_order() -> None:
    import itertools

    claims = [rec(100, 100, who="a", day=1, event="displaced"),
              rec(300, 300, who="b", day=5, cue=True, event="displaced"),
              rec(120, 120, who="c", day=6, event="displaced"),
              rec(300, 300, who="d", day=7, event="displaced"),
              rec(900, 900, who="e", month=3, event="displaced")]
    outcomes = set()
    for perm in itertools.permutations(claims):
        settled, current = settle(list(perm), **TOL)
        outcomes.add((tuple((s.claim.claim_id, s.decision.verdict,
                             s.decision.compared_with.claim_id if s.decision.compared_with
                             else None) for s in settled), current.claim_id if current else None))
    assert len(outcomes) == 1
    (verdicts, current_id), = outcomes
    assert [v for _, v, _ in verdicts] == ["new", "updates", "contradicts", "confirms", "updates"]
    assert current_id == claims[-1].claim_id


def test_one_source_in_one_article_does_not_contradict_itself() -> None:
    a = rec(11_000_000, 11_000_000, who="BBC")
    b = rec(6_000_000, 6_000_000, who="BBC").model_copy(update={"article_id": a.article_id})
    assert decide(b, a, **TOL).verdict == "new"
    # ...but two speakers in one article do (the seed story's 1500 vs 120).
    c = rec(120, 120, who="Interior Ministry").model_copy(update={"article_id": a.article_id})
    assert decide(c, a, **TOL).verdict == "contradicts"


def test_a_revised_article_updates_its_own_figure() -> None:
    old = rec(27, 27, who="MoH").model_copy(update={"version": "v1"})
    new = old.model_copy(update={"low": 35, "high": 35, "version": "v2", "claim_id": "c2"})
    d = decide(new, old, **TOL)
    assert d.verdict == "updates" and "revised" in d.reason


def test_publication_times_in_other_zones_are_ordered_on_one_clock() -> None:
    from datetime import timedelta, timezone

    from monitor.facts.compare import when

    dubai = rec(320, 320).model_copy(update={"published": datetime(
        2018, 6, 29, 22, 11, tzinfo=timezone(timedelta(hours=4)))})  # 18:11 UTC
    paris = rec(415, 415).model_copy(update={"published": datetime(
        2018, 6, 29, 20, 39, tzinfo=UTC)})
    assert when(dubai) < when(paris)


def test_a_higher_floor_updates_while_an_exact_figure_above_a_floor_confirms() -> None:
    # Lombok, 9 Aug 2018: "at least 164 killed" (France 24), then "at least 259" (CNN).
    floor = rec(164, None, who="USGS")
    higher = decide(rec(259, None, who="CNN", outlet="o2"), floor, **TOL)
    assert higher.verdict == "updates" and higher.becomes_current
    assert decide(rec(150, None, who="CNN", outlet="o2"), floor, **TOL).verdict == "confirms"
    # DESIGN.md: "more than 900" and 912 agree: an exact count inside the floor states it.
    assert decide(rec(912, 912, who="B"), rec(900, None), **TOL).verdict == "confirms"
    # A floor above an approximate figure, or above the top of a range, moved it too.
    assert decide(rec(666_000, None, who="B"), rec(650_000, 650_000, approx=True),
                  **TOL).verdict == "updates"
    assert decide(rec(250, None, who="B"), rec(100, 300), **TOL).verdict == "confirms"


def vague(low: float, high: float, **kw: object) -> ClaimRecord:
    return rec(low, high, **kw).model_copy(update={"vague": True})  # type: ignore[arg-type]


def test_a_figure_meets_a_word_estimate_and_takes_over_from_it() -> None:
    # Gaza, 31 Mar 2018: injured "مئات" (hundreds) in one outlet, "more than 1,400" in another.
    hundreds = vague(200, 999, who="Sky")
    d = decide(rec(1400, None, who="Health Ministry", outlet="o2"), hundreds, **TOL)
    assert d.verdict == "contradicts" and d.becomes_current
    assert decide(rec(450, 450, who="B"), hundreds, **TOL).verdict == "confirms"
    # A later word estimate never stands for a fact that has a figure.
    later = decide(vague(200, 999, who="C", day=2), rec(450, 450, who="B"), **TOL)
    assert later.verdict == "confirms" and not later.becomes_current
    # Two word estimates are impressions, not figures to hold each other to.
    words = decide(vague(2000, 9999, who="C", day=2), hundreds, **TOL)
    assert words.verdict not in ("contradicts", "updates") and not words.becomes_current


def test_a_floor_does_not_agree_with_a_figure_an_order_of_magnitude_above_it() -> None:
    # Paris, May 2018: "about 2,000 security officers deployed", then "more than 200".
    about = rec(2000, 2000, approx=True, who="France 24")
    assert decide(rec(200, None, who="Sky", outlet="o2", day=2), about,
                  **TOL).verdict == "contradicts"
    # Floors rounded down within the figure's magnitude still agree, in either order.
    assert overlaps(rec(5000, None), rec(5703, 5703), 0.1)
    assert overlaps(rec(100, None), rec(290, 290), 0.1)
    assert decide(rec(1000, None, who="B", day=2), rec(1980, 1980), **TOL).verdict \
        == "confirms"


def test_two_floors_agree_only_within_the_rounding_of_the_lower() -> None:
    # Sky News Arabia, 10 May 2018: "more than 140,000" and "more than 110,000" dismissed in
    # Turkey are two counts; "more than 20" and "at least 23" one rounded down.
    assert not overlaps(rec(140000, None), rec(110000, None), 0.1)
    assert overlaps(rec(20, None), rec(23, None), 0.1)
    assert overlaps(rec(48, None), rec(50, None), 0.1)  # within the tolerance
    later_lower = decide(rec(40, None, who="WH", outlet="o2", day=2), rec(60, None, who="UOSSM"),
                         **TOL)
    assert later_lower.verdict == "contradicts"
    # A higher later floor is still the count moving on, however far above.
    assert decide(rec(645, None, who="B", outlet="o2", day=2), rec(445, None, who="A"),
                  **TOL).verdict == "updates"


def test_a_word_estimate_and_a_figure_in_one_article_do_not_disagree() -> None:
    dozens = vague(20, 99, who="army", cid="v")
    figure = rec(14, 14, who="governor", cid="f").model_copy(
        update={"article_id": dozens.article_id})  # one article quoting two speakers
    d = decide(figure, dozens, **TOL)
    assert d.verdict not in ("contradicts", "updates") and d.becomes_current


def test_a_count_said_to_grow_that_fell_is_a_contradiction() -> None:
    # Japan, 11 Jul 2018: "the toll rose to 179", then another outlet "rose to 176".
    d = decide(rec(176, 176, who="Sky", outlet="o2", cue=True), rec(179, 179, who="AA"),
               **TOL)
    assert d.verdict == "contradicts"
    assert decide(rec(190, 190, who="Sky", outlet="o2", cue=True), rec(179, 179, who="AA"),
                  **TOL).verdict == "updates"


def test_a_toll_weeks_later_is_another_incident_unless_it_says_it_is_a_total() -> None:
    floods = rec(141, 141, who="NHK", day=10, month=7)
    heatwave = decide(rec(14, 14, who="Kyodo", outlet="o2", day=17, month=7), floods, **TOL)
    assert heatwave.verdict == "new" and heatwave.becomes_current
    # Within the week the same toll moves; a running total ("منذ بدء …") keeps its fact.
    assert decide(rec(122, 122, who="Kyodo", outlet="o2", day=12, month=7), floods,
                  **TOL).verdict == "contradicts"
    assert decide(rec(400, 400, who="Kyodo", outlet="o2", day=20, month=8, cue=True),
                  floods, **TOL).verdict == "updates"


def test_a_later_higher_point_of_a_running_total_is_an_update_whoever_counts() -> None:
    # Gaza since 30 March (real, May 2018): medical sources' 110, then the ministry's 118.
    p = rec(110, 110, who="medics").model_copy(update={"series": True})
    c = rec(118, None, who="ministry", outlet="o2", day=5).model_copy(update={"series": True})
    assert decide(c, p, **TOL).verdict == "updates"
    # Not series points: two named sources the same day disagree; days apart, the later
    # names the count as it now stands.
    same_day = c.model_copy(update={"series": False, "published": p.published
                                    + timedelta(hours=8)})
    assert decide(same_day, p.model_copy(update={"series": False}), **TOL).verdict \
        == "contradicts"
    assert decide(c.model_copy(update={"series": False}), p.model_copy(update={"series": False}),
                  **TOL).verdict == "updates"
