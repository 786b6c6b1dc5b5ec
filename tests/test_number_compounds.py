"""Reading gaps of issue 11 (point 6): compounds opened by a dual, the dual of thousand, and
negated comparatives. Sentences written for this project in newswire style."""

from __future__ import annotations

import pytest

from monitor.claims.extract import all_numbers, extract_claims
from monitor.models import Article, Claim
from tests.test_numbers import values


def claims(text: str) -> list[Claim]:
    return extract_claims(Article(id="t", text=text))


def only(text: str) -> Claim:
    (c,) = [c for c in claims(text) if not c.vague and c.derived is None]
    return c


# --- 1. A dual of a large unit, و, and a smaller number: one number ---------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("مليارين وخمسمائة مليون", [2.5e9]),
        ("مليونين و300 ألف", [2.3e6]),
        ("ملياران و700 مليون", [2.7e9]),
        ("مليوني و250 ألف", [2.25e6]),
        ("ألفين وخمسمائة", [2500]),
        ("ألفان ومئتان", [2200]),
        ("مليار و200 مليون", [1.2e9]),
        ("3 آلاف و500", [3500]),
        # The dual is the compound's multiplier: one as large after it is a second number.
        ("ألفين و300 ألف", [2000, 300_000]),
        ("مليونين و3 ملايين", [2e6, 3e6]),
        # ألفا / مليونا before و is the accusative singular (ألفاً ومئتين = 1200), not the
        # dual construct (ألفا جندي = 2000), which needs its noun right after.
        ("ألفا وخمسمائة", [1500]),
        ("مليونا و762 ألفا و762", [1_762_762]),
        ("ألفا جندي", [2000]),
        ("مليونا شخص", [2e6]),
    ],
)
def test_dual_compounds_are_one_number(text: str, expected: list[float]) -> None:
    assert values(text) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "span", "low", "unit"),
    [
        ("قدمت السعودية مليارين وخمسمائة مليون دولار للمساعدات الإنسانية في اليمن.",
         "مليارين وخمسمائة مليون دولار", 2.5e9, "USD"),
        # Offsets into the original text: the diacritics are not in the normalised text.
        ("تعهّدت الدول المانحة بتقديم مليارَين وخمسمائة مليون دولار لإعادة الإعمار.",
         "مليارَين وخمسمائة مليون دولار", 2.5e9, "USD"),
        ("نزح مليونين و300 ألف شخص من منازلهم منذ بداية المعارك.",
         "مليونين و300 ألف", 2.3e6, "person"),
        ("قتل ألفين وخمسمائة شخص في المعارك.", "ألفين وخمسمائة", 2500, "person"),
        ("قتل ألفان ومئتان من المدنيين منذ بداية الحرب.", "ألفان ومئتان", 2200, "person"),
        ("قدمت الحكومة مليار و200 مليون دولار للنازحين.", "مليار و200 مليون دولار", 1.2e9,
         "USD"),
        ("اعتقلت الشرطة 3 آلاف و500 شخص.", "3 آلاف و500", 3500, "person"),
    ],
)
def test_a_compound_is_one_claim_over_its_whole_span(text: str, span: str, low: float,
                                                     unit: str) -> None:
    c = only(text)
    assert (c.low, c.high, c.unit) == (pytest.approx(low), pytest.approx(low), unit)
    assert c.text == span and text[c.start:c.end] == span


# --- 2. The dual of thousand is 2000, never a year ----------------------------------------

@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("قتل ألفان من المدنيين في القصف.", "ألفان"),
        ("اعتقل ألفا شخص خلال الاحتجاجات.", "ألفا"),
        ("قتل نحو ألفي شخص في الزلزال.", "نحو ألفي"),
        ("وصل ألفان إلى المخيم خلال الأسبوع الماضي.", "ألفان"),
        ("وقالت الوزارة إن عدد القتلى بلغ ألفين.", "ألفين"),
        ("أصيب الفين في الاشتباكات.", "الفين"),
        ("قتل 60 فلسطينيا وأصيب ألفين بجروح.", "ألفين"),
        ("قررت واشنطن سحب ألفين من القوات الأمريكية.", "ألفين"),
    ],
)
def test_the_dual_of_thousand_is_a_count_of_2000(text: str, span: str) -> None:
    (c,) = [c for c in claims(text) if c.low == 2000 or c.high == 2000]
    assert c.text == span


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("تبرع رجل أعمال بألفي دولار للمستشفى.", "USD"),
        ("تبرع رجل أعمال بـ2000 دولار للمستشفى.", "USD"),
        ("قطع اللاجئون ألفي كيلومتر سيرا على الأقدام.", "km"),
        ("ارتفعت الأسعار بنسبة 2000 في المئة.", "percent"),
        ("ارتفعت الأسعار بنسبة ألفين في المئة.", "percent"),
    ],
)
def test_a_year_sized_amount_with_a_unit_is_no_year(text: str, unit: str) -> None:
    c = only(text)
    assert (c.low, c.unit) == (2000, unit)


