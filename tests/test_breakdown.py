"""A breakdown without its total stands for the total; with the total given, it adds nothing."""

from __future__ import annotations

from monitor.claims.extract import extract_claims
from monitor.facts.compare import overlaps
from monitor.facts.store import to_record
from monitor.models import Article
from tests.seeds import seed_articles


def _article(text: str) -> Article:
    return Article(id="bd", outlet="o", text=text)


def test_parts_without_a_total_make_a_total_claim() -> None:
    article = _article("نقلت القوات الأمريكية 4253 مقاتلاً عربياً و983 أجنبياً و467 عراقياً "
                       "من سجون الحسكة إلى العراق، بحسب القيادة المركزية الأمريكية.")
    claims = extract_claims(article)
    totals = [c for c in claims if c.derived == "sum of parts"]
    assert len(totals) == 1
    total = totals[0]
    assert (total.low, total.high, total.entity) == (5703, 5703, "fighter")
    assert total.fact_key == "transferred:fighter:iq:total"
    # It agrees with "أكثر من 5700" from another source, and not with 3000.
    floor = extract_claims(_article("قال مسؤول عراقي إن أكثر من 5700 مقاتل نقلوا إلى العراق."))[0]
    rec = to_record(total, article)
    assert overlaps(rec, to_record(floor, article), 0.1)
    three = extract_claims(_article("قال مسؤول إن 3000 مقاتل فقط نقلوا إلى العراق."))[0]
    assert not overlaps(rec, to_record(three, article), 0.1)


def test_a_breakdown_beside_its_own_total_adds_no_claim() -> None:
    seed = next(a for a in seed_articles() if a.id.startswith("004"))
    claims = extract_claims(seed)
    assert {c.low for c in claims} >= {4253, 983, 467, 5700}
    assert not any(c.derived for c in claims)


def test_a_part_of_the_figure_before_it_is_never_summed_into_a_total() -> None:
    from monitor.claims.extract import extract_claims
    from monitor.models import Article

    art = Article(id="p", outlet="o", text="قالت المنظمة إن شركاءها في المجتمع السوري الطبي "
                  "أفادوا بأن 70 شخصا قتلوا بينهم 43 ظهرت عليهم أعراض التسمم في دوما.")
    assert not [c for c in extract_claims(art) if c.derived]
