"""The lexicon's compiled first-word index gives every word the marks the term sets give."""

from __future__ import annotations

from itertools import islice
from pathlib import Path

from monitor.claims.lexicon import (
    _BEFORE_VAGUE,
    _DEFINITE,
    ARTICLE,
    CLITICS,
    NUMERIC,
    Lexicon,
    default_lexicon,
    strip_clitics,
)
from monitor.claims.normalize import normalize
from monitor.claims.numbers import Tokens, is_digit_word, word_number
from monitor.sources import load_dir, load_jsonl

ROOT = Path(__file__).resolve().parents[1]


def marks_by_term_sets(lex: Lexicon, word: str) -> frozenset[int]:
    """`word_marks` the slow way: each term set asked for its candidate terms, both with and
    without the article stripped (what word_marks did before the index)."""
    found = {id(ts) for ts in lex._sets
             if ts._candidates(word, True) or ts._candidates(word, False)}
    if (is_digit_word(word) or word_number(word) is not None or word in lex.vague
            or (word[:1] in _BEFORE_VAGUE and word[1:] in lex.vague)):
        found.add(NUMERIC)
    found.update(mark for mark, vocab in lex._classes.values() if word in vocab)
    return frozenset(found)


def forms_by_every_clitic(token: str, article: bool) -> tuple[str, ...]:
    """`strip_clitics` trying every clitic in turn (it tries only those of the token's
    first letter)."""
    forms = [token]
    for c in CLITICS:
        if token.startswith(c) and len(token) - len(c) >= 2:
            if c.endswith(ARTICLE) and not article:
                continue
            forms.append(token[len(c):])
            if c in _DEFINITE:
                forms.append(ARTICLE + token[len(c):])
    if article and token.startswith(ARTICLE) and len(token) > 4:
        forms.append(token[2:])
    return tuple(dict.fromkeys(forms))


def check_words(words: set[str]) -> None:
    lex = default_lexicon()
    wrong = [w for w in sorted(words) if lex.word_marks(w) != marks_by_term_sets(lex, w)]
    assert not wrong, f"{len(wrong)} words marked differently, e.g. {wrong[:5]}"
    wrong = [w for w in sorted(words) for article in (True, False)
             if strip_clitics(w, article=article) != forms_by_every_clitic(w, article)]
    assert not wrong, f"{len(wrong)} words stripped differently, e.g. {wrong[:5]}"


def words_of(texts: list[str]) -> set[str]:
    return {w for t in texts for w in Tokens(normalize(t).text).words}


def test_seed_words_and_every_lexicon_entry() -> None:
    lex = default_lexicon()
    words = words_of([a.full_text for a in load_dir(ROOT / "seeds")])
    # Each term's first token, with clitics glued on: the forms the index must find.
    for ts in lex._sets:
        for t in ts.terms:
            head = t.tokens[0]
            words.update({head, "و" + head, "بال" + head, "ال" + head, "لل" + head, head + "ه"})
    # Number words, bare and with clitics, and words ending like one.
    for w in ("ثلاثة", "عشرين", "الف", "الفين", "مليون", "نصف", "دزينة", "مئات"):
        words.update({w, "و" + w, "بال" + w, "لل" + w, "ال" + w, "ب" + w, "x" + w, w[1:]})
    check_words(words)


def test_real_news_words(shared_dir: Path) -> None:
    path = shared_dir / "corpora" / "realnews" / "ant_2018-04.jsonl"
    check_words(words_of([a.full_text for a in islice(load_jsonl(path), 300)]))
