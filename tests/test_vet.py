"""Figures that are no count of what their key says become no fact (monitor/claims/vet.py).

Sentences written for this project, each in the shape real news showed (model numbers,
multiples, minutes, objects destroyed, protesters in thousands beside a toll)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from monitor.claims.extract import extract_claims
from monitor.models import Article


def facts(text: str) -> list[tuple[str, str]]:
    art = Article(id="v", outlet="o", text=text, published=datetime(2026, 3, 1, tzinfo=UTC))
    return [(c.text, c.fact_key or "") for c in extract_claims(art) if c.fact_key]


@pytest.mark.parametrize("text", [
    "وصلت إلى تركيا الدفعة الأولى من منظومة إس-400 الروسية.",
    "أرسلت الولايات المتحدة قاذفات B-1 ومقاتلات F-16 إلى سوريا.",
    "نقلت طائرة إليوشن 96 الدبلوماسيين إلى موسكو.",
    "قتل المهاجم في الدقيقة 82 من المباراة.",
    "ارتفع عدد طالبي الجنسية 4 أضعاف عما كان عليه.",
    "دمرت الطائرات 16 آلية للحوثيين وقتل عدد من المسلحين.",
    "أصيب عدد من الأشخاص بجروح في 3 اعتداءات استهدفت كنائس في سورابايا.",
    "خرج مسلحون من دوما على متن 25 حافلة باتجاه الشمال.",
    "أصيب العالم بأربع رصاصات من أصل 10 رصاصات أطلقها مسلحان.",
    "ودفع الحظر الأمريكي المفروض على كوبا منذ 1962 السكان إلى إعادة التدوير.",
    'وحاولت اختراق السياج هاتفة "شهداء بالملايين على القدس رايحين".',
    "وإنها الآن محتجزة في سجن إيفين في طهران، في الجناح 209، الذي يضم السجناء السياسيين.",
    "وقصفت الطائرات ستة مجمعات عسكرية وأكثر من 35 هدفا لحركة حماس في غزة.",
])
def test_not_a_count_of_its_key(text: str) -> None:
    assert facts(text) == []


def test_thousands_of_protesters_are_no_toll_but_hundreds_of_injured_are() -> None:
    got = facts("قتل 17 فلسطينيا برصاص الجيش بينما تظاهر الآلاف قرب الحدود.")
    texts = [t for t, _ in got]
    assert "17" in texts and "الآلاف" not in texts
    got = facts("أسفرت المواجهات عن مئات الجرحى في صفوف المتظاهرين قرب الحدود.")
    assert any(t == "مئات" and k.startswith("injured") for t, k in got), got


def test_a_real_toll_stays_a_fact() -> None:
    got = facts("قتل 23 شخصا وأصيب 40 آخرون في انفجار سيارة مفخخة في سوق بمدينة منبج.")
    assert {t for t, _ in got} >= {"23", "40"}


def test_polling_stations_and_districts_are_no_troops() -> None:
    got = facts("ويعمد آلاف العناصر من قوى الأمن الداخلي بحماية أكثر من 1800 مركز اقتراع في "
                "أكثر من 15 دائرة انتخابية.")
    assert not {"أكثر من 1800", "أكثر من 15"} & {t for t, _ in got}


def test_the_sentenced_to_death_are_no_toll_but_the_executed_are() -> None:
    assert facts("وقضت محكمة عراقية بالإعدام على ست نساء تركيات بتهمة الانتماء إلى داعش.") == []
    assert facts("وأيدت محكمة النقض أحكام الإعدام بحق ستة متهمين في قضية مطاي.") == []
    got = facts("أعدمت السلطات العراقية 5 أشخاص أدينوا بالإرهاب في سجن الناصرية.")
    assert [k.split(":")[0] for _, k in got] == ["killed"]
