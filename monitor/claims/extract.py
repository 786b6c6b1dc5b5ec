"""From an article to its claims: find each figure, then what it counts, where, when, who said it.

Stages are plain functions over one `Doc` (normalised text, tokens, sentences), composed in
`extract_claims`. Lexicons come from config/ (see monitor/claims/lexicon.py).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import chain, compress
from typing import Any

from monitor.claims.lexicon import NUMERIC, Lexicon, Term, TermSet, default_lexicon
from monitor.claims.normalize import Normalized, normalize
from monitor.claims.numbers import (
    ORDINAL_WORDS,
    Token,
    Tokens,
    is_digit_word,
    is_int,
    parse_number_at,
    word_number,
)
from monitor.facts.identity import FactKey, breakdown_key, fact_of, key_of, part_key
from monitor.facts.identity import scope as key_scope
from monitor.models import Article, Claim

PERSON_CLASSES = {
    "detainee", "fighter", "troops", "civilian", "child", "woman", "man", "migrant", "refugee",
    "person", "family", "other",
}
CLAUSE_BREAKS = {"،", ",", "؛", ";", ":", "(", ")", '"'}
SENTENCE_BREAKS = {".", "!", "?", "؟", "\n"}
_DEFINITE_CLITICS = {"ال", "لل", "بال", "وال", "فال", "كال"}
_RANGE_WORDS = {"الي", "حتي", "-", "–", "—"}
_PLURAL_MULTIPLIERS = {"الاف", "الوف", "ملايين", "مليارات", "بلايين"}


@dataclass(slots=True)
class Mention:
    """One number as written, with its kind; claims are built from the `count`-like ones."""

    first: int
    last: int
    start: int  # normalised char offsets
    end: int
    low: float | None
    high: float | None
    kind: str  # cardinal, decimal, percent, money, range, vague, year, date, time, ...
    value: float | None = None
    unit: str = "count"
    approx: bool = False
    vague: bool = False
    definite: bool = False
    qual_start: int | None = None  # token index where a qualifier begins
    subunit: bool = False  # counted in cents: 43 سنت

    @property
    def is_count(self) -> bool:
        return self.kind in {"cardinal", "decimal", "percent", "money", "range", "vague", "measure"}


_MISSING = object()  # no result yet, in `Doc.once`


@dataclass
class Doc:
    article: Article
    norm: Normalized
    tokens: list[Token]
    words: list[str]
    sentence_of: list[int]  # token index -> sentence number
    sentences: list[tuple[int, int]] = field(default_factory=list)  # token ranges [a, b)
    lex: Lexicon = field(default_factory=default_lexicon)

    def match(self, ts: TermSet, k: int, *, article: bool = True) -> Term | None:
        if id(ts) not in self.word_sets[k]:
            return None
        return ts.match(self.words, k, article=article)

    _hits: dict[tuple[int, int, int, bool], list[tuple[int, Term]]] = field(default_factory=dict)
    # Other per-document results the rules reuse (places of a sentence, a figure's head…).
    _memo: dict[tuple[object, ...], Any] = field(default_factory=dict)

    def once(self, key: tuple[object, ...], make: Callable[[], Any]) -> Any:
        """`make()` computed once per document and key."""
        found = self._memo.get(key, _MISSING)  # one lookup when known (None is a result)
        if found is _MISSING:
            found = self._memo[key] = make()
        return found

    # Per token, its marks (the ids of the term sets that may match there, and of its word
    # classes: see Lexicon.word_marks); per mark, those tokens, in text order.
    word_sets: list[frozenset[int]] = field(default_factory=list)
    positions: dict[int, list[int]] = field(default_factory=dict)
    interesting: list[int] = field(default_factory=list)  # the tokens with a mark
    numeric_starts: list[int] = field(default_factory=list)  # tokens a number may start at
    clause_at: list[int] = field(default_factory=list)  # the clause breaks
    town_at: list[int] = field(default_factory=list)  # the town nouns (_TOWN_NOUNS)
    # Each token's start and end offsets (tokens.starts and .ends): hot paths read these
    # rather than make a Token object for the token.
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)

    def candidates(self, a: int, b: int, ts: TermSet | None = None) -> list[int]:
        where = self.interesting if ts is None else self.positions.get(id(ts), [])
        return where[bisect_left(where, a):bisect_left(where, b)]

    def breaks_between(self, lo: int, hi: int) -> int:
        """How many clause breaks lie in tokens [lo, hi)."""
        return bisect_left(self.clause_at, hi) - bisect_left(self.clause_at, lo)

    def last_break(self, lo: int, hi: int) -> int:
        """The last clause break in tokens [lo, hi), or lo - 1 if there is none."""
        k = bisect_left(self.clause_at, hi)
        return self.clause_at[k - 1] if k and self.clause_at[k - 1] >= lo else lo - 1

    def hits(self, ts: TermSet, a: int, b: int, *, article: bool = True) -> list[tuple[int, Term]]:
        """Every (token, term) of `ts` in tokens [a, b), found once per range."""
        key = (id(ts), a, b, article)
        found = self._hits.get(key)
        if found is None:
            found = self._hits[key] = []
            where = self.positions.get(key[0])  # `candidates`, inlined: a hot path
            if where:
                for k in where[bisect_left(where, a):bisect_left(where, b)]:
                    t = ts.match(self.words, k, article=article)
                    if t is not None:
                        found.append((k, t))
        return found

    def orig(self, start: int, end: int) -> str:
        a, b = self.norm.span(start, end)
        return self.norm.original[a:b]


# A "sentence" longer than this is cut at a clause break (or hard): context searches stay
# bounded, so a 1 MB article with no full stop costs linear time, not quadratic.
MAX_SENTENCE_TOKENS = 120
_NEWLINE = re.compile("\n")
SOFT_BREAK_AFTER = 60


def split_sentences(words: list[str], starts: list[int], text: str,
                    breaks: tuple[list[int], list[int]] | None = None) -> list[tuple[int, int]]:
    """Token ranges of sentences: a full stop (not a decimal point), a newline, a clause
    break once a sentence is long, or a hard length cap. `breaks`: the tokens that are
    clause breaks and those that are sentence breaks, if the caller has them.

    Only the few tokens where a sentence may end are visited, not every token: this runs
    on every article and was a tenth of the extraction time.
    """
    n = len(words)
    clause_at, end_at = breaks or (_tokens_in(words, CLAUSE_BREAKS),
                                   _tokens_in(words, SENTENCE_BREAKS))
    # Where a sentence surely ends (unless it is empty): after a full stop that is no
    # decimal point, and before the token after a newline.
    hard = {i + 1 for i in end_at
            if not (words[i] == "." and i + 1 < n and is_int(words[i + 1][:1]))}
    hard.update(bisect_left(starts, m.start()) for m in _NEWLINE.finditer(text))
    sentences: list[tuple[int, int]] = []
    begin = 0
    c = 0  # the next clause break to look at
    for p in [*sorted(hard), n + 1]:  # n + 1: look at the clause breaks after the last too
        # A clause break ends a sentence only SOFT_BREAK_AFTER tokens or more after its
        # start: a clause break before that is skipped without a look (it would change
        # nothing), and there are many.
        while (c := bisect_left(clause_at, begin + SOFT_BREAK_AFTER - 1, c)) < len(clause_at) \
                and clause_at[c] + 1 < p:
            begin = _end_sentence(sentences, begin, clause_at[c] + 1, n, hard=False)
            c += 1
        if p > n:
            break
        begin = _end_sentence(sentences, begin, p, n, hard=True)
    while begin + MAX_SENTENCE_TOKENS < n:
        sentences.append((begin, begin + MAX_SENTENCE_TOKENS))
        begin += MAX_SENTENCE_TOKENS
    if begin < n:
        sentences.append((begin, n))
    return sentences


def _end_sentence(sentences: list[tuple[int, int]], begin: int, p: int, n: int, *,
                  hard: bool) -> int:
    """Sentence ends may fall before token p (a hard end, or a clause break): cut the
    sentence that began at `begin` where they do; return where the next one begins."""
    while begin + MAX_SENTENCE_TOKENS < p:
        sentences.append((begin, begin + MAX_SENTENCE_TOKENS))
        begin += MAX_SENTENCE_TOKENS
    # At p == n nothing is cut: split_sentences closes the last sentence anyway.
    if begin < p < n and (hard or p - begin >= SOFT_BREAK_AFTER):
        sentences.append((begin, p))
        return p
    return begin


def _tokens_in(words: list[str], vocab: set[str]) -> list[int]:
    """The indices of the words in `vocab`."""
    return list(compress(range(len(words)), map(vocab.__contains__, words)))


def _positions(marks: list[frozenset[int]], interesting: list[int]) -> dict[int, list[int]]:
    """Per mark, the tokens that have it, in one pass over the tokens that have any (a
    third of them): cheaper than a scan of all tokens per term set or word class."""
    # A defaultdict makes each missing list in C (a fifth faster than testing first);
    # `.get` on it, as callers use, adds no key.
    positions: defaultdict[int, list[int]] = defaultdict(list)
    for k in interesting:
        for mark in marks[k]:
            positions[mark].append(k)
    return positions


def build_doc(article: Article, lex: Lexicon | None = None) -> Doc:
    norm = normalize(article.full_text)
    tokens = Tokens(norm.text)
    words = tokens.words
    lex = lex or default_lexicon()
    # The word classes the document view needs, found with the lexicon's term sets.
    clause, end, town = (lex.word_class(v) for v in (CLAUSE_BREAKS, SENTENCE_BREAKS, _TOWN_NOUNS))
    marks = lex.words_marks(words)
    interesting = list(compress(range(len(words)), marks))
    positions = _positions(marks, interesting)
    clause_at = positions.get(clause, [])
    sentences = split_sentences(words, tokens.starts, norm.text,
                                (clause_at, positions.get(end, [])))
    sentence_of: list[int] = []
    for idx, (a, b) in enumerate(sentences):
        sentence_of.extend([idx] * (b - a))
    doc = Doc(article, norm, tokens, words, sentence_of, sentences, lex)  # type: ignore[arg-type]
    doc.word_sets, doc.interesting, doc.positions = marks, interesting, positions
    doc.numeric_starts = positions.get(NUMERIC, [])
    doc.clause_at, doc.town_at = clause_at, positions.get(town, [])
    doc.starts, doc.ends = tokens.starts, tokens.ends
    return doc


# ---------------------------------------------------------------- numbers and their kinds


def _ends_at(doc: Doc, ts: TermSet, end: int, lo: int, max_len: int = 5) -> int | None:
    """Start index of a term of `ts` that ends right before token `end` (not before `lo`)."""
    sid, sets = id(ts), doc.word_sets  # `doc.match`, inlined: most tokens start no term
    for s in range(max(lo, end - max_len), end):
        if sid in sets[s]:
            t = ts.match(doc.words, s)
            if t is not None and s + len(t.tokens) == end:
                return s
    return None


_MONDAY = {"الاثنين", "والاثنين", "بالاثنين"}


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
        vague = vague_words.get(w) or vague_words.get(w[1:] if w[:1] in "وبلف" else "")
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
        first_word = words[i][2:] if words[i].startswith("ال") else words[i]
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
        elif i > 0 and words[i - 1] == "بين" and j + 1 < n and words[j] == "و":
            rng_j = j + 1
        elif i > 0 and words[i - 1] == "بين" and j < n and words[j][:1] == "و" \
                and len(words[j]) > 2:
            rng_j = j  # "بين ثلاثمئة وخمسمئة": و glued to the second number
        if rng_j is not None and rng_j < n:
            second = parse_number_at(toks, rng_j)
            if (
                second is not None
                and second.value > phrase.value
                and not _is_year_like(phrase.value)
            ):
                low = phrase.value
                if second.has_multiplier and not phrase.has_multiplier:
                    mult = _multiplier_of(second.value)
                    if mult and low * mult <= second.value:
                        low *= mult
                m.low, m.high, m.value = low, second.value, None
                m.kind = "range"
                m.last, m.end = second.last, ends[second.last]
                if i > 0 and words[i - 1] == "بين":
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
    if between not in ([], ["و"]) and not (doc.words[m.first].startswith("و")):
        return False
    if prev.value is None or m.value is None:
        return False
    prev.value += m.value
    prev.low = prev.high = prev.value
    prev.last, prev.end = m.last, m.end
    return True


def _is_year_like(v: float) -> bool:
    return v == int(v) and 1900 <= v <= 2100


def _multiplier_of(value: float) -> float | None:
    for mult in (1e12, 1e9, 1e6, 1e3):
        if value >= mult and value % mult == 0:
            return mult
    return None


def _classify(doc: Doc, m: Mention, j: int) -> None:
    """Decide the mention's kind from its neighbours; extend it over its unit words."""
    lex, words, starts, ends = doc.lex, doc.words, doc.starts, doc.ends
    n = len(words)
    i = m.first
    # The marks of the token after the figure: `doc.match(ts, j)` below is inlined as
    # `id(ts) in after and ts.match(words, j)` (none past the end); most tests fail.
    after = doc.word_sets[j] if j < n else frozenset()
    prev = words[i - 1] if i > 0 else ""
    # Time of day: 4:17, الساعة 4
    if j + 1 < n and words[j] == ":" and is_digit_word(words[j + 1]) and starts[j] == ends[i]:
        m.kind, m.last, m.end, m.low, m.high = "time", j + 1, ends[j + 1], None, None
        return
    if _ends_at(doc, lex.time_before, i, max(0, i - 2)) is not None:
        m.kind = "time"
        return
    # Ordinals: الثامنة عشرة, الحادي عشر
    if prev in ORDINAL_WORDS or (m.definite and words[i].startswith("ال") and m.value == 10):
        m.kind = "ordinal"
        return
    # A definite number after a definite noun qualifies it: القمة العربية الـ33 (ordinal),
    # القتلى الأربعة (the four already counted): not a new figure.
    noun_before = words[i - 2] if prev in _DEFINITE_CLITICS and i >= 2 else prev
    if m.definite and noun_before.startswith("ال") and word_number(noun_before) is None \
            and noun_before not in _DEFINITE_CLITICS:
        m.kind = "adjective"
        return
    # شهر واحد / عائلة واحدة: "one" as an adjective; نصف / الربع alone: a share, not a count.
    if m.first == m.last and not is_digit_word(words[i]) and m.value is not None and (
        (m.value == 1 and prev[:1].isalpha()) or (0 < m.value < 1)
    ):
        m.kind = "adjective" if m.value == 1 else "fraction"
        return
    # Identifiers: الطريق رقم 5, المرسوم 12
    if _ends_at(doc, lex.identifier_before, i, max(0, i - 2)) is not None:
        m.kind = "identifier"
        return
    # Dates: 21 يناير 2026, 8 ديسمبر / كانون الأول
    if id(lex.months) in after and lex.months.match(words, j) is not None \
            and m.value is not None and 1 <= m.value <= 31 and m.kind == "cardinal":
        t = lex.months.match(words, j)
        assert t is not None
        last = j + len(t.tokens) - 1
        if last + 1 < n and is_int(words[last + 1]) and _is_year_like(float(words[last + 1])):
            last += 1
        m.kind, m.last, m.end, m.low, m.high = "date", last, ends[last], None, None
        return
    month_before = _ends_at(doc, lex.months, i, max(0, i - 3))
    if m.value is not None and _is_year_like(m.value) and not m.definite:
        qual = _qualifier(doc, m)
        entity_after = id(lex.entities) in after and lex.entities.match(words, j) is not None
        if month_before is not None or _ends_at(doc, lex.year_before, i, max(0, i - 2)) \
                is not None or (qual is None and not entity_after):
            m.kind, m.low, m.high = "year", None, None
            return
    # Durations and ages: منذ 10 سنوات, 27 عاما
    if id(lex.duration) in after and lex.duration.match(words, j) is not None:
        m.kind = "duration"
        m.last, m.end = j, ends[j]
        return
    # Readings on a scale: زلزال بقوة 6.1 درجات, 40 درجة مئوية
    if id(lex.scale) in after and lex.scale.match(words, j) is not None:
        m.kind = "scale"
        m.last, m.end = j, ends[j]
        return
    # Idioms: دفعة واحدة
    for k in (1, 0):
        s = i - k
        if s >= 0:
            t = doc.match(lex.idioms, s)
            if t is not None and s + len(t.tokens) > i:
                m.kind = "idiom"
                return
    # Units after the figure: %, في المئة, currencies, measures.
    if after:
        t = lex.measures.match(words, j) if id(lex.measures) in after else None
        if t is not None:
            m.unit = t.label
            m.kind = "percent" if t.label == "percent" else "measure"
            m.last = j + len(t.tokens) - 1
            m.end = ends[m.last]
            return
        t = lex.currencies.match(words, j) if id(lex.currencies) in after else None
        if t is not None:
            m.unit = t.label
            m.kind = "money"
            m.last = j + len(t.tokens) - 1
            m.end = ends[m.last]
            return
        t = lex.subunits.match(words, j) if id(lex.subunits) in after else None
        if t is not None and m.value is not None:
            m.unit, m.kind, m.subunit = t.label, "money", True
            m.value = m.value / 100
            m.low = m.high = m.value
            m.last = j + len(t.tokens) - 1
            m.end = ends[m.last]
            return
    if i > 0 and words[i - 1] in ("$", "€", "£"):
        t = doc.match(lex.currencies, i - 1)
        if t is not None:
            m.unit, m.kind = t.label, "money"
            m.start = starts[i - 1]


