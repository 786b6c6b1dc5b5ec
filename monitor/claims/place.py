"""Where: the place a figure is about, from the gazetteer or a town the article names."""

from __future__ import annotations

from bisect import bisect_left

from monitor.claims.counted import count_head
from monitor.claims.doc import TOWN_NOUNS, Doc, Mention, sentence_range
from monitor.claims.mentions import is_year_like
from monitor.claims.numbers import word_number
from monitor.claims.tokens import is_digit_word
from monitor.claims.words import clitics, optional, word, word_set

# The words of config/lexicon/place.yaml.
_LOCATIVE = word_set("place", "locative")
_OWN_PLACE = frozenset(optional("place", "own_place", ()))
_TO, _FROM, _BACKED = word("place", "to"), word("place", "from"), word("place", "backed")
_AGENCY, _OF_NEWS = word("place", "agency"), word("place", "of_news")
_NOT_NAMES = word_set("place", "not_names")
_THE_COUNTRY = word_set("place", "the_country")
_THAT = frozenset(optional("place", "that", ()))
_PLACE_PREPOSITIONS = "".join(clitics("place_prepositions"))  # بحلب، لدمشق
_GLUED_TO_PLACE = frozenset(_PLACE_PREPOSITIONS)


def _place_mentions(doc: Doc, a: int, b: int) -> list[tuple[int, str, bool]]:
    """(token, place id, introduced by a locative word) for each place named in [a, b)."""
    found: list[tuple[int, str, bool]] = doc.once(("places", a, b),
                                                  lambda: _find_places(doc, a, b))
    return found


# "أتلانتا، الولايات المتحدة الأمريكية (CNN)--": a dateline opens the text with at most this
# many words of place before the bracket that names the outlet, at most `_DATELINE_BY`
# tokens in it, and a dash after it.
_DATELINE_PLACE, _DATELINE_BY = 6, 5
_DASHES = frozenset("-–—")
_DESKS = frozenset(optional("place", "dateline_desks", ()))


def _dateline(doc: Doc) -> range:
    """The tokens of the dateline the article's text opens with, when it names one of the
    desks an outlet files most stories from (`dateline_desks`): not where anything happened
    (the Boko Haram bombings in Maiduguri are no American toll). A reporter's own dateline
    ("موسكو، روسيا (CNN)") is where the story is, and stays a place."""
    found: range = doc.once(("dateline",), lambda: _find_dateline(doc))
    return found


def _find_dateline(doc: Doc) -> range:
    words, title = doc.words, doc.article.title
    text_at = len(title) + 1 if title else 0  # Article.full_text: title, newline, text
    k0 = next((k for k in range(len(words))
               if doc.norm.span(doc.starts[k], doc.ends[k])[0] >= text_at), len(words))
    head = words[k0:k0 + _DATELINE_PLACE + 1]
    if not head or head[0] not in _DESKS or "(" not in head[1:] \
            or any(is_digit_word(w) for w in head):
        return range(0)
    opened = k0 + head.index("(", 1)
    tail = words[opened + 1:opened + 2 + _DATELINE_BY]
    if ")" not in tail:
        return range(0)
    closed = opened + 1 + tail.index(")")
    if closed + 1 >= len(words) or words[closed + 1] not in _DASHES:
        return range(0)
    return range(k0, closed + 1)


def _find_places(doc: Doc, a: int, b: int) -> list[tuple[int, str, bool]]:
    lex, words = doc.lex, doc.words
    out: list[tuple[int, str, bool]] = []
    skip_to = a
    dateline = _dateline(doc)
    # Only where an actor or a place may start: elsewhere both matches below find nothing.
    for k in sorted({*doc.candidates(a, b, lex.not_places), *doc.candidates(a, b, lex.places)}):
        if k < skip_to or k in dateline:
            continue
        actor = doc.match(lex.not_places, k)
        if actor is not None:
            skip_to = k + len(actor.tokens)
            continue
        t = doc.match(lex.places, k, article=False)
        if t is None or (k >= 2 and words[k - 1] == _FROM and words[k - 2].startswith(_BACKED)):
            continue
        end = k + len(t.tokens)
        if (k > 0 and words[k - 1].endswith(_AGENCY)) or \
                (end < len(words) and words[end] == _OF_NEWS):
            continue  # "وكالة السودان للأنباء" is a news agency, not where it happened
        prev = words[k - 1] if k > 0 else ""
        # "بغزة" has «ب» glued on; "بغداد" and "بيروت" begin with it.
        glued = words[k][:1] in _GLUED_TO_PLACE and not words[k].startswith(t.tokens[0])
        out.append((k, t.label, prev in _LOCATIVE or glued))
        skip_to = k + len(t.tokens)
    return out


