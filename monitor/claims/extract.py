"""From an article to its claims: the stages composed in one place.

    doc (tokens, sentences) -> mentions (numbers and their kinds) -> per count: qualifiers,
    counted (thing and event), place, when, attribution -> assemble (a claim, its fact key
    from monitor/facts/identity.py) -> vet (no fact for a figure that counts nothing its
    key says) -> parts of lists, classes of tolls, things below the article's whole ->
    breakdown totals

Lexicons come from config/ (see monitor/claims/lexicon.py).
"""

from __future__ import annotations

from monitor.claims.assemble import (
    breakdown_totals,
    claim_of,
    classes_of_tolls,
    enumerated_parts,
    things_below_whole,
)
from monitor.claims.doc import build_doc
from monitor.claims.lexicon import Lexicon
from monitor.claims.mentions import find_mentions
from monitor.claims.vet import vet
from monitor.models import Article, Claim


def extract_claims(article: Article, lex: Lexicon | None = None) -> list[Claim]:
    doc = build_doc(article, lex)
    claims: list[Claim] = []
    for m in find_mentions(doc):
        if not m.is_count:
            continue
        claim = claim_of(doc, m, claims)
        if claim is not None:
            claims.append(claim)
    claims = enumerated_parts(vet(article, claims, doc.lex), doc.norm.original)
    claims = classes_of_tolls(claims, doc.lex.country_adjectives)
    claims = things_below_whole(claims, doc.lex.thing_event_names)
    return claims + breakdown_totals(claims)


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
