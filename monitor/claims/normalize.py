"""Arabic normalisation that remembers where every character came from.

Matching runs on the normalised text; claims report offsets into the original, so the
normaliser keeps, for each output character, the index of the input character it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class Normalized:
    """Normalised text plus, per character, its index in the original."""

    text: str
    index: tuple[int, ...]
    original: str

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of the normalised text back to the original text."""
        if start >= len(self.index):
            return len(self.original), len(self.original)
        o_start = self.index[start]
        o_end = self.index[end - 1] + 1 if end > start else o_start
        return o_start, o_end


def normalize(text: str) -> Normalized:
    out: list[str] = []
    idx: list[int] = []
    for i, ch in enumerate(text):
        cp = ord(ch)
        if cp in _DROP:
            continue
        out.append(_MAP.get(cp, ch))
        idx.append(i)
    return Normalized("".join(out), tuple(idx), text)


def normalize_term(term: str) -> str:
    """Normalise a lexicon entry the same way as text, so config files may use any spelling."""
    return re.sub(r"\s+", " ", normalize(term).text.strip())
