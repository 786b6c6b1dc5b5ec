"""The document view every stage reads: normalised text, tokens, sentences, and the
lookups the stages share (terms near a figure, in its sentence).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import compress
from typing import Any

from monitor.claims.lexicon import NUMERIC, Lexicon, Term, TermSet, default_lexicon
from monitor.claims.normalize import Normalized, normalize
from monitor.claims.tokens import Token, Tokens, is_int
from monitor.claims.words import word_set
from monitor.models import Article

CLAUSE_BREAKS = word_set("doc", "clause_breaks")
SENTENCE_BREAKS = word_set("doc", "sentence_breaks")


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
    town_at: list[int] = field(default_factory=list)  # the town nouns (TOWN_NOUNS)
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


def _tokens_in(words: list[str], vocab: frozenset[str]) -> list[int]:
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
    clause, end, town = (lex.word_class(v) for v in (CLAUSE_BREAKS, SENTENCE_BREAKS, TOWN_NOUNS))
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


def ends_at(doc: Doc, ts: TermSet, end: int, lo: int, max_len: int = 5) -> int | None:
    """Start index of a term of `ts` that ends right before token `end` (not before `lo`)."""
    sid, sets = id(ts), doc.word_sets  # `doc.match`, inlined: most tokens start no term
    for s in range(max(lo, end - max_len), end):
        if sid in sets[s]:
            t = ts.match(doc.words, s)
            if t is not None and s + len(t.tokens) == end:
                return s
    return None


def sentence_range(doc: Doc, i: int) -> tuple[int, int]:
    return doc.sentences[doc.sentence_of[i]]


def nearest(doc: Doc, ts: TermSet, m: Mention, before: int, after: int,
             skip: set[int] | None = None) -> tuple[Term, int] | None:
    found = nearest_cost(doc, ts, m, before, after, skip)
    return (found[1], found[2]) if found else None


def nearest_cost(doc: Doc, ts: TermSet, m: Mention, before: int, after: int,
                  skip: set[int] | None = None) -> tuple[float, Term, int] | None:
    """Nearest term of `ts` in the figure's sentence; crossing a comma costs distance."""
    a, b = sentence_range(doc, m.first)
    best: tuple[float, Term, int] | None = None
    words = doc.words
    # Before the figure, only the tokens where a term may start are looked at, nearest
    # first; a clause break never starts one.
    for k in reversed(doc.candidates(max(a, m.first - before), m.first, ts)):
        if words[k] in CLAUSE_BREAKS or (skip and k in skip):
            continue
        t = ts.match(words, k)
        if t is not None:
            k, t = _covering(doc, ts, k, t, a)
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


def _covering(doc: Doc, ts: TermSet, k: int, t: Term, a: int) -> tuple[int, Term]:
    """The longer term that starts a little before `k` and holds the term found at `k`:
    "قتل وأصيب 30" is the casualties' «قتل وأصيب», not the injured's «أصيب» nearest the
    figure (scanning back from the figure finds the last word of a phrase first)."""
    words = doc.words
    for j in range(k - 1, max(a, k - 3) - 1, -1):
        if words[j] in CLAUSE_BREAKS:
            break
        longer = ts.match(words, j)
        if longer is not None and j + len(longer.tokens) > k:
            return j, longer
    return k, t


def in_sentence(doc: Doc, ts: TermSet, m: Mention) -> tuple[Term, int] | None:
    found = doc.hits(ts, *sentence_range(doc, m.first))
    return (found[0][1], found[0][0]) if found else None


# Nouns naming a town, a camp, a prison… before its name: indexed for the place stage.
TOWN_NOUNS = word_set("doc", "town_nouns")


def has(doc: Doc, ts: TermSet, m: Mention, before: int, after: int) -> bool:
    a, b = sentence_range(doc, m.first)
    hits = doc.hits(ts, a, b)
    if not hits:  # most sentences have none: no generator to make
        return False
    lo, hi = max(a, m.first - before), min(b, m.last + 1 + after)
    return any(lo <= k < hi for k, _ in hits)


def before_in_sentence(doc: Doc, ts: TermSet, m: Mention) -> bool:
    hits = doc.hits(ts, *sentence_range(doc, m.first))
    return bool(hits) and hits[0][0] < m.first  # hits are in text order