def _qualifier(doc: Doc, m: Mention) -> str | None:
    """approx / floor / ceiling from the words right before (or after) the figure."""
    lex, words = doc.lex, doc.words
    i = m.first
    # A glued clitic (لـ6000, بـ 6) sits between qualifier and number.
    end = i - 1 if i > 0 and words[i - 1] in {"ل", "ب", "ال", "لل", "و"} else i
    # The longest phrase ending right before the figure wins: `لا يتجاوز` (a ceiling) holds
    # `يتجاوز` (a floor). Most figures have none: when no token of the five `_ends_at` looks
    # at may start a qualifier, one set test in C says so.
    found: list[tuple[int, str]] = []
    if not lex.qualifier_marks.isdisjoint(chain.from_iterable(doc.word_sets[max(0, end - 5):end])):
        found = [(s, kind) for kind in ("floor", "ceiling", "approx")
                 if (s := _ends_at(doc, lex.qualifiers[kind], end, max(0, end - 5))) is not None]
    if found:
        s, kind = min(found, key=lambda f: f[0])
        m.qual_start = s
        return kind
    j = m.last + 1
    sets = doc.word_sets  # `doc.match`, inlined: most figures have no qualifier after them
    for kind, key in (("floor", "floor_after"), ("approx", "approx_after")):
        ts = lex.qualifiers[key]
        for k in (j, j + 1):
            if k < len(words) and id(ts) in sets[k] and ts.match(words, k) is not None:
                return kind
    return _verb_qualifier(doc, m)


