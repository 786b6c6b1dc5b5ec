"""Mentions: every number as written, with its kind (a count, a date, a year, money...).

Finds the spans (monitor/claims/numbers.py computes their values) and decides each one's
kind from its neighbours.
"""

from __future__ import annotations

from collections.abc import Callable

from monitor.claims.doc import Doc, Mention, ends_at
from monitor.claims.lexicon import ARTICLE
from monitor.claims.numbers import ORDINAL_WORDS, parse_number_at, word_number
from monitor.claims.qualifiers import qualifier
from monitor.claims.tokens import is_digit_word, is_int
from monitor.claims.words import clitics, word, word_set

# The words of config/lexicon/mentions.yaml and the clitics they need.
_DEFINITE_CLITICS = frozenset(clitics("definite"))
_BEFORE_VAGUE = "".join(clitics("before_vague"))
_AND = clitics("conjunctions")[0]  # و
_RANGE_WORDS = word_set("mentions", "range_words")
_BETWEEN = word("mentions", "between")
_PLURAL_MULTIPLIERS = word_set("mentions", "plural_multipliers")
_MONDAY = word_set("mentions", "monday")
_STANDALONE_DUALS = word_set("mentions", "standalone_duals")
_OF = word("numbers", "of")  # من


def find_mentions(doc: Doc) -> list[Mention]:
    lex, words, toks = doc.lex, doc.words, doc.tokens
    starts, ends = doc.starts, doc.ends
    out: list[Mention] = []
    n = len(toks)
    vague_words = lex.vague
    i = 0
    # Most tokens cannot start a number or a vague quantity (decided once per word).
    for start in doc.numeric_starts:
        if start < i:
            continue  # inside the previous mention
        i = start
        w = words[i]
        vague = vague_words.get(w) or vague_words.get(w[1:] if w[:1] in _BEFORE_VAGUE else "")
        if vague and (i + 1 >= n or vague_words.get(f"{w} {words[i + 1]}") is None):
            out.append(Mention(i, i, starts[i], ends[i], float(vague[0]),
                               float(vague[1]), "vague", vague=True))
            i += 1
            continue
        if w in _MONDAY:
            # "فجر الاثنين": the day, not "the two" (a count of two is written اثنان/اثنين).
            out.append(Mention(i, i, starts[i], ends[i], None, None, "date"))
            i += 1
            continue
        phrase = parse_number_at(toks, i)
        if phrase is None:
            i += 1
            continue
        first_word = words[i][len(ARTICLE):] if words[i].startswith(ARTICLE) else words[i]
        if not phrase.has_digits and first_word in _PLURAL_MULTIPLIERS:
            out.append(Mention(i, i, starts[i], ends[i], 2000.0, 9999.0, "vague",
                               vague=True))
            i += 1
            continue
        m = Mention(phrase.first, phrase.last, phrase.start_char, ends[phrase.last],
                    phrase.value, phrase.value,
                    "decimal" if phrase.decimal else "cardinal", value=phrase.value,
                    definite=phrase.definite)
        if i > 0 and words[i - 1] in _DEFINITE_CLITICS and ends[i - 1] == starts[i]:
            m.definite = True
        _sign(doc, m)
        j = phrase.last + 1
        # Dates written with separators: 08-09-2024, 8/12/2024.
        if (is_digit_word(words[i]) and j + 3 < n and words[j] in {"-", "/"}
                and is_digit_word(words[j + 1]) and words[j + 2] in {"-", "/"}
                and is_digit_word(words[j + 3])):
            m.kind, m.last, m.end, m.low, m.high = "date", j + 3, ends[j + 3], None, None
            out.append(m)
            i = j + 4
            continue
        # Ranges: X - Y, X إلى Y, بين X و Y, with a shared multiplier (15 إلى 20 ألف).
        rng_j = None
        if j + 1 < n and words[j] in _RANGE_WORDS:
            rng_j = j + 1
        elif i > 0 and words[i - 1] == _BETWEEN and j + 1 < n and words[j] == _AND:
            rng_j = j + 1
        elif i > 0 and words[i - 1] == _BETWEEN and j < n and words[j][:1] == _AND \
                and len(words[j]) > 2:
            rng_j = j  # "بين ثلاثمئة وخمسمئة": و glued to the second number
        if rng_j is not None and rng_j < n and rng_j == j + 1:
            # "تتراوح التقديرات من 42 إلى أكثر من 60": one range of estimates, not a 42 and a
            # floor of 60. It is held as 42 to 60: an open top would read as a floor of 42
            # (`figures.floors_agree`), which "at least 48" contradicts.
            floor = doc.lex.qualifiers["floor"].match(words, rng_j)
            if floor is not None and rng_j + len(floor.tokens) < n:
                rng_j += len(floor.tokens)
        if rng_j is not None and rng_j < n:
            second = parse_number_at(toks, rng_j)
            if (
                second is not None
                and second.value > phrase.value
                and not (phrase.has_digits and is_year_like(phrase.value))  # 2017-2018
            ):
                low = phrase.value
                if second.has_multiplier and not phrase.has_multiplier:
                    mult = _multiplier_of(second.value)
                    if mult and low * mult <= second.value:
                        low *= mult
                m.low, m.high, m.value = low, second.value, None
                m.kind = "range"
                m.last, m.end = second.last, ends[second.last]
                if i > 0 and words[i - 1] == _BETWEEN:
                    m.start = starts[i - 1]
                j = second.last + 1
        _classify(doc, m, j)
        if out and _merge_subunit(doc, out[-1], m):
            i = m.last + 1
            continue
        out.append(m)
        i = m.last + 1
    return out


