"""Which figures count what their fact key says: the last stage of extraction.

Read on real news, most false alerts paired a figure that is no count of people or goods at
all (the 400 of S-400, "4 times", the 82nd minute, 600 km) or a count of other things (16
vehicles destroyed read as 16 killed, 643 prisons as detainees, 7 countries with US bases
as troops) with a real one. Each rule below looks at the words right around the figure,
as `config/counted.yaml` lists them; a figure that fails one stays a claim (users see it in
`newsmon extract`) but becomes no fact, so it is compared with nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from monitor.claims.lexicon import Lexicon, TermSet, term_set
from monitor.claims.normalize import normalize
from monitor.models import Article, Claim

_WORD = re.compile(r"\w+|[^\w\s]")
# Latin letters glued or hyphenated to the figure: B-1, F-16, Su-34, IL-76, S 400.
_LATIN_BEFORE = re.compile(r"[A-Za-z][A-Za-z]?[\s\-‐–]{0,2}$")
_LATIN_AFTER = re.compile(r"^[\-‐–]?[A-Za-z]")
# Units a fact may count in: people, things by name, money. Kilometres, percents and
# tonnes without a named good are measures, not counts of what happened.
_FACT_UNITS = {"person", "count", "tonne"}


@dataclass(frozen=True)
class Counted:
    model_words: TermSet
    not_count_before: TermSet
    not_count_after: TermSet
    objects: TermSet
    not_count_words: TermSet
    aid_words: TermSet


@lru_cache(maxsize=4)
def load_counted(config_dir: str) -> Counted:
    data = yaml.safe_load((Path(config_dir) / "counted.yaml").read_text(encoding="utf-8"))

    def ts(name: str) -> TermSet:
        return term_set(data.get(name) or [], name)

    return Counted(ts("model_words"), ts("not_count_before"), ts("not_count_after"),
                   ts("objects"), ts("not_count_words"), ts("aid_words"))


@dataclass(frozen=True, slots=True)
class Around:
    """The figure and the words around it, as the original text has them."""

    claim: Claim
    raw_before: str  # original text just before the figure
    raw_after: str
    before: list[str]  # normalised words, nearest last
    after: list[str]  # normalised words, nearest first


def _around(text: str, claim: Claim) -> Around:
    raw_before = text[max(0, claim.start - 40):claim.start]
    raw_after = text[claim.end:claim.end + 40]
    return Around(claim, raw_before, raw_after,
                  _WORD.findall(normalize(raw_before).text)[-3:],
                  _WORD.findall(normalize(raw_after).text)[:3])


def _last_word_in(ts: TermSet, words: list[str]) -> bool:
    return bool(words) and ts.match(words, len(words) - 1) is not None


def _first_word_in(ts: TermSet, words: list[str]) -> bool:
    return bool(words) and ts.match(words, 0) is not None


# Each rule: (name, test). The first that fires says why the figure is no fact.
Rule = Callable[[Around, Counted, Lexicon], bool]


def _model_number(a: Around, c: Counted, lex: Lexicon) -> bool:
    if a.claim.text.lstrip()[:1] in "-‐–" or _LATIN_BEFORE.search(a.raw_before):
        return True
    if _LATIN_AFTER.match(a.raw_after):
        return True
    return _last_word_in(c.model_words, [w for w in a.before if w not in "-‐–"])


def _not_count_word(a: Around, c: Counted, lex: Lexicon) -> bool:
    words = _WORD.findall(normalize(a.claim.text).text)
    return len(words) == 1 and _first_word_in(c.not_count_words, words)


def _goods_without_aid(a: Around, c: Counted, lex: Lexicon) -> bool:
    """201 طائرة of a fleet, 4 سيارات of a convoy of officials: vehicles and aid units are
    counted as aid only where the sentence speaks of aid."""
    if (a.claim.entity or "").split(".")[0] not in ("vehicle", "aid_unit"):
        return False
    words = _WORD.findall(normalize(a.claim.sentence).text)
    return not any(c.aid_words.match(words, i) is not None for i in range(len(words)))


def _not_count_before(a: Around, c: Counted, lex: Lexicon) -> bool:
    return _last_word_in(c.not_count_before, a.before)


def _not_count_after(a: Around, c: Counted, lex: Lexicon) -> bool:
    return _first_word_in(c.not_count_after, a.after)


def _counts_objects(a: Around, c: Counted, lex: Lexicon) -> bool:
    """`16 آلية`, `643 سجنا`: the noun the figure governs is a thing, not people."""
    if (a.claim.entity or "").split(".")[0] in lex.thing_events:
        return False  # "30 صاروخا" launched: the thing is what its own event counts
    return a.claim.unit in _FACT_UNITS and _first_word_in(c.objects, a.after)


def _unnamed_thing(a: Around, c: Counted, lex: Lexicon) -> bool:
    """A count of nothing the lexicon names (`funding:count`): what it counts is unknown."""
    return a.claim.unit == "count" and a.claim.entity in (None, "other")


def _measure(a: Around, c: Counted, lex: Lexicon) -> bool:
    return a.claim.unit not in _FACT_UNITS and a.claim.unit not in lex.currencies_codes()


def _vague_without_outcome(a: Around, c: Counted, lex: Lexicon) -> bool:
    """`آلاف المتظاهرين` beside a toll is no toll: a word estimate is a figure of what
    happened only when it governs the outcome (مئات الجرحى) or follows it (مقتل العشرات)."""
    if not a.claim.vague:
        return False
    return not (_first_word_in(lex.event_nouns, a.after) or _last_word_in(lex.events, a.before))


RULES: tuple[tuple[str, Rule], ...] = (
    ("model or type number", _model_number),
    ("a word that is no number here", _not_count_word),
    ("vehicles or goods outside aid", _goods_without_aid),
    ("a time, minute, age or rank", _not_count_before),
    ("a multiple, share, time or distance", _not_count_after),
    ("counts things, not people", _counts_objects),
    ("counts nothing the lexicon names", _unnamed_thing),
    ("a measure, not a count", _measure),
    ("a word estimate of something else", _vague_without_outcome),
)


def why_not_a_fact(text: str, claim: Claim, counted: Counted, lex: Lexicon) -> str | None:
    around = _around(text, claim)
    return next((name for name, rule in RULES if rule(around, counted, lex)), None)


def vet(article: Article, claims: list[Claim], lex: Lexicon) -> list[Claim]:
    """The claims, with no fact key where the figure is no count of what the key says."""
    from monitor.settings import get_settings

    counted = load_counted(str(get_settings().config_dir))
    text = article.full_text
    out = []
    for claim in claims:
        if claim.fact_key and claim.derived is None \
                and why_not_a_fact(text, claim, counted, lex) is not None:
            claim = claim.model_copy(update={"fact_key": None})
        out.append(claim)
    return out