_EXCEED = {"تجاوز", "تجاوزت", "يتجاوز", "تتجاوز", "تخطي", "تخطت", "يتخطي", "فاق", "فاقت", "يفوق"}
# The words whose `base` (below) is in _EXCEED: those verbs, also with و or ف glued on.
_EXCEED_GLUED = _EXCEED | {c + w for c in "وف" for w in _EXCEED}
_COUNT_NOUNS = {"عدد", "اعداد", "نسبه", "حصيله", "قيمه", "مجموع", "اجمالي"}


def _verb_qualifier(doc: Doc, m: Mention) -> str | None:
    """`تجاوز عدد النازحين في إدلب مليوني شخص`: the verb qualifies a figure it is far from."""
    words = doc.words
    a, _ = _sentence_range(doc, m.first)
    lo = max(a, m.first - 10)
    if _EXCEED_GLUED.isdisjoint(words[lo:m.first]):
        return None  # no such verb in reach (most figures): told by one set test in C
    for k in range(m.first - 1, lo - 1, -1):
        w = words[k]
        if w in CLAUSE_BREAKS:
            return None
        base = w[1:] if w[:1] in "وف" and w[1:] in _EXCEED else w
        if base in _EXCEED and any(x in _COUNT_NOUNS for x in words[k + 1 : k + 3]):
            negated = k > 0 and words[k - 1] in {"لا", "لم", "ولا", "ولم"}
            return "ceiling" if negated else "floor"
    return None


# ---------------------------------------------------------------- what the figure counts


def _sentence_range(doc: Doc, i: int) -> tuple[int, int]:
    return doc.sentences[doc.sentence_of[i]]


def _nearest(doc: Doc, ts: TermSet, m: Mention, before: int, after: int,
             skip: set[int] | None = None) -> tuple[Term, int] | None:
    found = _nearest_cost(doc, ts, m, before, after, skip)
    return (found[1], found[2]) if found else None


def _nearest_cost(doc: Doc, ts: TermSet, m: Mention, before: int, after: int,
                  skip: set[int] | None = None) -> tuple[float, Term, int] | None:
    """Nearest term of `ts` in the figure's sentence; crossing a comma costs distance."""
    a, b = _sentence_range(doc, m.first)
    best: tuple[float, Term, int] | None = None
    words = doc.words
    # Before the figure, only the tokens where a term may start are looked at, nearest
    # first; a clause break never starts one.
    for k in reversed(doc.candidates(max(a, m.first - before), m.first, ts)):
        if words[k] in CLAUSE_BREAKS or (skip and k in skip):
            continue
        t = ts.match(words, k)
        if t is not None:
            # Each token crossed costs 1 and each clause break 4 (whole numbers: as exact
            # as adding them up one by one).
            best = (float(m.first - k + 3 * doc.breaks_between(k, m.first)), t, k)
            break
    # After it, fractional costs are added up one by one, as they always were.
    sid, sets = id(ts), doc.word_sets  # `doc.match`, inlined: most tokens start no term
    cost = 0.0
    for k in range(m.last + 1, min(b, m.last + 1 + after)):
        if words[k] in CLAUSE_BREAKS:
            cost += 4
            continue
        cost += 1.2  # a trigger before the figure is the usual order: prefer it on ties
        if best is not None and cost >= best[0]:
            break
        if skip and k in skip:
            continue
        if sid in sets[k]:
            t = ts.match(words, k)
            if t is not None:
                best = (cost, t, k)
                break
    return best


def _in_sentence(doc: Doc, ts: TermSet, m: Mention) -> tuple[Term, int] | None:
    found = doc.hits(ts, *_sentence_range(doc, m.first))
    return (found[0][1], found[0][0]) if found else None


