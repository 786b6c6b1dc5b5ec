"""Sentence-level readings the gold set does not pin down, on sentences written for this
project in newswire style."""

from __future__ import annotations

from monitor.claims.extract import extract_claims
from monitor.models import Article, Claim


def claims(text: str) -> list[Claim]:
    return extract_claims(Article(id="t", text=text))


def test_the_country_is_the_one_whose_authorities_speak() -> None:
    (c,) = [c for c in claims(
        "أعلنت السلطات اليابانية صباح الخميس ارتفاع حصيلة الفيضانات في جنوب البلاد إلى 88 "
        "قتيلا.") if not c.vague]
    assert (c.low, c.location) == (88, "jp")
    (c,) = claims("قالت وزارة الداخلية السورية إن 40 سجينا فروا من سجن في شمال البلاد.")
    assert c.location == "sy" and c.event == "escaped"


def test_the_country_stays_unknown_when_two_authorities_are_named() -> None:
    (c,) = claims("قالت السلطات التركية إن خفر السواحل اليوناني انتشل 12 جثة قبالة سواحل "
                  "البلاد.")
    assert c.location is None


def test_no_country_is_guessed_without_the_country_being_spoken_of() -> None:
    (c,) = claims("قال الجيش الإسرائيلي إن 7 جنود أصيبوا في اشتباكات مساء الأحد.")
    assert c.location is None


def test_aircraft_models_are_not_figures() -> None:
    found = claims("لقي أكثر من 60 شخصا حتفهم في تحطم طائرة بوينغ 737 بعد إقلاعها بدقائق، "
                   "فيما كانت الطائرة من طراز 320 تقل 12 من أفراد الطاقم.")
    assert [c.low for c in found] == [60, 12]


def test_vague_quantities_are_facts_so_a_figure_can_meet_them() -> None:
    (c,) = claims("أسفرت المواجهات عن إصابة مئات المتظاهرين قرب السياج الحدودي شرقي غزة.")
    assert c.vague and (c.low, c.high) == (200, 999)
    assert c.event == "injured" and c.fact_key is not None


def test_a_trigger_opening_the_next_item_is_not_the_figures() -> None:
    """Real tolls read as injured: "قتل أكثر من 50 فلسطينيا وجرح الآلاف", "ارتفع عدد
    القتلى إلى 58 والجرحى إلى 2771", "قتل …، 60 شخصا على الأقل، وأصيب أكثر من 1000"."""
    from monitor.claims.extract import extract_claims
    from monitor.models import Article

    def events(text: str) -> list[tuple[str, str | None]]:
        return [(c.text, c.event) for c in extract_claims(Article(id="t", text=text))]

    assert events("ومنذ بدء الاحتجاجات قتل أكثر من 50 فلسطينيا وجرح الآلاف في غزة.")[0] \
        == ("أكثر من 50", "killed")
    assert events("وقالت الوزارة إن عدد القتلى في غزة ارتفع إلى 58 والجرحى إلى 2771.") \
        == [("58", "killed"), ("2771", "injured")]
    got = events("وقد قتل فيما يشتبه بأنه هجوم كيمياوي وقع في وقت متأخر من يوم السبت، 60 "
                 "شخصا على الأقل، وأصيب أكثر من 1000 شخص آخر في دوما.")
    assert got[:2] == [("60", "killed"), ("أكثر من 1000", "injured")]
    # "وفاة" is a word of its own, not "و" + something.
    assert events("وأسفر الهجوم عن وفاة 12 شخصا في بغداد.") == [("12", "killed")]
