"""What a figure counts (detainees, troops, dollars) and what happened to it (the event)."""

from __future__ import annotations

from monitor.claims.doc import (
    CLAUSE_BREAKS,
    SENTENCE_BREAKS,
    Doc,
    Mention,
    in_sentence,
    nearest,
    nearest_cost,
    sentence_range,
)
from monitor.claims.lexicon import TermSet
from monitor.claims.qualifiers import COUNT_NOUNS
from monitor.claims.words import optional, word, word_set

PERSON_CLASSES = {
    "detainee", "fighter", "troops", "civilian", "child", "woman", "man", "migrant", "refugee",
    "person", "family", "other",
}


def entity_of(doc: Doc, m: Mention) -> tuple[str | None, str | None]:
    lex, words = doc.lex, doc.words
    n = len(words)
    j = m.last + 1
    entity: str | None = None
    ent_at = None
    for k in (0, 1, 2):
        if j + k >= n or words[j + k] in CLAUSE_BREAKS:
            break
        t = doc.match(lex.entities, j + k)
        if t is not None:
            entity, ent_at = t.label, j + k
            break
        if words[j + k] not in _BEFORE_COUNTED and k == 0 and doc.match(lex.subgroups, j):
            break
    if entity is None:
        found = nearest(doc, lex.entities, m, before=16, after=0)
        if found:
            entity, ent_at = found[0].label, found[1]
    if entity is None:
        found = nearest(doc, lex.entity_groups, m, before=6, after=4)
        if found:
            entity = found[0].label
    sub = None
    t = doc.match(lex.subgroups, j) if j < n else None
    if t is not None:
        sub = t.label
    elif ent_at is not None and ent_at > m.last:
        for k in range(ent_at + 1, min(n, ent_at + 4)):
            if words[k] in CLAUSE_BREAKS:
                break
            t = doc.match(lex.subgroups, k)
            if t is not None:
                sub = t.label
                break
    if entity == "fighter" and ent_at is not None and any(
            w in _SECURITY for w in words[ent_at + 1:ent_at + 4]):
        entity = "troops"  # "18 عنصراً من قوات الأمن": security forces, not militants
    if sub is None:
        a, _ = sentence_range(doc, m.first)
        lo = max(a, m.first - 10)
        # Back from the figure to a clause break more than two tokens before it, at the
        # tokens where a subgroup may start.
        stop = doc.last_break(lo, m.first - 2)
        for k in reversed(doc.candidates(stop + 1, m.first, lex.subgroups)):
            t = lex.subgroups.match(words, k)
            if t is not None:
                # "وزارة الدفاع العراقية 2000 جندي": the ministry is Iraqi, not a subgroup.
                if not any(w in _INSTITUTIONS for w in words[max(a, k - 3):k]):
                    sub = t.label
                break
    return entity, sub


# The words of config/lexicon/counted.yaml.
_BEFORE_COUNTED = word_set("counted", "before_counted")
_INSTITUTIONS = word_set("counted", "institutions")
_SECURITY = word_set("counted", "security")
_CLASS_ENDINGS = sorted(optional("counted", "class_endings", ()), key=len, reverse=True)
_NOT_CLASSES = frozenset(optional("counted", "not_classes", ()))


def class_of(doc: Doc, m: Mention) -> str | None:
    """The class of people the word right after a figure names when the lexicon lists no
    such word ("7 صحفيين" -> صحفي), else the class the adjective of a count's head names
    ("ارتفع عدد القتلى الإيرانيين إلى 7" -> ايران), else None."""
    j = m.last + 1
    if j < len(doc.words) and doc.words[j] in _BEFORE_COUNTED:
        j += 1
    found = _class_word(doc, j)
    if found is not None:
        return found
    a, _ = sentence_range(doc, m.first)
    for k in range(m.first - 1, max(a, m.first - _HEAD_REACH) - 1, -1):
        w = doc.words[k]
        if w in CLAUSE_BREAKS:
            return None
        if w in _HEADS and k + 2 < m.first \
                and doc.match(doc.lex.event_nouns, k + 1) is not None:
            return _class_word(doc, k + 2)
    return None


