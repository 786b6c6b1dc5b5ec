"""Arabic normalisation that remembers where every character came from.

Matching runs on the normalised text; claims report offsets into the original, so the
normaliser keeps, for each output character, the index of the input character it came from.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate

# Characters dropped entirely: harakat, tanween, shadda, sukun, superscript alef, tatweel,
# Quranic marks and the invisible direction/format marks newswire CMSes leave behind.
_DROP = set(range(0x064B, 0x0660)) | {0x0670, 0x0640} | set(range(0x06D6, 0x06EE))
_DROP |= {0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x061C, 0xFEFF, 0x00AD}
_DROP |= set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A))  # bidi embeddings/isolates

_MAP: dict[int, str] = {}
for _c in "أإآٱٲٳ":
    _MAP[ord(_c)] = "ا"
_MAP[ord("ة")] = "ه"
_MAP[ord("ى")] = "ي"
_MAP[ord("ی")] = "ي"  # Persian yeh
_MAP[ord("ې")] = "ي"
_MAP[ord("ک")] = "ك"  # Persian kaf
_MAP[ord("ؤ")] = "و"
_MAP[ord("ئ")] = "ي"
for _i in range(10):
    _MAP[0x0660 + _i] = str(_i)  # Arabic-Indic digits
    _MAP[0x06F0 + _i] = str(_i)  # Persian digits
_MAP[ord("٫")] = "."  # Arabic decimal separator
_MAP[ord("٬")] = ","  # Arabic thousands separator
_MAP[ord("٪")] = "%"
_MAP[ord("،")] = "،"
_MAP[0x00A0] = " "
_MAP[0x202F] = " "
for _q in "“”«»„″":
    _MAP[ord(_q)] = '"'


_TABLE: dict[int, str | None] = {cp: None for cp in _DROP}
_TABLE.update({cp: ch for cp, ch in _MAP.items()})
_DROP_RE = re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(_DROP)) + "]")
# str.translate looks every character up (~60 ns each on Arabic text); only a few percent
# of newswire characters change, and only a dozen distinct ones per article.
_CHANGE = {chr(cp): (ch or "") for cp, ch in _TABLE.items()}
_DROPPED = frozenset(c for c, ch in _CHANGE.items() if not ch)
# Every change is one character to one (or to none) and no replacement is itself changed,
# so replacing each changed character in turn equals one simultaneous substitution.
assert not set(_CHANGE.values()) & (set(_CHANGE) - {"،"}) and _CHANGE["،"] == "،"


@dataclass(frozen=True, slots=True)
class Normalized:
    """Normalised text, and how to find each of its characters in the original.

    Only deletions shift positions (every mapping is one character to one), so the
    original index of normalised position n is n plus the deletions before it.
    """

    text: str
    original: str
    # For the k-th deleted character: its normalised position (original index - k).
    shifts: tuple[int, ...]

    def orig(self, n: int) -> int:
        return n + bisect_right(self.shifts, n)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of the normalised text back to the original text."""
        if start >= len(self.text):
            return len(self.original), len(self.original)
        o_start = self.orig(start)
        o_end = self.orig(end - 1) + 1 if end > start else o_start
        return o_start, o_end


# The characters that change, for `normalize` to test one by one: those deleted, and
# those replaced by another (، maps to itself: nothing to do).
_DELETED = tuple(sorted(_DROPPED))
_REPLACED = tuple(sorted(c for c, ch in _CHANGE.items() if ch and ch != c))


def normalize(text: str) -> Normalized:
    # Which characters change: a substring test per candidate character (a C-level search,
    # and none at all in a text of narrower characters) is 3x cheaper than a regular
    # expression that collects every changed character.
    shifts: tuple[int, ...] = ()
    out = text
    if any(c in text for c in _DELETED):
        # The pieces between deleted characters: joined, they are the text without them,
        # and the k-th deleted character's normalised position is the length of the
        # pieces before it (a running total, in C).
        kept = _DROP_RE.split(text)
        shifts = tuple(accumulate(map(len, kept)))[:-1]
        out = "".join(kept)
    # A str.replace per distinct replaced character is cheaper than a Python callback per
    # changed character (re.sub); no replacement is itself changed, so order is free.
    for c in _REPLACED:
        if c in out:
            out = out.replace(c, _CHANGE[c])
    return Normalized(out, text, shifts)


def normalize_term(term: str) -> str:
    """Normalise a lexicon entry the same way as text, so config files may use any spelling."""
    return re.sub(r"\s+", " ", normalize(term).text.strip())