def _entity(doc: Doc, m: Mention) -> tuple[str | None, str | None]:
    lex, words = doc.lex, doc.words
    n = len(words)
    j = m.last + 1
    entity: str | None = None
    ent_at = None
    for k in (0, 1, 2):
        if j + k >= n or words[j + k] in CLAUSE_BREAKS:
            break
        t = doc.match(lex.entities, j + k)
        if t is not None:
            entity, ent_at = t.label, j + k
            break
        if words[j + k] not in {"من", "الف", "الاف"} and k == 0 and doc.match(lex.subgroups, j):
            break
    if entity is None:
        found = _nearest(doc, lex.entities, m, before=16, after=0)
        if found:
            entity, ent_at = found[0].label, found[1]
    if entity is None:
        found = _nearest(doc, lex.entity_groups, m, before=6, after=4)
        if found:
            entity = found[0].label
    sub = None
    t = doc.match(lex.subgroups, j) if j < n else None
    if t is not None:
        sub = t.label
    elif ent_at is not None and ent_at > m.last:
        for k in range(ent_at + 1, min(n, ent_at + 4)):
            if words[k] in CLAUSE_BREAKS:
                break
            t = doc.match(lex.subgroups, k)
            if t is not None:
                sub = t.label
                break
    if entity == "fighter" and ent_at is not None and any(
            w in _SECURITY for w in words[ent_at + 1:ent_at + 4]):
        entity = "troops"  # "18 عنصراً من قوات الأمن": security forces, not militants
    if sub is None:
        a, _ = _sentence_range(doc, m.first)
        lo = max(a, m.first - 10)
        # Back from the figure to a clause break more than two tokens before it, at the
        # tokens where a subgroup may start.
        stop = doc.last_break(lo, m.first - 2)
        for k in reversed(doc.candidates(stop + 1, m.first, lex.subgroups)):
            t = lex.subgroups.match(words, k)
            if t is not None:
                # "وزارة الدفاع العراقية 2000 جندي": the ministry is Iraqi, not a subgroup.
                if not any(w in _INSTITUTIONS for w in words[max(a, k - 3):k]):
                    sub = t.label
                break
    return entity, sub


_INSTITUTIONS = {"وزاره", "الوزاره", "حكومه", "الحكومه", "السلطات", "سلطات", "رئاسه", "هيئه",
                 "قياده", "مديريه", "بيان", "مصادر", "مصدر", "مسوول", "متحدث", "وكاله",
                 "قوات", "القوات", "الشرطه", "شرطه", "الجيش", "جيش", "الامن", "امن"}
# "1,500 مليار ليرة" in Sidon is Lebanese pounds; in Aleppo, Syrian pounds.
_BARE_CURRENCY = {
    "LIRA": {"lb": "LBP", "sy": "SYP", "tr": "TRY"},
    "DINAR": {"iq": "IQD", "jo": "JOD", "ly": "LYD", "tn": "TND", "kw": "KWD", "dz": "DZD"},
}
_SECURITY = {"قوات", "الامن", "امن", "الشرطه", "الجيش", "الحرس", "الدرك"}
_PEOPLE_AT_LARGE = {"civilian", "migrant", "refugee", "person"}
_PEOPLE_BY_SEX_AND_AGE = {"man", "woman", "child"}
NOUN_PENALTY = 3.0  # a noun (لاجئ) yields to a verb (رحّلت) about as near
_SUBSET_CUES = {"بينهم", "بينهن", "بينها", "منهم", "منهن"}
_SUBSET_CUES_WAW = _SUBSET_CUES | {"و" + w for w in _SUBSET_CUES}
DISPLACED_BY_FLIGHT = {"civilian", "family", "refugee", "child", "woman", "person"}


_HEADS = _COUNT_NOUNS - {"نسبه", "قيمه"}  # a share or a value is no count of people
_RISE_VERBS = {"ارتفع", "ارتفعت", "بلغ", "بلغت", "وصل", "وصلت", "تجاوز", "تجاوزت", "زاد", "زادت",
               "تراجع", "تراجعت", "انخفض", "انخفضت"}
_PLACE_NOUNS = {"سجن", "سجون", "السجن", "السجون"}


def _count_head(doc: Doc, m: Mention) -> int | None:
    """Where `ارتفع عدد … إلى N` / `بلغ إجمالي … N` opens the clause the figure closes."""
    head: int | None = doc.once(("head", m.first), lambda: _find_head(doc, m))
    return head


def _find_head(doc: Doc, m: Mention) -> int | None:
    a, _ = _sentence_range(doc, m.first)
    words = doc.words
    lo = max(a, m.first - 20)
    # Most figures have no head word, nor a rise verb before one, in reach: then the scan
    # below can only end in None. Two set tests in C tell so (a tenth of the cost).
    if _HEADS.isdisjoint(words[lo:m.first]) and \
            _RISE_VERBS.isdisjoint(words[max(a, lo - 1):max(a, m.first - 1)]):
        return None
    for k in range(m.first - 1, lo - 1, -1):
        w = words[k]
        if w in _HEADS or (k > a and words[k - 1] in _RISE_VERBS):
            return k  # "ارتفعت المخصصات المالية … إلى 210 ملايين": the subject is the head
        if w in SENTENCE_BREAKS or w.replace(".", "").isdigit():
            return None
    return None


def _headed_event(doc: Doc, m: Mention) -> str | None:
    """The event named between the count's head and the figure: a verb first, then a noun."""
    head = _count_head(doc, m)
    if head is None:
        return None
    a, b = _sentence_range(doc, m.first)
    for ts in (doc.lex.events, doc.lex.event_nouns):
        for k, t in doc.hits(ts, a, b):
            if head <= k < m.first and not _is_place_noun(doc, k) \
                    and not _is_rebuilding(doc, k):
                return t.label
    for k, t in doc.hits(doc.lex.entities, a, b):
        # "بلغ إجمالي المحتجزين … 520": what is counted says what happened.
        if head <= k < m.first and t.label.split(".")[0] in doc.lex.entity_events:
            return _by_entity(doc, m, t.label)
    return None


def _by_entity(doc: Doc, m: Mention, entity: str | None) -> str | None:
    """What happened to the counted thing when no word says: detainees are held, troops
    deployed; but detainees counted in a raid ("عدد المعتقلين خلال اقتحام نابلس") were
    arrested there."""
    event = doc.lex.entity_events.get((entity or "").split(".")[0])
    if event == "held" and _in_sentence(doc, doc.lex.raid, m) is not None:
        return "captured"
    return event


_RUNS = {"اداره", "مدير", "مديريه", "حراس", "حارس", "ادارات", "حمايه", "مصلحه", "دايره"}


def _is_place_noun(doc: Doc, k: int) -> bool:
    """`من سجون دمشق` says where from, not that anyone is held; `مصادر في إدارة السجن`
    names who speaks."""
    return doc.words[k] in _PLACE_NOUNS and k > 0 and doc.words[k - 1] in ({"من"} | _RUNS)


_REBUILT = {"تاهيل", "اعمار", "بناء", "فتح", "هيكله", "تشغيل", "النظر", "انتشار", "تموضع",
            "ترميم", "تدوير", "توطين"}


def _is_rebuilding(doc: Doc, k: int) -> bool:
    """`إعادة تأهيل/إعمار` is rebuilding, not `إعادة` (returning people)."""
    return doc.words[k].endswith("اعاده") and k + 1 < len(doc.words) \
        and doc.words[k + 1] in _REBUILT


def _not_events(doc: Doc, i: int) -> set[int]:
    """Trigger words in the sentence of token i that name no event here (`من سجون`,
    `إعادة تأهيل`); per sentence, once."""
    a, b = _sentence_range(doc, i)
    found: set[int] = doc.once(("not_events", a, b), lambda: {
        k for k, _ in doc.hits(doc.lex.events, a, b)
        if _is_place_noun(doc, k) or _is_rebuilding(doc, k)})
    return found