# "عدد القتلى الإيرانيين قد ارتفع إلى 7": how far before the figure its head may stand.
_HEAD_REACH = 8


def _class_word(doc: Doc, j: int) -> str | None:
    """The stem of the word at `j` when it names a class of people the lexicon does not."""
    if j >= len(doc.words) or not _CLASS_ENDINGS:
        return None
    w = doc.words[j]
    if w in _NOT_CLASSES or not w.isalpha() or len(w) < 5:
        return None
    lex = doc.lex
    for ts in (lex.entities, lex.subgroups, lex.event_nouns, lex.events, lex.places,
               lex.measures, lex.months):
        if doc.match(ts, j) is not None:
            return None
    for end in _CLASS_ENDINGS:
        if w.endswith(end) and len(w) - len(end) >= 3:
            stem = w[:-len(end)]
            return stem[2:] if stem.startswith("ال") and len(stem) > 4 else stem
    return None


NOUN_PENALTY = 3.0  # a noun (لاجئ) yields to a verb (رحّلت) about as near


DISPLACED_BY_FLIGHT = {"civilian", "family", "refugee", "child", "woman", "person"}


_HEADS = COUNT_NOUNS - word_set("counted", "not_heads")  # a share or a value counts no people
_RISE_VERBS = word_set("counted", "rise_verbs")
_PLACE_NOUNS = word_set("counted", "place_nouns")


def count_head(doc: Doc, m: Mention) -> int | None:
    """Where `ارتفع عدد … إلى N` / `بلغ إجمالي … N` opens the clause the figure closes."""
    head: int | None = doc.once(("head", m.first), lambda: _find_head(doc, m))
    return head


def _find_head(doc: Doc, m: Mention) -> int | None:
    a, _ = sentence_range(doc, m.first)
    words = doc.words
    lo = max(a, m.first - 20)
    # Most figures have no head word, nor a rise verb before one, in reach: then the scan
    # below can only end in None. Two set tests in C tell so (a tenth of the cost).
    if _HEADS.isdisjoint(words[lo:m.first]) and \
            _RISE_VERBS.isdisjoint(words[max(a, lo - 1):max(a, m.first - 1)]):
        return None
    for k in range(m.first - 1, lo - 1, -1):
        w = words[k]
        if w in _HEADS and _a_number_of(doc, k, m.first):
            continue
        if w in _HEADS or (k > a and words[k - 1] in _RISE_VERBS):
            return k  # "ارتفعت المخصصات المالية … إلى 210 ملايين": the subject is the head
        if w in SENTENCE_BREAKS or w.replace(".", "").isdigit():
            return None
    return None


def _a_number_of(doc: Doc, k: int, first: int) -> bool:
    """«عدد من صواريخ العدوان … تسبب في مقتل ثلاثة وإصابة اثنين»: "a number of" things, not
    the head of a count ("عدد من قتلوا", the number of those killed, is one: a verb follows)."""
    j = k + 2
    return j < first and doc.words[k + 1] == _OF and doc.match(doc.lex.events, j) is None


def _headed_event(doc: Doc, m: Mention) -> str | None:
    """The event named between the count's head and the figure: a verb first, then a noun."""
    head = count_head(doc, m)
    if head is None:
        return None
    a, b = sentence_range(doc, m.first)
    for ts in (doc.lex.events, doc.lex.event_nouns):
        for k, t in doc.hits(ts, a, b):
            if head <= k < m.first and not _is_place_noun(doc, k) \
                    and not _is_rebuilding(doc, k):
                return t.label
    for k, t in doc.hits(doc.lex.entities, a, b):
        # "بلغ إجمالي المحتجزين … 520": what is counted says what happened.
        if head <= k < m.first and t.label.split(".")[0] in doc.lex.entity_events:
            return _by_entity(doc, m, t.label)
    return None


def _by_entity(doc: Doc, m: Mention, entity: str | None) -> str | None:
    """What happened to the counted thing when no word says: detainees are held, troops
    deployed; but detainees counted in a raid ("عدد المعتقلين خلال اقتحام نابلس") were
    arrested there."""
    event = doc.lex.entity_events.get((entity or "").split(".")[0])
    if event == "held" and in_sentence(doc, doc.lex.raid, m) is not None:
        return "captured"
    return event