def _sign(doc: Doc, m: Mention) -> None:
    """-5 and سالب خمسة are negative; 15-20 is a range, not minus twenty."""
    i, starts, ends, words = m.first, doc.starts, doc.ends, doc.words
    if i == 0 or m.value is None:
        return
    glued_minus = words[i - 1] == "-" and ends[i - 1] == starts[i] and not (
        i >= 2 and is_digit_word(words[i - 2]) and ends[i - 2] == starts[i - 1])
    if glued_minus or words[i - 1] in doc.lex.negative_words:
        m.value = -m.value
        m.low = m.high = m.value
        m.start = starts[i - 1]


def _merge_subunit(doc: Doc, prev: Mention, m: Mention) -> bool:
    """`20 دولار و43 سنت`: the cents belong to the amount before them."""
    if not (m.subunit and prev.kind == "money" and not prev.subunit and prev.unit == m.unit):
        return False
    between = doc.words[prev.last + 1 : m.first]
    if between not in ([], [_AND]) and not (doc.words[m.first].startswith(_AND)):
        return False
    if prev.value is None or m.value is None:
        return False
    prev.value += m.value
    prev.low = prev.high = prev.value
    prev.last, prev.end = m.last, m.end
    return True


def is_year_like(v: float) -> bool:
    return v == int(v) and 1900 <= v <= 2100


def _multiplier_of(value: float) -> float | None:
    for mult in (1e12, 1e9, 1e6, 1e3):
        if value >= mult and value % mult == 0:
            return mult
    return None


# Each rule of a mention's kind: (doc, mention, j = the token after its number, the marks
# of that token) -> whether it decided. The marks make `doc.match(ts, j)` a set test:
# `id(ts) in after and ts.match(words, j)` (none past the end); most tests fail.
KindRule = Callable[[Doc, Mention, int, frozenset[int]], bool]


def _time_of_day(doc: Doc, m: Mention, j: int, after: frozenset[int]) -> bool:
    """4:17, الساعة 4"""
    words, i, ends = doc.words, m.first, doc.ends
    if j + 1 < len(words) and words[j] == ":" and is_digit_word(words[j + 1]) \
            and doc.starts[j] == ends[i]:
        m.kind, m.last, m.end, m.low, m.high = "time", j + 1, ends[j + 1], None, None
        return True
    if ends_at(doc, doc.lex.time_before, i, max(0, i - 2)) is not None:
        m.kind = "time"
        return True
    return False


