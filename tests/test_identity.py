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


def test_an_unstated_time_orders_a_claim_by_publication() -> None:
    from monitor.facts.compare import when
    from monitor.facts.store import to_record

    published = datetime(2025, 3, 20, 23, 30, tzinfo=UTC)
    article = Article(id="t", outlet="o", published=published,
                      text="قالت وزارة الصحة إن 12 شخصاً قتلوا في حلب.")
    (c,) = extract_claims(article)
    assert when(to_record(c, article))[0] == published.date()