def _event(doc: Doc, m: Mention, entity: str | None) -> str | None:
    lex = doc.lex
    nxt = m.last + 1
    if nxt + 1 < len(doc.words) and doc.match(lex.entities, nxt) is not None \
            and _nearest_cost(doc, lex.events, m, before=10, after=0) is None:
        # "إن 2000 شخص مفقودون": with no verb before it, the outcome noun after the counted
        # noun says what happened ("نقلت 400 حاج مصاب" is a transfer).
        nxt += 1
    right_after = doc.match(lex.event_nouns, nxt) if nxt < len(doc.words) else None
    if right_after is None:
        right_after = doc.match(lex.event_nouns, m.last + 1) \
            if m.last + 1 < len(doc.words) else None
    # Nouns that name an outcome (قتلى، جرحى، مفقودون) decide the event when they directly
    # follow the figure; status nouns (لاجئ، نازح) do not: "رحّلت 600 لاجئ" is a transfer.
    if right_after is not None and right_after.label in lex.registry.outcome:
        return right_after.label  # "10 جرحى": the counted thing says what happened to it
    headed = _headed_event(doc, m)
    if headed is not None:
        return headed
    places = _not_events(doc, m.first)
    verb = _nearest_cost(doc, lex.events, m, before=10, after=6, skip=places)
    # A noun costs at least 1 + the penalty: a verb nearer than that cannot lose to one.
    if verb is None or verb[0] > 1 + NOUN_PENALTY:
        noun = _nearest_cost(doc, lex.event_nouns, m, before=4, after=3)
        if noun is not None and (verb is None or noun[0] + NOUN_PENALTY < verb[0]):
            verb = noun
    if verb is None:
        return _by_entity(doc, m, entity)
    event = verb[1].label
    if event in {"escaped", "released"} and _foil_governs(doc, m, verb[2]) \
            and any(t.label == "escaped" for _, t in doc.hits(lex.events, *_sentence_range(
                doc, m.first))):
        return "escape_foiled"
    if event == "escaped" and (entity or "").split(".")[0] in DISPLACED_BY_FLIGHT:
        return "displaced"  # civilians fleeing a town are displaced, not escapees
    if event == "deployed" and (entity or "").split(".")[0] in {"vehicle", "aid_unit"} \
            and _in_sentence(doc, lex.events, m) and _aid_context(doc, m):
        return "funding"
    return event


_SUCCEEDED = {"تمكن", "تمكنوا", "تمكنت", "نجح", "نجحوا", "نجحت", "استطاع", "استطاعوا"}


def _foil_governs(doc: Doc, m: Mention, verb_at: int) -> bool:
    """A foiling word in the figure's own clause: "أحبطت … محاولة فرار نحو 50 سجيناً".
    Not "تمكّن 7 سجناء من الفرار خلال … محاولة الهروب الجماعي" (they did get out), nor a
    foiled attempt told in another clause ("فرّ سبعة …، مشيرة إلى أن محاولة الهروب
    الفاشلة …")."""
    words = doc.words
    first = min(m.first, verb_at)
    a, b = _sentence_range(doc, m.first)
    if any(w in _SUCCEEDED or (w[:1] == "و" and w[1:] in _SUCCEEDED)
           for w in words[max(a, first - 3):first]):
        return False
    return any(doc.breaks_between(*sorted((k, m.first))) == 0
               for k, _ in doc.hits(doc.lex.foil, a, b))


def _aid_context(doc: Doc, m: Mention) -> bool:
    return any(t.label == "funding" for _, t in doc.hits(doc.lex.events,
                                                          *_sentence_range(doc, m.first)))


# ---------------------------------------------------------------- where and when


_LOCATIVE = {"في", "من", "الي", "داخل", "قرب", "شمال", "جنوب", "شرق", "غرب", "شمالي", "جنوبي",
             "شرقي", "غربي", "بمدينه", "مدينه", "محافظه", "ريف", "سجن", "مخيم", "العاصمه",
             "بلده", "قريه", "ولايه", "بولايه", "اقليم", "منطقه", "قضاء", "مديريه", "قباله",
             "بالعاصمه", "ببلده", "بمحافظه", "بقريه", "بمخيم"}


def _place_mentions(doc: Doc, a: int, b: int) -> list[tuple[int, str, bool]]:
    """(token, place id, introduced by a locative word) for each place named in [a, b)."""
    found: list[tuple[int, str, bool]] = doc.once(("places", a, b),
                                                  lambda: _find_places(doc, a, b))
    return found


def _find_places(doc: Doc, a: int, b: int) -> list[tuple[int, str, bool]]:
    lex, words = doc.lex, doc.words
    out: list[tuple[int, str, bool]] = []
    skip_to = a
    # Only where an actor or a place may start: elsewhere both matches below find nothing.
    for k in sorted({*doc.candidates(a, b, lex.not_places), *doc.candidates(a, b, lex.places)}):
        if k < skip_to:
            continue
        actor = doc.match(lex.not_places, k)
        if actor is not None:
            skip_to = k + len(actor.tokens)
            continue
        t = doc.match(lex.places, k, article=False)
        if t is None or (k >= 2 and words[k - 1] == "من" and words[k - 2].startswith("المدعوم")):
            continue
        end = k + len(t.tokens)
        if (k > 0 and words[k - 1].endswith("وكاله")) or \
                (end < len(words) and words[end] == "للانباء"):
            continue  # "وكالة السودان للأنباء" is a news agency, not where it happened
        prev = words[k - 1] if k > 0 else ""
        out.append((k, t.label, prev in _LOCATIVE or words[k][:1] in {"ب", "ل"}))
        skip_to = k + len(t.tokens)
    return out


def _places_in(doc: Doc, a: int, b: int, near: int) -> str | None:
    best: tuple[float, str] | None = None
    by_id, clause_at = doc.lex.place_by_id, doc.clause_at
    for k, place_id, locative in _place_mentions(doc, a, b):
        place = by_id[place_id]
        # "… في مدينة بيدوا، وفي هجوم منفصل قتل 14 … في العاصمة مقديشو": a place in the
        # figure's own clause beats one across a clause break (`doc.breaks_between`,
        # inlined: this runs per place and figure).
        lo, hi = (k, near) if k <= near else (near, k)
        breaks = bisect_left(clause_at, hi) - bisect_left(clause_at, lo)
        score = place.depth * 10 - abs(k - near) / 100 + (5 if locative else 0) - 6 * breaks
        if best is None or score > best[0]:
            best = (score, place.id)
    return best[1] if best else None


_TOWN_NOUNS = {"مدينه", "بمدينه", "لمدينه", "بلده", "ببلده", "قريه", "بقريه", "مخيم", "بمخيم",
               "ولايه", "بولايه", "محافظه", "بمحافظه", "اقليم", "باقليم", "ناحيه", "قضاء",
               "مديريه", "بمديريه", "جزيره", "بجزيره", "سجن", "بسجن", "معبر", "بمعبر", "سوق",
               "بسوق"}
_NOT_NAMES = {"قريبه", "قريب", "مجاوره", "صغيره", "نائيه", "حدوديه", "ساحليه", "جبليه", "ريفيه",
              "الكبري", "القديمه", "الجديده", "الصناعيه", "الحدوديه", "الساحليه", "المجاوره",
              "المذكوره", "نفسها", "ذاتها", "الرئيسيه", "المنكوبه", "المتضرره", "المحاصره",
              "اخري", "واحده", "كامله", "بكاملها", "التي", "الذي", "في", "من", "علي", "الي"}


def _unlisted_in_article(doc: Doc) -> set[str]:
    """Unlisted towns the article itself names with مدينة/بلدة/قرية…, once per article."""
    names: set[str] = doc.once(("unlisted",), lambda: set(_unlisted_towns(doc)[1]))
    return names


def _unlisted_towns(doc: Doc) -> tuple[list[int], list[str]]:
    """Each town noun k of the article followed by a name the gazetteer does not know
    (مدينة غاو), and that name, in text order; once per article, for all its figures."""
    def find() -> tuple[list[int], list[str]]:
        words, at, names = doc.words, [], []
        for k in doc.town_at:
            if k + 1 >= len(words):
                break
            w = words[k + 1]
            if w in _NOT_NAMES or w in _TOWN_NOUNS or not w.isalpha() or len(w) < 2:
                continue
            if doc.match(doc.lex.places, k, article=False) or \
                    doc.match(doc.lex.places, k + 1, article=False):
                continue  # a listed place: the gazetteer decides
            at.append(k)
            names.append(w)
        return at, names

    found: tuple[list[int], list[str]] = doc.once(("unlisted towns",), find)
    return found


def _unlisted_place(doc: Doc, a: int, b: int, near: int) -> str | None:
    """A town the gazetteer does not know, named after مدينة/بلدة/قرية/مخيم/ولاية…: `~name`.
    The nearest to `near` of those whose town noun k is in [a, b - 1)."""
    at, names = _unlisted_towns(doc)
    best = None
    for n in range(bisect_left(at, a), bisect_left(at, b - 1)):
        if best is None or abs(at[n] - near) < abs(at[best] - near):
            best = n
    return f"~{names[best]}" if best is not None else None