def _ordinal(doc: Doc, m: Mention, j: int, after: frozenset[int]) -> bool:
    """الثامنة عشرة, الحادي عشر"""
    words, i = doc.words, m.first
    prev = words[i - 1] if i > 0 else ""
    if prev in ORDINAL_WORDS or (m.definite and words[i].startswith(ARTICLE) and m.value == 10):
        m.kind = "ordinal"
        return True
    return False


def _adjective(doc: Doc, m: Mention, j: int, after: frozenset[int]) -> bool:
    """A definite number after a definite noun qualifies it: القمة العربية الـ33 (ordinal),
    القتلى الأربعة (the four already counted): not a new figure. شهر واحد / عائلة واحدة:
    "one" as an adjective; نصف / الربع alone: a share, not a count."""
    words, i = doc.words, m.first
    prev = words[i - 1] if i > 0 else ""
    noun_before = words[i - 2] if prev in _DEFINITE_CLITICS and i >= 2 else prev
    if m.definite and noun_before.startswith(ARTICLE) and word_number(noun_before) is None \
            and noun_before not in _DEFINITE_CLITICS:
        m.kind = "adjective"
        return True
    if m.first == m.last and not is_digit_word(words[i]) and m.value is not None and (
        (m.value == 1 and prev[:1].isalpha()) or (0 < m.value < 1)
    ):
        m.kind = "adjective" if m.value == 1 else "fraction"
        return True
    return False


def _identifier(doc: Doc, m: Mention, j: int, after: frozenset[int]) -> bool:
    """الطريق رقم 5, المرسوم 12"""
    if ends_at(doc, doc.lex.identifier_before, m.first, max(0, m.first - 2)) is not None:
        m.kind = "identifier"
        return True
    return False


def _date(doc: Doc, m: Mention, j: int, after: frozenset[int]) -> bool:
    """21 يناير 2026, 8 ديسمبر / كانون الأول, الثلاثين من آذار"""
    lex, words = doc.lex, doc.words
    if not (m.value is not None and 1 <= m.value <= 31 and m.kind == "cardinal"):
        return False
    if m.definite and j + 1 < len(words) and words[j] == _OF \
            and lex.months.match(words, j + 1):
        j += 1  # "منذ الثلاثين من آذار": the thirtieth of March, the day a series began
    elif id(lex.months) not in after:
        return False
    t = lex.months.match(words, j)
    if t is None:
        return False
    last = j + len(t.tokens) - 1
    if last + 1 < len(words) and is_int(words[last + 1]) \
            and is_year_like(float(words[last + 1])):
        last += 1
    m.kind, m.last, m.end, m.low, m.high = "date", last, doc.ends[last], None, None
    return True


def _year(doc: Doc, m: Mention, j: int, after: frozenset[int]) -> bool:
    """1900-2100 after a month or "عام", or with nothing that makes it a count.

    What makes it a count: a qualifier (نحو ألفي), a counted noun or a unit after it
    (ألفي جندي, 2000 دولار, ألفي كيلومتر), من and a counted noun (ألفان من المدنيين). The
    dual of thousand standing alone (ألفين, ألفان) is a count with none of these: "إصابة
    ألفين بجروح" (newswire writes years in digits, or after "عام")."""
    lex, i = doc.lex, m.first
    if m.value is None or not is_year_like(m.value) or m.definite:
        return False
    if ends_at(doc, lex.months, i, max(0, i - 3)) is not None \
            or ends_at(doc, lex.year_before, i, max(0, i - 2)) is not None:
        m.kind, m.low, m.high = "year", None, None
        return True
    if qualifier(doc, m) is not None or _counted_after(doc, j, after) \
            or _standalone_dual(doc, m):
        return False
    m.kind, m.low, m.high = "year", None, None
    return True


def _counted_after(doc: Doc, j: int, after: frozenset[int]) -> bool:
    """A counted noun or a unit at j, or من and a counted noun."""
    lex, words = doc.lex, doc.words
    for ts in (lex.entities, lex.currencies, lex.measures, lex.subunits, lex.duration):
        if id(ts) in after and ts.match(words, j) is not None:
            return True
    return j + 1 < len(words) and words[j] == _OF and doc.match(lex.entities, j + 1) is not None


