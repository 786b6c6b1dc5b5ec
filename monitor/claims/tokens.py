"""Tokens: the words, digit runs and marks of normalised text, with their offsets.

One regular expression pass; the scan looks a bounded distance ahead, so time stays linear
in the length of the text whatever it contains.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import accumulate

# Digits may carry separators (, . ، and Arabic ٫ ٬ after normalisation), or open with a
# decimal point (.77) when nothing glued precedes it.
TOKEN_RE = re.compile(
    r"(?:(?<![\w.])\.(?=[0-9]))?[0-9]{1,40}(?:[.,،][0-9]{1,40}){0,8}"
    r"|[\u0621-\u064A\u0671-\u06D3]+|\S"
)
# The same tokens, found faster: Arabic words (most tokens) are tried first, and a leading
# decimal point is a branch of its own whose look-behind runs only after a "." (not at
# every space). The branches start with disjoint characters, so their order changes no
# token. The whole is a group so that re.split also returns the whitespace between tokens:
# offsets then follow from lengths, in C.
_SPLIT_RE = re.compile(
    r"([\u0621-\u064A\u0671-\u06D3]++"
    r"|[0-9]{1,40}(?:[.,،][0-9]{1,40}){0,8}"
    r"|\.(?<![\w.]\.)[0-9]{1,40}(?:[.,،][0-9]{1,40}){0,8}"
    r"|\S)"
)


def is_int(s: str) -> bool:
    """ASCII digits only (normalisation maps Arabic-Indic and Persian ones to these)."""
    return s.isascii() and s.isdigit()


@dataclass(slots=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def is_digits(self) -> bool:
        c = self.text[0]
        return "0" <= c <= "9" or (c == "." and len(self.text) > 1)


def is_digit_word(w: str) -> bool:
    c = w[0]
    return "0" <= c <= "9" or (c == "." and len(w) > 1)


class Tokens:
    """The tokens of a text as flat lists (words, start and end offsets); Token objects are
    made only when asked for (most tokens are only ever looked at as words, and objects
    cost more than the scan)."""

    __slots__ = ("_made", "ends", "starts", "words")

    def __init__(self, text: str) -> None:
        # [gap, token, gap, token, ..., gap]: the running total of lengths is each token's
        # start (after its gap) and end. No Python code runs per token.
        parts = _SPLIT_RE.split(text)
        offsets = list(accumulate(map(len, parts)))
        self.words: list[str] = parts[1::2]
        self.starts: list[int] = offsets[0:-1:2]
        self.ends: list[int] = offsets[1::2]
        # One slot per token, filled when asked for: a list indexes (negative indices too)
        # faster than a dict's `get`.
        self._made: list[Token | None] = [None] * len(self.words)

    def __len__(self) -> int:
        return len(self.words)

    def __getitem__(self, i: int) -> Token:
        t = self._made[i]
        if t is None:
            t = self._made[i] = Token(self.words[i], self.starts[i], self.ends[i])
        return t


def tokenize(text: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end()) for m in TOKEN_RE.finditer(text)]