def _destination(doc: Doc, a: int, b: int) -> str | None:
    words = doc.words
    for k in range(a, b - 1):
        if words[k] == "الي":
            t = doc.match(doc.lex.places, k + 1, article=False)
            if t is not None:
                return t.label
    return None


def _location(doc: Doc, m: Mention, event: str | None) -> tuple[str | None, bool]:
    """The place the figure is about, and whether its own sentence names it."""
    a, b = _sentence_range(doc, m.first)
    if event == "transferred":
        # Where they were taken: after the figure, or in the clause a count's head opens
        # ("بلغ إجمالي الذين نُقلوا … إلى العراق 5700").
        head = _count_head(doc, m)
        dest = _destination(doc, m.last + 1, b) or (
            _destination(doc, head, m.first) if head is not None else None)
        if dest:
            return dest, True
    here = _places_in(doc, a, b, m.first)
    unlisted = _unlisted_place(doc, a, b, m.first)
    if unlisted and (here is None or doc.lex.place_by_id[here].depth == 0):
        # "قرب مدينة غاو شمالي مالي" with غاو not in the gazetteer: the town keeps a key of
        # its own (whether or not its country is named), so two unlisted towns never meet
        # by accident and one town meets itself.
        return unlisted, True
    if here:
        return here, True
    named = _unlisted_in_article(doc)
    if named:
        # "هجوم على بلدة دارغول" in the title, "في دارغول" in the text: the article has
        # told us دارغول is a town.
        near = [(abs(k - m.first), w) for k in range(a, b) if (w := doc.words[k]) in named
                or (w[:1] in "بل" and w[1:] in named)]
        if near:
            w = min(near)[1]
            return f"~{w if w in named else w[1:]}", True
    country = _country_of_authority(doc, a, b)
    if country:
        return country, True
    s = doc.sentence_of[m.first]
    for back in range(1, 4):
        if s - back < 0:
            break
        pa, pb = doc.sentences[s - back]
        found = (_destination(doc, pa, pb) if event == "transferred" else None) or \
            _place_at_end(doc, pa, pb)
        if found:
            return found, False
    return None, False


def _place_at_end(doc: Doc, a: int, b: int) -> str | None:
    """The place nearest the end of the sentence [a, b): the same for every figure after
    it, so found once per document and sentence."""
    found: str | None = doc.once(("place at end", a, b), lambda: _places_in(doc, a, b, b))
    return found


_THE_COUNTRY = {"البلاد", "للبلاد", "بالبلاد", "والبلاد"}


def _country_of_authority(doc: Doc, a: int, b: int) -> str | None:
    """"أعلنت السلطات اليابانية … غرب البلاد": a sentence that names no place but speaks of
    "the country" is about the one country whose authority it names."""
    words, lex = doc.words, doc.lex
    if _THE_COUNTRY.isdisjoint(words[a:b]):  # `any(w in ...)`, in C: most sentences
        return None
    found = {lex.country_adjectives[w] for k in range(a + 1, b)
             if (w := words[k]) in lex.country_adjectives and words[k - 1] in lex.authority_words}
    return found.pop() if len(found) == 1 else None


def _month_year(doc: Doc, k: int, month: int) -> date:
    words, toks = doc.words, doc.tokens
    t = doc.match(doc.lex.months, k)
    nxt = k + (len(t.tokens) if t else 1)
    pub = _published_day(doc) or date(1970, 1, 1)
    day = 1
    if k > 0 and toks[k - 1].is_digits and is_int(words[k - 1]) and 1 <= int(words[k - 1]) <= 31:
        day = int(words[k - 1])
    if nxt < len(words) and is_int(words[nxt]) and _is_year_like(float(words[nxt])):
        return date(int(words[nxt]), month, day)
    year = pub.year if month <= pub.month else pub.year - 1
    return date(year, month, day)


_PERIOD_START = {"منذ", "بدات", "بدا", "بدء", "اندلاع", "انطلاق", "انطلقت", "بداها", "بداه",
                 "بداتها"}
_RELATIVE_CLAUSE = {"التي", "الذي", "اللذين", "اللتين", "الذين", "اللواتي"}


def _time_in(doc: Doc, a: int, b: int) -> date | None:
    """The date tokens [a, b) state (once per document and range)."""
    found: date | None = doc.once(("time", a, b), lambda: _find_time(doc, a, b))
    return found


def _find_time(doc: Doc, a: int, b: int) -> date | None:
    lex = doc.lex
    # "منذ 30 مارس" / "التي بدأت في 30 مارس" opens a period: the figure is as of later.
    # ("بدأها في التاسع من شباط/فبراير": the second name of the month is further back.)
    months = [(k, t) for k, t in doc.hits(lex.months, a, b)
              if not _PERIOD_START & set(doc.words[max(a, k - 6):k])]
    if months:
        k, t = months[0]
        return _month_year(doc, k, int(t.label))
    # "منذ اندلاع المعارك الشهر الماضي" also opens a period, not the figure's time, and
    # "الأمطار التي هطلت الأسبوع الماضي" dates the rain, not the toll it has reached.
    relative = [(k, t) for k, t in doc.hits(lex.relative_terms, a, b)
                if not (_PERIOD_START | _RELATIVE_CLAUSE) & set(doc.words[max(a, k - 4):k])]
    if relative:
        pub = _published_day(doc) or date(1970, 1, 1)
        return pub + timedelta(days=lex.relative_time[relative[0][1].label])
    return None


def _published_day(doc: Doc) -> date | None:
    found: date | None = doc.once(("published",), doc.article.published_day)
    return found


def _time(doc: Doc, m: Mention, inherit: bool) -> tuple[date | None, bool]:
    """The date the figure refers to, and whether the text states it."""
    a, b = _sentence_range(doc, m.first)
    here = _time_in(doc, a, b)
    if here:
        return here, True
    if inherit:
        s = doc.sentence_of[m.first]
        for back in range(1, 3):
            if s - back < 0:
                break
            found = _time_in(doc, *doc.sentences[s - back])
            if found:
                return found, True
    return _published_day(doc), False


# ---------------------------------------------------------------- who said it


def _attribution(doc: Doc, m: Mention) -> str | None:
    """Who said it: a cue in the figure's sentence, a headline's "Outlet: ..." prefix, or
    the "according to X" (بحسب / وفق) that closes the sentence just before."""
    a, b = _sentence_range(doc, m.first)
    found = _speaker_in(doc, a, b, m.first, m.last)
    if found is None and a == 0 and doc.article.title:
        found = _headline_source(doc, b)
    if found is None and doc.sentence_of[m.first] > 0:
        pa, pb = doc.sentences[doc.sentence_of[m.first] - 1]
        # The same for every figure of the sentence: once per document and sentence.
        found = doc.once(("speaker closing", pa, pb),
                         lambda: _speaker_in(doc, pa, pb, pb, pb, preps_only=True))
    return found


def _headline_source(doc: Doc, b: int) -> str | None:
    """فوكس نيوز: واشنطن أحبطت ...: a headline that opens with its source and a colon."""
    words = doc.words
    for k in range(0, min(b, 5)):
        if words[k] == ":":
            if k and not any(doc.tokens[j].is_digits for j in range(k)):
                return doc.orig(doc.tokens[0].start, doc.tokens[k - 1].end).strip(" \"'«»“”")
            return None
    return None