def _places_in(doc: Doc, a: int, b: int, near: int) -> str | None:
    best: tuple[float, str] | None = None
    by_id, clause_at = doc.lex.place_by_id, doc.clause_at
    mentions = _place_mentions(doc, a, b)
    own_after = any(k > near and bisect_left(clause_at, k) == bisect_left(clause_at, near)
                    for k, _, _ in mentions)
    for k, place_id, locative in mentions:
        place = by_id[place_id]
        # "… في مدينة بيدوا، وفي هجوم منفصل قتل 14 … في العاصمة مقديشو": a place in the
        # figure's own clause beats one across a clause break (`doc.breaks_between`,
        # inlined: this runs per place and figure).
        lo, hi = (k, near) if k <= near else (near, k)
        breaks = bisect_left(clause_at, hi) - bisect_left(clause_at, lo)
        score = place.depth * 10 - abs(k - near) / 100 + (5 if locative else 0) - 6 * breaks
        if own_after and k < near and _follows_a_figure(doc, max(a, k - _OWN_PLACE_REACH), k):
            # "قتل 12 شخصا في حلب و5 في إدلب": a place just after another figure is that
            # figure's when this one names its own after it; the 5 are Idlib's. ("بمقتل
            # أكثر من ستين شخصا في غزة وجرح حوالي ألفين": with none of its own, Gaza's.)
            score -= 6
        if best is None or score > best[0]:
            best = (score, place.id)
    return best[1] if best else None


# How far after a figure its own place stands: "12 شخصا في حلب"، "12 مدنيا على الأقل في ريف حلب".
_OWN_PLACE_REACH = 5


def _follows_a_figure(doc: Doc, a: int, k: int) -> bool:
    words = doc.words
    return any(_figure_in_digits(words[j]) or word_number(words[j]) is not None
               for j in range(a, k))


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
            if w in _NOT_NAMES or w in TOWN_NOUNS or not w.isalpha() or len(w) < 2:
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
        if _another_figures(doc, near, at[n]):
            continue
        if best is None or abs(at[n] - near) < abs(at[best] - near):
            best = n
    return f"~{names[best]}" if best is not None else None


def _another_figures(doc: Doc, near: int, k: int) -> bool:
    """The place at `k` is another figure's: past a clause break there stands a figure in
    digits (not a year), and the figure at `near` has a place of its own before it ("مقتل
    46 شخصا في أوتار براديش، و31 في ولاية راجستان" files the 31 under Rajasthan, not the
    46). A place after the last of several figures is all of theirs ("قتل 4 أشخاص، السبت،
    وأصيب 30 ... وسط مدينة مونستر"، "27 شخصا قتلوا، وأصيب 100 آخرون في ولاية راجستان")."""
    if k <= near or doc.breaks_between(near, k) == 0:
        return False
    words = doc.words
    nxt = bisect_left(doc.clause_at, near + 1)
    clause_end = doc.clause_at[nxt] if nxt < len(doc.clause_at) else k
    for j in range(near + 1, k):
        if _figure_in_digits(words[j]):
            return any(words[i] in _OWN_PLACE and not is_digit_word(words[i + 1])
                       and word_number(words[i + 1]) is None
                       for i in range(near + 1, min(j, clause_end) - 1))
    return False


def _figure_in_digits(w: str) -> bool:
    """A figure written in digits, «و» glued on or not ("و31"), that is not a year."""
    if not (is_digit_word(w) or (len(w) > 1 and is_digit_word(w[1:]))):
        return False
    digits = "".join(ch for ch in w if ch.isdigit())
    return not (len(digits) == 4 and is_year_like(float(digits)))


def _town_in(doc: Doc, province: str, unlisted: str) -> str:
    """The province's listed town whose name ends in the word (`سوق الأبيض` is El Obeid's
    market, listed as «مدينة الأبيض»), else the unlisted town filed under the province."""
    def find() -> str:
        name = unlisted[1:]
        for pid, place in doc.lex.place_by_id.items():
            if pid.startswith(f"{province}.") and any(n.split()[-1] == name
                                                      for n in place.names):
                return pid
        return f"{province}.{unlisted}"

    town: str = doc.once(("town in", province, unlisted), find)
    return town


