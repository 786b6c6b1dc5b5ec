"""Recognise numbers in normalised Arabic text: digits of every script, words, multipliers.

Works on tokens (monitor/claims/tokens.py) so that every step looks a bounded distance
ahead: time stays linear in the length of the text whatever it contains. The number words
are data: config/lexicon/numbers.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from monitor.claims.tokens import Token, Tokens, is_digit_word, is_int, tokenize
from monitor.claims.words import clitics, normalised, ordered, values, word, word_set

__all__ = ["Token", "Tokens", "is_digit_word", "is_int", "tokenize"]  # the tokenizer's names

# The number words, from config/lexicon/numbers.yaml (normalised on load).
UNITS = values("numbers", "units")
TENS = values("numbers", "tens")
HUNDREDS = values("numbers", "hundreds")
# Multipliers; duals stand alone (ألفان = 2000), plurals and accusatives multiply.
MULTIPLIERS = values("numbers", "multipliers")
DUALS = values("numbers", "duals")
# Accusative forms that multiply after a number (خمسة عشر ألفاً) but are a dual construct
# when they open the phrase (ألفا جندي = 2000 soldiers).
DUAL_CONSTRUCT = values("numbers", "dual_construct")
# The words after which such a form is not a construct (it needs its noun right after).
_NOT_A_NOUN = normalised("numbers", "not_a_noun")
DOZENS = values("numbers", "dozens")
DENOMINATORS = values("numbers", "denominators")
FRACTIONS = values("numbers", "fractions")
ORDINAL_WORDS = normalised("numbers", "ordinals")

_ONE_OF = normalised("numbers", "one_of")  # أحد السجون: "one of"; الأحد is also Sunday
_ONE_OF |= {p + w for p in ordered("numbers", "one_of_glued") for w in _ONE_OF}
WORD_VALUES: dict[str, int | float] = {**UNITS, **TENS, **HUNDREDS, **DUALS}
_PREFIXES = clitics("number_prefixes")
_DECIMAL_POINT = word_set("numbers", "decimal_point")
_PART, _OF = word("numbers", "part"), word("numbers", "of")
_AND = clitics("conjunctions")[0]  # و


@dataclass(frozen=True, slots=True)
class WordNum:
    value: float
    kind: str  # unit, ten, hundred, multiplier, dual, dozen, fraction
    prefix: str  # clitic prefix stripped from the word
    definite: bool


def _kind_of(w: str) -> tuple[float, str] | None:
    if w in MULTIPLIERS:
        return MULTIPLIERS[w], "multiplier"
    if w in DUALS:
        return DUALS[w], "dual"
    if w in DOZENS:
        return DOZENS[w], "dozen"
    if w in UNITS:
        return float(UNITS[w]), "unit"
    if w in TENS:
        return float(TENS[w]), "ten"
    if w in HUNDREDS:
        return float(HUNDREDS[w]), "hundred"
    if w in FRACTIONS:
        return FRACTIONS[w], "fraction"
    return None


@lru_cache(maxsize=65536)
def word_number(token: str) -> WordNum | None:
    """The numeric value of one Arabic number word, with clitics stripped."""
    cands = [("", token)] + [(p, token[len(p):]) for p in _PREFIXES if token.startswith(p)]
    for prefix, w in cands:
        if len(w) < 2:
            continue
        found = _kind_of(w)
        if found:
            definite = prefix.endswith("ال") or prefix == "لل"
            return WordNum(found[0], found[1], prefix, definite)
    return None


def digits_value(text: str) -> tuple[float, bool] | None:
    """Value of a digit token with separators; second item: has a decimal part.

    `1,500` and `1.500.000` group thousands; `21,2` (France 24 style) and `3.5` are
    decimals; `١،٢٣٤` uses the Arabic comma for thousands.
    """
    if text.startswith("."):
        return float("0" + text) if is_int(text[1:]) else None, True  # type: ignore[return-value]
    if "،" in text:
        head, _, tail = text.partition(",") if "," in text.split("،")[-1] else (text, "", "")
        groups = head.split("،")
        if not all(len(g) == 3 for g in groups[1:]):
            return None
        whole = float("".join(groups).replace(".", ""))
        return (whole + float("0." + tail), True) if tail else (whole, False)
    if "," in text and "." in text:
        # 1,234.5 (English) or 1.234,5 (continental)
        if text.rfind(",") < text.rfind("."):
            return float(text.replace(",", "")), True
        return float(text.replace(".", "").replace(",", ".")), True
    for sep in (",", "."):
        if sep in text:
            parts = text.split(sep)
            if len(parts) > 2:
                if all(len(p) == 3 for p in parts[1:]):
                    return float("".join(parts)), False
                return None
            if sep == "," and len(parts[1]) == 3 and len(parts[0]) <= 3:
                return float("".join(parts)), False
            return float(parts[0] + "." + parts[1]), True
    return float(text), False


@dataclass(slots=True)
class NumberPhrase:
    """A run of tokens that writes one number (e.g. `2.5 مليار`, `ألفين ومئتين وخمسين`)."""

    first: int  # token index
    last: int  # token index, inclusive
    value: float
    has_digits: bool
    has_multiplier: bool
    decimal: bool
    definite: bool
    start_char: int  # start in normalised text, after any glued clitic
    # Value before each و-joined piece, and that piece's value: `ستة آلاف وتسعون من مئة`
    # reads the last piece as a numerator.
    pieces: list[tuple[float, float]]


class _State:
    __slots__ = ("current", "decimal", "has_digits", "has_mult", "last", "last_kind", "pieces",
                 "total")

    def __init__(self) -> None:
        self.total = 0.0
        self.current = 0.0
        self.last = 0.0
        self.last_kind = ""
        self.has_digits = False
        self.has_mult = False
        self.decimal = False
        self.pieces: list[tuple[float, float]] = []

    @property
    def value(self) -> float:
        return self.total + self.current


def _glued_waw(tokens: list[Token], j: int) -> tuple[int, str] | None:
    """A piece joined by و: a standalone و then a token, or و glued to the token."""
    t = tokens[j]
    if t.text == _AND and j + 1 < len(tokens) and tokens[j + 1].start - t.end <= 1:
        return j + 1, tokens[j + 1].text
    if t.text.startswith(_AND) and len(t.text) > 2:
        return j, t.text[1:]
    return None


def _can_add(st: _State, v: float, kind: str) -> bool:
    """Arabic compounds add with و only downwards: مئة وخمسون, ألف ومئتان, خمسة وعشرون."""
    if st.last >= 100 and v < st.last:
        return True
    return st.last_kind == "unit" and kind == "ten" and 1 <= st.last <= 9


def _space_grouped(tokens: list[Token], i: int) -> tuple[float, int] | None:
    """`1 234 567`: digit groups of three separated by single spaces."""
    t = tokens[i]
    if not is_int(t.text) or len(t.text) > 3:
        return None
    j, digits = i, t.text
    while (j + 1 < len(tokens) and is_int(tokens[j + 1].text) and len(tokens[j + 1].text) == 3
           and tokens[j + 1].start - tokens[j].end == 1):
        j += 1
        digits += tokens[j].text
    return (float(digits), j) if j > i else None


def _noun_after(tokens: list[Token], j: int) -> bool:
    """Whether the token after j may be the noun of a dual construct (ألفا جندي = 2000).
    Before و, a number, من, a mark or the end, ألفا is the accusative singular: ألفاً
    وخمسمئة = 1500, اعتقلت ألفاً من المحتجين = 1000."""
    if j + 1 >= len(tokens):
        return False
    w = tokens[j + 1].text
    return w.isalpha() and w != _AND and w not in _NOT_A_NOUN and word_number(w) is None


def parse_number_at(tokens: list[Token], i: int, *, tail: bool = True) -> NumberPhrase | None:
    """Parse the number phrase starting at token i, if any. Looks a bounded way ahead."""
    st = _State()
    n = len(tokens)
    j = i
    definite = False
    start_char = tokens[i].start
    count = 0
    top_mult = 0.0  # the largest multiplier so far: a compound's multipliers only go down
    snap: tuple[int, int, float, float, float, str, bool, bool, int] | None = None
    while j < n and count < 24:
        t = tokens[j]
        text = t.text
        step_to = j  # the token this piece ends on
        joined = False
        if count > 0:
            waw = _glued_waw(tokens, j)
            if waw is not None:
                step_to, text = waw
                joined = True
                t = tokens[step_to]
                snap = (j, count, st.total, st.current, st.last, st.last_kind, st.has_digits,
                        st.decimal, len(st.pieces))
        if t.is_digits:
            if count > 0 and not joined:
                break
            grouped = _space_grouped(tokens, step_to) if count == 0 else None
            if grouped:
                v, step_to = grouped
                dec = False
            else:
                parsed = digits_value(text)
                if parsed is None or parsed[0] is None:
                    break
                v, dec = parsed
            after_scale = st.has_mult or st.last_kind == "hundred"
            if count > 0 and not (after_scale and v < st.last):
                break  # `100 و300` is a list or a range; digits add only after a scale word
            if joined:
                st.pieces.append((st.value, v))
            st.has_digits = True
            st.decimal = st.decimal or dec
            st.current += v
            st.last, st.last_kind = v, "unit" if v < 10 and v == int(v) else "digits"
            count += 1
            j = step_to + 1
            continue
        wn = word_number(text if joined else t.text)
        if wn is None:
            break
        if count == 0:
            definite = wn.definite
            start_char = t.start + len(wn.prefix)
            if wn.kind in ("multiplier",) and t.text[len(wn.prefix):] in DUAL_CONSTRUCT \
                    and _noun_after(tokens, j):
                wn = WordNum(DUAL_CONSTRUCT[t.text[len(wn.prefix):]], "dual", wn.prefix,
                             wn.definite)
        elif wn.prefix and not joined:
            break
        v, kind = wn.value, wn.kind
        if kind in ("multiplier", "dozen") and not joined:
            if count > 0 and st.current and st.has_mult and v >= top_mult and snap:
                # "4 آلاف و6 آلاف": a second number (a range's end), not 4000 + 6000.
                (j, count, st.total, st.current, st.last, st.last_kind, st.has_digits,
                 st.decimal, pieces) = snap
                del st.pieces[pieces:]
                break
            top_mult = max(top_mult, v)
            if count > 0 and st.current == 0:
                if st.total and v > st.last and st.last_kind == "multiplier":
                    st.total *= v  # ألف مليون
                    st.last = v
                    count += 1
                    j = step_to + 1
                    continue
                break
            st.total += (st.current if count else 1.0) * v
            st.current = 0.0
            st.has_mult = True
            st.last, st.last_kind = v, "multiplier"
        elif kind == "hundred" and v == 100 and not joined and count > 0 and (
            (st.last_kind == "unit" and 1 <= st.last <= 9) or st.last_kind == "digits"
        ):
            # ثلاث مئة, ٣ مئة, 322 مائة: the number before multiplies the hundred.
            st.current += st.last * 99
            st.last, st.last_kind = st.last * 100, "hundred"
        elif kind == "fraction" and joined and st.last_kind == "multiplier":
            st.pieces.append((st.value, v * st.last))
            st.total += v * st.last  # مليون ونصف
            st.last_kind = "fraction"
        elif count == 0 or (joined and kind != "multiplier" and _can_add(st, v, kind)):
            if joined:
                st.pieces.append((st.value, v))
            if kind == "fraction" and count == 0:
                # نصف مليون: the fraction waits for its multiplier.
                st.current, st.last, st.last_kind = v, v, "fraction"
            elif kind == "dual":
                st.total += v
                st.has_mult = True
                st.last, st.last_kind = v / 2, "multiplier"
                # The dual is the compound's multiplier: مليارين وخمسمائة مليون is one
                # number, مليونين و3 ملايين two.
                top_mult = max(top_mult, v / 2)
            else:
                st.current += v
                st.last, st.last_kind = v, kind
        elif kind == "unit" and v == 10 and not joined and st.last_kind == "unit" \
                and st.last < 10:
            st.current += 10  # ثلاثة عشر
            st.last, st.last_kind = 10.0, "teen"
        else:
            break
        count += 1
        j = step_to + 1
    if count == 0:
        return None
    if count == 1 and not st.has_digits and tokens[i].text in _ONE_OF:
        return None  # أحد السجون: "one of", not a count
    phrase = NumberPhrase(i, j - 1, st.value, st.has_digits, st.has_mult, st.decimal, definite,
                          start_char, st.pieces)
    return _decimal_tail(tokens, phrase) if tail else phrase


def _decimal_tail(tokens: list[Token], p: NumberPhrase) -> NumberPhrase:
    """`واحد فاصلة خمسة` and `ستة وثمانية وثمانون من مئة`: decimals written in words."""
    n = len(tokens)
    j = p.last + 1
    if j + 1 < n and tokens[j].text in _DECIMAL_POINT:
        frac = parse_number_at(tokens, j + 1)
        if frac is not None and frac.value >= 0 and frac.value == int(frac.value):
            digits = len(str(int(frac.value)))
            p.value += frac.value / 10**digits
            p.last, p.decimal = frac.last, True
        return p
    # Only a phrase of و-joined pieces has a numerator to look for (most have none).
    denom = _denominator(tokens, j) if p.pieces else None
    if denom is not None and p.pieces[-1][1] < denom[0]:
        before, numerator = p.pieces[-1]
        p.value = before + numerator / denom[0]
        p.last, p.decimal = denom[1], True
        return p
    # The numerator as a phrase of its own: ست مئة وثمانية وخمسون [وثمان مئة ...] من ألف
    if j < n and tokens[j].text.startswith(_AND) and word_number(tokens[j].text) is not None:
        frac = parse_number_at(tokens, j, tail=False)
        if frac is not None and not frac.decimal:
            denom = _denominator(tokens, frac.last + 1)
            if denom is not None and frac.value < denom[0]:
                p.value += frac.value / denom[0]
                p.last, p.decimal = denom[1], True
    return p


def _denominator(tokens: list[Token], j: int) -> tuple[float, int] | None:
    """`من عشرة` / `من مئة` / `من ألف` / `من عشرة آلاف` at j: (denominator, last token)."""
    n = len(tokens)
    if j < n and tokens[j].text == _PART:  # مائتان وثلاثة جزء من مائة
        j += 1
    if not (j + 1 < n and tokens[j].text == _OF):
        return None
    d = DENOMINATORS.get(tokens[j + 1].text)
    if d is None:
        return None
    if d == 10 and j + 2 < n and MULTIPLIERS.get(tokens[j + 2].text) == 1000:
        return 10_000.0, j + 2
    return float(d), j + 1
