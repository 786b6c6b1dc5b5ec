"""Recognise numbers in normalised Arabic text: digits of every script, words, multipliers.

Works on tokens so that every step looks a bounded distance ahead: time stays linear in
the length of the text whatever it contains (no backtracking regular expressions over
unbounded runs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from monitor.claims.normalize import normalize_term

TOKEN_RE = re.compile(r"\d{1,40}(?:[.,]\d{1,40}){0,8}|[\u0621-\u064A\u0671-\u06D3]+|\S")


@dataclass(slots=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def is_digits(self) -> bool:
        return self.text[0].isdigit()


def tokenize(text: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end()) for m in TOKEN_RE.finditer(text)]


def _n(words: dict[str, int | float]) -> dict[str, int | float]:
    return {normalize_term(k): v for k, v in words.items()}


UNITS = _n({
    "صفر": 0, "واحد": 1, "واحدة": 1, "احد": 1, "احدى": 1, "اثنان": 2, "اثنين": 2, "اثنتان": 2,
    "اثنتين": 2, "اثنا": 2, "اثني": 2, "اثنتا": 2, "اثنتي": 2, "ثلاث": 3, "ثلاثة": 3, "اربع": 4,
    "اربعة": 4, "خمس": 5, "خمسة": 5, "ست": 6, "ستة": 6, "سبع": 7, "سبعة": 7, "ثمان": 8,
    "ثماني": 8, "ثمانية": 8, "تسع": 9, "تسعة": 9, "عشر": 10, "عشرة": 10,
})
TENS = _n({
    "عشرون": 20, "عشرين": 20, "ثلاثون": 30, "ثلاثين": 30, "اربعون": 40, "اربعين": 40,
    "خمسون": 50, "خمسين": 50, "ستون": 60, "ستين": 60, "سبعون": 70, "سبعين": 70, "ثمانون": 80,
    "ثمانين": 80, "تسعون": 90, "تسعين": 90,
})
HUNDREDS = _n({
    "مئة": 100, "مائة": 100, "مئه": 100, "مائه": 100, "مية": 100, "مئتان": 200, "مئتين": 200,
    "مائتان": 200, "مائتين": 200, "مئتا": 200, "مائتا": 200, "مئتي": 200, "مائتي": 200,
    "ثلاثمئة": 300, "ثلاثمائة": 300, "اربعمئة": 400, "اربعمائة": 400, "خمسمئة": 500,
    "خمسمائة": 500, "ستمئة": 600, "ستمائة": 600, "سبعمئة": 700, "سبعمائة": 700,
    "ثمانمئة": 800, "ثمانمائة": 800, "ثمانيمئة": 800, "تسعمئة": 900, "تسعمائة": 900,
})
# Multipliers; duals stand alone (ألفان = 2000), plurals and accusatives multiply.
MULTIPLIERS = _n({
    "الف": 1000, "الفا": 1000, "آلاف": 1000, "الاف": 1000, "الوف": 1000,
    "مليون": 1e6, "مليونا": 1e6, "ملايين": 1e6, "مليار": 1e9, "مليارا": 1e9,
    "مليارات": 1e9, "بليون": 1e9, "بلايين": 1e9, "ترليون": 1e12, "تريليون": 1e12,
})
DUALS = _n({"الفان": 2000, "الفين": 2000, "مليونان": 2e6, "مليونين": 2e6,
            "ملياران": 2e9, "مليارين": 2e9})
FRACTIONS = _n({"نصف": 0.5, "ربع": 0.25, "ثلث": 1 / 3, "ثلثي": 2 / 3, "ثلثا": 2 / 3})
ORDINAL_WORDS = {normalize_term(w) for w in (
    "الاول", "الأولى", "الثاني", "الثانية", "الثالث", "الثالثة", "الرابع", "الرابعة", "الخامس",
    "الخامسة", "السادس", "السادسة", "السابع", "السابعة", "الثامن", "الثامنة", "التاسع",
    "التاسعة", "العاشر", "العاشرة", "الحادي", "الحادية",
)}

WORD_VALUES: dict[str, int | float] = {**UNITS, **TENS, **HUNDREDS, **DUALS}
_PREFIXES = ("وب", "ول", "و", "ف", "ب", "ل", "ك", "لل", "بال", "وال", "ال")


@dataclass(slots=True)
class WordNum:
    value: float
    is_multiplier: bool
    prefix: str  # clitic prefix stripped from the word
    definite: bool


def word_number(token: str) -> WordNum | None:
    """The numeric value of one Arabic number word, with clitics stripped."""
    cands = [("", token)] + [(p, token[len(p):]) for p in _PREFIXES if token.startswith(p)]
    for prefix, w in cands:
        if len(w) < 2:
            continue
        definite = prefix.endswith("ال") or prefix == "لل"
        if w in MULTIPLIERS:
            return WordNum(MULTIPLIERS[w], True, prefix, definite)
        if w in WORD_VALUES:
            return WordNum(float(WORD_VALUES[w]), False, prefix, definite)
        if w in FRACTIONS:
            return WordNum(FRACTIONS[w], False, prefix, definite)
    return None


def digits_value(text: str) -> tuple[float, bool] | None:
    """Value of a digit token with `,` / `.` separators; second item: has a decimal part.

    `1,500` and `1.500.000` group thousands; `21,2` (France 24 style) and `3.5` are decimals.
    """
    if "," in text and "." in text:
        # 1,234.5 (English) or 1.234,5 (continental)
        if text.rfind(",") < text.rfind("."):
            return float(text.replace(",", "")), True
        return float(text.replace(".", "").replace(",", ".")), True
    for sep in (",", "."):
        if sep in text:
            parts = text.split(sep)
            if len(parts) > 2 or (len(parts[-1]) == 3 and all(len(p) == 3 for p in parts[1:])
                                  and len(parts[0]) <= 3 and sep == ","):
                if all(len(p) == 3 for p in parts[1:]):
                    return float("".join(parts)), False
                return None
            if sep == "." and len(parts) == 2 and len(parts[1]) == 3 and len(parts[0]) <= 3 \
                    and parts[0] != "0":
                # 6.500 is ambiguous; newswire in Arabic uses . for decimals more often.
                return float(text), True
            return float(text.replace(",", ".")), True
    return float(text), False


@dataclass(slots=True)
class NumberPhrase:
    """A maximal run of tokens that writes one number (e.g. `2.5 مليار`, `ألفين ومئتين`)."""

    first: int  # token index
    last: int  # token index, inclusive
    value: float
    has_digits: bool
    has_multiplier: bool
    decimal: bool
    definite: bool
    start_char: int  # start in normalised text, after any glued clitic


def parse_number_at(tokens: list[Token], i: int) -> NumberPhrase | None:
    """Parse the number phrase starting at token i, if any."""
    tok = tokens[i]
    total = 0.0
    current = 0.0
    last_small: float | None = None  # magnitude of the last added piece, for و-joins
    has_digits = False
    has_mult = False
    decimal = False
    definite = False
    j = i
    start_char = tok.start
    n = len(tokens)
    count = 0
    while j < n and count < 24:
        t = tokens[j]
        joined_by_waw = False
        text = t.text
        step = 1
        if count > 0:
            # A following piece is joined by و (glued or standalone) in compound numbers.
            if text == "و" and j + 1 < n:
                nxt = tokens[j + 1]
                if nxt.start - t.end <= 1:
                    step = 2
                    t = nxt
                    text = t.text
                    joined_by_waw = True
            elif text.startswith("و") and len(text) > 2:
                text = text[1:]
                joined_by_waw = True
        if t.is_digits:
            if count > 0 and not joined_by_waw:
                break
            parsed = digits_value(text)
            if parsed is None:
                break
            v, dec = parsed
            if count > 0 and (has_digits or not joined_by_waw):
                # `100 و300` is a list or a range, never a sum; digits only add after a
                # multiplier (`مليون و200 ألف`).
                if not (has_mult and current == 0 and v < total):
                    break
            has_digits = True
            decimal = decimal or dec
            current += v
            last_small = v
            count += 1
            j += step
            continue
        wn = word_number(text if count else t.text)
        if wn is None:
            break
        if count == 0:
            definite = wn.definite
            start_char = t.start + len(wn.prefix)
        elif wn.prefix and not joined_by_waw:
            break
        if wn.is_multiplier:
            if count > 0 and joined_by_waw:
                break
            base = current if current else 1.0
            if count > 0 and current == 0 and total:
                break
            total += base * wn.value
            current = 0.0
            has_mult = True
            last_small = wn.value
        else:
            v = wn.value
            if count > 0:
                if not joined_by_waw:
                    # `ثلاثة عشر` (teens) is the only juxtaposition without و.
                    if not (v == 10 and last_small is not None and last_small < 10):
                        # `خمسمئة ألف`-style products are handled by multipliers only.
                        break
                else:
                    ok = last_small is not None and (
                        v < last_small or (last_small < 10 and 20 <= v <= 90 and v % 10 == 0)
                    )
                    if not ok:
                        break
            current += v
            last_small = v
        count += 1
        j += step
    if count == 0:
        return None
    value = total + current
    return NumberPhrase(i, j - 1, value, has_digits, has_mult, decimal, definite, start_char)