def _destination(doc: Doc, a: int, b: int) -> str | None:
    words = doc.words
    for k in range(a, b - 1):
        if words[k] == _TO:
            t = doc.match(doc.lex.places, k + 1, article=False)
            if t is not None:
                return t.label
    return None


def location_of(doc: Doc, m: Mention, event: str | None) -> tuple[str | None, bool]:
    """The place the figure is about, and whether its own sentence names it.

    A toll's country is narrowed to the province the article is about ("29 فلسطينيا" in a
    story of Gaza's border protests is Gaza's toll): the same incident told by two outlets,
    one naming the province in the figure's sentence and one not, is one incident's key, and
    the province's toll is also held in its country's fact (facts.identity.country_view).
    Other events have no such view: narrowed, Turkey's 110,000 dismissed in a story of a
    trial in Izmir would never meet Turkey's 140,000."""
    if event in doc.lex.thing_event_names:
        # Missiles fired at Syria, from Israeli jets, at Iranian sites, brought down over
        # al-Kiswah: the story's country is the one place all its tellings share.
        found = _main_country(doc)
        if found is not None:
            return found, True
        place, stated = _location(doc, m, event)
        return (place.split(".")[0] if place and not place.startswith("~") else None), stated
    place, stated = _location(doc, m, event)
    if place is not None and "." not in place and not place.startswith("~") \
            and event in doc.lex.registry.outcome:
        return _focus(doc).get(place, place), stated
    return place, stated


# How far before a missile figure its launcher may be named ("أطلقت الولايات المتحدة، 59
# صاروخا"، "إيران أطلقت 20 صاروخا"، "الجيش الفرنسي أطلق 12 صاروخا").
LAUNCHER_BEFORE = 8
LAUNCHER_AFTER = 5


def launcher_of(doc: Doc, m: Mention) -> str | None:
    """The one country that fired, named before the figure in its clause, not as where to
    ("على سوريا", "لإيران"): France's 12 of the strikes' 105 are a part, and Iran's 20
    rockets on the Golan are not Israel's 60 on Syria."""
    a, _ = sentence_range(doc, m.first)
    lo = max(a, m.first - LAUNCHER_BEFORE)  # "أطلقت الولايات المتحدة، 59": commas and all
    adjectives, words = doc.lex.country_adjectives, doc.words
    # "قال الضابط في الجيش الروسي إنه تم استخدام 103": the speaker is before «إن».
    lo = max([lo, *(k + 1 for k in range(lo, m.first) if words[k] in _THAT)])
    if any(t.label not in doc.lex.thing_actor_events
           for _, t in doc.hits(doc.lex.thing_triggers, lo, m.first)):
        return None  # "اعترضت الدفاعات السورية 71 من أصل 103": Syria brought them down
    found = [(k, place_id.split(".")[0]) for k, place_id, locative in _place_mentions(
        doc, a, m.first) if k >= lo and not locative]
    for k in range(lo, m.first):
        w = words[k]
        if w in adjectives:
            found.append((k, adjectives[w]))
        elif w[:1] == "و" and w[1:] in adjectives:
            return None  # "القوات الأمريكية والبريطانية والفرنسية": the coalition fired
    if not found:
        # "20 صاروخا أطلقتها إيران": the verb and its subject right after the counted noun.
        _, b = sentence_range(doc, m.first)
        hi = min(b, m.last + LAUNCHER_AFTER)
        if doc.breaks_between(m.last, hi) == 0 and any(
                t.label in doc.lex.thing_actor_events
                for _, t in doc.hits(doc.lex.thing_triggers, m.last + 1, hi)):
            found = [(k, place_id.split(".")[0]) for k, place_id, locative in
                     _place_mentions(doc, m.last + 1, hi) if not locative]
            return min(found)[1] if found else None
    # "قال الجيش الإسرائيلي إن إيران أطلقت 20 صاروخا": the one named last is the subject.
    return max(found)[1] if found else None


def _main_country(doc: Doc) -> str | None:
    """The country the article names most (its places and theirs), when one leads."""
    found: str | None = doc.once(("main country",), lambda: _find_main_country(doc))
    return found