def test_a_year_sized_figure_before_of_and_a_counted_noun_is_a_count() -> None:
    c = only("قتل 2000 من المدنيين في القصف.")
    assert (c.low, c.entity) == (2000, "person")


def test_a_range_may_open_with_the_dual_of_thousand() -> None:
    c = only("نزح ما بين ألفين وثلاثة آلاف شخص من القرية.")
    assert (c.low, c.high) == (2000, 3000)


def test_thousand_in_the_accusative_before_of_is_a_thousand() -> None:
    # ألفاً من المحتجين: the dual construct never takes من.
    c = only("اعتقلت الشرطة ألفا من المحتجين.")
    assert c.low == 1000


@pytest.mark.parametrize(
    "text",
    [
        # The dual's construct forms are names too; the van (ال + فان) is spelled as ألفان.
        "وحضر القمة رئيس غينيا ألفا كوندي.",
        "وكتب على تويتر: تأثرت كثيرا بوفاة الصغير ألفي.",
        "وفتح السائق النار بعد أن ترجل من سيارة الفان التي نفذ بها الهجوم.",
        "وتشمل الخطة مستوطنات أرئيل ومعاليه أدوميم وألفي مناشيه.",
    ],
)
def test_names_spelled_like_the_dual_of_thousand_are_no_figures(text: str) -> None:
    assert [c.low for c in claims(text)] == []


def test_a_year_in_words_stays_a_year() -> None:
    first = "في عام ألفين قتل 5 أشخاص في الحادث."
    assert [c.low for c in claims(first)] == [5]
    for text, span in [(first, "ألفين"), ("منذ عام ألفين وثمانية", "ألفين وثمانية"),
                       ("وقع الاتفاق في الفين وخمسة عشر.", "الفين وخمسة عشر")]:
        kinds = {n["text"]: n["kind"] for n in all_numbers(Article(id="t", text=text))}
        assert kinds[span] == "year"


# --- 3. A negated comparative is the opposite bound --------------------------------------

@pytest.mark.parametrize(
    ("text", "qual", "low", "high"),
    [
        ("قتل ما لا يقل عن 50 شخصا في الهجوم.", "ما لا يقل عن 50", 50, None),
        ("قتل لا يقل عن 50 شخصا في الهجوم.", "لا يقل عن 50", 50, None),
        ("أكد المرصد مقتل ما لا تقل عن 50 شخصا.", "ما لا تقل عن 50", 50, None),
        ("أكد المرصد مقتل لا أقل من 50 شخصا.", "لا أقل من 50", 50, None),
        ("أكد المرصد مقتل ليس أقل من 50 شخصا.", "ليس أقل من 50", 50, None),
        ("أكدت الشرطة اعتقال ما لا يزيد عن 50 شخصا.", "ما لا يزيد عن 50", None, 50),
        ("أكدت الشرطة اعتقال ما لا يزيد على 50 شخصا.", "ما لا يزيد على 50", None, 50),
        ("أكدت الشرطة اعتقال لا يتجاوز 50 شخصا.", "لا يتجاوز 50", None, 50),
        ("أكدت الشرطة اعتقال لم يتجاوز 50 شخصا.", "لم يتجاوز 50", None, 50),
        ("أكدت الشرطة اعتقال ليس أكثر من 50 شخصا.", "ليس أكثر من 50", None, 50),
        ("أكدت الشرطة اعتقال لا يتعدى 50 شخصا.", "لا يتعدى 50", None, 50),
        ("أكدت الشرطة اعتقال 50 شخصا على الأكثر.", "50", None, 50),
        ("أكدت الشرطة اعتقال 50 شخصا لا أكثر.", "50", None, 50),
        # the plain comparatives keep their bound
        ("أكدت الشرطة اعتقال أكثر من 50 شخصا.", "أكثر من 50", 50, None),
        ("أكدت الشرطة اعتقال أقل من 50 شخصا.", "أقل من 50", None, 50),
    ],
)
def test_a_negated_comparative_is_the_opposite_bound(text: str, qual: str, low: float | None,
                                                     high: float | None) -> None:
    c = only(text)
    assert (c.text, c.low, c.high) == (qual, low, high)