_RUNS = word_set("counted", "runs")
_OF = word("counted", "from")  # من
_TO = optional("counted", "to", "الي")
_GLUED_BEFORE_THING = "لب"  # "للصاروخ", "بالصواريخ": a price or a means, not the count
_FROM_OR_RUNS = _RUNS | {_OF}


def _is_place_noun(doc: Doc, k: int) -> bool:
    """`من سجون دمشق` says where from, not that anyone is held; `مصادر في إدارة السجن`
    names who speaks."""
    return doc.words[k] in _PLACE_NOUNS and k > 0 and doc.words[k - 1] in _FROM_OR_RUNS


_AGAIN = word("counted", "again")  # اعاده
_REBUILT = word_set("counted", "rebuilt")


def _is_rebuilding(doc: Doc, k: int) -> bool:
    """`إعادة تأهيل/إعمار` is rebuilding, not `إعادة` (returning people)."""
    return doc.words[k].endswith(_AGAIN) and k + 1 < len(doc.words) \
        and doc.words[k + 1] in _REBUILT


def _not_events(doc: Doc, i: int) -> set[int]:
    """Trigger words in the sentence of token i that name no event here (`من سجون`,
    `إعادة تأهيل`); per sentence, once."""
    a, b = sentence_range(doc, i)
    found: set[int] = doc.once(("not_events", a, b), lambda: {
        k for k, _ in doc.hits(doc.lex.events, a, b)
        if _is_place_noun(doc, k) or _is_rebuilding(doc, k)})
    return found


def _thing_event(doc: Doc, m: Mention, entity: str | None) -> str | None:
    """The event of a figure that counts a thing only its own events happen to ("30
    صاروخا", "5 من الصواريخ" right after the figure): the nearest of their words, or the
    first; None for any other figure."""
    events = doc.lex.thing_events.get((entity or "").split(".")[0])
    if not events:
        return None
    k = m.last + 1
    if k + 1 < len(doc.words) and doc.words[k] == _OF:
        k += 1  # "5 من الصواريخ"
    t = doc.match(doc.lex.entities, k) if k < len(doc.words) else None
    if t is None or t.label != entity or doc.words[k][:1] in _GLUED_BEFORE_THING:
        # "قتل 12 بقصف صاروخي", "14 غواصة من الصواريخ", "850 ألف للصاروخ": no count of them
        return None
    # Before the figure only: "110 صواريخ … قائلا إنه اعترض أغلبها" were fired.
    found = nearest_cost(doc, doc.lex.thing_triggers, m, before=10, after=0)
    return found[1].label if found is not None and found[1].label in events else events[0]


def _outcome_before_to(doc: Doc, m: Mention) -> str | None:
    """"ارتفع عدد القتلى إلى 58 والجرحى إلى 2771": the outcome noun right before «إلى»
    names what the figure after it counts, whatever the verb before them."""
    k = m.first - 2
    if k < 0 or doc.words[k + 1] != _TO:
        return None
    t = doc.match(doc.lex.event_nouns, k)
    return t.label if t is not None and t.label in doc.lex.registry.outcome else None


