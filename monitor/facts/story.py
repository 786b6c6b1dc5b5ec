"""What a report is about, as a sparse vector of weighted words: the evidence that two
reports tell one story.

Topic Detection and Tracking's link detection: two stories are linked when the cosine of
their TF-IDF vectors passes a threshold, within a time window. The IDF here comes from
wordfreq's Arabic word frequencies (news, web, subtitles and Wikipedia, a few hundred
million words), not from the stream: a weight that does not depend on what arrived before
keeps every link a pure function of the two reports, so four workers on shuffled arrivals
link exactly what one worker in published order links.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from monitor.claims.normalize import normalize
from monitor.models import Article

# Words rarer than this (per word of text) all weigh the same: wordfreq's long tail is
# mostly misspellings and names, and loading it costs a second for nothing.
_RAREST_LISTED = 1e-7
_MAX_IDF = -math.log10(_RAREST_LISTED * 0.5)  # a word wordfreq does not list
TOP_TERMS = 40  # what is kept per article: enough for the cosine, small in Redis
TITLE_WEIGHT = 3  # the headline names the story; the body drifts to background
_WORD = re.compile(r"[\u0621-\u064a]{3,}")
# Clitics that glue to a word's front: the conjunctions, prepositions and article, so that
# الحوثيين، والحوثيين، بالحوثيين are one term.
_PROCLITIC = re.compile(r"^(?:[وف]?(?:بال|كال|لل|ال)|[وف](?=[\u0621-\u064a]{4}))")


def _frequencies() -> dict[str, float]:
    """Normalised Arabic word -> frequency per word of text (the largest of its spellings)."""
    import wordfreq

    listed = [(w, f) for w, f in wordfreq.get_frequency_dict("ar", wordlist="large").items()
              if f >= _RAREST_LISTED]
    # One normalisation of the whole list, not one per word: the same folding as the text.
    folded = normalize("\n".join(w for w, _ in listed)).text.split("\n")
    out: dict[str, float] = {}
    for w, (_, f) in zip(folded, listed, strict=True):
        if f > out.get(w, 0.0):
            out[w] = f
    return out


@lru_cache(maxsize=1)
def _idfs() -> dict[str, float]:
    """Each listed word's IDF, worked out once (the frequencies are not kept): a month's
    vectors look up half a million words."""
    return {w: -math.log10(f) for w, f in _frequencies().items()}


def preload() -> None:
    """Load the frequencies before a worker forks, so no job pays for them."""
    _idfs()


def idf(word: str) -> float:
    return _idfs().get(word, _MAX_IDF)


@lru_cache(maxsize=200_000)  # words recur across a month's reports: each stem cut once
def _stem(word: str) -> str:
    return _PROCLITIC.sub("", word, count=1) or word


# A word this common (IDF at most this) is in every text: في، من، الذي say nothing of a story.
_COMMON_IDF = 2.5


def vector_of(title: str | None, text: str) -> dict[str, float]:
    """The TOP_TERMS heaviest terms of a report, TF-IDF weighted, unit length."""
    weights: dict[str, float] = {}
    idf_of = _idfs().get
    for part, factor in ((title or "", TITLE_WEIGHT), (text, 1)):
        for word in _WORD.findall(normalize(part).text):
            w = idf_of(word, _MAX_IDF)
            if w <= _COMMON_IDF:
                continue
            term = _stem(word)
            weights[term] = weights.get(term, 0.0) + factor * w
    top = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_TERMS]
    norm = math.sqrt(sum(v * v for _, v in top)) or 1.0
    return {t: round(v / norm, 4) for t, v in top}


@lru_cache(maxsize=256)
def _cached(article_id: str, version: str, title: str | None, text: str
            ) -> tuple[tuple[str, float], ...]:
    return tuple(vector_of(title, text).items())


def article_vector(article: Article) -> dict[str, float]:
    """An article's story vector, computed once per article version in a process."""
    return dict(_cached(article.id, article.content_hash, article.title, article.text))


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())
