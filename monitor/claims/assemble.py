"""A claim from a mention and its readings (bounds, counted thing, event, modality,
place, time, source), and the claims a breakdown stands for.
"""

from __future__ import annotations

from monitor.claims.attribution import speaker_of
from monitor.claims.counted import PERSON_CLASSES, count_head, entity_of, event_of
from monitor.claims.doc import Doc, Mention, before_in_sentence, has, in_sentence, sentence_range
from monitor.claims.place import location_of
from monitor.claims.qualifiers import qualifier
from monitor.claims.when import is_daily, time_of
from monitor.facts.identity import FactKey, breakdown_key, fact_of, key_of, part_key
from monitor.facts.identity import scope as key_scope
from monitor.models import Claim

# "1,500 مليار ليرة" in Sidon is Lebanese pounds; in Aleppo, Syrian pounds.
_BARE_CURRENCY = {
    "LIRA": {"lb": "LBP", "sy": "SYP", "tr": "TRY"},
    "DINAR": {"iq": "IQD", "jo": "JOD", "ly": "LYD", "tn": "TND", "kw": "KWD", "dz": "DZD"},
}


_PEOPLE_AT_LARGE = {"civilian", "migrant", "refugee", "person"}


_PEOPLE_BY_SEX_AND_AGE = {"man", "woman", "child"}


_SUBSET_CUES = {"بينهم", "بينهن", "بينها", "منهم", "منهن"}


_SUBSET_CUES_WAW = _SUBSET_CUES | {"و" + w for w in _SUBSET_CUES}


def breakdown_totals(claims: list[Claim]) -> list[Claim]:
    """A breakdown given without its total stands for the total: `4253 عربياً و983 أجنبياً
    و467 عراقياً` is also a claim of 5703 about all of them, so it meets (and agrees or
    disagrees with) another source's `أكثر من 5700`. Where the article gives the total
    itself, the parts add nothing."""
    groups: dict[tuple[str, str], list[Claim]] = {}
    totals: set[tuple[str, str]] = set()
    for c in claims:
        key = fact_of(c)
        if key is None or c.vague:
            continue
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
    lex = doc.lex
    events = lex.registry
    qual = None if m.vague else qualifier(doc, m)
    low, high, approx = m.low, m.high, False
    if qual == "approx":
        approx = True
    elif qual == "floor":
        high = None
    elif qual == "ceiling":
        low = None
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
    modality = "count"
    if has(doc, lex.plan, m, before=4, after=0) or _planned_count(doc, m) or (
        qual == "ceiling" and _ceiling_is_plan(doc, m)
    ):
        modality = "planned"
    elif before_in_sentence(doc, lex.hypothetical, m):
        modality = "hypothetical"
    # "ارتفعت حصيلة قتلى انفجار السيارة المفخخة في مدينة منبج إلى 25": the cue opens the
    # clause the figure closes, often many words before it.
    update_cue = has(doc, lex.update, m, before=20, after=3)
    daily = is_daily(doc, m)
    if event in events.outcome and entity in _PEOPLE_AT_LARGE:
        # "31 شخصاً" and "12 مدنياً" killed in one strike are one toll: civilians, migrants
        # and people are all people when counting the dead, hurt or missing.
        entity = "person"
    elif event in events.outcome and entity in _PEOPLE_BY_SEX_AND_AGE:
        # "9 رجال و6 نساء و4 أطفال": parts of the toll of people (a breakdown adds up to
        # it), and each a fact of its own.
        entity = f"person.{entity}"
    elif event == "transferred" and entity == "refugee":
        entity = "migrant"  # deported "refugees" and "migrants" are one count of people
    elif event in events.custody and entity == "person":
        entity = "detainee"  # "أطلق سراح 430 شخصاً": whoever is released was held
    incident = event in events.incident
    when, time_stated = time_of(doc, m, inherit=incident)
    location, stated = location_of(doc, m, event)
    if unit in _BARE_CURRENCY:
        unit = _BARE_CURRENCY[unit].get((location or "").split(".")[0], unit)
    speaker = speaker_of(doc, m) or doc.article.outlet
    ref = _coreferent(m, earlier, doc)
    parent = _breakdown_parent(doc, m, earlier)
    key: FactKey | None = None
    fact_key = None
    if ref is not None:
        event, entity, location, unit = ref.event, ref.entity, ref.location, ref.unit
        scope, time_iso, fact_key = ref.scope, ref.time, ref.fact_key
        modality = "count"
    elif m.first >= 1 and doc.words[m.first - 1] in _SUBSET_CUES_WAW and not m.vague \
            and entity:
        # "نزوح 11 مليون، من بينهم نحو ستة ملايين فروا": a part of the figure before it.
        entity = f"{entity.split('.')[0]}.part"
        scope = "total"
        time_iso = None
        key = part_key(event=event, part=entity, unit=unit, place=location,
                       place_stated=stated, key_level=lex.key_level)
    elif parent is not None:
        # (4253 عربياً، 983 أجنبياً): parts of the figure before the brackets.
        event, location, unit = parent.event, parent.location, parent.unit
        scope, time_iso, modality = parent.scope, parent.time, parent.modality
        base = (parent.entity or "_").split(".")[0]
        entity = f"{base}.{sub}" if sub else f"{base}.part"
        key = breakdown_key(parent.fact_key, event=event, part=entity, scope=scope)
    else:
        thing = entity if unit == "person" else unit
        if thing and sub and unit == "person":
            thing = f"{thing}.{sub}"
        entity = thing if unit == "person" else entity
        scope = key_scope(modality=modality, daily=daily, incident=incident, when=when)
        # The date the text gives; none when it gives none (the fact store then orders
        # the claim by publication, the day `when` fell back to).
        time_iso = when.isoformat() if when and time_stated else None
        # A word estimate is a claim only where a word says what happened ("مئات
        # الجرحى"), not by what it counts alone ("انشق آلاف الجنود" is no deployment).
        worded = not m.vague or in_sentence(doc, lex.events, m) is not None \
            or in_sentence(doc, lex.event_nouns, m) is not None
        key = key_of(event=event, entity=entity, unit=unit, place=location,
                     place_stated=stated, scope=scope, key_level=lex.key_level,
                     modality=modality, worded=worded)
    if key is not None:
        fact_key = str(key)
    q0 = m.qual_start if m.qual_start is not None else m.first
    starts, ends = doc.starts, doc.ends
    start_c = min(starts[q0], m.start)
    o_start, o_end = doc.norm.span(start_c, m.end)
    a, b = sentence_range(doc, m.first)
    s_start, s_end = doc.norm.span(starts[a], ends[b - 1])
    return Claim(
        article_id=doc.article.id,
        text=doc.norm.original[o_start:o_end],
        start=o_start,
        end=o_end,
        low=low,
        high=high,
        approx=approx,
        vague=m.vague,
        unit=unit,
        entity=entity,
        event=event,
        location=location,
        attributed_to=speaker,
        sentence=doc.norm.original[s_start:s_end].strip(),
        fact_key=fact_key,
        scope=scope,
        time=time_iso,
        modality=modality,  # type: ignore[arg-type]
        update_cue=update_cue,
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
    return m.first >= 2 and words[m.first - 1] == "الي" and words[m.first - 2] in {"تصل", "يصل"}


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
    if not (m.definite or prev in {"هولاء", "هاولاء"}):
        return None
    for c in reversed(earlier[-50:]):
        if c.fact_key and c.low is not None and m.low is not None and \
                abs((c.low or 0) - m.low) <= 0.1 * m.low:
            return c
        if c.fact_key and c.high is not None and m.high is not None and c.high == m.high:
            return c
    return None