def event_of(doc: Doc, m: Mention, entity: str | None) -> str | None:
    lex = doc.lex
    thing = _thing_event(doc, m, entity)
    if thing is not None:
        return thing
    to = _outcome_before_to(doc, m)
    if to is not None:
        return to
    nxt = m.last + 1
    counted = doc.match(lex.entities, nxt) if nxt + 1 < len(doc.words) else None
    if counted is not None and (counted.label == "other" or nearest_cost(
            doc, lex.events, m, before=10, after=0) is None):
        # "إن 2000 شخص مفقودون": with no verb before it, the outcome noun after the counted
        # noun says what happened ("نقلت 400 حاج مصاب" is a transfer). After «آخرين» it
        # does even then: "لقي 16 مصرعهم وما زال 30 آخرين مفقودين" are the missing.
        nxt += 1
    right_after = doc.match(lex.event_nouns, nxt) if nxt < len(doc.words) else None
    if right_after is None:
        right_after = doc.match(lex.event_nouns, m.last + 1) \
            if m.last + 1 < len(doc.words) else None
    if right_after is not None and _coordinated(doc, lex.event_nouns, m.last + 1):
        right_after = None  # "ارتفع عدد القتلى إلى 58 والجرحى إلى 2771": the next item
    # Nouns that name an outcome (قتلى، جرحى، مفقودون) decide the event when they directly
    # follow the figure; status nouns (لاجئ، نازح) do not: "رحّلت 600 لاجئ" is a transfer.
    if right_after is not None and right_after.label in lex.registry.outcome:
        return right_after.label  # "10 جرحى": the counted thing says what happened to it
    headed = _headed_event(doc, m)
    if headed is not None:
        return headed
    places = _not_events(doc, m.first)
    verb = nearest_cost(doc, lex.events, m, before=10, after=6, skip=places)
    # A noun costs at least 1 + the penalty: a verb nearer than that cannot lose to one.
    if verb is None or verb[0] > 1 + NOUN_PENALTY:
        noun = nearest_cost(doc, lex.event_nouns, m, before=4, after=3)
        if noun is not None and (verb is None or noun[0] + NOUN_PENALTY < verb[0]):
            verb = noun
    if verb is not None and verb[2] > m.last and (
            _coordinated(doc, lex.events, verb[2]) or _coordinated(doc, lex.event_nouns, verb[2])
            or doc.breaks_between(m.last, verb[2]) > 0):
        # "قتل أكثر من 50 فلسطينيا وجرح الآلاف", "قتل … 60 شخصا على الأقل، وأصيب أكثر
        # من 1000": a trigger opening the next clause is the next item's, not this
        # figure's, when a word before the figure in its sentence says what happened.
        back = nearest_cost(doc, lex.events, m, before=20, after=0, skip=places) \
            or nearest_cost(doc, lex.event_nouns, m, before=20, after=0)
        if back is not None:
            verb = back
    if verb is None:
        return _by_entity(doc, m, entity)
    event = verb[1].label
    if event in {"escaped", "released"} and _foil_governs(doc, m, verb[2]) \
            and any(t.label == "escaped" for _, t in doc.hits(lex.events, *sentence_range(
                doc, m.first))):
        return "escape_foiled"
    if event == "escaped" and (entity or "").split(".")[0] in DISPLACED_BY_FLIGHT:
        return "displaced"  # civilians fleeing a town are displaced, not escapees
    if event == "deployed" and (entity or "").split(".")[0] in {"vehicle", "aid_unit"} \
            and in_sentence(doc, lex.events, m) and _aid_context(doc, m):
        return "funding"
    return event


def _coordinated(doc: Doc, ts: TermSet, k: int) -> bool:
    """Token k is "و" glued to a word of `ts` ("وأصيب", "والجرحى"): it opens the next
    item of a list, not a word of the figure before it ("وفاة" is a word of its own)."""
    if k >= len(doc.words):
        return False
    w = doc.words[k]
    return w[:1] == "و" and len(w) > 2 and ts.match([w[1:]], 0) is not None


# "تمكّن", also with و glued on ("وتمكن").
_SUCCEEDED = word_set("counted", "succeeded")


def _foil_governs(doc: Doc, m: Mention, verb_at: int) -> bool:
    """A foiling word in the figure's own clause: "أحبطت … محاولة فرار نحو 50 سجيناً".
    Not "تمكّن 7 سجناء من الفرار خلال … محاولة الهروب الجماعي" (they did get out), nor a
    foiled attempt told in another clause ("فرّ سبعة …، مشيرة إلى أن محاولة الهروب
    الفاشلة …")."""
    words = doc.words
    first = min(m.first, verb_at)
    a, b = sentence_range(doc, m.first)
    if any(w in _SUCCEEDED for w in words[max(a, first - 3):first]):
        return False
    return any(doc.breaks_between(*sorted((k, m.first))) == 0
               for k, _ in doc.hits(doc.lex.foil, a, b))


def _aid_context(doc: Doc, m: Mention) -> bool:
    return any(t.label == "funding" for _, t in doc.hits(doc.lex.events,
                                                          *sentence_range(doc, m.first)))
