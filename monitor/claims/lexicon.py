"""Load the Arabic lexicons and the gazetteer from config/ into matchers.

Entries are normalised like text, so a user may write them in any spelling. A term is a
sequence of tokens; a trailing `*` on a token makes it a stem.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from monitor.claims import numbers
from monitor.claims.events import EventRegistry, load_events
from monitor.claims.normalize import normalize_term
from monitor.claims.numbers import word_number
from monitor.claims.tokens import is_digit_word
from monitor.claims.words import clitics
from monitor.claims.words import word as _word

# The proclitics newswire glues to words (config/lexicon/clitics.yaml: the one list).
CLITICS = clitics("proclitics")
ARTICLE = _word("clitics", "article")  # ال
# The clitics after which the article stays on the rest too (بال، لل …).
_DEFINITE = {c for c in CLITICS if c.endswith(ARTICLE) or c in clitics("definite")}
_BEFORE_VAGUE = "".join(clitics("before_vague"))
_FEMININE = _word("clitics", "feminine")
# The clitics by their first letter, in CLITICS order: a token is tried only against those
# it can start with (most tokens: none, or the few of one letter).
_CLITICS_BY_INITIAL: dict[str, tuple[str, ...]] = {}
for _c in CLITICS:
    _CLITICS_BY_INITIAL[_c[0]] = (*_CLITICS_BY_INITIAL.get(_c[0], ()), _c)


@lru_cache(maxsize=65536)
def strip_clitics(token: str, *, article: bool = True) -> tuple[str, ...]:
    """The token and its forms with leading clitics (and optionally ال) removed."""
    forms = [token]
    for c in _CLITICS_BY_INITIAL.get(token[:1], ()):
        if token.startswith(c) and len(token) - len(c) >= 2:
            rest = token[len(c) :]
            if c.endswith(ARTICLE) and not article:
                continue
            forms.append(rest)
            if c in _DEFINITE:
                forms.append(ARTICLE + rest)
    if article and token.startswith(ARTICLE) and len(token) > 4:
        forms.append(token[2:])
    return tuple(dict.fromkeys(forms)) if len(forms) > 1 else (token,)


@dataclass(frozen=True, slots=True)
class Term:
    tokens: tuple[str, ...]
    stem: tuple[bool, ...]
    label: str
    # The tokens after the first: (offset, token, is a stem), for `rest_matches`.
    rest: tuple[tuple[int, str, bool], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        rest = tuple(zip(range(1, len(self.tokens)), self.tokens[1:], self.stem[1:], strict=True))
        object.__setattr__(self, "rest", rest)

    def match_at(self, words: list[str], i: int, *, article: bool = True) -> bool:
        if i + len(self.tokens) > len(words):
            return False
        for k, (tok, is_stem) in enumerate(zip(self.tokens, self.stem, strict=True)):
            w = words[i + k]
            forms = strip_clitics(w, article=article) if k == 0 else strip_clitics(w)
            if is_stem:
                if not any(f.startswith(tok) for f in forms):
                    return False
            elif tok not in forms:
                return False
        return True

    def rest_matches(self, words: list[str], i: int) -> bool:
        """`match_at` for a term whose first token is known to match at i (a candidate of
        `TermSet`): only the tokens after it are checked."""
        if i + len(self.tokens) > len(words):
            return False
        for k, tok, is_stem in self.rest:
            forms = strip_clitics(words[i + k])
            if is_stem:
                for f in forms:
                    if f.startswith(tok):
                        break
                else:
                    return False
            elif tok not in forms:
                return False
        return True


def _terms(entries: list[Any], label: str) -> list[Term]:
    out = []
    for raw in entries:
        text = normalize_term(str(raw)).replace("_", " ")
        parts = text.split()
        if not parts:
            continue
        out.append(
            Term(
                tuple(p.rstrip("*") for p in parts),
                tuple(p.endswith("*") for p in parts),
                label,
            )
        )
    return out


@dataclass
class TermSet:
    """Terms indexed by their first token (exact) or its stem, longest terms first."""

    terms: list[Term] = field(default_factory=list)
    _exact: dict[str, list[Term]] = field(default_factory=dict)
    _stems: dict[str, list[Term]] = field(default_factory=dict)
    # Words repeat: remember each word's candidate terms (bounded, cleared when full), one
    # dict per value of `article` (no tuple key to build on each lookup).
    _cache: tuple[dict[str, list[Term]], dict[str, list[Term]]] = field(
        default_factory=lambda: ({}, {}))
    # The lengths of the stems (2 or more letters: a shorter one never matches), shortest
    # first: a form's prefixes of those lengths only are looked up.
    _stem_lens: tuple[int, ...] = ()

    def add(self, terms: list[Term]) -> None:
        self.terms.extend(terms)
        self.terms.sort(key=lambda t: -len(t.tokens))
        self._exact.clear()
        self._stems.clear()
        for cache in self._cache:
            cache.clear()
        for t in self.terms:
            index = self._stems if t.stem[0] else self._exact
            index.setdefault(t.tokens[0], []).append(t)
        self._stem_lens = tuple(sorted({len(k) for k in self._stems if len(k) >= 2}))

    def _candidates(self, word: str, article: bool) -> list[Term]:
        cache = self._cache[article]
        cached = cache.get(word)
        if cached is not None:
            return cached
        found: list[Term] = []
        for form in strip_clitics(word, article=article):
            found.extend(self._exact.get(form, ()))
            for n in self._stem_lens:
                if n > len(form):
                    break
                found.extend(self._stems.get(form[:n], ()))
        found.sort(key=lambda t: -len(t.tokens))
        if len(cache) > 50_000:
            cache.clear()
        cache[word] = found
        return found

    def match(self, words: list[str], i: int, *, article: bool = True) -> Term | None:
        cands = self._cache[article].get(words[i])
        if cands is None:
            cands = self._candidates(words[i], article)
        nxt: tuple[str, ...] | None = None  # the forms of the next word, once
        for t in cands:
            # A candidate's first token already matched: one-token terms need no more checks.
            if len(t.tokens) == 1:
                return t
            # Many terms share a first word (ريف دمشق, ريف حلب...): most fail on their
            # second, exact, token, told here with the next word's forms found once.
            _, second, is_stem = t.rest[0]
            if not is_stem and i + 1 < len(words):
                if nxt is None:
                    nxt = strip_clitics(words[i + 1])
                if second not in nxt:
                    continue
            if t.rest_matches(words, i):
                return t
        return None


# In a word's marks (see Lexicon.word_marks), besides the ids of term sets (object ids,
# large numbers): a number may start at the word. Word classes get the next small numbers.
NUMERIC = 1


@dataclass(frozen=True)
class Place:
    id: str
    level: str
    names: tuple[str, ...]
    label: str  # the first name as the gazetteer writes it, for people to read

    @property
    def depth(self) -> int:
        return self.id.count(".")

    @property
    def yields_to_town(self) -> bool:
        """A town the sentence names after مدينة/بلدة… is the figure's place rather than
        this one: a country, or a city keyed as its own place (`tr.gaziantep`, generated for a
        province the hand list does not key), which no more says where than the other town.
        A province, or a town under one, stays: it keys the other town too."""
        return self.depth == 0 or (self.level == "city" and self.depth == 1)


@dataclass
class Lexicon:
    events: TermSet
    event_nouns: TermSet
    registry: EventRegistry  # each event's kind and flags (monitor/claims/events.py)
    entity_events: dict[str, str]
    need: TermSet
    death_sentence: TermSet
    foil: TermSet
    raid: TermSet
    plan: TermSet
    hypothetical: TermSet
    update: TermSet
    daily: TermSet
    qualifiers: dict[str, TermSet]
    entities: TermSet
    entity_groups: TermSet
    subgroups: TermSet
    currencies: TermSet
    subunits: TermSet
    negative_words: set[str]
    measures: TermSet
    attribution_verbs: TermSet
    attribution_preps: TermSet
    attribution_stop: set[str]
    not_speaker: TermSet
    duration: TermSet
    scale: TermSet
    identifier_before: TermSet
    year_before: TermSet
    time_before: TermSet
    vague: dict[str, tuple[int, int]]
    idioms: TermSet
    months: TermSet
    relative_time: dict[str, int]
    relative_terms: TermSet
    places: TermSet
    not_places: TermSet
    place_by_id: dict[str, Place]
    key_level: str
    country_adjectives: dict[str, str]  # normalised form of a country's adjective -> place id
    authority_words: frozenset[str]  # last word of an authority the adjective follows
    # Things only their own events happen to (missile -> launched, intercepted; the first is
    # the default) and those events' words, read only for figures that count such things.
    thing_events: dict[str, tuple[str, ...]] = field(default_factory=dict)
    thing_triggers: TermSet = field(default_factory=lambda: _set([]))
    thing_event_names: frozenset[str] = field(init=False, default=frozenset())
    thing_actor_events: frozenset[str] = frozenset()  # split by who did it (who fired)

    def __post_init__(self) -> None:
        self._sets = [v for v in vars(self).values() if isinstance(v, TermSet)]
        self._sets += list(self.qualifiers.values())
        self._set_ids = frozenset(id(ts) for ts in self._sets)
        # The marks of the qualifier term sets: a token with none of them starts no qualifier.
        self.qualifier_marks = frozenset(id(ts) for ts in self.qualifiers.values())
        # Word classes callers registered (id of the word set -> its mark and the set, kept
        # so that its id stays its own), and each word's marks, cached (bounded).
        self._classes: dict[int, tuple[int, frozenset[str]]] = {}
        self._marks: dict[str, frozenset[int]] = {}
        self._compile()
        self._currency_codes = {t.label for t in self.currencies.terms}
        self.thing_event_names = frozenset(e for evs in self.thing_events.values() for e in evs)

    def _compile(self) -> None:
        """All term sets in one index, built once (at load, so before a worker forks): a
        word's first-token forms (at most a handful) are looked up in a dict of exact first
        tokens and walked, prefix by prefix, through a dict of stem first tokens; each
        entry holds the ids of the sets with such a term. A word never seen costs about as
        much as a known one, instead of two `_candidates` calls per term set.

        A term set's own `_candidates` (article=False) looks at a subset of the forms
        article=True gives (see `strip_clitics`), so the forms with the article are
        enough to tell whether either finds a term."""
        exact: dict[str, set[int]] = {}
        stems: dict[str, set[int]] = {}
        for ts in self._sets:
            for token in ts._exact:
                exact.setdefault(token, set()).add(id(ts))
            for token in ts._stems:
                if len(token) >= 2:
                    stems.setdefault(token, set()).add(id(ts))
                    for n in range(2, len(token)):  # its prefixes: a trie, as a dict
                        stems.setdefault(token[:n], set())
        self._first_exact = {k: frozenset(v) for k, v in exact.items()}
        # Every prefix (2 letters or more) of a stem first token -> the ids of the sets
        # with that very stem (none for a mere prefix): a form's walk stops at the first
        # prefix absent, most often its first two letters.
        self._first_stems = {k: frozenset(v) for k, v in stems.items()}
        self._vague_words = frozenset(self.vague)
        # `word_number` finds a number word only as the end of a token (after a clitic or
        # none): a token ending in none of them is no number word, told in a few lookups.
        # (tests/test_lexicon_index.py checks this against word_number itself.)
        number_words = {w for table in (numbers.MULTIPLIERS, numbers.DUALS, numbers.DOZENS,
                                        numbers.UNITS, numbers.TENS, numbers.HUNDREDS,
                                        numbers.FRACTIONS) for w in table if len(w) >= 2}
        self._number_words = frozenset(number_words)
        self._number_word_lens = tuple(sorted({len(w) for w in number_words}))
        self._number_word_ends = frozenset(w[-2:] for w in number_words)

    def _may_be_number_word(self, word: str) -> bool:
        if word[-2:] not in self._number_word_ends:  # most words: one lookup
            return False
        tails = self._number_words
        for n in self._number_word_lens:
            if n > len(word):
                return False
            if word[-n:] in tails:
                return True
        return False

    def word_class(self, vocab: frozenset[str]) -> int:
        """The mark `word_marks` gives the words of `vocab` (a set that never changes, such
        as a module constant): a caller finds them with the term sets, at no extra cost."""
        known = self._classes.get(id(vocab))
        if known is None:
            known = self._classes[id(vocab)] = (NUMERIC + 1 + len(self._classes), vocab)
            self._marks.clear()  # the words seen so far lack the new mark
        return known[0]

    def word_marks(self, word: str) -> frozenset[int]:
        """Per word, cached: the ids of the term sets a term of which may start here (most
        words: none), NUMERIC if a number or a vague quantity may start here, and the
        mark of each registered word class the word is in."""
        marks = self._marks.get(word)
        if marks is None:
            found: set[int] = set()
            exact, stems = self._first_exact, self._first_stems
            for form in strip_clitics(word):
                ids = exact.get(form)
                if ids is not None:
                    found.update(ids)
                for n in range(2, len(form) + 1):
                    ids = stems.get(form[:n])
                    if ids is None:
                        break
                    found.update(ids)
            vague = self._vague_words
            if (is_digit_word(word) or word in vague
                    or (word[:1] in _BEFORE_VAGUE and word[1:] in vague)
                    or (self._may_be_number_word(word) and word_number(word) is not None)):
                found.add(NUMERIC)
            found.update(mark for mark, vocab in self._classes.values() if word in vocab)
            if len(self._marks) > 200_000:
                self._marks.clear()
            marks = self._marks[word] = frozenset(found)
        return marks

    def word_info(self, word: str) -> tuple[frozenset[int], bool]:
        """Per word: the ids of the term sets a term of which may start here (most words:
        none), and whether a number or a vague quantity may start here."""
        marks = self.word_marks(word)
        return marks & self._set_ids, NUMERIC in marks

    def words_marks(self, words: list[str]) -> list[frozenset[int]]:
        """`word_marks` of each word; known words are looked up with no Python code run
        per word."""
        known = self._marks
        for _ in range(2):
            try:
                return list(map(known.__getitem__, words))
            except KeyError:  # new words: learn them, then look all up again
                for w in words:
                    if w not in known:
                        self.word_marks(w)
        # Only when the cache was cleared while learning (a huge or very varied text).
        return [self.word_marks(w) for w in words]

    def place_label(self, place_id: str | None) -> str | None:
        place = self.place_by_id.get(place_id or "")
        if place is None and place_id and "~" in place_id:
            return place_id.rsplit("~", 1)[1]  # a town the gazetteer does not list
        return place.label if place else None

    def currencies_codes(self) -> set[str]:
        return self._currency_codes


def term_set(entries: list[Any], label: str) -> TermSet:
    """A term set of a data file's list, normalised and indexed as the lexicons are (for the
    stages that keep words of their own in config/: counted.yaml, incidents.yaml)."""
    return _set(_terms(entries, label))


def _set(*groups: list[Term]) -> TermSet:
    ts = TermSet()
    for g in groups:
        ts.add(g)
    return ts


def gazetteer_places(config_dir: Path, gaz: dict[str, Any] | None = None
                     ) -> list[dict[str, Any]]:
    """The hand gazetteer's places, then those of the file its `generated` key names
    (config/places.generated.yaml, written by tools/build_places.py) that it does not
    override: a generated entry whose id the hand list has is skipped, and a generated name
    that is a hand name or an actor's (`not_places`) is dropped: the hand list wins."""
    if gaz is None:
        gaz = yaml.safe_load((config_dir / "gazetteer.yaml").read_text(encoding="utf-8"))
    hand = list(gaz["places"])
    path = config_dir / str(gaz.get("generated") or "")
    if not gaz.get("generated") or not path.is_file():
        return hand
    taken = {normalize_term(str(n)) for p in hand for n in p["names"]}
    taken |= {normalize_term(str(a)) for a in gaz.get("not_places", [])}
    ids = {str(p["id"]) for p in hand}
    # ~2,600 names: the C loader when PyYAML has it (a worker loads this at every start).
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    generated = yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}
    out = hand
    for p in generated.get("places") or []:
        names = [n for n in p["names"] if normalize_term(str(n)) not in taken]
        if str(p["id"]) not in ids and names:
            out.append({**p, "names": names})
    return out