def _speaker_in(doc: Doc, a: int, b: int, first: int, last: int, *,
                preps_only: bool = False) -> str | None:
    lex = doc.lex
    best: tuple[int, int, Term] | None = None
    lo, hi = max(a, first - 20), min(b, last + 20)
    cues = doc.hits(lex.attribution_preps, a, b)
    verbs = [] if preps_only else doc.hits(lex.attribution_verbs, a, b)
    if cues and verbs:  # each list alone is in text order already
        cues = sorted(cues + verbs, key=lambda hit: (hit[0], hit[1].label != "prep"))
    elif verbs:
        cues = verbs
    for k, t in cues:
        if lo <= k < hi and (best is None or abs(k - first) < abs(best[0] - first)):
            best = (k, k + len(t.tokens), t)
    if best is None:
        return None
    k, after, term = best
    # Every figure of a sentence near the same cue has the same speaker: once per cue.
    found: str | None = doc.once(("speaker", a, b, k, after, term.label),
                                 lambda: _speaker_at(doc, a, b, k, after, term))
    return found


def _speaker_at(doc: Doc, a: int, b: int, k: int, after: int, term: Term) -> str | None:
    """The speaker a cue (`term`, tokens [k, after)) of the sentence [a, b) names."""
    words, toks = doc.words, doc.tokens
    span = _speaker_after(doc, after, b)
    if span is None and term.label == "verb":
        span = _speaker_before(doc, a, k)
    if span is None:
        return None
    s, e = span
    start = toks[s].start
    # وفقاً لمتحدث: the glued ل belongs to the cue, not to the speaker's name.
    if term.label == "prep" and s == after and words[s].startswith("ل") and len(words[s]) > 3:
        start += 1
    return doc.orig(start, toks[e - 1].end).strip(" \"'«»“”")


# After "بحسب ما" these report too, though alone they are events (نقلت = transferred).
_RELAYED = {"نقل", "نقلت", "نشرت", "نشر", "اوردت", "اورد", "بثت", "بث"}


def _said(doc: Doc, word: str) -> bool:
    """An attribution verb, also with its object pronoun: نقلته، أعلنها."""
    verbs = doc.lex.attribution_verbs
    return any(w in _RELAYED or verbs.match([w], 0) is not None
               for w in (word, word[:-1] if word.endswith("ه") else "",
                         word[:-2] if word.endswith(("ها", "هم")) else "") if w)


def _speaker_after(doc: Doc, s: int, b: int) -> tuple[int, int] | None:
    lex, words = doc.lex, doc.words
    if s < b and words[s] == "ما":  # بحسب ما نقلت فوكس نيوز، وفق ما نقلته / أفاد به
        s += 1
        if s < b and _said(doc, words[s]):
            s += 1
            if s < b and words[s] in ("به", "بها"):
                s += 1
    if s < b and doc.match(lex.not_speaker, s) is not None:
        return None
    e = s
    while e < b and e - s < 6:
        w = words[e]
        if w in CLAUSE_BREAKS or w in SENTENCE_BREAKS or w in lex.attribution_stop:
            break
        if doc.tokens[e].is_digits or doc.match(lex.events, e) is not None:
            break
        if e > s and doc.match(lex.attribution_verbs, e) is not None:
            break
        e += 1
    if e == s:
        return None
    return s, e


def _speaker_before(doc: Doc, a: int, k: int) -> tuple[int, int] | None:
    words = doc.words
    s = k
    while s > a and k - s < 12:
        w = words[s - 1]
        if w in {"كان", "وكان"} or w in SENTENCE_BREAKS:
            break
        s -= 1
    while s < k and words[s] in CLAUSE_BREAKS:
        s += 1
    e = k
    while e > s and words[e - 1] in CLAUSE_BREAKS:
        e -= 1
    return (s, e) if e > s else None


# ---------------------------------------------------------------- claims


def _has(doc: Doc, ts: TermSet, m: Mention, before: int, after: int) -> bool:
    a, b = _sentence_range(doc, m.first)
    hits = doc.hits(ts, a, b)
    if not hits:  # most sentences have none: no generator to make
        return False
    lo, hi = max(a, m.first - before), min(b, m.last + 1 + after)
    return any(lo <= k < hi for k, _ in hits)


def _fmt(v: float | None) -> str:
    if v is None:
        return ""
    return str(int(v)) if v == int(v) else f"{v:g}"


def extract_claims(article: Article, lex: Lexicon | None = None) -> list[Claim]:
    doc = build_doc(article, lex)
    claims: list[Claim] = []
    for m in find_mentions(doc):
        if not m.is_count:
            continue
        claim = _claim(doc, m, claims)
        if claim is not None:
            claims.append(claim)
    return claims + breakdown_totals(claims)


def breakdown_totals(claims: list[Claim]) -> list[Claim]:
    """A breakdown given without its total stands for the total: `4253 عربياً و983 أجنبياً
    و467 عراقياً` is also a claim of 5703 about all of them, so it meets (and agrees or
    disagrees with) another source's `أكثر من 5700`. Where the article gives the total
    itself, the parts add nothing."""
    groups: dict[tuple[str, str], list[Claim]] = {}
    totals: set[tuple[str, str]] = set()
    for c in claims:
        key = fact_of(c)
        if key is None or c.vague:
            continue
        base_key = str(key.whole())
        if "." in key.thing:
            groups.setdefault((c.sentence, base_key), []).append(c)
        else:
            totals.add((c.sentence, base_key))
    out = []
    for (sentence, base_key), parts in groups.items():
        if len(parts) < 2 or (sentence, base_key) in totals or \
                len({p.entity for p in parts}) < len(parts):
            continue
        lows = [p.low for p in parts]
        highs = [p.high for p in parts]
        first, last = parts[0], parts[-1]
        out.append(first.model_copy(update={
            "text": " + ".join(p.text for p in parts),
            "start": first.start, "end": last.end,
            "low": None if None in lows else sum(lows),  # type: ignore[arg-type]
            "high": None if None in highs else sum(highs),  # type: ignore[arg-type]
            "approx": any(p.approx for p in parts),
            "entity": (first.entity or "").split(".")[0] or None,
            "fact_key": base_key,
            "derived": "sum of parts",
        }))
    return out