def _find_main_country(doc: Doc) -> str | None:
    counts: dict[str, int] = {}
    for _, place_id, _ in _place_mentions(doc, 0, len(doc.words)):
        country = place_id.split(".")[0]
        counts[country] = counts.get(country, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    if not ranked or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    return ranked[0][0]


# A province is what an article is about when it names it this often, and at least twice as
# often as any other province of the same country; or when it is the only province named,
# once, as where something happened ("في غزة", "بغزة"): "بغداد تقدم رقماً أقل" in a title
# names the government, not where.
FOCUS_MENTIONS = 2


def _focus(doc: Doc) -> dict[str, str]:
    """country id -> the province (a key's level) the whole article is about, if one."""
    found: dict[str, str] = doc.once(("focus",), lambda: _find_focus(doc))
    return found


def _find_focus(doc: Doc) -> dict[str, str]:
    counts: dict[str, dict[str, int]] = {}
    located: set[str] = set()  # provinces named once as where (a locative word before)
    for _, place_id, locative in _place_mentions(doc, 0, len(doc.words)):
        parts = place_id.split(".")
        if len(parts) < 2:
            continue
        by = counts.setdefault(parts[0], {})
        province = ".".join(parts[:2])
        by[province] = by.get(province, 0) + 1
        if locative:
            located.add(province)
    out = {}
    for country, by in counts.items():
        ranked = sorted(by.values(), reverse=True)
        top = max(by, key=lambda k: (by[k], k))
        if ranked[0] >= FOCUS_MENTIONS and (len(ranked) == 1 or ranked[0] >= 2 * ranked[1]):
            out[country] = top
        elif len(ranked) == 1 and top in located:
            out[country] = top
    return out


def _location(doc: Doc, m: Mention, event: str | None) -> tuple[str | None, bool]:
    a, b = sentence_range(doc, m.first)
    if event == "transferred":
        # Where they were taken: after the figure, or in the clause a count's head opens
        # ("بلغ إجمالي الذين نُقلوا … إلى العراق 5700").
        head = count_head(doc, m)
        dest = _destination(doc, m.last + 1, b) or (
            _destination(doc, head, m.first) if head is not None else None)
        if dest:
            return dest, True
    here = _places_in(doc, a, b, m.first)
    unlisted = _unlisted_place(doc, a, b, m.first)
    if unlisted and (here is None or doc.lex.place_by_id[here].yields_to_town):
        # "قرب مدينة غاو شمالي مالي" with غاو not in the gazetteer: the town keeps a key of
        # its own (whether or not its country is named), so two unlisted towns never meet
        # by accident and one town meets itself.
        return unlisted, True
    if unlisted and doc.lex.place_by_id[here].depth == 1:
        # "قرب بلدة داقوق جنوبي كركوك": a town of the province, filed under it (the key
        # stays the province's), so its figures meet another town's only by their stories.
        return _town_in(doc, here, unlisted), True
    if here:
        return here, True
    named = _unlisted_in_article(doc)
    if named:
        # "هجوم على بلدة دارغول" in the title, "في دارغول" in the text: the article has
        # told us دارغول is a town.
        near = [(abs(k - m.first), w) for k in range(a, b) if ((w := doc.words[k]) in named
                or (w[:1] in _PLACE_PREPOSITIONS and w[1:] in named))
                and not _another_figures(doc, m.first, k)]
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
    # No place near the figure: the country the article names most ("قتل 33 فلسطينيا" in a
    # story of Gaza's protests). Not stated, so it keys at country level (key_place).
    return _main_country(doc), False


def _place_at_end(doc: Doc, a: int, b: int) -> str | None:
    """The place nearest the end of the sentence [a, b): the same for every figure after
    it, so found once per document and sentence."""
    found: str | None = doc.once(("place at end", a, b), lambda: _places_in(doc, a, b, b))
    return found


def _country_of_authority(doc: Doc, a: int, b: int) -> str | None:
    """"أعلنت السلطات اليابانية … غرب البلاد": a sentence that names no place but speaks of
    "the country" is about the one country whose authority it names."""
    words, lex = doc.words, doc.lex
    if _THE_COUNTRY.isdisjoint(words[a:b]):  # `any(w in ...)`, in C: most sentences
        return None
    found = {lex.country_adjectives[w] for k in range(a + 1, b)
             if (w := words[k]) in lex.country_adjectives and words[k - 1] in lex.authority_words}
    return found.pop() if len(found) == 1 else None