def _standalone_dual(doc: Doc, m: Mention) -> bool:
    """ألفين / ألفان alone: 2000, unless it names the noun before it (سيارة الفان: the van).
    The construct forms (ألفي, ألفا) count only before a counted noun: alone they are also
    names (Alfie, Alpha Condé)."""
    i = m.first
    if m.last != i:
        return False
    wn = word_number(doc.words[i])
    if wn is None or doc.words[i][len(wn.prefix):] not in _STANDALONE_DUALS:
        return False
    return ends_at(doc, doc.lex.entities, i, max(0, i - 3)) is None


def _unit_word(kind: str) -> KindRule:
    """A word after the figure that makes it a reading of its own kind (and is part of it):
    durations and ages (منذ 10 سنوات, 27 عاما), readings on a scale (بقوة 6.1 درجات)."""
    def rule(doc: Doc, m: Mention, j: int, after: frozenset[int]) -> bool:
        ts = doc.lex.duration if kind == "duration" else doc.lex.scale
        if id(ts) in after and ts.match(doc.words, j) is not None:
            m.kind = kind
            m.last, m.end = j, doc.ends[j]
            return True
        return False

    rule.__name__ = f"_{kind}"
    return rule


def _idiom(doc: Doc, m: Mention, j: int, after: frozenset[int]) -> bool:
    """دفعة واحدة"""
    i = m.first
    for k in (1, 0):
        s = i - k
        if s >= 0:
            t = doc.match(doc.lex.idioms, s)
            if t is not None and s + len(t.tokens) > i:
                m.kind = "idiom"
                return True
    return False


def _measure(doc: Doc, m: Mention, j: int, after: frozenset[int]) -> bool:
    """%, في المئة, طن, كلم after the figure."""
    ts = doc.lex.measures
    t = ts.match(doc.words, j) if id(ts) in after else None
    if t is None:
        return False
    m.unit = t.label
    m.kind = "percent" if t.label == "percent" else "measure"
    m.last = j + len(t.tokens) - 1
    m.end = doc.ends[m.last]
    return True


def _money(doc: Doc, m: Mention, j: int, after: frozenset[int]) -> bool:
    """A currency after the figure: 117 مليون دولار."""
    ts = doc.lex.currencies
    t = ts.match(doc.words, j) if id(ts) in after else None
    if t is None:
        return False
    m.unit = t.label
    m.kind = "money"
    m.last = j + len(t.tokens) - 1
    m.end = doc.ends[m.last]
    return True


def _cents(doc: Doc, m: Mention, j: int, after: frozenset[int]) -> bool:
    """Hundredths of a currency after the figure: 43 سنت = 0.43 USD."""
    ts = doc.lex.subunits
    t = ts.match(doc.words, j) if id(ts) in after else None
    if t is None or m.value is None:
        return False
    m.unit, m.kind, m.subunit = t.label, "money", True
    m.value = m.value / 100
    m.low = m.high = m.value
    m.last = j + len(t.tokens) - 1
    m.end = doc.ends[m.last]
    return True


def _currency_sign(doc: Doc, m: Mention, j: int, after: frozenset[int]) -> bool:
    """$5, €20: a currency sign before the figure."""
    i = m.first
    if i > 0 and doc.words[i - 1] in ("$", "€", "£"):
        t = doc.match(doc.lex.currencies, i - 1)
        if t is not None:
            m.unit, m.kind = t.label, "money"
            m.start = doc.starts[i - 1]
            return True
    return False


# In order: the first rule that decides gives the kind; with none, the figure stays a
# cardinal (or decimal, or range) count.
KIND_RULES: tuple[KindRule, ...] = (
    _time_of_day, _ordinal, _adjective, _identifier, _date, _year, _unit_word("duration"),
    _unit_word("scale"), _idiom, _measure, _money, _cents, _currency_sign,
)


def _classify(doc: Doc, m: Mention, j: int) -> None:
    """Decide the mention's kind from its neighbours; extend it over its unit words."""
    after = doc.word_sets[j] if j < len(doc.words) else frozenset()
    for rule in KIND_RULES:
        if rule(doc, m, j, after):
            return
