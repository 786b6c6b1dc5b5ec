"""What the confidence model reads of two figures' words (monitor/facts/confidence.py), on
sentences written for this project in newswire style."""

from __future__ import annotations

from monitor.facts.confidence import features


def _claim(text: str, value: float, sentence: str) -> dict[str, object]:
    return {"fact_key": "injured:person:fr:total", "event": "injured", "unit": "person",
            "text": text, "low": value, "high": value, "sentence": sentence,
            "published": "2018-05-12T20:00:00+00:00"}


def test_one_noun_inflected_by_its_figure_is_the_same_noun() -> None:
    """«4 آخرون» and «5 آخرين», «9 قتلى» and «11 قتيلا»: the figure inflects the noun, the
    lexicon lists both forms under one class."""
    four = _claim("4", 4, "قتل شخص وأصيب 4 آخرون في هجوم بسكين وسط باريس.")
    five = _claim("5", 5, "وقالت الشرطة إن المهاجم قتل رجلا وأصاب 5 آخرين بجروح.")
    assert features(four, five, {}, "contradiction")["same_noun"] == 1.0
    dead = _claim("9", 9, "سقط 9 قتلى في اشتباكات جنوب طرابلس.")
    more = _claim("11", 11, "ارتفعت حصيلة الاشتباكات إلى 11 قتيلا.")
    assert features(dead, more, {}, "update")["same_noun"] == 1.0


def test_two_nouns_of_the_broad_class_of_people_are_not_the_same_noun() -> None:
    """«فلسطينيا» and «متظاهر» are both people to the lexicon, and as often two groups."""
    killed = _claim("60", 60, "قتل 60 فلسطينيا برصاص الجيش الإسرائيلي.")
    protesters = _claim("100", 100, "أصيب أكثر من 100 متظاهر قرب السياج.")
    assert features(killed, protesters, {}, "contradiction")["same_noun"] == 0.0
    fighters = _claim("12", 12, "وقتل 12 مسلحا من طالبان في الاشتباكات.")
    police = _claim("20", 20, "قتل 20 شرطيا في هجوم لطالبان على مدينة غزني.")
    assert features(fighters, police, {}, "contradiction")["same_noun"] == 0.0


def test_one_and_two_name_what_they_count_before_them() -> None:
    """"مقتل فلسطينيين اثنين" then "مقتل 3 فلسطينيين": one and two follow their noun."""
    two = _claim("اثنين", 2, "مقتل فلسطينيين اثنين برصاص الجيش الإسرائيلي في غزة")
    three = _claim("3", 3, "مقتل 3 فلسطينيين حاولوا عبور حدود قطاع غزة مع إسرائيل")
    assert features(two, three, {}, "contradiction")["same_noun"] == 1.0
    shot = _claim("3", 3, "مقتل 3 برصاص الجيش الإسرائيلي في غزة")
    assert features(two, shot, {}, "contradiction")["same_noun"] == 0.0
