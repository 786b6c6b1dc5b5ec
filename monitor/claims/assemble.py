"""A claim from a mention and its readings (bounds, counted thing, event, modality,
place, time, source), and the claims a breakdown stands for.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from monitor.claims.attribution import speaker_of
from monitor.claims.counted import PERSON_CLASSES, class_of, count_head, entity_of, event_of
from monitor.claims.doc import Doc, Mention, before_in_sentence, has, in_sentence, sentence_range
from monitor.claims.events import EventRegistry
from monitor.claims.normalize import normalize_term
from monitor.claims.numbers import word_number
from monitor.claims.place import launcher_of, location_of
from monitor.claims.qualifiers import qualifier
from monitor.claims.when import is_daily, time_of
from monitor.claims.words import optional, word, word_set
from monitor.facts.identity import FactKey, breakdown_key, fact_of, key_of, part_key
from monitor.facts.identity import scope as key_scope
from monitor.models import Claim

# "1,500 مليار ليرة" in Sidon is Lebanese pounds; in Aleppo, Syrian pounds.
_BARE_CURRENCY = {
    "LIRA": {"lb": "LBP", "sy": "SYP", "tr": "TRY"},
    "DINAR": {"iq": "IQD", "jo": "JOD", "ly": "LYD", "tn": "TND", "kw": "KWD", "dz": "DZD"},
}
# Of the dead, hurt and missing, these are one toll of people. Fighters are among them:
# one outlet's "23 عنصرا" of a clash is another's "27 قتيلا" (six such pairs in the dev
# weeks' gold); soldiers stay a count of their own ("قتل 5 جنود و20 مسلحا").
_PEOPLE_AT_LARGE = {"civilian", "migrant", "refugee", "person", "fighter"}
_PEOPLE_BY_SEX_AND_AGE = {"man", "woman", "child"}
# The words of config/lexicon/assemble.yaml.
_SUBSET_CUES = word_set("assemble", "subset_cues")  # also with و glued on (ومنهم)
# Lists newer than some `newsmon init` copies: a copy without them still loads.
_SUBSET_PHRASES = [tuple(normalize_term(w) for w in p.split())
                   for p in optional("assemble", "subset_phrases", ())]
_PARTITIVE_AFTER = [tuple(normalize_term(w) for w in p.split())
                    for p in optional("assemble", "partitive_after", ())]
_ENUMERATION = int(optional("assemble", "enumeration", 3))
_SEVERITY = frozenset(normalize_term(w) for w in optional("assemble", "severity", ()))
_SEVERITY_WORDS = int(optional("assemble", "severity_words", 3))
_REACHES, _TO = word_set("assemble", "reaches"), word("assemble", "to")
_THESE = word_set("assemble", "these")
_RAISES = frozenset(normalize_term(w) for w in optional("assemble", "raises", ()))
_RAISES_WORDS = int(optional("assemble", "raises_words", 6))


@dataclass(slots=True)
class Reading:
    """What the stages read of one figure; `identify` then gives it its fact key."""

    low: float | None
    high: float | None
    approx: bool
    qual: str | None
    entity: str | None
    sub: str | None  # a subgroup of the counted thing (iraqi, foreign)
    unit: str
    event: str | None
    modality: str
    update_cue: bool
    daily: bool
    when: date | None
    time_stated: bool
    location: str | None
    place_stated: bool
    speaker: str | None
    scope: str = "total"
    time: str | None = None
    fact_key: str | None = None


def _after_subset_cue(doc: Doc, m: Mention) -> bool:
    """"بينهم 43", "من بين القتلى اثنان", "منها 174", "بينهم نحو 1400": the figure is a
    part."""
    first = m.qual_start if m.qual_start is not None else m.first  # before «نحو»
    if first < 1:
        return False
    w = doc.words
    if w[first - 1] in _SUBSET_CUES:
        return True
    for p in _SUBSET_PHRASES:
        at = first - len(p)
        if at >= 0 and w[at + 1:first] == list(p[1:]) \
                and w[at] in (p[0], "و" + p[0]):  # "ومنها"
            return True
    return False


def _partitive(doc: Doc, m: Mention) -> bool:
    """"50 من قتلى مظاهرات غزة", "50 شخصا ممن قتلوا": the figure counts some of the dead,
    a part of their toll."""
    w = doc.words
    at = m.last + 1
    if at < len(w) and doc.match(doc.lex.entities, at) is not None:
        at += 1  # the counted noun: "50 شخصا ممن"
    return any(w[at:at + len(p)] == list(p) for p in _PARTITIVE_AFTER)


def _raises_a_total(doc: Doc, m: Mention) -> bool:
    """"مقتل 11 إيرانيا مما يرفع حصيلة القتلى إلى 27": the figure is what the total its
    sentence gives rose by, a part of it (never a report of the total to compare)."""
    if not _RAISES:
        return False
    _, b = sentence_range(doc, m.first)
    w = doc.words
    for k in range(m.last + 1, min(b, m.last + 1 + _RAISES_WORDS)):
        if w[k] in _RAISES:
            return any(w[j] == _TO and (w[j + 1][:1].isdigit() or word_number(w[j + 1])
                                        is not None)
                       for j in range(k + 1, min(b - 1, k + 1 + _RAISES_WORDS)))
    return False


def _by_severity(doc: Doc, m: Mention) -> bool:
    """"أصيب 19 بجروح خطيرة": the figure counts the wounded of one severity."""
    if not _SEVERITY:
        return False
    _, b = sentence_range(doc, m.first)
    ahead = doc.words[m.last + 1:min(b, m.last + 1 + _SEVERITY_WORDS)]
    return any(w in _SEVERITY for w in ahead)


def _as_part(c: Claim, key: FactKey) -> Claim:
    part = replace(key, thing=f"{key.thing.split('.')[0]}.part", scope="total")
    return c.model_copy(update={"entity": f"{(c.entity or key.thing).split('.')[0]}.part",
                                "fact_key": str(part), "scope": "total", "time": None})


# Between a part and the next figure of its list: "ثلاثة موظفين وأربعة", "174 إصابة …، و271".
_LIST_GAP = 40


def _listed_after_part(text: str, prev: Claim, c: Claim) -> bool:
    """`c` continues a list a part opened: "و" joins it to the part, in one sentence."""
    if prev.sentence != c.sentence or not prev.fact_key \
            or not FactKey.parse(prev.fact_key).thing.endswith(".part"):
        return False
    between = text[prev.end:c.start]
    if len(between) > _LIST_GAP or "." in between:
        return False
    return c.text.startswith("و") or any(w.startswith("و") for w in between.split()[-1:])


def enumerated_parts(claims: list[Claim], text: str = "") -> list[Claim]:
    """A sentence that lists several figures of one key lists parts of a count (sentences
    by term, injuries by severity), and a figure "و" joins to a part is the next part:
    each is a part, never held against a total or another outlet's figure as if it were
    the count."""
    claims = list(claims)
    for i in range(1, len(claims)):
        key = fact_of(claims[i])
        if key is not None and not claims[i].vague and text \
                and _listed_after_part(text, claims[i - 1], claims[i]):
            claims[i] = _as_part(claims[i], key)
    groups: dict[tuple[str, str], list[int]] = {}
    for i, c in enumerate(claims):
        key = fact_of(c)
        if key is None or c.vague or c.derived or "." in key.thing:
            continue
        groups.setdefault((c.sentence, str(key)), []).append(i)
    out = list(claims)
    for (_, key_text), at in groups.items():
        if len(at) < _ENUMERATION:
            continue
        for i in at:
            out[i] = _as_part(claims[i], FactKey.parse(key_text))
    return out


def classes_of_tolls(claims: list[Claim], nationalities: dict[str, str]) -> list[Claim]:
    """A class of people counted apart ("7 صحفيين", `person.~صحف`) is a class of a toll only
    where the article gives a larger toll of people for that event (its sentences may name
    the place differently); otherwise it is the toll, named by who died ("لقي 14 مصلياً
    حتفهم" in a mosque bombing). A nationality other than the place's country is always a
    class: Tasnim's "7 Iranians" killed at T4 are the Iranians among the strike's dead,
    whether or not the report gives the whole toll (`nationalities`: adjective -> country)."""
    keys = [fact_of(c) for c in claims]
    tolls: dict[str, float] = {}  # per event, the article's largest toll of people
    for c, key in zip(claims, keys, strict=True):
        if key is not None and key.thing == "person" and not c.vague and c.low is not None:
            tolls[key.event] = max(tolls.get(key.event, 0.0), c.low)
    out = []
    for c, key in zip(claims, keys, strict=True):
        if key is not None and key.thing.startswith("person.~") and c.low is not None \
                and tolls.get(key.event, 0.0) <= c.low and not _foreigners(key, nationalities):
            whole = replace(key, thing="person")
            c = c.model_copy(update={"entity": "person", "fact_key": str(whole)})
        out.append(c)
    return out


def _foreigners(key: FactKey, nationalities: dict[str, str]) -> bool:
    """The class a key counts (`person.~ايران`) is a nationality other than its place's
    country's."""
    country = nationalities.get(key.thing[len("person.~"):] + "ي")
    return country is not None and country != key.place.split(".")[0]


def things_below_whole(claims: list[Claim], thing_events: frozenset[str]) -> list[Claim]:
    """Missiles an article counts below its largest count of them are its parts: the 76 at
    Barzeh and the 22 at Him Shinshar of the 105, a ship's 30, one site's 13 brought down,
    the 60 air-launched of Russia's 70. Read on real news, even a smaller figure given to
    another source was a part more often than a dispute, so the article's whole alone is
    a fact."""
    keys = [fact_of(c) for c in claims]
    largest: dict[str, float] = {}  # per whole key, the article's largest count
    for c, key in zip(claims, keys, strict=True):
        if key is not None and key.event in thing_events and "." not in key.thing \
                and not c.vague and c.low is not None:
            largest[str(key)] = max(largest.get(str(key), 0.0), c.low)
    out = []
    for c, key in zip(claims, keys, strict=True):
        if key is not None and c.low is not None and not c.vague \
                and c.low < largest.get(str(key), 0.0):
            c = _as_part(c, key)
        out.append(c)
    return out


def breakdown_totals(claims: list[Claim]) -> list[Claim]:
    """A breakdown given without its total stands for the total: `4253 عربياً و983 أجنبياً
    و467 عراقياً` is also a claim of 5703 about all of them, so it meets (and agrees or
    disagrees with) another source's `أكثر من 5700`. Where the article gives the total
    itself, the parts add nothing."""
    groups: dict[tuple[str, str], list[Claim]] = {}
    totals: set[tuple[str, str]] = set()
    for c in claims:
        key = fact_of(c)
        if key is None or c.vague or key.thing.endswith(".part"):
            continue  # "70 قتلوا بينهم 43": a part of the figure before it adds nothing
        base_key = str(key.whole())
        if "." in key.thing:
            groups.setdefault((c.sentence, base_key), []).append(c)
        else:
            totals.add((c.sentence, base_key))
    out = []
    for (sentence, base_key), parts in groups.items():
        if len(parts) < 2 or (sentence, base_key) in totals or \
                len({p.entity for p in parts}) < len(parts):
            continue
        lows = [p.low for p in parts]
        highs = [p.high for p in parts]
        first, last = parts[0], parts[-1]
        out.append(first.model_copy(update={
            "text": " + ".join(p.text for p in parts),
            "start": first.start, "end": last.end,
            "low": None if None in lows else sum(lows),  # type: ignore[arg-type]
            "high": None if None in highs else sum(highs),  # type: ignore[arg-type]
            "approx": any(p.approx for p in parts),
            "entity": (first.entity or "").split(".")[0] or None,
            "fact_key": base_key,
            "derived": "sum of parts",
        }))
    return out


def claim_of(doc: Doc, m: Mention, earlier: list[Claim]) -> Claim | None:
    """The claim a count mention makes: each reading by its stage, then its identity."""
    lex = doc.lex
    qual, low, high, approx = _bounds(doc, m)
    entity, sub, unit, event = _counted(doc, m)
    modality = _modality(doc, m, qual)
    # "ارتفعت حصيلة قتلى انفجار السيارة المفخخة في مدينة منبج إلى 25": the cue opens the
    # clause the figure closes, often many words before it.
    update_cue = has(doc, lex.update, m, before=20, after=3)
    daily = is_daily(doc, m)
    entity = _counted_as(event, entity, lex.registry)
    if entity == "other":
        entity = _others_of(doc, m, earlier, event in lex.registry.outcome)
    if event in lex.registry.outcome:
        # "150 سوريا" and "48" killed in Douma are one toll told two ways: a nationality
        # splits who was held or moved, not who died ("(4253 عربياً، 983 أجنبياً)" in
        # brackets stays a breakdown, by its brackets).
        sub = None
        cls = class_of(doc, m) if entity == "person" else None
        if cls:
            # "7 صحفيين" of the Kabul bombing's 25 dead: a class the lexicon does not list
            # counts apart from the toll (and meets another count of that class).
            sub = f"~{cls}"
    when, time_stated = time_of(doc, m, inherit=event in lex.registry.incident)
    location, place_stated = location_of(doc, m, event)
    if event in lex.thing_actor_events and entity and (by := launcher_of(doc, m)):
        entity = f"{entity}.{by}"  # France's 12 of the 105 missiles: a part, by who fired
    if unit in _BARE_CURRENCY:
        unit = _BARE_CURRENCY[unit].get((location or "").split(".")[0], unit)
    speaker = speaker_of(doc, m) or doc.article.outlet
    r = Reading(low, high, approx, qual, entity, sub, unit, event, modality, update_cue, daily,
                when, time_stated, location, place_stated, speaker)
    _identify(doc, m, r, earlier)
    return _claim(doc, m, r)


def _others_of(doc: Doc, m: Mention, earlier: list[Claim], outcome: bool) -> str:
    """What «آخرين» counts: more of what the sentence counted before it ("قتل 16 مسلحا
    وأصيب 22 آخرين" are fighters); of the dead and hurt, people when nothing came before."""
    a, _ = sentence_range(doc, m.first)
    at = doc.norm.span(doc.starts[a], doc.ends[a])[0]
    for c in reversed(earlier):
        if c.article_id != doc.article.id or c.start < at:
            break
        base = (c.entity or "").split(".")[0]
        if base in PERSON_CLASSES and base != "other":
            return base
    return "person" if outcome else "other"


def _bounds(doc: Doc, m: Mention) -> tuple[str | None, float | None, float | None, bool]:
    """The qualifier, and the bounds and approximation it gives the figure."""
    qual = None if m.vague else qualifier(doc, m)
    low, high, approx = m.low, m.high, False
    if qual == "approx":
        approx = True
    elif qual == "floor":
        high = None
    elif qual == "ceiling":
        low = None
    return qual, low, high, approx


def _counted(doc: Doc, m: Mention) -> tuple[str | None, str | None, str, str | None]:
    """What the figure counts (entity, subgroup, unit) and what happened to it."""
    lex, events = doc.lex, doc.lex.registry
    entity, sub = entity_of(doc, m)
    unit = m.unit
    if unit == "count" and entity in PERSON_CLASSES:
        unit = "person"
    event = event_of(doc, m, entity)
    if event in events.outcome and unit == "count" and entity not in PERSON_CLASSES:
        entity, unit = "person", "person"  # the dead, hurt and missing are people
    if event in events.people and entity is None and unit == "count":
        # "وصل عدد الوفيات إلى 12": what dies, is hurt or goes missing is people.
        entity, unit = "person", "person"
    if unit in lex.currencies_codes():
        # Money is funding when the text says it is given, pledged, cut...; a deficit, a
        # price or a cost is not.
        event = "funding" if event == "funding" else None
    if event and has(doc, lex.need, m, before=8, after=0):
        event = None  # what is needed or what it costs is not what happened
    if event == "killed" and has(doc, lex.death_sentence, m, before=8, after=4):
        event = None  # the sentenced to death, not the dead
    return entity, sub, unit, event


def _modality(doc: Doc, m: Mention, qual: str | None) -> str:
    """A count of what happened, a plan, or a hypothesis."""
    lex = doc.lex
    if has(doc, lex.plan, m, before=4, after=0) or _planned_count(doc, m) or (
        qual == "ceiling" and _ceiling_is_plan(doc, m)
    ):
        return "planned"
    if before_in_sentence(doc, lex.hypothetical, m):
        return "hypothetical"
    return "count"


def _counted_as(event: str | None, entity: str | None, events: EventRegistry) -> str | None:
    """The counted thing as facts of this event count it."""
    if event in events.outcome and entity in _PEOPLE_AT_LARGE:
        # "31 شخصاً" and "12 مدنياً" killed in one strike are one toll: civilians, migrants
        # and people are all people when counting the dead, hurt or missing.
        return "person"
    if event in events.outcome and entity in _PEOPLE_BY_SEX_AND_AGE:
        # "9 رجال و6 نساء و4 أطفال": parts of the toll of people (a breakdown adds up to
        # it), and each a fact of its own.
        return f"person.{entity}"
    if event == "aboard" and entity in PERSON_CLASSES:
        # "كان على متنها نحو مئة عسكري" then "تقل أكثر من 200 شخص": whoever was aboard is
        # one manifest, soldiers, crew and passengers alike.
        return "person"
    if event == "transferred" and entity == "refugee":
        return "migrant"  # deported "refugees" and "migrants" are one count of people
    if event in events.custody and entity == "person":
        return "detainee"  # "أطلق سراح 430 شخصاً": whoever is released was held
    return entity


def _identify(doc: Doc, m: Mention, r: Reading, earlier: list[Claim]) -> None:
    """The figure's identity: the one an earlier figure it points back at has, a part of
    the figure before it, a part of a breakdown in brackets, or its own; the key itself
    comes from monitor/facts/identity.py."""
    lex = doc.lex
    ref = _coreferent(m, earlier, doc)
    parent = _breakdown_parent(doc, m, earlier)
    key: FactKey | None = None
    if ref is not None:
        r.event, r.entity, r.location, r.unit = ref.event, ref.entity, ref.location, ref.unit
        r.scope, r.time, r.fact_key = ref.scope, ref.time, ref.fact_key
        r.modality = "count"
        return
    if (_after_subset_cue(doc, m) or _raises_a_total(doc, m) or _partitive(doc, m)
            or (r.event == "injured" and _by_severity(doc, m))) and not m.vague and r.entity:
        # "نزوح 11 مليون، من بينهم نحو ستة ملايين فروا": a part of the figure before it.
        r.entity = f"{r.entity.split('.')[0]}.part"
        r.scope, r.time = "total", None
        key = part_key(event=r.event, part=r.entity, unit=r.unit, place=r.location,
                       place_stated=r.place_stated, key_level=lex.key_level)
    elif parent is not None:
        # (4253 عربياً، 983 أجنبياً): parts of the figure before the brackets.
        r.event, r.location, r.unit = parent.event, parent.location, parent.unit
        r.scope, r.time, r.modality = parent.scope, parent.time, parent.modality
        base = (parent.entity or "_").split(".")[0]
        r.entity = f"{base}.{r.sub}" if r.sub else f"{base}.part"
        key = breakdown_key(parent.fact_key, event=r.event, part=r.entity, scope=r.scope)
    else:
        if r.unit == "person" and r.entity and r.sub:
            r.entity = f"{r.entity}.{r.sub}"
        r.scope = key_scope(modality=r.modality, daily=r.daily,
                            incident=r.event in lex.registry.incident, when=r.when)
        # The date the text gives; none when it gives none (the fact store then orders
        # the claim by publication, the day `when` fell back to).
        r.time = r.when.isoformat() if r.when and r.time_stated else None
        # A word estimate is a claim only where a word says what happened ("مئات
        # الجرحى"), not by what it counts alone ("انشق آلاف الجنود" is no deployment).
        worded = not m.vague or in_sentence(doc, lex.events, m) is not None \
            or in_sentence(doc, lex.event_nouns, m) is not None
        key = key_of(event=r.event, entity=r.entity, unit=r.unit, place=r.location,
                     place_stated=r.place_stated, scope=r.scope, key_level=lex.key_level,
                     modality=r.modality, worded=worded)
    r.fact_key = str(key) if key is not None else None


def _claim(doc: Doc, m: Mention, r: Reading) -> Claim:
    """The claim, with its text and sentence as the original spells them."""
    q0 = m.qual_start if m.qual_start is not None else m.first
    starts, ends = doc.starts, doc.ends
    start_c = min(starts[q0], m.start)
    o_start, o_end = doc.norm.span(start_c, m.end)
    a, b = sentence_range(doc, m.first)
    s_start, s_end = doc.norm.span(starts[a], ends[b - 1])
    raw = doc.norm.original[s_start:s_end]
    lead = len(raw) - len(raw.lstrip())
    return Claim(
        article_id=doc.article.id,
        text=doc.norm.original[o_start:o_end],
        start=o_start,
        end=o_end,
        low=r.low,
        high=r.high,
        approx=r.approx,
        vague=m.vague,
        unit=r.unit,
        entity=r.entity,
        event=r.event,
        location=r.location,
        attributed_to=r.speaker,
        sentence=raw.strip(),
        in_sentence=o_start - s_start - lead if o_start >= s_start + lead else None,
        fact_key=r.fact_key,
        scope=r.scope,
        time=r.time,
        modality=r.modality,  # type: ignore[arg-type]
        update_cue=r.update_cue,
    )


def _planned_count(doc: Doc, m: Mention) -> bool:
    """`من المتوقع أن يصل عدد الشاحنات ... إلى 600`: a plan opening the clause of the figure."""
    head = count_head(doc, m)
    if head is None:
        return False
    a, _ = sentence_range(doc, m.first)
    return any(head - 5 <= k < head for k, _ in doc.hits(doc.lex.plan, a, head))


def _ceiling_is_plan(doc: Doc, m: Mention) -> bool:
    """`تصل إلى 7000` announces where a count is heading, not where it is."""
    words = doc.words
    return m.first >= 2 and words[m.first - 1] == _TO and words[m.first - 2] in _REACHES


def _breakdown_parent(doc: Doc, m: Mention, earlier: list[Claim]) -> Claim | None:
    """The claim whose figure is broken down in the brackets this figure sits in."""
    words = doc.words
    a, _ = sentence_range(doc, m.first)
    if not earlier or "(" not in words[a:m.first]:
        return None  # told in C for most figures: no bracket opens before them
    k = m.first - 1
    while k >= a and words[k] not in {"(", ")"}:
        k -= 1
    if k < a or words[k] != "(":
        return None
    # Original offsets of the bracket: the parent must end just before it.
    open_at = doc.norm.span(doc.tokens[k].start, doc.tokens[k].end)[0]
    for c in reversed(earlier[-8:]):
        if c.article_id == doc.article.id and c.low is not None and 0 <= open_at - c.end <= 40:
            return c
    return None


def _coreferent(m: Mention, earlier: list[Claim], doc: Doc) -> Claim | None:
    """`هؤلاء الـ6000` points back at a figure already reported in the article."""
    prev = doc.words[m.first - 1] if m.first > 0 else ""
    if not (m.definite or prev in _THESE):
        return None
    for c in reversed(earlier[-50:]):
        if c.fact_key and c.low is not None and m.low is not None and \
                abs((c.low or 0) - m.low) <= 0.1 * m.low:
            return c
        if c.fact_key and c.high is not None and m.high is not None and c.high == m.high:
            return c
    return None
