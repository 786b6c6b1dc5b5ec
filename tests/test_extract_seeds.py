"""Every figure of seeds/EXPECTED.md is extracted with its bounds, event and source."""

from __future__ import annotations

import pytest

from monitor.claims.extract import all_numbers, extract_claims
from monitor.models import Claim
from tests.seeds import seed

# (article, figure text contains, low, high, event, source contains or None for the outlet)
EXPECTED = [
    ("002", "5", 5, 5, "escaped", None),
    ("002", "اثنين", 2, 2, "captured", None),
    ("002", "100", 100, 300, "transferred", None),
    ("002", "نحو 2000", 2000, 2000, "held", "يحيى رسول"),
    ("003", "9000", 9000, 9000, "held", "بوليتيكو"),
    ("003", "50000", 50000, 50000, "held", "بوليتيكو"),
    ("003", "900", 900, 900, "deployed", None),
    ("000", "6 آلاف", 6000, 6000, "escape_foiled", "فوكس نيوز"),
    ("000", "ستة آلاف", 6000, 6000, "escape_foiled", "فوكس نيوز"),
    ("001", "نحو 6000", 6000, 6000, "escape_foiled", "مسؤول استخباراتي"),
    ("001", "6000", 6000, 6000, "transferred", None),
    ("004", "أكثر من 5700", 5700, None, "transferred", None),
    ("004", "15 إلى 20 ألف", 15000, 20000, None, None),
    ("004", "15-20 ألف", 15000, 20000, None, None),
    ("004", "نحو 1500", 1500, 1500, "escaped", "فرهاد شامي"),
    ("004", "120", 120, 120, "escaped", "وزارة الداخلية السورية"),
    ("004", "81", 81, 81, "captured", "وزارة الداخلية السورية"),
    ("004", "117 مليون دولار", 117_000_000, 117_000_000, "funding", None),
    ("004", "150", 150, 150, "transferred", None),
    ("004", "4253", 4253, 4253, "transferred", None),
    ("004", "983", 983, 983, "transferred", None),
    ("004", "467", 467, 467, "transferred", None),
    ("004", "تصل إلى 7000", None, 7000, None, None),
    ("004", "6000", 6000, 6000, "escape_foiled", "فوكس نيوز"),
]


def _find(claims: list[Claim], text: str, low: float | None, high: float | None,
          event: str | None) -> Claim | None:
    for c in claims:
        if text in c.text and c.low == low and c.high == high and c.event == event:
            return c
    return None


@pytest.mark.parametrize(("art", "text", "low", "high", "event", "source"), EXPECTED)
def test_seed_figure(art: str, text: str, low: float | None, high: float | None,
                     event: str | None, source: str | None) -> None:
    article = seed(art)
    claims = extract_claims(article)
    found = _find(claims, text, low, high, event)
    assert found is not None, [(c.text, c.low, c.high, c.event) for c in claims]
    assert found.attributed_to is not None
    if source:
        assert source in found.attributed_to
    else:
        assert found.attributed_to == article.outlet or found.attributed_to
    # Offsets point at the figure in the original text (title, newline, text).
    assert article.full_text[found.start:found.end] == found.text


def test_money_and_approx() -> None:
    c = _find(extract_claims(seed("004")), "117", 117e6, 117e6, "funding")
    assert c is not None and c.unit == "USD" and c.approx


def test_the_planned_ceiling_is_a_plan() -> None:
    c = _find(extract_claims(seed("004")), "7000", None, 7000, None)
    assert c is not None and c.modality == "planned"


@pytest.mark.parametrize("art", ["000", "001", "002", "003", "004"])
def test_years_dates_and_durations_are_not_claims(art: str) -> None:
    article = seed(art)
    claims = extract_claims(article)
    for c in claims:
        for v in (c.low, c.high):
            assert v is None or not (1900 <= v <= 2100 and v == int(v) and not c.approx
                                     and c.low == c.high and v in (2014, 2016, 2019, 2024,
                                                                   2026)), c
    kinds = {n["text"]: n["kind"] for n in all_numbers(article)}
    if art == "004":
        assert kinds.get("22 فبراير 2026") == "date"
        assert kinds.get("17 فبراير 2026") == "date"
        assert kinds.get("21 يناير 2026") == "date"
    if art == "002":
        assert kinds.get("08-09-2024") == "date"
        assert kinds.get("10 سنوات") == "duration"
    if art == "003":
        assert kinds.get("2016") == "year" and kinds.get("2019") == "year"
        assert kinds.get("8 ديسمبر") == "date"


def test_the_escapes_share_one_fact_and_foiled_ones_another() -> None:
    claims = extract_claims(seed("004"))
    shami = _find(claims, "نحو 1500", 1500, 1500, "escaped")
    ministry = _find(claims, "120", 120, 120, "escaped")
    foiled = _find(claims, "6000", 6000, 6000, "escape_foiled")
    assert shami and ministry and foiled
    assert shami.fact_key == ministry.fact_key
    assert foiled.fact_key != shami.fact_key


def test_iraqi_detainees_are_not_all_detainees() -> None:
    iraqi = _find(extract_claims(seed("002")), "2000", 2000, 2000, "held")
    all_held = _find(extract_claims(seed("003")), "9000", 9000, 9000, "held")
    assert iraqi and all_held and iraqi.fact_key != all_held.fact_key
