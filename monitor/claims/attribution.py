"""Who said it: the speaker a figure is attributed to."""

from __future__ import annotations

from monitor.claims.doc import CLAUSE_BREAKS, SENTENCE_BREAKS, Doc, Mention, sentence_range
from monitor.claims.lexicon import Term
from monitor.claims.words import optional, ordered, word, word_set


def speaker_of(doc: Doc, m: Mention) -> str | None:
    """Who said it: a cue in the figure's sentence, a headline's "Outlet: ..." prefix, or
    the "according to X" (بحسب / وفق) that closes the sentence just before."""
    a, b = sentence_range(doc, m.first)
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


# Within this many tokens of the sentence's start, a verb opens it.
_OPENING = 2


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
        if k > last and _contrast_between(doc, last, k):
            continue  # another speaker's clause: "..., بينما تحدّث الزفزافي عن 600"
        # A reporting verb that opens the sentence governs all of it, however long
        # ("أعلنت وزارة الدفاع الإسبانية الخميس، أن ولي العهد … وقع عقدا … بقيمة 1,8 مليار").
        opens = t.label == "verb" and k - a < _OPENING and k < first
        if (lo <= k < hi or opens) and (best is None or abs(k - first) < abs(best[0] - first)):
            best = (k, k + len(t.tokens), t)
    if best is None:
        return None
    k, after, term = best
    # Every figure of a sentence near the same cue has the same speaker: once per cue.
    found: str | None = doc.once(("speaker", a, b, k, after, term.label),
                                 lambda: _speaker_at(doc, a, b, k, after, term))
    return found


# One- and two-word contrast cues ("بينما", "في حين"), as word tuples.
_CONTRAST = frozenset(tuple(w.split()) for w in optional("attribution", "contrast", ()))


def _contrast_between(doc: Doc, i: int, k: int) -> bool:
    """A contrast cue ("بينما", "في حين") lies among the words between tokens i and k."""
    words = doc.words
    return any(tuple(words[j:j + len(c)]) == c for j in range(i + 1, k) for c in _CONTRAST)


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
    if term.label == "prep" and s == after and words[s].startswith(_TO) and len(words[s]) > 3:
        start += 1
    return doc.orig(start, toks[e - 1].end).strip(" \"'«»“”")


# After "بحسب ما" these report too, though alone they are events (نقلت = transferred).
_RELAYED = word_set("attribution", "relayed")
_WHAT, _TO = word("attribution", "what"), word("attribution", "to")
_BY_IT = word_set("attribution", "by_it")
_OBJECT_PRONOUNS = ordered("attribution", "object_pronouns")
_WAS = word_set("attribution", "was")
_BEFORE_VERB = word_set("attribution", "before_verb")
_OPENS_CLAUSE = word_set("attribution", "opens_clause")
_BEFORE_STOPS = word_set("attribution", "before_stops")


def _said(doc: Doc, said: str) -> bool:
    """An attribution verb, also with its object pronoun: نقلته، أعلنها."""
    verbs = doc.lex.attribution_verbs
    return any(w in _RELAYED or verbs.match([w], 0) is not None
               for w in (said, *(said[:-len(p)] for p in _OBJECT_PRONOUNS if said.endswith(p)))
               if w)


def _speaker_after(doc: Doc, s: int, b: int) -> tuple[int, int] | None:
    lex, words = doc.lex, doc.words
    if s < b and words[s] == _WHAT:  # بحسب ما نقلت فوكس نيوز، وفق ما نقلته / أفاد به
        s += 1
        if s < b and _said(doc, words[s]):
            s += 1
            if s < b and words[s] in _BY_IT:
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
    """The noun phrase right before a verb that opens no sentence ("المرصد السوري قال"):
    it ends before a particle or a comma between it and the verb ("وكالة فارس قد أعلنت",
    "العميد يحيى رسول، كشف") and starts after a clause break, a figure or an event word,
    which only a clause holds. A verb after «كما» opens a clause whose speaker follows it
    ("وثق المرصد مقتل 42 مدنيا في دوما، كما أفاد ناشطون")."""
    words = doc.words
    if k > a and words[k - 1] in _OPENS_CLAUSE:
        return None  # "…، كما أفاد": the verb opens a clause, its speaker comes after it
    e = k
    while e > a and (words[e - 1] in _BEFORE_VERB or words[e - 1] in CLAUSE_BREAKS):
        e -= 1  # "العميد يحيى رسول، كشف": the name stands apart by a comma
    s = e
    while s > a and e - s < 12:
        w = words[s - 1]
        if w in _WAS or w in SENTENCE_BREAKS or w in _BEFORE_STOPS \
                or doc.tokens[s - 1].is_digits or doc.match(doc.lex.events, s - 1) is not None:
            break
        s -= 1
    while s < e and words[s] in CLAUSE_BREAKS:
        s += 1
    return (s, e) if e > s else None
