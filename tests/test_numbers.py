import pytest

from monitor.claims.normalize import normalize
from monitor.claims.numbers import digits_value, parse_number_at
from monitor.claims.tokens import tokenize


def values(text: str) -> list[float]:
    toks = tokenize(normalize(text).text)
    out, i = [], 0
    while i < len(toks):
        p = parse_number_at(toks, i)
        if p:
            out.append(p.value)
            i = p.last + 1
        else:
            i += 1
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ألفين ومئتين وخمسين", [2250]),
        ("6 آلاف", [6000]),
        ("2.5 مليار", [2.5e9]),
        ("٣٫٥ مليون", [3.5e6]),
        ("خمسة عشر ألفا", [15000]),
        ("ثلاثمئة", [300]),
        ("مليون و200 ألف", [1.2e6]),
        ("خمسة وعشرون", [25]),
        ("نصف مليون", [5e5]),
        ("أحد عشر", [11]),
        ("مئتين", [200]),
        ("بين 100 و 300", [100, 300]),
        ("بين 100 و300", [100, 300]),
    ],
)
def test_number_phrases(text: str, expected: list[float]) -> None:
    assert values(text) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "value"),
    [("1,500", 1500), ("12,500,000", 12.5e6), ("21,2", 21.2), ("3.5", 3.5), ("68", 68)],
)
def test_digit_separators(text: str, value: float) -> None:
    got = digits_value(text)
    assert got is not None and got[0] == pytest.approx(value)