def load_lexicon(config_dir: Path) -> Lexicon:
    data = yaml.safe_load((config_dir / "lexicon.yaml").read_text(encoding="utf-8"))
    gaz = yaml.safe_load((config_dir / "gazetteer.yaml").read_text(encoding="utf-8"))
    events = TermSet()
    nouns = TermSet()
    for name, spec in data["events"].items():
        events.add(_terms(spec.get("triggers", []), name))
        nouns.add(_terms(spec.get("nouns", []), name))
    q = data["qualifiers"]
    by_id: dict[str, Place] = {}
    place_terms: list[Term] = []
    for p in gazetteer_places(config_dir, gaz):
        place = Place(p["id"], p["level"], tuple(normalize_term(n) for n in p["names"]),
                      str(p["names"][0]))
        by_id[place.id] = place
        place_terms += _terms(list(place.names), place.id)
    places = _set(place_terms)  # one add: each add sorts and indexes the whole set again
    nc = data["not_counts"]
    rel = {normalize_term(k): int(v) for k, v in data["relative_time"].items()}
    things = data.get("thing_events") or {}  # absent from copies older than it
    for thing, evs in things.items():
        unknown = sorted(set(evs) - set(data["events"]))
        if unknown:
            raise ValueError(f"lexicon.yaml: thing_events.{thing}: {unknown} are not in events")
    return Lexicon(
        thing_events={thing: tuple(evs) for thing, evs in things.items()},
        thing_actor_events=frozenset(data.get("thing_actor_events") or ()),
        thing_triggers=_set(*[_terms(words, ev) for evs in things.values()
                              for ev, words in evs.items()]),
        events=events,
        event_nouns=nouns,
        registry=load_events(data["events"]),
        entity_events=dict(data.get("entity_events", {})),
        need=_set(_terms(data.get("need_cues", []), "need")),
        death_sentence=_set(_terms(data.get("death_sentence_cues", []), "sentence")),
        foil=_set(_terms(data["foil_cues"], "foil")),
        raid=_set(_terms(data.get("raid_cues", []), "raid")),
        plan=_set(_terms(data["plan_cues"], "plan")),
        hypothetical=_set(_terms(data["hypothetical_cues"], "hyp")),
        update=_set(_terms(data["update_cues"], "update")),
        daily=_set(_terms(data["daily_cues"], "daily")),
        qualifiers={k: _set(_terms(v, k)) for k, v in q.items()},
        entities=_set(*[_terms(v, k) for k, v in data["entities"].items()]),
        entity_groups=_set(*[_terms(v, k) for k, v in data["entity_groups"].items()]),
        subgroups=_set(*[_terms(v, k) for k, v in data["subgroups"].items()]),
        currencies=_set(*[_terms(v, k) for k, v in data["currencies"].items()]),
        subunits=_set(*[_terms(v, k) for k, v in data.get("subunits", {}).items()]),
        negative_words={normalize_term(w) for w in data.get("negative_words", [])},
        measures=_set(*[_terms(v, k) for k, v in data["measures"].items()]),
        attribution_verbs=_set(_terms(data["attribution"]["verbs"], "verb")),
        attribution_preps=_set(_terms(data["attribution"]["preps"], "prep")),
        attribution_stop={normalize_term(s) for s in data["attribution"]["stop"]},
        not_speaker=_set(_terms(data["attribution"].get("not_speaker", []), "not")),
        duration=_set(_terms(nc["duration"], "duration")),
        scale=_set(_terms(nc.get("scale_after", []), "scale")),
        identifier_before=_set(_terms(nc["identifier_before"], "identifier")),
        year_before=_set(_terms(nc["year_before"], "year")),
        time_before=_set(_terms(nc["time_before"], "time")),
        vague={normalize_term(k): (int(v[0]), int(v[1])) for k, v in nc["vague"].items()},
        idioms=_set(_terms(nc["idioms"], "idiom")),
        months=_set(*[_terms(v, str(k)) for k, v in data["months"].items()]),
        relative_time=rel,
        relative_terms=_set(*[_terms([k], k) for k in rel]),
        places=places,
        not_places=_set(_terms([*gaz.get("not_places", []), *gaz.get("datelines", [])],
                               "actor")),
        place_by_id=by_id,
        key_level=str(gaz.get("key_level", "admin1")),
        country_adjectives=_adjective_forms(gaz["places"]),
        authority_words=frozenset(normalize_term(a).split()[-1]
                                  for a in gaz.get("authorities", [])),
    )


def _adjective_forms(places: list[dict[str, Any]]) -> dict[str, str]:
    """ياباني -> الياباني، اليابانية، يابانية (normalised), each naming the country."""
    forms: dict[str, str] = {}
    for p in places:
        for adjective in p.get("adjectives") or []:
            stem = normalize_term(str(adjective))
            for form in (stem, ARTICLE + stem, stem + _FEMININE, ARTICLE + stem + _FEMININE):
                forms[form] = str(p["id"])
    return forms


@lru_cache(maxsize=4)
def default_lexicon(config_dir: str | None = None) -> Lexicon:
    from monitor.settings import get_settings

    return load_lexicon(Path(config_dir) if config_dir else get_settings().config_dir)
