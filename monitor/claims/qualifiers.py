"""Qualifiers: whether a figure is exact, about (نحو), a floor (أكثر من) or a ceiling.

An ordered list of small rules (`RULES`): the first that finds a qualifier decides.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import chain

from monitor.claims.doc import CLAUSE_BREAKS, Doc, Mention, ends_at, sentence_range
from monitor.claims.words import clitics, ordered, word_set

# A clitic written apart (لـ6000, بـ 6) sits between qualifier and number.
_BEFORE_NUMBER = frozenset(clitics("before_number"))
_QUOTES = word_set("doc", "quote_marks")
_CONJUNCTIONS = "".join(clitics("conjunctions"))  # و ف
_EXCEED = frozenset(ordered("qualifiers", "exceed"))
# The words whose `base` (below) is in _EXCEED: those verbs, also with و or ف glued on.
_EXCEED_GLUED = word_set("qualifiers", "exceed")
COUNT_NOUNS = word_set("qualifiers", "count_nouns")
_NEGATIONS = word_set("qualifiers", "negations")


def _phrase_before(doc: Doc, m: Mention) -> str | None:
    """A qualifier phrase ending right before the figure (نحو 1500, أكثر من 5700); the
    qualifier then starts the claim's text."""
    lex, words = doc.lex, doc.words
    i = m.first
    end = i - 1 if i > 0 and words[i - 1] in _BEFORE_NUMBER else i
    if end > 0 and words[end - 1] in _QUOTES:
        end -= 1  # the quotation opens at the figure: «أكثر من "مئة وعدة آلاف"»
    # The longest phrase ending right before the figure wins: `لا يتجاوز` (a ceiling) holds
    # `يتجاوز` (a floor). Most figures have none: when no token of the five `ends_at` looks
    # at may start a qualifier, one set test in C says so.
    if lex.qualifier_marks.isdisjoint(chain.from_iterable(doc.word_sets[max(0, end - 5):end])):
        return None
    found = [(s, kind) for kind in ("floor", "ceiling", "approx")
             if (s := ends_at(doc, lex.qualifiers[kind], end, max(0, end - 5))) is not None]
    if not found:
        return None
    s, kind = min(found, key=lambda f: f[0])
    m.qual_start = s
    return kind


def _phrase_after(doc: Doc, m: Mention) -> str | None:
    """A qualifier right after the figure: 50 على الأقل, 300 تقريباً, 50 لا أكثر."""
    lex, words = doc.lex, doc.words
    j = m.last + 1
    sets = doc.word_sets  # `doc.match`, inlined: most figures have no qualifier after them
    for kind, key in (("floor", "floor_after"), ("ceiling", "ceiling_after"),
                      ("approx", "approx_after")):
        ts = lex.qualifiers.get(key)
        if ts is None:
            continue  # a config copied before the list existed (ceiling_after)
        for k in (j, j + 1):
            if k < len(words) and id(ts) in sets[k] and ts.match(words, k) is not None:
                return kind
    return None


def _verb_before(doc: Doc, m: Mention) -> str | None:
    """`تجاوز عدد النازحين في إدلب مليوني شخص`: the verb qualifies a figure it is far from."""
    words = doc.words
    a, _ = sentence_range(doc, m.first)
    lo = max(a, m.first - 10)
    if _EXCEED_GLUED.isdisjoint(words[lo:m.first]):
        return None  # no such verb in reach (most figures): told by one set test in C
    for k in range(m.first - 1, lo - 1, -1):
        w = words[k]
        if w in CLAUSE_BREAKS:
            return None
        base = w[1:] if w[:1] in _CONJUNCTIONS and w[1:] in _EXCEED else w
        if base in _EXCEED and any(x in COUNT_NOUNS for x in words[k + 1 : k + 3]):
            negated = k > 0 and words[k - 1] in _NEGATIONS
            return "ceiling" if negated else "floor"
    return None


# In order: the first rule that finds a qualifier decides.
RULES: tuple[Callable[[Doc, Mention], str | None], ...] = (
    _phrase_before, _phrase_after, _verb_before)


def qualifier(doc: Doc, m: Mention) -> str | None:
    """approx / floor / ceiling from the words right before (or after) the figure."""
    for rule in RULES:
        found = rule(doc, m)
        if found is not None:
            return found
    return None
