"""Qualifiers: whether a figure is exact, about (نحو), a floor (أكثر من) or a ceiling."""

from __future__ import annotations

from itertools import chain

from monitor.claims.doc import CLAUSE_BREAKS, Doc, Mention, ends_at, sentence_range


def qualifier(doc: Doc, m: Mention) -> str | None:
    """approx / floor / ceiling from the words right before (or after) the figure."""
    lex, words = doc.lex, doc.words
    i = m.first
    # A glued clitic (لـ6000, بـ 6) sits between qualifier and number.
    end = i - 1 if i > 0 and words[i - 1] in {"ل", "ب", "ال", "لل", "و"} else i
    # The longest phrase ending right before the figure wins: `لا يتجاوز` (a ceiling) holds
    # `يتجاوز` (a floor). Most figures have none: when no token of the five `ends_at` looks
    # at may start a qualifier, one set test in C says so.
    found: list[tuple[int, str]] = []
    if not lex.qualifier_marks.isdisjoint(chain.from_iterable(doc.word_sets[max(0, end - 5):end])):
        found = [(s, kind) for kind in ("floor", "ceiling", "approx")
                 if (s := ends_at(doc, lex.qualifiers[kind], end, max(0, end - 5))) is not None]
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


COUNT_NOUNS = {"عدد", "اعداد", "نسبه", "حصيله", "قيمه", "مجموع", "اجمالي"}


def _verb_qualifier(doc: Doc, m: Mention) -> str | None:
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
        base = w[1:] if w[:1] in "وف" and w[1:] in _EXCEED else w
        if base in _EXCEED and any(x in COUNT_NOUNS for x in words[k + 1 : k + 3]):
            negated = k > 0 and words[k - 1] in {"لا", "لم", "ولا", "ولم"}
            return "ceiling" if negated else "floor"
    return None
