"""Fact identity: which claims become facts, under which key (monitor/facts/identity.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from monitor.claims.extract import extract_claims
from monitor.models import Article, Claim

FOILED = "أحبطت قوات الأمن محاولة فرار 50 سجيناً من سجن الحسكة."


def _claims(text: str, published: datetime | None = None) -> list[Claim]:
    return extract_claims(Article(id="t", outlet="o", text=text, published=published))


def test_foiled_escapes_months_apart_are_different_facts() -> None:
    """A foiled escape is an incident, as an escape is: the one in January and the one in
    June at the same prison are two facts, not one running count (the extractor used to
    scope it as a running count while the comparison treated it as an incident)."""
    (jan,) = _claims(FOILED, datetime(2025, 1, 10, tzinfo=UTC))
    (jun,) = _claims(FOILED, datetime(2025, 6, 10, tzinfo=UTC))
    assert jan.event == jun.event == "escape_foiled"
    assert jan.fact_key and jun.fact_key
    assert jan.fact_key != jun.fact_key
    assert jan.scope == "2025-01" and jun.scope == "2025-06"


def test_a_claim_states_its_time_only_when_the_text_does() -> None:
    """`time` is the date the text gives for the figure; with none, the claim has no time
    (and is ordered by publication). The flag saying so used to be overwritten by the
    place's (`when, stated = _time(...)` then `location, stated = _location(...)`)."""
    published = datetime(2025, 3, 20, 9, tzinfo=UTC)
    (dated,) = _claims("قالت وزارة الصحة إن 12 شخصاً قتلوا في حلب يوم 15 مارس.", published)
    (undated,) = _claims("قالت وزارة الصحة إن 12 شخصاً قتلوا في حلب.", published)
    assert dated.time == "2025-03-15"
    assert undated.time is None
    assert dated.location == undated.location == "sy.aleppo"


def test_a_day_still_to_come_is_no_time_of_a_count() -> None:
    """«خلال الاحتجاجات المقرر أن تنتهي يوم 15 مايو/أيار» in a report of 11 May names when
    the protests are to end: the 43 killed are counted as of the report, not as of 15 May
    (which kept the toll four days away from the same day's 53 of another outlet). A day
    already past, or one whose year is written, still dates the figure."""
    published = datetime(2018, 5, 11, 14, tzinfo=UTC)
    (upcoming,) = _claims("وقتلت القوات الإسرائيلية 43 فلسطينيا خلال الاحتجاجات المقرر أن "
                          "تنتهي يوم 15 مايو/أيار.", published)
    (past,) = _claims("وقتلت القوات الإسرائيلية 43 فلسطينيا يوم 9 مايو/أيار.", published)
    assert upcoming.time is None
    assert past.time == "2018-05-09"


def test_an_unstated_time_orders_a_claim_by_publication() -> None:
    from monitor.facts.compare import when
    from monitor.facts.store import to_record

    published = datetime(2025, 3, 20, 23, 30, tzinfo=UTC)
    article = Article(id="t", outlet="o", published=published,
                      text="قالت وزارة الصحة إن 12 شخصاً قتلوا في حلب.")
    (c,) = extract_claims(article)
    assert when(to_record(c, article))[0] == published.date()


def test_a_fact_key_reads_as_the_string_redis_and_urls_hold() -> None:
    from monitor.facts.identity import FactKey, is_unplaced

    for text in ("escaped:detainee:sy:2026-01", "transferred:detainee:iq:daily:2026-01-21",
                 "killed:person:_:total", "killed:person:~مراوي:total"):
        key = FactKey.parse(text)
        assert str(key) == text
    key = FactKey.parse("transferred:detainee:iq:daily:2026-01-21")
    assert (key.event, key.thing, key.place, key.scope) == (
        "transferred", "detainee", "iq", "daily:2026-01-21")
    assert FactKey.parse("killed:person:_:total").unplaced and is_unplaced("killed:x:_:total")
    assert not is_unplaced(None) and not is_unplaced("killed:person:sy:total")
    assert str(FactKey.parse("transferred:fighter.arab:iq:total").whole()) \
        == "transferred:fighter:iq:total"


def test_a_town_keys_at_its_province_and_an_inherited_place_at_its_country() -> None:
    from monitor.facts.identity import key_place

    assert key_place("sy.aleppo.manbij", True, "admin1") == "sy.aleppo"
    assert key_place("sy.aleppo.manbij", False, "admin1") == "sy"
    assert key_place("sy.aleppo.manbij", True, "country") == "sy"
    assert key_place(None, True, "admin1") == "_"