def _claim(doc: Doc, m: Mention, earlier: list[Claim]) -> Claim | None:
    lex = doc.lex
    events = lex.registry
    qual = None if m.vague else _qualifier(doc, m)
    low, high, approx = m.low, m.high, False
    if qual == "approx":
        approx = True
    elif qual == "floor":
        high = None
    elif qual == "ceiling":
        low = None
    entity, sub = _entity(doc, m)
    unit = m.unit
    if unit == "count" and entity in PERSON_CLASSES:
        unit = "person"
    event = _event(doc, m, entity)
    if event in events.outcome and unit == "count" and entity not in PERSON_CLASSES:
        entity, unit = "person", "person"  # the dead, hurt and missing are people
    if event in events.people and entity is None and unit == "count":
        # "وصل عدد الوفيات إلى 12": what dies, is hurt or goes missing is people.
        entity, unit = "person", "person"
    if unit in lex.currencies_codes():
        # Money is funding when the text says it is given, pledged, cut...; a deficit, a
        # price or a cost is not.
        event = "funding" if event == "funding" else None
    if event and _has(doc, lex.need, m, before=8, after=0):
        event = None  # what is needed or what it costs is not what happened
    modality = "count"
    if _has(doc, lex.plan, m, before=4, after=0) or _planned_count(doc, m) or (
        qual == "ceiling" and _ceiling_is_plan(doc, m)
    ):
        modality = "planned"
    elif _before_in_sentence(doc, lex.hypothetical, m):
        modality = "hypothetical"
    # "ارتفعت حصيلة قتلى انفجار السيارة المفخخة في مدينة منبج إلى 25": the cue opens the
    # clause the figure closes, often many words before it.
    update_cue = _has(doc, lex.update, m, before=20, after=3)
    daily = _daily(doc, m)
    if event in events.outcome and entity in _PEOPLE_AT_LARGE:
        # "31 شخصاً" and "12 مدنياً" killed in one strike are one toll: civilians, migrants
        # and people are all people when counting the dead, hurt or missing.
        entity = "person"
    elif event in events.outcome and entity in _PEOPLE_BY_SEX_AND_AGE:
        # "9 رجال و6 نساء و4 أطفال": parts of the toll of people (a breakdown adds up to
        # it), and each a fact of its own.
        entity = f"person.{entity}"
    elif event == "transferred" and entity == "refugee":
        entity = "migrant"  # deported "refugees" and "migrants" are one count of people
    elif event in events.custody and entity == "person":
        entity = "detainee"  # "أطلق سراح 430 شخصاً": whoever is released was held
    incident = event in events.incident
    when, time_stated = _time(doc, m, inherit=incident)
    location, stated = _location(doc, m, event)
    if unit in _BARE_CURRENCY:
        unit = _BARE_CURRENCY[unit].get((location or "").split(".")[0], unit)
    speaker = _attribution(doc, m) or doc.article.outlet
    ref = _coreferent(m, earlier, doc)
    parent = _breakdown_parent(doc, m, earlier)
    key: FactKey | None = None
    fact_key = None
    if ref is not None:
        event, entity, location, unit = ref.event, ref.entity, ref.location, ref.unit
        scope, time_iso, fact_key = ref.scope, ref.time, ref.fact_key
        modality = "count"
    elif m.first >= 1 and doc.words[m.first - 1] in _SUBSET_CUES_WAW and not m.vague \
            and entity:
        # "نزوح 11 مليون، من بينهم نحو ستة ملايين فروا": a part of the figure before it.
        entity = f"{entity.split('.')[0]}.part"
        scope = "total"
        time_iso = None
        key = part_key(event=event, part=entity, unit=unit, place=location,
                       place_stated=stated, key_level=lex.key_level)
    elif parent is not None:
        # (4253 عربياً، 983 أجنبياً): parts of the figure before the brackets.
        event, location, unit = parent.event, parent.location, parent.unit
        scope, time_iso, modality = parent.scope, parent.time, parent.modality
        base = (parent.entity or "_").split(".")[0]
        entity = f"{base}.{sub}" if sub else f"{base}.part"
        key = breakdown_key(parent.fact_key, event=event, part=entity, scope=scope)
    else:
        thing = entity if unit == "person" else unit
        if thing and sub and unit == "person":
            thing = f"{thing}.{sub}"
        entity = thing if unit == "person" else entity
        scope = key_scope(modality=modality, daily=daily, incident=incident, when=when)
        # The date the text gives; none when it gives none (the fact store then orders
        # the claim by publication, the day `when` fell back to).
        time_iso = when.isoformat() if when and time_stated else None
        # A word estimate is a claim only where a word says what happened ("مئات
        # الجرحى"), not by what it counts alone ("انشق آلاف الجنود" is no deployment).
        worded = not m.vague or _in_sentence(doc, lex.events, m) is not None \
            or _in_sentence(doc, lex.event_nouns, m) is not None
        key = key_of(event=event, entity=entity, unit=unit, place=location,
                     place_stated=stated, scope=scope, key_level=lex.key_level,
                     modality=modality, worded=worded)
    if key is not None:
        fact_key = str(key)
    q0 = m.qual_start if m.qual_start is not None else m.first
    starts, ends = doc.starts, doc.ends
    start_c = min(starts[q0], m.start)
    o_start, o_end = doc.norm.span(start_c, m.end)
    a, b = _sentence_range(doc, m.first)
    s_start, s_end = doc.norm.span(starts[a], ends[b - 1])
    return Claim(
        article_id=doc.article.id,
        text=doc.norm.original[o_start:o_end],
        start=o_start,
        end=o_end,
        low=low,
        high=high,
        approx=approx,
        vague=m.vague,
        unit=unit,
        entity=entity,
        event=event,
        location=location,
        attributed_to=speaker,
        sentence=doc.norm.original[s_start:s_end].strip(),
        fact_key=fact_key,
        scope=scope,
        time=time_iso,
        modality=modality,  # type: ignore[arg-type]
        update_cue=update_cue,
    )


def _before_in_sentence(doc: Doc, ts: TermSet, m: Mention) -> bool:
    hits = doc.hits(ts, *_sentence_range(doc, m.first))
    return bool(hits) and hits[0][0] < m.first  # hits are in text order


def _daily(doc: Doc, m: Mention) -> bool:
    """A figure for one day or one batch; `حصيلة جديدة` is a new total, not a new batch."""
    a, b = _sentence_range(doc, m.first)
    hits = doc.hits(doc.lex.daily, a, b)
    if not hits:  # most sentences have none: no closure to make
        return False
    lo, hi = max(a, m.first - 4), min(b, m.last + 5)
    far = min(b, m.last + 9)  # "قتلوا في قطاع غزة خلال الساعات الأربع والعشرين الماضية"
    def counts(k: int, t: Term) -> bool:
        if t.tokens[0].startswith("جديد"):
            # "12 إصابة جديدة" is a day's batch; "حصيلة جديدة", "تعهدات جديدة" are not.
            return m.last < k <= m.last + 2 and doc.words[k - 1] != "حصيله"
        # A span of time ("خلال الساعات الـ24 الماضية") may open the clause well before
        # the figure, or close it well after.
        span = t.tokens[0] in ("خلال", "الساعات")
        return lo <= k < hi or (span and max(a, m.first - 7) <= k < far)

    return any(counts(k, t) for k, t in hits)


def _planned_count(doc: Doc, m: Mention) -> bool:
    """`من المتوقع أن يصل عدد الشاحنات ... إلى 600`: a plan opening the clause of the figure."""
    head = _count_head(doc, m)
    if head is None:
        return False
    a, _ = _sentence_range(doc, m.first)
    return any(head - 5 <= k < head for k, _ in doc.hits(doc.lex.plan, a, head))


def _ceiling_is_plan(doc: Doc, m: Mention) -> bool:
    """`تصل إلى 7000` announces where a count is heading, not where it is."""
    words = doc.words
    return m.first >= 2 and words[m.first - 1] == "الي" and words[m.first - 2] in {"تصل", "يصل"}


def _breakdown_parent(doc: Doc, m: Mention, earlier: list[Claim]) -> Claim | None:
    """The claim whose figure is broken down in the brackets this figure sits in."""
    words = doc.words
    a, _ = _sentence_range(doc, m.first)
    if not earlier or "(" not in words[a:m.first]:
        return None  # told in C for most figures: no bracket opens before them
    k = m.first - 1
    while k >= a and words[k] not in {"(", ")"}:
        k -= 1
    if k < a or words[k] != "(":
        return None
    # Original offsets of the bracket: the parent must end just before it.
    open_at = doc.norm.span(doc.tokens[k].start, doc.tokens[k].end)[0]
    for c in reversed(earlier[-8:]):
        if c.article_id == doc.article.id and c.low is not None and 0 <= open_at - c.end <= 40:
            return c
    return None


def _coreferent(m: Mention, earlier: list[Claim], doc: Doc) -> Claim | None:
    """`هؤلاء الـ6000` points back at a figure already reported in the article."""
    prev = doc.words[m.first - 1] if m.first > 0 else ""
    if not (m.definite or prev in {"هولاء", "هاولاء"}):
        return None
    for c in reversed(earlier[-50:]):
        if c.fact_key and c.low is not None and m.low is not None and \
                abs((c.low or 0) - m.low) <= 0.1 * m.low:
            return c
        if c.fact_key and c.high is not None and m.high is not None and c.high == m.high:
            return c
    return None


def all_numbers(article: Article, lex: Lexicon | None = None) -> list[dict[str, object]]:
    """Every number mention with its kind (dates and years too), for `extract --all-numbers`."""
    doc = build_doc(article, lex)
    out: list[dict[str, object]] = []
    for m in find_mentions(doc):
        a, b = doc.norm.span(m.start, m.end)
        out.append({
            "article_id": article.id,
            "text": doc.norm.original[a:b],
            "start": a,
            "end": b,
            "kind": m.kind,
            "value": m.value,
            "low": m.low,
            "high": m.high,
            "unit": m.unit,
        })
    return out
