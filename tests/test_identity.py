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