def test_only_counts_of_what_happened_become_facts() -> None:
    from monitor.facts.identity import fact_of

    (planned,) = _claims("من المتوقع أن يصل عدد شاحنات المساعدات إلى 600 شاحنة في حلب.")
    assert planned.fact_key and planned.modality == "planned" and fact_of(planned) is None
    (count,) = _claims("قالت وزارة الصحة إن 12 شخصاً قتلوا في حلب.")
    key = fact_of(count)
    assert key is not None and str(key) == count.fact_key


def test_one_event_registry_for_the_extractor_and_the_comparison() -> None:
    from monitor.claims.lexicon import default_lexicon

    events = default_lexicon().registry
    assert events.incident == {"escaped", "escape_foiled", "captured", "released", "rescued",
                               "launched", "intercepted", "aboard", "referred"}
    assert events.outcome == {"killed", "injured", "casualties", "missing"}
    assert events.custody == {"released", "escaped", "escape_foiled", "held"}
    assert {"killed", "displaced", "escape_foiled"} <= events.people
    assert events.kind("escape_foiled") == "incident" and events.kind(None) == "running"


def test_a_wrong_registry_entry_says_what_to_fix() -> None:
    import pytest

    from monitor.claims.events import load_events

    with pytest.raises(ValueError, match=r"events\.killed"):
        load_events({"killed": {"kind": "sometimes"}})
    with pytest.raises(ValueError, match=r"events\.killed"):
        load_events({"killed": {"kind": "running", "is": ["dead"]}})


def test_a_country_narrows_to_the_province_the_article_is_about() -> None:
    """"29 فلسطينيا … في فلسطين" in a story of Gaza's border protests is Gaza's toll: the
    outlet naming Gaza in the figure's sentence and the one not are one incident's key. An
    article about two provinces of the country keeps the country."""
    gaza = ("تظاهر آلاف الفلسطينيين قرب السياج الحدودي في قطاع غزة الجمعة. وقالت وزارة الصحة "
            "في غزة إن الحصيلة ارتفعت. وقالت المدعية العامة في بيان عقب مقتل 29 فلسطينيا "
            "برصاص القوات الإسرائيلية في فلسطين إن أي جريمة جديدة قد تخضع للتحقيق.")
    keys = {c.fact_key for c in extract_claims(Article(id="g", title="احتجاجات غزة",
                                                       text=gaza))}
    assert "killed:person:ps.gaza:total" in keys
    both = gaza.replace("وقالت وزارة الصحة في غزة", "وقالت وزارة الصحة في نابلس والخليل")
    keys = {c.fact_key for c in extract_claims(Article(id="g2", title="احتجاجات", text=both))}
    assert "killed:person:ps:total" in keys


def test_the_one_province_named_once_as_where_is_the_articles() -> None:
    """"مقتل فلسطيني برصاص الجيش الإسرائيلي في غزة" names Gaza once, as where: the
    53 dead in Palestine are Gaza's toll. Baghdad at the head of a title names the
    government, not where (and «ب» begins its name: it is no preposition)."""
    text = "قال مسؤول إن 53 فلسطينيا قتلوا في فلسطين منذ بدء الاحتجاجات."
    keys = {c.fact_key for c in extract_claims(Article(
        id="g3", title="مقتل فلسطيني برصاص إسرائيلي في غزة", text=text))}
    assert keys == {"killed:person:ps.gaza:total"}
    moved = "قال مسؤول عراقي إن 2500 معتقل نقلوا من سوريا إلى العراق."
    keys = {c.fact_key for c in extract_claims(Article(
        id="g4", title="بغداد تقدم رقماً أقل", text=moved))}
    assert keys == {"transferred:detainee:iq:total"}


def test_a_days_toll_is_also_held_in_the_running_fact_of_its_place_and_country() -> None:
    from monitor.facts.identity import FactKey, views

    day = FactKey.parse("killed:person:ps.gaza:daily:2018-05-14")
    assert [str(k) for k in views(day)] == [
        "killed:person:ps:daily:2018-05-14", "killed:person:ps.gaza:total",
        "killed:person:ps:total"]
    # Another event's day's batch stays apart: 400 transferred today are no running count.
    assert views(FactKey.parse("transferred:person:sy:daily:2018-05-14")) == []
    assert [str(k) for k in views(FactKey.parse("killed:person:ps.gaza:total"))] == [
        "killed:person:ps:total"]
