from monitor.claims.normalize import normalize


def test_letters_digits_and_marks_are_normalised() -> None:
    n = normalize("فرّ نحو ١٥٠٠ سجينٍ إلى الحسكة ـــ ٣٫٥٪ و۱۲٬۵۰۰ أسرى")
    assert n.text == "فر نحو 1500 سجين الي الحسكه  3.5% و12,500 اسري"


def test_offsets_point_into_the_original() -> None:
    original = "أعلنت الوزارةُ فرارَ ١٢٠ معتقلاً"
    n = normalize(original)
    i = n.text.index("120")
    a, b = n.span(i, i + 3)
    assert original[a:b] == "١٢٠"


def test_alef_maqsura_yeh_and_persian_letters() -> None:
    assert normalize("مستشفى قالیباف کرد").text == "مستشفي قاليباف كرد"
